/* tilebox-query.c
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tilebox-collection-private.h"
#include "tilebox-error.h"
#include "tilebox-filter-private.h"
#include "tilebox-geometry-private.h"
#include "tilebox-id-interval-private.h"
#include "tilebox-query-private.h"
#include "tilebox-time-interval-private.h"
#include "tilebox-util-private.h"

/**
 * TileboxQuery:
 *
 * What to load from a collection or a dataset: a time interval or an id
 * interval, and how.
 *
 * A query is a small builder: set an interval (a time interval and an id
 * interval exclude each other; setting one clears the other), whether to
 * skip the datapoints' data and fetch only their time, id and ingestion
 * time, the page size of each request and a limit on the whole result. For
 * a query over a dataset, the collections to query; none means all.
 *
 * ```c
 * g_autoptr(TileboxQuery) query = tilebox_query_new ();
 * g_autoptr(TileboxTimeInterval) january =
 *   tilebox_time_interval_new_parse ("2025-01-01", "2025-02-01", &error);
 * tilebox_query_set_time_interval (query, january);
 * ```
 */
struct _TileboxQuery
{
  GObject parent_instance;

  TileboxTimeInterval *time_interval;
  TileboxIdInterval *id_interval;
  gboolean skip_data;
  guint page_size;
  guint64 limit;
  guint max_parallel;
  GPtrArray *collections;
  GPtrArray *filters;             /* TileboxFilter* */
  GBytes *spatial_wkb;            /* normalized, or NULL */
  TileboxSpatialMode spatial_mode;
  TileboxCoordinateSystem coordinate_system;
};

enum {
  PROP_0,
  PROP_TIME_INTERVAL,
  PROP_ID_INTERVAL,
  PROP_SKIP_DATA,
  PROP_PAGE_SIZE,
  PROP_LIMIT,
  PROP_MAX_PARALLEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_PROGRESS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TileboxQuery, tilebox_query, G_TYPE_OBJECT)

static void
tilebox_query_finalize (GObject *object)
{
  TileboxQuery *self = TILEBOX_QUERY (object);

  g_clear_pointer (&self->time_interval, tilebox_time_interval_unref);
  g_clear_pointer (&self->id_interval, tilebox_id_interval_unref);
  g_ptr_array_unref (self->collections);
  g_ptr_array_unref (self->filters);
  g_clear_pointer (&self->spatial_wkb, g_bytes_unref);

  G_OBJECT_CLASS (tilebox_query_parent_class)->finalize (object);
}

