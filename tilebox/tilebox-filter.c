/* tilebox-filter.c
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "tilebox-enum-types.h"
#include "tilebox-error.h"
#include "tilebox-filter-private.h"
#include "tilebox-schema-private.h"
#include "tilebox-time-interval-private.h"
#include "tilebox-util-private.h"
#include "tilebox-descriptor-private.h"

/**
 * TileboxFilter:
 *
 * A condition on the fields of datapoints, evaluated by the service: a
 * field compared with a value, a field that is absent (`IS NULL`), and
 * AND, OR and NOT of those.
 *
 * Filters follow the basic subset of OGC CQL2 with three-valued logic: a
 * comparison with a field that a datapoint does not have is neither true
 * nor false, so `NOT (humidity > 50)` does not select datapoints without a
 * humidity; ask for those with `humidity IS NULL`.
 *
 * Build a filter from text, or node by node:
 *
 * ```c
 * g_autoptr(TileboxFilter) clear_l1c =
 *   tilebox_filter_new_parse ("cloud_cover < 20 AND processing_level = 'L1C'", &error);
 *
 * g_autoptr(TileboxFilter) clear =
 *   tilebox_filter_new_compare ("cloud_cover", TILEBOX_FILTER_OP_LT,
 *                               g_variant_new_double (20));
 * ```
 *
 * and add it to a query with [method@Tilebox.Query.add_filter]. A filter
 * is checked against the dataset's schema when the query is sent: every
 * field must be a queryable top-level field of the dataset (see
 * [property@Tilebox.Field:queryable]) and every value must fit its field:
 *
 * - numbers (any integer or double #GVariant) for numeric fields;
 * - booleans for bool fields, compared with `=` and `<>` only;
 * - strings for string fields;
 * - byte arrays (`ay`) for bytes fields, `=` and `<>` only;
 * - a value name, with or without its type's prefix (`'L1C'` or
 *   `'PROCESSING_LEVEL_L1C'`), or the number, for enum fields, `=` and `<>`
 *   only;
 * - an RFC 3339 string or nanoseconds since the Unix epoch (`x`) for
 *   timestamps;
 * - nanoseconds (`x`) for durations;
 * - a UUID string for UUID fields, `=` and `<>` only.
 *
 * Geometries are filtered with a spatial filter instead, see
 * [method@Tilebox.Query.set_spatial_filter]. A query takes at most 64
 * filters of at most 256 nodes in all, each nested at most 8 deep.
 *
 * Filters are immutable and reference counted.
 */
struct _TileboxFilter
{
  gatomicrefcount ref_count;
  TileboxFilterKind kind;
  TileboxFilterOp op;
  char *field;
  GVariant *value;
  GPtrArray *operands; /* TileboxFilter*, for AND, OR and NOT */
  guint n_nodes;
  guint depth;
};

G_DEFINE_BOXED_TYPE (TileboxFilter, tilebox_filter, tilebox_filter_ref, tilebox_filter_unref)

