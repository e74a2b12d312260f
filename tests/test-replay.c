/* test-replay.c: the client against recorded responses of the real service
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A small SoupServer on its own thread answers each RPC with a response
 * recorded from api.tilebox.com (gzip-compressed, as the service sends
 * them). The recordings are read at run time from $TILEBOX_RECORDINGS_DIR;
 * without them every test is skipped.
 */

#include "config.h"

#include <string.h>
#include <libsoup/soup.h>

#include "tilebox.h"
#include "tilebox-test-recordings.h"

typedef struct {
  GMutex mutex;
  GHashTable *responses; /* method name → GBytes (gzip body) */
  GMainContext *context;
  GMainLoop *loop;
  SoupServer *server;
  char *url;
  GThread *thread;
  GMutex ready_mutex;
  GCond ready_cond;
  gboolean ready;
} Replay;

static Replay replay;

static void
handle_rpc (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  const char *method = strrchr (path, '/') + 1;
  GBytes *body;

  g_mutex_lock (&replay.mutex);
  body = g_hash_table_lookup (replay.responses, method);
  if (body != NULL)
    g_bytes_ref (body);
  g_mutex_unlock (&replay.mutex);

  if (body == NULL)
    {
      static const char not_recorded[] = "{\"code\":\"unimplemented\",\"message\":\"not recorded\"}";

      soup_server_message_set_status (msg, 501, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                        not_recorded, strlen (not_recorded));
      return;
    }

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Content-Encoding", "gzip");
  soup_server_message_set_response (msg, "application/proto", SOUP_MEMORY_COPY,
                                    g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  g_bytes_unref (body);
}

static gpointer
replay_thread (gpointer data)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (replay.context);
  replay.server = soup_server_new (NULL, NULL);
  soup_server_add_handler (replay.server, NULL, handle_rpc, NULL, NULL);
  soup_server_listen_local (replay.server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (replay.server);
  replay.url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_mutex_lock (&replay.ready_mutex);
  replay.ready = TRUE;
  g_cond_signal (&replay.ready_cond);
  g_mutex_unlock (&replay.ready_mutex);

  g_main_loop_run (replay.loop);

  soup_server_disconnect (replay.server);
  g_clear_object (&replay.server);
  g_main_context_pop_thread_default (replay.context);
  return NULL;
}

/* Answers `method` with call `index` of recording `file`. */
static gboolean
serve (const char *method,
       const char *file,
       guint       index)
{
  g_autoptr(GPtrArray) calls = tilebox_test_load_recording (file, TILEBOX_TEST_RECORDING_GZIP);

  if (calls == NULL)
    return FALSE;
  g_assert_cmpuint (index, <, calls->len);

  g_mutex_lock (&replay.mutex);
  g_hash_table_replace (replay.responses, g_strdup (method), g_bytes_ref (g_ptr_array_index (calls, index)));
  g_mutex_unlock (&replay.mutex);

  return TRUE;
}

static TileboxClient *
new_client (void)
{
  g_autoptr(GError) error = NULL;
  TileboxClient *client = tilebox_client_new_for_url (replay.url, NULL, &error);

  g_assert_no_error (error);
  return client;
}

static void
assert_date_time_unix (GDateTime *dt,
                       gint64     seconds)
{
  g_assert_nonnull (dt);
  g_assert_cmpint (g_date_time_to_unix (dt), ==, seconds);
}

/* The legacy-era catalogue: 10 datasets in 4 groups under one root. */
static void
test_list_datasets (void)
{
  g_autoptr(TileboxClient) client = new_client ();
  g_autoptr(GPtrArray) datasets = NULL;
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(GError) error = NULL;
  TileboxDataset *ers;
  TileboxDatasetGroup *root;

  if (!serve ("ListDatasets", "datasets.rpcs.bin", 0))
    return;

  datasets = tilebox_client_list_datasets (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (datasets->len, ==, 10);

  ers = g_ptr_array_index (datasets, 0);
  g_assert_cmpstr (tilebox_dataset_get_id (ers), ==, "49f17988-9f1c-446e-be2a-f949875b8274");
  g_assert_cmpstr (tilebox_dataset_get_code_name (ers), ==, "ers_sar");
  g_assert_cmpstr (tilebox_dataset_get_group_id (ers), ==, "019039b5-b2b1-c0c8-4ad6-e3b2b759b69a");
  g_assert_true (g_str_has_prefix (tilebox_schema_get_type_url (tilebox_dataset_get_schema (ers)),
                                   "datasets_internal.v1."));

  /* Every dataset's group is known and leads up to the one root. */
  for (guint i = 0; i < datasets->len; i++)
    {
      TileboxDataset *dataset = g_ptr_array_index (datasets, i);
      TileboxDatasetGroup *group = tilebox_dataset_get_group (dataset);

      g_assert_nonnull (group);
      while (tilebox_dataset_group_get_parent (group) != NULL)
        group = tilebox_dataset_group_get_parent (group);
      g_assert_cmpstr (tilebox_dataset_group_get_code_name (group), ==, "open_data");
      g_assert_cmpuint (tilebox_schema_get_n_fields (tilebox_dataset_get_schema (dataset)), >, 0);
    }

  groups = tilebox_client_list_dataset_groups (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (groups->len, ==, 4);
  root = NULL;
  for (guint i = 0; i < groups->len; i++)
    if (tilebox_dataset_group_get_parent (g_ptr_array_index (groups, i)) == NULL)
      {
        g_assert_null (root);
        root = g_ptr_array_index (groups, i);
      }
  g_assert_nonnull (root);
  g_assert_cmpstr (tilebox_dataset_group_get_name (root), ==, "Open Data");
  g_assert_cmpstr (tilebox_dataset_group_get_id (root), ==, "019039b5-9f7b-5e94-bb3e-40049e28280a");
  g_assert_cmpstr (tilebox_dataset_group_get_icon (root), ==, "Globe");
}

/* Today's Sentinel-2 dataset: an editions 2023 type with 24 fields. */
static void
test_get_dataset (void)
{
  g_autoptr(TileboxClient) client = new_client ();
  g_autoptr(TileboxDataset) dataset = NULL;
  g_autoptr(GError) error = NULL;
  TileboxSchema *schema;
  guint n_enums = 0;

  if (!serve ("GetDataset", "query.rpcs.bin", 0))
    return;

  dataset = tilebox_client_get_dataset (client, "open_data.copernicus.sentinel2_msi", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tilebox_dataset_get_slug (dataset), ==, "open_data.copernicus.sentinel2_msi");
  g_assert_cmpstr (tilebox_dataset_get_id (dataset), ==, "34d7b08b-8a27-4b40-819b-b11c6189695a");
  g_assert_cmpint (tilebox_dataset_get_kind (dataset), ==, TILEBOX_DATASET_KIND_SPATIOTEMPORAL);

  schema = tilebox_dataset_get_schema (dataset);
  g_assert_cmpstr (tilebox_schema_get_type_url (schema), ==,
                   "datasets.v1.group_019039b5c894a3db09e149ee36fe4983.Sentinel2Msi");
  g_assert_cmpuint (tilebox_schema_get_n_fields (schema), ==, 24);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (schema)), ==, 24);
  g_assert_cmpint (tilebox_field_get_field_type (tilebox_schema_lookup_field (schema, "time")), ==,
                   TILEBOX_FIELD_TYPE_TIMESTAMP);
  g_assert_cmpint (tilebox_field_get_field_type (tilebox_schema_lookup_field (schema, "id")), ==,
                   TILEBOX_FIELD_TYPE_UUID);
  g_assert_cmpint (tilebox_field_get_field_type (tilebox_schema_lookup_field (schema, "geometry")), ==,
                   TILEBOX_FIELD_TYPE_GEOMETRY);
  for (guint i = 0; i < tilebox_schema_get_n_fields (schema); i++)
    if (tilebox_field_get_field_type (tilebox_schema_get_field (schema, i)) == TILEBOX_FIELD_TYPE_ENUM)
      n_enums++;
  g_assert_cmpuint (n_enums, ==, 3);
}

/* GetCollectionByName: ERS-2 with its availability and count. */
static void
test_get_collection (void)
{
  g_autoptr(TileboxClient) client = new_client ();
  g_autoptr(TileboxDataset) dataset = NULL;
  g_autoptr(TileboxCollection) collection = NULL;
  g_autoptr(GError) error = NULL;
  TileboxTimeInterval *availability;

  if (!serve ("GetDataset", "collection.rpcs.bin", 0) ||
      !serve ("GetCollectionByName", "collection.rpcs.bin", 1))
    return;

  dataset = tilebox_client_get_dataset (client, "open_data.asf.ers_sar", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tilebox_dataset_get_id (dataset), ==, "33722c64-76c8-49a3-b991-4fa76b93602c");
  g_assert_cmpint (tilebox_dataset_get_visibility (dataset), ==, TILEBOX_VISIBILITY_PUBLIC);
  g_assert_cmpint (tilebox_dataset_get_permissions (dataset), ==, TILEBOX_DATASET_PERMISSION_ACCESS_DATA);

  collection = tilebox_dataset_get_collection (dataset, "ERS-2", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tilebox_collection_get_name (collection), ==, "ERS-2");
  g_assert_cmpstr (tilebox_collection_get_id (collection), ==, "18b986bf-de32-4a76-ad20-39b3df056803");
  g_assert_true (tilebox_collection_get_has_count (collection));
  g_assert_cmpuint (tilebox_collection_get_count (collection), ==, 299119);
  availability = tilebox_collection_get_availability (collection);
  g_assert_nonnull (availability);
  assert_date_time_unix (tilebox_time_interval_get_start (availability), 812517183);
  assert_date_time_unix (tilebox_time_interval_get_end (availability), 1309652611);
  g_assert_true (tilebox_time_interval_get_end_inclusive (availability));
}

/* ListCollections of ERS: two collections, with counts. */
static void
test_list_collections (void)
{
  g_autoptr(TileboxClient) client = new_client ();
  g_autoptr(TileboxDataset) dataset = NULL;
  g_autoptr(GPtrArray) collections = NULL;
  g_autoptr(GError) error = NULL;
  TileboxCollection *ers1, *ers2;

  if (!serve ("GetDataset", "collections.rpcs.bin", 0) ||
      !serve ("ListCollections", "collections.rpcs.bin", 1))
    return;

  dataset = tilebox_client_get_dataset (client, "open_data.asf.ers_sar", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tilebox_dataset_get_kind (dataset), ==, TILEBOX_DATASET_KIND_TEMPORAL);

  collections = tilebox_dataset_list_collections (dataset, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (collections->len, ==, 2);
  ers1 = g_ptr_array_index (collections, 0);
  ers2 = g_ptr_array_index (collections, 1);
  g_assert_cmpstr (tilebox_collection_get_name (ers1), ==, "ERS-1");
  g_assert_cmpstr (tilebox_collection_get_id (ers1), ==, "4da41cde-bd72-4df0-b650-09e829409c52");
  g_assert_cmpuint (tilebox_collection_get_count (ers1), ==, 239260);
  g_assert_cmpstr (tilebox_collection_get_name (ers2), ==, "ERS-2");
  g_assert_cmpstr (tilebox_collection_get_id (ers2), ==, "c408f2b8-0488-4528-9fb7-a18361df639f");
  g_assert_cmpuint (tilebox_collection_get_count (ers2), ==, 299119);
}

/* Runs on the server's context, so it cannot come before the loop runs. */
static gboolean
quit_replay_cb (gpointer data)
{
  g_main_loop_quit (replay.loop);
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  g_mutex_init (&replay.mutex);
  replay.responses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  replay.context = g_main_context_new ();
  replay.loop = g_main_loop_new (replay.context, FALSE);
  replay.thread = g_thread_new ("replay-server", replay_thread, NULL);
  g_mutex_lock (&replay.ready_mutex);
  while (!replay.ready)
    g_cond_wait (&replay.ready_cond, &replay.ready_mutex);
  g_mutex_unlock (&replay.ready_mutex);

  g_test_add_func ("/replay/list-datasets-legacy-catalogue", test_list_datasets);
  g_test_add_func ("/replay/get-dataset-sentinel2-editions-type", test_get_dataset);
  g_test_add_func ("/replay/get-collection-availability-and-count", test_get_collection);
  g_test_add_func ("/replay/list-collections-with-counts", test_list_collections);

  ret = g_test_run ();

  g_main_context_invoke (replay.context, quit_replay_cb, NULL);
  g_thread_join (replay.thread);
  g_main_loop_unref (replay.loop);
  g_main_context_unref (replay.context);
  g_hash_table_unref (replay.responses);
  g_free (replay.url);

  return ret;
}
