/* tilebox-descriptor.c: protobuf descriptors of dataset types (internal)
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Parses google.protobuf.FileDescriptorSet with the wire codec of
 * tilebox-pb. Only what a datapoint codec needs is kept: messages with
 * their fields and enums with their values, field presence and packing
 * resolved from the file's syntax or edition and its features (file,
 * then enclosing messages, then the field itself).
 *
 * Fields of descriptor.proto may come in any order on the wire, so each
 * message is read once to collect its scalars, options and the positions
 * of its sub-messages, and the sub-messages are parsed after that.
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "tilebox-descriptor-private.h"
#include "tilebox-error.h"
#include "tilebox-pb-private.h"

/* Field numbers of descriptor.proto. */
enum {
  FILE_SET_FILE = 1,
};

enum {
  FILE_NAME = 1,
  FILE_PACKAGE = 2,
  FILE_DEPENDENCY = 3,
  FILE_MESSAGE_TYPE = 4,
  FILE_ENUM_TYPE = 5,
  FILE_OPTIONS = 8,
  FILE_SYNTAX = 12,
  FILE_EDITION = 14,
};

enum {
  MESSAGE_NAME = 1,
  MESSAGE_FIELD = 2,
  MESSAGE_NESTED_TYPE = 3,
  MESSAGE_ENUM_TYPE = 4,
  MESSAGE_OPTIONS = 7,
  MESSAGE_ONEOF_DECL = 8,
};

enum {
  FIELD_NAME = 1,
  FIELD_NUMBER = 3,
  FIELD_LABEL = 4,
  FIELD_TYPE = 5,
  FIELD_TYPE_NAME = 6,
  FIELD_OPTIONS = 8,
  FIELD_ONEOF_INDEX = 9,
  FIELD_JSON_NAME = 10,
  FIELD_PROTO3_OPTIONAL = 17,
};

enum {
  ENUM_NAME = 1,
  ENUM_VALUE = 2,
};

enum {
  ENUM_VALUE_NAME = 1,
  ENUM_VALUE_NUMBER = 2,
};

enum {
  ONEOF_NAME = 1,
};

enum {
  FILE_OPTIONS_FEATURES = 50,
  MESSAGE_OPTIONS_MAP_ENTRY = 7,
  MESSAGE_OPTIONS_FEATURES = 12,
  FIELD_OPTIONS_PACKED = 2,
  FIELD_OPTIONS_FEATURES = 21,
};

enum {
  FEATURE_FIELD_PRESENCE = 1,
  FEATURE_REPEATED_FIELD_ENCODING = 3,
  FEATURE_MESSAGE_ENCODING = 5,
};

/* FeatureSet enumerations; 0 is "unknown", which we treat as unset. */
enum {
  PRESENCE_EXPLICIT = 1,
  PRESENCE_IMPLICIT = 2,
  PRESENCE_LEGACY_REQUIRED = 3,
};

enum {
  ENCODING_PACKED = 1,
  ENCODING_EXPANDED = 2,
};

enum {
  MESSAGE_ENCODING_LENGTH_PREFIXED = 1,
  MESSAGE_ENCODING_DELIMITED = 2,
};

#define EDITION_2023 1000
#define EDITION_2024 1001

#define MAX_FIELD_NUMBER 536870911 /* 2^29 - 1 */

typedef enum {
  SYNTAX_PROTO2,
  SYNTAX_PROTO3,
  SYNTAX_EDITIONS,
} Syntax;

/* The features that matter here; 0 means unset (in overrides). */
typedef struct {
  int field_presence;
  int repeated_field_encoding;
  int message_encoding;
} Features;

typedef enum {
  OPTIONS_FILE,
  OPTIONS_MESSAGE,
  OPTIONS_FIELD,
} OptionsKind;

typedef struct {
  Features features; /* overrides */
  int packed;        /* FieldOptions.packed: -1 when unset */
  gboolean map_entry;
} Options;

struct _TileboxDescPool {
  gatomicrefcount ref_count;
  GHashTable *messages; /* full name (owned by the value) → TileboxDescMessage* */
  GHashTable *enums;    /* full name (owned by the value) → TileboxDescEnum* */
};

/* State of one _tilebox_desc_pool_add_file_set () call: everything parsed
 * goes here first and reaches the pool only when the whole set is valid. */
typedef struct {
  Syntax syntax;
  GPtrArray *messages; /* TileboxDescMessage* */
  GPtrArray *enums;    /* TileboxDescEnum* */
} ParseState;

static void
set_protocol_error (GError    **error,
                    const char *format,
                    ...) G_GNUC_PRINTF (2, 3);

static void
set_protocol_error (GError    **error,
                    const char *format,
                    ...)
{
  g_autofree char *message = NULL;
  va_list args;

  if (error == NULL)
    return;
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL, message);
}

/* Memory management */

static void
desc_field_free (TileboxDescField *field)
{
  if (field == NULL)
    return;
  g_free (field->name);
  g_free (field->type_name);
  g_free (field->json_name);
  g_free (field);
}

static void
desc_message_free (TileboxDescMessage *message)
{
  if (message == NULL)
    return;
  g_free (message->full_name);
  g_free (message->name);
  g_clear_pointer (&message->fields, g_ptr_array_unref);
  g_clear_pointer (&message->oneofs, g_ptr_array_unref);
  g_free (message);
}

static void
desc_enum_value_free (TileboxDescEnumValue *value)
{
  if (value == NULL)
    return;
  g_free (value->name);
  g_free (value);
}

