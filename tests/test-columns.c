/* test-columns.c: the schema-driven datapoint decoder
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "tilebox-columns-private.h"
#include "tilebox-descriptor-private.h"
#include "tilebox-error.h"
#include "tilebox-messages-private.h"
#include "tilebox-pb-private.h"
#include "tilebox-test-recordings.h"
#include "tilebox-util-private.h"
#include "test-columns-schema.h"

/* --- helpers -------------------------------------------------------------- */

static const guint8 uuid_a[16] = {
  0x01, 0x94, 0x1f, 0x29, 0xc6, 0x50, 0x20, 0x2f, 0x64, 0x95, 0xc7, 0x1d, 0xd2, 0x11, 0x8f, 0xb1
};
static const guint8 uuid_b[16] = {
  0xc8, 0xb8, 0x93, 0x88, 0x2b, 0x0f, 0x45, 0x6d, 0x99, 0x79, 0x22, 0x71, 0x7e, 0x81, 0x2c, 0xa3
};
static const guint8 nil_uuid[16] = { 0 };
/* EWKB POINT(13.4 52.5) with SRID 4326 */
static const guint8 ewkb_point[] = {
  0x01, 0x01, 0x00, 0x00, 0x20, 0xe6, 0x10, 0x00, 0x00,
  0xcd, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0x2a, 0x40,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x4a, 0x40
};
/* WKB POINT(1 2) */
static const guint8 wkb_point[] = {
  0x01, 0x01, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x3f,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40
};

static TileboxColumns *
every_kind_columns (void)
{
  g_autoptr(TileboxDescPool) pool = every_kind_pool ();
  g_autoptr(GError) error = NULL;
  TileboxColumns *columns = _tilebox_columns_new (pool, EVERY_KIND_MESSAGE, &error);

  g_assert_no_error (error);
  g_assert_nonnull (columns);
  return columns;
}

static const TileboxColumn *
col (const TileboxColumns *columns,
     const char           *name)
{
  const TileboxColumn *column = _tilebox_columns_lookup (columns, name);

  if (column == NULL)
    g_error ("no column %s", name);
  return column;
}

#define DEFINE_GETTER(fname, type)                                   \
  static type                                                        \
  fname (const TileboxColumn *column, guint64 index)                 \
  {                                                                  \
    type v;                                                          \
    g_assert_cmpuint (index, <, column->values->len / column->element_size); \
    memcpy (&v, _tilebox_column_element (column, index), sizeof v);  \
    return v;                                                        \
  }

DEFINE_GETTER (get_f64, double)
DEFINE_GETTER (get_f32, float)
DEFINE_GETTER (get_i32, gint32)
DEFINE_GETTER (get_i64, gint64)
DEFINE_GETTER (get_u32, guint32)
DEFINE_GETTER (get_u64, guint64)
DEFINE_GETTER (get_u8, guint8)

static gboolean
present (const TileboxColumn *column,
         guint                row)
{
  g_assert_cmpuint (row, <, column->present->len);
  return column->present->data[row] != 0;
}

static char *
get_str (const TileboxColumn *column,
         guint64              index)
{
  gsize len;
  const guint8 *p = _tilebox_column_bytes (column, index, &len);

  return g_strndup ((const char *) p, len);
}

static void
assert_bytes (const TileboxColumn *column,
              guint64              index,
              const guint8        *expected,
              gsize                expected_len)
{
  gsize len;
  const guint8 *p = _tilebox_column_bytes (column, index, &len);

  g_assert_cmpmem (p, len, expected, expected_len);
}

static void
assert_str (const TileboxColumn *column,
            guint64              index,
            const char          *expected)
{
  g_autofree char *s = get_str (column, index);

  g_assert_cmpstr (s, ==, expected);
}

/* The element range of a row of a repeated column. */
static guint64
row_elements (const TileboxColumn *column,
              guint                row,
              guint64             *start)
{
  guint64 s, e;

  _tilebox_column_row_range (column, row, &s, &e);
  *start = s;
  return e - s;
}

/* Everything the columns hold, to compare states. */
static GBytes *
snapshot (const TileboxColumns *columns)
{
  GByteArray *out = g_byte_array_new ();
  guint64 header[2] = { columns->n_rows, columns->wire_bytes };

  g_byte_array_append (out, (const guint8 *) header, sizeof header);
  for (guint i = 0; i < columns->columns->len; i++)
    {
      const TileboxColumn *column = g_ptr_array_index (columns->columns, i);
      guint32 lens[4] = {
        column->values->len,
        column->data != NULL ? column->data->len : 0,
        column->present->len,
        column->row_ends != NULL ? column->row_ends->len : 0,
      };

      g_assert_cmpuint (column->present->len, ==, columns->n_rows);
      if (column->repeated)
        g_assert_cmpuint (column->row_ends->len, ==, columns->n_rows);
      else
        g_assert_cmpuint (column->values->len, ==, (gsize) columns->n_rows * column->element_size);

      g_byte_array_append (out, (const guint8 *) lens, sizeof lens);
      g_byte_array_append (out, column->values->data, column->values->len);
      if (column->data != NULL)
        g_byte_array_append (out, column->data->data, column->data->len);
      g_byte_array_append (out, column->present->data, column->present->len);
      if (column->row_ends != NULL)
        g_byte_array_append (out, (const guint8 *) column->row_ends->data,
                             column->row_ends->len * sizeof (guint64));
    }
  return g_byte_array_free_to_bytes (out);
}

