/* tilebox-well-known.c: descriptors of the well-known types datasets use (internal)
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The descriptor sets the service sends for a dataset type import
 * google/protobuf/timestamp.proto, google/protobuf/duration.proto and
 * datasets/v1/well_known_types.proto without including them. This file
 * serializes those files (and tilebox/v1/id.proto) as FileDescriptorSets,
 * written field by field with the wire codec, and adds them to a pool, so
 * that the enums of a dataset resolve to names and the message fields can
 * be described. The datapoint decoder recognises the messages by full name
 * and does not need these descriptors to decode them.
 */

#include "config.h"

#include <string.h>

#include "tilebox-columns-private.h"
#include "tilebox-descriptor-private.h"
#include "tilebox-pb-private.h"

/* Field numbers of descriptor.proto used here. */
enum {
  SET_FILE = 1,
};

enum {
  FILE_NAME = 1,
  FILE_PACKAGE = 2,
  FILE_MESSAGE_TYPE = 4,
  FILE_ENUM_TYPE = 5,
  FILE_OPTIONS = 8,
  FILE_SYNTAX = 12,
  FILE_EDITION = 14,
};

enum {
  MESSAGE_NAME = 1,
  MESSAGE_FIELD = 2,
};

enum {
  FIELD_NAME = 1,
  FIELD_NUMBER = 3,
  FIELD_LABEL = 4,
  FIELD_TYPE = 5,
  FIELD_JSON_NAME = 10,
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
  FILE_OPTIONS_FEATURES = 50,
  FEATURE_FIELD_PRESENCE = 1,
  FEATURE_PRESENCE_IMPLICIT = 2,
  EDITION_2023 = 1000,
};

typedef struct {
  const char *name;
  const char *json_name;
  TileboxDescType type;
} WkField;

typedef struct {
  const char *name;
  const WkField *fields; /* numbered 1..n */
  guint n_fields;
} WkMessage;

typedef struct {
  const char *name;
  gint32 number;
} WkValue;

typedef struct {
  const char *name;
  const WkValue *values;
  guint n_values;
} WkEnum;

typedef enum {
  WK_PROTO3,
  WK_EDITION_2023_IMPLICIT,
} WkSyntax;

static void
write_message (GByteArray      *file,
               const WkMessage *spec)
{
  g_autoptr(GByteArray) message = g_byte_array_new ();

  _tilebox_pb_write_string (message, MESSAGE_NAME, spec->name);
  for (guint i = 0; i < spec->n_fields; i++)
    {
      g_autoptr(GByteArray) field = g_byte_array_new ();

      _tilebox_pb_write_string (field, FIELD_NAME, spec->fields[i].name);
      _tilebox_pb_write_varint (field, FIELD_NUMBER, i + 1);
      _tilebox_pb_write_varint (field, FIELD_LABEL, TILEBOX_DESC_LABEL_OPTIONAL);
      _tilebox_pb_write_varint (field, FIELD_TYPE, spec->fields[i].type);
      _tilebox_pb_write_string (field, FIELD_JSON_NAME,
                                spec->fields[i].json_name != NULL ? spec->fields[i].json_name
                                                                  : spec->fields[i].name);
      _tilebox_pb_write_message (message, MESSAGE_FIELD, field);
    }
  _tilebox_pb_write_message (file, FILE_MESSAGE_TYPE, message);
}

static void
write_enum (GByteArray   *file,
            const WkEnum *spec)
{
  g_autoptr(GByteArray) enum_proto = g_byte_array_new ();

  _tilebox_pb_write_string (enum_proto, ENUM_NAME, spec->name);
  for (guint i = 0; i < spec->n_values; i++)
    {
      g_autoptr(GByteArray) value = g_byte_array_new ();

      _tilebox_pb_write_string (value, ENUM_VALUE_NAME, spec->values[i].name);
      /* int32 is written as a sign-extended varint; all numbers here are >= 0 */
      _tilebox_pb_write_varint (value, ENUM_VALUE_NUMBER, (guint64) (gint64) spec->values[i].number);
      _tilebox_pb_write_message (enum_proto, ENUM_VALUE, value);
    }
  _tilebox_pb_write_message (file, FILE_ENUM_TYPE, enum_proto);
}

