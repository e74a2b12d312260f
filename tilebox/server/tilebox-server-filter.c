/* tilebox-server-filter.c: the filters of a Query, evaluated by the local server
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A request's filters are compiled once: each field an expression or the
 * spatial filter reads becomes a slot (number, type, presence), each
 * expression a tree of nodes holding a slot index and a literal already
 * in the form it is compared in. Matching a datapoint reads the message's
 * top-level fields once, keeping the last occurrence of each slot's field,
 * then evaluates the trees and, when they all hold, the GEOS predicate.
 */

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#define GEOS_USE_ONLY_R_API
#include <geos_c.h>

#include "tilebox-error.h"
#include "tilebox-descriptor-private.h"
#include "tilebox-server-filter-private.h"
#include "tilebox-pb-private.h"
#include "tilebox-util-private.h"

#define TIMESTAMP_TYPE "google.protobuf.Timestamp"
#define DURATION_TYPE "google.protobuf.Duration"
#define UUID_TYPE "datasets.v1.UUID"
#define GEOMETRY_TYPE "datasets.v1.Geometry"

#define NANOS_PER_SECOND G_GINT64_CONSTANT (1000000000)

/* datasets.v1.SpatialFilter: mode and coordinate_system */
enum {
  SPATIAL_MODE_UNSPECIFIED = 0,
  SPATIAL_MODE_INTERSECTS = 1,
  SPATIAL_MODE_CONTAINS = 2,
};

enum {
  COORDINATES_UNSPECIFIED = 0,
  COORDINATES_CARTESIAN = 1,
  COORDINATES_SPHERICAL = 2,
};

/* FilterExpression.Comparison.op */
enum {
  OP_EQ = 1,
  OP_NE = 2,
  OP_LT = 3,
  OP_LE = 4,
  OP_GT = 5,
  OP_GE = 6,
};

/* --- the GEOS context ------------------------------------------------------- */

struct _TileboxServerFilterContext {
  GEOSContextHandle_t geos;
  char *last_error; /* the message of GEOS's last error, until taken */
};

static void
geos_error_cb (const char *message,
               void       *user_data)
{
  TileboxServerFilterContext *context = user_data;

  g_free (context->last_error);
  context->last_error = g_strdup (message);
}

TileboxServerFilterContext *
_tilebox_server_filter_context_new (void)
{
  TileboxServerFilterContext *context = g_new0 (TileboxServerFilterContext, 1);

  context->geos = GEOS_init_r ();
  GEOSContext_setErrorMessageHandler_r (context->geos, geos_error_cb, context);
  return context;
}

void
_tilebox_server_filter_context_free (TileboxServerFilterContext *context)
{
  if (context == NULL)
    return;
  GEOS_finish_r (context->geos);
  g_free (context->last_error);
  g_free (context);
}

/* What GEOS said about its last failure (GEOS messages are English). */
static char *
take_geos_error (TileboxServerFilterContext *context)
{
  if (context->last_error == NULL)
    return g_strdup (_("no reason given"));
  return g_steal_pointer (&context->last_error);
}

/* --- values ----------------------------------------------------------------- */

/* How a field's value is read and compared. */
typedef enum {
  FIELD_NONE,      /* cannot be filtered */
  FIELD_DOUBLE,    /* double, float: as the double it is */
  FIELD_INT,       /* int32, int64, sint32, sint64, sfixed32, sfixed64 */
  FIELD_UINT,      /* uint32, uint64, fixed32, fixed64 */
  FIELD_BOOL,
  FIELD_ENUM,      /* the number */
  FIELD_STRING,
  FIELD_BYTES,
  FIELD_TIMESTAMP, /* (seconds, nanos) */
  FIELD_DURATION,  /* (seconds, nanos) */
  FIELD_UUID,      /* its bytes */
  FIELD_GEOMETRY,  /* its WKB: only for the spatial filter */
} FieldKind;

/* A number exactly as given: compared across kinds without rounding. */
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

/* The result of comparing two values: -1, 0 or 1, or unordered (NaN). */
#define UNORDERED 2

static int
compare_int_uint (gint64  i,
                  guint64 u)
{
  if (i < 0)
    return -1;
  return (guint64) i < u ? -1 : (guint64) i > u;
}

static int
compare_double_int (double d,
                    gint64 i)
{
  gint64 t;

  if (isnan (d))
    return UNORDERED;
  if (d < -9223372036854775808.0)
    return -1;
  if (d >= 9223372036854775808.0)
    return 1;
  /* d lies in [t, t + 1) or (t - 1, t]; t is exact as a double either
   * because d is small or because d is a whole number already */
  t = (gint64) d;
  if (t != i)
    return t < i ? -1 : 1;
  return d < (double) t ? -1 : d > (double) t;
}

static int
compare_double_uint (double  d,
                     guint64 u)
{
  guint64 t;

  if (isnan (d))
    return UNORDERED;
  if (d < 0.0)
    return -1;
  if (d >= 18446744073709551616.0)
    return 1;
  t = (guint64) d;
  if (t != u)
    return t < u ? -1 : 1;
  return d < (double) t ? -1 : d > (double) t;
}

static int
negate_order (int c)
{
  return c == UNORDERED ? UNORDERED : -c;
}

static int
compare_numbers (const Number *a,
                 const Number *b)
{
  switch (a->kind)
    {
    case NUMBER_INT:
      if (b->kind == NUMBER_INT)
        return a->i < b->i ? -1 : a->i > b->i;
      if (b->kind == NUMBER_UINT)
        return compare_int_uint (a->i, b->u);
      return negate_order (compare_double_int (b->d, a->i));
    case NUMBER_UINT:
      if (b->kind == NUMBER_INT)
        return -compare_int_uint (b->i, a->u);
      if (b->kind == NUMBER_UINT)
        return a->u < b->u ? -1 : a->u > b->u;
      return negate_order (compare_double_uint (b->d, a->u));
    case NUMBER_DOUBLE:
    default:
      if (b->kind == NUMBER_INT)
        return compare_double_int (a->d, b->i);
      if (b->kind == NUMBER_UINT)
        return compare_double_uint (a->d, b->u);
      if (isnan (a->d) || isnan (b->d))
        return UNORDERED;
      return a->d < b->d ? -1 : a->d > b->d;
    }
}

