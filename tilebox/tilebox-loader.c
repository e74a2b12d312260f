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

typedef struct _Parallel Parallel;

/* Where a load stands: what it has received and where the next page
 * starts. A page that is not handed out goes back to where it was. */
typedef struct {
  guint64 datapoints;            /* received, in all pages */
  guint pages;
  guint64 bytes;
  gboolean has_last_id;
  guint8 last_id[16];            /* of the last datapoint received */
  gboolean has_next;
  TileboxPbPagination next;
} LoadPosition;

struct _TileboxLoad
{
  TileboxDataset *dataset;
  Parallel *parent;              /* a part of a parallel load, or NULL */
  guint part;                    /* its index there */
  TileboxQuery *query;           /* for progress */
  gint64 span_start_ms;
  gint64 span_end_ms;
  TileboxColumns *columns;       /* received and not yet handed out */
  TileboxPbQueryRequest request; /* collections, filters, skip_data; page set per request */
  guint page_size;
  guint64 limit;
  LoadPosition at;
};

void
_tilebox_load_free (TileboxLoad *load)
{
  g_clear_object (&load->dataset);
  g_clear_object (&load->query);
  g_clear_pointer (&load->columns, _tilebox_columns_unref);
  _tilebox_pb_query_request_clear (&load->request);
  g_free (load);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TileboxLoad, _tilebox_load_free)

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

TileboxLoad *
_tilebox_load_new (TileboxDataset  *dataset,
                   GPtrArray       *collections,
                   TileboxQuery    *query,
                   GError         **error)
{
  g_autoptr(TileboxLoad) load = g_new0 (TileboxLoad, 1);

  load->dataset = g_object_ref (dataset);
  load->query = g_object_ref (query);
  _tilebox_query_get_span_ms (query, &load->span_start_ms, &load->span_end_ms);
  if (!_tilebox_query_to_pb (query, tilebox_dataset_get_schema (dataset), &load->request, error))
    return NULL;
  if (collections != NULL)
    load->request.collection_ids = collection_ids (collections);
  load->page_size = tilebox_query_get_page_size (query);
  load->limit = tilebox_query_get_limit (query);
  load->columns = new_columns (dataset, error);
  if (load->columns == NULL)
    return NULL;

  return g_steal_pointer (&load);
}

/* Done once a page said there is no next one, or at the limit. */
static gboolean
load_done (TileboxLoad *load)
{
  return (load->at.pages > 0 && !load->at.has_next) || (load->limit > 0 && load->at.datapoints >= load->limit);
}

/* The next page's request: where the last page said the next one starts
 * (or where the load was told to start), or the first page. */
