/* test-encoder.c: the schema-driven datapoint encoder
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "tilebox-columns-private.h"
#include "tilebox-datapoints-private.h"
#include "tilebox-descriptor-private.h"
#include "tilebox-encoder-private.h"
#include "tilebox-error.h"
#include "tilebox-pb-private.h"
#include "tilebox-schema-private.h"
#include "test-columns-schema.h"

/* --- helpers -------------------------------------------------------------- */

static const guint8 uuid_a[16] = {
  0x01, 0x94, 0x1f, 0x29, 0xc6, 0x50, 0x20, 0x2f, 0x64, 0x95, 0xc7, 0x1d, 0xd2, 0x11, 0x8f, 0xb1
};
static const guint8 uuid_b[16] = {
  0xc8, 0xb8, 0x93, 0x88, 0x2b, 0x0f, 0x45, 0x6d, 0x99, 0x79, 0x22, 0x71, 0x7e, 0x81, 0x2c, 0xa3
};
static const guint8 nil_uuid[16] = { 0 };
/* EWKB POINT(13.4 52.5) with SRID 4326, as the service sends it */
static const guint8 ewkb_point[] = {
  0x01, 0x01, 0x00, 0x00, 0x20, 0xe6, 0x10, 0x00, 0x00,
  0xcd, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0x2a, 0x40,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x4a, 0x40
};
/* the same as plain little-endian WKB: what the encoder writes */
static const guint8 wkb_point[] = {
  0x01, 0x01, 0x00, 0x00, 0x00,
  0xcd, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0x2a, 0x40,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x4a, 0x40
};
/* POINT(1 2) */
static const guint8 wkb_point_1_2[] = {
  0x01, 0x01, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x3f,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40
};
/* LINESTRING(0 0, 1 1) */
static const guint8 wkb_line[] = {
  0x01, 0x02, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x3f,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x3f
};

static TileboxEncoder *
new_encoder (TileboxDescPool *pool,
             const char      *type)
{
  g_autoptr(GError) error = NULL;
  TileboxEncoder *encoder = _tilebox_encoder_new (pool, type, &error);

  g_assert_no_error (error);
  g_assert_nonnull (encoder);
  return encoder;
}

static TileboxEncoder *
every_kind_encoder (void)
{
  g_autoptr(TileboxDescPool) pool = every_kind_pool ();

  return new_encoder (pool, EVERY_KIND_MESSAGE);
}

static JsonNode *
json (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static GVariant *
records_variant (const char *text)
{
  g_autoptr(GError) error = NULL;
  GVariant *v = g_variant_parse (G_VARIANT_TYPE ("aa{sv}"), text, NULL, NULL, &error);

  g_assert_no_error (error);
  return g_variant_ref_sink (v);
}

static GPtrArray *
encode_json (TileboxEncoder *encoder,
             const char     *text)
{
  g_autoptr(JsonNode) node = json (text);
  g_autoptr(GError) error = NULL;
  GPtrArray *out = _tilebox_encoder_encode_json (encoder, node, &error);

  g_assert_no_error (error);
  g_assert_nonnull (out);
  return out;
}

static GPtrArray *
encode_variant (TileboxEncoder *encoder,
                const char     *text)
{
  g_autoptr(GVariant) records = records_variant (text);
  g_autoptr(GError) error = NULL;
  GPtrArray *out = _tilebox_encoder_encode_variant (encoder, records, &error);

  g_assert_no_error (error);
  g_assert_nonnull (out);
  return out;
}

/* The one datapoint a one-record JSON array encodes to. */
static GBytes *
encode_one (TileboxEncoder *encoder,
            const char     *record)
{
  g_autofree char *text = g_strdup_printf ("[%s]", record);
  g_autoptr(GPtrArray) out = encode_json (encoder, text);

  g_assert_cmpuint (out->len, ==, 1);
  return g_bytes_ref (g_ptr_array_index (out, 0));
}

static GBytes *
encode_one_variant (TileboxEncoder *encoder,
                    const char     *record)
{
  g_autofree char *text = g_strdup_printf ("[%s]", record);
  g_autoptr(GPtrArray) out = encode_variant (encoder, text);

  g_assert_cmpuint (out->len, ==, 1);
  return g_bytes_ref (g_ptr_array_index (out, 0));
}

/* Checks an error: INVALID_ARGUMENT with exactly `message`, or containing
 * `message` when it starts with "…". */
static void
assert_encode_error (GPtrArray  *out,
                     GError     *error,
                     const char *message)
{
  g_assert_null (out);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
  if (g_str_has_prefix (message, "…"))
    {
      if (strstr (error->message, message + strlen ("…")) == NULL)
        g_error ("“%s” does not contain “%s”", error->message, message + strlen ("…"));
    }
  else
    {
      g_assert_cmpstr (error->message, ==, message);
    }
}

static void
json_fails (TileboxEncoder *encoder,
            const char     *text,
            const char     *message)
{
  g_autoptr(JsonNode) node = json (text);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) out = _tilebox_encoder_encode_json (encoder, node, &error);

  assert_encode_error (out, error, message);
}

static void
variant_fails (TileboxEncoder *encoder,
               const char     *text,
               const char     *message)
{
  g_autoptr(GVariant) records = records_variant (text);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) out = _tilebox_encoder_encode_variant (encoder, records, &error);

  assert_encode_error (out, error, message);
}

static void
assert_bytes_equal (GBytes           *bytes,
                    const GByteArray *expected)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  g_assert_cmpmem (data, len, expected->data, expected->len);
}

static void
assert_same_datapoints (GPtrArray *a,
                        GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    {
      gsize len_a, len_b;
      const guint8 *da = g_bytes_get_data (g_ptr_array_index (a, i), &len_a);
      const guint8 *db = g_bytes_get_data (g_ptr_array_index (b, i), &len_b);

      g_assert_cmpmem (da, len_a, db, len_b);
    }
}

/* Decodes datapoints into new columns of `type`. */
static TileboxColumns *
decode_all (TileboxDescPool *pool,
            const char      *type,
            GPtrArray       *datapoints)
{
  g_autoptr(GError) error = NULL;
  TileboxColumns *columns = _tilebox_columns_new (pool, type, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < datapoints->len; i++)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (g_ptr_array_index (datapoints, i), &len);

      g_assert_true (_tilebox_columns_append (columns, data, len, &error));
      g_assert_no_error (error);
    }
  return columns;
}

/* Re-encodes decoded columns and checks that they give `datapoints` back. */
static void
assert_reencodes (TileboxEncoder *encoder,
                  GPtrArray      *datapoints,
                  TileboxColumns *columns)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) again = _tilebox_encoder_encode_columns (encoder, columns, &error);

  g_assert_no_error (error);
  g_assert_nonnull (again);
  assert_same_datapoints (datapoints, again);
}

/* An array of JSON records as an object of columns (null where a record
 * lacks a key). */
static JsonNode *
rows_to_columns (JsonNode *rows)
{
  JsonArray *array = json_node_get_array (rows);
  guint n = json_array_get_length (array);
  g_autoptr(JsonObject) columns = json_object_new ();
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  JsonNode *node;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GList) members = json_object_get_members (json_array_get_object_element (array, i));

      for (GList *l = members; l != NULL; l = l->next)
        if (!g_ptr_array_find_with_equal_func (keys, l->data, g_str_equal, NULL))
          g_ptr_array_add (keys, l->data);
    }

  for (guint k = 0; k < keys->len; k++)
    {
      const char *key = g_ptr_array_index (keys, k);
      JsonArray *column = json_array_sized_new (n);

      for (guint i = 0; i < n; i++)
        {
          JsonObject *record = json_array_get_object_element (array, i);

          if (json_object_has_member (record, key))
            json_array_add_element (column, json_node_copy (json_object_get_member (record, key)));
          else
            json_array_add_null_element (column);
        }
      json_object_set_array_member (columns, key, column);
    }

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, columns);
  return node;
}

/* --- expected encodings -------------------------------------------------------- */

static void
put_uuid (GByteArray   *out,
          guint32       field,
          const guint8 *uuid)
{
  GByteArray *sub = g_byte_array_new ();

  _tilebox_pb_write_bytes (sub, 1, uuid, 16);
  put_sub (out, field, sub);
}

static void
put_wkb (GByteArray   *out,
         guint32       field,
         const guint8 *wkb,
         gsize         len)
{
  GByteArray *sub = g_byte_array_new ();

  _tilebox_pb_write_bytes (sub, 1, wkb, len);
  put_sub (out, field, sub);
}

#define HELLO "h\303\251llo w\303\266rld \342\234\223"

/* A record of EveryKind with every field but `id` set, in JSON, in a
 * GVariant, and as the encoder must write it. */
static const char every_kind_json[] =
  "{\"d\": 3.25, \"f\": -1.5, \"i32\": -7, \"i64\": -1234567890123, \"u32\": 4000000000,"
  " \"u64\": \"18446744073709551615\", \"s32\": -3, \"s64\": \"-9223372036854775808\","
  " \"fx32\": 3735928559, \"fx64\": 81985529216486895, \"sf32\": -100, \"sf64\": -5000000000,"
  " \"b\": true, \"s\": \"" HELLO "\", \"by\": \"AAEC/w==\", \"level\": \"L1C\","
  " \"time\": \"2025-01-01T00:00:19.024Z\", \"duration\": -5500000000,"
  " \"tid\": \"c8b89388-2b0f-456d-9979-22717e812ca3\","
  " \"geometry\": {\"type\": \"Point\", \"coordinates\": [13.4, 52.5]},"
  " \"v3\": [1, -2, 3.5], \"q\": {\"q1\": 0.5, \"q2\": -0.5, \"q3\": 0.25, \"q4\": 1},"
  " \"ll\": [52.5, 13.4], \"lla\": {\"latitude\": -33.9, \"longitude\": 151.2, \"altitude\": 58},"
  " \"other\": \"CgF4EAc=\","
  " \"rd\": [1.5, -2.5, 3.5], \"rf\": [1, 2, 3], \"ri32\": [-1, 0, 2147483647],"
  " \"ri64\": [-1, \"-9223372036854775808\"], \"ru32\": [0, 1, 4294967295],"
  " \"ru64\": [\"18446744073709551615\"], \"rs32\": [-1, 1, -2147483648],"
  " \"rs64\": [-2, \"9223372036854775807\"], \"rfx32\": [1, 2], \"rfx64\": [3], \"rsf32\": [-1],"
  " \"rsf64\": [-2, -3], \"rb\": [true, false, true, true], \"rs\": [\"a\", \"\", \"\303\274\"],"
  " \"rby\": [\"AA==\", \"\"], \"rlevel\": [\"L1C\", \"PROCESSING_LEVEL_L0\", 5],"
  " \"rtime\": [\"1970-01-01T00:00:01Z\", 0, \"1969-12-31T23:59:59.999999999Z\"],"
  " \"rid\": [\"01941f29-c650-202f-6495-c71dd2118fb1\", \"00000000-0000-0000-0000-000000000000\"],"
  " \"rv3\": [[1, -2, 3.5], {\"x\": 0, \"y\": 0, \"z\": 0}],"
  " \"rgeometry\": [\"POINT (1 2)\", {\"type\": \"LineString\", \"coordinates\": [[0, 0], [1, 1]]}],"
  " \"rother\": [\"CgF5\", \"\"]}";

