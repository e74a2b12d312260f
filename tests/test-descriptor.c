/* test-descriptor.c: tests of the descriptor pool and builder
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "tilebox-descriptor-private.h"
#include "tilebox-error.h"
#include "tilebox-pb-private.h"
#include "tilebox-test-recordings.h"

/* descriptor.proto field numbers used to hand-encode sets */
#define SET_FILE 1
#define FILE_NAME 1
#define FILE_PACKAGE 2
#define FILE_DEPENDENCY 3
#define FILE_MESSAGE 4
#define FILE_ENUM 5
#define FILE_OPTIONS 8
#define FILE_SYNTAX 12
#define FILE_EDITION 14
#define MSG_NAME 1
#define MSG_FIELD 2
#define MSG_NESTED 3
#define MSG_ENUM 4
#define MSG_OPTIONS 7
#define MSG_ONEOF 8
#define FIELD_NAME 1
#define FIELD_NUMBER 3
#define FIELD_LABEL 4
#define FIELD_TYPE 5
#define FIELD_TYPE_NAME 6
#define FIELD_OPTIONS 8
#define FIELD_ONEOF_INDEX 9
#define FIELD_JSON_NAME 10
#define FIELD_PROTO3_OPTIONAL 17
#define ENUM_NAME 1
#define ENUM_VALUE 2
#define VALUE_NAME 1
#define VALUE_NUMBER 2

#define FILE_OPTIONS_FEATURES 50
#define MSG_OPTIONS_MAP_ENTRY 7
#define MSG_OPTIONS_FEATURES 12
#define FIELD_OPTIONS_PACKED 2
#define FIELD_OPTIONS_FEATURES 21

#define EXPLICIT 1
#define IMPLICIT 2
#define LEGACY_REQUIRED 3
#define PACKED 1
#define EXPANDED 2

/* Hand-encoding helpers: put_sub () writes `sub` as field `number` of
 * `out` and frees it, so that descriptors nest like the proto text. */

static void
put_sub (GByteArray *out,
         guint32     number,
         GByteArray *sub)
{
  _tilebox_pb_write_message (out, number, sub);
  g_byte_array_unref (sub);
}

static GByteArray *
field_desc (const char      *name,
            int              number,
            TileboxDescLabel label,
            TileboxDescType  type,
            const char      *type_name)
{
  GByteArray *f = g_byte_array_new ();

  _tilebox_pb_write_string (f, FIELD_NAME, name);
  _tilebox_pb_write_varint (f, FIELD_NUMBER, number);
  _tilebox_pb_write_varint (f, FIELD_LABEL, label);
  _tilebox_pb_write_varint (f, FIELD_TYPE, type);
  if (type_name != NULL)
    _tilebox_pb_write_string (f, FIELD_TYPE_NAME, type_name);
  return f;
}

/* A FeatureSet; 0 leaves a feature unset. */
static GByteArray *
features (int presence,
          int encoding)
{
  GByteArray *f = g_byte_array_new ();

  if (presence != 0)
    _tilebox_pb_write_varint (f, 1, presence);
  if (encoding != 0)
    _tilebox_pb_write_varint (f, 3, encoding);
  return f;
}

/* An options message holding only features. */
static GByteArray *
options_with_features (guint32     features_field,
                       GByteArray *feature_set)
{
  GByteArray *o = g_byte_array_new ();

  put_sub (o, features_field, feature_set);
  return o;
}

static GByteArray *
message_desc (const char *name)
{
  GByteArray *m = g_byte_array_new ();

  _tilebox_pb_write_string (m, MSG_NAME, name);
  return m;
}

static GByteArray *
enum_desc (const char *name,
           ...)
{
  GByteArray *e = g_byte_array_new ();
  const char *value_name;
  va_list args;

  _tilebox_pb_write_string (e, ENUM_NAME, name);
  va_start (args, name);
  while ((value_name = va_arg (args, const char *)) != NULL)
    {
      GByteArray *v = g_byte_array_new ();
      int number = va_arg (args, int);

      _tilebox_pb_write_string (v, VALUE_NAME, value_name);
      /* int32: negative numbers as 64-bit varints, like protoc */
      _tilebox_pb_write_varint (v, VALUE_NUMBER, (guint64) (gint64) number);
      put_sub (e, ENUM_VALUE, v);
    }
  va_end (args);
  return e;
}

static GByteArray *
file_desc (const char *name,
           const char *package,
           const char *syntax,
           int         edition)
{
  GByteArray *f = g_byte_array_new ();

  _tilebox_pb_write_string (f, FILE_NAME, name);
  if (package != NULL)
    _tilebox_pb_write_string (f, FILE_PACKAGE, package);
  if (syntax != NULL)
    _tilebox_pb_write_string (f, FILE_SYNTAX, syntax);
  if (edition != 0)
    _tilebox_pb_write_varint (f, FILE_EDITION, edition);
  return f;
}

static GBytes *
file_set (GByteArray *file)
{
  GByteArray *set = g_byte_array_new ();

  put_sub (set, SET_FILE, file);
  return g_byte_array_free_to_bytes (set);
}

static TileboxDescPool *
pool_from_bytes (GBytes *bytes)
{
  TileboxDescPool *pool = _tilebox_desc_pool_new ();
  g_autoptr(GError) error = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  g_assert_true (_tilebox_desc_pool_add_file_set (pool, data, len, &error));
  g_assert_no_error (error);
  return pool;
}

static const TileboxDescField *
field_by_name (const TileboxDescMessage *message,
               const char               *name)
{
  const TileboxDescField *field = _tilebox_desc_message_find_field_by_name (message, name);

  g_assert_nonnull (field);
  return field;
}

/* Builder → parser */

static const TileboxDescFieldSpec all_types[] = {
  { "a_double", TILEBOX_DESC_TYPE_DOUBLE, FALSE, NULL },
  { "a_float", TILEBOX_DESC_TYPE_FLOAT, FALSE, NULL },
  { "an_int64", TILEBOX_DESC_TYPE_INT64, FALSE, NULL },
  { "a_uint64", TILEBOX_DESC_TYPE_UINT64, FALSE, NULL },
  { "an_int32", TILEBOX_DESC_TYPE_INT32, FALSE, NULL },
  { "a_fixed64", TILEBOX_DESC_TYPE_FIXED64, FALSE, NULL },
  { "a_fixed32", TILEBOX_DESC_TYPE_FIXED32, FALSE, NULL },
  { "a_bool", TILEBOX_DESC_TYPE_BOOL, FALSE, NULL },
  { "a_string", TILEBOX_DESC_TYPE_STRING, FALSE, NULL },
  { "a_bytes", TILEBOX_DESC_TYPE_BYTES, FALSE, NULL },
  { "a_uint32", TILEBOX_DESC_TYPE_UINT32, FALSE, NULL },
  { "a_sfixed32", TILEBOX_DESC_TYPE_SFIXED32, FALSE, NULL },
  { "a_sfixed64", TILEBOX_DESC_TYPE_SFIXED64, FALSE, NULL },
  { "a_sint32", TILEBOX_DESC_TYPE_SINT32, FALSE, NULL },
  { "a_sint64", TILEBOX_DESC_TYPE_SINT64, FALSE, NULL },
  { "time", TILEBOX_DESC_TYPE_MESSAGE, FALSE, "google.protobuf.Timestamp" },
  { "direction", TILEBOX_DESC_TYPE_ENUM, FALSE, "datasets.v1.FlightDirection" },
  { "many_doubles", TILEBOX_DESC_TYPE_DOUBLE, TRUE, NULL },
  { "many_sint64", TILEBOX_DESC_TYPE_SINT64, TRUE, NULL },
  { "many_bools", TILEBOX_DESC_TYPE_BOOL, TRUE, NULL },
  { "many_strings", TILEBOX_DESC_TYPE_STRING, TRUE, NULL },
  { "many_bytes", TILEBOX_DESC_TYPE_BYTES, TRUE, NULL },
  { "many_times", TILEBOX_DESC_TYPE_MESSAGE, TRUE, "google.protobuf.Timestamp" },
  { "many_directions", TILEBOX_DESC_TYPE_ENUM, TRUE, ".datasets.v1.FlightDirection" },
};