static void
desc_enum_free (TileboxDescEnum *enum_desc)
{
  if (enum_desc == NULL)
    return;
  g_free (enum_desc->full_name);
  g_free (enum_desc->name);
  g_clear_pointer (&enum_desc->values, g_ptr_array_unref);
  g_free (enum_desc);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TileboxDescField, desc_field_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TileboxDescEnumValue, desc_enum_value_free)

/* Name checks: descriptor names end up as keys, in error messages and in
 * the schema objects, so only protobuf identifiers are accepted. */

static gboolean
is_identifier (const char *s,
               gsize       len)
{
  if (len == 0 || !(g_ascii_isalpha (s[0]) || s[0] == '_'))
    return FALSE;
  for (gsize i = 1; i < len; i++)
    if (!(g_ascii_isalnum (s[i]) || s[i] == '_'))
      return FALSE;
  return TRUE;
}

/* One or more identifiers separated by dots. */
static gboolean
is_dotted_name (const char *s)
{
  const char *start = s;

  for (const char *p = s;; p++)
    {
      if (*p == '.' || *p == '\0')
        {
          if (!is_identifier (start, p - start))
            return FALSE;
          if (*p == '\0')
            return TRUE;
          start = p + 1;
        }
    }
}

static char *
make_full_name (const char *scope,
                const char *name)
{
  if (scope == NULL || scope[0] == '\0')
    return g_strdup (name);
  return g_strconcat (scope, ".", name, NULL);
}

/* Reads a string field into *out, replacing what was there (the last
 * occurrence of a singular field wins). */
static gboolean
read_string_field (TileboxPbReader *reader,
                   char           **out,
                   GError         **error)
{
  char *s = NULL;

  if (!_tilebox_pb_read_string (reader, &s, error))
    return FALSE;
  g_free (*out);
  *out = s;
  return TRUE;
}

/* Reads an int32 field: negative values come as ten-byte varints. */
static gboolean
read_int32_field (TileboxPbReader *reader,
                  const char      *what,
                  gint32          *out,
                  GError         **error)
{
  guint64 v;
  gint64 sv;

  if (!_tilebox_pb_read_varint (reader, &v, error))
    return FALSE;
  sv = (gint64) v;
  if (sv < G_MININT32 || sv > G_MAXINT32)
    {
      set_protocol_error (error, _("%s %lld is out of range"),
                          what, (long long) sv);
      return FALSE;
    }
  *out = (gint32) sv;
  return TRUE;
}

static gboolean
read_enum_feature (TileboxPbReader *reader,
                   const char      *what,
                   int              max,
                   int             *out,
                   GError         **error)
{
  guint64 v;

  if (!_tilebox_pb_read_varint (reader, &v, error))
    return FALSE;
  if (v > (guint64) max)
    {
      set_protocol_error (error, _("invalid value %llu of feature %s"),
                          (unsigned long long) v, what);
      return FALSE;
    }
  if (v != 0)
    *out = (int) v;
  return TRUE;
}

/* Parses a google.protobuf.FeatureSet into overrides (unset stay 0). */
static gboolean
parse_features (TileboxPbReader *reader,
                Features        *features,
                GError         **error)
{
  int rc;

  while ((rc = _tilebox_pb_reader_next (reader, error)) > 0)
    {
      gboolean ok;

      switch (reader->field)
        {
        case FEATURE_FIELD_PRESENCE:
          ok = read_enum_feature (reader, "field_presence", PRESENCE_LEGACY_REQUIRED,
                                  &features->field_presence, error);
          break;
        case FEATURE_REPEATED_FIELD_ENCODING:
          ok = read_enum_feature (reader, "repeated_field_encoding", ENCODING_EXPANDED,
                                  &features->repeated_field_encoding, error);
          break;
        case FEATURE_MESSAGE_ENCODING:
          ok = read_enum_feature (reader, "message_encoding", MESSAGE_ENCODING_DELIMITED,
                                  &features->message_encoding, error);
          break;
        default:
          ok = _tilebox_pb_skip (reader, error);
          break;
        }
      if (!ok)
        return FALSE;
    }
  return rc == 0;
}

static void
features_apply (Features       *features,
                const Features *overrides)
{
  if (overrides->field_presence != 0)
    features->field_presence = overrides->field_presence;
  if (overrides->repeated_field_encoding != 0)
    features->repeated_field_encoding = overrides->repeated_field_encoding;
  if (overrides->message_encoding != 0)
    features->message_encoding = overrides->message_encoding;
}

static void
options_init (Options *options)
{
  memset (options, 0, sizeof *options);
  options->packed = -1;
}

/* Parses FileOptions, MessageOptions or FieldOptions at the current tag of
 * `reader`, merging into `options` (an options field may occur more than
 * once; occurrences merge like any embedded message). */
static gboolean
parse_options (TileboxPbReader *reader,
               OptionsKind      kind,
               Options         *options,
               GError         **error)
{
  TileboxPbReader sub;
  guint32 features_field;
  int rc;

  switch (kind)
    {
    case OPTIONS_FILE:
      features_field = FILE_OPTIONS_FEATURES;
      break;
    case OPTIONS_MESSAGE:
      features_field = MESSAGE_OPTIONS_FEATURES;
      break;
    case OPTIONS_FIELD:
    default:
      features_field = FIELD_OPTIONS_FEATURES;
      break;
    }

  if (!_tilebox_pb_read_message (reader, &sub, error))
    return FALSE;

  while ((rc = _tilebox_pb_reader_next (&sub, error)) > 0)
    {
      gboolean ok;

      if (sub.field == features_field)
        {
          TileboxPbReader features;

          ok = _tilebox_pb_read_message (&sub, &features, error) &&
               parse_features (&features, &options->features, error);
        }
      else if (kind == OPTIONS_FIELD && sub.field == FIELD_OPTIONS_PACKED)
        {
          guint64 v;

          ok = _tilebox_pb_read_varint (&sub, &v, error);
          if (ok)
            options->packed = v != 0;
        }
      else if (kind == OPTIONS_MESSAGE && sub.field == MESSAGE_OPTIONS_MAP_ENTRY)
        {
          guint64 v;

          ok = _tilebox_pb_read_varint (&sub, &v, error);
          if (ok)
            options->map_entry = v != 0;
        }
      else
        {
          ok = _tilebox_pb_skip (&sub, error);
        }
      if (!ok)
        return FALSE;
    }
  return rc == 0;
}

