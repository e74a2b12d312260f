#!/usr/bin/python3
# The whole public API from Python: every network operation blocking and
# through its GIO async form, the value types, the errors a user meets, and
# column data into numpy.
#
# Copyright 2026 The libtilebox authors
# SPDX-License-Identifier: LGPL-2.1-or-later

import json
import socket
import struct
import sys
import unittest
from datetime import datetime, timezone

import gi

gi.require_version("Tilebox", "1")
gi.require_version("Json", "1.0")
from local_server import start_local_server, stop_local_server  # noqa: E402
from gi.repository import Gio, GLib, Json, Tilebox  # noqa: E402

try:
    import numpy
except ImportError:
    numpy = None

WEATHER = "demo.weather_stations"
SENTINEL2 = "open_data.copernicus.sentinel2_msi"
ASYNC_TIMEOUT_S = 30
# 2025-01-01T00:00:00Z, where the demo data starts
DEMO_START_NS = 1735689600 * 10**9
HOUR_NS = 3600 * 10**9


def call_async(method, *args, cancellable=None):
    """Runs obj.foo_async(*args, cancellable, callback) on a main loop and
    returns what obj.foo_finish gives, or raises its GLib.Error."""
    name = method.__name__
    assert name.endswith("_async"), name
    finish_name = name[: -len("_async")] + "_finish"
    loop = GLib.MainLoop()
    outcome = {}

    def done(source, result):
        try:
            outcome["value"] = getattr(source, finish_name)(result)
        except GLib.Error as error:
            outcome["error"] = error
        loop.quit()

    def too_late():
        outcome["timeout"] = True
        loop.quit()
        return GLib.SOURCE_REMOVE

    method(*args, cancellable, done)
    guard = GLib.timeout_add_seconds(ASYNC_TIMEOUT_S, too_late)
    loop.run()
    if "timeout" in outcome:
        raise AssertionError(f"{name} did not call back within {ASYNC_TIMEOUT_S} s")
    GLib.source_remove(guard)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def rfc3339(ns):
    seconds, rest = divmod(ns, 10**9)
    text = datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    if rest:
        text += (".%09d" % rest).rstrip("0")
    return text + "Z"


def as_python(node):
    return json.loads(Json.to_string(node, False))


def without_ingestion_time(datapoints):
    rows = as_python(datapoints.to_json())
    for row in rows:
        del row["ingestion_time"]
    return rows


def day_query(start="2025-01-01", end="2025-01-02"):
    query = Tilebox.Query.new()
    query.set_time_interval(Tilebox.TimeInterval.new_parse(start, end))
    return query


def polygon_bounds(wkb):
    """Bounding box (min_lon, min_lat, max_lon, max_lat) of a little-endian
    ISO WKB polygon."""
    order, kind = struct.unpack_from("<BI", wkb, 0)
    pos = 5
    if kind & 0x20000000:
        # EWKB: an SRID follows the type
        kind &= ~0x20000000
        pos += 4
    n_rings, n_points = struct.unpack_from("<II", wkb, pos)
    assert order == 1 and kind == 3 and n_rings >= 1, (order, kind, n_rings)
    coords = struct.unpack_from("<%dd" % (2 * n_points), wkb, pos + 8)
    lons, lats = coords[0::2], coords[1::2]
    return min(lons), min(lats), max(lons), max(lats)


class TileboxTestCase(unittest.TestCase):
    def assertTileboxError(self, error, code, *fragments):
        """The error is in the Tilebox domain with this code, and its message
        names each of fragments."""
        self.assertIsInstance(error, GLib.Error)
        self.assertEqual(error.domain, GLib.quark_to_string(Tilebox.Error.quark()), error.message)
        self.assertTrue(error.matches(Tilebox.Error.quark(), code),
                        f"expected {code.value_nick}, got code {error.code}: {error.message}")
        for fragment in fragments:
            self.assertIn(fragment, error.message)


class DemoTestCase(TileboxTestCase):
    """A test case with a demo server, a client and the berlin collection."""

    @classmethod
    def setUpClass(cls):
        cls.server, cls.url = start_local_server("--demo")
        cls.client = Tilebox.Client.new_for_url(cls.url, None)
        cls.weather = cls.client.get_dataset(WEATHER, None)
        cls.berlin = cls.weather.get_collection("berlin", None)

    @classmethod
    def tearDownClass(cls):
        stop_local_server(cls.server)


