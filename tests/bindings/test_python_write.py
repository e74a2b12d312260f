#!/usr/bin/python3
# Writing data from Python against the local server: a dataset created from
# code with a field of every kind, 100 000 datapoints ingested, read back
# identical, ingested again (all existing), deleted, and the dataset
# deleted; blocking and async.
#
# Copyright 2026 The libtilebox authors
# SPDX-License-Identifier: LGPL-2.1-or-later

import base64
import calendar
import json
import time
import unittest
import uuid

import gi

gi.require_version("Tilebox", "1")
gi.require_version("Json", "1.0")
from local_server import start_local_server, stop_local_server  # noqa: E402
from gi.repository import GLib, Json, Tilebox  # noqa: E402

N = 100_000
BASE = calendar.timegm((2030, 1, 1, 0, 0, 0))
STATIONS = ["Berlin-Dahlem", "München-Stadt", "Köln-Bonn"]



def rfc3339(seconds, millis):
    """A time as the library writes it: UTC, trailing zeros of the fraction cut."""
    text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))
    if millis:
        text += (".%03d" % millis).rstrip("0")
    return text + "Z"


def row(i):
    """Datapoint i, in the form the library reads it back as JSON."""
    r = {
        "time": rfc3339(BASE + 7 * i, i % 1000),
        "geometry": {"type": "Point", "coordinates": [13.25 + (i % 40) * 0.5, 52.5 - (i % 30) * 0.25]},
        "station": STATIONS[i % 3],
        "temperature": -10.25 + (i % 97) * 0.5,
        "count": (i - N // 2) * 1_000_000_007,
        "pressure": 0 if i % 5 == 0 else 990 + i % 40,
        "rain": i % 7 == 0,
        "payload": base64.b64encode(bytes([i % 256, (i >> 8) % 256, 0])).decode(),
        "observed": rfc3339(BASE - 3600 + 7 * i, 0),
        "exposure": i * 1000,
        "scene": str(uuid.UUID(int=(i * 2654435761) % (1 << 128))),
        "position": {"x": i * 0.5, "y": -1.0, "z": 2.25},
        "level": ["L1C", "L2A"][i % 2],
    }
    if i % 3:
        r["humidity"] = 40.5 + i % 50
    if i % 4:
        r["tags"] = ["hourly", "checked"][: i % 4 % 3 + 1]
    return r


def fields():
    kinds = [
        ("station", Tilebox.FieldType.STRING),
        ("temperature", Tilebox.FieldType.DOUBLE),
        ("humidity", Tilebox.FieldType.FLOAT),
        ("count", Tilebox.FieldType.INT64),
        ("pressure", Tilebox.FieldType.UINT32),
        ("rain", Tilebox.FieldType.BOOL),
        ("payload", Tilebox.FieldType.BYTES),
        ("observed", Tilebox.FieldType.TIMESTAMP),
        ("exposure", Tilebox.FieldType.DURATION),
        ("scene", Tilebox.FieldType.UUID),
        ("position", Tilebox.FieldType.VEC3),
    ]
    specs = [Tilebox.FieldSpec.new(name, kind) for name, kind in kinds]
    specs[0].set_queryable(True)
    specs[0].set_description("Name of the station")
    specs.append(Tilebox.FieldSpec.new_enum("level", "ProcessingLevel"))
    tags = Tilebox.FieldSpec.new("tags", Tilebox.FieldType.STRING)
    tags.set_repeated(True)
    specs.append(tags)
    return specs


def as_python(node):
    return json.loads(Json.to_string(node, False))


def without_service_fields(datapoints):
    rows = as_python(datapoints.to_json())
    for r in rows:
        del r["id"]
        del r["ingestion_time"]
    return rows


def run_async(start, finish):
    """Runs one _async call on a main loop and returns what _finish gives."""
    loop = GLib.MainLoop()
    outcome = {}

    def done(source, result):
        try:
            outcome["value"] = finish(result)
        except GLib.Error as error:
            outcome["error"] = error
        loop.quit()

    start(done)
    loop.run()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


class WriteTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server, cls.url = start_local_server()
        cls.rows = [row(i) for i in range(N)]
        cls.data = Json.from_string(json.dumps(cls.rows))

    @classmethod
    def tearDownClass(cls):
        stop_local_server(cls.server)

    def test_100k_round_trip(self):
        client = Tilebox.Client.new_for_url(self.url, None)
        dataset = client.create_dataset("Python round trip", Tilebox.DatasetKind.SPATIOTEMPORAL,
                                        fields(), None, "every kind of field", None)
        collection = dataset.create_collection("all", None)

        progress = []
        result = collection.ingest_json(self.data, False, lambda done, total: progress.append((done, total)),
                                        None)
        self.assertEqual(result.props.n_created, N)
        self.assertEqual(result.props.n_existing, 0)
        self.assertEqual(len(result.get_ids()), N)
        # 13 requests of at most 8192, progress after each
        self.assertEqual(len(progress), 13)
        self.assertEqual(progress[0], (8192, N))
        self.assertEqual(progress[-1], (N, N))

        query = Tilebox.Query.new()
        query.set_time_interval(Tilebox.TimeInterval.new_parse("2029-01-01", "2031-01-01"))
        loaded = collection.query(query, None)
        self.assertEqual(loaded.get_n_items(), N)
        self.assertEqual(list(loaded.get_ids()), list(result.get_ids()))
        self.assertEqual(without_service_fields(loaded), self.rows)
        # presence: a missing humidity is absent, pressure 0 and rain False are there
        first = loaded.get_datapoint(0)
        self.assertFalse(first.has_field("humidity"))
        self.assertTrue(first.has_field("pressure"))
        self.assertEqual(first.get_field("pressure").unpack(), 0)

        # async, the same data again: all existing, the same ids
        again = run_async(
            lambda done: collection.ingest_json_async(self.data, True, None, None, done),
            collection.ingest_json_finish)
        self.assertEqual(again.props.n_existing, N)
        self.assertEqual(again.props.n_created, 0)
        self.assertEqual(list(again.get_ids()), list(result.get_ids()))

        deleted = run_async(
            lambda done: collection.delete_datapoints_async(loaded, None, None, done),
            collection.delete_datapoints_finish)
        self.assertEqual(deleted, N)
        self.assertEqual(collection.query(query, None).get_n_items(), 0)

        self.assertTrue(client.delete_dataset(dataset, None))
        with self.assertRaises(GLib.Error) as caught:
            client.get_dataset(dataset.get_slug(), None)
        self.assertTrue(caught.exception.matches(Tilebox.error_quark(), Tilebox.Error.NOT_FOUND))

    def test_records_as_variants_and_errors(self):
        client = Tilebox.Client.new_for_url(self.url, None)
        spec = Tilebox.FieldSpec.new("value", Tilebox.FieldType.DOUBLE)
        dataset = client.create_dataset("Python variants", Tilebox.DatasetKind.TEMPORAL, [spec], None, None, None)
        collection = dataset.create_collection("c", None)
        records = GLib.Variant("aa{sv}", [
            {"time": GLib.Variant("s", "2030-01-01T00:00:00Z"), "value": GLib.Variant("d", 1.5)},
            {"time": GLib.Variant("x", 1_893_456_060_000_000_000)},
        ])
        result = collection.ingest(records, False, None, None)
        self.assertEqual(result.props.n_created, 2)
        ids = list(result.get_ids())
        self.assertEqual(collection.delete_ids(ids + [ids[0]], None, None), 2)

        bad = GLib.Variant("aa{sv}", [{"time": GLib.Variant("s", "2030-01-01T00:00:00Z"),
                                       "value": GLib.Variant("s", "high")}])
        with self.assertRaises(GLib.Error) as caught:
            collection.ingest(bad, False, None, None)
        self.assertTrue(caught.exception.matches(Tilebox.error_quark(), Tilebox.Error.INVALID_ARGUMENT))
        self.assertIn("record 0, field value", caught.exception.message)
        client.delete_dataset(dataset, None)


if __name__ == "__main__":
    unittest.main(verbosity=2)
