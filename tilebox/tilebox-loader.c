/* tilebox-loader.c: running a query page by page
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tilebox-client-private.h"
#include "tilebox-collection-private.h"
#include "tilebox-datapoints-private.h"
#include "tilebox-dataset-private.h"
#include "tilebox-error.h"
#include "tilebox-loader-private.h"
#include "tilebox-query-private.h"
#include "tilebox-schema-private.h"
#include "tilebox-util-private.h"

typedef struct {
  TileboxDataset *dataset;
  TileboxQuery *query;           /* for progress */
  gint64 span_start_ms;
  gint64 span_end_ms;
  guint64 bytes;
  TileboxColumns *columns;
  TileboxPbQueryRequest request; /* collections, filters, skip_data; page set per request */
  guint page_size;
  guint64 limit;
  gboolean has_next;
  TileboxPbPagination next;
  guint pages;
} Load;

static void
load_free (Load *load)
{
  g_clear_object (&load->dataset);
  g_clear_object (&load->query);
  g_clear_pointer (&load->columns, _tilebox_columns_unref);
  _tilebox_pb_query_request_clear (&load->request);
  g_free (load);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Load, load_free)

static GArray *
collection_ids (GPtrArray *collections)
{
  GArray *ids = g_array_sized_new (FALSE, TRUE, sizeof (TileboxPbId), collections->len);

  for (guint i = 0; i < collections->len; i++)
    {
      TileboxPbId id;

      _tilebox_collection_get_pb_id (g_ptr_array_index (collections, i), &id);
      g_array_append_val (ids, id);
    }
  return ids;
}

static TileboxColumns *
new_columns (TileboxDataset  *dataset,
             GError         **error)
{
  TileboxSchema *schema = tilebox_dataset_get_schema (dataset);

  return _tilebox_columns_new (_tilebox_schema_get_pool (schema), tilebox_schema_get_type_url (schema), error);
}

static Load *
load_new (TileboxDataset  *dataset,
          GPtrArray       *collections,
          TileboxQuery    *query,
          GError         **error)
{
  g_autoptr(Load) load = g_new0 (Load, 1);

  load->dataset = g_object_ref (dataset);
  load->query = g_object_ref (query);
  _tilebox_query_get_span_ms (query, &load->span_start_ms, &load->span_end_ms);
  if (!_tilebox_query_to_pb (query, &load->request, error))
    return NULL;
  load->request.collection_ids = collection_ids (collections);
  load->page_size = tilebox_query_get_page_size (query);
  load->limit = tilebox_query_get_limit (query);
  load->columns = new_columns (dataset, error);
  if (load->columns == NULL)
    return NULL;

  return g_steal_pointer (&load);
}

static gboolean
load_done (Load *load)
{
  return !load->has_next || (load->limit > 0 && load->columns->n_rows >= load->limit);
}

/* The next page's request: the service's next page, or the first one. */
static GByteArray *
page_request (Load *load)
{
  GByteArray *out = g_byte_array_new ();

  load->request.has_page = load->has_next || load->page_size > 0 || load->limit > 0;
  memset (&load->request.page, 0, sizeof load->request.page);
  if (load->has_next)
    load->request.page = load->next;
  else if (load->page_size > 0)
    {
      load->request.page.has_limit = TRUE;
      load->request.page.limit = load->page_size;
    }

  /* Never ask for more than the query still wants. */
  if (load->limit > 0)
    {
      guint64 wanted = load->limit - load->columns->n_rows;

      if (!load->request.page.has_limit || (guint64) load->request.page.limit > wanted)
        {
          load->request.page.has_limit = TRUE;
          load->request.page.limit = (gint64) wanted;
        }
    }

  _tilebox_pb_query_request_encode (&load->request, out);
  return out;
}

/* How far through the interval the load is: the last id's time relative to
 * the interval; 1 when done, and never a division by zero. */
