#!/usr/bin/python3
# Awaiting the _async methods from Python through the Tilebox override:
# asyncio, trio and anyio on both backends, against the local server.
# Results and errors, overlap of concurrent calls, cancellation of the
# awaiting task, the callback form, and the decision to leave the await
# to PyGObject itself.
#
# Copyright 2026 The libtilebox authors
# SPDX-License-Identifier: LGPL-2.1-or-later

import asyncio
import json
import sys
import threading
import time
import unittest
import warnings

import anyio
import gi
import trio

gi.require_version("Tilebox", "1")
gi.require_version("Json", "1.0")
from local_server import start_local_server, stop_local_server  # noqa: E402
from gi.repository import Gio, GLib, Json, Tilebox  # noqa: E402
import gi.overrides.Tilebox as override  # noqa: E402

S2 = "open_data.copernicus.sentinel2_msi"
S2_COLLECTIONS = ["S2A_S2MSI1C", "S2B_S2MSI1C", "S2A_S2MSI2A", "S2C_S2MSI2A"]
LATENCY_MS = 300


def day_query(start="2025-01-01", end="2025-01-02"):
    query = Tilebox.Query.new()
    query.set_time_interval(Tilebox.TimeInterval.new_parse(start, end))
    return query


def january():
    return day_query("2025-01-01", "2025-02-01")


async def timed_query(results, i, collection):
    """Awaits a January query of collection; keeps its start, end and size as results[i]."""
    started = time.monotonic()
    datapoints = await collection.query_async(january())
    results[i] = (started, time.monotonic(), datapoints.get_n_rows())


def run_asyncio(coro_fn, *args):
    """Runs a coroutine on a fresh asyncio loop; fails on any exception the loop logged."""
    logged = []

    async def main():
        asyncio.get_running_loop().set_exception_handler(lambda loop, context: logged.append(context))
        return await coro_fn(*args)

    result = asyncio.run(main())
    if logged:
        raise AssertionError("the asyncio loop logged %r" % logged)
    return result


async def settle_asyncio(seconds):
    """Waits, then returns the tasks of the loop other than the caller."""
    await asyncio.sleep(seconds)
    return asyncio.all_tasks() - {asyncio.current_task()}


def all_overlap(intervals):
    """Whether one moment lies inside every [start, end]."""
    return max(s for s, _ in intervals) < min(e for _, e in intervals)


class OverrideLoadedTest(unittest.TestCase):
    def test_async_methods_are_wrapped_generically(self):
        # Every class with an _async/_finish pair, none listed by hand.
        for cls, name in [(Tilebox.Client, "list_datasets_async"), (Tilebox.Dataset, "list_collections_async"),
                          (Tilebox.Collection, "query_async"), (Tilebox.QueryCursor, "next_async"),
                          (Tilebox.Collection, "ingest_json_async")]:
            method = getattr(cls, name)
            self.assertEqual(method.__name__, name)
            self.assertTrue(hasattr(method, "__wrapped__"), name)
            self.assertIn("awaitable", method.__doc__)
            self.assertIn(name.replace("_async", "_finish"), method.__doc__)
        # Everything else untouched.
        self.assertFalse(hasattr(Tilebox.Client.list_datasets, "__wrapped__"))
        self.assertFalse(hasattr(Tilebox.Collection.query_finish, "__wrapped__"))


class NativeDecisionTest(unittest.TestCase):
    """PyGObject >= 3.50 awaits natively on GLib's own asyncio loop only."""

    def test_decision_with_faked_versions(self):
        glib_loop_class = type("GLibEventLoop", (), {"__module__": "gi.events"})
        derived_class = type("MyLoop", (glib_loop_class,), {"__module__": "myapp"})
        other_class = type("GLibEventLoop", (), {"__module__": "somewhere.else"})
        glib_loop, derived, other = glib_loop_class(), derived_class(), other_class()
        default_loop = asyncio.new_event_loop()
        try:
            self.assertFalse(override.native_async_in_charge((3, 42, 2), glib_loop))
            self.assertFalse(override.native_async_in_charge((3, 49, 9), glib_loop))
            self.assertTrue(override.native_async_in_charge((3, 50, 0), glib_loop))
            self.assertTrue(override.native_async_in_charge((3, 52, 1), derived))
            self.assertFalse(override.native_async_in_charge((3, 50, 0), default_loop))
            self.assertFalse(override.native_async_in_charge((3, 50, 0), other))
            self.assertFalse(override.native_async_in_charge((3, 50, 0), None))
        finally:
            default_loop.close()

    def test_our_path_on_this_pygobject_even_on_a_glib_named_loop(self):
        # On PyGObject 3.42 a loop that looks like GLib's still gets our awaitable.
        self.assertLess(gi.version_info, (3, 50, 0))

        class GLibEventLoop(asyncio.SelectorEventLoop):
            pass

        GLibEventLoop.__module__ = "gi.events"
        server, url = start_local_server("--demo")
        loop = GLibEventLoop()
        try:
            client = Tilebox.Client.new_for_url(url, None)

            async def main():
                return await client.list_datasets_async()

            datasets = loop.run_until_complete(main())
            self.assertIn(S2, [d.get_slug() for d in datasets])
        finally:
            loop.close()
            stop_local_server(server)


class AsyncioTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server, cls.url = start_local_server("--demo")
        cls.addClassCleanup(stop_local_server, cls.server)

    def setUp(self):
        self.client = Tilebox.Client.new_for_url(self.url, None)

    def test_list_get_and_collections(self):
        async def main():
            call = self.client.list_datasets_async()
            self.assertIsInstance(call, asyncio.Future)
            self.assertIsInstance(call.cancellable, Gio.Cancellable)
            datasets = await call
            dataset = await self.client.get_dataset_async("demo.weather_stations")
            collections = await dataset.list_collections_async()
            # positional and keyword cancellables
            again = await self.client.list_datasets_async(Gio.Cancellable())
            berlin = await dataset.get_collection_async("berlin", cancellable=Gio.Cancellable())
            return datasets, dataset, collections, again, berlin

        datasets, dataset, collections, again, berlin = run_asyncio(main)
        self.assertIn(S2, [d.get_slug() for d in datasets])
        self.assertEqual(len(again), len(datasets))
        self.assertEqual(dataset.get_slug(), "demo.weather_stations")
        self.assertEqual(sorted(c.get_name() for c in collections), ["berlin", "munich"])
        self.assertEqual(berlin.get_name(), "berlin")

    def test_query_and_cursor(self):
        berlin = self.client.get_dataset("demo.weather_stations", None).get_collection("berlin", None)
        blocking = berlin.query(day_query(), None)

        async def main():
            datapoints = await berlin.query_async(day_query())
            query = day_query("2025-01-01", "2025-01-03")
            query.set_page_size(10)
            cursor = berlin.query_pages(query)
            pages = []
            while (page := await cursor.next_async()) is not None:
                pages.append(page.get_ids())
            return datapoints, pages, cursor

        datapoints, pages, cursor = run_asyncio(main)
        # Hourly readings from midnight: 24 in the first day, as blocking.
        self.assertEqual(datapoints.get_n_rows(), 24)
        self.assertEqual(list(datapoints.get_ids()), list(blocking.get_ids()))
        self.assertTrue(datapoints.get_item(0).get_field("station").unpack().startswith("Berlin"))
        self.assertEqual([len(p) for p in pages], [10, 10, 10, 10, 8])
        self.assertTrue(cursor.is_done())

    def test_create_ingest_delete(self):
        rows = [{"time": "2030-01-01T00:0%d:00Z" % i, "value": i * 1.5} for i in range(5)]
        data = Json.from_string(json.dumps(rows))

        async def main():
            spec = Tilebox.FieldSpec.new("value", Tilebox.FieldType.DOUBLE)
            dataset = await self.client.create_dataset_async("Python async", Tilebox.DatasetKind.TEMPORAL,
                                                             [spec], None, "awaited")
            collection = await dataset.create_collection_async("c")
            ingested = await collection.ingest_json_async(data, False, None)
            query = day_query("2030-01-01", "2030-01-02")
            read = await collection.query_async(query)
            deleted = await collection.delete_ids_async(list(ingested.get_ids())[:2], None)
            left = await collection.query_async(query)
            removed = await self.client.delete_dataset_async(dataset)
            return dataset, ingested, read, deleted, left, removed

        dataset, ingested, read, deleted, left, removed = run_asyncio(main)
        self.assertEqual(dataset.get_slug(), "local.python_async")
        self.assertEqual(ingested.props.n_created, 5)
        self.assertEqual(read.get_column("value").unpack(), [0.0, 1.5, 3.0, 4.5, 6.0])
        self.assertEqual(deleted, 2)
        self.assertEqual(left.get_n_rows(), 3)
        self.assertTrue(removed)
        with self.assertRaises(GLib.Error):
            self.client.get_dataset("local.python_async", None)

    def test_errors_are_raised_by_await(self):
        async def main():
            with self.assertRaises(GLib.Error) as caught:
                await self.client.get_dataset_async("no.such.slug")
            self.assertTrue(caught.exception.matches(Tilebox.Error.quark(), Tilebox.Error.NOT_FOUND))
            # A caller's cancellable that is cancelled already: G_IO_ERROR_CANCELLED.
            cancelled = Gio.Cancellable()
            cancelled.cancel()
            with self.assertRaises(GLib.Error) as caught:
                await self.client.list_datasets_async(cancelled)
            self.assertTrue(caught.exception.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED))
            # Bad arguments fail at the call, not later.
            with self.assertRaises(TypeError):
                self.client.list_datasets_async("not a cancellable")
            with self.assertRaises(TypeError):
                self.client.list_datasets_async(user_data=1)
            with self.assertRaises(TypeError):
                self.client.get_dataset_async("a", None, None, None, "too many")
            return await settle_asyncio(0.05)

        self.assertEqual(run_asyncio(main), set())

    def test_glib_loop_in_another_thread_is_not_pumped(self):
        # Someone runs the default context already: results come over thread-safely.
        glib_loop = GLib.MainLoop()
        thread = threading.Thread(target=glib_loop.run)
        thread.start()
        try:
            while not glib_loop.is_running():
                time.sleep(0.001)

            async def main():
                call = self.client.list_datasets_async()
                tasks = asyncio.all_tasks() - {asyncio.current_task()}
                return await call, tasks

            datasets, pump_tasks = run_asyncio(main)
        finally:
            GLib.idle_add(glib_loop.quit)
            thread.join(10)
        self.assertEqual(pump_tasks, set())
        self.assertIn(S2, [d.get_slug() for d in datasets])

    def test_awaitable_started_from_a_glib_callback(self):
        # A GLib callback that the pump dispatches starts an awaitable: it is
        # pumped too, though a GLib dispatch is under way on this thread.
        async def main():
            started = []

            def on_datasets(source, result):
                source.list_datasets_finish(result)
                started.append(source.get_dataset_async("demo.weather_stations"))

            self.client.list_datasets_async(None, on_datasets)
            while not started:
                await self.client.list_datasets_async()
            return await asyncio.wait_for(started[0], 10)

        self.assertEqual(run_asyncio(main).get_slug(), "demo.weather_stations")

    def test_pump_stops_when_nothing_is_pending(self):
        async def main():
            call = self.client.list_datasets_async()
            during = asyncio.all_tasks() - {asyncio.current_task()}
            await call
            after = await settle_asyncio(0.05)
            return during, after

        during, after = run_asyncio(main)
        self.assertEqual(len(during), 1)
        self.assertEqual(after, set())


class CallbackFormTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server, cls.url = start_local_server("--demo")
        cls.addClassCleanup(stop_local_server, cls.server)

    def run_glib(self, start):
        loop = GLib.MainLoop()
        got = []

        def done(source, result, *user_data):
            got.append((source.list_datasets_finish(result), user_data))
            loop.quit()

        start(done)
        GLib.timeout_add_seconds(30, loop.quit)
        loop.run()
        self.assertEqual(len(got), 1)
        return got[0]

    def test_callback_form_is_the_original(self):
        client = Tilebox.Client.new_for_url(self.url, None)
        datasets, user_data = self.run_glib(lambda done: client.list_datasets_async(None, done))
        self.assertEqual(user_data, ())
        self.assertIn(S2, [d.get_slug() for d in datasets])
        datasets, user_data = self.run_glib(lambda done: client.list_datasets_async(None, done, "mine"))
        self.assertEqual(user_data, ("mine",))
        result = self.run_glib(lambda done: client.list_datasets_async(cancellable=None, callback=done))
        self.assertEqual(len(result[0]), len(datasets))

    def test_without_callback_outside_a_loop_is_a_runtime_error(self):
        client = Tilebox.Client.new_for_url(self.url, None)
        with self.assertRaises(RuntimeError) as caught:
            client.list_datasets_async()
        self.assertIn("pass a callback", str(caught.exception))
        self.assertIn("asyncio or trio", str(caught.exception))


