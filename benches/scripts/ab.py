#!/usr/bin/env python3
"""Side-by-side comparison of two pyguest binaries (or any two interpreters) on the bench corpus.

For every program, the two binaries are run alternately RUNS times each; the score is the
minimum user CPU time of the child (less sensitive than wall time to other jobs on a shared
machine). Prints one line per program with the ratio B/A and the geometric mean of the ratios.
Output is not checked (compare.py does that).

Usage: benches/scripts/ab.py BINARY_A BINARY_B RUNS [PROGRAM...]
  (programs default to every NAME.py in $BENCH_DIR, default ../shared/pycorpus/bench)
"""

import math
import os
import resource
import subprocess
import sys


def user_time(binary, path, cwd):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([binary, path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r1.ru_utime - r0.ru_utime


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    a, b, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    here = os.path.dirname(os.path.abspath(__file__))
    bench = os.environ.get("BENCH_DIR", os.path.join(here, "../../../shared/pycorpus/bench"))
    progs = sys.argv[4:] or sorted(p[:-3] for p in os.listdir(bench) if p.endswith(".py"))
    ratios = []
    for p in progs:
        path = os.path.join(bench, p + ".py")
        ta, tb = [], []
        for _ in range(runs):
            ta.append(user_time(a, path, bench))
            tb.append(user_time(b, path, bench))
        ma, mb = min(ta), min(tb)
        ratios.append(mb / ma)
        print(f"{p:22s} A {ma:7.3f}s  B {mb:7.3f}s  B/A {mb / ma:5.3f}", flush=True)
    print(f"geometric mean B/A over {len(ratios)} programs: {math.exp(sum(map(math.log, ratios)) / len(ratios)):.3f}")


if __name__ == "__main__":
    main()
