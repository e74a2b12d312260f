/* tilebox-server-filter-private.h: the filters of a Query, evaluated by the local server (internal)
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A query's filter expressions (QueryFilters.expressions) and spatial
 * filter (QueryFilters.spatial_extent) are checked against the dataset's
 * type the way the service checks them, compiled once per request, then
 * matched against each stored datapoint message, read straight from its
 * bytes with the wire codec.
 *
 * Expressions. At most TILEBOX_FILTER_MAX_EXPRESSIONS top-level ones,
 * TILEBOX_FILTER_MAX_NODES nodes in all and TILEBOX_FILTER_MAX_DEPTH
 * levels (a lone comparison has depth 1). A field is a top-level,
 * non-repeated field of the dataset's message that its annotation marks
 * queryable, and its type decides the literal and the operators:
 *
 *   double, float, (s|u)int32/64, (s)fixed32/64   int, uint or double   all
 *   string                                         string (byte-wise)    all
 *   google.protobuf.Timestamp                      time                  all
 *   google.protobuf.Duration                       int (nanoseconds)     all
 *   bool                                           bool                  = !=
 *   bytes                                          bytes                 = !=
 *   enum                                           int (the number)      = !=
 *   datasets.v1.UUID                               bytes (16 of them)    = !=
 *
 * Any other field (Geometry, other messages, repeated ones) cannot be
 * filtered. Numbers compare exactly across int, uint and double (a float
 * field's value is taken as the double it is); NaN is unordered (only !=
 * holds). Evaluation is three-valued (SQL, CQL2): a comparison with a field
 * the datapoint does not have is UNKNOWN, IS NULL is TRUE for it, NOT
 * UNKNOWN is UNKNOWN, AND and OR are Kleene's. A datapoint matches when
 * every top-level expression is TRUE.
 *
 * Presence follows protobuf: for a non-repeated field the last occurrence
 * on the wire wins (messages merge field by field), a field of a oneof is
 * absent when another member of it came later, and a field with explicit
 * presence is there when it is on the wire, zero or not. A field with
 * implicit presence (proto3 without `optional`) is there when it holds
 * other than its zero value, as protobuf's own has-field says.
 *
 * Spatial filter. GEOS predicates on the filter geometry (WKB, or EWKB
 * with an SRID, which is ignored) and the datapoint's geometry (the
 * dataset's datasets.v1.Geometry field: `geometry`, else the first one):
 * mode intersects (0 or 1) or contains (2: the filter contains the
 * datapoint). A datapoint without a geometry never matches. Only
 * cartesian coordinates (0 or 1) are evaluated: spherical ones (2) are
 * UNIMPLEMENTED. A filter geometry that GEOS cannot read or finds invalid
 * is INVALID_ARGUMENT, as is a spatial filter on a dataset without a
 * geometry field.
 *
 * Errors: TILEBOX_ERROR_INVALID_ARGUMENT (or UNIMPLEMENTED, above) from
 * _tilebox_server_filter_new (), naming the problem; TILEBOX_ERROR_DATA_LOSS from
 * _tilebox_server_filter_match () for a stored datapoint it cannot read.
 */

#pragma once

#include <glib.h>
#include "tilebox-messages-private.h"

G_BEGIN_DECLS

/* What filters of one server share: the GEOS context. Belongs to one
 * thread at a time, as do the filters made with it. */
typedef struct _TileboxServerFilterContext TileboxServerFilterContext;

TileboxServerFilterContext *_tilebox_server_filter_context_new (void);
void _tilebox_server_filter_context_free (TileboxServerFilterContext *context);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TileboxServerFilterContext, _tilebox_server_filter_context_free)

typedef struct _TileboxServerFilter TileboxServerFilter;

/* Checks and compiles the expressions and the spatial filter of `filters`
 * (NULL: none) for datapoints of `type` (NULL: a dataset without a type,
 * which only a query without them may read). The filter keeps no pointer
 * into type or filters. */
TileboxServerFilter *_tilebox_server_filter_new (TileboxServerFilterContext    *context,
                                                 const TileboxPbAnnotatedType  *type,
                                                 const TileboxPbQueryFilters   *filters,
                                                 GError                       **error);
void _tilebox_server_filter_free (TileboxServerFilter *filter);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TileboxServerFilter, _tilebox_server_filter_free)

/* TRUE when the filter has neither expressions nor a spatial filter: every
 * datapoint matches, and nothing needs to read them. */
gboolean _tilebox_server_filter_matches_all (TileboxServerFilter *filter);

/* Whether the datapoint message `data` (id: its id, for messages) passes
 * the filter; FALSE with TILEBOX_ERROR_DATA_LOSS when it cannot be read. */
gboolean _tilebox_server_filter_match (TileboxServerFilter  *filter,
                                       const guint8          id[16],
                                       const guint8         *data,
                                       gsize                 len,
                                       gboolean             *matches,
                                       GError              **error);

G_END_DECLS
