#!/usr/bin/env python3
"""Times the toy languages' `bench` programs: JIT on, `--jit off`, and the interpreter built
without the JIT (`--no-default-features`), alternating runs, median of N (default 3).

Build first:
  cargo build --release -p brainfuck -p tiny -p vec2
  cargo build --release -p brainfuck -p tiny -p vec2 --no-default-features --target-dir target/nojit
Run from the repository root: python3 benches/scripts/toy_bench.py [N] [--ir] [--json FILE]

With --json FILE it also writes the medians (seconds per configuration and language, the
machine, N) as JSON, which benches/scripts/plot.py draws.

With --ir it also counts the instructions of `--jit off` and of the compiled-out build under
`valgrind --tool=cachegrind` (deterministic, unlike wall time on a shared machine), as a
second measure of what the annotations cost the plain interpreter.
"""
import json, os, platform, re, shutil, statistics, subprocess, sys, time

argv = sys.argv[1:]
JSON_OUT = None
if "--json" in argv:
    i = argv.index("--json")
    if i + 1 >= len(argv):
        sys.exit("toy_bench.py: --json needs a file name")
    JSON_OUT = argv[i + 1]
    del argv[i:i + 2]
args = [a for a in argv if not a.startswith("--")]
N = int(args[0]) if args else 3
IR = "--ir" in argv
results = []
CASES = [
    ("brainfuck", "examples/brainfuck/programs/bench.b"),
    ("tiny", "examples/tiny/programs/bench.tiny"),
    ("tiny", "examples/tiny/bench/recursion.tiny"),
    ("vec2", "examples/vec2/bench/orbit.v2"),
]

def run(cmd):
    t = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, check=True).stdout
    return time.perf_counter() - t, out

print("| language | JIT on (s) | --jit off (s) | JIT compiled out (s) | speedup on/off | off vs compiled out |")
print("|---|---|---|---|---|---|")
def label(name, prog):
    stem = os.path.splitext(os.path.basename(prog))[0]
    return name if stem == "bench" else f"{name} {stem}"

for name, prog in CASES:
    configs = {
        "on": [f"target/release/{name}", prog],
        "off": [f"target/release/{name}", "--jit", "off", prog],
        "nojit": [f"target/nojit/release/{name}", prog],
    }
    times = {k: [] for k in configs}
    outs = {}
    for _ in range(N):
        for k, cmd in configs.items():
            dt, out = run(cmd)
            times[k].append(dt)
            outs.setdefault(k, out)
    assert outs["on"] == outs["off"] == outs["nojit"], f"{name}: outputs differ"
    m = {k: statistics.median(v) for k, v in times.items()}
    print(f"| {label(name, prog)} | {m['on']:.3f} | {m['off']:.3f} | {m['nojit']:.3f} | "
          f"{m['off'] / m['on']:.2f}x | {100 * (m['off'] / m['nojit'] - 1):+.1f}% |")
    results.append({"name": name, "program": prog, "seconds": m})

if JSON_OUT:
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown CPU")
    with open(JSON_OUT, "w") as f:
        json.dump({"kind": "toy_bench", "runs": N,
                   "machine": f"{platform.node()}: {os.cpu_count()} cores, {cpu}",
                   "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                   "languages": results}, f, indent=1)

if IR:
    if shutil.which("valgrind") is None:
        sys.exit("--ir needs valgrind (apt-get install valgrind)")
    print()
    print("| language | instructions --jit off | instructions compiled out | off vs compiled out |")
    print("|---|---|---|---|")
    for name, prog in CASES:
        ir = {}
        for k, cmd in (("off", [f"target/release/{name}", "--jit", "off", prog]),
                       ("nojit", [f"target/nojit/release/{name}", prog])):
            err = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no",
                                  "--cachegrind-out-file=/dev/null"] + cmd,
                                 capture_output=True, text=True, check=True).stderr
            ir[k] = int(re.search(r"I\s+refs:\s+([\d,]+)", err).group(1).replace(",", ""))
        print(f"| {name} | {ir['off'] / 1e9:.3f}G | {ir['nojit'] / 1e9:.3f}G | "
              f"{100 * (ir['off'] / ir['nojit'] - 1):+.1f}% |")
