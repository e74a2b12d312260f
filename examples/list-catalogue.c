/* list-catalogue.c: lists a Tilebox service's datasets and collections
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Usage: list-catalogue [URL]
 *
 * Without a URL it asks the real service (with TILEBOX_API_KEY, or its
 * anonymous open data). Groups are printed as a tree; each dataset with its
 * kind, its fields and its collections with their time span.
 */

#include <tilebox.h>

static void
print_group_path (TileboxDatasetGroup *group)
{
  if (group == NULL)
    return;
  print_group_path (tilebox_dataset_group_get_parent (group));
  g_print ("%s / ", tilebox_dataset_group_get_name (group));
}

static void
print_dataset (TileboxDataset *dataset)
{
  g_autoptr(GPtrArray) collections = NULL;
  g_autoptr(GError) error = NULL;
  TileboxSchema *schema = tilebox_dataset_get_schema (dataset);
  g_autofree char *kind = g_enum_to_string (TILEBOX_TYPE_DATASET_KIND, tilebox_dataset_get_kind (dataset));

  print_group_path (tilebox_dataset_get_group (dataset));
  g_print ("%s  (%s)\n", tilebox_dataset_get_name (dataset), tilebox_dataset_get_slug (dataset));
  g_print ("    kind %s, %u fields:", kind, tilebox_schema_get_n_fields (schema));
  for (guint i = 0; i < tilebox_schema_get_n_fields (schema); i++)
    g_print (" %s", tilebox_field_get_name (tilebox_schema_get_field (schema, i)));
  g_print ("\n");

  collections = tilebox_dataset_list_collections (dataset, NULL, &error);
  if (collections == NULL)
    {
      g_printerr ("    could not list collections: %s\n", error->message);
      return;
    }
  for (guint i = 0; i < collections->len; i++)
    {
      TileboxCollection *collection = g_ptr_array_index (collections, i);
      TileboxTimeInterval *availability = tilebox_collection_get_availability (collection);
      g_autofree char *span = availability ? tilebox_time_interval_to_string (availability) : g_strdup ("empty");
      g_autoptr(GError) refresh_error = NULL;

      if (!tilebox_collection_refresh (collection, NULL, &refresh_error))
        g_printerr ("    could not count %s: %s\n", tilebox_collection_get_name (collection), refresh_error->message);
      g_print ("    - %-14s %8" G_GUINT64_FORMAT " datapoints  %s\n",
               tilebox_collection_get_name (collection), tilebox_collection_get_count (collection), span);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(TileboxClient) client = NULL;
  g_autoptr(GPtrArray) datasets = NULL;
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

  datasets = tilebox_client_list_datasets (client, NULL, &error);
  if (datasets == NULL)
    {
      g_printerr ("Could not list the datasets: %s\n", error->message);
      return 1;
    }

  g_print ("%u datasets at %s\n\n", datasets->len, tilebox_client_get_url (client));
  for (guint i = 0; i < datasets->len; i++)
    print_dataset (g_ptr_array_index (datasets, i));

  return 0;
}