static double
load_fraction (Load *load)
{
  const TileboxColumn *ids;
  gint64 last_ms;

  if (load_done (load))
    return 1.0;
  ids = _tilebox_columns_lookup (load->columns, "id");
  if (ids == NULL || load->columns->n_rows == 0 || load->span_end_ms <= load->span_start_ms)
    return 0.0;

  last_ms = _tilebox_uuid_time_ms (_tilebox_column_element (ids, load->columns->n_rows - 1));
  return (double) (last_ms - load->span_start_ms) / (double) (load->span_end_ms - load->span_start_ms);
}

/* Appends a page's datapoints; runs where the caller waits. */
static gpointer
parse_page (GBytes   *body,
            gpointer  data,
            GError  **error)
{
  Load *load = data;
  g_auto(TileboxPbQueryResultPage) page = { 0 };
  TileboxSchema *schema = tilebox_dataset_get_schema (load->dataset);

  if (!_tilebox_pb_decode_bytes (query_result_page, &page, body, error))
    return NULL;

  if (page.values->len > 0 && g_strcmp0 (page.type_url, tilebox_schema_get_type_url (schema)) != 0)
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_FAILED_PRECONDITION,
                   _("The datapoints are of type “%s”, but dataset “%s” was opened with type “%s”; "
                     "open the dataset again to pick up its new type"),
                   page.type_url, tilebox_dataset_get_name (load->dataset),
                   tilebox_schema_get_type_url (schema));
      return NULL;
    }

  _tilebox_columns_reserve (load->columns, page.values->len);
  for (guint i = 0; i < page.values->len; i++)
    {
      GBytes *value = g_ptr_array_index (page.values, i);

      if (load->limit > 0 && load->columns->n_rows >= load->limit)
        break;
      if (!_tilebox_columns_append (load->columns, g_bytes_get_data (value, NULL), g_bytes_get_size (value), error))
        {
          g_prefix_error (error, _("Datapoint %u of page %u: "), i + 1, load->pages + 1);
          return NULL;
        }
    }

  load->pages++;
  load->bytes += g_bytes_get_size (body);
  load->has_next = page.has_next_page;
  load->next = page.next_page;
  if (load->has_next && !load->next.starting_after.set)
    {
      /* A next page that does not say where it starts would repeat this one. */
      g_set_error_literal (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL,
                           _("The service sent a next page without a starting point"));
      return NULL;
    }

  _tilebox_query_emit_progress (load->query, load->columns->n_rows, load->pages, load->bytes,
                                load_fraction (load));
  return load;
}

static TileboxRpc *
load_rpc (Load *load)
{
  return _tilebox_client_get_rpc (_tilebox_dataset_get_client (load->dataset));
}

TileboxDatapoints *
_tilebox_load (TileboxDataset  *dataset,
               GPtrArray       *collections,
               TileboxQuery    *query,
               GCancellable    *cancellable,
               GError         **error)
{
  g_autoptr(Load) load = load_new (dataset, collections, query, error);

  if (load == NULL)
    return NULL;

  do
    {
      if (_tilebox_rpc_invoke (load_rpc (load), TILEBOX_DATA_ACCESS_SERVICE, "Query",
                               page_request (load), parse_page, load, cancellable, error) == NULL)
        return NULL;
    }
  while (!load_done (load));

  return _tilebox_datapoints_new (tilebox_dataset_get_schema (dataset), load->columns);
}

static void load_page_cb (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data);

static void
load_next_page (GTask *task)
{
  Load *load = g_task_get_task_data (task);

  _tilebox_rpc_invoke_async (load_rpc (load), load->dataset, load_next_page,
                             TILEBOX_DATA_ACCESS_SERVICE, "Query", page_request (load),
                             parse_page, load, NULL, NULL,
                             g_task_get_cancellable (task), load_page_cb, g_object_ref (task));
}

