/* tilebox-ingest.c: writing datapoints into a collection, and deleting them
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * An ingest or a delete is a job: the whole input is encoded (or its ids
 * parsed) first, so that nothing is sent when any record is invalid; then
 * it goes out in requests of at most TILEBOX_INGEST_MAX_DATAPOINTS, one
 * after another, each committed by the service on its own. The transport
 * retries what the service refused without acting on it (unavailable, rate
 * limited). A request whose answer was lost (connection dropped, body cut
 * short) may or may not have been committed: it is sent again only when
 * that is harmless, for deletes and for ingests with allow_existing, where
 * a datapoint stored by the lost attempt comes back as existing. Any other
 * failure stops the job with an error that says how far it got.
 */

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tilebox-client-private.h"
#include "tilebox-collection-private.h"
#include "tilebox-datapoints-private.h"
#include "tilebox-dataset-private.h"
#include "tilebox-error.h"
#include "tilebox-ingest-result.h"
#include "tilebox-schema-private.h"
#include "tilebox-util-private.h"
#include "proto/tilebox-messages-private.h"
#include "schema/tilebox-encoder-private.h"

/* --- TileboxIngestResult --------------------------------------------------- */

/**
 * TileboxIngestResult:
 *
 * What an ingest did: the ids of the datapoints, in the order they were
 * given, and how many of them were new.
 *
 * The service derives a datapoint's id from its time and content, so
 * ingesting the same data again gives the same ids; with `allow_existing`
 * such datapoints are counted in [property@Tilebox.IngestResult:n-existing]
 * instead of failing the ingest.
 */
struct _TileboxIngestResult
{
  GObject parent_instance;

  GStrv ids;
  guint n_datapoints;
  guint64 n_created;
  guint64 n_existing;
};

enum {
  RESULT_PROP_0,
  RESULT_PROP_IDS,
  RESULT_PROP_N_DATAPOINTS,
  RESULT_PROP_N_CREATED,
  RESULT_PROP_N_EXISTING,
  RESULT_N_PROPS
};

static GParamSpec *result_properties[RESULT_N_PROPS];

G_DEFINE_FINAL_TYPE (TileboxIngestResult, tilebox_ingest_result, G_TYPE_OBJECT)

static void
tilebox_ingest_result_finalize (GObject *object)
{
  TileboxIngestResult *self = TILEBOX_INGEST_RESULT (object);

  g_strfreev (self->ids);

  G_OBJECT_CLASS (tilebox_ingest_result_parent_class)->finalize (object);
}

