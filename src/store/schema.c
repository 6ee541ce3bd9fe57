/* The store's schema and statements: the SQL both backends run. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "store/schema.h"
#include "util/banned.h"

/*
 * Never edit a migration that has shipped: add one. Strings are '' and
 * numbers 0 when absent, never NULL, so rows compare as tuples (the merge
 * rule below) without NULL's three-valued logic. user_id and machine are
 * '' for this machine's own calls (the local dashboard). A call is one
 * row per user: whatever one user's client sends can never replace
 * another user's row.
 *
 * One text for every backend: a word the dialects spell differently is a
 * placeholder in braces, which store_migration() expands:
 *   {text}  a string column compared byte by byte: TEXT in SQLite (its
 *           default collation, BINARY, is that); TEXT COLLATE "C" in
 *           PostgreSQL, whose databases may sort by a language's rules.
 * Expanded for SQLite, migration 0 is the text it shipped with, byte for
 * byte.
 */
const char *const store_migrations[] = {
    /* 0 -> 1: events, and the counter that orders writes. */
    "CREATE TABLE meta (k {text} PRIMARY KEY, v BIGINT NOT NULL);"
    "INSERT INTO meta (k, v) VALUES ('seq', 0);"
    "CREATE TABLE events ("
    " k0 BIGINT NOT NULL, k1 BIGINT NOT NULL, kind INTEGER NOT NULL,"
    " source {text} NOT NULL DEFAULT 'claude',"
    " user_id {text} NOT NULL DEFAULT '', machine {text} NOT NULL DEFAULT '',"
    " ts BIGINT NOT NULL, session {text} NOT NULL, model {text} NOT NULL,"
    " project {text} NOT NULL, cwd {text} NOT NULL, file {text} NOT NULL,"
    " uuid {text} NOT NULL, flags INTEGER NOT NULL,"
    " input BIGINT NOT NULL, output BIGINT NOT NULL,"
    " cw5m BIGINT NOT NULL, cw1h BIGINT NOT NULL, cr BIGINT NOT NULL,"
    " total BIGINT NOT NULL, cost DOUBLE PRECISION NOT NULL,"
    " web_search BIGINT NOT NULL, limit_reset BIGINT NOT NULL,"
    " seq BIGINT NOT NULL,"
    " PRIMARY KEY (user_id, k0, k1));"
    "CREATE INDEX events_seq ON events (seq);"
    "CREATE INDEX events_ts ON events (ts);",
    /* 1 -> 2: the team server's tokens, and which one each row came
     * through. Secrets are stored as SHA-256 only. */
    "ALTER TABLE events ADD COLUMN token_id TEXT NOT NULL DEFAULT '';"
    "CREATE TABLE tokens ("
    " id TEXT PRIMARY KEY, user_id TEXT NOT NULL, scope TEXT NOT NULL,"
    " label TEXT NOT NULL, hash TEXT NOT NULL UNIQUE,"
    " created BIGINT NOT NULL, expires BIGINT NOT NULL,"
    " revoked BIGINT NOT NULL, last_used BIGINT NOT NULL);",
    /* 2 -> 3: every ingest and admin call, for GET /api/admin/audit. */
    "CREATE TABLE audit ("
    " at BIGINT NOT NULL, token_id TEXT NOT NULL, ip TEXT NOT NULL,"
    " method TEXT NOT NULL, path TEXT NOT NULL, status INTEGER NOT NULL,"
    " bytes BIGINT NOT NULL, accepted BIGINT NOT NULL,"
    " duplicates BIGINT NOT NULL, rejected BIGINT NOT NULL);"
    "CREATE INDEX audit_at ON audit (at);",
    /* 3 -> 4: plan-quota readings sent by clients' statuslines. */
    "CREATE TABLE quota ("
    " user_id TEXT NOT NULL, machine TEXT NOT NULL, at BIGINT NOT NULL,"
    " has_five INTEGER NOT NULL, five_pct DOUBLE PRECISION NOT NULL,"
    " five_reset BIGINT NOT NULL, has_week INTEGER NOT NULL,"
    " week_pct DOUBLE PRECISION NOT NULL, week_reset BIGINT NOT NULL,"
    " PRIMARY KEY (user_id, machine, at));",
};
const size_t store_nmigrations =
    sizeof(store_migrations) / sizeof(store_migrations[0]);

static const struct {
  const char *name, *word[STORE_NDIALECTS];
} dialect_words[] = {
    {"{text}", {"TEXT", "TEXT COLLATE \"C\""}},
};
#define NWORDS (sizeof(dialect_words) / sizeof(dialect_words[0]))

void store_migration(size_t i, enum store_dialect d, struct buf *out)
{
  const char *p = store_migrations[i], *q;
  size_t w;

  while ((q = strchr(p, '{'))) {
    buf_add(out, p, (size_t)(q - p));
    for (w = 0; w < NWORDS; w++)
      if (!strncmp(q, dialect_words[w].name, strlen(dialect_words[w].name)))
        break;
    if (w == NWORDS) {
      buf_addch(out, *q); /* not a placeholder: the SQL says what it says */
      p = q + 1;
      continue;
    }
    buf_adds(out, dialect_words[w].word[d]);
    p = q + strlen(dialect_words[w].name);
  }
  buf_adds(out, p);
}

const char store_sql_next_seq[] =
    "UPDATE meta SET v = v + 1 WHERE k = 'seq' RETURNING v";

