/* test-ingest.c: writing and deleting datapoints end to end against the
 * local server
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "tilebox.h"
#include "tilebox-client-private.h"
#include "tilebox-demo-private.h"
#include "tilebox-server-private.h"

static TileboxServerThread *server_thread;
static TileboxServer *server;
static TileboxClient *client;
static TileboxDataset *sentinel2;
static TileboxDataset *weather;

/* A new, empty collection of the dataset for one test. */
static TileboxCollection *
new_collection (TileboxDataset *dataset)
{
  static guint serial;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("ingest-%u", ++serial);
  TileboxCollection *collection = tilebox_dataset_create_collection (dataset, name, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (collection);
  return collection;
}

static TileboxDatapoints *
query_all (TileboxCollection *collection)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxTimeInterval) all = tilebox_time_interval_new_parse ("1970-01-01", "2100-01-01", &error);
  g_autoptr(TileboxQuery) query = tilebox_query_new ();
  TileboxDatapoints *datapoints;

  g_assert_no_error (error);
  tilebox_query_set_time_interval (query, all);
  datapoints = tilebox_collection_query (collection, query, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (datapoints);
  return datapoints;
}

/* n weather records, one per minute from 2030-01-01, with every kind of
 * presence: humidity absent in every third, pressure 0 (present) in every
 * fifth, rain false and true, tags empty, one or two. */
static JsonNode *
weather_rows (guint n)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    {
      guint minute = i;
      g_autofree char *time = NULL;
      char fraction[8] = "";

      /* written as the library writes times, trailing zeros cut */
      if (i % 1000 != 0)
        {
          g_snprintf (fraction, sizeof fraction, ".%03u", i % 1000);
          while (fraction[strlen (fraction) - 1] == '0')
            fraction[strlen (fraction) - 1] = '\0';
        }
      time = g_strdup_printf ("2030-01-%02uT%02u:%02u:00%sZ", 1 + minute / 1440, (minute / 60) % 24,
                              minute % 60, fraction);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "time");
      json_builder_add_string_value (builder, time);
      json_builder_set_member_name (builder, "station");
      json_builder_add_string_value (builder, i % 2 ? "Berlin-Dahlem" : "München-Stadt");
      json_builder_set_member_name (builder, "temperature");
      json_builder_add_double_value (builder, -10.25 + (double) (i % 97) * 0.5);
      if (i % 3 != 0)
        {
          json_builder_set_member_name (builder, "humidity");
          json_builder_add_double_value (builder, 40.5 + (double) (i % 50));
        }
      json_builder_set_member_name (builder, "pressure");
      json_builder_add_int_value (builder, i % 5 == 0 ? 0 : 990 + i % 40);
      json_builder_set_member_name (builder, "rain");
      json_builder_add_boolean_value (builder, i % 7 == 0);
      json_builder_set_member_name (builder, "tags");
      json_builder_begin_array (builder);
      for (guint t = 0; t < i % 3; t++)
        json_builder_add_string_value (builder, t == 0 ? "hourly" : "checked");
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  return json_builder_get_root (builder);
}

/* The datapoint as JSON without what the service adds. */
static JsonNode *
without_service_fields (TileboxDatapoint *datapoint)
{
  JsonNode *node = tilebox_datapoint_to_json (datapoint);
  JsonObject *object = json_node_get_object (node);

  json_object_remove_member (object, "id");
  json_object_remove_member (object, "ingestion_time");
  /* An empty repeated field is not on the wire: it reads back as empty. */
  if (json_object_has_member (object, "tags") &&
      json_array_get_length (json_object_get_array_member (object, "tags")) == 0)
    json_object_remove_member (object, "tags");
  return node;
}

static JsonNode *
without_empty_tags (JsonNode *row)
{
  JsonNode *copy = json_node_copy (row);
  JsonObject *object = json_node_get_object (copy);

  if (json_array_get_length (json_object_get_array_member (object, "tags")) == 0)
    json_object_remove_member (object, "tags");
  return copy;
}

static void
assert_json_equal (JsonNode *expected,
                   JsonNode *actual)
{
  if (!json_node_equal (expected, actual))
    {
      g_autofree char *a = json_to_string (expected, FALSE);
      g_autofree char *b = json_to_string (actual, FALSE);

      g_error ("expected %s, got %s", a, b);
    }
}

/* Ingested records read back field for field, presence included, under the
 * ids the ingest returned, and a second ingest of the same records finds
 * them all existing under the same ids. */