static void
tilebox_ingest_result_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  TileboxIngestResult *self = TILEBOX_INGEST_RESULT (object);

  switch (prop_id)
    {
    case RESULT_PROP_IDS:
      g_value_set_boxed (value, self->ids);
      break;
    case RESULT_PROP_N_DATAPOINTS:
      g_value_set_uint (value, self->n_datapoints);
      break;
    case RESULT_PROP_N_CREATED:
      g_value_set_uint64 (value, self->n_created);
      break;
    case RESULT_PROP_N_EXISTING:
      g_value_set_uint64 (value, self->n_existing);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tilebox_ingest_result_class_init (TileboxIngestResultClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tilebox_ingest_result_finalize;
  object_class->get_property = tilebox_ingest_result_get_property;

  /**
   * TileboxIngestResult:ids: (getter get_ids)
   *
   * The ids of the datapoints, one per datapoint given, in the same order.
   */
  result_properties[RESULT_PROP_IDS] =
    g_param_spec_boxed ("ids", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * TileboxIngestResult:n-datapoints: (getter get_n_datapoints)
   *
   * How many datapoints were given.
   */
  result_properties[RESULT_PROP_N_DATAPOINTS] =
    g_param_spec_uint ("n-datapoints", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * TileboxIngestResult:n-created: (getter get_n_created)
   *
   * How many of the datapoints the service stored anew.
   */
  result_properties[RESULT_PROP_N_CREATED] =
    g_param_spec_uint64 ("n-created", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * TileboxIngestResult:n-existing: (getter get_n_existing)
   *
   * How many of the datapoints the collection held already.
   *
   * When a request had to be sent again because its answer was lost on
   * the way, the datapoints the first attempt stored count here.
   */
  result_properties[RESULT_PROP_N_EXISTING] =
    g_param_spec_uint64 ("n-existing", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, RESULT_N_PROPS, result_properties);
}

static void
tilebox_ingest_result_init (TileboxIngestResult *self)
{
}

/**
 * tilebox_ingest_result_get_ids: (get-property ids)
 * @self: an ingest result
 *
 * Gets the ids of the datapoints, in the order they were given. A datapoint
 * given twice has the same id both times.
 *
 * Returns: (transfer none) (array zero-terminated=1): the ids
 */
const char * const *
tilebox_ingest_result_get_ids (TileboxIngestResult *self)
{
  g_return_val_if_fail (TILEBOX_IS_INGEST_RESULT (self), NULL);
  return (const char * const *) self->ids;
}

/**
 * tilebox_ingest_result_get_n_datapoints: (get-property n-datapoints)
 * @self: an ingest result
 *
 * Gets how many datapoints were given.
 *
 * Returns: the number of datapoints, the length of the ids
 */
guint
tilebox_ingest_result_get_n_datapoints (TileboxIngestResult *self)
{
  g_return_val_if_fail (TILEBOX_IS_INGEST_RESULT (self), 0);
  return self->n_datapoints;
}

/**
 * tilebox_ingest_result_get_n_created: (get-property n-created)
 * @self: an ingest result
 *
 * Gets how many of the datapoints were stored anew.
 *
 * Returns: the number of new datapoints
 */
guint64
tilebox_ingest_result_get_n_created (TileboxIngestResult *self)
{
  g_return_val_if_fail (TILEBOX_IS_INGEST_RESULT (self), 0);
  return self->n_created;
}

/**
 * tilebox_ingest_result_get_n_existing: (get-property n-existing)
 * @self: an ingest result
 *
 * Gets how many of the datapoints the collection held already.
 *
 * Returns: the number of datapoints that existed
 */
guint64
tilebox_ingest_result_get_n_existing (TileboxIngestResult *self)
{
  g_return_val_if_fail (TILEBOX_IS_INGEST_RESULT (self), 0);
  return self->n_existing;
}

/* --- jobs -------------------------------------------------------------------- */

typedef struct {
  TileboxCollection *collection;
  gboolean is_delete;
  gboolean allow_existing;
  GClosure *progress;

  /* the input: serialized datapoints (ingest) or TileboxPbId (delete) */
  GPtrArray *values;
  GArray *ids;
  guint total;

  guint done;          /* datapoints of the requests committed so far */
  guint chunk_len;     /* of the request in flight */
  guint n_chunks;
  guint attempt;       /* resends of the request in flight */

  /* results */
  GPtrArray *result_ids; /* char*, NULL-terminated at the end */
  guint64 n_created;
  guint64 n_existing;
  guint64 n_deleted;
} Job;

static Job *
job_new (TileboxCollection *collection,
         gboolean           is_delete,
         gboolean           allow_existing,
         GClosure          *progress,
         guint              total)
{
  Job *job = g_new0 (Job, 1);

  job->collection = g_object_ref (collection);
  job->is_delete = is_delete;
  job->allow_existing = allow_existing;
  job->total = total;
  job->n_chunks = (total + TILEBOX_INGEST_MAX_DATAPOINTS - 1) / TILEBOX_INGEST_MAX_DATAPOINTS;
  if (progress != NULL)
    {
      job->progress = g_closure_ref (progress);
      g_closure_sink (progress);
      if (G_CLOSURE_NEEDS_MARSHAL (progress))
        g_closure_set_marshal (progress, g_cclosure_marshal_generic);
    }
  if (!is_delete)
    job->result_ids = g_ptr_array_new_full (total + 1, g_free);
  return job;
}

static void
job_free (Job *job)
{
  g_object_unref (job->collection);
  g_clear_pointer (&job->progress, g_closure_unref);
  g_clear_pointer (&job->values, g_ptr_array_unref);
  g_clear_pointer (&job->ids, g_array_unref);
  g_clear_pointer (&job->result_ids, g_ptr_array_unref);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Job, job_free)

static TileboxRpc *
job_rpc (Job *job)
{
  TileboxDataset *dataset = tilebox_collection_get_dataset (job->collection);

  return _tilebox_client_get_rpc (_tilebox_dataset_get_client (dataset));
}

static guint
job_max_resends (Job *job)
{
  TileboxDataset *dataset = tilebox_collection_get_dataset (job->collection);

  return tilebox_client_get_max_retries (_tilebox_dataset_get_client (dataset));
}

static gboolean
job_is_done (Job *job)
{
  return job->done >= job->total;
}

/* The next request, for the datapoints from job->done on. */
static GByteArray *
job_next_request (Job *job)
{
  GByteArray *out = g_byte_array_new ();

  job->chunk_len = MIN (job->total - job->done, TILEBOX_INGEST_MAX_DATAPOINTS);
  if (job->is_delete)
    {
      TileboxPbDeleteRequest request = { 0 };
      g_autoptr(GArray) ids = g_array_sized_new (FALSE, FALSE, sizeof (TileboxPbId), job->chunk_len);

      _tilebox_collection_get_pb_id (job->collection, &request.collection_id);
      g_array_append_vals (ids, &g_array_index (job->ids, TileboxPbId, job->done), job->chunk_len);
      request.datapoint_ids = ids;
      _tilebox_pb_delete_request_encode (&request, out);
    }
  else
    {
      TileboxPbIngestRequest request = { 0 };
      g_autoptr(GPtrArray) values = g_ptr_array_sized_new (job->chunk_len);

      _tilebox_collection_get_pb_id (job->collection, &request.collection_id);
      for (guint i = 0; i < job->chunk_len; i++)
        g_ptr_array_add (values, g_ptr_array_index (job->values, job->done + i));
      request.values = values;
      request.allow_existing = job->allow_existing;
      _tilebox_pb_ingest_request_encode (&request, out);
    }
  return out;
}

/* The response to the request in flight: its results are taken in and
 * the job moves on. Runs where the caller waits. */
static gpointer
job_parse_response (GBytes   *body,
                    gpointer  data,
                    GError  **error)
{
  Job *job = data;

  if (job->is_delete)
    {
      g_auto(TileboxPbDeleteResponse) response = { 0 };

      if (!_tilebox_pb_decode_bytes (delete_response, &response, body, error))
        return NULL;
      job->n_deleted += (guint64) MAX (response.num_deleted, 0);
    }
  else
    {
      g_auto(TileboxPbIngestResponse) response = { 0 };

      if (!_tilebox_pb_decode_bytes (ingest_response, &response, body, error))
        return NULL;
      if (response.datapoint_ids->len != job->chunk_len)
        {
          g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL,
                       /* Translators: the number of datapoints sent, then the
                        * number of ids the service sent back for them */
                       g_dngettext (GETTEXT_PACKAGE,
                                    "The service answered an ingest of %u datapoint with %u ids",
                                    "The service answered an ingest of %u datapoints with %u ids",
                                    job->chunk_len),
                       job->chunk_len, response.datapoint_ids->len);
          return NULL;
        }
      for (guint i = 0; i < response.datapoint_ids->len; i++)
        g_ptr_array_add (job->result_ids,
                         _tilebox_pb_id_to_string (&g_array_index (response.datapoint_ids, TileboxPbId, i)));
      job->n_created += (guint64) MAX (response.num_created, 0);
      job->n_existing += (guint64) MAX (response.num_existing, 0);
    }

  job->done += job->chunk_len;
  job->attempt = 0;
  return job;
}

static void
job_report_progress (Job *job)
{
  GValue args[2] = { G_VALUE_INIT, G_VALUE_INIT };

  if (job->progress == NULL)
    return;

  g_value_init (&args[0], G_TYPE_UINT64);
  g_value_set_uint64 (&args[0], job->done);
  g_value_init (&args[1], G_TYPE_UINT64);
  g_value_set_uint64 (&args[1], job->total);
  g_closure_invoke (job->progress, NULL, G_N_ELEMENTS (args), args, NULL);
  g_value_unset (&args[0]);
  g_value_unset (&args[1]);
}

/* Whether a request failed in a way that leaves its outcome unknown: not
 * an answer of the service, but the connection broke, or the body arrived
 * cut short or garbled. The service may have committed it. */
static gboolean
answer_was_lost (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_error_matches (error, TILEBOX_ERROR, TILEBOX_ERROR_CANCELED))
    return FALSE;
  return error->domain != TILEBOX_ERROR || error->code == TILEBOX_ERROR_PROTOCOL;
}

/* Whether the request in flight is to be sent again: its answer was lost,
 * and sending it again is harmless. */
static gboolean
job_should_resend (Job          *job,
                   const GError *error)
{
  if (!job->is_delete && !job->allow_existing)
    return FALSE;
  if (job->attempt >= job_max_resends (job) || !answer_was_lost (error))
    return FALSE;

  job->attempt++;
  g_debug ("%s request for datapoints %u to %u failed (%s); sending it again",
           job->is_delete ? "Delete" : "Ingest", job->done, job->done + job->chunk_len - 1,
           error->message);
  return TRUE;
}

/* Says how far the job got before `error` stopped it. */
static void
job_explain_failure (Job     *job,
                     GError **error)
{
  guint chunk = job->done / TILEBOX_INGEST_MAX_DATAPOINTS + 1;
  g_autofree char *how_far = NULL;

  if (job->is_delete)
    {
      g_autofree char *deleted = NULL;

      /* Translators: completes the message “Deleting stopped at request …” */
      deleted = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "%llu datapoint deleted",
                                              "%llu datapoints deleted",
                                              (gulong) job->n_deleted),
                                 (unsigned long long) job->n_deleted);
      /* Translators: the request that failed, the number of requests,
       * the positions of its first and last id, the number of ids before
       * it, then “N datapoints deleted” */
      how_far = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "Deleting stopped at request %u of %u (ids %u to %u); "
                                              "the %u id before was done, %s. Deleting again is harmless: ",
                                              "Deleting stopped at request %u of %u (ids %u to %u); "
                                              "the %u ids before were done, %s. Deleting again is harmless: ",
                                              job->done),
                                 chunk, job->n_chunks, job->done, job->done + job->chunk_len - 1,
                                 job->done, deleted);
    }
  else if (answer_was_lost (*error))
    /* Translators: the request that failed, the number of requests, the
     * positions of its first and last datapoint, then the number of
     * datapoints before it */
    how_far = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "Ingesting stopped at request %u of %u (datapoints %u to %u), "
                                            "whose answer was lost: the service may have stored it or not; "
                                            "%u datapoint before it was stored. Ingest again with "
                                            "allow_existing to store the rest without duplicates: ",
                                            "Ingesting stopped at request %u of %u (datapoints %u to %u), "
                                            "whose answer was lost: the service may have stored it or not; "
                                            "%u datapoints before it were stored. Ingest again with "
                                            "allow_existing to store the rest without duplicates: ",
                                            job->done),
                               chunk, job->n_chunks, job->done, job->done + job->chunk_len - 1,
                               job->done);
  else if (job->done == 0)
    how_far = g_strdup_printf (_("Ingesting stopped at request 1 of %u; nothing was stored: "),
                               job->n_chunks);
  else
    /* Translators: the request that failed, the number of requests, the
     * positions of its first and last datapoint, then the number of
     * datapoints before it */
    how_far = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "Ingesting stopped at request %u of %u (datapoints %u to %u); "
                                            "the %u datapoint before was stored. Ingest again with "
                                            "allow_existing to store the rest without duplicates: ",
                                            "Ingesting stopped at request %u of %u (datapoints %u to %u); "
                                            "the %u datapoints before were stored. Ingest again with "
                                            "allow_existing to store the rest without duplicates: ",
                                            job->done),
                               chunk, job->n_chunks, job->done, job->done + job->chunk_len - 1,
                               job->done);
  g_prefix_error (error, "%s", how_far);
}

