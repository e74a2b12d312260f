/* tilebox-columns-private.h: datapoints decoded into columns (internal)
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The schema-driven datapoint decoder. Given a dataset's descriptor pool
 * and message type, it decodes serialized datapoint messages, without any
 * generated code, straight into one column per top-level field: flat
 * typed arrays, a presence flag per row, and for repeated fields an offset
 * per row. The public TileboxDatapoints is a thin object over this.
 *
 * Storage per field kind (TileboxColumnKind), per row or per element:
 *   DOUBLE        double              (double)
 *   FLOAT         float               (float)
 *   INT32         gint32              (int32, sint32, sfixed32)
 *   INT64         gint64              (int64, sint64, sfixed64)
 *   UINT32        guint32             (uint32, fixed32)
 *   UINT64        guint64             (uint64, fixed64)
 *   BOOL          guint8 0/1          (bool)
 *   ENUM          gint32 number       (enum; names via the column's enum descriptor)
 *   STRING        variable-length     (string: UTF-8 validated)
 *   BYTES         variable-length     (bytes; also nested messages of other types, raw)
 *   TIMESTAMP     gint64 ns since epoch  (google.protobuf.Timestamp)
 *   DURATION      gint64 ns              (google.protobuf.Duration)
 *   UUID          guint8[16]             (datasets.v1.UUID / tilebox.v1.ID)
 *   GEOMETRY      variable-length WKB    (datasets.v1.Geometry.wkb, as sent)
 *   VEC3          double[3] x,y,z        (datasets.v1.Vec3)
 *   QUATERNION    double[4] q1..q4       (datasets.v1.Quaternion)
 *   LATLON        double[2] lat,lon      (datasets.v1.LatLon)
 *   LATLONALT     double[3] lat,lon,alt  (datasets.v1.LatLonAlt)
 *
 * Fixed-size kinds keep their values in `values` (element_size bytes each).
 * Variable-length kinds keep their bytes back to back in `data` and the end
 * offset of each element in `values` as guint64 (element i spans
 * [end[i-1], end[i]) with end[-1] = 0).
 *
 * Presence: `present[row]` is 1 when the field appeared on the wire for
 * that row. Fields with implicit presence (proto3 scalars without
 * `optional`) never carry a zero, so for them absent may also mean zero;
 * `explicit_presence` says which kind a field is. An absent row still has
 * a zeroed element slot for non-repeated fields,
 * so row i is element i.
 *
 * Repeated fields: `row_ends[row]` is the end index (exclusive) of the
 * row's elements in the element arrays; present is 1 when it has at least
 * one element. Packed and unpacked encodings are both accepted.
 *
 * Values a field appears with twice on the wire: last one wins for scalars
 * and messages (as protobuf merges them); repeated ones append.
 */

#pragma once

#include <glib.h>
#include "tilebox-descriptor-private.h"

G_BEGIN_DECLS

typedef enum {
  TILEBOX_COLUMN_DOUBLE,
  TILEBOX_COLUMN_FLOAT,
  TILEBOX_COLUMN_INT32,
  TILEBOX_COLUMN_INT64,
  TILEBOX_COLUMN_UINT32,
  TILEBOX_COLUMN_UINT64,
  TILEBOX_COLUMN_BOOL,
  TILEBOX_COLUMN_ENUM,
  TILEBOX_COLUMN_STRING,
  TILEBOX_COLUMN_BYTES,
  TILEBOX_COLUMN_TIMESTAMP,
  TILEBOX_COLUMN_DURATION,
  TILEBOX_COLUMN_UUID,
  TILEBOX_COLUMN_GEOMETRY,
  TILEBOX_COLUMN_VEC3,
  TILEBOX_COLUMN_QUATERNION,
  TILEBOX_COLUMN_LATLON,
  TILEBOX_COLUMN_LATLONALT,
} TileboxColumnKind;

typedef struct {
  const TileboxDescField *field;   /* borrowed from the pool */
  const TileboxDescEnum *enum_desc; /* for ENUM, NULL when the enum is not known */
  TileboxColumnKind kind;
  gboolean repeated;
  gboolean explicit_presence;
  guint element_size;              /* bytes per element in `values` */
  GByteArray *values;              /* elements (see above) */
  GByteArray *data;                /* variable-length kinds: the bytes; else NULL */
  GByteArray *present;             /* guint8 per row */
  GArray *row_ends;                /* repeated: guint64 per row; else NULL */
} TileboxColumn;

