#!/usr/bin/env bash
# The main job: installs and builds, then runs the concurrent-loading demo
# (examples/concurrent-loading.py): four collections loaded one after another
# with blocking calls, then concurrently with awaited async calls, each with
# a live progress bar, and both times compared. It starts the local Tilebox
# server with its demo catalogue and a realistic latency by itself; with
# TILEBOX_API_KEY set it loads from the real service instead. Arguments are
# passed to the demo (--help lists them).
set -euo pipefail
cd "$(dirname "$0")/.."

bash build-aux/install-deps.sh
[ -f _build/build.ninja ] || meson setup _build --buildtype=debugoptimized
meson compile -C _build

# Uninstalled: the library, its typelib, the Python override that makes the
# async methods awaitable, and the server program, all from this tree.
export GI_TYPELIB_PATH="$PWD/_build/tilebox${GI_TYPELIB_PATH:+:$GI_TYPELIB_PATH}"
export LD_LIBRARY_PATH="$PWD/_build/tilebox${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export PYTHONPATH="$PWD/tilebox/python${PYTHONPATH:+:$PYTHONPATH}"
export TILEBOX_SERVER_PATH="$PWD/_build/tilebox/server/tilebox-server"
export no_proxy="127.0.0.1,localhost${no_proxy:+,$no_proxy}"
if [ -z "${TILEBOX_API_KEY:-}" ]; then
  # Only the local server is asked: no system proxy lookup.
  export GIO_USE_PROXY_RESOLVER=dummy
fi

# Debian's interpreter: the one that has PyGObject.
exec /usr/bin/python3 examples/concurrent-loading.py "$@"
