#!/usr/bin/env bash
# Browser test of the trace viewer: a small Tiny run with bridges is logged as JSON, turned
# into a report by metatracer-view, and loaded in headless Chromium; the checks read the DOM
# after the page's script ran (what a person sees: the loop list, a trace's guest positions,
# a guard's bridge link that leads to the bridge) and take a screenshot. A second run, with
# bridges and a forced guard failure in every trace (`fail_guard=0`), checks the counters the
# machine code keeps: bridge runs, loop iterations and guard failures that never came back to
# the interpreter (each guard with a bridge failed as often as its bridge ran, plus the
# failures before the bridge was attached).
# Needs Debian's `chromium` (installed here if missing) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
    echo "== installing chromium (Debian package)"
    SUDO=""
    if [ "$(id -u)" != 0 ]; then
        if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
            echo "viewer.sh: chromium is missing and this user cannot install packages (not root, no sudo)" >&2
            exit 1
        fi
    fi
    if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium; }; then
        echo "viewer.sh: could not install the Debian package 'chromium' (apt-get failed); the browser test needs it" >&2
        exit 1
    fi
    command -v chromium >/dev/null 2>&1 || { echo "viewer.sh: chromium still not on PATH after installing it" >&2; exit 1; }
fi

profile=${VIEWER_PROFILE:-release}
if [ "$profile" = release ]; then flag=--release; else flag=; fi
# (`--workspace --bin`: features resolved for the whole workspace, as `.ci/run`'s `cargo build
# --release --workspace --bins` resolved them, so after it this builds nothing; `-p tiny -p
# metatracer-view` would resolve other features of libc and serde and build the framework,
# tiny and the viewer again)
cargo build $flag -q --workspace --bin tiny --bin metatracer-view
bin=target/$profile

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
METATRACER_LOG="json:$work/run.jsonl" "$bin/tiny" --jit threshold=3,trace_eagerness=2 \
    examples/tiny/programs/basics.tiny > "$work/out.txt"
"$bin/metatracer-view" "$work/run.jsonl" -o "$work/report.html"
METATRACER_LOG="json:$work/forced.jsonl" "$bin/tiny" --jit threshold=3,trace_eagerness=2,fail_guard=0 \
    examples/tiny/programs/basics.tiny > "$work/out-forced.txt"
cmp -s "$work/out.txt" "$work/out-forced.txt" || { echo "viewer.sh: fail_guard=0 changed the output" >&2; exit 1; }
"$bin/metatracer-view" "$work/forced.jsonl" -o "$work/forced.html"

browse() {
    local page=$1; shift
    timeout 120 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$work/profile" \
        --virtual-time-budget=2000 "$@" "file://$work/$page" 2>"$work/chromium.err"
}
browse report.html --dump-dom > "$work/dom.html" || { cat "$work/chromium.err" >&2; exit 1; }
browse forced.html --dump-dom > "$work/dom-forced.html" || { cat "$work/chromium.err" >&2; exit 1; }
browse report.html --screenshot="$work/shot.png" --window-size=1280,1600 >/dev/null || { cat "$work/chromium.err" >&2; exit 1; }

python3 - "$work/dom.html" "$work/shot.png" "$work/dom-forced.html" <<'PY'
import re, sys
from html.parser import HTMLParser

dom_file, shot, forced_file = sys.argv[1], sys.argv[2], sys.argv[3]

class Dom(HTMLParser):
    """Collects elements (tag, attrs, text inside) in document order."""
    def __init__(self):
        super().__init__()
        self.stack, self.elems = [], []
    def handle_starttag(self, tag, attrs):
        e = {"tag": tag, "attrs": dict(attrs), "text": ""}
        self.elems.append(e)
        if tag not in ("meta", "input", "br", "img", "link"):
            self.stack.append(e)
    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()["tag"] == tag:
                break
    def handle_data(self, data):
        for e in self.stack:
            e["text"] += data

def load(f):
    d = Dom()
    d.feed(open(f, encoding="utf-8").read())
    return d.elems
E = load(dom_file)
def cls(e): return e["attrs"].get("class", "").split()

passed, failed = 0, 0
def check(what, ok):
    global passed, failed
    print(("ok    " if ok else "FAIL  ") + what)
    if ok: passed += 1
    else: failed += 1

body = [e for e in E if e["tag"] == "body"]
check("the page's script ran (body[data-ready])", bool(body) and body[0]["attrs"].get("data-ready") == "1")
status = [e for e in E if e["attrs"].get("id") == "status"]
check("the header says how many loops and bridges were compiled",
      bool(status) and re.fullmatch(r"[1-9]\d* loops?, [1-9]\d* bridges? compiled", status[0]["text"].strip()) is not None)
