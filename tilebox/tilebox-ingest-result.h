/* tilebox-ingest-result.h
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

/**
 * TILEBOX_INGEST_MAX_DATAPOINTS:
 *
 * The most datapoints the service takes in one ingest or delete request.
 * Larger inputs are split into requests of at most this many datapoints.
 */
#define TILEBOX_INGEST_MAX_DATAPOINTS 8192

#define TILEBOX_TYPE_INGEST_RESULT (tilebox_ingest_result_get_type ())

TILEBOX_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (TileboxIngestResult, tilebox_ingest_result, TILEBOX, INGEST_RESULT, GObject)

TILEBOX_AVAILABLE_IN_ALL
const char * const *tilebox_ingest_result_get_ids          (TileboxIngestResult *self);
TILEBOX_AVAILABLE_IN_ALL
guint               tilebox_ingest_result_get_n_datapoints (TileboxIngestResult *self);
TILEBOX_AVAILABLE_IN_ALL
guint64             tilebox_ingest_result_get_n_created    (TileboxIngestResult *self);
TILEBOX_AVAILABLE_IN_ALL
guint64             tilebox_ingest_result_get_n_existing   (TileboxIngestResult *self);

G_END_DECLS
