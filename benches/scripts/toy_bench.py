#!/usr/bin/env python3
"""Times the toy languages' `bench` programs: JIT on, `--jit off`, the interpreter built
without the JIT (`--no-default-features`), and the same program written in C (`benches/c/`,
built here with `cc -O2`), alternating runs, median of N (default 3).

Each time is the child's CPU time (user + sys), which a shared machine disturbs less than
wall time. The compiled-out column is skipped (shown as "-") when `target/nojit` has no build;
the C column is "-" for programs without a C version. The C program must print the same
numbers (floats compared as numbers: C prints 17 significant digits, the guests the shortest
round-trip form).

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
import json, os, platform, re, resource, shutil, statistics, subprocess, sys, tempfile, time

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

# The same programs in C (benches/c), keyed by the guest program.
C_VERSIONS = {
    "examples/brainfuck/programs/bench.b": "benches/c/brainfuck_bench.c",
    "examples/tiny/programs/bench.tiny": "benches/c/tiny_bench.c",
    "examples/vec2/bench/orbit.v2": "benches/c/vec2_orbit.c",
}
CDIR = tempfile.mkdtemp(prefix="toy_bench_c_")

def build_c(src):
    exe = os.path.join(CDIR, os.path.splitext(os.path.basename(src))[0])
    subprocess.run(["cc", "-O2", "-o", exe, src], check=True)
    return exe

def run(cmd):
    """Runs cmd; returns (CPU seconds of the child, user + sys, and its stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(cmd, capture_output=True, check=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), out

def same_numbers(a, b):
    """The two outputs have the same lines, numbers compared as numbers."""
    la, lb = a.split(), b.split()
    if len(la) != len(lb):
        return False
    for x, y in zip(la, lb):
        if x == y:
            continue
        try:
            if float(x) != float(y):
                return False
        except ValueError:
            return False
    return True

def fmt(x, spec=".3f"):
    return "-" if x is None else format(x, spec)

print("| language | JIT on (s) | --jit off (s) | JIT compiled out (s) | C `cc -O2` (s) | speedup on/off | JIT on / C | off vs compiled out |")
print("|---|---|---|---|---|---|---|---|")
def label(name, prog):
    stem = os.path.splitext(os.path.basename(prog))[0]
    return name if stem == "bench" else f"{name} {stem}"

for name, prog in CASES:
    configs = {
        "on": [f"target/release/{name}", prog],
        "off": [f"target/release/{name}", "--jit", "off", prog],
    }
    if os.path.exists(f"target/nojit/release/{name}"):
        configs["nojit"] = [f"target/nojit/release/{name}", prog]
    if prog in C_VERSIONS:
        configs["c"] = [build_c(C_VERSIONS[prog])]
    times = {k: [] for k in configs}
    outs = {}
    for _ in range(N):
        for k, cmd in configs.items():
            dt, out = run(cmd)
            times[k].append(dt)
            outs.setdefault(k, out)
    assert outs["on"] == outs["off"] == outs.get("nojit", outs["on"]), f"{name}: outputs differ"
    if "c" in outs:
        assert same_numbers(outs["on"].decode(), outs["c"].decode()), \
            f"{name}: the C version prints {outs['c']!r}, the guest {outs['on']!r}"
    m = {k: statistics.median(v) for k, v in times.items()}
    nojit, c = m.get("nojit"), m.get("c")
    vs_c = None if c is None else m["on"] / max(c, 1e-4)
    off_vs = None if nojit is None else 100 * (m["off"] / nojit - 1)
    print(f"| {label(name, prog)} | {m['on']:.3f} | {m['off']:.3f} | {fmt(nojit)} | {fmt(c)} | "
          f"{m['off'] / m['on']:.2f}x | {fmt(vs_c, '.1f')}{'' if vs_c is None else 'x'} | "
          f"{fmt(off_vs, '+.1f')}{'' if off_vs is None else '%'} |")
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