rows = [e for e in E if e["tag"] == "tr" and "trace-row" in cls(e)]
check("the loop list has loop rows", any(r["attrs"].get("data-kind") == "loop" for r in rows))
check("the loop list has bridge rows", any(r["attrs"].get("data-kind") == "bridge" for r in rows))
check("loop rows show a guest position", any(re.search(r"\w+ pc \d+: ", r["text"]) for r in rows))
locs = [e["text"] for e in E if "loc" in cls(e)]
check("traces show their ops under Tiny's source positions (fib pc N: ...)",
      any(re.fullmatch(r"fib pc \d+: \w.*", l) for l in locs))
sections = {e["attrs"]["id"] for e in E if e["tag"] == "section" and "trace" in cls(e)}
links = [e for e in E if e["tag"] == "a" and "bridge-link" in cls(e)]
check("a guard has a bridge link", bool(links))
check("every bridge link leads to a bridge section on the page",
      bool(links) and all(l["attrs"]["href"].lstrip("#") in sections for l in links))
guards = [e for e in E if "guard" in cls(e) and e["attrs"].get("id", "").startswith("t")]
check("guards show their failure counts", any(re.search(r"guard \d+ · \d+ failures", g["text"]) for g in guards))
asm = [e for e in E if e["tag"] == "details" and "asm" in cls(e)]
check("assembly is there, folded", bool(asm) and all("open" not in a["attrs"] for a in asm))
png = open(shot, "rb").read()
check("the screenshot is a PNG of some size", png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20000)

# --- the run with bridges and forced guard failures: the machine code's counters
F = load(forced_file)
frows = {r["attrs"]["data-trace"]: r for r in F if r["tag"] == "tr" and "trace-row" in cls(r)}
def cell(row, c):
    tds = [e for e in F if e["tag"] == "td" and c in cls(e) and e in row_cells[row["attrs"]["data-trace"]]]
    return tds[0]["text"].strip() if tds else ""
# cells of each row, in document order (the parser keeps no tree; rows hold their cells)
row_cells, current = {}, None
for e in F:
    if e["tag"] == "tr" and "trace-row" in cls(e):
        current = e["attrs"]["data-trace"]; row_cells[current] = []
    elif e["tag"] == "tr":
        current = None
    elif e["tag"] == "td" and current is not None:
        row_cells[current].append(e)
fbridges = [r for r in frows.values() if r["attrs"].get("data-kind") == "bridge"]
floops = [r for r in frows.values() if r["attrs"].get("data-kind") == "loop"]
check("forced run: bridges were made", len(fbridges) >= 2)
check("forced run: every bridge row shows how often the bridge ran (counted in machine code)",
      bool(fbridges) and all(cell(r, "entries").isdigit() and int(cell(r, "entries")) > 0 for r in fbridges))
check("forced run: loop rows show their iterations, more than their entries",
      bool(floops) and all(cell(r, "iterations").isdigit() for r in floops)
      and any(int(cell(r, "iterations")) > int(cell(r, "entries")) for r in floops))
# each bridge: its guard's failures = failures before the bridge (to the interpreter) + runs
consistent = 0
for b in fbridges:
    sec = [e for e in F if e["tag"] == "section" and e["attrs"].get("id") == "trace-" + b["attrs"]["data-trace"]]
    m = re.search(r"guard (\d+) of trace (\d+) after (\d+) failures", sec[0]["text"]) if sec else None
    if not m:
        continue
    g, p, before = m.group(1), m.group(2), int(m.group(3))
    span = [e for e in F if e["attrs"].get("id") == f"t{p}-g{g}"]
    gm = re.search(r"guard \d+ · (\d+) failures \((\d+) to the interpreter\)", span[0]["text"]) if span else None
    runs = int(cell(b, "entries"))
    if gm and int(gm.group(2)) == before and int(gm.group(1)) == before + runs:
        consistent += 1
check(f"forced run: each guard with a bridge failed (failures before it) + (bridge runs) times ({consistent}/{len(fbridges)})",
      bool(fbridges) and consistent == len(fbridges))
check("forced run: a forced guard 0 shows its failures",
      any(re.search(r"guard 0 · \d+ failures", e["text"]) for e in F if e["attrs"].get("id", "").endswith("-g0")))
print(f"viewer browser test: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
