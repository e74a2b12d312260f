/* tilebox-collection-private.h
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "tilebox-collection.h"
#include "tilebox-messages-private.h"

G_BEGIN_DECLS

TileboxCollection *_tilebox_collection_new_from_pb (TileboxDataset                *dataset,
                                                    const TileboxPbCollectionInfo *pb);
void _tilebox_collection_get_pb_id (TileboxCollection *self,
                                    TileboxPbId       *id);

G_END_DECLS
