#!/usr/bin/env python3
# check-style.py: the source tree keeps the rules of .editorconfig
#
# Copyright 2026 The libtilebox authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Every text file of the project: UTF-8, LF line ends, a final newline, no
# trailing whitespace; C, meson, Python and JavaScript files indent with
# spaces. Prints each offending line and exits 1 if there is any.

import os
import sys

TEXT = ('.c', '.h', '.in', '.build', '.txt', '.py', '.js', '.vala', '.md', '.sh', '.toml',
        '.po', '.pot', '.ipynb', '.editorconfig', '.clang-format', '.gitignore')
SPACES = ('.c', '.h', '.build', '.txt', '.py', '.js', '.vala')
SKIP_DIRS = {'.git', 'corpus-pb', 'corpus-columns', 'corpus-geometry', 'corpus-filter'}


def files(root):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames
                       if d not in SKIP_DIRS and not d.startswith(('_build', 'build'))]
        for name in filenames:
            if name.endswith(TEXT) or name in ('run',):
                yield os.path.join(dirpath, name)


def check(path, root):
    problems = []
    rel = os.path.relpath(path, root)
    with open(path, 'rb') as f:
        data = f.read()
    try:
        text = data.decode('utf-8')
    except UnicodeDecodeError as e:
        return [f'{rel}: not UTF-8 ({e})']
    if '\r' in text:
        problems.append(f'{rel}: CR line ends')
    if text and not text.endswith('\n'):
        problems.append(f'{rel}: no newline at the end')
    for number, line in enumerate(text.split('\n'), 1):
        if line != line.rstrip():
            problems.append(f'{rel}:{number}: trailing whitespace')
        if path.endswith(SPACES) and line.startswith('\t'):
            problems.append(f'{rel}:{number}: indented with a tab')
    return problems


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    problems = []
    count = 0
    for path in sorted(files(root)):
        count += 1
        problems += check(path, root)
    for problem in problems:
        print(problem)
    print(f'{count} files checked, {len(problems)} problems')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
