/* test-datasets.c: tests of creating, updating and deleting datasets from
 * TileboxFieldSpecs, against the local server
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One in-process server with the demo catalogue runs on its own thread for
 * the whole program. The tests run on the main thread; their async calls
 * run on a main loop of a context of the test, pushed as the thread-default
 * one.
 */

#include "config.h"

#include <string.h>

#include "tilebox.h"
#include "tilebox-client-private.h"
#include "tilebox-descriptor-private.h"
#include "tilebox-field-spec-private.h"
#include "tilebox-pb-private.h"
#include "tilebox-rpc-private.h"
#include "tilebox-server-private.h"

#define S2_SLUG "open_data.copernicus.sentinel2_msi"

/* Generous: nothing here should take more than a few seconds, even under
 * the sanitizers. */
#define WAIT_TIMEOUT_S 20
/* The server's answer is held back this long in the cancellation tests;
 * a cancelled call must return well before. */
#define SLOW_SERVER_MS 3000
#define CANCEL_BOUND_US (2 * G_USEC_PER_SEC)

static TileboxServerThread *server_thread;
static TileboxServer *server;
static const char *server_url;
static GMainContext *test_context;
static guint unique_counter;

/* --- helpers -------------------------------------------------------------- */

static guint
request_count (void)
{
  return _tilebox_server_get_request_count (server);
}

static TileboxClient *
new_client (void)
{
  g_autoptr(GError) error = NULL;
  TileboxClient *client;

  client = tilebox_client_new_for_url (server_url, NULL, &error);
  g_assert_no_error (error);
  _tilebox_rpc_set_retry_delay (_tilebox_client_get_rpc (client), 1);

  return client;
}

/* "Datasets test 3" and its code name "datasets_test_3", new each call. */
static char *
unique_name (void)
{
  return g_strdup_printf ("Datasets test %u", ++unique_counter);
}

static char *
code_name_of (const char *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);

  return g_strdelimit (g_steal_pointer (&lower), " ", '_');
}

/* An array of specs that frees them. */
static GPtrArray *
specs_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) tilebox_field_spec_unref);
}

static TileboxFieldSpec **
specs_data (GPtrArray *specs)
{
  return (TileboxFieldSpec **) specs->pdata;
}

static TileboxFieldSpec *
add_spec (GPtrArray        *specs,
          const char       *name,
          TileboxFieldType  type)
{
  TileboxFieldSpec *spec = tilebox_field_spec_new (name, type);

  g_ptr_array_add (specs, spec);
  return spec;
}

static TileboxDataset *
create_sync (TileboxClient       *client,
             const char          *name,
             TileboxDatasetKind   kind,
             GPtrArray           *specs)
{
  g_autoptr(GError) error = NULL;
  TileboxDataset *dataset;

  dataset = tilebox_client_create_dataset (client, name, kind, specs ? specs_data (specs) : NULL,
                                           specs ? specs->len : 0, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (TILEBOX_IS_DATASET (dataset));
  return dataset;
}

static TileboxDataset *
get_sync (TileboxClient *client,
          const char    *slug)
{
  g_autoptr(GError) error = NULL;
  TileboxDataset *dataset = tilebox_client_get_dataset (client, slug, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (TILEBOX_IS_DATASET (dataset));
  return dataset;
}

static void
assert_not_found (TileboxClient *client,
                  const char    *slug)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxDataset) dataset = tilebox_client_get_dataset (client, slug, NULL, &error);

  g_assert_null (dataset);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_NOT_FOUND);
}

/* The names of the fields of a dataset, joined by spaces. */
static char *
field_names (TileboxDataset *dataset)
{
  TileboxSchema *schema = tilebox_dataset_get_schema (dataset);
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < tilebox_schema_get_n_fields (schema); i++)
    {
      if (i > 0)
        g_string_append_c (names, ' ');
      g_string_append (names, tilebox_field_get_name (tilebox_schema_get_field (schema, i)));
    }
  return g_string_free (g_steal_pointer (&names), FALSE);
}

/* --- waiting on a main loop ------------------------------------------------ */

typedef struct {
  GMainLoop *loop;
  GAsyncResult *result;
  gboolean timed_out;
} Wait;

static void
wait_init (Wait *wait)
{
  wait->loop = g_main_loop_new (test_context, FALSE);
  wait->result = NULL;
  wait->timed_out = FALSE;
}

static void
wait_clear (Wait *wait)
{
  g_clear_pointer (&wait->loop, g_main_loop_unref);
  g_clear_object (&wait->result);
}

static void
wait_ready_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Wait *wait = user_data;

  /* The callback comes on the thread-default context of the caller. */
  g_assert_true (g_main_context_is_owner (test_context));
  g_assert_null (wait->result);
  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

static gboolean
wait_timeout_cb (gpointer user_data)
{
  Wait *wait = user_data;

  wait->timed_out = TRUE;
  g_main_loop_quit (wait->loop);
  return G_SOURCE_REMOVE;
}

/* Runs the loop until the callback came; fails the test after WAIT_TIMEOUT_S. */
static GAsyncResult *
wait_run (Wait *wait)
{
  GSource *guard = g_timeout_source_new_seconds (WAIT_TIMEOUT_S);

  g_source_set_callback (guard, wait_timeout_cb, wait, NULL);
  g_source_attach (guard, test_context);
  if (wait->result == NULL)
    g_main_loop_run (wait->loop);
  g_source_destroy (guard);
  g_source_unref (guard);

  g_assert_false (wait->timed_out);
  g_assert_nonnull (wait->result);
  return wait->result;
}

/* --- field specs ------------------------------------------------------------ */

static void
test_spec_defaults_and_setters (void)
{
  g_autoptr(TileboxFieldSpec) spec = tilebox_field_spec_new ("cloud_cover", TILEBOX_FIELD_TYPE_DOUBLE);
  g_autoptr(TileboxFieldSpec) when = tilebox_field_spec_new ("acquired", TILEBOX_FIELD_TYPE_TIMESTAMP);
  TileboxFieldSpec *ref;
  GValue value = G_VALUE_INIT;

  g_assert_cmpstr (tilebox_field_spec_get_name (spec), ==, "cloud_cover");
  g_assert_cmpint (tilebox_field_spec_get_field_type (spec), ==, TILEBOX_FIELD_TYPE_DOUBLE);
  g_assert_null (tilebox_field_spec_get_type_name (spec));
  g_assert_false (tilebox_field_spec_get_repeated (spec));
  g_assert_cmpstr (tilebox_field_spec_get_description (spec), ==, "");
  g_assert_cmpstr (tilebox_field_spec_get_example_value (spec), ==, "");
  g_assert_false (tilebox_field_spec_get_queryable (spec));
  g_assert_cmpstr (tilebox_field_spec_get_type_name (when), ==, "google.protobuf.Timestamp");

  tilebox_field_spec_set_repeated (spec, TRUE);
  tilebox_field_spec_set_description (spec, "Cloud cover in percent");
  tilebox_field_spec_set_example_value (spec, "12.5");
  tilebox_field_spec_set_queryable (spec, TRUE);
  g_assert_true (tilebox_field_spec_get_repeated (spec));
  g_assert_cmpstr (tilebox_field_spec_get_description (spec), ==, "Cloud cover in percent");
  g_assert_cmpstr (tilebox_field_spec_get_example_value (spec), ==, "12.5");
  g_assert_true (tilebox_field_spec_get_queryable (spec));

  tilebox_field_spec_set_description (spec, NULL);
  tilebox_field_spec_set_example_value (spec, NULL);
  g_assert_cmpstr (tilebox_field_spec_get_description (spec), ==, "");
  g_assert_cmpstr (tilebox_field_spec_get_example_value (spec), ==, "");

  /* Reference counted, and a boxed type the bindings can hold. */
  ref = tilebox_field_spec_ref (spec);
  g_assert_true (ref == spec);
  tilebox_field_spec_unref (ref);
  g_value_init (&value, TILEBOX_TYPE_FIELD_SPEC);
  g_value_set_boxed (&value, spec);
  g_assert_true (g_value_get_boxed (&value) == spec);
  g_value_unset (&value);
  g_assert_cmpstr (tilebox_field_spec_get_name (spec), ==, "cloud_cover");
}