static int
compare_bytes (const guint8 *a,
               gsize         a_len,
               const guint8 *b,
               gsize         b_len)
{
  int c = a_len > 0 && b_len > 0 ? memcmp (a, b, MIN (a_len, b_len)) : 0;

  if (c != 0)
    return c < 0 ? -1 : 1;
  return a_len < b_len ? -1 : a_len > b_len;
}

/* Seconds and nanoseconds with the nanoseconds in [0, 10^9): a Duration's
 * nanos share the sign of its seconds, and a stored Timestamp may be
 * denormalized. Saturates instead of overflowing. */
typedef struct {
  gint64 seconds;
  gint64 nanos;
} Instant;

static Instant
instant_normalize (gint64 seconds,
                   gint64 nanos)
{
  Instant out;
  gint64 carry = nanos / NANOS_PER_SECOND;

  nanos %= NANOS_PER_SECOND;
  if (nanos < 0)
    {
      nanos += NANOS_PER_SECOND;
      carry--;
    }
  if (carry > 0 && seconds > G_MAXINT64 - carry)
    seconds = G_MAXINT64;
  else if (carry < 0 && seconds < G_MININT64 - carry)
    seconds = G_MININT64;
  else
    seconds += carry;
  out.seconds = seconds;
  out.nanos = nanos;
  return out;
}

static int
compare_instants (const Instant *a,
                  const Instant *b)
{
  if (a->seconds != b->seconds)
    return a->seconds < b->seconds ? -1 : 1;
  return a->nanos < b->nanos ? -1 : a->nanos > b->nanos;
}

/* --- the compiled filter ------------------------------------------------------ */

/* A top-level field the filter reads. */
typedef struct {
  char *name;
  char *type_name;  /* for messages: "double", "enum datasets.v1.ProcessingLevel", ... */
  guint32 number;
  TileboxDescType type;
  FieldKind kind;
  gboolean explicit_presence;
  gint oneof_index; /* -1: in no oneof */
} Slot;

/* A slot's value in the datapoint at hand. */
typedef struct {
  gboolean present;
  guint64 bits;       /* varint and fixed values as on the wire */
  const guint8 *data; /* string, bytes; UUID and Geometry: their bytes */
  gsize len;
  gint64 seconds;     /* Timestamp, Duration */
  gint64 nanos;
} Value;

/* A literal in the form it is compared in. */
typedef struct {
  Number number;      /* numbers, enums */
  gboolean b;         /* bool */
  GBytes *bytes;      /* string (without its NUL), bytes, UUID */
  Instant instant;    /* Timestamp; Duration (from nanoseconds) */
} Literal;

typedef struct _Node Node;

struct _Node {
  TileboxPbExpressionKind kind;
  guint slot;         /* COMPARISON, IS_NULL */
  gint op;            /* COMPARISON */
  Literal value;      /* COMPARISON */
  GPtrArray *children; /* AND, OR, NOT: Node* */
};

/* A field of the datapoint's message that belongs to a oneof. */
typedef struct {
  guint32 number;
  guint oneof;
} OneofMember;

struct _TileboxServerFilter {
  TileboxServerFilterContext *context;
  GArray *slots;           /* Slot, in the order the filter met them */
  GArray *slot_order;      /* guint slot indexes sorted by field number */
  GPtrArray *expressions;  /* Node*, the top-level ones */

  /* oneofs, when a slot is in one */
  GArray *oneof_members;   /* OneofMember, sorted by number */
  guint n_oneofs;

  /* the spatial filter */
  gboolean spatial;
  gint mode;
  guint geometry_slot;
  GEOSWKBReader *wkb_reader;
  GEOSGeometry *geometry;
  const GEOSPreparedGeometry *prepared;

  /* per datapoint */
  Value *values;           /* one per slot */
  guint32 *oneof_last;     /* per oneof: the number of the member seen last */
};

static void
node_free (gpointer data)
{
  Node *node = data;

  if (node == NULL)
    return;
  g_clear_pointer (&node->value.bytes, g_bytes_unref);
  g_clear_pointer (&node->children, g_ptr_array_unref);
  g_free (node);
}

static void
slot_clear (gpointer data)
{
  Slot *slot = data;

  g_free (slot->name);
  g_free (slot->type_name);
}

void
_tilebox_server_filter_free (TileboxServerFilter *filter)
{
  GEOSContextHandle_t geos;

  if (filter == NULL)
    return;
  geos = filter->context != NULL ? filter->context->geos : NULL;
  if (filter->prepared != NULL)
    GEOSPreparedGeom_destroy_r (geos, filter->prepared);
  if (filter->geometry != NULL)
    GEOSGeom_destroy_r (geos, filter->geometry);
  if (filter->wkb_reader != NULL)
    GEOSWKBReader_destroy_r (geos, filter->wkb_reader);
  g_clear_pointer (&filter->slots, g_array_unref);
  g_clear_pointer (&filter->slot_order, g_array_unref);
  g_clear_pointer (&filter->expressions, g_ptr_array_unref);
  g_clear_pointer (&filter->oneof_members, g_array_unref);
  g_free (filter->values);
  g_free (filter->oneof_last);
  g_free (filter);
}

gboolean
_tilebox_server_filter_matches_all (TileboxServerFilter *filter)
{
  return filter->expressions->len == 0 && !filter->spatial;
}

/* --- checking and compiling --------------------------------------------------- */

