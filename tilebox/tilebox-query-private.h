/* tilebox-query-private.h
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "tilebox-query.h"
#include "tilebox-schema.h"
#include "tilebox-messages-private.h"

G_BEGIN_DECLS

/* The filters and flags of a QueryRequest, without collections or page,
 * with the field filters checked against the dataset's schema. Fails with
 * TILEBOX_ERROR_INVALID_ARGUMENT when the query has no interval, or a
 * filter does not fit the schema or the service's limits. */
gboolean _tilebox_query_to_pb (TileboxQuery           *self,
                               TileboxSchema          *schema,
                               TileboxPbQueryRequest  *request,
                               GError                **error);

void _tilebox_query_emit_progress (TileboxQuery *self,
                                   guint64       datapoints,
                                   guint         pages,
                                   guint64       bytes,
                                   double        fraction);
void _tilebox_query_get_span_ms (TileboxQuery *self,
                                 gint64       *start_ms,
                                 gint64       *end_ms);

G_END_DECLS
