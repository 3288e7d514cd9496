#!/bin/sh
# Long mode of the randomised differential test (examples/tiny/tests/random_programs.rs):
# N random programs (default 10000) with the JIT off, on, threshold=1 and
# fail_guards_random=SEED, in release. Usage: .ci/random-programs.sh [N] [FIRST_SEED]
# Programs include callbacks into the interpreter (re-entrant JIT); RANDOM_PROGRAMS_CALLBACKS=0
# leaves them out.
set -eu
cd "$(dirname "$0")/.."
N="${1:-10000}"
SEED="${2:-1}"
start=$(date +%s)
RANDOM_PROGRAMS="$N" RANDOM_SEED="$SEED" \
    cargo test --release -p tiny --test random_programs -- --nocapture \
    random_programs_agree_with_the_jit_off_on_and_failing_guards
echo "random programs: $N from seed $SEED passed in $(( $(date +%s) - start )) s (build included)"