static FieldKind
field_kind (const TileboxDescField *field)
{
  if (field->label == TILEBOX_DESC_LABEL_REPEATED)
    return FIELD_NONE;
  switch (field->type)
    {
    case TILEBOX_DESC_TYPE_DOUBLE:
    case TILEBOX_DESC_TYPE_FLOAT:
      return FIELD_DOUBLE;
    case TILEBOX_DESC_TYPE_INT32:
    case TILEBOX_DESC_TYPE_INT64:
    case TILEBOX_DESC_TYPE_SINT32:
    case TILEBOX_DESC_TYPE_SINT64:
    case TILEBOX_DESC_TYPE_SFIXED32:
    case TILEBOX_DESC_TYPE_SFIXED64:
      return FIELD_INT;
    case TILEBOX_DESC_TYPE_UINT32:
    case TILEBOX_DESC_TYPE_UINT64:
    case TILEBOX_DESC_TYPE_FIXED32:
    case TILEBOX_DESC_TYPE_FIXED64:
      return FIELD_UINT;
    case TILEBOX_DESC_TYPE_BOOL:
      return FIELD_BOOL;
    case TILEBOX_DESC_TYPE_ENUM:
      return FIELD_ENUM;
    case TILEBOX_DESC_TYPE_STRING:
      return FIELD_STRING;
    case TILEBOX_DESC_TYPE_BYTES:
      return FIELD_BYTES;
    case TILEBOX_DESC_TYPE_MESSAGE:
      if (g_strcmp0 (field->type_name, TIMESTAMP_TYPE) == 0)
        return FIELD_TIMESTAMP;
      if (g_strcmp0 (field->type_name, DURATION_TYPE) == 0)
        return FIELD_DURATION;
      if (g_strcmp0 (field->type_name, UUID_TYPE) == 0)
        return FIELD_UUID;
      if (g_strcmp0 (field->type_name, GEOMETRY_TYPE) == 0)
        return FIELD_GEOMETRY;
      return FIELD_NONE;
    case TILEBOX_DESC_TYPE_GROUP:
    default:
      return FIELD_NONE;
    }
}

/* "double", "repeated string", "enum datasets.v1.ProcessingLevel", "google.protobuf.Timestamp" */
static char *
describe_field_type (const TileboxDescField *field)
{
  const char *repeated = field->label == TILEBOX_DESC_LABEL_REPEATED ? "repeated " : "";

  if (field->type == TILEBOX_DESC_TYPE_ENUM)
    return g_strdup_printf ("%senum %s", repeated, field->type_name ? field->type_name : "");
  if (field->type == TILEBOX_DESC_TYPE_MESSAGE || field->type == TILEBOX_DESC_TYPE_GROUP)
    return g_strdup_printf ("%s%s", repeated, field->type_name ? field->type_name : "");
  return g_strdup_printf ("%s%s", repeated, _tilebox_desc_type_name (field->type));
}

static const char *
describe_literal (TileboxPbLiteralKind kind)
{
  switch (kind)
    {
    case TILEBOX_PB_LITERAL_BOOL:
      return _("a bool");
    case TILEBOX_PB_LITERAL_INT:
      return _("an int");
    case TILEBOX_PB_LITERAL_UINT:
      return _("a uint");
    case TILEBOX_PB_LITERAL_DOUBLE:
      return _("a double");
    case TILEBOX_PB_LITERAL_STRING:
      return _("a string");
    case TILEBOX_PB_LITERAL_BYTES:
      return _("a bytes");
    case TILEBOX_PB_LITERAL_TIME:
      return _("a time");
    case TILEBOX_PB_LITERAL_NONE:
    default:
      return _("an unknown");
    }
}

static gboolean
invalid (GError    **error,
         const char *format,
         ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError    **error,
         const char *format,
         ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT, format, args));
  va_end (args);
  return FALSE;
}

/* Counts nodes and levels, stopping as soon as either is past its limit. */
static gboolean
within_limits (const TileboxPbExpression *expression,
               guint                      depth,
               guint                     *nodes)
{
  (*nodes)++;
  if (*nodes > TILEBOX_FILTER_MAX_NODES || depth > TILEBOX_FILTER_MAX_DEPTH)
    return FALSE;
  if (expression->operands == NULL ||
      (expression->kind != TILEBOX_PB_EXPRESSION_AND && expression->kind != TILEBOX_PB_EXPRESSION_OR &&
       expression->kind != TILEBOX_PB_EXPRESSION_NOT))
    return TRUE;
  for (guint i = 0; i < expression->operands->len; i++)
    if (!within_limits (g_ptr_array_index (expression->operands, i), depth + 1, nodes))
      return FALSE;
  return TRUE;
}

static gboolean
check_limits (const GPtrArray *expressions,
              GError         **error)
{
  guint nodes = 0;

  if (expressions->len > TILEBOX_FILTER_MAX_EXPRESSIONS)
    return invalid (error, _("A query takes at most %d filter expressions, not %u"),
                    TILEBOX_FILTER_MAX_EXPRESSIONS, expressions->len);
  for (guint i = 0; i < expressions->len; i++)
    {
      if (within_limits (g_ptr_array_index (expressions, i), 1, &nodes))
        continue;
      if (nodes > TILEBOX_FILTER_MAX_NODES)
        return invalid (error, _("The filter expressions have more than %d nodes in all: "
                                 "a query takes at most that many"),
                        TILEBOX_FILTER_MAX_NODES);
      return invalid (error, _("Filter expression %u nests deeper than %d levels"),
                      i + 1, TILEBOX_FILTER_MAX_DEPTH);
    }
  return TRUE;
}

/* The index of the slot of `field`, added when new. */
static guint
add_slot (TileboxServerFilter          *filter,
          const TileboxDescField *field,
          FieldKind               kind)
{
  Slot slot = { 0 };

  for (guint i = 0; i < filter->slots->len; i++)
    if (g_array_index (filter->slots, Slot, i).number == (guint32) field->number)
      return i;
  slot.name = g_strdup (field->name);
  slot.type_name = describe_field_type (field);
  slot.number = (guint32) field->number;
  slot.type = field->type;
  slot.kind = kind;
  /* messages always have presence, whatever the file says */
  slot.explicit_presence = field->explicit_presence || field->type == TILEBOX_DESC_TYPE_MESSAGE;
  slot.oneof_index = field->oneof_index;
  g_array_append_val (filter->slots, slot);
  return filter->slots->len - 1;
}

/* The slot of the field an expression names: a top-level field of the
 * dataset's message, queryable, of a type a filter can compare. */
