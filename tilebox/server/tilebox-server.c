/* tilebox-server.c: the local Tilebox server
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Connect protocol, unary calls only: POST /{package.Service}/{Method}
 * (or the same under /public) with a bare serialized request message of
 * Content-Type application/proto; 200 with the serialized response, or a
 * non-200 status with a JSON error {"code": "...", "message": "..."}.
 */

#include "config.h"

#include <string.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "tilebox-error.h"
#include "tilebox-descriptor-private.h"
#include "tilebox-demo-private.h"
#include "tilebox-server-filter-private.h"
#include "tilebox-server-ingest-private.h"
#include "tilebox-server-private.h"
#include "tilebox-util-private.h"

/* Responses larger than this are gzipped for clients that accept it. */
#define GZIP_THRESHOLD 1024
/* Requests larger than this, compressed or decompressed, are refused (a
 * full Ingest is far smaller). Bodies are never buffered past it. */
#define MAX_REQUEST_SIZE (32 * 1024 * 1024)
/* libsoup 3.2 has no name for it */
#define HTTP_TOO_MANY_REQUESTS 429
/* Set on a message whose body went past MAX_REQUEST_SIZE. */
#define REQUEST_TOO_LARGE "tilebox-request-too-large"

struct _TileboxServer {
  gatomicrefcount ref_count;

  /* the store and everything the calls touch */
  GMutex store_lock;
  TileboxStore *store;
  TileboxServerFilterContext *filter_context;
  /* dataset id (GBytes) -> TileboxServerIngestType*, built on first use */
  GHashTable *ingest_types;

  /* configuration: set before listening */
  char *api_key;
  gboolean verbose;
  guint latency_ms; /* atomic */
  guint max_page_size; /* atomic */

  /* the serving side */
  SoupServer *soup;
  GMainContext *context;
  guint16 port;
  /* requests read and not yet answered in full, and whether the server
   * is stopping: on the serving thread only */
  guint in_flight;
  gboolean draining;

  /* statistics and fault injection, under state_lock */
  GMutex state_lock;
  guint request_count;
  SoupMessageHeaders *last_headers;
  char *last_path;
  guint fail_remaining;
  guint fail_status;
  char *fail_code;
  guint fail_retry_after;
  /* ratio faults: each request draws once from fault_rand */
  double fail_ratio;
  double drop_ratio;
  double truncate_ratio;
  guint ratio_fail_status;
  GRand *fault_rand;
};

/* --- Connect errors --------------------------------------------------------- */

typedef struct {
  const char *code;
  guint status;
} ConnectCode;

/* indexed by TileboxError */
static const ConnectCode connect_codes[] = {
  [TILEBOX_ERROR_UNKNOWN] = { "unknown", 500 },
  [TILEBOX_ERROR_INVALID_ARGUMENT] = { "invalid_argument", 400 },
  [TILEBOX_ERROR_DEADLINE_EXCEEDED] = { "deadline_exceeded", 504 },
  [TILEBOX_ERROR_NOT_FOUND] = { "not_found", 404 },
  [TILEBOX_ERROR_ALREADY_EXISTS] = { "already_exists", 409 },
  [TILEBOX_ERROR_PERMISSION_DENIED] = { "permission_denied", 403 },
  [TILEBOX_ERROR_RESOURCE_EXHAUSTED] = { "resource_exhausted", 429 },
  [TILEBOX_ERROR_FAILED_PRECONDITION] = { "failed_precondition", 400 },
  [TILEBOX_ERROR_ABORTED] = { "aborted", 409 },
  [TILEBOX_ERROR_OUT_OF_RANGE] = { "out_of_range", 400 },
  [TILEBOX_ERROR_UNIMPLEMENTED] = { "unimplemented", 501 },
  [TILEBOX_ERROR_INTERNAL] = { "internal", 500 },
  [TILEBOX_ERROR_UNAVAILABLE] = { "unavailable", 503 },
  [TILEBOX_ERROR_DATA_LOSS] = { "data_loss", 500 },
  [TILEBOX_ERROR_UNAUTHENTICATED] = { "unauthenticated", 401 },
  [TILEBOX_ERROR_RATE_LIMITED] = { "resource_exhausted", 429 },
  /* a request the server cannot decode is the caller's fault */
  [TILEBOX_ERROR_PROTOCOL] = { "invalid_argument", 400 },
  [TILEBOX_ERROR_CANCELED] = { "canceled", 499 },
};

static const ConnectCode *
connect_code_for_error (const GError *error)
{
  if (error->domain == TILEBOX_ERROR &&
      error->code >= 0 && (gsize) error->code < G_N_ELEMENTS (connect_codes) &&
      connect_codes[error->code].code != NULL)
    return &connect_codes[error->code];
  return &connect_codes[TILEBOX_ERROR_INTERNAL];
}

static GBytes *
connect_error_json (const char *code,
                    const char *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  gsize len = 0;
  char *data;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  if (message != NULL && *message != '\0')
    {
      /* messages may quote the request (its path is percent-decoded):
       * JSON must be UTF-8 */
      g_autofree char *valid = g_utf8_make_valid (message, -1);

      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, valid);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  data = json_generator_to_data (generator, &len);
  return g_bytes_new_take (data, len);
}

/* --- compression ----------------------------------------------------------- */

static GBytes *
convert_bytes (GConverter   *converter,
               const guint8 *data,
               gsize         len,
               GError      **error)
{
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) stream = g_converter_output_stream_new (memory, converter);

  if (!g_output_stream_write_all (stream, data, len, NULL, NULL, error) ||
      !g_output_stream_close (stream, NULL, error))
    return NULL;
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

static GBytes *
gzip_bytes (GBytes *bytes)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, -1);
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  return convert_bytes (G_CONVERTER (compressor), data, len, NULL);
}

/* Fails with G_IO_ERROR_MESSAGE_TOO_LARGE past max_size bytes of output. */
static GBytes *
gunzip_bytes (GBytes  *bytes,
              gsize    max_size,
              GError **error)
{
  g_autoptr(GZlibDecompressor) decompressor = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  g_autoptr(GInputStream) memory = g_memory_input_stream_new_from_bytes (bytes);
  g_autoptr(GInputStream) stream = g_converter_input_stream_new (memory, G_CONVERTER (decompressor));
  g_autoptr(GByteArray) out = g_byte_array_new ();
  gssize n;

  do
    {
      guint old_len = out->len;

      if (old_len > max_size)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                               _("The request is too large"));
          return NULL;
        }
      g_byte_array_set_size (out, old_len + 64 * 1024);
      n = g_input_stream_read (stream, out->data + old_len, 64 * 1024, NULL, error);
      g_byte_array_set_size (out, old_len + MAX (n, 0));
    }
  while (n > 0);
  if (n < 0)
    return NULL;
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* Whether an Accept-Encoding value accepts gzip (a q=0 refuses it). */
static gboolean
accepts_gzip (const char *accept_encoding)
{
  g_auto(GStrv) items = NULL;

  if (accept_encoding == NULL)
    return FALSE;
  items = g_strsplit (accept_encoding, ",", -1);
  for (guint i = 0; items[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (items[i], ";", -1);
      gboolean refused = FALSE;

      /* an empty item (",gzip") splits into no parts at all */
      if (parts[0] == NULL || g_ascii_strcasecmp (g_strstrip (parts[0]), "gzip") != 0)
        continue;
      for (guint j = 1; parts[j] != NULL; j++)
        {
          const char *param = g_strstrip (parts[j]);

          if (g_ascii_strncasecmp (param, "q=", 2) == 0 && g_ascii_strtod (param + 2, NULL) <= 0.0)
            refused = TRUE;
        }
      return !refused;
    }
  return FALSE;
}

/* --- responses -------------------------------------------------------------- */

static void
respond (SoupServerMessage *msg,
         guint              status,
         const char        *content_type,
         GBytes            *body)
{
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *response_headers = soup_server_message_get_response_headers (msg);
  g_autoptr(GBytes) compressed = NULL;
  gsize len;
  const guint8 *data;

  if (g_bytes_get_size (body) > GZIP_THRESHOLD &&
      accepts_gzip (soup_message_headers_get_list (request_headers, "Accept-Encoding")))
    {
      compressed = gzip_bytes (body);
      if (compressed != NULL)
        {
          soup_message_headers_replace (response_headers, "Content-Encoding", "gzip");
          body = compressed;
        }
    }

  data = g_bytes_get_data (body, &len);
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, (const char *) data, len);
}

static void
respond_error (SoupServerMessage *msg,
               guint              status,
               const char        *code,
               const char        *message)
{
  g_autoptr(GBytes) body = connect_error_json (code, message);

  respond (msg, status, "application/json", body);
}

static void
respond_gerror (SoupServerMessage *msg,
                const GError      *error)
{
  const ConnectCode *code = connect_code_for_error (error);

  respond_error (msg, code->status, code->code, error->message);
}

/* --- calls ---------------------------------------------------------------- */

typedef struct {
  TileboxServer *server;
  /* an anonymous open-data call: read-only, public datasets only */
  gboolean anonymous;
} Call;

typedef gboolean (*RpcHandler) (Call         *call,
                                const guint8 *data,
                                gsize         len,
                                GByteArray   *out,
                                GError      **error);

static gboolean
require_id (const TileboxPbId *id,
            const char        *what,
            GError           **error)
{
  if (id->set)
    return TRUE;
  g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
               _("The request has no %s"), what);
  return FALSE;
}

static gboolean
check_visible (Call                   *call,
               const TileboxPbDataset *dataset,
               GError                **error)
{
  if (!call->anonymous || dataset->visibility == TILEBOX_VISIBILITY_PUBLIC)
    return TRUE;
  g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PERMISSION_DENIED,
               _("Dataset %s is not public: an API key is needed"), dataset->slug);
  return FALSE;
}

/* The dataset, if it exists and the caller may see it. */
static TileboxPbDataset *
lookup_dataset (Call              *call,
                const TileboxPbId *id,
                GError           **error)
{
  TileboxPbDataset *dataset;

  if (!require_id (id, "dataset_id", error))
    return NULL;
  dataset = _tilebox_store_get_dataset (call->server->store, id->uuid, NULL, error);
  if (dataset == NULL)
    return NULL;
  if (!check_visible (call, dataset, error))
    {
      _tilebox_pb_dataset_free (dataset);
      return NULL;
    }
  return dataset;
}

/* Fills the slug-less parts a stored dataset needs for the response. */
static void
ensure_dataset_arrays (TileboxPbDataset *dataset)
{
  if (dataset->permissions == NULL)
    dataset->permissions = g_array_new (FALSE, FALSE, sizeof (gint));
  if (dataset->collections == NULL)
    dataset->collections = g_ptr_array_new_with_free_func (_tilebox_pb_collection_info_free);
}

