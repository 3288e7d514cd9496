#!/usr/bin/env bash
# pyguest's JIT against its interpreter: every program of the shared corpus (conformance and
# bench), of pyguest/tests/programs and of the stdlib programs runs with the JIT in several
# modes and must print exactly what it prints with `--jit off` (same stdout, same exit status):
#   on                      the default (threshold 1000)
#   threshold=1             every loop traced at once (the most traces, bridges and re-entries)
#   threshold=3,fail_guards=1           every guard fails (deoptimization everywhere)
#   threshold=3,fail_guards_random=N    one random guard per trace fails (two seeds)
# and a `fail_guard=K` sweep (each guard index in turn, with and without bridges) over a few
# loop-heavy programs, including the one that changes types and shapes mid-loop.
# Needs `cargo build --release -p pyguest` first. Runs two programs at a time.
# Usage: .ci/pyguest-jit.sh [JOBS]
set -uo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
jobs="${1:-2}"
list=$(mktemp)
refs=$(mktemp -d)
trap 'rm -rf "$list" "$refs"' EXIT

progs=$(ls ../shared/pycorpus/conformance/*.py ../shared/pycorpus/bench/*.py \
  pyguest/tests/programs/*.py pyguest/tests/programs/stdlib/lib_*.py \
  pyguest/tests/programs/stdlib/app_*.py 2>/dev/null)
# (mode by mode: the two runs going at once are of different programs, some of which write
# files next to themselves)
for jit in on threshold=1 threshold=3,fail_guards=1 threshold=3,fail_guards_random=7 \
  threshold=3,fail_guards_random=12345; do
  for p in $progs; do
    echo "$p $jit"
  done
done >> "$list"
for p in pyguest/tests/programs/jit_shape_changes.py ../shared/pycorpus/bench/int_loops.py \
  ../shared/pycorpus/bench/spectral_norm.py; do
  for k in $(seq 0 11); do
    echo "$p threshold=3,trace_eagerness=2,fail_guard=$k"
    echo "$p threshold=3,trace_eagerness=100000,fail_guard=$k"
  done
done >> "$list"

# stdout and exit status of one run, as a checksum
sum_of() {
  prog=$1 jit=$2
  dir=$(dirname "$prog"); n=$(basename "$prog")
  { cd "$dir" && COLUMNS= timeout 600 "$root/target/release/pyguest" --jit "$jit" "$n" 2>/dev/null; echo "exit $?"; } | md5sum
}
ref_one() {
  sum_of "$1" off > "$refs/$(echo "$1" | md5sum | cut -c1-32)"
}
run_one() {
  prog=$1 jit=$2
  start=$(date +%s)
  want=$(cat "$refs/$(echo "$prog" | md5sum | cut -c1-32)")
  got=$(sum_of "$prog" "$jit")
  if [ "$want" = "$got" ]; then r=ok; else r=FAIL; fi
  echo "$r $prog --jit $jit ($(( $(date +%s) - start )) s)"
}
export -f run_one ref_one sum_of
export root refs

start=$(date +%s)
cut -d' ' -f1 "$list" | sort -u | xargs -P "$jobs" -L 1 bash -c 'ref_one "$@"' _
out=$(xargs -P "$jobs" -L 1 bash -c 'run_one "$@"' _ < "$list")
echo "$out" | grep -v '^ok ' || true
echo "slowest runs:"
echo "$out" | sed -n 's/.*(\([0-9]*\) s)$/\1 &/p' | sort -rn | head -5 | cut -d' ' -f2- | sed 's/^/  /'
total=$(echo "$out" | wc -l)
bad=$(echo "$out" | grep -c '^FAIL ' || true)
echo "pyguest JIT modes: $((total - bad)) of $total runs print what --jit off prints, $(( $(date +%s) - start )) s"
[ "$bad" -eq 0 ]
