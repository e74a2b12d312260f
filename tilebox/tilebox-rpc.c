/* tilebox-rpc.c: the Connect transport over libsoup
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "tilebox-error.h"
#include "tilebox-rpc-private.h"

#define MAX_BACKOFF_MS 5000
#define BACKOFF_FACTOR 3
/* A Retry-After longer than this is capped: a library call should not
 * silently hang for minutes; the caller can retry later itself. */
#define MAX_RETRY_AFTER_MS 60000

struct _TileboxRpc
{
  SoupSession *session;
  char *base_url;      /* no trailing slash */
  char *path_prefix;   /* "" or "/public" */
  char *authorization; /* "Bearer …" or NULL */
  guint timeout_s;     /* 0: none */
  guint max_retries;
  guint retry_delay_ms;
};

TileboxRpc *
_tilebox_rpc_new (const char *base_url,
                  const char *path_prefix,
                  const char *api_key,
                  const char *user_agent)
{
  TileboxRpc *rpc = g_new0 (TileboxRpc, 1);
  gsize len = strlen (base_url);

  while (len > 0 && base_url[len - 1] == '/')
    len--;
  rpc->base_url = g_strndup (base_url, len);
  rpc->path_prefix = g_strdup (path_prefix ? path_prefix : "");
  if (api_key != NULL && *api_key != '\0')
    rpc->authorization = g_strconcat ("Bearer ", api_key, NULL);
  rpc->max_retries = TILEBOX_RPC_DEFAULT_MAX_RETRIES;
  rpc->retry_delay_ms = 20;

  /* libsoup's default of 2 connections per host would serialize
   * concurrent queries behind each other over HTTP/1.1. */
  rpc->session = soup_session_new_with_options ("max-conns-per-host", TILEBOX_RPC_MAX_CONNS_PER_HOST,
                                                "max-conns", 2 * TILEBOX_RPC_MAX_CONNS_PER_HOST,
                                                "user-agent", user_agent,
                                                NULL);
  if (!soup_session_has_feature (rpc->session, SOUP_TYPE_CONTENT_DECODER))
    soup_session_add_feature_by_type (rpc->session, SOUP_TYPE_CONTENT_DECODER);

  return rpc;
}

void
_tilebox_rpc_free (TileboxRpc *rpc)
{
  if (rpc == NULL)
    return;
  soup_session_abort (rpc->session);
  g_clear_object (&rpc->session);
  g_free (rpc->base_url);
  g_free (rpc->path_prefix);
  if (rpc->authorization)
    memset (rpc->authorization, 0, strlen (rpc->authorization));
  g_free (rpc->authorization);
  g_free (rpc);
}

void
_tilebox_rpc_set_timeout (TileboxRpc *rpc,
                          guint       seconds)
{
  rpc->timeout_s = seconds;
  /* Applies to I/O on connections made from now on; the deadline itself is
   * also sent to the server as Connect-Timeout-Ms. */
  g_object_set (rpc->session, "timeout", seconds, NULL);
}

void
_tilebox_rpc_set_max_retries (TileboxRpc *rpc,
                              guint       max_retries)
{
  rpc->max_retries = max_retries;
}

void
_tilebox_rpc_set_retry_delay (TileboxRpc *rpc,
                              guint       initial_ms)
{
  rpc->retry_delay_ms = initial_ms;
}

SoupSession *
_tilebox_rpc_get_session (TileboxRpc *rpc)
{
  return rpc->session;
}

/* --- request and response, shared by both drivers ---------------------- */

static SoupMessage *
build_message (TileboxRpc *rpc,
               const char *service,
               const char *method,
               GBytes     *request)
{
  g_autofree char *uri = NULL;
  SoupMessage *msg;
  SoupMessageHeaders *headers;

  uri = g_strdup_printf ("%s%s/%s/%s", rpc->base_url, rpc->path_prefix, service, method);
  msg = soup_message_new (SOUP_METHOD_POST, uri);
  g_assert (msg != NULL); /* the base URL was validated by the client */

  headers = soup_message_get_request_headers (msg);
  soup_message_headers_replace (headers, "Connect-Protocol-Version", "1");
  soup_message_headers_replace (headers, "Accept-Encoding", "gzip");
  if (rpc->authorization != NULL)
    soup_message_headers_replace (headers, "Authorization", rpc->authorization);
  if (rpc->timeout_s > 0)
    {
      char timeout_ms[32];

      g_snprintf (timeout_ms, sizeof timeout_ms, "%" G_GUINT64_FORMAT, (guint64) rpc->timeout_s * 1000);
      soup_message_headers_replace (headers, "Connect-Timeout-Ms", timeout_ms);
    }
  soup_message_set_request_body_from_bytes (msg, "application/proto", request);

  return msg;
}