static const char every_kind_variant[] =
  "{'d': <3.25>, 'f': <-1.5>, 'i32': <-7>, 'i64': <int64 -1234567890123>,"
  " 'u32': <uint32 4000000000>, 'u64': <uint64 18446744073709551615>, 's32': <-3>,"
  " 's64': <int64 -9223372036854775808>, 'fx32': <uint32 3735928559>,"
  " 'fx64': <uint64 81985529216486895>, 'sf32': <-100>, 'sf64': <int64 -5000000000>,"
  " 'b': <true>, 's': <'" HELLO "'>, 'by': <[byte 0x00, 0x01, 0x02, 0xff]>, 'level': <'L1C'>,"
  " 'time': <int64 1735689619024000000>, 'duration': <int64 -5500000000>,"
  " 'tid': <'C8B89388-2B0F-456D-9979-22717E812CA3'>, 'geometry': <'POINT (13.4 52.5)'>,"
  " 'v3': <(1.0, -2.0, 3.5)>, 'q': <[0.5, -0.5, 0.25, 1.0]>,"
  " 'll': <{'latitude': <52.5>, 'longitude': <13.4>}>, 'lla': <(-33.9, 151.2, 58)>,"
  " 'other': <[byte 0x0a, 0x01, 0x78, 0x10, 0x07]>,"
  " 'rd': <[1.5, -2.5, 3.5]>, 'rf': <[1.0, 2.0, 3.0]>, 'ri32': <[-1, 0, 2147483647]>,"
  " 'ri64': <[int64 -1, -9223372036854775808]>, 'ru32': <[uint32 0, 1, 4294967295]>,"
  " 'ru64': <[uint64 18446744073709551615]>, 'rs32': <[-1, 1, -2147483648]>,"
  " 'rs64': <[int64 -2, 9223372036854775807]>, 'rfx32': <[uint32 1, 2]>, 'rfx64': <[uint64 3]>,"
  " 'rsf32': <[-1]>, 'rsf64': <[int64 -2, -3]>, 'rb': <[true, false, true, true]>,"
  " 'rs': <['a', '', '\303\274']>, 'rby': <[[byte 0x00], @ay []]>,"
  " 'rlevel': <[<'L1C'>, <'PROCESSING_LEVEL_L0'>, <5>]>,"
  " 'rtime': <[<'1970-01-01T00:00:01Z'>, <int64 0>, <'1969-12-31T23:59:59.999999999Z'>]>,"
  " 'rid': <['01941f29-c650-202f-6495-c71dd2118fb1', '00000000-0000-0000-0000-000000000000']>,"
  " 'rv3': <[(1.0, -2.0, 3.5), (0.0, 0.0, 0.0)]>,"
  " 'rgeometry': <[<'POINT (1 2)'>, <{'type': <'LineString'>, 'coordinates': <[[0.0, 0.0], [1.0, 1.0]]>}>]>,"
  " 'rother': <[[byte 0x0a, 0x01, 0x79], @ay []]>}";

static GByteArray *
every_kind_expected (void)
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
  _tilebox_pb_write_string (out, EK_STRING, HELLO);
  _tilebox_pb_write_bytes (out, EK_BYTES, (const guint8 *) "\0\1\2\377", 4);
  _tilebox_pb_write_varint (out, EK_ENUM, 3);
  put_seconds_nanos (out, EK_TIME, 1735689619, 24000000);
  put_seconds_nanos (out, EK_DURATION, -5, -500000000);
  /* EK_UUID is `id`: the server's, never written */
  put_uuid (out, EK_ID, uuid_b);
  put_wkb (out, EK_GEOMETRY, wkb_point, sizeof wkb_point);
  put_doubles (out, EK_VEC3, vec3_value, 3);
  put_doubles (out, EK_QUATERNION, quaternion_value, 4);
  put_doubles (out, EK_LATLON, latlon_value, 2);
  put_doubles (out, EK_LATLONALT, latlonalt_value, 3);
  _tilebox_pb_write_bytes (out, EK_OTHER, (const guint8 *) "\x0a\x01x\x10\x07", 5);

  {
    const double rd[3] = { 1.5, -2.5, 3.5 };
    const float rf[3] = { 1.0f, 2.0f, 3.0f };
    const guint64 ri32[3] = { (guint64) (gint64) -1, 0, G_MAXINT32 };
    const guint64 ri64[2] = { (guint64) (gint64) -1, (guint64) G_MININT64 };
    const guint64 ru32[3] = { 0, 1, G_MAXUINT32 };
    const guint64 ru64[1] = { G_MAXUINT64 };
    const guint64 rs32[3] = { _tilebox_pb_zigzag_encode (-1), _tilebox_pb_zigzag_encode (1),
                              _tilebox_pb_zigzag_encode (G_MININT32) };
    const guint64 rs64[2] = { _tilebox_pb_zigzag_encode (-2), _tilebox_pb_zigzag_encode (G_MAXINT64) };
    const guint32 rfx32[2] = { 1, 2 };
    const guint64 rfx64[1] = { 3 };
    const gint32 rsf32[1] = { -1 };
    const gint64 rsf64[2] = { -2, -3 };
    const guint64 rb[4] = { 1, 0, 1, 1 };
    const guint64 rlevel[3] = { 3, 12, 5 };
    const double zeros[3] = { 0, 0, 0 };

    put_packed_fixed (out, EK_R_DOUBLE, rd, 3, 8);
    put_packed_fixed (out, EK_R_FLOAT, rf, 3, 4);
    put_packed_varints (out, EK_R_INT32, ri32, 3);
    put_packed_varints (out, EK_R_INT64, ri64, 2);
    put_packed_varints (out, EK_R_UINT32, ru32, 3);
    put_packed_varints (out, EK_R_UINT64, ru64, 1);
    put_packed_varints (out, EK_R_SINT32, rs32, 3);
    put_packed_varints (out, EK_R_SINT64, rs64, 2);
    put_packed_fixed (out, EK_R_FIXED32, rfx32, 2, 4);
    put_packed_fixed (out, EK_R_FIXED64, rfx64, 1, 8);
    put_packed_fixed (out, EK_R_SFIXED32, rsf32, 1, 4);
    put_packed_fixed (out, EK_R_SFIXED64, rsf64, 2, 8);
    put_packed_varints (out, EK_R_BOOL, rb, 4);
    _tilebox_pb_write_string (out, EK_R_STRING, "a");
    _tilebox_pb_write_string (out, EK_R_STRING, "");
    _tilebox_pb_write_string (out, EK_R_STRING, "\303\274");
    _tilebox_pb_write_bytes (out, EK_R_BYTES, (const guint8 *) "\0", 1);
    _tilebox_pb_write_bytes (out, EK_R_BYTES, NULL, 0);
    put_packed_varints (out, EK_R_ENUM, rlevel, 3);
    put_seconds_nanos (out, EK_R_TIME, 1, 0);
    put_seconds_nanos (out, EK_R_TIME, 0, 0);
    put_seconds_nanos (out, EK_R_TIME, -1, 999999999);
    put_uuid (out, EK_R_UUID, uuid_a);
    put_uuid (out, EK_R_UUID, nil_uuid);
    put_doubles (out, EK_R_VEC3, vec3_value, 3);
    put_doubles (out, EK_R_VEC3, zeros, 3);
    put_wkb (out, EK_R_GEOMETRY, wkb_point_1_2, sizeof wkb_point_1_2);
    put_wkb (out, EK_R_GEOMETRY, wkb_line, sizeof wkb_line);
    sub = g_byte_array_new ();
    _tilebox_pb_write_string (sub, 1, "y");
    put_sub (out, EK_R_OTHER, sub);
    put_sub (out, EK_R_OTHER, g_byte_array_new ());
  }

  return out;
}

/* --- decoded values ---------------------------------------------------------- */

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

static void
assert_bytes (const TileboxColumn *column,
              guint64              index,
              const void          *expected,
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
  assert_bytes (column, index, expected, strlen (expected));
}

/* The number of elements of a row of a repeated column, and the first. */
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

/* Row `row` holds exactly the values of every_kind_json. */
static void
check_every_kind (const TileboxColumns *c,
                  guint                 row)
{
  const double zeros[3] = { 0, 0, 0 };
  guint64 s;

  for (guint i = 0; i < c->columns->len; i++)
    {
      const TileboxColumn *column = g_ptr_array_index (c->columns, i);

      g_assert_cmpint (present (column, row), ==, strcmp (column->field->name, "id") != 0);
    }

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
  assert_str (col (c, "s"), row, HELLO);
  assert_bytes (col (c, "by"), row, "\0\1\2\377", 4);
  g_assert_cmpint (get_i32 (col (c, "level"), row), ==, 3);
  g_assert_cmpint (get_i64 (col (c, "time"), row), ==, G_GINT64_CONSTANT (1735689619024000000));
  g_assert_cmpint (get_i64 (col (c, "duration"), row), ==, G_GINT64_CONSTANT (-5500000000));
  g_assert_cmpmem (_tilebox_column_element (col (c, "tid"), row), 16, uuid_b, 16);
  assert_bytes (col (c, "geometry"), row, wkb_point, sizeof wkb_point);
  g_assert_cmpmem (_tilebox_column_element (col (c, "v3"), row), 24, vec3_value, 24);
  g_assert_cmpmem (_tilebox_column_element (col (c, "q"), row), 32, quaternion_value, 32);
  g_assert_cmpmem (_tilebox_column_element (col (c, "ll"), row), 16, latlon_value, 16);
  g_assert_cmpmem (_tilebox_column_element (col (c, "lla"), row), 24, latlonalt_value, 24);
  assert_bytes (col (c, "other"), row, "\x0a\x01x\x10\x07", 5);

  g_assert_cmpuint (row_elements (col (c, "rd"), row, &s), ==, 3);
  g_assert_cmpfloat (get_f64 (col (c, "rd"), s), ==, 1.5);
  g_assert_cmpfloat (get_f64 (col (c, "rd"), s + 1), ==, -2.5);
  g_assert_cmpfloat (get_f64 (col (c, "rd"), s + 2), ==, 3.5);
  g_assert_cmpuint (row_elements (col (c, "rf"), row, &s), ==, 3);
  g_assert_cmpfloat (get_f32 (col (c, "rf"), s), ==, 1.0f);
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
  assert_bytes (col (c, "rby"), s, "\0", 1);
  assert_bytes (col (c, "rby"), s + 1, NULL, 0);
  g_assert_cmpuint (row_elements (col (c, "rlevel"), row, &s), ==, 3);
  g_assert_cmpint (get_i32 (col (c, "rlevel"), s), ==, 3);
  g_assert_cmpint (get_i32 (col (c, "rlevel"), s + 1), ==, 12);
  g_assert_cmpint (get_i32 (col (c, "rlevel"), s + 2), ==, 5);
  g_assert_cmpuint (row_elements (col (c, "rtime"), row, &s), ==, 3);
  g_assert_cmpint (get_i64 (col (c, "rtime"), s), ==, 1000000000);
  g_assert_cmpint (get_i64 (col (c, "rtime"), s + 1), ==, 0);
  g_assert_cmpint (get_i64 (col (c, "rtime"), s + 2), ==, -1);
  g_assert_cmpuint (row_elements (col (c, "rid"), row, &s), ==, 2);
  g_assert_cmpmem (_tilebox_column_element (col (c, "rid"), s), 16, uuid_a, 16);
  g_assert_cmpmem (_tilebox_column_element (col (c, "rid"), s + 1), 16, nil_uuid, 16);
  g_assert_cmpuint (row_elements (col (c, "rv3"), row, &s), ==, 2);
  g_assert_cmpmem (_tilebox_column_element (col (c, "rv3"), s), 24, vec3_value, 24);
  g_assert_cmpmem (_tilebox_column_element (col (c, "rv3"), s + 1), 24, zeros, 24);
  g_assert_cmpuint (row_elements (col (c, "rgeometry"), row, &s), ==, 2);
  assert_bytes (col (c, "rgeometry"), s, wkb_point_1_2, sizeof wkb_point_1_2);
  assert_bytes (col (c, "rgeometry"), s + 1, wkb_line, sizeof wkb_line);
  g_assert_cmpuint (row_elements (col (c, "rother"), row, &s), ==, 2);
  assert_bytes (col (c, "rother"), s, "\x0a\x01y", 3);
  assert_bytes (col (c, "rother"), s + 1, NULL, 0);
}

/* --- tests: construction -------------------------------------------------------- */

static void
test_new (void)
{
  g_autoptr(TileboxDescPool) pool = every_kind_pool ();
  g_autoptr(TileboxEncoder) encoder = NULL;
  g_autoptr(TileboxEncoder) prefixed = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_null (_tilebox_encoder_new (pool, "test.v1.Nope", &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "test.v1.Nope"));

  encoder = new_encoder (pool, EVERY_KIND_MESSAGE);
  g_assert_cmpstr (_tilebox_encoder_get_type_name (encoder), ==, EVERY_KIND_MESSAGE);
  prefixed = new_encoder (pool, "type.googleapis.com/" EVERY_KIND_MESSAGE);
  g_assert_cmpstr (_tilebox_encoder_get_type_name (prefixed), ==, EVERY_KIND_MESSAGE);

  /* a reference keeps it, and the pool, alive */
  g_assert_true (_tilebox_encoder_ref (encoder) == encoder);
  _tilebox_encoder_unref (encoder);
  g_clear_pointer (&pool, _tilebox_desc_pool_unref);
  {
    g_autoptr(GBytes) dp = encode_one (encoder, "{\"d\": 1}");
    g_autoptr(GByteArray) expected = g_byte_array_new ();

    _tilebox_pb_write_double (expected, EK_DOUBLE, 1);
    assert_bytes_equal (dp, expected);
  }
}

