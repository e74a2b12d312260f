/* tilebox-demo.c: the demo catalogue of the local server
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "tilebox-error.h"
#include "tilebox-demo-private.h"

/* 2025-01-01T00:00:00Z */
#define DEMO_START_MS G_GINT64_CONSTANT (1735689600000)
#define DEMO_YEAR_MS G_GINT64_CONSTANT (31536000000)
#define HOUR_MS G_GINT64_CONSTANT (3600000)

/* datasets.v1.ProcessingLevel and FlightDirection values, as numbered in
 * datasets/v1/well_known_types.proto (ProcessingLevel is not in declaration order) */
#define PROCESSING_LEVEL_L0 12
#define PROCESSING_LEVEL_L1 10
#define PROCESSING_LEVEL_L1C 3
#define PROCESSING_LEVEL_L2A 5
#define FLIGHT_DIRECTION_ASCENDING 1
#define FLIGHT_DIRECTION_DESCENDING 2

#define TIMESTAMP_TYPE "google.protobuf.Timestamp"
#define DURATION_TYPE "google.protobuf.Duration"

typedef struct {
  const char *name;
  TileboxDescType type;
  gboolean repeated;
  const char *type_name;
  const char *description;
  const char *example_value;
  gboolean queryable;
} DemoField;

#define DEFAULT_FIELDS \
  { "time", TILEBOX_DESC_TYPE_MESSAGE, FALSE, TIMESTAMP_TYPE, \
    "Timestamp of the datapoint", "2025-01-01T00:00:19.024Z", TRUE }, \
  { "id", TILEBOX_DESC_TYPE_MESSAGE, FALSE, "datasets.v1.UUID", \
    "Unique identifier of the datapoint", "01941f29-c650-202f-6495-c71dd2118fb1", FALSE }, \
  { "ingestion_time", TILEBOX_DESC_TYPE_MESSAGE, FALSE, TIMESTAMP_TYPE, \
    "Time the datapoint was ingested", "2025-01-01T01:03:40Z", FALSE }

static const DemoField sentinel2_fields[] = {
  DEFAULT_FIELDS,
  { "geometry", TILEBOX_DESC_TYPE_MESSAGE, FALSE, "datasets.v1.Geometry",
    "Footprint of the granule", "POLYGON ((16 48, 17 48, 17 49, 16 49, 16 48))", FALSE },
  { "granule_name", TILEBOX_DESC_TYPE_STRING, FALSE, NULL,
    "Name of the granule", "S2A_MSIL1C_20250101T000019_N0511_R073_T57QWV_20250101T010340.SAFE", TRUE },
  { "processing_level", TILEBOX_DESC_TYPE_ENUM, FALSE, "datasets.v1.ProcessingLevel",
    "Processing level of the product", "L1C", TRUE },
  { "product_type", TILEBOX_DESC_TYPE_STRING, FALSE, NULL,
    "Product type", "S2MSI1C", TRUE },
  { "cloud_cover", TILEBOX_DESC_TYPE_DOUBLE, FALSE, NULL,
    "Cloud cover of the granule in percent", "12.34", TRUE },
  { "orbit_number", TILEBOX_DESC_TYPE_INT64, FALSE, NULL,
    "Absolute orbit number", "41234", TRUE },
  { "flight_direction", TILEBOX_DESC_TYPE_ENUM, FALSE, "datasets.v1.FlightDirection",
    "Flight direction of the satellite", "DESCENDING", FALSE },
};

static const DemoField ers_fields[] = {
  DEFAULT_FIELDS,
  { "geometry", TILEBOX_DESC_TYPE_MESSAGE, FALSE, "datasets.v1.Geometry",
    "Footprint of the scene", "POLYGON ((16 48, 17 48, 17 49, 16 49, 16 48))", FALSE },
  { "granule_name", TILEBOX_DESC_TYPE_STRING, FALSE, NULL,
    "Name of the granule", "E1_12345_STD_F0123", TRUE },
  { "processing_level", TILEBOX_DESC_TYPE_ENUM, FALSE, "datasets.v1.ProcessingLevel",
    "Processing level of the product", "L1", TRUE },
  { "product_type", TILEBOX_DESC_TYPE_STRING, FALSE, NULL,
    "Product type", "L1", TRUE },
  { "flight_direction", TILEBOX_DESC_TYPE_ENUM, FALSE, "datasets.v1.FlightDirection",
    "Flight direction of the satellite", "ASCENDING", TRUE },
  { "orbit_number", TILEBOX_DESC_TYPE_INT64, FALSE, NULL,
    "Absolute orbit number", "12345", TRUE },
};

