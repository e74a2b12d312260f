/* tilebox-encoder.c: datapoints encoded for ingestion (internal)
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * At construction, every message type the datapoint type reaches is
 * planned once: its fields in field-number order, each with the column
 * kind the decoder gives it (_tilebox_columns_field_kind ()), its wire
 * type and packing. The plans never change afterwards, so one encoder
 * serves any number of calls, from any thread.
 *
 * Encoding a record goes in two steps per message: the record's values
 * are sorted into one slot per field (unknown keys fail here), then the
 * slots are written in field-number order. Each value is first turned
 * into an Element, the value as the wire needs it (a varint or fixed
 * word, nanoseconds, 16 UUID bytes, doubles, bytes), whatever form it came
 * in; the columns path fills Elements straight from the columns. One
 * writer then serializes Elements, so that all three input forms give the
 * same bytes for the same values.
 */

#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "tilebox-encoder-private.h"
#include "tilebox-error.h"
#include "tilebox-geometry-private.h"
#include "tilebox-pb-private.h"
#include "tilebox-time-interval-private.h"
#include "tilebox-util-private.h"

#define NANOS_PER_SECOND G_GINT64_CONSTANT (1000000000)
/* How much of a bad value an error message shows, in characters. */
#define MAX_SHOWN 60

/* --- plans ----------------------------------------------------------------- */

typedef struct _Plan Plan;

typedef struct {
  const TileboxDescField *field;   /* borrowed from the pool */
  TileboxColumnKind kind;          /* of one element */
  const TileboxDescEnum *enum_desc; /* ENUM: NULL when the pool lacks it */
  const Plan *message;             /* a nested message the pool describes */
  TileboxPbWireType wire;          /* of one element */
  gboolean repeated;
  gboolean packed;                 /* repeated number, bool or enum, packed */
  gboolean nested;                 /* a message (or group) field kept as BYTES */
  gboolean group;                  /* written between group tags */
  guint slot;                      /* index in Plan.fields */
} FieldPlan;

struct _Plan {
  const TileboxDescMessage *message;
  FieldPlan *fields;               /* in field-number order */
  guint n_fields;
  GHashTable *by_name;             /* field name → FieldPlan* */
  gboolean has_oneofs;
};

struct _TileboxEncoder {
  gatomicrefcount ref_count;
  TileboxDescPool *pool;           /* ref */
  const Plan *plan;                /* of the datapoint type */
  GHashTable *plans;               /* full name → Plan*, every type reached */
};

static gboolean
kind_is_scalar (TileboxColumnKind kind)
{
  switch (kind)
    {
    case TILEBOX_COLUMN_DOUBLE:
    case TILEBOX_COLUMN_FLOAT:
    case TILEBOX_COLUMN_INT32:
    case TILEBOX_COLUMN_INT64:
    case TILEBOX_COLUMN_UINT32:
    case TILEBOX_COLUMN_UINT64:
    case TILEBOX_COLUMN_BOOL:
    case TILEBOX_COLUMN_ENUM:
      return TRUE;
    default:
      return FALSE;
    }
}

static void
plan_free (gpointer data)
{
  Plan *plan = data;

  g_hash_table_unref (plan->by_name);
  g_free (plan->fields);
  g_free (plan);
}

static gint
compare_numbers (gconstpointer a,
                 gconstpointer b)
{
  const TileboxDescField *fa = *(const TileboxDescField * const *) a;
  const TileboxDescField *fb = *(const TileboxDescField * const *) b;

  return fa->number < fb->number ? -1 : fa->number > fb->number;
}

/* The plan of `message`, made (with those of the messages it reaches) on
 * first use; a message reaching itself finds its own plan in the table. */
static const Plan *
plan_get (TileboxEncoder           *self,
          const TileboxDescMessage *message)
{
  g_autoptr(GPtrArray) sorted = NULL;
  Plan *plan;

  plan = g_hash_table_lookup (self->plans, message->full_name);
  if (plan != NULL)
    return plan;

  plan = g_new0 (Plan, 1);
  plan->message = message;
  plan->n_fields = message->fields->len;
  plan->fields = g_new0 (FieldPlan, plan->n_fields);
  plan->by_name = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (self->plans, message->full_name, plan);

  sorted = g_ptr_array_sized_new (plan->n_fields);
  for (guint i = 0; i < plan->n_fields; i++)
    g_ptr_array_add (sorted, g_ptr_array_index (message->fields, i));
  g_ptr_array_sort (sorted, compare_numbers);

  for (guint i = 0; i < plan->n_fields; i++)
    {
      const TileboxDescField *field = g_ptr_array_index (sorted, i);
      FieldPlan *fp = &plan->fields[i];

      fp->field = field;
      fp->slot = i;
      fp->kind = _tilebox_columns_field_kind (field);
      fp->wire = _tilebox_desc_type_wire_type (field->type);
      fp->repeated = field->label == TILEBOX_DESC_LABEL_REPEATED;
      fp->packed = fp->repeated && field->packed && kind_is_scalar (fp->kind);
      fp->group = field->type == TILEBOX_DESC_TYPE_GROUP;
      fp->nested = fp->kind == TILEBOX_COLUMN_BYTES && field->type != TILEBOX_DESC_TYPE_BYTES;
      if (fp->kind == TILEBOX_COLUMN_ENUM && field->type_name != NULL)
        fp->enum_desc = _tilebox_desc_pool_lookup_enum (self->pool, field->type_name);
      if (field->oneof_index >= 0)
        plan->has_oneofs = TRUE;
      g_hash_table_insert (plan->by_name, field->name, fp);
    }

  /* after the fields are all there: a plan reached again is complete
   * enough to point to */
  for (guint i = 0; i < plan->n_fields; i++)
    {
      FieldPlan *fp = &plan->fields[i];
      const TileboxDescMessage *sub;

      if (!fp->nested || fp->field->type_name == NULL)
        continue;
      sub = _tilebox_desc_pool_lookup_message (self->pool, fp->field->type_name);
      if (sub != NULL)
        fp->message = plan_get (self, sub);
    }

  return plan;
}

/* --- construction ------------------------------------------------------------ */

TileboxEncoder *
_tilebox_encoder_new (TileboxDescPool *pool,
                      const char      *type_url,
                      GError         **error)
{
  const TileboxDescMessage *message;
  TileboxEncoder *self;
  const char *slash;
  const char *name;

  g_return_val_if_fail (pool != NULL, NULL);
  g_return_val_if_fail (type_url != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  slash = strrchr (type_url, '/');
  name = slash != NULL ? slash + 1 : type_url;
  message = _tilebox_desc_pool_lookup_message (pool, name);
  if (message == NULL)
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL,
                   _("The datapoint type %s is not described by the dataset type"),
                   type_url);
      return NULL;
    }

  self = g_new0 (TileboxEncoder, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->pool = _tilebox_desc_pool_ref (pool);
  self->plans = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, plan_free);
  self->plan = plan_get (self, message);
  return self;
}

TileboxEncoder *
_tilebox_encoder_ref (TileboxEncoder *encoder)
{
  g_return_val_if_fail (encoder != NULL, NULL);

  g_atomic_ref_count_inc (&encoder->ref_count);
  return encoder;
}

void
_tilebox_encoder_unref (TileboxEncoder *encoder)
{
  g_return_if_fail (encoder != NULL);

  if (!g_atomic_ref_count_dec (&encoder->ref_count))
    return;
  g_hash_table_unref (encoder->plans);
  _tilebox_desc_pool_unref (encoder->pool);
  g_free (encoder);
}

const char *
_tilebox_encoder_get_type_name (TileboxEncoder *encoder)
{
  g_return_val_if_fail (encoder != NULL, NULL);

  return encoder->plan->message->full_name;
}

/* --- what a call works on -------------------------------------------------------- */

typedef struct {
  guint record;
  GString *path;                   /* of the value at hand; empty at the top */
  guint depth;                     /* of nested messages */
  GByteArray *scratch;             /* a well-known submessage being written */
  GError **error;
} Ctx;

static void
ctx_init (Ctx     *ctx,
          GError **error)
{
  ctx->record = 0;
  ctx->path = g_string_new (NULL);
  ctx->depth = 0;
  ctx->scratch = g_byte_array_new ();
  ctx->error = error;
}

