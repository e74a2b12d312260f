/* test-geometry.c: WKB, WKT and GeoJSON geometry conversions
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * WKB is built here by hand, in both byte orders, so that every type and
 * flag is covered; the recorded Sentinel-2 query (when the recordings are
 * there) adds the service's real EWKB.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "tilebox-error.h"
#include "tilebox-geometry-private.h"
#include "tilebox-messages-private.h"
#include "tilebox-pb-private.h"
#include "tilebox-test-recordings.h"

/* --- building WKB -------------------------------------------------------- */

typedef struct {
  GByteArray *out;
  gboolean le;
} Wkb;

static void
put_u8 (Wkb   *w,
        guint8 v)
{
  g_byte_array_append (w->out, &v, 1);
}

static void
put_u32 (Wkb    *w,
         guint32 v)
{
  guint8 b[4];

  for (guint i = 0; i < 4; i++)
    b[w->le ? i : 3 - i] = (v >> (8 * i)) & 0xff;
  g_byte_array_append (w->out, b, 4);
}

static void
put_f64 (Wkb   *w,
         double d)
{
  guint64 bits;
  guint8 b[8];

  memcpy (&bits, &d, sizeof bits);
  for (guint i = 0; i < 8; i++)
    b[w->le ? i : 7 - i] = (bits >> (8 * i)) & 0xff;
  g_byte_array_append (w->out, b, 8);
}

/* byte order and type code */
static void
put_header (Wkb    *w,
            guint32 type)
{
  put_u8 (w, w->le ? 1 : 0);
  put_u32 (w, type);
}

static void
put_points (Wkb          *w,
            guint         n,
            const double *coords,
            guint         nc)
{
  put_u32 (w, n);
  for (guint i = 0; i < n * nc; i++)
    put_f64 (w, coords[i]);
}

static Wkb
wkb_new (gboolean le)
{
  Wkb w = { g_byte_array_new (), le };

  return w;
}

static const double square[] = { 0, 0, 10, 0, 10, 10, 0, 10, 0, 0 };
static const double hole[] = { 2, 2, 2, 4, 4, 4, 2, 2 };
static const double tri[] = { 20, 20, 21, 20, 20.5, 21.5, 20, 20 };

static void
put_square_polygon (Wkb    *w,
                    guint32 type)
{
  put_header (w, type);
  put_u32 (w, 2);
  put_points (w, 5, square, 2);
  put_points (w, 4, hole, 2);
}

static GByteArray *
build_point (gboolean le)
{
  Wkb w = wkb_new (le);

  put_header (&w, 1);
  put_f64 (&w, 1);
  put_f64 (&w, -2.5);
  return w.out;
}

static GByteArray *
build_line_string (gboolean le)
{
  static const double c[] = { 0, 0, 1, 1, 2, 0.5 };
  Wkb w = wkb_new (le);

  put_header (&w, 2);
  put_points (&w, 3, c, 2);
  return w.out;
}

static GByteArray *
build_polygon (gboolean le)
{
  Wkb w = wkb_new (le);

  put_square_polygon (&w, 3);
  return w.out;
}

static GByteArray *
build_multi_point (gboolean le)
{
  Wkb w = wkb_new (le);

  put_header (&w, 4);
  put_u32 (&w, 2);
  put_header (&w, 1);
  put_f64 (&w, 1);
  put_f64 (&w, 2);
  put_header (&w, 1);
  put_f64 (&w, 3);
  put_f64 (&w, 4);
  return w.out;
}

static GByteArray *
build_multi_line_string (gboolean le)
{
  static const double a[] = { 0, 0, 1, 1 };
  static const double b[] = { 2, 2, 3, 3, 4, 2 };
  Wkb w = wkb_new (le);

  put_header (&w, 5);
  put_u32 (&w, 2);
  put_header (&w, 2);
  put_points (&w, 2, a, 2);
  put_header (&w, 2);
  put_points (&w, 3, b, 2);
  return w.out;
}

static GByteArray *
build_multi_polygon (gboolean le)
{
  Wkb w = wkb_new (le);

  put_header (&w, 6);
  put_u32 (&w, 2);
  put_square_polygon (&w, 3);
  put_header (&w, 3);
  put_u32 (&w, 1);
  put_points (&w, 4, tri, 2);
  return w.out;
}

/* A collection of a point, a linestring, a polygon and a collection
 * holding a multipoint; the nested geometries in the other byte order. */
static GByteArray *
build_collection (gboolean le)
{
  static const double line[] = { 0, 0, 1, 1 };
  Wkb w = wkb_new (le);
  Wkb other = { w.out, !le };

  put_header (&w, 7);
  put_u32 (&w, 4);
  put_header (&other, 1);
  put_f64 (&other, 1);
  put_f64 (&other, 2);
  put_header (&w, 2);
  put_points (&w, 2, line, 2);
  put_square_polygon (&other, 3);
  put_header (&w, 7);
  put_u32 (&w, 1);
  put_header (&other, 4);
  put_u32 (&other, 1);
  put_header (&w, 1);
  put_f64 (&w, 5);
  put_f64 (&w, 6);
  return w.out;
}

/* The polygon as the service sends it: EWKB with SRID 4326. */
static GByteArray *
build_ewkb_polygon (gboolean le)
{
  Wkb w = wkb_new (le);

  put_header (&w, 0x20000003);
  put_u32 (&w, 4326);
  put_u32 (&w, 2);
  put_points (&w, 5, square, 2);
  put_points (&w, 4, hole, 2);
  return w.out;
}

static GByteArray *
build_ewkb_multi_polygon (gboolean le)
{
  Wkb w = wkb_new (le);

  put_header (&w, 0x20000006);
  put_u32 (&w, 4326);
  put_u32 (&w, 2);
  put_square_polygon (&w, 3);
  put_header (&w, 3);
  put_u32 (&w, 1);
  put_points (&w, 4, tri, 2);
  return w.out;
}

#define SQUARE_WKT "(0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 2 4, 4 4, 2 2)"
#define TRI_WKT "(20 20, 21 20, 20.5 21.5, 20 20)"
#define SQUARE_JSON "[[0,0],[10,0],[10,10],[0,10],[0,0]],[[2,2],[2,4],[4,4],[2,2]]"
#define TRI_JSON "[[20,20],[21,20],[20.5,21.5],[20,20]]"

typedef GByteArray *(*BuildFunc) (gboolean le);

