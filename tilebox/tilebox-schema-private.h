/* tilebox-schema-private.h
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "tilebox-schema.h"
#include "tilebox-messages-private.h"
#include "tilebox-descriptor-private.h"

G_BEGIN_DECLS

/* Builds the schema of a dataset's AnnotatedType. Fails with
 * TILEBOX_ERROR_PROTOCOL when the descriptors are malformed or do not hold
 * the type. */
TileboxSchema *_tilebox_schema_new_from_pb (const TileboxPbAnnotatedType *type,
                                            GError                      **error);
TileboxDescPool *_tilebox_schema_get_pool (TileboxSchema *self);
const TileboxDescMessage *_tilebox_schema_get_message (TileboxSchema *self);

G_END_DECLS