static void
ctx_clear (Ctx *ctx)
{
  g_string_free (ctx->path, TRUE);
  g_byte_array_unref (ctx->scratch);
}

/* Appends a field name to the path; returns the length to go back to. */
static gsize
path_push_name (Ctx        *ctx,
                const char *name)
{
  gsize len = ctx->path->len;

  if (len > 0)
    g_string_append_c (ctx->path, '.');
  g_string_append (ctx->path, name);
  return len;
}

static gsize
path_push_index (Ctx  *ctx,
                 guint index)
{
  gsize len = ctx->path->len;

  g_string_append_printf (ctx->path, "[%u]", index);
  return len;
}

static void
path_pop (Ctx  *ctx,
          gsize len)
{
  g_string_truncate (ctx->path, len);
}

static gboolean fail (Ctx        *ctx,
                      const char *format,
                      ...) G_GNUC_PRINTF (2, 3);

/* "record N, field PATH: DETAIL", always FALSE. */
static gboolean
fail (Ctx        *ctx,
      const char *format,
      ...)
{
  g_autofree char *detail = NULL;
  va_list args;

  if (ctx->error == NULL)
    return FALSE;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);

  if (ctx->path->len > 0)
    g_set_error (ctx->error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                 /* Translators: an invalid record to ingest; the record's index
                  * (from 0), the field, then what is wrong */
                 _("record %u, field %s: %s"), ctx->record, ctx->path->str, detail);
  else
    g_set_error (ctx->error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                 /* Translators: an invalid record to ingest; the record's index
                  * (from 0), then what is wrong */
                 _("record %u: %s"), ctx->record, detail);
  return FALSE;
}

/* --- values ------------------------------------------------------------------
 *
 * A value of a record: a JSON node (borrowed from the caller's tree) or a
 * GVariant (owned), never a boxed variant or a maybe, which are unwrapped
 * on the way in. Both fields NULL: missing. */

typedef struct {
  JsonNode *json;
  GVariant *variant;
} Value;

static void
value_clear (Value *v)
{
  v->json = NULL;
  g_clear_pointer (&v->variant, g_variant_unref);
}

static gboolean
value_present (const Value *v)
{
  return v->json != NULL || v->variant != NULL;
}

/* Sets `v` to a JSON node; FALSE (v missing) for null. */
static gboolean
value_set_json (Value    *v,
                JsonNode *node)
{
  value_clear (v);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return FALSE;
  v->json = node;
  return TRUE;
}

/* Sets `v` to a GVariant (taking it), out of any variant boxes and maybes;
 * FALSE (v missing) for a maybe without a value. */
static gboolean
value_take_variant (Value    *v,
                    GVariant *variant)
{
  value_clear (v);
  for (;;)
    {
      GVariant *inner;

      if (g_variant_is_of_type (variant, G_VARIANT_TYPE_VARIANT))
        inner = g_variant_get_variant (variant);
      else if (g_variant_type_is_maybe (g_variant_get_type (variant)))
        inner = g_variant_get_maybe (variant);
      else
        break;
      g_variant_unref (variant);
      if (inner == NULL)
        return FALSE;
      variant = inner;
    }
  v->variant = variant;
  return TRUE;
}

/* The value as text for an error message, cut after MAX_SHOWN characters. */
static char *
value_describe (const Value *v)
{
  g_autofree char *text = NULL;
  const char *cut;

  if (v->json != NULL && JSON_NODE_HOLDS_VALUE (v->json) &&
      json_node_get_value_type (v->json) == G_TYPE_DOUBLE)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      /* JSON-GLib would write 1e+19 as "1e+19.0" */
      return g_strdup (_tilebox_format_double (buf, json_node_get_double (v->json)));
    }
  if (v->json != NULL)
    text = json_to_string (v->json, FALSE);
  else
    text = g_variant_print (v->variant, FALSE);

  if (g_utf8_strlen (text, -1) <= MAX_SHOWN)
    return g_steal_pointer (&text);
  cut = g_utf8_offset_to_pointer (text, MAX_SHOWN);
  return g_strdup_printf ("%.*s…", (int) (cut - text), text);
}

/* "expected WHAT, got VALUE", always FALSE. */
static gboolean
expected (Ctx         *ctx,
          const char  *what,
          const Value *v)
{
  g_autofree char *shown = NULL;

  if (ctx->error == NULL)
    return FALSE;
  shown = value_describe (v);
  /* Translators: the first %s says what a value should be, e.g. "a number";
   * the second is the value given */
  return fail (ctx, _("expected %s, got %s"), what, shown);
}

static gboolean
out_of_range (Ctx         *ctx,
              const Value *v,
              const char  *type_name)
{
  g_autofree char *shown = NULL;

  if (ctx->error == NULL)
    return FALSE;
  shown = value_describe (v);
  /* Translators: a value, then a protobuf type such as int32 */
  return fail (ctx, _("%s is out of range for %s"), shown, type_name);
}

static const char *
value_string (const Value *v)
{
  if (v->json != NULL)
    {
      if (JSON_NODE_HOLDS_VALUE (v->json) && json_node_get_value_type (v->json) == G_TYPE_STRING)
        return json_node_get_string (v->json);
      return NULL;
    }
  if (g_variant_is_of_type (v->variant, G_VARIANT_TYPE_STRING) ||
      g_variant_is_of_type (v->variant, G_VARIANT_TYPE_OBJECT_PATH) ||
      g_variant_is_of_type (v->variant, G_VARIANT_TYPE_SIGNATURE))
    return g_variant_get_string (v->variant, NULL);
  return NULL;
}

/* The bytes of a GVariant ay; NULL otherwise. */
static const guint8 *
value_bytestring (const Value *v,
                  gsize       *len)
{
  const guint8 *data;

  if (v->variant == NULL || !g_variant_is_of_type (v->variant, G_VARIANT_TYPE_BYTESTRING))
    return NULL;
  data = g_variant_get_fixed_array (v->variant, len, 1);
  return data != NULL ? data : (const guint8 *) "";
}

/* A JSON object, or a GVariant dictionary with string keys. */
static gboolean
value_is_object (const Value *v)
{
  const GVariantType *type;
  const GVariantType *entry;

  if (v->json != NULL)
    return JSON_NODE_HOLDS_OBJECT (v->json);
  type = g_variant_get_type (v->variant);
  if (!g_variant_type_is_array (type))
    return FALSE;
  entry = g_variant_type_element (type);
  return g_variant_type_is_dict_entry (entry) &&
         g_variant_type_equal (g_variant_type_key (entry), G_VARIANT_TYPE_STRING);
}

/* A JSON array, or a GVariant array (not a dictionary) or tuple. */
static gboolean
value_is_sequence (const Value *v,
                   gboolean     tuples)
{
  const GVariantType *type;

  if (v->json != NULL)
    return JSON_NODE_HOLDS_ARRAY (v->json);
  type = g_variant_get_type (v->variant);
  if (g_variant_type_is_tuple (type))
    return tuples;
  return g_variant_type_is_array (type) &&
         !g_variant_type_is_dict_entry (g_variant_type_element (type));
}

static guint
value_n_elements (const Value *v)
{
  if (v->json != NULL)
    return json_array_get_length (json_node_get_array (v->json));
  return (guint) g_variant_n_children (v->variant);
}

/* Element i of a sequence into `out`; FALSE when it is missing. */
static gboolean
value_element_at (const Value *v,
                  guint        i,
                  Value       *out)
{
  if (v->json != NULL)
    return value_set_json (out, json_array_get_element (json_node_get_array (v->json), i));
  return value_take_variant (out, g_variant_get_child_value (v->variant, i));
}

/* The members of an object value, in order. */
typedef struct {
  const Value *object;
  JsonObjectIter json;
  gsize index;
  GVariant *key;                   /* of the member last returned */
} MemberIter;

static void
member_iter_init (MemberIter  *iter,
                  const Value *object)
{
  iter->object = object;
  iter->index = 0;
  iter->key = NULL;
  if (object->json != NULL)
    json_object_iter_init (&iter->json, json_node_get_object (object->json));
}

/* The next member: its key (valid until the next call) and its value
 * (missing for null or an empty maybe), which the caller then owns. */
