/* test-client.c: tests of TileboxClient, TileboxDataset and
 * TileboxCollection against the local server
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One in-process server with the demo catalogue runs on its own thread for
 * the whole program. The tests run on the main thread; their async calls
 * run on a main context of the test, pushed as the thread-default one.
 *
 * Every network operation is run through the same set of generic tests
 * (blocking, async, error mapping, cancellation before the start and during
 * a retry backoff), driven by a table of operations; behaviour specific to
 * one operation has its own tests after that.
 */

#include "config.h"

#include <string.h>
#include <unistd.h>

#include "tilebox.h"
#include "tilebox-client-private.h"
#include "tilebox-rpc-private.h"
#include "tilebox-schema-private.h"
#include "tilebox-server-private.h"
#include "tilebox-util-private.h"

#define S2_SLUG "open_data.copernicus.sentinel2_msi"
#define ERS_SLUG "open_data.asf.ers_sar"
#define WEATHER_SLUG "demo.weather_stations"

/* Generous: nothing here should take more than a few seconds, even under
 * the sanitizers. */
#define WAIT_TIMEOUT_S 20
/* How soon a cancelled call must return, compared with the 30 s Retry-After
 * it would otherwise wait. */
#define CANCEL_BOUND_US (5 * G_USEC_PER_SEC)

static TileboxServerThread *server_thread;
static TileboxServer *server;
static const char *server_url;
static GMainContext *test_context;
static guint unique_counter;

/* --- helpers -------------------------------------------------------------- */

static void
reset_server (void)
{
  _tilebox_server_fail_next (server, 0, 0, NULL, 0);
  _tilebox_server_set_latency_ms (server, 0);
  _tilebox_server_set_api_key (server, NULL);
}

static guint
request_count (void)
{
  return _tilebox_server_get_request_count (server);
}

static char *
unique_name (const char *what)
{
  return g_strdup_printf ("test-%s-%d-%u", what, (int) getpid (), ++unique_counter);
}

/* A client of the local server with a tiny retry backoff, so that retried
 * calls do not slow the suite down. */
static TileboxClient *
new_client_with_key (const char *api_key)
{
  g_autoptr(GError) error = NULL;
  TileboxClient *client;

  client = tilebox_client_new_for_url (server_url, api_key, &error);
  g_assert_no_error (error);
  g_assert_true (TILEBOX_IS_CLIENT (client));
  _tilebox_rpc_set_retry_delay (_tilebox_client_get_rpc (client), 1);

  return client;
}

static TileboxClient *
new_client (void)
{
  return new_client_with_key (NULL);
}

static TileboxDataset *
get_dataset_sync (TileboxClient *client,
                  const char    *slug)
{
  g_autoptr(GError) error = NULL;
  TileboxDataset *dataset = tilebox_client_get_dataset (client, slug, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (TILEBOX_IS_DATASET (dataset));
  return dataset;
}

static gboolean
flag_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the test's main context until *slot is set, failing the test
 * after WAIT_TIMEOUT_S. */
static void
wait_for_pointer (gpointer *slot)
{
  gboolean timed_out = FALSE;
  GSource *guard = g_timeout_source_new_seconds (WAIT_TIMEOUT_S);

  g_source_set_callback (guard, flag_cb, &timed_out, NULL);
  g_source_attach (guard, test_context);
  while (*slot == NULL && !timed_out)
    g_main_context_iteration (test_context, TRUE);
  g_source_destroy (guard);
  g_source_unref (guard);

  g_assert_false (timed_out);
}

static void
async_ready_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  /* The callback comes on the thread-default context of the caller. */
  g_assert_true (g_main_context_is_owner (test_context));
  g_assert_null (*slot);
  *slot = g_object_ref (result);
}

static GAsyncResult *
wait_for_result (GAsyncResult **slot)
{
  wait_for_pointer ((gpointer *) slot);
  return g_steal_pointer (slot);
}

static void
assert_is_uuid (const char *s)
{
  g_assert_nonnull (s);
  g_assert_cmpuint (strlen (s), ==, 36);
  g_assert_true (g_uuid_string_is_valid (s));
}

static gboolean
ptr_array_has_name (GPtrArray  *array,
                    const char *(*get_name) (gpointer),
                    const char *name)
{
  for (guint i = 0; i < array->len; i++)
    if (g_strcmp0 (get_name (g_ptr_array_index (array, i)), name) == 0)
      return TRUE;
  return FALSE;
}

/* Deletes the collection called name of dataset if it exists. */
static void
delete_collection_if_exists (TileboxDataset *dataset,
                             const char     *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxCollection) collection = NULL;

  collection = tilebox_dataset_get_collection (dataset, name, NULL, &error);
  if (collection == NULL)
    {
      g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_NOT_FOUND);
      return;
    }
  g_assert_true (tilebox_dataset_delete_collection (dataset, collection, NULL, &error));
  g_assert_no_error (error);
}

static void
assert_collection_absent (TileboxDataset *dataset,
                          const char     *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxCollection) collection = NULL;

  collection = tilebox_dataset_get_collection (dataset, name, NULL, &error);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_NOT_FOUND);
  g_assert_null (collection);
}

/* --- the operations, as a table ---------------------------------------- */

typedef struct _Op Op;

typedef struct {
  const Op *op;
  TileboxClient *client;
  TileboxDataset *dataset;
  TileboxCollection *collection;
  char *name;              /* the argument: a slug, an id or a collection name */
  char *cleanup_name;      /* a collection the test may create, deleted afterwards */
  guint count_notifies;
  guint has_count_notifies;
  guint availability_notifies;
} OpCtx;

struct _Op {
  const char *path;
  /* Requests a successful call makes; the requests before the last one
   * succeed before a fault can be injected into the last one. */
  guint n_requests;
  void (*setup) (OpCtx *ctx);
  gpointer (*call) (OpCtx *ctx, GCancellable *cancellable, GError **error);
  void (*call_async) (OpCtx *ctx, GCancellable *cancellable, GAsyncReadyCallback cb, gpointer data);
  gpointer (*finish) (OpCtx *ctx, GAsyncResult *result, GError **error);
  /* Asserts a successful result and frees it; may make more requests. */
  void (*check) (OpCtx *ctx, gpointer result);
};

static OpCtx *
op_ctx_new (const Op *op)
{
  OpCtx *ctx = g_new0 (OpCtx, 1);

  reset_server ();
  ctx->op = op;
  ctx->client = new_client ();
  if (op->setup != NULL)
    op->setup (ctx);
  return ctx;
}

static void
op_ctx_free (OpCtx *ctx)
{
  reset_server ();
  if (ctx->cleanup_name != NULL)
    delete_collection_if_exists (ctx->dataset, ctx->cleanup_name);
  g_clear_object (&ctx->collection);
  g_clear_object (&ctx->dataset);
  g_clear_object (&ctx->client);
  g_free (ctx->name);
  g_free (ctx->cleanup_name);
  g_free (ctx);
}

static void
setup_dataset (OpCtx *ctx)
{
  ctx->dataset = get_dataset_sync (ctx->client, S2_SLUG);
}

/* list datasets */

static gpointer
list_datasets_call (OpCtx *ctx, GCancellable *c, GError **error)
{
  return tilebox_client_list_datasets (ctx->client, c, error);
}

static void
list_datasets_call_async (OpCtx *ctx, GCancellable *c, GAsyncReadyCallback cb, gpointer data)
{
  tilebox_client_list_datasets_async (ctx->client, c, cb, data);
}

static gpointer
list_datasets_finish (OpCtx *ctx, GAsyncResult *result, GError **error)
{
  return tilebox_client_list_datasets_finish (ctx->client, result, error);
}

static void
list_datasets_check (OpCtx *ctx, gpointer result)
{
  g_autoptr(GPtrArray) datasets = result;
  TileboxDataset *s2 = NULL, *ers = NULL, *weather = NULL;

  g_assert_cmpuint (datasets->len, ==, 3);
  for (guint i = 0; i < datasets->len; i++)
    {
      TileboxDataset *dataset = g_ptr_array_index (datasets, i);

      g_assert_true (TILEBOX_IS_DATASET (dataset));
      if (g_str_equal (tilebox_dataset_get_slug (dataset), S2_SLUG))
        s2 = dataset;
      else if (g_str_equal (tilebox_dataset_get_slug (dataset), ERS_SLUG))
        ers = dataset;
      else if (g_str_equal (tilebox_dataset_get_slug (dataset), WEATHER_SLUG))
        weather = dataset;
      /* Each dataset of a list knows its group. */
      g_assert_nonnull (tilebox_dataset_get_group (dataset));
      g_assert_cmpstr (tilebox_dataset_group_get_id (tilebox_dataset_get_group (dataset)), ==,
                       tilebox_dataset_get_group_id (dataset));
    }
  g_assert_nonnull (s2);
  g_assert_nonnull (ers);
  g_assert_nonnull (weather);

  g_assert_cmpstr (tilebox_dataset_group_get_name (tilebox_dataset_get_group (s2)), ==, "Copernicus");
  g_assert_cmpstr (tilebox_dataset_group_get_name (tilebox_dataset_get_group (ers)), ==, "Alaska Satellite Facility");
  g_assert_cmpstr (tilebox_dataset_group_get_name (tilebox_dataset_get_group (weather)), ==, "Demo");
  /* The catalogue is one tree: the two open-data groups share one parent object. */
  g_assert_nonnull (tilebox_dataset_group_get_parent (tilebox_dataset_get_group (s2)));
  g_assert_true (tilebox_dataset_group_get_parent (tilebox_dataset_get_group (s2)) ==
                 tilebox_dataset_group_get_parent (tilebox_dataset_get_group (ers)));
  g_assert_cmpstr (tilebox_dataset_group_get_name (tilebox_dataset_group_get_parent (tilebox_dataset_get_group (s2))),
                   ==, "Open data");
  g_assert_null (tilebox_dataset_group_get_parent (tilebox_dataset_get_group (weather)));
  g_assert_cmpint (tilebox_dataset_get_kind (weather), ==, TILEBOX_DATASET_KIND_TEMPORAL);
}

/* list dataset groups */

static gpointer
list_groups_call (OpCtx *ctx, GCancellable *c, GError **error)
{
  return tilebox_client_list_dataset_groups (ctx->client, c, error);
}

static void
list_groups_call_async (OpCtx *ctx, GCancellable *c, GAsyncReadyCallback cb, gpointer data)
{
  tilebox_client_list_dataset_groups_async (ctx->client, c, cb, data);
}

static gpointer
list_groups_finish (OpCtx *ctx, GAsyncResult *result, GError **error)
{
  return tilebox_client_list_dataset_groups_finish (ctx->client, result, error);
}

static TileboxDatasetGroup *
find_group (GPtrArray  *groups,
            const char *name)
{
  for (guint i = 0; i < groups->len; i++)
    if (g_str_equal (tilebox_dataset_group_get_name (g_ptr_array_index (groups, i)), name))
      return g_ptr_array_index (groups, i);
  return NULL;
}

static void
list_groups_check (OpCtx *ctx, gpointer result)
{
  g_autoptr(GPtrArray) groups = result;
  TileboxDatasetGroup *open_data, *copernicus, *asf, *demo;

  g_assert_cmpuint (groups->len, ==, 4);
  open_data = find_group (groups, "Open data");
  copernicus = find_group (groups, "Copernicus");
  asf = find_group (groups, "Alaska Satellite Facility");
  demo = find_group (groups, "Demo");
  g_assert_nonnull (open_data);
  g_assert_nonnull (copernicus);
  g_assert_nonnull (asf);
  g_assert_nonnull (demo);

  g_assert_cmpstr (tilebox_dataset_group_get_code_name (copernicus), ==, "copernicus");
  assert_is_uuid (tilebox_dataset_group_get_id (copernicus));
  /* Parents are the very objects of the list. */
  g_assert_true (tilebox_dataset_group_get_parent (copernicus) == open_data);
  g_assert_true (tilebox_dataset_group_get_parent (asf) == open_data);
  g_assert_cmpstr (tilebox_dataset_group_get_parent_id (copernicus), ==, tilebox_dataset_group_get_id (open_data));
  g_assert_null (tilebox_dataset_group_get_parent (open_data));
  g_assert_null (tilebox_dataset_group_get_parent (demo));
}

