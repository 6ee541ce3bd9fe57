/* The store's PostgreSQL backend: libpq, one connection (backend.h). */
/* SPDX-License-Identifier: MIT */
#include <libpq-fe.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "store/backend.h"
#include "store/pgtext.h"
#include "store/schema.h"
#include "util/buf.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* Type oids, fixed in PostgreSQL's catalog (pg_type.dat). */
#define OID_INT8 20
#define OID_INT4 23
#define OID_TEXT 25
#define OID_FLOAT8 701

/* Statements sent before their results are read: a round trip each
 * (results are ~25 bytes: far below any socket buffer). */
#define PIPE_CHUNK 512

/* pg_advisory_xact_lock()'s key for migrations: "tokm". */
#define MIGRATE_LOCK "1953459053"

enum stmt { ST_SEQ, ST_MERGE, ST_REPLACE, ST_SINCE, ST_DELETE, ST_COUNT, ST_N };

static const char *const stmt_name[ST_N] = {
    "tokmeter_seq",   "tokmeter_merge",  "tokmeter_replace",
    "tokmeter_since", "tokmeter_delete", "tokmeter_count"};

/* A statement's binary parameters: numbers in network order, strings
 * escaped (pgtext.h) when they must be. */
struct params {
  const char *val[COL_COUNT];
  int len[COL_COUNT], fmt[COL_COUNT];
  unsigned char num[COL_COUNT][8];
  struct buf text[COL_COUNT];
  char uuid[40];
};

struct pg {
  PGconn *conn;
  char *target; /* as given: libpq reads it, password and all */
  char *name;   /* the target with its password masked, for messages */
  int version;
  int broken; /* results out of step with what was sent: connect again */
  struct params p;
  struct buf tmp;
  PGconn *listen; /* store_wait()'s own connection: LISTEN tokmeter */
};

/* libpq prints notices on stderr by default; a library prints nothing. */
static void quiet(void *arg, const char *msg)
{
  (void)arg;
  (void)msg;
}

static int fail(struct pg *s, struct err *e, const char *what,
                const PGresult *res)
{
  const char *m = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
  struct buf line = BUF_INIT;

  pgtext_one_line(m ? m : PQerrorMessage(s->conn), &line);
  err_set(e, ERR_IO, "store '%s': cannot %s: %s", s->name, what, line.data);
  buf_release(&line);
  return ERR_IO;
}

/* Runs SQL without parameters; the result (may be NULL) when it succeeded. */
static int run(struct pg *s, const char *sql, const char *what, PGresult **out,
               struct err *e)
{
  PGresult *res = PQexec(s->conn, sql);
  ExecStatusType st = PQresultStatus(res);
  int r = 0;

  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
    r = fail(s, e, what, res);
  if (out && !r)
    *out = res;
  else
    PQclear(res);
  return r;
}

/* The integers of the first row of a query (text results). */
static int query_ints(struct pg *s, const char *sql, int64_t *out, int n,
                      struct err *e)
{
  PGresult *res = NULL;
  int i, r;

  if ((r = run(s, sql, "read the schema", &res, e)))
    return r;
  for (i = 0; i < n; i++)
    out[i] = PQntuples(res) > 0 && i < PQnfields(res)
                 ? strtoll(PQgetvalue(res, 0, i), NULL, 10)
                 : 0;
  PQclear(res);
  return 0;
}

/*
 * The schema version of the store in the connection's current schema (0:
 * none yet). A schema with tables but no tokmeter_schema is not ours, and
 * one newer than this program is refused: neither is touched.
 */
static int check(struct pg *s, int64_t *version, struct err *e)
{
  int64_t v[2];
  int r;

  *version = 0;
  if ((r = query_ints(s,
                      "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_tables "
                      "WHERE schemaname = current_schema() AND tablename = "
                      "'tokmeter_schema')::int, (SELECT count(*) FROM "
                      "pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
                      "ON n.oid = c.relnamespace WHERE n.nspname = "
                      "current_schema() AND c.relkind IN ('r', 'p', 'v', "
                      "'m', 'f', 'S'))",
                      v, 2, e)))
    return r;
  if (!v[0] && v[1])
    return err_set(e, ERR_PARSE, "'%s' is not a tokmeter store", s->name);
  if (v[0] && (r = query_ints(s,
                              "SELECT coalesce(max(version), 0) FROM "
                              "tokmeter_schema",
                              version, 1, e)))
    return r;
  if (*version > STORE_SCHEMA_VERSION)
    return err_set(e, ERR_PARSE,
                   "store '%s' has schema version %d; this tokmeter knows "
                   "up to %d: upgrade tokmeter",
                   s->name, (int)*version, STORE_SCHEMA_VERSION);
  return 0;
}

