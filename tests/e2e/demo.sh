#!/bin/bash
# End-to-end test of `tokmeter demo`: same options give the same tree,
# usage errors exit 2, a foreign non-empty directory is refused.
set -u

T=${TOKMETER:?set TOKMETER to the tokmeter binary}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# --help prints the usage on stdout and exits 0.
"$T" demo --help >"$tmp/help" 2>&1 || fail "--help exited $?"
grep -q -- '--size-mb' "$tmp/help" || fail "--help does not list --size-mb"
grep -q -- '--parity' "$tmp/help" || fail "--help does not list --parity"

# Bad usage: exit 2 and a one-line message.
for args in "--sessions abc" "--sessions 0" "--bogus" "--end 2026-13-01" \
  "--days 0" "--size-mb -3" "extra-arg" "--out"; do
  # shellcheck disable=SC2086
  "$T" demo $args >"$tmp/out" 2>"$tmp/err"
  rc=$?
  [ "$rc" -eq 2 ] || fail "'demo $args' exited $rc, want 2"
  [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "'demo $args': not one line"
  [ ! -e tokmeter-demo ] || fail "'demo $args' wrote tokmeter-demo"
done

# Two runs with the same options: byte-identical trees.
"$T" demo --out "$tmp/a" --seed 7 --truth "$tmp/a/truth.json" \
  2>"$tmp/a.err" || fail "first run exited $?"
mkdir "$tmp/b" # an empty directory is fine too
"$T" demo --out "$tmp/b" --seed 7 --truth "$tmp/b/truth.json" \
  2>"$tmp/b.err" || fail "second run exited $?"
diff -r "$tmp/a" "$tmp/b" >/dev/null || fail "same seed, different trees"
[ "$(wc -l <"$tmp/a.err")" -eq 1 ] || fail "summary is not one line"
grep -q "files, .* bytes .* usage lines" "$tmp/a.err" ||
  fail "summary lacks files/bytes/usage lines: $(cat "$tmp/a.err")"
grep -q '"totals"' "$tmp/a/truth.json" || fail "truth has no totals"
grep -q '"totalTokens"' "$tmp/a/truth.json" || fail "truth has no totalTokens"

# Layout: projects/<encoded cwd>/<session>.jsonl and subagent files.
ls "$tmp/a/projects" | grep -q '^-home-demo-work-acme-api$' ||
  fail "no -home-demo-work-acme-api project"
n=$(find "$tmp/a/projects" -maxdepth 2 -name '*.jsonl' | wc -l)
[ "$n" -eq 24 ] || fail "$n main session files, want 24"
find "$tmp/a/projects" -path '*/subagents/agent-*.jsonl' | grep -q . ||
  fail "no subagent files"

# A different seed gives a different corpus.
"$T" demo --out "$tmp/c" --seed 8 2>/dev/null || fail "seed 8 exited $?"
diff -r "$tmp/a/projects" "$tmp/c/projects" >/dev/null 2>&1 &&
  fail "seeds 7 and 8 gave the same tree"

# Writing again over a previous corpus is fine and leaves no stale file.
"$T" demo --out "$tmp/a" --seed 7 --truth "$tmp/a/truth.json" 2>/dev/null ||
  fail "rerun over a previous corpus exited $?"
diff -r "$tmp/a" "$tmp/b" >/dev/null || fail "rerun changed the tree"
"$T" demo --out "$tmp/a" --seed 9 --sessions 3 2>/dev/null ||
  fail "smaller rerun exited $?"
n=$(find "$tmp/a/projects" -maxdepth 2 -name '*.jsonl' | wc -l)
[ "$n" -eq 3 ] || fail "$n main files after --sessions 3 rerun, want 3"

# --size-mb: at least the target, within a few percent.
"$T" demo --out "$tmp/s" --size-mb 2 --parity 2>/dev/null ||
  fail "--size-mb 2 exited $?"
bytes=$(find "$tmp/s/projects" -type f -name '*.jsonl' -printf '%s\n' |
  awk '{ s += $1 } END { print s }')
[ "$bytes" -ge 2097152 ] && [ "$bytes" -le 2306867 ] ||
  fail "--size-mb 2 wrote $bytes bytes"

# A non-empty directory that is not a demo corpus is refused.
mkdir "$tmp/foreign"
echo notes >"$tmp/foreign/notes.txt"
"$T" demo --out "$tmp/foreign" >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" -eq 1 ] || fail "foreign dir: exit $rc, want 1"
grep -q "$tmp/foreign" "$tmp/err" || fail "refusal does not name the dir"
[ ! -e "$tmp/foreign/projects" ] || fail "wrote into a foreign dir"
"$T" demo --out "$tmp/foreign" --force --sessions 2 2>/dev/null ||
  fail "--force exited $?"
[ -f "$tmp/foreign/notes.txt" ] || fail "--force removed a foreign file"
[ ! -e "$tmp/foreign/.tokmeter-demo" ] || fail "--force marked a foreign dir"
"$T" demo --out "$tmp/foreign" >/dev/null 2>&1
[ $? -eq 1 ] || fail "a forced foreign dir is accepted without --force"
n=$(find "$tmp/foreign/projects" -maxdepth 2 -name '*.jsonl' | wc -l)
[ "$n" -eq 2 ] || fail "--force wrote $n main files, want 2"

echo "demo: ok"
