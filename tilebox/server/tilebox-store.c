/* tilebox-store.c: SQLite storage of the local Tilebox server
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <sqlite3.h>
#include <glib/gi18n-lib.h>

#include "tilebox-error.h"
#include "tilebox-store-private.h"

struct _TileboxStore {
  sqlite3 *db;
  char *path;
  /* prepared query statements by SQL text (char * -> sqlite3_stmt *) */
  GHashTable *statements;
};

/* Version 1 of the layout. Tables with a BLOB primary key keep their rowid,
 * which gives the insertion order listings follow. */
static const char schema_v1[] =
  "CREATE TABLE groups ("
  "  id BLOB PRIMARY KEY NOT NULL CHECK (length (id) = 16),"
  "  parent_id BLOB REFERENCES groups (id) ON DELETE CASCADE,"
  "  code_name TEXT NOT NULL,"
  "  name TEXT NOT NULL,"
  "  icon TEXT NOT NULL DEFAULT ''"
  ");"
  "CREATE TABLE datasets ("
  "  id BLOB PRIMARY KEY NOT NULL CHECK (length (id) = 16),"
  "  group_id BLOB REFERENCES groups (id) ON DELETE SET NULL,"
  "  code_name TEXT NOT NULL,"
  "  name TEXT NOT NULL,"
  "  summary TEXT NOT NULL DEFAULT '',"
  "  icon TEXT NOT NULL DEFAULT '',"
  "  description TEXT NOT NULL DEFAULT '',"
  "  permissions TEXT NOT NULL DEFAULT '',"
  "  visibility INTEGER NOT NULL DEFAULT 0,"
  "  slug TEXT NOT NULL UNIQUE,"
  "  type_editable INTEGER NOT NULL DEFAULT 0,"
  "  type BLOB"
  ");"
  "CREATE TABLE collections ("
  "  id BLOB PRIMARY KEY NOT NULL CHECK (length (id) = 16),"
  "  dataset_id BLOB NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,"
  "  name TEXT NOT NULL,"
  "  UNIQUE (dataset_id, name)"
  ");"
  "CREATE INDEX collections_dataset ON collections (dataset_id);"
  "CREATE TABLE datapoints ("
  "  collection_id BLOB NOT NULL REFERENCES collections (id) ON DELETE CASCADE,"
  "  id BLOB NOT NULL CHECK (length (id) = 16),"
  "  time_ms INTEGER NOT NULL,"
  "  ingestion_time_ns INTEGER NOT NULL,"
  "  data BLOB NOT NULL,"
  "  PRIMARY KEY (collection_id, id)"
  ") WITHOUT ROWID;"
  "CREATE INDEX datapoints_time ON datapoints (collection_id, time_ms, id);";

/* --- helpers --------------------------------------------------------- */

static gboolean
set_db_error (TileboxStore *store,
              GError      **error,
              const char   *what)
{
  int code = sqlite3_extended_errcode (store->db);

  if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY)
    g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_ALREADY_EXISTS,
                 _("%s: already exists"), what);
  else if (code == SQLITE_CONSTRAINT_FOREIGNKEY)
    g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_NOT_FOUND,
                 _("%s: a referenced object does not exist"), what);
  else
    g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INTERNAL,
                 _("Database error (%s): %s"), what, sqlite3_errmsg (store->db));
  return FALSE;
}

static gboolean
exec_sql (TileboxStore *store,
          const char   *sql,
          GError      **error)
{
  char *msg = NULL;

  if (sqlite3_exec (store->db, sql, NULL, NULL, &msg) != SQLITE_OK)
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INTERNAL,
                   _("Database error: %s"), msg ? msg : sqlite3_errmsg (store->db));
      sqlite3_free (msg);
      return FALSE;
    }
  return TRUE;
}

static sqlite3_stmt *
prepare (TileboxStore *store,
         const char   *sql,
         GError      **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (store->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INTERNAL,
                   _("Database error: %s"), sqlite3_errmsg (store->db));
      return NULL;
    }
  return stmt;
}

typedef sqlite3_stmt TileboxStoreStmt;
static void
stmt_free (TileboxStoreStmt *stmt)
{
  sqlite3_finalize (stmt);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TileboxStoreStmt, stmt_free)