static gboolean
member_iter_next (MemberIter  *iter,
                  const char **key,
                  Value       *value)
{
  g_autoptr(GVariant) entry = NULL;

  value_clear (value);
  g_clear_pointer (&iter->key, g_variant_unref);

  if (iter->object->json != NULL)
    {
      JsonNode *node;

      if (!json_object_iter_next (&iter->json, key, &node))
        return FALSE;
      value_set_json (value, node);
      return TRUE;
    }

  if (iter->index >= g_variant_n_children (iter->object->variant))
    return FALSE;
  entry = g_variant_get_child_value (iter->object->variant, iter->index++);
  iter->key = g_variant_get_child_value (entry, 0);
  *key = g_variant_get_string (iter->key, NULL);
  value_take_variant (value, g_variant_get_child_value (entry, 1));
  return TRUE;
}

static void
member_iter_clear (MemberIter *iter)
{
  g_clear_pointer (&iter->key, g_variant_unref);
}

/* --- numbers ---------------------------------------------------------------- */

typedef enum {
  NUMBER_INT,
  NUMBER_UINT,
  NUMBER_DOUBLE,
} NumberKind;

typedef struct {
  NumberKind kind;
  gint64 i;
  guint64 u;
  double d;
} Number;

/* Reads any number; with `int_strings`, JSON strings of decimal integers
 * too (one out of 64-bit range reads as an infinity, to fail the range
 * check). FALSE when the value is no number. */
static gboolean
value_number (const Value *v,
              gboolean     int_strings,
              Number      *n)
{
  if (v->json != NULL)
    {
      const char *s;
      g_autoptr(GError) error = NULL;

      if (!JSON_NODE_HOLDS_VALUE (v->json))
        return FALSE;
      switch (json_node_get_value_type (v->json))
        {
        case G_TYPE_INT64:
          n->kind = NUMBER_INT;
          n->i = json_node_get_int (v->json);
          return TRUE;
        case G_TYPE_DOUBLE:
          n->kind = NUMBER_DOUBLE;
          n->d = json_node_get_double (v->json);
          return TRUE;
        case G_TYPE_STRING:
          if (!int_strings)
            return FALSE;
          s = json_node_get_string (v->json);
          if (s[0] == '-')
            {
              n->kind = NUMBER_INT;
              if (g_ascii_string_to_signed (s, 10, G_MININT64, G_MAXINT64, &n->i, &error))
                return TRUE;
            }
          else
            {
              n->kind = NUMBER_UINT;
              if (g_ascii_string_to_unsigned (s, 10, 0, G_MAXUINT64, &n->u, &error))
                return TRUE;
            }
          if (!g_error_matches (error, G_NUMBER_PARSER_ERROR, G_NUMBER_PARSER_ERROR_OUT_OF_BOUNDS))
            return FALSE;
          n->kind = NUMBER_DOUBLE;
          n->d = s[0] == '-' ? -HUGE_VAL : HUGE_VAL;
          return TRUE;
        default:
          return FALSE;
        }
    }

  switch (g_variant_classify (v->variant))
    {
    case G_VARIANT_CLASS_BYTE:
      n->kind = NUMBER_UINT;
      n->u = g_variant_get_byte (v->variant);
      return TRUE;
    case G_VARIANT_CLASS_UINT16:
      n->kind = NUMBER_UINT;
      n->u = g_variant_get_uint16 (v->variant);
      return TRUE;
    case G_VARIANT_CLASS_UINT32:
      n->kind = NUMBER_UINT;
      n->u = g_variant_get_uint32 (v->variant);
      return TRUE;
    case G_VARIANT_CLASS_UINT64:
      n->kind = NUMBER_UINT;
      n->u = g_variant_get_uint64 (v->variant);
      return TRUE;
    case G_VARIANT_CLASS_INT16:
      n->kind = NUMBER_INT;
      n->i = g_variant_get_int16 (v->variant);
      return TRUE;
    case G_VARIANT_CLASS_INT32:
      n->kind = NUMBER_INT;
      n->i = g_variant_get_int32 (v->variant);
      return TRUE;
    case G_VARIANT_CLASS_INT64:
      n->kind = NUMBER_INT;
      n->i = g_variant_get_int64 (v->variant);
      return TRUE;
    case G_VARIANT_CLASS_DOUBLE:
      n->kind = NUMBER_DOUBLE;
      n->d = g_variant_get_double (v->variant);
      return TRUE;
    default:
      return FALSE;
    }
}

typedef enum {
  INTEGER_OK,
  INTEGER_FRACTION,
  INTEGER_RANGE,
} IntegerStatus;

/* A number as sign and magnitude, when it is an integer within 64 bits
 * either way. */
static IntegerStatus
number_integer (const Number *n,
                gboolean     *negative,
                guint64      *magnitude)
{
  switch (n->kind)
    {
    case NUMBER_INT:
      *negative = n->i < 0;
      *magnitude = n->i < 0 ? (guint64) 0 - (guint64) n->i : (guint64) n->i;
      return INTEGER_OK;
    case NUMBER_UINT:
      *negative = FALSE;
      *magnitude = n->u;
      return INTEGER_OK;
    case NUMBER_DOUBLE:
    default:
      if (isnan (n->d))
        return INTEGER_FRACTION;
      if (isinf (n->d))
        return INTEGER_RANGE;
      /* from 2^52 on every double is an integer; below, one with a
       * fraction differs from its truncation (no libm: the library does
       * not link it, and floor () is only inlined when optimizing) */
      if (fabs (n->d) < 4503599627370496.0 && (double) (gint64) n->d != n->d)
        return INTEGER_FRACTION;
      /* -2^63 ... 2^64, exclusive at the top: exact in doubles */
      if (n->d < -9223372036854775808.0 || n->d >= 18446744073709551616.0)
        return INTEGER_RANGE;
      *negative = n->d < 0;
      *magnitude = *negative ? (guint64) -n->d : (guint64) n->d;
      return INTEGER_OK;
    }
}

/* An integer in [-max_negative, max_positive], as a two's complement
 * word (sign-extended to 64 bits); `type_name` names the range in errors. */
static gboolean
value_integer (Ctx         *ctx,
               const Value *v,
               guint64      max_negative,
               guint64      max_positive,
               const char  *type_name,
               guint64     *word)
{
  Number n;
  gboolean negative = FALSE;
  guint64 magnitude = 0;

  if (!value_number (v, TRUE, &n))
    return expected (ctx, _("an integer"), v);
  switch (number_integer (&n, &negative, &magnitude))
    {
    case INTEGER_FRACTION:
      return expected (ctx, _("an integer"), v);
    case INTEGER_RANGE:
      return out_of_range (ctx, v, type_name);
    case INTEGER_OK:
    default:
      break;
    }
  if (negative ? magnitude > max_negative : magnitude > max_positive)
    return out_of_range (ctx, v, type_name);
  *word = negative ? (guint64) 0 - magnitude : magnitude;
  return TRUE;
}

static gboolean
value_int64 (Ctx         *ctx,
             const Value *v,
             gint64      *out)
{
  guint64 word;

  if (!value_integer (ctx, v, (guint64) G_MAXINT64 + 1, G_MAXINT64, "int64", &word))
    return FALSE;
  *out = (gint64) word;
  return TRUE;
}

static gboolean
value_double (Ctx         *ctx,
              const Value *v,
              double      *out)
{
  const char *s;
  Number n;

  if (value_number (v, FALSE, &n))
    {
      *out = n.kind == NUMBER_INT ? (double) n.i : n.kind == NUMBER_UINT ? (double) n.u : n.d;
      return TRUE;
    }
  /* what JSON cannot write as numbers, spelled as protobuf's JSON does */
  s = v->json != NULL ? value_string (v) : NULL;
  if (g_strcmp0 (s, "NaN") == 0)
    *out = NAN;
  else if (g_strcmp0 (s, "Infinity") == 0)
    *out = HUGE_VAL;
  else if (g_strcmp0 (s, "-Infinity") == 0)
    *out = -HUGE_VAL;
  else
    return expected (ctx, _("a number"), v);
  return TRUE;
}

/* The wire word of a signed integer for a field of `type`. */
static guint64
word_from_signed (TileboxDescType type,
                  gint64          v)
{
  switch (type)
    {
    case TILEBOX_DESC_TYPE_SINT32:
    case TILEBOX_DESC_TYPE_SINT64:
      return _tilebox_pb_zigzag_encode (v);
    case TILEBOX_DESC_TYPE_SFIXED32:
      return (guint32) v;
    default:
      /* int32 and enums sign-extended to 10 bytes, as protobuf writes them */
      return (guint64) v;
    }
}

