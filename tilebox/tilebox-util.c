/* tilebox-util.c: small shared helpers
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "tilebox-error.h"
#include "tilebox-util-private.h"

void
_tilebox_init_i18n (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      g_once_init_leave (&initialized, 1);
    }
}

#ifdef __GNUC__
/* Many messages come from functions that need no client (parsing a time
 * interval, a filter, a geometry): bind the domain as soon as the library
 * is loaded, so that none of them is looked up in the wrong directory. An
 * application that binds the domain itself afterwards still wins. */
__attribute__ ((constructor)) static void
tilebox_i18n_constructor (void)
{
  _tilebox_init_i18n ();
}
#endif

const char *
_tilebox_format_double (char   buf[G_ASCII_DTOSTR_BUF_SIZE],
                        double d)
{
  static const char *const formats[] = {
    "%.1g", "%.2g", "%.3g", "%.4g", "%.5g", "%.6g", "%.7g", "%.8g", "%.9g",
    "%.10g", "%.11g", "%.12g", "%.13g", "%.14g", "%.15g", "%.16g", "%.17g",
  };
  guint first = d != 0 && fabs (d) < DBL_MIN ? 0 : 14;

  for (guint i = first; i < G_N_ELEMENTS (formats); i++)
    {
      g_ascii_formatd (buf, G_ASCII_DTOSTR_BUF_SIZE, formats[i], d);
      if (g_ascii_strtod (buf, NULL) == d)
        break;
    }
  return buf;
}

char *
_tilebox_uuid_to_string (const guint8 uuid[16])
{
  static const char hex[] = "0123456789abcdef";
  char out[37];
  guint j = 0;

  for (guint i = 0; i < 16; i++)
    {
      if (i == 4 || i == 6 || i == 8 || i == 10)
        out[j++] = '-';
      out[j++] = hex[uuid[i] >> 4];
      out[j++] = hex[uuid[i] & 0xf];
    }
  out[j] = '\0';

  return g_strdup (out);
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

gboolean
_tilebox_uuid_parse (const char *str,
                     guint8      uuid[16],
                     const char *what,
                     GError    **error)
{
  guint n = 0;

  if (str == NULL || strlen (str) != 36)
    goto invalid;

  for (guint i = 0; i < 36; )
    {
      int hi, lo;

      if (i == 8 || i == 13 || i == 18 || i == 23)
        {
          if (str[i] != '-')
            goto invalid;
          i++;
          continue;
        }
      hi = hex_value (str[i]);
      lo = hex_value (str[i + 1]);
      if (hi < 0 || lo < 0)
        goto invalid;
      uuid[n++] = (guint8) (hi << 4 | lo);
      i += 2;
    }

  return TRUE;

invalid:
  g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
               /* Translators: the first %s is what the id is for, e.g. "dataset id" */
               _("Invalid %s “%s”: expected a UUID such as 01941f29-c650-202f-6495-c71dd2118fb1"),
               what, str ? str : "(null)");
  return FALSE;
}

char *
_tilebox_pb_id_to_string (const TileboxPbId *id)
{
  if (id == NULL || !id->set)
    return NULL;
  return _tilebox_uuid_to_string (id->uuid);
}

gint64
_tilebox_date_time_to_unix_usec (GDateTime *dt)
{
  return g_date_time_to_unix (dt) * G_USEC_PER_SEC + g_date_time_get_microsecond (dt);
}

GDateTime *
_tilebox_date_time_new_from_unix_usec (gint64 usec)
{
  /* Floor division, so that times before the epoch come out right. */
  gint64 seconds = usec / G_USEC_PER_SEC - (usec % G_USEC_PER_SEC < 0 ? 1 : 0);
  g_autoptr(GDateTime) whole = g_date_time_new_from_unix_utc (seconds);

  if (whole == NULL)
    return NULL;
  return g_date_time_add (whole, usec - seconds * G_USEC_PER_SEC);
}

GDateTime *
_tilebox_timestamp_to_date_time (const TileboxPbTimestamp *ts)
{
  g_autoptr(GDateTime) seconds = NULL;

  /* GDateTime holds microseconds; nanoseconds below that are dropped. */
  seconds = g_date_time_new_from_unix_utc (ts->seconds);
  if (seconds == NULL)
    return NULL;
  return g_date_time_add (seconds, ts->nanos / 1000);
}

void
_tilebox_timestamp_from_date_time (TileboxPbTimestamp *ts,
                                   GDateTime          *dt)
{
  /* g_date_time_get_microsecond () is never negative, so nanos are in range. */
  ts->seconds = g_date_time_to_unix (dt);
  ts->nanos = g_date_time_get_microsecond (dt) * 1000;
}

gboolean
_tilebox_slug_validate (const char *slug,
                        GError    **error)
{
  gboolean part_start = TRUE;

  if (slug == NULL || *slug == '\0')
    goto invalid;

  for (const char *p = slug; *p; p++)
    {
      if (*p == '.')
        {
          if (part_start)
            goto invalid;
          part_start = TRUE;
          continue;
        }
      if (!(g_ascii_isalnum (*p) || *p == '_' || *p == '-'))
        goto invalid;
      part_start = FALSE;
    }
  if (part_start)
    goto invalid;

  return TRUE;

invalid:
  g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
               _("Invalid dataset slug “%s”: expected dot-separated names such as "
                 "open_data.copernicus.sentinel2_msi"),
               slug ? slug : "(null)");
  return FALSE;
}

gboolean
_tilebox_name_validate (const char *name,
                        const char *what,
                        GError    **error)
{
  if (name == NULL || *name == '\0')
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                   /* Translators: %s is what is named, e.g. "collection name" */
                   _("The %s must not be empty"), what);
      return FALSE;
    }
  if (!g_utf8_validate (name, -1, NULL))
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                   _("The %s is not valid UTF-8"), what);
      return FALSE;
    }
  for (const char *p = name; *p; p = g_utf8_next_char (p))
    {
      if (g_unichar_iscntrl (g_utf8_get_char (p)))
        {
          g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                       _("The %s “%s” contains a control character"), what, name);
          return FALSE;
        }
    }
  return TRUE;
}
