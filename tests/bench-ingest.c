/* bench-ingest.c: how fast datapoints go into the local server and back out
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * 100 000 weather datapoints (JSON rows: a string, a double, a float, a
 * uint32, a bool and a repeated string besides the time) into an in-memory
 * local server without latency: ingested (13 requests of at most 8192),
 * ingested again (all existing), loaded back, deleted. The encoding alone
 * is timed too, to tell the client's share from the server's. Run it with
 *   meson test -C BUILD --benchmark -v ingest
 * or bench-ingest N for another count.
 */

#include "config.h"

#include <stdlib.h>

#include "tilebox.h"
#include "tilebox-demo-private.h"
#include "tilebox-server-private.h"

static JsonNode *
rows (guint n)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *time = g_strdup_printf ("2030-%02u-%02uT%02u:%02u:%02u.%03uZ",
                                               1 + (i / 2678400) % 12, 1 + (i / 86400) % 28,
                                               (i / 3600) % 24, (i / 60) % 60, i % 60, i % 1000);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "time");
      json_builder_add_string_value (builder, time);
      json_builder_set_member_name (builder, "station");
      json_builder_add_string_value (builder, i % 2 ? "Berlin-Dahlem" : "München-Stadt");
      json_builder_set_member_name (builder, "temperature");
      json_builder_add_double_value (builder, -10.25 + (double) (i % 97) * 0.5);
      json_builder_set_member_name (builder, "humidity");
      json_builder_add_double_value (builder, 40.5 + (double) (i % 50));
      json_builder_set_member_name (builder, "pressure");
      json_builder_add_int_value (builder, 990 + i % 40);
      json_builder_set_member_name (builder, "rain");
      json_builder_add_boolean_value (builder, i % 7 == 0);
      json_builder_set_member_name (builder, "tags");
      json_builder_begin_array (builder);
      json_builder_add_string_value (builder, "hourly");
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  return json_builder_get_root (builder);
}

static void
report (const char *what,
        guint       n,
        gint64      us)
{
  g_print ("  %-34s %8.3f s  %9.0f datapoints/s\n", what, us / 1e6, n / (us / 1e6));
}

int
main (int   argc,
      char *argv[])
{
  guint n = argc > 1 ? (guint) atoi (argv[1]) : 100000;
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxClient) client = NULL;
  g_autoptr(TileboxDataset) weather = NULL;
  g_autoptr(TileboxCollection) collection = NULL;
  g_autoptr(TileboxCollection) copy = NULL;
  g_autoptr(TileboxIngestResult) result = NULL;
  g_autoptr(TileboxIngestResult) again = NULL;
  g_autoptr(TileboxIngestResult) copied = NULL;
  g_autoptr(TileboxDatapoints) loaded = NULL;
  g_autoptr(TileboxTimeInterval) all = NULL;
  g_autoptr(TileboxQuery) query = tilebox_query_new ();
  g_autoptr(JsonNode) data = NULL;
  TileboxServerThread *thread;
  gint64 start;
  gint64 deleted;

  thread = _tilebox_server_thread_start (TRUE, &error);
  g_assert_no_error (error);
  client = tilebox_client_new_for_url (_tilebox_server_thread_get_url (thread), NULL, &error);
  g_assert_no_error (error);
  weather = tilebox_client_get_dataset (client, TILEBOX_DEMO_WEATHER_SLUG, NULL, &error);
  g_assert_no_error (error);
  collection = tilebox_dataset_create_collection (weather, "bench", NULL, &error);
  g_assert_no_error (error);
  copy = tilebox_dataset_create_collection (weather, "bench-copy", NULL, &error);
  g_assert_no_error (error);
  all = tilebox_time_interval_new_parse ("2030-01-01", "2031-01-01", &error);
  g_assert_no_error (error);
  tilebox_query_set_time_interval (query, all);

  g_print ("%u weather datapoints, local server in memory, no latency\n", n);
  start = g_get_monotonic_time ();
  data = rows (n);
  report ("building the JSON rows", n, g_get_monotonic_time () - start);

  start = g_get_monotonic_time ();
  result = tilebox_collection_ingest_json (collection, data, FALSE, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tilebox_ingest_result_get_n_created (result), ==, n);
  report ("ingest from JSON (new)", n, g_get_monotonic_time () - start);

  start = g_get_monotonic_time ();
  again = tilebox_collection_ingest_json (collection, data, TRUE, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tilebox_ingest_result_get_n_existing (again), ==, n);
  report ("ingest again (all existing)", n, g_get_monotonic_time () - start);

  start = g_get_monotonic_time ();
  loaded = tilebox_collection_query (collection, query, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tilebox_datapoints_get_n_rows (loaded), ==, n);
  report ("query back", n, g_get_monotonic_time () - start);

  start = g_get_monotonic_time ();
  copied = tilebox_collection_ingest_datapoints (copy, loaded, FALSE, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (tilebox_ingest_result_get_ids (copied), tilebox_ingest_result_get_ids (result));
  report ("ingest loaded datapoints (copy)", n, g_get_monotonic_time () - start);

  start = g_get_monotonic_time ();
  deleted = tilebox_collection_delete_datapoints (collection, loaded, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (deleted, ==, n);
  report ("delete", n, g_get_monotonic_time () - start);

  g_clear_object (&copy);
  g_clear_object (&collection);
  g_clear_object (&weather);
  g_clear_object (&client);
  _tilebox_server_thread_stop (thread);
  return 0;
}
