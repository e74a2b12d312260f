/* test-server.c: the local Tilebox server, spoken to over raw HTTP
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * These tests use libsoup and the message layer directly, never the client
 * library, so that a fault of one cannot hide a fault of the other.
 */

#include "config.h"

#include <math.h>
#include <signal.h>
#include <string.h>
#include <sqlite3.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#define GEOS_USE_ONLY_R_API
#include <geos_c.h>

#include "tilebox-error.h"
#include "tilebox-messages-private.h"
#include "tilebox-descriptor-private.h"
#include "tilebox-server-private.h"
#include "tilebox-demo-private.h"
#include "tilebox-util-private.h"

#define DATASET_SERVICE "/datasets.v1.DatasetService/"
#define COLLECTION_SERVICE "/datasets.v1.CollectionService/"

/* 2025-01-01T00:00:00Z */
#define DEMO_START_S G_GINT64_CONSTANT (1735689600)

typedef struct {
  TileboxServerThread *thread;
  TileboxServer *server;
  SoupSession *session;
  const char *url;
} Fixture;

typedef struct {
  guint status;
  SoupMessageHeaders *headers;
  GBytes *body;
} Response;

static void
response_free (Response *response)
{
  g_clear_pointer (&response->headers, soup_message_headers_unref);
  g_clear_pointer (&response->body, g_bytes_unref);
  g_free (response);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Response, response_free)

static SoupSession *
new_session (void)
{
  SoupSession *session = soup_session_new_with_options ("timeout", 30, NULL);

  /* see the bytes on the wire: no automatic Accept-Encoding or decoding */
  soup_session_remove_feature_by_type (session, SOUP_TYPE_CONTENT_DECODER);
  return session;
}

static void
fixture_setup_with (Fixture *f,
                    gboolean demo)
{
  g_autoptr(GError) error = NULL;

  f->thread = _tilebox_server_thread_start (demo, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->thread);
  f->server = _tilebox_server_thread_get_server (f->thread);
  f->url = _tilebox_server_thread_get_url (f->thread);
  g_assert_true (g_str_has_prefix (f->url, "http://127.0.0.1:"));
  f->session = new_session ();
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  fixture_setup_with (f, TRUE);
}

static void
fixture_setup_empty (Fixture       *f,
                     gconstpointer  data)
{
  fixture_setup_with (f, FALSE);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->session);
  g_clear_pointer (&f->thread, _tilebox_server_thread_stop);
}

/* POSTs body to base_url + path. extra_headers: name, value, ..., NULL. */
static Response *
post_full (SoupSession  *session,
           const char   *base_url,
           const char   *path,
           const char   *content_type,
           GBytes       *body,
           const char   *first_header,
           ...)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = g_strconcat (base_url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", uri);
  Response *response = g_new0 (Response, 1);
  const char *name;
  va_list args;

  g_assert_nonnull (msg);
  soup_message_set_request_body_from_bytes (msg, content_type, body);
  va_start (args, first_header);
  for (name = first_header; name != NULL; name = va_arg (args, const char *))
    soup_message_headers_replace (soup_message_get_request_headers (msg), name,
                                  va_arg (args, const char *));
  va_end (args);

  response->body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  response->status = soup_message_get_status (msg);
  response->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  return response;
}

static Response *
post_proto (Fixture          *f,
            const char       *path,
            const GByteArray *request)
{
  g_autoptr(GBytes) body = g_bytes_new (request ? request->data : NULL, request ? request->len : 0);

  return post_full (f->session, f->url, path, "application/proto", body, NULL);
}

static void
assert_ok (Response *response)
{
  if (response->status != 200)
    g_test_message ("unexpected error body: %.*s", (int) g_bytes_get_size (response->body),
                    (const char *) g_bytes_get_data (response->body, NULL));
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (response->headers, NULL), ==,
                   "application/proto");
}

/* Checks a Connect error: status, JSON content type, valid JSON, code;
 * returns the message (or "" when absent). */
static char *
assert_connect_error (Response   *response,
                      guint       status,
                      const char *code)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  g_assert_cmpuint (response->status, ==, status);
  g_assert_cmpstr (soup_message_headers_get_content_type (response->headers, NULL), ==,
                   "application/json");
  json_parser_load_from_data (parser, g_bytes_get_data (response->body, NULL),
                              g_bytes_get_size (response->body), &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (object, "code"), ==, code);
  if (json_object_has_member (object, "message"))
    return g_strdup (json_object_get_string_member (object, "message"));
  return g_strdup ("");
}

static gint64
timestamp_ms (const TileboxPbTimestamp *ts)
{
  return ts->seconds * 1000 + ts->nanos / 1000000;
}

/* --- helpers speaking RPCs ------------------------------------------------------ */

static TileboxPbListDatasetsResponse *
list_datasets (Fixture    *f,
               const char *prefix)
{
  g_autoptr(GByteArray) request = g_byte_array_new ();
  g_autofree char *path = g_strconcat (prefix, DATASET_SERVICE "ListDatasets", NULL);
  g_autoptr(Response) response = NULL;
  g_autoptr(GError) error = NULL;
  TileboxPbListDatasetsRequest req = { 0 };
  TileboxPbListDatasetsResponse *list = g_new0 (TileboxPbListDatasetsResponse, 1);

  req.has_client_info = TRUE;
  req.client_info.name = (char *) "test-server";
  req.client_info.environment = (char *) "GTest";
  _tilebox_pb_list_datasets_request_encode (&req, request);
  response = post_proto (f, path, request);
  assert_ok (response);
  _tilebox_pb_decode_bytes (list_datasets_response, list, response->body, &error);
  g_assert_no_error (error);
  return list;
}

static void
list_datasets_free (TileboxPbListDatasetsResponse *list)
{
  _tilebox_pb_list_datasets_response_clear (list);
  g_free (list);
}

static Response *
get_dataset_raw (Fixture      *f,
                 const char   *slug,
                 const guint8 *id)
{
  g_autoptr(GByteArray) request = g_byte_array_new ();
  TileboxPbGetDatasetRequest req = { 0 };

  req.slug = (char *) slug;
  if (id != NULL)
    {
      req.id.set = TRUE;
      memcpy (req.id.uuid, id, 16);
    }
  _tilebox_pb_get_dataset_request_encode (&req, request);
  return post_proto (f, DATASET_SERVICE "GetDataset", request);
}

static TileboxPbDataset *
get_dataset (Fixture    *f,
             const char *slug)
{
  g_autoptr(Response) response = get_dataset_raw (f, slug, NULL);
  g_autoptr(GError) error = NULL;
  TileboxPbDataset *dataset = g_new0 (TileboxPbDataset, 1);

  assert_ok (response);
  _tilebox_pb_decode_bytes (dataset, dataset, response->body, &error);
  g_assert_no_error (error);
  return dataset;
}

static Response *
list_collections_raw (Fixture           *f,
                      const TileboxPbId *dataset_id,
                      gboolean           with_availability,
                      gboolean           with_count)
{
  g_autoptr(GByteArray) request = g_byte_array_new ();
  TileboxPbListCollectionsRequest req = { 0 };

  req.dataset_id = *dataset_id;
  req.with_availability = with_availability;
  req.with_count = with_count;
  _tilebox_pb_list_collections_request_encode (&req, request);
  return post_proto (f, COLLECTION_SERVICE "ListCollections", request);
}

static Response *
get_collection_raw (Fixture           *f,
                    const TileboxPbId *dataset_id,
                    const char        *name,
                    gboolean           with_availability,
                    gboolean           with_count)
{
  g_autoptr(GByteArray) request = g_byte_array_new ();
  TileboxPbGetCollectionByNameRequest req = { 0 };

  req.dataset_id = *dataset_id;
  req.collection_name = (char *) name;
  req.with_availability = with_availability;
  req.with_count = with_count;
  _tilebox_pb_get_collection_by_name_request_encode (&req, request);
  return post_proto (f, COLLECTION_SERVICE "GetCollectionByName", request);
}

static Response *
create_collection_raw (Fixture           *f,
                       const TileboxPbId *dataset_id,
                       const char        *name)
{
  g_autoptr(GByteArray) request = g_byte_array_new ();
  TileboxPbCreateCollectionRequest req = { 0 };

  req.dataset_id = *dataset_id;
  req.name = (char *) name;
  _tilebox_pb_create_collection_request_encode (&req, request);
  return post_proto (f, COLLECTION_SERVICE "CreateCollection", request);
}

static GBytes *
field_descriptor (const char *name,
                  gint        type,
                  gboolean    repeated,
                  const char *type_name)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();

  _tilebox_pb_write_string (out, 1, name);
  _tilebox_pb_write_varint (out, 3, 99); /* the server renumbers */
  _tilebox_pb_write_varint (out, 4, repeated ? 3 : 1);
  _tilebox_pb_write_varint (out, 5, type);
  if (type_name != NULL)
    _tilebox_pb_write_string (out, 6, type_name);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static Response *
create_dataset_raw (Fixture    *f,
                    const char *name,
                    const char *code_name,
                    gint        kind)
{
  g_autoptr(GByteArray) request = g_byte_array_new ();
  TileboxPbCreateDatasetRequest req = { 0 };
  TileboxPbField *value = g_new0 (TileboxPbField, 1);
  TileboxPbField *tags = g_new0 (TileboxPbField, 1);
  TileboxPbField *level = g_new0 (TileboxPbField, 1);
  Response *response;

  value->descriptor = field_descriptor ("value", TILEBOX_DESC_TYPE_DOUBLE, FALSE, NULL);
  value->has_annotation = TRUE;
  value->annotation.description = g_strdup ("A measured value");
  value->annotation.example_value = g_strdup ("4.2");
  value->annotation.queryable = TRUE;
  tags->descriptor = field_descriptor ("tags", TILEBOX_DESC_TYPE_STRING, TRUE, NULL);
  level->descriptor = field_descriptor ("level", TILEBOX_DESC_TYPE_ENUM, FALSE, ".datasets.v1.ProcessingLevel");

  req.name = (char *) name;
  req.code_name = (char *) code_name;
  req.summary = (char *) "A dataset made by a test";
  req.has_type = TRUE;
  req.type.kind = kind;
  req.type.fields = g_ptr_array_new_with_free_func (_tilebox_pb_field_free);
  g_ptr_array_add (req.type.fields, value);
  g_ptr_array_add (req.type.fields, tags);
  g_ptr_array_add (req.type.fields, level);
  _tilebox_pb_create_dataset_request_encode (&req, request);
  g_ptr_array_unref (req.type.fields);

  response = post_proto (f, DATASET_SERVICE "CreateDataset", request);
  return response;
}

static Response *
delete_dataset_raw (Fixture           *f,
                    const TileboxPbId *id)
{
  g_autoptr(GByteArray) request = g_byte_array_new ();
  TileboxPbDeleteDatasetRequest req = { 0 };

  req.id = *id;
  _tilebox_pb_delete_dataset_request_encode (&req, request);
  return post_proto (f, DATASET_SERVICE "DeleteDataset", request);
}

/* --- tests ------------------------------------------------------------------- */

static TileboxPbDataset *
find_dataset (TileboxPbListDatasetsResponse *list,
              const char                    *slug)
{
  for (guint i = 0; i < list->datasets->len; i++)
    {
      TileboxPbDataset *dataset = g_ptr_array_index (list->datasets, i);

      if (g_str_equal (dataset->slug, slug))
        return dataset;
    }
  return NULL;
}

static TileboxPbDatasetGroup *
find_group (TileboxPbListDatasetsResponse *list,
            const char                    *code_name)
{
  for (guint i = 0; i < list->groups->len; i++)
    {
      TileboxPbDatasetGroup *group = g_ptr_array_index (list->groups, i);

      if (g_str_equal (group->code_name, code_name))
        return group;
    }
  return NULL;
}

static void
test_list_datasets (Fixture       *f,
                    gconstpointer  data)
{
  TileboxPbListDatasetsResponse *list = list_datasets (f, "");
  TileboxPbDatasetGroup *open_data, *copernicus, *asf, *demo;
  TileboxPbDataset *s2, *ers, *weather;
  g_autoptr(TileboxDescPool) pool = _tilebox_desc_pool_new ();
  g_autoptr(GError) error = NULL;
  const TileboxDescMessage *message;
  const TileboxDescField *field;
  static const char *const s2_collections[] = { "S2A_S2MSI1C", "S2B_S2MSI1C", "S2A_S2MSI2A", "S2C_S2MSI2A" };
  static const char *const s2_fields[] = { "time", "id", "ingestion_time", "geometry", "granule_name",
                                           "processing_level", "product_type", "cloud_cover",
                                           "orbit_number", "flight_direction" };
  gsize len;
  const guint8 *descriptor;

  g_assert_cmpuint (list->datasets->len, ==, 3);
  g_assert_cmpuint (list->groups->len, ==, 4);

  open_data = find_group (list, "open_data");
  copernicus = find_group (list, "copernicus");
  asf = find_group (list, "asf");
  demo = find_group (list, "demo");
  g_assert_nonnull (open_data);
  g_assert_nonnull (copernicus);
  g_assert_nonnull (asf);
  g_assert_nonnull (demo);
  g_assert_cmpstr (open_data->name, ==, "Open data");
  g_assert_cmpstr (copernicus->name, ==, "Copernicus");
  g_assert_cmpstr (asf->name, ==, "Alaska Satellite Facility");
  g_assert_cmpstr (demo->name, ==, "Demo");
  g_assert_false (open_data->parent_id.set);
  g_assert_false (demo->parent_id.set);
  g_assert_true (copernicus->parent_id.set);
  g_assert_cmpmem (copernicus->parent_id.uuid, 16, open_data->id.uuid, 16);
  g_assert_cmpmem (asf->parent_id.uuid, 16, open_data->id.uuid, 16);

  s2 = find_dataset (list, TILEBOX_DEMO_SENTINEL2_SLUG);
  ers = find_dataset (list, TILEBOX_DEMO_ERS_SLUG);
  weather = find_dataset (list, TILEBOX_DEMO_WEATHER_SLUG);
  g_assert_nonnull (s2);
  g_assert_nonnull (ers);
  g_assert_nonnull (weather);

  g_assert_cmpstr (s2->name, ==, "Sentinel-2 MSI");
  g_assert_cmpstr (s2->code_name, ==, "sentinel2_msi");
  g_assert_cmpint (s2->visibility, ==, TILEBOX_VISIBILITY_PUBLIC);
  g_assert_cmpuint (s2->permissions->len, ==, 1);
  g_assert_cmpint (g_array_index (s2->permissions, gint, 0), ==, TILEBOX_PERMISSION_ACCESS_DATA);
  g_assert_true (s2->group_id.set);
  g_assert_cmpmem (s2->group_id.uuid, 16, copernicus->id.uuid, 16);
  g_assert_cmpmem (ers->group_id.uuid, 16, asf->id.uuid, 16);
  g_assert_cmpmem (weather->group_id.uuid, 16, demo->id.uuid, 16);

  g_assert_cmpuint (s2->collections->len, ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      TileboxPbCollectionInfo *info = g_ptr_array_index (s2->collections, i);

      g_assert_cmpstr (info->name, ==, s2_collections[i]);
      g_assert_true (info->id.set);
    }
  g_assert_cmpuint (ers->collections->len, ==, 2);
  g_assert_cmpuint (weather->collections->len, ==, 2);

  g_assert_true (s2->has_type);
  g_assert_cmpstr (s2->type.type_url, ==, "datasets.v1.local.Sentinel2Msi");
  g_assert_cmpint (s2->type.kind, ==, TILEBOX_DATASET_KIND_SPATIOTEMPORAL);
  g_assert_cmpint (ers->type.kind, ==, TILEBOX_DATASET_KIND_SPATIOTEMPORAL);
  g_assert_cmpint (weather->type.kind, ==, TILEBOX_DATASET_KIND_TEMPORAL);
  g_assert_cmpuint (s2->type.field_annotations->len, ==, G_N_ELEMENTS (s2_fields));

  descriptor = g_bytes_get_data (s2->type.descriptor_set, &len);
  _tilebox_desc_pool_add_file_set (pool, descriptor, len, &error);
  g_assert_no_error (error);
  message = _tilebox_desc_pool_lookup_message (pool, "datasets.v1.local.Sentinel2Msi");
  g_assert_nonnull (message);
  g_assert_cmpuint (message->fields->len, ==, G_N_ELEMENTS (s2_fields));
  for (guint i = 0; i < G_N_ELEMENTS (s2_fields); i++)
    {
      field = g_ptr_array_index (message->fields, i);
      g_assert_cmpstr (field->name, ==, s2_fields[i]);
      g_assert_cmpint (field->number, ==, i + 1);
    }
  field = _tilebox_desc_message_find_field_by_name (message, "processing_level");
  g_assert_cmpint (field->type, ==, TILEBOX_DESC_TYPE_ENUM);
  g_assert_cmpstr (field->type_name, ==, "datasets.v1.ProcessingLevel");
  field = _tilebox_desc_message_find_field_by_name (message, "cloud_cover");
  g_assert_cmpint (field->type, ==, TILEBOX_DESC_TYPE_DOUBLE);
  g_assert_true (((TileboxPbFieldAnnotation *) g_ptr_array_index (s2->type.field_annotations, 7))->queryable);

  descriptor = g_bytes_get_data (weather->type.descriptor_set, &len);
  _tilebox_desc_pool_add_file_set (pool, descriptor, len, &error);
  g_assert_no_error (error);
  message = _tilebox_desc_pool_lookup_message (pool, "datasets.v1.local.WeatherStations");
  g_assert_nonnull (message);
  field = _tilebox_desc_message_find_field_by_name (message, "tags");
  g_assert_cmpint (field->label, ==, TILEBOX_DESC_LABEL_REPEATED);
  g_assert_cmpint (field->type, ==, TILEBOX_DESC_TYPE_STRING);
  field = _tilebox_desc_message_find_field_by_name (message, "pressure");
  g_assert_cmpint (field->type, ==, TILEBOX_DESC_TYPE_UINT32);
  g_assert_true (field->explicit_presence);
  /* the fields with absent values can be filtered on (IS NULL) */
  for (guint i = 0; i < message->fields->len; i++)
    {
      const char *name = ((TileboxDescField *) g_ptr_array_index (message->fields, i))->name;
      TileboxPbFieldAnnotation *annotation = g_ptr_array_index (weather->type.field_annotations, i);

      if (g_str_equal (name, "humidity") || g_str_equal (name, "pressure"))
        g_assert_true (annotation->queryable);
      if (g_str_equal (name, "tags"))
        g_assert_false (annotation->queryable);
    }

  list_datasets_free (list);
}

static void
test_gzip (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(Response) plain = NULL;
  g_autoptr(Response) zipped = NULL;
  g_autoptr(Response) refused = NULL;
  g_autoptr(Response) empty_items = NULL;
  g_autoptr(Response) small = NULL;
  g_autoptr(GZlibDecompressor) decompressor = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  g_autoptr(GInputStream) base = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GOutputStream) sink = g_memory_output_stream_new_resizable ();
  g_autoptr(GBytes) unzipped = NULL;
  g_autoptr(GError) error = NULL;

  plain = post_full (f->session, f->url, DATASET_SERVICE "ListDatasets", "application/proto", empty, NULL);
  assert_ok (plain);
  g_assert_null (soup_message_headers_get_one (plain->headers, "Content-Encoding"));
  g_assert_cmpuint (g_bytes_get_size (plain->body), >, 1024);

  zipped = post_full (f->session, f->url, DATASET_SERVICE "ListDatasets", "application/proto", empty,
                      "Accept-Encoding", "gzip", NULL);
  assert_ok (zipped);
  g_assert_cmpstr (soup_message_headers_get_one (zipped->headers, "Content-Encoding"), ==, "gzip");
  g_assert_cmpuint (g_bytes_get_size (zipped->body), <, g_bytes_get_size (plain->body));

  base = g_memory_input_stream_new_from_bytes (zipped->body);
  stream = g_converter_input_stream_new (base, G_CONVERTER (decompressor));
  g_output_stream_splice (sink, stream, G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                          NULL, &error);
  g_assert_no_error (error);
  unzipped = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (sink));
  g_assert_true (g_bytes_equal (unzipped, plain->body));

  refused = post_full (f->session, f->url, DATASET_SERVICE "ListDatasets", "application/proto", empty,
                       "Accept-Encoding", "identity, gzip;q=0", NULL);
  assert_ok (refused);
  g_assert_null (soup_message_headers_get_one (refused->headers, "Content-Encoding"));

  /* empty list items are no reason to fail */
  empty_items = post_full (f->session, f->url, DATASET_SERVICE "ListDatasets", "application/proto", empty,
                           "Accept-Encoding", ",gzip,,", NULL);
  assert_ok (empty_items);
  g_assert_cmpstr (soup_message_headers_get_one (empty_items->headers, "Content-Encoding"), ==, "gzip");

  /* small responses stay plain */
  {
    g_autoptr(GByteArray) request = g_byte_array_new ();
    TileboxPbDeleteDatasetRequest req = { 0 };
    g_autoptr(GBytes) body = NULL;

    _tilebox_store_new_uuid (req.id.uuid);
    req.id.set = TRUE;
    _tilebox_pb_delete_dataset_request_encode (&req, request);
    body = g_bytes_new (request->data, request->len);
    small = post_full (f->session, f->url, DATASET_SERVICE "DeleteDataset", "application/proto", body,
                       "Accept-Encoding", "gzip, deflate", NULL);
    g_free (assert_connect_error (small, 404, "not_found"));
    g_assert_null (soup_message_headers_get_one (small->headers, "Content-Encoding"));
  }
}

static void
test_gzip_request (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GByteArray) request = g_byte_array_new ();
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, -1);
  g_autoptr(GOutputStream) sink = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) stream = g_converter_output_stream_new (sink, G_CONVERTER (compressor));
  g_autoptr(GBytes) zipped = NULL;
  g_autoptr(Response) response = NULL;
  g_autoptr(Response) bad = NULL;
  g_autoptr(GError) error = NULL;
  TileboxPbGetDatasetRequest req = { 0 };
  TileboxPbDataset dataset = { 0 };

  req.slug = (char *) TILEBOX_DEMO_WEATHER_SLUG;
  _tilebox_pb_get_dataset_request_encode (&req, request);
  g_output_stream_write_all (stream, request->data, request->len, NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (stream, NULL, &error);
  g_assert_no_error (error);
  zipped = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (sink));

  response = post_full (f->session, f->url, DATASET_SERVICE "GetDataset", "application/proto", zipped,
                        "Content-Encoding", "gzip", NULL);
  assert_ok (response);
  _tilebox_pb_decode_bytes (dataset, &dataset, response->body, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dataset.slug, ==, TILEBOX_DEMO_WEATHER_SLUG);
  _tilebox_pb_dataset_clear (&dataset);

  bad = post_full (f->session, f->url, DATASET_SERVICE "GetDataset", "application/proto", zipped,
                   "Content-Encoding", "br", NULL);
  g_free (assert_connect_error (bad, 501, "unimplemented"));
}

static void
test_get_dataset (Fixture       *f,
                  gconstpointer  data)
{
  TileboxPbDataset *by_slug = get_dataset (f, TILEBOX_DEMO_SENTINEL2_SLUG);
  TileboxPbDataset by_id = { 0 };
  g_autoptr(Response) response = NULL;
  g_autoptr(Response) missing = NULL;
  g_autoptr(Response) missing_id = NULL;
  g_autoptr(Response) neither = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  guint8 random_id[16];

  g_assert_cmpstr (by_slug->name, ==, "Sentinel-2 MSI");
  g_assert_true (by_slug->id.set);
  g_assert_cmpuint (by_slug->collections->len, ==, 4);

  response = get_dataset_raw (f, NULL, by_slug->id.uuid);
  assert_ok (response);
  _tilebox_pb_decode_bytes (dataset, &by_id, response->body, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (by_id.slug, ==, TILEBOX_DEMO_SENTINEL2_SLUG);
  g_assert_cmpmem (by_id.id.uuid, 16, by_slug->id.uuid, 16);
  _tilebox_pb_dataset_clear (&by_id);

  missing = get_dataset_raw (f, "open_data.nowhere.nothing", NULL);
  message = assert_connect_error (missing, 404, "not_found");
  g_assert_nonnull (strstr (message, "open_data.nowhere.nothing"));
  g_clear_pointer (&message, g_free);

  _tilebox_store_new_uuid (random_id);
  missing_id = get_dataset_raw (f, NULL, random_id);
  g_free (assert_connect_error (missing_id, 404, "not_found"));

  neither = get_dataset_raw (f, NULL, NULL);
  g_free (assert_connect_error (neither, 400, "invalid_argument"));

  _tilebox_pb_dataset_free (by_slug);
}

static void
test_public_prefix (Fixture       *f,
                    gconstpointer  data)
{
  TileboxPbListDatasetsResponse *list = list_datasets (f, "/public");
  g_autofree char *path = NULL;

  g_assert_cmpuint (list->datasets->len, ==, 3);
  path = _tilebox_server_dup_last_request_path (f->server);
  g_assert_cmpstr (path, ==, "/public/datasets.v1.DatasetService/ListDatasets");
  list_datasets_free (list);
}

static void
test_bad_requests (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(GBytes) json = g_bytes_new_static ("{}", 2);
  g_autoptr(GBytes) garbage = g_bytes_new_static ("\xff\xff\xff", 3);
  g_autoptr(Response) wrong_type = NULL;
  g_autoptr(Response) unknown_method = NULL;
  g_autoptr(Response) unknown_service = NULL;
  g_autoptr(Response) bad_body = NULL;
  g_autoptr(SoupMessage) get = NULL;
  g_autoptr(GBytes) get_body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *message = NULL;

  wrong_type = post_full (f->session, f->url, DATASET_SERVICE "ListDatasets", "application/json", json, NULL);
  message = assert_connect_error (wrong_type, 415, "invalid_argument");
  g_assert_nonnull (strstr (message, "application/json"));

  unknown_method = post_full (f->session, f->url, DATASET_SERVICE "Frobnicate", "application/proto", empty, NULL);
  g_free (assert_connect_error (unknown_method, 404, "unimplemented"));
  unknown_service = post_full (f->session, f->url, "/nothing.v1.Nothing/Get", "application/proto", empty, NULL);
  g_free (assert_connect_error (unknown_service, 404, "unimplemented"));

  bad_body = post_full (f->session, f->url, DATASET_SERVICE "GetDataset", "application/proto", garbage, NULL);
  g_free (assert_connect_error (bad_body, 400, "invalid_argument"));

  uri = g_strconcat (f->url, DATASET_SERVICE "ListDatasets", NULL);
  get = soup_message_new ("GET", uri);
  get_body = soup_session_send_and_read (f->session, get, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (get), ==, 405);
}

/* The server's limit (MAX_REQUEST_SIZE in tilebox-server.c). */
#define MAX_REQUEST_SIZE (32 * 1024 * 1024)

static void
test_request_too_large (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(GBytes) huge = NULL;
  g_autoptr(GBytes) bomb = NULL;
  g_autoptr(Response) sized = NULL;
  g_autoptr(Response) zipped = NULL;
  g_autoptr(Response) after = NULL;
  g_autoptr(SoupMessage) chunked = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GBytes) chunked_body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = g_strconcat (f->url, DATASET_SERVICE "ListDatasets", NULL);
  g_autofree char *message = NULL;
  guint8 *zeros = g_malloc0 (MAX_REQUEST_SIZE + 1);

  huge = g_bytes_new_take (zeros, MAX_REQUEST_SIZE + 1);

  /* with a Content-Length */
  sized = post_full (f->session, f->url, DATASET_SERVICE "ListDatasets", "application/proto", huge, NULL);
  g_free (assert_connect_error (sized, 413, "resource_exhausted"));

  /* chunked: no length known before the body */
  chunked = soup_message_new ("POST", uri);
  stream = g_memory_input_stream_new_from_bytes (huge);
  soup_message_set_request_body (chunked, "application/proto", stream, -1);
  chunked_body = soup_session_send_and_read (f->session, chunked, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (chunked), ==, 413);
  g_assert_cmpuint (soup_message_headers_get_encoding (soup_message_get_request_headers (chunked)), ==,
                    SOUP_ENCODING_CHUNKED);

  /* small when compressed, too large once decompressed */
  {
    g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 9);
    g_autoptr(GOutputStream) sink = g_memory_output_stream_new_resizable ();
    g_autoptr(GOutputStream) gz = g_converter_output_stream_new (sink, G_CONVERTER (compressor));

    g_output_stream_write_all (gz, g_bytes_get_data (huge, NULL), g_bytes_get_size (huge), NULL, NULL, &error);
    g_assert_no_error (error);
    g_output_stream_close (gz, NULL, &error);
    g_assert_no_error (error);
    bomb = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (sink));
  }
  g_assert_cmpuint (g_bytes_get_size (bomb), <, 1024 * 1024);
  zipped = post_full (f->session, f->url, DATASET_SERVICE "ListDatasets", "application/proto", bomb,
                      "Content-Encoding", "gzip", NULL);
  message = assert_connect_error (zipped, 413, "resource_exhausted");
  g_assert_cmpstr (message, !=, "");

  /* the connection and the server carry on */
  after = post_full (f->session, f->url, DATASET_SERVICE "ListDatasets", "application/proto", empty, NULL);
  assert_ok (after);
  g_assert_cmpuint (_tilebox_server_get_request_count (f->server), ==, 4);
}

/* Error messages quote the (percent-decoded) path: the JSON stays UTF-8. */
static void
test_error_json_utf8 (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(Response) response = NULL;
  g_autofree char *message = NULL;

  response = post_full (f->session, f->url, "/%FF%FE/Get", "application/proto", empty, NULL);
  g_assert_true (g_utf8_validate (g_bytes_get_data (response->body, NULL),
                                  g_bytes_get_size (response->body), NULL));
  message = assert_connect_error (response, 404, "unimplemented");
  g_assert_nonnull (strstr (message, "/\357\277\275\357\277\275/Get"));
}

