#!/bin/sh
# run-example.sh: runs an example against a local demo server
#
# Copyright 2026 The libtilebox authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: run-example.sh SERVER COMMAND [ARG...]
#
# Starts SERVER (tilebox-server) on a free port with the demo catalogue,
# runs COMMAND with its arguments and the server's URL as the last one, and
# exits with COMMAND's status.

set -u

if [ $# -lt 2 ]; then
  echo "usage: $0 SERVER COMMAND [ARG...]" >&2
  exit 2
fi
server=$1
shift

dir=$(mktemp -d)
"$server" --port 0 --demo >"$dir/stdout" 2>"$dir/stderr" &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$dir"' EXIT

# The server prints its URL as the first line once it listens.
url=
tries=0
while [ -z "$url" ]; do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "$server exited before it printed its URL:" >&2
    cat "$dir/stderr" >&2
    exit 1
  fi
  if [ "$tries" -ge 100 ]; then
    echo "$server printed no URL within 10 s" >&2
    exit 1
  fi
  sleep 0.1
  tries=$((tries + 1))
  url=$(head -n 1 "$dir/stdout")
done

"$@" "$url"
