#!/usr/bin/python3
# Python smoke test: the library through PyGObject, blocking and async,
# against the local server and against a server replaying recorded
# responses of the real service.
#
# Copyright 2026 The libtilebox authors
# SPDX-License-Identifier: LGPL-2.1-or-later

import http.server
import os
import struct
import sys
import threading
import unittest

import gi

gi.require_version("Tilebox", "1")
from local_server import start_local_server, stop_local_server  # noqa: E402
from gi.repository import GLib, Tilebox  # noqa: E402



class LocalServerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server, cls.url = start_local_server("--demo")

    @classmethod
    def tearDownClass(cls):
        stop_local_server(cls.server)

    def test_list_datasets_blocking(self):
        client = Tilebox.Client.new_for_url(self.url, None)
        datasets = client.list_datasets(None)
        slugs = {d.get_slug() for d in datasets}
        self.assertIn("open_data.copernicus.sentinel2_msi", slugs)
        s2 = next(d for d in datasets if d.props.slug == "open_data.copernicus.sentinel2_msi")
        self.assertEqual(s2.props.kind, Tilebox.DatasetKind.SPATIOTEMPORAL)
        self.assertEqual(s2.get_group().get_parent().get_name(), "Open data")
        self.assertEqual(s2.get_schema().get_field(0).get_field_type(), Tilebox.FieldType.TIMESTAMP)

    def test_collections_blocking(self):
        client = Tilebox.Client.new_for_url(self.url, None)
        dataset = client.get_dataset("open_data.copernicus.sentinel2_msi", None)
        names = [c.get_name() for c in dataset.list_collections(None)]
        self.assertIn("S2A_S2MSI1C", names)
        collection = dataset.get_collection("S2A_S2MSI1C", None)
        self.assertTrue(collection.refresh(None))
        self.assertTrue(collection.get_has_count())
        self.assertGreater(collection.get_count(), 0)
        self.assertIsNotNone(collection.get_availability())

    def test_list_datasets_async(self):
        client = Tilebox.Client.new_for_url(self.url, None)
        loop = GLib.MainLoop()
        result = {}

        def done(source, res):
            try:
                result["datasets"] = source.list_datasets_finish(res)
            except GLib.Error as e:
                result["error"] = e
            loop.quit()

        client.list_datasets_async(None, done)
        GLib.timeout_add_seconds(30, loop.quit)
        loop.run()
        self.assertNotIn("error", result)
        self.assertGreaterEqual(len(result["datasets"]), 3)

    def test_query_blocking_and_async(self):
        client = Tilebox.Client.new_for_url(self.url, None)
        weather = client.get_dataset("demo.weather_stations", None)
        berlin = weather.get_collection("berlin", None)
        query = Tilebox.Query.new()
        query.set_time_interval(Tilebox.TimeInterval.new_parse("2025-01-01", "2025-01-02"))
        reports = []
        query.connect("progress", lambda q, n, pages, size, fraction: reports.append((n, pages, fraction)))
        readings = berlin.query(query, None)
        self.assertEqual(reports, [(24, 1, 1.0)])
        # Hourly readings from midnight: 24 in the first day.
        self.assertEqual(readings.get_n_rows(), 24)
        self.assertEqual(len(readings.get_ids()), 24)
        humidity = readings.get_column("humidity").unpack()
        present = readings.get_presence("humidity").unpack()
        self.assertEqual(len(humidity), 24)
        # Every tenth reading has no humidity: rows 9 and 19 of the day.
        self.assertEqual([i for i, p in enumerate(present) if not p], [9, 19])
        self.assertIsNone(readings.get_item(9).get_field("humidity"))
        self.assertIsInstance(readings.get_item(8).get_field("humidity").unpack(), float)
        first = readings.get_item(0)
        self.assertEqual(first.get_time().get_hour(), 0)
        self.assertTrue(first.get_field("station").unpack().startswith("Berlin"))

        loop = GLib.MainLoop()
        result = {}

        def done(source, res):
            try:
                result["datapoints"] = source.query_finish(res)
            except GLib.Error as e:
                result["error"] = e
            loop.quit()

        berlin.query_async(query, None, done)
        GLib.timeout_add_seconds(30, loop.quit)
        loop.run()
        self.assertNotIn("error", result)
        self.assertEqual(result["datapoints"].get_ids(), readings.get_ids())

    def test_filters(self):
        client = Tilebox.Client.new_for_url(self.url, None)
        berlin = client.get_dataset("demo.weather_stations", None).get_collection("berlin", None)
        query = Tilebox.Query.new()
        query.set_time_interval(Tilebox.TimeInterval.new_parse("2025-01-01", "2025-01-02"))

        # From CQL2 text, evaluated by the server: rows 9 and 19 lack humidity.
        query.add_filter(Tilebox.Filter.new_parse("humidity IS NULL"))
        missing = berlin.query(query, None)
        self.assertEqual(missing.get_n_rows(), 2)
        self.assertEqual(missing.get_presence("humidity").unpack(), [False, False])

        # Node by node, with a GLib.Variant value; NOT of a comparison
        # leaves out the rows where the field is absent.
        query.clear_filters()
        warm = Tilebox.Filter.new_compare("humidity", Tilebox.FilterOp.GT, GLib.Variant("d", 50.0))
        not_warm = Tilebox.Filter.new_not(warm)
        self.assertEqual(not_warm.to_string(), "NOT humidity > 50.0")
        query.add_filter(not_warm)
        rows = berlin.query(query, None)
        self.assertTrue(all(rows.get_presence("humidity").unpack()))
        self.assertTrue(all(v <= 50.0 for v in rows.get_column("humidity").unpack()))

        # A filter that does not fit the schema: a GLib.Error before sending.
        query.clear_filters()
        query.add_filter(Tilebox.Filter.new_parse("tags = 'hourly'"))
        with self.assertRaises(GLib.Error) as caught:
            berlin.query(query, None)
        self.assertTrue(caught.exception.matches(Tilebox.error_quark(), Tilebox.Error.INVALID_ARGUMENT))
        with self.assertRaises(GLib.Error):
            Tilebox.Filter.new_parse("humidity >")

    def test_query_pages_blocking_async_and_resumed(self):
        client = Tilebox.Client.new_for_url(self.url, None)
        berlin = client.get_dataset("demo.weather_stations", None).get_collection("berlin", None)
        query = Tilebox.Query.new()
        query.set_time_interval(Tilebox.TimeInterval.new_parse("2025-01-01", "2025-01-03"))
        query.set_page_size(10)
        whole = berlin.query(query, None).get_ids()
        self.assertEqual(len(whole), 48)

        cursor = berlin.query_pages(query)
        ids = []
        while (page := cursor.next(None)) is not None:
            self.assertLessEqual(page.get_n_rows(), 10)
            ids.extend(page.get_ids())
        self.assertEqual(ids, whole)
        self.assertTrue(cursor.is_done())
        self.assertEqual(cursor.props.n_pages, 5)
        self.assertEqual(cursor.props.n_datapoints, 48)
        self.assertEqual(cursor.props.position, whole[-1])
        self.assertIsNone(cursor.next(None))

        # A new cursor from a kept position, read async to the end.
        resumed = berlin.query_pages(query)
        self.assertTrue(resumed.set_position(whole[19]))
        loop = GLib.MainLoop()
        rest, errors = [], []

        def done(source, res):
            try:
                page = source.next_finish(res)
            except GLib.Error as e:
                errors.append(e)
                page = None
            if page is None:
                loop.quit()
                return
            rest.extend(page.get_ids())
            source.next_async(None, done)

        resumed.next_async(None, done)
        GLib.timeout_add_seconds(30, loop.quit)
        loop.run()
        self.assertEqual(errors, [])
        self.assertEqual(rest, whole[20:])
        self.assertTrue(resumed.props.done)

        with self.assertRaises(GLib.Error) as caught:
            berlin.query_pages(query).set_position("not a position")
        self.assertTrue(caught.exception.matches(Tilebox.error_quark(), Tilebox.Error.INVALID_ARGUMENT))

    def test_create_update_delete_dataset(self):
        client = Tilebox.Client.new_for_url(self.url, None)
        cover = Tilebox.FieldSpec.new("cloud_cover", Tilebox.FieldType.DOUBLE)
        cover.set_description("Cloud cover in percent")
        cover.set_queryable(True)
        bands = Tilebox.FieldSpec.new("bands", Tilebox.FieldType.STRING)
        bands.set_repeated(True)
        level = Tilebox.FieldSpec.new_enum("level", "ProcessingLevel")
        self.assertEqual(level.get_type_name(), "datasets.v1.ProcessingLevel")

        created = client.create_dataset("Python scenes", Tilebox.DatasetKind.SPATIOTEMPORAL,
                                        [cover, bands, level], None, "From Python")
        self.assertEqual(created.get_slug(), "local.python_scenes")
        names = [f.get_name() for f in created.get_schema().get_fields()]
        self.assertEqual(names, ["time", "id", "ingestion_time", "geometry", "cloud_cover", "bands", "level"])
        field = created.get_schema().lookup_field("cloud_cover")
        self.assertTrue(field.get_queryable())
        self.assertEqual(field.get_description(), "Cloud cover in percent")
        self.assertTrue(created.get_schema().lookup_field("bands").get_repeated())

        # A field added, renamed; None and [] keep the fields.
        orbit = Tilebox.FieldSpec.new("orbit", Tilebox.FieldType.UINT32)
        updated = client.update_dataset(created, "Python scenes v2", [cover, bands, level, orbit], None, None)
        self.assertEqual(updated.get_name(), "Python scenes v2")
        self.assertIsNotNone(updated.get_schema().lookup_field("orbit"))
        self.assertIsNone(created.get_schema().lookup_field("orbit"))
        kept = client.update_dataset(updated, None, None, "New summary", None)
        self.assertEqual(kept.get_schema().get_n_fields(), 8)
        self.assertEqual(kept.get_summary(), "New summary")
        unchanged = client.update_dataset(kept, "Python scenes v3", [], None, None)
        self.assertEqual(unchanged.get_schema().get_n_fields(), 8)
        self.assertEqual(unchanged.get_name(), "Python scenes v3")

        # Invalid specs are refused before anything is sent.
        with self.assertRaises(GLib.Error) as caught:
            client.create_dataset("Refused", Tilebox.DatasetKind.TEMPORAL,
                                  [Tilebox.FieldSpec.new("time", Tilebox.FieldType.STRING)], None, None)
        self.assertTrue(caught.exception.matches(Tilebox.error_quark(), Tilebox.Error.INVALID_ARGUMENT))

        loop = GLib.MainLoop()
        result = {}

        def deleted(source, res):
            try:
                result["deleted"] = source.delete_dataset_finish(res)
            except GLib.Error as e:
                result["error"] = e
            loop.quit()

        client.delete_dataset_async(unchanged, None, deleted)
        GLib.timeout_add_seconds(30, loop.quit)
        loop.run()
        self.assertNotIn("error", result)
        self.assertTrue(result["deleted"])
        with self.assertRaises(GLib.Error) as caught:
            client.get_dataset("local.python_scenes", None)
        self.assertTrue(caught.exception.matches(Tilebox.error_quark(), Tilebox.Error.NOT_FOUND))

    def test_errors_are_glib_errors_in_the_tilebox_domain(self):
        client = Tilebox.Client.new_for_url(self.url, None)
        with self.assertRaises(GLib.Error) as caught:
            client.get_dataset("no_such.dataset", None)
        self.assertTrue(caught.exception.matches(Tilebox.error_quark(), Tilebox.Error.NOT_FOUND))
        with self.assertRaises(GLib.Error) as caught:
            Tilebox.Client.new_for_url("not a url", None)
        self.assertTrue(caught.exception.matches(Tilebox.error_quark(), Tilebox.Error.INVALID_ARGUMENT))