static void
test_build_round_trip (void)
{
  const char * const deps[] = {
    "google/protobuf/timestamp.proto", "datasets/v1/well_known_types.proto", NULL
  };
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(TileboxDescPool) pool = NULL;
  const TileboxDescMessage *message;
  const TileboxDescField *field;

  bytes = _tilebox_desc_build_file_set ("test/v1/all.proto", "test.v1", "AllTypes",
                                        all_types, G_N_ELEMENTS (all_types), deps);
  g_assert_nonnull (bytes);
  pool = pool_from_bytes (bytes);

  message = _tilebox_desc_pool_lookup_message (pool, "test.v1.AllTypes");
  g_assert_nonnull (message);
  g_assert_true (message == _tilebox_desc_pool_lookup_message (pool, ".test.v1.AllTypes"));
  g_assert_null (_tilebox_desc_pool_lookup_message (pool, "AllTypes"));
  g_assert_null (_tilebox_desc_pool_lookup_message (pool, "google.protobuf.Timestamp"));
  g_assert_cmpstr (message->full_name, ==, "test.v1.AllTypes");
  g_assert_cmpstr (message->name, ==, "AllTypes");
  g_assert_cmpuint (message->fields->len, ==, G_N_ELEMENTS (all_types));
  g_assert_cmpuint (message->oneofs->len, ==, 0);
  g_assert_false (message->map_entry);

  for (guint i = 0; i < G_N_ELEMENTS (all_types); i++)
    {
      const TileboxDescFieldSpec *spec = &all_types[i];
      gboolean repeated = spec->repeated;

      field = g_ptr_array_index (message->fields, i);
      g_assert_true (field == _tilebox_desc_message_find_field (message, i + 1));
      g_assert_true (field == _tilebox_desc_message_find_field_by_name (message, spec->name));
      g_assert_cmpstr (field->name, ==, spec->name);
      g_assert_cmpint (field->number, ==, i + 1);
      g_assert_cmpint (field->type, ==, spec->type);
      g_assert_cmpint (field->label, ==,
                       repeated ? TILEBOX_DESC_LABEL_REPEATED : TILEBOX_DESC_LABEL_OPTIONAL);
      g_assert_cmpint (field->oneof_index, ==, -1);
      if (spec->type_name != NULL)
        g_assert_cmpstr (field->type_name, ==,
                         spec->type_name[0] == '.' ? spec->type_name + 1 : spec->type_name);
      else
        g_assert_null (field->type_name);
      /* editions 2023: everything singular has explicit presence */
      g_assert_cmpint (field->explicit_presence, ==, !repeated);
      g_assert_cmpint (field->packed, ==,
                       repeated &&
                       spec->type != TILEBOX_DESC_TYPE_STRING &&
                       spec->type != TILEBOX_DESC_TYPE_BYTES &&
                       spec->type != TILEBOX_DESC_TYPE_MESSAGE);
    }

  field = field_by_name (message, "a_double");
  g_assert_cmpstr (field->json_name, ==, "aDouble");
  field = field_by_name (message, "many_sint64");
  g_assert_cmpstr (field->json_name, ==, "manySint64");
  g_assert_null (_tilebox_desc_message_find_field (message, 0));
  g_assert_null (_tilebox_desc_message_find_field (message, 25));
  g_assert_null (_tilebox_desc_message_find_field (message, -1));
  g_assert_null (_tilebox_desc_message_find_field_by_name (message, "nope"));

  g_assert_cmpstr (_tilebox_desc_type_name (TILEBOX_DESC_TYPE_SFIXED64), ==, "sfixed64");
  g_assert_cmpstr (_tilebox_desc_type_name (TILEBOX_DESC_TYPE_DOUBLE), ==, "double");
  g_assert_null (_tilebox_desc_type_name (0));
  g_assert_null (_tilebox_desc_type_name (19));
}

static void
test_build_no_package (void)
{
  const TileboxDescFieldSpec fields[] = {
    { "value", TILEBOX_DESC_TYPE_INT64, FALSE, NULL },
  };
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) empty = NULL;
  g_autoptr(TileboxDescPool) pool = NULL;
  const TileboxDescMessage *message;

  bytes = _tilebox_desc_build_file_set ("plain.proto", NULL, "Plain", fields, 1, NULL);
  empty = _tilebox_desc_build_file_set ("plain.proto", "", "Plain", fields, 1, NULL);
  g_assert_true (g_bytes_equal (bytes, empty));
  pool = pool_from_bytes (bytes);
  message = _tilebox_desc_pool_lookup_message (pool, "Plain");
  g_assert_nonnull (message);
  g_assert_cmpstr (message->full_name, ==, "Plain");
  g_assert_null (_tilebox_desc_pool_lookup_message (pool, ".Plain."));

  /* a message without fields is fine too */
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = _tilebox_desc_build_file_set ("empty.proto", "e", "Empty", NULL, 0, NULL);
  {
    g_autoptr(TileboxDescPool) pool2 = pool_from_bytes (bytes);

    message = _tilebox_desc_pool_lookup_message (pool2, "e.Empty");
    g_assert_nonnull (message);
    g_assert_cmpuint (message->fields->len, ==, 0);
  }
}

/* Editions: presence and encoding from the file, the message chain and
 * the field. */
