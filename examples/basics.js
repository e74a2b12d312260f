// basics.js: the basic operations of libtilebox from GJS, with await
//
// Copyright 2026 The libtilebox authors
// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Usage: gjs -m basics.js [URL]
//
// Connects to the Tilebox service at URL, or without one to the real
// service (with the API key in TILEBOX_API_KEY), lists its datasets, loads a
// day of Sentinel-2 scenes, then creates a dataset of its own, writes a few
// datapoints, reads them back and deletes the dataset again.

import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import Json from 'gi://Json';
import System from 'system';
import Tilebox from 'gi://Tilebox?version=1';

// Make each _async method return a promise when it is called without a
// callback, so that it can be awaited. The blocking forms (list_datasets,
// query, ...) need nothing of the kind.
Gio._promisify(Tilebox.Client.prototype, 'list_datasets_async', 'list_datasets_finish');
Gio._promisify(Tilebox.Client.prototype, 'get_dataset_async', 'get_dataset_finish');
Gio._promisify(Tilebox.Client.prototype, 'create_dataset_async', 'create_dataset_finish');
Gio._promisify(Tilebox.Client.prototype, 'delete_dataset_async', 'delete_dataset_finish');
Gio._promisify(Tilebox.Dataset.prototype, 'get_collection_async', 'get_collection_finish');
Gio._promisify(Tilebox.Dataset.prototype, 'create_collection_async', 'create_collection_finish');
Gio._promisify(Tilebox.Collection.prototype, 'query_async', 'query_finish');
Gio._promisify(Tilebox.Collection.prototype, 'ingest_json_async', 'ingest_json_finish');

function queryBetween(start, end) {
    const query = Tilebox.Query.new();
    query.set_time_interval(Tilebox.TimeInterval.new_parse(start, end));
    return query;
}

async function listDatasets(client) {
    const datasets = await client.list_datasets_async(null);
    print(`${datasets.length} datasets:`);
    for (const dataset of datasets)
        print(`  ${dataset.slug} (${dataset.name})`);
}

async function queryScenes(client) {
    const sentinel2 = await client.get_dataset_async('open_data.copernicus.sentinel2_msi', null);
    const collection = await sentinel2.get_collection_async('S2A_S2MSI1C', null);

    // From the first of January 2025, inclusive, to the second, exclusive.
    const scenes = await collection.query_async(queryBetween('2025-01-01', '2025-01-02'), null);
    print(`\n${scenes.get_n_rows()} Sentinel-2A scenes on 2025-01-01, the first few:`);
    for (let i = 0; i < Math.min(3, scenes.get_n_rows()); i++) {
        const scene = scenes.get_datapoint(i);
        // Fields come as GLib.Variant; a field the datapoint lacks is null.
        const granule = scene.get_field('granule_name')?.deepUnpack() ?? '?';
        const cover = scene.get_field('cloud_cover')?.deepUnpack();
        print(`  ${scene.get_time().format_iso8601()}  ${granule}  ${cover?.toFixed(1)} % cloud`);
    }
}

async function writeAndRead(client) {
    // Besides these fields, every temporal dataset has time, id and
    // ingestion_time.
    const fields = [
        Tilebox.FieldSpec.new('depth', Tilebox.FieldType.DOUBLE),
        Tilebox.FieldSpec.new('site', Tilebox.FieldType.STRING),
    ];
    const dataset = await client.create_dataset_async('Example soundings', Tilebox.DatasetKind.TEMPORAL,
        fields, 'example_soundings', 'Written by the basics example', null);
    print(`\nCreated ${dataset.slug}`);
    try {
        const collection = await dataset.create_collection_async('lake', null);

        // Datapoints as JSON: one object per datapoint, times in RFC 3339.
        const records = [
            {time: '2030-05-01T06:00:00Z', depth: 4.5, site: 'north'},
            {time: '2030-05-01T07:00:00Z', depth: 5.25, site: 'north'},
            {time: '2030-05-01T08:00:00Z', depth: 3.0, site: 'pier'},
        ];
        const result = await collection.ingest_json_async(Json.from_string(JSON.stringify(records)), false,
            null, null);
        print(`Wrote ${result.n_created} datapoints`);

        const back = await collection.query_async(queryBetween('2030-05-01', '2030-06-01'), null);
        for (const point of JSON.parse(Json.to_string(back.to_json(), false)))
            print(`  ${point.id}  ${point.site.padEnd(5)}  ${point.depth.toFixed(2)} m`);
        if (back.get_n_rows() !== result.n_created)
            throw new Error(`read ${back.get_n_rows()} datapoints back, expected ${result.n_created}`);
    } finally {
        // Delete the dataset even when a step above failed.
        await client.delete_dataset_async(dataset, null);
        print(`Deleted ${dataset.slug}`);
    }
}

const client = ARGV.length > 0
    ? Tilebox.Client.new_for_url(ARGV[0], GLib.getenv('TILEBOX_API_KEY'))
    : Tilebox.Client.new();
try {
    await listDatasets(client);
    await queryScenes(client);
    await writeAndRead(client);
} catch (e) {
    // Errors of the library are GLib.Error in the Tilebox.Error domain,
    // e.g. e.matches(Tilebox.Error, Tilebox.Error.NOT_FOUND).
    printerr(`Failed: ${e.message}`);
    System.exit(1);
}