/*
 * Brings the schema to STORE_SCHEMA_VERSION in one transaction. Replicas
 * starting together queue on an advisory lock, and each reads the version
 * again once it holds it: one migrates, the others find it done.
 */
static int migrate(struct pg *s, int64_t version, struct err *e)
{
  struct buf sql = BUF_INIT;
  int r;

  if (version == STORE_SCHEMA_VERSION)
    return 0;
  if ((r = run(s, "BEGIN", "migrate", NULL, e)) ||
      (r = run(s, "SELECT pg_advisory_xact_lock(" MIGRATE_LOCK ")", "migrate",
               NULL, e)) ||
      (r = check(s, &version, e)))
    goto fail;
  if (version < STORE_SCHEMA_VERSION &&
      (r = run(s,
               "CREATE TABLE IF NOT EXISTS tokmeter_schema (version "
               "INTEGER PRIMARY KEY, applied TIMESTAMPTZ NOT NULL DEFAULT "
               "now())",
               "migrate", NULL, e)))
    goto fail;
  for (; version < STORE_SCHEMA_VERSION; version++) {
    buf_reset(&sql);
    store_migration((size_t)version, STORE_POSTGRES, &sql);
    buf_addf(&sql, ";INSERT INTO tokmeter_schema (version) VALUES (%d)",
             (int)version + 1);
    if ((r = run(s, sql.data, "migrate", NULL, e)))
      goto fail;
  }
  if ((r = run(s, "COMMIT", "migrate", NULL, e)))
    goto fail;
  buf_release(&sql);
  return 0;
fail:
  buf_release(&sql);
  PQclear(PQexec(s->conn, "ROLLBACK"));
  return r;
}

static Oid col_type(int col)
{
  switch (col) {
  case COL_KIND:
  case COL_FLAGS:
    return OID_INT4;
  case COL_SESSION:
  case COL_MODEL:
  case COL_PROJECT:
  case COL_CWD:
  case COL_FILE:
  case COL_UUID:
  case COL_USER:
  case COL_MACHINE:
  case COL_TOKEN:
    return OID_TEXT;
  case COL_COST:
    return OID_FLOAT8;
  default:
    return OID_INT8;
  }
}

/* The statements, prepared once per connection. */
static int prepare(struct pg *s, struct err *e)
{
  const Oid int8s[1] = {OID_INT8};
  const Oid del[3] = {OID_TEXT, OID_INT8, OID_INT8};
  Oid cols[COL_COUNT];
  struct buf merge = BUF_INIT, replace = BUF_INIT;
  const char *sql[ST_N];
  /* The upsert binds every column but none after the token. */
  int np[ST_N] = {0, COL_COUNT, COL_COUNT, 1, 3, 0};
  const Oid *types[ST_N] = {NULL, cols, cols, int8s, del, NULL};
  int i, r = 0;

  for (i = 0; i < COL_COUNT; i++)
    cols[i] = col_type(i);
  buf_adds(&merge, store_sql_upsert_head);
  buf_adds(&merge, store_sql_merge_when);
  buf_adds(&replace, store_sql_upsert_head);
  buf_adds(&replace, store_sql_replace_when);
  sql[ST_SEQ] = store_sql_next_seq;
  sql[ST_MERGE] = merge.data;
  sql[ST_REPLACE] = replace.data;
  sql[ST_SINCE] = store_sql_since;
  sql[ST_DELETE] = store_sql_delete;
  sql[ST_COUNT] = store_sql_count;
  for (i = 0; i < ST_N && !r; i++) {
    PGresult *res = PQprepare(s->conn, stmt_name[i], sql[i], np[i], types[i]);

    if (PQresultStatus(res) != PGRES_COMMAND_OK)
      r = fail(s, e, "prepare a statement", res);
    PQclear(res);
  }
  buf_release(&merge);
  buf_release(&replace);
  return r;
}