static const DemoField weather_fields[] = {
  DEFAULT_FIELDS,
  { "station", TILEBOX_DESC_TYPE_STRING, FALSE, NULL,
    "Name of the weather station", "Berlin-Tempelhof", TRUE },
  { "temperature", TILEBOX_DESC_TYPE_DOUBLE, FALSE, NULL,
    "Air temperature in degrees Celsius", "12.5", TRUE },
  { "humidity", TILEBOX_DESC_TYPE_FLOAT, FALSE, NULL,
    "Relative humidity in percent (absent when the sensor failed)", "65.5", TRUE },
  { "pressure", TILEBOX_DESC_TYPE_UINT32, FALSE, NULL,
    "Air pressure in hPa (absent when the sensor failed)", "1013", TRUE },
  { "rain", TILEBOX_DESC_TYPE_BOOL, FALSE, NULL,
    "Whether it rained in the last hour", "false", TRUE },
  { "tags", TILEBOX_DESC_TYPE_STRING, TRUE, NULL,
    "Free-form tags", "hourly", FALSE },
};

static const TileboxDemoCollection demo_collections[] = {
  { TILEBOX_DEMO_SENTINEL2_SLUG, "S2A_S2MSI1C", 3000 },
  { TILEBOX_DEMO_SENTINEL2_SLUG, "S2B_S2MSI1C", 1800 },
  { TILEBOX_DEMO_SENTINEL2_SLUG, "S2A_S2MSI2A", 900 },
  { TILEBOX_DEMO_SENTINEL2_SLUG, "S2C_S2MSI2A", 300 },
  { TILEBOX_DEMO_ERS_SLUG, "ERS-1", 600 },
  { TILEBOX_DEMO_ERS_SLUG, "ERS-2", 400 },
  { TILEBOX_DEMO_WEATHER_SLUG, "berlin", 500 },
  { TILEBOX_DEMO_WEATHER_SLUG, "munich", 250 },
  { NULL, NULL, 0 }
};

const TileboxDemoCollection *
_tilebox_demo_get_collections (void)
{
  return demo_collections;
}

/* --- types ------------------------------------------------------------- */

char *
_tilebox_demo_camel_case (const char *code_name)
{
  GString *out = g_string_new (NULL);
  gboolean upper = TRUE;

  for (const char *p = code_name; *p != '\0'; p++)
    {
      if (*p == '_' || *p == '-' || *p == '.' || *p == ' ')
        {
          upper = TRUE;
          continue;
        }
      g_string_append_c (out, upper ? g_ascii_toupper (*p) : *p);
      upper = FALSE;
    }
  return g_string_free (out, FALSE);
}

void
_tilebox_demo_build_type (TileboxPbAnnotatedType                *type,
                          const char                            *code_name,
                          gint                                   kind,
                          const TileboxDescFieldSpec            *fields,
                          const TileboxPbFieldAnnotation *const *annotations,
                          gsize                                  n_fields)
{
  g_autofree char *message_name = _tilebox_demo_camel_case (code_name);
  g_autofree char *file_name = g_strdup_printf ("datasets/v1/local/%s.proto", code_name);
  const char *dependencies[4];
  gboolean timestamp = FALSE, duration = FALSE, well_known = FALSE;
  guint n_deps = 0;

  for (gsize i = 0; i < n_fields; i++)
    {
      const char *type_name = fields[i].type_name;

      if (type_name == NULL)
        continue;
      if (g_str_equal (type_name, TIMESTAMP_TYPE))
        timestamp = TRUE;
      else if (g_str_equal (type_name, DURATION_TYPE))
        duration = TRUE;
      else if (g_str_has_prefix (type_name, "datasets.v1."))
        well_known = TRUE;
    }
  if (timestamp)
    dependencies[n_deps++] = "google/protobuf/timestamp.proto";
  if (duration)
    dependencies[n_deps++] = "google/protobuf/duration.proto";
  if (well_known)
    dependencies[n_deps++] = "datasets/v1/well_known_types.proto";
  dependencies[n_deps] = NULL;

  type->descriptor_set = _tilebox_desc_build_file_set (file_name, "datasets.v1.local", message_name,
                                                       fields, n_fields, dependencies);
  type->type_url = g_strdup_printf ("datasets.v1.local.%s", message_name);
  type->kind = kind;
  type->field_annotations = g_ptr_array_new_with_free_func (_tilebox_pb_field_annotation_free);
  for (gsize i = 0; i < n_fields; i++)
    {
      TileboxPbFieldAnnotation *annotation = g_new0 (TileboxPbFieldAnnotation, 1);
      const TileboxPbFieldAnnotation *src = annotations ? annotations[i] : NULL;

      annotation->description = g_strdup (src && src->description ? src->description : "");
      annotation->example_value = g_strdup (src && src->example_value ? src->example_value : "");
      annotation->queryable = src ? src->queryable : FALSE;
      g_ptr_array_add (type->field_annotations, annotation);
    }
}