static gboolean
resolve_field (TileboxServerFilter                *filter,
               const TileboxDescMessage     *message,
               const TileboxPbAnnotatedType *type,
               const char                   *name,
               guint                        *slot,
               GError                      **error)
{
  const TileboxDescField *field = NULL;
  const TileboxPbFieldAnnotation *annotation = NULL;
  g_autofree char *type_name = NULL;
  FieldKind kind;

  if (name == NULL || *name == '\0')
    return invalid (error, _("A filter expression names no field"));
  for (guint i = 0; i < message->fields->len && field == NULL; i++)
    {
      const TileboxDescField *candidate = g_ptr_array_index (message->fields, i);

      if (!g_str_equal (candidate->name, name))
        continue;
      field = candidate;
      /* annotations come in the order of the message's fields */
      if (type->field_annotations != NULL && i < type->field_annotations->len)
        annotation = g_ptr_array_index (type->field_annotations, i);
    }
  if (field == NULL)
    return invalid (error, _("A filter expression names the field “%s”, which the dataset does not have"), name);
  if (annotation == NULL || !annotation->queryable)
    return invalid (error, _("The field “%s” is not queryable"), name);

  kind = field_kind (field);
  if (kind == FIELD_NONE || kind == FIELD_GEOMETRY)
    {
      type_name = describe_field_type (field);
      if (kind == FIELD_GEOMETRY)
        return invalid (error, _("The field “%s” (%s) cannot be compared: "
                                 "filter by geometry with a spatial filter"), name, type_name);
      return invalid (error, _("The field “%s” (%s) cannot be filtered on"), name, type_name);
    }
  *slot = add_slot (filter, field, kind);
  return TRUE;
}

static Number
number_from_literal (const TileboxPbLiteral *literal)
{
  Number number = { 0 };

  switch (literal->kind)
    {
    case TILEBOX_PB_LITERAL_UINT:
      number.kind = NUMBER_UINT;
      number.u = literal->u;
      break;
    case TILEBOX_PB_LITERAL_DOUBLE:
      number.kind = NUMBER_DOUBLE;
      number.d = literal->d;
      break;
    case TILEBOX_PB_LITERAL_INT:
    default:
      number.kind = NUMBER_INT;
      number.i = literal->i;
      break;
    }
  return number;
}

/* Checks that the literal and the operator of a comparison suit its field
 * and keeps the literal in the form it is compared in. */
static gboolean
compile_comparison (TileboxServerFilter             *filter,
                    const TileboxPbExpression *expression,
                    Node                      *node,
                    GError                   **error)
{
  const Slot *slot = &g_array_index (filter->slots, Slot, node->slot);
  const TileboxPbLiteral *literal = &expression->value;
  TileboxPbLiteralKind given = literal->kind;
  gboolean fits = FALSE;
  gboolean equality_only = FALSE;
  const char *wanted = NULL;

  if (expression->op == 0)
    return invalid (error, _("The comparison of the field “%s” has no operator"), slot->name);
  if (expression->op < OP_EQ || expression->op > OP_GE)
    return invalid (error, _("The comparison of the field “%s” has an unknown operator %d"),
                    slot->name, expression->op);
  if (given == TILEBOX_PB_LITERAL_NONE)
    return invalid (error, _("The comparison of the field “%s” has no value"), slot->name);

  switch (slot->kind)
    {
    case FIELD_DOUBLE:
    case FIELD_INT:
    case FIELD_UINT:
      fits = given == TILEBOX_PB_LITERAL_INT || given == TILEBOX_PB_LITERAL_UINT ||
             given == TILEBOX_PB_LITERAL_DOUBLE;
      wanted = _("an int, uint or double");
      if (fits)
        node->value.number = number_from_literal (literal);
      break;
    case FIELD_BOOL:
      fits = given == TILEBOX_PB_LITERAL_BOOL;
      wanted = _("a bool");
      equality_only = TRUE;
      node->value.b = literal->b;
      break;
    case FIELD_ENUM:
      fits = given == TILEBOX_PB_LITERAL_INT;
      wanted = _("an int, the number of the enum value");
      equality_only = TRUE;
      node->value.number = number_from_literal (literal);
      break;
    case FIELD_STRING:
      fits = given == TILEBOX_PB_LITERAL_STRING;
      wanted = _("a string");
      if (fits)
        node->value.bytes = g_bytes_new (literal->s, strlen (literal->s));
      break;
    case FIELD_BYTES:
    case FIELD_UUID:
      fits = given == TILEBOX_PB_LITERAL_BYTES;
      wanted = slot->kind == FIELD_UUID ? _("16 bytes") : _("bytes");
      equality_only = TRUE;
      if (fits)
        node->value.bytes = g_bytes_ref (literal->bytes);
      break;
    case FIELD_TIMESTAMP:
      fits = given == TILEBOX_PB_LITERAL_TIME;
      wanted = _("a time");
      node->value.instant = instant_normalize (literal->time.seconds, literal->time.nanos);
      break;
    case FIELD_DURATION:
      fits = given == TILEBOX_PB_LITERAL_INT;
      wanted = _("an int, in nanoseconds");
      node->value.instant = instant_normalize (0, literal->i);
      break;
    case FIELD_GEOMETRY:
    case FIELD_NONE:
    default:
      g_assert_not_reached ();
    }

  if (!fits)
    return invalid (error, _("The field “%s” (%s) cannot be compared with %s literal: it takes %s"),
                    slot->name, slot->type_name, describe_literal (given), wanted);
  if (equality_only && expression->op != OP_EQ && expression->op != OP_NE)
    return invalid (error, _("The field “%s” (%s) can only be compared with = or !="),
                    slot->name, slot->type_name);
  if (slot->kind == FIELD_UUID && g_bytes_get_size (literal->bytes) != 16)
    return invalid (error, _("The field “%s” (%s) is compared with 16 bytes, not %lu"),
                    slot->name, slot->type_name, (gulong) g_bytes_get_size (literal->bytes));
  node->op = expression->op;
  return TRUE;
}