static void
test_spec_enum_names (void)
{
  static const struct {
    const char *given;
    const char *type_name;
  } cases[] = {
    { "ProcessingLevel", "datasets.v1.ProcessingLevel" },
    { "datasets.v1.FlightDirection", "datasets.v1.FlightDirection" },
    { ".datasets.v1.ObservationDirection", "datasets.v1.ObservationDirection" },
    { "Polarization", "datasets.v1.Polarization" },
    { "AcquisitionMode", "datasets.v1.AcquisitionMode" },
    { "OpendataProvider", "datasets.v1.OpendataProvider" },
    /* Unknown ones are kept as given, refused when used. */
    { "Colour", "Colour" },
    { "datasets.v1.processinglevel", "datasets.v1.processinglevel" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TileboxFieldSpec) spec = tilebox_field_spec_new_enum ("level", cases[i].given);

      g_assert_cmpint (tilebox_field_spec_get_field_type (spec), ==, TILEBOX_FIELD_TYPE_ENUM);
      g_assert_cmpstr (tilebox_field_spec_get_type_name (spec), ==, cases[i].type_name);
    }
}

static void
test_spec_programmer_errors (void)
{
  static const TileboxFieldType refused[] = {
    TILEBOX_FIELD_TYPE_UNKNOWN, TILEBOX_FIELD_TYPE_ENUM, TILEBOX_FIELD_TYPE_MESSAGE,
    (TileboxFieldType) 99,
  };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_test_expect_message ("Tilebox", G_LOG_LEVEL_CRITICAL, "*assertion*failed*");
      g_assert_null (tilebox_field_spec_new ("x", refused[i]));
      g_test_assert_expected_messages ();
    }

  g_test_expect_message ("Tilebox", G_LOG_LEVEL_CRITICAL, "*assertion*failed*");
  g_assert_null (tilebox_field_spec_new (NULL, TILEBOX_FIELD_TYPE_BOOL));
  g_test_assert_expected_messages ();

  g_test_expect_message ("Tilebox", G_LOG_LEVEL_CRITICAL, "*assertion*failed*");
  g_assert_null (tilebox_field_spec_new_enum ("x", NULL));
  g_test_assert_expected_messages ();

  g_test_expect_message ("Tilebox", G_LOG_LEVEL_CRITICAL, "*assertion*failed*");
  g_assert_null (tilebox_field_spec_new_enum ("x", ""));
  g_test_assert_expected_messages ();
}

/* The request's fields, as the service reads them: FieldDescriptorProtos
 * numbered in order, the kind's fields first, type names with a leading
 * dot, and annotations. */
typedef struct {
  char *name;
  guint64 number;
  guint64 label;
  guint64 type;
  char *type_name;
  char *json_name;
} Descriptor;

static void
descriptor_clear (Descriptor *d)
{
  g_free (d->name);
  g_free (d->type_name);
  g_free (d->json_name);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Descriptor, descriptor_clear)

static void
read_descriptor (GBytes     *bytes,
                 Descriptor *d)
{
  g_autoptr(GError) error = NULL;
  TileboxPbReader reader;
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  int rc;

  _tilebox_pb_reader_init (&reader, data, len);
  while ((rc = _tilebox_pb_reader_next (&reader, &error)) > 0)
    {
      gboolean ok;

      switch (reader.field)
        {
        case 1: ok = _tilebox_pb_read_string (&reader, &d->name, &error); break;
        case 3: ok = _tilebox_pb_read_varint (&reader, &d->number, &error); break;
        case 4: ok = _tilebox_pb_read_varint (&reader, &d->label, &error); break;
        case 5: ok = _tilebox_pb_read_varint (&reader, &d->type, &error); break;
        case 6: ok = _tilebox_pb_read_string (&reader, &d->type_name, &error); break;
        case 10: ok = _tilebox_pb_read_string (&reader, &d->json_name, &error); break;
        default: g_assert_not_reached ();
        }
      g_assert_no_error (error);
      g_assert_true (ok);
    }
  g_assert_no_error (error);
  g_assert_cmpint (rc, ==, 0);
}