static void
test_collections_availability (Fixture       *f,
                               gconstpointer  data)
{
  TileboxPbDataset *s2 = get_dataset (f, TILEBOX_DEMO_SENTINEL2_SLUG);
  TileboxPbDataset *weather = get_dataset (f, TILEBOX_DEMO_WEATHER_SLUG);
  const TileboxDemoCollection *demo = _tilebox_demo_get_collections ();
  TileboxPbCollectionInfos infos = { 0 };
  TileboxPbCollectionInfo berlin = { 0 };
  TileboxPbCollectionInfo bare = { 0 };
  g_autoptr(Response) response = NULL;
  g_autoptr(Response) berlin_response = NULL;
  g_autoptr(Response) bare_response = NULL;
  g_autoptr(GError) error = NULL;
  guint counts[4] = { 0 };

  response = list_collections_raw (f, &s2->id, TRUE, TRUE);
  assert_ok (response);
  _tilebox_pb_decode_bytes (collection_infos, &infos, response->body, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (infos.data->len, ==, 4);
  for (guint i = 0; i < infos.data->len; i++)
    {
      TileboxPbCollectionInfo *info = g_ptr_array_index (infos.data, i);

      g_assert_cmpstr (info->name, ==, demo[i].name);
      g_assert_true (info->has_count);
      g_assert_cmpuint (info->count, ==, demo[i].count);
      counts[i] = info->count;
      g_assert_true (info->has_availability);
      g_assert_true (info->availability.has_start);
      g_assert_true (info->availability.has_end);
      g_assert_true (info->availability.end_inclusive);
      g_assert_false (info->availability.start_exclusive);
      g_assert_cmpint (info->availability.start.seconds, >=, DEMO_START_S);
      g_assert_cmpint (info->availability.end.seconds, <, DEMO_START_S + 365 * 86400);
      g_assert_cmpint (timestamp_ms (&info->availability.start), <, timestamp_ms (&info->availability.end));
    }
  /* distinct sizes, for concurrent-loading demos */
  g_assert_cmpuint (counts[0], >, counts[1]);
  g_assert_cmpuint (counts[1], >, counts[2]);
  g_assert_cmpuint (counts[2], >, counts[3]);
  _tilebox_pb_collection_infos_clear (&infos);

  /* berlin: hourly on the hour from 2025-01-01T00:00:00Z */
  berlin_response = get_collection_raw (f, &weather->id, "berlin", TRUE, TRUE);
  assert_ok (berlin_response);
  _tilebox_pb_decode_bytes (collection_info, &berlin, berlin_response->body, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (berlin.name, ==, "berlin");
  g_assert_cmpuint (berlin.count, ==, 500);
  g_assert_cmpint (berlin.availability.start.seconds, ==, DEMO_START_S);
  g_assert_cmpint (berlin.availability.start.nanos, ==, 0);
  g_assert_cmpint (berlin.availability.end.seconds, ==, DEMO_START_S + 499 * 3600);
  g_assert_true (berlin.availability.end_inclusive);
  _tilebox_pb_collection_info_clear (&berlin);

  bare_response = get_collection_raw (f, &weather->id, "munich", FALSE, FALSE);
  assert_ok (bare_response);
  _tilebox_pb_decode_bytes (collection_info, &bare, bare_response->body, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bare.name, ==, "munich");
  g_assert_true (bare.id.set);
  g_assert_false (bare.has_count);
  g_assert_false (bare.has_availability);
  _tilebox_pb_collection_info_clear (&bare);

  _tilebox_pb_dataset_free (s2);
  _tilebox_pb_dataset_free (weather);
}

static void
test_dataset_lifecycle (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(Response) created_response = NULL;
  g_autoptr(Response) duplicate = NULL;
  g_autoptr(Response) unnamed = NULL;
  g_autoptr(Response) bad_code = NULL;
  g_autoptr(Response) collection_response = NULL;
  g_autoptr(Response) collection_duplicate = NULL;
  g_autoptr(Response) collection_unnamed = NULL;
  g_autoptr(Response) collection_orphan = NULL;
  g_autoptr(Response) collection_get = NULL;
  g_autoptr(Response) collection_missing = NULL;
  g_autoptr(Response) list_response = NULL;
  g_autoptr(Response) delete_collection = NULL;
  g_autoptr(Response) collection_gone = NULL;
  g_autoptr(Response) deleted = NULL;
  g_autoptr(Response) dataset_gone = NULL;
  g_autoptr(Response) delete_again = NULL;
  g_autoptr(TileboxDescPool) pool = _tilebox_desc_pool_new ();
  g_autoptr(GByteArray) request = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  TileboxPbDataset created = { 0 };
  TileboxPbCollectionInfo collection = { 0 };
  TileboxPbCollectionInfo fetched = { 0 };
  TileboxPbCollectionInfos infos = { 0 };
  TileboxPbDeleteDatasetResponse trash = { 0 };
  TileboxPbDeleteCollectionRequest delete_req = { 0 };
  TileboxPbId nowhere = { TRUE, { 0 } };
  const TileboxDescMessage *message_desc;
  const TileboxDescField *field;
  TileboxPbDataset *reloaded;
  gsize len;
  const guint8 *descriptor;
  static const char *const fields[] = { "time", "id", "ingestion_time", "value", "tags", "level" };

  created_response = create_dataset_raw (f, "My Test Dataset", NULL, TILEBOX_DATASET_KIND_TEMPORAL);
  assert_ok (created_response);
  _tilebox_pb_decode_bytes (dataset, &created, created_response->body, &error);
  g_assert_no_error (error);
  g_assert_true (created.id.set);
  g_assert_cmpint (created.id.uuid[6] >> 4, ==, 4); /* a version 4 UUID */
  g_assert_cmpstr (created.name, ==, "My Test Dataset");
  g_assert_cmpstr (created.code_name, ==, "my_test_dataset");
  g_assert_cmpstr (created.slug, ==, "local.my_test_dataset");
  g_assert_cmpstr (created.summary, ==, "A dataset made by a test");
  g_assert_cmpint (created.visibility, ==, TILEBOX_VISIBILITY_PRIVATE);
  g_assert_true (created.type_editable);
  g_assert_cmpuint (created.collections->len, ==, 0);
  g_assert_true (created.has_type);
  g_assert_cmpstr (created.type.type_url, ==, "datasets.v1.local.MyTestDataset");
  g_assert_cmpint (created.type.kind, ==, TILEBOX_DATASET_KIND_TEMPORAL);
  g_assert_cmpuint (created.type.field_annotations->len, ==, G_N_ELEMENTS (fields));
  {
    TileboxPbFieldAnnotation *annotation = g_ptr_array_index (created.type.field_annotations, 3);

    g_assert_cmpstr (annotation->description, ==, "A measured value");
    g_assert_cmpstr (annotation->example_value, ==, "4.2");
    g_assert_true (annotation->queryable);
  }
  descriptor = g_bytes_get_data (created.type.descriptor_set, &len);
  _tilebox_desc_pool_add_file_set (pool, descriptor, len, &error);
  g_assert_no_error (error);
  message_desc = _tilebox_desc_pool_lookup_message (pool, created.type.type_url);
  g_assert_nonnull (message_desc);
  g_assert_cmpuint (message_desc->fields->len, ==, G_N_ELEMENTS (fields));
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      field = g_ptr_array_index (message_desc->fields, i);
      g_assert_cmpstr (field->name, ==, fields[i]);
      g_assert_cmpint (field->number, ==, i + 1);
    }
  field = _tilebox_desc_message_find_field_by_name (message_desc, "level");
  g_assert_cmpstr (field->type_name, ==, "datasets.v1.ProcessingLevel");
  field = _tilebox_desc_message_find_field_by_name (message_desc, "tags");
  g_assert_cmpint (field->label, ==, TILEBOX_DESC_LABEL_REPEATED);

  duplicate = create_dataset_raw (f, "My Test Dataset", NULL, TILEBOX_DATASET_KIND_TEMPORAL);
  g_free (assert_connect_error (duplicate, 409, "already_exists"));
  unnamed = create_dataset_raw (f, "", NULL, TILEBOX_DATASET_KIND_TEMPORAL);
  g_free (assert_connect_error (unnamed, 400, "invalid_argument"));
  bad_code = create_dataset_raw (f, "Fine", "Not A Code Name", TILEBOX_DATASET_KIND_TEMPORAL);
  g_free (assert_connect_error (bad_code, 400, "invalid_argument"));

  /* collections */
  collection_response = create_collection_raw (f, &created.id, "first");
  assert_ok (collection_response);
  _tilebox_pb_decode_bytes (collection_info, &collection, collection_response->body, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (collection.name, ==, "first");
  g_assert_true (collection.id.set);

  collection_duplicate = create_collection_raw (f, &created.id, "first");
  g_free (assert_connect_error (collection_duplicate, 409, "already_exists"));
  collection_unnamed = create_collection_raw (f, &created.id, "");
  g_free (assert_connect_error (collection_unnamed, 400, "invalid_argument"));
  _tilebox_store_new_uuid (nowhere.uuid);
  collection_orphan = create_collection_raw (f, &nowhere, "orphan");
  g_free (assert_connect_error (collection_orphan, 404, "not_found"));

  collection_get = get_collection_raw (f, &created.id, "first", TRUE, TRUE);
  assert_ok (collection_get);
  _tilebox_pb_decode_bytes (collection_info, &fetched, collection_get->body, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (fetched.id.uuid, 16, collection.id.uuid, 16);
  g_assert_true (fetched.has_count);
  g_assert_cmpuint (fetched.count, ==, 0);
  g_assert_false (fetched.has_availability);

  collection_missing = get_collection_raw (f, &created.id, "second", FALSE, FALSE);
  message = assert_connect_error (collection_missing, 404, "not_found");
  g_assert_nonnull (strstr (message, "second"));
  g_assert_nonnull (strstr (message, "local.my_test_dataset"));

  reloaded = get_dataset (f, "local.my_test_dataset");
  g_assert_cmpuint (reloaded->collections->len, ==, 1);
  g_assert_cmpstr (((TileboxPbCollectionInfo *) g_ptr_array_index (reloaded->collections, 0))->name, ==, "first");
  _tilebox_pb_dataset_free (reloaded);

  list_response = list_collections_raw (f, &created.id, FALSE, FALSE);
  assert_ok (list_response);
  _tilebox_pb_decode_bytes (collection_infos, &infos, list_response->body, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (infos.data->len, ==, 1);
  _tilebox_pb_collection_infos_clear (&infos);

  delete_req.collection_id = collection.id;
  delete_req.dataset_id = created.id;
  _tilebox_pb_delete_collection_request_encode (&delete_req, request);
  delete_collection = post_proto (f, COLLECTION_SERVICE "DeleteCollection", request);
  assert_ok (delete_collection);
  collection_gone = get_collection_raw (f, &created.id, "first", FALSE, FALSE);
  g_free (assert_connect_error (collection_gone, 404, "not_found"));

  /* the dataset */
  deleted = delete_dataset_raw (f, &created.id);
  assert_ok (deleted);
  _tilebox_pb_decode_bytes (delete_dataset_response, &trash, deleted->body, &error);
  g_assert_no_error (error);
  g_assert_true (trash.trashed);
  dataset_gone = get_dataset_raw (f, "local.my_test_dataset", NULL);
  g_free (assert_connect_error (dataset_gone, 404, "not_found"));
  delete_again = delete_dataset_raw (f, &created.id);
  g_free (assert_connect_error (delete_again, 404, "not_found"));

  _tilebox_pb_collection_info_clear (&collection);
  _tilebox_pb_collection_info_clear (&fetched);
  _tilebox_pb_dataset_clear (&created);
}

static void
test_delete_dataset_cascades (Fixture       *f,
                              gconstpointer  data)
{
  TileboxPbDataset *weather = get_dataset (f, TILEBOX_DEMO_WEATHER_SLUG);
  g_autoptr(Response) deleted = NULL;
  sqlite3 *db;
  sqlite3_stmt *stmt;

  deleted = delete_dataset_raw (f, &weather->id);
  assert_ok (deleted);

  _tilebox_server_lock (f->server);
  db = _tilebox_server_get_store (f->server) ? _tilebox_store_get_db (_tilebox_server_get_store (f->server)) : NULL;
  g_assert_nonnull (db);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT (SELECT count (*) FROM collections), "
                                           "(SELECT count (*) FROM datapoints)", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 6);
  g_assert_cmpint (sqlite3_column_int (stmt, 1), ==, 3000 + 1800 + 900 + 300 + 600 + 400);
  sqlite3_finalize (stmt);
  _tilebox_server_unlock (f->server);

  _tilebox_pb_dataset_free (weather);
}

static void
test_update_dataset (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(Response) created_response = create_dataset_raw (f, "Updatable", NULL, TILEBOX_DATASET_KIND_SPATIOTEMPORAL);
  g_autoptr(Response) updated_response = NULL;
  g_autoptr(Response) missing = NULL;
  g_autoptr(Response) frozen = NULL;
  g_autoptr(GError) error = NULL;
  TileboxPbDataset created = { 0 };
  TileboxPbDataset updated = { 0 };
  TileboxPbUpdateDatasetRequest req = { 0 };
  TileboxPbDataset *s2 = get_dataset (f, TILEBOX_DEMO_SENTINEL2_SLUG);

  assert_ok (created_response);
  _tilebox_pb_decode_bytes (dataset, &created, created_response->body, &error);
  g_assert_no_error (error);
  g_assert_cmpint (created.type.kind, ==, TILEBOX_DATASET_KIND_SPATIOTEMPORAL);
  /* time, id, ingestion_time, geometry, then value, tags, level */
  g_assert_cmpuint (created.type.field_annotations->len, ==, 7);

  {
    g_autoptr(GByteArray) request = g_byte_array_new ();

    req.id = created.id;
    req.name = (char *) "Updated name";
    req.summary = (char *) "Updated summary";
    req.has_type = TRUE;
    req.type.kind = TILEBOX_DATASET_KIND_TEMPORAL;
    req.type.fields = g_ptr_array_new_with_free_func (_tilebox_pb_field_free);
    _tilebox_pb_update_dataset_request_encode (&req, request);
    g_ptr_array_unref (req.type.fields);
    updated_response = post_proto (f, DATASET_SERVICE "UpdateDataset", request);
  }
  assert_ok (updated_response);
  _tilebox_pb_decode_bytes (dataset, &updated, updated_response->body, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (updated.name, ==, "Updated name");
  g_assert_cmpstr (updated.summary, ==, "Updated summary");
  g_assert_cmpstr (updated.slug, ==, "local.updatable");
  g_assert_cmpint (updated.type.kind, ==, TILEBOX_DATASET_KIND_TEMPORAL);
  g_assert_cmpuint (updated.type.field_annotations->len, ==, 3);

  {
    g_autoptr(GByteArray) request = g_byte_array_new ();
    TileboxPbUpdateDatasetRequest missing_req = { 0 };

    missing_req.id.set = TRUE;
    _tilebox_store_new_uuid (missing_req.id.uuid);
    missing_req.name = (char *) "x";
    _tilebox_pb_update_dataset_request_encode (&missing_req, request);
    missing = post_proto (f, DATASET_SERVICE "UpdateDataset", request);
    g_free (assert_connect_error (missing, 404, "not_found"));
  }
  {
    g_autoptr(GByteArray) request = g_byte_array_new ();
    TileboxPbUpdateDatasetRequest frozen_req = { 0 };

    frozen_req.id = s2->id;
    frozen_req.has_type = TRUE;
    frozen_req.type.kind = TILEBOX_DATASET_KIND_TEMPORAL;
    _tilebox_pb_update_dataset_request_encode (&frozen_req, request);
    frozen = post_proto (f, DATASET_SERVICE "UpdateDataset", request);
    g_free (assert_connect_error (frozen, 400, "failed_precondition"));
  }

  _tilebox_pb_dataset_free (s2);
  _tilebox_pb_dataset_clear (&created);
  _tilebox_pb_dataset_clear (&updated);
}

static void
test_api_key (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(Response) none = NULL;
  g_autoptr(Response) wrong = NULL;
  g_autoptr(Response) right = NULL;
  g_autoptr(Response) created = NULL;
  g_autoptr(Response) public_list = NULL;
  g_autoptr(Response) public_get_private = NULL;
  g_autoptr(Response) public_get_public = NULL;
  g_autoptr(Response) public_write = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *authorization = NULL;
  TileboxPbListDatasetsResponse list = { 0 };
  TileboxPbDataset dataset = { 0 };

  _tilebox_server_set_api_key (f->server, "s3cret");

  none = post_full (f->session, f->url, DATASET_SERVICE "ListDatasets", "application/proto", empty, NULL);
  g_free (assert_connect_error (none, 401, "unauthenticated"));
  wrong = post_full (f->session, f->url, DATASET_SERVICE "ListDatasets", "application/proto", empty,
                     "Authorization", "Bearer nope", NULL);
  g_free (assert_connect_error (wrong, 401, "unauthenticated"));
  right = post_full (f->session, f->url, DATASET_SERVICE "ListDatasets", "application/proto", empty,
                     "Authorization", "Bearer s3cret", NULL);
  assert_ok (right);
  authorization = _tilebox_server_dup_last_request_header (f->server, "Authorization");
  g_assert_cmpstr (authorization, ==, "Bearer s3cret");

  /* a private dataset, made with the key */
  {
    g_autoptr(GByteArray) request = g_byte_array_new ();
    TileboxPbCreateDatasetRequest req = { 0 };
    g_autoptr(GBytes) body = NULL;

    req.name = (char *) "Secret data";
    _tilebox_pb_create_dataset_request_encode (&req, request);
    body = g_bytes_new (request->data, request->len);
    created = post_full (f->session, f->url, DATASET_SERVICE "CreateDataset", "application/proto", body,
                         "Authorization", "Bearer s3cret", NULL);
    assert_ok (created);
  }

  public_list = post_full (f->session, f->url, "/public" DATASET_SERVICE "ListDatasets", "application/proto",
                           empty, NULL);
  assert_ok (public_list);
  _tilebox_pb_decode_bytes (list_datasets_response, &list, public_list->body, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list.datasets->len, ==, 3);
  g_assert_null (find_dataset (&list, "local.secret_data"));
  g_assert_cmpuint (list.groups->len, ==, 4);
  _tilebox_pb_list_datasets_response_clear (&list);

  {
    g_autoptr(GByteArray) request = g_byte_array_new ();
    TileboxPbGetDatasetRequest req = { 0 };
    g_autoptr(GBytes) body = NULL;

    req.slug = (char *) "local.secret_data";
    _tilebox_pb_get_dataset_request_encode (&req, request);
    body = g_bytes_new (request->data, request->len);
    public_get_private = post_full (f->session, f->url, "/public" DATASET_SERVICE "GetDataset",
                                    "application/proto", body, NULL);
    g_free (assert_connect_error (public_get_private, 403, "permission_denied"));
  }
  {
    g_autoptr(GByteArray) request = g_byte_array_new ();
    TileboxPbGetDatasetRequest req = { 0 };
    g_autoptr(GBytes) body = NULL;

    req.slug = (char *) TILEBOX_DEMO_ERS_SLUG;
    _tilebox_pb_get_dataset_request_encode (&req, request);
    body = g_bytes_new (request->data, request->len);
    public_get_public = post_full (f->session, f->url, "/public" DATASET_SERVICE "GetDataset",
                                   "application/proto", body, NULL);
    assert_ok (public_get_public);
    _tilebox_pb_decode_bytes (dataset, &dataset, public_get_public->body, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (dataset.slug, ==, TILEBOX_DEMO_ERS_SLUG);
  }
  {
    g_autoptr(GByteArray) request = g_byte_array_new ();
    TileboxPbCreateCollectionRequest req = { 0 };
    g_autoptr(GBytes) body = NULL;

    req.dataset_id = dataset.id;
    req.name = (char *) "sneaky";
    _tilebox_pb_create_collection_request_encode (&req, request);
    body = g_bytes_new (request->data, request->len);
    public_write = post_full (f->session, f->url, "/public" COLLECTION_SERVICE "CreateCollection",
                              "application/proto", body, NULL);
    g_free (assert_connect_error (public_write, 401, "unauthenticated"));
  }

  _tilebox_pb_dataset_clear (&dataset);
}

static void
test_fail_next (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  guint before = _tilebox_server_get_request_count (f->server);

  _tilebox_server_fail_next (f->server, 2, 503, "unavailable", 1);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(Response) failed = post_full (f->session, f->url, DATASET_SERVICE "ListDatasets",
                                              "application/proto", empty, NULL);

      g_free (assert_connect_error (failed, 503, "unavailable"));
      g_assert_cmpstr (soup_message_headers_get_one (failed->headers, "Retry-After"), ==, "1");
    }
  {
    g_autoptr(Response) ok = post_full (f->session, f->url, DATASET_SERVICE "ListDatasets",
                                        "application/proto", empty, NULL);
    assert_ok (ok);
    g_assert_null (soup_message_headers_get_one (ok->headers, "Retry-After"));
  }

  _tilebox_server_fail_next (f->server, 1, 502, NULL, 0);
  {
    g_autoptr(Response) proxy = post_full (f->session, f->url, DATASET_SERVICE "ListDatasets",
                                           "application/proto", empty, NULL);

    g_assert_cmpuint (proxy->status, ==, 502);
    g_assert_cmpstr (soup_message_headers_get_content_type (proxy->headers, NULL), ==, "text/plain");
    g_assert_null (soup_message_headers_get_one (proxy->headers, "Retry-After"));
  }
  {
    g_autoptr(Response) ok = post_full (f->session, f->url, DATASET_SERVICE "ListDatasets",
                                        "application/proto", empty, NULL);
    assert_ok (ok);
  }
  g_assert_cmpuint (_tilebox_server_get_request_count (f->server), ==, before + 5);
}

static void
test_latency (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  gint64 start;
  gint64 fast, slow;

  start = g_get_monotonic_time ();
  {
    g_autoptr(Response) prompt = post_full (f->session, f->url, DATASET_SERVICE "ListDatasets",
                                            "application/proto", empty, NULL);
    assert_ok (prompt);
  }
  fast = g_get_monotonic_time () - start;

  _tilebox_server_set_latency_ms (f->server, 300);
  start = g_get_monotonic_time ();
  {
    g_autoptr(Response) delayed = post_full (f->session, f->url, DATASET_SERVICE "ListDatasets",
                                             "application/proto", empty, NULL);
    assert_ok (delayed);
  }
  slow = g_get_monotonic_time () - start;
  _tilebox_server_set_latency_ms (f->server, 0);

  g_test_message ("without latency %" G_GINT64_FORMAT " us, with 300 ms %" G_GINT64_FORMAT " us", fast, slow);
  g_assert_cmpint (slow, >=, 290 * 1000);
  g_assert_cmpint (slow, >, fast + 200 * 1000);
}

static void
test_request_headers (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(Response) response = NULL;
  g_autofree char *timeout = NULL;
  g_autofree char *version = NULL;
  g_autofree char *content_type = NULL;
  g_autofree char *user_agent = NULL;
  g_autofree char *absent = NULL;
  g_autofree char *path = NULL;

  response = post_full (f->session, f->url, DATASET_SERVICE "ListDatasets", "application/proto", empty,
                        "Connect-Protocol-Version", "1", "Connect-Timeout-Ms", "15000",
                        "User-Agent", "test-server/1", NULL);
  assert_ok (response);
  timeout = _tilebox_server_dup_last_request_header (f->server, "Connect-Timeout-Ms");
  version = _tilebox_server_dup_last_request_header (f->server, "connect-protocol-version");
  content_type = _tilebox_server_dup_last_request_header (f->server, "Content-Type");
  user_agent = _tilebox_server_dup_last_request_header (f->server, "User-Agent");
  absent = _tilebox_server_dup_last_request_header (f->server, "Authorization");
  path = _tilebox_server_dup_last_request_path (f->server);
  g_assert_cmpstr (timeout, ==, "15000");
  g_assert_cmpstr (version, ==, "1");
  g_assert_cmpstr (content_type, ==, "application/proto");
  g_assert_cmpstr (user_agent, ==, "test-server/1");
  g_assert_null (absent);
  g_assert_cmpstr (path, ==, DATASET_SERVICE "ListDatasets");
}

/* The stored demo datapoints: ids start with the time and hash the content. */
static void
test_demo_datapoints (Fixture       *f,
                      gconstpointer  data)
{
  sqlite3 *db;
  sqlite3_stmt *stmt;
  guint rows = 0;
  gint64 previous_time = G_MININT64;
  g_autoptr(GByteArray) previous_id = g_byte_array_new ();

  _tilebox_server_lock (f->server);
  db = _tilebox_store_get_db (_tilebox_server_get_store (f->server));
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT d.id, d.time_ms, d.ingestion_time_ns, d.data FROM datapoints d "
                                       "JOIN collections c ON c.id = d.collection_id "
                                       "WHERE c.name = 'S2B_S2MSI1C' ORDER BY d.time_ms, d.id",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const guint8 *id = sqlite3_column_blob (stmt, 0);
      gint64 time_ms = sqlite3_column_int64 (stmt, 1);
      gint64 ingestion_ns = sqlite3_column_int64 (stmt, 2);
      const guint8 *blob = sqlite3_column_blob (stmt, 3);
      gsize len = sqlite3_column_bytes (stmt, 3);
      g_autoptr(GByteArray) content = g_byte_array_new ();
      TileboxPbReader reader;
      guint64 id_time = 0;
      guint8 derived[16];
      gboolean seen_id = FALSE, seen_time = FALSE;
      int rc;

      g_assert_cmpint (sqlite3_column_bytes (stmt, 0), ==, 16);
      for (guint i = 0; i < 6; i++)
        id_time = (id_time << 8) | id[i];
      g_assert_cmpint ((gint64) id_time, ==, time_ms);
      g_assert_cmpint (time_ms, >, previous_time);
      if (previous_id->len > 0)
        g_assert_true (memcmp (previous_id->data, id, 16) < 0);
      g_byte_array_set_size (previous_id, 0);
      g_byte_array_append (previous_id, id, 16);
      previous_time = time_ms;
      g_assert_cmpint (ingestion_ns / 1000000, >, time_ms);

      /* the content without fields 2 and 3 hashes to the id's tail */
      _tilebox_pb_reader_init (&reader, blob, len);
      while ((rc = _tilebox_pb_reader_next (&reader, NULL)) > 0)
        {
          gsize start = reader.pos;
          guint32 field = reader.field;
          gsize tag_start;

          /* find the start of this tag: re-encode it */
          {
            g_autoptr(GByteArray) tag = g_byte_array_new ();
            _tilebox_pb_write_tag (tag, reader.field, reader.wire_type);
            tag_start = start - tag->len;
          }
          if (field == 1)
            {
              TileboxPbTimestamp ts = { 0 };

              g_assert_true (_tilebox_pb_read_timestamp (&reader, &ts, NULL));
              g_assert_cmpint (timestamp_ms (&ts), ==, time_ms);
              seen_time = TRUE;
            }
          else if (field == 2)
            {
              TileboxPbId read_id = { 0 };

              g_assert_true (_tilebox_pb_read_id (&reader, &read_id, NULL));
              g_assert_cmpmem (read_id.uuid, 16, id, 16);
              seen_id = TRUE;
              continue;
            }
          else
            {
              g_assert_true (_tilebox_pb_skip (&reader, NULL));
            }
          if (field != 3)
            g_byte_array_append (content, blob + tag_start, reader.pos - tag_start);
        }
      g_assert_cmpint (rc, ==, 0);
      g_assert_true (seen_id);
      g_assert_true (seen_time);
      _tilebox_store_derive_datapoint_id (time_ms, content->data, content->len, derived);
      g_assert_cmpmem (derived, 16, id, 16);
      rows++;
    }
  sqlite3_finalize (stmt);
  _tilebox_server_unlock (f->server);
  g_assert_cmpuint (rows, ==, 1800);
}

static void
test_demo_deterministic (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxServer) a = _tilebox_server_new (NULL, &error);
  g_autoptr(TileboxServer) b = _tilebox_server_new (NULL, &error);
  gint64 start = g_get_monotonic_time ();
  sqlite3_stmt *stmt_a, *stmt_b;
  guint rows = 0;

  g_assert_no_error (error);
  g_assert_true (_tilebox_server_load_demo (a, &error));
  g_assert_no_error (error);
  g_test_message ("demo loaded in %.1f ms", (g_get_monotonic_time () - start) / 1000.0);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_assert_true (_tilebox_server_load_demo (b, &error));
  g_assert_no_error (error);
  /* loading twice is harmless */
  g_assert_true (_tilebox_server_load_demo (b, &error));
  g_assert_no_error (error);

  g_assert_cmpint (sqlite3_prepare_v2 (_tilebox_store_get_db (_tilebox_server_get_store (a)),
                                       "SELECT collection_id, id, data FROM datapoints ORDER BY collection_id, id",
                                       -1, &stmt_a, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (_tilebox_store_get_db (_tilebox_server_get_store (b)),
                                       "SELECT collection_id, id, data FROM datapoints ORDER BY collection_id, id",
                                       -1, &stmt_b, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt_a) == SQLITE_ROW)
    {
      g_assert_cmpint (sqlite3_step (stmt_b), ==, SQLITE_ROW);
      for (int col = 0; col < 3; col++)
        g_assert_cmpmem (sqlite3_column_blob (stmt_a, col), sqlite3_column_bytes (stmt_a, col),
                         sqlite3_column_blob (stmt_b, col), sqlite3_column_bytes (stmt_b, col));
      rows++;
    }
  g_assert_cmpint (sqlite3_step (stmt_b), ==, SQLITE_DONE);
  sqlite3_finalize (stmt_a);
  sqlite3_finalize (stmt_b);
  g_assert_cmpuint (rows, ==, 7750);
}

static void
test_store_versions (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tilebox-store-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *junk = NULL;
  TileboxStore *store;
  sqlite3_stmt *stmt;

  g_assert_no_error (error);
  path = g_build_filename (dir, "store.db", NULL);
  store = _tilebox_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_prepare_v2 (_tilebox_store_get_db (store), "PRAGMA user_version", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, TILEBOX_STORE_SCHEMA_VERSION);
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_prepare_v2 (_tilebox_store_get_db (store), "PRAGMA foreign_keys", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 1);
  sqlite3_finalize (stmt);
  /* from the future */
  g_assert_cmpint (sqlite3_exec (_tilebox_store_get_db (store), "PRAGMA user_version = 99", NULL, NULL, NULL), ==, SQLITE_OK);
  _tilebox_store_close (store);

  store = _tilebox_store_open (path, &error);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_FAILED_PRECONDITION);
  g_assert_null (store);
  g_clear_error (&error);

  /* not a database at all */
  junk = g_build_filename (dir, "junk.db", NULL);
  g_file_set_contents (junk, "this is not a database, not at all, no, not even a little bit.....", -1, &error);
  g_assert_no_error (error);
  store = _tilebox_store_open (junk, &error);
  g_assert_nonnull (error);
  g_assert_null (store);
  g_clear_error (&error);

  g_unlink (path);
  g_unlink (junk);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);
    g_unlink (wal);
    g_unlink (shm);
  }
  g_rmdir (dir);
}

