/* tilebox-pb.c: the protobuf wire codec (internal)
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Reading rules, all of them checked against the end of the buffer:
 *
 *  - a varint has at most 10 bytes and its 10th byte may only be 0 or 1
 *    (anything else would not fit 64 bits); padded forms within 10 bytes
 *    (such as 80 00 for 0) are accepted, as every protobuf parser does;
 *  - a tag is a varint whose field number is in 1 ... 2^29-1 and whose wire
 *    type is 0 ... 5; an end-group tag is only valid as the end of a group
 *    that _tilebox_pb_skip () is skipping, so _tilebox_pb_reader_next ()
 *    never returns one;
 *  - a length that does not fit in what is left of the buffer is rejected
 *    before any pointer arithmetic, so huge lengths cannot overflow;
 *  - depth: the reader made by _tilebox_pb_reader_init () is at depth 0 and
 *    each _tilebox_pb_read_message () or group goes one level deeper. A level
 *    above TILEBOX_PB_MAX_DEPTH is an error, so a message may hold up to 64
 *    levels of nested messages (or groups), and the 65th fails.
 *
 * When a reader fails, its position is left somewhere inside the buffer and
 * it must not be used any further.
 */

#include "config.h"

#include <string.h>

#include "tilebox-pb-private.h"
#include "tilebox-error.h"

#include <glib/gi18n-lib.h>

#define MAX_FIELD_NUMBER 536870911u /* 2^29 - 1 */
#define MAX_VARINT_LEN 10

typedef enum {
  VARINT_OK,
  VARINT_TRUNCATED,
  VARINT_TOO_LONG,
  VARINT_OVERFLOW,
} VarintStatus;

/* Decodes a varint at data[*pos..len); *pos is only advanced on success. */
static VarintStatus
decode_varint (const guint8 *data,
               gsize         len,
               gsize        *pos,
               guint64      *out)
{
  guint64 value = 0;
  gsize p = *pos;
  guint i;

  for (i = 0; i < MAX_VARINT_LEN; i++)
    {
      guint8 b;

      if (p >= len)
        return VARINT_TRUNCATED;

      b = data[p++];

      /* The 10th byte holds bit 63 only: it may neither continue nor
       * carry anything above. */
      if (i == MAX_VARINT_LEN - 1 && (b & 0x80) != 0)
        return VARINT_TOO_LONG;
      if (i == MAX_VARINT_LEN - 1 && b > 1)
        return VARINT_OVERFLOW;

      value |= (guint64) (b & 0x7f) << (7 * i);

      if ((b & 0x80) == 0)
        {
          *pos = p;
          *out = value;
          return VARINT_OK;
        }
    }

  g_assert_not_reached ();
}

gboolean
_tilebox_pb_decode_varint (const guint8 *data,
                           gsize         len,
                           gsize        *pos,
                           guint64      *out)
{
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (pos != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  return decode_varint (data, len, pos, out) == VARINT_OK;
}

/* Reads a varint at the reader's position, with an error naming the
 * problem and the byte where the varint starts. */
static gboolean
get_varint (TileboxPbReader *reader,
            guint64         *out,
            GError         **error)
{
  gsize start = reader->pos;

  switch (decode_varint (reader->data, reader->len, &reader->pos, out))
    {
    case VARINT_OK:
      return TRUE;

    case VARINT_TRUNCATED:
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL,
                   _("Malformed protobuf data: truncated varint at byte %lu"),
                   (gulong) start);
      return FALSE;

    case VARINT_TOO_LONG:
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL,
                   _("Malformed protobuf data: varint longer than 10 bytes at byte %lu"),
                   (gulong) start);
      return FALSE;

    case VARINT_OVERFLOW:
    default:
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL,
                   _("Malformed protobuf data: varint does not fit 64 bits at byte %lu"),
                   (gulong) start);
      return FALSE;
    }
}

static gboolean
get_fixed (TileboxPbReader *reader,
           void            *out,
           gsize            size,
           GError         **error)
{
  if (reader->len - reader->pos < size)
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL,
                   _("Malformed protobuf data: truncated %u-byte fixed value at byte %lu"),
                   (guint) size, (gulong) reader->pos);
      return FALSE;
    }

  memcpy (out, reader->data + reader->pos, size);
  reader->pos += size;
  return TRUE;
}

