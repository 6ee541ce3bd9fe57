#!/bin/bash
# Cold-report benchmark: tokmeter vs cat vs ccusage on generated corpora.
#
#   bench/run.sh [SIZES_MB...]        (default: 100 1024)
#
# For each size it writes a --parity demo corpus (every usage line carries
# requestId, so ccusage 20.0.24 and tokmeter must agree), warms the page
# cache, then times `tokmeter daily --json`, `cat` of the same files and
# `ccusage claude daily --json --offline` three times each, keeping the best
# wall time and the peak RSS. It then checks per-day token totals are equal
# and costs within 0.5% on days without long-context requests, and writes
# the table to bench/results/latest.md.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100 1024)
bin=$top/build/tokmeter
cache=$top/bench/.cache
results=$top/bench/results
ccu_version=20.0.24
mkdir -p "$cache" "$results"

scripts/install-deps.sh --bench >/dev/null
[ -x "$bin" ] || make build >/dev/null
ccusage=$cache/ccusage-$ccu_version/node_modules/.bin/ccusage
if [ ! -x "$ccusage" ]; then
  echo "bench: installing ccusage $ccu_version into $cache" >&2
  npm install --silent --no-save --prefix "$cache/ccusage-$ccu_version" \
    "ccusage@$ccu_version" "@ccusage/ccusage-linux-x64@$ccu_version" >&2
fi

. "$top/bench/lib.sh"

out=$results/latest.md
{
  echo "| corpus | tool | best of 3 (s) | peak RSS (MB) | vs cat | vs ccusage |"
  echo "|---|---|---:|---:|---:|---:|"
} >"$out"
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
status=0
for mb in "${sizes[@]}"; do
  corpus=$top/bench/corpus/demo-$mb
  if [ ! -f "$corpus/truth.json" ]; then
    echo "bench: writing a $mb MB corpus into $corpus" >&2
    "$bin" demo --out "$corpus" --size-mb "$mb" --seed 1 --parity --force \
      --truth "$corpus/truth.json" >&2
  fi
  mapfile -t files < <(find "$corpus/projects" -name '*.jsonl' -type f)
  bytes=$(cat "${files[@]}" | wc -c)
  cat "${files[@]}" >/dev/null # warm the page cache
  # --no-cache: every run reads every byte (bench/index.sh times the index)
  read -r t_tok r_tok < <(measure env TZ=UTC "$bin" daily --json --no-cache --claude-dir "$corpus")
  read -r t_cat r_cat < <(measure cat "${files[@]}")
  read -r t_ccu r_ccu < <(measure env TZ=UTC CLAUDE_CONFIG_DIR="$corpus" \
    "$ccusage" claude daily --json --offline)
  size=$(awk "BEGIN{printf \"%.0f MB\", $bytes/1048576}")
  {
    printf '| %s | tokmeter | %s | %s | %.2fx | %.2fx |\n' "$size" "$t_tok" "$r_tok" \
      "$(awk "BEGIN{print $t_tok/($t_cat>0?$t_cat:0.001)}")" \
      "$(awk "BEGIN{print $t_tok/($t_ccu>0?$t_ccu:0.001)}")"
    printf '| %s | cat | %s | %s | 1.00x | |\n' "$size" "$t_cat" "$r_cat"
    printf '| %s | ccusage %s | %s | %s | %.2fx | 1.00x |\n' "$size" "$ccu_version" \
      "$t_ccu" "$r_ccu" "$(awk "BEGIN{print $t_ccu/($t_cat>0?$t_cat:0.001)}")"
  } >>"$out"
  # Same numbers: per-day tokens equal, costs within 0.5% on days without
  # long-context requests (priced differently on purpose, see README).
  TZ=UTC "$bin" daily --json --no-cache --claude-dir "$corpus" >"$results/tokmeter-$mb.json"
  TZ=UTC CLAUDE_CONFIG_DIR="$corpus" "$ccusage" claude daily --json --offline \
    >"$results/ccusage-$mb.json"
  if ! node "$top/bench/compare.js" "$results/tokmeter-$mb.json" \
    "$results/ccusage-$mb.json" "$corpus/truth.json" >>"$results/compare-$mb.txt"; then
    status=1
  fi
  tail -n 3 "$results/compare-$mb.txt" >&2
done
{
  echo
  echo "Machine: $(nproc) cores ($cpu), $(awk '/MemTotal/{printf "%.0f GB", $2/1048576}' /proc/meminfo);"
  echo "warm page cache; $(date -u +%Y-%m-%d); tokmeter $("$bin" --version | cut -d' ' -f2), ccusage $ccu_version."
} >>"$out"
cat "$out"
exit $status
