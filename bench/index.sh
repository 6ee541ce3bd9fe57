#!/bin/bash
# Index benchmark (issue 4's targets) on a copy of a demo corpus:
#
#   bench/index.sh [SIZE_MB]        (default: 1024)
#
# Times, best of RUNS (3; 5 for the fast ones) with GNU time's peak RSS:
#   cold, no index      daily --json --no-cache (every byte read)
#   cold, writing it    daily --json with the index removed before each run
#   warm, nothing new   daily --json
#   1 MB appended       daily --json after 1 MB of new lines over 4 files
#   statusline          statusline with Claude Code's JSON on stdin
# and checks that the indexed report equals --no-cache after the appends.
# Writes bench/results/index-SIZE.md.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
mb=${1:-1024}
bin=$top/build/tokmeter
results=$top/bench/results
mkdir -p "$results"
. "$top/bench/lib.sh"
[ -x "$bin" ] || make build >/dev/null

src=$top/bench/corpus/demo-$mb
if [ ! -d "$src/projects" ]; then
  echo "bench: writing a $mb MB corpus into $src" >&2
  "$bin" demo --out "$src" --size-mb "$mb" --seed 1 --parity --force >&2
fi
# A copy, since this benchmark appends to transcripts.
work=$top/bench/corpus/index-work-$mb
rm -rf "$work"
cp -r "$src" "$work"
sync # the copy's dirty pages would slow the index writes down
export XDG_CACHE_HOME=$top/bench/.cache/index-bench TZ=UTC
rm -rf "$XDG_CACHE_HOME"
mapfile -t files < <(find "$work/projects" -name '*.jsonl' -type f | sort)
cat "${files[@]}" >/dev/null # warm the page cache
run=("$bin" daily --json --claude-dir "$work")

read -r t_nc r_nc < <(measure "${run[@]}" --no-cache)
drop_index() { rm -rf "$XDG_CACHE_HOME"; }
PREP=drop_index
read -r t_cold r_cold < <(measure "${run[@]}")
PREP=
# Directories changed in the last 3 s are listed again (their next change
# could keep the same mtime): the copy is new, settled history is not.
sleep 3
"${run[@]}" >/dev/null 2>&1
"${run[@]}" >/dev/null 2>&1
read -r t_warm r_warm < <(RUNS=5 measure "${run[@]}")

# 1 MB of new calls appended over 4 transcripts: lines of the corpus with
# new message ids, stamped now, as Claude Code appends calls as they happen.
lines=$results/.append-lines
grep '"usage"' "${files[0]}" "${files[1]}" "${files[2]}" | cut -d: -f2- |
  head -c 4000000 >"$lines"
round=0
append_mb() { # 256 KB of whole lines to each of 4 files
  local j f
  round=$((round + 1))
  for j in 0 1 2 3; do
    f=${files[$(((round * 4 + j) * 97 % ${#files[@]}))]}
    head -c 262144 "$lines" | sed '$d' |
      sed "s/\"id\":\"msg_/\"id\":\"msg_b${round}x${j}_/;
        s/\"timestamp\":\"[^\"]*\"/\"timestamp\":\"$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)\"/g" >>"$f"
  done
}
PREP=append_mb
read -r t_app r_app < <(measure "${run[@]}")
PREP=
"${run[@]}" >"$results/.idx.json" 2>/dev/null
"${run[@]}" --no-cache >"$results/.nc.json" 2>/dev/null
if cmp -s "$results/.idx.json" "$results/.nc.json"; then same=yes; else same=NO; fi

# The statusline for a session of the corpus, as Claude Code calls it.
f=${files[-1]}
printf '{"session_id":"%s","transcript_path":"%s","model":{"id":"claude-opus-4-8","display_name":"Opus"},"rate_limits":{"five_hour":{"used_percentage":12,"resets_at":1900000000}}}\n' \
  "$(basename "$f" .jsonl)" "$f" >"$results/.sl.json"
read -r t_sl r_sl < <(STDIN=$results/.sl.json RUNS=5 measure "$bin" statusline --claude-dir "$work")

ms() { awk "BEGIN{printf \"%.1f ms\", $1 * 1000}"; }
idx=$(du -k "$XDG_CACHE_HOME"/tokmeter/index/*.idx | cut -f1)
out=$results/index-$mb.md
{
  echo "| run | best (wall) | peak RSS (MB) | target |"
  echo "|---|---:|---:|---|"
  echo "| cold, no index (\`--no-cache\`) | $(ms "$t_nc") | $r_nc | |"
  echo "| cold, writing the index | $(ms "$t_cold") | $r_cold | at most +15%: $(awk "BEGIN{printf \"%+.0f%%\", ($t_cold / $t_nc - 1) * 100}") |"
  echo "| warm, nothing new | $(ms "$t_warm") | $r_warm | at most 50 ms |"
  echo "| warm, 1 MB appended to 4 files | $(ms "$t_app") | $r_app | at most 100 ms |"
  echo "| \`statusline\`, warm | $(ms "$t_sl") | $r_sl | at most 20 ms |"
  echo
  echo "Corpus: $mb MB, ${#files[@]} files; index $((idx / 1024)) MB. Indexed report"
  echo "equal to \`--no-cache\` after the appends: $same."
  echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')); warm page cache; $(date -u +%Y-%m-%d)."
} >"$out"
cat "$out"
rm -rf "$work" "$lines"
[ "$same" = yes ]
