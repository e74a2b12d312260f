/* tilebox-messages.c: the API messages of the Tilebox datasets service (internal)
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every message has a static reader `X_read (TileboxPbReader *r, X *msg,
 * GError **error)` over a reader of exactly that message, so that nesting
 * depth is tracked by the codec, and the public decoder wraps it.
 *
 * Decoding follows the protobuf rules:
 *  - unknown fields are skipped, and so is a known field that comes with a
 *    wire type other than its own (protobuf parsers treat it as unknown);
 *  - a scalar or string given more than once keeps the last value;
 *  - a submessage given more than once is merged: it is read into the same
 *    struct again, so its scalars take the later values and its repeated
 *    fields are appended to. In a oneof, the last member read wins;
 *  - an ID whose uuid is neither empty nor 16 bytes is an error.
 *
 * After a successful decode strings, arrays and the GBytes of raw nested
 * descriptors (AnnotatedType.descriptor_set, Field.descriptor) are never
 * NULL, also inside absent submessages (has_X == FALSE). The exception is
 * SpatialFilter.geometry_wkb, where NULL means "no geometry".
 *
 * Encoding writes fields in field-number order and omits implicit-presence
 * fields holding their zero value; `has_X` fields are written whenever
 * has_X is set. The elements of repeated fields are always written, even
 * empty ones. A set ID is written with its 16 bytes, also the nil UUID.
 */

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tilebox-messages-private.h"
#include "tilebox-error.h"

/* --- field tables ------------------------------------------------------ */

/* The wire type a known field must have; PACKABLE accepts a varint or a
 * packed run of varints. */
#define W_VARINT TILEBOX_PB_WIRE_VARINT
#define W_LEN TILEBOX_PB_WIRE_LEN
#define W_PACKABLE 16

typedef struct {
  const char *name; /* NULL: not a field this library reads */
  guint wire;
} FieldInfo;

typedef struct {
  const char *name;
  const FieldInfo *fields; /* indexed by field number */
  guint n_fields;
} MessageInfo;