/* Connects and checks the server; *version is the store's schema version
 * there (0: none yet). */
static int connect_db(struct pg *s, int64_t *version, struct err *e)
{
  static const char *const keys[] = {"dbname", "fallback_application_name",
                                     "client_encoding", NULL};
  const char *vals[] = {s->target, "tokmeter", "UTF8", NULL};
  const char *enc;
  struct buf line = BUF_INIT;

  PQfinish(s->conn);
  s->conn = PQconnectdbParams(keys, vals, 1);
  if (PQstatus(s->conn) != CONNECTION_OK) {
    pgtext_one_line(s->conn ? PQerrorMessage(s->conn) : "out of memory", &line);
    pgtext_scrub(s->target, &line);
    err_set(e, ERR_IO, "cannot open store '%s': %s", s->name, line.data);
    buf_release(&line);
    return ERR_IO;
  }
  PQsetNoticeProcessor(s->conn, quiet, NULL);
  /* Text travels as UTF-8; a database in another encoding could not hold
   * every string (SQL_ASCII keeps bytes as they are). */
  enc = PQparameterStatus(s->conn, "server_encoding");
  if (enc && strcmp(enc, "UTF8") != 0 && strcmp(enc, "SQL_ASCII") != 0)
    return err_set(e, ERR_USAGE,
                   "store '%s': the database's encoding is %s; tokmeter "
                   "needs UTF8",
                   s->name, enc);
  return check(s, version, e);
}

static void pg_close(void *db);

static int pg_open(void **out, const char *target, int *version, struct err *e)
{
  struct pg *s = xcalloc(1, sizeof(*s));
  struct buf name = BUF_INIT;
  int64_t v = 0;
  int i, r;

  *out = NULL;
  s->target = xstrdup(target);
  pgtext_mask(target, &name);
  s->name = buf_detach(&name, NULL);
  buf_init(&s->tmp, 0);
  for (i = 0; i < COL_COUNT; i++)
    buf_init(&s->p.text[i], 0);
  if ((r = connect_db(s, &v, e)) || (r = migrate(s, v, e)) ||
      (r = prepare(s, e))) {
    pg_close(s);
    return r;
  }
  s->version = STORE_SCHEMA_VERSION;
  *version = s->version;
  *out = s;
  return 0;
}

static void pg_close(void *db)
{
  struct pg *s = db;
  int i;

  if (!s)
    return;
  PQfinish(s->conn);
  PQfinish(s->listen);
  for (i = 0; i < COL_COUNT; i++)
    buf_release(&s->p.text[i]);
  buf_release(&s->tmp);
  free(s->target);
  free(s->name);
  free(s);
}

/*
 * A connection the server dropped (a restart, a fail-over) is made again
 * before the next call: the call that met the break has failed, and the
 * caller reads anew (the view does).
 */
static int ready(struct pg *s, struct err *e)
{
  int64_t v = 0;
  int r;

  if (PQstatus(s->conn) == CONNECTION_OK && !s->broken &&
      PQpipelineStatus(s->conn) == PQ_PIPELINE_OFF)
    return 0;
  s->broken = 0;
  if ((r = connect_db(s, &v, e)))
    return r;
  if (v != s->version)
    return err_set(e, ERR_PARSE, "store '%s': schema version %d is now %d",
                   s->name, s->version, (int)v);
  return prepare(s, e);
}

static void put_u64(struct params *p, int col, uint64_t v)
{
  int i;

  for (i = 0; i < 8; i++)
    p->num[col][i] = (unsigned char)(v >> (56 - 8 * i));
  p->val[col] = (const char *)p->num[col];
  p->len[col] = 8;
  p->fmt[col] = 1;
}

static void put_u32(struct params *p, int col, uint32_t v)
{
  int i;

  for (i = 0; i < 4; i++)
    p->num[col][i] = (unsigned char)(v >> (24 - 8 * i));
  p->val[col] = (const char *)p->num[col];
  p->len[col] = 4;
  p->fmt[col] = 1;
}

