#!/bin/sh
# Fuzzes the transcript line parser with libFuzzer under ASan + UBSan for
# the given number of seconds (default 60). The target is differential: it
# aborts when the fast parser and the jansson reference disagree.
#   bench/fuzz.sh [SECONDS]
set -eu
secs=${1:-60}
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build-fuzz
"$top/scripts/install-deps.sh" --fuzz
cmake -S "$top" -B "$out" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
  -DTOKMETER_FUZZ=ON >/dev/null
cmake --build "$out" --target fuzz_line -j "$(nproc)" >/dev/null
# Seeds: one line per file, from the edge cases and the checklist corpus.
mkdir -p "$out/corpus"
i=0
for f in "$top"/tests/data/*.jsonl $(find "$top/tests/data/checklist" -name '*.jsonl'); do
  while IFS= read -r line || [ -n "$line" ]; do
    i=$((i + 1))
    printf '%s' "$line" >"$out/corpus/seed-$i"
  done <"$f"
done
echo "fuzz: ${secs}s, $i seeds, corpus in $out/corpus"
"$out/tests/fuzz_line" -max_total_time="$secs" -max_len=65536 -print_final_stats=1 \
  -dict="$top/tests/fuzz/json.dict" "$out/corpus"