static void
test_editions_features (void)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(TileboxDescPool) pool = NULL;
  GByteArray *file, *outer, *inner, *f;
  const TileboxDescMessage *message;
  const TileboxDescField *field;

  /* Default EXPLICIT and PACKED */
  file = file_desc ("a.proto", "ed", "editions", 1000);
  outer = message_desc ("Defaults");
  put_sub (outer, MSG_FIELD, field_desc ("scalar", 1, TILEBOX_DESC_LABEL_OPTIONAL, TILEBOX_DESC_TYPE_INT32, NULL));
  put_sub (outer, MSG_FIELD, field_desc ("text", 2, TILEBOX_DESC_LABEL_OPTIONAL, TILEBOX_DESC_TYPE_STRING, NULL));
  /* field-level IMPLICIT */
  f = field_desc ("implicit", 3, TILEBOX_DESC_LABEL_OPTIONAL, TILEBOX_DESC_TYPE_DOUBLE, NULL);
  put_sub (f, FIELD_OPTIONS, options_with_features (FIELD_OPTIONS_FEATURES, features (IMPLICIT, 0)));
  put_sub (outer, MSG_FIELD, f);
  /* IMPLICIT never applies to messages */
  f = field_desc ("sub", 4, TILEBOX_DESC_LABEL_OPTIONAL, TILEBOX_DESC_TYPE_MESSAGE, ".ed.Defaults");
  put_sub (f, FIELD_OPTIONS, options_with_features (FIELD_OPTIONS_FEATURES, features (IMPLICIT, 0)));
  put_sub (outer, MSG_FIELD, f);
  put_sub (outer, MSG_FIELD, field_desc ("list", 5, TILEBOX_DESC_LABEL_REPEATED, TILEBOX_DESC_TYPE_UINT64, NULL));
  f = field_desc ("expanded", 6, TILEBOX_DESC_LABEL_REPEATED, TILEBOX_DESC_TYPE_ENUM, ".ed.Color");
  put_sub (f, FIELD_OPTIONS, options_with_features (FIELD_OPTIONS_FEATURES, features (0, EXPANDED)));
  put_sub (outer, MSG_FIELD, f);
  f = field_desc ("required", 7, TILEBOX_DESC_LABEL_OPTIONAL, TILEBOX_DESC_TYPE_INT64, NULL);
  put_sub (f, FIELD_OPTIONS, options_with_features (FIELD_OPTIONS_FEATURES, features (LEGACY_REQUIRED, 0)));
  put_sub (outer, MSG_FIELD, f);
  put_sub (file, FILE_MESSAGE, outer);

  /* Message-level IMPLICIT, inherited by a nested message, overridden
   * back to EXPLICIT on a field */
  outer = message_desc ("Implicit");
  put_sub (outer, MSG_OPTIONS, options_with_features (MSG_OPTIONS_FEATURES, features (IMPLICIT, EXPANDED)));
  put_sub (outer, MSG_FIELD, field_desc ("scalar", 1, TILEBOX_DESC_LABEL_OPTIONAL, TILEBOX_DESC_TYPE_BOOL, NULL));
  f = field_desc ("back", 2, TILEBOX_DESC_LABEL_OPTIONAL, TILEBOX_DESC_TYPE_BOOL, NULL);
  put_sub (f, FIELD_OPTIONS, options_with_features (FIELD_OPTIONS_FEATURES, features (EXPLICIT, 0)));
  put_sub (outer, MSG_FIELD, f);
  put_sub (outer, MSG_FIELD, field_desc ("list", 3, TILEBOX_DESC_LABEL_REPEATED, TILEBOX_DESC_TYPE_FIXED32, NULL));
  inner = message_desc ("Inner");
  put_sub (inner, MSG_FIELD, field_desc ("scalar", 1, TILEBOX_DESC_LABEL_OPTIONAL, TILEBOX_DESC_TYPE_SINT32, NULL));
  f = field_desc ("list", 2, TILEBOX_DESC_LABEL_REPEATED, TILEBOX_DESC_TYPE_SINT32, NULL);
  put_sub (f, FIELD_OPTIONS, options_with_features (FIELD_OPTIONS_FEATURES, features (0, PACKED)));
  put_sub (inner, MSG_FIELD, f);
  put_sub (outer, MSG_NESTED, inner);
  put_sub (file, FILE_MESSAGE, outer);
  put_sub (file, FILE_ENUM, enum_desc ("Color", "COLOR_UNSPECIFIED", 0, "RED", 1, NULL));

  bytes = file_set (file);
  pool = pool_from_bytes (bytes);

  message = _tilebox_desc_pool_lookup_message (pool, "ed.Defaults");
  g_assert_nonnull (message);
  g_assert_true (field_by_name (message, "scalar")->explicit_presence);
  g_assert_true (field_by_name (message, "text")->explicit_presence);
  g_assert_false (field_by_name (message, "implicit")->explicit_presence);
  g_assert_true (field_by_name (message, "sub")->explicit_presence);
  field = field_by_name (message, "list");
  g_assert_false (field->explicit_presence);
  g_assert_true (field->packed);
  field = field_by_name (message, "expanded");
  g_assert_false (field->packed);
  g_assert_cmpstr (field->type_name, ==, "ed.Color");
  field = field_by_name (message, "required");
  g_assert_true (field->explicit_presence);
  g_assert_cmpint (field->label, ==, TILEBOX_DESC_LABEL_REQUIRED);

  message = _tilebox_desc_pool_lookup_message (pool, "ed.Implicit");
  g_assert_nonnull (message);
  g_assert_false (field_by_name (message, "scalar")->explicit_presence);
  g_assert_true (field_by_name (message, "back")->explicit_presence);
  g_assert_false (field_by_name (message, "list")->packed);

  message = _tilebox_desc_pool_lookup_message (pool, "ed.Implicit.Inner");
  g_assert_nonnull (message);
  g_assert_cmpstr (message->name, ==, "Inner");
  g_assert_false (field_by_name (message, "scalar")->explicit_presence);
  g_assert_true (field_by_name (message, "list")->packed);

  g_assert_nonnull (_tilebox_desc_pool_lookup_enum (pool, "ed.Color"));
}

/* File-level features, given before the edition on the wire. */
static void
test_editions_file_features (void)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(TileboxDescPool) pool = NULL;
  GByteArray *file, *message_bytes, *f;
  const TileboxDescMessage *message;

  file = g_byte_array_new ();
  _tilebox_pb_write_string (file, FILE_NAME, "b.proto");
  put_sub (file, FILE_OPTIONS, options_with_features (FILE_OPTIONS_FEATURES, features (IMPLICIT, EXPANDED)));
  message_bytes = message_desc ("M");
  put_sub (message_bytes, MSG_FIELD, field_desc ("scalar", 1, TILEBOX_DESC_LABEL_OPTIONAL, TILEBOX_DESC_TYPE_FLOAT, NULL));
  f = field_desc ("list", 2, TILEBOX_DESC_LABEL_REPEATED, TILEBOX_DESC_TYPE_INT32, NULL);
  put_sub (message_bytes, MSG_FIELD, f);
  f = field_desc ("forced", 3, TILEBOX_DESC_LABEL_REPEATED, TILEBOX_DESC_TYPE_INT32, NULL);
  put_sub (f, FIELD_OPTIONS, options_with_features (FIELD_OPTIONS_FEATURES, features (0, PACKED)));
  put_sub (message_bytes, MSG_FIELD, f);
  f = field_desc ("opt", 4, TILEBOX_DESC_LABEL_OPTIONAL, TILEBOX_DESC_TYPE_FLOAT, NULL);
  put_sub (f, FIELD_OPTIONS, options_with_features (FIELD_OPTIONS_FEATURES, features (EXPLICIT, 0)));
  put_sub (message_bytes, MSG_FIELD, f);
  put_sub (file, FILE_MESSAGE, message_bytes);
  _tilebox_pb_write_string (file, FILE_SYNTAX, "editions");
  _tilebox_pb_write_varint (file, FILE_EDITION, 1000);

  bytes = file_set (file);
  pool = pool_from_bytes (bytes);
  message = _tilebox_desc_pool_lookup_message (pool, "M");
  g_assert_nonnull (message);
  g_assert_false (field_by_name (message, "scalar")->explicit_presence);
  g_assert_false (field_by_name (message, "list")->packed);
  g_assert_true (field_by_name (message, "forced")->packed);
  g_assert_true (field_by_name (message, "opt")->explicit_presence);
}

static GBytes *
make_proto3_set (gboolean with_optional)
{
  GByteArray *file, *m, *f;

  file = file_desc ("p3.proto", "p3", "proto3", 0);
  m = message_desc ("Legacy");
  put_sub (m, MSG_FIELD, field_desc ("scalar", 1, TILEBOX_DESC_LABEL_OPTIONAL, TILEBOX_DESC_TYPE_INT64, NULL));
  put_sub (m, MSG_FIELD, field_desc ("text", 2, TILEBOX_DESC_LABEL_OPTIONAL, TILEBOX_DESC_TYPE_STRING, NULL));
  put_sub (m, MSG_FIELD, field_desc ("time", 3, TILEBOX_DESC_LABEL_OPTIONAL, TILEBOX_DESC_TYPE_MESSAGE, ".google.protobuf.Timestamp"));
  put_sub (m, MSG_FIELD, field_desc ("list", 4, TILEBOX_DESC_LABEL_REPEATED, TILEBOX_DESC_TYPE_DOUBLE, NULL));
  f = field_desc ("unpacked", 5, TILEBOX_DESC_LABEL_REPEATED, TILEBOX_DESC_TYPE_DOUBLE, NULL);
  {
    GByteArray *o = g_byte_array_new ();

    _tilebox_pb_write_bool (o, FIELD_OPTIONS_PACKED, FALSE);
    put_sub (f, FIELD_OPTIONS, o);
  }
  put_sub (m, MSG_FIELD, f);
  /* a real oneof */
  f = field_desc ("choice_a", 6, TILEBOX_DESC_LABEL_OPTIONAL, TILEBOX_DESC_TYPE_INT32, NULL);
  _tilebox_pb_write_varint (f, FIELD_ONEOF_INDEX, 0);
  put_sub (m, MSG_FIELD, f);
  f = field_desc ("choice_b", 7, TILEBOX_DESC_LABEL_OPTIONAL, TILEBOX_DESC_TYPE_STRING, NULL);
  _tilebox_pb_write_varint (f, FIELD_ONEOF_INDEX, 0);
  put_sub (m, MSG_FIELD, f);
  {
    GByteArray *o = g_byte_array_new ();

    _tilebox_pb_write_string (o, 1, "choice");
    put_sub (m, MSG_ONEOF, o);
  }
  if (with_optional)
    {
      GByteArray *o = g_byte_array_new ();

      f = field_desc ("maybe", 8, TILEBOX_DESC_LABEL_OPTIONAL, TILEBOX_DESC_TYPE_UINT32, NULL);
      _tilebox_pb_write_varint (f, FIELD_ONEOF_INDEX, 1);
      _tilebox_pb_write_bool (f, FIELD_PROTO3_OPTIONAL, TRUE);
      put_sub (m, MSG_FIELD, f);
      _tilebox_pb_write_string (o, 1, "_maybe");
      put_sub (m, MSG_ONEOF, o);
    }
  put_sub (file, FILE_MESSAGE, m);
  return file_set (file);
}

