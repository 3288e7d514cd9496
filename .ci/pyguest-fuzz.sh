#!/usr/bin/env bash
# Bounded runs of pyguest's two fuzzers on the release binary (pyguest/tests/fuzz):
# random programs diffed against CPython, and mutated sources through the parser and
# compiler (no crash, panic or hang allowed). Longer runs: --seeds 5000 / --cases 100000.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 pyguest/tests/fuzz/diff_cpython.py --seeds "${FUZZ_SEEDS:-400}" --jobs 2
python3 pyguest/tests/fuzz/fuzz_compile.py --cases "${FUZZ_CASES:-1000}"
