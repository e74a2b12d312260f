/* tilebox-collection.c
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tilebox-client-private.h"
#include "tilebox-collection-private.h"
#include "tilebox-dataset-private.h"
#include "tilebox-datapoints.h"
#include "tilebox-loader-private.h"
#include "tilebox-query.h"
#include "tilebox-query-cursor-private.h"
#include "tilebox-time-interval-private.h"
#include "tilebox-util-private.h"

/**
 * TileboxCollection:
 *
 * A collection of datapoints in a [class@Tilebox.Dataset], such as one
 * satellite's products.
 *
 * A collection knows the time span its data covers
 * ([property@Tilebox.Collection:availability]) and, once refreshed, how many
 * datapoints it holds ([property@Tilebox.Collection:count]).
 * [method@Tilebox.Collection.refresh] fetches both anew and notifies the
 * properties that changed.
 */
struct _TileboxCollection
{
  GObject parent_instance;

  TileboxDataset *dataset;
  char *id;
  TileboxPbId pb_id;
  char *name;
  TileboxTimeInterval *availability;
  gboolean has_count;
  guint64 count;
};

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_DATASET,
  PROP_AVAILABILITY,
  PROP_HAS_COUNT,
  PROP_COUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (TileboxCollection, tilebox_collection, G_TYPE_OBJECT)

static void
tilebox_collection_finalize (GObject *object)
{
  TileboxCollection *self = TILEBOX_COLLECTION (object);

  g_clear_object (&self->dataset);
  g_free (self->id);
  g_free (self->name);
  g_clear_pointer (&self->availability, tilebox_time_interval_unref);

  G_OBJECT_CLASS (tilebox_collection_parent_class)->finalize (object);
}

static void
tilebox_collection_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  TileboxCollection *self = TILEBOX_COLLECTION (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_DATASET:
      g_value_set_object (value, self->dataset);
      break;
    case PROP_AVAILABILITY:
      g_value_set_boxed (value, self->availability);
      break;
    case PROP_HAS_COUNT:
      g_value_set_boolean (value, self->has_count);
      break;
    case PROP_COUNT:
      g_value_set_uint64 (value, self->count);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tilebox_collection_class_init (TileboxCollectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tilebox_collection_finalize;
  object_class->get_property = tilebox_collection_get_property;

  /**
   * TileboxCollection:id:
   *
   * The collection's id, a UUID.
   */
  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * TileboxCollection:name:
   *
   * The collection's name, unique within its dataset.
   */
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * TileboxCollection:dataset:
   *
   * The dataset the collection belongs to.
   */
  properties[PROP_DATASET] =
    g_param_spec_object ("dataset", NULL, NULL, TILEBOX_TYPE_DATASET,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * TileboxCollection:availability:
   *
   * The time span from the first to the last datapoint, both included, or
   * %NULL when the collection is empty.
   */
  properties[PROP_AVAILABILITY] =
    g_param_spec_boxed ("availability", NULL, NULL, TILEBOX_TYPE_TIME_INTERVAL,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * TileboxCollection:has-count:
   *
   * Whether [property@Tilebox.Collection:count] is known.
   */
  properties[PROP_HAS_COUNT] =
    g_param_spec_boolean ("has-count", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * TileboxCollection:count:
   *
   * The number of datapoints, when [property@Tilebox.Collection:has-count]
   * says it is known; 0 otherwise.
   */
  properties[PROP_COUNT] =
    g_param_spec_uint64 ("count", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tilebox_collection_init (TileboxCollection *self)
{
}

/* Takes the info of a response, notifying what changed. */
static void
collection_update (TileboxCollection             *self,
                   const TileboxPbCollectionInfo *pb)
{
  g_autoptr(TileboxTimeInterval) availability = NULL;
  gboolean availability_changed;

  if (pb->has_availability)
    availability = _tilebox_time_interval_new_from_pb (&pb->availability);

  availability_changed = (availability == NULL) != (self->availability == NULL) ||
                         (availability != NULL && !tilebox_time_interval_equal (availability, self->availability));
  if (availability_changed)
    {
      g_clear_pointer (&self->availability, tilebox_time_interval_unref);
      self->availability = g_steal_pointer (&availability);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AVAILABILITY]);
    }

  if (pb->has_count != self->has_count)
    {
      self->has_count = pb->has_count;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_COUNT]);
    }
  if (pb->has_count && pb->count != self->count)
    {
      self->count = pb->count;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COUNT]);
    }
}

