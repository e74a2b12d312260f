/* tilebox-server-main.c: the tilebox-server program
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Runs the local Tilebox server on 127.0.0.1 until SIGINT or SIGTERM, then
 * finishes the requests under way, closes the database and exits with 0.
 * The first line on stdout is the base URL once the server accepts
 * connections, so that scripts and tests can read it.
 */

#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <glib.h>
#include <glib-unix.h>
#include <glib/gi18n-lib.h>

#include "tilebox-server-private.h"

#define DEFAULT_PORT 8080
/* How long a stopping server waits for the responses under way. */
#define DRAIN_TIMEOUT_MS 10000

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_CONTINUE;
}

static int
fail (const char *format,
      ...) G_GNUC_PRINTF (1, 2);

static int
fail (const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("tilebox-server: %s\n", message);
  return EXIT_FAILURE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *api_key = NULL;
  g_autofree char *url = NULL;
  gint port = DEFAULT_PORT;
  gint latency_ms = 0;
  gint max_page_size = TILEBOX_SERVER_DEFAULT_MAX_PAGE_SIZE;
  gboolean demo = FALSE;
  gboolean verbose = FALSE;
  gboolean version = FALSE;
  gint fail_first = 0;
  gint fail_status = 503;
  double fail_ratio = 0.0, drop_ratio = 0.0, truncate_ratio = 0.0;
  gint64 fault_seed = -1;
  TileboxServerFaults faults = { 0 };
  guint sigint_id, sigterm_id;
  const GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &port,
      N_("Port to listen on, on 127.0.0.1 (0: any free port; default 8080)"), N_("PORT") },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path,
      N_("SQLite database file to keep the data in (default: in memory, lost on exit)"), N_("FILE") },
    { "demo", 0, 0, G_OPTION_ARG_NONE, &demo,
      N_("Load the demo catalogue (open data and demo datasets)"), NULL },
    { "latency-ms", 0, 0, G_OPTION_ARG_INT, &latency_ms,
      N_("Delay every response by MS milliseconds"), N_("MS") },
    { "max-page-size", 0, 0, G_OPTION_ARG_INT, &max_page_size,
      N_("Datapoints in a page of a query at most (default 1000)"), N_("N") },
    { "api-key", 0, 0, G_OPTION_ARG_STRING, &api_key,
      N_("Require this API key (Authorization: Bearer KEY) outside /public"), N_("KEY") },
    { "fail-first", 0, 0, G_OPTION_ARG_INT, &fail_first,
      N_("Fail the first N requests, without executing them"), N_("N") },
    { "fail-ratio", 0, 0, G_OPTION_ARG_DOUBLE, &fail_ratio,
      N_("Fail each later request with probability R (0 to 1), without executing it"), N_("R") },
    { "fail-status", 0, 0, G_OPTION_ARG_INT, &fail_status,
      N_("HTTP status of failed requests: 503 (Connect code unavailable, the default) "
         "or 429 (resource_exhausted)"), N_("STATUS") },
    { "drop-ratio", 0, 0, G_OPTION_ARG_DOUBLE, &drop_ratio,
      N_("Execute each request, then with probability R close the connection halfway "
         "through the response body"), N_("R") },
    { "truncate-ratio", 0, 0, G_OPTION_ARG_DOUBLE, &truncate_ratio,
      N_("Execute each request, then with probability R answer with only the first half "
         "of the response body"), N_("R") },
    { "fault-seed", 0, 0, G_OPTION_ARG_INT64, &fault_seed,
      N_("Seed of the random fault ratios, for runs that repeat (default: random, "
         "printed to stderr)"), N_("SEED") },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
      N_("Log every request to stderr"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version,
      N_("Print the version and exit"), NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  context = g_option_context_new (NULL);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("A local Tilebox datasets server speaking the Connect protocol, "
                                  "backed by SQLite."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return fail (_("%s (try --help)"), error->message);
  if (argc > 1)
    return fail (_("Unexpected argument “%s” (try --help)"), argv[1]);
  if (version)
    {
      g_print ("tilebox-server %s\n", PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }
  if (port < 0 || port > 65535)
    return fail (_("Invalid port %d: it must be between 0 and 65535"), port);
  if (latency_ms < 0)
    return fail (_("Invalid latency %d: it must not be negative"), latency_ms);
  if (max_page_size < 1)
    return fail (_("Invalid page size %d: it must be at least 1"), max_page_size);
  if (fail_first < 0)
    return fail (_("Invalid --fail-first %d: it must not be negative"), fail_first);
  if (fail_status != 503 && fail_status != 429)
    return fail (_("Invalid --fail-status %d: it must be 503 or 429"), fail_status);
  if (fault_seed < -1 || fault_seed > G_MAXUINT32)
    return fail (_("Invalid --fault-seed %lld: it must be between 0 and %u"),
                 (long long) fault_seed, G_MAXUINT32);
  faults.fail_first = (guint) fail_first;
  faults.fail_status = (guint) fail_status;
  faults.fail_ratio = fail_ratio;
  faults.drop_ratio = drop_ratio;
  faults.truncate_ratio = truncate_ratio;
  faults.seed = fault_seed >= 0 ? (guint32) fault_seed : g_random_int ();

  server = _tilebox_server_new (db_path, &error);
  if (server == NULL)
    return fail ("%s", error->message);
  if (demo && !_tilebox_server_load_demo (server, &error))
    return fail (_("Could not load the demo catalogue: %s"), error->message);
  _tilebox_server_set_api_key (server, api_key);
  _tilebox_server_set_latency_ms (server, (guint) latency_ms);
  _tilebox_server_set_max_page_size (server, (guint) max_page_size);
  _tilebox_server_set_verbose (server, verbose);
  if (!_tilebox_server_set_faults (server, &faults, &error))
    return fail ("%s", error->message);
  if (fail_ratio > 0.0 || drop_ratio > 0.0 || truncate_ratio > 0.0)
    g_printerr (_("tilebox-server: injecting faults with --fault-seed %u\n"), faults.seed);

  loop = g_main_loop_new (NULL, FALSE);
  if (!_tilebox_server_listen (server, (guint16) port, &error))
    return fail (_("Could not listen on 127.0.0.1:%d: %s"), port, error->message);

  url = _tilebox_server_dup_url (server);
  g_print ("%s\n", url);
  fflush (stdout);
  if (verbose && db_path != NULL)
    g_printerr (_("tilebox-server: serving the database %s\n"), db_path);
  else if (verbose)
    g_printerr (_("tilebox-server: serving an in-memory database\n"));

  sigint_id = g_unix_signal_add (SIGINT, quit_cb, loop);
  sigterm_id = g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_main_loop_run (loop);

  /* answer what was asked already, then close the database */
  if (verbose)
    g_printerr (_("tilebox-server: stopping\n"));
  if (!_tilebox_server_drain (server, DRAIN_TIMEOUT_MS))
    g_printerr (_("tilebox-server: requests still unanswered after %d ms are dropped\n"), DRAIN_TIMEOUT_MS);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  _tilebox_server_disconnect (server);
  g_clear_pointer (&server, _tilebox_server_unref);
  if (verbose)
    g_printerr (_("tilebox-server: stopped\n"));
  return EXIT_SUCCESS;
}
