/* tilebox-geometry.c: WKB, WKT and GeoJSON geometry conversions (internal)
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every syntax is read into one small tree (Geom) and written from it:
 * WKB, WKT and GeoJSON readers on one side, WKB, WKT and GeoJSON writers
 * on the other. The WKB reader checks sizes before it allocates, so that
 * the tree of bytes from the network is never larger than a small multiple
 * of those bytes; WKT and GeoJSON input is bounded by the text or the JSON
 * tree it comes in.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "tilebox-geometry-private.h"
#include "tilebox-error.h"
#include "tilebox-util-private.h"

/* --- the tree ------------------------------------------------------------ */

enum {
  DIM_Z = 1 << 0,
  DIM_M = 1 << 1,
};

typedef struct _Geom Geom;

struct _Geom {
  TileboxGeometryType type;
  guint dims;                  /* DIM_Z | DIM_M */
  /* Point (one position, or none when empty), LineString, polygon ring:
   * ncoords (dims) doubles per position */
  GArray *coords;
  /* Polygon: its rings (Geoms of type LINE_STRING); Multi* and
   * GeometryCollection: the elements */
  GPtrArray *parts;
};

static const char *const wkt_names[] = {
  NULL, "POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING",
  "MULTIPOLYGON", "GEOMETRYCOLLECTION",
};

static const char *const geojson_names[] = {
  NULL, "Point", "LineString", "Polygon", "MultiPoint", "MultiLineString",
  "MultiPolygon", "GeometryCollection",
};

static guint
ncoords (guint dims)
{
  return 2 + ((dims & DIM_Z) ? 1 : 0) + ((dims & DIM_M) ? 1 : 0);
}

static void
geom_free (Geom *g)
{
  if (g == NULL)
    return;
  g_clear_pointer (&g->coords, g_array_unref);
  g_clear_pointer (&g->parts, g_ptr_array_unref);
  g_free (g);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Geom, geom_free)

static Geom *
geom_new (TileboxGeometryType type,
          guint               dims)
{
  Geom *g = g_new0 (Geom, 1);

  g->type = type;
  g->dims = dims;
  if (type == TILEBOX_GEOMETRY_POINT || type == TILEBOX_GEOMETRY_LINE_STRING)
    g->coords = g_array_new (FALSE, FALSE, sizeof (double));
  else
    g->parts = g_ptr_array_new_with_free_func ((GDestroyNotify) geom_free);
  return g;
}

static guint
geom_npositions (const Geom *g)
{
  return g->coords->len / ncoords (g->dims);
}

static gboolean
geom_is_empty (const Geom *g)
{
  return g->coords != NULL ? g->coords->len == 0 : g->parts->len == 0;
}

/* The element type of a Multi*, 0 for other types. */
static TileboxGeometryType
element_type (TileboxGeometryType type)
{
  switch (type)
    {
    case TILEBOX_GEOMETRY_MULTI_POINT:
      return TILEBOX_GEOMETRY_POINT;
    case TILEBOX_GEOMETRY_MULTI_LINE_STRING:
      return TILEBOX_GEOMETRY_LINE_STRING;
    case TILEBOX_GEOMETRY_MULTI_POLYGON:
      return TILEBOX_GEOMETRY_POLYGON;
    case TILEBOX_GEOMETRY_POINT:
    case TILEBOX_GEOMETRY_LINE_STRING:
    case TILEBOX_GEOMETRY_POLYGON:
    case TILEBOX_GEOMETRY_COLLECTION:
    default:
      return 0;
    }
}

/* Sets the dimensions of g and of its rings and elements (not those of
 * a collection's members, which have their own). */
static void
geom_set_dims (Geom *g,
               guint dims)
{
  g->dims = dims;
  if (g->parts != NULL && g->type != TILEBOX_GEOMETRY_COLLECTION)
    for (guint i = 0; i < g->parts->len; i++)
      geom_set_dims (g_ptr_array_index (g->parts, i), dims);
}

static const char *
dims_name (guint dims)
{
  switch (dims)
    {
    case DIM_Z:
      return "XYZ";
    case DIM_M:
      return "XYM";
    case DIM_Z | DIM_M:
      return "XYZM";
    default:
      return "XY";
    }
}

/* --- checks of user input (WKT, GeoJSON) ----------------------------------- */

static gboolean
check_line_string (const char *syntax,
                   const Geom *ls,
                   gint        index,
                   GError    **error)
{
  guint n = geom_npositions (ls);

  if (n >= 2)
    return TRUE;
  if (index < 0)
    g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                 g_dngettext (GETTEXT_PACKAGE,
                              "%s linestring has %u position; a linestring needs at least 2",
                              "%s linestring has %u positions; a linestring needs at least 2", n),
                 syntax, n);
  else
    g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                 g_dngettext (GETTEXT_PACKAGE,
                              "%s linestring %d has %u position; a linestring needs at least 2",
                              "%s linestring %d has %u positions; a linestring needs at least 2", n),
                 syntax, index, n);
  return FALSE;
}

static gboolean
check_polygon (const char *syntax,
               const Geom *poly,
               gint        index,
               GError    **error)
{
  for (guint i = 0; i < poly->parts->len; i++)
    {
      const Geom *ring = g_ptr_array_index (poly->parts, i);
      guint n = geom_npositions (ring);
      guint nc = ncoords (ring->dims);
      const double *c = (const double *) ring->coords->data;

      if (n < 4)
        {
          if (index < 0)
            g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                         g_dngettext (GETTEXT_PACKAGE,
                                      "%s polygon ring %u has %u position; a ring needs at least 4 and must be closed",
                                      "%s polygon ring %u has %u positions; a ring needs at least 4 and must be closed", n),
                         syntax, i, n);
          else
            g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                         g_dngettext (GETTEXT_PACKAGE,
                                      "%s polygon %d ring %u has %u position; a ring needs at least 4 and must be closed",
                                      "%s polygon %d ring %u has %u positions; a ring needs at least 4 and must be closed", n),
                         syntax, index, i, n);
          return FALSE;
        }
      if (memcmp (c, c + (gsize) (n - 1) * nc, nc * sizeof (double)) != 0)
        {
          gboolean closed = TRUE;

          /* -0 and 0 are the same coordinate */
          for (guint k = 0; k < nc; k++)
            closed = closed && c[k] == c[(gsize) (n - 1) * nc + k];
          if (closed)
            continue;
          if (index < 0)
            g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                         _("%s polygon ring %u is not closed: its first and last positions differ"),
                         syntax, i);
          else
            g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                         _("%s polygon %d ring %u is not closed: its first and last positions differ"),
                         syntax, index, i);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
