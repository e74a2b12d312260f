/* tilebox-field-spec.h
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

#define TILEBOX_TYPE_FIELD_SPEC (tilebox_field_spec_get_type ())

typedef struct _TileboxFieldSpec TileboxFieldSpec;

TILEBOX_AVAILABLE_IN_ALL
GType             tilebox_field_spec_get_type          (void) G_GNUC_CONST;
TILEBOX_AVAILABLE_IN_ALL
TileboxFieldSpec *tilebox_field_spec_new               (const char             *name,
                                                        TileboxFieldType        type);
TILEBOX_AVAILABLE_IN_ALL
TileboxFieldSpec *tilebox_field_spec_new_enum          (const char             *name,
                                                        const char             *enum_name);
TILEBOX_AVAILABLE_IN_ALL
TileboxFieldSpec *tilebox_field_spec_ref               (TileboxFieldSpec       *self);
TILEBOX_AVAILABLE_IN_ALL
void              tilebox_field_spec_unref             (TileboxFieldSpec       *self);
TILEBOX_AVAILABLE_IN_ALL
const char       *tilebox_field_spec_get_name          (const TileboxFieldSpec *self);
TILEBOX_AVAILABLE_IN_ALL
TileboxFieldType  tilebox_field_spec_get_field_type    (const TileboxFieldSpec *self);
TILEBOX_AVAILABLE_IN_ALL
const char       *tilebox_field_spec_get_type_name     (const TileboxFieldSpec *self);
TILEBOX_AVAILABLE_IN_ALL
gboolean          tilebox_field_spec_get_repeated      (const TileboxFieldSpec *self);
TILEBOX_AVAILABLE_IN_ALL
void              tilebox_field_spec_set_repeated      (TileboxFieldSpec       *self,
                                                        gboolean                repeated);
TILEBOX_AVAILABLE_IN_ALL
const char       *tilebox_field_spec_get_description   (const TileboxFieldSpec *self);
TILEBOX_AVAILABLE_IN_ALL
void              tilebox_field_spec_set_description   (TileboxFieldSpec       *self,
                                                        const char             *description);
TILEBOX_AVAILABLE_IN_ALL
const char       *tilebox_field_spec_get_example_value (const TileboxFieldSpec *self);
TILEBOX_AVAILABLE_IN_ALL
void              tilebox_field_spec_set_example_value (TileboxFieldSpec       *self,
                                                        const char             *example_value);
TILEBOX_AVAILABLE_IN_ALL
gboolean          tilebox_field_spec_get_queryable     (const TileboxFieldSpec *self);
TILEBOX_AVAILABLE_IN_ALL
void              tilebox_field_spec_set_queryable     (TileboxFieldSpec       *self,
                                                        gboolean                queryable);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TileboxFieldSpec, tilebox_field_spec_unref)

G_END_DECLS
