/* tilebox-geometry-private.h: WKB, WKT and GeoJSON geometry conversions (internal)
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A datapoint's geometry (datasets.v1.Geometry) holds Well-Known Binary:
 * EWKB with SRID 4326 as the service sends it in `geometry`, plain WKB as
 * in `centroid`. These functions turn such bytes into GeoJSON (RFC 7946)
 * and WKT for the user, and user GeoJSON or WKT into WKB for spatial
 * query filters and ingestion.
 *
 * WKB read: either byte order (per geometry, nested ones included); the
 * seven OGC types (Point, LineString, Polygon, MultiPoint,
 * MultiLineString, MultiPolygon, GeometryCollection); dimensions from the
 * EWKB flags (Z 0x80000000, M 0x40000000, SRID 0x20000000) or from ISO
 * type codes (1001-1007 Z, 2001-2007 M, 3001-3007 ZM), not both. An empty
 * point is a point whose coordinates are all NaN; any other non-finite
 * coordinate is an error. Elements of a Multi* must be of its element
 * type and have its dimensions; members of a GeometryCollection may have
 * their own. GeometryCollections nest at most TILEBOX_GEOMETRY_MAX_DEPTH
 * levels deep. Counts are checked against the bytes left before anything
 * is allocated, reads never go past the buffer, and bytes after the
 * geometry are an error. Every failure is TILEBOX_ERROR_PROTOCOL.
 *
 * WKB written: little-endian ISO WKB, without SRID; the Z and M of the
 * input are kept (types 1000 + n for Z, 2000 + n for M, 3000 + n for ZM).
 *
 * GeoJSON written: Z kept as a third coordinate, M dropped; an empty
 * geometry has empty "coordinates" (or "geometries"); an empty point
 * inside a MultiPoint has no GeoJSON position and is left out.
 *
 * WKT written: "POINT (1 2)", "POINT Z (1 2 3)", "POINT M (1 2 4)",
 * "POINT ZM (1 2 3 4)", "MULTIPOINT ((1 2), (3 4))", "LINESTRING EMPTY",
 * "GEOMETRYCOLLECTION (POINT (1 2), …)", with each double in the shortest
 * form that reads back to the same value.
 *
 * WKT read: keywords in any case, an optional EWKT "SRID=n;" prefix
 * (ignored), the Z / M / ZM tags (also attached, as in "POINTZ"); without
 * a tag, the first position decides (3 numbers: Z, 4: ZM). MULTIPOINT
 * takes its points with or without parentheses.
 *
 * GeoJSON read: a geometry object ("type" and "coordinates", or
 * "geometries" for a GeometryCollection); positions of 2 or 3 numbers, the
 * same in one geometry.
 *
 * GeoJSON and WKT input is checked like user input: a LineString needs at
 * least 2 positions, a polygon ring at least 4, the first and last equal.
 * Every failure is TILEBOX_ERROR_INVALID_ARGUMENT, saying what is wrong.
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* How deep GeometryCollections may nest, in any syntax. */
#define TILEBOX_GEOMETRY_MAX_DEPTH 32

/* WKB type codes of the seven geometry types (2D, ISO). */
typedef enum {
  TILEBOX_GEOMETRY_POINT = 1,
  TILEBOX_GEOMETRY_LINE_STRING = 2,
  TILEBOX_GEOMETRY_POLYGON = 3,
  TILEBOX_GEOMETRY_MULTI_POINT = 4,
  TILEBOX_GEOMETRY_MULTI_LINE_STRING = 5,
  TILEBOX_GEOMETRY_MULTI_POLYGON = 6,
  TILEBOX_GEOMETRY_COLLECTION = 7,
} TileboxGeometryType;

/* WKB (any byte order, EWKB or ISO) to a GeoJSON geometry object.
 * srid (nullable) receives the EWKB SRID of the outermost geometry, or 0. */
JsonNode *_tilebox_wkb_to_geojson (const guint8 *wkb,
                                   gsize         len,
                                   guint32      *srid,
                                   GError      **error);

/* WKB (any byte order, EWKB or ISO) to WKT. */
char *_tilebox_wkb_to_wkt (const guint8 *wkb,
                           gsize         len,
                           GError      **error);

/* A GeoJSON geometry object to little-endian ISO WKB. */
GBytes *_tilebox_geojson_to_wkb (JsonNode *geometry,
                                 GError  **error);

/* WKT (or EWKT; the SRID is ignored) to little-endian ISO WKB. */
GBytes *_tilebox_wkt_to_wkb (const char *wkt,
                             GError    **error);

/* Any WKB (EWKB or ISO, any byte order) to little-endian ISO WKB. */
GBytes *_tilebox_wkb_normalize (const guint8 *wkb,
                                gsize         len,
                                GError      **error);

/* Reads just the header of WKB: the outermost geometry's type, whether it
 * has Z and M, and its EWKB SRID (0 when none). Any argument but wkb may
 * be NULL. Does not check the rest of the bytes. */
gboolean _tilebox_wkb_peek (const guint8        *wkb,
                            gsize                len,
                            TileboxGeometryType *type,
                            gboolean            *has_z,
                            gboolean            *has_m,
                            guint32             *srid,
                            GError             **error);

G_END_DECLS