check_geom (const char *syntax,
            const Geom *g,
            GError    **error)
{
  switch (g->type)
    {
    case TILEBOX_GEOMETRY_POINT:
      return TRUE;
    case TILEBOX_GEOMETRY_LINE_STRING:
      return geom_is_empty (g) || check_line_string (syntax, g, -1, error);
    case TILEBOX_GEOMETRY_POLYGON:
      return check_polygon (syntax, g, -1, error);
    case TILEBOX_GEOMETRY_MULTI_POINT:
      return TRUE;
    case TILEBOX_GEOMETRY_MULTI_LINE_STRING:
      for (guint i = 0; i < g->parts->len; i++)
        {
          const Geom *ls = g_ptr_array_index (g->parts, i);

          if (!geom_is_empty (ls) && !check_line_string (syntax, ls, i, error))
            return FALSE;
        }
      return TRUE;
    case TILEBOX_GEOMETRY_MULTI_POLYGON:
      for (guint i = 0; i < g->parts->len; i++)
        if (!check_polygon (syntax, g_ptr_array_index (g->parts, i), i, error))
          return FALSE;
      return TRUE;
    case TILEBOX_GEOMETRY_COLLECTION:
      for (guint i = 0; i < g->parts->len; i++)
        if (!check_geom (syntax, g_ptr_array_index (g->parts, i), error))
          return FALSE;
      return TRUE;
    default:
      g_assert_not_reached ();
    }
}

/* --- WKB reader ------------------------------------------------------------ */

#define EWKB_Z 0x80000000u
#define EWKB_M 0x40000000u
#define EWKB_SRID 0x20000000u

typedef struct {
  const guint8 *data;
  gsize len;
  gsize pos;
} WkbReader;

typedef struct {
  gsize start;
  gboolean le;
  TileboxGeometryType type;
  guint dims;
  gboolean has_srid;
  guint32 srid;
} WkbHeader;

static gboolean
wkb_need (WkbReader *r,
          gsize      n,
          GError   **error)
{
  if (r->len - r->pos >= n)
    return TRUE;
  g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL,
               g_dngettext (GETTEXT_PACKAGE,
                            "Malformed WKB: truncated at byte %lu, %lu more byte needed",
                            "Malformed WKB: truncated at byte %lu, %lu more bytes needed",
                            (gulong) (n - (r->len - r->pos))),
               (gulong) r->pos, (gulong) (n - (r->len - r->pos)));
  return FALSE;
}

/* Callers check the size first. */
static guint32
wkb_u32 (WkbReader *r,
         gboolean   le)
{
  const guint8 *p = r->data + r->pos;

  r->pos += 4;
  if (le)
    return (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24;
  return (guint32) p[3] | (guint32) p[2] << 8 | (guint32) p[1] << 16 | (guint32) p[0] << 24;
}

static double
wkb_f64 (WkbReader *r,
         gboolean   le)
{
  const guint8 *p = r->data + r->pos;
  guint64 bits = 0;
  double d;

  r->pos += 8;
  for (guint i = 0; i < 8; i++)
    bits |= (guint64) p[le ? i : 7 - i] << (8 * i);
  memcpy (&d, &bits, sizeof d);
  return d;
}

static gboolean
wkb_read_header (WkbReader *r,
                 WkbHeader *h,
                 GError   **error)
{
  guint8 order;
  guint32 code, rest, base, iso;

  memset (h, 0, sizeof *h);
  h->start = r->pos;
  if (!wkb_need (r, 5, error))
    return FALSE;
  order = r->data[r->pos];
  if (order > 1)
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL,
                   _("Malformed WKB: byte order %u at byte %lu is neither 0 (big endian) nor 1 (little endian)"),
                   order, (gulong) r->pos);
      return FALSE;
    }
  r->pos++;
  h->le = order == 1;
  code = wkb_u32 (r, h->le);

  rest = code & ~(EWKB_Z | EWKB_M | EWKB_SRID);
  base = rest % 1000;
  iso = rest / 1000;
  if (iso > 3 || base < TILEBOX_GEOMETRY_POINT || base > TILEBOX_GEOMETRY_COLLECTION)
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL,
                   _("Malformed WKB: unsupported geometry type %#x at byte %lu"),
                   code, (gulong) h->start);
      return FALSE;
    }
  if (iso != 0 && (code & (EWKB_Z | EWKB_M)) != 0)
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL,
                   _("Malformed WKB: geometry type %#x at byte %lu gives its dimensions both as EWKB flags and as an ISO type"),
                   code, (gulong) h->start);
      return FALSE;
    }

  h->type = base;
  if (iso == 1 || iso == 3 || (code & EWKB_Z) != 0)
    h->dims |= DIM_Z;
  if (iso == 2 || iso == 3 || (code & EWKB_M) != 0)
    h->dims |= DIM_M;

  if ((code & EWKB_SRID) != 0)
    {
      if (!wkb_need (r, 4, error))
        return FALSE;
      h->has_srid = TRUE;
      h->srid = wkb_u32 (r, h->le);
    }
  return TRUE;
}

/* Reads a count of things at least min_size bytes each, checking that the
 * rest of the buffer can hold them. */
static gboolean
wkb_read_count (WkbReader *r,
                gboolean   le,
                gsize      min_size,
                guint32   *count,
                GError   **error)
{
  gsize at = r->pos;

  if (!wkb_need (r, 4, error))
    return FALSE;
  *count = wkb_u32 (r, le);
  if ((guint64) *count * min_size > (guint64) (r->len - r->pos))
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL,
                   /* Translators: a count of elements read from the data, the
                    * position of that count, then the number of bytes left */
                   g_dngettext (GETTEXT_PACKAGE,
                                "Malformed WKB: count %lu at byte %lu is more than the %lu byte left can hold",
                                "Malformed WKB: count %lu at byte %lu is more than the %lu bytes left can hold",
                                (gulong) (r->len - r->pos)),
                   (gulong) *count, (gulong) at, (gulong) (r->len - r->pos));
      return FALSE;
    }
  return TRUE;
}

