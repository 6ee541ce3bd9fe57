/* 5-hour billing windows, built exactly as ccusage builds them. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_CORE_BLOCKS_H
#define TOKMETER_CORE_BLOCKS_H

#include <stddef.h>
#include <stdint.h>

#include "core/aggregate.h"
#include "core/dedup.h"

/*
 * Events sorted by time form a block that starts at the UTC hour of its
 * first event and lasts `duration`. An event more than `duration` after the
 * block's start or after the previous event starts a new block; a silence
 * longer than `duration` also leaves a gap block between them. The last
 * block is active while `now` is within `duration` of its last event and
 * before its end.
 */
/* The calls of one model inside a block. */
struct block_model {
  struct tokens tok;
  double cost;
  uint64_t calls;
};

struct block {
  int64_t start_ms, end_ms;
  int64_t first_ms, last_ms; /* first and last event (0 in a gap) */
  int is_gap, is_active;
  uint64_t entries;
  struct tokens tok;
  double cost;
  uint64_t unpriced_tokens;
  int64_t limit_reset;      /* unix seconds, 0 if none */
  uint32_t *models;         /* names (blocks.names), first-use order */
  struct block_model *sums; /* sums[i]: the calls of models[i] */
  size_t nmodels, capmodels;
};

struct burn_rate {
  int valid; /* 0 when the block has no time span */
  double tokens_per_minute;
  double tokens_per_minute_indicator; /* input + output only */
  double cost_per_hour;
};

struct projection {
  int valid;
  uint64_t total_tokens;
  double total_cost;
  int64_t remaining_minutes;
};

struct block_list {
  struct strtab names;
  struct block *v;
  size_t n, cap;
};

void block_list_init(struct block_list *bl);
void block_list_release(struct block_list *bl);

/* Builds blocks from the events of `set` that pass `f` (days ignored: the
 * caller filters blocks by their start). */
void blocks_build(struct block_list *bl, const struct dedup *set,
                  const struct project_map *pm, const struct agg_filter *f,
                  int64_t duration_ms, int64_t now_ms);

/*
 * Marks the open block (the last one that is not a gap) active if now_ms is
 * within duration_ms of its last event and before its end, and every other
 * block inactive: blocks_build's rule, for a list built earlier and shown
 * later (a live view).
 */
void blocks_set_now(struct block_list *bl, int64_t duration_ms, int64_t now_ms);

void block_burn_rate(const struct block *b, struct burn_rate *out);
void block_projection(const struct block *b, int64_t now_ms,
                      struct projection *out);

/* Largest total among completed, non-gap blocks (for --token-limit max). */
uint64_t blocks_max_tokens(const struct block_list *bl);

#endif
