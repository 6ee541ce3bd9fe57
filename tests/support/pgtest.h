/* A real PostgreSQL server for tests, in a temporary directory. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_TEST_PGTEST_H
#define TOKMETER_TEST_PGTEST_H

#include <stddef.h>
#include <sys/types.h>

/* pgtest_start()'s answer when PostgreSQL cannot run here (ctest: skip). */
#define PGTEST_SKIP 77

/*
 * A cluster made by initdb in /tmp/tokmeter-pg-XXXXXX (owned by the
 * postgres user when the test runs as root: PostgreSQL refuses to run as
 * root), listening only on a unix socket in that directory, with a
 * database tokmeter_test. A guard process stops the server and removes
 * the directory when pgtest_stop() is called, or when the test dies.
 * The caller owns the struct; pgtest_stop() releases what it holds.
 */
struct pgtest {
  char dir[64];
  char bin[256]; /* PostgreSQL's programs: initdb, pg_ctl */
  int port;
  int as_postgres; /* run the programs as the postgres user */
  pid_t guard;
  int guard_fd; /* closing it tells the guard to clean up */
  void *admin;  /* PGconn to tokmeter_test */
  unsigned nschemas;
};

/*
 * Starts a server. Returns 0, PGTEST_SKIP when PostgreSQL is not
 * installed (or there is no postgres user to run it as root), or -1;
 * why (n bytes) then says what happened.
 */
int pgtest_start(struct pgtest *p, char *why, size_t n);
void pgtest_stop(struct pgtest *p);

/* Creates a new, empty schema and writes its name (out, n bytes). */
void pgtest_schema(struct pgtest *p, char *out, size_t n);

/* A postgresql:// URL to tokmeter_test whose search_path is schema
 * (NULL: the default). */
void pgtest_url(const struct pgtest *p, const char *schema, char *out,
                size_t n);

/*
 * Runs sql (one or more statements) on tokmeter_test with search_path
 * schema (NULL: the default), as the superuser. Returns 0 or -1; out (may
 * be NULL, n bytes) gets the first value of the last statement's first
 * row ("" if none), or the error message.
 */
int pgtest_sql(struct pgtest *p, const char *schema, const char *sql, char *out,
               size_t n);

#endif
