/* GET /metrics: usage in the Prometheus text format. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_REPORT_METRICS_H
#define TOKMETER_REPORT_METRICS_H

#include <stdint.h>

#include "core/aggregate.h"
#include "core/dedup.h"
#include "util/buf.h"

/* What this server process counted itself (not from the store). */
struct metrics_local {
  uint64_t ingest_requests, accepted, duplicates, rejected;
};

/*
 * Appends the exposition (text format 0.0.4) of the set's calls, summed
 * by user, machine, model (as reports name it), model family (opus,
 * sonnet, haiku, other) and token kind: tokmeter_tokens_total,
 * tokmeter_cost_usd_total and tokmeter_tokens_weighted_total (input 1,
 * cache writes 1.25 (5 min) and 2 (1 h), cache reads 0.1, output 5), then
 * the process's own counters and tokmeter_build_info. Events' user and
 * machine ids name strings of set->strs ("" when 0).
 */
void metrics_write(struct buf *out, const struct dedup *set,
                   struct pricer *pricer, const struct metrics_local *loc,
                   const char *version);

#endif