static guint64
word_from_double (TileboxDescType type,
                  double          v)
{
  if (type == TILEBOX_DESC_TYPE_FLOAT)
    {
      float f = (float) v;
      guint32 bits;

      memcpy (&bits, &f, sizeof bits);
      return bits;
    }
  else
    {
      guint64 bits;

      memcpy (&bits, &v, sizeof bits);
      return bits;
    }
}

/* --- elements ---------------------------------------------------------------- */

/* One value as the wire needs it. */
typedef struct {
  guint64 word;                    /* numbers, bools, enums */
  gint64 ns;                       /* TIMESTAMP, DURATION */
  guint8 uuid[16];                 /* UUID */
  double doubles[4];               /* VEC3, QUATERNION, LATLON, LATLONALT */
  const guint8 *data;              /* STRING, BYTES, GEOMETRY (normalized WKB) */
  gsize len;
  gpointer owned;                  /* what `data` points into, if ours */
  GDestroyNotify owned_free;
} Element;

static void
element_clear (Element *e)
{
  if (e->owned != NULL)
    e->owned_free (e->owned);
  e->owned = NULL;
}

static void
element_take_bytes (Element *e,
                    GBytes  *bytes)
{
  e->data = g_bytes_get_data (bytes, &e->len);
  if (e->data == NULL)
    e->data = (const guint8 *) "";
  e->owned = bytes;
  e->owned_free = (GDestroyNotify) g_bytes_unref;
}

static void
element_take_array (Element    *e,
                    GByteArray *array)
{
  e->data = array->len > 0 ? array->data : (const guint8 *) "";
  e->len = array->len;
  e->owned = array;
  e->owned_free = (GDestroyNotify) g_byte_array_unref;
}

static guint
n_doubles (TileboxColumnKind kind)
{
  switch (kind)
    {
    case TILEBOX_COLUMN_LATLON:
      return 2;
    case TILEBOX_COLUMN_QUATERNION:
      return 4;
    default:
      return 3;
    }
}

static const char * const *
double_names (TileboxColumnKind kind)
{
  static const char * const xyz[] = { "x", "y", "z", NULL };
  static const char * const quaternion[] = { "q1", "q2", "q3", "q4", NULL };
  static const char * const latlon[] = { "latitude", "longitude", NULL };
  static const char * const latlonalt[] = { "latitude", "longitude", "altitude", NULL };

  switch (kind)
    {
    case TILEBOX_COLUMN_VEC3:
      return xyz;
    case TILEBOX_COLUMN_QUATERNION:
      return quaternion;
    case TILEBOX_COLUMN_LATLON:
      return latlon;
    default:
      return latlonalt;
    }
}

/* --- writing ------------------------------------------------------------------ */

static void
write_word (GByteArray      *out,
            const FieldPlan *fp,
            guint64          word)
{
  guint32 number = (guint32) fp->field->number;

  switch (fp->wire)
    {
    case TILEBOX_PB_WIRE_FIXED64:
      _tilebox_pb_write_fixed64 (out, number, word);
      break;
    case TILEBOX_PB_WIRE_FIXED32:
      _tilebox_pb_write_fixed32 (out, number, (guint32) word);
      break;
    case TILEBOX_PB_WIRE_VARINT:
    default:
      _tilebox_pb_write_varint (out, number, word);
      break;
    }
}

static void
append_packed (GByteArray      *packed,
               const FieldPlan *fp,
               guint64          word)
{
  switch (fp->wire)
    {
    case TILEBOX_PB_WIRE_FIXED64:
      {
        guint64 le = GUINT64_TO_LE (word);

        g_byte_array_append (packed, (const guint8 *) &le, sizeof le);
      }
      break;
    case TILEBOX_PB_WIRE_FIXED32:
      {
        guint32 le = GUINT32_TO_LE ((guint32) word);

        g_byte_array_append (packed, (const guint8 *) &le, sizeof le);
      }
      break;
    case TILEBOX_PB_WIRE_VARINT:
    default:
      _tilebox_pb_write_raw_varint (packed, word);
      break;
    }
}

/* A length-delimited element, or a group's contents between its tags. */
static void
write_len (GByteArray      *out,
           const FieldPlan *fp,
           const guint8    *data,
           gsize            len)
{
  guint32 number = (guint32) fp->field->number;

  if (fp->group)
    {
      _tilebox_pb_write_tag (out, number, TILEBOX_PB_WIRE_SGROUP);
      if (len > 0)
        g_byte_array_append (out, data, (guint) len);
      _tilebox_pb_write_tag (out, number, TILEBOX_PB_WIRE_EGROUP);
      return;
    }
  _tilebox_pb_write_bytes (out, number, data, len);
}

/* The well-known messages, written as protobuf writes them (their fields
 * have implicit presence: zeros and empty bytes are left out). */

static void
put_seconds_nanos (GByteArray *sub,
                   gint64      ns,
                   gboolean    timestamp)
{
  gint64 seconds = ns / NANOS_PER_SECOND;
  gint64 nanos = ns % NANOS_PER_SECOND;

  /* a Timestamp's nanos count forward from its seconds; a Duration's
   * have the sign of its seconds */
  if (timestamp && nanos < 0)
    {
      seconds -= 1;
      nanos += NANOS_PER_SECOND;
    }
  if (seconds != 0)
    _tilebox_pb_write_varint (sub, 1, (guint64) seconds);
  if (nanos != 0)
    _tilebox_pb_write_varint (sub, 2, (guint64) nanos);
}

static void
put_doubles (GByteArray   *sub,
             const double *values,
             guint         n)
{
  for (guint i = 0; i < n; i++)
    {
      guint64 bits;

      /* zero is left out, -0.0 is not (its bits are not zero) */
      memcpy (&bits, &values[i], sizeof bits);
      if (bits != 0)
        _tilebox_pb_write_fixed64 (sub, i + 1, bits);
    }
}

/* Writes one element of a field: a singular one with implicit presence is
 * left out when zero or empty; with `packed`, numbers go there instead. */
static void
write_element (Ctx             *ctx,
               const FieldPlan *fp,
               const Element   *e,
               GByteArray      *out,
               GByteArray      *packed)
{
  gboolean implicit = !fp->repeated && !fp->field->explicit_presence;
  GByteArray *sub = ctx->scratch;

  g_byte_array_set_size (sub, 0);
  switch (fp->kind)
    {
    case TILEBOX_COLUMN_DOUBLE:
    case TILEBOX_COLUMN_FLOAT:
    case TILEBOX_COLUMN_INT32:
    case TILEBOX_COLUMN_INT64:
    case TILEBOX_COLUMN_UINT32:
    case TILEBOX_COLUMN_UINT64:
    case TILEBOX_COLUMN_BOOL:
    case TILEBOX_COLUMN_ENUM:
      if (packed != NULL)
        append_packed (packed, fp, e->word);
      else if (!implicit || e->word != 0)
        write_word (out, fp, e->word);
      return;

    case TILEBOX_COLUMN_STRING:
    case TILEBOX_COLUMN_BYTES:
      if (!implicit || e->len > 0 || fp->nested)
        write_len (out, fp, e->data, e->len);
      return;

    case TILEBOX_COLUMN_TIMESTAMP:
    case TILEBOX_COLUMN_DURATION:
      put_seconds_nanos (sub, e->ns, fp->kind == TILEBOX_COLUMN_TIMESTAMP);
      break;

    case TILEBOX_COLUMN_UUID:
      _tilebox_pb_write_bytes (sub, 1, e->uuid, 16);
      break;

    case TILEBOX_COLUMN_GEOMETRY:
      if (e->len > 0)
        _tilebox_pb_write_bytes (sub, 1, e->data, e->len);
      break;

    case TILEBOX_COLUMN_VEC3:
    case TILEBOX_COLUMN_QUATERNION:
    case TILEBOX_COLUMN_LATLON:
    case TILEBOX_COLUMN_LATLONALT:
      put_doubles (sub, e->doubles, n_doubles (fp->kind));
      break;

    default:
      g_assert_not_reached ();
    }

  write_len (out, fp, sub->data, sub->len);
}

/* --- values to elements ---------------------------------------------------------- */

