#!/usr/bin/env python3
"""Fuzzes pyguest's parser and compiler: they must never panic, crash or hang on any source.

    python3 pyguest/tests/fuzz/fuzz_compile.py [--cases N] [--seed S] [--pyguest PATH]
        [--batch B] [--timeout T] [--keep DIR]

Sources are mutants of real programs (pyguest/tests/programs and the shared corpus): bytes
and tokens deleted, duplicated, swapped or inserted, lines truncated, brackets and indents
broken, plus generated stress shapes (deep nesting of parentheses, lambdas, lists, `if`
blocks and unary operators; long operator chains; stray bytes and invalid UTF-8). A batch of
sources is written to a file and compiled by pyguest itself with the built-in `compile()` in
one process (`driver.py` below), so no mutant is ever run. A batch whose process dies, panics
or times out is bisected down to the one source that does it, which is saved to --keep.

The outcome (accepted, SyntaxError, or another exception's type) is also compared with
CPython's for each source; a difference is reported but is not a failure (CPython's parser
is the reference for *which* programs are valid, and pyguest's front end is a different
parser: the count of differences is printed so it can be watched).

Exit status 0 when no source crashed pyguest. Bounded in CI (.ci/run); `--cases 100000` is
the long mode.
"""

import argparse
import glob
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))

DRIVER = r'''
import sys, json
with open(sys.argv[1]) as f:
    sources = json.load(f)
for src in sources:
    try:
        compile(src, "<fuzz>", "exec")
        out = "ok"
    except SyntaxError:
        out = "SyntaxError"
    except Exception as e:
        out = type(e).__name__
    print(out, flush=True)
'''

TOKENS = ["(", ")", "[", "]", "{", "}", ":", ",", ".", ";", "=", "==", "+", "-", "*", "**", "/",
          "//", "%", "@", "<<", ">>", "->", ":=", "lambda", "def", "class", "if", "else", "elif",
          "for", "while", "in", "not", "and", "or", "is", "return", "yield", "await", "async",
          "try", "except", "finally", "with", "as", "global", "nonlocal", "del", "pass",
          "break", "continue", "raise", "from", "import", "f'{", "}'", "'", '"', '"""', "\\",
          "\n", "\t", "    ", "#", "0x", "1e", "1_000", "0b2", "\x00", "\u00e9", "\ud800",
          "*args", "**kw", "x", "1", "None", "...", "match", "case", "_"]


def seeds():
    files = glob.glob(os.path.join(HERE, "..", "programs", "*.py"))
    files += glob.glob(os.path.join(HERE, "..", "..", "..", "..", "shared", "pycorpus", "*", "*.py"))
    out = []
    for f in sorted(files):
        with open(f, encoding="utf-8", errors="replace") as fh:
            out.append(fh.read())
    return out or ["x = 1\nprint(x)\n"]


def stress(r):
    n = r.choice([10, 100, 1000, 5000, 20000])
    shapes = [
        "(" * n + "1" + ")" * n,
        "[" * n + "]" * n,
        "x = " + "-" * n + "1",
        "f = " + "lambda: " * n + "1",
        "".join("    " * i + "if x:\n" for i in range(min(n, 200))) + "    " * min(n, 200) + "pass\n",
        "x = " + " + ".join(["1"] * n),
        "x = " + "not " * n + "1",
        "x = " + "a." * n + "b",
        "x = " + "{" * n + "}" * n,
        "f(" * n + ")" * n,
        "x = '" + "\\" * (n % 7) + "'",
    ]
    return r.choice(shapes)