static void
append_ok (TileboxColumns   *columns,
           const GByteArray *datapoint)
{
  g_autoptr(GError) error = NULL;
  guint rows = columns->n_rows;

  g_assert_true (_tilebox_columns_append (columns, datapoint->data, datapoint->len, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (columns->n_rows, ==, rows + 1);
}

/* Appending fails with a protocol error containing `fragment`, and the
 * columns are left as they were. */
static void
append_fails (TileboxColumns   *columns,
              const GByteArray *datapoint,
              const char       *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) before = snapshot (columns);
  g_autoptr(GBytes) after = NULL;

  g_assert_false (_tilebox_columns_append (columns, datapoint->data, datapoint->len, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
  if (fragment != NULL && strstr (error->message, fragment) == NULL)
    g_error ("“%s” does not contain “%s”", error->message, fragment);
  after = snapshot (columns);
  g_assert_true (g_bytes_equal (before, after));
}

/* --- encoding ------------------------------------------------------------- */

static void
put_uuid (GByteArray   *out,
          guint32       field,
          const guint8 *uuid,
          gsize         len)
{
  GByteArray *sub = g_byte_array_new ();

  if (uuid != NULL)
    _tilebox_pb_write_bytes (sub, 1, uuid, len);
  put_sub (out, field, sub);
}

/* A datapoint of EveryKind with every field set, repeated ones partly packed
 * and partly not. check_every_kind () checks what it decodes to. */
static GByteArray *
encode_every_kind (void)
{
  GByteArray *out = g_byte_array_new ();
  GByteArray *sub;

  _tilebox_pb_write_double (out, EK_DOUBLE, 3.25);
  _tilebox_pb_write_float (out, EK_FLOAT, -1.5f);
  _tilebox_pb_write_varint (out, EK_INT32, (guint64) (gint64) -7); /* 10 bytes */
  _tilebox_pb_write_varint (out, EK_INT64, (guint64) G_GINT64_CONSTANT (-1234567890123));
  _tilebox_pb_write_varint (out, EK_UINT32, 4000000000u);
  _tilebox_pb_write_varint (out, EK_UINT64, G_MAXUINT64);
  _tilebox_pb_write_sint (out, EK_SINT32, -3);
  _tilebox_pb_write_sint (out, EK_SINT64, G_MININT64);
  _tilebox_pb_write_fixed32 (out, EK_FIXED32, 0xdeadbeefu);
  _tilebox_pb_write_fixed64 (out, EK_FIXED64, G_GUINT64_CONSTANT (0x0123456789abcdef));
  _tilebox_pb_write_fixed32 (out, EK_SFIXED32, (guint32) -100);
  _tilebox_pb_write_fixed64 (out, EK_SFIXED64, (guint64) G_GINT64_CONSTANT (-5000000000));
  _tilebox_pb_write_bool (out, EK_BOOL, TRUE);
  _tilebox_pb_write_string (out, EK_STRING, "h\303\251llo w\303\266rld \342\234\223 and some ASCII");
  _tilebox_pb_write_bytes (out, EK_BYTES, (const guint8 *) "\0\1\2\377", 4);
  _tilebox_pb_write_varint (out, EK_ENUM, 3);
  put_seconds_nanos (out, EK_TIME, 1735689619, 24000000);
  put_seconds_nanos (out, EK_DURATION, -5, -500000000);
  put_uuid (out, EK_UUID, uuid_a, 16);
  put_uuid (out, EK_ID, uuid_b, 16);
  sub = g_byte_array_new ();
  _tilebox_pb_write_bytes (sub, 1, ewkb_point, sizeof ewkb_point);
  put_sub (out, EK_GEOMETRY, sub);
  put_doubles (out, EK_VEC3, vec3_value, 3);
  put_doubles (out, EK_QUATERNION, quaternion_value, 4);
  put_doubles (out, EK_LATLON, latlon_value, 2);
  put_doubles (out, EK_LATLONALT, latlonalt_value, 3);
  sub = g_byte_array_new ();
  _tilebox_pb_write_string (sub, 1, "x");
  _tilebox_pb_write_varint (sub, 2, 7);
  put_sub (out, EK_OTHER, sub);

  {
    const double rd[2] = { 1.5, -2.5 };
    const float rf[2] = { 2.0f, 3.0f };
    const guint64 ri32[3] = { (guint64) (gint64) -1, 0, G_MAXINT32 };
    const guint64 ru32[3] = { 0, 1, G_MAXUINT32 };
    const guint64 ru64[1] = { G_MAXUINT64 };
    const guint64 rs32[3] = { _tilebox_pb_zigzag_encode (-1), _tilebox_pb_zigzag_encode (1),
                              _tilebox_pb_zigzag_encode (G_MININT32) };
    const guint32 rfx32[2] = { 1, 2 };
    const gint32 rsf32[1] = { -1 };
    const gint64 rsf64[2] = { -2, -3 };
    const guint64 rb[3] = { 1, 0, 1 };
    const guint64 rlevel[2] = { 3, 99 };

    put_packed_fixed (out, EK_R_DOUBLE, rd, 2, 8);
    _tilebox_pb_write_double (out, EK_R_DOUBLE, 3.5);
    _tilebox_pb_write_float (out, EK_R_FLOAT, 1.0f);
    put_packed_fixed (out, EK_R_FLOAT, rf, 2, 4);
    put_packed_varints (out, EK_R_INT32, ri32, 3);
    _tilebox_pb_write_varint (out, EK_R_INT64, (guint64) (gint64) -1);
    _tilebox_pb_write_varint (out, EK_R_INT64, (guint64) G_MININT64);
    put_packed_varints (out, EK_R_UINT32, ru32, 3);
    put_packed_varints (out, EK_R_UINT64, ru64, 1);
    put_packed_varints (out, EK_R_SINT32, rs32, 3);
    _tilebox_pb_write_sint (out, EK_R_SINT64, -2);
    _tilebox_pb_write_sint (out, EK_R_SINT64, G_MAXINT64);
    put_packed_fixed (out, EK_R_FIXED32, rfx32, 2, 4);
    _tilebox_pb_write_fixed64 (out, EK_R_FIXED64, 3);
    put_packed_fixed (out, EK_R_SFIXED32, rsf32, 1, 4);
    put_packed_fixed (out, EK_R_SFIXED64, rsf64, 2, 8);
    put_packed_varints (out, EK_R_BOOL, rb, 3);
    _tilebox_pb_write_bool (out, EK_R_BOOL, TRUE);
    _tilebox_pb_write_string (out, EK_R_STRING, "a");
    _tilebox_pb_write_bytes (out, EK_R_STRING, NULL, 0);
    _tilebox_pb_write_string (out, EK_R_STRING, "\303\274");
    _tilebox_pb_write_bytes (out, EK_R_BYTES, (const guint8 *) "\0", 1);
    _tilebox_pb_write_bytes (out, EK_R_BYTES, NULL, 0);
    put_packed_varints (out, EK_R_ENUM, rlevel, 2);
    _tilebox_pb_write_varint (out, EK_R_ENUM, 12);
    put_seconds_nanos (out, EK_R_TIME, 1, 0);
    put_seconds_nanos (out, EK_R_TIME, 0, 0);
    put_seconds_nanos (out, EK_R_TIME, -1, 999999999);
    put_uuid (out, EK_R_UUID, uuid_a, 16);
    put_uuid (out, EK_R_UUID, NULL, 0);
    put_doubles (out, EK_R_VEC3, vec3_value, 3);
    put_doubles (out, EK_R_VEC3, vec3_value, 0);
    sub = g_byte_array_new ();
    _tilebox_pb_write_bytes (sub, 1, wkb_point, sizeof wkb_point);
    put_sub (out, EK_R_GEOMETRY, sub);
    put_sub (out, EK_R_GEOMETRY, g_byte_array_new ());
    sub = g_byte_array_new ();
    _tilebox_pb_write_string (sub, 1, "y");
    put_sub (out, EK_R_OTHER, sub);
    put_sub (out, EK_R_OTHER, g_byte_array_new ());
  }

  return out;
}

static void
check_every_kind (const TileboxColumns *c,
                  guint                 row)
{
  guint64 s;

  for (guint i = 0; i < c->columns->len; i++)
    g_assert_true (present (g_ptr_array_index (c->columns, i), row));

  g_assert_cmpfloat (get_f64 (col (c, "d"), row), ==, 3.25);
  g_assert_cmpfloat (get_f32 (col (c, "f"), row), ==, -1.5f);
  g_assert_cmpint (get_i32 (col (c, "i32"), row), ==, -7);
  g_assert_cmpint (get_i64 (col (c, "i64"), row), ==, G_GINT64_CONSTANT (-1234567890123));
  g_assert_cmpuint (get_u32 (col (c, "u32"), row), ==, 4000000000u);
  g_assert_cmpuint (get_u64 (col (c, "u64"), row), ==, G_MAXUINT64);
  g_assert_cmpint (get_i32 (col (c, "s32"), row), ==, -3);
  g_assert_cmpint (get_i64 (col (c, "s64"), row), ==, G_MININT64);
  g_assert_cmpuint (get_u32 (col (c, "fx32"), row), ==, 0xdeadbeefu);
  g_assert_cmpuint (get_u64 (col (c, "fx64"), row), ==, G_GUINT64_CONSTANT (0x0123456789abcdef));
  g_assert_cmpint (get_i32 (col (c, "sf32"), row), ==, -100);
  g_assert_cmpint (get_i64 (col (c, "sf64"), row), ==, G_GINT64_CONSTANT (-5000000000));
  g_assert_cmpuint (get_u8 (col (c, "b"), row), ==, 1);
  assert_str (col (c, "s"), row, "h\303\251llo w\303\266rld \342\234\223 and some ASCII");
  assert_bytes (col (c, "by"), row, (const guint8 *) "\0\1\2\377", 4);
  g_assert_cmpint (get_i32 (col (c, "level"), row), ==, 3);
  g_assert_cmpint (get_i64 (col (c, "time"), row), ==, G_GINT64_CONSTANT (1735689619024000000));
  g_assert_cmpint (get_i64 (col (c, "duration"), row), ==, G_GINT64_CONSTANT (-5500000000));
  g_assert_cmpmem (_tilebox_column_element (col (c, "id"), row), 16, uuid_a, 16);
  g_assert_cmpmem (_tilebox_column_element (col (c, "tid"), row), 16, uuid_b, 16);
  assert_bytes (col (c, "geometry"), row, ewkb_point, sizeof ewkb_point);
  g_assert_cmpmem (_tilebox_column_element (col (c, "v3"), row), 24, vec3_value, 24);
  g_assert_cmpmem (_tilebox_column_element (col (c, "q"), row), 32, quaternion_value, 32);
  g_assert_cmpmem (_tilebox_column_element (col (c, "ll"), row), 16, latlon_value, 16);
  g_assert_cmpmem (_tilebox_column_element (col (c, "lla"), row), 24, latlonalt_value, 24);
  assert_bytes (col (c, "other"), row, (const guint8 *) "\x0a\x01x\x10\x07", 5);

  g_assert_cmpuint (row_elements (col (c, "rd"), row, &s), ==, 3);
  g_assert_cmpfloat (get_f64 (col (c, "rd"), s), ==, 1.5);
  g_assert_cmpfloat (get_f64 (col (c, "rd"), s + 1), ==, -2.5);
  g_assert_cmpfloat (get_f64 (col (c, "rd"), s + 2), ==, 3.5);
  g_assert_cmpuint (row_elements (col (c, "rf"), row, &s), ==, 3);
  g_assert_cmpfloat (get_f32 (col (c, "rf"), s), ==, 1.0f);
  g_assert_cmpfloat (get_f32 (col (c, "rf"), s + 1), ==, 2.0f);
  g_assert_cmpfloat (get_f32 (col (c, "rf"), s + 2), ==, 3.0f);
  g_assert_cmpuint (row_elements (col (c, "ri32"), row, &s), ==, 3);
  g_assert_cmpint (get_i32 (col (c, "ri32"), s), ==, -1);
  g_assert_cmpint (get_i32 (col (c, "ri32"), s + 1), ==, 0);
  g_assert_cmpint (get_i32 (col (c, "ri32"), s + 2), ==, G_MAXINT32);
  g_assert_cmpuint (row_elements (col (c, "ri64"), row, &s), ==, 2);
  g_assert_cmpint (get_i64 (col (c, "ri64"), s), ==, -1);
  g_assert_cmpint (get_i64 (col (c, "ri64"), s + 1), ==, G_MININT64);
  g_assert_cmpuint (row_elements (col (c, "ru32"), row, &s), ==, 3);
  g_assert_cmpuint (get_u32 (col (c, "ru32"), s + 2), ==, G_MAXUINT32);
  g_assert_cmpuint (row_elements (col (c, "ru64"), row, &s), ==, 1);
  g_assert_cmpuint (get_u64 (col (c, "ru64"), s), ==, G_MAXUINT64);
  g_assert_cmpuint (row_elements (col (c, "rs32"), row, &s), ==, 3);
  g_assert_cmpint (get_i32 (col (c, "rs32"), s), ==, -1);
  g_assert_cmpint (get_i32 (col (c, "rs32"), s + 1), ==, 1);
  g_assert_cmpint (get_i32 (col (c, "rs32"), s + 2), ==, G_MININT32);
  g_assert_cmpuint (row_elements (col (c, "rs64"), row, &s), ==, 2);
  g_assert_cmpint (get_i64 (col (c, "rs64"), s), ==, -2);
  g_assert_cmpint (get_i64 (col (c, "rs64"), s + 1), ==, G_MAXINT64);
  g_assert_cmpuint (row_elements (col (c, "rfx32"), row, &s), ==, 2);
  g_assert_cmpuint (get_u32 (col (c, "rfx32"), s + 1), ==, 2);
  g_assert_cmpuint (row_elements (col (c, "rfx64"), row, &s), ==, 1);
  g_assert_cmpuint (get_u64 (col (c, "rfx64"), s), ==, 3);
  g_assert_cmpuint (row_elements (col (c, "rsf32"), row, &s), ==, 1);
  g_assert_cmpint (get_i32 (col (c, "rsf32"), s), ==, -1);
  g_assert_cmpuint (row_elements (col (c, "rsf64"), row, &s), ==, 2);
  g_assert_cmpint (get_i64 (col (c, "rsf64"), s + 1), ==, -3);
  g_assert_cmpuint (row_elements (col (c, "rb"), row, &s), ==, 4);
  g_assert_cmpuint (get_u8 (col (c, "rb"), s), ==, 1);
  g_assert_cmpuint (get_u8 (col (c, "rb"), s + 1), ==, 0);
  g_assert_cmpuint (get_u8 (col (c, "rb"), s + 3), ==, 1);
  g_assert_cmpuint (row_elements (col (c, "rs"), row, &s), ==, 3);
  assert_str (col (c, "rs"), s, "a");
  assert_str (col (c, "rs"), s + 1, "");
  assert_str (col (c, "rs"), s + 2, "\303\274");
  g_assert_cmpuint (row_elements (col (c, "rby"), row, &s), ==, 2);
  assert_bytes (col (c, "rby"), s, (const guint8 *) "\0", 1);
  assert_bytes (col (c, "rby"), s + 1, NULL, 0);
  g_assert_cmpuint (row_elements (col (c, "rlevel"), row, &s), ==, 3);
  g_assert_cmpint (get_i32 (col (c, "rlevel"), s), ==, 3);
  g_assert_cmpint (get_i32 (col (c, "rlevel"), s + 1), ==, 99);
  g_assert_cmpint (get_i32 (col (c, "rlevel"), s + 2), ==, 12);
  g_assert_cmpuint (row_elements (col (c, "rtime"), row, &s), ==, 3);
  g_assert_cmpint (get_i64 (col (c, "rtime"), s), ==, 1000000000);
  g_assert_cmpint (get_i64 (col (c, "rtime"), s + 1), ==, 0);
  g_assert_cmpint (get_i64 (col (c, "rtime"), s + 2), ==, -1);
  g_assert_cmpuint (row_elements (col (c, "rid"), row, &s), ==, 2);
  g_assert_cmpmem (_tilebox_column_element (col (c, "rid"), s), 16, uuid_a, 16);
  g_assert_cmpmem (_tilebox_column_element (col (c, "rid"), s + 1), 16, nil_uuid, 16);
  g_assert_cmpuint (row_elements (col (c, "rv3"), row, &s), ==, 2);
  g_assert_cmpmem (_tilebox_column_element (col (c, "rv3"), s), 24, vec3_value, 24);
  {
    const double zeros[3] = { 0, 0, 0 };
    g_assert_cmpmem (_tilebox_column_element (col (c, "rv3"), s + 1), 24, zeros, 24);
  }
  g_assert_cmpuint (row_elements (col (c, "rgeometry"), row, &s), ==, 2);
  assert_bytes (col (c, "rgeometry"), s, wkb_point, sizeof wkb_point);
  assert_bytes (col (c, "rgeometry"), s + 1, NULL, 0);
  g_assert_cmpuint (row_elements (col (c, "rother"), row, &s), ==, 2);
  assert_bytes (col (c, "rother"), s, (const guint8 *) "\x0a\x01y", 3);
  assert_bytes (col (c, "rother"), s + 1, NULL, 0);
}

/* --- tests: schema ------------------------------------------------------------ */

static void
test_kinds (void)
{
  g_autoptr(TileboxColumns) c = every_kind_columns ();
  static const struct {
    const char *name;
    TileboxColumnKind kind;
    guint element_size;
  } expected[] = {
    { "d", TILEBOX_COLUMN_DOUBLE, 8 },
    { "f", TILEBOX_COLUMN_FLOAT, 4 },
    { "i32", TILEBOX_COLUMN_INT32, 4 },
    { "i64", TILEBOX_COLUMN_INT64, 8 },
    { "u32", TILEBOX_COLUMN_UINT32, 4 },
    { "u64", TILEBOX_COLUMN_UINT64, 8 },
    { "s32", TILEBOX_COLUMN_INT32, 4 },
    { "s64", TILEBOX_COLUMN_INT64, 8 },
    { "fx32", TILEBOX_COLUMN_UINT32, 4 },
    { "fx64", TILEBOX_COLUMN_UINT64, 8 },
    { "sf32", TILEBOX_COLUMN_INT32, 4 },
    { "sf64", TILEBOX_COLUMN_INT64, 8 },
    { "b", TILEBOX_COLUMN_BOOL, 1 },
    { "s", TILEBOX_COLUMN_STRING, 8 },
    { "by", TILEBOX_COLUMN_BYTES, 8 },
    { "level", TILEBOX_COLUMN_ENUM, 4 },
    { "time", TILEBOX_COLUMN_TIMESTAMP, 8 },
    { "duration", TILEBOX_COLUMN_DURATION, 8 },
    { "id", TILEBOX_COLUMN_UUID, 16 },
    { "tid", TILEBOX_COLUMN_UUID, 16 },
    { "geometry", TILEBOX_COLUMN_GEOMETRY, 8 },
    { "v3", TILEBOX_COLUMN_VEC3, 24 },
    { "q", TILEBOX_COLUMN_QUATERNION, 32 },
    { "ll", TILEBOX_COLUMN_LATLON, 16 },
    { "lla", TILEBOX_COLUMN_LATLONALT, 24 },
    { "other", TILEBOX_COLUMN_BYTES, 8 },
    { "rlevel", TILEBOX_COLUMN_ENUM, 4 },
    { "rtime", TILEBOX_COLUMN_TIMESTAMP, 8 },
    { "rother", TILEBOX_COLUMN_BYTES, 8 },
  };

  g_assert_cmpuint (c->columns->len, ==, EK_N_FIELDS);
  g_assert_cmpuint (c->n_rows, ==, 0);
  g_assert_cmpstr (c->message->full_name, ==, EVERY_KIND_MESSAGE);

  for (guint i = 0; i < c->columns->len; i++)
    {
      const TileboxColumn *column = g_ptr_array_index (c->columns, i);

      /* in field order, all found by name */
      g_assert_cmpint (column->field->number, ==, (gint) i + 1);
      g_assert_true (_tilebox_columns_lookup (c, column->field->name) == column);
      g_assert_cmpint (column->repeated, ==, column->field->number >= EK_R_DOUBLE);
      g_assert_true ((column->row_ends != NULL) == column->repeated);
      g_assert_true ((column->data != NULL) == (column->kind == TILEBOX_COLUMN_STRING ||
                                                 column->kind == TILEBOX_COLUMN_BYTES ||
                                                 column->kind == TILEBOX_COLUMN_GEOMETRY));
      if (!column->repeated)
        g_assert_true (column->explicit_presence); /* editions 2023 */
    }

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      const TileboxColumn *column = col (c, expected[i].name);

      g_assert_cmpint (column->kind, ==, expected[i].kind);
      g_assert_cmpuint (column->element_size, ==, expected[i].element_size);
    }

  g_assert_nonnull (col (c, "level")->enum_desc);
  g_assert_cmpstr (col (c, "level")->enum_desc->full_name, ==, "datasets.v1.ProcessingLevel");
  g_assert_true (col (c, "rlevel")->enum_desc == col (c, "level")->enum_desc);
  g_assert_null (col (c, "d")->enum_desc);
  g_assert_null (_tilebox_columns_lookup (c, "nope"));
}

static void
test_unknown_type (void)
{
  g_autoptr(TileboxDescPool) pool = every_kind_pool ();
  g_autoptr(GError) error = NULL;
  TileboxColumns *c;

  c = _tilebox_columns_new (pool, "test.v1.Nope", &error);
  g_assert_null (c);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "test.v1.Nope"));
}