/* Collects the sub-message at the current tag into `readers` for later. */
static gboolean
save_sub_reader (TileboxPbReader *reader,
                 GArray          *readers,
                 GError         **error)
{
  TileboxPbReader sub;

  if (!_tilebox_pb_read_message (reader, &sub, error))
    return FALSE;
  g_array_append_val (readers, sub);
  return TRUE;
}

static gboolean
is_packable (TileboxDescType type)
{
  switch (type)
    {
    case TILEBOX_DESC_TYPE_STRING:
    case TILEBOX_DESC_TYPE_BYTES:
    case TILEBOX_DESC_TYPE_MESSAGE:
    case TILEBOX_DESC_TYPE_GROUP:
      return FALSE;
    default:
      return TRUE;
    }
}

/* Parses one FieldDescriptorProto of message `message_name`; `features`
 * are those in effect for the message. */
static TileboxDescField *
parse_field (TileboxPbReader *reader,
             Syntax           syntax,
             const Features  *message_features,
             guint            n_oneofs,
             GError         **error)
{
  g_autoptr(TileboxDescField) field = g_new0 (TileboxDescField, 1);
  guint64 number = 0, label = 0, type = 0;
  gboolean has_number = FALSE, proto3_optional = FALSE, has_oneof = FALSE;
  gint32 oneof_index = -1;
  Options options;
  Features features = *message_features;
  gboolean in_real_oneof;
  int rc;

  options_init (&options);

  while ((rc = _tilebox_pb_reader_next (reader, error)) > 0)
    {
      gboolean ok;

      switch (reader->field)
        {
        case FIELD_NAME:
          ok = read_string_field (reader, &field->name, error);
          break;
        case FIELD_NUMBER:
          ok = _tilebox_pb_read_varint (reader, &number, error);
          has_number = TRUE;
          break;
        case FIELD_LABEL:
          ok = _tilebox_pb_read_varint (reader, &label, error);
          break;
        case FIELD_TYPE:
          ok = _tilebox_pb_read_varint (reader, &type, error);
          break;
        case FIELD_TYPE_NAME:
          ok = read_string_field (reader, &field->type_name, error);
          break;
        case FIELD_OPTIONS:
          ok = parse_options (reader, OPTIONS_FIELD, &options, error);
          break;
        case FIELD_ONEOF_INDEX:
          ok = read_int32_field (reader, "oneof_index", &oneof_index, error);
          has_oneof = TRUE;
          break;
        case FIELD_JSON_NAME:
          ok = read_string_field (reader, &field->json_name, error);
          break;
        case FIELD_PROTO3_OPTIONAL:
          {
            guint64 v = 0;

            ok = _tilebox_pb_read_varint (reader, &v, error);
            proto3_optional = v != 0;
          }
          break;
        default:
          ok = _tilebox_pb_skip (reader, error);
          break;
        }
      if (!ok)
        return NULL;
    }
  if (rc < 0)
    return NULL;

  if (field->name == NULL || !is_identifier (field->name, strlen (field->name)))
    {
      set_protocol_error (error, _("missing or invalid name"));
      return NULL;
    }

  if (!has_number || number == 0 || number > MAX_FIELD_NUMBER)
    {
      set_protocol_error (error, _("missing or invalid field number %lld"),
                          (long long) number);
      return NULL;
    }
  field->number = (gint32) number;

  if (label == 0)
    label = TILEBOX_DESC_LABEL_OPTIONAL;
  if (label > TILEBOX_DESC_LABEL_REPEATED)
    {
      set_protocol_error (error, _("invalid label %llu"), (unsigned long long) label);
      return NULL;
    }
  field->label = (TileboxDescLabel) label;

  if (type < TILEBOX_DESC_TYPE_DOUBLE || type > TILEBOX_DESC_TYPE_SINT64)
    {
      set_protocol_error (error, _("missing or invalid type %llu"), (unsigned long long) type);
      return NULL;
    }
  field->type = (TileboxDescType) type;

  if (field->type == TILEBOX_DESC_TYPE_MESSAGE ||
      field->type == TILEBOX_DESC_TYPE_ENUM ||
      field->type == TILEBOX_DESC_TYPE_GROUP)
    {
      const char *name = field->type_name;

      if (name != NULL && name[0] == '.')
        name++;
      if (name == NULL || !is_dotted_name (name))
        {
          set_protocol_error (error, _("missing or invalid type name “%s”"),
                              field->type_name ? field->type_name : "");
          return NULL;
        }
      if (name != field->type_name)
        {
          char *stripped = g_strdup (name);

          g_free (field->type_name);
          field->type_name = stripped;
        }
    }
  else
    {
      g_clear_pointer (&field->type_name, g_free);
    }

  if (has_oneof && (oneof_index < 0 || (guint) oneof_index >= n_oneofs))
    {
      set_protocol_error (error, _("oneof index %d out of range"), oneof_index);
      return NULL;
    }
  if (proto3_optional && field->label == TILEBOX_DESC_LABEL_REPEATED)
    {
      set_protocol_error (error, _("repeated field marked proto3_optional"));
      return NULL;
    }
  if (field->label == TILEBOX_DESC_LABEL_REPEATED && has_oneof)
    {
      set_protocol_error (error, _("repeated field in a oneof"));
      return NULL;
    }
  /* The oneof of a proto3 optional field is synthetic: not a real choice. */
  in_real_oneof = has_oneof && !proto3_optional;
  field->oneof_index = in_real_oneof ? oneof_index : -1;

  /* Features: the field's own override the enclosing ones (editions only). */
  if (syntax == SYNTAX_EDITIONS)
    features_apply (&features, &options.features);

  if (syntax == SYNTAX_EDITIONS &&
      field->type == TILEBOX_DESC_TYPE_MESSAGE &&
      features.message_encoding == MESSAGE_ENCODING_DELIMITED)
    field->type = TILEBOX_DESC_TYPE_GROUP;

  if (syntax == SYNTAX_EDITIONS &&
      features.field_presence == PRESENCE_LEGACY_REQUIRED &&
      field->label == TILEBOX_DESC_LABEL_OPTIONAL)
    field->label = TILEBOX_DESC_LABEL_REQUIRED;

  if (field->label == TILEBOX_DESC_LABEL_REPEATED)
    field->explicit_presence = FALSE;
  else if (field->type == TILEBOX_DESC_TYPE_MESSAGE ||
           field->type == TILEBOX_DESC_TYPE_GROUP ||
           in_real_oneof || proto3_optional)
    field->explicit_presence = TRUE;
  else
    field->explicit_presence = features.field_presence != PRESENCE_IMPLICIT;

  if (field->label == TILEBOX_DESC_LABEL_REPEATED && is_packable (field->type))
    {
      if (options.packed >= 0)
        field->packed = options.packed;
      else
        field->packed = features.repeated_field_encoding == ENCODING_PACKED;
    }
  else
    {
      field->packed = FALSE;
    }

  return g_steal_pointer (&field);
}

