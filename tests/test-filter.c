/* test-filter.c: field filters and spatial filters of queries
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The text form (parse and print), the checks against a dataset's schema
 * and the conversion of values to what a field holds, and the request a
 * query with filters sends. The schemas are the local server's demo
 * datasets, fetched through the client.
 */

#include "config.h"

#include <string.h>

#include "tilebox.h"
#include "tilebox-filter-private.h"
#include "tilebox-query-private.h"
#include "tilebox-server-private.h"

static TileboxServerThread *server_thread;
static TileboxClient *client;
static TileboxDataset *sentinel2;
static TileboxDataset *weather;

static TileboxFilter *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  TileboxFilter *filter = tilebox_filter_new_parse (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (filter);
  return filter;
}

/* Built node by node, the filters print as CQL2 text. */
static void
test_build_and_print (void)
{
  g_autoptr(TileboxFilter) clear = tilebox_filter_new_compare ("cloud_cover", TILEBOX_FILTER_OP_LT,
                                                               g_variant_new_double (20));
  g_autoptr(TileboxFilter) level = tilebox_filter_new_compare ("processing_level", TILEBOX_FILTER_OP_EQ,
                                                               g_variant_new_string ("L1C"));
  g_autoptr(TileboxFilter) no_humidity = tilebox_filter_new_is_null ("humidity");
  g_autoptr(TileboxFilter) has_humidity = tilebox_filter_new_not (no_humidity);
  g_autoptr(TileboxFilter) odd_name = tilebox_filter_new_compare ("the \"name\"", TILEBOX_FILTER_OP_NE,
                                                                  g_variant_new_string ("it's"));
  TileboxFilter *either_operands[] = { clear, level };
  g_autoptr(TileboxFilter) either = tilebox_filter_new_or (either_operands, 2);
  TileboxFilter *all_operands[] = { either, has_humidity, odd_name };
  g_autoptr(TileboxFilter) all = tilebox_filter_new_and (all_operands, 3);
  g_autofree char *text = tilebox_filter_to_string (all);

  g_assert_cmpstr (text, ==,
                   "(cloud_cover < 20.0 OR processing_level = 'L1C') AND humidity IS NOT NULL "
                   "AND \"the \"\"name\"\"\" <> 'it''s'");

  g_assert_cmpint (tilebox_filter_get_kind (all), ==, TILEBOX_FILTER_KIND_AND);
  g_assert_cmpuint (tilebox_filter_get_n_operands (all), ==, 3);
  g_assert_true (tilebox_filter_get_operand (all, 0) == either);
  g_assert_null (tilebox_filter_get_field (all));
  g_assert_null (tilebox_filter_get_value (all));
  g_assert_cmpstr (tilebox_filter_get_field (clear), ==, "cloud_cover");
  g_assert_cmpint (tilebox_filter_get_op (clear), ==, TILEBOX_FILTER_OP_LT);
  g_assert_cmpfloat (g_variant_get_double (tilebox_filter_get_value (clear)), ==, 20.0);
  g_assert_cmpuint (tilebox_filter_get_n_operands (clear), ==, 0);
  g_assert_cmpuint (_tilebox_filter_get_n_nodes (all), ==, 7);
  g_assert_cmpuint (_tilebox_filter_get_depth (all), ==, 3);
  g_assert_cmpuint (_tilebox_filter_get_depth (clear), ==, 1);
}

/* What to_string writes, new_parse reads back into an equal filter. */
static void
test_parse_roundtrip (void)
{
  static const char *const texts[] = {
    "cloud_cover < 20",
    "cloud_cover <= -1.5e3",
    "orbit_number >= 18446744073709551615",
    "orbit_number > -9223372036854775808",
    "rain = TRUE AND station <> 'Berlin'",
    "a = 1 OR b = 2 AND c = 3",
    "(a = 1 OR b = 2) AND c = 3",
    "NOT (a = 1 OR b IS NULL)",
    "NOT NOT a IS NOT NULL",
    "raw = X'00ff10'",
    "time >= TIMESTAMP('2025-01-01T00:00:00Z')",
    "\"odd name\" = 'x''y'",
    "\"AND\" = 1",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(TileboxFilter) filter = parse (texts[i]);
      g_autofree char *printed = tilebox_filter_to_string (filter);
      g_autoptr(TileboxFilter) again = parse (printed);
      g_autofree char *printed_again = tilebox_filter_to_string (again);

      g_test_message ("%s -> %s", texts[i], printed);
      g_assert_true (tilebox_filter_equal (filter, again));
      g_assert_cmpstr (printed, ==, printed_again);
    }
}

