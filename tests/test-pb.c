/* test-pb.c: tests of the protobuf wire codec
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The known byte vectors below are written by hand from the protobuf
 * encoding specification.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "tilebox-pb-private.h"
#include "tilebox-error.h"

/* Helpers */

#define BYTES(...) ((const guint8[]) { __VA_ARGS__ })
#define NBYTES(...) sizeof ((const guint8[]) { __VA_ARGS__ })

static void
assert_bytes (const GByteArray *array,
              const guint8     *expected,
              gsize             expected_len)
{
  g_assert_nonnull (array);
  g_assert_cmpmem (array->data, array->len, expected, expected_len);
}

#define ASSERT_BYTES(array, ...) \
  assert_bytes ((array), BYTES (__VA_ARGS__), NBYTES (__VA_ARGS__))

/* Walks a message generically: reads every scalar by its wire type, skips
 * groups, and goes into no length-delimited field. Returns FALSE with
 * error set on the first failure. */
static gboolean
walk_flat (const guint8 *data,
           gsize         len,
           GError      **error)
{
  TileboxPbReader reader;
  int r;

  _tilebox_pb_reader_init (&reader, data, len);

  while ((r = _tilebox_pb_reader_next (&reader, error)) == 1)
    {
      guint64 v64;
      guint32 v32;
      const guint8 *bytes;
      gsize n;
      gboolean ok = FALSE;

      switch (reader.wire_type)
        {
        case TILEBOX_PB_WIRE_VARINT:
          ok = _tilebox_pb_read_varint (&reader, &v64, error);
          break;
        case TILEBOX_PB_WIRE_FIXED64:
          ok = _tilebox_pb_read_fixed64 (&reader, &v64, error);
          break;
        case TILEBOX_PB_WIRE_LEN:
          ok = _tilebox_pb_read_bytes (&reader, &bytes, &n, error);
          if (ok)
            {
              g_assert_true (bytes >= data && bytes + n <= data + len);
            }
          break;
        case TILEBOX_PB_WIRE_FIXED32:
          ok = _tilebox_pb_read_fixed32 (&reader, &v32, error);
          break;
        case TILEBOX_PB_WIRE_SGROUP:
          ok = _tilebox_pb_skip (&reader, error);
          break;
        case TILEBOX_PB_WIRE_EGROUP:
        default:
          g_assert_not_reached ();
        }

      if (!ok)
        return FALSE;
      g_assert_cmpuint (reader.pos, <=, reader.len);
    }

  g_assert_cmpuint (reader.pos, <=, reader.len);
  return r == 0;
}

/* Walks a message skipping every field with _tilebox_pb_skip (). */
static gboolean
walk_skip (const guint8 *data,
           gsize         len,
           GError      **error)
{
  TileboxPbReader reader;
  int r;

  _tilebox_pb_reader_init (&reader, data, len);
  while ((r = _tilebox_pb_reader_next (&reader, error)) == 1)
    {
      if (!_tilebox_pb_skip (&reader, error))
        return FALSE;
    }
  return r == 0;
}

/* Positions a reader on the first field of data, asserting it is there. */
static void
reader_first (TileboxPbReader *reader,
              const guint8    *data,
              gsize            len)
{
  g_autoptr(GError) error = NULL;

  _tilebox_pb_reader_init (reader, data, len);
  g_assert_cmpint (_tilebox_pb_reader_next (reader, &error), ==, 1);
  g_assert_no_error (error);
}

/* Asserts that reader_next fails on data with a protocol error. */
static void
assert_next_fails (const guint8 *data,
                   gsize         len)
{
  g_autoptr(GError) error = NULL;
  TileboxPbReader reader;

  _tilebox_pb_reader_init (&reader, data, len);
  g_assert_cmpint (_tilebox_pb_reader_next (&reader, &error), ==, -1);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
}

/* Varints */

static const guint64 varint_boundaries[] = {
  0, 1, 127, 128, 16383, 16384,
  G_GUINT64_CONSTANT (2097151), G_GUINT64_CONSTANT (2097152),
  G_MAXUINT32, G_GUINT64_CONSTANT (1) << 32,
  (G_GUINT64_CONSTANT (1) << 63) - 1, G_GUINT64_CONSTANT (1) << 63,
  G_MAXUINT64,
};

/* The number of bytes a varint takes: one per started group of 7 bits. */
static gsize
varint_size (guint64 v)
{
  gsize n = 1;

  while (v >= 0x80)
    {
      v >>= 7;
      n++;
    }
  return n;
}

static void
test_varint_round_trip_boundaries (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (varint_boundaries); i++)
    {
      g_autoptr(GByteArray) out = g_byte_array_new ();
      guint64 v = varint_boundaries[i];
      guint64 got = 0;
      gsize pos = 0;

      _tilebox_pb_write_raw_varint (out, v);
      g_assert_cmpuint (out->len, ==, varint_size (v));
      g_assert_cmpuint (out->len, <=, 10);
      g_assert_true (_tilebox_pb_decode_varint (out->data, out->len, &pos, &got));
      g_assert_cmpuint (got, ==, v);
      g_assert_cmpuint (pos, ==, out->len);
    }
}

static void
test_varint_known_encodings (void)
{
  g_autoptr(GByteArray) out = NULL;

  out = g_byte_array_new ();
  _tilebox_pb_write_raw_varint (out, 0);
  ASSERT_BYTES (out, 0x00);
  g_clear_pointer (&out, g_byte_array_unref);

  out = g_byte_array_new ();
  _tilebox_pb_write_raw_varint (out, 1);
  ASSERT_BYTES (out, 0x01);
  g_clear_pointer (&out, g_byte_array_unref);

  out = g_byte_array_new ();
  _tilebox_pb_write_raw_varint (out, 127);
  ASSERT_BYTES (out, 0x7f);
  g_clear_pointer (&out, g_byte_array_unref);

  out = g_byte_array_new ();
  _tilebox_pb_write_raw_varint (out, 128);
  ASSERT_BYTES (out, 0x80, 0x01);
  g_clear_pointer (&out, g_byte_array_unref);

  out = g_byte_array_new ();
  _tilebox_pb_write_raw_varint (out, 150);
  ASSERT_BYTES (out, 0x96, 0x01);
  g_clear_pointer (&out, g_byte_array_unref);

  out = g_byte_array_new ();
  _tilebox_pb_write_raw_varint (out, 300);
  ASSERT_BYTES (out, 0xac, 0x02);
  g_clear_pointer (&out, g_byte_array_unref);

  out = g_byte_array_new ();
  _tilebox_pb_write_raw_varint (out, 16384);
  ASSERT_BYTES (out, 0x80, 0x80, 0x01);
  g_clear_pointer (&out, g_byte_array_unref);

  out = g_byte_array_new ();
  _tilebox_pb_write_raw_varint (out, G_MAXUINT32);
  ASSERT_BYTES (out, 0xff, 0xff, 0xff, 0xff, 0x0f);
  g_clear_pointer (&out, g_byte_array_unref);

  out = g_byte_array_new ();
  _tilebox_pb_write_raw_varint (out, G_GUINT64_CONSTANT (1) << 63);
  ASSERT_BYTES (out, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01);
  g_clear_pointer (&out, g_byte_array_unref);

  out = g_byte_array_new ();
  _tilebox_pb_write_raw_varint (out, G_MAXUINT64);
  ASSERT_BYTES (out, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01);
}

static void
test_varint_decode_at_offset_advances_pos (void)
{
  /* Two packed varints, 150 and 1, after a byte that is not ours. */
  const guint8 data[] = { 0xee, 0x96, 0x01, 0x01 };
  gsize pos = 1;
  guint64 v = 0;

  g_assert_true (_tilebox_pb_decode_varint (data, sizeof data, &pos, &v));
  g_assert_cmpuint (v, ==, 150);
  g_assert_cmpuint (pos, ==, 3);
  g_assert_true (_tilebox_pb_decode_varint (data, sizeof data, &pos, &v));
  g_assert_cmpuint (v, ==, 1);
  g_assert_cmpuint (pos, ==, 4);

  /* At the end there is nothing left: failure, pos unchanged. */
  g_assert_false (_tilebox_pb_decode_varint (data, sizeof data, &pos, &v));
  g_assert_cmpuint (pos, ==, 4);
}