static Node *
compile_node (TileboxServerFilter                *filter,
              const TileboxDescMessage     *message,
              const TileboxPbAnnotatedType *type,
              const TileboxPbExpression    *expression,
              GError                      **error)
{
  g_autoptr(GPtrArray) children = NULL;
  Node *node = g_new0 (Node, 1);
  guint n_operands = expression->operands != NULL ? expression->operands->len : 0;

  node->kind = expression->kind;
  switch (expression->kind)
    {
    case TILEBOX_PB_EXPRESSION_COMPARISON:
      if (!resolve_field (filter, message, type, expression->field, &node->slot, error) ||
          !compile_comparison (filter, expression, node, error))
        goto fail;
      return node;

    case TILEBOX_PB_EXPRESSION_IS_NULL:
      if (!resolve_field (filter, message, type, expression->field, &node->slot, error))
        goto fail;
      return node;

    case TILEBOX_PB_EXPRESSION_AND:
    case TILEBOX_PB_EXPRESSION_OR:
      if (n_operands == 0)
        {
          invalid (error, expression->kind == TILEBOX_PB_EXPRESSION_AND ? _("An AND expression has no operands")
                                                                        : _("An OR expression has no operands"));
          goto fail;
        }
      break;

    case TILEBOX_PB_EXPRESSION_NOT:
      /* on the wire, NOT of nothing is NOT of an empty expression */
      if (n_operands == 0 ||
          ((const TileboxPbExpression *) g_ptr_array_index (expression->operands, 0))->kind ==
          TILEBOX_PB_EXPRESSION_NONE)
        {
          invalid (error, _("A NOT expression has no operand"));
          goto fail;
        }
      if (n_operands > 1)
        {
          invalid (error, _("A NOT expression has more than one operand"));
          goto fail;
        }
      break;

    case TILEBOX_PB_EXPRESSION_NONE:
    default:
      invalid (error, _("A filter expression is empty: it is neither a comparison, IS NULL, AND, OR nor NOT"));
      goto fail;
    }

  children = g_ptr_array_new_full (n_operands, node_free);
  for (guint i = 0; i < n_operands; i++)
    {
      Node *child = compile_node (filter, message, type, g_ptr_array_index (expression->operands, i), error);

      if (child == NULL)
        goto fail;
      g_ptr_array_add (children, child);
    }
  node->children = g_steal_pointer (&children);
  return node;

fail:
  node_free (node);
  return NULL;
}

/* The Geometry field a spatial filter reads: `geometry`, else the first. */
static const TileboxDescField *
find_geometry_field (const TileboxDescMessage *message)
{
  const TileboxDescField *first = NULL;

  for (guint i = 0; i < message->fields->len; i++)
    {
      const TileboxDescField *field = g_ptr_array_index (message->fields, i);

      if (field_kind (field) != FIELD_GEOMETRY)
        continue;
      if (g_str_equal (field->name, "geometry"))
        return field;
      if (first == NULL)
        first = field;
    }
  return first;
}

static gboolean
compile_spatial (TileboxServerFilter                *filter,
                 const TileboxDescMessage     *message,
                 const TileboxPbSpatialFilter *spatial,
                 GError                      **error)
{
  GEOSContextHandle_t geos = filter->context->geos;
  const TileboxDescField *field;
  gsize len = 0;
  const guint8 *wkb;
  char valid;

  if (spatial->geometry_wkb == NULL)
    return invalid (error, _("The spatial filter has no geometry"));
  if (spatial->mode != SPATIAL_MODE_UNSPECIFIED && spatial->mode != SPATIAL_MODE_INTERSECTS &&
      spatial->mode != SPATIAL_MODE_CONTAINS)
    return invalid (error, _("The spatial filter has an unknown mode %d"), spatial->mode);
  if (spatial->coordinate_system != COORDINATES_UNSPECIFIED &&
      spatial->coordinate_system != COORDINATES_CARTESIAN &&
      spatial->coordinate_system != COORDINATES_SPHERICAL)
    return invalid (error, _("The spatial filter has an unknown coordinate system %d"),
                    spatial->coordinate_system);

  field = message != NULL ? find_geometry_field (message) : NULL;
  if (field == NULL)
    return invalid (error, _("The dataset has no geometry field for a spatial filter to test"));

  g_clear_pointer (&filter->context->last_error, g_free);
  filter->wkb_reader = GEOSWKBReader_create_r (geos);
  wkb = g_bytes_get_data (spatial->geometry_wkb, &len);
  filter->geometry = len > 0 ? GEOSWKBReader_read_r (geos, filter->wkb_reader, wkb, len) : NULL;
  if (filter->geometry == NULL)
    {
      g_autofree char *reason = len > 0 ? take_geos_error (filter->context) : g_strdup (_("no bytes"));

      return invalid (error, _("The geometry of the spatial filter is not valid WKB: %s"), reason);
    }
  valid = GEOSisValid_r (geos, filter->geometry);
  if (valid != 1)
    {
      char *geos_reason = valid == 0 ? GEOSisValidReason_r (geos, filter->geometry) : NULL;
      g_autofree char *reason = geos_reason != NULL ? g_strdup (geos_reason) : take_geos_error (filter->context);

      if (geos_reason != NULL)
        GEOSFree_r (geos, geos_reason);
      return invalid (error, _("The geometry of the spatial filter is not valid: %s"), reason);
    }

  if (spatial->coordinate_system == COORDINATES_SPHERICAL)
    {
      g_set_error_literal (error, TILEBOX_ERROR, TILEBOX_ERROR_UNIMPLEMENTED,
                           _("The local server only evaluates cartesian spatial filters: "
                             "spherical coordinates are not implemented"));
      return FALSE;
    }

  filter->prepared = GEOSPrepare_r (geos, filter->geometry);
  if (filter->prepared == NULL)
    {
      g_autofree char *reason = take_geos_error (filter->context);

      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INTERNAL,
                   _("The geometry of the spatial filter could not be prepared: %s"), reason);
      return FALSE;
    }
  filter->spatial = TRUE;
  filter->mode = spatial->mode == SPATIAL_MODE_CONTAINS ? SPATIAL_MODE_CONTAINS : SPATIAL_MODE_INTERSECTS;
  filter->geometry_slot = add_slot (filter, field, FIELD_GEOMETRY);
  return TRUE;
}