/* AND binds tighter than OR, keywords are case-insensitive, literals get
 * the narrowest fitting GVariant type. */
static void
test_parse_meaning (void)
{
  g_autoptr(TileboxFilter) f = parse ("a = 1 or B = 2.5 AnD c is not null");
  g_autoptr(TileboxFilter) big = parse ("n = 18446744073709551615");
  g_autoptr(TileboxFilter) at = parse ("t < TIMESTAMP( '2025-01-01' )");
  TileboxFilter *and;

  g_assert_cmpint (tilebox_filter_get_kind (f), ==, TILEBOX_FILTER_KIND_OR);
  g_assert_cmpuint (tilebox_filter_get_n_operands (f), ==, 2);
  g_assert_true (g_variant_is_of_type (tilebox_filter_get_value (tilebox_filter_get_operand (f, 0)),
                                       G_VARIANT_TYPE_INT64));
  and = tilebox_filter_get_operand (f, 1);
  g_assert_cmpint (tilebox_filter_get_kind (and), ==, TILEBOX_FILTER_KIND_AND);
  g_assert_cmpstr (tilebox_filter_get_field (tilebox_filter_get_operand (and, 0)), ==, "B");
  g_assert_true (g_variant_is_of_type (tilebox_filter_get_value (tilebox_filter_get_operand (and, 0)),
                                       G_VARIANT_TYPE_DOUBLE));
  g_assert_cmpint (tilebox_filter_get_kind (tilebox_filter_get_operand (and, 1)), ==, TILEBOX_FILTER_KIND_NOT);

  g_assert_true (g_variant_is_of_type (tilebox_filter_get_value (big), G_VARIANT_TYPE_UINT64));
  g_assert_cmpstr (g_variant_get_string (tilebox_filter_get_value (at), NULL), ==, "2025-01-01");
}

/* Text that is not a filter is refused with the position of the problem,
 * never a crash; nesting is bounded. */
static void
test_parse_errors (void)
{
  static const struct { const char *text; const char *where; } cases[] = {
    { "", "at the end" },
    { "   ", "at the end" },
    { "cloud_cover", "at the end" },
    { "cloud_cover =", "at the end" },
    { "cloud_cover = 'x", "closing quote" },
    { "(a = 1", "at the end" },
    { "a = 1 b = 2", "position 7" },
    { "AND = 1", "position 1" },
    { "a IS", "at the end" },
    { "a IS NOT", "at the end" },
    { "a = 99999999999999999999", "position 5" },
    { "a = -99999999999999999999", "position 5" },
    { "a = 1.5.5", "position 5" },
    { "a == 1", "position 4" },
    { "a = X'0g'", "position 5" },
    { "a = X'0'", "position 5" },
    { "t = TIMESTAMP('yesterday')", "position 15" },
    { "t = TIMESTAMP 'x'", "position 15" },
    { "\"\" = 1", "field name" },
    { "a = 1 AND", "at the end" },
    { "NOT", "at the end" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TileboxFilter) filter = tilebox_filter_new_parse (cases[i].text, &error);

      g_test_message ("%s: %s", cases[i].text, error ? error->message : "(parsed)");
      g_assert_null (filter);
      g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, cases[i].where));
    }

  /* deep nesting: refused, and no stack exhaustion */
  {
    g_autoptr(GString) deep = g_string_new (NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(TileboxFilter) filter = NULL;

    for (guint i = 0; i < 10000; i++)
      g_string_append (deep, "NOT (");
    g_string_append (deep, "a = 1");
    filter = tilebox_filter_new_parse (deep->str, &error);
    g_assert_null (filter);
    g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
    g_assert_nonnull (strstr (error->message, "less nesting"));
  }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(TileboxFilter) filter = tilebox_filter_new_parse ("a = '\xff'", &error);

    g_assert_null (filter);
    g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
  }
}

