/* Times SQLite against a flat file of 128-byte records as the index store. */
/* SPDX-License-Identifier: MIT */

/*
 * Synthetic events with the counts of the 1 GB demo corpus are written,
 * read, aggregated and appended to through SQLite and through a flat file
 * (sqlite-probe-flat.c); each step is timed best of RUNS and a Markdown
 * table goes to stdout. Usage: sqlite-probe DIR (an empty scratch dir).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "sqlite-probe.h"
#include "util/xalloc.h"
#include "util/banned.h"

enum {
  N_CFG = 3, /* SQLite set-ups; the flat file is column N_CFG */
  RUNS = 5
};

struct sql_cfg {
  const char *name;
  const char *tag;
  const char *pragmas;
  int blob; /* events as (k0, k1, file, win, the struct as a BLOB) */
};

static const struct sql_cfg sql_cfgs[N_CFG] = {
    {"SQLite WAL, sync NORMAL", "wal",
     "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", 0},
    {"SQLite journal OFF, sync OFF", "off",
     "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;", 0},
    {"SQLite OFF/OFF, event as one BLOB", "blob",
     "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;", 1},
};

/* ---- SQLite ---- */

#define VALS20                                                                 \
  "?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20"
#define TOTAL_OF(t) t ".input+" t ".output+" t ".cw5m+" t ".cw1h+" t ".cread"

static const char *const sql_schema[2] = {
    "CREATE TABLE events(k0 INTEGER NOT NULL, k1 INTEGER NOT NULL,"
    " file INTEGER NOT NULL, win INTEGER NOT NULL, ts INTEGER, input INTEGER,"
    " output INTEGER, cw5m INTEGER, cw1h INTEGER, cread INTEGER,"
    " reset INTEGER, web INTEGER, session INTEGER, model INTEGER,"
    " cwd INTEGER, uuid_str INTEGER, kind INTEGER, flags INTEGER, cost REAL,"
    " uuid BLOB, PRIMARY KEY(k0, k1, file)) WITHOUT ROWID;",
    "CREATE TABLE events(k0 INTEGER NOT NULL, k1 INTEGER NOT NULL,"
    " file INTEGER NOT NULL, win INTEGER NOT NULL, ev BLOB NOT NULL,"
    " PRIMARY KEY(k0, k1, file)) WITHOUT ROWID;"};

static const char *const sql_meta_schema =
    "CREATE TABLE strings(id INTEGER PRIMARY KEY, s TEXT NOT NULL);"
    "CREATE TABLE files(id INTEGER PRIMARY KEY, path INTEGER NOT NULL,"
    " dev INTEGER, ino INTEGER, size INTEGER, mtime INTEGER, off INTEGER);";

static const char *const sql_insert[2][2] = {
    {"INSERT INTO events VALUES(" VALS20 ")",
     "INSERT OR REPLACE INTO events VALUES(" VALS20 ")"},
    {"INSERT INTO events VALUES(?1, ?2, ?3, ?4, ?5)",
     "INSERT OR REPLACE INTO events VALUES(?1, ?2, ?3, ?4, ?5)"}};

/* Keeps the better copy per (key, file): not sidechain, total, earlier. */
static const char *const sql_upsert =
    "INSERT INTO events VALUES(" VALS20 ") ON CONFLICT(k0, k1, file) DO "
    "UPDATE SET win=excluded.win, ts=excluded.ts, input=excluded.input,"
    " output=excluded.output, cw5m=excluded.cw5m, cw1h=excluded.cw1h,"
    " cread=excluded.cread, reset=excluded.reset, web=excluded.web,"
    " session=excluded.session, model=excluded.model, cwd=excluded.cwd,"
    " uuid_str=excluded.uuid_str, kind=excluded.kind, flags=excluded.flags,"
    " cost=excluded.cost, uuid=excluded.uuid"
    " WHERE (excluded.flags & 1) < (events.flags & 1)"
    " OR ((excluded.flags & 1) = (events.flags & 1) AND (" TOTAL_OF(
        "exclud"
        "ed") " > " TOTAL_OF("events") " OR (" TOTAL_OF("excluded") " ="
                                                                    " " TOTAL_OF(
                                                                        "event"
                                                                        "s") " "
                                                                             "A"
                                                                             "N"
                                                                             "D"
                                                                             " "
                                                                             "e"
                                                                             "x"
                                                                             "c"
                                                                             "l"
                                                                             "u"
                                                                             "d"
                                                                             "e"
                                                                             "d"
                                                                             "."
                                                                             "t"
                                                                             "s"
                                                                             " "
                                                                             "<"
                                                                             " "
                                                                             "e"
                                                                             "v"
                                                                             "e"
                                                                             "n"
                                                                             "t"
                                                                             "s"
                                                                             "."
                                                                             "t"
                                                                             "s"
                                                                             ")"
                                                                             ")"
                                                                             ")";

