/* tilebox-client-private.h
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "tilebox-client.h"
#include "tilebox-rpc-private.h"

G_BEGIN_DECLS

#define TILEBOX_DATASET_SERVICE "datasets.v1.DatasetService"
#define TILEBOX_COLLECTION_SERVICE "datasets.v1.CollectionService"
#define TILEBOX_DATA_ACCESS_SERVICE "datasets.v1.DataAccessService"
#define TILEBOX_DATA_INGESTION_SERVICE "datasets.v1.DataIngestionService"

TileboxRpc *_tilebox_client_get_rpc (TileboxClient *self);

G_END_DECLS
