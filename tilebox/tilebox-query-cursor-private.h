/* tilebox-query-cursor-private.h
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "tilebox-collection.h"
#include "tilebox-dataset.h"
#include "tilebox-query.h"
#include "tilebox-query-cursor.h"

G_BEGIN_DECLS

/* A cursor over `query` in `collections` of `dataset`, or in all of its
 * collections (listed by the first next) when collections is NULL. The
 * query is read now. A query that cannot be run still gives a cursor,
 * which holds the error and reports it from every next. */
TileboxQueryCursor *_tilebox_query_cursor_new   (TileboxDataset      *dataset,
                                                 GPtrArray           *collections,
                                                 TileboxQuery        *query);
/* FALSE with error set when the cursor holds one. */
gboolean            _tilebox_query_cursor_check (TileboxQueryCursor  *self,
                                                 GError             **error);

G_END_DECLS
