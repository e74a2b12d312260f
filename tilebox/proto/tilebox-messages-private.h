/* tilebox-messages-private.h: the API messages of the Tilebox datasets service (internal)
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Plain C structs for the request and response messages of the 13 RPCs,
 * with an encoder (struct -> bytes) and a decoder (bytes -> struct) for
 * each, built on the wire codec in tilebox-pb-private.h. Both the client
 * (tilebox-rpc, the public objects) and the local server use them.
 *
 * Conventions:
 *  - Every struct is zero-initialisable; `_tilebox_pb_X_clear (X *)` frees
 *    its members and leaves it zeroed; `_tilebox_pb_X_free (X *)` (for
 *    structs kept in GPtrArrays) clears and g_free()s.
 *  - `_tilebox_pb_X_encode (const X *, GByteArray *out)` appends the
 *    serialization, fields in field-number order.
 *  - `_tilebox_pb_X_decode (X *, const guint8 *data, gsize len, GError **)`
 *    fills a zeroed struct; on failure the struct is cleared and a
 *    TILEBOX_ERROR_PROTOCOL error names the message and field. Unknown
 *    fields are skipped.
 *  - Strings are never NULL after a successful decode (empty string when
 *    absent); on encode NULL or "" are both omitted (implicit presence).
 *  - `has_X` flags carry explicit presence.
 */

#pragma once

#include <glib.h>
#include "tilebox-pb-private.h"
#include "tilebox-ingest-result.h"

G_BEGIN_DECLS

/* --- tilebox.v1 ----------------------------------------------------- */

/* tilebox.v1.ID { bytes uuid = 1; } and datasets.v1.UUID have the same shape.
 * `set` is FALSE when the message is absent. */
typedef struct {
  gboolean set;
  guint8 uuid[16];
} TileboxPbId;

/* google.protobuf.Timestamp { int64 seconds = 1; int32 nanos = 2; } */
typedef struct {
  gint64 seconds;
  gint32 nanos;
} TileboxPbTimestamp;

/* tilebox.v1.TimeInterval */
typedef struct {
  gboolean has_start;
  TileboxPbTimestamp start;    /* 1 */
  gboolean has_end;
  TileboxPbTimestamp end;      /* 2 */
  gboolean start_exclusive;    /* 3 */
  gboolean end_inclusive;      /* 4 */
} TileboxPbTimeInterval;

/* tilebox.v1.IDInterval */
typedef struct {
  TileboxPbId start_id;        /* 1 */
  TileboxPbId end_id;          /* 2 */
  gboolean start_exclusive;    /* 3 */
  gboolean end_inclusive;      /* 4 */
} TileboxPbIdInterval;

/* tilebox.v1.Pagination */
typedef struct {
  gboolean has_limit;
  gint64 limit;                /* 1, explicit */
  TileboxPbId starting_after;  /* 2, explicit (set) */
} TileboxPbPagination;

/* --- datasets.v1 core ----------------------------------------------- */

/* datasets.v1.CollectionInfo (Collection inlined: name = 2, id = 3;
 * Collection field 1 is a legacy string the service still sends: skipped) */
typedef struct {
  char *name;
  TileboxPbId id;
  gboolean has_availability;
  TileboxPbTimeInterval availability; /* 2 */
  gboolean has_count;
  guint64 count;                      /* 3 */
} TileboxPbCollectionInfo;

/* datasets.v1.FieldAnnotation */
typedef struct {
  char *description;           /* 1 */
  char *example_value;         /* 2 */
  gboolean queryable;          /* 4 */
} TileboxPbFieldAnnotation;

/* datasets.v1.AnnotatedType */
typedef struct {
  GBytes *descriptor_set;      /* 1: google.protobuf.FileDescriptorSet, raw */
  char *type_url;              /* 2 */
  GPtrArray *field_annotations; /* 4: TileboxPbFieldAnnotation*, never NULL after decode */
  gint kind;                   /* 5: DatasetKind */
} TileboxPbAnnotatedType;