static TileboxFilter *
filter_new (TileboxFilterKind kind)
{
  TileboxFilter *self = g_new0 (TileboxFilter, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->kind = kind;
  self->n_nodes = 1;
  self->depth = 1;
  return self;
}

static gboolean
op_is_valid (TileboxFilterOp op)
{
  return op >= TILEBOX_FILTER_OP_EQ && op <= TILEBOX_FILTER_OP_GE;
}

/**
 * tilebox_filter_new_compare:
 * @field: the name of a top-level field of the dataset
 * @op: the comparison
 * @value: the value to compare with; a floating reference is sunk
 *
 * Makes a filter that holds for datapoints whose @field compares with
 * @value as @op says. Which values fit which fields is described at
 * [struct@Tilebox.Filter]; the check happens when a query with the filter
 * is sent.
 *
 * Returns: (transfer full): a new filter
 */
TileboxFilter *
tilebox_filter_new_compare (const char      *field,
                            TileboxFilterOp  op,
                            GVariant        *value)
{
  TileboxFilter *self;

  g_return_val_if_fail (field != NULL && *field != '\0', NULL);
  g_return_val_if_fail (op_is_valid (op), NULL);
  g_return_val_if_fail (value != NULL, NULL);

  self = filter_new (TILEBOX_FILTER_KIND_COMPARISON);
  self->field = g_strdup (field);
  self->op = op;
  self->value = g_variant_ref_sink (value);
  return self;
}

/**
 * tilebox_filter_new_is_null:
 * @field: the name of a top-level field of the dataset
 *
 * Makes a filter that holds for datapoints that do not have @field. Its
 * negation, with [ctor@Tilebox.Filter.new_not], selects those that do.
 *
 * Returns: (transfer full): a new filter
 */
TileboxFilter *
tilebox_filter_new_is_null (const char *field)
{
  TileboxFilter *self;

  g_return_val_if_fail (field != NULL && *field != '\0', NULL);

  self = filter_new (TILEBOX_FILTER_KIND_IS_NULL);
  self->field = g_strdup (field);
  return self;
}

static TileboxFilter *
new_logical (TileboxFilterKind   kind,
             TileboxFilter     **operands,
             gsize               n_operands)
{
  TileboxFilter *self = filter_new (kind);

  self->operands = g_ptr_array_new_full (n_operands, (GDestroyNotify) tilebox_filter_unref);
  for (gsize i = 0; i < n_operands; i++)
    {
      TileboxFilter *operand = operands[i];

      g_ptr_array_add (self->operands, tilebox_filter_ref (operand));
      self->n_nodes = MIN (G_MAXUINT - 1, self->n_nodes + operand->n_nodes);
      self->depth = MAX (self->depth, operand->depth + 1);
    }
  return self;
}

static gboolean
operands_are_valid (TileboxFilter **operands,
                    gsize           n_operands)
{
  if (n_operands == 0 || operands == NULL)
    return FALSE;
  for (gsize i = 0; i < n_operands; i++)
    if (operands[i] == NULL)
      return FALSE;
  return TRUE;
}

/**
 * tilebox_filter_new_and:
 * @operands: (array length=n_operands): the filters that must all hold
 * @n_operands: how many, at least one
 *
 * Makes a filter that holds when all of @operands hold.
 *
 * Returns: (transfer full): a new filter
 */
TileboxFilter *
tilebox_filter_new_and (TileboxFilter **operands,
                        gsize           n_operands)
{
  g_return_val_if_fail (operands_are_valid (operands, n_operands), NULL);

  return new_logical (TILEBOX_FILTER_KIND_AND, operands, n_operands);
}

/**
 * tilebox_filter_new_or:
 * @operands: (array length=n_operands): the filters of which one must hold
 * @n_operands: how many, at least one
 *
 * Makes a filter that holds when any of @operands holds.
 *
 * Returns: (transfer full): a new filter
 */
TileboxFilter *
tilebox_filter_new_or (TileboxFilter **operands,
                       gsize           n_operands)
{
  g_return_val_if_fail (operands_are_valid (operands, n_operands), NULL);

  return new_logical (TILEBOX_FILTER_KIND_OR, operands, n_operands);
}

/**
 * tilebox_filter_new_not: (constructor)
 * @operand: a filter
 *
 * Makes a filter that holds when @operand is false (not when it is
 * unknown: see [struct@Tilebox.Filter]).
 *
 * Returns: (transfer full): a new filter
 */
TileboxFilter *
tilebox_filter_new_not (TileboxFilter *operand)
{
  g_return_val_if_fail (operand != NULL, NULL);

  return new_logical (TILEBOX_FILTER_KIND_NOT, &operand, 1);
}

/**
 * tilebox_filter_ref:
 * @self: a filter
 *
 * Takes a reference.
 *
 * Returns: (transfer full): @self
 */
TileboxFilter *
tilebox_filter_ref (TileboxFilter *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * tilebox_filter_unref:
 * @self: (transfer full): a filter
 *
 * Drops a reference, freeing the filter with the last one.
 */
void
tilebox_filter_unref (TileboxFilter *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_free (self->field);
      g_clear_pointer (&self->value, g_variant_unref);
      g_clear_pointer (&self->operands, g_ptr_array_unref);
      g_free (self);
    }
}

/**
 * tilebox_filter_get_kind:
 * @self: a filter
 *
 * What the filter's top node is.
 *
 * Returns: the kind of the top node
 */
TileboxFilterKind
tilebox_filter_get_kind (const TileboxFilter *self)
{
  g_return_val_if_fail (self != NULL, TILEBOX_FILTER_KIND_COMPARISON);

  return self->kind;
}

/**
 * tilebox_filter_get_field:
 * @self: a filter
 *
 * The field a comparison or an `IS NULL` is about.
 *
 * Returns: (transfer none) (nullable): the field of a comparison or an `IS NULL`, else %NULL
 */
const char *
tilebox_filter_get_field (const TileboxFilter *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->field;
}

/**
 * tilebox_filter_get_op:
 * @self: a filter
 *
 * The comparison of a comparison filter.
 *
 * Returns: the comparison of a comparison filter; %TILEBOX_FILTER_OP_EQ for
 *   the other kinds
 */
TileboxFilterOp
tilebox_filter_get_op (const TileboxFilter *self)
{
  g_return_val_if_fail (self != NULL, TILEBOX_FILTER_OP_EQ);

  return self->kind == TILEBOX_FILTER_KIND_COMPARISON ? self->op : TILEBOX_FILTER_OP_EQ;
}

/**
 * tilebox_filter_get_value:
 * @self: a filter
 *
 * The value a comparison compares its field with, as given.
 *
 * Returns: (nullable) (transfer none): the value of a comparison, else %NULL
 */
GVariant *
tilebox_filter_get_value (const TileboxFilter *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->value;
}

/**
 * tilebox_filter_get_n_operands:
 * @self: a filter
 *
 * How many operands an AND, OR or NOT has.
 *
 * Returns: the number of operands of an AND, OR or NOT; 0 for the others
 */
guint
tilebox_filter_get_n_operands (const TileboxFilter *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->operands != NULL ? self->operands->len : 0;
}

/**
 * tilebox_filter_get_operand:
 * @self: a filter
 * @index: which operand, below [method@Tilebox.Filter.get_n_operands]
 *
 * One operand of an AND, OR or NOT.
 *
 * Returns: (transfer none): the operand
 */
TileboxFilter *
tilebox_filter_get_operand (const TileboxFilter *self,
                            guint                index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < tilebox_filter_get_n_operands (self), NULL);

  return g_ptr_array_index (self->operands, index);
}