static void
test_empty (void)
{
  g_autoptr(TileboxEncoder) encoder = every_kind_encoder ();
  g_autoptr(GPtrArray) none = encode_json (encoder, "[]");
  g_autoptr(GPtrArray) no_columns = encode_json (encoder, "{}");
  g_autoptr(GPtrArray) no_variants = encode_variant (encoder, "@aa{sv} []");
  g_autoptr(GPtrArray) empty_records = encode_json (encoder, "[{}, {\"d\": null}]");

  g_assert_cmpuint (none->len, ==, 0);
  g_assert_cmpuint (no_columns->len, ==, 0);
  g_assert_cmpuint (no_variants->len, ==, 0);
  /* records without values are empty datapoints */
  g_assert_cmpuint (empty_records->len, ==, 2);
  g_assert_cmpuint (g_bytes_get_size (g_ptr_array_index (empty_records, 0)), ==, 0);
  g_assert_cmpuint (g_bytes_get_size (g_ptr_array_index (empty_records, 1)), ==, 0);
}

/* --- tests: values ------------------------------------------------------------- */

static void
test_every_kind (void)
{
  g_autoptr(TileboxEncoder) encoder = every_kind_encoder ();
  g_autoptr(GBytes) from_json = encode_one (encoder, every_kind_json);
  g_autoptr(GBytes) from_variant = encode_one_variant (encoder, every_kind_variant);
  g_autoptr(GByteArray) expected = every_kind_expected ();

  assert_bytes_equal (from_json, expected);
  assert_bytes_equal (from_variant, expected);
}

/* The bytes of one field of a one-field record, as JSON. */
static void
assert_field (TileboxEncoder   *encoder,
              const char       *record,
              const GByteArray *expected)
{
  g_autoptr(GBytes) dp = encode_one (encoder, record);

  assert_bytes_equal (dp, expected);
}

static void
test_scalar_limits (void)
{
  g_autoptr(TileboxEncoder) encoder = every_kind_encoder ();
  g_autoptr(GByteArray) e = g_byte_array_new ();

  /* the ends of every integer range, in JSON numbers, strings and doubles */
#define EXPECT(record, write)          \
  G_STMT_START                         \
  {                                    \
    g_byte_array_set_size (e, 0);      \
    write;                             \
    assert_field (encoder, record, e); \
  }                                    \
  G_STMT_END

  EXPECT ("{\"i32\": -2147483648}", _tilebox_pb_write_varint (e, EK_INT32, (guint64) (gint64) G_MININT32));
  EXPECT ("{\"i32\": 2147483647}", _tilebox_pb_write_varint (e, EK_INT32, G_MAXINT32));
  EXPECT ("{\"i32\": 3.0}", _tilebox_pb_write_varint (e, EK_INT32, 3));
  EXPECT ("{\"i32\": -0.0}", _tilebox_pb_write_varint (e, EK_INT32, 0));
  EXPECT ("{\"i32\": \"-12\"}", _tilebox_pb_write_varint (e, EK_INT32, (guint64) (gint64) -12));
  EXPECT ("{\"i64\": \"9223372036854775807\"}", _tilebox_pb_write_varint (e, EK_INT64, G_MAXINT64));
  EXPECT ("{\"i64\": -9223372036854775808}", _tilebox_pb_write_varint (e, EK_INT64, (guint64) G_MININT64));
  EXPECT ("{\"i64\": 1e15}", _tilebox_pb_write_varint (e, EK_INT64, G_GUINT64_CONSTANT (1000000000000000)));
  EXPECT ("{\"u32\": 4294967295}", _tilebox_pb_write_varint (e, EK_UINT32, G_MAXUINT32));
  EXPECT ("{\"u64\": \"18446744073709551615\"}", _tilebox_pb_write_varint (e, EK_UINT64, G_MAXUINT64));
  EXPECT ("{\"u64\": 9223372036854775807}", _tilebox_pb_write_varint (e, EK_UINT64, G_MAXINT64));
  EXPECT ("{\"s32\": -2147483648}", _tilebox_pb_write_sint (e, EK_SINT32, G_MININT32));
  EXPECT ("{\"s64\": \"9223372036854775807\"}", _tilebox_pb_write_sint (e, EK_SINT64, G_MAXINT64));
  EXPECT ("{\"fx32\": 4294967295}", _tilebox_pb_write_fixed32 (e, EK_FIXED32, G_MAXUINT32));
  EXPECT ("{\"fx64\": \"18446744073709551615\"}", _tilebox_pb_write_fixed64 (e, EK_FIXED64, G_MAXUINT64));
  EXPECT ("{\"sf32\": -2147483648}", _tilebox_pb_write_fixed32 (e, EK_SFIXED32, 0x80000000u));
  EXPECT ("{\"sf64\": -9223372036854775808}", _tilebox_pb_write_fixed64 (e, EK_SFIXED64, (guint64) G_MININT64));
  /* doubles and floats take integers, and the names of what JSON lacks */
  EXPECT ("{\"d\": 7}", _tilebox_pb_write_double (e, EK_DOUBLE, 7.0));
  EXPECT ("{\"d\": \"-Infinity\"}", _tilebox_pb_write_double (e, EK_DOUBLE, -INFINITY));
  EXPECT ("{\"f\": \"Infinity\"}", _tilebox_pb_write_float (e, EK_FLOAT, INFINITY));
  EXPECT ("{\"f\": 3.4028234663852886e38}", _tilebox_pb_write_float (e, EK_FLOAT, G_MAXFLOAT));
  EXPECT ("{\"f\": 0.1}", _tilebox_pb_write_float (e, EK_FLOAT, 0.1f));
  EXPECT ("{\"b\": false}", _tilebox_pb_write_bool (e, EK_BOOL, FALSE));
#undef EXPECT

  {
    /* NaN: any NaN bits decode as NaN */
    g_autoptr(GPtrArray) dps = encode_json (encoder, "[{\"d\": \"NaN\", \"f\": \"NaN\"}]");
    g_autoptr(TileboxDescPool) pool = every_kind_pool ();
    g_autoptr(TileboxColumns) c = decode_all (pool, EVERY_KIND_MESSAGE, dps);

    g_assert_true (isnan (get_f64 (col (c, "d"), 0)));
    g_assert_true (isnan (get_f32 (col (c, "f"), 0)));
  }

  json_fails (encoder, "[{\"i32\": 2147483648}]", "record 0, field i32: 2147483648 is out of range for int32");
  json_fails (encoder, "[{\"i32\": -2147483649}]", "record 0, field i32: -2147483649 is out of range for int32");
  json_fails (encoder, "[{\"s32\": 2147483648}]", "record 0, field s32: 2147483648 is out of range for sint32");
  json_fails (encoder, "[{\"sf32\": 1e10}]", "record 0, field sf32: 10000000000 is out of range for sfixed32");
  json_fails (encoder, "[{\"u32\": -1}]", "record 0, field u32: -1 is out of range for uint32");
  json_fails (encoder, "[{\"u32\": 4294967296}]", "record 0, field u32: 4294967296 is out of range for uint32");
  json_fails (encoder, "[{\"fx32\": 4294967296}]", "record 0, field fx32: 4294967296 is out of range for fixed32");
  json_fails (encoder, "[{\"u64\": -1}]", "record 0, field u64: -1 is out of range for uint64");
  json_fails (encoder, "[{\"u64\": \"18446744073709551616\"}]",
              "record 0, field u64: \"18446744073709551616\" is out of range for uint64");
  json_fails (encoder, "[{\"fx64\": 1.8446744073709552e19}]",
              "record 0, field fx64: 1.8446744073709552e+19 is out of range for fixed64");
  json_fails (encoder, "[{\"i64\": \"9223372036854775808\"}]",
              "record 0, field i64: \"9223372036854775808\" is out of range for int64");
  json_fails (encoder, "[{\"i64\": 9.3e18}]", "record 0, field i64: 9.3e+18 is out of range for int64");
  json_fails (encoder, "[{\"sf64\": \"-9223372036854775809\"}]", "…is out of range for sfixed64");
  json_fails (encoder, "[{\"i64\": 2.5}]", "record 0, field i64: expected an integer, got 2.5");
  json_fails (encoder, "[{\"i32\": \"12x\"}]", "record 0, field i32: expected an integer, got \"12x\"");
  json_fails (encoder, "[{\"i32\": true}]", "record 0, field i32: expected an integer, got true");
  json_fails (encoder, "[{\"i32\": [1]}]", "record 0, field i32: expected an integer, got [1]");
  json_fails (encoder, "[{\"d\": \"high\"}]", "record 0, field d: expected a number, got \"high\"");
  json_fails (encoder, "[{\"d\": \"1.5\"}]", "record 0, field d: expected a number, got \"1.5\"");
  json_fails (encoder, "[{\"f\": 1e39}]", "record 0, field f: 1e+39 is out of range for float");
  json_fails (encoder, "[{\"f\": -3.5e38}]", "record 0, field f: -3.5e+38 is out of range for float");
  json_fails (encoder, "[{\"b\": 1}]", "record 0, field b: expected true or false, got 1");
  json_fails (encoder, "[{\"s\": 1}]", "record 0, field s: expected a string, got 1");
  json_fails (encoder, "[{\"by\": \"not base64!\"}]", "record 0, field by: expected bytes as base64 text, got \"not base64!\"");
  json_fails (encoder, "[{\"by\": \"QQ===\"}]", "…expected bytes as base64 text");
  json_fails (encoder, "[{\"by\": \"Q\"}]", "…expected bytes as base64 text");

  /* GVariant: any number type, checked the same way */
  {
    g_autoptr(GBytes) a = encode_one_variant (encoder, "{'i32': <byte 7>, 'u64': <uint16 7>, 'i64': <7.0>, 'd': <int16 -7>}");
    g_autoptr(GBytes) b = encode_one (encoder, "{\"i32\": 7, \"u64\": 7, \"i64\": 7, \"d\": -7}");

    g_assert_true (g_bytes_equal (a, b));
  }
  variant_fails (encoder, "[{'u32': <int64 -1>}]", "record 0, field u32: -1 is out of range for uint32");
  variant_fails (encoder, "[{'i32': <uint64 2147483648>}]", "record 0, field i32: 2147483648 is out of range for int32");
  variant_fails (encoder, "[{'i64': <2.5>}]", "record 0, field i64: expected an integer, got 2.5");
  variant_fails (encoder, "[{'i64': <'5'>}]", "record 0, field i64: expected an integer, got '5'");
  variant_fails (encoder, "[{'d': <'high'>}]", "record 0, field d: expected a number, got 'high'");
  variant_fails (encoder, "[{'b': <1>}]", "record 0, field b: expected true or false, got 1");
  variant_fails (encoder, "[{'by': <'AA=='>}]", "record 0, field by: expected bytes (ay), got 'AA=='");
}

static void
test_bytes (void)
{
  g_autoptr(TileboxEncoder) encoder = every_kind_encoder ();
  g_autoptr(GByteArray) e = g_byte_array_new ();
  static const guint8 raw[] = { 0xfb, 0xff, 0xbf };

  /* standard and URL-safe alphabets, with and without padding */
  _tilebox_pb_write_bytes (e, EK_BYTES, raw, sizeof raw);
  assert_field (encoder, "{\"by\": \"+/+/\"}", e);
  assert_field (encoder, "{\"by\": \"-_-_\"}", e);
  g_byte_array_set_size (e, 0);
  _tilebox_pb_write_bytes (e, EK_BYTES, (const guint8 *) "ab", 2);
  assert_field (encoder, "{\"by\": \"YWI=\"}", e);
  assert_field (encoder, "{\"by\": \"YWI\"}", e);
  {
    g_autoptr(GBytes) v = encode_one_variant (encoder, "{'by': <[byte 0x61, 0x62]>}");

    assert_bytes_equal (v, e);
  }
}