static void
build_demo_type (TileboxPbAnnotatedType *type,
                 const char             *code_name,
                 gint                    kind,
                 const DemoField        *fields,
                 gsize                   n_fields)
{
  g_autofree TileboxDescFieldSpec *specs = g_new0 (TileboxDescFieldSpec, n_fields);
  g_autofree TileboxPbFieldAnnotation *annotations = g_new0 (TileboxPbFieldAnnotation, n_fields);
  g_autofree const TileboxPbFieldAnnotation **pointers = g_new0 (const TileboxPbFieldAnnotation *, n_fields);

  for (gsize i = 0; i < n_fields; i++)
    {
      specs[i].name = fields[i].name;
      specs[i].type = fields[i].type;
      specs[i].repeated = fields[i].repeated;
      specs[i].type_name = fields[i].type_name;
      annotations[i].description = (char *) fields[i].description;
      annotations[i].example_value = (char *) fields[i].example_value;
      annotations[i].queryable = fields[i].queryable;
      pointers[i] = &annotations[i];
    }
  _tilebox_demo_build_type (type, code_name, kind, specs, pointers, n_fields);
}

/* --- ids ---------------------------------------------------------------- */

/* A stable UUID (version 4 layout) derived from a name. */
static void
demo_uuid (const char *name,
           TileboxPbId *id)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize len = sizeof digest;

  g_checksum_update (checksum, (const guchar *) "libtilebox-demo/", -1);
  g_checksum_update (checksum, (const guchar *) name, -1);
  g_checksum_get_digest (checksum, digest, &len);
  memcpy (id->uuid, digest, 16);
  id->uuid[6] = (id->uuid[6] & 0x0f) | 0x40;
  id->uuid[8] = (id->uuid[8] & 0x3f) | 0x80;
  id->set = TRUE;
}

/* --- datapoints ------------------------------------------------------------ */

static void
ms_to_timestamp (gint64              ms,
                 TileboxPbTimestamp *ts)
{
  ts->seconds = ms / 1000;
  ts->nanos = (gint32) ((ms % 1000) * 1000000);
}

static void
put_u32 (GByteArray *out,
         guint32     v)
{
  guint32 le = GUINT32_TO_LE (v);
  g_byte_array_append (out, (const guint8 *) &le, 4);
}

static void
put_f64 (GByteArray *out,
         double      v)
{
  guint64 bits;

  memcpy (&bits, &v, 8);
  bits = GUINT64_TO_LE (bits);
  g_byte_array_append (out, (const guint8 *) &bits, 8);
}

/* Writes a datasets.v1.Geometry holding an EWKB polygon (SRID 4326), a
 * box of dlat x dlon degrees with its south-west corner at lon, lat. */
static void
write_box_geometry (GByteArray *out,
                    guint32     field,
                    double      lon,
                    double      lat,
                    double      dlon,
                    double      dlat)
{
  g_autoptr(GByteArray) wkb = g_byte_array_new ();
  g_autoptr(GByteArray) geometry = g_byte_array_new ();
  const double xs[5] = { lon, lon + dlon, lon + dlon, lon, lon };
  const double ys[5] = { lat, lat, lat + dlat, lat + dlat, lat };
  const guint8 little_endian = 1;

  g_byte_array_append (wkb, &little_endian, 1);
  put_u32 (wkb, 3 | 0x20000000);  /* polygon, with SRID */
  put_u32 (wkb, 4326);
  put_u32 (wkb, 1);               /* rings */
  put_u32 (wkb, 5);               /* points */
  for (guint i = 0; i < 5; i++)
    {
      put_f64 (wkb, xs[i]);
      put_f64 (wkb, ys[i]);
    }
  _tilebox_pb_write_bytes (geometry, 1, wkb->data, wkb->len);
  _tilebox_pb_write_message (out, field, geometry);
}

