/* tilebox-schema.c
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tilebox-enum-types.h"
#include "tilebox-error.h"
#include "tilebox-columns-private.h"
#include "tilebox-schema-private.h"

/**
 * TileboxField:
 *
 * One field of a dataset's datapoints: its name, type, whether it repeats,
 * and the dataset's documentation of it.
 */
struct _TileboxField
{
  GObject parent_instance;

  char *name;
  guint number;
  TileboxFieldType field_type;
  char *type_name;
  gboolean repeated;
  char *description;
  char *example_value;
  gboolean queryable;
};

enum {
  FIELD_PROP_0,
  FIELD_PROP_NAME,
  FIELD_PROP_NUMBER,
  FIELD_PROP_FIELD_TYPE,
  FIELD_PROP_TYPE_NAME,
  FIELD_PROP_REPEATED,
  FIELD_PROP_DESCRIPTION,
  FIELD_PROP_EXAMPLE_VALUE,
  FIELD_PROP_QUERYABLE,
  FIELD_N_PROPS
};

static GParamSpec *field_properties[FIELD_N_PROPS];

G_DEFINE_FINAL_TYPE (TileboxField, tilebox_field, G_TYPE_OBJECT)

static void
tilebox_field_finalize (GObject *object)
{
  TileboxField *self = TILEBOX_FIELD (object);

  g_free (self->name);
  g_free (self->type_name);
  g_free (self->description);
  g_free (self->example_value);

  G_OBJECT_CLASS (tilebox_field_parent_class)->finalize (object);
}