static gboolean encode_object (Ctx        *ctx,
                               const Plan *plan,
                               const Value *object,
                               gboolean    top,
                               GByteArray *out);

/* Strict base64: the standard or the URL-safe alphabet, padding optional,
 * nothing else (g_base64_decode () skips what it does not know). */
static guint8 *
base64_decode (const char *text,
               gsize      *len)
{
  gsize n = strlen (text);
  gsize pads = 0;
  g_autofree char *standard = NULL;

  while (n > 0 && text[n - 1] == '=')
    {
      n--;
      pads++;
    }
  if (pads > 2 || n % 4 == 1 || (pads > 0 && (n + pads) % 4 != 0))
    return NULL;

  standard = g_malloc (n + 4);
  for (gsize i = 0; i < n; i++)
    {
      char c = text[i];

      if (c == '-')
        c = '+';
      else if (c == '_')
        c = '/';
      else if (!g_ascii_isalnum (c) && c != '+' && c != '/')
        return NULL;
      standard[i] = c;
    }
  while (n % 4 != 0)
    standard[n++] = '=';
  standard[n] = '\0';
  return g_base64_decode (standard, len);
}

/* Bytes: base64 in JSON, ay in a GVariant. Into e, owned or borrowed. */
static gboolean
value_bytes (Ctx         *ctx,
             const Value *v,
             Element     *e)
{
  const char *text;
  guint8 *decoded;

  if (v->variant != NULL)
    {
      e->data = value_bytestring (v, &e->len);
      if (e->data == NULL)
        return expected (ctx, _("bytes (ay)"), v);
      return TRUE;
    }

  text = value_string (v);
  if (text == NULL)
    return expected (ctx, _("bytes as base64 text"), v);
  decoded = base64_decode (text, &e->len);
  if (decoded == NULL)
    return expected (ctx, _("bytes as base64 text"), v);
  e->data = decoded;
  e->owned = decoded;
  e->owned_free = g_free;
  return TRUE;
}

/* Well-formed protobuf: every tag valid, every value within the bytes. */
static gboolean
check_serialized (const guint8 *data,
                  gsize         len,
                  GError      **error)
{
  TileboxPbReader reader;
  int r;

  _tilebox_pb_reader_init (&reader, data, len);
  while ((r = _tilebox_pb_reader_next (&reader, error)) == 1)
    if (!_tilebox_pb_skip (&reader, error))
      return FALSE;
  return r == 0;
}

/* A nested message: an object encoded by its plan, or bytes of one. */
static gboolean
value_message (Ctx             *ctx,
               const FieldPlan *fp,
               const Value     *v,
               Element         *e)
{
  g_autoptr(GError) error = NULL;
  GByteArray *sub;

  if (value_is_object (v))
    {
      gboolean ok;

      if (fp->message == NULL)
        return fail (ctx, _("the message type %s is not known: give the message serialized, as bytes"),
                     fp->field->type_name != NULL ? fp->field->type_name : "?");
      if (ctx->depth >= TILEBOX_PB_MAX_DEPTH)
        return fail (ctx, _("messages nested more than %u levels deep"), TILEBOX_PB_MAX_DEPTH);

      sub = g_byte_array_new ();
      ctx->depth++;
      ok = encode_object (ctx, fp->message, v, FALSE, sub);
      ctx->depth--;
      element_take_array (e, sub);
      return ok;
    }

  if (v->json != NULL && value_string (v) == NULL)
    return expected (ctx, _("an object, or a serialized message as base64 text"), v);
  if (v->variant != NULL && value_bytestring (v, &e->len) == NULL)
    return expected (ctx, _("a dictionary (a{sv}), or a serialized message (ay)"), v);
  if (!value_bytes (ctx, v, e))
    return FALSE;
  if (!check_serialized (e->data, e->len, &error))
    return fail (ctx, _("not a serialized message: %s"), error->message);
  return TRUE;
}

/* The fraction of a second of an RFC 3339 time ("…:SS.fffffffffZ"), in
 * nanoseconds, cut out of `text` (for GDateTime, which keeps microseconds
 * only); digits past the ninth are dropped. */
static gint64
cut_fraction (char *text)
{
  char *dot = strpbrk (text, ".,");
  gint64 nanos = 0;
  gint64 scale = NANOS_PER_SECOND / 10;
  char *p;

  if (dot == NULL || dot - text < 3 || dot[-3] != ':' || !g_ascii_isdigit (dot[1]))
    return 0;
  for (p = dot + 1; g_ascii_isdigit (*p); p++)
    {
      nanos += (*p - '0') * scale;
      scale /= 10;
    }
  memmove (dot, p, strlen (p) + 1);
  return nanos;
}

/* RFC 3339 text (or what _tilebox_date_time_parse () takes) to nanoseconds
 * since the epoch. FALSE for text it does not take; *range FALSE too
 * when the time is beyond 64-bit nanoseconds. */
static gboolean
parse_time (const char *text,
            gint64     *ns,
            gboolean   *range)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  g_autoptr(GDateTime) dt = NULL;
  gint64 nanos = cut_fraction (copy);
  gint64 seconds;

  *range = TRUE;
  dt = _tilebox_date_time_parse (copy, NULL);
  if (dt == NULL)
    return FALSE;
  seconds = g_date_time_to_unix (dt);
  /* near the least value, seconds alone may not fit where the time does:
   * borrow a second from the fraction (as the decoder does) */
  if (seconds < 0 && nanos > 0)
    {
      seconds += 1;
      nanos -= NANOS_PER_SECOND;
    }
  if (__builtin_mul_overflow (seconds, NANOS_PER_SECOND, ns) ||
      __builtin_add_overflow (*ns, nanos, ns))
    {
      *range = FALSE;
      return FALSE;
    }
  return TRUE;
}

static gboolean
value_timestamp (Ctx         *ctx,
                 const Value *v,
                 gint64      *ns)
{
  const char *text = value_string (v);
  gboolean range;

  if (text == NULL)
    {
      Number n;

      if (!value_number (v, FALSE, &n))
        return expected (ctx, _("an RFC 3339 time such as 2025-01-01T12:00:00Z, or nanoseconds since 1970"), v);
      return value_int64 (ctx, v, ns);
    }
  if (parse_time (text, ns, &range))
    return TRUE;
  if (!range)
    {
      g_autofree char *shown = value_describe (v);

      return fail (ctx, _("%s is outside the times 64-bit nanoseconds hold (1677-09-21 to 2262-04-11)"), shown);
    }
  return expected (ctx, _("an RFC 3339 time such as 2025-01-01T12:00:00Z, or nanoseconds since 1970"), v);
}

static gboolean
value_uuid (Ctx         *ctx,
            const Value *v,
            guint8       uuid[16])
{
  const char *text = value_string (v);
  const guint8 *data;
  gsize len = 0;

  if (text != NULL && _tilebox_uuid_parse (text, uuid, "UUID", NULL))
    return TRUE;
  data = value_bytestring (v, &len);
  if (data != NULL && len == 16)
    {
      memcpy (uuid, data, 16);
      return TRUE;
    }
  return expected (ctx, _("a UUID such as 01941f29-c650-202f-6495-c71dd2118fb1"), v);
}

/* GeoJSON, WKT or WKB, to WKB as _tilebox_wkb_normalize () writes it. */
static gboolean
value_geometry (Ctx         *ctx,
                const Value *v,
                Element     *e)
{
  g_autoptr(GError) error = NULL;
  GBytes *wkb = NULL;
  const char *text = value_string (v);
  const guint8 *data;
  gsize len = 0;

  if (v->json != NULL && JSON_NODE_HOLDS_OBJECT (v->json))
    {
      wkb = _tilebox_geojson_to_wkb (v->json, &error);
    }
  else if (v->variant != NULL && value_is_object (v))
    {
      g_autoptr(JsonNode) geojson = json_gvariant_serialize (v->variant);

      wkb = _tilebox_geojson_to_wkb (geojson, &error);
    }
  else if (text != NULL)
    {
      wkb = _tilebox_wkt_to_wkb (text, &error);
    }
  else if ((data = value_bytestring (v, &len)) != NULL)
    {
      wkb = _tilebox_wkb_normalize (data, len, &error);
    }
  else
    {
      return expected (ctx, v->json != NULL ? _("a geometry: a GeoJSON object or WKT text")
                                            : _("a geometry: GeoJSON (a{sv}), WKT (s) or WKB (ay)"),
                       v);
    }

  if (wkb == NULL)
    return fail (ctx, "%s", error->message);
  element_take_bytes (e, wkb);
  return TRUE;
}

