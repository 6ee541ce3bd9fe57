#!/bin/bash
# `tokmeter statusline` on a small transcript tree with the clock pinned:
# the exact default line, --format, the quota log, and that bad, empty,
# huge or endless input still gives a line and exit 0.
set -u
bin=${TOKMETER:?TOKMETER must name the binary}
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
fail=0
dot=$'\xc2\xb7'
esc=$'\033['

bad() {
  echo "FAIL: $*"
  fail=$((fail + 1))
}

# One assistant call with a recorded cost (priced exactly as written).
call() { # session id time cost
  printf '{"type":"assistant","sessionId":"%s","cwd":"/home/u/proj","message":{"id":"%s","model":"claude-opus-4-1-20250805","role":"assistant","usage":{"input_tokens":10,"output_tokens":5}},"requestId":"r-%s","costUSD":%s,"timestamp":"%s"}\n' \
    "$1" "$2" "$2" "$4" "$3"
}
proj="$tmp/claude/projects/-home-u-proj"
mkdir -p "$proj" "$tmp/home" "$tmp/empty"
{
  call sess-a m1 2026-03-09T15:00:00.000Z 1.0
  call sess-a m3 2026-03-10T10:00:00.000Z 0.25
  call sess-a m4 2026-03-10T12:00:00.000Z 0.125
} >"$proj/sess-a.jsonl"
call sess-b m2 2026-03-10T08:30:00.000Z 0.5 >"$proj/sess-b.jsonl"

# now is 12:15 UTC; the five-hour quota resets at 15:00, the week's on 13th.
input='{"session_id":"sess-a","cwd":"/home/u/proj","model":{"id":"claude-opus-4-1","display_name":"Opus 4.1"},"workspace":{"project_dir":"/home/u/proj"},"cost":{"total_cost_usd":1.5},"context_window":{"used_percentage":42.6},"rate_limits":{"five_hour":{"used_percentage":23.5,"resets_at":1773154800},"seven_day":{"used_percentage":41.2,"resets_at":1773360000}}}'

# run NAME STDIN-FILE ARGS...: runs the binary, keeps stdout, stderr, exit.
run() {
  local name=$1 in=$2
  shift 2
  env -i PATH="$PATH" HOME="$tmp/home" TZ=UTC XDG_CACHE_HOME="$tmp/cache" \
    TOKMETER_NOW=2026-03-10T12:15:00.000Z ${NO_COLOR+NO_COLOR="$NO_COLOR"} \
    "$bin" statusline --claude-dir "$tmp/claude" "$@" <"$in" \
    >"$tmp/$name.out" 2>"$tmp/$name.err"
  echo $? >"$tmp/$name.rc"
}

# check NAME EXIT EXPECTED-STDOUT: stdout exact, stderr empty unless exit 2.
check() {
  local name=$1 rc=$2 want=$3 got
  got=$(cat "$tmp/$name.out")
  [ "$(cat "$tmp/$name.rc")" = "$rc" ] || bad "$name: exit $(cat "$tmp/$name.rc"), want $rc"
  [ "$got" = "$want" ] || bad "$name: got   '$got'
                want  '$want'"
  if [ "$rc" != 2 ] && [ -s "$tmp/$name.err" ]; then
    bad "$name: stderr: $(cat "$tmp/$name.err")"
  fi
}

printf '%s' "$input" >"$tmp/input.json"
export NO_COLOR=1

# The default line. Session a: 1 + 0.25 + 0.125; today and the block
# (08:00-13:00): 0.5 + 0.25 + 0.125; burn: $0.875 over 4h 15m.
run default "$tmp/input.json"
check default 0 "Opus 4.1 | \$1.38 session $dot \$0.88 today $dot \$0.88 block (2h 45m left) | \$0.21/h | 5h 24% $dot 7d 41%"

# The reading went into the quota log, once per minute of equal values.
log="$tmp/cache/tokmeter/quota.jsonl"
want='{"at_ms":1773144900000,"five_hour":{"used_percentage":23.5,"resets_at":1773154800},"seven_day":{"used_percentage":41.2,"resets_at":1773360000}}'
[ "$(cat "$log" 2>/dev/null)" = "$want" ] || bad "quota log: $(cat "$log" 2>&1)"
run again "$tmp/input.json"
[ "$(wc -l <"$log")" -eq 1 ] || bad "quota log not folded: $(wc -l <"$log") lines"