static gboolean
parse_enum (ParseState      *state,
            TileboxPbReader *reader,
            const char      *scope,
            GError         **error)
{
  TileboxDescEnum *enum_desc;
  g_autoptr(GArray) value_readers = g_array_new (FALSE, FALSE, sizeof (TileboxPbReader));
  g_autoptr(GHashTable) names = NULL;
  g_autofree char *name = NULL;
  int rc;

  while ((rc = _tilebox_pb_reader_next (reader, error)) > 0)
    {
      gboolean ok;

      switch (reader->field)
        {
        case ENUM_NAME:
          ok = read_string_field (reader, &name, error);
          break;
        case ENUM_VALUE:
          ok = save_sub_reader (reader, value_readers, error);
          break;
        default:
          ok = _tilebox_pb_skip (reader, error);
          break;
        }
      if (!ok)
        {
          g_prefix_error (error, _("enum descriptor in %s: "),
                          scope[0] != '\0' ? scope : _("the file"));
          return FALSE;
        }
    }
  if (rc < 0)
    {
      g_prefix_error (error, _("enum descriptor in %s: "),
                      scope[0] != '\0' ? scope : _("the file"));
      return FALSE;
    }

  if (name == NULL || !is_identifier (name, strlen (name)))
    {
      set_protocol_error (error, _("enum descriptor in %s: missing or invalid name"),
                          scope[0] != '\0' ? scope : _("the file"));
      return FALSE;
    }

  enum_desc = g_new0 (TileboxDescEnum, 1);
  enum_desc->full_name = make_full_name (scope, name);
  enum_desc->name = g_steal_pointer (&name);
  enum_desc->values = g_ptr_array_new_with_free_func ((GDestroyNotify) desc_enum_value_free);
  g_ptr_array_add (state->enums, enum_desc);

  /* the names of the values so far, owned by them */
  names = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < value_readers->len; i++)
    {
      TileboxPbReader *vr = &g_array_index (value_readers, TileboxPbReader, i);
      g_autoptr(TileboxDescEnumValue) value = g_new0 (TileboxDescEnumValue, 1);
      gboolean ok = TRUE;

      while (ok && (rc = _tilebox_pb_reader_next (vr, error)) > 0)
        {
          switch (vr->field)
            {
            case ENUM_VALUE_NAME:
              ok = read_string_field (vr, &value->name, error);
              break;
            case ENUM_VALUE_NUMBER:
              ok = read_int32_field (vr, "number", &value->number, error);
              break;
            default:
              ok = _tilebox_pb_skip (vr, error);
              break;
            }
        }
      if (ok && rc == 0 &&
          (value->name == NULL || !is_identifier (value->name, strlen (value->name))))
        {
          set_protocol_error (error, _("missing or invalid name"));
          ok = FALSE;
        }
      if (ok && rc == 0 && g_hash_table_contains (names, value->name))
        {
          set_protocol_error (error, _("duplicate name “%s”"), value->name);
          ok = FALSE;
        }
      if (!ok || rc < 0)
        {
          g_prefix_error (error, _("value descriptor %u in enum %s: "),
                          i + 1, enum_desc->full_name);
          return FALSE;
        }
      g_hash_table_add (names, value->name);
      g_ptr_array_add (enum_desc->values, g_steal_pointer (&value));
    }

  return TRUE;
}

