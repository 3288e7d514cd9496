#!/usr/bin/env python3
"""pyperformance's benchmark scripts, unmodified, under pyguest, CPython and PyPy.

The scripts come from the PyPI package `pyperformance` (its `data-files/benchmarks`); the
package is downloaded once with `pip download` into `--cache` (default
`~/.cache/pyguest-pyperformance`). Each benchmark directory is copied to a scratch directory
next to our pyperf stand-in (`benches/pyperf_shim/pyperf.py`), so `import pyperf` finds the
stand-in under every interpreter, and run as `INTERP run_benchmark.py` with a time limit. The
stand-in reports seconds per loop of each timed value; a benchmark's time is the median of them
(warm-up values are not counted: `--warmups`, `--values`).

By default the benchmarks that need no third-party package are run (those without a
`requirements.txt`), each variant a directory's TOML files name (`extra_opts`) as its own
row. `--set pure` runs instead the named list of pyperformance's *pure-Python* benchmarks:
the benchmarks of pyperformance's `default` group (every entry of its `MANIFEST`; the group
is declared empty, which pyperformance resolves to all of them) whose TOML file (`bm_NAME.toml`,
else the directory's `pyproject.toml`) lists no dependency but `pyperf` and whose directory
has no `requirements.txt` (`--list` prints it). `--only a,b` picks directories (with `--set
pure`, variant names, or directories no variant is named after), `--first-variant` one variant per directory. Prints a Markdown table: time per benchmark and
interpreter, pyguest/CPython, PyPy/CPython and pyguest/PyPy, the geometric means over the
benchmarks every interpreter ran, and why a benchmark failed where it did (the last line of
stderr). `--json FILE` writes the raw results, `--out FILE` the table.

`--check` answers "does every pure-Python benchmark run unmodified?" instead: every variant of
every dependency-free benchmark directory (the `SKIP` set included), once each (one loop, one
value, no warm-up: `PYPERF_SHIM_LOOPS=1`), under pyguest only; prints one `run`/`FAIL` line
per benchmark with the reason and the count, and exits 1 if any failed:
  python3 benches/scripts/pyperformance_run.py --check --pyguest target/debug/pyguest
With `--set pure` it checks the named pure-Python list instead (docs/compatibility.md, "The
named pure-Python list"):
  python3 benches/scripts/pyperformance_run.py --check --set pure --pyguest target/debug/pyguest

Example (the table in docs/performance.md):
  python3 benches/scripts/pyperformance_run.py --pyguest target/release/pyguest \\
      --values 3 --warmups 1 --out /tmp/pyperf.md --json /tmp/pyperf.json
"""

import argparse
import glob
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
SHIM = os.path.join(HERE, "..", "pyperf_shim", "pyperf.py")
# Benchmarks that test something else than the interpreter (a server, a subprocess start-up,
# threads of a pool) or need files pyperformance does not ship in the wheel.
SKIP = {"bm_asyncio_tcp", "bm_python_startup", "bm_concurrent_imap", "bm_2to3"}


def fetch(cache, version):
    """The benchmarks directory of pyperformance, downloaded and unpacked once."""
    root = os.path.join(cache, f"pyperformance-{version or 'latest'}")
    bench = os.path.join(root, "pyperformance", "data-files", "benchmarks")
    if os.path.isdir(bench):
        return bench
    os.makedirs(cache, exist_ok=True)
    spec = f"pyperformance=={version}" if version else "pyperformance"
    dl = tempfile.mkdtemp(dir=cache)
    r = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", dl, spec],
                       capture_output=True, text=True)
    wheels = glob.glob(os.path.join(dl, "pyperformance-*.whl"))
    if r.returncode != 0 or not wheels:
        sys.exit(f"cannot download {spec} with pip: {r.stderr.strip()[-500:]}")
    with zipfile.ZipFile(wheels[0]) as z:
        z.extractall(root)
    shutil.rmtree(dl, ignore_errors=True)
    return bench


