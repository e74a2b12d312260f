/* fuzz-filter.c: libFuzzer target for filter text and QueryRequest bytes
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The first byte picks what the rest is:
 *  - even: CQL2 filter text. It reads into a filter or fails with
 *    TILEBOX_ERROR_INVALID_ARGUMENT; a filter prints as text that reads
 *    back into an equal filter, which prints the same.
 *  - odd: a QueryRequest as the local server receives it (filter
 *    expressions nest). It decodes or fails with TILEBOX_ERROR_PROTOCOL;
 *    what decodes encodes to bytes that decode and encode to the same.
 */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "tilebox-error.h"
#include "tilebox-filter-private.h"
#include "tilebox-messages-private.h"

#define CHECK(cond) G_STMT_START { if (!(cond)) abort (); } G_STMT_END

static void
fuzz_text (const guint8 *data,
           gsize         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(TileboxFilter) filter = tilebox_filter_new_parse (text, &error);
  g_autoptr(TileboxFilter) again = NULL;
  g_autofree char *printed = NULL;
  g_autofree char *printed_again = NULL;

  if (filter == NULL)
    {
      CHECK (g_error_matches (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT));
      return;
    }
  printed = tilebox_filter_to_string (filter);
  CHECK (g_utf8_validate (printed, -1, NULL));
  again = tilebox_filter_new_parse (printed, &error);
  CHECK (error == NULL && again != NULL);
  CHECK (tilebox_filter_equal (filter, again));
  printed_again = tilebox_filter_to_string (again);
  CHECK (g_str_equal (printed, printed_again));
}

static void
fuzz_request (const guint8 *data,
              gsize         size)
{
  g_auto(TileboxPbQueryRequest) request = { 0 };
  g_auto(TileboxPbQueryRequest) decoded = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) first = g_byte_array_new ();
  g_autoptr(GByteArray) second = g_byte_array_new ();

  if (!_tilebox_pb_query_request_decode (&request, data, size, &error))
    {
      CHECK (g_error_matches (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL));
      return;
    }
  _tilebox_pb_query_request_encode (&request, first);
  CHECK (_tilebox_pb_query_request_decode (&decoded, first->data, first->len, &error));
  _tilebox_pb_query_request_encode (&decoded, second);
  CHECK (first->len == second->len && memcmp (first->data, second->data, first->len) == 0);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  if (size == 0 || size > 1 << 16)
    return 0;
  if (data[0] % 2 == 0)
    fuzz_text (data + 1, size - 1);
  else
    fuzz_request (size > 1 ? data + 1 : NULL, size - 1);
  return 0;
}