static gboolean
wkb_read_coords (WkbReader *r,
                 gboolean   le,
                 gsize      n,
                 GArray    *coords,
                 GError   **error)
{
  gsize at = r->pos;
  guint old = coords->len;

  /* n is at most 4 * (2^32 - 1): n * 8 does not overflow */
  if (!wkb_need (r, n * 8, error))
    return FALSE;
  g_array_set_size (coords, old + n);
  for (gsize i = 0; i < n; i++)
    {
      double d = wkb_f64 (r, le);

      if (!isfinite (d))
        {
          g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL,
                       _("Malformed WKB: coordinate at byte %lu is not a finite number"),
                       (gulong) (at + (gsize) i * 8));
          return FALSE;
        }
      g_array_index (coords, double, old + i) = d;
    }
  return TRUE;
}

static Geom *wkb_read_geometry (WkbReader *r,
                                guint      depth,
                                WkbHeader *header,
                                GError   **error);

static Geom *
wkb_read_body (WkbReader       *r,
               const WkbHeader *h,
               guint            depth,
               GError         **error)
{
  g_autoptr(Geom) g = geom_new (h->type, h->dims);
  guint nc = ncoords (h->dims);
  TileboxGeometryType etype;
  guint32 n;

  switch (h->type)
    {
    case TILEBOX_GEOMETRY_POINT:
      {
        gboolean all_nan = TRUE;
        WkbReader probe;

        /* an empty point has NaN coordinates */
        if (!wkb_need (r, nc * 8, error))
          return NULL;
        probe = *r;
        for (guint i = 0; i < nc; i++)
          all_nan = all_nan && isnan (wkb_f64 (&probe, h->le));
        if (all_nan)
          r->pos = probe.pos;
        else if (!wkb_read_coords (r, h->le, nc, g->coords, error))
          return NULL;
      }
      break;

    case TILEBOX_GEOMETRY_LINE_STRING:
      if (!wkb_read_count (r, h->le, nc * 8, &n, error) ||
          !wkb_read_coords (r, h->le, (gsize) n * nc, g->coords, error))
        return NULL;
      break;

    case TILEBOX_GEOMETRY_POLYGON:
      if (!wkb_read_count (r, h->le, 4, &n, error))
        return NULL;
      for (guint32 i = 0; i < n; i++)
        {
          Geom *ring = geom_new (TILEBOX_GEOMETRY_LINE_STRING, h->dims);
          guint32 npos;

          g_ptr_array_add (g->parts, ring);
          if (!wkb_read_count (r, h->le, nc * 8, &npos, error) ||
              !wkb_read_coords (r, h->le, (gsize) npos * nc, ring->coords, error))
            return NULL;
        }
      break;

    case TILEBOX_GEOMETRY_MULTI_POINT:
    case TILEBOX_GEOMETRY_MULTI_LINE_STRING:
    case TILEBOX_GEOMETRY_MULTI_POLYGON:
      etype = element_type (h->type);
      if (!wkb_read_count (r, h->le, etype == TILEBOX_GEOMETRY_POINT ? 5 + nc * 8 : 9,
                           &n, error))
        return NULL;
      for (guint32 i = 0; i < n; i++)
        {
          WkbHeader eh;
          Geom *element;

          if (!wkb_read_header (r, &eh, error))
            return NULL;
          if (eh.type != etype)
            {
              g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL,
                           _("Malformed WKB: element %lu of the %s at byte %lu is a %s"),
                           (gulong) i, geojson_names[h->type], (gulong) h->start,
                           geojson_names[eh.type]);
              return NULL;
            }
          if (eh.dims != h->dims)
            {
              g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL,
                           _("Malformed WKB: element %lu of the %s at byte %lu has dimensions %s, the %s %s"),
                           (gulong) i, geojson_names[h->type], (gulong) h->start,
                           dims_name (eh.dims), geojson_names[h->type], dims_name (h->dims));
              return NULL;
            }
          element = wkb_read_body (r, &eh, depth, error);
          if (element == NULL)
            return NULL;
          g_ptr_array_add (g->parts, element);
        }
      break;

    case TILEBOX_GEOMETRY_COLLECTION:
      if (depth >= TILEBOX_GEOMETRY_MAX_DEPTH)
        {
          g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL,
                       _("Malformed WKB: geometry collections nested more than %u deep at byte %lu"),
                       (guint) TILEBOX_GEOMETRY_MAX_DEPTH, (gulong) h->start);
          return NULL;
        }
      if (!wkb_read_count (r, h->le, 9, &n, error))
        return NULL;
      for (guint32 i = 0; i < n; i++)
        {
          Geom *member = wkb_read_geometry (r, depth + 1, NULL, error);

          if (member == NULL)
            return NULL;
          g_ptr_array_add (g->parts, member);
        }
      break;

    default:
      g_assert_not_reached ();
    }

  return g_steal_pointer (&g);
}

/* depth: the number of collections around this geometry */
static Geom *
wkb_read_geometry (WkbReader *r,
                   guint      depth,
                   WkbHeader *header,
                   GError   **error)
{
  WkbHeader h;

  if (!wkb_read_header (r, &h, error))
    return NULL;
  if (header != NULL)
    *header = h;
  return wkb_read_body (r, &h, depth, error);
}

static Geom *
wkb_parse (const guint8 *wkb,
           gsize         len,
           guint32      *srid,
           GError      **error)
{
  WkbReader r = { wkb, len, 0 };
  WkbHeader h;
  g_autoptr(Geom) g = NULL;

  g = wkb_read_geometry (&r, 0, &h, error);
  if (g == NULL)
    return NULL;
  if (r.pos != r.len)
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL,
                   g_dngettext (GETTEXT_PACKAGE,
                                "Malformed WKB: %lu byte after the end of the geometry at byte %lu",
                                "Malformed WKB: %lu bytes after the end of the geometry at byte %lu",
                                (gulong) (r.len - r.pos)),
                   (gulong) (r.len - r.pos), (gulong) r.pos);
      return NULL;
    }
  if (srid != NULL)
    *srid = h.has_srid ? h.srid : 0;
  return g_steal_pointer (&g);
}

