/* fuzz-pb.c: libFuzzer target for the protobuf wire codec
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Walks the input as a message: scalars are read by their wire type,
 * groups are skipped, and every length-delimited field is tried as a
 * string and as a sub-message (recursively). What was read is written
 * again; walking the re-encoding must succeed and give the same bytes,
 * since the re-encoding is canonical. Packed varints and ZigZag are
 * checked on the raw input too.
 */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tilebox-pb-private.h"
#include "tilebox-error.h"

#define CHECK(cond) G_STMT_START { if (!(cond)) abort (); } G_STMT_END

/* Two writers that should have produced the same bytes. */
static void
check_same (GByteArray *a,
            GByteArray *b)
{
  CHECK (a->len == b->len && memcmp (a->data, b->data, a->len) == 0);
  g_byte_array_set_size (a, 0);
  g_byte_array_set_size (b, 0);
}

static void
check_protocol_error (GError *error)
{
  CHECK (error != NULL);
  CHECK (g_error_matches (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL));
  CHECK (error->message != NULL && error->message[0] != '\0');
}

/* Walks the message of `reader`, appending its re-encoding to `out`.
 * Returns FALSE with error set if the message is malformed. */
static gboolean
walk (TileboxPbReader *reader,
      GByteArray      *out,
      GError         **error)
{
  int r;

  while ((r = _tilebox_pb_reader_next (reader, error)) == 1)
    {
      guint32 field = reader->field;
      guint64 v64;
      guint32 v32;

      CHECK (field >= 1 && field <= 536870911);

      switch (reader->wire_type)
        {
        case TILEBOX_PB_WIRE_VARINT:
          {
            g_autoptr(GByteArray) a = g_byte_array_new ();
            g_autoptr(GByteArray) b = g_byte_array_new ();

            if (!_tilebox_pb_read_varint (reader, &v64, error))
              return FALSE;
            _tilebox_pb_write_varint (out, field, v64);

            CHECK ((guint64) _tilebox_pb_zigzag_decode (_tilebox_pb_zigzag_encode ((gint64) v64)) == v64);
            _tilebox_pb_write_varint (a, field, v64);
            _tilebox_pb_write_sint (b, field, _tilebox_pb_zigzag_decode (v64));
            check_same (a, b);
            if (v64 <= 1)
              {
                _tilebox_pb_write_varint (a, field, v64);
                _tilebox_pb_write_bool (b, field, v64 == 1);
                check_same (a, b);
              }
          }
          break;

        case TILEBOX_PB_WIRE_FIXED64:
          {
            double d;

            g_autoptr(GByteArray) a = g_byte_array_new ();

            if (!_tilebox_pb_read_fixed64 (reader, &v64, error))
              return FALSE;
            memcpy (&d, &v64, sizeof d);
            _tilebox_pb_write_double (out, field, d);
            _tilebox_pb_write_fixed64 (a, field, v64);
            CHECK (out->len >= a->len &&
                   memcmp (out->data + out->len - a->len, a->data, a->len) == 0);
          }
          break;

        case TILEBOX_PB_WIRE_FIXED32:
          {
            float f;

            g_autoptr(GByteArray) a = g_byte_array_new ();

            if (!_tilebox_pb_read_fixed32 (reader, &v32, error))
              return FALSE;
            memcpy (&f, &v32, sizeof f);
            _tilebox_pb_write_float (out, field, f);
            _tilebox_pb_write_fixed32 (a, field, v32);
            CHECK (out->len >= a->len &&
                   memcmp (out->data + out->len - a->len, a->data, a->len) == 0);
          }
          break;

        case TILEBOX_PB_WIRE_LEN:
          {
            TileboxPbReader as_bytes = *reader;
            TileboxPbReader as_string = *reader;
            TileboxPbReader sub;
            g_autoptr(GError) sub_error = NULL;
            g_autoptr(GByteArray) sub_out = NULL;
            g_autofree char *str = NULL;
            const guint8 *data;
            gsize len;

            if (!_tilebox_pb_read_bytes (&as_bytes, &data, &len, error))
              return FALSE;
            CHECK (data >= reader->data && len <= reader->len &&
                   (gsize) (data - reader->data) <= reader->len - len);

            if (_tilebox_pb_read_string (&as_string, &str, &sub_error))
              {
                CHECK (strlen (str) == len && memcmp (str, data, len) == 0);
                CHECK (as_string.pos == as_bytes.pos);
              }
            else
              {
                check_protocol_error (sub_error);
                g_clear_error (&sub_error);
              }

            if (!_tilebox_pb_read_message (reader, &sub, &sub_error))
              {
                /* too deep: keep it as bytes */
                check_protocol_error (sub_error);
                g_clear_error (&sub_error);
                *reader = as_bytes;
                _tilebox_pb_write_bytes (out, field, data, len);
                break;
              }

            CHECK (reader->pos == as_bytes.pos);
            CHECK (sub.data == data && sub.len == len);
            CHECK (sub.depth == reader->depth + 1 && sub.depth <= TILEBOX_PB_MAX_DEPTH);

            sub_out = g_byte_array_new ();
            if (walk (&sub, sub_out, &sub_error))
              _tilebox_pb_write_message (out, field, sub_out);
            else if (str != NULL)
              {
                /* not a message, but a string: the same bytes */
                check_protocol_error (sub_error);
                _tilebox_pb_write_string (out, field, str);
              }
            else
              {
                check_protocol_error (sub_error);
                _tilebox_pb_write_bytes (out, field, data, len);
              }
          }
          break;

        case TILEBOX_PB_WIRE_SGROUP:
          if (!_tilebox_pb_skip (reader, error))
            return FALSE;
          CHECK (reader->wire_type == TILEBOX_PB_WIRE_SGROUP && reader->field == field);
          break;

        case TILEBOX_PB_WIRE_EGROUP:
        default:
          abort (); /* reader_next never returns these */
        }

      CHECK (reader->pos <= reader->len);
    }

  if (r == 0)
    CHECK (reader->pos == reader->len);
  return r == 0;
}

