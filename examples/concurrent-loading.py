#!/usr/bin/python3
# Loading several collections: first one after another with blocking calls,
# then all at once with awaited async calls, each with a live progress bar.
#
# By default the demo starts the local Tilebox server with its demo catalogue
# and a realistic network latency. With TILEBOX_API_KEY set, or with --url,
# it asks that service instead.
#
#   /usr/bin/python3 examples/concurrent-loading.py [--url URL] [--latency-ms N]
#
# Copyright 2026 The libtilebox authors
# SPDX-License-Identifier: LGPL-2.1-or-later

"""Loads several collections one after another with blocking calls, then
concurrently with awaited async calls, and compares the times."""

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import time

import gi

gi.require_version("Tilebox", "1")
from gi.repository import Tilebox  # noqa: E402

LOCAL_DATASET = "open_data.copernicus.sentinel2_msi"
LOCAL_COLLECTIONS = ["S2A_S2MSI1C", "S2B_S2MSI1C", "S2A_S2MSI2A", "S2C_S2MSI2A"]
REAL_COLLECTIONS = ["S2A_S2MSI1C", "S2B_S2MSI1C", "S2A_S2MSI2A", "S2B_S2MSI2A"]
REAL_INTERVAL = ("2025-01-01T00:00:00Z", "2025-01-01T06:00:00Z")


class ProgressBars:
    """One line per collection; on a terminal all of them are redrawn in
    place as pages arrive, elsewhere a line is printed when one finishes."""

    WIDTH = 30

    def __init__(self, title, names, totals, out=sys.stdout):
        self.names = names
        self.totals = totals
        self.out = out
        self.live = out.isatty()
        self.done = [0] * len(names)
        self.fraction = [0.0] * len(names)
        self.started = [None] * len(names)
        self.finished = [None] * len(names)
        self.last_draw = 0.0
        self.name_width = max(len(n) for n in names)
        print(title, file=out)
        if self.live:
            for i in range(len(names)):
                print(self.line(i), file=out)
            out.flush()

    def start(self, i):
        self.started[i] = time.monotonic()
        self.draw()

    def progress(self, i, datapoints, fraction):
        self.done[i] = datapoints
        self.fraction[i] = fraction
        self.draw()

    def finish(self, i, datapoints):
        self.done[i] = datapoints
        self.fraction[i] = 1.0
        self.finished[i] = time.monotonic()
        if self.live:
            self.draw(force=True)
        else:
            print(self.line(i), file=self.out, flush=True)

    def line(self, i):
        total = self.totals[i]
        share = min(self.done[i] / total, 1.0) if total else self.fraction[i]
        if self.finished[i] is not None:
            share = 1.0
        filled = round(share * self.WIDTH)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        if self.started[i] is None:
            when = "waiting"
        else:
            end = self.finished[i] if self.finished[i] is not None else time.monotonic()
            when = f"{end - self.started[i]:5.2f} s" + ("" if self.finished[i] else " ...")
        count = f"{self.done[i]}/{total}" if total else f"{self.done[i]}"
        return f"  {self.names[i]:<{self.name_width}} [{bar}] {share:4.0%} {count:>11} {when}"

    def draw(self, force=False):
        if not self.live:
            return
        now = time.monotonic()
        if not force and now - self.last_draw < 0.03:
            return
        self.last_draw = now
        # Up to the first bar, then rewrite every line.
        self.out.write(f"\x1b[{len(self.names)}F")
        for i in range(len(self.names)):
            self.out.write("\x1b[2K" + self.line(i) + "\n")
        self.out.flush()


def make_query(interval, page_size, max_parallel, bars, i):
    query = Tilebox.Query.new()
    query.set_time_interval(interval)
    query.set_page_size(page_size)
    query.set_max_parallel(max_parallel)
    query.connect("progress", lambda _q, n, _pages, _size, fraction: bars.progress(i, n, fraction))
    return query


def load_one_after_another(collections, intervals, page_size, totals):
    """The way a notebook explores: one blocking call after another."""
    bars = ProgressBars("One after another (blocking calls):", [c.get_name() for c in collections], totals)
    counts = []
    begin = time.monotonic()
    for i, collection in enumerate(collections):
        query = make_query(intervals[i], page_size, 1, bars, i)
        bars.start(i)
        datapoints = collection.query(query, None)
        bars.finish(i, datapoints.get_n_rows())
        counts.append(datapoints.get_n_rows())
    return time.monotonic() - begin, counts