static gboolean
get_len (TileboxPbReader *reader,
         const guint8   **data,
         gsize           *len,
         GError         **error)
{
  gsize start = reader->pos;
  guint64 n;

  if (!get_varint (reader, &n, error))
    return FALSE;

  /* Compared in 64 bits against what is left: no pos + n overflow. */
  if (n > (guint64) (reader->len - reader->pos))
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL,
                   _("Malformed protobuf data: length %llu goes past the end of the data at byte %lu"),
                   (unsigned long long) n, (gulong) start);
      return FALSE;
    }

  *data = reader->data + reader->pos;
  *len = (gsize) n;
  reader->pos += (gsize) n;
  return TRUE;
}

/* Reads and checks a tag; end-group tags are let through. */
static gboolean
get_tag (TileboxPbReader   *reader,
         guint32           *field,
         TileboxPbWireType *wire_type,
         GError           **error)
{
  gsize start = reader->pos;
  guint64 tag;
  guint64 number;
  guint type;

  if (!get_varint (reader, &tag, error))
    return FALSE;

  number = tag >> 3;
  type = (guint) (tag & 7);

  if (number == 0 || number > MAX_FIELD_NUMBER)
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL,
                   _("Malformed protobuf data: invalid field number %llu at byte %lu"),
                   (unsigned long long) number, (gulong) start);
      return FALSE;
    }

  if (type > TILEBOX_PB_WIRE_FIXED32)
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL,
                   _("Malformed protobuf data: invalid wire type %u for field %u at byte %lu"),
                   type, (guint) number, (gulong) start);
      return FALSE;
    }

  *field = (guint32) number;
  *wire_type = (TileboxPbWireType) type;
  return TRUE;
}

void
_tilebox_pb_reader_init (TileboxPbReader *reader,
                         const guint8    *data,
                         gsize            len)
{
  g_return_if_fail (reader != NULL);
  g_return_if_fail (data != NULL || len == 0);

  reader->data = data;
  reader->len = len;
  reader->pos = 0;
  reader->depth = 0;
  reader->field = 0;
  reader->wire_type = TILEBOX_PB_WIRE_VARINT;
}

int
_tilebox_pb_reader_next (TileboxPbReader *reader,
                         GError         **error)
{
  gsize start = reader->pos;
  guint32 field;
  TileboxPbWireType wire_type;

  if (reader->pos >= reader->len)
    return 0;

  if (!get_tag (reader, &field, &wire_type, error))
    return -1;

  if (wire_type == TILEBOX_PB_WIRE_EGROUP)
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL,
                   _("Malformed protobuf data: end-group tag for field %u without a start at byte %lu"),
                   field, (gulong) start);
      return -1;
    }

  reader->field = field;
  reader->wire_type = wire_type;
  return 1;
}

static gboolean
check_wire_type (TileboxPbReader   *reader,
                 TileboxPbWireType  expected,
                 GError           **error)
{
  if (reader->wire_type == expected)
    return TRUE;

  g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL,
               _("Malformed protobuf data: field %u has wire type %u, expected %u, at byte %lu"),
               reader->field, (guint) reader->wire_type, (guint) expected,
               (gulong) reader->pos);
  return FALSE;
}

gboolean
_tilebox_pb_read_varint (TileboxPbReader *reader,
                         guint64         *out,
                         GError         **error)
{
  return check_wire_type (reader, TILEBOX_PB_WIRE_VARINT, error) &&
         get_varint (reader, out, error);
}

gboolean
_tilebox_pb_read_fixed32 (TileboxPbReader *reader,
                          guint32         *out,
                          GError         **error)
{
  guint32 le;

  if (!check_wire_type (reader, TILEBOX_PB_WIRE_FIXED32, error) ||
      !get_fixed (reader, &le, sizeof le, error))
    return FALSE;

  *out = GUINT32_FROM_LE (le);
  return TRUE;
}

gboolean
_tilebox_pb_read_fixed64 (TileboxPbReader *reader,
                          guint64         *out,
                          GError         **error)
{
  guint64 le;

  if (!check_wire_type (reader, TILEBOX_PB_WIRE_FIXED64, error) ||
      !get_fixed (reader, &le, sizeof le, error))
    return FALSE;

  *out = GUINT64_FROM_LE (le);
  return TRUE;
}

