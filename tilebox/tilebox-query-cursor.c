/* tilebox-query-cursor.c
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tilebox-dataset-private.h"
#include "tilebox-error.h"
#include "tilebox-loader-private.h"
#include "tilebox-query-cursor-private.h"
#include "tilebox-util-private.h"

/**
 * TileboxQueryCursor:
 *
 * The datapoints of a query, one page at a time, for results too large to
 * hold at once.
 *
 * A cursor is made by [method@Tilebox.Collection.query_pages] or
 * [method@Tilebox.Dataset.query_pages]; each
 * [method@Tilebox.QueryCursor.next] loads the next page as a
 * [class@Tilebox.Datapoints] of its own, until it returns %NULL without an
 * error. Pages come in id order and each holds up to the query's page size.
 *
 * ```c
 * g_autoptr(TileboxQueryCursor) cursor = tilebox_collection_query_pages (collection, query);
 * g_autoptr(GError) error = NULL;
 *
 * while (TRUE)
 *   {
 *     g_autoptr(TileboxDatapoints) page = tilebox_query_cursor_next (cursor, NULL, &error);
 *
 *     if (page == NULL)
 *       break;
 *     use (page);
 *     save (tilebox_query_cursor_get_position (cursor));
 *   }
 * if (error != NULL)
 *   g_printerr ("%s\n", error->message);
 * ```
 *
 * A cursor can be resumed: its [property@Tilebox.QueryCursor:position] is
 * the id of the last datapoint it delivered, and a new cursor over the
 * same query given that position by
 * [method@Tilebox.QueryCursor.set_position] continues right after it, so
 * a program can stop and later go on where it left off.
 *
 * A failed next leaves the cursor where it was: the same page is asked for
 * again by the next call. Only one next may run at a time, and a cursor is
 * used from one thread at a time.
 */
struct _TileboxQueryCursor
{
  GObject parent_instance;

  TileboxDataset *dataset;
  TileboxLoad *load;             /* NULL when the query could not be read: */
  GError *error;                 /* why */
  gboolean started;              /* a next was called */
  gboolean busy;                 /* a next is running */
  gboolean done;
  guint64 n_datapoints;
  guint n_pages;
  char *position;
};

enum {
  PROP_0,
  PROP_POSITION,
  PROP_DONE,
  PROP_N_DATAPOINTS,
  PROP_N_PAGES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (TileboxQueryCursor, tilebox_query_cursor, G_TYPE_OBJECT)

static void
tilebox_query_cursor_finalize (GObject *object)
{
  TileboxQueryCursor *self = TILEBOX_QUERY_CURSOR (object);

  g_clear_pointer (&self->load, _tilebox_load_free);
  g_clear_object (&self->dataset);
  g_clear_error (&self->error);
  g_free (self->position);

  G_OBJECT_CLASS (tilebox_query_cursor_parent_class)->finalize (object);
}

static void
tilebox_query_cursor_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  TileboxQueryCursor *self = TILEBOX_QUERY_CURSOR (object);

  switch (prop_id)
    {
    case PROP_POSITION:
      g_value_set_string (value, self->position);
      break;
    case PROP_DONE:
      g_value_set_boolean (value, self->done);
      break;
    case PROP_N_DATAPOINTS:
      g_value_set_uint64 (value, self->n_datapoints);
      break;
    case PROP_N_PAGES:
      g_value_set_uint (value, self->n_pages);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tilebox_query_cursor_class_init (TileboxQueryCursorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = tilebox_query_cursor_finalize;
  object_class->get_property = tilebox_query_cursor_get_property;

  /**
   * TileboxQueryCursor:position:
   *
   * The id of the last datapoint delivered, or the one set by
   * [method@Tilebox.QueryCursor.set_position] before the first page; %NULL
   * before either. The next page starts right after it.
   */
  properties[PROP_POSITION] = g_param_spec_string ("position", NULL, NULL, NULL, flags);

  /**
   * TileboxQueryCursor:done: (getter is_done)
   *
   * Whether the last page has been delivered: a further
   * [method@Tilebox.QueryCursor.next] returns %NULL without asking the
   * service.
   */
  properties[PROP_DONE] = g_param_spec_boolean ("done", NULL, NULL, FALSE, flags);

  /**
   * TileboxQueryCursor:n-datapoints:
   *
   * How many datapoints the cursor has delivered, in all pages.
   */
  properties[PROP_N_DATAPOINTS] = g_param_spec_uint64 ("n-datapoints", NULL, NULL, 0, G_MAXUINT64, 0, flags);

  /**
   * TileboxQueryCursor:n-pages:
   *
   * How many pages the cursor has delivered.
   */
  properties[PROP_N_PAGES] = g_param_spec_uint ("n-pages", NULL, NULL, 0, G_MAXUINT, 0, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tilebox_query_cursor_init (TileboxQueryCursor *self)
{
}

TileboxQueryCursor *
_tilebox_query_cursor_new (TileboxDataset *dataset,
                           GPtrArray      *collections,
                           TileboxQuery   *query)
{
  TileboxQueryCursor *self = g_object_new (TILEBOX_TYPE_QUERY_CURSOR, NULL);

  self->dataset = g_object_ref (dataset);
  self->load = _tilebox_load_new (dataset, collections, query, &self->error);

  return self;
}

gboolean
_tilebox_query_cursor_check (TileboxQueryCursor  *self,
                             GError             **error)
{
  if (self->error == NULL)
    return TRUE;
  g_propagate_error (error, g_error_copy (self->error));
  return FALSE;
}

/* Whether a next may start now. */
static gboolean
cursor_may_start (TileboxQueryCursor  *self,
                  GError             **error)
{
  if (self->busy)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PENDING,
                           _("The cursor is loading a page already; wait for it before asking for the next"));
      return FALSE;
    }
  return _tilebox_query_cursor_check (self, error);
}

static void
set_position (TileboxQueryCursor *self,
              const guint8        id[16])
{
  g_autofree char *position = id != NULL ? _tilebox_uuid_to_string (id) : NULL;

  if (g_strcmp0 (position, self->position) == 0)
    return;
  g_free (self->position);
  self->position = g_steal_pointer (&position);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITION]);
}