static void
bind_id (sqlite3_stmt *stmt,
         int           index,
         const guint8 *id)
{
  if (id != NULL)
    sqlite3_bind_blob (stmt, index, id, 16, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

/* Runs a statement that takes one id as ?1 and returns no rows; `what`
 * names the table for the error. The number of changed rows goes to
 * *changes when asked. */
static gboolean
exec_with_id (TileboxStore  *store,
              const char    *sql,
              const guint8   id[16],
              const char    *what,
              int           *changes,
              GError       **error)
{
  g_autoptr(TileboxStoreStmt) stmt = prepare (store, sql, error);

  if (stmt == NULL)
    return FALSE;
  bind_id (stmt, 1, id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      set_db_error (store, error, what);
      return FALSE;
    }
  if (changes != NULL)
    *changes = sqlite3_changes (store->db);
  return TRUE;
}

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  sqlite3_bind_text (stmt, index, text ? text : "", -1, SQLITE_TRANSIENT);
}

static void
column_id (sqlite3_stmt *stmt,
           int           index,
           TileboxPbId  *id)
{
  const void *blob = sqlite3_column_blob (stmt, index);

  if (blob != NULL && sqlite3_column_bytes (stmt, index) == 16)
    {
      memcpy (id->uuid, blob, 16);
      id->set = TRUE;
    }
  else
    {
      memset (id, 0, sizeof *id);
    }
}

static char *
column_text (sqlite3_stmt *stmt,
             int           index)
{
  const unsigned char *text = sqlite3_column_text (stmt, index);

  return g_strdup (text ? (const char *) text : "");
}

static void
format_uuid (const guint8 *id,
             char          out[37])
{
  static const char hex[] = "0123456789abcdef";
  guint i, j = 0;

  for (i = 0; i < 16; i++)
    {
      if (i == 4 || i == 6 || i == 8 || i == 10)
        out[j++] = '-';
      out[j++] = hex[id[i] >> 4];
      out[j++] = hex[id[i] & 0xf];
    }
  out[j] = '\0';
}

/* Savepoints nest inside explicit transactions and act as one otherwise. */
static gboolean
savepoint (TileboxStore *store,
           GError      **error)
{
  return exec_sql (store, "SAVEPOINT tilebox_write", error);
}

static gboolean
release (TileboxStore *store,
         GError      **error)
{
  return exec_sql (store, "RELEASE tilebox_write", error);
}

static void
rollback_savepoint (TileboxStore *store)
{
  sqlite3_exec (store->db, "ROLLBACK TO tilebox_write; RELEASE tilebox_write", NULL, NULL, NULL);
}

void
_tilebox_store_new_uuid (guint8 uuid[16])
{
  guint i;

  for (i = 0; i < 16; i += 4)
    {
      guint32 r = g_random_int ();
      memcpy (uuid + i, &r, 4);
    }
  uuid[6] = (uuid[6] & 0x0f) | 0x40;
  uuid[8] = (uuid[8] & 0x3f) | 0x80;
}

void
_tilebox_store_derive_datapoint_id (gint64        time_ms,
                                    const guint8 *content,
                                    gsize         content_len,
                                    guint8        id[16])
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize len = sizeof digest;
  guint64 t = (guint64) time_ms;

  for (guint i = 0; i < 6; i++)
    id[i] = (guint8) (t >> (8 * (5 - i)));
  g_checksum_update (checksum, content, content_len);
  g_checksum_get_digest (checksum, digest, &len);
  memcpy (id + 6, digest, 10);
}

gpointer
_tilebox_store_get_db (TileboxStore *store)
{
  return store->db;
}

/* --- open / close ----------------------------------------------------- */

