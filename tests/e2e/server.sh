#!/bin/bash
# `tokmeter server`: the first admin token, the token commands, the auth
# matrix, ingest that is idempotent and order-independent (totals equal
# `tokmeter daily` over the same calls written as a transcript), per-event
# rejections, request limits, and strings stored verbatim.
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
# Whatever a failure leaves running (a second server, a stream) goes too.
trap 'kill $(jobs -p) 2>/dev/null || true; stop; rm -rf "$tmp"' EXIT
export XDG_DATA_HOME="$tmp/data" XDG_CACHE_HOME="$tmp/cache" TZ=UTC
# TOKMETER_DB: server_pg.sh runs this on PostgreSQL; else an SQLite file.
unset TOKMETER_PUBLIC TOKMETER_HOST TOKMETER_PORT
fail() { echo "FAIL: $*"; exit 1; }

start() {
  # Emptied here, not by the child's redirection, which may come after
  # the loop below has read the last server's URL.
  : >"$tmp/out"
  "$TOKMETER" server --port 0 "$@" >"$tmp/out" 2>"$tmp/err" &
  pid=$!
  for _ in $(seq 300); do
    url=$(grep -o 'https\?://[^ ]*' "$tmp/out" | sed 's#/$##' || true)
    [ -n "$url" ] && return 0
    kill -0 "$pid" 2>/dev/null || fail "server exited: $(cat "$tmp/err")"
    sleep 0.1
  done
  fail "no URL printed"
}
# code METHOD PATH [TOKEN] [BODY-FILE]: prints the HTTP status, body in $tmp/body
code() {
  local args=(-s -o "$tmp/body" -w '%{http_code}' -X "$1" "$url$2")
  [ -n "${3:-}" ] && args+=(-H "Authorization: Bearer $3")
  [ -n "${4:-}" ] && args+=(--data-binary "@$4")
  curl "${args[@]}"
}
expect() { # expect STATUS METHOD PATH [TOKEN] [BODY]
  local want=$1 got
  shift
  got=$(code "$@")
  [ "$got" = "$want" ] || fail "$1 $2: status $got, expected $want: $(cat "$tmp/body")"
}

# --- First start: one admin token, printed once. ---
start
admin=$(grep -o 'tm_[0-9a-f]\{64\}' "$tmp/out" || true)
[ -n "$admin" ] || fail "no admin token printed: $(cat "$tmp/out")"
if [ -z "${TOKMETER_DB:-}" ]; then
  [ "$(stat -c %a "$XDG_DATA_HOME/tokmeter/server.db")" = 600 ] || fail "store not 0600"
fi
stop
start
grep -q 'tm_' "$tmp/out" && fail "admin token printed again"
grep -rq "${admin#tm_}" "$XDG_DATA_HOME" && fail "the secret is stored in clear"

# --- Tokens from the command line. ---
T() { "$TOKMETER" server token "$@"; }
alice=$(T create --user alice --scope ingest --label laptop 2>/dev/null)
bob=$(T create --user bob --scope ingest 2>/dev/null)
reader=$(T create --user carol --scope read 2>/dev/null)
team=$(T create --user team --scope enroll 2>/dev/null)
old=$(TOKMETER_NOW=2025-01-01T00:00:00Z T create --user dave --scope ingest --expires 30d 2>/dev/null)
gone=$(T create --user erin --scope ingest 2>/dev/null)
T list --json | jq -e 'length == 7' >/dev/null || fail "token list: $(T list)"
T revoke "$(T list --json | jq -r '.[] | select(.user == "erin") | .id')" 2>/dev/null
T list | grep -q 'erin.*(revoked)' || fail "revoked token not shown"
rc=0
T create --user x --scope root >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "a bad scope: exit $rc, expected 2"

# --- The auth matrix. ---
echo '{"machine":"m1","events":[]}' >"$tmp/empty.json"
expect 200 GET /health
expect 200 GET /api/usage/totals
expect 401 POST /api/ingest/messages "" "$tmp/empty.json"
expect 401 POST /api/ingest/messages "tm_$(printf '0%.0s' $(seq 64))" "$tmp/empty.json"
expect 401 POST /api/ingest/messages "$gone" "$tmp/empty.json"
expect 401 POST /api/ingest/messages "$old" "$tmp/empty.json"
expect 403 POST /api/ingest/messages "$reader" "$tmp/empty.json"
expect 200 POST /api/ingest/messages "$alice" "$tmp/empty.json"
expect 401 GET /api/admin/tokens
expect 403 GET /api/admin/tokens "$alice"
expect 200 GET /api/admin/tokens "$admin"
echo '{"machine":"m1","userId":"bob","events":[]}' >"$tmp/asbob.json"
expect 403 POST /api/ingest/messages "$alice" "$tmp/asbob.json"
expect 400 POST /api/ingest/messages "$team" "$tmp/empty.json"
expect 200 POST /api/ingest/messages "$team" "$tmp/asbob.json"