static void
test_ref (void)
{
  TileboxColumns *c = every_kind_columns ();
  g_autoptr(GByteArray) dp = encode_every_kind ();

  g_assert_true (_tilebox_columns_ref (c) == c);
  _tilebox_columns_unref (c);
  append_ok (c, dp);
  _tilebox_columns_unref (c);
}

static void
test_well_known_pool (void)
{
  g_autoptr(TileboxDescPool) pool = _tilebox_desc_pool_new ();
  g_autoptr(GError) error = NULL;
  static const struct {
    const char *enum_name;
    const char *value;
    gint32 number;
  } values[] = {
    { "datasets.v1.FlightDirection", "FLIGHT_DIRECTION_DESCENDING", 2 },
    { "datasets.v1.ObservationDirection", "OBSERVATION_DIRECTION_RIGHT", 2 },
    { "datasets.v1.OpendataProvider", "OPENDATA_PROVIDER_UMBRA", 3 },
    { "datasets.v1.OpendataProvider", "OPENDATA_PROVIDER_COPERNICUS_DATASPACE", 2 },
    { "datasets.v1.ProcessingLevel", "PROCESSING_LEVEL_L0", 12 },
    { "datasets.v1.ProcessingLevel", "PROCESSING_LEVEL_L1", 10 },
    { "datasets.v1.ProcessingLevel", "PROCESSING_LEVEL_L1C", 3 },
    { "datasets.v1.ProcessingLevel", "PROCESSING_LEVEL_NOT_APPLICABLE", 11 },
    { "datasets.v1.Polarization", "POLARIZATION_VV_VH", 10 },
    { "datasets.v1.AcquisitionMode", "ACQUISITION_MODE_SPOTLIGHT", 10 },
    { "datasets.v1.AcquisitionMode", "ACQUISITION_MODE_TST", 26 },
    { "datasets.v1.AcquisitionMode", "ACQUISITION_MODE_UNSPECIFIED", 0 },
  };
  static const struct {
    const char *message;
    guint n_fields;
    const char *first;
    TileboxDescType type;
  } messages[] = {
    { "google.protobuf.Timestamp", 2, "seconds", TILEBOX_DESC_TYPE_INT64 },
    { "google.protobuf.Duration", 2, "seconds", TILEBOX_DESC_TYPE_INT64 },
    { "datasets.v1.UUID", 1, "uuid", TILEBOX_DESC_TYPE_BYTES },
    { "tilebox.v1.ID", 1, "uuid", TILEBOX_DESC_TYPE_BYTES },
    { "datasets.v1.Geometry", 1, "wkb", TILEBOX_DESC_TYPE_BYTES },
    { "datasets.v1.Vec3", 3, "x", TILEBOX_DESC_TYPE_DOUBLE },
    { "datasets.v1.Quaternion", 4, "q1", TILEBOX_DESC_TYPE_DOUBLE },
    { "datasets.v1.LatLon", 2, "latitude", TILEBOX_DESC_TYPE_DOUBLE },
    { "datasets.v1.LatLonAlt", 3, "latitude", TILEBOX_DESC_TYPE_DOUBLE },
  };

  g_assert_true (_tilebox_columns_add_well_known_types (pool, &error));
  g_assert_no_error (error);
  /* twice is fine: the later definitions replace the earlier ones */
  g_assert_true (_tilebox_columns_add_well_known_types (pool, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      const TileboxDescEnum *e = _tilebox_desc_pool_lookup_enum (pool, values[i].enum_name);
      gint32 number = -1;

      g_assert_nonnull (e);
      g_assert_cmpstr (_tilebox_desc_enum_value_name (e, values[i].number), ==, values[i].value);
      g_assert_true (_tilebox_desc_enum_value_number (e, values[i].value, &number));
      g_assert_cmpint (number, ==, values[i].number);
    }
  g_assert_cmpuint (_tilebox_desc_pool_lookup_enum (pool, "datasets.v1.ProcessingLevel")->values->len, ==, 13);
  g_assert_cmpuint (_tilebox_desc_pool_lookup_enum (pool, "datasets.v1.AcquisitionMode")->values->len, ==, 13);
  g_assert_cmpuint (_tilebox_desc_pool_lookup_enum (pool, "datasets.v1.Polarization")->values->len, ==, 11);

  for (guint i = 0; i < G_N_ELEMENTS (messages); i++)
    {
      const TileboxDescMessage *m = _tilebox_desc_pool_lookup_message (pool, messages[i].message);
      const TileboxDescField *f;

      g_assert_nonnull (m);
      g_assert_cmpuint (m->fields->len, ==, messages[i].n_fields);
      f = _tilebox_desc_message_find_field (m, 1);
      g_assert_cmpstr (f->name, ==, messages[i].first);
      g_assert_cmpint (f->type, ==, messages[i].type);
      /* proto3 and the IMPLICIT file feature: no explicit presence */
      g_assert_false (f->explicit_presence);
    }
  g_assert_cmpstr (_tilebox_desc_message_find_field (_tilebox_desc_pool_lookup_message (pool, "datasets.v1.LatLonAlt"), 3)->name,
                   ==, "altitude");
  g_assert_cmpint (_tilebox_desc_message_find_field (_tilebox_desc_pool_lookup_message (pool, "google.protobuf.Timestamp"), 2)->type,
                   ==, TILEBOX_DESC_TYPE_INT32);

  /* the well-known messages decode as datapoints too */
  {
    g_autoptr(TileboxColumns) c = _tilebox_columns_new (pool, "datasets.v1.LatLon", &error);
    g_autoptr(GByteArray) dp = g_byte_array_new ();

    g_assert_no_error (error);
    _tilebox_pb_write_double (dp, 2, 13.4);
    append_ok (c, dp);
    g_assert_false (col (c, "latitude")->explicit_presence);
    g_assert_false (present (col (c, "latitude"), 0));
    g_assert_cmpfloat (get_f64 (col (c, "latitude"), 0), ==, 0);
    g_assert_true (present (col (c, "longitude"), 0));
    g_assert_cmpfloat (get_f64 (col (c, "longitude"), 0), ==, 13.4);
  }
}

/* --- tests: values ------------------------------------------------------------ */

static void
test_every_kind (void)
{
  g_autoptr(TileboxColumns) c = every_kind_columns ();
  g_autoptr(GByteArray) dp = encode_every_kind ();
  g_autoptr(GByteArray) empty = g_byte_array_new ();

  append_ok (c, dp);
  check_every_kind (c, 0);
  append_ok (c, empty);
  append_ok (c, dp);
  check_every_kind (c, 2);
  g_assert_cmpuint (c->n_rows, ==, 3);
  g_assert_cmpuint (c->wire_bytes, ==, 2 * dp->len);

  /* the empty row: nothing present, zeroed slots, empty element ranges */
  for (guint i = 0; i < c->columns->len; i++)
    {
      const TileboxColumn *column = g_ptr_array_index (c->columns, i);
      guint64 s;

      g_assert_false (present (column, 1));
      if (column->repeated)
        {
          g_assert_cmpuint (row_elements (column, 1, &s), ==, 0);
        }
      else if (column->data != NULL)
        {
          gsize len = 99;

          _tilebox_column_bytes (column, 1, &len);
          g_assert_cmpuint (len, ==, 0);
        }
      else
        {
          const guint8 *e = _tilebox_column_element (column, 1);

          for (guint k = 0; k < column->element_size; k++)
            g_assert_cmpuint (e[k], ==, 0);
        }
    }
}

/* Explicit presence (editions 2023): zeros sent are present, and nothing
 * else is. */
static void
test_presence_explicit (void)
{
  g_autoptr(TileboxColumns) c = every_kind_columns ();
  g_autoptr(GByteArray) dp = g_byte_array_new ();
  static const char * const sent[] = { "d", "i32", "u64", "s64", "sf32", "b", "s", "by", "level", "time", "id", "v3", "geometry" };

  _tilebox_pb_write_double (dp, EK_DOUBLE, 0.0);
  _tilebox_pb_write_varint (dp, EK_INT32, 0);
  _tilebox_pb_write_varint (dp, EK_UINT64, 0);
  _tilebox_pb_write_sint (dp, EK_SINT64, 0);
  _tilebox_pb_write_fixed32 (dp, EK_SFIXED32, 0);
  _tilebox_pb_write_bool (dp, EK_BOOL, FALSE);
  _tilebox_pb_write_bytes (dp, EK_STRING, NULL, 0);
  _tilebox_pb_write_bytes (dp, EK_BYTES, NULL, 0);
  _tilebox_pb_write_varint (dp, EK_ENUM, 0);
  put_seconds_nanos (dp, EK_TIME, 0, 0);     /* present: the epoch */
  put_uuid (dp, EK_UUID, NULL, 0);          /* present: the nil UUID */
  put_doubles (dp, EK_VEC3, vec3_value, 0); /* present: zeros */
  put_sub (dp, EK_GEOMETRY, g_byte_array_new ()); /* present: no WKB */
  append_ok (c, dp);

  for (guint i = 0; i < c->columns->len; i++)
    {
      const TileboxColumn *column = g_ptr_array_index (c->columns, i);

      g_assert_cmpint (present (column, 0), ==,
                       g_strv_contains (sent, column->field->name));
    }
  g_assert_cmpint (get_i64 (col (c, "time"), 0), ==, 0);
  g_assert_cmpmem (_tilebox_column_element (col (c, "id"), 0), 16, nil_uuid, 16);
  assert_str (col (c, "s"), 0, "");
}

/* A proto3 file written by hand: implicit presence, a proto3 optional
 * field, a field number too large for the lookup table and one in it. */
static GBytes *
proto3_set (void)
{
  GByteArray *set = g_byte_array_new ();
  GByteArray *file = g_byte_array_new ();
  GByteArray *message = g_byte_array_new ();
  GByteArray *oneof = g_byte_array_new ();
  static const struct {
    const char *name;
    guint32 number;
    TileboxDescType type;
    gboolean repeated;
    const char *type_name;
    gboolean optional;
  } fields[] = {
    { "a", 1, TILEBOX_DESC_TYPE_INT32, FALSE, NULL, FALSE },
    { "s", 2, TILEBOX_DESC_TYPE_STRING, FALSE, NULL, FALSE },
    { "t", 3, TILEBOX_DESC_TYPE_MESSAGE, FALSE, ".google.protobuf.Timestamp", FALSE },
    { "opt", 4, TILEBOX_DESC_TYPE_INT32, FALSE, NULL, TRUE },
    { "r", 5, TILEBOX_DESC_TYPE_SINT64, TRUE, NULL, FALSE },
    { "color", 6, TILEBOX_DESC_TYPE_ENUM, FALSE, ".test.p3.Unknown", FALSE },
    { "mid", 300, TILEBOX_DESC_TYPE_FIXED32, FALSE, NULL, FALSE },
    { "big", 100000, TILEBOX_DESC_TYPE_INT64, FALSE, NULL, FALSE },
    { "huge", 536870911, TILEBOX_DESC_TYPE_BOOL, FALSE, NULL, FALSE },
  };

  _tilebox_pb_write_string (message, 1, "P3");
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      GByteArray *f = g_byte_array_new ();

      _tilebox_pb_write_string (f, 1, fields[i].name);
      _tilebox_pb_write_varint (f, 3, fields[i].number);
      _tilebox_pb_write_varint (f, 4, fields[i].repeated ? TILEBOX_DESC_LABEL_REPEATED
                                                         : TILEBOX_DESC_LABEL_OPTIONAL);
      _tilebox_pb_write_varint (f, 5, fields[i].type);
      _tilebox_pb_write_string (f, 6, fields[i].type_name);
      if (fields[i].optional)
        {
          _tilebox_pb_write_varint (f, 9, 0);
          _tilebox_pb_write_bool (f, 17, TRUE);
        }
      put_sub (message, 2, f);
    }
  _tilebox_pb_write_string (oneof, 1, "_opt");
  put_sub (message, 8, oneof);

  _tilebox_pb_write_string (file, 1, "test/p3.proto");
  _tilebox_pb_write_string (file, 2, "test.p3");
  put_sub (file, 4, message);
  _tilebox_pb_write_string (file, 12, "proto3");
  put_sub (set, 1, file);
  return g_byte_array_free_to_bytes (set);
}