#define MESSAGE_INFO(var, full_name, ...)                          \
  static const FieldInfo var##_fields[] = { __VA_ARGS__ };         \
  static const MessageInfo var = { full_name, var##_fields,        \
                                   G_N_ELEMENTS (var##_fields) }

MESSAGE_INFO (id_info, "tilebox.v1.ID",
  [1] = { "uuid", W_LEN });
MESSAGE_INFO (timestamp_info, "google.protobuf.Timestamp",
  [1] = { "seconds", W_VARINT }, [2] = { "nanos", W_VARINT });
MESSAGE_INFO (time_interval_info, "tilebox.v1.TimeInterval",
  [1] = { "start_time", W_LEN }, [2] = { "end_time", W_LEN },
  [3] = { "start_exclusive", W_VARINT }, [4] = { "end_inclusive", W_VARINT });
MESSAGE_INFO (id_interval_info, "tilebox.v1.IDInterval",
  [1] = { "start_id", W_LEN }, [2] = { "end_id", W_LEN },
  [3] = { "start_exclusive", W_VARINT }, [4] = { "end_inclusive", W_VARINT });
MESSAGE_INFO (pagination_info, "tilebox.v1.Pagination",
  [1] = { "limit", W_VARINT }, [2] = { "starting_after", W_LEN });
/* field 1 is reserved: the service still sends a legacy string there */
MESSAGE_INFO (collection_msg_info, "datasets.v1.Collection",
  [2] = { "name", W_LEN }, [3] = { "id", W_LEN });
MESSAGE_INFO (collection_info_info, "datasets.v1.CollectionInfo",
  [1] = { "collection", W_LEN }, [2] = { "availability", W_LEN },
  [3] = { "count", W_VARINT });
MESSAGE_INFO (field_annotation_info, "datasets.v1.FieldAnnotation",
  [1] = { "description", W_LEN }, [2] = { "example_value", W_LEN },
  [4] = { "queryable", W_VARINT });
MESSAGE_INFO (annotated_type_info, "datasets.v1.AnnotatedType",
  [1] = { "descriptor_set", W_LEN }, [2] = { "type_url", W_LEN },
  [4] = { "field_annotations", W_LEN }, [5] = { "kind", W_VARINT });
MESSAGE_INFO (dataset_info, "datasets.v1.Dataset",
  [1] = { "id", W_LEN }, [2] = { "group_id", W_LEN }, [3] = { "type", W_LEN },
  [4] = { "code_name", W_LEN }, [5] = { "name", W_LEN },
  [6] = { "summary", W_LEN }, [7] = { "icon", W_LEN },
  [8] = { "description", W_LEN }, [10] = { "permissions", W_PACKABLE },
  [11] = { "visibility", W_VARINT }, [12] = { "slug", W_LEN },
  [13] = { "type_editable", W_VARINT }, [14] = { "collections", W_LEN });
MESSAGE_INFO (dataset_group_info, "datasets.v1.DatasetGroup",
  [1] = { "id", W_LEN }, [2] = { "parent_id", W_LEN },
  [3] = { "code_name", W_LEN }, [4] = { "name", W_LEN }, [5] = { "icon", W_LEN });
MESSAGE_INFO (field_info, "datasets.v1.Field",
  [1] = { "descriptor", W_LEN }, [2] = { "annotation", W_LEN });
MESSAGE_INFO (dataset_type_info, "datasets.v1.DatasetType",
  [1] = { "kind", W_VARINT }, [2] = { "fields", W_LEN });
MESSAGE_INFO (package_info, "datasets.v1.Package",
  [1] = { "name", W_LEN }, [2] = { "version", W_LEN });
MESSAGE_INFO (client_info_info, "datasets.v1.ClientInfo",
  [1] = { "name", W_LEN }, [2] = { "environment", W_LEN },
  [3] = { "packages", W_LEN });
MESSAGE_INFO (list_datasets_request_info, "datasets.v1.ListDatasetsRequest",
  [1] = { "client_info", W_LEN });
MESSAGE_INFO (list_datasets_response_info, "datasets.v1.ListDatasetsResponse",
  [1] = { "datasets", W_LEN }, [2] = { "groups", W_LEN },
  [3] = { "server_message", W_LEN }, [4] = { "owned_datasets", W_VARINT },
  [5] = { "maximum_owned_datasets", W_VARINT });
MESSAGE_INFO (get_dataset_request_info, "datasets.v1.GetDatasetRequest",
  [1] = { "slug", W_LEN }, [2] = { "id", W_LEN });
MESSAGE_INFO (create_dataset_request_info, "datasets.v1.CreateDatasetRequest",
  [1] = { "name", W_LEN }, [2] = { "type", W_LEN },
  [3] = { "summary", W_LEN }, [4] = { "code_name", W_LEN });
MESSAGE_INFO (update_dataset_request_info, "datasets.v1.UpdateDatasetRequest",
  [1] = { "id", W_LEN }, [2] = { "name", W_LEN },
  [3] = { "type", W_LEN }, [4] = { "summary", W_LEN });
MESSAGE_INFO (delete_dataset_request_info, "datasets.v1.DeleteDatasetRequest",
  [1] = { "id", W_LEN });
MESSAGE_INFO (delete_dataset_response_info, "datasets.v1.DeleteDatasetResponse",
  [1] = { "trashed", W_VARINT });
MESSAGE_INFO (create_collection_request_info, "datasets.v1.CreateCollectionRequest",
  [1] = { "dataset_id", W_LEN }, [2] = { "name", W_LEN });
MESSAGE_INFO (get_collection_by_name_request_info, "datasets.v1.GetCollectionByNameRequest",
  [1] = { "collection_name", W_LEN }, [2] = { "with_availability", W_VARINT },
  [3] = { "with_count", W_VARINT }, [4] = { "dataset_id", W_LEN });
MESSAGE_INFO (delete_collection_request_info, "datasets.v1.DeleteCollectionRequest",
  [1] = { "collection_id", W_LEN }, [2] = { "dataset_id", W_LEN });
MESSAGE_INFO (list_collections_request_info, "datasets.v1.ListCollectionsRequest",
  [1] = { "dataset_id", W_LEN }, [2] = { "with_availability", W_VARINT },
  [3] = { "with_count", W_VARINT });
MESSAGE_INFO (collection_infos_info, "datasets.v1.CollectionInfos",
  [1] = { "data", W_LEN });
MESSAGE_INFO (geometry_info, "datasets.v1.Geometry",
  [1] = { "wkb", W_LEN });
MESSAGE_INFO (spatial_filter_info, "datasets.v1.SpatialFilter",
  [1] = { "geometry", W_LEN }, [2] = { "mode", W_VARINT },
  [3] = { "coordinate_system", W_VARINT });
MESSAGE_INFO (expression_info, "datasets.v1.FilterExpression",
  [1] = { "comparison", W_LEN }, [2] = { "is_null", W_LEN },
  [3] = { "and", W_LEN }, [4] = { "or", W_LEN }, [5] = { "not", W_LEN });
MESSAGE_INFO (comparison_info, "datasets.v1.Comparison",
  [1] = { "field", W_LEN }, [2] = { "op", W_VARINT }, [3] = { "value", W_LEN });
MESSAGE_INFO (is_null_info, "datasets.v1.IsNull",
  [1] = { "field", W_LEN });
MESSAGE_INFO (operands_info, "datasets.v1.Operands",
  [1] = { "operands", W_LEN });
MESSAGE_INFO (literal_info, "datasets.v1.Literal",
  [1] = { "bool", W_VARINT }, [2] = { "int", W_VARINT }, [3] = { "uint", W_VARINT },
  [4] = { "double", TILEBOX_PB_WIRE_FIXED64 }, [5] = { "string", W_LEN },
  [6] = { "bytes", W_LEN }, [7] = { "time", W_LEN });
MESSAGE_INFO (query_filters_info, "datasets.v1.QueryFilters",
  [1] = { "time_interval", W_LEN }, [2] = { "datapoint_interval", W_LEN },
  [3] = { "spatial_extent", W_LEN }, [4] = { "expressions", W_LEN });
MESSAGE_INFO (query_request_info, "datasets.v1.QueryRequest",
  [1] = { "collection_ids", W_LEN }, [2] = { "filters", W_LEN },
  [3] = { "page", W_LEN }, [4] = { "skip_data", W_VARINT });
MESSAGE_INFO (query_by_id_request_info, "datasets.v1.QueryByIDRequest",
  [1] = { "collection_ids", W_LEN }, [2] = { "id", W_LEN },
  [3] = { "skip_data", W_VARINT });
MESSAGE_INFO (any_info, "datasets.v1.Any",
  [1] = { "type_url", W_LEN }, [2] = { "value", W_LEN });
MESSAGE_INFO (repeated_any_info, "datasets.v1.RepeatedAny",
  [1] = { "type_url", W_LEN }, [2] = { "value", W_LEN });
MESSAGE_INFO (query_result_page_info, "datasets.v1.QueryResultPage",
  [1] = { "data", W_LEN }, [2] = { "next_page", W_LEN });
MESSAGE_INFO (ingest_request_info, "datasets.v1.IngestRequest",
  [1] = { "collection_id", W_LEN }, [2] = { "values", W_LEN },
  [3] = { "allow_existing", W_VARINT });
MESSAGE_INFO (ingest_response_info, "datasets.v1.IngestResponse",
  [1] = { "num_created", W_VARINT }, [2] = { "num_existing", W_VARINT },
  [3] = { "datapoint_ids", W_LEN });
MESSAGE_INFO (delete_request_info, "datasets.v1.DeleteRequest",
  [1] = { "collection_id", W_LEN }, [2] = { "datapoint_ids", W_LEN });
MESSAGE_INFO (delete_response_info, "datasets.v1.DeleteResponse",
  [1] = { "num_deleted", W_VARINT });

/* --- reading helpers --------------------------------------------------- */

/* Reads tags until one of a known field with its own wire type; skips all
 * others. Returns 1, 0 at the end, -1 on error (prefixed with the message
 * name). */
static int
next_field (TileboxPbReader   *r,
            const MessageInfo *info,
            GError           **error)
{
  int rc;

  while ((rc = _tilebox_pb_reader_next (r, error)) > 0)
    {
      const FieldInfo *f = r->field < info->n_fields ? &info->fields[r->field] : NULL;

      if (f != NULL && f->name != NULL &&
          (f->wire == r->wire_type ||
           (f->wire == W_PACKABLE && (r->wire_type == W_VARINT || r->wire_type == W_LEN))))
        return 1;

      if (!_tilebox_pb_skip (r, error))
        {
          /* Translators: a protobuf message name, then a field number */
          g_prefix_error (error, _("%s (field %u): "), info->name, r->field);
          return -1;
        }
    }

  if (rc < 0)
    g_prefix_error (error, "%s: ", info->name);
  return rc;
}

/* Names the field that failed (only called for known fields). */
static gboolean
field_failed (TileboxPbReader   *r,
              const MessageInfo *info,
              GError           **error)
{
  g_prefix_error (error, "%s.%s: ", info->name, info->fields[r->field].name);
  return FALSE;
}

static gboolean
read_string (TileboxPbReader *r,
             char           **dst,
             GError         **error)
{
  char *s;

  if (!_tilebox_pb_read_string (r, &s, error))
    return FALSE;
  g_free (*dst);
  *dst = s;
  return TRUE;
}

static gboolean
read_gbytes (TileboxPbReader *r,
             GBytes         **dst,
             GError         **error)
{
  const guint8 *data;
  gsize len;

  if (!_tilebox_pb_read_bytes (r, &data, &len, error))
    return FALSE;
  if (*dst != NULL)
    g_bytes_unref (*dst);
  *dst = g_bytes_new (data, len);
  return TRUE;
}

static gboolean
read_u64 (TileboxPbReader *r,
          guint64         *dst,
          GError         **error)
{
  return _tilebox_pb_read_varint (r, dst, error);
}

static gboolean
read_i64 (TileboxPbReader *r,
          gint64          *dst,
          GError         **error)
{
  guint64 v;

  if (!_tilebox_pb_read_varint (r, &v, error))
    return FALSE;
  *dst = (gint64) v;
  return TRUE;
}

/* int32 and enums: the low 32 bits of the varint, as protobuf does. */
static gboolean
read_i32 (TileboxPbReader *r,
          gint32          *dst,
          GError         **error)
{
  guint64 v;

  if (!_tilebox_pb_read_varint (r, &v, error))
    return FALSE;
  *dst = (gint32) (guint32) v;
  return TRUE;
}

static gboolean
read_enum (TileboxPbReader *r,
           gint            *dst,
           GError         **error)
{
  gint32 v;

  if (!read_i32 (r, &v, error))
    return FALSE;
  *dst = v;
  return TRUE;
}

static gboolean
read_bool (TileboxPbReader *r,
           gboolean        *dst,
           GError         **error)
{
  guint64 v;

  if (!_tilebox_pb_read_varint (r, &v, error))
    return FALSE;
  *dst = v != 0;
  return TRUE;
}

/* A repeated enum, packed (LEN) or not (VARINT). */
static gboolean
read_enums (TileboxPbReader *r,
            GArray          *dst,
            GError         **error)
{
  const guint8 *data;
  gsize len, pos = 0;

  if (r->wire_type == W_VARINT)
    {
      gint v;

      if (!read_enum (r, &v, error))
        return FALSE;
      g_array_append_val (dst, v);
      return TRUE;
    }

  if (!_tilebox_pb_read_bytes (r, &data, &len, error))
    return FALSE;
  while (pos < len)
    {
      guint64 u;
      gint v;

      if (!_tilebox_pb_decode_varint (data, len, &pos, &u))
        {
          g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL,
                       _("Malformed protobuf data: bad varint at byte %lu of a packed field"),
                       (gulong) pos);
          return FALSE;
        }
      v = (gint32) (guint32) u;
      g_array_append_val (dst, v);
    }
  return TRUE;
}

/* Appends a zeroed ID to a GArray of TileboxPbId and reads into it. */
static gboolean
read_id_element (TileboxPbReader *r,
                 GArray          *dst,
                 GError         **error)
{
  TileboxPbId id = { 0 };

  if (!_tilebox_pb_read_id (r, &id, error))
    return FALSE;
  g_array_append_val (dst, id);
  return TRUE;
}

static gboolean
read_gbytes_element (TileboxPbReader *r,
                     GPtrArray       *dst,
                     GError         **error)
{
  GBytes *bytes = NULL;

  if (!read_gbytes (r, &bytes, error))
    return FALSE;
  g_ptr_array_add (dst, bytes);
  return TRUE;
}

/* Reads a submessage field with `read` into `msg`. */
#define READ_SUB(r, read, msg, error)                       \
  (_tilebox_pb_read_message ((r), &sub, (error)) && read (&sub, (msg), (error)))

/* Reads an element of a repeated message field into `ok`: allocated,
 * added to the array (which owns it from then on, also on failure) and
 * read. */
#define READ_ELEMENT(ok, r, Type, read, array, error)                   \
  G_STMT_START {                                                         \
    Type *elem_ = g_new0 (Type, 1);                                      \
    g_ptr_array_add ((array), elem_);                                    \
    (ok) = READ_SUB ((r), read, elem_, (error));                         \
  } G_STMT_END

static void
ensure_string (char **s)
{
  if (*s == NULL)
    *s = g_strdup ("");
}

static void
ensure_gbytes (GBytes **b)
{
  if (*b == NULL)
    *b = g_bytes_new (NULL, 0);
}

static void
ensure_ptr_array (GPtrArray    **a,
                  GDestroyNotify free_func)
{
  if (*a == NULL)
    *a = g_ptr_array_new_with_free_func (free_func);
}

static void
ensure_id_array (GArray **a)
{
  if (*a == NULL)
    *a = g_array_new (FALSE, TRUE, sizeof (TileboxPbId));
}

static void
bytes_unref0 (gpointer b)
{
  if (b != NULL)
    g_bytes_unref (b);
}

/* --- writing helpers --------------------------------------------------- */

static void
write_u64 (GByteArray *out,
           guint32     field,
           guint64     value)
{
  if (value != 0)
    _tilebox_pb_write_varint (out, field, value);
}

/* int32, int64 and enums: negative values sign-extended to 64 bits. */
static void
write_i64 (GByteArray *out,
           guint32     field,
           gint64      value)
{
  write_u64 (out, field, (guint64) value);
}

static void
write_bool (GByteArray *out,
            guint32     field,
            gboolean    value)
{
  if (value)
    _tilebox_pb_write_bool (out, field, TRUE);
}

static void
write_string (GByteArray *out,
              guint32     field,
              const char *str)
{
  if (str != NULL && *str != '\0')
    _tilebox_pb_write_string (out, field, str);
}

static void
write_gbytes (GByteArray *out,
              guint32     field,
              GBytes     *bytes)
{
  gsize len = 0;
  const guint8 *data = bytes != NULL ? g_bytes_get_data (bytes, &len) : NULL;

  if (len > 0)
    _tilebox_pb_write_bytes (out, field, data, len);
}

/* An element of a repeated bytes field: always written. */
static void
write_gbytes_element (GByteArray *out,
                      guint32     field,
                      GBytes     *bytes)
{
  gsize len = 0;
  const guint8 *data = bytes != NULL ? g_bytes_get_data (bytes, &len) : NULL;

  _tilebox_pb_write_bytes (out, field, data, len);
}

/* An element of a repeated ID field is always there: an unset one is
 * written as the nil UUID (it decodes as set, all zeros, like an empty ID). */
static void
write_id_element (GByteArray        *out,
                  guint32            field,
                  const TileboxPbId *id)
{
  TileboxPbId element = *id;

  element.set = TRUE;
  _tilebox_pb_write_id (out, field, &element);
}

static void
write_id_array (GByteArray *out,
                guint32     field,
                GArray     *ids)
{
  for (guint i = 0; ids != NULL && i < ids->len; i++)
    write_id_element (out, field, &g_array_index (ids, TileboxPbId, i));
}

/* Serializes `msg` with `encode` as the submessage `field` (always). */
#define WRITE_SUB(out, field, encode, msg)                               \
  G_STMT_START {                                                         \
    g_autoptr(GByteArray) sub_ = g_byte_array_new ();                    \
    encode ((msg), sub_);                                                \
    _tilebox_pb_write_message ((out), (field), sub_);                    \
  } G_STMT_END

#define WRITE_SUB_ARRAY(out, field, encode, array)                       \
  G_STMT_START {                                                         \
    for (guint i_ = 0; (array) != NULL && i_ < (array)->len; i_++)       \
      WRITE_SUB ((out), (field), encode, g_ptr_array_index ((array), i_)); \
  } G_STMT_END

/* The public decoder around a static reader; `msg` is cleared on failure. */
#define DEFINE_DECODE(func_name, TypeName)                                 \
  gboolean                                                                 \
  _tilebox_pb_##func_name##_decode (TypeName     *msg,                     \
                                    const guint8 *data,                    \
                                    gsize         len,                     \
                                    GError      **error)                   \
  {                                                                        \
    TileboxPbReader reader;                                                \
                                                                           \
    g_return_val_if_fail (msg != NULL, FALSE);                             \
    g_return_val_if_fail (data != NULL || len == 0, FALSE);                \
                                                                           \
    _tilebox_pb_reader_init (&reader, data, len);                          \
    if (func_name##_read (&reader, msg, error))                            \
      return TRUE;                                                         \
    _tilebox_pb_##func_name##_clear (msg);                                 \
    return FALSE;                                                          \
  }

#define DEFINE_FREE(func_name, TypeName)                                   \
  void                                                                     \
  _tilebox_pb_##func_name##_free (gpointer msg)                            \
  {                                                                        \
    if (msg == NULL)                                                       \
      return;                                                              \
    _tilebox_pb_##func_name##_clear ((TypeName *) msg);                    \
    g_free (msg);                                                          \
  }

/* --- ID and Timestamp ---------------------------------------------------- */

void
_tilebox_pb_write_id (GByteArray        *out,
                      guint32            field,
                      const TileboxPbId *id)
{
  g_autoptr(GByteArray) sub = NULL;

  if (!id->set)
    return;

  sub = g_byte_array_new ();
  _tilebox_pb_write_bytes (sub, 1, id->uuid, sizeof id->uuid);
  _tilebox_pb_write_message (out, field, sub);
}

gboolean
_tilebox_pb_read_id (TileboxPbReader *reader,
                     TileboxPbId     *id,
                     GError         **error)
{
  TileboxPbReader sub;
  int rc;

  if (!_tilebox_pb_read_message (reader, &sub, error))
    return FALSE;

  id->set = TRUE;
  while ((rc = next_field (&sub, &id_info, error)) > 0)
    {
      const guint8 *data;
      gsize len;

      /* only field 1 is known */
      if (!_tilebox_pb_read_bytes (&sub, &data, &len, error))
        return field_failed (&sub, &id_info, error);
      if (len != 0 && len != sizeof id->uuid)
        {
          g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL,
                       _("tilebox.v1.ID.uuid: a UUID has 16 bytes, not %lu"), (gulong) len);
          return FALSE;
        }
      memset (id->uuid, 0, sizeof id->uuid);
      if (len != 0)
        memcpy (id->uuid, data, len);
    }
  return rc == 0;
}

