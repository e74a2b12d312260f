/* vala_async.vala: the async methods through the generated VAPI with
 * yield, against a local server this program starts itself: the catalogue,
 * a full query against the collection's count, a cursor loop, and a
 * dataset created, written to, emptied and deleted.
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

errordomain CheckError {
    FAILED
}

/* Fails the run with a message naming the check. */
void check (bool condition, string what) throws CheckError {
    if (!condition)
        throw new CheckError.FAILED ("check failed: %s", what);
}

async void run (string url) throws Error {
    var client = new Tilebox.Client.for_url (url, null);

    var datasets = yield client.list_datasets_async (null);
    check (datasets.length == 3, "three demo datasets, got %u".printf (datasets.length));

    var weather = yield client.get_dataset_async ("demo.weather_stations", null);
    check (weather.kind == Tilebox.DatasetKind.TEMPORAL, "the weather stations are temporal");

    var collections = yield weather.list_collections_async (null);
    check (collections.length == 2, "two weather collections");
    Tilebox.Collection? berlin = null;
    foreach (var collection in collections.data) {
        if (collection.name == "berlin")
            berlin = collection;
    }
    check (berlin != null, "a collection named berlin");
    check (yield berlin.refresh_async (null), "berlin refreshed");
    check (berlin.has_count && berlin.count == 500, "berlin holds 500, got %llu".printf (berlin.count));

    /* The whole availability, end included, holds every datapoint. */
    var availability = berlin.availability;
    var whole = new Tilebox.Query ();
    whole.set_time_interval (new Tilebox.TimeInterval.full (availability.get_start (), availability.get_end (),
                                                            false, true));
    var all = yield berlin.query_async (whole, null);
    check (all.get_n_rows () == berlin.count, "the full interval holds %llu, got %u".printf (berlin.count,
                                                                                           all.get_n_rows ()));

    /* Page by page: the same ids in the same order. */
    var paged = new Tilebox.Query ();
    paged.set_time_interval (new Tilebox.TimeInterval.parse ("2025-01-01", "2025-01-03"));
    paged.set_page_size (10);
    var cursor = berlin.query_pages (paged);
    string[] ids = {};
    Tilebox.Datapoints? page;
    while ((page = yield cursor.next_async (null)) != null) {
        check (page.get_n_rows () <= 10, "at most ten datapoints a page");
        foreach (var id in page.get_ids ())
            ids += id;
    }
    var expected = (yield berlin.query_async (paged, null)).get_ids ();
    check (ids.length == 48 && string.joinv (",", ids) == string.joinv (",", expected),
           "two days in pages of ten, got %d ids".printf (ids.length));
    check (cursor.is_done () && cursor.n_pages == 5, "done after five pages");

    /* A dataset of our own: created, written to twice, emptied, deleted. */
    var depth = new Tilebox.FieldSpec ("depth", Tilebox.FieldType.DOUBLE);
    var site = new Tilebox.FieldSpec ("site", Tilebox.FieldType.STRING);
    var created = yield client.create_dataset_async ("Vala soundings", Tilebox.DatasetKind.TEMPORAL,
                                                     { depth, site }, "vala_soundings", null, null);
    check (created.slug == "local.vala_soundings", "slug, got %s".printf (created.slug));
    var collection = yield created.create_collection_async ("lake", null);

    var builder = new VariantBuilder (new VariantType ("aa{sv}"));
    for (int i = 0; i < 3; i++) {
        builder.open (new VariantType ("a{sv}"));
        builder.add ("{sv}", "time", new Variant.string ("2030-05-0%dT06:00:00Z".printf (i + 1)));
        builder.add ("{sv}", "depth", new Variant.double (1.5 * i));
        builder.add ("{sv}", "site", new Variant.string ("buoy %d".printf (i)));
        builder.close ();
    }
    var result = yield collection.ingest_async (builder.end (), false, null, null);
    check (result.n_created == 3 && result.get_ids ().length == 3, "three created from variants");

    var json = Json.from_string ("""[{"time": "2030-05-10T06:00:00Z", "depth": 9.25, "site": "pier"}]""");
    var from_json = yield collection.ingest_json_async (json, false, null, null);
    check (from_json.n_created == 1, "one created from JSON");

    try {
        yield collection.ingest_json_async (json, false, null, null);
        check (false, "ingesting an existing datapoint fails");
    } catch (Tilebox.Error.ALREADY_EXISTS e) {
    }

    var may = new Tilebox.Query ();
    may.set_time_interval (new Tilebox.TimeInterval.parse ("2030-05-01", "2030-06-01"));
    var stored = yield collection.query_async (may, null);
    check (stored.get_n_rows () == 4, "four stored, got %u".printf (stored.get_n_rows ()));
    var pier = yield collection.find_async (from_json.get_ids ()[0], false, null);
    check (pier.get_field ("site").get_string () == "pier" && pier.get_field ("depth").get_double () == 9.25,
           "find returns the datapoint ingested from JSON");

    var deleted = yield collection.delete_ids_async (result.get_ids (), null, null);
    check (deleted == 3, "three deleted by id, got %lld".printf (deleted));
    var rest = yield collection.query_async (may, null);
    check ((yield collection.delete_datapoints_async (rest, null, null)) == 1, "the last one deleted");
    check ((yield collection.query_async (may, null)).get_n_rows () == 0, "nothing left");

    check (yield client.delete_dataset_async (created, null), "the dataset deleted");
    try {
        yield client.get_dataset_async ("local.vala_soundings", null);
        check (false, "a deleted dataset is gone");
    } catch (Tilebox.Error.NOT_FOUND e) {
    }

    try {
        yield weather.get_collection_async ("hamburg", null);
        check (false, "an unknown collection fails");
    } catch (Tilebox.Error.NOT_FOUND e) {
        check (e.message.length > 0, "NOT_FOUND has a message");
    }

    print ("ok: %u datasets, %s holds %llu, %d ids in %u pages, %llu written and deleted\n",
           datasets.length, berlin.name, berlin.count, ids.length, cursor.n_pages, result.n_created + 1);
}

int main () {
    var server_path = Environment.get_variable ("TILEBOX_SERVER_PATH");
    if (server_path == null) {
        printerr ("TILEBOX_SERVER_PATH must name the tilebox-server program\n");
        return 1;
    }

    Subprocess server;
    string? url;
    try {
        server = new Subprocess (SubprocessFlags.STDOUT_PIPE, server_path, "--port", "0", "--demo");
        url = new DataInputStream (server.get_stdout_pipe ()).read_line (null);
    } catch (Error e) {
        printerr ("could not start %s: %s\n", server_path, e.message);
        return 1;
    }
    if (url == null) {
        printerr ("%s printed no URL\n", server_path);
        return 1;
    }

    var loop = new MainLoop ();
    int status = 0;
    run.begin (url, (obj, res) => {
        try {
            run.end (res);
        } catch (Error e) {
            printerr ("%s\n", e.message);
            status = 1;
        }
        loop.quit ();
    });
    loop.run ();

    server.send_signal (Posix.Signal.TERM);
    try {
        server.wait (null);
    } catch (Error e) {
    }
    return status;
}