# --- Ingest: the same calls as a transcript and as events. ---
# 40 calls; each sent as a streaming copy (output 1) and the final one;
# call 7 also as a sidechain replay under another request id.
proj="$tmp/claude/projects/-home-u-p"
mkdir -p "$proj"
for i in $(seq 1 40); do
  for out in 1 $((i * 10)); do
    printf '{"type":"assistant","sessionId":"s%d","cwd":"/home/u/p","timestamp":"2026-11-%02dT10:%02d:00.000Z","requestId":"r%d","uuid":"u%d-%d","message":{"id":"msg_%d","model":"claude-sonnet-4-5","role":"assistant","usage":{"input_tokens":%d,"output_tokens":%d,"cache_creation_input_tokens":0,"cache_read_input_tokens":%d}}}\n' \
      $((i % 3)) $((i % 20 + 1)) $((i % 60)) "$i" "$i" "$out" "$i" $((i * 100)) "$out" $((i * 1000))
  done
done >"$proj/s.jsonl"
jq -c --slurp '[.[] | {messageId: .message.id, requestId, uuid, sessionId,
    timestamp, model: .message.model, project: "p",
    inputTokens: .message.usage.input_tokens,
    outputTokens: .message.usage.output_tokens,
    cacheReadTokens: .message.usage.cache_read_input_tokens}]' \
  "$proj/s.jsonl" >"$tmp/events.json"
want=$("$TOKMETER" daily --json --claude-dir "$tmp/claude" | jq .totals.totalTokens)
post() { # post TOKEN JQ-FILTER: a batch of $tmp/events.json
  jq -c "{machine: \"m1\", events: ($2)}" "$tmp/events.json" >"$tmp/batch.json"
  expect 200 POST /api/ingest/messages "$1" "$tmp/batch.json"
}
# Finals first in one order, streaming copies after, then all again.
post "$bob" '[.[] | select(.outputTokens > 1)] | reverse'
post "$bob" '[.[] | select(.outputTokens == 1)]'
post "$bob" '.[40:]'
post "$bob" '.[:40]'
got=$(curl -s "$url/api/usage/totals" | jq .usage.totalTokens)
[ "$got" = "$want" ] || fail "server total $got != daily $want"
jq -e '.accepted == 0 and .duplicates == 40' "$tmp/body" >/dev/null ||
  fail "a re-sent batch was not all duplicates: $(cat "$tmp/body")"
# Another user's copies are their own rows: bob's total does not move,
# the team total doubles.
post "$alice" '.'
got=$(curl -s "$url/api/usage/totals" | jq .usage.totalTokens)
[ "$got" = $((want * 2)) ] || fail "two users: $got, expected $((want * 2))"

# --- The dashboard's API, by user and machine. ---
expect 401 GET /api/summary
expect 200 GET "/api/summary?tz=UTC" "$reader"
jq -e --argjson t $((want * 2)) '.range.usage.totalTokens == $t' "$tmp/body" >/dev/null ||
  fail "summary: $(jq -c .range "$tmp/body")"
expect 200 GET "/api/summary?user=bob" "$reader"
jq -e --argjson t "$want" '.range.usage.totalTokens == $t' "$tmp/body" >/dev/null ||
  fail "bob's summary: $(jq -c .range "$tmp/body")"
expect 200 GET "/api/summary?user=nobody&machine=m1" "$reader"
jq -e '.range.usage.calls == 0' "$tmp/body" >/dev/null || fail "an unknown user has calls"
expect 200 GET "/api/daily?user=bob&tz=UTC" "$reader"
jq -c '[.days[] | {date, t: .usage.totalTokens}]' "$tmp/body" >"$tmp/api_days"
"$TOKMETER" daily --json -z UTC --claude-dir "$tmp/claude" |
  jq -c '[.daily[] | {date, t: .totalTokens}]' >"$tmp/cli_days"