async def load_concurrently(collections, intervals, page_size, max_parallel, totals):
    """All collections at once, each query split into parts loaded in
    parallel; awaiting needs nothing but a running asyncio loop."""
    title = f"Concurrently (async, each collection in up to {max_parallel} parallel parts):"
    bars = ProgressBars(title, [c.get_name() for c in collections], totals)

    async def load(i, collection):
        query = make_query(intervals[i], page_size, max_parallel, bars, i)
        bars.start(i)
        datapoints = await collection.query_async(query)
        bars.finish(i, datapoints.get_n_rows())
        return datapoints.get_n_rows()

    begin = time.monotonic()
    counts = await asyncio.gather(*(load(i, c) for i, c in enumerate(collections)))
    return time.monotonic() - begin, list(counts)


def start_local_server(latency_ms, page_size):
    program = os.environ.get("TILEBOX_SERVER_PATH") or shutil.which("tilebox-server")
    if program is None:
        sys.exit("tilebox-server was not found: set TILEBOX_SERVER_PATH or put it on PATH")
    server = subprocess.Popen([program, "--port", "0", "--demo", "--latency-ms", str(latency_ms),
                               "--max-page-size", str(page_size)],
                              stdout=subprocess.PIPE, text=True)
    url = server.stdout.readline().strip()
    if not url.startswith("http"):
        server.kill()
        sys.exit(f"tilebox-server did not start (it printed {url!r})")
    return server, url


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", help="a Tilebox service to ask instead of the local server")
    parser.add_argument("--dataset", help="the dataset's slug")
    parser.add_argument("--collections", help="comma-separated collection names")
    parser.add_argument("--start", help="start of the time interval (ISO 8601)")
    parser.add_argument("--end", help="end of the time interval (ISO 8601)")
    parser.add_argument("--latency-ms", type=int, default=300,
                        help="the local server's delay per answer (default: 300)")
    parser.add_argument("--page-size", type=int, default=200, help="datapoints per request (default: 200)")
    parser.add_argument("--max-parallel", type=int, default=4,
                        help="parts each query is split into when loading concurrently (default: 4)")
    args = parser.parse_args()

    server = None
    remote = args.url is not None or os.environ.get("TILEBOX_API_KEY")
    if remote:
        client = Tilebox.Client.new_for_url(args.url, None) if args.url else Tilebox.Client.new()
        where = args.url or "the Tilebox service"
        names = args.collections.split(",") if args.collections else REAL_COLLECTIONS
        start, end = args.start or REAL_INTERVAL[0], args.end or REAL_INTERVAL[1]
    else:
        server, url = start_local_server(args.latency_ms, args.page_size)
        client = Tilebox.Client.new_for_url(url, None)
        where = f"the local server at {url}, answering after {args.latency_ms} ms"
        names = args.collections.split(",") if args.collections else LOCAL_COLLECTIONS
        start, end = args.start, args.end

    try:
        dataset = client.get_dataset(args.dataset or LOCAL_DATASET, None)
        collections = [dataset.get_collection(name, None) for name in names]
        if start and end:
            interval = Tilebox.TimeInterval.new_parse(start, end)
            intervals = [interval] * len(collections)
            totals = [0] * len(collections)
            span = f"the time interval {interval.to_string()}"
        else:
            # The local demo: everything each collection has, so the bars
            # know their totals.
            for c in collections:
                c.refresh(None)
            intervals = [c.get_availability() for c in collections]
            totals = [c.get_count() for c in collections]
            span = "all of each"

        print(f"Loading {len(collections)} collections of {dataset.get_slug()} ({span})")
        print(f"from {where}, {args.page_size} datapoints per request\n")

        blocking, counts = load_one_after_another(collections, intervals, args.page_size, totals)
        print()
        concurrent, counts_async = asyncio.run(
            load_concurrently(collections, intervals, args.page_size, args.max_parallel, totals))
    finally:
        if server is not None:
            server.terminate()
            server.wait()

    if counts != counts_async:
        sys.exit(f"The two runs loaded different numbers of datapoints: {counts} and {counts_async}")
    print()
    print(f"One after another: {blocking:6.2f} s")
    print(f"Concurrently:      {concurrent:6.2f} s")
    print(f"Concurrently was {blocking - concurrent:.2f} s faster ({blocking / concurrent:.1f}x), "
          f"loading the same {sum(counts)} datapoints.")


if __name__ == "__main__":
    main()