static TileboxIngestResult *
job_to_result (Job *job)
{
  TileboxIngestResult *result = g_object_new (TILEBOX_TYPE_INGEST_RESULT, NULL);

  result->n_datapoints = job->result_ids->len;
  g_ptr_array_add (job->result_ids, NULL);
  result->ids = (GStrv) g_ptr_array_free (g_steal_pointer (&job->result_ids), FALSE);
  result->n_created = job->n_created;
  result->n_existing = job->n_existing;
  return result;
}

static gboolean
job_run (Job           *job,
         GCancellable  *cancellable,
         GError       **error)
{
  const char *method = job->is_delete ? "Delete" : "Ingest";

  while (!job_is_done (job))
    {
      g_autoptr(GError) local_error = NULL;

      if (_tilebox_rpc_invoke (job_rpc (job), TILEBOX_DATA_INGESTION_SERVICE, method,
                               job_next_request (job), job_parse_response, job,
                               cancellable, &local_error) != NULL)
        {
          job_report_progress (job);
          continue;
        }
      if (job_should_resend (job, local_error))
        continue;
      job_explain_failure (job, &local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

/* Async: one request at a time on the caller's thread-default main context. */

static void job_send_next (GTask *task);

static void
job_sent_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Job *job = g_task_get_task_data (task);
  GError *error = NULL;

  if (_tilebox_rpc_invoke_finish (source, job_sent_cb, result, &error) != NULL)
    job_report_progress (job);
  else if (job_should_resend (job, error))
    g_clear_error (&error);
  else
    {
      job_explain_failure (job, &error);
      g_task_return_error (task, error);
      return;
    }

  if (!job_is_done (job))
    {
      job_send_next (g_steal_pointer (&task));
      return;
    }
  if (job->is_delete)
    g_task_return_int (task, (gssize) job->n_deleted);
  else
    g_task_return_pointer (task, job_to_result (job), g_object_unref);
}

static void
job_send_next (GTask *task)
{
  Job *job = g_task_get_task_data (task);

  _tilebox_rpc_invoke_async (job_rpc (job), job->collection, job_sent_cb,
                             TILEBOX_DATA_INGESTION_SERVICE, job->is_delete ? "Delete" : "Ingest",
                             job_next_request (job), job_parse_response, job, NULL, NULL,
                             g_task_get_cancellable (task), job_sent_cb, task);
}

static void
job_start_async (Job                 *job,
                 gpointer             source_tag,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  GTask *task = g_task_new (job->collection, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  if (job_is_done (job))
    {
      if (job->is_delete)
        g_task_return_int (task, 0);
      else
        g_task_return_pointer (task, job_to_result (job), g_object_unref);
      g_object_unref (task);
      return;
    }
  job_send_next (task);
}

/* --- input ------------------------------------------------------------------- */

typedef enum {
  INPUT_VARIANT,
  INPUT_JSON,
  INPUT_DATAPOINTS,
} InputKind;

static TileboxSchema *
collection_schema (TileboxCollection  *self,
                   GError            **error)
{
  TileboxDataset *dataset = tilebox_collection_get_dataset (self);
  TileboxSchema *schema = tilebox_dataset_get_schema (dataset);

  if (schema == NULL || tilebox_schema_get_type_url (schema) == NULL)
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_FAILED_PRECONDITION,
                   _("Dataset %s has no datapoint type, so nothing can be ingested into it"),
                   tilebox_dataset_get_slug (dataset));
      return NULL;
    }
  return schema;
}

/* Encodes the whole input into an ingest job, or fails without one. */
static Job *
ingest_job_new (TileboxCollection  *self,
                InputKind           kind,
                gpointer            input,
                gboolean            allow_existing,
                GClosure           *progress,
                GError            **error)
{
  TileboxSchema *schema = collection_schema (self, error);
  g_autoptr(TileboxEncoder) encoder = NULL;
  g_autoptr(GPtrArray) values = NULL;
  Job *job;

  if (schema == NULL)
    return NULL;
  encoder = _tilebox_encoder_new (_tilebox_schema_get_pool (schema), tilebox_schema_get_type_url (schema), error);
  if (encoder == NULL)
    return NULL;

  switch (kind)
    {
    case INPUT_VARIANT:
      values = _tilebox_encoder_encode_variant (encoder, input, error);
      break;
    case INPUT_JSON:
      values = _tilebox_encoder_encode_json (encoder, input, error);
      break;
    case INPUT_DATAPOINTS:
      values = _tilebox_encoder_encode_columns (encoder, _tilebox_datapoints_get_columns (input), error);
      break;
    default:
      g_assert_not_reached ();
    }
  if (values == NULL)
    {
      g_prefix_error (error, _("Nothing was ingested: "));
      return NULL;
    }

  job = job_new (self, FALSE, allow_existing, progress, values->len);
  job->values = g_steal_pointer (&values);
  return job;
}

static Job *
delete_job_new (TileboxCollection  *self,
                const char * const *id_strings,
                GClosure           *progress,
                GError            **error)
{
  guint n = id_strings ? g_strv_length ((GStrv) id_strings) : 0;
  g_autoptr(GArray) ids = g_array_sized_new (FALSE, TRUE, sizeof (TileboxPbId), n);
  Job *job;

  g_array_set_size (ids, n);
  for (guint i = 0; i < n; i++)
    {
      TileboxPbId *id = &g_array_index (ids, TileboxPbId, i);

      if (!_tilebox_uuid_parse (id_strings[i], id->uuid, _("datapoint id"), error))
        {
          g_prefix_error (error, _("Nothing was deleted: id %u: "), i);
          return NULL;
        }
      id->set = TRUE;
    }

  job = job_new (self, TRUE, FALSE, progress, n);
  job->ids = g_steal_pointer (&ids);
  return job;
}

/* --- public API ------------------------------------------------------------- */

static TileboxIngestResult *
ingest (TileboxCollection  *self,
        InputKind           kind,
        gpointer            input,
        gboolean            allow_existing,
        GClosure           *progress,
        GCancellable       *cancellable,
        GError            **error)
{
  g_autoptr(Job) job = ingest_job_new (self, kind, input, allow_existing, progress, error);

  if (job == NULL || !job_run (job, cancellable, error))
    return NULL;
  return job_to_result (job);
}

static void
ingest_async (TileboxCollection   *self,
              InputKind            kind,
              gpointer             input,
              gboolean             allow_existing,
              GClosure            *progress,
              GCancellable        *cancellable,
              gpointer             source_tag,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  GError *error = NULL;
  Job *job = ingest_job_new (self, kind, input, allow_existing, progress, &error);

  if (job == NULL)
    {
      g_task_report_error (self, callback, user_data, source_tag, error);
      return;
    }
  job_start_async (job, source_tag, cancellable, callback, user_data);
}

static TileboxIngestResult *
ingest_finish (TileboxCollection  *self,
               GAsyncResult       *result,
               gpointer            source_tag,
               GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, source_tag), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

#define CHECK_COMMON(val)                                                              \
  g_return_val_if_fail (TILEBOX_IS_COLLECTION (self), val);                            \
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), val);   \
  g_return_val_if_fail (error == NULL || *error == NULL, val)

