/* tilebox-server-ingest.c: datapoints taken in by the local server
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdarg.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "tilebox-error.h"
#include "tilebox-columns-private.h"
#include "tilebox-descriptor-private.h"
#include "tilebox-demo-private.h"
#include "tilebox-geometry-private.h"
#include "tilebox-pb-private.h"
#include "tilebox-server-ingest-private.h"

#define TIMESTAMP_TYPE "google.protobuf.Timestamp"
#define DURATION_TYPE "google.protobuf.Duration"
#define UUID_TYPE "datasets.v1.UUID"
#define GEOMETRY_TYPE "datasets.v1.Geometry"

/* The range of google.protobuf.Timestamp: 0001-01-01T00:00:00Z to
 * 9999-12-31T23:59:59.999999999Z; and of Duration: about 10000 years. */
#define TIMESTAMP_MIN_SECONDS G_GINT64_CONSTANT (-62135596800)
#define TIMESTAMP_MAX_SECONDS G_GINT64_CONSTANT (253402300799)
#define DURATION_MAX_SECONDS G_GINT64_CONSTANT (315576000000)
#define NANOS_PER_SECOND 1000000000

/* The fields every datapoint has. */
#define FIELD_TIME 1
#define FIELD_ID 2
#define FIELD_INGESTION_TIME 3

struct _TileboxServerIngestType {
  GBytes *descriptor_set;
  char *type_url;
  gint kind;
  TileboxDescPool *pool;
  const TileboxDescMessage *message;
  const TileboxDescField *geometry; /* spatiotemporal datasets only */
};

/* --- the type -------------------------------------------------------------- */

static gboolean
is_message_field (const TileboxDescField *field,
                  const char             *type_name)
{
  return field != NULL && field->type == TILEBOX_DESC_TYPE_MESSAGE &&
         field->label != TILEBOX_DESC_LABEL_REPEATED &&
         g_strcmp0 (field->type_name, type_name) == 0;
}

TileboxServerIngestType *
_tilebox_server_ingest_type_new (const TileboxPbAnnotatedType *type,
                                 GError                      **error)
{
  g_autoptr(TileboxServerIngestType) self = NULL;
  g_autoptr(GError) local_error = NULL;
  const guint8 *data;
  gsize len = 0;

  if (type == NULL || type->descriptor_set == NULL || type->type_url == NULL || *type->type_url == '\0')
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_FAILED_PRECONDITION,
                   _("The dataset has no type: it cannot take datapoints"));
      return NULL;
    }

  self = g_new0 (TileboxServerIngestType, 1);
  self->descriptor_set = g_bytes_ref (type->descriptor_set);
  self->type_url = g_strdup (type->type_url);
  self->kind = type->kind;
  self->pool = _tilebox_desc_pool_new ();
  data = g_bytes_get_data (type->descriptor_set, &len);
  if (!_tilebox_columns_add_well_known_types (self->pool, &local_error) ||
      !_tilebox_desc_pool_add_file_set (self->pool, data, len, &local_error))
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_FAILED_PRECONDITION,
                   _("The type of the dataset cannot be read: %s"), local_error->message);
      return NULL;
    }
  self->message = _tilebox_desc_pool_lookup_message (self->pool, type->type_url);
  if (self->message == NULL)
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_FAILED_PRECONDITION,
                   _("The type of the dataset does not describe its message %s"), type->type_url);
      return NULL;
    }
  if (!is_message_field (_tilebox_desc_message_find_field (self->message, FIELD_TIME), TIMESTAMP_TYPE))
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_FAILED_PRECONDITION,
                   _("The type of the dataset has no field 1 of type %s for the time of a datapoint"),
                   TIMESTAMP_TYPE);
      return NULL;
    }
  if (type->kind == TILEBOX_DATASET_KIND_SPATIOTEMPORAL)
    {
      self->geometry = _tilebox_desc_message_find_field_by_name (self->message, "geometry");
      if (!is_message_field (self->geometry, GEOMETRY_TYPE))
        {
          g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_FAILED_PRECONDITION,
                       _("The spatiotemporal dataset has no field geometry of type %s"), GEOMETRY_TYPE);
          return NULL;
        }
    }
  return g_steal_pointer (&self);
}

