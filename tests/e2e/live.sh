#!/bin/bash
# `tokmeter live`: the plain report into a pipe, then the full-screen
# monitor inside tmux (capture-pane to read the screen, send-keys to type):
# it shows the block, follows appended usage and new directories, redraws
# on resize, and gives the terminal back on q, SIGTERM and Ctrl-C.
# Timestamps are a few minutes old in real time, so the block is active
# and its totals do not depend on the clock.
set -eu
command -v tmux >/dev/null 2>&1 || { echo "tmux missing: skipped"; exit 77; }
: "${TOKMETER:?}"

tmp=$(mktemp -d)
sock="$tmp/tmux.sock" # a server of our own: no user session is touched
tm() { tmux -S "$sock" "$@"; }
trap 'tm kill-server >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME="$tmp/cache" TZ=UTC
unset NO_COLOR CLAUDE_CONFIG_DIR
cfg="$tmp/claude"
proj="$cfg/projects/-home-u-proj"
mkdir -p "$proj"
fail() { echo "FAIL: $*"; exit 1; }

# usage ID SECONDS_AGO MODEL INPUT OUTPUT: one assistant record.
usage() {
  local ts
  ts=$(date -u -d "@$(($(date +%s) - $2))" +%Y-%m-%dT%H:%M:%S.000Z)
  printf '{"type":"assistant","sessionId":"s1","cwd":"/home/u/proj",'
  printf '"timestamp":"%s","requestId":"r%s","uuid":"u%s",' "$ts" "$1" "$1"
  printf '"message":{"id":"msg_%s","model":"%s","role":"assistant",' "$1" "$3"
  printf '"usage":{"input_tokens":%s,"output_tokens":%s,' "$4" "$5"
  printf '"cache_creation_input_tokens":0,"cache_read_input_tokens":0}}}\n'
}
# sonnet-4-5: 100,000 x $3/M + 20,000 x $15/M = $0.60;
# opus-4-5: 150,000 x $5/M + 10,000 x $25/M = $1.00.
{
  usage 1 600 claude-sonnet-4-5-20250929 100000 20000
  usage 2 300 claude-opus-4-5 150000 10000
} >"$proj/s1.jsonl"

# --- Not a terminal: plain text, one frame with --once. ---
out=$("$TOKMETER" live --once --claude-dir "$cfg" | cat)
case "$out" in *$'\033'*) fail "escape codes in a pipe" ;; esac
for want in "tokmeter live" "Tokens     280,000" 'Cost       $1.60' \
  "Today      280,000 tokens, \$1.60, 2 calls" "sonnet-4-5" "opus-4-5"; do
  grep -qF -- "$want" <<<"$out" || fail "plain report lacks '$want': $out"
done
grep -q "q quits" <<<"$out" && fail "plain report offers keys"
grep -q "^Limit\|^Quota" <<<"$out" && fail "a bar without a limit"

# A plan preset is labelled an estimate; a token limit is not.
out=$("$TOKMETER" live --once --claude-dir "$cfg" --token-limit max5 | cat)
grep -qF "of 88,000 tokens (max5 plan, estimate)" <<<"$out" ||
  fail "no max5 estimate: $out"
out=$("$TOKMETER" live --once --claude-dir "$cfg" --token-limit 560000 | cat)
grep -qF "   50.0%" <<<"$out" || fail "no 50% of 560,000: $out"
grep -q "estimate" <<<"$out" && fail "a token limit called an estimate"

# A quota measured by the statusline wins while its window lasts.
mkdir -p "$XDG_CACHE_HOME/tokmeter"
now=$(date +%s)
printf '{"at_ms":%s,"five_hour":{"used_percentage":42.5,"resets_at":%s}}\n' \
  $(((now - 120) * 1000)) $((now + 3600)) >"$XDG_CACHE_HOME/tokmeter/quota.jsonl"
out=$("$TOKMETER" live --once --claude-dir "$cfg" --token-limit pro | cat)
grep -qF "   42.5%" <<<"$out" || fail "no measured 42.5%: $out"
grep -qF "of the 5-hour quota, measured 2m ago" <<<"$out" ||
  fail "measurement not labelled: $out"
# An old reading (its window has reset) gives way to the option.
printf '{"at_ms":%s,"five_hour":{"used_percentage":99,"resets_at":%s}}\n' \
  $(((now - 7200) * 1000)) $((now - 60)) >>"$XDG_CACHE_HOME/tokmeter/quota.jsonl"
out=$("$TOKMETER" live --once --claude-dir "$cfg" --token-limit pro | cat)
grep -qF "(pro plan, estimate)" <<<"$out" || fail "stale quota used: $out"
rm "$XDG_CACHE_HOME/tokmeter/quota.jsonl"

# Without --once a pipe gets a frame every interval.
"$TOKMETER" live --interval 0.2 --claude-dir "$cfg" >"$tmp/frames" 2>&1 &
pid=$!
sleep 1
kill "$pid"
wait "$pid" 2>/dev/null || true
n=$(grep -c "^tokmeter live" "$tmp/frames")
[ "$n" -ge 2 ] || fail "$n frames in a pipe"
grep -q $'\033' "$tmp/frames" && fail "escape codes in repeated frames"