TileboxCollection *
_tilebox_collection_new_from_pb (TileboxDataset                *dataset,
                                 const TileboxPbCollectionInfo *pb)
{
  TileboxCollection *self = g_object_new (TILEBOX_TYPE_COLLECTION, NULL);

  self->dataset = g_object_ref (dataset);
  self->pb_id = pb->id;
  self->id = _tilebox_pb_id_to_string (&pb->id);
  self->name = g_strdup (pb->name ? pb->name : "");
  collection_update (self, pb);

  return self;
}

void
_tilebox_collection_get_pb_id (TileboxCollection *self,
                               TileboxPbId       *id)
{
  *id = self->pb_id;
}

/**
 * tilebox_collection_get_id:
 * @self: a collection
 *
 * The collection's id.
 *
 * Returns: (transfer none) (nullable): the id as a UUID string
 */
const char *
tilebox_collection_get_id (TileboxCollection *self)
{
  g_return_val_if_fail (TILEBOX_IS_COLLECTION (self), NULL);
  return self->id;
}

/**
 * tilebox_collection_get_name:
 * @self: a collection
 *
 * The collection's name.
 *
 * Returns: (transfer none): the name
 */
const char *
tilebox_collection_get_name (TileboxCollection *self)
{
  g_return_val_if_fail (TILEBOX_IS_COLLECTION (self), NULL);
  return self->name;
}

/**
 * tilebox_collection_get_dataset:
 * @self: a collection
 *
 * The dataset the collection belongs to.
 *
 * Returns: (transfer none): the dataset
 */
TileboxDataset *
tilebox_collection_get_dataset (TileboxCollection *self)
{
  g_return_val_if_fail (TILEBOX_IS_COLLECTION (self), NULL);
  return self->dataset;
}

/**
 * tilebox_collection_get_availability:
 * @self: a collection
 *
 * The time span the collection's data covers, first and last datapoint
 * included.
 *
 * Returns: (transfer none) (nullable): the span, or %NULL for an empty
 *   collection
 */
TileboxTimeInterval *
tilebox_collection_get_availability (TileboxCollection *self)
{
  g_return_val_if_fail (TILEBOX_IS_COLLECTION (self), NULL);
  return self->availability;
}

/**
 * tilebox_collection_get_has_count:
 * @self: a collection
 *
 * Whether the number of datapoints is known; it is after
 * [method@Tilebox.Collection.refresh].
 *
 * Returns: %TRUE if [method@Tilebox.Collection.get_count] is meaningful
 */
gboolean
tilebox_collection_get_has_count (TileboxCollection *self)
{
  g_return_val_if_fail (TILEBOX_IS_COLLECTION (self), FALSE);
  return self->has_count;
}

/**
 * tilebox_collection_get_count:
 * @self: a collection
 *
 * The number of datapoints, if known.
 *
 * Returns: the count, or 0 when unknown
 */
guint64
tilebox_collection_get_count (TileboxCollection *self)
{
  g_return_val_if_fail (TILEBOX_IS_COLLECTION (self), 0);
  return self->count;
}

static GByteArray *
refresh_request (TileboxCollection *self)
{
  TileboxPbGetCollectionByNameRequest request = { 0 };
  GByteArray *out = g_byte_array_new ();

  request.collection_name = self->name;
  request.with_availability = TRUE;
  request.with_count = TRUE;
  _tilebox_dataset_get_pb_id (self->dataset, &request.dataset_id);
  _tilebox_pb_get_collection_by_name_request_encode (&request, out);

  return out;
}

/* Runs where the caller waits (its thread, or its main context). */
static gpointer
parse_refresh (GBytes   *body,
               gpointer  collection,
               GError  **error)
{
  g_auto(TileboxPbCollectionInfo) info = { 0 };

  if (!_tilebox_pb_decode_bytes (collection_info, &info, body, error))
    return NULL;

  collection_update (collection, &info);
  return collection;
}

static TileboxRpc *
collection_rpc (TileboxCollection *self)
{
  return _tilebox_client_get_rpc (_tilebox_dataset_get_client (self->dataset));
}

