#!/bin/bash
# The team server's end-to-end test (server.sh) again, on PostgreSQL: a
# real server started for it, as the postgres user, in a temporary
# directory, listening on a unix socket there only.
set -eu
: "${TOKMETER:?}"
here=$(cd "$(dirname "$0")" && pwd)
initdb=$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1 || true)
[ -n "$initdb" ] || { echo "PostgreSQL is not installed: skipped"; exit 77; }
bin=$(dirname "$initdb")
as_pg=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || { echo "no postgres user: skipped"; exit 77; }
  as_pg=(runuser -u postgres --)
fi

dir=$(mktemp -d /tmp/tokmeter-pg-XXXXXX)
chmod 755 "$dir"
[ "$(id -u)" = 0 ] && chown postgres "$dir"
port=$((20000 + RANDOM % 20000))
cleanup() {
  "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
"${as_pg[@]}" "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync \
  -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
  { echo "FAIL: initdb: $(tail -3 "$dir/initdb.log")"; exit 1; }
cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$dir'
port = $port
fsync = off
CONF
"${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null ||
  { echo "FAIL: PostgreSQL did not start: $(tail -3 "$dir/server.log")"; exit 1; }
"${as_pg[@]}" "$bin/psql" -h "$dir" -p "$port" -U postgres -q \
  -c 'CREATE DATABASE tokmeter' >/dev/null
export TOKMETER_DB="postgresql://postgres@/tokmeter?host=$dir&port=$port"
bash "$here/server.sh"
# It ran on this database, not on a file somewhere.
n=$("${as_pg[@]}" "$bin/psql" -h "$dir" -p "$port" -U postgres -d tokmeter -tA \
  -c 'SELECT count(*) FROM events')
[ "$n" -gt 0 ] || { echo "FAIL: no events in PostgreSQL"; exit 1; }
echo "on PostgreSQL: $n events"
