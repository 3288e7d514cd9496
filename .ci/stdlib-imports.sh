#!/usr/bin/env bash
# How many of CPython's pure-Python top-level stdlib modules import under the release pyguest
# (benches/scripts/stdlib_imports.py, about 5 s). Runs only when the python3 on PATH is
# CPython 3.11, whose Lib the count is about; fails if the count drops below MIN_MODULES
# (raise it as modules start to import; docs/compatibility.md has the current figure).
set -euo pipefail
cd "$(dirname "$0")/.."
MIN_MODULES=146
if ! python3 -c 'import sys; sys.exit(not (sys.implementation.name == "cpython" and sys.version_info[:2] == (3, 11)))'; then
  echo "skipped: python3 is not CPython 3.11"; exit 0
fi
out=$(mktemp)
python3 benches/scripts/stdlib_imports.py --pyguest "${PYGUEST:-target/release/pyguest}" --packages | tee "$out"
n=$(sed -n 's/^## Top-level modules: \([0-9]*\) of .*/\1/p' "$out")
rm -f "$out"
if [ -z "$n" ] || [ "$n" -lt "$MIN_MODULES" ]; then
  echo "stdlib imports: ${n:-?} modules import, fewer than the $MIN_MODULES expected"; exit 1
fi
echo "stdlib imports: $n modules import (minimum $MIN_MODULES)"
