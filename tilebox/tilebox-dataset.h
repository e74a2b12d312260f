/* tilebox-dataset.h
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
#include "tilebox-types.h"
#include "tilebox-collection.h"
#include "tilebox-dataset-group.h"
#include "tilebox-schema.h"

G_BEGIN_DECLS

#define TILEBOX_TYPE_DATASET (tilebox_dataset_get_type ())

TILEBOX_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (TileboxDataset, tilebox_dataset, TILEBOX, DATASET, GObject)

TILEBOX_AVAILABLE_IN_ALL
const char                *tilebox_dataset_get_id            (TileboxDataset *self);
TILEBOX_AVAILABLE_IN_ALL
const char                *tilebox_dataset_get_slug          (TileboxDataset *self);
TILEBOX_AVAILABLE_IN_ALL
const char                *tilebox_dataset_get_code_name     (TileboxDataset *self);
TILEBOX_AVAILABLE_IN_ALL
const char                *tilebox_dataset_get_name          (TileboxDataset *self);
TILEBOX_AVAILABLE_IN_ALL
const char                *tilebox_dataset_get_summary       (TileboxDataset *self);
TILEBOX_AVAILABLE_IN_ALL
const char                *tilebox_dataset_get_description   (TileboxDataset *self);
TILEBOX_AVAILABLE_IN_ALL
const char                *tilebox_dataset_get_icon          (TileboxDataset *self);
TILEBOX_AVAILABLE_IN_ALL
TileboxDatasetKind         tilebox_dataset_get_kind          (TileboxDataset *self);
TILEBOX_AVAILABLE_IN_ALL
const char                *tilebox_dataset_get_group_id      (TileboxDataset *self);
TILEBOX_AVAILABLE_IN_ALL
TileboxDatasetGroup       *tilebox_dataset_get_group         (TileboxDataset *self);
TILEBOX_AVAILABLE_IN_ALL
TileboxVisibility          tilebox_dataset_get_visibility    (TileboxDataset *self);
TILEBOX_AVAILABLE_IN_ALL
TileboxDatasetPermissions  tilebox_dataset_get_permissions   (TileboxDataset *self);
TILEBOX_AVAILABLE_IN_ALL
gboolean                   tilebox_dataset_get_type_editable (TileboxDataset *self);
TILEBOX_AVAILABLE_IN_ALL
TileboxSchema             *tilebox_dataset_get_schema        (TileboxDataset *self);

TILEBOX_AVAILABLE_IN_ALL
GPtrArray          *tilebox_dataset_list_collections               (TileboxDataset       *self,
                                                                    GCancellable         *cancellable,
                                                                    GError              **error);
TILEBOX_AVAILABLE_IN_ALL
void                tilebox_dataset_list_collections_async         (TileboxDataset       *self,
                                                                    GCancellable         *cancellable,
                                                                    GAsyncReadyCallback   callback,
                                                                    gpointer              user_data);
TILEBOX_AVAILABLE_IN_ALL
GPtrArray          *tilebox_dataset_list_collections_finish        (TileboxDataset       *self,
                                                                    GAsyncResult         *result,
                                                                    GError              **error);

TILEBOX_AVAILABLE_IN_ALL
TileboxCollection  *tilebox_dataset_get_collection                 (TileboxDataset       *self,
                                                                    const char           *name,
                                                                    GCancellable         *cancellable,
                                                                    GError              **error);
TILEBOX_AVAILABLE_IN_ALL
void                tilebox_dataset_get_collection_async           (TileboxDataset       *self,
                                                                    const char           *name,
                                                                    GCancellable         *cancellable,
                                                                    GAsyncReadyCallback   callback,
                                                                    gpointer              user_data);
TILEBOX_AVAILABLE_IN_ALL
TileboxCollection  *tilebox_dataset_get_collection_finish          (TileboxDataset       *self,
                                                                    GAsyncResult         *result,
                                                                    GError              **error);

TILEBOX_AVAILABLE_IN_ALL
TileboxCollection  *tilebox_dataset_create_collection              (TileboxDataset       *self,
                                                                    const char           *name,
                                                                    GCancellable         *cancellable,
                                                                    GError              **error);
TILEBOX_AVAILABLE_IN_ALL
void                tilebox_dataset_create_collection_async        (TileboxDataset       *self,
                                                                    const char           *name,
                                                                    GCancellable         *cancellable,
                                                                    GAsyncReadyCallback   callback,
                                                                    gpointer              user_data);
TILEBOX_AVAILABLE_IN_ALL
TileboxCollection  *tilebox_dataset_create_collection_finish       (TileboxDataset       *self,
                                                                    GAsyncResult         *result,
                                                                    GError              **error);

TILEBOX_AVAILABLE_IN_ALL
TileboxCollection  *tilebox_dataset_get_or_create_collection        (TileboxDataset       *self,
                                                                    const char           *name,
                                                                    GCancellable         *cancellable,
                                                                    GError              **error);
TILEBOX_AVAILABLE_IN_ALL
void                tilebox_dataset_get_or_create_collection_async  (TileboxDataset       *self,
                                                                    const char           *name,
                                                                    GCancellable         *cancellable,
                                                                    GAsyncReadyCallback   callback,
                                                                    gpointer              user_data);
TILEBOX_AVAILABLE_IN_ALL
TileboxCollection  *tilebox_dataset_get_or_create_collection_finish (TileboxDataset       *self,
                                                                    GAsyncResult         *result,
                                                                    GError              **error);

TILEBOX_AVAILABLE_IN_ALL
gboolean            tilebox_dataset_delete_collection              (TileboxDataset       *self,
                                                                    TileboxCollection    *collection,
                                                                    GCancellable         *cancellable,
                                                                    GError              **error);
TILEBOX_AVAILABLE_IN_ALL
void                tilebox_dataset_delete_collection_async        (TileboxDataset       *self,
                                                                    TileboxCollection    *collection,
                                                                    GCancellable         *cancellable,
                                                                    GAsyncReadyCallback   callback,
                                                                    gpointer              user_data);
TILEBOX_AVAILABLE_IN_ALL
gboolean            tilebox_dataset_delete_collection_finish       (TileboxDataset       *self,
                                                                    GAsyncResult         *result,
                                                                    GError              **error);

TILEBOX_AVAILABLE_IN_ALL
TileboxDatapoints  *tilebox_dataset_query                          (TileboxDataset       *self,
                                                                    TileboxQuery         *query,
                                                                    GCancellable         *cancellable,
                                                                    GError              **error);
TILEBOX_AVAILABLE_IN_ALL
void                tilebox_dataset_query_async                    (TileboxDataset       *self,
                                                                    TileboxQuery         *query,
                                                                    GCancellable         *cancellable,
                                                                    GAsyncReadyCallback   callback,
                                                                    gpointer              user_data);
TILEBOX_AVAILABLE_IN_ALL
TileboxDatapoints  *tilebox_dataset_query_finish                   (TileboxDataset       *self,
                                                                    GAsyncResult         *result,
                                                                    GError              **error);

TILEBOX_AVAILABLE_IN_ALL
TileboxQueryCursor *tilebox_dataset_query_pages                    (TileboxDataset       *self,
                                                                    TileboxQuery         *query,
                                                                    GError              **error);

TILEBOX_AVAILABLE_IN_ALL
TileboxDatapoint   *tilebox_dataset_find                           (TileboxDataset       *self,
                                                                    const char           *id,
                                                                    gboolean              skip_data,
                                                                    GCancellable         *cancellable,
                                                                    GError              **error);
TILEBOX_AVAILABLE_IN_ALL
void                tilebox_dataset_find_async                     (TileboxDataset       *self,
                                                                    const char           *id,
                                                                    gboolean              skip_data,
                                                                    GCancellable         *cancellable,
                                                                    GAsyncReadyCallback   callback,
                                                                    gpointer              user_data);
TILEBOX_AVAILABLE_IN_ALL
TileboxDatapoint   *tilebox_dataset_find_finish                    (TileboxDataset       *self,
                                                                    GAsyncResult         *result,
                                                                    GError              **error);

G_END_DECLS