static void sql_exec(sqlite3 *db, const char *sql)
{
  char *msg = NULL;
  if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
    probe_die("sqlite: '%.40s': %s", sql, msg ? msg : "?");
}

static sqlite3_stmt *sql_prep(sqlite3 *db, const char *sql)
{
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
    probe_die("sqlite: cannot prepare '%.40s': %s", sql, sqlite3_errmsg(db));
  return st;
}

static void sql_done(sqlite3 *db, sqlite3_stmt *st)
{
  if (sqlite3_step(st) != SQLITE_DONE)
    probe_die("sqlite: step failed: %s", sqlite3_errmsg(db));
  sqlite3_reset(st);
}

static sqlite3 *sql_open(const char *path, int cfg)
{
  sqlite3 *db = NULL;
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                      NULL) != SQLITE_OK)
    probe_die("sqlite: cannot open '%s'", path);
  sql_exec(db, sql_cfgs[cfg].pragmas);
  return db;
}

static void sql_path(char *out, const struct run *r, const char *kind)
{
  probe_path(out, r, sql_cfgs[r->cfg].tag, kind, "db");
}

/* Columns k0, k1, file, win, then the event's fields or the whole struct. */
static void ev_bind(sqlite3_stmt *st, const struct event *ev, int blob)
{
  const sqlite3_int64 v[18] = {(sqlite3_int64)ev->key[0],
                               (sqlite3_int64)ev->key[1],
                               ev->file,
                               (ev->flags & WIN_BIT) != 0,
                               ev->ts_ms,
                               (sqlite3_int64)ev->tok.input,
                               (sqlite3_int64)ev->tok.output,
                               (sqlite3_int64)ev->tok.cache_write_5m,
                               (sqlite3_int64)ev->tok.cache_write_1h,
                               (sqlite3_int64)ev->tok.cache_read,
                               ev->limit_reset,
                               (sqlite3_int64)ev->web_search,
                               ev->session,
                               ev->model,
                               ev->cwd,
                               ev->uuid_str,
                               ev->key_kind,
                               ev->flags & ~WIN_BIT};
  for (int i = 0; i < (blob ? 4 : 18); i++)
    sqlite3_bind_int64(st, i + 1, v[i]);
  if (blob) {
    sqlite3_bind_blob(st, 5, ev, sizeof *ev, SQLITE_STATIC);
    return;
  }
  sqlite3_bind_double(st, 19, ev->cost_usd);
  sqlite3_bind_blob(st, 20, ev->uuid, 16, SQLITE_STATIC);
}

static void ev_column(sqlite3_stmt *st, struct event *ev, int blob)
{
  sqlite3_int64 v[18];
  int i;
  if (blob) {
    if (sqlite3_column_bytes(st, 4) != (int)sizeof *ev)
      probe_die("sqlite: event blob of %d bytes", sqlite3_column_bytes(st, 4));
    memcpy(ev, sqlite3_column_blob(st, 4), sizeof *ev);
  } else {
    for (i = 0; i < 18; i++)
      v[i] = sqlite3_column_int64(st, i);
    memset(ev, 0, sizeof *ev);
    ev->key[0] = (uint64_t)v[0];
    ev->key[1] = (uint64_t)v[1];
    ev->file = (uint32_t)v[2];
    ev->ts_ms = v[4];
    ev->tok.input = (uint64_t)v[5];
    ev->tok.output = (uint64_t)v[6];
    ev->tok.cache_write_5m = (uint64_t)v[7];
    ev->tok.cache_write_1h = (uint64_t)v[8];
    ev->tok.cache_read = (uint64_t)v[9];
    ev->limit_reset = v[10];
    ev->web_search = (uint64_t)v[11];
    ev->session = (uint32_t)v[12];
    ev->model = (uint32_t)v[13];
    ev->cwd = (uint32_t)v[14];
    ev->uuid_str = (uint32_t)v[15];
    ev->key_kind = (uint8_t)v[16];
    ev->flags = (uint8_t)v[17];
    ev->cost_usd = sqlite3_column_double(st, 18);
    if (sqlite3_column_bytes(st, 19) == 16)
      memcpy(ev->uuid, sqlite3_column_blob(st, 19), 16);
  }
  if (sqlite3_column_int(st, 3))
    ev->flags |= WIN_BIT;
  else
    ev->flags &= (uint8_t)~WIN_BIT;
}