typedef struct _TileboxColumns TileboxColumns;

struct _TileboxColumns
{
  gatomicrefcount ref_count;
  TileboxDescPool *pool;           /* ref */
  const TileboxDescMessage *message;
  guint n_rows;
  GPtrArray *columns;              /* TileboxColumn*, in the message's field order */
  GHashTable *by_name;             /* field name → TileboxColumn* */
  gsize wire_bytes;                /* serialized bytes decoded so far */
};

/* The well-known descriptors the service's descriptor sets reference but
 * do not include: google/protobuf/timestamp.proto and duration.proto, and
 * datasets/v1/well_known_types.proto (UUID, Geometry, Vec3, Quaternion,
 * LatLon, LatLonAlt and the enums ProcessingLevel, FlightDirection,
 * ObservationDirection, Polarization, AcquisitionMode, OpendataProvider,
 * with the service's own numbers), plus tilebox.v1.ID. Added to a pool
 * before (or after) the dataset's own set. */
gboolean _tilebox_columns_add_well_known_types (TileboxDescPool  *pool,
                                                GError          **error);
/* Added: the full name (datasets.v1.ProcessingLevel) of the well-known
 * enum called `name`, given in full or short (ProcessingLevel), a leading
 * dot tolerated; NULL for any other name. Free with g_free (). */
char *_tilebox_columns_well_known_enum_full_name (const char *name);

/* Added: the kind of column a field decodes into (of its elements, for a
 * repeated field): what its type and, for a message, its well-known type
 * make it. The datapoint encoder takes values by the same kinds. */
TileboxColumnKind _tilebox_columns_field_kind (const TileboxDescField *field);

/* Columns for `message` of `pool` (the pool is referenced). Fails with
 * TILEBOX_ERROR_PROTOCOL when the message type is not in the pool. */
TileboxColumns *_tilebox_columns_new (TileboxDescPool *pool,
                                      const char      *message_name,
                                      GError         **error);
TileboxColumns *_tilebox_columns_ref (TileboxColumns *columns);
/* Freed columns keep their big arrays (64 KiB or more, up to 32 MiB in
 * all, process-wide) for new columns to take, so that decoding page after
 * page into new columns does not page-fault fresh memory every time. */
void _tilebox_columns_unref (TileboxColumns *columns);

/* Decodes one serialized datapoint as a new row. On a malformed message,
 * fails with TILEBOX_ERROR_PROTOCOL naming the field, and the columns are
 * left exactly as before the call. */
gboolean _tilebox_columns_append (TileboxColumns *columns,
                                  const guint8   *data,
                                  gsize           len,
                                  GError        **error);

/* Added: a hint that `n_rows` more rows are coming (the datapoints of a
 * page): the per-row arrays are sized for them at once, and the
 * variable-length ones from the rows decoded so far (or the next one). */
void _tilebox_columns_reserve (TileboxColumns *columns,
                               guint           n_rows);

/* Appends all rows of `other` (same message type) after the rows of
 * `columns` (merging pages and parallel ranges). */
void _tilebox_columns_append_columns (TileboxColumns       *columns,
                                      const TileboxColumns *other);

const TileboxColumn *_tilebox_columns_lookup (const TileboxColumns *columns,
                                              const char           *name);

/* Element access helpers. */
static inline const guint8 *
_tilebox_column_element (const TileboxColumn *column,
                         guint64              index)
{
  return column->values->data + index * column->element_size;
}

/* The bytes of element `index` of a variable-length column. */
const guint8 *_tilebox_column_bytes (const TileboxColumn *column,
                                     guint64              index,
                                     gsize               *len);

/* The element range [*start, *end) of `row` (a non-repeated field: row, row+1). */
void _tilebox_column_row_range (const TileboxColumn *column,
                                guint                row,
                                guint64             *start,
                                guint64             *end);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TileboxColumns, _tilebox_columns_unref)

G_END_DECLS