static void put_f64(struct params *p, int col, double v)
{
  uint64_t u;

  v = v == 0 ? 0.0 : v; /* as SQLite, which keeps no -0 */
  memcpy(&u, &v, sizeof(u));
  put_u64(p, col, u);
}

static void put_str(struct params *p, int col, const char *str, size_t n)
{
  p->val[col] = pgtext_encode(str, n, &p->text[col], &n);
  p->len[col] = (int)n;
  p->fmt[col] = 1;
}

static void put_id(struct params *p, int col, const struct strtab *st,
                   uint32_t id)
{
  const char *str = id ? strtab_get(st, id) : NULL;

  put_str(p, col, str ? str : "", str ? strtab_len(st, id) : 0);
}

static void put_text(struct params *p, int col, const char *str)
{
  put_str(p, col, str, strlen(str));
}

static void put_event(struct params *p, const struct store_batch *b, size_t i,
                      int64_t seq)
{
  const struct event *ev = &b->ev[i];
  const struct strtab *st = b->st;
  const char *pn = store_batch_project(b, i);

  put_u64(p, COL_K0, ev->key[0]);
  put_u64(p, COL_K1, ev->key[1]);
  put_u32(p, COL_KIND, ev->key_kind);
  put_u64(p, COL_TS, (uint64_t)ev->ts_ms);
  put_id(p, COL_SESSION, st, ev->session);
  put_id(p, COL_MODEL, st, ev->model);
  put_str(p, COL_PROJECT, pn, strlen(pn));
  put_id(p, COL_CWD, st, ev->cwd);
  put_id(p, COL_FILE, st, ev->file);
  event_uuid(ev, st, p->uuid);
  put_str(p, COL_UUID, p->uuid, strlen(p->uuid));
  put_u32(p, COL_FLAGS, ev->flags);
  put_u64(p, COL_INPUT, ev->tok.input);
  put_u64(p, COL_OUTPUT, ev->tok.output);
  put_u64(p, COL_CW5M, ev->tok.cache_write_5m);
  put_u64(p, COL_CW1H, ev->tok.cache_write_1h);
  put_u64(p, COL_CR, ev->tok.cache_read);
  put_u64(p, COL_TOTAL, tokens_total(&ev->tok));
  put_f64(p, COL_COST, ev->cost_usd);
  put_u64(p, COL_WEB_SEARCH, ev->web_search);
  put_u64(p, COL_LIMIT_RESET, (uint64_t)ev->limit_reset);
  put_u64(p, COL_SEQ, (uint64_t)seq);
  put_text(p, COL_USER, store_batch_user(b));
  put_text(p, COL_MACHINE, store_batch_machine(b, i));
  put_text(p, COL_TOKEN, store_batch_token(b));
}

/* What cannot be sent leaves the pipeline out of step: marks it. */
static int send_stmt(struct pg *s, enum stmt st, int nparams)
{
  if (PQsendQueryPrepared(s->conn, stmt_name[st], nparams, s->p.val, s->p.len,
                          s->p.fmt, 1))
    return 0;
  s->broken = 1;
  return -1;
}

static int send_sql(struct pg *s, const char *sql)
{
  if (PQsendQueryParams(s->conn, sql, 0, NULL, NULL, NULL, NULL, 1))
    return 0;
  s->broken = 1;
  return -1;
}

static int64_t get_int(const PGresult *res, int row, int col)
{
  const unsigned char *v = (const unsigned char *)PQgetvalue(res, row, col);
  int n = PQgetlength(res, row, col), i;
  uint64_t u = 0;

  for (i = 0; i < n && i < 8; i++)
    u = u << 8 | v[i];
  if (n == 4)
    return (int32_t)(uint32_t)u;
  return (int64_t)u;
}

static double get_f64(const PGresult *res, int row, int col)
{
  uint64_t u = (uint64_t)get_int(res, row, col);
  double d;

  memcpy(&d, &u, sizeof(d));
  return d;
}

/*
 * Reads the results of the n statements sent since the last sync and of
 * the sync: adds the rows each changed to *changed (may be NULL), sets
 * *first (may be NULL) to the first column of a row returned. Returns 0
 * or the first error (later statements were skipped by the server).
 */
