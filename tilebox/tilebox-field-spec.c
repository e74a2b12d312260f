/* tilebox-field-spec.c
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tilebox-columns-private.h"
#include "tilebox-descriptor-private.h"
#include "tilebox-error.h"
#include "tilebox-field-spec-private.h"
#include "tilebox-pb-private.h"

/**
 * TileboxFieldSpec:
 *
 * The description of one field of a dataset to create or update: its name,
 * its type, whether it repeats, and its documentation.
 *
 * Field specs are given to [method@Tilebox.Client.create_dataset] and
 * [method@Tilebox.Client.update_dataset], which add the fields every
 * dataset of a kind has (`time`, `id`, `ingestion_time`, and `geometry`
 * for spatiotemporal datasets) themselves.
 *
 * ```c
 * g_autoptr(TileboxFieldSpec) cloud_cover = tilebox_field_spec_new ("cloud_cover",
 *                                                                   TILEBOX_FIELD_TYPE_DOUBLE);
 * tilebox_field_spec_set_description (cloud_cover, "Cloud cover in percent");
 * tilebox_field_spec_set_queryable (cloud_cover, TRUE);
 * ```
 *
 * A field spec is reference counted. Its setters change it for every
 * holder of a reference; it is not safe to change one that another thread
 * uses.
 */
struct _TileboxFieldSpec
{
  gatomicrefcount ref_count;
  char *name;
  TileboxFieldType type;
  char *type_name;             /* full name without a leading dot, NULL for scalars */
  gboolean repeated;
  char *description;
  char *example_value;
  gboolean queryable;
};

G_DEFINE_BOXED_TYPE (TileboxFieldSpec, tilebox_field_spec,
                     tilebox_field_spec_ref, tilebox_field_spec_unref)

/* The descriptor type of a field type, and the full name of its message
 * type for the well-known ones. FALSE for types that need a name of their
 * own (ENUM, MESSAGE) and for values outside the enumeration. */
static gboolean
field_type_to_desc (TileboxFieldType   type,
                    TileboxDescType   *desc_type,
                    const char       **type_name)
{
  *type_name = NULL;
  *desc_type = TILEBOX_DESC_TYPE_MESSAGE;

  switch (type)
    {
    case TILEBOX_FIELD_TYPE_DOUBLE:
      *desc_type = TILEBOX_DESC_TYPE_DOUBLE;
      return TRUE;
    case TILEBOX_FIELD_TYPE_FLOAT:
      *desc_type = TILEBOX_DESC_TYPE_FLOAT;
      return TRUE;
    case TILEBOX_FIELD_TYPE_INT64:
      *desc_type = TILEBOX_DESC_TYPE_INT64;
      return TRUE;
    case TILEBOX_FIELD_TYPE_UINT64:
      *desc_type = TILEBOX_DESC_TYPE_UINT64;
      return TRUE;
    case TILEBOX_FIELD_TYPE_INT32:
      *desc_type = TILEBOX_DESC_TYPE_INT32;
      return TRUE;
    case TILEBOX_FIELD_TYPE_UINT32:
      *desc_type = TILEBOX_DESC_TYPE_UINT32;
      return TRUE;
    case TILEBOX_FIELD_TYPE_BOOL:
      *desc_type = TILEBOX_DESC_TYPE_BOOL;
      return TRUE;
    case TILEBOX_FIELD_TYPE_STRING:
      *desc_type = TILEBOX_DESC_TYPE_STRING;
      return TRUE;
    case TILEBOX_FIELD_TYPE_BYTES:
      *desc_type = TILEBOX_DESC_TYPE_BYTES;
      return TRUE;
    case TILEBOX_FIELD_TYPE_TIMESTAMP:
      *type_name = "google.protobuf.Timestamp";
      return TRUE;
    case TILEBOX_FIELD_TYPE_DURATION:
      *type_name = "google.protobuf.Duration";
      return TRUE;
    case TILEBOX_FIELD_TYPE_UUID:
      *type_name = "datasets.v1.UUID";
      return TRUE;
    case TILEBOX_FIELD_TYPE_GEOMETRY:
      *type_name = "datasets.v1.Geometry";
      return TRUE;
    case TILEBOX_FIELD_TYPE_VEC3:
      *type_name = "datasets.v1.Vec3";
      return TRUE;
    case TILEBOX_FIELD_TYPE_QUATERNION:
      *type_name = "datasets.v1.Quaternion";
      return TRUE;
    case TILEBOX_FIELD_TYPE_LATLON:
      *type_name = "datasets.v1.LatLon";
      return TRUE;
    case TILEBOX_FIELD_TYPE_LATLONALT:
      *type_name = "datasets.v1.LatLonAlt";
      return TRUE;
    case TILEBOX_FIELD_TYPE_UNKNOWN:
    case TILEBOX_FIELD_TYPE_ENUM:
    case TILEBOX_FIELD_TYPE_MESSAGE:
    default:
      return FALSE;
    }
}

