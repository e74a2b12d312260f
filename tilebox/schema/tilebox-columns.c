/* tilebox-columns.c: datapoints decoded into columns (internal)
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The decoder walks a serialized datapoint once. Each tag is looked up in
 * a table indexed by field number (a hash table only for numbers too large
 * for the table), and the value goes straight into its column: fixed-size
 * values into the row's slot, bytes appended to the column's data. Nothing
 * is allocated per value; the arrays grow geometrically.
 *
 * A row is begun by giving every non-repeated column a zeroed slot and an
 * absent flag, so that a value can be written into its slot whenever it
 * comes, as often as it comes (the last one wins). Repeated columns append
 * elements and get their row end when the row is finished.
 *
 * The lengths of all arrays follow from the number of rows (see
 * truncate_column ()), so undoing a failed row needs no saved state:
 * every column is cut back to n_rows rows.
 *
 * The wire rules are those of tilebox-pb (varints of at most 10 bytes,
 * field numbers 1 ... 2^29-1, wire types 0 ... 5, lengths checked against
 * what is left before any pointer arithmetic); the fast paths here are
 * inlined for speed, and tilebox-pb skips unknown fields.
 */

#include "config.h"

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <glib/gi18n-lib.h>

#include "tilebox-columns-private.h"
#include "tilebox-error.h"
#include "tilebox-pb-private.h"

#define MAX_FIELD_NUMBER 536870911u /* 2^29 - 1 */
#define NANOS_PER_SECOND G_GINT64_CONSTANT (1000000000)
/* Field numbers below this many are looked up in a table, unless the
 * message has larger ones, which go to a hash table. */
#define MAX_TABLE_SIZE 1024u
#define SMALL_TABLE_SIZE 256u

/* How a column decodes one value. */
typedef enum {
  OP_DOUBLE,
  OP_FLOAT,
  OP_INT32,
  OP_SINT32,
  OP_SFIXED32,
  OP_INT64,
  OP_SINT64,
  OP_SFIXED64,
  OP_UINT32,
  OP_FIXED32,
  OP_UINT64,
  OP_FIXED64,
  OP_BOOL,
  OP_ENUM,
  OP_STRING,
  OP_BYTES,
  OP_MESSAGE_RAW,
  OP_GROUP_RAW,
  OP_TIMESTAMP,
  OP_DURATION,
  OP_UUID,
  OP_GEOMETRY,
  OP_VEC3,
  OP_QUATERNION,
  OP_LATLON,
  OP_LATLONALT,
} Op;

/* The room known to be allocated in a GByteArray (which keeps its
 * allocation when it shrinks), so that the hot paths can grow it by
 * setting its length. Trusted only while the array's data pointer is
 * the one seen when the room was made. */
typedef struct {
  guint8 *data;
  guint capacity;
} Room;

typedef struct {
  TileboxColumn pub;       /* first: a Column* is a TileboxColumn* */
  Op op;
  guint8 wire;             /* wire type of one value */
  gboolean packable;       /* repeated scalar: may also arrive packed */
  gboolean variable;       /* bytes in `data`, end offsets in `values` */
  Room values_room;
  Room data_room;
  Room present_room;
} Column;

typedef struct {
  TileboxColumns pub;      /* first: a Columns* is a TileboxColumns* */
  Column **by_number;      /* n_by_number entries, NULL for unknown numbers */
  guint n_by_number;
  GHashTable *by_big_number; /* numbers >= n_by_number → Column*, or NULL */
  Column **singular;       /* non-repeated columns */
  guint n_singular;
  Column **repeated;       /* repeated columns */
  guint n_repeated;
  guint expected_rows;     /* rows still expected (_tilebox_columns_reserve) */
  gboolean extrapolate;    /* size the variable-length arrays after the next row */
} Columns;

/* What a decoding call works on. */
typedef struct {
  Columns *self;
  const guint8 *base;      /* the datapoint: offsets in errors are from here */
  guint row;
  GError **error;
} Decoder;

/* --- column kinds -------------------------------------------------------- */

typedef struct {
  const char *type_name;
  TileboxColumnKind kind;
  Op op;
} WellKnown;

static const WellKnown well_known[] = {
  { "google.protobuf.Timestamp", TILEBOX_COLUMN_TIMESTAMP, OP_TIMESTAMP },
  { "google.protobuf.Duration", TILEBOX_COLUMN_DURATION, OP_DURATION },
  { "datasets.v1.UUID", TILEBOX_COLUMN_UUID, OP_UUID },
  { "tilebox.v1.ID", TILEBOX_COLUMN_UUID, OP_UUID },
  { "datasets.v1.Geometry", TILEBOX_COLUMN_GEOMETRY, OP_GEOMETRY },
  { "datasets.v1.Vec3", TILEBOX_COLUMN_VEC3, OP_VEC3 },
  { "datasets.v1.Quaternion", TILEBOX_COLUMN_QUATERNION, OP_QUATERNION },
  { "datasets.v1.LatLon", TILEBOX_COLUMN_LATLON, OP_LATLON },
  { "datasets.v1.LatLonAlt", TILEBOX_COLUMN_LATLONALT, OP_LATLONALT },
};

/* How a field is decoded: its column kind and its op. */
static void
classify (const TileboxDescField *field,
          TileboxColumnKind      *kind,
          Op                     *op)
{
  switch (field->type)
    {
    case TILEBOX_DESC_TYPE_DOUBLE:
      *kind = TILEBOX_COLUMN_DOUBLE;
      *op = OP_DOUBLE;
      break;
    case TILEBOX_DESC_TYPE_FLOAT:
      *kind = TILEBOX_COLUMN_FLOAT;
      *op = OP_FLOAT;
      break;
    case TILEBOX_DESC_TYPE_INT32:
      *kind = TILEBOX_COLUMN_INT32;
      *op = OP_INT32;
      break;
    case TILEBOX_DESC_TYPE_SINT32:
      *kind = TILEBOX_COLUMN_INT32;
      *op = OP_SINT32;
      break;
    case TILEBOX_DESC_TYPE_SFIXED32:
      *kind = TILEBOX_COLUMN_INT32;
      *op = OP_SFIXED32;
      break;
    case TILEBOX_DESC_TYPE_INT64:
      *kind = TILEBOX_COLUMN_INT64;
      *op = OP_INT64;
      break;
    case TILEBOX_DESC_TYPE_SINT64:
      *kind = TILEBOX_COLUMN_INT64;
      *op = OP_SINT64;
      break;
    case TILEBOX_DESC_TYPE_SFIXED64:
      *kind = TILEBOX_COLUMN_INT64;
      *op = OP_SFIXED64;
      break;
    case TILEBOX_DESC_TYPE_UINT32:
      *kind = TILEBOX_COLUMN_UINT32;
      *op = OP_UINT32;
      break;
    case TILEBOX_DESC_TYPE_FIXED32:
      *kind = TILEBOX_COLUMN_UINT32;
      *op = OP_FIXED32;
      break;
    case TILEBOX_DESC_TYPE_UINT64:
      *kind = TILEBOX_COLUMN_UINT64;
      *op = OP_UINT64;
      break;
    case TILEBOX_DESC_TYPE_FIXED64:
      *kind = TILEBOX_COLUMN_UINT64;
      *op = OP_FIXED64;
      break;
    case TILEBOX_DESC_TYPE_BOOL:
      *kind = TILEBOX_COLUMN_BOOL;
      *op = OP_BOOL;
      break;
    case TILEBOX_DESC_TYPE_ENUM:
      *kind = TILEBOX_COLUMN_ENUM;
      *op = OP_ENUM;
      break;
    case TILEBOX_DESC_TYPE_STRING:
      *kind = TILEBOX_COLUMN_STRING;
      *op = OP_STRING;
      break;
    case TILEBOX_DESC_TYPE_GROUP:
      *kind = TILEBOX_COLUMN_BYTES;
      *op = OP_GROUP_RAW;
      break;
    case TILEBOX_DESC_TYPE_MESSAGE:
      *kind = TILEBOX_COLUMN_BYTES;
      *op = OP_MESSAGE_RAW;
      if (field->type_name != NULL)
        {
          const char *name = field->type_name[0] == '.' ? field->type_name + 1 : field->type_name;

          for (guint i = 0; i < G_N_ELEMENTS (well_known); i++)
            if (strcmp (name, well_known[i].type_name) == 0)
              {
                *kind = well_known[i].kind;
                *op = well_known[i].op;
                break;
              }
        }
      break;
    case TILEBOX_DESC_TYPE_BYTES:
    default:
      *kind = TILEBOX_COLUMN_BYTES;
      *op = OP_BYTES;
      break;
    }
}

