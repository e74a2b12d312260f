/* basics.c: the basic operations of libtilebox, one blocking call after
 * another
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Usage: basics [URL]
 *
 * Connects to the Tilebox service at URL, or without one to the real
 * service (with the API key in TILEBOX_API_KEY), lists its datasets, loads a
 * day of Sentinel-2 scenes, then creates a dataset of its own, writes a few
 * datapoints, reads them back and deletes the dataset again.
 *
 * Every call blocks until the service answered; see basics-async.c for
 * the same steps without blocking.
 */

#include <tilebox.h>

#define SENTINEL2 "open_data.copernicus.sentinel2_msi"

/* Prints what failed and why, and tells main to stop. */
static gboolean
failed (const char   *what,
        const GError *error)
{
  g_printerr ("Could not %s: %s\n", what, error->message);
  return FALSE;
}

static gboolean
list_datasets (TileboxClient *client)
{
  g_autoptr(GPtrArray) datasets = NULL;
  g_autoptr(GError) error = NULL;

  datasets = tilebox_client_list_datasets (client, NULL, &error);
  if (datasets == NULL)
    return failed ("list the datasets", error);

  g_print ("%u datasets:\n", datasets->len);
  for (guint i = 0; i < datasets->len; i++)
    {
      TileboxDataset *dataset = g_ptr_array_index (datasets, i);
      g_print ("  %s (%s)\n", tilebox_dataset_get_slug (dataset), tilebox_dataset_get_name (dataset));
    }
  return TRUE;
}

static gboolean
query_scenes (TileboxClient *client)
{
  g_autoptr(TileboxDataset) dataset = NULL;
  g_autoptr(TileboxCollection) collection = NULL;
  g_autoptr(TileboxTimeInterval) day = NULL;
  g_autoptr(TileboxQuery) query = NULL;
  g_autoptr(TileboxDatapoints) scenes = NULL;
  g_autoptr(GError) error = NULL;

  dataset = tilebox_client_get_dataset (client, SENTINEL2, NULL, &error);
  if (dataset == NULL)
    return failed ("open the Sentinel-2 dataset", error);
  collection = tilebox_dataset_get_collection (dataset, "S2A_S2MSI1C", NULL, &error);
  if (collection == NULL)
    return failed ("open the S2A_S2MSI1C collection", error);

  /* Everything from the first of January 2025, inclusive, to the second,
   * exclusive. */
  day = tilebox_time_interval_new_parse ("2025-01-01", "2025-01-02", &error);
  g_assert_no_error (error);
  query = tilebox_query_new ();
  tilebox_query_set_time_interval (query, day);

  scenes = tilebox_collection_query (collection, query, NULL, &error);
  if (scenes == NULL)
    return failed ("load the scenes", error);

  g_print ("\n%u Sentinel-2A scenes on 2025-01-01, the first few:\n", tilebox_datapoints_get_n_rows (scenes));
  for (guint i = 0; i < MIN (3, tilebox_datapoints_get_n_rows (scenes)); i++)
    {
      g_autoptr(TileboxDatapoint) scene = tilebox_datapoints_get_datapoint (scenes, i);
      g_autoptr(GVariant) granule = tilebox_datapoint_get_field (scene, "granule_name");
      g_autoptr(GVariant) cover = tilebox_datapoint_get_field (scene, "cloud_cover");
      g_autofree char *time = g_date_time_format_iso8601 (tilebox_datapoint_get_time (scene));

      /* A field a datapoint does not have is NULL. */
      g_print ("  %s  %s  %.1f %% cloud\n", time,
               granule ? g_variant_get_string (granule, NULL) : "?",
               cover ? g_variant_get_double (cover) : -1.0);
    }
  return TRUE;
}