static void
load_page_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Load *load = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (_tilebox_rpc_invoke_finish (source, load_next_page, result, &error) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!load_done (load))
    {
      load_next_page (task);
      return;
    }

  g_task_return_pointer (task, _tilebox_datapoints_new (tilebox_dataset_get_schema (load->dataset), load->columns),
                         g_object_unref);
}

void
_tilebox_load_async (TileboxDataset      *dataset,
                     GPtrArray           *collections,
                     TileboxQuery        *query,
                     gpointer             source_object,
                     gpointer             source_tag,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (source_object, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  Load *load;

  g_task_set_source_tag (task, source_tag);
  load = load_new (dataset, collections, query, &error);
  if (load == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_set_task_data (task, load, (GDestroyNotify) load_free);

  load_next_page (task);
}

/* --- find by id --------------------------------------------------------- */

static GByteArray *
find_request (GPtrArray    *collections,
              const guint8  id[16],
              gboolean      skip_data)
{
  TileboxPbQueryByIdRequest request = { 0 };
  GByteArray *out = g_byte_array_new ();

  request.collection_ids = collection_ids (collections);
  request.id.set = TRUE;
  memcpy (request.id.uuid, id, 16);
  request.skip_data = skip_data;
  _tilebox_pb_query_by_id_request_encode (&request, out);
  g_array_unref (request.collection_ids);

  return out;
}

static gpointer
parse_found (GBytes   *body,
             gpointer  dataset,
             GError  **error)
{
  g_auto(TileboxPbAny) any = { 0 };
  g_autoptr(TileboxColumns) columns = NULL;
  g_autoptr(TileboxDatapoints) datapoints = NULL;
  TileboxSchema *schema = tilebox_dataset_get_schema (dataset);

  if (!_tilebox_pb_decode_bytes (any, &any, body, error))
    return NULL;
  if (g_strcmp0 (any.type_url, tilebox_schema_get_type_url (schema)) != 0)
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_FAILED_PRECONDITION,
                   _("The datapoint is of type “%s”, but dataset “%s” was opened with type “%s”; "
                     "open the dataset again to pick up its new type"),
                   any.type_url, tilebox_dataset_get_name (dataset), tilebox_schema_get_type_url (schema));
      return NULL;
    }

  columns = new_columns (dataset, error);
  if (columns == NULL ||
      !_tilebox_columns_append (columns, g_bytes_get_data (any.value, NULL), g_bytes_get_size (any.value), error))
    return NULL;

  datapoints = _tilebox_datapoints_new (schema, columns);
  return tilebox_datapoints_get_datapoint (datapoints, 0);
}

TileboxDatapoint *
_tilebox_find (TileboxDataset  *dataset,
               GPtrArray       *collections,
               const guint8     id[16],
               gboolean         skip_data,
               GCancellable    *cancellable,
               GError         **error)
{
  return _tilebox_rpc_invoke (_tilebox_client_get_rpc (_tilebox_dataset_get_client (dataset)),
                              TILEBOX_DATA_ACCESS_SERVICE, "QueryByID",
                              find_request (collections, id, skip_data), parse_found, dataset,
                              cancellable, error);
}

static void
find_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  TileboxDatapoint *datapoint = _tilebox_rpc_invoke_finish (source, _tilebox_find_async, result, &error);

  if (datapoint == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, datapoint, g_object_unref);
}

void
_tilebox_find_async (TileboxDataset      *dataset,
                     GPtrArray           *collections,
                     const guint8         id[16],
                     gboolean             skip_data,
                     gpointer             source_object,
                     gpointer             source_tag,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (source_object, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  _tilebox_rpc_invoke_async (_tilebox_client_get_rpc (_tilebox_dataset_get_client (dataset)),
                             dataset, _tilebox_find_async, TILEBOX_DATA_ACCESS_SERVICE, "QueryByID",
                             find_request (collections, id, skip_data),
                             parse_found, g_object_ref (dataset), g_object_unref, g_object_unref,
                             cancellable, find_cb, g_object_ref (task));
}