static TileboxColumns *
proto3_columns (void)
{
  g_autoptr(TileboxDescPool) pool = _tilebox_desc_pool_new ();
  g_autoptr(GBytes) set = proto3_set ();
  g_autoptr(GError) error = NULL;
  TileboxColumns *c;

  /* the dataset's own set first, the well-known types after */
  g_assert_true (_tilebox_desc_pool_add_file_set (pool, g_bytes_get_data (set, NULL),
                                                  g_bytes_get_size (set), &error));
  g_assert_no_error (error);
  g_assert_true (_tilebox_columns_add_well_known_types (pool, &error));
  g_assert_no_error (error);
  c = _tilebox_columns_new (pool, ".test.p3.P3", &error);
  g_assert_no_error (error);
  return c;
}

static void
test_presence_implicit (void)
{
  g_autoptr(TileboxColumns) c = proto3_columns ();
  g_autoptr(GByteArray) dp = g_byte_array_new ();

  g_assert_false (col (c, "a")->explicit_presence);
  g_assert_false (col (c, "s")->explicit_presence);
  g_assert_true (col (c, "t")->explicit_presence);
  g_assert_true (col (c, "opt")->explicit_presence);
  g_assert_cmpint (col (c, "color")->kind, ==, TILEBOX_COLUMN_ENUM);
  g_assert_null (col (c, "color")->enum_desc);
  g_assert_cmpint (col (c, "t")->kind, ==, TILEBOX_COLUMN_TIMESTAMP);

  /* an empty datapoint: nothing present */
  append_ok (c, dp);
  for (guint i = 0; i < c->columns->len; i++)
    g_assert_false (present (g_ptr_array_index (c->columns, i), 0));

  /* proto3 optional sent as zero, the others with values */
  _tilebox_pb_write_varint (dp, 4, 0);
  _tilebox_pb_write_varint (dp, 1, 42);
  _tilebox_pb_write_string (dp, 2, "x");
  _tilebox_pb_write_sint (dp, 5, -1);
  _tilebox_pb_write_varint (dp, 6, 77);
  _tilebox_pb_write_fixed32 (dp, 300, 300);
  _tilebox_pb_write_varint (dp, 100000, 100000);
  _tilebox_pb_write_bool (dp, 536870911, TRUE);
  append_ok (c, dp);
  g_assert_true (present (col (c, "opt"), 1));
  g_assert_cmpint (get_i32 (col (c, "opt"), 1), ==, 0);
  g_assert_cmpint (get_i32 (col (c, "a"), 1), ==, 42);
  assert_str (col (c, "s"), 1, "x");
  g_assert_cmpint (get_i64 (col (c, "r"), 0), ==, -1);
  g_assert_cmpint (get_i32 (col (c, "color"), 1), ==, 77);
  g_assert_cmpuint (get_u32 (col (c, "mid"), 1), ==, 300);
  g_assert_cmpint (get_i64 (col (c, "big"), 1), ==, 100000);
  g_assert_cmpuint (get_u8 (col (c, "huge"), 1), ==, 1);
  g_assert_false (present (col (c, "t"), 1));

  /* a wrong wire type is found for large field numbers too */
  g_byte_array_set_size (dp, 0);
  _tilebox_pb_write_string (dp, 100000, "x");
  append_fails (c, dp, "field big (100000)");
  /* and unknown large numbers are skipped */
  g_byte_array_set_size (dp, 0);
  _tilebox_pb_write_string (dp, 100001, "x");
  _tilebox_pb_write_string (dp, 536870910, "x");
  _tilebox_pb_write_varint (dp, 1, 1);
  append_ok (c, dp);
  g_assert_cmpint (get_i32 (col (c, "a"), 2), ==, 1);
}

static void
test_enums (void)
{
  g_autoptr(TileboxColumns) c = every_kind_columns ();
  g_autoptr(GByteArray) dp = g_byte_array_new ();
  const TileboxColumn *level = col (c, "level");
  const TileboxColumn *rlevel = col (c, "rlevel");
  static const gint32 numbers[] = { 3, 99, -1, 12, 0 };
  guint64 s;

  _tilebox_pb_write_varint (dp, EK_ENUM, 99); /* unknown: kept */
  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    _tilebox_pb_write_varint (dp, EK_R_ENUM, (guint64) (gint64) numbers[i]);
  append_ok (c, dp);

  g_byte_array_set_size (dp, 0);
  _tilebox_pb_write_varint (dp, EK_ENUM, (guint64) (gint64) -2);
  {
    const guint64 packed[] = { 5, (guint64) (gint64) -1 };
    put_packed_varints (dp, EK_R_ENUM, packed, 2);
  }
  append_ok (c, dp);

  g_assert_cmpint (get_i32 (level, 0), ==, 99);
  g_assert_null (_tilebox_desc_enum_value_name (level->enum_desc, get_i32 (level, 0)));
  g_assert_cmpint (get_i32 (level, 1), ==, -2);

  g_assert_cmpuint (row_elements (rlevel, 0, &s), ==, G_N_ELEMENTS (numbers));
  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    g_assert_cmpint (get_i32 (rlevel, s + i), ==, numbers[i]);
  g_assert_cmpstr (_tilebox_desc_enum_value_name (rlevel->enum_desc, get_i32 (rlevel, s)), ==,
                   "PROCESSING_LEVEL_L1C");
  g_assert_cmpstr (_tilebox_desc_enum_value_name (rlevel->enum_desc, get_i32 (rlevel, s + 3)), ==,
                   "PROCESSING_LEVEL_L0");
  g_assert_cmpuint (row_elements (rlevel, 1, &s), ==, 2);
  g_assert_cmpuint (s, ==, G_N_ELEMENTS (numbers));
  g_assert_cmpint (get_i32 (rlevel, s), ==, 5);
  g_assert_cmpint (get_i32 (rlevel, s + 1), ==, -1);
}