gboolean
_tilebox_pb_read_bytes (TileboxPbReader *reader,
                        const guint8   **data,
                        gsize           *len,
                        GError         **error)
{
  return check_wire_type (reader, TILEBOX_PB_WIRE_LEN, error) &&
         get_len (reader, data, len, error);
}

gboolean
_tilebox_pb_read_string (TileboxPbReader *reader,
                         char           **out,
                         GError         **error)
{
  const guint8 *data;
  gsize len;
  gsize start;

  if (!check_wire_type (reader, TILEBOX_PB_WIRE_LEN, error))
    return FALSE;

  start = reader->pos;
  if (!get_len (reader, &data, &len, error))
    return FALSE;

  /* g_utf8_validate_len () also rejects NUL bytes, which could not be
   * returned in a NUL-terminated string anyway. */
  if (!g_utf8_validate_len ((const char *) data, len, NULL))
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL,
                   _("Malformed protobuf data: string field %u is not valid UTF-8 at byte %lu"),
                   reader->field, (gulong) start);
      return FALSE;
    }

  *out = g_strndup ((const char *) data, len);
  return TRUE;
}

gboolean
_tilebox_pb_read_message (TileboxPbReader *reader,
                          TileboxPbReader *sub,
                          GError         **error)
{
  const guint8 *data;
  gsize len;

  if (!check_wire_type (reader, TILEBOX_PB_WIRE_LEN, error))
    return FALSE;

  if (reader->depth >= TILEBOX_PB_MAX_DEPTH)
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL,
                   _("Malformed protobuf data: messages nested more than %u levels deep at byte %lu"),
                   (guint) TILEBOX_PB_MAX_DEPTH, (gulong) reader->pos);
      return FALSE;
    }

  if (!get_len (reader, &data, &len, error))
    return FALSE;

  _tilebox_pb_reader_init (sub, data, len);
  sub->depth = reader->depth + 1;
  return TRUE;
}

static gboolean skip_value (TileboxPbReader   *reader,
                            guint32            field,
                            TileboxPbWireType  wire_type,
                            guint              depth,
                            GError           **error);

/* Skips the fields of a group, up to and including the end-group tag of
 * the same field. `depth` is the level of the group's contents. */
static gboolean
skip_group (TileboxPbReader *reader,
            guint32          field,
            guint            depth,
            GError         **error)
{
  gsize start = reader->pos;

  if (depth > TILEBOX_PB_MAX_DEPTH)
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL,
                   _("Malformed protobuf data: groups nested more than %u levels deep at byte %lu"),
                   (guint) TILEBOX_PB_MAX_DEPTH, (gulong) start);
      return FALSE;
    }

  for (;;)
    {
      gsize tag_start = reader->pos;
      guint32 inner_field;
      TileboxPbWireType inner_type;

      if (reader->pos >= reader->len)
        {
          g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL,
                       _("Malformed protobuf data: group of field %u starting at byte %lu has no end"),
                       field, (gulong) start);
          return FALSE;
        }

      if (!get_tag (reader, &inner_field, &inner_type, error))
        return FALSE;

      if (inner_type == TILEBOX_PB_WIRE_EGROUP)
        {
          if (inner_field == field)
            return TRUE;

          g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL,
                       _("Malformed protobuf data: end-group tag for field %u closes a group of field %u at byte %lu"),
                       inner_field, field, (gulong) tag_start);
          return FALSE;
        }

      if (!skip_value (reader, inner_field, inner_type, depth, error))
        return FALSE;
    }
}

/* Skips a value of the given wire type in a message at level `depth`. */
static gboolean
skip_value (TileboxPbReader   *reader,
            guint32            field,
            TileboxPbWireType  wire_type,
            guint              depth,
            GError           **error)
{
  guint64 v64;
  guint32 v32;
  const guint8 *data;
  gsize len;

  switch (wire_type)
    {
    case TILEBOX_PB_WIRE_VARINT:
      return get_varint (reader, &v64, error);
    case TILEBOX_PB_WIRE_FIXED64:
      return get_fixed (reader, &v64, sizeof v64, error);
    case TILEBOX_PB_WIRE_LEN:
      return get_len (reader, &data, &len, error);
    case TILEBOX_PB_WIRE_FIXED32:
      return get_fixed (reader, &v32, sizeof v32, error);
    case TILEBOX_PB_WIRE_SGROUP:
      return skip_group (reader, field, depth + 1, error);
    case TILEBOX_PB_WIRE_EGROUP:
    default:
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL,
                   _("Malformed protobuf data: cannot skip wire type %u of field %u at byte %lu"),
                   (guint) wire_type, field, (gulong) reader->pos);
      return FALSE;
    }
}

