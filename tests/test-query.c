/* test-query.c: queries end to end against the local server
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "tilebox.h"
#include "tilebox-client-private.h"
#include "tilebox-demo-private.h"
#include "tilebox-messages-private.h"
#include "tilebox-pb-private.h"
#include "tilebox-server-private.h"

static TileboxServerThread *server_thread;
static TileboxServer *server;
static TileboxClient *client;
static TileboxDataset *sentinel2;
static TileboxDataset *weather;

/* The whole demo year. */
static TileboxQuery *
year_query (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxTimeInterval) year = tilebox_time_interval_new_parse ("2025-01-01", "2026-01-01", &error);
  TileboxQuery *query = tilebox_query_new ();

  g_assert_no_error (error);
  tilebox_query_set_time_interval (query, year);
  return query;
}

static TileboxCollection *
collection (TileboxDataset *dataset,
            const char     *name)
{
  g_autoptr(GError) error = NULL;
  TileboxCollection *result = tilebox_dataset_get_collection (dataset, name, NULL, &error);

  g_assert_no_error (error);
  if (!tilebox_collection_refresh (result, NULL, &error))
    g_assert_no_error (error);
  return result;
}

static TileboxDatapoints *
run (TileboxCollection *coll,
     TileboxQuery      *query)
{
  g_autoptr(GError) error = NULL;
  TileboxDatapoints *datapoints = tilebox_collection_query (coll, query, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (datapoints);
  return datapoints;
}

static GDateTime *
time_of (TileboxDatapoints *datapoints,
         guint              row)
{
  g_autoptr(TileboxDatapoint) datapoint = tilebox_datapoints_get_datapoint (datapoints, row);

  return g_date_time_ref (tilebox_datapoint_get_time (datapoint));
}

static void
assert_ids_equal (char **a,
                  char **b,
                  guint  offset,
                  guint  n)
{
  g_assert_cmpuint (g_strv_length (b), ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (a[offset + i], ==, b[i]);
}

/* Everything a collection holds for the year arrives, once each, in id
 * order, and matches its count. */
static void
test_whole_collection (void)
{
  g_autoptr(TileboxCollection) s2a = collection (sentinel2, "S2A_S2MSI1C");
  g_autoptr(TileboxQuery) query = year_query ();
  g_autoptr(TileboxDatapoints) datapoints = run (s2a, query);
  g_auto(GStrv) ids = tilebox_datapoints_get_ids (datapoints);

  g_assert_cmpuint (tilebox_datapoints_get_n_rows (datapoints), ==, tilebox_collection_get_count (s2a));
  g_assert_cmpuint (g_strv_length (ids), ==, tilebox_datapoints_get_n_rows (datapoints));
  for (guint i = 1; ids[i] != NULL; i++)
    g_assert_cmpint (strcmp (ids[i - 1], ids[i]), <, 0);
  g_assert_true (tilebox_datapoints_get_schema (datapoints) == tilebox_dataset_get_schema (sentinel2));
}

/* Many pages give the same result as one. */
static void
test_pages (void)
{
  g_autoptr(TileboxCollection) s2b = collection (sentinel2, "S2B_S2MSI1C");
  g_autoptr(TileboxQuery) query = year_query ();
  g_autoptr(TileboxDatapoints) all = run (s2b, query);
  g_autoptr(TileboxDatapoints) paged = NULL;
  g_auto(GStrv) all_ids = tilebox_datapoints_get_ids (all);
  g_auto(GStrv) paged_ids = NULL;
  guint before;

  tilebox_query_set_page_size (query, 250);
  before = _tilebox_server_get_request_count (server);
  paged = run (s2b, query);
  /* 1800 datapoints in pages of 250: 8 requests. */
  g_assert_cmpuint (_tilebox_server_get_request_count (server) - before, ==, 8);
  paged_ids = tilebox_datapoints_get_ids (paged);
  assert_ids_equal (all_ids, paged_ids, 0, g_strv_length (all_ids));
}

/* A limit keeps the first datapoints in id order and asks for no more. */
static void
test_limit (void)
{
  g_autoptr(TileboxCollection) s2b = collection (sentinel2, "S2B_S2MSI1C");
  g_autoptr(TileboxQuery) query = year_query ();
  g_autoptr(TileboxDatapoints) all = run (s2b, query);
  g_autoptr(TileboxDatapoints) limited = NULL;
  g_auto(GStrv) all_ids = tilebox_datapoints_get_ids (all);
  g_auto(GStrv) limited_ids = NULL;

  tilebox_query_set_limit (query, 1234);
  tilebox_query_set_page_size (query, 500);
  limited = run (s2b, query);
  limited_ids = tilebox_datapoints_get_ids (limited);
  assert_ids_equal (all_ids, limited_ids, 0, 1234);
}

/* Time bounds: included and excluded ends, points in time, empty ranges. */
static void
test_time_bounds (void)
{
  g_autoptr(TileboxCollection) s2c = collection (sentinel2, "S2C_S2MSI2A");
  g_autoptr(TileboxQuery) query = year_query ();
  g_autoptr(TileboxDatapoints) all = run (s2c, query);
  g_auto(GStrv) ids = tilebox_datapoints_get_ids (all);
  g_autoptr(GDateTime) t10 = time_of (all, 10);
  g_autoptr(GDateTime) t20 = time_of (all, 20);
  struct {
    gboolean start_exclusive, end_inclusive;
    guint first, n;
  } cases[] = {
    { FALSE, FALSE, 10, 10 },
    { TRUE, FALSE, 11, 9 },
    { FALSE, TRUE, 10, 11 },
    { TRUE, TRUE, 11, 10 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TileboxTimeInterval) interval =
        tilebox_time_interval_new_full (t10, t20, cases[i].start_exclusive, cases[i].end_inclusive);
      g_autoptr(TileboxDatapoints) part = NULL;
      g_auto(GStrv) part_ids = NULL;

      tilebox_query_set_time_interval (query, interval);
      part = run (s2c, query);
      part_ids = tilebox_datapoints_get_ids (part);
      assert_ids_equal (ids, part_ids, cases[i].first, cases[i].n);
    }

  /* A point in time finds the datapoint at that instant. */
  {
    g_autoptr(TileboxTimeInterval) point = tilebox_time_interval_new_point (t10);
    g_autoptr(TileboxDatapoints) at = NULL;
    g_auto(GStrv) at_ids = NULL;

    tilebox_query_set_time_interval (query, point);
    at = run (s2c, query);
    at_ids = tilebox_datapoints_get_ids (at);
    assert_ids_equal (ids, at_ids, 10, 1);
  }

  /* [t, t) holds nothing; neither does a year without data. */
  {
    g_autoptr(TileboxTimeInterval) empty = tilebox_time_interval_new (t10, t10);
    g_autoptr(TileboxTimeInterval) later = NULL;
    g_autoptr(TileboxDatapoints) none = NULL;
    g_autoptr(TileboxDatapoints) none_later = NULL;
    g_autoptr(GError) error = NULL;

    tilebox_query_set_time_interval (query, empty);
    none = run (s2c, query);
    g_assert_cmpuint (tilebox_datapoints_get_n_rows (none), ==, 0);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (none)), ==, 0);

    later = tilebox_time_interval_new_parse ("2030-01-01", "2031-01-01", &error);
    g_assert_no_error (error);
    tilebox_query_set_time_interval (query, later);
    none_later = run (s2c, query);
    g_assert_cmpuint (tilebox_datapoints_get_n_rows (none_later), ==, 0);
  }
}

/* Id intervals select exactly by id, with the same flags. */
static void
test_id_bounds (void)
{
  g_autoptr(TileboxCollection) s2c = collection (sentinel2, "S2C_S2MSI2A");
  g_autoptr(TileboxQuery) query = year_query ();
  g_autoptr(TileboxDatapoints) all = run (s2c, query);
  g_auto(GStrv) ids = tilebox_datapoints_get_ids (all);
  struct {
    gboolean start_exclusive, end_inclusive;
    guint first, n;
  } cases[] = {
    { FALSE, FALSE, 100, 50 },
    { TRUE, FALSE, 101, 49 },
    { FALSE, TRUE, 100, 51 },
    { TRUE, TRUE, 101, 50 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TileboxIdInterval) interval =
        tilebox_id_interval_new_full (ids[100], ids[150], cases[i].start_exclusive, cases[i].end_inclusive, &error);
      g_autoptr(TileboxDatapoints) part = NULL;
      g_auto(GStrv) part_ids = NULL;

      g_assert_no_error (error);
      tilebox_query_set_id_interval (query, interval);
      g_assert_null (tilebox_query_get_time_interval (query));
      part = run (s2c, query);
      part_ids = tilebox_datapoints_get_ids (part);
      assert_ids_equal (ids, part_ids, cases[i].first, cases[i].n);
    }
}

/* A dataset query merges its collections in id order; without collections
 * named it covers them all. */