cmp -s "$tmp/api_days" "$tmp/cli_days" ||
  fail "bob's days differ from daily: $(cat "$tmp/api_days") vs $(cat "$tmp/cli_days")"
expect 200 GET "/api/sessions?user=bob" "$reader"
jq -e '.sessions | length == 3' "$tmp/body" >/dev/null || fail "bob's sessions: $(cat "$tmp/body")"
expect 200 GET "/api/sessions/s1?user=bob" "$reader"
jq -e '.session.usage.calls > 0 and (has("tools") | not)' "$tmp/body" >/dev/null ||
  fail "session page: $(head -c 300 "$tmp/body")"
expect 404 GET /api/sessions/none "$reader"
expect 400 GET "/api/daily?since=2026-13-01" "$reader"
expect 200 GET /api/models "$reader"
expect 200 GET /api/projects "$reader"
jq -e '.projects[0].project == "p"' "$tmp/body" >/dev/null || fail "projects: $(cat "$tmp/body")"
expect 404 GET /api/prompts "$reader"

# --- /metrics: Prometheus text, names escaped, sums equal the API's. ---
expect 401 GET /metrics
expect 200 GET /metrics "$reader"
if command -v promtool >/dev/null 2>&1; then
  promtool check metrics <"$tmp/body" >"$tmp/promtool" 2>&1 ||
    fail "promtool: $(cat "$tmp/promtool")"
fi
got=$(awk '/^tokmeter_tokens_total\{user="bob",/ {s += $NF} END {print s}' "$tmp/body")
[ "$got" = "$want" ] || fail "bob's tokens in /metrics: $got, expected $want"
grep -q '^tokmeter_build_info{version="' "$tmp/body" || fail "no build info"
# The Grafana dashboard asks only for metrics the server has, in PromQL
# that promtool accepts (its variables filled in).
dash="${TOKMETER_SRC:-$(dirname "$0")/../..}/contrib/grafana/tokmeter.json"
for m in $(jq -r '.panels[].targets[].expr' "$dash" | grep -o 'tokmeter_[a-z_]*' | sort -u); do
  grep -q "^$m" "$tmp/body" || fail "the Grafana dashboard uses $m, which /metrics lacks"
done
if command -v promtool >/dev/null 2>&1; then
  {
    echo "groups:"
    echo "- name: dashboard"
    echo "  rules:"
    jq -r '.panels[].targets[].expr' "$dash" | sed 's/\$__range/1h/g; s/\$user/.*/g; s/\$machine/.*/g' |
      awk '{gsub(/\x27/, "\x27\x27"); printf "  - record: panel_%d\n    expr: \x27%s\x27\n", NR, $0}'
  } >"$tmp/rules.yml"
  promtool check rules "$tmp/rules.yml" >"$tmp/promtool" 2>&1 ||
    fail "the Grafana dashboard's queries: $(cat "$tmp/promtool")"
fi
grep -q '^tokmeter_ingest_events_total{result="accepted"} [1-9]' "$tmp/body" ||
  fail "no ingest counter"

# --- The totals stream: at once on connect, then on every change; a
# reconnect that has seen the latest totals gets none again. ---
seq=$(curl -s "$url/api/usage/totals" | jq .seq)
curl -s -N "$url/api/usage/stream" >"$tmp/sse" &
sse=$!
for _ in $(seq 100); do grep -q '^event: totals' "$tmp/sse" && break; sleep 0.1; done
grep -q "^id: $seq\$" "$tmp/sse" || fail "no totals on connect: $(cat "$tmp/sse")"
jq -c '{machine: "m2", events: [{messageId: "live", sessionId: "s",
  timestamp: "2026-11-20T00:00:00Z", inputTokens: 7, outputTokens: 0}]}' \
  -n >"$tmp/live.json"
expect 200 POST /api/ingest/messages "$bob" "$tmp/live.json"
# (Waits up to 10 s: speed is bench/'s business, not a test's.)
for _ in $(seq 200); do [ "$(grep -c '^event: totals' "$tmp/sse")" -ge 2 ] && break; sleep 0.05; done
[ "$(grep -c '^event: totals' "$tmp/sse")" -ge 2 ] || fail "no totals event after an ingest"
grep '^data:' "$tmp/sse" | tail -1 | sed 's/^data: //' |
  jq -e --argjson t $((want * 2 + 7)) '.usage.totalTokens == $t' >/dev/null ||
  fail "streamed totals: $(tail -3 "$tmp/sse")"
