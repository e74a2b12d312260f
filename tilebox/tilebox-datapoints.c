/* tilebox-datapoints.c
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "tilebox-datapoints-private.h"
#include "tilebox-geometry-private.h"
#include "tilebox-util-private.h"

/* --- values of one element, shared by both classes ------------------------ */

/* The enum value name without its type's prefix (L1C); NULL for an
 * unknown number. */
static const char *
enum_short_name (const TileboxColumn *column,
                 gint32               number)
{
  const char *name = column->enum_desc ? _tilebox_desc_enum_value_name (column->enum_desc, number) : NULL;

  return name != NULL ? _tilebox_desc_enum_short_name (column->enum_desc, name) : NULL;
}

static const char *
element_type_string (const TileboxColumn *column,
                     gboolean             enum_names)
{
  switch (column->kind)
    {
    case TILEBOX_COLUMN_DOUBLE:
    case TILEBOX_COLUMN_FLOAT:
      return "d";
    case TILEBOX_COLUMN_INT32:
      return "i";
    case TILEBOX_COLUMN_ENUM:
      return enum_names ? "s" : "i";
    case TILEBOX_COLUMN_INT64:
    case TILEBOX_COLUMN_TIMESTAMP:
    case TILEBOX_COLUMN_DURATION:
      return "x";
    case TILEBOX_COLUMN_UINT32:
      return "u";
    case TILEBOX_COLUMN_UINT64:
      return "t";
    case TILEBOX_COLUMN_BOOL:
      return "b";
    case TILEBOX_COLUMN_STRING:
    case TILEBOX_COLUMN_UUID:
      return "s";
    case TILEBOX_COLUMN_BYTES:
    case TILEBOX_COLUMN_GEOMETRY:
      return "ay";
    case TILEBOX_COLUMN_VEC3:
    case TILEBOX_COLUMN_LATLONALT:
      return "(ddd)";
    case TILEBOX_COLUMN_QUATERNION:
      return "(dddd)";
    case TILEBOX_COLUMN_LATLON:
      return "(dd)";
    default:
      g_assert_not_reached ();
    }
}

static GVariant *
element_to_variant (const TileboxColumn *column,
                    guint64              index,
                    gboolean             enum_names)
{
  const guint8 *p = NULL;
  gsize len = 0;

  switch (column->kind)
    {
    case TILEBOX_COLUMN_STRING:
    case TILEBOX_COLUMN_BYTES:
    case TILEBOX_COLUMN_GEOMETRY:
      p = _tilebox_column_bytes (column, index, &len);
      break;
    default:
      p = _tilebox_column_element (column, index);
    }

  switch (column->kind)
    {
    case TILEBOX_COLUMN_DOUBLE:
      {
        double v;
        memcpy (&v, p, sizeof v);
        return g_variant_new_double (v);
      }
    case TILEBOX_COLUMN_FLOAT:
      {
        float v;
        memcpy (&v, p, sizeof v);
        return g_variant_new_double (v);
      }
    case TILEBOX_COLUMN_INT32:
    case TILEBOX_COLUMN_ENUM:
      {
        gint32 v;
        memcpy (&v, p, sizeof v);
        if (column->kind == TILEBOX_COLUMN_ENUM && enum_names)
          {
            const char *name = enum_short_name (column, v);

            return name ? g_variant_new_string (name) : g_variant_new_take_string (g_strdup_printf ("%d", v));
          }
        return g_variant_new_int32 (v);
      }
    case TILEBOX_COLUMN_INT64:
    case TILEBOX_COLUMN_TIMESTAMP:
    case TILEBOX_COLUMN_DURATION:
      {
        gint64 v;
        memcpy (&v, p, sizeof v);
        return g_variant_new_int64 (v);
      }
    case TILEBOX_COLUMN_UINT32:
      {
        guint32 v;
        memcpy (&v, p, sizeof v);
        return g_variant_new_uint32 (v);
      }
    case TILEBOX_COLUMN_UINT64:
      {
        guint64 v;
        memcpy (&v, p, sizeof v);
        return g_variant_new_uint64 (v);
      }
    case TILEBOX_COLUMN_BOOL:
      return g_variant_new_boolean (*p != 0);
    case TILEBOX_COLUMN_STRING:
      return g_variant_new_take_string (g_strndup ((const char *) p, len));
    case TILEBOX_COLUMN_BYTES:
    case TILEBOX_COLUMN_GEOMETRY:
      return g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, p, len, 1);
    case TILEBOX_COLUMN_UUID:
      return g_variant_new_take_string (_tilebox_uuid_to_string (p));
    case TILEBOX_COLUMN_VEC3:
    case TILEBOX_COLUMN_LATLONALT:
      {
        double v[3];
        memcpy (v, p, sizeof v);
        return g_variant_new ("(ddd)", v[0], v[1], v[2]);
      }
    case TILEBOX_COLUMN_QUATERNION:
      {
        double v[4];
        memcpy (v, p, sizeof v);
        return g_variant_new ("(dddd)", v[0], v[1], v[2], v[3]);
      }
    case TILEBOX_COLUMN_LATLON:
      {
        double v[2];
        memcpy (v, p, sizeof v);
        return g_variant_new ("(dd)", v[0], v[1]);
      }
    default:
      g_assert_not_reached ();
    }
}

