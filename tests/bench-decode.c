/* bench-decode.c: speed of the schema-driven datapoint decoder
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Run with `meson test --benchmark -C BUILD -v decode` (or the executable
 * directly). Measures
 *  - the memory of 1 000 000 synthetic datapoints (below) held as columns,
 *    against their protobuf encoding (target: at most 2x);
 *  - decoding the recorded Sentinel-2 query page of the real service (1459
 *    datapoints, 1.23 MB) when the recordings are there: its datapoints
 *    alone, and with the QueryResultPage message around them, datapoints
 *    copied out of it or sliced (_tilebox_pb_query_result_page_decode_bytes,
 *    the loader's path), into new columns reserved for the page; compared
 *    with only gunzipping the same page (zlib inflate), in MB/s of
 *    uncompressed protobuf. Target: the loader's path at least 2x as fast
 *    as gunzip, with glibc's default malloc settings;
 *  - a synthetic page of 100 000 datapoints of a Sentinel-2-like type
 *    (the fields of the local server's demo dataset), built here;
 *  - encoding that page back for ingestion: from its decoded columns (how
 *    loaded datapoints are ingested again) and from their JSON
 *    (tilebox_datapoints_to_json ()), in datapoints/s and MB/s of protobuf
 *    written.
 * Each measurement is the best of several rounds, after a warm-up.
 *
 * Usage: bench-decode [RUNS [page]]   (RUNS of the recorded page per round,
 * 200; with `page`, only the loader's path RUNS times, for profilers)
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "tilebox-columns-private.h"
#include "tilebox-datapoints-private.h"
#include "tilebox-descriptor-private.h"
#include "tilebox-encoder-private.h"
#include "tilebox-messages-private.h"
#include "tilebox-pb-private.h"
#include "tilebox-schema-private.h"
#include "tilebox-test-recordings.h"

#define ROUNDS 5
#define SYNTHETIC_ROWS 100000
#define MEMORY_ROWS 1000000

/* CPU time of this process, so that other processes on the machine
 * disturb the figures less; page faults count (as kernel time). */
static double
now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double) ts.tv_sec + ts.tv_nsec / 1e9;
}

static TileboxDescPool *
pool_with (const guint8 *set,
           gsize         len)
{
  TileboxDescPool *pool = _tilebox_desc_pool_new ();
  g_autoptr(GError) error = NULL;

  if (!_tilebox_columns_add_well_known_types (pool, &error) ||
      !_tilebox_desc_pool_add_file_set (pool, set, len, &error))
    g_error ("%s", error->message);
  return pool;
}

/* Decodes `values` (GBytes) into new columns reserved for them, as the
 * loader does with a page. */
static void
decode_values (TileboxDescPool *pool,
               const char      *type,
               GPtrArray       *values)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxColumns) columns = _tilebox_columns_new (pool, type, &error);

  if (columns == NULL)
    g_error ("%s", error->message);
  _tilebox_columns_reserve (columns, values->len);
  for (guint i = 0; i < values->len; i++)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (g_ptr_array_index (values, i), &len);

      if (!_tilebox_columns_append (columns, data, len, &error))
        g_error ("datapoint %u: %s", i, error->message);
    }
  g_assert (columns->n_rows == values->len);
}

/* Seconds for decoding all `values` into new columns, best of ROUNDS
 * rounds of `runs` runs each, per run. */
static double
time_decode (TileboxDescPool *pool,
             const char      *type,
             GPtrArray       *values,
             guint            runs)
{
  double best = G_MAXDOUBLE;

  for (guint round = 0; round <= ROUNDS; round++)
    {
      double start = now ();
      double elapsed;

      for (guint run = 0; run < runs; run++)
        decode_values (pool, type, values);
      elapsed = (now () - start) / runs;
      if (round > 0 && elapsed < best) /* round 0 warms up */
        best = elapsed;
    }
  return best;
}

