/* tilebox-dataset.c
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tilebox-client-private.h"
#include "tilebox-collection-private.h"
#include "tilebox-dataset-private.h"
#include "tilebox-datapoints.h"
#include "tilebox-enum-types.h"
#include "tilebox-loader-private.h"
#include "tilebox-query.h"
#include "tilebox-query-cursor-private.h"
#include "tilebox-error.h"
#include "tilebox-schema-private.h"
#include "tilebox-util-private.h"

/**
 * TileboxDataset:
 *
 * A dataset of the Tilebox service: datapoints of one type, in collections.
 *
 * A dataset is got from a [class@Tilebox.Client] and describes itself (name,
 * summary, kind, the type of its datapoints as a [class@Tilebox.Schema]);
 * its collections are listed, opened, created and deleted through it.
 * Its properties are fixed: they describe the dataset as it was when
 * fetched.
 */
struct _TileboxDataset
{
  GObject parent_instance;

  TileboxClient *client;
  TileboxPbId pb_id;
  char *id;
  char *slug;
  char *code_name;
  char *name;
  char *summary;
  char *description;
  char *icon;
  TileboxDatasetKind kind;
  char *group_id;
  TileboxDatasetGroup *group;
  TileboxVisibility visibility;
  TileboxDatasetPermissions permissions;
  gboolean type_editable;
  TileboxSchema *schema;
};

enum {
  PROP_0,
  PROP_ID,
  PROP_SLUG,
  PROP_CODE_NAME,
  PROP_NAME,
  PROP_SUMMARY,
  PROP_DESCRIPTION,
  PROP_ICON,
  PROP_KIND,
  PROP_GROUP_ID,
  PROP_GROUP,
  PROP_VISIBILITY,
  PROP_PERMISSIONS,
  PROP_TYPE_EDITABLE,
  PROP_SCHEMA,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (TileboxDataset, tilebox_dataset, G_TYPE_OBJECT)

static void
tilebox_dataset_finalize (GObject *object)
{
  TileboxDataset *self = TILEBOX_DATASET (object);

  g_clear_object (&self->client);
  g_free (self->id);
  g_free (self->slug);
  g_free (self->code_name);
  g_free (self->name);
  g_free (self->summary);
  g_free (self->description);
  g_free (self->icon);
  g_free (self->group_id);
  g_clear_object (&self->group);
  g_clear_object (&self->schema);

  G_OBJECT_CLASS (tilebox_dataset_parent_class)->finalize (object);
}

static void
tilebox_dataset_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  TileboxDataset *self = TILEBOX_DATASET (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_SLUG:
      g_value_set_string (value, self->slug);
      break;
    case PROP_CODE_NAME:
      g_value_set_string (value, self->code_name);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_SUMMARY:
      g_value_set_string (value, self->summary);
      break;
    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;
    case PROP_ICON:
      g_value_set_string (value, self->icon);
      break;
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;
    case PROP_GROUP_ID:
      g_value_set_string (value, self->group_id);
      break;
    case PROP_GROUP:
      g_value_set_object (value, self->group);
      break;
    case PROP_VISIBILITY:
      g_value_set_enum (value, self->visibility);
      break;
    case PROP_PERMISSIONS:
      g_value_set_flags (value, self->permissions);
      break;
    case PROP_TYPE_EDITABLE:
      g_value_set_boolean (value, self->type_editable);
      break;
    case PROP_SCHEMA:
      g_value_set_object (value, self->schema);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tilebox_dataset_class_init (TileboxDatasetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = tilebox_dataset_finalize;
  object_class->get_property = tilebox_dataset_get_property;

  /**
   * TileboxDataset:id:
   *
   * The dataset's id, a UUID.
   */
  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);

  /**
   * TileboxDataset:slug:
   *
   * The dataset's slug, such as `open_data.copernicus.sentinel2_msi`; empty
   * for datasets of services too old to have slugs.
   */
  properties[PROP_SLUG] = g_param_spec_string ("slug", NULL, NULL, NULL, flags);

  /**
   * TileboxDataset:code-name:
   *
   * The dataset's name as a code identifier, such as `sentinel2_msi`.
   */
  properties[PROP_CODE_NAME] = g_param_spec_string ("code-name", NULL, NULL, NULL, flags);

  /**
   * TileboxDataset:name:
   *
   * The dataset's display name.
   */
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);

  /**
   * TileboxDataset:summary:
   *
   * A short summary of the dataset.
   */
  properties[PROP_SUMMARY] = g_param_spec_string ("summary", NULL, NULL, NULL, flags);

  /**
   * TileboxDataset:description:
   *
   * The dataset's description, in Markdown.
   */
  properties[PROP_DESCRIPTION] = g_param_spec_string ("description", NULL, NULL, NULL, flags);

  /**
   * TileboxDataset:icon:
   *
   * The dataset's icon name, possibly empty.
   */
  properties[PROP_ICON] = g_param_spec_string ("icon", NULL, NULL, NULL, flags);

