#!/usr/bin/env bash
# GC stress run of the examples and pyguest program suites on the release binaries: every
# program runs with METATRACER_GC_STRESS=1 (a collection at every allocation, which moves every
# unpinned young object; every 64th collection is major; vacated memory is poisoned) and must
# print exactly what it prints without stress (toy languages, in every JIT mode of their
# differential tests, plus forced random guard failures: the JIT's own references must be roots)
# or what CPython printed (pyguest's .expected files; with the JIT on, and its test programs also
# with every loop traced at once and random guard failures).
# Needs `cargo build --release --workspace --bins` first. Runs two programs at a time.
# Usage: .ci/stress.sh [JOBS]   (about 4 minutes on a 2-core machine)
set -uo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
jobs="${1:-2}"
list=$(mktemp)
trap 'rm -f "$list"' EXIT

# One line per run: KIND PROGRAM [JIT-SPEC]
for p in examples/tiny/programs/*.tiny; do
  for jit in off on threshold=3 threshold=3,trace_eagerness=2 threshold=1000,fail_guards=1 threshold=3,fail_guards_random=5; do
    echo "tiny $p $jit"
  done
done >> "$list"
for p in examples/brainfuck/programs/*.b; do
  for jit in off on threshold=3 threshold=3,trace_eagerness=2 threshold=1000,fail_guards=1 threshold=3,fail_guards_random=5; do
    echo "brainfuck $p $jit"
  done
done >> "$list"
for p in pyguest/tests/programs/*.py pyguest/tests/stress/*.py; do
  echo "py $p on"
done >> "$list"
# (with every loop traced at once and random guard failures: the JIT's references under stress)
for p in pyguest/tests/programs/*.py; do
  echo "py $p threshold=1,fail_guards_random=5"
done >> "$list"
for p in pyguest/tests/programs/stdlib/lib_*.py pyguest/tests/programs/stdlib/app_*.py; do
  n=$(basename "$p" .py)
  grep -qE "^$n( |$)" pyguest/tests/programs/stdlib/known_failures.txt 2>/dev/null && continue
  echo "py $p"
done >> "$list"

run_one() {
  kind=$1 prog=$2 jit=${3:-}
  start=$(date +%s)
  case $kind in
    tiny|brainfuck)
      want=$("$root/target/release/$kind" --jit "$jit" "$prog" | md5sum)
      got=$(METATRACER_GC_STRESS=1 timeout 600 "$root/target/release/$kind" --jit "$jit" "$prog" | md5sum)
      ;;
    py)
      dir=$(dirname "$prog"); n=$(basename "$prog" .py)
      want=$(md5sum < "$dir/$n.expected")
      # (recursion_native recurses natively to the re-entry limit, which leaves ~1.6 GB that
      # every collection scans conservatively, and builds four 100,000-deep structures that
      # every 64th collection marks: quadratic under full stress, so it collects at every 16th
      # allocation; docs/gc.md, "CI stress stages")
      every=1
      case $n in recursion_native) every=16 ;; esac
      got=$(cd "$dir" && COLUMNS= METATRACER_GC_STRESS=1 METATRACER_GC_STRESS_EVERY=$every timeout 600 "$root/target/release/pyguest" --jit "${jit:-on}" "$n.py" 2>/dev/null | md5sum)
      ;;
  esac
  if [ "$want" = "$got" ]; then r=ok; else r=FAIL; fi
  echo "$r $kind $prog $jit ($(( $(date +%s) - start )) s)"
}
export -f run_one
export root

start=$(date +%s)
out=$(xargs -P "$jobs" -L 1 bash -c 'run_one "$@"' _ < "$list")
echo "$out" | grep -v '^ok ' || true
echo "slowest runs:"
echo "$out" | sed -n 's/.*(\([0-9]*\) s)$/\1 &/p' | sort -rn | head -5 | cut -d' ' -f2- | sed 's/^/  /'
total=$(echo "$out" | wc -l)
bad=$(echo "$out" | grep -c '^FAIL ' || true)
echo "GC stress: $((total - bad)) of $total runs match, $(( $(date +%s) - start )) s"
[ "$bad" -eq 0 ]
