/* The store's tests, run on every backend: SQLite, then PostgreSQL. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_TEST_STORETEST_H
#define TOKMETER_TEST_STORETEST_H

#include <stddef.h>

#include "core/aggregate.h"
#include "core/dedup.h"
#include "pgtest.h"
#include "store/store.h"

struct CMUnitTest;

/* The backend a test runs on: its state (void **state) points at one. */
struct storetest {
  const char *backend; /* "sqlite" or "postgres" */
  struct pgtest *pg;   /* the server, for postgres */
  double t0;           /* when the running test began */
  struct store *last;  /* the store opened last, and its schema */
  char schema[32];
  char spare[32]; /* a schema storetest_close() gave back */
};

/* The target of a new, empty store on the test's backend: ":memory:", or
 * a URL to a new schema. */
void storetest_target(void **state, char *out, size_t n);

/*
 * Opens a new, empty store on the test's backend (asserts). The test
 * closes it with store_close(), or with storetest_close(), which lets the
 * next storetest_open() reuse its schema, emptied (a fresh schema costs
 * PostgreSQL ~10 ms, and a catalog that grows with every one).
 */
struct store *storetest_open(void **state);
void storetest_close(void **state, struct store *s);

/* store_apply() of plain events (strings in st, no projects, user ''). */
int storetest_apply(struct store *s, const struct event *ev, size_t n,
                    const struct strtab *st, enum store_put_mode mode,
                    const uint64_t *keys, size_t nkeys, size_t *written,
                    size_t *removed, struct err *e);

/*
 * A finished set (initialised here) of copies ev[0..n) (strings in st),
 * as an index would give it, and pm naming every call with a cwd after
 * project (none when NULL). Free both with storetest_set_release().
 */
void storetest_set(struct dedup *d, struct project_map *pm,
                   const struct event *ev, size_t n, const struct strtab *st,
                   const char *project);
void storetest_set_release(struct dedup *d, struct project_map *pm);

/* 1 when the test runs on PostgreSQL. */
int storetest_is_pg(void **state);

/*
 * Runs the n tests (without setup functions of their own) on SQLite,
 * then on a PostgreSQL server started for them, printing how long each
 * took. Returns the number of failures, else PGTEST_SKIP when PostgreSQL
 * could not run here.
 */
int storetest_run(const char *name, const struct CMUnitTest *tests, size_t n);

#endif