static void
test_spec_request_descriptors (void)
{
  static const struct {
    const char *name;
    guint64 label;
    guint64 type;
    const char *type_name;
    const char *json_name;
  } expected[] = {
    { "time", TILEBOX_DESC_LABEL_OPTIONAL, TILEBOX_DESC_TYPE_MESSAGE, ".google.protobuf.Timestamp", "time" },
    { "id", TILEBOX_DESC_LABEL_OPTIONAL, TILEBOX_DESC_TYPE_MESSAGE, ".datasets.v1.UUID", "id" },
    { "ingestion_time", TILEBOX_DESC_LABEL_OPTIONAL, TILEBOX_DESC_TYPE_MESSAGE, ".google.protobuf.Timestamp", "ingestionTime" },
    { "geometry", TILEBOX_DESC_LABEL_OPTIONAL, TILEBOX_DESC_TYPE_MESSAGE, ".datasets.v1.Geometry", "geometry" },
    { "cloud_cover", TILEBOX_DESC_LABEL_OPTIONAL, TILEBOX_DESC_TYPE_DOUBLE, NULL, "cloudCover" },
    { "band_names", TILEBOX_DESC_LABEL_REPEATED, TILEBOX_DESC_TYPE_STRING, NULL, "bandNames" },
    { "orbit", TILEBOX_DESC_LABEL_OPTIONAL, TILEBOX_DESC_TYPE_UINT32, NULL, "orbit" },
    { "processing_level", TILEBOX_DESC_LABEL_OPTIONAL, TILEBOX_DESC_TYPE_ENUM, ".datasets.v1.ProcessingLevel", "processingLevel" },
    { "velocity", TILEBOX_DESC_LABEL_OPTIONAL, TILEBOX_DESC_TYPE_MESSAGE, ".datasets.v1.Vec3", "velocity" },
  };
  g_auto(TileboxPbDatasetType) type = { 0 };
  g_autoptr(GPtrArray) specs = specs_new ();
  g_autoptr(GError) error = NULL;
  TileboxFieldSpec *spec;

  spec = add_spec (specs, "cloud_cover", TILEBOX_FIELD_TYPE_DOUBLE);
  tilebox_field_spec_set_description (spec, "Cloud cover in percent");
  tilebox_field_spec_set_example_value (spec, "12.5");
  tilebox_field_spec_set_queryable (spec, TRUE);
  spec = add_spec (specs, "band_names", TILEBOX_FIELD_TYPE_STRING);
  tilebox_field_spec_set_repeated (spec, TRUE);
  add_spec (specs, "orbit", TILEBOX_FIELD_TYPE_UINT32);
  g_ptr_array_add (specs, tilebox_field_spec_new_enum ("processing_level", "ProcessingLevel"));
  add_spec (specs, "velocity", TILEBOX_FIELD_TYPE_VEC3);

  g_assert_true (_tilebox_field_specs_to_dataset_type (TILEBOX_DATASET_KIND_SPATIOTEMPORAL, specs_data (specs),
                                                       specs->len, &type, &error));
  g_assert_no_error (error);
  g_assert_cmpint (type.kind, ==, TILEBOX_DATASET_KIND_SPATIOTEMPORAL);
  g_assert_cmpuint (type.fields->len, ==, G_N_ELEMENTS (expected));

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      const TileboxPbField *field = g_ptr_array_index (type.fields, i);
      g_auto(Descriptor) d = { 0 };

      read_descriptor (field->descriptor, &d);
      g_assert_cmpstr (d.name, ==, expected[i].name);
      g_assert_cmpuint (d.number, ==, i + 1);
      g_assert_cmpuint (d.label, ==, expected[i].label);
      g_assert_cmpuint (d.type, ==, expected[i].type);
      g_assert_cmpstr (d.type_name, ==, expected[i].type_name);
      g_assert_cmpstr (d.json_name, ==, expected[i].json_name);
      g_assert_true (field->has_annotation);
      /* The kind's fields are documented by the library. */
      if (i < 4)
        g_assert_cmpstr (field->annotation.description, !=, "");
    }

  g_assert_cmpstr (((TileboxPbField *) g_ptr_array_index (type.fields, 4))->annotation.description, ==,
                   "Cloud cover in percent");
  g_assert_cmpstr (((TileboxPbField *) g_ptr_array_index (type.fields, 4))->annotation.example_value, ==, "12.5");
  g_assert_true (((TileboxPbField *) g_ptr_array_index (type.fields, 4))->annotation.queryable);
  g_assert_false (((TileboxPbField *) g_ptr_array_index (type.fields, 5))->annotation.queryable);
}

/* --- create ----------------------------------------------------------------- */

typedef struct {
  const char *name;
  TileboxFieldType type;
  const char *enum_name;      /* for tilebox_field_spec_new_enum () */
  const char *type_name;      /* as the dataset reports it */
  gboolean repeated;
  const char *description;
  const char *example_value;
  gboolean queryable;
} FieldCase;

/* One field of every scalar type, every well-known type and every
 * well-known enumeration, some repeated, some documented. */
static const FieldCase every_field[] = {
  { "a_double", TILEBOX_FIELD_TYPE_DOUBLE, NULL, NULL, FALSE, "A double", "1.5", TRUE },
  { "a_float", TILEBOX_FIELD_TYPE_FLOAT, NULL, NULL, FALSE, "", "", FALSE },
  { "an_int64", TILEBOX_FIELD_TYPE_INT64, NULL, NULL, FALSE, "A signed integer", "-3", TRUE },
  { "a_uint64", TILEBOX_FIELD_TYPE_UINT64, NULL, NULL, FALSE, "", "", FALSE },
  { "an_int32", TILEBOX_FIELD_TYPE_INT32, NULL, NULL, FALSE, "", "", FALSE },
  { "a_uint32", TILEBOX_FIELD_TYPE_UINT32, NULL, NULL, FALSE, "", "", TRUE },
  { "a_bool", TILEBOX_FIELD_TYPE_BOOL, NULL, NULL, FALSE, "", "true", FALSE },
  { "a_string", TILEBOX_FIELD_TYPE_STRING, NULL, NULL, FALSE, "Ünïcode déscription ✓", "text", TRUE },
  { "some_bytes", TILEBOX_FIELD_TYPE_BYTES, NULL, NULL, FALSE, "", "", FALSE },
  { "a_timestamp", TILEBOX_FIELD_TYPE_TIMESTAMP, NULL, "google.protobuf.Timestamp", FALSE, "", "", FALSE },
  { "a_duration", TILEBOX_FIELD_TYPE_DURATION, NULL, "google.protobuf.Duration", FALSE, "", "", FALSE },
  { "a_uuid", TILEBOX_FIELD_TYPE_UUID, NULL, "datasets.v1.UUID", FALSE, "", "", FALSE },
  { "footprint", TILEBOX_FIELD_TYPE_GEOMETRY, NULL, "datasets.v1.Geometry", FALSE, "Where", "", FALSE },
  { "velocity", TILEBOX_FIELD_TYPE_VEC3, NULL, "datasets.v1.Vec3", FALSE, "", "", FALSE },
  { "attitude", TILEBOX_FIELD_TYPE_QUATERNION, NULL, "datasets.v1.Quaternion", FALSE, "", "", FALSE },
  { "position", TILEBOX_FIELD_TYPE_LATLON, NULL, "datasets.v1.LatLon", FALSE, "", "", FALSE },
  { "position_alt", TILEBOX_FIELD_TYPE_LATLONALT, NULL, "datasets.v1.LatLonAlt", FALSE, "", "", FALSE },
  { "tags", TILEBOX_FIELD_TYPE_STRING, NULL, NULL, TRUE, "Free tags", "[\"a\", \"b\"]", FALSE },
  { "samples", TILEBOX_FIELD_TYPE_DOUBLE, NULL, NULL, TRUE, "", "", FALSE },
  { "track", TILEBOX_FIELD_TYPE_LATLON, NULL, "datasets.v1.LatLon", TRUE, "", "", FALSE },
  { "processing_level", TILEBOX_FIELD_TYPE_ENUM, "ProcessingLevel", "datasets.v1.ProcessingLevel", FALSE, "Level", "L1C", TRUE },
  { "flight_direction", TILEBOX_FIELD_TYPE_ENUM, "datasets.v1.FlightDirection", "datasets.v1.FlightDirection", FALSE, "", "", FALSE },
  { "observation_direction", TILEBOX_FIELD_TYPE_ENUM, "ObservationDirection", "datasets.v1.ObservationDirection", FALSE, "", "", FALSE },
  { "polarizations", TILEBOX_FIELD_TYPE_ENUM, "Polarization", "datasets.v1.Polarization", TRUE, "", "", FALSE },
  { "acquisition_mode", TILEBOX_FIELD_TYPE_ENUM, "AcquisitionMode", "datasets.v1.AcquisitionMode", FALSE, "", "", FALSE },
  { "provider", TILEBOX_FIELD_TYPE_ENUM, "OpendataProvider", "datasets.v1.OpendataProvider", FALSE, "", "", FALSE },
};