/* --- WKB writer ------------------------------------------------------------ */

static void
wkb_put_u32 (GByteArray *out,
             guint32     v)
{
  guint8 b[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >> 24) & 0xff };

  g_byte_array_append (out, b, 4);
}

static void
wkb_put_u64 (GByteArray *out,
             guint64     bits)
{
  guint8 b[8];

  for (guint i = 0; i < 8; i++)
    b[i] = (bits >> (8 * i)) & 0xff;
  g_byte_array_append (out, b, 8);
}

static void
wkb_put_coords (GByteArray *out,
                GArray     *coords)
{
  for (guint i = 0; i < coords->len; i++)
    {
      double d = g_array_index (coords, double, i);
      guint64 bits;

      memcpy (&bits, &d, sizeof bits);
      wkb_put_u64 (out, bits);
    }
}

static void
geom_to_wkb (GByteArray *out,
             const Geom *g)
{
  guint8 order = 1;

  g_byte_array_append (out, &order, 1);
  wkb_put_u32 (out, g->type + ((g->dims & DIM_Z) ? 1000 : 0) + ((g->dims & DIM_M) ? 2000 : 0));

  switch (g->type)
    {
    case TILEBOX_GEOMETRY_POINT:
      if (geom_is_empty (g))
        for (guint i = 0; i < ncoords (g->dims); i++)
          wkb_put_u64 (out, G_GUINT64_CONSTANT (0x7ff8000000000000)); /* NaN */
      else
        wkb_put_coords (out, g->coords);
      break;

    case TILEBOX_GEOMETRY_LINE_STRING:
      wkb_put_u32 (out, geom_npositions (g));
      wkb_put_coords (out, g->coords);
      break;

    case TILEBOX_GEOMETRY_POLYGON:
      wkb_put_u32 (out, g->parts->len);
      for (guint i = 0; i < g->parts->len; i++)
        {
          const Geom *ring = g_ptr_array_index (g->parts, i);

          wkb_put_u32 (out, geom_npositions (ring));
          wkb_put_coords (out, ring->coords);
        }
      break;

    case TILEBOX_GEOMETRY_MULTI_POINT:
    case TILEBOX_GEOMETRY_MULTI_LINE_STRING:
    case TILEBOX_GEOMETRY_MULTI_POLYGON:
    case TILEBOX_GEOMETRY_COLLECTION:
      wkb_put_u32 (out, g->parts->len);
      for (guint i = 0; i < g->parts->len; i++)
        geom_to_wkb (out, g_ptr_array_index (g->parts, i));
      break;

    default:
      g_assert_not_reached ();
    }
}

static GBytes *
geom_to_wkb_bytes (const Geom *g)
{
  GByteArray *out = g_byte_array_new ();

  geom_to_wkb (out, g);
  return g_byte_array_free_to_bytes (out);
}

/* --- GeoJSON writer -------------------------------------------------------- */

static JsonArray *
geojson_position (const double *c,
                  guint         dims)
{
  JsonArray *pos = json_array_sized_new ((dims & DIM_Z) ? 3 : 2);

  json_array_add_double_element (pos, c[0]);
  json_array_add_double_element (pos, c[1]);
  if (dims & DIM_Z)
    json_array_add_double_element (pos, c[2]);
  return pos;
}

static JsonArray *
geojson_positions (const Geom *g)
{
  guint n = geom_npositions (g);
  guint nc = ncoords (g->dims);
  JsonArray *positions = json_array_sized_new (n);

  for (guint i = 0; i < n; i++)
    json_array_add_array_element (positions,
                                  geojson_position ((const double *) g->coords->data + (gsize) i * nc,
                                                    g->dims));
  return positions;
}

static JsonArray *
geojson_rings (const Geom *poly)
{
  JsonArray *rings = json_array_sized_new (poly->parts->len);

  for (guint i = 0; i < poly->parts->len; i++)
    json_array_add_array_element (rings, geojson_positions (g_ptr_array_index (poly->parts, i)));
  return rings;
}

static JsonNode *
geom_to_geojson (const Geom *g)
{
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  JsonArray *array = NULL;

  json_object_set_string_member (object, "type", geojson_names[g->type]);

  switch (g->type)
    {
    case TILEBOX_GEOMETRY_POINT:
      if (geom_is_empty (g))
        array = json_array_new ();
      else
        array = geojson_position ((const double *) g->coords->data, g->dims);
      break;

    case TILEBOX_GEOMETRY_LINE_STRING:
      array = geojson_positions (g);
      break;

    case TILEBOX_GEOMETRY_POLYGON:
      array = geojson_rings (g);
      break;

    case TILEBOX_GEOMETRY_MULTI_POINT:
      array = json_array_sized_new (g->parts->len);
      for (guint i = 0; i < g->parts->len; i++)
        {
          const Geom *point = g_ptr_array_index (g->parts, i);

          /* an empty point has no position in GeoJSON */
          if (!geom_is_empty (point))
            json_array_add_array_element (array,
                                          geojson_position ((const double *) point->coords->data,
                                                            point->dims));
        }
      break;

    case TILEBOX_GEOMETRY_MULTI_LINE_STRING:
      array = json_array_sized_new (g->parts->len);
      for (guint i = 0; i < g->parts->len; i++)
        json_array_add_array_element (array, geojson_positions (g_ptr_array_index (g->parts, i)));
      break;

    case TILEBOX_GEOMETRY_MULTI_POLYGON:
      array = json_array_sized_new (g->parts->len);
      for (guint i = 0; i < g->parts->len; i++)
        json_array_add_array_element (array, geojson_rings (g_ptr_array_index (g->parts, i)));
      break;

    case TILEBOX_GEOMETRY_COLLECTION:
      {
        JsonArray *geometries = json_array_sized_new (g->parts->len);

        for (guint i = 0; i < g->parts->len; i++)
          json_array_add_element (geometries, geom_to_geojson (g_ptr_array_index (g->parts, i)));
        json_object_set_array_member (object, "geometries", geometries);
      }
      break;

    default:
      g_assert_not_reached ();
    }

  if (array != NULL)
    json_object_set_array_member (object, "coordinates", array);
  json_node_take_object (node, object);
  return node;
}

