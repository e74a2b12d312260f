/* tilebox-descriptor-private.h: protobuf descriptors of dataset types (internal)
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A dataset's type arrives as a serialized google.protobuf.FileDescriptorSet.
 * This module parses such sets into a pool of message and enum descriptors,
 * with field presence and packing already resolved from the file's syntax
 * (proto2, proto3 or editions 2023) and its features, so that the schema
 * objects and the datapoint codec never look at descriptor.proto again.
 *
 * The pool owns every descriptor; pointers returned by lookups are valid
 * as long as the pool is alive. When a set defines a message or enum whose
 * full name is already in the pool (or twice in the same set), the later
 * definition replaces the earlier one ("last wins"); pointers to the
 * replaced descriptor are then invalid. Adding a set is all or nothing: on
 * error (TILEBOX_ERROR_PROTOCOL, "Malformed dataset type: ...") the pool is
 * unchanged.
 *
 * What is checked: names of messages, enums, fields, values and oneofs are
 * identifiers, packages and type names dotted identifiers; field numbers
 * are 1..2^29-1 and unique in a message, as are field names; types and
 * labels are known; MESSAGE/ENUM/GROUP fields have a type name; oneof
 * indexes exist; syntax is "proto2" (or absent), "proto3" or "editions"
 * with edition 2023 or 2024. Type names are not resolved: dependencies are
 * usually not in the set.
 *
 * Resolution, besides presence and packing: in editions, a field whose
 * field_presence is LEGACY_REQUIRED gets label REQUIRED, and a MESSAGE
 * field whose message_encoding is DELIMITED gets type GROUP (it is encoded
 * as a group). Features are taken from the file, then each enclosing
 * message, then the field; they are ignored in proto2/proto3 files.
 * FieldOptions.packed, when given, decides packing in every syntax.
 *
 * The builder makes the one-file sets the service generates for datasets
 * (editions 2023, explicit presence); the local test server uses it.
 */

#pragma once

#include <glib.h>
#include "tilebox-pb-private.h"

G_BEGIN_DECLS

typedef enum {
  TILEBOX_DESC_TYPE_DOUBLE = 1,
  TILEBOX_DESC_TYPE_FLOAT,
  TILEBOX_DESC_TYPE_INT64,
  TILEBOX_DESC_TYPE_UINT64,
  TILEBOX_DESC_TYPE_INT32,
  TILEBOX_DESC_TYPE_FIXED64,
  TILEBOX_DESC_TYPE_FIXED32,
  TILEBOX_DESC_TYPE_BOOL,
  TILEBOX_DESC_TYPE_STRING,
  TILEBOX_DESC_TYPE_GROUP,
  TILEBOX_DESC_TYPE_MESSAGE,
  TILEBOX_DESC_TYPE_BYTES,
  TILEBOX_DESC_TYPE_UINT32,
  TILEBOX_DESC_TYPE_ENUM,
  TILEBOX_DESC_TYPE_SFIXED32,
  TILEBOX_DESC_TYPE_SFIXED64,
  TILEBOX_DESC_TYPE_SINT32,
  TILEBOX_DESC_TYPE_SINT64
} TileboxDescType;

typedef enum {
  TILEBOX_DESC_LABEL_OPTIONAL = 1,
  TILEBOX_DESC_LABEL_REQUIRED = 2,
  TILEBOX_DESC_LABEL_REPEATED = 3
} TileboxDescLabel;

typedef struct {
  char *name;
  gint32 number;
} TileboxDescEnumValue;

typedef struct {
  char *full_name;
  char *name;
  GPtrArray *values; /* TileboxDescEnumValue*, in declaration order */
} TileboxDescEnum;

typedef struct {
  char *name;
  gint32 number;
  TileboxDescLabel label;
  TileboxDescType type;
  char *type_name;            /* full name without leading dot, NULL for scalars */
  gboolean explicit_presence; /* resolved from syntax/edition/features/proto3_optional/message type */
  gboolean packed;            /* resolved: repeated scalar encoded packed */
  gint oneof_index;           /* -1 when not in a oneof; also -1 for proto3
                               * optional fields (their oneof is synthetic) */
  char *json_name;            /* added: json_name from the descriptor, or NULL */
} TileboxDescField;