static GPtrArray *
every_field_specs (void)
{
  GPtrArray *specs = specs_new ();

  for (guint i = 0; i < G_N_ELEMENTS (every_field); i++)
    {
      const FieldCase *c = &every_field[i];
      TileboxFieldSpec *spec = c->enum_name != NULL ? tilebox_field_spec_new_enum (c->name, c->enum_name)
                                                    : tilebox_field_spec_new (c->name, c->type);

      tilebox_field_spec_set_repeated (spec, c->repeated);
      tilebox_field_spec_set_description (spec, c->description);
      tilebox_field_spec_set_example_value (spec, c->example_value);
      tilebox_field_spec_set_queryable (spec, c->queryable);
      g_ptr_array_add (specs, spec);
    }
  return specs;
}

static void
assert_required_fields (TileboxDataset     *dataset,
                        TileboxDatasetKind  kind)
{
  static const struct {
    const char *name;
    TileboxFieldType type;
    const char *type_name;
  } required[] = {
    { "time", TILEBOX_FIELD_TYPE_TIMESTAMP, "google.protobuf.Timestamp" },
    { "id", TILEBOX_FIELD_TYPE_UUID, "datasets.v1.UUID" },
    { "ingestion_time", TILEBOX_FIELD_TYPE_TIMESTAMP, "google.protobuf.Timestamp" },
    { "geometry", TILEBOX_FIELD_TYPE_GEOMETRY, "datasets.v1.Geometry" },
  };
  TileboxSchema *schema = tilebox_dataset_get_schema (dataset);
  guint n = kind == TILEBOX_DATASET_KIND_SPATIOTEMPORAL ? 4 : 3;

  g_assert_cmpint (tilebox_dataset_get_kind (dataset), ==, kind);
  for (guint i = 0; i < n; i++)
    {
      TileboxField *field = tilebox_schema_get_field (schema, i);

      g_assert_nonnull (field);
      g_assert_cmpstr (tilebox_field_get_name (field), ==, required[i].name);
      g_assert_cmpint (tilebox_field_get_field_type (field), ==, required[i].type);
      g_assert_cmpstr (tilebox_field_get_type_name (field), ==, required[i].type_name);
      g_assert_false (tilebox_field_get_repeated (field));
      g_assert_cmpstr (tilebox_field_get_description (field), !=, "");
    }
  if (kind == TILEBOX_DATASET_KIND_TEMPORAL)
    g_assert_null (tilebox_schema_lookup_field (schema, "geometry"));
}

static void
assert_every_field (TileboxDataset *dataset)
{
  TileboxSchema *schema = tilebox_dataset_get_schema (dataset);

  assert_required_fields (dataset, TILEBOX_DATASET_KIND_TEMPORAL);
  g_assert_cmpuint (tilebox_schema_get_n_fields (schema), ==, 3 + G_N_ELEMENTS (every_field));
  for (guint i = 0; i < G_N_ELEMENTS (every_field); i++)
    {
      const FieldCase *c = &every_field[i];
      TileboxField *field = tilebox_schema_get_field (schema, 3 + i);

      g_assert_cmpstr (tilebox_field_get_name (field), ==, c->name);
      g_assert_cmpuint (tilebox_field_get_number (field), ==, 3 + i + 1);
      g_assert_cmpint (tilebox_field_get_field_type (field), ==, c->type);
      g_assert_cmpstr (tilebox_field_get_type_name (field), ==, c->type_name);
      g_assert_cmpint (tilebox_field_get_repeated (field), ==, c->repeated);
      g_assert_cmpstr (tilebox_field_get_description (field), ==, c->description);
      g_assert_cmpstr (tilebox_field_get_example_value (field), ==, c->example_value);
      g_assert_cmpint (tilebox_field_get_queryable (field), ==, c->queryable);
    }
}

static void
test_create_temporal_with_every_type (void)
{
  g_autoptr(TileboxClient) client = new_client ();
  g_autoptr(GPtrArray) specs = every_field_specs ();
  g_autofree char *name = unique_name ();
  g_autofree char *code_name = code_name_of (name);
  g_autofree char *slug = g_strconcat ("local.", code_name, NULL);
  g_autoptr(TileboxDataset) created = NULL;
  g_autoptr(TileboxDataset) fetched = NULL;
  g_autoptr(GError) error = NULL;

  created = tilebox_client_create_dataset (client, name, TILEBOX_DATASET_KIND_TEMPORAL,
                                           specs_data (specs), specs->len,
                                           NULL, "Every type there is", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (TILEBOX_IS_DATASET (created));
  g_assert_cmpstr (tilebox_dataset_get_name (created), ==, name);
  g_assert_cmpstr (tilebox_dataset_get_code_name (created), ==, code_name);
  g_assert_cmpstr (tilebox_dataset_get_slug (created), ==, slug);
  g_assert_cmpstr (tilebox_dataset_get_summary (created), ==, "Every type there is");
  g_assert_true (tilebox_dataset_get_type_editable (created));
  g_assert_true (g_uuid_string_is_valid (tilebox_dataset_get_id (created)));
  assert_every_field (created);

  /* The service keeps what it was given. */
  fetched = get_sync (client, slug);
  g_assert_cmpstr (tilebox_dataset_get_id (fetched), ==, tilebox_dataset_get_id (created));
  assert_every_field (fetched);
}

static void
test_create_spatiotemporal_has_geometry (void)
{
  g_autoptr(TileboxClient) client = new_client ();
  g_autoptr(GPtrArray) specs = specs_new ();
  g_autofree char *name = unique_name ();
  g_autoptr(TileboxDataset) created = NULL;
  g_autoptr(TileboxDataset) fetched = NULL;
  g_autofree char *names = NULL;

  tilebox_field_spec_set_queryable (add_spec (specs, "cloud_cover", TILEBOX_FIELD_TYPE_DOUBLE), TRUE);
  created = create_sync (client, name, TILEBOX_DATASET_KIND_SPATIOTEMPORAL, specs);
  assert_required_fields (created, TILEBOX_DATASET_KIND_SPATIOTEMPORAL);
  names = field_names (created);
  g_assert_cmpstr (names, ==, "time id ingestion_time geometry cloud_cover");

  fetched = get_sync (client, tilebox_dataset_get_slug (created));
  assert_required_fields (fetched, TILEBOX_DATASET_KIND_SPATIOTEMPORAL);
  g_assert_true (tilebox_field_get_queryable (tilebox_schema_lookup_field (tilebox_dataset_get_schema (fetched),
                                                                          "cloud_cover")));
}

/* No fields of one's own: a dataset of just the kind's fields. A temporal
 * dataset may have a field called geometry of its own. */
static void
test_create_without_own_fields_and_with_code_name (void)
{
  g_autoptr(TileboxClient) client = new_client ();
  g_autoptr(GPtrArray) specs = specs_new ();
  g_autofree char *name = unique_name ();
  g_autofree char *code_name = g_strdup_printf ("chosen_code_%u", unique_counter);
  g_autoptr(TileboxDataset) bare = NULL;
  g_autoptr(TileboxDataset) chosen = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *names = NULL;
  g_autofree char *slug = NULL;

  bare = create_sync (client, name, TILEBOX_DATASET_KIND_TEMPORAL, NULL);
  names = field_names (bare);
  g_assert_cmpstr (names, ==, "time id ingestion_time");
  g_assert_cmpstr (tilebox_dataset_get_summary (bare), ==, "");

  add_spec (specs, "geometry", TILEBOX_FIELD_TYPE_GEOMETRY);
  chosen = tilebox_client_create_dataset (client, "Any name at all", TILEBOX_DATASET_KIND_TEMPORAL,
                                          specs_data (specs), specs->len, code_name, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tilebox_dataset_get_code_name (chosen), ==, code_name);
  slug = g_strconcat ("local.", code_name, NULL);
  g_assert_cmpstr (tilebox_dataset_get_slug (chosen), ==, slug);
  g_clear_pointer (&names, g_free);
  names = field_names (chosen);
  g_assert_cmpstr (names, ==, "time id ingestion_time geometry");

  /* The code name is taken now. */
  g_clear_object (&chosen);
  chosen = tilebox_client_create_dataset (client, "Another name", TILEBOX_DATASET_KIND_TEMPORAL,
                                          NULL, 0, code_name, NULL, NULL, &error);
  g_assert_null (chosen);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_ALREADY_EXISTS);
}