kill "$sse" 2>/dev/null || true
seq=$(curl -s "$url/api/usage/totals" | jq .seq)
timeout 1 curl -s -N -H "Last-Event-ID: $seq" "$url/api/usage/stream" >"$tmp/sse2" || true
grep -q '^event: totals' "$tmp/sse2" && fail "totals re-sent to a client that had them"
grep -q '^: ok' "$tmp/sse2" || fail "no stream on reconnect: $(cat "$tmp/sse2")"
live=7 # bob's total grew by the live call

# --- Per-event rejections; request-level errors store nothing. ---
cat >"$tmp/mixed.json" <<'J'
{"machine":"m1","events":[
 {"messageId":"ok1","sessionId":"x'); DROP TABLE events;--","timestamp":"2026-11-20T00:00:00Z","inputTokens":5,"outputTokens":5,"model":"m\"; --"},
 {"sessionId":"s","timestamp":"2026-11-20T00:00:00Z","inputTokens":1,"outputTokens":1},
 {"messageId":"a","sessionId":"s","timestamp":"2019-01-01T00:00:00Z","inputTokens":1,"outputTokens":1},
 {"messageId":"b","sessionId":"s","timestamp":"2026-11-20T00:00:00Z","inputTokens":-1,"outputTokens":1},
 {"messageId":"c","sessionId":"s","timestamp":"2026-11-20T00:00:00Z","inputTokens":"1","outputTokens":1},
 {"messageId":"d","sessionId":7,"timestamp":"2026-11-20T00:00:00Z","inputTokens":1,"outputTokens":1},
 "text"
]}
J
expect 200 POST /api/ingest/messages "$alice" "$tmp/mixed.json"
jq -e '.accepted == 1 and ([.rejected[].index] == [1,2,3,4,5,6])' "$tmp/body" >/dev/null ||
  fail "rejections: $(cat "$tmp/body")"
got=$(curl -s "$url/api/usage/totals" | jq .usage.totalTokens)
[ "$got" = $((want * 2 + live + 10)) ] || fail "after the mixed batch: $got"
T list >/dev/null || fail "the tokens table went away"
printf 'not json' >"$tmp/bad.json"
expect 400 POST /api/ingest/messages "$alice" "$tmp/bad.json"
echo '{"machine":"m1"}' >"$tmp/bad.json"
expect 400 POST /api/ingest/messages "$alice" "$tmp/bad.json"
jq -c -n '{machine: "m1", events: [range(5001) | {messageId: "x\(.)",
  sessionId: "s", timestamp: "2026-11-20T00:00:00Z", inputTokens: 1,
  outputTokens: 1}]}' >"$tmp/many.json"
expect 400 POST /api/ingest/messages "$alice" "$tmp/many.json"
head -c $((9 << 20)) /dev/zero | tr '\0' ' ' >"$tmp/huge.json"
expect 413 POST /api/ingest/messages "$alice" "$tmp/huge.json"
got=$(curl -s "$url/api/usage/totals" | jq .usage.totalTokens)
[ "$got" = $((want * 2 + live + 10)) ] || fail "a refused request stored something"

# --- Plan-quota readings, per user: sent twice, kept once; the newest
# is what /api/quota shows. ---
cat >"$tmp/quota.json" <<'J'
{"machine":"m1","readings":[
 {"at":"2026-11-20T10:00:00Z","fiveHour":{"usedPercent":12.5,"resetsAt":"2026-11-20T14:00:00Z"},"sevenDay":{"usedPercent":40,"resetsAt":null}},
 {"at":"2026-11-20T11:00:00Z","fiveHour":{"usedPercent":30,"resetsAt":"2026-11-20T14:00:00Z"}},
 {"at":"2026-11-20T12:00:00Z"},
 {"at":"2026-11-20T12:00:00Z","fiveHour":{"usedPercent":130}}
]}
J
expect 200 POST /api/ingest/quota "$bob" "$tmp/quota.json"
jq -e '.accepted == 2 and .duplicates == 0 and ([.rejected[].index] == [2,3])' \
  "$tmp/body" >/dev/null || fail "quota ingest: $(cat "$tmp/body")"
expect 200 POST /api/ingest/quota "$bob" "$tmp/quota.json"
jq -e '.accepted == 0 and .duplicates == 2' "$tmp/body" >/dev/null ||
  fail "quota sent twice: $(cat "$tmp/body")"