def variants(bench_dir):
    """[(name, extra command-line options)] of a benchmark directory: its pyproject.toml and
    every bm_*.toml beside it name one benchmark each (pyperformance's `extra_opts`)."""
    import tomllib
    out = []
    for f in ["pyproject.toml"] + sorted(os.listdir(bench_dir)):
        if f != "pyproject.toml" and not (f.startswith("bm_") and f.endswith(".toml")):
            continue
        path = os.path.join(bench_dir, f)
        if not os.path.exists(path):
            continue
        with open(path, "rb") as fh:
            meta = tomllib.load(fh).get("tool", {}).get("pyperformance", {})
        name = meta.get("name") or os.path.basename(bench_dir).removeprefix("bm_")
        if all(name != n for n, _ in out):  # pyproject.toml may repeat a bm_*.toml
            out.append((name, list(meta.get("extra_opts", []))))
    return out or [(os.path.basename(bench_dir).removeprefix("bm_"), [])]


def manifest_pure(bench_root):
    """[(name, directory, extra options)] of `--set pure`: the `default` group of
    pyperformance's MANIFEST (all its entries: the group is declared without members) whose
    metadata depends on nothing but `pyperf` and whose directory has no requirements.txt."""
    import tomllib
    out = []
    with open(os.path.join(bench_root, "MANIFEST")) as f:
        lines = f.read().split("[group ", 1)[0].splitlines()
    for line in lines:
        line = line.strip()
        if not line or line.startswith(("#", "[", "name\t")):
            continue
        name, metafile = line.split("\t")
        # "<local>" is bm_NAME/, "<local:base>" a variant described in bm_base/bm_NAME.toml
        base = metafile[len("<local:"):-1] if metafile.startswith("<local:") else name
        d = os.path.join(bench_root, "bm_" + base)
        toml = os.path.join(d, f"bm_{name}.toml")
        if not os.path.exists(toml):
            toml = os.path.join(d, "pyproject.toml")
        with open(toml, "rb") as fh:
            meta = tomllib.load(fh)
        deps = meta.get("project", {}).get("dependencies")
        if deps is None:  # a variant's file may leave the project table to pyproject.toml
            with open(os.path.join(d, "pyproject.toml"), "rb") as fh:
                deps = tomllib.load(fh).get("project", {}).get("dependencies", [])
        if [x.split()[0] for x in deps] != ["pyperf"] or \
                os.path.exists(os.path.join(d, "requirements.txt")):
            continue
        extra = list(meta.get("tool", {}).get("pyperformance", {}).get("extra_opts", []))
        out.append((name, d, extra))
    return out


def run_bench(interp, bench_dir, extra, args):
    """(median seconds per loop or None, error text) of one benchmark under one interpreter."""
    with tempfile.TemporaryDirectory() as scratch:
        work = os.path.join(scratch, os.path.basename(bench_dir))
        shutil.copytree(bench_dir, work)
        shutil.copy(SHIM, os.path.join(work, "pyperf.py"))
        out = os.path.join(scratch, "values.jsonl")
        env = dict(os.environ, PYPERF_SHIM_OUT=out, PYPERF_SHIM_VALUES=str(args.values),
                   PYPERF_SHIM_WARMUPS=str(args.warmups), PYTHONHASHSEED="0")
        if args.check:
            env["PYPERF_SHIM_LOOPS"] = "1"
        env.pop("PYTHONPATH", None)
        try:
            p = subprocess.run(interp + ["run_benchmark.py"] + extra, cwd=work, env=env,
                               capture_output=True, timeout=args.timeout)
        except subprocess.TimeoutExpired:
            return None, f"timeout ({args.timeout:.0f} s)"
        err = p.stderr.decode("utf-8", "replace").strip().splitlines()
        if p.returncode != 0:
            return None, (err[-1] if err else f"exit status {p.returncode}")[:160]
        if not os.path.exists(out):
            return None, "no benchmark ran"
        values = []
        with open(out) as f:
            for line in f:
                values.extend(json.loads(line)["values"])
        if not values:
            return None, "no values"
        return statistics.median(values), ""