static double
round_to (double v,
          double scale)
{
  return round (v * scale) / scale;
}

static char *
format_compact_time (gint64 ms)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (ms / 1000);

  return g_date_time_format (dt, "%Y%m%dT%H%M%S");
}

typedef void (*DemoGenerator) (GRand      *rand,
                               const char *collection,
                               guint       index,
                               gint64      time_ms,
                               GByteArray *tail);

static void
generate_sentinel2 (GRand      *rand,
                    const char *collection,
                    guint       index,
                    gint64      time_ms,
                    GByteArray *tail)
{
  static const char bands[] = "CDEFGHJKLMNPQRSTUVWX";
  g_autofree char *platform = g_strndup (collection, 3);
  const char *underscore = strchr (collection, '_');
  const char *product_type = underscore != NULL ? underscore + 1 : collection;
  gboolean l1c = g_str_has_suffix (collection, "1C");
  double lat = round_to (g_rand_double_range (rand, -56.0, 72.0), 1000.0);
  double dlon = round_to (1.0 / cos (lat * G_PI / 180.0), 1000.0);
  double lon = round_to (g_rand_double_range (rand, -179.0, 179.0 - 2.0 * dlon), 1000.0);
  gint64 base_orbit = g_str_equal (platform, "S2A") ? 40000 : g_str_equal (platform, "S2B") ? 31000 : 1000;
  gint64 orbit = base_orbit + (time_ms - DEMO_START_MS) / (6036 * 1000);
  g_autofree char *sensing = format_compact_time (time_ms);
  g_autofree char *processed = format_compact_time (time_ms + HOUR_MS + g_rand_int_range (rand, 0, 3600) * 1000);
  guint zone = (guint) ((lon + 180.0) / 6.0) + 1;
  char band = bands[MIN ((guint) ((lat + 80.0) / 8.0), sizeof bands - 2)];
  char square1 = 'A' + g_rand_int_range (rand, 0, 26);
  char square2 = 'A' + g_rand_int_range (rand, 0, 26);
  g_autofree char *granule = g_strdup_printf ("%s_MSIL%s_%s_N0511_R%03d_T%02u%c%c%c_%s.SAFE",
                                              platform, l1c ? "1C" : "2A", sensing,
                                              (int) (orbit % 143) + 1, zone, band, square1, square2,
                                              processed);
  double cloud_cover = round_to (g_rand_double_range (rand, 0.0, 100.0), 100.0);

  write_box_geometry (tail, 4, lon, lat, dlon, 1.0);
  _tilebox_pb_write_string (tail, 5, granule);
  _tilebox_pb_write_varint (tail, 6, l1c ? PROCESSING_LEVEL_L1C : PROCESSING_LEVEL_L2A);
  _tilebox_pb_write_string (tail, 7, product_type);
  _tilebox_pb_write_double (tail, 8, cloud_cover);
  _tilebox_pb_write_varint (tail, 9, (guint64) orbit);
  _tilebox_pb_write_varint (tail, 10, FLIGHT_DIRECTION_DESCENDING);
}

static void
generate_ers (GRand      *rand,
              const char *collection,
              guint       index,
              gint64      time_ms,
              GByteArray *tail)
{
  gboolean ers1 = g_str_equal (collection, "ERS-1");
  double lat = round_to (g_rand_double_range (rand, -78.0, 78.0), 1000.0);
  double lon = round_to (g_rand_double_range (rand, -179.0, 177.0), 1000.0);
  gint64 orbit = (ers1 ? 12000 : 30000) + (time_ms - DEMO_START_MS) / (6030 * 1000);
  gboolean raw = index % 3 == 0;
  g_autofree char *granule = g_strdup_printf ("E%c_%05d_STD_F%04d", ers1 ? '1' : '2', (int) orbit,
                                              g_rand_int_range (rand, 0, 3000));

  write_box_geometry (tail, 4, lon, lat, 1.0, 1.0);
  _tilebox_pb_write_string (tail, 5, granule);
  _tilebox_pb_write_varint (tail, 6, raw ? PROCESSING_LEVEL_L0 : PROCESSING_LEVEL_L1);
  _tilebox_pb_write_string (tail, 7, raw ? "L0" : "L1");
  _tilebox_pb_write_varint (tail, 8, index % 2 ? FLIGHT_DIRECTION_ASCENDING : FLIGHT_DIRECTION_DESCENDING);
  _tilebox_pb_write_varint (tail, 9, (guint64) orbit);
}