/* --- WKT writer ------------------------------------------------------------ */

/* The shortest %.Ng that reads back as d. For a normal double, when
 * some decimal of up to 15 digits reads back as d, %.15g gives it (the
 * double's precision is finer than 15 digits' spacing), so that only
 * 15, 16 and 17 need trying; subnormals have fewer digits of precision. */
static void
wkt_append_double (GString *s,
                   double   d)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append (s, _tilebox_format_double (buf, d));
}

static void
wkt_append_position (GString      *s,
                     const double *c,
                     guint         nc)
{
  for (guint k = 0; k < nc; k++)
    {
      if (k > 0)
        g_string_append_c (s, ' ');
      wkt_append_double (s, c[k]);
    }
}

/* "(x y, x y, …)" */
static void
wkt_append_positions (GString    *s,
                      const Geom *g)
{
  guint n = geom_npositions (g);
  guint nc = ncoords (g->dims);

  g_string_append_c (s, '(');
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append (s, ", ");
      wkt_append_position (s, (const double *) g->coords->data + (gsize) i * nc, nc);
    }
  g_string_append_c (s, ')');
}

static void wkt_append_geometry (GString    *s,
                                 const Geom *g);

/* EMPTY, or the parenthesized body */
static void
wkt_append_body (GString    *s,
                 const Geom *g)
{
  if (geom_is_empty (g))
    {
      g_string_append (s, "EMPTY");
      return;
    }

  switch (g->type)
    {
    case TILEBOX_GEOMETRY_POINT:
    case TILEBOX_GEOMETRY_LINE_STRING:
      wkt_append_positions (s, g);
      return;
    case TILEBOX_GEOMETRY_POLYGON:
    case TILEBOX_GEOMETRY_MULTI_LINE_STRING:
    case TILEBOX_GEOMETRY_MULTI_POLYGON:
    case TILEBOX_GEOMETRY_MULTI_POINT:
    case TILEBOX_GEOMETRY_COLLECTION:
      g_string_append_c (s, '(');
      for (guint i = 0; i < g->parts->len; i++)
        {
          const Geom *part = g_ptr_array_index (g->parts, i);

          if (i > 0)
            g_string_append (s, ", ");
          if (g->type == TILEBOX_GEOMETRY_POLYGON)
            wkt_append_positions (s, part);
          else if (g->type == TILEBOX_GEOMETRY_COLLECTION)
            wkt_append_geometry (s, part);
          else
            wkt_append_body (s, part);
        }
      g_string_append_c (s, ')');
      return;
    default:
      g_assert_not_reached ();
    }
}

static void
wkt_append_geometry (GString    *s,
                     const Geom *g)
{
  static const char *const tags[] = { " ", " Z ", " M ", " ZM " };

  g_string_append (s, wkt_names[g->type]);
  g_string_append (s, tags[g->dims]);
  wkt_append_body (s, g);
}

/* --- WKT reader ------------------------------------------------------------ */

typedef struct {
  const char *text;
  const char *p;
} WktReader;

/* The dimensions of one geometry (not across collection members). */
typedef struct {
  guint dims;
  gboolean known;
} WktDims;

static void
wkt_skip_space (WktReader *r)
{
  while (g_ascii_isspace (*r->p))
    r->p++;
}

static void
wkt_error (WktReader  *r,
           GError    **error,
           const char *detail)
{
  g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
               _("Invalid WKT at character %lu: %s"),
               (gulong) (r->p - r->text), detail);
}

static gboolean
wkt_expect (WktReader *r,
            char       c,
            GError   **error)
{
  wkt_skip_space (r);
  if (*r->p == c)
    {
      r->p++;
      return TRUE;
    }
  if (c == '(')
    wkt_error (r, error, _("expected “(”"));
  else if (c == ')')
    wkt_error (r, error, _("expected “)”"));
  else if (c == ';')
    wkt_error (r, error, _("expected “;”"));
  else
    wkt_error (r, error, _("expected “=”"));
  return FALSE;
}

/* After "(" or ",": TRUE when ")" follows (consumed), FALSE for ",". */
static gboolean
wkt_list_next (WktReader *r,
               gboolean  *done,
               GError   **error)
{
  wkt_skip_space (r);
  if (*r->p == ',')
    {
      r->p++;
      *done = FALSE;
      return TRUE;
    }
  if (*r->p == ')')
    {
      r->p++;
      *done = TRUE;
      return TRUE;
    }
  wkt_error (r, error, _("expected “,” or “)”"));
  return FALSE;
}

/* A run of letters; returns its length (0: none), not consumed. */
static gsize
wkt_peek_word (WktReader *r)
{
  gsize n = 0;

  wkt_skip_space (r);
  while (g_ascii_isalpha (r->p[n]))
    n++;
  return n;
}

static gboolean
word_is (const char *word,
         gsize       len,
         const char *keyword)
{
  return strlen (keyword) == len && g_ascii_strncasecmp (word, keyword, len) == 0;
}

/* Consumes the next word if it is keyword. */
static gboolean
wkt_accept_word (WktReader  *r,
                 const char *keyword)
{
  gsize n = wkt_peek_word (r);

  if (n == 0 || !word_is (r->p, n, keyword))
    return FALSE;
  r->p += n;
  return TRUE;
}

static gboolean
wkt_at_number (WktReader *r)
{
  char c;

  wkt_skip_space (r);
  c = *r->p;
  return g_ascii_isdigit (c) || c == '-' || c == '+' || c == '.';
}

static gboolean
wkt_read_number (WktReader *r,
                 double    *out,
                 GError   **error)
{
  const char *start = r->p;
  const char *q = r->p;
  gboolean digits = FALSE;
  g_autofree char *copy = NULL;
  char *end = NULL;

  if (*q == '-' || *q == '+')
    q++;
  while (g_ascii_isdigit (*q))
    q++, digits = TRUE;
  if (*q == '.')
    {
      q++;
      while (g_ascii_isdigit (*q))
        q++, digits = TRUE;
    }
  if (digits && (*q == 'e' || *q == 'E'))
    {
      const char *e = q + 1;

      if (*e == '-' || *e == '+')
        e++;
      if (g_ascii_isdigit (*e))
        {
          while (g_ascii_isdigit (*e))
            e++;
          q = e;
        }
    }
  if (!digits || !(*q == '\0' || *q == ',' || *q == ')' || g_ascii_isspace (*q)))
    {
      wkt_error (r, error, _("expected a number"));
      return FALSE;
    }

  copy = g_strndup (start, q - start);
  *out = g_ascii_strtod (copy, &end);
  if (end == NULL || *end != '\0' || !isfinite (*out))
    {
      wkt_error (r, error, _("number out of range"));
      return FALSE;
    }
  r->p = q;
  return TRUE;
}