static TileboxFieldSpec *
field_spec_new (const char       *name,
                TileboxFieldType  type,
                char             *type_name)
{
  TileboxFieldSpec *self = g_new0 (TileboxFieldSpec, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->name = g_strdup (name);
  self->type = type;
  self->type_name = type_name;
  self->description = g_strdup ("");
  self->example_value = g_strdup ("");

  return self;
}

/**
 * tilebox_field_spec_new:
 * @name: the name of the field, an identifier such as `cloud_cover`
 * @type: the type of the field: a scalar type or a well-known message type
 *   such as %TILEBOX_FIELD_TYPE_TIMESTAMP; not %TILEBOX_FIELD_TYPE_ENUM
 *   (see [ctor@Tilebox.FieldSpec.new_enum]), %TILEBOX_FIELD_TYPE_MESSAGE or
 *   %TILEBOX_FIELD_TYPE_UNKNOWN
 *
 * Creates the spec of a field that holds one value of @type, without
 * documentation. Whether @name is a valid field name is checked when the
 * spec is used, with an error that says what to change.
 *
 * Returns: (transfer full): a new field spec
 */
TileboxFieldSpec *
tilebox_field_spec_new (const char       *name,
                        TileboxFieldType  type)
{
  TileboxDescType desc_type;
  const char *type_name;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (field_type_to_desc (type, &desc_type, &type_name), NULL);

  return field_spec_new (name, type, g_strdup (type_name));
}

/**
 * tilebox_field_spec_new_enum:
 * @name: the name of the field, an identifier such as `processing_level`
 * @enum_name: a well-known enumeration of the service, by its full name
 *   such as `datasets.v1.ProcessingLevel` or its short name such as
 *   `ProcessingLevel`
 *
 * Creates the spec of a field whose values are those of a well-known
 * enumeration: `ProcessingLevel`, `FlightDirection`, `ObservationDirection`,
 * `Polarization`, `AcquisitionMode` or `OpendataProvider`, all in the
 * package `datasets.v1`. An unknown enumeration is refused with an error
 * when the spec is used.
 *
 * Returns: (transfer full): a new field spec of type %TILEBOX_FIELD_TYPE_ENUM
 */
TileboxFieldSpec *
tilebox_field_spec_new_enum (const char *name,
                             const char *enum_name)
{
  char *full_name;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (enum_name != NULL && *enum_name != '\0', NULL);

  full_name = _tilebox_columns_well_known_enum_full_name (enum_name);
  if (full_name == NULL)
    full_name = g_strdup (enum_name[0] == '.' ? enum_name + 1 : enum_name);

  return field_spec_new (name, TILEBOX_FIELD_TYPE_ENUM, full_name);
}

/**
 * tilebox_field_spec_ref:
 * @self: a field spec
 *
 * Takes a reference.
 *
 * Returns: (transfer full): @self
 */
TileboxFieldSpec *
tilebox_field_spec_ref (TileboxFieldSpec *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * tilebox_field_spec_unref:
 * @self: (transfer full): a field spec
 *
 * Drops a reference, freeing the spec with the last one.
 */
void
tilebox_field_spec_unref (TileboxFieldSpec *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_free (self->name);
      g_free (self->type_name);
      g_free (self->description);
      g_free (self->example_value);
      g_free (self);
    }
}

/**
 * tilebox_field_spec_get_name:
 * @self: a field spec
 *
 * The name of the field.
 *
 * Returns: (transfer none): the name
 */
const char *
tilebox_field_spec_get_name (const TileboxFieldSpec *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->name;
}

/**
 * tilebox_field_spec_get_field_type:
 * @self: a field spec
 *
 * The type of the field, as [method@Tilebox.Field.get_field_type] will
 * report it.
 *
 * Returns: the type
 */
TileboxFieldType
tilebox_field_spec_get_field_type (const TileboxFieldSpec *self)
{
  g_return_val_if_fail (self != NULL, TILEBOX_FIELD_TYPE_UNKNOWN);
  return self->type;
}

/**
 * tilebox_field_spec_get_type_name:
 * @self: a field spec
 *
 * The full protobuf name of the field's enumeration or message type, such
 * as `datasets.v1.ProcessingLevel` or `google.protobuf.Timestamp`.
 *
 * Returns: (transfer none) (nullable): the name, or %NULL for a scalar field
 */
const char *
tilebox_field_spec_get_type_name (const TileboxFieldSpec *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->type_name;
}

/**
 * tilebox_field_spec_get_repeated:
 * @self: a field spec
 *
 * Whether the field holds a list of values.
 *
 * Returns: %TRUE for a repeated field
 */
gboolean
tilebox_field_spec_get_repeated (const TileboxFieldSpec *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->repeated;
}

/**
 * tilebox_field_spec_set_repeated:
 * @self: a field spec
 * @repeated: whether the field holds a list of values
 *
 * Makes the field hold a list of values, or one value. A field holds one
 * value by default.
 */
void
tilebox_field_spec_set_repeated (TileboxFieldSpec *self,
                                 gboolean          repeated)
{
  g_return_if_fail (self != NULL);
  self->repeated = !!repeated;
}

/**
 * tilebox_field_spec_get_description:
 * @self: a field spec
 *
 * The description of the field, shown to the users of the dataset.
 *
 * Returns: (transfer none): the description, empty when there is none
 */
const char *
tilebox_field_spec_get_description (const TileboxFieldSpec *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->description;
}

/**
 * tilebox_field_spec_set_description:
 * @self: a field spec
 * @description: (nullable): what the field holds, in UTF-8, or %NULL for
 *   no description
 *
 * Sets the description of the field.
 */
void
tilebox_field_spec_set_description (TileboxFieldSpec *self,
                                    const char       *description)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (description == NULL || g_utf8_validate (description, -1, NULL));

  g_free (self->description);
  self->description = g_strdup (description ? description : "");
}

