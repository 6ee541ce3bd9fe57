/* The set of distinct API calls: keeps the winning copy of each. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_CORE_DEDUP_H
#define TOKMETER_CORE_DEDUP_H

#include <stddef.h>
#include <stdint.h>

#include "core/event.h"
#include "util/strtab.h"

/*
 * Copies are added in any order, into one set or into several sets that are
 * merged later: the result is the same (transcript-format.md §3.5). The set
 * owns its events and the string table their ids refer to.
 */
struct dedup {
  struct strtab strs;
  struct event *ev; /* kept events; slots[] index them */
  size_t n, cap;
  uint32_t *slots;          /* 0 = empty, else index + 1 */
  size_t nslots;            /* power of two */
  size_t copies;            /* copies offered, kept or not */
  size_t dropped_sidechain; /* replays removed (overlays may count twice) */
  int finished;
  int by_file; /* copies of one call in different files are all kept */
  /* ev points into memory its creator owns (the index's mapping of a
   * finished set): never freed or grown here, but written up to cap
   * (which may exceed n) by dedup_overlay(). Only finished sets. */
  int ev_borrowed;
};

void dedup_init(struct dedup *d);
void dedup_release(struct dedup *d);

/*
 * Makes d keep one copy per (file, call) instead of one per call: what
 * each file holds, for the index, which must forget a file's copies when
 * the file is rewritten. Call right after dedup_init(); such a set is
 * never finished.
 */
void dedup_by_file(struct dedup *d);

/* Offers one copy (ids in d->strs). */
void dedup_add(struct dedup *d, const struct event *e);

/* Offers every event of `from` (ids in from->strs), then empties it. Into
 * a by-file set they are appended as they are: a copy may then appear
 * twice, which a set built from the copies later does not mind. */
void dedup_merge(struct dedup *into, struct dedup *from);

/*
 * Applies the sidechain-replay rule (a sidechain copy of a message.id that
 * also has a non-sidechain copy is dropped), then sorts the events by time
 * (ties by key) so reports are deterministic. No more adds afterwards.
 */
void dedup_finish(struct dedup *d);

/*
 * Adds copies to a finished set: afterwards d is what dedup_finish() would
 * have made of every copy d was built from plus extra[0..n) (ids in
 * d->strs), in O(d->n + n log n), so a large set takes a few new copies
 * without being rebuilt; in place when d->cap leaves room, and then only
 * the events after the first that changes place are moved. Copies
 * dropped from d by the sidechain rule are
 * not needed: a copy of theirs that arrives later is dropped again, or is
 * a non-sidechain copy, which wins over them anyway.
 */
void dedup_overlay(struct dedup *d, const struct event *extra, size_t n);

#endif