static void
tilebox_query_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  TileboxQuery *self = TILEBOX_QUERY (object);

  switch (prop_id)
    {
    case PROP_TIME_INTERVAL:
      g_value_set_boxed (value, self->time_interval);
      break;
    case PROP_ID_INTERVAL:
      g_value_set_boxed (value, self->id_interval);
      break;
    case PROP_SKIP_DATA:
      g_value_set_boolean (value, self->skip_data);
      break;
    case PROP_PAGE_SIZE:
      g_value_set_uint (value, self->page_size);
      break;
    case PROP_LIMIT:
      g_value_set_uint64 (value, self->limit);
      break;
    case PROP_MAX_PARALLEL:
      g_value_set_uint (value, self->max_parallel);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tilebox_query_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  TileboxQuery *self = TILEBOX_QUERY (object);

  switch (prop_id)
    {
    case PROP_TIME_INTERVAL:
      tilebox_query_set_time_interval (self, g_value_get_boxed (value));
      break;
    case PROP_ID_INTERVAL:
      tilebox_query_set_id_interval (self, g_value_get_boxed (value));
      break;
    case PROP_SKIP_DATA:
      tilebox_query_set_skip_data (self, g_value_get_boolean (value));
      break;
    case PROP_PAGE_SIZE:
      tilebox_query_set_page_size (self, g_value_get_uint (value));
      break;
    case PROP_LIMIT:
      tilebox_query_set_limit (self, g_value_get_uint64 (value));
      break;
    case PROP_MAX_PARALLEL:
      tilebox_query_set_max_parallel (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tilebox_query_class_init (TileboxQueryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = tilebox_query_finalize;
  object_class->get_property = tilebox_query_get_property;
  object_class->set_property = tilebox_query_set_property;

  /**
   * TileboxQuery:time-interval:
   *
   * The time interval to load, or %NULL. Setting it clears
   * [property@Tilebox.Query:id-interval].
   */
  properties[PROP_TIME_INTERVAL] =
    g_param_spec_boxed ("time-interval", NULL, NULL, TILEBOX_TYPE_TIME_INTERVAL, flags);

  /**
   * TileboxQuery:id-interval:
   *
   * The id interval to load, or %NULL. Setting it clears
   * [property@Tilebox.Query:time-interval].
   */
  properties[PROP_ID_INTERVAL] =
    g_param_spec_boxed ("id-interval", NULL, NULL, TILEBOX_TYPE_ID_INTERVAL, flags);

  /**
   * TileboxQuery:skip-data:
   *
   * Whether to load only each datapoint's time, id and ingestion time.
   */
  properties[PROP_SKIP_DATA] =
    g_param_spec_boolean ("skip-data", NULL, NULL, FALSE, flags);

  /**
   * TileboxQuery:page-size:
   *
   * How many datapoints to ask for per request; 0 (the default) leaves it
   * to the server.
   */
  properties[PROP_PAGE_SIZE] =
    g_param_spec_uint ("page-size", NULL, NULL, 0, G_MAXINT32, 0, flags);

  /**
   * TileboxQuery:limit:
   *
   * The most datapoints to load in all; 0 (the default) for no limit.
   */
  properties[PROP_LIMIT] =
    g_param_spec_uint64 ("limit", NULL, NULL, 0, G_MAXINT64, 0, flags);

  /**
   * TileboxQuery:max-parallel:
   *
   * How many parts of the query's time interval may be loaded at once; 1
   * (the default) loads page after page. With more, the interval (narrowed
   * to the collections' availability) is split into that many equal spans,
   * each paged on its own connection, and the results joined in id order:
   * the same datapoints as a sequential load, sooner when each request
   * waits on the network. Queries by id interval or with a limit are
   * always loaded sequentially.
   */
  properties[PROP_MAX_PARALLEL] =
    g_param_spec_uint ("max-parallel", NULL, NULL, 1, TILEBOX_QUERY_MAX_PARALLEL, 1, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TileboxQuery::progress:
   * @self: the query
   * @datapoints: datapoints received so far
   * @pages: pages received so far
   * @bytes: bytes of datapoint messages received so far
   * @fraction: how far through the query's interval the load is, from 0
   *   to 1; 1 once the load is complete
   *
   * Emitted after each page a load of this query receives, on the
   * thread-default main context of the caller that started the load (for
   * a blocking call, in the calling thread while it waits). The fraction is
   * the time of the last datapoint received relative to the interval; it
   * never leaves [0, 1], also for a point in time. To follow several loads
   * at once, give each its own query.
   */
  signals[SIGNAL_PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 4, G_TYPE_UINT64, G_TYPE_UINT, G_TYPE_UINT64, G_TYPE_DOUBLE);
}

static void
tilebox_query_init (TileboxQuery *self)
{
  self->max_parallel = 1;
  self->filters = g_ptr_array_new_with_free_func ((GDestroyNotify) tilebox_filter_unref);
  self->collections = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * tilebox_query_new:
 *
 * Creates an empty query. Set an interval before running it.
 *
 * Returns: (transfer full): a new query
 */
TileboxQuery *
tilebox_query_new (void)
{
  return g_object_new (TILEBOX_TYPE_QUERY, NULL);
}

/**
 * tilebox_query_get_time_interval:
 * @self: a query
 *
 * The time interval to load.
 *
 * Returns: (transfer none) (nullable): the interval, or %NULL
 */
TileboxTimeInterval *
tilebox_query_get_time_interval (TileboxQuery *self)
{
  g_return_val_if_fail (TILEBOX_IS_QUERY (self), NULL);
  return self->time_interval;
}

/**
 * tilebox_query_set_time_interval:
 * @self: a query
 * @interval: (nullable): the time interval to load
 *
 * Sets the time interval to load; this clears the id interval.
 */
void
tilebox_query_set_time_interval (TileboxQuery        *self,
                                 TileboxTimeInterval *interval)
{
  g_return_if_fail (TILEBOX_IS_QUERY (self));

  if (interval == self->time_interval)
    return;
  g_clear_pointer (&self->time_interval, tilebox_time_interval_unref);
  if (interval != NULL)
    self->time_interval = tilebox_time_interval_ref (interval);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIME_INTERVAL]);

  if (interval != NULL && self->id_interval != NULL)
    tilebox_query_set_id_interval (self, NULL);
}

/**
 * tilebox_query_get_id_interval:
 * @self: a query
 *
 * The id interval to load.
 *
 * Returns: (transfer none) (nullable): the interval, or %NULL
 */
TileboxIdInterval *
tilebox_query_get_id_interval (TileboxQuery *self)
{
  g_return_val_if_fail (TILEBOX_IS_QUERY (self), NULL);
  return self->id_interval;
}

/**
 * tilebox_query_set_id_interval:
 * @self: a query
 * @interval: (nullable): the id interval to load
 *
 * Sets the id interval to load; this clears the time interval.
 */
void
tilebox_query_set_id_interval (TileboxQuery      *self,
                               TileboxIdInterval *interval)
{
  g_return_if_fail (TILEBOX_IS_QUERY (self));

  if (interval == self->id_interval)
    return;
  g_clear_pointer (&self->id_interval, tilebox_id_interval_unref);
  if (interval != NULL)
    self->id_interval = tilebox_id_interval_ref (interval);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID_INTERVAL]);

  if (interval != NULL && self->time_interval != NULL)
    tilebox_query_set_time_interval (self, NULL);
}

/**
 * tilebox_query_get_skip_data:
 * @self: a query
 *
 * Whether only time, id and ingestion time are loaded.
 *
 * Returns: %TRUE to skip the data
 */
gboolean
tilebox_query_get_skip_data (TileboxQuery *self)
{
  g_return_val_if_fail (TILEBOX_IS_QUERY (self), FALSE);
  return self->skip_data;
}

/**
 * tilebox_query_set_skip_data:
 * @self: a query
 * @skip_data: %TRUE to load only time, id and ingestion time
 *
 * Sets whether to skip the datapoints' data.
 */
void
tilebox_query_set_skip_data (TileboxQuery *self,
                             gboolean      skip_data)
{
  g_return_if_fail (TILEBOX_IS_QUERY (self));

  skip_data = !!skip_data;
  if (self->skip_data == skip_data)
    return;
  self->skip_data = skip_data;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SKIP_DATA]);
}