static gboolean
migrate (TileboxStore *store,
         GError      **error)
{
  g_autoptr(TileboxStoreStmt) stmt = NULL;
  int version;

  stmt = prepare (store, "PRAGMA user_version", error);
  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return set_db_error (store, error, "user_version");
  version = sqlite3_column_int (stmt, 0);

  if (version == TILEBOX_STORE_SCHEMA_VERSION)
    return TRUE;
  if (version > TILEBOX_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_FAILED_PRECONDITION,
                   _("The database %s has layout version %d, newer than this server knows (%d)"),
                   store->path ? store->path : ":memory:", version, TILEBOX_STORE_SCHEMA_VERSION);
      return FALSE;
    }

  if (!exec_sql (store, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (version < 1 && !exec_sql (store, schema_v1, error))
    {
      _tilebox_store_rollback (store);
      return FALSE;
    }
  /* Later layouts migrate here, one step per version. */
  {
    g_autofree char *sql = g_strdup_printf ("PRAGMA user_version = %d", TILEBOX_STORE_SCHEMA_VERSION);
    if (!exec_sql (store, sql, error))
      {
        _tilebox_store_rollback (store);
        return FALSE;
      }
  }
  return exec_sql (store, "COMMIT", error);
}

static void
finalize_stmt (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

TileboxStore *
_tilebox_store_open (const char *path,
                     GError    **error)
{
  g_autoptr(TileboxStore) store = g_new0 (TileboxStore, 1);
  const char *filename = path ? path : ":memory:";
  int rc;

  store->path = g_strdup (path);
  store->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, finalize_stmt);
  rc = sqlite3_open_v2 (filename, &store->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INTERNAL,
                   _("Could not open the database %s: %s"), filename,
                   store->db ? sqlite3_errmsg (store->db) : sqlite3_errstr (rc));
      return NULL;
    }
  sqlite3_busy_timeout (store->db, 5000);

  if (!exec_sql (store, "PRAGMA foreign_keys = ON", error))
    return NULL;
  if (path != NULL && strcmp (path, ":memory:") != 0)
    {
      /* Check early that the file really is a database. FULL syncs the
       * log at every commit: an acknowledged Ingest survives a crash of
       * the machine, not only of the server. */
      if (!exec_sql (store, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL", error))
        {
          g_prefix_error (error, _("Could not use the database %s: "), path);
          return NULL;
        }
    }
  if (!migrate (store, error))
    return NULL;

  return g_steal_pointer (&store);
}

void
_tilebox_store_close (TileboxStore *store)
{
  if (store == NULL)
    return;
  /* statements go before their database */
  g_clear_pointer (&store->statements, g_hash_table_unref);
  if (store->db != NULL)
    sqlite3_close_v2 (store->db);
  g_free (store->path);
  g_free (store);
}

gboolean
_tilebox_store_begin (TileboxStore *store,
                      GError      **error)
{
  return exec_sql (store, "BEGIN", error);
}

gboolean
_tilebox_store_commit (TileboxStore *store,
                       GError      **error)
{
  return exec_sql (store, "COMMIT", error);
}

void
_tilebox_store_rollback (TileboxStore *store)
{
  if (!sqlite3_get_autocommit (store->db))
    sqlite3_exec (store->db, "ROLLBACK", NULL, NULL, NULL);
}

/* --- groups ------------------------------------------------------------ */

gboolean
_tilebox_store_insert_group (TileboxStore                *store,
                             const TileboxPbDatasetGroup *group,
                             GError                     **error)
{
  g_autoptr(TileboxStoreStmt) stmt = NULL;

  g_return_val_if_fail (group->id.set, FALSE);

  stmt = prepare (store,
                  "INSERT INTO groups (id, parent_id, code_name, name, icon) "
                  "VALUES (?1, ?2, ?3, ?4, ?5)", error);
  if (stmt == NULL)
    return FALSE;
  bind_id (stmt, 1, group->id.uuid);
  bind_id (stmt, 2, group->parent_id.set ? group->parent_id.uuid : NULL);
  bind_text (stmt, 3, group->code_name);
  bind_text (stmt, 4, group->name);
  bind_text (stmt, 5, group->icon);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return set_db_error (store, error, group->code_name);
  return TRUE;
}

GPtrArray *
_tilebox_store_list_groups (TileboxStore *store,
                            GError      **error)
{
  g_autoptr(TileboxStoreStmt) stmt = NULL;
  g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func (_tilebox_pb_dataset_group_free);
  int rc;

  stmt = prepare (store,
                  "SELECT id, parent_id, code_name, name, icon FROM groups ORDER BY rowid",
                  error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TileboxPbDatasetGroup *group = g_new0 (TileboxPbDatasetGroup, 1);

      column_id (stmt, 0, &group->id);
      column_id (stmt, 1, &group->parent_id);
      group->code_name = column_text (stmt, 2);
      group->name = column_text (stmt, 3);
      group->icon = column_text (stmt, 4);
      g_ptr_array_add (groups, group);
    }
  if (rc != SQLITE_DONE)
    {
      set_db_error (store, error, "groups");
      return NULL;
    }
  return g_steal_pointer (&groups);
}

char *
_tilebox_store_dup_group_path (TileboxStore *store,
                               const guint8  group_id[16],
                               GError      **error)
{
  g_autoptr(TileboxStoreStmt) stmt = NULL;
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) path = g_string_new (NULL);
  guint8 current[16];
  guint depth;

  stmt = prepare (store, "SELECT parent_id, code_name FROM groups WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;

  memcpy (current, group_id, 16);
  for (depth = 0; depth < 64; depth++)
    {
      const void *parent;
      int rc;

      sqlite3_reset (stmt);
      bind_id (stmt, 1, current);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_DONE)
        {
          char uuid[37];

          format_uuid (current, uuid);
          g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_NOT_FOUND,
                       _("Dataset group %s not found"), uuid);
          return NULL;
        }
      if (rc != SQLITE_ROW)
        {
          set_db_error (store, error, "groups");
          return NULL;
        }
      g_ptr_array_insert (parts, 0, column_text (stmt, 1));
      parent = sqlite3_column_blob (stmt, 0);
      if (parent == NULL || sqlite3_column_bytes (stmt, 0) != 16)
        break;
      memcpy (current, parent, 16);
    }

  for (guint i = 0; i < parts->len; i++)
    {
      if (i > 0)
        g_string_append_c (path, '.');
      g_string_append (path, g_ptr_array_index (parts, i));
    }
  return g_string_free (g_steal_pointer (&path), FALSE);
}

/* --- datasets ---------------------------------------------------------- */

static char *
permissions_to_text (const GArray *permissions)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; permissions != NULL && i < permissions->len; i++)
    g_string_append_printf (text, "%s%d", i > 0 ? "," : "", g_array_index (permissions, gint, i));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static GArray *
permissions_from_text (const char *text)
{
  GArray *permissions = g_array_new (FALSE, FALSE, sizeof (gint));
  g_auto(GStrv) parts = NULL;

  if (text == NULL || *text == '\0')
    return permissions;
  parts = g_strsplit (text, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      gint value = (gint) g_ascii_strtoll (parts[i], NULL, 10);
      g_array_append_val (permissions, value);
    }
  return permissions;
}

static void
bind_dataset_columns (sqlite3_stmt           *stmt,
                      const TileboxPbDataset *dataset)
{
  g_autofree char *permissions = permissions_to_text (dataset->permissions);

  bind_id (stmt, 1, dataset->id.uuid);
  bind_id (stmt, 2, dataset->group_id.set ? dataset->group_id.uuid : NULL);
  bind_text (stmt, 3, dataset->code_name);
  bind_text (stmt, 4, dataset->name);
  bind_text (stmt, 5, dataset->summary);
  bind_text (stmt, 6, dataset->icon);
  bind_text (stmt, 7, dataset->description);
  bind_text (stmt, 8, permissions);
  sqlite3_bind_int (stmt, 9, dataset->visibility);
  bind_text (stmt, 10, dataset->slug);
  sqlite3_bind_int (stmt, 11, dataset->type_editable ? 1 : 0);
  if (dataset->has_type)
    {
      g_autoptr(GByteArray) type = g_byte_array_new ();

      _tilebox_pb_annotated_type_encode (&dataset->type, type);
      sqlite3_bind_blob (stmt, 12, type->data, type->len, SQLITE_TRANSIENT);
    }
  else
    {
      sqlite3_bind_null (stmt, 12);
    }
}