static gint
compare_slot_numbers (gconstpointer a,
                      gconstpointer b,
                      gpointer      user_data)
{
  GArray *slots = user_data;
  guint32 x = g_array_index (slots, Slot, *(const guint *) a).number;
  guint32 y = g_array_index (slots, Slot, *(const guint *) b).number;

  return x < y ? -1 : x > y;
}

static gint
compare_oneof_members (gconstpointer a,
                       gconstpointer b)
{
  guint32 x = ((const OneofMember *) a)->number, y = ((const OneofMember *) b)->number;

  return x < y ? -1 : x > y;
}

/* The lookup tables and scratch space of matching. */
static void
prepare_matching (TileboxServerFilter            *filter,
                  const TileboxDescMessage *message)
{
  gboolean oneofs = FALSE;

  for (guint i = 0; i < filter->slots->len; i++)
    {
      g_array_append_val (filter->slot_order, i);
      if (g_array_index (filter->slots, Slot, i).oneof_index >= 0)
        oneofs = TRUE;
    }
  g_array_sort_with_data (filter->slot_order, compare_slot_numbers, filter->slots);
  filter->values = g_new0 (Value, MAX (filter->slots->len, 1));

  /* a oneof member is absent when another member of it came later, so
   * every member of the message counts, not only the filter's fields */
  if (oneofs)
    {
      for (guint i = 0; i < message->fields->len; i++)
        {
          const TileboxDescField *field = g_ptr_array_index (message->fields, i);
          OneofMember member = { (guint32) field->number, (guint) field->oneof_index };

          if (field->oneof_index < 0)
            continue;
          g_array_append_val (filter->oneof_members, member);
          filter->n_oneofs = MAX (filter->n_oneofs, member.oneof + 1);
        }
      g_array_sort (filter->oneof_members, compare_oneof_members);
    }
  filter->oneof_last = g_new0 (guint32, MAX (filter->n_oneofs, 1));
}

TileboxServerFilter *
_tilebox_server_filter_new (TileboxServerFilterContext         *context,
                            const TileboxPbAnnotatedType *type,
                            const TileboxPbQueryFilters  *filters,
                            GError                      **error)
{
  g_autoptr(TileboxServerFilter) filter = NULL;
  g_autoptr(TileboxDescPool) pool = NULL;
  g_autoptr(GError) local_error = NULL;
  const GPtrArray *expressions = filters != NULL ? filters->expressions : NULL;
  gboolean spatial = filters != NULL && filters->has_spatial_extent;
  const TileboxDescMessage *message = NULL;
  gsize len = 0;
  const guint8 *descriptor;

  g_return_val_if_fail (context != NULL, NULL);

  filter = g_new0 (TileboxServerFilter, 1);
  filter->context = context;
  filter->slots = g_array_new (FALSE, TRUE, sizeof (Slot));
  g_array_set_clear_func (filter->slots, slot_clear);
  filter->slot_order = g_array_new (FALSE, FALSE, sizeof (guint));
  filter->expressions = g_ptr_array_new_with_free_func (node_free);
  filter->oneof_members = g_array_new (FALSE, FALSE, sizeof (OneofMember));

  if ((expressions == NULL || expressions->len == 0) && !spatial)
    return g_steal_pointer (&filter);
  if (expressions != NULL && !check_limits (expressions, error))
    return NULL;

  if (type == NULL || type->descriptor_set == NULL || type->type_url == NULL)
    {
      invalid (error, _("The dataset has no type: its datapoints cannot be filtered"));
      return NULL;
    }
  pool = _tilebox_desc_pool_new ();
  descriptor = g_bytes_get_data (type->descriptor_set, &len);
  if (!_tilebox_desc_pool_add_file_set (pool, descriptor, len, &local_error))
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INTERNAL,
                   _("The type of the dataset cannot be read: %s"), local_error->message);
      return NULL;
    }
  message = _tilebox_desc_pool_lookup_message (pool, type->type_url);
  if (message == NULL)
    {
      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INTERNAL,
                   _("The type of the dataset does not describe its message %s"), type->type_url);
      return NULL;
    }

  for (guint i = 0; expressions != NULL && i < expressions->len; i++)
    {
      Node *node = compile_node (filter, message, type, g_ptr_array_index (expressions, i), error);

      if (node == NULL)
        return NULL;
      g_ptr_array_add (filter->expressions, node);
    }
  if (spatial && !compile_spatial (filter, message, &filters->spatial_extent, error))
    return NULL;

  prepare_matching (filter, message);
  return g_steal_pointer (&filter);
}

/* --- matching ----------------------------------------------------------------- */

static const Slot *
find_slot (TileboxServerFilter *filter,
           guint32        number,
           Value        **value)
{
  guint lo = 0, hi = filter->slot_order->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      guint index = g_array_index (filter->slot_order, guint, mid);
      const Slot *slot = &g_array_index (filter->slots, Slot, index);

      if (slot->number == number)
        {
          *value = &filter->values[index];
          return slot;
        }
      if (slot->number < number)
        lo = mid + 1;
      else
        hi = mid;
    }
  return NULL;
}

static void
note_oneof_member (TileboxServerFilter *filter,
                   guint32        number)
{
  OneofMember key = { number, 0 };
  const OneofMember *member = bsearch (&key, filter->oneof_members->data, filter->oneof_members->len,
                                       sizeof (OneofMember), compare_oneof_members);

  if (member != NULL)
    filter->oneof_last[member->oneof] = number;
}

static gboolean
wrong_wire_type (const char       *field,
                 TileboxPbWireType got,
                 GError          **error)
{
  g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL,
               _("field %s has the wrong wire type %d"), field, (int) got);
  return FALSE;
}

/* Merges one occurrence of a Timestamp, Duration, UUID or Geometry into
 * value: a field of it given again replaces what came before. */
