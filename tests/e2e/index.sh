#!/bin/bash
# End-to-end test of the index: results equal --no-cache, concurrent runs
# while transcripts grow, deleted transcripts kept with a footer, prices
# applied at report time, damage noticed, `cache info|clear`.
set -u

T=${TOKMETER:?set TOKMETER to the tokmeter binary}
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
export HOME=$tmp/home XDG_CACHE_HOME=$tmp/cache TZ=UTC NO_COLOR=1
mkdir -p "$HOME"
c=$tmp/c

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

tot() { # totalTokens of a daily --json on stdin
  sed -n 's/^    "totalTokens": \([0-9]*\),*$/\1/p' | tail -1
}

"$T" demo --out "$c" --size-mb 4 --seed 3 >/dev/null 2>&1 || fail "demo"
daily() { "$T" daily --json --claude-dir "$c" "$@"; }

# --no-cache writes nothing; the first cached run builds the index, the
# second reads it; all three agree.
daily --no-cache >"$tmp/nc" 2>/dev/null || fail "no-cache run"
[ ! -d "$XDG_CACHE_HOME/tokmeter/index" ] || fail "--no-cache wrote an index"
daily >"$tmp/cold" 2>/dev/null || fail "cold run"
daily >"$tmp/warm" 2>/dev/null || fail "warm run"
cmp -s "$tmp/nc" "$tmp/cold" || fail "cold indexed run differs from --no-cache"
cmp -s "$tmp/nc" "$tmp/warm" || fail "warm indexed run differs from --no-cache"
[ -n "$(tot <"$tmp/nc")" ] || fail "no total in the report"
"$T" cache info >"$tmp/info" || fail "cache info exited $?"
n=$(find "$c/projects" -name '*.jsonl' | wc -l)
grep -q "files: $n on disk, 0 deleted" "$tmp/info" || fail "cache info: $(cat "$tmp/info")"
"$T" cache info --json | grep -q '"filesOnDisk": '"$n" || fail "cache info --json"

# Concurrent readers while one transcript grows: no run fails, and the
# end result equals a full read. New lines carry new message ids.
src=$(find "$c/projects" -name '*.jsonl' -size +20k | head -1)
grow=$(dirname "$src")/grown-session.jsonl
sed 's/"id":"msg_/"id":"msg_grown_/' "$src" >"$tmp/lines"
total=$(wc -l <"$tmp/lines")
(
  i=1
  while [ "$i" -le "$total" ]; do
    sed -n "${i},$((i + 9))p" "$tmp/lines" >>"$grow"
    i=$((i + 10))
    sleep 0.01
  done
) &
writer=$!
pids=()
for r in 1 2 3 4 5 6; do
  (
    for k in 1 2 3 4 5 6 7 8; do
      daily >/dev/null 2>"$tmp/err.$r.$k" || exit 1
      grep -v "malformed line" "$tmp/err.$r.$k" | grep -q . && exit 2
    done
    exit 0
  ) &
  pids+=($!)
done
wait "$writer"
for p in "${pids[@]}"; do
  wait "$p" || fail "a concurrent run failed ($?): $(cat "$tmp"/err.* | head -3)"
done
daily >"$tmp/after" 2>/dev/null
daily --no-cache >"$tmp/after-nc" 2>/dev/null
cmp -s "$tmp/after" "$tmp/after-nc" || fail "after concurrent growth: index differs from --no-cache"
[ "$(tot <"$tmp/after")" -gt "$(tot <"$tmp/nc")" ] || fail "the grown file added nothing"

# A deleted transcript keeps its calls, with a footer; --no-cache drops them.
before=$(tot <"$tmp/after")
rm "$grow"
daily >"$tmp/del" 2>"$tmp/del.err"
[ "$(tot <"$tmp/del")" = "$before" ] || fail "deleted transcript's calls lost"
grep -q "from 1 deleted transcript kept in the index" "$tmp/del.err" ||
  fail "no footer: $(cat "$tmp/del.err")"
[ "$(tot < <(daily --no-cache 2>/dev/null))" = "$(tot <"$tmp/nc")" ] ||
  fail "--no-cache does not show only what is on disk"
"$T" daily --claude-dir "$c" >"$tmp/table" 2>&1
grep -q "deleted transcript" "$tmp/table" || fail "table run has no footer"

# Prices apply at report time: an override changes costs, nothing re-read.
model=$(grep -o '"model":"claude-[a-z0-9-]*"' "$src" | head -1 | cut -d'"' -f4)
printf '{"models": {"%s": {"input": 0.001, "output": 0.001}}}\n' "$model" >"$tmp/p.json"
daily --prices "$tmp/p.json" -v >"$tmp/priced" 2>"$tmp/priced.err"
grep -q "0 new, 0 grown, 0 re-read files" "$tmp/priced.err" ||
  fail "a price change re-read files: $(grep index "$tmp/priced.err")"
cmp -s "$tmp/priced" "$tmp/del" && fail "the price override changed nothing"

# Damage is noticed in one line, and the totals stay right.
idx=$(ls "$XDG_CACHE_HOME"/tokmeter/index/*.idx)
printf 'XXXXXXXXXXXXXXXXXXXXXXXX' | dd of="$idx" bs=1 seek=200 conv=notrunc 2>/dev/null
daily >"$tmp/dmg" 2>"$tmp/dmg.err"
[ "$(grep -vc "malformed line" "$tmp/dmg.err")" -eq 1 ] && grep -q "damaged; rebuilt" "$tmp/dmg.err" ||
  fail "damage notice: $(cat "$tmp/dmg.err")"
cmp -s "$tmp/dmg" "$tmp/nc" || fail "rebuilt index differs from --no-cache"

# An unusable cache directory: a warning, the right answer, exit 0.
XDG_CACHE_HOME=/proc/version daily >"$tmp/ro" 2>"$tmp/ro.err" || fail "unusable cache: exit $?"
cmp -s "$tmp/ro" "$tmp/nc" || fail "unusable cache: wrong report"
grep -q "reading every transcript" "$tmp/ro.err" || fail "unusable cache: no warning"

# cache clear removes the index; the next run builds it again silently.
"$T" cache clear >"$tmp/clr" || fail "cache clear exited $?"
grep -q "removed 1 file" "$tmp/clr" || fail "cache clear: $(cat "$tmp/clr")"
[ -z "$(ls "$XDG_CACHE_HOME"/tokmeter/index/*.idx 2>/dev/null)" ] || fail "index left"
daily >"$tmp/again" 2>"$tmp/again.err"
cmp -s "$tmp/again" "$tmp/nc" && ! grep -v "malformed line" "$tmp/again.err" | grep -q . || fail "after clear"
"$T" cache bogus 2>/dev/null
[ $? -eq 2 ] || fail "cache bogus: want exit 2"
"$T" cache --help | grep -q "cache info" || fail "cache --help"
# One relative --claude-dir from two directories: two corpora, two indexes.
mkdir -p "$tmp/w1" "$tmp/w2"
"$T" demo --out "$tmp/w1/c" --sessions 2 --seed 11 >/dev/null 2>&1
"$T" demo --out "$tmp/w2/c" --sessions 3 --seed 12 >/dev/null 2>&1
for w in w1 w2 w1; do
  got=$(cd "$tmp/$w" && "$T" daily --json --claude-dir c 2>/dev/null)
  want=$(cd "$tmp/$w" && "$T" daily --json --no-cache --claude-dir c 2>/dev/null)
  [ "$got" = "$want" ] || fail "relative --claude-dir in $w read another corpus's index"
done
echo "index e2e: ok"
