/* tilebox-time-interval-private.h
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "tilebox-time-interval.h"
#include "tilebox-messages-private.h"

G_BEGIN_DECLS

/* NULL when a bound is outside what GDateTime represents. */
TileboxTimeInterval *_tilebox_time_interval_new_from_pb (const TileboxPbTimeInterval *pb);
void _tilebox_time_interval_to_pb (const TileboxTimeInterval *self,
                                   TileboxPbTimeInterval     *pb);

/* Parses an ISO 8601 / RFC 3339 time or a date; naive times are UTC. The
 * result is in UTC. Fails with TILEBOX_ERROR_INVALID_ARGUMENT. */
GDateTime *_tilebox_date_time_parse (const char  *text,
                                     GError     **error);

G_END_DECLS