gboolean
_tilebox_store_insert_dataset (TileboxStore           *store,
                               const TileboxPbDataset *dataset,
                               GError                **error)
{
  g_autoptr(TileboxStoreStmt) stmt = NULL;

  g_return_val_if_fail (dataset->id.set, FALSE);

  stmt = prepare (store,
                  "INSERT INTO datasets (id, group_id, code_name, name, summary, icon, "
                  "  description, permissions, visibility, slug, type_editable, type) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)", error);
  if (stmt == NULL)
    return FALSE;
  bind_dataset_columns (stmt, dataset);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      if (sqlite3_extended_errcode (store->db) == SQLITE_CONSTRAINT_UNIQUE)
        {
          g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_ALREADY_EXISTS,
                       _("A dataset with the slug %s already exists"), dataset->slug);
          return FALSE;
        }
      return set_db_error (store, error, dataset->slug);
    }
  return TRUE;
}

gboolean
_tilebox_store_update_dataset (TileboxStore           *store,
                               const TileboxPbDataset *dataset,
                               GError                **error)
{
  g_autoptr(TileboxStoreStmt) stmt = NULL;

  stmt = prepare (store,
                  "UPDATE datasets SET group_id = ?2, code_name = ?3, name = ?4, summary = ?5, "
                  "  icon = ?6, description = ?7, permissions = ?8, visibility = ?9, slug = ?10, "
                  "  type_editable = ?11, type = ?12 "
                  "WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  bind_dataset_columns (stmt, dataset);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return set_db_error (store, error, dataset->slug);
  if (sqlite3_changes (store->db) == 0)
    {
      char uuid[37];

      format_uuid (dataset->id.uuid, uuid);
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_NOT_FOUND,
                   _("Dataset %s not found"), uuid);
      return FALSE;
    }
  return TRUE;
}

#define DATASET_COLUMNS \
  "id, group_id, code_name, name, summary, icon, description, permissions, " \
  "visibility, slug, type_editable, type"

static TileboxPbDataset *
dataset_from_row (sqlite3_stmt *stmt,
                  GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  TileboxPbDataset *dataset = g_new0 (TileboxPbDataset, 1);
  const void *type;

  column_id (stmt, 0, &dataset->id);
  column_id (stmt, 1, &dataset->group_id);
  dataset->code_name = column_text (stmt, 2);
  dataset->name = column_text (stmt, 3);
  dataset->summary = column_text (stmt, 4);
  dataset->icon = column_text (stmt, 5);
  dataset->description = column_text (stmt, 6);
  dataset->permissions = permissions_from_text ((const char *) sqlite3_column_text (stmt, 7));
  dataset->visibility = sqlite3_column_int (stmt, 8);
  dataset->slug = column_text (stmt, 9);
  dataset->type_editable = sqlite3_column_int (stmt, 10) != 0;
  dataset->collections = g_ptr_array_new_with_free_func (_tilebox_pb_collection_info_free);

  type = sqlite3_column_blob (stmt, 11);
  if (type != NULL)
    {
      if (!_tilebox_pb_annotated_type_decode (&dataset->type, type,
                                              sqlite3_column_bytes (stmt, 11), &local_error))
        {
          g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_DATA_LOSS,
                       _("The stored type of dataset %s is damaged: %s"),
                       dataset->slug, local_error->message);
          _tilebox_pb_dataset_free (dataset);
          return NULL;
        }
      dataset->has_type = TRUE;
    }
  return dataset;
}

static gboolean
fill_collection_names (TileboxStore     *store,
                       TileboxPbDataset *dataset,
                       GError          **error)
{
  g_autoptr(TileboxStoreStmt) stmt = NULL;
  int rc;

  stmt = prepare (store, "SELECT id, name FROM collections WHERE dataset_id = ?1 ORDER BY rowid", error);
  if (stmt == NULL)
    return FALSE;
  bind_id (stmt, 1, dataset->id.uuid);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TileboxPbCollectionInfo *info = g_new0 (TileboxPbCollectionInfo, 1);

      column_id (stmt, 0, &info->id);
      info->name = column_text (stmt, 1);
      g_ptr_array_add (dataset->collections, info);
    }
  if (rc != SQLITE_DONE)
    return set_db_error (store, error, "collections");
  return TRUE;
}