/* Appends one FileDescriptorProto to `set`. */
static void
write_file (GByteArray      *set,
            const char      *name,
            const char      *package,
            WkSyntax         syntax,
            const WkMessage *messages,
            guint            n_messages,
            const WkEnum    *enums,
            guint            n_enums)
{
  g_autoptr(GByteArray) file = g_byte_array_new ();

  _tilebox_pb_write_string (file, FILE_NAME, name);
  _tilebox_pb_write_string (file, FILE_PACKAGE, package);
  for (guint i = 0; i < n_messages; i++)
    write_message (file, &messages[i]);
  for (guint i = 0; i < n_enums; i++)
    write_enum (file, &enums[i]);

  if (syntax == WK_PROTO3)
    {
      _tilebox_pb_write_string (file, FILE_SYNTAX, "proto3");
    }
  else
    {
      g_autoptr(GByteArray) options = g_byte_array_new ();
      g_autoptr(GByteArray) features = g_byte_array_new ();

      _tilebox_pb_write_varint (features, FEATURE_FIELD_PRESENCE, FEATURE_PRESENCE_IMPLICIT);
      _tilebox_pb_write_message (options, FILE_OPTIONS_FEATURES, features);
      _tilebox_pb_write_message (file, FILE_OPTIONS, options);
      _tilebox_pb_write_string (file, FILE_SYNTAX, "editions");
      _tilebox_pb_write_varint (file, FILE_EDITION, EDITION_2023);
    }

  _tilebox_pb_write_message (set, SET_FILE, file);
}

/* --- the types ----------------------------------------------------------- */

static const WkField seconds_nanos_fields[] = {
  { "seconds", NULL, TILEBOX_DESC_TYPE_INT64 },
  { "nanos", NULL, TILEBOX_DESC_TYPE_INT32 },
};

static const WkMessage timestamp_messages[] = {
  { "Timestamp", seconds_nanos_fields, G_N_ELEMENTS (seconds_nanos_fields) },
};

static const WkMessage duration_messages[] = {
  { "Duration", seconds_nanos_fields, G_N_ELEMENTS (seconds_nanos_fields) },
};

static const WkField uuid_fields[] = {
  { "uuid", NULL, TILEBOX_DESC_TYPE_BYTES },
};

static const WkMessage id_messages[] = {
  { "ID", uuid_fields, G_N_ELEMENTS (uuid_fields) },
};

static const WkField vec3_fields[] = {
  { "x", NULL, TILEBOX_DESC_TYPE_DOUBLE },
  { "y", NULL, TILEBOX_DESC_TYPE_DOUBLE },
  { "z", NULL, TILEBOX_DESC_TYPE_DOUBLE },
};

static const WkField quaternion_fields[] = {
  { "q1", NULL, TILEBOX_DESC_TYPE_DOUBLE },
  { "q2", NULL, TILEBOX_DESC_TYPE_DOUBLE },
  { "q3", NULL, TILEBOX_DESC_TYPE_DOUBLE },
  { "q4", NULL, TILEBOX_DESC_TYPE_DOUBLE },
};

static const WkField latlon_fields[] = {
  { "latitude", NULL, TILEBOX_DESC_TYPE_DOUBLE },
  { "longitude", NULL, TILEBOX_DESC_TYPE_DOUBLE },
  { "altitude", NULL, TILEBOX_DESC_TYPE_DOUBLE },
};

static const WkField geometry_fields[] = {
  { "wkb", NULL, TILEBOX_DESC_TYPE_BYTES },
};

static const WkMessage datasets_messages[] = {
  { "UUID", uuid_fields, G_N_ELEMENTS (uuid_fields) },
  { "Vec3", vec3_fields, G_N_ELEMENTS (vec3_fields) },
  { "Quaternion", quaternion_fields, G_N_ELEMENTS (quaternion_fields) },
  { "LatLon", latlon_fields, 2 },
  { "LatLonAlt", latlon_fields, 3 },
  { "Geometry", geometry_fields, G_N_ELEMENTS (geometry_fields) },
};

static const WkValue flight_direction_values[] = {
  { "FLIGHT_DIRECTION_UNSPECIFIED", 0 },
  { "FLIGHT_DIRECTION_ASCENDING", 1 },
  { "FLIGHT_DIRECTION_DESCENDING", 2 },
};

static const WkValue observation_direction_values[] = {
  { "OBSERVATION_DIRECTION_UNSPECIFIED", 0 },
  { "OBSERVATION_DIRECTION_LEFT", 1 },
  { "OBSERVATION_DIRECTION_RIGHT", 2 },
};

static const WkValue opendata_provider_values[] = {
  { "OPENDATA_PROVIDER_UNSPECIFIED", 0 },
  { "OPENDATA_PROVIDER_ASF", 1 },
  { "OPENDATA_PROVIDER_COPERNICUS_DATASPACE", 2 },
  { "OPENDATA_PROVIDER_UMBRA", 3 },
};