/**
 * tilebox_filter_equal:
 * @a: a filter
 * @b: another filter
 *
 * Compares two filters node by node: the same kinds, fields, comparisons,
 * values (of the same #GVariant type) and operands in the same order.
 *
 * Returns: whether @a and @b are the same filter
 */
gboolean
tilebox_filter_equal (const TileboxFilter *a,
                      const TileboxFilter *b)
{
  g_return_val_if_fail (a != NULL, FALSE);
  g_return_val_if_fail (b != NULL, FALSE);

  if (a == b)
    return TRUE;
  if (a->kind != b->kind || a->op != b->op || g_strcmp0 (a->field, b->field) != 0)
    return FALSE;
  if ((a->value == NULL) != (b->value == NULL) ||
      (a->value != NULL && !g_variant_equal (a->value, b->value)))
    return FALSE;
  if (tilebox_filter_get_n_operands (a) != tilebox_filter_get_n_operands (b))
    return FALSE;
  for (guint i = 0; i < tilebox_filter_get_n_operands (a); i++)
    if (!tilebox_filter_equal (g_ptr_array_index (a->operands, i), g_ptr_array_index (b->operands, i)))
      return FALSE;
  return TRUE;
}

/* --- text ------------------------------------------------------------------ */

static const char *const keywords[] = { "AND", "OR", "NOT", "IS", "NULL", "TRUE", "FALSE", "TIMESTAMP" };

static gboolean
is_keyword (const char *word,
            gsize       len)
{
  for (guint i = 0; i < G_N_ELEMENTS (keywords); i++)
    if (strlen (keywords[i]) == len && g_ascii_strncasecmp (word, keywords[i], len) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
is_plain_identifier (const char *name)
{
  if (!g_ascii_isalpha (name[0]) && name[0] != '_')
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '_')
      return FALSE;
  return !is_keyword (name, strlen (name));
}

static void
append_quoted (GString    *out,
               const char *text,
               char        quote)
{
  g_string_append_c (out, quote);
  for (const char *p = text; *p; p++)
    {
      if (*p == quote)
        g_string_append_c (out, quote);
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, quote);
}

static void
append_value (GString  *out,
              GVariant *value)
{
  const GVariantType *type = g_variant_get_type (value);

  if (g_variant_type_equal (type, G_VARIANT_TYPE_BOOLEAN))
    g_string_append (out, g_variant_get_boolean (value) ? "TRUE" : "FALSE");
  else if (g_variant_type_equal (type, G_VARIANT_TYPE_DOUBLE))
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_dtostr (buf, sizeof buf, g_variant_get_double (value));
      g_string_append (out, buf);
      /* keep it a double when read back */
      if (strpbrk (buf, ".eEni") == NULL)
        g_string_append (out, ".0");
    }
  else if (g_variant_type_equal (type, G_VARIANT_TYPE_STRING))
    append_quoted (out, g_variant_get_string (value, NULL), '\'');
  else if (g_variant_type_equal (type, G_VARIANT_TYPE_BYTESTRING))
    {
      gsize len;
      const guint8 *data = g_variant_get_fixed_array (value, &len, 1);

      g_string_append (out, "X'");
      for (gsize i = 0; i < len; i++)
        g_string_append_printf (out, "%02x", data[i]);
      g_string_append_c (out, '\'');
    }
  else
    {
      /* integers, and anything else in GVariant's own text form */
      g_autofree char *text = g_variant_print (value, FALSE);

      g_string_append (out, text);
    }
}

static const char *
op_text (TileboxFilterOp op)
{
  static const char *const texts[] = { NULL, "=", "<>", "<", "<=", ">", ">=" };

  return texts[op];
}

static void
append_filter (GString             *out,
               const TileboxFilter *self,
               gboolean             nested)
{
  switch (self->kind)
    {
    case TILEBOX_FILTER_KIND_COMPARISON:
    case TILEBOX_FILTER_KIND_IS_NULL:
      if (is_plain_identifier (self->field))
        g_string_append (out, self->field);
      else
        append_quoted (out, self->field, '"');
      if (self->kind == TILEBOX_FILTER_KIND_IS_NULL)
        g_string_append (out, " IS NULL");
      else
        {
          g_string_append_printf (out, " %s ", op_text (self->op));
          append_value (out, self->value);
        }
      break;

    case TILEBOX_FILTER_KIND_NOT:
      {
        const TileboxFilter *operand = g_ptr_array_index (self->operands, 0);

        if (operand->kind == TILEBOX_FILTER_KIND_IS_NULL)
          {
            append_filter (out, operand, TRUE);
            /* "x IS NULL" becomes "x IS NOT NULL" */
            g_string_insert (out, out->len - strlen ("NULL"), "NOT ");
          }
        else
          {
            g_string_append (out, "NOT ");
            append_filter (out, operand, TRUE);
          }
      }
      break;

    case TILEBOX_FILTER_KIND_AND:
    case TILEBOX_FILTER_KIND_OR:
    default:
      if (nested)
        g_string_append_c (out, '(');
      for (guint i = 0; i < self->operands->len; i++)
        {
          if (i > 0)
            g_string_append (out, self->kind == TILEBOX_FILTER_KIND_AND ? " AND " : " OR ");
          append_filter (out, g_ptr_array_index (self->operands, i), TRUE);
        }
      if (nested)
        g_string_append_c (out, ')');
      break;
    }
}