typedef struct {
  char *full_name;
  char *name;
  GPtrArray *fields; /* TileboxDescField*, in declaration order */
  GPtrArray *oneofs; /* added: char*, names of the oneof_decls, in declaration
                      * order (synthetic proto3 optional ones included) */
  gboolean map_entry; /* added: MessageOptions.map_entry */
} TileboxDescMessage;

typedef struct _TileboxDescPool TileboxDescPool; /* refcounted */

TileboxDescPool *_tilebox_desc_pool_new (void);
TileboxDescPool *_tilebox_desc_pool_ref (TileboxDescPool *pool);
void _tilebox_desc_pool_unref (TileboxDescPool *pool);

/* Parses a serialized FileDescriptorSet and adds all its messages (nested
 * too) and enums. Dependencies need not be in the pool: type names are not
 * checked for resolvability. On error the pool is left unchanged. */
gboolean _tilebox_desc_pool_add_file_set (TileboxDescPool *pool,
                                          const guint8    *data,
                                          gsize            len,
                                          GError         **error);

/* full_name without a leading dot; a leading dot is tolerated. */
const TileboxDescMessage *_tilebox_desc_pool_lookup_message (TileboxDescPool *pool,
                                                             const char      *full_name);
const TileboxDescEnum *_tilebox_desc_pool_lookup_enum (TileboxDescPool *pool,
                                                       const char      *full_name);

/* NULL if the message has no field with that number. */
const TileboxDescField *_tilebox_desc_message_find_field (const TileboxDescMessage *message,
                                                          gint32                    number);
/* Added: NULL if the message has no field with that name. */
const TileboxDescField *_tilebox_desc_message_find_field_by_name (const TileboxDescMessage *message,
                                                                  const char               *name);

const char *_tilebox_desc_enum_value_name (const TileboxDescEnum *enum_desc,
                                           gint32                 number); /* NULL if unknown */
/* Added: the value name without the enum type's prefix (L1C for
 * PROCESSING_LEVEL_L1C of ProcessingLevel), pointing into `name`; `name`
 * itself when it has no such prefix. */
const char *_tilebox_desc_enum_short_name (const TileboxDescEnum *enum_desc,
                                           const char            *name);
/* Added: the number of a value given its full name or its short name (a
 * full name wins); FALSE if the enum has no such value. */
gboolean _tilebox_desc_enum_value_number (const TileboxDescEnum *enum_desc,
                                          const char            *name,
                                          gint32                *number);

/* Added: the wire type a single value of a field of this type has (a
 * packed repeated field is TILEBOX_PB_WIRE_LEN whatever its type). */
TileboxPbWireType _tilebox_desc_type_wire_type (TileboxDescType type);

/* Added: the lowercase descriptor.proto name of a type ("double", "message", ...),
 * or NULL for a value outside the enumeration. */
const char *_tilebox_desc_type_name (TileboxDescType type);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TileboxDescPool, _tilebox_desc_pool_unref)

/* Builder of a one-file FileDescriptorSet in editions 2023 with explicit
 * presence (what the service generates for its datasets). */
typedef struct {
  const char *name;
  TileboxDescType type;
  gboolean repeated;
  const char *type_name; /* full name, no leading dot, for MESSAGE/ENUM */
} TileboxDescFieldSpec;

/* Returns the serialized FileDescriptorSet holding one file `file_name` with
 * `package` and one message `message_name` whose fields are numbered 1..n in
 * order; `dependencies` (NULL-terminated, may be NULL) are listed as imports
 * but not included. Repeated scalars are packed (edition default). */
GBytes *_tilebox_desc_build_file_set (const char                 *file_name,
                                      const char                 *package,
                                      const char                 *message_name,
                                      const TileboxDescFieldSpec *fields,
                                      gsize                       n_fields,
                                      const char * const         *dependencies);

G_END_DECLS
