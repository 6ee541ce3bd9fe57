#!/bin/bash
# Golden end-to-end cases: every tests/cases/<cmd>/<NNNN-name>/ holds `args`
# (one argument per line; @CASE@ and @DATA@ are replaced by the case and
# tests/data directories), optional `env` (NAME=value lines), and the
# expected `expected.stdout`, `expected.stderr` and `expected.exit`.
# TOKMETER_UPDATE=1 rewrites the expected files (review the diff!).
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${TOKMETER:?TOKMETER must name the binary}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
n=0
touch "$tmp/start"
for dir in "$here"/cases/*/*/; do
  dir=${dir%/}
  [ -f "$dir/args" ] || continue
  n=$((n + 1))
  name=${dir#"$here"/cases/}
  args=()
  while IFS= read -r a || [ -n "$a" ]; do
    a=${a//@CASE@/$dir}
    a=${a//@DATA@/$here/data}
    args+=("$a")
  done <"$dir/args"
  envs=(HOME="$tmp/home" NO_COLOR= TZ=UTC COLUMNS= TOKMETER_NOW=2026-03-12T12:00:00.000Z)
  if [ -f "$dir/env" ]; then
    while IFS= read -r e || [ -n "$e" ]; do
      e=${e//@CASE@/$dir}
      [ -n "$e" ] && envs+=("${e//@DATA@/$here/data}")
    done <"$dir/env"
  fi
  rm -rf "$tmp/home"
  mkdir -p "$tmp/home"
  # Twice: the first run builds the index, the second reads it; both
  # must give the expected output (the index's own --verbose line aside).
  for run in 1 2; do
    env -i PATH="$PATH" "${envs[@]}" "$bin" "${args[@]}" \
      >"$tmp/stdout$run" 2>"$tmp/stderr$run"
    echo $? >"$tmp/exit$run"
    # Paths differ per checkout and timings per run.
    sed -i -E "s#$here/data#@DATA@#g; s#$dir#@CASE@#g; s#$tmp#@TMP@#g;
      s/ in [0-9]+ ms/ in N ms/; /^tokmeter: index /d" \
      "$tmp/stdout$run" "$tmp/stderr$run"
  done
  for f in stdout stderr exit; do
    mv "$tmp/${f}1" "$tmp/$f"
    if ! diff -u "$tmp/$f" "$tmp/${f}2" >"$tmp/diff"; then
      echo "FAIL $name: $f differs between a first and a second run"
      cat "$tmp/diff"
      fail=$((fail + 1))
    fi
  done
  for f in stdout stderr exit; do
    if [ "${TOKMETER_UPDATE:-}" = 1 ]; then
      cp "$tmp/$f" "$dir/expected.$f"
    elif ! diff -u "$dir/expected.$f" "$tmp/$f" >"$tmp/diff"; then
      echo "FAIL $name: $f differs"
      cat "$tmp/diff"
      fail=$((fail + 1))
    fi
  done
done
# A case must not write into the tree (an index under @CASE@, say).
if [ "${TOKMETER_UPDATE:-}" != 1 ]; then
  written=$(find "$here/cases" -newer "$tmp/start" | head -5)
  if [ -n "$written" ]; then
    echo "FAIL: cases wrote into the source tree:"
    echo "$written"
    fail=$((fail + 1))
  fi
fi
echo "$n cases, $fail differences"
[ "$n" -gt 0 ] && [ "$fail" -eq 0 ]