static gboolean
wkt_read_position (WktReader *r,
                   WktDims   *dims,
                   GArray    *coords,
                   GError   **error)
{
  double c[4];
  guint n = 0;
  const char *at;

  wkt_skip_space (r);
  at = r->p;
  while (wkt_at_number (r))
    {
      if (n == 4)
        {
          wkt_error (r, error, _("a position has at most 4 numbers"));
          return FALSE;
        }
      if (!wkt_read_number (r, &c[n], error))
        return FALSE;
      n++;
    }

  if (n < 2)
    {
      if (n == 0)
        wkt_error (r, error, _("expected a position (numbers)"));
      else
        wkt_error (r, error, _("a position needs at least 2 numbers"));
      return FALSE;
    }
  if (!dims->known)
    {
      dims->dims = n == 2 ? 0 : n == 3 ? DIM_Z : DIM_Z | DIM_M;
      dims->known = TRUE;
    }
  else if (n != ncoords (dims->dims))
    {
      g_autofree char *detail = NULL;

      r->p = at;
      detail = g_strdup_printf (_("a position has %u numbers, but the geometry is %s"),
                                n, dims_name (dims->dims));
      wkt_error (r, error, detail);
      return FALSE;
    }
  g_array_append_vals (coords, c, n);
  return TRUE;
}

/* "(" position {"," position} ")" */
static gboolean
wkt_read_positions (WktReader *r,
                    WktDims   *dims,
                    GArray    *coords,
                    GError   **error)
{
  gboolean done = FALSE;

  if (!wkt_expect (r, '(', error))
    return FALSE;
  while (!done)
    if (!wkt_read_position (r, dims, coords, error) ||
        !wkt_list_next (r, &done, error))
      return FALSE;
  return TRUE;
}

static Geom *wkt_read_geometry (WktReader *r,
                                guint      depth,
                                GError   **error);

/* The body of a geometry (not EMPTY) of type g->type into g. */
static gboolean
wkt_read_body (WktReader *r,
               Geom      *g,
               WktDims   *dims,
               guint      depth,
               GError   **error)
{
  gboolean done = FALSE;

  switch (g->type)
    {
    case TILEBOX_GEOMETRY_POINT:
      if (!wkt_expect (r, '(', error) ||
          !wkt_read_position (r, dims, g->coords, error) ||
          !wkt_expect (r, ')', error))
        return FALSE;
      return TRUE;

    case TILEBOX_GEOMETRY_LINE_STRING:
      return wkt_read_positions (r, dims, g->coords, error);

    case TILEBOX_GEOMETRY_POLYGON:
      if (!wkt_expect (r, '(', error))
        return FALSE;
      while (!done)
        {
          Geom *ring = geom_new (TILEBOX_GEOMETRY_LINE_STRING, 0);

          g_ptr_array_add (g->parts, ring);
          if (!wkt_read_positions (r, dims, ring->coords, error) ||
              !wkt_list_next (r, &done, error))
            return FALSE;
        }
      return TRUE;

    case TILEBOX_GEOMETRY_MULTI_POINT:
    case TILEBOX_GEOMETRY_MULTI_LINE_STRING:
    case TILEBOX_GEOMETRY_MULTI_POLYGON:
      if (!wkt_expect (r, '(', error))
        return FALSE;
      while (!done)
        {
          Geom *element = geom_new (element_type (g->type), 0);

          g_ptr_array_add (g->parts, element);
          if (wkt_accept_word (r, "EMPTY"))
            ;
          else if (g->type == TILEBOX_GEOMETRY_MULTI_POINT && wkt_at_number (r))
            {
              /* MULTIPOINT (1 2, 3 4) */
              if (!wkt_read_position (r, dims, element->coords, error))
                return FALSE;
            }
          else if (!wkt_read_body (r, element, dims, depth, error))
            return FALSE;
          if (!wkt_list_next (r, &done, error))
            return FALSE;
        }
      return TRUE;

    case TILEBOX_GEOMETRY_COLLECTION:
      if (!wkt_expect (r, '(', error))
        return FALSE;
      while (!done)
        {
          Geom *member = wkt_read_geometry (r, depth + 1, error);

          if (member == NULL)
            return FALSE;
          g_ptr_array_add (g->parts, member);
          if (!wkt_list_next (r, &done, error))
            return FALSE;
        }
      return TRUE;

    default:
      g_assert_not_reached ();
    }
}

/* A tagged geometry: "POINT Z (1 2 3)", "LINESTRING EMPTY", … */
static Geom *
wkt_read_geometry (WktReader *r,
                   guint      depth,
                   GError   **error)
{
  static const struct {
    const char *suffix;
    guint dims;
  } tags[] = {
    { "ZM", DIM_Z | DIM_M },
    { "Z", DIM_Z },
    { "M", DIM_M },
  };
  g_autoptr(Geom) g = NULL;
  TileboxGeometryType type = 0;
  WktDims dims = { 0, FALSE };
  gsize n = wkt_peek_word (r);
  const char *word = r->p;

  for (guint t = TILEBOX_GEOMETRY_POINT; t <= TILEBOX_GEOMETRY_COLLECTION && type == 0; t++)
    {
      gsize name_len = strlen (wkt_names[t]);

      if (word_is (word, n, wkt_names[t]))
        type = t;
      /* attached tags: POINTZ, MULTIPOLYGONZM */
      for (guint k = 0; k < G_N_ELEMENTS (tags) && type == 0; k++)
        if (n == name_len + strlen (tags[k].suffix) &&
            g_ascii_strncasecmp (word, wkt_names[t], name_len) == 0 &&
            g_ascii_strncasecmp (word + name_len, tags[k].suffix, n - name_len) == 0)
          {
            type = t;
            dims.dims = tags[k].dims;
            dims.known = TRUE;
          }
    }
  if (type == 0)
    {
      wkt_error (r, error, _("expected a geometry type such as POINT, LINESTRING or POLYGON"));
      return NULL;
    }
  if (type == TILEBOX_GEOMETRY_COLLECTION && depth >= TILEBOX_GEOMETRY_MAX_DEPTH)
    {
      g_autofree char *detail =
        g_strdup_printf (_("geometry collections nested more than %u deep"),
                         (guint) TILEBOX_GEOMETRY_MAX_DEPTH);

      wkt_error (r, error, detail);
      return NULL;
    }
  r->p += n;

  if (!dims.known)
    for (guint k = 0; k < G_N_ELEMENTS (tags) && !dims.known; k++)
      if (wkt_accept_word (r, tags[k].suffix))
        {
          dims.dims = tags[k].dims;
          dims.known = TRUE;
        }

  g = geom_new (type, dims.dims);
  if (wkt_accept_word (r, "EMPTY"))
    return g_steal_pointer (&g);
  if (!wkt_read_body (r, g, &dims, depth, error))
    return NULL;
  if (type == TILEBOX_GEOMETRY_COLLECTION)
    g->dims = dims.dims;
  else
    geom_set_dims (g, dims.dims);
  return g_steal_pointer (&g);
}