class ReadTest(DemoTestCase):
    """Every reading operation against the demo catalogue, blocking and async."""

    def test_client_settings(self):
        self.assertEqual(self.client.get_url(), self.url)
        self.assertFalse(self.client.get_anonymous())
        self.assertIsNone(self.client.get_user_agent())
        self.client.set_timeout(45)
        self.assertEqual(self.client.get_timeout(), 45)
        self.assertEqual(self.client.props.timeout, 45)
        retries = self.client.get_max_retries()
        self.client.set_max_retries(7)
        self.assertEqual(self.client.props.max_retries, 7)
        self.client.set_max_retries(retries)
        self.client.set_timeout(0)

        tagged = Tilebox.Client(url=self.url, user_agent="python-api-test/1")
        self.assertTrue(tagged.init(None))
        self.assertEqual(tagged.get_user_agent(), "python-api-test/1")
        self.assertEqual(len(tagged.list_datasets(None)), 3)

        default = Tilebox.Client.new()
        self.assertEqual(default.get_url(), Tilebox.DEFAULT_URL)

    def test_list_datasets(self):
        datasets = self.client.list_datasets(None)
        self.assertEqual(sorted(d.get_slug() for d in datasets),
                         sorted([SENTINEL2, "open_data.asf.ers_sar", WEATHER]))
        by_async = call_async(self.client.list_datasets_async)
        self.assertEqual([(d.get_id(), d.get_slug()) for d in by_async],
                         [(d.get_id(), d.get_slug()) for d in datasets])

    def test_list_dataset_groups(self):
        groups = self.client.list_dataset_groups(None)
        by_id = {g.get_id(): g for g in groups}
        self.assertEqual(sorted(g.get_name() for g in groups),
                         ["Alaska Satellite Facility", "Copernicus", "Demo", "Open data"])
        copernicus = next(g for g in groups if g.get_code_name() == "copernicus")
        self.assertEqual(by_id[copernicus.get_parent_id()].get_name(), "Open data")
        self.assertEqual(copernicus.get_parent().get_id(), copernicus.get_parent_id())
        top = next(g for g in groups if g.get_code_name() == "demo")
        self.assertIsNone(top.get_parent_id())
        self.assertIsNone(top.get_parent())
        self.assertIsInstance(top.get_icon(), str)
        by_async = call_async(self.client.list_dataset_groups_async)
        self.assertEqual(sorted(g.get_id() for g in by_async), sorted(by_id))

    def test_get_dataset_and_by_id(self):
        listed = {d.get_slug(): d for d in self.client.list_datasets(None)}
        s2 = self.client.get_dataset(SENTINEL2, None)
        self.assertEqual(s2.get_id(), listed[SENTINEL2].get_id())
        self.assertEqual(s2.get_kind(), Tilebox.DatasetKind.SPATIOTEMPORAL)
        self.assertEqual(s2.get_code_name(), "sentinel2_msi")
        # the group object is known from a listing; a lookup gives its id
        self.assertIsNone(s2.get_group())
        self.assertEqual(s2.get_group_id(), listed[SENTINEL2].get_group().get_id())
        self.assertEqual(listed[SENTINEL2].get_group().get_name(), "Copernicus")
        self.assertTrue(s2.get_name())
        self.assertIsInstance(s2.get_summary(), str)
        self.assertIsInstance(s2.get_description(), str)
        self.assertIsInstance(s2.get_icon(), str)
        self.assertIsInstance(s2.get_visibility(), Tilebox.Visibility)
        self.assertIsInstance(s2.get_permissions(), Tilebox.DatasetPermissions)
        self.assertIsInstance(s2.get_type_editable(), bool)

        by_async = call_async(self.client.get_dataset_async, WEATHER)
        self.assertEqual(by_async.get_id(), listed[WEATHER].get_id())
        self.assertEqual(by_async.get_kind(), Tilebox.DatasetKind.TEMPORAL)

        by_id = self.client.get_dataset_by_id(s2.get_id(), None)
        self.assertEqual(by_id.get_slug(), SENTINEL2)
        by_id_async = call_async(self.client.get_dataset_by_id_async, by_async.get_id())
        self.assertEqual(by_id_async.get_slug(), WEATHER)

    def test_schema_and_fields(self):
        schema = self.weather.get_schema()
        names = [f.get_name() for f in schema.get_fields()]
        self.assertEqual(names, ["time", "id", "ingestion_time", "station", "temperature",
                                 "humidity", "pressure", "rain", "tags"])
        self.assertEqual(schema.get_n_fields(), 9)
        self.assertEqual(schema.get_n_items(), 9)
        self.assertTrue(schema.get_type_url())
        self.assertEqual(schema.get_field(3).get_name(), "station")
        self.assertIsNone(schema.lookup_field("no_such_field"))

        humidity = schema.lookup_field("humidity")
        self.assertEqual(humidity.get_field_type(), Tilebox.FieldType.FLOAT)
        self.assertFalse(humidity.get_repeated())
        self.assertTrue(humidity.get_queryable())
        self.assertEqual(humidity.get_example_value(), "65.5")
        self.assertIn("Relative humidity", humidity.get_description())
        self.assertGreater(humidity.get_number(), 0)
        tags = schema.lookup_field("tags")
        self.assertTrue(tags.get_repeated())
        self.assertFalse(tags.get_queryable())
        self.assertEqual(schema.lookup_field("pressure").get_field_type(), Tilebox.FieldType.UINT32)
        self.assertEqual(schema.lookup_field("time").get_field_type(), Tilebox.FieldType.TIMESTAMP)
        self.assertEqual(schema.lookup_field("id").get_field_type(), Tilebox.FieldType.UUID)
        level = self.client.get_dataset(SENTINEL2, None).get_schema().lookup_field("processing_level")
        self.assertEqual(level.get_field_type(), Tilebox.FieldType.ENUM)
        self.assertEqual(level.get_type_name(), "datasets.v1.ProcessingLevel")

    def test_list_and_get_collections(self):
        listed = {c.get_name(): c.get_id() for c in self.weather.list_collections(None)}
        self.assertEqual(sorted(listed), ["berlin", "munich"])
        by_async = call_async(self.weather.list_collections_async)
        self.assertEqual({c.get_name(): c.get_id() for c in by_async}, listed)

        munich = self.weather.get_collection("munich", None)
        self.assertEqual(munich.get_id(), listed["munich"])
        self.assertEqual(munich.get_dataset().get_id(), self.weather.get_id())
        munich_async = call_async(self.weather.get_collection_async, "munich")
        self.assertEqual(munich_async.get_id(), listed["munich"])
        self.assertEqual(munich_async.get_name(), "munich")

    def test_refresh(self):
        collection = self.weather.get_collection("munich", None)
        self.assertTrue(collection.refresh(None))
        self.assertTrue(collection.get_has_count())
        self.assertEqual(collection.get_count(), 250)
        availability = collection.get_availability()
        self.assertEqual(availability.get_start().to_unix(), DEMO_START_NS // 10**9)
        self.assertLess(availability.get_start().to_unix(), availability.get_end().to_unix())

        other = self.weather.get_collection("berlin", None)
        self.assertTrue(call_async(other.refresh_async))
        self.assertEqual(other.get_count(), 500)
        self.assertEqual(other.props.count, 500)

    def test_collection_query(self):
        readings = self.berlin.query(day_query(), None)
        self.assertEqual(readings.get_n_rows(), 24)
        times = readings.get_column("time").unpack()
        self.assertEqual(times, [DEMO_START_NS + h * HOUR_NS for h in range(24)])
        by_async = call_async(self.berlin.query_async, day_query())
        self.assertEqual(by_async.get_ids(), readings.get_ids())
        self.assertEqual(as_python(by_async.to_json()), as_python(readings.to_json()))

    def test_collection_find(self):
        readings = self.berlin.query(day_query(), None)
        wanted = readings.get_datapoint(5)
        found = self.berlin.find(wanted.get_id(), False, None)
        self.assertEqual(found.get_id(), wanted.get_id())
        self.assertEqual(as_python(found.to_json()), as_python(wanted.to_json()))

        by_async = call_async(self.berlin.find_async, readings.get_ids()[9], False)
        self.assertEqual(by_async.get_id(), readings.get_ids()[9])
        # the tenth reading of a day has no humidity
        self.assertFalse(by_async.has_field("humidity"))
        self.assertTrue(by_async.has_field("temperature"))

        # skip_data: the time and the id come, the data fields not
        bare = self.berlin.find(wanted.get_id(), True, None)
        self.assertEqual(bare.get_time().to_unix(), wanted.get_time().to_unix())
        self.assertFalse(bare.has_field("temperature"))

    def test_dataset_find(self):
        munich = self.weather.get_collection("munich", None)
        wanted = munich.query(day_query("2025-01-10", "2025-01-11"), None).get_datapoint(3)
        found = self.weather.find(wanted.get_id(), False, None)
        self.assertEqual(as_python(found.to_json()), as_python(wanted.to_json()))
        by_async = call_async(self.weather.find_async, wanted.get_id(), False)
        self.assertEqual(by_async.get_field("station").unpack(), wanted.get_field("station").unpack())
        self.assertTrue(by_async.get_field("station").unpack().startswith("München"))

    def test_dataset_query(self):
        query = day_query("2025-01-01", "2025-01-15")
        berlin = self.berlin.query(query, None).get_ids()
        munich = self.weather.get_collection("munich", None).query(query, None).get_ids()
        both = self.weather.query(query, None)
        self.assertEqual(both.get_ids(), sorted(berlin + munich))
        by_async = call_async(self.weather.query_async, query)
        self.assertEqual(by_async.get_ids(), both.get_ids())

        # naming a collection keeps the query to it
        query.add_collection(self.weather.get_collection("munich", None))
        self.assertEqual([c.get_name() for c in query.get_collections()], ["munich"])
        self.assertEqual(self.weather.query(query, None).get_ids(), munich)

    def test_query_cursor(self):
        query = day_query("2025-01-01", "2025-01-03")
        query.set_page_size(10)
        whole = self.berlin.query(query, None).get_ids()
        self.assertEqual(len(whole), 48)

        cursor = self.berlin.query_pages(query)
        blocking = []
        while (page := cursor.next(None)) is not None:
            blocking.append(page.get_ids())
        self.assertEqual([len(p) for p in blocking], [10, 10, 10, 10, 8])
        self.assertEqual(sum(blocking, []), whole)
        self.assertEqual(cursor.get_n_pages(), 5)
        self.assertEqual(cursor.get_n_datapoints(), 48)
        self.assertEqual(cursor.get_position(), whole[-1])
        self.assertTrue(cursor.is_done())

        cursor = self.berlin.query_pages(query)
        pages = []
        while (page := call_async(cursor.next_async)) is not None:
            pages.append(page.get_ids())
        self.assertEqual(pages, blocking)
        self.assertTrue(cursor.props.done)

        # a cursor resumed after a kept position
        resumed = self.berlin.query_pages(query)
        self.assertTrue(resumed.set_position(whole[19]))
        self.assertEqual(resumed.get_position(), whole[19])
        self.assertEqual(resumed.next(None).get_ids(), whole[20:30])

        # a dataset cursor merges its collections in id order
        merged = self.weather.query_pages(query)
        ids = []
        while (page := call_async(merged.next_async)) is not None:
            ids.extend(page.get_ids())
        self.assertEqual(ids, self.weather.query(query, None).get_ids())
        # berlin hourly, munich every two hours
        self.assertEqual(len(ids), 48 + 24)


class QueryOptionsTest(TileboxTestCase):
    """What a Query holds, and that the server honours each option."""

    @classmethod
    def setUpClass(cls):
        cls.server, cls.url = start_local_server("--demo")
        cls.client = Tilebox.Client.new_for_url(cls.url, None)
        cls.berlin = cls.client.get_dataset(WEATHER, None).get_collection("berlin", None)
        cls.day = cls.berlin.query(day_query(), None)

    @classmethod
    def tearDownClass(cls):
        stop_local_server(cls.server)

    def test_defaults_and_setters(self):
        query = Tilebox.Query.new()
        self.assertIsNone(query.get_time_interval())
        self.assertIsNone(query.get_id_interval())
        self.assertEqual(query.get_page_size(), 0)
        self.assertEqual(query.get_limit(), 0)
        self.assertEqual(query.get_max_parallel(), 1)
        self.assertFalse(query.get_skip_data())
        self.assertEqual(query.get_filters(), [])
        self.assertEqual(query.get_collections(), [])
        self.assertIsNone(query.get_spatial_filter()[0])

        interval = Tilebox.TimeInterval.new_parse("2025-01-01", "2025-02-01")
        query.set_time_interval(interval)
        self.assertTrue(query.get_time_interval().equal(interval))
        query.set_page_size(250)
        query.set_limit(1000)
        query.set_max_parallel(Tilebox.QUERY_MAX_PARALLEL)
        query.set_skip_data(True)
        self.assertEqual((query.props.page_size, query.props.limit, query.props.max_parallel,
                          query.props.skip_data), (250, 1000, 16, True))
        query.add_filter(Tilebox.Filter.new_parse("rain = true"))
        self.assertEqual([f.to_string() for f in query.get_filters()], ["rain = TRUE"])
        query.clear_filters()
        self.assertEqual(query.get_filters(), [])

    def test_time_interval_bounds(self):
        first = DEMO_START_NS // 10**9
        start = GLib.DateTime.new_from_unix_utc(first)
        end = GLib.DateTime.new_from_unix_utc(first + 3 * 3600)
        ids = self.day.get_ids()
        for interval, expected in [
            (Tilebox.TimeInterval.new(start, end), ids[0:3]),
            (Tilebox.TimeInterval.new_full(start, end, True, True), ids[1:4]),
            (Tilebox.TimeInterval.new_point(end), ids[3:4]),
            # an end before the start is an empty interval
            (Tilebox.TimeInterval.new(end, start), []),
        ]:
            query = Tilebox.Query.new()
            query.set_time_interval(interval)
            self.assertEqual(self.berlin.query(query, None).get_ids(), expected, interval.to_string())

    def test_id_interval(self):
        ids = self.day.get_ids()
        query = Tilebox.Query.new()
        query.set_id_interval(Tilebox.IdInterval.new(ids[3], ids[10]))
        self.assertEqual(query.get_id_interval().get_start_id(), ids[3])
        self.assertEqual(self.berlin.query(query, None).get_ids(), ids[3:10])
        query.set_id_interval(Tilebox.IdInterval.new_full(ids[3], ids[10], True, True))
        self.assertEqual(call_async(self.berlin.query_async, query).get_ids(), ids[4:11])

    def test_limit_and_skip_data(self):
        query = day_query()
        query.set_limit(5)
        self.assertEqual(self.berlin.query(query, None).get_ids(), self.day.get_ids()[:5])

        query = day_query()
        query.set_skip_data(True)
        bare = self.berlin.query(query, None)
        self.assertEqual(bare.get_ids(), self.day.get_ids())
        self.assertEqual(bare.get_column("time").unpack(), self.day.get_column("time").unpack())
        self.assertFalse(bare.get_datapoint(0).has_field("temperature"))

    def test_page_size_and_progress(self):
        query = day_query("2025-01-01", "2025-01-03")
        query.set_page_size(10)
        reports = []
        query.connect("progress", lambda q, n, pages, size, fraction: reports.append((n, pages, size, fraction)))
        self.assertEqual(self.berlin.query(query, None).get_n_rows(), 48)
        self.assertEqual([(n, pages) for n, pages, _, _ in reports],
                         [(10, 1), (20, 2), (30, 3), (40, 4), (48, 5)])
        sizes = [size for _, _, size, _ in reports]
        self.assertEqual(sizes, sorted(sizes))
        self.assertGreater(sizes[0], 0)
        fractions = [fraction for _, _, _, fraction in reports]
        self.assertEqual(fractions, sorted(fractions))
        self.assertEqual(fractions[-1], 1.0)

        # async: the signal fires on the loop that runs the call
        reports.clear()
        call_async(self.berlin.query_async, query)
        self.assertEqual(len(reports), 5)
        self.assertEqual(reports[-1][0], 48)

    def test_max_parallel(self):
        query = day_query("2025-01-01", "2025-03-01")
        sequential = self.berlin.query(query, None).get_ids()
        query.set_max_parallel(4)
        self.assertEqual(self.berlin.query(query, None).get_ids(), sequential)
        self.assertEqual(call_async(self.berlin.query_async, query).get_ids(), sequential)

    def test_filters_on_the_server(self):
        rain = Tilebox.Filter.new_parse("rain = true AND temperature < 0")
        query = day_query("2025-01-01", "2025-02-01")
        everything = self.berlin.query(query, None)
        rained = everything.get_column("rain").unpack()
        temperature = everything.get_column("temperature").unpack()
        expected = [i for i, (r, t) in zip(everything.get_ids(), zip(rained, temperature)) if r and t < 0]
        self.assertGreater(len(expected), 0)
        query.add_filter(rain)
        self.assertEqual(self.berlin.query(query, None).get_ids(), expected)

    def test_spatial_filter(self):
        s2 = self.client.get_dataset(SENTINEL2, None)
        query = day_query("2025-01-01", "2025-01-20")
        everything = s2.query(query, None)
        box = (0.0, 0.0, 60.0, 60.0)
        expected = []
        for id_, wkb in zip(everything.get_ids(), everything.get_column("geometry").unpack()):
            lo_lon, lo_lat, hi_lon, hi_lat = polygon_bounds(bytes(wkb))
            if lo_lon <= box[2] and hi_lon >= box[0] and lo_lat <= box[3] and hi_lat >= box[1]:
                expected.append(id_)
        self.assertGreater(len(expected), 0)
        self.assertLess(len(expected), everything.get_n_rows())

        wkt = "POLYGON ((0 0, 60 0, 60 60, 0 60, 0 0))"
        self.assertTrue(query.set_spatial_filter_wkt(wkt, Tilebox.SpatialMode.INTERSECTS,
                                                     Tilebox.CoordinateSystem.CARTESIAN))
        wkb, mode, system = query.get_spatial_filter()
        self.assertEqual(polygon_bounds(wkb.get_data()), box)
        self.assertEqual(mode, Tilebox.SpatialMode.INTERSECTS)
        self.assertEqual(system, Tilebox.CoordinateSystem.CARTESIAN)
        self.assertEqual(s2.query(query, None).get_ids(), expected)

        # the same geometry as GeoJSON and as WKB
        geojson = json.dumps({"type": "Polygon", "coordinates": [[[0, 0], [60, 0], [60, 60], [0, 60], [0, 0]]]})
        self.assertTrue(query.set_spatial_filter_geojson(geojson, Tilebox.SpatialMode.INTERSECTS,
                                                         Tilebox.CoordinateSystem.CARTESIAN))
        self.assertEqual(query.get_spatial_filter()[0].get_data(), wkb.get_data())
        self.assertEqual(call_async(s2.query_async, query).get_ids(), expected)
        self.assertTrue(query.set_spatial_filter(wkb, Tilebox.SpatialMode.CONTAINS,
                                                 Tilebox.CoordinateSystem.SPHERICAL))
        self.assertEqual(query.get_spatial_filter()[1:], (Tilebox.SpatialMode.CONTAINS,
                                                          Tilebox.CoordinateSystem.SPHERICAL))
        query.clear_spatial_filter()
        self.assertIsNone(query.get_spatial_filter()[0])
        self.assertEqual(s2.query(query, None).get_n_rows(), everything.get_n_rows())


class DatapointsTest(TileboxTestCase):
    """Getters of loaded datapoints, against what the demo data holds."""

    @classmethod
    def setUpClass(cls):
        cls.server, cls.url = start_local_server("--demo")
        client = Tilebox.Client.new_for_url(cls.url, None)
        berlin = client.get_dataset(WEATHER, None).get_collection("berlin", None)
        cls.readings = berlin.query(day_query(), None)

    @classmethod
    def tearDownClass(cls):
        stop_local_server(cls.server)

    def test_rows_and_columns(self):
        readings = self.readings
        self.assertEqual(readings.get_n_rows(), 24)
        self.assertEqual(readings.get_n_items(), 24)
        self.assertEqual(readings.get_item_type(), Tilebox.Datapoint.__gtype__)
        self.assertEqual([f.get_name() for f in readings.get_schema().get_fields()][:3],
                         ["time", "id", "ingestion_time"])
        self.assertEqual(readings.get_column("id").unpack(), readings.get_ids())
        self.assertEqual(readings.get_column("station").unpack()[:3],
                         ["Berlin-Tempelhof", "Berlin-Dahlem", "Berlin-Tegel"])
        for name, signature in [("time", "ax"), ("ingestion_time", "ax"), ("temperature", "ad"),
                                ("humidity", "ad"), ("pressure", "au"), ("rain", "ab"),
                                ("station", "as"), ("tags", "aas")]:
            self.assertEqual(readings.get_column(name).get_type_string(), signature, name)
        self.assertTrue(all("hourly" in t for t in readings.get_column("tags").unpack()))
        self.assertIsNone(readings.get_column("no_such_field"))
        self.assertIsNone(readings.get_presence("no_such_field"))

        # absent values: a zero in the column, False in the presence mask
        humidity = readings.get_column("humidity").unpack()
        present = readings.get_presence("humidity").unpack()
        self.assertEqual([i for i, p in enumerate(present) if not p], [9, 19])
        self.assertEqual(humidity[9], 0.0)
        pressure_present = readings.get_presence("pressure").unpack()
        self.assertEqual([i for i, p in enumerate(pressure_present) if not p], [6, 13, 20])

    def test_one_datapoint(self):
        readings = self.readings
        point = readings.get_datapoint(9)
        self.assertEqual(point.get_index(), 9)
        self.assertEqual(point.get_id(), readings.get_ids()[9])
        self.assertIs(point.get_datapoints(), readings)
        self.assertEqual(point.get_time().to_unix(), DEMO_START_NS // 10**9 + 9 * 3600)
        self.assertGreaterEqual(point.get_ingestion_time().to_unix(), point.get_time().to_unix())
        self.assertFalse(point.has_field("humidity"))
        self.assertIsNone(point.get_field("humidity"))
        self.assertEqual(point.get_field("temperature").unpack(), readings.get_column("temperature").unpack()[9])
        self.assertEqual(point.get_field("tags").unpack(), readings.get_column("tags").unpack()[9])
        self.assertEqual(readings.get_item(9).get_id(), point.get_id())

        record = point.to_variant()
        self.assertEqual(record.get_type_string(), "a{sv}")
        values = record.unpack()
        self.assertEqual(values["id"], point.get_id())
        self.assertEqual(values["time"], DEMO_START_NS + 9 * HOUR_NS)
        self.assertNotIn("humidity", values)
        self.assertEqual(values["station"], point.get_field("station").unpack())

        as_json = as_python(point.to_json())
        self.assertEqual(as_json["id"], point.get_id())
        self.assertEqual(as_json["time"], rfc3339(DEMO_START_NS + 9 * HOUR_NS))
        self.assertNotIn("humidity", as_json)
        self.assertEqual(as_python(readings.to_json())[9], as_json)


class ValueTypesTest(TileboxTestCase):
    """Intervals, filters and field specs: built, read back and refused."""

    def test_time_interval(self):
        interval = Tilebox.TimeInterval.new_parse("2025-01-01", "2025-01-02T12:30:00+02:00")
        self.assertEqual(interval.get_start().format_iso8601(), "2025-01-01T00:00:00Z")
        self.assertEqual(interval.get_end().format_iso8601(), "2025-01-02T10:30:00Z")
        self.assertFalse(interval.get_start_exclusive())
        self.assertFalse(interval.get_end_inclusive())
        same = Tilebox.TimeInterval.new_parse("2025-01-01T00:00:00Z", "2025-01-02 10:30:00")
        self.assertTrue(interval.equal(same))
        self.assertIn("2025-01-01", interval.to_string())
        closed = Tilebox.TimeInterval.new_full(interval.get_start(), interval.get_end(), True, True)
        self.assertTrue(closed.get_start_exclusive())
        self.assertTrue(closed.get_end_inclusive())
        self.assertFalse(closed.equal(interval))
        point = Tilebox.TimeInterval.new_point(interval.get_start())
        self.assertTrue(point.get_end_inclusive())
        self.assertEqual(point.get_end().to_unix(), point.get_start().to_unix())

        for start, end, bad in [("2025-13-01", "2025-01-02", "2025-13-01"),
                                ("2025-01-01", "next week", "next week"),
                                ("", "2025-01-02", "“”")]:
            with self.assertRaises(GLib.Error) as caught:
                Tilebox.TimeInterval.new_parse(start, end)
            self.assertTileboxError(caught.exception, Tilebox.Error.INVALID_ARGUMENT, bad)

    def test_id_interval(self):
        a, b = "01941f29-7c00-5fdb-a7ee-94649c173a3e", "01941f60-6a80-c4b6-2382-72dff9611dda"
        interval = Tilebox.IdInterval.new(a, b)
        self.assertEqual((interval.get_start_id(), interval.get_end_id()), (a, b))
        self.assertEqual((interval.get_start_exclusive(), interval.get_end_inclusive()), (False, False))
        full = Tilebox.IdInterval.new_full(a, b, True, True)
        self.assertEqual((full.get_start_exclusive(), full.get_end_inclusive()), (True, True))
        self.assertFalse(full.equal(interval))
        self.assertTrue(interval.equal(Tilebox.IdInterval.new(a, b)))
        self.assertIn(a, interval.to_string())

        with self.assertRaises(GLib.Error) as caught:
            Tilebox.IdInterval.new("zz", b)
        self.assertTileboxError(caught.exception, Tilebox.Error.INVALID_ARGUMENT, "start id", "zz")
        with self.assertRaises(GLib.Error) as caught:
            Tilebox.IdInterval.new_full(a, "01941f60", False, True)
        self.assertTileboxError(caught.exception, Tilebox.Error.INVALID_ARGUMENT, "01941f60")

    def test_filter_nodes(self):
        warm = Tilebox.Filter.new_compare("temperature", Tilebox.FilterOp.GE, GLib.Variant("d", 20.0))
        self.assertEqual(warm.get_kind(), Tilebox.FilterKind.COMPARISON)
        self.assertEqual(warm.get_field(), "temperature")
        self.assertEqual(warm.get_op(), Tilebox.FilterOp.GE)
        self.assertEqual(warm.get_value().unpack(), 20.0)
        missing = Tilebox.Filter.new_is_null("humidity")
        self.assertEqual(missing.get_kind(), Tilebox.FilterKind.IS_NULL)
        self.assertEqual(missing.get_field(), "humidity")
        both = Tilebox.Filter.new_and([warm, missing])
        self.assertEqual(both.get_kind(), Tilebox.FilterKind.AND)
        self.assertEqual(both.get_n_operands(), 2)
        self.assertTrue(both.get_operand(0).equal(warm))
        self.assertTrue(both.get_operand(1).equal(missing))
        either = Tilebox.Filter.new_or([warm, Tilebox.Filter.new_not(missing)])
        self.assertEqual(either.get_kind(), Tilebox.FilterKind.OR)
        self.assertEqual(either.get_operand(1).get_kind(), Tilebox.FilterKind.NOT)
        self.assertEqual(either.get_operand(1).get_n_operands(), 1)

        # text round trip: what to_string writes, new_parse reads back equal
        for node in (warm, missing, both, either):
            text = node.to_string()
            self.assertTrue(Tilebox.Filter.new_parse(text).equal(node), text)
        self.assertEqual(both.to_string(), "temperature >= 20.0 AND humidity IS NULL")
        parsed = Tilebox.Filter.new_parse("station = 'Berlin-Tegel'")
        self.assertEqual(parsed.get_value().unpack(), "Berlin-Tegel")
        self.assertEqual(parsed.get_op(), Tilebox.FilterOp.EQ)

    def test_filter_parse_errors(self):
        for text, fragment in [("humidity >", "humidity >"),
                               ("humidity >> 3", "humidity >> 3"),
                               ("(rain = true", "(rain = true"),
                               ("station = 'open", "station = 'open"),
                               ("", "“”")]:
            with self.assertRaises(GLib.Error) as caught:
                Tilebox.Filter.new_parse(text)
            self.assertTileboxError(caught.exception, Tilebox.Error.INVALID_ARGUMENT, "filter", fragment)

    def test_field_spec(self):
        spec = Tilebox.FieldSpec.new("cloud_cover", Tilebox.FieldType.DOUBLE)
        self.assertEqual(spec.get_name(), "cloud_cover")
        self.assertEqual(spec.get_field_type(), Tilebox.FieldType.DOUBLE)
        self.assertFalse(spec.get_repeated())
        self.assertFalse(spec.get_queryable())
        self.assertEqual(spec.get_description(), "")
        spec.set_repeated(True)
        spec.set_queryable(True)
        spec.set_description("Cloud cover in percent")
        spec.set_example_value("12.5")
        self.assertTrue(spec.get_repeated())
        self.assertTrue(spec.get_queryable())
        self.assertEqual(spec.get_description(), "Cloud cover in percent")
        self.assertEqual(spec.get_example_value(), "12.5")
        level = Tilebox.FieldSpec.new_enum("level", "ProcessingLevel")
        self.assertEqual(level.get_field_type(), Tilebox.FieldType.ENUM)
        self.assertEqual(level.get_type_name(), "datasets.v1.ProcessingLevel")


def weather_specs():
    value = Tilebox.FieldSpec.new("value", Tilebox.FieldType.DOUBLE)
    value.set_queryable(True)
    count = Tilebox.FieldSpec.new("count", Tilebox.FieldType.INT64)
    ok = Tilebox.FieldSpec.new("ok", Tilebox.FieldType.BOOL)
    return [value, count, ok]


def records(n, start_ns=1893456000 * 10**9):
    """n records of the weather_specs() dataset, one a minute; every fourth
    one without a value."""
    rows = []
    for i in range(n):
        row = {"time": GLib.Variant("x", start_ns + i * 60 * 10**9),
               "count": GLib.Variant("x", (i - n // 2) * 10**12),
               "ok": GLib.Variant("b", i % 3 == 0)}
        if i % 4 != 3:
            row["value"] = GLib.Variant("d", i * 0.25)
        rows.append(row)
    return GLib.Variant("aa{sv}", rows)


def everything():
    return day_query("2029-01-01", "2031-01-01")


class WriteTest(TileboxTestCase):
    """Every writing operation on an empty server, blocking and async."""

    def setUp(self):
        self.server, self.url = start_local_server()
        self.client = Tilebox.Client.new_for_url(self.url, None)

    def tearDown(self):
        stop_local_server(self.server)

    def test_create_update_delete_dataset(self):
        created = self.client.create_dataset("Blocking set", Tilebox.DatasetKind.TEMPORAL,
                                             weather_specs(), None, "made blocking", None)
        self.assertEqual(created.get_slug(), "local.blocking_set")
        self.assertEqual(created.get_summary(), "made blocking")
        self.assertEqual([f.get_name() for f in created.get_schema().get_fields()],
                         ["time", "id", "ingestion_time", "value", "count", "ok"])
        made_async = call_async(self.client.create_dataset_async, "Async set",
                                Tilebox.DatasetKind.SPATIOTEMPORAL, weather_specs(), "async_code", None)
        self.assertEqual(made_async.get_code_name(), "async_code")
        self.assertEqual(made_async.get_kind(), Tilebox.DatasetKind.SPATIOTEMPORAL)
        self.assertEqual(self.client.get_dataset(made_async.get_slug(), None).get_id(), made_async.get_id())

        extra = Tilebox.FieldSpec.new("note", Tilebox.FieldType.STRING)
        updated = self.client.update_dataset(created, "Blocking set v2", weather_specs() + [extra], None, None)
        self.assertEqual(updated.get_name(), "Blocking set v2")
        self.assertIsNotNone(updated.get_schema().lookup_field("note"))
        updated_async = call_async(self.client.update_dataset_async, updated, None, None, "new summary")
        self.assertEqual(updated_async.get_summary(), "new summary")
        self.assertEqual(updated_async.get_name(), "Blocking set v2")
        self.assertEqual(self.client.get_dataset_by_id(created.get_id(), None).get_summary(), "new summary")

        self.assertTrue(self.client.delete_dataset(updated_async, None))
        self.assertTrue(call_async(self.client.delete_dataset_async, made_async))
        slugs = [d.get_slug() for d in self.client.list_datasets(None)]
        self.assertNotIn(created.get_slug(), slugs)
        self.assertNotIn(made_async.get_slug(), slugs)

    def test_collections(self):
        dataset = self.client.create_dataset("Collections", Tilebox.DatasetKind.TEMPORAL,
                                             weather_specs(), None, None, None)
        first = dataset.create_collection("first", None)
        second = call_async(dataset.create_collection_async, "second")
        self.assertEqual(first.get_name(), "first")
        self.assertEqual(second.get_dataset().get_id(), dataset.get_id())

        again = dataset.get_or_create_collection("first", None)
        self.assertEqual(again.get_id(), first.get_id())
        third = dataset.get_or_create_collection("third", None)
        again_async = call_async(dataset.get_or_create_collection_async, "second")
        self.assertEqual(again_async.get_id(), second.get_id())
        fourth = call_async(dataset.get_or_create_collection_async, "fourth")
        self.assertEqual(sorted(c.get_name() for c in dataset.list_collections(None)),
                         ["first", "fourth", "second", "third"])

        self.assertTrue(dataset.delete_collection(third, None))
        self.assertTrue(call_async(dataset.delete_collection_async, fourth))
        self.assertEqual(sorted(c.get_name() for c in dataset.list_collections(None)), ["first", "second"])

    def test_ingest_and_delete(self):
        dataset = self.client.create_dataset("Ingest", Tilebox.DatasetKind.TEMPORAL,
                                             weather_specs(), None, None, None)
        blocking = dataset.create_collection("blocking", None)
        by_async = dataset.create_collection("async", None)

        progress = []
        result = blocking.ingest(records(100), False, lambda done, total: progress.append((done, total)), None)
        self.assertEqual((result.get_n_datapoints(), result.get_n_created(), result.get_n_existing()), (100, 100, 0))
        self.assertEqual(progress, [(100, 100)])
        ids = list(result.get_ids())
        self.assertEqual(len(set(ids)), 100)
        loaded = blocking.query(everything(), None)
        self.assertEqual(loaded.get_ids(), sorted(ids))
        self.assertEqual(loaded.get_column("count").unpack(), [(i - 50) * 10**12 for i in range(100)])
        self.assertEqual([i for i, p in enumerate(loaded.get_presence("value").unpack()) if not p],
                         list(range(3, 100, 4)))
        found = blocking.find(ids[10], False, None)
        self.assertEqual(found.get_field("value").unpack(), 2.5)
        self.assertEqual(found.get_time().to_unix(), 1893456000 + 600)

        result_async = call_async(by_async.ingest_async, records(50), False, None)
        self.assertEqual(result_async.props.n_created, 50)
        self.assertEqual(by_async.query(everything(), None).get_n_rows(), 50)

        # the same records again with allow_existing: all existing, the same ids
        again = call_async(blocking.ingest_async, records(100), True, None)
        self.assertEqual((again.get_n_created(), again.get_n_existing()), (0, 100))
        self.assertEqual(list(again.get_ids()), ids)

        rows = [{"time": rfc3339(1893456000 * 10**9 + i * 10**9), "value": i * 1.5, "count": i, "ok": True}
                for i in range(30)]
        data = Json.from_string(json.dumps(rows))
        from_json = blocking.ingest_json(data, False, None, None)
        self.assertEqual(from_json.get_n_created(), 30)
        self.assertEqual(blocking.find(from_json.get_ids()[7], False, None).get_field("value").unpack(), 10.5)
        from_json_async = call_async(by_async.ingest_json_async, data, False, None)
        self.assertEqual(from_json_async.get_n_created(), 30)
        self.assertEqual(by_async.query(everything(), None).get_n_rows(), 80)

        # loaded datapoints copied into other collections keep their ids
        copy = dataset.create_collection("copy", None)
        copied = copy.ingest_datapoints(loaded, False, None, None)
        self.assertEqual(list(copied.get_ids()), loaded.get_ids())
        self.assertEqual(without_ingestion_time(copy.query(everything(), None)), without_ingestion_time(loaded))
        copy_async = dataset.create_collection("copy_async", None)
        copied_async = call_async(copy_async.ingest_datapoints_async, loaded, False, None)
        self.assertEqual(copied_async.get_n_created(), 100)
        self.assertEqual(copy_async.query(everything(), None).get_ids(), loaded.get_ids())

        # deleting: by id (unknown ids are not counted), by loaded datapoints
        deleted = []
        self.assertEqual(blocking.delete_ids(ids[:10] + [ids[0]], lambda d, t: deleted.append((d, t)), None), 10)
        self.assertEqual(deleted[-1][0], deleted[-1][1])
        self.assertEqual(call_async(blocking.delete_ids_async, ids[10:20], None), 10)
        self.assertEqual(blocking.query(everything(), None).get_n_rows(), 100 + 30 - 20)
        self.assertEqual(copy.delete_datapoints(loaded, None, None), 100)
        self.assertEqual(copy.query(everything(), None).get_n_rows(), 0)
        self.assertEqual(call_async(copy_async.delete_datapoints_async, loaded, None), 100)
        self.assertEqual(copy_async.query(everything(), None).get_n_rows(), 0)
        self.assertTrue(copy_async.refresh(None))
        self.assertEqual(copy_async.get_count(), 0)


class ErrorTest(DemoTestCase):
    """Each failure a user meets, as a GLib.Error that says what failed."""

    def test_not_found(self):
        unknown = "00000000-0000-4000-8000-000000000000"
        for call, name in [
            (lambda: self.client.get_dataset("no_such.dataset", None), "no_such.dataset"),
            (lambda: call_async(self.client.get_dataset_async, "no_such.dataset"), "no_such.dataset"),
            (lambda: self.client.get_dataset_by_id(unknown, None), unknown),
            (lambda: call_async(self.client.get_dataset_by_id_async, unknown), unknown),
            (lambda: self.weather.get_collection("paris", None), "paris"),
            (lambda: call_async(self.weather.get_collection_async, "paris"), "paris"),
            (lambda: self.berlin.find(unknown, False, None), unknown),
            (lambda: call_async(self.weather.find_async, unknown, False), unknown),
        ]:
            with self.subTest(name=name), self.assertRaises(GLib.Error) as caught:
                call()
            self.assertTileboxError(caught.exception, Tilebox.Error.NOT_FOUND, name)

    def test_invalid_arguments(self):
        query = day_query()
        query.add_filter(Tilebox.Filter.new_parse("no_such_field = 3"))
        with self.assertRaises(GLib.Error) as caught:
            self.berlin.query(query, None)
        self.assertTileboxError(caught.exception, Tilebox.Error.INVALID_ARGUMENT, "no_such_field")
        with self.assertRaises(GLib.Error) as caught:
            call_async(self.berlin.query_async, query)
        self.assertTileboxError(caught.exception, Tilebox.Error.INVALID_ARGUMENT, "no_such_field")

        # a query without an interval
        with self.assertRaises(GLib.Error) as caught:
            self.berlin.query(Tilebox.Query.new(), None)
        self.assertTileboxError(caught.exception, Tilebox.Error.INVALID_ARGUMENT, "time interval")
        with self.assertRaises(GLib.Error) as caught:
            self.weather.query_pages(Tilebox.Query.new())
        self.assertTileboxError(caught.exception, Tilebox.Error.INVALID_ARGUMENT, "interval")

        with self.assertRaises(GLib.Error) as caught:
            self.berlin.find("not-a-uuid", False, None)
        self.assertTileboxError(caught.exception, Tilebox.Error.INVALID_ARGUMENT, "not-a-uuid")
        with self.assertRaises(GLib.Error) as caught:
            self.berlin.delete_ids(["not-a-uuid"], None, None)
        self.assertTileboxError(caught.exception, Tilebox.Error.INVALID_ARGUMENT, "not-a-uuid")

        with self.assertRaises(GLib.Error) as caught:
            Tilebox.Query.new().set_spatial_filter_wkt("POLYGON ((0 0, 1", Tilebox.SpatialMode.INTERSECTS,
                                                       Tilebox.CoordinateSystem.CARTESIAN)
        self.assertTileboxError(caught.exception, Tilebox.Error.INVALID_ARGUMENT, "WKT", "character 16")
        with self.assertRaises(GLib.Error) as caught:
            self.berlin.query_pages(day_query()).set_position("nope")
        self.assertTileboxError(caught.exception, Tilebox.Error.INVALID_ARGUMENT, "“nope”")
        with self.assertRaises(GLib.Error) as caught:
            Tilebox.Client.new_for_url("ftp://127.0.0.1/", None)
        self.assertTileboxError(caught.exception, Tilebox.Error.INVALID_ARGUMENT, "ftp://127.0.0.1/")
        with self.assertRaises(GLib.Error) as caught:
            Tilebox.Client.new_for_url("http://example.org", "secret")
        self.assertTileboxError(caught.exception, Tilebox.Error.INVALID_ARGUMENT, "example.org")

    def test_invalid_ingest_record(self):
        server, url = start_local_server()
        try:
            client = Tilebox.Client.new_for_url(url, None)
            dataset = client.create_dataset("Refusals", Tilebox.DatasetKind.TEMPORAL,
                                            weather_specs(), None, None, None)
            collection = dataset.create_collection("c", None)
            bad = GLib.Variant("aa{sv}", [
                {"time": GLib.Variant("s", "2030-01-01T00:00:00Z"), "value": GLib.Variant("d", 1.0)},
                {"time": GLib.Variant("s", "2030-01-01T00:01:00Z"), "value": GLib.Variant("s", "high")},
            ])
            with self.assertRaises(GLib.Error) as caught:
                collection.ingest(bad, False, None, None)
            self.assertTileboxError(caught.exception, Tilebox.Error.INVALID_ARGUMENT, "record 1", "value")
            with self.assertRaises(GLib.Error) as caught:
                call_async(collection.ingest_json_async, Json.from_string('[{"time": "yesterday"}]'), False, None)
            self.assertTileboxError(caught.exception, Tilebox.Error.INVALID_ARGUMENT, "record 0", "time")
            # nothing was stored
            self.assertEqual(collection.query(everything(), None).get_n_rows(), 0)

            # ingesting what is there without allow_existing
            stored = collection.ingest(records(5), False, None, None).get_ids()
            with self.assertRaises(GLib.Error) as caught:
                collection.ingest(records(5), False, None, None)
            self.assertTileboxError(caught.exception, Tilebox.Error.ALREADY_EXISTS,
                                    "nothing was stored", "already exists")
            self.assertTrue(any(id_ in caught.exception.message for id_ in stored), caught.exception.message)
            with self.assertRaises(GLib.Error) as caught:
                call_async(collection.ingest_async, records(5), False, None)
            self.assertTileboxError(caught.exception, Tilebox.Error.ALREADY_EXISTS, "already exists")

            # creating what is there
            with self.assertRaises(GLib.Error) as caught:
                dataset.create_collection("c", None)
            self.assertTileboxError(caught.exception, Tilebox.Error.ALREADY_EXISTS, "c")
            with self.assertRaises(GLib.Error) as caught:
                call_async(client.create_dataset_async, "Refusals", Tilebox.DatasetKind.TEMPORAL,
                           weather_specs(), None, None)
            self.assertTileboxError(caught.exception, Tilebox.Error.ALREADY_EXISTS, "local.refusals")

            # deleting what is gone
            self.assertTrue(dataset.delete_collection(collection, None))
            with self.assertRaises(GLib.Error) as caught:
                call_async(dataset.delete_collection_async, collection)
            self.assertTileboxError(caught.exception, Tilebox.Error.NOT_FOUND, collection.get_id())
            self.assertTrue(client.delete_dataset(dataset, None))
            with self.assertRaises(GLib.Error) as caught:
                client.delete_dataset(dataset, None)
            self.assertTileboxError(caught.exception, Tilebox.Error.NOT_FOUND, dataset.get_id())
        finally:
            stop_local_server(server)

    def test_cancelled(self):
        cancellable = Gio.Cancellable()
        cancellable.cancel()
        with self.assertRaises(GLib.Error) as caught:
            self.client.list_datasets(cancellable)
        self.assertTrue(caught.exception.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED))
        self.assertIn("cancel", caught.exception.message.lower())
        with self.assertRaises(GLib.Error) as caught:
            call_async(self.berlin.query_async, day_query(), cancellable=cancellable)
        self.assertTrue(caught.exception.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED))
        # a cursor too, and it stays where it was
        cursor = self.berlin.query_pages(day_query())
        with self.assertRaises(GLib.Error) as caught:
            cursor.next(cancellable)
        self.assertTrue(caught.exception.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED))
        self.assertEqual(cursor.next(None).get_n_rows(), 24)

    def test_cancelled_while_waiting(self):
        server, url = start_local_server("--demo", "--latency-ms", "2000")
        try:
            client = Tilebox.Client.new_for_url(url, None)
            cancellable = Gio.Cancellable()
            GLib.timeout_add(100, lambda: cancellable.cancel() or GLib.SOURCE_REMOVE)
            started = GLib.get_monotonic_time()
            with self.assertRaises(GLib.Error) as caught:
                call_async(client.list_datasets_async, cancellable=cancellable)
            self.assertTrue(caught.exception.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED))
            self.assertLess(GLib.get_monotonic_time() - started, 1_500_000)
        finally:
            stop_local_server(server)

    def test_connection_refused(self):
        # a port held by a socket that does not listen: connecting is refused
        holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.addCleanup(holder.close)
        holder.bind(("127.0.0.1", 0))
        url = "http://127.0.0.1:%d" % holder.getsockname()[1]
        client = Tilebox.Client.new_for_url(url, None)
        client.set_max_retries(0)
        with self.assertRaises(GLib.Error) as caught:
            client.list_datasets(None)
        self.assertTrue(caught.exception.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CONNECTION_REFUSED),
                        caught.exception.message)
        self.assertIn(url, caught.exception.message)
        with self.assertRaises(GLib.Error) as caught:
            call_async(client.get_dataset_async, WEATHER)
        self.assertTrue(caught.exception.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CONNECTION_REFUSED))
        self.assertIn(url, caught.exception.message)

    def test_unauthenticated(self):
        server, url = start_local_server("--demo", "--api-key", "right-key")
        try:
            without = Tilebox.Client.new_for_url(url, None)
            with self.assertRaises(GLib.Error) as caught:
                without.list_datasets(None)
            self.assertTileboxError(caught.exception, Tilebox.Error.UNAUTHENTICATED, "API key")
            wrong = Tilebox.Client.new_for_url(url, "wrong-key")
            with self.assertRaises(GLib.Error) as caught:
                call_async(wrong.get_dataset_async, WEATHER)
            self.assertTileboxError(caught.exception, Tilebox.Error.UNAUTHENTICATED, "Invalid API key")
            right = Tilebox.Client.new_for_url(url, "right-key")
            self.assertEqual(right.get_dataset(WEATHER, None).get_slug(), WEATHER)
        finally:
            stop_local_server(server)