static TileboxPbExpression *
to_pb (TileboxDataset *dataset,
       const char     *text)
{
  g_autoptr(TileboxFilter) filter = parse (text);
  g_autoptr(GError) error = NULL;
  TileboxPbExpression *expression = _tilebox_filter_to_pb (filter, tilebox_dataset_get_schema (dataset), &error);

  g_assert_no_error (error);
  g_assert_nonnull (expression);
  return expression;
}

/* Values become what their field holds: enum names their numbers, times
 * Timestamps, numbers stay numbers. */
static void
test_values_for_fields (void)
{
  g_autoptr(TileboxPbExpression) level = to_pb (sentinel2, "processing_level = 'L1C'");
  g_autoptr(TileboxPbExpression) level_full = to_pb (sentinel2, "processing_level <> 'PROCESSING_LEVEL_L2A'");
  g_autoptr(TileboxPbExpression) level_number = to_pb (sentinel2, "processing_level = 3");
  g_autoptr(TileboxPbExpression) cover = to_pb (sentinel2, "cloud_cover < 20");
  g_autoptr(TileboxPbExpression) cover_double = to_pb (sentinel2, "cloud_cover >= 20.5");
  g_autoptr(TileboxPbExpression) orbit = to_pb (sentinel2, "orbit_number > 18446744073709551615");
  g_autoptr(TileboxPbExpression) time = to_pb (weather, "time >= '2025-03-01T12:00:00.5+01:00'");
  g_autoptr(TileboxPbExpression) rain = to_pb (weather, "rain = FALSE");
  g_autoptr(TileboxPbExpression) nothing = to_pb (weather, "humidity IS NULL OR NOT (pressure > 1000)");

  g_assert_cmpint (level->kind, ==, TILEBOX_PB_EXPRESSION_COMPARISON);
  g_assert_cmpstr (level->field, ==, "processing_level");
  g_assert_cmpint (level->op, ==, TILEBOX_FILTER_OP_EQ);
  g_assert_cmpint (level->value.kind, ==, TILEBOX_PB_LITERAL_INT);
  g_assert_cmpint (level->value.i, ==, 3);
  g_assert_cmpint (level_full->value.i, ==, 5);
  g_assert_cmpint (level_full->op, ==, TILEBOX_FILTER_OP_NE);
  g_assert_cmpint (level_number->value.i, ==, 3);
  g_assert_cmpint (cover->value.kind, ==, TILEBOX_PB_LITERAL_INT);
  g_assert_cmpint (cover->value.i, ==, 20);
  g_assert_cmpint (cover_double->value.kind, ==, TILEBOX_PB_LITERAL_DOUBLE);
  g_assert_cmpfloat (cover_double->value.d, ==, 20.5);
  g_assert_cmpint (orbit->value.kind, ==, TILEBOX_PB_LITERAL_UINT);
  g_assert_cmpuint (orbit->value.u, ==, G_MAXUINT64);
  g_assert_cmpint (time->value.kind, ==, TILEBOX_PB_LITERAL_TIME);
  g_assert_cmpint (time->value.time.seconds, ==, 1740826800); /* 2025-03-01T11:00:00Z */
  g_assert_cmpint (time->value.time.nanos, ==, 500000000);
  g_assert_cmpint (rain->value.kind, ==, TILEBOX_PB_LITERAL_BOOL);
  g_assert_false (rain->value.b);
  g_assert_cmpint (nothing->kind, ==, TILEBOX_PB_EXPRESSION_OR);
  g_assert_cmpint (((TileboxPbExpression *) g_ptr_array_index (nothing->operands, 0))->kind, ==,
                   TILEBOX_PB_EXPRESSION_IS_NULL);
  g_assert_cmpint (((TileboxPbExpression *) g_ptr_array_index (nothing->operands, 1))->kind, ==,
                   TILEBOX_PB_EXPRESSION_NOT);

  /* nanoseconds since the epoch for a time, negative ones too */
  {
    g_autoptr(TileboxFilter) f = tilebox_filter_new_compare ("time", TILEBOX_FILTER_OP_LT,
                                                             g_variant_new_int64 (-1500000000));
    g_autoptr(TileboxPbExpression) e = _tilebox_filter_to_pb (f, tilebox_dataset_get_schema (weather), NULL);

    g_assert_nonnull (e);
    g_assert_cmpint (e->value.time.seconds, ==, -2);
    g_assert_cmpint (e->value.time.nanos, ==, 500000000);
  }
  /* a UUID string for a UUID field would become its 16 bytes, but the
   * demo's id field is not queryable: the message says which are */
  {
    g_autoptr(TileboxFilter) f = parse ("id = '01941f29-c650-202f-6495-c71dd2118fb1'");
    g_autoptr(GError) error = NULL;
    g_autoptr(TileboxPbExpression) e = _tilebox_filter_to_pb (f, tilebox_dataset_get_schema (weather), &error);

    g_assert_null (e);
    g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
    g_assert_nonnull (strstr (error->message, "not queryable"));
    g_assert_nonnull (strstr (error->message, "station"));
  }
}