/* --- dataset types ---------------------------------------------------------- */

typedef struct {
  char *name;
  gint32 number;
  gint label;
  gint type;
  char *type_name;
} ParsedField;

static void
parsed_field_clear (ParsedField *field)
{
  g_free (field->name);
  g_free (field->type_name);
}

static gboolean
is_identifier (const char *name)
{
  if (name == NULL || !(g_ascii_isalpha (*name) || *name == '_'))
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!(g_ascii_isalnum (*p) || *p == '_'))
      return FALSE;
  return TRUE;
}

/* A minimal reading of google.protobuf.FieldDescriptorProto. */
static gboolean
parse_field_descriptor (GBytes      *descriptor,
                        ParsedField *field,
                        GError     **error)
{
  TileboxPbReader reader;
  gsize len = 0;
  const guint8 *data = descriptor ? g_bytes_get_data (descriptor, &len) : NULL;
  int rc;

  _tilebox_pb_reader_init (&reader, data, len);
  while ((rc = _tilebox_pb_reader_next (&reader, error)) > 0)
    {
      guint64 v;
      gboolean ok;

      switch (reader.field)
        {
        case 1:
          g_clear_pointer (&field->name, g_free);
          ok = _tilebox_pb_read_string (&reader, &field->name, error);
          break;
        case 3:
          ok = _tilebox_pb_read_varint (&reader, &v, error);
          field->number = (gint32) v;
          break;
        case 4:
          ok = _tilebox_pb_read_varint (&reader, &v, error);
          field->label = (gint) v;
          break;
        case 5:
          ok = _tilebox_pb_read_varint (&reader, &v, error);
          field->type = (gint) v;
          break;
        case 6:
          g_clear_pointer (&field->type_name, g_free);
          ok = _tilebox_pb_read_string (&reader, &field->type_name, error);
          break;
        default:
          ok = _tilebox_pb_skip (&reader, error);
          break;
        }
      if (!ok)
        return FALSE;
    }
  if (rc < 0)
    return FALSE;

  if (!is_identifier (field->name))
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                   _("Invalid field name “%s”"), field->name ? field->name : "");
      return FALSE;
    }
  if (field->type < TILEBOX_DESC_TYPE_DOUBLE || field->type > TILEBOX_DESC_TYPE_SINT64 ||
      field->type == TILEBOX_DESC_TYPE_GROUP)
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                   _("Field %s has an unsupported type %d"), field->name, field->type);
      return FALSE;
    }
  if (field->type == TILEBOX_DESC_TYPE_MESSAGE || field->type == TILEBOX_DESC_TYPE_ENUM)
    {
      if (field->type_name == NULL || *field->type_name == '\0' ||
          g_str_equal (field->type_name, "."))
        {
          g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                       _("Field %s needs a type name"), field->name);
          return FALSE;
        }
      if (field->type_name[0] == '.')
        memmove (field->type_name, field->type_name + 1, strlen (field->type_name));
    }
  else
    {
      g_clear_pointer (&field->type_name, g_free);
    }
  return TRUE;
}

static const TileboxDescFieldSpec default_field_specs[] = {
  { "time", TILEBOX_DESC_TYPE_MESSAGE, FALSE, "google.protobuf.Timestamp" },
  { "id", TILEBOX_DESC_TYPE_MESSAGE, FALSE, "datasets.v1.UUID" },
  { "ingestion_time", TILEBOX_DESC_TYPE_MESSAGE, FALSE, "google.protobuf.Timestamp" },
  { "geometry", TILEBOX_DESC_TYPE_MESSAGE, FALSE, "datasets.v1.Geometry" },
};

static const TileboxPbFieldAnnotation default_field_annotations[] = {
  { (char *) "Timestamp of the datapoint", (char *) "", FALSE },
  { (char *) "Unique identifier of the datapoint", (char *) "", FALSE },
  { (char *) "Time the datapoint was ingested", (char *) "", FALSE },
  { (char *) "Geometry of the datapoint", (char *) "", FALSE },
};

/* Builds the AnnotatedType of a dataset from the fields of a request: the
 * fields every dataset of the kind has (time, id, ingestion_time, and
 * geometry when spatiotemporal) come first, then the request's fields in
 * their order, numbered 1..n. A request field named like a default field
 * must have its type; it only contributes its annotation. */
static gboolean
build_type_from_request (const char                 *code_name,
                         const TileboxPbDatasetType *request_type,
                         TileboxPbAnnotatedType     *type,
                         GError                    **error)
{
  gint kind = request_type ? request_type->kind : 0;
  guint n_defaults;
  guint n_request = request_type && request_type->fields ? request_type->fields->len : 0;
  g_autoptr(GArray) specs = g_array_new (FALSE, TRUE, sizeof (TileboxDescFieldSpec));
  g_autoptr(GPtrArray) annotations = g_ptr_array_new ();
  g_autofree ParsedField *parsed = g_new0 (ParsedField, MAX (n_request, 1));
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean ok = FALSE;

  if (kind == 0)
    kind = TILEBOX_DATASET_KIND_TEMPORAL;
  if (kind != TILEBOX_DATASET_KIND_TEMPORAL && kind != TILEBOX_DATASET_KIND_SPATIOTEMPORAL)
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                   _("Unknown dataset kind %d"), kind);
      return FALSE;
    }
  n_defaults = kind == TILEBOX_DATASET_KIND_SPATIOTEMPORAL ? 4 : 3;
  for (guint i = 0; i < n_defaults; i++)
    {
      g_array_append_val (specs, default_field_specs[i]);
      g_ptr_array_add (annotations, (gpointer) &default_field_annotations[i]);
      g_hash_table_add (names, (gpointer) default_field_specs[i].name);
    }

  for (guint i = 0; i < n_request; i++)
    {
      const TileboxPbField *field = g_ptr_array_index (request_type->fields, i);
      ParsedField *p = &parsed[i];
      TileboxDescFieldSpec spec = { 0 };
      guint j;

      if (!parse_field_descriptor (field->descriptor, p, error))
        {
          g_prefix_error (error, _("Field %u of the dataset type: "), i + 1);
          goto out;
        }

      for (j = 0; j < n_defaults; j++)
        if (g_str_equal (p->name, default_field_specs[j].name))
          break;
      if (j < n_defaults)
        {
          if (p->type != TILEBOX_DESC_TYPE_MESSAGE ||
              g_strcmp0 (p->type_name, default_field_specs[j].type_name) != 0 ||
              p->label == TILEBOX_DESC_LABEL_REPEATED)
            {
              g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                           _("Field %s is reserved: it must be a %s"),
                           p->name, default_field_specs[j].type_name);
              goto out;
            }
          if (field->has_annotation)
            g_ptr_array_index (annotations, j) = (gpointer) &field->annotation;
          continue;
        }
      if (g_hash_table_contains (names, p->name))
        {
          g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                       _("Field %s is defined twice"), p->name);
          goto out;
        }
      g_hash_table_add (names, p->name);

      spec.name = p->name;
      spec.type = p->type;
      spec.repeated = p->label == TILEBOX_DESC_LABEL_REPEATED;
      spec.type_name = p->type_name;
      g_array_append_val (specs, spec);
      g_ptr_array_add (annotations, field->has_annotation ? (gpointer) &field->annotation : NULL);
    }

  _tilebox_demo_build_type (type, code_name, kind,
                            (const TileboxDescFieldSpec *) specs->data,
                            (const TileboxPbFieldAnnotation *const *) annotations->pdata,
                            specs->len);
  ok = TRUE;

out:
  for (guint i = 0; i < n_request; i++)
    parsed_field_clear (&parsed[i]);
  return ok;
}

/* "Sentinel-2 MSI" -> "sentinel_2_msi" */
static char *
derive_code_name (const char *name)
{
  GString *out = g_string_new (NULL);
  gboolean pending_sep = FALSE;

  for (const char *p = name; *p != '\0'; p++)
    {
      if (g_ascii_isalnum (*p))
        {
          /* camelCase boundaries become separators too */
          if (g_ascii_isupper (*p) && p != name && g_ascii_islower (p[-1]))
            pending_sep = TRUE;
          if (pending_sep && out->len > 0)
            g_string_append_c (out, '_');
          pending_sep = FALSE;
          g_string_append_c (out, g_ascii_tolower (*p));
        }
      else
        {
          pending_sep = TRUE;
        }
    }
  if (out->len > 0 && g_ascii_isdigit (out->str[0]))
    g_string_prepend (out, "dataset_");
  return g_string_free (out, FALSE);
}

static gboolean
is_code_name (const char *code_name)
{
  if (code_name == NULL || !g_ascii_islower (*code_name))
    return FALSE;
  for (const char *p = code_name; *p != '\0'; p++)
    if (!(g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '_'))
      return FALSE;
  return TRUE;
}

/* --- DatasetService ------------------------------------------------------- */

static gboolean
encode_dataset_response (Call                   *call,
                         const guint8           *id,
                         GByteArray             *out,
                         GError                **error)
{
  TileboxPbDataset *dataset = _tilebox_store_get_dataset (call->server->store, id, NULL, error);

  if (dataset == NULL)
    return FALSE;
  _tilebox_pb_dataset_encode (dataset, out);
  _tilebox_pb_dataset_free (dataset);
  return TRUE;
}

static gboolean
handle_create_dataset (Call         *call,
                       const guint8 *data,
                       gsize         len,
                       GByteArray   *out,
                       GError      **error)
{
  TileboxPbCreateDatasetRequest request = { 0 };
  TileboxPbDataset dataset = { 0 };
  gint all_permissions[] = { TILEBOX_PERMISSION_ACCESS_DATA, TILEBOX_PERMISSION_WRITE_DATA,
                             TILEBOX_PERMISSION_EDIT };
  gboolean ok = FALSE;

  if (!_tilebox_pb_create_dataset_request_decode (&request, data, len, error))
    return FALSE;

  if (request.name == NULL || *g_strstrip (request.name) == '\0')
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                   _("A dataset needs a name"));
      goto out;
    }

  if (request.code_name != NULL && *request.code_name != '\0')
    dataset.code_name = g_strdup (request.code_name);
  else
    dataset.code_name = derive_code_name (request.name);
  if (!is_code_name (dataset.code_name))
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                   _("Invalid code name “%s”: use lowercase letters, digits and underscores, "
                     "starting with a letter"), dataset.code_name);
      goto out;
    }

  if (!build_type_from_request (dataset.code_name, request.has_type ? &request.type : NULL,
                                &dataset.type, error))
    goto out;
  dataset.has_type = TRUE;

  _tilebox_store_new_uuid (dataset.id.uuid);
  dataset.id.set = TRUE;
  dataset.name = g_strdup (request.name);
  dataset.summary = g_strdup (request.summary);
  dataset.icon = g_strdup ("");
  dataset.description = g_strdup ("");
  dataset.permissions = g_array_new (FALSE, FALSE, sizeof (gint));
  g_array_append_vals (dataset.permissions, all_permissions, G_N_ELEMENTS (all_permissions));
  dataset.visibility = TILEBOX_VISIBILITY_PRIVATE;
  dataset.slug = g_strdup_printf ("local.%s", dataset.code_name);
  dataset.type_editable = TRUE;
  ensure_dataset_arrays (&dataset);

  if (!_tilebox_store_insert_dataset (call->server->store, &dataset, error))
    goto out;
  ok = encode_dataset_response (call, dataset.id.uuid, out, error);

