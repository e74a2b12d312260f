// gjs_api.js: every network operation of the public API from GJS, each once
// blocking and once awaited, against local servers started as subprocesses
// (GJS is single-threaded). gjs_smoke.js covers paging, filters and dataset
// updates; gjs_write.js a large round trip. This file covers the rest: the
// catalogue by slug and by id, collections created, found and deleted,
// queries over a dataset and a collection, finding datapoints, the three
// ingest forms and both delete forms, the errors each operation reports and
// cancellation.
//
// Copyright 2026 The libtilebox authors
// SPDX-License-Identifier: LGPL-2.1-or-later

import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import Json from 'gi://Json';
import System from 'system';
import Tilebox from 'gi://Tilebox?version=1';

// Every _async/_finish pair of the public headers, so that each returns a
// promise when called without a callback.
const ASYNC_METHODS = {
    Client: ['list_datasets', 'list_dataset_groups', 'get_dataset', 'get_dataset_by_id',
        'create_dataset', 'update_dataset', 'delete_dataset'],
    Dataset: ['list_collections', 'get_collection', 'create_collection', 'get_or_create_collection',
        'delete_collection', 'query', 'find'],
    Collection: ['refresh', 'query', 'find', 'ingest', 'ingest_json', 'ingest_datapoints',
        'delete_ids', 'delete_datapoints'],
    QueryCursor: ['next'],
};
for (const [klass, methods] of Object.entries(ASYNC_METHODS)) {
    for (const method of methods)
        Gio._promisify(Tilebox[klass].prototype, `${method}_async`, `${method}_finish`);
}
Gio._promisify(Gio.DataInputStream.prototype, 'read_line_async', 'read_line_finish_utf8');

const TIME_LIMIT_S = 40;
let current = 'starting the servers';

function check(condition, what) {
    if (!condition)
        throw new Error(`check failed: ${what}`);
}

function checkError(e, domain, code, what) {
    if (!(e instanceof GLib.Error) || !e.matches(domain, code))
        throw new Error(`check failed: ${what}: got ${e}`);
}

// Runs @call, which must throw; the error must be @domain/@code.
function expectErrorSync(call, domain, code, what) {
    let result;
    try {
        result = call();
    } catch (e) {
        checkError(e, domain, code, what);
        return e;
    }
    throw new Error(`check failed: ${what}: succeeded with ${result}`);
}

async function expectError(promise, domain, code, what) {
    let result;
    try {
        result = await promise;
    } catch (e) {
        checkError(e, domain, code, what);
        return e;
    }
    throw new Error(`check failed: ${what}: succeeded with ${result}`);
}

async function startServer(...extra) {
    const server = Gio.Subprocess.new(
        [GLib.getenv('TILEBOX_SERVER_PATH'), '--port', '0', ...extra],
        Gio.SubprocessFlags.STDOUT_PIPE);
    const [url] = await new Gio.DataInputStream({base_stream: server.get_stdout_pipe()})
        .read_line_async(GLib.PRIORITY_DEFAULT, null);
    check(url?.startsWith('http://127.0.0.1:'), `the server prints its URL, got ${url}`);
    return [server, url];
}

function interval(start, end) {
    return Tilebox.TimeInterval.new_parse(start, end);
}

function queryOver(timeInterval) {
    const query = Tilebox.Query.new();
    query.set_time_interval(timeInterval);
    return query;
}

const S2 = 'open_data.copernicus.sentinel2_msi';
const WEATHER = 'demo.weather_stations';
const DAY = interval('2025-01-01', '2025-01-02');

const tests = [];
function test(name, body) {
    tests.push([name, body]);
}