#define CHECK_COMMON_ASYNC()                                                           \
  g_return_if_fail (TILEBOX_IS_COLLECTION (self));                                     \
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable))

/**
 * tilebox_collection_ingest:
 * @self: a collection
 * @records: the datapoints, a #GVariant of type `aa{sv}`: one dictionary
 *   per datapoint, from field name to value
 * @allow_existing: whether datapoints the collection holds already are
 *   fine (counted as existing) or an error
 * @progress: (nullable): called as `progress (done, total)` with two
 *   #guint64 after each request the service committed
 * @cancellable: (nullable): a cancellable
 * @error: return location for a #GError
 *
 * Stores datapoints in the collection.
 *
 * Every record is encoded by the dataset's schema first; when any is
 * invalid, the error names the record and field (`record 17, field
 * cloud_cover: expected a number, got "high"`) and nothing is sent. Which
 * values each type of field takes is described in
 * [Writing data](writing-data.html): times as RFC 3339 text or
 * nanoseconds, UUIDs as text, geometries as GeoJSON, WKT or WKB, enums by
 * name or number, repeated fields as arrays; a missing key leaves the
 * field unset. `id` and `ingestion_time` are ignored: the service sets
 * them.
 *
 * The datapoints go out in requests of at most
 * %TILEBOX_INGEST_MAX_DATAPOINTS, one after another, each stored by the
 * service on its own. When one fails, the error's message says which
 * requests were stored before; ingesting the same records again with
 * @allow_existing completes the work without storing anything twice. With
 * @allow_existing, a request whose answer was lost on the way is sent
 * again by itself.
 *
 * Returns: (transfer full): the ids, in the order of @records, and the
 *   counts, or %NULL with @error set
 */