void
_tilebox_pb_write_timestamp (GByteArray               *out,
                             guint32                   field,
                             const TileboxPbTimestamp *ts)
{
  g_autoptr(GByteArray) sub = g_byte_array_new ();

  write_i64 (sub, 1, ts->seconds);
  write_i64 (sub, 2, ts->nanos);
  _tilebox_pb_write_message (out, field, sub);
}

gboolean
_tilebox_pb_read_timestamp (TileboxPbReader    *reader,
                            TileboxPbTimestamp *ts,
                            GError            **error)
{
  TileboxPbReader sub;
  int rc;

  if (!_tilebox_pb_read_message (reader, &sub, error))
    return FALSE;

  while ((rc = next_field (&sub, &timestamp_info, error)) > 0)
    {
      gboolean ok = TRUE;

      switch (sub.field)
        {
        case 1: ok = read_i64 (&sub, &ts->seconds, error); break;
        case 2: ok = read_i32 (&sub, &ts->nanos, error); break;
        }
      if (!ok)
        return field_failed (&sub, &timestamp_info, error);
    }
  return rc == 0;
}

/* --- tilebox.v1.TimeInterval -------------------------------------------- */

void
_tilebox_pb_time_interval_clear (TileboxPbTimeInterval *msg)
{
  memset (msg, 0, sizeof *msg);
}

void
_tilebox_pb_time_interval_encode (const TileboxPbTimeInterval *msg,
                                  GByteArray                  *out)
{
  if (msg->has_start)
    _tilebox_pb_write_timestamp (out, 1, &msg->start);
  if (msg->has_end)
    _tilebox_pb_write_timestamp (out, 2, &msg->end);
  write_bool (out, 3, msg->start_exclusive);
  write_bool (out, 4, msg->end_inclusive);
}

static gboolean
time_interval_read (TileboxPbReader       *r,
                    TileboxPbTimeInterval *msg,
                    GError               **error)
{
  int rc;

  while ((rc = next_field (r, &time_interval_info, error)) > 0)
    {
      gboolean ok = TRUE;

      switch (r->field)
        {
        case 1:
          msg->has_start = TRUE;
          ok = _tilebox_pb_read_timestamp (r, &msg->start, error);
          break;
        case 2:
          msg->has_end = TRUE;
          ok = _tilebox_pb_read_timestamp (r, &msg->end, error);
          break;
        case 3: ok = read_bool (r, &msg->start_exclusive, error); break;
        case 4: ok = read_bool (r, &msg->end_inclusive, error); break;
        }
      if (!ok)
        return field_failed (r, &time_interval_info, error);
    }
  return rc == 0;
}

DEFINE_DECODE (time_interval, TileboxPbTimeInterval)

/* --- tilebox.v1.IDInterval ---------------------------------------------- */

void
_tilebox_pb_id_interval_clear (TileboxPbIdInterval *msg)
{
  memset (msg, 0, sizeof *msg);
}

void
_tilebox_pb_id_interval_encode (const TileboxPbIdInterval *msg,
                                GByteArray                *out)
{
  _tilebox_pb_write_id (out, 1, &msg->start_id);
  _tilebox_pb_write_id (out, 2, &msg->end_id);
  write_bool (out, 3, msg->start_exclusive);
  write_bool (out, 4, msg->end_inclusive);
}

static gboolean
id_interval_read (TileboxPbReader     *r,
                  TileboxPbIdInterval *msg,
                  GError             **error)
{
  int rc;

  while ((rc = next_field (r, &id_interval_info, error)) > 0)
    {
      gboolean ok = TRUE;

      switch (r->field)
        {
        case 1: ok = _tilebox_pb_read_id (r, &msg->start_id, error); break;
        case 2: ok = _tilebox_pb_read_id (r, &msg->end_id, error); break;
        case 3: ok = read_bool (r, &msg->start_exclusive, error); break;
        case 4: ok = read_bool (r, &msg->end_inclusive, error); break;
        }
      if (!ok)
        return field_failed (r, &id_interval_info, error);
    }
  return rc == 0;
}

DEFINE_DECODE (id_interval, TileboxPbIdInterval)

/* --- tilebox.v1.Pagination ---------------------------------------------- */

void
_tilebox_pb_pagination_clear (TileboxPbPagination *msg)
{
  memset (msg, 0, sizeof *msg);
}

void
_tilebox_pb_pagination_encode (const TileboxPbPagination *msg,
                               GByteArray                *out)
{
  if (msg->has_limit)
    _tilebox_pb_write_varint (out, 1, (guint64) msg->limit);
  _tilebox_pb_write_id (out, 2, &msg->starting_after);
}

static gboolean
pagination_read (TileboxPbReader     *r,
                 TileboxPbPagination *msg,
                 GError             **error)
{
  int rc;

  while ((rc = next_field (r, &pagination_info, error)) > 0)
    {
      gboolean ok = TRUE;

      switch (r->field)
        {
        case 1:
          msg->has_limit = TRUE;
          ok = read_i64 (r, &msg->limit, error);
          break;
        case 2: ok = _tilebox_pb_read_id (r, &msg->starting_after, error); break;
        }
      if (!ok)
        return field_failed (r, &pagination_info, error);
    }
  return rc == 0;
}

DEFINE_DECODE (pagination, TileboxPbPagination)

/* --- datasets.v1.CollectionInfo ----------------------------------------- */

void
_tilebox_pb_collection_info_clear (TileboxPbCollectionInfo *msg)
{
  g_free (msg->name);
  memset (msg, 0, sizeof *msg);
}

DEFINE_FREE (collection_info, TileboxPbCollectionInfo)

static void
collection_encode (const TileboxPbCollectionInfo *msg,
                   GByteArray                    *out)
{
  write_string (out, 2, msg->name);
  _tilebox_pb_write_id (out, 3, &msg->id);
}

void
_tilebox_pb_collection_info_encode (const TileboxPbCollectionInfo *msg,
                                    GByteArray                    *out)
{
  /* the Collection is written when it has anything to say */
  if ((msg->name != NULL && *msg->name != '\0') || msg->id.set)
    WRITE_SUB (out, 1, collection_encode, msg);
  if (msg->has_availability)
    WRITE_SUB (out, 2, _tilebox_pb_time_interval_encode, &msg->availability);
  if (msg->has_count)
    _tilebox_pb_write_varint (out, 3, msg->count);
}

/* datasets.v1.Collection, read into the CollectionInfo that inlines it */
static gboolean
collection_read (TileboxPbReader         *r,
                 TileboxPbCollectionInfo *msg,
                 GError                 **error)
{
  const MessageInfo *info = &collection_msg_info;
  int rc;

  while ((rc = next_field (r, info, error)) > 0)
    {
      gboolean ok = TRUE;

      switch (r->field)
        {
        case 2: ok = read_string (r, &msg->name, error); break;
        case 3: ok = _tilebox_pb_read_id (r, &msg->id, error); break;
        }
      if (!ok)
        return field_failed (r, info, error);
    }
  return rc == 0;
}

static gboolean
collection_info_read (TileboxPbReader         *r,
                      TileboxPbCollectionInfo *msg,
                      GError                 **error)
{
  TileboxPbReader sub;
  int rc;

  while ((rc = next_field (r, &collection_info_info, error)) > 0)
    {
      gboolean ok = TRUE;

      switch (r->field)
        {
        case 1: ok = READ_SUB (r, collection_read, msg, error); break;
        case 2:
          msg->has_availability = TRUE;
          ok = READ_SUB (r, time_interval_read, &msg->availability, error);
          break;
        case 3:
          msg->has_count = TRUE;
          ok = read_u64 (r, &msg->count, error);
          break;
        }
      if (!ok)
        return field_failed (r, &collection_info_info, error);
    }
  if (rc < 0)
    return FALSE;
  ensure_string (&msg->name);
  return TRUE;
}

DEFINE_DECODE (collection_info, TileboxPbCollectionInfo)

TileboxPbCollectionInfo *
_tilebox_pb_collection_info_copy (const TileboxPbCollectionInfo *msg)
{
  TileboxPbCollectionInfo *copy = g_new (TileboxPbCollectionInfo, 1);

  *copy = *msg;
  copy->name = g_strdup (msg->name);
  return copy;
}

static gpointer
collection_info_copy_func (gconstpointer src,
                           gpointer      user_data)
{
  return _tilebox_pb_collection_info_copy (src);
}

/* --- datasets.v1.FieldAnnotation ---------------------------------------- */

void
_tilebox_pb_field_annotation_clear (TileboxPbFieldAnnotation *msg)
{
  g_free (msg->description);
  g_free (msg->example_value);
  memset (msg, 0, sizeof *msg);
}

DEFINE_FREE (field_annotation, TileboxPbFieldAnnotation)

void
_tilebox_pb_field_annotation_encode (const TileboxPbFieldAnnotation *msg,
                                     GByteArray                     *out)
{
  write_string (out, 1, msg->description);
  write_string (out, 2, msg->example_value);
  write_bool (out, 4, msg->queryable);
}

static void
field_annotation_normalize (TileboxPbFieldAnnotation *msg)
{
  ensure_string (&msg->description);
  ensure_string (&msg->example_value);
}

static gboolean
field_annotation_read (TileboxPbReader          *r,
                       TileboxPbFieldAnnotation *msg,
                       GError                  **error)
{
  int rc;

  while ((rc = next_field (r, &field_annotation_info, error)) > 0)
    {
      gboolean ok = TRUE;

      switch (r->field)
        {
        case 1: ok = read_string (r, &msg->description, error); break;
        case 2: ok = read_string (r, &msg->example_value, error); break;
        case 4: ok = read_bool (r, &msg->queryable, error); break;
        }
      if (!ok)
        return field_failed (r, &field_annotation_info, error);
    }
  if (rc < 0)
    return FALSE;
  field_annotation_normalize (msg);
  return TRUE;
}

DEFINE_DECODE (field_annotation, TileboxPbFieldAnnotation)

static gpointer
field_annotation_copy_func (gconstpointer src,
                            gpointer      user_data)
{
  const TileboxPbFieldAnnotation *msg = src;
  TileboxPbFieldAnnotation *copy = g_new (TileboxPbFieldAnnotation, 1);

  *copy = *msg;
  copy->description = g_strdup (msg->description);
  copy->example_value = g_strdup (msg->example_value);
  return copy;
}

/* --- datasets.v1.AnnotatedType ------------------------------------------ */

void
_tilebox_pb_annotated_type_clear (TileboxPbAnnotatedType *msg)
{
  g_clear_pointer (&msg->descriptor_set, g_bytes_unref);
  g_free (msg->type_url);
  g_clear_pointer (&msg->field_annotations, g_ptr_array_unref);
  memset (msg, 0, sizeof *msg);
}

void
_tilebox_pb_annotated_type_encode (const TileboxPbAnnotatedType *msg,
                                   GByteArray                   *out)
{
  write_gbytes (out, 1, msg->descriptor_set);
  write_string (out, 2, msg->type_url);
  WRITE_SUB_ARRAY (out, 4, _tilebox_pb_field_annotation_encode, msg->field_annotations);
  write_i64 (out, 5, msg->kind);
}

static void
annotated_type_normalize (TileboxPbAnnotatedType *msg)
{
  ensure_gbytes (&msg->descriptor_set);
  ensure_string (&msg->type_url);
  ensure_ptr_array (&msg->field_annotations, _tilebox_pb_field_annotation_free);
}

