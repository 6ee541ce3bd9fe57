/* What a store backend provides (store.c dispatches to one). */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_STORE_BACKEND_H
#define TOKMETER_STORE_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/*
 * One database behind store.h: the functions mean what store.h's of the
 * same names mean, on the backend's handle (db). open() sets *version to
 * the schema version after migrating. apply() is never called with
 * nothing to do. SQL comes from schema.c; a backend adds only what its
 * dialect needs.
 */
struct store_backend {
  const char *name;
  int (*open)(void **db, const char *target, int *version, struct err *e);
  void (*close)(void *db);
  int (*apply)(void *db, const struct store_batch *b,
               enum store_put_mode mode, const uint64_t *keys, size_t nkeys,
               size_t *written, size_t *removed, struct err *e);
  int (*exec)(void *db, const char *sql, const char *const *params,
              size_t nparams, store_row_cb row, void *ctx, size_t *changes,
              struct err *e);
  int (*since)(void *db, int64_t after, struct store_rows *rows, struct err *e);
  int (*count)(void *db, size_t *rows, int64_t *seq, struct err *e);
  /* Waits on a connection of its own, so while other calls run. */
  int (*wait)(void *db, int timeout_ms, struct err *e);
};

extern const struct store_backend store_sqlite;
/* postgres:// and postgresql:// URLs (libpq's), pg.c. */
extern const struct store_backend store_postgres;

/* Event i's project, user, machine and token as text ("" when none). */
const char *store_batch_project(const struct store_batch *b, size_t i);
const char *store_batch_user(const struct store_batch *b);
const char *store_batch_machine(const struct store_batch *b, size_t i);
const char *store_batch_token(const struct store_batch *b);

#endif