static const struct {
  const char *name;
  TileboxError code;
} connect_codes[] = {
  { "canceled", TILEBOX_ERROR_CANCELED },
  { "unknown", TILEBOX_ERROR_UNKNOWN },
  { "invalid_argument", TILEBOX_ERROR_INVALID_ARGUMENT },
  { "deadline_exceeded", TILEBOX_ERROR_DEADLINE_EXCEEDED },
  { "not_found", TILEBOX_ERROR_NOT_FOUND },
  { "already_exists", TILEBOX_ERROR_ALREADY_EXISTS },
  { "permission_denied", TILEBOX_ERROR_PERMISSION_DENIED },
  { "resource_exhausted", TILEBOX_ERROR_RESOURCE_EXHAUSTED },
  { "failed_precondition", TILEBOX_ERROR_FAILED_PRECONDITION },
  { "aborted", TILEBOX_ERROR_ABORTED },
  { "out_of_range", TILEBOX_ERROR_OUT_OF_RANGE },
  { "unimplemented", TILEBOX_ERROR_UNIMPLEMENTED },
  { "internal", TILEBOX_ERROR_INTERNAL },
  { "unavailable", TILEBOX_ERROR_UNAVAILABLE },
  { "data_loss", TILEBOX_ERROR_DATA_LOSS },
  { "unauthenticated", TILEBOX_ERROR_UNAUTHENTICATED },
};

/* What to do about an error, said once per code. */
static const char *
error_hint (TileboxError code)
{
  switch (code)
    {
    case TILEBOX_ERROR_UNAUTHENTICATED:
      return _("Check the API key (TILEBOX_API_KEY).");
    case TILEBOX_ERROR_PERMISSION_DENIED:
      return _("The API key may not do this; ask the dataset’s owner for access.");
    case TILEBOX_ERROR_UNAVAILABLE:
    case TILEBOX_ERROR_RATE_LIMITED:
    case TILEBOX_ERROR_RESOURCE_EXHAUSTED:
      return _("Try again later.");
    case TILEBOX_ERROR_UNIMPLEMENTED:
      return _("Check that the URL points at a Tilebox datasets service.");
    default:
      return NULL;
    }
}

/* The Connect protocol's table for a non-Connect error: a status only.
 * One deviation: 429 is its own code, rate limiting. */
static TileboxError
code_from_http_status (guint status)
{
  switch (status)
    {
    case SOUP_STATUS_BAD_REQUEST:
      return TILEBOX_ERROR_INTERNAL;
    case SOUP_STATUS_UNAUTHORIZED:
      return TILEBOX_ERROR_UNAUTHENTICATED;
    case SOUP_STATUS_FORBIDDEN:
      return TILEBOX_ERROR_PERMISSION_DENIED;
    case SOUP_STATUS_NOT_FOUND:
      return TILEBOX_ERROR_UNIMPLEMENTED;
    case 429: /* Too Many Requests: libsoup 3.2 has no name for it */
      return TILEBOX_ERROR_RATE_LIMITED;
    case SOUP_STATUS_BAD_GATEWAY:
    case SOUP_STATUS_SERVICE_UNAVAILABLE:
    case SOUP_STATUS_GATEWAY_TIMEOUT:
      return TILEBOX_ERROR_UNAVAILABLE;
    default:
      return TILEBOX_ERROR_UNKNOWN;
    }
}

/* A member that is a string, else NULL: the body comes from the network
 * (or a proxy) and its members may have any type. */
