#!/usr/bin/env python3
"""How many of CPython's pure-Python top-level standard-library modules import under pyguest.

For every top-level module of a CPython `Lib` directory, runs `import NAME` in a fresh pyguest
process (with a timeout) and tabulates the passes and, for the failures, the first error (the
last line of stderr, with file paths and line numbers stripped so that equal causes group
together). Prints a Markdown summary: the count, the error groups by frequency, and the
per-module result; `--json FILE` also writes the per-module results.

The module set ("the 164"): every `*.py` file directly in `Lib`, except `antigravity` and
`this` (side effects on import: a web browser, a poem), `__hello__` (a frozen-module test
helper) and `_sysconfigdata_*` (build data of one platform). `--packages` adds the top-level
packages (directories with `__init__.py`, without `test`, `idlelib`, `turtledemo`,
`__phello__`) as a second table.

Two ways to give pyguest the CPython library:
  * `--mode fallback` (default): `PYGUEST_STDLIB=LIB`; pyguest's own modules come first and
    `Lib` serves only the names pyguest has no module for (how pyguest runs normally).
  * `--mode pythonpath`: `PYTHONPATH=LIB`, so `Lib` shadows pyguest's own pure-Python modules
    (how issue 16 first measured it).

Needs only python3 (any 3.x) and a pyguest binary. Example:
  python3 benches/scripts/stdlib_imports.py --pyguest target/debug/pyguest \
      --lib /usr/lib/python3.11 --jobs 2
"""

import argparse
import collections
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import sysconfig

EXCLUDED = {"antigravity", "this", "__hello__"}
EXCLUDED_PACKAGES = {"test", "idlelib", "turtledemo", "__phello__"}


def modules_of(lib, packages):
    """Sorted top-level module names of `lib` (files, or packages when `packages`)."""
    names = []
    for entry in os.listdir(lib):
        path = os.path.join(lib, entry)
        if packages:
            if (os.path.isfile(os.path.join(path, "__init__.py"))
                    and entry not in EXCLUDED_PACKAGES):
                names.append(entry)
        elif entry.endswith(".py") and os.path.isfile(path):
            name = entry[:-3]
            if name in EXCLUDED or name.startswith("_sysconfigdata_"):
                continue
            names.append(name)
    return sorted(names)


def normalise(line):
    """An error line with paths, line numbers and addresses removed, for grouping."""
    line = re.sub(r"\(/[^)]*\)", "(...)", line)
    line = re.sub(r"'/[^']*'", "'...'", line)
    line = re.sub(r"\bline \d+", "line N", line)
    line = re.sub(r"0x[0-9a-f]+", "0x...", line)
    return line.strip()


def first_error(stderr):
    """The exception line of a traceback (its last non-empty line), or a summary."""
    lines = [l for l in stderr.splitlines() if l.strip()]
    if not lines:
        return "(no message)"
    for l in lines:
        if "panicked at" in l:
            return "Rust panic: " + normalise(l.split("panicked at", 1)[1])
    return normalise(lines[-1])


def try_import(pyguest, lib, mode, name, timeout):
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env.pop("PYGUEST_STDLIB", None)
    if mode == "fallback":
        env["PYGUEST_STDLIB"] = lib
    else:
        env["PYTHONPATH"] = lib
    try:
        p = subprocess.run([pyguest, "-c", "import " + name], env=env, cwd="/",
                           stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           errors="replace", timeout=timeout)
    except subprocess.TimeoutExpired:
        return name, False, "timeout after %gs" % timeout
    if p.returncode == 0:
        return name, True, ""
    return name, False, first_error(p.stderr) or ("exit status %d" % p.returncode)


def run(pyguest, lib, mode, names, timeout, jobs):
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
        futs = [ex.submit(try_import, pyguest, lib, mode, n, timeout) for n in names]
        return [f.result() for f in futs]


def report(title, results, out):
    passed = [n for n, ok, _ in results if ok]
    groups = collections.Counter(err for _, ok, err in results if not ok)
    out.append("## %s: %d of %d import\n" % (title, len(passed), len(results)))
    out.append("| first error | modules |\n|---|---|")
    for err, count in groups.most_common():
        who = sorted(n for n, ok, e in results if not ok and e == err)
        shown = ", ".join(who[:8]) + (", ..." if len(who) > 8 else "")
        out.append("| `%s` | %d (%s) |" % (err.replace("|", "\\|"), count, shown))
    out.append("\nImport: " + ", ".join(passed) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pyguest", default="target/debug/pyguest", help="pyguest binary")
    ap.add_argument("--lib", default=sysconfig.get_path("stdlib"),
                    help="CPython Lib directory (default: this python3's)")
    ap.add_argument("--mode", choices=["fallback", "pythonpath"], default="fallback")
    ap.add_argument("--timeout", type=float, default=20.0, help="seconds per import")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--packages", action="store_true", help="also the top-level packages")
    ap.add_argument("--only", nargs="*", help="just these module names")
    ap.add_argument("--json", help="write per-module results to this file")
    args = ap.parse_args()
    if not os.path.isfile(os.path.join(args.lib, "os.py")):
        sys.exit("not a CPython Lib directory: %s" % args.lib)
    pyguest = os.path.abspath(args.pyguest)
    if not os.access(pyguest, os.X_OK):
        sys.exit("no pyguest binary at %s" % pyguest)
    out = ["# CPython stdlib imports under pyguest (`%s`, mode %s)\n" % (args.lib, args.mode)]
    all_results = {}
    sets = [("modules", False)] + ([("packages", True)] if args.packages else [])
    for title, packages in sets:
        names = args.only or modules_of(args.lib, packages)
        results = run(pyguest, args.lib, args.mode, names, args.timeout, args.jobs)
        report("Top-level " + title, results, out)
        all_results[title] = {n: (ok, err) for n, ok, err in results}
        if args.only:
            break
    print("\n".join(out))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(all_results, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
