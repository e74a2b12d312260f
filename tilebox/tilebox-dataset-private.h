/* tilebox-dataset-private.h
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "tilebox-client.h"
#include "tilebox-dataset.h"
#include "tilebox-messages-private.h"

G_BEGIN_DECLS

/* groups: id → TileboxDatasetGroup, may be NULL. Fails when the dataset's
 * type cannot be read. */
TileboxDataset *_tilebox_dataset_new_from_pb (TileboxClient          *client,
                                              const TileboxPbDataset *pb,
                                              GHashTable             *groups,
                                              GError                **error);
TileboxClient *_tilebox_dataset_get_client (TileboxDataset *self);
/* The dataset id as bytes, for requests. */
void _tilebox_dataset_get_pb_id (TileboxDataset *self,
                                 TileboxPbId    *id);
/* Fails with TILEBOX_ERROR_NOT_FOUND when `collections`, all of the
 * dataset's, are none. */
gboolean _tilebox_dataset_check_has_collections (TileboxDataset  *self,
                                                 GPtrArray       *collections,
                                                 GError         **error);

G_END_DECLS