TileboxPbDataset *
_tilebox_store_get_dataset (TileboxStore *store,
                            const guint8 *id,
                            const char   *slug,
                            GError      **error)
{
  g_autoptr(TileboxStoreStmt) stmt = NULL;
  TileboxPbDataset *dataset;
  int rc;

  if (id != NULL)
    {
      stmt = prepare (store, "SELECT " DATASET_COLUMNS " FROM datasets WHERE id = ?1", error);
      if (stmt == NULL)
        return NULL;
      bind_id (stmt, 1, id);
    }
  else
    {
      stmt = prepare (store, "SELECT " DATASET_COLUMNS " FROM datasets WHERE slug = ?1", error);
      if (stmt == NULL)
        return NULL;
      bind_text (stmt, 1, slug);
    }

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      if (id != NULL)
        {
          char uuid[37];

          format_uuid (id, uuid);
          g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_NOT_FOUND,
                       _("Dataset %s not found"), uuid);
        }
      else
        {
          g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_NOT_FOUND,
                       _("Dataset %s not found"), slug);
        }
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      set_db_error (store, error, "datasets");
      return NULL;
    }

  dataset = dataset_from_row (stmt, error);
  if (dataset == NULL)
    return NULL;
  if (!fill_collection_names (store, dataset, error))
    {
      _tilebox_pb_dataset_free (dataset);
      return NULL;
    }
  return dataset;
}

GPtrArray *
_tilebox_store_list_datasets (TileboxStore *store,
                              GError      **error)
{
  g_autoptr(TileboxStoreStmt) stmt = NULL;
  g_autoptr(GPtrArray) datasets = g_ptr_array_new_with_free_func (_tilebox_pb_dataset_free);
  int rc;

  stmt = prepare (store, "SELECT " DATASET_COLUMNS " FROM datasets ORDER BY rowid", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TileboxPbDataset *dataset = dataset_from_row (stmt, error);

      if (dataset == NULL)
        return NULL;
      g_ptr_array_add (datasets, dataset);
    }
  if (rc != SQLITE_DONE)
    {
      set_db_error (store, error, "datasets");
      return NULL;
    }
  for (guint i = 0; i < datasets->len; i++)
    if (!fill_collection_names (store, g_ptr_array_index (datasets, i), error))
      return NULL;
  return g_steal_pointer (&datasets);
}

gboolean
_tilebox_store_delete_dataset (TileboxStore *store,
                               const guint8  id[16],
                               GError      **error)
{
  int deleted = 0;

  if (!savepoint (store, error))
    return FALSE;

  /* The cascade would do it, but explicitly is faster for big collections. */
  if (!exec_with_id (store,
                     "DELETE FROM datapoints WHERE collection_id IN "
                     "  (SELECT id FROM collections WHERE dataset_id = ?1)",
                     id, "datapoints", NULL, error) ||
      !exec_with_id (store, "DELETE FROM datasets WHERE id = ?1", id, "datasets", &deleted, error))
    goto fail;
  if (deleted == 0)
    {
      char uuid[37];

      format_uuid (id, uuid);
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_NOT_FOUND,
                   _("Dataset %s not found"), uuid);
      goto fail;
    }
  /* a failed release leaves the transaction open */
  if (release (store, error))
    return TRUE;

fail:
  rollback_savepoint (store);
  return FALSE;
}

/* --- collections ------------------------------------------------------- */

static gboolean
fill_collection_stats (TileboxStore            *store,
                       TileboxPbCollectionInfo *info,
                       gboolean                 with_availability,
                       gboolean                 with_count,
                       GError                 **error)
{
  g_autoptr(TileboxStoreStmt) stmt = NULL;
  gint64 count;

  if (!with_availability && !with_count)
    return TRUE;

  stmt = prepare (store,
                  "SELECT count (*), min (time_ms), max (time_ms) FROM datapoints "
                  "WHERE collection_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  bind_id (stmt, 1, info->id.uuid);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return set_db_error (store, error, "datapoints");

  count = sqlite3_column_int64 (stmt, 0);
  if (with_count)
    {
      info->has_count = TRUE;
      info->count = (guint64) count;
    }
  if (with_availability && count > 0)
    {
      gint64 min_ms = sqlite3_column_int64 (stmt, 1);
      gint64 max_ms = sqlite3_column_int64 (stmt, 2);

      info->has_availability = TRUE;
      info->availability.has_start = TRUE;
      info->availability.start.seconds = min_ms >= 0 ? min_ms / 1000 : -((-min_ms + 999) / 1000);
      info->availability.start.nanos = (gint32) ((min_ms - info->availability.start.seconds * 1000) * 1000000);
      info->availability.has_end = TRUE;
      info->availability.end.seconds = max_ms >= 0 ? max_ms / 1000 : -((-max_ms + 999) / 1000);
      info->availability.end.nanos = (gint32) ((max_ms - info->availability.end.seconds * 1000) * 1000000);
      info->availability.start_exclusive = FALSE;
      info->availability.end_inclusive = TRUE;
    }
  return TRUE;
}

static gboolean
dataset_exists (TileboxStore *store,
                const guint8  dataset_id[16],
                GError      **error)
{
  g_autoptr(TileboxStoreStmt) stmt = NULL;
  int rc;

  stmt = prepare (store, "SELECT 1 FROM datasets WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  bind_id (stmt, 1, dataset_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc == SQLITE_DONE)
    {
      char uuid[37];

      format_uuid (dataset_id, uuid);
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_NOT_FOUND,
                   _("Dataset %s not found"), uuid);
      return FALSE;
    }
  return set_db_error (store, error, "datasets");
}

TileboxPbCollectionInfo *
_tilebox_store_insert_collection (TileboxStore *store,
                                  const guint8  dataset_id[16],
                                  const guint8  collection_id[16],
                                  const char   *name,
                                  GError      **error)
{
  g_autoptr(TileboxStoreStmt) stmt = NULL;
  TileboxPbCollectionInfo *info;

  if (name == NULL || *name == '\0')
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                   _("A collection needs a name"));
      return NULL;
    }
  if (!dataset_exists (store, dataset_id, error))
    return NULL;

  stmt = prepare (store, "INSERT INTO collections (id, dataset_id, name) VALUES (?1, ?2, ?3)", error);
  if (stmt == NULL)
    return NULL;
  bind_id (stmt, 1, collection_id);
  bind_id (stmt, 2, dataset_id);
  bind_text (stmt, 3, name);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      if (sqlite3_extended_errcode (store->db) == SQLITE_CONSTRAINT_UNIQUE)
        g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_ALREADY_EXISTS,
                     _("A collection named %s already exists in this dataset"), name);
      else
        set_db_error (store, error, name);
      return NULL;
    }

  info = g_new0 (TileboxPbCollectionInfo, 1);
  info->name = g_strdup (name);
  info->id.set = TRUE;
  memcpy (info->id.uuid, collection_id, 16);
  return info;
}