static gboolean
doubles_expected (Ctx             *ctx,
                  const FieldPlan *fp,
                  const Value     *v)
{
  g_autofree char *names = g_strjoinv (", ", (char **) double_names (fp->kind));
  g_autofree char *what = NULL;

  /* Translators: a count, then member names such as "x, y, z" */
  what = g_strdup_printf (_("%u numbers, or an object with %s"), n_doubles (fp->kind), names);
  return expected (ctx, what, v);
}

/* Vec3, Quaternion, LatLon, LatLonAlt: numbers in member order, or an
 * object with every member by name. */
static gboolean
value_doubles (Ctx             *ctx,
               const FieldPlan *fp,
               const Value     *v,
               double          *out)
{
  const char * const *names = double_names (fp->kind);
  guint n = n_doubles (fp->kind);
  Value member = { NULL, NULL };
  gboolean ok = TRUE;

  if (value_is_sequence (v, TRUE))
    {
      if (value_n_elements (v) != n)
        return doubles_expected (ctx, fp, v);
      for (guint i = 0; ok && i < n; i++)
        {
          gsize len = path_push_name (ctx, names[i]);

          if (value_element_at (v, i, &member))
            ok = value_double (ctx, &member, &out[i]);
          else
            ok = fail (ctx, _("the value is missing"));
          if (ok)
            path_pop (ctx, len);
        }
      value_clear (&member);
      return ok;
    }

  if (value_is_object (v))
    {
      gboolean seen[4] = { FALSE, FALSE, FALSE, FALSE };
      MemberIter iter;
      const char *key;

      member_iter_init (&iter, v);
      while (ok && member_iter_next (&iter, &key, &member))
        {
          guint i;
          gsize len;

          for (i = 0; i < n && strcmp (names[i], key) != 0; i++)
            ;
          if (i == n)
            {
              g_autofree char *joined = g_strjoinv (", ", (char **) names);

              ok = fail (ctx, _("unknown member “%s”; expected %s"), key, joined);
              break;
            }
          len = path_push_name (ctx, names[i]);
          if (value_present (&member))
            ok = value_double (ctx, &member, &out[i]);
          else
            ok = fail (ctx, _("the value is missing"));
          if (ok)
            path_pop (ctx, len);
          seen[i] = TRUE;
        }
      value_clear (&member);
      member_iter_clear (&iter);
      for (guint i = 0; ok && i < n; i++)
        if (!seen[i])
          ok = fail (ctx, _("missing member “%s”"), names[i]);
      return ok;
    }

  return doubles_expected (ctx, fp, v);
}

static gboolean
value_enum (Ctx             *ctx,
            const FieldPlan *fp,
            const Value     *v,
            guint64         *word)
{
  const char *enum_name = fp->field->type_name != NULL ? fp->field->type_name : "?";
  const char *text = value_string (v);
  gint32 number;
  Number n;

  if (enum_name[0] == '.')
    enum_name++;

  if (text != NULL)
    {
      if (fp->enum_desc == NULL)
        return fail (ctx, _("the enum type %s is not known: give the value’s number"), enum_name);
      if (!_tilebox_desc_enum_value_number (fp->enum_desc, text, &number))
        {
          g_autofree char *shown = value_describe (v);

          /* Translators: an enum type, then a value given for it */
          return fail (ctx, _("%s has no value %s"), enum_name, shown);
        }
      *word = word_from_signed (TILEBOX_DESC_TYPE_ENUM, number);
      return TRUE;
    }

  if (!value_number (v, FALSE, &n))
    return expected (ctx, _("an enum value’s name or number"), v);
  if (!value_integer (ctx, v, (guint64) G_MAXINT32 + 1, G_MAXINT32, enum_name, word))
    return FALSE;
  number = (gint32) (gint64) *word;
  if (fp->enum_desc != NULL && _tilebox_desc_enum_value_name (fp->enum_desc, number) == NULL)
    {
      g_autofree char *shown = value_describe (v);

      /* Translators: a number, then an enum type */
      return fail (ctx, _("%s is not a value of %s"), shown, enum_name);
    }
  return TRUE;
}

/* One value of field `fp` (an element of it when repeated) into `e`. */
static gboolean
value_element (Ctx             *ctx,
               const FieldPlan *fp,
               const Value     *v,
               Element         *e)
{
  TileboxDescType type = fp->field->type;
  const char *type_name = _tilebox_desc_type_name (type);

  switch (fp->kind)
    {
    case TILEBOX_COLUMN_DOUBLE:
    case TILEBOX_COLUMN_FLOAT:
      {
        double d;

        if (!value_double (ctx, v, &d))
          return FALSE;
        if (fp->kind == TILEBOX_COLUMN_FLOAT && isfinite (d) && fabs (d) > FLT_MAX)
          return out_of_range (ctx, v, type_name);
        e->word = word_from_double (type, d);
        return TRUE;
      }

    case TILEBOX_COLUMN_INT32:
      if (!value_integer (ctx, v, (guint64) G_MAXINT32 + 1, G_MAXINT32, type_name, &e->word))
        return FALSE;
      e->word = word_from_signed (type, (gint64) e->word);
      return TRUE;

    case TILEBOX_COLUMN_INT64:
      if (!value_integer (ctx, v, (guint64) G_MAXINT64 + 1, G_MAXINT64, type_name, &e->word))
        return FALSE;
      e->word = word_from_signed (type, (gint64) e->word);
      return TRUE;

    case TILEBOX_COLUMN_UINT32:
      return value_integer (ctx, v, 0, G_MAXUINT32, type_name, &e->word);

    case TILEBOX_COLUMN_UINT64:
      return value_integer (ctx, v, 0, G_MAXUINT64, type_name, &e->word);

    case TILEBOX_COLUMN_BOOL:
      if (v->json != NULL && JSON_NODE_HOLDS_VALUE (v->json) &&
          json_node_get_value_type (v->json) == G_TYPE_BOOLEAN)
        e->word = json_node_get_boolean (v->json) ? 1 : 0;
      else if (v->variant != NULL && g_variant_is_of_type (v->variant, G_VARIANT_TYPE_BOOLEAN))
        e->word = g_variant_get_boolean (v->variant) ? 1 : 0;
      else
        return expected (ctx, _("true or false"), v);
      return TRUE;

    case TILEBOX_COLUMN_ENUM:
      return value_enum (ctx, fp, v, &e->word);

    case TILEBOX_COLUMN_STRING:
      {
        const char *text = value_string (v);

        if (text == NULL)
          return expected (ctx, _("a string"), v);
        e->data = (const guint8 *) text;
        e->len = strlen (text);
        return TRUE;
      }

    case TILEBOX_COLUMN_BYTES:
      if (fp->nested)
        return value_message (ctx, fp, v, e);
      return value_bytes (ctx, v, e);

    case TILEBOX_COLUMN_TIMESTAMP:
      return value_timestamp (ctx, v, &e->ns);

    case TILEBOX_COLUMN_DURATION:
      {
        Number n;

        if (!value_number (v, FALSE, &n))
          return expected (ctx, _("a duration in nanoseconds"), v);
        return value_int64 (ctx, v, &e->ns);
      }

    case TILEBOX_COLUMN_UUID:
      return value_uuid (ctx, v, e->uuid);

    case TILEBOX_COLUMN_GEOMETRY:
      return value_geometry (ctx, v, e);

    case TILEBOX_COLUMN_VEC3:
    case TILEBOX_COLUMN_QUATERNION:
    case TILEBOX_COLUMN_LATLON:
    case TILEBOX_COLUMN_LATLONALT:
      return value_doubles (ctx, fp, v, e->doubles);

    default:
      g_assert_not_reached ();
    }
}

/* --- messages ---------------------------------------------------------------- */