static GByteArray *
page_request (TileboxLoad *load)
{
  GByteArray *out = g_byte_array_new ();

  load->request.has_page = load->at.has_next || load->page_size > 0 || load->limit > 0;
  memset (&load->request.page, 0, sizeof load->request.page);
  if (load->at.has_next)
    load->request.page = load->at.next;
  else if (load->page_size > 0)
    {
      load->request.page.has_limit = TRUE;
      load->request.page.limit = load->page_size;
    }

  /* Never ask for more than the query still wants. */
  if (load->limit > 0)
    {
      guint64 wanted = load->limit - load->at.datapoints;

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
load_fraction (TileboxLoad *load)
{
  gint64 last_ms;

  if (load_done (load))
    return 1.0;
  if (!load->at.has_last_id || load->span_end_ms <= load->span_start_ms)
    return 0.0;

  last_ms = _tilebox_uuid_time_ms (load->at.last_id);
  return (double) (last_ms - load->span_start_ms) / (double) (load->span_end_ms - load->span_start_ms);
}

static void parallel_progress (Parallel    *parallel,
                               TileboxLoad *part);

/* Appends a page's datapoints to the columns and moves the load past the
 * page; runs where the caller waits. On failure the load's position is
 * unchanged (the columns may hold some rows of the page). */
static gpointer
parse_page (GBytes   *body,
            gpointer  data,
            GError  **error)
{
  TileboxLoad *load = data;
  g_auto(TileboxPbQueryResultPage) page = { 0 };
  TileboxSchema *schema = tilebox_dataset_get_schema (load->dataset);
  const TileboxColumn *ids;
  guint n;

  /* Values are slices of the body: nothing is copied before decoding. */
  if (!_tilebox_pb_query_result_page_decode_bytes (&page, body, error))
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
  if (page.has_next_page && !page.next_page.starting_after.set)
    {
      /* A next page that does not say where it starts would repeat this one. */
      g_set_error_literal (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL,
                           _("The service sent a next page without a starting point"));
      return NULL;
    }

  /* No more than the limit, should the service send more than asked for. */
  n = page.values->len;
  if (load->limit > 0 && load->limit - load->at.datapoints < n)
    n = (guint) (load->limit - load->at.datapoints);

  _tilebox_columns_reserve (load->columns, n);
  for (guint i = 0; i < n; i++)
    {
      GBytes *value = g_ptr_array_index (page.values, i);

      if (!_tilebox_columns_append (load->columns, g_bytes_get_data (value, NULL), g_bytes_get_size (value), error))
        {
          g_prefix_error (error, _("Datapoint %u of page %u: "), i + 1, load->at.pages + 1);
          return NULL;
        }
    }

  ids = _tilebox_columns_lookup (load->columns, "id");
  if (n > 0 && ids != NULL && ids->kind == TILEBOX_COLUMN_UUID)
    {
      memcpy (load->at.last_id, _tilebox_column_element (ids, load->columns->n_rows - 1), 16);
      load->at.has_last_id = TRUE;
    }
  load->at.datapoints += n;
  load->at.pages++;
  load->at.bytes += g_bytes_get_size (body);
  load->at.has_next = page.has_next_page;
  load->at.next = page.next_page;

  if (load->parent != NULL)
    parallel_progress (load->parent, load);
  else
    _tilebox_query_emit_progress (load->query, load->at.datapoints, load->at.pages, load->at.bytes,
                                  load_fraction (load));
  return load;
}

static TileboxRpc *
load_rpc (TileboxLoad *load)
{
  return _tilebox_client_get_rpc (_tilebox_dataset_get_client (load->dataset));
}

/* Hands out the datapoints received since the last hand-out. */
static TileboxDatapoints *
load_take (TileboxLoad *load)
{
  TileboxDatapoints *datapoints = _tilebox_datapoints_new (tilebox_dataset_get_schema (load->dataset), load->columns);

  g_clear_pointer (&load->columns, _tilebox_columns_unref);
  return datapoints;
}

/* --- one request, the step both drivers repeat ------------------------------ */

/* Asks for the next page and appends it to the columns. Blocking. */
static gboolean
load_page (TileboxLoad   *load,
           GCancellable  *cancellable,
           GError       **error)
{
  return _tilebox_rpc_invoke (load_rpc (load), TILEBOX_DATA_ACCESS_SERVICE, "Query",
                              page_request (load), parse_page, load, cancellable, error) != NULL;
}

/* The same on the caller's thread-default main context. The load must
 * stay alive until the callback. */
static void
load_page_async (TileboxLoad         *load,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  _tilebox_rpc_invoke_async (load_rpc (load), load->dataset, load_page_async,
                             TILEBOX_DATA_ACCESS_SERVICE, "Query", page_request (load),
                             parse_page, load, NULL, NULL, cancellable, callback, user_data);
}

static gboolean
load_page_finish (TileboxLoad   *load,
                  GAsyncResult  *result,
                  GError       **error)
{
  return _tilebox_rpc_invoke_finish (load->dataset, load_page_async, result, error) != NULL;
}

/* --- a whole load, page after page ------------------------------------------ */

static TileboxDatapoints *
load_sequential (TileboxDataset  *dataset,
                 GPtrArray       *collections,
                 TileboxQuery    *query,
                 GCancellable    *cancellable,
                 GError         **error)
{
  g_autoptr(TileboxLoad) load = _tilebox_load_new (dataset, collections, query, error);

  if (load == NULL)
    return NULL;

  do
    {
      if (!load_page (load, cancellable, error))
        return NULL;
    }
  while (!load_done (load));

  return load_take (load);
}

static void
load_page_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TileboxLoad *load = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!load_page_finish (load, result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!load_done (load))
    {
      load_page_async (load, g_task_get_cancellable (task), load_page_cb, g_object_ref (task));
      return;
    }

  g_task_return_pointer (task, load_take (load), g_object_unref);
}

static void
load_sequential_async (TileboxDataset      *dataset,
                       GPtrArray           *collections,
                       TileboxQuery        *query,
                       Parallel            *parent,
                       guint                part,
                       gpointer             source_object,
                       gpointer             source_tag,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (source_object, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  TileboxLoad *load;

  g_task_set_source_tag (task, source_tag);
  load = _tilebox_load_new (dataset, collections, query, &error);
  if (load == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  load->parent = parent;
  load->part = part;
  g_task_set_task_data (task, load, (GDestroyNotify) _tilebox_load_free);

  load_page_async (load, cancellable, load_page_cb, g_object_ref (task));
}


/* --- a load handed out page by page --------------------------------------- */

gboolean
_tilebox_load_has_collections (TileboxLoad *load)
{
  return load->request.collection_ids != NULL;
}

void
_tilebox_load_set_collections (TileboxLoad *load,
                               GPtrArray   *collections)
{
  g_clear_pointer (&load->request.collection_ids, g_array_unref);
  load->request.collection_ids = collection_ids (collections);
}

void
_tilebox_load_set_start_after (TileboxLoad  *load,
                               const guint8  id[16])
{
  memset (&load->at.next, 0, sizeof load->at.next);
  load->at.has_next = id != NULL;
  load->at.has_last_id = id != NULL;
  if (id == NULL)
    return;

  load->at.next.has_limit = load->page_size > 0;
  load->at.next.limit = load->page_size;
  load->at.next.starting_after.set = TRUE;
  memcpy (load->at.next.starting_after.uuid, id, 16);
  memcpy (load->at.last_id, id, 16);
}

gboolean
_tilebox_load_is_done (TileboxLoad *load)
{
  return load_done (load);
}

gboolean
_tilebox_load_get_last_id (TileboxLoad *load,
                           guint8       id[16])
{
  if (load->at.has_last_id)
    memcpy (id, load->at.last_id, 16);
  return load->at.has_last_id;
}

/* Readies the columns for the next page, noting where the load stands. */
static gboolean
next_page_begin (TileboxLoad   *load,
                 LoadPosition  *before,
                 GError       **error)
{
  *before = load->at;
  if (load->columns == NULL)
    load->columns = new_columns (load->dataset, error);
  return load->columns != NULL;
}

/* A page that is not handed out is as if never received. */
static void
next_page_fail (TileboxLoad        *load,
                const LoadPosition *before)
{
  load->at = *before;
  g_clear_pointer (&load->columns, _tilebox_columns_unref);
}

/* Pages without datapoints are skipped; only the last one can be empty. */
static gboolean
next_page_wanted (TileboxLoad *load)
{
  return load->columns->n_rows == 0 && !load_done (load);
}

static TileboxDatapoints *
next_page_take (TileboxLoad *load)
{
  return load->columns->n_rows > 0 ? load_take (load) : NULL;
}

gboolean
_tilebox_load_next_page (TileboxLoad        *load,
                         TileboxDatapoints **page,
                         GCancellable       *cancellable,
                         GError            **error)
{
  LoadPosition before;

  g_return_val_if_fail (_tilebox_load_has_collections (load), FALSE);

  *page = NULL;
  if (load_done (load))
    return TRUE;
  if (!next_page_begin (load, &before, error))
    return FALSE;

  do
    {
      if (!load_page (load, cancellable, error))
        {
          next_page_fail (load, &before);
          return FALSE;
        }
    }
  while (next_page_wanted (load));

  *page = next_page_take (load);
  return TRUE;
}

typedef struct {
  TileboxLoad *load;             /* the caller's */
  LoadPosition before;
} NextPage;

static void
next_page_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  NextPage *next = g_task_get_task_data (task);
  GError *error = NULL;

  if (!load_page_finish (next->load, result, &error))
    {
      next_page_fail (next->load, &next->before);
      g_task_return_error (task, error);
      return;
    }

  if (next_page_wanted (next->load))
    {
      load_page_async (next->load, g_task_get_cancellable (task), next_page_cb, g_object_ref (task));
      return;
    }

  g_task_return_pointer (task, next_page_take (next->load), g_object_unref);
}

void
_tilebox_load_next_page_async (TileboxLoad         *load,
                               gpointer             source_object,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  NextPage *next;
  GError *error = NULL;

  g_return_if_fail (_tilebox_load_has_collections (load));

  task = g_task_new (source_object, cancellable, callback, user_data);
  next = g_new0 (NextPage, 1);
  g_task_set_source_tag (task, _tilebox_load_next_page_async);
  g_task_set_task_data (task, next, g_free);
  /* The load has moved past a page once it is received: it must reach the
   * caller even if the cancellable fires in the meantime. */
  g_task_set_check_cancellable (task, FALSE);
  next->load = load;

  if (load_done (load))
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  if (!next_page_begin (load, &next->before, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  load_page_async (load, cancellable, next_page_cb, g_object_ref (task));
}

gboolean
_tilebox_load_next_page_finish (GAsyncResult       *result,
                                TileboxDatapoints **page,
                                GError            **error)
{
  GTask *task = G_TASK (result);

  g_return_val_if_fail (g_task_get_source_tag (task) == _tilebox_load_next_page_async, FALSE);

  /* NULL is a result here too: the load is done. */
  if (g_task_had_error (task))
    {
      *page = NULL;
      g_task_propagate_pointer (task, error);
      return FALSE;
    }
  *page = g_task_propagate_pointer (task, NULL);
  return TRUE;
}

/* --- parallel range loading ----------------------------------------------- */

/* A time interval is split at whole milliseconds (the service's precision)
 * into spans that together are exactly the original interval: the first
 * keeps its start and the last its end, each inner boundary ends one span
 * (excluded) and starts the next (included). The boundaries are spread
 * over the part of the interval the collections have data in. Each span is
 * paged on its own; the parts are joined in order, which is id order. */

typedef struct {
  guint64 datapoints;
  guint pages;
  guint64 bytes;
  double fraction;
} PartProgress;

struct _Parallel
{
  TileboxQuery *query;           /* the caller's, for progress */
  PartProgress *progress;        /* per part, in interval order */
  guint n_parts;
  guint remaining;
  GTask *task;                   /* owns this struct */
  GCancellable *cancellable;     /* cancels the parts: by the caller or on an error */
  GCancellable *caller_cancellable;
  gulong caller_handler;
  GError *error;                 /* the first failure */
  TileboxDatapoints **results;
};

static void
parallel_free (Parallel *parallel)
{
  if (parallel->caller_handler != 0)
    g_cancellable_disconnect (parallel->caller_cancellable, parallel->caller_handler);
  g_clear_object (&parallel->caller_cancellable);
  g_clear_object (&parallel->cancellable);
  g_clear_object (&parallel->query);
  g_free (parallel->progress);
  for (guint i = 0; i < parallel->n_parts; i++)
    g_clear_object (&parallel->results[i]);
  g_free (parallel->results);
  g_clear_error (&parallel->error);
  g_free (parallel);
}

static gint64
date_time_ms (GDateTime *dt)
{
  return _tilebox_date_time_to_unix_usec (dt) / 1000;
}

/* The sub-queries of a parallel load, or NULL when it should be sequential. */
static GPtrArray *
plan_parts (GPtrArray    *collections,
            TileboxQuery *query)
{
  TileboxTimeInterval *interval = tilebox_query_get_time_interval (query);
  guint n = tilebox_query_get_max_parallel (query);
  gint64 start_ms, end_ms, lo, hi, data_lo = G_MAXINT64, data_hi = G_MININT64;
  g_autoptr(GArray) bounds = NULL;
  g_autoptr(GPtrArray) parts = NULL;

  if (n < 2 || interval == NULL || tilebox_query_get_limit (query) > 0)
    return NULL;

  start_ms = date_time_ms (tilebox_time_interval_get_start (interval));
  end_ms = date_time_ms (tilebox_time_interval_get_end (interval));

  for (guint i = 0; i < collections->len; i++)
    {
      TileboxTimeInterval *availability = tilebox_collection_get_availability (g_ptr_array_index (collections, i));

      if (availability == NULL)
        continue;
      data_lo = MIN (data_lo, date_time_ms (tilebox_time_interval_get_start (availability)));
      data_hi = MAX (data_hi, date_time_ms (tilebox_time_interval_get_end (availability)) + 1);
    }
  lo = data_lo != G_MAXINT64 ? MAX (start_ms, data_lo) : start_ms;
  hi = data_hi != G_MININT64 ? MIN (end_ms, data_hi) : end_ms;
  if (hi - lo < (gint64) n)
    return NULL;

  /* Inner boundaries, strictly inside the original interval. */
  bounds = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 1; i < n; i++)
    {
      gint64 b = lo + (hi - lo) / n * i;

      if (b > start_ms && b < end_ms && (bounds->len == 0 || b > g_array_index (bounds, gint64, bounds->len - 1)))
        g_array_append_val (bounds, b);
    }
  if (bounds->len == 0)
    return NULL;

  parts = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i <= bounds->len; i++)
    {
      g_autoptr(GDateTime) from = NULL;
      g_autoptr(GDateTime) to = NULL;
      g_autoptr(TileboxTimeInterval) span = NULL;
      TileboxQuery *part = tilebox_query_new ();
      gboolean first = i == 0, last = i == bounds->len;

      from = first ? g_date_time_ref (tilebox_time_interval_get_start (interval))
                   : _tilebox_date_time_new_from_unix_usec (g_array_index (bounds, gint64, i - 1) * 1000);
      to = last ? g_date_time_ref (tilebox_time_interval_get_end (interval))
                : _tilebox_date_time_new_from_unix_usec (g_array_index (bounds, gint64, i) * 1000);
      span = tilebox_time_interval_new_full (from, to,
                                             first && tilebox_time_interval_get_start_exclusive (interval),
                                             last && tilebox_time_interval_get_end_inclusive (interval));
      tilebox_query_set_time_interval (part, span);
      tilebox_query_set_skip_data (part, tilebox_query_get_skip_data (query));
      tilebox_query_set_page_size (part, tilebox_query_get_page_size (query));
      g_ptr_array_add (parts, part);
    }

  return g_steal_pointer (&parts);
}

/* Records a part's page and reports the whole load's progress. */
static void
parallel_progress (Parallel    *parallel,
                   TileboxLoad *part)
{
  PartProgress *slot = &parallel->progress[part->part];
  guint64 datapoints = 0, bytes = 0;
  guint pages = 0;
  double fraction = 0;

  slot->datapoints = part->at.datapoints;
  slot->pages = part->at.pages;
  slot->bytes = part->at.bytes;
  slot->fraction = load_fraction (part);
  for (guint i = 0; i < parallel->n_parts; i++)
    {
      datapoints += parallel->progress[i].datapoints;
      pages += parallel->progress[i].pages;
      bytes += parallel->progress[i].bytes;
      fraction += parallel->progress[i].fraction;
    }
  _tilebox_query_emit_progress (parallel->query, datapoints, pages, bytes, fraction / parallel->n_parts);
}

static void
caller_cancelled_cb (GCancellable *caller,
                     GCancellable *parts)
{
  g_cancellable_cancel (parts);
}

static void
part_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Parallel *parallel = user_data;
  GTask *part_task = G_TASK (result);
  TileboxLoad *part = g_task_get_task_data (part_task);
  GError *error = NULL;
  TileboxDatapoints *datapoints = g_task_propagate_pointer (part_task, &error);
  g_autoptr(GTask) task = NULL;
  g_autoptr(TileboxColumns) joined = NULL;

  if (datapoints != NULL)
    parallel->results[part->part] = datapoints;
  else if (parallel->error == NULL)
    {
      parallel->error = error;
      /* One part failed: the result cannot be whole, so stop the others. */
      g_cancellable_cancel (parallel->cancellable);
    }
  else
    g_error_free (error);

  if (--parallel->remaining > 0)
    return;

  task = parallel->task;
  if (parallel->error != NULL)
    {
      /* The caller's cancellation is reported as such, not as whatever part
       * noticed it first. */
      if (!g_task_return_error_if_cancelled (task))
        g_task_return_error (task, g_steal_pointer (&parallel->error));
      return;
    }

  joined = _tilebox_columns_ref (_tilebox_datapoints_get_columns (parallel->results[0]));
  for (guint i = 1; i < parallel->n_parts; i++)
    _tilebox_columns_append_columns (joined, _tilebox_datapoints_get_columns (parallel->results[i]));
  g_task_return_pointer (task, _tilebox_datapoints_new (tilebox_datapoints_get_schema (parallel->results[0]), joined),
                         g_object_unref);
}

static void
load_parallel_async (TileboxDataset      *dataset,
                     GPtrArray           *collections,
                     TileboxQuery        *query,
                     GPtrArray           *part_queries,
                     gpointer             source_object,
                     gpointer             source_tag,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  Parallel *parallel = g_new0 (Parallel, 1);

  parallel->task = g_task_new (source_object, cancellable, callback, user_data);
  g_task_set_source_tag (parallel->task, source_tag);
  g_task_set_task_data (parallel->task, parallel, (GDestroyNotify) parallel_free);
  parallel->query = g_object_ref (query);
  parallel->n_parts = parallel->remaining = part_queries->len;
  parallel->progress = g_new0 (PartProgress, part_queries->len);
  parallel->results = g_new0 (TileboxDatapoints *, part_queries->len);
  parallel->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      parallel->caller_cancellable = g_object_ref (cancellable);
      parallel->caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (caller_cancelled_cb),
                                                        parallel->cancellable, NULL);
    }

  for (guint i = 0; i < part_queries->len; i++)
    load_sequential_async (dataset, collections, g_ptr_array_index (part_queries, i), parallel, i,
                           dataset, load_parallel_async, parallel->cancellable, part_done_cb, parallel);
}