expect 403 POST /api/ingest/quota "$reader" "$tmp/quota.json"
expect 401 GET /api/quota
expect 200 GET /api/quota "$reader"
jq -e '.quota == [{"user": "bob", "machine": "m1", "at": "2026-11-20T11:00:00.000Z",
  "fiveHour": {"usedPercent": 30, "resetsAt": "2026-11-20T14:00:00.000Z"},
  "sevenDay": null}]' "$tmp/body" >/dev/null || fail "quota: $(cat "$tmp/body")"

# --- Tokens over HTTP. ---
echo '{"user":"frank","scope":"read","label":"grafana","expiresDays":30}' >"$tmp/tok.json"
expect 201 POST /api/admin/tokens "$admin" "$tmp/tok.json"
id=$(jq -r .token.id "$tmp/body")
frank=$(jq -r .secret "$tmp/body")
[ "$(jq -r .token.expires "$tmp/body")" != null ] || fail "no expiry"
expect 200 GET /api/usage/totals "$frank"
expect 200 DELETE "/api/admin/tokens/$id" "$admin"
expect 404 DELETE "/api/admin/tokens/$id" "$admin"

# --- Audit: ingest and admin calls, with token, counts and status. ---
expect 200 GET "/api/admin/audit?limit=500" "$admin"
jq -e --arg id "$(T list --json | jq -r '.[] | select(.user == "bob") | .id')" \
  '[.entries[] | select(.tokenId == $id and .path == "/api/ingest/messages"
    and .status == 200)] | length == 5' "$tmp/body" >/dev/null ||
  fail "bob's five ingests are not in the audit log"
jq -e '[.entries[] | select(.status == 401)] | length >= 3' "$tmp/body" >/dev/null ||
  fail "refused ingests are not audited"
jq -e '[.entries[] | select(.accepted == 1 and .rejected == 6)] | length == 1' \
  "$tmp/body" >/dev/null || fail "the mixed batch's counts are not audited"
jq -e '.entries[0].ip == "127.0.0.1"' "$tmp/body" >/dev/null || fail "no client address"
expect 400 GET "/api/admin/audit?limit=0" "$admin"

# --- Erasing a user's (or a machine's) calls. ---
expect 400 DELETE "/api/admin/data" "$admin"
expect 403 DELETE "/api/admin/data?user=alice" "$alice"
expect 200 DELETE "/api/admin/data?user=alice&machine=nope" "$admin"
jq -e '.deleted == 0' "$tmp/body" >/dev/null || fail "deleted from another machine"
expect 200 DELETE "/api/admin/data?user=alice" "$admin"
jq -e '.deleted == 41' "$tmp/body" >/dev/null || fail "alice's calls: $(cat "$tmp/body")"
got=$(curl -s "$url/api/usage/totals" | jq .usage.totalTokens)
[ "$got" = $((want + live)) ] || fail "after erasing alice: $got, expected $((want + live))"
stop

# --- Rate limit: 429 with Retry-After, per token. ---
start --rate-limit 40/min
for i in $(seq 10); do code POST /api/ingest/messages "$bob" "$tmp/empty.json" >/dev/null; done
st=$(curl -s -o /dev/null -D "$tmp/hdr" -w '%{http_code}' -X POST \
  -H "Authorization: Bearer $bob" --data-binary "@$tmp/empty.json" "$url/api/ingest/messages")
[ "$st" = 429 ] || fail "11th request in a burst of 10: $st"
grep -qi '^retry-after: [0-9]' "$tmp/hdr" || fail "no Retry-After"
expect 200 POST /api/ingest/messages "$alice" "$tmp/empty.json"
stop

# --- CORS: only the allowed origin; a proxy's X-Forwarded-For only
# when the proxy is trusted. ---
start --allowed-origins "https://dash.example.com" --trusted-proxy 127.0.0.0/8
st=$(curl -s -o /dev/null -D "$tmp/hdr" -w '%{http_code}' -X OPTIONS \
  -H 'Origin: https://dash.example.com' "$url/api/usage/totals")
[ "$st" = 204 ] || fail "allowed preflight: $st"
grep -qi '^access-control-allow-origin: https://dash.example.com' "$tmp/hdr" ||
  fail "no Access-Control-Allow-Origin"
st=$(curl -s -o /dev/null -D "$tmp/hdr" -w '%{http_code}' -X OPTIONS \
  -H 'Origin: https://evil.example' "$url/api/usage/totals")
