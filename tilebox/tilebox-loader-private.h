/* tilebox-loader-private.h: running a query page by page (internal)
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A load is one query over a set of collections of one dataset: it sends
 * Query requests page after page, decoding each page straight into the
 * columns of the result, until the service sends no next page or the
 * query's limit is reached. The blocking and the async driver share the
 * request building and page handling; only the waiting differs.
 *
 * A load can also be run by its caller a page at a time
 * (TileboxQueryCursor): each page is then handed out as datapoints of its
 * own, and the load remembers only where it stands.
 */

#pragma once

#include <gio/gio.h>

#include "tilebox-collection.h"
#include "tilebox-datapoints.h"
#include "tilebox-dataset.h"
#include "tilebox-query.h"

G_BEGIN_DECLS

typedef struct _TileboxLoad TileboxLoad;

/* collections: TileboxCollection* of `dataset`, at least one. */
TileboxDatapoints *_tilebox_load            (TileboxDataset       *dataset,
                                             GPtrArray            *collections,
                                             TileboxQuery         *query,
                                             GCancellable         *cancellable,
                                             GError              **error);
void               _tilebox_load_async      (TileboxDataset       *dataset,
                                             GPtrArray            *collections,
                                             TileboxQuery         *query,
                                             gpointer              source_object,
                                             gpointer              source_tag,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);

/* A load run page by page. The query's settings are read now (its
 * max-parallel is not used); the query itself is kept to emit progress on.
 * collections may be NULL, to be set before the first page. Fails with
 * TILEBOX_ERROR_INVALID_ARGUMENT when the query has no interval. */
TileboxLoad       *_tilebox_load_new              (TileboxDataset       *dataset,
                                                   GPtrArray            *collections,
                                                   TileboxQuery         *query,
                                                   GError              **error);
void               _tilebox_load_free             (TileboxLoad          *load);
gboolean           _tilebox_load_has_collections  (TileboxLoad          *load);
void               _tilebox_load_set_collections  (TileboxLoad          *load,
                                                   GPtrArray            *collections);
/* Before the first page: start strictly after the datapoint `id`, or at
 * the beginning for NULL. */
void               _tilebox_load_set_start_after  (TileboxLoad          *load,
                                                   const guint8          id[16]);
gboolean           _tilebox_load_is_done          (TileboxLoad          *load);
/* The id of the last datapoint received (or started after): FALSE before any. */
gboolean           _tilebox_load_get_last_id      (TileboxLoad          *load,
                                                   guint8                id[16]);
/* The next page that has datapoints: TRUE with *page set to them, or to
 * NULL when the load is done. FALSE with error set leaves the load where
 * it was, so the same page can be asked for again. */
gboolean           _tilebox_load_next_page        (TileboxLoad          *load,
                                                   TileboxDatapoints   **page,
                                                   GCancellable         *cancellable,
                                                   GError              **error);
/* The same on the caller's thread-default main context; the load must
 * stay alive until the callback. A page received is delivered even if
 * the cancellable fires before the callback. */
void               _tilebox_load_next_page_async  (TileboxLoad          *load,
                                                   gpointer              source_object,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean           _tilebox_load_next_page_finish (GAsyncResult         *result,
                                                   TileboxDatapoints   **page,
                                                   GError              **error);

/* QueryByID: the datapoint `id` in one of `collections`. */
TileboxDatapoint  *_tilebox_find            (TileboxDataset       *dataset,
                                             GPtrArray            *collections,
                                             const guint8          id[16],
                                             gboolean              skip_data,
                                             GCancellable         *cancellable,
                                             GError              **error);
void               _tilebox_find_async      (TileboxDataset       *dataset,
                                             GPtrArray            *collections,
                                             const guint8          id[16],
                                             gboolean              skip_data,
                                             gpointer              source_object,
                                             gpointer              source_tag,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);

G_END_DECLS