static const char *
get_string_member (JsonObject *object,
                   const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
parse_connect_error (GBytes        *body,
                     TileboxError  *code,
                     char         **code_name,
                     char         **message)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;
  const char *name;
  const char *message_text;
  gsize len = 0;
  const char *data = body ? g_bytes_get_data (body, &len) : NULL;

  if (data == NULL || len == 0 ||
      !json_parser_load_from_data (parser, data, (gssize) len, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return FALSE;

  object = json_node_get_object (json_parser_get_root (parser));
  name = get_string_member (object, "code");
  if (name == NULL)
    return FALSE;

  *code = TILEBOX_ERROR_UNKNOWN;
  for (guint i = 0; i < G_N_ELEMENTS (connect_codes); i++)
    if (g_str_equal (name, connect_codes[i].name))
      *code = connect_codes[i].code;
  *code_name = g_strdup (name);
  message_text = get_string_member (object, "message");
  *message = g_strdup (message_text ? message_text : "");

  return TRUE;
}

GError *
_tilebox_rpc_error_from_response (guint       status,
                                  const char *reason,
                                  const char *content_type,
                                  GBytes     *body)
{
  TileboxError code;
  g_autofree char *server_code = NULL;
  g_autofree char *server_message = NULL;
  const char *hint;
  g_autoptr(GString) text = g_string_new (NULL);

  if (content_type != NULL && g_ascii_strcasecmp (content_type, "application/json") == 0 &&
      parse_connect_error (body, &code, &server_code, &server_message))
    {
      if (*server_message != '\0')
        g_string_append_printf (text, _("The Tilebox service answered: %s"), server_message);
      else
        g_string_append_printf (text, _("The Tilebox service answered with the error “%s”"), server_code);
    }
  else
    {
      code = code_from_http_status (status);
      g_string_append_printf (text, _("The Tilebox server answered HTTP %u %s"),
                              status, reason ? reason : soup_status_get_phrase (status));
    }

  hint = error_hint (code);
  if (hint != NULL)
    g_string_append_printf (text, " (%s)", hint);

  return g_error_new_literal (TILEBOX_ERROR, code, text->str);
}

/* Judges a response: TRUE for a usable success body, else sets error. */
static gboolean
check_response (SoupMessage  *msg,
                GBytes       *body,
                GError      **error)
{
  guint status = soup_message_get_status (msg);
  const char *content_type;

  content_type = soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL);

  if (status != SOUP_STATUS_OK)
    {
      g_propagate_error (error, _tilebox_rpc_error_from_response (status,
                                                                  soup_message_get_reason_phrase (msg),
                                                                  content_type, body));
      return FALSE;
    }

  if (content_type != NULL &&
      g_ascii_strcasecmp (content_type, "application/proto") != 0 &&
      g_ascii_strcasecmp (content_type, "application/x-protobuf") != 0)
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL,
                   _("The server at %s answered with “%s” instead of a protobuf message; "
                     "check that the URL points at a Tilebox datasets service"),
                   g_uri_get_host (soup_message_get_uri (msg)), content_type);
      return FALSE;
    }

  return TRUE;
}

static gboolean
error_is_retryable (const GError *error)
{
  return g_error_matches (error, TILEBOX_ERROR, TILEBOX_ERROR_UNAVAILABLE) ||
         g_error_matches (error, TILEBOX_ERROR, TILEBOX_ERROR_RATE_LIMITED) ||
         g_error_matches (error, TILEBOX_ERROR, TILEBOX_ERROR_RESOURCE_EXHAUSTED);
}

static guint
retry_after_ms (SoupMessage *msg)
{
  const char *value;
  char *end = NULL;
  guint64 seconds;

  value = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Retry-After");
  if (value == NULL)
    return 0;

  seconds = g_ascii_strtoull (value, &end, 10);
  if (end != value && *end == '\0')
    return (guint) MIN (seconds * 1000, MAX_RETRY_AFTER_MS);

  {
    g_autoptr(GDateTime) when = soup_date_time_new_from_http_string (value);
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    GTimeSpan delta;

    if (when == NULL)
      return 0;
    delta = g_date_time_difference (when, now) / 1000;
    return (guint) CLAMP (delta, 0, MAX_RETRY_AFTER_MS);
  }
}

/* Jittered exponential backoff: the nth retry waits a random time in
 * [d/2, d) with d = initial * 3^n, capped; a Retry-After raises the floor. */