static int collect(struct pg *s, int n, size_t *changed, int64_t *first,
                   struct err *e)
{
  PGresult *res;
  int i, r = 0;

  for (i = 0; i < n; i++) {
    ExecStatusType st;

    if (!(res = PQgetResult(s->conn))) {
      s->broken = 1;
      return r ? r : fail(s, e, "write", NULL);
    }
    st = PQresultStatus(res);
    if (st == PGRES_TUPLES_OK && first && PQntuples(res) > 0)
      *first = get_int(res, 0, 0);
    if ((st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) && changed)
      *changed += (size_t)strtoull(PQcmdTuples(res), NULL, 10);
    else if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && !r)
      r = fail(s, e, "write", res);
    PQclear(res);
    while ((res = PQgetResult(s->conn))) /* ends with NULL */
      PQclear(res);
  }
  res = PQgetResult(s->conn);
  if (PQresultStatus(res) != PGRES_PIPELINE_SYNC) {
    s->broken = 1;
    r = r ? r : fail(s, e, "write", res);
  }
  PQclear(res);
  return r;
}

static int sync_collect(struct pg *s, int n, size_t *changed, int64_t *first,
                        struct err *e)
{
  if (!PQpipelineSync(s->conn)) {
    s->broken = 1;
    return fail(s, e, "write", NULL);
  }
  return collect(s, n, changed, first, e);
}

/* The rows, then the deletions, a chunk per round trip; COMMIT goes with
 * the last (the server skips it after an error). */
static int send_all(struct pg *s, const struct store_batch *b,
                    enum store_put_mode mode, int64_t seq, const uint64_t *keys,
                    size_t nkeys, size_t *w, size_t *d, struct err *e)
{
  size_t n = b->n, i = 0, total = n + nkeys;
  int r = 0;

  while (i < total && !r) {
    size_t end = i + PIPE_CHUNK < total ? i + PIPE_CHUNK : total, j;

    if (i < n && end > n)
      end = n; /* a chunk counts rows written or rows removed */
    for (j = i; j < end && !r; j++) {
      if (j < n) {
        put_event(&s->p, b, j, seq);
        r = send_stmt(s, mode == STORE_MERGE ? ST_MERGE : ST_REPLACE,
                      COL_COUNT);
      } else {
        put_text(&s->p, 0, store_batch_user(b));
        put_u64(&s->p, 1, keys[2 * (j - n)]);
        put_u64(&s->p, 2, keys[2 * (j - n) + 1]);
        r = send_stmt(s, ST_DELETE, 3);
      }
    }
    /* NOTIFY is delivered at COMMIT, to every server LISTENing. */
    if (!r && end == total)
      r = send_sql(s, "NOTIFY tokmeter") || send_sql(s, "COMMIT");
    if (r)
      return fail(s, e, "write", NULL);
    r = sync_collect(s, (int)(end - i) + 2 * (end == total), i < n ? w : d,
                     NULL, e);
    i = end;
  }
  return r;
}

/*
 * One transaction, pipelined: BEGIN and the next seq in one round trip,
 * then the rows and deletions in chunks, the last with COMMIT; ROLLBACK
 * after any error.
 */
static int pg_apply(void *db, const struct store_batch *b,
                    enum store_put_mode mode, const uint64_t *keys,
                    size_t nkeys, size_t *written, size_t *removed,
                    struct err *e)
{
  struct pg *s = db;
  size_t n = b->n, w = 0, d = 0;
  int64_t seq = 0;
  int r;

  if ((r = ready(s, e)))
    return r;
  if (!PQenterPipelineMode(s->conn))
    return fail(s, e, "write", NULL);
  if (send_sql(s, "BEGIN") || (n && send_stmt(s, ST_SEQ, 0)))
    r = fail(s, e, "write", NULL);
  else
    r = sync_collect(s, n ? 2 : 1, NULL, &seq, e);
  if (!r)
    r = send_all(s, b, mode, seq, keys, nkeys, &w, &d, e);
  /* Out of step, the connection is dropped: the server rolls back. */
  if (r && !s->broken && PQstatus(s->conn) == CONNECTION_OK &&
      !send_sql(s, "ROLLBACK"))
    sync_collect(s, 1, NULL, NULL, NULL);
  if (!s->broken)
    PQexitPipelineMode(s->conn);
  if (r)
    return r;
  if (written)
    *written = w;
  if (removed)
    *removed = d;
  return 0;
}

