/* tilebox-dataset-group.c
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "tilebox-dataset-group-private.h"
#include "tilebox-util-private.h"

/**
 * TileboxDatasetGroup:
 *
 * A group of datasets in the service's catalogue, such as "Copernicus".
 *
 * Groups form a tree: a group's parent is another group, and groups without
 * a parent are its roots. Every [class@Tilebox.Dataset] listed by
 * [method@Tilebox.Client.list_datasets] knows its group.
 */
struct _TileboxDatasetGroup
{
  GObject parent_instance;

  char *id;
  char *parent_id;
  TileboxDatasetGroup *parent;
  char *code_name;
  char *name;
  char *icon;
};

enum {
  PROP_0,
  PROP_ID,
  PROP_PARENT_ID,
  PROP_PARENT,
  PROP_CODE_NAME,
  PROP_NAME,
  PROP_ICON,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (TileboxDatasetGroup, tilebox_dataset_group, G_TYPE_OBJECT)

static void
tilebox_dataset_group_finalize (GObject *object)
{
  TileboxDatasetGroup *self = TILEBOX_DATASET_GROUP (object);

  g_free (self->id);
  g_free (self->parent_id);
  g_clear_object (&self->parent);
  g_free (self->code_name);
  g_free (self->name);
  g_free (self->icon);

  G_OBJECT_CLASS (tilebox_dataset_group_parent_class)->finalize (object);
}

static void
tilebox_dataset_group_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  TileboxDatasetGroup *self = TILEBOX_DATASET_GROUP (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_PARENT_ID:
      g_value_set_string (value, self->parent_id);
      break;
    case PROP_PARENT:
      g_value_set_object (value, self->parent);
      break;
    case PROP_CODE_NAME:
      g_value_set_string (value, self->code_name);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_ICON:
      g_value_set_string (value, self->icon);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tilebox_dataset_group_class_init (TileboxDatasetGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tilebox_dataset_group_finalize;
  object_class->get_property = tilebox_dataset_group_get_property;

  /**
   * TileboxDatasetGroup:id:
   *
   * The group's id, a UUID.
   */
  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * TileboxDatasetGroup:parent-id:
   *
   * The id of the parent group, or %NULL for a root group.
   */
  properties[PROP_PARENT_ID] =
    g_param_spec_string ("parent-id", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * TileboxDatasetGroup:parent:
   *
   * The parent group, or %NULL for a root group (or one whose parent was
   * not listed).
   */
  properties[PROP_PARENT] =
    g_param_spec_object ("parent", NULL, NULL, TILEBOX_TYPE_DATASET_GROUP,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * TileboxDatasetGroup:code-name:
   *
   * The group's name as a code identifier, such as `copernicus`.
   */
  properties[PROP_CODE_NAME] =
    g_param_spec_string ("code-name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * TileboxDatasetGroup:name:
   *
   * The group's display name, such as `Copernicus`.
   */
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * TileboxDatasetGroup:icon:
   *
   * The group's icon name, possibly empty.
   */
  properties[PROP_ICON] =
    g_param_spec_string ("icon", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tilebox_dataset_group_init (TileboxDatasetGroup *self)
{
}

TileboxDatasetGroup *
_tilebox_dataset_group_new_from_pb (const TileboxPbDatasetGroup *pb)
{
  TileboxDatasetGroup *self = g_object_new (TILEBOX_TYPE_DATASET_GROUP, NULL);

  self->id = _tilebox_pb_id_to_string (&pb->id);
  self->parent_id = _tilebox_pb_id_to_string (&pb->parent_id);
  self->code_name = g_strdup (pb->code_name ? pb->code_name : "");
  self->name = g_strdup (pb->name ? pb->name : "");
  self->icon = g_strdup (pb->icon ? pb->icon : "");

  return self;
}

void
_tilebox_dataset_group_link_parents (GHashTable *groups)
{
  GHashTableIter iter;
  TileboxDatasetGroup *group;

  g_hash_table_iter_init (&iter, groups);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &group))
    {
      TileboxDatasetGroup *parent;

      if (group->parent_id == NULL)
        continue;
      parent = g_hash_table_lookup (groups, group->parent_id);
      /* A group naming itself as parent would make a reference cycle. */
      if (parent != NULL && parent != group)
        g_set_object (&group->parent, parent);
    }
}

/**
 * tilebox_dataset_group_get_id:
 * @self: a dataset group
 *
 * The group's id.
 *
 * Returns: (transfer none) (nullable): the id as a UUID string
 */
const char *
tilebox_dataset_group_get_id (TileboxDatasetGroup *self)
{
  g_return_val_if_fail (TILEBOX_IS_DATASET_GROUP (self), NULL);
  return self->id;
}

/**
 * tilebox_dataset_group_get_parent_id:
 * @self: a dataset group
 *
 * The parent group's id.
 *
 * Returns: (transfer none) (nullable): the id, or %NULL for a root group
 */
const char *
tilebox_dataset_group_get_parent_id (TileboxDatasetGroup *self)
{
  g_return_val_if_fail (TILEBOX_IS_DATASET_GROUP (self), NULL);
  return self->parent_id;
}

/**
 * tilebox_dataset_group_get_parent:
 * @self: a dataset group
 *
 * The parent group.
 *
 * Returns: (transfer none) (nullable): the parent, or %NULL for a root group
 */
TileboxDatasetGroup *
tilebox_dataset_group_get_parent (TileboxDatasetGroup *self)
{
  g_return_val_if_fail (TILEBOX_IS_DATASET_GROUP (self), NULL);
  return self->parent;
}

/**
 * tilebox_dataset_group_get_code_name:
 * @self: a dataset group
 *
 * The group's name as a code identifier.
 *
 * Returns: (transfer none): the code name
 */
const char *
tilebox_dataset_group_get_code_name (TileboxDatasetGroup *self)
{
  g_return_val_if_fail (TILEBOX_IS_DATASET_GROUP (self), NULL);
  return self->code_name;
}

/**
 * tilebox_dataset_group_get_name:
 * @self: a dataset group
 *
 * The group's display name.
 *
 * Returns: (transfer none): the name
 */
const char *
tilebox_dataset_group_get_name (TileboxDatasetGroup *self)
{
  g_return_val_if_fail (TILEBOX_IS_DATASET_GROUP (self), NULL);
  return self->name;
}

/**
 * tilebox_dataset_group_get_icon:
 * @self: a dataset group
 *
 * The group's icon name.
 *
 * Returns: (transfer none): the icon name, possibly empty
 */
const char *
tilebox_dataset_group_get_icon (TileboxDatasetGroup *self)
{
  g_return_val_if_fail (TILEBOX_IS_DATASET_GROUP (self), NULL);
  return self->icon;
}
