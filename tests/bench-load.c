/* bench-load.c: loading over the network, sequential against concurrent
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Runs the local server in-process with a per-response latency and pages of
 * 100 datapoints, then measures (wall-clock time):
 *  (b) N collections loaded one after another with blocking calls, against
 *      the same N loaded at once with async calls on one main loop;
 *  (c) one large query paged sequentially, against the same query split
 *      into parallel spans (max-parallel).
 * Usage: bench-load [LATENCY_MS]   (default 100)
 */

#include "config.h"

#include <stdlib.h>

#include "tilebox.h"
#include "tilebox-server-private.h"

static const char *const collections[][2] = {
  { "open_data.copernicus.sentinel2_msi", "S2A_S2MSI1C" },
  { "open_data.copernicus.sentinel2_msi", "S2B_S2MSI1C" },
  { "open_data.copernicus.sentinel2_msi", "S2A_S2MSI2A" },
  { "open_data.copernicus.sentinel2_msi", "S2C_S2MSI2A" },
  { "open_data.asf.ers_sar", "ERS-1" },
  { "open_data.asf.ers_sar", "ERS-2" },
  { "demo.weather_stations", "berlin" },
  { "demo.weather_stations", "munich" },
};
#define N_COLLECTIONS G_N_ELEMENTS (collections)

static TileboxCollection *
open_collection (TileboxClient *client,
                 guint          i)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxDataset) dataset = tilebox_client_get_dataset (client, collections[i][0], NULL, &error);
  TileboxCollection *collection;

  g_assert_no_error (error);
  collection = tilebox_dataset_get_collection (dataset, collections[i][1], NULL, &error);
  g_assert_no_error (error);
  return collection;
}

static TileboxQuery *
year_query (void)
{
  g_autoptr(TileboxTimeInterval) year = tilebox_time_interval_new_parse ("2025-01-01", "2026-01-01", NULL);
  TileboxQuery *query = tilebox_query_new ();

  tilebox_query_set_time_interval (query, year);
  return query;
}

typedef struct {
  guint remaining;
  guint64 rows;
  gint64 slowest_us;
  gint64 started_us;
} Concurrent;

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Concurrent *state = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxDatapoints) datapoints = tilebox_collection_query_finish (TILEBOX_COLLECTION (source), result, &error);

  g_assert_no_error (error);
  state->rows += tilebox_datapoints_get_n_rows (datapoints);
  state->remaining--;
}

int
main (int   argc,
      char *argv[])
{
  guint latency = argc > 1 ? (guint) atoi (argv[1]) : 100;
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxClient) client = NULL;
  g_autoptr(TileboxQuery) query = year_query ();
  TileboxCollection *opened[N_COLLECTIONS];
  TileboxServerThread *thread;
  TileboxServer *server;
  gint64 start, sequential_us, concurrent_us, slowest_us = 0, parallel_us, paged_us;
  guint64 sequential_rows = 0;
  Concurrent state = { 0 };

  thread = _tilebox_server_thread_start (TRUE, &error);
  g_assert_no_error (error);
  server = _tilebox_server_thread_get_server (thread);
  _tilebox_server_set_max_page_size (server, 100);
  client = tilebox_client_new_for_url (_tilebox_server_thread_get_url (thread), NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < N_COLLECTIONS; i++)
    opened[i] = open_collection (client, i);
  _tilebox_server_set_latency_ms (server, latency);

  g_print ("Local server, %u ms per response, pages of 100 datapoints\n", latency);

  /* (b) N collections: blocking one after another... */
  start = g_get_monotonic_time ();
  for (guint i = 0; i < N_COLLECTIONS; i++)
    {
      gint64 one = g_get_monotonic_time ();
      g_autoptr(TileboxDatapoints) datapoints = tilebox_collection_query (opened[i], query, NULL, &error);

      g_assert_no_error (error);
      sequential_rows += tilebox_datapoints_get_n_rows (datapoints);
      slowest_us = MAX (slowest_us, g_get_monotonic_time () - one);
    }
  sequential_us = g_get_monotonic_time () - start;

  /* ...and all at once, async on one main loop. */
  state.remaining = N_COLLECTIONS;
  start = g_get_monotonic_time ();
  for (guint i = 0; i < N_COLLECTIONS; i++)
    tilebox_collection_query_async (opened[i], query, NULL, loaded_cb, &state);
  while (state.remaining > 0)
    g_main_context_iteration (NULL, TRUE);
  concurrent_us = g_get_monotonic_time () - start;
  g_assert_cmpuint (state.rows, ==, sequential_rows);

  g_print ("(b) %u collections, %" G_GUINT64_FORMAT " datapoints: sequential blocking %.2f s, "
           "concurrent async %.2f s (%.1fx faster; slowest single collection %.2f s, concurrent is %.2fx of it)\n",
           (guint) N_COLLECTIONS, sequential_rows, sequential_us / 1e6, concurrent_us / 1e6,
           (double) sequential_us / concurrent_us, slowest_us / 1e6, (double) concurrent_us / slowest_us);

  /* (c) one large query: sequential pages against parallel spans. */
  {
    g_autoptr(TileboxDatapoints) paged = NULL;
    g_autoptr(TileboxDatapoints) parallel = NULL;

    start = g_get_monotonic_time ();
    paged = tilebox_collection_query (opened[0], query, NULL, &error);
    g_assert_no_error (error);
    paged_us = g_get_monotonic_time () - start;

    tilebox_query_set_max_parallel (query, 8);
    start = g_get_monotonic_time ();
    parallel = tilebox_collection_query (opened[0], query, NULL, &error);
    g_assert_no_error (error);
    parallel_us = g_get_monotonic_time () - start;
    g_assert_cmpuint (tilebox_datapoints_get_n_rows (parallel), ==, tilebox_datapoints_get_n_rows (paged));

    g_print ("(c) one query of %u datapoints: sequential pages %.2f s, 8 parallel spans %.2f s (%.1fx faster)\n",
             tilebox_datapoints_get_n_rows (paged), paged_us / 1e6, parallel_us / 1e6,
             (double) paged_us / parallel_us);
  }

  for (guint i = 0; i < N_COLLECTIONS; i++)
    g_object_unref (opened[i]);
  g_clear_object (&client);
  _tilebox_server_thread_stop (thread);

  return 0;
}