/**
 * tilebox_query_get_page_size:
 * @self: a query
 *
 * How many datapoints each request asks for.
 *
 * Returns: the page size, 0 for the server's choice
 */
guint
tilebox_query_get_page_size (TileboxQuery *self)
{
  g_return_val_if_fail (TILEBOX_IS_QUERY (self), 0);
  return self->page_size;
}

/**
 * tilebox_query_set_page_size:
 * @self: a query
 * @page_size: datapoints per request, or 0 for the server's choice
 *
 * Sets how many datapoints each request asks for.
 */
void
tilebox_query_set_page_size (TileboxQuery *self,
                             guint         page_size)
{
  g_return_if_fail (TILEBOX_IS_QUERY (self));
  g_return_if_fail (page_size <= G_MAXINT32);

  if (self->page_size == page_size)
    return;
  self->page_size = page_size;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAGE_SIZE]);
}

/**
 * tilebox_query_get_limit:
 * @self: a query
 *
 * The most datapoints loaded in all.
 *
 * Returns: the limit, 0 for none
 */
guint64
tilebox_query_get_limit (TileboxQuery *self)
{
  g_return_val_if_fail (TILEBOX_IS_QUERY (self), 0);
  return self->limit;
}

/**
 * tilebox_query_set_limit:
 * @self: a query
 * @limit: the most datapoints to load, or 0 for no limit
 *
 * Sets the most datapoints to load in all; the first ones in id order
 * are kept.
 */
void
tilebox_query_set_limit (TileboxQuery *self,
                         guint64       limit)
{
  g_return_if_fail (TILEBOX_IS_QUERY (self));
  g_return_if_fail (limit <= G_MAXINT64);

  if (self->limit == limit)
    return;
  self->limit = limit;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LIMIT]);
}

