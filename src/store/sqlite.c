/* The store's SQLite backend: one file in WAL mode (backend.h). */
/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/backend.h"
#include "store/schema.h"
#include "util/buf.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define BUSY_MS 10000 /* another process writing: wait this long */

enum stmt {
  ST_SEQ,
  ST_MERGE,
  ST_REPLACE,
  ST_SINCE,
  ST_DELETE,
  ST_COUNT,
  ST_BEGIN,
  ST_COMMIT,
  ST_ROLLBACK,
  ST_N
};

struct lite {
  sqlite3 *db;
  sqlite3_stmt *st[ST_N];
  char *path;
  int version;
  sqlite3 *watch; /* store_wait()'s own connection, opened on first use */
  int64_t data_version;
};

static int db_fail(struct lite *s, struct err *e, const char *what)
{
  return err_set(e, ERR_IO, "store '%s': cannot %s: %s", s->path, what,
                 sqlite3_errmsg(s->db));
}

static int exec(struct lite *s, const char *sql, struct err *e)
{
  char *msg = NULL;

  if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
    err_set(e, ERR_IO, "store '%s': %s", s->path,
            msg ? msg : sqlite3_errmsg(s->db));
    sqlite3_free(msg);
    return ERR_IO;
  }
  return 0;
}

/* One integer from a query without parameters. */
static int query_int(struct lite *s, const char *sql, int64_t *out,
                     struct err *e)
{
  sqlite3_stmt *q;
  int r;

  if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK)
    return db_fail(s, e, "read the schema");
  r = sqlite3_step(q);
  *out = r == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
  sqlite3_finalize(q);
  return r == SQLITE_ROW || r == SQLITE_DONE ? 0 : db_fail(s, e, "read");
}

/* Refuses foreign databases and newer schemas, touching nothing. */
static int check(struct lite *s, struct err *e)
{
  int64_t app = 0, version = 0, tables = 0;
  int r;

  if ((r = query_int(s, "PRAGMA application_id", &app, e)) ||
      (r = query_int(s, "PRAGMA user_version", &version, e)) ||
      (r = query_int(s, "SELECT count(*) FROM sqlite_master", &tables, e)))
    return r;
  if (app != STORE_APPLICATION_ID && (app || tables))
    return err_set(e, ERR_PARSE, "'%s' is not a tokmeter store", s->path);
  if (version > STORE_SCHEMA_VERSION)
    return err_set(e, ERR_PARSE,
                   "store '%s' has schema version %d; this tokmeter knows "
                   "up to %d: upgrade tokmeter",
                   s->path, (int)version, STORE_SCHEMA_VERSION);
  s->version = (int)version;
  return 0;
}

/* Brings the schema to STORE_SCHEMA_VERSION (after check()). */
static int migrate(struct lite *s, struct err *e)
{
  int64_t version = s->version;
  struct buf sql = BUF_INIT;
  int r;

  if (version == STORE_SCHEMA_VERSION)
    return 0;
  if ((r = exec(s, "BEGIN IMMEDIATE", e)))
    return r;
  /* Read again under the write lock: another process may have won. */
  if ((r = query_int(s, "PRAGMA user_version", &version, e)))
    goto fail;
  for (; version < STORE_SCHEMA_VERSION; version++) {
    buf_reset(&sql);
    store_migration((size_t)version, STORE_SQLITE, &sql);
    if ((r = exec(s, sql.data, e)))
      goto fail;
  }
  buf_reset(&sql);
  buf_addf(&sql, "PRAGMA application_id = %d; PRAGMA user_version = %d",
           STORE_APPLICATION_ID, STORE_SCHEMA_VERSION);
  if ((r = exec(s, sql.data, e)) || (r = exec(s, "COMMIT", e)))
    goto fail;
  buf_release(&sql);
  s->version = STORE_SCHEMA_VERSION;
  return 0;
fail:
  buf_release(&sql);
  exec(s, "ROLLBACK", NULL);
  return r;
}