static void
test_proto3 (void)
{
  for (int with_optional = 0; with_optional <= 1; with_optional++)
    {
      g_autoptr(GBytes) bytes = make_proto3_set (with_optional);
      g_autoptr(TileboxDescPool) pool = pool_from_bytes (bytes);
      const TileboxDescMessage *message;
      const TileboxDescField *field;

      message = _tilebox_desc_pool_lookup_message (pool, "p3.Legacy");
      g_assert_nonnull (message);
      g_assert_cmpuint (message->fields->len, ==, with_optional ? 8 : 7);
      g_assert_cmpuint (message->oneofs->len, ==, with_optional ? 2 : 1);
      g_assert_cmpstr (g_ptr_array_index (message->oneofs, 0), ==, "choice");

      field = field_by_name (message, "scalar");
      g_assert_false (field->explicit_presence);
      g_assert_cmpint (field->oneof_index, ==, -1);
      g_assert_false (field_by_name (message, "text")->explicit_presence);
      field = field_by_name (message, "time");
      g_assert_true (field->explicit_presence);
      g_assert_cmpstr (field->type_name, ==, "google.protobuf.Timestamp");
      field = field_by_name (message, "list");
      g_assert_false (field->explicit_presence);
      g_assert_true (field->packed);
      g_assert_false (field_by_name (message, "unpacked")->packed);
      field = field_by_name (message, "choice_a");
      g_assert_true (field->explicit_presence);
      g_assert_cmpint (field->oneof_index, ==, 0);
      g_assert_cmpint (field_by_name (message, "choice_b")->oneof_index, ==, 0);

      if (with_optional)
        {
          field = field_by_name (message, "maybe");
          g_assert_true (field->explicit_presence);
          /* synthetic oneof: not reported as one */
          g_assert_cmpint (field->oneof_index, ==, -1);
          g_assert_cmpint (field->type, ==, TILEBOX_DESC_TYPE_UINT32);
        }
      else
        {
          g_assert_null (_tilebox_desc_message_find_field_by_name (message, "maybe"));
        }
    }
}

static void
test_proto2 (void)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(TileboxDescPool) pool = NULL;
  GByteArray *file, *m, *f, *o;
  const TileboxDescMessage *message;

  /* no syntax at all means proto2 */
  file = file_desc ("p2.proto", "p2", NULL, 0);
  m = message_desc ("Old");
  put_sub (m, MSG_FIELD, field_desc ("opt", 1, TILEBOX_DESC_LABEL_OPTIONAL, TILEBOX_DESC_TYPE_INT32, NULL));
  put_sub (m, MSG_FIELD, field_desc ("req", 2, TILEBOX_DESC_LABEL_REQUIRED, TILEBOX_DESC_TYPE_STRING, NULL));
  put_sub (m, MSG_FIELD, field_desc ("list", 3, TILEBOX_DESC_LABEL_REPEATED, TILEBOX_DESC_TYPE_INT32, NULL));
  f = field_desc ("packed_list", 4, TILEBOX_DESC_LABEL_REPEATED, TILEBOX_DESC_TYPE_INT32, NULL);
  o = g_byte_array_new ();
  _tilebox_pb_write_bool (o, FIELD_OPTIONS_PACKED, TRUE);
  put_sub (f, FIELD_OPTIONS, o);
  put_sub (m, MSG_FIELD, f);
  put_sub (m, MSG_FIELD, field_desc ("group", 5, TILEBOX_DESC_LABEL_OPTIONAL, TILEBOX_DESC_TYPE_GROUP, ".p2.Old.Group"));
  put_sub (m, MSG_NESTED, message_desc ("Group"));
  put_sub (file, FILE_MESSAGE, m);
  bytes = file_set (file);
  pool = pool_from_bytes (bytes);

  message = _tilebox_desc_pool_lookup_message (pool, "p2.Old");
  g_assert_nonnull (message);
  g_assert_true (field_by_name (message, "opt")->explicit_presence);
  g_assert_true (field_by_name (message, "req")->explicit_presence);
  g_assert_cmpint (field_by_name (message, "req")->label, ==, TILEBOX_DESC_LABEL_REQUIRED);
  g_assert_false (field_by_name (message, "list")->packed);
  g_assert_true (field_by_name (message, "packed_list")->packed);
  g_assert_cmpint (field_by_name (message, "group")->type, ==, TILEBOX_DESC_TYPE_GROUP);
  g_assert_true (field_by_name (message, "group")->explicit_presence);
  g_assert_nonnull (_tilebox_desc_pool_lookup_message (pool, "p2.Old.Group"));
}

/* Nested messages and enums, with and without a package. */
static GBytes *
make_nested_set (const char *package)
{
  GByteArray *file, *outer, *inner, *innermost, *entry, *o;

  file = file_desc ("nested.proto", package, "editions", 1000);
  _tilebox_pb_write_string (file, FILE_DEPENDENCY, "google/protobuf/timestamp.proto");

  outer = message_desc ("Outer");
  put_sub (outer, MSG_FIELD, field_desc ("inner", 1, TILEBOX_DESC_LABEL_OPTIONAL, TILEBOX_DESC_TYPE_MESSAGE, package ? ".nest.Outer.Inner" : ".Outer.Inner"));
  put_sub (outer, MSG_FIELD, field_desc ("state", 2, TILEBOX_DESC_LABEL_OPTIONAL, TILEBOX_DESC_TYPE_ENUM, package ? ".nest.Outer.State" : ".Outer.State"));
  put_sub (outer, MSG_FIELD, field_desc ("labels", 3, TILEBOX_DESC_LABEL_REPEATED, TILEBOX_DESC_TYPE_MESSAGE, package ? ".nest.Outer.LabelsEntry" : ".Outer.LabelsEntry"));

  inner = message_desc ("Inner");
  put_sub (inner, MSG_FIELD, field_desc ("deep", 1, TILEBOX_DESC_LABEL_OPTIONAL, TILEBOX_DESC_TYPE_MESSAGE, package ? ".nest.Outer.Inner.Innermost" : ".Outer.Inner.Innermost"));
  innermost = message_desc ("Innermost");
  put_sub (innermost, MSG_FIELD, field_desc ("level", 1, TILEBOX_DESC_LABEL_OPTIONAL, TILEBOX_DESC_TYPE_ENUM, package ? ".nest.Level" : ".Level"));
  put_sub (innermost, MSG_ENUM, enum_desc ("Deep", "DEEP_UNSPECIFIED", 0, NULL));
  put_sub (inner, MSG_NESTED, innermost);
  put_sub (outer, MSG_NESTED, inner);

  entry = message_desc ("LabelsEntry");
  put_sub (entry, MSG_FIELD, field_desc ("key", 1, TILEBOX_DESC_LABEL_OPTIONAL, TILEBOX_DESC_TYPE_STRING, NULL));
  put_sub (entry, MSG_FIELD, field_desc ("value", 2, TILEBOX_DESC_LABEL_OPTIONAL, TILEBOX_DESC_TYPE_STRING, NULL));
  o = g_byte_array_new ();
  _tilebox_pb_write_bool (o, MSG_OPTIONS_MAP_ENTRY, TRUE);
  put_sub (entry, MSG_OPTIONS, o);
  put_sub (outer, MSG_NESTED, entry);

  put_sub (outer, MSG_ENUM, enum_desc ("State", "STATE_UNSPECIFIED", 0, "STATE_ON", 1,
                                       "STATE_OFF", 2, "STATE_ALIAS", 1, "STATE_NEGATIVE", -5, NULL));
  put_sub (file, FILE_MESSAGE, outer);
  put_sub (file, FILE_ENUM, enum_desc ("Level", "LEVEL_UNSPECIFIED", 0, "LEVEL_HIGH", 100, NULL));
  return file_set (file);
}