static void
test_round_trip (void)
{
  g_autoptr(TileboxCollection) collection = new_collection (weather);
  g_autoptr(JsonNode) rows = weather_rows (300);
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxIngestResult) result = NULL;
  g_autoptr(TileboxIngestResult) again = NULL;
  g_autoptr(TileboxDatapoints) datapoints = NULL;
  JsonArray *array = json_node_get_array (rows);
  const char * const *ids;

  result = tilebox_collection_ingest_json (collection, rows, FALSE, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tilebox_ingest_result_get_n_datapoints (result), ==, 300);
  g_assert_cmpuint (tilebox_ingest_result_get_n_created (result), ==, 300);
  g_assert_cmpuint (tilebox_ingest_result_get_n_existing (result), ==, 0);
  ids = tilebox_ingest_result_get_ids (result);
  g_assert_cmpuint (g_strv_length ((GStrv) ids), ==, 300);

  datapoints = query_all (collection);
  g_assert_cmpuint (tilebox_datapoints_get_n_rows (datapoints), ==, 300);
  /* Times increase with the input order, so id order is input order. */
  for (guint i = 0; i < 300; i++)
    {
      g_autoptr(TileboxDatapoint) datapoint = tilebox_datapoints_get_datapoint (datapoints, i);
      g_autoptr(JsonNode) actual = without_service_fields (datapoint);
      g_autoptr(JsonNode) expected = without_empty_tags (json_array_get_element (array, i));

      g_assert_cmpstr (tilebox_datapoint_get_id (datapoint), ==, ids[i]);
      assert_json_equal (expected, actual);
      g_assert_nonnull (tilebox_datapoint_get_ingestion_time (datapoint));
    }
  /* absent stays absent, zero and false stay present */
  {
    g_autoptr(TileboxDatapoint) first = tilebox_datapoints_get_datapoint (datapoints, 0);

    g_assert_false (tilebox_datapoint_has_field (first, "humidity"));
    g_assert_true (tilebox_datapoint_has_field (first, "pressure"));
  }

  again = tilebox_collection_ingest_json (collection, rows, TRUE, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tilebox_ingest_result_get_n_created (again), ==, 0);
  g_assert_cmpuint (tilebox_ingest_result_get_n_existing (again), ==, 300);
  g_assert_cmpstrv (tilebox_ingest_result_get_ids (again), ids);
}

/* Without allow_existing, data that is there already is an error and the
 * collection is unchanged. */
static void
test_existing_refused (void)
{
  g_autoptr(TileboxCollection) collection = new_collection (weather);
  g_autoptr(JsonNode) rows = weather_rows (10);
  g_autoptr(JsonNode) more = weather_rows (20);
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxIngestResult) result = NULL;
  g_autoptr(TileboxDatapoints) datapoints = NULL;

  result = tilebox_collection_ingest_json (collection, rows, FALSE, NULL, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  /* the first 10 of these exist */
  result = tilebox_collection_ingest_json (collection, more, FALSE, NULL, NULL, &error);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_ALREADY_EXISTS);
  g_assert_null (result);
  g_assert_nonnull (strstr (error->message, "nothing was stored"));

  datapoints = query_all (collection);
  g_assert_cmpuint (tilebox_datapoints_get_n_rows (datapoints), ==, 10);
}

/* aa{sv} records, the form for GVariant users, give the same ids as the
 * same records in JSON. */
static void
test_variant (void)
{
  g_autoptr(TileboxCollection) collection = new_collection (weather);
  g_autoptr(TileboxCollection) other = new_collection (weather);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) records = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(TileboxIngestResult) from_variant = NULL;
  g_autoptr(TileboxIngestResult) from_json = NULL;
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *time = g_strdup_printf ("2031-05-0%uT12:00:00Z", i + 1);
      const char *tags[] = { "a", "b", NULL };

      g_variant_builder_open (&builder, G_VARIANT_TYPE ("a{sv}"));
      g_variant_builder_add (&builder, "{sv}", "time", g_variant_new_string (time));
      g_variant_builder_add (&builder, "{sv}", "station", g_variant_new_string ("X"));
      g_variant_builder_add (&builder, "{sv}", "temperature", g_variant_new_double (1.5 * i));
      g_variant_builder_add (&builder, "{sv}", "pressure", g_variant_new_uint32 (1000 + i));
      g_variant_builder_add (&builder, "{sv}", "rain", g_variant_new_boolean (i == 1));
      g_variant_builder_add (&builder, "{sv}", "tags", g_variant_new_strv (tags, -1));
      g_variant_builder_close (&builder);
    }
  records = g_variant_ref_sink (g_variant_builder_end (&builder));
  from_variant = tilebox_collection_ingest (collection, records, FALSE, NULL, NULL, &error);
  g_assert_no_error (error);

  json = json_from_string ("["
                           "{\"time\": \"2031-05-01T12:00:00Z\", \"station\": \"X\", \"temperature\": 0,"
                           " \"pressure\": 1000, \"rain\": false, \"tags\": [\"a\", \"b\"]},"
                           "{\"time\": \"2031-05-02T12:00:00Z\", \"station\": \"X\", \"temperature\": 1.5,"
                           " \"pressure\": 1001, \"rain\": true, \"tags\": [\"a\", \"b\"]},"
                           "{\"time\": \"2031-05-03T12:00:00Z\", \"station\": \"X\", \"temperature\": 3,"
                           " \"pressure\": 1002, \"rain\": false, \"tags\": [\"a\", \"b\"]}]", &error);
  g_assert_no_error (error);
  from_json = tilebox_collection_ingest_json (other, json, FALSE, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (tilebox_ingest_result_get_ids (from_variant), tilebox_ingest_result_get_ids (from_json));
  /* the id starts with the time in milliseconds: 2031-05-01T12:00:00Z */
  g_assert_true (g_str_has_prefix (tilebox_ingest_result_get_ids (from_variant)[0], "01c29f05-2e00"));
}

/* Loaded datapoints ingested into another collection keep every field and
 * their ids. */