def mutate(src, r):
    if r.random() < 0.15:
        return stress(r)
    s = src
    for _ in range(r.randint(1, 6)):
        if not s:
            s = r.choice(TOKENS)
        i = r.randrange(len(s) + 1)
        j = min(len(s), i + r.randint(0, 40))
        op = r.random()
        if op < 0.25:
            s = s[:i] + s[j:]  # delete a span
        elif op < 0.45:
            s = s[:i] + r.choice(TOKENS) + s[i:]  # insert a token
        elif op < 0.6:
            s = s[:i] + s[i:j] * r.randint(2, 5) + s[j:]  # duplicate a span
        elif op < 0.7:
            k = r.randrange(len(s) + 1)
            a, b = sorted((i, k))
            s = s[:a] + s[b:j] + s[a:b] + s[j:] if b < j else s  # swap spans
        elif op < 0.8:
            lines = s.split("\n")
            li = r.randrange(len(lines))
            lines[li] = lines[li][: r.randint(0, len(lines[li]))]  # truncate a line
            s = "\n".join(lines)
        elif op < 0.9:
            s = s[:i] + chr(r.choice([0, 1, 0xFEFF, 0x85, 0x2028, 0xD800, 0x10FFFF, 0x7F])) + s[i:]
        else:
            s = s[: r.randrange(len(s) + 1)]  # truncate the file
    return s


def run_batch(pyguest, sources, timeout, workdir):
    """(outcomes or None, reason): None when the process crashed, panicked or timed out."""
    path = os.path.join(workdir, "batch.json")
    with open(path, "w") as f:
        json.dump(sources, f)
    try:
        p = subprocess.run([pyguest, os.path.join(workdir, "driver.py"), path],
                           capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, f"timeout after {timeout} s"
    err = p.stderr.decode("utf-8", "replace")
    lines = p.stdout.decode("utf-8", "replace").split()
    if p.returncode != 0 or "panicked" in err or len(lines) != len(sources):
        last = err.strip().splitlines()[-1] if err.strip() else ""
        return None, f"exit status {p.returncode}: {last[:200]}"
    return lines, ""


def cpython_outcome(src):
    try:
        compile(src, "<fuzz>", "exec")
        return "ok"
    except SyntaxError:
        return "SyntaxError"
    except Exception as e:
        return type(e).__name__


def isolate(pyguest, sources, timeout, workdir):
    """The sources of a failing batch that fail on their own."""
    if len(sources) == 1:
        return sources
    mid = len(sources) // 2
    bad = []
    for half in (sources[:mid], sources[mid:]):
        if run_batch(pyguest, half, timeout, workdir)[0] is None:
            bad += isolate(pyguest, half, timeout, workdir)
    return bad


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--batch", type=int, default=250)
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--pyguest", default=os.path.join(HERE, "../../../target/release/pyguest"))
    ap.add_argument("--keep", default="/tmp/pyguest-fuzz-compile")
    args = ap.parse_args()
    pyguest = os.path.abspath(args.pyguest)
    os.makedirs(args.keep, exist_ok=True)
    warnings.simplefilter("ignore")  # CPython's SyntaxWarnings about the mutants
    r = random.Random(args.seed)
    base = seeds()
    start = time.time()
    crashes, differ, done = [], 0, 0
    with tempfile.TemporaryDirectory() as work:
        with open(os.path.join(work, "driver.py"), "w") as f:
            f.write(DRIVER)
        while done < args.cases:
            n = min(args.batch, args.cases - done)
            batch = [mutate(r.choice(base), r) for _ in range(n)]
            outcomes, why = run_batch(pyguest, batch, args.timeout, work)
            if outcomes is None:
                for src in isolate(pyguest, batch, args.timeout, work):
                    _, why1 = run_batch(pyguest, [src], args.timeout, work)
                    path = os.path.join(args.keep, f"crash-{args.seed}-{done}-{len(crashes)}.py.json")
                    with open(path, "w") as f:
                        json.dump(src, f)
                    crashes.append((path, why1 or why))
                    print(f"CRASH {path}: {why1 or why}", flush=True)
            else:
                differ += sum(o != cpython_outcome(s) for o, s in zip(outcomes, batch))
            done += n
    print(f"{done} sources compiled, {len(crashes)} crashed pyguest, "
          f"{differ} outcomes differ from CPython's compile() ({time.time() - start:.1f} s)")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
