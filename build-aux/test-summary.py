#!/usr/bin/env python3
# Prints "N passed, N failed, N skipped" for meson test logs.
import json
import sys


def count(builddir):
    passed = failed = skipped = 0
    with open(f"{builddir}/meson-logs/testlog.json") as f:
        for line in f:
            result = json.loads(line)["result"]
            if result in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif result == "SKIP":
                skipped += 1
            else:
                failed += 1
    return passed, failed, skipped


if sys.argv[1] == "--total":
    totals = [0, 0, 0]
    for spec in sys.argv[2:]:
        builddir, _, _ = spec.partition(":")
        for i, n in enumerate(count(builddir)):
            totals[i] += n
    print(f"{totals[0]} passed, {totals[1]} failed, {totals[2]} skipped")
else:
    p, f, s = count(sys.argv[1])
    print(f"{sys.argv[2]}: {p} passed, {f} failed, {s} skipped")
