#!/usr/bin/env python3
"""Executed ops per iteration of the hottest Python loop, from a metatracer JSON log or a PYPYLOG.

Reads either
  * our log: `METATRACER_LOG=json:FILE target/release/pyguest PROG.py` (the `trace` records with
    `optimized: true` and the `counts` record the machine code's counters fill at exit), or
  * PyPy's log: `PYPYLOG=jit-log-opt,jit-backend-counts:FILE pypy3 PROG.py` (the
    `jit-log-opt-loop`/`-bridge` blocks and the `jit-backend-counts` block).

**Executions, not static ops.** Every compiled trace is cut into segments: a loop's ops before
its first `label` (entered `runs` / `entry N` times), from each `label` to the next (entered as
often as the label's counter says), a bridge (entered as often as it ran). Walking a segment,
an op runs as often as the segment was entered minus the failures of the guards before it
(ours: `guard_fails`, every guard; PyPy: the runs of the bridge attached to a guard, the only
failures PyPy counts: a guard without a bridge fails at most a few hundred times).

**A loop is its trace and its bridges.** A bridge belongs to the loop whose trace holds its
guard (following bridges of bridges up to a loop or entry trace). Its iterations are the
executions of the `debug_merge_point` of the loop's header instruction (the position the loop
trace is named after) in that code: one per Python iteration run in compiled code, whichever
path (the loop's body, the preamble a bridge jumps back to, a bridge) it took. For a recursive
function traced from its entry (`fib`) that is one per Python call, inlined levels included.
The last merge point of a segment that ends in a `jump` is not counted (the jump's target
records that instruction again). The *hottest loop* is the one whose code executes most ops; the table pairs PyPy's loop at the
same (function, source line) with ours. `debug_merge_point`, `label`, `jump` are not counted.

Op classes (both dialects): guards (by kind), residual calls (by helper: ours the name in the
call descr, `handler X` for a whole opcode handler `native!(cx, opcodes::X(..))`; PyPy's the
`ConstClass(...)` function), elidable calls left (`call_pure_*`), calls into compiled code (PyPy
`call_assembler_*`), allocations (`new*`; a `new` whose payload gets a float store is a *float
box*: ours `store_f(p, 8, ..)` into it, PyPy `W_FloatObject.inst_floatval`; PyPy's int boxes
`W_IntObject` likewise; our small ints are tagged, never boxed), loads, stores, write barriers
(ours the inline `metatracer::gc::write_barrier`, PyPy's `cond_call_gc_wb*`) and the rest
(arithmetic, compares, casts, tag tests, PyPy's frame bookkeeping).

Usage:
  trace_profile.py ours RUN.jsonl [--top N] [--show] [--loop TEXT]   # loops of one log
  trace_profile.py pypy PYPYLOG   [--top N] [--show] [--loop TEXT]
  trace_profile.py table OURS_DIR PYPY_DIR [PROGRAM...] [--loop PROG:ours|pypy:TEXT]
                        [--per PROG:N]
        # Markdown table over OURS_DIR/NAME.jsonl and PYPY_DIR/NAME.log
  trace_profile.py collect --pyguest BIN --bench-dir DIR --out DIR [PROGRAM...]
        # logs every program with both interpreters (OUT/ours/NAME.jsonl, OUT/pypy/NAME.log),
        # then prints the table
`--show` prints the hottest loop's busiest segment, each op with its executions per iteration.
`--loop TEXT` picks the hottest loop whose name contains TEXT instead.
"""

import argparse
import collections
import json
import os
import re
import subprocess
import sys

SNAPSHOT = re.compile(r" \[.*\]$")  # a guard's snapshot (ours) or fail arguments (PyPy)
SKIP = ("debug_merge_point", "label", "jump", "finish")
CLASSES = ["ops", "guard", "call", "pure_call", "call_asm", "new", "box", "load", "store", "wb", "other"]


# --- op classification -------------------------------------------------------------------

def op_name(text):
    """The op name of one op line (without a result name or a PyPy `+offset:` prefix)."""
    m = re.match(r"\s*(?:\+\d+:\s*)?(?:[a-z]\d+\s*=\s*)?([a-z_0-9]+)\(", text)
    return m.group(1) if m else None