static const WkValue processing_level_values[] = {
  { "PROCESSING_LEVEL_UNSPECIFIED", 0 },
  { "PROCESSING_LEVEL_L0", 12 },
  { "PROCESSING_LEVEL_L1", 10 },
  { "PROCESSING_LEVEL_L1A", 1 },
  { "PROCESSING_LEVEL_L1B", 2 },
  { "PROCESSING_LEVEL_L1C", 3 },
  { "PROCESSING_LEVEL_L2", 4 },
  { "PROCESSING_LEVEL_L2A", 5 },
  { "PROCESSING_LEVEL_L2B", 6 },
  { "PROCESSING_LEVEL_L3", 7 },
  { "PROCESSING_LEVEL_L3A", 8 },
  { "PROCESSING_LEVEL_L4", 9 },
  { "PROCESSING_LEVEL_NOT_APPLICABLE", 11 },
};

static const WkValue polarization_values[] = {
  { "POLARIZATION_UNSPECIFIED", 0 },
  { "POLARIZATION_HH", 1 },
  { "POLARIZATION_HV", 2 },
  { "POLARIZATION_VH", 3 },
  { "POLARIZATION_VV", 4 },
  { "POLARIZATION_DUAL_HH", 5 },
  { "POLARIZATION_DUAL_HV", 6 },
  { "POLARIZATION_DUAL_VH", 7 },
  { "POLARIZATION_DUAL_VV", 8 },
  { "POLARIZATION_HH_HV", 9 },
  { "POLARIZATION_VV_VH", 10 },
};

static const WkValue acquisition_mode_values[] = {
  { "ACQUISITION_MODE_UNSPECIFIED", 0 },
  { "ACQUISITION_MODE_SM", 1 },
  { "ACQUISITION_MODE_EW", 2 },
  { "ACQUISITION_MODE_IW", 3 },
  { "ACQUISITION_MODE_WV", 4 },
  { "ACQUISITION_MODE_SPOTLIGHT", 10 },
  { "ACQUISITION_MODE_NOBS", 20 },
  { "ACQUISITION_MODE_EOBS", 21 },
  { "ACQUISITION_MODE_DASC", 22 },
  { "ACQUISITION_MODE_ABSR", 23 },
  { "ACQUISITION_MODE_VIC", 24 },
  { "ACQUISITION_MODE_RAW", 25 },
  { "ACQUISITION_MODE_TST", 26 },
};

#define WK_ENUM(name, values) { name, values, G_N_ELEMENTS (values) }

static const WkEnum datasets_enums[] = {
  WK_ENUM ("FlightDirection", flight_direction_values),
  WK_ENUM ("ObservationDirection", observation_direction_values),
  WK_ENUM ("OpendataProvider", opendata_provider_values),
  WK_ENUM ("ProcessingLevel", processing_level_values),
  WK_ENUM ("Polarization", polarization_values),
  WK_ENUM ("AcquisitionMode", acquisition_mode_values),
};

gboolean
_tilebox_columns_add_well_known_types (TileboxDescPool  *pool,
                                       GError          **error)
{
  g_autoptr(GByteArray) set = g_byte_array_new ();

  g_return_val_if_fail (pool != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  write_file (set, "google/protobuf/timestamp.proto", "google.protobuf", WK_PROTO3,
              timestamp_messages, G_N_ELEMENTS (timestamp_messages), NULL, 0);
  write_file (set, "google/protobuf/duration.proto", "google.protobuf", WK_PROTO3,
              duration_messages, G_N_ELEMENTS (duration_messages), NULL, 0);
  write_file (set, "datasets/v1/well_known_types.proto", "datasets.v1",
              WK_EDITION_2023_IMPLICIT,
              datasets_messages, G_N_ELEMENTS (datasets_messages),
              datasets_enums, G_N_ELEMENTS (datasets_enums));
  write_file (set, "tilebox/v1/id.proto", "tilebox.v1", WK_PROTO3,
              id_messages, G_N_ELEMENTS (id_messages), NULL, 0);

  return _tilebox_desc_pool_add_file_set (pool, set->data, set->len, error);
}

char *
_tilebox_columns_well_known_enum_full_name (const char *name)
{
  const char *package = "datasets.v1.";
  const char *short_name;

  g_return_val_if_fail (name != NULL, NULL);

  if (*name == '.')
    name++;
  short_name = g_str_has_prefix (name, package) ? name + strlen (package) : name;
  for (guint i = 0; i < G_N_ELEMENTS (datasets_enums); i++)
    if (g_str_equal (short_name, datasets_enums[i].name))
      return g_strconcat (package, datasets_enums[i].name, NULL);

  return NULL;
}