TileboxIngestResult *
tilebox_collection_ingest (TileboxCollection  *self,
                           GVariant           *records,
                           gboolean            allow_existing,
                           GClosure           *progress,
                           GCancellable       *cancellable,
                           GError            **error)
{
  CHECK_COMMON (NULL);
  g_return_val_if_fail (records != NULL, NULL);

  return ingest (self, INPUT_VARIANT, records, allow_existing, progress, cancellable, error);
}

/**
 * tilebox_collection_ingest_async:
 * @self: a collection
 * @records: the datapoints, a #GVariant of type `aa{sv}`
 * @allow_existing: whether datapoints the collection holds already are fine
 * @progress: (nullable): called as `progress (done, total)` on the caller's
 *   thread-default main context after each request the service committed
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called on the caller's thread-default main context when done
 * @user_data: data for @callback
 *
 * Stores datapoints in the collection without blocking; see
 * [method@Tilebox.Collection.ingest]. The records are encoded before this
 * returns.
 */
void
tilebox_collection_ingest_async (TileboxCollection   *self,
                                 GVariant            *records,
                                 gboolean             allow_existing,
                                 GClosure            *progress,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  CHECK_COMMON_ASYNC ();
  g_return_if_fail (records != NULL);

  ingest_async (self, INPUT_VARIANT, records, allow_existing, progress, cancellable,
                tilebox_collection_ingest_async, callback, user_data);
}