test('the catalogue by listing, blocking and awaited', async client => {
    const blocking = client.list_datasets(null);
    const awaited = await client.list_datasets_async(null);
    const slugs = awaited.map(d => d.slug).sort();
    check(slugs.join() === [S2, 'open_data.asf.ers_sar', WEATHER].sort().join(),
        `the demo datasets, got ${slugs}`);
    check(blocking.map(d => d.id).join() === awaited.map(d => d.id).join(), 'both list the same ids in order');

    const groups = client.list_dataset_groups(null);
    const awaitedGroups = await client.list_dataset_groups_async(null);
    const names = awaitedGroups.map(g => g.name).sort();
    check(names.join() === ['Alaska Satellite Facility', 'Copernicus', 'Demo', 'Open data'].join(),
        `the demo groups, got ${names}`);
    check(groups.length === awaitedGroups.length, 'blocking and awaited groups agree');
    const openData = awaitedGroups.find(g => g.name === 'Open data');
    const copernicus = awaitedGroups.find(g => g.name === 'Copernicus');
    check(copernicus.parent_id === openData.id, 'Copernicus is under Open data');
    const s2 = awaited.find(d => d.slug === S2);
    check(s2.group_id === copernicus.id, 'Sentinel-2 is in the Copernicus group');
});

test('a dataset by slug and by id: the id round-trips', async client => {
    const bySlug = client.get_dataset(WEATHER, null);
    const awaitedBySlug = await client.get_dataset_async(WEATHER, null);
    check(bySlug.id === awaitedBySlug.id && bySlug.name === 'Weather stations', 'the same dataset by slug');
    check(awaitedBySlug.kind === Tilebox.DatasetKind.TEMPORAL, 'the weather stations are temporal');

    const byId = client.get_dataset_by_id(bySlug.id, null);
    const awaitedById = await client.get_dataset_by_id_async(bySlug.id, null);
    check(byId.slug === WEATHER && awaitedById.slug === WEATHER, 'by id, the same slug');
    check(awaitedById.id === bySlug.id, 'by id, the same id');
    const fields = awaitedById.schema.get_fields().map(f => f.name).join(' ');
    check(fields === 'time id ingestion_time station temperature humidity pressure rain tags',
        `the weather fields, got ${fields}`);
});

test('unknown datasets, collections and datapoints are NOT_FOUND', async client => {
    const NF = Tilebox.Error.NOT_FOUND;
    expectErrorSync(() => client.get_dataset('no_such.dataset', null), Tilebox.Error, NF, 'blocking get_dataset');
    await expectError(client.get_dataset_async('no_such.dataset', null), Tilebox.Error, NF, 'awaited get_dataset');
    const noId = '00000000-0000-4000-8000-000000000000';
    expectErrorSync(() => client.get_dataset_by_id(noId, null), Tilebox.Error, NF, 'blocking get_dataset_by_id');
    await expectError(client.get_dataset_by_id_async(noId, null), Tilebox.Error, NF, 'awaited get_dataset_by_id');

    const weather = client.get_dataset(WEATHER, null);
    expectErrorSync(() => weather.get_collection('hamburg', null), Tilebox.Error, NF, 'blocking get_collection');
    await expectError(weather.get_collection_async('hamburg', null), Tilebox.Error, NF, 'awaited get_collection');

    const berlin = weather.get_collection('berlin', null);
    const noDatapoint = '0194a000-0000-7000-8000-000000000000';
    expectErrorSync(() => berlin.find(noDatapoint, false, null), Tilebox.Error, NF, 'blocking collection find');
    await expectError(berlin.find_async(noDatapoint, false, null), Tilebox.Error, NF, 'awaited collection find');
    expectErrorSync(() => weather.find(noDatapoint, false, null), Tilebox.Error, NF, 'blocking dataset find');
    await expectError(weather.find_async(noDatapoint, false, null), Tilebox.Error, NF, 'awaited dataset find');
});

test('collections: listed, got by name, counted', async client => {
    const s2 = client.get_dataset(S2, null);
    const blocking = s2.list_collections(null);
    const awaited = await s2.list_collections_async(null);
    const names = awaited.map(c => c.name).sort().join();
    check(names === 'S2A_S2MSI1C,S2A_S2MSI2A,S2B_S2MSI1C,S2C_S2MSI2A', `the Sentinel-2 collections, got ${names}`);
    check(blocking.map(c => c.id).join() === awaited.map(c => c.id).join(), 'blocking and awaited agree');

    const s2a = s2.get_collection('S2A_S2MSI1C', null);
    const awaitedS2a = await s2.get_collection_async('S2A_S2MSI1C', null);
    check(s2a.id === awaitedS2a.id && s2a.id === awaited.find(c => c.name === 'S2A_S2MSI1C').id,
        'get_collection returns the listed collection');
    check(s2a.get_dataset() === s2, 'a collection knows its dataset');

    check(s2a.refresh(null) === true && s2a.has_count && s2a.count === 3000, `S2A L1C holds 3000, got ${s2a.count}`);
    check(await awaitedS2a.refresh_async(null) === true && awaitedS2a.count === 3000, 'awaited refresh counts 3000');
    check(awaitedS2a.availability.to_string().startsWith('[2025-01-01'), 'the availability starts in 2025');
});