TileboxPbCollectionInfo *
_tilebox_store_get_collection_by_name (TileboxStore *store,
                                       const guint8  dataset_id[16],
                                       const char   *name,
                                       gboolean      with_availability,
                                       gboolean      with_count,
                                       GError      **error)
{
  g_autoptr(TileboxStoreStmt) stmt = NULL;
  TileboxPbCollectionInfo *info;
  int rc;

  stmt = prepare (store, "SELECT id, name FROM collections WHERE dataset_id = ?1 AND name = ?2", error);
  if (stmt == NULL)
    return NULL;
  bind_id (stmt, 1, dataset_id);
  bind_text (stmt, 2, name);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_autoptr(TileboxStoreStmt) slug_stmt = NULL;
      g_autofree char *dataset_name = NULL;

      slug_stmt = prepare (store, "SELECT slug FROM datasets WHERE id = ?1", NULL);
      if (slug_stmt != NULL)
        {
          bind_id (slug_stmt, 1, dataset_id);
          if (sqlite3_step (slug_stmt) == SQLITE_ROW)
            dataset_name = column_text (slug_stmt, 0);
        }
      if (dataset_name == NULL)
        {
          dataset_name = g_malloc (37);
          format_uuid (dataset_id, dataset_name);
        }
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_NOT_FOUND,
                   _("Collection %s not found in dataset %s"), name, dataset_name);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      set_db_error (store, error, "collections");
      return NULL;
    }

  info = g_new0 (TileboxPbCollectionInfo, 1);
  column_id (stmt, 0, &info->id);
  info->name = column_text (stmt, 1);
  if (!fill_collection_stats (store, info, with_availability, with_count, error))
    {
      _tilebox_pb_collection_info_free (info);
      return NULL;
    }
  return info;
}

TileboxPbCollectionInfo *
_tilebox_store_get_collection (TileboxStore *store,
                               const guint8  collection_id[16],
                               gboolean      with_availability,
                               gboolean      with_count,
                               guint8       *dataset_id_out,
                               GError      **error)
{
  g_autoptr(TileboxStoreStmt) stmt = NULL;
  TileboxPbCollectionInfo *info;
  int rc;

  stmt = prepare (store, "SELECT id, name, dataset_id FROM collections WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  bind_id (stmt, 1, collection_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      char uuid[37];

      format_uuid (collection_id, uuid);
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_NOT_FOUND,
                   _("Collection %s not found"), uuid);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      set_db_error (store, error, "collections");
      return NULL;
    }

  info = g_new0 (TileboxPbCollectionInfo, 1);
  column_id (stmt, 0, &info->id);
  info->name = column_text (stmt, 1);
  if (dataset_id_out != NULL)
    {
      TileboxPbId dataset_id;

      column_id (stmt, 2, &dataset_id);
      memcpy (dataset_id_out, dataset_id.uuid, 16);
    }
  if (!fill_collection_stats (store, info, with_availability, with_count, error))
    {
      _tilebox_pb_collection_info_free (info);
      return NULL;
    }
  return info;
}

GPtrArray *
_tilebox_store_list_collections (TileboxStore *store,
                                 const guint8  dataset_id[16],
                                 gboolean      with_availability,
                                 gboolean      with_count,
                                 GError      **error)
{
  g_autoptr(TileboxStoreStmt) stmt = NULL;
  g_autoptr(GPtrArray) infos = g_ptr_array_new_with_free_func (_tilebox_pb_collection_info_free);
  int rc;

  if (!dataset_exists (store, dataset_id, error))
    return NULL;

  stmt = prepare (store, "SELECT id, name FROM collections WHERE dataset_id = ?1 ORDER BY rowid", error);
  if (stmt == NULL)
    return NULL;
  bind_id (stmt, 1, dataset_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TileboxPbCollectionInfo *info = g_new0 (TileboxPbCollectionInfo, 1);

      column_id (stmt, 0, &info->id);
      info->name = column_text (stmt, 1);
      g_ptr_array_add (infos, info);
    }
  if (rc != SQLITE_DONE)
    {
      set_db_error (store, error, "collections");
      return NULL;
    }
  for (guint i = 0; i < infos->len; i++)
    if (!fill_collection_stats (store, g_ptr_array_index (infos, i),
                                with_availability, with_count, error))
      return NULL;
  return g_steal_pointer (&infos);
}

