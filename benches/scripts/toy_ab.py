#!/usr/bin/env python3
"""Before/after comparison of two builds of one toy interpreter, JIT on and `--jit off`, side
by side in one sitting: for each program the four configurations run alternately RUNS times;
the score is the minimum user CPU time of the child (robust to other jobs on a shared
machine). Outputs of all four must be equal.

Usage: benches/scripts/toy_ab.py BEFORE_BINARY AFTER_BINARY RUNS PROGRAM...
Example (tiny, allocation removal):
  benches/scripts/toy_ab.py /tmp/tiny-before target/release/tiny 5 \
      examples/tiny/programs/bench.tiny benches/programs/tiny_pairs.tiny
"""
import resource, subprocess, sys


def run(cmd):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(cmd, capture_output=True, check=True).stdout
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r1.ru_utime - r0.ru_utime, out


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    before, after, runs, progs = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
    print("| program | before on (s) | before off (s) | before on/off | after on (s) | after off (s) | after on/off | on: before/after |")
    print("|---|---|---|---|---|---|---|---|")
    for prog in progs:
        configs = {
            "b_on": [before, prog],
            "b_off": [before, "--jit", "off", prog],
            "a_on": [after, prog],
            "a_off": [after, "--jit", "off", prog],
        }
        best, outs = {k: float("inf") for k in configs}, {}
        for _ in range(runs):
            for k, cmd in configs.items():
                t, out = run(cmd)
                best[k] = min(best[k], t)
                outs.setdefault(k, out)
        if len(set(outs.values())) != 1:
            sys.exit(f"{prog}: outputs differ: {outs}")
        b, a = best, best
        print(f"| {prog} | {b['b_on']:.3f} | {b['b_off']:.3f} | {b['b_off'] / b['b_on']:.2f}x | "
              f"{a['a_on']:.3f} | {a['a_off']:.3f} | {a['a_off'] / a['a_on']:.2f}x | "
              f"{b['b_on'] / a['a_on']:.2f}x |")


if __name__ == "__main__":
    main()