/**
 * tilebox_filter_to_string:
 * @self: a filter
 *
 * Writes the filter as CQL2 text, such as
 * `cloud_cover < 20.0 AND (humidity IS NULL OR humidity > 50)`, which
 * [ctor@Tilebox.Filter.new_parse] reads back into an equal filter.
 *
 * Returns: (transfer full): the filter as text
 */
char *
tilebox_filter_to_string (const TileboxFilter *self)
{
  GString *out;

  g_return_val_if_fail (self != NULL, NULL);

  out = g_string_new (NULL);
  append_filter (out, self, FALSE);
  return g_string_free (out, FALSE);
}

/* A recursive descent parser of the CQL2 text subset:
 *
 *   or         := and ("OR" and)*
 *   and        := not ("AND" not)*
 *   not        := "NOT" not | primary
 *   primary    := "(" or ")" | field "IS" ["NOT"] "NULL" | field op literal
 *   op         := "=" | "<>" | "!=" | "<" | "<=" | ">" | ">="
 *   literal    := number | 'string' | TRUE | FALSE | X'hex' | TIMESTAMP('...')
 *   field      := identifier | "quoted identifier"
 */
#define MAX_PARSE_DEPTH 64

typedef struct {
  const char *text;
  const char *p;
  guint depth;
  GError **error;
} Parser;

static gboolean
parse_error (Parser     *parser,
             const char *what)
{
  if (*parser->p == '\0')
    g_set_error (parser->error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                 _("Invalid filter “%s”: expected %s at the end"), parser->text, what);
  else
    g_set_error (parser->error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                 _("Invalid filter “%s”: expected %s at position %u"),
                 parser->text, what, (guint) (parser->p - parser->text + 1));
  return FALSE;
}

static void
skip_space (Parser *parser)
{
  while (g_ascii_isspace (*parser->p))
    parser->p++;
}

/* Consumes the keyword if it comes next as a whole word. */
static gboolean
accept_keyword (Parser     *parser,
                const char *keyword)
{
  gsize len = strlen (keyword);

  skip_space (parser);
  if (g_ascii_strncasecmp (parser->p, keyword, len) != 0 ||
      g_ascii_isalnum (parser->p[len]) || parser->p[len] == '_')
    return FALSE;
  parser->p += len;
  return TRUE;
}

static gboolean
accept_char (Parser *parser,
             char    c)
{
  skip_space (parser);
  if (*parser->p != c)
    return FALSE;
  parser->p++;
  return TRUE;
}

/* A quoted text with the quote doubled inside; the opening quote is next. */
static char *
parse_quoted (Parser *parser)
{
  char quote = *parser->p++;
  GString *out = g_string_new (NULL);

  for (;;)
    {
      if (*parser->p == '\0')
        {
          g_string_free (out, TRUE);
          parse_error (parser, quote == '\'' ? _("a closing quote (')") : _("a closing quote (\")"));
          return NULL;
        }
      if (*parser->p == quote)
        {
          if (parser->p[1] != quote)
            break;
          parser->p++;
        }
      g_string_append_c (out, *parser->p++);
    }
  parser->p++;
  return g_string_free (out, FALSE);
}

static char *
parse_field (Parser *parser)
{
  const char *start;

  skip_space (parser);
  if (*parser->p == '"')
    {
      char *name = parse_quoted (parser);

      if (name != NULL && *name == '\0')
        {
          g_free (name);
          parse_error (parser, _("a field name"));
          return NULL;
        }
      return name;
    }

  start = parser->p;
  if (!g_ascii_isalpha (*parser->p) && *parser->p != '_')
    {
      parse_error (parser, _("a field name"));
      return NULL;
    }
  while (g_ascii_isalnum (*parser->p) || *parser->p == '_')
    parser->p++;
  if (is_keyword (start, parser->p - start))
    {
      parser->p = start;
      parse_error (parser, _("a field name"));
      return NULL;
    }
  return g_strndup (start, parser->p - start);
}

static gboolean
parse_op (Parser          *parser,
          TileboxFilterOp *op)
{
  static const struct { const char *text; TileboxFilterOp op; } ops[] = {
    { "<>", TILEBOX_FILTER_OP_NE }, { "!=", TILEBOX_FILTER_OP_NE },
    { "<=", TILEBOX_FILTER_OP_LE }, { ">=", TILEBOX_FILTER_OP_GE },
    { "=", TILEBOX_FILTER_OP_EQ }, { "<", TILEBOX_FILTER_OP_LT }, { ">", TILEBOX_FILTER_OP_GT },
  };

  skip_space (parser);
  for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
    {
      gsize len = strlen (ops[i].text);

      if (strncmp (parser->p, ops[i].text, len) == 0)
        {
          parser->p += len;
          *op = ops[i].op;
          return TRUE;
        }
    }
  return parse_error (parser, _("a comparison (=, <>, <, <=, >, >=) or IS NULL"));
}

