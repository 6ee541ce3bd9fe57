# Shared by the bench scripts: timing with GNU time.
# measure CMD...: best-of-3 wall seconds (ms resolution) and the largest
# peak RSS (MB), as "SECONDS MB". RUNS overrides the count; PREP, when set,
# names a function run (untimed) before each run; STDIN, a file for stdin.
measure() {
  local best="" rss=0 i t0 t1 t m
  for ((i = 0; i < ${RUNS:-3}; i++)); do
    if [ -n "${PREP:-}" ]; then "$PREP"; fi
    t0=$(date +%s%N)
    /usr/bin/time -f '%M' -o "$results/.time" "$@" >/dev/null 2>&1 <"${STDIN:-/dev/null}"
    t1=$(date +%s%N)
    t=$(awk "BEGIN{printf \"%.3f\", ($t1 - $t0) / 1e9}")
    read -r m <"$results/.time"
    if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
    [ "$m" -gt "$rss" ] && rss=$m
  done
  echo "$best $((rss / 1024))"
}
