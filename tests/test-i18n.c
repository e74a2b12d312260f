/* test-i18n.c: the library's errors in German, from the built catalogue
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Runs with LANGUAGE=de and LC_ALL=C.UTF-8 (set below, before the locale
 * is read) and the German catalogue that the build compiled into
 * po/de/LC_MESSAGES of the build tree. The expected texts are copied from
 * po/de.po: a message that loses its translation, a catalogue that is not
 * found, or a library that looks its messages up in the wrong domain
 * fails here.
 */

#include "config.h"

#include <locale.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <gio/gio.h>

#include "tilebox.h"

/* What the library had bound before main () touched the domain. */
static char *domain_dir_at_start;
static char *domain_codeset_at_start;

/* The library binds its domain (to LOCALEDIR, in UTF-8) as soon as it is
 * loaded: messages from functions that need no client, such as parsing a
 * time interval, must not be looked up before that. */
static void
test_domain_bound_when_loaded (void)
{
  g_assert_cmpstr (domain_codeset_at_start, ==, "UTF-8");
  g_assert_cmpstr (domain_dir_at_start, ==, LOCALEDIR);
}

/* A time that does not parse: the message comes from tilebox-time-interval.c. */
static void
test_time_interval_error_in_german (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxTimeInterval) interval =
    tilebox_time_interval_new_parse ("gestern", "2025-01-01", &error);

  g_assert_null (interval);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==,
                   "Ungültige Zeit „gestern“: Erwartet wird eine ISO-8601-Zeit wie "
                   "2025-01-01T12:00:00Z oder ein Datum wie 2025-01-01");
}

/* A filter that ends too early: the message and the fragment it names
 * (“a value”) are both translated. */
static void
test_filter_error_in_german (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxFilter) filter = tilebox_filter_new_parse ("cloud_cover <", &error);

  g_assert_null (filter);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==,
                   "Ungültiger Filter „cloud_cover <“: Am Ende wird ein Wert erwartet");
}

/* The German text puts the position (counted from 1) before what was
 * expected: the catalogue's %1$s/%3$u/%2$s reordering must reach printf
 * intact. */
static void
test_filter_error_reordered (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxFilter) filter = tilebox_filter_new_parse ("cloud_cover ! 3", &error);

  g_assert_null (filter);
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==,
                   "Ungültiger Filter „cloud_cover ! 3“: An Position 13 wird "
                   "ein Vergleich (=, <>, <, <=, >, >=) oder IS NULL erwartet");
}

/* g_dngettext picks the German singular and plural forms. */
static void
test_plural_forms_in_german (void)
{
  g_autoptr(TileboxQuery) query = tilebox_query_new ();
  g_autoptr(GError) one = NULL;
  g_autoptr(GError) three = NULL;

  g_assert_false (tilebox_query_set_spatial_filter_wkt (query, "LINESTRING (1 2)",
                                                        TILEBOX_SPATIAL_MODE_INTERSECTS,
                                                        TILEBOX_COORDINATE_SYSTEM_CARTESIAN,
                                                        &one));
  g_assert_error (one, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (one->message, ==,
                   "Ungültiger räumlicher Filter: WKT-Linienzug hat 1 Position; "
                   "ein Linienzug braucht mindestens 2");

  g_assert_false (tilebox_query_set_spatial_filter_wkt (query, "POLYGON ((0 0, 1 0, 0 0))",
                                                        TILEBOX_SPATIAL_MODE_INTERSECTS,
                                                        TILEBOX_COORDINATE_SYSTEM_CARTESIAN,
                                                        &three));
  g_assert_error (three, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (three->message, ==,
                   "Ungültiger räumlicher Filter: WKT-Polygonring 0 hat 3 Positionen; "
                   "ein Ring braucht mindestens 4 und muss geschlossen sein");
}

/* A port on loopback that nothing listens on (bound, read, closed). */
static guint16
closed_port (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, any, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, &error);
  g_assert_no_error (error);
  return port;
}

/* A network error keeps GIO's error and code, under a German first part. */
static void
test_network_error_in_german (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", closed_port ());
  g_autofree char *prefix = g_strdup_printf ("Der Tilebox-Dienst unter %s ist nicht erreichbar: ", url);
  g_autoptr(TileboxClient) client = tilebox_client_new_for_url (url, NULL, &error);
  g_autoptr(GPtrArray) datasets = NULL;

  g_assert_no_error (error);
  tilebox_client_set_max_retries (client, 0);
  datasets = tilebox_client_list_datasets (client, NULL, &error);

  g_assert_null (datasets);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  g_assert_true (g_str_has_prefix (error->message, prefix));
  /* GIO's own reason follows */
  g_assert_cmpuint (strlen (error->message), >, strlen (prefix));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *localedir = NULL;

  /* before anything reads the locale */
  domain_dir_at_start = g_strdup (bindtextdomain (GETTEXT_PACKAGE, NULL));
  domain_codeset_at_start = g_strdup (bind_textdomain_codeset (GETTEXT_PACKAGE, NULL));
  g_setenv ("LANGUAGE", "de", TRUE);
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);

  g_test_init (&argc, &argv, NULL);
  g_assert_nonnull (setlocale (LC_ALL, ""));

  localedir = g_test_build_filename (G_TEST_BUILT, "..", "po", NULL);
  g_assert_true (g_file_test (localedir, G_FILE_TEST_IS_DIR));
  bindtextdomain (GETTEXT_PACKAGE, localedir);

  g_test_add_func ("/i18n/domain-bound-when-loaded", test_domain_bound_when_loaded);
  g_test_add_func ("/i18n/time-interval", test_time_interval_error_in_german);
  g_test_add_func ("/i18n/filter", test_filter_error_in_german);
  g_test_add_func ("/i18n/filter-reordered", test_filter_error_reordered);
  g_test_add_func ("/i18n/plural-forms", test_plural_forms_in_german);
  g_test_add_func ("/i18n/network", test_network_error_in_german);

  return g_test_run ();
}