static gboolean
write_and_read (TileboxClient *client)
{
  g_autoptr(TileboxFieldSpec) depth = tilebox_field_spec_new ("depth", TILEBOX_FIELD_TYPE_DOUBLE);
  g_autoptr(TileboxFieldSpec) site = tilebox_field_spec_new ("site", TILEBOX_FIELD_TYPE_STRING);
  TileboxFieldSpec *fields[] = { depth, site };
  g_autoptr(TileboxDataset) dataset = NULL;
  g_autoptr(TileboxCollection) collection = NULL;
  g_autoptr(JsonNode) records = NULL;
  g_autoptr(TileboxIngestResult) result = NULL;
  g_autoptr(TileboxTimeInterval) may = NULL;
  g_autoptr(TileboxQuery) query = NULL;
  g_autoptr(TileboxDatapoints) back = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok = TRUE;

  /* Besides the fields given here, every temporal dataset has time, id and
   * ingestion_time. */
  dataset = tilebox_client_create_dataset (client, "Example soundings", TILEBOX_DATASET_KIND_TEMPORAL,
                                           fields, G_N_ELEMENTS (fields), "example_soundings",
                                           "Written by the basics example", NULL, &error);
  if (dataset == NULL)
    return failed ("create a dataset", error);
  g_print ("\nCreated %s\n", tilebox_dataset_get_slug (dataset));

  collection = tilebox_dataset_create_collection (dataset, "lake", NULL, &error);
  if (collection == NULL)
    {
      ok = failed ("create a collection", error);
      goto out;
    }

  /* Datapoints as JSON: one object per datapoint, times in RFC 3339. */
  records = json_from_string ("["
                              "{\"time\": \"2030-05-01T06:00:00Z\", \"depth\": 4.5, \"site\": \"north\"},"
                              "{\"time\": \"2030-05-01T07:00:00Z\", \"depth\": 5.25, \"site\": \"north\"},"
                              "{\"time\": \"2030-05-01T08:00:00Z\", \"depth\": 3.0, \"site\": \"pier\"}"
                              "]", &error);
  g_assert_no_error (error);
  result = tilebox_collection_ingest_json (collection, records, FALSE, NULL, NULL, &error);
  if (result == NULL)
    {
      ok = failed ("write the datapoints", error);
      goto out;
    }
  g_print ("Wrote %" G_GUINT64_FORMAT " datapoints\n", tilebox_ingest_result_get_n_created (result));

  may = tilebox_time_interval_new_parse ("2030-05-01", "2030-06-01", &error);
  g_assert_no_error (error);
  query = tilebox_query_new ();
  tilebox_query_set_time_interval (query, may);
  back = tilebox_collection_query (collection, query, NULL, &error);
  if (back == NULL)
    {
      ok = failed ("read the datapoints back", error);
      goto out;
    }
  for (guint i = 0; i < tilebox_datapoints_get_n_rows (back); i++)
    {
      g_autoptr(TileboxDatapoint) point = tilebox_datapoints_get_datapoint (back, i);
      g_autoptr(GVariant) point_depth = tilebox_datapoint_get_field (point, "depth");
      g_autoptr(GVariant) point_site = tilebox_datapoint_get_field (point, "site");

      g_print ("  %s  %-5s  %.2f m\n", tilebox_datapoint_get_id (point),
               g_variant_get_string (point_site, NULL), g_variant_get_double (point_depth));
    }
  if (tilebox_datapoints_get_n_rows (back) != tilebox_ingest_result_get_n_created (result))
    {
      g_printerr ("Read %u datapoints back, expected %" G_GUINT64_FORMAT "\n",
                  tilebox_datapoints_get_n_rows (back), tilebox_ingest_result_get_n_created (result));
      ok = FALSE;
    }

out:
  /* Delete the dataset even when a step above failed. */
  g_clear_error (&error);
  if (!tilebox_client_delete_dataset (client, dataset, NULL, &error))
    return failed ("delete the dataset", error);
  g_print ("Deleted %s\n", tilebox_dataset_get_slug (dataset));
  return ok;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(TileboxClient) client = NULL;
  g_autoptr(GError) error = NULL;

  if (argc > 1)
    client = tilebox_client_new_for_url (argv[1], g_getenv ("TILEBOX_API_KEY"), &error);
  else
    client = tilebox_client_new ();
  if (client == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  if (!list_datasets (client) || !query_scenes (client) || !write_and_read (client))
    return 1;
  return 0;
}
