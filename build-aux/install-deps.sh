#!/usr/bin/env bash
# Installs everything libtilebox needs to build, test and run, on Debian 12.
# This is the one place the package list lives; the README's commands and
# .ci/run both come through here.
set -euo pipefail

packages=(
  # build
  build-essential meson ninja-build pkg-config gettext
  libglib2.0-dev libsoup-3.0-dev libjson-glib-dev zlib1g-dev
  # the local server: its store, and the geometry predicates of spatial filters
  libsqlite3-dev libgeos-dev
  # bindings
  gobject-introspection libgirepository1.0-dev valac gjs python3-gi gir1.2-json-1.0
  # Python: awaiting from trio and anyio, and running the example notebook
  python3-trio python3-anyio python3-numpy jupyter-nbconvert python3-ipykernel
  # docs
  gi-docgen
  # tests: sanitizers and fuzzing
  clang
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing packages: ${missing[*]}; run this script as root to install them." >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