static void
test_dataset_query (void)
{
  g_autoptr(TileboxCollection) s2a2 = collection (sentinel2, "S2A_S2MSI2A");
  g_autoptr(TileboxCollection) s2c = collection (sentinel2, "S2C_S2MSI2A");
  g_autoptr(TileboxQuery) query = year_query ();
  g_autoptr(TileboxQuery) everything = year_query ();
  g_autoptr(TileboxDatapoints) two = NULL;
  g_autoptr(TileboxDatapoints) all = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = NULL;

  tilebox_query_add_collection (query, s2a2);
  tilebox_query_add_collection (query, s2c);
  two = tilebox_dataset_query (sentinel2, query, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tilebox_datapoints_get_n_rows (two), ==,
                    tilebox_collection_get_count (s2a2) + tilebox_collection_get_count (s2c));
  ids = tilebox_datapoints_get_ids (two);
  for (guint i = 1; ids[i] != NULL; i++)
    g_assert_cmpint (strcmp (ids[i - 1], ids[i]), <, 0);

  all = tilebox_dataset_query (sentinel2, everything, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tilebox_datapoints_get_n_rows (all), ==, 3000 + 1800 + 900 + 300);
}

/* A collection of another dataset is refused before anything is sent. */
static void
test_dataset_query_foreign_collection (void)
{
  g_autoptr(TileboxCollection) berlin = collection (weather, "berlin");
  g_autoptr(TileboxQuery) query = year_query ();
  g_autoptr(GError) error = NULL;
  guint before = _tilebox_server_get_request_count (server);

  tilebox_query_add_collection (query, berlin);
  g_assert_null (tilebox_dataset_query (sentinel2, query, NULL, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
  g_assert_cmpuint (_tilebox_server_get_request_count (server), ==, before);
}

/* A query needs an interval. */
static void
test_query_without_interval (void)
{
  g_autoptr(TileboxCollection) s2c = collection (sentinel2, "S2C_S2MSI2A");
  g_autoptr(TileboxQuery) query = tilebox_query_new ();
  g_autoptr(GError) error = NULL;
  guint before = _tilebox_server_get_request_count (server);

  g_assert_null (tilebox_collection_query (s2c, query, NULL, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
  g_assert_cmpuint (_tilebox_server_get_request_count (server), ==, before);
}

/* Skipping the data leaves only time, id and ingestion time. */
static void
test_skip_data (void)
{
  g_autoptr(TileboxCollection) s2c = collection (sentinel2, "S2C_S2MSI2A");
  g_autoptr(TileboxQuery) query = year_query ();
  g_autoptr(TileboxDatapoints) full = run (s2c, query);
  g_autoptr(TileboxDatapoints) bare = NULL;
  g_auto(GStrv) full_ids = tilebox_datapoints_get_ids (full);
  g_auto(GStrv) bare_ids = NULL;
  g_autoptr(TileboxDatapoint) first = NULL;

  tilebox_query_set_skip_data (query, TRUE);
  bare = run (s2c, query);
  bare_ids = tilebox_datapoints_get_ids (bare);
  assert_ids_equal (full_ids, bare_ids, 0, g_strv_length (full_ids));

  first = tilebox_datapoints_get_datapoint (bare, 0);
  g_assert_nonnull (tilebox_datapoint_get_time (first));
  g_assert_nonnull (tilebox_datapoint_get_ingestion_time (first));
  g_assert_true (tilebox_datapoint_has_field (first, "id"));
  g_assert_false (tilebox_datapoint_has_field (first, "cloud_cover"));
  g_assert_false (tilebox_datapoint_has_field (first, "geometry"));
}

/* Columns, presence, single fields, enums by name and JSON. */
static void
test_values_and_presence (void)
{
  g_autoptr(TileboxCollection) berlin = collection (weather, "berlin");
  g_autoptr(TileboxCollection) s2a = collection (sentinel2, "S2A_S2MSI1C");
  g_autoptr(TileboxQuery) query = year_query ();
  g_autoptr(TileboxDatapoints) readings = run (berlin, query);
  g_autoptr(TileboxDatapoints) scenes = NULL;
  g_autoptr(GVariant) humidity = tilebox_datapoints_get_column (readings, "humidity");
  g_autoptr(GVariant) present = tilebox_datapoints_get_presence (readings, "humidity");
  g_autoptr(TileboxDatapoint) scene = NULL;
  g_autoptr(GVariant) level = NULL;
  g_autoptr(GVariant) cloud = NULL;
  g_autoptr(JsonNode) json = NULL;
  JsonObject *first;
  gsize n;
  guint absent = 0;
  const guint8 *flags; /* "ab" stores a byte per boolean */

  g_assert_cmpstr (g_variant_get_type_string (humidity), ==, "ad");
  g_assert_cmpuint (g_variant_n_children (humidity), ==, tilebox_datapoints_get_n_rows (readings));
  flags = g_variant_get_fixed_array (present, &n, sizeof (guint8));
  g_assert_cmpuint (n, ==, tilebox_datapoints_get_n_rows (readings));
  for (guint row = 0; row < n; row++)
    {
      g_autoptr(TileboxDatapoint) reading = tilebox_datapoints_get_datapoint (readings, row);
      g_autoptr(GVariant) value = tilebox_datapoint_get_field (reading, "humidity");

      g_assert_cmpint (flags[row], ==, tilebox_datapoint_has_field (reading, "humidity"));
      g_assert_cmpint (flags[row], ==, value != NULL);
      if (!flags[row])
        absent++;
    }
  /* The demo leaves humidity out of every tenth reading. */
  g_assert_cmpuint (absent, ==, n / 10);

  g_assert_null (tilebox_datapoints_get_column (readings, "no_such_field"));

  scenes = run (s2a, query);
  scene = tilebox_datapoints_get_datapoint (scenes, 0);
  level = tilebox_datapoint_get_field (scene, "processing_level");
  g_assert_cmpstr (g_variant_get_string (level, NULL), ==, "L1C");
  cloud = tilebox_datapoint_get_field (scene, "cloud_cover");
  g_assert_true (g_variant_is_of_type (cloud, G_VARIANT_TYPE_DOUBLE));

  json = tilebox_datapoints_to_json (scenes);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (json)), ==, tilebox_datapoints_get_n_rows (scenes));
  first = json_array_get_object_element (json_node_get_array (json), 0);
  g_assert_cmpstr (json_object_get_string_member (first, "id"), ==, tilebox_datapoint_get_id (scene));
  g_assert_true (g_str_has_suffix (json_object_get_string_member (first, "time"), "Z"));
  g_assert_cmpstr (json_object_get_string_member (first, "processing_level"), ==, "L1C");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (first, "geometry"), "type"), ==,
                   "Polygon");
}

/* The datapoints are a list model of datapoint items. */
static void
test_list_model (void)
{
  g_autoptr(TileboxCollection) s2c = collection (sentinel2, "S2C_S2MSI2A");
  g_autoptr(TileboxQuery) query = year_query ();
  g_autoptr(TileboxDatapoints) datapoints = run (s2c, query);
  g_auto(GStrv) ids = tilebox_datapoints_get_ids (datapoints);
  GListModel *model = G_LIST_MODEL (datapoints);
  g_autoptr(TileboxDatapoint) item = NULL;

  g_assert_true (g_list_model_get_item_type (model) == TILEBOX_TYPE_DATAPOINT);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 300);
  item = g_list_model_get_item (model, 299);
  g_assert_cmpstr (tilebox_datapoint_get_id (item), ==, ids[299]);
  g_assert_cmpuint (tilebox_datapoint_get_index (item), ==, 299);
  g_assert_null (g_list_model_get_item (model, 300));
}