static gboolean
read_submessage (const Slot      *slot,
                 Value           *value,
                 TileboxPbReader *reader,
                 GError         **error)
{
  TileboxPbReader sub;
  gboolean instant = slot->kind == FIELD_TIMESTAMP || slot->kind == FIELD_DURATION;
  int rc;

  if (!_tilebox_pb_read_message (reader, &sub, error))
    return FALSE;
  while ((rc = _tilebox_pb_reader_next (&sub, error)) > 0)
    {
      guint64 v;
      gboolean ok;

      if (instant && (sub.field == 1 || sub.field == 2))
        {
          if (sub.wire_type != TILEBOX_PB_WIRE_VARINT)
            return wrong_wire_type (slot->name, sub.wire_type, error);
          ok = _tilebox_pb_read_varint (&sub, &v, error);
          if (sub.field == 1)
            value->seconds = (gint64) v;
          else
            value->nanos = (gint32) v;
        }
      else if (!instant && sub.field == 1)
        {
          if (sub.wire_type != TILEBOX_PB_WIRE_LEN)
            return wrong_wire_type (slot->name, sub.wire_type, error);
          ok = _tilebox_pb_read_bytes (&sub, &value->data, &value->len, error);
        }
      else
        {
          ok = _tilebox_pb_skip (&sub, error);
        }
      if (!ok)
        return FALSE;
    }
  return rc == 0;
}

static gboolean
read_value (const Slot      *slot,
            Value           *value,
            TileboxPbReader *reader,
            GError         **error)
{
  guint32 bits32;

  if (reader->wire_type != _tilebox_desc_type_wire_type (slot->type))
    return wrong_wire_type (slot->name, reader->wire_type, error);
  value->present = TRUE;
  switch (reader->wire_type)
    {
    case TILEBOX_PB_WIRE_VARINT:
      return _tilebox_pb_read_varint (reader, &value->bits, error);
    case TILEBOX_PB_WIRE_FIXED64:
      return _tilebox_pb_read_fixed64 (reader, &value->bits, error);
    case TILEBOX_PB_WIRE_FIXED32:
      if (!_tilebox_pb_read_fixed32 (reader, &bits32, error))
        return FALSE;
      value->bits = bits32;
      return TRUE;
    case TILEBOX_PB_WIRE_LEN:
      if (slot->type == TILEBOX_DESC_TYPE_MESSAGE)
        return read_submessage (slot, value, reader, error);
      return _tilebox_pb_read_bytes (reader, &value->data, &value->len, error);
    case TILEBOX_PB_WIRE_SGROUP:
    case TILEBOX_PB_WIRE_EGROUP:
    default:
      g_assert_not_reached ();
    }
}

/* Reads the slots' fields of a datapoint into filter->values. */
static gboolean
read_values (TileboxServerFilter *filter,
             const guint8  *data,
             gsize          len,
             GError       **error)
{
  TileboxPbReader reader;
  int rc;

  memset (filter->values, 0, sizeof (Value) * filter->slots->len);
  memset (filter->oneof_last, 0, sizeof (guint32) * MAX (filter->n_oneofs, 1));
  _tilebox_pb_reader_init (&reader, data, len);
  while ((rc = _tilebox_pb_reader_next (&reader, error)) > 0)
    {
      Value *value = NULL;
      const Slot *slot;

      if (filter->n_oneofs > 0)
        note_oneof_member (filter, reader.field);
      slot = find_slot (filter, reader.field, &value);
      if (slot == NULL ? !_tilebox_pb_skip (&reader, error) : !read_value (slot, value, &reader, error))
        return FALSE;
    }
  if (rc < 0)
    return FALSE;

  for (guint i = 0; i < filter->slots->len; i++)
    {
      const Slot *slot = &g_array_index (filter->slots, Slot, i);
      Value *value = &filter->values[i];

      if (!value->present)
        continue;
      if (slot->oneof_index >= 0 && filter->oneof_last[slot->oneof_index] != slot->number)
        value->present = FALSE;
      else if (!slot->explicit_presence)
        value->present = slot->type == TILEBOX_DESC_TYPE_STRING || slot->type == TILEBOX_DESC_TYPE_BYTES
                         ? value->len > 0 : value->bits != 0;
    }
  return TRUE;
}

static Number
number_of_value (const Slot  *slot,
                 const Value *value)
{
  Number number = { 0 };
  double d;
  float f;
  guint32 low = (guint32) value->bits;

  switch (slot->type)
    {
    case TILEBOX_DESC_TYPE_DOUBLE:
      number.kind = NUMBER_DOUBLE;
      memcpy (&d, &value->bits, sizeof d);
      number.d = d;
      break;
    case TILEBOX_DESC_TYPE_FLOAT:
      number.kind = NUMBER_DOUBLE;
      memcpy (&f, &low, sizeof f);
      number.d = f;
      break;
    case TILEBOX_DESC_TYPE_INT64:
    case TILEBOX_DESC_TYPE_SFIXED64:
      number.i = (gint64) value->bits;
      break;
    case TILEBOX_DESC_TYPE_INT32:
    case TILEBOX_DESC_TYPE_SFIXED32:
    case TILEBOX_DESC_TYPE_ENUM:
      number.i = (gint32) low;
      break;
    case TILEBOX_DESC_TYPE_SINT32:
      number.i = (gint32) ((low >> 1) ^ -(low & 1));
      break;
    case TILEBOX_DESC_TYPE_SINT64:
      number.i = _tilebox_pb_zigzag_decode (value->bits);
      break;
    case TILEBOX_DESC_TYPE_UINT32:
    case TILEBOX_DESC_TYPE_FIXED32:
      number.kind = NUMBER_UINT;
      number.u = low;
      break;
    case TILEBOX_DESC_TYPE_UINT64:
    case TILEBOX_DESC_TYPE_FIXED64:
    default:
      number.kind = NUMBER_UINT;
      number.u = value->bits;
      break;
    }
  return number;
}

/* Three-valued logic */
typedef enum {
  TRUTH_FALSE,
  TRUTH_TRUE,
  TRUTH_UNKNOWN,
} Truth;

