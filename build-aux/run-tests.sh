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

# 3. The fuzz target, built with clang's libFuzzer, for a short while.
[ -f _build-fuzz/build.ninja ] || \
  CC=clang meson setup _build-fuzz -Dfuzzing=true -Dintrospection=false -Dtests=true
meson compile -C _build-fuzz fuzz-pb
corpus=$(mktemp -d)
cp tests/fuzz/corpus-pb/* "$corpus"/
if _build-fuzz/tests/fuzz/fuzz-pb -max_total_time=20 -print_final_stats=1 "$corpus" 2>_build-fuzz/fuzz.log; then
  echo "fuzz-pb: $(grep -o 'stat::number_of_executed_units: *[0-9]*' _build-fuzz/fuzz.log | grep -o '[0-9]*$') inputs, no crash"
else
  tail -40 _build-fuzz/fuzz.log
  status=1
fi
rm -rf "$corpus"

python3 build-aux/test-summary.py --total _build-tests:plain _build-sanitize:sanitizers
exit $status