out:
  _tilebox_pb_dataset_clear (&dataset);
  _tilebox_pb_create_dataset_request_clear (&request);
  return ok;
}

static gboolean
handle_get_dataset (Call         *call,
                    const guint8 *data,
                    gsize         len,
                    GByteArray   *out,
                    GError      **error)
{
  TileboxPbGetDatasetRequest request = { 0 };
  TileboxPbDataset *dataset = NULL;

  if (!_tilebox_pb_get_dataset_request_decode (&request, data, len, error))
    return FALSE;

  if (request.slug != NULL && *request.slug != '\0')
    dataset = _tilebox_store_get_dataset (call->server->store, NULL, request.slug, error);
  else if (request.id.set)
    dataset = _tilebox_store_get_dataset (call->server->store, request.id.uuid, NULL, error);
  else
    g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                 _("GetDataset needs a slug or an id"));
  _tilebox_pb_get_dataset_request_clear (&request);

  if (dataset == NULL)
    return FALSE;
  if (!check_visible (call, dataset, error))
    {
      _tilebox_pb_dataset_free (dataset);
      return FALSE;
    }
  _tilebox_pb_dataset_encode (dataset, out);
  _tilebox_pb_dataset_free (dataset);
  return TRUE;
}

static gboolean
handle_update_dataset (Call         *call,
                       const guint8 *data,
                       gsize         len,
                       GByteArray   *out,
                       GError      **error)
{
  TileboxPbUpdateDatasetRequest request = { 0 };
  TileboxPbDataset *dataset = NULL;
  gboolean ok = FALSE;

  if (!_tilebox_pb_update_dataset_request_decode (&request, data, len, error))
    return FALSE;
  if (!require_id (&request.id, _("dataset id"), error))
    goto out;
  dataset = _tilebox_store_get_dataset (call->server->store, request.id.uuid, NULL, error);
  if (dataset == NULL)
    goto out;

  if (request.name != NULL && *g_strstrip (request.name) != '\0')
    {
      g_free (dataset->name);
      dataset->name = g_strdup (request.name);
    }
  if (request.summary != NULL && *request.summary != '\0')
    {
      g_free (dataset->summary);
      dataset->summary = g_strdup (request.summary);
    }
  if (request.has_type)
    {
      TileboxPbAnnotatedType type = { 0 };

      if (!dataset->type_editable)
        {
          g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_FAILED_PRECONDITION,
                       _("The type of dataset %s cannot be edited"), dataset->slug);
          goto out;
        }
      if (request.type.kind == 0 && dataset->has_type)
        request.type.kind = dataset->type.kind;
      if (!build_type_from_request (dataset->code_name, &request.type, &type, error))
        goto out;
      _tilebox_pb_annotated_type_clear (&dataset->type);
      dataset->type = type;
      dataset->has_type = TRUE;
    }

  if (!_tilebox_store_update_dataset (call->server->store, dataset, error))
    goto out;
  ok = encode_dataset_response (call, dataset->id.uuid, out, error);

out:
  if (dataset != NULL)
    _tilebox_pb_dataset_free (dataset);
  _tilebox_pb_update_dataset_request_clear (&request);
  return ok;
}

static gboolean
handle_delete_dataset (Call         *call,
                       const guint8 *data,
                       gsize         len,
                       GByteArray   *out,
                       GError      **error)
{
  TileboxPbDeleteDatasetRequest request = { 0 };
  TileboxPbDeleteDatasetResponse response = { 0 };
  gboolean ok;

  if (!_tilebox_pb_delete_dataset_request_decode (&request, data, len, error))
    return FALSE;
  ok = require_id (&request.id, _("dataset id"), error) &&
       _tilebox_store_delete_dataset (call->server->store, request.id.uuid, error);
  if (ok)
    {
      g_autoptr(GBytes) key = g_bytes_new (request.id.uuid, 16);

      g_hash_table_remove (call->server->ingest_types, key);
    }
  _tilebox_pb_delete_dataset_request_clear (&request);
  if (!ok)
    return FALSE;

  response.trashed = TRUE;
  _tilebox_pb_delete_dataset_response_encode (&response, out);
  return TRUE;
}

static gboolean
handle_list_datasets (Call         *call,
                      const guint8 *data,
                      gsize         len,
                      GByteArray   *out,
                      GError      **error)
{
  TileboxPbListDatasetsRequest request = { 0 };
  TileboxPbListDatasetsResponse response = { 0 };
  g_autoptr(GPtrArray) datasets = NULL;
  g_autoptr(GPtrArray) groups = NULL;

  if (!_tilebox_pb_list_datasets_request_decode (&request, data, len, error))
    return FALSE;
  _tilebox_pb_list_datasets_request_clear (&request);

  datasets = _tilebox_store_list_datasets (call->server->store, error);
  if (datasets == NULL)
    return FALSE;
  groups = _tilebox_store_list_groups (call->server->store, error);
  if (groups == NULL)
    return FALSE;

  if (call->anonymous)
    {
      g_autoptr(GHashTable) wanted = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                                            (GDestroyNotify) g_bytes_unref, NULL);
      gboolean grew = TRUE;

      /* public datasets only, and the groups on their paths */
      for (guint i = datasets->len; i > 0; i--)
        {
          TileboxPbDataset *dataset = g_ptr_array_index (datasets, i - 1);

          if (dataset->visibility != TILEBOX_VISIBILITY_PUBLIC)
            g_ptr_array_remove_index (datasets, i - 1);
          else if (dataset->group_id.set)
            g_hash_table_add (wanted, g_bytes_new (dataset->group_id.uuid, 16));
        }
      while (grew)
        {
          grew = FALSE;
          for (guint i = 0; i < groups->len; i++)
            {
              TileboxPbDatasetGroup *group = g_ptr_array_index (groups, i);
              g_autoptr(GBytes) id = g_bytes_new (group->id.uuid, 16);

              if (group->parent_id.set && g_hash_table_contains (wanted, id))
                {
                  GBytes *parent = g_bytes_new (group->parent_id.uuid, 16);

                  if (!g_hash_table_contains (wanted, parent))
                    {
                      g_hash_table_add (wanted, parent);
                      grew = TRUE;
                    }
                  else
                    {
                      g_bytes_unref (parent);
                    }
                }
            }
        }
      for (guint i = groups->len; i > 0; i--)
        {
          TileboxPbDatasetGroup *group = g_ptr_array_index (groups, i - 1);
          g_autoptr(GBytes) id = g_bytes_new (group->id.uuid, 16);

          if (!g_hash_table_contains (wanted, id))
            g_ptr_array_remove_index (groups, i - 1);
        }
    }

  response.datasets = datasets;
  response.groups = groups;
  for (guint i = 0; i < datasets->len; i++)
    {
      TileboxPbDataset *dataset = g_ptr_array_index (datasets, i);

      if (dataset->visibility == TILEBOX_VISIBILITY_PRIVATE)
        response.owned_datasets++;
    }
  _tilebox_pb_list_datasets_response_encode (&response, out);
  return TRUE;
}

/* --- CollectionService ---------------------------------------------------- */

static gboolean
handle_create_collection (Call         *call,
                          const guint8 *data,
                          gsize         len,
                          GByteArray   *out,
                          GError      **error)
{
  TileboxPbCreateCollectionRequest request = { 0 };
  TileboxPbCollectionInfo *info = NULL;
  TileboxPbDataset *dataset = NULL;
  guint8 id[16];

  if (!_tilebox_pb_create_collection_request_decode (&request, data, len, error))
    return FALSE;

  if (request.name == NULL || *request.name == '\0')
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                   _("A collection needs a name"));
      goto out;
    }
  dataset = lookup_dataset (call, &request.dataset_id, error);
  if (dataset == NULL)
    goto out;
  _tilebox_store_new_uuid (id);
  info = _tilebox_store_insert_collection (call->server->store, request.dataset_id.uuid, id,
                                           request.name, error);
  if (info != NULL)
    _tilebox_pb_collection_info_encode (info, out);

out:
  if (info != NULL)
    _tilebox_pb_collection_info_free (info);
  if (dataset != NULL)
    _tilebox_pb_dataset_free (dataset);
  _tilebox_pb_create_collection_request_clear (&request);
  return info != NULL;
}

static gboolean
handle_get_collection_by_name (Call         *call,
                               const guint8 *data,
                               gsize         len,
                               GByteArray   *out,
                               GError      **error)
{
  TileboxPbGetCollectionByNameRequest request = { 0 };
  TileboxPbCollectionInfo *info = NULL;
  TileboxPbDataset *dataset = NULL;

  if (!_tilebox_pb_get_collection_by_name_request_decode (&request, data, len, error))
    return FALSE;

  if (request.collection_name == NULL || *request.collection_name == '\0')
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                   _("GetCollectionByName needs a collection name"));
      goto out;
    }
  dataset = lookup_dataset (call, &request.dataset_id, error);
  if (dataset == NULL)
    goto out;
  info = _tilebox_store_get_collection_by_name (call->server->store, request.dataset_id.uuid,
                                                request.collection_name,
                                                request.with_availability, request.with_count,
                                                error);
  if (info != NULL)
    _tilebox_pb_collection_info_encode (info, out);

out:
  if (info != NULL)
    _tilebox_pb_collection_info_free (info);
  if (dataset != NULL)
    _tilebox_pb_dataset_free (dataset);
  _tilebox_pb_get_collection_by_name_request_clear (&request);
  return info != NULL;
}

static gboolean
handle_delete_collection (Call         *call,
                          const guint8 *data,
                          gsize         len,
                          GByteArray   *out,
                          GError      **error)
{
  TileboxPbDeleteCollectionRequest request = { 0 };
  TileboxPbDataset *dataset = NULL;
  gboolean ok = FALSE;

  if (!_tilebox_pb_delete_collection_request_decode (&request, data, len, error))
    return FALSE;
  if (!require_id (&request.collection_id, "collection_id", error))
    goto out;
  dataset = lookup_dataset (call, &request.dataset_id, error);
  if (dataset == NULL)
    goto out;
  ok = _tilebox_store_delete_collection (call->server->store, request.dataset_id.uuid,
                                         request.collection_id.uuid, error);
  /* DeleteCollectionResponse is empty */

out:
  if (dataset != NULL)
    _tilebox_pb_dataset_free (dataset);
  _tilebox_pb_delete_collection_request_clear (&request);
  return ok;
}

