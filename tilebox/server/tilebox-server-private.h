/* tilebox-server-private.h: the local Tilebox server (internal)
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A SoupServer speaking the Connect protocol (unary, application/proto)
 * of the Tilebox datasets service, backed by a TileboxStore. It serves the
 * tilebox-server program and, in process, the test suites.
 *
 * The server handles its requests on the GMainContext that was the
 * thread-default one when _tilebox_server_listen() was called. The setters
 * marked thread-safe and the request statistics may be used from any
 * thread; everything else belongs to the thread that created the server
 * (before listening) and then to the serving thread.
 */

#pragma once

#include <glib.h>
#include "tilebox-store-private.h"

G_BEGIN_DECLS

typedef struct _TileboxServer TileboxServer;

/* db_path NULL: an in-memory database. */
TileboxServer *_tilebox_server_new (const char *db_path,
                                    GError    **error);
TileboxServer *_tilebox_server_ref (TileboxServer *self);
/* The last unref stops listening and closes the database. */
void _tilebox_server_unref (TileboxServer *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TileboxServer, _tilebox_server_unref)

/* Loads the demo catalogue (see tilebox-demo-private.h). Does nothing when
 * the database holds it already (a persistent --db). */
gboolean _tilebox_server_load_demo (TileboxServer *self,
                                    GError       **error);

/* Thread-safe. NULL or "": no key, every call is allowed. */
void _tilebox_server_set_api_key (TileboxServer *self,
                                  const char    *key);
/* Logs each request to stderr. Before listening. */
void _tilebox_server_set_verbose (TileboxServer *self,
                                  gboolean       verbose);
/* Thread-safe: every later response is delayed by ms. */
void _tilebox_server_set_latency_ms (TileboxServer *self,
                                     guint          ms);

/* The default and maximum number of datapoints in a page of a Query. */
#define TILEBOX_SERVER_DEFAULT_MAX_PAGE_SIZE 1000

/* Thread-safe: the page size of Query calls that ask for none, and the
 * largest a client may ask for (larger limits are clamped to it). 0 sets
 * the default, TILEBOX_SERVER_DEFAULT_MAX_PAGE_SIZE. */
void _tilebox_server_set_max_page_size (TileboxServer *self,
                                        guint          size);
guint _tilebox_server_get_max_page_size (TileboxServer *self);

/* Listens on 127.0.0.1:port (0: any free port) and serves on the
 * thread-default main context of the calling thread. */
gboolean _tilebox_server_listen (TileboxServer *self,
                                 guint16        port,
                                 GError       **error);
/* For a clean stop, on the serving thread: from now on new requests are
 * answered 503 (unavailable, with Connection: close), and the requests
 * read already are let finish, their responses written, iterating the
 * serving context for at most timeout_ms. Returns whether they all
 * finished. Disconnect afterwards. */
gboolean _tilebox_server_drain (TileboxServer *self,
                                guint          timeout_ms);
/* Stops listening and drops open connections; call on the serving thread. */
void _tilebox_server_disconnect (TileboxServer *self);
/* 0 before listening. */
guint16 _tilebox_server_get_port (TileboxServer *self);
/* "http://127.0.0.1:PORT", or NULL before listening. */
char *_tilebox_server_dup_url (TileboxServer *self);

/* Thread-safe fault injection: the next n requests are answered with
 * http_status; with connect_code non-NULL the body is a Connect JSON error
 * with that code, else a plain text body; retry_after_s > 0 adds a
 * Retry-After header. n = 0 cancels pending faults. */
void _tilebox_server_fail_next (TileboxServer *self,
                                guint          n,
                                guint          http_status,
                                const char    *connect_code,
                                guint          retry_after_s);

/* What an injected fault does to a request. */
typedef enum {
  TILEBOX_SERVER_FAULT_NONE,
  /* answered with the fault status and a Connect error, not executed */
  TILEBOX_SERVER_FAULT_FAIL,
  /* executed (an Ingest is committed), then the response goes out with
   * its full Content-Length but only the first half of its body, and the
   * connection is closed: the client sees it end unexpectedly */
  TILEBOX_SERVER_FAULT_DROP,
  /* executed, then answered in full with the first half of the body: a
   * well-formed HTTP response whose message does not decode */
  TILEBOX_SERVER_FAULT_TRUNCATE,
} TileboxServerFault;

typedef struct {
  /* the next fail_first requests fail */
  guint fail_first;
  /* after those, each request fails, is dropped or is truncated with
   * these probabilities, independently of the others: ratios in 0..1
   * adding up to 1 at most */
  double fail_ratio;
  double drop_ratio;
  double truncate_ratio;
  /* of failing requests: 503 (Connect code unavailable) or 429
   * (resource_exhausted); 0 means 503 */
  guint fail_status;
  /* of the GRand drawing the ratio faults: the same seed gives the same
   * faults to the same sequence of requests */
  guint32 seed;
} TileboxServerFaults;

/* Thread-safe: replaces the fault configuration, and pending faults of
 * _tilebox_server_fail_next(); NULL (or all zero) injects none. Fails with
 * TILEBOX_ERROR_INVALID_ARGUMENT, changing nothing, for a ratio out of
 * range or a status other than 503 and 429. Faults apply to every request
 * the server receives, whatever its path. */
gboolean _tilebox_server_set_faults (TileboxServer             *self,
                                     const TileboxServerFaults *faults,
                                     GError                   **error);

/* Thread-safe request statistics: every request received counts, faults
 * and errors included. */
guint _tilebox_server_get_request_count (TileboxServer *self);
/* A header of the last request received, NULL when absent (several values
 * are joined with ", "). */
char *_tilebox_server_dup_last_request_header (TileboxServer *self,
                                               const char    *name);
/* The path of the last request, e.g. "/public/datasets.v1.DatasetService/ListDatasets". */
char *_tilebox_server_dup_last_request_path (TileboxServer *self);

/* The store, for in-process tests that seed data directly. Lock the server
 * around any use while it is serving. */
TileboxStore *_tilebox_server_get_store (TileboxServer *self);
void _tilebox_server_lock (TileboxServer *self);
void _tilebox_server_unlock (TileboxServer *self);

/* Test helper: a new server (the demo loaded if demo) serving on its own
 * thread with its own main context on a free port of 127.0.0.1. Returns
 * once the server accepts connections. */
typedef struct _TileboxServerThread TileboxServerThread;

TileboxServerThread *_tilebox_server_thread_start (gboolean demo,
                                                   GError **error);
TileboxServer *_tilebox_server_thread_get_server (TileboxServerThread *thread);
const char *_tilebox_server_thread_get_url (TileboxServerThread *thread);
/* Stops the loop, joins the thread and frees everything. */
void _tilebox_server_thread_stop (TileboxServerThread *thread);

G_END_DECLS
