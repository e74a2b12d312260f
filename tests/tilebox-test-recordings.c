/* tilebox-test-recordings.c
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <gio/gio.h>

#include "tilebox-test-recordings.h"

static char *
recordings_dir (void)
{
  const char *env = g_getenv ("TILEBOX_RECORDINGS_DIR");
  g_autofree char *top = NULL;

  if (env != NULL && *env != '\0')
    return g_build_filename (env, "go", NULL);

  top = g_path_get_dirname (g_test_get_dir (G_TEST_DIST));
  return g_build_filename (top, "..", "shared", "fixtures", "tilebox-recordings", "go", NULL);
}

static GBytes *
gunzip (const char *data,
        gsize       len)
{
  g_autoptr(GZlibDecompressor) decompressor = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  g_autoptr(GInputStream) source = g_memory_input_stream_new_from_data (data, len, NULL);
  g_autoptr(GInputStream) converted = g_converter_input_stream_new (source, G_CONVERTER (decompressor));
  g_autoptr(GOutputStream) sink = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  g_output_stream_splice (sink, converted,
                          G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                          NULL, &error);
  g_assert_no_error (error);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (sink));
}

GPtrArray *
tilebox_test_load_recording (const char                *name,
                             TileboxTestRecordingFlags  flags)
{
  g_autofree char *dir = recordings_dir ();
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *calls;
  gsize len, pos = 0;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_autofree char *msg = g_strdup_printf ("recording %s not found (set TILEBOX_RECORDINGS_DIR)", path);

      if (flags & TILEBOX_TEST_RECORDING_OPTIONAL)
        g_test_message ("%s", msg);
      else
        g_test_skip (msg);
      return NULL;
    }

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);

  calls = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  while (pos < len)
    {
      gint64 status;
      guint64 body_len;

      g_assert_cmpuint (len - pos, >=, 16);
      memcpy (&status, contents + pos, 8);
      memcpy (&body_len, contents + pos + 8, 8);
      status = GINT64_FROM_LE (status);
      body_len = GUINT64_FROM_LE (body_len);
      pos += 16;
      g_assert_cmpint (status, ==, 200);
      g_assert_cmpuint (body_len, <=, len - pos);
      if (flags & TILEBOX_TEST_RECORDING_GUNZIP)
        g_ptr_array_add (calls, gunzip (contents + pos, body_len));
      else
        g_ptr_array_add (calls, g_bytes_new (contents + pos, body_len));
      pos += body_len;
    }

  return calls;
}