static gboolean
annotated_type_read (TileboxPbReader        *r,
                     TileboxPbAnnotatedType *msg,
                     GError                **error)
{
  TileboxPbReader sub;
  int rc;

  ensure_ptr_array (&msg->field_annotations, _tilebox_pb_field_annotation_free);
  while ((rc = next_field (r, &annotated_type_info, error)) > 0)
    {
      gboolean ok = TRUE;

      switch (r->field)
        {
        case 1: ok = read_gbytes (r, &msg->descriptor_set, error); break;
        case 2: ok = read_string (r, &msg->type_url, error); break;
        case 4:
          READ_ELEMENT (ok, r, TileboxPbFieldAnnotation, field_annotation_read,
                             msg->field_annotations, error);
          break;
        case 5: ok = read_enum (r, &msg->kind, error); break;
        }
      if (!ok)
        return field_failed (r, &annotated_type_info, error);
    }
  if (rc < 0)
    return FALSE;
  annotated_type_normalize (msg);
  return TRUE;
}

DEFINE_DECODE (annotated_type, TileboxPbAnnotatedType)

static void
annotated_type_copy_into (TileboxPbAnnotatedType       *dst,
                          const TileboxPbAnnotatedType *src)
{
  *dst = *src;
  dst->descriptor_set = src->descriptor_set != NULL ? g_bytes_ref (src->descriptor_set) : NULL;
  dst->type_url = g_strdup (src->type_url);
  dst->field_annotations = NULL;
  if (src->field_annotations != NULL)
    dst->field_annotations = g_ptr_array_copy (src->field_annotations,
                                               field_annotation_copy_func, NULL);
}

/* --- datasets.v1.Dataset ------------------------------------------------ */

void
_tilebox_pb_dataset_clear (TileboxPbDataset *msg)
{
  _tilebox_pb_annotated_type_clear (&msg->type);
  g_free (msg->code_name);
  g_free (msg->name);
  g_free (msg->summary);
  g_free (msg->icon);
  g_free (msg->description);
  g_clear_pointer (&msg->permissions, g_array_unref);
  g_free (msg->slug);
  g_clear_pointer (&msg->collections, g_ptr_array_unref);
  memset (msg, 0, sizeof *msg);
}

DEFINE_FREE (dataset, TileboxPbDataset)

void
_tilebox_pb_dataset_encode (const TileboxPbDataset *msg,
                            GByteArray             *out)
{
  _tilebox_pb_write_id (out, 1, &msg->id);
  _tilebox_pb_write_id (out, 2, &msg->group_id);
  if (msg->has_type)
    WRITE_SUB (out, 3, _tilebox_pb_annotated_type_encode, &msg->type);
  write_string (out, 4, msg->code_name);
  write_string (out, 5, msg->name);
  write_string (out, 6, msg->summary);
  write_string (out, 7, msg->icon);
  write_string (out, 8, msg->description);
  if (msg->permissions != NULL && msg->permissions->len > 0)
    {
      g_autoptr(GByteArray) packed = g_byte_array_new ();

      for (guint i = 0; i < msg->permissions->len; i++)
        _tilebox_pb_write_raw_varint (packed, (guint64) (gint64) g_array_index (msg->permissions, gint, i));
      _tilebox_pb_write_message (out, 10, packed);
    }
  write_i64 (out, 11, msg->visibility);
  write_string (out, 12, msg->slug);
  write_bool (out, 13, msg->type_editable);
  WRITE_SUB_ARRAY (out, 14, _tilebox_pb_collection_info_encode, msg->collections);
}

static void
dataset_normalize (TileboxPbDataset *msg)
{
  annotated_type_normalize (&msg->type);
  ensure_string (&msg->code_name);
  ensure_string (&msg->name);
  ensure_string (&msg->summary);
  ensure_string (&msg->icon);
  ensure_string (&msg->description);
  if (msg->permissions == NULL)
    msg->permissions = g_array_new (FALSE, TRUE, sizeof (gint));
  ensure_string (&msg->slug);
  ensure_ptr_array (&msg->collections, _tilebox_pb_collection_info_free);
}

static gboolean
dataset_read (TileboxPbReader  *r,
              TileboxPbDataset *msg,
              GError          **error)
{
  TileboxPbReader sub;
  int rc;

  dataset_normalize (msg);
  while ((rc = next_field (r, &dataset_info, error)) > 0)
    {
      gboolean ok = TRUE;

      switch (r->field)
        {
        case 1: ok = _tilebox_pb_read_id (r, &msg->id, error); break;
        case 2: ok = _tilebox_pb_read_id (r, &msg->group_id, error); break;
        case 3:
          msg->has_type = TRUE;
          ok = READ_SUB (r, annotated_type_read, &msg->type, error);
          break;
        case 4: ok = read_string (r, &msg->code_name, error); break;
        case 5: ok = read_string (r, &msg->name, error); break;
        case 6: ok = read_string (r, &msg->summary, error); break;
        case 7: ok = read_string (r, &msg->icon, error); break;
        case 8: ok = read_string (r, &msg->description, error); break;
        case 10: ok = read_enums (r, msg->permissions, error); break;
        case 11: ok = read_enum (r, &msg->visibility, error); break;
        case 12: ok = read_string (r, &msg->slug, error); break;
        case 13: ok = read_bool (r, &msg->type_editable, error); break;
        case 14:
          READ_ELEMENT (ok, r, TileboxPbCollectionInfo, collection_info_read,
                             msg->collections, error);
          break;
        }
      if (!ok)
        return field_failed (r, &dataset_info, error);
    }
  return rc == 0;
}

DEFINE_DECODE (dataset, TileboxPbDataset)

TileboxPbDataset *
_tilebox_pb_dataset_copy (const TileboxPbDataset *msg)
{
  TileboxPbDataset *copy = g_new (TileboxPbDataset, 1);

  *copy = *msg;
  annotated_type_copy_into (&copy->type, &msg->type);
  copy->code_name = g_strdup (msg->code_name);
  copy->name = g_strdup (msg->name);
  copy->summary = g_strdup (msg->summary);
  copy->icon = g_strdup (msg->icon);
  copy->description = g_strdup (msg->description);
  copy->permissions = msg->permissions != NULL ? g_array_copy (msg->permissions) : NULL;
  copy->slug = g_strdup (msg->slug);
  copy->collections = NULL;
  if (msg->collections != NULL)
    copy->collections = g_ptr_array_copy (msg->collections, collection_info_copy_func, NULL);
  return copy;
}

/* --- datasets.v1.DatasetGroup ------------------------------------------- */

void
_tilebox_pb_dataset_group_clear (TileboxPbDatasetGroup *msg)
{
  g_free (msg->code_name);
  g_free (msg->name);
  g_free (msg->icon);
  memset (msg, 0, sizeof *msg);
}

DEFINE_FREE (dataset_group, TileboxPbDatasetGroup)

void
_tilebox_pb_dataset_group_encode (const TileboxPbDatasetGroup *msg,
                                  GByteArray                  *out)
{
  _tilebox_pb_write_id (out, 1, &msg->id);
  _tilebox_pb_write_id (out, 2, &msg->parent_id);
  write_string (out, 3, msg->code_name);
  write_string (out, 4, msg->name);
  write_string (out, 5, msg->icon);
}

static gboolean
dataset_group_read (TileboxPbReader       *r,
                    TileboxPbDatasetGroup *msg,
                    GError               **error)
{
  int rc;

  while ((rc = next_field (r, &dataset_group_info, error)) > 0)
    {
      gboolean ok = TRUE;

      switch (r->field)
        {
        case 1: ok = _tilebox_pb_read_id (r, &msg->id, error); break;
        case 2: ok = _tilebox_pb_read_id (r, &msg->parent_id, error); break;
        case 3: ok = read_string (r, &msg->code_name, error); break;
        case 4: ok = read_string (r, &msg->name, error); break;
        case 5: ok = read_string (r, &msg->icon, error); break;
        }
      if (!ok)
        return field_failed (r, &dataset_group_info, error);
    }
  if (rc < 0)
    return FALSE;
  ensure_string (&msg->code_name);
  ensure_string (&msg->name);
  ensure_string (&msg->icon);
  return TRUE;
}

DEFINE_DECODE (dataset_group, TileboxPbDatasetGroup)

TileboxPbDatasetGroup *
_tilebox_pb_dataset_group_copy (const TileboxPbDatasetGroup *msg)
{
  TileboxPbDatasetGroup *copy = g_new (TileboxPbDatasetGroup, 1);

  *copy = *msg;
  copy->code_name = g_strdup (msg->code_name);
  copy->name = g_strdup (msg->name);
  copy->icon = g_strdup (msg->icon);
  return copy;
}

/* --- datasets.v1.Field and DatasetType ---------------------------------- */

void
_tilebox_pb_field_clear (TileboxPbField *msg)
{
  g_clear_pointer (&msg->descriptor, g_bytes_unref);
  _tilebox_pb_field_annotation_clear (&msg->annotation);
  memset (msg, 0, sizeof *msg);
}

DEFINE_FREE (field, TileboxPbField)

void
_tilebox_pb_field_encode (const TileboxPbField *msg,
                          GByteArray           *out)
{
  write_gbytes (out, 1, msg->descriptor);
  if (msg->has_annotation)
    WRITE_SUB (out, 2, _tilebox_pb_field_annotation_encode, &msg->annotation);
}

static gboolean
field_read (TileboxPbReader *r,
            TileboxPbField  *msg,
            GError         **error)
{
  TileboxPbReader sub;
  int rc;

  while ((rc = next_field (r, &field_info, error)) > 0)
    {
      gboolean ok = TRUE;

      switch (r->field)
        {
        case 1: ok = read_gbytes (r, &msg->descriptor, error); break;
        case 2:
          msg->has_annotation = TRUE;
          ok = READ_SUB (r, field_annotation_read, &msg->annotation, error);
          break;
        }
      if (!ok)
        return field_failed (r, &field_info, error);
    }
  if (rc < 0)
    return FALSE;
  ensure_gbytes (&msg->descriptor);
  field_annotation_normalize (&msg->annotation);
  return TRUE;
}

DEFINE_DECODE (field, TileboxPbField)

void
_tilebox_pb_dataset_type_clear (TileboxPbDatasetType *msg)
{
  g_clear_pointer (&msg->fields, g_ptr_array_unref);
  memset (msg, 0, sizeof *msg);
}

void
_tilebox_pb_dataset_type_encode (const TileboxPbDatasetType *msg,
                                 GByteArray                 *out)
{
  write_i64 (out, 1, msg->kind);
  WRITE_SUB_ARRAY (out, 2, _tilebox_pb_field_encode, msg->fields);
}

static gboolean
dataset_type_read (TileboxPbReader      *r,
                   TileboxPbDatasetType *msg,
                   GError              **error)
{
  TileboxPbReader sub;
  int rc;

  ensure_ptr_array (&msg->fields, _tilebox_pb_field_free);
  while ((rc = next_field (r, &dataset_type_info, error)) > 0)
    {
      gboolean ok = TRUE;

      switch (r->field)
        {
        case 1: ok = read_enum (r, &msg->kind, error); break;
        case 2: READ_ELEMENT (ok, r, TileboxPbField, field_read, msg->fields, error); break;
        }
      if (!ok)
        return field_failed (r, &dataset_type_info, error);
    }
  return rc == 0;
}

DEFINE_DECODE (dataset_type, TileboxPbDatasetType)

static void
dataset_type_normalize (TileboxPbDatasetType *msg)
{
  ensure_ptr_array (&msg->fields, _tilebox_pb_field_free);
}