static gboolean
encode_field (Ctx             *ctx,
              const FieldPlan *fp,
              const Value     *v,
              GByteArray      *out)
{
  g_autoptr(GByteArray) packed = NULL;
  guint n;

  if (!fp->repeated)
    {
      Element e = { 0 };
      gboolean ok = value_element (ctx, fp, v, &e);

      if (ok)
        write_element (ctx, fp, &e, out, NULL);
      element_clear (&e);
      return ok;
    }

  if (!value_is_sequence (v, FALSE))
    return expected (ctx, _("an array"), v);

  n = value_n_elements (v);
  if (fp->packed && n > 0)
    packed = g_byte_array_new ();
  for (guint i = 0; i < n; i++)
    {
      Value element = { NULL, NULL };
      Element e = { 0 };
      gsize len = path_push_index (ctx, i);
      gboolean ok;

      if (value_element_at (v, i, &element))
        ok = value_element (ctx, fp, &element, &e);
      else
        ok = fail (ctx, _("the value is missing"));
      if (ok)
        write_element (ctx, fp, &e, out, packed);
      element_clear (&e);
      value_clear (&element);
      if (!ok)
        return FALSE;
      path_pop (ctx, len);
    }
  if (packed != NULL)
    _tilebox_pb_write_bytes (out, (guint32) fp->field->number, packed->data, packed->len);
  return TRUE;
}

/* Two fields of one oneof set: an error. */
static gboolean
check_oneofs (Ctx         *ctx,
              const Plan  *plan,
              const Value *slots)
{
  for (guint i = 0; i < plan->n_fields; i++)
    {
      const TileboxDescField *a = plan->fields[i].field;

      if (a->oneof_index < 0 || !value_present (&slots[i]))
        continue;
      for (guint j = i + 1; j < plan->n_fields; j++)
        {
          const TileboxDescField *b = plan->fields[j].field;
          const char *oneof;

          if (b->oneof_index != a->oneof_index || !value_present (&slots[j]))
            continue;
          oneof = (guint) a->oneof_index < plan->message->oneofs->len
                    ? g_ptr_array_index (plan->message->oneofs, a->oneof_index)
                    : "?";
          return fail (ctx, _("%s and %s are both set, but only one field of the oneof %s may be"),
                       a->name, b->name, oneof);
        }
    }
  return TRUE;
}

/* Writes the values in `slots` (one per field of `plan`, in its order). */
static gboolean
encode_slots (Ctx         *ctx,
              const Plan  *plan,
              const Value *slots,
              GByteArray  *out)
{
  if (plan->has_oneofs && !check_oneofs (ctx, plan, slots))
    return FALSE;

  for (guint i = 0; i < plan->n_fields; i++)
    {
      const FieldPlan *fp = &plan->fields[i];
      gsize len;

      if (!value_present (&slots[i]))
        continue;
      len = path_push_name (ctx, fp->field->name);
      if (!encode_field (ctx, fp, &slots[i], out))
        return FALSE;
      path_pop (ctx, len);
    }
  return TRUE;
}

/* The server's own fields of a datapoint, skipped at the top level. */
static gboolean
is_server_field (const char *name)
{
  return strcmp (name, "id") == 0 || strcmp (name, "ingestion_time") == 0;
}

/* The field a key names; NULL in *fp (and TRUE) for a skipped key. */
static gboolean
lookup_key (Ctx              *ctx,
            const Plan       *plan,
            const char       *key,
            gboolean          top,
            const FieldPlan **fp)
{
  *fp = NULL;
  if (top && is_server_field (key))
    return TRUE;
  *fp = g_hash_table_lookup (plan->by_name, key);
  if (*fp == NULL)
    return fail (ctx, _("unknown field “%s”: %s has no field of that name"),
                 key, plan->message->full_name);
  return TRUE;
}

/* Sorts the members of an object into slots; unknown keys fail. */
static gboolean
collect_members (Ctx         *ctx,
                 const Plan  *plan,
                 const Value *object,
                 gboolean     top,
                 Value       *slots)
{
  Value member = { NULL, NULL };
  MemberIter iter;
  const char *key;
  gboolean ok = TRUE;

  member_iter_init (&iter, object);
  while (ok && member_iter_next (&iter, &key, &member))
    {
      const FieldPlan *fp;

      if (!lookup_key (ctx, plan, key, top, &fp))
        {
          ok = FALSE;
        }
      else if (fp == NULL || !value_present (&member))
        {
          continue;
        }
      else if (value_present (&slots[fp->slot]))
        {
          /* a GVariant dictionary may have a key twice, a JSON object not */
          path_push_name (ctx, key);
          ok = fail (ctx, _("the field is given twice"));
        }
      else
        {
          slots[fp->slot] = member;
          member.json = NULL;
          member.variant = NULL;
        }
    }
  value_clear (&member);
  member_iter_clear (&iter);
  return ok;
}

static gboolean
encode_object (Ctx         *ctx,
               const Plan  *plan,
               const Value *object,
               gboolean     top,
               GByteArray  *out)
{
  g_autofree Value *slots = g_new0 (Value, plan->n_fields);
  gboolean ok;

  ok = collect_members (ctx, plan, object, top, slots) &&
       encode_slots (ctx, plan, slots, out);
  for (guint i = 0; i < plan->n_fields; i++)
    value_clear (&slots[i]);
  return ok;
}

/* --- entry points --------------------------------------------------------------- */

/* Adds the record in `out` to the results and empties `out`. */
static void
take_record (GPtrArray  *results,
             GByteArray *out)
{
  g_ptr_array_add (results, g_bytes_new (out->data, out->len));
  g_byte_array_set_size (out, 0);
}

typedef struct {
  const FieldPlan *fp;             /* NULL: a skipped column */
  JsonArray *values;               /* NULL: all missing */
} JsonColumn;

static GPtrArray *
encode_json_columns (TileboxEncoder *self,
                     JsonObject     *object,
                     GError        **error)
{
  const Plan *plan = self->plan;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GArray) columns = g_array_new (FALSE, TRUE, sizeof (JsonColumn));
  g_autofree Value *slots = NULL;
  const char *first_name = NULL;
  guint n_rows = 0;
  JsonObjectIter iter;
  const char *key;
  JsonNode *node;
  Ctx ctx;
  gboolean ok = TRUE;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &key, &node))
    {
      JsonColumn column = { NULL, NULL };
      guint n;

      if (!is_server_field (key))
        {
          column.fp = g_hash_table_lookup (plan->by_name, key);
          if (column.fp == NULL)
            {
              g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                           _("Unknown field “%s”: %s has no field of that name"),
                           key, plan->message->full_name);
              return NULL;
            }
        }
      if (JSON_NODE_HOLDS_NULL (node))
        continue;
      if (!JSON_NODE_HOLDS_ARRAY (node))
        {
          g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                       _("Column “%s” is not an array: an object of columns holds one array of values per field"),
                       key);
          return NULL;
        }
      column.values = json_node_get_array (node);
      n = json_array_get_length (column.values);
      if (first_name == NULL)
        {
          first_name = key;
          n_rows = n;
        }
      else if (n != n_rows)
        {
          g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                       /* Translators: a column name, its number of values, another
                        * column name and its number of values */
                       g_dngettext (GETTEXT_PACKAGE,
                                    "Column “%s” has %u value, but column “%s” has %u: every column holds one value per record",
                                    "Column “%s” has %u values, but column “%s” has %u: every column holds one value per record",
                                    n),
                       key, n, first_name, n_rows);
          return NULL;
        }
      if (column.fp != NULL)
        g_array_append_val (columns, column);
    }

  results = g_ptr_array_new_full (n_rows, (GDestroyNotify) g_bytes_unref);
  slots = g_new0 (Value, plan->n_fields);
  ctx_init (&ctx, error);
  for (guint row = 0; ok && row < n_rows; row++)
    {
      ctx.record = row;
      for (guint i = 0; i < columns->len; i++)
        {
          JsonColumn *column = &g_array_index (columns, JsonColumn, i);

          value_set_json (&slots[column->fp->slot], json_array_get_element (column->values, row));
        }
      ok = encode_slots (&ctx, plan, slots, out);
      for (guint i = 0; i < plan->n_fields; i++)
        value_clear (&slots[i]);
      if (ok)
        take_record (results, out);
    }
  ctx_clear (&ctx);

  return ok ? g_steal_pointer (&results) : NULL;
}