static GVariant *
parse_number (Parser *parser)
{
  const char *start = parser->p;
  gboolean is_double = FALSE;
  char *end = NULL;

  if (*parser->p == '-' || *parser->p == '+')
    parser->p++;
  if (!g_ascii_isdigit (*parser->p) && !(*parser->p == '.' && g_ascii_isdigit (parser->p[1])))
    {
      parser->p = start;
      parse_error (parser, _("a value"));
      return NULL;
    }
  while (g_ascii_isalnum (*parser->p) || *parser->p == '.' ||
         ((*parser->p == '-' || *parser->p == '+') && (parser->p[-1] == 'e' || parser->p[-1] == 'E')))
    {
      if (*parser->p == '.' || *parser->p == 'e' || *parser->p == 'E')
        is_double = TRUE;
      parser->p++;
    }

  {
    g_autofree char *text = g_strndup (start, parser->p - start);

    errno = 0;
    if (is_double)
      {
        double d = g_ascii_strtod (text, &end);

        if (end != NULL && *end == '\0' && errno == 0)
          return g_variant_new_double (d);
      }
    else if (text[0] != '-')
      {
        guint64 u = g_ascii_strtoull (text[0] == '+' ? text + 1 : text, &end, 10);

        if (end != NULL && *end == '\0' && errno == 0)
          return u <= G_MAXINT64 ? g_variant_new_int64 ((gint64) u) : g_variant_new_uint64 (u);
      }
    else
      {
        gint64 i = g_ascii_strtoll (text, &end, 10);

        if (end != NULL && *end == '\0' && errno == 0)
          return g_variant_new_int64 (i);
      }
  }

  parser->p = start;
  parse_error (parser, _("a number that fits 64 bits"));
  return NULL;
}

static GVariant *
parse_hex (Parser *parser)
{
  g_autofree char *hex = NULL;
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  const char *start = parser->p;

  parser->p++; /* X */
  hex = parse_quoted (parser);
  if (hex == NULL)
    return NULL;
  for (gsize i = 0; hex[i] != '\0'; i += 2)
    {
      guint8 byte;

      if (!g_ascii_isxdigit (hex[i]) || !g_ascii_isxdigit (hex[i + 1]))
        {
          parser->p = start;
          parse_error (parser, _("bytes as pairs of hexadecimal digits (X'0a1b')"));
          return NULL;
        }
      byte = g_ascii_xdigit_value (hex[i]) << 4 | g_ascii_xdigit_value (hex[i + 1]);
      g_byte_array_append (bytes, &byte, 1);
    }
  return g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, bytes->data, bytes->len, 1);
}

static GVariant *
parse_literal (Parser *parser)
{
  skip_space (parser);
  if (*parser->p == '\'')
    {
      g_autofree char *text = parse_quoted (parser);

      return text != NULL ? g_variant_new_string (text) : NULL;
    }
  if ((*parser->p == 'X' || *parser->p == 'x') && parser->p[1] == '\'')
    return parse_hex (parser);
  if (accept_keyword (parser, "TRUE"))
    return g_variant_new_boolean (TRUE);
  if (accept_keyword (parser, "FALSE"))
    return g_variant_new_boolean (FALSE);
  if (accept_keyword (parser, "TIMESTAMP"))
    {
      const char *start;
      g_autofree char *text = NULL;
      g_autoptr(GDateTime) dt = NULL;

      if (!accept_char (parser, '('))
        {
          parse_error (parser, "(");
          return NULL;
        }
      skip_space (parser);
      start = parser->p;
      if (*parser->p != '\'')
        {
          parse_error (parser, _("a quoted time"));
          return NULL;
        }
      text = parse_quoted (parser);
      if (text == NULL)
        return NULL;
      dt = _tilebox_date_time_parse (text, NULL);
      if (dt == NULL)
        {
          parser->p = start;
          parse_error (parser, _("an RFC 3339 time such as '2025-01-01T00:00:00Z'"));
          return NULL;
        }
      if (!accept_char (parser, ')'))
        {
          parse_error (parser, ")");
          return NULL;
        }
      return g_variant_new_string (text);
    }
  return parse_number (parser);
}

static TileboxFilter *parse_or (Parser *parser);

static TileboxFilter *
parse_primary (Parser *parser)
{
  g_autofree char *field = NULL;
  g_autoptr(GVariant) value = NULL;
  TileboxFilterOp op = TILEBOX_FILTER_OP_EQ;

  if (accept_char (parser, '('))
    {
      g_autoptr(TileboxFilter) inner = parse_or (parser);

      if (inner == NULL)
        return NULL;
      if (!accept_char (parser, ')'))
        {
          parse_error (parser, ")");
          return NULL;
        }
      return g_steal_pointer (&inner);
    }

  field = parse_field (parser);
  if (field == NULL)
    return NULL;

  if (accept_keyword (parser, "IS"))
    {
      gboolean negated = accept_keyword (parser, "NOT");
      g_autoptr(TileboxFilter) is_null = NULL;

      if (!accept_keyword (parser, "NULL"))
        {
          parse_error (parser, "NULL");
          return NULL;
        }
      is_null = tilebox_filter_new_is_null (field);
      return negated ? tilebox_filter_new_not (is_null) : g_steal_pointer (&is_null);
    }

  if (!parse_op (parser, &op))
    return NULL;
  value = parse_literal (parser);
  if (value == NULL)
    return NULL;
  return tilebox_filter_new_compare (field, op, g_steal_pointer (&value));
}

