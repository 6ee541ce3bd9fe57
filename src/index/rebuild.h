/* Rebuilding the index's finished set from every copy it holds. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_INDEX_REBUILD_H
#define TOKMETER_INDEX_REBUILD_H

#include <stddef.h>
#include <stdint.h>

#include "core/dedup.h"
#include "core/event.h"
#include "util/strtab.h"

/* Where copies come from: arrays of events, ids in one string table. */
struct ixr_source {
  const struct event *ev;
  size_t n;
  int fresh; /* just read: never void (void marks the files' old copies) */
};

/*
 * Fills out (initialised here, taking over *strs, which is left empty)
 * with the finished set of every copy in src[0..nsrc) that is fresh or
 * whose file is not marked in void_path[0..nvoid), and sets *losers (malloc'd)
 * to the copies that are not in that set: with the set, all an index needs to
 * rebuild it later, without storing every winner twice.
 */
void ixr_rebuild(struct strtab *strs, const struct ixr_source *src, size_t nsrc,
                 const uint8_t *void_path, size_t nvoid, struct dedup *out,
                 struct event **losers, size_t *nlosers);

#endif
