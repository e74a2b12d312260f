/* tilebox-id-interval.c
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tilebox-id-interval-private.h"
#include "tilebox-util-private.h"

/**
 * TileboxIdInterval:
 *
 * An interval of datapoint ids, by default half-open: `[start, end)`.
 *
 * Datapoint ids begin with the datapoint's time in milliseconds, so id
 * order is time order, and an id interval selects datapoints as precisely
 * as a time interval, down to datapoints sharing one millisecond. Paging
 * through a collection, or resuming a load where it stopped, is an id
 * interval starting exclusively after the last id seen.
 *
 * Id intervals are immutable and reference counted.
 */
struct _TileboxIdInterval
{
  gatomicrefcount ref_count;
  guint8 start[16];
  guint8 end[16];
  char *start_id;
  char *end_id;
  gboolean start_exclusive;
  gboolean end_inclusive;
};

G_DEFINE_BOXED_TYPE (TileboxIdInterval, tilebox_id_interval,
                     tilebox_id_interval_ref, tilebox_id_interval_unref)

/**
 * tilebox_id_interval_new:
 * @start_id: the first datapoint id, included
 * @end_id: the id the interval ends before, excluded
 * @error: return location for a #GError
 *
 * Creates the half-open id interval `[start_id, end_id)`.
 *
 * Returns: (transfer full) (nullable): a new id interval, or %NULL with
 *   @error set to %TILEBOX_ERROR_INVALID_ARGUMENT for a malformed id
 */
TileboxIdInterval *
tilebox_id_interval_new (const char  *start_id,
                         const char  *end_id,
                         GError     **error)
{
  return tilebox_id_interval_new_full (start_id, end_id, FALSE, FALSE, error);
}

/**
 * tilebox_id_interval_new_full:
 * @start_id: the start of the interval
 * @end_id: the end of the interval
 * @start_exclusive: whether the datapoint @start_id itself is left out
 * @end_inclusive: whether the datapoint @end_id itself is included
 * @error: return location for a #GError
 *
 * Creates an id interval with explicit bounds.
 *
 * Returns: (transfer full) (nullable): a new id interval, or %NULL with
 *   @error set to %TILEBOX_ERROR_INVALID_ARGUMENT for a malformed id
 */
TileboxIdInterval *
tilebox_id_interval_new_full (const char  *start_id,
                              const char  *end_id,
                              gboolean     start_exclusive,
                              gboolean     end_inclusive,
                              GError     **error)
{
  g_autofree TileboxIdInterval *self = g_new0 (TileboxIdInterval, 1);

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!_tilebox_uuid_parse (start_id, self->start, _("start id"), error) ||
      !_tilebox_uuid_parse (end_id, self->end, _("end id"), error))
    return NULL;

  g_atomic_ref_count_init (&self->ref_count);
  self->start_id = _tilebox_uuid_to_string (self->start);
  self->end_id = _tilebox_uuid_to_string (self->end);
  self->start_exclusive = !!start_exclusive;
  self->end_inclusive = !!end_inclusive;

  return g_steal_pointer (&self);
}

/**
 * tilebox_id_interval_ref:
 * @self: an id interval
 *
 * Takes a reference.
 *
 * Returns: (transfer full): @self
 */
TileboxIdInterval *
tilebox_id_interval_ref (TileboxIdInterval *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * tilebox_id_interval_unref:
 * @self: (transfer full): an id interval
 *
 * Drops a reference, freeing the interval with the last one.
 */
void
tilebox_id_interval_unref (TileboxIdInterval *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_free (self->start_id);
      g_free (self->end_id);
      g_free (self);
    }
}

/**
 * tilebox_id_interval_get_start_id:
 * @self: an id interval
 *
 * The start id, in canonical lowercase form.
 *
 * Returns: (transfer none): the start id
 */
const char *
tilebox_id_interval_get_start_id (const TileboxIdInterval *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->start_id;
}

/**
 * tilebox_id_interval_get_end_id:
 * @self: an id interval
 *
 * The end id, in canonical lowercase form.
 *
 * Returns: (transfer none): the end id
 */
const char *
tilebox_id_interval_get_end_id (const TileboxIdInterval *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->end_id;
}

/**
 * tilebox_id_interval_get_start_exclusive:
 * @self: an id interval
 *
 * Whether the start id itself lies outside the interval.
 *
 * Returns: %TRUE if the start is excluded
 */
gboolean
tilebox_id_interval_get_start_exclusive (const TileboxIdInterval *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->start_exclusive;
}

/**
 * tilebox_id_interval_get_end_inclusive:
 * @self: an id interval
 *
 * Whether the end id itself lies inside the interval.
 *
 * Returns: %TRUE if the end is included
 */
gboolean
tilebox_id_interval_get_end_inclusive (const TileboxIdInterval *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->end_inclusive;
}

/**
 * tilebox_id_interval_equal:
 * @a: an id interval
 * @b: another id interval
 *
 * Compares two id intervals bound by bound, flags included.
 *
 * Returns: %TRUE if both have the same bounds
 */
gboolean
tilebox_id_interval_equal (const TileboxIdInterval *a,
                           const TileboxIdInterval *b)
{
  g_return_val_if_fail (a != NULL, FALSE);
  g_return_val_if_fail (b != NULL, FALSE);

  return memcmp (a->start, b->start, 16) == 0 && memcmp (a->end, b->end, 16) == 0 &&
         a->start_exclusive == b->start_exclusive && a->end_inclusive == b->end_inclusive;
}

/**
 * tilebox_id_interval_to_string:
 * @self: an id interval
 *
 * Formats the interval in interval notation, such as
 * `[01941f29-c650-…, 01941f5d-d670-…)`.
 *
 * Returns: (transfer full): the text
 */
char *
tilebox_id_interval_to_string (const TileboxIdInterval *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_strdup_printf ("%c%s, %s%c", self->start_exclusive ? '(' : '[', self->start_id,
                          self->end_id, self->end_inclusive ? ']' : ')');
}

void
_tilebox_id_interval_to_pb (const TileboxIdInterval *self,
                            TileboxPbIdInterval     *pb)
{
  pb->start_id.set = TRUE;
  memcpy (pb->start_id.uuid, self->start, 16);
  pb->end_id.set = TRUE;
  memcpy (pb->end_id.uuid, self->end, 16);
  pb->start_exclusive = self->start_exclusive;
  pb->end_inclusive = self->end_inclusive;
}
