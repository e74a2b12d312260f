#!/usr/bin/python3
# basics_async.py: the libtilebox essentials from Python, with asyncio
#
# Copyright 2026 The libtilebox authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: basics_async.py [URL]
#
# What basics.py does, awaiting the _async methods: without a callback they
# return an awaitable (the Tilebox override of PyGObject makes them so), and
# asyncio.gather() runs several requests at once.

import asyncio
import json
import sys
import time

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


async def explore(client):
    datasets = await client.list_datasets_async()
    print("%d datasets at %s" % (len(datasets), client.get_url()))

    sentinel2 = await client.get_dataset_async(SENTINEL2)
    collections = await sentinel2.list_collections_async()
    query = one_day("2025-01-01", "2025-01-02")
    started = time.monotonic()
    # One request per collection, all in flight together.
    results = await asyncio.gather(*[c.query_async(query) for c in collections])
    print("1 January 2025, %d collections loaded at once in %.2f s:" % (len(collections),
                                                                      time.monotonic() - started))
    for collection, scenes in zip(collections, results):
        print("  %-14s %3d scenes" % (collection.get_name(), scenes.get_n_rows()))


async def write_and_read_back(client):
    temperature = Tilebox.FieldSpec.new("temperature", Tilebox.FieldType.DOUBLE)
    dataset = await client.create_dataset_async("Example async readings", Tilebox.DatasetKind.TEMPORAL,
                                                [temperature], None, "Written by basics_async.py")
    print("Created dataset %s" % dataset.get_slug())
    try:
        collection = await dataset.create_collection_async("balcony")
        readings = [{"time": "2030-06-01T%02d:00:00Z" % hour, "temperature": 18.0 + hour} for hour in range(4)]
        result = await collection.ingest_json_async(Json.from_string(json.dumps(readings)), False, None)
        print("Ingested %d datapoints" % result.props.n_created)
        back = await collection.query_async(one_day("2030-06-01", "2030-06-02"))
        print("Read back temperatures %s" % back.get_column("temperature").unpack())
        return back.get_n_rows()
    finally:
        await client.delete_dataset_async(dataset)
        print("Deleted dataset %s" % dataset.get_slug())


async def main(argv):
    client = connect(argv)
    await explore(client)
    return await write_and_read_back(client)


if __name__ == "__main__":
    try:
        n = asyncio.run(main(sys.argv))
    except GLib.Error as error:
        print("basics_async.py: %s" % error.message, file=sys.stderr)
        sys.exit(1)
    sys.exit(0 if n == 4 else 1)