static gboolean
row_present (const TileboxColumn *column,
             guint                row)
{
  return column->present->data[row] != 0;
}

/* A row's value: one element, or an array of them for a repeated field;
 * NULL when absent. */
static GVariant *
row_to_variant (const TileboxColumn *column,
                guint                row,
                gboolean             enum_names)
{
  guint64 start, end;
  GVariantBuilder builder;
  g_autofree char *type = NULL;

  if (!row_present (column, row))
    return NULL;

  _tilebox_column_row_range (column, row, &start, &end);
  if (!column->repeated)
    return element_to_variant (column, start, enum_names);

  type = g_strconcat ("a", element_type_string (column, enum_names), NULL);
  g_variant_builder_init (&builder, G_VARIANT_TYPE (type));
  for (guint64 i = start; i < end; i++)
    g_variant_builder_add_value (&builder, element_to_variant (column, i, enum_names));
  return g_variant_builder_end (&builder);
}

/* A JSON string node that takes `text`. */
static JsonNode *
json_string_take (char *text)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, text);
  g_free (text);
  return node;
}

/* RFC 3339 in UTC with as many fractional digits as needed (up to ns). */
static char *
format_timestamp_ns (gint64 ns)
{
  gint64 seconds = ns / 1000000000;
  gint64 frac = ns % 1000000000;
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *base = NULL;
  char digits[16];
  int n;

  if (frac < 0)
    {
      frac += 1000000000;
      seconds -= 1;
    }
  dt = g_date_time_new_from_unix_utc (seconds);
  if (dt == NULL)
    return g_strdup_printf ("%" G_GINT64_FORMAT, ns);
  base = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S");
  if (frac == 0)
    return g_strconcat (base, "Z", NULL);

  g_snprintf (digits, sizeof digits, "%09" G_GINT64_FORMAT, frac);
  for (n = 9; n > 0 && digits[n - 1] == '0'; n--)
    digits[n - 1] = '\0';
  return g_strdup_printf ("%s.%sZ", base, digits);
}

static JsonNode *
doubles_object (const double *v,
                const char   *const *names,
                guint         n)
{
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  for (guint i = 0; i < n; i++)
    json_object_set_double_member (object, names[i], v[i]);
  json_node_take_object (node, object);
  return node;
}