/* Every repeated numeric kind: packed, unpacked, both in one row, none. */
static void
test_repeated_numeric (void)
{
  static const struct {
    guint32 field;
    const char *name;
    guint wire; /* 0 varint, 1 fixed64, 5 fixed32 */
  } kinds[] = {
    { EK_R_DOUBLE, "rd", 1 }, { EK_R_FLOAT, "rf", 5 }, { EK_R_INT32, "ri32", 0 },
    { EK_R_INT64, "ri64", 0 }, { EK_R_UINT32, "ru32", 0 }, { EK_R_UINT64, "ru64", 0 },
    { EK_R_SINT32, "rs32", 0 }, { EK_R_SINT64, "rs64", 0 }, { EK_R_FIXED32, "rfx32", 5 },
    { EK_R_FIXED64, "rfx64", 1 }, { EK_R_SFIXED32, "rsf32", 5 }, { EK_R_SFIXED64, "rsf64", 1 },
    { EK_R_BOOL, "rb", 0 }, { EK_R_ENUM, "rlevel", 0 },
  };

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autoptr(TileboxColumns) c = every_kind_columns ();
      g_autoptr(GByteArray) dp = g_byte_array_new ();
      const TileboxColumn *column = col (c, kinds[k].name);
      /* raw wire values 1, 0, 1 ... interpreted by kind below */
      guint64 raw[4] = { 1, 2, 0, 1 };
      guint64 s;

      if (g_str_equal (kinds[k].name, "rb"))
        raw[1] = 1;

      for (guint layout = 0; layout < 4; layout++)
        {
          GByteArray *packed = g_byte_array_new ();

          g_byte_array_set_size (dp, 0);
          for (guint i = 0; i < 4; i++)
            {
              /* layout 0: packed; 1: unpacked; 2: both; 3: none */
              gboolean pack = layout == 0 || (layout == 2 && i % 2 == 0);

              if (layout == 3)
                break;
              if (pack)
                {
                  if (kinds[k].wire == 0)
                    _tilebox_pb_write_raw_varint (packed, raw[i]);
                  else if (kinds[k].wire == 1)
                    g_byte_array_append (packed, (const guint8 *) &raw[i], 8);
                  else
                    {
                      guint32 v = (guint32) raw[i];
                      g_byte_array_append (packed, (const guint8 *) &v, 4);
                    }
                }
              else if (kinds[k].wire == 0)
                {
                  _tilebox_pb_write_varint (dp, kinds[k].field, raw[i]);
                }
              else if (kinds[k].wire == 1)
                {
                  _tilebox_pb_write_fixed64 (dp, kinds[k].field, raw[i]);
                }
              else
                {
                  _tilebox_pb_write_fixed32 (dp, kinds[k].field, (guint32) raw[i]);
                }
            }
          if (packed->len > 0)
            _tilebox_pb_write_bytes (dp, kinds[k].field, packed->data, packed->len);
          g_byte_array_unref (packed);
          append_ok (c, dp);

          if (layout == 3)
            {
              g_assert_cmpuint (row_elements (column, layout, &s), ==, 0);
              g_assert_false (present (column, layout));
              continue;
            }

          g_assert_true (present (column, layout));
          g_assert_cmpuint (row_elements (column, layout, &s), ==, 4);
          g_assert_cmpuint (s, ==, (guint64) layout * 4);
          for (guint i = 0; i < 4; i++)
            {
              /* the order on the wire: unpacked first in layout 2 */
              guint j = layout == 2 ? (i < 2 ? 2 * i + 1 : 2 * (i - 2)) : i;
              guint64 expected = raw[j];
              guint64 got = 0;

              switch (column->kind)
                {
                case TILEBOX_COLUMN_DOUBLE:
                  {
                    double d = get_f64 (column, s + i);
                    memcpy (&got, &d, 8);
                  }
                  break;
                case TILEBOX_COLUMN_FLOAT:
                  {
                    float f = get_f32 (column, s + i);
                    guint32 u;
                    memcpy (&u, &f, 4);
                    got = u;
                  }
                  break;
                case TILEBOX_COLUMN_INT32:
                case TILEBOX_COLUMN_ENUM:
                  got = (guint64) (gint64) get_i32 (column, s + i);
                  if (column->field->type == TILEBOX_DESC_TYPE_SINT32)
                    expected = (guint64) _tilebox_pb_zigzag_decode (expected);
                  break;
                case TILEBOX_COLUMN_INT64:
                  got = (guint64) get_i64 (column, s + i);
                  if (column->field->type == TILEBOX_DESC_TYPE_SINT64)
                    expected = (guint64) _tilebox_pb_zigzag_decode (expected);
                  break;
                case TILEBOX_COLUMN_UINT32:
                  got = get_u32 (column, s + i);
                  break;
                case TILEBOX_COLUMN_UINT64:
                  got = get_u64 (column, s + i);
                  break;
                case TILEBOX_COLUMN_BOOL:
                  got = get_u8 (column, s + i);
                  expected = expected != 0;
                  break;
                default:
                  g_assert_not_reached ();
                }
              g_assert_cmpuint (got, ==, expected);
            }
        }
      g_assert_cmpuint (column->row_ends->len, ==, 4);
    }

  /* empty packed runs, first thing in new columns: an empty row */
  {
    g_autoptr(TileboxColumns) fresh = every_kind_columns ();
    g_autoptr(GByteArray) dp = g_byte_array_new ();
    guint64 s;

    _tilebox_pb_write_bytes (dp, EK_R_DOUBLE, NULL, 0);
    _tilebox_pb_write_bytes (dp, EK_R_INT32, NULL, 0);
    append_ok (fresh, dp);
    g_assert_false (present (col (fresh, "rd"), 0));
    g_assert_cmpuint (row_elements (col (fresh, "rd"), 0, &s), ==, 0);
    g_assert_cmpuint (row_elements (col (fresh, "ri32"), 0, &s), ==, 0);
  }
}

/* ZigZag and sign extension at the limits, and a bool sent as 2. */
static void
test_scalar_limits (void)
{
  g_autoptr(TileboxColumns) c = every_kind_columns ();
  g_autoptr(GByteArray) dp = g_byte_array_new ();

  _tilebox_pb_write_sint (dp, EK_SINT32, G_MAXINT32);
  _tilebox_pb_write_sint (dp, EK_SINT64, G_MAXINT64);
  _tilebox_pb_write_varint (dp, EK_INT32, (guint64) (gint64) G_MININT32);
  _tilebox_pb_write_varint (dp, EK_INT64, (guint64) G_MININT64);
  _tilebox_pb_write_varint (dp, EK_BOOL, 2);
  _tilebox_pb_write_varint (dp, EK_UINT32, G_GUINT64_CONSTANT (0x1ffffffff)); /* truncated to 32 bits */
  _tilebox_pb_write_float (dp, EK_FLOAT, G_MAXFLOAT);
  _tilebox_pb_write_double (dp, EK_DOUBLE, -G_MAXDOUBLE);
  append_ok (c, dp);

  g_assert_cmpint (get_i32 (col (c, "s32"), 0), ==, G_MAXINT32);
  g_assert_cmpint (get_i64 (col (c, "s64"), 0), ==, G_MAXINT64);
  g_assert_cmpint (get_i32 (col (c, "i32"), 0), ==, G_MININT32);
  g_assert_cmpint (get_i64 (col (c, "i64"), 0), ==, G_MININT64);
  g_assert_cmpuint (get_u8 (col (c, "b"), 0), ==, 1);
  g_assert_cmpuint (get_u32 (col (c, "u32"), 0), ==, G_MAXUINT32);
  g_assert_cmpfloat (get_f32 (col (c, "f"), 0), ==, G_MAXFLOAT);
  g_assert_cmpfloat (get_f64 (col (c, "d"), 0), ==, -G_MAXDOUBLE);

  /* padded varints are accepted, as by every protobuf parser */
  g_byte_array_set_size (dp, 0);
  g_byte_array_append (dp, (const guint8 *) "\x18\x85\x80\x00", 4); /* i32 = 5 */
  append_ok (c, dp);
  g_assert_cmpint (get_i32 (col (c, "i32"), 1), ==, 5);
}

static void
test_well_known_values (void)
{
  g_autoptr(TileboxColumns) c = every_kind_columns ();
  g_autoptr(GByteArray) dp = g_byte_array_new ();
  GByteArray *sub;

  /* before the epoch; the greatest and least timestamps that fit */
  put_seconds_nanos (dp, EK_TIME, -1, 500000000);
  put_seconds_nanos (dp, EK_DURATION, 3, 5);
  append_ok (c, dp);
  g_assert_cmpint (get_i64 (col (c, "time"), 0), ==, -500000000);
  g_assert_cmpint (get_i64 (col (c, "duration"), 0), ==, 3000000005);

  g_byte_array_set_size (dp, 0);
  put_seconds_nanos (dp, EK_TIME, G_MAXINT64 / 1000000000, (gint32) (G_MAXINT64 % 1000000000));
  put_seconds_nanos (dp, EK_DURATION, 0, -999999999);
  append_ok (c, dp);
  g_assert_cmpint (get_i64 (col (c, "time"), 1), ==, G_MAXINT64);
  g_assert_cmpint (get_i64 (col (c, "duration"), 1), ==, -999999999);

  g_byte_array_set_size (dp, 0);
  put_seconds_nanos (dp, EK_TIME, G_MININT64 / 1000000000 - 1, 1000000000 + (gint32) (G_MININT64 % 1000000000));
  append_ok (c, dp);
  g_assert_cmpint (get_i64 (col (c, "time"), 2), ==, G_MININT64);

  /* unknown fields inside well-known messages are skipped */
  g_byte_array_set_size (dp, 0);
  sub = g_byte_array_new ();
  _tilebox_pb_write_string (sub, 7, "ignored");
  _tilebox_pb_write_varint (sub, 1, 10);
  _tilebox_pb_write_fixed32 (sub, 9, 1);
  _tilebox_pb_write_tag (sub, 10, TILEBOX_PB_WIRE_SGROUP);
  _tilebox_pb_write_varint (sub, 1, 1);
  _tilebox_pb_write_tag (sub, 10, TILEBOX_PB_WIRE_EGROUP);
  put_sub (dp, EK_TIME, sub);
  sub = g_byte_array_new ();
  _tilebox_pb_write_fixed64 (sub, 2, 0);
  _tilebox_pb_write_bytes (sub, 1, uuid_b, 16);
  put_sub (dp, EK_UUID, sub);
  sub = g_byte_array_new ();
  _tilebox_pb_write_double (sub, 5, 9.0);
  _tilebox_pb_write_double (sub, 3, 3.0);
  put_sub (dp, EK_VEC3, sub);
  sub = g_byte_array_new ();
  _tilebox_pb_write_varint (sub, 2, 2);
  _tilebox_pb_write_bytes (sub, 1, wkb_point, sizeof wkb_point);
  put_sub (dp, EK_GEOMETRY, sub);
  append_ok (c, dp);
  g_assert_cmpint (get_i64 (col (c, "time"), 3), ==, 10000000000);
  g_assert_cmpmem (_tilebox_column_element (col (c, "id"), 3), 16, uuid_b, 16);
  {
    const double v[3] = { 0, 0, 3.0 };
    g_assert_cmpmem (_tilebox_column_element (col (c, "v3"), 3), 24, v, 24);
  }
  assert_bytes (col (c, "geometry"), 3, wkb_point, sizeof wkb_point);

  /* an empty Timestamp is the epoch, present; an absent one absent */
  g_byte_array_set_size (dp, 0);
  put_seconds_nanos (dp, EK_TIME, 0, 0);
  append_ok (c, dp);
  g_assert_true (present (col (c, "time"), 4));
  g_assert_cmpint (get_i64 (col (c, "time"), 4), ==, 0);
  g_assert_false (present (col (c, "duration"), 4));
}

/* The same field twice: the last scalar, string or bytes wins; messages
 * merge; repeated fields append. */