/* datasets.v1.Dataset */
typedef struct {
  TileboxPbId id;              /* 1 */
  TileboxPbId group_id;        /* 2 */
  gboolean has_type;
  TileboxPbAnnotatedType type; /* 3 */
  char *code_name;             /* 4 */
  char *name;                  /* 5 */
  char *summary;               /* 6 */
  char *icon;                  /* 7 */
  char *description;           /* 8 */
  GArray *permissions;         /* 10: gint (DatasetPermission), packed or not; never NULL after decode */
  gint visibility;             /* 11 */
  char *slug;                  /* 12 */
  gboolean type_editable;      /* 13 */
  GPtrArray *collections;      /* 14: TileboxPbCollectionInfo*; never NULL after decode */
} TileboxPbDataset;

/* datasets.v1.DatasetGroup */
typedef struct {
  TileboxPbId id;              /* 1 */
  TileboxPbId parent_id;       /* 2 */
  char *code_name;             /* 3 */
  char *name;                  /* 4 */
  char *icon;                  /* 5 */
} TileboxPbDatasetGroup;

/* datasets.v1.Field (request form of a dataset field) */
typedef struct {
  GBytes *descriptor;          /* 1: google.protobuf.FieldDescriptorProto, raw */
  gboolean has_annotation;
  TileboxPbFieldAnnotation annotation; /* 2 */
} TileboxPbField;

/* datasets.v1.DatasetType */
typedef struct {
  gint kind;                   /* 1 */
  GPtrArray *fields;           /* 2: TileboxPbField*; never NULL after decode */
} TileboxPbDatasetType;

/* --- DatasetService ---------------------------------------------------- */

/* ClientInfo { name = 1, environment = 2, packages = 3 { name = 1, version = 2 } } */
typedef struct {
  char *name;
  char *environment;
  GPtrArray *package_names;    /* char*, parallel to package_versions */
  GPtrArray *package_versions; /* char* */
} TileboxPbClientInfo;

typedef struct {
  gboolean has_client_info;
  TileboxPbClientInfo client_info; /* 1 */
} TileboxPbListDatasetsRequest;

typedef struct {
  GPtrArray *datasets;         /* 1: TileboxPbDataset* */
  GPtrArray *groups;           /* 2: TileboxPbDatasetGroup* */
  char *server_message;        /* 3 */
  gint64 owned_datasets;       /* 4 */
  gboolean has_maximum_owned_datasets;
  gint64 maximum_owned_datasets; /* 5 */
} TileboxPbListDatasetsResponse;

typedef struct {
  char *slug;                  /* 1 */
  TileboxPbId id;              /* 2 */
} TileboxPbGetDatasetRequest;

typedef struct {
  char *name;                  /* 1 */
  gboolean has_type;
  TileboxPbDatasetType type;   /* 2 */
  char *summary;               /* 3 */
  char *code_name;             /* 4 */
} TileboxPbCreateDatasetRequest;

typedef struct {
  TileboxPbId id;              /* 1 */
  char *name;                  /* 2 */
  gboolean has_type;
  TileboxPbDatasetType type;   /* 3 */
  char *summary;               /* 4 */
} TileboxPbUpdateDatasetRequest;

typedef struct {
  TileboxPbId id;              /* 1 */
} TileboxPbDeleteDatasetRequest;

typedef struct {
  gboolean trashed;            /* 1 */
} TileboxPbDeleteDatasetResponse;

/* --- CollectionService ------------------------------------------------- */

typedef struct {
  TileboxPbId dataset_id;      /* 1 */
  char *name;                  /* 2 */
} TileboxPbCreateCollectionRequest;

typedef struct {
  char *collection_name;       /* 1 */
  gboolean with_availability;  /* 2 */
  gboolean with_count;         /* 3 */
  TileboxPbId dataset_id;      /* 4 */
} TileboxPbGetCollectionByNameRequest;

typedef struct {
  TileboxPbId collection_id;   /* 1 */
  TileboxPbId dataset_id;      /* 2 */
} TileboxPbDeleteCollectionRequest;