test('a collection query over its availability holds its count', async client => {
    const weather = client.get_dataset(WEATHER, null);
    const munich = weather.get_collection('munich', null);
    await munich.refresh_async(null);
    const whole = Tilebox.TimeInterval.new_full(munich.availability.get_start(),
        munich.availability.get_end(), false, true);
    const blocking = munich.query(queryOver(whole), null);
    const awaited = await munich.query_async(queryOver(whole), null);
    check(blocking.get_n_rows() === munich.count && munich.count === 250, `250 rows, got ${blocking.get_n_rows()}`);
    check(awaited.get_ids().join() === blocking.get_ids().join(), 'blocking and awaited load the same ids');
    const stations = new Set(awaited.get_column('station').deepUnpack());
    check([...stations].every(s => s.startsWith('München-')), `Munich stations only, got ${[...stations]}`);
    const ids = awaited.get_ids();
    check(ids.every((id, i) => i === 0 || ids[i - 1] < id), 'ids come in order');

    const limited = queryOver(whole);
    limited.set_limit(7);
    check((await munich.query_async(limited, null)).get_n_rows() === 7, 'a limit of 7 loads 7');
});

test('a dataset query merges its collections, or those the query names', async client => {
    const weather = await client.get_dataset_async(WEATHER, null);
    const berlin = weather.get_collection('berlin', null);
    const munich = weather.get_collection('munich', null);
    const berlinDay = berlin.query(queryOver(DAY), null).get_n_rows();
    const munichDay = munich.query(queryOver(DAY), null).get_n_rows();
    check(berlinDay === 24 && munichDay > 0, `a day in Berlin and Munich: ${berlinDay}, ${munichDay}`);

    const all = weather.query(queryOver(DAY), null);
    const awaitedAll = await weather.query_async(queryOver(DAY), null);
    check(all.get_n_rows() === berlinDay + munichDay, `both collections merged, got ${all.get_n_rows()}`);
    check(awaitedAll.get_ids().join() === all.get_ids().join(), 'blocking and awaited merge alike');

    const onlyMunich = queryOver(DAY);
    onlyMunich.add_collection(munich);
    const chosen = await weather.query_async(onlyMunich, null);
    check(chosen.get_n_rows() === munichDay, `the named collection only, got ${chosen.get_n_rows()}`);
});

test('find returns the datapoint asked for', async client => {
    const weather = client.get_dataset(WEATHER, null);
    const berlin = await weather.get_collection_async('berlin', null);
    const day = berlin.query(queryOver(DAY), null);
    const wanted = day.get_datapoint(5);
    const id = wanted.get_id();

    const blocking = berlin.find(id, false, null);
    const awaited = await berlin.find_async(id, false, null);
    check(blocking.get_id() === id && awaited.get_id() === id, 'the ids asked for');
    check(awaited.get_field('temperature').deepUnpack() === wanted.get_field('temperature').deepUnpack(),
        'the same temperature as the query');
    check(awaited.get_time().equal(wanted.get_time()), 'the same time as the query');

    const bare = await berlin.find_async(id, true, null);
    check(bare.get_id() === id && !bare.has_field('temperature'), 'skip_data leaves the fields out');

    const viaDataset = weather.find(id, false, null);
    const awaitedViaDataset = await weather.find_async(id, false, null);
    check(viaDataset.get_id() === id && awaitedViaDataset.get_id() === id, 'the dataset finds it in a collection');
    check(awaitedViaDataset.get_field('station').deepUnpack() === wanted.get_field('station').deepUnpack(),
        'the station of the datapoint asked for');
});

