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