static void
test_create_async (void)
{
  g_autoptr(TileboxClient) client = new_client ();
  g_autoptr(GPtrArray) specs = every_field_specs ();
  g_autofree char *name = unique_name ();
  g_autoptr(TileboxDataset) created = NULL;
  g_autoptr(GError) error = NULL;
  Wait wait;

  wait_init (&wait);
  tilebox_client_create_dataset_async (client, name, TILEBOX_DATASET_KIND_TEMPORAL,
                                       specs_data (specs), specs->len,
                                       NULL, NULL, NULL, wait_ready_cb, &wait);
  /* The specs are copied into the request: dropping them is fine. */
  g_clear_pointer (&specs, g_ptr_array_unref);
  created = tilebox_client_create_dataset_finish (client, wait_run (&wait), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tilebox_dataset_get_name (created), ==, name);
  assert_every_field (created);
  wait_clear (&wait);
}

/* --- update ----------------------------------------------------------------- */

static void
test_update_renames_and_adds_a_field (void)
{
  g_autoptr(TileboxClient) client = new_client ();
  g_autoptr(GPtrArray) specs = specs_new ();
  g_autofree char *name = unique_name ();
  g_autofree char *new_name = g_strconcat (name, " renamed", NULL);
  g_autoptr(TileboxDataset) created = NULL;
  g_autoptr(TileboxDataset) updated = NULL;
  g_autoptr(TileboxDataset) fetched = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *old_names = NULL;
  g_autofree char *new_names = NULL;
  TileboxField *added;

  add_spec (specs, "temperature", TILEBOX_FIELD_TYPE_DOUBLE);
  created = create_sync (client, name, TILEBOX_DATASET_KIND_SPATIOTEMPORAL, specs);

  tilebox_field_spec_set_description (add_spec (specs, "station", TILEBOX_FIELD_TYPE_STRING), "Station name");
  updated = tilebox_client_update_dataset (client, created, new_name, specs_data (specs), specs->len,
                                           NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (updated != created);
  g_assert_cmpstr (tilebox_dataset_get_id (updated), ==, tilebox_dataset_get_id (created));
  g_assert_cmpstr (tilebox_dataset_get_slug (updated), ==, tilebox_dataset_get_slug (created));
  g_assert_cmpstr (tilebox_dataset_get_name (updated), ==, new_name);
  new_names = field_names (updated);
  g_assert_cmpstr (new_names, ==, "time id ingestion_time geometry temperature station");
  added = tilebox_schema_lookup_field (tilebox_dataset_get_schema (updated), "station");
  g_assert_cmpint (tilebox_field_get_field_type (added), ==, TILEBOX_FIELD_TYPE_STRING);
  g_assert_cmpstr (tilebox_field_get_description (added), ==, "Station name");

  /* The old object describes the dataset as it was. */
  g_assert_cmpstr (tilebox_dataset_get_name (created), ==, name);
  g_assert_null (tilebox_schema_lookup_field (tilebox_dataset_get_schema (created), "station"));
  old_names = field_names (created);
  g_assert_cmpstr (old_names, ==, "time id ingestion_time geometry temperature");

  fetched = get_sync (client, tilebox_dataset_get_slug (created));
  g_assert_cmpstr (tilebox_dataset_get_name (fetched), ==, new_name);
  g_assert_nonnull (tilebox_schema_lookup_field (tilebox_dataset_get_schema (fetched), "station"));
}

/* Neither NULL nor an empty list changes the fields (bindings pass an
 * empty list as NULL); both leave the other changes to go through. */
static void
test_update_null_and_empty_keep_fields (void)
{
  g_autoptr(TileboxClient) client = new_client ();
  g_autoptr(GPtrArray) specs = specs_new ();
  TileboxFieldSpec *empty[1] = { NULL };
  g_autofree char *name = unique_name ();
  g_autoptr(TileboxDataset) created = NULL;
  g_autoptr(TileboxDataset) summarised = NULL;
  g_autoptr(TileboxDataset) renamed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *names = NULL;

  add_spec (specs, "temperature", TILEBOX_FIELD_TYPE_DOUBLE);
  created = create_sync (client, name, TILEBOX_DATASET_KIND_TEMPORAL, specs);

  summarised = tilebox_client_update_dataset (client, created, NULL, NULL, 0, "Now with a summary",
                                              NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tilebox_dataset_get_name (summarised), ==, name);
  g_assert_cmpstr (tilebox_dataset_get_summary (summarised), ==, "Now with a summary");
  names = field_names (summarised);
  g_assert_cmpstr (names, ==, "time id ingestion_time temperature");

  renamed = tilebox_client_update_dataset (client, summarised, "Renamed, fields kept", empty, 0, NULL,
                                           NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tilebox_dataset_get_name (renamed), ==, "Renamed, fields kept");
  g_assert_cmpstr (tilebox_dataset_get_summary (renamed), ==, "Now with a summary");
  g_clear_pointer (&names, g_free);
  names = field_names (renamed);
  g_assert_cmpstr (names, ==, "time id ingestion_time temperature");
}

static void
test_update_async (void)
{
  g_autoptr(TileboxClient) client = new_client ();
  g_autoptr(GPtrArray) specs = specs_new ();
  g_autofree char *name = unique_name ();
  g_autoptr(TileboxDataset) created = NULL;
  g_autoptr(TileboxDataset) updated = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *names = NULL;
  Wait wait;

  created = create_sync (client, name, TILEBOX_DATASET_KIND_TEMPORAL, NULL);
  g_ptr_array_add (specs, tilebox_field_spec_new_enum ("level", "ProcessingLevel"));

  wait_init (&wait);
  tilebox_client_update_dataset_async (client, created, "Renamed async", specs_data (specs), specs->len,
                                       NULL, NULL, wait_ready_cb, &wait);
  updated = tilebox_client_update_dataset_finish (client, wait_run (&wait), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tilebox_dataset_get_name (updated), ==, "Renamed async");
  names = field_names (updated);
  g_assert_cmpstr (names, ==, "time id ingestion_time level");
  wait_clear (&wait);
}

/* The demo's datasets have types that cannot be edited. */
static void
test_update_fixed_type_is_failed_precondition (void)
{
  g_autoptr(TileboxClient) client = new_client ();
  g_autoptr(TileboxDataset) s2 = get_sync (client, S2_SLUG);
  g_autoptr(GPtrArray) specs = specs_new ();
  g_autoptr(TileboxDataset) updated = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (tilebox_dataset_get_type_editable (s2));
  add_spec (specs, "extra", TILEBOX_FIELD_TYPE_BOOL);
  updated = tilebox_client_update_dataset (client, s2, NULL, specs_data (specs), specs->len, NULL, NULL,
                                           &error);
  g_assert_null (updated);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_FAILED_PRECONDITION);
}