/**
 * tilebox_field_spec_get_example_value:
 * @self: a field spec
 *
 * An example value of the field, as text.
 *
 * Returns: (transfer none): the example, empty when there is none
 */
const char *
tilebox_field_spec_get_example_value (const TileboxFieldSpec *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->example_value;
}

/**
 * tilebox_field_spec_set_example_value:
 * @self: a field spec
 * @example_value: (nullable): an example value as text, in UTF-8, such as
 *   `12.5`, or %NULL for none
 *
 * Sets the example value of the field, shown to the users of the dataset.
 */
void
tilebox_field_spec_set_example_value (TileboxFieldSpec *self,
                                      const char       *example_value)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (example_value == NULL || g_utf8_validate (example_value, -1, NULL));

  g_free (self->example_value);
  self->example_value = g_strdup (example_value ? example_value : "");
}

/**
 * tilebox_field_spec_get_queryable:
 * @self: a field spec
 *
 * Whether the field may be used in the filters of a query.
 *
 * Returns: %TRUE for a queryable field
 */
gboolean
tilebox_field_spec_get_queryable (const TileboxFieldSpec *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->queryable;
}

/**
 * tilebox_field_spec_set_queryable:
 * @self: a field spec
 * @queryable: whether the field may be used in filters
 *
 * Makes the field usable in the filters of a query
 * ([method@Tilebox.Query.add_filter]), or not. Fields are not queryable
 * by default.
 */