class LatencyTest(unittest.TestCase):
    """Against a server that answers after 300 ms: overlap and cancellation."""

    @classmethod
    def setUpClass(cls):
        cls.server, cls.url = start_local_server("--demo", "--latency-ms", str(LATENCY_MS))
        cls.addClassCleanup(stop_local_server, cls.server)
        client = Tilebox.Client.new_for_url(cls.url, None)
        dataset = client.get_dataset(S2, None)
        cls.collections = [dataset.get_collection(name, None) for name in S2_COLLECTIONS]
        cls.sequential = 0.0
        cls.expected = []
        for collection in cls.collections:
            started = time.monotonic()
            cls.expected.append(collection.query(january(), None).get_n_rows())
            cls.sequential += time.monotonic() - started

    def check_overlap(self, elapsed, intervals, counts):
        self.assertEqual(counts, self.expected)
        self.assertTrue(all(n > 0 for n in counts))
        self.assertGreater(self.sequential, 4 * LATENCY_MS / 1000)
        self.assertLess(elapsed, 0.6 * self.sequential, (elapsed, self.sequential))
        self.assertTrue(all_overlap(intervals), intervals)

    def test_asyncio_gather_overlaps(self):
        async def one(collection):
            started = time.monotonic()
            datapoints = await collection.query_async(january())
            return started, time.monotonic(), datapoints.get_n_rows()

        async def main():
            started = time.monotonic()
            results = await asyncio.gather(*[one(c) for c in self.collections])
            return time.monotonic() - started, results

        elapsed, results = run_asyncio(main)
        self.check_overlap(elapsed, [(s, e) for s, e, _ in results], [n for _, _, n in results])

    def test_trio_nursery_overlaps(self):
        results = {}

        async def main():
            started = time.monotonic()
            async with trio.open_nursery() as nursery:
                for i, collection in enumerate(self.collections):
                    nursery.start_soon(timed_query, results, i, collection)
            return time.monotonic() - started

        elapsed = trio.run(main)
        ordered = [results[i] for i in range(4)]
        self.check_overlap(elapsed, [(s, e) for s, e, _ in ordered], [n for _, _, n in ordered])

    def test_anyio_task_group_overlaps_on_both_backends(self):
        for backend in ["asyncio", "trio"]:
            with self.subTest(backend=backend):
                results = {}

                async def main():
                    started = time.monotonic()
                    async with anyio.create_task_group() as group:
                        for i, collection in enumerate(self.collections):
                            group.start_soon(timed_query, results, i, collection)
                    return time.monotonic() - started

                with warnings.catch_warnings():
                    # anyio's trio backend of Debian 12 subclasses a deprecated trio class.
                    warnings.filterwarnings("ignore", category=trio.TrioDeprecationWarning)
                    elapsed = anyio.run(main, backend=backend)
                ordered = [results[i] for i in range(4)]
                self.check_overlap(elapsed, [(s, e) for s, e, _ in ordered], [n for _, _, n in ordered])

    def test_asyncio_task_cancel_cancels_the_operation(self):
        collection = self.collections[0]

        async def main():
            calls = []

            async def waiting():
                call = collection.query_async(january())
                calls.append(call)
                return await call

            task = asyncio.create_task(waiting())
            await asyncio.sleep(0.05)
            self.assertFalse(calls[0].cancellable.is_cancelled())
            task.cancel()
            with self.assertRaises(asyncio.CancelledError):
                await task
            self.assertTrue(calls[0].cancellable.is_cancelled())
            # The loop stays healthy: the next call answers, and the late
            # completion of the cancelled one leaves no noise (run_asyncio
            # fails on anything the loop logged).
            datapoints = await collection.query_async(january())
            left = await settle_asyncio(LATENCY_MS / 1000 + 0.1)
            return datapoints.get_n_rows(), left

        rows, left = run_asyncio(main)
        self.assertEqual(rows, self.expected[0])
        self.assertEqual(left, set())

    def test_asyncio_timeout_and_caller_cancellable(self):
        collection = self.collections[1]

        async def main():
            call = collection.query_async(january())
            with self.assertRaises(asyncio.TimeoutError):
                await asyncio.wait_for(call, 0.05)
            self.assertTrue(call.cancellable.is_cancelled())

            # Cancelling the caller's cancellable cancels the operation.
            mine = Gio.Cancellable()
            call = collection.query_async(january(), mine)
            asyncio.get_running_loop().call_later(0.05, mine.cancel)
            with self.assertRaises(GLib.Error) as caught:
                await call
            self.assertTrue(caught.exception.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED))
            self.assertTrue(call.cancellable.is_cancelled())
            started = time.monotonic()
            rows = (await collection.query_async(january())).get_n_rows()
            return rows, time.monotonic() - started

        rows, elapsed = run_asyncio(main)
        self.assertEqual(rows, self.expected[1])
        self.assertLess(elapsed, 5)

    def test_trio_cancel_scope_cancels_the_operation(self):
        collection = self.collections[2]

        async def main():
            calls = []
            with trio.move_on_after(0.05) as scope:
                call = collection.query_async(january())
                calls.append(call)
                await call
            self.assertTrue(scope.cancelled_caught)
            self.assertTrue(calls[0].cancellable.is_cancelled())
            self.assertFalse(calls[0].done())
            # Healthy afterwards; the late completion is consumed quietly.
            rows = (await collection.query_async(january())).get_n_rows()
            await trio.sleep(LATENCY_MS / 1000 + 0.1)
            self.assertTrue(calls[0].done())
            return rows

        self.assertEqual(trio.run(main), self.expected[2])

    def test_trio_errors_are_raised_by_await(self):
        client = Tilebox.Client.new_for_url(self.url, None)

        async def main():
            with self.assertRaises(GLib.Error) as caught:
                await client.get_dataset_async("no.such.slug")
            return caught.exception

        error = trio.run(main)
        self.assertTrue(error.matches(Tilebox.Error.quark(), Tilebox.Error.NOT_FOUND))


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    sys.exit(0 if result.wasSuccessful() else 1)