def result(text):
    m = re.match(r"\s*(?:\+\d+:\s*)?([a-z]\d+)\s*=", text)
    return m.group(1) if m else None


def merge_point_text(dialect, text):
    """The position text of a `debug_merge_point` (ours: its descr, PyPy: its string)."""
    if dialect == "ours":
        m = re.search(r'descr="(.*)"\)$', text)
    else:
        m = re.search(r"debug_merge_point\(\d+, \d+, '(.*)'\)", text)
    return m.group(1) if m else None


def call_target(dialect, text):
    """The helper a call op calls, as a short name."""
    if dialect == "ours":
        m = re.search(r'descr=call\([^)]*\)->\w "(.*)"', text)
        name = m.group(1) if m else "?"
        m = re.match(r"native!\(cx, (?:opcodes::)?(\w+)\(", name)
        return ("handler " + m.group(1)) if m else name
    m = re.search(r"ConstClass\(([^)]*)\)", text)
    if m:
        return m.group(1)
    return "indirect"


def object_kinds(dialect, ops):
    """Result name -> kind of every allocation in a trace: 'float box', 'int box' or a type."""
    kinds = {}
    news = {result(op) for op in ops if (op_name(op) or "").startswith("new")}
    for op in ops:
        if dialect == "ours":
            m = re.match(r"\s*store_f\((p\d+), 8,", op)
            if m and m.group(1) in news:
                kinds[m.group(1)] = "float box"
            continue
        m = re.search(r"setfield_gc\((p\d+), [^,]+, descr=<Field\w ([\w.]+)\.inst_(\w+)", op)
        if m and m.group(1) in news and m.group(1) not in kinds:
            cls = m.group(2).rsplit(".", 1)[-1]
            kinds[m.group(1)] = {"W_FloatObject": "float box", "W_IntObject": "int box"}.get(cls, cls)
    return kinds


def classify(dialect, text, kinds):
    """(class, detail) of one op, or None for ops not counted."""
    name = op_name(text)
    if name is None or name in SKIP:
        return None
    if name.startswith("guard_"):
        return ("guard", name[len("guard_"):])
    if name.startswith("new"):
        return ("new", kinds.get(result(text), "object" if dialect == "ours" else name))
    if dialect == "ours":
        if name.startswith("call_pure"):
            return ("pure_call", call_target(dialect, text))
        if name.startswith("call_"):
            target = call_target(dialect, text)
            return ("wb", "write_barrier") if target.endswith("write_barrier") else ("call", target)
        if name.startswith("load_"):
            return ("load", name)
        if name.startswith("store_"):
            return ("store", name)
        return ("other", name)
    if name.startswith("cond_call_gc_wb"):
        return ("wb", name)
    if name.startswith("call_assembler"):
        return ("call_asm", name)
    if name.startswith("call_pure") or name.startswith("call_loopinvariant"):
        return ("pure_call", call_target(dialect, text))
    if name.startswith("call") or name.startswith("cond_call"):
        return ("call", call_target(dialect, text))
    if re.match(r"(getfield|getarrayitem|getinteriorfield|raw_load|gc_load|arraylen|strlen|"
                r"unicodelen|strgetitem|unicodegetitem)", name):
        return ("load", name)
    if re.match(r"(setfield|setarrayitem|setinteriorfield|raw_store|gc_store|strsetitem|"
                r"unicodesetitem|zero_array|copystrcontent|copyunicodecontent)", name):
        return ("store", name)
    return ("other", name)


# --- parsing ---------------------------------------------------------------------------------

class Trace:
    """One compiled trace: key, kind, name, op texts, each op's guard key (or None), and the
    key of the trace holding the guard it is a bridge of (None for loops)."""

    def __init__(self, key, kind, name, ops, guards, parent=None):
        self.key, self.kind, self.name, self.ops, self.guards = key, kind, name, ops, guards
        self.parent = parent
        self.segments = []  # (label text or None, entries, [(op text, executed count)])


def segment(trace, entries_before, label_count, guard_fails):
    """Fills trace.segments; label_count(k, label_text) gives the k-th label's counter."""
    label, entries, seg, k = None, entries_before, [], 0
    cur = entries
    for text, gkey in zip(trace.ops, trace.guards):
        if op_name(text) == "label":
            if seg or label is not None:
                trace.segments.append((label, entries, seg))
            label, seg = text, []
            entries = cur = label_count(k, text)
            k += 1
            continue
        seg.append((text, cur))
        if gkey is not None:
            cur -= guard_fails.get(gkey, 0)
    if seg or label is not None:
        trace.segments.append((label, entries, seg))