static int prepare(struct lite *s, struct err *e)
{
  static const char *const fixed[] = {"BEGIN IMMEDIATE", "COMMIT", "ROLLBACK"};
  struct buf merge = BUF_INIT, replace = BUF_INIT;
  const char *sql[ST_N];
  int i, r = 0;

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
  sql[ST_BEGIN] = fixed[0];
  sql[ST_COMMIT] = fixed[1];
  sql[ST_ROLLBACK] = fixed[2];
  for (i = 0; i < ST_N && !r; i++)
    if (sqlite3_prepare_v3(s->db, sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                           &s->st[i], NULL) != SQLITE_OK)
      r = db_fail(s, e, "prepare a statement");
  buf_release(&merge);
  buf_release(&replace);
  return r;
}

/* SQLite creates files 0644: usage history is the user's alone. */
static int create_private(const char *path, struct err *e)
{
  int fd;

  if (!strcmp(path, ":memory:"))
    return 0;
  fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return err_set(e, ERR_IO, "cannot open store '%s': %s", path,
                   strerror(errno));
  close(fd);
  return 0;
}

static void lite_close(void *db);

static int lite_open(void **out, const char *path, int *version, struct err *e)
{
  struct lite *s = xcalloc(1, sizeof(*s));
  int memory = !strcmp(path, ":memory:"), r;

  *out = NULL;
  s->path = xstrdup(path);
  if ((r = create_private(path, e)))
    goto fail;
  if (sqlite3_open_v2(path, &s->db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                          SQLITE_OPEN_NOMUTEX,
                      NULL) != SQLITE_OK) {
    r = err_set(e, ERR_IO, "cannot open store '%s': %s", path,
                s->db ? sqlite3_errmsg(s->db) : "out of memory");
    goto fail;
  }
  sqlite3_busy_timeout(s->db, BUSY_MS);
  /* WAL: readers never wait for the writer; FULL: a commit that
   * returned survives a power cut; the log is cut back after a big
   * first write. */
  if ((r = check(s, e)) ||
      (!memory && (r = exec(s, "PRAGMA journal_mode = WAL", e))) ||
      (r = exec(s, "PRAGMA synchronous = FULL", e)) ||
      (r = exec(s, "PRAGMA journal_size_limit = 4194304", e)) ||
      (r = migrate(s, e)) || (r = prepare(s, e)))
    goto fail;
  *out = s;
  *version = s->version;
  return 0;
fail:
  lite_close(s);
  return r;
}

static void lite_close(void *db)
{
  struct lite *s = db;
  int i;

  if (!s)
    return;
  for (i = 0; i < ST_N; i++)
    sqlite3_finalize(s->st[i]);
  sqlite3_close(s->watch);
  sqlite3_close(s->db);
  free(s->path);
  free(s);
}

/* Runs a statement without results to the end and resets it. */
static int step_done(struct lite *s, sqlite3_stmt *q, struct err *e)
{
  int r = sqlite3_step(q);

  sqlite3_reset(q);
  sqlite3_clear_bindings(q);
  return r == SQLITE_DONE ? 0 : db_fail(s, e, "write");
}

static int begin(struct lite *s, struct err *e)
{
  return step_done(s, s->st[ST_BEGIN], e);
}

static int finish(struct lite *s, int r, struct err *e)
{
  if (!r)
    return step_done(s, s->st[ST_COMMIT], e);
  step_done(s, s->st[ST_ROLLBACK], NULL);
  return r;
}

static void bind_str(sqlite3_stmt *q, int col, const struct strtab *st,
                     uint32_t id)
{
  const char *p = id ? strtab_get(st, id) : NULL;

  sqlite3_bind_text(q, col + 1, p ? p : "", p ? (int)strtab_len(st, id) : 0,
                    SQLITE_STATIC);
}

static void bind_u64(sqlite3_stmt *q, int col, uint64_t v)
{
  sqlite3_bind_int64(q, col + 1, (int64_t)v);
}