static gint64
count_rows (TileboxStore *store,
            const char   *sql)
{
  sqlite3_stmt *stmt;
  gint64 count;

  g_assert_cmpint (sqlite3_prepare_v2 (_tilebox_store_get_db (store), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  count = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return count;
}

/* A write whose commit fails is rolled back, and no transaction stays open. */
static void
test_store_failed_commit (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxStore) store = _tilebox_store_open (NULL, &error);
  sqlite3 *db;
  TileboxPbDataset *dataset;
  TileboxPbId collection_id;

  g_assert_no_error (error);
  g_assert_true (_tilebox_demo_load (store, &error));
  g_assert_no_error (error);
  db = _tilebox_store_get_db (store);
  dataset = _tilebox_store_get_dataset (store, NULL, TILEBOX_DEMO_WEATHER_SLUG, &error);
  g_assert_no_error (error);
  collection_id = ((TileboxPbCollectionInfo *) g_ptr_array_index (dataset->collections, 0))->id;

  /* every deletion leaves an orphan, which only the commit notices */
  g_assert_cmpint (sqlite3_exec (db,
                                 "CREATE TEMP TRIGGER orphan AFTER DELETE ON collections BEGIN "
                                 "  INSERT INTO collections (id, dataset_id, name) "
                                 "  VALUES (randomblob (16), randomblob (16), 'orphan'); "
                                 "END", NULL, NULL, NULL), ==, SQLITE_OK);

  g_assert_cmpint (sqlite3_exec (db, "PRAGMA defer_foreign_keys = ON", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_false (_tilebox_store_delete_collection (store, dataset->id.uuid, collection_id.uuid, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_true (sqlite3_get_autocommit (db));
  g_assert_cmpint (count_rows (store, "SELECT count (*) FROM collections"), ==, 8);

  g_assert_cmpint (sqlite3_exec (db, "PRAGMA defer_foreign_keys = ON", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_false (_tilebox_store_delete_dataset (store, dataset->id.uuid, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_true (sqlite3_get_autocommit (db));
  g_assert_cmpint (count_rows (store, "SELECT count (*) FROM datasets"), ==, 3);
  g_assert_cmpint (count_rows (store, "SELECT count (*) FROM datapoints"), ==, 7750);

  _tilebox_pb_dataset_free (dataset);
}

/* The demo catalogue loads completely or not at all. */
static void
test_demo_all_or_nothing (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxStore) store = _tilebox_store_open (NULL, &error);
  sqlite3 *db;

  g_assert_no_error (error);
  db = _tilebox_store_get_db (store);
  g_assert_cmpint (sqlite3_exec (db,
                                 "CREATE TEMP TRIGGER no_munich BEFORE INSERT ON collections "
                                 "WHEN NEW.name = 'munich' BEGIN SELECT RAISE (ABORT, 'no munich'); END",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_false (_tilebox_demo_load (store, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_true (sqlite3_get_autocommit (db));
  g_assert_cmpint (count_rows (store, "SELECT count (*) FROM datasets"), ==, 0);
  g_assert_cmpint (count_rows (store, "SELECT count (*) FROM datapoints"), ==, 0);

  g_assert_cmpint (sqlite3_exec (db, "DROP TRIGGER no_munich", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_true (_tilebox_demo_load (store, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_rows (store, "SELECT count (*) FROM collections"), ==, 8);
}

/* A collection added to a demo dataset: its datapoints at distinct times
 * spread over 2025, for every demo dataset (Sentinel-2 names without a
 * product type too), in one transaction. */
static void
test_demo_add_collection (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxStore) store = _tilebox_store_open (NULL, &error);
  const char *const slugs[] = { TILEBOX_DEMO_SENTINEL2_SLUG, TILEBOX_DEMO_ERS_SLUG, TILEBOX_DEMO_WEATHER_SLUG };

  g_assert_no_error (error);
  g_assert_true (_tilebox_demo_load (store, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (slugs); i++)
    {
      g_autofree char *sql = NULL;
      TileboxPbDataset *dataset;
      TileboxPbCollectionInfo *info;

      g_assert_true (_tilebox_demo_add_collection (store, slugs[i], "extra", 1000, &error));
      g_assert_no_error (error);
      dataset = _tilebox_store_get_dataset (store, NULL, slugs[i], &error);
      g_assert_no_error (error);
      info = _tilebox_store_get_collection_by_name (store, dataset->id.uuid, "extra", TRUE, TRUE, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (info->count, ==, 1000);
      g_assert_cmpint (info->availability.start.seconds, >=, DEMO_START_S);
      g_assert_cmpint (info->availability.end.seconds, <, DEMO_START_S + 365 * 86400);
      g_assert_cmpint (info->availability.end.seconds - info->availability.start.seconds, >, 300 * 86400);
      sql = g_strdup_printf ("SELECT count (DISTINCT d.time_ms) FROM datapoints d "
                             "JOIN collections c ON c.id = d.collection_id "
                             "JOIN datasets s ON s.id = c.dataset_id "
                             "WHERE c.name = 'extra' AND s.slug = '%s'", slugs[i]);
      g_assert_cmpint (count_rows (store, sql), ==, 1000);

      g_assert_false (_tilebox_demo_add_collection (store, slugs[i], "extra", 10, &error));
      g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_ALREADY_EXISTS);
      g_clear_error (&error);
      _tilebox_pb_collection_info_free (info);
      _tilebox_pb_dataset_free (dataset);
    }
  g_assert_cmpint (count_rows (store, "SELECT count (*) FROM datapoints"), ==, 7750 + 3000);

  g_assert_false (_tilebox_demo_add_collection (store, "demo.nothing", "extra", 10, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (sqlite3_get_autocommit (_tilebox_store_get_db (store)));
  g_assert_cmpint (count_rows (store, "SELECT count (*) FROM collections"), ==, 8 + 3);
}

/* --- DataAccessService -------------------------------------------------------- */

#define DATA_ACCESS_SERVICE "/datasets.v1.DataAccessService/"
#define DEMO_START_MS (DEMO_START_S * 1000)
#define HOUR_MS G_GINT64_CONSTANT (3600000)
#define MS_NS G_GINT64_CONSTANT (1000000)

typedef struct {
  guint8 id[16];
  gint64 time_ms;
  gint64 ingestion_time_ns;
  GBytes *data;
} StoredDatapoint;

static void
stored_datapoint_clear (gpointer p)
{
  g_clear_pointer (&((StoredDatapoint *) p)->data, g_bytes_unref);
}

/* The datapoints of a collection in id order, read from the database. */
static GArray *
stored_datapoints (Fixture           *f,
                   const TileboxPbId *collection_id)
{
  GArray *stored = g_array_new (FALSE, TRUE, sizeof (StoredDatapoint));
  sqlite3_stmt *stmt;
  sqlite3 *db;

  g_array_set_clear_func (stored, stored_datapoint_clear);
  _tilebox_server_lock (f->server);
  db = _tilebox_store_get_db (_tilebox_server_get_store (f->server));
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT id, time_ms, ingestion_time_ns, data FROM datapoints "
                                       "WHERE collection_id = ?1 ORDER BY id", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_blob (stmt, 1, collection_id->uuid, 16, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      StoredDatapoint dp = { { 0 } };

      g_assert_cmpint (sqlite3_column_bytes (stmt, 0), ==, 16);
      memcpy (dp.id, sqlite3_column_blob (stmt, 0), 16);
      dp.time_ms = sqlite3_column_int64 (stmt, 1);
      dp.ingestion_time_ns = sqlite3_column_int64 (stmt, 2);
      dp.data = g_bytes_new (sqlite3_column_blob (stmt, 3), sqlite3_column_bytes (stmt, 3));
      g_array_append_val (stored, dp);
    }
  sqlite3_finalize (stmt);
  _tilebox_server_unlock (f->server);
  return stored;
}

#define STORED(array, i) (&g_array_index ((array), StoredDatapoint, (i)))

static TileboxPbId
demo_collection (Fixture    *f,
                 const char *slug,
                 const char *name)
{
  TileboxPbDataset *dataset = get_dataset (f, slug);
  TileboxPbId id = { 0 };

  for (guint i = 0; i < dataset->collections->len; i++)
    {
      TileboxPbCollectionInfo *info = g_ptr_array_index (dataset->collections, i);

      if (g_str_equal (info->name, name))
        id = info->id;
    }
  _tilebox_pb_dataset_free (dataset);
  g_assert_true (id.set);
  return id;
}

static TileboxPbTimestamp
ts_from_ns (gint64 ns)
{
  TileboxPbTimestamp ts;

  ts.seconds = ns / 1000000000;
  ts.nanos = (gint32) (ns % 1000000000);
  if (ts.nanos < 0)
    {
      ts.seconds--;
      ts.nanos += 1000000000;
    }
  return ts;
}

static void
query_request_init (TileboxPbQueryRequest *req,
                    const TileboxPbId     *collections,
                    guint                  n)
{
  memset (req, 0, sizeof *req);
  req->collection_ids = g_array_new (FALSE, TRUE, sizeof (TileboxPbId));
  g_array_append_vals (req->collection_ids, collections, n);
}

/* A time interval filter with bounds in nanoseconds since the epoch. */
static void
query_request_set_time (TileboxPbQueryRequest *req,
                        gint64                 start_ns,
                        gint64                 end_ns,
                        gboolean               start_exclusive,
                        gboolean               end_inclusive)
{
  req->has_filters = TRUE;
  req->filters.has_time_interval = TRUE;
  req->filters.has_datapoint_interval = FALSE;
  req->filters.time_interval.has_start = TRUE;
  req->filters.time_interval.start = ts_from_ns (start_ns);
  req->filters.time_interval.has_end = TRUE;
  req->filters.time_interval.end = ts_from_ns (end_ns);
  req->filters.time_interval.start_exclusive = start_exclusive;
  req->filters.time_interval.end_inclusive = end_inclusive;
}

static void
query_request_set_ids (TileboxPbQueryRequest *req,
                       const guint8          *start_id,
                       const guint8          *end_id,
                       gboolean               start_exclusive,
                       gboolean               end_inclusive)
{
  TileboxPbIdInterval *interval = &req->filters.datapoint_interval;

  req->has_filters = TRUE;
  req->filters.has_time_interval = FALSE;
  req->filters.has_datapoint_interval = TRUE;
  memset (interval, 0, sizeof *interval);
  if (start_id != NULL)
    {
      interval->start_id.set = TRUE;
      memcpy (interval->start_id.uuid, start_id, 16);
    }
  if (end_id != NULL)
    {
      interval->end_id.set = TRUE;
      memcpy (interval->end_id.uuid, end_id, 16);
    }
  interval->start_exclusive = start_exclusive;
  interval->end_inclusive = end_inclusive;
}

static Response *
query_raw (Fixture                     *f,
           const char                  *prefix,
           const TileboxPbQueryRequest *req)
{
  g_autoptr(GByteArray) request = g_byte_array_new ();
  g_autofree char *path = g_strconcat (prefix, DATA_ACCESS_SERVICE "Query", NULL);

  _tilebox_pb_query_request_encode (req, request);
  return post_proto (f, path, request);
}

static void
query_page (Fixture                     *f,
            const TileboxPbQueryRequest *req,
            TileboxPbQueryResultPage    *page)
{
  g_autoptr(Response) response = query_raw (f, "", req);
  g_autoptr(GError) error = NULL;

  assert_ok (response);
  memset (page, 0, sizeof *page);
  _tilebox_pb_decode_bytes (query_result_page, page, response->body, &error);
  g_assert_no_error (error);
}

typedef struct {
  gboolean has_time;
  TileboxPbTimestamp time;
  TileboxPbId id;
  gboolean has_ingestion_time;
  TileboxPbTimestamp ingestion_time;
  guint n_fields;
  guint32 max_field;
} ValueHead;

/* Fields 1 to 3 of a datapoint message, and how many fields it has. */
static void
decode_value_head (GBytes    *value,
                   ValueHead *head)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (value, &len);
  TileboxPbReader reader;
  g_autoptr(GError) error = NULL;
  int rc;

  memset (head, 0, sizeof *head);
  _tilebox_pb_reader_init (&reader, data, len);
  while ((rc = _tilebox_pb_reader_next (&reader, &error)) > 0)
    {
      head->n_fields++;
      head->max_field = MAX (head->max_field, reader.field);
      switch (reader.field)
        {
        case 1:
          head->has_time = TRUE;
          g_assert_true (_tilebox_pb_read_timestamp (&reader, &head->time, &error));
          break;
        case 2:
          g_assert_true (_tilebox_pb_read_id (&reader, &head->id, &error));
          break;
        case 3:
          head->has_ingestion_time = TRUE;
          g_assert_true (_tilebox_pb_read_timestamp (&reader, &head->ingestion_time, &error));
          break;
        default:
          g_assert_true (_tilebox_pb_skip (&reader, &error));
          break;
        }
      g_assert_no_error (error);
    }
  g_assert_no_error (error);
  g_assert_cmpint (rc, ==, 0);
}

/* Follows next_page to the end: the values of all pages (GBytes). */
static GPtrArray *
query_all (Fixture               *f,
           TileboxPbQueryRequest *req,
           guint                 *n_pages,
           guint                  expected_page_size)
{
  GPtrArray *values = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  gboolean had_page = req->has_page;
  TileboxPbPagination saved = req->page;
  guint pages = 0;

  for (;;)
    {
      g_auto(TileboxPbQueryResultPage) page = { 0 };

      query_page (f, req, &page);
      pages++;
      g_assert_cmpuint (pages, <, 10000);
      for (guint i = 0; i < page.values->len; i++)
        g_ptr_array_add (values, g_bytes_ref (g_ptr_array_index (page.values, i)));
      if (!page.has_next_page)
        break;
      /* a next page: this one is full and the next is not empty */
      if (expected_page_size > 0)
        {
          g_assert_cmpuint (page.values->len, ==, expected_page_size);
          g_assert_true (page.next_page.has_limit);
          g_assert_cmpint (page.next_page.limit, ==, expected_page_size);
        }
      g_assert_true (page.next_page.starting_after.set);
      {
        ValueHead last;

        decode_value_head (g_ptr_array_index (page.values, page.values->len - 1), &last);
        g_assert_cmpmem (page.next_page.starting_after.uuid, 16, last.id.uuid, 16);
      }
      req->has_page = TRUE;
      req->page = page.next_page;
    }
  req->has_page = had_page;
  req->page = saved;
  if (n_pages != NULL)
    *n_pages = pages;
  return values;
}

/* The values are exactly the stored datapoints [from, to) in order. */
static void
assert_values_are (GPtrArray *values,
                   GArray    *stored,
                   guint      from,
                   guint      to)
{
  g_assert_cmpuint (values->len, ==, to - from);
  for (guint i = 0; i < values->len; i++)
    {
      ValueHead head;

      decode_value_head (g_ptr_array_index (values, i), &head);
      g_assert_true (head.id.set);
      g_assert_cmpmem (head.id.uuid, 16, STORED (stored, from + i)->id, 16);
    }
}

/* Index of the first stored datapoint at or after time_ms. */
static guint
first_at_or_after (GArray *stored,
                   gint64  time_ms)
{
  guint i = 0;

  while (i < stored->len && STORED (stored, i)->time_ms < time_ms)
    i++;
  return i;
}

/* Queries a time interval in one page and checks it returns the stored
 * datapoints [from, to). */
static void
check_time_query (Fixture           *f,
                  const TileboxPbId *collection,
                  GArray            *stored,
                  gint64             start_ns,
                  gint64             end_ns,
                  gboolean           start_exclusive,
                  gboolean           end_inclusive,
                  guint              from,
                  guint              to)
{
  g_auto(TileboxPbQueryRequest) req = { 0 };
  g_auto(TileboxPbQueryResultPage) page = { 0 };

  query_request_init (&req, collection, 1);
  query_request_set_time (&req, start_ns, end_ns, start_exclusive, end_inclusive);
  query_page (f, &req, &page);
  g_assert_false (page.has_next_page);
  g_assert_cmpstr (page.type_url, ==, "datasets.v1.local.WeatherStations");
  assert_values_are (page.values, stored, from, to);
}

static void
test_query_time_interval (Fixture       *f,
                          gconstpointer  data)
{
  TileboxPbId berlin = demo_collection (f, TILEBOX_DEMO_WEATHER_SLUG, "berlin");
  g_autoptr(GArray) stored = stored_datapoints (f, &berlin);
  const gint64 t0 = DEMO_START_MS * MS_NS;
  const gint64 t5 = (DEMO_START_MS + 5 * HOUR_MS) * MS_NS;
  const gint64 t10 = (DEMO_START_MS + 10 * HOUR_MS) * MS_NS;
  const gint64 half_ms = 500000;

  /* berlin is hourly, on the hour, from the start of 2025 */
  g_assert_cmpuint (stored->len, ==, 500);
  for (guint i = 0; i < stored->len; i++)
    g_assert_cmpint (STORED (stored, i)->time_ms, ==, DEMO_START_MS + i * HOUR_MS);

  /* the flags, on whole milliseconds */
  check_time_query (f, &berlin, stored, t0, t10, FALSE, FALSE, 0, 10);
  check_time_query (f, &berlin, stored, t0, t10, FALSE, TRUE, 0, 11);
  check_time_query (f, &berlin, stored, t0, t10, TRUE, FALSE, 1, 10);
  check_time_query (f, &berlin, stored, t0, t10, TRUE, TRUE, 1, 11);

  /* a point in time */
  check_time_query (f, &berlin, stored, t5, t5, FALSE, TRUE, 5, 6);
  check_time_query (f, &berlin, stored, t5, t5, FALSE, FALSE, 5, 5);
  check_time_query (f, &berlin, stored, t5, t5, TRUE, TRUE, 5, 5);

  /* bounds inside a millisecond never take in a datapoint outside */
  check_time_query (f, &berlin, stored, t5 - half_ms, t10, FALSE, FALSE, 5, 10);
  check_time_query (f, &berlin, stored, t5 - half_ms, t10, TRUE, FALSE, 5, 10);
  check_time_query (f, &berlin, stored, t5 + half_ms, t10, FALSE, FALSE, 6, 10);
  check_time_query (f, &berlin, stored, t5 + 1, t10, FALSE, FALSE, 6, 10);
  check_time_query (f, &berlin, stored, t5 - 1, t10, FALSE, FALSE, 5, 10);
  check_time_query (f, &berlin, stored, t5 - MS_NS, t10, TRUE, FALSE, 5, 10);
  check_time_query (f, &berlin, stored, t0, t5 + half_ms, FALSE, FALSE, 0, 6);
  check_time_query (f, &berlin, stored, t0, t5 + half_ms, FALSE, TRUE, 0, 6);
  check_time_query (f, &berlin, stored, t0, t5 - half_ms, FALSE, FALSE, 0, 5);
  check_time_query (f, &berlin, stored, t0, t5 - half_ms, FALSE, TRUE, 0, 5);
  check_time_query (f, &berlin, stored, t0, t5 + 1, FALSE, FALSE, 0, 6);
  /* a point in time inside a millisecond holds no datapoint */
  check_time_query (f, &berlin, stored, t5 + half_ms, t5 + half_ms, FALSE, TRUE, 5, 5);

  /* empty ranges */
  check_time_query (f, &berlin, stored, t10, t5, FALSE, TRUE, 0, 0);
  check_time_query (f, &berlin, stored, t0 - 10 * HOUR_MS * MS_NS, t0, FALSE, FALSE, 0, 0);
  check_time_query (f, &berlin, stored, t0 + 1000 * HOUR_MS * MS_NS, t0 + 2000 * HOUR_MS * MS_NS, FALSE, FALSE, 0, 0);

  /* an absent end: up to the last datapoint */
  {
    g_auto(TileboxPbQueryRequest) req = { 0 };
    g_auto(TileboxPbQueryResultPage) page = { 0 };

    query_request_init (&req, &berlin, 1);
    query_request_set_time (&req, t10, 0, FALSE, FALSE);
    req.filters.time_interval.has_end = FALSE;
    query_page (f, &req, &page);
    assert_values_are (page.values, stored, 10, 500);
  }

  /* datapoints at odd milliseconds (the Sentinel-2 times are jittered) */
  {
    TileboxPbId s2 = demo_collection (f, TILEBOX_DEMO_SENTINEL2_SLUG, "S2C_S2MSI2A");
    g_autoptr(GArray) s2_stored = stored_datapoints (f, &s2);
    const guint picks[] = { 0, 1, 77, 150, 299 };

    g_assert_cmpuint (s2_stored->len, ==, 300);
    for (guint p = 0; p < G_N_ELEMENTS (picks); p++)
      {
        gint64 t = STORED (s2_stored, picks[p])->time_ms * MS_NS;
        g_auto(TileboxPbQueryRequest) req = { 0 };
        g_auto(TileboxPbQueryResultPage) point = { 0 };
        g_auto(TileboxPbQueryResultPage) before = { 0 };
        g_auto(TileboxPbQueryResultPage) after = { 0 };

        query_request_init (&req, &s2, 1);
        query_request_set_time (&req, t, t, FALSE, TRUE);
        query_page (f, &req, &point);
        g_assert_cmpstr (point.type_url, ==, "datasets.v1.local.Sentinel2Msi");
        assert_values_are (point.values, s2_stored, picks[p], picks[p] + 1);

        /* [start of 2025, t): everything before it */
        query_request_set_time (&req, DEMO_START_MS * MS_NS, t, FALSE, FALSE);
        query_page (f, &req, &before);
        assert_values_are (before.values, s2_stored, 0, picks[p]);

        /* (t - 0.5 ms, end of 2025]: from it on */
        query_request_set_time (&req, t - MS_NS / 2, (DEMO_START_MS + 366 * 24 * HOUR_MS) * MS_NS, TRUE, TRUE);
        query_page (f, &req, &after);
        assert_values_are (after.values, s2_stored, picks[p], 300);
      }
  }

  /* a month of the biggest collection: as many as the database holds */
  {
    TileboxPbId s2 = demo_collection (f, TILEBOX_DEMO_SENTINEL2_SLUG, "S2A_S2MSI1C");
    g_autoptr(GArray) s2_stored = stored_datapoints (f, &s2);
    gint64 march = DEMO_START_MS + (31 + 28) * 24 * HOUR_MS;
    gint64 april = march + 31 * 24 * HOUR_MS;
    g_auto(TileboxPbQueryRequest) req = { 0 };
    g_auto(TileboxPbQueryResultPage) page = { 0 };
    guint from = first_at_or_after (s2_stored, march);
    guint to = first_at_or_after (s2_stored, april);

    query_request_init (&req, &s2, 1);
    query_request_set_time (&req, march * MS_NS, april * MS_NS, FALSE, FALSE);
    query_page (f, &req, &page);
    g_assert_cmpuint (to - from, >, 200);
    assert_values_are (page.values, s2_stored, from, to);
  }
}

static void
check_id_query (Fixture           *f,
                const TileboxPbId *collection,
                GArray            *stored,
                const guint8      *start_id,
                const guint8      *end_id,
                gboolean           start_exclusive,
                gboolean           end_inclusive,
                guint              from,
                guint              to)
{
  g_auto(TileboxPbQueryRequest) req = { 0 };
  g_auto(TileboxPbQueryResultPage) page = { 0 };

  query_request_init (&req, collection, 1);
  query_request_set_ids (&req, start_id, end_id, start_exclusive, end_inclusive);
  query_page (f, &req, &page);
  g_assert_false (page.has_next_page);
  assert_values_are (page.values, stored, from, to);
}

static void
test_query_id_interval (Fixture       *f,
                        gconstpointer  data)
{
  TileboxPbId berlin = demo_collection (f, TILEBOX_DEMO_WEATHER_SLUG, "berlin");
  g_autoptr(GArray) stored = stored_datapoints (f, &berlin);
  const guint8 *id10 = STORED (stored, 10)->id;
  const guint8 *id20 = STORED (stored, 20)->id;
  guint8 between[16];
  guint8 zero[16] = { 0 };
  guint8 max[16];

  check_id_query (f, &berlin, stored, id10, id20, FALSE, FALSE, 10, 20);
  check_id_query (f, &berlin, stored, id10, id20, TRUE, FALSE, 11, 20);
  check_id_query (f, &berlin, stored, id10, id20, FALSE, TRUE, 10, 21);
  check_id_query (f, &berlin, stored, id10, id20, TRUE, TRUE, 11, 21);
  /* one datapoint, and none */
  check_id_query (f, &berlin, stored, id10, id10, FALSE, TRUE, 10, 11);
  check_id_query (f, &berlin, stored, id10, id10, FALSE, FALSE, 10, 10);
  check_id_query (f, &berlin, stored, id20, id10, FALSE, TRUE, 0, 0);
  /* open ends */
  check_id_query (f, &berlin, stored, id10, NULL, FALSE, FALSE, 10, 500);
  check_id_query (f, &berlin, stored, NULL, id20, FALSE, TRUE, 0, 21);
  /* ids that are no datapoint's */
  memcpy (between, id10, 16);
  between[15]++;
  g_assert_true (memcmp (between, STORED (stored, 11)->id, 16) < 0);
  check_id_query (f, &berlin, stored, between, id20, FALSE, FALSE, 11, 20);
  check_id_query (f, &berlin, stored, between, id20, TRUE, FALSE, 11, 20);
  memset (max, 0xff, sizeof max);
  check_id_query (f, &berlin, stored, zero, max, FALSE, TRUE, 0, 500);
  check_id_query (f, &berlin, stored, zero, max, TRUE, FALSE, 0, 500);
  check_id_query (f, &berlin, stored, max, max, TRUE, TRUE, 0, 0);
}

/* Several collections of a dataset come merged in id order. */
static void
test_query_merge (Fixture       *f,
                  gconstpointer  data)
{
  const char *names[] = { "S2A_S2MSI1C", "S2B_S2MSI1C", "S2A_S2MSI2A", "S2C_S2MSI2A" };
  TileboxPbId collections[G_N_ELEMENTS (names) + 1];
  g_autoptr(GArray) all = g_array_new (FALSE, TRUE, sizeof (StoredDatapoint));
  g_auto(TileboxPbQueryRequest) req = { 0 };
  g_autoptr(GPtrArray) values = NULL;
  gint64 start = DEMO_START_MS + 40 * 24 * HOUR_MS;
  gint64 end = start + 20 * 24 * HOUR_MS;
  guint expected = 0, n_pages = 0;

  g_array_set_clear_func (all, stored_datapoint_clear);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GArray) stored = NULL;

      collections[i] = demo_collection (f, TILEBOX_DEMO_SENTINEL2_SLUG, names[i]);
      stored = stored_datapoints (f, &collections[i]);
      for (guint j = 0; j < stored->len; j++)
        {
          StoredDatapoint dp = *STORED (stored, j);

          if (dp.time_ms < start || dp.time_ms >= end)
            continue;
          dp.data = g_bytes_ref (dp.data);
          g_array_append_val (all, dp);
        }
    }
  /* the same collection twice counts once */
  collections[G_N_ELEMENTS (names)] = collections[1];

  /* expected: by id */
  for (guint i = 1; i < all->len; i++)
    for (guint j = i; j > 0 && memcmp (STORED (all, j - 1)->id, STORED (all, j)->id, 16) > 0; j--)
      {
        StoredDatapoint tmp = *STORED (all, j);

        *STORED (all, j) = *STORED (all, j - 1);
        *STORED (all, j - 1) = tmp;
      }
  expected = all->len;
  g_assert_cmpuint (expected, >, 150);

  query_request_init (&req, collections, G_N_ELEMENTS (collections));
  query_request_set_time (&req, start * MS_NS, end * MS_NS, FALSE, FALSE);
  req.has_page = TRUE;
  req.page.has_limit = TRUE;
  req.page.limit = 64;
  values = query_all (f, &req, &n_pages, 64);
  g_assert_cmpuint (n_pages, ==, (expected + 63) / 64);
  assert_values_are (values, all, 0, expected);
  /* the full messages, as stored */
  for (guint i = 0; i < values->len; i++)
    g_assert_true (g_bytes_equal (g_ptr_array_index (values, i), STORED (all, i)->data));
}

static void
test_query_pagination (Fixture       *f,
                       gconstpointer  data)
{
  TileboxPbId s2 = demo_collection (f, TILEBOX_DEMO_SENTINEL2_SLUG, "S2A_S2MSI2A");
  TileboxPbId big = demo_collection (f, TILEBOX_DEMO_SENTINEL2_SLUG, "S2A_S2MSI1C");
  g_autoptr(GArray) stored = stored_datapoints (f, &s2);
  g_autoptr(GArray) big_stored = stored_datapoints (f, &big);
  g_auto(TileboxPbQueryRequest) req = { 0 };
  gint64 year_start = DEMO_START_MS * MS_NS;
  gint64 year_end = (DEMO_START_MS + 365 * 24 * HOUR_MS) * MS_NS;
  guint n_pages = 0;

  g_assert_cmpuint (stored->len, ==, 900);
  query_request_init (&req, &s2, 1);
  query_request_set_time (&req, year_start, year_end, FALSE, FALSE);
  req.has_page = TRUE;
  req.page.has_limit = TRUE;

  /* 9 full pages: the last one has no next_page */
  req.page.limit = 100;
  {
    g_autoptr(GPtrArray) values = query_all (f, &req, &n_pages, 100);

    g_assert_cmpuint (n_pages, ==, 9);
    assert_values_are (values, stored, 0, 900);
  }
  /* a short last page */
  req.page.limit = 250;
  {
    g_autoptr(GPtrArray) values = query_all (f, &req, &n_pages, 250);

    g_assert_cmpuint (n_pages, ==, 4);
    assert_values_are (values, stored, 0, 900);
  }
  /* one by one over an id interval */
  {
    g_autoptr(GPtrArray) values = NULL;

    query_request_set_ids (&req, STORED (stored, 100)->id, STORED (stored, 130)->id, TRUE, TRUE);
    req.page.limit = 1;
    values = query_all (f, &req, &n_pages, 1);
    g_assert_cmpuint (n_pages, ==, 30);
    assert_values_are (values, stored, 101, 131);
    query_request_set_time (&req, year_start, year_end, FALSE, FALSE);
  }
  /* starting after a datapoint, in the middle of the interval */
  {
    g_auto(TileboxPbQueryResultPage) page = { 0 };

    req.page.limit = 10;
    req.page.starting_after.set = TRUE;
    memcpy (req.page.starting_after.uuid, STORED (stored, 444)->id, 16);
    query_page (f, &req, &page);
    assert_values_are (page.values, stored, 445, 455);
    g_assert_true (page.has_next_page);
    g_assert_cmpmem (page.next_page.starting_after.uuid, 16, STORED (stored, 454)->id, 16);
    g_assert_cmpint (page.next_page.limit, ==, 10);
    req.page.starting_after.set = FALSE;
  }
  /* starting after the last one: an empty page */
  {
    g_auto(TileboxPbQueryResultPage) page = { 0 };

    req.page.starting_after.set = TRUE;
    memcpy (req.page.starting_after.uuid, STORED (stored, 899)->id, 16);
    query_page (f, &req, &page);
    g_assert_cmpuint (page.values->len, ==, 0);
    g_assert_false (page.has_next_page);
    req.page.starting_after.set = FALSE;
  }

  /* no limit, or 0: the server's page size, 1000 by default */
  g_assert_cmpuint (_tilebox_server_get_max_page_size (f->server), ==, 1000);
  query_request_init (&req, &big, 1);
  query_request_set_time (&req, year_start, year_end, FALSE, FALSE);
  {
    g_autoptr(GPtrArray) values = query_all (f, &req, &n_pages, 1000);

    g_assert_cmpuint (n_pages, ==, 3);
    assert_values_are (values, big_stored, 0, 3000);
  }
  req.has_page = TRUE;
  req.page.has_limit = TRUE;
  req.page.limit = 0;
  {
    g_autoptr(GPtrArray) values = query_all (f, &req, &n_pages, 1000);

    g_assert_cmpuint (n_pages, ==, 3);
  }

  /* a smaller maximum: limits past it are clamped */
  _tilebox_server_set_max_page_size (f->server, 700);
  g_assert_cmpuint (_tilebox_server_get_max_page_size (f->server), ==, 700);
  req.page.limit = 100000;
  {
    g_autoptr(GPtrArray) values = query_all (f, &req, &n_pages, 700);

    g_assert_cmpuint (n_pages, ==, 5);
    assert_values_are (values, big_stored, 0, 3000);
  }
  req.has_page = FALSE;
  {
    g_auto(TileboxPbQueryResultPage) page = { 0 };

    query_page (f, &req, &page);
    g_assert_cmpuint (page.values->len, ==, 700);
    g_assert_true (page.has_next_page);
    g_assert_cmpint (page.next_page.limit, ==, 700);
  }
  _tilebox_server_set_max_page_size (f->server, 0);
  g_assert_cmpuint (_tilebox_server_get_max_page_size (f->server), ==, 1000);

  /* a negative limit is refused */
  {
    g_autoptr(Response) response = NULL;
    g_autofree char *message = NULL;

    req.has_page = TRUE;
    req.page.has_limit = TRUE;
    req.page.limit = -5;
    response = query_raw (f, "", &req);
    message = assert_connect_error (response, 400, "invalid_argument");
    g_assert_nonnull (strstr (message, "-5"));
  }
}

/* skip_data: time, id and ingestion_time only, from the stored columns */
static void
test_query_skip_data (Fixture       *f,
                      gconstpointer  data)
{
  TileboxPbId ers = demo_collection (f, TILEBOX_DEMO_ERS_SLUG, "ERS-1");
  g_autoptr(GArray) stored = stored_datapoints (f, &ers);
  g_auto(TileboxPbQueryRequest) req = { 0 };
  g_auto(TileboxPbQueryResultPage) page = { 0 };

  query_request_init (&req, &ers, 1);
  query_request_set_time (&req, DEMO_START_MS * MS_NS, (DEMO_START_MS + 400 * 24 * HOUR_MS) * MS_NS, FALSE, FALSE);
  req.skip_data = TRUE;
  query_page (f, &req, &page);
  g_assert_cmpstr (page.type_url, ==, "datasets.v1.local.ErsSar");
  g_assert_cmpuint (page.values->len, ==, 600);
  for (guint i = 0; i < page.values->len; i++)
    {
      const StoredDatapoint *dp = STORED (stored, i);
      ValueHead head;

      decode_value_head (g_ptr_array_index (page.values, i), &head);
      g_assert_cmpuint (head.n_fields, ==, 3);
      g_assert_cmpuint (head.max_field, ==, 3);
      g_assert_true (head.has_time);
      g_assert_cmpint (timestamp_ms (&head.time), ==, dp->time_ms);
      g_assert_cmpint (head.time.nanos % 1000000, ==, 0);
      g_assert_cmpmem (head.id.uuid, 16, dp->id, 16);
      g_assert_true (head.has_ingestion_time);
      g_assert_cmpint (timestamp_ms (&head.ingestion_time), ==, dp->ingestion_time_ns / 1000000);
      g_assert_cmpint (head.ingestion_time.nanos % 1000000, ==, 0);
      g_assert_cmpuint (g_bytes_get_size (g_ptr_array_index (page.values, i)), <, 60);
    }
}

/* Without skip_data: the full messages; big pages come gzipped when asked */
static void
test_query_full_data (Fixture       *f,
                      gconstpointer  data)
{
  TileboxPbId munich = demo_collection (f, TILEBOX_DEMO_WEATHER_SLUG, "munich");
  g_autoptr(GArray) stored = stored_datapoints (f, &munich);
  g_auto(TileboxPbQueryRequest) req = { 0 };
  g_auto(TileboxPbQueryResultPage) page = { 0 };
  g_auto(TileboxPbQueryResultPage) skipped = { 0 };
  g_autoptr(GByteArray) request = g_byte_array_new ();
  g_autoptr(GBytes) body = NULL;
  g_autoptr(Response) plain = NULL;
  g_autoptr(Response) zipped = NULL;

  query_request_init (&req, &munich, 1);
  query_request_set_time (&req, DEMO_START_MS * MS_NS, (DEMO_START_MS + 400 * 24 * HOUR_MS) * MS_NS, FALSE, FALSE);
  query_page (f, &req, &page);
  req.skip_data = TRUE;
  query_page (f, &req, &skipped);
  req.skip_data = FALSE;

  g_assert_cmpuint (page.values->len, ==, 250);
  g_assert_cmpuint (skipped.values->len, ==, 250);
  for (guint i = 0; i < page.values->len; i++)
    {
      GBytes *value = g_ptr_array_index (page.values, i);
      ValueHead head, listed;

      decode_value_head (value, &head);
      decode_value_head (g_ptr_array_index (skipped.values, i), &listed);
      g_assert_true (head.id.set);
      g_assert_cmpmem (head.id.uuid, 16, listed.id.uuid, 16);
      g_assert_cmpint (timestamp_ms (&head.time), ==, timestamp_ms (&listed.time));
      g_assert_cmpint (timestamp_ms (&head.ingestion_time), ==, timestamp_ms (&listed.ingestion_time));
      g_assert_cmpuint (head.max_field, >, 3);
      g_assert_true (g_bytes_equal (value, STORED (stored, i)->data));
    }

  /* on the wire */
  _tilebox_pb_query_request_encode (&req, request);
  body = g_bytes_new (request->data, request->len);
  plain = post_full (f->session, f->url, DATA_ACCESS_SERVICE "Query", "application/proto", body, NULL);
  assert_ok (plain);
  g_assert_null (soup_message_headers_get_one (plain->headers, "Content-Encoding"));
  zipped = post_full (f->session, f->url, DATA_ACCESS_SERVICE "Query", "application/proto", body,
                      "Accept-Encoding", "gzip", NULL);
  assert_ok (zipped);
  g_assert_cmpstr (soup_message_headers_get_one (zipped->headers, "Content-Encoding"), ==, "gzip");
  g_assert_cmpuint (g_bytes_get_size (zipped->body), <, g_bytes_get_size (plain->body));
  {
    g_autoptr(GZlibDecompressor) decompressor = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
    g_autoptr(GInputStream) base = g_memory_input_stream_new_from_bytes (zipped->body);
    g_autoptr(GInputStream) stream = g_converter_input_stream_new (base, G_CONVERTER (decompressor));
    g_autoptr(GOutputStream) sink = g_memory_output_stream_new_resizable ();
    g_autoptr(GBytes) unzipped = NULL;
    g_autoptr(GError) error = NULL;

    g_output_stream_splice (sink, stream, G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                            NULL, &error);
    g_assert_no_error (error);
    unzipped = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (sink));
    g_assert_true (g_bytes_equal (unzipped, plain->body));
  }
}

/* Stored messages without id or ingestion_time, or out of order, come out
 * complete: fields 1 to 3, then the others by field number. */
static void
test_query_completes_datapoints (Fixture       *f,
                                 gconstpointer  data)
{
  TileboxPbDataset *weather = get_dataset (f, TILEBOX_DEMO_WEATHER_SLUG);
  g_autoptr(Response) created = create_collection_raw (f, &weather->id, "hamburg");
  TileboxPbCollectionInfo info = { 0 };
  TileboxStoreDatapoint dps[4] = { { { 0 } } };
  GByteArray *expected[4] = { NULL };
  g_autoptr(GError) error = NULL;
  gint64 base_ms = DEMO_START_MS + 1234;
  g_auto(TileboxPbQueryRequest) req = { 0 };
  g_auto(TileboxPbQueryResultPage) page = { 0 };

  assert_ok (created);
  _tilebox_pb_decode_bytes (collection_info, &info, created->body, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (dps); i++)
    {
      g_autoptr(GByteArray) blob = g_byte_array_new ();
      TileboxPbTimestamp time = { (base_ms + i) / 1000, (gint32) ((base_ms + i) % 1000) * 1000000 };
      TileboxPbTimestamp ingestion = { (base_ms + i) / 1000 + 3600, 0 };
      TileboxPbTimestamp ingestion_ms = { (base_ms + i) / 1000 + 7200, 123000000 };
      TileboxPbId id = { TRUE, { 0 } };
      TileboxPbId wrong = { TRUE, { 0 } };

      dps[i].time_ms = base_ms + i;
      /* ingestion time at nanoseconds in the column: the answer has milliseconds */
      dps[i].ingestion_time_ns = ((base_ms + i) / 1000 + 7200) * 1000000000 + 123456789;
      for (guint b = 0; b < 6; b++)
        dps[i].id[b] = (guint8) ((guint64) (base_ms + i) >> (8 * (5 - b)));
      memset (dps[i].id + 6, 0x40 + i, 10);
      memcpy (id.uuid, dps[i].id, 16);
      memset (wrong.uuid, 0xee, 16);
      expected[i] = g_byte_array_new ();

      switch (i)
        {
        case 0:
          /* time and the data, no id or ingestion_time, fields 5 before 4 */
          _tilebox_pb_write_double (blob, 5, 21.5);
          _tilebox_pb_write_timestamp (blob, 1, &time);
          _tilebox_pb_write_string (blob, 9, "a");
          _tilebox_pb_write_string (blob, 4, "Hamburg");
          _tilebox_pb_write_string (blob, 9, "b");

          _tilebox_pb_write_timestamp (expected[i], 1, &time);
          _tilebox_pb_write_id (expected[i], 2, &id);
          _tilebox_pb_write_timestamp (expected[i], 3, &ingestion_ms);
          _tilebox_pb_write_string (expected[i], 4, "Hamburg");
          _tilebox_pb_write_double (expected[i], 5, 21.5);
          _tilebox_pb_write_string (expected[i], 9, "a");
          _tilebox_pb_write_string (expected[i], 9, "b");
          break;
        case 1:
          /* a wrong id and its own ingestion_time, no time */
          _tilebox_pb_write_id (blob, 2, &wrong);
          _tilebox_pb_write_timestamp (blob, 3, &ingestion);
          _tilebox_pb_write_string (blob, 4, "Hamburg");

          time.nanos = (gint32) ((base_ms + i) % 1000) * 1000000;
          _tilebox_pb_write_timestamp (expected[i], 1, &time);
          _tilebox_pb_write_id (expected[i], 2, &id);
          _tilebox_pb_write_timestamp (expected[i], 3, &ingestion);
          _tilebox_pb_write_string (expected[i], 4, "Hamburg");
          break;
        case 2:
          /* nothing at all */
          _tilebox_pb_write_timestamp (expected[i], 1, &time);
          _tilebox_pb_write_id (expected[i], 2, &id);
          _tilebox_pb_write_timestamp (expected[i], 3, &ingestion_ms);
          break;
        case 3:
          /* complete already: as it is */
          _tilebox_pb_write_timestamp (blob, 1, &time);
          _tilebox_pb_write_id (blob, 2, &id);
          _tilebox_pb_write_timestamp (blob, 3, &ingestion);
          _tilebox_pb_write_string (blob, 4, "Hamburg");
          _tilebox_pb_write_bool (blob, 8, TRUE);
          g_byte_array_append (expected[i], blob->data, blob->len);
          break;
        }
      dps[i].data = g_bytes_new (blob->data, blob->len);
    }

  _tilebox_server_lock (f->server);
  g_assert_true (_tilebox_store_insert_datapoints (_tilebox_server_get_store (f->server), info.id.uuid,
                                                   dps, G_N_ELEMENTS (dps), FALSE, NULL, NULL, &error));
  _tilebox_server_unlock (f->server);
  g_assert_no_error (error);

  query_request_init (&req, &info.id, 1);
  query_request_set_time (&req, base_ms * MS_NS, (base_ms + 10) * MS_NS, FALSE, FALSE);
  query_page (f, &req, &page);
  g_assert_cmpuint (page.values->len, ==, G_N_ELEMENTS (dps));
  for (guint i = 0; i < G_N_ELEMENTS (dps); i++)
    {
      gsize len;
      const guint8 *value = g_bytes_get_data (g_ptr_array_index (page.values, i), &len);

      g_assert_cmpmem (value, len, expected[i]->data, expected[i]->len);
      g_bytes_unref (dps[i].data);
      g_byte_array_unref (expected[i]);
    }
  /* deterministic */
  {
    g_auto(TileboxPbQueryResultPage) again = { 0 };

    query_page (f, &req, &again);
    for (guint i = 0; i < G_N_ELEMENTS (dps); i++)
      g_assert_true (g_bytes_equal (g_ptr_array_index (page.values, i), g_ptr_array_index (again.values, i)));
  }

  /* a damaged message is data loss, not garbage */
  {
    TileboxStoreDatapoint damaged = { { 0 } };
    g_autoptr(Response) response = NULL;

    damaged.time_ms = base_ms + 5;
    memset (damaged.id, 0x77, 16);
    damaged.id[0] = 0; /* sorts first... */
    for (guint b = 0; b < 6; b++)
      damaged.id[b] = (guint8) ((guint64) (base_ms + 5) >> (8 * (5 - b)));
    damaged.data = g_bytes_new_static ("\x0a\x7f\x01", 3);
    _tilebox_server_lock (f->server);
    g_assert_true (_tilebox_store_insert_datapoints (_tilebox_server_get_store (f->server), info.id.uuid,
                                                     &damaged, 1, FALSE, NULL, NULL, &error));
    _tilebox_server_unlock (f->server);
    g_assert_no_error (error);
    g_bytes_unref (damaged.data);
    response = query_raw (f, "", &req);
    g_free (assert_connect_error (response, 500, "data_loss"));
    /* skip_data does not read the message */
    req.skip_data = TRUE;
    {
      g_auto(TileboxPbQueryResultPage) heads = { 0 };

      query_page (f, &req, &heads);
      g_assert_cmpuint (heads.values->len, ==, 5);
    }
  }

  _tilebox_pb_collection_info_clear (&info);
  _tilebox_pb_dataset_free (weather);
}

static Response *
query_by_id_raw (Fixture           *f,
                 const TileboxPbId *collections,
                 guint              n,
                 const guint8      *id,
                 gboolean           skip_data)
{
  g_autoptr(GByteArray) request = g_byte_array_new ();
  g_auto(TileboxPbQueryByIdRequest) req = { 0 };

  req.collection_ids = g_array_new (FALSE, TRUE, sizeof (TileboxPbId));
  g_array_append_vals (req.collection_ids, collections, n);
  if (id != NULL)
    {
      req.id.set = TRUE;
      memcpy (req.id.uuid, id, 16);
    }
  req.skip_data = skip_data;
  _tilebox_pb_query_by_id_request_encode (&req, request);
  return post_proto (f, DATA_ACCESS_SERVICE "QueryByID", request);
}

static void
test_query_by_id (Fixture       *f,
                  gconstpointer  data)
{
  TileboxPbId collections[2];
  g_autoptr(GArray) stored = NULL;
  g_autoptr(GError) error = NULL;
  const StoredDatapoint *dp;

  collections[0] = demo_collection (f, TILEBOX_DEMO_SENTINEL2_SLUG, "S2A_S2MSI1C");
  collections[1] = demo_collection (f, TILEBOX_DEMO_SENTINEL2_SLUG, "S2B_S2MSI1C");
  stored = stored_datapoints (f, &collections[1]);
  dp = STORED (stored, 1234);

  /* found, alone and among several collections */
  for (guint n = 1; n <= 2; n++)
    {
      const TileboxPbId *from = n == 1 ? &collections[1] : collections;
      g_autoptr(Response) response = query_by_id_raw (f, from, n, dp->id, FALSE);
      g_auto(TileboxPbAny) any = { 0 };

      assert_ok (response);
      _tilebox_pb_decode_bytes (any, &any, response->body, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (any.type_url, ==, "datasets.v1.local.Sentinel2Msi");
      g_assert_true (g_bytes_equal (any.value, dp->data));
    }
  {
    g_autoptr(Response) response = query_by_id_raw (f, collections, 2, dp->id, TRUE);
    g_auto(TileboxPbAny) any = { 0 };
    ValueHead head;

    assert_ok (response);
    _tilebox_pb_decode_bytes (any, &any, response->body, &error);
    g_assert_no_error (error);
    decode_value_head (any.value, &head);
    g_assert_cmpuint (head.n_fields, ==, 3);
    g_assert_cmpmem (head.id.uuid, 16, dp->id, 16);
    g_assert_cmpint (timestamp_ms (&head.time), ==, dp->time_ms);
  }

  /* not in these collections */
  {
    g_autoptr(Response) response = query_by_id_raw (f, &collections[0], 1, dp->id, FALSE);
    g_autofree char *message = assert_connect_error (response, 404, "not_found");
    g_autofree char *uuid = _tilebox_uuid_to_string (dp->id);

    g_assert_nonnull (strstr (message, uuid));
  }
  {
    guint8 nowhere[16];
    g_autoptr(Response) response = NULL;

    memcpy (nowhere, dp->id, 16);
    nowhere[15] ^= 0x01;
    response = query_by_id_raw (f, collections, 2, nowhere, FALSE);
    g_free (assert_connect_error (response, 404, "not_found"));
  }
  /* bad requests */
  {
    g_autoptr(Response) no_id = query_by_id_raw (f, collections, 2, NULL, FALSE);
    g_autoptr(Response) no_collections = query_by_id_raw (f, collections, 0, dp->id, FALSE);
    TileboxPbId unknown = { TRUE, { 0 } };
    g_autoptr(Response) unknown_collection = NULL;

    g_free (assert_connect_error (no_id, 400, "invalid_argument"));
    g_free (assert_connect_error (no_collections, 400, "invalid_argument"));
    _tilebox_store_new_uuid (unknown.uuid);
    unknown_collection = query_by_id_raw (f, &unknown, 1, dp->id, FALSE);
    g_free (assert_connect_error (unknown_collection, 404, "not_found"));
  }
}

static void
test_query_errors (Fixture       *f,
                   gconstpointer  data)
{
  TileboxPbId berlin = demo_collection (f, TILEBOX_DEMO_WEATHER_SLUG, "berlin");
  TileboxPbId ers = demo_collection (f, TILEBOX_DEMO_ERS_SLUG, "ERS-2");
  TileboxPbId unknown = { TRUE, { 0 } };
  TileboxPbId two[2] = { berlin, ers };
  g_autofree char *unknown_str = NULL;
  gint64 start = DEMO_START_MS * MS_NS, end = (DEMO_START_MS + HOUR_MS) * MS_NS;

  _tilebox_store_new_uuid (unknown.uuid);
  unknown_str = _tilebox_uuid_to_string (unknown.uuid);

  /* no collections */
  {
    g_auto(TileboxPbQueryRequest) req = { 0 };
    g_autoptr(Response) response = NULL;
    g_autofree char *message = NULL;

    query_request_init (&req, NULL, 0);
    query_request_set_time (&req, start, end, FALSE, FALSE);
    response = query_raw (f, "", &req);
    message = assert_connect_error (response, 400, "invalid_argument");
    g_assert_nonnull (strstr (message, "at least one collection"));
  }
  /* an empty body is a request without collections */
  {
    g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
    g_autoptr(Response) response = post_full (f->session, f->url, DATA_ACCESS_SERVICE "Query",
                                              "application/proto", empty, NULL);

    g_free (assert_connect_error (response, 400, "invalid_argument"));
  }
  /* an unknown collection, named */
  {
    g_auto(TileboxPbQueryRequest) req = { 0 };
    TileboxPbId ids[2] = { berlin, unknown };
    g_autoptr(Response) response = NULL;
    g_autofree char *message = NULL;

    query_request_init (&req, ids, 2);
    query_request_set_time (&req, start, end, FALSE, FALSE);
    response = query_raw (f, "", &req);
    message = assert_connect_error (response, 404, "not_found");
    g_assert_nonnull (strstr (message, unknown_str));
  }
  /* collections of two datasets */
  {
    g_auto(TileboxPbQueryRequest) req = { 0 };
    g_autoptr(Response) response = NULL;

    query_request_init (&req, two, 2);
    query_request_set_time (&req, start, end, FALSE, FALSE);
    response = query_raw (f, "", &req);
    g_free (assert_connect_error (response, 400, "invalid_argument"));
  }
  /* too many collections */
  {
    g_auto(TileboxPbQueryRequest) req = { 0 };
    g_autoptr(Response) response = NULL;

    query_request_init (&req, NULL, 0);
    for (guint i = 0; i < 101; i++)
      g_array_append_val (req.collection_ids, berlin);
    query_request_set_time (&req, start, end, FALSE, FALSE);
    response = query_raw (f, "", &req);
    g_free (assert_connect_error (response, 400, "invalid_argument"));
  }
  /* no filter, or filters without an interval */
  {
    g_auto(TileboxPbQueryRequest) req = { 0 };
    g_autoptr(Response) none = NULL;
    g_autoptr(Response) empty_filters = NULL;

    query_request_init (&req, &berlin, 1);
    none = query_raw (f, "", &req);
    g_free (assert_connect_error (none, 400, "invalid_argument"));
    req.has_filters = TRUE;
    empty_filters = query_raw (f, "", &req);
    g_free (assert_connect_error (empty_filters, 400, "invalid_argument"));
  }
  /* a spatial filter on a dataset without geometries is not ignored */
  {
    g_auto(TileboxPbQueryRequest) req = { 0 };
    g_autoptr(Response) response = NULL;
    g_autofree char *message = NULL;

    query_request_init (&req, &berlin, 1);
    query_request_set_time (&req, start, end, FALSE, FALSE);
    req.filters.has_spatial_extent = TRUE;
    req.filters.spatial_extent.geometry_wkb = g_bytes_new_static ("\x01\x01\x00\x00\x00", 5);
    response = query_raw (f, "", &req);
    message = assert_connect_error (response, 400, "invalid_argument");
    g_assert_nonnull (strstr (message, "geometry field"));
  }
}

/* A whole collection, page by page, is exactly its count of datapoints. */
static void
test_query_counts (Fixture       *f,
                   gconstpointer  data)
{
  const char *slugs[] = { TILEBOX_DEMO_SENTINEL2_SLUG, TILEBOX_DEMO_ERS_SLUG, TILEBOX_DEMO_WEATHER_SLUG };
  guint n_collections = 0;

  for (guint s = 0; s < G_N_ELEMENTS (slugs); s++)
    {
      TileboxPbDataset *dataset = get_dataset (f, slugs[s]);
      g_autoptr(Response) listed = list_collections_raw (f, &dataset->id, FALSE, TRUE);
      TileboxPbCollectionInfos infos = { 0 };
      g_autoptr(GError) error = NULL;

      assert_ok (listed);
      _tilebox_pb_decode_bytes (collection_infos, &infos, listed->body, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < infos.data->len; i++)
        {
          TileboxPbCollectionInfo *info = g_ptr_array_index (infos.data, i);
          g_autoptr(GArray) stored = stored_datapoints (f, &info->id);
          g_auto(TileboxPbQueryRequest) req = { 0 };
          g_autoptr(GPtrArray) values = NULL;
          guint n_pages = 0;

          /* no start, no end: all of it */
          query_request_init (&req, &info->id, 1);
          query_request_set_time (&req, 0, 0, FALSE, FALSE);
          req.filters.time_interval.has_start = FALSE;
          req.filters.time_interval.has_end = FALSE;
          req.skip_data = TRUE;
          values = query_all (f, &req, &n_pages, 1000);
          g_assert_true (info->has_count);
          g_assert_cmpuint (values->len, ==, info->count);
          g_assert_cmpuint (n_pages, ==, MAX (1, (info->count + 999) / 1000));
          assert_values_are (values, stored, 0, stored->len);
          n_collections++;
        }
      _tilebox_pb_collection_infos_clear (&infos);
      _tilebox_pb_dataset_free (dataset);
    }
  g_assert_cmpuint (n_collections, ==, 8);
}

/* /public, API keys, faults and latency apply to queries too. */
static void
test_query_server_features (Fixture       *f,
                            gconstpointer  data)
{
  TileboxPbId berlin = demo_collection (f, TILEBOX_DEMO_WEATHER_SLUG, "berlin");
  g_auto(TileboxPbQueryRequest) req = { 0 };
  g_autoptr(GByteArray) request = g_byte_array_new ();
  g_autoptr(GBytes) body = NULL;
  TileboxPbId secret_collection = { 0 };
  gint64 start;

  query_request_init (&req, &berlin, 1);
  query_request_set_time (&req, DEMO_START_MS * MS_NS, (DEMO_START_MS + 10 * HOUR_MS) * MS_NS, FALSE, FALSE);
  _tilebox_pb_query_request_encode (&req, request);
  body = g_bytes_new (request->data, request->len);

  /* a private dataset with a collection, made before the key is set */
  {
    g_autoptr(Response) created = create_dataset_raw (f, "Secret", "secret", TILEBOX_DATASET_KIND_TEMPORAL);
    TileboxPbDataset dataset = { 0 };
    TileboxPbCollectionInfo info = { 0 };
    g_autoptr(Response) collection = NULL;
    g_autoptr(GError) error = NULL;

    assert_ok (created);
    _tilebox_pb_decode_bytes (dataset, &dataset, created->body, &error);
    g_assert_no_error (error);
    collection = create_collection_raw (f, &dataset.id, "c");
    assert_ok (collection);
    _tilebox_pb_decode_bytes (collection_info, &info, collection->body, &error);
    g_assert_no_error (error);
    secret_collection = info.id;
    _tilebox_pb_collection_info_clear (&info);
    _tilebox_pb_dataset_clear (&dataset);
  }

  _tilebox_server_set_api_key (f->server, "s3cret");
  {
    g_autoptr(Response) anonymous = post_full (f->session, f->url, "/public" DATA_ACCESS_SERVICE "Query",
                                               "application/proto", body, NULL);
    g_autoptr(Response) keyless = post_full (f->session, f->url, DATA_ACCESS_SERVICE "Query",
                                             "application/proto", body, NULL);
    g_autoptr(Response) keyed = post_full (f->session, f->url, DATA_ACCESS_SERVICE "Query",
                                           "application/proto", body, "Authorization", "Bearer s3cret", NULL);
    g_auto(TileboxPbQueryResultPage) page = { 0 };
    g_autoptr(GError) error = NULL;

    assert_ok (anonymous);
    _tilebox_pb_decode_bytes (query_result_page, &page, anonymous->body, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (page.values->len, ==, 10);
    g_free (assert_connect_error (keyless, 401, "unauthenticated"));
    assert_ok (keyed);
    g_assert_true (g_bytes_equal (keyed->body, anonymous->body));
  }
  /* a private dataset needs the key */
  {
    g_auto(TileboxPbQueryRequest) secret = { 0 };
    g_autoptr(GByteArray) secret_request = g_byte_array_new ();
    g_autoptr(GBytes) secret_body = NULL;
    g_autoptr(Response) anonymous = NULL;
    g_autoptr(Response) keyed = NULL;
    g_autoptr(Response) by_id = NULL;

    query_request_init (&secret, &secret_collection, 1);
    query_request_set_time (&secret, 0, DEMO_START_MS * MS_NS, FALSE, FALSE);
    _tilebox_pb_query_request_encode (&secret, secret_request);
    secret_body = g_bytes_new (secret_request->data, secret_request->len);
    anonymous = post_full (f->session, f->url, "/public" DATA_ACCESS_SERVICE "Query",
                           "application/proto", secret_body, NULL);
    g_free (assert_connect_error (anonymous, 403, "permission_denied"));
    keyed = post_full (f->session, f->url, DATA_ACCESS_SERVICE "Query", "application/proto", secret_body,
                       "Authorization", "Bearer s3cret", NULL);
    assert_ok (keyed);
    {
      g_autoptr(GByteArray) by_id_request = g_byte_array_new ();
      g_auto(TileboxPbQueryByIdRequest) by_id_req = { 0 };
      g_autoptr(GBytes) by_id_body = NULL;

      by_id_req.collection_ids = g_array_new (FALSE, TRUE, sizeof (TileboxPbId));
      g_array_append_val (by_id_req.collection_ids, secret_collection);
      by_id_req.id.set = TRUE;
      _tilebox_pb_query_by_id_request_encode (&by_id_req, by_id_request);
      by_id_body = g_bytes_new (by_id_request->data, by_id_request->len);
      by_id = post_full (f->session, f->url, "/public" DATA_ACCESS_SERVICE "QueryByID",
                         "application/proto", by_id_body, NULL);
      g_free (assert_connect_error (by_id, 403, "permission_denied"));
    }
  }
  _tilebox_server_set_api_key (f->server, NULL);

  /* faults */
  _tilebox_server_fail_next (f->server, 1, 503, "unavailable", 0);
  {
    g_autoptr(Response) failed = post_full (f->session, f->url, DATA_ACCESS_SERVICE "Query",
                                            "application/proto", body, NULL);

    g_free (assert_connect_error (failed, 503, "unavailable"));
  }
  /* latency */
  _tilebox_server_set_latency_ms (f->server, 200);
  start = g_get_monotonic_time ();
  {
    g_autoptr(Response) slow = post_full (f->session, f->url, DATA_ACCESS_SERVICE "Query",
                                          "application/proto", body, NULL);

    assert_ok (slow);
  }
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 190 * 1000);
  _tilebox_server_set_latency_ms (f->server, 0);
}

/* A page of 1000 full datapoints takes milliseconds. */
static void
test_query_speed (Fixture       *f,
                  gconstpointer  data)
{
  const char *names[] = { "S2A_S2MSI1C", "S2B_S2MSI1C", "S2A_S2MSI2A", "S2C_S2MSI2A" };
  TileboxPbId collections[G_N_ELEMENTS (names)];
  g_auto(TileboxPbQueryRequest) req = { 0 };
  g_autoptr(GByteArray) request = g_byte_array_new ();
  g_autoptr(GBytes) body = NULL;
  gint64 best_one = G_MAXINT64, best_all = G_MAXINT64;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    collections[i] = demo_collection (f, TILEBOX_DEMO_SENTINEL2_SLUG, names[i]);

  for (guint n = 1; n <= G_N_ELEMENTS (names); n += G_N_ELEMENTS (names) - 1)
    {
      query_request_init (&req, collections, n);
      query_request_set_time (&req, (DEMO_START_MS + 100 * 24 * HOUR_MS) * MS_NS,
                              (DEMO_START_MS + 365 * 24 * HOUR_MS) * MS_NS, FALSE, FALSE);
      g_byte_array_set_size (request, 0);
      _tilebox_pb_query_request_encode (&req, request);
      g_clear_pointer (&body, g_bytes_unref);
      body = g_bytes_new (request->data, request->len);
      _tilebox_pb_query_request_clear (&req);

      for (guint round = 0; round < 5; round++)
        {
          gint64 start = g_get_monotonic_time ();
          g_autoptr(Response) response = post_full (f->session, f->url, DATA_ACCESS_SERVICE "Query",
                                                    "application/proto", body, NULL);
          gint64 took = g_get_monotonic_time () - start;
          g_auto(TileboxPbQueryResultPage) page = { 0 };
          g_autoptr(GError) error = NULL;

          assert_ok (response);
          _tilebox_pb_decode_bytes (query_result_page, &page, response->body, &error);
          g_assert_no_error (error);
          g_assert_cmpuint (page.values->len, ==, 1000);
          g_assert_true (page.has_next_page);
          if (n == 1)
            best_one = MIN (best_one, took);
          else
            best_all = MIN (best_all, took);
        }
    }
  g_test_message ("a page of 1000 datapoints: %.2f ms from one collection, %.2f ms from four",
                  best_one / 1000.0, best_all / 1000.0);
  /* generous: sanitizers and busy machines */
  g_assert_cmpint (best_one, <, 500 * 1000);
  g_assert_cmpint (best_all, <, 500 * 1000);
}

/* --- filters ------------------------------------------------------------------ */

/* Builders of filter expressions (owned by the request they are put in). */
static TileboxPbExpression *
cmp_new (const char *field,
         gint        op)
{
  TileboxPbExpression *e = _tilebox_pb_expression_new (TILEBOX_PB_EXPRESSION_COMPARISON);

  e->field = g_strdup (field);
  e->op = op;
  return e;
}

static TileboxPbExpression *
cmp_literal (const char             *field,
             gint                    op,
             const TileboxPbLiteral *literal)
{
  TileboxPbExpression *e = cmp_new (field, op);

  e->value = *literal;
  e->value.s = g_strdup (literal->s);
  e->value.bytes = literal->bytes ? g_bytes_ref (literal->bytes) : NULL;
  return e;
}

static TileboxPbExpression *
cmp_double (const char *field,
            gint        op,
            double      d)
{
  TileboxPbExpression *e = cmp_new (field, op);

  e->value.kind = TILEBOX_PB_LITERAL_DOUBLE;
  e->value.d = d;
  return e;
}

static TileboxPbExpression *
cmp_int (const char *field,
         gint        op,
         gint64      i)
{
  TileboxPbExpression *e = cmp_new (field, op);

  e->value.kind = TILEBOX_PB_LITERAL_INT;
  e->value.i = i;
  return e;
}

static TileboxPbExpression *
cmp_uint (const char *field,
          gint        op,
          guint64     u)
{
  TileboxPbExpression *e = cmp_new (field, op);

  e->value.kind = TILEBOX_PB_LITERAL_UINT;
  e->value.u = u;
  return e;
}

static TileboxPbExpression *
cmp_bool (const char *field,
          gint        op,
          gboolean    b)
{
  TileboxPbExpression *e = cmp_new (field, op);

  e->value.kind = TILEBOX_PB_LITERAL_BOOL;
  e->value.b = b;
  return e;
}

static TileboxPbExpression *
cmp_string (const char *field,
            gint        op,
            const char *s)
{
  TileboxPbExpression *e = cmp_new (field, op);

  e->value.kind = TILEBOX_PB_LITERAL_STRING;
  e->value.s = g_strdup (s);
  return e;
}

static TileboxPbExpression *
cmp_bytes (const char *field,
           gint        op,
           const void *data,
           gsize       len)
{
  TileboxPbExpression *e = cmp_new (field, op);

  e->value.kind = TILEBOX_PB_LITERAL_BYTES;
  e->value.bytes = g_bytes_new (data, len);
  return e;
}

static TileboxPbExpression *
is_null (const char *field)
{
  TileboxPbExpression *e = _tilebox_pb_expression_new (TILEBOX_PB_EXPRESSION_IS_NULL);

  e->field = g_strdup (field);
  return e;
}

/* AND, OR or NOT of the operands (NULL-terminated) */
static TileboxPbExpression *
logic (TileboxPbExpressionKind kind,
       TileboxPbExpression    *first,
       ...)
{
  TileboxPbExpression *e = _tilebox_pb_expression_new (kind);
  va_list args;

  e->operands = g_ptr_array_new_with_free_func (_tilebox_pb_expression_free);
  va_start (args, first);
  for (TileboxPbExpression *operand = first; operand != NULL; operand = va_arg (args, TileboxPbExpression *))
    g_ptr_array_add (e->operands, operand);
  va_end (args);
  return e;
}

#define AND(...) logic (TILEBOX_PB_EXPRESSION_AND, __VA_ARGS__, NULL)
#define OR(...) logic (TILEBOX_PB_EXPRESSION_OR, __VA_ARGS__, NULL)
#define NOT(x) logic (TILEBOX_PB_EXPRESSION_NOT, (x), NULL)

enum { OP_EQ = 1, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE };

static const char *const op_names[] = { "?", "=", "!=", "<", "<=", ">", ">=" };

/* A query of the collections over all time, without expressions yet. */
static void
filter_request_init (TileboxPbQueryRequest *req,
                     const TileboxPbId     *collections,
                     guint                  n)
{
  query_request_init (req, collections, n);
  query_request_set_time (req, 0, 0, FALSE, FALSE);
  req->filters.time_interval.has_start = FALSE;
  req->filters.time_interval.has_end = FALSE;
  req->filters.expressions = g_ptr_array_new_with_free_func (_tilebox_pb_expression_free);
}

/* Replaces the request's expressions by the given ones (NULL-terminated). */
static void
filter_request_set (TileboxPbQueryRequest *req,
                    TileboxPbExpression   *first,
                    ...)
{
  va_list args;

  g_ptr_array_set_size (req->filters.expressions, 0);
  va_start (args, first);
  for (TileboxPbExpression *e = first; e != NULL; e = va_arg (args, TileboxPbExpression *))
    g_ptr_array_add (req->filters.expressions, e);
  va_end (args);
}

/* A datapoint as the test reads it on its own: its id and the last
 * occurrence of each of its top-level fields 1..TEST_MAX_FIELD. */
#define TEST_MAX_FIELD 20

typedef struct {
  gboolean present;
  guint64 bits;        /* varint, fixed32, fixed64 */
  const guint8 *data;  /* length-delimited */
  gsize len;
} TestField;

typedef struct {
  GBytes *value;
  guint8 id[16];
  TileboxPbTimestamp time;
  TestField fields[TEST_MAX_FIELD + 1];
} TestRow;

static void
test_row_clear (gpointer p)
{
  g_clear_pointer (&((TestRow *) p)->value, g_bytes_unref);
}

static GArray *
decode_rows (GPtrArray *values)
{
  GArray *rows = g_array_new (FALSE, TRUE, sizeof (TestRow));

  g_array_set_clear_func (rows, test_row_clear);
  for (guint i = 0; i < values->len; i++)
    {
      TestRow row = { 0 };
      gsize len;
      const guint8 *data;
      TileboxPbReader reader;
      g_autoptr(GError) error = NULL;
      int rc;

      row.value = g_bytes_ref (g_ptr_array_index (values, i));
      data = g_bytes_get_data (row.value, &len);
      _tilebox_pb_reader_init (&reader, data, len);
      while ((rc = _tilebox_pb_reader_next (&reader, &error)) > 0)
        {
          TestField *field = reader.field <= TEST_MAX_FIELD ? &row.fields[reader.field] : NULL;
          TileboxPbId id = { 0 };
          guint32 bits32;

          if (reader.field == 1)
            {
              g_assert_true (_tilebox_pb_read_timestamp (&reader, &row.time, &error));
              field->present = TRUE;
              continue;
            }
          if (reader.field == 2)
            {
              g_assert_true (_tilebox_pb_read_id (&reader, &id, &error));
              memcpy (row.id, id.uuid, 16);
              field->present = TRUE;
              continue;
            }
          if (field == NULL)
            {
              g_assert_true (_tilebox_pb_skip (&reader, &error));
              continue;
            }
          field->present = TRUE;
          switch (reader.wire_type)
            {
            case TILEBOX_PB_WIRE_VARINT:
              g_assert_true (_tilebox_pb_read_varint (&reader, &field->bits, &error));
              break;
            case TILEBOX_PB_WIRE_FIXED64:
              g_assert_true (_tilebox_pb_read_fixed64 (&reader, &field->bits, &error));
              break;
            case TILEBOX_PB_WIRE_FIXED32:
              g_assert_true (_tilebox_pb_read_fixed32 (&reader, &bits32, &error));
              field->bits = bits32;
              break;
            case TILEBOX_PB_WIRE_LEN:
              g_assert_true (_tilebox_pb_read_bytes (&reader, &field->data, &field->len, &error));
              break;
            default:
              g_assert_not_reached ();
            }
        }
      g_assert_no_error (error);
      g_assert_cmpint (rc, ==, 0);
      g_array_append_val (rows, row);
    }
  return rows;
}

#define ROW(rows, i) (&g_array_index ((rows), TestRow, (i)))

/* Every datapoint the request selects, page after page. */
static GArray *
query_rows (Fixture               *f,
            TileboxPbQueryRequest *req)
{
  g_autoptr(GPtrArray) values = query_all (f, req, NULL, 0);

  return decode_rows (values);
}

/* The ids of the values are those of the rows for which keep[] is TRUE. */
static void
assert_selected (GPtrArray      *values,
                 GArray         *rows,
                 const gboolean *keep,
                 const char     *what)
{
  guint n = 0;

  for (guint i = 0; i < rows->len; i++)
    {
      ValueHead head;

      if (!keep[i])
        continue;
      if (n >= values->len)
        g_error ("%s: %u datapoints answered, more expected", what, values->len);
      decode_value_head (g_ptr_array_index (values, n), &head);
      if (memcmp (head.id.uuid, ROW (rows, i)->id, 16) != 0)
        g_error ("%s: datapoint %u of the answer is not the expected one", what, n);
      n++;
    }
  if (n != values->len)
    g_error ("%s: %u datapoints answered, %u expected", what, values->len, n);
}

typedef enum {
  TEST_DOUBLE,
  TEST_FLOAT,
  TEST_INT,    /* int64 */
  TEST_ENUM,   /* = and != only */
  TEST_UINT32,
  TEST_BOOL,
  TEST_STRING,
  TEST_TIME,
} TestKind;

static int
order_of (double a,
          double b)
{
  return a < b ? -1 : a > b;
}

/* The order of a row's field against a literal, as the test computes it
 * with plain C (the literals the tests use are exact in a double); FALSE
 * when the row lacks the field. */
static gboolean
test_order (const TestRow          *row,
            guint32                 number,
            TestKind                kind,
            const TileboxPbLiteral *literal,
            int                    *order)
{
  const TestField *field = &row->fields[number];
  double as_double = literal->kind == TILEBOX_PB_LITERAL_DOUBLE ? literal->d
                     : literal->kind == TILEBOX_PB_LITERAL_UINT ? (double) literal->u
                                                                : (double) literal->i;
  double d;
  float fl;
  guint32 low;
  gint64 v;
  int c;

  if (!field->present)
    return FALSE;
  switch (kind)
    {
    case TEST_DOUBLE:
      memcpy (&d, &field->bits, sizeof d);
      *order = order_of (d, as_double);
      break;
    case TEST_FLOAT:
      low = (guint32) field->bits;
      memcpy (&fl, &low, sizeof fl);
      *order = order_of (fl, as_double);
      break;
    case TEST_INT:
    case TEST_ENUM:
    case TEST_UINT32:
      v = kind != TEST_UINT32 ? (gint64) field->bits : (gint64) (guint32) field->bits;
      if (literal->kind == TILEBOX_PB_LITERAL_DOUBLE)
        *order = order_of ((double) v, literal->d);
      else
        {
          gint64 l = literal->kind == TILEBOX_PB_LITERAL_UINT ? (gint64) literal->u : literal->i;

          *order = v < l ? -1 : v > l;
        }
      break;
    case TEST_BOOL:
      *order = (field->bits != 0) == (literal->b != FALSE) ? 0 : 1;
      break;
    case TEST_STRING:
      c = memcmp (field->data, literal->s, MIN (field->len, strlen (literal->s)));
      if (c == 0)
        c = field->len < strlen (literal->s) ? -1 : field->len > strlen (literal->s);
      *order = c < 0 ? -1 : c > 0;
      break;
    case TEST_TIME:
      if (row->time.seconds != literal->time.seconds)
        *order = row->time.seconds < literal->time.seconds ? -1 : 1;
      else
        *order = row->time.nanos < literal->time.nanos ? -1 : row->time.nanos > literal->time.nanos;
      break;
    default:
      g_assert_not_reached ();
    }
  return TRUE;
}

static gboolean
test_holds (gint op,
            int  order)
{
  switch (op)
    {
    case OP_EQ: return order == 0;
    case OP_NE: return order != 0;
    case OP_LT: return order < 0;
    case OP_LE: return order <= 0;
    case OP_GT: return order > 0;
    case OP_GE: return order >= 0;
    default: g_assert_not_reached ();
    }
}

/* Each operator the field takes, compared with the literal: the server's
 * answer is what the test computes over all rows. */
static void
check_comparisons (Fixture                *f,
                   const TileboxPbId      *collections,
                   guint                   n,
                   GArray                 *rows,
                   const char             *field,
                   guint32                 number,
                   TestKind                kind,
                   const TileboxPbLiteral *literal)
{
  gboolean equality_only = kind == TEST_BOOL || kind == TEST_ENUM;
  g_autofree gboolean *keep = g_new0 (gboolean, rows->len);
  guint matched_some = 0;

  for (gint op = OP_EQ; op <= (equality_only ? OP_NE : OP_GE); op++)
    {
      g_auto(TileboxPbQueryRequest) req = { 0 };
      g_autoptr(GPtrArray) values = NULL;
      g_autofree char *what = g_strdup_printf ("%s %s (literal kind %d)", field, op_names[op], literal->kind);
      guint expected = 0;

      for (guint i = 0; i < rows->len; i++)
        {
          int order;

          keep[i] = test_order (ROW (rows, i), number, kind, literal, &order) && test_holds (op, order);
          expected += keep[i];
        }
      filter_request_init (&req, collections, n);
      filter_request_set (&req, cmp_literal (field, op, literal), NULL);
      values = query_all (f, &req, NULL, 0);
      assert_selected (values, rows, keep, what);
      g_test_message ("%s: %u of %u", what, expected, rows->len);
      if (expected > 0 && expected < rows->len)
        matched_some++;
    }
  /* the literal splits the rows for at least one operator */
  g_assert_cmpuint (matched_some, >, 0);
}

static GArray *
all_rows (Fixture           *f,
          const TileboxPbId *collections,
          guint              n)
{
  g_auto(TileboxPbQueryRequest) req = { 0 };

  filter_request_init (&req, collections, n);
  return query_rows (f, &req);
}

/* The first row that has the field. */
static const TestRow *
row_with (GArray *rows,
          guint32 number,
          guint   skip)
{
  for (guint i = 0; i < rows->len; i++)
    if (ROW (rows, i)->fields[number].present && skip-- == 0)
      return ROW (rows, i);
  g_assert_not_reached ();
}

static void
test_filter_comparisons (Fixture       *f,
                         gconstpointer  data)
{
  TileboxPbId weather[2] = {
    demo_collection (f, TILEBOX_DEMO_WEATHER_SLUG, "berlin"),
    demo_collection (f, TILEBOX_DEMO_WEATHER_SLUG, "munich"),
  };
  TileboxPbId s2[2] = {
    demo_collection (f, TILEBOX_DEMO_SENTINEL2_SLUG, "S2A_S2MSI2A"),
    demo_collection (f, TILEBOX_DEMO_SENTINEL2_SLUG, "S2C_S2MSI2A"),
  };
  g_autoptr(GArray) weather_rows = all_rows (f, weather, 2);
  g_autoptr(GArray) s2_rows = all_rows (f, s2, 2);
  TileboxPbLiteral literal = { 0 };
  const TestRow *row;
  double d;
  float fl;
  guint32 low;

  g_assert_cmpuint (weather_rows->len, ==, 750);
  g_assert_cmpuint (s2_rows->len, ==, 1200);

  /* weather: temperature (double) = field 5 */
  row = row_with (weather_rows, 5, 37);
  memcpy (&d, &row->fields[5].bits, sizeof d);
  literal = (TileboxPbLiteral) { .kind = TILEBOX_PB_LITERAL_DOUBLE, .d = d };
  check_comparisons (f, weather, 2, weather_rows, "temperature", 5, TEST_DOUBLE, &literal);
  literal = (TileboxPbLiteral) { .kind = TILEBOX_PB_LITERAL_INT, .i = -8 };
  check_comparisons (f, weather, 2, weather_rows, "temperature", 5, TEST_DOUBLE, &literal);
  /* humidity (float) = 6, absent in some rows */
  row = row_with (weather_rows, 6, 12);
  low = (guint32) row->fields[6].bits;
  memcpy (&fl, &low, sizeof fl);
  literal = (TileboxPbLiteral) { .kind = TILEBOX_PB_LITERAL_DOUBLE, .d = fl };
  check_comparisons (f, weather, 2, weather_rows, "humidity", 6, TEST_FLOAT, &literal);
  literal = (TileboxPbLiteral) { .kind = TILEBOX_PB_LITERAL_UINT, .u = 50 };
  check_comparisons (f, weather, 2, weather_rows, "humidity", 6, TEST_FLOAT, &literal);
  /* pressure (uint32) = 7, absent in some rows */
  row = row_with (weather_rows, 7, 3);
  literal = (TileboxPbLiteral) { .kind = TILEBOX_PB_LITERAL_UINT, .u = (guint32) row->fields[7].bits };
  check_comparisons (f, weather, 2, weather_rows, "pressure", 7, TEST_UINT32, &literal);
  literal = (TileboxPbLiteral) { .kind = TILEBOX_PB_LITERAL_INT, .i = 1010 };
  check_comparisons (f, weather, 2, weather_rows, "pressure", 7, TEST_UINT32, &literal);
  literal = (TileboxPbLiteral) { .kind = TILEBOX_PB_LITERAL_DOUBLE, .d = 1010.5 };
  check_comparisons (f, weather, 2, weather_rows, "pressure", 7, TEST_UINT32, &literal);
  /* station (string) = 4, byte-wise: "München" sorts after every "Berlin" */
  literal = (TileboxPbLiteral) { .kind = TILEBOX_PB_LITERAL_STRING, .s = (char *) "Berlin-Tegel" };
  check_comparisons (f, weather, 2, weather_rows, "station", 4, TEST_STRING, &literal);
  literal = (TileboxPbLiteral) { .kind = TILEBOX_PB_LITERAL_STRING, .s = (char *) "München-Flughafen" };
  check_comparisons (f, weather, 2, weather_rows, "station", 4, TEST_STRING, &literal);
  literal = (TileboxPbLiteral) { .kind = TILEBOX_PB_LITERAL_STRING, .s = (char *) "Berlin-T" };
  check_comparisons (f, weather, 2, weather_rows, "station", 4, TEST_STRING, &literal);
  /* rain (bool) = 8 */
  literal = (TileboxPbLiteral) { .kind = TILEBOX_PB_LITERAL_BOOL, .b = TRUE };
  check_comparisons (f, weather, 2, weather_rows, "rain", 8, TEST_BOOL, &literal);
  literal = (TileboxPbLiteral) { .kind = TILEBOX_PB_LITERAL_BOOL, .b = FALSE };
  check_comparisons (f, weather, 2, weather_rows, "rain", 8, TEST_BOOL, &literal);
  /* time (Timestamp) = 1, on a datapoint's instant and a nanosecond past it */
  row = ROW (weather_rows, 100);
  literal = (TileboxPbLiteral) { .kind = TILEBOX_PB_LITERAL_TIME, .time = row->time };
  check_comparisons (f, weather, 2, weather_rows, "time", 1, TEST_TIME, &literal);
  literal.time.nanos++;
  check_comparisons (f, weather, 2, weather_rows, "time", 1, TEST_TIME, &literal);

  /* Sentinel-2: orbit_number (int64) = 9 */
  row = row_with (s2_rows, 9, 500);
  literal = (TileboxPbLiteral) { .kind = TILEBOX_PB_LITERAL_INT, .i = (gint64) row->fields[9].bits };
  check_comparisons (f, s2, 2, s2_rows, "orbit_number", 9, TEST_INT, &literal);
  literal = (TileboxPbLiteral) { .kind = TILEBOX_PB_LITERAL_DOUBLE, .d = (double) row->fields[9].bits + 0.5 };
  check_comparisons (f, s2, 2, s2_rows, "orbit_number", 9, TEST_INT, &literal);
  /* processing_level (enum) = 6: these collections are all L2A (5) */
  {
    g_auto(TileboxPbQueryRequest) req = { 0 };
    g_autoptr(GPtrArray) values = NULL;

    filter_request_init (&req, s2, 2);
    filter_request_set (&req, cmp_int ("processing_level", OP_EQ, 5), NULL);
    values = query_all (f, &req, NULL, 0);
    g_assert_cmpuint (values->len, ==, s2_rows->len);
    filter_request_set (&req, cmp_int ("processing_level", OP_NE, 5), NULL);
    g_clear_pointer (&values, g_ptr_array_unref);
    values = query_all (f, &req, NULL, 0);
    g_assert_cmpuint (values->len, ==, 0);
  }
  {
    /* two levels: L1C (3) and L2A (5) in one query */
    TileboxPbId mixed[2] = { s2[0], demo_collection (f, TILEBOX_DEMO_SENTINEL2_SLUG, "S2B_S2MSI1C") };
    g_autoptr(GArray) mixed_rows = all_rows (f, mixed, 2);

    literal = (TileboxPbLiteral) { .kind = TILEBOX_PB_LITERAL_INT, .i = 3 };
    check_comparisons (f, mixed, 2, mixed_rows, "processing_level", 6, TEST_ENUM, &literal);
  }
  /* cloud_cover (double) = 8 */
  literal = (TileboxPbLiteral) { .kind = TILEBOX_PB_LITERAL_DOUBLE, .d = 50.0 };
  check_comparisons (f, s2, 2, s2_rows, "cloud_cover", 8, TEST_DOUBLE, &literal);
  /* granule_name (string) = 5 */
  row = row_with (s2_rows, 5, 600);
  {
    g_autofree char *granule = g_strndup ((const char *) row->fields[5].data, row->fields[5].len);

    literal = (TileboxPbLiteral) { .kind = TILEBOX_PB_LITERAL_STRING, .s = granule };
    check_comparisons (f, s2, 2, s2_rows, "granule_name", 5, TEST_STRING, &literal);
  }
  /* time */
  row = ROW (s2_rows, 700);
  literal = (TileboxPbLiteral) { .kind = TILEBOX_PB_LITERAL_TIME, .time = row->time };
  check_comparisons (f, s2, 2, s2_rows, "time", 1, TEST_TIME, &literal);
}

static double
row_float (const TestRow *row,
           guint32        number)
{
  guint32 low = (guint32) row->fields[number].bits;
  float fl;

  memcpy (&fl, &low, sizeof fl);
  return fl;
}

/* IS NULL, NOT, AND and OR over absent values: three-valued logic. */
static void
test_filter_null_logic (Fixture       *f,
                        gconstpointer  data)
{
  TileboxPbId weather[2] = {
    demo_collection (f, TILEBOX_DEMO_WEATHER_SLUG, "berlin"),
    demo_collection (f, TILEBOX_DEMO_WEATHER_SLUG, "munich"),
  };
  g_autoptr(GArray) rows = all_rows (f, weather, 2);
  g_autofree gboolean *keep = g_new0 (gboolean, rows->len);
  g_auto(TileboxPbQueryRequest) req = { 0 };
  guint absent = 0;

  filter_request_init (&req, weather, 2);

#define CHECK(what, predicate, ...) \
  G_STMT_START { \
    g_autoptr(GPtrArray) values = NULL; \
    for (guint i = 0; i < rows->len; i++) \
      { \
        const TestRow *row = ROW (rows, i); \
        gboolean has_h = row->fields[6].present, has_p = row->fields[7].present; \
        double h = has_h ? row_float (row, 6) : 0.0; \
        guint32 p = (guint32) row->fields[7].bits; \
        gboolean rain = row->fields[8].bits != 0; \
        (void) has_h; (void) has_p; (void) h; (void) p; (void) rain; \
        keep[i] = (predicate); \
      } \
    filter_request_set (&req, __VA_ARGS__, NULL); \
    values = query_all (f, &req, NULL, 0); \
    assert_selected (values, rows, keep, what); \
  } G_STMT_END

  for (guint i = 0; i < rows->len; i++)
    absent += !ROW (rows, i)->fields[6].present;
  /* every tenth reading of each station lacks humidity */
  g_assert_cmpuint (absent, ==, 50 + 25);

  CHECK ("humidity IS NULL", !has_h, is_null ("humidity"));
  CHECK ("NOT humidity IS NULL", has_h, NOT (is_null ("humidity")));
  CHECK ("pressure IS NULL", !has_p, is_null ("pressure"));
  CHECK ("humidity > 50", has_h && h > 50.0, cmp_double ("humidity", OP_GT, 50.0));
  /* NOT UNKNOWN is UNKNOWN: no reading without humidity */
  CHECK ("NOT (humidity > 50)", has_h && !(h > 50.0), NOT (cmp_double ("humidity", OP_GT, 50.0)));
  CHECK ("NOT NOT (humidity > 50)", has_h && h > 50.0, NOT (NOT (cmp_double ("humidity", OP_GT, 50.0))));
  /* TRUE OR UNKNOWN is TRUE */
  CHECK ("humidity > 50 OR rain", (has_h && h > 50.0) || rain,
         OR (cmp_double ("humidity", OP_GT, 50.0), cmp_bool ("rain", OP_EQ, TRUE)));
  CHECK ("NOT (humidity > 50 OR rain)", !rain && has_h && !(h > 50.0),
         NOT (OR (cmp_double ("humidity", OP_GT, 50.0), cmp_bool ("rain", OP_EQ, TRUE))));
  /* FALSE AND UNKNOWN is FALSE, so its negation holds */
  CHECK ("NOT (humidity > 50 AND rain)", !rain || (has_h && !(h > 50.0)),
         NOT (AND (cmp_double ("humidity", OP_GT, 50.0), cmp_bool ("rain", OP_EQ, TRUE))));
  CHECK ("humidity IS NULL OR pressure IS NULL", !has_h || !has_p,
         OR (is_null ("humidity"), is_null ("pressure")));
  CHECK ("humidity IS NULL AND pressure IS NULL", !has_h && !has_p,
         AND (is_null ("humidity"), is_null ("pressure")));
  CHECK ("one-operand AND and OR", has_p && p < 1000, AND (OR (cmp_int ("pressure", OP_LT, 1000))));
  /* several top-level expressions must all be TRUE */
  CHECK ("humidity >= 40, pressure < 1020", has_h && h >= 40.0 && has_p && p < 1020,
         cmp_int ("humidity", OP_GE, 40), cmp_uint ("pressure", OP_LT, 1020));
  CHECK ("humidity = NaN", FALSE, cmp_double ("humidity", OP_EQ, NAN));
  CHECK ("humidity != NaN", has_h, cmp_double ("humidity", OP_NE, NAN));
  CHECK ("humidity < infinity", has_h, cmp_double ("humidity", OP_LT, INFINITY));
#undef CHECK
}

/* Pages of a filtered query hold the page limit of matching datapoints
 * and continue after the last one. */
static void
test_filter_pagination (Fixture       *f,
                        gconstpointer  data)
{
  TileboxPbId weather[2] = {
    demo_collection (f, TILEBOX_DEMO_WEATHER_SLUG, "berlin"),
    demo_collection (f, TILEBOX_DEMO_WEATHER_SLUG, "munich"),
  };
  g_auto(TileboxPbQueryRequest) req = { 0 };
  g_autoptr(GPtrArray) one_page = NULL;
  g_autoptr(GPtrArray) paged = NULL;
  g_autoptr(GPtrArray) heads = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_bytes_hash, g_bytes_equal);
  guint n_pages = 0;

  filter_request_init (&req, weather, 2);
  filter_request_set (&req, AND (cmp_double ("humidity", OP_GT, 60.0), cmp_bool ("rain", OP_EQ, FALSE)), NULL);
  one_page = query_all (f, &req, &n_pages, 0);
  g_assert_cmpuint (n_pages, ==, 1);
  g_assert_cmpuint (one_page->len, >, 100);

  req.has_page = TRUE;
  req.page.has_limit = TRUE;
  req.page.limit = 7;
  paged = query_all (f, &req, &n_pages, 7);
  g_assert_cmpuint (n_pages, ==, (one_page->len + 6) / 7);
  g_assert_cmpuint (paged->len, ==, one_page->len);
  for (guint i = 0; i < paged->len; i++)
    {
      GBytes *value = g_ptr_array_index (paged, i);

      g_assert_true (g_bytes_equal (value, g_ptr_array_index (one_page, i)));
      g_assert_true (g_hash_table_add (seen, value));
    }

  /* skip_data: the same datapoints, filtered on their data, answered without it */
  req.skip_data = TRUE;
  heads = query_all (f, &req, &n_pages, 7);
  g_assert_cmpuint (heads->len, ==, one_page->len);
  for (guint i = 0; i < heads->len; i++)
    {
      ValueHead head, full;

      decode_value_head (g_ptr_array_index (heads, i), &head);
      decode_value_head (g_ptr_array_index (one_page, i), &full);
      g_assert_cmpuint (head.n_fields, ==, 3);
      g_assert_cmpmem (head.id.uuid, 16, full.id.uuid, 16);
    }

  /* a filter nothing passes: one empty page, no next */
  req.skip_data = FALSE;
  req.has_page = FALSE;
  filter_request_set (&req, cmp_double ("temperature", OP_GT, 1000.0), NULL);
  {
    g_auto(TileboxPbQueryResultPage) page = { 0 };

    query_page (f, &req, &page);
    g_assert_cmpuint (page.values->len, ==, 0);
    g_assert_false (page.has_next_page);
  }
}

/* Posts the request and checks it is refused as invalid_argument with a
 * message holding `part`. */
static void
assert_filter_refused (Fixture               *f,
                       TileboxPbQueryRequest *req,
                       guint                  status,
                       const char            *code,
                       const char            *part)
{
  g_autoptr(Response) response = query_raw (f, "", req);
  g_autofree char *message = assert_connect_error (response, status, code);

  if (strstr (message, part) == NULL)
    g_error ("the message “%s” does not say “%s”", message, part);
  g_test_message ("refused: %s", message);
}

static void
assert_filter_accepted (Fixture               *f,
                        TileboxPbQueryRequest *req)
{
  g_autoptr(Response) response = query_raw (f, "", req);

  assert_ok (response);
}

#define REFUSED(req, part, ...) \
  G_STMT_START { \
    filter_request_set ((req), __VA_ARGS__, NULL); \
    assert_filter_refused (f, (req), 400, "invalid_argument", (part)); \
  } G_STMT_END

#define ACCEPTED(req, ...) \
  G_STMT_START { \
    filter_request_set ((req), __VA_ARGS__, NULL); \
    assert_filter_accepted (f, (req)); \
  } G_STMT_END

static void
test_filter_validation (Fixture       *f,
                        gconstpointer  data)
{
  TileboxPbId berlin = demo_collection (f, TILEBOX_DEMO_WEATHER_SLUG, "berlin");
  TileboxPbId s2 = demo_collection (f, TILEBOX_DEMO_SENTINEL2_SLUG, "S2C_S2MSI2A");
  g_auto(TileboxPbQueryRequest) req = { 0 };
  g_auto(TileboxPbQueryRequest) s2_req = { 0 };

  filter_request_init (&req, &berlin, 1);
  filter_request_init (&s2_req, &s2, 1);

  /* 64 top-level expressions, not 65 */
  g_ptr_array_set_size (req.filters.expressions, 0);
  for (guint i = 0; i < 64; i++)
    g_ptr_array_add (req.filters.expressions, cmp_double ("temperature", OP_GT, -100.0 + i));
  assert_filter_accepted (f, &req);
  g_ptr_array_add (req.filters.expressions, is_null ("humidity"));
  assert_filter_refused (f, &req, 400, "invalid_argument", "at most 64 filter expressions");

  /* 256 nodes in all, not 257: an OR of 255 comparisons, then 256 */
  {
    TileboxPbExpression *or = OR (cmp_int ("pressure", OP_EQ, 0));

    for (guint i = 1; i < 255; i++)
      g_ptr_array_add (or->operands, cmp_int ("pressure", OP_EQ, i));
    ACCEPTED (&req, or);
    g_ptr_array_add (or->operands, is_null ("pressure"));
    assert_filter_refused (f, &req, 400, "invalid_argument", "more than 256 nodes");
  }
  /* the nodes of all top-level expressions count together */
  {
    TileboxPbExpression *first = OR (is_null ("pressure"));
    TileboxPbExpression *second = OR (is_null ("pressure"));

    for (guint i = 1; i < 128; i++)
      {
        g_ptr_array_add (first->operands, is_null ("pressure"));
        g_ptr_array_add (second->operands, is_null ("pressure"));
      }
    REFUSED (&req, "more than 256 nodes", first, second);
  }

  /* depth 8, not 9: a lone comparison has depth 1 */
  {
    TileboxPbExpression *e = cmp_double ("temperature", OP_LT, 0.0);

    for (guint i = 1; i < 8; i++)
      e = i % 2 ? NOT (e) : AND (e, is_null ("humidity"));
    ACCEPTED (&req, e);
    e = cmp_double ("temperature", OP_LT, 0.0);
    for (guint i = 1; i < 9; i++)
      e = NOT (e);
    REFUSED (&req, "deeper than 8 levels", e);
  }

  /* fields: unknown, not queryable, repeated */
  REFUSED (&req, "“wind”", cmp_double ("wind", OP_GT, 1.0));
  REFUSED (&req, "names no field", cmp_double ("", OP_GT, 1.0));
  REFUSED (&req, "not queryable", cmp_string ("tags", OP_EQ, "rain"));
  REFUSED (&req, "not queryable", is_null ("tags"));
  REFUSED (&req, "not queryable", is_null ("ingestion_time"));
  REFUSED (&s2_req, "not queryable", cmp_int ("flight_direction", OP_EQ, 1));
  REFUSED (&s2_req, "not queryable", NOT (is_null ("geometry")));
  /* deep inside too */
  REFUSED (&req, "“wind”", OR (is_null ("humidity"), NOT (AND (is_null ("pressure"), is_null ("wind")))));

  /* literals that do not fit the field */
  REFUSED (&req, "cannot be compared with a string literal", cmp_string ("temperature", OP_GT, "1"));
  REFUSED (&req, "cannot be compared with a bool literal", cmp_bool ("pressure", OP_EQ, TRUE));
  REFUSED (&req, "cannot be compared with an int literal", cmp_int ("station", OP_EQ, 1));
  REFUSED (&req, "cannot be compared with an int literal", cmp_int ("rain", OP_EQ, 1));
  REFUSED (&req, "cannot be compared with an int literal", cmp_int ("time", OP_GT, 0));
  REFUSED (&req, "cannot be compared with a bytes literal", cmp_bytes ("station", OP_EQ, "a", 1));
  REFUSED (&s2_req, "cannot be compared with a uint literal", cmp_uint ("processing_level", OP_EQ, 3));
  REFUSED (&s2_req, "cannot be compared with a double literal", cmp_double ("processing_level", OP_EQ, 3));
  {
    TileboxPbExpression *e = cmp_new ("station", OP_EQ);

    e->value.kind = TILEBOX_PB_LITERAL_TIME;
    REFUSED (&req, "cannot be compared with a time literal", e);
  }

  /* operators the type does not take */
  REFUSED (&req, "only be compared with = or !=", cmp_bool ("rain", OP_LT, TRUE));
  REFUSED (&req, "only be compared with = or !=", cmp_bool ("rain", OP_GE, FALSE));
  REFUSED (&s2_req, "only be compared with = or !=", cmp_int ("processing_level", OP_GT, 3));
  ACCEPTED (&s2_req, cmp_int ("processing_level", OP_NE, 3));

  /* malformed nodes */
  REFUSED (&req, "has no value", cmp_new ("temperature", OP_GT));
  REFUSED (&req, "unknown operator 7", cmp_double ("temperature", 7, 1.0));
  REFUSED (&req, "has no operator", cmp_double ("temperature", 0, 1.0));
  REFUSED (&req, "NOT expression has no operand", logic (TILEBOX_PB_EXPRESSION_NOT, NULL));
  REFUSED (&req, "AND expression has no operands", logic (TILEBOX_PB_EXPRESSION_AND, NULL));
  REFUSED (&req, "OR expression has no operands", logic (TILEBOX_PB_EXPRESSION_OR, NULL));
  REFUSED (&req, "is empty", _tilebox_pb_expression_new (TILEBOX_PB_EXPRESSION_NONE));
  REFUSED (&req, "is empty", AND (is_null ("humidity"), _tilebox_pb_expression_new (TILEBOX_PB_EXPRESSION_NONE)));

  /* checked even when the interval selects nothing */
  req.filters.time_interval.has_end = TRUE;
  req.filters.time_interval.end = req.filters.time_interval.start;
  req.filters.time_interval.has_start = TRUE;
  REFUSED (&req, "not queryable", is_null ("tags"));
}

/* A datapoint id for a time: the time's 48 bits, then a filler. */
static void
make_datapoint_id (gint64  time_ms,
                   guint8  filler,
                   guint8  id[16])
{
  for (guint b = 0; b < 6; b++)
    id[b] = (guint8) ((guint64) time_ms >> (8 * (5 - b)));
  memset (id + 6, filler, 10);
}

/* Stores datapoints (serialized messages without id or ingestion_time)
 * at base_ms, base_ms + 1, ... in the collection. */
static void
store_datapoints (Fixture           *f,
                  const TileboxPbId *collection,
                  gint64             base_ms,
                  GByteArray       **messages,
                  guint              n)
{
  g_autofree TileboxStoreDatapoint *dps = g_new0 (TileboxStoreDatapoint, n);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n; i++)
    {
      dps[i].time_ms = base_ms + i;
      dps[i].ingestion_time_ns = (base_ms + i) * MS_NS;
      make_datapoint_id (base_ms + i, (guint8) (0x10 + i), dps[i].id);
      dps[i].data = g_bytes_new (messages[i]->data, messages[i]->len);
    }
  _tilebox_server_lock (f->server);
  g_assert_true (_tilebox_store_insert_datapoints (_tilebox_server_get_store (f->server), collection->uuid,
                                                   dps, n, FALSE, NULL, NULL, &error));
  _tilebox_server_unlock (f->server);
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    g_bytes_unref (dps[i].data);
}

/* Which of the n stored datapoints (by their filler) the values are. */
static guint
selected_mask (GPtrArray *values)
{
  guint mask = 0;

  for (guint i = 0; i < values->len; i++)
    {
      ValueHead head;

      decode_value_head (g_ptr_array_index (values, i), &head);
      g_assert_cmpuint (head.id.uuid[6], >=, 0x10);
      mask |= 1u << (head.id.uuid[6] - 0x10);
    }
  return mask;
}

static guint
query_mask (Fixture               *f,
            TileboxPbQueryRequest *req)
{
  g_autoptr(GPtrArray) values = query_all (f, req, NULL, 0);

  return selected_mask (values);
}

#define SELECTS(req, mask, ...) \
  G_STMT_START { \
    filter_request_set ((req), __VA_ARGS__, NULL); \
    g_assert_cmphex (query_mask (f, (req)), ==, (mask)); \
  } G_STMT_END

static TileboxPbField *
typed_field (const char *name,
             gint        type,
             gboolean    repeated,
             const char *type_name,
             gboolean    queryable)
{
  TileboxPbField *field = g_new0 (TileboxPbField, 1);

  field->descriptor = field_descriptor (name, type, repeated, type_name);
  field->has_annotation = TRUE;
  field->annotation.description = g_strdup (name);
  field->annotation.example_value = g_strdup ("");
  field->annotation.queryable = queryable;
  return field;
}

/* A new collection of a new dataset with the given fields. */
static TileboxPbId
create_typed_collection (Fixture    *f,
                         const char *code_name,
                         gint        kind,
                         GPtrArray  *fields)
{
  g_autoptr(GByteArray) request = g_byte_array_new ();
  TileboxPbCreateDatasetRequest req = { 0 };
  g_autoptr(Response) created = NULL;
  g_autoptr(Response) collection = NULL;
  TileboxPbDataset dataset = { 0 };
  TileboxPbCollectionInfo info = { 0 };
  g_autoptr(GError) error = NULL;
  TileboxPbId id;

  req.name = (char *) code_name;
  req.code_name = (char *) code_name;
  req.has_type = TRUE;
  req.type.kind = kind;
  req.type.fields = fields;
  _tilebox_pb_create_dataset_request_encode (&req, request);
  created = post_proto (f, DATASET_SERVICE "CreateDataset", request);
  assert_ok (created);
  _tilebox_pb_decode_bytes (dataset, &dataset, created->body, &error);
  g_assert_no_error (error);
  collection = create_collection_raw (f, &dataset.id, "c");
  assert_ok (collection);
  _tilebox_pb_decode_bytes (collection_info, &info, collection->body, &error);
  g_assert_no_error (error);
  id = info.id;
  _tilebox_pb_collection_info_clear (&info);
  _tilebox_pb_dataset_clear (&dataset);
  return id;
}

static void
write_instant (GByteArray *out,
               guint32     field,
               gboolean    with_seconds,
               gint64      seconds,
               gboolean    with_nanos,
               gint32      nanos)
{
  g_autoptr(GByteArray) sub = g_byte_array_new ();

  if (with_seconds)
    _tilebox_pb_write_varint (sub, 1, (guint64) seconds);
  if (with_nanos)
    _tilebox_pb_write_varint (sub, 2, (guint64) (gint64) nanos);
  _tilebox_pb_write_message (out, field, sub);
}

/* Every scalar and well-known type a filter compares, on datapoints made
 * to reach the edges: sign extension, zigzag, values past 2^63, repeated
 * occurrences, explicit zeros, merged submessages. */
static void
test_filter_types (Fixture       *f,
                   gconstpointer  data)
{
  static const guint8 uuid_a[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
  static const guint8 uuid_b[16] = { 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1 };
  GPtrArray *fields = g_ptr_array_new_with_free_func (_tilebox_pb_field_free);
  GByteArray *rows[4];
  g_auto(TileboxPbQueryRequest) req = { 0 };
  gint64 base_ms = DEMO_START_MS + 777;
  TileboxPbId collection;
  TileboxPbTimestamp time;
  TileboxPbId id = { TRUE, { 0 } };

  /* numbered from 5: time, id, ingestion_time and geometry come first */
  g_ptr_array_add (fields, typed_field ("small", TILEBOX_DESC_TYPE_INT32, FALSE, NULL, TRUE));         /* 5 */
  g_ptr_array_add (fields, typed_field ("big", TILEBOX_DESC_TYPE_UINT64, FALSE, NULL, TRUE));           /* 6 */
  g_ptr_array_add (fields, typed_field ("delta", TILEBOX_DESC_TYPE_SINT32, FALSE, NULL, TRUE));         /* 7 */
  g_ptr_array_add (fields, typed_field ("offset", TILEBOX_DESC_TYPE_SINT64, FALSE, NULL, TRUE));        /* 8 */
  g_ptr_array_add (fields, typed_field ("f32", TILEBOX_DESC_TYPE_FIXED32, FALSE, NULL, TRUE));          /* 9 */
  g_ptr_array_add (fields, typed_field ("sf64", TILEBOX_DESC_TYPE_SFIXED64, FALSE, NULL, TRUE));        /* 10 */
  g_ptr_array_add (fields, typed_field ("ratio", TILEBOX_DESC_TYPE_FLOAT, FALSE, NULL, TRUE));          /* 11 */
  g_ptr_array_add (fields, typed_field ("blob", TILEBOX_DESC_TYPE_BYTES, FALSE, NULL, TRUE));           /* 12 */
  g_ptr_array_add (fields, typed_field ("span", TILEBOX_DESC_TYPE_MESSAGE, FALSE,
                                        ".google.protobuf.Duration", TRUE));                           /* 13 */
  g_ptr_array_add (fields, typed_field ("ref", TILEBOX_DESC_TYPE_MESSAGE, FALSE, ".datasets.v1.UUID", TRUE)); /* 14 */
  g_ptr_array_add (fields, typed_field ("position", TILEBOX_DESC_TYPE_MESSAGE, FALSE,
                                        ".datasets.v1.Vec3", TRUE));                                   /* 15 */
  g_ptr_array_add (fields, typed_field ("readings", TILEBOX_DESC_TYPE_DOUBLE, TRUE, NULL, TRUE));       /* 16 */
  g_ptr_array_add (fields, typed_field ("flag", TILEBOX_DESC_TYPE_BOOL, FALSE, NULL, TRUE));            /* 17 */
  g_ptr_array_add (fields, typed_field ("hidden", TILEBOX_DESC_TYPE_INT64, FALSE, NULL, FALSE));        /* 18 */
  g_ptr_array_add (fields, typed_field ("geometry", TILEBOX_DESC_TYPE_MESSAGE, FALSE,
                                        ".datasets.v1.Geometry", TRUE));                               /* 4 */
  g_ptr_array_add (fields, typed_field ("time", TILEBOX_DESC_TYPE_MESSAGE, FALSE,
                                        ".google.protobuf.Timestamp", TRUE));                          /* 1 */
  collection = create_typed_collection (f, "typed", TILEBOX_DATASET_KIND_SPATIOTEMPORAL, fields);
  g_ptr_array_unref (fields);

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      rows[i] = g_byte_array_new ();
      time.seconds = (base_ms + i) / 1000;
      time.nanos = (gint32) ((base_ms + i) % 1000) * 1000000;
      _tilebox_pb_write_timestamp (rows[i], 1, &time);
    }
  /* row 0: negatives and the largest */
  _tilebox_pb_write_varint (rows[0], 5, (guint64) (gint64) -5);
  _tilebox_pb_write_varint (rows[0], 6, G_GUINT64_CONSTANT (9223372036854775813));
  _tilebox_pb_write_sint (rows[0], 7, -3);
  _tilebox_pb_write_sint (rows[0], 8, G_GINT64_CONSTANT (-6000000000));
  _tilebox_pb_write_fixed32 (rows[0], 9, 4000000000u);
  _tilebox_pb_write_fixed64 (rows[0], 10, (guint64) (gint64) -7);
  _tilebox_pb_write_float (rows[0], 11, 0.5f);
  _tilebox_pb_write_bytes (rows[0], 12, (const guint8 *) "\0\1", 2);
  write_instant (rows[0], 13, TRUE, -1, TRUE, -500000000);
  memcpy (id.uuid, uuid_a, 16);
  _tilebox_pb_write_id (rows[0], 14, &id);
  _tilebox_pb_write_double (rows[0], 16, 1.0);
  _tilebox_pb_write_bool (rows[0], 17, TRUE);
  _tilebox_pb_write_varint (rows[0], 18, 1);
  /* row 1: zeros on the wire count (explicit presence); the last big wins */
  _tilebox_pb_write_varint (rows[1], 5, 0);
  _tilebox_pb_write_varint (rows[1], 6, 1);
  _tilebox_pb_write_sint (rows[1], 7, 3);
  _tilebox_pb_write_sint (rows[1], 8, 5);
  _tilebox_pb_write_fixed32 (rows[1], 9, 1);
  _tilebox_pb_write_fixed64 (rows[1], 10, 7);
  _tilebox_pb_write_float (rows[1], 11, 0.25f);
  _tilebox_pb_write_bytes (rows[1], 12, (const guint8 *) "\0\2", 2);
  write_instant (rows[1], 13, TRUE, 1, TRUE, 500000000);
  memcpy (id.uuid, uuid_b, 16);
  _tilebox_pb_write_id (rows[1], 14, &id);
  _tilebox_pb_write_bool (rows[1], 17, FALSE);
  _tilebox_pb_write_varint (rows[1], 6, 2);
  /* row 2: nothing but its time */
  /* row 3: a Duration given twice merges field by field; an empty blob */
  _tilebox_pb_write_varint (rows[3], 5, 100);
  write_instant (rows[3], 13, TRUE, 5, FALSE, 0);
  write_instant (rows[3], 13, FALSE, 0, TRUE, 7);
  _tilebox_pb_write_bytes (rows[3], 12, NULL, 0);
  store_datapoints (f, &collection, base_ms, rows, G_N_ELEMENTS (rows));
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    g_byte_array_unref (rows[i]);

  filter_request_init (&req, &collection, 1);
  g_assert_cmphex (query_mask (f, &req), ==, 0xf);

  /* int32: sign-extended varints */
  SELECTS (&req, 0x1, cmp_int ("small", OP_LT, 0));
  SELECTS (&req, 0x2, cmp_int ("small", OP_EQ, 0));
  SELECTS (&req, 0x4, is_null ("small"));
  SELECTS (&req, 0xa, cmp_uint ("small", OP_GE, 0));
  SELECTS (&req, 0x1, cmp_double ("small", OP_EQ, -5.0));
  SELECTS (&req, 0x3, cmp_double ("small", OP_LT, 0.5));
  /* uint64 past 2^63, compared exactly with every literal kind */
  SELECTS (&req, 0x1, cmp_uint ("big", OP_GT, G_GUINT64_CONSTANT (9223372036854775807)));
  SELECTS (&req, 0x1, cmp_uint ("big", OP_EQ, G_GUINT64_CONSTANT (9223372036854775813)));
  SELECTS (&req, 0x3, cmp_int ("big", OP_GT, -1));
  SELECTS (&req, 0x1, cmp_int ("big", OP_GT, G_MAXINT64));
  SELECTS (&req, 0x0, cmp_int ("big", OP_EQ, 1));
  SELECTS (&req, 0x2, cmp_int ("big", OP_EQ, 2));
  SELECTS (&req, 0x1, cmp_double ("big", OP_GT, 9223372036854775808.0));
  SELECTS (&req, 0x0, cmp_double ("big", OP_EQ, 9223372036854775808.0));
  SELECTS (&req, 0x3, cmp_double ("big", OP_LT, 1e19));
  /* sint32, sint64: zigzag */
  SELECTS (&req, 0x1, cmp_int ("delta", OP_EQ, -3));
  SELECTS (&req, 0x2, cmp_int ("delta", OP_GT, 0));
  SELECTS (&req, 0x1, cmp_int ("offset", OP_LT, G_GINT64_CONSTANT (-5000000000)));
  SELECTS (&req, 0x2, cmp_uint ("offset", OP_EQ, 5));
  /* fixed32 as unsigned, sfixed64 as signed */
  SELECTS (&req, 0x1, cmp_uint ("f32", OP_GE, 4000000000u));
  SELECTS (&req, 0x3, cmp_int ("f32", OP_GT, -1));
  SELECTS (&req, 0x1, cmp_int ("sf64", OP_EQ, -7));
  SELECTS (&req, 0x2, cmp_double ("sf64", OP_GT, 6.5));
  /* float */
  SELECTS (&req, 0x1, cmp_double ("ratio", OP_EQ, 0.5));
  SELECTS (&req, 0x2, cmp_double ("ratio", OP_LT, 0.3));
  SELECTS (&req, 0x0, cmp_int ("ratio", OP_GE, 1));
  /* bytes: = and != only; an empty value is a value */
  SELECTS (&req, 0x1, cmp_bytes ("blob", OP_EQ, "\0\1", 2));
  SELECTS (&req, 0xa, cmp_bytes ("blob", OP_NE, "\0\1", 2));
  SELECTS (&req, 0x8, cmp_bytes ("blob", OP_EQ, "", 0));
  SELECTS (&req, 0x4, is_null ("blob"));
  /* Duration against nanoseconds: -1.5 s, 1.5 s, and 5 s + 7 ns merged */
  SELECTS (&req, 0x1, cmp_int ("span", OP_LT, -1));
  SELECTS (&req, 0x1, cmp_int ("span", OP_EQ, G_GINT64_CONSTANT (-1500000000)));
  SELECTS (&req, 0x2, cmp_int ("span", OP_EQ, G_GINT64_CONSTANT (1500000000)));
  SELECTS (&req, 0x8, cmp_int ("span", OP_EQ, G_GINT64_CONSTANT (5000000007)));
  SELECTS (&req, 0xa, cmp_int ("span", OP_GT, 0));
  SELECTS (&req, 0x8, cmp_int ("span", OP_GE, G_GINT64_CONSTANT (5000000007)));
  SELECTS (&req, 0x0, cmp_int ("span", OP_GT, G_GINT64_CONSTANT (5000000007)));
  /* UUID */
  SELECTS (&req, 0x1, cmp_bytes ("ref", OP_EQ, uuid_a, 16));
  SELECTS (&req, 0x2, cmp_bytes ("ref", OP_NE, uuid_a, 16));
  SELECTS (&req, 0xc, is_null ("ref"));
  /* bool: an explicit false is there */
  SELECTS (&req, 0x1, cmp_bool ("flag", OP_EQ, TRUE));
  SELECTS (&req, 0x2, cmp_bool ("flag", OP_EQ, FALSE));
  SELECTS (&req, 0x2, cmp_bool ("flag", OP_NE, TRUE));
  SELECTS (&req, 0xc, is_null ("flag"));
  /* time, on the datapoints' own instants */
  time.seconds = (base_ms + 2) / 1000;
  time.nanos = (gint32) ((base_ms + 2) % 1000) * 1000000;
  {
    TileboxPbExpression *e = cmp_new ("time", OP_LT);

    e->value.kind = TILEBOX_PB_LITERAL_TIME;
    e->value.time = time;
    SELECTS (&req, 0x3, e);
  }

  /* what the types do not allow */
  REFUSED (&req, "cannot be filtered on", cmp_double ("position", OP_EQ, 1.0));
  REFUSED (&req, "cannot be filtered on", is_null ("position"));
  REFUSED (&req, "(repeated double) cannot be filtered on", cmp_double ("readings", OP_EQ, 1.0));
  REFUSED (&req, "spatial filter", is_null ("geometry"));
  REFUSED (&req, "not queryable", cmp_int ("hidden", OP_EQ, 1));
  REFUSED (&req, "16 bytes, not 15", cmp_bytes ("ref", OP_EQ, uuid_a, 15));
  REFUSED (&req, "only be compared with = or !=", cmp_bytes ("ref", OP_LT, uuid_a, 16));
  REFUSED (&req, "only be compared with = or !=", cmp_bytes ("blob", OP_GT, "", 0));
  REFUSED (&req, "cannot be compared with a double literal", cmp_double ("span", OP_GT, 1.0));
  REFUSED (&req, "cannot be compared with a uint literal", cmp_uint ("span", OP_GT, 1));
  REFUSED (&req, "cannot be compared with a string literal", cmp_string ("big", OP_GT, "1"));

  /* a stored value of the wrong wire type is data loss, not a guess */
  {
    GByteArray *damaged = g_byte_array_new ();

    time.seconds = (base_ms + 10) / 1000;
    time.nanos = (gint32) ((base_ms + 10) % 1000) * 1000000;
    _tilebox_pb_write_timestamp (damaged, 1, &time);
    _tilebox_pb_write_string (damaged, 5, "five");
    store_datapoints (f, &collection, base_ms + 10, &damaged, 1);
    g_byte_array_unref (damaged);
    filter_request_set (&req, cmp_int ("small", OP_LT, 0), NULL);
    assert_filter_refused (f, &req, 500, "data_loss", "small has the wrong wire type");
    /* a filter that does not read the field passes over it */
    filter_request_set (&req, cmp_int ("delta", OP_EQ, -3), NULL);
    g_assert_cmphex (query_mask (f, &req), ==, 0x1);
  }
}

/* Fields of a proto3 message, with the presence protobuf gives them:
 * implicit (a zero is no value), proto3 optional, and a oneof. */
static GBytes *
presence_descriptor_set (void)
{
  static const struct {
    const char *name;
    gint type;
    const char *type_name;
    gint oneof_index; /* -1: none */
    gboolean proto3_optional;
  } fields[] = {
    { "time", TILEBOX_DESC_TYPE_MESSAGE, ".google.protobuf.Timestamp", -1, FALSE },
    { "id", TILEBOX_DESC_TYPE_MESSAGE, ".datasets.v1.UUID", -1, FALSE },
    { "ingestion_time", TILEBOX_DESC_TYPE_MESSAGE, ".google.protobuf.Timestamp", -1, FALSE },
    { "plain", TILEBOX_DESC_TYPE_INT64, NULL, -1, FALSE },
    { "opt", TILEBOX_DESC_TYPE_INT64, NULL, 0, TRUE },
    { "a", TILEBOX_DESC_TYPE_STRING, NULL, 1, FALSE },
    { "b", TILEBOX_DESC_TYPE_INT64, NULL, 1, FALSE },
    { "name", TILEBOX_DESC_TYPE_STRING, NULL, -1, FALSE },
  };
  g_autoptr(GByteArray) message = g_byte_array_new ();
  g_autoptr(GByteArray) file = g_byte_array_new ();
  GByteArray *set = g_byte_array_new ();

  _tilebox_pb_write_string (message, 1, "Presence");
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autoptr(GByteArray) field = g_byte_array_new ();

      _tilebox_pb_write_string (field, 1, fields[i].name);
      _tilebox_pb_write_varint (field, 3, i + 1);
      _tilebox_pb_write_varint (field, 4, TILEBOX_DESC_LABEL_OPTIONAL);
      _tilebox_pb_write_varint (field, 5, fields[i].type);
      if (fields[i].type_name != NULL)
        _tilebox_pb_write_string (field, 6, fields[i].type_name);
      if (fields[i].oneof_index >= 0)
        _tilebox_pb_write_varint (field, 9, fields[i].oneof_index);
      if (fields[i].proto3_optional)
        _tilebox_pb_write_bool (field, 17, TRUE);
      _tilebox_pb_write_message (message, 2, field);
    }
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GByteArray) oneof = g_byte_array_new ();

      _tilebox_pb_write_string (oneof, 1, i == 0 ? "_opt" : "choice");
      _tilebox_pb_write_message (message, 8, oneof);
    }
  _tilebox_pb_write_string (file, 1, "test/presence.proto");
  _tilebox_pb_write_string (file, 2, "test");
  _tilebox_pb_write_string (file, 3, "google/protobuf/timestamp.proto");
  _tilebox_pb_write_message (file, 4, message);
  _tilebox_pb_write_string (file, 12, "proto3");
  _tilebox_pb_write_message (set, 1, file);
  return g_byte_array_free_to_bytes (set);
}

static void
test_filter_presence (Fixture       *f,
                      gconstpointer  data)
{
  TileboxPbDataset dataset = { 0 };
  TileboxPbId collection = { TRUE, { 0 } };
  TileboxPbCollectionInfo *info;
  g_auto(TileboxPbQueryRequest) req = { 0 };
  GByteArray *rows[3];
  g_autoptr(GError) error = NULL;
  gint64 base_ms = DEMO_START_MS + 4242;

  dataset.id.set = TRUE;
  _tilebox_store_new_uuid (dataset.id.uuid);
  _tilebox_store_new_uuid (collection.uuid);
  dataset.has_type = TRUE;
  dataset.type.descriptor_set = presence_descriptor_set ();
  dataset.type.type_url = g_strdup ("test.Presence");
  dataset.type.kind = TILEBOX_DATASET_KIND_TEMPORAL;
  dataset.type.field_annotations = g_ptr_array_new_with_free_func (_tilebox_pb_field_annotation_free);
  for (guint i = 0; i < 8; i++)
    {
      TileboxPbFieldAnnotation *annotation = g_new0 (TileboxPbFieldAnnotation, 1);

      annotation->description = g_strdup ("");
      annotation->example_value = g_strdup ("");
      annotation->queryable = TRUE;
      g_ptr_array_add (dataset.type.field_annotations, annotation);
    }
  dataset.code_name = g_strdup ("presence");
  dataset.name = g_strdup ("Presence");
  dataset.summary = g_strdup ("");
  dataset.icon = g_strdup ("");
  dataset.description = g_strdup ("");
  dataset.permissions = g_array_new (FALSE, FALSE, sizeof (gint));
  dataset.visibility = TILEBOX_VISIBILITY_PUBLIC;
  dataset.slug = g_strdup ("test.presence");
  _tilebox_server_lock (f->server);
  g_assert_true (_tilebox_store_insert_dataset (_tilebox_server_get_store (f->server), &dataset, &error));
  info = _tilebox_store_insert_collection (_tilebox_server_get_store (f->server), dataset.id.uuid,
                                           collection.uuid, "c", &error);
  _tilebox_server_unlock (f->server);
  g_assert_no_error (error);
  g_assert_nonnull (info);
  _tilebox_pb_collection_info_free (info);
  _tilebox_pb_dataset_clear (&dataset);

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    rows[i] = g_byte_array_new ();
  /* row 0: zeros everywhere; a then b: b is the oneof's value */
  _tilebox_pb_write_varint (rows[0], 4, 0);
  _tilebox_pb_write_varint (rows[0], 5, 0);
  _tilebox_pb_write_string (rows[0], 6, "x");
  _tilebox_pb_write_varint (rows[0], 7, 3);
  _tilebox_pb_write_string (rows[0], 8, "");
  /* row 1: values; only a of the oneof (the server answers fields in
   * number order, so a member of a lower number cannot come last) */
  _tilebox_pb_write_varint (rows[1], 4, 5);
  _tilebox_pb_write_string (rows[1], 6, "y");
  _tilebox_pb_write_string (rows[1], 8, "n");
  /* row 2: nothing */
  store_datapoints (f, &collection, base_ms, rows, G_N_ELEMENTS (rows));
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    g_byte_array_unref (rows[i]);

  filter_request_init (&req, &collection, 1);
  SELECTS (&req, 0x7, NOT (is_null ("time")));
  /* implicit presence: a zero is no value */
  SELECTS (&req, 0x5, is_null ("plain"));
  SELECTS (&req, 0x0, cmp_int ("plain", OP_EQ, 0));
  SELECTS (&req, 0x2, cmp_int ("plain", OP_GE, 0));
  SELECTS (&req, 0x5, is_null ("name"));
  SELECTS (&req, 0x2, cmp_string ("name", OP_GE, ""));
  /* proto3 optional: explicit */
  SELECTS (&req, 0x6, is_null ("opt"));
  SELECTS (&req, 0x1, cmp_int ("opt", OP_EQ, 0));
  /* a oneof: the member seen last */
  SELECTS (&req, 0x5, is_null ("a"));
  SELECTS (&req, 0x6, is_null ("b"));
  SELECTS (&req, 0x0, cmp_string ("a", OP_EQ, "x"));
  SELECTS (&req, 0x2, cmp_string ("a", OP_EQ, "y"));
  SELECTS (&req, 0x1, cmp_int ("b", OP_EQ, 3));
  SELECTS (&req, 0x1, cmp_int ("b", OP_GT, 0));
  SELECTS (&req, 0x4, AND (is_null ("a"), is_null ("b")));
}

static void
put_le32 (GByteArray *out,
          guint32     v)
{
  guint32 le = GUINT32_TO_LE (v);

  g_byte_array_append (out, (const guint8 *) &le, 4);
}

static void
put_le_double (GByteArray *out,
               double      v)
{
  guint64 bits;

  memcpy (&bits, &v, 8);
  bits = GUINT64_TO_LE (bits);
  g_byte_array_append (out, (const guint8 *) &bits, 8);
}

/* A little-endian WKB polygon of one ring (closed by the caller), as EWKB
 * with SRID 4326 when with_srid. */
static GBytes *
polygon_wkb (const double *xy,
             guint         n_points,
             gboolean      with_srid)
{
  GByteArray *wkb = g_byte_array_new ();
  const guint8 little_endian = 1;

  g_byte_array_append (wkb, &little_endian, 1);
  put_le32 (wkb, with_srid ? 3 | 0x20000000 : 3);
  if (with_srid)
    put_le32 (wkb, 4326);
  put_le32 (wkb, 1);
  put_le32 (wkb, n_points);
  for (guint i = 0; i < 2 * n_points; i++)
    put_le_double (wkb, xy[i]);
  return g_byte_array_free_to_bytes (wkb);
}

typedef struct {
  double x1, y1, x2, y2;
} Box;

static GBytes *
box_wkb (const Box *box,
         gboolean   with_srid)
{
  const double xy[10] = { box->x1, box->y1, box->x2, box->y1, box->x2, box->y2,
                          box->x1, box->y2, box->x1, box->y1 };

  return polygon_wkb (xy, 5, with_srid);
}

/* The WKB of a row's datasets.v1.Geometry field (NULL, 0 when none). */
static const guint8 *
row_wkb (const TestRow *row,
         guint32        number,
         gsize         *len)
{
  const TestField *field = &row->fields[number];
  const guint8 *wkb = NULL;
  TileboxPbReader reader;
  g_autoptr(GError) error = NULL;

  *len = 0;
  if (!field->present)
    return NULL;
  _tilebox_pb_reader_init (&reader, field->data, field->len);
  while (_tilebox_pb_reader_next (&reader, &error) > 0)
    {
      if (reader.field == 1)
        g_assert_true (_tilebox_pb_read_bytes (&reader, &wkb, len, &error));
      else
        g_assert_true (_tilebox_pb_skip (&reader, &error));
    }
  g_assert_no_error (error);
  return wkb;
}

/* The bounds of the demo's footprints: EWKB boxes of one ring. */
static Box
row_box (const TestRow *row)
{
  gsize len;
  const guint8 *wkb = row_wkb (row, 4, &len);
  Box box = { G_MAXDOUBLE, G_MAXDOUBLE, -G_MAXDOUBLE, -G_MAXDOUBLE };
  guint32 type;

  g_assert_nonnull (wkb);
  g_assert_cmpuint (len, ==, 1 + 4 + 4 + 4 + 4 + 5 * 16);
  g_assert_cmpuint (wkb[0], ==, 1);
  memcpy (&type, wkb + 1, 4);
  g_assert_cmphex (GUINT32_FROM_LE (type), ==, 3 | 0x20000000);
  for (guint i = 0; i < 5; i++)
    {
      guint64 bits[2];
      double x, y;

      memcpy (bits, wkb + 17 + 16 * i, 16);
      bits[0] = GUINT64_FROM_LE (bits[0]);
      bits[1] = GUINT64_FROM_LE (bits[1]);
      memcpy (&x, &bits[0], 8);
      memcpy (&y, &bits[1], 8);
      box.x1 = MIN (box.x1, x);
      box.y1 = MIN (box.y1, y);
      box.x2 = MAX (box.x2, x);
      box.y2 = MAX (box.y2, y);
    }
  return box;
}

static void
set_spatial (TileboxPbQueryRequest *req,
             GBytes                *wkb,
             gint                   mode,
             gint                   coordinate_system)
{
  req->filters.has_spatial_extent = TRUE;
  g_clear_pointer (&req->filters.spatial_extent.geometry_wkb, g_bytes_unref);
  req->filters.spatial_extent.geometry_wkb = wkb;
  req->filters.spatial_extent.mode = mode;
  req->filters.spatial_extent.coordinate_system = coordinate_system;
}

static void
test_filter_spatial (Fixture       *f,
                     gconstpointer  data)
{
  const char *names[] = { "S2A_S2MSI1C", "S2B_S2MSI1C", "S2A_S2MSI2A", "S2C_S2MSI2A" };
  TileboxPbId s2[G_N_ELEMENTS (names)];
  g_autoptr(GArray) rows = NULL;
  g_autofree gboolean *intersects = NULL;
  g_autofree gboolean *contains = NULL;
  g_autofree gboolean *keep = NULL;
  g_auto(TileboxPbQueryRequest) req = { 0 };
  g_autoptr(GPtrArray) plain = NULL;
  /* edges between the demo's thousandths: no footprint touches them */
  const Box box = { 10.0005, 20.0005, 70.0005, 50.0005 };
  guint n_intersects = 0, n_contains = 0;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    s2[i] = demo_collection (f, TILEBOX_DEMO_SENTINEL2_SLUG, names[i]);
  rows = all_rows (f, s2, G_N_ELEMENTS (s2));
  g_assert_cmpuint (rows->len, ==, 6000);
  intersects = g_new0 (gboolean, rows->len);
  contains = g_new0 (gboolean, rows->len);
  keep = g_new0 (gboolean, rows->len);
  for (guint i = 0; i < rows->len; i++)
    {
      Box b = row_box (ROW (rows, i));

      intersects[i] = b.x1 <= box.x2 && b.x2 >= box.x1 && b.y1 <= box.y2 && b.y2 >= box.y1;
      contains[i] = b.x1 >= box.x1 && b.x2 <= box.x2 && b.y1 >= box.y1 && b.y2 <= box.y2;
      n_intersects += intersects[i];
      n_contains += contains[i];
      g_assert_true (!contains[i] || intersects[i]);
    }
  g_test_message ("of %u footprints, %u intersect the box, %u lie inside it", rows->len, n_intersects, n_contains);
  g_assert_cmpuint (n_contains, >, 20);
  g_assert_cmpuint (n_intersects, >, n_contains);

  filter_request_init (&req, s2, G_N_ELEMENTS (s2));

  /* intersects, as WKB, and as EWKB with the defaults for mode and coordinates */
  set_spatial (&req, box_wkb (&box, FALSE), 1, 1);
  plain = query_all (f, &req, NULL, 0);
  assert_selected (plain, rows, intersects, "intersects the box");
  {
    g_autoptr(GPtrArray) values = NULL;

    set_spatial (&req, box_wkb (&box, TRUE), 0, 0);
    values = query_all (f, &req, NULL, 0);
    assert_selected (values, rows, intersects, "intersects the box (EWKB, defaults)");
  }
  /* contains: the filter geometry contains the footprint */
  {
    g_autoptr(GPtrArray) values = NULL;

    set_spatial (&req, box_wkb (&box, TRUE), 2, 1);
    values = query_all (f, &req, NULL, 0);
    assert_selected (values, rows, contains, "inside the box");
  }
  /* with an expression: both must hold */
  {
    g_autoptr(GPtrArray) values = NULL;

    for (guint i = 0; i < rows->len; i++)
      {
        double cloud_cover;

        memcpy (&cloud_cover, &ROW (rows, i)->fields[8].bits, sizeof cloud_cover);
        keep[i] = intersects[i] && cloud_cover < 30.0;
      }
    set_spatial (&req, box_wkb (&box, FALSE), 1, 1);
    filter_request_set (&req, cmp_double ("cloud_cover", OP_LT, 30.0), NULL);
    values = query_all (f, &req, NULL, 0);
    assert_selected (values, rows, keep, "intersects the box, cloud_cover < 30");
    filter_request_set (&req, NULL);
  }
  /* pages of 7 give the same datapoints */
  {
    g_autoptr(GPtrArray) values = NULL;
    guint n_pages = 0;

    set_spatial (&req, box_wkb (&box, FALSE), 1, 1);
    req.has_page = TRUE;
    req.page.has_limit = TRUE;
    req.page.limit = 7;
    values = query_all (f, &req, &n_pages, 7);
    g_assert_cmpuint (n_pages, ==, (n_intersects + 6) / 7);
    g_assert_cmpuint (values->len, ==, plain->len);
    for (guint i = 0; i < values->len; i++)
      g_assert_true (g_bytes_equal (g_ptr_array_index (values, i), g_ptr_array_index (plain, i)));
    req.has_page = FALSE;
  }

  /* a triangle, checked against GEOS's own unprepared predicates */
  {
    GEOSContextHandle_t geos = GEOS_init_r ();
    GEOSWKTReader *wkt_reader = GEOSWKTReader_create_r (geos);
    GEOSWKBReader *wkb_reader = GEOSWKBReader_create_r (geos);
    GEOSWKBWriter *wkb_writer = GEOSWKBWriter_create_r (geos);
    GEOSGeometry *triangle = GEOSWKTReader_read_r (geos, wkt_reader,
                                                   "POLYGON ((-60.0005 -40.0005, 100.0005 -10.0005, "
                                                   "20.0005 65.0005, -60.0005 -40.0005))");
    g_autofree gboolean *expected_contains = g_new0 (gboolean, rows->len);
    unsigned char *wkb;
    size_t wkb_len = 0;

    g_assert_nonnull (triangle);
    wkb = GEOSWKBWriter_write_r (geos, wkb_writer, triangle, &wkb_len);
    for (guint i = 0; i < rows->len; i++)
      {
        gsize len;
        const guint8 *footprint_wkb = row_wkb (ROW (rows, i), 4, &len);
        GEOSGeometry *footprint = GEOSWKBReader_read_r (geos, wkb_reader, footprint_wkb, len);

        g_assert_nonnull (footprint);
        keep[i] = GEOSIntersects_r (geos, triangle, footprint) == 1;
        expected_contains[i] = GEOSContains_r (geos, triangle, footprint) == 1;
        GEOSGeom_destroy_r (geos, footprint);
      }
    {
      g_autoptr(GPtrArray) values = NULL;

      set_spatial (&req, g_bytes_new (wkb, wkb_len), 1, 1);
      values = query_all (f, &req, NULL, 0);
      assert_selected (values, rows, keep, "intersects the triangle");
    }
    {
      g_autoptr(GPtrArray) values = NULL;

      set_spatial (&req, g_bytes_new (wkb, wkb_len), 2, 1);
      values = query_all (f, &req, NULL, 0);
      assert_selected (values, rows, expected_contains, "inside the triangle");
      g_assert_cmpuint (values->len, >, 100);
    }
    GEOSFree_r (geos, wkb);
    GEOSGeom_destroy_r (geos, triangle);
    GEOSWKBWriter_destroy_r (geos, wkb_writer);
    GEOSWKBReader_destroy_r (geos, wkb_reader);
    GEOSWKTReader_destroy_r (geos, wkt_reader);
    GEOS_finish_r (geos);
  }

  /* spherical coordinates are not evaluated here */
  set_spatial (&req, box_wkb (&box, TRUE), 1, 2);
  assert_filter_refused (f, &req, 501, "unimplemented", "cartesian");
  /* broken geometries and unknown settings */
  {
    g_autoptr(GBytes) whole = box_wkb (&box, FALSE);
    const double bowtie[10] = { 0, 0, 10, 10, 10, 0, 0, 10, 0, 0 };
    const double open[8] = { 0, 0, 10, 0, 10, 10, 0, 10 };

    set_spatial (&req, g_bytes_new_from_bytes (whole, 0, g_bytes_get_size (whole) - 3), 1, 1);
    assert_filter_refused (f, &req, 400, "invalid_argument", "not valid WKB");
    set_spatial (&req, g_bytes_new (NULL, 0), 1, 1);
    assert_filter_refused (f, &req, 400, "invalid_argument", "not valid WKB");
    set_spatial (&req, g_bytes_new_static ("\x01\x63\x00\x00\x00", 5), 1, 1);
    assert_filter_refused (f, &req, 400, "invalid_argument", "not valid WKB");
    set_spatial (&req, polygon_wkb (open, 4, FALSE), 1, 1);
    assert_filter_refused (f, &req, 400, "invalid_argument", "not valid WKB");
    set_spatial (&req, polygon_wkb (bowtie, 5, FALSE), 1, 1);
    assert_filter_refused (f, &req, 400, "invalid_argument", "is not valid: ");
    set_spatial (&req, box_wkb (&box, FALSE), 3, 1);
    assert_filter_refused (f, &req, 400, "invalid_argument", "unknown mode 3");
    set_spatial (&req, box_wkb (&box, FALSE), 1, 7);
    assert_filter_refused (f, &req, 400, "invalid_argument", "unknown coordinate system 7");
    /* no geometry at all */
    req.filters.has_spatial_extent = TRUE;
    g_clear_pointer (&req.filters.spatial_extent.geometry_wkb, g_bytes_unref);
    assert_filter_refused (f, &req, 400, "invalid_argument", "no geometry");
  }
}

/* Datapoints without a geometry never match; a damaged one is data loss. */
static void
test_filter_spatial_missing (Fixture       *f,
                             gconstpointer  data)
{
  TileboxPbDataset *s2 = get_dataset (f, TILEBOX_DEMO_SENTINEL2_SLUG);
  TileboxPbId collection = { 0 }, broken = { 0 };
  const Box box = { 10.0, 20.0, 11.0, 21.0 }, inside = { 10.2, 20.2, 10.8, 20.8 };
  g_auto(TileboxPbQueryRequest) req = { 0 };
  GByteArray *rows[3];
  gint64 base_ms = DEMO_START_MS + 999;

  for (guint c = 0; c < 2; c++)
    {
      g_autoptr(Response) created = create_collection_raw (f, &s2->id, c == 0 ? "footprints" : "broken");
      TileboxPbCollectionInfo info = { 0 };
      g_autoptr(GError) error = NULL;

      assert_ok (created);
      _tilebox_pb_decode_bytes (collection_info, &info, created->body, &error);
      g_assert_no_error (error);
      if (c == 0)
        collection = info.id;
      else
        broken = info.id;
      _tilebox_pb_collection_info_clear (&info);
    }
  _tilebox_pb_dataset_free (s2);

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      TileboxPbTimestamp time = { (base_ms + i) / 1000, (gint32) ((base_ms + i) % 1000) * 1000000 };

      rows[i] = g_byte_array_new ();
      _tilebox_pb_write_timestamp (rows[i], 1, &time);
    }
  /* 0: a footprint inside; 1: none; 2: a Geometry without wkb */
  {
    g_autoptr(GBytes) wkb = box_wkb (&inside, TRUE);
    g_autoptr(GByteArray) geometry = g_byte_array_new ();

    _tilebox_pb_write_bytes (geometry, 1, g_bytes_get_data (wkb, NULL), g_bytes_get_size (wkb));
    _tilebox_pb_write_message (rows[0], 4, geometry);
    g_byte_array_set_size (geometry, 0);
    _tilebox_pb_write_message (rows[2], 4, geometry);
  }
  store_datapoints (f, &collection, base_ms, rows, G_N_ELEMENTS (rows));

  filter_request_init (&req, &collection, 1);
  set_spatial (&req, box_wkb (&box, FALSE), 1, 1);
  g_assert_cmphex (query_mask (f, &req), ==, 0x1);
  set_spatial (&req, box_wkb (&box, FALSE), 2, 1);
  g_assert_cmphex (query_mask (f, &req), ==, 0x1);

  /* a stored footprint GEOS cannot read */
  g_byte_array_set_size (rows[0], 0);
  {
    g_autoptr(GByteArray) geometry = g_byte_array_new ();
    TileboxPbTimestamp time = { base_ms / 1000, (gint32) (base_ms % 1000) * 1000000 };

    _tilebox_pb_write_timestamp (rows[0], 1, &time);
    _tilebox_pb_write_bytes (geometry, 1, (const guint8 *) "\x01\x03\x00", 3);
    _tilebox_pb_write_message (rows[0], 4, geometry);
  }
  store_datapoints (f, &broken, base_ms, rows, 1);
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    g_byte_array_unref (rows[i]);
  g_array_index (req.collection_ids, TileboxPbId, 0) = broken;
  assert_filter_refused (f, &req, 500, "data_loss", "not valid WKB");
}

/* --- ingestion ------------------------------------------------------------------ */

#define INGESTION_SERVICE "/datasets.v1.DataIngestionService/"

/* Field numbers of the dataset create_ingest_collection () makes. */
enum {
  IN_TIME = 1,
  IN_ID = 2,
  IN_INGESTION_TIME = 3,
  IN_GEOMETRY = 4,
  IN_VALUE = 5,
  IN_COUNTS = 6,
  IN_NAME = 7,
  IN_WHEN = 8,
  IN_SPAN = 9,
  IN_REF = 10,
  IN_LEVEL = 11,
};

/* A collection of a new spatiotemporal dataset with a field of each kind
 * Ingest checks closely. */
static TileboxPbId
create_ingest_collection (Fixture    *f,
                          const char *code_name)
{
  GPtrArray *fields = g_ptr_array_new_with_free_func (_tilebox_pb_field_free);
  TileboxPbId id;

  g_ptr_array_add (fields, typed_field ("value", TILEBOX_DESC_TYPE_DOUBLE, FALSE, NULL, TRUE));
  g_ptr_array_add (fields, typed_field ("counts", TILEBOX_DESC_TYPE_INT64, TRUE, NULL, FALSE));
  g_ptr_array_add (fields, typed_field ("name", TILEBOX_DESC_TYPE_STRING, FALSE, NULL, TRUE));
  g_ptr_array_add (fields, typed_field ("when", TILEBOX_DESC_TYPE_MESSAGE, FALSE, ".google.protobuf.Timestamp", TRUE));
  g_ptr_array_add (fields, typed_field ("span", TILEBOX_DESC_TYPE_MESSAGE, FALSE, ".google.protobuf.Duration", TRUE));
  g_ptr_array_add (fields, typed_field ("ref", TILEBOX_DESC_TYPE_MESSAGE, FALSE, ".datasets.v1.UUID", TRUE));
  g_ptr_array_add (fields, typed_field ("level", TILEBOX_DESC_TYPE_ENUM, FALSE, ".datasets.v1.ProcessingLevel", TRUE));
  id = create_typed_collection (f, code_name, TILEBOX_DATASET_KIND_SPATIOTEMPORAL, fields);
  g_ptr_array_unref (fields);
  return id;
}

static void
write_time_ms (GByteArray *out,
               guint32     field,
               gint64      ms)
{
  TileboxPbTimestamp ts = { ms / 1000, (gint32) (ms % 1000) * 1000000 };

  _tilebox_pb_write_timestamp (out, field, &ts);
}

static void
write_geometry (GByteArray   *out,
                const guint8 *wkb,
                gsize         len)
{
  g_autoptr(GByteArray) sub = g_byte_array_new ();

  if (wkb != NULL)
    _tilebox_pb_write_bytes (sub, 1, wkb, len);
  _tilebox_pb_write_message (out, IN_GEOMETRY, sub);
}

static void
write_box_geometry (GByteArray *out,
                    double      x,
                    double      y)
{
  const Box box = { x, y, x + 1.0, y + 1.0 };
  g_autoptr(GBytes) wkb = box_wkb (&box, TRUE);

  write_geometry (out, g_bytes_get_data (wkb, NULL), g_bytes_get_size (wkb));
}

/* A valid datapoint of the ingest dataset, without id and ingestion_time. */
static GByteArray *
ingest_datapoint (gint64  time_ms,
                  double  value)
{
  GByteArray *out = g_byte_array_new ();

  write_time_ms (out, IN_TIME, time_ms);
  write_box_geometry (out, 10.0, 20.0);
  _tilebox_pb_write_double (out, IN_VALUE, value);
  _tilebox_pb_write_string (out, IN_NAME, "a name");
  return out;
}

static Response *
ingest_raw (Fixture           *f,
            const TileboxPbId *collection,
            GByteArray       **values,
            guint              n,
            gboolean           allow_existing)
{
  g_autoptr(GByteArray) request = g_byte_array_new ();
  g_auto(TileboxPbIngestRequest) req = { 0 };

  if (collection != NULL)
    req.collection_id = *collection;
  req.values = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (req.values, g_bytes_new (values[i]->data, values[i]->len));
  req.allow_existing = allow_existing;
  _tilebox_pb_ingest_request_encode (&req, request);
  return post_proto (f, INGESTION_SERVICE "Ingest", request);
}

static void
ingest (Fixture                 *f,
        const TileboxPbId       *collection,
        GByteArray             **values,
        guint                    n,
        gboolean                 allow_existing,
        TileboxPbIngestResponse *response)
{
  g_autoptr(Response) raw = ingest_raw (f, collection, values, n, allow_existing);
  g_autoptr(GError) error = NULL;

  assert_ok (raw);
  memset (response, 0, sizeof *response);
  _tilebox_pb_decode_bytes (ingest_response, response, raw->body, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->datapoint_ids->len, ==, n);
}

/* The Connect error message of a refused Ingest, checked to contain `expected`. */
static void
assert_ingest_refused (Fixture           *f,
                       const TileboxPbId *collection,
                       GByteArray       **values,
                       guint              n,
                       gboolean           allow_existing,
                       guint              status,
                       const char        *code,
                       const char        *expected)
{
  g_autoptr(Response) raw = ingest_raw (f, collection, values, n, allow_existing);
  g_autofree char *message = assert_connect_error (raw, status, code);

  g_test_message ("refused: %s", message);
  if (strstr (message, expected) == NULL)
    g_error ("“%s” does not contain “%s”", message, expected);
}

static Response *
delete_raw (Fixture           *f,
            const TileboxPbId *collection,
            const guint8      *ids,
            guint              n)
{
  g_autoptr(GByteArray) request = g_byte_array_new ();
  g_auto(TileboxPbDeleteRequest) req = { 0 };

  if (collection != NULL)
    req.collection_id = *collection;
  req.datapoint_ids = g_array_new (FALSE, TRUE, sizeof (TileboxPbId));
  for (guint i = 0; i < n; i++)
    {
      TileboxPbId id = { TRUE, { 0 } };

      memcpy (id.uuid, ids + 16 * i, 16);
      g_array_append_val (req.datapoint_ids, id);
    }
  _tilebox_pb_delete_request_encode (&req, request);
  return post_proto (f, INGESTION_SERVICE "Delete", request);
}

static gint64
delete_ok (Fixture           *f,
           const TileboxPbId *collection,
           const guint8      *ids,
           guint              n)
{
  g_autoptr(Response) raw = delete_raw (f, collection, ids, n);
  g_auto(TileboxPbDeleteResponse) response = { 0 };
  g_autoptr(GError) error = NULL;

  assert_ok (raw);
  _tilebox_pb_decode_bytes (delete_response, &response, raw->body, &error);
  g_assert_no_error (error);
  return response.num_deleted;
}

static guint
stored_count (Fixture           *f,
              const TileboxPbId *collection)
{
  g_autoptr(GArray) stored = stored_datapoints (f, collection);

  return stored->len;
}

static const StoredDatapoint *
find_stored (GArray       *stored,
             const guint8 *id)
{
  for (guint i = 0; i < stored->len; i++)
    if (memcmp (STORED (stored, i)->id, id, 16) == 0)
      return STORED (stored, i);
  return NULL;
}

static gint64
timestamp_us (const TileboxPbTimestamp *ts)
{
  return ts->seconds * G_USEC_PER_SEC + ts->nanos / 1000;
}

/* Ingest takes the datapoints as they are but for id and ingestion_time:
 * fields sent for them are dropped, the server's go in as fields 2 and 3,
 * everything else stays as it came. */
static void
test_ingest_roundtrip (Fixture       *f,
                       gconstpointer  data)
{
  TileboxPbId collection = create_ingest_collection (f, "ingest_roundtrip");
  const gint64 t0 = DEMO_START_MS + 1234;
  GByteArray *content[3], *sent[3];
  g_auto(TileboxPbIngestResponse) response = { 0 };
  g_autoptr(GArray) stored = NULL;
  gint64 before_us, after_us;
  TileboxPbTimestamp ingestion_time = { 0 };

  for (guint i = 0; i < 3; i++)
    {
      content[i] = g_byte_array_new ();
      sent[i] = g_byte_array_new ();
    }
  /* 0: as a client sends it, with an id and an ingestion_time of its own */
  {
    g_autoptr(GByteArray) rest = g_byte_array_new ();
    TileboxPbId bogus = { TRUE, { 0 } };

    memset (bogus.uuid, 0xab, 16);
    write_box_geometry (rest, 1.0, 2.0);
    _tilebox_pb_write_double (rest, IN_VALUE, 0.0);
    _tilebox_pb_write_string (rest, IN_NAME, "zero");
    write_time_ms (content[0], IN_TIME, t0);
    g_byte_array_append (content[0], rest->data, rest->len);
    write_time_ms (sent[0], IN_TIME, t0);
    _tilebox_pb_write_id (sent[0], IN_ID, &bogus);
    write_time_ms (sent[0], IN_INGESTION_TIME, 42);
    g_byte_array_append (sent[0], rest->data, rest->len);
  }
  /* 1: fields out of order, repeated values packed and not, every well-known type */
  {
    g_autoptr(GByteArray) packed = g_byte_array_new ();
    g_autoptr(GByteArray) span = g_byte_array_new ();
    TileboxPbId ref = { TRUE, { 0 } };

    memset (ref.uuid, 0x5a, 16);
    _tilebox_pb_write_string (content[1], IN_NAME, "one");
    _tilebox_pb_write_varint (content[1], IN_COUNTS, 7);
    _tilebox_pb_write_raw_varint (packed, 1);
    _tilebox_pb_write_raw_varint (packed, (guint64) -2);
    _tilebox_pb_write_bytes (content[1], IN_COUNTS, packed->data, packed->len);
    _tilebox_pb_write_double (content[1], IN_VALUE, 1.5);
    write_time_ms (content[1], IN_TIME, t0 + 1);
    write_box_geometry (content[1], 3.0, 4.0);
    write_time_ms (content[1], IN_WHEN, -5000);
    _tilebox_pb_write_varint (span, 1, (guint64) -3);
    _tilebox_pb_write_varint (span, 2, (guint64) -500);
    _tilebox_pb_write_message (content[1], IN_SPAN, span);
    _tilebox_pb_write_id (content[1], IN_REF, &ref);
    _tilebox_pb_write_varint (content[1], IN_LEVEL, 999);
    g_byte_array_append (sent[1], content[1]->data, content[1]->len);
  }
  /* 2: the least a datapoint has */
  write_time_ms (content[2], IN_TIME, t0 + 2);
  write_box_geometry (content[2], 5.0, 6.0);
  g_byte_array_append (sent[2], content[2]->data, content[2]->len);

  before_us = g_get_real_time ();
  ingest (f, &collection, sent, 3, FALSE, &response);
  after_us = g_get_real_time ();
  g_assert_cmpint (response.num_created, ==, 3);
  g_assert_cmpint (response.num_existing, ==, 0);

  stored = stored_datapoints (f, &collection);
  g_assert_cmpuint (stored->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      const TileboxPbId *id = &g_array_index (response.datapoint_ids, TileboxPbId, i);
      const StoredDatapoint *dp = find_stored (stored, id->uuid);
      g_autoptr(GByteArray) expected = g_byte_array_new ();
      guint8 derived[16];
      ValueHead head;
      gsize len;
      const guint8 *bytes;
      g_autoptr(GByteArray) time = g_byte_array_new ();

      g_assert_nonnull (dp);
      /* the id: time, then a digest of what the client sent but id and ingestion_time */
      g_assert_cmpint (_tilebox_uuid_time_ms (id->uuid), ==, t0 + i);
      _tilebox_store_derive_datapoint_id (t0 + i, content[i]->data, content[i]->len, derived);
      g_assert_cmpmem (id->uuid, 16, derived, 16);
      g_assert_cmpint (dp->time_ms, ==, t0 + i);

      /* one ingestion time for the request, the server's */
      decode_value_head (dp->data, &head);
      g_assert_true (head.has_ingestion_time);
      if (i == 0)
        ingestion_time = head.ingestion_time;
      g_assert_cmpint (head.ingestion_time.seconds, ==, ingestion_time.seconds);
      g_assert_cmpint (head.ingestion_time.nanos, ==, ingestion_time.nanos);
      g_assert_cmpint (timestamp_us (&head.ingestion_time), >=, before_us);
      g_assert_cmpint (timestamp_us (&head.ingestion_time), <=, after_us);
      g_assert_cmpint (dp->ingestion_time_ns, ==, timestamp_us (&head.ingestion_time) * 1000);

      /* time, id, ingestion_time, then the rest as it came */
      write_time_ms (time, IN_TIME, t0 + i);
      g_byte_array_append (expected, time->data, time->len);
      _tilebox_pb_write_id (expected, IN_ID, id);
      _tilebox_pb_write_timestamp (expected, IN_INGESTION_TIME, &head.ingestion_time);
      if (i == 1)
        {
          /* content[1] has the time in the middle: take it out */
          guint at = 0;

          while (memcmp (content[1]->data + at, time->data, time->len) != 0)
            at++;
          g_byte_array_append (expected, content[1]->data, at);
          g_byte_array_append (expected, content[1]->data + at + time->len, content[1]->len - at - time->len);
        }
      else
        {
          g_byte_array_append (expected, content[i]->data + time->len, content[i]->len - time->len);
        }
      bytes = g_bytes_get_data (dp->data, &len);
      g_assert_cmpmem (bytes, len, expected->data, expected->len);
    }

  /* and queries return them with that id and ingestion time */
  {
    g_auto(TileboxPbQueryRequest) req = { 0 };
    g_autoptr(GPtrArray) values = NULL;

    query_request_init (&req, &collection, 1);
    query_request_set_time (&req, t0 * MS_NS, (t0 + 3) * MS_NS, FALSE, FALSE);
    values = query_all (f, &req, NULL, 0);
    g_assert_cmpuint (values->len, ==, 3);
    for (guint i = 0; i < 3; i++)
      {
        ValueHead head;

        decode_value_head (g_ptr_array_index (values, i), &head);
        g_assert_cmpint (timestamp_ms (&head.time), ==, t0 + i);
        g_assert_cmpmem (head.id.uuid, 16, g_array_index (response.datapoint_ids, TileboxPbId, i).uuid, 16);
        g_assert_cmpint (head.ingestion_time.seconds, ==, ingestion_time.seconds);
        g_assert_cmpint (head.ingestion_time.nanos, ==, ingestion_time.nanos);
      }
  }
  for (guint i = 0; i < 3; i++)
    {
      g_byte_array_unref (content[i]);
      g_byte_array_unref (sent[i]);
    }
}

/* Ids: the time's milliseconds first, then what the datapoint holds. */
static void
test_ingest_ids (Fixture       *f,
                 gconstpointer  data)
{
  TileboxPbId first = create_ingest_collection (f, "ingest_ids_a");
  TileboxPbId second = create_ingest_collection (f, "ingest_ids_b");
  g_autoptr(GByteArray) a = ingest_datapoint (DEMO_START_MS, 1.0);
  g_autoptr(GByteArray) other_value = ingest_datapoint (DEMO_START_MS, 2.0);
  g_autoptr(GByteArray) other_time = ingest_datapoint (DEMO_START_MS + 1, 1.0);
  g_autoptr(GByteArray) fine = g_byte_array_new ();
  GByteArray *values[] = { a, other_value, other_time, fine };
  g_auto(TileboxPbIngestResponse) in_first = { 0 };
  g_auto(TileboxPbIngestResponse) in_second = { 0 };
  const TileboxPbId *ids, *again;
  TileboxPbTimestamp ts = { DEMO_START_S + 10, 123456789 };

  /* sub-millisecond times are cut to the millisecond below */
  _tilebox_pb_write_timestamp (fine, IN_TIME, &ts);
  write_box_geometry (fine, 0.0, 0.0);

  ingest (f, &first, values, G_N_ELEMENTS (values), FALSE, &in_first);
  ingest (f, &second, values, G_N_ELEMENTS (values), FALSE, &in_second);
  ids = (const TileboxPbId *) in_first.datapoint_ids->data;
  again = (const TileboxPbId *) in_second.datapoint_ids->data;

  /* the same datapoint has the same id, anywhere */
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    g_assert_cmpmem (ids[i].uuid, 16, again[i].uuid, 16);
  /* another value, another id; another time, another prefix */
  g_assert_cmpmem (ids[0].uuid, 6, ids[1].uuid, 6);
  g_assert_true (memcmp (ids[0].uuid + 6, ids[1].uuid + 6, 10) != 0);
  g_assert_cmpint (_tilebox_uuid_time_ms (ids[0].uuid), ==, DEMO_START_MS);
  g_assert_cmpint (_tilebox_uuid_time_ms (ids[2].uuid), ==, DEMO_START_MS + 1);
  g_assert_true (memcmp (ids[0].uuid + 6, ids[2].uuid + 6, 10) != 0);
  g_assert_cmpint (_tilebox_uuid_time_ms (ids[3].uuid), ==, (DEMO_START_S + 10) * 1000 + 123);
  {
    g_autofree char *text = _tilebox_uuid_to_string (ids[0].uuid);

    /* 2025-01-01T00:00:00Z is 1735689600000 ms, 0x01941f297c00 */
    g_assert_true (g_str_has_prefix (text, "01941f29-7c00-"));
  }
}

/* allow_existing: false refuses the whole request, true counts them. */
static void
test_ingest_existing (Fixture       *f,
                      gconstpointer  data)
{
  TileboxPbId collection = create_ingest_collection (f, "ingest_existing");
  g_autoptr(GByteArray) a = ingest_datapoint (DEMO_START_MS, 1.0);
  g_autoptr(GByteArray) b = ingest_datapoint (DEMO_START_MS + 5, 2.0);
  GByteArray *just_a[] = { a };
  GByteArray *b_then_a[] = { b, a };
  g_auto(TileboxPbIngestResponse) first = { 0 };
  g_auto(TileboxPbIngestResponse) second = { 0 };
  g_autoptr(GArray) before = NULL;
  g_autoptr(GArray) after = NULL;
  g_autofree char *a_id = NULL;
  const TileboxPbId *ids;

  ingest (f, &collection, just_a, 1, FALSE, &first);
  g_assert_cmpint (first.num_created, ==, 1);
  a_id = _tilebox_uuid_to_string (g_array_index (first.datapoint_ids, TileboxPbId, 0).uuid);
  before = stored_datapoints (f, &collection);

  /* a is there already: nothing is stored, b neither */
  assert_ingest_refused (f, &collection, b_then_a, 2, FALSE, 409, "already_exists", a_id);
  g_assert_cmpuint (stored_count (f, &collection), ==, 1);

  /* allowed: b is created, a counted and left as it was */
  g_usleep (2000);
  ingest (f, &collection, b_then_a, 2, TRUE, &second);
  g_assert_cmpint (second.num_created, ==, 1);
  g_assert_cmpint (second.num_existing, ==, 1);
  ids = (const TileboxPbId *) second.datapoint_ids->data;
  g_assert_cmpmem (ids[1].uuid, 16, g_array_index (first.datapoint_ids, TileboxPbId, 0).uuid, 16);
  after = stored_datapoints (f, &collection);
  g_assert_cmpuint (after->len, ==, 2);
  {
    const StoredDatapoint *old = find_stored (before, ids[1].uuid);
    const StoredDatapoint *now = find_stored (after, ids[1].uuid);

    g_assert_nonnull (old);
    g_assert_nonnull (now);
    g_assert_true (g_bytes_equal (old->data, now->data));
    g_assert_cmpint (old->ingestion_time_ns, ==, now->ingestion_time_ns);
    g_assert_nonnull (find_stored (after, ids[0].uuid));
  }
}

/* The same datapoint twice in one request. */
static void
test_ingest_duplicates (Fixture       *f,
                        gconstpointer  data)
{
  TileboxPbId collection = create_ingest_collection (f, "ingest_duplicates");
  g_autoptr(GByteArray) c = ingest_datapoint (DEMO_START_MS, 3.0);
  g_autoptr(GByteArray) d = ingest_datapoint (DEMO_START_MS, 4.0);
  GByteArray *values[] = { c, d, c };
  g_auto(TileboxPbIngestResponse) response = { 0 };
  const TileboxPbId *ids;

  assert_ingest_refused (f, &collection, values, 3, FALSE, 409, "already_exists", "given twice, as datapoints 0 and 2");
  g_assert_cmpuint (stored_count (f, &collection), ==, 0);

  ingest (f, &collection, values, 3, TRUE, &response);
  g_assert_cmpint (response.num_created, ==, 2);
  g_assert_cmpint (response.num_existing, ==, 1);
  ids = (const TileboxPbId *) response.datapoint_ids->data;
  g_assert_cmpmem (ids[0].uuid, 16, ids[2].uuid, 16);
  g_assert_true (memcmp (ids[0].uuid, ids[1].uuid, 16) != 0);
  g_assert_cmpuint (stored_count (f, &collection), ==, 2);
}

/* 8192 datapoints at a time, no more; an empty request is fine. */
static void
test_ingest_limit (Fixture       *f,
                   gconstpointer  data)
{
  TileboxPbId collection = create_ingest_collection (f, "ingest_limit");
  const guint n = TILEBOX_INGEST_MAX_DATAPOINTS + 1;
  GByteArray **values = g_new0 (GByteArray *, n);
  g_auto(TileboxPbIngestResponse) response = { 0 };
  g_auto(TileboxPbIngestResponse) none = { 0 };

  for (guint i = 0; i < n; i++)
    {
      values[i] = g_byte_array_new ();
      write_time_ms (values[i], IN_TIME, DEMO_START_MS + i);
      write_box_geometry (values[i], 0.0, 0.0);
    }
  assert_ingest_refused (f, &collection, values, n, FALSE, 400, "invalid_argument", "8192");
  g_assert_cmpuint (stored_count (f, &collection), ==, 0);

  ingest (f, &collection, values, n - 1, FALSE, &response);
  g_assert_cmpint (response.num_created, ==, n - 1);
  g_assert_cmpuint (stored_count (f, &collection), ==, n - 1);

  ingest (f, &collection, NULL, 0, FALSE, &none);
  g_assert_cmpint (none.num_created, ==, 0);
  g_assert_cmpint (none.num_existing, ==, 0);

  for (guint i = 0; i < n; i++)
    g_byte_array_unref (values[i]);
  g_free (values);
}

typedef void (*BreakFunc) (GByteArray *out);

static void
break_wire_type (GByteArray *out)
{
  write_time_ms (out, IN_TIME, DEMO_START_MS);
  write_box_geometry (out, 0.0, 0.0);
  _tilebox_pb_write_string (out, IN_VALUE, "1.5");
}

static void
break_no_time (GByteArray *out)
{
  write_box_geometry (out, 0.0, 0.0);
  _tilebox_pb_write_double (out, IN_VALUE, 1.5);
}

static void
break_no_geometry (GByteArray *out)
{
  write_time_ms (out, IN_TIME, DEMO_START_MS);
  _tilebox_pb_write_double (out, IN_VALUE, 1.5);
}

static void
break_geometry_wkb (GByteArray *out)
{
  write_time_ms (out, IN_TIME, DEMO_START_MS);
  write_geometry (out, (const guint8 *) "\x01\x03\x00\x00", 4);
}

static void
break_geometry_empty (GByteArray *out)
{
  write_time_ms (out, IN_TIME, DEMO_START_MS);
  write_geometry (out, NULL, 0);
}

static void
break_unknown_field (GByteArray *out)
{
  write_time_ms (out, IN_TIME, DEMO_START_MS);
  write_box_geometry (out, 0.0, 0.0);
  _tilebox_pb_write_varint (out, 99, 1);
}

static void
break_nested_wire_type (GByteArray *out)
{
  g_autoptr(GByteArray) time = g_byte_array_new ();

  _tilebox_pb_write_varint (time, 1, DEMO_START_S);
  _tilebox_pb_write_string (time, 2, "0");
  _tilebox_pb_write_message (out, IN_TIME, time);
  write_box_geometry (out, 0.0, 0.0);
}

static void
break_time_range (GByteArray *out)
{
  TileboxPbTimestamp ts = { DEMO_START_S, 1000000000 };

  _tilebox_pb_write_timestamp (out, IN_TIME, &ts);
  write_box_geometry (out, 0.0, 0.0);
}

static void
break_duration (GByteArray *out)
{
  g_autoptr(GByteArray) span = g_byte_array_new ();

  write_time_ms (out, IN_TIME, DEMO_START_MS);
  write_box_geometry (out, 0.0, 0.0);
  _tilebox_pb_write_varint (span, 1, 1);
  _tilebox_pb_write_varint (span, 2, (guint64) -1);
  _tilebox_pb_write_message (out, IN_SPAN, span);
}

static void
break_uuid (GByteArray *out)
{
  g_autoptr(GByteArray) ref = g_byte_array_new ();

  write_time_ms (out, IN_TIME, DEMO_START_MS);
  write_box_geometry (out, 0.0, 0.0);
  _tilebox_pb_write_bytes (ref, 1, (const guint8 *) "abc", 3);
  _tilebox_pb_write_message (out, IN_REF, ref);
}

static void
break_utf8 (GByteArray *out)
{
  write_time_ms (out, IN_TIME, DEMO_START_MS);
  write_box_geometry (out, 0.0, 0.0);
  _tilebox_pb_write_bytes (out, IN_NAME, (const guint8 *) "\xff\xfe", 2);
}

static void
break_twice (GByteArray *out)
{
  write_time_ms (out, IN_TIME, DEMO_START_MS);
  write_box_geometry (out, 0.0, 0.0);
  _tilebox_pb_write_double (out, IN_VALUE, 1.0);
  _tilebox_pb_write_double (out, IN_VALUE, 2.0);
}

static void
break_packed (GByteArray *out)
{
  write_time_ms (out, IN_TIME, DEMO_START_MS);
  write_box_geometry (out, 0.0, 0.0);
  _tilebox_pb_write_bytes (out, IN_COUNTS, (const guint8 *) "\x01\x80", 2);
}

static void
break_truncated (GByteArray *out)
{
  write_time_ms (out, IN_TIME, DEMO_START_MS);
  write_box_geometry (out, 0.0, 0.0);
  _tilebox_pb_write_double (out, IN_VALUE, 1.0);
  g_byte_array_set_size (out, out->len - 3);
}

/* Every refused datapoint is named by its index and field; nothing of the
 * request is stored. */
static void
test_ingest_invalid (Fixture       *f,
                     gconstpointer  data)
{
  static const struct {
    BreakFunc make;
    const char *message;
  } cases[] = {
    { break_wire_type, "datapoint 1: field value has wire type 2, expected a double" },
    { break_no_time, "datapoint 1: field time is missing" },
    { break_no_geometry, "datapoint 1: field geometry is missing" },
    { break_geometry_wkb, "datapoint 1: field geometry is not a valid WKB geometry" },
    { break_geometry_empty, "datapoint 1: field geometry holds no geometry" },
    { break_unknown_field, "datapoint 1: unknown field number 99" },
    { break_nested_wire_type, "datapoint 1: field time.nanos has wire type 2, expected an int32" },
    { break_time_range, "datapoint 1: field time is not a valid time" },
    { break_duration, "datapoint 1: field span is not a valid duration" },
    { break_uuid, "datapoint 1: field ref must hold a UUID of 16 bytes, not 3" },
    { break_utf8, "datapoint 1: field name is not valid UTF-8" },
    { break_twice, "datapoint 1: field value is given more than once" },
    { break_packed, "datapoint 1: field counts is not a packed list of int64 values" },
    { break_truncated, "datapoint 1: field value cannot be read" },
  };
  TileboxPbId collection = create_ingest_collection (f, "ingest_invalid");
  g_autoptr(GByteArray) good = ingest_datapoint (DEMO_START_MS + 100, 1.0);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GByteArray) bad = g_byte_array_new ();
      GByteArray *values[] = { good, bad, good };

      cases[i].make (bad);
      assert_ingest_refused (f, &collection, values, 3, TRUE, 400, "invalid_argument", cases[i].message);
    }
  g_assert_cmpuint (stored_count (f, &collection), ==, 0);

  /* a temporal dataset needs no geometry */
  {
    TileboxPbDataset *weather = get_dataset (f, TILEBOX_DEMO_WEATHER_SLUG);
    TileboxPbId berlin = demo_collection (f, TILEBOX_DEMO_WEATHER_SLUG, "berlin");
    g_autoptr(GByteArray) reading = g_byte_array_new ();
    g_autoptr(GByteArray) no_time = g_byte_array_new ();
    GByteArray *values[] = { reading };
    GByteArray *refused[] = { reading, reading, no_time };
    g_auto(TileboxPbIngestResponse) response = { 0 };
    g_autoptr(Response) found = NULL;

    write_time_ms (reading, 1, DEMO_START_MS + 1);
    _tilebox_pb_write_string (reading, 4, "Berlin-Mitte");
    _tilebox_pb_write_double (reading, 5, 21.5);
    _tilebox_pb_write_string (no_time, 4, "Berlin-Mitte");
    assert_ingest_refused (f, &berlin, refused, 3, TRUE, 400, "invalid_argument", "datapoint 2: field time is missing");
    ingest (f, &berlin, values, 1, FALSE, &response);
    g_assert_cmpint (response.num_created, ==, 1);
    found = query_by_id_raw (f, &berlin, 1, g_array_index (response.datapoint_ids, TileboxPbId, 0).uuid, FALSE);
    assert_ok (found);
    _tilebox_pb_dataset_free (weather);
  }
}

/* Which collection: it must be given and exist. */
static void
test_ingest_collection (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GByteArray) a = ingest_datapoint (DEMO_START_MS, 1.0);
  GByteArray *values[] = { a };
  TileboxPbId unknown = { TRUE, { 0 } };
  g_autofree char *unknown_text = NULL;
  guint8 id[16] = { 0 };

  memset (unknown.uuid, 0x77, 16);
  unknown_text = _tilebox_uuid_to_string (unknown.uuid);
  assert_ingest_refused (f, &unknown, values, 1, FALSE, 404, "not_found", unknown_text);
  assert_ingest_refused (f, NULL, values, 1, FALSE, 400, "invalid_argument", "collection_id");
  {
    g_autoptr(Response) response = delete_raw (f, &unknown, id, 1);
    g_autofree char *message = assert_connect_error (response, 404, "not_found");

    g_assert_nonnull (strstr (message, unknown_text));
  }
  {
    g_autoptr(Response) response = delete_raw (f, NULL, id, 1);

    g_free (assert_connect_error (response, 400, "invalid_argument"));
  }
}

/* Delete counts what it removed; queries see the rest only. */
static void
test_delete (Fixture       *f,
             gconstpointer  data)
{
  TileboxPbId collection = create_ingest_collection (f, "delete");
  TileboxPbId other = create_ingest_collection (f, "delete_other");
  g_autoptr(GByteArray) a = ingest_datapoint (DEMO_START_MS, 1.0);
  g_autoptr(GByteArray) b = ingest_datapoint (DEMO_START_MS + 1, 2.0);
  g_autoptr(GByteArray) c = ingest_datapoint (DEMO_START_MS + 2, 3.0);
  GByteArray *values[] = { a, b, c };
  g_auto(TileboxPbIngestResponse) response = { 0 };
  g_auto(TileboxPbIngestResponse) in_other = { 0 };
  const TileboxPbId *ids;
  guint8 request[4][16];

  ingest (f, &collection, values, 3, FALSE, &response);
  ingest (f, &other, values, 3, FALSE, &in_other);
  ids = (const TileboxPbId *) response.datapoint_ids->data;

  /* a, an unknown id, b, a again */
  memcpy (request[0], ids[0].uuid, 16);
  memset (request[1], 0x42, 16);
  memcpy (request[2], ids[1].uuid, 16);
  memcpy (request[3], ids[0].uuid, 16);
  g_assert_cmpint (delete_ok (f, &collection, request[0], 4), ==, 2);
  g_assert_cmpint (delete_ok (f, &collection, request[0], 4), ==, 0);
  g_assert_cmpint (delete_ok (f, &collection, NULL, 0), ==, 0);

  {
    g_auto(TileboxPbQueryRequest) req = { 0 };
    g_autoptr(GPtrArray) left = NULL;
    ValueHead head;
    g_autoptr(Response) gone = query_by_id_raw (f, &collection, 1, ids[0].uuid, FALSE);

    g_free (assert_connect_error (gone, 404, "not_found"));
    query_request_init (&req, &collection, 1);
    query_request_set_time (&req, DEMO_START_MS * MS_NS, (DEMO_START_MS + 10) * MS_NS, FALSE, FALSE);
    left = query_all (f, &req, NULL, 0);
    g_assert_cmpuint (left->len, ==, 1);
    decode_value_head (g_ptr_array_index (left, 0), &head);
    g_assert_cmpmem (head.id.uuid, 16, ids[2].uuid, 16);
  }
  /* the other collection keeps its datapoints of the same ids */
  g_assert_cmpuint (stored_count (f, &other), ==, 3);

  /* and deleted datapoints can come back */
  {
    g_auto(TileboxPbIngestResponse) again = { 0 };

    ingest (f, &collection, values, 3, TRUE, &again);
    g_assert_cmpint (again.num_created, ==, 2);
    g_assert_cmpint (again.num_existing, ==, 1);
  }

  /* 8192 ids at a time */
  {
    const guint n = TILEBOX_DELETE_MAX_DATAPOINTS + 1;
    g_autofree guint8 *many = g_malloc0 (16 * (gsize) n);
    g_autoptr(Response) refused = NULL;
    g_autofree char *message = NULL;

    for (guint i = 0; i < n; i++)
      memcpy (many + 16 * i, &i, sizeof i);
    refused = delete_raw (f, &collection, many, n);
    message = assert_connect_error (refused, 400, "invalid_argument");
    g_assert_nonnull (strstr (message, "8192"));
    g_assert_cmpuint (stored_count (f, &collection), ==, 3);
    g_assert_cmpint (delete_ok (f, &collection, many, n - 1), ==, 0);
  }
}

/* Anonymous open-data access cannot write. */
static void
test_ingest_anonymous (Fixture       *f,
                       gconstpointer  data)
{
  TileboxPbId berlin = demo_collection (f, TILEBOX_DEMO_WEATHER_SLUG, "berlin");
  g_autoptr(GByteArray) request = g_byte_array_new ();
  g_auto(TileboxPbDeleteRequest) req = { 0 };
  g_autoptr(Response) response = NULL;

  _tilebox_server_set_api_key (f->server, "secret");
  req.collection_id = berlin;
  _tilebox_pb_delete_request_encode (&req, request);
  response = post_proto (f, "/public" INGESTION_SERVICE "Delete", request);
  g_free (assert_connect_error (response, 401, "unauthenticated"));
  _tilebox_server_set_api_key (f->server, NULL);
}

/* --- injected faults ------------------------------------------------------------- */

/* POSTs like post_full () but hands back a transport error instead of
 * failing on it: NULL and *error set when the response did not arrive. */
static Response *
post_or_error (SoupSession  *session,
               const char   *base_url,
               const char   *path,
               GBytes       *body,
               GError      **error)
{
  g_autofree char *uri = g_strconcat (base_url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", uri);
  g_autoptr(GBytes) received = NULL;
  Response *response;

  soup_message_set_request_body_from_bytes (msg, "application/proto", body);
  received = soup_session_send_and_read (session, msg, NULL, error);
  if (received == NULL)
    return NULL;
  response = g_new0 (Response, 1);
  response->body = g_steal_pointer (&received);
  response->status = soup_message_get_status (msg);
  response->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  return response;
}

static void
set_faults (Fixture *f,
            guint    fail_first,
            double   fail_ratio,
            double   drop_ratio,
            double   truncate_ratio,
            guint    fail_status,
            guint32  seed)
{
  TileboxServerFaults faults = { fail_first, fail_ratio, drop_ratio, truncate_ratio, fail_status, seed };
  g_autoptr(GError) error = NULL;

  g_assert_true (_tilebox_server_set_faults (f->server, &faults, &error));
  g_assert_no_error (error);
}

static GBytes *
encode_ingest (const TileboxPbId *collection,
               GByteArray        *value)
{
  g_autoptr(GByteArray) request = g_byte_array_new ();
  g_auto(TileboxPbIngestRequest) req = { 0 };

  req.collection_id = *collection;
  req.values = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_ptr_array_add (req.values, g_bytes_new (value->data, value->len));
  _tilebox_pb_ingest_request_encode (&req, request);
  return g_byte_array_free_to_bytes (g_steal_pointer (&request));
}

/* Failed requests are not executed; the client sees the status and code. */
static void
test_faults_fail (Fixture       *f,
                  gconstpointer  data)
{
  TileboxPbId collection = create_ingest_collection (f, "faults_fail");
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);

  set_faults (f, 2, 0.0, 0.0, 0.0, 429, 0);
  for (gint64 i = 0; i < 3; i++)
    {
      g_autoptr(GByteArray) value = ingest_datapoint (DEMO_START_MS + i, 1.0);
      g_autoptr(GBytes) body = encode_ingest (&collection, value);
      g_autoptr(Response) response = post_full (f->session, f->url, INGESTION_SERVICE "Ingest",
                                                "application/proto", body, NULL);

      if (i < 2)
        g_free (assert_connect_error (response, 429, "resource_exhausted"));
      else
        assert_ok (response);
    }
  g_assert_cmpuint (stored_count (f, &collection), ==, 1);

  set_faults (f, 0, 1.0, 0.0, 0.0, 0, 0);
  {
    g_autoptr(GByteArray) value = ingest_datapoint (DEMO_START_MS + 10, 1.0);
    g_autoptr(GBytes) body = encode_ingest (&collection, value);
    g_autoptr(Response) response = post_full (f->session, f->url, INGESTION_SERVICE "Ingest",
                                              "application/proto", body, NULL);
    g_autofree char *message = assert_connect_error (response, 503, "unavailable");

    g_assert_nonnull (strstr (message, "503"));
  }
  set_faults (f, 0, 0.0, 0.0, 0.0, 0, 0);
  g_assert_cmpuint (stored_count (f, &collection), ==, 1);

  /* fail_next and set_faults share the pending failures */
  _tilebox_server_fail_next (f->server, 5, 502, NULL, 0);
  set_faults (f, 0, 0.0, 0.0, 0.0, 0, 0);
  {
    g_autoptr(Response) response = post_full (f->session, f->url, DATASET_SERVICE "ListDatasets",
                                              "application/proto", empty, NULL);
    assert_ok (response);
  }
}

/* A dropped request is executed; its response ends halfway. */
static void
test_faults_drop (Fixture       *f,
                  gconstpointer  data)
{
  TileboxPbId collection = create_ingest_collection (f, "faults_drop");
  g_autoptr(GByteArray) value = ingest_datapoint (DEMO_START_MS, 1.0);
  g_autoptr(GBytes) body = encode_ingest (&collection, value);
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  guint8 unknown[16] = { 0 };

  set_faults (f, 0, 0.0, 1.0, 0.0, 0, 1);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(Response) response = post_or_error (f->session, f->url, INGESTION_SERVICE "Ingest", body, &error);

    g_assert_null (response);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT);
  }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(Response) response = post_or_error (f->session, f->url, DATASET_SERVICE "ListDatasets", empty, &error);

    g_assert_null (response);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT);
  }
  /* an empty response (nothing deleted) is cut as well */
  {
    g_autoptr(GByteArray) request = g_byte_array_new ();
    g_auto(TileboxPbDeleteRequest) req = { 0 };
    g_autoptr(GBytes) delete_body = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(Response) response = NULL;
    TileboxPbId id = { TRUE, { 0 } };

    memset (unknown, 0x99, 16);
    memcpy (id.uuid, unknown, 16);
    req.collection_id = collection;
    req.datapoint_ids = g_array_new (FALSE, TRUE, sizeof (TileboxPbId));
    g_array_append_val (req.datapoint_ids, id);
    _tilebox_pb_delete_request_encode (&req, request);
    delete_body = g_bytes_new (request->data, request->len);
    response = post_or_error (f->session, f->url, INGESTION_SERVICE "Delete", delete_body, &error);
    g_assert_null (response);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT);
  }
  set_faults (f, 0, 0.0, 0.0, 0.0, 0, 0);

  /* the Ingest was committed before its response went wrong */
  g_assert_cmpuint (stored_count (f, &collection), ==, 1);
  {
    g_autoptr(Response) response = post_full (f->session, f->url, DATASET_SERVICE "ListDatasets",
                                              "application/proto", empty, NULL);
    assert_ok (response);
  }
}