const char store_sql_upsert_head[] =
    "INSERT INTO events (k0, k1, kind, ts, session, model, project, cwd, "
    "file, uuid, flags, input, output, cw5m, cw1h, cr, total, cost, "
    "web_search, limit_reset, seq, user_id, machine, token_id) VALUES ($1, "
    "$2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, "
    "$18, $19, $20, $21, $22, $23, $24) "
    "ON CONFLICT (user_id, k0, k1) DO UPDATE SET kind = excluded.kind, "
    "ts = excluded.ts, session = excluded.session, model = excluded.model, "
    "project = excluded.project, cwd = excluded.cwd, file = excluded.file, "
    "uuid = excluded.uuid, flags = excluded.flags, input = excluded.input, "
    "output = excluded.output, cw5m = excluded.cw5m, cw1h = excluded.cw1h, "
    "cr = excluded.cr, total = excluded.total, cost = excluded.cost, "
    "web_search = excluded.web_search, limit_reset = excluded.limit_reset, "
    "seq = excluded.seq, machine = excluded.machine, "
    "token_id = excluded.token_id ";

/*
 * transcript-format.md §3.5 as one tuple comparison, in event_better()'s
 * order: not a sidechain, the larger total, the earlier time, the smaller
 * session id, the smaller uuid, then the other fields for exact ties.
 * Strings compare byte by byte (SQLite's BINARY collation). Totals are
 * unsigned 64-bit in C and signed here: one of 2^63 or more reads as
 * negative, so the CASE puts those first; within each class ~total
 * ascending is total descending, with no overflow to fear (PostgreSQL
 * would refuse -(-2^63)).
 */
#define PREFER(x)                                                              \
  "((" x ".flags & 1), CASE WHEN " x ".total < 0 THEN 0 ELSE 1 END, ~" x       \
  ".total, " x ".ts, " x ".session, " x ".uuid, " x ".model, " x ".cwd, " x    \
  ".input, " x ".output, " x ".cw5m, " x ".cw1h, " x ".flags, " x ".cost, " x  \
  ".web_search, " x ".limit_reset, " x ".file)"
const char store_sql_merge_when[] =
    "WHERE " PREFER("excluded") " < " PREFER("events");
#undef PREFER

/* A copy equal to the stored one changes nothing, not even seq. */
const char store_sql_replace_when[] =
    "WHERE (excluded.kind, excluded.ts, excluded.session, excluded.model, "
    "excluded.project, excluded.cwd, excluded.file, excluded.uuid, "
    "excluded.flags, excluded.input, excluded.output, excluded.cw5m, "
    "excluded.cw1h, excluded.cr, excluded.cost, excluded.web_search, "
    "excluded.limit_reset) <> (events.kind, events.ts, events.session, "
    "events.model, events.project, events.cwd, events.file, events.uuid, "
    "events.flags, events.input, events.output, events.cw5m, events.cw1h, "
    "events.cr, events.cost, events.web_search, events.limit_reset)";

const char store_sql_since[] =
    "SELECT k0, k1, kind, ts, session, model, project, cwd, file, uuid, "
    "flags, input, output, cw5m, cw1h, cr, total, cost, web_search, "
    "limit_reset, seq, user_id, machine FROM events WHERE seq > $1 "
    "ORDER BY seq";

const char store_sql_delete[] =
    "DELETE FROM events WHERE user_id = $1 AND k0 = $2 AND k1 = $3";

/* Tokens: columns in this order wherever a statement returns a token. */
#define TOKEN_COLS                                                             \
  "id, user_id, scope, label, created, expires, revoked, last_used"
const char store_sql_token_insert[] =
    "INSERT INTO tokens (id, user_id, scope, label, hash, created, expires, "
    "revoked, last_used) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 0)";
const char store_sql_token_by_hash[] =
    "SELECT " TOKEN_COLS ", hash FROM tokens WHERE hash = $1";
const char store_sql_token_list[] =
    "SELECT " TOKEN_COLS " FROM tokens ORDER BY created, id";
const char store_sql_token_revoke[] =
    "UPDATE tokens SET revoked = $2 WHERE id = $1 AND revoked = 0";
const char store_sql_token_used[] =
    "UPDATE tokens SET last_used = $2 WHERE id = $1";
const char store_sql_token_count[] = "SELECT count(*) FROM tokens";
#undef TOKEN_COLS

const char store_sql_seq[] = "SELECT v FROM meta WHERE k = 'seq'";

const char store_sql_count[] =
    "SELECT (SELECT count(*) FROM events), (SELECT v FROM meta WHERE k = "
    "'seq')";

const char store_sql_audit_insert[] =
    "INSERT INTO audit (at, token_id, ip, method, path, status, bytes, "
    "accepted, duplicates, rejected) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
    "$9, $10)";
const char store_sql_audit_list[] =
    "SELECT at, token_id, ip, method, path, status, bytes, accepted, "
    "duplicates, rejected FROM audit ORDER BY at DESC LIMIT $1";
const char store_sql_delete_user[] = "DELETE FROM events WHERE user_id = $1";
const char store_sql_delete_machine[] =
    "DELETE FROM events WHERE user_id = $1 AND machine = $2";
const char store_sql_quota_insert[] =
    "INSERT INTO quota (user_id, machine, at, has_five, five_pct, "
    "five_reset, has_week, week_pct, week_reset) VALUES ($1, $2, $3, $4, $5, "
    "$6, $7, $8, $9) ON CONFLICT (user_id, machine, at) DO NOTHING";
/* Each user's newest reading. */
const char store_sql_quota_latest[] =
    "SELECT q.user_id, q.machine, q.at, q.has_five, q.five_pct, q.five_reset,"
    " q.has_week, q.week_pct, q.week_reset FROM quota q WHERE q.at = (SELECT "
    "max(at) FROM quota r WHERE r.user_id = q.user_id) ORDER BY q.user_id, "
    "q.machine";
