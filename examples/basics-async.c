/* basics-async.c: the basic operations of libtilebox without blocking
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Usage: basics-async [URL]
 *
 * The same steps as basics.c, each started with an _async function and
 * finished in its callback with the matching _finish function, while a
 * GMainLoop runs. Each callback starts the next step, so reading the file
 * from top to bottom follows the program: list the datasets, load a day of
 * Sentinel-2 scenes, create a dataset, write a few datapoints, read them
 * back, delete the dataset.
 *
 * The callbacks run on the main context that was the thread-default when
 * the call was started: here the global default context the loop runs.
 */

#include <tilebox.h>

#define SENTINEL2 "open_data.copernicus.sentinel2_msi"

/* What the steps share. */
typedef struct {
  GMainLoop         *loop;
  TileboxClient     *client;
  TileboxDataset    *dataset;     /* the one this program creates */
  TileboxCollection *collection;
  guint64            n_written;
  int                status;
} Example;

static void delete_dataset_done (GObject *source, GAsyncResult *result, gpointer user_data);

/* The last step, also taken after a failure: the dataset this program
 * created is deleted, if there is one, and then the loop ends. */
static void
finish (Example *example)
{
  if (example->dataset != NULL)
    tilebox_client_delete_dataset_async (example->client, example->dataset, NULL, delete_dataset_done, example);
  else
    g_main_loop_quit (example->loop);
}

static void
fail (Example      *example,
      const char   *what,
      const GError *error)
{
  g_printerr ("Could not %s: %s\n", what, error->message);
  example->status = 1;
  finish (example);
}

static void
delete_dataset_done (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Example *example = user_data;
  g_autoptr(GError) error = NULL;

  if (tilebox_client_delete_dataset_finish (TILEBOX_CLIENT (source), result, &error))
    g_print ("Deleted %s\n", tilebox_dataset_get_slug (example->dataset));
  else
    {
      g_printerr ("Could not delete the dataset: %s\n", error->message);
      example->status = 1;
    }
  g_clear_object (&example->dataset);
  g_main_loop_quit (example->loop);
}

static void
read_back_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Example *example = user_data;
  g_autoptr(TileboxDatapoints) back = NULL;
  g_autoptr(GError) error = NULL;

  back = tilebox_collection_query_finish (TILEBOX_COLLECTION (source), result, &error);
  if (back == NULL)
    {
      fail (example, "read the datapoints back", error);
      return;
    }

  for (guint i = 0; i < tilebox_datapoints_get_n_rows (back); i++)
    {
      g_autoptr(TileboxDatapoint) point = tilebox_datapoints_get_datapoint (back, i);
      g_autoptr(GVariant) depth = tilebox_datapoint_get_field (point, "depth");
      g_autoptr(GVariant) site = tilebox_datapoint_get_field (point, "site");

      g_print ("  %s  %-5s  %.2f m\n", tilebox_datapoint_get_id (point),
               g_variant_get_string (site, NULL), g_variant_get_double (depth));
    }
  if (tilebox_datapoints_get_n_rows (back) != example->n_written)
    {
      g_printerr ("Read %u datapoints back, expected %" G_GUINT64_FORMAT "\n",
                  tilebox_datapoints_get_n_rows (back), example->n_written);
      example->status = 1;
    }
  finish (example);
}

static void
ingest_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Example *example = user_data;
  g_autoptr(TileboxIngestResult) ingested = NULL;
  g_autoptr(TileboxTimeInterval) may = NULL;
  g_autoptr(TileboxQuery) query = NULL;
  g_autoptr(GError) error = NULL;

  ingested = tilebox_collection_ingest_json_finish (TILEBOX_COLLECTION (source), result, &error);
  if (ingested == NULL)
    {
      fail (example, "write the datapoints", error);
      return;
    }
  example->n_written = tilebox_ingest_result_get_n_created (ingested);
  g_print ("Wrote %" G_GUINT64_FORMAT " datapoints\n", example->n_written);

  may = tilebox_time_interval_new_parse ("2030-05-01", "2030-06-01", &error);
  g_assert_no_error (error);
  query = tilebox_query_new ();
  tilebox_query_set_time_interval (query, may);
  tilebox_collection_query_async (example->collection, query, NULL, read_back_done, example);
}

static void
create_collection_done (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  Example *example = user_data;
  g_autoptr(JsonNode) records = NULL;
  g_autoptr(GError) error = NULL;

  example->collection = tilebox_dataset_create_collection_finish (TILEBOX_DATASET (source), result, &error);
  if (example->collection == NULL)
    {
      fail (example, "create a collection", error);
      return;
    }

  /* Datapoints as JSON: one object per datapoint, times in RFC 3339. */
  records = json_from_string ("["
                              "{\"time\": \"2030-05-01T06:00:00Z\", \"depth\": 4.5, \"site\": \"north\"},"
                              "{\"time\": \"2030-05-01T07:00:00Z\", \"depth\": 5.25, \"site\": \"north\"},"
                              "{\"time\": \"2030-05-01T08:00:00Z\", \"depth\": 3.0, \"site\": \"pier\"}"
                              "]", &error);
  g_assert_no_error (error);
  tilebox_collection_ingest_json_async (example->collection, records, FALSE, NULL, NULL, ingest_done, example);
}

