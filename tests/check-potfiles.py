#!/usr/bin/env python3
# Checks that po/POTFILES.in lists exactly the source files with
# translatable messages, so that no message escapes the translators.
import os
import re
import sys

root = sys.argv[1]
marked = re.compile(r'\b(?:N?_|C_|NC_|g_dngettext|ngettext)\s*\(\s*"')

with open(os.path.join(root, "po", "POTFILES.in")) as f:
    listed = {line.strip() for line in f if line.strip() and not line.startswith("#")}

found = set()
for top in ("tilebox", "examples"):
    for dirpath, _, files in os.walk(os.path.join(root, top)):
        for name in files:
            if name.endswith((".c", ".h")):
                path = os.path.join(dirpath, name)
                with open(path, encoding="utf-8") as f:
                    if marked.search(f.read()):
                        found.add(os.path.relpath(path, root))

missing = sorted(found - listed)
stale = sorted(p for p in listed if not os.path.exists(os.path.join(root, p)) or p not in found)
for p in missing:
    print(f"not in po/POTFILES.in, but has translatable messages: {p}")
for p in stale:
    print(f"in po/POTFILES.in, but missing or without translatable messages: {p}")
sys.exit(1 if missing or stale else 0)