/* get dataset */

static void
get_dataset_setup (OpCtx *ctx)
{
  ctx->name = g_strdup (S2_SLUG);
}

static gpointer
get_dataset_call (OpCtx *ctx, GCancellable *c, GError **error)
{
  return tilebox_client_get_dataset (ctx->client, ctx->name, c, error);
}

static void
get_dataset_call_async (OpCtx *ctx, GCancellable *c, GAsyncReadyCallback cb, gpointer data)
{
  tilebox_client_get_dataset_async (ctx->client, ctx->name, c, cb, data);
}

static gpointer
get_dataset_finish (OpCtx *ctx, GAsyncResult *result, GError **error)
{
  return tilebox_client_get_dataset_finish (ctx->client, result, error);
}

static void
dataset_check (OpCtx *ctx, gpointer result)
{
  g_autoptr(TileboxDataset) dataset = result;

  g_assert_true (TILEBOX_IS_DATASET (dataset));
  g_assert_cmpstr (tilebox_dataset_get_slug (dataset), ==, S2_SLUG);
  g_assert_cmpstr (tilebox_dataset_get_name (dataset), ==, "Sentinel-2 MSI");
  assert_is_uuid (tilebox_dataset_get_id (dataset));
  g_assert_cmpuint (tilebox_schema_get_n_fields (tilebox_dataset_get_schema (dataset)), ==, 10);
}

/* get dataset by id */

static void
get_dataset_by_id_setup (OpCtx *ctx)
{
  g_autoptr(TileboxDataset) dataset = get_dataset_sync (ctx->client, S2_SLUG);

  ctx->name = g_strdup (tilebox_dataset_get_id (dataset));
}

static gpointer
get_dataset_by_id_call (OpCtx *ctx, GCancellable *c, GError **error)
{
  return tilebox_client_get_dataset_by_id (ctx->client, ctx->name, c, error);
}

static void
get_dataset_by_id_call_async (OpCtx *ctx, GCancellable *c, GAsyncReadyCallback cb, gpointer data)
{
  tilebox_client_get_dataset_by_id_async (ctx->client, ctx->name, c, cb, data);
}

static gpointer
get_dataset_by_id_finish (OpCtx *ctx, GAsyncResult *result, GError **error)
{
  return tilebox_client_get_dataset_by_id_finish (ctx->client, result, error);
}

static void
dataset_by_id_check (OpCtx *ctx, gpointer result)
{
  g_assert_cmpstr (tilebox_dataset_get_id (result), ==, ctx->name);
  dataset_check (ctx, result);
}

/* list collections */

static gpointer
list_collections_call (OpCtx *ctx, GCancellable *c, GError **error)
{
  return tilebox_dataset_list_collections (ctx->dataset, c, error);
}

static void
list_collections_call_async (OpCtx *ctx, GCancellable *c, GAsyncReadyCallback cb, gpointer data)
{
  tilebox_dataset_list_collections_async (ctx->dataset, c, cb, data);
}

static gpointer
list_collections_finish (OpCtx *ctx, GAsyncResult *result, GError **error)
{
  return tilebox_dataset_list_collections_finish (ctx->dataset, result, error);
}

static void
list_collections_check (OpCtx *ctx, gpointer result)
{
  g_autoptr(GPtrArray) collections = result;
  static const char *const names[] = { "S2A_S2MSI1C", "S2B_S2MSI1C", "S2A_S2MSI2A", "S2C_S2MSI2A" };

  /* Other tests' collections are deleted again; only the demo ones stay. */
  g_assert_cmpuint (collections->len, ==, G_N_ELEMENTS (names));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_true (ptr_array_has_name (collections, (const char *(*) (gpointer)) tilebox_collection_get_name, names[i]));
  for (guint i = 0; i < collections->len; i++)
    {
      TileboxCollection *collection = g_ptr_array_index (collections, i);
      TileboxTimeInterval *availability = tilebox_collection_get_availability (collection);

      g_assert_true (tilebox_collection_get_dataset (collection) == ctx->dataset);
      assert_is_uuid (tilebox_collection_get_id (collection));
      /* Listed with their availability: the demo data lie in 2025. */
      g_assert_nonnull (availability);
      g_assert_cmpint (g_date_time_get_year (tilebox_time_interval_get_start (availability)), ==, 2025);
      g_assert_cmpint (g_date_time_get_year (tilebox_time_interval_get_end (availability)), ==, 2025);
      g_assert_true (g_date_time_compare (tilebox_time_interval_get_start (availability),
                                          tilebox_time_interval_get_end (availability)) < 0);
    }
}

/* get collection */

static void
get_collection_setup (OpCtx *ctx)
{
  setup_dataset (ctx);
  ctx->name = g_strdup ("S2B_S2MSI1C");
}

static gpointer
get_collection_call (OpCtx *ctx, GCancellable *c, GError **error)
{
  return tilebox_dataset_get_collection (ctx->dataset, ctx->name, c, error);
}

static void
get_collection_call_async (OpCtx *ctx, GCancellable *c, GAsyncReadyCallback cb, gpointer data)
{
  tilebox_dataset_get_collection_async (ctx->dataset, ctx->name, c, cb, data);
}

static gpointer
get_collection_finish (OpCtx *ctx, GAsyncResult *result, GError **error)
{
  return tilebox_dataset_get_collection_finish (ctx->dataset, result, error);
}

/* An existing demo collection: it has data, so an availability. */
static void
existing_collection_check (OpCtx *ctx, gpointer result)
{
  g_autoptr(TileboxCollection) collection = result;

  g_assert_true (TILEBOX_IS_COLLECTION (collection));
  g_assert_cmpstr (tilebox_collection_get_name (collection), ==, ctx->name);
  g_assert_true (tilebox_collection_get_dataset (collection) == ctx->dataset);
  assert_is_uuid (tilebox_collection_get_id (collection));
  g_assert_nonnull (tilebox_collection_get_availability (collection));
  /* Only a refresh asks for the count. */
  g_assert_false (tilebox_collection_get_has_count (collection));
  g_assert_cmpuint (tilebox_collection_get_count (collection), ==, 0);
}

/* create collection */

static void
new_collection_setup (OpCtx *ctx)
{
  setup_dataset (ctx);
  ctx->name = unique_name ("create");
  ctx->cleanup_name = g_strdup (ctx->name);
}

static gpointer
create_collection_call (OpCtx *ctx, GCancellable *c, GError **error)
{
  return tilebox_dataset_create_collection (ctx->dataset, ctx->name, c, error);
}

static void
create_collection_call_async (OpCtx *ctx, GCancellable *c, GAsyncReadyCallback cb, gpointer data)
{
  tilebox_dataset_create_collection_async (ctx->dataset, ctx->name, c, cb, data);
}

static gpointer
create_collection_finish (OpCtx *ctx, GAsyncResult *result, GError **error)
{
  return tilebox_dataset_create_collection_finish (ctx->dataset, result, error);
}

/* A new collection: empty, and found afterwards under its name. */
static void
new_collection_check (OpCtx *ctx, gpointer result)
{
  g_autoptr(TileboxCollection) collection = result;
  g_autoptr(TileboxCollection) again = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (TILEBOX_IS_COLLECTION (collection));
  g_assert_cmpstr (tilebox_collection_get_name (collection), ==, ctx->name);
  g_assert_true (tilebox_collection_get_dataset (collection) == ctx->dataset);
  assert_is_uuid (tilebox_collection_get_id (collection));
  g_assert_null (tilebox_collection_get_availability (collection));

  again = tilebox_dataset_get_collection (ctx->dataset, ctx->name, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tilebox_collection_get_id (again), ==, tilebox_collection_get_id (collection));
}

/* get or create collection */

static void
get_or_create_existing_setup (OpCtx *ctx)
{
  setup_dataset (ctx);
  ctx->name = g_strdup ("S2A_S2MSI2A");
}

static gpointer
get_or_create_call (OpCtx *ctx, GCancellable *c, GError **error)
{
  return tilebox_dataset_get_or_create_collection (ctx->dataset, ctx->name, c, error);
}

static void
get_or_create_call_async (OpCtx *ctx, GCancellable *c, GAsyncReadyCallback cb, gpointer data)
{
  tilebox_dataset_get_or_create_collection_async (ctx->dataset, ctx->name, c, cb, data);
}

static gpointer
get_or_create_finish (OpCtx *ctx, GAsyncResult *result, GError **error)
{
  return tilebox_dataset_get_or_create_collection_finish (ctx->dataset, result, error);
}

/* delete collection */

static void
delete_collection_setup (OpCtx *ctx)
{
  g_autoptr(GError) error = NULL;

  setup_dataset (ctx);
  ctx->name = unique_name ("delete");
  ctx->cleanup_name = g_strdup (ctx->name);
  ctx->collection = tilebox_dataset_create_collection (ctx->dataset, ctx->name, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ctx->collection);
}

static gpointer
delete_collection_call (OpCtx *ctx, GCancellable *c, GError **error)
{
  return GINT_TO_POINTER (tilebox_dataset_delete_collection (ctx->dataset, ctx->collection, c, error));
}

static void
delete_collection_call_async (OpCtx *ctx, GCancellable *c, GAsyncReadyCallback cb, gpointer data)
{
  tilebox_dataset_delete_collection_async (ctx->dataset, ctx->collection, c, cb, data);
}

static gpointer
delete_collection_finish (OpCtx *ctx, GAsyncResult *result, GError **error)
{
  return GINT_TO_POINTER (tilebox_dataset_delete_collection_finish (ctx->dataset, result, error));
}

