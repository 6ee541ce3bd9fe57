#!/bin/sh
# Installs the Debian packages tokmeter's build and tests need, when missing.
# Idempotent: prints nothing but a one-line summary when all are present.
#   scripts/install-deps.sh          build + test packages
#   scripts/install-deps.sh --fuzz   also clang and its libFuzzer runtime
#   scripts/install-deps.sh --bench  also node/npm, GNU time and wrk
#                                    (benchmarks)
#   scripts/install-deps.sh --browser  also chromium and node/npm (the
#                                    browser tests, tests/browser/run.sh)
set -eu

# build: compiler, cmake, pkg-config; libraries: jansson (JSON),
# libmicrohttpd (dashboard and team server), libsqlite3 (the store),
# libssl-dev (libcrypto: the team server's token hashes and randomness),
# libpq-dev (the store on PostgreSQL, postgres:// targets),
# cmocka (unit tests); tzdata
# (IANA zones for --timezone); git (tests make repos);
# tmux (the live monitor's end-to-end test drives a terminal with it);
# jq (end-to-end tests read JSON answers); openssl (the team server's TLS
# test makes a certificate);
# libjs-chart.js (Chart.js, embedded into the binary for the dashboard);
# postgresql (the store's tests start a real server: initdb, pg_ctl);
# prometheus (its promtool checks the team server's /metrics).
pkgs="gcc libc6-dev make cmake pkg-config libjansson-dev libmicrohttpd-dev
  libsqlite3-dev libssl-dev libpq-dev libcmocka-dev tzdata git tmux jq
  openssl libjs-chart.js postgresql prometheus"
for arg in "$@"; do
  case "$arg" in
  --fuzz) pkgs="$pkgs clang libclang-rt-14-dev" ;;
  --bench)
    pkgs="$pkgs time wrk" # wrk: bench/server.sh loads the team server
    # Node.js may come from elsewhere with npm bundled: commands decide.
    command -v node >/dev/null 2>&1 || pkgs="$pkgs nodejs"
    command -v npm >/dev/null 2>&1 || pkgs="$pkgs npm"
    ;;
  --browser)
    # Debian's browser: playwright-core drives it, never a downloaded one.
    pkgs="$pkgs chromium"
    command -v node >/dev/null 2>&1 || pkgs="$pkgs nodejs"
    command -v npm >/dev/null 2>&1 || pkgs="$pkgs npm"
    ;;
  *) echo "install-deps: unknown option '$arg'" >&2; exit 2 ;;
  esac
done

missing=""
for p in $pkgs; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
    missing="$missing $p"
  fi
done

if [ -z "$missing" ]; then
  echo "install-deps: all packages present"
  exit 0
fi

echo "install-deps: installing:$missing"
if [ "$(id -u)" -eq 0 ]; then
  sudo=""
elif command -v sudo >/dev/null 2>&1; then
  sudo="sudo"
else
  echo "install-deps: need root or sudo to install:$missing" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! $sudo apt-get install -y --no-install-recommends $missing; then
  # A fresh machine may have empty package lists.
  $sudo apt-get update
  $sudo apt-get install -y --no-install-recommends $missing
fi