static void
test_enums (void)
{
  g_autoptr(TileboxEncoder) encoder = every_kind_encoder ();
  g_autoptr(GBytes) by_short = encode_one (encoder, "{\"level\": \"L2A\"}");
  g_autoptr(GBytes) by_full = encode_one (encoder, "{\"level\": \"PROCESSING_LEVEL_L2A\"}");
  g_autoptr(GBytes) by_number = encode_one (encoder, "{\"level\": 5}");
  g_autoptr(GBytes) by_double = encode_one (encoder, "{\"level\": 5.0}");
  g_autoptr(GBytes) by_variant = encode_one_variant (encoder, "{'level': <'L2A'>}");
  g_autoptr(GBytes) by_variant_number = encode_one_variant (encoder, "{'level': <uint32 5>}");
  g_autoptr(GBytes) zero = encode_one (encoder, "{\"level\": \"UNSPECIFIED\"}");
  g_autoptr(GByteArray) e = g_byte_array_new ();

  _tilebox_pb_write_varint (e, EK_ENUM, 5);
  assert_bytes_equal (by_short, e);
  assert_bytes_equal (by_full, e);
  assert_bytes_equal (by_number, e);
  assert_bytes_equal (by_double, e);
  assert_bytes_equal (by_variant, e);
  assert_bytes_equal (by_variant_number, e);
  /* the zero value is a value: written */
  g_byte_array_set_size (e, 0);
  _tilebox_pb_write_varint (e, EK_ENUM, 0);
  assert_bytes_equal (zero, e);

  /* repeated enums are packed */
  g_byte_array_set_size (e, 0);
  {
    const guint64 levels[3] = { 12, 3, 0 };

    put_packed_varints (e, EK_R_ENUM, levels, 3);
    assert_field (encoder, "{\"rlevel\": [\"L0\", \"PROCESSING_LEVEL_L1C\", 0]}", e);
  }

  json_fails (encoder, "[{\"level\": \"L9\"}]",
              "record 0, field level: datasets.v1.ProcessingLevel has no value \"L9\"");
  json_fails (encoder, "[{\"level\": \"l1c\"}]", "…has no value \"l1c\"");
  json_fails (encoder, "[{\"level\": 99}]", "record 0, field level: 99 is not a value of datasets.v1.ProcessingLevel");
  json_fails (encoder, "[{\"level\": -1}]", "record 0, field level: -1 is not a value of datasets.v1.ProcessingLevel");
  json_fails (encoder, "[{\"level\": 4294967296}]", "…4294967296 is out of range for datasets.v1.ProcessingLevel");
  json_fails (encoder, "[{\"level\": 1.5}]", "record 0, field level: expected an integer, got 1.5");
  json_fails (encoder, "[{\"level\": true}]", "record 0, field level: expected an enum value’s name or number, got true");
  json_fails (encoder, "[{\"rlevel\": [3, \"L9\"]}]", "record 0, field rlevel[1]: datasets.v1.ProcessingLevel has no value \"L9\"");

  /* an enum type the pool lacks: numbers only */
  {
    static const TileboxDescFieldSpec fields[] = {
      { "color", TILEBOX_DESC_TYPE_ENUM, FALSE, "test.v1.Color" },
    };
    g_autoptr(TileboxDescPool) pool = _tilebox_desc_pool_new ();
    g_autoptr(GBytes) set = _tilebox_desc_build_file_set ("c.proto", "test.v1", "Colored", fields, 1, NULL);
    g_autoptr(TileboxEncoder) colored = NULL;
    g_autoptr(GByteArray) seven = g_byte_array_new ();

    g_assert_true (_tilebox_desc_pool_add_file_set (pool, g_bytes_get_data (set, NULL), g_bytes_get_size (set), NULL));
    colored = new_encoder (pool, "test.v1.Colored");
    _tilebox_pb_write_varint (seven, 1, 7);
    assert_field (colored, "{\"color\": 7}", seven);
    json_fails (colored, "[{\"color\": \"RED\"}]",
                "record 0, field color: the enum type test.v1.Color is not known: give the value’s number");
  }
}

static void
test_timestamps (void)
{
  g_autoptr(TileboxEncoder) encoder = every_kind_encoder ();
  g_autoptr(TileboxDescPool) pool = every_kind_pool ();
  static const struct {
    const char *json;
    gint64 ns;
  } cases[] = {
    { "\"2025-01-01T00:00:19.024Z\"", G_GINT64_CONSTANT (1735689619024000000) },
    { "\"2025-01-01T01:00:19.024+01:00\"", G_GINT64_CONSTANT (1735689619024000000) },
    { "\"2025-01-01 00:00:19.024\"", G_GINT64_CONSTANT (1735689619024000000) },
    { "\"2025-01-01T00:00:19.123456789Z\"", G_GINT64_CONSTANT (1735689619123456789) },
    { "\"2025-01-01T00:00:19,5Z\"", G_GINT64_CONSTANT (1735689619500000000) },
    { "\"2025-01-01T00:00:19.1234567899Z\"", G_GINT64_CONSTANT (1735689619123456789) },
    { "\"2025-01-01T00:00:19.999999999Z\"", G_GINT64_CONSTANT (1735689619999999999) },
    { "\"2025-01-01\"", G_GINT64_CONSTANT (1735689600000000000) },
    { "\"1970-01-01T00:00:00Z\"", 0 },
    { "\"1969-12-31T23:59:59.5Z\"", -500000000 },
    { "\"1677-09-21T00:12:43.145224192Z\"", G_MININT64 },
    { "\"2262-04-11T23:47:16.854775807Z\"", G_MAXINT64 },
    { "1735689619024000000", G_GINT64_CONSTANT (1735689619024000000) },
    { "-1", -1 },
    { "1.7e18", G_GINT64_CONSTANT (1700000000000000000) },
  };
  g_autoptr(GString) records = g_string_new ("[");
  g_autoptr(GPtrArray) dps = NULL;
  g_autoptr(TileboxColumns) c = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_string_append_printf (records, "%s{\"time\": %s}", i > 0 ? ", " : "", cases[i].json);
  g_string_append (records, "]");
  dps = encode_json (encoder, records->str);
  c = decode_all (pool, EVERY_KIND_MESSAGE, dps);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%s", cases[i].json);
      g_assert_true (present (col (c, "time"), i));
      g_assert_cmpint (get_i64 (col (c, "time"), i), ==, cases[i].ns);
    }
  assert_reencodes (encoder, dps, c);

  /* the wire: seconds, and nanos counting forward from them */
  {
    g_autoptr(GByteArray) e = g_byte_array_new ();

    put_seconds_nanos (e, EK_TIME, -1, 500000000);
    assert_field (encoder, "{\"time\": \"1969-12-31T23:59:59.5Z\"}", e);
    g_byte_array_set_size (e, 0);
    put_seconds_nanos (e, EK_TIME, 0, 0); /* the epoch: an empty Timestamp, present */
    assert_field (encoder, "{\"time\": 0}", e);
  }

  /* GVariant: text or nanoseconds */
  {
    g_autoptr(GBytes) text = encode_one_variant (encoder, "{'time': <'2025-01-01T00:00:19.024Z'>}");
    g_autoptr(GBytes) ns = encode_one_variant (encoder, "{'time': <int64 1735689619024000000>}");
    g_autoptr(GBytes) from_json = encode_one (encoder, "{\"time\": \"2025-01-01T00:00:19.024Z\"}");

    g_assert_true (g_bytes_equal (text, from_json));
    g_assert_true (g_bytes_equal (ns, from_json));
  }

  json_fails (encoder, "[{\"time\": \"yesterday\"}]",
              "record 0, field time: expected an RFC 3339 time such as 2025-01-01T12:00:00Z, "
              "or nanoseconds since 1970, got \"yesterday\"");
  json_fails (encoder, "[{\"time\": \"2300-01-01T00:00:00Z\"}]",
              "record 0, field time: \"2300-01-01T00:00:00Z\" is outside the times 64-bit nanoseconds hold "
              "(1677-09-21 to 2262-04-11)");
  json_fails (encoder, "[{\"time\": \"1677-09-21T00:12:43.145224191Z\"}]", "…is outside the times");
  json_fails (encoder, "[{\"time\": 1.5}]", "record 0, field time: expected an integer, got 1.5");
  json_fails (encoder, "[{\"time\": true}]", "…field time: expected an RFC 3339 time");
  json_fails (encoder, "[{\"time\": \"9223372036854775808\"}]", "…field time: expected an RFC 3339 time");
  json_fails (encoder, "[{\"rtime\": [0, null]}]", "record 0, field rtime[1]: the value is missing");
}

static void
test_durations (void)
{
  g_autoptr(TileboxEncoder) encoder = every_kind_encoder ();
  g_autoptr(GByteArray) e = g_byte_array_new ();

  /* seconds and nanos of the same sign */
  put_seconds_nanos (e, EK_DURATION, -5, -500000000);
  assert_field (encoder, "{\"duration\": -5500000000}", e);
  g_byte_array_set_size (e, 0);
  put_seconds_nanos (e, EK_DURATION, 1, 1);
  assert_field (encoder, "{\"duration\": 1000000001}", e);
  g_byte_array_set_size (e, 0);
  put_seconds_nanos (e, EK_DURATION, 0, -1);
  assert_field (encoder, "{\"duration\": -1}", e);
  g_byte_array_set_size (e, 0);
  put_seconds_nanos (e, EK_DURATION, G_MININT64 / 1000000000, (gint32) (G_MININT64 % 1000000000));
  assert_field (encoder, "{\"duration\": -9223372036854775808}", e);
  {
    g_autoptr(GBytes) v = encode_one_variant (encoder, "{'duration': <int64 -9223372036854775808>}");

    assert_bytes_equal (v, e);
  }

  json_fails (encoder, "[{\"duration\": \"5s\"}]",
              "record 0, field duration: expected a duration in nanoseconds, got \"5s\"");
  json_fails (encoder, "[{\"duration\": 1e19}]", "record 0, field duration: 1e+19 is out of range for int64");
}

static void
test_uuids (void)
{
  g_autoptr(TileboxEncoder) encoder = every_kind_encoder ();
  g_autoptr(GByteArray) e = g_byte_array_new ();

  put_uuid (e, EK_ID, uuid_a);
  assert_field (encoder, "{\"tid\": \"01941f29-c650-202f-6495-c71dd2118fb1\"}", e);
  assert_field (encoder, "{\"tid\": \"01941F29-C650-202F-6495-C71DD2118FB1\"}", e);
  {
    g_autoptr(GBytes) text = encode_one_variant (encoder, "{'tid': <'01941f29-c650-202f-6495-c71dd2118fb1'>}");
    g_autoptr(GBytes) raw = encode_one_variant (
      encoder, "{'tid': <[byte 0x01, 0x94, 0x1f, 0x29, 0xc6, 0x50, 0x20, 0x2f, "
               "0x64, 0x95, 0xc7, 0x1d, 0xd2, 0x11, 0x8f, 0xb1]>}");

    assert_bytes_equal (text, e);
    assert_bytes_equal (raw, e);
  }
  /* the nil UUID is a value like any other */
  g_byte_array_set_size (e, 0);
  put_uuid (e, EK_ID, nil_uuid);
  assert_field (encoder, "{\"tid\": \"00000000-0000-0000-0000-000000000000\"}", e);

  json_fails (encoder, "[{\"tid\": \"01941f29\"}]",
              "record 0, field tid: expected a UUID such as 01941f29-c650-202f-6495-c71dd2118fb1, got \"01941f29\"");
  json_fails (encoder, "[{\"tid\": 5}]", "…expected a UUID such as");
  variant_fails (encoder, "[{'tid': <[byte 0x01, 0x02]>}]", "…expected a UUID such as 01941f29-c650-202f-6495-c71dd2118fb1, got ");
}