static Geom *
wkt_parse (const char *wkt,
           GError    **error)
{
  WktReader r = { wkt, wkt };
  g_autoptr(Geom) g = NULL;

  /* EWKT: SRID=4326;POINT (…) */
  if (wkt_accept_word (&r, "SRID"))
    {
      if (!wkt_expect (&r, '=', error))
        return NULL;
      wkt_skip_space (&r);
      if (!g_ascii_isdigit (*r.p))
        {
          wkt_error (&r, error, _("expected the SRID, a number"));
          return NULL;
        }
      while (g_ascii_isdigit (*r.p))
        r.p++;
      if (!wkt_expect (&r, ';', error))
        return NULL;
    }

  g = wkt_read_geometry (&r, 0, error);
  if (g == NULL)
    return NULL;
  wkt_skip_space (&r);
  if (*r.p != '\0')
    {
      wkt_error (&r, error, _("unexpected text after the geometry"));
      return NULL;
    }
  if (!check_geom ("WKT", g, error))
    return NULL;
  return g_steal_pointer (&g);
}

/* --- GeoJSON reader -------------------------------------------------------- */

typedef struct {
  const char *type_name;       /* for messages */
  gint n;                      /* numbers per position; 0 until the first */
} GeojsonDims;

static gboolean
geojson_read_position (JsonNode    *node,
                       GeojsonDims *dims,
                       GArray      *coords,
                       GError     **error)
{
  JsonArray *array;
  guint n;
  double c[3];

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                   _("GeoJSON %s: expected a position (an array of numbers)"),
                   dims->type_name);
      return FALSE;
    }
  array = json_node_get_array (node);
  n = json_array_get_length (array);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      GType type = JSON_NODE_HOLDS_VALUE (element) ? json_node_get_value_type (element) : G_TYPE_INVALID;

      if (type != G_TYPE_DOUBLE && type != G_TYPE_INT64)
        {
          g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                       _("GeoJSON %s: coordinate %u of a position is not a number"),
                       dims->type_name, i);
          return FALSE;
        }
      if (i < G_N_ELEMENTS (c))
        c[i] = json_node_get_double (element);
      if (i < G_N_ELEMENTS (c) && !isfinite (c[i]))
        {
          g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                       _("GeoJSON %s: coordinate %u of a position is not a finite number"),
                       dims->type_name, i);
          return FALSE;
        }
    }
  if (n < 2 || n > 3)
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                   g_dngettext (GETTEXT_PACKAGE,
                                "GeoJSON %s: a position has %u number; it needs 2 or 3",
                                "GeoJSON %s: a position has %u numbers; it needs 2 or 3", n),
                   dims->type_name, n);
      return FALSE;
    }
  if (dims->n == 0)
    dims->n = n;
  else if ((guint) dims->n != n)
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                   _("GeoJSON %s mixes positions of 2 and 3 numbers"),
                   dims->type_name);
      return FALSE;
    }
  g_array_append_vals (coords, c, n);
  return TRUE;
}

/* An array of something; what says what its elements should be. */
static JsonArray *
geojson_expect_array (JsonNode    *node,
                      GeojsonDims *dims,
                      const char  *what,
                      GError     **error)
{
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    return json_node_get_array (node);
  g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
               _("GeoJSON %s: expected an array of %s"), dims->type_name, what);
  return NULL;
}

static gboolean
geojson_read_positions (JsonNode    *node,
                        GeojsonDims *dims,
                        GArray      *coords,
                        GError     **error)
{
  JsonArray *array = geojson_expect_array (node, dims, _("positions"), error);

  if (array == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (array); i++)
    if (!geojson_read_position (json_array_get_element (array, i), dims, coords, error))
      return FALSE;
  return TRUE;
}

static gboolean
geojson_read_rings (JsonNode    *node,
                    GeojsonDims *dims,
                    Geom        *poly,
                    GError     **error)
{
  JsonArray *array = geojson_expect_array (node, dims, _("rings (arrays of positions)"), error);

  if (array == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      Geom *ring = geom_new (TILEBOX_GEOMETRY_LINE_STRING, 0);

      g_ptr_array_add (poly->parts, ring);
      if (!geojson_read_positions (json_array_get_element (array, i), dims, ring->coords, error))
        return FALSE;
    }
  return TRUE;
}