/**
 * tilebox_query_get_max_parallel:
 * @self: a query
 *
 * How many parts of the interval may be loaded at once.
 *
 * Returns: the number of parts, 1 for a sequential load
 */
guint
tilebox_query_get_max_parallel (TileboxQuery *self)
{
  g_return_val_if_fail (TILEBOX_IS_QUERY (self), 1);
  return self->max_parallel;
}

/**
 * tilebox_query_set_max_parallel:
 * @self: a query
 * @max_parallel: parts loaded at once, from 1 (sequential) to
 *   %TILEBOX_QUERY_MAX_PARALLEL
 *
 * Sets how many parts of the time interval may be loaded at once. See
 * [property@Tilebox.Query:max-parallel].
 */
void
tilebox_query_set_max_parallel (TileboxQuery *self,
                                guint         max_parallel)
{
  g_return_if_fail (TILEBOX_IS_QUERY (self));
  g_return_if_fail (max_parallel >= 1 && max_parallel <= TILEBOX_QUERY_MAX_PARALLEL);

  if (self->max_parallel == max_parallel)
    return;
  self->max_parallel = max_parallel;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_PARALLEL]);
}

/**
 * tilebox_query_add_collection:
 * @self: a query
 * @collection: a collection to query
 *
 * Adds a collection to a query over a whole dataset. Without any, a
 * dataset query covers all its collections. A query over one collection
 * ignores these.
 */
void
tilebox_query_add_collection (TileboxQuery      *self,
                              TileboxCollection *collection)
{
  g_return_if_fail (TILEBOX_IS_QUERY (self));
  g_return_if_fail (TILEBOX_IS_COLLECTION (collection));

  g_ptr_array_add (self->collections, g_object_ref (collection));
}

/**
 * tilebox_query_get_collections:
 * @self: a query
 *
 * The collections added to the query.
 *
 * Returns: (transfer container) (element-type TileboxCollection): the collections
 */
GPtrArray *
tilebox_query_get_collections (TileboxQuery *self)
{
  GPtrArray *collections;

  g_return_val_if_fail (TILEBOX_IS_QUERY (self), NULL);

  collections = g_ptr_array_new_full (self->collections->len, g_object_unref);
  for (guint i = 0; i < self->collections->len; i++)
    g_ptr_array_add (collections, g_object_ref (g_ptr_array_index (self->collections, i)));
  return collections;
}

/**
 * tilebox_query_add_filter:
 * @self: a query
 * @filter: a condition on the datapoints' fields
 *
 * Adds a condition that every datapoint loaded must meet: the query loads
 * the datapoints for which all its filters hold. The fields and values of
 * the filter are checked against the dataset's schema when the query is
 * sent; see [struct@Tilebox.Filter] for what fits, and the limits.
 *
 * ```c
 * g_autoptr(TileboxFilter) clear =
 *   tilebox_filter_new_parse ("cloud_cover < 20", &error);
 * tilebox_query_add_filter (query, clear);
 * ```
 */
void
tilebox_query_add_filter (TileboxQuery  *self,
                          TileboxFilter *filter)
{
  g_return_if_fail (TILEBOX_IS_QUERY (self));
  g_return_if_fail (filter != NULL);

  g_ptr_array_add (self->filters, tilebox_filter_ref (filter));
}

/**
 * tilebox_query_clear_filters:
 * @self: a query
 *
 * Removes the filters added with [method@Tilebox.Query.add_filter].
 */
void
tilebox_query_clear_filters (TileboxQuery *self)
{
  g_return_if_fail (TILEBOX_IS_QUERY (self));

  g_ptr_array_set_size (self->filters, 0);
}

/**
 * tilebox_query_get_filters:
 * @self: a query
 *
 * The filters added to the query, in the order they were added.
 *
 * Returns: (transfer container) (element-type TileboxFilter): the filters
 */
GPtrArray *
tilebox_query_get_filters (TileboxQuery *self)
{
  GPtrArray *filters;

  g_return_val_if_fail (TILEBOX_IS_QUERY (self), NULL);

  filters = g_ptr_array_new_full (self->filters->len, (GDestroyNotify) tilebox_filter_unref);
  for (guint i = 0; i < self->filters->len; i++)
    g_ptr_array_add (filters, tilebox_filter_ref (g_ptr_array_index (self->filters, i)));
  return filters;
}