static void
test_geometry (void)
{
  g_autoptr(TileboxEncoder) encoder = every_kind_encoder ();
  g_autoptr(GByteArray) e = g_byte_array_new ();

  /* every form gives the same plain WKB */
  put_wkb (e, EK_GEOMETRY, wkb_point, sizeof wkb_point);
  assert_field (encoder, "{\"geometry\": {\"type\": \"Point\", \"coordinates\": [13.4, 52.5]}}", e);
  assert_field (encoder, "{\"geometry\": \"POINT (13.4 52.5)\"}", e);
  assert_field (encoder, "{\"geometry\": \"SRID=4326;point(13.4 52.5)\"}", e);
  {
    g_autoptr(GString) ewkb = g_string_new ("{'geometry': <[byte ");
    g_autoptr(GBytes) from_ewkb = NULL;
    g_autoptr(GBytes) from_wkt = encode_one_variant (encoder, "{'geometry': <'POINT (13.4 52.5)'>}");
    g_autoptr(GBytes) from_geojson = encode_one_variant (
      encoder, "{'geometry': <{'type': <'Point'>, 'coordinates': <[13.4, 52.5]>}>}");

    for (guint i = 0; i < sizeof ewkb_point; i++)
      g_string_append_printf (ewkb, "%s0x%02x", i > 0 ? ", " : "", ewkb_point[i]);
    g_string_append (ewkb, "]>}");
    from_ewkb = encode_one_variant (encoder, ewkb->str);
    assert_bytes_equal (from_ewkb, e);
    assert_bytes_equal (from_wkt, e);
    assert_bytes_equal (from_geojson, e);
  }

  json_fails (encoder, "[{\"geometry\": \"POINT (1\"}]", "…record 0, field geometry: Invalid WKT at character");
  json_fails (encoder, "[{\"geometry\": {\"type\": \"Polygon\", \"coordinates\": [[[0, 0], [1, 1], [0, 0]]]}}]",
              "…record 0, field geometry: ");
  json_fails (encoder, "[{\"geometry\": 5}]",
              "record 0, field geometry: expected a geometry: a GeoJSON object or WKT text, got 5");
  variant_fails (encoder, "[{'geometry': <[byte 0x01, 0x01]>}]", "…record 0, field geometry: Malformed WKB");
  variant_fails (encoder, "[{'geometry': <5>}]", "…expected a geometry: GeoJSON (a{sv}), WKT (s) or WKB (ay), got 5");
}

static void
test_vectors (void)
{
  g_autoptr(TileboxEncoder) encoder = every_kind_encoder ();
  g_autoptr(GByteArray) e = g_byte_array_new ();
  static const char * const vec3_forms[] = {
    "{'v3': <(1.0, -2.0, 3.5)>}",
    "{'v3': <(1, int64 -2, 3.5)>}",
    "{'v3': <[1.0, -2.0, 3.5]>}",
    "{'v3': <[<1.0>, <-2>, <3.5>]>}",
    "{'v3': <{'z': <3.5>, 'x': <1.0>, 'y': <-2.0>}>}",
  };

  put_doubles (e, EK_VEC3, vec3_value, 3);
  assert_field (encoder, "{\"v3\": [1, -2, 3.5]}", e);
  assert_field (encoder, "{\"v3\": {\"z\": 3.5, \"y\": -2, \"x\": 1}}", e);
  for (guint i = 0; i < G_N_ELEMENTS (vec3_forms); i++)
    {
      g_autoptr(GBytes) dp = encode_one_variant (encoder, vec3_forms[i]);

      assert_bytes_equal (dp, e);
    }

  g_byte_array_set_size (e, 0);
  put_doubles (e, EK_QUATERNION, quaternion_value, 4);
  assert_field (encoder, "{\"q\": [0.5, -0.5, 0.25, 1]}", e);
  g_byte_array_set_size (e, 0);
  put_doubles (e, EK_LATLON, latlon_value, 2);
  assert_field (encoder, "{\"ll\": {\"latitude\": 52.5, \"longitude\": 13.4}}", e);
  g_byte_array_set_size (e, 0);
  put_doubles (e, EK_LATLONALT, latlonalt_value, 3);
  assert_field (encoder, "{\"lla\": [-33.9, 151.2, 58]}", e);

  /* zeros are left out of the submessage, but -0.0 is not */
  g_byte_array_set_size (e, 0);
  {
    GByteArray *sub = g_byte_array_new ();

    _tilebox_pb_write_double (sub, 2, -0.0);
    put_sub (e, EK_VEC3, sub);
    assert_field (encoder, "{\"v3\": [0, -0.0, 0]}", e);
  }

  json_fails (encoder, "[{\"v3\": [1, 2]}]",
              "record 0, field v3: expected 3 numbers, or an object with x, y, z, got [1,2]");
  json_fails (encoder, "[{\"ll\": [1, 2, 3]}]",
              "record 0, field ll: expected 2 numbers, or an object with latitude, longitude, got [1,2,3]");
  json_fails (encoder, "[{\"v3\": [1, \"a\", 3]}]", "record 0, field v3.y: expected a number, got \"a\"");
  json_fails (encoder, "[{\"v3\": [1, null, 3]}]", "record 0, field v3.y: the value is missing");
  json_fails (encoder, "[{\"v3\": {\"x\": 1, \"y\": 2}}]", "record 0, field v3: missing member “z”");
  json_fails (encoder, "[{\"v3\": {\"x\": 1, \"y\": 2, \"z\": null}}]", "record 0, field v3.z: the value is missing");
  json_fails (encoder, "[{\"q\": {\"q1\": 1, \"q2\": 2, \"q3\": 3, \"w\": 4}}]",
              "record 0, field q: unknown member “w”; expected q1, q2, q3, q4");
  json_fails (encoder, "[{\"lla\": \"1 2 3\"}]",
              "record 0, field lla: expected 3 numbers, or an object with latitude, longitude, altitude, got \"1 2 3\"");
  variant_fails (encoder, "[{'v3': <(1.0, 'a', 3.0)>}]", "record 0, field v3.y: expected a number, got 'a'");
}

/* --- tests: repeated and nested -------------------------------------------------- */

static void
test_repeated (void)
{
  g_autoptr(TileboxEncoder) encoder = every_kind_encoder ();
  g_autoptr(GByteArray) e = g_byte_array_new ();

  /* one packed run per field, an empty array writes nothing */
  {
    const guint64 values[4] = { 1, 300, 0, (guint64) (gint64) -1 };

    put_packed_varints (e, EK_R_INT64, values, 4);
    assert_field (encoder, "{\"ri64\": [1, 300, 0, -1], \"rd\": [], \"rs\": []}", e);
  }
  g_byte_array_set_size (e, 0);
  assert_field (encoder, "{\"ri64\": [], \"rtime\": [], \"rother\": []}", e);

  /* elements of a GVariant array of any type, av too */
  {
    const guint64 values[3] = { 1, 2, 3 };
    g_autoptr(GBytes) ay = encode_one_variant (encoder, "{'ru32': <[byte 1, 2, 3]>}");
    g_autoptr(GBytes) av = encode_one_variant (encoder, "{'ru32': <[<1>, <uint64 2>, <3.0>]>}");

    g_byte_array_set_size (e, 0);
    put_packed_varints (e, EK_R_UINT32, values, 3);
    assert_bytes_equal (ay, e);
    assert_bytes_equal (av, e);
  }

  json_fails (encoder, "[{\"ri32\": 5}]", "record 0, field ri32: expected an array, got 5");
  json_fails (encoder, "[{\"rs\": \"abc\"}]", "record 0, field rs: expected an array, got \"abc\"");
  json_fails (encoder, "[{\"rs\": [\"a\", null]}]", "record 0, field rs[1]: the value is missing");
  json_fails (encoder, "[{\"ri32\": [1, 2, 2147483648]}]", "record 0, field ri32[2]: 2147483648 is out of range for int32");
  json_fails (encoder, "[{\"rv3\": [[1, 2, 3], [1, 2]]}]", "…field rv3[1]: expected 3 numbers");
  variant_fails (encoder, "[{'rs': <{'a': <1>}>}]", "record 0, field rs: expected an array, got {'a': <1>}");
  variant_fails (encoder, "[{'rs': <[@ms 'a', nothing]>}]", "record 0, field rs[1]: the value is missing");
}

/* A nested, recursive type: Outer { time, meta: Inner, bands: [Inner], count }
 * with Inner { name, gain, codes: [int32], child: Inner, when }. */
static TileboxDescPool *
nested_pool (void)
{
  static const TileboxDescFieldSpec inner[] = {
    { "name", TILEBOX_DESC_TYPE_STRING, FALSE, NULL },
    { "gain", TILEBOX_DESC_TYPE_DOUBLE, FALSE, NULL },
    { "codes", TILEBOX_DESC_TYPE_INT32, TRUE, NULL },
    { "child", TILEBOX_DESC_TYPE_MESSAGE, FALSE, "test.v1.Inner" },
    { "when", TILEBOX_DESC_TYPE_MESSAGE, FALSE, "google.protobuf.Timestamp" },
  };
  static const TileboxDescFieldSpec outer[] = {
    { "time", TILEBOX_DESC_TYPE_MESSAGE, FALSE, "google.protobuf.Timestamp" },
    { "meta", TILEBOX_DESC_TYPE_MESSAGE, FALSE, "test.v1.Inner" },
    { "bands", TILEBOX_DESC_TYPE_MESSAGE, TRUE, "test.v1.Inner" },
    { "count", TILEBOX_DESC_TYPE_INT64, FALSE, NULL },
  };
  static const char * const deps[] = { "google/protobuf/timestamp.proto", NULL };
  static const char * const outer_deps[] = { "google/protobuf/timestamp.proto", "test/v1/inner.proto", NULL };
  g_autoptr(GBytes) inner_set = _tilebox_desc_build_file_set ("test/v1/inner.proto", "test.v1", "Inner",
                                                              inner, G_N_ELEMENTS (inner), deps);
  g_autoptr(GBytes) outer_set = _tilebox_desc_build_file_set ("test/v1/outer.proto", "test.v1", "Outer",
                                                              outer, G_N_ELEMENTS (outer), outer_deps);
  TileboxDescPool *pool = _tilebox_desc_pool_new ();

  g_assert_true (_tilebox_columns_add_well_known_types (pool, NULL));
  g_assert_true (_tilebox_desc_pool_add_file_set (pool, g_bytes_get_data (inner_set, NULL),
                                                  g_bytes_get_size (inner_set), NULL));
  g_assert_true (_tilebox_desc_pool_add_file_set (pool, g_bytes_get_data (outer_set, NULL),
                                                  g_bytes_get_size (outer_set), NULL));
  return pool;
}

/* A record of Outer with `levels` Inner messages, each the child of the
 * one before. */
static char *
nested_record (guint levels)
{
  GString *text = g_string_new ("[{\"meta\": ");

  for (guint i = 1; i < levels; i++)
    g_string_append (text, "{\"child\": ");
  g_string_append (text, "{}");
  for (guint i = 1; i < levels; i++)
    g_string_append (text, "}");
  g_string_append (text, "}]");
  return g_string_free (text, FALSE);
}