def recorded_calls(name):
    root = os.environ.get("TILEBOX_RECORDINGS_DIR", "")
    path = os.path.join(root, "go", name)
    if not os.path.exists(path):
        return None
    with open(path, "rb") as f:
        data = f.read()
    calls, pos = [], 0
    while pos < len(data):
        status, length = struct.unpack_from("<qQ", data, pos)
        pos += 16
        calls.append((status, data[pos:pos + length]))
        pos += length
    return calls


class ReplayHandler(http.server.BaseHTTPRequestHandler):
    # method name -> gzip-compressed response body
    responses = {}

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(length)
        body = self.responses.get(self.path.rsplit("/", 1)[-1])
        if body is None:
            self.send_response(404)
            self.send_header("Content-Type", "application/json")
            payload = b'{"code":"unimplemented","message":"not recorded"}'
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/proto")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class ReplayTest(unittest.TestCase):
    def test_list_datasets_of_the_real_service(self):
        calls = recorded_calls("datasets.rpcs.bin")
        if calls is None:
            self.skipTest("recorded responses not available")
        ReplayHandler.responses = {"ListDatasets": calls[0][1]}
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ReplayHandler)
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        try:
            url = f"http://127.0.0.1:{httpd.server_address[1]}"
            c = Tilebox.Client.new_for_url(url, None)
            datasets = c.list_datasets(None)
            # The recorded ListDatasets holds 10 datasets in 4 groups.
            self.assertEqual(len(datasets), 10)
            self.assertEqual(len(c.list_dataset_groups(None)), 4)
            self.assertTrue(all(d.get_name() for d in datasets))
            self.assertTrue(all(d.get_schema().get_n_fields() > 0 for d in datasets))
        finally:
            httpd.shutdown()


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    sys.exit(0 if result.wasSuccessful() else 1)
