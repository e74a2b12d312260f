/* tilebox-util-private.h: small shared helpers (internal)
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>
#include "tilebox-messages-private.h"

G_BEGIN_DECLS

/* Binds the translation domain once. */
void _tilebox_init_i18n (void);

/* A double in the shortest form that reads back to the same value
 * ("0.1", "1e+19", "nan"), C locale; written into and returning `buf`. */
const char *_tilebox_format_double (char   buf[G_ASCII_DTOSTR_BUF_SIZE],
                                    double d);

/* "0194 1f29-c650-…": 36 lowercase hex chars and dashes. */
char *_tilebox_uuid_to_string (const guint8 uuid[16]);
/* Accepts canonical UUIDs in any case; fails with TILEBOX_ERROR_INVALID_ARGUMENT
 * naming `what` ("dataset id", ...). */
gboolean _tilebox_uuid_parse (const char *str,
                              guint8      uuid[16],
                              const char *what,
                              GError    **error);
/* The first 48 bits of a datapoint id: its time in milliseconds. */
static inline gint64
_tilebox_uuid_time_ms (const guint8 uuid[16])
{
  gint64 ms = 0;

  for (guint i = 0; i < 6; i++)
    ms = ms << 8 | uuid[i];
  return ms;
}

/* Formats a set id, or returns NULL for an unset one. */
char *_tilebox_pb_id_to_string (const TileboxPbId *id);

/* GDateTime to and from microseconds since the epoch (GLib 2.74 has
 * neither g_date_time_to_unix_usec () nor its counterpart). The result of
 * the latter is in UTC, NULL out of GDateTime's range. */
gint64 _tilebox_date_time_to_unix_usec (GDateTime *dt);
GDateTime *_tilebox_date_time_new_from_unix_usec (gint64 usec);

GDateTime *_tilebox_timestamp_to_date_time (const TileboxPbTimestamp *ts);
void _tilebox_timestamp_from_date_time (TileboxPbTimestamp *ts,
                                        GDateTime          *dt);

/* A dataset slug is dot-separated identifiers: [a-z0-9_-]+ (a.b.c). */
gboolean _tilebox_slug_validate (const char *slug,
                                 GError    **error);
/* Collection and dataset names: non-empty valid UTF-8 without control characters. */
gboolean _tilebox_name_validate (const char *name,
                                 const char *what,
                                 GError    **error);

G_END_DECLS
