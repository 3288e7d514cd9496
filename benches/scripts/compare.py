#!/usr/bin/env python3
"""Whole-program comparison of pyguest with CPython (python3) and PyPy (pypy3).

For every benchmark program, each interpreter is run `--runs` times, alternating between the
interpreters inside each round so that machine noise hits all of them alike. For every run the
script records wall time (perf_counter around the child) and peak RSS (ru_maxrss from wait4, so
only that child is measured), and checks stdout against NAME.expected when it exists.

Prints a Markdown table (median wall time, time ratio pyguest/python3, peak RSS, RSS ratio) and
the geometric mean of the time ratios; `--out FILE` also writes it there, `--json FILE` writes
the medians as JSON (which benches/scripts/plot.py draws). A start-up row times `-c pass` for
each interpreter.

Example:
  python3 benches/scripts/compare.py --pyguest target/release/pyguest \
      --bench-dir ../shared/pycorpus/bench --runs 3 --out docs/bench-latest.md
"""

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def run_once(cmd, stdin=subprocess.DEVNULL, timeout=600):
    """Runs cmd; returns (seconds, max_rss_kib, exit_status, stdout_bytes)."""
    # ru_maxrss of a forked child includes the parent's pages from before exec, so peak RSS is
    # taken from /usr/bin/time (which reports the exec'd program alone) when it is available.
    timefile = tempfile.NamedTemporaryFile(delete=False) if os.path.exists("/usr/bin/time") else None
    if timefile:
        timefile.close()
        cmd = ["/usr/bin/time", "-f", "%M", "-o", timefile.name] + list(cmd)
    with tempfile.TemporaryFile() as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=stdin, stdout=out, stderr=subprocess.DEVNULL)
        deadline = t0 + timeout
        while True:
            pid, status, rusage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, rusage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.002)
        elapsed = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        maxrss = rusage.ru_maxrss
        if timefile:
            try:
                with open(timefile.name) as f:
                    maxrss = int(f.read().split()[-1])
            except (OSError, ValueError, IndexError):
                pass
            os.unlink(timefile.name)
        return elapsed, maxrss, proc.returncode, out.read()


def machine_note():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{platform.node()}: {os.cpu_count()} cores, {cpu}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"


def fmt_time(t):
    return "-" if t is None else f"{t:.3f}"