void
_tilebox_server_ingest_type_free (TileboxServerIngestType *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->descriptor_set, g_bytes_unref);
  g_clear_pointer (&self->pool, _tilebox_desc_pool_unref);
  g_free (self->type_url);
  g_free (self);
}

gboolean
_tilebox_server_ingest_type_is_for (TileboxServerIngestType      *self,
                                    const TileboxPbAnnotatedType *type)
{
  return type != NULL && type->descriptor_set != NULL &&
         self->kind == type->kind &&
         g_strcmp0 (self->type_url, type->type_url) == 0 &&
         g_bytes_equal (self->descriptor_set, type->descriptor_set);
}

/* --- checks ---------------------------------------------------------------- */

typedef struct {
  TileboxServerIngestType *type;
  guint index;
  /* the dotted name of the field being checked ("time.nanos") */
  GString *path;
} Check;

static gboolean
refuse (Check       *check,
        GError     **error,
        const char  *format,
        ...) G_GNUC_PRINTF (3, 4);

/* Fails the datapoint with a message naming it. */
static gboolean
refuse (Check       *check,
        GError     **error,
        const char  *format,
        ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
               _("datapoint %u: %s"), check->index, message);
  return FALSE;
}

/* "a double", "an int64", "a google.protobuf.Timestamp", "repeated
 * strings": what a field holds, for messages. */
static char *
describe_field (const TileboxDescField *field)
{
  static const char *const singular[] = {
    [TILEBOX_DESC_TYPE_DOUBLE] = N_("a double"),
    [TILEBOX_DESC_TYPE_FLOAT] = N_("a float"),
    [TILEBOX_DESC_TYPE_INT64] = N_("an int64"),
    [TILEBOX_DESC_TYPE_UINT64] = N_("a uint64"),
    [TILEBOX_DESC_TYPE_INT32] = N_("an int32"),
    [TILEBOX_DESC_TYPE_FIXED64] = N_("a fixed64"),
    [TILEBOX_DESC_TYPE_FIXED32] = N_("a fixed32"),
    [TILEBOX_DESC_TYPE_BOOL] = N_("a bool"),
    [TILEBOX_DESC_TYPE_STRING] = N_("a string"),
    [TILEBOX_DESC_TYPE_GROUP] = N_("a group"),
    [TILEBOX_DESC_TYPE_MESSAGE] = N_("a message"),
    [TILEBOX_DESC_TYPE_BYTES] = N_("bytes"),
    [TILEBOX_DESC_TYPE_UINT32] = N_("a uint32"),
    [TILEBOX_DESC_TYPE_ENUM] = N_("an enum"),
    [TILEBOX_DESC_TYPE_SFIXED32] = N_("an sfixed32"),
    [TILEBOX_DESC_TYPE_SFIXED64] = N_("an sfixed64"),
    [TILEBOX_DESC_TYPE_SINT32] = N_("an sint32"),
    [TILEBOX_DESC_TYPE_SINT64] = N_("an sint64"),
  };
  const char *name = _tilebox_desc_type_name (field->type);
  const char *what;

  if (field->label == TILEBOX_DESC_LABEL_REPEATED)
    {
      if (field->type == TILEBOX_DESC_TYPE_MESSAGE || field->type == TILEBOX_DESC_TYPE_ENUM)
        return g_strdup_printf (_("repeated %s %s"), name, field->type_name);
      return g_strdup_printf (_("repeated %s"), name != NULL ? name : "?");
    }
  if (field->type == TILEBOX_DESC_TYPE_MESSAGE)
    return g_strdup_printf (_("a message %s"), field->type_name);
  if (field->type == TILEBOX_DESC_TYPE_ENUM)
    return g_strdup_printf (_("an enum %s"), field->type_name);
  what = (guint) field->type < G_N_ELEMENTS (singular) ? singular[field->type] : NULL;
  return g_strdup (what != NULL ? _(what) : "?");
}