static gboolean
parse_oneof (TileboxPbReader *reader,
             GPtrArray       *oneofs,
             GError         **error)
{
  TileboxPbReader sub;
  g_autofree char *name = NULL;
  int rc;

  if (!_tilebox_pb_read_message (reader, &sub, error))
    return FALSE;
  while ((rc = _tilebox_pb_reader_next (&sub, error)) > 0)
    {
      gboolean ok;

      if (sub.field == ONEOF_NAME)
        ok = read_string_field (&sub, &name, error);
      else
        ok = _tilebox_pb_skip (&sub, error);
      if (!ok)
        return FALSE;
    }
  if (rc < 0)
    return FALSE;
  if (name == NULL || !is_identifier (name, strlen (name)))
    {
      set_protocol_error (error, _("oneof descriptor with a missing or invalid name"));
      return FALSE;
    }
  g_ptr_array_add (oneofs, g_steal_pointer (&name));
  return TRUE;
}

static gboolean
parse_message (ParseState      *state,
               TileboxPbReader *reader,
               const char      *scope,
               const Features  *scope_features,
               guint            depth,
               GError         **error)
{
  TileboxDescMessage *message;
  g_autoptr(GArray) field_readers = g_array_new (FALSE, FALSE, sizeof (TileboxPbReader));
  g_autoptr(GArray) nested_readers = g_array_new (FALSE, FALSE, sizeof (TileboxPbReader));
  g_autoptr(GArray) enum_readers = g_array_new (FALSE, FALSE, sizeof (TileboxPbReader));
  g_autoptr(GPtrArray) oneofs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) numbers = NULL;
  g_autoptr(GHashTable) names = NULL;
  g_autofree char *name = NULL;
  const char *where = scope[0] != '\0' ? scope : _("the file");
  Features features = *scope_features;
  Options options;
  int rc;

  if (depth > TILEBOX_PB_MAX_DEPTH)
    {
      set_protocol_error (error, _("message descriptors in %s nested too deeply"), where);
      return FALSE;
    }

  options_init (&options);

  while ((rc = _tilebox_pb_reader_next (reader, error)) > 0)
    {
      gboolean ok;

      switch (reader->field)
        {
        case MESSAGE_NAME:
          ok = read_string_field (reader, &name, error);
          break;
        case MESSAGE_FIELD:
          ok = save_sub_reader (reader, field_readers, error);
          break;
        case MESSAGE_NESTED_TYPE:
          ok = save_sub_reader (reader, nested_readers, error);
          break;
        case MESSAGE_ENUM_TYPE:
          ok = save_sub_reader (reader, enum_readers, error);
          break;
        case MESSAGE_OPTIONS:
          ok = parse_options (reader, OPTIONS_MESSAGE, &options, error);
          break;
        case MESSAGE_ONEOF_DECL:
          ok = parse_oneof (reader, oneofs, error);
          break;
        default:
          ok = _tilebox_pb_skip (reader, error);
          break;
        }
      if (!ok)
        break;
    }
  if (rc != 0)
    {
      if (name != NULL)
        g_prefix_error (error, _("message descriptor “%s” in %s: "), name, where);
      else
        g_prefix_error (error, _("message descriptor in %s: "), where);
      return FALSE;
    }

  if (name == NULL || !is_identifier (name, strlen (name)))
    {
      set_protocol_error (error, _("message descriptor in %s: missing or invalid name"), where);
      return FALSE;
    }

  if (state->syntax == SYNTAX_EDITIONS)
    features_apply (&features, &options.features);

  message = g_new0 (TileboxDescMessage, 1);
  message->full_name = make_full_name (scope, name);
  message->name = g_steal_pointer (&name);
  message->fields = g_ptr_array_new_with_free_func ((GDestroyNotify) desc_field_free);
  message->oneofs = g_steal_pointer (&oneofs);
  message->map_entry = options.map_entry;
  /* owned by the state from here on, freed with it on failure */
  g_ptr_array_add (state->messages, message);

  numbers = g_hash_table_new (NULL, NULL);
  names = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < field_readers->len; i++)
    {
      TileboxPbReader *fr = &g_array_index (field_readers, TileboxPbReader, i);
      TileboxDescField *field;

      field = parse_field (fr, state->syntax, &features, message->oneofs->len, error);
      if (field == NULL)
        {
          g_prefix_error (error, _("field descriptor %u in message %s: "),
                          i + 1, message->full_name);
          return FALSE;
        }
      if (g_hash_table_contains (numbers, GINT_TO_POINTER (field->number)) ||
          g_hash_table_contains (names, field->name))
        {
          set_protocol_error (error,
                              _("field descriptor %u in message %s: duplicate name “%s” or number %d"),
                              i + 1, message->full_name, field->name, (int) field->number);
          desc_field_free (field);
          return FALSE;
        }
      g_hash_table_add (numbers, GINT_TO_POINTER (field->number));
      g_hash_table_add (names, field->name);
      g_ptr_array_add (message->fields, field);
    }

  for (guint i = 0; i < nested_readers->len; i++)
    {
      TileboxPbReader *nr = &g_array_index (nested_readers, TileboxPbReader, i);

      if (!parse_message (state, nr, message->full_name, &features, depth + 1, error))
        return FALSE;
    }

  for (guint i = 0; i < enum_readers->len; i++)
    {
      TileboxPbReader *er = &g_array_index (enum_readers, TileboxPbReader, i);

      if (!parse_enum (state, er, message->full_name, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
parse_file (ParseState      *state,
            TileboxPbReader *reader,
            guint            index,
            GError         **error)
{
  g_autoptr(GArray) message_readers = g_array_new (FALSE, FALSE, sizeof (TileboxPbReader));
  g_autoptr(GArray) enum_readers = g_array_new (FALSE, FALSE, sizeof (TileboxPbReader));
  g_autofree char *name = NULL;
  g_autofree char *package = NULL;
  g_autofree char *syntax = NULL;
  g_autofree char *label = NULL;
  guint64 edition = 0;
  Features features = { 0, };
  Options options;
  int rc;

  options_init (&options);

  while ((rc = _tilebox_pb_reader_next (reader, error)) > 0)
    {
      gboolean ok;

      switch (reader->field)
        {
        case FILE_NAME:
          ok = read_string_field (reader, &name, error);
          break;
        case FILE_PACKAGE:
          ok = read_string_field (reader, &package, error);
          break;
        case FILE_MESSAGE_TYPE:
          ok = save_sub_reader (reader, message_readers, error);
          break;
        case FILE_ENUM_TYPE:
          ok = save_sub_reader (reader, enum_readers, error);
          break;
        case FILE_OPTIONS:
          ok = parse_options (reader, OPTIONS_FILE, &options, error);
          break;
        case FILE_SYNTAX:
          ok = read_string_field (reader, &syntax, error);
          break;
        case FILE_EDITION:
          ok = _tilebox_pb_read_varint (reader, &edition, error);
          break;
        case FILE_DEPENDENCY: /* dependencies need not be in the pool */
        default:
          ok = _tilebox_pb_skip (reader, error);
          break;
        }
      if (!ok)
        break;
    }

  if (name != NULL)
    label = g_strdup_printf ("“%s”", name);
  else
    label = g_strdup_printf ("%u", index + 1);

  if (rc != 0)
    {
      g_prefix_error (error, _("file descriptor %s: "), label);
      return FALSE;
    }

  if (package == NULL)
    package = g_strdup ("");
  if (package[0] != '\0' && !is_dotted_name (package))
    {
      set_protocol_error (error, _("file descriptor %s: invalid package name “%s”"),
                          label, package);
      return FALSE;
    }

  /* The defaults of each syntax, as features. */
  features.message_encoding = MESSAGE_ENCODING_LENGTH_PREFIXED;
  if (syntax == NULL || syntax[0] == '\0' || g_str_equal (syntax, "proto2"))
    {
      state->syntax = SYNTAX_PROTO2;
      features.field_presence = PRESENCE_EXPLICIT;
      features.repeated_field_encoding = ENCODING_EXPANDED;
    }
  else if (g_str_equal (syntax, "proto3"))
    {
      state->syntax = SYNTAX_PROTO3;
      features.field_presence = PRESENCE_IMPLICIT;
      features.repeated_field_encoding = ENCODING_PACKED;
    }
  else if (g_str_equal (syntax, "editions"))
    {
      if (edition != EDITION_2023 && edition != EDITION_2024)
        {
          set_protocol_error (error, _("file descriptor %s: unsupported edition %llu"),
                              label, (unsigned long long) edition);
          return FALSE;
        }
      state->syntax = SYNTAX_EDITIONS;
      features.field_presence = PRESENCE_EXPLICIT;
      features.repeated_field_encoding = ENCODING_PACKED;
      features_apply (&features, &options.features);
    }
  else
    {
      set_protocol_error (error, _("file descriptor %s: unsupported syntax “%s”"),
                          label, syntax);
      return FALSE;
    }

  for (guint i = 0; i < message_readers->len; i++)
    {
      TileboxPbReader *mr = &g_array_index (message_readers, TileboxPbReader, i);

      if (!parse_message (state, mr, package, &features, 0, error))
        return FALSE;
    }

  for (guint i = 0; i < enum_readers->len; i++)
    {
      TileboxPbReader *er = &g_array_index (enum_readers, TileboxPbReader, i);

      if (!parse_enum (state, er, package, error))
        return FALSE;
    }

  return TRUE;
}

/* Pool */

TileboxDescPool *
_tilebox_desc_pool_new (void)
{
  TileboxDescPool *pool = g_new0 (TileboxDescPool, 1);

  g_atomic_ref_count_init (&pool->ref_count);
  /* Keys are the full_name of the values: never freed on their own. */
  pool->messages = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                          (GDestroyNotify) desc_message_free);
  pool->enums = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                       (GDestroyNotify) desc_enum_free);
  return pool;
}

TileboxDescPool *
_tilebox_desc_pool_ref (TileboxDescPool *pool)
{
  g_return_val_if_fail (pool != NULL, NULL);

  g_atomic_ref_count_inc (&pool->ref_count);
  return pool;
}

void
_tilebox_desc_pool_unref (TileboxDescPool *pool)
{
  g_return_if_fail (pool != NULL);

  if (!g_atomic_ref_count_dec (&pool->ref_count))
    return;
  g_hash_table_unref (pool->messages);
  g_hash_table_unref (pool->enums);
  g_free (pool);
}

gboolean
_tilebox_desc_pool_add_file_set (TileboxDescPool *pool,
                                 const guint8    *data,
                                 gsize            len,
                                 GError         **error)
{
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GPtrArray) enums = NULL;
  TileboxPbReader reader;
  guint n_files = 0;
  int rc;

  g_return_val_if_fail (pool != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  messages = g_ptr_array_new_with_free_func ((GDestroyNotify) desc_message_free);
  enums = g_ptr_array_new_with_free_func ((GDestroyNotify) desc_enum_free);

  _tilebox_pb_reader_init (&reader, data, len);
  while ((rc = _tilebox_pb_reader_next (&reader, error)) > 0)
    {
      if (reader.field == FILE_SET_FILE)
        {
          ParseState state = { SYNTAX_PROTO2, messages, enums };
          TileboxPbReader file;

          if (!_tilebox_pb_read_message (&reader, &file, error))
            {
              g_prefix_error (error, _("file descriptor %u: "), n_files + 1);
              rc = -1;
              break;
            }
          if (!parse_file (&state, &file, n_files, error))
            {
              rc = -1;
              break;
            }
          n_files++;
        }
      else if (!_tilebox_pb_skip (&reader, error))
        {
          rc = -1;
          break;
        }
    }
  if (rc < 0)
    {
      g_prefix_error (error, _("Malformed dataset type: "));
      return FALSE;
    }

  /* All valid: hand everything to the pool; later definitions of a full
   * name replace earlier ones (g_hash_table_replace also replaces the key,
   * which is owned by the value). */
  for (guint i = 0; i < messages->len; i++)
    {
      TileboxDescMessage *message = g_ptr_array_index (messages, i);

      g_hash_table_replace (pool->messages, message->full_name, message);
    }
  for (guint i = 0; i < enums->len; i++)
    {
      TileboxDescEnum *enum_desc = g_ptr_array_index (enums, i);

      g_hash_table_replace (pool->enums, enum_desc->full_name, enum_desc);
    }
  g_ptr_array_set_free_func (messages, NULL);
  g_ptr_array_set_free_func (enums, NULL);

  return TRUE;
}

const TileboxDescMessage *
_tilebox_desc_pool_lookup_message (TileboxDescPool *pool,
                                   const char      *full_name)
{
  g_return_val_if_fail (pool != NULL, NULL);
  g_return_val_if_fail (full_name != NULL, NULL);

  if (full_name[0] == '.')
    full_name++;
  return g_hash_table_lookup (pool->messages, full_name);
}

const TileboxDescEnum *
_tilebox_desc_pool_lookup_enum (TileboxDescPool *pool,
                                const char      *full_name)
{
  g_return_val_if_fail (pool != NULL, NULL);
  g_return_val_if_fail (full_name != NULL, NULL);

  if (full_name[0] == '.')
    full_name++;
  return g_hash_table_lookup (pool->enums, full_name);
}

const TileboxDescField *
_tilebox_desc_message_find_field (const TileboxDescMessage *message,
                                  gint32                    number)
{
  g_return_val_if_fail (message != NULL, NULL);

  /* Fast path: fields numbered 1..n in order, as the service makes them. */
  if (number > 0 && (guint) number <= message->fields->len)
    {
      const TileboxDescField *field = g_ptr_array_index (message->fields, number - 1);

      if (field->number == number)
        return field;
    }
  for (guint i = 0; i < message->fields->len; i++)
    {
      const TileboxDescField *field = g_ptr_array_index (message->fields, i);

      if (field->number == number)
        return field;
    }
  return NULL;
}

const TileboxDescField *
_tilebox_desc_message_find_field_by_name (const TileboxDescMessage *message,
                                          const char               *name)
{
  g_return_val_if_fail (message != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < message->fields->len; i++)
    {
      const TileboxDescField *field = g_ptr_array_index (message->fields, i);

      if (g_str_equal (field->name, name))
        return field;
    }
  return NULL;
}

const char *
_tilebox_desc_enum_value_name (const TileboxDescEnum *enum_desc,
                               gint32                 number)
{
  g_return_val_if_fail (enum_desc != NULL, NULL);

  /* With aliases, the first value of a number is its name. */
  for (guint i = 0; i < enum_desc->values->len; i++)
    {
      const TileboxDescEnumValue *value = g_ptr_array_index (enum_desc->values, i);

      if (value->number == number)
        return value->name;
    }
  return NULL;
}

/* The value name without its type's prefix, the type's name in upper
 * snake case: PROCESSING_LEVEL_L1C of ProcessingLevel is L1C. Compared in
 * place (this runs for every enum value exported): returns a pointer into
 * `name`, or `name` itself when it does not carry the prefix. */
const char *
_tilebox_desc_enum_short_name (const TileboxDescEnum *enum_desc,
                               const char            *name)
{
  const char *type_name = enum_desc->name;
  const char *v = name;

  for (const char *p = type_name; *p; p++)
    {
      if (g_ascii_isupper (*p) && p != type_name)
        {
          if (*v != '_')
            return name;
          v++;
        }
      if (g_ascii_toupper (*p) != *v)
        return name;
      v++;
    }

  return *v == '_' && v[1] != '\0' ? v + 1 : name;
}

gboolean
_tilebox_desc_enum_value_number (const TileboxDescEnum *enum_desc,
                                 const char            *name,
                                 gint32                *number)
{
  const TileboxDescEnumValue *by_short_name = NULL;

  g_return_val_if_fail (enum_desc != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  for (guint i = 0; i < enum_desc->values->len; i++)
    {
      const TileboxDescEnumValue *value = g_ptr_array_index (enum_desc->values, i);

      if (g_str_equal (value->name, name))
        {
          if (number != NULL)
            *number = value->number;
          return TRUE;
        }
      if (by_short_name == NULL && g_str_equal (_tilebox_desc_enum_short_name (enum_desc, value->name), name))
        by_short_name = value;
    }

  if (by_short_name == NULL)
    return FALSE;
  if (number != NULL)
    *number = by_short_name->number;
  return TRUE;
}

const char *
_tilebox_desc_type_name (TileboxDescType type)
{
  static const char * const names[] = {
    NULL, "double", "float", "int64", "uint64", "int32", "fixed64", "fixed32",
    "bool", "string", "group", "message", "bytes", "uint32", "enum",
    "sfixed32", "sfixed64", "sint32", "sint64",
  };

  if ((guint) type >= G_N_ELEMENTS (names))
    return NULL;
  return names[type];
}

/* Builder */

/* protoc's json_name: underscores dropped, the letter after one uppercased. */
static char *
make_json_name (const char *name)
{
  GString *json = g_string_sized_new (strlen (name));
  gboolean upper_next = FALSE;

  for (const char *p = name; *p != '\0'; p++)
    {
      if (*p == '_')
        upper_next = TRUE;
      else if (upper_next)
        {
          g_string_append_c (json, g_ascii_toupper (*p));
          upper_next = FALSE;
        }
      else
        g_string_append_c (json, *p);
    }
  return g_string_free (json, FALSE);
}

GBytes *
_tilebox_desc_build_file_set (const char                 *file_name,
                              const char                 *package,
                              const char                 *message_name,
                              const TileboxDescFieldSpec *fields,
                              gsize                       n_fields,
                              const char * const         *dependencies)
{
  g_autoptr(GByteArray) set = NULL;
  g_autoptr(GByteArray) file = NULL;
  g_autoptr(GByteArray) message = NULL;

  g_return_val_if_fail (file_name != NULL, NULL);
  g_return_val_if_fail (message_name != NULL, NULL);
  g_return_val_if_fail (fields != NULL || n_fields == 0, NULL);
  g_return_val_if_fail (n_fields <= MAX_FIELD_NUMBER, NULL);
  for (gsize i = 0; i < n_fields; i++)
    {
      g_return_val_if_fail (fields[i].name != NULL, NULL);
      g_return_val_if_fail (fields[i].type >= TILEBOX_DESC_TYPE_DOUBLE &&
                            fields[i].type <= TILEBOX_DESC_TYPE_SINT64 &&
                            fields[i].type != TILEBOX_DESC_TYPE_GROUP, NULL);
      g_return_val_if_fail ((fields[i].type != TILEBOX_DESC_TYPE_MESSAGE &&
                             fields[i].type != TILEBOX_DESC_TYPE_ENUM) ||
                            fields[i].type_name != NULL, NULL);
    }

  message = g_byte_array_new ();
  _tilebox_pb_write_string (message, MESSAGE_NAME, message_name);
  for (gsize i = 0; i < n_fields; i++)
    {
      const TileboxDescFieldSpec *spec = &fields[i];
      g_autoptr(GByteArray) field = g_byte_array_new ();
      g_autofree char *json_name = make_json_name (spec->name);

      _tilebox_pb_write_string (field, FIELD_NAME, spec->name);
      _tilebox_pb_write_varint (field, FIELD_NUMBER, i + 1);
      _tilebox_pb_write_varint (field, FIELD_LABEL,
                                spec->repeated ? TILEBOX_DESC_LABEL_REPEATED
                                               : TILEBOX_DESC_LABEL_OPTIONAL);
      _tilebox_pb_write_varint (field, FIELD_TYPE, spec->type);
      if (spec->type == TILEBOX_DESC_TYPE_MESSAGE || spec->type == TILEBOX_DESC_TYPE_ENUM)
        {
          g_autofree char *type_name = NULL;

          type_name = spec->type_name[0] == '.' ? g_strdup (spec->type_name)
                                                : g_strconcat (".", spec->type_name, NULL);
          _tilebox_pb_write_string (field, FIELD_TYPE_NAME, type_name);
        }
      _tilebox_pb_write_string (field, FIELD_JSON_NAME, json_name);
      _tilebox_pb_write_message (message, MESSAGE_FIELD, field);
    }

  file = g_byte_array_new ();
  _tilebox_pb_write_string (file, FILE_NAME, file_name);
  if (package != NULL && package[0] != '\0')
    _tilebox_pb_write_string (file, FILE_PACKAGE, package);
  for (gsize i = 0; dependencies != NULL && dependencies[i] != NULL; i++)
    _tilebox_pb_write_string (file, FILE_DEPENDENCY, dependencies[i]);
  _tilebox_pb_write_message (file, FILE_MESSAGE_TYPE, message);
  _tilebox_pb_write_string (file, FILE_SYNTAX, "editions");
  _tilebox_pb_write_varint (file, FILE_EDITION, EDITION_2023);

  set = g_byte_array_new ();
  _tilebox_pb_write_message (set, FILE_SET_FILE, file);

  return g_byte_array_free_to_bytes (g_steal_pointer (&set));
}

TileboxPbWireType
_tilebox_desc_type_wire_type (TileboxDescType type)
{
  switch (type)
    {
    case TILEBOX_DESC_TYPE_DOUBLE:
    case TILEBOX_DESC_TYPE_FIXED64:
    case TILEBOX_DESC_TYPE_SFIXED64:
      return TILEBOX_PB_WIRE_FIXED64;
    case TILEBOX_DESC_TYPE_FLOAT:
    case TILEBOX_DESC_TYPE_FIXED32:
    case TILEBOX_DESC_TYPE_SFIXED32:
      return TILEBOX_PB_WIRE_FIXED32;
    case TILEBOX_DESC_TYPE_STRING:
    case TILEBOX_DESC_TYPE_BYTES:
    case TILEBOX_DESC_TYPE_MESSAGE:
      return TILEBOX_PB_WIRE_LEN;
    case TILEBOX_DESC_TYPE_GROUP:
      return TILEBOX_PB_WIRE_SGROUP;
    case TILEBOX_DESC_TYPE_INT64:
    case TILEBOX_DESC_TYPE_UINT64:
    case TILEBOX_DESC_TYPE_INT32:
    case TILEBOX_DESC_TYPE_BOOL:
    case TILEBOX_DESC_TYPE_UINT32:
    case TILEBOX_DESC_TYPE_ENUM:
    case TILEBOX_DESC_TYPE_SINT32:
    case TILEBOX_DESC_TYPE_SINT64:
    default:
      return TILEBOX_PB_WIRE_VARINT;
    }
}