static gboolean
handle_list_collections (Call         *call,
                         const guint8 *data,
                         gsize         len,
                         GByteArray   *out,
                         GError      **error)
{
  TileboxPbListCollectionsRequest request = { 0 };
  TileboxPbCollectionInfos response = { 0 };
  TileboxPbDataset *dataset = NULL;
  gboolean ok = FALSE;

  if (!_tilebox_pb_list_collections_request_decode (&request, data, len, error))
    return FALSE;
  dataset = lookup_dataset (call, &request.dataset_id, error);
  if (dataset == NULL)
    goto out;
  response.data = _tilebox_store_list_collections (call->server->store, request.dataset_id.uuid,
                                                   request.with_availability, request.with_count,
                                                   error);
  if (response.data == NULL)
    goto out;
  _tilebox_pb_collection_infos_encode (&response, out);
  ok = TRUE;

out:
  if (dataset != NULL)
    _tilebox_pb_dataset_free (dataset);
  _tilebox_pb_collection_infos_clear (&response);
  _tilebox_pb_list_collections_request_clear (&request);
  return ok;
}

/* --- DataAccessService ------------------------------------------------------ */

/* A query reads at most this many collections. */
#define MAX_QUERY_COLLECTIONS 100
/* Timestamps are clamped to this many seconds either side of the epoch
 * (far past google.protobuf.Timestamp's years 1 to 9999) so that the
 * millisecond arithmetic cannot overflow. */
#define MAX_TIMESTAMP_SECONDS G_GINT64_CONSTANT (1000000000000000)

static gint64
floor_div (gint64 a,
           gint64 b)
{
  gint64 q = a / b;

  if (a % b != 0 && (a < 0) != (b < 0))
    q--;
  return q;
}

/* Time intervals at millisecond precision.
 *
 * The store indexes a datapoint by time_ms, its time in whole milliseconds.
 * An interval selects the datapoints whose time_ms, taken as an exact
 * instant, lies inside it with its flags; bounds inside a millisecond are
 * rounded so as never to admit a datapoint outside the interval:
 *
 *   start inclusive (default)   time_ms >= ceil (start)
 *   start exclusive             time_ms >  floor (start)   (>= floor + 1)
 *   end exclusive (default)     time_ms <  ceil (end)
 *   end inclusive               time_ms <= floor (end)     (<  floor + 1)
 *
 * Bounds on whole milliseconds act exactly as written: [t, t] with
 * end_inclusive returns the datapoints of millisecond t, [t, t) none.
 * A start of 00:00:00.000500 starts at 00:00:00.001; an end of
 * 00:00:00.000500 (exclusive or inclusive) takes 00:00:00.000 in.
 * An absent start or end leaves that side unbounded. */

/* ts rounded down to a whole millisecond; *exact says whether it was one. */
static gint64
timestamp_floor_ms (const TileboxPbTimestamp *ts,
                    gboolean                 *exact)
{
  gint64 seconds = CLAMP (ts->seconds, -MAX_TIMESTAMP_SECONDS, MAX_TIMESTAMP_SECONDS);
  gint64 nanos = ts->nanos; /* normalized even when out of its range */
  gint64 ms_of_nanos = floor_div (nanos, 1000000);

  *exact = nanos == ms_of_nanos * 1000000;
  return seconds * 1000 + ms_of_nanos;
}

static void
timestamp_from_ms (gint64              ms,
                   TileboxPbTimestamp *ts)
{
  ts->seconds = floor_div (ms, 1000);
  ts->nanos = (gint32) ((ms - ts->seconds * 1000) * 1000000);
}

/* id + 1 as a 128-bit big-endian number; FALSE when id is the largest. */
static gboolean
id_successor (const guint8 id[16],
              guint8       out[16])
{
  memcpy (out, id, 16);
  for (int i = 15; i >= 0; i--)
    if (++out[i] != 0)
      return TRUE;
  return FALSE;
}

static gboolean
check_collection_count (const GArray *collection_ids,
                        GError      **error)
{
  if (collection_ids == NULL || collection_ids->len == 0)
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                   _("A query needs at least one collection"));
      return FALSE;
    }
  if (collection_ids->len > MAX_QUERY_COLLECTIONS)
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                   _("A query reads at most %d collections, not %u"),
                   MAX_QUERY_COLLECTIONS, collection_ids->len);
      return FALSE;
    }
  return TRUE;
}

/* The distinct collections of a query (16-byte ids, in request order), all
 * existing, of one dataset the caller may read; *dataset_out receives
 * that dataset (free with _tilebox_pb_dataset_free ()). */
static GArray *
resolve_collections (Call              *call,
                     const GArray      *collection_ids,
                     TileboxPbDataset **dataset_out,
                     GError           **error)
{
  g_autoptr(GArray) ids = NULL;
  TileboxPbDataset *dataset;
  guint8 dataset_id[16];

  if (!check_collection_count (collection_ids, error))
    return NULL;

  ids = g_array_sized_new (FALSE, FALSE, 16, collection_ids->len);
  for (guint i = 0; i < collection_ids->len; i++)
    {
      const TileboxPbId *id = &g_array_index (collection_ids, TileboxPbId, i);
      TileboxPbCollectionInfo *info;
      guint8 owner[16];
      gboolean seen = FALSE;

      for (guint j = 0; j < ids->len && !seen; j++)
        seen = memcmp (ids->data + 16 * j, id->uuid, 16) == 0;
      if (seen)
        continue;

      info = _tilebox_store_get_collection (call->server->store, id->uuid, FALSE, FALSE, owner, error);
      if (info == NULL)
        return NULL;
      _tilebox_pb_collection_info_free (info);

      if (ids->len == 0)
        {
          memcpy (dataset_id, owner, 16);
        }
      else if (memcmp (dataset_id, owner, 16) != 0)
        {
          g_autofree char *first = _tilebox_uuid_to_string ((const guint8 *) ids->data);
          g_autofree char *other = _tilebox_uuid_to_string (id->uuid);

          g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                       _("The collections %s and %s belong to different datasets: "
                         "a query reads collections of one dataset"), first, other);
          return NULL;
        }
      g_array_append_vals (ids, id->uuid, 1);
    }

  dataset = _tilebox_store_get_dataset (call->server->store, dataset_id, NULL, error);
  if (dataset == NULL)
    return NULL;
  if (!check_visible (call, dataset, error))
    {
      _tilebox_pb_dataset_free (dataset);
      return NULL;
    }
  *dataset_out = dataset;
  return g_steal_pointer (&ids);
}

static char *
dup_type_url (const TileboxPbDataset *dataset)
{
  return g_strdup (dataset->has_type && dataset->type.type_url ? dataset->type.type_url : "");
}

/* One top-level field of a stored datapoint: bytes [start, end) of it. */
typedef struct {
  guint32 field;
  gsize start;
  gsize end;
} RawField;

static gint
raw_field_compare (gconstpointer a,
                   gconstpointer b)
{
  const RawField *x = a, *y = b;

  if (x->field != y->field)
    return x->field < y->field ? -1 : 1;
  return x->start < y->start ? -1 : x->start > y->start;
}

/* Fields 1 (time), 2 (id) and 3 (ingestion_time) of a datapoint: time and
 * ingestion_time copied from the stored message when given, else built
 * from the columns at millisecond precision (as the real service returns
 * them); the id always from the id column. */
static void
write_datapoint_head (GByteArray            *out,
                      const TileboxStoreRow *row,
                      const RawField        *time,
                      const RawField        *ingestion_time)
{
  TileboxPbTimestamp ts;
  TileboxPbId id = { TRUE, { 0 } };

  if (time != NULL)
    {
      g_byte_array_append (out, row->data + time->start, time->end - time->start);
    }
  else
    {
      timestamp_from_ms (row->time_ms, &ts);
      _tilebox_pb_write_timestamp (out, 1, &ts);
    }
  memcpy (id.uuid, row->id, 16);
  _tilebox_pb_write_id (out, 2, &id);
  if (ingestion_time != NULL)
    {
      g_byte_array_append (out, row->data + ingestion_time->start,
                           ingestion_time->end - ingestion_time->start);
    }
  else
    {
      timestamp_from_ms (floor_div (row->ingestion_time_ns, 1000000), &ts);
      _tilebox_pb_write_timestamp (out, 3, &ts);
    }
}

/* The full datapoint message of a row. A stored message that is complete
 * already (fields in field-number order, id field equal to the id column,
 * ingestion_time present: what the demo and Ingest store) goes out as it
 * is. Any other gets fields 1 to 3 (see write_datapoint_head ()) followed
 * by its other fields in field-number order, repeated ones in their stored
 * order. */
