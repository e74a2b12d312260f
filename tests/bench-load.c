/* bench-load.c: loading over the network, sequential against concurrent
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Runs the local server in-process with a per-response latency and pages of
 * 100 datapoints, then measures (wall-clock time):
 *  (b) N collections loaded one after another with blocking calls, against
 *      the same N loaded at once with async calls on one main loop, and
 *      both against the slowest single collection: once for the demo
 *      collections, whose sizes differ so that the largest bounds the
 *      concurrent load, and once for N collections of equal size added to
 *      the demo's weather stations for the benchmark;
 *  (c) one large query paged sequentially, against the same query split
 *      into parallel spans (max-parallel).
 * Usage: bench-load [LATENCY_MS]   (default 100)
 */

#include "config.h"

#include <stdlib.h>

#include "tilebox.h"
#include "tilebox-demo-private.h"
#include "tilebox-server-private.h"

static const char *const demo_collections[][2] = {
  { "open_data.copernicus.sentinel2_msi", "S2A_S2MSI1C" },
  { "open_data.copernicus.sentinel2_msi", "S2B_S2MSI1C" },
  { "open_data.copernicus.sentinel2_msi", "S2A_S2MSI2A" },
  { "open_data.copernicus.sentinel2_msi", "S2C_S2MSI2A" },
  { "open_data.asf.ers_sar", "ERS-1" },
  { "open_data.asf.ers_sar", "ERS-2" },
  { "demo.weather_stations", "berlin" },
  { "demo.weather_stations", "munich" },
};
#define N_COLLECTIONS G_N_ELEMENTS (demo_collections)
/* Ten pages of 100 each. */
#define EQUAL_SIZE 1000

static TileboxCollection *
open_collection (TileboxClient *client,
                 const char    *slug,
                 const char    *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxDataset) dataset = tilebox_client_get_dataset (client, slug, NULL, &error);
  TileboxCollection *collection;

  g_assert_no_error (error);
  collection = tilebox_dataset_get_collection (dataset, name, NULL, &error);
  g_assert_no_error (error);
  return collection;
}

/* Adds N_COLLECTIONS weather stations of EQUAL_SIZE readings each to the
 * server's store and opens them. */
static void
open_equal_collections (TileboxServer     *server,
                        TileboxClient     *client,
                        TileboxCollection *opened[])
{
  for (guint i = 0; i < N_COLLECTIONS; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *name = g_strdup_printf ("bench-%u", i + 1);
      gboolean added;

      _tilebox_server_lock (server);
      added = _tilebox_demo_add_collection (_tilebox_server_get_store (server), TILEBOX_DEMO_WEATHER_SLUG, name,
                                            EQUAL_SIZE, &error);
      _tilebox_server_unlock (server);
      g_assert_no_error (error);
      g_assert_true (added);
      opened[i] = open_collection (client, TILEBOX_DEMO_WEATHER_SLUG, name);
    }
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

/* (b) the collections blocking one after another, then all at once,
 * async on one main loop; prints the figures after `what`. */
static void
measure_collections (const char        *what,
                     TileboxCollection *opened[],
                     TileboxQuery      *query)
{
  g_autoptr(GError) error = NULL;
  gint64 start, sequential_us, concurrent_us, slowest_us = 0;
  guint64 sequential_rows = 0;
  Concurrent state = { 0 };

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

  state.remaining = N_COLLECTIONS;
  start = g_get_monotonic_time ();
  for (guint i = 0; i < N_COLLECTIONS; i++)
    tilebox_collection_query_async (opened[i], query, NULL, loaded_cb, &state);
  while (state.remaining > 0)
    g_main_context_iteration (NULL, TRUE);
  concurrent_us = g_get_monotonic_time () - start;
  g_assert_cmpuint (state.rows, ==, sequential_rows);

  g_print ("(b) %u %s, %" G_GUINT64_FORMAT " datapoints: sequential blocking %.2f s, "
           "concurrent async %.2f s (%.1fx faster; slowest single collection %.2f s, concurrent is %.2fx of it)\n",
           (guint) N_COLLECTIONS, what, sequential_rows, sequential_us / 1e6, concurrent_us / 1e6,
           (double) sequential_us / concurrent_us, slowest_us / 1e6, (double) concurrent_us / slowest_us);
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
  TileboxCollection *equal[N_COLLECTIONS];
  TileboxServerThread *thread;
  TileboxServer *server;
  gint64 start, parallel_us, paged_us;

  thread = _tilebox_server_thread_start (TRUE, &error);
  g_assert_no_error (error);
  server = _tilebox_server_thread_get_server (thread);
  _tilebox_server_set_max_page_size (server, 100);
  client = tilebox_client_new_for_url (_tilebox_server_thread_get_url (thread), NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < N_COLLECTIONS; i++)
    opened[i] = open_collection (client, demo_collections[i][0], demo_collections[i][1]);
  open_equal_collections (server, client, equal);
  _tilebox_server_set_latency_ms (server, latency);

  g_print ("Local server, %u ms per response, pages of 100 datapoints\n", latency);

  /* (b) N collections, of the demo's sizes and of equal size. */
  measure_collections ("demo collections", opened, query);
  measure_collections ("equal collections", equal, query);

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
    {
      g_object_unref (opened[i]);
      g_object_unref (equal[i]);
    }
  g_clear_object (&client);
  _tilebox_server_thread_stop (thread);

  return 0;
}