static const struct {
  const char *name;
  BuildFunc build;
  TileboxGeometryType type;
  guint32 srid;
  const char *wkt;
  const char *geojson;
} samples[] = {
  { "point", build_point, TILEBOX_GEOMETRY_POINT, 0, "POINT (1 -2.5)",
    "{\"type\":\"Point\",\"coordinates\":[1,-2.5]}" },
  { "linestring", build_line_string, TILEBOX_GEOMETRY_LINE_STRING, 0, "LINESTRING (0 0, 1 1, 2 0.5)",
    "{\"type\":\"LineString\",\"coordinates\":[[0,0],[1,1],[2,0.5]]}" },
  { "polygon", build_polygon, TILEBOX_GEOMETRY_POLYGON, 0, "POLYGON (" SQUARE_WKT ")",
    "{\"type\":\"Polygon\",\"coordinates\":[" SQUARE_JSON "]}" },
  { "multipoint", build_multi_point, TILEBOX_GEOMETRY_MULTI_POINT, 0, "MULTIPOINT ((1 2), (3 4))",
    "{\"type\":\"MultiPoint\",\"coordinates\":[[1,2],[3,4]]}" },
  { "multilinestring", build_multi_line_string, TILEBOX_GEOMETRY_MULTI_LINE_STRING, 0,
    "MULTILINESTRING ((0 0, 1 1), (2 2, 3 3, 4 2))",
    "{\"type\":\"MultiLineString\",\"coordinates\":[[[0,0],[1,1]],[[2,2],[3,3],[4,2]]]}" },
  { "multipolygon", build_multi_polygon, TILEBOX_GEOMETRY_MULTI_POLYGON, 0,
    "MULTIPOLYGON ((" SQUARE_WKT "), (" TRI_WKT "))",
    "{\"type\":\"MultiPolygon\",\"coordinates\":[[" SQUARE_JSON "],[" TRI_JSON "]]}" },
  { "collection", build_collection, TILEBOX_GEOMETRY_COLLECTION, 0,
    "GEOMETRYCOLLECTION (POINT (1 2), LINESTRING (0 0, 1 1), POLYGON (" SQUARE_WKT "), "
    "GEOMETRYCOLLECTION (MULTIPOINT ((5 6))))",
    "{\"type\":\"GeometryCollection\",\"geometries\":["
    "{\"type\":\"Point\",\"coordinates\":[1,2]},"
    "{\"type\":\"LineString\",\"coordinates\":[[0,0],[1,1]]},"
    "{\"type\":\"Polygon\",\"coordinates\":[" SQUARE_JSON "]},"
    "{\"type\":\"GeometryCollection\",\"geometries\":["
    "{\"type\":\"MultiPoint\",\"coordinates\":[[5,6]]}]}]}" },
  { "ewkb-polygon", build_ewkb_polygon, TILEBOX_GEOMETRY_POLYGON, 4326, "POLYGON (" SQUARE_WKT ")",
    "{\"type\":\"Polygon\",\"coordinates\":[" SQUARE_JSON "]}" },
  { "ewkb-multipolygon", build_ewkb_multi_polygon, TILEBOX_GEOMETRY_MULTI_POLYGON, 4326,
    "MULTIPOLYGON ((" SQUARE_WKT "), (" TRI_WKT "))",
    "{\"type\":\"MultiPolygon\",\"coordinates\":[[" SQUARE_JSON "],[" TRI_JSON "]]}" },
};

/* --- helpers ------------------------------------------------------------- */

static void
assert_json_eq (JsonNode   *node,
                const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) want = json_from_string (expected, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  if (!json_node_equal (node, want))
    {
      g_autofree char *got = json_to_string (node, FALSE);

      g_test_message ("GeoJSON: got %s, expected %s", got, expected);
      g_assert_not_reached ();
    }
}

static void
assert_bytes_eq (GBytes       *bytes,
                 const guint8 *data,
                 gsize         len)
{
  g_assert_nonnull (bytes);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), data, len);
}

static GByteArray *
from_hex (const char *hex)
{
  GByteArray *out = g_byte_array_new ();

  for (; hex[0] != '\0' && hex[1] != '\0'; hex += 2)
    {
      guint8 b = g_ascii_xdigit_value (hex[0]) << 4 | g_ascii_xdigit_value (hex[1]);

      g_byte_array_append (out, &b, 1);
    }
  return out;
}

/* Every conversion of bytes from the network fails with PROTOCOL. The
 * bytes are copied into a buffer of exactly their size, so that the
 * sanitizers catch a read past them. */
static void
assert_wkb_fails (const guint8 *data,
                  gsize         len)
{
  g_autofree guint8 *copy = g_memdup2 (data, len);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autofree char *wkt = NULL;
  g_autoptr(GBytes) norm = NULL;
  guint32 srid = 12345;

  json = _tilebox_wkb_to_geojson (copy, len, &srid, &error);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
  g_assert_null (json);
  g_assert_cmpuint (srid, ==, 12345);
  g_clear_error (&error);

  wkt = _tilebox_wkb_to_wkt (copy, len, &error);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
  g_assert_null (wkt);
  g_clear_error (&error);

  norm = _tilebox_wkb_normalize (copy, len, &error);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
  g_assert_null (norm);
}

static char *
wkb_to_wkt_ok (const guint8 *data,
               gsize         len)
{
  g_autoptr(GError) error = NULL;
  char *wkt = _tilebox_wkb_to_wkt (data, len, &error);

  g_assert_no_error (error);
  g_assert_nonnull (wkt);
  return wkt;
}

static GBytes *
wkt_to_wkb_ok (const char *wkt)
{
  g_autoptr(GError) error = NULL;
  GBytes *wkb = _tilebox_wkt_to_wkb (wkt, &error);

  g_assert_no_error (error);
  g_assert_nonnull (wkb);
  return wkb;
}

/* WKT → WKB → WKT */
static char *
wkt_round (const char *wkt)
{
  g_autoptr(GBytes) wkb = wkt_to_wkb_ok (wkt);

  return wkb_to_wkt_ok (g_bytes_get_data (wkb, NULL), g_bytes_get_size (wkb));
}

static void
assert_wkt_invalid (const char *wkt,
                    const char *in_message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) wkb = _tilebox_wkt_to_wkb (wkt, &error);

  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
  g_assert_null (wkb);
  if (in_message != NULL && strstr (error->message, in_message) == NULL)
    {
      g_test_message ("WKT “%s”: message “%s” lacks “%s”", wkt, error->message, in_message);
      g_assert_not_reached ();
    }
}

static void
assert_geojson_invalid (const char *json,
                        const char *in_message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (json, &error);
  g_autoptr(GBytes) wkb = NULL;

  g_assert_no_error (error);
  wkb = _tilebox_geojson_to_wkb (node, &error);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
  g_assert_null (wkb);
  if (in_message != NULL && strstr (error->message, in_message) == NULL)
    {
      g_test_message ("GeoJSON %s: message “%s” lacks “%s”", json, error->message, in_message);
      g_assert_not_reached ();
    }
}

/* --- WKB ------------------------------------------------------------------ */

/* Every type in both byte orders: WKT, GeoJSON, SRID, and normalized to
 * the little-endian plain form, which is what we write. */