static GBytes *
complete_datapoint (const TileboxStoreRow *row,
                    GError               **error)
{
  g_autoptr(GArray) rest = g_array_new (FALSE, FALSE, sizeof (RawField));
  g_autoptr(GByteArray) expected_id = g_byte_array_new ();
  g_autoptr(GByteArray) out = NULL;
  g_autoptr(GError) local_error = NULL;
  RawField time = { 0 }, ingestion_time = { 0 };
  gboolean has_time = FALSE, has_ingestion_time = FALSE, has_id = FALSE, complete = TRUE;
  guint32 previous = 0;
  TileboxPbReader reader;
  TileboxPbId id = { TRUE, { 0 } };
  int rc;

  memcpy (id.uuid, row->id, 16);
  _tilebox_pb_write_id (expected_id, 2, &id);

  _tilebox_pb_reader_init (&reader, row->data, row->data_len);
  for (;;)
    {
      RawField raw = { 0 };

      raw.start = reader.pos;
      rc = _tilebox_pb_reader_next (&reader, &local_error);
      if (rc <= 0)
        break;
      raw.field = reader.field;
      if (!_tilebox_pb_skip (&reader, &local_error))
        {
          rc = -1;
          break;
        }
      raw.end = reader.pos;

      if (raw.field < previous || (raw.field == previous && raw.field <= 3))
        complete = FALSE;
      previous = raw.field;

      switch (raw.field)
        {
        case 1:
          time = raw;
          has_time = TRUE;
          break;
        case 2:
          if (raw.end - raw.start != expected_id->len ||
              memcmp (row->data + raw.start, expected_id->data, expected_id->len) != 0)
            complete = FALSE;
          has_id = TRUE;
          break;
        case 3:
          ingestion_time = raw;
          has_ingestion_time = TRUE;
          break;
        default:
          g_array_append_val (rest, raw);
          break;
        }
    }
  if (rc < 0)
    {
      g_autofree char *uuid = _tilebox_uuid_to_string (row->id);

      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_DATA_LOSS,
                   _("The stored datapoint %s is damaged: %s"), uuid, local_error->message);
      return NULL;
    }
  if (complete && has_id && has_ingestion_time)
    return g_bytes_new (row->data, row->data_len);

  out = g_byte_array_sized_new ((guint) row->data_len + 64);
  write_datapoint_head (out, row, has_time ? &time : NULL, has_ingestion_time ? &ingestion_time : NULL);
  g_array_sort (rest, raw_field_compare);
  for (guint i = 0; i < rest->len; i++)
    {
      const RawField *raw = &g_array_index (rest, RawField, i);

      g_byte_array_append (out, row->data + raw->start, raw->end - raw->start);
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* Collects the datapoints of a page; the row past the limit only tells
 * that a next page exists. With a filter, the rows it refuses do not
 * count: the page holds `limit` matching datapoints when there are. */
typedef struct {
  gboolean skip_data;
  guint limit;
  TileboxServerFilter *filter; /* NULL: every row */
  GPtrArray *values; /* GBytes */
  guint rows;
  guint8 last_id[16];
} PageBuilder;

static gboolean
page_row_cb (const TileboxStoreRow *row,
             gpointer               user_data,
             gboolean              *stop,
             GError               **error)
{
  PageBuilder *page = user_data;
  g_autoptr(GBytes) message = NULL;
  GBytes *value;

  if (page->filter != NULL)
    {
      gsize len;
      const guint8 *data;
      gboolean matches;

      /* filtered as it is answered: with its time, id and ingestion_time */
      message = complete_datapoint (row, error);
      if (message == NULL)
        return FALSE;
      data = g_bytes_get_data (message, &len);
      if (!_tilebox_server_filter_match (page->filter, row->id, data, len, &matches, error))
        return FALSE;
      if (!matches)
        return TRUE;
    }

  page->rows++;
  if (page->rows > page->limit)
    {
      *stop = TRUE;
      return TRUE;
    }

  if (page->skip_data)
    {
      GByteArray *head = g_byte_array_sized_new (64);

      /* only time, id and ingestion_time, as the real service answers */
      write_datapoint_head (head, row, NULL, NULL);
      value = g_byte_array_free_to_bytes (head);
    }
  else if (message != NULL)
    {
      value = g_steal_pointer (&message);
    }
  else
    {
      value = complete_datapoint (row, error);
      if (value == NULL)
        return FALSE;
    }
  g_ptr_array_add (page->values, value);
  memcpy (page->last_id, row->id, 16);
  return TRUE;
}

static gboolean
handle_query (Call         *call,
              const guint8 *data,
              gsize         len,
              GByteArray   *out,
              GError      **error)
{
  g_auto(TileboxPbQueryRequest) request = { 0 };
  g_auto(TileboxPbQueryResultPage) response = { 0 };
  g_autoptr(GArray) collections = NULL;
  g_autoptr(TileboxServerFilter) filter = NULL;
  TileboxPbDataset *dataset = NULL;
  TileboxStoreQuery query = { 0 };
  PageBuilder page = { 0 };
  guint limit = _tilebox_server_get_max_page_size (call->server);
  gboolean empty = FALSE;

  if (!_tilebox_pb_query_request_decode (&request, data, len, error))
    return FALSE;
  if (!check_collection_count (request.collection_ids, error))
    return FALSE;

  if (!request.has_filters ||
      (!request.filters.has_time_interval && !request.filters.has_datapoint_interval))
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                   _("A query needs a time interval or a datapoint interval"));
      return FALSE;
    }
  if (request.filters.has_time_interval)
    {
      const TileboxPbTimeInterval *interval = &request.filters.time_interval;
      gboolean exact;
      gint64 ms;

      if (interval->has_start)
        {
          ms = timestamp_floor_ms (&interval->start, &exact);
          query.has_start_ms = TRUE;
          query.start_ms = interval->start_exclusive || !exact ? ms + 1 : ms;
        }
      if (interval->has_end)
        {
          ms = timestamp_floor_ms (&interval->end, &exact);
          query.has_end_ms = TRUE;
          query.end_ms = interval->end_inclusive || !exact ? ms + 1 : ms;
        }
      if (query.has_start_ms && query.has_end_ms && query.start_ms >= query.end_ms)
        empty = TRUE;
    }
  else
    {
      const TileboxPbIdInterval *interval = &request.filters.datapoint_interval;

      if (interval->start_id.set)
        {
          query.has_min_id = TRUE;
          if (!interval->start_exclusive)
            memcpy (query.min_id, interval->start_id.uuid, 16);
          else if (!id_successor (interval->start_id.uuid, query.min_id))
            empty = TRUE;
        }
      if (interval->end_id.set)
        {
          if (!interval->end_inclusive)
            {
              memcpy (query.end_id, interval->end_id.uuid, 16);
              query.has_end_id = TRUE;
            }
          else
            {
              /* past the largest id: no upper bound */
              query.has_end_id = id_successor (interval->end_id.uuid, query.end_id);
            }
        }
    }

  if (request.has_page)
    {
      if (request.page.has_limit && request.page.limit < 0)
        {
          g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                       _("Invalid page limit %lld: it must not be negative"),
                       (long long) request.page.limit);
          return FALSE;
        }
      /* 0 asks for the default; more than the maximum gets the maximum */
      if (request.page.has_limit && request.page.limit > 0 && request.page.limit < (gint64) limit)
        limit = (guint) request.page.limit;
      if (request.page.starting_after.set)
        {
          guint8 after[16];

          if (!id_successor (request.page.starting_after.uuid, after))
            empty = TRUE;
          else if (!query.has_min_id || memcmp (after, query.min_id, 16) > 0)
            {
              memcpy (query.min_id, after, 16);
              query.has_min_id = TRUE;
            }
        }
    }
  if (query.has_min_id && query.has_end_id && memcmp (query.min_id, query.end_id, 16) >= 0)
    empty = TRUE;

  collections = resolve_collections (call, request.collection_ids, &dataset, error);
  if (collections == NULL)
    return FALSE;
  response.type_url = dup_type_url (dataset);
  /* checked even when the interval is empty: a wrong filter is wrong */
  filter = _tilebox_server_filter_new (call->server->filter_context, dataset->has_type ? &dataset->type : NULL,
                                       &request.filters, error);
  _tilebox_pb_dataset_free (dataset);
  if (filter == NULL)
    return FALSE;

  response.values = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  if (!empty)
    {
      gboolean filtered = !_tilebox_server_filter_matches_all (filter);

      query.collection_ids = (const guint8 (*)[16]) collections->data;
      query.n_collection_ids = collections->len;
      /* a filter reads rows until the page is full and one more matched */
      query.limit = filtered ? 0 : limit + 1;
      query.with_data = !request.skip_data || filtered;
      page.skip_data = request.skip_data;
      page.limit = limit;
      page.filter = filtered ? filter : NULL;
      page.values = response.values;
      if (!_tilebox_store_query_datapoints (call->server->store, &query, page_row_cb, &page, error))
        return FALSE;
      if (page.rows > limit)
        {
          response.has_next_page = TRUE;
          response.next_page.has_limit = TRUE;
          response.next_page.limit = limit;
          response.next_page.starting_after.set = TRUE;
          memcpy (response.next_page.starting_after.uuid, page.last_id, 16);
        }
    }
  _tilebox_pb_query_result_page_encode (&response, out);
  return TRUE;
}

static gboolean
handle_query_by_id (Call         *call,
                    const guint8 *data,
                    gsize         len,
                    GByteArray   *out,
                    GError      **error)
{
  g_auto(TileboxPbQueryByIdRequest) request = { 0 };
  g_auto(TileboxPbAny) response = { 0 };
  g_autoptr(GArray) collections = NULL;
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  TileboxPbDataset *dataset = NULL;
  TileboxStoreQuery query = { 0 };
  PageBuilder page = { 0 };

  if (!_tilebox_pb_query_by_id_request_decode (&request, data, len, error))
    return FALSE;
  if (!check_collection_count (request.collection_ids, error) ||
      !require_id (&request.id, _("datapoint id"), error))
    return FALSE;
  collections = resolve_collections (call, request.collection_ids, &dataset, error);
  if (collections == NULL)
    return FALSE;
  response.type_url = dup_type_url (dataset);
  _tilebox_pb_dataset_free (dataset);

  query.collection_ids = (const guint8 (*)[16]) collections->data;
  query.n_collection_ids = collections->len;
  query.has_min_id = TRUE;
  memcpy (query.min_id, request.id.uuid, 16);
  query.has_end_id = id_successor (request.id.uuid, query.end_id);
  query.limit = 1;
  query.with_data = !request.skip_data;
  page.skip_data = request.skip_data;
  page.limit = 1;
  page.values = values;
  if (!_tilebox_store_query_datapoints (call->server->store, &query, page_row_cb, &page, error))
    return FALSE;
  if (values->len == 0)
    {
      g_autofree char *uuid = _tilebox_uuid_to_string (request.id.uuid);

      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_NOT_FOUND,
                   collections->len == 1 ? _("Datapoint %s not found in the collection")
                                         : _("Datapoint %s not found in the collections"),
                   uuid);
      return FALSE;
    }
  response.value = g_bytes_ref (g_ptr_array_index (values, 0));
  _tilebox_pb_any_encode (&response, out);
  return TRUE;
}

/* --- DataIngestionService ------------------------------------------------ */

/* The collection's dataset's type, ready to check datapoints: cached per
 * dataset, rebuilt when the dataset's type changed. Borrowed from the
 * cache; valid until the next call. */
static TileboxServerIngestType *
lookup_ingest_type (Call              *call,
                    const TileboxPbId *collection_id,
                    GError           **error)
{
  TileboxServer *self = call->server;
  TileboxPbCollectionInfo *info;
  TileboxPbDataset *dataset;
  TileboxServerIngestType *type;
  g_autoptr(GBytes) key = NULL;
  guint8 dataset_id[16];

  if (!require_id (collection_id, "collection_id", error))
    return NULL;
  info = _tilebox_store_get_collection (self->store, collection_id->uuid, FALSE, FALSE, dataset_id, error);
  if (info == NULL)
    return NULL;
  _tilebox_pb_collection_info_free (info);
  dataset = _tilebox_store_get_dataset (self->store, dataset_id, NULL, error);
  if (dataset == NULL)
    return NULL;

  key = g_bytes_new (dataset_id, 16);
  type = g_hash_table_lookup (self->ingest_types, key);
  if (type == NULL || !_tilebox_server_ingest_type_is_for (type, dataset->has_type ? &dataset->type : NULL))
    {
      type = _tilebox_server_ingest_type_new (dataset->has_type ? &dataset->type : NULL, error);
      if (type != NULL)
        g_hash_table_replace (self->ingest_types, g_steal_pointer (&key), type);
      else
        g_hash_table_remove (self->ingest_types, key);
    }
  _tilebox_pb_dataset_free (dataset);
  return type;
}

