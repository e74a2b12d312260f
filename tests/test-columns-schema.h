/* test-columns-schema.h: a datapoint type with a field of every column kind
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Shared by the unit tests of the datapoint decoder and encoder and the
 * decoder's fuzz target, with writers of the encodings they expect.
 * The fields are numbered 1 ... n in this order (editions 2023, explicit
 * presence, repeated scalars packed by default).
 */

#pragma once

#include <glib.h>

#include "tilebox-columns-private.h"
#include "tilebox-descriptor-private.h"
#include "tilebox-pb-private.h"

#define EVERY_KIND_MESSAGE "test.v1.EveryKind"

enum {
  EK_DOUBLE = 1, EK_FLOAT, EK_INT32, EK_INT64, EK_UINT32, EK_UINT64, EK_SINT32, EK_SINT64,
  EK_FIXED32, EK_FIXED64, EK_SFIXED32, EK_SFIXED64, EK_BOOL, EK_STRING, EK_BYTES, EK_ENUM,
  EK_TIME, EK_DURATION, EK_UUID, EK_ID, EK_GEOMETRY, EK_VEC3, EK_QUATERNION, EK_LATLON,
  EK_LATLONALT, EK_OTHER,
  EK_R_DOUBLE, EK_R_FLOAT, EK_R_INT32, EK_R_INT64, EK_R_UINT32, EK_R_UINT64, EK_R_SINT32,
  EK_R_SINT64, EK_R_FIXED32, EK_R_FIXED64, EK_R_SFIXED32, EK_R_SFIXED64, EK_R_BOOL,
  EK_R_STRING, EK_R_BYTES, EK_R_ENUM, EK_R_TIME, EK_R_UUID, EK_R_VEC3, EK_R_GEOMETRY,
  EK_R_OTHER,
  EK_N_FIELDS = EK_R_OTHER,
};

static const TileboxDescFieldSpec every_kind_fields[] = {
  { "d", TILEBOX_DESC_TYPE_DOUBLE, FALSE, NULL },
  { "f", TILEBOX_DESC_TYPE_FLOAT, FALSE, NULL },
  { "i32", TILEBOX_DESC_TYPE_INT32, FALSE, NULL },
  { "i64", TILEBOX_DESC_TYPE_INT64, FALSE, NULL },
  { "u32", TILEBOX_DESC_TYPE_UINT32, FALSE, NULL },
  { "u64", TILEBOX_DESC_TYPE_UINT64, FALSE, NULL },
  { "s32", TILEBOX_DESC_TYPE_SINT32, FALSE, NULL },
  { "s64", TILEBOX_DESC_TYPE_SINT64, FALSE, NULL },
  { "fx32", TILEBOX_DESC_TYPE_FIXED32, FALSE, NULL },
  { "fx64", TILEBOX_DESC_TYPE_FIXED64, FALSE, NULL },
  { "sf32", TILEBOX_DESC_TYPE_SFIXED32, FALSE, NULL },
  { "sf64", TILEBOX_DESC_TYPE_SFIXED64, FALSE, NULL },
  { "b", TILEBOX_DESC_TYPE_BOOL, FALSE, NULL },
  { "s", TILEBOX_DESC_TYPE_STRING, FALSE, NULL },
  { "by", TILEBOX_DESC_TYPE_BYTES, FALSE, NULL },
  { "level", TILEBOX_DESC_TYPE_ENUM, FALSE, "datasets.v1.ProcessingLevel" },
  { "time", TILEBOX_DESC_TYPE_MESSAGE, FALSE, "google.protobuf.Timestamp" },
  { "duration", TILEBOX_DESC_TYPE_MESSAGE, FALSE, "google.protobuf.Duration" },
  { "id", TILEBOX_DESC_TYPE_MESSAGE, FALSE, "datasets.v1.UUID" },
  { "tid", TILEBOX_DESC_TYPE_MESSAGE, FALSE, "tilebox.v1.ID" },
  { "geometry", TILEBOX_DESC_TYPE_MESSAGE, FALSE, "datasets.v1.Geometry" },
  { "v3", TILEBOX_DESC_TYPE_MESSAGE, FALSE, "datasets.v1.Vec3" },
  { "q", TILEBOX_DESC_TYPE_MESSAGE, FALSE, "datasets.v1.Quaternion" },
  { "ll", TILEBOX_DESC_TYPE_MESSAGE, FALSE, "datasets.v1.LatLon" },
  { "lla", TILEBOX_DESC_TYPE_MESSAGE, FALSE, "datasets.v1.LatLonAlt" },
  { "other", TILEBOX_DESC_TYPE_MESSAGE, FALSE, "test.v1.Other" },
  { "rd", TILEBOX_DESC_TYPE_DOUBLE, TRUE, NULL },
  { "rf", TILEBOX_DESC_TYPE_FLOAT, TRUE, NULL },
  { "ri32", TILEBOX_DESC_TYPE_INT32, TRUE, NULL },
  { "ri64", TILEBOX_DESC_TYPE_INT64, TRUE, NULL },
  { "ru32", TILEBOX_DESC_TYPE_UINT32, TRUE, NULL },
  { "ru64", TILEBOX_DESC_TYPE_UINT64, TRUE, NULL },
  { "rs32", TILEBOX_DESC_TYPE_SINT32, TRUE, NULL },
  { "rs64", TILEBOX_DESC_TYPE_SINT64, TRUE, NULL },
  { "rfx32", TILEBOX_DESC_TYPE_FIXED32, TRUE, NULL },
  { "rfx64", TILEBOX_DESC_TYPE_FIXED64, TRUE, NULL },
  { "rsf32", TILEBOX_DESC_TYPE_SFIXED32, TRUE, NULL },
  { "rsf64", TILEBOX_DESC_TYPE_SFIXED64, TRUE, NULL },
  { "rb", TILEBOX_DESC_TYPE_BOOL, TRUE, NULL },
  { "rs", TILEBOX_DESC_TYPE_STRING, TRUE, NULL },
  { "rby", TILEBOX_DESC_TYPE_BYTES, TRUE, NULL },
  { "rlevel", TILEBOX_DESC_TYPE_ENUM, TRUE, "datasets.v1.ProcessingLevel" },
  { "rtime", TILEBOX_DESC_TYPE_MESSAGE, TRUE, "google.protobuf.Timestamp" },
  { "rid", TILEBOX_DESC_TYPE_MESSAGE, TRUE, "datasets.v1.UUID" },
  { "rv3", TILEBOX_DESC_TYPE_MESSAGE, TRUE, "datasets.v1.Vec3" },
  { "rgeometry", TILEBOX_DESC_TYPE_MESSAGE, TRUE, "datasets.v1.Geometry" },
  { "rother", TILEBOX_DESC_TYPE_MESSAGE, TRUE, "test.v1.Other" },
};