/* A truncated request is executed; its response is whole HTTP but half a message. */
static void
test_faults_truncate (Fixture       *f,
                      gconstpointer  data)
{
  TileboxPbId collection = create_ingest_collection (f, "faults_truncate");
  g_autoptr(GByteArray) value = ingest_datapoint (DEMO_START_MS, 1.0);
  g_autoptr(GBytes) body = encode_ingest (&collection, value);
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(Response) full = post_full (f->session, f->url, DATASET_SERVICE "ListDatasets",
                                        "application/proto", empty, NULL);
  g_autoptr(Response) cut = NULL;
  g_autoptr(Response) ingested = NULL;
  g_autoptr(GError) error = NULL;
  TileboxPbListDatasetsResponse list = { 0 };
  TileboxPbIngestResponse ingest_response = { 0 };

  assert_ok (full);
  set_faults (f, 0, 0.0, 0.0, 1.0, 0, 1);
  cut = post_full (f->session, f->url, DATASET_SERVICE "ListDatasets", "application/proto", empty, NULL);
  assert_ok (cut);
  g_assert_cmpuint (g_bytes_get_size (cut->body), ==, g_bytes_get_size (full->body) / 2);
  g_assert_false (_tilebox_pb_list_datasets_response_decode (&list, g_bytes_get_data (cut->body, NULL),
                                                             g_bytes_get_size (cut->body), &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
  g_clear_error (&error);

  ingested = post_full (f->session, f->url, INGESTION_SERVICE "Ingest", "application/proto", body, NULL);
  assert_ok (ingested);
  g_assert_false (_tilebox_pb_ingest_response_decode (&ingest_response, g_bytes_get_data (ingested->body, NULL),
                                                      g_bytes_get_size (ingested->body), &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
  set_faults (f, 0, 0.0, 0.0, 0.0, 0, 0);
  g_assert_cmpuint (stored_count (f, &collection), ==, 1);
}

/* One letter per request: ok, failed, dropped, truncated. */
static char *
fault_outcomes (Fixture *f,
                gsize    full_len,
                guint    n)
{
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  GString *outcomes = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(Response) response = post_or_error (f->session, f->url, DATASET_SERVICE "ListDatasets",
                                                    empty, &error);

      if (response == NULL)
        {
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT);
          g_string_append_c (outcomes, 'd');
        }
      else if (response->status == 503)
        {
          g_string_append_c (outcomes, 'f');
        }
      else
        {
          g_assert_cmpuint (response->status, ==, 200);
          g_string_append_c (outcomes, g_bytes_get_size (response->body) == full_len ? 'o' : 't');
          if (g_bytes_get_size (response->body) != full_len)
            g_assert_cmpuint (g_bytes_get_size (response->body), ==, full_len / 2);
        }
    }
  return g_string_free (outcomes, FALSE);
}

/* Ratio faults: the same seed, the same faults. */
static void
test_faults_seed (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(Response) full = post_full (f->session, f->url, DATASET_SERVICE "ListDatasets",
                                        "application/proto", empty, NULL);
  gsize full_len = g_bytes_get_size (full->body);
  g_autofree char *first = NULL;
  g_autofree char *again = NULL;
  g_autofree char *other = NULL;
  g_autoptr(GError) error = NULL;
  TileboxServerFaults bad = { 0, 0.6, 0.6, 0.0, 0, 1 };

  set_faults (f, 0, 0.25, 0.25, 0.25, 0, 20260101);
  first = fault_outcomes (f, full_len, 40);
  set_faults (f, 0, 0.25, 0.25, 0.25, 0, 20260101);
  again = fault_outcomes (f, full_len, 40);
  set_faults (f, 0, 0.25, 0.25, 0.25, 0, 42);
  other = fault_outcomes (f, full_len, 40);
  g_test_message ("seed 20260101: %s; seed 42: %s", first, other);
  g_assert_cmpstr (first, ==, again);
  g_assert_cmpstr (first, !=, other);
  for (const char *c = "ofdt"; *c != '\0'; c++)
    g_assert_nonnull (strchr (first, *c));

  /* impossible settings change nothing */
  g_assert_false (_tilebox_server_set_faults (f->server, &bad, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  bad.drop_ratio = 0.0;
  bad.fail_status = 500;
  g_assert_false (_tilebox_server_set_faults (f->server, &bad, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
  set_faults (f, 0, 0.0, 0.0, 0.0, 0, 0);
  g_free (fault_outcomes (f, full_len, 3));
}

/* --- the program ---------------------------------------------------------------- */

static char *
server_program_path (void)
{
  const char *env = g_getenv ("TILEBOX_SERVER_PATH");
  char *path;

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  path = g_test_build_filename (G_TEST_BUILT, "..", "tilebox", "server", "tilebox-server", NULL);
  return path;
}

typedef struct {
  GSubprocess *process;
  char *url;
  /* its stderr, when started with program_start_logging () */
  GDataInputStream *log;
} Program;

static gboolean
program_startv (Program     *program,
                gboolean     logging,
                const char  *first_arg,
                va_list      args)
{
  g_autofree char *path = server_program_path ();
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  const char *arg;

  if (!g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_autofree char *message = g_strdup_printf ("tilebox-server not found at %s", path);
      g_test_skip (message);
      return FALSE;
    }

  g_ptr_array_add (argv, path);
  for (arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  g_ptr_array_add (argv, NULL);

  program->process = g_subprocess_newv ((const char *const *) argv->pdata,
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        (logging ? G_SUBPROCESS_FLAGS_STDERR_PIPE : 0), &error);
  g_assert_no_error (error);
  if (logging)
    program->log = g_data_input_stream_new (g_subprocess_get_stderr_pipe (program->process));
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (program->process));
  program->url = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (program->url);
  g_assert_true (g_str_has_prefix (program->url, "http://127.0.0.1:"));
  return TRUE;
}

static gboolean
program_start (Program     *program,
               const char  *first_arg,
               ...)
{
  va_list args;
  gboolean ok;

  va_start (args, first_arg);
  ok = program_startv (program, FALSE, first_arg, args);
  va_end (args);
  return ok;
}

/* Started with its stderr readable as program->log. */
static gboolean
program_start_logging (Program     *program,
                       const char  *first_arg,
                       ...)
{
  va_list args;
  gboolean ok;

  va_start (args, first_arg);
  ok = program_startv (program, TRUE, first_arg, args);
  va_end (args);
  return ok;
}

/* Reads the program's stderr up to a line containing `text`. */
static void
program_wait_for_log (Program    *program,
                      const char *text)
{
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *line = g_data_input_stream_read_line_utf8 (program->log, NULL, NULL, &error);

      g_assert_no_error (error);
      if (line == NULL)
        g_error ("the program ended its log without “%s”", text);
      g_test_message ("tilebox-server: %s", line);
      if (strstr (line, text) != NULL)
        return;
    }
}

static void
program_stop (Program *program)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (program->process, SIGTERM);
  g_subprocess_wait (program->process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (program->process));
  g_assert_cmpint (g_subprocess_get_exit_status (program->process), ==, 0);
  g_clear_object (&program->process);
  g_clear_object (&program->log);
  g_clear_pointer (&program->url, g_free);
}

static void
test_program (void)
{
  Program program = { 0 };
  g_autoptr(SoupSession) session = new_session ();
  g_autoptr(Response) response = NULL;
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *port_arg = NULL;
  TileboxPbListDatasetsResponse list = { 0 };

  if (!program_start (&program, "--port", "0", "--demo", NULL))
    return;

  response = post_full (session, program.url, DATASET_SERVICE "ListDatasets", "application/proto", empty, NULL);
  assert_ok (response);
  _tilebox_pb_decode_bytes (list_datasets_response, &list, response->body, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list.datasets->len, ==, 3);
  _tilebox_pb_list_datasets_response_clear (&list);

  /* a second server on the same port fails clearly */
  {
    g_autoptr(GSubprocess) second = NULL;
    g_autofree char *err = NULL;
    const char *port = strrchr (program.url, ':') + 1;

    path = server_program_path ();
    second = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                               path, "--port", port, NULL);
    g_assert_no_error (error);
    g_subprocess_communicate_utf8 (second, NULL, NULL, NULL, &err, &error);
    g_assert_no_error (error);
    g_assert_true (g_subprocess_get_if_exited (second));
    g_assert_cmpint (g_subprocess_get_exit_status (second), ==, 1);
    g_assert_nonnull (strstr (err, port));
  }
  /* and so do bad options */
  {
    g_autoptr(GSubprocess) bad = NULL;
    g_autofree char *err = NULL;

    bad = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                            path, "--port", "70000", NULL);
    g_assert_no_error (error);
    g_subprocess_communicate_utf8 (bad, NULL, NULL, NULL, &err, &error);
    g_assert_no_error (error);
    g_assert_cmpint (g_subprocess_get_exit_status (bad), ==, 1);
    g_assert_nonnull (strstr (err, "70000"));
  }
  {
    g_autoptr(GSubprocess) bad = NULL;
    g_autofree char *err = NULL;

    bad = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                            path, "--max-page-size", "0", NULL);
    g_assert_no_error (error);
    g_subprocess_communicate_utf8 (bad, NULL, NULL, NULL, &err, &error);
    g_assert_no_error (error);
    g_assert_cmpint (g_subprocess_get_exit_status (bad), ==, 1);
    g_assert_nonnull (strstr (err, "page size"));
  }

  program_stop (&program);
}

/* --max-page-size: the pages of the program's queries */
static void
test_program_page_size (void)
{
  Program program = { 0 };
  g_autoptr(SoupSession) session = new_session ();
  g_auto(TileboxPbQueryRequest) req = { 0 };
  g_auto(TileboxPbQueryResultPage) page = { 0 };
  TileboxPbId berlin;

  if (!program_start (&program, "--port", "0", "--demo", "--max-page-size", "7", NULL))
    return;
  {
    Fixture f = { .session = session, .url = program.url };

    berlin = demo_collection (&f, TILEBOX_DEMO_WEATHER_SLUG, "berlin");
    query_request_init (&req, &berlin, 1);
    query_request_set_time (&req, DEMO_START_MS * MS_NS, (DEMO_START_MS + 100 * HOUR_MS) * MS_NS, FALSE, FALSE);
    query_page (&f, &req, &page);
    g_assert_cmpuint (page.values->len, ==, 7);
    g_assert_true (page.has_next_page);
    g_assert_cmpint (page.next_page.limit, ==, 7);
  }
  program_stop (&program);
}

static void
test_program_persistence (void)
{
  Program program = { 0 };
  g_autoptr(SoupSession) session = new_session ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tilebox-server-XXXXXX", &error);
  g_autofree char *db = NULL;
  TileboxPbId dataset_id = { 0 };

  g_assert_no_error (error);
  db = g_build_filename (dir, "tilebox.db", NULL);

  if (!program_start (&program, "--port", "0", "--demo", "--db", db, NULL))
    {
      g_rmdir (dir);
      return;
    }
  {
    Fixture f = { .session = session, .url = program.url };
    TileboxPbDataset *weather = get_dataset (&f, TILEBOX_DEMO_WEATHER_SLUG);
    g_autoptr(Response) created = create_collection_raw (&f, &weather->id, "hamburg");

    assert_ok (created);
    dataset_id = weather->id;
    _tilebox_pb_dataset_free (weather);
  }
  program_stop (&program);

  /* again, same file, with --demo again: nothing is loaded twice */
  if (!program_start (&program, "--port", "0", "--demo", "--db", db, NULL))
    return;
  {
    Fixture f = { .session = session, .url = program.url };
    g_autoptr(Response) listed = list_collections_raw (&f, &dataset_id, FALSE, TRUE);
    TileboxPbCollectionInfos infos = { 0 };
    g_autoptr(Response) all = NULL;
    TileboxPbListDatasetsResponse *list;

    assert_ok (listed);
    _tilebox_pb_decode_bytes (collection_infos, &infos, listed->body, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (infos.data->len, ==, 3);
    g_assert_cmpstr (((TileboxPbCollectionInfo *) g_ptr_array_index (infos.data, 2))->name, ==, "hamburg");
    g_assert_cmpuint (((TileboxPbCollectionInfo *) g_ptr_array_index (infos.data, 0))->count, ==, 500);
    _tilebox_pb_collection_infos_clear (&infos);

    list = list_datasets (&f, "");
    g_assert_cmpuint (list->datasets->len, ==, 3);
    list_datasets_free (list);
  }
  program_stop (&program);

  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;

    while (d != NULL && (name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *file = g_build_filename (dir, name, NULL);
        g_unlink (file);
      }
  }
  g_rmdir (dir);
}

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *file = g_build_filename (dir, name, NULL);
      g_unlink (file);
    }
  g_rmdir (dir);
}