static void
test_wkb_types (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      g_autoptr(GByteArray) le = samples[i].build (TRUE);
      g_autoptr(GBytes) expected_norm = NULL;

      g_test_message ("sample %s", samples[i].name);

      /* the normal form: parsed again, the same */
      {
        g_autoptr(GError) error = NULL;

        expected_norm = _tilebox_wkb_normalize (le->data, le->len, &error);
        g_assert_no_error (error);
        if (samples[i].srid == 0 && strcmp (samples[i].name, "collection") != 0)
          assert_bytes_eq (expected_norm, le->data, le->len);
      }

      for (guint order = 0; order < 2; order++)
        {
          g_autoptr(GByteArray) wkb = samples[i].build (order == 1);
          g_autoptr(GError) error = NULL;
          g_autoptr(JsonNode) json = NULL;
          g_autofree char *wkt = NULL;
          g_autoptr(GBytes) norm = NULL;
          g_autoptr(GBytes) norm2 = NULL;
          TileboxGeometryType type = 0;
          gboolean has_z = TRUE, has_m = TRUE;
          guint32 srid = 999;

          json = _tilebox_wkb_to_geojson (wkb->data, wkb->len, &srid, &error);
          g_assert_no_error (error);
          assert_json_eq (json, samples[i].geojson);
          g_assert_cmpuint (srid, ==, samples[i].srid);

          wkt = wkb_to_wkt_ok (wkb->data, wkb->len);
          g_assert_cmpstr (wkt, ==, samples[i].wkt);

          norm = _tilebox_wkb_normalize (wkb->data, wkb->len, &error);
          g_assert_no_error (error);
          g_assert_true (g_bytes_equal (norm, expected_norm));
          norm2 = _tilebox_wkb_normalize (g_bytes_get_data (norm, NULL), g_bytes_get_size (norm), &error);
          g_assert_no_error (error);
          g_assert_true (g_bytes_equal (norm, norm2));

          g_assert_true (_tilebox_wkb_peek (wkb->data, wkb->len, &type, &has_z, &has_m, &srid, &error));
          g_assert_no_error (error);
          g_assert_cmpint (type, ==, samples[i].type);
          g_assert_false (has_z);
          g_assert_false (has_m);
          g_assert_cmpuint (srid, ==, samples[i].srid);

          /* the WKT and the GeoJSON give the normal form back */
          {
            g_autoptr(GBytes) from_wkt = wkt_to_wkb_ok (wkt);
            g_autoptr(GBytes) from_json = _tilebox_geojson_to_wkb (json, &error);

            g_assert_no_error (error);
            g_assert_true (g_bytes_equal (from_wkt, expected_norm));
            g_assert_true (g_bytes_equal (from_json, expected_norm));
          }
        }
    }
}

/* A known encoding: POINT (1 2), little endian ISO. */
static void
test_wkb_known_bytes (void)
{
  g_autoptr(GByteArray) point = from_hex ("0101000000000000000000f03f0000000000000040");
  g_autoptr(GByteArray) point_be = from_hex ("00000000013ff00000000000004000000000000000");
  g_autoptr(GByteArray) point_z = from_hex ("01e9030000000000000000f03f00000000000000400000000000000840");
  g_autoptr(GBytes) wkb = wkt_to_wkb_ok ("POINT (1 2)");
  g_autoptr(GBytes) wkb_z = wkt_to_wkb_ok ("POINT Z (1 2 3)");
  g_autoptr(GBytes) norm = NULL;
  g_autoptr(GError) error = NULL;

  assert_bytes_eq (wkb, point->data, point->len);
  assert_bytes_eq (wkb_z, point_z->data, point_z->len);
  norm = _tilebox_wkb_normalize (point_be->data, point_be->len, &error);
  g_assert_no_error (error);
  assert_bytes_eq (norm, point->data, point->len);
}

/* EWKB Z, M and ZM flags, and ISO 1000, 2000, 3000 types. */
static void
test_wkb_z_m (void)
{
  static const struct {
    guint32 ewkb;
    guint32 iso;
    guint nc;
    const char *wkt;
    const char *geojson;
  } points[] = {
    { 0x80000001, 1001, 3, "POINT Z (1 2 3)", "{\"type\":\"Point\",\"coordinates\":[1,2,3]}" },
    { 0x40000001, 2001, 3, "POINT M (1 2 3)", "{\"type\":\"Point\",\"coordinates\":[1,2]}" },
    { 0xc0000001, 3001, 4, "POINT ZM (1 2 3 4)", "{\"type\":\"Point\",\"coordinates\":[1,2,3]}" },
  };
  static const double c[] = { 1, 2, 3, 4 };

  for (guint i = 0; i < G_N_ELEMENTS (points); i++)
    for (guint form = 0; form < 4; form++)
      {
        gboolean le = form & 1;
        gboolean ewkb = form & 2;
        Wkb w = wkb_new (le);
        g_autoptr(GByteArray) wkb = w.out;
        g_autoptr(GError) error = NULL;
        g_autoptr(JsonNode) json = NULL;
        g_autofree char *wkt = NULL;
        g_autoptr(GBytes) norm = NULL;
        g_autoptr(GBytes) from_wkt = NULL;
        gboolean has_z, has_m;
        guint32 srid = 1;

        if (ewkb)
          {
            put_header (&w, points[i].ewkb | 0x20000000);
            put_u32 (&w, 4326);
          }
        else
          put_header (&w, points[i].iso);
        for (guint k = 0; k < points[i].nc; k++)
          put_f64 (&w, c[k]);

        json = _tilebox_wkb_to_geojson (wkb->data, wkb->len, &srid, &error);
        g_assert_no_error (error);
        assert_json_eq (json, points[i].geojson);
        g_assert_cmpuint (srid, ==, ewkb ? 4326 : 0);

        wkt = wkb_to_wkt_ok (wkb->data, wkb->len);
        g_assert_cmpstr (wkt, ==, points[i].wkt);

        g_assert_true (_tilebox_wkb_peek (wkb->data, wkb->len, NULL, &has_z, &has_m, NULL, &error));
        g_assert_cmpint (has_z, ==, (points[i].iso % 2000) > 1000 || points[i].iso > 3000);
        g_assert_cmpint (has_m, ==, points[i].iso > 2000);

        /* normalized to the ISO type, little endian */
        norm = _tilebox_wkb_normalize (wkb->data, wkb->len, &error);
        g_assert_no_error (error);
        g_assert_cmpuint (g_bytes_get_size (norm), ==, 5 + 8 * points[i].nc);
        {
          const guint8 *n = g_bytes_get_data (norm, NULL);

          g_assert_cmpuint (n[0], ==, 1);
          g_assert_cmpuint (n[1] | n[2] << 8 | n[3] << 16 | (guint32) n[4] << 24, ==, points[i].iso);
        }
        from_wkt = wkt_to_wkb_ok (wkt);
        g_assert_true (g_bytes_equal (from_wkt, norm));
      }
}

/* Z in every type, as ISO codes and as EWKB flags on every element. */
static void
test_wkb_z_types (void)
{
  static const double line[] = { 0, 0, 1, 1, 1, 2 };
  static const double ring[] = { 0, 0, 0, 1, 0, 1, 1, 1, 2, 0, 0, 0 };

  for (guint form = 0; form < 4; form++)
    {
      gboolean le = form & 1;
      gboolean ewkb = form & 2;
#define T(base) (ewkb ? 0x80000000u | (base) : 1000u + (base))
      Wkb w = wkb_new (le);
      g_autoptr(GByteArray) wkb = w.out;
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) json = NULL;
      g_autofree char *wkt = NULL;
      g_autofree char *again = NULL;

      put_header (&w, T (7));
      put_u32 (&w, 6);
      put_header (&w, T (2));
      put_points (&w, 2, line, 3);
      put_header (&w, T (3));
      put_u32 (&w, 1);
      put_points (&w, 4, ring, 3);
      put_header (&w, T (4));
      put_u32 (&w, 1);
      put_header (&w, T (1));
      put_f64 (&w, 7);
      put_f64 (&w, 8);
      put_f64 (&w, 9);
      put_header (&w, T (5));
      put_u32 (&w, 1);
      put_header (&w, T (2));
      put_points (&w, 2, line, 3);
      put_header (&w, T (6));
      put_u32 (&w, 1);
      put_header (&w, T (3));
      put_u32 (&w, 1);
      put_points (&w, 4, ring, 3);
      /* a 2D member in a Z collection is allowed */
      put_header (&w, 1);
      put_f64 (&w, 1);
      put_f64 (&w, 2);
#undef T

      wkt = wkb_to_wkt_ok (wkb->data, wkb->len);
      g_assert_cmpstr (wkt, ==,
                       "GEOMETRYCOLLECTION Z (LINESTRING Z (0 0 1, 1 1 2), "
                       "POLYGON Z ((0 0 0, 1 0 1, 1 1 2, 0 0 0)), "
                       "MULTIPOINT Z ((7 8 9)), "
                       "MULTILINESTRING Z ((0 0 1, 1 1 2)), "
                       "MULTIPOLYGON Z (((0 0 0, 1 0 1, 1 1 2, 0 0 0))), "
                       "POINT (1 2))");
      again = wkt_round (wkt);
      g_assert_cmpstr (again, ==, wkt);

      json = _tilebox_wkb_to_geojson (wkb->data, wkb->len, NULL, &error);
      g_assert_no_error (error);
      assert_json_eq (json,
                      "{\"type\":\"GeometryCollection\",\"geometries\":["
                      "{\"type\":\"LineString\",\"coordinates\":[[0,0,1],[1,1,2]]},"
                      "{\"type\":\"Polygon\",\"coordinates\":[[[0,0,0],[1,0,1],[1,1,2],[0,0,0]]]},"
                      "{\"type\":\"MultiPoint\",\"coordinates\":[[7,8,9]]},"
                      "{\"type\":\"MultiLineString\",\"coordinates\":[[[0,0,1],[1,1,2]]]},"
                      "{\"type\":\"MultiPolygon\",\"coordinates\":[[[[0,0,0],[1,0,1],[1,1,2],[0,0,0]]]]},"
                      "{\"type\":\"Point\",\"coordinates\":[1,2]}]}");
    }
}

