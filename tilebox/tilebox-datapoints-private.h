/* tilebox-datapoints-private.h
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "tilebox-datapoints.h"
#include "tilebox-columns-private.h"

G_BEGIN_DECLS

/* The result object over decoded columns (referenced, not copied). */
TileboxDatapoints *_tilebox_datapoints_new (TileboxSchema  *schema,
                                            TileboxColumns *columns);
TileboxColumns *_tilebox_datapoints_get_columns (TileboxDatapoints *self);

G_END_DECLS