static gsize
total_size (GPtrArray *values)
{
  gsize total = 0;

  for (guint i = 0; i < values->len; i++)
    total += g_bytes_get_size (g_ptr_array_index (values, i));
  return total;
}

static void
print_rate (const char *what,
            guint       n,
            guint       runs,
            gsize       bytes,
            double      seconds)
{
  g_print ("%s: %u datapoints x %u runs: %.2fM datapoints/s, %.0f MB/s (%.1f us per page)\n",
           what, n, runs, n / seconds / 1e6, bytes / seconds / 1e6, seconds * 1e6);
}

/* Gunzips `gz` into out (of exactly the uncompressed size). */
static void
gunzip_into (GBytes *gz,
             guint8 *out,
             gsize   out_len)
{
  z_stream z;
  int rc;

  memset (&z, 0, sizeof z);
  if (inflateInit2 (&z, 16 + MAX_WBITS) != Z_OK)
    g_error ("inflateInit2");
  z.next_in = (Bytef *) g_bytes_get_data (gz, NULL);
  z.avail_in = (uInt) g_bytes_get_size (gz);
  z.next_out = out;
  z.avail_out = (uInt) out_len;
  rc = inflate (&z, Z_FINISH);
  if (rc != Z_STREAM_END || z.total_out != out_len)
    g_error ("inflate: %d", rc);
  inflateEnd (&z);
}

/* Seconds per gunzip of `gz`, into a new buffer each time (as a response
 * body is) or into one buffer used again and again. */
static double
time_gunzip (GBytes  *gz,
             GBytes  *expected,
             gboolean fresh,
             guint    runs)
{
  gsize len = g_bytes_get_size (expected);
  g_autofree guint8 *reused = g_malloc (len);
  double best = G_MAXDOUBLE;

  for (guint round = 0; round <= ROUNDS; round++)
    {
      double start = now ();
      double elapsed;

      for (guint run = 0; run < runs; run++)
        {
          guint8 *out = fresh ? g_malloc (len) : reused;

          gunzip_into (gz, out, len);
          if (run == 0 && memcmp (out, g_bytes_get_data (expected, NULL), len) != 0)
            g_error ("gunzip gave other bytes");
          if (fresh)
            g_free (out);
        }
      elapsed = (now () - start) / runs;
      if (round > 0 && elapsed < best)
        best = elapsed;
    }
  return best;
}

/* How the page message is decoded. */
typedef enum {
  PAGE_COPY,   /* _tilebox_pb_query_result_page_decode: each datapoint copied */
  PAGE_SLICES, /* _tilebox_pb_query_result_page_decode_bytes: slices of the body */
} PageDecode;

/* Decodes the page `body` and its datapoints into new columns, as the
 * loader does. */
static void
decode_page (TileboxDescPool *pool,
             const char      *type,
             GBytes          *body,
             PageDecode       how)
{
  g_auto(TileboxPbQueryResultPage) page = { 0 };
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (how == PAGE_SLICES)
    ok = _tilebox_pb_query_result_page_decode_bytes (&page, body, &error);
  else
    ok = _tilebox_pb_query_result_page_decode (&page, g_bytes_get_data (body, NULL),
                                               g_bytes_get_size (body), &error);
  if (!ok)
    g_error ("%s", error->message);
  decode_values (pool, type, page.values);
}

static long
minor_faults (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_minflt;
}

/* Seconds per decode of the page message and its datapoints; the page
 * faults per page of the best round in *faults. */
static double
time_page_decode (TileboxDescPool *pool,
                  const char      *type,
                  GBytes          *body,
                  PageDecode       how,
                  guint            runs,
                  double          *faults)
{
  double best = G_MAXDOUBLE;

  for (guint round = 0; round <= ROUNDS; round++)
    {
      long faults_before = minor_faults ();
      double start = now ();
      double elapsed;

      for (guint run = 0; run < runs; run++)
        decode_page (pool, type, body, how);
      elapsed = (now () - start) / runs;
      if (round > 0 && elapsed < best)
        {
          best = elapsed;
          *faults = (double) (minor_faults () - faults_before) / runs;
        }
    }
  return best;
}

