#!/usr/bin/env bash
# The main job: installs, builds, starts the local Tilebox server with its
# demo catalogue and lists its datasets and collections through the library.
# With TILEBOX_API_KEY set it lists the real service's catalogue instead.
set -euo pipefail
cd "$(dirname "$0")/.."

bash build-aux/install-deps.sh
[ -f _build/build.ninja ] || meson setup _build --buildtype=debugoptimized
meson compile -C _build

if [ -n "${TILEBOX_API_KEY:-}" ]; then
  exec _build/examples/list-catalogue
fi

out=$(mktemp)
_build/tilebox/server/tilebox-server --port 0 --demo >"$out" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -f "$out"' EXIT
for _ in $(seq 100); do
  [ -s "$out" ] && break
  sleep 0.05
done
url=$(head -n 1 "$out")
echo "Local Tilebox server at $url"
_build/examples/list-catalogue "$url"