static Geom *
geojson_parse (JsonNode *node,
               guint     depth,
               GError  **error)
{
  g_autoptr(Geom) g = NULL;
  TileboxGeometryType type = 0;
  JsonObject *object;
  JsonNode *type_node;
  JsonNode *coordinates;
  JsonArray *array;
  const char *name;
  GeojsonDims dims = { NULL, 0 };

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                   _("A GeoJSON geometry must be a JSON object"));
      return NULL;
    }
  object = json_node_get_object (node);
  type_node = json_object_get_member (object, "type");
  if (type_node == NULL || !JSON_NODE_HOLDS_VALUE (type_node) ||
      json_node_get_value_type (type_node) != G_TYPE_STRING)
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                   _("A GeoJSON geometry needs a “type” string"));
      return NULL;
    }
  name = json_node_get_string (type_node);
  for (guint t = TILEBOX_GEOMETRY_POINT; t <= TILEBOX_GEOMETRY_COLLECTION; t++)
    if (g_strcmp0 (name, geojson_names[t]) == 0)
      type = t;
  if (type == 0)
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                   _("Unknown GeoJSON geometry type “%s”; expected Point, LineString, Polygon, MultiPoint, MultiLineString, MultiPolygon or GeometryCollection"),
                   name);
      return NULL;
    }
  dims.type_name = geojson_names[type];
  g = geom_new (type, 0);

  if (type == TILEBOX_GEOMETRY_COLLECTION)
    {
      JsonNode *geometries = json_object_get_member (object, "geometries");

      if (depth >= TILEBOX_GEOMETRY_MAX_DEPTH)
        {
          g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                       _("GeoJSON geometry collections nested more than %u deep"),
                       (guint) TILEBOX_GEOMETRY_MAX_DEPTH);
          return NULL;
        }
      if (geometries == NULL || !JSON_NODE_HOLDS_ARRAY (geometries))
        {
          g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                       _("A GeoJSON GeometryCollection needs a “geometries” array"));
          return NULL;
        }
      array = json_node_get_array (geometries);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          Geom *member = geojson_parse (json_array_get_element (array, i), depth + 1, error);

          if (member == NULL)
            return NULL;
          g_ptr_array_add (g->parts, member);
        }
      return g_steal_pointer (&g);
    }

  coordinates = json_object_get_member (object, "coordinates");
  if (coordinates == NULL || !JSON_NODE_HOLDS_ARRAY (coordinates))
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                   _("A GeoJSON %s needs a “coordinates” array"), name);
      return NULL;
    }
  array = json_node_get_array (coordinates);

  switch (type)
    {
    case TILEBOX_GEOMETRY_POINT:
      if (json_array_get_length (array) > 0 &&
          !geojson_read_position (coordinates, &dims, g->coords, error))
        return NULL;
      break;

    case TILEBOX_GEOMETRY_LINE_STRING:
      if (!geojson_read_positions (coordinates, &dims, g->coords, error))
        return NULL;
      break;

    case TILEBOX_GEOMETRY_POLYGON:
      if (!geojson_read_rings (coordinates, &dims, g, error))
        return NULL;
      break;

    case TILEBOX_GEOMETRY_MULTI_POINT:
    case TILEBOX_GEOMETRY_MULTI_LINE_STRING:
    case TILEBOX_GEOMETRY_MULTI_POLYGON:
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element_node = json_array_get_element (array, i);
          Geom *element = geom_new (element_type (type), 0);
          gboolean ok;

          g_ptr_array_add (g->parts, element);
          if (type == TILEBOX_GEOMETRY_MULTI_POINT)
            ok = geojson_read_position (element_node, &dims, element->coords, error);
          else if (type == TILEBOX_GEOMETRY_MULTI_LINE_STRING)
            ok = geojson_read_positions (element_node, &dims, element->coords, error);
          else
            ok = geojson_read_rings (element_node, &dims, element, error);
          if (!ok)
            return NULL;
        }
      break;

    case TILEBOX_GEOMETRY_COLLECTION:
    default:
      g_assert_not_reached ();
    }

  geom_set_dims (g, dims.n == 3 ? DIM_Z : 0);
  if (!check_geom ("GeoJSON", g, error))
    return NULL;
  return g_steal_pointer (&g);
}

/* --- entry points ---------------------------------------------------------- */

JsonNode *
_tilebox_wkb_to_geojson (const guint8 *wkb,
                         gsize         len,
                         guint32      *srid,
                         GError      **error)
{
  g_autoptr(Geom) g = NULL;

  g_return_val_if_fail (wkb != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  g = wkb_parse (wkb, len, srid, error);
  if (g == NULL)
    return NULL;
  return geom_to_geojson (g);
}

char *
_tilebox_wkb_to_wkt (const guint8 *wkb,
                     gsize         len,
                     GError      **error)
{
  g_autoptr(Geom) g = NULL;
  GString *s;

  g_return_val_if_fail (wkb != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  g = wkb_parse (wkb, len, NULL, error);
  if (g == NULL)
    return NULL;
  s = g_string_new (NULL);
  wkt_append_geometry (s, g);
  return g_string_free (s, FALSE);
}

GBytes *
_tilebox_geojson_to_wkb (JsonNode *geometry,
                         GError  **error)
{
  g_autoptr(Geom) g = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  g = geojson_parse (geometry, 0, error);
  if (g == NULL)
    return NULL;
  return geom_to_wkb_bytes (g);
}

GBytes *
_tilebox_wkt_to_wkb (const char *wkt,
                     GError    **error)
{
  g_autoptr(Geom) g = NULL;

  g_return_val_if_fail (wkt != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  g = wkt_parse (wkt, error);
  if (g == NULL)
    return NULL;
  return geom_to_wkb_bytes (g);
}

GBytes *
_tilebox_wkb_normalize (const guint8 *wkb,
                        gsize         len,
                        GError      **error)
{
  g_autoptr(Geom) g = NULL;

  g_return_val_if_fail (wkb != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  g = wkb_parse (wkb, len, NULL, error);
  if (g == NULL)
    return NULL;
  return geom_to_wkb_bytes (g);
}

gboolean
_tilebox_wkb_peek (const guint8        *wkb,
                   gsize                len,
                   TileboxGeometryType *type,
                   gboolean            *has_z,
                   gboolean            *has_m,
                   guint32             *srid,
                   GError             **error)
{
  WkbReader r = { wkb, len, 0 };
  WkbHeader h;

  g_return_val_if_fail (wkb != NULL || len == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!wkb_read_header (&r, &h, error))
    return FALSE;
  if (type != NULL)
    *type = h.type;
  if (has_z != NULL)
    *has_z = (h.dims & DIM_Z) != 0;
  if (has_m != NULL)
    *has_m = (h.dims & DIM_M) != 0;
  if (srid != NULL)
    *srid = h.has_srid ? h.srid : 0;
  return TRUE;
}