static void
test_nested (void)
{
  const char *packages[] = { "nest", NULL };

  for (guint p = 0; p < G_N_ELEMENTS (packages); p++)
    {
      const char *package = packages[p];
      g_autoptr(GBytes) bytes = make_nested_set (package);
      g_autoptr(TileboxDescPool) pool = pool_from_bytes (bytes);
      const char *prefix = package ? "nest." : "";
      const TileboxDescMessage *message;
      const TileboxDescEnum *enum_value;
      const TileboxDescField *field;
      g_autofree char *name = NULL;
      gint32 number = 42;

#define FULL(n) (g_free (name), name = g_strconcat (prefix, n, NULL))

      message = _tilebox_desc_pool_lookup_message (pool, FULL ("Outer"));
      g_assert_nonnull (message);
      g_assert_cmpstr (message->full_name, ==, name);
      g_assert_cmpstr (message->name, ==, "Outer");
      field = _tilebox_desc_message_find_field (message, 1);
      g_assert_cmpstr (field->type_name, ==, FULL ("Outer.Inner"));
      g_assert_true (_tilebox_desc_message_find_field (message, 3)->label == TILEBOX_DESC_LABEL_REPEATED);
      g_assert_false (_tilebox_desc_message_find_field (message, 3)->packed);

      message = _tilebox_desc_pool_lookup_message (pool, FULL ("Outer.Inner"));
      g_assert_nonnull (message);
      g_assert_cmpstr (message->name, ==, "Inner");
      message = _tilebox_desc_pool_lookup_message (pool, FULL ("Outer.Inner.Innermost"));
      g_assert_nonnull (message);
      g_assert_cmpstr (message->full_name, ==, name);
      g_assert_cmpstr (_tilebox_desc_message_find_field (message, 1)->type_name, ==, FULL ("Level"));

      message = _tilebox_desc_pool_lookup_message (pool, FULL ("Outer.LabelsEntry"));
      g_assert_nonnull (message);
      g_assert_true (message->map_entry);
      g_assert_false (_tilebox_desc_pool_lookup_message (pool, FULL ("Outer"))->map_entry);

      g_assert_null (_tilebox_desc_pool_lookup_message (pool, "Inner"));
      g_assert_null (_tilebox_desc_pool_lookup_message (pool, FULL ("Inner")));
      g_assert_null (_tilebox_desc_pool_lookup_message (pool, FULL ("Outer.State")));

      enum_value = _tilebox_desc_pool_lookup_enum (pool, FULL ("Outer.State"));
      g_assert_nonnull (enum_value);
      g_assert_cmpstr (enum_value->full_name, ==, name);
      g_assert_cmpstr (enum_value->name, ==, "State");
      g_assert_cmpuint (enum_value->values->len, ==, 5);
      g_assert_cmpstr (_tilebox_desc_enum_value_name (enum_value, 0), ==, "STATE_UNSPECIFIED");
      g_assert_cmpstr (_tilebox_desc_enum_value_name (enum_value, 1), ==, "STATE_ON");
      g_assert_cmpstr (_tilebox_desc_enum_value_name (enum_value, 2), ==, "STATE_OFF");
      g_assert_cmpstr (_tilebox_desc_enum_value_name (enum_value, -5), ==, "STATE_NEGATIVE");
      g_assert_null (_tilebox_desc_enum_value_name (enum_value, 3));
      g_assert_true (_tilebox_desc_enum_value_number (enum_value, "STATE_ALIAS", &number));
      g_assert_cmpint (number, ==, 1);
      g_assert_false (_tilebox_desc_enum_value_number (enum_value, "STATE_NONE", &number));

      enum_value = _tilebox_desc_pool_lookup_enum (pool, FULL ("Outer.Inner.Innermost.Deep"));
      g_assert_nonnull (enum_value);
      enum_value = _tilebox_desc_pool_lookup_enum (pool, FULL ("Level"));
      g_assert_nonnull (enum_value);
      g_assert_cmpstr (_tilebox_desc_enum_value_name (enum_value, 100), ==, "LEVEL_HIGH");
      g_assert_null (_tilebox_desc_pool_lookup_enum (pool, FULL ("Outer")));
#undef FULL
    }
}