/* EMPTY in every type: an empty point is NaN coordinates. */
static void
test_wkb_empty (void)
{
  static const struct {
    guint32 type;
    const char *wkt;
    const char *geojson;
  } empties[] = {
    { 2, "LINESTRING EMPTY", "{\"type\":\"LineString\",\"coordinates\":[]}" },
    { 3, "POLYGON EMPTY", "{\"type\":\"Polygon\",\"coordinates\":[]}" },
    { 4, "MULTIPOINT EMPTY", "{\"type\":\"MultiPoint\",\"coordinates\":[]}" },
    { 5, "MULTILINESTRING EMPTY", "{\"type\":\"MultiLineString\",\"coordinates\":[]}" },
    { 6, "MULTIPOLYGON EMPTY", "{\"type\":\"MultiPolygon\",\"coordinates\":[]}" },
    { 7, "GEOMETRYCOLLECTION EMPTY", "{\"type\":\"GeometryCollection\",\"geometries\":[]}" },
    { 1002, "LINESTRING Z EMPTY", "{\"type\":\"LineString\",\"coordinates\":[]}" },
  };

  for (guint le = 0; le < 2; le++)
    {
      for (guint i = 0; i < G_N_ELEMENTS (empties); i++)
        {
          Wkb w = wkb_new (le);
          g_autoptr(GByteArray) wkb = w.out;
          g_autoptr(GError) error = NULL;
          g_autoptr(JsonNode) json = NULL;
          g_autofree char *wkt = NULL;
          g_autoptr(GBytes) from_wkt = NULL;
          g_autoptr(GBytes) norm = NULL;

          put_header (&w, empties[i].type);
          put_u32 (&w, 0);
          wkt = wkb_to_wkt_ok (wkb->data, wkb->len);
          g_assert_cmpstr (wkt, ==, empties[i].wkt);
          json = _tilebox_wkb_to_geojson (wkb->data, wkb->len, NULL, &error);
          g_assert_no_error (error);
          assert_json_eq (json, empties[i].geojson);
          norm = _tilebox_wkb_normalize (wkb->data, wkb->len, &error);
          g_assert_no_error (error);
          from_wkt = wkt_to_wkb_ok (wkt);
          g_assert_true (g_bytes_equal (from_wkt, norm));
          if (le)
            assert_bytes_eq (norm, wkb->data, wkb->len);
        }

      /* POINT EMPTY, and in a multipoint (where GeoJSON has no place for it) */
      {
        Wkb w = wkb_new (le);
        g_autoptr(GByteArray) wkb = w.out;
        g_autoptr(GError) error = NULL;
        g_autoptr(JsonNode) json = NULL;
        g_autofree char *wkt = NULL;
        g_autoptr(GBytes) from_wkt = NULL;
        g_autoptr(GBytes) norm = NULL;

        put_header (&w, 1);
        put_f64 (&w, NAN);
        put_f64 (&w, NAN);
        wkt = wkb_to_wkt_ok (wkb->data, wkb->len);
        g_assert_cmpstr (wkt, ==, "POINT EMPTY");
        json = _tilebox_wkb_to_geojson (wkb->data, wkb->len, NULL, &error);
        g_assert_no_error (error);
        assert_json_eq (json, "{\"type\":\"Point\",\"coordinates\":[]}");
        norm = _tilebox_wkb_normalize (wkb->data, wkb->len, &error);
        g_assert_no_error (error);
        from_wkt = wkt_to_wkb_ok (wkt);
        g_assert_true (g_bytes_equal (from_wkt, norm));
      }
      {
        Wkb w = wkb_new (le);
        g_autoptr(GByteArray) wkb = w.out;
        g_autoptr(GError) error = NULL;
        g_autoptr(JsonNode) json = NULL;
        g_autofree char *wkt = NULL;
        g_autoptr(GBytes) from_wkt = NULL;
        g_autoptr(GBytes) norm = NULL;

        put_header (&w, 4);
        put_u32 (&w, 2);
        put_header (&w, 1);
        put_f64 (&w, NAN);
        put_f64 (&w, NAN);
        put_header (&w, 1);
        put_f64 (&w, 1);
        put_f64 (&w, 2);
        wkt = wkb_to_wkt_ok (wkb->data, wkb->len);
        g_assert_cmpstr (wkt, ==, "MULTIPOINT (EMPTY, (1 2))");
        json = _tilebox_wkb_to_geojson (wkb->data, wkb->len, NULL, &error);
        g_assert_no_error (error);
        assert_json_eq (json, "{\"type\":\"MultiPoint\",\"coordinates\":[[1,2]]}");
        norm = _tilebox_wkb_normalize (wkb->data, wkb->len, &error);
        g_assert_no_error (error);
        from_wkt = wkt_to_wkb_ok (wkt);
        g_assert_true (g_bytes_equal (from_wkt, norm));
      }
    }
}

/* Every truncation of valid WKB fails cleanly, as do trailing bytes. */
static void
test_wkb_truncated (void)
{
  static const BuildFunc builds[] = {
    build_point, build_line_string, build_polygon, build_multi_point,
    build_multi_line_string, build_multi_polygon, build_collection,
    build_ewkb_polygon, build_ewkb_multi_polygon,
  };

  for (guint i = 0; i < G_N_ELEMENTS (builds); i++)
    for (guint le = 0; le < 2; le++)
      {
        g_autoptr(GByteArray) wkb = builds[i] (le);

        for (gsize len = 0; len < wkb->len; len++)
          assert_wkb_fails (wkb->data, len);

        g_byte_array_append (wkb, (const guint8 *) "", 1);
        assert_wkb_fails (wkb->data, wkb->len);
      }

  assert_wkb_fails (NULL, 0);
}

/* Counts that the bytes left cannot hold are rejected before anything
 * is allocated (with 0xFFFFFFFF points, that would be 64 GiB). */
