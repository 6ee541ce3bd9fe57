#!/bin/bash
# Colours and the progress bar appear only on a terminal, and NO_COLOR or
# --no-color turn colours off there too. `script` gives the binary a pty.
set -eu
src=${TOKMETER_SRC:?}
data="$src/tests/data/checklist"
run_tty() { script -qec "$*" /dev/null; }
esc=$'\033['
out=$(run_tty env -u NO_COLOR TZ=UTC "$TOKMETER" daily --claude-dir "$data")
case "$out" in *"$esc"*) ;; *) echo "no colour on a terminal"; exit 1 ;; esac
out=$(run_tty env NO_COLOR=1 TZ=UTC "$TOKMETER" daily --claude-dir "$data")
case "$out" in *"$esc"*) echo "colour despite NO_COLOR"; exit 1 ;; esac
out=$(run_tty env -u NO_COLOR TZ=UTC "$TOKMETER" daily --no-color --claude-dir "$data")
case "$out" in *"$esc"*) echo "colour despite --no-color"; exit 1 ;; esac
out=$(env -u NO_COLOR TZ=UTC "$TOKMETER" daily --claude-dir "$data" 2>/dev/null)
case "$out" in *"$esc"*) echo "colour into a pipe"; exit 1 ;; esac
# On a terminal the table fits the terminal's width.
out=$(run_tty stty cols 80 \; env TZ=UTC NO_COLOR=1 "$TOKMETER" daily --claude-dir "$data")
# Box-drawing characters are three bytes each: count them as one.
wide=$(printf '%s\n' "$out" | tr -d '\r' | LC_ALL=C sed 's/\xe2\x94./x/g' |
  awk '{ if (length($0) > 80) n++ } END { print n+0 }')
[ "$wide" -eq 0 ] || { echo "$wide lines wider than 80 columns"; exit 1; }
echo "tty checks passed"