static gboolean
count_row_cb (const TileboxStoreRow *row,
              gpointer               user_data,
              gboolean              *stop,
              GError               **error)
{
  GArray *ids = user_data;

  g_array_append_vals (ids, row->id, 1);
  return TRUE;
}

/* The ids (16 bytes each) of a collection's datapoints in a database file,
 * read with the store as the server would. */
static GArray *
ids_in_database (const char        *db,
                 const TileboxPbId *collection)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxStore) store = _tilebox_store_open (db, &error);
  GArray *ids = g_array_new (FALSE, FALSE, 16);
  TileboxStoreQuery query = { 0 };

  g_assert_no_error (error);
  query.collection_ids = (const guint8 (*)[16]) collection->uuid;
  query.n_collection_ids = 1;
  g_assert_true (_tilebox_store_query_datapoints (store, &query, count_row_cb, ids, &error));
  g_assert_no_error (error);
  return ids;
}

static gboolean
has_id (GArray       *ids,
        const guint8 *id)
{
  for (guint i = 0; i < ids->len; i++)
    if (memcmp (ids->data + 16 * i, id, 16) == 0)
      return TRUE;
  return FALSE;
}

/* SIGTERM: the program exits with 0 and what it acknowledged is on disk. */
static void
test_program_clean_exit (void)
{
  Program program = { 0 };
  g_autoptr(SoupSession) session = new_session ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tilebox-server-XXXXXX", &error);
  g_autofree char *db = NULL;
  g_autoptr(GArray) ids = NULL;
  g_auto(TileboxPbIngestResponse) response = { 0 };
  TileboxPbId collection;

  g_assert_no_error (error);
  db = g_build_filename (dir, "tilebox.db", NULL);
  if (!program_start (&program, "--port", "0", "--db", db, NULL))
    {
      g_rmdir (dir);
      return;
    }
  {
    Fixture f = { .session = session, .url = program.url };
    g_autoptr(GByteArray) a = ingest_datapoint (DEMO_START_MS, 1.0);
    g_autoptr(GByteArray) b = ingest_datapoint (DEMO_START_MS + 1, 2.0);
    GByteArray *values[] = { a, b };

    collection = create_ingest_collection (&f, "clean_exit");
    ingest (&f, &collection, values, 2, FALSE, &response);
  }
  program_stop (&program);

  ids = ids_in_database (db, &collection);
  g_assert_cmpuint (ids->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    g_assert_true (has_id (ids, g_array_index (response.datapoint_ids, TileboxPbId, i).uuid));
  remove_dir (dir);
}

typedef struct {
  SoupSession *session;
  char *url;
  GBytes *body;
  guint status;
} InFlight;

static gpointer
in_flight_thread (gpointer data)
{
  InFlight *call = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(Response) response = post_or_error (call->session, call->url, INGESTION_SERVICE "Ingest",
                                                call->body, &error);

  g_assert_no_error (error);
  call->status = response->status;
  return NULL;
}

/* SIGTERM while a response is under way (held back by --latency-ms): it
 * is still answered, then the program exits with 0. */
static void
test_program_exit_in_flight (void)
{
  Program program = { 0 };
  g_autoptr(SoupSession) session = new_session ();
  g_autoptr(SoupSession) other = new_session ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tilebox-server-XXXXXX", &error);
  g_autofree char *db = NULL;
  g_autoptr(GByteArray) value = ingest_datapoint (DEMO_START_MS, 1.0);
  g_autoptr(GArray) ids = NULL;
  InFlight call = { 0 };
  GThread *thread;
  TileboxPbId collection;

  g_assert_no_error (error);
  db = g_build_filename (dir, "tilebox.db", NULL);
  if (!program_start_logging (&program, "--port", "0", "--db", db, "--verbose", NULL))
    {
      g_rmdir (dir);
      return;
    }
  {
    Fixture f = { .session = session, .url = program.url };

    collection = create_ingest_collection (&f, "exit_in_flight");
  }
  program_stop (&program);

  if (!program_start_logging (&program, "--port", "0", "--db", db, "--verbose", "--latency-ms", "1500", NULL))
    return;
  call.session = other;
  call.url = program.url;
  call.body = encode_ingest (&collection, value);
  thread = g_thread_new ("in-flight", in_flight_thread, &call);
  /* executed, its response held back */
  program_wait_for_log (&program, "Ingest -> 200");
  program_stop (&program);
  g_thread_join (thread);
  g_assert_cmpuint (call.status, ==, 200);
  g_bytes_unref (call.body);

  ids = ids_in_database (db, &collection);
  g_assert_cmpuint (ids->len, ==, 1);
  remove_dir (dir);
}

/* A dropped connection does not hold up a stop. */
static void
test_program_exit_after_drop (void)
{
  Program program = { 0 };
  g_autoptr(SoupSession) session = new_session ();
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(Response) response = NULL;
  gint64 start;

  if (!program_start_logging (&program, "--port", "0", "--drop-ratio", "1", "--fault-seed", "3", NULL))
    return;
  program_wait_for_log (&program, "--fault-seed 3");
  response = post_or_error (session, program.url, DATASET_SERVICE "ListDatasets", empty, &error);
  g_assert_null (response);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT);
  start = g_get_monotonic_time ();
  program_stop (&program);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
}