static void
delete_collection_check (OpCtx *ctx, gpointer result)
{
  g_autoptr(GPtrArray) collections = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (GPOINTER_TO_INT (result));
  assert_collection_absent (ctx->dataset, ctx->name);
  collections = tilebox_dataset_list_collections (ctx->dataset, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (ptr_array_has_name (collections, (const char *(*) (gpointer)) tilebox_collection_get_name, ctx->name));
}

/* refresh */

static void
count_notify_cb (GObject *object, GParamSpec *pspec, guint *counter)
{
  (*counter)++;
}

static void
refresh_setup (OpCtx *ctx)
{
  g_autoptr(GError) error = NULL;

  setup_dataset (ctx);
  ctx->name = g_strdup ("S2A_S2MSI1C");
  ctx->collection = tilebox_dataset_get_collection (ctx->dataset, ctx->name, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (tilebox_collection_get_has_count (ctx->collection));
  g_assert_cmpuint (tilebox_collection_get_count (ctx->collection), ==, 0);
  g_assert_nonnull (tilebox_collection_get_availability (ctx->collection));

  g_signal_connect (ctx->collection, "notify::count", G_CALLBACK (count_notify_cb), &ctx->count_notifies);
  g_signal_connect (ctx->collection, "notify::has-count", G_CALLBACK (count_notify_cb), &ctx->has_count_notifies);
  g_signal_connect (ctx->collection, "notify::availability", G_CALLBACK (count_notify_cb), &ctx->availability_notifies);
}

static gpointer
refresh_call (OpCtx *ctx, GCancellable *c, GError **error)
{
  return GINT_TO_POINTER (tilebox_collection_refresh (ctx->collection, c, error));
}

static void
refresh_call_async (OpCtx *ctx, GCancellable *c, GAsyncReadyCallback cb, gpointer data)
{
  tilebox_collection_refresh_async (ctx->collection, c, cb, data);
}

static gpointer
refresh_finish (OpCtx *ctx, GAsyncResult *result, GError **error)
{
  return GINT_TO_POINTER (tilebox_collection_refresh_finish (ctx->collection, result, error));
}

static void
refresh_check (OpCtx *ctx, gpointer result)
{
  g_autoptr(GError) error = NULL;
  TileboxTimeInterval *availability;

  g_assert_true (GPOINTER_TO_INT (result));
  g_assert_true (tilebox_collection_get_has_count (ctx->collection));
  g_assert_cmpuint (tilebox_collection_get_count (ctx->collection), ==, 3000);
  availability = tilebox_collection_get_availability (ctx->collection);
  g_assert_nonnull (availability);
  g_assert_cmpint (g_date_time_get_year (tilebox_time_interval_get_start (availability)), ==, 2025);
  /* Notified once each for what changed, not at all for what did not. */
  g_assert_cmpuint (ctx->count_notifies, ==, 1);
  g_assert_cmpuint (ctx->has_count_notifies, ==, 1);
  g_assert_cmpuint (ctx->availability_notifies, ==, 0);

  /* A refresh that changes nothing notifies nothing. */
  g_assert_true (tilebox_collection_refresh (ctx->collection, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tilebox_collection_get_count (ctx->collection), ==, 3000);
  g_assert_cmpuint (ctx->count_notifies, ==, 1);
  g_assert_cmpuint (ctx->has_count_notifies, ==, 1);
  g_assert_cmpuint (ctx->availability_notifies, ==, 0);
}

static const Op ops[] = {
  { "list-datasets", 1, NULL,
    list_datasets_call, list_datasets_call_async, list_datasets_finish, list_datasets_check },
  { "list-dataset-groups", 1, NULL,
    list_groups_call, list_groups_call_async, list_groups_finish, list_groups_check },
  { "get-dataset", 1, get_dataset_setup,
    get_dataset_call, get_dataset_call_async, get_dataset_finish, dataset_check },
  { "get-dataset-by-id", 1, get_dataset_by_id_setup,
    get_dataset_by_id_call, get_dataset_by_id_call_async, get_dataset_by_id_finish, dataset_by_id_check },
  { "list-collections", 1, setup_dataset,
    list_collections_call, list_collections_call_async, list_collections_finish, list_collections_check },
  { "get-collection", 1, get_collection_setup,
    get_collection_call, get_collection_call_async, get_collection_finish, existing_collection_check },
  { "create-collection", 1, new_collection_setup,
    create_collection_call, create_collection_call_async, create_collection_finish, new_collection_check },
  /* The get path: one GetCollectionByName. */
  { "get-or-create-collection/existing", 1, get_or_create_existing_setup,
    get_or_create_call, get_or_create_call_async, get_or_create_finish, existing_collection_check },
  /* The create path: GetCollectionByName (not found), then CreateCollection. */
  { "get-or-create-collection/new", 2, new_collection_setup,
    get_or_create_call, get_or_create_call_async, get_or_create_finish, new_collection_check },
  { "delete-collection", 1, delete_collection_setup,
    delete_collection_call, delete_collection_call_async, delete_collection_finish, delete_collection_check },
  { "collection-refresh", 1, refresh_setup,
    refresh_call, refresh_call_async, refresh_finish, refresh_check },
};

/* --- the generic tests of every operation ---------------------------- */

static void
test_op_blocking_succeeds (gconstpointer data)
{
  OpCtx *ctx = op_ctx_new (data);
  g_autoptr(GError) error = NULL;
  guint before = request_count ();
  gpointer result;

  result = ctx->op->call (ctx, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_cmpuint (request_count (), ==, before + ctx->op->n_requests);
  ctx->op->check (ctx, result);

  op_ctx_free (ctx);
}

static void
test_op_async_succeeds (gconstpointer data)
{
  OpCtx *ctx = op_ctx_new (data);
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;
  guint before = request_count ();
  gpointer value;

  ctx->op->call_async (ctx, NULL, async_ready_cb, &slot);
  /* Never completes from within the _async call. */
  g_assert_null (slot);
  result = wait_for_result (&slot);

  value = ctx->op->finish (ctx, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (value);
  g_assert_cmpuint (request_count (), ==, before + ctx->op->n_requests);
  ctx->op->check (ctx, value);

  op_ctx_free (ctx);
}

/* A server error reaches the caller as its TILEBOX_ERROR code with the
 * server's message, unretried; blocking with 403 permission_denied, async
 * with 500 internal. */
static void
test_op_server_error_maps_to_code (gconstpointer data)
{
  OpCtx *ctx = op_ctx_new (data);
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;
  guint before;
  gpointer value;

  before = request_count ();
  _tilebox_server_fail_next (server, 1, 403, "permission_denied", 0);
  value = ctx->op->call (ctx, NULL, &error);
  g_assert_null (value);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PERMISSION_DENIED);
  g_assert_nonnull (strstr (error->message, "Injected failure (HTTP 403)"));
  g_assert_cmpuint (request_count (), ==, before + 1);
  g_clear_error (&error);

  before = request_count ();
  _tilebox_server_fail_next (server, 1, 500, "internal", 0);
  ctx->op->call_async (ctx, NULL, async_ready_cb, &slot);
  result = wait_for_result (&slot);
  value = ctx->op->finish (ctx, result, &error);
  g_assert_null (value);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INTERNAL);
  g_assert_nonnull (strstr (error->message, "Injected failure (HTTP 500)"));
  g_assert_cmpuint (request_count (), ==, before + 1);

  op_ctx_free (ctx);
}

/* A cancellable cancelled before the call fails the call with
 * G_IO_ERROR_CANCELLED, blocking and async, and nothing is sent. */
static void
test_op_cancel_before_start (gconstpointer data)
{
  OpCtx *ctx = op_ctx_new (data);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;
  guint before = request_count ();
  gpointer value;

  g_cancellable_cancel (cancellable);

  value = ctx->op->call (ctx, cancellable, &error);
  g_assert_null (value);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  ctx->op->call_async (ctx, cancellable, async_ready_cb, &slot);
  result = wait_for_result (&slot);
  value = ctx->op->finish (ctx, result, &error);
  g_assert_null (value);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  g_assert_cmpuint (request_count (), ==, before);

  op_ctx_free (ctx);
}

/* Cancels once the request to fail has been answered with 503 and a
 * Retry-After of 30 s, 200 ms into the wait before the retry. For an
 * operation of several requests, the fault is armed once the earlier ones
 * arrived (the server's latency keeps their answers back until then). */
typedef struct {
  GCancellable *cancellable;
  guint base;
  guint n_before;
  guint latency_ms;
  guint state;
  gint64 fire_at;
  gint64 deadline;
  gint stop;          /* atomic */
} Canceller;

#define BACKOFF_FAULTS 10
#define BACKOFF_RETRY_AFTER_S 30

static gboolean
canceller_step (Canceller *c)
{
  guint count = request_count ();
  gint64 now = g_get_monotonic_time ();

  g_assert_cmpint (now, <, c->deadline);
  switch (c->state)
    {
    case 0:
      if (count < c->base + c->n_before)
        return FALSE;
      if (c->n_before > 0)
        _tilebox_server_fail_next (server, BACKOFF_FAULTS, 503, "unavailable", BACKOFF_RETRY_AFTER_S);
      c->state = 1;
      G_GNUC_FALLTHROUGH;
    case 1:
      if (count < c->base + c->n_before + 1)
        return FALSE;
      c->fire_at = now + (gint64) (c->latency_ms + 200) * 1000;
      c->state = 2;
      G_GNUC_FALLTHROUGH;
    case 2:
      if (now < c->fire_at)
        return FALSE;
      g_cancellable_cancel (c->cancellable);
      c->state = 3;
      return TRUE;
    default:
      return TRUE;
    }
}

static gpointer
canceller_thread (gpointer data)
{
  Canceller *c = data;

  while (!g_atomic_int_get (&c->stop) && !canceller_step (c))
    g_usleep (2000);
  return NULL;
}

static gboolean
canceller_source_cb (gpointer data)
{
  return canceller_step (data) ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

static void
canceller_init (Canceller    *c,
                OpCtx        *ctx,
                GCancellable *cancellable)
{
  memset (c, 0, sizeof *c);
  c->cancellable = cancellable;
  c->base = request_count ();
  c->n_before = ctx->op->n_requests - 1;
  c->latency_ms = c->n_before > 0 ? 300 : 0;
  c->deadline = g_get_monotonic_time () + WAIT_TIMEOUT_S * G_USEC_PER_SEC;
  _tilebox_server_set_latency_ms (server, c->latency_ms);
  if (c->n_before == 0)
    _tilebox_server_fail_next (server, BACKOFF_FAULTS, 503, "unavailable", BACKOFF_RETRY_AFTER_S);
}

static void
canceller_assert_done (Canceller *c,
                       gint64     start)
{
  g_assert_cmpuint (c->state, ==, 3);
  /* Well before the 30 s of the Retry-After. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, CANCEL_BOUND_US);
  /* No retry went out after the cancellation. */
  g_assert_cmpuint (request_count (), ==, c->base + c->n_before + 1);
}

static void
test_op_cancel_during_backoff_blocking (gconstpointer data)
{
  OpCtx *ctx = op_ctx_new (data);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  Canceller c;
  GThread *thread;
  gint64 start;
  gpointer value;

  canceller_init (&c, ctx, cancellable);
  start = g_get_monotonic_time ();
  thread = g_thread_new ("canceller", canceller_thread, &c);

  value = ctx->op->call (ctx, cancellable, &error);

  g_atomic_int_set (&c.stop, TRUE);
  g_thread_join (thread);
  g_assert_null (value);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  canceller_assert_done (&c, start);

  op_ctx_free (ctx);
}

static void
test_op_cancel_during_backoff_async (gconstpointer data)
{
  OpCtx *ctx = op_ctx_new (data);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;
  GSource *source;
  Canceller c;
  gint64 start;
  gpointer value;

  canceller_init (&c, ctx, cancellable);
  start = g_get_monotonic_time ();
  source = g_timeout_source_new (2);
  g_source_set_callback (source, canceller_source_cb, &c, NULL);
  g_source_attach (source, test_context);

  ctx->op->call_async (ctx, cancellable, async_ready_cb, &slot);
  result = wait_for_result (&slot);
  g_source_destroy (source);
  g_source_unref (source);

  value = ctx->op->finish (ctx, result, &error);
  g_assert_null (value);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  canceller_assert_done (&c, start);

  op_ctx_free (ctx);
}

/* --- datasets, schemas and groups ------------------------------------------ */

static TileboxDataset *
find_dataset (GPtrArray  *datasets,
              const char *slug)
{
  for (guint i = 0; i < datasets->len; i++)
    if (g_str_equal (tilebox_dataset_get_slug (g_ptr_array_index (datasets, i)), slug))
      return g_ptr_array_index (datasets, i);
  return NULL;
}

static void
test_dataset_properties_match_catalogue (void)
{
  g_autoptr(TileboxClient) client = new_client ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) datasets = NULL;
  g_autoptr(TileboxDataset) opened = get_dataset_sync (client, S2_SLUG);
  g_autoptr(TileboxDatasetGroup) group_prop = NULL;
  g_autoptr(TileboxSchema) schema_prop = NULL;
  g_autofree char *slug_prop = NULL;
  TileboxDataset *s2, *weather;
  TileboxDatasetGroup *group, *parent;
  TileboxDatasetKind kind_prop;
  TileboxVisibility visibility_prop;
  TileboxDatasetPermissions permissions_prop;

  datasets = tilebox_client_list_datasets (client, NULL, &error);
  g_assert_no_error (error);
  s2 = find_dataset (datasets, S2_SLUG);
  weather = find_dataset (datasets, WEATHER_SLUG);
  g_assert_nonnull (s2);
  g_assert_nonnull (weather);

  g_assert_cmpstr (tilebox_dataset_get_slug (s2), ==, S2_SLUG);
  g_assert_cmpstr (tilebox_dataset_get_code_name (s2), ==, "sentinel2_msi");
  g_assert_cmpstr (tilebox_dataset_get_name (s2), ==, "Sentinel-2 MSI");
  g_assert_true (g_str_has_prefix (tilebox_dataset_get_summary (s2), "Multi-spectral imagery"));
  g_assert_cmpstr (tilebox_dataset_get_description (s2), !=, "");
  g_assert_cmpstr (tilebox_dataset_get_icon (s2), ==, "");
  assert_is_uuid (tilebox_dataset_get_id (s2));
  g_assert_cmpint (tilebox_dataset_get_kind (s2), ==, TILEBOX_DATASET_KIND_SPATIOTEMPORAL);
  g_assert_cmpint (tilebox_dataset_get_visibility (s2), ==, TILEBOX_VISIBILITY_PUBLIC);
  g_assert_cmpint (tilebox_dataset_get_permissions (s2), ==, TILEBOX_DATASET_PERMISSION_ACCESS_DATA);
  g_assert_false (tilebox_dataset_get_permissions (s2) & TILEBOX_DATASET_PERMISSION_WRITE_DATA);
  g_assert_false (tilebox_dataset_get_permissions (s2) & TILEBOX_DATASET_PERMISSION_EDIT);
  g_assert_false (tilebox_dataset_get_type_editable (s2));

  /* A listed dataset knows its group and the group's parent. */
  group = tilebox_dataset_get_group (s2);
  g_assert_true (TILEBOX_IS_DATASET_GROUP (group));
  g_assert_cmpstr (tilebox_dataset_group_get_name (group), ==, "Copernicus");
  g_assert_cmpstr (tilebox_dataset_group_get_id (group), ==, tilebox_dataset_get_group_id (s2));
  parent = tilebox_dataset_group_get_parent (group);
  g_assert_true (TILEBOX_IS_DATASET_GROUP (parent));
  g_assert_cmpstr (tilebox_dataset_group_get_name (parent), ==, "Open data");
  g_assert_cmpstr (tilebox_dataset_group_get_code_name (parent), ==, "open_data");
  g_assert_null (tilebox_dataset_group_get_parent (parent));

  g_assert_cmpint (tilebox_dataset_get_kind (weather), ==, TILEBOX_DATASET_KIND_TEMPORAL);
  g_assert_cmpstr (tilebox_dataset_group_get_name (tilebox_dataset_get_group (weather)), ==, "Demo");
  g_assert_null (tilebox_dataset_group_get_parent (tilebox_dataset_get_group (weather)));
  g_assert_cmpuint (tilebox_schema_get_n_fields (tilebox_dataset_get_schema (weather)), ==, 9);

  /* A dataset opened on its own is the same dataset; as documented it
   * knows only its group's id. */
  g_assert_cmpstr (tilebox_dataset_get_id (opened), ==, tilebox_dataset_get_id (s2));
  g_assert_cmpstr (tilebox_dataset_get_name (opened), ==, "Sentinel-2 MSI");
  g_assert_cmpint (tilebox_dataset_get_kind (opened), ==, TILEBOX_DATASET_KIND_SPATIOTEMPORAL);
  g_assert_cmpint (tilebox_dataset_get_visibility (opened), ==, TILEBOX_VISIBILITY_PUBLIC);
  g_assert_cmpint (tilebox_dataset_get_permissions (opened), ==, TILEBOX_DATASET_PERMISSION_ACCESS_DATA);
  g_assert_cmpstr (tilebox_dataset_get_group_id (opened), ==, tilebox_dataset_group_get_id (group));
  g_assert_null (tilebox_dataset_get_group (opened));

  /* The GObject properties say the same as the getters. */
  g_object_get (s2,
                "slug", &slug_prop,
                "kind", &kind_prop,
                "visibility", &visibility_prop,
                "permissions", &permissions_prop,
                "group", &group_prop,
                "schema", &schema_prop,
                NULL);
  g_assert_cmpstr (slug_prop, ==, S2_SLUG);
  g_assert_cmpint (kind_prop, ==, TILEBOX_DATASET_KIND_SPATIOTEMPORAL);
  g_assert_cmpint (visibility_prop, ==, TILEBOX_VISIBILITY_PUBLIC);
  g_assert_cmpint (permissions_prop, ==, TILEBOX_DATASET_PERMISSION_ACCESS_DATA);
  g_assert_true (group_prop == group);
  g_assert_true (schema_prop == tilebox_dataset_get_schema (s2));
}

static void
test_dataset_schema_fields_and_types (void)
{
  static const struct {
    const char *name;
    TileboxFieldType type;
  } expected[] = {
    { "time", TILEBOX_FIELD_TYPE_TIMESTAMP },
    { "id", TILEBOX_FIELD_TYPE_UUID },
    { "ingestion_time", TILEBOX_FIELD_TYPE_TIMESTAMP },
    { "geometry", TILEBOX_FIELD_TYPE_GEOMETRY },
    { "granule_name", TILEBOX_FIELD_TYPE_STRING },
    { "processing_level", TILEBOX_FIELD_TYPE_ENUM },
    { "product_type", TILEBOX_FIELD_TYPE_STRING },
    { "cloud_cover", TILEBOX_FIELD_TYPE_DOUBLE },
    { "orbit_number", TILEBOX_FIELD_TYPE_INT64 },
    { "flight_direction", TILEBOX_FIELD_TYPE_ENUM },
  };
  g_autoptr(TileboxClient) client = new_client ();
  g_autoptr(TileboxDataset) s2 = get_dataset_sync (client, S2_SLUG);
  TileboxSchema *schema = tilebox_dataset_get_schema (s2);
  GPtrArray *fields;
  TileboxField *field;

  g_assert_true (TILEBOX_IS_SCHEMA (schema));
  g_assert_cmpuint (tilebox_schema_get_n_fields (schema), ==, G_N_ELEMENTS (expected));
  fields = tilebox_schema_get_fields (schema);
  g_assert_cmpuint (fields->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      field = tilebox_schema_get_field (schema, i);
      g_assert_cmpstr (tilebox_field_get_name (field), ==, expected[i].name);
      g_assert_cmpint (tilebox_field_get_field_type (field), ==, expected[i].type);
      g_assert_true (g_ptr_array_index (fields, i) == field);
      g_assert_true (tilebox_schema_lookup_field (schema, expected[i].name) == field);
      g_assert_false (tilebox_field_get_repeated (field));
    }

  field = tilebox_schema_lookup_field (schema, "processing_level");
  g_assert_cmpstr (tilebox_field_get_type_name (field), ==, "datasets.v1.ProcessingLevel");
  g_assert_true (tilebox_field_get_queryable (field));
  field = tilebox_schema_lookup_field (schema, "cloud_cover");
  g_assert_cmpstr (tilebox_field_get_description (field), ==, "Cloud cover of the granule in percent");
  g_assert_cmpstr (tilebox_field_get_example_value (field), ==, "12.34");
  g_assert_null (tilebox_schema_lookup_field (schema, "no_such_field"));
}

/* A dataset without a type has an empty schema; a type that is malformed or
 * does not define its own message is a protocol error. */
static void
test_schema_from_annotated_type (void)
{
  g_auto(TileboxPbAnnotatedType) type = { 0 };
  g_autoptr(TileboxSchema) empty = NULL;
  g_autoptr(TileboxSchema) schema = NULL;
  g_autoptr(GError) error = NULL;
  const TileboxDescFieldSpec fields[] = {
    { "time", TILEBOX_DESC_TYPE_MESSAGE, FALSE, "google.protobuf.Timestamp" },
    { "tags", TILEBOX_DESC_TYPE_STRING, TRUE, NULL },
  };
  static const guint8 garbage[] = { 0x0a, 0x05, 0x01 };

  empty = _tilebox_schema_new_from_pb (&type, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tilebox_schema_get_n_fields (empty), ==, 0);

  type.type_url = g_strdup ("t.v1.Thing");
  type.descriptor_set = g_bytes_new_static (garbage, sizeof garbage);
  g_assert_null (_tilebox_schema_new_from_pb (&type, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
  g_clear_error (&error);

  g_bytes_unref (type.descriptor_set);
  type.descriptor_set = _tilebox_desc_build_file_set ("t.proto", "t.v1", "Other", fields,
                                                      G_N_ELEMENTS (fields), NULL);
  g_assert_null (_tilebox_schema_new_from_pb (&type, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "t.v1.Thing"));
  g_clear_error (&error);

  g_bytes_unref (type.descriptor_set);
  type.descriptor_set = _tilebox_desc_build_file_set ("t.proto", "t.v1", "Thing", fields,
                                                      G_N_ELEMENTS (fields), NULL);
  schema = _tilebox_schema_new_from_pb (&type, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tilebox_schema_get_n_fields (schema), ==, 2);
  g_assert_cmpint (tilebox_field_get_field_type (tilebox_schema_get_field (schema, 0)), ==,
                   TILEBOX_FIELD_TYPE_TIMESTAMP);
  g_assert_true (tilebox_field_get_repeated (tilebox_schema_lookup_field (schema, "tags")));
  /* The builder numbers fields from 1 in order. */
  g_assert_cmpuint (tilebox_field_get_number (tilebox_schema_lookup_field (schema, "tags")), ==, 2);
  /* No annotations: empty texts, not NULL. */
  g_assert_cmpstr (tilebox_field_get_description (tilebox_schema_get_field (schema, 1)), ==, "");
  g_assert_null (tilebox_schema_lookup_field (schema, "nope"));
  g_assert_null (tilebox_schema_get_field (schema, 2));
}

static void
test_dataset_schema_is_list_model_of_fields (void)
{
  g_autoptr(TileboxClient) client = new_client ();
  g_autoptr(TileboxDataset) s2 = get_dataset_sync (client, S2_SLUG);
  TileboxSchema *schema = tilebox_dataset_get_schema (s2);
  GListModel *model;
  g_autoptr(GObject) first = NULL;
  g_autoptr(GObject) last = NULL;
  g_autoptr(GObject) past_end = NULL;

  g_assert_true (G_IS_LIST_MODEL (schema));
  model = G_LIST_MODEL (schema);
  g_assert_true (g_list_model_get_item_type (model) == TILEBOX_TYPE_FIELD);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 10);

  first = g_list_model_get_item (model, 0);
  g_assert_true (TILEBOX_IS_FIELD (first));
  g_assert_cmpstr (tilebox_field_get_name (TILEBOX_FIELD (first)), ==, "time");
  g_assert_true (TILEBOX_FIELD (first) == tilebox_schema_get_field (schema, 0));
  last = g_list_model_get_item (model, 9);
  g_assert_cmpstr (tilebox_field_get_name (TILEBOX_FIELD (last)), ==, "flight_direction");
  past_end = g_list_model_get_item (model, 10);
  g_assert_null (past_end);
}

/* --- errors of the service -------------------------------------------------- */

static void
test_get_dataset_unknown_slug_is_not_found (void)
{
  g_autoptr(TileboxClient) client = new_client ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxDataset) dataset = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;

  reset_server ();
  dataset = tilebox_client_get_dataset (client, "open_data.nobody.nothing", NULL, &error);
  g_assert_null (dataset);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_NOT_FOUND);
  g_clear_error (&error);

  tilebox_client_get_dataset_async (client, "open_data.nobody.nothing", NULL, async_ready_cb, &slot);
  result = wait_for_result (&slot);
  dataset = tilebox_client_get_dataset_finish (client, result, &error);
  g_assert_null (dataset);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_NOT_FOUND);
}

static void
test_get_dataset_by_id_unknown_is_not_found (void)
{
  g_autoptr(TileboxClient) client = new_client ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxDataset) dataset = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;
  const char *unknown = "00000000-0000-4000-8000-000000000000";

  reset_server ();
  dataset = tilebox_client_get_dataset_by_id (client, unknown, NULL, &error);
  g_assert_null (dataset);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_NOT_FOUND);
  g_clear_error (&error);

  tilebox_client_get_dataset_by_id_async (client, unknown, NULL, async_ready_cb, &slot);
  result = wait_for_result (&slot);
  dataset = tilebox_client_get_dataset_by_id_finish (client, result, &error);
  g_assert_null (dataset);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_NOT_FOUND);
}