static gboolean
spatial_args_valid (TileboxSpatialMode      mode,
                    TileboxCoordinateSystem coordinate_system)
{
  return (mode == TILEBOX_SPATIAL_MODE_INTERSECTS || mode == TILEBOX_SPATIAL_MODE_CONTAINS) &&
         (coordinate_system == TILEBOX_COORDINATE_SYSTEM_CARTESIAN ||
          coordinate_system == TILEBOX_COORDINATE_SYSTEM_SPHERICAL);
}

static void
take_spatial_filter (TileboxQuery            *self,
                     GBytes                  *wkb,
                     TileboxSpatialMode       mode,
                     TileboxCoordinateSystem  coordinate_system)
{
  g_clear_pointer (&self->spatial_wkb, g_bytes_unref);
  self->spatial_wkb = wkb;
  self->spatial_mode = mode;
  self->coordinate_system = coordinate_system;
}

/* A geometry given by the caller that does not read is their mistake. */
static void
as_invalid_argument (GError **error)
{
  if (error != NULL && *error != NULL && (*error)->domain == TILEBOX_ERROR)
    (*error)->code = TILEBOX_ERROR_INVALID_ARGUMENT;
}

/**
 * tilebox_query_set_spatial_filter:
 * @self: a query
 * @wkb: a geometry as WKB (ISO WKB or EWKB, either byte order), with
 *   longitude and latitude as x and y
 * @mode: whether datapoints must intersect the geometry or lie within it
 * @coordinate_system: whether edges are straight on the map or great circles
 * @error: return location for a #GError
 *
 * Loads only the datapoints whose geometry intersects, or lies within, the
 * given one. It needs a spatiotemporal dataset, one with a geometry field;
 * the mode and the coordinate system are always sent as given. Replaces an
 * earlier spatial filter.
 *
 * Returns: %TRUE, or %FALSE with @error set
 *   (%TILEBOX_ERROR_INVALID_ARGUMENT) if @wkb is not a geometry
 */