def parse_ours(path):
    traces, counts = {}, {}
    with open(path) as f:
        for line in f:
            if not line.startswith("{"):
                continue
            r = json.loads(line)
            if r.get("ev") == "trace" and r.get("optimized"):
                ops = [o["text"] for o in r["ops"]]
                guards = [o.get("guard") for o in r["ops"]]
                m = re.match(r"guard \d+ of trace (\d+)", r["name"])
                traces[r["id"]] = Trace(r["id"], r["kind"], r["name"], ops, guards,
                                        int(m.group(1)) if m else None)
            elif r.get("ev") == "counts":
                counts = {t["id"]: t for t in r["traces"]}
    for key, t in traces.items():
        c = counts.get(key, {})
        labels = c.get("labels", [])
        fails = {g: n for g, n in c.get("guard_fails", [])}
        segment(t, c.get("runs", 0), lambda k, _text: labels[k] if k < len(labels) else 0, fails)
    return traces


def parse_pypy(path):
    traces, entry, target, bridge = {}, {}, {}, {}
    with open(path, errors="replace") as f:
        lines = f.read().splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if re.search(r"\{jit-log-opt-(loop|bridge)$", line):
            body = []
            i += 1
            while i < len(lines) and not re.search(r"jit-log-opt-(loop|bridge)\}$", lines[i]):
                body.append(lines[i])
                i += 1
            head = body[0] if body else ""
            m = re.match(r"# Loop (\d+) \((.*)\) : (.*) with \d+ ops", head)
            mb = re.match(r"# bridge out of Guard (0x[0-9a-f]+) with \d+ ops", head)
            if m:
                key, name, kind = ("loop", int(m.group(1))), m.group(2), m.group(3)
            elif mb:
                key, name, kind = ("bridge", int(mb.group(1), 16)), "bridge of guard " + mb.group(1), "bridge"
            else:
                i += 1
                continue
            ops, guards = [], []
            for b in body[1:]:
                if b.startswith("#") or op_name(b) is None:
                    continue
                ops.append(b.strip())
                g = re.search(r"descr=<Guard(0x[0-9a-f]+)>", b)
                guards.append(int(g.group(1), 16) if g else None)
            traces[key] = Trace(key, kind, name, ops, guards)
        elif re.search(r"\{jit-backend-counts$", line):
            i += 1
            while i < len(lines) and not lines[i].endswith("jit-backend-counts}"):
                m = re.match(r"(entry|bridge) (\d+):(\d+)", lines[i])
                mt = re.match(r"TargetToken\((\d+)\):(\d+)", lines[i])
                if m and m.group(1) == "entry":
                    entry[int(m.group(2))] = int(m.group(3))
                elif m:
                    bridge[int(m.group(2))] = int(m.group(3))
                elif mt:
                    target[int(mt.group(1))] = int(mt.group(2))
                i += 1
        i += 1
    owner = {g: t.key for t in traces.values() for g in t.guards if g is not None}
    for t in traces.values():
        if t.kind == "bridge":
            t.parent = owner.get(t.key[1])

    def label_count(_k, text):
        m = re.search(r"TargetToken\((\d+)\)", text)
        return target.get(int(m.group(1)), 0) if m else 0

    for key, t in traces.items():
        before = entry.get(key[1], 0) if key[0] == "loop" else bridge.get(key[1], 0)
        segment(t, before, label_count, bridge)
    return traces


def parse(dialect, path):
    return parse_ours(path) if dialect == "ours" else parse_pypy(path)


# --- profiles ----------------------------------------------------------------------------------