static void
test_get_collection_unknown_is_not_found (void)
{
  g_autoptr(TileboxClient) client = new_client ();
  g_autoptr(TileboxDataset) s2 = get_dataset_sync (client, S2_SLUG);
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxCollection) collection = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;

  reset_server ();
  /* A name of another dataset's collection is not one of this dataset's. */
  collection = tilebox_dataset_get_collection (s2, "berlin", NULL, &error);
  g_assert_null (collection);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_NOT_FOUND);
  g_clear_error (&error);

  tilebox_dataset_get_collection_async (s2, "no-such-collection", NULL, async_ready_cb, &slot);
  result = wait_for_result (&slot);
  collection = tilebox_dataset_get_collection_finish (s2, result, &error);
  g_assert_null (collection);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_NOT_FOUND);
}

static void
test_create_collection_duplicate_is_already_exists (void)
{
  g_autoptr(TileboxClient) client = new_client ();
  g_autoptr(TileboxDataset) s2 = get_dataset_sync (client, S2_SLUG);
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxCollection) first = NULL;
  g_autoptr(TileboxCollection) second = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *name = unique_name ("duplicate");
  GAsyncResult *slot = NULL;

  reset_server ();
  first = tilebox_dataset_create_collection (s2, name, NULL, &error);
  g_assert_no_error (error);

  second = tilebox_dataset_create_collection (s2, name, NULL, &error);
  g_assert_null (second);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_ALREADY_EXISTS);
  g_clear_error (&error);

  /* A demo collection too. */
  tilebox_dataset_create_collection_async (s2, "S2A_S2MSI1C", NULL, async_ready_cb, &slot);
  result = wait_for_result (&slot);
  second = tilebox_dataset_create_collection_finish (s2, result, &error);
  g_assert_null (second);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_ALREADY_EXISTS);

  delete_collection_if_exists (s2, name);
}

