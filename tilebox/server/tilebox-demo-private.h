/* tilebox-demo-private.h: the demo catalogue of the local server (internal)
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The demo catalogue is shaped like the real open-data catalogue:
 *
 *   open_data ("Open data")
 *     copernicus ("Copernicus")
 *       sentinel2_msi   spatiotemporal, public: S2A_S2MSI1C (3000 datapoints),
 *                       S2B_S2MSI1C (1800), S2A_S2MSI2A (900), S2C_S2MSI2A (300)
 *     asf ("Alaska Satellite Facility")
 *       ers_sar         spatiotemporal, public: ERS-1 (600), ERS-2 (400)
 *   demo ("Demo")
 *     weather_stations  temporal, public: berlin (500), munich (250)
 *
 * Everything is deterministic: ids of groups, datasets and collections are
 * derived from their names, datapoints from a fixed seed. Datapoint times
 * lie in 2025, strictly increasing within a collection; datapoint ids are
 * derived as Ingest derives them (_tilebox_store_derive_datapoint_id ()).
 */

#pragma once

#include <glib.h>
#include "tilebox-store-private.h"
#include "tilebox-descriptor-private.h"

G_BEGIN_DECLS

#define TILEBOX_DEMO_SENTINEL2_SLUG "open_data.copernicus.sentinel2_msi"
#define TILEBOX_DEMO_ERS_SLUG "open_data.asf.ers_sar"
#define TILEBOX_DEMO_WEATHER_SLUG "demo.weather_stations"

/* dataset kinds, visibility and permissions of datasets.v1 */
#define TILEBOX_DATASET_KIND_TEMPORAL 1
#define TILEBOX_DATASET_KIND_SPATIOTEMPORAL 2
#define TILEBOX_VISIBILITY_PRIVATE 1
#define TILEBOX_VISIBILITY_PUBLIC 3
#define TILEBOX_PERMISSION_ACCESS_DATA 1
#define TILEBOX_PERMISSION_WRITE_DATA 2
#define TILEBOX_PERMISSION_EDIT 3

typedef struct {
  const char *dataset_slug;
  const char *name;
  guint count;
} TileboxDemoCollection;

/* The demo collections, in load order, terminated by a zeroed entry. */
const TileboxDemoCollection *_tilebox_demo_get_collections (void);

/* Loads the demo into the store in one transaction, so that it is there
 * completely or not at all; does nothing when the demo datasets exist
 * already. */
gboolean _tilebox_demo_load (TileboxStore *store,
                             GError      **error);

/* Adds a collection of n_datapoints (> 0) generated datapoints to the demo
 * dataset with slug dataset_slug (one of the TILEBOX_DEMO_*_SLUG, loaded
 * already), in one transaction. Its datapoints are generated like those of
 * the demo collections of that dataset and spread over 2025; ids are
 * derived from the dataset slug and name, so the same call gives the same
 * collection. NOT_FOUND without the dataset, ALREADY_EXISTS for a name in
 * use. */
gboolean _tilebox_demo_add_collection (TileboxStore *store,
                                       const char   *dataset_slug,
                                       const char   *name,
                                       guint         n_datapoints,
                                       GError      **error);

/* "sentinel2_msi" -> "Sentinel2Msi" */
char *_tilebox_demo_camel_case (const char *code_name);

/* Fills `type` (zeroed) with a dataset type in package datasets.v1.local,
 * message CamelCase(code_name), file datasets/v1/local/<code_name>.proto,
 * fields numbered 1..n. annotations has n_fields entries (entries or their
 * strings may be NULL). */
void _tilebox_demo_build_type (TileboxPbAnnotatedType            *type,
                               const char                        *code_name,
                               gint                               kind,
                               const TileboxDescFieldSpec        *fields,
                               const TileboxPbFieldAnnotation *const *annotations,
                               gsize                              n_fields);

G_END_DECLS