static void
test_last_wins (void)
{
  g_autoptr(TileboxColumns) c = every_kind_columns ();
  g_autoptr(GByteArray) dp = g_byte_array_new ();
  GByteArray *sub;

  _tilebox_pb_write_string (dp, EK_STRING, "first, longer");
  _tilebox_pb_write_varint (dp, EK_INT32, 1);
  put_seconds_nanos (dp, EK_TIME, 100, 0);
  put_uuid (dp, EK_UUID, uuid_a, 16);
  _tilebox_pb_write_string (dp, EK_R_STRING, "r1");
  sub = g_byte_array_new ();
  _tilebox_pb_write_bytes (sub, 1, wkb_point, sizeof wkb_point);
  put_sub (dp, EK_GEOMETRY, sub);
  put_doubles (dp, EK_VEC3, vec3_value, 3);
  sub = g_byte_array_new ();
  _tilebox_pb_write_varint (sub, 1, 1);
  put_sub (dp, EK_OTHER, sub);

  _tilebox_pb_write_string (dp, EK_STRING, "second");
  _tilebox_pb_write_varint (dp, EK_INT32, 2);
  put_seconds_nanos (dp, EK_TIME, 0, 7);           /* merges: 100 s + 7 ns */
  put_uuid (dp, EK_UUID, NULL, 0);                /* merges: no uuid field, keeps the first */
  _tilebox_pb_write_string (dp, EK_R_STRING, "r2");
  put_sub (dp, EK_GEOMETRY, g_byte_array_new ()); /* keeps the WKB */
  {
    GByteArray *v = g_byte_array_new ();
    _tilebox_pb_write_double (v, 2, 20.0);
    put_sub (dp, EK_VEC3, v);                     /* merges: y only */
  }
  sub = g_byte_array_new ();
  _tilebox_pb_write_varint (sub, 2, 2);
  put_sub (dp, EK_OTHER, sub);                    /* raw: concatenated */
  _tilebox_pb_write_string (dp, EK_BYTES, "b");
  append_ok (c, dp);

  /* and a second row after it, to see that the first one's data stays */
  g_byte_array_set_size (dp, 0);
  _tilebox_pb_write_string (dp, EK_STRING, "row 1");
  _tilebox_pb_write_string (dp, EK_STRING, "row 1 again");
  append_ok (c, dp);

  assert_str (col (c, "s"), 0, "second");
  assert_str (col (c, "s"), 1, "row 1 again");
  g_assert_cmpuint (col (c, "s")->data->len, ==, strlen ("second") + strlen ("row 1 again"));
  g_assert_cmpint (get_i32 (col (c, "i32"), 0), ==, 2);
  g_assert_cmpint (get_i64 (col (c, "time"), 0), ==, 100000000007);
  g_assert_cmpmem (_tilebox_column_element (col (c, "id"), 0), 16, uuid_a, 16);
  assert_str (col (c, "rs"), 0, "r1");
  assert_str (col (c, "rs"), 1, "r2");
  assert_bytes (col (c, "geometry"), 0, wkb_point, sizeof wkb_point);
  {
    const double v[3] = { 1.0, 20.0, 3.5 };
    g_assert_cmpmem (_tilebox_column_element (col (c, "v3"), 0), 24, v, 24);
  }
  assert_bytes (col (c, "other"), 0, (const guint8 *) "\x08\x01\x10\x02", 4);
  g_assert_false (present (col (c, "by"), 1));
  assert_bytes (col (c, "by"), 0, (const guint8 *) "b", 1);
}

/* Other message types are kept raw, unparsed; unknown fields are skipped
 * whatever their wire type. */
static void
test_nested_and_unknown (void)
{
  g_autoptr(TileboxColumns) c = every_kind_columns ();
  g_autoptr(GByteArray) dp = g_byte_array_new ();
  GByteArray *inner = g_byte_array_new ();
  GByteArray *sub = g_byte_array_new ();
  g_autoptr(GBytes) expected = NULL;

  _tilebox_pb_write_string (inner, 1, "deep");
  _tilebox_pb_write_double (sub, 3, 1.0);
  _tilebox_pb_write_message (sub, 4, inner);
  g_byte_array_unref (inner);
  expected = g_bytes_new (sub->data, sub->len);
  put_sub (dp, EK_OTHER, sub);

  _tilebox_pb_write_varint (dp, 1000, 5);
  _tilebox_pb_write_fixed64 (dp, 1001, 5);
  _tilebox_pb_write_fixed32 (dp, 1002, 5);
  _tilebox_pb_write_string (dp, 1003, "\377 not UTF-8, not checked");
  _tilebox_pb_write_tag (dp, 60, TILEBOX_PB_WIRE_SGROUP);
  _tilebox_pb_write_string (dp, 1, "in a group");
  _tilebox_pb_write_tag (dp, 60, TILEBOX_PB_WIRE_EGROUP);
  _tilebox_pb_write_double (dp, EK_DOUBLE, 2.5);
  append_ok (c, dp);

  assert_bytes (col (c, "other"), 0, g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));
  /* field 1 inside the skipped group was not taken for d */
  g_assert_cmpfloat (get_f64 (col (c, "d"), 0), ==, 2.5);

  /* a raw message that is not even a valid message: kept as it is */
  g_byte_array_set_size (dp, 0);
  _tilebox_pb_write_bytes (dp, EK_OTHER, (const guint8 *) "\xff\xff", 2);
  append_ok (c, dp);
  assert_bytes (col (c, "other"), 1, (const guint8 *) "\xff\xff", 2);
}

/* --- tests: malformed input --------------------------------------------------- */

static void
test_malformed_cases (void)
{
  g_autoptr(TileboxColumns) c = every_kind_columns ();
  g_autoptr(GByteArray) valid = encode_every_kind ();
  g_autoptr(GByteArray) dp = g_byte_array_new ();
  GByteArray *sub;

  /* some rows first, so that rollback has something to keep */
  append_ok (c, valid);
  {
    g_autoptr(GByteArray) empty = g_byte_array_new ();
    append_ok (c, empty);
  }

#define RESET() g_byte_array_set_size (dp, 0); \
                _tilebox_pb_write_string (dp, EK_STRING, "before the error"); \
                _tilebox_pb_write_string (dp, EK_R_STRING, "before the error"); \
                _tilebox_pb_write_varint (dp, EK_R_INT32, 1)

  /* wrong wire types */
  RESET ();
  _tilebox_pb_write_varint (dp, EK_DOUBLE, 1);
  append_fails (c, dp, "Malformed datapoint: field d (1): wire type 0");
  RESET ();
  _tilebox_pb_write_fixed32 (dp, EK_INT64, 1);
  append_fails (c, dp, "field i64 (4)");
  RESET ();
  _tilebox_pb_write_varint (dp, EK_STRING, 1);
  append_fails (c, dp, "field s (14)");
  RESET ();
  _tilebox_pb_write_varint (dp, EK_TIME, 1);
  append_fails (c, dp, "field time (17)");
  RESET ();
  _tilebox_pb_write_fixed64 (dp, EK_R_STRING, 1);
  append_fails (c, dp, "field rs (40)");
  RESET ();
  _tilebox_pb_write_string (dp, EK_DOUBLE, "12345678"); /* not repeated: never packed */
  append_fails (c, dp, "field d (1)");
  RESET ();
  _tilebox_pb_write_fixed64 (dp, EK_R_FLOAT, 1);
  append_fails (c, dp, "field rf (28)");
  RESET ();
  _tilebox_pb_write_tag (dp, EK_R_INT32, TILEBOX_PB_WIRE_SGROUP);
  _tilebox_pb_write_tag (dp, EK_R_INT32, TILEBOX_PB_WIRE_EGROUP);
  append_fails (c, dp, "field ri32 (29)");
  RESET ();
  _tilebox_pb_write_tag (dp, EK_INT32, TILEBOX_PB_WIRE_EGROUP);
  append_fails (c, dp, "field i32 (3)");
  /* inside well-known messages */
  RESET ();
  sub = g_byte_array_new ();
  _tilebox_pb_write_fixed64 (sub, 1, 1);
  put_sub (dp, EK_TIME, sub);
  append_fails (c, dp, "field time (17): seconds");
  RESET ();
  sub = g_byte_array_new ();
  _tilebox_pb_write_varint (sub, 1, 1);
  put_sub (dp, EK_UUID, sub);
  append_fails (c, dp, "field id (19): uuid");
  RESET ();
  sub = g_byte_array_new ();
  _tilebox_pb_write_float (sub, 2, 1);
  put_sub (dp, EK_LATLON, sub);
  append_fails (c, dp, "field ll (24): longitude");
  RESET ();
  sub = g_byte_array_new ();
  _tilebox_pb_write_varint (sub, 1, 1);
  put_sub (dp, EK_GEOMETRY, sub);
  append_fails (c, dp, "field geometry (21): wkb");
  RESET ();
  sub = g_byte_array_new ();
  _tilebox_pb_write_tag (sub, 3, TILEBOX_PB_WIRE_EGROUP);
  put_sub (dp, EK_R_TIME, sub);
  append_fails (c, dp, "field rtime (43)");
  RESET ();
  sub = g_byte_array_new ();
  g_byte_array_append (sub, (const guint8 *) "\x1a\x05", 2); /* length past the end */
  put_sub (dp, EK_DURATION, sub);
  append_fails (c, dp, "field duration (18)");

  /* UTF-8 */
  RESET ();
  _tilebox_pb_write_bytes (dp, EK_STRING, (const guint8 *) "ok\377", 3);
  append_fails (c, dp, "field s (14): string is not valid UTF-8");
  RESET ();
  _tilebox_pb_write_bytes (dp, EK_R_STRING, (const guint8 *) "\300\200", 2); /* overlong NUL */
  append_fails (c, dp, "field rs (40)");
  RESET ();
  _tilebox_pb_write_bytes (dp, EK_STRING, (const guint8 *) "\355\240\200", 3); /* surrogate */
  append_fails (c, dp, "field s (14)");
  RESET ();
  _tilebox_pb_write_bytes (dp, EK_STRING, (const guint8 *) "a long ASCII string with\0 a NUL", 31);
  append_fails (c, dp, "field s (14)");

  /* UUIDs */
  RESET ();
  put_uuid (dp, EK_UUID, uuid_a, 15);
  append_fails (c, dp, "field id (19): UUID of 15 bytes");
  RESET ();
  {
    guint8 long_uuid[17] = { 0 };
    put_uuid (dp, EK_ID, long_uuid, 17);
  }
  append_fails (c, dp, "field tid (20)");
  RESET ();
  put_uuid (dp, EK_R_UUID, uuid_a, 1);
  append_fails (c, dp, "field rid (44)");

  /* timestamps and durations */
  RESET ();
  put_seconds_nanos (dp, EK_TIME, 1, -1);
  append_fails (c, dp, "field time (17): nanos -1");
  RESET ();
  put_seconds_nanos (dp, EK_TIME, 1, 1000000000);
  append_fails (c, dp, "field time (17): nanos 1000000000");
  RESET ();
  put_seconds_nanos (dp, EK_R_TIME, G_MAXINT64 / 1000000000 + 1, 0);
  append_fails (c, dp, "field rtime (43)");
  RESET ();
  put_seconds_nanos (dp, EK_TIME, G_MAXINT64 / 1000000000, 999999999);
  append_fails (c, dp, "field time (17)");
  RESET ();
  put_seconds_nanos (dp, EK_TIME, G_MININT64, 0);
  append_fails (c, dp, "field time (17)");
  RESET ();
  put_seconds_nanos (dp, EK_DURATION, 1, -1);
  append_fails (c, dp, "field duration (18): nanos -1");
  RESET ();
  put_seconds_nanos (dp, EK_DURATION, -1, 1);
  append_fails (c, dp, "field duration (18)");
  RESET ();
  put_seconds_nanos (dp, EK_DURATION, 0, -1000000000);
  append_fails (c, dp, "field duration (18)");
  RESET ();
  put_seconds_nanos (dp, EK_TIME, 5, 0);
  put_seconds_nanos (dp, EK_TIME, 0, -5); /* merged: 5 s and -5 ns */
  append_fails (c, dp, "field time (17)");

  /* packed runs */
  RESET ();
  _tilebox_pb_write_bytes (dp, EK_R_DOUBLE, (const guint8 *) "1234567", 7);
  append_fails (c, dp, "field rd (27): packed length 7");
  RESET ();
  _tilebox_pb_write_bytes (dp, EK_R_SFIXED32, (const guint8 *) "12345", 5);
  append_fails (c, dp, "field rsf32 (37)");
  RESET ();
  _tilebox_pb_write_bytes (dp, EK_R_INT64, (const guint8 *) "\x01\x80", 2); /* truncated varint */
  append_fails (c, dp, "field ri64 (30)");
  RESET ();
  _tilebox_pb_write_bytes (dp, EK_R_UINT64, (const guint8 *) "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02", 10);
  append_fails (c, dp, "field ru64 (32)");

  /* tags and lengths at the top level */
  RESET ();
  g_byte_array_append (dp, (const guint8 *) "\x00", 1); /* field 0 */
  append_fails (c, dp, "Malformed datapoint");
  RESET ();
  g_byte_array_append (dp, (const guint8 *) "\x0c", 1); /* end group 1 */
  append_fails (c, dp, "Malformed datapoint");
  RESET ();
  g_byte_array_append (dp, (const guint8 *) "\xfe\x03\x00", 3); /* unknown field 63, wire type 6 */
  append_fails (c, dp, "Malformed datapoint");
  RESET ();
  g_byte_array_append (dp, (const guint8 *) "\xf8\xff\xff\xff\x7f", 5); /* field 2^31-1 */
  append_fails (c, dp, "Malformed datapoint");
  RESET ();
  g_byte_array_append (dp, (const guint8 *) "\x72\x05" "abc", 5); /* s: length past the end */
  append_fails (c, dp, "field s (14)");
  RESET ();
  g_byte_array_append (dp, (const guint8 *) "\x72\xff\xff\xff\xff\xff\xff\xff\xff\x01", 10); /* huge length */
  append_fails (c, dp, "field s (14)");
  RESET ();
  g_byte_array_append (dp, (const guint8 *) "\xa2\x06\x02\x01", 4); /* unknown 100: past the end */
  append_fails (c, dp, "unknown field 100");
  RESET ();
  _tilebox_pb_write_tag (dp, 100, TILEBOX_PB_WIRE_SGROUP); /* unterminated group */
  append_fails (c, dp, "unknown field 100");
  RESET ();
  g_byte_array_append (dp, (const guint8 *) "\x09\x01\x02", 3); /* d: truncated fixed64 */
  append_fails (c, dp, "field d (1)");
  RESET ();
  g_byte_array_append (dp, (const guint8 *) "\x18\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f", 11); /* varint too long */
  append_fails (c, dp, "field i32 (3)");

  /* the rows before are intact, and the columns still work */
  check_every_kind (c, 0);
  g_assert_cmpuint (c->n_rows, ==, 2);
  append_ok (c, valid);
  check_every_kind (c, 2);
  g_assert_cmpuint (c->wire_bytes, ==, 2 * valid->len);
#undef RESET
}