static void
test_varint_padded_forms_within_ten_bytes_accepted (void)
{
  /* 0 written with redundant continuation bytes, as protobuf parsers
   * accept: this is not "overlong" in the sense of more than 10 bytes. */
  const guint8 two[] = { 0x80, 0x00 };
  const guint8 ten[] = { 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00 };
  gsize pos = 0;
  guint64 v = 99;

  g_assert_true (_tilebox_pb_decode_varint (two, sizeof two, &pos, &v));
  g_assert_cmpuint (v, ==, 0);
  g_assert_cmpuint (pos, ==, 2);

  pos = 0;
  g_assert_true (_tilebox_pb_decode_varint (ten, sizeof ten, &pos, &v));
  g_assert_cmpuint (v, ==, 1);
  g_assert_cmpuint (pos, ==, 10);
}

static void
test_varint_longer_than_ten_bytes_rejected (void)
{
  const guint8 eleven[] = { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00 };
  const guint8 tag[] = { 0x88, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00 };
  g_autoptr(GError) error = NULL;
  TileboxPbReader reader;
  gsize pos = 0;
  guint64 v = 0;

  g_assert_false (_tilebox_pb_decode_varint (eleven, sizeof eleven, &pos, &v));
  g_assert_cmpuint (pos, ==, 0);

  /* As a tag ... */
  assert_next_fails (tag, sizeof tag);

  /* ... and as a value, with the offset of the value in the message. */
  {
    const guint8 msg[] = { 0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00 };

    reader_first (&reader, msg, sizeof msg);
    g_assert_false (_tilebox_pb_read_varint (&reader, &v, &error));
    g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
    g_assert_nonnull (strstr (error->message, "longer than 10 bytes at byte 1"));
  }
}

static void
test_varint_tenth_byte_above_one_rejected (void)
{
  /* 2^64 would need bit 64: the 10th byte may only be 0 or 1. */
  const guint8 two[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02 };
  const guint8 max[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f };
  const guint8 msg[] = { 0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02 };
  g_autoptr(GError) error = NULL;
  TileboxPbReader reader;
  gsize pos = 0;
  guint64 v = 0;

  g_assert_false (_tilebox_pb_decode_varint (two, sizeof two, &pos, &v));
  g_assert_cmpuint (pos, ==, 0);
  g_assert_false (_tilebox_pb_decode_varint (max, sizeof max, &pos, &v));
  g_assert_cmpuint (pos, ==, 0);

  reader_first (&reader, msg, sizeof msg);
  g_assert_false (_tilebox_pb_read_varint (&reader, &v, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "does not fit 64 bits at byte 1"));
}

static void
test_varint_truncated_rejected (void)
{
  const guint8 data[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 };
  const guint8 msg[] = { 0x08, 0x96 };
  g_autoptr(GError) error = NULL;
  TileboxPbReader reader;
  guint64 v = 0;

  /* Every proper prefix of a 10-byte varint is truncated. */
  for (gsize n = 0; n < sizeof data; n++)
    {
      gsize pos = 0;

      g_assert_false (_tilebox_pb_decode_varint (data, n, &pos, &v));
      g_assert_cmpuint (pos, ==, 0);
    }

  reader_first (&reader, msg, sizeof msg);
  g_assert_false (_tilebox_pb_read_varint (&reader, &v, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "truncated varint at byte 1"));
}

/* ZigZag */

static void
test_zigzag_known_encodings (void)
{
  g_assert_cmpuint (_tilebox_pb_zigzag_encode (0), ==, 0);
  g_assert_cmpuint (_tilebox_pb_zigzag_encode (-1), ==, 1);
  g_assert_cmpuint (_tilebox_pb_zigzag_encode (1), ==, 2);
  g_assert_cmpuint (_tilebox_pb_zigzag_encode (-2), ==, 3);
  g_assert_cmpuint (_tilebox_pb_zigzag_encode (2147483647), ==, G_GUINT64_CONSTANT (4294967294));
  g_assert_cmpuint (_tilebox_pb_zigzag_encode (-2147483648), ==, G_GUINT64_CONSTANT (4294967295));
  g_assert_cmpuint (_tilebox_pb_zigzag_encode (G_MAXINT64), ==, G_MAXUINT64 - 1);
  g_assert_cmpuint (_tilebox_pb_zigzag_encode (G_MININT64), ==, G_MAXUINT64);

  g_assert_cmpint (_tilebox_pb_zigzag_decode (0), ==, 0);
  g_assert_cmpint (_tilebox_pb_zigzag_decode (1), ==, -1);
  g_assert_cmpint (_tilebox_pb_zigzag_decode (2), ==, 1);
  g_assert_cmpint (_tilebox_pb_zigzag_decode (3), ==, -2);
  g_assert_cmpint (_tilebox_pb_zigzag_decode (G_MAXUINT64 - 1), ==, G_MAXINT64);
  g_assert_cmpint (_tilebox_pb_zigzag_decode (G_MAXUINT64), ==, G_MININT64);
}

static void
test_zigzag_round_trip_extremes (void)
{
  const gint64 values[] = {
    0, 1, -1, 2, -2, 63, -64, 64, -65, G_MAXINT32, G_MININT32,
    (gint64) G_MAXINT32 + 1, (gint64) G_MININT32 - 1,
    G_MAXINT64, G_MININT64, G_MAXINT64 - 1, G_MININT64 + 1,
  };

  for (gsize i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autoptr(GByteArray) out = g_byte_array_new ();
      g_autoptr(GError) error = NULL;
      TileboxPbReader reader;
      guint64 raw = 0;

      g_assert_cmpint (_tilebox_pb_zigzag_decode (_tilebox_pb_zigzag_encode (values[i])), ==, values[i]);

      _tilebox_pb_write_sint (out, 4, values[i]);
      reader_first (&reader, out->data, out->len);
      g_assert_cmpuint (reader.field, ==, 4);
      g_assert_true (_tilebox_pb_read_varint (&reader, &raw, &error));
      g_assert_no_error (error);
      g_assert_cmpint (_tilebox_pb_zigzag_decode (raw), ==, values[i]);
    }
}

/* Writers against hand-written bytes */

static void
test_write_known_bytes (void)
{
  g_autoptr(GByteArray) out = NULL;
  const guint8 blob[] = { 0x00, 0xff };

  /* The classic examples of the encoding guide. */
  out = g_byte_array_new ();
  _tilebox_pb_write_varint (out, 1, 150);
  ASSERT_BYTES (out, 0x08, 0x96, 0x01);
  g_clear_pointer (&out, g_byte_array_unref);

  out = g_byte_array_new ();
  _tilebox_pb_write_string (out, 2, "testing");
  ASSERT_BYTES (out, 0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67);
  g_clear_pointer (&out, g_byte_array_unref);

  /* int32 -1 as a varint takes 10 bytes. */
  out = g_byte_array_new ();
  _tilebox_pb_write_varint (out, 1, (guint64) (gint64) -1);
  ASSERT_BYTES (out, 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01);
  g_clear_pointer (&out, g_byte_array_unref);

  /* sint: -1 -> 1, -2 -> 3 */
  out = g_byte_array_new ();
  _tilebox_pb_write_sint (out, 3, -1);
  _tilebox_pb_write_sint (out, 3, -2);
  _tilebox_pb_write_sint (out, 3, 1);
  ASSERT_BYTES (out, 0x18, 0x01, 0x18, 0x03, 0x18, 0x02);
  g_clear_pointer (&out, g_byte_array_unref);

  out = g_byte_array_new ();
  _tilebox_pb_write_bool (out, 4, TRUE);
  _tilebox_pb_write_bool (out, 4, FALSE);
  _tilebox_pb_write_bool (out, 4, 42);
  ASSERT_BYTES (out, 0x20, 0x01, 0x20, 0x00, 0x20, 0x01);
  g_clear_pointer (&out, g_byte_array_unref);

  /* Fixed values are little-endian. */
  out = g_byte_array_new ();
  _tilebox_pb_write_fixed32 (out, 5, 0x12345678);
  ASSERT_BYTES (out, 0x2d, 0x78, 0x56, 0x34, 0x12);
  g_clear_pointer (&out, g_byte_array_unref);

  out = g_byte_array_new ();
  _tilebox_pb_write_fixed64 (out, 6, G_GUINT64_CONSTANT (0x0102030405060708));
  ASSERT_BYTES (out, 0x31, 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01);
  g_clear_pointer (&out, g_byte_array_unref);

  /* 1.0 is 0x3ff0000000000000 as a double and 0x3f800000 as a float. */
  out = g_byte_array_new ();
  _tilebox_pb_write_double (out, 1, 1.0);
  ASSERT_BYTES (out, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x3f);
  g_clear_pointer (&out, g_byte_array_unref);

  out = g_byte_array_new ();
  _tilebox_pb_write_float (out, 2, 1.0f);
  ASSERT_BYTES (out, 0x15, 0x00, 0x00, 0x80, 0x3f);
  g_clear_pointer (&out, g_byte_array_unref);

  out = g_byte_array_new ();
  _tilebox_pb_write_double (out, 1, -2.0);
  ASSERT_BYTES (out, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0);
  g_clear_pointer (&out, g_byte_array_unref);

  out = g_byte_array_new ();
  _tilebox_pb_write_bytes (out, 7, blob, sizeof blob);
  ASSERT_BYTES (out, 0x3a, 0x02, 0x00, 0xff);
  g_clear_pointer (&out, g_byte_array_unref);

  /* Field 16 needs a two-byte tag; the largest field number five bytes. */
  out = g_byte_array_new ();
  _tilebox_pb_write_varint (out, 16, 1);
  ASSERT_BYTES (out, 0x80, 0x01, 0x01);
  g_clear_pointer (&out, g_byte_array_unref);

  out = g_byte_array_new ();
  _tilebox_pb_write_tag (out, 536870911, TILEBOX_PB_WIRE_FIXED32);
  ASSERT_BYTES (out, 0xfd, 0xff, 0xff, 0xff, 0x0f);
  g_clear_pointer (&out, g_byte_array_unref);

  out = g_byte_array_new ();
  _tilebox_pb_write_tag (out, 1, TILEBOX_PB_WIRE_SGROUP);
  _tilebox_pb_write_tag (out, 1, TILEBOX_PB_WIRE_EGROUP);
  ASSERT_BYTES (out, 0x0b, 0x0c);
}

