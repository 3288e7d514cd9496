#!/usr/bin/env python3
"""Draws the benchmark results as SVG bar charts (matplotlib) for docs/performance.md.

Inputs are the JSON files the benchmark scripts write:
  compare.py --json FILE      pyguest vs python3 (CPython) and pypy3, one file per pyguest
                              configuration (e.g. one run with the JIT on, one with --jit off)
  toy_bench.py N --json FILE  the toy languages: JIT on, --jit off, JIT compiled out

Outputs (only for the inputs given):
  OUT_DIR/perf-pyguest.svg    per program: pyguest's time divided by CPython's and by PyPy's,
                              one bar per pyguest configuration (log scale; 1 = as fast)
  OUT_DIR/perf-toys.svg       per toy language: time of JIT on and --jit off divided by the
                              interpreter built without the JIT (log scale; below 1 = faster)

Example (from the repository root):
  python3 benches/scripts/compare.py --runs 1 --json /tmp/on.json
  python3 benches/scripts/compare.py --runs 1 --pyguest-args '--jit off' --json /tmp/off.json
  python3 benches/scripts/toy_bench.py 3 --json /tmp/toys.json
  python3 benches/scripts/plot.py --compare 'JIT on=/tmp/on.json' \\
      --compare '--jit off=/tmp/off.json' --toys /tmp/toys.json --out-dir docs

Needs matplotlib (Debian: python3-matplotlib).
"""

import argparse
import json
import os
import sys


def load(path, kind):
    try:
        with open(path) as f:
            data = json.load(f)
    except OSError as e:
        sys.exit(f"plot.py: cannot read {path}: {e.strerror}")
    except json.JSONDecodeError as e:
        sys.exit(f"plot.py: {path} is not JSON: {e}")
    if not isinstance(data, dict) or data.get("kind") != kind:
        sys.exit(f"plot.py: {path} is not a {kind} result (written by {kind}.py --json)")
    return data


def pyplot():
    try:
        import matplotlib
    except ImportError:
        sys.exit("plot.py: needs matplotlib (apt-get install python3-matplotlib, or pip install matplotlib)")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    # reproducible SVGs: fixed ids, no date
    plt.rcParams["svg.hashsalt"] = "metatracer"
    plt.rcParams["font.size"] = 9
    return plt


def log_axis(ax, values):
    """A log x axis with room for the bar labels, ticks as plain numbers."""
    from matplotlib.ticker import FuncFormatter
    vals = [v for v in values if v]
    ax.set_xscale("log")
    ax.set_xlim(min(vals + [1]) / 1.5, max(vals + [1]) * 2.5)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:g}"))
    ax.xaxis.set_minor_formatter(FuncFormatter(lambda x, _: ""))


def save(fig, path):
    fig.savefig(path, format="svg", metadata={"Date": None}, bbox_inches="tight")
    print(f"wrote {path}")


