// gjs_write.js: writing data from GJS with await against a local server
// started as a subprocess: a dataset created from code, 100 000 datapoints
// ingested, read back identical, ingested again (all existing), deleted,
// and the dataset deleted.
//
// Copyright 2026 The libtilebox authors
// SPDX-License-Identifier: LGPL-2.1-or-later

import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import Json from 'gi://Json';
import System from 'system';
import Tilebox from 'gi://Tilebox?version=1';

Gio._promisify(Tilebox.Client.prototype, 'create_dataset_async', 'create_dataset_finish');
Gio._promisify(Tilebox.Client.prototype, 'delete_dataset_async', 'delete_dataset_finish');
Gio._promisify(Tilebox.Dataset.prototype, 'create_collection_async', 'create_collection_finish');
Gio._promisify(Tilebox.Collection.prototype, 'ingest_json_async', 'ingest_json_finish');
Gio._promisify(Tilebox.Collection.prototype, 'query_async', 'query_finish');
Gio._promisify(Tilebox.Collection.prototype, 'delete_ids_async', 'delete_ids_finish');
Gio._promisify(Gio.DataInputStream.prototype, 'read_line_async', 'read_line_finish_utf8');

const N = 100000;
const BASE_MS = Date.UTC(2030, 0, 1);

function check(condition, what) {
    if (!condition)
        throw new Error(`check failed: ${what}`);
}

// A time as the library writes it: UTC, trailing zeros of the fraction cut.
function rfc3339(ms) {
    return new Date(ms).toISOString().replace(/\.?0+Z$/, 'Z');
}

function row(i) {
    const r = {
        time: rfc3339(BASE_MS + 7000 * i + i % 1000),
        station: ['Berlin-Dahlem', 'München-Stadt'][i % 2],
        temperature: -10.25 + (i % 97) * 0.5,
        pressure: i % 5 === 0 ? 0 : 990 + i % 40,
        rain: i % 7 === 0,
        level: ['L1C', 'L2A'][i % 2],
    };
    if (i % 3)
        r.humidity = 40.5 + i % 50;
    if (i % 4)
        r.tags = ['hourly', 'checked'].slice(0, i % 2 + 1);
    return r;
}

function fields() {
    const station = Tilebox.FieldSpec.new('station', Tilebox.FieldType.STRING);
    station.set_queryable(true);
    const tags = Tilebox.FieldSpec.new('tags', Tilebox.FieldType.STRING);
    tags.set_repeated(true);
    return [
        station,
        Tilebox.FieldSpec.new('temperature', Tilebox.FieldType.DOUBLE),
        Tilebox.FieldSpec.new('humidity', Tilebox.FieldType.FLOAT),
        Tilebox.FieldSpec.new('pressure', Tilebox.FieldType.UINT32),
        Tilebox.FieldSpec.new('rain', Tilebox.FieldType.BOOL),
        Tilebox.FieldSpec.new_enum('level', 'ProcessingLevel'),
        tags,
    ];
}

const server = Gio.Subprocess.new(
    [GLib.getenv('TILEBOX_SERVER_PATH'), '--port', '0'],
    Gio.SubprocessFlags.STDOUT_PIPE);
const [url] = await new Gio.DataInputStream({base_stream: server.get_stdout_pipe()})
    .read_line_async(GLib.PRIORITY_DEFAULT, null);

let status = 0;
try {
    const client = Tilebox.Client.new_for_url(url, null);
    const dataset = await client.create_dataset_async('GJS round trip', Tilebox.DatasetKind.TEMPORAL,
        fields(), null, null, null);
    const collection = await dataset.create_collection_async('all', null);

    const rows = [];
    for (let i = 0; i < N; i++)
        rows.push(row(i));
    const data = Json.from_string(JSON.stringify(rows));

    const progress = [];
    const result = await collection.ingest_json_async(data, false,
        (done, total) => progress.push([done, total]), null);
    check(result.n_created === N, `${N} created, got ${result.n_created}`);
    check(progress.length === 13 && progress[12][0] === N, `progress after each of 13 requests: ${progress}`);
    const ids = result.get_ids();
    check(ids.length === N, 'one id per datapoint');

    // blocking, the same data again: all existing, the same ids
    const again = collection.ingest_json(data, true, null, null);
    check(again.n_existing === N && again.n_created === 0, 'all existing the second time');
    check(again.get_ids().every((id, i) => id === ids[i]), 'the same ids the second time');

    const query = Tilebox.Query.new();
    query.set_time_interval(Tilebox.TimeInterval.new_parse('2029-01-01', '2031-01-01'));
    const loaded = await collection.query_async(query, null);
    check(loaded.get_n_items() === N, `${N} loaded, got ${loaded.get_n_items()}`);
    const back = JSON.parse(Json.to_string(loaded.to_json(), false));
    for (let i = 0; i < N; i++) {
        check(back[i].id === ids[i], `id of datapoint ${i}`);
        delete back[i].id;
        delete back[i].ingestion_time;
        const expected = JSON.stringify(rows[i]);
        const actual = JSON.stringify(back[i], Object.keys(rows[i]));
        check(expected === actual && Object.keys(back[i]).length === Object.keys(rows[i]).length,
            `datapoint ${i}: expected ${expected}, got ${JSON.stringify(back[i])}`);
    }

    const deleted = await collection.delete_ids_async(ids, null, null);
    check(deleted === N, `${N} deleted, got ${deleted}`);
    check(collection.query(query, null).get_n_items() === 0, 'nothing left');

    try {
        collection.ingest_json(Json.from_string('[{"time": "2030-01-01T00:00:00Z", "rain": "yes"}]'),
            false, null, null);
        check(false, 'an invalid record is an error');
    } catch (e) {
        check(e.matches(Tilebox.Error, Tilebox.Error.INVALID_ARGUMENT), `INVALID_ARGUMENT, got ${e}`);
        check(e.message.includes('record 0, field rain'), `the record and field named: ${e.message}`);
    }

    check(await client.delete_dataset_async(dataset, null), 'dataset deleted');
    print(`ok: ${N} datapoints written, read back identical and deleted`);
} catch (e) {
    printerr(e);
    printerr(e.stack);
    status = 1;
} finally {
    server.send_signal(15);
    server.wait(null);
}
System.exit(status);