/* Takes note of a page delivered, or of the end, notifying what changed. */
static void
cursor_advance (TileboxQueryCursor *self,
                TileboxDatapoints  *page)
{
  GObject *object = G_OBJECT (self);
  guint8 id[16];

  g_object_freeze_notify (object);
  if (page != NULL)
    {
      self->n_datapoints += tilebox_datapoints_get_n_rows (page);
      self->n_pages++;
      g_object_notify_by_pspec (object, properties[PROP_N_DATAPOINTS]);
      g_object_notify_by_pspec (object, properties[PROP_N_PAGES]);
      if (_tilebox_load_get_last_id (self->load, id))
        set_position (self, id);
    }
  if (!self->done && _tilebox_load_is_done (self->load))
    {
      self->done = TRUE;
      g_object_notify_by_pspec (object, properties[PROP_DONE]);
    }
  g_object_thaw_notify (object);
}

/**
 * tilebox_query_cursor_next:
 * @self: a cursor
 * @cancellable: (nullable): a cancellable
 * @error: return location for a #GError
 *
 * Loads the next page. The first call of a cursor over all collections of
 * a dataset lists them first. A failure leaves the cursor where it was, so
 * that calling this again asks for the same page; a call while another is
 * running fails with `G_IO_ERROR_PENDING`.
 *
 * Returns: (transfer full) (nullable): the page's datapoints, or %NULL
 *   when there are no more (without an error) or with @error set
 */
TileboxDatapoints *
tilebox_query_cursor_next (TileboxQueryCursor  *self,
                           GCancellable        *cancellable,
                           GError             **error)
{
  g_autoptr(GPtrArray) collections = NULL;
  TileboxDatapoints *page = NULL;
  gboolean ok = TRUE;

  g_return_val_if_fail (TILEBOX_IS_QUERY_CURSOR (self), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!cursor_may_start (self, error) || self->done)
    return NULL;

  self->started = self->busy = TRUE;
  if (!_tilebox_load_has_collections (self->load))
    {
      collections = tilebox_dataset_list_collections (self->dataset, cancellable, error);
      ok = collections != NULL && _tilebox_dataset_check_has_collections (self->dataset, collections, error);
      if (ok)
        _tilebox_load_set_collections (self->load, collections);
    }
  ok = ok && _tilebox_load_next_page (self->load, &page, cancellable, error);
  self->busy = FALSE;

  if (ok)
    cursor_advance (self, page);
  return page;
}

static void
next_page_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TileboxQueryCursor *self = g_task_get_source_object (task);
  TileboxDatapoints *page = NULL;
  GError *error = NULL;

  self->busy = FALSE;
  if (!_tilebox_load_next_page_finish (result, &page, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  cursor_advance (self, page);
  g_task_return_pointer (task, page, g_object_unref);
}

static void
collections_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TileboxQueryCursor *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) collections = NULL;
  GCancellable *cancellable;
  GError *error = NULL;

  collections = tilebox_dataset_list_collections_finish (self->dataset, result, &error);
  if (collections == NULL || !_tilebox_dataset_check_has_collections (self->dataset, collections, &error))
    {
      self->busy = FALSE;
      g_task_return_error (task, error);
      return;
    }
  _tilebox_load_set_collections (self->load, collections);
  cancellable = g_task_get_cancellable (task);
  _tilebox_load_next_page_async (self->load, self, cancellable, next_page_cb, g_steal_pointer (&task));
}

/**
 * tilebox_query_cursor_next_async:
 * @self: a cursor
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called on the caller's thread-default main context when done
 * @user_data: data for @callback
 *
 * Loads the next page without blocking. See
 * [method@Tilebox.QueryCursor.next]. The cursor's properties change, and
 * are notified, on the caller's thread-default main context just before
 * @callback runs. A page received before @cancellable fires is delivered.
 */