static void bind_event(sqlite3_stmt *q, const struct store_batch *b, size_t i,
                       char *uuid, int64_t seq)
{
  const struct event *ev = &b->ev[i];
  const struct strtab *st = b->st;
  const char *pn = store_batch_project(b, i);

  bind_u64(q, COL_K0, ev->key[0]);
  bind_u64(q, COL_K1, ev->key[1]);
  sqlite3_bind_int(q, COL_KIND + 1, ev->key_kind);
  sqlite3_bind_int64(q, COL_TS + 1, ev->ts_ms);
  bind_str(q, COL_SESSION, st, ev->session);
  bind_str(q, COL_MODEL, st, ev->model);
  sqlite3_bind_text(q, COL_PROJECT + 1, pn, -1, SQLITE_STATIC);
  bind_str(q, COL_CWD, st, ev->cwd);
  bind_str(q, COL_FILE, st, ev->file);
  event_uuid(ev, st, uuid);
  sqlite3_bind_text(q, COL_UUID + 1, uuid, -1, SQLITE_STATIC);
  sqlite3_bind_int(q, COL_FLAGS + 1, ev->flags);
  bind_u64(q, COL_INPUT, ev->tok.input);
  bind_u64(q, COL_OUTPUT, ev->tok.output);
  bind_u64(q, COL_CW5M, ev->tok.cache_write_5m);
  bind_u64(q, COL_CW1H, ev->tok.cache_write_1h);
  bind_u64(q, COL_CR, ev->tok.cache_read);
  bind_u64(q, COL_TOTAL, tokens_total(&ev->tok));
  sqlite3_bind_double(q, COL_COST + 1, ev->cost_usd);
  bind_u64(q, COL_WEB_SEARCH, ev->web_search);
  sqlite3_bind_int64(q, COL_LIMIT_RESET + 1, ev->limit_reset);
  sqlite3_bind_int64(q, COL_SEQ + 1, seq);
  sqlite3_bind_text(q, COL_USER + 1, store_batch_user(b), -1, SQLITE_STATIC);
  sqlite3_bind_text(q, COL_MACHINE + 1, store_batch_machine(b, i), -1,
                    SQLITE_STATIC);
  sqlite3_bind_text(q, COL_TOKEN + 1, store_batch_token(b), -1, SQLITE_STATIC);
}

/* The rows of ev[0..n) under one new seq, inside a transaction. */
/* The rows of b under one new seq, inside a transaction. */
static int put_rows(struct lite *s, const struct store_batch *b,
                    enum store_put_mode mode, size_t *written, struct err *e)
{
  sqlite3_stmt *q = s->st[mode == STORE_MERGE ? ST_MERGE : ST_REPLACE];
  sqlite3_stmt *sq = s->st[ST_SEQ];
  int64_t seq = 0;
  char uuid[40];
  size_t i;
  int r = 0;

  if (!b->n)
    return 0;
  if (sqlite3_step(sq) == SQLITE_ROW)
    seq = sqlite3_column_int64(sq, 0);
  else
    r = db_fail(s, e, "number the write");
  sqlite3_reset(sq);
  for (i = 0; i < b->n && !r; i++) {
    bind_event(q, b, i, uuid, seq);
    if (!(r = step_done(s, q, e)))
      *written += (size_t)sqlite3_changes(s->db);
  }
  return r;
}

static int delete_rows(struct lite *s, const char *user, const uint64_t *keys,
                       size_t n, size_t *removed, struct err *e)
{
  sqlite3_stmt *q = s->st[ST_DELETE];
  size_t i;
  int r = 0;

  for (i = 0; i < n && !r; i++) {
    sqlite3_bind_text(q, 1, user, -1, SQLITE_STATIC);
    bind_u64(q, 1, keys[2 * i]);
    bind_u64(q, 2, keys[2 * i + 1]);
    if (!(r = step_done(s, q, e)))
      *removed += (size_t)sqlite3_changes(s->db);
  }
  return r;
}