static uint32_t get_str(struct pg *s, const PGresult *res, int col,
                        struct strtab *st)
{
  const char *v = PQgetvalue(res, 0, col);
  size_t n = (size_t)PQgetlength(res, 0, col);

  if (!n)
    return 0;
  v = pgtext_decode(v, n, &s->tmp, &n);
  return n ? strtab_intern(st, v, n) : 0;
}

static void row_event(struct pg *s, const PGresult *res, struct event *ev,
                      struct strtab *st)
{
  const char *u = PQgetvalue(res, 0, COL_UUID);
  size_t un = (size_t)PQgetlength(res, 0, COL_UUID);

  memset(ev, 0, sizeof(*ev));
  ev->key[0] = (uint64_t)get_int(res, 0, COL_K0);
  ev->key[1] = (uint64_t)get_int(res, 0, COL_K1);
  ev->key_kind = (uint8_t)get_int(res, 0, COL_KIND);
  ev->ts_ms = get_int(res, 0, COL_TS);
  ev->session = get_str(s, res, COL_SESSION, st);
  ev->model = get_str(s, res, COL_MODEL, st);
  ev->cwd = get_str(s, res, COL_CWD, st);
  ev->file = get_str(s, res, COL_FILE, st);
  ev->flags = (uint8_t)get_int(res, 0, COL_FLAGS);
  if (un > 0) {
    u = pgtext_decode(u, un, &s->tmp, &un);
    event_set_uuid(ev, st, u, un);
  } else {
    ev->flags &= (uint8_t)~EVENT_UUID_BIN;
  }
  ev->tok.input = (uint64_t)get_int(res, 0, COL_INPUT);
  ev->tok.output = (uint64_t)get_int(res, 0, COL_OUTPUT);
  ev->tok.cache_write_5m = (uint64_t)get_int(res, 0, COL_CW5M);
  ev->tok.cache_write_1h = (uint64_t)get_int(res, 0, COL_CW1H);
  ev->tok.cache_read = (uint64_t)get_int(res, 0, COL_CR);
  ev->cost_usd = get_f64(res, 0, COL_COST);
  ev->web_search = (uint64_t)get_int(res, 0, COL_WEB_SEARCH);
  ev->limit_reset = get_int(res, 0, COL_LIMIT_RESET);
}

static void add_row(struct pg *s, const PGresult *res, struct store_rows *rows)
{
  int64_t seq = get_int(res, 0, COL_SEQ);

  if (rows->n == rows->cap) {
    rows->cap = rows->cap ? rows->cap * 2 : 1024;
    rows->ev = xrealloc(rows->ev, rows->cap * sizeof(*rows->ev));
    rows->project = xrealloc(rows->project, rows->cap * sizeof(*rows->project));
    rows->user = xrealloc(rows->user, rows->cap * sizeof(*rows->user));
    rows->machine = xrealloc(rows->machine, rows->cap * sizeof(*rows->machine));
  }
  row_event(s, res, &rows->ev[rows->n], rows->strs);
  rows->project[rows->n] = get_str(s, res, COL_PROJECT, rows->strs);
  rows->user[rows->n] = get_str(s, res, COL_USER, rows->strs);
  rows->machine[rows->n] = get_str(s, res, COL_MACHINE, rows->strs);
  rows->n++;
  if (seq > rows->seq)
    rows->seq = seq;
}

/* Streams the rows (single-row mode): a big store is never held twice. */
static int pg_since(void *db, int64_t after, struct store_rows *rows,
                    struct err *e)
{
  struct pg *s = db;
  PGresult *res;
  int r;