/**
 * tilebox_collection_refresh:
 * @self: a collection
 * @cancellable: (nullable): a cancellable
 * @error: return location for a #GError
 *
 * Fetches the collection's availability and count anew. Properties that
 * changed are notified.
 *
 * Returns: %TRUE on success, %FALSE with @error set
 */
gboolean
tilebox_collection_refresh (TileboxCollection  *self,
                            GCancellable       *cancellable,
                            GError            **error)
{
  g_return_val_if_fail (TILEBOX_IS_COLLECTION (self), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return _tilebox_rpc_invoke (collection_rpc (self), TILEBOX_COLLECTION_SERVICE, "GetCollectionByName",
                              refresh_request (self), parse_refresh, self, cancellable, error) != NULL;
}

/**
 * tilebox_collection_refresh_async:
 * @self: a collection
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called on the caller's thread-default main context when done
 * @user_data: data for @callback
 *
 * Fetches the collection's availability and count anew without blocking.
 * The properties change, and are notified, on the caller's thread-default
 * main context just before @callback runs.
 */
void
tilebox_collection_refresh_async (TileboxCollection   *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (TILEBOX_IS_COLLECTION (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  _tilebox_rpc_invoke_async (collection_rpc (self), self, tilebox_collection_refresh_async,
                             TILEBOX_COLLECTION_SERVICE, "GetCollectionByName", refresh_request (self),
                             parse_refresh, g_object_ref (self), g_object_unref, NULL,
                             cancellable, callback, user_data);
}

/**
 * tilebox_collection_refresh_finish:
 * @self: a collection
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Tilebox.Collection.refresh_async].
 *
 * Returns: %TRUE on success, %FALSE with @error set
 */
gboolean
tilebox_collection_refresh_finish (TileboxCollection  *self,
                                   GAsyncResult       *result,
                                   GError            **error)
{
  g_return_val_if_fail (TILEBOX_IS_COLLECTION (self), FALSE);

  return _tilebox_rpc_invoke_finish (self, tilebox_collection_refresh_async, result, error) != NULL;
}

/* --- queries ---------------------------------------------------------------- */

static GPtrArray *
just (TileboxCollection *self)
{
  GPtrArray *collections = g_ptr_array_new_with_free_func (g_object_unref);

  g_ptr_array_add (collections, g_object_ref (self));
  return collections;
}

/**
 * tilebox_collection_query:
 * @self: a collection
 * @query: what to load: an interval, and how
 * @cancellable: (nullable): a cancellable
 * @error: return location for a #GError
 *
 * Loads the collection's datapoints in the query's interval, page after
 * page until all are there (or the query's limit is reached). A query
 * without an interval fails with %TILEBOX_ERROR_INVALID_ARGUMENT before
 * anything is sent.
 *
 * Returns: (transfer full): the datapoints, in id order, or %NULL with
 *   @error set
 */
TileboxDatapoints *
tilebox_collection_query (TileboxCollection  *self,
                          TileboxQuery       *query,
                          GCancellable       *cancellable,
                          GError            **error)
{
  g_autoptr(GPtrArray) collections = NULL;

  g_return_val_if_fail (TILEBOX_IS_COLLECTION (self), NULL);
  g_return_val_if_fail (TILEBOX_IS_QUERY (query), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  collections = just (self);
  return _tilebox_load (self->dataset, collections, query, cancellable, error);
}

/**
 * tilebox_collection_query_async:
 * @self: a collection
 * @query: what to load
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called on the caller's thread-default main context when done
 * @user_data: data for @callback
 *
 * Loads the collection's datapoints in the query's interval without
 * blocking. See [method@Tilebox.Collection.query]. The query is read when
 * this is called; changing it afterwards does not change the load.
 */
void
tilebox_collection_query_async (TileboxCollection   *self,
                                TileboxQuery        *query,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GPtrArray) collections = NULL;

  g_return_if_fail (TILEBOX_IS_COLLECTION (self));
  g_return_if_fail (TILEBOX_IS_QUERY (query));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  collections = just (self);
  _tilebox_load_async (self->dataset, collections, query, self, tilebox_collection_query_async,
                       cancellable, callback, user_data);
}

/**
 * tilebox_collection_query_finish:
 * @self: a collection
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Tilebox.Collection.query_async].
 *
 * Returns: (transfer full): the datapoints, or %NULL with @error set
 */
TileboxDatapoints *
tilebox_collection_query_finish (TileboxCollection  *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  g_return_val_if_fail (TILEBOX_IS_COLLECTION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tilebox_collection_query_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * tilebox_collection_query_pages:
 * @self: a collection
 * @query: what to load: an interval, and how
 *
 * A cursor over the collection's datapoints in the query's interval, one
 * page at a time, for results too large to load at once with
 * [method@Tilebox.Collection.query]. Nothing is sent until the first
 * [method@Tilebox.QueryCursor.next].
 *
 * The query is read when this is called; changing it afterwards does not
 * change the cursor. Its [property@Tilebox.Query:page-size] is the size of
 * each page (0 leaves it to the service), its [property@Tilebox.Query:limit]
 * caps the datapoints of all pages together, and its
 * [signal@Tilebox.Query::progress] is emitted after each page. Its
 * [property@Tilebox.Query:max-parallel] is ignored: pages come one after
 * the other. A query without an interval gives a cursor whose
 * [method@Tilebox.QueryCursor.next] fails with
 * %TILEBOX_ERROR_INVALID_ARGUMENT.
 *
 * Returns: (transfer full): a cursor at the beginning of the query
 */
TileboxQueryCursor *
tilebox_collection_query_pages (TileboxCollection *self,
                                TileboxQuery      *query)
{
  g_autoptr(GPtrArray) collections = NULL;

  g_return_val_if_fail (TILEBOX_IS_COLLECTION (self), NULL);
  g_return_val_if_fail (TILEBOX_IS_QUERY (query), NULL);

  collections = just (self);
  return _tilebox_query_cursor_new (self->dataset, collections, query);
}

/**
 * tilebox_collection_find:
 * @self: a collection
 * @id: a datapoint id
 * @skip_data: %TRUE to load only the datapoint's time, id and ingestion time
 * @cancellable: (nullable): a cancellable
 * @error: return location for a #GError
 *
 * Loads one datapoint by its id. An id that is not in the collection fails
 * with %TILEBOX_ERROR_NOT_FOUND; a malformed one with
 * %TILEBOX_ERROR_INVALID_ARGUMENT before anything is sent.
 *
 * Returns: (transfer full): the datapoint, or %NULL with @error set
 */
TileboxDatapoint *
tilebox_collection_find (TileboxCollection  *self,
                         const char         *id,
                         gboolean            skip_data,
                         GCancellable       *cancellable,
                         GError            **error)
{
  g_autoptr(GPtrArray) collections = NULL;
  guint8 uuid[16];

  g_return_val_if_fail (TILEBOX_IS_COLLECTION (self), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!_tilebox_uuid_parse (id, uuid, _("datapoint id"), error))
    return NULL;

  collections = just (self);
  return _tilebox_find (self->dataset, collections, uuid, skip_data, cancellable, error);
}

/**
 * tilebox_collection_find_async:
 * @self: a collection
 * @id: a datapoint id
 * @skip_data: %TRUE to load only the datapoint's time, id and ingestion time
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called on the caller's thread-default main context when done
 * @user_data: data for @callback
 *
 * Loads one datapoint by its id without blocking. See
 * [method@Tilebox.Collection.find].
 */
void
tilebox_collection_find_async (TileboxCollection   *self,
                               const char          *id,
                               gboolean             skip_data,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GPtrArray) collections = NULL;
  g_autoptr(GError) error = NULL;
  guint8 uuid[16];

  g_return_if_fail (TILEBOX_IS_COLLECTION (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  if (!_tilebox_uuid_parse (id, uuid, _("datapoint id"), &error))
    {
      g_task_report_error (self, callback, user_data, tilebox_collection_find_async, g_steal_pointer (&error));
      return;
    }

  collections = just (self);
  _tilebox_find_async (self->dataset, collections, uuid, skip_data, self, tilebox_collection_find_async,
                       cancellable, callback, user_data);
}

/**
 * tilebox_collection_find_finish:
 * @self: a collection
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Tilebox.Collection.find_async].
 *
 * Returns: (transfer full): the datapoint, or %NULL with @error set
 */
TileboxDatapoint *
tilebox_collection_find_finish (TileboxCollection  *self,
                                GAsyncResult       *result,
                                GError            **error)
{
  g_return_val_if_fail (TILEBOX_IS_COLLECTION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tilebox_collection_find_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