/* --- ClientInfo and ListDatasets ---------------------------------------- */

void
_tilebox_pb_client_info_clear (TileboxPbClientInfo *msg)
{
  g_free (msg->name);
  g_free (msg->environment);
  g_clear_pointer (&msg->package_names, g_ptr_array_unref);
  g_clear_pointer (&msg->package_versions, g_ptr_array_unref);
  memset (msg, 0, sizeof *msg);
}

void
_tilebox_pb_client_info_encode (const TileboxPbClientInfo *msg,
                                GByteArray                *out)
{
  guint n_packages = msg->package_names != NULL ? msg->package_names->len : 0;

  write_string (out, 1, msg->name);
  write_string (out, 2, msg->environment);
  for (guint i = 0; i < n_packages; i++)
    {
      g_autoptr(GByteArray) package = g_byte_array_new ();

      write_string (package, 1, g_ptr_array_index (msg->package_names, i));
      if (msg->package_versions != NULL && i < msg->package_versions->len)
        write_string (package, 2, g_ptr_array_index (msg->package_versions, i));
      _tilebox_pb_write_message (out, 3, package);
    }
}

static void
client_info_normalize (TileboxPbClientInfo *msg)
{
  ensure_string (&msg->name);
  ensure_string (&msg->environment);
  ensure_ptr_array (&msg->package_names, g_free);
  ensure_ptr_array (&msg->package_versions, g_free);
}

/* datasets.v1.Package, appended to the parallel arrays of ClientInfo */
static gboolean
package_read (TileboxPbReader     *r,
              TileboxPbClientInfo *msg,
              GError             **error)
{
  char **name, **version;
  int rc;

  g_ptr_array_add (msg->package_names, NULL);
  g_ptr_array_add (msg->package_versions, NULL);
  name = (char **) &g_ptr_array_index (msg->package_names, msg->package_names->len - 1);
  version = (char **) &g_ptr_array_index (msg->package_versions, msg->package_versions->len - 1);

  while ((rc = next_field (r, &package_info, error)) > 0)
    {
      gboolean ok = TRUE;

      switch (r->field)
        {
        case 1: ok = read_string (r, name, error); break;
        case 2: ok = read_string (r, version, error); break;
        }
      if (!ok)
        return field_failed (r, &package_info, error);
    }
  ensure_string (name);
  ensure_string (version);
  return rc == 0;
}

static gboolean
client_info_read (TileboxPbReader     *r,
                  TileboxPbClientInfo *msg,
                  GError             **error)
{
  TileboxPbReader sub;
  int rc;

  client_info_normalize (msg);
  while ((rc = next_field (r, &client_info_info, error)) > 0)
    {
      gboolean ok = TRUE;

      switch (r->field)
        {
        case 1: ok = read_string (r, &msg->name, error); break;
        case 2: ok = read_string (r, &msg->environment, error); break;
        case 3: ok = READ_SUB (r, package_read, msg, error); break;
        }
      if (!ok)
        return field_failed (r, &client_info_info, error);
    }
  return rc == 0;
}

DEFINE_DECODE (client_info, TileboxPbClientInfo)

void
_tilebox_pb_list_datasets_request_clear (TileboxPbListDatasetsRequest *msg)
{
  _tilebox_pb_client_info_clear (&msg->client_info);
  memset (msg, 0, sizeof *msg);
}

void
_tilebox_pb_list_datasets_request_encode (const TileboxPbListDatasetsRequest *msg,
                                          GByteArray                         *out)
{
  if (msg->has_client_info)
    WRITE_SUB (out, 1, _tilebox_pb_client_info_encode, &msg->client_info);
}

static gboolean
list_datasets_request_read (TileboxPbReader              *r,
                            TileboxPbListDatasetsRequest *msg,
                            GError                      **error)
{
  TileboxPbReader sub;
  int rc;

  client_info_normalize (&msg->client_info);
  while ((rc = next_field (r, &list_datasets_request_info, error)) > 0)
    {
      gboolean ok = TRUE;

      switch (r->field)
        {
        case 1:
          msg->has_client_info = TRUE;
          ok = READ_SUB (r, client_info_read, &msg->client_info, error);
          break;
        }
      if (!ok)
        return field_failed (r, &list_datasets_request_info, error);
    }
  return rc == 0;
}

DEFINE_DECODE (list_datasets_request, TileboxPbListDatasetsRequest)

void
_tilebox_pb_list_datasets_response_clear (TileboxPbListDatasetsResponse *msg)
{
  g_clear_pointer (&msg->datasets, g_ptr_array_unref);
  g_clear_pointer (&msg->groups, g_ptr_array_unref);
  g_free (msg->server_message);
  memset (msg, 0, sizeof *msg);
}

void
_tilebox_pb_list_datasets_response_encode (const TileboxPbListDatasetsResponse *msg,
                                           GByteArray                          *out)
{
  WRITE_SUB_ARRAY (out, 1, _tilebox_pb_dataset_encode, msg->datasets);
  WRITE_SUB_ARRAY (out, 2, _tilebox_pb_dataset_group_encode, msg->groups);
  write_string (out, 3, msg->server_message);
  write_i64 (out, 4, msg->owned_datasets);
  if (msg->has_maximum_owned_datasets)
    _tilebox_pb_write_varint (out, 5, (guint64) msg->maximum_owned_datasets);
}

static gboolean
list_datasets_response_read (TileboxPbReader               *r,
                             TileboxPbListDatasetsResponse *msg,
                             GError                       **error)
{
  TileboxPbReader sub;
  int rc;

  ensure_ptr_array (&msg->datasets, _tilebox_pb_dataset_free);
  ensure_ptr_array (&msg->groups, _tilebox_pb_dataset_group_free);
  while ((rc = next_field (r, &list_datasets_response_info, error)) > 0)
    {
      gboolean ok = TRUE;

      switch (r->field)
        {
        case 1:
          READ_ELEMENT (ok, r, TileboxPbDataset, dataset_read, msg->datasets, error);
          break;
        case 2:
          READ_ELEMENT (ok, r, TileboxPbDatasetGroup, dataset_group_read, msg->groups, error);
          break;
        case 3: ok = read_string (r, &msg->server_message, error); break;
        case 4: ok = read_i64 (r, &msg->owned_datasets, error); break;
        case 5:
          msg->has_maximum_owned_datasets = TRUE;
          ok = read_i64 (r, &msg->maximum_owned_datasets, error);
          break;
        }
      if (!ok)
        return field_failed (r, &list_datasets_response_info, error);
    }
  if (rc < 0)
    return FALSE;
  ensure_string (&msg->server_message);
  return TRUE;
}

DEFINE_DECODE (list_datasets_response, TileboxPbListDatasetsResponse)

/* --- Get/Create/Update/DeleteDataset ------------------------------------ */

void
_tilebox_pb_get_dataset_request_clear (TileboxPbGetDatasetRequest *msg)
{
  g_free (msg->slug);
  memset (msg, 0, sizeof *msg);
}

void
_tilebox_pb_get_dataset_request_encode (const TileboxPbGetDatasetRequest *msg,
                                        GByteArray                       *out)
{
  write_string (out, 1, msg->slug);
  _tilebox_pb_write_id (out, 2, &msg->id);
}

static gboolean
get_dataset_request_read (TileboxPbReader            *r,
                          TileboxPbGetDatasetRequest *msg,
                          GError                    **error)
{
  int rc;

  while ((rc = next_field (r, &get_dataset_request_info, error)) > 0)
    {
      gboolean ok = TRUE;

      switch (r->field)
        {
        case 1: ok = read_string (r, &msg->slug, error); break;
        case 2: ok = _tilebox_pb_read_id (r, &msg->id, error); break;
        }
      if (!ok)
        return field_failed (r, &get_dataset_request_info, error);
    }
  if (rc < 0)
    return FALSE;
  ensure_string (&msg->slug);
  return TRUE;
}

DEFINE_DECODE (get_dataset_request, TileboxPbGetDatasetRequest)

void
_tilebox_pb_create_dataset_request_clear (TileboxPbCreateDatasetRequest *msg)
{
  g_free (msg->name);
  _tilebox_pb_dataset_type_clear (&msg->type);
  g_free (msg->summary);
  g_free (msg->code_name);
  memset (msg, 0, sizeof *msg);
}

void
_tilebox_pb_create_dataset_request_encode (const TileboxPbCreateDatasetRequest *msg,
                                           GByteArray                          *out)
{
  write_string (out, 1, msg->name);
  if (msg->has_type)
    WRITE_SUB (out, 2, _tilebox_pb_dataset_type_encode, &msg->type);
  write_string (out, 3, msg->summary);
  write_string (out, 4, msg->code_name);
}

static gboolean
create_dataset_request_read (TileboxPbReader               *r,
                             TileboxPbCreateDatasetRequest *msg,
                             GError                       **error)
{
  TileboxPbReader sub;
  int rc;

  while ((rc = next_field (r, &create_dataset_request_info, error)) > 0)
    {
      gboolean ok = TRUE;

      switch (r->field)
        {
        case 1: ok = read_string (r, &msg->name, error); break;
        case 2:
          msg->has_type = TRUE;
          ok = READ_SUB (r, dataset_type_read, &msg->type, error);
          break;
        case 3: ok = read_string (r, &msg->summary, error); break;
        case 4: ok = read_string (r, &msg->code_name, error); break;
        }
      if (!ok)
        return field_failed (r, &create_dataset_request_info, error);
    }
  if (rc < 0)
    return FALSE;
  ensure_string (&msg->name);
  dataset_type_normalize (&msg->type);
  ensure_string (&msg->summary);
  ensure_string (&msg->code_name);
  return TRUE;
}

DEFINE_DECODE (create_dataset_request, TileboxPbCreateDatasetRequest)

void
_tilebox_pb_update_dataset_request_clear (TileboxPbUpdateDatasetRequest *msg)
{
  g_free (msg->name);
  _tilebox_pb_dataset_type_clear (&msg->type);
  g_free (msg->summary);
  memset (msg, 0, sizeof *msg);
}

void
_tilebox_pb_update_dataset_request_encode (const TileboxPbUpdateDatasetRequest *msg,
                                           GByteArray                          *out)
{
  _tilebox_pb_write_id (out, 1, &msg->id);
  write_string (out, 2, msg->name);
  if (msg->has_type)
    WRITE_SUB (out, 3, _tilebox_pb_dataset_type_encode, &msg->type);
  write_string (out, 4, msg->summary);
}

static gboolean
update_dataset_request_read (TileboxPbReader               *r,
                             TileboxPbUpdateDatasetRequest *msg,
                             GError                       **error)
{
  TileboxPbReader sub;
  int rc;

  while ((rc = next_field (r, &update_dataset_request_info, error)) > 0)
    {
      gboolean ok = TRUE;

      switch (r->field)
        {
        case 1: ok = _tilebox_pb_read_id (r, &msg->id, error); break;
        case 2: ok = read_string (r, &msg->name, error); break;
        case 3:
          msg->has_type = TRUE;
          ok = READ_SUB (r, dataset_type_read, &msg->type, error);
          break;
        case 4: ok = read_string (r, &msg->summary, error); break;
        }
      if (!ok)
        return field_failed (r, &update_dataset_request_info, error);
    }
  if (rc < 0)
    return FALSE;
  ensure_string (&msg->name);
  dataset_type_normalize (&msg->type);
  ensure_string (&msg->summary);
  return TRUE;
}

DEFINE_DECODE (update_dataset_request, TileboxPbUpdateDatasetRequest)

