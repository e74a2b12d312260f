/* tilebox-rpc-private.h: the Connect transport over libsoup (internal)
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One request pipeline, two drivers. A call is: a serialized request
 * message, POSTed to {base}{prefix}/{service}/{method} with the Connect
 * unary protocol; the response checked, mapped to a GError when it is not
 * a success, and retried with jittered exponential backoff when the
 * service is unavailable or rate limiting; the body handed to a parse
 * function that turns it into the caller's result.
 *
 * The blocking driver sends with libsoup's blocking API and waits between
 * attempts on a condition the cancellable interrupts. The async driver
 * sends with libsoup's async API on the caller's thread-default main
 * context and waits between attempts on timeout sources there.
 */

#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct _TileboxRpc TileboxRpc;

/* Turns a successful response body into the result. Must return non-NULL
 * on success and NULL with error set on failure. */
typedef gpointer (*TileboxRpcParseFunc) (GBytes   *body,
                                         gpointer  parse_data,
                                         GError  **error);

#define TILEBOX_RPC_DEFAULT_MAX_RETRIES 4
#define TILEBOX_RPC_MAX_CONNS_PER_HOST 32

TileboxRpc  *_tilebox_rpc_new               (const char *base_url,
                                             const char *path_prefix,
                                             const char *api_key,
                                             const char *user_agent);
void         _tilebox_rpc_free              (TileboxRpc *rpc);
void         _tilebox_rpc_set_timeout       (TileboxRpc *rpc,
                                             guint       seconds);
void         _tilebox_rpc_set_max_retries   (TileboxRpc *rpc,
                                             guint       max_retries);
/* First backoff delay; the delay triples per attempt up to 5 s. */
void         _tilebox_rpc_set_retry_delay   (TileboxRpc *rpc,
                                             guint       initial_ms);
SoupSession *_tilebox_rpc_get_session       (TileboxRpc *rpc);

/* Blocking: returns the parsed result or NULL with error set. */
gpointer _tilebox_rpc_invoke        (TileboxRpc          *rpc,
                                     const char          *service,
                                     const char          *method,
                                     GByteArray          *request,
                                     TileboxRpcParseFunc  parse,
                                     gpointer             parse_data,
                                     GCancellable        *cancellable,
                                     GError             **error);

/* Async: the task's source object is `source_object` with `source_tag`.
 * parse_data is owned by the call (parse_data_free, may be NULL); a result
 * the caller never collects is freed with result_free. */
void     _tilebox_rpc_invoke_async  (TileboxRpc          *rpc,
                                     gpointer             source_object,
                                     gpointer             source_tag,
                                     const char          *service,
                                     const char          *method,
                                     GByteArray          *request,
                                     TileboxRpcParseFunc  parse,
                                     gpointer             parse_data,
                                     GDestroyNotify       parse_data_free,
                                     GDestroyNotify       result_free,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
gpointer _tilebox_rpc_invoke_finish (gpointer             source_object,
                                     gpointer             source_tag,
                                     GAsyncResult        *result,
                                     GError             **error);

/* Exposed for tests: maps a non-success response to an error. */
GError *_tilebox_rpc_error_from_response (guint       status,
                                          const char *reason,
                                          const char *content_type,
                                          GBytes     *body);

G_END_DECLS
