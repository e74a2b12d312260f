/* tilebox-schema.h
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(TILEBOX_INSIDE) && !defined(TILEBOX_COMPILATION)
#error "Only <tilebox.h> can be included directly."
#endif

#include <gio/gio.h>
#include "tilebox-version.h"
#include "tilebox-types.h"

G_BEGIN_DECLS

#define TILEBOX_TYPE_FIELD (tilebox_field_get_type ())

TILEBOX_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (TileboxField, tilebox_field, TILEBOX, FIELD, GObject)

TILEBOX_AVAILABLE_IN_ALL
const char       *tilebox_field_get_name          (TileboxField *self);
TILEBOX_AVAILABLE_IN_ALL
guint             tilebox_field_get_number        (TileboxField *self);
TILEBOX_AVAILABLE_IN_ALL
TileboxFieldType  tilebox_field_get_field_type    (TileboxField *self);
TILEBOX_AVAILABLE_IN_ALL
const char       *tilebox_field_get_type_name     (TileboxField *self);
TILEBOX_AVAILABLE_IN_ALL
gboolean          tilebox_field_get_repeated      (TileboxField *self);
TILEBOX_AVAILABLE_IN_ALL
const char       *tilebox_field_get_description   (TileboxField *self);
TILEBOX_AVAILABLE_IN_ALL
const char       *tilebox_field_get_example_value (TileboxField *self);
TILEBOX_AVAILABLE_IN_ALL
gboolean          tilebox_field_get_queryable     (TileboxField *self);

#define TILEBOX_TYPE_SCHEMA (tilebox_schema_get_type ())

TILEBOX_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (TileboxSchema, tilebox_schema, TILEBOX, SCHEMA, GObject)

TILEBOX_AVAILABLE_IN_ALL
const char   *tilebox_schema_get_type_url   (TileboxSchema *self);
TILEBOX_AVAILABLE_IN_ALL
guint         tilebox_schema_get_n_fields   (TileboxSchema *self);
TILEBOX_AVAILABLE_IN_ALL
TileboxField *tilebox_schema_get_field      (TileboxSchema *self,
                                             guint          index);
TILEBOX_AVAILABLE_IN_ALL
TileboxField *tilebox_schema_lookup_field   (TileboxSchema *self,
                                             const char    *name);
TILEBOX_AVAILABLE_IN_ALL
GPtrArray    *tilebox_schema_get_fields     (TileboxSchema *self);

G_END_DECLS