static void
test_copy_datapoints (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxCollection) source = tilebox_dataset_get_collection (sentinel2, "S2A_S2MSI1C", NULL, &error);
  g_autoptr(TileboxCollection) target = new_collection (sentinel2);
  g_autoptr(TileboxTimeInterval) month = NULL;
  g_autoptr(TileboxQuery) query = tilebox_query_new ();
  g_autoptr(TileboxDatapoints) loaded = NULL;
  g_autoptr(TileboxDatapoints) copied = NULL;
  g_autoptr(TileboxIngestResult) result = NULL;
  g_auto(GStrv) loaded_ids = NULL;

  g_assert_no_error (error);
  month = tilebox_time_interval_new_parse ("2025-03-01", "2025-04-01", &error);
  g_assert_no_error (error);
  tilebox_query_set_time_interval (query, month);
  loaded = tilebox_collection_query (source, query, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tilebox_datapoints_get_n_rows (loaded), >, 10);

  result = tilebox_collection_ingest_datapoints (target, loaded, FALSE, NULL, NULL, &error);
  g_assert_no_error (error);
  loaded_ids = tilebox_datapoints_get_ids (loaded);
  g_assert_cmpstrv (tilebox_ingest_result_get_ids (result), loaded_ids);

  copied = query_all (target);
  g_assert_cmpuint (tilebox_datapoints_get_n_rows (copied), ==, tilebox_datapoints_get_n_rows (loaded));
  for (guint i = 0; i < tilebox_datapoints_get_n_rows (loaded); i++)
    {
      g_autoptr(TileboxDatapoint) a = tilebox_datapoints_get_datapoint (loaded, i);
      g_autoptr(TileboxDatapoint) b = tilebox_datapoints_get_datapoint (copied, i);
      g_autoptr(JsonNode) ja = without_service_fields (a);
      g_autoptr(JsonNode) jb = without_service_fields (b);

      g_assert_cmpstr (tilebox_datapoint_get_id (a), ==, tilebox_datapoint_get_id (b));
      assert_json_equal (ja, jb);
    }
}

/* One invalid record fails the whole ingest before anything is sent, and
 * the error names the record and the field. */
static void
test_invalid_record (void)
{
  g_autoptr(TileboxCollection) collection = new_collection (weather);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) rows = json_from_string ("["
                                               "{\"time\": \"2030-01-01T00:00:00Z\", \"temperature\": 1},"
                                               "{\"time\": \"2030-01-01T00:01:00Z\", \"temperature\": \"warm\"}]",
                                               &error);
  g_autoptr(TileboxIngestResult) result = NULL;
  guint before = _tilebox_server_get_request_count (server);

  g_assert_no_error (error);
  result = tilebox_collection_ingest_json (collection, rows, FALSE, NULL, NULL, &error);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
  g_assert_null (result);
  g_assert_nonnull (strstr (error->message, "record 1, field temperature"));
  g_assert_cmpuint (_tilebox_server_get_request_count (server), ==, before);
}

typedef struct {
  GArray *done;      /* guint64 */
  guint64 total;
  GThread *thread;
  gboolean fail_after_first;
} Progress;

static void
on_progress (guint64   done,
             guint64   total,
             gpointer  user_data)
{
  Progress *progress = user_data;

  g_assert_true (g_thread_self () == progress->thread);
  g_array_append_val (progress->done, done);
  progress->total = total;
  if (progress->fail_after_first && progress->done->len == 1)
    _tilebox_server_fail_next (server, 1, 500, "internal", 0);
}

static GClosure *
progress_closure (Progress *progress)
{
  progress->done = g_array_new (FALSE, FALSE, sizeof (guint64));
  progress->thread = g_thread_self ();
  return g_cclosure_new (G_CALLBACK (on_progress), progress, NULL);
}

/* More than 8192 datapoints go in requests of at most 8192, progress is
 * reported after each, and every datapoint arrives once. */
static void
test_chunks (void)
{
  const guint n = 2 * TILEBOX_INGEST_MAX_DATAPOINTS + 5;
  g_autoptr(TileboxCollection) collection = new_collection (weather);
  g_autoptr(JsonNode) rows = weather_rows (n);
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxIngestResult) result = NULL;
  g_autoptr(TileboxDatapoints) datapoints = NULL;
  Progress progress = { 0 };
  GClosure *closure = progress_closure (&progress);
  guint before = _tilebox_server_get_request_count (server);
  g_auto(GStrv) stored_ids = NULL;

  result = tilebox_collection_ingest_json (collection, rows, FALSE, closure, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (_tilebox_server_get_request_count (server) - before, ==, 3);
  g_assert_cmpuint (progress.done->len, ==, 3);
  g_assert_cmpuint (g_array_index (progress.done, guint64, 0), ==, TILEBOX_INGEST_MAX_DATAPOINTS);
  g_assert_cmpuint (g_array_index (progress.done, guint64, 1), ==, 2 * TILEBOX_INGEST_MAX_DATAPOINTS);
  g_assert_cmpuint (g_array_index (progress.done, guint64, 2), ==, n);
  g_assert_cmpuint (progress.total, ==, n);
  g_assert_cmpuint (tilebox_ingest_result_get_n_created (result), ==, n);

  datapoints = query_all (collection);
  stored_ids = tilebox_datapoints_get_ids (datapoints);
  g_assert_cmpstrv (tilebox_ingest_result_get_ids (result), stored_ids);

  g_array_unref (progress.done);
}

/* A failure part-way says how many datapoints were stored; ingesting again
 * with allow_existing stores the rest and nothing twice. */
