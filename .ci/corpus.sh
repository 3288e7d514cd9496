#!/usr/bin/env bash
# Runs ../shared/pycorpus on the release pyguest. Fails on any failing program that is not listed
# in .ci/corpus-known-failures (one program name per line; the list must shrink to empty).
set -uo pipefail
cd "$(dirname "$0")/.."
corpus="${PYCORPUS:-../shared/pycorpus}"
if [ ! -x "$corpus/run.sh" ] && [ ! -f "$corpus/run.sh" ]; then
  echo "corpus not found at $corpus"; exit 1
fi
out=$(mktemp)
bash "$corpus/run.sh" "$PWD/target/release/pyguest run" all | tee "$out"
known=.ci/corpus-known-failures
bad=0
while read -r name; do
  if ! grep -qxF "$name" "$known" 2>/dev/null; then
    echo "unexpected corpus failure: $name"; bad=1
  fi
done < <(grep '^FAIL ' "$out" | awk '{print $2}')
rm -f "$out"
exit $bad
