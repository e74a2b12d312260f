/* tilebox-store-private.h: SQLite storage of the local Tilebox server (internal)
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The store keeps dataset groups, datasets, collections and datapoints in
 * one SQLite database (a file, or in memory). It speaks in the message
 * structs of tilebox-messages-private.h so that the server hands them
 * straight to the encoders.
 *
 * Failures are TILEBOX_ERROR GErrors with the code the server answers:
 * TILEBOX_ERROR_NOT_FOUND, TILEBOX_ERROR_ALREADY_EXISTS,
 * TILEBOX_ERROR_INVALID_ARGUMENT, and TILEBOX_ERROR_INTERNAL for database
 * errors. Every write runs in a transaction.
 *
 * A store is not thread-safe: its owner serializes calls.
 */

#pragma once

#include <glib.h>
#include "tilebox-messages-private.h"

G_BEGIN_DECLS

/* The version of the database layout, kept in PRAGMA user_version. */
#define TILEBOX_STORE_SCHEMA_VERSION 1

typedef struct _TileboxStore TileboxStore;

/* A datapoint as stored: `data` is the serialized datapoint message. */
typedef struct {
  guint8 id[16];
  gint64 time_ms;
  gint64 ingestion_time_ns;
  GBytes *data;
} TileboxStoreDatapoint;

/* path NULL or ":memory:" opens a private in-memory database. */
TileboxStore *_tilebox_store_open (const char *path,
                                   GError    **error);
void _tilebox_store_close (TileboxStore *store);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TileboxStore, _tilebox_store_close)

/* Explicit transactions for callers grouping several writes (the demo
 * loader). The write functions below open their own transaction unless
 * one is already open. */
gboolean _tilebox_store_begin (TileboxStore *store,
                               GError      **error);
gboolean _tilebox_store_commit (TileboxStore *store,
                                GError      **error);
void _tilebox_store_rollback (TileboxStore *store);

/* Fills a new random (version 4) UUID. */
void _tilebox_store_new_uuid (guint8 uuid[16]);

/* The id of a datapoint at time_ms (milliseconds since the epoch) whose
 * serialization without its id and ingestion_time (fields 2 and 3) is
 * `content`: the 48 low bits of time_ms big-endian, so that id order is
 * time order, then the first 10 bytes of the SHA-256 of content, so that
 * the same datapoint always gets the same id. */
void _tilebox_store_derive_datapoint_id (gint64        time_ms,
                                         const guint8 *content,
                                         gsize         content_len,
                                         guint8        id[16]);

/* --- groups --- */

/* group->id must be set; parent_id set means a child group. */
gboolean _tilebox_store_insert_group (TileboxStore                *store,
                                      const TileboxPbDatasetGroup *group,
                                      GError                     **error);
/* TileboxPbDatasetGroup*, in insertion order. */
GPtrArray *_tilebox_store_list_groups (TileboxStore *store,
                                       GError      **error);
/* The dotted path of code names from the root group down to `group_id`
 * ("open_data.copernicus"). */
char *_tilebox_store_dup_group_path (TileboxStore *store,
                                     const guint8  group_id[16],
                                     GError      **error);

/* --- datasets --- */

/* Stores id, group_id, type (when has_type), code_name, name, summary,
 * icon, description, permissions, visibility, slug, type_editable.
 * Collections are ignored. A duplicate slug is ALREADY_EXISTS. */
gboolean _tilebox_store_insert_dataset (TileboxStore           *store,
                                        const TileboxPbDataset *dataset,
                                        GError                **error);
/* Rewrites every stored column of the dataset with id dataset->id. */
gboolean _tilebox_store_update_dataset (TileboxStore           *store,
                                        const TileboxPbDataset *dataset,
                                        GError                **error);
/* By id (when id is non-NULL) or else by slug; collections filled with
 * their names and ids. */
TileboxPbDataset *_tilebox_store_get_dataset (TileboxStore *store,
                                              const guint8 *id,
                                              const char   *slug,
                                              GError      **error);
/* TileboxPbDataset*, in insertion order, collections filled. */
GPtrArray *_tilebox_store_list_datasets (TileboxStore *store,
                                         GError      **error);
/* Deletes the dataset, its collections and their datapoints. */
gboolean _tilebox_store_delete_dataset (TileboxStore *store,
                                        const guint8  id[16],
                                        GError      **error);

/* --- collections --- */

/* NOT_FOUND without the dataset, ALREADY_EXISTS for a name in use. */
TileboxPbCollectionInfo *_tilebox_store_insert_collection (TileboxStore *store,
                                                           const guint8  dataset_id[16],
                                                           const guint8  collection_id[16],
                                                           const char   *name,
                                                           GError      **error);
