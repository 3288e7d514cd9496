#!/usr/bin/env bash
# Times every pycorpus benchmark with pyguest and python3, alternating, median of 3 wall times,
# plus max RSS; and start-up (`-c pass`). Prints a markdown table.
# usage: benches/scripts/compare.sh PYGUEST [CORPUS_DIR]
set -u
PG=${1:-target/release/pyguest}
CORPUS=${2:-../shared/pycorpus}
t() { /usr/bin/time -f "%e %M" "$@" > /dev/null 2> /tmp/compare_time.$$ ; tail -1 /tmp/compare_time.$$; }
med() { printf "%s\n" "$@" | sort -n | sed -n 2p; }
echo "| benchmark | pyguest (s) | python3 (s) | ratio | pyguest max RSS (MB) | python3 max RSS (MB) |"
echo "|---|---:|---:|---:|---:|---:|"
logsum=0; n=0
for f in "$CORPUS"/bench/*.py; do
  name=$(basename "$f" .py)
  pa=(); pb=(); ma=(); mb=()
  for i in 1 2 3; do
    read -r a am < <(t "$PG" "$f"); pa+=("$a"); ma+=("$am")
    read -r b bm < <(t python3 "$f"); pb+=("$b"); mb+=("$bm")
  done
  A=$(med "${pa[@]}"); B=$(med "${pb[@]}")
  AM=$(med "${ma[@]}"); BM=$(med "${mb[@]}")
  r=$(python3 -c "print(f'{$A/$B:.2f}')")
  logsum=$(python3 -c "import math; print($logsum + math.log($A/$B))"); n=$((n+1))
  echo "| $name | $A | $B | $r | $((AM/1024)) | $((BM/1024)) |"
done
echo
echo "geometric mean of ratios (pyguest/python3): $(python3 -c "import math; print(f'{math.exp($logsum/$n):.2f}')")"
pa=(); pb=(); pc=()
for i in 1 2 3 4 5; do
  read -r a _ < <(t "$PG" -c pass); pa+=("$a")
  read -r b _ < <(t python3 -c pass); pb+=("$b")
  if command -v pypy3 >/dev/null; then read -r c _ < <(t pypy3 -c pass); pc+=("$c"); fi
done
echo "start-up (-c pass, median of 5): pyguest $(printf "%s\n" "${pa[@]}" | sort -n | sed -n 3p) s, python3 $(printf "%s\n" "${pb[@]}" | sort -n | sed -n 3p) s${pc:+, pypy3 $(printf "%s\n" "${pc[@]}" | sort -n | sed -n 3p) s}"
rm -f /tmp/compare_time.$$