static void
generate_weather (GRand      *rand,
                  const char *collection,
                  guint       index,
                  gint64      time_ms,
                  GByteArray *tail)
{
  static const char *const berlin[] = { "Berlin-Tempelhof", "Berlin-Dahlem", "Berlin-Tegel" };
  static const char *const munich[] = { "München-Stadt", "München-Flughafen" };
  gboolean is_berlin = g_str_equal (collection, "berlin");
  const char *station = is_berlin ? berlin[index % 3] : munich[index % 2];
  double day = (double) (time_ms - DEMO_START_MS) / (24.0 * HOUR_MS);
  double hour = fmod ((double) (time_ms - DEMO_START_MS) / HOUR_MS, 24.0);
  double temperature = round_to (1.0 + 10.0 * sin ((day - 100.0) * 2.0 * G_PI / 365.0)
                                 + 4.0 * sin ((hour - 9.0) * 2.0 * G_PI / 24.0)
                                 + g_rand_double_range (rand, -2.0, 2.0)
                                 - (is_berlin ? 0.0 : 1.5), 10.0);
  float humidity = (float) round_to (g_rand_double_range (rand, 35.0, 99.0), 10.0);
  guint32 pressure = (guint32) g_rand_int_range (rand, 985, 1036);
  gboolean rain = g_rand_double (rand) < 0.25;

  _tilebox_pb_write_string (tail, 4, station);
  _tilebox_pb_write_double (tail, 5, temperature);
  /* Sensors fail now and then: absent values test presence handling. */
  if (index % 10 != 9)
    _tilebox_pb_write_float (tail, 6, humidity);
  if (index % 7 != 6)
    _tilebox_pb_write_varint (tail, 7, pressure);
  _tilebox_pb_write_bool (tail, 8, rain);
  _tilebox_pb_write_string (tail, 9, "hourly");
  if (rain)
    _tilebox_pb_write_string (tail, 9, "rain");
  if (temperature < 0.0)
    _tilebox_pb_write_string (tail, 9, "frost");
}