static void
test_get_or_create_collection_returns_the_existing_one (void)
{
  g_autoptr(TileboxClient) client = new_client ();
  g_autoptr(TileboxDataset) s2 = get_dataset_sync (client, S2_SLUG);
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxCollection) created = NULL;
  g_autoptr(TileboxCollection) got = NULL;
  g_autoptr(TileboxCollection) got_async = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *name = unique_name ("get-or-create");
  GAsyncResult *slot = NULL;
  guint before;

  reset_server ();
  created = tilebox_dataset_get_or_create_collection (s2, name, NULL, &error);
  g_assert_no_error (error);

  /* The second time it is found, with one request, and is the same one. */
  before = request_count ();
  got = tilebox_dataset_get_or_create_collection (s2, name, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (request_count (), ==, before + 1);
  g_assert_cmpstr (tilebox_collection_get_id (got), ==, tilebox_collection_get_id (created));

  tilebox_dataset_get_or_create_collection_async (s2, name, NULL, async_ready_cb, &slot);
  result = wait_for_result (&slot);
  got_async = tilebox_dataset_get_or_create_collection_finish (s2, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tilebox_collection_get_id (got_async), ==, tilebox_collection_get_id (created));

  delete_collection_if_exists (s2, name);
}

/* An error other than not-found on the get step is not papered over by a
 * create. */
static void
test_get_or_create_collection_stops_on_other_errors (void)
{
  g_autoptr(TileboxClient) client = new_client ();
  g_autoptr(TileboxDataset) s2 = get_dataset_sync (client, S2_SLUG);
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxCollection) collection = NULL;
  g_autofree char *name = unique_name ("get-or-create-error");
  guint before;

  reset_server ();
  before = request_count ();
  _tilebox_server_fail_next (server, 1, 401, "unauthenticated", 0);
  collection = tilebox_dataset_get_or_create_collection (s2, name, NULL, &error);
  g_assert_null (collection);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_UNAUTHENTICATED);
  g_assert_cmpuint (request_count (), ==, before + 1);
  assert_collection_absent (s2, name);
}

/* Another client creates the collection between get_or_create's GET (not
 * found) and its CREATE: the CREATE fails with ALREADY_EXISTS and the
 * call returns the other client's collection. The server's latency holds
 * the GET's answer back while the collection is inserted into the store. */
typedef struct {
  guint8 dataset_id[16];
  guint8 collection_id[16];
  const char *name;
  guint base;
  gint inserted;     /* atomic */
  gint64 deadline;
} Racer;

static gboolean
racer_step (Racer *r)
{
  g_autoptr(GError) error = NULL;
  TileboxPbCollectionInfo *info;

  g_assert_cmpint (g_get_monotonic_time (), <, r->deadline);
  if (request_count () < r->base + 1)
    return FALSE;

  _tilebox_server_lock (server);
  info = _tilebox_store_insert_collection (_tilebox_server_get_store (server), r->dataset_id,
                                           r->collection_id, r->name, &error);
  _tilebox_server_unlock (server);
  g_assert_no_error (error);
  _tilebox_pb_collection_info_free (info);
  g_atomic_int_set (&r->inserted, TRUE);
  return TRUE;
}

static gpointer
racer_thread (gpointer data)
{
  while (!racer_step (data))
    g_usleep (1000);
  return NULL;
}

static gboolean
racer_source_cb (gpointer data)
{
  return racer_step (data) ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

static void
racer_init (Racer          *r,
            TileboxDataset *dataset,
            const char     *name)
{
  g_autoptr(GError) error = NULL;

  memset (r, 0, sizeof *r);
  g_assert_true (_tilebox_uuid_parse (tilebox_dataset_get_id (dataset), r->dataset_id, "dataset id", &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 16; i++)
    r->collection_id[i] = (guint8) g_random_int_range (0, 256);
  r->name = name;
  r->base = request_count ();
  r->deadline = g_get_monotonic_time () + WAIT_TIMEOUT_S * G_USEC_PER_SEC;
}

static void
test_get_or_create_collection_survives_concurrent_create (void)
{
  g_autoptr(TileboxClient) client = new_client ();
  g_autoptr(TileboxDataset) s2 = get_dataset_sync (client, S2_SLUG);
  g_autofree char *name_blocking = unique_name ("race-blocking");
  g_autofree char *name_async = unique_name ("race-async");
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxCollection) collection = NULL;
  g_autoptr(TileboxCollection) collection_async = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *expected_id = NULL;
  GAsyncResult *slot = NULL;
  GThread *thread;
  GSource *source;
  Racer r;

  reset_server ();
  _tilebox_server_set_latency_ms (server, 300);

  racer_init (&r, s2, name_blocking);
  thread = g_thread_new ("racer", racer_thread, &r);
  collection = tilebox_dataset_get_or_create_collection (s2, name_blocking, NULL, &error);
  g_thread_join (thread);
  g_assert_no_error (error);
  g_assert_true (g_atomic_int_get (&r.inserted));
  expected_id = _tilebox_uuid_to_string (r.collection_id);
  g_assert_cmpstr (tilebox_collection_get_id (collection), ==, expected_id);
  g_assert_cmpstr (tilebox_collection_get_name (collection), ==, name_blocking);
  /* GET (not found), CREATE (already exists), GET. */
  g_assert_cmpuint (request_count (), ==, r.base + 3);
  g_clear_pointer (&expected_id, g_free);

  racer_init (&r, s2, name_async);
  source = g_timeout_source_new (1);
  g_source_set_callback (source, racer_source_cb, &r, NULL);
  g_source_attach (source, test_context);
  tilebox_dataset_get_or_create_collection_async (s2, name_async, NULL, async_ready_cb, &slot);
  result = wait_for_result (&slot);
  g_source_destroy (source);
  g_source_unref (source);
  collection_async = tilebox_dataset_get_or_create_collection_finish (s2, result, &error);
  g_assert_no_error (error);
  g_assert_true (g_atomic_int_get (&r.inserted));
  expected_id = _tilebox_uuid_to_string (r.collection_id);
  g_assert_cmpstr (tilebox_collection_get_id (collection_async), ==, expected_id);
  g_assert_cmpuint (request_count (), ==, r.base + 3);

  reset_server ();
  delete_collection_if_exists (s2, name_blocking);
  delete_collection_if_exists (s2, name_async);
}

static void
test_delete_collection_twice_is_not_found (void)
{
  g_autoptr(TileboxClient) client = new_client ();
  g_autoptr(TileboxDataset) s2 = get_dataset_sync (client, S2_SLUG);
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxCollection) collection = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *name = unique_name ("delete-twice");
  GAsyncResult *slot = NULL;

  reset_server ();
  collection = tilebox_dataset_create_collection (s2, name, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (tilebox_dataset_delete_collection (s2, collection, NULL, &error));
  g_assert_no_error (error);

  g_assert_false (tilebox_dataset_delete_collection (s2, collection, NULL, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_NOT_FOUND);
  g_clear_error (&error);

  tilebox_dataset_delete_collection_async (s2, collection, NULL, async_ready_cb, &slot);
  result = wait_for_result (&slot);
  g_assert_false (tilebox_dataset_delete_collection_finish (s2, result, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_NOT_FOUND);
}

static void
test_collection_refresh_of_deleted_is_not_found (void)
{
  g_autoptr(TileboxClient) client = new_client ();
  g_autoptr(TileboxDataset) s2 = get_dataset_sync (client, S2_SLUG);
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxCollection) collection = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *name = unique_name ("refresh-deleted");
  GAsyncResult *slot = NULL;
  guint notifies = 0;

  reset_server ();
  collection = tilebox_dataset_create_collection (s2, name, NULL, &error);
  g_assert_no_error (error);

  /* An empty collection: count known and 0, no availability. */
  g_assert_true (tilebox_collection_refresh (collection, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tilebox_collection_get_has_count (collection));
  g_assert_cmpuint (tilebox_collection_get_count (collection), ==, 0);
  g_assert_null (tilebox_collection_get_availability (collection));

  g_assert_true (tilebox_dataset_delete_collection (s2, collection, NULL, &error));
  g_assert_no_error (error);

  g_signal_connect (collection, "notify", G_CALLBACK (count_notify_cb), &notifies);
  g_assert_false (tilebox_collection_refresh (collection, NULL, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_NOT_FOUND);
  g_clear_error (&error);

  tilebox_collection_refresh_async (collection, NULL, async_ready_cb, &slot);
  result = wait_for_result (&slot);
  g_assert_false (tilebox_collection_refresh_finish (collection, result, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_NOT_FOUND);

  /* A failed refresh leaves the collection as it was. */
  g_assert_cmpuint (notifies, ==, 0);
  g_assert_true (tilebox_collection_get_has_count (collection));
}

static void
test_unreachable_server_keeps_gio_error (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxClient) client = NULL;
  g_autoptr(GPtrArray) datasets = NULL;

  /* Port 1 on loopback: nobody listens there. */
  client = tilebox_client_new_for_url ("http://127.0.0.1:1", NULL, &error);
  g_assert_no_error (error);
  datasets = tilebox_client_list_datasets (client, NULL, &error);
  g_assert_null (datasets);
  g_assert_nonnull (error);
  g_assert_true (error->domain == G_IO_ERROR);
  g_assert_nonnull (strstr (error->message, "http://127.0.0.1:1"));
}

static void
test_timeout_is_deadline_exceeded (void)
{
  g_autoptr(TileboxClient) client = new_client ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) datasets = NULL;
  gint64 start;

  reset_server ();
  tilebox_client_set_timeout (client, 1);
  g_assert_cmpuint (tilebox_client_get_timeout (client), ==, 1);
  _tilebox_server_set_latency_ms (server, 2500);

  start = g_get_monotonic_time ();
  datasets = tilebox_client_list_datasets (client, NULL, &error);
  g_assert_null (datasets);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_DEADLINE_EXCEEDED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2400 * 1000);

  reset_server ();
}

/* --- input the library refuses before sending ----------------------------- */

static void
test_invalid_slug_is_refused_without_traffic (void)
{
  static const char *const slugs[] = { "", "a..b", "with space", ".leading", "trailing.", "a/b", "ünïcode" };
  g_autoptr(TileboxClient) client = new_client ();
  guint before = request_count ();

  for (guint i = 0; i < G_N_ELEMENTS (slugs); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TileboxDataset) dataset = NULL;
      g_autoptr(GAsyncResult) result = NULL;
      GAsyncResult *slot = NULL;

      dataset = tilebox_client_get_dataset (client, slugs[i], NULL, &error);
      g_assert_null (dataset);
      g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, slugs[i]));
      g_clear_error (&error);

      tilebox_client_get_dataset_async (client, slugs[i], NULL, async_ready_cb, &slot);
      g_assert_null (slot);
      result = wait_for_result (&slot);
      dataset = tilebox_client_get_dataset_finish (client, result, &error);
      g_assert_null (dataset);
      g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
    }
  g_assert_cmpuint (request_count (), ==, before);
}