typedef struct {
  GPtrArray *calls;
  GPtrArray *gzipped;
  TileboxPbDataset dataset;
  TileboxPbQueryResultPage page;
  TileboxDescPool *pool;
} Recorded;

static gboolean
recorded_load (Recorded *r)
{
  g_autoptr(GError) error = NULL;
  GBytes *body;

  memset (r, 0, sizeof *r);
  r->calls = tilebox_test_load_recording ("query.rpcs.bin",
                                          TILEBOX_TEST_RECORDING_GUNZIP |
                                          TILEBOX_TEST_RECORDING_OPTIONAL);
  if (r->calls == NULL)
    return FALSE;
  r->gzipped = tilebox_test_load_recording ("query.rpcs.bin", TILEBOX_TEST_RECORDING_GZIP);

  body = g_ptr_array_index (r->calls, 0);
  if (!_tilebox_pb_dataset_decode (&r->dataset, g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error))
    g_error ("%s", error->message);
  r->pool = pool_with (g_bytes_get_data (r->dataset.type.descriptor_set, NULL),
                       g_bytes_get_size (r->dataset.type.descriptor_set));
  body = g_ptr_array_index (r->calls, 1);
  if (!_tilebox_pb_query_result_page_decode (&r->page, g_bytes_get_data (body, NULL),
                                             g_bytes_get_size (body), &error))
    g_error ("%s", error->message);
  return TRUE;
}

static void
recorded_clear (Recorded *r)
{
  g_clear_pointer (&r->calls, g_ptr_array_unref);
  g_clear_pointer (&r->gzipped, g_ptr_array_unref);
  _tilebox_pb_dataset_clear (&r->dataset);
  _tilebox_pb_query_result_page_clear (&r->page);
  g_clear_pointer (&r->pool, _tilebox_desc_pool_unref);
}

#define TARGET_RATIO 2.0
#define TARGET_REPEATS 3

static void
bench_recorded (Recorded   *r,
                const char *mode,
                guint       runs)
{
  GBytes *body = g_ptr_array_index (r->calls, 1);
  GBytes *gz = g_ptr_array_index (r->gzipped, 1);
  gsize body_len = g_bytes_get_size (body);
  guint n = r->page.values->len;
  const char *type = r->dataset.type.type_url;
  g_autofree char *label = NULL;
  double decode, copied, sliced, gunzip_fresh, gunzip_reused, gunzip, ratio;
  double copied_faults = 0, sliced_faults = 0;

  g_print ("--- %s\n", mode);

  decode = time_decode (r->pool, type, r->page.values, runs);
  label = g_strdup_printf ("decode recorded page (%lu bytes of datapoints)", (gulong) total_size (r->page.values));
  print_rate (label, n, runs, total_size (r->page.values), decode);
  copied = time_page_decode (r->pool, type, body, PAGE_COPY, runs, &copied_faults);
  print_rate ("decode recorded page with the page message, datapoints copied", n, runs, body_len, copied);
  sliced = time_page_decode (r->pool, type, body, PAGE_SLICES, runs, &sliced_faults);
  print_rate ("decode recorded page with the page message, datapoints sliced (the loader's path)",
              n, runs, body_len, sliced);
  g_print ("page faults per page: %.0f with the datapoints copied, %.0f sliced\n",
           copied_faults, sliced_faults);

  gunzip_fresh = time_gunzip (gz, body, TRUE, runs);
  gunzip_reused = time_gunzip (gz, body, FALSE, runs);
  g_print ("gunzip recorded page: %lu -> %lu bytes x %u runs: %.0f MB/s into a new buffer each time, "
           "%.0f MB/s into the same buffer (%.1f / %.1f us per page)\n",
           (gulong) g_bytes_get_size (gz), (gulong) body_len, runs,
           body_len / gunzip_fresh / 1e6, body_len / gunzip_reused / 1e6,
           gunzip_fresh * 1e6, gunzip_reused * 1e6);

  /* the same page, so the speeds compare as the inverse of the times;
   * for the target, the loader's path and gunzip measured in turn a few
   * times more, so that a busy moment of the machine does not decide it */
  gunzip = MIN (gunzip_fresh, gunzip_reused);
  for (guint i = 0; i < TARGET_REPEATS; i++)
    {
      double faults;

      gunzip = MIN (gunzip, time_gunzip (gz, body, TRUE, runs));
      sliced = MIN (sliced, time_page_decode (r->pool, type, body, PAGE_SLICES, runs, &faults));
    }
  ratio = gunzip / sliced;
  g_print ("decode recorded page: %u datapoints x %u runs: %.2fM datapoints/s, %.0f MB/s; "
           "gunzip: %.0f MB/s (decoding %.1fx faster than gunzip; with the page message "
           "%.1fx copying the datapoints, %.1fx slicing them)\n",
           n, runs, n / decode / 1e6, body_len / decode / 1e6, body_len / gunzip / 1e6,
           gunzip / decode, gunzip / copied, ratio);
  g_print ("target: page message + columns at least %.0fx faster than gunzip: "
           "%.1f us against %.1f us per page, %.2fx, %s\n",
           TARGET_RATIO, sliced * 1e6, gunzip * 1e6, ratio, ratio >= TARGET_RATIO ? "met" : "NOT met");
}