static void
test_nested (void)
{
  g_autoptr(TileboxDescPool) pool = nested_pool ();
  g_autoptr(TileboxEncoder) encoder = new_encoder (pool, "test.v1.Outer");
  static const char record[] =
    "{\"time\": \"1970-01-01T00:00:01Z\","
    " \"meta\": {\"name\": \"m\", \"gain\": 0, \"codes\": [1, 2], \"child\": {\"name\": \"c\", \"when\": 2}},"
    " \"bands\": [{\"name\": \"b1\"}, {}], \"count\": 0}";
  g_autoptr(GByteArray) e = g_byte_array_new ();
  g_autoptr(GByteArray) meta = g_byte_array_new ();
  g_autoptr(GBytes) dp = NULL;
  GByteArray *sub;

  put_seconds_nanos (e, 1, 1, 0);
  _tilebox_pb_write_string (meta, 1, "m");
  _tilebox_pb_write_double (meta, 2, 0.0); /* present: written */
  {
    const guint64 codes[2] = { 1, 2 };

    put_packed_varints (meta, 3, codes, 2);
  }
  sub = g_byte_array_new ();
  _tilebox_pb_write_string (sub, 1, "c");
  put_seconds_nanos (sub, 5, 0, 2);
  put_sub (meta, 4, sub);
  _tilebox_pb_write_message (e, 2, meta);
  sub = g_byte_array_new ();
  _tilebox_pb_write_string (sub, 1, "b1");
  put_sub (e, 3, sub);
  put_sub (e, 3, g_byte_array_new ()); /* an empty message is an element */
  _tilebox_pb_write_varint (e, 4, 0);

  dp = encode_one (encoder, record);
  assert_bytes_equal (dp, e);

  /* the same from a GVariant, and with the nested message serialized */
  {
    g_autoptr(GBytes) v = encode_one_variant (
      encoder, "{'count': <int64 0>, 'bands': <[{'name': <'b1'>}, @a{sv} {}]>,"
               " 'meta': <{'codes': <[1, 2]>, 'gain': <0.0>, 'name': <'m'>,"
               " 'child': <{'when': <int64 2>, 'name': <'c'>}>}>, 'time': <int64 1000000000>}");
    g_autofree char *meta_b64 = g_base64_encode (meta->data, meta->len);
    g_autofree char *raw_record = g_strdup_printf (
      "{\"time\": 1000000000, \"meta\": \"%s\", \"bands\": [{\"name\": \"b1\"}, \"\"], \"count\": 0}", meta_b64);
    g_autoptr(GBytes) raw = encode_one (encoder, raw_record);
    g_autoptr(GString) ay = g_string_new ("{'time': <int64 1000000000>, 'count': <int64 0>, "
                                          "'bands': <[<{'name': <'b1'>}>, <@ay []>]>, 'meta': <[byte ");
    g_autoptr(GBytes) raw_variant = NULL;

    for (guint i = 0; i < meta->len; i++)
      g_string_append_printf (ay, "%s0x%02x", i > 0 ? ", " : "", meta->data[i]);
    g_string_append (ay, "]>}");
    raw_variant = encode_one_variant (encoder, ay->str);
    assert_bytes_equal (v, e);
    assert_bytes_equal (raw, e);
    assert_bytes_equal (raw_variant, e);
  }

  /* decoded, a nested message is its bytes; re-encoded, the same bytes */
  {
    g_autoptr(GPtrArray) dps = encode_json (encoder, "[{\"meta\": {\"name\": \"x\"}}, {\"count\": 3}]");
    g_autoptr(TileboxColumns) c = decode_all (pool, "test.v1.Outer", dps);

    assert_bytes (col (c, "meta"), 0, "\x0a\x01x", 3);
    g_assert_false (present (col (c, "meta"), 1));
    assert_reencodes (encoder, dps, c);
  }

  /* errors name the path down to the value */
  json_fails (encoder, "[{\"meta\": {\"gain\": \"x\"}}]", "record 0, field meta.gain: expected a number, got \"x\"");
  json_fails (encoder, "[{}, {\"bands\": [{}, {\"nope\": 1}]}]",
              "record 1, field bands[1]: unknown field “nope”: test.v1.Inner has no field of that name");
  json_fails (encoder, "[{\"meta\": {\"child\": {\"codes\": [1, 1.5]}}}]",
              "record 0, field meta.child.codes[1]: expected an integer, got 1.5");
  json_fails (encoder, "[{\"meta\": {\"id\": 1}}]",
              "record 0, field meta: unknown field “id”: test.v1.Inner has no field of that name");
  json_fails (encoder, "[{\"meta\": 5}]",
              "record 0, field meta: expected an object, or a serialized message as base64 text, got 5");
  json_fails (encoder, "[{\"meta\": \"/w==\"}]", "…record 0, field meta: not a serialized message: ");
  variant_fails (encoder, "[{'meta': <5>}]",
                 "record 0, field meta: expected a dictionary (a{sv}), or a serialized message (ay), got 5");

  /* nesting as deep as the wire allows, and no deeper */
  {
    g_autofree char *deep = nested_record (TILEBOX_PB_MAX_DEPTH);
    g_autofree char *too_deep = nested_record (TILEBOX_PB_MAX_DEPTH + 1);
    g_autoptr(GPtrArray) ok = encode_json (encoder, deep);

    g_assert_cmpuint (ok->len, ==, 1);
    json_fails (encoder, too_deep, "…field meta.child.child.");
    json_fails (encoder, too_deep, "…: messages nested more than 64 levels deep");
  }

  /* a message type the pool lacks: only as bytes */
  {
    g_autoptr(TileboxEncoder) every = every_kind_encoder ();

    json_fails (every, "[{\"other\": {\"a\": 1}}]",
                "record 0, field other: the message type test.v1.Other is not known: give the message serialized, as bytes");
  }
}

/* --- tests: presence ---------------------------------------------------------------- */

static void
test_presence (void)
{
  g_autoptr(TileboxEncoder) encoder = every_kind_encoder ();
  g_autoptr(TileboxDescPool) pool = every_kind_pool ();
  static const char records[] =
    "[{\"d\": 0, \"f\": 0, \"i32\": 0, \"u64\": 0, \"s64\": 0, \"sf32\": 0, \"b\": false, \"s\": \"\","
    "  \"by\": \"\", \"level\": 0, \"time\": 0, \"duration\": 0, \"tid\": \"00000000-0000-0000-0000-000000000000\","
    "  \"v3\": [0, 0, 0]},"
    " {\"d\": null, \"s\": null, \"rd\": null, \"time\": null},"
    " {\"rd\": [], \"rs\": [\"\"]}]";
  static const char * const sent[] = {
    "d", "f", "i32", "u64", "s64", "sf32", "b", "s", "by", "level", "time", "duration", "tid", "v3", NULL
  };
  g_autoptr(GPtrArray) dps = encode_json (encoder, records);
  g_autoptr(TileboxColumns) c = decode_all (pool, EVERY_KIND_MESSAGE, dps);
  g_autoptr(GByteArray) e = g_byte_array_new ();

  /* present zeros are written, missing values are not */
  _tilebox_pb_write_double (e, EK_DOUBLE, 0);
  _tilebox_pb_write_float (e, EK_FLOAT, 0);
  _tilebox_pb_write_varint (e, EK_INT32, 0);
  _tilebox_pb_write_varint (e, EK_UINT64, 0);
  _tilebox_pb_write_sint (e, EK_SINT64, 0);
  _tilebox_pb_write_fixed32 (e, EK_SFIXED32, 0);
  _tilebox_pb_write_bool (e, EK_BOOL, FALSE);
  _tilebox_pb_write_string (e, EK_STRING, "");
  _tilebox_pb_write_bytes (e, EK_BYTES, NULL, 0);
  _tilebox_pb_write_varint (e, EK_ENUM, 0);
  put_seconds_nanos (e, EK_TIME, 0, 0);
  put_seconds_nanos (e, EK_DURATION, 0, 0);
  put_uuid (e, EK_ID, nil_uuid);
  put_doubles (e, EK_VEC3, vec3_value, 0);
  assert_bytes_equal (g_ptr_array_index (dps, 0), e);
  g_assert_cmpuint (g_bytes_get_size (g_ptr_array_index (dps, 1)), ==, 0);
  g_byte_array_set_size (e, 0);
  _tilebox_pb_write_string (e, EK_R_STRING, "");
  assert_bytes_equal (g_ptr_array_index (dps, 2), e);

  for (guint i = 0; i < c->columns->len; i++)
    {
      const TileboxColumn *column = g_ptr_array_index (c->columns, i);

      g_assert_cmpint (present (column, 0), ==, g_strv_contains (sent, column->field->name));
      g_assert_false (present (column, 1));
      g_assert_cmpint (present (column, 2), ==, strcmp (column->field->name, "rs") == 0);
    }
  assert_reencodes (encoder, dps, c);

  /* GVariant: an absent key or a maybe without a value is missing */
  {
    g_autoptr(GPtrArray) v = encode_variant (
      encoder, "[{'d': <@md nothing>, 's': <@ms nothing>, 'i32': <@mi 0>}, {'d': <<<@md 0.0>>>}]");

    g_byte_array_set_size (e, 0);
    _tilebox_pb_write_varint (e, EK_INT32, 0);
    assert_bytes_equal (g_ptr_array_index (v, 0), e);
    g_byte_array_set_size (e, 0);
    _tilebox_pb_write_double (e, EK_DOUBLE, 0);
    assert_bytes_equal (g_ptr_array_index (v, 1), e);
  }
}

/* A proto3 file written by hand: implicit presence, a proto3 optional, a
 * real oneof, repeated scalars packed by default and one unpacked. */
static GBytes *
proto3_set (void)
{
  GByteArray *set = g_byte_array_new ();
  GByteArray *file = g_byte_array_new ();
  GByteArray *message = g_byte_array_new ();
  GByteArray *oneof;
  static const struct {
    const char *name;
    TileboxDescType type;
    gboolean repeated;
    gint oneof;                    /* -1: none */
    gboolean optional;
    gboolean unpacked;
  } fields[] = {
    { "a", TILEBOX_DESC_TYPE_INT32, FALSE, -1, FALSE, FALSE },
    { "s", TILEBOX_DESC_TYPE_STRING, FALSE, -1, FALSE, FALSE },
    { "opt", TILEBOX_DESC_TYPE_INT32, FALSE, 0, TRUE, FALSE },
    { "x", TILEBOX_DESC_TYPE_INT32, FALSE, 1, FALSE, FALSE },
    { "y", TILEBOX_DESC_TYPE_STRING, FALSE, 1, FALSE, FALSE },
    { "r", TILEBOX_DESC_TYPE_INT32, TRUE, -1, FALSE, FALSE },
    { "u", TILEBOX_DESC_TYPE_INT32, TRUE, -1, FALSE, TRUE },
    { "by", TILEBOX_DESC_TYPE_BYTES, FALSE, -1, FALSE, FALSE },
    { "e", TILEBOX_DESC_TYPE_ENUM, FALSE, -1, FALSE, FALSE },
  };

  _tilebox_pb_write_string (message, 1, "P3");
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      GByteArray *f = g_byte_array_new ();

      _tilebox_pb_write_string (f, 1, fields[i].name);
      _tilebox_pb_write_varint (f, 3, i + 1);
      _tilebox_pb_write_varint (f, 4, fields[i].repeated ? TILEBOX_DESC_LABEL_REPEATED
                                                         : TILEBOX_DESC_LABEL_OPTIONAL);
      _tilebox_pb_write_varint (f, 5, fields[i].type);
      if (fields[i].type == TILEBOX_DESC_TYPE_ENUM)
        _tilebox_pb_write_string (f, 6, ".datasets.v1.FlightDirection");
      if (fields[i].unpacked)
        {
          GByteArray *options = g_byte_array_new ();

          _tilebox_pb_write_bool (options, 2, FALSE);
          put_sub (f, 8, options);
        }
      if (fields[i].oneof >= 0)
        _tilebox_pb_write_varint (f, 9, (guint64) fields[i].oneof);
      if (fields[i].optional)
        _tilebox_pb_write_bool (f, 17, TRUE);
      put_sub (message, 2, f);
    }
  oneof = g_byte_array_new ();
  _tilebox_pb_write_string (oneof, 1, "_opt");
  put_sub (message, 8, oneof);
  oneof = g_byte_array_new ();
  _tilebox_pb_write_string (oneof, 1, "choice");
  put_sub (message, 8, oneof);

  _tilebox_pb_write_string (file, 1, "test/p3.proto");
  _tilebox_pb_write_string (file, 2, "test.p3");
  put_sub (file, 4, message);
  _tilebox_pb_write_string (file, 12, "proto3");
  put_sub (set, 1, file);
  return g_byte_array_free_to_bytes (set);
}

