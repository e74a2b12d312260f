#!/usr/bin/python3
# basics.py: the libtilebox essentials from Python, blocking
#
# Copyright 2026 The libtilebox authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: basics.py [URL]
#
# Without a URL it talks to the real Tilebox service with the API key in
# TILEBOX_API_KEY (creating a dataset needs one). With the URL of a local
# `tilebox-server --demo` it runs against that.
#
# Lists the datasets, reads one day of Sentinel-2 scenes, then creates a
# dataset of its own, writes a few datapoints, reads them back and deletes
# the dataset again. basics_async.py does the same with asyncio.

import json
import sys

import gi

gi.require_version("Tilebox", "1")
gi.require_version("Json", "1.0")
from gi.repository import GLib, Json, Tilebox  # noqa: E402

SENTINEL2 = "open_data.copernicus.sentinel2_msi"


def connect(argv):
    if len(argv) > 1:
        return Tilebox.Client.new_for_url(argv[1], None)
    return Tilebox.Client.new()


def one_day(day, next_day):
    query = Tilebox.Query.new()
    query.set_time_interval(Tilebox.TimeInterval.new_parse(day, next_day))
    return query


def explore(client):
    print("Datasets of %s:" % client.get_url())
    for dataset in client.list_datasets(None):
        print("  %-40s %s" % (dataset.get_slug(), dataset.get_name()))

    collection = client.get_dataset(SENTINEL2, None).get_collection("S2A_S2MSI1C", None)
    scenes = collection.query(one_day("2025-01-01", "2025-01-02"), None)
    print("%d Sentinel-2A scenes on 1 January 2025, the first three:" % scenes.get_n_rows())
    for i in range(min(3, scenes.get_n_rows())):
        scene = scenes.get_item(i)
        print("  %s  %s  cloud cover %.1f %%" % (scene.get_time().format_iso8601(),
                                                 scene.get_field("granule_name").unpack(),
                                                 scene.get_field("cloud_cover").unpack()))


def write_and_read_back(client):
    temperature = Tilebox.FieldSpec.new("temperature", Tilebox.FieldType.DOUBLE)
    temperature.set_description("Air temperature in degrees Celsius")
    station = Tilebox.FieldSpec.new("station", Tilebox.FieldType.STRING)
    dataset = client.create_dataset("Example readings", Tilebox.DatasetKind.TEMPORAL,
                                    [temperature, station], None, "Written by basics.py", None)
    print("Created dataset %s" % dataset.get_slug())
    try:
        collection = dataset.create_collection("garden", None)
        readings = [{"time": "2030-06-01T%02d:00:00Z" % hour, "temperature": 14.5 + hour * 0.5,
                     "station": "garden"} for hour in range(6)]
        result = collection.ingest_json(Json.from_string(json.dumps(readings)), False, None, None)
        print("Ingested %d datapoints" % result.props.n_created)

        back = collection.query(one_day("2030-06-01", "2030-06-02"), None)
        print("Read back %d datapoints, temperatures %s" % (back.get_n_rows(), back.get_column("temperature").unpack()))
        return back.get_n_rows()
    finally:
        client.delete_dataset(dataset, None)
        print("Deleted dataset %s" % dataset.get_slug())


def main(argv):
    try:
        client = connect(argv)
        explore(client)
        n = write_and_read_back(client)
    except GLib.Error as error:
        print("basics.py: %s" % error.message, file=sys.stderr)
        return 1
    return 0 if n == 6 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