# Options that mean nothing here, and bad values, are usage errors.
for args in "--json" "--since 20260101" "--token-limit lots" \
  "--token-limit 0" "--interval 0" "--interval x" "extra"; do
  set +e
  # shellcheck disable=SC2086
  "$TOKMETER" live --once --claude-dir "$cfg" $args >/dev/null 2>"$tmp/err"
  rc=$?
  set -e
  [ "$rc" -eq 2 ] || fail "live $args: exit $rc, not 2"
done

# --- A terminal: tmux. ---
# The runner records the terminal settings around the monitor and its
# exit status, then stays so the pane can be read.
cat >"$tmp/run.sh" <<'EOF'
tag=$1
shift
trap 'echo "TRAPPED-INT"' INT
stty -g >"$T/stty.before.$tag"
echo "BEFORE-LIVE"
sh -c 'echo $$ >"$0"; exec "$@"' "$T/pid.$tag" "$@"
echo "LIVE-EXIT rc=$?"
stty -g >"$T/stty.after.$tag"
exec sleep 600
EOF
export T="$tmp"

start() { # start TAG: the monitor in session TAG, 100 x 30
  tm new-session -d -s "$1" -x 100 -y 30 \
    "bash $tmp/run.sh $1 $TOKMETER live --claude-dir $cfg --token-limit 1000000"
}
screen() { tm capture-pane -p -t "$1"; }
# wait_for TAG TEXT: up to 5 s for TEXT (fixed string) on the screen.
wait_for() {
  local i
  for i in $(seq 50); do
    screen "$1" >"$tmp/screen"
    grep -qF -- "$2" "$tmp/screen" && return 0
    sleep 0.1
  done
  echo "--- screen of $1:"
  cat "$tmp/screen"
  fail "no '$2' within 5 s"
}
flag() { tm display-message -p -t "$1" "#{$2}"; }
restored() { # restored TAG: normal screen, cursor shown, same termios
  [ "$(flag "$1" alternate_on)" = 0 ] || fail "$1: still on the alternate screen"
  [ "$(flag "$1" cursor_flag)" = 1 ] || fail "$1: cursor left hidden"
  wait_for "$1" "BEFORE-LIVE"
  cmp -s "$tmp/stty.before.$1" "$tmp/stty.after.$1" ||
    fail "$1: terminal settings not restored"
}

start main
wait_for main "Tokens     280,000"
[ "$(flag main alternate_on)" = 1 ] || fail "not on the alternate screen"
for want in 'Cost       $1.60' "q quits" "watching for changes" "sonnet-4-5" \
  "opus-4-5" "   28.0%"; do
  grep -qF -- "$want" "$tmp/screen" || fail "screen lacks '$want'"
done
grep -q "BEFORE-LIVE" "$tmp/screen" && fail "the monitor shares the screen"

# Appended usage shows up (haiku-4-5: 50,000 x $1/M + 10,000 x $5/M).
usage 3 0 claude-haiku-4-5 50000 10000 >>"$proj/s1.jsonl"
wait_for main "Tokens     340,000"
wait_for main 'Cost       $1.70'
wait_for main "haiku-4-5"
# So does a transcript in a directory made after the start.
mkdir -p "$cfg/projects/-home-u-other/s2/subagents"
usage 4 0 claude-haiku-4-5 60000 0 >"$cfg/projects/-home-u-other/s2/subagents/a.jsonl"
wait_for main "Tokens     400,000"

# The layout follows the size: the bar and the title end at the edge.
bar_len() { grep "^Limit" "$tmp/screen" | awk '{ print length($0) }'; }
[ "$(bar_len)" = 80 ] || fail "bar $(bar_len) columns wide at 100"
tm resize-window -t main -x 50 -y 20
for i in $(seq 50); do
  screen main >"$tmp/screen"
  [ "$(bar_len)" = 50 ] && break
  sleep 0.1
done
[ "$(bar_len)" = 50 ] || fail "bar $(bar_len) columns wide at 50"
grep -qE "^tokmeter live {18}[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}$" \
  "$tmp/screen" || fail "title not redrawn for 50 columns"
[ "$(wc -l <"$tmp/screen")" = 20 ] || fail "screen is not 20 rows"
sed -n 20p "$tmp/screen" | grep -q "q quits$" || fail "status not on row 20"

tm send-keys -t main q
wait_for main "LIVE-EXIT rc=0"
restored main

# SIGTERM: the terminal comes back and the exit status says why.
start term
wait_for term "Tokens     400,000"
kill -TERM "$(cat "$tmp/pid.term")"
wait_for term "LIVE-EXIT rc=143"
restored term

# Ctrl-C: the same, by SIGINT from the terminal.
start int
wait_for int "Tokens     400,000"
tm send-keys -t int C-c
wait_for int "LIVE-EXIT rc=130"
restored int

echo "live checks passed"