static void
test_invalid_dataset_id_is_refused_without_traffic (void)
{
  static const char *const ids[] = {
    "",
    "not-a-uuid",
    "0194 f29-c650-202f-6495-c71dd2118fb1",
    "01941f29-c650-202f-6495-c71dd2118fb",    /* one short */
    "01941f29-c650-202f-6495-c71dd2118fb1a",  /* one long */
    "01941f29c650-202f-6495-c71dd2118fb1a",   /* dash missing */
    "0194gf29-c650-202f-6495-c71dd2118fb1",   /* not hex */
  };
  g_autoptr(TileboxClient) client = new_client ();
  guint before = request_count ();

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TileboxDataset) dataset = NULL;
      g_autoptr(GAsyncResult) result = NULL;
      GAsyncResult *slot = NULL;

      dataset = tilebox_client_get_dataset_by_id (client, ids[i], NULL, &error);
      g_assert_null (dataset);
      g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);

      tilebox_client_get_dataset_by_id_async (client, ids[i], NULL, async_ready_cb, &slot);
      result = wait_for_result (&slot);
      dataset = tilebox_client_get_dataset_by_id_finish (client, result, &error);
      g_assert_null (dataset);
      g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
    }
  g_assert_cmpuint (request_count (), ==, before);
}

static void
test_invalid_collection_name_is_refused_without_traffic (void)
{
  static const char *const names[] = { "", "tab\there", "new\nline", "\xff\xfe" };
  g_autoptr(TileboxClient) client = new_client ();
  g_autoptr(TileboxDataset) s2 = get_dataset_sync (client, S2_SLUG);
  guint before = request_count ();

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TileboxCollection) collection = NULL;
      g_autoptr(GAsyncResult) r1 = NULL;
      g_autoptr(GAsyncResult) r2 = NULL;
      g_autoptr(GAsyncResult) r3 = NULL;
      GAsyncResult *slot = NULL;

      collection = tilebox_dataset_get_collection (s2, names[i], NULL, &error);
      g_assert_null (collection);
      g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);
      collection = tilebox_dataset_create_collection (s2, names[i], NULL, &error);
      g_assert_null (collection);
      g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);
      collection = tilebox_dataset_get_or_create_collection (s2, names[i], NULL, &error);
      g_assert_null (collection);
      g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);

      tilebox_dataset_get_collection_async (s2, names[i], NULL, async_ready_cb, &slot);
      r1 = wait_for_result (&slot);
      collection = tilebox_dataset_get_collection_finish (s2, r1, &error);
      g_assert_null (collection);
      g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);
      tilebox_dataset_create_collection_async (s2, names[i], NULL, async_ready_cb, &slot);
      r2 = wait_for_result (&slot);
      collection = tilebox_dataset_create_collection_finish (s2, r2, &error);
      g_assert_null (collection);
      g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);
      tilebox_dataset_get_or_create_collection_async (s2, names[i], NULL, async_ready_cb, &slot);
      r3 = wait_for_result (&slot);
      collection = tilebox_dataset_get_or_create_collection_finish (s2, r3, &error);
      g_assert_null (collection);
      g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
    }
  g_assert_cmpuint (request_count (), ==, before);
}

/* --- construction ------------------------------------------------------- */

static void
assert_url_refused (const char *url,
                    const char *api_key)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxClient) client = tilebox_client_new_for_url (url, api_key, &error);

  g_assert_null (client);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
}

static void
assert_url_accepted (const char *url,
                     const char *api_key)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxClient) client = tilebox_client_new_for_url (url, api_key, &error);

  g_assert_no_error (error);
  g_assert_true (TILEBOX_IS_CLIENT (client));
  g_assert_cmpstr (tilebox_client_get_url (client), ==, url);
  g_assert_false (tilebox_client_get_anonymous (client));
}

static void
test_construct_refuses_malformed_urls (void)
{
  guint before = request_count ();

  assert_url_refused ("not a url", NULL);
  assert_url_refused ("", NULL);
  assert_url_refused ("ftp://x", NULL);
  assert_url_refused ("file:///tmp/x", NULL);
  assert_url_refused ("http://", NULL);
  assert_url_refused ("http://example.com/?query=1", NULL);
  assert_url_refused ("https://example.com/#fragment", NULL);
  g_assert_cmpuint (request_count (), ==, before);
}

/* Bindings construct with g_object_new() (`Tilebox.Client(url=…)`) and may
 * never call g_initable_init(): the first call sets the client up, and a
 * bad URL is that call's error, blocking or async, not a crash. */
static void
test_construct_without_init_sets_up_on_first_call (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxClient) client = g_object_new (TILEBOX_TYPE_CLIENT, "url", server_url, NULL);
  g_autoptr(TileboxClient) bad = g_object_new (TILEBOX_TYPE_CLIENT, "url", "ftp://x", NULL);
  g_autoptr(GPtrArray) datasets = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;
  guint before = request_count ();

  datasets = tilebox_client_list_datasets (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (datasets->len, >, 0);
  g_assert_cmpuint (request_count (), ==, before + 1);

  g_assert_null (tilebox_client_get_dataset (bad, "open_data.copernicus.sentinel2_msi", NULL, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "ftp://x"));
  g_clear_error (&error);

  tilebox_client_list_datasets_async (bad, NULL, async_ready_cb, &slot);
  g_assert_null (slot);
  result = wait_for_result (&slot);
  g_assert_null (tilebox_client_list_datasets_finish (bad, result, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
  g_assert_cmpuint (request_count (), ==, before + 1);
}

static void
test_construct_refuses_api_key_over_plain_http (void)
{
  assert_url_refused ("http://example.com", "KEY");
  assert_url_refused ("http://192.0.2.1:8080", "KEY");
  /* Without a key there is nothing to leak. */
  assert_url_accepted ("http://example.com", NULL);
  assert_url_accepted ("https://example.com", "KEY");
}

static void
test_construct_allows_api_key_over_loopback_http (void)
{
  assert_url_accepted ("http://127.0.0.1:1", "KEY");
  assert_url_accepted ("http://[::1]:1", "KEY");
  assert_url_accepted ("http://localhost:1", "KEY");
}

static void
test_construct_allow_insecure_permits_api_key_over_http (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxClient) client = NULL;
  gboolean allow_insecure = FALSE;

  client = g_initable_new (TILEBOX_TYPE_CLIENT, NULL, &error,
                           "url", "http://example.com",
                           "api-key", "KEY",
                           "allow-insecure", TRUE,
                           NULL);
  g_assert_no_error (error);
  g_assert_true (TILEBOX_IS_CLIENT (client));
  g_object_get (client, "allow-insecure", &allow_insecure, NULL);
  g_assert_true (allow_insecure);
  g_assert_false (tilebox_client_get_anonymous (client));
}

static void
test_construct_anonymous_only_for_default_url_without_key (void)
{
  g_autofree char *saved = g_strdup (g_getenv ("TILEBOX_API_KEY"));
  g_autoptr(TileboxClient) anonymous = NULL;
  g_autoptr(TileboxClient) with_env_key = NULL;
  g_autoptr(TileboxClient) default_url_with_key = NULL;
  g_autoptr(TileboxClient) local = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *api_key = NULL;
  gboolean anonymous_prop = FALSE;

  g_unsetenv ("TILEBOX_API_KEY");
  anonymous = tilebox_client_new ();
  g_assert_cmpstr (tilebox_client_get_url (anonymous), ==, TILEBOX_DEFAULT_URL);
  g_assert_true (tilebox_client_get_anonymous (anonymous));
  g_object_get (anonymous, "anonymous", &anonymous_prop, "api-key", &api_key, NULL);
  g_assert_true (anonymous_prop);
  g_assert_null (api_key);

  g_setenv ("TILEBOX_API_KEY", "KEY-FROM-ENV", TRUE);
  with_env_key = tilebox_client_new ();
  g_assert_false (tilebox_client_get_anonymous (with_env_key));
  g_clear_pointer (&api_key, g_free);
  g_object_get (with_env_key, "api-key", &api_key, NULL);
  g_assert_cmpstr (api_key, ==, "KEY-FROM-ENV");

  /* The default URL spelled with a trailing slash is still the default. */
  {
    g_autoptr(TileboxClient) slash = tilebox_client_new_for_url (TILEBOX_DEFAULT_URL "/", NULL, &error);

    g_assert_no_error (error);
    g_assert_true (tilebox_client_get_anonymous (slash));
  }

  default_url_with_key = tilebox_client_new_for_url (TILEBOX_DEFAULT_URL, "KEY", &error);
  g_assert_no_error (error);
  g_assert_false (tilebox_client_get_anonymous (default_url_with_key));

  local = tilebox_client_new_for_url (server_url, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (tilebox_client_get_anonymous (local));

  if (saved != NULL)
    g_setenv ("TILEBOX_API_KEY", saved, TRUE);
  else
    g_unsetenv ("TILEBOX_API_KEY");
}

static void
test_construct_properties_round_trip (void)
{
  g_autoptr(TileboxClient) client = new_client ();
  guint notified = 0;

  g_assert_cmpuint (tilebox_client_get_timeout (client), ==, 0);
  g_assert_cmpuint (tilebox_client_get_max_retries (client), ==, TILEBOX_RPC_DEFAULT_MAX_RETRIES);
  g_assert_null (tilebox_client_get_user_agent (client));

  g_signal_connect (client, "notify::max-retries", G_CALLBACK (count_notify_cb), &notified);
  tilebox_client_set_max_retries (client, 2);
  tilebox_client_set_max_retries (client, 2);
  g_assert_cmpuint (tilebox_client_get_max_retries (client), ==, 2);
  g_assert_cmpuint (notified, ==, 1);
}

/* --- what goes over the wire ---------------------------------------------- */

static void
test_headers_sent_with_key_user_agent_and_timeout (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxClient) client = NULL;
  g_autoptr(GPtrArray) datasets = NULL;
  g_autofree char *protocol = NULL;
  g_autofree char *content_type = NULL;
  g_autofree char *accept_encoding = NULL;
  g_autofree char *user_agent = NULL;
  g_autofree char *authorization = NULL;
  g_autofree char *timeout = NULL;
  g_autofree char *path = NULL;

  reset_server ();
  client = g_initable_new (TILEBOX_TYPE_CLIENT, NULL, &error,
                           "url", server_url,
                           "api-key", "KEY",
                           "user-agent", "my-app/1.2",
                           "timeout", 5,
                           NULL);
  g_assert_no_error (error);
  g_assert_cmpstr (tilebox_client_get_user_agent (client), ==, "my-app/1.2");

  datasets = tilebox_client_list_datasets (client, NULL, &error);
  g_assert_no_error (error);

  protocol = _tilebox_server_dup_last_request_header (server, "Connect-Protocol-Version");
  content_type = _tilebox_server_dup_last_request_header (server, "Content-Type");
  accept_encoding = _tilebox_server_dup_last_request_header (server, "Accept-Encoding");
  user_agent = _tilebox_server_dup_last_request_header (server, "User-Agent");
  authorization = _tilebox_server_dup_last_request_header (server, "Authorization");
  timeout = _tilebox_server_dup_last_request_header (server, "Connect-Timeout-Ms");
  path = _tilebox_server_dup_last_request_path (server);

  g_assert_cmpstr (protocol, ==, "1");
  g_assert_cmpstr (content_type, ==, "application/proto");
  g_assert_nonnull (accept_encoding);
  g_assert_nonnull (strstr (accept_encoding, "gzip"));
  g_assert_nonnull (user_agent);
  g_assert_true (g_str_has_prefix (user_agent, "tilebox-glib/" TILEBOX_VERSION_S));
  g_assert_true (g_str_has_suffix (user_agent, " my-app/1.2"));
  g_assert_cmpstr (authorization, ==, "Bearer KEY");
  g_assert_cmpstr (timeout, ==, "5000");
  /* Not the default URL: no anonymous /public prefix. */
  g_assert_cmpstr (path, ==, "/datasets.v1.DatasetService/ListDatasets");
}

static void
test_headers_sent_without_key_user_agent_or_timeout (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxClient) client = new_client ();
  g_autoptr(TileboxDataset) dataset = NULL;
  g_autofree char *user_agent = NULL;
  g_autofree char *authorization = NULL;
  g_autofree char *timeout = NULL;
  g_autofree char *path = NULL;

  reset_server ();
  dataset = tilebox_client_get_dataset (client, S2_SLUG, NULL, &error);
  g_assert_no_error (error);

  user_agent = _tilebox_server_dup_last_request_header (server, "User-Agent");
  authorization = _tilebox_server_dup_last_request_header (server, "Authorization");
  timeout = _tilebox_server_dup_last_request_header (server, "Connect-Timeout-Ms");
  path = _tilebox_server_dup_last_request_path (server);

  g_assert_cmpstr (user_agent, ==, "tilebox-glib/" TILEBOX_VERSION_S);
  g_assert_null (authorization);
  g_assert_null (timeout);
  g_assert_cmpstr (path, ==, "/datasets.v1.DatasetService/GetDataset");
}

