/* tilebox-test-recordings.h: reading the recorded responses of the real service
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The recordings live outside the project, in
 * $TILEBOX_RECORDINGS_DIR/go/ (by default ../shared/fixtures/tilebox-recordings
 * beside the source tree), and are read at run time only. Each file holds
 * calls as: little-endian int64 HTTP status, little-endian uint64 body
 * length, the gzip-compressed body.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  TILEBOX_TEST_RECORDING_GZIP = 0,      /* bodies as recorded */
  TILEBOX_TEST_RECORDING_GUNZIP = 1 << 0, /* bodies decompressed */
  TILEBOX_TEST_RECORDING_OPTIONAL = 1 << 1, /* absent: no skip, just NULL */
} TileboxTestRecordingFlags;

/* The bodies (GBytes) of the recorded calls of `name` (e.g.
 * "datasets.rpcs.bin"), all of them HTTP 200; NULL when the recording is
 * absent, and then the running test is skipped unless OPTIONAL. */
GPtrArray *tilebox_test_load_recording (const char                *name,
                                        TileboxTestRecordingFlags  flags);

G_END_DECLS