static int lite_apply(void *db, const struct store_batch *b,
                      enum store_put_mode mode, const uint64_t *keys,
                      size_t nkeys, size_t *written, size_t *removed,
                      struct err *e)
{
  struct lite *s = db;
  size_t w = 0, d = 0;
  int r;

  if ((r = begin(s, e)))
    return r;
  r = put_rows(s, b, mode, &w, e);
  if (!r)
    r = delete_rows(s, store_batch_user(b), keys, nkeys, &d, e);
  if ((r = finish(s, r, e)))
    return r;
  if (written)
    *written = w;
  if (removed)
    *removed = d;
  return 0;
}

static uint32_t col_str(sqlite3_stmt *q, int col, struct strtab *st)
{
  const unsigned char *p = sqlite3_column_text(q, col);
  int n = sqlite3_column_bytes(q, col);

  return p && n > 0 ? strtab_intern(st, (const char *)p, (size_t)n) : 0;
}

static uint64_t col_u64(sqlite3_stmt *q, int col)
{
  return (uint64_t)sqlite3_column_int64(q, col);
}

static void row_event(sqlite3_stmt *q, struct event *ev, struct strtab *st)
{
  const unsigned char *u = sqlite3_column_text(q, COL_UUID);
  int un = sqlite3_column_bytes(q, COL_UUID);

  memset(ev, 0, sizeof(*ev));
  ev->key[0] = col_u64(q, COL_K0);
  ev->key[1] = col_u64(q, COL_K1);
  ev->key_kind = (uint8_t)sqlite3_column_int(q, COL_KIND);
  ev->ts_ms = sqlite3_column_int64(q, COL_TS);
  ev->session = col_str(q, COL_SESSION, st);
  ev->model = col_str(q, COL_MODEL, st);
  ev->cwd = col_str(q, COL_CWD, st);
  ev->file = col_str(q, COL_FILE, st);
  ev->flags = (uint8_t)sqlite3_column_int(q, COL_FLAGS);
  if (u && un > 0)
    event_set_uuid(ev, st, (const char *)u, (size_t)un);
  else
    ev->flags &= (uint8_t)~EVENT_UUID_BIN;
  ev->tok.input = col_u64(q, COL_INPUT);
  ev->tok.output = col_u64(q, COL_OUTPUT);
  ev->tok.cache_write_5m = col_u64(q, COL_CW5M);
  ev->tok.cache_write_1h = col_u64(q, COL_CW1H);
  ev->tok.cache_read = col_u64(q, COL_CR);
  ev->cost_usd = sqlite3_column_double(q, COL_COST);
  ev->web_search = col_u64(q, COL_WEB_SEARCH);
  ev->limit_reset = sqlite3_column_int64(q, COL_LIMIT_RESET);
}

static int lite_since(void *db, int64_t after, struct store_rows *rows,
                      struct err *e)
{
  struct lite *s = db;
  sqlite3_stmt *q = s->st[ST_SINCE];
  int r;

  sqlite3_bind_int64(q, 1, after);
  while ((r = sqlite3_step(q)) == SQLITE_ROW) {
    if (rows->n == rows->cap) {
      rows->cap = rows->cap ? rows->cap * 2 : 1024;
      rows->ev = xrealloc(rows->ev, rows->cap * sizeof(*rows->ev));
      rows->project =
          xrealloc(rows->project, rows->cap * sizeof(*rows->project));
      rows->user = xrealloc(rows->user, rows->cap * sizeof(*rows->user));
      rows->machine =
          xrealloc(rows->machine, rows->cap * sizeof(*rows->machine));
    }
    row_event(q, &rows->ev[rows->n], rows->strs);
    rows->project[rows->n] = col_str(q, COL_PROJECT, rows->strs);
    rows->user[rows->n] = col_str(q, COL_USER, rows->strs);
    rows->machine[rows->n] = col_str(q, COL_MACHINE, rows->strs);
    rows->n++;
    if (sqlite3_column_int64(q, COL_SEQ) > rows->seq)
      rows->seq = sqlite3_column_int64(q, COL_SEQ);
  }
  sqlite3_reset(q);
  sqlite3_clear_bindings(q);
  return r == SQLITE_DONE ? 0 : db_fail(s, e, "read");
}