typedef struct {
  TileboxPbId dataset_id;      /* 1 */
  gboolean with_availability;  /* 2 */
  gboolean with_count;         /* 3 */
} TileboxPbListCollectionsRequest;

/* datasets.v1.CollectionInfos { repeated CollectionInfo data = 1; } */
typedef struct {
  GPtrArray *data;             /* TileboxPbCollectionInfo* */
} TileboxPbCollectionInfos;

/* --- DataAccessService ------------------------------------------------- */

/* datasets.v1.SpatialFilter */
typedef struct {
  GBytes *geometry_wkb;        /* 1: datasets.v1.Geometry { bytes wkb = 1 }; NULL = absent */
  gint mode;                   /* 2 */
  gint coordinate_system;      /* 3 */
} TileboxPbSpatialFilter;

/* Filter expressions (QueryFilters.expressions = 4). The service's API
 * descriptions name the field but not its messages, so this is the
 * project's own encoding, shared by the client and the local server:
 *
 *   message FilterExpression {
 *     oneof kind {
 *       Comparison comparison = 1;  // { string field = 1; Op op = 2; Literal value = 3; }
 *       IsNull is_null = 2;         // { string field = 1; }
 *       Operands and = 3;           // { repeated FilterExpression operands = 1; }
 *       Operands or = 4;
 *       FilterExpression not = 5;
 *     }
 *   }
 *   enum Op { UNSPECIFIED = 0; EQ = 1; NE = 2; LT = 3; LE = 4; GT = 5; GE = 6; }
 *   message Literal {
 *     oneof value {
 *       bool bool = 1; int64 int = 2; uint64 uint = 3; double double = 4;
 *       string string = 5; bytes bytes = 6; google.protobuf.Timestamp time = 7;
 *     }
 *   }
 */
/* The service's limits on the expressions of one query: top-level ones,
 * nodes in all, and nesting (a lone comparison has depth 1). */
#define TILEBOX_FILTER_MAX_EXPRESSIONS 64
#define TILEBOX_FILTER_MAX_NODES 256
#define TILEBOX_FILTER_MAX_DEPTH 8

typedef enum {
  TILEBOX_PB_EXPRESSION_NONE = 0,
  TILEBOX_PB_EXPRESSION_COMPARISON = 1,
  TILEBOX_PB_EXPRESSION_IS_NULL = 2,
  TILEBOX_PB_EXPRESSION_AND = 3,
  TILEBOX_PB_EXPRESSION_OR = 4,
  TILEBOX_PB_EXPRESSION_NOT = 5,
} TileboxPbExpressionKind;

typedef enum {
  TILEBOX_PB_LITERAL_NONE = 0,
  TILEBOX_PB_LITERAL_BOOL = 1,
  TILEBOX_PB_LITERAL_INT = 2,
  TILEBOX_PB_LITERAL_UINT = 3,
  TILEBOX_PB_LITERAL_DOUBLE = 4,
  TILEBOX_PB_LITERAL_STRING = 5,
  TILEBOX_PB_LITERAL_BYTES = 6,
  TILEBOX_PB_LITERAL_TIME = 7,
} TileboxPbLiteralKind;

typedef struct {
  TileboxPbLiteralKind kind;   /* which member is set; NONE = absent */
  gboolean b;
  gint64 i;
  guint64 u;
  double d;
  char *s;                     /* STRING; never NULL when kind is STRING */
  GBytes *bytes;               /* BYTES; never NULL when kind is BYTES */
  TileboxPbTimestamp time;
} TileboxPbLiteral;

typedef struct {
  TileboxPbExpressionKind kind;
  char *field;                 /* COMPARISON, IS_NULL; never NULL after decode */
  gint op;                     /* COMPARISON */
  TileboxPbLiteral value;      /* COMPARISON */
  GPtrArray *operands;         /* AND, OR, NOT (one): TileboxPbExpression*; never NULL after decode */
} TileboxPbExpression;

