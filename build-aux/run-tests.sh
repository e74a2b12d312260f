#!/usr/bin/env bash
# The whole test suite: installs, builds and runs every test plainly, then
# again built with AddressSanitizer and UndefinedBehaviorSanitizer, then a
# short run of the fuzz target. Fails on any failure or sanitizer report.
set -euo pipefail
cd "$(dirname "$0")/.."

bash build-aux/install-deps.sh

export GIO_USE_PROXY_RESOLVER=dummy no_proxy=127.0.0.1,localhost

status=0

# 1. Plain build: unit tests, bindings, introspection with fatal warnings.
[ -f _build-tests/build.ninja ] || meson setup _build-tests -Dtests=true -Ddocs=true
meson compile -C _build-tests
meson test -C _build-tests --print-errorlogs || status=1
python3 build-aux/test-summary.py _build-tests "plain" || true

# 2. The same suite under ASan + UBSan (introspection off: the scanner's
#    dumper and the Python interpreter are not instrumented).
[ -f _build-sanitize/build.ninja ] || \
  meson setup _build-sanitize -Dtests=true -Dsanitizers=true -Dintrospection=false -Dbuildtype=debug
meson compile -C _build-sanitize
meson test -C _build-sanitize --print-errorlogs --suite unit || status=1
python3 build-aux/test-summary.py _build-sanitize "sanitizers" || true

# 3. The fuzz targets (parsers of bytes from the network), built with
#    clang's libFuzzer, for a short while each.
[ -f _build-fuzz/build.ninja ] || \
  CC=clang meson setup _build-fuzz -Dfuzzing=true -Dintrospection=false -Dtests=true
for target in pb columns geometry filter; do
  meson compile -C _build-fuzz "fuzz-$target"
  corpus=$(mktemp -d)
  cp tests/fuzz/corpus-$target/* "$corpus"/
  if _build-fuzz/tests/fuzz/fuzz-$target -max_total_time=15 -print_final_stats=1 "$corpus" \
       2>"_build-fuzz/fuzz-$target.log"; then
    echo "fuzz-$target: $(grep -o 'stat::number_of_executed_units: *[0-9]*' "_build-fuzz/fuzz-$target.log" | grep -o '[0-9]*$') inputs, no crash"
  else
    tail -40 "_build-fuzz/fuzz-$target.log"
    status=1
  fi
  rm -rf "$corpus"
done

python3 build-aux/test-summary.py --total _build-tests:plain _build-sanitize:sanitizers
exit $status