static JsonNode *
element_to_json (const TileboxColumn *column,
                 guint64              index)
{
  static const char *const xyz[] = { "x", "y", "z" };
  static const char *const quaternion[] = { "q1", "q2", "q3", "q4" };
  static const char *const latlonalt[] = { "latitude", "longitude", "altitude" };
  const guint8 *p;
  gsize len;
  JsonNode *node;

  switch (column->kind)
    {
    case TILEBOX_COLUMN_TIMESTAMP:
      {
        gint64 v;

        memcpy (&v, _tilebox_column_element (column, index), sizeof v);
        return json_string_take (format_timestamp_ns (v));
      }
    case TILEBOX_COLUMN_GEOMETRY:
      {
        g_autoptr(GError) error = NULL;

        p = _tilebox_column_bytes (column, index, &len);
        node = _tilebox_wkb_to_geojson (p, len, NULL, &error);
        if (node != NULL)
          return node;
        /* Not WKB we understand: keep the bytes rather than lose them. */
        return json_string_take (g_base64_encode (p, len));
      }
    case TILEBOX_COLUMN_BYTES:
      p = _tilebox_column_bytes (column, index, &len);
      return json_string_take (g_base64_encode (p, len));
    case TILEBOX_COLUMN_VEC3:
    case TILEBOX_COLUMN_LATLONALT:
    case TILEBOX_COLUMN_QUATERNION:
    case TILEBOX_COLUMN_LATLON:
      {
        double v[4];
        guint n = column->element_size / sizeof (double);

        memcpy (v, _tilebox_column_element (column, index), n * sizeof (double));
        if (column->kind == TILEBOX_COLUMN_VEC3)
          return doubles_object (v, xyz, 3);
        if (column->kind == TILEBOX_COLUMN_QUATERNION)
          return doubles_object (v, quaternion, 4);
        return doubles_object (v, latlonalt, n);
      }
    default:
      {
        g_autoptr(GVariant) value = g_variant_ref_sink (element_to_variant (column, index, TRUE));

        if (g_variant_is_of_type (value, G_VARIANT_TYPE_UINT64))
          {
            /* JSON-GLib integers are signed: large values as text. */
            guint64 v = g_variant_get_uint64 (value);

            if (v > G_MAXINT64)
              return json_string_take (g_strdup_printf ("%" G_GUINT64_FORMAT, v));
            node = json_node_new (JSON_NODE_VALUE);
            json_node_set_int (node, (gint64) v);
            return node;
          }
        return json_gvariant_serialize (value);
      }
    }
}

static JsonNode *
row_to_json (const TileboxColumn *column,
             guint                row)
{
  guint64 start, end;
  JsonArray *array;
  JsonNode *node;

  _tilebox_column_row_range (column, row, &start, &end);
  if (!column->repeated)
    return element_to_json (column, start);

  array = json_array_sized_new (end - start);
  for (guint64 i = start; i < end; i++)
    json_array_add_element (array, element_to_json (column, i));
  node = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (node, array);
  return node;
}

static JsonObject *
row_to_json_object (TileboxColumns *columns,
                    guint           row)
{
  JsonObject *object = json_object_new ();

  for (guint i = 0; i < columns->columns->len; i++)
    {
      const TileboxColumn *column = g_ptr_array_index (columns->columns, i);

      if (row_present (column, row))
        json_object_set_member (object, column->field->name, row_to_json (column, row));
    }
  return object;
}

/* --- TileboxDatapoints ------------------------------------------------------ */

/**
 * TileboxDatapoints:
 *
 * Datapoints loaded by a query, held in columns: one typed array per field.
 *
 * The datapoints are a [iface@Gio.ListModel] of [class@Tilebox.Datapoint]
 * items, made on demand, so a GTK list view can show them directly. For
 * analysis, a field's values come as one array,
 * [method@Tilebox.Datapoints.get_column], with which rows hold the field
 * in [method@Tilebox.Datapoints.get_presence]: a field missing from a
 * datapoint is told apart from a zero.
 *
 * Rows are in id order, which is time order.
 */
struct _TileboxDatapoints
{
  GObject parent_instance;

  TileboxSchema *schema;
  TileboxColumns *columns;
};

enum {
  DATAPOINTS_PROP_0,
  DATAPOINTS_PROP_SCHEMA,
  DATAPOINTS_PROP_N_ITEMS,
  DATAPOINTS_N_PROPS
};

static GParamSpec *datapoints_properties[DATAPOINTS_N_PROPS];

static GType
tilebox_datapoints_get_item_type (GListModel *model)
{
  return TILEBOX_TYPE_DATAPOINT;
}

static guint
tilebox_datapoints_get_n_items (GListModel *model)
{
  return TILEBOX_DATAPOINTS (model)->columns->n_rows;
}

static gpointer
tilebox_datapoints_get_item (GListModel *model,
                             guint       position)
{
  return tilebox_datapoints_get_datapoint (TILEBOX_DATAPOINTS (model), position);
}

static void
tilebox_datapoints_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = tilebox_datapoints_get_item_type;
  iface->get_n_items = tilebox_datapoints_get_n_items;
  iface->get_item = tilebox_datapoints_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (TileboxDatapoints, tilebox_datapoints, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, tilebox_datapoints_list_model_init))

static void
tilebox_datapoints_finalize (GObject *object)
{
  TileboxDatapoints *self = TILEBOX_DATAPOINTS (object);

  g_clear_object (&self->schema);
  g_clear_pointer (&self->columns, _tilebox_columns_unref);

  G_OBJECT_CLASS (tilebox_datapoints_parent_class)->finalize (object);
}