static void
test_wkb_huge_counts (void)
{
  for (guint le = 0; le < 2; le++)
    {
      for (guint32 type = 2; type <= 7; type++)
        {
          Wkb w = wkb_new (le);
          g_autoptr(GByteArray) wkb = w.out;

          put_header (&w, type);
          put_u32 (&w, 0xffffffff);
          put_f64 (&w, 1);
          put_f64 (&w, 2);
          assert_wkb_fails (wkb->data, wkb->len);
        }

      /* a polygon ring of 0xFFFFFFFF positions */
      {
        Wkb w = wkb_new (le);
        g_autoptr(GByteArray) wkb = w.out;

        put_header (&w, 3);
        put_u32 (&w, 1);
        put_u32 (&w, 0xffffffff);
        put_f64 (&w, 1);
        put_f64 (&w, 2);
        assert_wkb_fails (wkb->data, wkb->len);
      }

      /* ZM: 32 bytes a position; 0x08000000 positions overflow 32 bits */
      {
        Wkb w = wkb_new (le);
        g_autoptr(GByteArray) wkb = w.out;

        put_header (&w, 3002);
        put_u32 (&w, 0x08000000);
        for (guint k = 0; k < 4; k++)
          put_f64 (&w, k);
        assert_wkb_fails (wkb->data, wkb->len);
      }

      /* one position too many for the bytes there */
      {
        static const double c[] = { 0, 0, 1, 1 };
        Wkb w = wkb_new (le);
        g_autoptr(GByteArray) wkb = w.out;

        put_header (&w, 2);
        put_points (&w, 2, c, 2);
        wkb->data[le ? 5 : 8] = 3;
        assert_wkb_fails (wkb->data, wkb->len);
      }
    }
}

static GByteArray *
build_nested_collections (guint levels)
{
  Wkb w = wkb_new (TRUE);

  for (guint i = 0; i < levels; i++)
    {
      put_header (&w, 7);
      put_u32 (&w, i + 1 < levels ? 1 : 0);
    }
  return w.out;
}

/* Collections nest at most TILEBOX_GEOMETRY_MAX_DEPTH deep. */
static void
test_wkb_deep_nesting (void)
{
  g_autoptr(GByteArray) ok = build_nested_collections (TILEBOX_GEOMETRY_MAX_DEPTH);
  g_autoptr(GByteArray) deep = build_nested_collections (TILEBOX_GEOMETRY_MAX_DEPTH + 1);
  g_autoptr(GByteArray) very_deep = build_nested_collections (100000);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autofree char *wkt = NULL;
  g_autofree char *again = NULL;
  g_autoptr(GString) wkt_deep = g_string_new (NULL);
  g_autoptr(GString) json_deep = g_string_new (NULL);

  json = _tilebox_wkb_to_geojson (ok->data, ok->len, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (json);
  wkt = wkb_to_wkt_ok (ok->data, ok->len);
  {
    g_autoptr(GString) expected = g_string_new (NULL);

    for (guint i = 1; i < TILEBOX_GEOMETRY_MAX_DEPTH; i++)
      g_string_append (expected, "GEOMETRYCOLLECTION (");
    g_string_append (expected, "GEOMETRYCOLLECTION EMPTY");
    for (guint i = 1; i < TILEBOX_GEOMETRY_MAX_DEPTH; i++)
      g_string_append_c (expected, ')');
    g_assert_cmpstr (wkt, ==, expected->str);
  }
  again = wkt_round (wkt);
  g_assert_cmpstr (again, ==, wkt);
  {
    g_autoptr(GBytes) from_json = _tilebox_geojson_to_wkb (json, &error);

    g_assert_no_error (error);
    assert_bytes_eq (from_json, ok->data, ok->len);
  }

  assert_wkb_fails (deep->data, deep->len);
  assert_wkb_fails (very_deep->data, very_deep->len);

  /* the same limit for WKT and GeoJSON */
  for (guint i = 0; i < TILEBOX_GEOMETRY_MAX_DEPTH; i++)
    {
      g_string_append (wkt_deep, "GEOMETRYCOLLECTION (");
      g_string_append (json_deep, "{\"type\":\"GeometryCollection\",\"geometries\":[");
    }
  g_string_append (wkt_deep, "GEOMETRYCOLLECTION EMPTY");
  g_string_append (json_deep, "{\"type\":\"GeometryCollection\",\"geometries\":[]}");
  for (guint i = 0; i < TILEBOX_GEOMETRY_MAX_DEPTH; i++)
    {
      g_string_append (wkt_deep, ")");
      g_string_append (json_deep, "]}");
    }
  assert_wkt_invalid (wkt_deep->str, "nested more than 32");
  assert_geojson_invalid (json_deep->str, "nested more than 32");
}

static void
test_wkb_malformed (void)
{
  static const char *const cases[] = {
    "",                                                   /* nothing */
    "02" "01000000" "000000000000f03f" "0000000000000040", /* byte order 2 */
    "01" "00000000",                                      /* type 0 */
    "01" "08000000" "00000000",                           /* CircularString */
    "01" "11000000" "00000000",                           /* Triangle */
    "01" "a10f0000" "000000000000f03f" "0000000000000040", /* type 4001 */
    "01" "01000010" "000000000000f03f" "0000000000000040", /* unknown flag */
    "01" "e9030080" "000000000000f03f" "0000000000000040" "0000000000000840", /* EWKB Z + ISO Z */
    "01" "01000000" "000000000000f87f" "0000000000000040", /* NaN and a number */
    "01" "01000000" "000000000000f07f" "0000000000000040", /* infinity */
    "01" "02000000" "02000000" "000000000000f03f" "0000000000000040" "000000000000f87f" "0000000000000040", /* NaN in a line */
    /* a multipoint holding a linestring */
    "01" "04000000" "01000000" "01" "02000000" "01000000" "000000000000f03f" "0000000000000040",
    /* a multipolygon holding a point */
    "01" "06000000" "01000000" "01" "01000000" "000000000000f03f" "0000000000000040",
    /* a Z multipoint holding a 2D point */
    "01" "ec030000" "01000000" "01" "01000000" "000000000000f03f" "0000000000000040",
    /* a 2D multipoint holding a Z point */
    "01" "04000000" "01000000" "01" "e9030000" "000000000000f03f" "0000000000000040" "0000000000000840",
    /* a collection holding garbage */
    "01" "07000000" "01000000" "05" "01000000",
    /* SRID flag with no SRID */
    "01" "01000020",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GByteArray) wkb = from_hex (cases[i]);

      g_test_message ("case %u: %s", i, cases[i]);
      assert_wkb_fails (wkb->data, wkb->len);
    }

  /* a collection may hold members of other dimensions and with SRIDs */
  {
    g_autoptr(GByteArray) wkb = from_hex ("01" "07000000" "01000000"
                                          "01" "010000a0" "e6100000"
                                          "000000000000f03f" "0000000000000040" "0000000000000840");
    g_autofree char *wkt = wkb_to_wkt_ok (wkb->data, wkb->len);

    g_assert_cmpstr (wkt, ==, "GEOMETRYCOLLECTION (POINT Z (1 2 3))");
  }
}

/* --- WKT ------------------------------------------------------------------ */