/* datasets.v1.QueryFilters: oneof time_interval (1) | datapoint_interval (2) */
typedef struct {
  gboolean has_time_interval;
  TileboxPbTimeInterval time_interval;     /* 1 */
  gboolean has_datapoint_interval;
  TileboxPbIdInterval datapoint_interval;  /* 2 */
  gboolean has_spatial_extent;
  TileboxPbSpatialFilter spatial_extent;   /* 3 */
  GPtrArray *expressions;                  /* 4: TileboxPbExpression*; never NULL after decode */
} TileboxPbQueryFilters;

typedef struct {
  GArray *collection_ids;      /* 1: TileboxPbId; never NULL after decode */
  gboolean has_filters;
  TileboxPbQueryFilters filters; /* 2 */
  gboolean has_page;
  TileboxPbPagination page;    /* 3 */
  gboolean skip_data;          /* 4 */
} TileboxPbQueryRequest;

typedef struct {
  GArray *collection_ids;      /* 1: TileboxPbId */
  TileboxPbId id;              /* 2 */
  gboolean skip_data;          /* 3 */
} TileboxPbQueryByIdRequest;

/* datasets.v1.Any */
typedef struct {
  char *type_url;              /* 1 */
  GBytes *value;               /* 2; never NULL after decode */
} TileboxPbAny;

/* datasets.v1.QueryResultPage { RepeatedAny data = 1 { type_url = 1, repeated bytes value = 2 }; Pagination next_page = 2 } */
typedef struct {
  char *type_url;              /* data.type_url */
  GPtrArray *values;           /* data.value: GBytes*; never NULL after decode */
  gboolean has_next_page;
  TileboxPbPagination next_page;
} TileboxPbQueryResultPage;

/* --- DataIngestionService ---------------------------------------------- */

/* The service takes at most TILEBOX_INGEST_MAX_DATAPOINTS (public, in
 * tilebox-ingest-result.h) datapoints in one Ingest, and as many ids in
 * one Delete. */
#define TILEBOX_DELETE_MAX_DATAPOINTS TILEBOX_INGEST_MAX_DATAPOINTS

typedef struct {
  TileboxPbId collection_id;   /* 1 */
  GPtrArray *values;           /* 2: GBytes*; never NULL after decode */
  gboolean allow_existing;     /* 3 */
} TileboxPbIngestRequest;

typedef struct {
  gint64 num_created;          /* 1 */
  gint64 num_existing;         /* 2 */
  GArray *datapoint_ids;       /* 3: TileboxPbId; never NULL after decode */
} TileboxPbIngestResponse;

typedef struct {
  TileboxPbId collection_id;   /* 1 */
  GArray *datapoint_ids;       /* 2: TileboxPbId */
} TileboxPbDeleteRequest;

typedef struct {
  gint64 num_deleted;          /* 1 */
} TileboxPbDeleteResponse;

/* --- functions ---------------------------------------------------------- */

#define TILEBOX_PB_DECLARE_MESSAGE(TypeName, func_name)                          \
  void _tilebox_pb_##func_name##_clear (TypeName *msg);                          \
  void _tilebox_pb_##func_name##_encode (const TypeName *msg, GByteArray *out);  \
  gboolean _tilebox_pb_##func_name##_decode (TypeName *msg, const guint8 *data, \
                                             gsize len, GError **error);