/**
 * tilebox_collection_ingest_finish:
 * @self: a collection
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Tilebox.Collection.ingest_async].
 *
 * Returns: (transfer full): the ids and counts, or %NULL with @error set
 */
TileboxIngestResult *
tilebox_collection_ingest_finish (TileboxCollection  *self,
                                  GAsyncResult       *result,
                                  GError            **error)
{
  return ingest_finish (self, result, tilebox_collection_ingest_async, error);
}

/**
 * tilebox_collection_ingest_json:
 * @self: a collection
 * @data: the datapoints: a JSON array of objects, one per datapoint, or an
 *   object of columns, each an array of one value per datapoint
 * @allow_existing: whether datapoints the collection holds already are
 *   fine (counted as existing) or an error
 * @progress: (nullable): called as `progress (done, total)` with two
 *   #guint64 after each request the service committed
 * @cancellable: (nullable): a cancellable
 * @error: return location for a #GError
 *
 * Stores datapoints given as JSON in the collection, as
 * [method@Tilebox.Collection.ingest] does. The JSON that
 * [method@Tilebox.Datapoints.to_json] makes can be ingested again as it is.
 * Integers beyond the range of a double are best given as strings.
 *
 * Returns: (transfer full): the ids, in input order, and the counts, or
 *   %NULL with @error set
 */
TileboxIngestResult *
tilebox_collection_ingest_json (TileboxCollection  *self,
                                JsonNode           *data,
                                gboolean            allow_existing,
                                GClosure           *progress,
                                GCancellable       *cancellable,
                                GError            **error)
{
  CHECK_COMMON (NULL);
  g_return_val_if_fail (data != NULL, NULL);

  return ingest (self, INPUT_JSON, data, allow_existing, progress, cancellable, error);
}

/**
 * tilebox_collection_ingest_json_async:
 * @self: a collection
 * @data: the datapoints as JSON rows or columns
 * @allow_existing: whether datapoints the collection holds already are fine
 * @progress: (nullable): called as `progress (done, total)` on the caller's
 *   thread-default main context after each request the service committed
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called on the caller's thread-default main context when done
 * @user_data: data for @callback
 *
 * Stores datapoints given as JSON without blocking; see
 * [method@Tilebox.Collection.ingest_json]. The data is encoded before this
 * returns.
 */