/* Every prefix of a valid datapoint, and every byte of it changed: each
 * either decodes or fails and leaves the columns as they were. */
static void
test_malformed_truncations (void)
{
  g_autoptr(TileboxColumns) c = every_kind_columns ();
  g_autoptr(GByteArray) valid = encode_every_kind ();
  guint failures = 0, successes = 0;

  append_ok (c, valid);

  for (gsize len = 0; len < valid->len; len++)
    {
      g_autoptr(GBytes) before = snapshot (c);
      g_autoptr(GError) error = NULL;
      guint rows = c->n_rows;

      if (_tilebox_columns_append (c, valid->data, len, &error))
        {
          g_assert_no_error (error);
          g_assert_cmpuint (c->n_rows, ==, rows + 1);
          successes++;
        }
      else
        {
          g_autoptr(GBytes) after = snapshot (c);

          g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
          g_assert_true (g_str_has_prefix (error->message, "Malformed datapoint"));
          g_assert_true (g_bytes_equal (before, after));
          failures++;
        }
    }
  g_assert_cmpuint (failures, >, valid->len / 2);
  g_assert_cmpuint (successes, >, 0);

  for (gsize i = 0; i < valid->len; i++)
    {
      static const guint8 changes[] = { 0x01, 0x07, 0x80, 0xff };

      for (guint k = 0; k < G_N_ELEMENTS (changes); k++)
        {
          g_autoptr(GByteArray) changed = g_byte_array_new ();
          g_autoptr(GBytes) before = snapshot (c);
          g_autoptr(GError) error = NULL;
          guint rows = c->n_rows;

          g_byte_array_append (changed, valid->data, valid->len);
          changed->data[i] ^= changes[k];
          if (_tilebox_columns_append (c, changed->data, changed->len, &error))
            {
              g_assert_cmpuint (c->n_rows, ==, rows + 1);
            }
          else
            {
              g_autoptr(GBytes) after = snapshot (c);

              g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
              g_assert_true (g_bytes_equal (before, after));
            }
        }
    }

  append_ok (c, valid);
  check_every_kind (c, 0);
  check_every_kind (c, c->n_rows - 1);
}

/* --- tests: merging ------------------------------------------------------------ */

static GPtrArray *
some_datapoints (void)
{
  GPtrArray *dps = g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref);
  GByteArray *dp;

  g_ptr_array_add (dps, encode_every_kind ());
  g_ptr_array_add (dps, g_byte_array_new ());
  dp = g_byte_array_new ();
  _tilebox_pb_write_string (dp, EK_STRING, "third");
  _tilebox_pb_write_string (dp, EK_R_STRING, "x");
  _tilebox_pb_write_varint (dp, EK_R_INT32, 3);
  put_uuid (dp, EK_UUID, uuid_b, 16);
  g_ptr_array_add (dps, dp);
  g_ptr_array_add (dps, encode_every_kind ());
  dp = g_byte_array_new ();
  _tilebox_pb_write_bytes (dp, EK_R_BYTES, (const guint8 *) "zz", 2);
  g_ptr_array_add (dps, dp);
  return dps;
}

static void
test_append_columns (void)
{
  g_autoptr(GPtrArray) dps = some_datapoints ();
  g_autoptr(TileboxColumns) all = every_kind_columns ();
  g_autoptr(TileboxColumns) twice = every_kind_columns ();
  g_autoptr(GBytes) expected = NULL;
  g_autoptr(GBytes) got = NULL;

  for (guint i = 0; i < dps->len; i++)
    append_ok (all, g_ptr_array_index (dps, i));

  /* every split point, the empty ends included */
  for (guint split = 0; split <= dps->len; split++)
    {
      g_autoptr(TileboxColumns) a = every_kind_columns ();
      g_autoptr(TileboxColumns) b = every_kind_columns ();
      g_autoptr(GBytes) merged = NULL;

      for (guint i = 0; i < dps->len; i++)
        append_ok (i < split ? a : b, g_ptr_array_index (dps, i));
      _tilebox_columns_append_columns (a, b);
      g_assert_cmpuint (a->n_rows, ==, dps->len);
      merged = snapshot (a);
      expected = snapshot (all);
      g_assert_true (g_bytes_equal (merged, expected));
      g_clear_pointer (&expected, g_bytes_unref);
      check_every_kind (a, 0);
      check_every_kind (a, 3);
      assert_str (col (a, "s"), 2, "third");
    }

  /* with itself */
  for (guint k = 0; k < 2; k++)
    for (guint i = 0; i < dps->len; i++)
      append_ok (twice, g_ptr_array_index (dps, i));
  _tilebox_columns_append_columns (all, all);
  expected = snapshot (twice);
  got = snapshot (all);
  g_assert_true (g_bytes_equal (got, expected));
  check_every_kind (all, 8);
}

/* Freed columns leave their big arrays for the next ones to take (see
 * "spare arrays" in tilebox-columns.c): what the next columns hold must not
 * depend on it, with or without a reserve, after a failed row, and with
 * several columns at once. The expected rows are built by
 * _tilebox_columns_append_columns, which does not take spare arrays. */
static void
test_spare_arrays (void)
{
  const guint doublings = 12;
  g_autoptr(GPtrArray) dps = some_datapoints ();
  g_autoptr(GByteArray) bad = encode_every_kind ();
  g_autoptr(GBytes) expected = NULL;
  guint n;

  {
    g_autoptr(TileboxColumns) all = every_kind_columns ();

    for (guint i = 0; i < dps->len; i++)
      append_ok (all, g_ptr_array_index (dps, i));
    for (guint k = 0; k < doublings; k++)
      _tilebox_columns_append_columns (all, all);
    n = all->n_rows;
    expected = snapshot (all);
  }
  g_byte_array_set_size (bad, bad->len - 1);

  for (guint round = 0; round < 4; round++)
    {
      g_autoptr(TileboxColumns) a = every_kind_columns ();
      g_autoptr(TileboxColumns) b = every_kind_columns ();
      g_autoptr(GBytes) got_a = NULL;
      g_autoptr(GBytes) got_b = NULL;

      g_test_message ("round %u", round);
      if (round % 2 == 0)
        _tilebox_columns_reserve (a, n);
      for (guint i = 0; i < n; i++)
        {
          append_ok (a, g_ptr_array_index (dps, i % dps->len));
          if (round >= 2)
            append_ok (b, g_ptr_array_index (dps, i % dps->len));
          if (i == n / 2 + round)
            append_fails (a, bad, NULL);
        }
      got_a = snapshot (a);
      g_assert_true (g_bytes_equal (got_a, expected));
      check_every_kind (a, 0);
      check_every_kind (a, n - 2);
      assert_str (col (a, "s"), n - 3, "third");
      if (round >= 2)
        {
          got_b = snapshot (b);
          g_assert_true (g_bytes_equal (got_b, expected));
        }
    }
}

/* --- tests: the recorded responses of the real service ------------------------ */

typedef struct {
  TileboxPbDataset dataset;
  TileboxColumns *columns;
} Recorded;

