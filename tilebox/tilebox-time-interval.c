/* tilebox-time-interval.c
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tilebox-error.h"
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
 * An end before the start gives an empty interval.
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
 * tilebox_time_interval_new_point:
 * @instant: a point in time
 *
 * Creates the interval holding just @instant: `[instant, instant]`.
 *
 * Returns: (transfer full): a new time interval
 */
TileboxTimeInterval *
tilebox_time_interval_new_point (GDateTime *instant)
{
  g_return_val_if_fail (instant != NULL, NULL);

  return tilebox_time_interval_new_full (instant, instant, FALSE, TRUE);
}

/**
 * tilebox_time_interval_new_parse:
 * @start: the start, included: an ISO 8601 / RFC 3339 time such as
 *   `2025-01-01T12:00:00Z`, or a date such as `2025-01-01`
 * @end: the end, excluded, in the same forms
 * @error: return location for a #GError
 *
 * Creates the half-open interval `[start, end)` from text. A date stands
 * for its midnight; a time without a zone is in UTC; a space may stand for
 * the `T` between date and time.
 *
 * Returns: (transfer full) (nullable): a new time interval, or %NULL with
 *   @error set to %TILEBOX_ERROR_INVALID_ARGUMENT
 */
TileboxTimeInterval *
tilebox_time_interval_new_parse (const char  *start,
                                 const char  *end,
                                 GError     **error)
{
  g_autoptr(GDateTime) start_time = NULL;
  g_autoptr(GDateTime) end_time = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  start_time = _tilebox_date_time_parse (start, error);
  if (start_time == NULL)
    return NULL;
  end_time = _tilebox_date_time_parse (end, error);
  if (end_time == NULL)
    return NULL;

  return tilebox_time_interval_new (start_time, end_time);
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

/* The bounds as a half-open interval of microseconds, GDateTime's unit. */
static void
half_open_bounds (const TileboxTimeInterval *self,
                  gint64                    *start,
                  gint64                    *end)
{
  *start = _tilebox_date_time_to_unix_usec (self->start);
  *end = _tilebox_date_time_to_unix_usec (self->end);
  if (self->start_exclusive)
    *start += 1;
  if (self->end_inclusive)
    *end += 1;
}

/**
 * tilebox_time_interval_equal:
 * @a: a time interval
 * @b: another time interval
 *
 * Compares two intervals as the instants they hold, in half-open form at
 * the microsecond precision of #GDateTime: `[t, u]` equals `[t, u + 1µs)`.
 *
 * Returns: %TRUE if both hold the same instants
 */
gboolean
tilebox_time_interval_equal (const TileboxTimeInterval *a,
                             const TileboxTimeInterval *b)
{
  gint64 a_start, a_end, b_start, b_end;

  g_return_val_if_fail (a != NULL, FALSE);
  g_return_val_if_fail (b != NULL, FALSE);

  half_open_bounds (a, &a_start, &a_end);
  half_open_bounds (b, &b_start, &b_end);

  return a_start == b_start && a_end == b_end;
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

GDateTime *
_tilebox_date_time_parse (const char  *text,
                          GError     **error)
{
  g_autofree char *iso = NULL;
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  GDateTime *parsed = NULL;
  gsize len;

  if (text == NULL)
    goto invalid;

  iso = g_strstrip (g_strdup (text));
  len = strlen (iso);
  if (len == 10 && iso[4] == '-' && iso[7] == '-')
    {
      char *with_time = g_strconcat (iso, "T00:00:00", NULL);

      g_free (iso);
      iso = with_time;
    }
  else if (len > 10 && iso[10] == ' ')
    iso[10] = 'T';

  parsed = g_date_time_new_from_iso8601 (iso, utc);
  if (parsed != NULL)
    {
      GDateTime *in_utc = g_date_time_to_utc (parsed);

      g_date_time_unref (parsed);
      return in_utc;
    }

invalid:
  g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
               _("Invalid time “%s”: expected an ISO 8601 time such as 2025-01-01T12:00:00Z "
                 "or a date such as 2025-01-01"),
               text ? text : "(null)");
  return NULL;
}
