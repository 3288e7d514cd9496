#!/usr/bin/env bash
# Check pyguest/lib against CPython: run each program in pyguest/tests/programs/stdlib that uses the
# lib modules under CPython with pyguest's modules shadowing the stdlib, and compare stdout
# with the .expected file (which real python3 produced; a program whose first line starts with
# '# pyguest-only' has pyguest's own output as .expected and is skipped here).
# Usage: check_lib_cpython.sh [NAME...]
set -u
cd "$(dirname "$0")/programs/stdlib"
fail=0
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
    names=($(ls lib_*.py app_*.py 2>/dev/null | sed 's/\.py$//'))
fi
for n in "${names[@]}"; do
    # programs whose expected output is pyguest's own (lib_dis: pyguest's bytecode)
    if head -1 "$n.py" | grep -q '^# pyguest-only'; then
        echo "skip $n (pyguest-only)"
        continue
    fi
    if COLUMNS= python3 -I -S ../../cpython_with_lib.py "$n.py" 2>/dev/null | diff -q "$n.expected" - >/dev/null; then
        echo "ok   $n"
    else
        echo "FAIL $n"
        fail=1
    fi
done
exit $fail