static Truth
apply_operator (gint op,
                int  order)
{
  if (order == UNORDERED)
    return op == OP_NE ? TRUTH_TRUE : TRUTH_FALSE;
  switch (op)
    {
    case OP_EQ: return order == 0 ? TRUTH_TRUE : TRUTH_FALSE;
    case OP_NE: return order != 0 ? TRUTH_TRUE : TRUTH_FALSE;
    case OP_LT: return order < 0 ? TRUTH_TRUE : TRUTH_FALSE;
    case OP_LE: return order <= 0 ? TRUTH_TRUE : TRUTH_FALSE;
    case OP_GT: return order > 0 ? TRUTH_TRUE : TRUTH_FALSE;
    case OP_GE: return order >= 0 ? TRUTH_TRUE : TRUTH_FALSE;
    default: return TRUTH_FALSE;
    }
}

static Truth
evaluate_comparison (TileboxServerFilter *filter,
                     const Node    *node)
{
  const Slot *slot = &g_array_index (filter->slots, Slot, node->slot);
  const Value *value = &filter->values[node->slot];
  const Literal *literal = &node->value;
  Number number;
  Instant instant;
  gsize len;
  const guint8 *bytes;
  int order;

  if (!value->present)
    return TRUTH_UNKNOWN;
  switch (slot->kind)
    {
    case FIELD_DOUBLE:
    case FIELD_INT:
    case FIELD_UINT:
    case FIELD_ENUM:
      number = number_of_value (slot, value);
      order = compare_numbers (&number, &literal->number);
      break;
    case FIELD_BOOL:
      order = (value->bits != 0) == (literal->b != FALSE) ? 0 : 1;
      break;
    case FIELD_STRING:
    case FIELD_BYTES:
    case FIELD_UUID:
      bytes = g_bytes_get_data (literal->bytes, &len);
      order = compare_bytes (value->data, value->len, bytes, len);
      break;
    case FIELD_TIMESTAMP:
    case FIELD_DURATION:
      instant = instant_normalize (value->seconds, value->nanos);
      order = compare_instants (&instant, &literal->instant);
      break;
    case FIELD_GEOMETRY:
    case FIELD_NONE:
    default:
      g_assert_not_reached ();
    }
  return apply_operator (node->op, order);
}

static Truth
evaluate (TileboxServerFilter *filter,
          const Node    *node)
{
  Truth result, truth;

  switch (node->kind)
    {
    case TILEBOX_PB_EXPRESSION_COMPARISON:
      return evaluate_comparison (filter, node);
    case TILEBOX_PB_EXPRESSION_IS_NULL:
      return filter->values[node->slot].present ? TRUTH_FALSE : TRUTH_TRUE;
    case TILEBOX_PB_EXPRESSION_NOT:
      truth = evaluate (filter, g_ptr_array_index (node->children, 0));
      return truth == TRUTH_UNKNOWN ? TRUTH_UNKNOWN : truth == TRUTH_TRUE ? TRUTH_FALSE : TRUTH_TRUE;
    case TILEBOX_PB_EXPRESSION_AND:
      result = TRUTH_TRUE;
      for (guint i = 0; i < node->children->len; i++)
        {
          truth = evaluate (filter, g_ptr_array_index (node->children, i));
          if (truth == TRUTH_FALSE)
            return TRUTH_FALSE;
          if (truth == TRUTH_UNKNOWN)
            result = TRUTH_UNKNOWN;
        }
      return result;
    case TILEBOX_PB_EXPRESSION_OR:
      result = TRUTH_FALSE;
      for (guint i = 0; i < node->children->len; i++)
        {
          truth = evaluate (filter, g_ptr_array_index (node->children, i));
          if (truth == TRUTH_TRUE)
            return TRUTH_TRUE;
          if (truth == TRUTH_UNKNOWN)
            result = TRUTH_UNKNOWN;
        }
      return result;
    case TILEBOX_PB_EXPRESSION_NONE:
    default:
      g_assert_not_reached ();
    }
}

static gboolean
match_spatial (TileboxServerFilter *filter,
               const guint8   id[16],
               gboolean      *matches,
               GError       **error)
{
  GEOSContextHandle_t geos = filter->context->geos;
  const Value *value = &filter->values[filter->geometry_slot];
  GEOSGeometry *geometry;
  char result;

  /* without a geometry, nothing to intersect or be contained */
  if (!value->present || value->len == 0)
    {
      *matches = FALSE;
      return TRUE;
    }

  g_clear_pointer (&filter->context->last_error, g_free);
  geometry = GEOSWKBReader_read_r (geos, filter->wkb_reader, value->data, value->len);
  if (geometry == NULL)
    {
      g_autofree char *uuid = _tilebox_uuid_to_string (id);
      g_autofree char *reason = take_geos_error (filter->context);

      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_DATA_LOSS,
                   _("The stored datapoint %s has a geometry that is not valid WKB: %s"), uuid, reason);
      return FALSE;
    }
  if (filter->mode == SPATIAL_MODE_CONTAINS)
    result = GEOSPreparedContains_r (geos, filter->prepared, geometry);
  else
    result = GEOSPreparedIntersects_r (geos, filter->prepared, geometry);
  GEOSGeom_destroy_r (geos, geometry);
  if (result != 0 && result != 1)
    {
      g_autofree char *uuid = _tilebox_uuid_to_string (id);
      g_autofree char *reason = take_geos_error (filter->context);

      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INTERNAL,
                   _("The spatial filter could not be tested on the datapoint %s: %s"), uuid, reason);
      return FALSE;
    }
  *matches = result == 1;
  return TRUE;
}

gboolean
_tilebox_server_filter_match (TileboxServerFilter *filter,
                              const guint8   id[16],
                              const guint8  *data,
                              gsize          len,
                              gboolean      *matches,
                              GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  *matches = TRUE;
  if (_tilebox_server_filter_matches_all (filter))
    return TRUE;

  if (!read_values (filter, data, len, &local_error))
    {
      g_autofree char *uuid = _tilebox_uuid_to_string (id);

      g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_DATA_LOSS,
                   _("The stored datapoint %s is damaged: %s"), uuid, local_error->message);
      return FALSE;
    }
  for (guint i = 0; i < filter->expressions->len; i++)
    {
      if (evaluate (filter, g_ptr_array_index (filter->expressions, i)) != TRUTH_TRUE)
        {
          *matches = FALSE;
          return TRUE;
        }
    }
  if (filter->spatial)
    return match_spatial (filter, id, matches, error);
  return TRUE;
}
