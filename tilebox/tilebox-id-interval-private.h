/* tilebox-id-interval-private.h
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "tilebox-id-interval.h"
#include "tilebox-messages-private.h"

G_BEGIN_DECLS

void _tilebox_id_interval_to_pb (const TileboxIdInterval *self,
                                 TileboxPbIdInterval     *pb);

G_END_DECLS