static guint
backoff_ms (TileboxRpc  *rpc,
            guint        attempt,
            SoupMessage *msg)
{
  guint64 delay = rpc->retry_delay_ms;
  guint after = retry_after_ms (msg);

  for (guint i = 0; i < attempt && delay < MAX_BACKOFF_MS; i++)
    delay *= BACKOFF_FACTOR;
  delay = MIN (delay, MAX_BACKOFF_MS);
  delay = delay / 2 + (delay > 1 ? (guint64) g_random_int_range (0, (gint32) (delay / 2)) : 0);

  return MAX ((guint) delay, after);
}

static void
prefix_transport_error (TileboxRpc *rpc,
                        GError    **error)
{
  if (error == NULL || *error == NULL ||
      g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      GError *timeout = g_error_new (TILEBOX_ERROR, TILEBOX_ERROR_DEADLINE_EXCEEDED,
                                     _("The Tilebox service at %s did not answer within %u s; "
                                       "raise the client’s timeout or try again later"),
                                     rpc->base_url, rpc->timeout_s);
      g_clear_error (error);
      g_propagate_error (error, timeout);
      return;
    }
  g_prefix_error (error, _("Could not reach the Tilebox service at %s: "), rpc->base_url);
}

/* Judges one attempt, for both drivers: the parsed result (returned), a
 * failure (NULL, error set, *retry_ms 0), or a retry after *retry_ms. */
