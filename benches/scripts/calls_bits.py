#!/usr/bin/env python3
"""One pyguest binary on the bench corpus with several `PYGUEST_JIT_CALLS` values side by side.

`PYGUEST_JIT_CALLS=BITS` overrides the traced-call switches of `interpreter/opcodes_calls.rs`
for one run (1 traced calls, 2 virtual frames, 4 virtual class calls, 8 traced attribute
additions; 2 and 4 act only with 1). For every program the settings run in turn, RUNS rounds;
the score is the minimum user CPU time of the child (`wait4`), and a run whose output differs
from NAME.expected counts as NaN. Prints one line of times per program, then each setting's
ratio to the first one and the geometric means (docs/pyguest-jit.md, "Calls and returns").

Usage: benches/scripts/calls_bits.py BINARY BITS,BITS,... RUNS
  (programs: every NAME.py in $BENCH_DIR, default ../shared/pycorpus/bench)
"""
import glob
import math
import os
import subprocess
import sys

binp = sys.argv[1]
configs = sys.argv[2].split(",")
runs = int(sys.argv[3])
benchdir = os.path.abspath(os.environ.get("BENCH_DIR", "../shared/pycorpus/bench"))
progs = sorted(glob.glob(benchdir + "/*.py"))
res = {}
for p in progs:
    name = os.path.basename(p)[:-3]
    exp = open(p[:-3] + ".expected").read()
    for r in range(runs):
        for c in configs:
            env = dict(os.environ, PYGUEST_JIT_CALLS=c)
            pr = subprocess.Popen([binp, "--jit", "on", "run", p], cwd=benchdir, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            out = pr.stdout.read().decode()
            _, status, ru = os.wait4(pr.pid, 0)
            ok = status == 0 and out == exp
            t = ru.ru_utime
            res.setdefault(name, {}).setdefault(c, []).append(t if ok else float("nan"))
    row = res[name]
    print(name, " ".join("%s=%.3f" % (c, min(row[c])) for c in configs), flush=True)

base = configs[0]
print("\nratios vs PYGUEST_JIT_CALLS=%s (min user time of %d runs)" % (base, runs))
print("%-20s" % "program" + "".join("%8s" % c for c in configs[1:]))
logs = {c: [] for c in configs[1:]}
for name in res:
    b = min(res[name][base])
    line = "%-20s" % name
    for c in configs[1:]:
        r = min(res[name][c]) / b
        logs[c].append(math.log(r))
        line += "%8.3f" % r
    print(line)
print("%-20s" % "geomean" + "".join("%8.3f" % math.exp(sum(logs[c]) / len(logs[c])) for c in configs[1:]))