static void
column_setup (Column                 *column,
              const TileboxDescField *field,
              TileboxDescPool        *pool)
{
  TileboxColumn *pub = &column->pub;

  pub->field = field;
  pub->repeated = field->label == TILEBOX_DESC_LABEL_REPEATED;
  pub->explicit_presence = field->explicit_presence;

  classify (field, &pub->kind, &column->op);
  if (pub->kind == TILEBOX_COLUMN_ENUM && field->type_name != NULL)
    pub->enum_desc = _tilebox_desc_pool_lookup_enum (pool, field->type_name);

  switch (column->op)
    {
    case OP_DOUBLE:
    case OP_SFIXED64:
    case OP_FIXED64:
      column->wire = TILEBOX_PB_WIRE_FIXED64;
      break;
    case OP_FLOAT:
    case OP_SFIXED32:
    case OP_FIXED32:
      column->wire = TILEBOX_PB_WIRE_FIXED32;
      break;
    case OP_INT32:
    case OP_SINT32:
    case OP_INT64:
    case OP_SINT64:
    case OP_UINT32:
    case OP_UINT64:
    case OP_BOOL:
    case OP_ENUM:
      column->wire = TILEBOX_PB_WIRE_VARINT;
      break;
    case OP_GROUP_RAW:
      column->wire = TILEBOX_PB_WIRE_SGROUP;
      break;
    default:
      column->wire = TILEBOX_PB_WIRE_LEN;
      break;
    }
  column->packable = pub->repeated &&
                     column->wire != TILEBOX_PB_WIRE_LEN &&
                     column->wire != TILEBOX_PB_WIRE_SGROUP;

  switch (pub->kind)
    {
    case TILEBOX_COLUMN_DOUBLE:
    case TILEBOX_COLUMN_INT64:
    case TILEBOX_COLUMN_UINT64:
    case TILEBOX_COLUMN_TIMESTAMP:
    case TILEBOX_COLUMN_DURATION:
      pub->element_size = 8;
      break;
    case TILEBOX_COLUMN_FLOAT:
    case TILEBOX_COLUMN_INT32:
    case TILEBOX_COLUMN_UINT32:
    case TILEBOX_COLUMN_ENUM:
      pub->element_size = 4;
      break;
    case TILEBOX_COLUMN_BOOL:
      pub->element_size = 1;
      break;
    case TILEBOX_COLUMN_STRING:
    case TILEBOX_COLUMN_BYTES:
    case TILEBOX_COLUMN_GEOMETRY:
      pub->element_size = sizeof (guint64);
      column->variable = TRUE;
      break;
    case TILEBOX_COLUMN_UUID:
      pub->element_size = 16;
      break;
    case TILEBOX_COLUMN_VEC3:
    case TILEBOX_COLUMN_LATLONALT:
      pub->element_size = 3 * sizeof (double);
      break;
    case TILEBOX_COLUMN_QUATERNION:
      pub->element_size = 4 * sizeof (double);
      break;
    case TILEBOX_COLUMN_LATLON:
      pub->element_size = 2 * sizeof (double);
      break;
    default:
      g_assert_not_reached ();
    }

  pub->values = g_byte_array_new ();
  pub->data = column->variable ? g_byte_array_new () : NULL;
  pub->present = g_byte_array_new ();
  pub->row_ends = pub->repeated ? g_array_new (FALSE, FALSE, sizeof (guint64)) : NULL;
}

static void spare_give (GByteArray *array,
                        const Room *room);

static void
column_free (gpointer data)
{
  Column *column = data;

  if (column == NULL)
    return;
  spare_give (column->pub.values, &column->values_room);
  if (column->pub.data != NULL)
    spare_give (column->pub.data, &column->data_room);
  spare_give (column->pub.present, &column->present_room);
  g_clear_pointer (&column->pub.row_ends, g_array_unref);
  g_free (column);
}

TileboxColumnKind
_tilebox_columns_field_kind (const TileboxDescField *field)
{
  TileboxColumnKind kind;
  Op op;

  g_return_val_if_fail (field != NULL, TILEBOX_COLUMN_BYTES);

  classify (field, &kind, &op);
  return kind;
}

/* --- construction ---------------------------------------------------------- */

TileboxColumns *
_tilebox_columns_new (TileboxDescPool *pool,
                      const char      *message_name,
                      GError         **error)
{
  const TileboxDescMessage *message;
  Columns *self;
  guint max_number = 0;
  guint n_fields;

  g_return_val_if_fail (pool != NULL, NULL);
  g_return_val_if_fail (message_name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  message = _tilebox_desc_pool_lookup_message (pool, message_name);
  if (message == NULL)
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL,
                   _("The datapoint type %s is not described by the dataset type"),
                   message_name);
      return NULL;
    }

  n_fields = message->fields->len;

  self = g_new0 (Columns, 1);
  g_atomic_ref_count_init (&self->pub.ref_count);
  self->pub.pool = _tilebox_desc_pool_ref (pool);
  self->pub.message = message;
  self->pub.columns = g_ptr_array_new_full (n_fields, column_free);
  self->pub.by_name = g_hash_table_new (g_str_hash, g_str_equal);
  self->singular = g_new0 (Column *, n_fields + 1);
  self->repeated = g_new0 (Column *, n_fields + 1);

  for (guint i = 0; i < n_fields; i++)
    {
      const TileboxDescField *field = g_ptr_array_index (message->fields, i);
      Column *column = g_new0 (Column, 1);

      column_setup (column, field, pool);
      g_ptr_array_add (self->pub.columns, column);
      g_hash_table_insert (self->pub.by_name, field->name, column);
      if (column->pub.repeated)
        self->repeated[self->n_repeated++] = column;
      else
        self->singular[self->n_singular++] = column;
      if (field->number > 0 && (guint) field->number > max_number)
        max_number = (guint) field->number;
    }

  self->n_by_number = max_number < MAX_TABLE_SIZE ? max_number + 1 : SMALL_TABLE_SIZE;
  self->by_number = g_new0 (Column *, self->n_by_number);
  for (guint i = 0; i < n_fields; i++)
    {
      Column *column = g_ptr_array_index (self->pub.columns, i);
      guint number = (guint) column->pub.field->number;

      if (number < self->n_by_number)
        {
          self->by_number[number] = column;
        }
      else
        {
          if (self->by_big_number == NULL)
            self->by_big_number = g_hash_table_new (NULL, NULL);
          g_hash_table_insert (self->by_big_number, GUINT_TO_POINTER (number), column);
        }
    }

  return &self->pub;
}