TileboxPbCollectionInfo *_tilebox_store_get_collection_by_name (TileboxStore *store,
                                                                const guint8  dataset_id[16],
                                                                const char   *name,
                                                                gboolean      with_availability,
                                                                gboolean      with_count,
                                                                GError      **error);
/* By id; *dataset_id_out (if non-NULL) receives the owning dataset. */
TileboxPbCollectionInfo *_tilebox_store_get_collection (TileboxStore *store,
                                                        const guint8  collection_id[16],
                                                        gboolean      with_availability,
                                                        gboolean      with_count,
                                                        guint8       *dataset_id_out,
                                                        GError      **error);
/* TileboxPbCollectionInfo*, in insertion order. */
GPtrArray *_tilebox_store_list_collections (TileboxStore *store,
                                            const guint8  dataset_id[16],
                                            gboolean      with_availability,
                                            gboolean      with_count,
                                            GError      **error);
/* Deletes the collection (which must belong to the dataset) and its
 * datapoints. */
gboolean _tilebox_store_delete_collection (TileboxStore *store,
                                           const guint8  dataset_id[16],
                                           const guint8  collection_id[16],
                                           GError      **error);

/* --- datapoints --- */

/* Inserts n datapoints in one transaction. An id already in the collection
 * (or given earlier in `datapoints`) is counted in *n_existing and left as
 * it is when allow_existing, and is ALREADY_EXISTS naming the first such
 * id (nothing inserted) otherwise. NOT_FOUND without the collection. */
gboolean _tilebox_store_insert_datapoints (TileboxStore                *store,
                                           const guint8                 collection_id[16],
                                           const TileboxStoreDatapoint *datapoints,
                                           gsize                        n,
                                           gboolean                     allow_existing,
                                           gsize                       *n_created,
                                           gsize                       *n_existing,
                                           GError                     **error);

/* Deletes the datapoints with the n ids from the collection, in one
 * transaction; ids not in it are no error. *n_deleted receives the number
 * of datapoints deleted. NOT_FOUND without the collection. */
gboolean _tilebox_store_delete_datapoints (TileboxStore *store,
                                           const guint8  collection_id[16],
                                           const guint8 (*ids)[16],
                                           gsize         n,
                                           gsize        *n_deleted,
                                           GError      **error);

/* A datapoint row as handed to a TileboxStoreRowFunc: the pointers are
 * valid during the call only. data is NULL (data_len 0) for a query
 * without data. */
typedef struct {
  const guint8 *collection_id;
  const guint8 *id;
  gint64 time_ms;
  gint64 ingestion_time_ns;
  const guint8 *data;
  gsize data_len;
} TileboxStoreRow;

/* Returns FALSE (error set) to stop the query with that error; setting
 * *stop to TRUE ends it after this row without one (*stop is FALSE on
 * every call). */
typedef gboolean (*TileboxStoreRowFunc) (const TileboxStoreRow *row,
                                         gpointer               user_data,
                                         gboolean              *stop,
                                         GError               **error);

/* A query of datapoints, normalized by the caller to half-open bounds:
 * every datapoint of the collections with
 *   start_ms <= time_ms < end_ms       (when has_start_ms / has_end_ms)
 *   min_id <= id < end_id (memcmp)     (when has_min_id / has_end_id)
 * in id order (ties by collection id), at most limit of them; limit 0
 * reads on until the last row or until the row function stops (a caller
 * that filters rows cannot know in advance how many it will read). */
typedef struct {
  const guint8 (*collection_ids)[16];
  guint n_collection_ids;
  gboolean has_start_ms;
  gint64 start_ms;
  gboolean has_end_ms;
  gint64 end_ms;
  gboolean has_min_id;
  guint8 min_id[16];
  gboolean has_end_id;
  guint8 end_id[16];
  guint limit;
  gboolean with_data;
} TileboxStoreQuery;

/* Runs the query, calling func for each row in order; func must not call
 * the store. The collections are not checked (unknown ones have no
 * datapoints). A statement is prepared once per query shape (number of
 * collections, bounds present, data or not, limit or not) and kept.
 *
 * As SQLite plans it: one collection reads the primary key (collection_id,
 * id) in order, row by row as func takes them;
 * several read each collection's time range from the index (collection_id,
 * time_ms, id) and sort by id, keeping only the first `limit` rows (all of
 * them without a limit) before the first row comes out. */
gboolean _tilebox_store_query_datapoints (TileboxStore            *store,
                                          const TileboxStoreQuery *query,
                                          TileboxStoreRowFunc      func,
                                          gpointer                 user_data,
                                          GError                 **error);

/* The raw SQLite handle (sqlite3 *), for queries of later versions. */
gpointer _tilebox_store_get_db (TileboxStore *store);

G_END_DECLS