/* A filter that does not fit the schema is refused before anything is
 * sent, with a message naming the field and the problem. */
static void
test_schema_errors (void)
{
  static const struct { const char *text; const char *message; } cases[] = {
    { "no_such_field = 1", "no such field" },
    { "flight_direction = 'ASCENDING'", "not queryable" },
    { "cloud_cover = 'cloudy'", "a value of kind string does not fit a field of type double" },
    { "granule_name = 5", "a value of kind integer does not fit a field of type string" },
    { "processing_level = 'L9'", "“L9” is not a value of datasets.v1.ProcessingLevel" },
    { "processing_level < 'L1C'", "compared with = and <> only" },
    { "time > 'last week'", "Invalid time" },
    { "time > 1.5", "does not fit a field of type timestamp" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TileboxFilter) filter = parse (cases[i].text);
      g_autoptr(GError) error = NULL;
      g_autoptr(TileboxPbExpression) expression =
        _tilebox_filter_to_pb (filter, tilebox_dataset_get_schema (sentinel2), &error);

      g_test_message ("%s: %s", cases[i].text, error ? error->message : "(accepted)");
      g_assert_null (expression);
      g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, cases[i].message));
    }

  /* weather: a bool takes = and <> only, a repeated field cannot be filtered */
  {
    static const struct { const char *text; const char *message; } weather_cases[] = {
      { "rain > FALSE", "compared with = and <> only" },
      { "rain = 1", "a value of kind integer does not fit a field of type bool" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (weather_cases); i++)
      {
        g_autoptr(TileboxFilter) filter = parse (weather_cases[i].text);
        g_autoptr(GError) error = NULL;
        g_autoptr(TileboxPbExpression) expression =
          _tilebox_filter_to_pb (filter, tilebox_dataset_get_schema (weather), &error);

        g_assert_null (expression);
        g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
        g_assert_nonnull (strstr (error->message, weather_cases[i].message));
      }
  }
}

static TileboxQuery *
year_query (void)
{
  g_autoptr(TileboxTimeInterval) year = tilebox_time_interval_new_parse ("2025-01-01", "2026-01-01", NULL);
  TileboxQuery *query = tilebox_query_new ();

  tilebox_query_set_time_interval (query, year);
  return query;
}

/* The limits of the service: 64 filters, 256 nodes, depth 8; each
 * refused before sending. */