/* Finding one datapoint by id, in a collection or anywhere in a dataset. */
static void
test_find (void)
{
  g_autoptr(TileboxCollection) s2c = collection (sentinel2, "S2C_S2MSI2A");
  g_autoptr(TileboxQuery) query = year_query ();
  g_autoptr(TileboxDatapoints) all = run (s2c, query);
  g_auto(GStrv) ids = tilebox_datapoints_get_ids (all);
  g_autoptr(TileboxDatapoint) found = NULL;
  g_autoptr(TileboxDatapoint) bare = NULL;
  g_autoptr(TileboxDatapoint) anywhere = NULL;
  g_autoptr(GError) error = NULL;

  found = tilebox_collection_find (s2c, ids[42], FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tilebox_datapoint_get_id (found), ==, ids[42]);
  g_assert_true (tilebox_datapoint_has_field (found, "cloud_cover"));

  bare = tilebox_collection_find (s2c, ids[42], TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (tilebox_datapoint_has_field (bare, "cloud_cover"));

  anywhere = tilebox_dataset_find (sentinel2, ids[7], FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tilebox_datapoint_get_id (anywhere), ==, ids[7]);

  g_assert_null (tilebox_collection_find (s2c, "00000000-0000-0000-0000-000000000001", FALSE, NULL, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_null (tilebox_collection_find (s2c, "not-an-id", FALSE, NULL, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
}

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

/* The async forms give the same results, and several run at once. */
static void
test_async (void)
{
  g_autoptr(TileboxCollection) s2a = collection (sentinel2, "S2A_S2MSI1C");
  g_autoptr(TileboxCollection) s2b = collection (sentinel2, "S2B_S2MSI1C");
  g_autoptr(TileboxQuery) query = year_query ();
  g_autoptr(GAsyncResult) ra = NULL;
  g_autoptr(GAsyncResult) rb = NULL;
  g_autoptr(GAsyncResult) rd = NULL;
  g_autoptr(GAsyncResult) rf = NULL;
  g_autoptr(TileboxDatapoints) a = NULL;
  g_autoptr(TileboxDatapoints) b = NULL;
  g_autoptr(TileboxDatapoints) d = NULL;
  g_autoptr(TileboxDatapoint) f = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = NULL;

  tilebox_query_set_page_size (query, 400);
  tilebox_collection_query_async (s2a, query, NULL, store_result_cb, &ra);
  tilebox_collection_query_async (s2b, query, NULL, store_result_cb, &rb);
  tilebox_dataset_query_async (sentinel2, query, NULL, store_result_cb, &rd);

  a = tilebox_collection_query_finish (s2a, wait_for (&ra), &error);
  g_assert_no_error (error);
  b = tilebox_collection_query_finish (s2b, wait_for (&rb), &error);
  g_assert_no_error (error);
  d = tilebox_dataset_query_finish (sentinel2, wait_for (&rd), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tilebox_datapoints_get_n_rows (a), ==, 3000);
  g_assert_cmpuint (tilebox_datapoints_get_n_rows (b), ==, 1800);
  g_assert_cmpuint (tilebox_datapoints_get_n_rows (d), ==, 6000);

  ids = tilebox_datapoints_get_ids (b);
  tilebox_collection_find_async (s2b, ids[5], FALSE, NULL, store_result_cb, &rf);
  f = tilebox_collection_find_finish (s2b, wait_for (&rf), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tilebox_datapoint_get_id (f), ==, ids[5]);

  /* Anywhere in the dataset, and a miss there. */
  {
    g_autoptr(GAsyncResult) found_result = NULL;
    g_autoptr(GAsyncResult) missed_result = NULL;
    g_autoptr(TileboxDatapoint) found = NULL;

    tilebox_dataset_find_async (sentinel2, ids[6], TRUE, NULL, store_result_cb, &found_result);
    found = tilebox_dataset_find_finish (sentinel2, wait_for (&found_result), &error);
    g_assert_no_error (error);
    g_assert_cmpstr (tilebox_datapoint_get_id (found), ==, ids[6]);
    g_assert_false (tilebox_datapoint_has_field (found, "cloud_cover"));

    tilebox_dataset_find_async (sentinel2, "00000000-0000-0000-0000-000000000002", FALSE, NULL,
                                store_result_cb, &missed_result);
    g_assert_null (tilebox_dataset_find_finish (sentinel2, wait_for (&missed_result), &error));
    g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_NOT_FOUND);
  }
}

/* Cancelled before it starts: nothing is loaded, the error is GIO's. */
static void
test_cancelled (void)
{
  g_autoptr(TileboxCollection) s2a = collection (sentinel2, "S2A_S2MSI1C");
  g_autoptr(TileboxQuery) query = year_query ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  g_assert_null (tilebox_collection_query (s2a, query, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  tilebox_collection_query_async (s2a, query, cancellable, store_result_cb, &result);
  g_assert_null (tilebox_collection_query_finish (s2a, wait_for (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

typedef struct {
  guint emissions;
  guint64 datapoints;
  guint pages;
  guint64 bytes;
  double fraction;
  gboolean monotonic;
  gboolean in_range;
} Progress;

static void
progress_cb (TileboxQuery *query,
             guint64       datapoints,
             guint         pages,
             guint64       bytes,
             double        fraction,
             Progress     *progress)
{
  if (progress->emissions > 0 &&
      (datapoints < progress->datapoints || pages <= progress->pages ||
       bytes <= progress->bytes || fraction < progress->fraction))
    progress->monotonic = FALSE;
  if (!(fraction >= 0.0 && fraction <= 1.0))
    progress->in_range = FALSE;
  progress->emissions++;
  progress->datapoints = datapoints;
  progress->pages = pages;
  progress->bytes = bytes;
  progress->fraction = fraction;
}

/* Progress is reported after every page, grows, stays in [0, 1], and ends
 * at 1; a point in time does not divide by zero. */
static void
test_progress (void)
{
  g_autoptr(TileboxCollection) s2b = collection (sentinel2, "S2B_S2MSI1C");
  g_autoptr(TileboxQuery) query = year_query ();
  g_autoptr(TileboxDatapoints) datapoints = NULL;
  g_autoptr(TileboxDatapoints) one = NULL;
  g_autoptr(TileboxTimeInterval) point = NULL;
  g_autoptr(GDateTime) t = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  Progress progress = { 0, 0, 0, 0, 0.0, TRUE, TRUE };
  double halfway = -1;
  gulong handler;

  tilebox_query_set_page_size (query, 250);
  handler = g_signal_connect (query, "progress", G_CALLBACK (progress_cb), &progress);
  datapoints = run (s2b, query);
  g_assert_cmpuint (progress.emissions, ==, 8);
  g_assert_cmpuint (progress.pages, ==, 8);
  g_assert_cmpuint (progress.datapoints, ==, 1800);
  g_assert_cmpuint (progress.bytes, >, 1800 * 50);
  g_assert_true (progress.monotonic);
  g_assert_true (progress.in_range);
  g_assert_cmpfloat (progress.fraction, ==, 1.0);

  /* Async: the same reports, on this thread's context, before the result. */
  memset (&progress, 0, sizeof progress);
  progress.monotonic = progress.in_range = TRUE;
  tilebox_collection_query_async (s2b, query, NULL, store_result_cb, &result);
  g_assert_cmpuint (progress.emissions, ==, 0);
  while (result == NULL)
    {
      g_main_context_iteration (NULL, TRUE);
      if (progress.emissions == 4)
        halfway = progress.fraction;
    }
  g_clear_object (&datapoints);
  datapoints = tilebox_collection_query_finish (s2b, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (progress.emissions, ==, 8);
  g_assert_true (progress.monotonic);
  /* The demo spreads the data over the year: half the pages, about half the year. */
  g_assert_cmpfloat (halfway, >, 0.3);
  g_assert_cmpfloat (halfway, <, 0.7);

  /* A point in time: no interval length to divide by. */
  t = time_of (datapoints, 3);
  point = tilebox_time_interval_new_point (t);
  tilebox_query_set_time_interval (query, point);
  memset (&progress, 0, sizeof progress);
  progress.monotonic = progress.in_range = TRUE;
  one = run (s2b, query);
  g_assert_cmpuint (tilebox_datapoints_get_n_rows (one), ==, 1);
  g_assert_cmpuint (progress.emissions, ==, 1);
  g_assert_cmpfloat (progress.fraction, ==, 1.0);
  g_assert_true (progress.in_range);

  g_signal_handler_disconnect (query, handler);
}

/* A parallel load returns exactly what a sequential one does, blocking and
 * async, with the whole load's progress reported. */
static void
test_parallel (void)
{
  g_autoptr(TileboxCollection) s2a = collection (sentinel2, "S2A_S2MSI1C");
  g_autoptr(TileboxQuery) query = year_query ();
  g_autoptr(TileboxDatapoints) sequential = NULL;
  g_autoptr(TileboxDatapoints) parallel = NULL;
  g_autoptr(TileboxDatapoints) parallel_async = NULL;
  g_autoptr(TileboxDatapoints) inclusive = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = NULL;
  g_auto(GStrv) parallel_ids = NULL;
  g_auto(GStrv) async_ids = NULL;
  g_autoptr(JsonNode) sequential_json = NULL;
  g_autoptr(JsonNode) parallel_json = NULL;
  Progress progress = { 0, 0, 0, 0, 0.0, TRUE, TRUE };
  guint before;

  tilebox_query_set_page_size (query, 300);
  sequential = run (s2a, query);
  ids = tilebox_datapoints_get_ids (sequential);

  tilebox_query_set_max_parallel (query, 4);
  g_signal_connect (query, "progress", G_CALLBACK (progress_cb), &progress);
  before = _tilebox_server_get_request_count (server);
  parallel = run (s2a, query);
  /* Four spans of about 750 datapoints, in pages of 300: 3 requests each. */
  g_assert_cmpuint (_tilebox_server_get_request_count (server) - before, >=, 10);
  parallel_ids = tilebox_datapoints_get_ids (parallel);
  assert_ids_equal (ids, parallel_ids, 0, g_strv_length (ids));
  sequential_json = tilebox_datapoints_to_json (sequential);
  parallel_json = tilebox_datapoints_to_json (parallel);
  g_assert_true (json_node_equal (sequential_json, parallel_json));
  g_assert_cmpuint (progress.datapoints, ==, 3000);
  g_assert_true (progress.in_range);
  g_assert_cmpfloat (progress.fraction, ==, 1.0);

  tilebox_collection_query_async (s2a, query, NULL, store_result_cb, &result);
  parallel_async = tilebox_collection_query_finish (s2a, wait_for (&result), &error);
  g_assert_no_error (error);
  async_ids = tilebox_datapoints_get_ids (parallel_async);
  assert_ids_equal (ids, async_ids, 0, g_strv_length (ids));

  /* The interval's own bounds hold: an inclusive end at the last datapoint. */
  {
    g_autoptr(GDateTime) first = time_of (sequential, 0);
    g_autoptr(GDateTime) last = time_of (sequential, 2999);
    g_autoptr(TileboxTimeInterval) exact = tilebox_time_interval_new_full (first, last, TRUE, TRUE);
    g_auto(GStrv) inclusive_ids = NULL;

    tilebox_query_set_time_interval (query, exact);
    inclusive = run (s2a, query);
    inclusive_ids = tilebox_datapoints_get_ids (inclusive);
    assert_ids_equal (ids, inclusive_ids, 1, 2999);
  }
}

/* A failing part fails the whole load with its error; nothing partial. */
static void
test_parallel_failure (void)
{
  g_autoptr(TileboxCollection) s2a = collection (sentinel2, "S2A_S2MSI1C");
  g_autoptr(TileboxQuery) query = year_query ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;

  tilebox_query_set_max_parallel (query, 4);
  tilebox_client_set_max_retries (client, 0);
  _tilebox_server_fail_next (server, 1, 500, "internal", 0);
  g_assert_null (tilebox_collection_query (s2a, query, NULL, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INTERNAL);
  tilebox_client_set_max_retries (client, 4);
  g_clear_error (&error);

  g_cancellable_cancel (cancellable);
  tilebox_collection_query_async (s2a, query, cancellable, store_result_cb, &result);
  g_assert_null (tilebox_collection_query_finish (s2a, wait_for (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
count_cb (GObject    *object,
          GParamSpec *pspec,
          guint      *count)
{
  (*count)++;
}

/* The query is a builder: getters give back what was set, the two
 * interval kinds exclude each other, changes are notified once. */
static void
test_query_builder (void)
{
  g_autoptr(TileboxQuery) query = tilebox_query_new ();
  g_autoptr(TileboxCollection) s2a = collection (sentinel2, "S2A_S2MSI1C");
  g_autoptr(TileboxTimeInterval) year = NULL;
  g_autoptr(TileboxIdInterval) ids = NULL;
  g_autoptr(GPtrArray) collections = NULL;
  g_autoptr(GError) error = NULL;
  guint notifications = 0;

  g_assert_null (tilebox_query_get_time_interval (query));
  g_assert_null (tilebox_query_get_id_interval (query));
  g_assert_false (tilebox_query_get_skip_data (query));
  g_assert_cmpuint (tilebox_query_get_page_size (query), ==, 0);
  g_assert_cmpuint (tilebox_query_get_limit (query), ==, 0);
  g_assert_cmpuint (tilebox_query_get_max_parallel (query), ==, 1);

  g_signal_connect (query, "notify", G_CALLBACK (count_cb), &notifications);
  tilebox_query_set_skip_data (query, TRUE);
  tilebox_query_set_skip_data (query, TRUE);
  tilebox_query_set_page_size (query, 50);
  tilebox_query_set_limit (query, 7);
  tilebox_query_set_max_parallel (query, 3);
  g_assert_cmpuint (notifications, ==, 4);
  g_assert_true (tilebox_query_get_skip_data (query));
  g_assert_cmpuint (tilebox_query_get_page_size (query), ==, 50);
  g_assert_cmpuint (tilebox_query_get_limit (query), ==, 7);
  g_assert_cmpuint (tilebox_query_get_max_parallel (query), ==, 3);

  year = tilebox_time_interval_new_parse ("2025-01-01", "2026-01-01", &error);
  ids = tilebox_id_interval_new ("01941f29-c650-202f-6495-c71dd2118fb1",
                                 "01941f5d-d670-ab58-966a-1f54c0479887", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tilebox_id_interval_get_end_id (ids), ==, "01941f5d-d670-ab58-966a-1f54c0479887");
  tilebox_query_set_time_interval (query, year);
  tilebox_query_set_id_interval (query, ids);
  g_assert_true (tilebox_query_get_id_interval (query) == ids);
  g_assert_null (tilebox_query_get_time_interval (query));
  tilebox_query_set_time_interval (query, year);
  g_assert_null (tilebox_query_get_id_interval (query));

  tilebox_query_add_collection (query, s2a);
  collections = tilebox_query_get_collections (query);
  g_assert_cmpuint (collections->len, ==, 1);
  g_assert_true (g_ptr_array_index (collections, 0) == s2a);
}

/* A datapoint as a dictionary and as JSON: the fields it holds, no more. */
static void
test_datapoint_views (void)
{
  g_autoptr(TileboxCollection) berlin = collection (weather, "berlin");
  g_autoptr(TileboxQuery) query = year_query ();
  g_autoptr(TileboxDatapoints) readings = run (berlin, query);
  g_autoptr(TileboxDatapoint) with_humidity = tilebox_datapoints_get_datapoint (readings, 8);
  g_autoptr(TileboxDatapoint) without = tilebox_datapoints_get_datapoint (readings, 9);
  g_autoptr(GVariant) dict = tilebox_datapoint_to_variant (with_humidity);
  g_autoptr(GVariant) dict_without = tilebox_datapoint_to_variant (without);
  g_autoptr(JsonNode) json = tilebox_datapoint_to_json (without);
  g_autoptr(GVariant) station = NULL;
  JsonObject *object = json_node_get_object (json);

  g_assert_true (tilebox_datapoint_get_datapoints (without) == readings);
  g_assert_true (g_variant_is_of_type (dict, G_VARIANT_TYPE_VARDICT));
  g_assert_true (g_variant_lookup (dict, "humidity", "d", NULL));
  g_assert_false (g_variant_lookup (dict_without, "humidity", "d", NULL));
  station = g_variant_lookup_value (dict_without, "station", G_VARIANT_TYPE_STRING);
  g_assert_nonnull (station);
  g_assert_true (g_str_has_prefix (g_variant_get_string (station, NULL), "Berlin"));

  g_assert_false (json_object_has_member (object, "humidity"));
  g_assert_cmpstr (json_object_get_string_member (object, "id"), ==, tilebox_datapoint_get_id (without));
  g_assert_cmpstr (json_object_get_string_member (object, "station"), ==, g_variant_get_string (station, NULL));
}

/* --- page by page ----------------------------------------------------------- */

static void
append_ids (GPtrArray         *ids,
            TileboxDatapoints *page)
{
  g_auto(GStrv) page_ids = tilebox_datapoints_get_ids (page);

  for (guint i = 0; page_ids[i] != NULL; i++)
    g_ptr_array_add (ids, g_strdup (page_ids[i]));
}

static void
assert_same_ids (GPtrArray  *ids,
                 char      **expected)
{
  g_assert_cmpuint (ids->len, ==, g_strv_length (expected));
  for (guint i = 0; i < ids->len; i++)
    g_assert_cmpstr (g_ptr_array_index (ids, i), ==, expected[i]);
}

/* Reads a cursor to its end, blocking, adding the ids of its pages. */
static void
read_to_end (TileboxQueryCursor *cursor,
             GPtrArray          *ids)
{
  while (TRUE)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TileboxDatapoints) page = tilebox_query_cursor_next (cursor, NULL, &error);

      g_assert_no_error (error);
      if (page == NULL)
        break;
      g_assert_cmpuint (tilebox_datapoints_get_n_rows (page), >, 0);
      append_ids (ids, page);
    }
  g_assert_true (tilebox_query_cursor_is_done (cursor));
}

static TileboxDatapoints *
next_page_async (TileboxQueryCursor  *cursor,
                 GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tilebox_query_cursor_next_async (cursor, NULL, store_result_cb, &result);
  return tilebox_query_cursor_next_finish (cursor, wait_for (&result), error);
}

/* Pages of 100 make up exactly the whole result: each page its own
 * datapoints, one request each, progress after each, and nothing more
 * once done. The cursor keeps the query as it was when made. */
static void
test_cursor_pages (void)
{
  g_autoptr(TileboxCollection) s2a = collection (sentinel2, "S2A_S2MSI1C");
  g_autoptr(TileboxQuery) query = year_query ();
  g_autoptr(TileboxDatapoints) all = run (s2a, query);
  g_auto(GStrv) all_ids = tilebox_datapoints_get_ids (all);
  g_autoptr(TileboxQueryCursor) cursor = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(TileboxDatapoints) after_end = NULL;
  g_autoptr(GError) error = NULL;
  Progress progress = { 0, 0, 0, 0, 0.0, TRUE, TRUE };
  guint before;

  tilebox_query_set_page_size (query, 100);
  g_signal_connect (query, "progress", G_CALLBACK (progress_cb), &progress);
  cursor = tilebox_collection_query_pages (s2a, query);
  tilebox_query_set_page_size (query, 7);
  tilebox_query_set_limit (query, 5);

  g_assert_false (tilebox_query_cursor_is_done (cursor));
  g_assert_cmpuint (tilebox_query_cursor_get_n_pages (cursor), ==, 0);
  g_assert_null (tilebox_query_cursor_get_position (cursor));

  before = _tilebox_server_get_request_count (server);
  while (TRUE)
    {
      g_autoptr(TileboxDatapoints) page = tilebox_query_cursor_next (cursor, NULL, &error);
      g_auto(GStrv) page_ids = NULL;

      g_assert_no_error (error);
      if (page == NULL)
        break;
      page_ids = tilebox_datapoints_get_ids (page);
      g_assert_cmpuint (tilebox_datapoints_get_n_rows (page), ==, 100);
      g_assert_true (tilebox_datapoints_get_schema (page) == tilebox_dataset_get_schema (sentinel2));
      g_assert_cmpuint (tilebox_query_cursor_get_n_pages (cursor), ==, ids->len / 100 + 1);
      g_assert_cmpstr (tilebox_query_cursor_get_position (cursor), ==, page_ids[99]);
      append_ids (ids, page);
      g_assert_cmpuint (tilebox_query_cursor_get_n_datapoints (cursor), ==, ids->len);
    }

  g_assert_cmpuint (_tilebox_server_get_request_count (server) - before, ==, 30);
  g_assert_true (tilebox_query_cursor_is_done (cursor));
  g_assert_cmpuint (tilebox_query_cursor_get_n_pages (cursor), ==, 30);
  g_assert_cmpuint (tilebox_query_cursor_get_n_datapoints (cursor), ==, 3000);
  assert_same_ids (ids, all_ids);
  g_assert_cmpuint (progress.emissions, ==, 30);
  g_assert_cmpuint (progress.pages, ==, 30);
  g_assert_cmpuint (progress.datapoints, ==, 3000);
  g_assert_true (progress.monotonic);
  g_assert_cmpfloat (progress.fraction, ==, 1.0);

  /* Done: NULL without an error, and nothing sent. */
  before = _tilebox_server_get_request_count (server);
  after_end = tilebox_query_cursor_next (cursor, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (after_end);
  g_assert_cmpuint (_tilebox_server_get_request_count (server), ==, before);
}

/* The async form gives the same pages, with the properties notified; a
 * dataset cursor over all collections lists them on its first page. */
static void
test_cursor_async (void)
{
  g_autoptr(TileboxCollection) s2a = collection (sentinel2, "S2A_S2MSI1C");
  g_autoptr(TileboxQuery) query = year_query ();
  g_autoptr(TileboxQuery) everything = year_query ();
  g_autoptr(TileboxDatapoints) all = run (s2a, query);
  g_autoptr(TileboxDatapoints) merged = NULL;
  g_auto(GStrv) all_ids = tilebox_datapoints_get_ids (all);
  g_auto(GStrv) merged_ids = NULL;
  g_autoptr(TileboxQueryCursor) cursor = NULL;
  g_autoptr(TileboxQueryCursor) dataset_cursor = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) dataset_ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(TileboxDatapoints) after_end = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *position = NULL;
  guint64 n_datapoints = 0;
  guint pages_notified = 0, done_notified = 0, n_pages = 0;
  gboolean done = FALSE;

  tilebox_query_set_page_size (query, 100);
  cursor = tilebox_collection_query_pages (s2a, query);
  g_signal_connect (cursor, "notify::n-pages", G_CALLBACK (count_cb), &pages_notified);
  g_signal_connect (cursor, "notify::done", G_CALLBACK (count_cb), &done_notified);
  while (TRUE)
    {
      g_autoptr(TileboxDatapoints) page = next_page_async (cursor, &error);

      g_assert_no_error (error);
      if (page == NULL)
        break;
      g_assert_cmpuint (tilebox_datapoints_get_n_rows (page), ==, 100);
      append_ids (ids, page);
    }
  assert_same_ids (ids, all_ids);
  g_assert_cmpuint (pages_notified, ==, 30);
  g_assert_cmpuint (done_notified, ==, 1);
  g_object_get (cursor, "done", &done, "n-pages", &n_pages, "n-datapoints", &n_datapoints,
                "position", &position, NULL);
  g_assert_true (done);
  g_assert_cmpuint (n_pages, ==, 30);
  g_assert_cmpuint (n_datapoints, ==, 3000);
  g_assert_cmpstr (position, ==, all_ids[2999]);

  after_end = next_page_async (cursor, &error);
  g_assert_no_error (error);
  g_assert_null (after_end);

  merged = tilebox_dataset_query (sentinel2, everything, NULL, &error);
  g_assert_no_error (error);
  merged_ids = tilebox_datapoints_get_ids (merged);
  tilebox_query_set_page_size (everything, 700);
  dataset_cursor = tilebox_dataset_query_pages (sentinel2, everything, &error);
  g_assert_no_error (error);
  while (TRUE)
    {
      g_autoptr(TileboxDatapoints) page = next_page_async (dataset_cursor, &error);

      g_assert_no_error (error);
      if (page == NULL)
        break;
      append_ids (dataset_ids, page);
    }
  assert_same_ids (dataset_ids, merged_ids);
  g_assert_cmpuint (tilebox_query_cursor_get_n_pages (dataset_cursor), ==, 9);
}

/* Two pages, then a new cursor from the position kept: together exactly
 * the whole result. The same across the collections of a dataset. */
static void
test_cursor_resume (void)
{
  g_autoptr(TileboxCollection) s2a = collection (sentinel2, "S2A_S2MSI1C");
  g_autoptr(TileboxQuery) query = year_query ();
  g_autoptr(TileboxQuery) everything = year_query ();
  g_autoptr(TileboxDatapoints) all = run (s2a, query);
  g_autoptr(TileboxDatapoints) merged = NULL;
  g_auto(GStrv) all_ids = tilebox_datapoints_get_ids (all);
  g_auto(GStrv) merged_ids = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) dataset_ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *position = NULL;
  g_autofree char *dataset_position = NULL;

  tilebox_query_set_page_size (query, 100);
  {
    g_autoptr(TileboxQueryCursor) first = tilebox_collection_query_pages (s2a, query);

    for (guint i = 0; i < 2; i++)
      {
        g_autoptr(TileboxDatapoints) page = tilebox_query_cursor_next (first, NULL, &error);

        g_assert_no_error (error);
        append_ids (ids, page);
      }
    position = g_strdup (tilebox_query_cursor_get_position (first));
  }
  g_assert_cmpstr (position, ==, all_ids[199]);

  {
    g_autoptr(TileboxQueryCursor) rest = tilebox_collection_query_pages (s2a, query);

    g_assert_true (tilebox_query_cursor_set_position (rest, position, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (tilebox_query_cursor_get_position (rest), ==, position);
    read_to_end (rest, ids);
    g_assert_cmpuint (tilebox_query_cursor_get_n_datapoints (rest), ==, 2800);
    g_assert_cmpuint (tilebox_query_cursor_get_n_pages (rest), ==, 28);
  }
  assert_same_ids (ids, all_ids);

  /* NULL is the beginning. */
  {
    g_autoptr(TileboxQueryCursor) again = tilebox_collection_query_pages (s2a, query);
    g_autoptr(TileboxDatapoints) page = NULL;
    g_auto(GStrv) page_ids = NULL;

    g_assert_true (tilebox_query_cursor_set_position (again, position, &error));
    g_assert_true (tilebox_query_cursor_set_position (again, NULL, &error));
    g_assert_no_error (error);
    g_assert_null (tilebox_query_cursor_get_position (again));
    page = tilebox_query_cursor_next (again, NULL, &error);
    g_assert_no_error (error);
    page_ids = tilebox_datapoints_get_ids (page);
    g_assert_cmpstr (page_ids[0], ==, all_ids[0]);
  }

  merged = tilebox_dataset_query (sentinel2, everything, NULL, &error);
  g_assert_no_error (error);
  merged_ids = tilebox_datapoints_get_ids (merged);
  tilebox_query_set_page_size (everything, 500);
  {
    g_autoptr(TileboxQueryCursor) first = tilebox_dataset_query_pages (sentinel2, everything, &error);
    g_autoptr(TileboxDatapoints) page = NULL;

    g_assert_no_error (error);
    for (guint i = 0; i < 3; i++)
      {
        g_clear_object (&page);
        page = tilebox_query_cursor_next (first, NULL, &error);
        g_assert_no_error (error);
        append_ids (dataset_ids, page);
      }
    dataset_position = g_strdup (tilebox_query_cursor_get_position (first));
  }
  {
    g_autoptr(TileboxQueryCursor) rest = tilebox_dataset_query_pages (sentinel2, everything, &error);

    g_assert_no_error (error);
    g_assert_true (tilebox_query_cursor_set_position (rest, dataset_position, &error));
    g_assert_no_error (error);
    read_to_end (rest, dataset_ids);
  }
  assert_same_ids (dataset_ids, merged_ids);
}

/* A limit caps all pages together; the last page is cut short. */
static void
test_cursor_limit (void)
{
  g_autoptr(TileboxCollection) s2b = collection (sentinel2, "S2B_S2MSI1C");
  g_autoptr(TileboxQuery) query = year_query ();
  g_autoptr(TileboxDatapoints) all = run (s2b, query);
  g_auto(GStrv) all_ids = tilebox_datapoints_get_ids (all);
  g_autoptr(TileboxQueryCursor) cursor = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  guint sizes[] = { 100, 100, 50 };
  guint before;

  tilebox_query_set_page_size (query, 100);
  tilebox_query_set_limit (query, 250);
  cursor = tilebox_collection_query_pages (s2b, query);
  before = _tilebox_server_get_request_count (server);
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TileboxDatapoints) page = tilebox_query_cursor_next (cursor, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (page);
      g_assert_cmpuint (tilebox_datapoints_get_n_rows (page), ==, sizes[i]);
      append_ids (ids, page);
    }
  g_assert_true (tilebox_query_cursor_is_done (cursor));
  g_assert_cmpuint (_tilebox_server_get_request_count (server) - before, ==, 3);
  read_to_end (cursor, ids);
  g_assert_cmpuint (ids->len, ==, 250);
  for (guint i = 0; i < ids->len; i++)
    g_assert_cmpstr (g_ptr_array_index (ids, i), ==, all_ids[i]);
  g_assert_cmpuint (tilebox_query_cursor_get_n_datapoints (cursor), ==, 250);
}

/* An interval without data: done at once, no pages, no position. */
static void
test_cursor_empty (void)
{
  g_autoptr(TileboxCollection) s2a = collection (sentinel2, "S2A_S2MSI1C");
  g_autoptr(TileboxQuery) query = tilebox_query_new ();
  g_autoptr(TileboxTimeInterval) later = NULL;
  g_autoptr(TileboxQueryCursor) cursor = NULL;
  g_autoptr(TileboxQueryCursor) async_cursor = NULL;
  g_autoptr(TileboxDatapoints) page = NULL;
  g_autoptr(GError) error = NULL;

  later = tilebox_time_interval_new_parse ("2030-01-01", "2031-01-01", &error);
  g_assert_no_error (error);
  tilebox_query_set_time_interval (query, later);

  cursor = tilebox_collection_query_pages (s2a, query);
  page = tilebox_query_cursor_next (cursor, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (page);
  g_assert_true (tilebox_query_cursor_is_done (cursor));
  g_assert_cmpuint (tilebox_query_cursor_get_n_pages (cursor), ==, 0);
  g_assert_cmpuint (tilebox_query_cursor_get_n_datapoints (cursor), ==, 0);
  g_assert_null (tilebox_query_cursor_get_position (cursor));

  async_cursor = tilebox_collection_query_pages (s2a, query);
  page = next_page_async (async_cursor, &error);
  g_assert_no_error (error);
  g_assert_null (page);
  g_assert_true (tilebox_query_cursor_is_done (async_cursor));
  g_assert_cmpuint (tilebox_query_cursor_get_n_pages (async_cursor), ==, 0);
}

/* Positions: a malformed one is refused, and so is any once a page was
 * asked for. */
static void
test_cursor_position_errors (void)
{
  g_autoptr(TileboxCollection) s2c = collection (sentinel2, "S2C_S2MSI2A");
  g_autoptr(TileboxQuery) query = year_query ();
  g_autoptr(TileboxQueryCursor) cursor = tilebox_collection_query_pages (s2c, query);
  g_autoptr(TileboxDatapoints) page = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (tilebox_query_cursor_set_position (cursor, "not-an-id", &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
  g_assert_null (tilebox_query_cursor_get_position (cursor));
  g_clear_error (&error);

  page = tilebox_query_cursor_next (cursor, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (page);
  g_assert_false (tilebox_query_cursor_set_position (cursor, "01941f29-c650-202f-6495-c71dd2118fb1", &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_FAILED_PRECONDITION);
}

/* A query that cannot run: the dataset form refuses it, the collection
 * form's cursor reports it, before anything is sent. */
static void
test_cursor_invalid_query (void)
{
  g_autoptr(TileboxCollection) s2c = collection (sentinel2, "S2C_S2MSI2A");
  g_autoptr(TileboxCollection) berlin = collection (weather, "berlin");
  g_autoptr(TileboxQuery) no_interval = tilebox_query_new ();
  g_autoptr(TileboxQuery) foreign = year_query ();
  g_autoptr(TileboxQueryCursor) cursor = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint before = _tilebox_server_get_request_count (server);

  g_assert_null (tilebox_dataset_query_pages (sentinel2, no_interval, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  tilebox_query_add_collection (foreign, berlin);
  g_assert_null (tilebox_dataset_query_pages (sentinel2, foreign, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  cursor = tilebox_collection_query_pages (s2c, no_interval);
  g_assert_nonnull (cursor);
  g_assert_null (tilebox_query_cursor_next (cursor, NULL, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  tilebox_query_cursor_next_async (cursor, NULL, store_result_cb, &result);
  g_assert_null (tilebox_query_cursor_next_finish (cursor, wait_for (&result), &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
  g_assert_false (tilebox_query_cursor_is_done (cursor));
  g_assert_cmpuint (_tilebox_server_get_request_count (server), ==, before);
}

/* Cancelled, before or during a request: the error is GIO's, and the
 * cursor stays where it was. */
static void
test_cursor_cancelled (void)
{
  g_autoptr(TileboxCollection) s2a = collection (sentinel2, "S2A_S2MSI1C");
  g_autoptr(TileboxQuery) query = year_query ();
  g_autoptr(TileboxDatapoints) all = run (s2a, query);
  g_auto(GStrv) all_ids = tilebox_datapoints_get_ids (all);
  g_autoptr(TileboxQueryCursor) cursor = NULL;
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  g_autoptr(GCancellable) in_flight = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) flight_result = NULL;
  g_autoptr(TileboxDatapoints) page = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) page_ids = NULL;

  tilebox_query_set_page_size (query, 100);
  cursor = tilebox_collection_query_pages (s2a, query);
  g_cancellable_cancel (cancelled);
  g_assert_null (tilebox_query_cursor_next (cursor, cancelled, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  tilebox_query_cursor_next_async (cursor, cancelled, store_result_cb, &result);
  g_assert_null (tilebox_query_cursor_next_finish (cursor, wait_for (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  _tilebox_server_set_latency_ms (server, 200);
  tilebox_query_cursor_next_async (cursor, in_flight, store_result_cb, &flight_result);
  g_cancellable_cancel (in_flight);
  g_assert_null (tilebox_query_cursor_next_finish (cursor, wait_for (&flight_result), &error));
  _tilebox_server_set_latency_ms (server, 0);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  g_assert_cmpuint (tilebox_query_cursor_get_n_pages (cursor), ==, 0);
  g_assert_null (tilebox_query_cursor_get_position (cursor));
  page = tilebox_query_cursor_next (cursor, NULL, &error);
  g_assert_no_error (error);
  page_ids = tilebox_datapoints_get_ids (page);
  g_assert_cmpstr (page_ids[0], ==, all_ids[0]);
  g_assert_cmpuint (tilebox_query_cursor_get_n_pages (cursor), ==, 1);
}

/* One next at a time: another while one runs fails at once. */
static void
test_cursor_pending (void)
{
  g_autoptr(TileboxCollection) s2a = collection (sentinel2, "S2A_S2MSI1C");
  g_autoptr(TileboxQuery) query = year_query ();
  g_autoptr(TileboxDatapoints) all = run (s2a, query);
  g_auto(GStrv) all_ids = tilebox_datapoints_get_ids (all);
  g_autoptr(TileboxQueryCursor) cursor = NULL;
  g_autoptr(GAsyncResult) first_result = NULL;
  g_autoptr(GAsyncResult) second_result = NULL;
  g_autoptr(TileboxDatapoints) first = NULL;
  g_autoptr(TileboxDatapoints) second = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) first_ids = NULL;
  g_auto(GStrv) second_ids = NULL;

  tilebox_query_set_page_size (query, 100);
  cursor = tilebox_collection_query_pages (s2a, query);
  tilebox_query_cursor_next_async (cursor, NULL, store_result_cb, &first_result);
  tilebox_query_cursor_next_async (cursor, NULL, store_result_cb, &second_result);
  g_assert_null (tilebox_query_cursor_next (cursor, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
  g_clear_error (&error);

  g_assert_null (tilebox_query_cursor_next_finish (cursor, wait_for (&second_result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
  g_clear_error (&error);
  first = tilebox_query_cursor_next_finish (cursor, wait_for (&first_result), &error);
  g_assert_no_error (error);
  first_ids = tilebox_datapoints_get_ids (first);
  g_assert_cmpstr (first_ids[0], ==, all_ids[0]);

  /* The refused calls did not disturb the one that ran. */
  second = tilebox_query_cursor_next (cursor, NULL, &error);
  g_assert_no_error (error);
  second_ids = tilebox_datapoints_get_ids (second);
  g_assert_cmpstr (second_ids[0], ==, all_ids[100]);
  g_assert_cmpuint (tilebox_query_cursor_get_n_pages (cursor), ==, 2);
}

/* A failed page is asked for again by the next call: no gap. */
static void
test_cursor_failure_retried (void)
{
  g_autoptr(TileboxCollection) s2a = collection (sentinel2, "S2A_S2MSI1C");
  g_autoptr(TileboxQuery) query = year_query ();
  g_autoptr(TileboxDatapoints) all = run (s2a, query);
  g_auto(GStrv) all_ids = tilebox_datapoints_get_ids (all);
  g_autoptr(TileboxQueryCursor) cursor = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(TileboxDatapoints) page = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  tilebox_query_set_page_size (query, 100);
  cursor = tilebox_collection_query_pages (s2a, query);
  page = tilebox_query_cursor_next (cursor, NULL, &error);
  g_assert_no_error (error);
  append_ids (ids, page);

  tilebox_client_set_max_retries (client, 0);
  _tilebox_server_fail_next (server, 1, 500, "internal", 0);
  g_assert_null (tilebox_query_cursor_next (cursor, NULL, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INTERNAL);
  g_clear_error (&error);
  _tilebox_server_fail_next (server, 1, 500, "internal", 0);
  tilebox_query_cursor_next_async (cursor, NULL, store_result_cb, &result);
  g_assert_null (tilebox_query_cursor_next_finish (cursor, wait_for (&result), &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INTERNAL);
  g_clear_error (&error);
  tilebox_client_set_max_retries (client, 4);
  g_assert_cmpuint (tilebox_query_cursor_get_n_pages (cursor), ==, 1);
  g_assert_cmpstr (tilebox_query_cursor_get_position (cursor), ==, all_ids[99]);

  read_to_end (cursor, ids);
  assert_same_ids (ids, all_ids);
}

static gpointer
accept_any (GBytes   *body,
            gpointer  data,
            GError  **error)
{
  return GINT_TO_POINTER (TRUE);
}

/* A dataset without collections: a clear NOT_FOUND for a query over all
 * its collections and for a find, blocking and async. */
static void
test_dataset_without_collections (void)
{
  TileboxPbCreateDatasetRequest request = { 0 };
  GByteArray *out = g_byte_array_new ();
  g_autoptr(TileboxDataset) empty = NULL;
  g_autoptr(TileboxQuery) query = year_query ();
  g_autoptr(TileboxQueryCursor) cursor = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  /* The client cannot create datasets yet: send the request directly. */
  request.name = (char *) "Empty dataset";
  request.has_type = TRUE;
  request.type.kind = 1;
  _tilebox_pb_create_dataset_request_encode (&request, out);
  g_assert_nonnull (_tilebox_rpc_invoke (_tilebox_client_get_rpc (client), TILEBOX_DATASET_SERVICE,
                                         "CreateDataset", out, accept_any, NULL, NULL, &error));
  g_assert_no_error (error);
  empty = tilebox_client_get_dataset (client, "local.empty_dataset", NULL, &error);
  g_assert_no_error (error);

  g_assert_null (tilebox_dataset_query (empty, query, NULL, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "Empty dataset"));
  g_clear_error (&error);

  tilebox_dataset_find_async (empty, "01941f29-c650-202f-6495-c71dd2118fb1", FALSE, NULL,
                              store_result_cb, &result);
  g_assert_null (tilebox_dataset_find_finish (empty, wait_for (&result), &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A cursor finds out on its first page. */
  cursor = tilebox_dataset_query_pages (empty, query, &error);
  g_assert_no_error (error);
  g_assert_null (tilebox_query_cursor_next (cursor, NULL, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_object (&result);
  tilebox_query_cursor_next_async (cursor, NULL, store_result_cb, &result);
  g_assert_null (tilebox_query_cursor_next_finish (cursor, wait_for (&result), &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_NOT_FOUND);
}

/* --- a dataset type changed on the server ------------------------------------ */

#define CHANGING_SLUG "test.changing_type"
/* 2025-01-01T00:00:00Z */
#define YEAR_START_MS G_GINT64_CONSTANT (1735689600000)
#define HOUR_MS G_GINT64_CONSTANT (3600000)

static const TileboxDescFieldSpec changing_fields[] = {
  { "time", TILEBOX_DESC_TYPE_MESSAGE, FALSE, "google.protobuf.Timestamp" },
  { "id", TILEBOX_DESC_TYPE_MESSAGE, FALSE, "datasets.v1.UUID" },
  { "ingestion_time", TILEBOX_DESC_TYPE_MESSAGE, FALSE, "google.protobuf.Timestamp" },
  { "station", TILEBOX_DESC_TYPE_STRING, FALSE, NULL },
  /* added by the change */
  { "level", TILEBOX_DESC_TYPE_INT64, FALSE, NULL },
};

/* Gives the dataset the type made of the first n_fields changing_fields;
 * the message and its name stay the same. */
static void
set_changing_type (TileboxPbDataset *dataset,
                   gsize             n_fields)
{
  _tilebox_pb_annotated_type_clear (&dataset->type);
  _tilebox_demo_build_type (&dataset->type, "changing_type", TILEBOX_DATASET_KIND_TEMPORAL,
                            changing_fields, NULL, n_fields);
  dataset->has_type = TRUE;
}

/* Stores a datapoint `hour` hours into 2025 with the station and, when
 * level >= 0, the level; the server adds id and ingestion time. */
static void
store_changing_datapoint (const guint8  collection_id[16],
                          guint         hour,
                          const char   *station,
                          gint64        level)
{
  g_autoptr(GByteArray) data = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  TileboxStoreDatapoint datapoint = { { 0 } };
  TileboxPbTimestamp time;
  gboolean ok;

  datapoint.time_ms = YEAR_START_MS + hour * HOUR_MS;
  datapoint.ingestion_time_ns = (datapoint.time_ms + HOUR_MS) * 1000000;
  time.seconds = datapoint.time_ms / 1000;
  time.nanos = 0;
  _tilebox_pb_write_timestamp (data, 1, &time);
  _tilebox_pb_write_string (data, 4, station);
  if (level >= 0)
    _tilebox_pb_write_varint (data, 5, (guint64) level);
  _tilebox_store_derive_datapoint_id (datapoint.time_ms, data->data, data->len, datapoint.id);
  datapoint.data = g_byte_array_free_to_bytes (g_steal_pointer (&data));

  _tilebox_server_lock (server);
  ok = _tilebox_store_insert_datapoints (_tilebox_server_get_store (server), collection_id, &datapoint, 1,
                                         FALSE, NULL, NULL, &error);
  _tilebox_server_unlock (server);
  g_bytes_unref (datapoint.data);
  g_assert_no_error (error);
  g_assert_true (ok);
}

/* A dataset whose type gains a field on the server: the next get_dataset
 * in the same process has the field in its schema and its values, while
 * the dataset fetched before keeps its own schema and decodes the new
 * datapoints with it, the new field left out. */
static void
test_changed_type (void)
{
  TileboxPbDataset stored = { 0 };
  TileboxPbDataset *current;
  TileboxPbCollectionInfo *info;
  guint8 collection_id[16];
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxQuery) query = year_query ();
  g_autoptr(TileboxDataset) old = NULL;
  g_autoptr(TileboxDataset) changed = NULL;
  g_autoptr(TileboxCollection) old_readings = NULL;
  g_autoptr(TileboxCollection) readings = NULL;
  g_autoptr(TileboxDatapoints) before = NULL;
  g_autoptr(TileboxDatapoints) after = NULL;
  g_autoptr(TileboxDatapoints) old_after = NULL;
  g_autoptr(TileboxDatapoint) first = NULL;
  g_autoptr(TileboxDatapoint) second = NULL;
  g_autoptr(TileboxDatapoint) old_second = NULL;
  g_autoptr(GVariant) level = NULL;
  g_autoptr(GVariant) levels = NULL;
  g_autoptr(GVariant) present = NULL;
  g_autoptr(GVariant) station = NULL;
  g_autoptr(JsonNode) json = NULL;
  TileboxSchema *old_schema;
  TileboxSchema *schema;
  TileboxField *field;
  const guint8 *flags;
  gsize n;
  gboolean ok;

  /* The dataset, public, with a collection of one datapoint. */
  _tilebox_store_new_uuid (stored.id.uuid);
  stored.id.set = TRUE;
  set_changing_type (&stored, G_N_ELEMENTS (changing_fields) - 1);
  stored.code_name = g_strdup ("changing_type");
  stored.name = g_strdup ("Changing type");
  stored.slug = g_strdup (CHANGING_SLUG);
  stored.visibility = TILEBOX_VISIBILITY_PUBLIC;
  _tilebox_store_new_uuid (collection_id);
  _tilebox_server_lock (server);
  ok = _tilebox_store_insert_dataset (_tilebox_server_get_store (server), &stored, &error);
  info = ok ? _tilebox_store_insert_collection (_tilebox_server_get_store (server), stored.id.uuid,
                                                collection_id, "readings", &error)
            : NULL;
  _tilebox_server_unlock (server);
  g_assert_no_error (error);
  g_assert_nonnull (info);
  _tilebox_pb_collection_info_free (info);
  store_changing_datapoint (collection_id, 1, "Kiel", -1);

  old = tilebox_client_get_dataset (client, CHANGING_SLUG, NULL, &error);
  g_assert_no_error (error);
  old_schema = tilebox_dataset_get_schema (old);
  g_assert_cmpuint (tilebox_schema_get_n_fields (old_schema), ==, 4);
  g_assert_null (tilebox_schema_lookup_field (old_schema, "level"));
  old_readings = collection (old, "readings");
  before = run (old_readings, query);
  g_assert_cmpuint (tilebox_datapoints_get_n_rows (before), ==, 1);
  g_assert_null (tilebox_datapoints_get_column (before, "level"));

  /* The server's side: the type gains "level", a datapoint carries it. */
  _tilebox_server_lock (server);
  current = _tilebox_store_get_dataset (_tilebox_server_get_store (server), stored.id.uuid, NULL, &error);
  if (current != NULL)
    {
      set_changing_type (current, G_N_ELEMENTS (changing_fields));
      ok = _tilebox_store_update_dataset (_tilebox_server_get_store (server), current, &error);
      _tilebox_pb_dataset_free (current);
    }
  _tilebox_server_unlock (server);
  g_assert_no_error (error);
  g_assert_nonnull (current);
  g_assert_true (ok);
  store_changing_datapoint (collection_id, 2, "Kiel", 7);

  /* Fetched again: the new field, in the schema and in the values. */
  changed = tilebox_client_get_dataset (client, CHANGING_SLUG, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (changed != old);
  g_assert_cmpstr (tilebox_dataset_get_id (changed), ==, tilebox_dataset_get_id (old));
  schema = tilebox_dataset_get_schema (changed);
  g_assert_true (schema != old_schema);
  g_assert_cmpstr (tilebox_schema_get_type_url (schema), ==, tilebox_schema_get_type_url (old_schema));
  g_assert_cmpuint (tilebox_schema_get_n_fields (schema), ==, 5);
  field = tilebox_schema_lookup_field (schema, "level");
  g_assert_nonnull (field);
  g_assert_cmpint (tilebox_field_get_field_type (field), ==, TILEBOX_FIELD_TYPE_INT64);
  g_assert_cmpuint (tilebox_field_get_number (field), ==, 5);

  readings = collection (changed, "readings");
  after = run (readings, query);
  g_assert_true (tilebox_datapoints_get_schema (after) == schema);
  g_assert_cmpuint (tilebox_datapoints_get_n_rows (after), ==, 2);
  levels = tilebox_datapoints_get_column (after, "level");
  g_assert_nonnull (levels);
  g_assert_cmpstr (g_variant_get_type_string (levels), ==, "ax");
  present = tilebox_datapoints_get_presence (after, "level");
  flags = g_variant_get_fixed_array (present, &n, sizeof (guint8));
  g_assert_cmpuint (n, ==, 2);
  g_assert_false (flags[0]);
  g_assert_true (flags[1]);
  first = tilebox_datapoints_get_datapoint (after, 0);
  g_assert_false (tilebox_datapoint_has_field (first, "level"));
  second = tilebox_datapoints_get_datapoint (after, 1);
  level = tilebox_datapoint_get_field (second, "level");
  g_assert_nonnull (level);
  g_assert_cmpint (g_variant_get_int64 (level), ==, 7);
  json = tilebox_datapoint_to_json (second);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (json), "level"), ==, 7);

  /* The dataset fetched before the change keeps its schema, unchanged,
   * and reads the new datapoint without the field it does not know. */
  g_assert_true (tilebox_dataset_get_schema (old) == old_schema);
  g_assert_cmpuint (tilebox_schema_get_n_fields (old_schema), ==, 4);
  g_assert_null (tilebox_schema_lookup_field (old_schema, "level"));
  g_assert_true (tilebox_datapoints_get_schema (before) == old_schema);
  old_after = run (old_readings, query);
  g_assert_true (tilebox_datapoints_get_schema (old_after) == old_schema);
  g_assert_cmpuint (tilebox_datapoints_get_n_rows (old_after), ==, 2);
  g_assert_null (tilebox_datapoints_get_column (old_after, "level"));
  old_second = tilebox_datapoints_get_datapoint (old_after, 1);
  g_assert_cmpstr (tilebox_datapoint_get_id (old_second), ==, tilebox_datapoint_get_id (second));
  g_assert_false (tilebox_datapoint_has_field (old_second, "level"));
  g_assert_null (tilebox_datapoint_get_field (old_second, "level"));
  station = tilebox_datapoint_get_field (old_second, "station");
  g_assert_cmpstr (g_variant_get_string (station, NULL), ==, "Kiel");

  _tilebox_server_lock (server);
  ok = _tilebox_store_delete_dataset (_tilebox_server_get_store (server), stored.id.uuid, &error);
  _tilebox_server_unlock (server);
  g_assert_no_error (error);
  g_assert_true (ok);
  _tilebox_pb_dataset_clear (&stored);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  server_thread = _tilebox_server_thread_start (TRUE, &error);
  g_assert_no_error (error);
  server = _tilebox_server_thread_get_server (server_thread);
  client = tilebox_client_new_for_url (_tilebox_server_thread_get_url (server_thread), NULL, &error);
  g_assert_no_error (error);
  sentinel2 = tilebox_client_get_dataset (client, "open_data.copernicus.sentinel2_msi", NULL, &error);
  g_assert_no_error (error);
  weather = tilebox_client_get_dataset (client, "demo.weather_stations", NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/query/whole-collection-matches-count", test_whole_collection);
  g_test_add_func ("/query/pages-give-the-same-result", test_pages);
  g_test_add_func ("/query/limit-keeps-the-first", test_limit);
  g_test_add_func ("/query/time-bounds", test_time_bounds);
  g_test_add_func ("/query/id-bounds", test_id_bounds);
  g_test_add_func ("/query/dataset-merges-collections", test_dataset_query);
  g_test_add_func ("/query/dataset-refuses-foreign-collection", test_dataset_query_foreign_collection);
  g_test_add_func ("/query/needs-an-interval", test_query_without_interval);
  g_test_add_func ("/query/skip-data", test_skip_data);
  g_test_add_func ("/query/values-and-presence", test_values_and_presence);
  g_test_add_func ("/query/list-model", test_list_model);
  g_test_add_func ("/query/find", test_find);
  g_test_add_func ("/query/async", test_async);
  g_test_add_func ("/query/cancelled", test_cancelled);
  g_test_add_func ("/query/progress", test_progress);
  g_test_add_func ("/query/parallel-same-as-sequential", test_parallel);
  g_test_add_func ("/query/parallel-failure", test_parallel_failure);
  g_test_add_func ("/query/dataset-without-collections", test_dataset_without_collections);
  g_test_add_func ("/query/builder", test_query_builder);
  g_test_add_func ("/query/datapoint-views", test_datapoint_views);
  g_test_add_func ("/query/changed-type-is-picked-up", test_changed_type);
  g_test_add_func ("/query/cursor/pages-make-the-whole", test_cursor_pages);
  g_test_add_func ("/query/cursor/async", test_cursor_async);
  g_test_add_func ("/query/cursor/resume", test_cursor_resume);
  g_test_add_func ("/query/cursor/limit-across-pages", test_cursor_limit);
  g_test_add_func ("/query/cursor/empty", test_cursor_empty);
  g_test_add_func ("/query/cursor/position-errors", test_cursor_position_errors);
  g_test_add_func ("/query/cursor/invalid-query", test_cursor_invalid_query);
  g_test_add_func ("/query/cursor/cancelled", test_cursor_cancelled);
  g_test_add_func ("/query/cursor/one-next-at-a-time", test_cursor_pending);
  g_test_add_func ("/query/cursor/failed-page-asked-again", test_cursor_failure_retried);

  ret = g_test_run ();

  g_clear_object (&weather);
  g_clear_object (&sentinel2);
  g_clear_object (&client);
  _tilebox_server_thread_stop (server_thread);

  return ret;
}
