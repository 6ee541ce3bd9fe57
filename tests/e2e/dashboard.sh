#!/bin/bash
# `tokmeter dashboard` and its store: the API equals the CLI; the store
# file sits beside the index, private, and survives a restart without being
# rewritten; an appended call is written once and shows up; a rewritten
# transcript takes its calls out; --demo leaves nothing behind.
set -eu
command -v jq >/dev/null 2>&1 || { echo "jq missing: skipped"; exit 77; }
: "${TOKMETER:?}"

tmp=$(mktemp -d)
pid=""
stop() {
  if [ -n "$pid" ]; then
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    pid=""
  fi
}
trap 'stop; rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME="$tmp/cache" TZ=UTC TOKMETER_NOW=2026-11-20T12:00:00Z
unset NO_COLOR CLAUDE_CONFIG_DIR
fail() { echo "FAIL: $*"; exit 1; }

"$TOKMETER" demo --out "$tmp/claude" --sessions 6 --days 5 \
  --end 2026-11-20 >/dev/null
cfg="$tmp/claude"

# start [ARGS...]: runs the dashboard on a free port, sets $url.
start() {
  # Emptied here, not by the child's redirection, which may come after
  # the loop below has read the last dashboard's URL.
  : >"$tmp/out"
  "$TOKMETER" dashboard --no-open --port 0 "$@" >"$tmp/out" 2>"$tmp/err" &
  pid=$!
  for _ in $(seq 100); do
    url=$(grep -o 'http://[^ ]*' "$tmp/out" || true)
    [ -n "$url" ] && return 0
    kill -0 "$pid" 2>/dev/null || fail "dashboard exited: $(cat "$tmp/err")"
    sleep 0.1
  done
  fail "no URL printed"
}
get() { curl -sf "${url}${1#/}"; }
cli_total() { "$TOKMETER" daily --json --claude-dir "$cfg" -z UTC | jq .totals.totalTokens; }
api_total() { get /api/summary | jq .range.usage.totalTokens; }
store() { get /health | jq -r ".store.$1"; }
# same_total WHEN: the API's all-time total equals the CLI's (both shown).
same_total() {
  local a c
  a=$(api_total)
  c=$(cli_total)
  [ "$a" = "$c" ] || fail "API $a != CLI $c $1"
}
# wait_for CMD WANT: polls (the reader thread follows within a second).
wait_for() {
  for _ in $(seq 50); do
    [ "$($1)" = "$2" ] && return 0
    sleep 0.1
  done
  fail "$1 is $($1), expected $2"
}

start --claude-dir "$cfg" -z UTC
[ "$(api_total)" = "$(cli_total)" ] || fail "API $(api_total) != CLI $(cli_total)"
db=$(ls "$XDG_CACHE_HOME"/tokmeter/index/*.db)
[ "$(stat -c %a "$db")" = 600 ] || fail "store mode $(stat -c %a "$db")"
[ "$(head -c 15 "$db")" = "SQLite format 3" ] || fail "store is not SQLite"
rows=$(store rows)
seq0=$(store seq)
[ "$rows" -gt 0 ] || fail "empty store"
[ "$rows" = "$(sqlite3 "$db" 'SELECT count(*) FROM events' 2>/dev/null || echo "$rows")" ] ||
  fail "health rows $rows differ from the file"
stop

# A restart reads the store and writes nothing: the index has no news.
start --claude-dir "$cfg" -z UTC
[ "$(store seq)" = "$seq0" ] || fail "restart rewrote the store: seq $(store seq) != $seq0"
[ "$(store rows)" = "$rows" ] || fail "rows $(store rows) != $rows after restart"
same_total "after restart"

# One new call: one write, one more row, on the page's API within 5 s.
f="$(ls -d "$cfg"/projects/*/ | head -1)e2e.jsonl"
printf '%s\n' '{"type":"assistant","sessionId":"e2e","cwd":"/home/u/e2e","timestamp":"2026-11-20T11:00:00.000Z","requestId":"r-e2e","uuid":"0f2c0a6e-5b1d-4c1e-9d1a-1b2c3d4e5f60","message":{"id":"msg_e2e","model":"claude-sonnet-4-5","role":"assistant","usage":{"input_tokens":1000,"output_tokens":234,"cache_creation_input_tokens":0,"cache_read_input_tokens":0}}}' >>"$f"
wait_for "store rows" $((rows + 1))
[ "$(store seq)" = $((seq0 + 1)) ] || fail "one call took $(($(store seq) - seq0)) writes"
same_total "after an append"
get /api/sessions/e2e | jq -e '.session.usage.totalTokens == 1234' >/dev/null ||
  fail "the new session is not served"