void
tilebox_field_spec_set_queryable (TileboxFieldSpec *self,
                                  gboolean          queryable)
{
  g_return_if_fail (self != NULL);
  self->queryable = !!queryable;
}

/* --- the dataset type of a request ---------------------------------------- */

/* Field numbers of google.protobuf.FieldDescriptorProto. */
enum {
  FIELD_NAME = 1,
  FIELD_NUMBER = 3,
  FIELD_LABEL = 4,
  FIELD_TYPE = 5,
  FIELD_TYPE_NAME = 6,
  FIELD_JSON_NAME = 10,
};

typedef struct {
  const char *name;
  const char *type_name;
  const char *description;
} RequiredField;

/* The fields every dataset has, the first three for temporal datasets and
 * all four for spatiotemporal ones. The descriptions are data of the
 * dataset, the same for every user, so they are not translated. */
static const RequiredField required_fields[] = {
  { "time", "google.protobuf.Timestamp", "The time the datapoint refers to" },
  { "id", "datasets.v1.UUID", "Unique identifier of the datapoint, derived from its time and content" },
  { "ingestion_time", "google.protobuf.Timestamp", "The time the datapoint was ingested" },
  { "geometry", "datasets.v1.Geometry", "The geographic extent of the datapoint" },
};

static guint
n_required_fields (TileboxDatasetKind kind)
{
  return kind == TILEBOX_DATASET_KIND_SPATIOTEMPORAL ? 4 : 3;
}

