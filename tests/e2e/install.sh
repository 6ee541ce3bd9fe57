#!/bin/bash
# `make install PREFIX=...` puts the binary and the man page in place.
set -eu
build=$(dirname "$TOKMETER")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp" >/dev/null
test -x "$tmp/bin/tokmeter" || { echo "no $tmp/bin/tokmeter"; exit 1; }
test -f "$tmp/share/man/man1/tokmeter.1" || { echo "no man page"; exit 1; }
v=$("$tmp/bin/tokmeter" --version)
case "$v" in "tokmeter "[0-9]*) ;; *) echo "bad version: $v"; exit 1 ;; esac
if command -v man >/dev/null; then
  man -l "$tmp/share/man/man1/tokmeter.1" 2>/dev/null | grep -q "where Claude Code tokens" ||
    { echo "man page does not render"; exit 1; }
fi
echo "installed: $v"