static TileboxFilter *
parse_not (Parser *parser)
{
  g_autoptr(TileboxFilter) operand = NULL;

  if (!accept_keyword (parser, "NOT"))
    return parse_primary (parser);

  if (++parser->depth > MAX_PARSE_DEPTH)
    {
      parse_error (parser, _("less nesting"));
      return NULL;
    }
  operand = parse_not (parser);
  parser->depth--;
  return operand != NULL ? tilebox_filter_new_not (operand) : NULL;
}

/* One level of AND or OR: operands joined by the keyword, into one node. */
static TileboxFilter *
parse_joined (Parser            *parser,
              TileboxFilterKind  kind)
{
  g_autoptr(GPtrArray) operands = g_ptr_array_new_with_free_func ((GDestroyNotify) tilebox_filter_unref);
  const char *keyword = kind == TILEBOX_FILTER_KIND_AND ? "AND" : "OR";

  if (++parser->depth > MAX_PARSE_DEPTH)
    {
      parse_error (parser, _("less nesting"));
      return NULL;
    }

  do
    {
      TileboxFilter *operand = kind == TILEBOX_FILTER_KIND_AND ? parse_not (parser) : parse_joined (parser, TILEBOX_FILTER_KIND_AND);

      if (operand == NULL)
        return NULL;
      g_ptr_array_add (operands, operand);
    }
  while (accept_keyword (parser, keyword));

  parser->depth--;
  if (operands->len == 1)
    return tilebox_filter_ref (g_ptr_array_index (operands, 0));
  return new_logical (kind, (TileboxFilter **) operands->pdata, operands->len);
}

static TileboxFilter *
parse_or (Parser *parser)
{
  return parse_joined (parser, TILEBOX_FILTER_KIND_OR);
}

/**
 * tilebox_filter_new_parse:
 * @text: a filter in CQL2 text
 * @error: return location for a #GError
 *
 * Reads a filter written in the basic subset of OGC CQL2's text encoding:
 * comparisons of a field with a value (`=`, `<>`, `<`, `<=`, `>`, `>=`),
 * `IS NULL`, `IS NOT NULL`, `AND`, `OR`, `NOT` and parentheses. Values are
 * numbers (`20`, `-1.5e3`), quoted strings with a doubled quote inside
 * (`'it''s'`), `TRUE`, `FALSE`, bytes in hexadecimal (`X'0a1b'`) and times
 * (`TIMESTAMP('2025-01-01T00:00:00Z')`, also written as a plain string).
 * Keywords are case-insensitive; a field name that is not a plain
 * identifier goes in double quotes.
 *
 * ```
 * cloud_cover < 20 AND processing_level = 'L1C'
 * NOT (humidity > 50) OR humidity IS NULL
 * ```
 *
 * Returns: (transfer full): the filter, or %NULL with @error set
 *   (%TILEBOX_ERROR_INVALID_ARGUMENT, naming the position) if the text is not
 *   a filter
 */
TileboxFilter *
tilebox_filter_new_parse (const char  *text,
                          GError     **error)
{
  Parser parser = { text, text, 0, error };
  g_autoptr(TileboxFilter) filter = NULL;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error_literal (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
                           _("Invalid filter: the text is not valid UTF-8"));
      return NULL;
    }

  filter = parse_or (&parser);
  if (filter == NULL)
    return NULL;
  skip_space (&parser);
  if (*parser.p != '\0')
    {
      parse_error (&parser, _("AND, OR or the end of the filter"));
      return NULL;
    }
  return g_steal_pointer (&filter);
}

/* --- to the wire, checked against the schema -------------------------------- */

guint
_tilebox_filter_get_n_nodes (const TileboxFilter *self)
{
  return self->n_nodes;
}

guint
_tilebox_filter_get_depth (const TileboxFilter *self)
{
  return self->depth;
}

static const char *
field_type_nick (TileboxFieldType type)
{
  GEnumClass *klass = g_type_class_ref (TILEBOX_TYPE_FIELD_TYPE);
  GEnumValue *value = g_enum_get_value (klass, type);
  const char *nick = value != NULL ? value->value_nick : "unknown";

  g_type_class_unref (klass);
  return nick;
}

static const char *
value_kind (GVariant *value)
{
  switch (g_variant_classify (value))
    {
    case G_VARIANT_CLASS_BOOLEAN:
      return _("boolean");
    case G_VARIANT_CLASS_BYTE:
    case G_VARIANT_CLASS_INT16:
    case G_VARIANT_CLASS_UINT16:
    case G_VARIANT_CLASS_INT32:
    case G_VARIANT_CLASS_UINT32:
    case G_VARIANT_CLASS_INT64:
    case G_VARIANT_CLASS_UINT64:
      return _("integer");
    case G_VARIANT_CLASS_DOUBLE:
      return _("number");
    case G_VARIANT_CLASS_STRING:
      return _("string");
    case G_VARIANT_CLASS_ARRAY:
      if (g_variant_is_of_type (value, G_VARIANT_TYPE_BYTESTRING))
        return _("bytes");
      G_GNUC_FALLTHROUGH;
    default:
      return g_variant_get_type_string (value);
    }
}

