/* tilebox-datapoints.h
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(TILEBOX_INSIDE) && !defined(TILEBOX_COMPILATION)
#error "Only <tilebox.h> can be included directly."
#endif

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include "tilebox-version.h"
#include "tilebox-schema.h"

G_BEGIN_DECLS

#define TILEBOX_TYPE_DATAPOINT (tilebox_datapoint_get_type ())

TILEBOX_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (TileboxDatapoint, tilebox_datapoint, TILEBOX, DATAPOINT, GObject)

#define TILEBOX_TYPE_DATAPOINTS (tilebox_datapoints_get_type ())

TILEBOX_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (TileboxDatapoints, tilebox_datapoints, TILEBOX, DATAPOINTS, GObject)

TILEBOX_AVAILABLE_IN_ALL
const char        *tilebox_datapoint_get_id             (TileboxDatapoint  *self);
TILEBOX_AVAILABLE_IN_ALL
GDateTime         *tilebox_datapoint_get_time           (TileboxDatapoint  *self);
TILEBOX_AVAILABLE_IN_ALL
GDateTime         *tilebox_datapoint_get_ingestion_time (TileboxDatapoint  *self);
TILEBOX_AVAILABLE_IN_ALL
TileboxDatapoints *tilebox_datapoint_get_datapoints     (TileboxDatapoint  *self);
TILEBOX_AVAILABLE_IN_ALL
guint              tilebox_datapoint_get_index          (TileboxDatapoint  *self);
TILEBOX_AVAILABLE_IN_ALL
gboolean           tilebox_datapoint_has_field          (TileboxDatapoint  *self,
                                                         const char        *name);
TILEBOX_AVAILABLE_IN_ALL
GVariant          *tilebox_datapoint_get_field          (TileboxDatapoint  *self,
                                                         const char        *name);
TILEBOX_AVAILABLE_IN_ALL
GVariant          *tilebox_datapoint_to_variant         (TileboxDatapoint  *self);
TILEBOX_AVAILABLE_IN_ALL
JsonNode          *tilebox_datapoint_to_json            (TileboxDatapoint  *self);

TILEBOX_AVAILABLE_IN_ALL
guint              tilebox_datapoints_get_n_rows        (TileboxDatapoints *self);
TILEBOX_AVAILABLE_IN_ALL
TileboxSchema     *tilebox_datapoints_get_schema        (TileboxDatapoints *self);
TILEBOX_AVAILABLE_IN_ALL
TileboxDatapoint  *tilebox_datapoints_get_datapoint     (TileboxDatapoints *self,
                                                         guint              index);
TILEBOX_AVAILABLE_IN_ALL
char             **tilebox_datapoints_get_ids           (TileboxDatapoints *self);
TILEBOX_AVAILABLE_IN_ALL
GVariant          *tilebox_datapoints_get_column        (TileboxDatapoints *self,
                                                         const char        *name);
TILEBOX_AVAILABLE_IN_ALL
GVariant          *tilebox_datapoints_get_presence      (TileboxDatapoints *self,
                                                         const char        *name);
TILEBOX_AVAILABLE_IN_ALL
JsonNode          *tilebox_datapoints_to_json           (TileboxDatapoints *self);

G_END_DECLS
