#!/bin/sh
# `make run`: tokmeter daily on this machine's Claude Code transcripts, or
# on a generated demo corpus when there are none.
set -eu
bin=${1:-build/tokmeter}
has_transcripts() {
  if [ -n "${CLAUDE_CONFIG_DIR:-}" ]; then
    dirs=$(printf '%s' "$CLAUDE_CONFIG_DIR" | tr ',' ' ')
  else
    dirs="${XDG_CONFIG_HOME:-$HOME/.config}/claude $HOME/.claude"
  fi
  for d in $dirs; do
    for p in "$d/projects" "$d"; do
      [ -d "$p" ] && [ "${p##*/}" = projects ] || continue
      find "$p" -name '*.jsonl' -type f 2>/dev/null | head -n 1 | grep -q . &&
        return 0
    done
  done
  return 1
}
if has_transcripts; then
  exec "$bin" daily
fi
demo=build/demo
if [ ! -d "$demo/projects" ]; then
  "$bin" demo --out "$demo" --force >/dev/null 2>&1 ||
    "$bin" demo --out "$demo" --force
fi
echo "tokmeter: no Claude Code transcripts on this machine; showing a generated demo corpus ($demo)" >&2
exec "$bin" daily --claude-dir "$demo"