gboolean
_tilebox_store_delete_collection (TileboxStore *store,
                                  const guint8  dataset_id[16],
                                  const guint8  collection_id[16],
                                  GError      **error)
{
  g_autoptr(TileboxStoreStmt) stmt = NULL;
  int rc;

  if (!savepoint (store, error))
    return FALSE;

  stmt = prepare (store, "SELECT 1 FROM collections WHERE id = ?1 AND dataset_id = ?2", error);
  if (stmt == NULL)
    goto fail;
  bind_id (stmt, 1, collection_id);
  bind_id (stmt, 2, dataset_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      char uuid[37];

      format_uuid (collection_id, uuid);
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_NOT_FOUND,
                   _("Collection %s not found in this dataset"), uuid);
      goto fail;
    }
  if (rc != SQLITE_ROW)
    {
      set_db_error (store, error, "collections");
      goto fail;
    }
  g_clear_pointer (&stmt, stmt_free);

  if (!exec_with_id (store, "DELETE FROM datapoints WHERE collection_id = ?1",
                     collection_id, "datapoints", NULL, error) ||
      !exec_with_id (store, "DELETE FROM collections WHERE id = ?1",
                     collection_id, "collections", NULL, error))
    goto fail;
  if (release (store, error))
    return TRUE;

fail:
  rollback_savepoint (store);
  return FALSE;
}

/* --- datapoints -------------------------------------------------------- */

/* NOT_FOUND unless the collection exists. */
static gboolean
collection_exists (TileboxStore *store,
                   const guint8  collection_id[16],
                   GError      **error)
{
  g_autoptr(TileboxStoreStmt) stmt = prepare (store, "SELECT 1 FROM collections WHERE id = ?1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  bind_id (stmt, 1, collection_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc == SQLITE_DONE)
    {
      char uuid[37];

      format_uuid (collection_id, uuid);
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_NOT_FOUND,
                   _("Collection %s not found"), uuid);
      return FALSE;
    }
  return set_db_error (store, error, "collections");
}

gboolean
_tilebox_store_insert_datapoints (TileboxStore                *store,
                                  const guint8                 collection_id[16],
                                  const TileboxStoreDatapoint *datapoints,
                                  gsize                        n,
                                  gboolean                     allow_existing,
                                  gsize                       *n_created,
                                  gsize                       *n_existing,
                                  GError                     **error)
{
  g_autoptr(TileboxStoreStmt) stmt = NULL;
  gsize created = 0, existing = 0;

  if (!savepoint (store, error))
    return FALSE;

  if (!collection_exists (store, collection_id, error))
    goto fail;

  stmt = prepare (store,
                  "INSERT OR IGNORE INTO datapoints (collection_id, id, time_ms, ingestion_time_ns, data) "
                  "VALUES (?1, ?2, ?3, ?4, ?5)", error);
  if (stmt == NULL)
    goto fail;
  bind_id (stmt, 1, collection_id);

  for (gsize i = 0; i < n; i++)
    {
      const TileboxStoreDatapoint *dp = &datapoints[i];
      gsize size = 0;
      const guint8 *data = dp->data ? g_bytes_get_data (dp->data, &size) : NULL;

      sqlite3_reset (stmt);
      sqlite3_bind_blob (stmt, 2, dp->id, 16, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, dp->time_ms);
      sqlite3_bind_int64 (stmt, 4, dp->ingestion_time_ns);
      sqlite3_bind_blob (stmt, 5, data ? (const void *) data : "", (int) size, SQLITE_STATIC);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          set_db_error (store, error, "datapoints");
          goto fail;
        }
      if (sqlite3_changes (store->db) > 0)
        {
          created++;
        }
      else if (allow_existing)
        {
          existing++;
        }
      else
        {
          gsize earlier = 0;
          char uuid[37];

          /* ignored because of an earlier datapoint of this call? */
          while (earlier < i && memcmp (datapoints[earlier].id, dp->id, 16) != 0)
            earlier++;
          format_uuid (dp->id, uuid);
          if (earlier < i)
            g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_ALREADY_EXISTS,
                         /* Translators: a datapoint id, then two positions (from 0)
                          * in the list of datapoints to ingest */
                         _("Datapoint %s is given twice, as datapoints %lu and %lu"),
                         uuid, (gulong) earlier, (gulong) i);
          else
            g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_ALREADY_EXISTS,
                         _("Datapoint %s already exists in this collection"), uuid);
          goto fail;
        }
    }

  g_clear_pointer (&stmt, stmt_free);
  if (!release (store, error))
    goto fail;
  if (n_created != NULL)
    *n_created = created;
  if (n_existing != NULL)
    *n_existing = existing;
  return TRUE;

fail:
  g_clear_pointer (&stmt, stmt_free);
  rollback_savepoint (store);
  return FALSE;
}