void
tilebox_query_cursor_next_async (TileboxQueryCursor  *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (TILEBOX_IS_QUERY_CURSOR (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tilebox_query_cursor_next_async);
  /* The cursor moves past a page once it is received: the page must reach
   * the caller even if the cancellable fires in the meantime. */
  g_task_set_check_cancellable (task, FALSE);

  if (!cursor_may_start (self, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (self->done)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  self->started = self->busy = TRUE;
  if (!_tilebox_load_has_collections (self->load))
    tilebox_dataset_list_collections_async (self->dataset, cancellable, collections_cb, g_steal_pointer (&task));
  else
    _tilebox_load_next_page_async (self->load, self, cancellable, next_page_cb, g_steal_pointer (&task));
}

/**
 * tilebox_query_cursor_next_finish:
 * @self: a cursor
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Tilebox.QueryCursor.next_async].
 *
 * Returns: (transfer full) (nullable): the page's datapoints, or %NULL
 *   when there are no more (without an error) or with @error set
 */
TileboxDatapoints *
tilebox_query_cursor_next_finish (TileboxQueryCursor  *self,
                                  GAsyncResult        *result,
                                  GError             **error)
{
  g_return_val_if_fail (TILEBOX_IS_QUERY_CURSOR (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tilebox_query_cursor_next_async, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * tilebox_query_cursor_is_done: (get-property done)
 * @self: a cursor
 *
 * Whether the last page has been delivered.
 *
 * Returns: %TRUE if there are no more pages
 */
gboolean
tilebox_query_cursor_is_done (TileboxQueryCursor *self)
{
  g_return_val_if_fail (TILEBOX_IS_QUERY_CURSOR (self), FALSE);
  return self->done;
}

/**
 * tilebox_query_cursor_get_n_datapoints:
 * @self: a cursor
 *
 * How many datapoints the cursor has delivered. A cursor resumed with
 * [method@Tilebox.QueryCursor.set_position] counts from there.
 *
 * Returns: the number of datapoints in all pages so far
 */
guint64
tilebox_query_cursor_get_n_datapoints (TileboxQueryCursor *self)
{
  g_return_val_if_fail (TILEBOX_IS_QUERY_CURSOR (self), 0);
  return self->n_datapoints;
}

/**
 * tilebox_query_cursor_get_n_pages:
 * @self: a cursor
 *
 * How many pages the cursor has delivered.
 *
 * Returns: the number of pages so far
 */
guint
tilebox_query_cursor_get_n_pages (TileboxQueryCursor *self)
{
  g_return_val_if_fail (TILEBOX_IS_QUERY_CURSOR (self), 0);
  return self->n_pages;
}

/**
 * tilebox_query_cursor_get_position:
 * @self: a cursor
 *
 * Where the cursor stands: the id of the last datapoint delivered. Kept,
 * it lets a new cursor over the same query continue from here with
 * [method@Tilebox.QueryCursor.set_position].
 *
 * Returns: (transfer none) (nullable): the id as a UUID string, or %NULL before the first
 *   datapoint
 */
const char *
tilebox_query_cursor_get_position (TileboxQueryCursor *self)
{
  g_return_val_if_fail (TILEBOX_IS_QUERY_CURSOR (self), NULL);
  return self->position;
}

/**
 * tilebox_query_cursor_set_position:
 * @self: a cursor
 * @after_id: (nullable): the id of a datapoint, as a UUID string; %NULL for
 *   the beginning
 * @error: return location for a #GError
 *
 * Makes the cursor start strictly after the datapoint @after_id, usually
 * a [property@Tilebox.QueryCursor:position] kept from an earlier cursor
 * over the same query. The datapoint need not exist: the cursor continues
 * with the first datapoint whose id comes after it. Only possible before
 * the first [method@Tilebox.QueryCursor.next]; later it fails with
 * %TILEBOX_ERROR_FAILED_PRECONDITION. A malformed id fails with
 * %TILEBOX_ERROR_INVALID_ARGUMENT.
 *
 * The query's limit counts from the new position.
 *
 * Returns: %TRUE on success, %FALSE with @error set
 */
gboolean
tilebox_query_cursor_set_position (TileboxQueryCursor  *self,
                                   const char          *after_id,
                                   GError             **error)
{
  guint8 id[16];

  g_return_val_if_fail (TILEBOX_IS_QUERY_CURSOR (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->started)
    {
      g_set_error_literal (error, TILEBOX_ERROR, TILEBOX_ERROR_FAILED_PRECONDITION,
                           _("A cursor’s position can only be set before its first page; "
                             "make a new cursor to start elsewhere"));
      return FALSE;
    }
  if (!_tilebox_query_cursor_check (self, error))
    return FALSE;
  if (after_id != NULL && !_tilebox_uuid_parse (after_id, id, _("cursor position"), error))
    return FALSE;

  _tilebox_load_set_start_after (self->load, after_id != NULL ? id : NULL);
  set_position (self, after_id != NULL ? id : NULL);
  return TRUE;
}
