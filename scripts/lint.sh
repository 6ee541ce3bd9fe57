#!/bin/sh
# Static checks: clang-tidy (config in .clang-tidy), cppcheck, file length.
#   scripts/lint.sh [BUILD_DIR]   (needs compile_commands.json from cmake)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
status=0
files=$(cd "$top" && git ls-files 'src/*.c' 'tools/*.c')
echo "lint: clang-tidy"
out=$(cd "$top" && clang-tidy -p "$build" --quiet $files 2>/dev/null | grep -E 'warning:|error:')
[ -n "$out" ] && { echo "$out"; status=1; }
echo "lint: cppcheck"
out=$(cd "$top" && cppcheck --quiet --enable=warning,performance,portability \
  --inline-suppr --error-exitcode=1 -D__GNUC__ -I src $files 2>&1)
[ -n "$out" ] && { echo "$out"; status=1; }
echo "lint: file length (800 lines)"
for f in $(cd "$top" && git ls-files '*.c' '*.h'); do
  n=$(wc -l <"$top/$f")
  [ "$n" -gt 800 ] && echo "$f: $n lines"
done
exit $status
