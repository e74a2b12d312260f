/* tilebox-encoder-private.h: datapoints encoded for ingestion (internal)
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The schema-driven datapoint encoder, the inverse of the decoder in
 * tilebox-columns: given a dataset's descriptor pool and message type, it
 * turns records into serialized datapoint messages, one GBytes per record
 * in input order, ready for DataIngestionService/Ingest. Records come as
 *
 *  - a JsonNode: an array of objects (one per record), or an object of
 *    columns whose members are arrays of one value per record, all of the
 *    same length (a member that is null stands for a column of nulls);
 *  - a GVariant of type aa{sv}, one dictionary per record;
 *  - TileboxColumns, as the decoder made them: rows re-encoded one by one
 *    with their presence (how TileboxDatapoints are ingested again).
 *
 * Fields are named by their proto names. A missing value (an absent key,
 * JSON null, a GVariant maybe without a value, a row that is not present
 * in the columns) leaves the field unset. A present value is written even
 * when it is zero, for every field with explicit presence (all fields of
 * the editions 2023 files the service makes, and all message fields); a
 * field with implicit presence (proto3 without `optional`) is left out
 * when its value is zero or empty, as protobuf does, since a reader could
 * not tell it from a missing one anyway.
 *
 * Values by kind of field (TileboxColumnKind):
 *
 *   numbers       JSON numbers; JSON strings of decimal integers for
 *                 integer fields (JSON numbers cannot hold every 64-bit
 *                 value); "NaN", "Infinity" and "-Infinity" for double and
 *                 float; any GVariant number type (y n q i u x t d).
 *                 Integer fields take doubles with an integral value (3.0);
 *                 a value outside the field's range, or 2.5 for an
 *                 integer, is an error, and so is a finite double beyond
 *                 the range of a float field. Doubles are never rounded to
 *                 integers and integers never wrap. (JSON-GLib 1.6 itself
 *                 wraps integer literals beyond the int64 range while
 *                 parsing, 9223372036854775808 to -9223372036854775808,
 *                 before any JsonNode reaches the encoder: such values
 *                 must be written as strings.)
 *   BOOL          true/false (b).
 *   STRING        a string (s).
 *   BYTES         base64 (standard or URL-safe alphabet, padding optional)
 *                 in JSON; ay in a GVariant.
 *   ENUM          the value's name, full (PROCESSING_LEVEL_L1C) or without
 *                 its type's prefix (L1C), or its number, which must be one
 *                 of the enum's values. When the pool lacks the enum type,
 *                 any int32 number is taken and names are errors.
 *   TIMESTAMP     an RFC 3339 / ISO 8601 string (up to nanoseconds; naive
 *                 times and dates are UTC; digits past the ninth are cut),
 *                 or an integer: nanoseconds since 1970-01-01 UTC. Times
 *                 must fit 64-bit nanoseconds (1677 to 2262), as the
 *                 decoder holds them. Neither JSON nor GVariant can carry a
 *                 GDateTime: callers with one pass its ISO 8601 text or
 *                 its nanoseconds.
 *   DURATION      an integer: nanoseconds.
 *   UUID          a UUID string; in a GVariant also 16 bytes (ay).
 *   GEOMETRY      a GeoJSON geometry object (a JSON object, or an a{sv} in
 *                 a GVariant), WKT or EWKT text, or WKB / EWKB bytes (ay in
 *                 a GVariant). Written as little-endian ISO WKB without
 *                 SRID (_tilebox_wkb_normalize ()), so the same geometry
 *                 gives the same bytes in every form; except from
 *                 TileboxColumns, where the loaded bytes are checked and
 *                 written as they are, so that loaded datapoints ingested
 *                 again keep their SRID and their ids.
 *   VEC3, QUATERNION, LATLON, LATLONALT
 *                 an array of 2, 3 or 4 numbers in member order (JSON
 *                 array; GVariant tuple or array), or an object with every
 *                 member by name (x y z; q1 q2 q3 q4; latitude longitude
 *                 altitude).
 *   BYTES of a message field
 *                 an object (a{sv}) encoded recursively by the message's
 *                 descriptor (the same rules, no fields skipped), or the
 *                 message already serialized: base64 in JSON, ay in a
 *                 GVariant, checked to be well-formed protobuf. Group
 *                 fields (editions DELIMITED) are written as groups.
 *   repeated      an array of such values (JSON array; any GVariant
 *                 array, av included); no element may be missing. Repeated
 *                 numbers, bools and enums are written packed unless the
 *                 descriptor says otherwise. An empty array writes nothing.
 *
 * The fields `id` and `ingestion_time` of a record (top level only) are
 * skipped without looking at their values, whether or not the type has
 * them: the service sets both on ingestion (a datapoint's id is derived
 * from its time and content), and the official clients drop them as well,
 * so that loaded datapoints can be ingested again as they are. Any other
 * key that is not a field of the type is an error naming it, as is setting
 * two fields of one oneof.
 *
 * Serialization is deterministic: fields in field-number order, packed
 * runs in element order, nested messages the same way, so that the same
 * record always gives the same bytes (the service derives ids from them),
 * whichever input form it came in.
 *
 * Errors: TILEBOX_ERROR_INVALID_ARGUMENT naming the record (from 0) and
 * the field path, as in "record 17, field cloud_cover: expected a number,
 * got "high"" or "record 2, field bands[1].gain: ..."; when any record is
 * invalid, nothing is returned.
 *
 * An encoder holds no state between calls and may be used from several
 * threads at once. Like decoded columns, it points into its pool's
 * descriptors: a set added to the pool later that redefines one of the
 * types it writes leaves it invalid (see tilebox-descriptor-private.h).
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "tilebox-columns-private.h"
#include "tilebox-descriptor-private.h"

G_BEGIN_DECLS

typedef struct _TileboxEncoder TileboxEncoder; /* refcounted, immutable */

/* An encoder for the message `type_url` of `pool` (the pool is referenced):
 * the bare full name, as AnnotatedType.type_url has it; a leading
 * "type.googleapis.com/" or dot is tolerated. Fails with
 * TILEBOX_ERROR_PROTOCOL when the pool does not describe the type. The pool
 * should hold the well-known types too (_tilebox_columns_add_well_known_types ())
 * for enum names to resolve. */
TileboxEncoder *_tilebox_encoder_new (TileboxDescPool *pool,
                                      const char      *type_url,
                                      GError         **error);
TileboxEncoder *_tilebox_encoder_ref (TileboxEncoder *encoder);
void _tilebox_encoder_unref (TileboxEncoder *encoder);

/* The full name of the message type the encoder writes. */
const char *_tilebox_encoder_get_type_name (TileboxEncoder *encoder);

/* Each returns a GPtrArray of GBytes (one serialized datapoint per record,
 * in input order; freeing the array frees them), or NULL with `error` set
 * when any record is invalid. */
GPtrArray *_tilebox_encoder_encode_json (TileboxEncoder *encoder,
                                         JsonNode       *records,
                                         GError        **error);
GPtrArray *_tilebox_encoder_encode_variant (TileboxEncoder *encoder,
                                            GVariant       *records,
                                            GError        **error);
/* The columns must be of the encoder's message type (by full name, with
 * the same fields); rows are encoded in order. */
GPtrArray *_tilebox_encoder_encode_columns (TileboxEncoder       *encoder,
                                            const TileboxColumns *columns,
                                            GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TileboxEncoder, _tilebox_encoder_unref)

G_END_DECLS
