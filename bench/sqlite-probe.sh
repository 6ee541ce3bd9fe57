#!/bin/sh
# SQLite vs a flat file as the storage of tokmeter's index.
#
#   bench/sqlite-probe.sh
#
# Builds bench/sqlite-probe.c (a standalone program, not part of tokmeter)
# against the Debian libsqlite3, runs it in a temporary directory (about
# 130 MB of databases and files, removed afterwards) and prints its Markdown
# table, which it also writes to bench/results/sqlite-probe.md.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/install-deps.sh --bench >/dev/null
mkdir -p bench/.cache bench/results
bin=bench/.cache/sqlite-probe
${CC:-cc} -std=c11 -O2 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow \
  -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla \
  -I src -I bench -o "$bin" bench/sqlite-probe.c bench/sqlite-probe-flat.c \
  src/util/xalloc.c src/core/usage.c -lsqlite3
dir=$(mktemp -d "${TMPDIR:-/tmp}/sqlite-probe.XXXXXX")
trap 'rm -rf "$dir"' EXIT
out=bench/results/sqlite-probe.md
"$bin" "$dir" >"$out"
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
{
  echo
  echo "Machine: $(nproc) cores ($cpu), $(awk '/MemTotal/{printf "%.0f GB", $2/1048576}' /proc/meminfo);"
  echo "scratch directory on $(df -T "$dir" | awk 'NR==2{print $2}'); $(date -u +%Y-%m-%d)."
} >>"$out"
cat "$out"