/* The JSON name protoc gives a field: lowerCamelCase of the name. */
static char *
json_name (const char *name)
{
  GString *out = g_string_new (NULL);
  gboolean upper_next = FALSE;

  for (const char *p = name; *p != '\0'; p++)
    {
      if (*p == '_')
        upper_next = TRUE;
      else if (upper_next)
        {
          g_string_append_c (out, g_ascii_toupper (*p));
          upper_next = FALSE;
        }
      else
        g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

static TileboxPbField *
field_new (const char      *name,
           guint            number,
           TileboxDescType  type,
           const char      *type_name,
           gboolean         repeated,
           const char      *description,
           const char      *example_value,
           gboolean         queryable)
{
  TileboxPbField *field = g_new0 (TileboxPbField, 1);
  g_autoptr(GByteArray) descriptor = g_byte_array_new ();
  g_autofree char *json = json_name (name);

  _tilebox_pb_write_string (descriptor, FIELD_NAME, name);
  _tilebox_pb_write_varint (descriptor, FIELD_NUMBER, number);
  _tilebox_pb_write_varint (descriptor, FIELD_LABEL,
                            repeated ? TILEBOX_DESC_LABEL_REPEATED : TILEBOX_DESC_LABEL_OPTIONAL);
  _tilebox_pb_write_varint (descriptor, FIELD_TYPE, type);
  if (type_name != NULL)
    {
      g_autofree char *dotted = g_strconcat (".", type_name, NULL);

      _tilebox_pb_write_string (descriptor, FIELD_TYPE_NAME, dotted);
    }
  _tilebox_pb_write_string (descriptor, FIELD_JSON_NAME, json);

  field->descriptor = g_byte_array_free_to_bytes (g_steal_pointer (&descriptor));
  field->has_annotation = TRUE;
  field->annotation.description = g_strdup (description);
  field->annotation.example_value = g_strdup (example_value);
  field->annotation.queryable = queryable;

  return field;
}

static gboolean
is_identifier (const char *name)
{
  if (!(g_ascii_isalpha (*name) || *name == '_'))
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!(g_ascii_isalnum (*p) || *p == '_'))
      return FALSE;
  return TRUE;
}

static gboolean
check_field_spec (const TileboxFieldSpec *spec,
                  TileboxDatasetKind      kind,
                  GHashTable             *seen,
                  GError                **error)
{
  g_autofree char *enum_name = NULL;

  if (*spec->name == '\0')
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                   _("A field has an empty name: give every field a name"));
      return FALSE;
    }
  if (!is_identifier (spec->name))
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                   _("Invalid field name “%s”: use ASCII letters, digits and underscores, "
                     "starting with a letter or an underscore"),
                   spec->name);
      return FALSE;
    }
  for (guint i = 0; i < n_required_fields (kind); i++)
    if (g_str_equal (spec->name, required_fields[i].name))
      {
        g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                     kind == TILEBOX_DATASET_KIND_SPATIOTEMPORAL
                       ? _("The field name “%s” is reserved: every spatiotemporal dataset has "
                           "this field already; leave it out or choose another name")
                       : _("The field name “%s” is reserved: every temporal dataset has "
                           "this field already; leave it out or choose another name"),
                     spec->name);
        return FALSE;
      }
  if (g_hash_table_contains (seen, spec->name))
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                   _("The field “%s” is given twice: field names must be unique"),
                   spec->name);
      return FALSE;
    }
  g_hash_table_add (seen, spec->name);

  if (spec->type == TILEBOX_FIELD_TYPE_ENUM)
    {
      enum_name = _tilebox_columns_well_known_enum_full_name (spec->type_name);
      if (enum_name == NULL)
        {
          g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                       _("The field “%s” has the unknown enumeration “%s”: use one of "
                         "ProcessingLevel, FlightDirection, ObservationDirection, "
                         "Polarization, AcquisitionMode or OpendataProvider"),
                       spec->name, spec->type_name);
          return FALSE;
        }
    }

  return TRUE;
}

gboolean
_tilebox_field_specs_to_dataset_type (TileboxDatasetKind       kind,
                                      TileboxFieldSpec *const *fields,
                                      gsize                    n_fields,
                                      TileboxPbDatasetType    *type,
                                      GError                 **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) pb_fields = NULL;
  guint n_required;

  if (kind != TILEBOX_DATASET_KIND_TEMPORAL && kind != TILEBOX_DATASET_KIND_SPATIOTEMPORAL)
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                   _("Unknown dataset kind %d: a dataset is temporal or spatiotemporal"),
                   (int) kind);
      return FALSE;
    }

  for (gsize i = 0; i < n_fields; i++)
    if (!check_field_spec (fields[i], kind, seen, error))
      return FALSE;

  n_required = n_required_fields (kind);
  pb_fields = g_ptr_array_new_full (n_required + (guint) n_fields, _tilebox_pb_field_free);
  for (guint i = 0; i < n_required; i++)
    g_ptr_array_add (pb_fields, field_new (required_fields[i].name, i + 1, TILEBOX_DESC_TYPE_MESSAGE,
                                           required_fields[i].type_name, FALSE,
                                           required_fields[i].description, NULL, FALSE));
  for (gsize i = 0; i < n_fields; i++)
    {
      const TileboxFieldSpec *spec = fields[i];
      TileboxDescType desc_type = TILEBOX_DESC_TYPE_ENUM;
      const char *type_name = spec->type_name;

      if (spec->type != TILEBOX_FIELD_TYPE_ENUM)
        field_type_to_desc (spec->type, &desc_type, &type_name);
      g_ptr_array_add (pb_fields, field_new (spec->name, n_required + (guint) i + 1, desc_type, type_name,
                                             spec->repeated, spec->description,
                                             spec->example_value, spec->queryable));
    }

  type->kind = kind;
  type->fields = g_steal_pointer (&pb_fields);

  return TRUE;
}
