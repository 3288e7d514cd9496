#!/usr/bin/env python3
"""One release build of the toy languages, three configurations side by side: `--jit off`,
the JIT with an older optimizer pipeline (`--jit enable_opts=OLD`), and the JIT with the
default pipeline. For each bench program the three run alternately RUNS times; the score is
the minimum CPU time (user + sys) of the child. Outputs must be equal.

Usage (repository root, after `cargo build --release -p brainfuck -p tiny -p vec2`):
  benches/scripts/toy_opts_ab.py RUNS [OLD_PIPELINE]
OLD_PIPELINE defaults to the pipeline before `closedform` and the second `cse:heap`.
"""
import resource, subprocess, sys

OLD = "unroll:fold:cse:heap:virtualize:cse:heap:intbounds:dce:wbarrier"
PROGRAMS = [
    ("brainfuck", "examples/brainfuck/programs/bench.b"),
    ("tiny", "examples/tiny/programs/bench.tiny"),
    ("tiny", "benches/programs/tiny_pairs.tiny"),
    ("vec2", "examples/vec2/bench/orbit.v2"),
]


def run(cmd):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(cmd, capture_output=True, check=True).stdout
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime), out


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    runs = int(sys.argv[1])
    old = sys.argv[2] if len(sys.argv) > 2 else OLD
    print("| program | `--jit off` (s) | old pipeline (s) | new default (s) | old on/off | new on/off |")
    print("|---|---|---|---|---|---|")
    for name, prog in PROGRAMS:
        b = f"target/release/{name}"
        cfg = {
            "off": [b, "--jit", "off", prog],
            "old": [b, "--jit", f"enable_opts={old}", prog],
            "new": [b, prog],
        }
        best, outs = {k: float("inf") for k in cfg}, set()
        for _ in range(runs):
            for k, c in cfg.items():
                t, o = run(c)
                best[k] = min(best[k], t)
                outs.add(o)
        if len(outs) != 1:
            sys.exit(f"{prog}: outputs differ")
        print(f"| {name} `{prog.split('/')[-1]}` | {best['off']:.3f} | {best['old']:.3f} | "
              f"{best['new']:.3f} | {best['off'] / best['old']:.2f}x | {best['off'] / best['new']:.2f}x |")


if __name__ == "__main__":
    main()