static int lite_count(void *db, size_t *rows, int64_t *seq, struct err *e)
{
  struct lite *s = db;
  sqlite3_stmt *q = s->st[ST_COUNT];
  int r = sqlite3_step(q);

  if (r == SQLITE_ROW) {
    *rows = (size_t)sqlite3_column_int64(q, 0);
    *seq = sqlite3_column_int64(q, 1);
  }
  sqlite3_reset(q);
  return r == SQLITE_ROW ? 0 : db_fail(s, e, "read");
}

static int lite_exec(void *db, const char *sql, const char *const *params,
                     size_t nparams, store_row_cb row, void *ctx,
                     size_t *changes, struct err *e)
{
  struct lite *s = db;
  const char *col[16];
  sqlite3_stmt *q;
  size_t i;
  int r, n, stop = 0;

  if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK)
    return db_fail(s, e, "prepare a statement");
  /* By name: SQLite numbers "$2" by where it first appears, not by 2. */
  for (i = 0; i < nparams; i++) {
    char name[24];
    int at;

    snprintf(name, sizeof(name), "$%u", (unsigned)(i + 1));
    at = sqlite3_bind_parameter_index(q, name);
    if (at && params[i])
      sqlite3_bind_text(q, at, params[i], -1, SQLITE_STATIC);
  }
  n = sqlite3_column_count(q);
  if (n > 16)
    n = 16;
  while (!stop && (r = sqlite3_step(q)) == SQLITE_ROW) {
    for (i = 0; i < (size_t)n; i++)
      col[i] = (const char *)sqlite3_column_text(q, (int)i);
    stop = row ? row(ctx, (size_t)n, col) : 0;
  }
  if (stop)
    r = SQLITE_DONE;
  *changes = r == SQLITE_DONE ? (size_t)sqlite3_changes(s->db) : 0;
  sqlite3_finalize(q);
  return r == SQLITE_DONE ? 0 : db_fail(s, e, "run a statement");
}

/* PRAGMA data_version of the watch connection: it moves when another
 * connection (the store's own included) commits. */
static int data_version(struct lite *s, int64_t *v)
{
  sqlite3_stmt *q;
  int r;

  if (sqlite3_prepare_v2(s->watch, "PRAGMA data_version", -1, &q, NULL) !=
      SQLITE_OK)
    return -1;
  r = sqlite3_step(q) == SQLITE_ROW ? 0 : -1;
  *v = r ? 0 : sqlite3_column_int64(q, 0);
  sqlite3_finalize(q);
  return r;
}

static int lite_wait(void *db, int timeout_ms, struct err *e)
{
  struct lite *s = db;
  int64_t v;
  int waited;

  if (!strcmp(s->path, ":memory:")) {
    usleep((useconds_t)timeout_ms * 1000);
    return 0;
  }
  if (!s->watch) {
    if (sqlite3_open_v2(s->path, &s->watch,
                        SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK ||
        data_version(s, &s->data_version)) {
      sqlite3_close(s->watch);
      s->watch = NULL;
      return err_set(e, ERR_IO, "store '%s': cannot watch it", s->path);
    }
    sqlite3_busy_timeout(s->watch, BUSY_MS);
  }
  for (waited = 0; waited < timeout_ms; waited += 50) {
    usleep(50000);
    if (data_version(s, &v))
      return err_set(e, ERR_IO, "store '%s': cannot watch it", s->path);
    if (v != s->data_version) {
      s->data_version = v;
      return 1;
    }
  }
  return 0;
}

const struct store_backend store_sqlite = {
    "sqlite",  lite_open,  lite_close, lite_apply,
    lite_exec, lite_since, lite_count, lite_wait,
};