void
tilebox_collection_ingest_json_async (TileboxCollection   *self,
                                      JsonNode            *data,
                                      gboolean             allow_existing,
                                      GClosure            *progress,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  CHECK_COMMON_ASYNC ();
  g_return_if_fail (data != NULL);

  ingest_async (self, INPUT_JSON, data, allow_existing, progress, cancellable,
                tilebox_collection_ingest_json_async, callback, user_data);
}

/**
 * tilebox_collection_ingest_json_finish:
 * @self: a collection
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Tilebox.Collection.ingest_json_async].
 *
 * Returns: (transfer full): the ids and counts, or %NULL with @error set
 */
TileboxIngestResult *
tilebox_collection_ingest_json_finish (TileboxCollection  *self,
                                       GAsyncResult       *result,
                                       GError            **error)
{
  return ingest_finish (self, result, tilebox_collection_ingest_json_async, error);
}

/**
 * tilebox_collection_ingest_datapoints:
 * @self: a collection
 * @datapoints: datapoints loaded from a collection of a dataset with the
 *   same type
 * @allow_existing: whether datapoints the collection holds already are
 *   fine (counted as existing) or an error
 * @progress: (nullable): called as `progress (done, total)` with two
 *   #guint64 after each request the service committed
 * @cancellable: (nullable): a cancellable
 * @error: return location for a #GError
 *
 * Stores loaded datapoints in the collection, every field as it was
 * loaded, absent fields absent, as [method@Tilebox.Collection.ingest]
 * does. Copying datapoints from one collection to another keeps their ids.
 *
 * Returns: (transfer full): the ids, in the order of @datapoints, and the
 *   counts, or %NULL with @error set
 */
TileboxIngestResult *
tilebox_collection_ingest_datapoints (TileboxCollection  *self,
                                      TileboxDatapoints  *datapoints,
                                      gboolean            allow_existing,
                                      GClosure           *progress,
                                      GCancellable       *cancellable,
                                      GError            **error)
{
  CHECK_COMMON (NULL);
  g_return_val_if_fail (TILEBOX_IS_DATAPOINTS (datapoints), NULL);

  return ingest (self, INPUT_DATAPOINTS, datapoints, allow_existing, progress, cancellable, error);
}

/**
 * tilebox_collection_ingest_datapoints_async:
 * @self: a collection
 * @datapoints: datapoints of a dataset with the same type
 * @allow_existing: whether datapoints the collection holds already are fine
 * @progress: (nullable): called as `progress (done, total)` on the caller's
 *   thread-default main context after each request the service committed
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called on the caller's thread-default main context when done
 * @user_data: data for @callback
 *
 * Stores loaded datapoints without blocking; see
 * [method@Tilebox.Collection.ingest_datapoints].
 */
void
tilebox_collection_ingest_datapoints_async (TileboxCollection   *self,
                                            TileboxDatapoints   *datapoints,
                                            gboolean             allow_existing,
                                            GClosure            *progress,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  CHECK_COMMON_ASYNC ();
  g_return_if_fail (TILEBOX_IS_DATAPOINTS (datapoints));

  ingest_async (self, INPUT_DATAPOINTS, datapoints, allow_existing, progress, cancellable,
                tilebox_collection_ingest_datapoints_async, callback, user_data);
}

/**
 * tilebox_collection_ingest_datapoints_finish:
 * @self: a collection
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Tilebox.Collection.ingest_datapoints_async].
 *
 * Returns: (transfer full): the ids and counts, or %NULL with @error set
 */
TileboxIngestResult *
tilebox_collection_ingest_datapoints_finish (TileboxCollection  *self,
                                             GAsyncResult       *result,
                                             GError            **error)
{
  return ingest_finish (self, result, tilebox_collection_ingest_datapoints_async, error);
}

static Job *
delete_datapoints_job_new (TileboxCollection  *self,
                           TileboxDatapoints  *datapoints,
                           GClosure           *progress,
                           GError            **error)
{
  g_auto(GStrv) ids = tilebox_datapoints_get_ids (datapoints);

  return delete_job_new (self, (const char * const *) ids, progress, error);
}

static gint64
delete_run (Job           *job,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(Job) owned = job;

  if (job == NULL || !job_run (job, cancellable, error))
    return -1;
  return (gint64) job->n_deleted;
}

static void
delete_async (TileboxCollection   *self,
              Job                 *job,
              GError              *error,
              GCancellable        *cancellable,
              gpointer             source_tag,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  if (job == NULL)
    {
      g_task_report_error (self, callback, user_data, source_tag, error);
      return;
    }
  job_start_async (job, source_tag, cancellable, callback, user_data);
}

static gint64
delete_finish (TileboxCollection  *self,
               GAsyncResult       *result,
               gpointer            source_tag,
               GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  g_return_val_if_fail (g_async_result_is_tagged (result, source_tag), -1);

  return g_task_propagate_int (G_TASK (result), error);
}