gboolean
_tilebox_store_delete_datapoints (TileboxStore *store,
                                  const guint8  collection_id[16],
                                  const guint8 (*ids)[16],
                                  gsize         n,
                                  gsize        *n_deleted,
                                  GError      **error)
{
  g_autoptr(TileboxStoreStmt) stmt = NULL;
  gsize deleted = 0;

  if (!savepoint (store, error))
    return FALSE;
  if (!collection_exists (store, collection_id, error))
    goto fail;

  stmt = prepare (store, "DELETE FROM datapoints WHERE collection_id = ?1 AND id = ?2", error);
  if (stmt == NULL)
    goto fail;
  bind_id (stmt, 1, collection_id);
  for (gsize i = 0; i < n; i++)
    {
      sqlite3_reset (stmt);
      sqlite3_bind_blob (stmt, 2, ids[i], 16, SQLITE_STATIC);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          set_db_error (store, error, "datapoints");
          goto fail;
        }
      deleted += (gsize) sqlite3_changes (store->db);
    }

  g_clear_pointer (&stmt, stmt_free);
  if (!release (store, error))
    goto fail;
  if (n_deleted != NULL)
    *n_deleted = deleted;
  return TRUE;

fail:
  g_clear_pointer (&stmt, stmt_free);
  rollback_savepoint (store);
  return FALSE;
}

/* --- queries ----------------------------------------------------------- */

/* A statement prepared once and kept for the life of the store: reset and
 * unbound, ready for new bindings. */
static sqlite3_stmt *
prepare_cached (TileboxStore *store,
                const char   *sql,
                GError      **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (store->statements, sql);

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }
  if (sqlite3_prepare_v3 (store->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INTERNAL,
                   _("Database error: %s"), sqlite3_errmsg (store->db));
      return NULL;
    }
  g_hash_table_insert (store->statements, g_strdup (sql), stmt);
  return stmt;
}

gboolean
_tilebox_store_query_datapoints (TileboxStore            *store,
                                 const TileboxStoreQuery *query,
                                 TileboxStoreRowFunc      func,
                                 gpointer                 user_data,
                                 GError                 **error)
{
  g_autoptr(GString) sql = g_string_new ("SELECT collection_id, id, time_ms, ingestion_time_ns");
  sqlite3_stmt *stmt;
  int param = 1;
  gboolean ok = TRUE;
  int rc;

  g_return_val_if_fail (query->n_collection_ids > 0, FALSE);

  /* One shape per number of collections and set of bounds: the order of
   * the parameters follows the text. */
  g_string_append (sql, query->with_data ? ", data" : "");
  g_string_append (sql, " FROM datapoints WHERE collection_id");
  if (query->n_collection_ids == 1)
    {
      g_string_append (sql, " = ?");
    }
  else
    {
      g_string_append (sql, " IN (");
      for (guint i = 0; i < query->n_collection_ids; i++)
        g_string_append (sql, i > 0 ? ", ?" : "?");
      g_string_append_c (sql, ')');
    }
  if (query->has_start_ms)
    g_string_append (sql, " AND time_ms >= ?");
  if (query->has_end_ms)
    g_string_append (sql, " AND time_ms < ?");
  if (query->has_min_id)
    g_string_append (sql, " AND id >= ?");
  if (query->has_end_id)
    g_string_append (sql, " AND id < ?");
  g_string_append (sql, " ORDER BY id, collection_id");
  if (query->limit > 0)
    g_string_append (sql, " LIMIT ?");

  stmt = prepare_cached (store, sql->str, error);
  if (stmt == NULL)
    return FALSE;

  for (guint i = 0; i < query->n_collection_ids; i++)
    sqlite3_bind_blob (stmt, param++, query->collection_ids[i], 16, SQLITE_STATIC);
  if (query->has_start_ms)
    sqlite3_bind_int64 (stmt, param++, query->start_ms);
  if (query->has_end_ms)
    sqlite3_bind_int64 (stmt, param++, query->end_ms);
  if (query->has_min_id)
    sqlite3_bind_blob (stmt, param++, query->min_id, 16, SQLITE_STATIC);
  if (query->has_end_id)
    sqlite3_bind_blob (stmt, param++, query->end_id, 16, SQLITE_STATIC);
  if (query->limit > 0)
    sqlite3_bind_int64 (stmt, param++, query->limit);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TileboxStoreRow row = { 0 };
      gboolean stop = FALSE;

      if (sqlite3_column_bytes (stmt, 0) != 16 || sqlite3_column_bytes (stmt, 1) != 16)
        {
          g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_DATA_LOSS,
                       _("Database error (datapoints): a stored id does not have 16 bytes"));
          ok = FALSE;
          break;
        }
      row.collection_id = sqlite3_column_blob (stmt, 0);
      row.id = sqlite3_column_blob (stmt, 1);
      row.time_ms = sqlite3_column_int64 (stmt, 2);
      row.ingestion_time_ns = sqlite3_column_int64 (stmt, 3);
      if (query->with_data)
        {
          /* blob before bytes, as sqlite3 wants it */
          row.data = sqlite3_column_blob (stmt, 4);
          row.data_len = (gsize) sqlite3_column_bytes (stmt, 4);
          if (row.data == NULL)
            row.data = (const guint8 *) "";
        }
      if (!func (&row, user_data, &stop, error))
        {
          ok = FALSE;
          break;
        }
      if (stop)
        {
          rc = SQLITE_DONE;
          break;
        }
    }
  if (ok && rc != SQLITE_DONE)
    ok = set_db_error (store, error, "datapoints");

  /* release the read transaction and the bound buffers now */
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  return ok;
}
