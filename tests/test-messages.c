/* test-messages.c: the API message layer (encode, decode, presence, errors)
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "tilebox-messages-private.h"
#include "tilebox-error.h"

/* --- helpers ------------------------------------------------------------ */

static TileboxPbId
make_id (guint8 seed)
{
  TileboxPbId id = { TRUE, { 0 } };

  for (guint i = 0; i < 16; i++)
    id.uuid[i] = (guint8) (seed + i);
  return id;
}

static void
assert_id_eq (const TileboxPbId *a,
              const TileboxPbId *b)
{
  g_assert_cmpint (a->set, ==, b->set);
  g_assert_cmpmem (a->uuid, 16, b->uuid, 16);
}

static void
assert_gbytes_eq (GBytes     *a,
                  GBytes     *b)
{
  gsize la = 0, lb = 0;
  const guint8 *da, *db;

  g_assert_nonnull (a);
  g_assert_nonnull (b);
  da = g_bytes_get_data (a, &la);
  db = g_bytes_get_data (b, &lb);
  g_assert_cmpmem (da, la, db, lb);
}

static GBytes *
bytes_from_string (const char *s)
{
  return g_bytes_new (s, strlen (s));
}

/* Builds a buffer from a hex string ("0a 02 08 01"). */
static GByteArray *
hex (const char *s)
{
  GByteArray *out = g_byte_array_new ();

  while (*s != '\0')
    {
      guint8 b;

      if (*s == ' ')
        {
          s++;
          continue;
        }
      g_assert_true (g_ascii_isxdigit (s[0]) && g_ascii_isxdigit (s[1]));
      b = (guint8) (g_ascii_xdigit_value (s[0]) << 4 | g_ascii_xdigit_value (s[1]));
      g_byte_array_append (out, &b, 1);
      s += 2;
    }
  return out;
}

static void
assert_encoding (GByteArray *got,
                 const char *expected_hex)
{
  g_autoptr(GByteArray) expected = hex (expected_hex);

  g_assert_cmpmem (got->data, got->len, expected->data, expected->len);
}

static gboolean
is_all_zero (gconstpointer p,
             gsize         len)
{
  const guint8 *b = p;

  for (gsize i = 0; i < len; i++)
    if (b[i] != 0)
      return FALSE;
  return TRUE;
}