/**
 * tilebox_collection_delete_ids:
 * @self: a collection
 * @ids: (array zero-terminated=1): the ids of the datapoints to delete
 * @progress: (nullable): called as `progress (done, total)` with two
 *   #guint64 after each request the service committed
 * @cancellable: (nullable): a cancellable
 * @error: return location for a #GError
 *
 * Deletes datapoints from the collection by id, in requests of at most
 * %TILEBOX_INGEST_MAX_DATAPOINTS. Ids the collection does not hold are
 * not an error; they are not counted. An id that is not a UUID fails
 * before anything is sent.
 *
 * Returns: the number of datapoints deleted, or -1 with @error set
 */
gint64
tilebox_collection_delete_ids (TileboxCollection  *self,
                               const char * const *ids,
                               GClosure           *progress,
                               GCancellable       *cancellable,
                               GError            **error)
{
  CHECK_COMMON (-1);
  g_return_val_if_fail (ids != NULL, -1);

  return delete_run (delete_job_new (self, ids, progress, error), cancellable, error);
}

/**
 * tilebox_collection_delete_ids_async:
 * @self: a collection
 * @ids: (array zero-terminated=1): the ids of the datapoints to delete
 * @progress: (nullable): called as `progress (done, total)` on the caller's
 *   thread-default main context after each request the service committed
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called on the caller's thread-default main context when done
 * @user_data: data for @callback
 *
 * Deletes datapoints by id without blocking; see
 * [method@Tilebox.Collection.delete_ids].
 */
void
tilebox_collection_delete_ids_async (TileboxCollection   *self,
                                     const char * const  *ids,
                                     GClosure            *progress,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  GError *error = NULL;

  CHECK_COMMON_ASYNC ();
  g_return_if_fail (ids != NULL);

  delete_async (self, delete_job_new (self, ids, progress, &error), error, cancellable,
                tilebox_collection_delete_ids_async, callback, user_data);
}

/**
 * tilebox_collection_delete_ids_finish:
 * @self: a collection
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Tilebox.Collection.delete_ids_async].
 *
 * Returns: the number of datapoints deleted, or -1 with @error set
 */
gint64
tilebox_collection_delete_ids_finish (TileboxCollection  *self,
                                      GAsyncResult       *result,
                                      GError            **error)
{
  return delete_finish (self, result, tilebox_collection_delete_ids_async, error);
}

/**
 * tilebox_collection_delete_datapoints:
 * @self: a collection
 * @datapoints: datapoints loaded from this collection
 * @progress: (nullable): called as `progress (done, total)` with two
 *   #guint64 after each request the service committed
 * @cancellable: (nullable): a cancellable
 * @error: return location for a #GError
 *
 * Deletes loaded datapoints from the collection, by their ids; see
 * [method@Tilebox.Collection.delete_ids].
 *
 * Returns: the number of datapoints deleted, or -1 with @error set
 */
gint64
tilebox_collection_delete_datapoints (TileboxCollection  *self,
                                      TileboxDatapoints  *datapoints,
                                      GClosure           *progress,
                                      GCancellable       *cancellable,
                                      GError            **error)
{
  CHECK_COMMON (-1);
  g_return_val_if_fail (TILEBOX_IS_DATAPOINTS (datapoints), -1);

  return delete_run (delete_datapoints_job_new (self, datapoints, progress, error), cancellable, error);
}

/**
 * tilebox_collection_delete_datapoints_async:
 * @self: a collection
 * @datapoints: datapoints loaded from this collection
 * @progress: (nullable): called as `progress (done, total)` on the caller's
 *   thread-default main context after each request the service committed
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called on the caller's thread-default main context when done
 * @user_data: data for @callback
 *
 * Deletes loaded datapoints without blocking; see
 * [method@Tilebox.Collection.delete_datapoints].
 */
void
tilebox_collection_delete_datapoints_async (TileboxCollection   *self,
                                            TileboxDatapoints   *datapoints,
                                            GClosure            *progress,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  GError *error = NULL;

  CHECK_COMMON_ASYNC ();
  g_return_if_fail (TILEBOX_IS_DATAPOINTS (datapoints));

  delete_async (self, delete_datapoints_job_new (self, datapoints, progress, &error), error,
                cancellable, tilebox_collection_delete_datapoints_async, callback, user_data);
}

/**
 * tilebox_collection_delete_datapoints_finish:
 * @self: a collection
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Tilebox.Collection.delete_datapoints_async].
 *
 * Returns: the number of datapoints deleted, or -1 with @error set
 */
gint64
tilebox_collection_delete_datapoints_finish (TileboxCollection  *self,
                                             GAsyncResult       *result,
                                             GError            **error)
{
  return delete_finish (self, result, tilebox_collection_delete_datapoints_async, error);
}