static gboolean
handle_ingest (Call         *call,
               const guint8 *data,
               gsize         len,
               GByteArray   *out,
               GError      **error)
{
  g_auto(TileboxPbIngestRequest) request = { 0 };
  g_auto(TileboxPbIngestResponse) response = { 0 };
  TileboxServerIngestType *type;
  TileboxStoreDatapoint *datapoints;
  gint64 now_us = g_get_real_time ();
  gsize n_created = 0, n_existing = 0;
  guint n;
  gboolean ok = TRUE;

  if (!_tilebox_pb_ingest_request_decode (&request, data, len, error))
    return FALSE;
  type = lookup_ingest_type (call, &request.collection_id, error);
  if (type == NULL)
    return FALSE;
  if (request.values->len > TILEBOX_INGEST_MAX_DATAPOINTS)
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                   _("Ingest takes at most %d datapoints at a time, not %u: split them into several requests"),
                   TILEBOX_INGEST_MAX_DATAPOINTS, request.values->len);
      return FALSE;
    }

  /* every datapoint checked before any is stored */
  n = request.values->len;
  datapoints = g_new0 (TileboxStoreDatapoint, MAX (n, 1));
  for (guint i = 0; i < n && ok; i++)
    ok = _tilebox_server_ingest_prepare (type, i, g_ptr_array_index (request.values, i), now_us,
                                         &datapoints[i], error);
  if (ok)
    ok = _tilebox_store_insert_datapoints (call->server->store, request.collection_id.uuid, datapoints, n,
                                           request.allow_existing, &n_created, &n_existing, error);
  if (ok)
    {
      response.num_created = (gint64) n_created;
      response.num_existing = (gint64) n_existing;
      response.datapoint_ids = g_array_sized_new (FALSE, FALSE, sizeof (TileboxPbId), n);
      for (guint i = 0; i < n; i++)
        {
          TileboxPbId id = { TRUE, { 0 } };

          memcpy (id.uuid, datapoints[i].id, 16);
          g_array_append_val (response.datapoint_ids, id);
        }
      _tilebox_pb_ingest_response_encode (&response, out);
    }

  for (guint i = 0; i < n; i++)
    g_clear_pointer (&datapoints[i].data, g_bytes_unref);
  g_free (datapoints);
  return ok;
}

static gboolean
handle_delete (Call         *call,
               const guint8 *data,
               gsize         len,
               GByteArray   *out,
               GError      **error)
{
  g_auto(TileboxPbDeleteRequest) request = { 0 };
  TileboxPbDeleteResponse response = { 0 };
  TileboxPbCollectionInfo *info;
  g_autofree guint8 (*ids)[16] = NULL;
  guint n;
  gsize n_deleted = 0;

  if (!_tilebox_pb_delete_request_decode (&request, data, len, error))
    return FALSE;
  if (!require_id (&request.collection_id, "collection_id", error))
    return FALSE;
  info = _tilebox_store_get_collection (call->server->store, request.collection_id.uuid, FALSE, FALSE, NULL, error);
  if (info == NULL)
    return FALSE;
  _tilebox_pb_collection_info_free (info);

  n = request.datapoint_ids != NULL ? request.datapoint_ids->len : 0;
  if (n > TILEBOX_DELETE_MAX_DATAPOINTS)
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                   _("Delete takes at most %d datapoint ids at a time, not %u: split them into several requests"),
                   TILEBOX_DELETE_MAX_DATAPOINTS, n);
      return FALSE;
    }
  ids = g_malloc_n (MAX (n, 1), sizeof *ids);
  for (guint i = 0; i < n; i++)
    memcpy (ids[i], g_array_index (request.datapoint_ids, TileboxPbId, i).uuid, 16);
  if (!_tilebox_store_delete_datapoints (call->server->store, request.collection_id.uuid,
                                         (const guint8 (*)[16]) ids, n, &n_deleted, error))
    return FALSE;

  response.num_deleted = (gint64) n_deleted;
  _tilebox_pb_delete_response_encode (&response, out);
  return TRUE;
}

/* --- routing ---------------------------------------------------------------- */

typedef struct {
  const char *path;
  RpcHandler handler;
  gboolean read_only;
} Route;

static const Route routes[] = {
  { "/datasets.v1.DatasetService/CreateDataset", handle_create_dataset, FALSE },
  { "/datasets.v1.DatasetService/GetDataset", handle_get_dataset, TRUE },
  { "/datasets.v1.DatasetService/UpdateDataset", handle_update_dataset, FALSE },
  { "/datasets.v1.DatasetService/DeleteDataset", handle_delete_dataset, FALSE },
  { "/datasets.v1.DatasetService/ListDatasets", handle_list_datasets, TRUE },
  { "/datasets.v1.CollectionService/CreateCollection", handle_create_collection, FALSE },
  { "/datasets.v1.CollectionService/GetCollectionByName", handle_get_collection_by_name, TRUE },
  { "/datasets.v1.CollectionService/DeleteCollection", handle_delete_collection, FALSE },
  { "/datasets.v1.CollectionService/ListCollections", handle_list_collections, TRUE },
  { "/datasets.v1.DataAccessService/Query", handle_query, TRUE },
  { "/datasets.v1.DataAccessService/QueryByID", handle_query_by_id, TRUE },
  { "/datasets.v1.DataIngestionService/Ingest", handle_ingest, FALSE },
  { "/datasets.v1.DataIngestionService/Delete", handle_delete, FALSE },
};

static const Route *
find_route (const char *path)
{
  for (gsize i = 0; i < G_N_ELEMENTS (routes); i++)
    if (g_str_equal (routes[i].path, path))
      return &routes[i];
  return NULL;
}

/* Answers one Connect call. */
static void
handle_call (TileboxServer     *self,
             SoupServerMessage *msg,
             const char        *path,
             const char        *api_key)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *rpc_path = path;
  gboolean public_path = FALSE;
  const char *content_type;
  const char *content_encoding;
  const Route *route;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GByteArray) out = NULL;
  g_autoptr(GError) error = NULL;
  Call call = { self, FALSE };
  gboolean ok;

  if (g_str_has_prefix (path, "/public/"))
    {
      rpc_path = path + strlen ("/public");
      public_path = TRUE;
    }

  if (soup_server_message_get_method (msg) != SOUP_METHOD_POST)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "POST");
      respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "unimplemented",
                     _("Connect unary calls must use POST"));
      return;
    }

  route = find_route (rpc_path);
  if (route == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("No such procedure: %s"), rpc_path);
      respond_error (msg, SOUP_STATUS_NOT_FOUND, "unimplemented", message);
      return;
    }

  content_type = soup_message_headers_get_content_type (headers, NULL);
  if (content_type == NULL || g_ascii_strcasecmp (content_type, "application/proto") != 0)
    {
      g_autofree char *message = g_strdup_printf (_("Unsupported content type “%s”: this server speaks application/proto"),
                                                  content_type ? content_type : "");
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Accept-Post", "application/proto");
      respond_error (msg, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, "invalid_argument", message);
      return;
    }

  if (api_key != NULL)
    {
      if (public_path)
        {
          call.anonymous = TRUE;
          if (!route->read_only)
            {
              respond_error (msg, SOUP_STATUS_UNAUTHORIZED, "unauthenticated",
                             _("Anonymous open-data access is read-only: this call needs an API key"));
              return;
            }
        }
      else
        {
          const char *authorization = soup_message_headers_get_one (headers, "Authorization");
          g_autofree char *expected = g_strdup_printf ("Bearer %s", api_key);

          if (authorization == NULL)
            {
              respond_error (msg, SOUP_STATUS_UNAUTHORIZED, "unauthenticated",
                             _("This call needs an API key (Authorization: Bearer …)"));
              return;
            }
          if (!g_str_equal (authorization, expected))
            {
              respond_error (msg, SOUP_STATUS_UNAUTHORIZED, "unauthenticated",
                             _("Invalid API key"));
              return;
            }
        }
    }

  if (g_object_get_data (G_OBJECT (msg), REQUEST_TOO_LARGE) != NULL)
    {
      respond_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "resource_exhausted",
                     _("The request is too large"));
      return;
    }
  body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  content_encoding = soup_message_headers_get_one (headers, "Content-Encoding");
  if (content_encoding != NULL && g_ascii_strcasecmp (content_encoding, "identity") != 0)
    {
      g_autoptr(GBytes) plain = NULL;

      if (g_ascii_strcasecmp (content_encoding, "gzip") != 0)
        {
          g_autofree char *message = g_strdup_printf (_("Unsupported compression “%s”"), content_encoding);
          respond_error (msg, SOUP_STATUS_NOT_IMPLEMENTED, "unimplemented", message);
          return;
        }
      plain = gunzip_bytes (body, MAX_REQUEST_SIZE, &error);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE))
        {
          respond_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "resource_exhausted",
                         error->message);
          return;
        }
      if (plain == NULL)
        {
          g_autofree char *message = g_strdup_printf (_("Could not decompress the request: %s"), error->message);
          respond_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_argument", message);
          return;
        }
      g_bytes_unref (body);
      body = g_steal_pointer (&plain);
    }

  out = g_byte_array_new ();
  g_mutex_lock (&self->store_lock);
  ok = route->handler (&call, g_bytes_get_data (body, NULL), g_bytes_get_size (body), out, &error);
  g_mutex_unlock (&self->store_lock);

  if (!ok)
    {
      respond_gerror (msg, error);
      return;
    }
  {
    g_autoptr(GBytes) response = g_byte_array_free_to_bytes (g_steal_pointer (&out));
    respond (msg, SOUP_STATUS_OK, "application/proto", response);
  }
}

/* Stops buffering the body of msg: what was read goes, the rest is read
 * and dropped, and handle_call () refuses the request. */
static void
drop_request_body (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  g_object_set_data (G_OBJECT (msg), REQUEST_TOO_LARGE, GINT_TO_POINTER (TRUE));
  soup_message_body_set_accumulate (body, FALSE);
  soup_message_body_truncate (body);
}

static void
got_chunk_cb (SoupServerMessage *msg,
              GBytes            *chunk,
              gpointer           user_data)
{
  /* once dropped, the body stays empty */
  if (soup_server_message_get_request_body (msg)->length > MAX_REQUEST_SIZE)
    drop_request_body (msg);
}

/* Runs once the request headers are in, before the body is read. */
static void
early_callback (SoupServer        *soup,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > MAX_REQUEST_SIZE)
    drop_request_body (msg);
  else
    g_signal_connect (msg, "got-chunk", G_CALLBACK (got_chunk_cb), NULL);
}

