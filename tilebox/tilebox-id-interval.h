/* tilebox-id-interval.h
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

#define TILEBOX_TYPE_ID_INTERVAL (tilebox_id_interval_get_type ())

typedef struct _TileboxIdInterval TileboxIdInterval;

TILEBOX_AVAILABLE_IN_ALL
GType              tilebox_id_interval_get_type            (void) G_GNUC_CONST;
TILEBOX_AVAILABLE_IN_ALL
TileboxIdInterval *tilebox_id_interval_new                 (const char              *start_id,
                                                            const char              *end_id,
                                                            GError                 **error);
TILEBOX_AVAILABLE_IN_ALL
TileboxIdInterval *tilebox_id_interval_new_full            (const char              *start_id,
                                                            const char              *end_id,
                                                            gboolean                 start_exclusive,
                                                            gboolean                 end_inclusive,
                                                            GError                 **error);
TILEBOX_AVAILABLE_IN_ALL
TileboxIdInterval *tilebox_id_interval_ref                 (TileboxIdInterval       *self);
TILEBOX_AVAILABLE_IN_ALL
void               tilebox_id_interval_unref               (TileboxIdInterval       *self);
TILEBOX_AVAILABLE_IN_ALL
const char        *tilebox_id_interval_get_start_id        (const TileboxIdInterval *self);
TILEBOX_AVAILABLE_IN_ALL
const char        *tilebox_id_interval_get_end_id          (const TileboxIdInterval *self);
TILEBOX_AVAILABLE_IN_ALL
gboolean           tilebox_id_interval_get_start_exclusive (const TileboxIdInterval *self);
TILEBOX_AVAILABLE_IN_ALL
gboolean           tilebox_id_interval_get_end_inclusive   (const TileboxIdInterval *self);
TILEBOX_AVAILABLE_IN_ALL
gboolean           tilebox_id_interval_equal               (const TileboxIdInterval *a,
                                                            const TileboxIdInterval *b);
TILEBOX_AVAILABLE_IN_ALL
char              *tilebox_id_interval_to_string           (const TileboxIdInterval *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TileboxIdInterval, tilebox_id_interval_unref)

G_END_DECLS