static void
create_dataset_done (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Example *example = user_data;
  g_autoptr(GError) error = NULL;

  example->dataset = tilebox_client_create_dataset_finish (TILEBOX_CLIENT (source), result, &error);
  if (example->dataset == NULL)
    {
      fail (example, "create a dataset", error);
      return;
    }
  g_print ("\nCreated %s\n", tilebox_dataset_get_slug (example->dataset));

  tilebox_dataset_create_collection_async (example->dataset, "lake", NULL, create_collection_done, example);
}

static void
scenes_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Example *example = user_data;
  g_autoptr(TileboxDatapoints) scenes = NULL;
  g_autoptr(TileboxFieldSpec) depth = tilebox_field_spec_new ("depth", TILEBOX_FIELD_TYPE_DOUBLE);
  g_autoptr(TileboxFieldSpec) site = tilebox_field_spec_new ("site", TILEBOX_FIELD_TYPE_STRING);
  TileboxFieldSpec *fields[] = { depth, site };
  g_autoptr(GError) error = NULL;

  scenes = tilebox_collection_query_finish (TILEBOX_COLLECTION (source), result, &error);
  if (scenes == NULL)
    {
      fail (example, "load the scenes", error);
      return;
    }

  g_print ("\n%u Sentinel-2A scenes on 2025-01-01, the first few:\n", tilebox_datapoints_get_n_rows (scenes));
  for (guint i = 0; i < MIN (3, tilebox_datapoints_get_n_rows (scenes)); i++)
    {
      g_autoptr(TileboxDatapoint) scene = tilebox_datapoints_get_datapoint (scenes, i);
      g_autoptr(GVariant) granule = tilebox_datapoint_get_field (scene, "granule_name");
      g_autoptr(GVariant) cover = tilebox_datapoint_get_field (scene, "cloud_cover");
      g_autofree char *time = g_date_time_format_iso8601 (tilebox_datapoint_get_time (scene));

      g_print ("  %s  %s  %.1f %% cloud\n", time,
               granule ? g_variant_get_string (granule, NULL) : "?",
               cover ? g_variant_get_double (cover) : -1.0);
    }

  /* The fields are copied before this returns, so they may go at once. */
  tilebox_client_create_dataset_async (example->client, "Example soundings", TILEBOX_DATASET_KIND_TEMPORAL,
                                       fields, G_N_ELEMENTS (fields), "example_soundings",
                                       "Written by the basics-async example", NULL,
                                       create_dataset_done, example);
}

static void
get_collection_done (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Example *example = user_data;
  g_autoptr(TileboxCollection) collection = NULL;
  g_autoptr(TileboxTimeInterval) day = NULL;
  g_autoptr(TileboxQuery) query = NULL;
  g_autoptr(GError) error = NULL;

  collection = tilebox_dataset_get_collection_finish (TILEBOX_DATASET (source), result, &error);
  if (collection == NULL)
    {
      fail (example, "open the S2A_S2MSI1C collection", error);
      return;
    }

  day = tilebox_time_interval_new_parse ("2025-01-01", "2025-01-02", &error);
  g_assert_no_error (error);
  query = tilebox_query_new ();
  tilebox_query_set_time_interval (query, day);
  /* The operation keeps what it needs: the collection and query may be
   * released when this returns. */
  tilebox_collection_query_async (collection, query, NULL, scenes_done, example);
}

static void
get_dataset_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Example *example = user_data;
  g_autoptr(TileboxDataset) sentinel2 = NULL;
  g_autoptr(GError) error = NULL;

  sentinel2 = tilebox_client_get_dataset_finish (TILEBOX_CLIENT (source), result, &error);
  if (sentinel2 == NULL)
    {
      fail (example, "open the Sentinel-2 dataset", error);
      return;
    }

  tilebox_dataset_get_collection_async (sentinel2, "S2A_S2MSI1C", NULL, get_collection_done, example);
}

static void
list_datasets_done (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Example *example = user_data;
  g_autoptr(GPtrArray) datasets = NULL;
  g_autoptr(GError) error = NULL;

  datasets = tilebox_client_list_datasets_finish (TILEBOX_CLIENT (source), result, &error);
  if (datasets == NULL)
    {
      fail (example, "list the datasets", error);
      return;
    }

  g_print ("%u datasets:\n", datasets->len);
  for (guint i = 0; i < datasets->len; i++)
    {
      TileboxDataset *dataset = g_ptr_array_index (datasets, i);
      g_print ("  %s (%s)\n", tilebox_dataset_get_slug (dataset), tilebox_dataset_get_name (dataset));
    }

  tilebox_client_get_dataset_async (example->client, SENTINEL2, NULL, get_dataset_done, example);
}

int
main (int   argc,
      char *argv[])
{
  Example example = { 0 };
  g_autoptr(GError) error = NULL;

  if (argc > 1)
    example.client = tilebox_client_new_for_url (argv[1], g_getenv ("TILEBOX_API_KEY"), &error);
  else
    example.client = tilebox_client_new ();
  if (example.client == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  /* Start the first step; the loop runs until a callback quits it. */
  example.loop = g_main_loop_new (NULL, FALSE);
  tilebox_client_list_datasets_async (example.client, NULL, list_datasets_done, &example);
  g_main_loop_run (example.loop);

  g_clear_object (&example.collection);
  g_clear_object (&example.dataset);
  g_clear_object (&example.client);
  g_main_loop_unref (example.loop);
  return example.status;
}