class Profile:
    """Executed-op counts of some segments, by class and detail, and the executions of each
    `debug_merge_point` text in them."""

    def __init__(self, dialect, pieces, name, entries=None):
        self.name, self.entries = name, entries
        self.by_class = collections.Counter()
        self.detail = collections.defaultdict(collections.Counter)
        self.merge_points = collections.Counter()
        self.by_opcode = collections.Counter()  # executed ops under each Python opcode name
        self.executed = 0
        self.by_part = collections.Counter()  # executed ops in preambles, loop bodies, bridges
        self.segments = []  # (trace, label, entries, [(text, count)]) for --show
        for trace, label, seg_entries, seg in pieces:
            if trace.kind == "bridge":
                part = "bridges"
            elif label is not None and label == trace.segments[-1][0]:
                part = "loop body"
            else:
                part = "preamble"
            kinds = object_kinds(dialect, trace.ops)
            ops = []
            # the last merge point of a segment that ends in a `jump` is the instruction the
            # jump goes on with, which the target records again (PyPy's loops and bridges end
            # with the header's merge point; ours end with the instruction before the header)
            mps = [i for i, (text, _) in enumerate(seg) if op_name(text) == "debug_merge_point"]
            closing = mps[-1] if len(mps) > 1 and op_name(seg[-1][0]) == "jump" else -1
            opcode = "(bridge start)" if trace.kind == "bridge" else "(preamble)"
            for i, (text, n) in enumerate(seg):
                if op_name(text) == "debug_merge_point":
                    where = merge_point_text(dialect, text) or ""
                    if i != closing:
                        self.merge_points[where] += n
                    m = re.search(r"#\d+ ([A-Z_]+)", where)
                    opcode = m.group(1) if m else opcode
                c = classify(dialect, text, kinds)
                if c is None:
                    continue
                self.by_opcode[opcode] += n
                self.by_part[part] += n
                ops.append((text, n))
                self.executed += n
                self.by_class[c[0]] += n
                self.detail[c[0]][c[1]] += n
            self.segments.append((trace, label, seg_entries, ops))

    def per_iter(self):
        """Per-iteration figures, as a dict of class -> float."""
        n = self.entries or 1
        d = {c: self.by_class[c] / n for c in CLASSES}
        d["ops"] = self.executed / n
        d["box"] = sum(v for k, v in self.detail["new"].items() if k.endswith("box")) / n
        return d


def header_text(dialect, trace):
    """The merge-point text of a loop's header instruction (the position it is named after)."""
    if dialect == "ours":
        return trace.name.split(" at ", 1)[1] if " at " in trace.name else trace.name
    return trace.name


def root(traces, t):
    seen = set()
    while t.parent is not None and t.parent in traces and t.key not in seen:
        seen.add(t.key)
        t = traces[t.parent]
    return t


def loops(dialect, traces):
    """One Profile per loop (or entry) trace, with its bridges, per Python iteration."""
    family = collections.defaultdict(list)
    for t in traces.values():
        family[root(traces, t).key].append(t)
    out = []
    for key, members in family.items():
        head = traces[key]
        if head.kind == "bridge":
            continue  # a bridge whose guard's trace is not in the log
        pieces = [(t, label, n, seg) for t in members for label, n, seg in t.segments]
        p = Profile(dialect, pieces, head.name)
        p.head, p.pieces = head, pieces
        p.entries = p.merge_points.get(header_text(dialect, head), 0)
        out.append(p)
    return out


def position(name):
    """(function, line) of a loop's name in either dialect, or None."""
    m = re.search(r"\.py:(\d+) (\w+) #\d+", name)  # ours: "... prog.py:14 f #18 LOAD_FAST | src"
    if m:
        return (m.group(2), int(m.group(1)))
    m = re.match(r"([^;]+);.*:\d+-(\d+)~#", name)  # PyPy: "f;/path/prog.py:6-14~#34 LOAD_FAST"
    return (m.group(1), int(m.group(2))) if m else None


def hottest(profs, loop=None):
    """The loop whose code executes most ops; `loop` narrows the choice to names containing a
    substring, or to a (function, line) position; if nothing matches, the hottest overall."""
    cands = profs
    if isinstance(loop, tuple):
        cands = [p for p in profs if position(p.name) == loop] or profs
    elif loop:
        cands = [p for p in profs if loop in p.name] or profs
    return max(cands, key=lambda p: p.executed, default=None)


def short_name(p):
    if p.name == "all traces":
        return p.name
    pos = position(p.name)
    return f"{pos[0]}:{pos[1]}" if pos else p.name[:30]


def fmt_num(v):
    return f"{v:.0f}" if v >= 10 else f"{v:.2g}"