/* Doubles in the shortest form that reads back the same. */
static void
test_wkt_numbers (void)
{
  static const struct {
    double x;
    const char *text;
  } numbers[] = {
    { 0.1, "0.1" },
    { 1.0 / 3.0, "0.3333333333333333" },
    { 2.0 / 3.0, "0.6666666666666666" },
    { G_PI, "3.141592653589793" },
    { 0.1 + 0.2, "0.30000000000000004" },
    { -0.0, "-0" },
    { 1e-7, "1e-07" },
    { 1e21, "1e+21" },
    { 123456789.125, "123456789.125" },
    { 158.999811, "158.999811" },
    { 5e-324, "5e-324" },
    { 1.5e-320, "1.5e-320" },
    { 2.2250738585072014e-308, "2.2250738585072014e-308" },
    { 1.7976931348623157e308, "1.7976931348623157e+308" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    {
      Wkb w = wkb_new (TRUE);
      g_autoptr(GByteArray) wkb = w.out;
      g_autofree char *wkt = NULL;
      g_autofree char *expected = g_strdup_printf ("POINT (%s 7)", numbers[i].text);
      g_autoptr(GBytes) back = NULL;

      put_header (&w, 1);
      put_f64 (&w, numbers[i].x);
      put_f64 (&w, 7);
      wkt = wkb_to_wkt_ok (wkb->data, wkb->len);
      g_assert_cmpstr (wkt, ==, expected);

      /* and back, bit for bit */
      back = wkt_to_wkb_ok (wkt);
      assert_bytes_eq (back, wkb->data, wkb->len);
    }
}

/* Accepted spellings and their canonical form. */
static void
test_wkt_parse (void)
{
  static const struct {
    const char *in;
    const char *out;
  } cases[] = {
    { "POINT (1 2)", "POINT (1 2)" },
    { "point(1 2)", "POINT (1 2)" },
    { "  \n\tPoint  (  1\t2 )  \n", "POINT (1 2)" },
    { "SRID=4326;POINT (1 2)", "POINT (1 2)" },
    { "srid = 4326 ; POINT(1 2)", "POINT (1 2)" },
    { "POINT Z (1 2 3)", "POINT Z (1 2 3)" },
    { "POINTZ(1 2 3)", "POINT Z (1 2 3)" },
    { "point z(1 2 3)", "POINT Z (1 2 3)" },
    { "POINT (1 2 3)", "POINT Z (1 2 3)" },
    { "POINT (1 2 3 4)", "POINT ZM (1 2 3 4)" },
    { "POINT M (1 2 3)", "POINT M (1 2 3)" },
    { "POINTM (1 2 3)", "POINT M (1 2 3)" },
    { "POINT ZM (1 2 3 4)", "POINT ZM (1 2 3 4)" },
    { "POINT EMPTY", "POINT EMPTY" },
    { "POINT Z EMPTY", "POINT Z EMPTY" },
    { "LINESTRING (1e3 -2.5E-2, .5 +1, -1. 0)", "LINESTRING (1000 -0.025, 0.5 1, -1 0)" },
    { "LINESTRING(0 0,1 1)", "LINESTRING (0 0, 1 1)" },
    { "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 2 4, 4 4, 2 2))", "POLYGON (" SQUARE_WKT ")" },
    { "MULTIPOINT (1 2, 3 4)", "MULTIPOINT ((1 2), (3 4))" },
    { "MULTIPOINT ((1 2), 3 4, EMPTY)", "MULTIPOINT ((1 2), (3 4), EMPTY)" },
    { "MULTIPOINT Z (1 2 3)", "MULTIPOINT Z ((1 2 3))" },
    { "MULTILINESTRING ((0 0, 1 1), EMPTY)", "MULTILINESTRING ((0 0, 1 1), EMPTY)" },
    { "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5), (5.1 5.1, 5.2 5.1, 5.2 5.2, 5.1 5.1)))",
      "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5), (5.1 5.1, 5.2 5.1, 5.2 5.2, 5.1 5.1)))" },
    { "MULTIPOLYGON Z (((0 0 1, 1 0 1, 1 1 1, 0 0 1)))", "MULTIPOLYGON Z (((0 0 1, 1 0 1, 1 1 1, 0 0 1)))" },
    { "GEOMETRYCOLLECTION (POINT (1 2), LINESTRING (0 0, 1 1))",
      "GEOMETRYCOLLECTION (POINT (1 2), LINESTRING (0 0, 1 1))" },
    { "GEOMETRYCOLLECTION (POINT (1 2 3), POINT EMPTY, GEOMETRYCOLLECTION EMPTY)",
      "GEOMETRYCOLLECTION (POINT Z (1 2 3), POINT EMPTY, GEOMETRYCOLLECTION EMPTY)" },
    { "GEOMETRYCOLLECTION Z (POINT Z (1 2 3))", "GEOMETRYCOLLECTION Z (POINT Z (1 2 3))" },
    { "GEOMETRYCOLLECTION EMPTY", "GEOMETRYCOLLECTION EMPTY" },
    { "MULTIPOLYGON EMPTY", "MULTIPOLYGON EMPTY" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *again = NULL;

      g_test_message ("WKT %s", cases[i].in);
      out = wkt_round (cases[i].in);
      g_assert_cmpstr (out, ==, cases[i].out);
      /* the canonical form is a fixed point */
      again = wkt_round (out);
      g_assert_cmpstr (again, ==, out);
    }
}

/* WKB → WKT → WKB gives the normal form for every sample. */
static void
test_wkt_round_trip (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      g_autoptr(GByteArray) wkb = samples[i].build (FALSE);
      g_autofree char *wkt = wkb_to_wkt_ok (wkb->data, wkb->len);
      g_autoptr(GBytes) back = wkt_to_wkb_ok (wkt);
      g_autoptr(GBytes) norm = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *again = NULL;

      norm = _tilebox_wkb_normalize (wkb->data, wkb->len, &error);
      g_assert_no_error (error);
      g_assert_true (g_bytes_equal (back, norm));
      again = wkb_to_wkt_ok (g_bytes_get_data (back, NULL), g_bytes_get_size (back));
      g_assert_cmpstr (again, ==, wkt);
    }
}

static void
test_wkt_invalid (void)
{
  static const struct {
    const char *wkt;
    const char *in_message;
  } cases[] = {
    { "POLYGON ((0 0, 1 1))", "WKT polygon ring 0 has 2 positions; a ring needs at least 4 and must be closed" },
    { "POLYGON ((0 0, 1 0, 1 1, 0 1))", "ring 0 is not closed" },
    { "POLYGON ((0 0, 1 0, 1 1, 0 0), (0 0, 1 1, 0 0))", "ring 1 has 3 positions" },
    { "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((0 0, 1 0, 1 1, 0 1)))", "polygon 1 ring 0 is not closed" },
    { "POINT (1)", "at least 2 numbers" },
    { "POINT ()", "expected a position" },
    { "POINT (1 2 3 4 5)", "at most 4" },
    { "POINT Z (1 2)", "2 numbers" },
    { "POINT (1 2, 3 4)", "expected “)”" },
    { "LINESTRING (1 2)", "linestring has 1 position;" },
    { "MULTILINESTRING ((0 0, 1 1), (2 2))", "linestring 1 has 1 position;" },
    { "LINESTRING (1 2, 3 4 5)", "3 numbers" },
    { "garbage", "expected a geometry type" },
    { "", "expected a geometry type" },
    { "   ", "expected a geometry type" },
    { "POINT", "expected “(”" },
    { "POINT (1 2", "expected “)”" },
    { "POINT (1 2) x", "unexpected text" },
    { "POINT (1 2);", "unexpected text" },
    { "POINTX (1 2)", "expected a geometry type" },
    { "POINT ZZ (1 2 3)", "expected “(”" },
    { "POINT (nan 1)", "expected a position" },
    { "POINT (inf 1)", "expected a position" },
    { "POINT (1e999 1)", "out of range" },
    { "POINT (1a 2)", "expected a number" },
    { "POINT (1-2 3)", "expected a number" },
    { "POINT (. 2)", "expected a number" },
    { "POINT (- 2)", "expected a number" },
    { "POINT (0x10 2)", "expected a number" },
    { "CIRCULARSTRING (0 0, 1 1, 2 0)", "expected a geometry type" },
    { "GEOMETRYCOLLECTION (POINT (1 2),)", "expected a geometry type" },
    { "GEOMETRYCOLLECTION (1 2)", "expected a geometry type" },
    { "MULTIPOINT ((1 2)", "expected “,” or “)”" },
    { "SRID=;POINT (1 2)", "SRID" },
    { "SRID=4326 POINT (1 2)", "expected “;”" },
    { "POLYGON (0 0, 1 0, 1 1, 0 0)", "expected “(”" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("WKT %s", cases[i].wkt);
      assert_wkt_invalid (cases[i].wkt, cases[i].in_message);
    }
}

/* --- GeoJSON -------------------------------------------------------------- */

static void
test_geojson_round_trip (void)
{
  static const char *const cases[] = {
    "{\"type\":\"Point\",\"coordinates\":[1,2]}",
    "{\"type\":\"Point\",\"coordinates\":[1.5,-2.25,3]}",
    "{\"type\":\"Point\",\"coordinates\":[]}",
    "{\"type\":\"LineString\",\"coordinates\":[[0,0],[1,1]]}",
    "{\"type\":\"LineString\",\"coordinates\":[]}",
    "{\"type\":\"Polygon\",\"coordinates\":[" SQUARE_JSON "]}",
    "{\"type\":\"Polygon\",\"coordinates\":[[[0,0,1],[1,0,1],[1,1,1],[0,0,1]]]}",
    "{\"type\":\"MultiPoint\",\"coordinates\":[[1,2],[3,4]]}",
    "{\"type\":\"MultiLineString\",\"coordinates\":[[[0,0],[1,1]],[[2,2],[3,3]]]}",
    "{\"type\":\"MultiPolygon\",\"coordinates\":[[" SQUARE_JSON "],[" TRI_JSON "]]}",
    "{\"type\":\"MultiPolygon\",\"coordinates\":[]}",
    "{\"type\":\"GeometryCollection\",\"geometries\":["
    "{\"type\":\"Point\",\"coordinates\":[1,2,3]},"
    "{\"type\":\"GeometryCollection\",\"geometries\":[]},"
    "{\"type\":\"MultiPoint\",\"coordinates\":[[1,2]]}]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) in = json_from_string (cases[i], &error);
      g_autoptr(GBytes) wkb = NULL;
      g_autoptr(JsonNode) out = NULL;
      g_autoptr(GBytes) wkb2 = NULL;
      guint32 srid = 1;

      g_test_message ("GeoJSON %s", cases[i]);
      g_assert_no_error (error);
      wkb = _tilebox_geojson_to_wkb (in, &error);
      g_assert_no_error (error);
      out = _tilebox_wkb_to_geojson (g_bytes_get_data (wkb, NULL), g_bytes_get_size (wkb), &srid, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (srid, ==, 0);
      assert_json_eq (out, cases[i]);
      wkb2 = _tilebox_geojson_to_wkb (out, &error);
      g_assert_no_error (error);
      g_assert_true (g_bytes_equal (wkb, wkb2));
    }

  /* members other than type and coordinates are ignored */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) in = json_from_string ("{\"bbox\":[0,0,1,1],\"coordinates\":[1,2],\"type\":\"Point\"}", &error);
    g_autoptr(GBytes) wkb = _tilebox_geojson_to_wkb (in, &error);
    g_autoptr(GByteArray) point = from_hex ("0101000000000000000000f03f0000000000000040");

    g_assert_no_error (error);
    assert_bytes_eq (wkb, point->data, point->len);
  }
}

static void
test_geojson_invalid (void)
{
  static const struct {
    const char *json;
    const char *in_message;
  } cases[] = {
    { "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[0,0]]]}",
      "GeoJSON polygon ring 0 has 3 positions; a ring needs at least 4 and must be closed" },
    { "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1]]]}", "ring 0 is not closed" },
    { "{\"type\":\"MultiPolygon\",\"coordinates\":[[" TRI_JSON "],[[[0,0],[1,0],[0,0]]]]}",
      "GeoJSON polygon 1 ring 0 has 3 positions" },
    { "{\"type\":\"Circle\",\"coordinates\":[1,2]}", "Unknown GeoJSON geometry type “Circle”" },
    { "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]}}", "“Feature”" },
    { "{\"type\":\"point\",\"coordinates\":[1,2]}", "“point”" },
    { "{\"coordinates\":[1,2]}", "“type”" },
    { "{\"type\":7,\"coordinates\":[1,2]}", "“type”" },
    { "[1,2]", "JSON object" },
    { "\"POINT (1 2)\"", "JSON object" },
    { "{\"type\":\"Point\"}", "“coordinates”" },
    { "{\"type\":\"Point\",\"coordinates\":null}", "“coordinates”" },
    { "{\"type\":\"Point\",\"coordinates\":[[1,2]]}", "not a number" },
    { "{\"type\":\"Point\",\"coordinates\":[\"1\",2]}", "not a number" },
    { "{\"type\":\"Point\",\"coordinates\":[1,null]}", "not a number" },
    { "{\"type\":\"Point\",\"coordinates\":[true,2]}", "not a number" },
    { "{\"type\":\"Point\",\"coordinates\":[1]}", "1 number;" },
    { "{\"type\":\"Point\",\"coordinates\":[1,2,3,4]}", "4 numbers" },
    { "{\"type\":\"LineString\",\"coordinates\":[1,2]}", "expected a position" },
    { "{\"type\":\"LineString\",\"coordinates\":[[1,2]]}", "linestring has 1 position;" },
    { "{\"type\":\"LineString\",\"coordinates\":[[1,2],[3,4,5]]}", "mixes" },
    { "{\"type\":\"Polygon\",\"coordinates\":[[0,0],[1,0],[1,1],[0,0]]}", "expected a position" },
    { "{\"type\":\"Polygon\",\"coordinates\":[[[[0,0],[1,0],[1,1],[0,0]]]]}", "not a number" },
    { "{\"type\":\"Polygon\",\"coordinates\":[5]}", "array of positions" },
    { "{\"type\":\"MultiPolygon\",\"coordinates\":[" TRI_JSON "]}", "expected a position" },
    { "{\"type\":\"MultiPolygon\",\"coordinates\":[5]}", "expected an array of rings" },
    { "{\"type\":\"MultiPoint\",\"coordinates\":[1,2]}", "expected a position" },
    { "{\"type\":\"MultiLineString\",\"coordinates\":[[[0,0],[1,1]],[[2,2]]]}", "linestring 1 has 1 position;" },
    { "{\"type\":\"GeometryCollection\"}", "“geometries”" },
    { "{\"type\":\"GeometryCollection\",\"geometries\":{}}", "“geometries”" },
    { "{\"type\":\"GeometryCollection\",\"geometries\":[{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,1]]]}]}",
      "ring 0 has 2 positions" },
    { "{\"type\":\"GeometryCollection\",\"geometries\":[1]}", "JSON object" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("GeoJSON %s", cases[i].json);
      assert_geojson_invalid (cases[i].json, cases[i].in_message);
    }

  /* a JSON null, and no node at all */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) null = json_node_new (JSON_NODE_NULL);
    g_autoptr(GBytes) wkb = _tilebox_geojson_to_wkb (null, &error);

    g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
    g_assert_null (wkb);
    g_clear_error (&error);
    g_assert_null (_tilebox_geojson_to_wkb (NULL, &error));
    g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
  }

  /* a NaN put in by the API, which JSON text cannot hold */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node = json_from_string ("{\"type\":\"Point\",\"coordinates\":[1,2]}", &error);
    JsonArray *coordinates = json_object_get_array_member (json_node_get_object (node), "coordinates");
    g_autoptr(GBytes) wkb = NULL;

    json_node_set_double (json_array_get_element (coordinates, 0), NAN);
    wkb = _tilebox_geojson_to_wkb (node, &error);
    g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
    g_assert_null (wkb);
  }
}