[ "$st" = 403 ] || fail "foreign preflight: $st"
curl -s -D "$tmp/hdr" -o /dev/null -H 'Origin: https://evil.example' "$url/api/usage/totals"
grep -qi '^access-control-allow-origin' "$tmp/hdr" && fail "CORS header for a foreign origin"
curl -s -o /dev/null -X POST -H "Authorization: Bearer $bob" \
  -H 'X-Forwarded-For: 203.0.113.9, 127.0.0.5' --data-binary "@$tmp/empty.json" \
  "$url/api/ingest/messages"
expect 200 GET "/api/admin/audit?limit=1" "$admin"
jq -e '.entries[0].ip' "$tmp/body" | grep -q '203.0.113.9' || fail "trusted proxy: $(cat "$tmp/body")"
stop
start
curl -s -o /dev/null -X POST -H "Authorization: Bearer $bob" \
  -H 'X-Forwarded-For: 203.0.113.9' --data-binary "@$tmp/empty.json" \
  "$url/api/ingest/messages"
expect 200 GET "/api/admin/audit?limit=1" "$admin"
jq -e '.entries[0].ip == "127.0.0.1"' "$tmp/body" >/dev/null ||
  fail "X-Forwarded-For believed without --trusted-proxy: $(cat "$tmp/body")"
stop

# --- Two servers on one store: a client of B hears what lands on A
# (PostgreSQL: LISTEN/NOTIFY; SQLite: the file's data version). ---
start
url_a=$url
"$TOKMETER" server --port 0 >"$tmp/out_b" 2>"$tmp/err_b" &
pid_b=$!
for _ in $(seq 300); do
  url_b=$(grep -o 'https\?://[^ ]*' "$tmp/out_b" | sed 's#/$##' || true)
  [ -n "$url_b" ] && break
  sleep 0.1
done
[ -n "$url_b" ] || fail "second server: $(cat "$tmp/err_b")"
curl -s -N "$url_b/api/usage/stream" >"$tmp/sse_b" &
sse_b=$!
for _ in $(seq 100); do grep -q '^event: totals' "$tmp/sse_b" && break; sleep 0.1; done
jq -c -n '{machine: "m3", events: [{messageId: "replica", sessionId: "s",
  timestamp: "2026-11-20T00:00:00Z", inputTokens: 11, outputTokens: 0}]}' >"$tmp/rep.json"
url=$url_a
expect 200 POST /api/ingest/messages "$bob" "$tmp/rep.json"
want_b=$(curl -s "$url_a/api/usage/totals" | jq .usage.totalTokens)
for _ in $(seq 200); do
  [ "$(grep '^data:' "$tmp/sse_b" | tail -1 | sed 's/^data: //' | jq .usage.totalTokens)" = "$want_b" ] && break
  sleep 0.05
done
[ "$(grep '^data:' "$tmp/sse_b" | tail -1 | sed 's/^data: //' | jq .usage.totalTokens)" = "$want_b" ] ||
  fail "server B's stream did not hear A's ingest: $(tail -2 "$tmp/sse_b")"
[ "$(curl -s "$url_b/api/usage/totals" | jq .usage.totalTokens)" = "$want_b" ] ||
  fail "server B's totals differ from A's"
kill "$sse_b" "$pid_b" 2>/dev/null || true
wait "$pid_b" 2>/dev/null || true
stop

# --- TLS: HTTPS with the given certificate; the key without the
# certificate is a usage error. ---
if command -v openssl >/dev/null 2>&1; then
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" \
    -out "$tmp/cert.pem" -days 2 -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost >/dev/null 2>&1
  start --tls-cert "$tmp/cert.pem" --tls-key "$tmp/key.pem"
  case "$url" in https://*) ;; *) fail "TLS server printed $url" ;; esac
  port=${url##*:}
  curl -sf --cacert "$tmp/cert.pem" "https://localhost:$port/health" |
    jq -e '.status == "ok"' >/dev/null || fail "no HTTPS answer"
  curl -s "http://localhost:$port/health" >/dev/null 2>&1 && fail "plain HTTP answered on a TLS port"
  stop
  rc=0
  "$TOKMETER" server --port 0 --tls-key "$tmp/key.pem" >/dev/null 2>&1 || rc=$?
  [ "$rc" = 2 ] || fail "--tls-key alone: exit $rc"
fi

# --- --public none closes the totals; all tokens still work. ---
start --public none
expect 401 GET /api/usage/totals
expect 200 GET /api/usage/totals "$reader"
expect 200 GET /health
stop
echo "ok"