static void
test_failure_part_way (void)
{
  const guint n = TILEBOX_INGEST_MAX_DATAPOINTS + 100;
  g_autoptr(TileboxCollection) collection = new_collection (weather);
  g_autoptr(JsonNode) rows = weather_rows (n);
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxIngestResult) result = NULL;
  g_autoptr(TileboxDatapoints) datapoints = NULL;
  Progress progress = { 0 };
  GClosure *closure = progress_closure (&progress);
  g_autofree char *stored = g_strdup_printf ("the %u datapoints before were stored",
                                             TILEBOX_INGEST_MAX_DATAPOINTS);

  progress.fail_after_first = TRUE;
  g_closure_ref (closure);
  g_closure_sink (closure);
  result = tilebox_collection_ingest_json (collection, rows, FALSE, closure, NULL, &error);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INTERNAL);
  g_assert_null (result);
  g_assert_nonnull (strstr (error->message, "request 2 of 2"));
  g_assert_nonnull (strstr (error->message, stored));
  g_clear_error (&error);

  datapoints = query_all (collection);
  g_assert_cmpuint (tilebox_datapoints_get_n_rows (datapoints), ==, TILEBOX_INGEST_MAX_DATAPOINTS);
  g_clear_object (&datapoints);

  progress.fail_after_first = FALSE;
  result = tilebox_collection_ingest_json (collection, rows, TRUE, closure, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tilebox_ingest_result_get_n_existing (result), ==, TILEBOX_INGEST_MAX_DATAPOINTS);
  g_assert_cmpuint (tilebox_ingest_result_get_n_created (result), ==, 100);
  datapoints = query_all (collection);
  g_assert_cmpuint (tilebox_datapoints_get_n_rows (datapoints), ==, n);

  g_closure_unref (closure);
  g_array_unref (progress.done);
}

/* The service being unavailable for a moment costs retries, not data. */
static void
test_unavailable_retried (void)
{
  g_autoptr(TileboxCollection) collection = new_collection (weather);
  g_autoptr(JsonNode) rows = weather_rows (50);
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxIngestResult) result = NULL;

  guint before = _tilebox_server_get_request_count (server);

  _tilebox_server_fail_next (server, 2, 503, "unavailable", 0);
  result = tilebox_collection_ingest_json (collection, rows, FALSE, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (_tilebox_server_get_request_count (server) - before, ==, 3);
  g_assert_cmpuint (tilebox_ingest_result_get_n_created (result), ==, 50);
}

/* Deleting by id and by loaded datapoints: counted, gone, and deleting
 * again deletes nothing. */
static void
test_delete (void)
{
  g_autoptr(TileboxCollection) collection = new_collection (weather);
  g_autoptr(JsonNode) rows = weather_rows (100);
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxIngestResult) result = NULL;
  g_autoptr(TileboxDatapoints) left = NULL;
  g_autoptr(TileboxDatapoints) none = NULL;
  g_autoptr(GPtrArray) some = g_ptr_array_new ();
  const char * const *ids;
  gint64 n;

  result = tilebox_collection_ingest_json (collection, rows, FALSE, NULL, NULL, &error);
  g_assert_no_error (error);
  ids = tilebox_ingest_result_get_ids (result);
  for (guint i = 0; i < 100; i += 4)
    g_ptr_array_add (some, (gpointer) ids[i]);
  /* an id the collection never held is not counted */
  g_ptr_array_add (some, (gpointer) "01f0ae1d-e080-7000-8000-000000000000");
  g_ptr_array_add (some, NULL);

  n = tilebox_collection_delete_ids (collection, (const char * const *) some->pdata, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 25);
  n = tilebox_collection_delete_ids (collection, (const char * const *) some->pdata, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 0);

  left = query_all (collection);
  g_assert_cmpuint (tilebox_datapoints_get_n_rows (left), ==, 75);
  for (guint i = 0; i < 75; i++)
    {
      g_autoptr(TileboxDatapoint) datapoint = tilebox_datapoints_get_datapoint (left, i);

      g_assert_cmpstr (tilebox_datapoint_get_id (datapoint), ==, ids[(i / 3) * 4 + i % 3 + 1]);
    }

  n = tilebox_collection_delete_datapoints (collection, left, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 75);
  none = query_all (collection);
  g_assert_cmpuint (tilebox_datapoints_get_n_rows (none), ==, 0);
}

/* An id that is not a UUID fails before anything is sent. */
static void
test_delete_invalid_id (void)
{
  g_autoptr(TileboxCollection) collection = new_collection (weather);
  g_autoptr(GError) error = NULL;
  const char *ids[] = { "01f0ae1d-e080-7000-8000-000000000000", "not-an-id", NULL };
  guint before = _tilebox_server_get_request_count (server);

  g_assert_cmpint (tilebox_collection_delete_ids (collection, ids, NULL, NULL, &error), ==, -1);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "id 1"));
  g_assert_cmpuint (_tilebox_server_get_request_count (server), ==, before);
}

/* One datapoint of the every-type dataset, as the library reads it back. */
static JsonNode *
every_type_row (guint i)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *time = g_strdup_printf ("2030-02-%02uT%02u:%02u:%02u.%03uZ", 1 + i / 86400,
                                           (i / 3600) % 24, (i / 60) % 60, i % 60, 1 + i % 999);
  g_autofree char *uuid = g_strdup_printf ("%08x-0000-4000-8000-%012x", i * 2654435761u, i);
  guint8 raw[3] = { i & 0xff, (i >> 8) & 0xff, 0 };
  g_autofree char *bytes = g_base64_encode (raw, sizeof raw);
  char *cut;

  /* trailing zeros of the fraction are cut */
  for (cut = time + strlen (time) - 2; *cut == '0'; cut--)
    ;
  if (*cut == '.')
    cut--;
  cut[1] = 'Z';
  cut[2] = '\0';