static void
test_proto3 (void)
{
  g_autoptr(TileboxDescPool) pool = _tilebox_desc_pool_new ();
  g_autoptr(GBytes) set = proto3_set ();
  g_autoptr(TileboxEncoder) encoder = NULL;
  g_autoptr(GByteArray) e = g_byte_array_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (_tilebox_columns_add_well_known_types (pool, NULL));
  g_assert_true (_tilebox_desc_pool_add_file_set (pool, g_bytes_get_data (set, NULL), g_bytes_get_size (set), &error));
  g_assert_no_error (error);
  encoder = new_encoder (pool, "test.p3.P3");

  /* implicit presence: zero and empty are left out, as protobuf does;
   * proto3 optional and oneof members are written */
  _tilebox_pb_write_varint (e, 3, 0);
  _tilebox_pb_write_varint (e, 4, 0);
  assert_field (encoder, "{\"a\": 0, \"s\": \"\", \"by\": \"\", \"e\": \"UNSPECIFIED\", \"opt\": 0, \"x\": 0}", e);
  g_byte_array_set_size (e, 0);
  _tilebox_pb_write_varint (e, 1, 5);
  _tilebox_pb_write_string (e, 2, "s");
  _tilebox_pb_write_string (e, 5, "y");
  _tilebox_pb_write_bytes (e, 8, (const guint8 *) "a", 1);
  _tilebox_pb_write_varint (e, 9, 2);
  assert_field (encoder, "{\"a\": 5, \"s\": \"s\", \"y\": \"y\", \"by\": \"YQ==\", \"e\": \"DESCENDING\"}", e);

  /* packed by default, unpacked when the descriptor says so; repeated
   * zeros are elements */
  g_byte_array_set_size (e, 0);
  {
    const guint64 r[3] = { 1, 0, 2 };

    put_packed_varints (e, 6, r, 3);
  }
  _tilebox_pb_write_varint (e, 7, 1);
  _tilebox_pb_write_varint (e, 7, 0);
  assert_field (encoder, "{\"u\": [1, 0], \"r\": [1, 0, 2]}", e);

  {
    g_autoptr(GPtrArray) dps = encode_json (encoder, "[{\"u\": [1, 0], \"r\": [1, 0, 2], \"a\": 0, \"opt\": 0}, {}]");
    g_autoptr(TileboxColumns) c = decode_all (pool, "test.p3.P3", dps);

    assert_reencodes (encoder, dps, c);
  }

  json_fails (encoder, "[{\"y\": \"b\", \"x\": 1}]",
              "record 0: x and y are both set, but only one field of the oneof choice may be");
  /* the synthetic oneof of a proto3 optional field is no constraint */
  {
    g_autoptr(GPtrArray) dps = encode_json (encoder, "[{\"opt\": 1, \"a\": 1, \"x\": 2}]");

    g_assert_cmpuint (dps->len, ==, 1);
  }
}

/* A proto2 file with a group: message G { optional group Item = 1 { optional int32 v = 2; } } */
static void
test_group (void)
{
  g_autoptr(TileboxDescPool) pool = _tilebox_desc_pool_new ();
  g_autoptr(TileboxEncoder) encoder = NULL;
  g_autoptr(GByteArray) set = g_byte_array_new ();
  GByteArray *file = g_byte_array_new ();
  GByteArray *message = g_byte_array_new ();
  GByteArray *item = g_byte_array_new ();
  GByteArray *f = g_byte_array_new ();
  g_autoptr(GByteArray) e = g_byte_array_new ();
  g_autoptr(GError) error = NULL;

  _tilebox_pb_write_string (f, 1, "v");
  _tilebox_pb_write_varint (f, 3, 2);
  _tilebox_pb_write_varint (f, 4, TILEBOX_DESC_LABEL_OPTIONAL);
  _tilebox_pb_write_varint (f, 5, TILEBOX_DESC_TYPE_INT32);
  _tilebox_pb_write_string (item, 1, "Item");
  put_sub (item, 2, f);
  f = g_byte_array_new ();
  _tilebox_pb_write_string (f, 1, "item");
  _tilebox_pb_write_varint (f, 3, 1);
  _tilebox_pb_write_varint (f, 4, TILEBOX_DESC_LABEL_OPTIONAL);
  _tilebox_pb_write_varint (f, 5, TILEBOX_DESC_TYPE_GROUP);
  _tilebox_pb_write_string (f, 6, ".test.p2.G.Item");
  _tilebox_pb_write_string (message, 1, "G");
  put_sub (message, 2, f);
  put_sub (message, 3, item);
  _tilebox_pb_write_string (file, 1, "test/p2.proto");
  _tilebox_pb_write_string (file, 2, "test.p2");
  put_sub (file, 4, message);
  put_sub (set, 1, file);
  g_assert_true (_tilebox_desc_pool_add_file_set (pool, set->data, set->len, &error));
  g_assert_no_error (error);
  encoder = new_encoder (pool, "test.p2.G");

  _tilebox_pb_write_tag (e, 1, TILEBOX_PB_WIRE_SGROUP);
  _tilebox_pb_write_varint (e, 2, 5);
  _tilebox_pb_write_tag (e, 1, TILEBOX_PB_WIRE_EGROUP);
  assert_field (encoder, "{\"item\": {\"v\": 5}}", e);
  assert_field (encoder, "{\"item\": \"EAU=\"}", e); /* the group's contents, serialized */
  {
    g_autoptr(GPtrArray) dps = encode_json (encoder, "[{\"item\": {\"v\": 5}}, {\"item\": {}}, {}]");
    g_autoptr(TileboxColumns) c = decode_all (pool, "test.p2.G", dps);

    assert_bytes (col (c, "item"), 0, "\x10\x05", 2);
    assert_reencodes (encoder, dps, c);
  }
}

/* --- tests: the server's fields ---------------------------------------------------- */

static void
test_server_fields (void)
{
  g_autoptr(TileboxEncoder) encoder = every_kind_encoder ();
  g_autoptr(TileboxDescPool) pool = every_kind_pool ();
  g_autoptr(GBytes) plain = encode_one (encoder, "{\"d\": 1}");
  g_autoptr(GByteArray) e = g_byte_array_new ();

  /* id is a field of EveryKind, ingestion_time is not: both are skipped,
   * whatever their values */
  _tilebox_pb_write_double (e, EK_DOUBLE, 1);
  assert_bytes_equal (plain, e);
  assert_field (encoder, "{\"id\": \"01941f29-c650-202f-6495-c71dd2118fb1\", \"d\": 1, "
                         "\"ingestion_time\": \"2025-01-01T00:00:00Z\"}", e);
  assert_field (encoder, "{\"id\": \"not a uuid\", \"ingestion_time\": [5], \"d\": 1}", e);
  {
    g_autoptr(GBytes) v = encode_one_variant (encoder, "{'id': <'x'>, 'ingestion_time': <int64 5>, 'd': <1.0>}");
    g_autoptr(JsonNode) cols = json ("{\"id\": [\"x\", \"y\"], \"d\": [1, 1], \"ingestion_time\": [null, 3]}");
    g_autoptr(GPtrArray) from_columns = _tilebox_encoder_encode_json (encoder, cols, NULL);

    assert_bytes_equal (v, e);
    g_assert_cmpuint (from_columns->len, ==, 2);
    assert_bytes_equal (g_ptr_array_index (from_columns, 0), e);
    assert_bytes_equal (g_ptr_array_index (from_columns, 1), e);
  }

  /* decoded datapoints with an id (as the service sends them) are
   * re-encoded without it */
  {
    g_autoptr(TileboxColumns) c = _tilebox_columns_new (pool, EVERY_KIND_MESSAGE, NULL);
    g_autoptr(GByteArray) with_id = g_byte_array_new ();
    g_autoptr(GPtrArray) again = NULL;

    _tilebox_pb_write_double (with_id, EK_DOUBLE, 1);
    put_uuid (with_id, EK_UUID, uuid_a);
    g_assert_true (_tilebox_columns_append (c, with_id->data, with_id->len, NULL));
    again = _tilebox_encoder_encode_columns (encoder, c, NULL);
    g_assert_cmpuint (again->len, ==, 1);
    assert_bytes_equal (g_ptr_array_index (again, 0), e);
  }

  /* only at the top level */
  {
    g_autoptr(TileboxDescPool) nested = nested_pool ();
    g_autoptr(TileboxEncoder) outer = new_encoder (nested, "test.v1.Outer");

    json_fails (outer, "[{\"bands\": [{\"ingestion_time\": 1}]}]",
                "record 0, field bands[0]: unknown field “ingestion_time”: test.v1.Inner has no field of that name");
  }
}

/* --- tests: determinism and round trips ------------------------------------------------ */

static void
test_determinism (void)
{
  g_autoptr(TileboxEncoder) encoder = every_kind_encoder ();
  g_autofree char *rows_text = g_strdup_printf ("[%s, {\"d\": 1, \"rs\": [\"x\"]}, {}, %s]",
                                                every_kind_json, every_kind_json);
  g_autofree char *variant_text = g_strdup_printf ("[%s, {'rs': <['x']>, 'd': <1.0>}, @a{sv} {}, %s]",
                                                   every_kind_variant, every_kind_variant);
  g_autoptr(JsonNode) rows = json (rows_text);
  g_autoptr(JsonNode) columns = rows_to_columns (rows);
  g_autoptr(GPtrArray) first = encode_json (encoder, rows_text);
  g_autoptr(GPtrArray) second = encode_json (encoder, rows_text);
  g_autoptr(GPtrArray) from_columns = _tilebox_encoder_encode_json (encoder, columns, NULL);
  g_autoptr(GPtrArray) from_variant = encode_variant (encoder, variant_text);
  g_autoptr(GByteArray) expected = every_kind_expected ();

  g_assert_cmpuint (first->len, ==, 4);
  assert_same_datapoints (first, second);
  g_assert_nonnull (from_columns);
  assert_same_datapoints (first, from_columns);
  assert_same_datapoints (first, from_variant);
  assert_bytes_equal (g_ptr_array_index (first, 0), expected);
  assert_bytes_equal (g_ptr_array_index (first, 3), expected);

  /* the order of the keys does not matter */
  {
    g_autoptr(GBytes) a = encode_one (encoder, "{\"rs\": [\"x\"], \"d\": 1}");

    g_assert_true (g_bytes_equal (a, g_ptr_array_index (first, 1)));
  }
}

static void
test_round_trip (void)
{
  g_autoptr(TileboxEncoder) encoder = every_kind_encoder ();
  g_autoptr(TileboxDescPool) pool = every_kind_pool ();
  g_autofree char *text = g_strdup_printf ("[%s, {\"i32\": 0, \"rs\": [\"x\"]}, {}, %s]",
                                           every_kind_json, every_kind_json);
  g_autoptr(GPtrArray) dps = encode_json (encoder, text);
  g_autoptr(TileboxColumns) c = decode_all (pool, EVERY_KIND_MESSAGE, dps);

  /* every value and its presence as given */
  check_every_kind (c, 0);
  check_every_kind (c, 3);
  for (guint i = 0; i < c->columns->len; i++)
    {
      const TileboxColumn *column = g_ptr_array_index (c->columns, i);

      g_assert_cmpint (present (column, 1), ==,
                       strcmp (column->field->name, "i32") == 0 || strcmp (column->field->name, "rs") == 0);
      g_assert_false (present (column, 2));
    }
  g_assert_cmpint (get_i32 (col (c, "i32"), 1), ==, 0);

  /* the decoded columns give the same bytes again, and again from them */
  assert_reencodes (encoder, dps, c);
  {
    g_autoptr(GPtrArray) again = _tilebox_encoder_encode_columns (encoder, c, NULL);
    g_autoptr(TileboxColumns) c2 = decode_all (pool, EVERY_KIND_MESSAGE, again);

    check_every_kind (c2, 0);
    assert_reencodes (encoder, dps, c2);
  }

  /* a geometry as the service sends it (EWKB) is written back as it came,
   * SRID included, so that the datapoint keeps its id; garbage is refused */
  {
    g_autoptr(TileboxColumns) from_service = _tilebox_columns_new (pool, EVERY_KIND_MESSAGE, NULL);
    g_autoptr(GByteArray) sent = g_byte_array_new ();
    g_autoptr(GByteArray) e = g_byte_array_new ();
    g_autoptr(GPtrArray) again = NULL;

    put_wkb (sent, EK_GEOMETRY, ewkb_point, sizeof ewkb_point);
    g_assert_true (_tilebox_columns_append (from_service, sent->data, sent->len, NULL));
    again = _tilebox_encoder_encode_columns (encoder, from_service, NULL);
    put_wkb (e, EK_GEOMETRY, ewkb_point, sizeof ewkb_point);
    assert_bytes_equal (g_ptr_array_index (again, 0), e);
  }
  {
    static const guint8 not_wkb[] = { 0x01, 0xff, 0xff, 0xff, 0x7f };
    g_autoptr(TileboxColumns) broken = _tilebox_columns_new (pool, EVERY_KIND_MESSAGE, NULL);
    g_autoptr(GByteArray) sent = g_byte_array_new ();
    g_autoptr(GError) error = NULL;

    put_wkb (sent, EK_GEOMETRY, not_wkb, sizeof not_wkb);
    g_assert_true (_tilebox_columns_append (broken, sent->data, sent->len, NULL));
    g_assert_null (_tilebox_encoder_encode_columns (encoder, broken, &error));
    g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
  }
}

