/* The store's SQL, in one place for every backend. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_STORE_SCHEMA_H
#define TOKMETER_STORE_SCHEMA_H

#include <stddef.h>

#include "util/buf.h"

/*
 * Migration i takes a store from version i to version i + 1. The texts
 * hold placeholders ({text}) for what the dialects spell differently: run
 * store_migration()'s expansion, never store_migrations[i] itself.
 */
extern const char *const store_migrations[];
extern const size_t store_nmigrations;

/* The SQL dialects the store speaks (the backends). */
enum store_dialect { STORE_SQLITE, STORE_POSTGRES, STORE_NDIALECTS };

/* Appends migration i (< store_nmigrations), in dialect d, to out. */
void store_migration(size_t i, enum store_dialect d, struct buf *out);

/* The version a store is at once every migration has run. */
#define STORE_SCHEMA_VERSION ((int)store_nmigrations)

/* Marks a database as a tokmeter store (SQLite's application_id). */
#define STORE_APPLICATION_ID 0x746f6b6d /* "tokm" */

/* Statements: parameters are $1, $2, ... (both dialects). The prepared
 * ones (events) use them in order of appearance, which is how SQLite
 * numbers them; store_exec() binds by name and takes any order. */
extern const char store_sql_next_seq[];
extern const char store_sql_upsert_head[];
extern const char store_sql_merge_when[];
extern const char store_sql_replace_when[];
extern const char store_sql_since[];
extern const char store_sql_delete[];
extern const char store_sql_count[];
extern const char store_sql_seq[];
extern const char store_sql_token_insert[];
extern const char store_sql_token_by_hash[];
extern const char store_sql_token_list[];
extern const char store_sql_token_revoke[];
extern const char store_sql_token_used[];
extern const char store_sql_token_count[];
extern const char store_sql_audit_insert[];
extern const char store_sql_audit_list[];
extern const char store_sql_delete_user[];
extern const char store_sql_delete_machine[];
extern const char store_sql_quota_insert[];
extern const char store_sql_quota_latest[];

/* Columns of a row, as store_sql_upsert_head lists them and
 * store_sql_since returns them (since adds seq last). */
enum store_col {
  COL_K0,
  COL_K1,
  COL_KIND,
  COL_TS,
  COL_SESSION,
  COL_MODEL,
  COL_PROJECT,
  COL_CWD,
  COL_FILE,
  COL_UUID,
  COL_FLAGS,
  COL_INPUT,
  COL_OUTPUT,
  COL_CW5M,
  COL_CW1H,
  COL_CR,
  COL_TOTAL,
  COL_COST,
  COL_WEB_SEARCH,
  COL_LIMIT_RESET,
  COL_SEQ,
  COL_USER, /* store_sql_since only, after seq */
  COL_MACHINE,
  COL_TOKEN, /* the upsert only */
  COL_COUNT
};

#endif
