// gjs_smoke.js: the library from GJS, blocking and with await, against a
// local server started as a subprocess (GJS is single-threaded).
//
// Copyright 2026 The libtilebox authors
// SPDX-License-Identifier: LGPL-2.1-or-later

import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import System from 'system';
import Tilebox from 'gi://Tilebox?version=1';

Gio._promisify(Tilebox.Client.prototype, 'list_datasets_async', 'list_datasets_finish');
Gio._promisify(Tilebox.Client.prototype, 'get_dataset_async', 'get_dataset_finish');
Gio._promisify(Tilebox.Dataset.prototype, 'list_collections_async', 'list_collections_finish');
Gio._promisify(Tilebox.QueryCursor.prototype, 'next_async', 'next_finish');
Gio._promisify(Tilebox.Client.prototype, 'create_dataset_async', 'create_dataset_finish');
Gio._promisify(Tilebox.Client.prototype, 'update_dataset_async', 'update_dataset_finish');
Gio._promisify(Tilebox.Client.prototype, 'delete_dataset_async', 'delete_dataset_finish');
Gio._promisify(Gio.DataInputStream.prototype, 'read_line_async', 'read_line_finish_utf8');

function check(condition, what) {
    if (!condition)
        throw new Error(`check failed: ${what}`);
}

const server = Gio.Subprocess.new(
    [GLib.getenv('TILEBOX_SERVER_PATH'), '--port', '0', '--demo'],
    Gio.SubprocessFlags.STDOUT_PIPE);
const [url] = await new Gio.DataInputStream({base_stream: server.get_stdout_pipe()})
    .read_line_async(GLib.PRIORITY_DEFAULT, null);

let status = 0;
try {
    const client = Tilebox.Client.new_for_url(url, null);

    const blocking = client.list_datasets(null);
    check(blocking.length >= 3, 'at least three demo datasets');

    const datasets = await client.list_datasets_async(null);
    check(datasets.length === blocking.length, 'async and blocking agree');

    const s2 = await client.get_dataset_async('open_data.copernicus.sentinel2_msi', null);
    check(s2.kind === Tilebox.DatasetKind.SPATIOTEMPORAL, 'Sentinel-2 is spatiotemporal');
    check(s2.get_group() === null, 'a dataset opened by slug has no group object');

    const collections = await s2.list_collections_async(null);
    check(collections.map(c => c.name).includes('S2A_S2MSI1C'), 'S2A_S2MSI1C listed');

    const berlin = client.get_dataset('demo.weather_stations', null).get_collection('berlin', null);
    const query = Tilebox.Query.new();
    query.set_time_interval(Tilebox.TimeInterval.new_parse('2025-01-01', '2025-01-02'));
    query.set_page_size(10);
    const cursor = berlin.query_pages(query);
    const ids = [];
    for (let page = cursor.next(null); page !== null; page = cursor.next(null))
        ids.push(...page.get_ids());
    check(ids.length === 24 && cursor.n_pages === 3 && cursor.done, 'a day of readings in pages of 10');
    check(cursor.position === ids[23], 'the position is the last id delivered');

    const resumed = berlin.query_pages(query);
    resumed.set_position(ids[9]);
    const rest = [];
    for (let page = await resumed.next_async(null); page !== null; page = await resumed.next_async(null))
        rest.push(...page.get_ids());
    check(rest.join() === ids.slice(10).join(), 'a resumed cursor continues after its position');

    try {
        await client.get_dataset_async('no_such.dataset', null);
        check(false, 'an unknown dataset fails');
    } catch (e) {
        check(e.matches(Tilebox.Error, Tilebox.Error.NOT_FOUND), `NOT_FOUND, got ${e}`);
    }
    const clear = Tilebox.Filter.new_parse("cloud_cover < 20 AND processing_level = 'L1C'");
    check(clear.get_kind() === Tilebox.FilterKind.AND, 'a parsed filter is an AND');
    const cover = Tilebox.Filter.new_compare('cloud_cover', Tilebox.FilterOp.LT, new GLib.Variant('d', 20));
    check(cover.equal(clear.get_operand(0)) === false, 'an integer and a double literal differ');
    check(cover.to_string() === 'cloud_cover < 20.0', `to_string, got ${cover.to_string()}`);
    const s2aFiltered = s2.get_collection('S2A_S2MSI1C', null);
    const filtered = Tilebox.Query.new();
    filtered.set_time_interval(Tilebox.TimeInterval.new_parse('2025-01-01', '2026-01-01'));
    filtered.add_filter(cover);
    filtered.set_spatial_filter_wkt('POLYGON ((-180 -90, 180 -90, 180 90, -180 90, -180 -90))',
        Tilebox.SpatialMode.INTERSECTS, Tilebox.CoordinateSystem.CARTESIAN);
    const clearOnes = s2aFiltered.query(filtered, null);
    const covers = clearOnes.get_column('cloud_cover').deepUnpack();
    check(covers.length > 0 && covers.every(c => c < 20), `${covers.length} rows under 20% cloud`);

    const depth = Tilebox.FieldSpec.new('depth', Tilebox.FieldType.FLOAT);
    depth.set_queryable(true);
    const direction = Tilebox.FieldSpec.new_enum('direction', 'datasets.v1.FlightDirection');
    const created = await client.create_dataset_async('GJS soundings', Tilebox.DatasetKind.TEMPORAL,
        [depth, direction], 'gjs_soundings', null, null);
    check(created.slug === 'local.gjs_soundings', `slug, got ${created.slug}`);
    const createdNames = created.schema.get_fields().map(f => f.name).join(' ');
    check(createdNames === 'time id ingestion_time depth direction', `fields, got ${createdNames}`);
    check(created.schema.lookup_field('direction').type_name === 'datasets.v1.FlightDirection', 'enum type name');
    const where = Tilebox.FieldSpec.new('where', Tilebox.FieldType.LATLON);
    const updated = await client.update_dataset_async(created, 'GJS soundings v2', [depth, direction, where],
        null, null);
    check(updated.name === 'GJS soundings v2' && updated.schema.lookup_field('where') !== null, 'updated');
    check(created.schema.lookup_field('where') === null, 'the old dataset keeps its fields');
    const kept = client.update_dataset(updated, null, null, 'Summary', null);
    check(kept.schema.get_n_fields() === 6 && kept.summary === 'Summary', 'null keeps the fields');
    const unchanged = client.update_dataset(kept, null, [], null, null);
    check(unchanged.schema.get_n_fields() === 6, 'an empty list keeps them too');
    try {
        client.create_dataset('Refused', Tilebox.DatasetKind.TEMPORAL,
            [Tilebox.FieldSpec.new('1st', Tilebox.FieldType.BOOL)], null, null, null);
        check(false, 'an invalid field name fails');
    } catch (e) {
        check(e.matches(Tilebox.Error, Tilebox.Error.INVALID_ARGUMENT), `INVALID_ARGUMENT, got ${e}`);
    }
    check(await client.delete_dataset_async(unchanged, null), 'deleted');
    try {
        client.get_dataset('local.gjs_soundings', null);
        check(false, 'a deleted dataset is gone');
    } catch (e) {
        check(e.matches(Tilebox.Error, Tilebox.Error.NOT_FOUND), `NOT_FOUND, got ${e}`);
    }

    print(`ok: ${datasets.length} datasets, ${collections.length} Sentinel-2 collections, ` +
          `${cursor.n_pages} pages`);
} catch (e) {
    printerr(e);
    status = 1;
} finally {
    server.send_signal(15);
}
System.exit(status);