/* An integer #GVariant as a literal, signed when it fits. */
static gboolean
integer_literal (GVariant         *value,
                 TileboxPbLiteral *literal)
{
  literal->kind = TILEBOX_PB_LITERAL_INT;
  switch (g_variant_classify (value))
    {
    case G_VARIANT_CLASS_BYTE: literal->i = g_variant_get_byte (value); return TRUE;
    case G_VARIANT_CLASS_INT16: literal->i = g_variant_get_int16 (value); return TRUE;
    case G_VARIANT_CLASS_UINT16: literal->i = g_variant_get_uint16 (value); return TRUE;
    case G_VARIANT_CLASS_INT32: literal->i = g_variant_get_int32 (value); return TRUE;
    case G_VARIANT_CLASS_UINT32: literal->i = g_variant_get_uint32 (value); return TRUE;
    case G_VARIANT_CLASS_INT64: literal->i = g_variant_get_int64 (value); return TRUE;
    case G_VARIANT_CLASS_UINT64:
      literal->u = g_variant_get_uint64 (value);
      if (literal->u <= G_MAXINT64)
        literal->i = (gint64) literal->u;
      else
        literal->kind = TILEBOX_PB_LITERAL_UINT;
      return TRUE;
    default:
      literal->kind = TILEBOX_PB_LITERAL_NONE;
      return FALSE;
    }
}

static gboolean
field_error (GError     **error,
             const char  *field,
             const char  *message)
{
  g_set_error (error, TILEBOX_ERROR, TILEBOX_ERROR_INVALID_ARGUMENT,
               _("Filter on “%s”: %s"), field, message);
  return FALSE;
}

static char *
queryable_fields (TileboxSchema *schema)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < tilebox_schema_get_n_fields (schema); i++)
    {
      TileboxField *field = tilebox_schema_get_field (schema, i);

      if (tilebox_field_get_queryable (field))
        g_string_append_printf (names, "%s%s", names->len > 0 ? ", " : "", tilebox_field_get_name (field));
    }
  if (names->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&names), FALSE);
}

/* The literal of a comparison, converted to what the field holds. */
static gboolean
comparison_literal (const TileboxFilter *self,
                    TileboxSchema       *schema,
                    TileboxField        *field,
                    TileboxPbLiteral    *literal,
                    GError             **error)
{
  TileboxFieldType type = tilebox_field_get_field_type (field);
  GVariant *value = self->value;
  gboolean equality_only = FALSE;
  gboolean fits = FALSE;

  switch (type)
    {
    case TILEBOX_FIELD_TYPE_DOUBLE:
    case TILEBOX_FIELD_TYPE_FLOAT:
    case TILEBOX_FIELD_TYPE_INT64:
    case TILEBOX_FIELD_TYPE_UINT64:
    case TILEBOX_FIELD_TYPE_INT32:
    case TILEBOX_FIELD_TYPE_UINT32:
      if (g_variant_is_of_type (value, G_VARIANT_TYPE_DOUBLE))
        {
          literal->kind = TILEBOX_PB_LITERAL_DOUBLE;
          literal->d = g_variant_get_double (value);
          fits = TRUE;
        }
      else
        fits = integer_literal (value, literal);
      break;

    case TILEBOX_FIELD_TYPE_BOOL:
      equality_only = TRUE;
      if ((fits = g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN)))
        {
          literal->kind = TILEBOX_PB_LITERAL_BOOL;
          literal->b = g_variant_get_boolean (value);
        }
      break;

    case TILEBOX_FIELD_TYPE_STRING:
      if ((fits = g_variant_is_of_type (value, G_VARIANT_TYPE_STRING)))
        {
          literal->kind = TILEBOX_PB_LITERAL_STRING;
          literal->s = g_variant_dup_string (value, NULL);
        }
      break;

    case TILEBOX_FIELD_TYPE_BYTES:
      equality_only = TRUE;
      if ((fits = g_variant_is_of_type (value, G_VARIANT_TYPE_BYTESTRING)))
        {
          gsize len;
          const guint8 *data = g_variant_get_fixed_array (value, &len, 1);

          literal->kind = TILEBOX_PB_LITERAL_BYTES;
          literal->bytes = g_bytes_new (data, len);
        }
      break;

    case TILEBOX_FIELD_TYPE_ENUM:
      equality_only = TRUE;
      if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
        {
          const char *name = g_variant_get_string (value, NULL);
          const char *type_name = tilebox_field_get_type_name (field);
          const TileboxDescEnum *enum_desc =
            _tilebox_desc_pool_lookup_enum (_tilebox_schema_get_pool (schema), type_name);
          gint32 number;

          if (enum_desc == NULL || !_tilebox_desc_enum_value_number (enum_desc, name, &number))
            {
              g_autofree char *message =
                g_strdup_printf (_("“%s” is not a value of %s"), name, type_name);

              return field_error (error, self->field, message);
            }
          literal->kind = TILEBOX_PB_LITERAL_INT;
          literal->i = number;
          fits = TRUE;
        }
      else
        fits = integer_literal (value, literal);
      break;

    case TILEBOX_FIELD_TYPE_TIMESTAMP:
      if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
        {
          g_autoptr(GError) local_error = NULL;
          g_autoptr(GDateTime) dt = _tilebox_date_time_parse (g_variant_get_string (value, NULL), &local_error);

          if (dt == NULL)
            return field_error (error, self->field, local_error->message);
          literal->kind = TILEBOX_PB_LITERAL_TIME;
          _tilebox_timestamp_from_date_time (&literal->time, dt);
          fits = TRUE;
        }
      else if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
        {
          gint64 ns = g_variant_get_int64 (value);

          literal->kind = TILEBOX_PB_LITERAL_TIME;
          literal->time.seconds = ns / G_GINT64_CONSTANT (1000000000);
          literal->time.nanos = ns % G_GINT64_CONSTANT (1000000000);
          if (literal->time.nanos < 0)
            {
              literal->time.seconds--;
              literal->time.nanos += 1000000000;
            }
          fits = TRUE;
        }
      break;

    case TILEBOX_FIELD_TYPE_DURATION:
      if ((fits = g_variant_is_of_type (value, G_VARIANT_TYPE_INT64)))
        {
          literal->kind = TILEBOX_PB_LITERAL_INT;
          literal->i = g_variant_get_int64 (value);
        }
      break;

    case TILEBOX_FIELD_TYPE_UUID:
      equality_only = TRUE;
      if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
        {
          g_autoptr(GError) local_error = NULL;
          guint8 uuid[16];

          if (!_tilebox_uuid_parse (g_variant_get_string (value, NULL), uuid, _("value"), &local_error))
            return field_error (error, self->field, local_error->message);
          literal->kind = TILEBOX_PB_LITERAL_BYTES;
          literal->bytes = g_bytes_new (uuid, sizeof uuid);
          fits = TRUE;
        }
      break;

    case TILEBOX_FIELD_TYPE_GEOMETRY:
      return field_error (error, self->field,
                          _("geometries are not compared with values: use a spatial filter "
                            "(tilebox_query_set_spatial_filter)"));

    case TILEBOX_FIELD_TYPE_UNKNOWN:
    case TILEBOX_FIELD_TYPE_MESSAGE:
    case TILEBOX_FIELD_TYPE_VEC3:
    case TILEBOX_FIELD_TYPE_QUATERNION:
    case TILEBOX_FIELD_TYPE_LATLON:
    case TILEBOX_FIELD_TYPE_LATLONALT:
    default:
      {
        g_autofree char *message =
          g_strdup_printf (_("fields of type %s cannot be filtered"), field_type_nick (type));

        return field_error (error, self->field, message);
      }
    }

  if (!fits)
    {
      g_autofree char *message =
        g_strdup_printf (_("a value of kind %s does not fit a field of type %s"),
                         value_kind (value), field_type_nick (type));

      return field_error (error, self->field, message);
    }
  if (equality_only && self->op != TILEBOX_FILTER_OP_EQ && self->op != TILEBOX_FILTER_OP_NE)
    {
      g_autofree char *message =
        g_strdup_printf (_("fields of type %s are compared with = and <> only"), field_type_nick (type));

      return field_error (error, self->field, message);
    }
  return TRUE;
}

