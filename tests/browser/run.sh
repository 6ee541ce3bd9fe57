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

# missing: what of chromium, node and npm is not there (empty when all are).
missing() {
  local m=""
  [ -x "$chromium" ] || m="$m $chromium"
  command -v node >/dev/null 2>&1 || m="$m node"
  command -v npm >/dev/null 2>&1 || m="$m npm"
  echo "$m"
}
if [ -n "$(missing)" ]; then
  "$src/scripts/install-deps.sh" --browser >&2 || true
  if [ -n "$(missing)" ]; then
    echo "browser tests skipped: cannot install$(missing)"
    exit 77
  fi
fi
# playwright-core's engines field; Debian 12's own nodejs is 18.
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "browser tests skipped: node $(node --version) is older than 20"
  exit 77
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
# Files named, not the directory: node 21+ reads arguments as globs.
exec node --test --test-reporter=spec tests/browser/*.test.mjs