@unittest.skipIf(numpy is None, "numpy cannot be imported")
class NumpyTest(TileboxTestCase):
    """Columns into numpy: the serialized data of a column's GVariant is a
    packed array of fixed-size values in native byte order, read with
    numpy.frombuffer."""

    @classmethod
    def setUpClass(cls):
        cls.server, cls.url = start_local_server()
        client = Tilebox.Client.new_for_url(cls.url, None)
        dataset = client.create_dataset("Numbers", Tilebox.DatasetKind.TEMPORAL, weather_specs(), None, None, None)
        collection = dataset.create_collection("c", None)
        collection.ingest(records(1000), False, None, None)
        cls.data = collection.query(everything(), None)

    @classmethod
    def tearDownClass(cls):
        stop_local_server(cls.server)

    def array(self, name, dtype):
        column = self.data.get_column(name)
        return numpy.frombuffer(column.get_data_as_bytes().get_data(), dtype=dtype)

    def test_int64(self):
        counts = self.array("count", numpy.int64)
        self.assertEqual(counts.shape, (1000,))
        self.assertEqual(counts.tolist(), self.data.get_column("count").unpack())
        self.assertEqual(counts.tolist(), [(i - 500) * 10**12 for i in range(1000)])

    def test_float64(self):
        values = self.array("value", numpy.float64)
        self.assertEqual(values.tolist(), self.data.get_column("value").unpack())
        self.assertEqual(values[10], 2.5)

    def test_bool(self):
        ok = self.array("ok", numpy.bool_)
        self.assertEqual(ok.tolist(), self.data.get_column("ok").unpack())
        self.assertEqual(int(ok.sum()), len(range(0, 1000, 3)))

    def test_timestamps(self):
        times = self.array("time", "datetime64[ns]")
        self.assertEqual(times.view(numpy.int64).tolist(), self.data.get_column("time").unpack())
        self.assertEqual(str(times[0]), "2030-01-01T00:00:00.000000000")
        self.assertEqual(numpy.diff(times).astype("timedelta64[s]").tolist(), [
            numpy.timedelta64(60, "s").item()] * 999)

    def test_presence_as_mask(self):
        present = numpy.frombuffer(self.data.get_presence("value").get_data_as_bytes().get_data(), dtype=numpy.bool_)
        self.assertEqual(present.tolist(), self.data.get_presence("value").unpack())
        self.assertEqual(numpy.flatnonzero(~present).tolist(), list(range(3, 1000, 4)))
        values = numpy.ma.masked_array(self.array("value", numpy.float64), mask=~present)
        self.assertEqual(values.count(), 750)
        expected = [i * 0.25 for i in range(1000) if i % 4 != 3]
        self.assertEqual(values.compressed().tolist(), expected)
        self.assertAlmostEqual(float(values.mean()), sum(expected) / 750)


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    sys.exit(0 if result.wasSuccessful() else 1)
