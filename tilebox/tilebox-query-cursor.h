/* tilebox-query-cursor.h
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
#include "tilebox-datapoints.h"

G_BEGIN_DECLS

#define TILEBOX_TYPE_QUERY_CURSOR (tilebox_query_cursor_get_type ())

TILEBOX_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (TileboxQueryCursor, tilebox_query_cursor, TILEBOX, QUERY_CURSOR, GObject)

TILEBOX_AVAILABLE_IN_ALL
TileboxDatapoints *tilebox_query_cursor_next              (TileboxQueryCursor   *self,
                                                           GCancellable         *cancellable,
                                                           GError              **error);
TILEBOX_AVAILABLE_IN_ALL
void               tilebox_query_cursor_next_async        (TileboxQueryCursor   *self,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
TILEBOX_AVAILABLE_IN_ALL
TileboxDatapoints *tilebox_query_cursor_next_finish       (TileboxQueryCursor   *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);

TILEBOX_AVAILABLE_IN_ALL
gboolean           tilebox_query_cursor_is_done           (TileboxQueryCursor   *self);
TILEBOX_AVAILABLE_IN_ALL
guint64            tilebox_query_cursor_get_n_datapoints  (TileboxQueryCursor   *self);
TILEBOX_AVAILABLE_IN_ALL
guint              tilebox_query_cursor_get_n_pages       (TileboxQueryCursor   *self);
TILEBOX_AVAILABLE_IN_ALL
const char        *tilebox_query_cursor_get_position      (TileboxQueryCursor   *self);
TILEBOX_AVAILABLE_IN_ALL
gboolean           tilebox_query_cursor_set_position      (TileboxQueryCursor   *self,
                                                           const char           *after_id,
                                                           GError              **error);

G_END_DECLS