#define MEMBER(name) json_builder_set_member_name (b, name)
  json_builder_begin_object (b);
  MEMBER ("time"); json_builder_add_string_value (b, time);
  MEMBER ("geometry");
  json_builder_begin_object (b);
  MEMBER ("type"); json_builder_add_string_value (b, "Point");
  MEMBER ("coordinates");
  json_builder_begin_array (b);
  json_builder_add_double_value (b, -180.0 + (i % 720) * 0.5);
  json_builder_add_double_value (b, -90.0 + (i % 360) * 0.5);
  json_builder_end_array (b);
  json_builder_end_object (b);
  MEMBER ("d"); json_builder_add_double_value (b, (double) i * 0.25 - 1e6);
  if (i % 2)
    {
      MEMBER ("f"); json_builder_add_double_value (b, (double) (i % 1000) * 0.5);
    }
  MEMBER ("i64"); json_builder_add_int_value (b, ((gint64) i - 50000) * G_GINT64_CONSTANT (92233720368));
  MEMBER ("u64"); json_builder_add_int_value (b, (gint64) i * G_GINT64_CONSTANT (92233720368));
  MEMBER ("i32"); json_builder_add_int_value (b, (gint64) i - 50000);
  MEMBER ("u32"); json_builder_add_int_value (b, i % 3 ? i : 0);
  MEMBER ("b"); json_builder_add_boolean_value (b, i % 3 == 0);
  MEMBER ("s"); json_builder_add_string_value (b, i % 5 ? "Zürich" : "");
  MEMBER ("raw"); json_builder_add_string_value (b, bytes);
  MEMBER ("ts"); json_builder_add_string_value (b, time);
  MEMBER ("dur"); json_builder_add_int_value (b, (gint64) i * 1000003);
  MEMBER ("uuid"); json_builder_add_string_value (b, uuid);
  MEMBER ("vec");
  json_builder_begin_object (b);
  MEMBER ("x"); json_builder_add_double_value (b, i);
  MEMBER ("y"); json_builder_add_double_value (b, -0.5);
  MEMBER ("z"); json_builder_add_double_value (b, 2.25);
  json_builder_end_object (b);
  MEMBER ("quat");
  json_builder_begin_object (b);
  MEMBER ("q1"); json_builder_add_double_value (b, 0.5);
  MEMBER ("q2"); json_builder_add_double_value (b, i % 4);
  MEMBER ("q3"); json_builder_add_double_value (b, 0);
  MEMBER ("q4"); json_builder_add_double_value (b, -1);
  json_builder_end_object (b);
  MEMBER ("ll");
  json_builder_begin_object (b);
  MEMBER ("latitude"); json_builder_add_double_value (b, 52.5);
  MEMBER ("longitude"); json_builder_add_double_value (b, 13.25 + (i % 8));
  json_builder_end_object (b);
  if (i % 4 == 1)
    {
      MEMBER ("lla");
      json_builder_begin_object (b);
      MEMBER ("latitude"); json_builder_add_double_value (b, -33.75);
      MEMBER ("longitude"); json_builder_add_double_value (b, 151.25);
      MEMBER ("altitude"); json_builder_add_double_value (b, i);
      json_builder_end_object (b);
    }
  MEMBER ("level"); json_builder_add_string_value (b, i % 2 ? "L1C" : "L2A");
  if (i % 3)
    {
      MEMBER ("counts");
      json_builder_begin_array (b);
      for (guint k = 0; k < i % 3; k++)
        json_builder_add_int_value (b, (gint64) k - (gint64) i);
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
#undef MEMBER
  return json_builder_get_root (b);
}

/* From C: a dataset with a field of every type created, 100 000 datapoints
 * ingested, read back identical (values and presence), deleted, and the
 * dataset deleted. */