/* --- synthetic ----------------------------------------------------------- */

static const TileboxDescFieldSpec synthetic_fields[] = {
  { "time", TILEBOX_DESC_TYPE_MESSAGE, FALSE, "google.protobuf.Timestamp" },
  { "id", TILEBOX_DESC_TYPE_MESSAGE, FALSE, "datasets.v1.UUID" },
  { "ingestion_time", TILEBOX_DESC_TYPE_MESSAGE, FALSE, "google.protobuf.Timestamp" },
  { "geometry", TILEBOX_DESC_TYPE_MESSAGE, FALSE, "datasets.v1.Geometry" },
  { "granule_name", TILEBOX_DESC_TYPE_STRING, FALSE, NULL },
  { "processing_level", TILEBOX_DESC_TYPE_ENUM, FALSE, "datasets.v1.ProcessingLevel" },
  { "product_type", TILEBOX_DESC_TYPE_STRING, FALSE, NULL },
  { "cloud_cover", TILEBOX_DESC_TYPE_DOUBLE, FALSE, NULL },
  { "orbit_number", TILEBOX_DESC_TYPE_INT64, FALSE, NULL },
  { "flight_direction", TILEBOX_DESC_TYPE_ENUM, FALSE, "datasets.v1.FlightDirection" },
};

static void
put_timestamp (GByteArray *out,
               guint32     field,
               gint64      ms)
{
  g_autoptr(GByteArray) sub = g_byte_array_new ();

  _tilebox_pb_write_varint (sub, 1, (guint64) (ms / 1000));
  if (ms % 1000 != 0)
    _tilebox_pb_write_varint (sub, 2, (guint64) (ms % 1000) * 1000000);
  _tilebox_pb_write_message (out, field, sub);
}