/* --- the recorded Sentinel-2 query --------------------------------------- */

/* Sentinel2Msi datapoint fields holding a datasets.v1.Geometry { bytes wkb = 1 } */
#define FIELD_GEOMETRY 4
#define FIELD_CENTROID 14

/* The wkb of the Geometry message in field `number` of the datapoint, or
 * NULL when there is none. */
static GBytes *
datapoint_geometry (GBytes *datapoint,
                    guint32 number)
{
  g_autoptr(GError) error = NULL;
  TileboxPbReader reader;
  GBytes *wkb = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (datapoint, &len);
  int r;

  _tilebox_pb_reader_init (&reader, data, len);
  while ((r = _tilebox_pb_reader_next (&reader, &error)) == 1)
    {
      if (reader.field == number && reader.wire_type == TILEBOX_PB_WIRE_LEN)
        {
          TileboxPbReader sub;

          g_assert_true (_tilebox_pb_read_message (&reader, &sub, &error));
          while ((r = _tilebox_pb_reader_next (&sub, &error)) == 1)
            {
              if (sub.field == 1 && sub.wire_type == TILEBOX_PB_WIRE_LEN)
                {
                  const guint8 *bytes;
                  gsize bytes_len;

                  g_assert_true (_tilebox_pb_read_bytes (&sub, &bytes, &bytes_len, &error));
                  g_clear_pointer (&wkb, g_bytes_unref);
                  wkb = g_bytes_new (bytes, bytes_len);
                }
              else
                g_assert_true (_tilebox_pb_skip (&sub, &error));
            }
          g_assert_no_error (error);
          g_assert_cmpint (r, ==, 0);
        }
      else
        g_assert_true (_tilebox_pb_skip (&reader, &error));
    }
  g_assert_no_error (error);
  g_assert_cmpint (r, ==, 0);
  return wkb;
}