static gboolean
load_collection (TileboxStore                *store,
                 const TileboxDemoCollection *spec,
                 const TileboxPbId           *dataset_id,
                 GError                     **error)
{
  g_autofree char *key = g_strdup_printf ("%s/%s", spec->dataset_slug, spec->name);
  g_autoptr(GRand) rand = NULL;
  g_autoptr(GByteArray) head = g_byte_array_new ();
  g_autoptr(GByteArray) tail = g_byte_array_new ();
  g_autoptr(GByteArray) content = g_byte_array_new ();
  TileboxStoreDatapoint *datapoints;
  TileboxPbCollectionInfo *info;
  TileboxPbId collection_id;
  DemoGenerator generator;
  gint64 stride_ms;
  gboolean jitter;
  gboolean ok;

  if (g_str_equal (spec->dataset_slug, TILEBOX_DEMO_SENTINEL2_SLUG))
    {
      generator = generate_sentinel2;
      stride_ms = DEMO_YEAR_MS / spec->count;
      jitter = TRUE;
    }
  else if (g_str_equal (spec->dataset_slug, TILEBOX_DEMO_ERS_SLUG))
    {
      generator = generate_ers;
      stride_ms = DEMO_YEAR_MS / spec->count;
      jitter = TRUE;
    }
  else
    {
      generator = generate_weather;
      /* berlin hourly, munich every two hours, on the hour; any other
       * station (_tilebox_demo_add_collection) spread over the year */
      if (g_str_equal (spec->name, "berlin"))
        stride_ms = HOUR_MS;
      else if (g_str_equal (spec->name, "munich"))
        stride_ms = 2 * HOUR_MS;
      else
        stride_ms = DEMO_YEAR_MS / spec->count;
      jitter = FALSE;
    }

  demo_uuid (key, &collection_id);
  info = _tilebox_store_insert_collection (store, dataset_id->uuid, collection_id.uuid, spec->name, error);
  if (info == NULL)
    return FALSE;
  _tilebox_pb_collection_info_free (info);

  rand = g_rand_new_with_seed (g_str_hash (key));
  datapoints = g_new0 (TileboxStoreDatapoint, spec->count);
  for (guint i = 0; i < spec->count; i++)
    {
      TileboxStoreDatapoint *dp = &datapoints[i];
      gint64 time_ms = DEMO_START_MS + (gint64) i * stride_ms;
      gint64 ingestion_ms;
      TileboxPbTimestamp ts;
      TileboxPbId id = { TRUE, { 0 } };

      if (jitter)
        time_ms += (gint64) (g_rand_double (rand) * (double) (stride_ms / 2));
      ingestion_ms = time_ms + HOUR_MS + g_rand_int_range (rand, 0, 2 * 3600 * 1000);

      g_byte_array_set_size (head, 0);
      g_byte_array_set_size (tail, 0);
      ms_to_timestamp (time_ms, &ts);
      _tilebox_pb_write_timestamp (head, 1, &ts);
      generator (rand, spec->name, i, time_ms, tail);

      /* the id: time, then a digest of the content without id and ingestion_time */
      g_byte_array_set_size (content, 0);
      g_byte_array_append (content, head->data, head->len);
      g_byte_array_append (content, tail->data, tail->len);
      _tilebox_store_derive_datapoint_id (time_ms, content->data, content->len, id.uuid);

      g_byte_array_set_size (content, 0);
      g_byte_array_append (content, head->data, head->len);
      _tilebox_pb_write_id (content, 2, &id);
      ms_to_timestamp (ingestion_ms, &ts);
      _tilebox_pb_write_timestamp (content, 3, &ts);
      g_byte_array_append (content, tail->data, tail->len);

      memcpy (dp->id, id.uuid, 16);
      dp->time_ms = time_ms;
      dp->ingestion_time_ns = ingestion_ms * 1000000;
      dp->data = g_bytes_new (content->data, content->len);
    }

  ok = _tilebox_store_insert_datapoints (store, collection_id.uuid, datapoints, spec->count,
                                         FALSE, NULL, NULL, error);
  for (guint i = 0; i < spec->count; i++)
    g_bytes_unref (datapoints[i].data);
  g_free (datapoints);
  return ok;
}

static gboolean
insert_group (TileboxStore *store,
              const char   *code_name,
              const char   *name,
              const char   *parent_key,
              TileboxPbId  *id_out,
              GError      **error)
{
  TileboxPbDatasetGroup group = { 0 };
  g_autofree char *key = parent_key ? g_strdup_printf ("group/%s.%s", parent_key, code_name)
                                    : g_strdup_printf ("group/%s", code_name);
  gboolean ok;

  demo_uuid (key, &group.id);
  if (parent_key != NULL)
    {
      g_autofree char *parent = g_strdup_printf ("group/%s", parent_key);
      demo_uuid (parent, &group.parent_id);
    }
  group.code_name = (char *) code_name;
  group.name = (char *) name;
  group.icon = (char *) "";
  ok = _tilebox_store_insert_group (store, &group, error);
  if (ok && id_out != NULL)
    *id_out = group.id;
  return ok;
}

static gboolean
insert_dataset (TileboxStore      *store,
                const char        *slug,
                const char        *code_name,
                const char        *name,
                const char        *summary,
                const char        *description,
                const TileboxPbId *group_id,
                gint               kind,
                const DemoField   *fields,
                gsize              n_fields,
                GError           **error)
{
  TileboxPbDataset dataset = { 0 };
  gint access = TILEBOX_PERMISSION_ACCESS_DATA;
  g_autofree char *key = g_strdup_printf ("dataset/%s", slug);
  gboolean ok;

  demo_uuid (key, &dataset.id);
  dataset.group_id = *group_id;
  dataset.has_type = TRUE;
  build_demo_type (&dataset.type, code_name, kind, fields, n_fields);
  dataset.code_name = g_strdup (code_name);
  dataset.name = g_strdup (name);
  dataset.summary = g_strdup (summary);
  dataset.icon = g_strdup ("");
  dataset.description = g_strdup (description);
  dataset.permissions = g_array_new (FALSE, FALSE, sizeof (gint));
  g_array_append_val (dataset.permissions, access);
  dataset.visibility = TILEBOX_VISIBILITY_PUBLIC;
  dataset.slug = g_strdup (slug);
  dataset.type_editable = FALSE;
  dataset.collections = g_ptr_array_new_with_free_func (_tilebox_pb_collection_info_free);

  ok = _tilebox_store_insert_dataset (store, &dataset, error);
  _tilebox_pb_dataset_clear (&dataset);
  return ok;
}

