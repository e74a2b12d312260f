/* tilebox-filter.h
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
#include "tilebox-types.h"

G_BEGIN_DECLS

#define TILEBOX_TYPE_FILTER (tilebox_filter_get_type ())

typedef struct _TileboxFilter TileboxFilter;

TILEBOX_AVAILABLE_IN_ALL
GType              tilebox_filter_get_type        (void) G_GNUC_CONST;
TILEBOX_AVAILABLE_IN_ALL
TileboxFilter     *tilebox_filter_new_compare     (const char           *field,
                                                   TileboxFilterOp       op,
                                                   GVariant             *value);
TILEBOX_AVAILABLE_IN_ALL
TileboxFilter     *tilebox_filter_new_is_null     (const char           *field);
TILEBOX_AVAILABLE_IN_ALL
TileboxFilter     *tilebox_filter_new_and         (TileboxFilter       **operands,
                                                   gsize                 n_operands);
TILEBOX_AVAILABLE_IN_ALL
TileboxFilter     *tilebox_filter_new_or          (TileboxFilter       **operands,
                                                   gsize                 n_operands);
TILEBOX_AVAILABLE_IN_ALL
TileboxFilter     *tilebox_filter_new_not         (TileboxFilter        *operand);
TILEBOX_AVAILABLE_IN_ALL
TileboxFilter     *tilebox_filter_new_parse       (const char           *text,
                                                   GError              **error);
TILEBOX_AVAILABLE_IN_ALL
TileboxFilter     *tilebox_filter_ref             (TileboxFilter        *self);
TILEBOX_AVAILABLE_IN_ALL
void               tilebox_filter_unref           (TileboxFilter        *self);
TILEBOX_AVAILABLE_IN_ALL
TileboxFilterKind  tilebox_filter_get_kind        (const TileboxFilter  *self);
TILEBOX_AVAILABLE_IN_ALL
const char        *tilebox_filter_get_field       (const TileboxFilter  *self);
TILEBOX_AVAILABLE_IN_ALL
TileboxFilterOp    tilebox_filter_get_op          (const TileboxFilter  *self);
TILEBOX_AVAILABLE_IN_ALL
GVariant          *tilebox_filter_get_value       (const TileboxFilter  *self);
TILEBOX_AVAILABLE_IN_ALL
guint              tilebox_filter_get_n_operands  (const TileboxFilter  *self);
TILEBOX_AVAILABLE_IN_ALL
TileboxFilter     *tilebox_filter_get_operand     (const TileboxFilter  *self,
                                                   guint                 index);
TILEBOX_AVAILABLE_IN_ALL
gboolean           tilebox_filter_equal           (const TileboxFilter  *a,
                                                   const TileboxFilter  *b);
TILEBOX_AVAILABLE_IN_ALL
char              *tilebox_filter_to_string       (const TileboxFilter  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TileboxFilter, tilebox_filter_unref)

G_END_DECLS
