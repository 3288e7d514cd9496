#!/usr/bin/env bash
# pyguest's REPL in a real terminal: tmux runs `pyguest` with no program (and `pyguest -i -c
# ...`), send-keys types entries, capture-pane reads the screen. Checked: an expression's value
# is echoed and `_` set, a multi-line `def` with continuation prompts, brackets continued on
# the next line, a traceback that does not end the session, line editing (cursor keys), history
# recall (Up), Ctrl-C dropping a half-typed entry, `sys.exit(3)` ending it with status 3, and
# `-i` entering the REPL after the program. Installs tmux with apt-get when it is missing.
# Needs a built pyguest (PYGUEST, default target/release/pyguest).
set -euo pipefail
cd "$(dirname "$0")/.."
PYGUEST="${PYGUEST:-$PWD/target/release/pyguest}"
if ! command -v tmux >/dev/null; then
  apt-get update -qq && apt-get install -y -qq tmux >/dev/null
fi
sock="pyguest-repl-$$"
home=$(mktemp -d)
cleanup() { tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$home"; }
trap cleanup EXIT

screen() { tmux -L "$sock" capture-pane -p -J -S -200 -t "$1"; }
# waits (up to 15 s) until session $1's screen has a line equal to $2
wait_line() {
  for _ in $(seq 150); do
    if screen "$1" | grep -qxF -- "$2"; then return 0; fi
    sleep 0.1
  done
  echo "REPL test FAILED: no line '$2' in session $1; the screen:"
  screen "$1"
  exit 1
}
# waits until session $1's last non-blank line is the prompt $2 (`>>>` or `...`): typing
# ahead of a prompt races with the line editor's terminal queries
wait_prompt() {
  for _ in $(seq 150); do
    if [ "$(screen "$1" | sed 's/[[:space:]]*$//' | grep -v '^$' | tail -n 1)" = "$2" ]; then return 0; fi
    sleep 0.1
  done
  echo "REPL test FAILED: no prompt '$2' in session $1; the screen:"
  screen "$1"
  exit 1
}
# the number of lines of session $1's screen equal to $2
count_lines() { screen "$1" | grep -cxF -- "$2" || true; }
type_line() { tmux -L "$sock" send-keys -t "$1" -l -- "$2"; tmux -L "$sock" send-keys -t "$1" Enter; }
keys() { local s=$1; shift; tmux -L "$sock" send-keys -t "$s" "$@"; }
start() { # session name, then the pyguest command line
  local s=$1; shift
  tmux -L "$sock" new-session -d -s "$s" -x 150 -y 60 \
    "env HOME=$home TERM=xterm $PYGUEST $*; echo EXIT-STATUS=\$?; sleep 60"
}

start a
wait_prompt a '>>>'
type_line a '6 * 7'
wait_line a '42'
wait_prompt a '>>>'
type_line a '_ + 1'
wait_line a '43'
wait_prompt a '>>>'
type_line a 'def f(n):'
wait_prompt a '...'
type_line a '    return n + 100'
wait_prompt a '...'
keys a Enter
wait_prompt a '>>>'
type_line a 'f(1)'
wait_line a '101'
wait_prompt a '>>>'
type_line a 'x = (1,'
wait_prompt a '...'
type_line a '2)'
wait_prompt a '>>>'
type_line a 'x'
wait_line a '(1, 2)'
wait_prompt a '>>>'
type_line a '1/0'
wait_line a 'ZeroDivisionError: division by zero'
wait_prompt a '>>>'
type_line a "'still' + ' alive'"
wait_line a "'still alive'"
wait_prompt a '>>>'
# line editing: type print('ac'), move left over `')` and the c, insert b
keys a -l "print('ac')"
keys a Left Left Left b Enter
wait_line a 'abc'
wait_prompt a '>>>'
# history: Up recalls the previous entry
type_line a "print('hist' + 'ory')"
wait_line a 'history'
wait_prompt a '>>>'
keys a Up
sleep 0.3
keys a Enter
for _ in $(seq 50); do [ "$(count_lines a history)" -ge 2 ] && break; sleep 0.1; done
if [ "$(count_lines a history)" -ne 2 ]; then
  echo "REPL test FAILED: Up + Enter did not repeat the last entry"; screen a; exit 1
fi
wait_prompt a '>>>'
# Ctrl-C drops a half-typed entry
keys a -l 'unfinished = ('
keys a Enter
wait_prompt a '...'
keys a C-c
wait_line a 'KeyboardInterrupt'
wait_prompt a '>>>'
type_line a "print('after', 'interrupt')"
wait_line a 'after interrupt'
wait_prompt a '>>>'
type_line a 'import sys; sys.exit(3)'
wait_line a 'EXIT-STATUS=3'

start b -q -i -c "'a = 5'"
wait_prompt b '>>>'
type_line b 'a * 2'
wait_line b '10'
wait_prompt b '>>>'
keys b C-d
wait_line b 'EXIT-STATUS=0'
echo "REPL in a terminal: all checks passed"