static void
test_every_type_100k (void)
{
  const guint n = 100000;
  static const struct { const char *name; TileboxFieldType type; gboolean repeated; } kinds[] = {
    { "d", TILEBOX_FIELD_TYPE_DOUBLE }, { "f", TILEBOX_FIELD_TYPE_FLOAT },
    { "i64", TILEBOX_FIELD_TYPE_INT64 }, { "u64", TILEBOX_FIELD_TYPE_UINT64 },
    { "i32", TILEBOX_FIELD_TYPE_INT32 }, { "u32", TILEBOX_FIELD_TYPE_UINT32 },
    { "b", TILEBOX_FIELD_TYPE_BOOL }, { "s", TILEBOX_FIELD_TYPE_STRING },
    { "raw", TILEBOX_FIELD_TYPE_BYTES }, { "ts", TILEBOX_FIELD_TYPE_TIMESTAMP },
    { "dur", TILEBOX_FIELD_TYPE_DURATION }, { "uuid", TILEBOX_FIELD_TYPE_UUID },
    { "vec", TILEBOX_FIELD_TYPE_VEC3 }, { "quat", TILEBOX_FIELD_TYPE_QUATERNION },
    { "ll", TILEBOX_FIELD_TYPE_LATLON }, { "lla", TILEBOX_FIELD_TYPE_LATLONALT },
    { "counts", TILEBOX_FIELD_TYPE_INT64, TRUE },
  };
  TileboxFieldSpec *specs[G_N_ELEMENTS (kinds) + 1];
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxDataset) dataset = NULL;
  g_autoptr(TileboxCollection) collection = NULL;
  g_autoptr(TileboxIngestResult) result = NULL;
  g_autoptr(TileboxDatapoints) loaded = NULL;
  g_autoptr(TileboxDatapoints) left = NULL;
  g_autoptr(JsonNode) rows = json_node_new (JSON_NODE_ARRAY);
  JsonArray *array = json_array_sized_new (n);
  const char * const *ids;

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      specs[k] = tilebox_field_spec_new (kinds[k].name, kinds[k].type);
      tilebox_field_spec_set_repeated (specs[k], kinds[k].repeated);
    }
  specs[G_N_ELEMENTS (kinds)] = tilebox_field_spec_new_enum ("level", "ProcessingLevel");
  dataset = tilebox_client_create_dataset (client, "Every type", TILEBOX_DATASET_KIND_SPATIOTEMPORAL,
                                           specs, G_N_ELEMENTS (specs), NULL, NULL, NULL, &error);
  for (guint k = 0; k < G_N_ELEMENTS (specs); k++)
    tilebox_field_spec_unref (specs[k]);
  g_assert_no_error (error);
  collection = tilebox_dataset_create_collection (dataset, "all", NULL, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < n; i++)
    json_array_add_element (array, every_type_row (i));
  json_node_take_array (rows, array);
  result = tilebox_collection_ingest_json (collection, rows, FALSE, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tilebox_ingest_result_get_n_created (result), ==, n);
  ids = tilebox_ingest_result_get_ids (result);

  loaded = query_all (collection);
  g_assert_cmpuint (tilebox_datapoints_get_n_rows (loaded), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TileboxDatapoint) datapoint = tilebox_datapoints_get_datapoint (loaded, i);
      g_autoptr(JsonNode) actual = tilebox_datapoint_to_json (datapoint);
      JsonObject *object = json_node_get_object (actual);

      g_assert_cmpstr (tilebox_datapoint_get_id (datapoint), ==, ids[i]);
      json_object_remove_member (object, "id");
      json_object_remove_member (object, "ingestion_time");
      assert_json_equal (json_array_get_element (json_node_get_array (rows), i), actual);
    }

  g_assert_cmpint (tilebox_collection_delete_datapoints (collection, loaded, NULL, NULL, &error), ==, n);
  g_assert_no_error (error);
  left = query_all (collection);
  g_assert_cmpuint (tilebox_datapoints_get_n_rows (left), ==, 0);
  g_assert_true (tilebox_client_delete_dataset (client, dataset, NULL, &error));
  g_assert_no_error (error);
}

static TileboxClient *
impatient_client (guint max_retries)
{
  g_autoptr(GError) error = NULL;
  TileboxClient *result = tilebox_client_new_for_url (_tilebox_server_thread_get_url (server_thread), NULL, &error);

  g_assert_no_error (error);
  tilebox_client_set_max_retries (result, max_retries);
  _tilebox_rpc_set_retry_delay (_tilebox_client_get_rpc (result), 1);
  return result;
}

static TileboxCollection *
collection_of (TileboxClient     *other_client,
               TileboxCollection *collection)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxDataset) dataset = tilebox_client_get_dataset (other_client, TILEBOX_DEMO_WEATHER_SLUG,
                                                                  NULL, &error);
  TileboxCollection *result;

  g_assert_no_error (error);
  result = tilebox_dataset_get_collection (dataset, tilebox_collection_get_name (collection), NULL, &error);
  g_assert_no_error (error);
  return result;
}

/* 20 000 datapoints through a server that fails 20% of the requests and
 * loses the answer to 10% more after committing them: every datapoint is
 * stored exactly once, and the ids are those of a clean ingest. */