/* A polygon footprint as EWKB with SRID 4326: a square around (lon, lat). */
static void
put_footprint (GByteArray *out,
               guint32     field,
               double      lon,
               double      lat)
{
  g_autoptr(GByteArray) wkb = g_byte_array_new ();
  g_autoptr(GByteArray) sub = g_byte_array_new ();
  const guint8 header[] = { 0x01, 0x03, 0x00, 0x00, 0x20, 0xe6, 0x10, 0x00, 0x00 };
  const double corners[5][2] = { { -0.5, -0.5 }, { 0.5, -0.5 }, { 0.5, 0.5 }, { -0.5, 0.5 }, { -0.5, -0.5 } };
  guint32 n;

  g_byte_array_append (wkb, header, sizeof header);
  n = GUINT32_TO_LE (1);
  g_byte_array_append (wkb, (const guint8 *) &n, 4);
  n = GUINT32_TO_LE (5);
  g_byte_array_append (wkb, (const guint8 *) &n, 4);
  for (guint i = 0; i < 5; i++)
    {
      double xy[2] = { lon + corners[i][0], lat + corners[i][1] };

      g_byte_array_append (wkb, (const guint8 *) xy, sizeof xy);
    }
  _tilebox_pb_write_bytes (sub, 1, wkb->data, wkb->len);
  _tilebox_pb_write_message (out, field, sub);
}

/* Synthetic datapoint number i, its random parts from `rand`. */
static GBytes *
synthetic_datapoint (GRand *rand,
                     guint  i)
{
  const gint64 start_ms = G_GINT64_CONSTANT (1735689600000);
  g_autoptr(GByteArray) dp = g_byte_array_new ();
  g_autoptr(GByteArray) id = g_byte_array_new ();
  g_autofree char *granule = NULL;
  guint8 uuid[16];
  gint64 t = start_ms + (gint64) i * 2500;
  gboolean l2a = g_rand_boolean (rand);

  for (guint k = 0; k < 16; k++)
    uuid[k] = (guint8) g_rand_int_range (rand, 0, 256);
  granule = g_strdup_printf ("S2%c_MSI%s_20250101T%06u_N0511_R%03u_T%02uQWV_20250101T010340.SAFE",
                             l2a ? 'A' : 'B', l2a ? "L2A" : "L1C", i % 240000,
                             (guint) g_rand_int_range (rand, 1, 144),
                             (guint) g_rand_int_range (rand, 1, 61));

  put_timestamp (dp, 1, t);
  _tilebox_pb_write_bytes (id, 1, uuid, 16);
  _tilebox_pb_write_message (dp, 2, id);
  put_timestamp (dp, 3, t + 3600000 + g_rand_int_range (rand, 0, 100000));
  put_footprint (dp, 4, g_rand_double_range (rand, -180, 180), g_rand_double_range (rand, -80, 80));
  _tilebox_pb_write_string (dp, 5, granule);
  _tilebox_pb_write_varint (dp, 6, l2a ? 5 : 3);
  _tilebox_pb_write_string (dp, 7, l2a ? "S2MSI2A" : "S2MSI1C");
  _tilebox_pb_write_double (dp, 8, g_rand_double_range (rand, 0, 100));
  _tilebox_pb_write_varint (dp, 9, 40000 + i / 10);
  _tilebox_pb_write_varint (dp, 10, (guint64) g_rand_int_range (rand, 0, 3)); /* explicit zeros too */
  return g_byte_array_free_to_bytes (g_steal_pointer (&dp));
}

static GPtrArray *
synthetic_datapoints (guint n)
{
  GPtrArray *values = g_ptr_array_new_full (n, (GDestroyNotify) g_bytes_unref);
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (values, synthetic_datapoint (rand, i));
  return values;
}

static GBytes *
synthetic_set (void)
{
  static const char * const deps[] = {
    "google/protobuf/timestamp.proto", "datasets/v1/well_known_types.proto", NULL
  };

  return _tilebox_desc_build_file_set ("datasets/v1/bench/sentinel2.proto", "datasets.v1.bench",
                                       "Sentinel2", synthetic_fields,
                                       G_N_ELEMENTS (synthetic_fields), deps);
}

static TileboxDescPool *
synthetic_pool (void)
{
  g_autoptr(GBytes) set = synthetic_set ();

  return pool_with (g_bytes_get_data (set, NULL), g_bytes_get_size (set));
}