# --format with every placeholder.
run format "$tmp/input.json" --format '{model}|{session}|{today}|{block}|{block_left}|{burn}|{five_hour}|{five_reset}|{seven_day}|{seven_reset}|{context}|{project}|{cc_cost}|{{x}}'
check format 0 'Opus 4.1|$1.38|$0.88|$0.88|2h 45m|$0.21/h|24%|2h 45m|41%|59h 45m|43%|proj|$1.50|{x}'

# Without rate_limits: the block's own end, and no quota part; the log
# is not touched.
printf '{"session_id":"sess-b","model":{"display_name":"Sonnet"}}' >"$tmp/noquota.json"
run noquota "$tmp/noquota.json"
check noquota 0 "Sonnet | \$0.50 session $dot \$0.88 today $dot \$0.88 block (45m left) | \$0.21/h"
[ "$(wc -l <"$log")" -eq 1 ] || bad "quota log written without rate_limits"

# Empty, garbage and huge input: the line from the transcripts alone.
fallback="claude-opus-4-1-20250805 | \$0.88 today $dot \$0.88 block (45m left) | \$0.21/h"
: >"$tmp/empty.json"
run empty "$tmp/empty.json"
check empty 0 "$fallback"
run devnull /dev/null
check devnull 0 "$fallback"
printf '{"model": {"display_name": "Op' >"$tmp/garbage.json"
run garbage "$tmp/garbage.json"
check garbage 0 "$fallback"
printf '\x00\xff\xfe[[[' >"$tmp/binary.json"
run binary "$tmp/binary.json"
check binary 0 "$fallback"
{
  printf '{"model":{"display_name":"Huge"},"pad":"'
  head -c 3000000 /dev/zero | tr '\0' a
  printf '"}'
} >"$tmp/huge.json"
run huge "$tmp/huge.json"
check huge 0 "$fallback"
# The same through a pipe, whose writer is left with unread bytes.
env -i PATH="$PATH" HOME="$tmp/home" TZ=UTC NO_COLOR=1 XDG_CACHE_HOME="$tmp/cache" \
  TOKMETER_NOW=2026-03-10T12:15:00.000Z "$bin" statusline \
  --claude-dir "$tmp/claude" <"$tmp/huge.json" >"$tmp/hugepipe.out" 2>&1
[ "$(cat "$tmp/hugepipe.out")" = "$fallback" ] || bad "huge pipe: $(cat "$tmp/hugepipe.out")"

# A writer that never closes stdin: the line still comes, within seconds.
mkfifo "$tmp/fifo"
(
  printf '%s' "$input"
  exec sleep 30
) >"$tmp/fifo" &
writer=$!
start=$(date +%s)
out=$(env -i PATH="$PATH" HOME="$tmp/home" TZ=UTC NO_COLOR=1 XDG_CACHE_HOME="$tmp/cache" \
  TOKMETER_NOW=2026-03-10T12:15:00.000Z "$bin" statusline --claude-dir "$tmp/claude" \
  --format '{model} {session}' <"$tmp/fifo" 2>&1)
took=$(($(date +%s) - start))
kill "$writer" 2>/dev/null
wait "$writer" 2>/dev/null
[ "$out" = 'Opus 4.1 $1.38' ] || bad "open stdin: '$out'"
[ "$took" -lt 10 ] || bad "open stdin: waited ${took}s for the writer"

# No transcripts: Claude Code's figures only, never an error on screen.
env -i PATH="$PATH" HOME="$tmp/home" TZ=UTC NO_COLOR=1 XDG_CACHE_HOME="$tmp/cache" \
  TOKMETER_NOW=2026-03-10T12:15:00.000Z "$bin" statusline \
  --claude-dir "$tmp/missing" <"$tmp/input.json" >"$tmp/missing.out" 2>"$tmp/missing.err"
