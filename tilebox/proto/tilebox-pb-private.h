/* tilebox-pb-private.h: the protobuf wire codec (internal)
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A small, bounds-checked reader and writer of the protobuf wire format.
 * It knows nothing of messages: the message layer (tilebox-messages) and
 * the schema-driven datapoint codec are built on top of it.
 *
 * Reading never goes past the buffer it was given; every failure is a
 * TILEBOX_ERROR_PROTOCOL GError saying what was malformed and where.
 * Nesting is limited to TILEBOX_PB_MAX_DEPTH levels.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TILEBOX_PB_MAX_DEPTH 64

typedef enum {
  TILEBOX_PB_WIRE_VARINT = 0,
  TILEBOX_PB_WIRE_FIXED64 = 1,
  TILEBOX_PB_WIRE_LEN = 2,
  TILEBOX_PB_WIRE_SGROUP = 3,
  TILEBOX_PB_WIRE_EGROUP = 4,
  TILEBOX_PB_WIRE_FIXED32 = 5,
} TileboxPbWireType;

/* A reader over a borrowed buffer: it never owns or copies the bytes. */
typedef struct {
  const guint8 *data;
  gsize len;
  gsize pos;
  guint depth;
  /* the tag last returned by _tilebox_pb_reader_next () */
  guint32 field;
  TileboxPbWireType wire_type;
} TileboxPbReader;

void _tilebox_pb_reader_init (TileboxPbReader *reader,
                              const guint8    *data,
                              gsize            len);

/* Reads the next tag into reader->field and reader->wire_type.
 * Returns 1 when a field was read, 0 at the clean end of the buffer,
 * -1 on error (error set). Field number 0, numbers above 2^29-1 and
 * unknown wire types are errors. */
int _tilebox_pb_reader_next (TileboxPbReader *reader,
                             GError         **error);

/* Value readers: each checks that the current tag's wire type matches and
 * fails with TILEBOX_ERROR_PROTOCOL otherwise. */
gboolean _tilebox_pb_read_varint (TileboxPbReader *reader,
                                  guint64         *out,
                                  GError         **error);
gboolean _tilebox_pb_read_fixed32 (TileboxPbReader *reader,
                                   guint32         *out,
                                   GError         **error);
gboolean _tilebox_pb_read_fixed64 (TileboxPbReader *reader,
                                   guint64         *out,
                                   GError         **error);
/* Length-delimited: points *data into the reader's buffer (no copy). */
gboolean _tilebox_pb_read_bytes (TileboxPbReader *reader,
                                 const guint8   **data,
                                 gsize           *len,
                                 GError         **error);
/* Length-delimited, returned as a newly allocated NUL-terminated string.
 * Fails on invalid UTF-8. */
gboolean _tilebox_pb_read_string (TileboxPbReader *reader,
                                  char           **out,
                                  GError         **error);
/* Length-delimited, as a sub-reader one level deeper; fails past
 * TILEBOX_PB_MAX_DEPTH. */
gboolean _tilebox_pb_read_message (TileboxPbReader *reader,
                                   TileboxPbReader *sub,
                                   GError         **error);
/* Skips the value of the current tag (any wire type, groups included). */
gboolean _tilebox_pb_skip (TileboxPbReader *reader,
                           GError         **error);

/* Low-level varint decode of data[*pos..len), advancing *pos. Used by
 * packed repeated fields. At most 10 bytes, overlong forms rejected. */
gboolean _tilebox_pb_decode_varint (const guint8 *data,
                                    gsize         len,
                                    gsize        *pos,
                                    guint64      *out);

static inline gint64
_tilebox_pb_zigzag_decode (guint64 v)
{
  return (gint64) (v >> 1) ^ -(gint64) (v & 1);
}

static inline guint64
_tilebox_pb_zigzag_encode (gint64 v)
{
  return ((guint64) v << 1) ^ (guint64) (v >> 63);
}

/* Writer: appends to a GByteArray. Writing never fails. */
void _tilebox_pb_write_raw_varint (GByteArray *out,
                                   guint64     value);
void _tilebox_pb_write_tag (GByteArray       *out,
                            guint32           field,
                            TileboxPbWireType wire_type);
void _tilebox_pb_write_varint (GByteArray *out,
                               guint32     field,
                               guint64     value);
void _tilebox_pb_write_sint (GByteArray *out,
                             guint32     field,
                             gint64      value);
void _tilebox_pb_write_bool (GByteArray *out,
                             guint32     field,
                             gboolean    value);
void _tilebox_pb_write_fixed32 (GByteArray *out,
                                guint32     field,
                                guint32     value);
void _tilebox_pb_write_fixed64 (GByteArray *out,
                                guint32     field,
                                guint64     value);
void _tilebox_pb_write_double (GByteArray *out,
                               guint32     field,
                               double      value);
void _tilebox_pb_write_float (GByteArray *out,
                              guint32     field,
                              float       value);
void _tilebox_pb_write_bytes (GByteArray   *out,
                              guint32       field,
                              const guint8 *data,
                              gsize         len);
/* Writes str (may be NULL: then nothing is written). */
void _tilebox_pb_write_string (GByteArray *out,
                               guint32     field,
                               const char *str);
/* Writes a nested message that was serialized into `sub`. */
void _tilebox_pb_write_message (GByteArray       *out,
                                guint32           field,
                                const GByteArray *sub);

G_END_DECLS
