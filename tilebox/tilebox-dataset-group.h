/* tilebox-dataset-group.h
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(TILEBOX_INSIDE) && !defined(TILEBOX_COMPILATION)
#error "Only <tilebox.h> can be included directly."
#endif

#include <glib-object.h>
#include "tilebox-version.h"

G_BEGIN_DECLS

#define TILEBOX_TYPE_DATASET_GROUP (tilebox_dataset_group_get_type ())

TILEBOX_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (TileboxDatasetGroup, tilebox_dataset_group, TILEBOX, DATASET_GROUP, GObject)

TILEBOX_AVAILABLE_IN_ALL
const char          *tilebox_dataset_group_get_id        (TileboxDatasetGroup *self);
TILEBOX_AVAILABLE_IN_ALL
const char          *tilebox_dataset_group_get_parent_id (TileboxDatasetGroup *self);
TILEBOX_AVAILABLE_IN_ALL
TileboxDatasetGroup *tilebox_dataset_group_get_parent    (TileboxDatasetGroup *self);
TILEBOX_AVAILABLE_IN_ALL
const char          *tilebox_dataset_group_get_code_name (TileboxDatasetGroup *self);
TILEBOX_AVAILABLE_IN_ALL
const char          *tilebox_dataset_group_get_name      (TileboxDatasetGroup *self);
TILEBOX_AVAILABLE_IN_ALL
const char          *tilebox_dataset_group_get_icon      (TileboxDatasetGroup *self);

G_END_DECLS
