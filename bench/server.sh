#!/bin/bash
# Team server benchmark (issue 6): bench/server.sh [EVENTS] (default 200000).
# Ingest: EVENTS events in batches of 2,000, sent by 4 concurrent curl
# clients on loopback (rate limit raised), into SQLite and, when
# PostgreSQL is installed, into a PostgreSQL started for the run (as the
# tests start one). Totals: GET /api/usage/totals with wrk, 4 threads,
# 64 connections, 10 s. Writes bench/results/server.md.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
T=$top/build/tokmeter
n=${1:-200000}
batches=$((n / 2000))
tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "${pgdir:-}" ] && runuser -u postgres -- "$pgbin/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$tmp" "${pgdir:-/nonexistent}"
}
trap cleanup EXIT
command -v wrk >/dev/null || { echo "wrk missing (apt install wrk)" >&2; exit 1; }

# The batches, made once: distinct calls, 50 sessions, one model.
for b in $(seq 0 $((batches - 1))); do
  jq -c -n --argjson b "$b" '{machine: "bench", events: [range(2000) |
    {messageId: "msg_\($b)_\(.)", requestId: "r", sessionId: "s\(. % 50)",
     timestamp: "2026-11-20T10:00:00Z", model: "claude-sonnet-4-5",
     project: "p", inputTokens: 100, outputTokens: 20,
     cacheReadTokens: 1000}]}' >"$tmp/b$b.json"
done

# run NAME: one server on $TOKMETER_DB (or a fresh SQLite file), the
# ingest and the totals; appends a row to $tmp/rows.
run() {
  local name=$1 out="$tmp/out.$1" url admin t0 t1 ms rps p99
  XDG_DATA_HOME="$tmp/data.$1" "$T" server --port 0 --rate-limit 10000000/min \
    >"$out" 2>"$tmp/err.$1" &
  pids+=($!)
  for _ in $(seq 300); do url=$(grep -o 'http://[^ ]*' "$out" | sed 's#/$##' || true); [ -n "$url" ] && break; sleep 0.1; done
  admin=$(grep -o 'tm_[0-9a-f]*' "$out")
  t0=$(date +%s%N)
  ls "$tmp"/b*.json | xargs -P 4 -I{} curl -s -o /dev/null -f \
    -H "Authorization: Bearer $admin" --data-binary @{} "$url/api/ingest/messages"
  t1=$(date +%s%N)
  ms=$(((t1 - t0) / 1000000))
  [ "$(curl -s "$url/api/usage/totals" | jq .usage.calls)" = "$n" ] ||
    { echo "$name: not every event landed" >&2; exit 1; }
  wrk -t4 -c64 -d10s --latency "$url/api/usage/totals" >"$tmp/wrk.$1"
  rps=$(awk '/Requests\/sec/ {print $2}' "$tmp/wrk.$1")
  p99=$(awk '$1 == "99%" {print $2}' "$tmp/wrk.$1")
  printf '| %s | %d events in %d ms: %d events/s | %s req/s, p99 %s |\n' \
    "$name" "$n" "$ms" $((n * 1000 / (ms ? ms : 1))) "$rps" "$p99" >>"$tmp/rows"
  kill "${pids[-1]}"
}

unset TOKMETER_DB
run sqlite
pgbin=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1)" 2>/dev/null || true)
if [ -n "$pgbin" ] && [ -x "$pgbin/initdb" ] && [ "$(id -u)" = 0 ]; then
  pgdir=$(mktemp -d /tmp/tokmeter-pgbench-XXXXXX)
  chown postgres "$pgdir"
  port=$((20000 + RANDOM % 20000))
  runuser -u postgres -- "$pgbin/initdb" -D "$pgdir/data" -U postgres -A trust \
    --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null
  printf "listen_addresses = ''\nunix_socket_directories = '%s'\nport = %d\n" \
    "$pgdir" "$port" >>"$pgdir/data/postgresql.conf"
  runuser -u postgres -- "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/log" -w start >/dev/null
  runuser -u postgres -- "$pgbin/psql" -h "$pgdir" -p "$port" -U postgres -qc 'CREATE DATABASE tokmeter'
  TOKMETER_DB="postgresql://postgres@/tokmeter?host=$pgdir&port=$port" run postgres
fi
mkdir -p "$top/bench/results"
{
  echo "| store | ingest ($n events, batches of 2,000, 4 clients) | GET /api/usage/totals (wrk -t4 -c64 10 s) |"
  echo "|---|---|---|"
  cat "$tmp/rows"
} | tee "$top/bench/results/server.md"