gboolean
tilebox_query_set_spatial_filter (TileboxQuery             *self,
                                  GBytes                   *wkb,
                                  TileboxSpatialMode        mode,
                                  TileboxCoordinateSystem   coordinate_system,
                                  GError                  **error)
{
  GBytes *normal;
  gsize len;
  const guint8 *data;

  g_return_val_if_fail (TILEBOX_IS_QUERY (self), FALSE);
  g_return_val_if_fail (wkb != NULL, FALSE);
  g_return_val_if_fail (spatial_args_valid (mode, coordinate_system), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  data = g_bytes_get_data (wkb, &len);
  normal = _tilebox_wkb_normalize (data, len, error);
  if (normal == NULL)
    {
      as_invalid_argument (error);
      g_prefix_error (error, _("Invalid spatial filter: "));
      return FALSE;
    }
  take_spatial_filter (self, normal, mode, coordinate_system);
  return TRUE;
}

/**
 * tilebox_query_set_spatial_filter_wkt:
 * @self: a query
 * @wkt: a geometry as WKT, such as `POLYGON ((16 48, 17 48, 17 49, 16 49, 16 48))`
 * @mode: whether datapoints must intersect the geometry or lie within it
 * @coordinate_system: whether edges are straight on the map or great circles
 * @error: return location for a #GError
 *
 * Like [method@Tilebox.Query.set_spatial_filter], with the geometry as
 * well-known text (an EWKT `SRID=4326;` prefix is accepted).
 *
 * Returns: %TRUE, or %FALSE with @error set
 *   (%TILEBOX_ERROR_INVALID_ARGUMENT, naming the position) if @wkt does not read
 */
gboolean
tilebox_query_set_spatial_filter_wkt (TileboxQuery             *self,
                                      const char               *wkt,
                                      TileboxSpatialMode        mode,
                                      TileboxCoordinateSystem   coordinate_system,
                                      GError                  **error)
{
  GBytes *wkb;

  g_return_val_if_fail (TILEBOX_IS_QUERY (self), FALSE);
  g_return_val_if_fail (wkt != NULL, FALSE);
  g_return_val_if_fail (spatial_args_valid (mode, coordinate_system), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  wkb = _tilebox_wkt_to_wkb (wkt, error);
  if (wkb == NULL)
    {
      as_invalid_argument (error);
      g_prefix_error (error, _("Invalid spatial filter: "));
      return FALSE;
    }
  take_spatial_filter (self, wkb, mode, coordinate_system);
  return TRUE;
}

/**
 * tilebox_query_set_spatial_filter_geojson:
 * @self: a query
 * @geojson: a GeoJSON geometry object, such as
 *   `{"type": "Point", "coordinates": [16.4, 48.2]}`
 * @mode: whether datapoints must intersect the geometry or lie within it
 * @coordinate_system: whether edges are straight on the map or great circles
 * @error: return location for a #GError
 *
 * Like [method@Tilebox.Query.set_spatial_filter], with the geometry as
 * GeoJSON text.
 *
 * Returns: %TRUE, or %FALSE with @error set
 *   (%TILEBOX_ERROR_INVALID_ARGUMENT) if @geojson is not a GeoJSON geometry
 */
gboolean
tilebox_query_set_spatial_filter_geojson (TileboxQuery             *self,
                                          const char               *geojson,
                                          TileboxSpatialMode        mode,
                                          TileboxCoordinateSystem   coordinate_system,
                                          GError                  **error)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) json_error = NULL;
  GBytes *wkb;

  g_return_val_if_fail (TILEBOX_IS_QUERY (self), FALSE);
  g_return_val_if_fail (geojson != NULL, FALSE);
  g_return_val_if_fail (spatial_args_valid (mode, coordinate_system), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  node = json_from_string (geojson, &json_error);
  if (node == NULL)
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                   _("Invalid spatial filter: the GeoJSON does not read: %s"),
                   json_error != NULL ? json_error->message : _("no JSON value"));
      return FALSE;
    }
  wkb = _tilebox_geojson_to_wkb (node, error);
  if (wkb == NULL)
    {
      as_invalid_argument (error);
      g_prefix_error (error, _("Invalid spatial filter: "));
      return FALSE;
    }
  take_spatial_filter (self, wkb, mode, coordinate_system);
  return TRUE;
}

/**
 * tilebox_query_clear_spatial_filter:
 * @self: a query
 *
 * Removes the spatial filter.
 */
void
tilebox_query_clear_spatial_filter (TileboxQuery *self)
{
  g_return_if_fail (TILEBOX_IS_QUERY (self));

  take_spatial_filter (self, NULL, 0, 0);
}

/**
 * tilebox_query_get_spatial_filter:
 * @self: a query
 * @mode: (out) (optional): the mode
 * @coordinate_system: (out) (optional): the coordinate system
 *
 * The spatial filter's geometry, as little-endian ISO WKB without an SRID,
 * and how it is applied.
 *
 * Returns: (transfer none) (nullable): the geometry, or %NULL without a
 *   spatial filter (then @mode and @coordinate_system are left alone)
 */
GBytes *
tilebox_query_get_spatial_filter (TileboxQuery            *self,
                                  TileboxSpatialMode      *mode,
                                  TileboxCoordinateSystem *coordinate_system)
{
  g_return_val_if_fail (TILEBOX_IS_QUERY (self), NULL);

  if (self->spatial_wkb == NULL)
    return NULL;
  if (mode != NULL)
    *mode = self->spatial_mode;
  if (coordinate_system != NULL)
    *coordinate_system = self->coordinate_system;
  return self->spatial_wkb;
}

static gboolean
has_geometry_field (TileboxSchema *schema)
{
  for (guint i = 0; i < tilebox_schema_get_n_fields (schema); i++)
    if (tilebox_field_get_field_type (tilebox_schema_get_field (schema, i)) == TILEBOX_FIELD_TYPE_GEOMETRY)
      return TRUE;
  return FALSE;
}