gboolean
_tilebox_pb_skip (TileboxPbReader *reader,
                  GError         **error)
{
  return skip_value (reader, reader->field, reader->wire_type,
                     reader->depth, error);
}

/* Writers */

void
_tilebox_pb_write_raw_varint (GByteArray *out,
                              guint64     value)
{
  guint8 buf[MAX_VARINT_LEN];
  guint n = 0;

  while (value >= 0x80)
    {
      buf[n++] = (guint8) (value | 0x80);
      value >>= 7;
    }
  buf[n++] = (guint8) value;

  g_byte_array_append (out, buf, n);
}

void
_tilebox_pb_write_tag (GByteArray       *out,
                       guint32           field,
                       TileboxPbWireType wire_type)
{
  g_return_if_fail (field >= 1 && field <= MAX_FIELD_NUMBER);

  _tilebox_pb_write_raw_varint (out, ((guint64) field << 3) | (guint) wire_type);
}

void
_tilebox_pb_write_varint (GByteArray *out,
                          guint32     field,
                          guint64     value)
{
  _tilebox_pb_write_tag (out, field, TILEBOX_PB_WIRE_VARINT);
  _tilebox_pb_write_raw_varint (out, value);
}

void
_tilebox_pb_write_sint (GByteArray *out,
                        guint32     field,
                        gint64      value)
{
  _tilebox_pb_write_varint (out, field, _tilebox_pb_zigzag_encode (value));
}

void
_tilebox_pb_write_bool (GByteArray *out,
                        guint32     field,
                        gboolean    value)
{
  _tilebox_pb_write_varint (out, field, value ? 1 : 0);
}

void
_tilebox_pb_write_fixed32 (GByteArray *out,
                           guint32     field,
                           guint32     value)
{
  guint32 le = GUINT32_TO_LE (value);

  _tilebox_pb_write_tag (out, field, TILEBOX_PB_WIRE_FIXED32);
  g_byte_array_append (out, (const guint8 *) &le, sizeof le);
}

void
_tilebox_pb_write_fixed64 (GByteArray *out,
                           guint32     field,
                           guint64     value)
{
  guint64 le = GUINT64_TO_LE (value);

  _tilebox_pb_write_tag (out, field, TILEBOX_PB_WIRE_FIXED64);
  g_byte_array_append (out, (const guint8 *) &le, sizeof le);
}

void
_tilebox_pb_write_double (GByteArray *out,
                          guint32     field,
                          double      value)
{
  guint64 bits;

  G_STATIC_ASSERT (sizeof bits == sizeof value);
  memcpy (&bits, &value, sizeof bits);
  _tilebox_pb_write_fixed64 (out, field, bits);
}

void
_tilebox_pb_write_float (GByteArray *out,
                         guint32     field,
                         float       value)
{
  guint32 bits;

  G_STATIC_ASSERT (sizeof bits == sizeof value);
  memcpy (&bits, &value, sizeof bits);
  _tilebox_pb_write_fixed32 (out, field, bits);
}

void
_tilebox_pb_write_bytes (GByteArray   *out,
                         guint32       field,
                         const guint8 *data,
                         gsize         len)
{
  g_return_if_fail (data != NULL || len == 0);
  g_return_if_fail (len <= G_MAXUINT);

  _tilebox_pb_write_tag (out, field, TILEBOX_PB_WIRE_LEN);
  _tilebox_pb_write_raw_varint (out, len);
  if (len > 0)
    g_byte_array_append (out, data, len);
}

void
_tilebox_pb_write_string (GByteArray *out,
                          guint32     field,
                          const char *str)
{
  if (str == NULL)
    return;

  _tilebox_pb_write_bytes (out, field, (const guint8 *) str, strlen (str));
}

void
_tilebox_pb_write_message (GByteArray       *out,
                           guint32           field,
                           const GByteArray *sub)
{
  g_return_if_fail (sub != NULL);

  _tilebox_pb_write_bytes (out, field, sub->data, sub->len);
}