TileboxColumns *
_tilebox_columns_ref (TileboxColumns *columns)
{
  g_return_val_if_fail (columns != NULL, NULL);

  g_atomic_ref_count_inc (&columns->ref_count);
  return columns;
}

void
_tilebox_columns_unref (TileboxColumns *columns)
{
  Columns *self = (Columns *) columns;

  g_return_if_fail (columns != NULL);

  if (!g_atomic_ref_count_dec (&columns->ref_count))
    return;

  g_clear_pointer (&self->by_big_number, g_hash_table_unref);
  g_free (self->by_number);
  g_free (self->singular);
  g_free (self->repeated);
  g_hash_table_unref (columns->by_name);
  g_ptr_array_unref (columns->columns);
  _tilebox_desc_pool_unref (columns->pool);
  g_free (self);
}

const TileboxColumn *
_tilebox_columns_lookup (const TileboxColumns *columns,
                         const char           *name)
{
  g_return_val_if_fail (columns != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return g_hash_table_lookup (columns->by_name, name);
}

/* --- element access ---------------------------------------------------------- */

static inline guint64
end_offset (const GByteArray *values,
            guint64           index)
{
  guint64 v;

  memcpy (&v, values->data + index * sizeof v, sizeof v);
  return v;
}

const guint8 *
_tilebox_column_bytes (const TileboxColumn *column,
                       guint64              index,
                       gsize               *len)
{
  guint64 start, end;

  g_return_val_if_fail (column != NULL, NULL);
  g_return_val_if_fail (column->data != NULL, NULL);
  g_return_val_if_fail (index < column->values->len / sizeof (guint64), NULL);

  start = index > 0 ? end_offset (column->values, index - 1) : 0;
  end = end_offset (column->values, index);
  if (len != NULL)
    *len = (gsize) (end - start);
  /* never NULL, even when the column holds no bytes at all */
  if (column->data->data == NULL)
    return (const guint8 *) "";
  return column->data->data + start;
}

void
_tilebox_column_row_range (const TileboxColumn *column,
                           guint                row,
                           guint64             *start,
                           guint64             *end)
{
  guint64 s, e;

  g_return_if_fail (column != NULL);

  if (column->repeated)
    {
      g_return_if_fail (row < column->row_ends->len);
      s = row > 0 ? g_array_index (column->row_ends, guint64, row - 1) : 0;
      e = g_array_index (column->row_ends, guint64, row);
    }
  else
    {
      s = row;
      e = (guint64) row + 1;
    }

  if (start != NULL)
    *start = s;
  if (end != NULL)
    *end = e;
}

/* --- rows ---------------------------------------------------------------- */

/* Cuts a column back to its first `rows` rows: every length follows from
 * the row count, the row ends and the end offsets. */
static void
truncate_column (Column *column,
                 guint   rows)
{
  TileboxColumn *pub = &column->pub;
  guint64 n_elements;

  g_byte_array_set_size (pub->present, MIN (pub->present->len, rows));
  if (pub->repeated)
    {
      g_array_set_size (pub->row_ends, MIN (pub->row_ends->len, rows));
      n_elements = rows > 0 ? g_array_index (pub->row_ends, guint64, rows - 1) : 0;
    }
  else
    {
      n_elements = rows;
    }

  if (column->variable)
    {
      guint64 data_len = n_elements > 0 ? end_offset (pub->values, n_elements - 1) : 0;

      g_byte_array_set_size (pub->data, (guint) data_len);
    }
  g_byte_array_set_size (pub->values, (guint) (n_elements * pub->element_size));
}

/* --- spare arrays -----------------------------------------------------------
 *
 * The big arrays of freed columns, emptied but keeping their allocation, for
 * the next columns to take. Decoding page after page into new columns then
 * writes into memory that is already mapped: with glibc's default settings,
 * the blocks of freed columns (most of the memory of a page's columns, in
 * arrays of similar sizes) go back to the kernel when they are freed, and the
 * next page's columns pay a page fault per 4 KiB of fresh memory, which costs
 * about as much as decoding into it. At most SPARE_MAX_BYTES are kept, in
 * arrays of SPARE_MIN_BYTES or more (malloc keeps smaller blocks itself).
 * Nothing else references the arrays of a column, so they can be reused. */

#define SPARE_MIN_BYTES (64u * 1024u)
#define SPARE_MAX_BYTES (32u * 1024u * 1024u)
#define SPARE_MAX_ARRAYS 64u

typedef struct {
  GByteArray *array;       /* empty */
  guint capacity;          /* bytes allocated at least */
} Spare;

static GMutex spare_lock;
static Spare spares[SPARE_MAX_ARRAYS];
static guint n_spares;
static gsize spare_bytes;

/* Keeps `array` (whose room is `room`) as a spare, or frees it. */
static void
spare_give (GByteArray *array,
            const Room *room)
{
  guint capacity = array->data == room->data ? room->capacity : 0;
  gboolean kept = FALSE;

  if (capacity >= SPARE_MIN_BYTES)
    {
      g_mutex_lock (&spare_lock);
      if (n_spares < SPARE_MAX_ARRAYS && capacity <= SPARE_MAX_BYTES - spare_bytes)
        {
          array->len = 0; /* shrinking keeps the allocation */
          spares[n_spares].array = array;
          spares[n_spares].capacity = capacity;
          n_spares++;
          spare_bytes += capacity;
          kept = TRUE;
        }
      g_mutex_unlock (&spare_lock);
    }
  if (!kept)
    g_byte_array_unref (array);
}

/* The spare array that fits `capacity` bytes best, not more than 4 times
 * as big, with its capacity in *room; NULL when there is none. */
static GByteArray *
spare_take (guint  capacity,
            Room  *room)
{
  GByteArray *array = NULL;
  guint best = G_MAXUINT;

  if (capacity < SPARE_MIN_BYTES / 2)
    return NULL;

  g_mutex_lock (&spare_lock);
  for (guint i = 0; i < n_spares; i++)
    if (spares[i].capacity >= capacity && spares[i].capacity / 4 <= capacity &&
        (best == G_MAXUINT || spares[i].capacity < spares[best].capacity))
      best = i;
  if (best != G_MAXUINT)
    {
      array = spares[best].array;
      room->data = array->data;
      room->capacity = spares[best].capacity;
      spare_bytes -= spares[best].capacity;
      spares[best] = spares[--n_spares];
    }
  g_mutex_unlock (&spare_lock);
  return array;
}

/* --- growing arrays ------------------------------------------------------ */

/* Makes room for at least `capacity` bytes in `*array`, without touching
 * its length or contents; a spare array of the right size may take its
 * place. */
static void
room_reserve (GByteArray **array,
              Room        *room,
              guint        capacity)
{
  GByteArray *a = *array;
  GByteArray *spare;
  guint len = a->len;

  if (a->data == room->data && room->capacity >= capacity)
    return;
  if (a->data != room->data)
    room->capacity = 0;
  capacity = MAX (capacity, len);

  spare = spare_take (capacity, room);
  if (spare != NULL)
    {
      spare->len = len;
      if (len > 0)
        memcpy (spare->data, a->data, len);
      g_byte_array_unref (a);
      *array = spare;
      return;
    }

  g_byte_array_set_size (a, capacity);
  g_byte_array_set_size (a, len);
  room->data = a->data;
  room->capacity = capacity;
}

static G_GNUC_NO_INLINE void
room_expand (GByteArray **array,
             Room        *room,
             guint        n)
{
  guint len = (*array)->len;
  guint capacity;

  if (n > G_MAXUINT - len)
    g_error ("%s: column of more than %u bytes", G_STRLOC, G_MAXUINT);
  capacity = len + n;
  if (len <= G_MAXUINT / 2 && capacity < 2 * len)
    capacity = 2 * len;
  capacity = MAX (capacity, 64);
  room_reserve (array, room, capacity);
}

/* Room for n more bytes at the end of `*array`, returned uninitialised. */
static inline guint8 *
room_grow (GByteArray **array,
           Room        *room,
           guint        n)
{
  GByteArray *a = *array;
  guint len = a->len;

  if (G_UNLIKELY (a->data != room->data || room->capacity < len ||
                  room->capacity - len < n))
    {
      room_expand (array, room, n);
      a = *array;
    }
  a->len = len + n;
  return a->data + len;
}

static inline guint8 *
grow_values (Column *column,
             guint   n)
{
  return room_grow (&column->pub.values, &column->values_room, n);
}

static inline guint8 *
grow_data (Column *column,
           guint   n)
{
  return room_grow (&column->pub.data, &column->data_room, n);
}

static inline guint8 *
grow_present (Column *column)
{
  return room_grow (&column->pub.present, &column->present_room, 1);
}

static void
begin_row (Columns *self)
{
  for (guint i = 0; i < self->n_singular; i++)
    {
      Column *column = self->singular[i];
      TileboxColumn *pub = &column->pub;
      guint8 *slot;

      *grow_present (column) = 0;
      if (column->variable)
        {
          guint64 start = pub->data->len;

          memcpy (grow_values (column, sizeof start), &start, sizeof start);
          continue;
        }

      /* constant sizes: no call to memset */
      slot = grow_values (column, pub->element_size);
      switch (pub->element_size)
        {
        case 1:
          *slot = 0;
          break;
        case 4:
          memset (slot, 0, 4);
          break;
        case 8:
          memset (slot, 0, 8);
          break;
        case 16:
          memset (slot, 0, 16);
          break;
        case 24:
          memset (slot, 0, 24);
          break;
        case 32:
          memset (slot, 0, 32);
          break;
        default:
          memset (slot, 0, pub->element_size);
          break;
        }
    }
}

static void
end_row (Columns *self,
         guint    row)
{
  for (guint i = 0; i < self->n_repeated; i++)
    {
      Column *column = self->repeated[i];
      TileboxColumn *pub = &column->pub;
      guint64 end = pub->values->len / pub->element_size;
      guint64 start = row > 0 ? g_array_index (pub->row_ends, guint64, row - 1) : 0;

      g_array_append_val (pub->row_ends, end);
      *grow_present (column) = end > start;
    }
}

/* --- errors -------------------------------------------------------------- */

static void
field_error (Decoder      *dec,
             const Column *column,
             const char   *format,
             ...) G_GNUC_PRINTF (3, 4);

/* "Malformed datapoint: field NAME (NUMBER): DETAIL" */
static void
field_error (Decoder      *dec,
             const Column *column,
             const char   *format,
             ...)
{
  g_autofree char *detail = NULL;
  va_list args;

  if (dec->error == NULL)
    return;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (dec->error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL,
               _("Malformed datapoint: field %s (%d): %s"),
               column->pub.field->name, (int) column->pub.field->number, detail);
}

static gboolean
truncated_error (Decoder      *dec,
                 const Column *column,
                 const guint8 *at)
{
  field_error (dec, column, _("truncated or invalid value at byte %lu"),
               (gulong) (at - dec->base));
  return FALSE;
}

/* --- wire reading ----------------------------------------------------------- */

static inline gboolean
get_varint (const guint8 **pp,
            const guint8  *end,
            guint64       *out)
{
  const guint8 *p = *pp;
  guint64 value = 0;
  guint8 b;

  if (G_LIKELY (p < end && *p < 0x80))
    {
      *out = *p;
      *pp = p + 1;
      return TRUE;
    }

  for (guint shift = 0; shift < 63; shift += 7)
    {
      if (G_UNLIKELY (p >= end))
        return FALSE;
      b = *p++;
      value |= (guint64) (b & 0x7f) << shift;
      if ((b & 0x80) == 0)
        {
          *out = value;
          *pp = p;
          return TRUE;
        }
    }

  /* the 10th byte holds bit 63 only */
  if (p >= end || *p > 1)
    return FALSE;
  value |= (guint64) *p++ << 63;
  *out = value;
  *pp = p;
  return TRUE;
}

/* A length-delimited value: [*s, *s + *n), bounded by end. */
static inline gboolean
get_len (const guint8  **pp,
         const guint8   *end,
         const guint8  **s,
         gsize          *n)
{
  guint64 len;

  if (G_UNLIKELY (!get_varint (pp, end, &len)))
    return FALSE;
  if (G_UNLIKELY (len > (guint64) (end - *pp)))
    return FALSE;
  *s = *pp;
  *n = (gsize) len;
  *pp += len;
  return TRUE;
}

static inline guint32
load_le32 (const guint8 *p)
{
  guint32 v;

  memcpy (&v, p, sizeof v);
  return GUINT32_FROM_LE (v);
}

static inline guint64
load_le64 (const guint8 *p)
{
  guint64 v;

  memcpy (&v, p, sizeof v);
  return GUINT64_FROM_LE (v);
}

/* UTF-8 without NUL bytes (as tilebox-pb reads strings): ASCII is checked
 * 16 or 8 bytes at a time, the rest by GLib. */
static inline gboolean
valid_utf8 (const guint8 *s,
            gsize         n)
{
  const guint64 ones = G_GUINT64_CONSTANT (0x0101010101010101);
  const guint64 highs = G_GUINT64_CONSTANT (0x8080808080808080);
  gsize i = 0;

#ifdef __SSE2__
  {
    const __m128i zero = _mm_setzero_si128 ();

    for (; i + 16 <= n; i += 16)
      {
        __m128i v = _mm_loadu_si128 ((const __m128i *) (const void *) (s + i));

        /* a high bit, or a zero byte */
        if (_mm_movemask_epi8 (_mm_or_si128 (v, _mm_cmpeq_epi8 (v, zero))) != 0)
          break;
      }
  }
#endif
  for (; i + 8 <= n; i += 8)
    {
      guint64 w;

      memcpy (&w, s + i, sizeof w);
      /* a high bit, or a zero byte */
      if (((w | ((w - ones) & ~w)) & highs) != 0)
        break;
    }
  for (; i < n; i++)
    if (s[i] == 0 || s[i] >= 0x80)
      return g_utf8_validate_len ((const char *) s + i, n - i, NULL);
  return TRUE;
}

/* Skips the value of an unknown field with tilebox-pb, within
 * [dec->base, end); `p` is after the tag. */
static gboolean
skip_value (Decoder       *dec,
            const guint8 **pp,
            const guint8  *end,
            guint32        number,
            guint          wire,
            guint          depth)
{
  TileboxPbReader reader;

  _tilebox_pb_reader_init (&reader, dec->base, (gsize) (end - dec->base));
  reader.pos = (gsize) (*pp - dec->base);
  reader.depth = depth;
  reader.field = number;
  reader.wire_type = (TileboxPbWireType) wire;
  if (!_tilebox_pb_skip (&reader, dec->error))
    return FALSE;
  *pp = dec->base + reader.pos;
  return TRUE;
}

/* --- values ---------------------------------------------------------------- */

/* The slot of a fixed-size value of the current row: the row's own slot
 * for a singular field (marked present), a new element for a repeated one. */
static inline guint8 *
value_slot (Column *column,
            guint   row)
{
  TileboxColumn *pub = &column->pub;

  if (pub->repeated)
    return grow_values (column, pub->element_size);

  pub->present->data[row] = 1;
  return pub->values->data + (gsize) row * pub->element_size;
}

/* Stores bytes as the row's value of a variable-length column: replacing
 * what the row had (replace) or after it (a message merged into the
 * earlier one), or as a new element of a repeated column. */
static G_ALWAYS_INLINE inline void
store_bytes (Column       *column,
             guint         row,
             const guint8 *s,
             gsize         n,
             gboolean      replace)
{
  TileboxColumn *pub = &column->pub;
  guint64 end;

  if (pub->repeated)
    {
      if (n > 0)
        memcpy (grow_data (column, (guint) n), s, n);
      end = pub->data->len;
      memcpy (grow_values (column, sizeof end), &end, sizeof end);
      return;
    }

  if (replace && pub->present->data[row])
    {
      guint64 start = row > 0 ? end_offset (pub->values, row - 1) : 0;

      pub->data->len = (guint) start; /* shrinking keeps the allocation */
    }
  if (n > 0)
    memcpy (grow_data (column, (guint) n), s, n);
  end = pub->data->len;
  memcpy (pub->values->data + (gsize) row * sizeof end, &end, sizeof end);
  pub->present->data[row] = 1;
}

static inline void
store_varint (Column  *column,
              guint8  *dst,
              guint64  v)
{
  switch (column->op)
    {
    case OP_INT32:
    case OP_ENUM:
      {
        gint32 x = (gint32) (guint32) v;
        memcpy (dst, &x, sizeof x);
      }
      break;
    case OP_SINT32:
      {
        guint32 u = (guint32) v;
        gint32 x = (gint32) ((u >> 1) ^ (0u - (u & 1)));
        memcpy (dst, &x, sizeof x);
      }
      break;
    case OP_UINT32:
      {
        guint32 x = (guint32) v;
        memcpy (dst, &x, sizeof x);
      }
      break;
    case OP_INT64:
    case OP_UINT64:
      memcpy (dst, &v, sizeof v);
      break;
    case OP_SINT64:
      {
        gint64 x = _tilebox_pb_zigzag_decode (v);
        memcpy (dst, &x, sizeof x);
      }
      break;
    case OP_BOOL:
      *dst = v != 0;
      break;
    default:
      g_assert_not_reached ();
    }
}

/* Reads the next tag of a well-known submessage [.., end). Returns 1 with
 * the tag, 0 at the end, -1 on error (set). */
static G_ALWAYS_INLINE inline int
sub_next (Decoder       *dec,
          const Column  *column,
          const guint8 **pp,
          const guint8  *end,
          guint32       *number,
          guint         *wire)
{
  const guint8 *start = *pp;
  guint64 tag;

  if (*pp >= end)
    return 0;
  if (!get_varint (pp, end, &tag) ||
      (tag >> 3) == 0 || (tag >> 3) > MAX_FIELD_NUMBER ||
      (tag & 7) > TILEBOX_PB_WIRE_FIXED32 || (tag & 7) == TILEBOX_PB_WIRE_EGROUP)
    {
      field_error (dec, column, _("invalid tag in the submessage at byte %lu"),
                   (gulong) (start - dec->base));
      return -1;
    }
  *number = (guint32) (tag >> 3);
  *wire = (guint) (tag & 7);
  return 1;
}

static gboolean
sub_wire_error (Decoder      *dec,
                const Column *column,
                const char   *inner,
                guint         wire)
{
  field_error (dec, column, _("%s has wire type %u, which does not match its type"),
               inner, wire);
  return FALSE;
}

/* Skips an unknown field of a well-known submessage. */
static gboolean
sub_skip (Decoder       *dec,
          const Column  *column,
          const guint8 **pp,
          const guint8  *end,
          guint32        number,
          guint          wire)
{
  if (!skip_value (dec, pp, end, number, wire, 1))
    {
      g_prefix_error (dec->error, _("Malformed datapoint: field %s (%d): "),
                      column->pub.field->name, (int) column->pub.field->number);
      return FALSE;
    }
  return TRUE;
}

/* google.protobuf.Timestamp and Duration → nanoseconds. */
static gboolean
decode_seconds_nanos (Decoder      *dec,
                      Column       *column,
                      const guint8 *p,
                      const guint8 *end)
{
  TileboxColumn *pub = &column->pub;
  gboolean timestamp = column->op == OP_TIMESTAMP;
  gint64 seconds = 0;
  gint32 nanos = 0;
  gint64 seconds_part, nanos_part;
  gint64 ns;
  guint8 *dst;
  guint32 number;
  guint wire;
  int r;

  /* a second occurrence merges into the first: start from its fields */
  if (!pub->repeated && pub->present->data[dec->row])
    {
      memcpy (&ns, pub->values->data + (gsize) dec->row * sizeof ns, sizeof ns);
      seconds = ns / NANOS_PER_SECOND;
      nanos = (gint32) (ns % NANOS_PER_SECOND);
      if (timestamp && nanos < 0)
        {
          seconds -= 1;
          nanos += (gint32) NANOS_PER_SECOND;
        }
    }

  while ((r = sub_next (dec, column, &p, end, &number, &wire)) == 1)
    {
      const guint8 *at = p;
      guint64 v;

      if (number == 1 || number == 2)
        {
          if (wire != TILEBOX_PB_WIRE_VARINT)
            return sub_wire_error (dec, column, number == 1 ? "seconds" : "nanos", wire);
          if (!get_varint (&p, end, &v))
            return truncated_error (dec, column, at);
          if (number == 1)
            seconds = (gint64) v;
          else
            nanos = (gint32) (guint32) v;
        }
      else if (!sub_skip (dec, column, &p, end, number, wire))
        {
          return FALSE;
        }
    }
  if (r < 0)
    return FALSE;

  if (timestamp && (nanos < 0 || nanos >= NANOS_PER_SECOND))
    {
      field_error (dec, column, _("nanos %d out of range 0 to 999999999"), (int) nanos);
      return FALSE;
    }
  if (!timestamp &&
      (nanos <= -NANOS_PER_SECOND || nanos >= NANOS_PER_SECOND ||
       (seconds > 0 && nanos < 0) || (seconds < 0 && nanos > 0)))
    {
      field_error (dec, column, _("nanos %d out of range for seconds %lld"),
                   (int) nanos, (long long) seconds);
      return FALSE;
    }
  /* seconds + nanos may fit where seconds alone does not: near the least
   * value, borrow a second from the nanos */
  if (seconds < 0 && nanos > 0)
    {
      seconds_part = seconds + 1;
      nanos_part = (gint64) nanos - NANOS_PER_SECOND;
    }
  else
    {
      seconds_part = seconds;
      nanos_part = nanos;
    }
  if (__builtin_mul_overflow (seconds_part, NANOS_PER_SECOND, &ns) ||
      __builtin_add_overflow (ns, nanos_part, &ns))
    {
      field_error (dec, column, _("%lld seconds do not fit in 64-bit nanoseconds"),
                   (long long) seconds);
      return FALSE;
    }

  dst = value_slot (column, dec->row);
  memcpy (dst, &ns, sizeof ns);
  return TRUE;
}

/* datasets.v1.UUID and tilebox.v1.ID: 16 bytes or none (the nil UUID). */
static gboolean
decode_uuid (Decoder      *dec,
             Column       *column,
             const guint8 *p,
             const guint8 *end)
{
  const guint8 *uuid = NULL;
  gsize uuid_len = 0;
  gboolean seen = FALSE;
  guint8 *dst;
  guint32 number;
  guint wire;
  int r;

  while ((r = sub_next (dec, column, &p, end, &number, &wire)) == 1)
    {
      const guint8 *at = p;

      if (number == 1)
        {
          if (wire != TILEBOX_PB_WIRE_LEN)
            return sub_wire_error (dec, column, "uuid", wire);
          if (!get_len (&p, end, &uuid, &uuid_len))
            return truncated_error (dec, column, at);
          if (uuid_len != 0 && uuid_len != 16)
            {
              field_error (dec, column,
                           g_dngettext (GETTEXT_PACKAGE,
                                        "UUID of %lu byte instead of 16",
                                        "UUID of %lu bytes instead of 16", (gulong) uuid_len),
                           (gulong) uuid_len);
              return FALSE;
            }
          seen = TRUE;
        }
      else if (!sub_skip (dec, column, &p, end, number, wire))
        {
          return FALSE;
        }
    }
  if (r < 0)
    return FALSE;

  dst = value_slot (column, dec->row);
  if (seen && uuid_len == 16)
    memcpy (dst, uuid, 16);
  else if (seen || column->pub.repeated)
    memset (dst, 0, 16);
  /* else: a merged occurrence without uuid keeps the earlier one */
  return TRUE;
}

/* datasets.v1.Geometry: the WKB as sent. */
static gboolean
decode_geometry (Decoder      *dec,
                 Column       *column,
                 const guint8 *p,
                 const guint8 *end)
{
  const guint8 *wkb = NULL;
  gsize wkb_len = 0;
  gboolean seen = FALSE;
  guint32 number;
  guint wire;
  int r;

  while ((r = sub_next (dec, column, &p, end, &number, &wire)) == 1)
    {
      const guint8 *at = p;

      if (number == 1)
        {
          if (wire != TILEBOX_PB_WIRE_LEN)
            return sub_wire_error (dec, column, "wkb", wire);
          if (!get_len (&p, end, &wkb, &wkb_len))
            return truncated_error (dec, column, at);
          seen = TRUE;
        }
      else if (!sub_skip (dec, column, &p, end, number, wire))
        {
          return FALSE;
        }
    }
  if (r < 0)
    return FALSE;

  if (seen || column->pub.repeated || !column->pub.present->data[dec->row])
    store_bytes (column, dec->row, wkb, wkb_len, TRUE);
  return TRUE;
}

/* Vec3, Quaternion, LatLon, LatLonAlt: doubles numbered 1 ... n. */
static gboolean
decode_doubles (Decoder      *dec,
                Column       *column,
                const guint8 *p,
                const guint8 *end)
{
  static const char * const names[][4] = {
    { "x", "y", "z", NULL },
    { "q1", "q2", "q3", "q4" },
    { "latitude", "longitude", NULL, NULL },
    { "latitude", "longitude", "altitude", NULL },
  };
  guint n = column->pub.element_size / sizeof (double);
  guint which = column->op - OP_VEC3;
  double values[4] = { 0, 0, 0, 0 };
  gboolean seen[4] = { FALSE, FALSE, FALSE, FALSE };
  guint8 *dst;
  guint32 number;
  guint wire;
  int r;

  while ((r = sub_next (dec, column, &p, end, &number, &wire)) == 1)
    {
      if (number >= 1 && number <= n)
        {
          guint64 bits;

          if (wire != TILEBOX_PB_WIRE_FIXED64)
            return sub_wire_error (dec, column, names[which][number - 1], wire);
          if (end - p < 8)
            return truncated_error (dec, column, p);
          bits = load_le64 (p);
          p += 8;
          memcpy (&values[number - 1], &bits, sizeof (double));
          seen[number - 1] = TRUE;
        }
      else if (!sub_skip (dec, column, &p, end, number, wire))
        {
          return FALSE;
        }
    }
  if (r < 0)
    return FALSE;

  /* a new element or the zeroed slot, or a merge into the earlier values */
  dst = value_slot (column, dec->row);
  for (guint i = 0; i < n; i++)
    if (seen[i] || column->pub.repeated)
      memcpy (dst + i * sizeof (double), &values[i], sizeof (double));
  return TRUE;
}

/* A group field, kept raw: the bytes between its start and end tags. */
static gboolean
decode_group (Decoder       *dec,
              Column        *column,
              const guint8 **pp,
              const guint8  *end)
{
  const guint8 *start = *pp;
  const guint8 *p = start;
  guint32 field = (guint32) column->pub.field->number;

  for (;;)
    {
      const guint8 *tag_start = p;
      guint64 tag;
      guint32 number;
      guint wire;

      if (!get_varint (&p, end, &tag) ||
          (tag >> 3) == 0 || (tag >> 3) > MAX_FIELD_NUMBER ||
          (tag & 7) > TILEBOX_PB_WIRE_FIXED32)
        {
          field_error (dec, column, _("unterminated group or invalid tag at byte %lu"),
                       (gulong) (tag_start - dec->base));
          return FALSE;
        }
      number = (guint32) (tag >> 3);
      wire = (guint) (tag & 7);

      if (wire == TILEBOX_PB_WIRE_EGROUP)
        {
          if (number != field)
            {
              field_error (dec, column, _("end-group tag of field %u at byte %lu"),
                           (guint) number, (gulong) (tag_start - dec->base));
              return FALSE;
            }
          store_bytes (column, dec->row, start, (gsize) (tag_start - start), FALSE);
          *pp = p;
          return TRUE;
        }

      if (!sub_skip (dec, column, &p, end, number, wire))
        return FALSE;
    }
}

/* One value of the wire type the column expects; *pp is after the tag. */
static gboolean
decode_value (Decoder       *dec,
              Column        *column,
              const guint8 **pp,
              const guint8  *end)
{
  const guint8 *p = *pp;
  const guint8 *s;
  gsize n;
  guint64 v;

  switch (column->op)
    {
    case OP_INT32:
    case OP_SINT32:
    case OP_INT64:
    case OP_SINT64:
    case OP_UINT32:
    case OP_UINT64:
    case OP_BOOL:
    case OP_ENUM:
      if (G_UNLIKELY (!get_varint (&p, end, &v)))
        return truncated_error (dec, column, *pp);
      store_varint (column, value_slot (column, dec->row), v);
      break;

    case OP_DOUBLE:
    case OP_SFIXED64:
    case OP_FIXED64:
      if (G_UNLIKELY (end - p < 8))
        return truncated_error (dec, column, p);
      v = load_le64 (p);
      memcpy (value_slot (column, dec->row), &v, 8);
      p += 8;
      break;

    case OP_FLOAT:
    case OP_SFIXED32:
    case OP_FIXED32:
      {
        guint32 v32;

        if (G_UNLIKELY (end - p < 4))
          return truncated_error (dec, column, p);
        v32 = load_le32 (p);
        memcpy (value_slot (column, dec->row), &v32, 4);
        p += 4;
      }
      break;

    case OP_STRING:
      if (G_UNLIKELY (!get_len (&p, end, &s, &n)))
        return truncated_error (dec, column, *pp);
      if (G_UNLIKELY (!valid_utf8 (s, n)))
        {
          field_error (dec, column, _("string is not valid UTF-8 at byte %lu"),
                       (gulong) (s - dec->base));
          return FALSE;
        }
      store_bytes (column, dec->row, s, n, TRUE);
      break;

    case OP_BYTES:
      if (G_UNLIKELY (!get_len (&p, end, &s, &n)))
        return truncated_error (dec, column, *pp);
      store_bytes (column, dec->row, s, n, TRUE);
      break;

    case OP_MESSAGE_RAW:
      /* serialized messages merge by concatenation */
      if (G_UNLIKELY (!get_len (&p, end, &s, &n)))
        return truncated_error (dec, column, *pp);
      store_bytes (column, dec->row, s, n, FALSE);
      break;

    case OP_GROUP_RAW:
      if (!decode_group (dec, column, &p, end))
        return FALSE;
      break;

    case OP_TIMESTAMP:
    case OP_DURATION:
      if (G_UNLIKELY (!get_len (&p, end, &s, &n)))
        return truncated_error (dec, column, *pp);
      if (!decode_seconds_nanos (dec, column, s, s + n))
        return FALSE;
      break;

    case OP_UUID:
      if (G_UNLIKELY (!get_len (&p, end, &s, &n)))
        return truncated_error (dec, column, *pp);
      if (!decode_uuid (dec, column, s, s + n))
        return FALSE;
      break;

    case OP_GEOMETRY:
      if (G_UNLIKELY (!get_len (&p, end, &s, &n)))
        return truncated_error (dec, column, *pp);
      if (!decode_geometry (dec, column, s, s + n))
        return FALSE;
      break;

    case OP_VEC3:
    case OP_QUATERNION:
    case OP_LATLON:
    case OP_LATLONALT:
      if (G_UNLIKELY (!get_len (&p, end, &s, &n)))
        return truncated_error (dec, column, *pp);
      if (!decode_doubles (dec, column, s, s + n))
        return FALSE;
      break;

    default:
      g_assert_not_reached ();
    }

  *pp = p;
  return TRUE;
}

/* A packed run of a repeated scalar field; *pp is after the tag. */
static gboolean
decode_packed (Decoder       *dec,
               Column        *column,
               const guint8 **pp,
               const guint8  *end)
{
  TileboxColumn *pub = &column->pub;
  const guint8 *s;
  gsize n;

  if (G_UNLIKELY (!get_len (pp, end, &s, &n)))
    return truncated_error (dec, column, *pp);
  /* an empty run adds nothing (and a column without elements has no
   * array to grow yet) */
  if (n == 0)
    return TRUE;

  if (column->wire == TILEBOX_PB_WIRE_VARINT)
    {
      const guint8 *p = s;
      const guint8 *e = s + n;
      guint es = pub->element_size;
      guint old = pub->values->len;
      guint8 *dst;
      gsize count = 0;

      if (n > (G_MAXUINT - old) / es)
        {
          field_error (dec, column, _("too many values"));
          return FALSE;
        }
      /* at least one byte per value: room for n values at most */
      dst = grow_values (column, (guint) (n * es));
      while (p < e)
        {
          const guint8 *at = p;
          guint64 v;

          if (G_UNLIKELY (!get_varint (&p, e, &v)))
            {
              g_byte_array_set_size (pub->values, old);
              return truncated_error (dec, column, at);
            }
          store_varint (column, dst + count * es, v);
          count++;
        }
      g_byte_array_set_size (pub->values, (guint) (old + count * es));
    }
  else
    {
      guint size = column->wire == TILEBOX_PB_WIRE_FIXED64 ? 8 : 4;

      if (n % size != 0)
        {
          field_error (dec, column, _("packed length %lu is not a multiple of %u"),
                       (gulong) n, size);
          return FALSE;
        }
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
      memcpy (grow_values (column, (guint) n), s, n);
#else
      for (gsize i = 0; i < n; i += size)
        {
          if (size == 8)
            {
              guint64 v = load_le64 (s + i);
              g_byte_array_append (pub->values, (const guint8 *) &v, 8);
            }
          else
            {
              guint32 v = load_le32 (s + i);
              g_byte_array_append (pub->values, (const guint8 *) &v, 4);
            }
        }
#endif
    }
  return TRUE;
}

static gboolean
decode_row (Decoder      *dec,
            const guint8 *data,
            gsize         len)
{
  Columns *self = dec->self;
  const guint8 *p = data;
  const guint8 *end = data + len;

  while (p < end)
    {
      const guint8 *tag_start = p;
      guint64 tag;
      guint64 number;
      guint wire;
      Column *column;

      if (G_UNLIKELY (!get_varint (&p, end, &tag)))
        {
          g_set_error (dec->error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL,
                       _("Malformed datapoint: truncated or invalid tag at byte %lu"),
                       (gulong) (tag_start - data));
          return FALSE;
        }
      number = tag >> 3;
      wire = (guint) (tag & 7);

      if (G_LIKELY (number < self->n_by_number))
        column = self->by_number[number];
      else if (self->by_big_number != NULL && number <= MAX_FIELD_NUMBER)
        column = g_hash_table_lookup (self->by_big_number, GUINT_TO_POINTER ((guint) number));
      else
        column = NULL;

      if (G_LIKELY (column != NULL && wire == column->wire))
        {
          if (G_UNLIKELY (!decode_value (dec, column, &p, end)))
            return FALSE;
          continue;
        }

      if (column != NULL)
        {
          if (wire == TILEBOX_PB_WIRE_LEN && column->packable)
            {
              if (!decode_packed (dec, column, &p, end))
                return FALSE;
              continue;
            }
          field_error (dec, column, _("wire type %u does not match its type %s"),
                       wire, _tilebox_desc_type_name (column->pub.field->type));
          return FALSE;
        }

      /* an unknown field */
      if (number == 0 || number > MAX_FIELD_NUMBER ||
          wire > TILEBOX_PB_WIRE_FIXED32 || wire == TILEBOX_PB_WIRE_EGROUP)
        {
          g_set_error (dec->error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL,
                       _("Malformed datapoint: invalid tag (field %llu, wire type %u) at byte %lu"),
                       (unsigned long long) number, wire, (gulong) (tag_start - data));
          return FALSE;
        }
      if (!skip_value (dec, &p, end, (guint32) number, wire, 0))
        {
          g_prefix_error (dec->error, _("Malformed datapoint: unknown field %u: "),
                          (guint) number);
          return FALSE;
        }
    }

  return TRUE;
}

static void extrapolate (Columns *self);

/* `len` bytes for `rows` rows, and `more` rows like them, with 1/8 to spare;
 * 0 (no room made) when that does not fit. */
static guint
expected_size (guint len,
               guint rows,
               guint more)
{
  double size;

  if (rows == 0)
    return 0;
  size = (double) len / rows * more * 1.125 + len;
  return size < (double) G_MAXUINT / 2 ? (guint) size : 0;
}

gboolean
_tilebox_columns_append (TileboxColumns *columns,
                         const guint8   *data,
                         gsize           len,
                         GError        **error)
{
  Columns *self = (Columns *) columns;
  Decoder dec;

  g_return_val_if_fail (columns != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  g_return_val_if_fail (columns->n_rows < G_MAXUINT, FALSE);

  /* lengths within a datapoint fit a guint, as GByteArray lengths do */
  if (G_UNLIKELY (len > G_MAXUINT))
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL,
                   _("Malformed datapoint: %lu bytes are too many"), (gulong) len);
      return FALSE;
    }

  dec.self = self;
  dec.base = data;
  dec.row = columns->n_rows;
  dec.error = error;

  begin_row (self);
  /* an empty datapoint may come as NULL, where no pointer arithmetic goes */
  if (G_UNLIKELY (len > 0 && !decode_row (&dec, data, len)))
    {
      for (guint i = 0; i < columns->columns->len; i++)
        truncate_column (g_ptr_array_index (columns->columns, i), columns->n_rows);
      return FALSE;
    }
  end_row (self, dec.row);

  columns->n_rows++;
  columns->wire_bytes += len;

  if (self->expected_rows > 0)
    {
      self->expected_rows--;
      if (G_UNLIKELY (self->extrapolate))
        extrapolate (self);
    }
  return TRUE;
}