void
_tilebox_pb_delete_dataset_request_clear (TileboxPbDeleteDatasetRequest *msg)
{
  memset (msg, 0, sizeof *msg);
}

void
_tilebox_pb_delete_dataset_request_encode (const TileboxPbDeleteDatasetRequest *msg,
                                           GByteArray                          *out)
{
  _tilebox_pb_write_id (out, 1, &msg->id);
}

static gboolean
delete_dataset_request_read (TileboxPbReader               *r,
                             TileboxPbDeleteDatasetRequest *msg,
                             GError                       **error)
{
  int rc;

  while ((rc = next_field (r, &delete_dataset_request_info, error)) > 0)
    {
      /* only field 1 is known */
      if (!_tilebox_pb_read_id (r, &msg->id, error))
        return field_failed (r, &delete_dataset_request_info, error);
    }
  return rc == 0;
}

DEFINE_DECODE (delete_dataset_request, TileboxPbDeleteDatasetRequest)

void
_tilebox_pb_delete_dataset_response_clear (TileboxPbDeleteDatasetResponse *msg)
{
  memset (msg, 0, sizeof *msg);
}

void
_tilebox_pb_delete_dataset_response_encode (const TileboxPbDeleteDatasetResponse *msg,
                                            GByteArray                           *out)
{
  write_bool (out, 1, msg->trashed);
}

static gboolean
delete_dataset_response_read (TileboxPbReader                *r,
                              TileboxPbDeleteDatasetResponse *msg,
                              GError                        **error)
{
  int rc;

  while ((rc = next_field (r, &delete_dataset_response_info, error)) > 0)
    {
      if (!read_bool (r, &msg->trashed, error))
        return field_failed (r, &delete_dataset_response_info, error);
    }
  return rc == 0;
}

DEFINE_DECODE (delete_dataset_response, TileboxPbDeleteDatasetResponse)

/* --- CollectionService -------------------------------------------------- */

void
_tilebox_pb_create_collection_request_clear (TileboxPbCreateCollectionRequest *msg)
{
  g_free (msg->name);
  memset (msg, 0, sizeof *msg);
}

void
_tilebox_pb_create_collection_request_encode (const TileboxPbCreateCollectionRequest *msg,
                                              GByteArray                             *out)
{
  _tilebox_pb_write_id (out, 1, &msg->dataset_id);
  write_string (out, 2, msg->name);
}

static gboolean
create_collection_request_read (TileboxPbReader                  *r,
                                TileboxPbCreateCollectionRequest *msg,
                                GError                          **error)
{
  int rc;

  while ((rc = next_field (r, &create_collection_request_info, error)) > 0)
    {
      gboolean ok = TRUE;

      switch (r->field)
        {
        case 1: ok = _tilebox_pb_read_id (r, &msg->dataset_id, error); break;
        case 2: ok = read_string (r, &msg->name, error); break;
        }
      if (!ok)
        return field_failed (r, &create_collection_request_info, error);
    }
  if (rc < 0)
    return FALSE;
  ensure_string (&msg->name);
  return TRUE;
}

DEFINE_DECODE (create_collection_request, TileboxPbCreateCollectionRequest)

void
_tilebox_pb_get_collection_by_name_request_clear (TileboxPbGetCollectionByNameRequest *msg)
{
  g_free (msg->collection_name);
  memset (msg, 0, sizeof *msg);
}

void
_tilebox_pb_get_collection_by_name_request_encode (const TileboxPbGetCollectionByNameRequest *msg,
                                                   GByteArray                                *out)
{
  write_string (out, 1, msg->collection_name);
  write_bool (out, 2, msg->with_availability);
  write_bool (out, 3, msg->with_count);
  _tilebox_pb_write_id (out, 4, &msg->dataset_id);
}

static gboolean
get_collection_by_name_request_read (TileboxPbReader                     *r,
                                     TileboxPbGetCollectionByNameRequest *msg,
                                     GError                             **error)
{
  int rc;

  while ((rc = next_field (r, &get_collection_by_name_request_info, error)) > 0)
    {
      gboolean ok = TRUE;

      switch (r->field)
        {
        case 1: ok = read_string (r, &msg->collection_name, error); break;
        case 2: ok = read_bool (r, &msg->with_availability, error); break;
        case 3: ok = read_bool (r, &msg->with_count, error); break;
        case 4: ok = _tilebox_pb_read_id (r, &msg->dataset_id, error); break;
        }
      if (!ok)
        return field_failed (r, &get_collection_by_name_request_info, error);
    }
  if (rc < 0)
    return FALSE;
  ensure_string (&msg->collection_name);
  return TRUE;
}

DEFINE_DECODE (get_collection_by_name_request, TileboxPbGetCollectionByNameRequest)

void
_tilebox_pb_delete_collection_request_clear (TileboxPbDeleteCollectionRequest *msg)
{
  memset (msg, 0, sizeof *msg);
}

void
_tilebox_pb_delete_collection_request_encode (const TileboxPbDeleteCollectionRequest *msg,
                                              GByteArray                             *out)
{
  _tilebox_pb_write_id (out, 1, &msg->collection_id);
  _tilebox_pb_write_id (out, 2, &msg->dataset_id);
}

static gboolean
delete_collection_request_read (TileboxPbReader                  *r,
                                TileboxPbDeleteCollectionRequest *msg,
                                GError                          **error)
{
  int rc;

  while ((rc = next_field (r, &delete_collection_request_info, error)) > 0)
    {
      TileboxPbId *id = r->field == 1 ? &msg->collection_id : &msg->dataset_id;

      if (!_tilebox_pb_read_id (r, id, error))
        return field_failed (r, &delete_collection_request_info, error);
    }
  return rc == 0;
}

DEFINE_DECODE (delete_collection_request, TileboxPbDeleteCollectionRequest)

void
_tilebox_pb_list_collections_request_clear (TileboxPbListCollectionsRequest *msg)
{
  memset (msg, 0, sizeof *msg);
}

void
_tilebox_pb_list_collections_request_encode (const TileboxPbListCollectionsRequest *msg,
                                             GByteArray                            *out)
{
  _tilebox_pb_write_id (out, 1, &msg->dataset_id);
  write_bool (out, 2, msg->with_availability);
  write_bool (out, 3, msg->with_count);
}

static gboolean
list_collections_request_read (TileboxPbReader                 *r,
                               TileboxPbListCollectionsRequest *msg,
                               GError                         **error)
{
  int rc;

  while ((rc = next_field (r, &list_collections_request_info, error)) > 0)
    {
      gboolean ok = TRUE;

      switch (r->field)
        {
        case 1: ok = _tilebox_pb_read_id (r, &msg->dataset_id, error); break;
        case 2: ok = read_bool (r, &msg->with_availability, error); break;
        case 3: ok = read_bool (r, &msg->with_count, error); break;
        }
      if (!ok)
        return field_failed (r, &list_collections_request_info, error);
    }
  return rc == 0;
}

DEFINE_DECODE (list_collections_request, TileboxPbListCollectionsRequest)

void
_tilebox_pb_collection_infos_clear (TileboxPbCollectionInfos *msg)
{
  g_clear_pointer (&msg->data, g_ptr_array_unref);
  memset (msg, 0, sizeof *msg);
}

void
_tilebox_pb_collection_infos_encode (const TileboxPbCollectionInfos *msg,
                                     GByteArray                     *out)
{
  WRITE_SUB_ARRAY (out, 1, _tilebox_pb_collection_info_encode, msg->data);
}

static gboolean
collection_infos_read (TileboxPbReader          *r,
                       TileboxPbCollectionInfos *msg,
                       GError                  **error)
{
  TileboxPbReader sub;
  int rc;

  ensure_ptr_array (&msg->data, _tilebox_pb_collection_info_free);
  while ((rc = next_field (r, &collection_infos_info, error)) > 0)
    {
      gboolean ok;

      READ_ELEMENT (ok, r, TileboxPbCollectionInfo, collection_info_read, msg->data, error);
      if (!ok)
        return field_failed (r, &collection_infos_info, error);
    }
  return rc == 0;
}

DEFINE_DECODE (collection_infos, TileboxPbCollectionInfos)

/* --- datasets.v1.SpatialFilter and QueryFilters ------------------------- */

void
_tilebox_pb_spatial_filter_clear (TileboxPbSpatialFilter *msg)
{
  g_clear_pointer (&msg->geometry_wkb, g_bytes_unref);
  memset (msg, 0, sizeof *msg);
}

static void
geometry_encode (GBytes     *wkb,
                 GByteArray *out)
{
  write_gbytes (out, 1, wkb);
}

void
_tilebox_pb_spatial_filter_encode (const TileboxPbSpatialFilter *msg,
                                   GByteArray                   *out)
{
  if (msg->geometry_wkb != NULL)
    WRITE_SUB (out, 1, geometry_encode, msg->geometry_wkb);
  write_i64 (out, 2, msg->mode);
  write_i64 (out, 3, msg->coordinate_system);
}

/* datasets.v1.Geometry: present means a non-NULL geometry_wkb */
static gboolean
geometry_read (TileboxPbReader *r,
               GBytes         **wkb,
               GError         **error)
{
  int rc;

  while ((rc = next_field (r, &geometry_info, error)) > 0)
    {
      if (!read_gbytes (r, wkb, error))
        return field_failed (r, &geometry_info, error);
    }
  ensure_gbytes (wkb);
  return rc == 0;
}

static gboolean
spatial_filter_read (TileboxPbReader        *r,
                     TileboxPbSpatialFilter *msg,
                     GError                **error)
{
  TileboxPbReader sub;
  int rc;

  while ((rc = next_field (r, &spatial_filter_info, error)) > 0)
    {
      gboolean ok = TRUE;

      switch (r->field)
        {
        case 1: ok = READ_SUB (r, geometry_read, &msg->geometry_wkb, error); break;
        case 2: ok = read_enum (r, &msg->mode, error); break;
        case 3: ok = read_enum (r, &msg->coordinate_system, error); break;
        }
      if (!ok)
        return field_failed (r, &spatial_filter_info, error);
    }
  return rc == 0;
}

DEFINE_DECODE (spatial_filter, TileboxPbSpatialFilter)

/* --- filter expressions ------------------------------------------------ */

static void
literal_clear (TileboxPbLiteral *msg)
{
  g_free (msg->s);
  g_clear_pointer (&msg->bytes, g_bytes_unref);
  memset (msg, 0, sizeof *msg);
}

static void
literal_encode (const TileboxPbLiteral *msg,
                GByteArray             *out)
{
  /* a oneof member is written even when it holds its zero value */
  switch (msg->kind)
    {
    case TILEBOX_PB_LITERAL_BOOL:
      _tilebox_pb_write_bool (out, 1, msg->b);
      break;
    case TILEBOX_PB_LITERAL_INT:
      _tilebox_pb_write_varint (out, 2, (guint64) msg->i);
      break;
    case TILEBOX_PB_LITERAL_UINT:
      _tilebox_pb_write_varint (out, 3, msg->u);
      break;
    case TILEBOX_PB_LITERAL_DOUBLE:
      _tilebox_pb_write_double (out, 4, msg->d);
      break;
    case TILEBOX_PB_LITERAL_STRING:
      _tilebox_pb_write_string (out, 5, msg->s != NULL ? msg->s : "");
      break;
    case TILEBOX_PB_LITERAL_BYTES:
      write_gbytes_element (out, 6, msg->bytes);
      break;
    case TILEBOX_PB_LITERAL_TIME:
      _tilebox_pb_write_timestamp (out, 7, &msg->time);
      break;
    case TILEBOX_PB_LITERAL_NONE:
    default:
      break;
    }
}