static void
test_faulty_server (void)
{
  const guint n = 20000, batch = 1000;
  g_autoptr(TileboxCollection) clean = new_collection (weather);
  g_autoptr(TileboxCollection) target = new_collection (weather);
  g_autoptr(TileboxClient) patient = impatient_client (12);
  g_autoptr(TileboxCollection) faulty = collection_of (patient, target);
  g_autoptr(JsonNode) rows = weather_rows (n);
  g_autoptr(TileboxIngestResult) expected = NULL;
  g_autoptr(TileboxIngestResult) whole = NULL;
  g_autoptr(TileboxDatapoints) stored = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  TileboxServerFaults faults = { 0 };
  guint before;
  g_auto(GStrv) stored_ids = NULL;

  expected = tilebox_collection_ingest_json (clean, rows, FALSE, NULL, NULL, &error);
  g_assert_no_error (error);

  faults.fail_ratio = 0.2;
  faults.drop_ratio = 0.05;
  faults.truncate_ratio = 0.05;
  faults.seed = 20000;
  g_assert_true (_tilebox_server_set_faults (server, &faults, &error));
  g_assert_no_error (error);
  before = _tilebox_server_get_request_count (server);

  /* in batches, for many requests, and then all again at once */
  for (guint start = 0; start < n; start += batch)
    {
      g_autoptr(JsonNode) part = json_node_new (JSON_NODE_ARRAY);
      JsonArray *array = json_array_sized_new (batch);
      g_autoptr(TileboxIngestResult) result = NULL;
      const char * const *part_ids;

      for (guint i = start; i < start + batch; i++)
        json_array_add_element (array, json_node_copy (json_array_get_element (json_node_get_array (rows), i)));
      json_node_take_array (part, array);
      result = tilebox_collection_ingest_json (faulty, part, TRUE, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (tilebox_ingest_result_get_n_created (result) + tilebox_ingest_result_get_n_existing (result),
                        ==, batch);
      part_ids = tilebox_ingest_result_get_ids (result);
      for (guint i = 0; part_ids[i] != NULL; i++)
        g_ptr_array_add (ids, g_strdup (part_ids[i]));
    }
  whole = tilebox_collection_ingest_json (faulty, rows, TRUE, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tilebox_ingest_result_get_n_existing (whole), ==, n);
  g_assert_cmpuint (tilebox_ingest_result_get_n_created (whole), ==, 0);

  _tilebox_server_set_faults (server, NULL, NULL);
  /* the faults did happen: more requests than the 23 of a clean run */
  g_assert_cmpuint (_tilebox_server_get_request_count (server) - before, >, 23);

  g_ptr_array_add (ids, NULL);
  g_assert_cmpstrv ((const char * const *) ids->pdata, tilebox_ingest_result_get_ids (expected));
  g_assert_cmpstrv (tilebox_ingest_result_get_ids (whole), tilebox_ingest_result_get_ids (expected));
  stored = query_all (target);
  stored_ids = tilebox_datapoints_get_ids (stored);
  g_assert_cmpstrv (stored_ids, tilebox_ingest_result_get_ids (expected));
}

/* A server that keeps failing is a clear error once the retries are spent,
 * and without allow_existing a lost answer is not sent again. */
static void
test_hard_failure (void)
{
  g_autoptr(TileboxClient) patient = impatient_client (2);
  g_autoptr(TileboxCollection) target = new_collection (weather);
  g_autoptr(TileboxCollection) faulty = collection_of (patient, target);
  g_autoptr(JsonNode) rows = weather_rows (10);
  g_autoptr(TileboxIngestResult) result = NULL;
  g_autoptr(TileboxDatapoints) stored = NULL;
  g_autoptr(GError) error = NULL;
  TileboxServerFaults faults = { 0 };
  guint before;

  faults.fail_ratio = 1.0;
  g_assert_true (_tilebox_server_set_faults (server, &faults, NULL));
  before = _tilebox_server_get_request_count (server);
  result = tilebox_collection_ingest_json (faulty, rows, TRUE, NULL, NULL, &error);
  g_assert_cmpuint (_tilebox_server_get_request_count (server) - before, ==, 3);
  g_assert_null (result);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_UNAVAILABLE);
  g_assert_nonnull (strstr (error->message, "nothing was stored"));
  g_clear_error (&error);

  /* the answer is lost after the commit: not sent again without allow_existing */
  faults.fail_ratio = 0;
  faults.drop_ratio = 1.0;
  g_assert_true (_tilebox_server_set_faults (server, &faults, NULL));
  before = _tilebox_server_get_request_count (server);
  result = tilebox_collection_ingest_json (faulty, rows, FALSE, NULL, NULL, &error);
  g_assert_cmpuint (_tilebox_server_get_request_count (server) - before, ==, 1);
  g_assert_null (result);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "may have stored it or not"));
  g_test_message ("a lost answer: %s", error->message);
  g_clear_error (&error);
  _tilebox_server_set_faults (server, NULL, NULL);

  /* it was committed, and ingesting again with allow_existing completes it */
  result = tilebox_collection_ingest_json (faulty, rows, TRUE, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tilebox_ingest_result_get_n_existing (result), ==, 10);
  stored = query_all (target);
  g_assert_cmpuint (tilebox_datapoints_get_n_rows (stored), ==, 10);
}

typedef struct {
  GMainLoop *loop;
  GAsyncResult *result;
} Wait;