def fmt_detail(counter, entries, top=8):
    items = sorted(counter.items(), key=lambda kv: -kv[1])[:top]
    return ", ".join(f"{k} {fmt_num(n / max(entries, 1))}" for k, n in items if n / max(entries, 1) >= 0.05)


def report(dialect, path, top=5, show=False, loop=None):
    profs = loops(dialect, parse(dialect, path))
    total = sum(p.executed for p in profs) or 1
    print(f"{path}: {len(profs)} loops, {total} ops executed in compiled code")
    for p in sorted(profs, key=lambda p: -p.executed)[:top]:
        print(f"  {100 * p.executed / total:5.1f}%  {p.entries:>10} iterations  "
              f"{p.executed / max(p.entries, 1):7.1f} ops/iteration  {p.name[:90]}")
    h = hottest(profs, loop)
    if h is None:
        print("  no compiled loop")
        return
    s = h.per_iter()
    print(f"hottest loop: {h.name}  ({h.entries} iterations, {100 * h.executed / total:.1f}% of executed ops)")
    print("  per iteration: " + ", ".join(f"{c} {s[c]:.1f}" for c in CLASSES))
    for c in ("guard", "call", "pure_call", "call_asm", "new", "load", "store", "other"):
        if h.detail[c]:
            print(f"  {c}: {fmt_detail(h.detail[c], h.entries, 12)}")
    print("  ops by Python opcode: " + fmt_detail(h.by_opcode, h.entries, 14))
    print("  ops by part: " + fmt_detail(h.by_part, h.entries))
    if show:
        for trace, label, n, ops in sorted(h.segments, key=lambda s: -sum(c for _, c in s[3]))[:3]:
            where = "bridge" if trace.kind == "bridge" else ("after " + label[:60] if label else "before the label")
            print(f"-- {trace.name[:60]}, {where}: entered {n} times")
            for text, c in ops:
                print(f"  {c / max(h.entries, 1):5.2f}  {SNAPSHOT.sub('', text)[:160]}")


def side(dialect, path, loop=None, per=None):
    """(hottest loop profile, all executed ops) of one log; with `per`, the whole program's
    compiled code as one profile of `per` iterations."""
    profs = loops(dialect, parse(dialect, path))
    total = sum(p.executed for p in profs) or 1
    if per:
        whole = Profile(dialect, [piece for p in profs for piece in p.pieces], "all traces", per)
        return whole, total
    return hottest(profs, loop), total


def table(ours_dir, pypy_dir, programs, picks=None, per=None):
    """Prints the Markdown table (ours / PyPy per cell) and the per-kind details. PyPy's loop is
    the one at our hottest loop's (function, line) when PyPy has one there. `per` maps a
    program to a count: that program's row is then all its compiled code divided by the count
    (the number of Python calls of a recursive function, where PyPy's inlined levels make
    header counting unreliable; the size of a pipeline whose loops the two JITs cut apart
    differently)."""
    picks, per = picks or {}, per or {}
    head = ("| program | hottest loop (ours / PyPy) | its share of ops | iterations | ops (in preambles) | guards | "
            "residual calls | `new` (float boxes) | loads | stores | write barriers |")
    rows = [head, "|---" * (head.count("|") - 1) + "|"]
    details = []
    for prog in programs:
        sides = [None, None]
        ours_path = os.path.join(ours_dir, prog + ".jsonl")
        pypy_path = os.path.join(pypy_dir, prog + ".log")
        if os.path.exists(ours_path):
            sides[0] = side("ours", ours_path, picks.get((prog, "ours")), per.get(prog))
        if os.path.exists(pypy_path):
            pos = position(sides[0][0].name) if sides[0] and sides[0][0] else None
            sides[1] = side("pypy", pypy_path, picks.get((prog, "pypy"), pos), per.get(prog))
        sums = [s[0].per_iter() if s and s[0] else None for s in sides]

        def cell(fn):
            return " / ".join("-" if not s or not s[0] else fn(s[0], u, s[1]) for s, u in zip(sides, sums))

        def num(c, fmt="{:.0f}"):
            return cell(lambda p, u, t: fmt.format(u[c]))

        rows.append("| " + " | ".join([
            prog,
            cell(lambda p, u, t: short_name(p)),
            cell(lambda p, u, t: f"{100 * p.executed / t:.0f}%"),
            cell(lambda p, u, t: f"{p.entries / 1e6:.2f}M"),
            cell(lambda p, u, t: f"{u['ops']:.0f} ({p.by_part['preamble'] / max(p.entries, 1):.0f})"),
            num("guard"),
            cell(lambda p, u, t: f"{u['call'] + u['pure_call'] + u['call_asm']:.1f}"),
            cell(lambda p, u, t: f"{u['new']:.1f} ({u['box']:.1f})"),
            num("load"), num("store"), num("wb", "{:.1f}"),
        ]) + " |")
        for who, s in zip(("ours", "PyPy"), sides):
            if not s or not s[0]:
                continue
            p = s[0]
            parts = [f"ops in {fmt_detail(p.by_part, p.entries)}",
                     f"guards {fmt_detail(p.detail['guard'], p.entries)}"]
            for c, label in (("call", "calls"), ("pure_call", "elidable calls"),
                             ("call_asm", "call_assembler"), ("new", "new")):
                if fmt_detail(p.detail[c], p.entries):
                    parts.append(f"{label} {fmt_detail(p.detail[c], p.entries)}")
            details.append(f"* {prog}, {who} ({short_name(p)}): " + "; ".join(parts))
    print("\n".join(rows))
    print()
    print("\n".join(details))