static gboolean
literal_read (TileboxPbReader  *r,
              TileboxPbLiteral *msg,
              GError          **error)
{
  int rc;

  while ((rc = next_field (r, &literal_info, error)) > 0)
    {
      gboolean ok = TRUE;
      guint64 bits;

      /* a oneof: the last member read wins */
      literal_clear (msg);
      msg->kind = (TileboxPbLiteralKind) r->field;
      switch (r->field)
        {
        case 1: ok = read_bool (r, &msg->b, error); break;
        case 2: ok = read_i64 (r, &msg->i, error); break;
        case 3: ok = read_u64 (r, &msg->u, error); break;
        case 4:
          ok = _tilebox_pb_read_fixed64 (r, &bits, error);
          memcpy (&msg->d, &bits, sizeof msg->d);
          break;
        case 5: ok = read_string (r, &msg->s, error); break;
        case 6: ok = read_gbytes (r, &msg->bytes, error); break;
        case 7: ok = _tilebox_pb_read_timestamp (r, &msg->time, error); break;
        }
      if (!ok)
        return field_failed (r, &literal_info, error);
    }
  return rc == 0;
}

TileboxPbExpression *
_tilebox_pb_expression_new (TileboxPbExpressionKind kind)
{
  TileboxPbExpression *msg = g_new0 (TileboxPbExpression, 1);

  msg->kind = kind;
  return msg;
}

void
_tilebox_pb_expression_clear (TileboxPbExpression *msg)
{
  g_free (msg->field);
  literal_clear (&msg->value);
  g_clear_pointer (&msg->operands, g_ptr_array_unref);
  memset (msg, 0, sizeof *msg);
}

void
_tilebox_pb_expression_free (gpointer msg)
{
  if (msg == NULL)
    return;
  _tilebox_pb_expression_clear (msg);
  g_free (msg);
}

static void
comparison_encode (const TileboxPbExpression *msg,
                   GByteArray                *out)
{
  write_string (out, 1, msg->field);
  write_i64 (out, 2, msg->op);
  if (msg->value.kind != TILEBOX_PB_LITERAL_NONE)
    WRITE_SUB (out, 3, literal_encode, &msg->value);
}

static void
is_null_encode (const TileboxPbExpression *msg,
                GByteArray                *out)
{
  write_string (out, 1, msg->field);
}

static void
operands_encode (const TileboxPbExpression *msg,
                 GByteArray                *out)
{
  WRITE_SUB_ARRAY (out, 1, _tilebox_pb_expression_encode, msg->operands);
}

void
_tilebox_pb_expression_encode (const TileboxPbExpression *msg,
                               GByteArray                *out)
{
  switch (msg->kind)
    {
    case TILEBOX_PB_EXPRESSION_COMPARISON:
      WRITE_SUB (out, 1, comparison_encode, msg);
      break;
    case TILEBOX_PB_EXPRESSION_IS_NULL:
      WRITE_SUB (out, 2, is_null_encode, msg);
      break;
    case TILEBOX_PB_EXPRESSION_AND:
      WRITE_SUB (out, 3, operands_encode, msg);
      break;
    case TILEBOX_PB_EXPRESSION_OR:
      WRITE_SUB (out, 4, operands_encode, msg);
      break;
    case TILEBOX_PB_EXPRESSION_NOT:
      if (msg->operands != NULL && msg->operands->len > 0)
        WRITE_SUB (out, 5, _tilebox_pb_expression_encode, g_ptr_array_index (msg->operands, 0));
      else
        _tilebox_pb_write_bytes (out, 5, NULL, 0);
      break;
    case TILEBOX_PB_EXPRESSION_NONE:
    default:
      break;
    }
}

static gboolean expression_read (TileboxPbReader     *r,
                                 TileboxPbExpression *msg,
                                 GError             **error);

static gboolean
comparison_read (TileboxPbReader     *r,
                 TileboxPbExpression *msg,
                 GError             **error)
{
  TileboxPbReader sub;
  int rc;

  while ((rc = next_field (r, &comparison_info, error)) > 0)
    {
      gboolean ok = TRUE;

      switch (r->field)
        {
        case 1: ok = read_string (r, &msg->field, error); break;
        case 2: ok = read_enum (r, &msg->op, error); break;
        case 3: ok = READ_SUB (r, literal_read, &msg->value, error); break;
        }
      if (!ok)
        return field_failed (r, &comparison_info, error);
    }
  return rc == 0;
}

static gboolean
is_null_read (TileboxPbReader     *r,
              TileboxPbExpression *msg,
              GError             **error)
{
  int rc;

  while ((rc = next_field (r, &is_null_info, error)) > 0)
    {
      if (!read_string (r, &msg->field, error))
        return field_failed (r, &is_null_info, error);
    }
  return rc == 0;
}

static gboolean
operands_read (TileboxPbReader     *r,
               TileboxPbExpression *msg,
               GError             **error)
{
  TileboxPbReader sub;
  int rc;

  while ((rc = next_field (r, &operands_info, error)) > 0)
    {
      gboolean ok;

      READ_ELEMENT (ok, r, TileboxPbExpression, expression_read, msg->operands, error);
      if (!ok)
        return field_failed (r, &operands_info, error);
    }
  return rc == 0;
}

/* The operand of NOT, merged like any submessage given more than once. */
static gboolean
not_read (TileboxPbReader     *r,
          TileboxPbExpression *msg,
          GError             **error)
{
  if (msg->operands->len == 0)
    g_ptr_array_add (msg->operands, _tilebox_pb_expression_new (TILEBOX_PB_EXPRESSION_NONE));
  return expression_read (r, g_ptr_array_index (msg->operands, 0), error);
}

static gboolean
expression_read (TileboxPbReader     *r,
                 TileboxPbExpression *msg,
                 GError             **error)
{
  TileboxPbReader sub;
  int rc;

  ensure_ptr_array (&msg->operands, _tilebox_pb_expression_free);
  while ((rc = next_field (r, &expression_info, error)) > 0)
    {
      gboolean ok = TRUE;

      /* a oneof: another member replaces what was read before */
      if ((guint) msg->kind != r->field)
        {
          _tilebox_pb_expression_clear (msg);
          ensure_ptr_array (&msg->operands, _tilebox_pb_expression_free);
          msg->kind = (TileboxPbExpressionKind) r->field;
        }
      switch (r->field)
        {
        case 1: ok = READ_SUB (r, comparison_read, msg, error); break;
        case 2: ok = READ_SUB (r, is_null_read, msg, error); break;
        case 3:
        case 4: ok = READ_SUB (r, operands_read, msg, error); break;
        case 5: ok = READ_SUB (r, not_read, msg, error); break;
        }
      if (!ok)
        return field_failed (r, &expression_info, error);
    }
  ensure_string (&msg->field);
  if (msg->value.kind == TILEBOX_PB_LITERAL_STRING)
    ensure_string (&msg->value.s);
  if (msg->value.kind == TILEBOX_PB_LITERAL_BYTES)
    ensure_gbytes (&msg->value.bytes);
  return rc == 0;
}

DEFINE_DECODE (expression, TileboxPbExpression)

void
_tilebox_pb_query_filters_clear (TileboxPbQueryFilters *msg)
{
  _tilebox_pb_spatial_filter_clear (&msg->spatial_extent);
  g_clear_pointer (&msg->expressions, g_ptr_array_unref);
  memset (msg, 0, sizeof *msg);
}

/* A oneof: when both members are set, only time_interval is written. */
void
_tilebox_pb_query_filters_encode (const TileboxPbQueryFilters *msg,
                                  GByteArray                  *out)
{
  if (msg->has_time_interval)
    WRITE_SUB (out, 1, _tilebox_pb_time_interval_encode, &msg->time_interval);
  else if (msg->has_datapoint_interval)
    WRITE_SUB (out, 2, _tilebox_pb_id_interval_encode, &msg->datapoint_interval);
  if (msg->has_spatial_extent)
    WRITE_SUB (out, 3, _tilebox_pb_spatial_filter_encode, &msg->spatial_extent);
  WRITE_SUB_ARRAY (out, 4, _tilebox_pb_expression_encode, msg->expressions);
}

static gboolean
query_filters_read (TileboxPbReader       *r,
                    TileboxPbQueryFilters *msg,
                    GError               **error)
{
  TileboxPbReader sub;
  int rc;

  ensure_ptr_array (&msg->expressions, _tilebox_pb_expression_free);
  while ((rc = next_field (r, &query_filters_info, error)) > 0)
    {
      gboolean ok = TRUE;

      switch (r->field)
        {
        case 1:
          /* oneof: the other member goes */
          msg->has_datapoint_interval = FALSE;
          _tilebox_pb_id_interval_clear (&msg->datapoint_interval);
          msg->has_time_interval = TRUE;
          ok = READ_SUB (r, time_interval_read, &msg->time_interval, error);
          break;
        case 2:
          msg->has_time_interval = FALSE;
          _tilebox_pb_time_interval_clear (&msg->time_interval);
          msg->has_datapoint_interval = TRUE;
          ok = READ_SUB (r, id_interval_read, &msg->datapoint_interval, error);
          break;
        case 3:
          msg->has_spatial_extent = TRUE;
          ok = READ_SUB (r, spatial_filter_read, &msg->spatial_extent, error);
          break;
        case 4:
          READ_ELEMENT (ok, r, TileboxPbExpression, expression_read, msg->expressions, error);
          break;
        }
      if (!ok)
        return field_failed (r, &query_filters_info, error);
    }
  return rc == 0;
}

DEFINE_DECODE (query_filters, TileboxPbQueryFilters)

/* --- QueryRequest and QueryByIDRequest ---------------------------------- */

void
_tilebox_pb_query_request_clear (TileboxPbQueryRequest *msg)
{
  g_clear_pointer (&msg->collection_ids, g_array_unref);
  _tilebox_pb_query_filters_clear (&msg->filters);
  memset (msg, 0, sizeof *msg);
}

void
_tilebox_pb_query_request_encode (const TileboxPbQueryRequest *msg,
                                  GByteArray                  *out)
{
  write_id_array (out, 1, msg->collection_ids);
  if (msg->has_filters)
    WRITE_SUB (out, 2, _tilebox_pb_query_filters_encode, &msg->filters);
  if (msg->has_page)
    WRITE_SUB (out, 3, _tilebox_pb_pagination_encode, &msg->page);
  write_bool (out, 4, msg->skip_data);
}

static gboolean
query_request_read (TileboxPbReader       *r,
                    TileboxPbQueryRequest *msg,
                    GError               **error)
{
  TileboxPbReader sub;
  int rc;

  ensure_id_array (&msg->collection_ids);
  ensure_ptr_array (&msg->filters.expressions, _tilebox_pb_expression_free);
  while ((rc = next_field (r, &query_request_info, error)) > 0)
    {
      gboolean ok = TRUE;

      switch (r->field)
        {
        case 1: ok = read_id_element (r, msg->collection_ids, error); break;
        case 2:
          msg->has_filters = TRUE;
          ok = READ_SUB (r, query_filters_read, &msg->filters, error);
          break;
        case 3:
          msg->has_page = TRUE;
          ok = READ_SUB (r, pagination_read, &msg->page, error);
          break;
        case 4: ok = read_bool (r, &msg->skip_data, error); break;
        }
      if (!ok)
        return field_failed (r, &query_request_info, error);
    }
  return rc == 0;
}

DEFINE_DECODE (query_request, TileboxPbQueryRequest)