test('a cursor pages through a day, blocking and awaited', async client => {
    const berlin = client.get_dataset(WEATHER, null).get_collection('berlin', null);
    const query = queryOver(DAY);
    query.set_page_size(5);
    const cursor = berlin.query_pages(query);
    const pages = [];
    for (let page = await cursor.next_async(null); page !== null; page = await cursor.next_async(null))
        pages.push(page.get_n_rows());
    check(pages.join() === '5,5,5,5,4', `pages of 5, got ${pages}`);
    check(cursor.n_datapoints === 24 && cursor.is_done(), 'the cursor counted 24 and is done');
    check(await cursor.next_async(null) === null && cursor.next(null) === null, 'a done cursor stays done');

    const blocking = berlin.query_pages(query);
    const ids = [];
    for (let page = blocking.next(null); page !== null; page = blocking.next(null))
        ids.push(...page.get_ids());
    check(ids.join() === berlin.query(queryOver(DAY), null).get_ids().join(), 'blocking pages hold the whole day');
    check(blocking.n_pages === 5 && blocking.position === ids[23], 'five pages, positioned at the last id');
});

test('a bad filter is INVALID_ARGUMENT before anything is sent', async client => {
    const berlin = client.get_dataset(WEATHER, null).get_collection('berlin', null);
    const query = queryOver(DAY);
    query.add_filter(Tilebox.Filter.new_parse('no_such_field > 3'));
    const IA = Tilebox.Error.INVALID_ARGUMENT;
    const e = expectErrorSync(() => berlin.query(query, null), Tilebox.Error, IA, 'blocking query, unknown field');
    check(e.message.includes('no_such_field'), `the message names the field: ${e.message}`);
    await expectError(berlin.query_async(query, null), Tilebox.Error, IA, 'awaited query, unknown field');
    const weather = berlin.get_dataset();
    await expectError(weather.query_async(query, null), Tilebox.Error, IA, 'awaited dataset query, unknown field');
    expectErrorSync(() => Tilebox.Filter.new_parse('temperature >'), Tilebox.Error, IA, 'an unfinished filter');
});

test('collections created, got or created, deleted', async client => {
    const spec = Tilebox.FieldSpec.new('value', Tilebox.FieldType.DOUBLE);
    const dataset = client.create_dataset('GJS collections', Tilebox.DatasetKind.TEMPORAL, [spec],
        'gjs_collections', null, null);
    try {
        const first = dataset.create_collection('first', null);
        const second = await dataset.create_collection_async('second', null);
        check(first.name === 'first' && second.name === 'second' && first.id !== second.id, 'two collections');
        await expectError(dataset.create_collection_async('first', null), Tilebox.Error,
            Tilebox.Error.ALREADY_EXISTS, 'a second collection named first');

        const again = dataset.get_or_create_collection('first', null);
        check(again.id === first.id, 'get_or_create returns the existing collection');
        const awaitedAgain = await dataset.get_or_create_collection_async('second', null);
        check(awaitedAgain.id === second.id, 'awaited get_or_create returns the existing collection');
        const third = await dataset.get_or_create_collection_async('third', null);
        check(third.name === 'third' && ![first.id, second.id].includes(third.id), 'a new one when missing');
        check((await dataset.list_collections_async(null)).length === 3, 'three collections listed');

        check(dataset.delete_collection(first, null) === true, 'blocking delete_collection');
        check(await dataset.delete_collection_async(third, null) === true, 'awaited delete_collection');
        const left = dataset.list_collections(null).map(c => c.name);
        check(left.join() === 'second', `only second left, got ${left}`);
        expectErrorSync(() => dataset.get_collection('first', null), Tilebox.Error, Tilebox.Error.NOT_FOUND,
            'a deleted collection is gone');
    } finally {
        client.delete_dataset(dataset, null);
    }
});