def collect(args):
    os.makedirs(os.path.join(args.out, "ours"), exist_ok=True)
    os.makedirs(os.path.join(args.out, "pypy"), exist_ok=True)
    pyguest = os.path.abspath(args.pyguest)
    for prog in args.programs:
        src = prog + ".py"
        ours = os.path.abspath(os.path.join(args.out, "ours", prog + ".jsonl"))
        pypy = os.path.abspath(os.path.join(args.out, "pypy", prog + ".log"))
        env = dict(os.environ, METATRACER_LOG="json:" + ours)
        subprocess.run([pyguest, src], cwd=args.bench_dir, env=env, stdout=subprocess.DEVNULL, check=True)
        env = dict(os.environ, PYPYLOG="jit-log-opt,jit-backend-counts,jit-summary:" + pypy)
        subprocess.run(["pypy3", src], cwd=args.bench_dir, env=env, stdout=subprocess.DEVNULL, check=True)
        print(f"logged {prog}", file=sys.stderr)
    table(os.path.join(args.out, "ours"), os.path.join(args.out, "pypy"), args.programs)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    for d in ("ours", "pypy"):
        s = sub.add_parser(d)
        s.add_argument("log")
        s.add_argument("--top", type=int, default=5)
        s.add_argument("--show", action="store_true")
        s.add_argument("--loop")
    s = sub.add_parser("table")
    s.add_argument("ours_dir")
    s.add_argument("pypy_dir")
    s.add_argument("programs", nargs="*")
    s.add_argument("--loop", action="append", default=[],
                   help="PROGRAM:ours|pypy:TEXT, pick the loop whose name contains TEXT on that side")
    s.add_argument("--per", action="append", default=[],
                   help="PROGRAM:N, count all compiled code of PROGRAM per N units (e.g. its number "
                        "of Python calls) instead of its hottest loop per iteration")
    s = sub.add_parser("collect")
    s.add_argument("--pyguest", required=True)
    s.add_argument("--bench-dir", required=True)
    s.add_argument("--out", required=True)
    s.add_argument("programs", nargs="*")
    args = ap.parse_args(argv)
    if args.cmd in ("ours", "pypy"):
        report(args.cmd, args.log, args.top, args.show, args.loop)
    elif args.cmd == "table":
        progs = args.programs or sorted(f[:-6] for f in os.listdir(args.ours_dir) if f.endswith(".jsonl"))
        picks = {}
        for spec in args.loop:
            prog, who, text = spec.split(":", 2)
            picks[(prog, who)] = text
        per = dict((spec.split(":")[0], int(spec.split(":")[1])) for spec in args.per)
        table(args.ours_dir, args.pypy_dir, progs, picks, per)
    else:
        args.programs = args.programs or sorted(
            p[:-3] for p in os.listdir(args.bench_dir) if p.endswith(".py"))
        collect(args)


if __name__ == "__main__":
    main()
