/* tilebox-query.h
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
#include "tilebox-collection.h"
#include "tilebox-filter.h"
#include "tilebox-id-interval.h"
#include "tilebox-time-interval.h"

G_BEGIN_DECLS

/**
 * TILEBOX_QUERY_MAX_PARALLEL:
 *
 * The most parts a query's interval can be loaded in at once.
 */
#define TILEBOX_QUERY_MAX_PARALLEL 16

#define TILEBOX_TYPE_QUERY (tilebox_query_get_type ())

TILEBOX_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (TileboxQuery, tilebox_query, TILEBOX, QUERY, GObject)

TILEBOX_AVAILABLE_IN_ALL
TileboxQuery        *tilebox_query_new               (void);
TILEBOX_AVAILABLE_IN_ALL
TileboxTimeInterval *tilebox_query_get_time_interval (TileboxQuery        *self);
TILEBOX_AVAILABLE_IN_ALL
void                 tilebox_query_set_time_interval (TileboxQuery        *self,
                                                      TileboxTimeInterval *interval);
TILEBOX_AVAILABLE_IN_ALL
TileboxIdInterval   *tilebox_query_get_id_interval   (TileboxQuery        *self);
TILEBOX_AVAILABLE_IN_ALL
void                 tilebox_query_set_id_interval   (TileboxQuery        *self,
                                                      TileboxIdInterval   *interval);
TILEBOX_AVAILABLE_IN_ALL
gboolean             tilebox_query_get_skip_data     (TileboxQuery        *self);
TILEBOX_AVAILABLE_IN_ALL
void                 tilebox_query_set_skip_data     (TileboxQuery        *self,
                                                      gboolean             skip_data);
TILEBOX_AVAILABLE_IN_ALL
guint                tilebox_query_get_page_size     (TileboxQuery        *self);
TILEBOX_AVAILABLE_IN_ALL
void                 tilebox_query_set_page_size     (TileboxQuery        *self,
                                                      guint                page_size);
TILEBOX_AVAILABLE_IN_ALL
guint64              tilebox_query_get_limit         (TileboxQuery        *self);
TILEBOX_AVAILABLE_IN_ALL
void                 tilebox_query_set_limit         (TileboxQuery        *self,
                                                      guint64              limit);
TILEBOX_AVAILABLE_IN_ALL
guint                tilebox_query_get_max_parallel  (TileboxQuery        *self);
TILEBOX_AVAILABLE_IN_ALL
void                 tilebox_query_set_max_parallel  (TileboxQuery        *self,
                                                      guint                max_parallel);
TILEBOX_AVAILABLE_IN_ALL
void                 tilebox_query_add_filter        (TileboxQuery        *self,
                                                      TileboxFilter       *filter);
TILEBOX_AVAILABLE_IN_ALL
void                 tilebox_query_clear_filters     (TileboxQuery        *self);
TILEBOX_AVAILABLE_IN_ALL
GPtrArray           *tilebox_query_get_filters       (TileboxQuery        *self);
TILEBOX_AVAILABLE_IN_ALL
gboolean             tilebox_query_set_spatial_filter (TileboxQuery            *self,
                                                       GBytes                  *wkb,
                                                       TileboxSpatialMode       mode,
                                                       TileboxCoordinateSystem  coordinate_system,
                                                       GError                 **error);
TILEBOX_AVAILABLE_IN_ALL
gboolean             tilebox_query_set_spatial_filter_wkt (TileboxQuery            *self,
                                                           const char              *wkt,
                                                           TileboxSpatialMode       mode,
                                                           TileboxCoordinateSystem  coordinate_system,
                                                           GError                 **error);
TILEBOX_AVAILABLE_IN_ALL
gboolean             tilebox_query_set_spatial_filter_geojson (TileboxQuery            *self,
                                                               const char              *geojson,
                                                               TileboxSpatialMode       mode,
                                                               TileboxCoordinateSystem  coordinate_system,
                                                               GError                 **error);
TILEBOX_AVAILABLE_IN_ALL
void                 tilebox_query_clear_spatial_filter (TileboxQuery          *self);
TILEBOX_AVAILABLE_IN_ALL
GBytes              *tilebox_query_get_spatial_filter (TileboxQuery            *self,
                                                       TileboxSpatialMode      *mode,
                                                       TileboxCoordinateSystem *coordinate_system);
TILEBOX_AVAILABLE_IN_ALL
void                 tilebox_query_add_collection    (TileboxQuery        *self,
                                                      TileboxCollection   *collection);
TILEBOX_AVAILABLE_IN_ALL
GPtrArray           *tilebox_query_get_collections   (TileboxQuery        *self);

G_END_DECLS