static gboolean
filters_to_pb (TileboxQuery           *self,
               TileboxSchema          *schema,
               TileboxPbQueryFilters  *filters,
               GError                **error)
{
  guint nodes = 0;

  if (self->filters->len > TILEBOX_FILTER_MAX_EXPRESSIONS)
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                   _("The query has %u filters, more than the %u the service takes; "
                     "combine some with AND"),
                   self->filters->len, TILEBOX_FILTER_MAX_EXPRESSIONS);
      return FALSE;
    }

  filters->expressions = g_ptr_array_new_with_free_func (_tilebox_pb_expression_free);
  for (guint i = 0; i < self->filters->len; i++)
    {
      TileboxFilter *filter = g_ptr_array_index (self->filters, i);
      TileboxPbExpression *expression;

      if (_tilebox_filter_get_depth (filter) > TILEBOX_FILTER_MAX_DEPTH)
        {
          g_autofree char *text = tilebox_filter_to_string (filter);

          g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                       _("The filter “%s” is nested %u deep, more than the %u the service takes"),
                       text, _tilebox_filter_get_depth (filter), TILEBOX_FILTER_MAX_DEPTH);
          return FALSE;
        }
      nodes += _tilebox_filter_get_n_nodes (filter);
      if (nodes > TILEBOX_FILTER_MAX_NODES)
        {
          g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                       _("The query's filters have more than the %u conditions and operators "
                         "the service takes"),
                       TILEBOX_FILTER_MAX_NODES);
          return FALSE;
        }
      expression = _tilebox_filter_to_pb (filter, schema, error);
      if (expression == NULL)
        return FALSE;
      g_ptr_array_add (filters->expressions, expression);
    }

  if (self->spatial_wkb != NULL)
    {
      if (!has_geometry_field (schema))
        {
          g_set_error_literal (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                               _("The dataset has no geometry field, so a spatial filter cannot apply; "
                                 "spatial filters need a spatiotemporal dataset"));
          return FALSE;
        }
      filters->has_spatial_extent = TRUE;
      filters->spatial_extent.geometry_wkb = g_bytes_ref (self->spatial_wkb);
      filters->spatial_extent.mode = self->spatial_mode;
      filters->spatial_extent.coordinate_system = self->coordinate_system;
    }
  return TRUE;
}

gboolean
_tilebox_query_to_pb (TileboxQuery           *self,
                      TileboxSchema          *schema,
                      TileboxPbQueryRequest  *request,
                      GError                **error)
{
  if (self->time_interval == NULL && self->id_interval == NULL)
    {
      g_set_error_literal (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                           _("The query has neither a time interval nor an id interval; set one"));
      return FALSE;
    }

  request->has_filters = TRUE;
  if (self->time_interval != NULL)
    {
      request->filters.has_time_interval = TRUE;
      _tilebox_time_interval_to_pb (self->time_interval, &request->filters.time_interval);
    }
  else
    {
      request->filters.has_datapoint_interval = TRUE;
      _tilebox_id_interval_to_pb (self->id_interval, &request->filters.datapoint_interval);
    }
  if (!filters_to_pb (self, schema, &request->filters, error))
    return FALSE;
  request->skip_data = self->skip_data;

  return TRUE;
}

void
_tilebox_query_emit_progress (TileboxQuery *self,
                              guint64       datapoints,
                              guint         pages,
                              guint64       bytes,
                              double        fraction)
{
  g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, datapoints, pages, bytes, CLAMP (fraction, 0.0, 1.0));
}

/* The interval's bounds in milliseconds since the epoch, for progress:
 * ids begin with their time in milliseconds, so id intervals have them too. */
void
_tilebox_query_get_span_ms (TileboxQuery *self,
                            gint64       *start_ms,
                            gint64       *end_ms)
{
  if (self->time_interval != NULL)
    {
      *start_ms = _tilebox_date_time_to_unix_usec (tilebox_time_interval_get_start (self->time_interval)) / 1000;
      *end_ms = _tilebox_date_time_to_unix_usec (tilebox_time_interval_get_end (self->time_interval)) / 1000;
    }
  else if (self->id_interval != NULL)
    {
      TileboxPbIdInterval pb = { 0 };

      _tilebox_id_interval_to_pb (self->id_interval, &pb);
      *start_ms = _tilebox_uuid_time_ms (pb.start_id.uuid);
      *end_ms = _tilebox_uuid_time_ms (pb.end_id.uuid);
    }
  else
    *start_ms = *end_ms = 0;
}
