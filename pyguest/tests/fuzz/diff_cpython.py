#!/usr/bin/env python3
"""Differential runner: random programs (pygen.py) under pyguest and CPython, outputs compared.

    python3 pyguest/tests/fuzz/diff_cpython.py [--seeds N] [--start S] [--jobs J]
        [--pyguest PATH] [--python PATH] [--without F,G] [--all-features] [--keep DIR]
        [--jit SPEC]

Each seed's program runs under both interpreters (stdout, stderr's last line and the exit
status are compared; a timeout or a Rust panic in pyguest is always a failure). Differing
programs are written to --keep (default /tmp/pyguest-fuzz) as SEED.py with SEED.diff.
Exit status 0 when every program agrees.

CI runs a bounded number of seeds (.ci/run); the long mode is just more seeds
(`--seeds 5000`). Feature classes that differ from CPython today are off by default
(KNOWN_DIFFERENT below, each with the reason); `--all-features` turns them on, which is how
to check whether one is fixed.
"""

import argparse
import concurrent.futures
import difflib
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pygen  # noqa: E402

# Feature classes whose programs differ from CPython today (issue 15), off by default.
KNOWN_DIFFERENT = {
}


def run(cmd, src_path, timeout):
    try:
        p = subprocess.run(cmd + [src_path], capture_output=True, timeout=timeout,
                           env=dict(os.environ, PYTHONHASHSEED="0", COLUMNS=""))
        err = p.stderr.decode("utf-8", "replace").strip().splitlines()
        return p.returncode, p.stdout.decode("utf-8", "replace"), (err[-1] if err else ""), \
            p.stderr.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        return "timeout", "", "", ""


def check(seed, args, without):
    src = pygen.generate(seed, without)
    path = os.path.join(args.keep, f"work-{seed}.py")
    with open(path, "w") as f:
        f.write(src)
    want = run(args.python, path, args.timeout)
    got = run(args.pyguest, path, args.timeout)
    os.unlink(path)
    problems = []
    if want[0] == "timeout":
        return seed, None  # CPython itself too slow: not a program we can judge
    if got[0] == "timeout":
        problems.append("pyguest timed out")
    elif "panicked" in got[3] or got[0] in (101, 70, 134, -6, -11):
        problems.append(f"pyguest crashed (status {got[0]}): {got[2]}")
    if got[:3] != want[:3] and not problems:
        problems.append(f"cpython: status {want[0]}, {want[2]!r}; pyguest: status {got[0]}, {got[2]!r}")
    if not problems:
        return seed, None
    diff = "".join(difflib.unified_diff(want[1].splitlines(True), got[1].splitlines(True),
                                        "cpython", "pyguest", n=1))
    with open(os.path.join(args.keep, f"{seed}.py"), "w") as f:
        f.write(src)
    with open(os.path.join(args.keep, f"{seed}.diff"), "w") as f:
        f.write("\n".join(problems) + "\n" + diff)
    return seed, problems[0] + ("\n" + "\n".join(diff.splitlines()[:12]) if diff else "")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=200)
    ap.add_argument("--start", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--pyguest", default=os.path.join(here, "../../../target/release/pyguest"))
    ap.add_argument("--python", default="python3")
    ap.add_argument("--jit", default=None, help="--jit SPEC passed to pyguest")
    ap.add_argument("--without", default="", help="feature classes to switch off")
    ap.add_argument("--all-features", action="store_true")
    ap.add_argument("--keep", default="/tmp/pyguest-fuzz")
    ap.add_argument("--timeout", type=float, default=20.0)
    args = ap.parse_args()
    args.python = args.python.split()
    args.pyguest = [os.path.abspath(args.pyguest)] + (["--jit", args.jit] if args.jit else [])
    os.makedirs(args.keep, exist_ok=True)
    without = set(f for f in args.without.split(",") if f)
    if not args.all_features:
        without |= set(KNOWN_DIFFERENT)
    unknown = without - set(pygen.FEATURES)
    if unknown:
        ap.error(f"unknown feature classes: {', '.join(sorted(unknown))}")
    start = time.time()
    bad = []
    done = 0
    seeds = range(args.start, args.start + args.seeds)
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as ex:
        for seed, problem in ex.map(lambda s: check(s, args, without), seeds):
            done += 1
            if problem:
                bad.append(seed)
                print(f"DIFF seed {seed}: {problem}", flush=True)
            if done % 500 == 0:
                print(f"... {done} programs, {len(bad)} differ, {time.time() - start:.0f} s",
                      file=sys.stderr, flush=True)
    off = ", ".join(sorted(without)) or "none"
    print(f"{done - len(bad)} of {done} programs agree with CPython "
          f"({time.time() - start:.1f} s; features off: {off}; differing programs in {args.keep})")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