G_STATIC_ASSERT (G_N_ELEMENTS (every_kind_fields) == EK_N_FIELDS);

/* A pool with the well-known types and EveryKind. */
static inline TileboxDescPool *
every_kind_pool (void)
{
  static const char * const deps[] = {
    "google/protobuf/timestamp.proto",
    "google/protobuf/duration.proto",
    "datasets/v1/well_known_types.proto",
    NULL
  };
  TileboxDescPool *pool = _tilebox_desc_pool_new ();
  g_autoptr(GBytes) set = NULL;
  GError *error = NULL;

  set = _tilebox_desc_build_file_set ("test/v1/every_kind.proto", "test.v1", "EveryKind",
                                      every_kind_fields, G_N_ELEMENTS (every_kind_fields),
                                      deps);
  if (!_tilebox_columns_add_well_known_types (pool, &error) ||
      !_tilebox_desc_pool_add_file_set (pool, g_bytes_get_data (set, NULL),
                                        g_bytes_get_size (set), &error))
    g_error ("every_kind_pool: %s", error->message);
  return pool;
}

/* --- expected encodings, written with the wire codec ---------------------- */

/* The values of the well-known vector fields in the tests' datapoints. */
G_GNUC_UNUSED static const double vec3_value[3] = { 1.0, -2.0, 3.5 };
G_GNUC_UNUSED static const double quaternion_value[4] = { 0.5, -0.5, 0.25, 1.0 };
G_GNUC_UNUSED static const double latlon_value[2] = { 52.5, 13.4 };
G_GNUC_UNUSED static const double latlonalt_value[3] = { -33.9, 151.2, 58.0 };

static inline void
put_sub (GByteArray *out,
         guint32     field,
         GByteArray *sub)
{
  _tilebox_pb_write_message (out, field, sub);
  g_byte_array_unref (sub);
}

static inline void
put_seconds_nanos (GByteArray *out,
                   guint32     field,
                   gint64      seconds,
                   gint32      nanos)
{
  GByteArray *sub = g_byte_array_new ();

  if (seconds != 0)
    _tilebox_pb_write_varint (sub, 1, (guint64) seconds);
  if (nanos != 0)
    _tilebox_pb_write_varint (sub, 2, (guint64) (gint64) nanos);
  put_sub (out, field, sub);
}

static inline void
put_doubles (GByteArray   *out,
             guint32       field,
             const double *values,
             guint         n)
{
  GByteArray *sub = g_byte_array_new ();

  for (guint i = 0; i < n; i++)
    if (values[i] != 0)
      _tilebox_pb_write_double (sub, i + 1, values[i]);
  put_sub (out, field, sub);
}

static inline void
put_packed_varints (GByteArray    *out,
                    guint32        field,
                    const guint64 *values,
                    guint          n)
{
  GByteArray *sub = g_byte_array_new ();

  for (guint i = 0; i < n; i++)
    _tilebox_pb_write_raw_varint (sub, values[i]);
  put_sub (out, field, sub);
}

static inline void
put_packed_fixed (GByteArray *out,
                  guint32     field,
                  const void *values,
                  guint       n,
                  guint       size)
{
  _tilebox_pb_write_bytes (out, field, values, (gsize) n * size); /* little-endian host */
}