static void sql_put_meta(sqlite3 *db, const struct probe *p)
{
  sqlite3_stmt *st = sql_prep(db, "INSERT INTO strings VALUES(?1, ?2)");
  uint32_t i;
  for (i = 1; i <= p->nstr; i++) {
    sqlite3_bind_int64(st, 1, i);
    sqlite3_bind_text(st, 2, p->str[i], -1, SQLITE_STATIC);
    sql_done(db, st);
  }
  sqlite3_finalize(st);
  st = sql_prep(db, "INSERT INTO files VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  for (i = 0; i < N_FILES; i++) {
    const struct pfile *f = &p->files[i];
    sqlite3_bind_int64(st, 1, i + 1);
    sqlite3_bind_int64(st, 2, f->path);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)f->dev);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)f->ino);
    sqlite3_bind_int64(st, 5, f->size);
    sqlite3_bind_int64(st, 6, f->mtime_ns);
    sqlite3_bind_int64(st, 7, f->offset);
    sql_done(db, st);
  }
  sqlite3_finalize(st);
}

/* Cold write: schema, strings, files, then every copy (or deduped row). */
static double sql_write(const struct run *r)
{
  const struct probe *p = r->p;
  int rows = r->variant & V_ROWS, blob = sql_cfgs[r->cfg].blob;
  const struct event *ev = rows ? p->rows : p->copies;
  size_t i, n = rows ? p->nrows : N_COPIES;
  char path[PATH_LEN], side[PATH_LEN + 8];
  sql_path(path, r, rows ? "rows" : "copies");
  unlink(path);
  snprintf(side, sizeof side, "%s-wal", path);
  unlink(side);
  double t0 = probe_now_ms();
  sqlite3 *db = sql_open(path, r->cfg);
  sql_exec(db, sql_meta_schema);
  sql_exec(db, sql_schema[blob]);
  sql_exec(db, "BEGIN");
  sql_put_meta(db, p);
  sqlite3_stmt *st = sql_prep(db, rows ? sql_insert[blob][0] : sql_upsert);
  for (i = 0; i < n; i++) {
    ev_bind(st, &ev[i], blob);
    sql_done(db, st);
  }
  sqlite3_finalize(st);
  sql_exec(db, "COMMIT");
  sqlite3_close(db);
  return probe_now_ms() - t0;
}

