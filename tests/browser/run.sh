#!/bin/bash
# Runs the browser tests (node:test + playwright-core driving Debian's
# chromium). Installs what is missing first: chromium and node/npm through
# scripts/install-deps.sh --browser, playwright-core through `npm ci` when
# node_modules is absent or older than package-lock.json. Exits 77 (skip)
# only when chromium or node cannot be had.
#   TOKMETER_BUILD  build dir; screenshots go to its browser-screenshots/
#   CHROMIUM        the browser (default /usr/bin/chromium)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
chromium=${CHROMIUM:-/usr/bin/chromium}

have() { command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 &&
  [ -x "$chromium" ]; }
if ! have; then
  "$src/scripts/install-deps.sh" --browser >&2 || true
  if ! have; then
    echo "browser tests skipped: cannot install chromium, node or npm"
    exit 77
  fi
fi

# A stamp of the lock file's contents: a changed pin reinstalls. flock
# keeps two build dirs' runs from installing into node_modules at once.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
stamp="$here/node_modules/.tokmeter-lock.sha256"
want=$(sha256sum <"$here/package-lock.json")
(
  flock 9
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "browser: npm ci in tests/browser" >&2
    rm -rf "$here/node_modules"
    (cd "$here" && npm ci --silent --no-audit --no-fund)
    echo "$want" >"$stamp"
  fi
) 9>"$here/.install.lock"

export TOKMETER_BUILD=${TOKMETER_BUILD:-$src/build}
cd "$src"
exec node --test --test-reporter=spec tests/browser/
