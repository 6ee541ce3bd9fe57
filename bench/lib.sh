# Shared by the bench scripts: timing.
export LC_ALL=C # EPOCHREALTIME and awk agree on the decimal point
# measure CMD...: best-of-3 wall seconds and the peak RSS (MB) of one more
# run, as "SECONDS MB". RUNS overrides the count; PREP, when set,
# names a function run (untimed) before each run; STDIN, a file for stdin.
measure() {
  local best="" rss=0 i t0 t1 t m
  for ((i = 0; i < ${RUNS:-3}; i++)); do
    if [ -n "${PREP:-}" ]; then "$PREP"; fi
    # The command alone, timed by the shell (microseconds, no extra
    # process); GNU time, for the peak RSS, in a run of its own.
    t0=$EPOCHREALTIME
    "$@" >/dev/null 2>&1 <"${STDIN:-/dev/null}"
    t1=$EPOCHREALTIME
    t=$(awk "BEGIN{printf \"%.4f\", $t1 - $t0}")
    if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
  done
  if [ -n "${PREP:-}" ]; then "$PREP"; fi
  /usr/bin/time -f '%M' -o "$results/.time" "$@" >/dev/null 2>&1 <"${STDIN:-/dev/null}"
  read -r m <"$results/.time"
  [ "$m" -gt "$rss" ] && rss=$m
  echo "$best $((rss / 1024))"
}
