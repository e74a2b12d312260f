# The local server program as a subprocess, for the Python binding tests.
#
# Copyright 2026 The libtilebox authors
# SPDX-License-Identifier: LGPL-2.1-or-later

import os
import subprocess


def start_local_server(*args):
    """Starts tilebox-server on a free port; returns the process and its URL."""
    server = subprocess.Popen(
        [os.environ["TILEBOX_SERVER_PATH"], "--port", "0", *args],
        stdout=subprocess.PIPE,
        text=True,
    )
    url = server.stdout.readline().strip()
    if not url.startswith("http://127.0.0.1:"):
        server.kill()
        raise RuntimeError(f"tilebox-server printed {url!r} instead of its URL")
    return server, url


def stop_local_server(server):
    server.terminate()
    server.wait(timeout=10)
    server.stdout.close()