test('ingest in three forms, delete in two: counts and ids round-trip', async client => {
    const cover = Tilebox.FieldSpec.new('cover', Tilebox.FieldType.DOUBLE);
    cover.set_queryable(true);
    const label = Tilebox.FieldSpec.new('label', Tilebox.FieldType.STRING);
    const dataset = await client.create_dataset_async('GJS ingest', Tilebox.DatasetKind.TEMPORAL,
        [cover, label], 'gjs_ingest', 'Three forms of ingest', null);
    check(dataset.slug === 'local.gjs_ingest' && dataset.summary === 'Three forms of ingest', 'created');
    try {
        const source = dataset.create_collection('source', null);
        const copy = await dataset.create_collection_async('copy', null);
        const june = interval('2030-06-01', '2030-07-01');

        // As a GVariant of type aa{sv}, blocking.
        const variantRecords = new GLib.Variant('aa{sv}', [0, 1, 2].map(i => ({
            time: new GLib.Variant('s', `2030-06-0${i + 1}T12:00:00Z`),
            cover: new GLib.Variant('d', 10.5 * i),
            label: new GLib.Variant('s', `variant ${i}`),
        })));
        const fromVariant = source.ingest(variantRecords, false, null, null);
        check(fromVariant.n_created === 3 && fromVariant.get_ids().length === 3, 'three created from variants');

        // As a GVariant, awaited: the same records, all existing, the same ids.
        const progress = [];
        const repeat = await source.ingest_async(variantRecords, true, (done, total) => progress.push([done, total]),
            null);
        check(repeat.n_existing === 3 && repeat.n_created === 0, 'existing the second time');
        check(repeat.get_ids().join() === fromVariant.get_ids().join(), 'the same ids the second time');
        check(progress.length === 1 && progress[0].join() === '3,3', `progress once, got ${progress}`);

        // As JSON, blocking and awaited.
        const json = Json.from_string(JSON.stringify([
            {time: '2030-06-10T00:00:00Z', cover: 1.25, label: 'json a'},
            {time: '2030-06-11T00:00:00Z', label: 'json b'},
        ]));
        const fromJson = source.ingest_json(json, false, null, null);
        check(fromJson.n_created === 2, 'two created from JSON');
        const columns = Json.from_string(JSON.stringify({
            time: ['2030-06-20T00:00:00Z', '2030-06-21T00:00:00Z'], cover: [80, 90],
        }));
        const fromColumns = await source.ingest_json_async(columns, false, null, null);
        check(fromColumns.n_created === 2, 'two created from JSON columns');

        // Ingesting an existing datapoint without allow_existing fails and stores nothing.
        const AE = Tilebox.Error.ALREADY_EXISTS;
        expectErrorSync(() => source.ingest_json(json, false, null, null), Tilebox.Error, AE, 'blocking, existing');
        await expectError(source.ingest_async(variantRecords, false, null, null), Tilebox.Error, AE,
            'awaited, existing');

        const loaded = await source.query_async(queryOver(june), null);
        check(loaded.get_n_rows() === 7, `seven stored, got ${loaded.get_n_rows()}`);
        const allIds = [...fromVariant.get_ids(), ...fromJson.get_ids(), ...fromColumns.get_ids()].sort();
        check(loaded.get_ids().join() === allIds.join(), 'the ids ingest returned are the ids stored');
        const found = await source.find_async(fromJson.get_ids()[1], false, null);
        check(found.get_field('label').deepUnpack() === 'json b' && !found.has_field('cover'),
            'an absent field stays absent');

        // Loaded datapoints into another collection: the same ids.
        const copied = copy.ingest_datapoints(loaded, false, null, null);
        check(copied.n_created === 7 && copied.get_ids().join() === loaded.get_ids().join(), 'copied, same ids');
        const copiedAgain = await copy.ingest_datapoints_async(loaded, true, null, null);
        check(copiedAgain.n_existing === 7, 'copied again: all existing');
        check(dataset.query(queryOver(june), null).get_n_rows() === 14, 'fourteen in the dataset');

        // Delete by ids (unknown ids are not counted) and by loaded datapoints.
        const someIds = fromVariant.get_ids();
        check(source.delete_ids([...someIds, someIds[0]], null, null) === 3, 'three deleted by id');
        const rest = source.query(queryOver(june), null);
        check(await source.delete_ids_async(rest.get_ids(), null, null) === 4, 'the other four deleted awaited');
        const copies = copy.query(queryOver(june), null);
        check(await copy.delete_datapoints_async(copies, null, null) === 7, 'copies deleted by datapoints');
        check(copy.delete_datapoints(copies, null, null) === 0, 'deleting them again deletes none');
        check(dataset.query(queryOver(june), null).get_n_rows() === 0, 'the dataset is empty');

        const bad = new GLib.Variant('aa{sv}', [{time: new GLib.Variant('s', '2030-06-01T00:00:00Z'),
            cover: new GLib.Variant('s', 'high')}]);
        const e = await expectError(source.ingest_async(bad, false, null, null), Tilebox.Error,
            Tilebox.Error.INVALID_ARGUMENT, 'a string for a double');
        check(e.message.includes('record 0, field cover'), `the record and field named: ${e.message}`);
    } finally {
        check(await client.delete_dataset_async(dataset, null) === true, 'the dataset deleted');
    }
    await expectError(client.get_dataset_async('local.gjs_ingest', null), Tilebox.Error, Tilebox.Error.NOT_FOUND,
        'a deleted dataset is gone');
});

