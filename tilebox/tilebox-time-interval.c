/* tilebox-time-interval.c
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "tilebox-time-interval.h"
#include "tilebox-time-interval-private.h"
#include "tilebox-util-private.h"

/**
 * TileboxTimeInterval:
 *
 * An interval of time between two instants, by default half-open:
 * `[start, end)`, the start included and the end excluded.
 *
 * Either bound can be flipped: [method@Tilebox.TimeInterval.get_start_exclusive]
 * and [method@Tilebox.TimeInterval.get_end_inclusive]. A single instant `t`
 * is the interval `[t, t]`. Times are in UTC.
 *
 * Time intervals are immutable and reference counted.
 */
struct _TileboxTimeInterval
{
  gatomicrefcount ref_count;
  GDateTime *start;
  GDateTime *end;
  gboolean start_exclusive;
  gboolean end_inclusive;
};

G_DEFINE_BOXED_TYPE (TileboxTimeInterval, tilebox_time_interval,
                     tilebox_time_interval_ref, tilebox_time_interval_unref)

/**
 * tilebox_time_interval_new:
 * @start: the first instant, included
 * @end: the instant the interval ends before, excluded
 *
 * Creates the half-open interval `[start, end)`.
 *
 * Returns: (transfer full): a new time interval
 */
TileboxTimeInterval *
tilebox_time_interval_new (GDateTime *start,
                           GDateTime *end)
{
  return tilebox_time_interval_new_full (start, end, FALSE, FALSE);
}

/**
 * tilebox_time_interval_new_full:
 * @start: the start of the interval
 * @end: the end of the interval
 * @start_exclusive: whether @start itself is outside the interval
 * @end_inclusive: whether @end itself is inside the interval
 *
 * Creates a time interval with explicit bounds. Both flags %FALSE give the
 * half-open interval `[start, end)`; both %TRUE give `(start, end]`.
 *
 * Returns: (transfer full): a new time interval
 */
TileboxTimeInterval *
tilebox_time_interval_new_full (GDateTime *start,
                                GDateTime *end,
                                gboolean   start_exclusive,
                                gboolean   end_inclusive)
{
  TileboxTimeInterval *self;

  g_return_val_if_fail (start != NULL, NULL);
  g_return_val_if_fail (end != NULL, NULL);

  self = g_new0 (TileboxTimeInterval, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->start = g_date_time_to_utc (start);
  self->end = g_date_time_to_utc (end);
  self->start_exclusive = !!start_exclusive;
  self->end_inclusive = !!end_inclusive;

  return self;
}

/**
 * tilebox_time_interval_ref:
 * @self: a time interval
 *
 * Takes a reference.
 *
 * Returns: (transfer full): @self
 */
TileboxTimeInterval *
tilebox_time_interval_ref (TileboxTimeInterval *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * tilebox_time_interval_unref:
 * @self: (transfer full): a time interval
 *
 * Drops a reference, freeing the interval with the last one.
 */
void
tilebox_time_interval_unref (TileboxTimeInterval *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_date_time_unref (self->start);
      g_date_time_unref (self->end);
      g_free (self);
    }
}

/**
 * tilebox_time_interval_get_start:
 * @self: a time interval
 *
 * The start of the interval, in UTC.
 *
 * Returns: (transfer none): the start
 */
GDateTime *
tilebox_time_interval_get_start (const TileboxTimeInterval *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->start;
}

/**
 * tilebox_time_interval_get_end:
 * @self: a time interval
 *
 * The end of the interval, in UTC.
 *
 * Returns: (transfer none): the end
 */
GDateTime *
tilebox_time_interval_get_end (const TileboxTimeInterval *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->end;
}

/**
 * tilebox_time_interval_get_start_exclusive:
 * @self: a time interval
 *
 * Whether the start instant itself lies outside the interval.
 *
 * Returns: %TRUE if the start is excluded
 */
gboolean
tilebox_time_interval_get_start_exclusive (const TileboxTimeInterval *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->start_exclusive;
}

/**
 * tilebox_time_interval_get_end_inclusive:
 * @self: a time interval
 *
 * Whether the end instant itself lies inside the interval.
 *
 * Returns: %TRUE if the end is included
 */
gboolean
tilebox_time_interval_get_end_inclusive (const TileboxTimeInterval *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->end_inclusive;
}

/**
 * tilebox_time_interval_equal:
 * @a: a time interval
 * @b: another time interval
 *
 * Compares two intervals bound by bound, flags included.
 *
 * Returns: %TRUE if both describe the same bounds
 */
gboolean
tilebox_time_interval_equal (const TileboxTimeInterval *a,
                             const TileboxTimeInterval *b)
{
  g_return_val_if_fail (a != NULL, FALSE);
  g_return_val_if_fail (b != NULL, FALSE);

  return g_date_time_equal (a->start, b->start) &&
         g_date_time_equal (a->end, b->end) &&
         a->start_exclusive == b->start_exclusive &&
         a->end_inclusive == b->end_inclusive;
}

/**
 * tilebox_time_interval_to_string:
 * @self: a time interval
 *
 * Formats the interval in interval notation with RFC 3339 times, such as
 * `[2025-01-01T00:00:00Z, 2025-02-01T00:00:00Z)`.
 *
 * Returns: (transfer full): the text
 */
char *
tilebox_time_interval_to_string (const TileboxTimeInterval *self)
{
  g_autofree char *start = NULL;
  g_autofree char *end = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  start = g_date_time_format_iso8601 (self->start);
  end = g_date_time_format_iso8601 (self->end);

  return g_strdup_printf ("%c%s, %s%c",
                          self->start_exclusive ? '(' : '[', start, end,
                          self->end_inclusive ? ']' : ')');
}

TileboxTimeInterval *
_tilebox_time_interval_new_from_pb (const TileboxPbTimeInterval *pb)
{
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GDateTime) end = NULL;
  TileboxPbTimestamp zero = { 0, 0 };

  start = _tilebox_timestamp_to_date_time (pb->has_start ? &pb->start : &zero);
  end = _tilebox_timestamp_to_date_time (pb->has_end ? &pb->end : &zero);
  if (start == NULL || end == NULL)
    return NULL;

  return tilebox_time_interval_new_full (start, end, pb->start_exclusive, pb->end_inclusive);
}

void
_tilebox_time_interval_to_pb (const TileboxTimeInterval *self,
                              TileboxPbTimeInterval     *pb)
{
  pb->has_start = TRUE;
  _tilebox_timestamp_from_date_time (&pb->start, self->start);
  pb->has_end = TRUE;
  _tilebox_timestamp_from_date_time (&pb->end, self->end);
  pb->start_exclusive = self->start_exclusive;
  pb->end_inclusive = self->end_inclusive;
}
