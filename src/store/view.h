/* A store's calls held in memory, kept up to date by seq. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_STORE_VIEW_H
#define TOKMETER_STORE_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "core/aggregate.h"
#include "core/dedup.h"
#include "store/store.h"

/* What the view knows of one stored row, to tell a changed copy. */
struct view_digest {
  uint64_t key[2];
  uint64_t fp;    /* store_view_fp() of the row */
  uint64_t total; /* tokens_total() */
  int64_t ts_ms;
  uint32_t gen; /* last store_sync() pass that met the key */
  uint8_t side; /* a sidechain copy */
  uint8_t used; /* slot in use */
};

/*
 * The API and the reports read `set` (finished: §3.5's sidechain rule
 * applied, in time order) with `pm`; a feeder compares against the
 * digests. Owns everything. Not thread-safe: the caller locks.
 */
struct store_view {
  struct dedup set;
  struct project_map pm; /* ids in set.strs */
  struct view_digest *dig;
  size_t ndig, nslots; /* nslots: power of two */
  uint32_t gen;
  int64_t seq; /* the last seq read */
  int dirty;   /* a read failed half-way: store_sync_view() reads anew */
};

void store_view_init(struct store_view *v);
void store_view_release(struct store_view *v);

/* Reads every row anew. */
int store_view_load(struct store_view *v, struct store *s, struct err *e);

/*
 * Reads the rows written since the last read and merges them in; *changed
 * (may be NULL) counts them. Exact when each is a new call or a copy §3.5
 * prefers to the one held; a feeder that wrote anything else (a worse
 * copy, a deletion) calls store_view_load() instead.
 */
int store_view_update(struct store_view *v, struct store *s, size_t *changed,
                      struct err *e);

/* The digest slot of key, or NULL. */
struct view_digest *store_view_find(const struct store_view *v,
                                    const uint64_t key[2]);

/* A hash of everything a row holds (strings by content; `project` is the
 * project's name, NULL for none). Equal for equal rows from any table. */
uint64_t store_view_fp(const struct event *ev, const struct strtab *st,
                       const char *project);

#endif
