/* fuzz-geometry.c: libFuzzer target for the WKB, WKT and GeoJSON conversions
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The input is tried as WKB: GeoJSON, WKT and the normal form must all
 * succeed or all fail (with TILEBOX_ERROR_PROTOCOL). What succeeds must
 * convert on: the normal form is a fixed point, its WKT is the input's,
 * the WKT reads back as the normal form (unless it is not valid user
 * input, say a ring that is not closed), and so does the GeoJSON read
 * back give its own WKB. Then the input is tried as WKT text: on success
 * the WKB it gives goes through WKT and back to the same bytes.
 */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tilebox-error.h"
#include "tilebox-geometry-private.h"

#define CHECK(cond) G_STMT_START { if (!(cond)) abort (); } G_STMT_END

static void
check_error (GError *error,
             gint    code)
{
  CHECK (error != NULL);
  CHECK (g_error_matches (error, TILEBOX_ERROR, code));
  CHECK (error->message != NULL && error->message[0] != '\0');
  CHECK (g_utf8_validate (error->message, -1, NULL));
}

static void
check_wkt_to_wkb (const char *wkt,
                  GBytes     *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) wkb = _tilebox_wkt_to_wkb (wkt, &error);

  if (wkb == NULL)
    {
      /* only a check of user input may refuse what we wrote */
      check_error (error, TILEBOX_ERROR_INVALID_ARGUMENT);
      CHECK (strstr (error->message, "position") != NULL);
      return;
    }
  CHECK (g_bytes_equal (wkb, expected));
}

/* The SRID the top-level header of a well-formed input declares: EWKB
 * sets 0x20000000 in the type and follows it with the SRID. */
static guint32
header_srid (const guint8 *data,
             gsize         size)
{
  gboolean le;
  guint32 type, srid;

  CHECK (size >= 5);
  le = data[0] == 1;
  memcpy (&type, data + 1, 4);
  type = le ? GUINT32_FROM_LE (type) : GUINT32_FROM_BE (type);
  if ((type & 0x20000000) == 0)
    return 0;
  CHECK (size >= 9);
  memcpy (&srid, data + 5, 4);
  return le ? GUINT32_FROM_LE (srid) : GUINT32_FROM_BE (srid);
}

static void
fuzz_wkb (const guint8 *data,
          gsize         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) wkt_error = NULL;
  g_autoptr(GError) norm_error = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autofree char *wkt = NULL;
  g_autoptr(GBytes) norm = NULL;
  guint32 srid = 0xdeadbeef;  /* left alone on failure */

  json = _tilebox_wkb_to_geojson (data, size, &srid, &error);
  wkt = _tilebox_wkb_to_wkt (data, size, &wkt_error);
  norm = _tilebox_wkb_normalize (data, size, &norm_error);

  CHECK ((json != NULL) == (wkt != NULL));
  CHECK ((json != NULL) == (norm != NULL));
  if (json == NULL)
    {
      check_error (error, TILEBOX_ERROR_PROTOCOL);
      check_error (wkt_error, TILEBOX_ERROR_PROTOCOL);
      check_error (norm_error, TILEBOX_ERROR_PROTOCOL);
      CHECK (srid == 0xdeadbeef);
      return;
    }
  CHECK (srid == header_srid (data, size));
  CHECK (g_utf8_validate (wkt, -1, NULL));

  /* the normal form is a fixed point, with the same WKT and GeoJSON */
  {
    gsize len;
    const guint8 *n = g_bytes_get_data (norm, &len);
    g_autoptr(GBytes) again = _tilebox_wkb_normalize (n, len, &error);
    g_autofree char *norm_wkt = _tilebox_wkb_to_wkt (n, len, &error);
    guint32 norm_srid = 1;
    g_autoptr(JsonNode) norm_json = _tilebox_wkb_to_geojson (n, len, &norm_srid, &error);

    CHECK (error == NULL);
    CHECK (len >= 5 && n[0] == 1);
    CHECK (g_bytes_equal (again, norm));
    CHECK (strcmp (norm_wkt, wkt) == 0);
    CHECK (norm_srid == 0);
    CHECK (json_node_equal (norm_json, json));
  }

  /* WKT back to the normal form */
  check_wkt_to_wkb (wkt, norm);

  /* GeoJSON back to WKB, and once more to the same GeoJSON */
  {
    g_autoptr(GBytes) from_json = _tilebox_geojson_to_wkb (json, &error);

    if (from_json == NULL)
      check_error (error, TILEBOX_ERROR_INVALID_ARGUMENT);
    else
      {
        gsize len;
        const guint8 *b = g_bytes_get_data (from_json, &len);
        g_autoptr(JsonNode) json2 = _tilebox_wkb_to_geojson (b, len, NULL, &error);

        CHECK (error == NULL);
        CHECK (json_node_equal (json, json2));
      }
  }
}

static void
fuzz_wkt (const guint8 *data,
          gsize         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) wkb = _tilebox_wkt_to_wkb (text, &error);
  g_autofree char *wkt = NULL;
  gsize len;
  const guint8 *b;

  if (wkb == NULL)
    {
      check_error (error, TILEBOX_ERROR_INVALID_ARGUMENT);
      return;
    }
  b = g_bytes_get_data (wkb, &len);
  wkt = _tilebox_wkb_to_wkt (b, len, &error);
  CHECK (error == NULL && wkt != NULL);

  {
    g_autoptr(GBytes) again = _tilebox_wkt_to_wkb (wkt, &error);

    CHECK (error == NULL && again != NULL);
    CHECK (g_bytes_equal (again, wkb));
  }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  /* keep pathological inputs cheap */
  if (size > 1 << 16)
    return 0;

  fuzz_wkb (size > 0 ? data : NULL, size);
  fuzz_wkt (data, size);
  return 0;
}