  if ((r = ready(s, e)))
    return r;
  put_u64(&s->p, 0, (uint64_t)after);
  if (send_stmt(s, ST_SINCE, 1))
    r = fail(s, e, "read", NULL);
  else
    PQsetSingleRowMode(s->conn); /* else all at once: as right, if bigger */
  while ((res = PQgetResult(s->conn))) {
    ExecStatusType st = PQresultStatus(res);

    if (st == PGRES_SINGLE_TUPLE && !r)
      add_row(s, res, rows);
    else if (st != PGRES_SINGLE_TUPLE && st != PGRES_TUPLES_OK && !r)
      r = fail(s, e, "read", res);
    PQclear(res);
  }
  return r;
}

static int pg_count(void *db, size_t *rows, int64_t *seq, struct err *e)
{
  struct pg *s = db;
  PGresult *res;
  int r;

  if ((r = ready(s, e)))
    return r;
  res = PQexecPrepared(s->conn, stmt_name[ST_COUNT], 0, NULL, NULL, NULL, 1);
  if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) {
    *rows = (size_t)get_int(res, 0, 0);
    *seq = get_int(res, 0, 1);
  } else {
    r = fail(s, e, "read", res);
  }
  PQclear(res);
  return r;
}

/* A small-table statement with text parameters and results (tokens,
 * audit, quota: nothing there needs escaping but user input, which the
 * JSON layer has checked is valid UTF-8 without NUL). */
static int pg_exec(void *db, const char *sql, const char *const *params,
                   size_t nparams, store_row_cb row, void *ctx, size_t *changes,
                   struct err *e)
{
  struct pg *s = db;
  PGresult *res;
  int r, i, j, n, stop = 0;

  if ((r = ready(s, e)))
    return r;
  res = PQexecParams(s->conn, sql, (int)nparams, NULL, params, NULL, NULL, 0);
  if (PQresultStatus(res) != PGRES_TUPLES_OK &&
      PQresultStatus(res) != PGRES_COMMAND_OK) {
    r = fail(s, e, "run a statement", res);
    PQclear(res);
    return r;
  }
  n = PQnfields(res);
  if (n > 16)
    n = 16;
  for (i = 0; row && !stop && i < PQntuples(res); i++) {
    const char *col[16];

    for (j = 0; j < n; j++)
      col[j] = PQgetisnull(res, i, j) ? NULL : PQgetvalue(res, i, j);
    stop = row(ctx, (size_t)n, col);
  }
  *changes = (size_t)strtoull(PQcmdTuples(res), NULL, 10);
  PQclear(res);
  return 0;
}

/* Drains the notifications that arrived: 1 if there were any. */
static int drain(PGconn *c)
{
  PGnotify *n;
  int any = 0;

  while ((n = PQnotifies(c)) != NULL) {
    any = 1;
    PQfreemem(n);
  }
  return any;
}

static int pg_wait(void *db, int timeout_ms, struct err *e)
{
  struct pg *s = db;
  struct pollfd pfd;
  PGresult *res;

  if (s->listen && PQstatus(s->listen) != CONNECTION_OK) {
    PQfinish(s->listen);
    s->listen = NULL;
  }
  if (!s->listen) {
    s->listen = PQconnectdb(s->target);
    if (PQstatus(s->listen) != CONNECTION_OK) {
      PQfinish(s->listen);
      s->listen = NULL;
      return err_set(e, ERR_IO, "store '%s': cannot listen", s->name);
    }
    PQsetNoticeProcessor(s->listen, quiet, NULL);
    res = PQexec(s->listen, "LISTEN tokmeter");
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
      PQclear(res);
      return err_set(e, ERR_IO, "store '%s': cannot listen", s->name);
    }
    PQclear(res);
    return 1; /* what was missed while not listening: look */
  }
  if (drain(s->listen))
    return 1;
  pfd.fd = PQsocket(s->listen);
  pfd.events = POLLIN;
  pfd.revents = 0;
  if (poll(&pfd, 1, timeout_ms) <= 0)
    return 0;
  if (!PQconsumeInput(s->listen))
    return err_set(e, ERR_IO, "store '%s': lost the listening connection",
                   s->name);
  return drain(s->listen);
}

const struct store_backend store_postgres = {
    "postgres", pg_open,  pg_close, pg_apply,
    pg_exec,    pg_since, pg_count, pg_wait,
};
