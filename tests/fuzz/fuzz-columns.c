/* fuzz-columns.c: libFuzzer target for the schema-driven datapoint decoder
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Appends the input as one datapoint of a type with a field of every
 * column kind (tests/test-columns-schema.h), to columns that already hold
 * the rows of earlier inputs. A failure must be a protocol error and leave
 * every array exactly as it was; a success must add one row and keep the
 * invariants of the column layout. Every so often the rows decoded so far
 * are merged into another set of columns and compared.
 */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tilebox-columns-private.h"
#include "tilebox-error.h"
#include "test-columns-schema.h"

#define CHECK(cond) G_STMT_START { if (!(cond)) abort (); } G_STMT_END
#define MAX_ROWS 64

static TileboxDescPool *pool;
static TileboxColumns *columns;

/* Everything the columns hold. */
static GByteArray *
snapshot (const TileboxColumns *c)
{
  GByteArray *out = g_byte_array_new ();
  guint64 header[2] = { c->n_rows, c->wire_bytes };

  g_byte_array_append (out, (const guint8 *) header, sizeof header);
  for (guint i = 0; i < c->columns->len; i++)
    {
      const TileboxColumn *column = g_ptr_array_index (c->columns, i);
      guint32 lens[4] = {
        column->values->len,
        column->data != NULL ? column->data->len : 0,
        column->present->len,
        column->row_ends != NULL ? column->row_ends->len : 0,
      };

      g_byte_array_append (out, (const guint8 *) lens, sizeof lens);
      if (column->values->len > 0)
        g_byte_array_append (out, column->values->data, column->values->len);
      if (column->data != NULL && column->data->len > 0)
        g_byte_array_append (out, column->data->data, column->data->len);
      if (column->present->len > 0)
        g_byte_array_append (out, column->present->data, column->present->len);
      if (column->row_ends != NULL && column->row_ends->len > 0)
        g_byte_array_append (out, (const guint8 *) column->row_ends->data,
                             column->row_ends->len * sizeof (guint64));
    }
  return out;
}

static guint64
u64_at (const guint8 *p,
        guint64       i)
{
  guint64 v;

  memcpy (&v, p + i * sizeof v, sizeof v);
  return v;
}

/* The layout promised by tilebox-columns-private.h. */
static void
check_layout (const TileboxColumns *c)
{
  for (guint i = 0; i < c->columns->len; i++)
    {
      const TileboxColumn *column = g_ptr_array_index (c->columns, i);
      guint64 n_elements;

      CHECK (column->present->len == c->n_rows);
      CHECK (column->values->len % column->element_size == 0);
      n_elements = column->values->len / column->element_size;

      if (column->repeated)
        {
          guint64 previous = 0;

          CHECK (column->row_ends->len == c->n_rows);
          for (guint row = 0; row < c->n_rows; row++)
            {
              guint64 end = g_array_index (column->row_ends, guint64, row);

              CHECK (end >= previous);
              CHECK (column->present->data[row] == (end > previous));
              previous = end;
            }
          CHECK (previous == n_elements);
        }
      else
        {
          CHECK (column->row_ends == NULL);
          CHECK (n_elements == c->n_rows);
          for (guint row = 0; row < c->n_rows; row++)
            CHECK (column->present->data[row] <= 1);
        }

      if (column->data != NULL)
        {
          guint64 previous = 0;

          CHECK (column->element_size == sizeof (guint64));
          for (guint64 k = 0; k < n_elements; k++)
            {
              guint64 end = u64_at (column->values->data, k);
              gsize len;
              const guint8 *bytes = _tilebox_column_bytes (column, k, &len);

              CHECK (end >= previous && end <= column->data->len);
              CHECK (len == end - previous && bytes != NULL);
              if (column->kind == TILEBOX_COLUMN_STRING)
                CHECK (g_utf8_validate_len ((const char *) bytes, len, NULL));
              previous = end;
            }
          CHECK (previous == column->data->len);
        }

      if (column->kind == TILEBOX_COLUMN_BOOL)
        for (guint64 k = 0; k < n_elements; k++)
          CHECK (column->values->data[k] <= 1);
    }
}

static TileboxColumns *
new_columns (void)
{
  GError *error = NULL;
  TileboxColumns *c = _tilebox_columns_new (pool, EVERY_KIND_MESSAGE, &error);

  CHECK (c != NULL && error == NULL);
  return c;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GByteArray) before = NULL;
  g_autoptr(GError) error = NULL;
  guint rows;

  if (pool == NULL)
    pool = every_kind_pool ();
  if (columns == NULL || columns->n_rows >= MAX_ROWS)
    {
      /* merged in two halves, the rows must come out the same */
      if (columns != NULL)
        {
          g_autoptr(TileboxColumns) merged = new_columns ();
          g_autoptr(GByteArray) a = NULL;
          g_autoptr(GByteArray) b = NULL;

          _tilebox_columns_append_columns (merged, columns);
          _tilebox_columns_append_columns (merged, merged);
          check_layout (merged);
          CHECK (merged->n_rows == 2 * columns->n_rows);
          _tilebox_columns_append_columns (columns, columns);
          a = snapshot (merged);
          b = snapshot (columns);
          CHECK (a->len == b->len && memcmp (a->data, b->data, a->len) == 0);
          _tilebox_columns_unref (columns);
        }
      columns = new_columns ();
      if (size % 3 == 0)
        _tilebox_columns_reserve (columns, (guint) size % 100);
    }

  rows = columns->n_rows;
  before = snapshot (columns);

  if (_tilebox_columns_append (columns, size > 0 ? data : NULL, size, &error))
    {
      CHECK (error == NULL);
      CHECK (columns->n_rows == rows + 1);
      check_layout (columns);
    }
  else
    {
      g_autoptr(GByteArray) after = snapshot (columns);

      CHECK (error != NULL);
      CHECK (g_error_matches (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL));
      CHECK (g_str_has_prefix (error->message, "Malformed datapoint"));
      CHECK (columns->n_rows == rows);
      CHECK (after->len == before->len && memcmp (after->data, before->data, after->len) == 0);
    }

  return 0;
}