static gboolean check_message (Check                    *check,
                               const TileboxDescMessage *message,
                               TileboxPbReader          *reader,
                               GError                  **error);

/* Pushes a field name onto check->path; returns the length to pop back to. */
static gsize
path_push (Check      *check,
           const char *name)
{
  gsize old_len = check->path->len;

  if (old_len > 0)
    g_string_append_c (check->path, '.');
  g_string_append (check->path, name);
  return old_len;
}

/* A packed repeated scalar: whole elements, nothing else. */
static gboolean
check_packed (Check                  *check,
              const TileboxDescField *field,
              TileboxPbReader        *reader,
              GError                **error)
{
  g_autoptr(GError) local_error = NULL;
  TileboxPbWireType element = _tilebox_desc_type_wire_type (field->type);
  const guint8 *data;
  gsize len, pos = 0;

  if (!_tilebox_pb_read_bytes (reader, &data, &len, &local_error))
    return refuse (check, error, _("field %s cannot be read: %s"), check->path->str, local_error->message);

  switch (element)
    {
    case TILEBOX_PB_WIRE_FIXED32:
    case TILEBOX_PB_WIRE_FIXED64:
      if (len % (element == TILEBOX_PB_WIRE_FIXED32 ? 4 : 8) == 0)
        return TRUE;
      break;
    case TILEBOX_PB_WIRE_VARINT:
      while (pos < len)
        {
          guint64 v;

          if (!_tilebox_pb_decode_varint (data, len, &pos, &v))
            break;
        }
      if (pos == len)
        return TRUE;
      break;
    case TILEBOX_PB_WIRE_LEN:
    case TILEBOX_PB_WIRE_SGROUP:
    case TILEBOX_PB_WIRE_EGROUP:
    default:
      break;
    }
  return refuse (check, error, _("field %s is not a packed list of %s values"), check->path->str,
                 _tilebox_desc_type_name (field->type));
}

/* The seconds and nanos of a Timestamp or Duration that passed
 * check_message (): fields 1 and 2, varints, each at most once. */
static void
read_seconds_nanos (const guint8 *data,
                    gsize         len,
                    gint64       *seconds,
                    gint64       *nanos)
{
  TileboxPbReader reader;
  guint64 v;

  *seconds = 0;
  *nanos = 0;
  _tilebox_pb_reader_init (&reader, data, len);
  while (_tilebox_pb_reader_next (&reader, NULL) > 0 &&
         _tilebox_pb_read_varint (&reader, &v, NULL))
    {
      if (reader.field == 1)
        *seconds = (gint64) v;
      else
        *nanos = (gint32) (guint32) v;
    }
}

/* Field 1 (bytes) of a UUID or Geometry that passed check_message (). */
static gboolean
read_bytes_field (const guint8  *data,
                  gsize          len,
                  const guint8 **value,
                  gsize         *value_len)
{
  TileboxPbReader reader;

  _tilebox_pb_reader_init (&reader, data, len);
  while (_tilebox_pb_reader_next (&reader, NULL) > 0)
    {
      if (reader.field == 1)
        return _tilebox_pb_read_bytes (&reader, value, value_len, NULL);
      if (!_tilebox_pb_skip (&reader, NULL))
        return FALSE;
    }
  return FALSE;
}

