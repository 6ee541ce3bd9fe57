#!/bin/bash
# Dashboard benchmark: bench/dashboard.sh [SIZE_MB] (default 1024).
# Runs bench/dashboard.mjs on a copy of the demo corpus (it appends to a
# transcript), indexed first, and writes bench/results/dashboard-SIZE.md.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
mb=${1:-1024}
src=$top/bench/corpus/demo-$mb
work=$top/bench/corpus/dashboard-work-$mb
[ -d "$src/projects" ] || "$top/build/tokmeter" demo --out "$src" --size-mb "$mb" --seed 1 --parity --force >&2
rm -rf "$work" && cp -r "$src" "$work" && sync
export XDG_CACHE_HOME=$top/bench/.cache/dashboard-bench TOKMETER=$top/build/tokmeter
rm -rf "$XDG_CACHE_HOME"
"$TOKMETER" daily --claude-dir "$work" >/dev/null 2>&1 # build the index
sleep 3 # directories changed in the last 3 s are listed again
bash "$top/tests/browser/run.sh" >/dev/null 2>&1 || true # installs playwright-core
mkdir -p "$top/bench/results"
node "$top/bench/dashboard.mjs" "$work" | tee "$top/bench/results/dashboard-$mb.md"
rm -rf "$work"
