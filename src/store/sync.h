/* Feeding a store from a local set of calls (the dashboard's index). */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_STORE_SYNC_H
#define TOKMETER_STORE_SYNC_H

#include <stddef.h>

#include "core/aggregate.h"
#include "core/dedup.h"
#include "store/store.h"
#include "store/view.h"

struct store_sync_stats {
  size_t added;   /* calls the store did not have */
  size_t better;  /* copies §3.5 prefers to the stored one */
  size_t worse;   /* other changed copies (a transcript rewritten) */
  size_t removed; /* calls the set no longer has */
  int reload;     /* the view must be read anew: readers start over */
};

/*
 * Makes the store hold exactly `set` (finished; projects named by pm):
 * writes the calls that are new or changed and deletes those gone, as
 * told by the view's digests (the view must be the store's, loaded; only
 * their pass marks change). Only what changed is written: a set equal to
 * the store costs one pass over it and no write. Readers may go on using
 * the view until store_sync_view().
 */
int store_sync(struct store *s, struct store_view *v, const struct dedup *set,
               const struct project_map *pm, struct store_sync_stats *st,
               struct err *e);

/* Brings the view up to date after store_sync(): by seq when every change
 * was a new call or a better copy, else by reading it anew. */
int store_sync_view(struct store *s, struct store_view *v,
                    const struct store_sync_stats *st, struct err *e);

#endif
