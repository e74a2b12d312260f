/* tilebox-client.h
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
#include "tilebox-dataset.h"
#include "tilebox-dataset-group.h"
#include "tilebox-field-spec.h"

G_BEGIN_DECLS

/**
 * TILEBOX_DEFAULT_URL:
 *
 * The URL of the Tilebox service that [ctor@Tilebox.Client.new] uses.
 */
#define TILEBOX_DEFAULT_URL "https://api.tilebox.com"

#define TILEBOX_TYPE_CLIENT (tilebox_client_get_type ())

TILEBOX_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (TileboxClient, tilebox_client, TILEBOX, CLIENT, GObject)

TILEBOX_AVAILABLE_IN_ALL
TileboxClient  *tilebox_client_new                        (void);
TILEBOX_AVAILABLE_IN_ALL
TileboxClient  *tilebox_client_new_for_url                (const char           *url,
                                                           const char           *api_key,
                                                           GError              **error);
TILEBOX_AVAILABLE_IN_ALL
const char     *tilebox_client_get_url                    (TileboxClient        *self);
TILEBOX_AVAILABLE_IN_ALL
const char     *tilebox_client_get_user_agent             (TileboxClient        *self);
TILEBOX_AVAILABLE_IN_ALL
gboolean        tilebox_client_get_anonymous              (TileboxClient        *self);
TILEBOX_AVAILABLE_IN_ALL
guint           tilebox_client_get_timeout                (TileboxClient        *self);
TILEBOX_AVAILABLE_IN_ALL
void            tilebox_client_set_timeout                (TileboxClient        *self,
                                                           guint                 timeout);
TILEBOX_AVAILABLE_IN_ALL
guint           tilebox_client_get_max_retries            (TileboxClient        *self);
TILEBOX_AVAILABLE_IN_ALL
void            tilebox_client_set_max_retries            (TileboxClient        *self,
                                                           guint                 max_retries);

TILEBOX_AVAILABLE_IN_ALL
GPtrArray      *tilebox_client_list_datasets              (TileboxClient        *self,
                                                           GCancellable         *cancellable,
                                                           GError              **error);
TILEBOX_AVAILABLE_IN_ALL
void            tilebox_client_list_datasets_async        (TileboxClient        *self,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
TILEBOX_AVAILABLE_IN_ALL
GPtrArray      *tilebox_client_list_datasets_finish       (TileboxClient        *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);

TILEBOX_AVAILABLE_IN_ALL
GPtrArray      *tilebox_client_list_dataset_groups        (TileboxClient        *self,
                                                           GCancellable         *cancellable,
                                                           GError              **error);
TILEBOX_AVAILABLE_IN_ALL
void            tilebox_client_list_dataset_groups_async  (TileboxClient        *self,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
TILEBOX_AVAILABLE_IN_ALL
GPtrArray      *tilebox_client_list_dataset_groups_finish (TileboxClient        *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);

TILEBOX_AVAILABLE_IN_ALL
TileboxDataset *tilebox_client_get_dataset                (TileboxClient        *self,
                                                           const char           *slug,
                                                           GCancellable         *cancellable,
                                                           GError              **error);
TILEBOX_AVAILABLE_IN_ALL
void            tilebox_client_get_dataset_async          (TileboxClient        *self,
                                                           const char           *slug,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
TILEBOX_AVAILABLE_IN_ALL
TileboxDataset *tilebox_client_get_dataset_finish         (TileboxClient        *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);

TILEBOX_AVAILABLE_IN_ALL
TileboxDataset *tilebox_client_get_dataset_by_id          (TileboxClient        *self,
                                                           const char           *id,
                                                           GCancellable         *cancellable,
                                                           GError              **error);
TILEBOX_AVAILABLE_IN_ALL
void            tilebox_client_get_dataset_by_id_async    (TileboxClient        *self,
                                                           const char           *id,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
TILEBOX_AVAILABLE_IN_ALL
TileboxDataset *tilebox_client_get_dataset_by_id_finish   (TileboxClient        *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);

TILEBOX_AVAILABLE_IN_ALL
TileboxDataset *tilebox_client_create_dataset             (TileboxClient        *self,
                                                           const char           *name,
                                                           TileboxDatasetKind    kind,
                                                           TileboxFieldSpec    **fields,
                                                           gsize                 n_fields,
                                                           const char           *code_name,
                                                           const char           *summary,
                                                           GCancellable         *cancellable,
                                                           GError              **error);
TILEBOX_AVAILABLE_IN_ALL
void            tilebox_client_create_dataset_async       (TileboxClient        *self,
                                                           const char           *name,
                                                           TileboxDatasetKind    kind,
                                                           TileboxFieldSpec    **fields,
                                                           gsize                 n_fields,
                                                           const char           *code_name,
                                                           const char           *summary,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
TILEBOX_AVAILABLE_IN_ALL
TileboxDataset *tilebox_client_create_dataset_finish      (TileboxClient        *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);

TILEBOX_AVAILABLE_IN_ALL
TileboxDataset *tilebox_client_update_dataset             (TileboxClient        *self,
                                                           TileboxDataset       *dataset,
                                                           const char           *name,
                                                           TileboxFieldSpec    **fields,
                                                           gsize                 n_fields,
                                                           const char           *summary,
                                                           GCancellable         *cancellable,
                                                           GError              **error);
TILEBOX_AVAILABLE_IN_ALL
void            tilebox_client_update_dataset_async       (TileboxClient        *self,
                                                           TileboxDataset       *dataset,
                                                           const char           *name,
                                                           TileboxFieldSpec    **fields,
                                                           gsize                 n_fields,
                                                           const char           *summary,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
TILEBOX_AVAILABLE_IN_ALL
TileboxDataset *tilebox_client_update_dataset_finish      (TileboxClient        *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);

TILEBOX_AVAILABLE_IN_ALL
gboolean        tilebox_client_delete_dataset             (TileboxClient        *self,
                                                           TileboxDataset       *dataset,
                                                           GCancellable         *cancellable,
                                                           GError              **error);
TILEBOX_AVAILABLE_IN_ALL
void            tilebox_client_delete_dataset_async       (TileboxClient        *self,
                                                           TileboxDataset       *dataset,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
TILEBOX_AVAILABLE_IN_ALL
gboolean        tilebox_client_delete_dataset_finish      (TileboxClient        *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);

G_END_DECLS