/* --- delete ----------------------------------------------------------------- */

static void
test_delete_then_not_found (void)
{
  g_autoptr(TileboxClient) client = new_client ();
  g_autofree char *name = unique_name ();
  g_autoptr(TileboxDataset) created = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *slug = NULL;

  created = create_sync (client, name, TILEBOX_DATASET_KIND_SPATIOTEMPORAL, NULL);
  slug = g_strdup (tilebox_dataset_get_slug (created));

  g_assert_true (tilebox_client_delete_dataset (client, created, NULL, &error));
  g_assert_no_error (error);
  assert_not_found (client, slug);

  /* Twice is once too many. */
  g_assert_false (tilebox_client_delete_dataset (client, created, NULL, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_NOT_FOUND);
}

static void
test_delete_async (void)
{
  g_autoptr(TileboxClient) client = new_client ();
  g_autofree char *name = unique_name ();
  g_autoptr(TileboxDataset) created = NULL;
  g_autoptr(GError) error = NULL;
  Wait wait;

  created = create_sync (client, name, TILEBOX_DATASET_KIND_TEMPORAL, NULL);

  wait_init (&wait);
  tilebox_client_delete_dataset_async (client, created, NULL, wait_ready_cb, &wait);
  g_assert_true (tilebox_client_delete_dataset_finish (client, wait_run (&wait), &error));
  g_assert_no_error (error);
  wait_clear (&wait);
  assert_not_found (client, tilebox_dataset_get_slug (created));

  wait_init (&wait);
  tilebox_client_delete_dataset_async (client, created, NULL, wait_ready_cb, &wait);
  g_assert_false (tilebox_client_delete_dataset_finish (client, wait_run (&wait), &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_NOT_FOUND);
  wait_clear (&wait);
}

/* A whole round trip on one main loop, each step started from the
 * callback of the one before. */
typedef struct {
  TileboxClient *client;
  GMainLoop *loop;
  TileboxDataset *created;
  TileboxDataset *updated;
  gboolean deleted;
  GError *error;
} RoundTrip;

static void
round_trip_deleted_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  RoundTrip *trip = user_data;

  trip->deleted = tilebox_client_delete_dataset_finish (TILEBOX_CLIENT (source), result, &trip->error);
  g_main_loop_quit (trip->loop);
}

static void
round_trip_updated_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  RoundTrip *trip = user_data;

  trip->updated = tilebox_client_update_dataset_finish (TILEBOX_CLIENT (source), result, &trip->error);
  if (trip->updated == NULL)
    {
      g_main_loop_quit (trip->loop);
      return;
    }
  tilebox_client_delete_dataset_async (trip->client, trip->updated, NULL, round_trip_deleted_cb, trip);
}

static void
round_trip_created_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  RoundTrip *trip = user_data;
  TileboxFieldSpec *fields[2];

  trip->created = tilebox_client_create_dataset_finish (TILEBOX_CLIENT (source), result, &trip->error);
  if (trip->created == NULL)
    {
      g_main_loop_quit (trip->loop);
      return;
    }
  fields[0] = tilebox_field_spec_new ("count", TILEBOX_FIELD_TYPE_UINT64);
  fields[1] = tilebox_field_spec_new ("where", TILEBOX_FIELD_TYPE_LATLONALT);
  tilebox_client_update_dataset_async (trip->client, trip->created, NULL, fields, G_N_ELEMENTS (fields),
                                       "Summary", NULL, round_trip_updated_cb, trip);
  tilebox_field_spec_unref (fields[0]);
  tilebox_field_spec_unref (fields[1]);
}

static void
test_round_trip_on_main_loop (void)
{
  g_autofree char *name = unique_name ();
  g_autofree char *names = NULL;
  RoundTrip trip = { 0 };

  trip.client = new_client ();
  trip.loop = g_main_loop_new (test_context, FALSE);
  tilebox_client_create_dataset_async (trip.client, name, TILEBOX_DATASET_KIND_SPATIOTEMPORAL, NULL, 0,
                                       NULL, NULL, NULL, round_trip_created_cb, &trip);
  g_main_loop_run (trip.loop);

  g_assert_no_error (trip.error);
  g_assert_true (trip.deleted);
  names = field_names (trip.updated);
  g_assert_cmpstr (names, ==, "time id ingestion_time geometry count where");
  g_assert_cmpstr (tilebox_dataset_get_summary (trip.updated), ==, "Summary");
  assert_not_found (trip.client, tilebox_dataset_get_slug (trip.created));

  g_clear_object (&trip.created);
  g_clear_object (&trip.updated);
  g_clear_object (&trip.client);
  g_main_loop_unref (trip.loop);
}

/* --- input refused before sending --------------------------------------- */

/* Creating fails with TILEBOX_ERROR_INVALID_ARGUMENT naming `expected`,
 * blocking and async, and the server sees nothing. */
static void
assert_create_refused (TileboxClient       *client,
                       const char          *name,
                       TileboxDatasetKind   kind,
                       GPtrArray           *specs,
                       const char          *code_name,
                       const char          *summary,
                       const char          *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxDataset) dataset = NULL;
  TileboxFieldSpec **fields = specs ? specs_data (specs) : NULL;
  gsize n_fields = specs ? specs->len : 0;
  guint before = request_count ();
  Wait wait;

  dataset = tilebox_client_create_dataset (client, name, kind, fields, n_fields, code_name, summary,
                                           NULL, &error);
  g_assert_null (dataset);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
  if (strstr (error->message, expected) == NULL)
    g_error ("“%s” does not say “%s”", error->message, expected);
  g_clear_error (&error);

  wait_init (&wait);
  tilebox_client_create_dataset_async (client, name, kind, fields, n_fields, code_name, summary, NULL,
                                       wait_ready_cb, &wait);
  dataset = tilebox_client_create_dataset_finish (client, wait_run (&wait), &error);
  g_assert_null (dataset);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, expected));
  wait_clear (&wait);

  g_assert_cmpuint (request_count (), ==, before);
}

/* A dataset of one field with that name. */
static void
assert_field_name_refused (TileboxClient      *client,
                           TileboxDatasetKind  kind,
                           const char         *field_name,
                           const char         *expected)
{
  g_autoptr(GPtrArray) specs = specs_new ();

  add_spec (specs, "fine", TILEBOX_FIELD_TYPE_BOOL);
  add_spec (specs, field_name, TILEBOX_FIELD_TYPE_STRING);
  assert_create_refused (client, "Refused", kind, specs, NULL, NULL, expected);
}

