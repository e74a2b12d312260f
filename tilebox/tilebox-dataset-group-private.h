/* tilebox-dataset-group-private.h
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "tilebox-dataset-group.h"
#include "tilebox-messages-private.h"

G_BEGIN_DECLS

TileboxDatasetGroup *_tilebox_dataset_group_new_from_pb (const TileboxPbDatasetGroup *pb);
/* Resolves every group's parent id in `groups` (id → group). */
void _tilebox_dataset_group_link_parents (GHashTable *groups);

G_END_DECLS
