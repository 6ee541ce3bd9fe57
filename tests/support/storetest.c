/* The store's tests, run on every backend (storetest.h). */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "storetest.h"
#include "util/xalloc.h"
#include "util/banned.h"

static const struct storetest *backend(void **state)
{
  assert_non_null(state);
  assert_non_null(*state);
  return *state;
}

void storetest_target(void **state, char *out, size_t n)
{
  const struct storetest *t = backend(state);
  char schema[32];

  if (!t->pg) {
    snprintf(out, n, ":memory:");
    return;
  }
  pgtest_schema(t->pg, schema, sizeof(schema));
  pgtest_url(t->pg, schema, out, n);
}

struct store *storetest_open(void **state)
{
  struct storetest *t = *state;
  struct store *s = NULL;
  struct err e = ERR_INIT;
  char target[512], msg[200];

  if (t->pg && t->spare[0]) {
    if (pgtest_sql(t->pg, t->spare, "TRUNCATE events; UPDATE meta SET v = 0",
                   msg, sizeof(msg)))
      fail_msg("cannot empty schema %s: %s", t->spare, msg);
    pgtest_url(t->pg, t->spare, target, sizeof(target));
    memcpy(t->schema, t->spare, sizeof(t->schema));
    t->spare[0] = '\0';
  } else if (t->pg) {
    pgtest_schema(t->pg, t->schema, sizeof(t->schema));
    pgtest_url(t->pg, t->schema, target, sizeof(target));
  } else {
    storetest_target(state, target, sizeof(target));
  }
  if (store_open(&s, target, &e))
    fail_msg("store_open('%s'): %s", target, e.msg);
  t->last = s;
  return s;
}

void storetest_close(void **state, struct store *s)
{
  struct storetest *t = *state;

  store_close(s);
  if (t->pg && s && s == t->last) {
    memcpy(t->spare, t->schema, sizeof(t->spare));
    t->last = NULL;
  }
}

int storetest_is_pg(void **state)
{
  return backend(state)->pg != NULL;
}

static double now(void)
{
  struct timespec t;

  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int time_start(void **state)
{
  struct storetest *t = *state;

  t->t0 = now();
  t->last = NULL;
  t->spare[0] = '\0'; /* each test migrates a store of its own */
  return 0;
}

static int time_end(void **state)
{
  const struct storetest *t = *state;

  printf("[     TIME ] %.2f s on %s\n", now() - t->t0, t->backend);
  return 0;
}

static int run_on(const char *name, const struct CMUnitTest *tests, size_t n,
                  struct storetest *t)
{
  struct CMUnitTest *copy = xcalloc(n, sizeof(*copy));
  char group[128];
  double t0 = now();
  size_t i;
  int failed;

  for (i = 0; i < n; i++) {
    copy[i] = tests[i];
    copy[i].setup_func = time_start;
    copy[i].teardown_func = time_end;
    copy[i].initial_state = t;
  }
  snprintf(group, sizeof(group), "%s on %s", name, t->backend);
  failed = _cmocka_run_group_tests(group, copy, n, NULL, NULL);
  printf("[     TIME ] %s: %.2f s\n", group, now() - t0);
  free(copy);
  return failed;
}

int storetest_run(const char *name, const struct CMUnitTest *tests, size_t n)
{
  struct storetest lite, pg;
  struct pgtest server;
  char why[512] = "";
  int failed, r;
  double t0 = now();

  memset(&lite, 0, sizeof(lite));
  lite.backend = "sqlite";
  memset(&pg, 0, sizeof(pg));
  pg.backend = "postgres";
  failed = run_on(name, tests, n, &lite);
  r = pgtest_start(&server, why, sizeof(why));
  if (r == PGTEST_SKIP) {
    printf("[ SKIPPED  ] %s on postgres: %s\n", name, why);
    return failed ? failed : PGTEST_SKIP;
  }
  if (r) {
    printf("[  FAILED  ] %s on postgres: %s\n", name, why);
    return failed + 1;
  }
  printf("[     TIME ] PostgreSQL started in %.2f s, in %s\n", now() - t0,
         server.dir);
  pg.pg = &server;
  failed += run_on(name, tests, n, &pg);
  pgtest_stop(&server);
  return failed;
}

int storetest_apply(struct store *s, const struct event *ev, size_t n,
                    const struct strtab *st, enum store_put_mode mode,
                    const uint64_t *keys, size_t nkeys, size_t *written,
                    size_t *removed, struct err *e)
{
  struct store_batch b;

  memset(&b, 0, sizeof(b));
  b.ev = ev;
  b.n = n;
  b.st = st;
  return store_apply(s, &b, mode, keys, nkeys, written, removed, e);
}

void storetest_set(struct dedup *d, struct project_map *pm,
                   const struct event *ev, size_t n, const struct strtab *st,
                   const char *project)
{
  uint32_t *map = xcalloc(st->n + 1, sizeof(*map));
  size_t i;

  dedup_init(d);
  for (i = 0; i < n; i++) {
    struct event x = ev[i];

    event_remap(&x, map, st, &d->strs);
    dedup_add(d, &x);
  }
  free(map);
  dedup_finish(d);
  memset(pm, 0, sizeof(*pm));
  strtab_init(&pm->names);
  for (i = 0; project && i < d->n; i++)
    if (d->ev[i].cwd)
      project_map_set(pm, d->ev[i].cwd, project, strlen(project));
}

void storetest_set_release(struct dedup *d, struct project_map *pm)
{
  dedup_release(d);
  strtab_release(&pm->names);
  free(pm->by_id);
}