def fmt_rss(k):
    return "-" if k is None else f"{k / 1024:.1f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pyguest", default="target/release/pyguest", help="path to the pyguest binary")
    ap.add_argument("--pyguest-args", default="", help="extra arguments before the program (e.g. '--jit off')")
    ap.add_argument("--bench-dir", default=os.path.join(os.path.dirname(__file__), "../../../shared/pycorpus/bench"))
    ap.add_argument("--programs", nargs="*", help="program names (default: every NAME.py in --bench-dir)")
    ap.add_argument("--extra", nargs="*", default=[], help="extra program paths (e.g. benches/programs/gc_churn.py)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-pypy", action="store_true", help="skip pypy3 even if installed")
    ap.add_argument("--with-jit-off", action="store_true",
                    help="also run pyguest with --jit off (a column 'pyguest-off', side by side)")
    ap.add_argument("--no-startup", action="store_true")
    ap.add_argument("--out", help="also write the Markdown table to this file")
    ap.add_argument("--json", help="also write the results (medians per program and interpreter) as JSON")
    args = ap.parse_args()

    interps = [("pyguest", [args.pyguest] + args.pyguest_args.split())]
    if args.with_jit_off:
        interps.append(("pyguest-off", [args.pyguest, "--jit", "off"]))
    interps.append(("python3", ["python3"]))
    if not args.no_pypy and shutil.which("pypy3"):
        interps.append(("pypy3", ["pypy3"]))
    if not os.path.exists(args.pyguest):
        sys.exit(f"compare.py: pyguest binary not found at {args.pyguest} (build with cargo build --release -p pyguest)")

    programs = []
    names = args.programs or sorted(p[:-3] for p in os.listdir(args.bench_dir) if p.endswith(".py"))
    for n in names:
        programs.append((n, os.path.join(args.bench_dir, n + ".py")))
    for p in args.extra:
        programs.append((os.path.basename(p)[:-3], p))

    rows = []
    ratios, rss_ratios = [], []
    for name, path in programs:
        expected_path = path[:-3] + ".expected"
        expected = open(expected_path, "rb").read() if os.path.exists(expected_path) else None
        times = {k: [] for k, _ in interps}
        rss = {k: [] for k, _ in interps}
        ok = {k: True for k, _ in interps}
        for r in range(args.runs):
            for key, cmd in interps:
                t, m, rc, out = run_once(cmd + [path])
                if rc != 0 or (expected is not None and out != expected):
                    ok[key] = False
                times[key].append(t)
                rss[key].append(m)
            print(f"  {name} round {r + 1}/{args.runs}: " + ", ".join(f"{k} {times[k][-1]:.2f}s" for k, _ in interps), file=sys.stderr)
        med = {k: statistics.median(v) if ok[k] else None for k, v in times.items()}
        mrss = {k: max(v) for k, v in rss.items()}
        ratio = med["pyguest"] / med["python3"] if med["pyguest"] and med["python3"] else None
        rss_ratio = mrss["pyguest"] / mrss["python3"]
        if ratio:
            ratios.append(ratio)
        if ok["pyguest"]:
            rss_ratios.append(rss_ratio)
        rows.append((name, med, mrss, ratio, rss_ratio, ok))

    startup = None
    if not args.no_startup:
        st = {k: [] for k, _ in interps}
        for _ in range(max(args.runs, 5)):
            for key, cmd in interps:
                t, m, rc, _ = run_once(cmd + ["-c", "pass"])
                st[key].append(t)
        startup = {k: statistics.median(v) for k, v in st.items()}

    keys = [k for k, _ in interps]
    lines = [f"Machine: {machine_note()}", f"Runs: median of {args.runs}, interpreters alternated within each round.", ""]
    head = "| program | " + " | ".join(f"{k} (s)" for k in keys) + " | time pyguest/python3 | " + " | ".join(f"{k} RSS (MiB)" for k in keys) + " | RSS pyguest/python3 |"
    lines.append(head)
    lines.append("|" + "---|" * (len(keys) * 2 + 3))
    for name, med, mrss, ratio, rss_ratio, ok in rows:
        cells = [fmt_time(med[k]) if ok[k] else "FAIL" for k in keys]
        rcells = [fmt_rss(mrss[k]) for k in keys]
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {'-' if ratio is None else f'{ratio:.2f}'} | " + " | ".join(rcells) + f" | {rss_ratio:.2f} |")
    if ratios:
        gm = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
        lines.append("")
        lines.append(f"Geometric mean of time ratios pyguest/python3 over {len(ratios)} programs: **{gm:.2f}**")
    def gmean_of(a, b):
        rs = [med[a] / med[b] for _, med, _, _, _, ok in rows if ok.get(a) and ok.get(b) and med[a] and med[b]]
        return (math.exp(sum(math.log(r) for r in rs) / len(rs)), len(rs)) if rs else None
    for a, b in [("pyguest", "pypy3"), ("pyguest-off", "python3"), ("pyguest", "pyguest-off"), ("pypy3", "python3")]:
        if a in keys and b in keys:
            g = gmean_of(a, b)
            if g:
                lines.append(f"Geometric mean of time ratios {a}/{b} over {g[1]} programs: **{g[0]:.2f}**")
    if rss_ratios:
        lines.append(f"Largest peak-RSS ratio pyguest/python3: **{max(rss_ratios):.2f}**")
    if startup:
        lines.append("")
        lines.append("Start-up (`-c pass`, median of runs): " + ", ".join(f"{k} {startup[k] * 1000:.1f} ms" for k in keys))
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    if args.json:
        data = {
            "kind": "compare",
            "machine": machine_note(),
            "runs": args.runs,
            "pyguest": args.pyguest,
            "pyguest_args": args.pyguest_args,
            "interpreters": keys,
            "programs": [
                {"name": name, "seconds": {k: med[k] for k in keys},
                 "peak_rss_kib": {k: mrss[k] for k in keys}, "ok": ok}
                for name, med, mrss, ratio, rss_ratio, ok in rows
            ],
            "startup_seconds": startup,
        }
        with open(args.json, "w") as f:
            json.dump(data, f, indent=1)


if __name__ == "__main__":
    main()