/* Warm read of every winner (then, for V_AGG, tokens per day and model). */
static double sql_read(const struct run *r)
{
  char path[PATH_LEN];
  struct event *ev = NULL;
  size_t n = 0, cap = 0;
  uint64_t calls = N_CALLS;
  sql_path(path, r, "rows");
  double t0 = probe_now_ms();
  sqlite3 *db = sql_open(path, r->cfg);
  sqlite3_stmt *st = sql_prep(db, "SELECT * FROM events WHERE win = 1");
  while (sqlite3_step(st) == SQLITE_ROW) {
    ev = xgrow(ev, &cap, n + 1, sizeof *ev);
    ev_column(st, &ev[n++], sql_cfgs[r->cfg].blob);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  if (r->variant & V_AGG)
    calls = probe_aggregate(ev, n);
  double t = probe_now_ms() - t0;
  probe_check("sqlite read", ev, n, r->p->sum_total);
  if (calls != N_CALLS)
    probe_die("sqlite read: %llu calls aggregated", (unsigned long long)calls);
  free(ev);
  return t;
}

/* SQLite sums tokens per UTC day and model itself. */
static double sql_aggregate(const struct run *r)
{
  char path[PATH_LEN];
  struct tokens sum = {0};
  int64_t calls = 0;
  sql_path(path, r, "rows");
  double t0 = probe_now_ms();
  sqlite3 *db = sql_open(path, r->cfg);
  sqlite3_stmt *st =
      sql_prep(db, "SELECT ts / 86400000 AS d, model, sum(input), sum(output),"
                   " sum(cw5m), sum(cw1h), sum(cread), count(*) FROM events"
                   " WHERE win = 1 GROUP BY d, model");
  while (sqlite3_step(st) == SQLITE_ROW) {
    sum.input += (uint64_t)sqlite3_column_int64(st, 2);
    sum.output += (uint64_t)sqlite3_column_int64(st, 3);
    sum.cache_write_5m += (uint64_t)sqlite3_column_int64(st, 4);
    sum.cache_write_1h += (uint64_t)sqlite3_column_int64(st, 5);
    sum.cache_read += (uint64_t)sqlite3_column_int64(st, 6);
    calls += sqlite3_column_int64(st, 7);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  double t = probe_now_ms() - t0;
  if (calls != N_CALLS || tokens_total(&sum) != r->p->sum_total)
    probe_die("sqlite aggregate: %lld calls", (long long)calls);
  return t;
}

/* One new copy: kept if better than its file's copy; may take the win. */
static int sql_append_one(sqlite3 *db, sqlite3_stmt *const st[3], int blob,
                          const struct event *ev)
{
  struct event cur, same, win, x = *ev;
  int has_same = 0, has_win = 0, w;
  sqlite3_bind_int64(st[0], 1, (sqlite3_int64)ev->key[0]);
  sqlite3_bind_int64(st[0], 2, (sqlite3_int64)ev->key[1]);
  while (sqlite3_step(st[0]) == SQLITE_ROW) {
    ev_column(st[0], &cur, blob);
    if (cur.file == ev->file) {
      same = cur;
      has_same = 1;
    }
    if (cur.flags & WIN_BIT) {
      win = cur;
      has_win = 1;
    }
  }
  sqlite3_reset(st[0]);
  if (has_same && !probe_better(ev, &same))
    return 0;
  w = !has_win || win.file == ev->file || probe_better(ev, &win);
  if (w && has_win && win.file != ev->file) {
    sqlite3_bind_int64(st[2], 1, (sqlite3_int64)ev->key[0]);
    sqlite3_bind_int64(st[2], 2, (sqlite3_int64)ev->key[1]);
    sqlite3_bind_int64(st[2], 3, win.file);
    sql_done(db, st[2]);
  }
  x.flags = (uint8_t)(w ? x.flags | WIN_BIT : x.flags & ~WIN_BIT);
  ev_bind(st[1], &x, blob);
  sql_done(db, st[1]);
  return w && !has_win;
}

/* Look up each new copy's key, upsert it, and move the win if it is better. */
static double sql_append(const struct run *r)
{
  char base[PATH_LEN], path[PATH_LEN];
  int blob = sql_cfgs[r->cfg].blob, added = 0;
  sql_path(base, r, "rows");
  sql_path(path, r, "append");
  probe_copy(base, path);
  double t0 = probe_now_ms();
  sqlite3 *db = sql_open(path, r->cfg);
  sql_exec(db, "BEGIN");
  sqlite3_stmt *st[3] = {
      sql_prep(db, "SELECT * FROM events WHERE k0 = ?1 AND k1 = ?2"),
      sql_prep(db, sql_insert[blob][1]),
      sql_prep(db, "UPDATE events SET win = 0"
                   " WHERE k0 = ?1 AND k1 = ?2 AND file = ?3")};
  for (int i = 0; i < N_APPEND; i++)
    added += sql_append_one(db, st, blob, &r->p->extra[i]);
  for (int i = 0; i < 3; i++)
    sqlite3_finalize(st[i]);
  sql_exec(db, "COMMIT");
  sqlite3_close(db);
  double t = probe_now_ms() - t0;
  if (added != N_APPEND_NEW)
    probe_die("sqlite append: %d new calls", added);
  return t;
}

static double sql_status(const struct run *r)
{
  char path[PATH_LEN];
  sql_path(path, r, "rows");
  double t0 = probe_now_ms();
  sqlite3 *db = sql_open(path, r->cfg);
  sqlite3_stmt *st = sql_prep(db, "SELECT size FROM files WHERE id = 1");
  if (sqlite3_step(st) != SQLITE_ROW || sqlite3_column_int64(st, 0) <= 0)
    probe_die("sqlite: no file 1");
  sqlite3_finalize(st);
  sqlite3_close(db);
  return probe_now_ms() - t0;
}

/* ---- the table ---- */

static double best(double (*fn)(const struct run *), struct probe *p, int cfg,
                   int variant)
{
  struct run r = {.p = p, .cfg = cfg, .variant = variant};
  double b = 1e30;
  for (int i = 0; i < RUNS; i++) {
    double t = fn(&r);
    if (t < b)
      b = t;
  }
  return b;
}

enum { R_WRITE, R_WRITE_ROWS, R_READ, R_AGG, R_APPEND, R_STATUS, R_COUNT };

static const char *const row_names[R_COUNT] = {
    "cold write: 172,347 copies in file order (SQL: upserts)",
    "cold write: 87,092 rows deduped in C first, in key order",
    "warm read: 86,064 winners into structs",
    "tokens per day and model (SQL: GROUP BY; others: read + C loop)",
    "append 1,000 copies, keeping the better (flat: as a log)",
    "open + trivial query (statusline floor)",
};

static void measure(struct probe *p, double t[R_COUNT][N_CFG + 1],
                    double *nosync)
{
  for (int c = 0; c < N_CFG; c++) {
    int blob = sql_cfgs[c].blob;
    t[R_WRITE][c] = blob ? -1 : best(sql_write, p, c, 0);
    t[R_WRITE_ROWS][c] = best(sql_write, p, c, V_ROWS);
    t[R_READ][c] = best(sql_read, p, c, 0);
    t[R_AGG][c] = best(blob ? sql_read : sql_aggregate, p, c, V_AGG);
    t[R_APPEND][c] = best(sql_append, p, c, 0);
    t[R_STATUS][c] = best(sql_status, p, c, 0);
  }
  nosync[0] = best(probe_flat_write, p, 0, V_NOSYNC);
  nosync[1] = best(probe_flat_write, p, 0, V_ROWS | V_NOSYNC);
  t[R_WRITE][N_CFG] = best(probe_flat_write, p, 0, 0);
  t[R_WRITE_ROWS][N_CFG] = best(probe_flat_write, p, 0, V_ROWS);
  t[R_READ][N_CFG] = best(probe_flat_read, p, 0, 0);
  t[R_AGG][N_CFG] = best(probe_flat_read, p, 0, V_AGG);
  t[R_APPEND][N_CFG] = best(probe_flat_append, p, 0, 0);
  t[R_STATUS][N_CFG] = best(probe_flat_status, p, 0, 0);
}

static void put_ms(double ms)
{
  if (ms < 0)
    printf(" n/a |");
  else
    printf(ms < 1 ? " %.3f ms |" : ms < 10 ? " %.2f ms |" : " %.1f ms |", ms);
}

static void print_table(struct probe *p, double t[R_COUNT][N_CFG + 1],
                        const double *nosync)
{
  char path[PATH_LEN];
  struct run r = {.p = p};
  int i, c;
  printf("| best of %d, warm page cache |", RUNS);
  for (c = 0; c < N_CFG; c++)
    printf(" %s |", sql_cfgs[c].name);
  printf(" flat file |\n|---|");
  for (c = 0; c <= N_CFG; c++)
    printf("---:|");
  for (i = 0; i < R_COUNT; i++) {
    printf("\n| %s |", row_names[i]);
    for (c = 0; c < N_CFG; c++)
      put_ms(t[i][c]);
    if (i <= R_WRITE_ROWS)
      printf(" %.1f ms (%.1f without fsync) |", t[i][N_CFG], nosync[i]);
    else
      put_ms(t[i][N_CFG]);
  }
  printf("\n| size of the deduped index |");
  for (r.cfg = 0; r.cfg < N_CFG; r.cfg++) {
    sql_path(path, &r, "rows");
    printf(" %.1f MB |", probe_file_mb(path));
  }
  probe_path(path, &r, "flat", "rows", "bin");
  printf(" %.1f MB |\n\nSQLite %s; flat file with all 172,347 copies: ",
         probe_file_mb(path), sqlite3_libversion());
  probe_path(path, &r, "flat", "copies", "bin");
  printf("%.1f MB.\n", probe_file_mb(path));
}

int main(int argc, char **argv)
{
  double t[R_COUNT][N_CFG + 1], nosync[2];
  if (argc != 2)
    probe_die("usage: sqlite-probe DIR");
  struct probe *p = probe_new(argv[1]);
  if (p->nrows != N_CALLS + N_CROSS)
    probe_die("generator: %zu rows", p->nrows);
  measure(p, t, nosync);
  print_table(p, t, nosync);
  probe_free(p);
  return 0;
}