/* Room for what self->expected_rows more rows like the ones so far need
 * in the arrays whose size per row varies. */
static void
extrapolate (Columns *self)
{
  guint rows = self->pub.n_rows;

  self->extrapolate = FALSE;
  for (guint i = 0; i < self->pub.columns->len; i++)
    {
      Column *column = g_ptr_array_index (self->pub.columns, i);
      TileboxColumn *pub = &column->pub;

      if (column->variable)
        room_reserve (&pub->data, &column->data_room,
                      expected_size (pub->data->len, rows, self->expected_rows));
      if (pub->repeated)
        room_reserve (&pub->values, &column->values_room,
                      expected_size (pub->values->len, rows, self->expected_rows));
    }
}

void
_tilebox_columns_reserve (TileboxColumns *columns,
                          guint           n_rows)
{
  Columns *self = (Columns *) columns;
  guint total;

  g_return_if_fail (columns != NULL);

  if (n_rows == 0)
    return;
  total = n_rows > G_MAXUINT - columns->n_rows ? G_MAXUINT : columns->n_rows + n_rows;

  /* one row each: known now */
  for (guint i = 0; i < columns->columns->len; i++)
    {
      Column *column = g_ptr_array_index (columns->columns, i);
      TileboxColumn *pub = &column->pub;

      room_reserve (&pub->present, &column->present_room, total);
      if (pub->repeated)
        {
          guint len = pub->row_ends->len;

          if (total <= G_MAXUINT / sizeof (guint64))
            {
              g_array_set_size (pub->row_ends, total);
              g_array_set_size (pub->row_ends, len);
            }
        }
      else if (total <= G_MAXUINT / pub->element_size)
        {
          room_reserve (&pub->values, &column->values_room, total * pub->element_size);
        }
    }

  /* the others: guessed from the rows decoded so far, or from the next */
  self->expected_rows = n_rows;
  if (columns->n_rows > 0)
    extrapolate (self);
  else
    self->extrapolate = TRUE;
}

