/* tilebox-server-ingest-private.h: datapoints taken in by the local server (internal)
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What an Ingest call does to each serialized datapoint before it is
 * stored: check it against the dataset's type, give it its id and its
 * ingestion time, and lay it out as the store keeps it.
 *
 * Checks. The value must parse as the dataset's message: each top-level
 * field's number must be one of the message's, its wire type the one its
 * type has (a repeated scalar number may also come packed), a non-repeated
 * field at most once, strings valid UTF-8. Nested messages are checked
 * the same way when the type's descriptors describe them, the well-known
 * ones more closely: a google.protobuf.Timestamp or Duration within its
 * range, a datasets.v1.UUID of 16 bytes, a datasets.v1.Geometry of valid
 * WKB or EWKB. `time` (field 1) must be there, and in a spatiotemporal
 * dataset `geometry` too, with a geometry. Every failure is
 * TILEBOX_ERROR_INVALID_ARGUMENT naming the datapoint's index and the
 * field, e.g. "datapoint 17: field cloud_cover has wire type 2, expected
 * a double".
 *
 * Layout. Fields 2 (id) and 3 (ingestion_time) a client sent are dropped;
 * what remains, in its order, is the content the id is derived from
 * (_tilebox_store_derive_datapoint_id ()). The stored message is the
 * fields numbered below 2, then the id (field 2, datasets.v1.UUID), then
 * the ingestion time (field 3, google.protobuf.Timestamp), then the fields
 * numbered above 3, each group in the order it came in.
 */

#pragma once

#include <glib.h>
#include "tilebox-messages-private.h"
#include "tilebox-store-private.h"

G_BEGIN_DECLS

/* The type of one dataset, ready to check its datapoints. Immutable. */
typedef struct _TileboxServerIngestType TileboxServerIngestType;

/* Fails with TILEBOX_ERROR_FAILED_PRECONDITION for a dataset without a
 * usable type (no descriptors, no `time` field of type Timestamp, a
 * spatiotemporal one without a Geometry field `geometry`). The type keeps
 * no pointer into `type`. */
TileboxServerIngestType *_tilebox_server_ingest_type_new (const TileboxPbAnnotatedType *type,
                                                          GError                      **error);
void _tilebox_server_ingest_type_free (TileboxServerIngestType *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TileboxServerIngestType, _tilebox_server_ingest_type_free)

/* Whether self was made from a type equal to `type` (same descriptors,
 * type_url and kind): for a cache keyed by dataset to notice type
 * changes. */
gboolean _tilebox_server_ingest_type_is_for (TileboxServerIngestType      *self,
                                             const TileboxPbAnnotatedType *type);

/* Checks the datapoint `value`, number `index` of its request, and fills
 * `datapoint` (id, time_ms, ingestion_time_ns and data, a new GBytes the
 * caller unrefs) with ingestion time `ingestion_time_us` (microseconds
 * since the epoch). `datapoint` is untouched on failure. */
gboolean _tilebox_server_ingest_prepare (TileboxServerIngestType *self,
                                         guint                    index,
                                         GBytes                  *value,
                                         gint64                   ingestion_time_us,
                                         TileboxStoreDatapoint   *datapoint,
                                         GError                 **error);

G_END_DECLS
