/* test-intervals.c: time and id intervals
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "tilebox.h"
#include "tilebox-id-interval-private.h"
#include "tilebox-time-interval-private.h"
#include "tilebox-util-private.h"

static GDateTime *
utc (int year, int month, int day, int hour, int minute, double seconds)
{
  return g_date_time_new_utc (year, month, day, hour, minute, seconds);
}

static void
assert_interval_text (TileboxTimeInterval *interval,
                      const char          *expected)
{
  g_autofree char *text = tilebox_time_interval_to_string (interval);

  g_assert_cmpstr (text, ==, expected);
}

/* Half-open by default: start included, end excluded. */
static void
test_time_default_half_open (void)
{
  g_autoptr(GDateTime) start = utc (2025, 1, 1, 0, 0, 0);
  g_autoptr(GDateTime) end = utc (2025, 2, 1, 0, 0, 0);
  g_autoptr(TileboxTimeInterval) interval = tilebox_time_interval_new (start, end);

  g_assert_false (tilebox_time_interval_get_start_exclusive (interval));
  g_assert_false (tilebox_time_interval_get_end_inclusive (interval));
  assert_interval_text (interval, "[2025-01-01T00:00:00Z, 2025-02-01T00:00:00Z)");
}

/* Times in other zones are kept in UTC. */
static void
test_time_converted_to_utc (void)
{
  g_autoptr(GTimeZone) berlin = g_time_zone_new_identifier ("+01:00");
  g_autoptr(GDateTime) start = g_date_time_new (berlin, 2025, 1, 1, 1, 0, 0);
  g_autoptr(GDateTime) end = g_date_time_new (berlin, 2025, 1, 1, 2, 0, 0);
  g_autoptr(TileboxTimeInterval) interval = tilebox_time_interval_new (start, end);

  g_assert_cmpint (g_date_time_get_utc_offset (tilebox_time_interval_get_start (interval)), ==, 0);
  assert_interval_text (interval, "[2025-01-01T00:00:00Z, 2025-01-01T01:00:00Z)");
}

/* A point in time is [t, t]. */
static void
test_time_point (void)
{
  g_autoptr(GDateTime) t = utc (2025, 1, 1, 0, 0, 19.024);
  g_autoptr(TileboxTimeInterval) point = tilebox_time_interval_new_point (t);

  g_assert_true (g_date_time_equal (tilebox_time_interval_get_start (point), t));
  g_assert_true (g_date_time_equal (tilebox_time_interval_get_end (point), t));
  g_assert_false (tilebox_time_interval_get_start_exclusive (point));
  g_assert_true (tilebox_time_interval_get_end_inclusive (point));
  assert_interval_text (point, "[2025-01-01T00:00:19.024000Z, 2025-01-01T00:00:19.024000Z]");
}

/* Dates, naive times (UTC), zones, and a space for the T. */
static void
test_time_parse_forms (void)
{
  static const struct {
    const char *text;
    gint64 unix_seconds;
  } forms[] = {
    { "2025-01-01", 1735689600 },
    { "2025-01-01T00:00:00", 1735689600 },
    { "2025-01-01T00:00:00Z", 1735689600 },
    { "2025-01-01 01:00:00+01:00", 1735689600 },
    { "2025-01-01T00:00:00.000+00:00", 1735689600 },
    { "  2025-01-02  ", 1735776000 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TileboxTimeInterval) interval = tilebox_time_interval_new_parse (forms[i].text, "2030-01-01", &error);

      g_assert_no_error (error);
      g_assert_cmpint (g_date_time_to_unix (tilebox_time_interval_get_start (interval)), ==, forms[i].unix_seconds);
      g_assert_cmpint (g_date_time_get_utc_offset (tilebox_time_interval_get_start (interval)), ==, 0);
    }
}

/* Text that is not a time is a clear error naming it. */
static void
test_time_parse_errors (void)
{
  const char *bad[] = { "", "yesterday", "2025-13-01", "2025-01-01T25:00:00Z", "01/01/2025" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_null (tilebox_time_interval_new_parse ("2025-01-01", bad[i], &error));
      g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, bad[i]));
    }
}

/* Equality is on the instants held: [t, u] == [t, u + 1µs). */
static void
test_time_equal_half_open_form (void)
{
  g_autoptr(GDateTime) t = utc (2025, 1, 1, 0, 0, 0);
  g_autoptr(GDateTime) u = utc (2025, 1, 2, 0, 0, 0);
  g_autoptr(GDateTime) u_next = g_date_time_add (u, 1);
  g_autoptr(GDateTime) t_next = g_date_time_add (t, 1);
  g_autoptr(TileboxTimeInterval) closed = tilebox_time_interval_new_full (t, u, FALSE, TRUE);
  g_autoptr(TileboxTimeInterval) half_open = tilebox_time_interval_new (t, u_next);
  g_autoptr(TileboxTimeInterval) open_start = tilebox_time_interval_new_full (t, u, TRUE, FALSE);
  g_autoptr(TileboxTimeInterval) shifted = tilebox_time_interval_new (t_next, u);
  g_autoptr(TileboxTimeInterval) plain = tilebox_time_interval_new (t, u);

  g_assert_true (tilebox_time_interval_equal (closed, half_open));
  g_assert_true (tilebox_time_interval_equal (open_start, shifted));
  g_assert_false (tilebox_time_interval_equal (plain, closed));
  g_assert_false (tilebox_time_interval_equal (plain, open_start));
}

