#!/usr/bin/env bash
# Run every lib_*/app_* program in pyguest/tests/programs/stdlib under a pyguest binary and compare
# stdout with NAME.expected (produced by CPython 3.11). Programs listed in known_failures.txt
# are reported as "xfail" (and "XPASS" if they unexpectedly pass); any other mismatch fails.
# Usage: pyguest/tests/run_programs.sh [PYGUEST_BINARY] [NAME...]
# PYGUEST_TIMEOUT: seconds per program (default 120; raise it under METATRACER_GC_STRESS=1).
set -u
here="$(cd "$(dirname "$0")" && pwd)"
bin="${1:-$here/../../target/release/pyguest}"
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
shift || true
cd "$here/programs/stdlib"
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
    names=($(ls lib_*.py app_*.py | sed 's/\.py$//'))
fi
fail=0; pass=0; xfail=0
for n in "${names[@]}"; do
    known=$(grep -E "^$n( |$)" known_failures.txt 2>/dev/null)
    if COLUMNS= timeout "${PYGUEST_TIMEOUT:-120}" "$bin" "$n.py" 2>/dev/null | diff -q "$n.expected" - >/dev/null; then
        if [ -n "$known" ]; then echo "XPASS $n (remove it from known_failures.txt)"; else echo "ok    $n"; fi
        pass=$((pass + 1))
    elif [ -n "$known" ]; then
        echo "xfail $n"; xfail=$((xfail + 1))
    else
        echo "FAIL  $n"; fail=$((fail + 1))
    fi
done
echo "passed $pass, expected failures $xfail, failed $fail"
[ $fail -eq 0 ]