rc=$?
[ "$rc" = 0 ] || bad "missing dir: exit $rc"
[ "$(cat "$tmp/missing.out")" = "Opus 4.1 | \$1.50 session | 5h 24% $dot 7d 41%" ] ||
  bad "missing dir: $(cat "$tmp/missing.out")"
[ -s "$tmp/missing.err" ] && bad "missing dir: stderr: $(cat "$tmp/missing.err")"
env -i PATH="$PATH" HOME="$tmp/home" TZ=UTC NO_COLOR=1 XDG_CACHE_HOME="$tmp/cache" \
  TOKMETER_NOW=2026-03-10T12:15:00.000Z "$bin" statusline --verbose \
  --claude-dir "$tmp/missing" <"$tmp/garbage.json" >/dev/null 2>"$tmp/verbose.err"
grep -q "cannot parse the statusline input" "$tmp/verbose.err" ||
  bad "--verbose does not say what failed: $(cat "$tmp/verbose.err")"
grep -q "missing" "$tmp/verbose.err" || bad "--verbose hides the load error"

# An unusable cache directory does not show either.
: >"$tmp/cachefile"
env -i PATH="$PATH" HOME="$tmp/home" TZ=UTC NO_COLOR=1 XDG_CACHE_HOME="$tmp/cachefile" \
  TOKMETER_NOW=2026-03-10T12:15:00.000Z "$bin" statusline --claude-dir "$tmp/claude" \
  --format '{five_hour}' <"$tmp/input.json" >"$tmp/nocache.out" 2>"$tmp/nocache.err"
[ "$?" = 0 ] && [ "$(cat "$tmp/nocache.out")" = "24%" ] && [ ! -s "$tmp/nocache.err" ] ||
  bad "unwritable cache: $(cat "$tmp/nocache.out" "$tmp/nocache.err")"

# Colours: on by default (Claude Code shows them), off with NO_COLOR or
# --no-color, forced with --color.
unset NO_COLOR
run colour "$tmp/input.json"
case "$(cat "$tmp/colour.out")" in *"$esc"*) ;; *) bad "no colour by default" ;; esac
run nocolour "$tmp/input.json" --no-color
case "$(cat "$tmp/nocolour.out")" in *"$esc"*) bad "colour despite --no-color" ;; esac
export NO_COLOR=1
run nocolour2 "$tmp/input.json"
case "$(cat "$tmp/nocolour2.out")" in *"$esc"*) bad "colour despite NO_COLOR" ;; esac
run forced "$tmp/input.json" --color
case "$(cat "$tmp/forced.out")" in *"$esc"*) ;; *) bad "no colour with --color" ;; esac

# Usage errors are the only failures: exit 2, nothing on stdout.
run badph "$tmp/input.json" --format '{model} {cost}'
check badph 2 ""
grep -q "unknown placeholder '{cost}' in --format" "$tmp/badph.err" ||
  bad "unknown placeholder: $(cat "$tmp/badph.err")"
run unclosed "$tmp/input.json" --format '{model'
check unclosed 2 ""
run badopt "$tmp/input.json" --frobnicate
check badopt 2 ""
run badzone "$tmp/input.json" -z Not/AZone
check badzone 2 ""
grep -q "unknown time zone 'Not/AZone'" "$tmp/badzone.err" ||
  bad "bad zone: $(cat "$tmp/badzone.err")"
run extra "$tmp/input.json" daily
check extra 2 ""

# A terminal on stdin is not waited for.
if command -v script >/dev/null && command -v timeout >/dev/null; then
  out=$(timeout 20 script -qec "env -i PATH='$PATH' HOME='$tmp/home' TZ=UTC NO_COLOR=1 XDG_CACHE_HOME='$tmp/cache' TOKMETER_NOW=2026-03-10T12:15:00.000Z '$bin' statusline --claude-dir '$tmp/claude'" /dev/null | tr -d '\r')
  [ "$out" = "$fallback" ] || bad "terminal stdin: '$out'"
fi

[ "$fail" -eq 0 ] && echo "statusline checks passed"
[ "$fail" -eq 0 ]