/* Resident memory of this process, in bytes. */
static gsize
resident_bytes (void)
{
  g_autofree char *statm = NULL;
  unsigned long size = 0, resident = 0;

  if (!g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL) ||
      sscanf (statm, "%lu %lu", &size, &resident) != 2)
    return 0;
  return (gsize) resident * (gsize) sysconf (_SC_PAGESIZE);
}

/* Memory of MEMORY_ROWS synthetic datapoints held as columns, against
 * their protobuf encoding: the bytes the columns hold, and how much the
 * resident memory grew while decoding them (each datapoint is encoded,
 * decoded and freed in turn, so that grows by the columns only). */
static void
bench_memory (void)
{
  g_autoptr(TileboxDescPool) pool = synthetic_pool ();
  g_autoptr(TileboxColumns) columns = _tilebox_columns_new (pool, "datasets.v1.bench.Sentinel2", NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  gsize rss_before = resident_bytes ();
  gsize held = 0, rss_growth;

  _tilebox_columns_reserve (columns, MEMORY_ROWS);
  for (guint i = 0; i < MEMORY_ROWS; i++)
    {
      g_autoptr(GBytes) dp = synthetic_datapoint (rand, i);
      g_autoptr(GError) error = NULL;
      gsize len;
      const guint8 *data = g_bytes_get_data (dp, &len);

      if (!_tilebox_columns_append (columns, data, len, &error))
        g_error ("%s", error->message);
    }
  rss_growth = resident_bytes () - rss_before;

  for (guint i = 0; i < columns->columns->len; i++)
    {
      const TileboxColumn *column = g_ptr_array_index (columns->columns, i);

      held += column->values->len + column->present->len;
      if (column->data != NULL)
        held += column->data->len;
      if (column->row_ends != NULL)
        held += column->row_ends->len * sizeof (guint64);
    }

  g_print ("memory: %u datapoints of a %u-field type: protobuf %.1f MB; columns hold %.1f MB (%.2fx), "
           "resident memory grew by %.1f MB (%.2fx; target at most 2x: %s)\n",
           columns->n_rows, columns->columns->len, columns->wire_bytes / 1e6,
           held / 1e6, (double) held / columns->wire_bytes,
           rss_growth / 1e6, (double) rss_growth / columns->wire_bytes,
           rss_growth <= 2 * columns->wire_bytes ? "met" : "NOT met");
}

static void
bench_synthetic (guint runs)
{
  g_autoptr(TileboxDescPool) pool = synthetic_pool ();
  g_autoptr(GPtrArray) values = synthetic_datapoints (SYNTHETIC_ROWS);
  double seconds = time_decode (pool, "datasets.v1.bench.Sentinel2", values, runs);

  print_rate ("decode synthetic Sentinel-2-like page", values->len, runs, total_size (values), seconds);
}

/* Seconds per encode of the synthetic page from `columns` (json NULL) or
 * from `json`, best of ROUNDS rounds of `runs` runs; the bytes written in
 * *bytes. */
static double
time_encode (TileboxEncoder *encoder,
             TileboxColumns *columns,
             JsonNode       *json,
             guint           runs,
             gsize          *bytes)
{
  double best = G_MAXDOUBLE;

  for (guint round = 0; round <= ROUNDS; round++)
    {
      double start = now ();
      double elapsed;

      for (guint run = 0; run < runs; run++)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(GPtrArray) out = NULL;

          if (json != NULL)
            out = _tilebox_encoder_encode_json (encoder, json, &error);
          else
            out = _tilebox_encoder_encode_columns (encoder, columns, &error);
          if (out == NULL)
            g_error ("%s", error->message);
          *bytes = total_size (out);
        }
      elapsed = (now () - start) / runs;
      if (round > 0 && elapsed < best)
        best = elapsed;
    }
  return best;
}

/* The synthetic page encoded back: from the columns it decodes to (its
 * EWKB geometries normalized to WKB on the way), and from their JSON. */