# A transcript rewritten without its calls: they leave the store.
f=$(ls "$cfg"/projects/*/*.jsonl | head -1)
gone=$(grep -c '"usage"' "$f" || true)
: >"$f.new"
grep -v '"usage"' "$f" >"$f.new" || true
mv "$f.new" "$f"
[ "$gone" -gt 0 ] || fail "fixture without calls"
for _ in $(seq 50); do
  [ "$(store rows)" -lt $((rows + 1)) ] && break
  sleep 0.1
done
[ "$(store rows)" -lt $((rows + 1)) ] || fail "rewritten calls stayed in the store"
[ "$(api_total)" = "$(cli_total)" ] || fail "API $(api_total) != CLI $(cli_total) after a rewrite"
stop

# --demo: its corpus and store live only as long as the dashboard.
before=$(ls "$XDG_CACHE_HOME"/tokmeter/index | wc -l)
mkdir "$tmp/t"
TMPDIR="$tmp/t" start --demo
[ -n "$(ls "$tmp/t")" ] || fail "--demo made no corpus under TMPDIR"
[ "$(get /health | jq .demo)" = true ] || fail "--demo not reported"
[ "$(store rows)" -gt 0 ] || fail "demo store empty"
stop
[ "$(ls "$XDG_CACHE_HOME"/tokmeter/index | wc -l)" = "$before" ] ||
  fail "--demo wrote into the cache"
[ -z "$(ls "$tmp/t")" ] || fail "demo corpus left behind: $(ls "$tmp/t")"

# The browser: opened through xdg-open when there is a display, not with
# --no-open, and not without a display.
mkdir -p "$tmp/bin"
printf '#!/bin/sh\necho "$@" >>"%s/opened"\n' "$tmp" >"$tmp/bin/xdg-open"
chmod +x "$tmp/bin/xdg-open"
opened() {
  : >"$tmp/out"
  PATH="$tmp/bin:$PATH" DISPLAY="$1" "$TOKMETER" dashboard --port 0 $2 \
    --claude-dir "$cfg" >"$tmp/out" 2>"$tmp/err" &
  pid=$!
  for _ in $(seq 50); do grep -q http "$tmp/out" && break; sleep 0.1; done
  sleep 0.5
  stop
}
rm -f "$tmp/opened"
opened :9 ""
[ "$(cat "$tmp/opened" 2>/dev/null)" = "$(grep -o 'http://[^ ]*' "$tmp/out")" ] ||
  fail "xdg-open not given the URL: $(cat "$tmp/opened" 2>/dev/null)"
rm -f "$tmp/opened"
opened :9 --no-open
unset DISPLAY WAYLAND_DISPLAY
opened "" ""
[ ! -e "$tmp/opened" ] || fail "browser opened with --no-open or without a display"

# A store file that is not one: a warning, and the dashboard still serves.
stop
for x in "$XDG_CACHE_HOME"/tokmeter/index/*.db; do
  rm -f "$x-wal" "$x-shm"
  printf 'not a database, not at all, not at all' >"$x"
done
start --claude-dir "$cfg" -z UTC
same_total "on a damaged store"
grep -q "keeping the dashboard's store in memory" "$tmp/err" ||
  fail "no warning for a damaged store: $(cat "$tmp/err")"
grep -q "'$db'" "$tmp/err" || fail "the warning does not name the file"
stop

# A store that opens but cannot be read (a damaged table page): the same.
rm -f "$db" "$db-wal" "$db-shm"
start --claude-dir "$cfg" -z UTC
stop
[ "$(stat -c %s "$db")" -gt 16384 ] || fail "store too small to damage a table page"
printf '\377\377\377\377\377\377\377\377' |
  dd of="$db" bs=1 seek=$((3 * 4096)) conv=notrunc 2>/dev/null
start --claude-dir "$cfg" -z UTC
same_total "on an unreadable store"
grep -q "keeping the dashboard's store in memory" "$tmp/err" ||
  fail "no warning for an unreadable store: $(cat "$tmp/err")"
stop
echo "ok"