  /**
   * TileboxDataset:kind:
   *
   * The kind of the dataset: temporal or spatiotemporal.
   */
  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL, TILEBOX_TYPE_DATASET_KIND, TILEBOX_DATASET_KIND_UNSPECIFIED, flags);

  /**
   * TileboxDataset:group-id:
   *
   * The id of the group the dataset is in, or %NULL.
   */
  properties[PROP_GROUP_ID] = g_param_spec_string ("group-id", NULL, NULL, NULL, flags);

  /**
   * TileboxDataset:group:
   *
   * The group the dataset is in, when it was listed with its groups by
   * [method@Tilebox.Client.list_datasets]; %NULL otherwise.
   */
  properties[PROP_GROUP] =
    g_param_spec_object ("group", NULL, NULL, TILEBOX_TYPE_DATASET_GROUP, flags);

  /**
   * TileboxDataset:visibility:
   *
   * How the dataset is visible to the caller.
   */
  properties[PROP_VISIBILITY] =
    g_param_spec_enum ("visibility", NULL, NULL, TILEBOX_TYPE_VISIBILITY, TILEBOX_VISIBILITY_UNSPECIFIED, flags);

  /**
   * TileboxDataset:permissions:
   *
   * What the caller may do with the dataset.
   */
  properties[PROP_PERMISSIONS] =
    g_param_spec_flags ("permissions", NULL, NULL, TILEBOX_TYPE_DATASET_PERMISSIONS,
                        TILEBOX_DATASET_PERMISSION_NONE, flags);

  /**
   * TileboxDataset:type-editable:
   *
   * Whether the dataset's type may still be changed.
   */
  properties[PROP_TYPE_EDITABLE] = g_param_spec_boolean ("type-editable", NULL, NULL, FALSE, flags);

  /**
   * TileboxDataset:schema:
   *
   * The type of the dataset's datapoints.
   */
  properties[PROP_SCHEMA] = g_param_spec_object ("schema", NULL, NULL, TILEBOX_TYPE_SCHEMA, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tilebox_dataset_init (TileboxDataset *self)
{
}

static char *
dup_nonnull (const char *s)
{
  return g_strdup (s ? s : "");
}

TileboxDataset *
_tilebox_dataset_new_from_pb (TileboxClient           *client,
                              const TileboxPbDataset  *pb,
                              GHashTable              *groups,
                              GError                 **error)
{
  g_autoptr(TileboxDataset) self = g_object_new (TILEBOX_TYPE_DATASET, NULL);
  TileboxPbAnnotatedType empty_type = { 0 };

  self->client = g_object_ref (client);
  self->pb_id = pb->id;
  self->id = _tilebox_pb_id_to_string (&pb->id);
  self->slug = dup_nonnull (pb->slug);
  self->code_name = dup_nonnull (pb->code_name);
  self->name = dup_nonnull (pb->name);
  self->summary = dup_nonnull (pb->summary);
  self->description = dup_nonnull (pb->description);
  self->icon = dup_nonnull (pb->icon);
  self->kind = pb->has_type ? (TileboxDatasetKind) pb->type.kind : TILEBOX_DATASET_KIND_UNSPECIFIED;
  if (self->kind > TILEBOX_DATASET_KIND_SPATIOTEMPORAL)
    self->kind = TILEBOX_DATASET_KIND_UNSPECIFIED;
  self->group_id = _tilebox_pb_id_to_string (&pb->group_id);
  if (groups != NULL && self->group_id != NULL)
    self->group = g_hash_table_lookup (groups, self->group_id);
  if (self->group != NULL)
    g_object_ref (self->group);
  self->visibility = pb->visibility >= 0 && pb->visibility <= TILEBOX_VISIBILITY_PUBLIC
                       ? (TileboxVisibility) pb->visibility : TILEBOX_VISIBILITY_UNSPECIFIED;
  for (guint i = 0; pb->permissions != NULL && i < pb->permissions->len; i++)
    {
      gint permission = g_array_index (pb->permissions, gint, i);

      /* The service's enum counts from 1; unknown values are dropped. */
      if (permission >= 1 && permission <= 3)
        self->permissions |= 1 << (permission - 1);
    }
  self->type_editable = pb->type_editable;

  self->schema = _tilebox_schema_new_from_pb (pb->has_type ? &pb->type : &empty_type, error);
  if (self->schema == NULL)
    {
      g_prefix_error (error, _("Could not read the type of dataset “%s”: "),
                      *self->slug ? self->slug : self->name);
      return NULL;
    }

  return g_steal_pointer (&self);
}

TileboxClient *
_tilebox_dataset_get_client (TileboxDataset *self)
{
  return self->client;
}

void
_tilebox_dataset_get_pb_id (TileboxDataset *self,
                            TileboxPbId    *id)
{
  *id = self->pb_id;
}

/**
 * tilebox_dataset_get_id:
 * @self: a dataset
 *
 * The dataset's id.
 *
 * Returns: (transfer none) (nullable): the id as a UUID string
 */
const char *
tilebox_dataset_get_id (TileboxDataset *self)
{
  g_return_val_if_fail (TILEBOX_IS_DATASET (self), NULL);
  return self->id;
}

/**
 * tilebox_dataset_get_slug:
 * @self: a dataset
 *
 * The dataset's slug.
 *
 * Returns: (transfer none): the slug, possibly empty
 */
const char *
tilebox_dataset_get_slug (TileboxDataset *self)
{
  g_return_val_if_fail (TILEBOX_IS_DATASET (self), NULL);
  return self->slug;
}

/**
 * tilebox_dataset_get_code_name:
 * @self: a dataset
 *
 * The dataset's name as a code identifier.
 *
 * Returns: (transfer none): the code name
 */
const char *
tilebox_dataset_get_code_name (TileboxDataset *self)
{
  g_return_val_if_fail (TILEBOX_IS_DATASET (self), NULL);
  return self->code_name;
}

/**
 * tilebox_dataset_get_name:
 * @self: a dataset
 *
 * The dataset's display name.
 *
 * Returns: (transfer none): the name
 */
const char *
tilebox_dataset_get_name (TileboxDataset *self)
{
  g_return_val_if_fail (TILEBOX_IS_DATASET (self), NULL);
  return self->name;
}

/**
 * tilebox_dataset_get_summary:
 * @self: a dataset
 *
 * A short summary of the dataset.
 *
 * Returns: (transfer none): the summary, possibly empty
 */
const char *
tilebox_dataset_get_summary (TileboxDataset *self)
{
  g_return_val_if_fail (TILEBOX_IS_DATASET (self), NULL);
  return self->summary;
}

/**
 * tilebox_dataset_get_description:
 * @self: a dataset
 *
 * The dataset's description, in Markdown.
 *
 * Returns: (transfer none): the description, possibly empty
 */
const char *
tilebox_dataset_get_description (TileboxDataset *self)
{
  g_return_val_if_fail (TILEBOX_IS_DATASET (self), NULL);
  return self->description;
}

/**
 * tilebox_dataset_get_icon:
 * @self: a dataset
 *
 * The dataset's icon name.
 *
 * Returns: (transfer none): the icon name, possibly empty
 */
const char *
tilebox_dataset_get_icon (TileboxDataset *self)
{
  g_return_val_if_fail (TILEBOX_IS_DATASET (self), NULL);
  return self->icon;
}

/**
 * tilebox_dataset_get_kind:
 * @self: a dataset
 *
 * The kind of the dataset.
 *
 * Returns: the kind
 */
TileboxDatasetKind
tilebox_dataset_get_kind (TileboxDataset *self)
{
  g_return_val_if_fail (TILEBOX_IS_DATASET (self), TILEBOX_DATASET_KIND_UNSPECIFIED);
  return self->kind;
}

/**
 * tilebox_dataset_get_group_id:
 * @self: a dataset
 *
 * The id of the dataset's group.
 *
 * Returns: (transfer none) (nullable): the id, or %NULL
 */
const char *
tilebox_dataset_get_group_id (TileboxDataset *self)
{
  g_return_val_if_fail (TILEBOX_IS_DATASET (self), NULL);
  return self->group_id;
}

/**
 * tilebox_dataset_get_group:
 * @self: a dataset
 *
 * The dataset's group, known when the dataset was listed by
 * [method@Tilebox.Client.list_datasets].
 *
 * Returns: (transfer none) (nullable): the group, or %NULL
 */
TileboxDatasetGroup *
tilebox_dataset_get_group (TileboxDataset *self)
{
  g_return_val_if_fail (TILEBOX_IS_DATASET (self), NULL);
  return self->group;
}

/**
 * tilebox_dataset_get_visibility:
 * @self: a dataset
 *
 * How the dataset is visible to the caller.
 *
 * Returns: the visibility
 */
TileboxVisibility
tilebox_dataset_get_visibility (TileboxDataset *self)
{
  g_return_val_if_fail (TILEBOX_IS_DATASET (self), TILEBOX_VISIBILITY_UNSPECIFIED);
  return self->visibility;
}

/**
 * tilebox_dataset_get_permissions:
 * @self: a dataset
 *
 * What the caller may do with the dataset.
 *
 * Returns: the permissions
 */
TileboxDatasetPermissions
tilebox_dataset_get_permissions (TileboxDataset *self)
{
  g_return_val_if_fail (TILEBOX_IS_DATASET (self), TILEBOX_DATASET_PERMISSION_NONE);
  return self->permissions;
}

/**
 * tilebox_dataset_get_type_editable:
 * @self: a dataset
 *
 * Whether the dataset's type may still be changed.
 *
 * Returns: %TRUE if the type is editable
 */
gboolean
tilebox_dataset_get_type_editable (TileboxDataset *self)
{
  g_return_val_if_fail (TILEBOX_IS_DATASET (self), FALSE);
  return self->type_editable;
}

/**
 * tilebox_dataset_get_schema:
 * @self: a dataset
 *
 * The type of the dataset's datapoints.
 *
 * Returns: (transfer none): the schema
 */
TileboxSchema *
tilebox_dataset_get_schema (TileboxDataset *self)
{
  g_return_val_if_fail (TILEBOX_IS_DATASET (self), NULL);
  return self->schema;
}

/* --- requests and parsers ------------------------------------------------ */

static TileboxRpc *
dataset_rpc (TileboxDataset *self)
{
  return _tilebox_client_get_rpc (self->client);
}

static GByteArray *
list_collections_request (TileboxDataset *self)
{
  TileboxPbListCollectionsRequest request = { 0 };
  GByteArray *out = g_byte_array_new ();

  request.dataset_id = self->pb_id;
  request.with_availability = TRUE;
  _tilebox_pb_list_collections_request_encode (&request, out);

  return out;
}

static GByteArray *
get_collection_request (TileboxDataset *self,
                        const char     *name)
{
  TileboxPbGetCollectionByNameRequest request = { 0 };
  GByteArray *out = g_byte_array_new ();

  request.dataset_id = self->pb_id;
  request.collection_name = (char *) name;
  request.with_availability = TRUE;
  _tilebox_pb_get_collection_by_name_request_encode (&request, out);

  return out;
}

static GByteArray *
create_collection_request (TileboxDataset *self,
                           const char     *name)
{
  TileboxPbCreateCollectionRequest request = { 0 };
  GByteArray *out = g_byte_array_new ();

  request.dataset_id = self->pb_id;
  request.name = (char *) name;
  _tilebox_pb_create_collection_request_encode (&request, out);

  return out;
}

static GByteArray *
delete_collection_request (TileboxDataset    *self,
                           TileboxCollection *collection)
{
  TileboxPbDeleteCollectionRequest request = { 0 };
  GByteArray *out = g_byte_array_new ();

  request.dataset_id = self->pb_id;
  _tilebox_collection_get_pb_id (collection, &request.collection_id);
  _tilebox_pb_delete_collection_request_encode (&request, out);

  return out;
}

static gpointer
parse_collections (GBytes   *body,
                   gpointer  dataset,
                   GError  **error)
{
  g_auto(TileboxPbCollectionInfos) infos = { 0 };
  GPtrArray *collections;

  if (!_tilebox_pb_decode_bytes (collection_infos, &infos, body, error))
    return NULL;

  collections = g_ptr_array_new_full (infos.data->len, g_object_unref);
  for (guint i = 0; i < infos.data->len; i++)
    g_ptr_array_add (collections, _tilebox_collection_new_from_pb (dataset, g_ptr_array_index (infos.data, i)));

  return collections;
}

static gpointer
parse_collection (GBytes   *body,
                  gpointer  dataset,
                  GError  **error)
{
  g_auto(TileboxPbCollectionInfo) info = { 0 };

  if (!_tilebox_pb_decode_bytes (collection_info, &info, body, error))
    return NULL;

  return _tilebox_collection_new_from_pb (dataset, &info);
}

/* DeleteCollectionResponse has no fields; the body must still be a message. */
static gpointer
parse_empty (GBytes   *body,
             gpointer  unused,
             GError  **error)
{
  TileboxPbReader reader;
  gsize len;
  const guint8 *data = g_bytes_get_data (body, &len);
  int r;

  _tilebox_pb_reader_init (&reader, data, len);
  while ((r = _tilebox_pb_reader_next (&reader, error)) > 0)
    if (!_tilebox_pb_skip (&reader, error))
      return NULL;

  return r == 0 ? GINT_TO_POINTER (TRUE) : NULL;
}

static gboolean
check_collection_name (const char  *name,
                       GError     **error)
{
  return _tilebox_name_validate (name, _("collection name"), error);
}

/* --- list collections ------------------------------------------------ */

/**
 * tilebox_dataset_list_collections:
 * @self: a dataset
 * @cancellable: (nullable): a cancellable
 * @error: return location for a #GError
 *
 * Lists the dataset's collections, each with its availability.
 *
 * Returns: (transfer container) (element-type TileboxCollection): the
 *   collections, or %NULL with @error set
 */
GPtrArray *
tilebox_dataset_list_collections (TileboxDataset  *self,
                                  GCancellable    *cancellable,
                                  GError         **error)
{
  g_return_val_if_fail (TILEBOX_IS_DATASET (self), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return _tilebox_rpc_invoke (dataset_rpc (self), TILEBOX_COLLECTION_SERVICE, "ListCollections",
                              list_collections_request (self), parse_collections, self,
                              cancellable, error);
}

/**
 * tilebox_dataset_list_collections_async:
 * @self: a dataset
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called on the caller's thread-default main context when done
 * @user_data: data for @callback
 *
 * Lists the dataset's collections without blocking. See
 * [method@Tilebox.Dataset.list_collections].
 */
void
tilebox_dataset_list_collections_async (TileboxDataset      *self,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_return_if_fail (TILEBOX_IS_DATASET (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  _tilebox_rpc_invoke_async (dataset_rpc (self), self, tilebox_dataset_list_collections_async,
                             TILEBOX_COLLECTION_SERVICE, "ListCollections", list_collections_request (self),
                             parse_collections, g_object_ref (self), g_object_unref,
                             (GDestroyNotify) g_ptr_array_unref,
                             cancellable, callback, user_data);
}

/**
 * tilebox_dataset_list_collections_finish:
 * @self: a dataset
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Tilebox.Dataset.list_collections_async].
 *
 * Returns: (transfer container) (element-type TileboxCollection): the
 *   collections, or %NULL with @error set
 */
GPtrArray *
tilebox_dataset_list_collections_finish (TileboxDataset  *self,
                                         GAsyncResult    *result,
                                         GError         **error)
{
  g_return_val_if_fail (TILEBOX_IS_DATASET (self), NULL);

  return _tilebox_rpc_invoke_finish (self, tilebox_dataset_list_collections_async, result, error);
}

/* --- get collection ------------------------------------------------------ */

/**
 * tilebox_dataset_get_collection:
 * @self: a dataset
 * @name: the collection's name
 * @cancellable: (nullable): a cancellable
 * @error: return location for a #GError
 *
 * Opens a collection by name, with its availability. A collection that does
 * not exist fails with %TILEBOX_ERROR_NOT_FOUND; an empty name with
 * %TILEBOX_ERROR_INVALID_ARGUMENT before anything is sent.
 *
 * Returns: (transfer full): the collection, or %NULL with @error set
 */
TileboxCollection *
tilebox_dataset_get_collection (TileboxDataset  *self,
                                const char      *name,
                                GCancellable    *cancellable,
                                GError         **error)
{
  g_return_val_if_fail (TILEBOX_IS_DATASET (self), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_collection_name (name, error))
    return NULL;

  return _tilebox_rpc_invoke (dataset_rpc (self), TILEBOX_COLLECTION_SERVICE, "GetCollectionByName",
                              get_collection_request (self, name), parse_collection, self,
                              cancellable, error);
}

/**
 * tilebox_dataset_get_collection_async:
 * @self: a dataset
 * @name: the collection's name
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called on the caller's thread-default main context when done
 * @user_data: data for @callback
 *
 * Opens a collection by name without blocking. See
 * [method@Tilebox.Dataset.get_collection].
 */
void
tilebox_dataset_get_collection_async (TileboxDataset      *self,
                                      const char          *name,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (TILEBOX_IS_DATASET (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  if (!check_collection_name (name, &error))
    {
      g_task_report_error (self, callback, user_data, tilebox_dataset_get_collection_async,
                           g_steal_pointer (&error));
      return;
    }

  _tilebox_rpc_invoke_async (dataset_rpc (self), self, tilebox_dataset_get_collection_async,
                             TILEBOX_COLLECTION_SERVICE, "GetCollectionByName",
                             get_collection_request (self, name),
                             parse_collection, g_object_ref (self), g_object_unref, g_object_unref,
                             cancellable, callback, user_data);
}

/**
 * tilebox_dataset_get_collection_finish:
 * @self: a dataset
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Tilebox.Dataset.get_collection_async].
 *
 * Returns: (transfer full): the collection, or %NULL with @error set
 */
TileboxCollection *
tilebox_dataset_get_collection_finish (TileboxDataset  *self,
                                       GAsyncResult    *result,
                                       GError         **error)
{
  g_return_val_if_fail (TILEBOX_IS_DATASET (self), NULL);

  return _tilebox_rpc_invoke_finish (self, tilebox_dataset_get_collection_async, result, error);
}

/* --- create collection --------------------------------------------------- */

/**
 * tilebox_dataset_create_collection:
 * @self: a dataset
 * @name: the new collection's name
 * @cancellable: (nullable): a cancellable
 * @error: return location for a #GError
 *
 * Creates a collection. A name that is taken fails with
 * %TILEBOX_ERROR_ALREADY_EXISTS; an empty one with
 * %TILEBOX_ERROR_INVALID_ARGUMENT before anything is sent.
 *
 * Returns: (transfer full): the new collection, or %NULL with @error set
 */
TileboxCollection *
tilebox_dataset_create_collection (TileboxDataset  *self,
                                   const char      *name,
                                   GCancellable    *cancellable,
                                   GError         **error)
{
  g_return_val_if_fail (TILEBOX_IS_DATASET (self), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_collection_name (name, error))
    return NULL;

  return _tilebox_rpc_invoke (dataset_rpc (self), TILEBOX_COLLECTION_SERVICE, "CreateCollection",
                              create_collection_request (self, name), parse_collection, self,
                              cancellable, error);
}

/**
 * tilebox_dataset_create_collection_async:
 * @self: a dataset
 * @name: the new collection's name
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called on the caller's thread-default main context when done
 * @user_data: data for @callback
 *
 * Creates a collection without blocking. See
 * [method@Tilebox.Dataset.create_collection].
 */
void
tilebox_dataset_create_collection_async (TileboxDataset      *self,
                                         const char          *name,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (TILEBOX_IS_DATASET (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  if (!check_collection_name (name, &error))
    {
      g_task_report_error (self, callback, user_data, tilebox_dataset_create_collection_async,
                           g_steal_pointer (&error));
      return;
    }

  _tilebox_rpc_invoke_async (dataset_rpc (self), self, tilebox_dataset_create_collection_async,
                             TILEBOX_COLLECTION_SERVICE, "CreateCollection",
                             create_collection_request (self, name),
                             parse_collection, g_object_ref (self), g_object_unref, g_object_unref,
                             cancellable, callback, user_data);
}

/**
 * tilebox_dataset_create_collection_finish:
 * @self: a dataset
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Tilebox.Dataset.create_collection_async].
 *
 * Returns: (transfer full): the new collection, or %NULL with @error set
 */
TileboxCollection *
tilebox_dataset_create_collection_finish (TileboxDataset  *self,
                                          GAsyncResult    *result,
                                          GError         **error)
{
  g_return_val_if_fail (TILEBOX_IS_DATASET (self), NULL);

  return _tilebox_rpc_invoke_finish (self, tilebox_dataset_create_collection_async, result, error);
}

/* --- get or create collection -------------------------------------------- */

/**
 * tilebox_dataset_get_or_create_collection:
 * @self: a dataset
 * @name: the collection's name
 * @cancellable: (nullable): a cancellable
 * @error: return location for a #GError
 *
 * Opens the collection called @name, creating it first if there is none.
 * Safe against another client creating it at the same moment.
 *
 * Returns: (transfer full): the collection, or %NULL with @error set
 */
TileboxCollection *
tilebox_dataset_get_or_create_collection (TileboxDataset  *self,
                                          const char      *name,
                                          GCancellable    *cancellable,
                                          GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  TileboxCollection *collection;

  g_return_val_if_fail (TILEBOX_IS_DATASET (self), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  collection = tilebox_dataset_get_collection (self, name, cancellable, &local_error);
  if (collection != NULL)
    return collection;
  if (!g_error_matches (local_error, TILEBOX_ERROR, TILEBOX_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  g_clear_error (&local_error);

  collection = tilebox_dataset_create_collection (self, name, cancellable, &local_error);
  if (collection != NULL)
    return collection;
  if (!g_error_matches (local_error, TILEBOX_ERROR, TILEBOX_ERROR_ALREADY_EXISTS))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  /* Someone else created it between our two calls. */
  return tilebox_dataset_get_collection (self, name, cancellable, error);
}

typedef enum {
  STEP_GET,
  STEP_CREATE,
  STEP_GET_AGAIN,
} GetOrCreateStep;

typedef struct {
  char *name;
  GetOrCreateStep step;
} GetOrCreate;

static void
get_or_create_free (GetOrCreate *data)
{
  g_free (data->name);
  g_free (data);
}

static void get_or_create_step_cb (GObject      *source,
                                   GAsyncResult *result,
                                   gpointer      user_data);

static void
get_or_create_next (GTask *task)
{
  TileboxDataset *self = g_task_get_source_object (task);
  GetOrCreate *data = g_task_get_task_data (task);
  gboolean create = data->step == STEP_CREATE;

  _tilebox_rpc_invoke_async (dataset_rpc (self), self, get_or_create_next,
                             TILEBOX_COLLECTION_SERVICE, create ? "CreateCollection" : "GetCollectionByName",
                             create ? create_collection_request (self, data->name)
                                    : get_collection_request (self, data->name),
                             parse_collection, g_object_ref (self), g_object_unref, g_object_unref,
                             g_task_get_cancellable (task), get_or_create_step_cb, g_object_ref (task));
}

static void
get_or_create_step_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GetOrCreate *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  TileboxCollection *collection;

  collection = _tilebox_rpc_invoke_finish (source, get_or_create_next, result, &error);
  if (collection != NULL)
    {
      g_task_return_pointer (task, collection, g_object_unref);
      return;
    }

  if (data->step == STEP_GET && g_error_matches (error, TILEBOX_ERROR, TILEBOX_ERROR_NOT_FOUND))
    data->step = STEP_CREATE;
  else if (data->step == STEP_CREATE && g_error_matches (error, TILEBOX_ERROR, TILEBOX_ERROR_ALREADY_EXISTS))
    data->step = STEP_GET_AGAIN;
  else
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  get_or_create_next (task);
}

/**
 * tilebox_dataset_get_or_create_collection_async:
 * @self: a dataset
 * @name: the collection's name
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called on the caller's thread-default main context when done
 * @user_data: data for @callback
 *
 * Opens or creates a collection without blocking. See
 * [method@Tilebox.Dataset.get_or_create_collection].
 */
void
tilebox_dataset_get_or_create_collection_async (TileboxDataset      *self,
                                                const char          *name,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  GetOrCreate *data;

  g_return_if_fail (TILEBOX_IS_DATASET (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tilebox_dataset_get_or_create_collection_async);

  if (!check_collection_name (name, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data = g_new0 (GetOrCreate, 1);
  data->name = g_strdup (name);
  data->step = STEP_GET;
  g_task_set_task_data (task, data, (GDestroyNotify) get_or_create_free);

  get_or_create_next (task);
}

/**
 * tilebox_dataset_get_or_create_collection_finish:
 * @self: a dataset
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Tilebox.Dataset.get_or_create_collection_async].
 *
 * Returns: (transfer full): the collection, or %NULL with @error set
 */
TileboxCollection *
tilebox_dataset_get_or_create_collection_finish (TileboxDataset  *self,
                                                 GAsyncResult    *result,
                                                 GError         **error)
{
  g_return_val_if_fail (TILEBOX_IS_DATASET (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tilebox_dataset_get_or_create_collection_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- delete collection -------------------------------------------------- */

/**
 * tilebox_dataset_delete_collection:
 * @self: a dataset
 * @collection: a collection of @self
 * @cancellable: (nullable): a cancellable
 * @error: return location for a #GError
 *
 * Deletes a collection with all its datapoints.
 *
 * Returns: %TRUE on success, %FALSE with @error set
 */
gboolean
tilebox_dataset_delete_collection (TileboxDataset     *self,
                                   TileboxCollection  *collection,
                                   GCancellable       *cancellable,
                                   GError            **error)
{
  g_return_val_if_fail (TILEBOX_IS_DATASET (self), FALSE);
  g_return_val_if_fail (TILEBOX_IS_COLLECTION (collection), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return _tilebox_rpc_invoke (dataset_rpc (self), TILEBOX_COLLECTION_SERVICE, "DeleteCollection",
                              delete_collection_request (self, collection), parse_empty, NULL,
                              cancellable, error) != NULL;
}

/**
 * tilebox_dataset_delete_collection_async:
 * @self: a dataset
 * @collection: a collection of @self
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called on the caller's thread-default main context when done
 * @user_data: data for @callback
 *
 * Deletes a collection without blocking. See
 * [method@Tilebox.Dataset.delete_collection].
 */
void
tilebox_dataset_delete_collection_async (TileboxDataset      *self,
                                         TileboxCollection   *collection,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_return_if_fail (TILEBOX_IS_DATASET (self));
  g_return_if_fail (TILEBOX_IS_COLLECTION (collection));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  _tilebox_rpc_invoke_async (dataset_rpc (self), self, tilebox_dataset_delete_collection_async,
                             TILEBOX_COLLECTION_SERVICE, "DeleteCollection",
                             delete_collection_request (self, collection),
                             parse_empty, NULL, NULL, NULL,
                             cancellable, callback, user_data);
}

/**
 * tilebox_dataset_delete_collection_finish:
 * @self: a dataset
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Tilebox.Dataset.delete_collection_async].
 *
 * Returns: %TRUE on success, %FALSE with @error set
 */
gboolean
tilebox_dataset_delete_collection_finish (TileboxDataset  *self,
                                          GAsyncResult    *result,
                                          GError         **error)
{
  g_return_val_if_fail (TILEBOX_IS_DATASET (self), FALSE);

  return _tilebox_rpc_invoke_finish (self, tilebox_dataset_delete_collection_async, result, error) != NULL;
}

/* --- queries over several collections --------------------------------------- */

/* A dataset query runs over the query's collections, or, when it names
 * none, over all collections of the dataset, which are listed first. */

typedef struct {
  TileboxQuery *query;        /* for a query */
  gboolean find;              /* else a find: */
  guint8 id[16];
  gboolean skip_data;
} DatasetCall;

static void
dataset_call_free (DatasetCall *call)
{
  g_clear_object (&call->query);
  g_free (call);
}

static gboolean
check_same_dataset (TileboxDataset  *self,
                    GPtrArray       *collections,
                    GError         **error)
{
  for (guint i = 0; i < collections->len; i++)
    {
      TileboxCollection *collection = g_ptr_array_index (collections, i);

      if (g_strcmp0 (tilebox_dataset_get_id (tilebox_collection_get_dataset (collection)), self->id) != 0)
        {
          g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                       _("Collection “%s” is not a collection of dataset “%s”"),
                       tilebox_collection_get_name (collection), self->name);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
_tilebox_dataset_check_has_collections (TileboxDataset  *self,
                                        GPtrArray       *collections,
                                        GError         **error)
{
  if (collections->len > 0)
    return TRUE;
  g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_NOT_FOUND,
               _("Dataset “%s” has no collections"), self->name);
  return FALSE;
}

/* The collections the query names, checked to be the dataset's; none (an
 * empty array) means all of them. */
static GPtrArray *
named_collections (TileboxDataset  *self,
                   TileboxQuery    *query,
                   GError         **error)
{
  g_autoptr(GPtrArray) collections = NULL;

  if (query == NULL)
    return g_ptr_array_new_with_free_func (g_object_unref);

  collections = tilebox_query_get_collections (query);
  return check_same_dataset (self, collections, error) ? g_steal_pointer (&collections) : NULL;
}

/* The collections to run over, listing them when the query names none.
 * Blocking. */
static GPtrArray *
dataset_collections (TileboxDataset  *self,
                     TileboxQuery    *query,
                     GCancellable    *cancellable,
                     GError         **error)
{
  g_autoptr(GPtrArray) collections = named_collections (self, query, error);

  if (collections == NULL || collections->len > 0)
    return g_steal_pointer (&collections);

  g_clear_pointer (&collections, g_ptr_array_unref);
  collections = tilebox_dataset_list_collections (self, cancellable, error);
  if (collections == NULL || !_tilebox_dataset_check_has_collections (self, collections, error))
    return NULL;
  return g_steal_pointer (&collections);
}

static void
dataset_step_done_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  gpointer value = g_task_propagate_pointer (G_TASK (result), &error);

  if (value == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, value, g_object_unref);
}

/* Runs the query or find over the collections. */
static void
dataset_call_run (GTask     *task,
                  GPtrArray *collections)
{
  TileboxDataset *self = g_task_get_source_object (task);
  DatasetCall *call = g_task_get_task_data (task);

  if (call->find)
    _tilebox_find_async (self, collections, call->id, call->skip_data, self, dataset_call_run,
                         g_task_get_cancellable (task), dataset_step_done_cb, g_object_ref (task));
  else
    _tilebox_load_async (self, collections, call->query, self, dataset_call_run,
                         g_task_get_cancellable (task), dataset_step_done_cb, g_object_ref (task));
}

static void
dataset_collections_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TileboxDataset *self = TILEBOX_DATASET (source);
  g_autoptr(GPtrArray) collections = NULL;
  GError *error = NULL;

  collections = tilebox_dataset_list_collections_finish (self, result, &error);
  if (collections == NULL || !_tilebox_dataset_check_has_collections (self, collections, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  dataset_call_run (task, collections);
}

/* Starts a dataset query or find: lists the collections first if needed. */
static void
dataset_call_start (TileboxDataset      *self,
                    DatasetCall         *call,
                    gpointer             source_tag,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GPtrArray) collections = NULL;
  GError *error = NULL;

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, call, (GDestroyNotify) dataset_call_free);

  collections = named_collections (self, call->query, &error);
  if (collections == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (collections->len == 0)
    {
      tilebox_dataset_list_collections_async (self, cancellable, dataset_collections_cb, g_object_ref (task));
      return;
    }
  dataset_call_run (task, collections);
}

static gpointer
dataset_call_finish (TileboxDataset  *self,
                     gpointer         source_tag,
                     GAsyncResult    *result,
                     GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * tilebox_dataset_query:
 * @self: a dataset
 * @query: what to load, and from which collections
 * @cancellable: (nullable): a cancellable
 * @error: return location for a #GError
 *
 * Loads the datapoints in the query's interval from the collections added
 * to the query, or from all collections of the dataset if it names none,
 * merged in id order.
 *
 * Returns: (transfer full): the datapoints, or %NULL with @error set
 */
TileboxDatapoints *
tilebox_dataset_query (TileboxDataset  *self,
                       TileboxQuery    *query,
                       GCancellable    *cancellable,
                       GError         **error)
{
  g_autoptr(GPtrArray) collections = NULL;

  g_return_val_if_fail (TILEBOX_IS_DATASET (self), NULL);
  g_return_val_if_fail (TILEBOX_IS_QUERY (query), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  collections = dataset_collections (self, query, cancellable, error);
  if (collections == NULL)
    return NULL;

  return _tilebox_load (self, collections, query, cancellable, error);
}

/**
 * tilebox_dataset_query_async:
 * @self: a dataset
 * @query: what to load, and from which collections
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called on the caller's thread-default main context when done
 * @user_data: data for @callback
 *
 * Loads datapoints from several collections without blocking. See
 * [method@Tilebox.Dataset.query].
 */
void
tilebox_dataset_query_async (TileboxDataset      *self,
                             TileboxQuery        *query,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  DatasetCall *call;

  g_return_if_fail (TILEBOX_IS_DATASET (self));
  g_return_if_fail (TILEBOX_IS_QUERY (query));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  call = g_new0 (DatasetCall, 1);
  call->query = g_object_ref (query);
  dataset_call_start (self, call, tilebox_dataset_query_async, cancellable, callback, user_data);
}

/**
 * tilebox_dataset_query_finish:
 * @self: a dataset
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Tilebox.Dataset.query_async].
 *
 * Returns: (transfer full): the datapoints, or %NULL with @error set
 */
TileboxDatapoints *
tilebox_dataset_query_finish (TileboxDataset  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (TILEBOX_IS_DATASET (self), NULL);

  return dataset_call_finish (self, tilebox_dataset_query_async, result, error);
}

/**
 * tilebox_dataset_query_pages:
 * @self: a dataset
 * @query: what to load, and from which collections
 * @error: return location for a #GError
 *
 * A cursor over the datapoints in the query's interval from the
 * collections added to the query, or from all collections of the dataset
 * if it names none, merged in id order, one page at a time. See
 * [method@Tilebox.Collection.query_pages] for how the query is used.
 * Nothing is sent here: all collections are listed by the cursor's first
 * [method@Tilebox.QueryCursor.next].
 *
 * A query without an interval, or one naming a collection of another
 * dataset, fails with %TILEBOX_ERROR_INVALID_ARGUMENT.
 *
 * Returns: (transfer full): a cursor at the beginning of the query, or
 *   %NULL with @error set
 */
TileboxQueryCursor *
tilebox_dataset_query_pages (TileboxDataset  *self,
                             TileboxQuery    *query,
                             GError         **error)
{
  g_autoptr(GPtrArray) collections = NULL;
  g_autoptr(TileboxQueryCursor) cursor = NULL;

  g_return_val_if_fail (TILEBOX_IS_DATASET (self), NULL);
  g_return_val_if_fail (TILEBOX_IS_QUERY (query), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  collections = named_collections (self, query, error);
  if (collections == NULL)
    return NULL;

  cursor = _tilebox_query_cursor_new (self, collections->len > 0 ? collections : NULL, query);
  if (!_tilebox_query_cursor_check (cursor, error))
    return NULL;
  return g_steal_pointer (&cursor);
}

/**
 * tilebox_dataset_find:
 * @self: a dataset
 * @id: a datapoint id
 * @skip_data: %TRUE to load only the datapoint's time, id and ingestion time
 * @cancellable: (nullable): a cancellable
 * @error: return location for a #GError
 *
 * Loads one datapoint by its id from whichever collection of the dataset
 * holds it.
 *
 * Returns: (transfer full): the datapoint, or %NULL with @error set
 */
TileboxDatapoint *
tilebox_dataset_find (TileboxDataset  *self,
                      const char      *id,
                      gboolean         skip_data,
                      GCancellable    *cancellable,
                      GError         **error)
{
  g_autoptr(GPtrArray) collections = NULL;
  guint8 uuid[16];

  g_return_val_if_fail (TILEBOX_IS_DATASET (self), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!_tilebox_uuid_parse (id, uuid, _("datapoint id"), error))
    return NULL;
  collections = dataset_collections (self, NULL, cancellable, error);
  if (collections == NULL)
    return NULL;

  return _tilebox_find (self, collections, uuid, skip_data, cancellable, error);
}

/**
 * tilebox_dataset_find_async:
 * @self: a dataset
 * @id: a datapoint id
 * @skip_data: %TRUE to load only the datapoint's time, id and ingestion time
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called on the caller's thread-default main context when done
 * @user_data: data for @callback
 *
 * Loads one datapoint by its id without blocking. See
 * [method@Tilebox.Dataset.find].
 */
void
tilebox_dataset_find_async (TileboxDataset      *self,
                            const char          *id,
                            gboolean             skip_data,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GError) error = NULL;
  DatasetCall *call;

  g_return_if_fail (TILEBOX_IS_DATASET (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  call = g_new0 (DatasetCall, 1);
  if (!_tilebox_uuid_parse (id, call->id, _("datapoint id"), &error))
    {
      dataset_call_free (call);
      g_task_report_error (self, callback, user_data, tilebox_dataset_find_async, g_steal_pointer (&error));
      return;
    }
  call->find = TRUE;
  call->skip_data = skip_data;
  dataset_call_start (self, call, tilebox_dataset_find_async, cancellable, callback, user_data);
}

/**
 * tilebox_dataset_find_finish:
 * @self: a dataset
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Tilebox.Dataset.find_async].
 *
 * Returns: (transfer full): the datapoint, or %NULL with @error set
 */
TileboxDatapoint *
tilebox_dataset_find_finish (TileboxDataset  *self,
                             GAsyncResult    *result,
                             GError         **error)
{
  g_return_val_if_fail (TILEBOX_IS_DATASET (self), NULL);

  return dataset_call_finish (self, tilebox_dataset_find_async, result, error);
}