static void
recorded_clear (Recorded *r)
{
  _tilebox_pb_dataset_clear (&r->dataset);
  g_clear_pointer (&r->columns, _tilebox_columns_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Recorded, recorded_clear)

/* The columns of the dataset of `calls` (call 0 is its GetDataset). */
static TileboxColumns *
recorded_columns (GPtrArray        *calls,
                  TileboxPbDataset *dataset)
{
  GBytes *body = g_ptr_array_index (calls, 0);
  g_autoptr(TileboxDescPool) pool = _tilebox_desc_pool_new ();
  g_autoptr(GError) error = NULL;
  TileboxColumns *columns;

  g_assert_true (_tilebox_pb_dataset_decode (dataset, g_bytes_get_data (body, NULL),
                                             g_bytes_get_size (body), &error));
  g_assert_no_error (error);
  g_assert_true (dataset->has_type);
  g_assert_true (_tilebox_columns_add_well_known_types (pool, &error));
  g_assert_no_error (error);
  g_assert_true (_tilebox_desc_pool_add_file_set (pool,
                                                  g_bytes_get_data (dataset->type.descriptor_set, NULL),
                                                  g_bytes_get_size (dataset->type.descriptor_set),
                                                  &error));
  g_assert_no_error (error);
  columns = _tilebox_columns_new (pool, dataset->type.type_url, &error);
  g_assert_no_error (error);
  return columns;
}

static void
decode_page (TileboxColumns *columns,
             GBytes         *body,
             guint           expected_rows)
{
  g_auto(TileboxPbQueryResultPage) page = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_true (_tilebox_pb_query_result_page_decode (&page, g_bytes_get_data (body, NULL),
                                                      g_bytes_get_size (body), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (page.values->len, ==, expected_rows);
  for (guint i = 0; i < page.values->len; i++)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (g_ptr_array_index (page.values, i), &len);

      if (!_tilebox_columns_append (columns, data, len, &error))
        g_error ("datapoint %u: %s", i, error->message);
    }
  g_assert_cmpuint (columns->n_rows, ==, expected_rows);
}

static void
assert_uuid_string (const TileboxColumn *column,
                    guint                row,
                    const char          *expected)
{
  const guint8 *u = _tilebox_column_element (column, row);
  g_autofree char *s = g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                                        u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7],
                                        u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);

  g_assert_cmpstr (s, ==, expected);
}

static gint64
iso_ns (const char *iso)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (iso, NULL);

  g_assert_nonnull (dt);
  return _tilebox_date_time_to_unix_usec (dt) * 1000;
}

static const char *
enum_name (const TileboxColumn *column,
           guint                row)
{
  g_assert_nonnull (column->enum_desc);
  return _tilebox_desc_enum_value_name (column->enum_desc, get_i32 (column, row));
}

static void
test_recorded_query (void)
{
  g_autoptr(GPtrArray) calls = tilebox_test_load_recording ("query.rpcs.bin", TILEBOX_TEST_RECORDING_GUNZIP);
  g_auto(Recorded) r = { 0 };
  const TileboxColumns *c;
  const TileboxColumn *time, *id, *level, *flight, *mode;
  guint last;

  if (calls == NULL)
    return;
  g_assert_cmpuint (calls->len, ==, 3);

  r.columns = recorded_columns (calls, &r.dataset);
  c = r.columns;
  g_assert_cmpuint (c->columns->len, ==, 24);
  decode_page (r.columns, g_ptr_array_index (calls, 1), 1459);
  g_assert_cmpuint (c->wire_bytes, >, 1200000);
  last = c->n_rows - 1;

  time = col (c, "time");
  id = col (c, "id");
  level = col (c, "processing_level");
  flight = col (c, "flight_direction");
  mode = col (c, "acquisition_mode");
  g_assert_cmpint (time->kind, ==, TILEBOX_COLUMN_TIMESTAMP);
  g_assert_cmpint (id->kind, ==, TILEBOX_COLUMN_UUID);
  g_assert_cmpint (col (c, "geometry")->kind, ==, TILEBOX_COLUMN_GEOMETRY);
  g_assert_cmpint (col (c, "centroid")->kind, ==, TILEBOX_COLUMN_GEOMETRY);
  g_assert_cmpint (col (c, "copernicus_id")->kind, ==, TILEBOX_COLUMN_UUID);
  g_assert_cmpint (col (c, "cloud_cover")->kind, ==, TILEBOX_COLUMN_DOUBLE);
  g_assert_cmpint (col (c, "orbit_number")->kind, ==, TILEBOX_COLUMN_INT64);
  g_assert_cmpint (level->kind, ==, TILEBOX_COLUMN_ENUM);

  /* the first datapoint */
  assert_uuid_string (id, 0, "01941f29-c650-202f-6495-c71dd2118fb1");
  g_assert_cmpint (get_i64 (time, 0), ==, iso_ns ("2025-01-01T00:00:19.024Z"));
  g_assert_cmpint (get_i64 (time, 0), ==, G_GINT64_CONSTANT (1735689619024000000));
  g_assert_cmpint (get_i64 (col (c, "ingestion_time"), 0), ==, G_GINT64_CONSTANT (1745673865139062430));
  assert_str (col (c, "granule_name"), 0, "S2B_MSIL1C_20250101T000019_N0511_R073_T57QWV_20250101T010340.SAFE");
  assert_str (col (c, "product_type"), 0, "S2MSI1C");
  assert_str (col (c, "platform"), 0, "S2B");
  assert_str (col (c, "mission_take_id"), 0, "GS2B_20250101T000019_040854_N05.11");
  assert_uuid_string (col (c, "copernicus_id"), 0, "c8b89388-2b0f-456d-9979-22717e812ca3");
  g_assert_cmpfloat (get_f64 (col (c, "cloud_cover"), 0), ==, 6.789303950551);
  g_assert_cmpfloat (get_f64 (col (c, "processing_baseline"), 0), ==, 5.11);
  g_assert_cmpint (get_i64 (col (c, "orbit_number"), 0), ==, 40854);
  g_assert_cmpint (get_i64 (col (c, "relative_orbit_number"), 0), ==, 73);
  g_assert_cmpint (get_i64 (col (c, "file_size"), 0), ==, 670492469);
  /* explicit zeros are present */
  g_assert_true (present (col (c, "resolution"), 0));
  g_assert_cmpint (get_i64 (col (c, "resolution"), 0), ==, 0);
  g_assert_true (present (flight, 0));
  g_assert_cmpstr (enum_name (level, 0), ==, "PROCESSING_LEVEL_L1C");
  g_assert_cmpstr (enum_name (flight, 0), ==, "FLIGHT_DIRECTION_UNSPECIFIED");
  g_assert_cmpstr (enum_name (mode, 0), ==, "ACQUISITION_MODE_VIC");
  {
    gsize len;
    const guint8 *wkb = _tilebox_column_bytes (col (c, "geometry"), 0, &len);

    /* EWKB polygon with SRID 4326, as sent */
    g_assert_cmpuint (len, ==, 97);
    g_assert_cmpmem (wkb, 9, "\x01\x03\x00\x00\x20\xe6\x10\x00\x00", 9);
    wkb = _tilebox_column_bytes (col (c, "centroid"), 0, &len);
    g_assert_cmpuint (len, ==, 21);
    g_assert_cmpmem (wkb, 5, "\x01\x01\x00\x00\x00", 5);
  }

  /* the last one */
  assert_uuid_string (id, last, "01941f5d-d670-ab58-966a-1f54c0479887");
  g_assert_cmpint (get_i64 (time, last), ==, iso_ns ("2025-01-01T00:57:11.024Z"));
  g_assert_cmpstr (enum_name (level, last), ==, "PROCESSING_LEVEL_L2A");
  g_assert_cmpstr (enum_name (mode, last), ==, "ACQUISITION_MODE_NOBS");
  g_assert_cmpfloat (get_f64 (col (c, "cloud_cover"), last), ==, 57.556689);

  /* all rows: every field present (the service sends them all), every
   * enum value known, times in the hour queried */
  for (guint row = 0; row < c->n_rows; row++)
    {
      for (guint i = 0; i < c->columns->len; i++)
        g_assert_true (present (g_ptr_array_index (c->columns, i), row));
      g_assert_nonnull (enum_name (level, row));
      g_assert_nonnull (enum_name (flight, row));
      g_assert_nonnull (enum_name (mode, row));
      g_assert_cmpint (get_i64 (time, row), >=, iso_ns ("2025-01-01T00:00:00Z"));
      g_assert_cmpint (get_i64 (time, row), <, iso_ns ("2025-01-01T01:00:00Z"));
    }

  /* skip_data: only time, id and ingestion_time (cut to milliseconds) */
  {
    g_autoptr(TileboxColumns) skipped = _tilebox_columns_new (c->pool, c->message->full_name, NULL);

    decode_page (skipped, g_ptr_array_index (calls, 2), 1459);
    for (guint i = 0; i < skipped->columns->len; i++)
      {
        const TileboxColumn *column = g_ptr_array_index (skipped->columns, i);
        gboolean expected = g_str_equal (column->field->name, "time") ||
                            g_str_equal (column->field->name, "id") ||
                            g_str_equal (column->field->name, "ingestion_time");

        for (guint row = 0; row < skipped->n_rows; row++)
          g_assert_cmpint (present (column, row), ==, expected);
      }
    for (guint row = 0; row < skipped->n_rows; row++)
      {
        g_assert_cmpint (get_i64 (col (skipped, "time"), row), ==, get_i64 (time, row));
        g_assert_cmpmem (_tilebox_column_element (col (skipped, "id"), row), 16,
                         _tilebox_column_element (id, row), 16);
        g_assert_cmpint (get_i64 (col (skipped, "ingestion_time"), row) % 1000000, ==, 0);
      }
    assert_uuid_string (col (skipped, "id"), 1458, "01941f5d-d670-ab58-966a-1f54c0479887");
  }
}

static void
test_recorded_query_collections (void)
{
  g_autoptr(GPtrArray) calls = tilebox_test_load_recording ("query_collections.rpcs.bin",
                                                            TILEBOX_TEST_RECORDING_GUNZIP);
  g_auto(Recorded) r = { 0 };
  const TileboxColumns *c;

  if (calls == NULL)
    return;
  g_assert_cmpuint (calls->len, ==, 4);

  r.columns = recorded_columns (calls, &r.dataset);
  c = r.columns;
  decode_page (r.columns, g_ptr_array_index (calls, 2), 437);
  assert_uuid_string (col (c, "id"), 436, "01941f46-c430-83f1-f923-35e28c2ca0ed");
  for (guint row = 0; row < c->n_rows; row++)
    {
      /* one collection: S2B, level 1C */
      assert_str (col (c, "platform"), row, "S2B");
      g_assert_cmpstr (enum_name (col (c, "processing_level"), row), ==, "PROCESSING_LEVEL_L1C");
    }

  {
    g_autoptr(TileboxColumns) skipped = _tilebox_columns_new (c->pool, c->message->full_name, NULL);

    decode_page (skipped, g_ptr_array_index (calls, 3), 437);
    g_assert_false (present (col (skipped, "platform"), 0));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/columns/kinds", test_kinds);
  g_test_add_func ("/columns/unknown-type", test_unknown_type);
  g_test_add_func ("/columns/ref", test_ref);
  g_test_add_func ("/columns/well-known/pool", test_well_known_pool);
  g_test_add_func ("/columns/well-known/values", test_well_known_values);
  g_test_add_func ("/columns/every-kind", test_every_kind);
  g_test_add_func ("/columns/scalar-limits", test_scalar_limits);
  g_test_add_func ("/columns/enums", test_enums);
  g_test_add_func ("/columns/repeated/numeric", test_repeated_numeric);
  g_test_add_func ("/columns/presence/explicit", test_presence_explicit);
  g_test_add_func ("/columns/presence/implicit", test_presence_implicit);
  g_test_add_func ("/columns/last-wins", test_last_wins);
  g_test_add_func ("/columns/nested-and-unknown", test_nested_and_unknown);
  g_test_add_func ("/columns/malformed/cases", test_malformed_cases);
  g_test_add_func ("/columns/malformed/truncations", test_malformed_truncations);
  g_test_add_func ("/columns/append-columns", test_append_columns);
  g_test_add_func ("/columns/spare-arrays", test_spare_arrays);
  g_test_add_func ("/columns/recorded/query", test_recorded_query);
  g_test_add_func ("/columns/recorded/query-collections", test_recorded_query_collections);

  return g_test_run ();
}