/* The wire form keeps the flags and the nanoseconds of the bounds. */
static void
test_time_to_pb_and_back (void)
{
  g_autoptr(GDateTime) t = utc (2025, 1, 1, 0, 0, 19.024);
  g_autoptr(GDateTime) u = utc (2025, 1, 1, 1, 0, 0);
  g_autoptr(TileboxTimeInterval) interval = tilebox_time_interval_new_full (t, u, TRUE, TRUE);
  g_autoptr(TileboxTimeInterval) back = NULL;
  TileboxPbTimeInterval pb = { 0 };

  _tilebox_time_interval_to_pb (interval, &pb);
  g_assert_true (pb.has_start && pb.has_end);
  g_assert_cmpint (pb.start.seconds, ==, 1735689619);
  g_assert_cmpint (pb.start.nanos, ==, 24000000);
  g_assert_true (pb.start_exclusive && pb.end_inclusive);
  back = _tilebox_time_interval_new_from_pb (&pb);
  g_assert_true (tilebox_time_interval_equal (interval, back));
  g_assert_true (tilebox_time_interval_get_start_exclusive (back));
}

/* Id intervals: canonical ids, flags, wire form. */
static void
test_id_interval (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxIdInterval) ids = NULL;
  g_autoptr(TileboxIdInterval) same = NULL;
  g_autoptr(TileboxIdInterval) other = NULL;
  g_autofree char *text = NULL;
  TileboxPbIdInterval pb = { 0 };

  ids = tilebox_id_interval_new_full ("01941F29-C650-202F-6495-C71DD2118FB1",
                                      "01941f5d-d670-ab58-966a-1f54c0479887", TRUE, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tilebox_id_interval_get_start_id (ids), ==, "01941f29-c650-202f-6495-c71dd2118fb1");
  g_assert_true (tilebox_id_interval_get_start_exclusive (ids));
  g_assert_true (tilebox_id_interval_get_end_inclusive (ids));
  text = tilebox_id_interval_to_string (ids);
  g_assert_cmpstr (text, ==, "(01941f29-c650-202f-6495-c71dd2118fb1, 01941f5d-d670-ab58-966a-1f54c0479887]");

  same = tilebox_id_interval_new_full ("01941f29-c650-202f-6495-c71dd2118fb1",
                                       "01941f5d-d670-ab58-966a-1f54c0479887", TRUE, TRUE, &error);
  other = tilebox_id_interval_new ("01941f29-c650-202f-6495-c71dd2118fb1",
                                   "01941f5d-d670-ab58-966a-1f54c0479887", &error);
  g_assert_true (tilebox_id_interval_equal (ids, same));
  g_assert_false (tilebox_id_interval_equal (ids, other));

  _tilebox_id_interval_to_pb (ids, &pb);
  g_assert_true (pb.start_id.set && pb.end_id.set);
  g_assert_cmpuint (pb.start_id.uuid[0], ==, 0x01);
  g_assert_cmpuint (pb.end_id.uuid[15], ==, 0x87);
  g_assert_true (pb.start_exclusive && pb.end_inclusive);
}

/* A malformed id is a clear error, not a crash. */
static void
test_id_interval_errors (void)
{
  const char *bad[] = { "", "01941f29", "01941f29-c650-202f-6495-c71dd2118fbZ", "01941f29c650202f6495c71dd2118fb1xxxx" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_null (tilebox_id_interval_new (bad[i], "01941f5d-d670-ab58-966a-1f54c0479887", &error));
      g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
    }
}

/* Microseconds since the epoch, both ways, before the epoch too. */
static void
test_unix_usec (void)
{
  static const gint64 cases[] = { 0, 1, -1, 1735689619024000, -1000001, 999999 };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GDateTime) dt = _tilebox_date_time_new_from_unix_usec (cases[i]);

      g_assert_nonnull (dt);
      g_assert_cmpint (_tilebox_date_time_to_unix_usec (dt), ==, cases[i]);
      g_assert_cmpint (g_date_time_get_utc_offset (dt), ==, 0);
    }
  {
    g_autoptr(GDateTime) before = _tilebox_date_time_new_from_unix_usec (-1);
    g_autofree char *text = g_date_time_format_iso8601 (before);

    g_assert_cmpstr (text, ==, "1969-12-31T23:59:59.999999Z");
  }
  g_assert_null (_tilebox_date_time_new_from_unix_usec (G_MAXINT64));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/intervals/time/default-half-open", test_time_default_half_open);
  g_test_add_func ("/intervals/time/converted-to-utc", test_time_converted_to_utc);
  g_test_add_func ("/intervals/time/point-in-time", test_time_point);
  g_test_add_func ("/intervals/time/parse-forms", test_time_parse_forms);
  g_test_add_func ("/intervals/time/parse-errors", test_time_parse_errors);
  g_test_add_func ("/intervals/time/equal-half-open-form", test_time_equal_half_open_form);
  g_test_add_func ("/intervals/time/wire-form", test_time_to_pb_and_back);
  g_test_add_func ("/intervals/id/bounds-and-wire-form", test_id_interval);
  g_test_add_func ("/intervals/id/malformed-ids", test_id_interval_errors);
  g_test_add_func ("/intervals/unix-usec", test_unix_usec);

  return g_test_run ();
}
