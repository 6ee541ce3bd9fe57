/* The store: its functions, on whichever backend the target names. */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "store/backend.h"
#include "store/schema.h"
#include "store/store.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct store {
  const struct store_backend *be;
  void *db;
  int version;
};

static int is_postgres(const char *target)
{
  return !strncmp(target, "postgres://", 11) ||
         !strncmp(target, "postgresql://", 13);
}

const char *store_batch_project(const struct store_batch *b, size_t i)
{
  uint32_t p;

  if (b->pm) {
    p = project_of(b->pm, &b->ev[i]);
    return p ? strtab_get(&b->pm->names, p) : "";
  }
  p = b->project ? b->project[i] : 0;
  return p ? strtab_get(b->st, p) : "";
}

const char *store_batch_user(const struct store_batch *b)
{
  return b->user ? b->user : "";
}

const char *store_batch_machine(const struct store_batch *b, size_t i)
{
  uint32_t m = b->machine ? b->machine[i] : 0;

  return m ? strtab_get(b->st, m) : "";
}

const char *store_batch_token(const struct store_batch *b)
{
  return b->token_id ? b->token_id : "";
}

int store_open(struct store **out, const char *target, struct err *e)
{
  struct store *s;
  int r;

  *out = NULL;
  s = xcalloc(1, sizeof(*s));
  s->be = is_postgres(target) ? &store_postgres : &store_sqlite;
  if ((r = s->be->open(&s->db, target, &s->version, e))) {
    free(s);
    return r;
  }
  *out = s;
  return 0;
}

void store_close(struct store *s)
{
  if (!s)
    return;
  s->be->close(s->db);
  free(s);
}

int store_version(struct store *s)
{
  return s->version;
}

int store_apply(struct store *s, const struct store_batch *b,
                enum store_put_mode mode, const uint64_t *keys, size_t nkeys,
                size_t *written, size_t *removed, struct err *e)
{
  size_t w = 0, d = 0;
  int r = 0;

  if (b->n || nkeys)
    r = s->be->apply(s->db, b, mode, keys, nkeys, &w, &d, e);
  if (written)
    *written = r ? 0 : w;
  if (removed)
    *removed = r ? 0 : d;
  return r;
}

int store_put(struct store *s, const struct event *ev, size_t n,
              const struct strtab *st, const struct project_map *pm,
              enum store_put_mode mode, size_t *written, struct err *e)
{
  struct store_batch b;

  memset(&b, 0, sizeof(b));
  b.ev = ev;
  b.n = n;
  b.st = st;
  b.pm = pm;
  return store_apply(s, &b, mode, NULL, 0, written, NULL, e);
}

int store_delete(struct store *s, const uint64_t *keys, size_t n,
                 size_t *removed, struct err *e)
{
  struct store_batch b;

  memset(&b, 0, sizeof(b));
  return store_apply(s, &b, STORE_MERGE, keys, n, NULL, removed, e);
}

int store_exec(struct store *s, const char *sql, const char *const *params,
               size_t nparams, store_row_cb row, void *ctx, size_t *changes,
               struct err *e)
{
  size_t c = 0;
  int r = s->be->exec(s->db, sql, params, nparams, row, ctx, &c, e);

  if (changes)
    *changes = r ? 0 : c;
  return r;
}

void store_rows_init(struct store_rows *r, struct strtab *strs)
{
  memset(r, 0, sizeof(*r));
  r->strs = strs;
}

void store_rows_release(struct store_rows *r)
{
  free(r->ev);
  free(r->project);
  free(r->user);
  free(r->machine);
  memset(r, 0, sizeof(*r));
}

int store_since(struct store *s, int64_t after, struct store_rows *rows,
                struct err *e)
{
  return s->be->since(s->db, after, rows, e);
}

int store_count(struct store *s, size_t *rows, int64_t *seq, struct err *e)
{
  return s->be->count(s->db, rows, seq, e);
}

static int seq_row(void *ctx, size_t ncol, const char *const *col)
{
  *(int64_t *)ctx = ncol && col[0] ? strtoll(col[0], NULL, 10) : 0;
  return 1;
}

int store_seq(struct store *s, int64_t *seq, struct err *e)
{
  *seq = 0;
  return store_exec(s, store_sql_seq, NULL, 0, seq_row, seq, NULL, e);
}

int store_wait(struct store *s, int timeout_ms, struct err *e)
{
  return s->be->wait(s->db, timeout_ms, e);
}