static void
test_invalid_names_and_kinds (void)
{
  g_autoptr(TileboxClient) client = new_client ();

  assert_create_refused (client, "", TILEBOX_DATASET_KIND_TEMPORAL, NULL, NULL, NULL, "must not be empty");
  assert_create_refused (client, "   ", TILEBOX_DATASET_KIND_TEMPORAL, NULL, NULL, NULL, "blank");
  assert_create_refused (client, "Tab\there", TILEBOX_DATASET_KIND_TEMPORAL, NULL, NULL, NULL, "control character");
  assert_create_refused (client, "Bad \xff UTF-8", TILEBOX_DATASET_KIND_TEMPORAL, NULL, NULL, NULL, "UTF-8");
  assert_create_refused (client, "Fine", TILEBOX_DATASET_KIND_UNSPECIFIED, NULL, NULL, NULL,
                         "temporal or spatiotemporal");
  assert_create_refused (client, "Fine", (TileboxDatasetKind) 7, NULL, NULL, NULL, "temporal or spatiotemporal");
  assert_create_refused (client, "Fine", TILEBOX_DATASET_KIND_TEMPORAL, NULL, "Upper", NULL, "“Upper”");
  assert_create_refused (client, "Fine", TILEBOX_DATASET_KIND_TEMPORAL, NULL, "9lives", NULL, "“9lives”");
  assert_create_refused (client, "Fine", TILEBOX_DATASET_KIND_TEMPORAL, NULL, "with-dash", NULL, "code name");
  assert_create_refused (client, "Fine", TILEBOX_DATASET_KIND_TEMPORAL, NULL, "", NULL, "code name");
  assert_create_refused (client, "Fine", TILEBOX_DATASET_KIND_TEMPORAL, NULL, NULL, "\xc3\x28", "summary");
}

static void
test_invalid_field_names (void)
{
  g_autoptr(TileboxClient) client = new_client ();
  static const char *const invalid[] = { "1st", "with space", "dash-ed", "ünï", "dot.ted", "a$" };

  assert_field_name_refused (client, TILEBOX_DATASET_KIND_TEMPORAL, "", "empty name");
  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autofree char *quoted = g_strdup_printf ("Invalid field name “%s”", invalid[i]);

      assert_field_name_refused (client, TILEBOX_DATASET_KIND_TEMPORAL, invalid[i], quoted);
    }
  assert_field_name_refused (client, TILEBOX_DATASET_KIND_TEMPORAL, "fine", "“fine” is given twice");
}

static void
test_reserved_field_names (void)
{
  g_autoptr(TileboxClient) client = new_client ();
  static const char *const temporal[] = { "time", "id", "ingestion_time" };

  for (guint i = 0; i < G_N_ELEMENTS (temporal); i++)
    {
      g_autofree char *expected = g_strdup_printf ("“%s” is reserved", temporal[i]);

      assert_field_name_refused (client, TILEBOX_DATASET_KIND_TEMPORAL, temporal[i], expected);
      assert_field_name_refused (client, TILEBOX_DATASET_KIND_SPATIOTEMPORAL, temporal[i], expected);
    }
  assert_field_name_refused (client, TILEBOX_DATASET_KIND_SPATIOTEMPORAL, "geometry",
                             "every spatiotemporal dataset");
}

static void
test_unknown_enum (void)
{
  g_autoptr(TileboxClient) client = new_client ();
  g_autoptr(GPtrArray) specs = specs_new ();
  g_autoptr(GPtrArray) other = specs_new ();

  g_ptr_array_add (specs, tilebox_field_spec_new_enum ("colour", "Colour"));
  assert_create_refused (client, "Refused", TILEBOX_DATASET_KIND_TEMPORAL, specs, NULL, NULL,
                         "unknown enumeration “Colour”");
  g_ptr_array_add (other, tilebox_field_spec_new_enum ("level", "tilebox.v1.ProcessingLevel"));
  assert_create_refused (client, "Refused", TILEBOX_DATASET_KIND_TEMPORAL, other, NULL, NULL,
                         "ProcessingLevel, FlightDirection");
}

static void
test_invalid_update_is_refused_without_traffic (void)
{
  g_autoptr(TileboxClient) client = new_client ();
  g_autofree char *name = unique_name ();
  g_autoptr(TileboxDataset) created = NULL;
  g_autoptr(GPtrArray) reserved = specs_new ();
  g_autoptr(GPtrArray) twice = specs_new ();
  struct {
    const char *name;
    GPtrArray *specs;
    const char *summary;
    const char *expected;
  } cases[] = {
    { "", NULL, NULL, "must not be empty" },
    { "  ", NULL, NULL, "blank" },
    { NULL, reserved, NULL, "“geometry” is reserved" },
    { NULL, twice, NULL, "given twice" },
    { NULL, NULL, "\xff", "UTF-8" },
  };
  guint before;

  created = create_sync (client, name, TILEBOX_DATASET_KIND_SPATIOTEMPORAL, NULL);
  add_spec (reserved, "geometry", TILEBOX_FIELD_TYPE_GEOMETRY);
  add_spec (twice, "a", TILEBOX_FIELD_TYPE_BOOL);
  add_spec (twice, "a", TILEBOX_FIELD_TYPE_BOOL);

  before = request_count ();
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TileboxDataset) updated = NULL;
      TileboxFieldSpec **fields = cases[i].specs ? specs_data (cases[i].specs) : NULL;
      gsize n_fields = cases[i].specs ? cases[i].specs->len : 0;
      Wait wait;

      updated = tilebox_client_update_dataset (client, created, cases[i].name, fields, n_fields,
                                               cases[i].summary, NULL, &error);
      g_assert_null (updated);
      g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, cases[i].expected));
      g_clear_error (&error);

      wait_init (&wait);
      tilebox_client_update_dataset_async (client, created, cases[i].name, fields, n_fields,
                                           cases[i].summary, NULL, wait_ready_cb, &wait);
      updated = tilebox_client_update_dataset_finish (client, wait_run (&wait), &error);
      g_assert_null (updated);
      g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
      wait_clear (&wait);
    }
  g_assert_cmpuint (request_count (), ==, before);
}

/* --- errors from the service ------------------------------------------------ */

static void
test_server_errors_map_to_codes (void)
{
  g_autoptr(TileboxClient) client = new_client ();
  g_autofree char *name = unique_name ();
  g_autoptr(TileboxDataset) created = NULL;
  g_autoptr(TileboxDataset) dataset = NULL;
  g_autoptr(GError) error = NULL;

  created = create_sync (client, name, TILEBOX_DATASET_KIND_TEMPORAL, NULL);

  _tilebox_server_fail_next (server, 1, 403, "permission_denied", 0);
  dataset = tilebox_client_create_dataset (client, "Denied", TILEBOX_DATASET_KIND_TEMPORAL, NULL, 0,
                                           NULL, NULL, NULL, &error);
  g_assert_null (dataset);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  _tilebox_server_fail_next (server, 1, 500, "internal", 0);
  dataset = tilebox_client_update_dataset (client, created, "Broken", NULL, 0, NULL, NULL, &error);
  g_assert_null (dataset);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INTERNAL);
  g_clear_error (&error);

  _tilebox_server_fail_next (server, 1, 401, "unauthenticated", 0);
  g_assert_false (tilebox_client_delete_dataset (client, created, NULL, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_UNAUTHENTICATED);
  g_clear_error (&error);

  /* Unavailable is retried. */
  _tilebox_server_fail_next (server, 2, 503, "unavailable", 0);
  g_assert_true (tilebox_client_delete_dataset (client, created, NULL, &error));
  g_assert_no_error (error);
}

