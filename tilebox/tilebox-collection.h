/* tilebox-collection.h
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(TILEBOX_INSIDE) && !defined(TILEBOX_COMPILATION)
#error "Only <tilebox.h> can be included directly."
#endif

#include <gio/gio.h>
#include "tilebox-version.h"
#include "tilebox-time-interval.h"
#include "tilebox-datapoints.h"
#include "tilebox-ingest-result.h"

G_BEGIN_DECLS

#define TILEBOX_TYPE_COLLECTION (tilebox_collection_get_type ())

TILEBOX_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (TileboxCollection, tilebox_collection, TILEBOX, COLLECTION, GObject)

typedef struct _TileboxDataset TileboxDataset;

TILEBOX_AVAILABLE_IN_ALL
const char          *tilebox_collection_get_id           (TileboxCollection    *self);
TILEBOX_AVAILABLE_IN_ALL
const char          *tilebox_collection_get_name         (TileboxCollection    *self);
TILEBOX_AVAILABLE_IN_ALL
TileboxDataset      *tilebox_collection_get_dataset      (TileboxCollection    *self);
TILEBOX_AVAILABLE_IN_ALL
TileboxTimeInterval *tilebox_collection_get_availability (TileboxCollection    *self);
TILEBOX_AVAILABLE_IN_ALL
gboolean             tilebox_collection_get_has_count    (TileboxCollection    *self);
TILEBOX_AVAILABLE_IN_ALL
guint64              tilebox_collection_get_count        (TileboxCollection    *self);

TILEBOX_AVAILABLE_IN_ALL
gboolean             tilebox_collection_refresh          (TileboxCollection    *self,
                                                          GCancellable         *cancellable,
                                                          GError              **error);
TILEBOX_AVAILABLE_IN_ALL
void                 tilebox_collection_refresh_async    (TileboxCollection    *self,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
TILEBOX_AVAILABLE_IN_ALL
gboolean             tilebox_collection_refresh_finish   (TileboxCollection    *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);

typedef struct _TileboxQuery TileboxQuery;
typedef struct _TileboxDatapoints TileboxDatapoints;
typedef struct _TileboxDatapoint TileboxDatapoint;

TILEBOX_AVAILABLE_IN_ALL
TileboxDatapoints   *tilebox_collection_query            (TileboxCollection    *self,
                                                          TileboxQuery         *query,
                                                          GCancellable         *cancellable,
                                                          GError              **error);
TILEBOX_AVAILABLE_IN_ALL
void                 tilebox_collection_query_async      (TileboxCollection    *self,
                                                          TileboxQuery         *query,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
TILEBOX_AVAILABLE_IN_ALL
TileboxDatapoints   *tilebox_collection_query_finish     (TileboxCollection    *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);

typedef struct _TileboxQueryCursor TileboxQueryCursor;

TILEBOX_AVAILABLE_IN_ALL
TileboxQueryCursor  *tilebox_collection_query_pages      (TileboxCollection    *self,
                                                          TileboxQuery         *query);

TILEBOX_AVAILABLE_IN_ALL
TileboxDatapoint    *tilebox_collection_find             (TileboxCollection    *self,
                                                          const char           *id,
                                                          gboolean              skip_data,
                                                          GCancellable         *cancellable,
                                                          GError              **error);
TILEBOX_AVAILABLE_IN_ALL
void                 tilebox_collection_find_async       (TileboxCollection    *self,
                                                          const char           *id,
                                                          gboolean              skip_data,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
TILEBOX_AVAILABLE_IN_ALL
TileboxDatapoint    *tilebox_collection_find_finish      (TileboxCollection    *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);

TILEBOX_AVAILABLE_IN_ALL
TileboxIngestResult *tilebox_collection_ingest           (TileboxCollection    *self,
                                                          GVariant             *records,
                                                          gboolean              allow_existing,
                                                          GClosure             *progress,
                                                          GCancellable         *cancellable,
                                                          GError              **error);
TILEBOX_AVAILABLE_IN_ALL
void                 tilebox_collection_ingest_async     (TileboxCollection    *self,
                                                          GVariant             *records,
                                                          gboolean              allow_existing,
                                                          GClosure             *progress,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
TILEBOX_AVAILABLE_IN_ALL
TileboxIngestResult *tilebox_collection_ingest_finish    (TileboxCollection    *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);
TILEBOX_AVAILABLE_IN_ALL
TileboxIngestResult *tilebox_collection_ingest_json      (TileboxCollection    *self,
                                                          JsonNode             *data,
                                                          gboolean              allow_existing,
                                                          GClosure             *progress,
                                                          GCancellable         *cancellable,
                                                          GError              **error);
TILEBOX_AVAILABLE_IN_ALL
void                 tilebox_collection_ingest_json_async (TileboxCollection   *self,
                                                          JsonNode             *data,
                                                          gboolean              allow_existing,
                                                          GClosure             *progress,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
TILEBOX_AVAILABLE_IN_ALL
TileboxIngestResult *tilebox_collection_ingest_json_finish (TileboxCollection  *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);
TILEBOX_AVAILABLE_IN_ALL
TileboxIngestResult *tilebox_collection_ingest_datapoints (TileboxCollection   *self,
                                                          TileboxDatapoints    *datapoints,
                                                          gboolean              allow_existing,
                                                          GClosure             *progress,
                                                          GCancellable         *cancellable,
                                                          GError              **error);
TILEBOX_AVAILABLE_IN_ALL
void                 tilebox_collection_ingest_datapoints_async (TileboxCollection *self,
                                                          TileboxDatapoints    *datapoints,
                                                          gboolean              allow_existing,
                                                          GClosure             *progress,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
TILEBOX_AVAILABLE_IN_ALL
TileboxIngestResult *tilebox_collection_ingest_datapoints_finish (TileboxCollection *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);

TILEBOX_AVAILABLE_IN_ALL
gint64               tilebox_collection_delete_ids       (TileboxCollection    *self,
                                                          const char * const   *ids,
                                                          GClosure             *progress,
                                                          GCancellable         *cancellable,
                                                          GError              **error);
TILEBOX_AVAILABLE_IN_ALL
void                 tilebox_collection_delete_ids_async (TileboxCollection    *self,
                                                          const char * const   *ids,
                                                          GClosure             *progress,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
TILEBOX_AVAILABLE_IN_ALL
gint64               tilebox_collection_delete_ids_finish (TileboxCollection   *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);
TILEBOX_AVAILABLE_IN_ALL
gint64               tilebox_collection_delete_datapoints (TileboxCollection   *self,
                                                          TileboxDatapoints    *datapoints,
                                                          GClosure             *progress,
                                                          GCancellable         *cancellable,
                                                          GError              **error);
TILEBOX_AVAILABLE_IN_ALL
void                 tilebox_collection_delete_datapoints_async (TileboxCollection *self,
                                                          TileboxDatapoints    *datapoints,
                                                          GClosure             *progress,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
TILEBOX_AVAILABLE_IN_ALL
gint64               tilebox_collection_delete_datapoints_finish (TileboxCollection *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);

G_END_DECLS