static void
bench_encode (guint runs)
{
  g_auto(TileboxPbAnnotatedType) type = { 0 };
  g_autoptr(TileboxSchema) schema = NULL;
  g_autoptr(TileboxEncoder) encoder = NULL;
  g_autoptr(TileboxColumns) columns = NULL;
  g_autoptr(TileboxDatapoints) datapoints = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(GPtrArray) values = synthetic_datapoints (SYNTHETIC_ROWS);
  g_autoptr(GError) error = NULL;
  gsize bytes = 0;
  double seconds;

  type.descriptor_set = synthetic_set ();
  type.type_url = g_strdup ("datasets.v1.bench.Sentinel2");
  schema = _tilebox_schema_new_from_pb (&type, &error);
  if (schema == NULL)
    g_error ("%s", error->message);
  encoder = _tilebox_encoder_new (_tilebox_schema_get_pool (schema), type.type_url, &error);
  if (encoder == NULL)
    g_error ("%s", error->message);
  columns = _tilebox_columns_new (_tilebox_schema_get_pool (schema), type.type_url, &error);
  if (columns == NULL)
    g_error ("%s", error->message);
  for (guint i = 0; i < values->len; i++)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (g_ptr_array_index (values, i), &len);

      if (!_tilebox_columns_append (columns, data, len, &error))
        g_error ("%s", error->message);
    }

  seconds = time_encode (encoder, columns, NULL, runs, &bytes);
  print_rate ("encode synthetic Sentinel-2-like page from its columns", values->len, runs, bytes, seconds);

  datapoints = _tilebox_datapoints_new (schema, columns);
  json = tilebox_datapoints_to_json (datapoints);
  seconds = time_encode (encoder, NULL, json, 1, &bytes);
  print_rate ("encode synthetic Sentinel-2-like page from its JSON", values->len, 1, bytes, seconds);
}

static void
bench_synthetic_and_recorded (Recorded *r,
                              gboolean  have_recorded,
                              const char *mode,
                              guint       runs)
{
  if (have_recorded)
    bench_recorded (r, mode, runs);
  else
    g_print ("--- %s\ndecode recorded page: skipped, the recordings are not there (set TILEBOX_RECORDINGS_DIR)\n", mode);
  bench_synthetic (MAX (1, runs / 40));
}

int
main (int   argc,
      char *argv[])
{
  Recorded r;
  gboolean have_recorded;
  guint runs = 200;

  g_test_init (&argc, &argv, NULL);
  if (argc > 1)
    runs = (guint) MAX (1, atoi (argv[1]));

  have_recorded = recorded_load (&r);

  if (have_recorded && argc > 2 && strcmp (argv[2], "page") == 0)
    {
      /* only the loader's path, for profilers */
      for (guint run = 0; run < runs; run++)
        decode_page (r.pool, r.dataset.type.type_url, g_ptr_array_index (r.calls, 1), PAGE_SLICES);
      recorded_clear (&r);
      return 0;
    }

  g_print ("Times are CPU time of this process, best of %u rounds; MB/s are of uncompressed protobuf.\n", ROUNDS);

  /* New columns for every page, as a client makes them; glibc gives freed
   * blocks above its (adaptive) trim threshold back to the kernel, so the
   * page faults of fresh memory count, unless the columns reuse memory. */
  bench_synthetic_and_recorded (&r, have_recorded,
                                "new columns for each page, glibc malloc defaults", runs);

  /* after the above: freeing its big columns raises glibc's thresholds */
  bench_memory ();

  g_print ("--- encoding for ingestion, glibc malloc defaults\n");
  bench_encode (MAX (1, runs / 40));

#ifdef __GLIBC__
  /* The same with freed memory kept in the heap (as in a process whose
   * heap has grown): what the decoder itself costs. */
  mallopt (M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt (M_TRIM_THRESHOLD, 256 * 1024 * 1024);
  bench_synthetic_and_recorded (&r, have_recorded,
                                "new columns for each page, freed memory kept in the heap", runs);
#endif

  if (have_recorded)
    recorded_clear (&r);
  return 0;
}