/* Encode `in`, decode into `out`, encode `out` again: same bytes. */
#define ROUNDTRIP(func, in, out)                                              \
  G_STMT_START {                                                              \
    g_autoptr(GByteArray) enc1_ = g_byte_array_new ();                        \
    g_autoptr(GByteArray) enc2_ = g_byte_array_new ();                        \
    g_autoptr(GError) err_ = NULL;                                            \
    _tilebox_pb_##func##_encode ((in), enc1_);                                \
    g_assert_cmpuint (enc1_->len, >, 0);                                      \
    g_assert_true (_tilebox_pb_##func##_decode ((out), enc1_->data, enc1_->len, &err_)); \
    g_assert_no_error (err_);                                                 \
    _tilebox_pb_##func##_encode ((out), enc2_);                               \
    g_assert_cmpmem (enc1_->data, enc1_->len, enc2_->data, enc2_->len);       \
  } G_STMT_END

#define ENCODE(func, msg, out) _tilebox_pb_##func##_encode ((msg), (out))

/* --- builders and comparisons of the richer messages ---------------------- */

static void
fill_time_interval (TileboxPbTimeInterval *ti)
{
  ti->has_start = TRUE;
  ti->start.seconds = -1234567890123;
  ti->start.nanos = -5;
  ti->has_end = TRUE;
  ti->end.seconds = 1735689600;
  ti->end.nanos = 999999999;
  ti->start_exclusive = TRUE;
  ti->end_inclusive = TRUE;
}

static void
assert_time_interval_eq (const TileboxPbTimeInterval *a,
                         const TileboxPbTimeInterval *b)
{
  g_assert_cmpint (a->has_start, ==, b->has_start);
  g_assert_cmpint (a->start.seconds, ==, b->start.seconds);
  g_assert_cmpint (a->start.nanos, ==, b->start.nanos);
  g_assert_cmpint (a->has_end, ==, b->has_end);
  g_assert_cmpint (a->end.seconds, ==, b->end.seconds);
  g_assert_cmpint (a->end.nanos, ==, b->end.nanos);
  g_assert_cmpint (a->start_exclusive, ==, b->start_exclusive);
  g_assert_cmpint (a->end_inclusive, ==, b->end_inclusive);
}

static TileboxPbCollectionInfo *
new_collection_info (const char *name,
                     guint8      seed,
                     guint64     count)
{
  TileboxPbCollectionInfo *ci = g_new0 (TileboxPbCollectionInfo, 1);

  ci->name = g_strdup (name);
  ci->id = make_id (seed);
  ci->has_availability = TRUE;
  fill_time_interval (&ci->availability);
  ci->has_count = TRUE;
  ci->count = count;
  return ci;
}

static void
assert_collection_info_eq (const TileboxPbCollectionInfo *a,
                           const TileboxPbCollectionInfo *b)
{
  g_assert_cmpstr (a->name, ==, b->name);
  assert_id_eq (&a->id, &b->id);
  g_assert_cmpint (a->has_availability, ==, b->has_availability);
  assert_time_interval_eq (&a->availability, &b->availability);
  g_assert_cmpint (a->has_count, ==, b->has_count);
  g_assert_cmpuint (a->count, ==, b->count);
}

static TileboxPbFieldAnnotation *
new_field_annotation (const char *description,
                      const char *example,
                      gboolean    queryable)
{
  TileboxPbFieldAnnotation *fa = g_new0 (TileboxPbFieldAnnotation, 1);

  fa->description = g_strdup (description);
  fa->example_value = g_strdup (example);
  fa->queryable = queryable;
  return fa;
}

static void
assert_field_annotation_eq (const TileboxPbFieldAnnotation *a,
                            const TileboxPbFieldAnnotation *b)
{
  g_assert_cmpstr (a->description, ==, b->description);
  g_assert_cmpstr (a->example_value, ==, b->example_value);
  g_assert_cmpint (a->queryable, ==, b->queryable);
}

static void
fill_dataset (TileboxPbDataset *ds)
{
  gint perms[] = { 1, 2, 3, -1 };

  ds->id = make_id (0x10);
  ds->group_id = make_id (0x20);
  ds->has_type = TRUE;
  ds->type.descriptor_set = g_bytes_new ("\x0a\x03\x0a\x01x\x00\xff", 7);
  ds->type.type_url = g_strdup ("datasets.v1.Test");
  ds->type.field_annotations = g_ptr_array_new_with_free_func (_tilebox_pb_field_annotation_free);
  g_ptr_array_add (ds->type.field_annotations, new_field_annotation ("The time", "2025-01-01T00:00:00Z", TRUE));
  g_ptr_array_add (ds->type.field_annotations, new_field_annotation ("", "", FALSE));
  g_ptr_array_add (ds->type.field_annotations, new_field_annotation ("Ünïcødé ✓", "42", FALSE));
  ds->type.kind = 2;
  ds->code_name = g_strdup ("test_dataset");
  ds->name = g_strdup ("Test Dataset");
  ds->summary = g_strdup ("A summary");
  ds->icon = g_strdup ("Satellite");
  ds->description = g_strdup ("# Markdown\n\nwith lines");
  ds->permissions = g_array_new (FALSE, TRUE, sizeof (gint));
  g_array_append_vals (ds->permissions, perms, G_N_ELEMENTS (perms));
  ds->visibility = 3;
  ds->slug = g_strdup ("org.test_dataset");
  ds->type_editable = TRUE;
  ds->collections = g_ptr_array_new_with_free_func (_tilebox_pb_collection_info_free);
  g_ptr_array_add (ds->collections, new_collection_info ("C1", 0x30, 0));
  g_ptr_array_add (ds->collections, new_collection_info ("C2", 0x40, G_MAXUINT64));
}

static void
assert_dataset_eq (const TileboxPbDataset *a,
                   const TileboxPbDataset *b)
{
  assert_id_eq (&a->id, &b->id);
  assert_id_eq (&a->group_id, &b->group_id);
  g_assert_cmpint (a->has_type, ==, b->has_type);
  assert_gbytes_eq (a->type.descriptor_set, b->type.descriptor_set);
  g_assert_cmpstr (a->type.type_url, ==, b->type.type_url);
  g_assert_cmpuint (a->type.field_annotations->len, ==, b->type.field_annotations->len);
  for (guint i = 0; i < a->type.field_annotations->len; i++)
    assert_field_annotation_eq (g_ptr_array_index (a->type.field_annotations, i),
                                g_ptr_array_index (b->type.field_annotations, i));
  g_assert_cmpint (a->type.kind, ==, b->type.kind);
  g_assert_cmpstr (a->code_name, ==, b->code_name);
  g_assert_cmpstr (a->name, ==, b->name);
  g_assert_cmpstr (a->summary, ==, b->summary);
  g_assert_cmpstr (a->icon, ==, b->icon);
  g_assert_cmpstr (a->description, ==, b->description);
  g_assert_cmpuint (a->permissions->len, ==, b->permissions->len);
  for (guint i = 0; i < a->permissions->len; i++)
    g_assert_cmpint (g_array_index (a->permissions, gint, i), ==, g_array_index (b->permissions, gint, i));
  g_assert_cmpint (a->visibility, ==, b->visibility);
  g_assert_cmpstr (a->slug, ==, b->slug);
  g_assert_cmpint (a->type_editable, ==, b->type_editable);
  g_assert_cmpuint (a->collections->len, ==, b->collections->len);
  for (guint i = 0; i < a->collections->len; i++)
    assert_collection_info_eq (g_ptr_array_index (a->collections, i),
                               g_ptr_array_index (b->collections, i));
}

static TileboxPbDatasetGroup *
new_group (guint8      seed,
           gboolean    with_parent,
           const char *name)
{
  TileboxPbDatasetGroup *g = g_new0 (TileboxPbDatasetGroup, 1);

  g->id = make_id (seed);
  if (with_parent)
    g->parent_id = make_id (seed + 1);
  g->code_name = g_ascii_strdown (name, -1);
  g->name = g_strdup (name);
  g->icon = g_strdup ("Globe");
  return g;
}

static void
assert_group_eq (const TileboxPbDatasetGroup *a,
                 const TileboxPbDatasetGroup *b)
{
  assert_id_eq (&a->id, &b->id);
  assert_id_eq (&a->parent_id, &b->parent_id);
  g_assert_cmpstr (a->code_name, ==, b->code_name);
  g_assert_cmpstr (a->name, ==, b->name);
  g_assert_cmpstr (a->icon, ==, b->icon);
}

static TileboxPbField *
new_field (const char *descriptor,
           gboolean    with_annotation)
{
  TileboxPbField *f = g_new0 (TileboxPbField, 1);

  f->descriptor = bytes_from_string (descriptor);
  if (with_annotation)
    {
      f->has_annotation = TRUE;
      f->annotation.description = g_strdup ("desc");
      f->annotation.example_value = g_strdup ("ex");
      f->annotation.queryable = TRUE;
    }
  return f;
}

static void
fill_dataset_type (TileboxPbDatasetType *t)
{
  t->kind = 1;
  t->fields = g_ptr_array_new_with_free_func (_tilebox_pb_field_free);
  g_ptr_array_add (t->fields, new_field ("\x0a\x04name", TRUE));
  g_ptr_array_add (t->fields, new_field ("\x0a\x03geo\x18\x01", FALSE));
}

static void
assert_dataset_type_eq (const TileboxPbDatasetType *a,
                        const TileboxPbDatasetType *b)
{
  g_assert_cmpint (a->kind, ==, b->kind);
  g_assert_cmpuint (a->fields->len, ==, b->fields->len);
  for (guint i = 0; i < a->fields->len; i++)
    {
      const TileboxPbField *fa = g_ptr_array_index (a->fields, i);
      const TileboxPbField *fb = g_ptr_array_index (b->fields, i);

      assert_gbytes_eq (fa->descriptor, fb->descriptor);
      g_assert_cmpint (fa->has_annotation, ==, fb->has_annotation);
      if (fa->has_annotation)
        assert_field_annotation_eq (&fa->annotation, &fb->annotation);
    }
}

static GArray *
new_id_array (guint n,
              guint8 seed)
{
  GArray *a = g_array_new (FALSE, TRUE, sizeof (TileboxPbId));

  for (guint i = 0; i < n; i++)
    {
      TileboxPbId id = make_id ((guint8) (seed + 16 * i));

      g_array_append_val (a, id);
    }
  return a;
}

static void
assert_id_array_eq (GArray *a,
                    GArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    assert_id_eq (&g_array_index (a, TileboxPbId, i), &g_array_index (b, TileboxPbId, i));
}

static GPtrArray *
new_bytes_array (void)
{
  GPtrArray *a = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  g_ptr_array_add (a, bytes_from_string ("\x0a\x0b\x01\x02"));
  g_ptr_array_add (a, g_bytes_new (NULL, 0)); /* an empty element is kept */
  g_ptr_array_add (a, bytes_from_string ("second"));
  return a;
}

static void
assert_bytes_array_eq (GPtrArray *a,
                       GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    assert_gbytes_eq (g_ptr_array_index (a, i), g_ptr_array_index (b, i));
}

/* --- implicit presence: a zeroed struct is 0 bytes ------------------------- */

#define ASSERT_EMPTY_ENCODING(func, Type)                                       \
  G_STMT_START {                                                                \
    Type msg_ = { 0 };                                                          \
    g_autoptr(GByteArray) out_ = g_byte_array_new ();                           \
    g_autoptr(GError) err_ = NULL;                                              \
    _tilebox_pb_##func##_encode (&msg_, out_);                                  \
    g_assert_cmpuint (out_->len, ==, 0);                                        \
    /* and 0 bytes decode to the zero message */                               \
    g_assert_true (_tilebox_pb_##func##_decode (&msg_, NULL, 0, &err_));        \
    g_assert_no_error (err_);                                                   \
    out_ = (g_byte_array_unref (out_), g_byte_array_new ());                    \
    _tilebox_pb_##func##_encode (&msg_, out_);                                  \
    g_assert_cmpuint (out_->len, ==, 0);                                        \
    _tilebox_pb_##func##_clear (&msg_);                                         \
    g_assert_true (is_all_zero (&msg_, sizeof msg_));                           \
  } G_STMT_END

static void
test_empty (void)
{
  ASSERT_EMPTY_ENCODING (time_interval, TileboxPbTimeInterval);
  ASSERT_EMPTY_ENCODING (id_interval, TileboxPbIdInterval);
  ASSERT_EMPTY_ENCODING (pagination, TileboxPbPagination);
  ASSERT_EMPTY_ENCODING (collection_info, TileboxPbCollectionInfo);
  ASSERT_EMPTY_ENCODING (field_annotation, TileboxPbFieldAnnotation);
  ASSERT_EMPTY_ENCODING (annotated_type, TileboxPbAnnotatedType);
  ASSERT_EMPTY_ENCODING (dataset, TileboxPbDataset);
  ASSERT_EMPTY_ENCODING (dataset_group, TileboxPbDatasetGroup);
  ASSERT_EMPTY_ENCODING (field, TileboxPbField);
  ASSERT_EMPTY_ENCODING (dataset_type, TileboxPbDatasetType);
  ASSERT_EMPTY_ENCODING (client_info, TileboxPbClientInfo);
  ASSERT_EMPTY_ENCODING (list_datasets_request, TileboxPbListDatasetsRequest);
  ASSERT_EMPTY_ENCODING (list_datasets_response, TileboxPbListDatasetsResponse);
  ASSERT_EMPTY_ENCODING (get_dataset_request, TileboxPbGetDatasetRequest);
  ASSERT_EMPTY_ENCODING (create_dataset_request, TileboxPbCreateDatasetRequest);
  ASSERT_EMPTY_ENCODING (update_dataset_request, TileboxPbUpdateDatasetRequest);
  ASSERT_EMPTY_ENCODING (delete_dataset_request, TileboxPbDeleteDatasetRequest);
  ASSERT_EMPTY_ENCODING (delete_dataset_response, TileboxPbDeleteDatasetResponse);
  ASSERT_EMPTY_ENCODING (create_collection_request, TileboxPbCreateCollectionRequest);
  ASSERT_EMPTY_ENCODING (get_collection_by_name_request, TileboxPbGetCollectionByNameRequest);
  ASSERT_EMPTY_ENCODING (delete_collection_request, TileboxPbDeleteCollectionRequest);
  ASSERT_EMPTY_ENCODING (list_collections_request, TileboxPbListCollectionsRequest);
  ASSERT_EMPTY_ENCODING (collection_infos, TileboxPbCollectionInfos);
  ASSERT_EMPTY_ENCODING (spatial_filter, TileboxPbSpatialFilter);
  ASSERT_EMPTY_ENCODING (query_filters, TileboxPbQueryFilters);
  ASSERT_EMPTY_ENCODING (query_request, TileboxPbQueryRequest);
  ASSERT_EMPTY_ENCODING (query_by_id_request, TileboxPbQueryByIdRequest);
  ASSERT_EMPTY_ENCODING (any, TileboxPbAny);
  ASSERT_EMPTY_ENCODING (query_result_page, TileboxPbQueryResultPage);
  ASSERT_EMPTY_ENCODING (ingest_request, TileboxPbIngestRequest);
  ASSERT_EMPTY_ENCODING (ingest_response, TileboxPbIngestResponse);
  ASSERT_EMPTY_ENCODING (delete_request, TileboxPbDeleteRequest);
  ASSERT_EMPTY_ENCODING (delete_response, TileboxPbDeleteResponse);
}

/* Explicitly set empty strings, arrays and GBytes are not written either. */
static void
test_empty_values (void)
{
  TileboxPbDataset ds = { 0 };
  TileboxPbQueryResultPage page = { 0 };
  TileboxPbAny any = { 0 };
  g_autoptr(GByteArray) out = g_byte_array_new ();

  ds.code_name = g_strdup ("");
  ds.name = g_strdup ("");
  ds.permissions = g_array_new (FALSE, TRUE, sizeof (gint));
  ds.collections = g_ptr_array_new_with_free_func (_tilebox_pb_collection_info_free);
  ds.type.descriptor_set = g_bytes_new (NULL, 0); /* has_type unset: not written */
  _tilebox_pb_dataset_encode (&ds, out);
  g_assert_cmpuint (out->len, ==, 0);

  page.type_url = g_strdup ("");
  page.values = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  _tilebox_pb_query_result_page_encode (&page, out);
  g_assert_cmpuint (out->len, ==, 0);

  any.value = g_bytes_new (NULL, 0);
  _tilebox_pb_any_encode (&any, out);
  g_assert_cmpuint (out->len, ==, 0);

  _tilebox_pb_dataset_clear (&ds);
  _tilebox_pb_query_result_page_clear (&page);
  _tilebox_pb_any_clear (&any);
}

/* After a decode, strings, arrays and descriptors are never NULL, also in
 * absent submessages. */
static void
test_normalized (void)
{
  TileboxPbDataset ds = { 0 };
  TileboxPbListDatasetsResponse resp = { 0 };
  TileboxPbCreateDatasetRequest create = { 0 };
  TileboxPbQueryResultPage page = { 0 };
  TileboxPbAny any = { 0 };
  TileboxPbSpatialFilter sf = { 0 };
  TileboxPbIngestResponse ir = { 0 };

  g_assert_true (_tilebox_pb_dataset_decode (&ds, NULL, 0, NULL));
  g_assert_false (ds.id.set);
  g_assert_false (ds.has_type);
  g_assert_cmpstr (ds.type.type_url, ==, "");
  g_assert_nonnull (ds.type.descriptor_set);
  g_assert_nonnull (ds.type.field_annotations);
  g_assert_cmpstr (ds.code_name, ==, "");
  g_assert_cmpstr (ds.name, ==, "");
  g_assert_cmpstr (ds.summary, ==, "");
  g_assert_cmpstr (ds.icon, ==, "");
  g_assert_cmpstr (ds.description, ==, "");
  g_assert_cmpstr (ds.slug, ==, "");
  g_assert_cmpuint (ds.permissions->len, ==, 0);
  g_assert_cmpuint (ds.collections->len, ==, 0);

  g_assert_true (_tilebox_pb_list_datasets_response_decode (&resp, NULL, 0, NULL));
  g_assert_nonnull (resp.datasets);
  g_assert_nonnull (resp.groups);
  g_assert_cmpstr (resp.server_message, ==, "");
  g_assert_false (resp.has_maximum_owned_datasets);

  g_assert_true (_tilebox_pb_create_dataset_request_decode (&create, NULL, 0, NULL));
  g_assert_nonnull (create.type.fields);
  g_assert_cmpstr (create.name, ==, "");

  g_assert_true (_tilebox_pb_query_result_page_decode (&page, NULL, 0, NULL));
  g_assert_cmpstr (page.type_url, ==, "");
  g_assert_nonnull (page.values);
  g_assert_false (page.has_next_page);

  g_assert_true (_tilebox_pb_any_decode (&any, NULL, 0, NULL));
  g_assert_nonnull (any.value);
  g_assert_cmpuint (g_bytes_get_size (any.value), ==, 0);

  /* a Geometry that is there but empty is an empty, non-NULL geometry */
  {
    g_autoptr(GByteArray) in = hex ("0a 00");

    g_assert_true (_tilebox_pb_spatial_filter_decode (&sf, in->data, in->len, NULL));
    g_assert_nonnull (sf.geometry_wkb);
    g_assert_cmpuint (g_bytes_get_size (sf.geometry_wkb), ==, 0);
  }

  g_assert_true (_tilebox_pb_ingest_response_decode (&ir, NULL, 0, NULL));
  g_assert_nonnull (ir.datapoint_ids);

  _tilebox_pb_dataset_clear (&ds);
  _tilebox_pb_list_datasets_response_clear (&resp);
  _tilebox_pb_create_dataset_request_clear (&create);
  _tilebox_pb_query_result_page_clear (&page);
  _tilebox_pb_any_clear (&any);
  _tilebox_pb_spatial_filter_clear (&sf);
  _tilebox_pb_ingest_response_clear (&ir);
}

/* --- byte-exact encodings ------------------------------------------------- */

static void
test_bytes (void)
{
  g_autoptr(GByteArray) out = NULL;

  /* DeleteDatasetRequest { id { uuid = 00 01 .. 0f } } */
  {
    TileboxPbDeleteDatasetRequest m = { make_id (0) };

    out = g_byte_array_new ();
    ENCODE (delete_dataset_request, &m, out);
    assert_encoding (out, "0a 12 0a 10 000102030405060708090a0b0c0d0e0f");
    g_clear_pointer (&out, g_byte_array_unref);
  }

  /* explicit presence: limit 0 is written, an unset ID is not */
  {
    TileboxPbPagination m = { .has_limit = TRUE, .limit = 0 };

    out = g_byte_array_new ();
    ENCODE (pagination, &m, out);
    assert_encoding (out, "08 00");
    g_clear_pointer (&out, g_byte_array_unref);

    m.limit = 300;
    m.starting_after = make_id (0xf0);
    out = g_byte_array_new ();
    ENCODE (pagination, &m, out);
    assert_encoding (out, "08 ac 02 12 12 0a 10 f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
    g_clear_pointer (&out, g_byte_array_unref);
  }

  /* CollectionInfo { collection { name "ERS" }, count 0 (explicit) } */
  {
    TileboxPbCollectionInfo m = { .name = (char *) "ERS", .has_count = TRUE };

    out = g_byte_array_new ();
    ENCODE (collection_info, &m, out);
    assert_encoding (out, "0a 05 12 03 455253 18 00");
    g_clear_pointer (&out, g_byte_array_unref);

    /* availability present but empty */
    m.has_availability = TRUE;
    m.has_count = FALSE;
    out = g_byte_array_new ();
    ENCODE (collection_info, &m, out);
    assert_encoding (out, "0a 05 12 03 455253 12 00");
    g_clear_pointer (&out, g_byte_array_unref);
  }

  /* TimeInterval: timestamps with zero nanos, negative values sign-extended */
  {
    TileboxPbTimeInterval m = { .has_start = TRUE, .start = { 1, 0 },
                                .has_end = TRUE, .end = { -1, -1 },
                                .end_inclusive = TRUE };

    out = g_byte_array_new ();
    ENCODE (time_interval, &m, out);
    assert_encoding (out, "0a 02 08 01"
                          " 12 16 08 ffffffffffffffffff01 10 ffffffffffffffffff01"
                          " 20 01");
    g_clear_pointer (&out, g_byte_array_unref);
  }

  /* Dataset: permissions packed, negative enum as 10 bytes, visibility */
  {
    TileboxPbDataset m = { 0 };
    gint perms[] = { 1, 2, -1 };

    m.name = (char *) "N";
    m.permissions = g_array_new (FALSE, TRUE, sizeof (gint));
    g_array_append_vals (m.permissions, perms, 3);
    m.visibility = 3;
    m.type_editable = TRUE;
    out = g_byte_array_new ();
    ENCODE (dataset, &m, out);
    assert_encoding (out, "2a 01 4e 52 0c 01 02 ffffffffffffffffff01 58 03 68 01");
    g_clear_pointer (&out, g_byte_array_unref);
    g_array_unref (m.permissions);
  }

  /* QueryRequest: an unset element of a repeated ID is still written (as
   * the nil UUID), an empty page is written (explicit), skip_data */
  {
    TileboxPbQueryRequest m = { 0 };
    TileboxPbId unset = { 0 };

    m.collection_ids = g_array_new (FALSE, TRUE, sizeof (TileboxPbId));
    g_array_append_val (m.collection_ids, unset);
    m.has_page = TRUE;
    m.skip_data = TRUE;
    out = g_byte_array_new ();
    ENCODE (query_request, &m, out);
    assert_encoding (out, "0a 12 0a 10 00000000000000000000000000000000 1a 00 20 01");
    g_clear_pointer (&out, g_byte_array_unref);
    g_array_unref (m.collection_ids);
  }

  /* ListDatasetsRequest with a ClientInfo and one package */
  {
    TileboxPbListDatasetsRequest m = { .has_client_info = TRUE };

    m.client_info.name = (char *) "C";
    m.client_info.package_names = g_ptr_array_new ();
    m.client_info.package_versions = g_ptr_array_new ();
    g_ptr_array_add (m.client_info.package_names, (char *) "p");
    g_ptr_array_add (m.client_info.package_versions, (char *) "1");
    out = g_byte_array_new ();
    ENCODE (list_datasets_request, &m, out);
    assert_encoding (out, "0a 0b 0a 01 43 1a 06 0a 01 70 12 01 31");
    g_clear_pointer (&out, g_byte_array_unref);
    g_ptr_array_unref (m.client_info.package_names);
    g_ptr_array_unref (m.client_info.package_versions);
  }

  /* QueryResultPage flattens RepeatedAny; empty values are kept */
  {
    TileboxPbQueryResultPage m = { .type_url = (char *) "t" };

    m.values = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
    g_ptr_array_add (m.values, bytes_from_string ("ab"));
    g_ptr_array_add (m.values, g_bytes_new (NULL, 0));
    m.has_next_page = TRUE;
    m.next_page.has_limit = TRUE;
    m.next_page.limit = 1;
    out = g_byte_array_new ();
    ENCODE (query_result_page, &m, out);
    assert_encoding (out, "0a 09 0a 01 74 12 02 6162 12 00 12 02 08 01");
    g_clear_pointer (&out, g_byte_array_unref);
    g_ptr_array_unref (m.values);
  }

  /* SpatialFilter: a non-NULL empty geometry is written as an empty Geometry */
  {
    TileboxPbSpatialFilter m = { .mode = 1, .coordinate_system = 2 };

    m.geometry_wkb = g_bytes_new (NULL, 0);
    out = g_byte_array_new ();
    ENCODE (spatial_filter, &m, out);
    assert_encoding (out, "0a 00 10 01 18 02");
    g_clear_pointer (&out, g_byte_array_unref);
    g_bytes_unref (m.geometry_wkb);
  }
}

/* --- round trips with every field set --------------------------------------- */

static void
test_roundtrip_small (void)
{
  {
    TileboxPbTimeInterval in = { 0 }, out = { 0 };

    fill_time_interval (&in);
    ROUNDTRIP (time_interval, &in, &out);
    assert_time_interval_eq (&in, &out);
  }
  {
    TileboxPbIdInterval in = { make_id (1), make_id (2), TRUE, TRUE }, out = { 0 };

    ROUNDTRIP (id_interval, &in, &out);
    assert_id_eq (&in.start_id, &out.start_id);
    assert_id_eq (&in.end_id, &out.end_id);
    g_assert_true (out.start_exclusive);
    g_assert_true (out.end_inclusive);
  }
  {
    TileboxPbPagination in = { TRUE, 0, make_id (3) }, out = { 0 };

    ROUNDTRIP (pagination, &in, &out);
    g_assert_true (out.has_limit);
    g_assert_cmpint (out.limit, ==, 0);
    assert_id_eq (&in.starting_after, &out.starting_after);

    in.limit = G_MININT64;
    _tilebox_pb_pagination_clear (&out);
    ROUNDTRIP (pagination, &in, &out);
    g_assert_cmpint (out.limit, ==, G_MININT64);
  }
  {
    TileboxPbCollectionInfo *in = new_collection_info ("ERS-2", 7, 0), out = { 0 };

    ROUNDTRIP (collection_info, in, &out);
    assert_collection_info_eq (in, &out);
    g_assert_true (out.has_count);
    g_assert_cmpuint (out.count, ==, 0);
    _tilebox_pb_collection_info_clear (&out);
    _tilebox_pb_collection_info_free (in);
  }
  {
    TileboxPbFieldAnnotation *in = new_field_annotation ("d", "e", TRUE), out = { 0 };

    ROUNDTRIP (field_annotation, in, &out);
    assert_field_annotation_eq (in, &out);
    _tilebox_pb_field_annotation_clear (&out);
    _tilebox_pb_field_annotation_free (in);
  }
  {
    TileboxPbDatasetGroup *in = new_group (9, TRUE, "Open Data"), out = { 0 };

    ROUNDTRIP (dataset_group, in, &out);
    assert_group_eq (in, &out);
    _tilebox_pb_dataset_group_clear (&out);
    _tilebox_pb_dataset_group_free (in);
  }
  {
    TileboxPbField *in = new_field ("\x0a\x01x", TRUE), out = { 0 };

    ROUNDTRIP (field, in, &out);
    assert_gbytes_eq (in->descriptor, out.descriptor);
    g_assert_true (out.has_annotation);
    assert_field_annotation_eq (&in->annotation, &out.annotation);
    _tilebox_pb_field_clear (&out);
    _tilebox_pb_field_free (in);
  }
  {
    TileboxPbDatasetType in = { 0 }, out = { 0 };

    fill_dataset_type (&in);
    ROUNDTRIP (dataset_type, &in, &out);
    assert_dataset_type_eq (&in, &out);
    _tilebox_pb_dataset_type_clear (&out);
    _tilebox_pb_dataset_type_clear (&in);
  }
  {
    TileboxPbDeleteDatasetRequest in = { make_id (4) }, out = { 0 };

    ROUNDTRIP (delete_dataset_request, &in, &out);
    assert_id_eq (&in.id, &out.id);
  }
  {
    TileboxPbDeleteDatasetResponse in = { TRUE }, out = { 0 };

    ROUNDTRIP (delete_dataset_response, &in, &out);
    g_assert_true (out.trashed);
  }
  {
    TileboxPbDeleteResponse in = { 1459 }, out = { 0 };

    ROUNDTRIP (delete_response, &in, &out);
    g_assert_cmpint (out.num_deleted, ==, 1459);
  }
}

static void
test_roundtrip_dataset (void)
{
  TileboxPbDataset in = { 0 }, out = { 0 };
  TileboxPbAnnotatedType at_out = { 0 };
  TileboxPbDataset *copy;

  fill_dataset (&in);
  ROUNDTRIP (dataset, &in, &out);
  assert_dataset_eq (&in, &out);

  ROUNDTRIP (annotated_type, &in.type, &at_out);
  g_assert_cmpint (at_out.kind, ==, 2);
  g_assert_cmpstr (at_out.type_url, ==, "datasets.v1.Test");
  g_assert_cmpuint (at_out.field_annotations->len, ==, 3);
  _tilebox_pb_annotated_type_clear (&at_out);

  /* a deep copy survives its original */
  copy = _tilebox_pb_dataset_copy (&out);
  _tilebox_pb_dataset_clear (&out);
  assert_dataset_eq (&in, copy);
  _tilebox_pb_dataset_free (copy);

  _tilebox_pb_dataset_clear (&in);
  g_assert_true (is_all_zero (&in, sizeof in));
}

static void
test_roundtrip_list_datasets (void)
{
  TileboxPbListDatasetsRequest req = { 0 }, req_out = { 0 };
  TileboxPbListDatasetsResponse in = { 0 }, out = { 0 };
  TileboxPbDataset *ds = g_new0 (TileboxPbDataset, 1);

  req.has_client_info = TRUE;
  req.client_info.name = g_strdup ("libtilebox");
  req.client_info.environment = g_strdup ("Linux");
  req.client_info.package_names = g_ptr_array_new_with_free_func (g_free);
  req.client_info.package_versions = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (req.client_info.package_names, g_strdup ("libtilebox"));
  g_ptr_array_add (req.client_info.package_versions, g_strdup ("0.1.0"));
  g_ptr_array_add (req.client_info.package_names, g_strdup ("glib"));
  g_ptr_array_add (req.client_info.package_versions, g_strdup (""));
  ROUNDTRIP (list_datasets_request, &req, &req_out);
  g_assert_true (req_out.has_client_info);
  g_assert_cmpstr (req_out.client_info.name, ==, "libtilebox");
  g_assert_cmpstr (req_out.client_info.environment, ==, "Linux");
  g_assert_cmpuint (req_out.client_info.package_names->len, ==, 2);
  g_assert_cmpuint (req_out.client_info.package_versions->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (req_out.client_info.package_names, 1), ==, "glib");
  g_assert_cmpstr (g_ptr_array_index (req_out.client_info.package_versions, 0), ==, "0.1.0");
  g_assert_cmpstr (g_ptr_array_index (req_out.client_info.package_versions, 1), ==, "");
  _tilebox_pb_list_datasets_request_clear (&req_out);

  /* ClientInfo on its own too */
  {
    TileboxPbClientInfo ci_out = { 0 };

    ROUNDTRIP (client_info, &req.client_info, &ci_out);
    g_assert_cmpuint (ci_out.package_names->len, ==, 2);
    _tilebox_pb_client_info_clear (&ci_out);
  }
  _tilebox_pb_list_datasets_request_clear (&req);

  fill_dataset (ds);
  in.datasets = g_ptr_array_new_with_free_func (_tilebox_pb_dataset_free);
  g_ptr_array_add (in.datasets, ds);
  g_ptr_array_add (in.datasets, g_new0 (TileboxPbDataset, 1)); /* an empty one is kept */
  in.groups = g_ptr_array_new_with_free_func (_tilebox_pb_dataset_group_free);
  g_ptr_array_add (in.groups, new_group (0x50, FALSE, "Root"));
  g_ptr_array_add (in.groups, new_group (0x60, TRUE, "Child"));
  in.server_message = g_strdup ("hello");
  in.owned_datasets = 3;
  in.has_maximum_owned_datasets = TRUE;
  in.maximum_owned_datasets = 0;
  ROUNDTRIP (list_datasets_response, &in, &out);
  g_assert_cmpuint (out.datasets->len, ==, 2);
  assert_dataset_eq (ds, g_ptr_array_index (out.datasets, 0));
  g_assert_cmpstr (((TileboxPbDataset *) g_ptr_array_index (out.datasets, 1))->name, ==, "");
  g_assert_cmpuint (out.groups->len, ==, 2);
  assert_group_eq (g_ptr_array_index (in.groups, 0), g_ptr_array_index (out.groups, 0));
  assert_group_eq (g_ptr_array_index (in.groups, 1), g_ptr_array_index (out.groups, 1));
  g_assert_false (((TileboxPbDatasetGroup *) g_ptr_array_index (out.groups, 0))->parent_id.set);
  g_assert_cmpstr (out.server_message, ==, "hello");
  g_assert_cmpint (out.owned_datasets, ==, 3);
  g_assert_true (out.has_maximum_owned_datasets);
  g_assert_cmpint (out.maximum_owned_datasets, ==, 0);
  _tilebox_pb_list_datasets_response_clear (&out);
  _tilebox_pb_list_datasets_response_clear (&in);
}

static void
test_roundtrip_dataset_requests (void)
{
  {
    TileboxPbGetDatasetRequest in = { g_strdup ("open_data.asf.ers_sar"), make_id (5) }, out = { 0 };

    ROUNDTRIP (get_dataset_request, &in, &out);
    g_assert_cmpstr (out.slug, ==, in.slug);
    assert_id_eq (&in.id, &out.id);
    _tilebox_pb_get_dataset_request_clear (&out);
    _tilebox_pb_get_dataset_request_clear (&in);
  }
  {
    TileboxPbCreateDatasetRequest in = { 0 }, out = { 0 };

    in.name = g_strdup ("My dataset");
    in.has_type = TRUE;
    fill_dataset_type (&in.type);
    in.summary = g_strdup ("sum");
    in.code_name = g_strdup ("my_dataset");
    ROUNDTRIP (create_dataset_request, &in, &out);
    g_assert_cmpstr (out.name, ==, "My dataset");
    g_assert_true (out.has_type);
    assert_dataset_type_eq (&in.type, &out.type);
    g_assert_cmpstr (out.summary, ==, "sum");
    g_assert_cmpstr (out.code_name, ==, "my_dataset");
    _tilebox_pb_create_dataset_request_clear (&out);
    _tilebox_pb_create_dataset_request_clear (&in);
  }
  {
    TileboxPbUpdateDatasetRequest in = { 0 }, out = { 0 };

    in.id = make_id (6);
    in.name = g_strdup ("Renamed");
    in.has_type = TRUE;
    fill_dataset_type (&in.type);
    in.summary = g_strdup ("s2");
    ROUNDTRIP (update_dataset_request, &in, &out);
    assert_id_eq (&in.id, &out.id);
    g_assert_cmpstr (out.name, ==, "Renamed");
    g_assert_true (out.has_type);
    assert_dataset_type_eq (&in.type, &out.type);
    g_assert_cmpstr (out.summary, ==, "s2");
    _tilebox_pb_update_dataset_request_clear (&out);
    _tilebox_pb_update_dataset_request_clear (&in);
  }
}

static void
test_roundtrip_collections (void)
{
  {
    TileboxPbCreateCollectionRequest in = { make_id (1), g_strdup ("S2A") }, out = { 0 };

    ROUNDTRIP (create_collection_request, &in, &out);
    assert_id_eq (&in.dataset_id, &out.dataset_id);
    g_assert_cmpstr (out.name, ==, "S2A");
    _tilebox_pb_create_collection_request_clear (&out);
    _tilebox_pb_create_collection_request_clear (&in);
  }
  {
    TileboxPbGetCollectionByNameRequest in = { g_strdup ("ERS-2"), TRUE, TRUE, make_id (2) }, out = { 0 };

    ROUNDTRIP (get_collection_by_name_request, &in, &out);
    g_assert_cmpstr (out.collection_name, ==, "ERS-2");
    g_assert_true (out.with_availability);
    g_assert_true (out.with_count);
    assert_id_eq (&in.dataset_id, &out.dataset_id);
    _tilebox_pb_get_collection_by_name_request_clear (&out);
    _tilebox_pb_get_collection_by_name_request_clear (&in);
  }
  {
    TileboxPbDeleteCollectionRequest in = { make_id (3), make_id (4) }, out = { 0 };

    ROUNDTRIP (delete_collection_request, &in, &out);
    assert_id_eq (&in.collection_id, &out.collection_id);
    assert_id_eq (&in.dataset_id, &out.dataset_id);
  }
  {
    TileboxPbListCollectionsRequest in = { make_id (5), TRUE, TRUE }, out = { 0 };

    ROUNDTRIP (list_collections_request, &in, &out);
    assert_id_eq (&in.dataset_id, &out.dataset_id);
    g_assert_true (out.with_availability);
    g_assert_true (out.with_count);
  }
  {
    TileboxPbCollectionInfos in = { 0 }, out = { 0 };

    in.data = g_ptr_array_new_with_free_func (_tilebox_pb_collection_info_free);
    g_ptr_array_add (in.data, new_collection_info ("ERS-1", 1, 239260));
    g_ptr_array_add (in.data, new_collection_info ("ERS-2", 2, 299119));
    g_ptr_array_add (in.data, g_new0 (TileboxPbCollectionInfo, 1));
    ROUNDTRIP (collection_infos, &in, &out);
    g_assert_cmpuint (out.data->len, ==, 3);
    for (guint i = 0; i < 2; i++)
      assert_collection_info_eq (g_ptr_array_index (in.data, i), g_ptr_array_index (out.data, i));
    g_assert_cmpstr (((TileboxPbCollectionInfo *) g_ptr_array_index (out.data, 2))->name, ==, "");
    _tilebox_pb_collection_infos_clear (&out);
    _tilebox_pb_collection_infos_clear (&in);
  }
}

static TileboxPbExpression *
comparison (const char *field,
            gint        op,
            double      value)
{
  TileboxPbExpression *e = _tilebox_pb_expression_new (TILEBOX_PB_EXPRESSION_COMPARISON);

  e->field = g_strdup (field);
  e->op = op;
  e->value.kind = TILEBOX_PB_LITERAL_DOUBLE;
  e->value.d = value;
  return e;
}

static TileboxPbExpression *
node (TileboxPbExpressionKind kind,
      TileboxPbExpression    *a,
      TileboxPbExpression    *b)
{
  TileboxPbExpression *e = _tilebox_pb_expression_new (kind);

  e->operands = g_ptr_array_new_with_free_func (_tilebox_pb_expression_free);
  g_ptr_array_add (e->operands, a);
  if (b != NULL)
    g_ptr_array_add (e->operands, b);
  return e;
}

/* Filter expressions: a tree of AND/OR/NOT over comparisons and IS NULL
 * travels unchanged, every literal kind keeps its zero value, and the
 * expressions of QueryFilters keep their order. */
static void
test_roundtrip_expressions (void)
{
  g_autoptr(TileboxPbExpression) is_null = _tilebox_pb_expression_new (TILEBOX_PB_EXPRESSION_IS_NULL);
  TileboxPbExpression *tree;
  TileboxPbExpression out = { 0 };
  TileboxPbQueryFilters filters = { 0 }, filters_out = { 0 };
  TileboxPbExpression *a, *o, *n;

  is_null->field = g_strdup ("humidity");
  tree = node (TILEBOX_PB_EXPRESSION_AND,
               comparison ("cloud_cover", 3, 20.5),
               node (TILEBOX_PB_EXPRESSION_OR,
                     _tilebox_pb_expression_new (TILEBOX_PB_EXPRESSION_NONE),
                     node (TILEBOX_PB_EXPRESSION_NOT, comparison ("resolution", 1, 0.0), NULL)));
  /* the empty member of OR becomes IS NULL humidity */
  _tilebox_pb_expression_free (g_ptr_array_index (((TileboxPbExpression *) g_ptr_array_index (tree->operands, 1))->operands, 0));
  ((TileboxPbExpression *) g_ptr_array_index (tree->operands, 1))->operands->pdata[0] = g_steal_pointer (&is_null);

  ROUNDTRIP (expression, tree, &out);
  g_assert_cmpint (out.kind, ==, TILEBOX_PB_EXPRESSION_AND);
  g_assert_cmpuint (out.operands->len, ==, 2);
  a = g_ptr_array_index (out.operands, 0);
  g_assert_cmpint (a->kind, ==, TILEBOX_PB_EXPRESSION_COMPARISON);
  g_assert_cmpstr (a->field, ==, "cloud_cover");
  g_assert_cmpint (a->op, ==, 3);
  g_assert_cmpint (a->value.kind, ==, TILEBOX_PB_LITERAL_DOUBLE);
  g_assert_cmpfloat (a->value.d, ==, 20.5);
  o = g_ptr_array_index (out.operands, 1);
  g_assert_cmpint (o->kind, ==, TILEBOX_PB_EXPRESSION_OR);
  g_assert_cmpuint (o->operands->len, ==, 2);
  g_assert_cmpint (((TileboxPbExpression *) g_ptr_array_index (o->operands, 0))->kind, ==, TILEBOX_PB_EXPRESSION_IS_NULL);
  g_assert_cmpstr (((TileboxPbExpression *) g_ptr_array_index (o->operands, 0))->field, ==, "humidity");
  n = g_ptr_array_index (o->operands, 1);
  g_assert_cmpint (n->kind, ==, TILEBOX_PB_EXPRESSION_NOT);
  g_assert_cmpuint (n->operands->len, ==, 1);
  /* a zero literal is still there */
  g_assert_cmpint (((TileboxPbExpression *) g_ptr_array_index (n->operands, 0))->value.kind, ==, TILEBOX_PB_LITERAL_DOUBLE);
  _tilebox_pb_expression_clear (&out);

  /* every literal kind, each with its zero value */
  for (gint kind = TILEBOX_PB_LITERAL_BOOL; kind <= TILEBOX_PB_LITERAL_TIME; kind++)
    {
      g_autoptr(TileboxPbExpression) c = comparison ("f", 2, 0.0);

      c->value.kind = kind;
      if (kind == TILEBOX_PB_LITERAL_STRING)
        c->value.s = g_strdup ("");
      if (kind == TILEBOX_PB_LITERAL_BYTES)
        c->value.bytes = g_bytes_new (NULL, 0);
      ROUNDTRIP (expression, c, &out);
      g_assert_cmpint (out.value.kind, ==, kind);
      if (kind == TILEBOX_PB_LITERAL_STRING)
        g_assert_cmpstr (out.value.s, ==, "");
      if (kind == TILEBOX_PB_LITERAL_BYTES)
        g_assert_cmpuint (g_bytes_get_size (out.value.bytes), ==, 0);
      _tilebox_pb_expression_clear (&out);
    }

  /* a negative int and a uint above G_MAXINT64 */
  {
    g_autoptr(TileboxPbExpression) c = comparison ("f", 4, 0.0);

    c->value.kind = TILEBOX_PB_LITERAL_INT;
    c->value.i = -5;
    ROUNDTRIP (expression, c, &out);
    g_assert_cmpint (out.value.i, ==, -5);
    _tilebox_pb_expression_clear (&out);
    c->value.kind = TILEBOX_PB_LITERAL_UINT;
    c->value.u = G_MAXUINT64;
    ROUNDTRIP (expression, c, &out);
    g_assert_cmpuint (out.value.u, ==, G_MAXUINT64);
    _tilebox_pb_expression_clear (&out);
  }

  /* in QueryFilters, after the interval, in order */
  filters.has_time_interval = TRUE;
  fill_time_interval (&filters.time_interval);
  filters.expressions = g_ptr_array_new_with_free_func (_tilebox_pb_expression_free);
  g_ptr_array_add (filters.expressions, tree);
  g_ptr_array_add (filters.expressions, comparison ("b", 6, -1.0));
  ROUNDTRIP (query_filters, &filters, &filters_out);
  g_assert_cmpuint (filters_out.expressions->len, ==, 2);
  g_assert_cmpint (((TileboxPbExpression *) g_ptr_array_index (filters_out.expressions, 0))->kind, ==, TILEBOX_PB_EXPRESSION_AND);
  g_assert_cmpstr (((TileboxPbExpression *) g_ptr_array_index (filters_out.expressions, 1))->field, ==, "b");
  _tilebox_pb_query_filters_clear (&filters_out);
  _tilebox_pb_query_filters_clear (&filters);

  /* a query without filters still has an (empty) expression array */
  {
    TileboxPbQueryRequest q = { 0 };

    g_assert_true (_tilebox_pb_query_request_decode (&q, (const guint8 *) "", 0, NULL));
    g_assert_nonnull (q.filters.expressions);
    g_assert_cmpuint (q.filters.expressions->len, ==, 0);
    _tilebox_pb_query_request_clear (&q);
  }
}

/* Nesting deeper than the codec's limit is refused, not a stack overflow. */
static void
test_expression_depth (void)
{
  g_autoptr(GByteArray) wire = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  TileboxPbExpression out = { 0 };

  /* 200 nested NOTs: each level is field 5 around the next */
  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(GByteArray) outer = g_byte_array_new ();

      _tilebox_pb_write_bytes (outer, 5, wire->data, wire->len);
      g_byte_array_set_size (wire, 0);
      g_byte_array_append (wire, outer->data, outer->len);
    }
  g_assert_false (_tilebox_pb_expression_decode (&out, wire->data, wire->len, &error));
  g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
  g_assert_null (out.operands);
}

static void
test_roundtrip_query (void)
{
  TileboxPbQueryRequest in = { 0 }, out = { 0 };
  TileboxPbId unset = { 0 };

  in.collection_ids = new_id_array (2, 0x70);
  g_array_append_val (in.collection_ids, unset);
  in.has_filters = TRUE;
  in.filters.has_time_interval = TRUE;
  fill_time_interval (&in.filters.time_interval);
  in.filters.has_spatial_extent = TRUE;
  in.filters.spatial_extent.geometry_wkb = bytes_from_string ("\x01\x01\x00\x00\x00");
  in.filters.spatial_extent.mode = 2;
  in.filters.spatial_extent.coordinate_system = 1;
  in.has_page = TRUE;
  in.page.has_limit = TRUE;
  in.page.limit = 0;
  in.page.starting_after = make_id (0x90);
  in.skip_data = TRUE;
  ROUNDTRIP (query_request, &in, &out);
  g_assert_cmpuint (out.collection_ids->len, ==, 3);
  /* an unset element travels as the nil UUID: set, all zeros */
  g_assert_true (g_array_index (out.collection_ids, TileboxPbId, 2).set);
  g_assert_true (is_all_zero (g_array_index (out.collection_ids, TileboxPbId, 2).uuid, 16));
  g_array_remove_index (in.collection_ids, 2);
  g_array_remove_index (out.collection_ids, 2);
  assert_id_array_eq (in.collection_ids, out.collection_ids);
  g_assert_true (out.has_filters);
  g_assert_true (out.filters.has_time_interval);
  g_assert_false (out.filters.has_datapoint_interval);
  assert_time_interval_eq (&in.filters.time_interval, &out.filters.time_interval);
  g_assert_true (out.filters.has_spatial_extent);
  assert_gbytes_eq (in.filters.spatial_extent.geometry_wkb, out.filters.spatial_extent.geometry_wkb);
  g_assert_cmpint (out.filters.spatial_extent.mode, ==, 2);
  g_assert_cmpint (out.filters.spatial_extent.coordinate_system, ==, 1);
  g_assert_true (out.has_page);
  g_assert_true (out.page.has_limit);
  g_assert_cmpint (out.page.limit, ==, 0);
  assert_id_eq (&in.page.starting_after, &out.page.starting_after);
  g_assert_true (out.skip_data);
  _tilebox_pb_query_request_clear (&out);

  /* the other member of the oneof */
  in.filters.has_time_interval = FALSE;
  in.filters.has_datapoint_interval = TRUE;
  in.filters.datapoint_interval = (TileboxPbIdInterval) { make_id (1), make_id (2), TRUE, FALSE };
  ROUNDTRIP (query_request, &in, &out);
  g_assert_false (out.filters.has_time_interval);
  g_assert_true (out.filters.has_datapoint_interval);
  assert_id_eq (&in.filters.datapoint_interval.end_id, &out.filters.datapoint_interval.end_id);
  g_assert_true (out.filters.datapoint_interval.start_exclusive);
  _tilebox_pb_query_request_clear (&out);

  /* QueryFilters and SpatialFilter on their own */
  {
    TileboxPbQueryFilters qf = { 0 };
    TileboxPbSpatialFilter sf = { 0 };

    ROUNDTRIP (query_filters, &in.filters, &qf);
    g_assert_true (qf.has_datapoint_interval);
    _tilebox_pb_query_filters_clear (&qf);
    ROUNDTRIP (spatial_filter, &in.filters.spatial_extent, &sf);
    assert_gbytes_eq (in.filters.spatial_extent.geometry_wkb, sf.geometry_wkb);
    _tilebox_pb_spatial_filter_clear (&sf);
  }
  _tilebox_pb_query_request_clear (&in);

  {
    TileboxPbQueryByIdRequest qin = { new_id_array (3, 1), make_id (0xa0), TRUE }, qout = { 0 };

    ROUNDTRIP (query_by_id_request, &qin, &qout);
    assert_id_array_eq (qin.collection_ids, qout.collection_ids);
    assert_id_eq (&qin.id, &qout.id);
    g_assert_true (qout.skip_data);
    _tilebox_pb_query_by_id_request_clear (&qout);
    _tilebox_pb_query_by_id_request_clear (&qin);
  }
  {
    TileboxPbAny ain = { g_strdup ("datasets.v1.X"), bytes_from_string ("\x08\x01") }, aout = { 0 };

    ROUNDTRIP (any, &ain, &aout);
    g_assert_cmpstr (aout.type_url, ==, "datasets.v1.X");
    assert_gbytes_eq (ain.value, aout.value);
    _tilebox_pb_any_clear (&aout);
    _tilebox_pb_any_clear (&ain);
  }
  {
    TileboxPbQueryResultPage pin = { 0 }, pout = { 0 };

    pin.type_url = g_strdup ("datasets.v1.X");
    pin.values = new_bytes_array ();
    pin.has_next_page = TRUE;
    pin.next_page.starting_after = make_id (0xb0);
    ROUNDTRIP (query_result_page, &pin, &pout);
    g_assert_cmpstr (pout.type_url, ==, "datasets.v1.X");
    assert_bytes_array_eq (pin.values, pout.values);
    g_assert_true (pout.has_next_page);
    g_assert_false (pout.next_page.has_limit);
    assert_id_eq (&pin.next_page.starting_after, &pout.next_page.starting_after);
    _tilebox_pb_query_result_page_clear (&pout);
    _tilebox_pb_query_result_page_clear (&pin);
  }
}

static void
test_roundtrip_ingest (void)
{
  {
    TileboxPbIngestRequest in = { make_id (1), new_bytes_array (), TRUE }, out = { 0 };

    ROUNDTRIP (ingest_request, &in, &out);
    assert_id_eq (&in.collection_id, &out.collection_id);
    assert_bytes_array_eq (in.values, out.values);
    g_assert_true (out.allow_existing);
    _tilebox_pb_ingest_request_clear (&out);
    _tilebox_pb_ingest_request_clear (&in);
  }
  {
    TileboxPbIngestResponse in = { 5, -2, new_id_array (5, 3) }, out = { 0 };

    ROUNDTRIP (ingest_response, &in, &out);
    g_assert_cmpint (out.num_created, ==, 5);
    g_assert_cmpint (out.num_existing, ==, -2);
    assert_id_array_eq (in.datapoint_ids, out.datapoint_ids);
    _tilebox_pb_ingest_response_clear (&out);
    _tilebox_pb_ingest_response_clear (&in);
  }
  {
    TileboxPbDeleteRequest in = { make_id (2), new_id_array (4, 9) }, out = { 0 };

    ROUNDTRIP (delete_request, &in, &out);
    assert_id_eq (&in.collection_id, &out.collection_id);
    assert_id_array_eq (in.datapoint_ids, out.datapoint_ids);
    _tilebox_pb_delete_request_clear (&out);
    _tilebox_pb_delete_request_clear (&in);
  }
}

/* --- decoding rules --------------------------------------------------------- */

/* One unknown field of every wire type: varint, fixed64, len, group (with a
 * nested varint inside), fixed32; and a known field number with a wrong wire
 * type (Dataset.name as a varint), which protobuf treats as unknown. */
#define UNKNOWN_FIELDS "f8 06 96 01" "81 07 0102030405060708" "8a 07 03 616263" \
                       "83 07 08 01 84 07" "8d 07 01020304"

static void
test_unknown_fields (void)
{
  TileboxPbDataset in = { 0 }, out = { 0 };
  g_autoptr(GByteArray) enc = g_byte_array_new ();
  g_autoptr(GByteArray) buf = hex (UNKNOWN_FIELDS "28 05");
  g_autoptr(GByteArray) tail = hex (UNKNOWN_FIELDS);
  g_autoptr(GError) error = NULL;

  fill_dataset (&in);
  _tilebox_pb_dataset_encode (&in, enc);
  g_byte_array_append (buf, enc->data, enc->len);
  g_byte_array_append (buf, tail->data, tail->len);
  g_assert_true (_tilebox_pb_dataset_decode (&out, buf->data, buf->len, &error));
  g_assert_no_error (error);
  assert_dataset_eq (&in, &out);
  _tilebox_pb_dataset_clear (&out);
  _tilebox_pb_dataset_clear (&in);

  /* inside nested messages: an ID and a Collection with the legacy field 1 */
  {
    TileboxPbCollectionInfo ci = { 0 };
    g_autoptr(GByteArray) nested =
      hex ("0a 3e"
             "0a 03 6f6c64"                     /* Collection.1: legacy string */
             "12 03 455253"                     /* name */
             "1a 32" UNKNOWN_FIELDS
               "0a 10 000102030405060708090a0b0c0d0e0f"   /* ID.uuid */
             "18 07");

    g_assert_cmpuint (nested->len, ==, 66);
    g_assert_true (_tilebox_pb_collection_info_decode (&ci, nested->data, nested->len, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (ci.name, ==, "ERS");
    g_assert_true (ci.id.set);
    g_assert_cmpuint (ci.id.uuid[15], ==, 0x0f);
    g_assert_true (ci.has_count);
    g_assert_cmpuint (ci.count, ==, 7);
    _tilebox_pb_collection_info_clear (&ci);
  }
}

static void
test_permissions_packing (void)
{
  static const char *const encodings[] = {
    "50 01 50 02 50 03",          /* unpacked */
    "52 03 01 02 03",             /* packed */
    "50 01 52 01 02 50 03",       /* mixed */
    "52 00 52 02 01 02 50 03",    /* with an empty run */
  };

  for (guint i = 0; i < G_N_ELEMENTS (encodings); i++)
    {
      TileboxPbDataset ds = { 0 };
      g_autoptr(GByteArray) in = hex (encodings[i]);
      g_autoptr(GByteArray) out = g_byte_array_new ();
      g_autoptr(GError) error = NULL;

      g_assert_true (_tilebox_pb_dataset_decode (&ds, in->data, in->len, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (ds.permissions->len, ==, 3);
      for (guint j = 0; j < 3; j++)
        g_assert_cmpint (g_array_index (ds.permissions, gint, j), ==, j + 1);
      /* always encoded packed */
      _tilebox_pb_dataset_encode (&ds, out);
      assert_encoding (out, "52 03 01 02 03");
      _tilebox_pb_dataset_clear (&ds);
    }

  /* a bad varint inside the packed run */
  {
    TileboxPbDataset ds = { 0 };
    g_autoptr(GByteArray) in = hex ("52 02 01 80");
    g_autoptr(GError) error = NULL;

    g_assert_false (_tilebox_pb_dataset_decode (&ds, in->data, in->len, &error));
    g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
    g_assert_nonnull (strstr (error->message, "datasets.v1.Dataset.permissions"));
    g_assert_true (is_all_zero (&ds, sizeof ds));
  }
}

static void
test_last_wins (void)
{
  TileboxPbDataset ds = { 0 };
  TileboxPbQueryFilters qf = { 0 };
  g_autoptr(GError) error = NULL;
  /* name twice, visibility twice, type twice: merged (type_url replaced,
   * annotations appended, kind kept) */
  g_autoptr(GByteArray) in =
    hex ("2a 01 41  58 01  1a 07 12 01 61 22 00 28 02"
         "2a 01 42  58 02  1a 05 12 01 62 22 00");

  g_assert_true (_tilebox_pb_dataset_decode (&ds, in->data, in->len, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (ds.name, ==, "B");
  g_assert_cmpint (ds.visibility, ==, 2);
  g_assert_true (ds.has_type);
  g_assert_cmpstr (ds.type.type_url, ==, "b");
  g_assert_cmpint (ds.type.kind, ==, 2);
  g_assert_cmpuint (ds.type.field_annotations->len, ==, 2);
  _tilebox_pb_dataset_clear (&ds);

  /* oneof: the last member read wins */
  {
    g_autoptr(GByteArray) in2 = hex ("0a 02 18 01  12 02 18 01");

    g_assert_true (_tilebox_pb_query_filters_decode (&qf, in2->data, in2->len, &error));
    g_assert_no_error (error);
    g_assert_false (qf.has_time_interval);
    g_assert_false (qf.time_interval.start_exclusive);
    g_assert_true (qf.has_datapoint_interval);
    g_assert_true (qf.datapoint_interval.start_exclusive);
    _tilebox_pb_query_filters_clear (&qf);
  }
}

static void
test_ids (void)
{
  TileboxPbDeleteDatasetRequest m = { 0 };
  g_autoptr(GError) error = NULL;

  /* absent: not set */
  g_assert_true (_tilebox_pb_delete_dataset_request_decode (&m, NULL, 0, &error));
  g_assert_false (m.id.set);

  /* present with no uuid, or an empty one: set, all zeros */
  {
    g_autoptr(GByteArray) in = hex ("0a 00");

    g_assert_true (_tilebox_pb_delete_dataset_request_decode (&m, in->data, in->len, &error));
    g_assert_true (m.id.set);
    g_assert_true (is_all_zero (m.id.uuid, 16));
  }
  {
    TileboxPbDeleteDatasetRequest m2 = { 0 };
    g_autoptr(GByteArray) in = hex ("0a 02 0a 00");

    g_assert_true (_tilebox_pb_delete_dataset_request_decode (&m2, in->data, in->len, &error));
    g_assert_true (m2.id.set);
    g_assert_true (is_all_zero (m2.id.uuid, 16));
  }
  g_assert_no_error (error);

  /* a uuid of 5 bytes */
  {
    TileboxPbDeleteDatasetRequest m3 = { 0 };
    g_autoptr(GByteArray) in = hex ("0a 07 0a 05 0102030405");

    g_assert_false (_tilebox_pb_delete_dataset_request_decode (&m3, in->data, in->len, &error));
    g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
    g_assert_nonnull (strstr (error->message, "datasets.v1.DeleteDatasetRequest.id"));
    g_assert_nonnull (strstr (error->message, "tilebox.v1.ID.uuid"));
    g_assert_true (is_all_zero (&m3, sizeof m3));
    g_clear_error (&error);
  }

  /* a uuid of 17 bytes inside a repeated ID */
  {
    TileboxPbIngestResponse m4 = { 0 };
    g_autoptr(GByteArray) in = hex ("1a 13 0a 11 000102030405060708090a0b0c0d0e0f10");

    g_assert_false (_tilebox_pb_ingest_response_decode (&m4, in->data, in->len, &error));
    g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
    g_assert_nonnull (strstr (error->message, "datasets.v1.IngestResponse.datapoint_ids"));
    g_assert_null (m4.datapoint_ids);
    g_clear_error (&error);
  }
}

static void
test_negative_enums (void)
{
  TileboxPbDataset ds = { 0 };
  TileboxPbSpatialFilter sf = { 0 };
  g_autoptr(GError) error = NULL;
  /* visibility -1 as 10 bytes; DatasetKind as an int32 truncated from a
   * larger varint (0x1_0000_0005 -> 5) */
  g_autoptr(GByteArray) in = hex ("58 ffffffffffffffffff01 1a 06 28 85 80 80 80 10");
  g_autoptr(GByteArray) in2 = hex ("10 feffffff0f");

  g_assert_true (_tilebox_pb_dataset_decode (&ds, in->data, in->len, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ds.visibility, ==, -1);
  g_assert_cmpint (ds.type.kind, ==, 5);
  _tilebox_pb_dataset_clear (&ds);

  /* a negative int32 sent in its 5-byte (non sign-extended) form */
  g_assert_true (_tilebox_pb_spatial_filter_decode (&sf, in2->data, in2->len, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sf.mode, ==, -2);
  _tilebox_pb_spatial_filter_clear (&sf);
}

/* --- malformed input ---------------------------------------------------- */

typedef struct {
  const char *hex;
  const char *in_message; /* must appear in the error message */
} BadInput;

static void
test_malformed (void)
{
  static const BadInput cases[] = {
    /* truncated varint of the tag */
    { "80", "datasets.v1.Dataset: " },
    /* name with a length past the end */
    { "2a 05 41", "datasets.v1.Dataset.name" },
    /* invalid UTF-8 in a string */
    { "2a 02 c3 28", "datasets.v1.Dataset.name" },
    /* field number 0 */
    { "00 01", "datasets.v1.Dataset" },
    /* wire type 7 */
    { "2f", "datasets.v1.Dataset" },
    /* unknown field with a truncated fixed64 */
    { "f9 06 0102", "datasets.v1.Dataset (field 111)" },
    /* an unterminated group */
    { "fb 06 08 01", "datasets.v1.Dataset (field 111)" },
    /* a stray end-group */
    { "fc 06", "datasets.v1.Dataset" },
    /* a bad uuid deep inside */
    { "72 09 0a 07 1a 05 0a 03 010203", "datasets.v1.Dataset.collections: datasets.v1.CollectionInfo.collection: datasets.v1.Collection.id: tilebox.v1.ID.uuid" },
    /* a truncated timestamp inside availability */
    { "72 06 12 04 0a 02 08 80", "datasets.v1.CollectionInfo.availability: tilebox.v1.TimeInterval.start_time" },
    /* a truncated annotation */
    { "1a 04 22 02 0a 05", "datasets.v1.AnnotatedType.field_annotations: datasets.v1.FieldAnnotation.description" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      TileboxPbDataset ds = { 0 };
      g_autoptr(GByteArray) in = hex (cases[i].hex);
      g_autoptr(GError) error = NULL;

      g_test_message ("case %u: %s", i, cases[i].hex);
      g_assert_false (_tilebox_pb_dataset_decode (&ds, in->data, in->len, &error));
      g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
      g_test_message ("  -> %s", error->message);
      g_assert_nonnull (strstr (error->message, cases[i].in_message));
      g_assert_true (is_all_zero (&ds, sizeof ds));
    }

  /* the same errors without a GError to fill */
  {
    TileboxPbDataset ds = { 0 };
    g_autoptr(GByteArray) in = hex (cases[8].hex);

    g_assert_false (_tilebox_pb_dataset_decode (&ds, in->data, in->len, NULL));
  }

  /* through the outer message too */
  {
    TileboxPbListDatasetsResponse resp = { 0 };
    g_autoptr(GByteArray) in = hex ("0a 0b 72 09 0a 07 1a 05 0a 03 010203");
    g_autoptr(GError) error = NULL;

    g_assert_false (_tilebox_pb_list_datasets_response_decode (&resp, in->data, in->len, &error));
    g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
    g_assert_true (g_str_has_prefix (error->message, "datasets.v1.ListDatasetsResponse.datasets: datasets.v1.Dataset.collections: "));
    g_assert_true (is_all_zero (&resp, sizeof resp));
  }

  /* deep nesting is refused, not a stack overflow: a ListDatasetsResponse
   * can not nest by itself, but the reader's limit protects groups */
  {
    GByteArray *in = g_byte_array_new ();
    TileboxPbDataset ds = { 0 };
    g_autoptr(GError) error = NULL;

    for (guint i = 0; i < 200; i++)
      g_byte_array_append (in, (const guint8 *) "\xfb\x06", 2);
    for (guint i = 0; i < 200; i++)
      g_byte_array_append (in, (const guint8 *) "\xfc\x06", 2);
    g_assert_false (_tilebox_pb_dataset_decode (&ds, in->data, in->len, &error));
    g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
    g_byte_array_unref (in);
  }
}

/* Every prefix of a valid encoding either decodes or fails cleanly; and so
 * does every single-byte corruption. */
static void
test_truncations (void)
{
  TileboxPbListDatasetsResponse in = { 0 };
  TileboxPbDataset *ds = g_new0 (TileboxPbDataset, 1);
  g_autoptr(GByteArray) enc = g_byte_array_new ();
  g_autoptr(GByteArray) ds_enc = g_byte_array_new ();
  guint n_ok = 0, n_failed = 0;

  fill_dataset (ds);
  _tilebox_pb_dataset_encode (ds, ds_enc);

  for (gsize len = 0; len < ds_enc->len; len++)
    {
      TileboxPbDataset out = { 0 };
      GError *error = NULL;

      if (_tilebox_pb_dataset_decode (&out, ds_enc->data, len, &error))
        {
          g_assert_no_error (error);
          g_assert_nonnull (out.name);
          _tilebox_pb_dataset_clear (&out);
          n_ok++;
        }
      else
        {
          g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
          g_assert_true (g_str_has_prefix (error->message, "datasets.v1.Dataset"));
          g_assert_true (is_all_zero (&out, sizeof out));
          g_error_free (error);
          n_failed++;
        }
    }
  g_test_message ("%u prefixes decoded, %u failed", n_ok, n_failed);
  g_assert_cmpuint (n_ok, >, 0);
  g_assert_cmpuint (n_failed, >, 0);

  in.datasets = g_ptr_array_new_with_free_func (_tilebox_pb_dataset_free);
  g_ptr_array_add (in.datasets, ds);
  in.groups = g_ptr_array_new_with_free_func (_tilebox_pb_dataset_group_free);
  g_ptr_array_add (in.groups, new_group (1, TRUE, "G"));
  in.server_message = g_strdup ("m");
  in.has_maximum_owned_datasets = TRUE;
  _tilebox_pb_list_datasets_response_encode (&in, enc);

  for (gsize pos = 0; pos < enc->len; pos++)
    {
      static const guint8 flips[] = { 0xff, 0x80, 0x01, 0x07 };

      for (guint f = 0; f < G_N_ELEMENTS (flips); f++)
        {
          g_autoptr(GByteArray) bad = g_byte_array_sized_new (enc->len);
          TileboxPbListDatasetsResponse out = { 0 };
          GError *error = NULL;

          g_byte_array_append (bad, enc->data, enc->len);
          bad->data[pos] ^= flips[f];
          if (_tilebox_pb_list_datasets_response_decode (&out, bad->data, bad->len, &error))
            _tilebox_pb_list_datasets_response_clear (&out);
          else
            {
              g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
              g_error_free (error);
            }
        }
    }

  _tilebox_pb_list_datasets_response_clear (&in);
}

static void
test_copies (void)
{
  TileboxPbCollectionInfo *ci = new_collection_info ("c", 1, 5);
  TileboxPbCollectionInfo *ci_copy = _tilebox_pb_collection_info_copy (ci);
  TileboxPbDatasetGroup *g = new_group (2, TRUE, "G");
  TileboxPbDatasetGroup *g_copy = _tilebox_pb_dataset_group_copy (g);
  TileboxPbDataset empty = { 0 };
  TileboxPbDataset *empty_copy;

  g_assert_true (ci_copy->name != ci->name);
  assert_collection_info_eq (ci, ci_copy);
  g_assert_true (g_copy->name != g->name);
  assert_group_eq (g, g_copy);
  _tilebox_pb_collection_info_free (ci);
  _tilebox_pb_dataset_group_free (g);
  g_assert_cmpstr (ci_copy->name, ==, "c");
  g_assert_cmpstr (g_copy->name, ==, "G");
  _tilebox_pb_collection_info_free (ci_copy);
  _tilebox_pb_dataset_group_free (g_copy);

  /* a copy of a zeroed dataset stays zeroed */
  empty_copy = _tilebox_pb_dataset_copy (&empty);
  g_assert_true (is_all_zero (empty_copy, sizeof *empty_copy));
  _tilebox_pb_dataset_free (empty_copy);
  _tilebox_pb_dataset_free (NULL);
}

/* _tilebox_pb_query_result_page_decode_bytes: the same page as the copying
 * decoder, with values that are slices of the body, which they keep alive;
 * malformed pages fail the same way, leaving the message cleared. */
static void
test_page_slices (void)
{
  TileboxPbQueryResultPage pin = { 0 }, copied = { 0 }, sliced = { 0 };
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  GBytes *body;
  const guint8 *body_data;
  gsize body_len;

  pin.type_url = g_strdup ("datasets.v1.X");
  pin.values = new_bytes_array ();
  g_ptr_array_add (pin.values, g_bytes_new_take (g_malloc0 (300), 300)); /* a 2-byte length */
  pin.has_next_page = TRUE;
  pin.next_page.starting_after = make_id (0xb0);
  _tilebox_pb_query_result_page_encode (&pin, out);
  /* two RepeatedAny: their values are appended, the last type_url wins */
  _tilebox_pb_write_bytes (out, 1, (const guint8 *) "\x12\x03" "abc" "\x0a\x01" "Y", 8);
  body = g_byte_array_free_to_bytes (g_steal_pointer (&out));
  body_data = g_bytes_get_data (body, &body_len);

  g_assert_true (_tilebox_pb_query_result_page_decode (&copied, body_data, body_len, &error));
  g_assert_no_error (error);
  g_assert_true (_tilebox_pb_query_result_page_decode_bytes (&sliced, body, &error));
  g_assert_no_error (error);

  g_assert_cmpstr (sliced.type_url, ==, "Y");
  g_assert_cmpstr (sliced.type_url, ==, copied.type_url);
  g_assert_cmpuint (sliced.values->len, ==, 5);
  assert_bytes_array_eq (copied.values, sliced.values);
  g_assert_true (sliced.has_next_page);
  assert_id_eq (&copied.next_page.starting_after, &sliced.next_page.starting_after);
  for (guint i = 0; i < sliced.values->len; i++)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (g_ptr_array_index (sliced.values, i), &len);

      if (len == 0)
        continue;
      g_assert_true (data > body_data && data + len <= body_data + body_len);
    }

  /* the values keep the body */
  g_bytes_unref (body);
  assert_bytes_array_eq (copied.values, sliced.values);
  _tilebox_pb_query_result_page_clear (&sliced);

  /* an empty body */
  body = g_bytes_new (NULL, 0);
  g_assert_true (_tilebox_pb_query_result_page_decode_bytes (&sliced, body, NULL));
  g_assert_cmpstr (sliced.type_url, ==, "");
  g_assert_nonnull (sliced.values);
  g_assert_cmpuint (sliced.values->len, ==, 0);
  g_assert_false (sliced.has_next_page);
  _tilebox_pb_query_result_page_clear (&sliced);
  g_bytes_unref (body);

  /* malformed: every truncation of the page fails or decodes a prefix,
   * as the copying decoder does, and a failure leaves nothing behind */
  out = g_byte_array_new ();
  _tilebox_pb_query_result_page_encode (&pin, out);
  for (guint cut = 0; cut < out->len; cut++)
    {
      g_autoptr(GBytes) part = g_bytes_new (out->data, cut);
      g_autoptr(GError) copy_error = NULL;
      g_autoptr(GError) slice_error = NULL;
      TileboxPbQueryResultPage a = { 0 }, b = { 0 };
      gboolean copy_ok = _tilebox_pb_query_result_page_decode (&a, out->data, cut, &copy_error);
      gboolean slice_ok = _tilebox_pb_query_result_page_decode_bytes (&b, part, &slice_error);

      g_assert_cmpint (copy_ok, ==, slice_ok);
      if (slice_ok)
        {
          assert_bytes_array_eq (a.values, b.values);
        }
      else
        {
          g_assert_error (slice_error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
          g_assert_cmpstr (slice_error->message, ==, copy_error->message);
          g_assert_true (is_all_zero (&b, sizeof b));
        }
      _tilebox_pb_query_result_page_clear (&a);
      _tilebox_pb_query_result_page_clear (&b);
    }

  /* a value whose length runs past the end of the page */
  {
    g_autoptr(GByteArray) in = hex ("0a 06 0a 01 58 12 05 41");
    g_autoptr(GBytes) bad = g_bytes_new (in->data, in->len);

    g_clear_error (&error);
    g_assert_false (_tilebox_pb_query_result_page_decode_bytes (&sliced, bad, &error));
    g_assert_error (error, TILEBOX_ERROR, TILEBOX_ERROR_PROTOCOL);
    g_assert_nonnull (strstr (error->message, "datasets.v1.QueryResultPage.data"));
    g_assert_true (is_all_zero (&sliced, sizeof sliced));
  }

  _tilebox_pb_query_result_page_clear (&copied);
  _tilebox_pb_query_result_page_clear (&pin);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/messages/empty", test_empty);
  g_test_add_func ("/messages/empty-values", test_empty_values);
  g_test_add_func ("/messages/normalized", test_normalized);
  g_test_add_func ("/messages/bytes", test_bytes);
  g_test_add_func ("/messages/roundtrip/small", test_roundtrip_small);
  g_test_add_func ("/messages/roundtrip/dataset", test_roundtrip_dataset);
  g_test_add_func ("/messages/roundtrip/list-datasets", test_roundtrip_list_datasets);
  g_test_add_func ("/messages/roundtrip/dataset-requests", test_roundtrip_dataset_requests);
  g_test_add_func ("/messages/roundtrip/collections", test_roundtrip_collections);
  g_test_add_func ("/messages/roundtrip/query", test_roundtrip_query);
  g_test_add_func ("/messages/roundtrip/expressions", test_roundtrip_expressions);
  g_test_add_func ("/messages/expression-depth", test_expression_depth);
  g_test_add_func ("/messages/roundtrip/ingest", test_roundtrip_ingest);
  g_test_add_func ("/messages/unknown-fields", test_unknown_fields);
  g_test_add_func ("/messages/permissions-packing", test_permissions_packing);
  g_test_add_func ("/messages/last-wins", test_last_wins);
  g_test_add_func ("/messages/ids", test_ids);
  g_test_add_func ("/messages/negative-enums", test_negative_enums);
  g_test_add_func ("/messages/malformed", test_malformed);
  g_test_add_func ("/messages/truncations", test_truncations);
  g_test_add_func ("/messages/copies", test_copies);
  g_test_add_func ("/messages/page-slices", test_page_slices);

  return g_test_run ();
}