/* --- merging -------------------------------------------------------------- */

/* Appends n bytes of src (which may be dst itself) read after the resize. */
static void
append_array (GByteArray       *dst,
              const GByteArray *src,
              guint             n)
{
  guint old = dst->len;

  g_byte_array_set_size (dst, old + n);
  if (n > 0)
    memmove (dst->data + old, src->data, n);
}

/* Writes n guint64 of src, each plus `shift`, to dst. */
static void
copy_shifted (guint8       *dst,
              const guint8 *src,
              guint64       n,
              guint64       shift)
{
  for (guint64 i = 0; i < n; i++)
    {
      guint64 v;

      memcpy (&v, src + i * sizeof v, sizeof v);
      v += shift;
      memcpy (dst + i * sizeof v, &v, sizeof v);
    }
}

void
_tilebox_columns_append_columns (TileboxColumns       *columns,
                                 const TileboxColumns *other)
{
  guint other_rows;

  g_return_if_fail (columns != NULL);
  g_return_if_fail (other != NULL);
  g_return_if_fail (columns->columns->len == other->columns->len);
  g_return_if_fail (strcmp (columns->message->full_name, other->message->full_name) == 0);
  for (guint i = 0; i < columns->columns->len; i++)
    {
      const TileboxColumn *a = g_ptr_array_index (columns->columns, i);
      const TileboxColumn *b = g_ptr_array_index (other->columns, i);

      g_return_if_fail (a->kind == b->kind && a->repeated == b->repeated &&
                        a->element_size == b->element_size);
    }
  g_return_if_fail (columns->n_rows <= G_MAXUINT - other->n_rows);

  other_rows = other->n_rows;

  for (guint i = 0; i < columns->columns->len; i++)
    {
      TileboxColumn *dst = g_ptr_array_index (columns->columns, i);
      const TileboxColumn *src = g_ptr_array_index (other->columns, i);
      guint64 dst_elements = dst->values->len / dst->element_size;
      guint src_values = src->values->len;
      guint old;

      append_array (dst->present, src->present, other_rows);

      if (dst->repeated)
        {
          guint old_rows = dst->row_ends->len;

          g_array_set_size (dst->row_ends, old_rows + other_rows);
          copy_shifted ((guint8 *) dst->row_ends->data + (gsize) old_rows * sizeof (guint64),
                        (const guint8 *) src->row_ends->data, other_rows, dst_elements);
        }

      if (dst->data != NULL)
        {
          guint64 dst_data = dst->data->len;

          append_array (dst->data, src->data, src->data->len);
          old = dst->values->len;
          g_byte_array_set_size (dst->values, old + src_values);
          copy_shifted (dst->values->data + old, src->values->data,
                        src_values / sizeof (guint64), dst_data);
        }
      else
        {
          append_array (dst->values, src->values, src_values);
        }
    }

  columns->n_rows += other_rows;
  columns->wire_bytes += other->wire_bytes;
}