static void
tilebox_datapoints_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  TileboxDatapoints *self = TILEBOX_DATAPOINTS (object);

  switch (prop_id)
    {
    case DATAPOINTS_PROP_SCHEMA:
      g_value_set_object (value, self->schema);
      break;
    case DATAPOINTS_PROP_N_ITEMS:
      g_value_set_uint (value, self->columns->n_rows);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tilebox_datapoints_class_init (TileboxDatapointsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tilebox_datapoints_finalize;
  object_class->get_property = tilebox_datapoints_get_property;

  /**
   * TileboxDatapoints:schema:
   *
   * The type of the datapoints.
   */
  datapoints_properties[DATAPOINTS_PROP_SCHEMA] =
    g_param_spec_object ("schema", NULL, NULL, TILEBOX_TYPE_SCHEMA,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * TileboxDatapoints:n-items:
   *
   * The number of datapoints.
   */
  datapoints_properties[DATAPOINTS_PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, DATAPOINTS_N_PROPS, datapoints_properties);
}

static void
tilebox_datapoints_init (TileboxDatapoints *self)
{
}

TileboxDatapoints *
_tilebox_datapoints_new (TileboxSchema  *schema,
                         TileboxColumns *columns)
{
  TileboxDatapoints *self = g_object_new (TILEBOX_TYPE_DATAPOINTS, NULL);

  self->schema = g_object_ref (schema);
  self->columns = _tilebox_columns_ref (columns);

  return self;
}

TileboxColumns *
_tilebox_datapoints_get_columns (TileboxDatapoints *self)
{
  return self->columns;
}

/**
 * tilebox_datapoints_get_n_rows:
 * @self: datapoints
 *
 * The number of datapoints.
 *
 * Returns: the number of rows
 */
guint
tilebox_datapoints_get_n_rows (TileboxDatapoints *self)
{
  g_return_val_if_fail (TILEBOX_IS_DATAPOINTS (self), 0);
  return self->columns->n_rows;
}

/**
 * tilebox_datapoints_get_schema:
 * @self: datapoints
 *
 * The type of the datapoints.
 *
 * Returns: (transfer none): the schema
 */
TileboxSchema *
tilebox_datapoints_get_schema (TileboxDatapoints *self)
{
  g_return_val_if_fail (TILEBOX_IS_DATAPOINTS (self), NULL);
  return self->schema;
}

static TileboxDatapoint *datapoint_new (TileboxDatapoints *datapoints,
                                        guint              index);

/**
 * tilebox_datapoints_get_datapoint:
 * @self: datapoints
 * @index: a row, from 0
 *
 * The datapoint in row @index, as a light object made on demand.
 *
 * Returns: (transfer full) (nullable): the datapoint, or %NULL past the end
 */
TileboxDatapoint *
tilebox_datapoints_get_datapoint (TileboxDatapoints *self,
                                  guint              index)
{
  g_return_val_if_fail (TILEBOX_IS_DATAPOINTS (self), NULL);

  if (index >= self->columns->n_rows)
    return NULL;
  return datapoint_new (self, index);
}

/**
 * tilebox_datapoints_get_ids:
 * @self: datapoints
 *
 * The ids of all datapoints, in row order.
 *
 * Returns: (transfer full) (array zero-terminated=1): the ids
 */
char **
tilebox_datapoints_get_ids (TileboxDatapoints *self)
{
  const TileboxColumn *ids;
  GStrvBuilder *builder;
  char **result;

  g_return_val_if_fail (TILEBOX_IS_DATAPOINTS (self), NULL);

  builder = g_strv_builder_new ();
  ids = _tilebox_columns_lookup (self->columns, "id");
  for (guint row = 0; ids != NULL && ids->kind == TILEBOX_COLUMN_UUID && row < self->columns->n_rows; row++)
    {
      g_autofree char *id = _tilebox_uuid_to_string (_tilebox_column_element (ids, row));

      g_strv_builder_add (builder, id);
    }
  result = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);

  return result;
}

/**
 * tilebox_datapoints_get_column:
 * @self: datapoints
 * @name: a field name
 *
 * All values of the field @name, one per row, as a typed array: `ad` for
 * floating point fields, `ai`, `ax`, `au`, `at` for integers, `ab`, `as`
 * for text and UUIDs, `aay` for bytes and geometries (WKB), `ax` for times
 * and durations (nanoseconds since the epoch, or long), `ai` for enum
 * numbers, and tuples of doubles for vectors, quaternions and coordinates.
 * A repeated field gives an array of arrays. Rows without the field hold a
 * zero (or empty) value: see [method@Tilebox.Datapoints.get_presence].
 *
 * Returns: (transfer full) (nullable): the column, or %NULL if the
 *   datapoints have no such field
 */
GVariant *
tilebox_datapoints_get_column (TileboxDatapoints *self,
                               const char        *name)
{
  const TileboxColumn *column;
  GVariantBuilder builder;
  g_autofree char *type = NULL;

  g_return_val_if_fail (TILEBOX_IS_DATAPOINTS (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  column = _tilebox_columns_lookup (self->columns, name);
  if (column == NULL)
    return NULL;

  type = g_strconcat (column->repeated ? "aa" : "a", element_type_string (column, FALSE), NULL);
  g_variant_builder_init (&builder, G_VARIANT_TYPE (type));
  for (guint row = 0; row < self->columns->n_rows; row++)
    {
      guint64 start, end;

      _tilebox_column_row_range (column, row, &start, &end);
      if (!column->repeated)
        {
          g_variant_builder_add_value (&builder, element_to_variant (column, start, FALSE));
          continue;
        }
      g_variant_builder_open (&builder, G_VARIANT_TYPE (type + 1));
      for (guint64 i = start; i < end; i++)
        g_variant_builder_add_value (&builder, element_to_variant (column, i, FALSE));
      g_variant_builder_close (&builder);
    }

  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

/**
 * tilebox_datapoints_get_presence:
 * @self: datapoints
 * @name: a field name
 *
 * Which rows hold the field @name, as an `ab` array with one boolean per
 * row. A field with explicit presence (as all fields of the service's
 * current datasets have) is present even when its value is zero.
 *
 * Returns: (transfer full) (nullable): the presence mask, or %NULL if the
 *   datapoints have no such field
 */
GVariant *
tilebox_datapoints_get_presence (TileboxDatapoints *self,
                                 const char        *name)
{
  const TileboxColumn *column;
  GVariantBuilder builder;

  g_return_val_if_fail (TILEBOX_IS_DATAPOINTS (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  column = _tilebox_columns_lookup (self->columns, name);
  if (column == NULL)
    return NULL;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("ab"));
  for (guint row = 0; row < self->columns->n_rows; row++)
    g_variant_builder_add (&builder, "b", row_present (column, row));
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

/**
 * tilebox_datapoints_to_json:
 * @self: datapoints
 *
 * The datapoints as a JSON array of objects, one per datapoint, in which
 * absent fields are left out, times are RFC 3339 text, ids are text,
 * geometries are GeoJSON, enums are their value names, and bytes are
 * base64 text.
 *
 * Returns: (transfer full): a JSON array
 */
JsonNode *
tilebox_datapoints_to_json (TileboxDatapoints *self)
{
  JsonArray *array;
  JsonNode *node;

  g_return_val_if_fail (TILEBOX_IS_DATAPOINTS (self), NULL);

  array = json_array_sized_new (self->columns->n_rows);
  for (guint row = 0; row < self->columns->n_rows; row++)
    json_array_add_object_element (array, row_to_json_object (self->columns, row));
  node = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (node, array);

  return node;
}

/* --- TileboxDatapoint ------------------------------------------------------- */

/**
 * TileboxDatapoint:
 *
 * One datapoint of a [class@Tilebox.Datapoints]: a row of its columns.
 *
 * Datapoint objects are light views made on demand; they keep their
 * datapoints alive.
 */
struct _TileboxDatapoint
{
  GObject parent_instance;

  TileboxDatapoints *datapoints;
  guint index;
  char *id;
  GDateTime *time;
  GDateTime *ingestion_time;
};

enum {
  DATAPOINT_PROP_0,
  DATAPOINT_PROP_ID,
  DATAPOINT_PROP_TIME,
  DATAPOINT_PROP_INGESTION_TIME,
  DATAPOINT_PROP_INDEX,
  DATAPOINT_N_PROPS
};

static GParamSpec *datapoint_properties[DATAPOINT_N_PROPS];

G_DEFINE_FINAL_TYPE (TileboxDatapoint, tilebox_datapoint, G_TYPE_OBJECT)

static void
tilebox_datapoint_finalize (GObject *object)
{
  TileboxDatapoint *self = TILEBOX_DATAPOINT (object);

  g_clear_object (&self->datapoints);
  g_free (self->id);
  g_clear_pointer (&self->time, g_date_time_unref);
  g_clear_pointer (&self->ingestion_time, g_date_time_unref);

  G_OBJECT_CLASS (tilebox_datapoint_parent_class)->finalize (object);
}

static void
tilebox_datapoint_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  TileboxDatapoint *self = TILEBOX_DATAPOINT (object);

  switch (prop_id)
    {
    case DATAPOINT_PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case DATAPOINT_PROP_TIME:
      g_value_set_boxed (value, self->time);
      break;
    case DATAPOINT_PROP_INGESTION_TIME:
      g_value_set_boxed (value, self->ingestion_time);
      break;
    case DATAPOINT_PROP_INDEX:
      g_value_set_uint (value, self->index);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tilebox_datapoint_class_init (TileboxDatapointClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = tilebox_datapoint_finalize;
  object_class->get_property = tilebox_datapoint_get_property;

  /**
   * TileboxDatapoint:id:
   *
   * The datapoint's id, a UUID whose first 48 bits are its time in
   * milliseconds.
   */
  datapoint_properties[DATAPOINT_PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);

  /**
   * TileboxDatapoint:time:
   *
   * The datapoint's time, in UTC.
   */
  datapoint_properties[DATAPOINT_PROP_TIME] =
    g_param_spec_boxed ("time", NULL, NULL, G_TYPE_DATE_TIME, flags);

  /**
   * TileboxDatapoint:ingestion-time:
   *
   * When the datapoint was ingested, in UTC.
   */
  datapoint_properties[DATAPOINT_PROP_INGESTION_TIME] =
    g_param_spec_boxed ("ingestion-time", NULL, NULL, G_TYPE_DATE_TIME, flags);

  /**
   * TileboxDatapoint:index:
   *
   * The datapoint's row in its [class@Tilebox.Datapoints].
   */
  datapoint_properties[DATAPOINT_PROP_INDEX] =
    g_param_spec_uint ("index", NULL, NULL, 0, G_MAXUINT, 0, flags);

  g_object_class_install_properties (object_class, DATAPOINT_N_PROPS, datapoint_properties);
}

static void
tilebox_datapoint_init (TileboxDatapoint *self)
{
}

static GDateTime *
timestamp_at (TileboxColumns *columns,
              const char     *name,
              guint           row)
{
  const TileboxColumn *column = _tilebox_columns_lookup (columns, name);
  gint64 ns;

  if (column == NULL || column->kind != TILEBOX_COLUMN_TIMESTAMP || column->repeated ||
      !row_present (column, row))
    return NULL;

  memcpy (&ns, _tilebox_column_element (column, row), sizeof ns);
  /* Down to GDateTime's microseconds, rounding towards the past. */
  return _tilebox_date_time_new_from_unix_usec (ns / 1000 - (ns % 1000 < 0 ? 1 : 0));
}

static TileboxDatapoint *
datapoint_new (TileboxDatapoints *datapoints,
               guint              index)
{
  TileboxDatapoint *self = g_object_new (TILEBOX_TYPE_DATAPOINT, NULL);
  const TileboxColumn *ids = _tilebox_columns_lookup (datapoints->columns, "id");

  self->datapoints = g_object_ref (datapoints);
  self->index = index;
  if (ids != NULL && ids->kind == TILEBOX_COLUMN_UUID && !ids->repeated && row_present (ids, index))
    self->id = _tilebox_uuid_to_string (_tilebox_column_element (ids, index));
  self->time = timestamp_at (datapoints->columns, "time", index);
  self->ingestion_time = timestamp_at (datapoints->columns, "ingestion_time", index);

  return self;
}

/**
 * tilebox_datapoint_get_id:
 * @self: a datapoint
 *
 * The datapoint's id.
 *
 * Returns: (transfer none) (nullable): the id as a UUID string
 */
const char *
tilebox_datapoint_get_id (TileboxDatapoint *self)
{
  g_return_val_if_fail (TILEBOX_IS_DATAPOINT (self), NULL);
  return self->id;
}

/**
 * tilebox_datapoint_get_time:
 * @self: a datapoint
 *
 * The datapoint's time, to the microsecond.
 *
 * Returns: (transfer none) (nullable): the time
 */
GDateTime *
tilebox_datapoint_get_time (TileboxDatapoint *self)
{
  g_return_val_if_fail (TILEBOX_IS_DATAPOINT (self), NULL);
  return self->time;
}

/**
 * tilebox_datapoint_get_ingestion_time:
 * @self: a datapoint
 *
 * When the datapoint was ingested, to the microsecond.
 *
 * Returns: (transfer none) (nullable): the ingestion time
 */
GDateTime *
tilebox_datapoint_get_ingestion_time (TileboxDatapoint *self)
{
  g_return_val_if_fail (TILEBOX_IS_DATAPOINT (self), NULL);
  return self->ingestion_time;
}

/**
 * tilebox_datapoint_get_datapoints:
 * @self: a datapoint
 *
 * The datapoints the datapoint is a row of.
 *
 * Returns: (transfer none): the datapoints
 */
TileboxDatapoints *
tilebox_datapoint_get_datapoints (TileboxDatapoint *self)
{
  g_return_val_if_fail (TILEBOX_IS_DATAPOINT (self), NULL);
  return self->datapoints;
}

/**
 * tilebox_datapoint_get_index:
 * @self: a datapoint
 *
 * The datapoint's row.
 *
 * Returns: the row
 */
guint
tilebox_datapoint_get_index (TileboxDatapoint *self)
{
  g_return_val_if_fail (TILEBOX_IS_DATAPOINT (self), 0);
  return self->index;
}

/**
 * tilebox_datapoint_has_field:
 * @self: a datapoint
 * @name: a field name
 *
 * Whether the datapoint holds the field @name: %FALSE for a field it was
 * stored without, even if a zero would have been its default.
 *
 * Returns: %TRUE if the field is present
 */
gboolean
tilebox_datapoint_has_field (TileboxDatapoint *self,
                             const char       *name)
{
  const TileboxColumn *column;

  g_return_val_if_fail (TILEBOX_IS_DATAPOINT (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  column = _tilebox_columns_lookup (self->datapoints->columns, name);
  return column != NULL && row_present (column, self->index);
}

/**
 * tilebox_datapoint_get_field:
 * @self: a datapoint
 * @name: a field name
 *
 * The value of the field @name. Types are those of
 * [method@Tilebox.Datapoints.get_column] for one row, except that an enum
 * is its value name without the type's prefix (such as `L1C`), or its
 * number as text when the name is not known.
 *
 * Returns: (transfer full) (nullable): the value, or %NULL when the
 *   datapoint does not hold the field
 */
GVariant *
tilebox_datapoint_get_field (TileboxDatapoint *self,
                             const char       *name)
{
  const TileboxColumn *column;
  GVariant *value;

  g_return_val_if_fail (TILEBOX_IS_DATAPOINT (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  column = _tilebox_columns_lookup (self->datapoints->columns, name);
  if (column == NULL)
    return NULL;
  value = row_to_variant (column, self->index, TRUE);
  return value ? g_variant_ref_sink (value) : NULL;
}

/**
 * tilebox_datapoint_to_variant:
 * @self: a datapoint
 *
 * All fields the datapoint holds, as an `a{sv}` dictionary of the values
 * [method@Tilebox.Datapoint.get_field] gives.
 *
 * Returns: (transfer full): the dictionary
 */
GVariant *
tilebox_datapoint_to_variant (TileboxDatapoint *self)
{
  GVariantDict dict;
  TileboxColumns *columns;

  g_return_val_if_fail (TILEBOX_IS_DATAPOINT (self), NULL);

  columns = self->datapoints->columns;
  g_variant_dict_init (&dict, NULL);
  for (guint i = 0; i < columns->columns->len; i++)
    {
      const TileboxColumn *column = g_ptr_array_index (columns->columns, i);
      GVariant *value = row_to_variant (column, self->index, TRUE);

      if (value != NULL)
        g_variant_dict_insert_value (&dict, column->field->name, value);
    }
  return g_variant_ref_sink (g_variant_dict_end (&dict));
}

/**
 * tilebox_datapoint_to_json:
 * @self: a datapoint
 *
 * The datapoint as a JSON object, as in [method@Tilebox.Datapoints.to_json].
 *
 * Returns: (transfer full): a JSON object
 */
JsonNode *
tilebox_datapoint_to_json (TileboxDatapoint *self)
{
  JsonNode *node;

  g_return_val_if_fail (TILEBOX_IS_DATAPOINT (self), NULL);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, row_to_json_object (self->datapoints->columns, self->index));
  return node;
}
