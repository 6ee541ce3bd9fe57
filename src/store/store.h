/* The store: usage events kept in a database, one row per API call. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_STORE_STORE_H
#define TOKMETER_STORE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "core/aggregate.h"
#include "core/event.h"
#include "util/err.h"
#include "util/strtab.h"

/*
 * One row per call key (event.key): the copy transcript-format.md §3.5
 * prefers among those put, whatever order they came in. Every write gives
 * the rows it touches the next value of a counter (seq), so a reader
 * follows the store by asking for rows after the last seq it saw. The
 * schema is versioned (store/schema.c) and migrated on open.
 *
 * On SQLite (a file, or ":memory:") or PostgreSQL (a postgres:// or
 * postgresql:// URL, libpq's), behind the same functions and rules
 * (docs/internals/store.md). A store is used by one thread at a time
 * (the caller locks).
 */
struct store;

/* How store_put() treats a key the store already holds. */
enum store_put_mode {
  STORE_MERGE,  /* keep the copy §3.5 prefers: order never matters */
  STORE_REPLACE /* the new copy wins (a local store follows its index) */
};

/*
 * Opens (creating it, mode 0600, and its schema) the store at path;
 * ":memory:" gives one that lives as long as the handle. Errors name the
 * file: unreadable, not a database, or a schema newer than this program.
 * A postgres:// or postgresql:// URL opens the store in that database
 * (its search_path's first schema), migrating it; errors name the URL
 * with its password masked.
 */
int store_open(struct store **out, const char *path, struct err *e);
void store_close(struct store *s);

/* The schema version the store is at (store_schema_version() after open). */
int store_version(struct store *s);

/*
 * Writes n events (strings in st; projects named by pm, which may be NULL)
 * in one durable transaction. *written (may be NULL) counts the rows that
 * changed.
 */
int store_put(struct store *s, const struct event *ev, size_t n,
              const struct strtab *st, const struct project_map *pm,
              enum store_put_mode mode, size_t *written, struct err *e);

/* Removes the rows of these keys (key[0], key[1] pairs), in one
 * transaction; *removed (may be NULL) counts them. */
int store_delete(struct store *s, const uint64_t *keys, size_t n,
                 size_t *removed, struct err *e);

/*
 * What store_apply() writes: events (strings in st) and, per event, the
 * project, the user and machine the row belongs to and the token it came
 * through. All borrowed.
 */
struct store_batch {
  const struct event *ev;
  size_t n;
  const struct strtab *st;
  const struct project_map *pm; /* projects by cwd/file id, or NULL */
  const uint32_t *project;      /* else per event: id in st (0: none), or
                                   NULL: no project */
  const char *user;             /* every row's user; NULL: '' (local) */
  const uint32_t *machine;      /* per event: id in st, or NULL: '' */
  const char *token_id;         /* NULL: '' */
};

/*
 * Writes b's events and removes the rows of keys[0..nkeys) (key[0],
 * key[1] pairs) of b->user, in one durable transaction: both or neither.
 * *written and *removed (may be NULL) count the rows changed.
 */
int store_apply(struct store *s, const struct store_batch *b,
                enum store_put_mode mode, const uint64_t *keys, size_t nkeys,
                size_t *written, size_t *removed, struct err *e);

/*
 * Runs one of schema.c's small-table statements (tokens, audit) with
 * text parameters ($1..; NULL for SQL NULL) and calls row() for each row
 * with the columns as text (NULL for NULL); row() returns nonzero to
 * stop. *changes (may be NULL) counts the rows a write changed.
 */
typedef int (*store_row_cb)(void *ctx, size_t ncol, const char *const *col);
int store_exec(struct store *s, const char *sql, const char *const *params,
               size_t nparams, store_row_cb row, void *ctx, size_t *changes,
               struct err *e);

/*
 * Rows read back: events whose strings are interned in a table the caller
 * owns (strs, borrowed), with each row's project name, user and machine
 * (ids in strs, 0: none). Owns the arrays.
 */
struct store_rows {
  struct strtab *strs;
  struct event *ev;
  uint32_t *project;
  uint32_t *user, *machine; /* ids in strs, 0: '' */
  size_t n, cap;
  int64_t seq; /* the highest seq read */
};

void store_rows_init(struct store_rows *r, struct strtab *strs);
void store_rows_release(struct store_rows *r);

/*
 * Appends the rows written after seq `after` (0: every row), in seq
 * order, and sets rows->seq to the highest seq seen (unchanged if none).
 */
int store_since(struct store *s, int64_t after, struct store_rows *rows,
                struct err *e);

/*
 * Waits up to timeout_ms for a write to the store by any process (several
 * servers on one database); returns 1 when there may have been one, 0 on
 * timeout, or an error. Runs on a connection of its own, so it may be
 * called while another thread uses s. PostgreSQL: LISTEN/NOTIFY; SQLite:
 * the file's data version, looked at every 50 ms (":memory:" stores only
 * time out).
 */
int store_wait(struct store *s, int timeout_ms, struct err *e);

/* The last seq given out, cheaply (no count of the rows). */
int store_seq(struct store *s, int64_t *seq, struct err *e);

/* The number of rows, and the last seq given out (0: none yet). */
int store_count(struct store *s, size_t *rows, int64_t *seq, struct err *e);

#endif