static gboolean
unpause_cb (gpointer data)
{
  soup_server_message_unpause (SOUP_SERVER_MESSAGE (data));
  return G_SOURCE_REMOVE;
}

static void
copy_header (const char *name,
             const char *value,
             gpointer    user_data)
{
  soup_message_headers_append (user_data, name, value);
}

static const char *
connect_code_for_status (guint status)
{
  return status == HTTP_TOO_MANY_REQUESTS ? "resource_exhausted" : "unavailable";
}

/* Decides the fault of the next request; under state_lock. */
static TileboxServerFault
draw_fault (TileboxServer *self,
            guint         *fail_status,
            char         **fail_code,
            guint         *fail_retry_after)
{
  double u;

  if (self->fail_remaining > 0)
    {
      self->fail_remaining--;
      *fail_status = self->fail_status;
      *fail_code = g_strdup (self->fail_code);
      *fail_retry_after = self->fail_retry_after;
      return TILEBOX_SERVER_FAULT_FAIL;
    }
  if (self->fault_rand == NULL)
    return TILEBOX_SERVER_FAULT_NONE;

  /* one draw per request, whatever it gives: the same seed gives the
   * same faults to the same sequence of requests */
  u = g_rand_double (self->fault_rand);
  if (u < self->fail_ratio)
    {
      *fail_status = self->ratio_fail_status;
      *fail_code = g_strdup (connect_code_for_status (self->ratio_fail_status));
      *fail_retry_after = 0;
      return TILEBOX_SERVER_FAULT_FAIL;
    }
  u -= self->fail_ratio;
  if (u < self->drop_ratio)
    return TILEBOX_SERVER_FAULT_DROP;
  u -= self->drop_ratio;
  if (u < self->truncate_ratio)
    return TILEBOX_SERVER_FAULT_TRUNCATE;
  return TILEBOX_SERVER_FAULT_NONE;
}

static void
respond_fault (SoupServerMessage *msg,
               guint              status,
               const char        *code,
               guint              retry_after)
{
  if (retry_after > 0)
    {
      g_autofree char *value = g_strdup_printf ("%u", retry_after);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", value);
    }
  if (code != NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Injected failure (HTTP %u)"), status);
      respond_error (msg, status, code, message);
    }
  else
    {
      g_autofree char *text = g_strdup_printf ("%s\n", _("Injected failure"));
      g_autoptr(GBytes) body = g_bytes_new (text, strlen (text));

      respond (msg, status, "text/plain", body);
    }
}

static void request_done_cb (SoupServer        *soup,
                             SoupServerMessage *msg,
                             gpointer           user_data);

static gboolean
close_connection_cb (gpointer data)
{
  SoupServerMessage *msg = data;
  g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);

  if (stream != NULL)
    g_io_stream_close (stream, NULL, NULL);
  /* a stolen message neither finishes nor aborts */
  request_done_cb (NULL, msg, g_object_get_data (G_OBJECT (msg), "tilebox-server"));
  return G_SOURCE_REMOVE;
}

/* Once the first part of a dropped response is out, the connection goes:
 * from an idle source, for the server has to finish its write first. */
static void wrote_body_data_cb (SoupServerMessage *msg,
                                guint              chunk_size,
                                gpointer           user_data);

static void
wrote_part_cb (SoupServerMessage *msg,
               gpointer           user_data)
{
  TileboxServer *self = user_data;
  GSource *source = g_idle_source_new ();

  g_signal_handlers_disconnect_by_func (msg, wrote_part_cb, user_data);
  g_signal_handlers_disconnect_by_func (msg, wrote_body_data_cb, user_data);
  g_object_set_data (G_OBJECT (msg), "tilebox-server", self);
  g_source_set_callback (source, close_connection_cb, g_object_ref (msg), g_object_unref);
  g_source_attach (source, self->context);
  g_source_unref (source);
}

static void
wrote_body_data_cb (SoupServerMessage *msg,
                    guint              chunk_size,
                    gpointer           user_data)
{
  wrote_part_cb (msg, user_data);
}

/* The response goes out with its full Content-Length but only its first
 * half (none of an empty one, announced as one byte), then the server
 * closes the connection: the client sees it end in the middle. */
static void
drop_response (TileboxServer     *self,
               SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  g_autoptr(GBytes) full = soup_message_body_flatten (body);
  gsize len;
  const guint8 *data = g_bytes_get_data (full, &len);

  soup_message_headers_set_content_length (soup_server_message_get_response_headers (msg), MAX (len, 1));
  soup_message_body_truncate (body);
  if (len / 2 > 0)
    {
      soup_message_body_append (body, SOUP_MEMORY_COPY, data, len / 2);
      g_signal_connect (msg, "wrote-body-data", G_CALLBACK (wrote_body_data_cb), self);
    }
  else
    {
      g_signal_connect (msg, "wrote-headers", G_CALLBACK (wrote_part_cb), self);
    }
}

/* A whole response, of the first half of the body. */
static void
truncate_response (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  g_autoptr(GBytes) full = soup_message_body_flatten (body);
  gsize len;
  const guint8 *data = g_bytes_get_data (full, &len);

  soup_message_body_truncate (body);
  soup_message_body_append (body, SOUP_MEMORY_COPY, data, len / 2);
  soup_message_body_complete (body);
}

static const char *
fault_name (TileboxServerFault fault)
{
  switch (fault)
    {
    case TILEBOX_SERVER_FAULT_FAIL:
      return " [injected failure]";
    case TILEBOX_SERVER_FAULT_DROP:
      return " [dropped]";
    case TILEBOX_SERVER_FAULT_TRUNCATE:
      return " [truncated]";
    case TILEBOX_SERVER_FAULT_NONE:
    default:
      return "";
    }
}

static void
server_callback (SoupServer        *soup,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  TileboxServer *self = user_data;
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (msg);
  TileboxServerFault fault;
  guint fail_status = 0, fail_retry_after = 0;
  g_autofree char *fail_code = NULL;
  g_autofree char *api_key = NULL;
  gint64 start = g_get_monotonic_time ();
  guint latency;

  if (self->draining)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
      respond_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "unavailable", _("The server is shutting down"));
      return;
    }

  g_mutex_lock (&self->state_lock);
  self->request_count++;
  g_clear_pointer (&self->last_headers, soup_message_headers_unref);
  self->last_headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  soup_message_headers_foreach (request_headers, copy_header, self->last_headers);
  g_free (self->last_path);
  self->last_path = g_strdup (path);
  api_key = g_strdup (self->api_key);
  fault = draw_fault (self, &fail_status, &fail_code, &fail_retry_after);
  g_mutex_unlock (&self->state_lock);

  /* a failed request is not executed; a dropped or truncated one is */
  if (fault == TILEBOX_SERVER_FAULT_FAIL)
    respond_fault (msg, fail_status, fail_code, fail_retry_after);
  else
    handle_call (self, msg, path, api_key);
  if (fault == TILEBOX_SERVER_FAULT_DROP)
    drop_response (self, msg);
  else if (fault == TILEBOX_SERVER_FAULT_TRUNCATE)
    truncate_response (msg);

  if (self->verbose)
    g_printerr ("%s %s -> %u (%.1f ms)%s\n", soup_server_message_get_method (msg), path,
                soup_server_message_get_status (msg),
                (g_get_monotonic_time () - start) / 1000.0, fault_name (fault));

  latency = g_atomic_int_get (&self->latency_ms);
  if (latency > 0)
    {
      GSource *source = g_timeout_source_new (latency);

      soup_server_message_pause (msg);
      g_source_set_callback (source, unpause_cb, g_object_ref (msg), g_object_unref);
      g_source_attach (source, self->context);
      g_source_unref (source);
    }
}

/* A request counts as in flight from when it has been read to when its
 * response is out (or its connection gone). */
static void
request_read_cb (SoupServer        *soup,
                 SoupServerMessage *msg,
                 gpointer           user_data)
{
  TileboxServer *self = user_data;

  g_object_set_data (G_OBJECT (msg), "tilebox-in-flight", GINT_TO_POINTER (TRUE));
  self->in_flight++;
}

static void
request_done_cb (SoupServer        *soup,
                 SoupServerMessage *msg,
                 gpointer           user_data)
{
  TileboxServer *self = user_data;

  if (g_object_steal_data (G_OBJECT (msg), "tilebox-in-flight") != NULL)
    self->in_flight--;
}

/* --- the object ------------------------------------------------------------ */

TileboxServer *
_tilebox_server_new (const char *db_path,
                     GError    **error)
{
  TileboxServer *self;
  TileboxStore *store;

  store = _tilebox_store_open (db_path, error);
  if (store == NULL)
    return NULL;

  self = g_new0 (TileboxServer, 1);
  g_atomic_ref_count_init (&self->ref_count);
  g_mutex_init (&self->store_lock);
  g_mutex_init (&self->state_lock);
  self->store = store;
  self->filter_context = _tilebox_server_filter_context_new ();
  self->ingest_types = g_hash_table_new_full (g_bytes_hash, g_bytes_equal, (GDestroyNotify) g_bytes_unref,
                                              (GDestroyNotify) _tilebox_server_ingest_type_free);
  self->max_page_size = TILEBOX_SERVER_DEFAULT_MAX_PAGE_SIZE;
  return self;
}

TileboxServer *
_tilebox_server_ref (TileboxServer *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
_tilebox_server_unref (TileboxServer *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref_count))
    return;

  _tilebox_server_disconnect (self);
  g_clear_pointer (&self->store, _tilebox_store_close);
  g_clear_pointer (&self->filter_context, _tilebox_server_filter_context_free);
  g_clear_pointer (&self->ingest_types, g_hash_table_unref);
  g_clear_pointer (&self->last_headers, soup_message_headers_unref);
  g_free (self->last_path);
  g_free (self->fail_code);
  g_clear_pointer (&self->fault_rand, g_rand_free);
  g_free (self->api_key);
  g_mutex_clear (&self->store_lock);
  g_mutex_clear (&self->state_lock);
  g_free (self);
}

gboolean
_tilebox_server_load_demo (TileboxServer *self,
                           GError       **error)
{
  gboolean ok;

  g_mutex_lock (&self->store_lock);
  ok = _tilebox_demo_load (self->store, error);
  g_mutex_unlock (&self->store_lock);
  return ok;
}

void
_tilebox_server_set_api_key (TileboxServer *self,
                             const char    *key)
{
  g_mutex_lock (&self->state_lock);
  g_free (self->api_key);
  self->api_key = key != NULL && *key != '\0' ? g_strdup (key) : NULL;
  g_mutex_unlock (&self->state_lock);
}

void
_tilebox_server_set_verbose (TileboxServer *self,
                             gboolean       verbose)
{
  self->verbose = verbose;
}

