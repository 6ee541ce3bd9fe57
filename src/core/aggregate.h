/* Summing priced events into report rows: per day, week, month, session,
 * project or model, with per-model breakdowns. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_CORE_AGGREGATE_H
#define TOKMETER_CORE_AGGREGATE_H

#include <stddef.h>
#include <stdint.h>

#include "core/dedup.h"
#include "core/pricing.h"
#include "core/tz.h"
#include "util/err.h"
#include "util/strtab.h"

enum agg_by {
  AGG_DAY,
  AGG_WEEK,
  AGG_MONTH,
  AGG_SESSION,
  AGG_PROJECT,
  AGG_MODEL
};

/* --mode: where an event's cost comes from (transcript-format.md §4.1). */
enum cost_mode {
  COST_AUTO,      /* costUSD when the transcript has it, else computed */
  COST_CALCULATE, /* always computed from tokens */
  COST_DISPLAY    /* costUSD or nothing */
};

/*
 * Maps an event to its project name: by cwd id when the event has a cwd,
 * else by file id (both ids in the dedup set's string table). Built by
 * source/project.c; `names` owns the project names.
 */
struct project_map {
  struct strtab names;
  uint32_t *by_id; /* by_id[strtab id] = id in names, 0 = unknown */
  size_t n;
};

uint32_t project_of(const struct project_map *pm, const struct event *ev);

/* Names the events whose cwd (else file) is string id `id` after `name`
 * (interned in pm->names), growing pm to cover id. For maps built from
 * stored rows rather than from the files (store/view.c). */
void project_map_set(struct project_map *pm, uint32_t id, const char *name,
                     size_t len);

/*
 * Prices events under a cost mode, looking each model up once. Borrows the
 * table and the string table the events' model ids refer to.
 */
struct pricer {
  enum cost_mode mode;
  const struct price_table *prices;
  const struct strtab *st;
  const struct price **cache; /* by model id */
  uint8_t *looked;            /* by model id: cache[] is filled */
  size_t n;
};

void pricer_init(struct pricer *p, enum cost_mode mode,
                 const struct price_table *prices, const struct strtab *st);
void pricer_release(struct pricer *p);
/* Looks up every model events[0..n) use now, so that pricing them later
 * only reads p (several threads may then share it). */
void pricer_warm(struct pricer *p, const struct event *ev, size_t n);
/* The cost of one event; *priced is 0 when it has none (unknown model in
 * auto/calculate, no costUSD in display), and the cost is then 0. */
double pricer_cost(struct pricer *p, const struct event *ev, int *priced);

/* Which events count and how they are priced. */
struct agg_filter {
  const struct tz *tz;          /* local days are computed in this zone */
  int64_t since_day, until_day; /* inclusive local day numbers */
  uint32_t project;             /* id in the project map's names, 0 = all */
  uint32_t model; /* id of the model in the set's strings, 0 = all */
  int model_fast; /* with model: only fast-mode calls (1) or only others */
  uint32_t user, machine; /* ids in the set's strings, 0 = all */
  struct pricer *pricer;
};

/*
 * Sets f's model filter from a model as reports name it ("-fast" for
 * fast mode) and the set's string table; a model no call has matches
 * nothing.
 */
void agg_filter_model(struct agg_filter *f, const struct strtab *st,
                      const char *name);

/* Sums for one model inside a row (or over a whole report). */
struct agg_model {
  uint32_t name; /* id in agg.names: model, plus "-fast" in fast mode */
  struct tokens tok;
  double cost;
  uint64_t calls;
  int unpriced;             /* some of its calls had no price */
  uint64_t unpriced_tokens; /* the tokens of those calls */
};

struct agg_row {
  uint32_t key;  /* id in agg.names: "2026-03-10", session id, ... */
  int64_t order; /* day number for time buckets, else 0 */
  struct tokens tok;
  double cost;
  uint64_t calls;
  uint64_t unpriced_tokens; /* tokens whose cost is unknown */
  int64_t first_ms, last_ms;
  uint32_t project; /* sessions: project of the latest event (agg.names) */
  struct agg_model *models; /* breakdown, sorted by cost, then name */
  size_t nmodels, capmodels;
  uint32_t *used; /* model names in order of first use */
  size_t nused, capused;
};

/* A finished report. Owns rows and names. */
struct agg {
  struct strtab names;
  struct agg_row *rows;
  size_t n, cap;
  struct agg_row total; /* key 0; breakdown over everything */
  uint32_t *unpriced;   /* model names without a price, sorted */
  size_t nunpriced;
};

void agg_init(struct agg *a);
void agg_release(struct agg *a);

/*
 * Adds the events of a finished set that pass the filter, bucketed by `by`
 * (weeks start on `week_start`, 0 = Sunday). Rows are left sorted by
 * `order` then key, ascending; breakdowns by cost descending.
 */
void agg_build(struct agg *a, const struct dedup *set,
               const struct project_map *pm, const struct agg_filter *f,
               enum agg_by by, unsigned week_start);

/* 1 if the event passes the filter's days, project and model. */
int agg_keep(const struct agg_filter *f, const struct project_map *pm,
             const struct event *ev);

/* Reverses the row order (--order desc). */
void agg_reverse(struct agg *a);
/* Sorts rows by cost, descending (sessions, projects, models). */
void agg_sort_cost(struct agg *a);

#endif