/* Later definitions of a full name replace earlier ones; refcounting. */
static void
test_pool_last_wins (void)
{
  const TileboxDescFieldSpec one[] = { { "a", TILEBOX_DESC_TYPE_INT32, FALSE, NULL } };
  const TileboxDescFieldSpec two[] = {
    { "a", TILEBOX_DESC_TYPE_INT32, FALSE, NULL },
    { "b", TILEBOX_DESC_TYPE_STRING, FALSE, NULL },
  };
  g_autoptr(GBytes) first = _tilebox_desc_build_file_set ("x.proto", "x", "M", one, 1, NULL);
  g_autoptr(GBytes) second = _tilebox_desc_build_file_set ("x.proto", "x", "M", two, 2, NULL);
  g_autoptr(GBytes) other = _tilebox_desc_build_file_set ("y.proto", "y", "M", one, 1, NULL);
  g_autoptr(TileboxDescPool) pool = pool_from_bytes (first);
  TileboxDescPool *ref;
  g_autoptr(GError) error = NULL;
  gsize len;
  const guint8 *data;

  g_assert_cmpuint (_tilebox_desc_pool_lookup_message (pool, "x.M")->fields->len, ==, 1);
  data = g_bytes_get_data (second, &len);
  g_assert_true (_tilebox_desc_pool_add_file_set (pool, data, len, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (_tilebox_desc_pool_lookup_message (pool, "x.M")->fields->len, ==, 2);
  data = g_bytes_get_data (other, &len);
  g_assert_true (_tilebox_desc_pool_add_file_set (pool, data, len, &error));
  g_assert_cmpuint (_tilebox_desc_pool_lookup_message (pool, "x.M")->fields->len, ==, 2);
  g_assert_nonnull (_tilebox_desc_pool_lookup_message (pool, "y.M"));

  /* an empty set is valid and adds nothing */
  g_assert_true (_tilebox_desc_pool_add_file_set (pool, NULL, 0, &error));
  g_assert_no_error (error);

  ref = _tilebox_desc_pool_ref (pool);
  g_assert_true (ref == pool);
  _tilebox_desc_pool_unref (ref);
  g_assert_nonnull (_tilebox_desc_pool_lookup_message (pool, "y.M"));
}

/* Malformed input */

static void
assert_rejected (GBytes     *bytes,
                 const char *expected_fragment)
{
  g_autoptr(TileboxDescPool) pool = _tilebox_desc_pool_new ();
  g_autoptr(GError) error = NULL;
  const guint8 *data;
  gsize len;

  data = g_bytes_get_data (bytes, &len);
  g_assert_false (_tilebox_desc_pool_add_file_set (pool, data, len, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
  g_test_message ("rejected: %s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "Malformed dataset type: "));
  if (expected_fragment != NULL && strstr (error->message, expected_fragment) == NULL)
    g_error ("“%s” does not contain “%s”", error->message, expected_fragment);
}

/* A one-message editions set with the given field descriptor. */
static GBytes *
set_with_field (GByteArray *field)
{
  GByteArray *file = file_desc ("bad.proto", "bad", "editions", 1000);
  GByteArray *m = message_desc ("Bad");

  put_sub (m, MSG_FIELD, field);
  put_sub (file, FILE_MESSAGE, m);
  return file_set (file);
}

static void
test_malformed_cases (void)
{
  GByteArray *f, *file, *m;
  GBytes *bytes;

  /* field without a name */
  f = g_byte_array_new ();
  _tilebox_pb_write_varint (f, FIELD_NUMBER, 1);
  _tilebox_pb_write_varint (f, FIELD_TYPE, TILEBOX_DESC_TYPE_INT32);
  bytes = set_with_field (f);
  assert_rejected (bytes, "field descriptor 1 in message bad.Bad");
  g_bytes_unref (bytes);

  /* invalid names */
  bytes = set_with_field (field_desc ("has space", 1, 1, TILEBOX_DESC_TYPE_INT32, NULL));
  assert_rejected (bytes, "name");
  g_bytes_unref (bytes);
  bytes = set_with_field (field_desc ("", 1, 1, TILEBOX_DESC_TYPE_INT32, NULL));
  assert_rejected (bytes, "name");
  g_bytes_unref (bytes);

  /* invalid types and numbers and labels */
  bytes = set_with_field (field_desc ("x", 1, 1, 0, NULL));
  assert_rejected (bytes, "type");
  g_bytes_unref (bytes);
  bytes = set_with_field (field_desc ("x", 1, 1, 19, NULL));
  assert_rejected (bytes, "type 19");
  g_bytes_unref (bytes);
  bytes = set_with_field (field_desc ("x", 0, 1, TILEBOX_DESC_TYPE_INT32, NULL));
  assert_rejected (bytes, "field number");
  g_bytes_unref (bytes);
  bytes = set_with_field (field_desc ("x", -1, 1, TILEBOX_DESC_TYPE_INT32, NULL));
  assert_rejected (bytes, "field number");
  g_bytes_unref (bytes);
  bytes = set_with_field (field_desc ("x", 536870912, 1, TILEBOX_DESC_TYPE_INT32, NULL));
  assert_rejected (bytes, "field number");
  g_bytes_unref (bytes);
  bytes = set_with_field (field_desc ("x", 1, 4, TILEBOX_DESC_TYPE_INT32, NULL));
  assert_rejected (bytes, "label");
  g_bytes_unref (bytes);

  /* message and enum fields need a type name */
  bytes = set_with_field (field_desc ("x", 1, 1, TILEBOX_DESC_TYPE_MESSAGE, NULL));
  assert_rejected (bytes, "type name");
  g_bytes_unref (bytes);
  bytes = set_with_field (field_desc ("x", 1, 1, TILEBOX_DESC_TYPE_ENUM, "."));
  assert_rejected (bytes, "type name");
  g_bytes_unref (bytes);
  bytes = set_with_field (field_desc ("x", 1, 1, TILEBOX_DESC_TYPE_ENUM, ".a..b"));
  assert_rejected (bytes, "type name");
  g_bytes_unref (bytes);

  /* oneof index without such a oneof */
  f = field_desc ("x", 1, 1, TILEBOX_DESC_TYPE_INT32, NULL);
  _tilebox_pb_write_varint (f, FIELD_ONEOF_INDEX, 0);
  bytes = set_with_field (f);
  assert_rejected (bytes, "oneof");
  g_bytes_unref (bytes);

  /* a feature value out of range */
  f = field_desc ("x", 1, 1, TILEBOX_DESC_TYPE_INT32, NULL);
  put_sub (f, FIELD_OPTIONS, options_with_features (FIELD_OPTIONS_FEATURES, features (9, 0)));
  bytes = set_with_field (f);
  assert_rejected (bytes, "field_presence");
  g_bytes_unref (bytes);

  /* a name given with the wrong wire type */
  f = g_byte_array_new ();
  _tilebox_pb_write_varint (f, FIELD_NAME, 7);
  bytes = set_with_field (f);
  assert_rejected (bytes, "bad.Bad");
  g_bytes_unref (bytes);

  /* duplicate field numbers and names */
  file = file_desc ("bad.proto", "bad", "editions", 1000);
  m = message_desc ("Dup");
  put_sub (m, MSG_FIELD, field_desc ("x", 1, 1, TILEBOX_DESC_TYPE_INT32, NULL));
  put_sub (m, MSG_FIELD, field_desc ("y", 1, 1, TILEBOX_DESC_TYPE_INT32, NULL));
  put_sub (file, FILE_MESSAGE, m);
  bytes = file_set (file);
  assert_rejected (bytes, "duplicate");
  g_bytes_unref (bytes);
  file = file_desc ("bad.proto", "bad", "editions", 1000);
  m = message_desc ("Dup");
  put_sub (m, MSG_FIELD, field_desc ("x", 1, 1, TILEBOX_DESC_TYPE_INT32, NULL));
  put_sub (m, MSG_FIELD, field_desc ("x", 2, 1, TILEBOX_DESC_TYPE_INT32, NULL));
  put_sub (file, FILE_MESSAGE, m);
  bytes = file_set (file);
  assert_rejected (bytes, "duplicate");
  g_bytes_unref (bytes);

  /* message without a name, enum value without a name */
  file = file_desc ("bad.proto", "bad", "editions", 1000);
  put_sub (file, FILE_MESSAGE, g_byte_array_new ());
  bytes = file_set (file);
  assert_rejected (bytes, "message descriptor");
  g_bytes_unref (bytes);
  file = file_desc ("bad.proto", "bad", "editions", 1000);
  put_sub (file, FILE_ENUM, enum_desc ("E", "", 0, NULL));
  bytes = file_set (file);
  assert_rejected (bytes, "enum bad.E");
  g_bytes_unref (bytes);

  /* syntax and edition */
  bytes = file_set (file_desc ("bad.proto", "bad", "proto4", 0));
  assert_rejected (bytes, "proto4");
  g_bytes_unref (bytes);
  bytes = file_set (file_desc ("bad.proto", "bad", "editions", 0));
  assert_rejected (bytes, "edition");
  g_bytes_unref (bytes);
  bytes = file_set (file_desc ("bad.proto", "bad", "editions", 99999));
  assert_rejected (bytes, "edition");
  g_bytes_unref (bytes);
  bytes = file_set (file_desc ("bad.proto", "bad pkg", "proto3", 0));
  assert_rejected (bytes, "package");
  g_bytes_unref (bytes);

  /* not a descriptor set at all */
  bytes = g_bytes_new_static ("\xff\xff\xff", 3);
  assert_rejected (bytes, NULL);
  g_bytes_unref (bytes);
  bytes = g_bytes_new_static ("\x0a\x05zz", 4);
  assert_rejected (bytes, NULL);
  g_bytes_unref (bytes);

  /* messages nested deeper than the codec allows */
  {
    GByteArray *inner = message_desc ("N");

    for (int i = 0; i < TILEBOX_PB_MAX_DEPTH + 4; i++)
      {
        GByteArray *outer = message_desc ("N");

        put_sub (outer, MSG_NESTED, inner);
        inner = outer;
      }
    file = file_desc ("deep.proto", "deep", "editions", 1000);
    put_sub (file, FILE_MESSAGE, inner);
    bytes = file_set (file);
    assert_rejected (bytes, NULL);
    g_bytes_unref (bytes);
  }
}

/* Parses every prefix and some mutations of `bytes`: never a crash, and
 * failures leave the pool as it was. */
/* Duplicate value names are found in linear time: a descriptor from the
 * network may hold an enum with very many values. */
static void
test_large_enum (void)
{
  const guint n_values = 100000;
  GByteArray *e = g_byte_array_new ();
  GByteArray *file;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) duplicated = NULL;
  g_autoptr(TileboxDescPool) pool = NULL;
  const TileboxDescEnum *big;
  gint32 number = 0;

  _tilebox_pb_write_string (e, ENUM_NAME, "Big");
  for (guint i = 0; i < n_values; i++)
    {
      GByteArray *v = g_byte_array_new ();
      g_autofree char *name = g_strdup_printf ("V%u", i);

      _tilebox_pb_write_string (v, VALUE_NAME, name);
      _tilebox_pb_write_varint (v, VALUE_NUMBER, i);
      put_sub (e, ENUM_VALUE, v);
    }

  file = file_desc ("big.proto", "big", "proto3", 0);
  _tilebox_pb_write_message (file, FILE_ENUM, e);
  bytes = file_set (file);
  pool = pool_from_bytes (bytes);
  big = _tilebox_desc_pool_lookup_enum (pool, "big.Big");
  g_assert_nonnull (big);
  g_assert_cmpuint (big->values->len, ==, n_values);
  g_assert_true (_tilebox_desc_enum_value_number (big, "V99999", &number));
  g_assert_cmpint (number, ==, 99999);

  /* the same again with a last value named like the first */
  {
    GByteArray *v = g_byte_array_new ();

    _tilebox_pb_write_string (v, VALUE_NAME, "V0");
    _tilebox_pb_write_varint (v, VALUE_NUMBER, n_values);
    put_sub (e, ENUM_VALUE, v);
  }
  file = file_desc ("big.proto", "big", "proto3", 0);
  put_sub (file, FILE_ENUM, e);
  duplicated = file_set (file);
  assert_rejected (duplicated, "duplicate name “V0”");
}

static void
check_truncations (GBytes *bytes)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  g_autoptr(TileboxDescPool) pool = _tilebox_desc_pool_new ();
  const TileboxDescFieldSpec keep[] = { { "k", TILEBOX_DESC_TYPE_BOOL, FALSE, NULL } };
  g_autoptr(GBytes) keep_bytes = _tilebox_desc_build_file_set ("keep.proto", "keep", "Keep", keep, 1, NULL);
  const guint8 *keep_data;
  gsize keep_len;
  const TileboxDescMessage *kept;

  keep_data = g_bytes_get_data (keep_bytes, &keep_len);
  g_assert_true (_tilebox_desc_pool_add_file_set (pool, keep_data, keep_len, NULL));
  kept = _tilebox_desc_pool_lookup_message (pool, "keep.Keep");

  for (gsize n = 0; n < len; n++)
    {
      g_autoptr(GError) error = NULL;
      /* a copy exactly n bytes long, so that ASan sees overreads */
      g_autofree guint8 *copy = g_memdup2 (data, n > 0 ? n : 1);
      gboolean ok;

      ok = _tilebox_desc_pool_add_file_set (pool, copy, n, &error);
      if (ok)
        g_assert_no_error (error);
      else
        g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
      /* only the empty prefix is valid: the set has one file field */
      g_assert_cmpint (ok, ==, n == 0);
    }

  for (gsize n = 0; n < len; n++)
    {
      static const guint8 masks[] = { 0x01, 0x80, 0xff, 0x7f, 0x08 };

      for (guint k = 0; k < G_N_ELEMENTS (masks); k++)
        {
          g_autoptr(GError) error = NULL;
          g_autofree guint8 *copy = g_memdup2 (data, len);
          g_autoptr(TileboxDescPool) scratch = _tilebox_desc_pool_new ();

          copy[n] ^= masks[k];
          if (!_tilebox_desc_pool_add_file_set (scratch, copy, len, &error))
            g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
        }
    }

  g_assert_true (_tilebox_desc_pool_lookup_message (pool, "keep.Keep") == kept);
}

static void
test_malformed_truncations (void)
{
  g_autoptr(GBytes) built = NULL;
  g_autoptr(GBytes) nested = make_nested_set ("nest");
  g_autoptr(GBytes) proto3 = make_proto3_set (TRUE);
  const char * const deps[] = { "google/protobuf/timestamp.proto", NULL };

  built = _tilebox_desc_build_file_set ("t.proto", "t", "T", all_types,
                                        G_N_ELEMENTS (all_types), deps);
  check_truncations (built);
  check_truncations (nested);
  check_truncations (proto3);
}

/* The real Sentinel-2 type, from the recorded service traffic */

/* The first recorded call's body, decompressed; NULL (test skipped) when
 * the recordings are not there. */
static GBytes *
load_get_dataset_response (const char *recording)
{
  g_autoptr(GPtrArray) calls = tilebox_test_load_recording (recording, TILEBOX_TEST_RECORDING_GUNZIP);

  if (calls == NULL)
    return NULL;
  g_assert_cmpuint (calls->len, >=, 1);
  return g_bytes_ref (g_ptr_array_index (calls, 0));
}

/* Finds the last occurrence of LEN field `number` in data[0..len). */
static gboolean
find_len_field (const guint8  *data,
                gsize          len,
                guint32        number,
                const guint8 **out,
                gsize         *out_len)
{
  TileboxPbReader reader;
  g_autoptr(GError) error = NULL;
  gboolean found = FALSE;
  int rc;

  _tilebox_pb_reader_init (&reader, data, len);
  while ((rc = _tilebox_pb_reader_next (&reader, &error)) > 0)
    {
      if (reader.field == number && reader.wire_type == TILEBOX_PB_WIRE_LEN)
        {
          g_assert_true (_tilebox_pb_read_bytes (&reader, out, out_len, &error));
          found = TRUE;
        }
      else
        {
          g_assert_true (_tilebox_pb_skip (&reader, &error));
        }
    }
  g_assert_no_error (error);
  g_assert_cmpint (rc, ==, 0);
  return found;
}

static void
test_sentinel2 (void)
{
  g_autoptr(GBytes) body = load_get_dataset_response ("query.rpcs.bin");
  g_autoptr(TileboxDescPool) pool = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) specs = NULL;
  g_autoptr(GPtrArray) deps = NULL;
  g_autoptr(GBytes) rebuilt = NULL;
  g_autoptr(GBytes) set_bytes = NULL;
  g_autofree char *type_url = NULL;
  g_autofree char *file_name = NULL;
  g_autofree char *package = NULL;
  g_autofree char *syntax = NULL;
  const guint8 *annotated, *set, *file, *p;
  gsize annotated_len, set_len, file_len, p_len;
  const TileboxDescMessage *message;
  const TileboxDescField *field;
  guint n_enums = 0;
  TileboxPbReader reader;
  guint64 edition = 0;
  int rc;

  if (body == NULL)
    return;

  /* Dataset.type (3) → AnnotatedType.descriptor_set (1), .type_url (2) */
  g_assert_true (find_len_field (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                 3, &annotated, &annotated_len));
  g_assert_true (find_len_field (annotated, annotated_len, 1, &set, &set_len));
  g_assert_true (find_len_field (annotated, annotated_len, 2, &p, &p_len));
  type_url = g_strndup ((const char *) p, p_len);
  g_assert_cmpstr (type_url, ==, "datasets.v1.group_019039b5c894a3db09e149ee36fe4983.Sentinel2Msi");

  pool = _tilebox_desc_pool_new ();
  g_assert_true (_tilebox_desc_pool_add_file_set (pool, set, set_len, &error));
  g_assert_no_error (error);

  message = _tilebox_desc_pool_lookup_message (pool, type_url);
  g_assert_nonnull (message);
  g_assert_cmpstr (message->name, ==, "Sentinel2Msi");
  g_assert_cmpuint (message->fields->len, ==, 24);

  field = _tilebox_desc_message_find_field (message, 1);
  g_assert_cmpstr (field->name, ==, "time");
  g_assert_cmpint (field->type, ==, TILEBOX_DESC_TYPE_MESSAGE);
  g_assert_cmpstr (field->type_name, ==, "google.protobuf.Timestamp");
  field = field_by_name (message, "id");
  g_assert_cmpint (field->number, ==, 2);
  g_assert_cmpint (field->type, ==, TILEBOX_DESC_TYPE_MESSAGE);
  g_assert_cmpstr (field->type_name, ==, "datasets.v1.UUID");
  field = field_by_name (message, "ingestion_time");
  g_assert_cmpint (field->number, ==, 3);
  g_assert_cmpstr (field->json_name, ==, "ingestionTime");
  field = field_by_name (message, "geometry");
  g_assert_cmpint (field->number, ==, 4);
  g_assert_cmpstr (field->type_name, ==, "datasets.v1.Geometry");
  g_assert_cmpstr (field_by_name (message, "centroid")->type_name, ==, "datasets.v1.Geometry");
  g_assert_cmpint (field_by_name (message, "granule_name")->type, ==, TILEBOX_DESC_TYPE_STRING);
  g_assert_cmpint (field_by_name (message, "orbit_number")->type, ==, TILEBOX_DESC_TYPE_INT64);
  g_assert_cmpint (field_by_name (message, "cloud_cover")->type, ==, TILEBOX_DESC_TYPE_DOUBLE);
  field = field_by_name (message, "flight_direction");
  g_assert_cmpint (field->type, ==, TILEBOX_DESC_TYPE_ENUM);
  g_assert_cmpstr (field->type_name, ==, "datasets.v1.FlightDirection");
  g_assert_cmpstr (field_by_name (message, "processing_level")->type_name, ==, "datasets.v1.ProcessingLevel");
  g_assert_cmpstr (field_by_name (message, "acquisition_mode")->type_name, ==, "datasets.v1.AcquisitionMode");
  /* referenced, not included */
  g_assert_null (_tilebox_desc_pool_lookup_enum (pool, "datasets.v1.FlightDirection"));
  g_assert_null (_tilebox_desc_pool_lookup_message (pool, "google.protobuf.Timestamp"));

  for (guint i = 0; i < message->fields->len; i++)
    {
      field = g_ptr_array_index (message->fields, i);
      g_assert_cmpint (field->number, ==, i + 1);
      g_assert_cmpint (field->label, ==, TILEBOX_DESC_LABEL_OPTIONAL);
      /* editions 2023: explicit presence for scalars too */
      g_assert_true (field->explicit_presence);
      g_assert_false (field->packed);
      g_assert_cmpint (field->oneof_index, ==, -1);
      if (field->type == TILEBOX_DESC_TYPE_ENUM)
        n_enums++;
    }
  g_assert_cmpuint (n_enums, ==, 3);

  /* The file itself: edition 2023, three imports not included. */
  g_assert_true (find_len_field (set, set_len, 1, &file, &file_len));
  deps = g_ptr_array_new_with_free_func (g_free);
  _tilebox_pb_reader_init (&reader, file, file_len);
  while ((rc = _tilebox_pb_reader_next (&reader, &error)) > 0)
    {
      char *s = NULL;

      switch (reader.field)
        {
        case FILE_NAME:
          g_assert_true (_tilebox_pb_read_string (&reader, &file_name, &error));
          break;
        case FILE_PACKAGE:
          g_assert_true (_tilebox_pb_read_string (&reader, &package, &error));
          break;
        case FILE_DEPENDENCY:
          g_assert_true (_tilebox_pb_read_string (&reader, &s, &error));
          g_ptr_array_add (deps, s);
          break;
        case FILE_SYNTAX:
          g_assert_true (_tilebox_pb_read_string (&reader, &syntax, &error));
          break;
        case FILE_EDITION:
          g_assert_true (_tilebox_pb_read_varint (&reader, &edition, &error));
          break;
        default:
          g_assert_true (_tilebox_pb_skip (&reader, &error));
          break;
        }
    }
  g_assert_no_error (error);
  g_assert_cmpstr (syntax, ==, "editions");
  g_assert_cmpuint (edition, ==, 1000);
  g_assert_cmpuint (deps->len, ==, 3);
  g_assert_true (g_ptr_array_find_with_equal_func (deps, "google/protobuf/timestamp.proto", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (deps, "datasets/v1/well_known_types.proto", g_str_equal, NULL));
  g_ptr_array_add (deps, NULL);

  /* The builder makes what the service makes: rebuilt from the parsed
   * descriptors (at run time, nothing of it is kept), the bytes agree. */
  specs = g_array_new (FALSE, TRUE, sizeof (TileboxDescFieldSpec));
  for (guint i = 0; i < message->fields->len; i++)
    {
      TileboxDescFieldSpec spec;

      field = g_ptr_array_index (message->fields, i);
      spec.name = field->name;
      spec.type = field->type;
      spec.repeated = field->label == TILEBOX_DESC_LABEL_REPEATED;
      spec.type_name = field->type_name;
      g_array_append_val (specs, spec);
    }
  rebuilt = _tilebox_desc_build_file_set (file_name, package, message->name,
                                          (const TileboxDescFieldSpec *) specs->data, specs->len,
                                          (const char * const *) deps->pdata);
  set_bytes = g_bytes_new_static (set, set_len);
  g_assert_true (g_bytes_equal (rebuilt, set_bytes));

  check_truncations (set_bytes);
}

/* An older (2025-03) type of the ERS SAR dataset sets field_presence
 * IMPLICIT for the whole file: only its message fields keep presence. */
static void
test_ers_sar_file_implicit (void)
{
  g_autoptr(GBytes) body = load_get_dataset_response ("collections.rpcs.bin");
  g_autoptr(TileboxDescPool) pool = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *type_url = NULL;
  const guint8 *annotated, *set, *p;
  gsize annotated_len, set_len, p_len;
  const TileboxDescMessage *message;
  const TileboxDescField *field;
  guint n_explicit = 0;

  if (body == NULL)
    return;

  g_assert_true (find_len_field (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                 3, &annotated, &annotated_len));
  g_assert_true (find_len_field (annotated, annotated_len, 1, &set, &set_len));
  g_assert_true (find_len_field (annotated, annotated_len, 2, &p, &p_len));
  type_url = g_strndup ((const char *) p, p_len);
  g_assert_true (g_str_has_suffix (type_url, ".ErsSar"));

  pool = _tilebox_desc_pool_new ();
  g_assert_true (_tilebox_desc_pool_add_file_set (pool, set, set_len, &error));
  g_assert_no_error (error);
  message = _tilebox_desc_pool_lookup_message (pool, type_url);
  g_assert_nonnull (message);
  g_assert_cmpuint (message->fields->len, ==, 19);

  for (guint i = 0; i < message->fields->len; i++)
    {
      field = g_ptr_array_index (message->fields, i);
      g_assert_cmpint (field->explicit_presence, ==, field->type == TILEBOX_DESC_TYPE_MESSAGE);
      n_explicit += field->explicit_presence;
    }
  g_assert_cmpuint (n_explicit, ==, 4);
  field = field_by_name (message, "orbit");
  g_assert_cmpint (field->type, ==, TILEBOX_DESC_TYPE_INT64);
  g_assert_false (field->explicit_presence);
  field = field_by_name (message, "geometry");
  g_assert_cmpstr (field->type_name, ==, "datasets.v1.GeobufData");
  g_assert_true (field->explicit_presence);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/descriptor/build-round-trip", test_build_round_trip);
  g_test_add_func ("/descriptor/build-no-package", test_build_no_package);
  g_test_add_func ("/descriptor/editions-features", test_editions_features);
  g_test_add_func ("/descriptor/editions-file-features", test_editions_file_features);
  g_test_add_func ("/descriptor/proto3", test_proto3);
  g_test_add_func ("/descriptor/proto2", test_proto2);
  g_test_add_func ("/descriptor/nested", test_nested);
  g_test_add_func ("/descriptor/pool-last-wins", test_pool_last_wins);
  g_test_add_func ("/descriptor/malformed/cases", test_malformed_cases);
  g_test_add_func ("/descriptor/malformed/truncations", test_malformed_truncations);
  g_test_add_func ("/descriptor/malformed/large-enum", test_large_enum);
  g_test_add_func ("/descriptor/sentinel2", test_sentinel2);
  g_test_add_func ("/descriptor/ers-sar-file-implicit", test_ers_sar_file_implicit);

  return g_test_run ();
}