/* --- the two drivers ----------------------------------------------------- */

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
  g_autoptr(GPtrArray) parts = plan_parts (collections, query);

  if (parts == NULL)
    load_sequential_async (dataset, collections, query, NULL, 0, source_object, source_tag,
                           cancellable, callback, user_data);
  else
    load_parallel_async (dataset, collections, query, parts, source_object, source_tag,
                         cancellable, callback, user_data);
}

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

TileboxDatapoints *
_tilebox_load (TileboxDataset  *dataset,
               GPtrArray       *collections,
               TileboxQuery    *query,
               GCancellable    *cancellable,
               GError         **error)
{
  g_autoptr(GPtrArray) parts = plan_parts (collections, query);
  g_autoptr(GMainContext) context = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  if (parts == NULL)
    return load_sequential (dataset, collections, query, cancellable, error);

  /* Requests at once need a main context to wait on: a private one, so
   * that the caller's context is not run behind its back. */
  context = g_main_context_new ();
  g_main_context_push_thread_default (context);
  load_parallel_async (dataset, collections, query, parts, dataset, _tilebox_load,
                       cancellable, store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);
  while (g_main_context_pending (context))
    g_main_context_iteration (context, FALSE);
  g_main_context_pop_thread_default (context);

  return g_task_propagate_pointer (G_TASK (result), error);
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