void
_tilebox_pb_query_by_id_request_clear (TileboxPbQueryByIdRequest *msg)
{
  g_clear_pointer (&msg->collection_ids, g_array_unref);
  memset (msg, 0, sizeof *msg);
}

void
_tilebox_pb_query_by_id_request_encode (const TileboxPbQueryByIdRequest *msg,
                                        GByteArray                      *out)
{
  write_id_array (out, 1, msg->collection_ids);
  _tilebox_pb_write_id (out, 2, &msg->id);
  write_bool (out, 3, msg->skip_data);
}

static gboolean
query_by_id_request_read (TileboxPbReader           *r,
                          TileboxPbQueryByIdRequest *msg,
                          GError                   **error)
{
  int rc;

  ensure_id_array (&msg->collection_ids);
  while ((rc = next_field (r, &query_by_id_request_info, error)) > 0)
    {
      gboolean ok = TRUE;

      switch (r->field)
        {
        case 1: ok = read_id_element (r, msg->collection_ids, error); break;
        case 2: ok = _tilebox_pb_read_id (r, &msg->id, error); break;
        case 3: ok = read_bool (r, &msg->skip_data, error); break;
        }
      if (!ok)
        return field_failed (r, &query_by_id_request_info, error);
    }
  return rc == 0;
}

DEFINE_DECODE (query_by_id_request, TileboxPbQueryByIdRequest)

/* --- datasets.v1.Any and QueryResultPage -------------------------------- */

void
_tilebox_pb_any_clear (TileboxPbAny *msg)
{
  g_free (msg->type_url);
  g_clear_pointer (&msg->value, g_bytes_unref);
  memset (msg, 0, sizeof *msg);
}

void
_tilebox_pb_any_encode (const TileboxPbAny *msg,
                        GByteArray         *out)
{
  write_string (out, 1, msg->type_url);
  write_gbytes (out, 2, msg->value);
}

static gboolean
any_read (TileboxPbReader *r,
          TileboxPbAny    *msg,
          GError         **error)
{
  int rc;

  while ((rc = next_field (r, &any_info, error)) > 0)
    {
      gboolean ok = TRUE;

      switch (r->field)
        {
        case 1: ok = read_string (r, &msg->type_url, error); break;
        case 2: ok = read_gbytes (r, &msg->value, error); break;
        }
      if (!ok)
        return field_failed (r, &any_info, error);
    }
  if (rc < 0)
    return FALSE;
  ensure_string (&msg->type_url);
  ensure_gbytes (&msg->value);
  return TRUE;
}

DEFINE_DECODE (any, TileboxPbAny)

void
_tilebox_pb_query_result_page_clear (TileboxPbQueryResultPage *msg)
{
  g_free (msg->type_url);
  g_clear_pointer (&msg->values, g_ptr_array_unref);
  memset (msg, 0, sizeof *msg);
}

static void
repeated_any_encode (const TileboxPbQueryResultPage *msg,
                     GByteArray                     *out)
{
  write_string (out, 1, msg->type_url);
  for (guint i = 0; msg->values != NULL && i < msg->values->len; i++)
    write_gbytes_element (out, 2, g_ptr_array_index (msg->values, i));
}

void
_tilebox_pb_query_result_page_encode (const TileboxPbQueryResultPage *msg,
                                      GByteArray                     *out)
{
  if ((msg->type_url != NULL && *msg->type_url != '\0') ||
      (msg->values != NULL && msg->values->len > 0))
    WRITE_SUB (out, 1, repeated_any_encode, msg);
  if (msg->has_next_page)
    WRITE_SUB (out, 2, _tilebox_pb_pagination_encode, &msg->next_page);
}

/* A datapoint of a page: a copy of its bytes, or, when the whole message
 * is held by `body` (the reader's buffer), a slice of `body` (no copy). */
static gboolean
read_value_element (TileboxPbReader *r,
                    GPtrArray       *dst,
                    GBytes          *body,
                    GError         **error)
{
  const guint8 *data;
  gsize len;

  if (body == NULL)
    return read_gbytes_element (r, dst, error);

  if (!_tilebox_pb_read_bytes (r, &data, &len, error))
    return FALSE;
  /* every (sub)reader reads within body's own bytes */
  g_ptr_array_add (dst, g_bytes_new_from_bytes (body, (gsize) (data - (const guint8 *) g_bytes_get_data (body, NULL)),
                                                len));
  return TRUE;
}

/* datasets.v1.RepeatedAny, read into the page that flattens it; values
 * are slices of `body` unless it is NULL. */
static gboolean
repeated_any_read (TileboxPbReader          *r,
                   TileboxPbQueryResultPage *msg,
                   GBytes                   *body,
                   GError                  **error)
{
  int rc;

  while ((rc = next_field (r, &repeated_any_info, error)) > 0)
    {
      gboolean ok = TRUE;

      switch (r->field)
        {
        case 1: ok = read_string (r, &msg->type_url, error); break;
        case 2: ok = read_value_element (r, msg->values, body, error); break;
        }
      if (!ok)
        return field_failed (r, &repeated_any_info, error);
    }
  return rc == 0;
}

static gboolean
query_result_page_read_values (TileboxPbReader          *r,
                               TileboxPbQueryResultPage *msg,
                               GBytes                   *body,
                               GError                  **error)
{
  TileboxPbReader sub;
  int rc;

  ensure_ptr_array (&msg->values, bytes_unref0);
  while ((rc = next_field (r, &query_result_page_info, error)) > 0)
    {
      gboolean ok = TRUE;

      switch (r->field)
        {
        case 1:
          ok = _tilebox_pb_read_message (r, &sub, error) &&
               repeated_any_read (&sub, msg, body, error);
          break;
        case 2:
          msg->has_next_page = TRUE;
          ok = READ_SUB (r, pagination_read, &msg->next_page, error);
          break;
        }
      if (!ok)
        return field_failed (r, &query_result_page_info, error);
    }
  if (rc < 0)
    return FALSE;
  ensure_string (&msg->type_url);
  return TRUE;
}

static gboolean
query_result_page_read (TileboxPbReader          *r,
                        TileboxPbQueryResultPage *msg,
                        GError                  **error)
{
  return query_result_page_read_values (r, msg, NULL, error);
}

DEFINE_DECODE (query_result_page, TileboxPbQueryResultPage)

gboolean
_tilebox_pb_query_result_page_decode_bytes (TileboxPbQueryResultPage  *msg,
                                            GBytes                    *body,
                                            GError                   **error)
{
  TileboxPbReader reader;
  gsize len;
  const guint8 *data;

  g_return_val_if_fail (msg != NULL, FALSE);
  g_return_val_if_fail (body != NULL, FALSE);

  data = g_bytes_get_data (body, &len);
  _tilebox_pb_reader_init (&reader, data, len);
  if (query_result_page_read_values (&reader, msg, body, error))
    return TRUE;
  _tilebox_pb_query_result_page_clear (msg);
  return FALSE;
}

/* --- DataIngestionService ----------------------------------------------- */

void
_tilebox_pb_ingest_request_clear (TileboxPbIngestRequest *msg)
{
  g_clear_pointer (&msg->values, g_ptr_array_unref);
  memset (msg, 0, sizeof *msg);
}

void
_tilebox_pb_ingest_request_encode (const TileboxPbIngestRequest *msg,
                                   GByteArray                   *out)
{
  _tilebox_pb_write_id (out, 1, &msg->collection_id);
  for (guint i = 0; msg->values != NULL && i < msg->values->len; i++)
    write_gbytes_element (out, 2, g_ptr_array_index (msg->values, i));
  write_bool (out, 3, msg->allow_existing);
}

static gboolean
ingest_request_read (TileboxPbReader        *r,
                     TileboxPbIngestRequest *msg,
                     GError                **error)
{
  int rc;

  ensure_ptr_array (&msg->values, bytes_unref0);
  while ((rc = next_field (r, &ingest_request_info, error)) > 0)
    {
      gboolean ok = TRUE;

      switch (r->field)
        {
        case 1: ok = _tilebox_pb_read_id (r, &msg->collection_id, error); break;
        case 2: ok = read_gbytes_element (r, msg->values, error); break;
        case 3: ok = read_bool (r, &msg->allow_existing, error); break;
        }
      if (!ok)
        return field_failed (r, &ingest_request_info, error);
    }
  return rc == 0;
}

DEFINE_DECODE (ingest_request, TileboxPbIngestRequest)

void
_tilebox_pb_ingest_response_clear (TileboxPbIngestResponse *msg)
{
  g_clear_pointer (&msg->datapoint_ids, g_array_unref);
  memset (msg, 0, sizeof *msg);
}

void
_tilebox_pb_ingest_response_encode (const TileboxPbIngestResponse *msg,
                                    GByteArray                    *out)
{
  write_i64 (out, 1, msg->num_created);
  write_i64 (out, 2, msg->num_existing);
  write_id_array (out, 3, msg->datapoint_ids);
}

static gboolean
ingest_response_read (TileboxPbReader         *r,
                      TileboxPbIngestResponse *msg,
                      GError                 **error)
{
  int rc;

  ensure_id_array (&msg->datapoint_ids);
  while ((rc = next_field (r, &ingest_response_info, error)) > 0)
    {
      gboolean ok = TRUE;

      switch (r->field)
        {
        case 1: ok = read_i64 (r, &msg->num_created, error); break;
        case 2: ok = read_i64 (r, &msg->num_existing, error); break;
        case 3: ok = read_id_element (r, msg->datapoint_ids, error); break;
        }
      if (!ok)
        return field_failed (r, &ingest_response_info, error);
    }
  return rc == 0;
}

DEFINE_DECODE (ingest_response, TileboxPbIngestResponse)

void
_tilebox_pb_delete_request_clear (TileboxPbDeleteRequest *msg)
{
  g_clear_pointer (&msg->datapoint_ids, g_array_unref);
  memset (msg, 0, sizeof *msg);
}

void
_tilebox_pb_delete_request_encode (const TileboxPbDeleteRequest *msg,
                                   GByteArray                   *out)
{
  _tilebox_pb_write_id (out, 1, &msg->collection_id);
  write_id_array (out, 2, msg->datapoint_ids);
}

static gboolean
delete_request_read (TileboxPbReader        *r,
                     TileboxPbDeleteRequest *msg,
                     GError                **error)
{
  int rc;

  ensure_id_array (&msg->datapoint_ids);
  while ((rc = next_field (r, &delete_request_info, error)) > 0)
    {
      gboolean ok = TRUE;

      switch (r->field)
        {
        case 1: ok = _tilebox_pb_read_id (r, &msg->collection_id, error); break;
        case 2: ok = read_id_element (r, msg->datapoint_ids, error); break;
        }
      if (!ok)
        return field_failed (r, &delete_request_info, error);
    }
  return rc == 0;
}

DEFINE_DECODE (delete_request, TileboxPbDeleteRequest)

void
_tilebox_pb_delete_response_clear (TileboxPbDeleteResponse *msg)
{
  memset (msg, 0, sizeof *msg);
}

void
_tilebox_pb_delete_response_encode (const TileboxPbDeleteResponse *msg,
                                    GByteArray                    *out)
{
  write_i64 (out, 1, msg->num_deleted);
}

static gboolean
delete_response_read (TileboxPbReader         *r,
                      TileboxPbDeleteResponse *msg,
                      GError                 **error)
{
  int rc;

  while ((rc = next_field (r, &delete_response_info, error)) > 0)
    {
      if (!read_i64 (r, &msg->num_deleted, error))
        return field_failed (r, &delete_response_info, error);
    }
  return rc == 0;
}

DEFINE_DECODE (delete_response, TileboxPbDeleteResponse)