static gpointer
judge_attempt (TileboxRpc           *rpc,
               const char           *service,
               const char           *method,
               guint                 attempt,
               SoupMessage          *msg,
               GBytes               *body,
               GError               *send_error,
               TileboxRpcParseFunc   parse,
               gpointer              parse_data,
               guint                *retry_ms,
               GError              **error)
{
  g_autoptr(GError) local_error = send_error;

  *retry_ms = 0;
  if (body == NULL)
    {
      prefix_transport_error (rpc, &local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (check_response (msg, body, &local_error))
    return parse (body, parse_data, error);

  if (error_is_retryable (local_error) && attempt < rpc->max_retries)
    {
      g_debug ("%s/%s failed (%s), retrying", service, method, local_error->message);
      *retry_ms = backoff_ms (rpc, attempt, msg);
      /* At least 1 ms, so that 0 keeps meaning "no retry". */
      *retry_ms = MAX (*retry_ms, 1);
      return NULL;
    }

  g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}

/* --- blocking driver ----------------------------------------------------- */

typedef struct {
  GMutex mutex;
  GCond cond;
  gboolean cancelled;
} Waiter;

static void
waiter_cancelled_cb (GCancellable *cancellable,
                     Waiter       *waiter)
{
  g_mutex_lock (&waiter->mutex);
  waiter->cancelled = TRUE;
  g_cond_signal (&waiter->cond);
  g_mutex_unlock (&waiter->mutex);
}

/* Sleeps for delay_ms unless the cancellable fires first. */
static gboolean
wait_interruptible (guint          delay_ms,
                    GCancellable  *cancellable,
                    GError       **error)
{
  Waiter waiter = { 0 };
  gulong handler = 0;
  gint64 deadline = g_get_monotonic_time () + (gint64) delay_ms * 1000;

  g_mutex_init (&waiter.mutex);
  g_cond_init (&waiter.cond);
  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (waiter_cancelled_cb), &waiter, NULL);

  g_mutex_lock (&waiter.mutex);
  while (!waiter.cancelled && g_cond_wait_until (&waiter.cond, &waiter.mutex, deadline))
    ;
  g_mutex_unlock (&waiter.mutex);

  if (cancellable != NULL)
    g_cancellable_disconnect (cancellable, handler);
  g_mutex_clear (&waiter.mutex);
  g_cond_clear (&waiter.cond);

  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

gpointer
_tilebox_rpc_invoke (TileboxRpc          *rpc,
                     const char          *service,
                     const char          *method,
                     GByteArray          *request,
                     TileboxRpcParseFunc  parse,
                     gpointer             parse_data,
                     GCancellable        *cancellable,
                     GError             **error)
{
  g_autoptr(GBytes) request_bytes = g_byte_array_free_to_bytes (request);

  for (guint attempt = 0;; attempt++)
    {
      g_autoptr(SoupMessage) msg = build_message (rpc, service, method, request_bytes);
      GError *send_error = NULL;
      g_autoptr(GBytes) body = soup_session_send_and_read (rpc->session, msg, cancellable, &send_error);
      gpointer parsed;
      guint retry_ms;

      parsed = judge_attempt (rpc, service, method, attempt, msg, body, send_error,
                              parse, parse_data, &retry_ms, error);
      if (parsed != NULL || retry_ms == 0)
        return parsed;
      if (!wait_interruptible (retry_ms, cancellable, error))
        return NULL;
    }
}

/* --- async driver ------------------------------------------------------ */

typedef struct {
  TileboxRpc *rpc;
  char *service;
  char *method;
  GBytes *request;
  TileboxRpcParseFunc parse;
  gpointer parse_data;
  GDestroyNotify parse_data_free;
  GDestroyNotify result_free;
  guint attempt;
  GSource *wait_source;
  GSource *cancel_source;
} Call;

static void
clear_wait_sources (Call *call)
{
  if (call->wait_source)
    g_source_destroy (call->wait_source);
  g_clear_pointer (&call->wait_source, g_source_unref);
  if (call->cancel_source)
    g_source_destroy (call->cancel_source);
  g_clear_pointer (&call->cancel_source, g_source_unref);
}

static void
call_free (Call *call)
{
  clear_wait_sources (call);
  if (call->parse_data_free && call->parse_data)
    call->parse_data_free (call->parse_data);
  g_free (call->service);
  g_free (call->method);
  g_bytes_unref (call->request);
  g_free (call);
}

static void send_attempt (GTask *task);

static gboolean
retry_timeout_cb (gpointer user_data)
{
  GTask *task = user_data;
  Call *call = g_task_get_task_data (task);

  clear_wait_sources (call);
  send_attempt (task);

  return G_SOURCE_REMOVE;
}

static gboolean
retry_cancelled_cb (GCancellable *cancellable,
                    gpointer      user_data)
{
  GTask *task = user_data;
  Call *call = g_task_get_task_data (task);

  clear_wait_sources (call);
  g_task_return_error_if_cancelled (task);

  return G_SOURCE_REMOVE;
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Call *call = g_task_get_task_data (task);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  GError *send_error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &send_error);
  g_autoptr(GError) error = NULL;
  gpointer parsed;
  GCancellable *cancellable;
  guint delay;

  parsed = judge_attempt (call->rpc, call->service, call->method, call->attempt, msg, body, send_error,
                          call->parse, call->parse_data, &delay, &error);
  if (parsed != NULL)
    {
      g_task_return_pointer (task, parsed, call->result_free);
      return;
    }
  if (delay == 0)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  call->attempt++;

  /* Wait on the task's own context: a timeout, or the cancellable,
   * whichever comes first. Each source holds a reference on the task. */
  call->wait_source = g_timeout_source_new (delay);
  g_task_attach_source (task, call->wait_source, retry_timeout_cb);
  cancellable = g_task_get_cancellable (task);
  if (cancellable != NULL)
    {
      call->cancel_source = g_cancellable_source_new (cancellable);
      g_task_attach_source (task, call->cancel_source, (GSourceFunc) (void (*) (void)) retry_cancelled_cb);
    }
}

static void
send_attempt (GTask *task)
{
  Call *call = g_task_get_task_data (task);
  g_autoptr(SoupMessage) msg = build_message (call->rpc, call->service, call->method, call->request);

  soup_session_send_and_read_async (call->rpc->session, msg, g_task_get_priority (task),
                                    g_task_get_cancellable (task), sent_cb, g_object_ref (task));
}

void
_tilebox_rpc_invoke_async (TileboxRpc          *rpc,
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
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Call *call;

  call = g_new0 (Call, 1);
  call->rpc = rpc;
  call->service = g_strdup (service);
  call->method = g_strdup (method);
  call->request = g_byte_array_free_to_bytes (request);
  call->parse = parse;
  call->parse_data = parse_data;
  call->parse_data_free = parse_data_free;
  call->result_free = result_free;

  task = g_task_new (source_object, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_name (task, method);
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);

  send_attempt (task);
}

gpointer
_tilebox_rpc_invoke_finish (gpointer       source_object,
                            gpointer       source_tag,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, source_object), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