/* A server that wants an API key: none or a wrong one is unauthenticated,
 * the right one works. The server's key may change while it serves. */
static void
test_auth_api_key_checked_by_server (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxClient) anonymous = new_client ();
  g_autoptr(TileboxClient) wrong = new_client_with_key ("WRONG");
  g_autoptr(TileboxClient) right = new_client_with_key ("sekrit");
  g_autoptr(GPtrArray) datasets = NULL;
  g_autoptr(TileboxDataset) dataset = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;
  guint before;

  reset_server ();
  _tilebox_server_set_api_key (server, "sekrit");

  before = request_count ();
  datasets = tilebox_client_list_datasets (anonymous, NULL, &error);
  g_assert_null (datasets);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_UNAUTHENTICATED);
  /* Not retried. */
  g_assert_cmpuint (request_count (), ==, before + 1);
  g_clear_error (&error);

  tilebox_client_get_dataset_async (wrong, S2_SLUG, NULL, async_ready_cb, &slot);
  result = wait_for_result (&slot);
  dataset = tilebox_client_get_dataset_finish (wrong, result, &error);
  g_assert_null (dataset);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_UNAUTHENTICATED);
  g_assert_nonnull (strstr (error->message, "Invalid API key"));
  g_clear_error (&error);

  datasets = tilebox_client_list_datasets (right, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (datasets->len, ==, 3);

  reset_server ();
}

/* --- error mapping and retries --------------------------------------------- */

typedef struct {
  guint status;
  const char *code;         /* NULL: a plain-text body */
  TileboxError expected;
  const char *in_message;
} FaultCase;

/* With retries off, each fault reaches the caller as its code, after one
 * request, with the server's message (or the HTTP status) in the message. */
static void
test_errors_http_faults_map_to_codes (void)
{
  static const FaultCase cases[] = {
    { 503, "unavailable", TILEBOX_ERROR_UNAVAILABLE, "Injected failure (HTTP 503)" },
    { 429, NULL, TILEBOX_ERROR_RATE_LIMITED, "HTTP 429" },
    { 500, "internal", TILEBOX_ERROR_INTERNAL, "Injected failure (HTTP 500)" },
    { 401, "unauthenticated", TILEBOX_ERROR_UNAUTHENTICATED, "Injected failure (HTTP 401)" },
    { 403, NULL, TILEBOX_ERROR_PERMISSION_DENIED, "HTTP 403" },
    { 502, NULL, TILEBOX_ERROR_UNAVAILABLE, "HTTP 502" },
    { 504, NULL, TILEBOX_ERROR_UNAVAILABLE, "HTTP 504" },
    { 404, NULL, TILEBOX_ERROR_UNIMPLEMENTED, "HTTP 404" },
    { 400, "invalid_argument", TILEBOX_ERROR_INVALID_ARGUMENT, "Injected failure (HTTP 400)" },
    { 409, "already_exists", TILEBOX_ERROR_ALREADY_EXISTS, "Injected failure (HTTP 409)" },
    { 500, "data_loss", TILEBOX_ERROR_DATA_LOSS, "Injected failure (HTTP 500)" },
    { 499, "canceled", TILEBOX_ERROR_CANCELED, "Injected failure (HTTP 499)" },
    { 500, "no_such_code", TILEBOX_ERROR_UNKNOWN, "Injected failure (HTTP 500)" },
    { 418, NULL, TILEBOX_ERROR_UNKNOWN, "HTTP 418" },
  };
  g_autoptr(TileboxClient) client = new_client ();

  reset_server ();
  tilebox_client_set_max_retries (client, 0);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) datasets = NULL;
      guint before = request_count ();

      g_test_message ("HTTP %u, code %s", cases[i].status, cases[i].code ? cases[i].code : "(plain)");
      _tilebox_server_fail_next (server, 1, cases[i].status, cases[i].code, 0);
      datasets = tilebox_client_list_datasets (client, NULL, &error);
      g_assert_null (datasets);
      g_assert_error (error, TILEBOX_ERROR, (gint) cases[i].expected);
      g_assert_nonnull (strstr (error->message, cases[i].in_message));
      g_assert_cmpuint (request_count (), ==, before + 1);
    }
}

static void
assert_retried_until_success (guint       status,
                              const char *code,
                              guint       n_faults,
                              guint       max_retries)
{
  g_autoptr(TileboxClient) client = new_client ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) datasets = NULL;
  guint before;

  reset_server ();
  tilebox_client_set_max_retries (client, max_retries);
  before = request_count ();
  _tilebox_server_fail_next (server, n_faults, status, code, 0);
  datasets = tilebox_client_list_datasets (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (datasets->len, ==, 3);
  g_assert_cmpuint (request_count (), ==, before + n_faults + 1);
}

static void
test_retry_unavailable_until_success (void)
{
  assert_retried_until_success (503, "unavailable", 1, TILEBOX_RPC_DEFAULT_MAX_RETRIES);
  assert_retried_until_success (503, "unavailable", 3, TILEBOX_RPC_DEFAULT_MAX_RETRIES);
  /* Exactly as many faults as retries still succeeds. */
  assert_retried_until_success (503, "unavailable", 4, 4);
  assert_retried_until_success (502, NULL, 2, TILEBOX_RPC_DEFAULT_MAX_RETRIES);
}

static void
test_retry_rate_limited_until_success (void)
{
  assert_retried_until_success (429, NULL, 1, TILEBOX_RPC_DEFAULT_MAX_RETRIES);
  assert_retried_until_success (429, NULL, 3, TILEBOX_RPC_DEFAULT_MAX_RETRIES);
}

static void
test_retry_gives_up_after_max_retries (void)
{
  g_autoptr(TileboxClient) client = new_client ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) datasets = NULL;
  guint before;

  reset_server ();
  tilebox_client_set_max_retries (client, 2);
  before = request_count ();
  _tilebox_server_fail_next (server, 5, 503, "unavailable", 0);
  datasets = tilebox_client_list_datasets (client, NULL, &error);
  g_assert_null (datasets);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_UNAVAILABLE);
  g_assert_cmpuint (request_count (), ==, before + 3);
  g_clear_error (&error);

  /* Retries off: one request each. */
  tilebox_client_set_max_retries (client, 0);
  _tilebox_server_fail_next (server, 1, 503, "unavailable", 0);
  before = request_count ();
  datasets = tilebox_client_list_datasets (client, NULL, &error);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_UNAVAILABLE);
  g_assert_cmpuint (request_count (), ==, before + 1);
  g_clear_error (&error);

  _tilebox_server_fail_next (server, 1, 429, NULL, 0);
  before = request_count ();
  datasets = tilebox_client_list_datasets (client, NULL, &error);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_RATE_LIMITED);
  g_assert_cmpuint (request_count (), ==, before + 1);

  reset_server ();
}

static void
test_retry_not_for_internal_error (void)
{
  g_autoptr(TileboxClient) client = new_client ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) datasets = NULL;
  guint before;

  reset_server ();
  before = request_count ();
  _tilebox_server_fail_next (server, 3, 500, "internal", 0);
  datasets = tilebox_client_list_datasets (client, NULL, &error);
  g_assert_null (datasets);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INTERNAL);
  g_assert_cmpuint (request_count (), ==, before + 1);
  reset_server ();
}

static void
test_retry_async_until_success (void)
{
  g_autoptr(TileboxClient) client = new_client ();
  g_autoptr(TileboxDataset) s2 = get_dataset_sync (client, S2_SLUG);
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxCollection) collection = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;
  guint before;

  reset_server ();
  before = request_count ();
  _tilebox_server_fail_next (server, 3, 429, NULL, 0);
  tilebox_dataset_get_collection_async (s2, "S2C_S2MSI2A", NULL, async_ready_cb, &slot);
  result = wait_for_result (&slot);
  collection = tilebox_dataset_get_collection_finish (s2, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tilebox_collection_get_name (collection), ==, "S2C_S2MSI2A");
  g_assert_cmpuint (request_count (), ==, before + 4);
}

/* The backoff itself is ~1 ms (see new_client), so a call that takes a
 * second waited for the server's Retry-After. */
static void
test_retry_after_is_honoured (void)
{
  g_autoptr(TileboxClient) client = new_client ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) datasets = NULL;
  gint64 start, elapsed;

  reset_server ();

  /* Control: without Retry-After the retry is immediate. */
  _tilebox_server_fail_next (server, 1, 503, "unavailable", 0);
  start = g_get_monotonic_time ();
  datasets = tilebox_client_list_datasets (client, NULL, &error);
  elapsed = g_get_monotonic_time () - start;
  g_assert_no_error (error);
  g_assert_cmpint (elapsed, <, 500 * 1000);
  g_clear_pointer (&datasets, g_ptr_array_unref);

  _tilebox_server_fail_next (server, 1, 503, "unavailable", 1);
  start = g_get_monotonic_time ();
  datasets = tilebox_client_list_datasets (client, NULL, &error);
  elapsed = g_get_monotonic_time () - start;
  g_assert_no_error (error);
  g_assert_cmpuint (datasets->len, ==, 3);
  g_assert_cmpint (elapsed, >=, 900 * 1000);
  g_assert_cmpint (elapsed, <, 5 * G_USEC_PER_SEC);
}

static gboolean
tick_cb (gpointer data)
{
  (*(guint *) data)++;
  return G_SOURCE_CONTINUE;
}

/* An async call waiting out a Retry-After of 1 s leaves the caller's main
 * loop running: a 10 ms timer keeps firing meanwhile. */
static void
test_retry_async_backoff_does_not_block_main_loop (void)
{
  g_autoptr(TileboxClient) client = new_client ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) datasets = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;
  GSource *ticker;
  guint ticks = 0;
  gint64 start, elapsed;

  reset_server ();
  ticker = g_timeout_source_new (10);
  g_source_set_callback (ticker, tick_cb, &ticks, NULL);
  g_source_attach (ticker, test_context);

  _tilebox_server_fail_next (server, 1, 503, "unavailable", 1);
  start = g_get_monotonic_time ();
  tilebox_client_list_datasets_async (client, NULL, async_ready_cb, &slot);
  result = wait_for_result (&slot);
  elapsed = g_get_monotonic_time () - start;
  g_source_destroy (ticker);
  g_source_unref (ticker);

  datasets = tilebox_client_list_datasets_finish (client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (datasets->len, ==, 3);
  g_assert_cmpint (elapsed, >=, 900 * 1000);
  /* ~100 in a second; a blocked loop would have ~0. */
  g_test_message ("%u ticks in %" G_GINT64_FORMAT " ms", ticks, elapsed / 1000);
  g_assert_cmpuint (ticks, >=, 40);
}

/* --- _tilebox_rpc_error_from_response ---------------------------------- */

static GError *
error_from (guint       status,
            const char *reason,
            const char *content_type,
            const char *body)
{
  g_autoptr(GBytes) bytes = body ? g_bytes_new (body, strlen (body)) : NULL;
  GError *error = _tilebox_rpc_error_from_response (status, reason, content_type, bytes);

  g_assert_nonnull (error);
  g_assert_nonnull (error->message);
  g_assert_cmpstr (error->message, !=, "");
  return error;
}

static void
test_rpc_error_from_connect_json (void)
{
  g_autoptr(GError) not_found = NULL;
  g_autoptr(GError) unknown_code = NULL;
  g_autoptr(GError) no_message = NULL;
  g_autoptr(GError) permission = NULL;

  not_found = error_from (404, "Not Found", "application/json",
                          "{\"code\":\"not_found\",\"message\":\"dataset “x” does not exist\"}");
  g_assert_error (not_found, TILEBOX_ERROR, TILEBOX_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (not_found->message, "dataset “x” does not exist"));

  /* The code in the body wins over the HTTP status. */
  permission = error_from (400, "Bad Request", "application/json",
                           "{\"code\":\"permission_denied\",\"message\":\"nope\",\"details\":[]}");
  g_assert_error (permission, TILEBOX_ERROR, TILEBOX_ERROR_PERMISSION_DENIED);
  g_assert_nonnull (strstr (permission->message, "nope"));

  unknown_code = error_from (500, "Internal Server Error", "application/json",
                             "{\"code\":\"brand_new_code\",\"message\":\"m\"}");
  g_assert_error (unknown_code, TILEBOX_ERROR, TILEBOX_ERROR_UNKNOWN);

  no_message = error_from (503, NULL, "application/json", "{\"code\":\"unavailable\"}");
  g_assert_error (no_message, TILEBOX_ERROR, TILEBOX_ERROR_UNAVAILABLE);
  /* Without a message, the code is named as the service spelled it. */
  g_assert_nonnull (strstr (no_message->message, "“unavailable”"));
}

