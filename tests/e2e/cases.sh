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
  mkdir -p "$tmp/home"
  env -i PATH="$PATH" "${envs[@]}" "$bin" "${args[@]}" \
    >"$tmp/stdout" 2>"$tmp/stderr"
  echo $? >"$tmp/exit"
  # Paths differ per checkout and timings per run.
  sed -i -E "s#$here/data#@DATA@#g; s#$dir#@CASE@#g; s/ in [0-9]+ ms/ in N ms/" \
    "$tmp/stdout" "$tmp/stderr"
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
echo "$n cases, $fail differences"
[ "$n" -gt 0 ] && [ "$fail" -eq 0 ]