static void
test_write_appends_to_existing_content (void)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  const guint8 prefix[] = { 0xaa, 0xbb };

  g_byte_array_append (out, prefix, sizeof prefix);
  _tilebox_pb_write_varint (out, 1, 150);
  ASSERT_BYTES (out, 0xaa, 0xbb, 0x08, 0x96, 0x01);
}

static void
test_write_string_null_writes_nothing (void)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();

  _tilebox_pb_write_string (out, 2, NULL);
  g_assert_cmpuint (out->len, ==, 0);
}

static void
test_write_string_empty_writes_empty_field (void)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *str = NULL;
  TileboxPbReader reader;

  _tilebox_pb_write_string (out, 2, "");
  ASSERT_BYTES (out, 0x12, 0x00);

  reader_first (&reader, out->data, out->len);
  g_assert_true (_tilebox_pb_read_string (&reader, &str, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (str, ==, "");
}

static void
test_write_bytes_empty_writes_empty_field (void)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GByteArray) sub = g_byte_array_new ();

  _tilebox_pb_write_bytes (out, 1, NULL, 0);
  _tilebox_pb_write_message (out, 2, sub);
  ASSERT_BYTES (out, 0x0a, 0x00, 0x12, 0x00);
}

/* Reading hand-written bytes */

static void
test_read_known_bytes (void)
{
  const guint8 msg[] = {
    0x08, 0x96, 0x01,                                     /* 1: varint 150 */
    0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67, /* 2: "testing" */
    0x2d, 0x78, 0x56, 0x34, 0x12,                         /* 5: fixed32 */
    0x31, 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01, /* 6: fixed64 */
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *str = NULL;
  TileboxPbReader reader;
  guint64 v64 = 0;
  guint32 v32 = 0;

  _tilebox_pb_reader_init (&reader, msg, sizeof msg);

  g_assert_cmpint (_tilebox_pb_reader_next (&reader, &error), ==, 1);
  g_assert_cmpuint (reader.field, ==, 1);
  g_assert_cmpint (reader.wire_type, ==, TILEBOX_PB_WIRE_VARINT);
  g_assert_true (_tilebox_pb_read_varint (&reader, &v64, &error));
  g_assert_cmpuint (v64, ==, 150);

  g_assert_cmpint (_tilebox_pb_reader_next (&reader, &error), ==, 1);
  g_assert_cmpuint (reader.field, ==, 2);
  g_assert_cmpint (reader.wire_type, ==, TILEBOX_PB_WIRE_LEN);
  g_assert_true (_tilebox_pb_read_string (&reader, &str, &error));
  g_assert_cmpstr (str, ==, "testing");

  g_assert_cmpint (_tilebox_pb_reader_next (&reader, &error), ==, 1);
  g_assert_cmpuint (reader.field, ==, 5);
  g_assert_cmpint (reader.wire_type, ==, TILEBOX_PB_WIRE_FIXED32);
  g_assert_true (_tilebox_pb_read_fixed32 (&reader, &v32, &error));
  g_assert_cmphex (v32, ==, 0x12345678);

  g_assert_cmpint (_tilebox_pb_reader_next (&reader, &error), ==, 1);
  g_assert_cmpuint (reader.field, ==, 6);
  g_assert_cmpint (reader.wire_type, ==, TILEBOX_PB_WIRE_FIXED64);
  g_assert_true (_tilebox_pb_read_fixed64 (&reader, &v64, &error));
  g_assert_cmphex (v64, ==, G_GUINT64_CONSTANT (0x0102030405060708));

  g_assert_cmpint (_tilebox_pb_reader_next (&reader, &error), ==, 0);
  g_assert_no_error (error);
  g_assert_cmpuint (reader.pos, ==, sizeof msg);

  /* Stays at the end. */
  g_assert_cmpint (_tilebox_pb_reader_next (&reader, &error), ==, 0);
  g_assert_no_error (error);
}

static void
test_reader_empty_buffer_ends_cleanly (void)
{
  g_autoptr(GError) error = NULL;
  TileboxPbReader reader;

  _tilebox_pb_reader_init (&reader, NULL, 0);
  g_assert_cmpuint (reader.depth, ==, 0);
  g_assert_cmpuint (reader.pos, ==, 0);
  g_assert_cmpint (_tilebox_pb_reader_next (&reader, &error), ==, 0);
  g_assert_no_error (error);
}

static void
test_reader_accepts_max_field_number (void)
{
  const guint8 msg[] = { 0xf8, 0xff, 0xff, 0xff, 0x0f, 0x05 }; /* 2^29-1: varint 5 */
  g_autoptr(GError) error = NULL;
  TileboxPbReader reader;
  guint64 v = 0;

  reader_first (&reader, msg, sizeof msg);
  g_assert_cmpuint (reader.field, ==, 536870911);
  g_assert_true (_tilebox_pb_read_varint (&reader, &v, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (v, ==, 5);
}

static void
test_reader_field_zero_rejected (void)
{
  g_autoptr(GError) error = NULL;
  TileboxPbReader reader;

  /* Field 0 with every wire type. */
  for (guint8 wt = 0; wt < 8; wt++)
    {
      const guint8 msg[] = { wt, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 };

      assert_next_fails (msg, sizeof msg);
    }

  {
    const guint8 msg[] = { 0x00, 0x00 };

    _tilebox_pb_reader_init (&reader, msg, sizeof msg);
    g_assert_cmpint (_tilebox_pb_reader_next (&reader, &error), ==, -1);
    g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
    g_assert_nonnull (strstr (error->message, "at byte 0"));
  }
}

static void
test_reader_field_above_max_rejected (void)
{
  /* 2^29 as a varint field */
  const guint8 above[] = { 0x80, 0x80, 0x80, 0x80, 0x10, 0x00 };
  /* tags that do not even fit 32 bits: field 2^32, and a huge one */
  const guint8 wide[] = { 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0x00 };
  const guint8 huge[] = { 0xf8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x00 };

  assert_next_fails (above, sizeof above);
  assert_next_fails (wide, sizeof wide);
  assert_next_fails (huge, sizeof huge);
}

static void
test_reader_wire_types_6_and_7_rejected (void)
{
  const guint8 six[] = { 0x0e, 0x00, 0x00, 0x00, 0x00 };
  const guint8 seven[] = { 0x0f, 0x00, 0x00, 0x00, 0x00 };
  const guint8 later[] = { 0x08, 0x01, 0x16, 0x00 }; /* 1: varint 1, then field 2 wt 6 */
  g_autoptr(GError) error = NULL;
  TileboxPbReader reader;
  guint64 v;

  assert_next_fails (six, sizeof six);
  assert_next_fails (seven, sizeof seven);

  reader_first (&reader, later, sizeof later);
  g_assert_true (_tilebox_pb_read_varint (&reader, &v, &error));
  g_assert_cmpint (_tilebox_pb_reader_next (&reader, &error), ==, -1);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "wire type 6"));
  g_assert_nonnull (strstr (error->message, "at byte 2"));
}

static void
test_reader_bare_end_group_rejected (void)
{
  const guint8 bare[] = { 0x0c };
  const guint8 after[] = { 0x08, 0x01, 0x0c };
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) outer = g_byte_array_new ();
  g_autoptr(GByteArray) inner = g_byte_array_new ();
  TileboxPbReader reader, sub;
  guint64 v;

  assert_next_fails (bare, sizeof bare);

  reader_first (&reader, after, sizeof after);
  g_assert_true (_tilebox_pb_read_varint (&reader, &v, &error));
  g_assert_cmpint (_tilebox_pb_reader_next (&reader, &error), ==, -1);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
  g_clear_error (&error);

  /* An end-group tag inside a sub-message is bare there ... */
  _tilebox_pb_write_tag (inner, 1, TILEBOX_PB_WIRE_EGROUP);
  _tilebox_pb_write_message (outer, 2, inner);
  reader_first (&reader, outer->data, outer->len);
  g_assert_true (_tilebox_pb_read_message (&reader, &sub, &error));
  g_assert_no_error (error);
  g_assert_cmpint (_tilebox_pb_reader_next (&sub, &error), ==, -1);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
  g_clear_error (&error);

  /* ... and cannot close a group opened outside it. */
  g_byte_array_set_size (outer, 0);
  _tilebox_pb_write_tag (outer, 1, TILEBOX_PB_WIRE_SGROUP);
  _tilebox_pb_write_message (outer, 2, inner);
  g_assert_false (walk_skip (outer->data, outer->len, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
}

static void
test_reader_truncated_tag_rejected (void)
{
  const guint8 msg[] = { 0x80 };

  assert_next_fails (msg, sizeof msg);
}

/* Fixed-size values */

static void
test_fixed32_round_trip (void)
{
  const guint32 values[] = { 0, 1, 0x80, 0x12345678, 0x80000000, G_MAXUINT32 };

  for (gsize i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autoptr(GByteArray) out = g_byte_array_new ();
      g_autoptr(GError) error = NULL;
      TileboxPbReader reader;
      guint32 got = ~values[i];

      _tilebox_pb_write_fixed32 (out, 9, values[i]);
      g_assert_cmpuint (out->len, ==, 5);
      reader_first (&reader, out->data, out->len);
      g_assert_true (_tilebox_pb_read_fixed32 (&reader, &got, &error));
      g_assert_no_error (error);
      g_assert_cmphex (got, ==, values[i]);
    }
}

static void
test_fixed64_round_trip (void)
{
  const guint64 values[] = {
    0, 1, 0x80, G_MAXUINT32, G_GUINT64_CONSTANT (0x0102030405060708),
    G_GUINT64_CONSTANT (1) << 63, G_MAXUINT64,
  };

  for (gsize i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autoptr(GByteArray) out = g_byte_array_new ();
      g_autoptr(GError) error = NULL;
      TileboxPbReader reader;
      guint64 got = ~values[i];

      _tilebox_pb_write_fixed64 (out, 9, values[i]);
      g_assert_cmpuint (out->len, ==, 9);
      reader_first (&reader, out->data, out->len);
      g_assert_true (_tilebox_pb_read_fixed64 (&reader, &got, &error));
      g_assert_no_error (error);
      g_assert_cmphex (got, ==, values[i]);
    }
}

static void
test_fixed_truncated_rejected (void)
{
  const guint8 f32[] = { 0x0d, 0x01, 0x02, 0x03 };
  const guint8 f64[] = { 0x09, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07 };
  g_autoptr(GError) error = NULL;
  TileboxPbReader reader;
  guint32 v32;
  guint64 v64;

  reader_first (&reader, f32, sizeof f32);
  g_assert_false (_tilebox_pb_read_fixed32 (&reader, &v32, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "at byte 1"));
  g_clear_error (&error);

  reader_first (&reader, f64, sizeof f64);
  g_assert_false (_tilebox_pb_read_fixed64 (&reader, &v64, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
  g_clear_error (&error);

  reader_first (&reader, f32, sizeof f32);
  g_assert_false (_tilebox_pb_skip (&reader, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
  g_clear_error (&error);

  reader_first (&reader, f64, sizeof f64);
  g_assert_false (_tilebox_pb_skip (&reader, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
}

static guint64
double_bits (double d)
{
  guint64 bits;

  memcpy (&bits, &d, sizeof bits);
  return bits;
}

static guint32
float_bits (float f)
{
  guint32 bits;

  memcpy (&bits, &f, sizeof bits);
  return bits;
}

/* Doubles go through the writer and come back bit for bit. */
static void
test_double_round_trip_keeps_bits (void)
{
  const guint64 patterns[] = {
    G_GUINT64_CONSTANT (0x0000000000000000), /* 0.0 */
    G_GUINT64_CONSTANT (0x8000000000000000), /* -0.0 */
    G_GUINT64_CONSTANT (0x7ff0000000000000), /* inf */
    G_GUINT64_CONSTANT (0xfff0000000000000), /* -inf */
    G_GUINT64_CONSTANT (0x7ff8000000000000), /* quiet NaN */
    G_GUINT64_CONSTANT (0x7ff8000000000123), /* NaN with payload */
    G_GUINT64_CONSTANT (0xfff8000000000001), /* negative NaN */
    G_GUINT64_CONSTANT (0x0000000000000001), /* smallest subnormal */
    G_GUINT64_CONSTANT (0x7fefffffffffffff), /* DBL_MAX */
    G_GUINT64_CONSTANT (0x400921fb54442d18), /* pi */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (patterns); i++)
    {
      g_autoptr(GByteArray) out = g_byte_array_new ();
      g_autoptr(GError) error = NULL;
      TileboxPbReader reader;
      guint64 got = 0;
      double value, back;

      memcpy (&value, &patterns[i], sizeof value);
      _tilebox_pb_write_double (out, 1, value);
      g_assert_cmpuint (out->len, ==, 9);
      g_assert_cmpuint (out->data[0], ==, 0x09);

      reader_first (&reader, out->data, out->len);
      g_assert_true (_tilebox_pb_read_fixed64 (&reader, &got, &error));
      g_assert_no_error (error);
      g_assert_cmphex (got, ==, patterns[i]);
      memcpy (&back, &got, sizeof back);
      g_assert_cmphex (double_bits (back), ==, patterns[i]);
    }

  /* And the values mean what they should. */
  {
    double neg_zero, inf, nan_value;
    guint64 b;

    b = G_GUINT64_CONSTANT (0x8000000000000000);
    memcpy (&neg_zero, &b, sizeof b);
    g_assert_true (neg_zero == 0.0 && signbit (neg_zero));
    b = G_GUINT64_CONSTANT (0x7ff0000000000000);
    memcpy (&inf, &b, sizeof b);
    g_assert_true (isinf (inf) && inf > 0);
    b = G_GUINT64_CONSTANT (0x7ff8000000000123);
    memcpy (&nan_value, &b, sizeof b);
    g_assert_true (isnan (nan_value));
  }
}

static void
test_float_round_trip_keeps_bits (void)
{
  const guint32 patterns[] = {
    0x00000000, /* 0.0f */
    0x80000000, /* -0.0f */
    0x7f800000, /* inf */
    0xff800000, /* -inf */
    0x7fc00000, /* quiet NaN */
    0x7fc00123, /* NaN with payload */
    0x00000001, /* smallest subnormal */
    0x7f7fffff, /* FLT_MAX */
    0x3f800000, /* 1.0f */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (patterns); i++)
    {
      g_autoptr(GByteArray) out = g_byte_array_new ();
      g_autoptr(GError) error = NULL;
      TileboxPbReader reader;
      guint32 got = 0;
      float value, back;

      memcpy (&value, &patterns[i], sizeof value);
      _tilebox_pb_write_float (out, 2, value);
      g_assert_cmpuint (out->len, ==, 5);
      g_assert_cmpuint (out->data[0], ==, 0x15);

      reader_first (&reader, out->data, out->len);
      g_assert_true (_tilebox_pb_read_fixed32 (&reader, &got, &error));
      g_assert_no_error (error);
      g_assert_cmphex (got, ==, patterns[i]);
      memcpy (&back, &got, sizeof back);
      g_assert_cmphex (float_bits (back), ==, patterns[i]);
    }
}

/* Length-delimited values */

static void
test_bytes_round_trip_points_into_buffer (void)
{
  guint8 blob[300];
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  TileboxPbReader reader;
  const guint8 *data = NULL;
  gsize len = 0;

  for (gsize i = 0; i < sizeof blob; i++)
    blob[i] = (guint8) i; /* includes NUL bytes and 0x80+ */

  _tilebox_pb_write_bytes (out, 3, blob, sizeof blob);
  /* tag, two-byte length 300 = ac 02, then the bytes */
  g_assert_cmpuint (out->len, ==, 1 + 2 + sizeof blob);
  g_assert_cmpuint (out->data[1], ==, 0xac);
  g_assert_cmpuint (out->data[2], ==, 0x02);

  reader_first (&reader, out->data, out->len);
  g_assert_true (_tilebox_pb_read_bytes (&reader, &data, &len, &error));
  g_assert_no_error (error);
  g_assert_true (data == out->data + 3); /* no copy */
  g_assert_cmpmem (data, len, blob, sizeof blob);
  g_assert_cmpuint (reader.pos, ==, out->len);
}

static void
test_string_round_trip_utf8 (void)
{
  const char *strings[] = { "", "a", "testing", "Grüße, 世界 🛰", "tab\tnewline\n" };

  for (gsize i = 0; i < G_N_ELEMENTS (strings); i++)
    {
      g_autoptr(GByteArray) out = g_byte_array_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *got = NULL;
      TileboxPbReader reader;

      _tilebox_pb_write_string (out, 15, strings[i]);
      reader_first (&reader, out->data, out->len);
      g_assert_cmpuint (reader.field, ==, 15);
      g_assert_true (_tilebox_pb_read_string (&reader, &got, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (got, ==, strings[i]);
      g_assert_true ((const guint8 *) got < out->data || (const guint8 *) got >= out->data + out->len);
    }
}

static void
test_string_invalid_utf8_rejected (void)
{
  static const struct {
    const char *bytes;
    gsize len;
  } bad[] = {
    { "\xff", 1 },              /* never valid */
    { "\xc0\x80", 2 },          /* overlong NUL */
    { "\xe2\x82", 2 },          /* truncated sequence */
    { "\xed\xa0\x80", 3 },      /* UTF-16 surrogate */
    { "\xf4\x90\x80\x80", 4 },  /* above U+10FFFF */
    { "ab\0cd", 5 },            /* embedded NUL: not a C string */
    { "ok\x80", 3 },            /* stray continuation byte */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GByteArray) out = g_byte_array_new ();
      g_autoptr(GError) error = NULL;
      char *got = NULL;
      const guint8 *data = NULL;
      gsize len = 0;
      TileboxPbReader reader;

      _tilebox_pb_write_bytes (out, 2, (const guint8 *) bad[i].bytes, bad[i].len);
      reader_first (&reader, out->data, out->len);
      g_assert_false (_tilebox_pb_read_string (&reader, &got, &error));
      g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
      g_assert_null (got);
      g_assert_nonnull (strstr (error->message, "field 2"));

      /* The same bytes are fine as bytes. */
      reader_first (&reader, out->data, out->len);
      g_assert_true (_tilebox_pb_read_bytes (&reader, &data, &len, NULL));
      g_assert_cmpmem (data, len, bad[i].bytes, bad[i].len);
    }
}

static void
test_len_past_end_rejected (void)
{
  /* field 2, length 8, only 7 bytes */
  const guint8 msg[] = { 0x12, 0x08, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67 };
  g_autoptr(GError) error = NULL;
  TileboxPbReader reader, sub;
  const guint8 *data;
  gsize len;
  char *str = NULL;

  reader_first (&reader, msg, sizeof msg);
  g_assert_false (_tilebox_pb_read_bytes (&reader, &data, &len, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "at byte 1"));
  g_clear_error (&error);

  reader_first (&reader, msg, sizeof msg);
  g_assert_false (_tilebox_pb_read_string (&reader, &str, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
  g_assert_null (str);
  g_clear_error (&error);

  reader_first (&reader, msg, sizeof msg);
  g_assert_false (_tilebox_pb_read_message (&reader, &sub, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
  g_clear_error (&error);

  reader_first (&reader, msg, sizeof msg);
  g_assert_false (_tilebox_pb_skip (&reader, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
}

static void
test_len_huge_does_not_overflow (void)
{
  /* Lengths near 2^64 and near G_MAXSIZE, where pos + length would wrap
   * around; all must be rejected, whatever the reader's position. */
  const guint8 max64[] = { 0x12, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x41 };
  g_autoptr(GByteArray) msg = g_byte_array_new ();
  const guint64 lengths[] = {
    G_MAXUINT64, G_MAXUINT64 - 1, (guint64) G_MAXSIZE, (guint64) G_MAXSIZE - 2,
    G_MAXUINT32, (guint64) G_MAXUINT32 + 1,
  };
  g_autoptr(GError) error = NULL;
  TileboxPbReader reader, sub;
  const guint8 *data;
  gsize len;

  reader_first (&reader, max64, sizeof max64);
  g_assert_false (_tilebox_pb_read_bytes (&reader, &data, &len, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
  g_clear_error (&error);

  for (gsize i = 0; i < G_N_ELEMENTS (lengths); i++)
    {
      /* A varint first, so that pos > 0 when the length is read. */
      g_byte_array_set_size (msg, 0);
      _tilebox_pb_write_varint (msg, 1, 1);
      _tilebox_pb_write_tag (msg, 2, TILEBOX_PB_WIRE_LEN);
      _tilebox_pb_write_raw_varint (msg, lengths[i]);
      g_byte_array_append (msg, (const guint8 *) "xyz", 3);

      g_assert_false (walk_flat (msg->data, msg->len, &error));
      g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
      g_clear_error (&error);

      g_assert_false (walk_skip (msg->data, msg->len, &error));
      g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
      g_clear_error (&error);

      _tilebox_pb_reader_init (&reader, msg->data, msg->len);
      g_assert_cmpint (_tilebox_pb_reader_next (&reader, NULL), ==, 1);
      g_assert_true (_tilebox_pb_skip (&reader, NULL));
      g_assert_cmpint (_tilebox_pb_reader_next (&reader, NULL), ==, 1);
      g_assert_false (_tilebox_pb_read_message (&reader, &sub, &error));
      g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
      g_clear_error (&error);
    }
}

/* Wire type mismatches */

static void
test_read_wire_type_mismatch_names_field (void)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  TileboxPbReader reader, sub;
  guint64 v64;
  guint32 v32;
  const guint8 *data;
  gsize len;
  char *str = NULL;

  /* field 7 is a varint: every other reader refuses it */
  _tilebox_pb_write_varint (out, 7, 1);

  reader_first (&reader, out->data, out->len);
  g_assert_false (_tilebox_pb_read_fixed32 (&reader, &v32, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "field 7"));
  g_clear_error (&error);

  g_assert_false (_tilebox_pb_read_fixed64 (&reader, &v64, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "field 7"));
  g_clear_error (&error);

  g_assert_false (_tilebox_pb_read_bytes (&reader, &data, &len, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "field 7"));
  g_clear_error (&error);

  g_assert_false (_tilebox_pb_read_string (&reader, &str, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
  g_assert_null (str);
  g_assert_nonnull (strstr (error->message, "field 7"));
  g_clear_error (&error);

  g_assert_false (_tilebox_pb_read_message (&reader, &sub, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "field 7"));
  g_clear_error (&error);

  /* None of the refusals consumed anything: the value is still there. */
  g_assert_true (_tilebox_pb_read_varint (&reader, &v64, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (v64, ==, 1);

  /* and the other way round: a string read as a varint */
  g_byte_array_set_size (out, 0);
  _tilebox_pb_write_string (out, 9, "x");
  reader_first (&reader, out->data, out->len);
  g_assert_false (_tilebox_pb_read_varint (&reader, &v64, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "field 9"));
}

/* Nested messages */

static void
test_message_nested_round_trip (void)
{
  g_autoptr(GByteArray) inner = g_byte_array_new ();
  g_autoptr(GByteArray) middle = g_byte_array_new ();
  g_autoptr(GByteArray) outer = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  TileboxPbReader reader, sub, subsub;
  guint64 v = 0;

  _tilebox_pb_write_string (inner, 1, "leaf");
  _tilebox_pb_write_varint (middle, 1, 150);
  _tilebox_pb_write_message (middle, 2, inner);
  _tilebox_pb_write_varint (outer, 3, 7);
  _tilebox_pb_write_message (outer, 4, middle);
  _tilebox_pb_write_varint (outer, 5, 8);

  /* 4: len 11 { 1: 150, 2: len 6 { 1: "leaf" } } */
  ASSERT_BYTES (outer,
                0x18, 0x07,
                0x22, 0x0b,
                  0x08, 0x96, 0x01,
                  0x12, 0x06,
                    0x0a, 0x04, 'l', 'e', 'a', 'f',
                0x28, 0x08);

  _tilebox_pb_reader_init (&reader, outer->data, outer->len);
  g_assert_cmpint (_tilebox_pb_reader_next (&reader, &error), ==, 1);
  g_assert_true (_tilebox_pb_read_varint (&reader, &v, &error));
  g_assert_cmpuint (v, ==, 7);

  g_assert_cmpint (_tilebox_pb_reader_next (&reader, &error), ==, 1);
  g_assert_cmpuint (reader.field, ==, 4);
  g_assert_true (_tilebox_pb_read_message (&reader, &sub, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sub.depth, ==, 1);
  g_assert_cmpuint (sub.len, ==, middle->len);
  g_assert_cmpuint (sub.pos, ==, 0);
  /* the parent is already past the sub-message */
  g_assert_cmpuint (reader.pos, ==, 4 + middle->len);

  g_assert_cmpint (_tilebox_pb_reader_next (&sub, &error), ==, 1);
  g_assert_true (_tilebox_pb_read_varint (&sub, &v, &error));
  g_assert_cmpuint (v, ==, 150);
  g_assert_cmpint (_tilebox_pb_reader_next (&sub, &error), ==, 1);
  g_assert_true (_tilebox_pb_read_message (&sub, &subsub, &error));
  g_assert_cmpuint (subsub.depth, ==, 2);
  g_assert_cmpint (_tilebox_pb_reader_next (&subsub, &error), ==, 1);
  g_assert_true (_tilebox_pb_read_string (&subsub, &name, &error));
  g_assert_cmpstr (name, ==, "leaf");
  g_assert_cmpint (_tilebox_pb_reader_next (&subsub, &error), ==, 0);
  g_assert_cmpint (_tilebox_pb_reader_next (&sub, &error), ==, 0);

  g_assert_cmpint (_tilebox_pb_reader_next (&reader, &error), ==, 1);
  g_assert_true (_tilebox_pb_read_varint (&reader, &v, &error));
  g_assert_cmpuint (v, ==, 8);
  g_assert_cmpint (_tilebox_pb_reader_next (&reader, &error), ==, 0);
  g_assert_no_error (error);
}

static void
test_message_sub_reader_stops_at_its_length (void)
{
  /* 1: len 2 { 1: varint with its last byte outside the sub-message } */
  const guint8 msg[] = { 0x0a, 0x02, 0x08, 0x96, 0x01 };
  g_autoptr(GError) error = NULL;
  TileboxPbReader reader, sub;
  guint64 v;

  reader_first (&reader, msg, sizeof msg);
  g_assert_true (_tilebox_pb_read_message (&reader, &sub, &error));
  g_assert_cmpint (_tilebox_pb_reader_next (&sub, &error), ==, 1);
  g_assert_false (_tilebox_pb_read_varint (&sub, &v, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
}

/* Builds `levels` messages nested in each other under field 1, the
 * innermost holding a varint 42. */
static GByteArray *
build_nested (guint levels)
{
  GByteArray *msg = g_byte_array_new ();

  _tilebox_pb_write_varint (msg, 2, 42);
  for (guint i = 0; i < levels; i++)
    {
      GByteArray *wrapped = g_byte_array_new ();

      _tilebox_pb_write_message (wrapped, 1, msg);
      g_byte_array_unref (msg);
      msg = wrapped;
    }
  return msg;
}

/* Descends field 1 as deep as it goes; returns the number of levels gone
 * down, or -1 on error. */
static int
descend (const GByteArray *msg,
         GError          **error)
{
  TileboxPbReader readers[TILEBOX_PB_MAX_DEPTH + 2];
  guint level = 0;

  _tilebox_pb_reader_init (&readers[0], msg->data, msg->len);
  for (;;)
    {
      TileboxPbReader *r = &readers[level];
      guint64 v;

      if (_tilebox_pb_reader_next (r, error) != 1)
        return -1;
      if (r->field == 2)
        {
          if (!_tilebox_pb_read_varint (r, &v, error))
            return -1;
          g_assert_cmpuint (v, ==, 42);
          return (int) level;
        }
      g_assert_cmpuint (level + 1, <, G_N_ELEMENTS (readers));
      if (!_tilebox_pb_read_message (r, &readers[level + 1], error))
        return -1;
      level++;
      g_assert_cmpuint (readers[level].depth, ==, level);
    }
}

/* The top-level reader is depth 0, each nested message one more, up to
 * TILEBOX_PB_MAX_DEPTH: so a message holding 64 levels of nested messages
 * reads, and one with 65 fails. */
static void
test_message_depth_limit_64_levels_ok (void)
{
  g_autoptr(GByteArray) msg = build_nested (TILEBOX_PB_MAX_DEPTH);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (TILEBOX_PB_MAX_DEPTH, ==, 64);
  g_assert_cmpint (descend (msg, &error), ==, TILEBOX_PB_MAX_DEPTH);
  g_assert_no_error (error);
}

static void
test_message_depth_limit_65_levels_fail (void)
{
  g_autoptr(GByteArray) msg = build_nested (TILEBOX_PB_MAX_DEPTH + 1);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (descend (msg, &error), ==, -1);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "nested"));
}

/* Skipping unknown fields */

static void
test_skip_every_wire_type (void)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GByteArray) sub = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *str = NULL;
  TileboxPbReader reader;
  guint64 v;
  int r;
  guint known = 0;

  _tilebox_pb_write_varint (sub, 1, 1);

  /* Known fields 1 and 2 with unknown fields of every kind around them. */
  _tilebox_pb_write_varint (out, 100, G_MAXUINT64);
  _tilebox_pb_write_varint (out, 1, 150);
  _tilebox_pb_write_fixed64 (out, 101, 5);
  _tilebox_pb_write_bytes (out, 102, (const guint8 *) "\x08\x01", 2);
  _tilebox_pb_write_message (out, 103, sub);
  _tilebox_pb_write_fixed32 (out, 104, 5);
  _tilebox_pb_write_tag (out, 105, TILEBOX_PB_WIRE_SGROUP);
  _tilebox_pb_write_varint (out, 1, 999); /* inside the group: not ours */
  _tilebox_pb_write_string (out, 2, "nope");
  _tilebox_pb_write_fixed32 (out, 3, 1);
  _tilebox_pb_write_fixed64 (out, 4, 1);
  _tilebox_pb_write_tag (out, 105, TILEBOX_PB_WIRE_EGROUP);
  _tilebox_pb_write_tag (out, 106, TILEBOX_PB_WIRE_SGROUP); /* empty group */
  _tilebox_pb_write_tag (out, 106, TILEBOX_PB_WIRE_EGROUP);
  _tilebox_pb_write_string (out, 2, "kept");
  _tilebox_pb_write_varint (out, 536870911, 0);

  _tilebox_pb_reader_init (&reader, out->data, out->len);
  while ((r = _tilebox_pb_reader_next (&reader, &error)) == 1)
    {
      gsize before = reader.pos;

      switch (reader.field)
        {
        case 1:
          g_assert_true (_tilebox_pb_read_varint (&reader, &v, &error));
          g_assert_cmpuint (v, ==, 150);
          known++;
          break;
        case 2:
          g_assert_true (_tilebox_pb_read_string (&reader, &str, &error));
          g_assert_cmpstr (str, ==, "kept");
          known++;
          break;
        default:
          g_assert_true (_tilebox_pb_skip (&reader, &error));
          /* every skip consumed something, even the empty group */
          g_assert_cmpuint (reader.pos, >, before);
          break;
        }
      g_assert_no_error (error);
    }
  g_assert_no_error (error);
  g_assert_cmpint (r, ==, 0);
  g_assert_cmpuint (known, ==, 2);
  g_assert_cmpuint (reader.pos, ==, out->len);
}

static void
test_skip_group_keeps_current_tag (void)
{
  /* 3: group { 1: group { 2: varint 1 } } then 4: varint 9 */
  const guint8 msg[] = { 0x1b, 0x0b, 0x10, 0x01, 0x0c, 0x1c, 0x20, 0x09 };
  g_autoptr(GError) error = NULL;
  TileboxPbReader reader;
  guint64 v;

  reader_first (&reader, msg, sizeof msg);
  g_assert_cmpuint (reader.field, ==, 3);
  g_assert_cmpint (reader.wire_type, ==, TILEBOX_PB_WIRE_SGROUP);
  g_assert_true (_tilebox_pb_skip (&reader, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (reader.field, ==, 3);
  g_assert_cmpint (reader.wire_type, ==, TILEBOX_PB_WIRE_SGROUP);
  g_assert_cmpuint (reader.pos, ==, 6);

  g_assert_cmpint (_tilebox_pb_reader_next (&reader, &error), ==, 1);
  g_assert_cmpuint (reader.field, ==, 4);
  g_assert_true (_tilebox_pb_read_varint (&reader, &v, &error));
  g_assert_cmpuint (v, ==, 9);
}

static void
test_skip_group_mismatched_end_rejected (void)
{
  /* 1: group ... ended by the end tag of field 2 */
  const guint8 msg[] = { 0x0b, 0x08, 0x01, 0x14 };
  /* inner group 2 closed by field 1's end tag */
  const guint8 nested[] = { 0x0b, 0x13, 0x0c, 0x14 };
  g_autoptr(GError) error = NULL;
  TileboxPbReader reader;

  reader_first (&reader, msg, sizeof msg);
  g_assert_false (_tilebox_pb_skip (&reader, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "at byte 3"));
  g_clear_error (&error);

  reader_first (&reader, nested, sizeof nested);
  g_assert_false (_tilebox_pb_skip (&reader, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
}

static void
test_skip_group_unterminated_rejected (void)
{
  const guint8 open[] = { 0x0b };
  const guint8 content[] = { 0x0b, 0x08, 0x01 };
  const guint8 inner_open[] = { 0x0b, 0x13, 0x14 };
  g_autoptr(GError) error = NULL;

  g_assert_false (walk_skip (open, sizeof open, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "group of field 1 starting at byte 1 has no end"));
  g_clear_error (&error);

  g_assert_false (walk_skip (content, sizeof content, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
  g_clear_error (&error);

  g_assert_false (walk_skip (inner_open, sizeof inner_open, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
}

static void
test_skip_group_invalid_content_rejected (void)
{
  /* a group holding field 0, wire type 7, a truncated fixed64 */
  const guint8 zero[] = { 0x0b, 0x00, 0x0c };
  const guint8 seven[] = { 0x0b, 0x0f, 0x0c };
  const guint8 trunc[] = { 0x0b, 0x09, 0x01, 0x0c };
  g_autoptr(GError) error = NULL;

  g_assert_false (walk_skip (zero, sizeof zero, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
  g_clear_error (&error);

  g_assert_false (walk_skip (seven, sizeof seven, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
  g_clear_error (&error);

  g_assert_false (walk_skip (trunc, sizeof trunc, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
}

static GByteArray *
build_groups (guint levels)
{
  GByteArray *msg = g_byte_array_new ();

  for (guint i = 0; i < levels; i++)
    _tilebox_pb_write_tag (msg, 1, TILEBOX_PB_WIRE_SGROUP);
  _tilebox_pb_write_varint (msg, 2, 1);
  for (guint i = 0; i < levels; i++)
    _tilebox_pb_write_tag (msg, 1, TILEBOX_PB_WIRE_EGROUP);
  return msg;
}

/* Groups count against the same limit as messages: the contents of a
 * group in the top-level message are at level 1, and level 64 is the
 * deepest allowed. */
static void
test_skip_group_depth_limit (void)
{
  g_autoptr(GByteArray) ok = build_groups (TILEBOX_PB_MAX_DEPTH);
  g_autoptr(GByteArray) deep = build_groups (TILEBOX_PB_MAX_DEPTH + 1);
  g_autoptr(GByteArray) one = build_groups (1);
  g_autoptr(GError) error = NULL;

  g_assert_true (walk_skip (ok->data, ok->len, &error));
  g_assert_no_error (error);

  g_assert_false (walk_skip (deep->data, deep->len, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
  g_clear_error (&error);

  /* 63 nested messages plus one group fit; 64 plus one group do not. */
  {
    TileboxPbReader readers[TILEBOX_PB_MAX_DEPTH + 1];

    for (guint depth = TILEBOX_PB_MAX_DEPTH - 1; depth <= TILEBOX_PB_MAX_DEPTH; depth++)
      {
        g_autoptr(GByteArray) msg = g_byte_array_ref (one);

        for (guint i = 0; i < depth; i++)
          {
            GByteArray *wrapped = g_byte_array_new ();

            _tilebox_pb_write_message (wrapped, 3, msg);
            g_byte_array_unref (msg);
            msg = wrapped;
          }

        _tilebox_pb_reader_init (&readers[0], msg->data, msg->len);
        for (guint i = 0; i < depth; i++)
          {
            g_assert_cmpint (_tilebox_pb_reader_next (&readers[i], NULL), ==, 1);
            g_assert_true (_tilebox_pb_read_message (&readers[i], &readers[i + 1], NULL));
          }
        g_assert_cmpuint (readers[depth].depth, ==, depth);
        g_assert_cmpint (_tilebox_pb_reader_next (&readers[depth], NULL), ==, 1);
        g_assert_cmpint (readers[depth].wire_type, ==, TILEBOX_PB_WIRE_SGROUP);

        if (depth < TILEBOX_PB_MAX_DEPTH)
          {
            g_assert_true (_tilebox_pb_skip (&readers[depth], &error));
            g_assert_no_error (error);
          }
        else
          {
            g_assert_false (_tilebox_pb_skip (&readers[depth], &error));
            g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
            g_clear_error (&error);
          }
      }
  }
}

/* Truncation of a valid message at every byte */

static void
test_truncation_every_prefix_parses_or_fails_cleanly (void)
{
  g_autoptr(GByteArray) msg = g_byte_array_new ();
  g_autoptr(GByteArray) sub = g_byte_array_new ();
  g_autoptr(GArray) boundaries = g_array_new (FALSE, FALSE, sizeof (gsize));
  gsize b = 0;

#define MARK() G_STMT_START { b = msg->len; g_array_append_val (boundaries, b); } G_STMT_END

  _tilebox_pb_write_string (sub, 1, "inner");
  _tilebox_pb_write_sint (sub, 2, -123456789);

  MARK ();
  _tilebox_pb_write_varint (msg, 1, 150);
  MARK ();
  _tilebox_pb_write_varint (msg, 2, G_MAXUINT64);
  MARK ();
  _tilebox_pb_write_string (msg, 3, "testing");
  MARK ();
  _tilebox_pb_write_fixed32 (msg, 4, 0xdeadbeef);
  MARK ();
  _tilebox_pb_write_double (msg, 5, 3.25);
  MARK ();
  _tilebox_pb_write_message (msg, 6, sub);
  MARK ();
  _tilebox_pb_write_tag (msg, 7, TILEBOX_PB_WIRE_SGROUP);
  _tilebox_pb_write_varint (msg, 1, 300);
  _tilebox_pb_write_tag (msg, 8, TILEBOX_PB_WIRE_SGROUP);
  _tilebox_pb_write_fixed64 (msg, 2, 1);
  _tilebox_pb_write_tag (msg, 8, TILEBOX_PB_WIRE_EGROUP);
  _tilebox_pb_write_tag (msg, 7, TILEBOX_PB_WIRE_EGROUP);
  MARK ();
  _tilebox_pb_write_varint (msg, 100000, 1); /* three-byte tag */
  MARK ();

#undef MARK

  for (gsize n = 0; n <= msg->len; n++)
    {
      /* A copy of exactly n bytes, so that ASan sees any overread. */
      g_autofree guint8 *prefix = g_memdup2 (msg->data, n);
      g_autoptr(GError) error = NULL;
      gboolean at_boundary = FALSE;
      gboolean ok_flat, ok_skip;

      for (guint i = 0; i < boundaries->len; i++)
        at_boundary |= g_array_index (boundaries, gsize, i) == n;

      ok_flat = walk_flat (n > 0 ? prefix : NULL, n, &error);
      if (ok_flat)
        g_assert_no_error (error);
      else
        g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
      g_clear_error (&error);

      ok_skip = walk_skip (n > 0 ? prefix : NULL, n, &error);
      if (ok_skip)
        g_assert_no_error (error);
      else
        g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);

      /* A prefix parses if and only if it ends between two fields. */
      g_assert_cmpint (ok_flat, ==, at_boundary);
      g_assert_cmpint (ok_skip, ==, at_boundary);
    }

  /* The same for every prefix of the sub-message read through the parent:
   * the parent's declared length must not let the sub-reader past it. */
  for (gsize n = 0; n <= sub->len; n++)
    {
      g_autoptr(GByteArray) outer = g_byte_array_new ();
      g_autoptr(GError) error = NULL;
      TileboxPbReader reader, inner;
      g_autofree char *str = NULL;
      int r;

      _tilebox_pb_write_bytes (outer, 1, sub->data, n);
      reader_first (&reader, outer->data, outer->len);
      g_assert_true (_tilebox_pb_read_message (&reader, &inner, &error));
      while ((r = _tilebox_pb_reader_next (&inner, &error)) == 1)
        {
          guint64 v;
          gboolean ok;

          if (inner.field == 1)
            ok = _tilebox_pb_read_string (&inner, &str, &error);
          else
            ok = _tilebox_pb_read_varint (&inner, &v, &error);
          g_clear_pointer (&str, g_free);
          if (!ok)
            {
              r = -1;
              break;
            }
          g_assert_cmpuint (inner.pos, <=, inner.len);
        }
      if (r == 0)
        g_assert_no_error (error);
      else
        g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
      g_assert_cmpint (r == 0, ==, n == 0 || n == 7 || n == sub->len);
    }
}

/* Error messages */

static void
test_error_message_says_what_and_where (void)
{
  const guint8 msg[] = { 0x08, 0x01, 0x08, 0x02, 0x12, 0x05, 'a' };
  g_autoptr(GError) error = NULL;

  g_assert_false (walk_flat (msg, sizeof msg, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "Malformed protobuf data"));
  g_assert_nonnull (strstr (error->message, "length 5"));
  g_assert_nonnull (strstr (error->message, "at byte 5"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pb/varint/round-trip-boundaries", test_varint_round_trip_boundaries);
  g_test_add_func ("/pb/varint/known-encodings", test_varint_known_encodings);
  g_test_add_func ("/pb/varint/decode-at-offset-advances-pos", test_varint_decode_at_offset_advances_pos);
  g_test_add_func ("/pb/varint/padded-forms-within-ten-bytes-accepted", test_varint_padded_forms_within_ten_bytes_accepted);
  g_test_add_func ("/pb/varint/longer-than-ten-bytes-rejected", test_varint_longer_than_ten_bytes_rejected);
  g_test_add_func ("/pb/varint/tenth-byte-above-one-rejected", test_varint_tenth_byte_above_one_rejected);
  g_test_add_func ("/pb/varint/truncated-rejected", test_varint_truncated_rejected);
  g_test_add_func ("/pb/zigzag/known-encodings", test_zigzag_known_encodings);
  g_test_add_func ("/pb/zigzag/round-trip-extremes", test_zigzag_round_trip_extremes);
  g_test_add_func ("/pb/write/known-bytes", test_write_known_bytes);
  g_test_add_func ("/pb/write/appends-to-existing-content", test_write_appends_to_existing_content);
  g_test_add_func ("/pb/write/string-null-writes-nothing", test_write_string_null_writes_nothing);
  g_test_add_func ("/pb/write/string-empty-writes-empty-field", test_write_string_empty_writes_empty_field);
  g_test_add_func ("/pb/write/bytes-empty-writes-empty-field", test_write_bytes_empty_writes_empty_field);
  g_test_add_func ("/pb/read/known-bytes", test_read_known_bytes);
  g_test_add_func ("/pb/read/wire-type-mismatch-names-field", test_read_wire_type_mismatch_names_field);
  g_test_add_func ("/pb/reader/empty-buffer-ends-cleanly", test_reader_empty_buffer_ends_cleanly);
  g_test_add_func ("/pb/reader/accepts-max-field-number", test_reader_accepts_max_field_number);
  g_test_add_func ("/pb/reader/field-zero-rejected", test_reader_field_zero_rejected);
  g_test_add_func ("/pb/reader/field-above-max-rejected", test_reader_field_above_max_rejected);
  g_test_add_func ("/pb/reader/wire-types-6-and-7-rejected", test_reader_wire_types_6_and_7_rejected);
  g_test_add_func ("/pb/reader/bare-end-group-rejected", test_reader_bare_end_group_rejected);
  g_test_add_func ("/pb/reader/truncated-tag-rejected", test_reader_truncated_tag_rejected);
  g_test_add_func ("/pb/fixed32/round-trip", test_fixed32_round_trip);
  g_test_add_func ("/pb/fixed64/round-trip", test_fixed64_round_trip);
  g_test_add_func ("/pb/fixed/truncated-rejected", test_fixed_truncated_rejected);
  g_test_add_func ("/pb/double/round-trip-keeps-bits", test_double_round_trip_keeps_bits);
  g_test_add_func ("/pb/float/round-trip-keeps-bits", test_float_round_trip_keeps_bits);
  g_test_add_func ("/pb/bytes/round-trip-points-into-buffer", test_bytes_round_trip_points_into_buffer);
  g_test_add_func ("/pb/string/round-trip-utf8", test_string_round_trip_utf8);
  g_test_add_func ("/pb/string/invalid-utf8-rejected", test_string_invalid_utf8_rejected);
  g_test_add_func ("/pb/len/past-end-rejected", test_len_past_end_rejected);
  g_test_add_func ("/pb/len/huge-does-not-overflow", test_len_huge_does_not_overflow);
  g_test_add_func ("/pb/message/nested-round-trip", test_message_nested_round_trip);
  g_test_add_func ("/pb/message/sub-reader-stops-at-its-length", test_message_sub_reader_stops_at_its_length);
  g_test_add_func ("/pb/message/depth-limit-64-levels-ok", test_message_depth_limit_64_levels_ok);
  g_test_add_func ("/pb/message/depth-limit-65-levels-fail", test_message_depth_limit_65_levels_fail);
  g_test_add_func ("/pb/skip/every-wire-type", test_skip_every_wire_type);
  g_test_add_func ("/pb/skip/group-keeps-current-tag", test_skip_group_keeps_current_tag);
  g_test_add_func ("/pb/skip/group-mismatched-end-rejected", test_skip_group_mismatched_end_rejected);
  g_test_add_func ("/pb/skip/group-unterminated-rejected", test_skip_group_unterminated_rejected);
  g_test_add_func ("/pb/skip/group-invalid-content-rejected", test_skip_group_invalid_content_rejected);
  g_test_add_func ("/pb/skip/group-depth-limit", test_skip_group_depth_limit);
  g_test_add_func ("/pb/truncation/every-prefix-parses-or-fails-cleanly", test_truncation_every_prefix_parses_or_fails_cleanly);
  g_test_add_func ("/pb/error/message-says-what-and-where", test_error_message_says_what_and_where);

  return g_test_run ();
}