def check(args, runs):
    """`--check`: each variant once under pyguest; exit status 1 if any failed."""
    args.values, args.warmups = 1, 0
    interp = [os.path.abspath(args.pyguest)] + args.pyguest_args.split()
    dirs = {d for _, d, _ in runs}
    failed = []
    start = time.time()
    for name, d, extra in runs:
        t0 = time.time()
        t, err = run_bench(interp, d, extra, args)
        status = "run " if t is not None else "FAIL"
        print(f"{status} {name} ({time.time() - t0:.1f} s){'  ' + err if err else ''}",
              flush=True)
        if t is None:
            failed.append(name)
    print(f"{len(runs) - len(failed)} of {len(runs)} benchmarks ran under pyguest "
          f"({len(dirs)} directories, {time.time() - start:.0f} s)"
          + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


def geomean(xs):
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else float("nan")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pyguest", default=os.path.join(HERE, "../../target/release/pyguest"))
    ap.add_argument("--pyguest-args", default="", help="extra arguments, e.g. '--jit off'")
    ap.add_argument("--python", default="python3")
    ap.add_argument("--pypy", default="pypy3", help="'' to leave PyPy out")
    ap.add_argument("--only", default="", help="comma-separated benchmark names (without bm_)")
    ap.add_argument("--values", type=int, default=3)
    ap.add_argument("--warmups", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--cache", default=os.path.expanduser("~/.cache/pyguest-pyperformance"))
    ap.add_argument("--version", default="1.14.0", help="pyperformance version ('' = latest)")
    ap.add_argument("--first-variant", action="store_true",
                    help="one variant per benchmark directory (e.g. async_tree has 15)")
    ap.add_argument("--set", choices=["dirs", "pure"], default="dirs",
                    help="dirs: every variant of every directory without requirements.txt "
                         "(default); pure: the named pure-Python list of the default group")
    ap.add_argument("--list", action="store_true", help="print the selected benchmarks and stop")
    ap.add_argument("--check", action="store_true",
                    help="run each benchmark once under pyguest only and report run/fail")
    ap.add_argument("--json")
    ap.add_argument("--out")
    args = ap.parse_args()

    bench_root = fetch(args.cache, args.version)
    if args.set == "pure":
        runs = manifest_pure(bench_root)
        if args.only:
            wanted = {n.strip().removeprefix("bm_") for n in args.only.split(",")}
            known = {n for n, _, _ in runs} | {os.path.basename(d)[3:] for _, d, _ in runs}
            if wanted - known:
                ap.error(f"not in the pure set: {', '.join(sorted(wanted - known))}")
            # a variant's name picks that variant; a directory's name (when no variant has
            # it: e.g. `bm_pickle` has a variant `pickle`) picks all its variants
            names = {n for n, _, _ in runs}
            runs = [r for r in runs if r[0] in wanted
                    or (os.path.basename(r[1])[3:] in wanted - names)]
    else:
        dirs = sorted(d for d in glob.glob(os.path.join(bench_root, "bm_*"))
                      if os.path.isdir(d))
        if args.only:
            wanted = {"bm_" + n.strip().removeprefix("bm_") for n in args.only.split(",")}
            unknown = wanted - {os.path.basename(d) for d in dirs}
            if unknown:
                ap.error(f"unknown benchmarks: {', '.join(sorted(unknown))}")
            dirs = [d for d in dirs if os.path.basename(d) in wanted]
        else:
            dirs = [d for d in dirs if not os.path.exists(os.path.join(d, "requirements.txt"))
                    and (args.check or os.path.basename(d) not in SKIP)]
        runs = [(name, d, extra) for d in dirs for name, extra in variants(d)]
    if args.list:
        for name, d, extra in runs:
            print(f"{name}\t{os.path.basename(d)}\t{' '.join(extra)}")
        print(f"{len(runs)} benchmarks in {len({d for _, d, _ in runs})} directories")
        return 0
    if args.check:
        return check(args, runs)

    interps = {"pyguest": [os.path.abspath(args.pyguest)] + args.pyguest_args.split(),
               "cpython": [args.python]}
    if args.pypy and shutil.which(args.pypy):
        interps["pypy"] = [args.pypy]
    elif args.pypy:
        print(f"note: {args.pypy} not found; PyPy left out", file=sys.stderr)

    if args.first_variant:
        seen, firsts = set(), []
        for r in runs:
            if r[1] not in seen:
                seen.add(r[1])
                firsts.append(r)
        runs = firsts
    results = {}
    start = time.time()
    for i, (name, d, extra) in enumerate(runs):
        results[name] = {}
        for label, cmd in interps.items():
            t, err = run_bench(cmd, d, extra, args)
            results[name][label] = {"seconds": t, "error": err}
        row = "  ".join(f"{k}={v['seconds']:.4g}s" if v["seconds"] else f"{k}=FAIL"
                        for k, v in results[name].items())
        print(f"[{i + 1}/{len(runs)}] {name}: {row}", file=sys.stderr, flush=True)

    labels = list(interps)
    lines = ["| benchmark | " + " | ".join(f"{l} (s)" for l in labels)
             + " | pyguest/CPython | PyPy/CPython | pyguest/PyPy | note |",
             "|---|" + "---|" * (len(labels) + 4)]
    ratios = {"pg_cp": [], "pp_cp": [], "pg_pp": []}
    ran = {l: 0 for l in labels}
    for name, r in results.items():
        t = {l: r[l]["seconds"] for l in labels}
        for l in labels:
            ran[l] += t[l] is not None
        pg, cp, pp = t.get("pyguest"), t.get("cpython"), t.get("pypy")
        cells = [f"{t[l]:.4g}" if t[l] else "fail" for l in labels]
        pg_cp = pg / cp if pg and cp else None
        pp_cp = pp / cp if pp and cp else None
        pg_pp = pg / pp if pg and pp else None
        if pg and cp and (pp or "pypy" not in labels):
            ratios["pg_cp"].append(pg_cp)
            if pp:
                ratios["pp_cp"].append(pp_cp)
                ratios["pg_pp"].append(pg_pp)
        fmt = lambda x: f"{x:.2f}" if x else "-"
        note = "; ".join(f"{l}: {r[l]['error']}" for l in labels if r[l]["error"])
        lines.append(f"| {name} | " + " | ".join(cells)
                     + f" | {fmt(pg_cp)} | {fmt(pp_cp)} | {fmt(pg_pp)} | {note.replace('|', '/')} |")
    n = len(ratios["pg_cp"])
    lines.append("")
    lines.append(f"Benchmarks run: {len(results)}; ran under " +
                 ", ".join(f"{l} {ran[l]}" for l in labels) + ".")
    lines.append(f"Geometric means over the {n} benchmarks every interpreter ran: "
                 f"pyguest/CPython {geomean(ratios['pg_cp']):.2f}"
                 + (f", PyPy/CPython {geomean(ratios['pp_cp']):.2f}, "
                    f"pyguest/PyPy {geomean(ratios['pg_pp']):.2f}" if ratios["pp_cp"] else "")
                 + f" ({args.values} values after {args.warmups} warm-up, median; "
                 f"{time.time() - start:.0f} s in all).")
    table = "\n".join(lines)
    print(table)
    if args.out:
        with open(args.out, "w") as f:
            f.write(table + "\n")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"values": args.values, "warmups": args.warmups, "results": results}, f,
                      indent=1)


if __name__ == "__main__":
    sys.exit(main())
