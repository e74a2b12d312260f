/* tilebox-types.h: public enumerations
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(TILEBOX_INSIDE) && !defined(TILEBOX_COMPILATION)
#error "Only <tilebox.h> can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

/**
 * TileboxDatasetKind:
 * @TILEBOX_DATASET_KIND_UNSPECIFIED: the service did not say
 * @TILEBOX_DATASET_KIND_TEMPORAL: every datapoint has a time, an id and an
 *   ingestion time
 * @TILEBOX_DATASET_KIND_SPATIOTEMPORAL: like temporal, plus a geometry
 *
 * The kind of a dataset, which fixes the fields every datapoint has.
 */
typedef enum {
  TILEBOX_DATASET_KIND_UNSPECIFIED = 0,
  TILEBOX_DATASET_KIND_TEMPORAL = 1,
  TILEBOX_DATASET_KIND_SPATIOTEMPORAL = 2,
} TileboxDatasetKind;

/**
 * TileboxVisibility:
 * @TILEBOX_VISIBILITY_UNSPECIFIED: the service did not say
 * @TILEBOX_VISIBILITY_PRIVATE: owned by the caller's organization
 * @TILEBOX_VISIBILITY_SHARED_WITH_ME: shared with the caller
 * @TILEBOX_VISIBILITY_PUBLIC: open to everyone
 *
 * How a dataset is visible to the caller.
 */
typedef enum {
  TILEBOX_VISIBILITY_UNSPECIFIED = 0,
  TILEBOX_VISIBILITY_PRIVATE = 1,
  TILEBOX_VISIBILITY_SHARED_WITH_ME = 2,
  TILEBOX_VISIBILITY_PUBLIC = 3,
} TileboxVisibility;

/**
 * TileboxDatasetPermissions:
 * @TILEBOX_DATASET_PERMISSION_NONE: no permission
 * @TILEBOX_DATASET_PERMISSION_ACCESS_DATA: may query the data
 * @TILEBOX_DATASET_PERMISSION_WRITE_DATA: may ingest and delete data
 * @TILEBOX_DATASET_PERMISSION_EDIT: may change the dataset itself
 *
 * What the caller may do with a dataset, as flags.
 */
typedef enum /*< flags >*/ {
  TILEBOX_DATASET_PERMISSION_NONE = 0,
  TILEBOX_DATASET_PERMISSION_ACCESS_DATA = 1 << 0,
  TILEBOX_DATASET_PERMISSION_WRITE_DATA = 1 << 1,
  TILEBOX_DATASET_PERMISSION_EDIT = 1 << 2,
} TileboxDatasetPermissions;

/**
 * TileboxFieldType:
 * @TILEBOX_FIELD_TYPE_UNKNOWN: a type this version does not know
 * @TILEBOX_FIELD_TYPE_DOUBLE: 64-bit float
 * @TILEBOX_FIELD_TYPE_FLOAT: 32-bit float
 * @TILEBOX_FIELD_TYPE_INT64: signed 64-bit integer (also sint64, sfixed64)
 * @TILEBOX_FIELD_TYPE_UINT64: unsigned 64-bit integer (also fixed64)
 * @TILEBOX_FIELD_TYPE_INT32: signed 32-bit integer (also sint32, sfixed32)
 * @TILEBOX_FIELD_TYPE_UINT32: unsigned 32-bit integer (also fixed32)
 * @TILEBOX_FIELD_TYPE_BOOL: boolean
 * @TILEBOX_FIELD_TYPE_STRING: UTF-8 text
 * @TILEBOX_FIELD_TYPE_BYTES: raw bytes
 * @TILEBOX_FIELD_TYPE_ENUM: an enumeration; see [property@Tilebox.Field:type-name]
 * @TILEBOX_FIELD_TYPE_MESSAGE: a nested message of another type
 * @TILEBOX_FIELD_TYPE_TIMESTAMP: a point in time (`google.protobuf.Timestamp`)
 * @TILEBOX_FIELD_TYPE_DURATION: a time span (`google.protobuf.Duration`)
 * @TILEBOX_FIELD_TYPE_UUID: a UUID (`datasets.v1.UUID`)
 * @TILEBOX_FIELD_TYPE_GEOMETRY: a geometry as WKB (`datasets.v1.Geometry`)
 * @TILEBOX_FIELD_TYPE_VEC3: three doubles x, y, z (`datasets.v1.Vec3`)
 * @TILEBOX_FIELD_TYPE_QUATERNION: four doubles (`datasets.v1.Quaternion`)
 * @TILEBOX_FIELD_TYPE_LATLON: latitude and longitude (`datasets.v1.LatLon`)
 * @TILEBOX_FIELD_TYPE_LATLONALT: latitude, longitude and altitude (`datasets.v1.LatLonAlt`)
 *
 * The type of a field of a dataset, with the well-known message types the
 * service uses named on their own.
 */