TILEBOX_PB_DECLARE_MESSAGE (TileboxPbTimeInterval, time_interval)
TILEBOX_PB_DECLARE_MESSAGE (TileboxPbIdInterval, id_interval)
TILEBOX_PB_DECLARE_MESSAGE (TileboxPbPagination, pagination)
TILEBOX_PB_DECLARE_MESSAGE (TileboxPbCollectionInfo, collection_info)
TILEBOX_PB_DECLARE_MESSAGE (TileboxPbFieldAnnotation, field_annotation)
TILEBOX_PB_DECLARE_MESSAGE (TileboxPbAnnotatedType, annotated_type)
TILEBOX_PB_DECLARE_MESSAGE (TileboxPbDataset, dataset)
TILEBOX_PB_DECLARE_MESSAGE (TileboxPbDatasetGroup, dataset_group)
TILEBOX_PB_DECLARE_MESSAGE (TileboxPbField, field)
TILEBOX_PB_DECLARE_MESSAGE (TileboxPbDatasetType, dataset_type)
TILEBOX_PB_DECLARE_MESSAGE (TileboxPbClientInfo, client_info)
TILEBOX_PB_DECLARE_MESSAGE (TileboxPbListDatasetsRequest, list_datasets_request)
TILEBOX_PB_DECLARE_MESSAGE (TileboxPbListDatasetsResponse, list_datasets_response)
TILEBOX_PB_DECLARE_MESSAGE (TileboxPbGetDatasetRequest, get_dataset_request)
TILEBOX_PB_DECLARE_MESSAGE (TileboxPbCreateDatasetRequest, create_dataset_request)
TILEBOX_PB_DECLARE_MESSAGE (TileboxPbUpdateDatasetRequest, update_dataset_request)
TILEBOX_PB_DECLARE_MESSAGE (TileboxPbDeleteDatasetRequest, delete_dataset_request)
TILEBOX_PB_DECLARE_MESSAGE (TileboxPbDeleteDatasetResponse, delete_dataset_response)
TILEBOX_PB_DECLARE_MESSAGE (TileboxPbCreateCollectionRequest, create_collection_request)
TILEBOX_PB_DECLARE_MESSAGE (TileboxPbGetCollectionByNameRequest, get_collection_by_name_request)
TILEBOX_PB_DECLARE_MESSAGE (TileboxPbDeleteCollectionRequest, delete_collection_request)
TILEBOX_PB_DECLARE_MESSAGE (TileboxPbListCollectionsRequest, list_collections_request)
TILEBOX_PB_DECLARE_MESSAGE (TileboxPbCollectionInfos, collection_infos)
TILEBOX_PB_DECLARE_MESSAGE (TileboxPbSpatialFilter, spatial_filter)
TILEBOX_PB_DECLARE_MESSAGE (TileboxPbExpression, expression)
TILEBOX_PB_DECLARE_MESSAGE (TileboxPbQueryFilters, query_filters)
TILEBOX_PB_DECLARE_MESSAGE (TileboxPbQueryRequest, query_request)
TILEBOX_PB_DECLARE_MESSAGE (TileboxPbQueryByIdRequest, query_by_id_request)
TILEBOX_PB_DECLARE_MESSAGE (TileboxPbAny, any)
TILEBOX_PB_DECLARE_MESSAGE (TileboxPbQueryResultPage, query_result_page)
TILEBOX_PB_DECLARE_MESSAGE (TileboxPbIngestRequest, ingest_request)
TILEBOX_PB_DECLARE_MESSAGE (TileboxPbIngestResponse, ingest_response)
TILEBOX_PB_DECLARE_MESSAGE (TileboxPbDeleteRequest, delete_request)
TILEBOX_PB_DECLARE_MESSAGE (TileboxPbDeleteResponse, delete_response)

/* Decodes a QueryResultPage held by `body` without copying its datapoints:
 * each of msg->values is a slice of `body` (g_bytes_new_from_bytes), which
 * they keep alive. Otherwise the same as _tilebox_pb_query_result_page_decode
 * (msg is cleared on failure). */
gboolean _tilebox_pb_query_result_page_decode_bytes (TileboxPbQueryResultPage  *msg,
                                                     GBytes                    *body,
                                                     GError                   **error);

/* For structs kept in GPtrArrays (free func of the array). */
void _tilebox_pb_collection_info_free (gpointer msg);
void _tilebox_pb_field_annotation_free (gpointer msg);
void _tilebox_pb_dataset_free (gpointer msg);
void _tilebox_pb_dataset_group_free (gpointer msg);
void _tilebox_pb_field_free (gpointer msg);
void _tilebox_pb_expression_free (gpointer msg);
TileboxPbExpression *_tilebox_pb_expression_new (TileboxPbExpressionKind kind);