static void
test_recorded_sentinel2 (void)
{
  g_autoptr(GPtrArray) calls = tilebox_test_load_recording ("query.rpcs.bin", TILEBOX_TEST_RECORDING_GUNZIP);
  g_auto(TileboxPbQueryResultPage) page = { 0 };
  g_autoptr(GError) error = NULL;

  if (calls == NULL)
    return;
  g_assert_cmpuint (calls->len, >=, 2);
  g_assert_true (_tilebox_pb_decode_bytes (query_result_page, &page,
                                           g_ptr_array_index (calls, 1), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (page.values->len, ==, 1459);

  for (guint i = 0; i < page.values->len; i++)
    {
      g_autoptr(GBytes) geometry = datapoint_geometry (g_ptr_array_index (page.values, i), FIELD_GEOMETRY);
      g_autoptr(GBytes) centroid = datapoint_geometry (g_ptr_array_index (page.values, i), FIELD_CENTROID);
      g_autoptr(JsonNode) json = NULL;
      g_autoptr(JsonNode) centroid_json = NULL;
      g_autofree char *wkt = NULL;
      g_autofree char *centroid_wkt = NULL;
      g_autoptr(GBytes) norm = NULL;
      g_autoptr(GBytes) from_wkt = NULL;
      g_autoptr(GBytes) from_json = NULL;
      guint32 srid = 0;
      const guint8 *data;
      gsize len;

      g_assert_nonnull (geometry);
      data = g_bytes_get_data (geometry, &len);

      json = _tilebox_wkb_to_geojson (data, len, &srid, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (srid, ==, 4326);
      g_assert_cmpstr (json_object_get_string_member (json_node_get_object (json), "type"), ==, "Polygon");
      wkt = wkb_to_wkt_ok (data, len);
      g_assert_true (g_str_has_prefix (wkt, "POLYGON (("));

      /* plain WKB of the same geometry: the SRID is all that goes */
      norm = _tilebox_wkb_normalize (data, len, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (g_bytes_get_size (norm), ==, len - 4);
      from_wkt = wkt_to_wkb_ok (wkt);
      g_assert_true (g_bytes_equal (from_wkt, norm));
      from_json = _tilebox_geojson_to_wkb (json, &error);
      g_assert_no_error (error);
      g_assert_true (g_bytes_equal (from_json, norm));

      g_assert_nonnull (centroid);
      data = g_bytes_get_data (centroid, &len);
      centroid_json = _tilebox_wkb_to_geojson (data, len, &srid, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (srid, ==, 0);
      g_assert_cmpstr (json_object_get_string_member (json_node_get_object (centroid_json), "type"), ==, "Point");
      centroid_wkt = wkb_to_wkt_ok (data, len);
      g_assert_true (g_str_has_prefix (centroid_wkt, "POINT ("));

      if (i == 0)
        {
          g_assert_cmpstr (wkt, ==,
                           "POLYGON ((158.999811 18.08907, 158.999812 17.096587, "
                           "160.031817 17.09396, 160.037464 18.086281, 158.999811 18.08907))");
          assert_json_eq (json,
                          "{\"type\":\"Polygon\",\"coordinates\":[[[158.999811,18.08907],"
                          "[158.999812,17.096587],[160.031817,17.09396],[160.037464,18.086281],"
                          "[158.999811,18.08907]]]}");
          g_assert_cmpstr (centroid_wkt, ==, "POINT (159.517214441944 17.5919261404327)");
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/geometry/wkb/types", test_wkb_types);
  g_test_add_func ("/geometry/wkb/known-bytes", test_wkb_known_bytes);
  g_test_add_func ("/geometry/wkb/z-m", test_wkb_z_m);
  g_test_add_func ("/geometry/wkb/z-types", test_wkb_z_types);
  g_test_add_func ("/geometry/wkb/empty", test_wkb_empty);
  g_test_add_func ("/geometry/wkb/truncated", test_wkb_truncated);
  g_test_add_func ("/geometry/wkb/huge-counts", test_wkb_huge_counts);
  g_test_add_func ("/geometry/wkb/deep-nesting", test_wkb_deep_nesting);
  g_test_add_func ("/geometry/wkb/malformed", test_wkb_malformed);
  g_test_add_func ("/geometry/wkt/numbers", test_wkt_numbers);
  g_test_add_func ("/geometry/wkt/parse", test_wkt_parse);
  g_test_add_func ("/geometry/wkt/round-trip", test_wkt_round_trip);
  g_test_add_func ("/geometry/wkt/invalid", test_wkt_invalid);
  g_test_add_func ("/geometry/geojson/round-trip", test_geojson_round_trip);
  g_test_add_func ("/geometry/geojson/invalid", test_geojson_invalid);
  g_test_add_func ("/geometry/recorded/sentinel2", test_recorded_sentinel2);

  return g_test_run ();
}