typedef enum {
  TILEBOX_FIELD_TYPE_UNKNOWN,
  TILEBOX_FIELD_TYPE_DOUBLE,
  TILEBOX_FIELD_TYPE_FLOAT,
  TILEBOX_FIELD_TYPE_INT64,
  TILEBOX_FIELD_TYPE_UINT64,
  TILEBOX_FIELD_TYPE_INT32,
  TILEBOX_FIELD_TYPE_UINT32,
  TILEBOX_FIELD_TYPE_BOOL,
  TILEBOX_FIELD_TYPE_STRING,
  TILEBOX_FIELD_TYPE_BYTES,
  TILEBOX_FIELD_TYPE_ENUM,
  TILEBOX_FIELD_TYPE_MESSAGE,
  TILEBOX_FIELD_TYPE_TIMESTAMP,
  TILEBOX_FIELD_TYPE_DURATION,
  TILEBOX_FIELD_TYPE_UUID,
  TILEBOX_FIELD_TYPE_GEOMETRY,
  TILEBOX_FIELD_TYPE_VEC3,
  TILEBOX_FIELD_TYPE_QUATERNION,
  TILEBOX_FIELD_TYPE_LATLON,
  TILEBOX_FIELD_TYPE_LATLONALT,
} TileboxFieldType;

/**
 * TileboxFilterOp:
 * @TILEBOX_FILTER_OP_EQ: equal (`=`)
 * @TILEBOX_FILTER_OP_NE: not equal (`<>`)
 * @TILEBOX_FILTER_OP_LT: less than (`<`)
 * @TILEBOX_FILTER_OP_LE: less than or equal (`<=`)
 * @TILEBOX_FILTER_OP_GT: greater than (`>`)
 * @TILEBOX_FILTER_OP_GE: greater than or equal (`>=`)
 *
 * The comparison of a [struct@Tilebox.Filter] between a field and a value.
 */
typedef enum {
  TILEBOX_FILTER_OP_EQ = 1,
  TILEBOX_FILTER_OP_NE,
  TILEBOX_FILTER_OP_LT,
  TILEBOX_FILTER_OP_LE,
  TILEBOX_FILTER_OP_GT,
  TILEBOX_FILTER_OP_GE,
} TileboxFilterOp;

/**
 * TileboxFilterKind:
 * @TILEBOX_FILTER_KIND_COMPARISON: a field compared with a value
 * @TILEBOX_FILTER_KIND_IS_NULL: a field is absent
 * @TILEBOX_FILTER_KIND_AND: all operands hold
 * @TILEBOX_FILTER_KIND_OR: any operand holds
 * @TILEBOX_FILTER_KIND_NOT: the one operand does not hold
 *
 * What a node of a [struct@Tilebox.Filter] is.
 */
typedef enum {
  TILEBOX_FILTER_KIND_COMPARISON = 1,
  TILEBOX_FILTER_KIND_IS_NULL,
  TILEBOX_FILTER_KIND_AND,
  TILEBOX_FILTER_KIND_OR,
  TILEBOX_FILTER_KIND_NOT,
} TileboxFilterKind;

/**
 * TileboxSpatialMode:
 * @TILEBOX_SPATIAL_MODE_INTERSECTS: datapoints whose geometry intersects the
 *   filter geometry
 * @TILEBOX_SPATIAL_MODE_CONTAINS: datapoints whose geometry lies wholly
 *   within the filter geometry
 *
 * How a spatial filter compares a datapoint's geometry with its own.
 */
typedef enum {
  TILEBOX_SPATIAL_MODE_INTERSECTS = 1,
  TILEBOX_SPATIAL_MODE_CONTAINS,
} TileboxSpatialMode;

/**
 * TileboxCoordinateSystem:
 * @TILEBOX_COORDINATE_SYSTEM_CARTESIAN: longitude and latitude as plane
 *   coordinates: edges are straight lines on a flat map
 * @TILEBOX_COORDINATE_SYSTEM_SPHERICAL: edges are great circles on the
 *   sphere, so geometries crossing the antimeridian or a pole work
 *
 * The geometry in which a spatial filter is evaluated.
 */
typedef enum {
  TILEBOX_COORDINATE_SYSTEM_CARTESIAN = 1,
  TILEBOX_COORDINATE_SYSTEM_SPHERICAL,
} TileboxCoordinateSystem;

G_END_DECLS