static gboolean
check_field (const TileboxFilter  *self,
             TileboxSchema        *schema,
             TileboxField        **out,
             GError              **error)
{
  TileboxField *field = tilebox_schema_lookup_field (schema, self->field);

  if (field == NULL)
    {
      g_autofree char *queryable = queryable_fields (schema);
      g_autofree char *message =
        queryable != NULL
        ? g_strdup_printf (_("the dataset has no such field; its queryable fields are %s"), queryable)
        : g_strdup (_("the dataset has no such field, and none of its fields is queryable"));

      return field_error (error, self->field, message);
    }
  if (!tilebox_field_get_queryable (field))
    {
      g_autofree char *queryable = queryable_fields (schema);
      g_autofree char *message =
        queryable != NULL
        ? g_strdup_printf (_("the field is not queryable; the dataset's queryable fields are %s"), queryable)
        : g_strdup (_("the field is not queryable, and neither is any other field of the dataset"));

      return field_error (error, self->field, message);
    }
  if (tilebox_field_get_repeated (field))
    return field_error (error, self->field, _("a repeated field cannot be filtered"));

  *out = field;
  return TRUE;
}

TileboxPbExpression *
_tilebox_filter_to_pb (const TileboxFilter  *self,
                       TileboxSchema        *schema,
                       GError              **error)
{
  g_autoptr(TileboxPbExpression) expression = NULL;
  TileboxField *field = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (TILEBOX_IS_SCHEMA (schema), NULL);

  /* the kinds have the wire's numbers */
  expression = _tilebox_pb_expression_new ((TileboxPbExpressionKind) self->kind);
  switch (self->kind)
    {
    case TILEBOX_FILTER_KIND_COMPARISON:
      if (!check_field (self, schema, &field, error) ||
          !comparison_literal (self, schema, field, &expression->value, error))
        return NULL;
      expression->field = g_strdup (self->field);
      expression->op = self->op;
      break;

    case TILEBOX_FILTER_KIND_IS_NULL:
      if (!check_field (self, schema, &field, error))
        return NULL;
      expression->field = g_strdup (self->field);
      break;

    case TILEBOX_FILTER_KIND_AND:
    case TILEBOX_FILTER_KIND_OR:
    case TILEBOX_FILTER_KIND_NOT:
    default:
      expression->operands = g_ptr_array_new_with_free_func (_tilebox_pb_expression_free);
      for (guint i = 0; i < self->operands->len; i++)
        {
          TileboxPbExpression *operand = _tilebox_filter_to_pb (g_ptr_array_index (self->operands, i), schema, error);

          if (operand == NULL)
            return NULL;
          g_ptr_array_add (expression->operands, operand);
        }
      break;
    }
  return g_steal_pointer (&expression);
}
