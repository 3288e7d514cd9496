#!/usr/bin/env bash
# A cargo test runner that runs the test executables of one package and skips the others:
#   cargo test --workspace --lib --bins --tests \
#     --config "target.'cfg(all())'.runner = ['$PWD/.ci/only-package.sh', 'PACKAGE']"
# Cargo calls it as `only-package.sh PACKAGE EXECUTABLE ARGS...` with the executable's package
# in CARGO_PKG_NAME. Used by .ci/run to rerun the framework's tests under GC stress with the
# executables `cargo test --workspace` already built: `cargo test -p metatracer` would resolve
# the dependencies' features for the framework alone (no `jit` feature; other features of
# syn, libc, serde) and compile the framework, its macros and those crates again.
set -euo pipefail
want=$1
shift
if [ "${CARGO_PKG_NAME:-}" = "$want" ]; then
  exec "$@"
fi
echo "(skipped: package ${CARGO_PKG_NAME:-?} is not $want)"