static void
test_empty (Fixture       *f,
            gconstpointer  data)
{
  TileboxPbListDatasetsResponse *list = list_datasets (f, "/public");

  g_assert_cmpuint (list->datasets->len, ==, 0);
  g_assert_cmpuint (list->groups->len, ==, 0);
  list_datasets_free (list);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/server/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("list-datasets", test_list_datasets);
  ADD ("gzip", test_gzip);
  ADD ("gzip-request", test_gzip_request);
  ADD ("get-dataset", test_get_dataset);
  ADD ("public-prefix", test_public_prefix);
  ADD ("bad-requests", test_bad_requests);
  ADD ("request-too-large", test_request_too_large);
  ADD ("error-json-utf8", test_error_json_utf8);
  ADD ("collections/availability", test_collections_availability);
  ADD ("dataset/lifecycle", test_dataset_lifecycle);
  ADD ("dataset/delete-cascades", test_delete_dataset_cascades);
  ADD ("dataset/update", test_update_dataset);
  ADD ("api-key", test_api_key);
  ADD ("fail-next", test_fail_next);
  ADD ("latency", test_latency);
  ADD ("request-headers", test_request_headers);
  ADD ("demo/datapoints", test_demo_datapoints);
  ADD ("query/time-interval", test_query_time_interval);
  ADD ("query/id-interval", test_query_id_interval);
  ADD ("query/merge", test_query_merge);
  ADD ("query/pagination", test_query_pagination);
  ADD ("query/skip-data", test_query_skip_data);
  ADD ("query/full-data", test_query_full_data);
  ADD ("query/completes-datapoints", test_query_completes_datapoints);
  ADD ("query/by-id", test_query_by_id);
  ADD ("query/errors", test_query_errors);
  ADD ("query/counts", test_query_counts);
  ADD ("query/server-features", test_query_server_features);
  ADD ("query/speed", test_query_speed);
  ADD ("filter/comparisons", test_filter_comparisons);
  ADD ("filter/null-logic", test_filter_null_logic);
  ADD ("filter/pagination", test_filter_pagination);
  ADD ("filter/validation", test_filter_validation);
  ADD ("filter/types", test_filter_types);
  ADD ("filter/presence", test_filter_presence);
  ADD ("filter/spatial", test_filter_spatial);
  ADD ("filter/spatial-missing", test_filter_spatial_missing);
  ADD ("ingest/roundtrip", test_ingest_roundtrip);
  ADD ("ingest/ids", test_ingest_ids);
  ADD ("ingest/existing", test_ingest_existing);
  ADD ("ingest/duplicates", test_ingest_duplicates);
  ADD ("ingest/limit", test_ingest_limit);
  ADD ("ingest/invalid", test_ingest_invalid);
  ADD ("ingest/collection", test_ingest_collection);
  ADD ("ingest/anonymous", test_ingest_anonymous);
  ADD ("delete", test_delete);
  ADD ("faults/fail", test_faults_fail);
  ADD ("faults/drop", test_faults_drop);
  ADD ("faults/truncate", test_faults_truncate);
  ADD ("faults/seed", test_faults_seed);
  g_test_add ("/server/empty", Fixture, NULL, fixture_setup_empty, test_empty, fixture_teardown);
  g_test_add_func ("/server/demo/deterministic", test_demo_deterministic);
  g_test_add_func ("/server/store/versions", test_store_versions);
  g_test_add_func ("/server/store/failed-commit", test_store_failed_commit);
  g_test_add_func ("/server/demo/all-or-nothing", test_demo_all_or_nothing);
  g_test_add_func ("/server/demo/add-collection", test_demo_add_collection);
  g_test_add_func ("/server/program/run", test_program);
  g_test_add_func ("/server/program/persistence", test_program_persistence);
  g_test_add_func ("/server/program/page-size", test_program_page_size);
  g_test_add_func ("/server/program/clean-exit", test_program_clean_exit);
  g_test_add_func ("/server/program/exit-in-flight", test_program_exit_in_flight);
  g_test_add_func ("/server/program/exit-after-drop", test_program_exit_after_drop);

  return g_test_run ();
}