/* --- cancellation ----------------------------------------------------------- */

static void
test_cancelled_before_start (void)
{
  g_autoptr(TileboxClient) client = new_client ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *name = unique_name ();
  g_autoptr(TileboxDataset) created = NULL;
  g_autoptr(TileboxDataset) dataset = NULL;
  g_autoptr(GError) error = NULL;
  guint before;
  Wait wait;

  created = create_sync (client, name, TILEBOX_DATASET_KIND_TEMPORAL, NULL);
  g_cancellable_cancel (cancellable);
  before = request_count ();

  dataset = tilebox_client_create_dataset (client, "Cancelled", TILEBOX_DATASET_KIND_TEMPORAL, NULL, 0,
                                           NULL, NULL, cancellable, &error);
  g_assert_null (dataset);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  dataset = tilebox_client_update_dataset (client, created, "Cancelled", NULL, 0, NULL, cancellable,
                                           &error);
  g_assert_null (dataset);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_false (tilebox_client_delete_dataset (client, created, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  wait_init (&wait);
  tilebox_client_create_dataset_async (client, "Cancelled", TILEBOX_DATASET_KIND_TEMPORAL, NULL, 0,
                                       NULL, NULL, cancellable, wait_ready_cb, &wait);
  dataset = tilebox_client_create_dataset_finish (client, wait_run (&wait), &error);
  g_assert_null (dataset);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  wait_clear (&wait);

  wait_init (&wait);
  tilebox_client_update_dataset_async (client, created, "Cancelled", NULL, 0, NULL, cancellable,
                                       wait_ready_cb, &wait);
  dataset = tilebox_client_update_dataset_finish (client, wait_run (&wait), &error);
  g_assert_null (dataset);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  wait_clear (&wait);

  wait_init (&wait);
  tilebox_client_delete_dataset_async (client, created, cancellable, wait_ready_cb, &wait);
  g_assert_false (tilebox_client_delete_dataset_finish (client, wait_run (&wait), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  wait_clear (&wait);

  g_assert_cmpuint (request_count (), ==, before);
  /* Nothing happened to it. */
  g_clear_object (&dataset);
  dataset = get_sync (client, tilebox_dataset_get_slug (created));
  g_assert_cmpstr (tilebox_dataset_get_name (dataset), ==, name);
}

static gboolean
cancel_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static gpointer
cancel_thread (gpointer data)
{
  g_usleep (100 * 1000);
  g_cancellable_cancel (data);
  return NULL;
}

/* A call waiting for a slow server returns at once when cancelled. */
static void
test_cancelled_in_flight (void)
{
  g_autoptr(TileboxClient) client = new_client ();
  g_autoptr(GCancellable) blocking = g_cancellable_new ();
  g_autoptr(GCancellable) async = g_cancellable_new ();
  g_autoptr(TileboxDataset) dataset = NULL;
  g_autoptr(GError) error = NULL;
  GSource *source;
  GThread *thread;
  gint64 start;
  Wait wait;

  _tilebox_server_set_latency_ms (server, SLOW_SERVER_MS);

  start = g_get_monotonic_time ();
  thread = g_thread_new ("canceller", cancel_thread, blocking);
  dataset = tilebox_client_create_dataset (client, "Slow blocking", TILEBOX_DATASET_KIND_TEMPORAL, NULL, 0,
                                           NULL, NULL, blocking, &error);
  g_thread_join (thread);
  g_assert_null (dataset);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, CANCEL_BOUND_US);
  g_clear_error (&error);

  start = g_get_monotonic_time ();
  source = g_timeout_source_new (100);
  g_source_set_callback (source, cancel_cb, async, NULL);
  g_source_attach (source, test_context);
  g_source_unref (source);
  wait_init (&wait);
  tilebox_client_create_dataset_async (client, "Slow async", TILEBOX_DATASET_KIND_SPATIOTEMPORAL, NULL, 0,
                                       NULL, NULL, async, wait_ready_cb, &wait);
  dataset = tilebox_client_create_dataset_finish (client, wait_run (&wait), &error);
  g_assert_null (dataset);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, CANCEL_BOUND_US);
  wait_clear (&wait);

  _tilebox_server_set_latency_ms (server, 0);
}

/* --- main --------------------------------------------------------------- */

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  test_context = g_main_context_new ();
  g_main_context_push_thread_default (test_context);

  server_thread = _tilebox_server_thread_start (TRUE, &error);
  g_assert_no_error (error);
  server = _tilebox_server_thread_get_server (server_thread);
  server_url = _tilebox_server_thread_get_url (server_thread);

  g_test_add_func ("/datasets/spec/defaults-and-setters", test_spec_defaults_and_setters);
  g_test_add_func ("/datasets/spec/enum-names", test_spec_enum_names);
  g_test_add_func ("/datasets/spec/programmer-errors", test_spec_programmer_errors);
  g_test_add_func ("/datasets/spec/request-descriptors", test_spec_request_descriptors);

  g_test_add_func ("/datasets/create/temporal-with-every-type", test_create_temporal_with_every_type);
  g_test_add_func ("/datasets/create/spatiotemporal-has-geometry", test_create_spatiotemporal_has_geometry);
  g_test_add_func ("/datasets/create/without-own-fields-and-with-code-name", test_create_without_own_fields_and_with_code_name);
  g_test_add_func ("/datasets/create/async", test_create_async);

  g_test_add_func ("/datasets/update/renames-and-adds-a-field", test_update_renames_and_adds_a_field);
  g_test_add_func ("/datasets/update/null-and-empty-keep-fields", test_update_null_and_empty_keep_fields);
  g_test_add_func ("/datasets/update/async", test_update_async);
  g_test_add_func ("/datasets/update/fixed-type-is-failed-precondition", test_update_fixed_type_is_failed_precondition);

  g_test_add_func ("/datasets/delete/then-not-found", test_delete_then_not_found);
  g_test_add_func ("/datasets/delete/async", test_delete_async);
  g_test_add_func ("/datasets/round-trip-on-main-loop", test_round_trip_on_main_loop);

  g_test_add_func ("/datasets/invalid-input/names-and-kinds", test_invalid_names_and_kinds);
  g_test_add_func ("/datasets/invalid-input/field-names", test_invalid_field_names);
  g_test_add_func ("/datasets/invalid-input/reserved-field-names", test_reserved_field_names);
  g_test_add_func ("/datasets/invalid-input/unknown-enum", test_unknown_enum);
  g_test_add_func ("/datasets/invalid-input/update-refused-without-traffic", test_invalid_update_is_refused_without_traffic);

  g_test_add_func ("/datasets/errors/server-errors-map-to-codes", test_server_errors_map_to_codes);
  g_test_add_func ("/datasets/cancel/before-start", test_cancelled_before_start);
  g_test_add_func ("/datasets/cancel/in-flight", test_cancelled_in_flight);

  ret = g_test_run ();

  _tilebox_server_thread_stop (server_thread);
  g_main_context_pop_thread_default (test_context);
  g_main_context_unref (test_context);

  return ret;
}