GPtrArray *
_tilebox_encoder_encode_json (TileboxEncoder *encoder,
                              JsonNode       *records,
                              GError        **error)
{
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GByteArray) out = NULL;
  JsonArray *array;
  guint n;
  Ctx ctx;
  gboolean ok = TRUE;

  g_return_val_if_fail (encoder != NULL, NULL);
  g_return_val_if_fail (records != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (JSON_NODE_HOLDS_OBJECT (records))
    return encode_json_columns (encoder, json_node_get_object (records), error);

  if (!JSON_NODE_HOLDS_ARRAY (records))
    {
      Value v = { records, NULL };
      g_autofree char *shown = value_describe (&v);

      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                   _("Expected an array of records or an object of columns, got %s"), shown);
      return NULL;
    }

  array = json_node_get_array (records);
  n = json_array_get_length (array);
  results = g_ptr_array_new_full (n, (GDestroyNotify) g_bytes_unref);
  out = g_byte_array_new ();
  ctx_init (&ctx, error);
  for (guint i = 0; ok && i < n; i++)
    {
      Value record = { json_array_get_element (array, i), NULL };

      ctx.record = i;
      if (!JSON_NODE_HOLDS_OBJECT (record.json))
        ok = expected (&ctx, _("an object"), &record);
      else
        ok = encode_object (&ctx, encoder->plan, &record, TRUE, out);
      if (ok)
        take_record (results, out);
    }
  ctx_clear (&ctx);

  return ok ? g_steal_pointer (&results) : NULL;
}

GPtrArray *
_tilebox_encoder_encode_variant (TileboxEncoder *encoder,
                                 GVariant       *records,
                                 GError        **error)
{
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GByteArray) out = NULL;
  gsize n;
  Ctx ctx;
  gboolean ok = TRUE;

  g_return_val_if_fail (encoder != NULL, NULL);
  g_return_val_if_fail (records != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_variant_is_of_type (records, G_VARIANT_TYPE ("aa{sv}")))
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                   _("Expected records of type aa{sv}, got type %s"),
                   g_variant_get_type_string (records));
      return NULL;
    }

  n = g_variant_n_children (records);
  results = g_ptr_array_new_full ((guint) n, (GDestroyNotify) g_bytes_unref);
  out = g_byte_array_new ();
  ctx_init (&ctx, error);
  for (gsize i = 0; ok && i < n; i++)
    {
      Value record = { NULL, g_variant_get_child_value (records, i) };

      ctx.record = (guint) i;
      ok = encode_object (&ctx, encoder->plan, &record, TRUE, out);
      value_clear (&record);
      if (ok)
        take_record (results, out);
    }
  ctx_clear (&ctx);

  return ok ? g_steal_pointer (&results) : NULL;
}

/* Element `index` of a column, as the wire needs it. */
static gboolean
column_element (Ctx                 *ctx,
                const FieldPlan     *fp,
                const TileboxColumn *column,
                guint64              index,
                Element             *e)
{
  TileboxDescType type = fp->field->type;
  const guint8 *p;

  switch (fp->kind)
    {
    case TILEBOX_COLUMN_STRING:
    case TILEBOX_COLUMN_BYTES:
      e->data = _tilebox_column_bytes (column, index, &e->len);
      return TRUE;
    case TILEBOX_COLUMN_GEOMETRY:
      {
        g_autoptr(GError) error = NULL;
        GBytes *wkb;

        p = _tilebox_column_bytes (column, index, &e->len);
        if (e->len == 0)
          return TRUE; /* a Geometry without WKB, as it came */
        /* Checked, but written as loaded: an SRID stays, and so does the
         * datapoint's id, which the service derives from these bytes. */
        wkb = _tilebox_wkb_normalize (p, e->len, &error);
        if (wkb == NULL)
          return fail (ctx, "%s", error->message);
        g_bytes_unref (wkb);
        e->data = p;
        return TRUE;
      }
    default:
      break;
    }

  p = _tilebox_column_element (column, index);
  switch (fp->kind)
    {
    case TILEBOX_COLUMN_DOUBLE:
    case TILEBOX_COLUMN_INT64:
    case TILEBOX_COLUMN_UINT64:
      memcpy (&e->word, p, 8);
      if (fp->kind == TILEBOX_COLUMN_INT64)
        e->word = word_from_signed (type, (gint64) e->word);
      break;
    case TILEBOX_COLUMN_FLOAT:
    case TILEBOX_COLUMN_UINT32:
      {
        guint32 v;

        memcpy (&v, p, sizeof v);
        e->word = v;
      }
      break;
    case TILEBOX_COLUMN_INT32:
    case TILEBOX_COLUMN_ENUM:
      {
        gint32 v;

        memcpy (&v, p, sizeof v);
        e->word = word_from_signed (type, v);
      }
      break;
    case TILEBOX_COLUMN_BOOL:
      e->word = *p != 0;
      break;
    case TILEBOX_COLUMN_TIMESTAMP:
    case TILEBOX_COLUMN_DURATION:
      memcpy (&e->ns, p, sizeof e->ns);
      break;
    case TILEBOX_COLUMN_UUID:
      memcpy (e->uuid, p, 16);
      break;
    case TILEBOX_COLUMN_VEC3:
    case TILEBOX_COLUMN_QUATERNION:
    case TILEBOX_COLUMN_LATLON:
    case TILEBOX_COLUMN_LATLONALT:
      memcpy (e->doubles, p, n_doubles (fp->kind) * sizeof (double));
      break;
    default:
      g_assert_not_reached ();
    }
  return TRUE;
}

GPtrArray *
_tilebox_encoder_encode_columns (TileboxEncoder       *encoder,
                                 const TileboxColumns *columns,
                                 GError              **error)
{
  const Plan *plan;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GByteArray) out = NULL;
  g_autoptr(GByteArray) packed = NULL;
  g_autofree const TileboxColumn **by_slot = NULL;
  Ctx ctx;
  gboolean ok = TRUE;

  g_return_val_if_fail (encoder != NULL, NULL);
  g_return_val_if_fail (columns != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  plan = encoder->plan;
  if (strcmp (columns->message->full_name, plan->message->full_name) != 0)
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                   _("The datapoints are of type %s, not %s"),
                   columns->message->full_name, plan->message->full_name);
      return NULL;
    }

  /* the columns' fields must be the plan's (they may come from another
   * pool, with another version of the type) */
  by_slot = g_new0 (const TileboxColumn *, plan->n_fields);
  for (guint i = 0; i < columns->columns->len; i++)
    {
      const TileboxColumn *column = g_ptr_array_index (columns->columns, i);
      const FieldPlan *fp = g_hash_table_lookup (plan->by_name, column->field->name);

      if (is_server_field (column->field->name))
        continue;
      if (fp == NULL || fp->field->number != column->field->number ||
          fp->field->type != column->field->type || fp->kind != column->kind ||
          fp->repeated != column->repeated)
        {
          g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                       _("The field %s of the datapoints does not match the type %s"),
                       column->field->name, plan->message->full_name);
          return NULL;
        }
      by_slot[fp->slot] = column;
    }

  results = g_ptr_array_new_full (columns->n_rows, (GDestroyNotify) g_bytes_unref);
  out = g_byte_array_new ();
  packed = g_byte_array_new ();
  ctx_init (&ctx, error);
  for (guint row = 0; ok && row < columns->n_rows; row++)
    {
      ctx.record = row;
      for (guint i = 0; ok && i < plan->n_fields; i++)
        {
          const FieldPlan *fp = &plan->fields[i];
          const TileboxColumn *column = by_slot[i];
          guint64 start, end;

          if (column == NULL || !column->present->data[row])
            continue;
          _tilebox_column_row_range (column, row, &start, &end);
          g_byte_array_set_size (packed, 0);
          for (guint64 index = start; ok && index < end; index++)
            {
              Element e = { 0 };

              /* only geometries can fail: the path is made for them alone */
              if (fp->kind == TILEBOX_COLUMN_GEOMETRY)
                {
                  path_push_name (&ctx, fp->field->name);
                  if (fp->repeated)
                    path_push_index (&ctx, (guint) (index - start));
                }
              ok = column_element (&ctx, fp, column, index, &e);
              path_pop (&ctx, 0);
              if (ok)
                write_element (&ctx, fp, &e, out, fp->packed ? packed : NULL);
              element_clear (&e);
            }
          if (ok && fp->packed && packed->len > 0)
            _tilebox_pb_write_bytes (out, (guint32) fp->field->number, packed->data, packed->len);
        }
      if (ok)
        take_record (results, out);
    }
  ctx_clear (&ctx);

  return ok ? g_steal_pointer (&results) : NULL;
}