/* What the library hands out for loaded datapoints goes back in as it is:
 * TileboxDatapoints as JSON, each TileboxDatapoint as a GVariant, and
 * their columns all give the bytes the datapoints were decoded from. */
static void
test_datapoints (void)
{
  static const char * const deps[] = {
    "google/protobuf/timestamp.proto", "google/protobuf/duration.proto",
    "datasets/v1/well_known_types.proto", NULL
  };
  g_auto(TileboxPbAnnotatedType) type = { 0 };
  g_autoptr(TileboxSchema) schema = NULL;
  g_autoptr(TileboxEncoder) encoder = NULL;
  g_autoptr(TileboxColumns) columns = NULL;
  g_autoptr(TileboxDatapoints) datapoints = NULL;
  g_autoptr(JsonNode) as_json = NULL;
  g_autoptr(GPtrArray) from_json = NULL;
  g_autoptr(GPtrArray) from_variants = NULL;
  g_autoptr(GVariant) records = NULL;
  g_autoptr(GError) error = NULL;
  GVariantBuilder builder;
  g_autofree char *text = g_strdup_printf (
    "[%s, {\"i32\": 0, \"rs\": [\"x\"], \"time\": \"2025-06-01T12:00:00.000000001Z\"}, {}]", every_kind_json);
  g_autoptr(GPtrArray) dps = NULL;

  type.descriptor_set = _tilebox_desc_build_file_set ("test/v1/every_kind.proto", "test.v1", "EveryKind",
                                                      every_kind_fields, G_N_ELEMENTS (every_kind_fields),
                                                      deps);
  type.type_url = g_strdup (EVERY_KIND_MESSAGE);
  schema = _tilebox_schema_new_from_pb (&type, &error);
  g_assert_no_error (error);
  encoder = new_encoder (_tilebox_schema_get_pool (schema), EVERY_KIND_MESSAGE);

  /* decoded with an id, as the service sends datapoints */
  dps = encode_json (encoder, text);
  columns = _tilebox_columns_new (_tilebox_schema_get_pool (schema), EVERY_KIND_MESSAGE, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < dps->len; i++)
    {
      g_autoptr(GByteArray) with_id = g_byte_array_new ();
      gsize len;
      const guint8 *data = g_bytes_get_data (g_ptr_array_index (dps, i), &len);

      g_byte_array_append (with_id, data, (guint) len);
      put_uuid (with_id, EK_UUID, uuid_a);
      g_assert_true (_tilebox_columns_append (columns, with_id->data, with_id->len, &error));
      g_assert_no_error (error);
    }
  datapoints = _tilebox_datapoints_new (schema, columns);

  as_json = tilebox_datapoints_to_json (datapoints);
  from_json = _tilebox_encoder_encode_json (encoder, as_json, &error);
  g_assert_no_error (error);
  assert_same_datapoints (dps, from_json);

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < tilebox_datapoints_get_n_rows (datapoints); i++)
    {
      g_autoptr(TileboxDatapoint) datapoint = tilebox_datapoints_get_datapoint (datapoints, i);
      g_autoptr(GVariant) record = tilebox_datapoint_to_variant (datapoint);

      g_variant_builder_add_value (&builder, record);
    }
  records = g_variant_ref_sink (g_variant_builder_end (&builder));
  from_variants = _tilebox_encoder_encode_variant (encoder, records, &error);
  g_assert_no_error (error);
  assert_same_datapoints (dps, from_variants);

  assert_reencodes (encoder, dps, _tilebox_datapoints_get_columns (datapoints));
}

static void
test_columns_errors (void)
{
  g_autoptr(TileboxEncoder) encoder = every_kind_encoder ();
  g_autoptr(TileboxDescPool) nested = nested_pool ();
  g_autoptr(TileboxColumns) other = _tilebox_columns_new (nested, "test.v1.Outer", NULL);
  g_autoptr(TileboxDescPool) pool = every_kind_pool ();
  g_autoptr(TileboxColumns) bad_wkb = _tilebox_columns_new (pool, EVERY_KIND_MESSAGE, NULL);
  g_autoptr(GByteArray) dp = g_byte_array_new ();
  g_autoptr(GPtrArray) out = NULL;
  g_autoptr(GError) error = NULL;

  out = _tilebox_encoder_encode_columns (encoder, other, &error);
  assert_encode_error (out, error, "The datapoints are of type test.v1.Outer, not test.v1.EveryKind");
  g_clear_error (&error);

  /* the same name, other fields */
  {
    static const TileboxDescFieldSpec fields[] = {
      { "d", TILEBOX_DESC_TYPE_FLOAT, FALSE, NULL },
    };
    g_autoptr(TileboxDescPool) changed = _tilebox_desc_pool_new ();
    g_autoptr(GBytes) set = _tilebox_desc_build_file_set ("e.proto", "test.v1", "EveryKind", fields, 1, NULL);
    g_autoptr(TileboxColumns) c = NULL;
    g_autoptr(GPtrArray) none = NULL;

    g_assert_true (_tilebox_desc_pool_add_file_set (changed, g_bytes_get_data (set, NULL), g_bytes_get_size (set), NULL));
    c = _tilebox_columns_new (changed, EVERY_KIND_MESSAGE, NULL);
    none = _tilebox_encoder_encode_columns (encoder, c, &error);
    assert_encode_error (none, error, "The field d of the datapoints does not match the type test.v1.EveryKind");
    g_clear_error (&error);
  }

  /* a row with WKB that does not read: the record is named */
  _tilebox_pb_write_double (dp, EK_DOUBLE, 1);
  g_assert_true (_tilebox_columns_append (bad_wkb, dp->data, dp->len, NULL));
  put_wkb (dp, EK_GEOMETRY, (const guint8 *) "\x01\x01", 2);
  g_assert_true (_tilebox_columns_append (bad_wkb, dp->data, dp->len, NULL));
  g_clear_pointer (&out, g_ptr_array_unref);
  out = _tilebox_encoder_encode_columns (encoder, bad_wkb, &error);
  assert_encode_error (out, error, "…record 1, field geometry: Malformed WKB");
  g_clear_error (&error);

  /* an element of a repeated one */
  g_byte_array_set_size (dp, 0);
  put_wkb (dp, EK_R_GEOMETRY, wkb_point_1_2, sizeof wkb_point_1_2);
  put_wkb (dp, EK_R_GEOMETRY, (const guint8 *) "\x01\x01", 2);
  {
    g_autoptr(TileboxColumns) c = _tilebox_columns_new (pool, EVERY_KIND_MESSAGE, NULL);
    g_autoptr(GPtrArray) none = NULL;

    g_assert_true (_tilebox_columns_append (c, dp->data, dp->len, NULL));
    none = _tilebox_encoder_encode_columns (encoder, c, &error);
    assert_encode_error (none, error, "…record 0, field rgeometry[1]: Malformed WKB");
  }
}

/* --- tests: errors ---------------------------------------------------------------------- */

static void
test_errors (void)
{
  g_autoptr(TileboxEncoder) encoder = every_kind_encoder ();

  /* one bad record among good ones: nothing at all */
  json_fails (encoder, "[{\"d\": 1}, {\"d\": 2}, {\"d\": \"high\"}, {\"d\": 4}]",
              "record 2, field d: expected a number, got \"high\"");
  json_fails (encoder, "[{\"d\": 1}, {\"nope\": 1, \"d\": 2}]",
              "record 1: unknown field “nope”: test.v1.EveryKind has no field of that name");
  json_fails (encoder, "[{\"d\": 1}, {\"nope\": null}]",
              "record 1: unknown field “nope”: test.v1.EveryKind has no field of that name");
  json_fails (encoder, "[{}, 5]", "record 1: expected an object, got 5");
  json_fails (encoder, "[null]", "record 0: expected an object, got null");
  json_fails (encoder, "[{\"s\": \"x\", \"b\": \"yes\"}]", "record 0, field b: expected true or false, got \"yes\"");
  json_fails (encoder, "5", "Expected an array of records or an object of columns, got 5");
  json_fails (encoder, "\"records\"", "Expected an array of records or an object of columns, got \"records\"");

  /* a long value is cut short in the message */
  {
    g_autoptr(GString) long_text = g_string_new ("[{\"d\": \"");
    g_autoptr(JsonNode) node = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) out = NULL;

    for (guint i = 0; i < 100; i++)
      g_string_append (long_text, "\303\251");
    g_string_append (long_text, "\"}]");
    node = json (long_text->str);
    out = _tilebox_encoder_encode_json (encoder, node, &error);
    assert_encode_error (out, error, "…\303\251\303\251…");
    g_assert_true (g_utf8_validate (error->message, -1, NULL));
    g_assert_cmpuint (g_utf8_strlen (error->message, -1), <, 120);
  }

  /* columns */
  json_fails (encoder, "{\"d\": [1, 2], \"f\": [1]}",
              "Column “f” has 1 value, but column “d” has 2: every column holds one value per record");
  json_fails (encoder, "{\"d\": 5}",
              "Column “d” is not an array: an object of columns holds one array of values per field");
  json_fails (encoder, "{\"d\": [1], \"nope\": [1]}", "Unknown field “nope”: test.v1.EveryKind has no field of that name");
  json_fails (encoder, "{\"d\": [1, \"x\"]}", "record 1, field d: expected a number, got \"x\"");
  {
    /* a null column is all missing */
    g_autoptr(GPtrArray) out = encode_json (encoder, "{\"d\": [1, null], \"s\": null}");

    g_assert_cmpuint (out->len, ==, 2);
    g_assert_cmpuint (g_bytes_get_size (g_ptr_array_index (out, 1)), ==, 0);
  }

  /* GVariant */
  {
    g_autoptr(GVariant) wrong = g_variant_ref_sink (g_variant_new_strv (NULL, 0));
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) out = _tilebox_encoder_encode_variant (encoder, wrong, &error);

    assert_encode_error (out, error, "Expected records of type aa{sv}, got type as");
  }
  variant_fails (encoder, "[{'d': <1.0>}, {'d': <1.0>, 'd': <2.0>}]", "record 1, field d: the field is given twice");
  variant_fails (encoder, "[{'nope': <1>}]", "record 0: unknown field “nope”: test.v1.EveryKind has no field of that name");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/encoder/new", test_new);
  g_test_add_func ("/encoder/empty", test_empty);
  g_test_add_func ("/encoder/every-kind", test_every_kind);
  g_test_add_func ("/encoder/scalar-limits", test_scalar_limits);
  g_test_add_func ("/encoder/bytes", test_bytes);
  g_test_add_func ("/encoder/enums", test_enums);
  g_test_add_func ("/encoder/well-known/timestamps", test_timestamps);
  g_test_add_func ("/encoder/well-known/durations", test_durations);
  g_test_add_func ("/encoder/well-known/uuids", test_uuids);
  g_test_add_func ("/encoder/well-known/geometry", test_geometry);
  g_test_add_func ("/encoder/well-known/vectors", test_vectors);
  g_test_add_func ("/encoder/repeated", test_repeated);
  g_test_add_func ("/encoder/nested", test_nested);
  g_test_add_func ("/encoder/presence/explicit", test_presence);
  g_test_add_func ("/encoder/presence/proto3", test_proto3);
  g_test_add_func ("/encoder/group", test_group);
  g_test_add_func ("/encoder/server-fields", test_server_fields);
  g_test_add_func ("/encoder/determinism", test_determinism);
  g_test_add_func ("/encoder/round-trip", test_round_trip);
  g_test_add_func ("/encoder/datapoints", test_datapoints);
  g_test_add_func ("/encoder/columns-errors", test_columns_errors);
  g_test_add_func ("/encoder/errors", test_errors);

  return g_test_run ();
}
