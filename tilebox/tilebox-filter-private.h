/* tilebox-filter-private.h
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "tilebox-filter.h"
#include "tilebox-schema.h"
#include "tilebox-messages-private.h"

G_BEGIN_DECLS

/* The filter on the wire, each field checked against the schema (exists,
 * queryable, not repeated) and each value converted to what its field
 * holds; NULL with TILEBOX_ERROR_INVALID_ARGUMENT naming the field. */
TileboxPbExpression *_tilebox_filter_to_pb (const TileboxFilter  *self,
                                            TileboxSchema        *schema,
                                            GError              **error);
/* Nodes in the tree, and its depth (a lone comparison has depth 1). */
guint _tilebox_filter_get_n_nodes (const TileboxFilter *self);
guint _tilebox_filter_get_depth (const TileboxFilter *self);

G_END_DECLS