gboolean
_tilebox_demo_load (TileboxStore *store,
                    GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  TileboxPbDataset *existing;
  TileboxPbId open_data, copernicus, asf, demo;

  existing = _tilebox_store_get_dataset (store, NULL, TILEBOX_DEMO_SENTINEL2_SLUG, &local_error);
  if (existing != NULL)
    {
      _tilebox_pb_dataset_free (existing);
      return TRUE;
    }
  if (!g_error_matches (local_error, TILEBOX_ERROR, TILEBOX_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (!_tilebox_store_begin (store, error))
    return FALSE;
  if (!insert_group (store, "open_data", "Open data", NULL, &open_data, error) ||
      !insert_group (store, "copernicus", "Copernicus", "open_data", &copernicus, error) ||
      !insert_group (store, "asf", "Alaska Satellite Facility", "open_data", &asf, error) ||
      !insert_group (store, "demo", "Demo", NULL, &demo, error) ||
      !insert_dataset (store, TILEBOX_DEMO_SENTINEL2_SLUG, "sentinel2_msi", "Sentinel-2 MSI",
                       "Multi-spectral imagery of the Sentinel-2 satellites (demo data)",
                       "Granules of the MultiSpectral Instrument of Sentinel-2A, 2B and 2C, "
                       "processing levels L1C and L2A. Generated demo data.",
                       &copernicus, TILEBOX_DATASET_KIND_SPATIOTEMPORAL,
                       sentinel2_fields, G_N_ELEMENTS (sentinel2_fields), error) ||
      !insert_dataset (store, TILEBOX_DEMO_ERS_SLUG, "ers_sar", "ERS SAR",
                       "Synthetic aperture radar scenes of ERS-1 and ERS-2 (demo data)",
                       "SAR scenes of the European Remote-Sensing satellites. Generated demo data.",
                       &asf, TILEBOX_DATASET_KIND_SPATIOTEMPORAL,
                       ers_fields, G_N_ELEMENTS (ers_fields), error) ||
      !insert_dataset (store, TILEBOX_DEMO_WEATHER_SLUG, "weather_stations", "Weather stations",
                       "Hourly readings of weather stations (demo data)",
                       "Temperature, humidity, pressure and rain of stations in Berlin and Munich. "
                       "Humidity and pressure are missing now and then. Generated demo data.",
                       &demo, TILEBOX_DATASET_KIND_TEMPORAL,
                       weather_fields, G_N_ELEMENTS (weather_fields), error))
    goto fail;

  /* One transaction for everything: a catalogue loaded in part would count
   * as loaded by the check above, in a persistent database forever. */
  for (const TileboxDemoCollection *spec = demo_collections; spec->name != NULL; spec++)
    {
      g_autofree char *key = g_strdup_printf ("dataset/%s", spec->dataset_slug);
      TileboxPbId dataset_id;

      demo_uuid (key, &dataset_id);
      if (!load_collection (store, spec, &dataset_id, error))
        goto fail;
    }
  if (_tilebox_store_commit (store, error))
    return TRUE;

fail:
  _tilebox_store_rollback (store);
  return FALSE;
}

gboolean
_tilebox_demo_add_collection (TileboxStore *store,
                              const char   *dataset_slug,
                              const char   *name,
                              guint         n_datapoints,
                              GError      **error)
{
  const TileboxDemoCollection spec = { dataset_slug, name, n_datapoints };
  g_autofree char *key = g_strdup_printf ("dataset/%s", dataset_slug);
  TileboxPbId dataset_id;

  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (n_datapoints > 0, FALSE);

  /* One transaction: a failure leaves no empty collection behind. */
  demo_uuid (key, &dataset_id);
  if (!_tilebox_store_begin (store, error))
    return FALSE;
  if (load_collection (store, &spec, &dataset_id, error) && _tilebox_store_commit (store, error))
    return TRUE;

  _tilebox_store_rollback (store);
  return FALSE;
}