static void
test_rpc_error_from_non_json_uses_http_status (void)
{
  g_autoptr(GError) html = NULL;
  g_autoptr(GError) text = NULL;
  g_autoptr(GError) empty = NULL;
  g_autoptr(GError) rate = NULL;
  g_autoptr(GError) unauthorized = NULL;

  /* A proxy's error page. */
  html = error_from (502, "Bad Gateway", "text/html",
                     "<html><body><h1>502 Bad Gateway</h1></body></html>");
  g_assert_error (html, TILEBOX_ERROR, TILEBOX_ERROR_UNAVAILABLE);
  g_assert_nonnull (strstr (html->message, "502"));
  g_assert_null (strstr (html->message, "<html>"));

  /* JSON-looking text without a JSON content type is not trusted. */
  text = error_from (403, "Forbidden", "text/plain", "{\"code\":\"not_found\"}");
  g_assert_error (text, TILEBOX_ERROR, TILEBOX_ERROR_PERMISSION_DENIED);

  /* No body, no content type, no reason phrase. */
  empty = error_from (504, NULL, NULL, NULL);
  g_assert_error (empty, TILEBOX_ERROR, TILEBOX_ERROR_UNAVAILABLE);
  g_assert_nonnull (strstr (empty->message, "504"));

  rate = error_from (429, "Too Many Requests", "text/plain", "slow down");
  g_assert_error (rate, TILEBOX_ERROR, TILEBOX_ERROR_RATE_LIMITED);

  unauthorized = error_from (401, "Unauthorized", NULL, "");
  g_assert_error (unauthorized, TILEBOX_ERROR, TILEBOX_ERROR_UNAUTHENTICATED);
}

static void
test_rpc_error_from_malformed_json_uses_http_status (void)
{
  static const char *const bodies[] = {
    "{not json",
    "",
    "[\"code\", \"not_found\"]",
    "\"not_found\"",
    "{\"message\":\"a code is missing\"}",
    "{\"code\":7,\"message\":\"the code is a number\"}",
    "{\"code\":null}",
    "{\"code\":{\"nested\":true}}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("body: %s", bodies[i]);
      error = error_from (503, "Service Unavailable", "application/json", bodies[i]);
      g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_UNAVAILABLE);
      g_assert_nonnull (strstr (error->message, "503"));
    }
}

/* A known code with a message that is not a string still gives the code
 * and a readable message. */
static void
test_rpc_error_from_json_with_odd_message (void)
{
  static const char *const bodies[] = {
    "{\"code\":\"not_found\",\"message\":null}",
    "{\"code\":\"not_found\",\"message\":42}",
    "{\"code\":\"not_found\",\"message\":[\"a\"]}",
    "{\"code\":\"not_found\",\"message\":\"\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("body: %s", bodies[i]);
      error = error_from (404, "Not Found", "application/json", bodies[i]);
      g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_NOT_FOUND);
    }
}

/* --- concurrency -------------------------------------------------------- */

#define N_CONCURRENT 8
#define CONCURRENT_LATENCY_MS 200

/* Eight requests of one client in flight at once are served side by side:
 * together they take far less than eight latencies. With libsoup's default
 * of two connections per host they would take four. */
static void
test_concurrency_parallel_requests_of_one_client (void)
{
  static const char *const names[] = { "S2A_S2MSI1C", "S2B_S2MSI1C", "S2A_S2MSI2A", "S2C_S2MSI2A" };
  g_autoptr(TileboxClient) client = new_client ();
  g_autoptr(TileboxDataset) s2 = get_dataset_sync (client, S2_SLUG);
  GAsyncResult *slots[N_CONCURRENT] = { NULL };
  gint64 start, elapsed;
  guint before;

  reset_server ();
  _tilebox_server_set_latency_ms (server, CONCURRENT_LATENCY_MS);
  before = request_count ();
  start = g_get_monotonic_time ();
  for (guint i = 0; i < N_CONCURRENT; i++)
    tilebox_dataset_get_collection_async (s2, names[i % G_N_ELEMENTS (names)], NULL, async_ready_cb, &slots[i]);
  for (guint i = 0; i < N_CONCURRENT; i++)
    wait_for_pointer ((gpointer *) &slots[i]);
  elapsed = g_get_monotonic_time () - start;
  reset_server ();

  for (guint i = 0; i < N_CONCURRENT; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TileboxCollection) collection = NULL;

      collection = tilebox_dataset_get_collection_finish (s2, slots[i], &error);
      g_assert_no_error (error);
      g_assert_cmpstr (tilebox_collection_get_name (collection), ==, names[i % G_N_ELEMENTS (names)]);
      g_object_unref (slots[i]);
    }

  g_test_message ("%d concurrent calls with %d ms latency took %" G_GINT64_FORMAT " ms",
                  N_CONCURRENT, CONCURRENT_LATENCY_MS, elapsed / 1000);
  g_assert_cmpuint (request_count (), ==, before + N_CONCURRENT);
  g_assert_cmpint (elapsed, >=, CONCURRENT_LATENCY_MS * 1000);
  g_assert_cmpint (elapsed, <, 3 * CONCURRENT_LATENCY_MS * 1000);
}

/* --- main --------------------------------------------------------------- */

static void
add_op_tests (void)
{
  static const struct {
    const char *suffix;
    GTestDataFunc func;
  } kinds[] = {
    { "blocking", test_op_blocking_succeeds },
    { "async", test_op_async_succeeds },
    { "server-error-maps-to-code-with-message", test_op_server_error_maps_to_code },
    { "cancelled-before-start", test_op_cancel_before_start },
    { "cancelled-during-retry-backoff-blocking", test_op_cancel_during_backoff_blocking },
    { "cancelled-during-retry-backoff-async", test_op_cancel_during_backoff_async },
  };

  for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
    for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
      {
        g_autofree char *path = g_strdup_printf ("/client/%s/%s", ops[i].path, kinds[k].suffix);

        g_test_add_data_func (path, &ops[i], kinds[k].func);
      }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  test_context = g_main_context_new ();
  g_main_context_push_thread_default (test_context);

  server_thread = _tilebox_server_thread_start (TRUE, &error);
  g_assert_no_error (error);
  server = _tilebox_server_thread_get_server (server_thread);
  server_url = _tilebox_server_thread_get_url (server_thread);

  add_op_tests ();

  g_test_add_func ("/client/dataset/properties-match-catalogue", test_dataset_properties_match_catalogue);
  g_test_add_func ("/client/dataset/schema-fields-and-types", test_dataset_schema_fields_and_types);
  g_test_add_func ("/client/dataset/schema-is-list-model-of-fields", test_dataset_schema_is_list_model_of_fields);
  g_test_add_func ("/client/dataset/schema-from-annotated-type", test_schema_from_annotated_type);

  g_test_add_func ("/client/errors/get-dataset-unknown-slug-is-not-found", test_get_dataset_unknown_slug_is_not_found);
  g_test_add_func ("/client/errors/get-dataset-by-id-unknown-is-not-found", test_get_dataset_by_id_unknown_is_not_found);
  g_test_add_func ("/client/errors/get-collection-unknown-is-not-found", test_get_collection_unknown_is_not_found);
  g_test_add_func ("/client/errors/create-collection-duplicate-is-already-exists", test_create_collection_duplicate_is_already_exists);
  g_test_add_func ("/client/errors/get-or-create-collection-returns-the-existing-one", test_get_or_create_collection_returns_the_existing_one);
  g_test_add_func ("/client/errors/get-or-create-collection-stops-on-other-errors", test_get_or_create_collection_stops_on_other_errors);
  g_test_add_func ("/client/errors/get-or-create-collection-survives-concurrent-create", test_get_or_create_collection_survives_concurrent_create);
  g_test_add_func ("/client/errors/delete-collection-twice-is-not-found", test_delete_collection_twice_is_not_found);
  g_test_add_func ("/client/errors/collection-refresh-of-deleted-is-not-found", test_collection_refresh_of_deleted_is_not_found);
  g_test_add_func ("/client/errors/unreachable-server-keeps-gio-error", test_unreachable_server_keeps_gio_error);
  g_test_add_func ("/client/errors/timeout-is-deadline-exceeded", test_timeout_is_deadline_exceeded);
  g_test_add_func ("/client/errors/http-faults-map-to-codes", test_errors_http_faults_map_to_codes);

  g_test_add_func ("/client/invalid-input/slug-refused-without-traffic", test_invalid_slug_is_refused_without_traffic);
  g_test_add_func ("/client/invalid-input/dataset-id-refused-without-traffic", test_invalid_dataset_id_is_refused_without_traffic);
  g_test_add_func ("/client/invalid-input/collection-name-refused-without-traffic", test_invalid_collection_name_is_refused_without_traffic);

  g_test_add_func ("/client/construct/refuses-malformed-urls", test_construct_refuses_malformed_urls);
  g_test_add_func ("/client/construct/without-init-sets-up-on-first-call", test_construct_without_init_sets_up_on_first_call);
  g_test_add_func ("/client/construct/refuses-api-key-over-plain-http", test_construct_refuses_api_key_over_plain_http);
  g_test_add_func ("/client/construct/allows-api-key-over-loopback-http", test_construct_allows_api_key_over_loopback_http);
  g_test_add_func ("/client/construct/allow-insecure-permits-api-key-over-http", test_construct_allow_insecure_permits_api_key_over_http);
  g_test_add_func ("/client/construct/anonymous-only-for-default-url-without-key", test_construct_anonymous_only_for_default_url_without_key);
  g_test_add_func ("/client/construct/properties-round-trip", test_construct_properties_round_trip);

  g_test_add_func ("/client/headers/with-key-user-agent-and-timeout", test_headers_sent_with_key_user_agent_and_timeout);
  g_test_add_func ("/client/headers/without-key-user-agent-or-timeout", test_headers_sent_without_key_user_agent_or_timeout);
  g_test_add_func ("/client/auth/api-key-checked-by-server", test_auth_api_key_checked_by_server);

  g_test_add_func ("/client/retry/unavailable-until-success", test_retry_unavailable_until_success);
  g_test_add_func ("/client/retry/rate-limited-until-success", test_retry_rate_limited_until_success);
  g_test_add_func ("/client/retry/gives-up-after-max-retries", test_retry_gives_up_after_max_retries);
  g_test_add_func ("/client/retry/not-for-internal-error", test_retry_not_for_internal_error);
  g_test_add_func ("/client/retry/async-until-success", test_retry_async_until_success);
  g_test_add_func ("/client/retry/retry-after-is-honoured", test_retry_after_is_honoured);
  g_test_add_func ("/client/retry/async-backoff-does-not-block-main-loop", test_retry_async_backoff_does_not_block_main_loop);

  g_test_add_func ("/client/rpc/error-from-connect-json", test_rpc_error_from_connect_json);
  g_test_add_func ("/client/rpc/error-from-non-json-uses-http-status", test_rpc_error_from_non_json_uses_http_status);
  g_test_add_func ("/client/rpc/error-from-malformed-json-uses-http-status", test_rpc_error_from_malformed_json_uses_http_status);
  g_test_add_func ("/client/rpc/error-from-json-with-odd-message", test_rpc_error_from_json_with_odd_message);

  g_test_add_func ("/client/concurrency/parallel-requests-of-one-client", test_concurrency_parallel_requests_of_one_client);

  ret = g_test_run ();

  _tilebox_server_thread_stop (server_thread);
  g_main_context_pop_thread_default (test_context);
  g_main_context_unref (test_context);

  return ret;
}
