/* basics.vala: the basic operations of libtilebox from Vala, with yield
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Usage: basics-vala [URL]
 *
 * Connects to the Tilebox service at URL, or without one to the real
 * service (with the API key in TILEBOX_API_KEY), lists its datasets, loads a
 * day of Sentinel-2 scenes, then creates a dataset of its own, writes a few
 * datapoints, reads them back and deletes the dataset again.
 *
 * Build: valac --pkg tilebox-1 --pkg json-glib-1.0 basics.vala
 */

Tilebox.Query query_between (string start, string end) throws Error {
    var query = new Tilebox.Query ();
    query.set_time_interval (new Tilebox.TimeInterval.parse (start, end));
    return query;
}

async void list_datasets (Tilebox.Client client) throws Error {
    var datasets = yield client.list_datasets_async (null);
    print ("%u datasets:\n", datasets.length);
    foreach (var dataset in datasets.data)
        print ("  %s (%s)\n", dataset.slug, dataset.name);
}

async void query_scenes (Tilebox.Client client) throws Error {
    var sentinel2 = yield client.get_dataset_async ("open_data.copernicus.sentinel2_msi", null);
    var collection = yield sentinel2.get_collection_async ("S2A_S2MSI1C", null);

    /* From the first of January 2025, inclusive, to the second, exclusive. */
    var scenes = yield collection.query_async (query_between ("2025-01-01", "2025-01-02"), null);
    print ("\n%u Sentinel-2A scenes on 2025-01-01, the first few:\n", scenes.get_n_rows ());
    for (uint i = 0; i < uint.min (3, scenes.get_n_rows ()); i++) {
        var scene = scenes.get_datapoint (i);
        /* Fields come as GLib.Variant; a field the datapoint lacks is null. */
        var granule = scene.get_field ("granule_name");
        var cover = scene.get_field ("cloud_cover");
        print ("  %s  %s  %.1f %% cloud\n", scene.get_time ().format_iso8601 (),
               granule != null ? granule.get_string () : "?", cover != null ? cover.get_double () : -1.0);
    }
}

async void write_and_read (Tilebox.Client client) throws Error {
    /* Besides these fields, every temporal dataset has time, id and
     * ingestion_time. */
    var depth = new Tilebox.FieldSpec ("depth", Tilebox.FieldType.DOUBLE);
    var site = new Tilebox.FieldSpec ("site", Tilebox.FieldType.STRING);
    var dataset = yield client.create_dataset_async ("Example soundings", Tilebox.DatasetKind.TEMPORAL,
                                                     { depth, site }, "example_soundings",
                                                     "Written by the basics example", null);
    print ("\nCreated %s\n", dataset.slug);
    Error? failure = null;
    try {
        var collection = yield dataset.create_collection_async ("lake", null);

        /* Datapoints as a GLib.Variant of type aa{sv}: one dictionary per
         * datapoint, from field name to value. */
        var records = new VariantBuilder (new VariantType ("aa{sv}"));
        string[] sites = { "north", "north", "pier" };
        double[] depths = { 4.5, 5.25, 3.0 };
        for (int i = 0; i < sites.length; i++) {
            records.open (new VariantType ("a{sv}"));
            records.add ("{sv}", "time", new Variant.string ("2030-05-01T0%d:00:00Z".printf (6 + i)));
            records.add ("{sv}", "depth", new Variant.double (depths[i]));
            records.add ("{sv}", "site", new Variant.string (sites[i]));
            records.close ();
        }
        var result = yield collection.ingest_async (records.end (), false, null, null);
        print ("Wrote %llu datapoints\n", result.n_created);

        var back = yield collection.query_async (query_between ("2030-05-01", "2030-06-01"), null);
        for (uint i = 0; i < back.get_n_rows (); i++) {
            var point = back.get_datapoint (i);
            print ("  %s  %-5s  %.2f m\n", point.get_id (), point.get_field ("site").get_string (),
                   point.get_field ("depth").get_double ());
        }
        if (back.get_n_rows () != result.n_created)
            throw new IOError.FAILED ("read %u datapoints back, expected %llu", back.get_n_rows (), result.n_created);
    } catch (Error e) {
        failure = e;
    }

    /* Delete the dataset even when a step above failed (Vala does not let a
     * finally block yield). */
    yield client.delete_dataset_async (dataset, null);
    print ("Deleted %s\n", dataset.slug);
    if (failure != null)
        throw failure;
}

async int run (string? url) {
    try {
        var client = url != null ? new Tilebox.Client.for_url (url, Environment.get_variable ("TILEBOX_API_KEY"))
                                 : new Tilebox.Client ();
        yield list_datasets (client);
        yield query_scenes (client);
        yield write_and_read (client);
        return 0;
    } catch (Tilebox.Error.NOT_FOUND e) {
        /* Errors of the library are in the Tilebox.Error domain. */
        printerr ("Not found: %s\n", e.message);
        return 1;
    } catch (Error e) {
        printerr ("Failed: %s\n", e.message);
        return 1;
    }
}

int main (string[] args) {
    var loop = new MainLoop ();
    int status = 1;
    run.begin (args.length > 1 ? args[1] : null, (obj, res) => {
        status = run.end (res);
        loop.quit ();
    });
    loop.run ();
    return status;
}