static void
got_result (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

static GAsyncResult *
wait_for (Wait *wait)
{
  g_main_loop_run (wait->loop);
  return wait->result;
}

/* Ingest and delete run on the main loop, progress arriving there too. */
static void
test_async (void)
{
  const guint n = TILEBOX_INGEST_MAX_DATAPOINTS + 1;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(TileboxCollection) collection = new_collection (weather);
  g_autoptr(JsonNode) rows = weather_rows (n);
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxIngestResult) result = NULL;
  g_autoptr(TileboxDatapoints) left = NULL;
  Progress progress = { 0 };
  Wait wait = { 0 };
  gint64 deleted;

  g_main_context_push_thread_default (context);
  wait.loop = g_main_loop_new (context, FALSE);

  tilebox_collection_ingest_json_async (collection, rows, FALSE, progress_closure (&progress), NULL,
                                        got_result, &wait);
  result = tilebox_collection_ingest_json_finish (collection, wait_for (&wait), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tilebox_ingest_result_get_n_created (result), ==, n);
  g_assert_cmpuint (progress.done->len, ==, 2);
  g_clear_object (&wait.result);

  tilebox_collection_delete_ids_async (collection, tilebox_ingest_result_get_ids (result), NULL, NULL,
                                       got_result, &wait);
  deleted = tilebox_collection_delete_ids_finish (collection, wait_for (&wait), &error);
  g_assert_no_error (error);
  g_assert_cmpint (deleted, ==, n);
  g_clear_object (&wait.result);

  /* the other forms: aa{sv} records, loaded datapoints, delete by datapoints */
  {
    g_autoptr(GVariant) records = g_variant_ref_sink (
      g_variant_new_parsed ("[{'time': <'2030-03-01T00:00:00Z'>, 'station': <'A'>},"
                            " {'time': <'2030-03-02T00:00:00Z'>, 'rain': <true>}]"));
    g_autoptr(TileboxIngestResult) from_records = NULL;
    g_autoptr(TileboxIngestResult) copied = NULL;
    g_autoptr(TileboxCollection) copy = new_collection (weather);
    g_autoptr(TileboxDatapoints) loaded = NULL;

    tilebox_collection_ingest_async (collection, records, FALSE, NULL, NULL, got_result, &wait);
    from_records = tilebox_collection_ingest_finish (collection, wait_for (&wait), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (tilebox_ingest_result_get_n_created (from_records), ==, 2);
    g_clear_object (&wait.result);

    loaded = query_all (collection);
    tilebox_collection_ingest_datapoints_async (copy, loaded, FALSE, NULL, NULL, got_result, &wait);
    copied = tilebox_collection_ingest_datapoints_finish (copy, wait_for (&wait), &error);
    g_assert_no_error (error);
    g_assert_cmpstrv (tilebox_ingest_result_get_ids (copied), tilebox_ingest_result_get_ids (from_records));
    g_clear_object (&wait.result);

    tilebox_collection_delete_datapoints_async (collection, loaded, NULL, NULL, got_result, &wait);
    g_assert_cmpint (tilebox_collection_delete_datapoints_finish (collection, wait_for (&wait), &error), ==, 2);
    g_assert_no_error (error);
    g_clear_object (&wait.result);
  }

  /* an invalid record fails through the callback too */
  {
    g_autoptr(JsonNode) bad = json_from_string ("[{\"time\": 5, \"rain\": 3}]", NULL);

    tilebox_collection_ingest_json_async (collection, bad, FALSE, NULL, NULL, got_result, &wait);
    g_assert_null (tilebox_collection_ingest_json_finish (collection, wait_for (&wait), &error));
    g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
    g_clear_error (&error);
    g_clear_object (&wait.result);
  }

  left = query_all (collection);
  g_assert_cmpuint (tilebox_datapoints_get_n_rows (left), ==, 0);

  g_main_loop_unref (wait.loop);
  g_main_context_pop_thread_default (context);
  g_array_unref (progress.done);
}

/* Cancelling stops the ingest with G_IO_ERROR_CANCELLED, saying so. */
static void
test_cancelled (void)
{
  g_autoptr(TileboxCollection) collection = new_collection (weather);
  g_autoptr(JsonNode) rows = weather_rows (10);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxIngestResult) result = NULL;

  g_cancellable_cancel (cancellable);
  result = tilebox_collection_ingest_json (collection, rows, FALSE, NULL, cancellable, &error);
  g_assert_null (result);
  g_assert_true (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
                 g_error_matches (error, TILEBOX_ERROR, TILEBOX_ERROR_CANCELED));
  g_assert_nonnull (strstr (error->message, "nothing was stored"));
}

/* Nothing to ingest is no request and an empty result. */
static void
test_empty (void)
{
  g_autoptr(TileboxCollection) collection = new_collection (weather);
  g_autoptr(JsonNode) rows = json_from_string ("[]", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxIngestResult) result = NULL;
  guint before = _tilebox_server_get_request_count (server);

  result = tilebox_collection_ingest_json (collection, rows, FALSE, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tilebox_ingest_result_get_n_datapoints (result), ==, 0);
  g_assert_nonnull (tilebox_ingest_result_get_ids (result));
  g_assert_null (tilebox_ingest_result_get_ids (result)[0]);
  g_assert_cmpuint (_tilebox_server_get_request_count (server), ==, before);
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
  weather = tilebox_client_get_dataset (client, TILEBOX_DEMO_WEATHER_SLUG, NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/ingest/round-trip", test_round_trip);
  g_test_add_func ("/ingest/every-type-100k-round-trip", test_every_type_100k);
  g_test_add_func ("/ingest/existing-refused", test_existing_refused);
  g_test_add_func ("/ingest/variant-records", test_variant);
  g_test_add_func ("/ingest/copy-datapoints-keeps-ids", test_copy_datapoints);
  g_test_add_func ("/ingest/invalid-record-sends-nothing", test_invalid_record);
  g_test_add_func ("/ingest/chunks-of-8192", test_chunks);
  g_test_add_func ("/ingest/failure-part-way", test_failure_part_way);
  g_test_add_func ("/ingest/unavailable-is-retried", test_unavailable_retried);
  g_test_add_func ("/ingest/faulty-server-stores-exactly-once", test_faulty_server);
  g_test_add_func ("/ingest/hard-failure", test_hard_failure);
  g_test_add_func ("/ingest/delete", test_delete);
  g_test_add_func ("/ingest/delete-invalid-id", test_delete_invalid_id);
  g_test_add_func ("/ingest/async", test_async);
  g_test_add_func ("/ingest/cancelled", test_cancelled);
  g_test_add_func ("/ingest/empty", test_empty);

  ret = g_test_run ();

  g_object_unref (weather);
  g_object_unref (sentinel2);
  g_object_unref (client);
  _tilebox_server_thread_stop (server_thread);
  return ret;
}
