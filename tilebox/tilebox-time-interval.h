/* tilebox-time-interval.h
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

#define TILEBOX_TYPE_TIME_INTERVAL (tilebox_time_interval_get_type ())

typedef struct _TileboxTimeInterval TileboxTimeInterval;

TILEBOX_AVAILABLE_IN_ALL
GType                tilebox_time_interval_get_type            (void) G_GNUC_CONST;
TILEBOX_AVAILABLE_IN_ALL
TileboxTimeInterval *tilebox_time_interval_new                 (GDateTime                 *start,
                                                                GDateTime                 *end);
TILEBOX_AVAILABLE_IN_ALL
TileboxTimeInterval *tilebox_time_interval_new_full            (GDateTime                 *start,
                                                                GDateTime                 *end,
                                                                gboolean                   start_exclusive,
                                                                gboolean                   end_inclusive);
TILEBOX_AVAILABLE_IN_ALL
TileboxTimeInterval *tilebox_time_interval_new_point           (GDateTime                 *instant);
TILEBOX_AVAILABLE_IN_ALL
TileboxTimeInterval *tilebox_time_interval_new_parse           (const char                *start,
                                                                const char                *end,
                                                                GError                   **error);
TILEBOX_AVAILABLE_IN_ALL
TileboxTimeInterval *tilebox_time_interval_ref                 (TileboxTimeInterval       *self);
TILEBOX_AVAILABLE_IN_ALL
void                 tilebox_time_interval_unref               (TileboxTimeInterval       *self);
TILEBOX_AVAILABLE_IN_ALL
GDateTime           *tilebox_time_interval_get_start           (const TileboxTimeInterval *self);
TILEBOX_AVAILABLE_IN_ALL
GDateTime           *tilebox_time_interval_get_end             (const TileboxTimeInterval *self);
TILEBOX_AVAILABLE_IN_ALL
gboolean             tilebox_time_interval_get_start_exclusive (const TileboxTimeInterval *self);
TILEBOX_AVAILABLE_IN_ALL
gboolean             tilebox_time_interval_get_end_inclusive   (const TileboxTimeInterval *self);
TILEBOX_AVAILABLE_IN_ALL
gboolean             tilebox_time_interval_equal               (const TileboxTimeInterval *a,
                                                                const TileboxTimeInterval *b);
TILEBOX_AVAILABLE_IN_ALL
char                *tilebox_time_interval_to_string           (const TileboxTimeInterval *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TileboxTimeInterval, tilebox_time_interval_unref)

G_END_DECLS
