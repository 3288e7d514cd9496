#!/usr/bin/env python3
"""Times the toy languages' `bench` programs under several `enable_opts` settings side by side
(alternating runs, median of N, default 5), plus `--jit off`, and prints each setting's
speedup over `--jit off` and over the first setting.

Build first: cargo build --release -p brainfuck -p tiny
Run from the repository root:
  python3 benches/scripts/opts_bench.py [N] [OPTS ...]
OPTS default to `fold:cse:heap:intbounds:dce` (the pipeline before loop peeling) and `all`.
"""
import statistics, subprocess, sys, time

args = sys.argv[1:]
N = int(args.pop(0)) if args and args[0].isdigit() else 5
OPTS = args or ["fold:cse:heap:intbounds:dce", "all"]
CASES = [
    ("brainfuck", "examples/brainfuck/programs/bench.b"),
    ("tiny", "examples/tiny/programs/bench.tiny"),
]
configs = {"off": ["--jit", "off"]}
for o in OPTS:
    configs[o] = ["--jit", f"on,enable_opts={o}"]

print("| language | " + " | ".join(f"`{k}` (s)" for k in configs) + " | "
      + " | ".join(f"`{o}` vs off" for o in OPTS) + f" | `{OPTS[-1]}` vs `{OPTS[0]}` |")
print("|---" * (1 + len(configs) + len(OPTS) + 1) + "|")
for name, prog in CASES:
    times = {k: [] for k in configs}
    outs = {}
    for _ in range(N):
        for k, a in configs.items():
            t = time.perf_counter()
            out = subprocess.run([f"target/release/{name}"] + a + [prog],
                                 capture_output=True, check=True).stdout
            times[k].append(time.perf_counter() - t)
            outs.setdefault(k, out)
    assert len(set(outs.values())) == 1, f"{name}: outputs differ"
    m = {k: statistics.median(v) for k, v in times.items()}
    print(f"| {name} | " + " | ".join(f"{m[k]:.3f}" for k in configs) + " | "
          + " | ".join(f"{m['off'] / m[o]:.2f}x" for o in OPTS)
          + f" | {m[OPTS[0]] / m[OPTS[-1]]:.2f}x |")
