#!/usr/bin/env python3
# Copyright 2026 The libtilebox authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Checks that every catalogue in po/LINGUAS translates every message of the
# sources as they are now: a template is extracted afresh from the files in
# po/POTFILES.in, each po/<lang>.po is merged with it (in a temporary
# directory, the source tree is not touched), and the merged catalogue
# must have no untranslated and no fuzzy message, and pass msgfmt --check
# (placeholders of the same number, order and types). A new or changed
# message without its translation fails here by name.
#
# usage: check-po.py SOURCE_ROOT GETTEXT_PACKAGE XGETTEXT MSGMERGE MSGFMT MSGATTRIB
import os
import re
import subprocess
import sys
import tempfile

# The keywords and flags of meson's i18n 'glib' preset (po/meson.build),
# and no wrapping, so that each msgid is on one line.
XGETTEXT_ARGS = [
    "--from-code=UTF-8",
    "--no-wrap",
    "--add-comments",
    "--keyword=_",
    "--keyword=N_",
    "--keyword=C_:1c,2",
    "--keyword=NC_:1c,2",
    "--keyword=g_dcgettext:2",
    "--keyword=g_dngettext:2,3",
    "--keyword=g_dpgettext2:2c,3",
    "--flag=N_:1:pass-c-format",
    "--flag=C_:2:pass-c-format",
    "--flag=NC_:2:pass-c-format",
    "--flag=g_dngettext:2:pass-c-format",
    "--flag=g_strdup_printf:1:c-format",
    "--flag=g_string_printf:2:c-format",
    "--flag=g_string_append_printf:2:c-format",
    "--flag=g_error_new:3:c-format",
    "--flag=g_set_error:4:c-format",
    "--flag=g_markup_printf_escaped:1:c-format",
    "--flag=g_log:3:c-format",
    "--flag=g_print:1:c-format",
    "--flag=g_printerr:1:c-format",
    "--flag=g_printf:1:c-format",
    "--flag=g_fprintf:2:c-format",
    "--flag=g_sprintf:2:c-format",
    "--flag=g_snprintf:3:c-format",
]


def run(argv, **kwargs):
    return subprocess.run(argv, capture_output=True, text=True, **kwargs)


def msgids(po_text):
    """The msgids of the entries in msgattrib's output, for the report."""
    return [m for m in re.findall(r'^msgid "(.*)"$', po_text, flags=re.M) if m]


def main():
    root, package, xgettext, msgmerge, msgfmt, msgattrib = sys.argv[1:7]
    po_dir = os.path.join(root, "po")
    with open(os.path.join(po_dir, "LINGUAS")) as f:
        languages = [w for line in f if not line.startswith("#") for w in line.split()]
    if not languages:
        print("po/LINGUAS names no language")
        return 1

    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, package + ".pot")
        r = run([xgettext, *XGETTEXT_ARGS, "--package-name=" + package,
                 "--files-from=" + os.path.join(po_dir, "POTFILES.in"),
                 "--directory=" + root, "--output=" + pot])
        if r.returncode != 0:
            print(r.stderr, end="")
            return 1
        with open(pot, encoding="utf-8") as f:
            n_template = len(msgids(f.read()))
        print(f"template: {n_template} messages")

        for lang in languages:
            po = os.path.join(po_dir, lang + ".po")
            merged = os.path.join(tmp, lang + ".po")
            r = run([msgmerge, "--quiet", "--no-wrap", "--output-file=" + merged, po, pot])
            if r.returncode != 0:
                print(f"{lang}: msgmerge failed\n{r.stderr}", end="")
                failed = True
                continue

            for what, flag in (("untranslated", "--untranslated"), ("fuzzy", "--only-fuzzy")):
                r = run([msgattrib, flag, "--no-obsolete", "--no-wrap", merged])
                for msgid in msgids(r.stdout):
                    print(f"{lang}: {what}: \"{msgid}\"")
                    failed = True

            # the catalogue merged with the template, and as shipped: the
            # shipped one must hold exactly the template's messages too
            for path, name in ((merged, "merged with the template"), (po, "po/" + lang + ".po")):
                r = run([msgfmt, "--check", "--statistics", "--output-file=" + os.devnull, path])
                stats = r.stderr.strip().rstrip(".")
                m = re.match(r"(\d+) translated message", stats)
                if r.returncode != 0:
                    print(f"{lang}, {name}: msgfmt --check failed:\n{stats}")
                    failed = True
                elif "fuzzy" in stats or "untranslated" in stats:
                    print(f"{lang}, {name}: {stats}")
                    failed = True
                elif m is None or int(m.group(1)) != n_template:
                    print(f"{lang}, {name}: {stats}, but the template has {n_template} messages "
                          f"(run: meson compile -C BUILD {package}-update-po)")
                    failed = True
                else:
                    print(f"{lang}, {name}: {stats}")

    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
