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
  size_t dropped_sidechain; /* replays removed by dedup_finish() */
  int finished;
};

void dedup_init(struct dedup *d);
void dedup_release(struct dedup *d);

/* Offers one copy (ids in d->strs). */
void dedup_add(struct dedup *d, const struct event *e);

/* Offers every event of `from` (ids in from->strs), then empties it. */
void dedup_merge(struct dedup *into, struct dedup *from);

/*
 * Applies the sidechain-replay rule (a sidechain copy of a message.id that
 * also has a non-sidechain copy is dropped), then sorts the events by time
 * (ties by key) so reports are deterministic. No more adds afterwards.
 */
void dedup_finish(struct dedup *d);

#endif