void
_tilebox_server_set_latency_ms (TileboxServer *self,
                                guint          ms)
{
  g_atomic_int_set (&self->latency_ms, ms);
}

void
_tilebox_server_set_max_page_size (TileboxServer *self,
                                   guint          size)
{
  g_atomic_int_set (&self->max_page_size, size > 0 ? size : TILEBOX_SERVER_DEFAULT_MAX_PAGE_SIZE);
}

guint
_tilebox_server_get_max_page_size (TileboxServer *self)
{
  return g_atomic_int_get (&self->max_page_size);
}

/* Clients load with many requests at once (a parallel query opens one
 * connection per part): GSocket's default backlog of 10 would drop the
 * connection attempts beyond it, which the client's TCP then retries only
 * a second later. */
#define LISTEN_BACKLOG 256

static gboolean
listen_on_loopback (SoupServer  *soup,
                    guint16      port,
                    GError     **error)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return FALSE;
  g_socket_set_listen_backlog (socket, LISTEN_BACKLOG);
  if (!g_socket_bind (socket, address, TRUE, error) ||
      !g_socket_listen (socket, error))
    return FALSE;
  return soup_server_listen_socket (soup, socket, 0, error);
}

gboolean
_tilebox_server_listen (TileboxServer *self,
                        guint16        port,
                        GError       **error)
{
  g_autoptr(SoupServer) soup = NULL;
  GSList *uris;

  g_return_val_if_fail (self->soup == NULL, FALSE);

  soup = soup_server_new ("server-header", "tilebox-server/" PACKAGE_VERSION " ", NULL);
  soup_server_add_early_handler (soup, NULL, early_callback, self, NULL);
  soup_server_add_handler (soup, NULL, server_callback, self, NULL);
  g_signal_connect (soup, "request-read", G_CALLBACK (request_read_cb), self);
  g_signal_connect (soup, "request-finished", G_CALLBACK (request_done_cb), self);
  g_signal_connect (soup, "request-aborted", G_CALLBACK (request_done_cb), self);
  if (!listen_on_loopback (soup, port, error))
    return FALSE;

  uris = soup_server_get_uris (soup);
  if (uris == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("The server listens nowhere"));
      soup_server_disconnect (soup);
      return FALSE;
    }
  self->port = (guint16) g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  self->context = g_main_context_ref_thread_default ();
  self->soup = g_steal_pointer (&soup);
  return TRUE;
}

static gboolean
set_flag_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
_tilebox_server_drain (TileboxServer *self,
                       guint          timeout_ms)
{
  GSource *timeout;
  gboolean timed_out = FALSE;

  g_return_val_if_fail (self->soup != NULL, TRUE);

  self->draining = TRUE;
  timeout = g_timeout_source_new (timeout_ms);
  g_source_set_callback (timeout, set_flag_cb, &timed_out, NULL);
  g_source_attach (timeout, self->context);
  while (self->in_flight > 0 && !timed_out)
    g_main_context_iteration (self->context, TRUE);
  g_source_destroy (timeout);
  g_source_unref (timeout);
  return self->in_flight == 0;
}

void
_tilebox_server_disconnect (TileboxServer *self)
{
  if (self->soup != NULL)
    {
      soup_server_disconnect (self->soup);
      g_clear_object (&self->soup);
    }
  g_clear_pointer (&self->context, g_main_context_unref);
  self->port = 0;
  self->in_flight = 0;
  self->draining = FALSE;
}

guint16
_tilebox_server_get_port (TileboxServer *self)
{
  return self->port;
}

char *
_tilebox_server_dup_url (TileboxServer *self)
{
  if (self->port == 0)
    return NULL;
  return g_strdup_printf ("http://127.0.0.1:%u", self->port);
}

void
_tilebox_server_fail_next (TileboxServer *self,
                           guint          n,
                           guint          http_status,
                           const char    *connect_code,
                           guint          retry_after_s)
{
  g_mutex_lock (&self->state_lock);
  self->fail_remaining = n;
  self->fail_status = http_status;
  g_free (self->fail_code);
  self->fail_code = g_strdup (connect_code);
  self->fail_retry_after = retry_after_s;
  g_mutex_unlock (&self->state_lock);
}

gboolean
_tilebox_server_set_faults (TileboxServer             *self,
                            const TileboxServerFaults *faults,
                            GError                   **error)
{
  guint status = SOUP_STATUS_SERVICE_UNAVAILABLE;
  const double ratios[] = {
    faults ? faults->fail_ratio : 0.0,
    faults ? faults->drop_ratio : 0.0,
    faults ? faults->truncate_ratio : 0.0,
  };
  double sum = 0.0;

  for (guint i = 0; i < G_N_ELEMENTS (ratios); i++)
    {
      /* written so that NaN fails too */
      if (!(ratios[i] >= 0.0 && ratios[i] <= 1.0))
        {
          g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                       _("Invalid fault ratio %g: it must be between 0 and 1"), ratios[i]);
          return FALSE;
        }
      sum += ratios[i];
    }
  if (sum > 1.0 + 1e-9)
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                   _("The fault ratios add up to %g: a request has one fault at most, "
                     "so they must add up to 1 at most"), sum);
      return FALSE;
    }
  if (faults != NULL && faults->fail_status != 0)
    {
      if (faults->fail_status != SOUP_STATUS_SERVICE_UNAVAILABLE &&
          faults->fail_status != HTTP_TOO_MANY_REQUESTS)
        {
          g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                       _("Invalid fault status %u: it must be 503 or 429"), faults->fail_status);
          return FALSE;
        }
      status = faults->fail_status;
    }

  g_mutex_lock (&self->state_lock);
  self->fail_remaining = faults ? faults->fail_first : 0;
  self->fail_status = status;
  g_free (self->fail_code);
  self->fail_code = g_strdup (connect_code_for_status (status));
  self->fail_retry_after = 0;
  self->fail_ratio = ratios[0];
  self->drop_ratio = ratios[1];
  self->truncate_ratio = ratios[2];
  self->ratio_fail_status = status;
  g_clear_pointer (&self->fault_rand, g_rand_free);
  if (sum > 0.0)
    self->fault_rand = g_rand_new_with_seed (faults->seed);
  g_mutex_unlock (&self->state_lock);
  return TRUE;
}

guint
_tilebox_server_get_request_count (TileboxServer *self)
{
  guint count;

  g_mutex_lock (&self->state_lock);
  count = self->request_count;
  g_mutex_unlock (&self->state_lock);
  return count;
}

char *
_tilebox_server_dup_last_request_header (TileboxServer *self,
                                         const char    *name)
{
  char *value = NULL;

  g_mutex_lock (&self->state_lock);
  if (self->last_headers != NULL)
    value = g_strdup (soup_message_headers_get_list (self->last_headers, name));
  g_mutex_unlock (&self->state_lock);
  return value;
}

char *
_tilebox_server_dup_last_request_path (TileboxServer *self)
{
  char *path;

  g_mutex_lock (&self->state_lock);
  path = g_strdup (self->last_path);
  g_mutex_unlock (&self->state_lock);
  return path;
}

TileboxStore *
_tilebox_server_get_store (TileboxServer *self)
{
  return self->store;
}

void
_tilebox_server_lock (TileboxServer *self)
{
  g_mutex_lock (&self->store_lock);
}

void
_tilebox_server_unlock (TileboxServer *self)
{
  g_mutex_unlock (&self->store_lock);
}

/* --- the test helper thread ------------------------------------------------ */

struct _TileboxServerThread {
  TileboxServer *server;
  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;
  char *url;

  GMutex lock;
  GCond cond;
  gboolean ready;
  GError *error;
};

static gpointer
server_thread_main (gpointer data)
{
  TileboxServerThread *thread = data;
  GError *error = NULL;
  gboolean ok;

  g_main_context_push_thread_default (thread->context);
  ok = _tilebox_server_listen (thread->server, 0, &error);

  g_mutex_lock (&thread->lock);
  if (ok)
    thread->url = _tilebox_server_dup_url (thread->server);
  else
    thread->error = error;
  thread->ready = TRUE;
  g_cond_signal (&thread->cond);
  g_mutex_unlock (&thread->lock);

  if (ok)
    {
      g_main_loop_run (thread->loop);
      _tilebox_server_disconnect (thread->server);
      /* let the connections finish closing */
      while (g_main_context_iteration (thread->context, FALSE))
        ;
    }
  g_main_context_pop_thread_default (thread->context);
  return NULL;
}

static void
server_thread_free (TileboxServerThread *thread)
{
  g_clear_pointer (&thread->server, _tilebox_server_unref);
  g_clear_pointer (&thread->loop, g_main_loop_unref);
  g_clear_pointer (&thread->context, g_main_context_unref);
  g_clear_error (&thread->error);
  g_free (thread->url);
  g_mutex_clear (&thread->lock);
  g_cond_clear (&thread->cond);
  g_free (thread);
}

TileboxServerThread *
_tilebox_server_thread_start (gboolean demo,
                              GError **error)
{
  TileboxServerThread *thread;
  TileboxServer *server;

  server = _tilebox_server_new (NULL, error);
  if (server == NULL)
    return NULL;
  if (demo && !_tilebox_server_load_demo (server, error))
    {
      _tilebox_server_unref (server);
      return NULL;
    }

  thread = g_new0 (TileboxServerThread, 1);
  thread->server = server;
  thread->context = g_main_context_new ();
  thread->loop = g_main_loop_new (thread->context, FALSE);
  g_mutex_init (&thread->lock);
  g_cond_init (&thread->cond);
  thread->thread = g_thread_new ("tilebox-server", server_thread_main, thread);

  g_mutex_lock (&thread->lock);
  while (!thread->ready)
    g_cond_wait (&thread->cond, &thread->lock);
  g_mutex_unlock (&thread->lock);

  if (thread->error != NULL)
    {
      g_thread_join (thread->thread);
      g_propagate_error (error, g_steal_pointer (&thread->error));
      server_thread_free (thread);
      return NULL;
    }
  return thread;
}

TileboxServer *
_tilebox_server_thread_get_server (TileboxServerThread *thread)
{
  return thread->server;
}

const char *
_tilebox_server_thread_get_url (TileboxServerThread *thread)
{
  return thread->url;
}

static gboolean
quit_loop_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
_tilebox_server_thread_stop (TileboxServerThread *thread)
{
  GSource *source;

  if (thread == NULL)
    return;

  /* a source rather than g_main_loop_quit (): the loop may not run yet */
  source = g_idle_source_new ();
  g_source_set_callback (source, quit_loop_cb, g_main_loop_ref (thread->loop),
                         (GDestroyNotify) g_main_loop_unref);
  g_source_attach (source, thread->context);
  g_source_unref (source);

  g_thread_join (thread->thread);
  server_thread_free (thread);
}