static void
test_limits (void)
{
  TileboxSchema *schema = tilebox_dataset_get_schema (sentinel2);
  g_autoptr(TileboxFilter) leaf = parse ("cloud_cover < 20");

  /* 64 top-level filters are fine, 65 are not */
  {
    g_autoptr(TileboxQuery) query = year_query ();
    TileboxPbQueryRequest request = { 0 };
    g_autoptr(GError) error = NULL;

    for (guint i = 0; i < 64; i++)
      tilebox_query_add_filter (query, leaf);
    g_assert_true (_tilebox_query_to_pb (query, schema, &request, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (request.filters.expressions->len, ==, 64);
    _tilebox_pb_query_request_clear (&request);

    tilebox_query_add_filter (query, leaf);
    g_assert_false (_tilebox_query_to_pb (query, schema, &request, &error));
    g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
    g_assert_nonnull (strstr (error->message, "65 filters"));
    _tilebox_pb_query_request_clear (&request);
  }

  /* depth: 7 NOTs over a comparison is depth 8, one more is too deep */
  {
    g_autoptr(TileboxQuery) query = year_query ();
    g_autoptr(TileboxFilter) depth8 = parse ("NOT NOT NOT NOT NOT NOT NOT cloud_cover < 20");
    g_autoptr(TileboxFilter) depth9 = tilebox_filter_new_not (depth8);
    TileboxPbQueryRequest request = { 0 };
    g_autoptr(GError) error = NULL;

    tilebox_query_add_filter (query, depth8);
    g_assert_true (_tilebox_query_to_pb (query, schema, &request, &error));
    _tilebox_pb_query_request_clear (&request);
    tilebox_query_add_filter (query, depth9);
    g_assert_false (_tilebox_query_to_pb (query, schema, &request, &error));
    g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
    g_assert_nonnull (strstr (error->message, "nested 9 deep"));
    _tilebox_pb_query_request_clear (&request);
  }

  /* nodes: 256 in all are fine, 257 are not */
  {
    g_autoptr(TileboxQuery) query = year_query ();
    g_autoptr(GPtrArray) leaves = g_ptr_array_new ();
    g_autoptr(TileboxFilter) wide = NULL;
    g_autoptr(TileboxFilter) extra = parse ("cloud_cover > 1");
    TileboxPbQueryRequest request = { 0 };
    g_autoptr(GError) error = NULL;

    for (guint i = 0; i < 254; i++)
      g_ptr_array_add (leaves, leaf);
    wide = tilebox_filter_new_or ((TileboxFilter **) leaves->pdata, leaves->len);
    g_assert_cmpuint (_tilebox_filter_get_n_nodes (wide), ==, 255);
    tilebox_query_add_filter (query, wide);
    tilebox_query_add_filter (query, leaf);
    g_assert_true (_tilebox_query_to_pb (query, schema, &request, &error));
    _tilebox_pb_query_request_clear (&request);
    tilebox_query_add_filter (query, extra);
    g_assert_false (_tilebox_query_to_pb (query, schema, &request, &error));
    g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
    g_assert_nonnull (strstr (error->message, "256"));
    _tilebox_pb_query_request_clear (&request);
  }
}

/* The spatial filter: WKB, WKT and GeoJSON give the same normalized
 * geometry; mode and coordinate system are sent as given; bad geometries
 * and datasets without geometries are refused. */
static void
test_spatial_filter (void)
{
  const char *wkt = "POLYGON ((16 48, 17 48, 17 49, 16 49, 16 48))";
  const char *geojson = "{\"type\": \"Polygon\", \"coordinates\": "
                        "[[[16, 48], [17, 48], [17, 49], [16, 49], [16, 48]]]}";
  g_autoptr(TileboxQuery) query = year_query ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) from_wkt = NULL;
  TileboxSpatialMode mode = 0;
  TileboxCoordinateSystem cs = 0;
  TileboxPbQueryRequest request = { 0 };
  GBytes *wkb;

  g_assert_null (tilebox_query_get_spatial_filter (query, &mode, &cs));
  g_assert_true (tilebox_query_set_spatial_filter_wkt (query, wkt, TILEBOX_SPATIAL_MODE_CONTAINS,
                                                       TILEBOX_COORDINATE_SYSTEM_SPHERICAL, &error));
  g_assert_no_error (error);
  wkb = tilebox_query_get_spatial_filter (query, &mode, &cs);
  g_assert_nonnull (wkb);
  g_assert_cmpint (mode, ==, TILEBOX_SPATIAL_MODE_CONTAINS);
  g_assert_cmpint (cs, ==, TILEBOX_COORDINATE_SYSTEM_SPHERICAL);
  from_wkt = g_bytes_ref (wkb);

  g_assert_true (tilebox_query_set_spatial_filter_geojson (query, geojson, TILEBOX_SPATIAL_MODE_INTERSECTS,
                                                           TILEBOX_COORDINATE_SYSTEM_CARTESIAN, &error));
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (tilebox_query_get_spatial_filter (query, NULL, NULL), from_wkt));

  /* EWKB, big-endian with an SRID, normalizes to the same bytes */
  {
    static const guint8 header[] = { 0x00, 0x20, 0x00, 0x00, 0x03, 0x00, 0x00, 0x10, 0xe6,
                                     0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x05 };
    static const double coords[] = { 16, 48, 17, 48, 17, 49, 16, 49, 16, 48 };
    g_autoptr(GByteArray) ewkb = g_byte_array_new ();
    g_autoptr(GBytes) bytes = NULL;

    g_byte_array_append (ewkb, header, sizeof header);
    for (guint i = 0; i < G_N_ELEMENTS (coords); i++)
      {
        guint64 bits;

        memcpy (&bits, &coords[i], 8);
        bits = GUINT64_TO_BE (bits);
        g_byte_array_append (ewkb, (const guint8 *) &bits, 8);
      }
    bytes = g_byte_array_free_to_bytes (g_steal_pointer (&ewkb));
    g_assert_true (tilebox_query_set_spatial_filter (query, bytes, TILEBOX_SPATIAL_MODE_INTERSECTS,
                                                     TILEBOX_COORDINATE_SYSTEM_CARTESIAN, &error));
    g_assert_no_error (error);
    g_assert_true (g_bytes_equal (tilebox_query_get_spatial_filter (query, NULL, NULL), from_wkt));
  }

  /* sent explicitly, mode and coordinate system included */
  g_assert_true (_tilebox_query_to_pb (query, tilebox_dataset_get_schema (sentinel2), &request, &error));
  g_assert_no_error (error);
  g_assert_true (request.filters.has_spatial_extent);
  g_assert_true (g_bytes_equal (request.filters.spatial_extent.geometry_wkb, from_wkt));
  g_assert_cmpint (request.filters.spatial_extent.mode, ==, TILEBOX_SPATIAL_MODE_INTERSECTS);
  g_assert_cmpint (request.filters.spatial_extent.coordinate_system, ==, TILEBOX_COORDINATE_SYSTEM_CARTESIAN);
  {
    g_autoptr(GByteArray) wire = g_byte_array_new ();

    _tilebox_pb_query_filters_encode (&request.filters, wire);
    /* SpatialFilter (field 3) holds mode = 1 and coordinate_system = 1 */
    gboolean found = FALSE;

    for (guint i = 0; i + 4 <= wire->len && !found; i++)
      found = memcmp (wire->data + i, "\x10\x01\x18\x01", 4) == 0;
    g_assert_true (found);
  }
  _tilebox_pb_query_request_clear (&request);

  /* the weather stations have no geometry */
  g_assert_false (_tilebox_query_to_pb (query, tilebox_dataset_get_schema (weather), &request, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "no geometry field"));
  g_clear_error (&error);
  _tilebox_pb_query_request_clear (&request);

  /* bad geometries keep the earlier filter */
  g_assert_false (tilebox_query_set_spatial_filter_wkt (query, "POLYGON ((16 48, 17", TILEBOX_SPATIAL_MODE_INTERSECTS,
                                                        TILEBOX_COORDINATE_SYSTEM_CARTESIAN, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "Invalid spatial filter"));
  g_clear_error (&error);
  g_assert_false (tilebox_query_set_spatial_filter_geojson (query, "{\"type\": \"Polygon\"", TILEBOX_SPATIAL_MODE_INTERSECTS,
                                                            TILEBOX_COORDINATE_SYSTEM_CARTESIAN, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (tilebox_query_set_spatial_filter_geojson (query, "{\"type\": \"Circle\"}", TILEBOX_SPATIAL_MODE_INTERSECTS,
                                                            TILEBOX_COORDINATE_SYSTEM_CARTESIAN, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  {
    g_autoptr(GBytes) junk = g_bytes_new_static ("\x01\x03\x00", 3);

    g_assert_false (tilebox_query_set_spatial_filter (query, junk, TILEBOX_SPATIAL_MODE_INTERSECTS,
                                                      TILEBOX_COORDINATE_SYSTEM_CARTESIAN, &error));
    g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
    g_clear_error (&error);
  }
  g_assert_true (g_bytes_equal (tilebox_query_get_spatial_filter (query, NULL, NULL), from_wkt));

  tilebox_query_clear_spatial_filter (query);
  g_assert_null (tilebox_query_get_spatial_filter (query, NULL, NULL));
}

/* A query whose filter does not fit fails with the schema error, blocking
 * and async, without a request reaching the server. */
static void
test_query_refuses_bad_filter (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxCollection) coll = tilebox_dataset_get_collection (sentinel2, "S2A_S2MSI1C", NULL, &error);
  g_autoptr(TileboxQuery) query = year_query ();
  g_autoptr(TileboxFilter) bad = parse ("flight_direction = 'ASCENDING'");
  g_autoptr(TileboxDatapoints) datapoints = NULL;
  g_autoptr(GPtrArray) filters = NULL;
  TileboxServer *server = _tilebox_server_thread_get_server (server_thread);
  guint before;

  g_assert_no_error (error);
  tilebox_query_add_filter (query, bad);
  filters = tilebox_query_get_filters (query);
  g_assert_cmpuint (filters->len, ==, 1);
  g_assert_true (g_ptr_array_index (filters, 0) == bad);

  before = _tilebox_server_get_request_count (server);
  datapoints = tilebox_collection_query (coll, query, NULL, &error);
  g_assert_null (datapoints);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "flight_direction"));
  g_assert_cmpuint (_tilebox_server_get_request_count (server), ==, before);

  tilebox_query_clear_filters (query);
  g_clear_pointer (&filters, g_ptr_array_unref);
  filters = tilebox_query_get_filters (query);
  g_assert_cmpuint (filters->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  server_thread = _tilebox_server_thread_start (TRUE, &error);
  g_assert_no_error (error);
  client = tilebox_client_new_for_url (_tilebox_server_thread_get_url (server_thread), NULL, &error);
  g_assert_no_error (error);
  sentinel2 = tilebox_client_get_dataset (client, "open_data.copernicus.sentinel2_msi", NULL, &error);
  g_assert_no_error (error);
  weather = tilebox_client_get_dataset (client, "demo.weather_stations", NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/filter/build-and-print", test_build_and_print);
  g_test_add_func ("/filter/parse-roundtrip", test_parse_roundtrip);
  g_test_add_func ("/filter/parse-meaning", test_parse_meaning);
  g_test_add_func ("/filter/parse-errors", test_parse_errors);
  g_test_add_func ("/filter/values-for-fields", test_values_for_fields);
  g_test_add_func ("/filter/schema-errors", test_schema_errors);
  g_test_add_func ("/filter/limits", test_limits);
  g_test_add_func ("/filter/spatial", test_spatial_filter);
  g_test_add_func ("/filter/query-refuses-bad-filter", test_query_refuses_bad_filter);

  ret = g_test_run ();

  g_clear_object (&weather);
  g_clear_object (&sentinel2);
  g_clear_object (&client);
  _tilebox_server_thread_stop (server_thread);

  return ret;
}
