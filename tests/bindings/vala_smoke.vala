/* vala_smoke.vala: the library through the generated VAPI, blocking and
 * with yield, against a local server it starts itself.
 *
 * Copyright 2026 The libtilebox authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

async int run (string url) {
    try {
        var client = new Tilebox.Client.for_url (url, null);

        var datasets = client.list_datasets (null);
        assert (datasets.length >= 3);

        var s2 = yield client.get_dataset_async ("open_data.copernicus.sentinel2_msi", null);
        assert (s2.kind == Tilebox.DatasetKind.SPATIOTEMPORAL);
        assert (s2.schema.get_field (0).field_type == Tilebox.FieldType.TIMESTAMP);

        var collections = yield s2.list_collections_async (null);
        assert (collections.length == 4);

        var collection = collections[0];
        yield collection.refresh_async (null);
        assert (collection.has_count && collection.count > 0);

        var level = new Tilebox.FieldSpec.@enum ("level", "ProcessingLevel");
        var cover = new Tilebox.FieldSpec ("cloud_cover", Tilebox.FieldType.DOUBLE);
        cover.set_queryable (true);
        var created = yield client.create_dataset_async ("Vala scenes", Tilebox.DatasetKind.SPATIOTEMPORAL,
                                                         { cover, level }, null, null, null);
        assert (created.slug == "local.vala_scenes");
        assert (created.schema.get_n_fields () == 6);
        assert (created.schema.lookup_field ("cloud_cover").queryable);
        var orbit = new Tilebox.FieldSpec ("orbit", Tilebox.FieldType.INT64);
        var updated = yield client.update_dataset_async (created, "Vala scenes v2", { cover, level, orbit },
                                                         null, null);
        assert (updated.name == "Vala scenes v2" && updated.schema.lookup_field ("orbit") != null);
        assert (created.schema.lookup_field ("orbit") == null);
        var unchanged = client.update_dataset (updated, null, new Tilebox.FieldSpec[] {}, "Summary");
        assert (unchanged.schema.get_n_fields () == 7 && unchanged.summary == "Summary");
        assert (yield client.delete_dataset_async (unchanged, null));
        try {
            client.get_dataset ("local.vala_scenes");
            assert_not_reached ();
        } catch (Tilebox.Error.NOT_FOUND e) {
        }

        try {
            yield client.get_dataset_async ("no_such.dataset", null);
            assert_not_reached ();
        } catch (Tilebox.Error.NOT_FOUND e) {
            print ("not found, as expected: %s\n", e.message);
        }
        print ("%u datasets, %s: %llu datapoints\n", datasets.length, collection.name, collection.count);
        return 0;
    } catch (Error e) {
        printerr ("%s\n", e.message);
        return 1;
    }
}

int main () {
    var server_path = Environment.get_variable ("TILEBOX_SERVER_PATH");
    Subprocess server;
    string url;
    try {
        server = new Subprocess (SubprocessFlags.STDOUT_PIPE, server_path, "--port", "0", "--demo");
        var stdout_stream = new DataInputStream (server.get_stdout_pipe ());
        url = stdout_stream.read_line (null);
    } catch (Error e) {
        printerr ("could not start %s: %s\n", server_path, e.message);
        return 1;
    }

    var loop = new MainLoop ();
    int status = 1;
    run.begin (url, (obj, res) => {
        status = run.end (res);
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
