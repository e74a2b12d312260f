/* tilebox-client.c
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tilebox-client-private.h"
#include "tilebox-dataset-private.h"
#include "tilebox-dataset-group-private.h"
#include "tilebox-error.h"
#include "tilebox-field-spec-private.h"
#include "tilebox-messages-private.h"
#include "tilebox-util-private.h"
#include "tilebox-version.h"

/**
 * TileboxClient:
 *
 * A connection to a Tilebox datasets service.
 *
 * A client lists and opens datasets ([class@Tilebox.Dataset]), which in turn
 * hold collections of datapoints ([class@Tilebox.Collection]). It speaks the
 * service's Connect protocol over HTTP with one `SoupSession`, so several
 * requests of one client may be in flight at once.
 *
 * Every network operation comes as a blocking call, and as an
 * `_async`/`_finish` pair that runs on the thread-default main context of
 * the caller; callbacks are invoked there. Both forms take a
 * [class@Gio.Cancellable].
 *
 * Requests that fail because the service is unavailable (HTTP 503) or rate
 * limiting (HTTP 429) are retried with jittered exponential backoff, honouring
 * a `Retry-After` from the server, up to [property@Tilebox.Client:max-retries]
 * times.
 *
 * ```c
 * g_autoptr(GError) error = NULL;
 * g_autoptr(TileboxClient) client = tilebox_client_new ();
 * g_autoptr(GPtrArray) datasets = tilebox_client_list_datasets (client, NULL, &error);
 * ```
 */
struct _TileboxClient
{
  GObject parent_instance;

  char *url;
  char *api_key;
  char *user_agent;       /* the application's suffix, as given */
  char *full_user_agent;
  gboolean allow_insecure;
  gboolean anonymous;
  guint timeout;
  guint max_retries;

  TileboxRpc *rpc;        /* NULL until initialized */
};

enum {
  PROP_0,
  PROP_URL,
  PROP_API_KEY,
  PROP_USER_AGENT,
  PROP_ALLOW_INSECURE,
  PROP_ANONYMOUS,
  PROP_TIMEOUT,
  PROP_MAX_RETRIES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void tilebox_client_initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TileboxClient, tilebox_client, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE, tilebox_client_initable_iface_init))

static gboolean
host_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;
  g_autofree char *bare = NULL;
  gsize len = strlen (host);

  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  /* GUri keeps IPv6 literals without brackets; accept both forms. */
  if (len > 2 && host[0] == '[' && host[len - 1] == ']')
    bare = g_strndup (host + 1, len - 2);
  address = g_inet_address_new_from_string (bare ? bare : host);

  return address != NULL && g_inet_address_get_is_loopback (address);
}

/* The default URL, give or take trailing slashes and the case of its host. */
static gboolean
url_is_default (const char *url)
{
  gsize len = strlen (url);

  while (len > 0 && url[len - 1] == '/')
    len--;
  return len == strlen (TILEBOX_DEFAULT_URL) && g_ascii_strncasecmp (url, TILEBOX_DEFAULT_URL, len) == 0;
}

static gboolean
validate_url (TileboxClient  *self,
              GError        **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  const char *host;

  uri = g_uri_parse (self->url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                   _("Invalid service URL “%s”: expected an absolute URL such as %s"),
                   self->url, TILEBOX_DEFAULT_URL);
      return FALSE;
    }

  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);
  if ((g_ascii_strcasecmp (scheme, "https") != 0 && g_ascii_strcasecmp (scheme, "http") != 0) ||
      host == NULL || *host == '\0' ||
      g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                   _("Invalid service URL “%s”: expected an http or https URL "
                     "with a host and no query, such as %s"),
                   self->url, TILEBOX_DEFAULT_URL);
      return FALSE;
    }

  if (g_ascii_strcasecmp (scheme, "http") == 0 && self->api_key != NULL &&
      !self->allow_insecure && !host_is_loopback (host))
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                   _("Refusing to send the API key in clear text to %s; use an https URL "
                     "(or set allow-insecure for a trusted network)"),
                   host);
      return FALSE;
    }

  return TRUE;
}

static gboolean
tilebox_client_initable_init (GInitable     *initable,
                              GCancellable  *cancellable,
                              GError       **error)
{
  TileboxClient *self = TILEBOX_CLIENT (initable);

  _tilebox_init_i18n ();

  if (self->rpc != NULL)
    return TRUE;

  if (!validate_url (self, error))
    return FALSE;

  /* Without a key the official clients use the anonymous open-data routes. */
  self->anonymous = self->api_key == NULL && url_is_default (self->url);

  if (self->user_agent != NULL && *self->user_agent != '\0')
    self->full_user_agent = g_strdup_printf ("tilebox-glib/%s %s", TILEBOX_VERSION_S, self->user_agent);
  else
    self->full_user_agent = g_strdup_printf ("tilebox-glib/%s", TILEBOX_VERSION_S);

  self->rpc = _tilebox_rpc_new (self->url, self->anonymous ? "/public" : "",
                                self->api_key, self->full_user_agent);
  _tilebox_rpc_set_timeout (self->rpc, self->timeout);
  _tilebox_rpc_set_max_retries (self->rpc, self->max_retries);

  return TRUE;
}

static void
tilebox_client_initable_iface_init (GInitableIface *iface)
{
  iface->init = tilebox_client_initable_init;
}

static void
tilebox_client_finalize (GObject *object)
{
  TileboxClient *self = TILEBOX_CLIENT (object);

  g_clear_pointer (&self->rpc, _tilebox_rpc_free);
  g_free (self->url);
  g_free (self->api_key);
  g_free (self->user_agent);
  g_free (self->full_user_agent);

  G_OBJECT_CLASS (tilebox_client_parent_class)->finalize (object);
}

