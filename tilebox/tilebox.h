/* tilebox.h: the one header of libtilebox
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#define TILEBOX_INSIDE

#include "tilebox-version.h"
#include "tilebox-types.h"
#include "tilebox-enum-types.h"
#include "tilebox-error.h"
#include "tilebox-time-interval.h"
#include "tilebox-id-interval.h"
#include "tilebox-filter.h"
#include "tilebox-query.h"
#include "tilebox-schema.h"
#include "tilebox-field-spec.h"
#include "tilebox-datapoints.h"
#include "tilebox-query-cursor.h"
#include "tilebox-ingest-result.h"
#include "tilebox-dataset-group.h"
#include "tilebox-collection.h"
#include "tilebox-dataset.h"
#include "tilebox-client.h"

#undef TILEBOX_INSIDE