test('create, update and delete a dataset, blocking', async client => {
    const spec = Tilebox.FieldSpec.new('level', Tilebox.FieldType.INT32);
    const created = client.create_dataset('GJS blocking', Tilebox.DatasetKind.TEMPORAL, [spec], null, null, null);
    check(created.slug === 'local.gjs_blocking', `a code name from the name, got ${created.slug}`);
    const byId = await client.get_dataset_by_id_async(created.id, null);
    check(byId.slug === created.slug, 'the new dataset by id');
    const updated = client.update_dataset(created, null, null, 'Blocking summary', null);
    check(updated.summary === 'Blocking summary' && updated.name === 'GJS blocking', 'summary changed only');
    const awaitedUpdate = await client.update_dataset_async(updated, 'GJS awaited', null, null, null);
    check(awaitedUpdate.name === 'GJS awaited' && awaitedUpdate.id === created.id, 'renamed, same id');
    check(client.delete_dataset(awaitedUpdate, null) === true, 'deleted');
    expectErrorSync(() => client.get_dataset_by_id(created.id, null), Tilebox.Error, Tilebox.Error.NOT_FOUND,
        'deleted by id');
});

test('cancelled calls fail with G_IO_ERROR_CANCELLED', async (client, slowUrl) => {
    const cancelled = new Gio.Cancellable();
    cancelled.cancel();
    const CANCELLED = Gio.IOErrorEnum.CANCELLED;
    expectErrorSync(() => client.list_datasets(cancelled), Gio.IOErrorEnum, CANCELLED, 'blocking, cancelled before');
    await expectError(client.list_datasets_async(cancelled), Gio.IOErrorEnum, CANCELLED, 'awaited, cancelled before');

    // A call in flight to a server that answers after 3 s, cancelled after 100 ms.
    const slow = Tilebox.Client.new_for_url(slowUrl, null);
    const cancellable = new Gio.Cancellable();
    GLib.timeout_add(GLib.PRIORITY_DEFAULT, 100, () => {
        cancellable.cancel();
        return GLib.SOURCE_REMOVE;
    });
    const started = GLib.get_monotonic_time();
    await expectError(slow.get_dataset_async(WEATHER, cancellable), Gio.IOErrorEnum, CANCELLED, 'in flight');
    const ms = (GLib.get_monotonic_time() - started) / 1000;
    check(ms < 2000, `cancelled in flight after ${ms} ms, not after the answer`);
    const berlin = client.get_dataset(WEATHER, null).get_collection('berlin', null);
    await expectError(berlin.query_async(queryOver(DAY), cancelled), Gio.IOErrorEnum, CANCELLED, 'a query');
});

let status = 0;
const servers = [];
const watchdog = GLib.timeout_add_seconds(GLib.PRIORITY_DEFAULT, TIME_LIMIT_S, () => {
    printerr(`not ok - ${current}: still running after ${TIME_LIMIT_S} s`);
    for (const server of servers)
        server.force_exit();
    System.exit(1);
});
try {
    const [demo, url] = await startServer('--demo');
    servers.push(demo);
    const [slow, slowUrl] = await startServer('--latency-ms', '3000');
    servers.push(slow);
    const client = Tilebox.Client.new_for_url(url, null);
    for (const [name, body] of tests) {
        current = name;
        await body(client, slowUrl);
        print(`ok - ${name}`);
    }
    print(`ok: ${tests.length} tests over ${Object.values(ASYNC_METHODS).flat().length} async methods passed`);
} catch (e) {
    printerr(`not ok - ${current}: ${e.message}`);
    printerr(e.stack);
    status = 1;
} finally {
    GLib.source_remove(watchdog);
    for (const server of servers) {
        server.send_signal(15);
        server.wait(null);
    }
}
System.exit(status);