static void
tilebox_field_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  TileboxField *self = TILEBOX_FIELD (object);

  switch (prop_id)
    {
    case FIELD_PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case FIELD_PROP_NUMBER:
      g_value_set_uint (value, self->number);
      break;
    case FIELD_PROP_FIELD_TYPE:
      g_value_set_enum (value, self->field_type);
      break;
    case FIELD_PROP_TYPE_NAME:
      g_value_set_string (value, self->type_name);
      break;
    case FIELD_PROP_REPEATED:
      g_value_set_boolean (value, self->repeated);
      break;
    case FIELD_PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;
    case FIELD_PROP_EXAMPLE_VALUE:
      g_value_set_string (value, self->example_value);
      break;
    case FIELD_PROP_QUERYABLE:
      g_value_set_boolean (value, self->queryable);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tilebox_field_class_init (TileboxFieldClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tilebox_field_finalize;
  object_class->get_property = tilebox_field_get_property;

  /**
   * TileboxField:name:
   *
   * The field's name, such as `cloud_cover`.
   */
  field_properties[FIELD_PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * TileboxField:number:
   *
   * The field's number in the datapoint messages.
   */
  field_properties[FIELD_PROP_NUMBER] =
    g_param_spec_uint ("number", NULL, NULL, 0, G_MAXUINT, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * TileboxField:field-type:
   *
   * The field's type.
   */
  field_properties[FIELD_PROP_FIELD_TYPE] =
    g_param_spec_enum ("field-type", NULL, NULL, TILEBOX_TYPE_FIELD_TYPE, TILEBOX_FIELD_TYPE_UNKNOWN,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * TileboxField:type-name:
   *
   * The full protobuf name of an enumeration or message type, such as
   * `datasets.v1.ProcessingLevel`; %NULL for scalar types.
   */
  field_properties[FIELD_PROP_TYPE_NAME] =
    g_param_spec_string ("type-name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * TileboxField:repeated:
   *
   * Whether the field holds a list of values.
   */
  field_properties[FIELD_PROP_REPEATED] =
    g_param_spec_boolean ("repeated", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * TileboxField:description:
   *
   * The dataset's description of the field, possibly empty.
   */
  field_properties[FIELD_PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * TileboxField:example-value:
   *
   * An example value of the field as text, possibly empty.
   */
  field_properties[FIELD_PROP_EXAMPLE_VALUE] =
    g_param_spec_string ("example-value", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * TileboxField:queryable:
   *
   * Whether queries may filter on the field.
   */
  field_properties[FIELD_PROP_QUERYABLE] =
    g_param_spec_boolean ("queryable", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, FIELD_N_PROPS, field_properties);
}

static void
tilebox_field_init (TileboxField *self)
{
}

/**
 * tilebox_field_get_name:
 * @self: a field
 *
 * The field's name.
 *
 * Returns: (transfer none): the name
 */
const char *
tilebox_field_get_name (TileboxField *self)
{
  g_return_val_if_fail (TILEBOX_IS_FIELD (self), NULL);
  return self->name;
}

/**
 * tilebox_field_get_number:
 * @self: a field
 *
 * The field's number in the datapoint messages.
 *
 * Returns: the number
 */
guint
tilebox_field_get_number (TileboxField *self)
{
  g_return_val_if_fail (TILEBOX_IS_FIELD (self), 0);
  return self->number;
}

/**
 * tilebox_field_get_field_type:
 * @self: a field
 *
 * The field's type.
 *
 * Returns: the type
 */
TileboxFieldType
tilebox_field_get_field_type (TileboxField *self)
{
  g_return_val_if_fail (TILEBOX_IS_FIELD (self), TILEBOX_FIELD_TYPE_UNKNOWN);
  return self->field_type;
}

/**
 * tilebox_field_get_type_name:
 * @self: a field
 *
 * The full protobuf name of the field's enumeration or message type.
 *
 * Returns: (transfer none) (nullable): the name, or %NULL for a scalar field
 */
const char *
tilebox_field_get_type_name (TileboxField *self)
{
  g_return_val_if_fail (TILEBOX_IS_FIELD (self), NULL);
  return self->type_name;
}

/**
 * tilebox_field_get_repeated:
 * @self: a field
 *
 * Whether the field holds a list of values.
 *
 * Returns: %TRUE for a repeated field
 */
gboolean
tilebox_field_get_repeated (TileboxField *self)
{
  g_return_val_if_fail (TILEBOX_IS_FIELD (self), FALSE);
  return self->repeated;
}

/**
 * tilebox_field_get_description:
 * @self: a field
 *
 * The dataset's description of the field.
 *
 * Returns: (transfer none): the description, possibly empty
 */
const char *
tilebox_field_get_description (TileboxField *self)
{
  g_return_val_if_fail (TILEBOX_IS_FIELD (self), NULL);
  return self->description;
}

/**
 * tilebox_field_get_example_value:
 * @self: a field
 *
 * An example value of the field, as text.
 *
 * Returns: (transfer none): the example, possibly empty
 */
const char *
tilebox_field_get_example_value (TileboxField *self)
{
  g_return_val_if_fail (TILEBOX_IS_FIELD (self), NULL);
  return self->example_value;
}

/**
 * tilebox_field_get_queryable:
 * @self: a field
 *
 * Whether queries may filter on the field.
 *
 * Returns: %TRUE if the field is queryable
 */
gboolean
tilebox_field_get_queryable (TileboxField *self)
{
  g_return_val_if_fail (TILEBOX_IS_FIELD (self), FALSE);
  return self->queryable;
}

/* --- schema ---------------------------------------------------------------- */

/**
 * TileboxSchema:
 *
 * The type of a dataset's datapoints: the list of its fields.
 *
 * A schema is a [iface@Gio.ListModel] of [class@Tilebox.Field], so a GTK
 * list can show it directly.
 */
struct _TileboxSchema
{
  GObject parent_instance;

  char *type_url;
  GPtrArray *fields;
  TileboxDescPool *pool;
  const TileboxDescMessage *message;
};

enum {
  SCHEMA_PROP_0,
  SCHEMA_PROP_TYPE_URL,
  SCHEMA_PROP_N_ITEMS,
  SCHEMA_N_PROPS
};

static GParamSpec *schema_properties[SCHEMA_N_PROPS];

static GType
tilebox_schema_get_item_type (GListModel *model)
{
  return TILEBOX_TYPE_FIELD;
}

static guint
tilebox_schema_get_n_items (GListModel *model)
{
  return TILEBOX_SCHEMA (model)->fields->len;
}

static gpointer
tilebox_schema_get_item (GListModel *model,
                         guint       position)
{
  TileboxSchema *self = TILEBOX_SCHEMA (model);

  if (position >= self->fields->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->fields, position));
}

static void
tilebox_schema_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = tilebox_schema_get_item_type;
  iface->get_n_items = tilebox_schema_get_n_items;
  iface->get_item = tilebox_schema_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (TileboxSchema, tilebox_schema, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, tilebox_schema_list_model_init))

static void
tilebox_schema_finalize (GObject *object)
{
  TileboxSchema *self = TILEBOX_SCHEMA (object);

  g_free (self->type_url);
  g_ptr_array_unref (self->fields);
  g_clear_pointer (&self->pool, _tilebox_desc_pool_unref);

  G_OBJECT_CLASS (tilebox_schema_parent_class)->finalize (object);
}

static void
tilebox_schema_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  TileboxSchema *self = TILEBOX_SCHEMA (object);

  switch (prop_id)
    {
    case SCHEMA_PROP_TYPE_URL:
      g_value_set_string (value, self->type_url);
      break;
    case SCHEMA_PROP_N_ITEMS:
      g_value_set_uint (value, self->fields->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tilebox_schema_class_init (TileboxSchemaClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tilebox_schema_finalize;
  object_class->get_property = tilebox_schema_get_property;

  /**
   * TileboxSchema:type-url:
   *
   * The full protobuf name of the datapoint message type.
   */
  schema_properties[SCHEMA_PROP_TYPE_URL] =
    g_param_spec_string ("type-url", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * TileboxSchema:n-items:
   *
   * The number of fields.
   */
  schema_properties[SCHEMA_PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, SCHEMA_N_PROPS, schema_properties);
}

static void
tilebox_schema_init (TileboxSchema *self)
{
  self->fields = g_ptr_array_new_with_free_func (g_object_unref);
}

static TileboxFieldType
field_type_from_desc (const TileboxDescField *desc)
{
  static const struct {
    const char *name;
    TileboxFieldType type;
  } well_known[] = {
    { "google.protobuf.Timestamp", TILEBOX_FIELD_TYPE_TIMESTAMP },
    { "google.protobuf.Duration", TILEBOX_FIELD_TYPE_DURATION },
    { "datasets.v1.UUID", TILEBOX_FIELD_TYPE_UUID },
    { "tilebox.v1.ID", TILEBOX_FIELD_TYPE_UUID },
    { "datasets.v1.Geometry", TILEBOX_FIELD_TYPE_GEOMETRY },
    { "datasets.v1.Vec3", TILEBOX_FIELD_TYPE_VEC3 },
    { "datasets.v1.Quaternion", TILEBOX_FIELD_TYPE_QUATERNION },
    { "datasets.v1.LatLon", TILEBOX_FIELD_TYPE_LATLON },
    { "datasets.v1.LatLonAlt", TILEBOX_FIELD_TYPE_LATLONALT },
  };

  switch (desc->type)
    {
    case TILEBOX_DESC_TYPE_DOUBLE:
      return TILEBOX_FIELD_TYPE_DOUBLE;
    case TILEBOX_DESC_TYPE_FLOAT:
      return TILEBOX_FIELD_TYPE_FLOAT;
    case TILEBOX_DESC_TYPE_INT64:
    case TILEBOX_DESC_TYPE_SINT64:
    case TILEBOX_DESC_TYPE_SFIXED64:
      return TILEBOX_FIELD_TYPE_INT64;
    case TILEBOX_DESC_TYPE_UINT64:
    case TILEBOX_DESC_TYPE_FIXED64:
      return TILEBOX_FIELD_TYPE_UINT64;
    case TILEBOX_DESC_TYPE_INT32:
    case TILEBOX_DESC_TYPE_SINT32:
    case TILEBOX_DESC_TYPE_SFIXED32:
      return TILEBOX_FIELD_TYPE_INT32;
    case TILEBOX_DESC_TYPE_UINT32:
    case TILEBOX_DESC_TYPE_FIXED32:
      return TILEBOX_FIELD_TYPE_UINT32;
    case TILEBOX_DESC_TYPE_BOOL:
      return TILEBOX_FIELD_TYPE_BOOL;
    case TILEBOX_DESC_TYPE_STRING:
      return TILEBOX_FIELD_TYPE_STRING;
    case TILEBOX_DESC_TYPE_BYTES:
      return TILEBOX_FIELD_TYPE_BYTES;
    case TILEBOX_DESC_TYPE_ENUM:
      return TILEBOX_FIELD_TYPE_ENUM;
    case TILEBOX_DESC_TYPE_MESSAGE:
      for (guint i = 0; i < G_N_ELEMENTS (well_known); i++)
        if (desc->type_name != NULL && g_str_equal (desc->type_name, well_known[i].name))
          return well_known[i].type;
      return TILEBOX_FIELD_TYPE_MESSAGE;
    case TILEBOX_DESC_TYPE_GROUP:
    default:
      return TILEBOX_FIELD_TYPE_UNKNOWN;
    }
}

static const char *
nonnull (const char *s)
{
  return s ? s : "";
}

TileboxSchema *
_tilebox_schema_new_from_pb (const TileboxPbAnnotatedType  *type,
                             GError                       **error)
{
  g_autoptr(TileboxSchema) self = g_object_new (TILEBOX_TYPE_SCHEMA, NULL);
  gsize len = 0;
  const guint8 *data = type->descriptor_set ? g_bytes_get_data (type->descriptor_set, &len) : NULL;

  self->type_url = g_strdup (nonnull (type->type_url));
  self->pool = _tilebox_desc_pool_new ();

  /* A dataset without any type yet has no fields; that is not an error. */
  if (len == 0 && *self->type_url == '\0')
    return g_steal_pointer (&self);

  if (!_tilebox_desc_pool_add_file_set (self->pool, data, len, error) ||
      !_tilebox_columns_add_well_known_types (self->pool, error))
    return NULL;

  self->message = _tilebox_desc_pool_lookup_message (self->pool, self->type_url);
  if (self->message == NULL)
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL,
                   _("The dataset type names the message “%s”, which its descriptors do not define"),
                   self->type_url);
      return NULL;
    }

  for (guint i = 0; i < self->message->fields->len; i++)
    {
      const TileboxDescField *desc = g_ptr_array_index (self->message->fields, i);
      /* Annotations correspond to the fields by index. */
      const TileboxPbFieldAnnotation *annotation =
        type->field_annotations != NULL && i < type->field_annotations->len
          ? g_ptr_array_index (type->field_annotations, i) : NULL;
      TileboxField *field = g_object_new (TILEBOX_TYPE_FIELD, NULL);

      field->name = g_strdup (desc->name);
      field->number = (guint) desc->number;
      field->field_type = field_type_from_desc (desc);
      field->type_name = g_strdup (desc->type_name);
      field->repeated = desc->label == TILEBOX_DESC_LABEL_REPEATED;
      field->description = g_strdup (annotation ? nonnull (annotation->description) : "");
      field->example_value = g_strdup (annotation ? nonnull (annotation->example_value) : "");
      field->queryable = annotation ? annotation->queryable : FALSE;
      g_ptr_array_add (self->fields, field);
    }

  return g_steal_pointer (&self);
}

TileboxDescPool *
_tilebox_schema_get_pool (TileboxSchema *self)
{
  return self->pool;
}

/* NULL for a dataset without a type. */
const TileboxDescMessage *
_tilebox_schema_get_message (TileboxSchema *self)
{
  return self->message;
}

/**
 * tilebox_schema_get_type_url:
 * @self: a schema
 *
 * The full protobuf name of the datapoint message type.
 *
 * Returns: (transfer none): the type name
 */
const char *
tilebox_schema_get_type_url (TileboxSchema *self)
{
  g_return_val_if_fail (TILEBOX_IS_SCHEMA (self), NULL);
  return self->type_url;
}

/**
 * tilebox_schema_get_n_fields:
 * @self: a schema
 *
 * The number of fields.
 *
 * Returns: the number of fields
 */
guint
tilebox_schema_get_n_fields (TileboxSchema *self)
{
  g_return_val_if_fail (TILEBOX_IS_SCHEMA (self), 0);
  return self->fields->len;
}

/**
 * tilebox_schema_get_field:
 * @self: a schema
 * @index: the position of the field, from 0
 *
 * The field at @index, in the order the dataset declares them.
 *
 * Returns: (transfer none) (nullable): the field, or %NULL past the end
 */
TileboxField *
tilebox_schema_get_field (TileboxSchema *self,
                          guint          index)
{
  g_return_val_if_fail (TILEBOX_IS_SCHEMA (self), NULL);

  if (index >= self->fields->len)
    return NULL;
  return g_ptr_array_index (self->fields, index);
}

/**
 * tilebox_schema_lookup_field:
 * @self: a schema
 * @name: a field name
 *
 * Finds a field by name.
 *
 * Returns: (transfer none) (nullable): the field, or %NULL if there is none
 *   of that name
 */
TileboxField *
tilebox_schema_lookup_field (TileboxSchema *self,
                             const char    *name)
{
  g_return_val_if_fail (TILEBOX_IS_SCHEMA (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < self->fields->len; i++)
    {
      TileboxField *field = g_ptr_array_index (self->fields, i);

      if (g_str_equal (field->name, name))
        return field;
    }
  return NULL;
}

/**
 * tilebox_schema_get_fields:
 * @self: a schema
 *
 * All fields, in the order the dataset declares them.
 *
 * Returns: (transfer container) (element-type TileboxField): the fields
 */
GPtrArray *
tilebox_schema_get_fields (TileboxSchema *self)
{
  GPtrArray *fields;

  g_return_val_if_fail (TILEBOX_IS_SCHEMA (self), NULL);

  fields = g_ptr_array_new_full (self->fields->len, g_object_unref);
  for (guint i = 0; i < self->fields->len; i++)
    g_ptr_array_add (fields, g_object_ref (g_ptr_array_index (self->fields, i)));
  return fields;
}