/* Deep copies (the server keeps and returns them; the client objects keep
 * the decoded message they were built from). */
TileboxPbDataset *_tilebox_pb_dataset_copy (const TileboxPbDataset *msg);
TileboxPbCollectionInfo *_tilebox_pb_collection_info_copy (const TileboxPbCollectionInfo *msg);
TileboxPbDatasetGroup *_tilebox_pb_dataset_group_copy (const TileboxPbDatasetGroup *msg);

/* Helpers shared by encoders of both sides. */
void _tilebox_pb_write_id (GByteArray *out, guint32 field, const TileboxPbId *id);
void _tilebox_pb_write_timestamp (GByteArray *out, guint32 field, const TileboxPbTimestamp *ts);
gboolean _tilebox_pb_read_id (TileboxPbReader *reader, TileboxPbId *id, GError **error);
gboolean _tilebox_pb_read_timestamp (TileboxPbReader *reader, TileboxPbTimestamp *ts, GError **error);

/* Gives a serialized message to a decoder wrapped by GBytes. */
#define _tilebox_pb_decode_bytes(func_name, msg, bytes, error) \
  _tilebox_pb_##func_name##_decode ((msg), g_bytes_get_data ((bytes), NULL), g_bytes_get_size ((bytes)), (error))

/* g_auto() for stack-allocated messages. */
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TileboxPbTimeInterval, _tilebox_pb_time_interval_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TileboxPbIdInterval, _tilebox_pb_id_interval_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TileboxPbPagination, _tilebox_pb_pagination_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TileboxPbCollectionInfo, _tilebox_pb_collection_info_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TileboxPbFieldAnnotation, _tilebox_pb_field_annotation_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TileboxPbAnnotatedType, _tilebox_pb_annotated_type_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TileboxPbDataset, _tilebox_pb_dataset_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TileboxPbDatasetGroup, _tilebox_pb_dataset_group_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TileboxPbField, _tilebox_pb_field_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TileboxPbDatasetType, _tilebox_pb_dataset_type_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TileboxPbClientInfo, _tilebox_pb_client_info_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TileboxPbListDatasetsRequest, _tilebox_pb_list_datasets_request_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TileboxPbListDatasetsResponse, _tilebox_pb_list_datasets_response_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TileboxPbGetDatasetRequest, _tilebox_pb_get_dataset_request_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TileboxPbCreateDatasetRequest, _tilebox_pb_create_dataset_request_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TileboxPbUpdateDatasetRequest, _tilebox_pb_update_dataset_request_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TileboxPbDeleteDatasetRequest, _tilebox_pb_delete_dataset_request_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TileboxPbDeleteDatasetResponse, _tilebox_pb_delete_dataset_response_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TileboxPbCreateCollectionRequest, _tilebox_pb_create_collection_request_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TileboxPbGetCollectionByNameRequest, _tilebox_pb_get_collection_by_name_request_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TileboxPbDeleteCollectionRequest, _tilebox_pb_delete_collection_request_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TileboxPbListCollectionsRequest, _tilebox_pb_list_collections_request_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TileboxPbCollectionInfos, _tilebox_pb_collection_infos_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TileboxPbSpatialFilter, _tilebox_pb_spatial_filter_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TileboxPbExpression, _tilebox_pb_expression_clear)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TileboxPbExpression, _tilebox_pb_expression_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TileboxPbQueryFilters, _tilebox_pb_query_filters_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TileboxPbQueryRequest, _tilebox_pb_query_request_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TileboxPbQueryByIdRequest, _tilebox_pb_query_by_id_request_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TileboxPbAny, _tilebox_pb_any_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TileboxPbQueryResultPage, _tilebox_pb_query_result_page_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TileboxPbIngestRequest, _tilebox_pb_ingest_request_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TileboxPbIngestResponse, _tilebox_pb_ingest_response_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TileboxPbDeleteRequest, _tilebox_pb_delete_request_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TileboxPbDeleteResponse, _tilebox_pb_delete_response_clear)

G_END_DECLS