/* What the well-known types hold beyond their wire format. */
static gboolean
check_well_known (Check                  *check,
                  const TileboxDescField *field,
                  const guint8           *data,
                  gsize                   len,
                  GError                **error)
{
  const char *type_name = field->type_name;
  gint64 seconds, nanos;
  const guint8 *bytes = NULL;
  gsize n_bytes = 0;

  if (g_str_equal (type_name, TIMESTAMP_TYPE))
    {
      read_seconds_nanos (data, len, &seconds, &nanos);
      if (seconds < TIMESTAMP_MIN_SECONDS || seconds > TIMESTAMP_MAX_SECONDS ||
          nanos < 0 || nanos >= NANOS_PER_SECOND)
        return refuse (check, error,
                       _("field %s is not a valid time (%lld s, %lld ns): "
                         "it must lie in the years 1 to 9999, with nanoseconds from 0 to 999999999"),
                       check->path->str, (long long) seconds, (long long) nanos);
    }
  else if (g_str_equal (type_name, DURATION_TYPE))
    {
      read_seconds_nanos (data, len, &seconds, &nanos);
      if (seconds < -DURATION_MAX_SECONDS || seconds > DURATION_MAX_SECONDS ||
          nanos <= -NANOS_PER_SECOND || nanos >= NANOS_PER_SECOND ||
          (seconds < 0 && nanos > 0) || (seconds > 0 && nanos < 0))
        return refuse (check, error,
                       _("field %s is not a valid duration (%lld s, %lld ns)"),
                       check->path->str, (long long) seconds, (long long) nanos);
    }
  else if (g_str_equal (type_name, UUID_TYPE))
    {
      read_bytes_field (data, len, &bytes, &n_bytes);
      if (n_bytes != 16)
        return refuse (check, error, _("field %s must hold a UUID of 16 bytes, not %lu"),
                       check->path->str, (gulong) n_bytes);
    }
  else if (g_str_equal (type_name, GEOMETRY_TYPE))
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(GBytes) normalized = NULL;

      if (!read_bytes_field (data, len, &bytes, &n_bytes))
        {
          if (field == check->type->geometry)
            return refuse (check, error, _("field %s holds no geometry"), check->path->str);
          return TRUE;
        }
      normalized = _tilebox_wkb_normalize (bytes, n_bytes, &local_error);
      if (normalized == NULL)
        return refuse (check, error, _("field %s is not a valid WKB geometry: %s"),
                       check->path->str, local_error->message);
    }
  return TRUE;
}

/* A message field's value: by its descriptor when the pool has one, else
 * only as well-formed protobuf. */
static gboolean
check_submessage (Check                  *check,
                  const TileboxDescField *field,
                  TileboxPbReader        *reader,
                  GError                **error)
{
  g_autoptr(GError) local_error = NULL;
  const TileboxDescMessage *message = _tilebox_desc_pool_lookup_message (check->type->pool, field->type_name);
  TileboxPbReader sub;
  int rc;

  if (!_tilebox_pb_read_message (reader, &sub, &local_error))
    return refuse (check, error, _("field %s cannot be read: %s"), check->path->str, local_error->message);

  if (message != NULL)
    {
      if (!check_message (check, message, &sub, error))
        return FALSE;
      return check_well_known (check, field, sub.data, sub.len, error);
    }

  while ((rc = _tilebox_pb_reader_next (&sub, &local_error)) > 0)
    if (!_tilebox_pb_skip (&sub, &local_error))
      break;
  if (local_error != NULL)
    return refuse (check, error, _("field %s cannot be read: %s"), check->path->str, local_error->message);
  return TRUE;
}

