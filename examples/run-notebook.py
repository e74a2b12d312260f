#!/usr/bin/python3
# run-notebook.py: runs the notebook headless against a local
# tilebox-server --demo, for the examples suite. (Programs and scripts go
# through run-example.sh, which hands them the URL as an argument.)
#
# Copyright 2026 The libtilebox authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: run-notebook.py JUPYTER NOTEBOOK.ipynb
#
# The notebook runs through `jupyter nbconvert --execute` with the server's
# URL in TILEBOX_URL; it passes when every code cell ran without an error.
# Needs TILEBOX_SERVER_PATH, and local_server.py on PYTHONPATH.

import json
import os
import subprocess
import sys

from local_server import start_local_server, stop_local_server


def run_notebook(url, jupyter, notebook):
    env = dict(os.environ, TILEBOX_URL=url, PYDEVD_DISABLE_FILE_VALIDATION="1")
    done = subprocess.run([jupyter, "nbconvert", "--to", "notebook", "--execute", "--stdout",
                           "--ExecutePreprocessor.kernel_name=python3",
                           "--ExecutePreprocessor.timeout=120", notebook],
                          env=env, stdout=subprocess.PIPE, text=True, timeout=300)
    if done.returncode != 0:
        print("jupyter nbconvert failed with status %d" % done.returncode, file=sys.stderr)
        return done.returncode
    executed = json.loads(done.stdout)
    failures = 0
    for i, cell in enumerate(executed["cells"]):
        if cell["cell_type"] != "code":
            continue
        for output in cell.get("outputs", []):
            if output["output_type"] == "stream":
                sys.stdout.write("".join(output["text"]))
            elif output["output_type"] == "error":
                print("cell %d: %s: %s" % (i, output["ename"], output["evalue"]), file=sys.stderr)
                failures += 1
        if cell.get("execution_count") is None:
            print("cell %d did not run" % i, file=sys.stderr)
            failures += 1
    return 1 if failures else 0


def main(argv):
    if len(argv) != 3:
        print("usage: run-notebook.py JUPYTER NOTEBOOK.ipynb", file=sys.stderr)
        return 2
    # A little latency, so that concurrent loading has something to save.
    server, url = start_local_server("--demo", "--latency-ms", "50")
    try:
        return run_notebook(url, argv[1], argv[2])
    finally:
        stop_local_server(server)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