static void
tilebox_client_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  TileboxClient *self = TILEBOX_CLIENT (object);

  switch (prop_id)
    {
    case PROP_URL:
      g_value_set_string (value, self->url);
      break;
    case PROP_API_KEY:
      g_value_set_string (value, self->api_key);
      break;
    case PROP_USER_AGENT:
      g_value_set_string (value, self->user_agent);
      break;
    case PROP_ALLOW_INSECURE:
      g_value_set_boolean (value, self->allow_insecure);
      break;
    case PROP_ANONYMOUS:
      g_value_set_boolean (value, self->anonymous);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout);
      break;
    case PROP_MAX_RETRIES:
      g_value_set_uint (value, self->max_retries);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tilebox_client_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  TileboxClient *self = TILEBOX_CLIENT (object);

  switch (prop_id)
    {
    case PROP_URL:
      g_free (self->url);
      self->url = g_value_dup_string (value);
      if (self->url == NULL)
        self->url = g_strdup (TILEBOX_DEFAULT_URL);
      break;
    case PROP_API_KEY:
      g_free (self->api_key);
      self->api_key = g_value_dup_string (value);
      if (self->api_key != NULL && *self->api_key == '\0')
        g_clear_pointer (&self->api_key, g_free);
      break;
    case PROP_USER_AGENT:
      g_free (self->user_agent);
      self->user_agent = g_value_dup_string (value);
      break;
    case PROP_ALLOW_INSECURE:
      self->allow_insecure = g_value_get_boolean (value);
      break;
    case PROP_TIMEOUT:
      tilebox_client_set_timeout (self, g_value_get_uint (value));
      break;
    case PROP_MAX_RETRIES:
      tilebox_client_set_max_retries (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tilebox_client_class_init (TileboxClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tilebox_client_finalize;
  object_class->get_property = tilebox_client_get_property;
  object_class->set_property = tilebox_client_set_property;

  /**
   * TileboxClient:url:
   *
   * The base URL of the service, [const@Tilebox.DEFAULT_URL] by default.
   * An `http` URL is refused together with an API key unless its host is a
   * loopback address or [property@Tilebox.Client:allow-insecure] is set.
   */
  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL,
                         TILEBOX_DEFAULT_URL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * TileboxClient:api-key:
   *
   * The API key sent as a bearer token, or %NULL for anonymous access.
   */
  properties[PROP_API_KEY] =
    g_param_spec_string ("api-key", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * TileboxClient:user-agent:
   *
   * The application's own product token, such as `my-app/1.2`, appended to
   * the `User-Agent` header after `tilebox-glib/VERSION`; %NULL for none.
   */
  properties[PROP_USER_AGENT] =
    g_param_spec_string ("user-agent", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * TileboxClient:allow-insecure:
   *
   * Whether an API key may be sent over plain `http` to a host that is not
   * a loopback address. %FALSE by default: the key would travel in clear
   * text.
   */
  properties[PROP_ALLOW_INSECURE] =
    g_param_spec_boolean ("allow-insecure", NULL, NULL,
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * TileboxClient:anonymous:
   *
   * Whether the client uses the anonymous open-data access of the service:
   * the default URL and no API key.
   */
  properties[PROP_ANONYMOUS] =
    g_param_spec_boolean ("anonymous", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * TileboxClient:timeout:
   *
   * The time in seconds a request may take, sent to the server as its
   * deadline and applied to network I/O; 0 (the default) for none.
   */
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL,
                       0, G_MAXUINT / 1000, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * TileboxClient:max-retries:
   *
   * How often a request that failed because the service was unavailable or
   * rate limiting is retried; 0 disables retries.
   */
  properties[PROP_MAX_RETRIES] =
    g_param_spec_uint ("max-retries", NULL, NULL,
                       0, 100, TILEBOX_RPC_DEFAULT_MAX_RETRIES,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tilebox_client_init (TileboxClient *self)
{
  self->url = g_strdup (TILEBOX_DEFAULT_URL);
  self->max_retries = TILEBOX_RPC_DEFAULT_MAX_RETRIES;
}

/**
 * tilebox_client_new:
 *
 * Creates a client of the Tilebox service at [const@Tilebox.DEFAULT_URL],
 * with the API key from the environment variable `TILEBOX_API_KEY`. Without
 * that variable the client uses the service's anonymous open-data access.
 *
 * Returns: (transfer full): a new client
 */
TileboxClient *
tilebox_client_new (void)
{
  const char *key = g_getenv ("TILEBOX_API_KEY");
  g_autoptr(GError) error = NULL;
  TileboxClient *self;

  self = g_initable_new (TILEBOX_TYPE_CLIENT, NULL, &error,
                         "api-key", key,
                         NULL);
  /* The default URL is https: nothing about it can be refused. */
  g_assert_no_error (error);

  return self;
}

/**
 * tilebox_client_new_for_url:
 * @url: the base URL of the service, such as `http://127.0.0.1:8080`
 * @api_key: (nullable): the API key, or %NULL for none
 * @error: return location for a #GError
 *
 * Creates a client of the service at @url. The URL must be an absolute
 * `http` or `https` URL; an API key is refused over plain `http` unless the
 * host is a loopback address (to allow it elsewhere, construct the client
 * with [property@Tilebox.Client:allow-insecure] through g_initable_new()).
 *
 * Returns: (transfer full): a new client, or %NULL with @error set
 */
TileboxClient *
tilebox_client_new_for_url (const char  *url,
                            const char  *api_key,
                            GError     **error)
{
  g_return_val_if_fail (url != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_initable_new (TILEBOX_TYPE_CLIENT, NULL, error,
                         "url", url,
                         "api-key", api_key,
                         NULL);
}

/* A client made with g_object_new() (as `Tilebox.Client(url=…)` does in
 * Python and GJS) and used without g_initable_init() sets itself up on
 * first use, so that a bad URL is an error of that call, not a crash.
 * Datasets and collections come from a client that did this already. */
static gboolean
client_ensure_ready (TileboxClient  *self,
                     GError        **error)
{
  return self->rpc != NULL || g_initable_init (G_INITABLE (self), NULL, error);
}

static gboolean
client_ensure_ready_async (TileboxClient       *self,
                           gpointer             source_tag,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GError *error = NULL;

  if (client_ensure_ready (self, &error))
    return TRUE;
  g_task_report_error (self, callback, user_data, source_tag, error);
  return FALSE;
}

TileboxRpc *
_tilebox_client_get_rpc (TileboxClient *self)
{
  g_assert (self->rpc != NULL);
  return self->rpc;
}

/**
 * tilebox_client_get_url:
 * @self: a client
 *
 * The base URL of the service.
 *
 * Returns: (transfer none): the URL
 */
const char *
tilebox_client_get_url (TileboxClient *self)
{
  g_return_val_if_fail (TILEBOX_IS_CLIENT (self), NULL);
  return self->url;
}

/**
 * tilebox_client_get_user_agent:
 * @self: a client
 *
 * The application's product token appended to the `User-Agent`.
 *
 * Returns: (transfer none) (nullable): the token, or %NULL
 */
const char *
tilebox_client_get_user_agent (TileboxClient *self)
{
  g_return_val_if_fail (TILEBOX_IS_CLIENT (self), NULL);
  return self->user_agent;
}

/**
 * tilebox_client_get_anonymous:
 * @self: a client
 *
 * Whether the client uses the anonymous open-data access.
 *
 * Returns: %TRUE for anonymous access
 */
gboolean
tilebox_client_get_anonymous (TileboxClient *self)
{
  g_return_val_if_fail (TILEBOX_IS_CLIENT (self), FALSE);
  return self->anonymous;
}

/**
 * tilebox_client_get_timeout:
 * @self: a client
 *
 * The request timeout in seconds; 0 for none.
 *
 * Returns: the timeout
 */
guint
tilebox_client_get_timeout (TileboxClient *self)
{
  g_return_val_if_fail (TILEBOX_IS_CLIENT (self), 0);
  return self->timeout;
}

/**
 * tilebox_client_set_timeout:
 * @self: a client
 * @timeout: seconds, or 0 for none
 *
 * Sets the time a request may take. It applies to requests started from
 * now on.
 */
void
tilebox_client_set_timeout (TileboxClient *self,
                            guint          timeout)
{
  g_return_if_fail (TILEBOX_IS_CLIENT (self));
  g_return_if_fail (timeout <= G_MAXUINT / 1000);

  if (self->timeout == timeout)
    return;
  self->timeout = timeout;
  if (self->rpc != NULL)
    _tilebox_rpc_set_timeout (self->rpc, timeout);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

/**
 * tilebox_client_get_max_retries:
 * @self: a client
 *
 * How often a request is retried when the service is unavailable or rate
 * limiting.
 *
 * Returns: the number of retries
 */
guint
tilebox_client_get_max_retries (TileboxClient *self)
{
  g_return_val_if_fail (TILEBOX_IS_CLIENT (self), 0);
  return self->max_retries;
}

/**
 * tilebox_client_set_max_retries:
 * @self: a client
 * @max_retries: the number of retries, 0 for none
 *
 * Sets how often a request is retried when the service is unavailable or
 * rate limiting.
 */
void
tilebox_client_set_max_retries (TileboxClient *self,
                                guint          max_retries)
{
  g_return_if_fail (TILEBOX_IS_CLIENT (self));
  g_return_if_fail (max_retries <= 100);

  if (self->max_retries == max_retries)
    return;
  self->max_retries = max_retries;
  if (self->rpc != NULL)
    _tilebox_rpc_set_max_retries (self->rpc, max_retries);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_RETRIES]);
}

/* --- requests and their parsers ----------------------------------------- */

static GByteArray *
list_datasets_request (void)
{
  TileboxPbListDatasetsRequest request = { 0 };
  GByteArray *out = g_byte_array_new ();

  request.has_client_info = TRUE;
  request.client_info.name = (char *) "tilebox-glib";
  request.client_info.environment = (char *) "GLib " G_STRINGIFY (GLIB_MAJOR_VERSION) "." G_STRINGIFY (GLIB_MINOR_VERSION);
  _tilebox_pb_list_datasets_request_encode (&request, out);

  return out;
}

/* Builds the group objects, linked to their parents, keyed by id. */
static GHashTable *
build_groups (GPtrArray *pb_groups)
{
  GHashTable *groups = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);

  for (guint i = 0; i < pb_groups->len; i++)
    {
      TileboxDatasetGroup *group = _tilebox_dataset_group_new_from_pb (g_ptr_array_index (pb_groups, i));

      if (tilebox_dataset_group_get_id (group) != NULL)
        g_hash_table_replace (groups, (gpointer) tilebox_dataset_group_get_id (group), group);
      else
        g_object_unref (group);
    }
  _tilebox_dataset_group_link_parents (groups);

  return groups;
}

static gpointer
parse_datasets (GBytes   *body,
                gpointer  client,
                GError  **error)
{
  g_auto(TileboxPbListDatasetsResponse) response = { 0 };
  g_autoptr(GHashTable) groups = NULL;
  g_autoptr(GPtrArray) datasets = NULL;

  if (!_tilebox_pb_decode_bytes (list_datasets_response, &response, body, error))
    return NULL;

  groups = build_groups (response.groups);
  datasets = g_ptr_array_new_full (response.datasets->len, g_object_unref);
  for (guint i = 0; i < response.datasets->len; i++)
    {
      TileboxDataset *dataset = _tilebox_dataset_new_from_pb (client, g_ptr_array_index (response.datasets, i),
                                                              groups, error);
      if (dataset == NULL)
        return NULL;
      g_ptr_array_add (datasets, dataset);
    }

  return g_steal_pointer (&datasets);
}

static gpointer
parse_groups (GBytes   *body,
              gpointer  unused,
              GError  **error)
{
  g_auto(TileboxPbListDatasetsResponse) response = { 0 };
  g_autoptr(GHashTable) groups = NULL;
  GPtrArray *result;

  if (!_tilebox_pb_decode_bytes (list_datasets_response, &response, body, error))
    return NULL;

  groups = build_groups (response.groups);
  result = g_ptr_array_new_full (response.groups->len, g_object_unref);
  /* In the order the service sent them. */
  for (guint i = 0; i < response.groups->len; i++)
    {
      g_autofree char *id = _tilebox_pb_id_to_string (&((TileboxPbDatasetGroup *) g_ptr_array_index (response.groups, i))->id);
      TileboxDatasetGroup *group = id ? g_hash_table_lookup (groups, id) : NULL;

      if (group != NULL)
        g_ptr_array_add (result, g_object_ref (group));
    }

  return result;
}

static gpointer
parse_dataset (GBytes   *body,
               gpointer  client,
               GError  **error)
{
  g_auto(TileboxPbDataset) dataset = { 0 };

  if (!_tilebox_pb_decode_bytes (dataset, &dataset, body, error))
    return NULL;

  return _tilebox_dataset_new_from_pb (client, &dataset, NULL, error);
}

static GByteArray *
get_dataset_request (const char    *slug,
                     const guint8  *id)
{
  TileboxPbGetDatasetRequest request = { 0 };
  GByteArray *out = g_byte_array_new ();

  request.slug = (char *) slug;
  if (id != NULL)
    {
      request.id.set = TRUE;
      memcpy (request.id.uuid, id, 16);
    }
  _tilebox_pb_get_dataset_request_encode (&request, out);

  return out;
}

/* --- list datasets -------------------------------------------------------- */

/**
 * tilebox_client_list_datasets:
 * @self: a client
 * @cancellable: (nullable): a cancellable
 * @error: return location for a #GError
 *
 * Lists every dataset the caller can see. Each dataset knows its group
 * ([method@Tilebox.Dataset.get_group]), and each group its parent, so the
 * whole catalogue tree is reachable from the result.
 *
 * Returns: (transfer container) (element-type TileboxDataset): the datasets,
 *   or %NULL with @error set
 */
GPtrArray *
tilebox_client_list_datasets (TileboxClient  *self,
                              GCancellable   *cancellable,
                              GError        **error)
{
  g_return_val_if_fail (TILEBOX_IS_CLIENT (self), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!client_ensure_ready (self, error))
    return NULL;

  return _tilebox_rpc_invoke (self->rpc, TILEBOX_DATASET_SERVICE, "ListDatasets",
                              list_datasets_request (), parse_datasets, self,
                              cancellable, error);
}

/**
 * tilebox_client_list_datasets_async:
 * @self: a client
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called on the caller's thread-default main context when done
 * @user_data: data for @callback
 *
 * Lists every dataset the caller can see, without blocking. See
 * [method@Tilebox.Client.list_datasets].
 */
void
tilebox_client_list_datasets_async (TileboxClient       *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (TILEBOX_IS_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  if (!client_ensure_ready_async (self, tilebox_client_list_datasets_async, callback, user_data))
    return;

  _tilebox_rpc_invoke_async (self->rpc, self, tilebox_client_list_datasets_async,
                             TILEBOX_DATASET_SERVICE, "ListDatasets", list_datasets_request (),
                             parse_datasets, g_object_ref (self), g_object_unref,
                             (GDestroyNotify) g_ptr_array_unref,
                             cancellable, callback, user_data);
}

/**
 * tilebox_client_list_datasets_finish:
 * @self: a client
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Tilebox.Client.list_datasets_async].
 *
 * Returns: (transfer container) (element-type TileboxDataset): the datasets,
 *   or %NULL with @error set
 */
GPtrArray *
tilebox_client_list_datasets_finish (TileboxClient  *self,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  g_return_val_if_fail (TILEBOX_IS_CLIENT (self), NULL);

  return _tilebox_rpc_invoke_finish (self, tilebox_client_list_datasets_async, result, error);
}

/* --- list groups ------------------------------------------------------- */

/**
 * tilebox_client_list_dataset_groups:
 * @self: a client
 * @cancellable: (nullable): a cancellable
 * @error: return location for a #GError
 *
 * Lists the groups the datasets are organised in. A group's parent is
 * [method@Tilebox.DatasetGroup.get_parent]; groups without a parent are the
 * roots of the catalogue tree.
 *
 * Returns: (transfer container) (element-type TileboxDatasetGroup): the
 *   groups, or %NULL with @error set
 */
GPtrArray *
tilebox_client_list_dataset_groups (TileboxClient  *self,
                                    GCancellable   *cancellable,
                                    GError        **error)
{
  g_return_val_if_fail (TILEBOX_IS_CLIENT (self), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!client_ensure_ready (self, error))
    return NULL;

  return _tilebox_rpc_invoke (self->rpc, TILEBOX_DATASET_SERVICE, "ListDatasets",
                              list_datasets_request (), parse_groups, NULL,
                              cancellable, error);
}

/**
 * tilebox_client_list_dataset_groups_async:
 * @self: a client
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called on the caller's thread-default main context when done
 * @user_data: data for @callback
 *
 * Lists the dataset groups without blocking. See
 * [method@Tilebox.Client.list_dataset_groups].
 */
void
tilebox_client_list_dataset_groups_async (TileboxClient       *self,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_return_if_fail (TILEBOX_IS_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  if (!client_ensure_ready_async (self, tilebox_client_list_dataset_groups_async, callback, user_data))
    return;

  _tilebox_rpc_invoke_async (self->rpc, self, tilebox_client_list_dataset_groups_async,
                             TILEBOX_DATASET_SERVICE, "ListDatasets", list_datasets_request (),
                             parse_groups, NULL, NULL, (GDestroyNotify) g_ptr_array_unref,
                             cancellable, callback, user_data);
}

/**
 * tilebox_client_list_dataset_groups_finish:
 * @self: a client
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Tilebox.Client.list_dataset_groups_async].
 *
 * Returns: (transfer container) (element-type TileboxDatasetGroup): the
 *   groups, or %NULL with @error set
 */
GPtrArray *
tilebox_client_list_dataset_groups_finish (TileboxClient  *self,
                                           GAsyncResult   *result,
                                           GError        **error)
{
  g_return_val_if_fail (TILEBOX_IS_CLIENT (self), NULL);

  return _tilebox_rpc_invoke_finish (self, tilebox_client_list_dataset_groups_async, result, error);
}

/* --- get dataset ----------------------------------------------------------- */

/**
 * tilebox_client_get_dataset:
 * @self: a client
 * @slug: the dataset's slug, such as `open_data.copernicus.sentinel2_msi`
 * @cancellable: (nullable): a cancellable
 * @error: return location for a #GError
 *
 * Opens a dataset by its slug. A malformed slug fails with
 * %TILEBOX_ERROR_INVALID_ARGUMENT before anything is sent; a dataset that
 * does not exist with %TILEBOX_ERROR_NOT_FOUND.
 *
 * Returns: (transfer full): the dataset, or %NULL with @error set
 */
TileboxDataset *
tilebox_client_get_dataset (TileboxClient  *self,
                            const char     *slug,
                            GCancellable   *cancellable,
                            GError        **error)
{
  g_return_val_if_fail (TILEBOX_IS_CLIENT (self), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!client_ensure_ready (self, error))
    return NULL;

  if (!_tilebox_slug_validate (slug, error))
    return NULL;

  return _tilebox_rpc_invoke (self->rpc, TILEBOX_DATASET_SERVICE, "GetDataset",
                              get_dataset_request (slug, NULL), parse_dataset, self,
                              cancellable, error);
}

/**
 * tilebox_client_get_dataset_async:
 * @self: a client
 * @slug: the dataset's slug
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called on the caller's thread-default main context when done
 * @user_data: data for @callback
 *
 * Opens a dataset by its slug without blocking. See
 * [method@Tilebox.Client.get_dataset].
 */
void
tilebox_client_get_dataset_async (TileboxClient       *self,
                                  const char          *slug,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (TILEBOX_IS_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  if (!client_ensure_ready_async (self, tilebox_client_get_dataset_async, callback, user_data))
    return;

  if (!_tilebox_slug_validate (slug, &error))
    {
      g_task_report_error (self, callback, user_data, tilebox_client_get_dataset_async,
                           g_steal_pointer (&error));
      return;
    }

  _tilebox_rpc_invoke_async (self->rpc, self, tilebox_client_get_dataset_async,
                             TILEBOX_DATASET_SERVICE, "GetDataset", get_dataset_request (slug, NULL),
                             parse_dataset, g_object_ref (self), g_object_unref, g_object_unref,
                             cancellable, callback, user_data);
}

/**
 * tilebox_client_get_dataset_finish:
 * @self: a client
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Tilebox.Client.get_dataset_async].
 *
 * Returns: (transfer full): the dataset, or %NULL with @error set
 */
TileboxDataset *
tilebox_client_get_dataset_finish (TileboxClient  *self,
                                   GAsyncResult   *result,
                                   GError        **error)
{
  g_return_val_if_fail (TILEBOX_IS_CLIENT (self), NULL);

  return _tilebox_rpc_invoke_finish (self, tilebox_client_get_dataset_async, result, error);
}

/**
 * tilebox_client_get_dataset_by_id:
 * @self: a client
 * @id: the dataset's id, a UUID such as `4af1a3f4-…`
 * @cancellable: (nullable): a cancellable
 * @error: return location for a #GError
 *
 * Opens a dataset by its id. A malformed id fails with
 * %TILEBOX_ERROR_INVALID_ARGUMENT before anything is sent.
 *
 * Returns: (transfer full): the dataset, or %NULL with @error set
 */
TileboxDataset *
tilebox_client_get_dataset_by_id (TileboxClient  *self,
                                  const char     *id,
                                  GCancellable   *cancellable,
                                  GError        **error)
{
  guint8 uuid[16];

  g_return_val_if_fail (TILEBOX_IS_CLIENT (self), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!client_ensure_ready (self, error))
    return NULL;

  if (!_tilebox_uuid_parse (id, uuid, _("dataset id"), error))
    return NULL;

  return _tilebox_rpc_invoke (self->rpc, TILEBOX_DATASET_SERVICE, "GetDataset",
                              get_dataset_request (NULL, uuid), parse_dataset, self,
                              cancellable, error);
}

/**
 * tilebox_client_get_dataset_by_id_async:
 * @self: a client
 * @id: the dataset's id
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called on the caller's thread-default main context when done
 * @user_data: data for @callback
 *
 * Opens a dataset by its id without blocking. See
 * [method@Tilebox.Client.get_dataset_by_id].
 */
void
tilebox_client_get_dataset_by_id_async (TileboxClient       *self,
                                        const char          *id,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GError) error = NULL;
  guint8 uuid[16];

  g_return_if_fail (TILEBOX_IS_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  if (!client_ensure_ready_async (self, tilebox_client_get_dataset_by_id_async, callback, user_data))
    return;

  if (!_tilebox_uuid_parse (id, uuid, _("dataset id"), &error))
    {
      g_task_report_error (self, callback, user_data, tilebox_client_get_dataset_by_id_async,
                           g_steal_pointer (&error));
      return;
    }

  _tilebox_rpc_invoke_async (self->rpc, self, tilebox_client_get_dataset_by_id_async,
                             TILEBOX_DATASET_SERVICE, "GetDataset", get_dataset_request (NULL, uuid),
                             parse_dataset, g_object_ref (self), g_object_unref, g_object_unref,
                             cancellable, callback, user_data);
}

/**
 * tilebox_client_get_dataset_by_id_finish:
 * @self: a client
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Tilebox.Client.get_dataset_by_id_async].
 *
 * Returns: (transfer full): the dataset, or %NULL with @error set
 */
TileboxDataset *
tilebox_client_get_dataset_by_id_finish (TileboxClient  *self,
                                         GAsyncResult   *result,
                                         GError        **error)
{
  g_return_val_if_fail (TILEBOX_IS_CLIENT (self), NULL);

  return _tilebox_rpc_invoke_finish (self, tilebox_client_get_dataset_by_id_async, result, error);
}

/* --- create, update and delete datasets ----------------------------------- */

static gboolean
field_specs_are_valid (TileboxFieldSpec **fields,
                       gsize              n_fields)
{
  if (fields == NULL)
    return n_fields == 0;
  for (gsize i = 0; i < n_fields; i++)
    if (fields[i] == NULL)
      return FALSE;
  return TRUE;
}

static gboolean
check_dataset_name (const char  *name,
                    GError     **error)
{
  g_autofree char *stripped = NULL;

  if (!_tilebox_name_validate (name, _("dataset name"), error))
    return FALSE;
  stripped = g_strstrip (g_strdup (name));
  if (*stripped == '\0')
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                   _("The dataset name must not be blank: give the dataset a name such as "
                     "“Weather stations”"));
      return FALSE;
    }
  return TRUE;
}

/* What the service accepts as a code name. */
static gboolean
check_code_name (const char  *code_name,
                 GError     **error)
{
  gboolean valid = g_ascii_islower (*code_name);

  for (const char *p = code_name; valid && *p != '\0'; p++)
    valid = g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '_';
  if (!valid)
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                   _("Invalid code name “%s”: use lowercase ASCII letters, digits and underscores, "
                     "starting with a letter, such as “weather_stations”"),
                   code_name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_summary (const char  *summary,
               GError     **error)
{
  if (!g_utf8_validate (summary, -1, NULL))
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                   _("The dataset summary is not valid UTF-8"));
      return FALSE;
    }
  return TRUE;
}

/* NULL with error set when the arguments cannot make a dataset. */
static GByteArray *
create_dataset_request (const char          *name,
                        TileboxDatasetKind   kind,
                        TileboxFieldSpec   **fields,
                        gsize                n_fields,
                        const char          *code_name,
                        const char          *summary,
                        GError             **error)
{
  g_auto(TileboxPbCreateDatasetRequest) request = { 0 };
  GByteArray *out;

  if (!check_dataset_name (name, error) ||
      (code_name != NULL && !check_code_name (code_name, error)) ||
      (summary != NULL && !check_summary (summary, error)) ||
      !_tilebox_field_specs_to_dataset_type (kind, fields, n_fields, &request.type, error))
    return NULL;

  request.name = g_strdup (name);
  request.has_type = TRUE;
  request.summary = g_strdup (summary);
  request.code_name = g_strdup (code_name);
  out = g_byte_array_new ();
  _tilebox_pb_create_dataset_request_encode (&request, out);

  return out;
}

/* NULL with error set when the arguments cannot update the dataset. */
static GByteArray *
update_dataset_request (TileboxDataset     *dataset,
                        const char         *name,
                        TileboxFieldSpec  **fields,
                        gsize               n_fields,
                        const char         *summary,
                        GError            **error)
{
  g_auto(TileboxPbUpdateDatasetRequest) request = { 0 };
  GByteArray *out;

  if ((name != NULL && !check_dataset_name (name, error)) ||
      (summary != NULL && !check_summary (summary, error)))
    return NULL;

  if (n_fields > 0)
    {
      TileboxDatasetKind kind = tilebox_dataset_get_kind (dataset);

      if (kind != TILEBOX_DATASET_KIND_TEMPORAL && kind != TILEBOX_DATASET_KIND_SPATIOTEMPORAL)
        {
          g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                       _("The fields of dataset “%s” cannot be changed: the service did not say "
                         "whether it is temporal or spatiotemporal; open it again and retry"),
                       tilebox_dataset_get_slug (dataset));
          return NULL;
        }
      if (!_tilebox_field_specs_to_dataset_type (kind, fields, n_fields, &request.type, error))
        return NULL;
      request.has_type = TRUE;
    }

  _tilebox_dataset_get_pb_id (dataset, &request.id);
  request.name = g_strdup (name);
  request.summary = g_strdup (summary);
  out = g_byte_array_new ();
  _tilebox_pb_update_dataset_request_encode (&request, out);

  return out;
}

static GByteArray *
delete_dataset_request (TileboxDataset *dataset)
{
  TileboxPbDeleteDatasetRequest request = { 0 };
  GByteArray *out = g_byte_array_new ();

  _tilebox_dataset_get_pb_id (dataset, &request.id);
  _tilebox_pb_delete_dataset_request_encode (&request, out);

  return out;
}

static gpointer
parse_delete_dataset (GBytes   *body,
                      gpointer  unused,
                      GError  **error)
{
  g_auto(TileboxPbDeleteDatasetResponse) response = { 0 };

  if (!_tilebox_pb_decode_bytes (delete_dataset_response, &response, body, error))
    return NULL;

  return GINT_TO_POINTER (TRUE);
}

/**
 * tilebox_client_create_dataset:
 * @self: a client
 * @name: the name of the dataset, such as `Weather stations`
 * @kind: %TILEBOX_DATASET_KIND_TEMPORAL or %TILEBOX_DATASET_KIND_SPATIOTEMPORAL
 * @fields: (array length=n_fields) (nullable): the fields of the datapoints
 *   beyond those every dataset of @kind has
 * @n_fields: the number of @fields
 * @code_name: (nullable): the code name of the dataset, lowercase letters,
 *   digits and underscores such as `weather_stations`, or %NULL to let the
 *   service derive it from @name
 * @summary: (nullable): a one-line summary, or %NULL for none
 * @cancellable: (nullable): a cancellable
 * @error: return location for a #GError
 *
 * Creates a dataset whose datapoints have @fields, in the order given,
 * after the fields every dataset of @kind has: `time` (a
 * %TILEBOX_FIELD_TYPE_TIMESTAMP), `id` (a %TILEBOX_FIELD_TYPE_UUID) and
 * `ingestion_time` (a %TILEBOX_FIELD_TYPE_TIMESTAMP), and for a
 * spatiotemporal dataset `geometry` (a %TILEBOX_FIELD_TYPE_GEOMETRY). Those
 * are added by the library; @fields must not name them.
 *
 * The arguments are checked before anything is sent: an empty name, an
 * unknown kind, a field name that is not an identifier, given twice or
 * reserved, an unknown enumeration or a malformed code name fail with
 * %TILEBOX_ERROR_INVALID_ARGUMENT and a message that says what to change.
 * A dataset with the same code name fails with %TILEBOX_ERROR_ALREADY_EXISTS.
 *
 * Returns: (transfer full): the new dataset, or %NULL with @error set
 */
TileboxDataset *
tilebox_client_create_dataset (TileboxClient       *self,
                               const char          *name,
                               TileboxDatasetKind   kind,
                               TileboxFieldSpec   **fields,
                               gsize                n_fields,
                               const char          *code_name,
                               const char          *summary,
                               GCancellable        *cancellable,
                               GError             **error)
{
  GByteArray *request;

  g_return_val_if_fail (TILEBOX_IS_CLIENT (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (field_specs_are_valid (fields, n_fields), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!client_ensure_ready (self, error))
    return NULL;

  request = create_dataset_request (name, kind, fields, n_fields, code_name, summary, error);
  if (request == NULL)
    return NULL;

  return _tilebox_rpc_invoke (self->rpc, TILEBOX_DATASET_SERVICE, "CreateDataset",
                              request, parse_dataset, self,
                              cancellable, error);
}

/**
 * tilebox_client_create_dataset_async:
 * @self: a client
 * @name: the name of the dataset
 * @kind: %TILEBOX_DATASET_KIND_TEMPORAL or %TILEBOX_DATASET_KIND_SPATIOTEMPORAL
 * @fields: (array length=n_fields) (nullable): the fields of the datapoints
 *   beyond those every dataset of @kind has
 * @n_fields: the number of @fields
 * @code_name: (nullable): the code name of the dataset, or %NULL to derive it
 * @summary: (nullable): a one-line summary, or %NULL for none
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called on the caller's thread-default main context when done
 * @user_data: data for @callback
 *
 * Creates a dataset without blocking. See
 * [method@Tilebox.Client.create_dataset]. The arguments are checked, and
 * the request built, before this returns: @fields may be changed or freed
 * afterwards.
 */
void
tilebox_client_create_dataset_async (TileboxClient       *self,
                                     const char          *name,
                                     TileboxDatasetKind   kind,
                                     TileboxFieldSpec   **fields,
                                     gsize                n_fields,
                                     const char          *code_name,
                                     const char          *summary,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GError) error = NULL;
  GByteArray *request;

  g_return_if_fail (TILEBOX_IS_CLIENT (self));
  g_return_if_fail (name != NULL);
  g_return_if_fail (field_specs_are_valid (fields, n_fields));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  if (!client_ensure_ready_async (self, tilebox_client_create_dataset_async, callback, user_data))
    return;

  request = create_dataset_request (name, kind, fields, n_fields, code_name, summary, &error);
  if (request == NULL)
    {
      g_task_report_error (self, callback, user_data, tilebox_client_create_dataset_async,
                           g_steal_pointer (&error));
      return;
    }

  _tilebox_rpc_invoke_async (self->rpc, self, tilebox_client_create_dataset_async,
                             TILEBOX_DATASET_SERVICE, "CreateDataset", request,
                             parse_dataset, g_object_ref (self), g_object_unref, g_object_unref,
                             cancellable, callback, user_data);
}

/**
 * tilebox_client_create_dataset_finish:
 * @self: a client
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Tilebox.Client.create_dataset_async].
 *
 * Returns: (transfer full): the new dataset, or %NULL with @error set
 */
TileboxDataset *
tilebox_client_create_dataset_finish (TileboxClient  *self,
                                      GAsyncResult   *result,
                                      GError        **error)
{
  g_return_val_if_fail (TILEBOX_IS_CLIENT (self), NULL);

  return _tilebox_rpc_invoke_finish (self, tilebox_client_create_dataset_async, result, error);
}

/**
 * tilebox_client_update_dataset:
 * @self: a client
 * @dataset: the dataset to change
 * @name: (nullable): the new name, or %NULL to keep the name
 * @fields: (array length=n_fields) (nullable): the complete new list of the
 *   dataset's own fields, without those every dataset of its kind has (see
 *   [method@Tilebox.Client.create_dataset]); none to keep the fields
 * @n_fields: the number of @fields, 0 to keep the fields
 * @summary: (nullable): the new summary, or %NULL to keep the summary
 * @cancellable: (nullable): a cancellable
 * @error: return location for a #GError
 *
 * Changes the name, fields or summary of a dataset. Fields are replaced as
 * a whole: to add a field, pass the fields the dataset has with the new
 * one. An empty list keeps the fields, as %NULL does (most language
 * bindings pass an empty list as %NULL): a dataset cannot be left without
 * fields of its own by an update. The service refuses to change the fields
 * of a dataset whose type is not editable
 * ([method@Tilebox.Dataset.get_type_editable]) with
 * %TILEBOX_ERROR_FAILED_PRECONDITION.
 *
 * @dataset itself is not changed: it still describes the dataset as it
 * was. The arguments are checked as by [method@Tilebox.Client.create_dataset]
 * before anything is sent.
 *
 * Returns: (transfer full): the dataset as it is now, a new object, or
 *   %NULL with @error set
 */
TileboxDataset *
tilebox_client_update_dataset (TileboxClient      *self,
                               TileboxDataset     *dataset,
                               const char         *name,
                               TileboxFieldSpec  **fields,
                               gsize               n_fields,
                               const char         *summary,
                               GCancellable       *cancellable,
                               GError            **error)
{
  GByteArray *request;

  g_return_val_if_fail (TILEBOX_IS_CLIENT (self), NULL);
  g_return_val_if_fail (TILEBOX_IS_DATASET (dataset), NULL);
  g_return_val_if_fail (field_specs_are_valid (fields, n_fields), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!client_ensure_ready (self, error))
    return NULL;

  request = update_dataset_request (dataset, name, fields, n_fields, summary, error);
  if (request == NULL)
    return NULL;

  return _tilebox_rpc_invoke (self->rpc, TILEBOX_DATASET_SERVICE, "UpdateDataset",
                              request, parse_dataset, self,
                              cancellable, error);
}

/**
 * tilebox_client_update_dataset_async:
 * @self: a client
 * @dataset: the dataset to change
 * @name: (nullable): the new name, or %NULL to keep the name
 * @fields: (array length=n_fields) (nullable): the complete new list of the
 *   dataset's own fields; none to keep the fields
 * @n_fields: the number of @fields, 0 to keep the fields
 * @summary: (nullable): the new summary, or %NULL to keep the summary
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called on the caller's thread-default main context when done
 * @user_data: data for @callback
 *
 * Changes a dataset without blocking. See
 * [method@Tilebox.Client.update_dataset]. The arguments are checked, and
 * the request built, before this returns.
 */
void
tilebox_client_update_dataset_async (TileboxClient       *self,
                                     TileboxDataset      *dataset,
                                     const char          *name,
                                     TileboxFieldSpec   **fields,
                                     gsize                n_fields,
                                     const char          *summary,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GError) error = NULL;
  GByteArray *request;

  g_return_if_fail (TILEBOX_IS_CLIENT (self));
  g_return_if_fail (TILEBOX_IS_DATASET (dataset));
  g_return_if_fail (field_specs_are_valid (fields, n_fields));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  if (!client_ensure_ready_async (self, tilebox_client_update_dataset_async, callback, user_data))
    return;

  request = update_dataset_request (dataset, name, fields, n_fields, summary, &error);
  if (request == NULL)
    {
      g_task_report_error (self, callback, user_data, tilebox_client_update_dataset_async,
                           g_steal_pointer (&error));
      return;
    }

  _tilebox_rpc_invoke_async (self->rpc, self, tilebox_client_update_dataset_async,
                             TILEBOX_DATASET_SERVICE, "UpdateDataset", request,
                             parse_dataset, g_object_ref (self), g_object_unref, g_object_unref,
                             cancellable, callback, user_data);
}

/**
 * tilebox_client_update_dataset_finish:
 * @self: a client
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Tilebox.Client.update_dataset_async].
 *
 * Returns: (transfer full): the dataset as it is now, or %NULL with @error set
 */
TileboxDataset *
tilebox_client_update_dataset_finish (TileboxClient  *self,
                                      GAsyncResult   *result,
                                      GError        **error)
{
  g_return_val_if_fail (TILEBOX_IS_CLIENT (self), NULL);

  return _tilebox_rpc_invoke_finish (self, tilebox_client_update_dataset_async, result, error);
}

/**
 * tilebox_client_delete_dataset:
 * @self: a client
 * @dataset: the dataset to delete
 * @cancellable: (nullable): a cancellable
 * @error: return location for a #GError
 *
 * Deletes a dataset with all its collections and datapoints. Opening it
 * afterwards fails with %TILEBOX_ERROR_NOT_FOUND, as does deleting it again.
 *
 * Returns: %TRUE on success, %FALSE with @error set
 */
gboolean
tilebox_client_delete_dataset (TileboxClient   *self,
                               TileboxDataset  *dataset,
                               GCancellable    *cancellable,
                               GError         **error)
{
  g_return_val_if_fail (TILEBOX_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (TILEBOX_IS_DATASET (dataset), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!client_ensure_ready (self, error))
    return FALSE;

  return _tilebox_rpc_invoke (self->rpc, TILEBOX_DATASET_SERVICE, "DeleteDataset",
                              delete_dataset_request (dataset), parse_delete_dataset, NULL,
                              cancellable, error) != NULL;
}

/**
 * tilebox_client_delete_dataset_async:
 * @self: a client
 * @dataset: the dataset to delete
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called on the caller's thread-default main context when done
 * @user_data: data for @callback
 *
 * Deletes a dataset without blocking. See
 * [method@Tilebox.Client.delete_dataset].
 */
void
tilebox_client_delete_dataset_async (TileboxClient       *self,
                                     TileboxDataset      *dataset,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (TILEBOX_IS_CLIENT (self));
  g_return_if_fail (TILEBOX_IS_DATASET (dataset));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  if (!client_ensure_ready_async (self, tilebox_client_delete_dataset_async, callback, user_data))
    return;

  _tilebox_rpc_invoke_async (self->rpc, self, tilebox_client_delete_dataset_async,
                             TILEBOX_DATASET_SERVICE, "DeleteDataset", delete_dataset_request (dataset),
                             parse_delete_dataset, NULL, NULL, NULL,
                             cancellable, callback, user_data);
}

/**
 * tilebox_client_delete_dataset_finish:
 * @self: a client
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Tilebox.Client.delete_dataset_async].
 *
 * Returns: %TRUE on success, %FALSE with @error set
 */
gboolean
tilebox_client_delete_dataset_finish (TileboxClient  *self,
                                      GAsyncResult   *result,
                                      GError        **error)
{
  g_return_val_if_fail (TILEBOX_IS_CLIENT (self), FALSE);

  return _tilebox_rpc_invoke_finish (self, tilebox_client_delete_dataset_async, result, error) != NULL;
}