/* Skips every field: must agree with walk () on whether the input is
 * well-formed at the top level, except that walk () does not fail on
 * a malformed sub-message. */
static gboolean
skip_all (const guint8 *data,
          gsize         size)
{
  g_autoptr(GError) error = NULL;
  TileboxPbReader reader;
  int r;

  _tilebox_pb_reader_init (&reader, data, size);
  while ((r = _tilebox_pb_reader_next (&reader, &error)) == 1)
    if (!_tilebox_pb_skip (&reader, &error))
      {
        r = -1;
        break;
      }

  if (r != 0)
    check_protocol_error (error);
  return r == 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  TileboxPbReader reader;
  gboolean ok;
  gsize pos = 0;
  guint64 v;

  /* The input as packed varints. */
  while (pos < size)
    {
      gsize before = pos;

      if (!_tilebox_pb_decode_varint (data, size, &pos, &v))
        {
          CHECK (pos == before);
          break;
        }
      CHECK (pos > before && pos - before <= 10 && pos <= size);
    }

  /* The input as a message. */
  _tilebox_pb_reader_init (&reader, size > 0 ? data : NULL, size);
  ok = walk (&reader, out, &error);
  CHECK (ok == skip_all (size > 0 ? data : NULL, size));

  if (ok)
    {
      g_autoptr(GByteArray) again = g_byte_array_new ();
      g_autoptr(GError) again_error = NULL;
      TileboxPbReader reader2;

      CHECK (error == NULL);
      _tilebox_pb_reader_init (&reader2, out->len > 0 ? out->data : NULL, out->len);
      CHECK (walk (&reader2, again, &again_error));
      CHECK (again_error == NULL);
      CHECK (again->len == out->len);
      CHECK (out->len == 0 || memcmp (again->data, out->data, out->len) == 0);
    }
  else
    check_protocol_error (error);

  return 0;
}
