/* 5-hour billing windows. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/blocks.h"
#include "core/civil.h"
#include "util/buf.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define HOUR_MS 3600000LL

void block_list_init(struct block_list *bl)
{
  memset(bl, 0, sizeof(*bl));
  strtab_init(&bl->names);
}

void block_list_release(struct block_list *bl)
{
  size_t i;

  for (i = 0; i < bl->n; i++) {
    free(bl->v[i].models);
    free(bl->v[i].sums);
  }
  free(bl->v);
  strtab_release(&bl->names);
  memset(bl, 0, sizeof(*bl));
}

static struct block *push(struct block_list *bl)
{
  struct block *b;

  bl->v = xgrow(bl->v, &bl->cap, bl->n + 1, sizeof(*bl->v));
  b = &bl->v[bl->n++];
  memset(b, 0, sizeof(*b));
  return b;
}

/* The index of name in b->models, added (with zero sums) if new. */
static size_t add_model(struct block *b, uint32_t name)
{
  size_t i, cap;

  for (i = 0; i < b->nmodels; i++)
    if (b->models[i] == name)
      return i;
  cap = b->capmodels;
  b->models =
      xgrow(b->models, &b->capmodels, b->nmodels + 1, sizeof(*b->models));
  if (b->capmodels != cap)
    b->sums = xrealloc(b->sums, b->capmodels * sizeof(*b->sums));
  memset(&b->sums[b->nmodels], 0, sizeof(*b->sums));
  b->models[b->nmodels] = name;
  return b->nmodels++;
}

static void add_event(struct block_list *bl, struct block *b,
                      const struct event *ev, const struct strtab *st,
                      struct pricer *pr, struct buf *tmp)
{
  uint32_t model = event_model_label(ev, st, &bl->names, tmp);
  int priced;
  double cost = pricer_cost(pr, ev, &priced);

  if (!b->entries)
    b->first_ms = ev->ts_ms;
  b->last_ms = ev->ts_ms;
  b->entries++;
  tokens_add(&b->tok, &ev->tok);
  b->cost += cost;
  if (!priced)
    b->unpriced_tokens += tokens_total(&ev->tok);
  if (!b->limit_reset && ev->limit_reset)
    b->limit_reset = ev->limit_reset;
  if (model) {
    size_t k = add_model(b, model); /* may move b->sums */
    struct block_model *m = &b->sums[k];

    tokens_add(&m->tok, &ev->tok);
    m->cost += cost;
    m->calls++;
  }
}

void blocks_build(struct block_list *bl, const struct dedup *set,
                  const struct project_map *pm, const struct agg_filter *f,
                  int64_t duration_ms, int64_t now_ms)
{
  struct agg_filter all = *f;
  struct buf tmp = BUF_INIT;
  size_t i, cur = SIZE_MAX; /* index of the open block */

  all.since_day = INT64_MIN;
  all.until_day = INT64_MAX;
  for (i = 0; i < set->n; i++) {
    const struct event *ev = &set->ev[i];

    if (!agg_keep(&all, pm, ev))
      continue;
    if (cur != SIZE_MAX && (ev->ts_ms - bl->v[cur].start_ms > duration_ms ||
                            ev->ts_ms - bl->v[cur].last_ms > duration_ms)) {
      int64_t last = bl->v[cur].last_ms;

      if (ev->ts_ms - last > duration_ms) {
        struct block *g = push(bl);

        g->is_gap = 1;
        g->start_ms = last + duration_ms;
        g->end_ms = ev->ts_ms;
      }
      cur = SIZE_MAX;
    }
    if (cur == SIZE_MAX) {
      struct block *b = push(bl);

      b->start_ms = civil_floor_div(ev->ts_ms, HOUR_MS) * HOUR_MS;
      b->end_ms = b->start_ms + duration_ms;
      cur = bl->n - 1;
      /* The block starts at its hour, which can be before the gap's start:
       * keep the list in start order, as ccusage sorts it. */
      if (cur > 0 && bl->v[cur - 1].is_gap &&
          bl->v[cur - 1].start_ms > b->start_ms) {
        struct block t = bl->v[cur - 1];

        bl->v[cur - 1] = bl->v[cur];
        bl->v[cur] = t;
        cur--;
      }
    }
    add_event(bl, &bl->v[cur], ev, &set->strs, f->pricer, &tmp);
  }
  blocks_set_now(bl, duration_ms, now_ms);
  buf_release(&tmp);
}

void blocks_set_now(struct block_list *bl, int64_t duration_ms, int64_t now_ms)
{
  struct block *last = NULL;
  size_t i;

  /* The open block is the last non-gap one: a gap can sort after it. */
  for (i = 0; i < bl->n; i++) {
    bl->v[i].is_active = 0;
    if (!bl->v[i].is_gap)
      last = &bl->v[i];
  }
  if (last && now_ms - last->last_ms < duration_ms && now_ms < last->end_ms)
    last->is_active = 1;
}

void block_burn_rate(const struct block *b, struct burn_rate *out)
{
  double minutes = (double)(b->last_ms - b->first_ms) / 60000.0;

  memset(out, 0, sizeof(*out));
  if (b->is_gap || b->entries == 0 || minutes <= 0)
    return;
  out->valid = 1;
  out->tokens_per_minute = (double)tokens_total(&b->tok) / minutes;
  out->tokens_per_minute_indicator =
      (double)(b->tok.input + b->tok.output) / minutes;
  out->cost_per_hour = b->cost / minutes * 60.0;
}

void block_projection(const struct block *b, int64_t now_ms,
                      struct projection *out)
{
  struct burn_rate br;
  double remaining;

  memset(out, 0, sizeof(*out));
  block_burn_rate(b, &br);
  if (!b->is_active || !br.valid)
    return;
  remaining = round((double)(b->end_ms - now_ms) / 60000.0);
  if (remaining < 0)
    remaining = 0;
  out->valid = 1;
  out->remaining_minutes = (int64_t)remaining;
  out->total_tokens = (uint64_t)llround((double)tokens_total(&b->tok) +
                                        br.tokens_per_minute * remaining);
  out->total_cost =
      round((b->cost + br.cost_per_hour / 60.0 * remaining) * 100.0) / 100.0;
}

uint64_t blocks_max_tokens(const struct block_list *bl)
{
  uint64_t max = 0;
  size_t i;

  for (i = 0; i < bl->n; i++) {
    uint64_t t = tokens_total(&bl->v[i].tok);

    if (!bl->v[i].is_gap && !bl->v[i].is_active && t > max)
      max = t;
  }
  return max;
}