/* The value of the field the reader is at. */
static gboolean
check_value (Check                  *check,
             const TileboxDescField *field,
             TileboxPbReader        *reader,
             GError                **error)
{
  g_autoptr(GError) local_error = NULL;
  TileboxPbWireType expected = _tilebox_desc_type_wire_type (field->type);
  const guint8 *data;
  gsize len;
  guint64 v;
  guint32 v32;
  gboolean ok = TRUE;

  if (reader->wire_type != expected)
    {
      g_autofree char *what = NULL;

      if (field->label == TILEBOX_DESC_LABEL_REPEATED && reader->wire_type == TILEBOX_PB_WIRE_LEN &&
          (expected == TILEBOX_PB_WIRE_VARINT || expected == TILEBOX_PB_WIRE_FIXED32 ||
           expected == TILEBOX_PB_WIRE_FIXED64))
        return check_packed (check, field, reader, error);
      what = describe_field (field);
      return refuse (check, error, _("field %s has wire type %d, expected %s"),
                     check->path->str, (int) reader->wire_type, what);
    }

  switch (expected)
    {
    case TILEBOX_PB_WIRE_VARINT:
      ok = _tilebox_pb_read_varint (reader, &v, &local_error);
      break;
    case TILEBOX_PB_WIRE_FIXED32:
      ok = _tilebox_pb_read_fixed32 (reader, &v32, &local_error);
      break;
    case TILEBOX_PB_WIRE_FIXED64:
      ok = _tilebox_pb_read_fixed64 (reader, &v, &local_error);
      break;
    case TILEBOX_PB_WIRE_SGROUP:
      ok = _tilebox_pb_skip (reader, &local_error);
      break;
    case TILEBOX_PB_WIRE_LEN:
      if (field->type == TILEBOX_DESC_TYPE_MESSAGE)
        return check_submessage (check, field, reader, error);
      ok = _tilebox_pb_read_bytes (reader, &data, &len, &local_error);
      if (ok && field->type == TILEBOX_DESC_TYPE_STRING && !g_utf8_validate_len ((const char *) data, len, NULL))
        return refuse (check, error, _("field %s is not valid UTF-8"), check->path->str);
      break;
    case TILEBOX_PB_WIRE_EGROUP:
    default:
      g_assert_not_reached ();
    }
  if (!ok)
    return refuse (check, error, _("field %s cannot be read: %s"), check->path->str, local_error->message);
  return TRUE;
}

/* The fields of one message, at the reader. */
static gboolean
check_message (Check                    *check,
               const TileboxDescMessage *message,
               TileboxPbReader          *reader,
               GError                  **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree gboolean *seen = g_new0 (gboolean, MAX (message->fields->len, 1));
  int rc;

  while ((rc = _tilebox_pb_reader_next (reader, &local_error)) > 0)
    {
      const TileboxDescField *field = _tilebox_desc_message_find_field (message, (gint32) reader->field);
      gsize old_len;
      gboolean ok;

      if (field == NULL)
        {
          if (check->path->len == 0)
            return refuse (check, error, _("unknown field number %u: the dataset's message %s has no such field"),
                           reader->field, message->full_name);
          return refuse (check, error, _("field %s has no field number %u (%s has no such field)"),
                         check->path->str, reader->field, message->full_name);
        }

      old_len = path_push (check, field->name);
      if (field->label != TILEBOX_DESC_LABEL_REPEATED)
        {
          guint i = 0;

          while (g_ptr_array_index (message->fields, i) != field)
            i++;
          if (seen[i])
            return refuse (check, error, _("field %s is given more than once"), check->path->str);
          seen[i] = TRUE;
        }
      ok = check_value (check, field, reader, error);
      g_string_truncate (check->path, old_len);
      if (!ok)
        return FALSE;
    }
  if (rc < 0)
    {
      if (check->path->len == 0)
        return refuse (check, error, _("not a valid %s message: %s"), message->full_name, local_error->message);
      return refuse (check, error, _("field %s cannot be read: %s"), check->path->str, local_error->message);
    }
  return TRUE;
}

/* --- layout ---------------------------------------------------------------- */

/* One top-level field: its number and bytes [start, end) of the value,
 * tag included. */
typedef struct {
  guint32 number;
  gsize start;
  gsize end;
} Span;

static void
append_spans (GByteArray   *out,
              const guint8 *data,
              const GArray *spans,
              guint32       min_number,
              guint32       max_number)
{
  for (guint i = 0; i < spans->len; i++)
    {
      const Span *span = &g_array_index (spans, Span, i);

      if (span->number >= min_number && span->number <= max_number)
        g_byte_array_append (out, data + span->start, span->end - span->start);
    }
}

