/* tilebox-field-spec-private.h
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "tilebox-field-spec.h"
#include "tilebox-messages-private.h"

G_BEGIN_DECLS

/* Builds the DatasetType of a CreateDataset or UpdateDataset request: the
 * fields every dataset of `kind` has (time, id, ingestion_time, and geometry
 * when spatiotemporal), then the n_fields `fields` (NULL when none) in
 * their order, numbered from 1 in that order. Each field's descriptor is a
 * serialized google.protobuf.FieldDescriptorProto.
 *
 * Checks what the service would refuse, so that nothing is sent for a
 * request that cannot succeed: the kind, identifier field names, unique
 * names, names reserved by the kind, known enumerations. Fails with
 * TILEBOX_ERROR_INVALID_ARGUMENT saying what to fix; `type` is then
 * untouched. Clear `type` with _tilebox_pb_dataset_type_clear (). */
gboolean _tilebox_field_specs_to_dataset_type (TileboxDatasetKind       kind,
                                               TileboxFieldSpec *const *fields,
                                               gsize                    n_fields,
                                               TileboxPbDatasetType    *type,
                                               GError                 **error);

G_END_DECLS