def plot_pyguest(plt, configs, out):
    """configs: [(label, data)] of compare.py results."""
    names = []
    for _, d in configs:
        for p in d["programs"]:
            if p["name"] not in names:
                names.append(p["name"])
    series = []  # (label, [ratio or None per program])
    for label, d in configs:
        by_name = {p["name"]: p for p in d["programs"]}
        for ref, ref_label in (("python3", "CPython"), ("pypy3", "PyPy")):
            if ref not in d["interpreters"]:
                continue
            vals = []
            for n in names:
                p = by_name.get(n)
                t, r = (p["seconds"].get("pyguest"), p["seconds"].get(ref)) if p else (None, None)
                vals.append(t / r if t and r else None)
            series.append((f"pyguest ({label}) / {ref_label}", vals))
    if not series:
        sys.exit("plot.py: the compare results have no python3 or pypy3 times")
    height = 0.8 / len(series)
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(names) * max(1, len(series) / 2) + 1.5))
    colors = ["#3b6fd8", "#e07b39", "#8fb3f0", "#f2b98f"]
    for k, (label, vals) in enumerate(series):
        ys = [i + k * height for i in range(len(names))]
        xs = [v if v is not None else 0 for v in vals]
        bars = ax.barh(ys, xs, height=height, label=label, color=colors[k % len(colors)])
        for b, v in zip(bars, vals):
            ax.text(b.get_width() * 1.05 if v else 1.05, b.get_y() + b.get_height() / 2,
                    f"{v:.1f}x" if v else "failed", va="center", fontsize=7)
    ax.set_yticks([i + height * (len(series) - 1) / 2 for i in range(len(names))])
    ax.set_yticklabels(names)
    ax.invert_yaxis()
    log_axis(ax, [v for _, vals in series for v in vals])
    ax.axvline(1, color="black", linewidth=0.8)
    ax.set_xlabel("pyguest time / reference time (log scale; 1 = as fast, higher = slower)")
    machine = configs[0][1].get("machine", "")
    runs = configs[0][1].get("runs", "?")
    ax.set_title(f"pyguest vs CPython and PyPy (median of {runs})\n{machine}", fontsize=9)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, fontsize=7)
    ax.grid(axis="x", which="both", alpha=0.3)
    save(fig, out)
    plt.close(fig)


def plot_toys(plt, d, out):
    langs = d["languages"]
    if not langs:
        sys.exit("plot.py: the toy results list no language")
    configs = [("on", "JIT on"), ("off", "--jit off")]
    height = 0.35
    fig, ax = plt.subplots(figsize=(7, 0.9 * len(langs) + 1.4))
    colors = ["#3b6fd8", "#9aa5b8"]
    all_vals = []
    for k, (key, label) in enumerate(configs):
        ys = [i + k * height for i in range(len(langs))]
        vals = [l["seconds"][key] / l["seconds"]["nojit"] for l in langs]
        all_vals += vals
        bars = ax.barh(ys, vals, height=height, label=label, color=colors[k])
        for b, v in zip(bars, vals):
            ax.text(b.get_width() * 1.04, b.get_y() + b.get_height() / 2,
                    f"{v:.2f} ({1 / v:.2f}x faster)" if v < 1 else f"{v:.2f}", va="center", fontsize=7)
    ax.set_yticks([i + height / 2 for i in range(len(langs))])
    ax.set_yticklabels([l["name"] for l in langs])
    ax.invert_yaxis()
    log_axis(ax, all_vals)
    ax.axvline(1, color="black", linewidth=0.8)
    ax.set_xlabel("time / interpreter built without the JIT (log scale; below 1 = faster)")
    ax.set_title(f"Toy languages' bench programs (median of {d.get('runs', '?')})\n{d.get('machine', '')}", fontsize=9)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, fontsize=7)
    ax.grid(axis="x", which="both", alpha=0.3)
    save(fig, out)
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--compare", action="append", default=[], metavar="[LABEL=]FILE",
                    help="a compare.py --json result, labelled (repeatable)")
    ap.add_argument("--toys", metavar="FILE", help="a toy_bench.py --json result")
    ap.add_argument("--out-dir", default="docs")
    args = ap.parse_args()
    if not args.compare and not args.toys:
        ap.error("give --compare and/or --toys")
    configs = []
    for spec in args.compare:
        label, _, path = spec.rpartition("=")
        d = load(path, "compare")
        configs.append((label or d.get("pyguest_args") or "default", d))
    toys = load(args.toys, "toy_bench") if args.toys else None
    os.makedirs(args.out_dir, exist_ok=True)
    plt = pyplot()
    if configs:
        plot_pyguest(plt, configs, os.path.join(args.out_dir, "perf-pyguest.svg"))
    if toys:
        plot_toys(plt, toys, os.path.join(args.out_dir, "perf-toys.svg"))


if __name__ == "__main__":
    main()