gboolean
_tilebox_server_ingest_prepare (TileboxServerIngestType *self,
                                guint                    index,
                                GBytes                  *value,
                                gint64                   ingestion_time_us,
                                TileboxStoreDatapoint   *datapoint,
                                GError                 **error)
{
  g_autoptr(GString) path = g_string_new (NULL);
  g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (Span));
  g_autoptr(GByteArray) content = NULL;
  g_autoptr(GByteArray) stored = NULL;
  Check check = { self, index, path };
  TileboxPbReader reader;
  TileboxPbTimestamp ingestion_time;
  TileboxPbId id = { TRUE, { 0 } };
  const Span *time = NULL;
  gboolean has_geometry = FALSE;
  gint64 seconds, nanos, time_ms;
  gsize len;
  const guint8 *data = g_bytes_get_data (value, &len);
  int rc;

  /* first the whole message against the type */
  _tilebox_pb_reader_init (&reader, data, len);
  if (!check_message (&check, self->message, &reader, error))
    return FALSE;

  /* then where its top-level fields are; it reads cleanly now */
  _tilebox_pb_reader_init (&reader, data, len);
  for (;;)
    {
      Span span;

      span.start = reader.pos;
      rc = _tilebox_pb_reader_next (&reader, NULL);
      if (rc <= 0)
        break;
      span.number = reader.field;
      if (!_tilebox_pb_skip (&reader, NULL))
        break;
      span.end = reader.pos;
      g_array_append_val (spans, span);
    }
  for (guint i = 0; i < spans->len; i++)
    {
      const Span *span = &g_array_index (spans, Span, i);

      if (span->number == FIELD_TIME)
        time = span;
      if (self->geometry != NULL && span->number == (guint32) self->geometry->number)
        has_geometry = TRUE;
    }
  if (time == NULL)
    return refuse (&check, error, _("field time is missing"));
  if (self->geometry != NULL && !has_geometry)
    return refuse (&check, error, _("field %s is missing: the dataset is spatiotemporal"), self->geometry->name);

  /* the time: the field's value past its tag and length */
  _tilebox_pb_reader_init (&reader, data + time->start, time->end - time->start);
  {
    const guint8 *value_data = NULL;
    gsize value_len = 0;

    if (_tilebox_pb_reader_next (&reader, NULL) > 0)
      _tilebox_pb_read_bytes (&reader, &value_data, &value_len, NULL);
    read_seconds_nanos (value_data, value_len, &seconds, &nanos);
  }
  time_ms = seconds * 1000 + nanos / 1000000;

  /* everything but id and ingestion_time, in order, names the datapoint */
  content = g_byte_array_sized_new ((guint) len);
  for (guint i = 0; i < spans->len; i++)
    {
      const Span *span = &g_array_index (spans, Span, i);

      if (span->number != FIELD_ID && span->number != FIELD_INGESTION_TIME)
        g_byte_array_append (content, data + span->start, span->end - span->start);
    }
  _tilebox_store_derive_datapoint_id (time_ms, content->data, content->len, id.uuid);

  ingestion_time.seconds = ingestion_time_us / G_USEC_PER_SEC;
  ingestion_time.nanos = (gint32) (ingestion_time_us % G_USEC_PER_SEC) * 1000;
  if (ingestion_time.nanos < 0)
    {
      ingestion_time.seconds--;
      ingestion_time.nanos += NANOS_PER_SECOND;
    }

  stored = g_byte_array_sized_new ((guint) len + 48);
  append_spans (stored, data, spans, 0, FIELD_ID - 1);
  _tilebox_pb_write_id (stored, FIELD_ID, &id);
  _tilebox_pb_write_timestamp (stored, FIELD_INGESTION_TIME, &ingestion_time);
  append_spans (stored, data, spans, FIELD_INGESTION_TIME + 1, G_MAXUINT32);

  memcpy (datapoint->id, id.uuid, 16);
  datapoint->time_ms = time_ms;
  datapoint->ingestion_time_ns = ingestion_time_us * 1000;
  datapoint->data = g_byte_array_free_to_bytes (g_steal_pointer (&stored));
  return TRUE;
}
