#!/usr/bin/env python3
"""Warm-up of pyguest's JIT per benchmark program: when the first loop is compiled and what
share of the run goes to tracing, optimizing and compiling.

Runs every `*.py` of `--bench-dir` once per round with `METATRACER_LOG=summary` and reads the
exit summary (`first loop compiled ... ms after start`, `run time ... ms (tracing, optimizing
and compiling: P%)`, the per-phase times, loops and bridges), checks stdout against
NAME.expected when it exists, and prints a Markdown table of the medians over `--runs` rounds.

Example:
  python3 benches/scripts/warmup.py --pyguest target/release/pyguest \
      --bench-dir ../shared/pycorpus/bench --runs 3
"""

import argparse
import os
import re
import statistics
import subprocess
import sys

FIELDS = {
    "loops": r"loops compiled\s+(\d+)",
    "bridges": r"bridges compiled\s+(\d+)",
    "tracing": r"time tracing\s+([\d.]+) ms",
    "optimizing": r"time optimizing\s+([\d.]+) ms",
    "compiling": r"time compiling\s+([\d.]+) ms",
    "first": r"first loop compiled\s+([\d.]+) ms",
    "run": r"run time\s+([\d.]+) ms",
}


def run_one(pyguest, prog, timeout):
    env = dict(os.environ, METATRACER_LOG="summary")
    p = subprocess.run(
        [pyguest, prog], capture_output=True, text=True, env=env, timeout=timeout
    )
    if p.returncode != 0:
        raise RuntimeError(f"{prog}: exit {p.returncode}: {p.stderr[-500:]}")
    exp = prog[:-3] + ".expected"
    if os.path.exists(exp):
        with open(exp) as f:
            if f.read() != p.stdout:
                raise RuntimeError(f"{prog}: output differs from {exp}")
    row = {}
    for k, rx in FIELDS.items():
        m = re.search(rx, p.stderr)
        row[k] = float(m.group(1)) if m else None
    if row["run"] is None:
        raise RuntimeError(f"{prog}: no JIT summary on stderr (is the JIT compiled in?)")
    return row


def med(rows, k):
    vals = [r[k] for r in rows if r[k] is not None]
    return statistics.median(vals) if vals else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pyguest", required=True)
    ap.add_argument("--bench-dir", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--programs", nargs="*", help="program names (default: all)")
    ap.add_argument("--timeout", type=float, default=300)
    a = ap.parse_args()
    progs = sorted(
        f[:-3]
        for f in os.listdir(a.bench_dir)
        if f.endswith(".py") and (not a.programs or f[:-3] in a.programs)
    )
    if not progs:
        sys.exit("no benchmark programs found")
    rows = {p: [] for p in progs}
    for r in range(a.runs):
        for p in progs:
            print(f"round {r + 1}/{a.runs}: {p}", file=sys.stderr, flush=True)
            rows[p].append(run_one(a.pyguest, os.path.join(a.bench_dir, p + ".py"), a.timeout))
    print(
        "| program | first loop compiled (ms) | run (ms) | tracing (ms) | optimizing (ms) "
        "| compiling (ms) | JIT share of run | loops | bridges |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    fmt = lambda v, d=1: "-" if v is None else f"{v:.{d}f}"
    for p in progs:
        rs = rows[p]
        run = med(rs, "run")
        jit = sum(med(rs, k) or 0.0 for k in ("tracing", "optimizing", "compiling"))
        share = 100.0 * jit / run if run else 0.0
        print(
            f"| {p} | {fmt(med(rs, 'first'))} | {fmt(run, 0)} | {fmt(med(rs, 'tracing'))} "
            f"| {fmt(med(rs, 'optimizing'))} | {fmt(med(rs, 'compiling'))} | {share:.1f}% "
            f"| {fmt(med(rs, 'loops'), 0)} | {fmt(med(rs, 'bridges'), 0)} |"
        )


if __name__ == "__main__":
    main()
