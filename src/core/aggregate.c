/* Summing priced events into report rows. */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "core/aggregate.h"
#include "core/civil.h"
#include "util/buf.h"
#include "util/xalloc.h"
#include "util/banned.h"

uint32_t project_of(const struct project_map *pm, const struct event *ev)
{
  uint32_t id = ev->cwd ? ev->cwd : ev->file;

  return pm && id < pm->n ? pm->by_id[id] : 0;
}

void project_map_set(struct project_map *pm, uint32_t id, const char *name,
                     size_t len)
{
  if (!id)
    return;
  if (id >= pm->n) {
    size_t n = pm->n ? pm->n : 64;

    while (n <= id)
      n *= 2;
    pm->by_id = xrealloc(pm->by_id, n * sizeof(*pm->by_id));
    memset(pm->by_id + pm->n, 0, (n - pm->n) * sizeof(*pm->by_id));
    pm->n = n;
  }
  pm->by_id[id] = strtab_intern(&pm->names, name, len);
}

void pricer_init(struct pricer *p, enum cost_mode mode,
                 const struct price_table *prices, const struct strtab *st)
{
  memset(p, 0, sizeof(*p));
  p->mode = mode;
  p->prices = prices;
  p->st = st;
  p->n = st->n + 1;
  p->cache = xcalloc(p->n, sizeof(const struct price *));
  p->looked = xcalloc(p->n, 1);
}

void pricer_release(struct pricer *p)
{
  free(p->cache);
  free(p->looked);
  memset(p, 0, sizeof(*p));
}

void pricer_warm(struct pricer *p, const struct event *ev, size_t n)
{
  size_t i;

  for (i = 0; i < n && p->prices; i++) {
    uint32_t m = ev[i].model;

    if (m && m < p->n && !p->looked[m]) {
      p->cache[m] = price_lookup(p->prices, strtab_get(p->st, m));
      p->looked[m] = 1;
    }
  }
}

double pricer_cost(struct pricer *p, const struct event *ev, int *priced)
{
  const struct price *pr = NULL;

  if (p->mode != COST_CALCULATE && (ev->flags & EVENT_HAS_COST)) {
    *priced = 1;
    return ev->cost_usd;
  }
  if (p->mode == COST_DISPLAY || !p->prices) {
    *priced = 0;
    return 0;
  }
  if (ev->model && ev->model < p->n) {
    if (!p->looked[ev->model]) {
      p->cache[ev->model] =
          price_lookup(p->prices, strtab_get(p->st, ev->model));
      p->looked[ev->model] = 1;
    }
    pr = p->cache[ev->model];
  }
  if (!pr) {
    *priced = 0;
    return 0;
  }
  *priced = 1;
  return price_cost(pr, &ev->tok, !!(ev->flags & EVENT_FAST));
}

void agg_init(struct agg *a)
{
  memset(a, 0, sizeof(*a));
  strtab_init(&a->names);
}

static void row_release(struct agg_row *r)
{
  free(r->models);
  free(r->used);
}

void agg_release(struct agg *a)
{
  size_t i;

  for (i = 0; i < a->n; i++)
    row_release(&a->rows[i]);
  row_release(&a->total);
  free(a->rows);
  free(a->unpriced);
  strtab_release(&a->names);
  memset(a, 0, sizeof(*a));
}

int agg_keep(const struct agg_filter *f, const struct project_map *pm,
             const struct event *ev)
{
  if (f->since_day != INT64_MIN || f->until_day != INT64_MAX) {
    int64_t day = tz_local_day(f->tz, ev->ts_ms);

    if (day < f->since_day || day > f->until_day)
      return 0;
  }
  if (f->model &&
      (ev->model != f->model || !!(ev->flags & EVENT_FAST) != f->model_fast))
    return 0;
  if ((f->user && ev->user != f->user) ||
      (f->machine && ev->machine != f->machine))
    return 0;
  return !f->project || project_of(pm, ev) == f->project;
}

void agg_filter_model(struct agg_filter *f, const struct strtab *st,
                      const char *name)
{
  size_t n = strlen(name);

  f->model_fast = n > 5 && !strcmp(name + n - 5, "-fast");
  f->model = strtab_find(st, name, f->model_fast ? n - 5 : n);
  if (!f->model)
    f->model = UINT32_MAX; /* matches nothing */
}

/* Row lookup by a 64-bit bucket key; keys live in the rows (order/aux). */
struct bucket {
  int64_t k;
  size_t row;
};

struct buckets {
  struct bucket *v;
  uint8_t *used;
  size_t n, cap;
};

static size_t bucket_find(struct buckets *b, int64_t k, int *found)
{
  size_t mask = b->cap - 1;
  size_t i = (size_t)(((uint64_t)k * 0x9e3779b97f4a7c15ULL) >> 20) & mask;

  for (; b->used[i]; i = (i + 1) & mask)
    if (b->v[i].k == k) {
      *found = 1;
      return i;
    }
  *found = 0;
  return i;
}

static void buckets_grow(struct buckets *b)
{
  struct buckets nb;
  size_t i;

  nb.cap = b->cap ? b->cap * 2 : 256;
  nb.n = b->n;
  nb.v = xcalloc(nb.cap, sizeof(*nb.v));
  nb.used = xcalloc(nb.cap, 1);
  for (i = 0; i < b->cap; i++)
    if (b->used[i]) {
      int f;
      size_t s = bucket_find(&nb, b->v[i].k, &f);

      nb.v[s] = b->v[i];
      nb.used[s] = 1;
    }
  free(b->v);
  free(b->used);
  *b = nb;
}

static void add_model(struct agg_row *r, uint32_t name, const struct event *ev,
                      double cost, int priced)
{
  size_t i;

  for (i = 0; i < r->nmodels; i++)
    if (r->models[i].name == name)
      break;
  if (i == r->nmodels) {
    r->models =
        xgrow(r->models, &r->capmodels, r->nmodels + 1, sizeof(*r->models));
    memset(&r->models[i], 0, sizeof(r->models[i]));
    r->models[i].name = name;
    r->nmodels++;
    r->used = xgrow(r->used, &r->capused, r->nused + 1, sizeof(*r->used));
    r->used[r->nused++] = name;
  }
  tokens_add(&r->models[i].tok, &ev->tok);
  r->models[i].cost += cost;
  r->models[i].calls++;
  if (!priced) {
    r->models[i].unpriced = 1;
    r->models[i].unpriced_tokens += tokens_total(&ev->tok);
  }
}

static void add_to_row(struct agg_row *r, const struct event *ev,
                       uint32_t model, double cost, int priced)
{
  if (!r->calls || ev->ts_ms < r->first_ms)
    r->first_ms = ev->ts_ms;
  if (!r->calls || ev->ts_ms >= r->last_ms)
    r->last_ms = ev->ts_ms;
  tokens_add(&r->tok, &ev->tok);
  r->cost += cost;
  r->calls++;
  if (!priced)
    r->unpriced_tokens += tokens_total(&ev->tok);
  if (model)
    add_model(r, model, ev, cost, priced);
}

static int64_t bucket_key(enum agg_by by, const struct event *ev,
                          const struct agg_filter *f,
                          const struct project_map *pm, uint32_t model,
                          unsigned week_start)
{
  int64_t day, y;
  unsigned m, d;

  switch (by) {
  case AGG_DAY:
    return tz_local_day(f->tz, ev->ts_ms);
  case AGG_WEEK:
    day = tz_local_day(f->tz, ev->ts_ms);
    return day - (int64_t)((civil_weekday(day) + 7 - week_start) % 7);
  case AGG_MONTH:
    civil_ymd_from_days(tz_local_day(f->tz, ev->ts_ms), &y, &m, &d);
    return y * 12 + (int64_t)m - 1;
  case AGG_SESSION:
    return ev->session;
  case AGG_PROJECT:
    return project_of(pm, ev);
  case AGG_MODEL:
    return model;
  }
  return 0;
}

static uint32_t row_key(struct agg *a, enum agg_by by, int64_t k,
                        const struct strtab *st, const struct project_map *pm,
                        struct buf *tmp)
{
  char date[16];
  const char *s = NULL;

  buf_reset(tmp);
  switch (by) {
  case AGG_DAY:
  case AGG_WEEK:
    civil_fmt_date(k, date);
    buf_adds(tmp, date);
    break;
  case AGG_MONTH:
    civil_fmt_date(
        civil_days_from_ymd(civil_floor_div(k, 12),
                            (unsigned)(k - civil_floor_div(k, 12) * 12) + 1, 1),
        date);
    buf_add(tmp, date, 7);
    break;
  case AGG_SESSION:
    s = strtab_get(st, (uint32_t)k);
    break;
  case AGG_PROJECT:
    s = pm ? strtab_get(&pm->names, (uint32_t)k) : NULL;
    break;
  case AGG_MODEL:
    s = strtab_get(&a->names, (uint32_t)k);
    break;
  }
  if (s)
    buf_adds(tmp, s);
  else if (!tmp->len)
    buf_adds(tmp, "(unknown)");
  return strtab_intern(&a->names, tmp->data, tmp->len);
}

static int cmp_model(const void *pa, const void *pb)
{
  const struct agg_model *a = pa, *b = pb;

  if (a->cost != b->cost)
    return a->cost > b->cost ? -1 : 1;
  return a->name < b->name ? -1 : a->name > b->name;
}

static int cmp_row(const void *pa, const void *pb, void *names)
{
  const struct agg_row *a = pa, *b = pb;

  if (a->order != b->order)
    return a->order < b->order ? -1 : 1;
  return strcmp(strtab_get(names, a->key), strtab_get(names, b->key));
}

static int cmp_row_cost(const void *pa, const void *pb, void *names)
{
  const struct agg_row *a = pa, *b = pb;

  if (a->cost != b->cost)
    return a->cost > b->cost ? -1 : 1;
  return cmp_row(pa, pb, names);
}

static int cmp_id_name(const void *pa, const void *pb, void *names)
{
  return strcmp(strtab_get(names, *(const uint32_t *)pa),
                strtab_get(names, *(const uint32_t *)pb));
}

static void finish_row(struct agg_row *r)
{
  if (r->nmodels)
    qsort(r->models, r->nmodels, sizeof(*r->models), cmp_model);
}

static void note_unpriced(struct agg *a)
{
  size_t i;

  for (i = 0; i < a->total.nmodels; i++)
    if (a->total.models[i].unpriced) {
      a->unpriced =
          xrealloc(a->unpriced, (a->nunpriced + 1) * sizeof(*a->unpriced));
      a->unpriced[a->nunpriced++] = a->total.models[i].name;
    }
  if (a->nunpriced)
    qsort_r(a->unpriced, a->nunpriced, sizeof(*a->unpriced), cmp_id_name,
            &a->names);
}

void agg_build(struct agg *a, const struct dedup *set,
               const struct project_map *pm, const struct agg_filter *f,
               enum agg_by by, unsigned week_start)
{
  struct buckets b = {0};
  struct buf tmp = BUF_INIT;
  size_t i, kept;

  buckets_grow(&b);
  for (i = 0; i < set->n; i++) {
    const struct event *ev = &set->ev[i];
    struct agg_row *r;
    uint32_t model;
    int64_t k;
    size_t slot;
    int found, priced;
    double cost;

    if (!agg_keep(f, pm, ev))
      continue;
    model = event_model_label(ev, &set->strs, &a->names, &tmp);
    cost = pricer_cost(f->pricer, ev, &priced);
    k = bucket_key(by, ev, f, pm, model, week_start);
    slot = bucket_find(&b, k, &found);
    if (found) {
      r = &a->rows[b.v[slot].row];
    } else {
      a->rows = xgrow(a->rows, &a->cap, a->n + 1, sizeof(*a->rows));
      r = &a->rows[a->n];
      memset(r, 0, sizeof(*r));
      r->key = row_key(a, by, k, &set->strs, pm, &tmp);
      r->order = by <= AGG_MONTH ? k : 0;
      b.v[slot].k = k;
      b.v[slot].row = a->n++;
      b.used[slot] = 1;
      if (++b.n * 2 > b.cap)
        buckets_grow(&b);
    }
    add_to_row(r, ev, model, cost, priced);
    if (by == AGG_SESSION && pm) {
      const char *pn = strtab_get(&pm->names, project_of(pm, ev));

      /* Events come in time order: the last one names the project. */
      if (pn)
        r->project = strtab_intern(&a->names, pn, strlen(pn));
    }
    add_to_row(&a->total, ev, model, cost, priced);
  }
  /* Sessions, projects and models of nothing (API-error records only) are
   * left out, as ccusage leaves out such sessions; a day, week or month
   * with only such calls stays, as in ccusage's daily report. */
  for (i = kept = 0; i < a->n; i++) {
    if (by > AGG_MONTH && !tokens_total(&a->rows[i].tok) &&
        a->rows[i].cost == 0) {
      row_release(&a->rows[i]);
      continue;
    }
    finish_row(&a->rows[i]);
    a->rows[kept++] = a->rows[i];
  }
  a->n = kept;
  finish_row(&a->total);
  if (a->n)
    qsort_r(a->rows, a->n, sizeof(*a->rows), cmp_row, &a->names);
  note_unpriced(a);
  free(b.v);
  free(b.used);
  buf_release(&tmp);
}

void agg_reverse(struct agg *a)
{
  size_t i;

  for (i = 0; i < a->n / 2; i++) {
    struct agg_row t = a->rows[i];

    a->rows[i] = a->rows[a->n - 1 - i];
    a->rows[a->n - 1 - i] = t;
  }
}

void agg_sort_cost(struct agg *a)
{
  if (a->n)
    qsort_r(a->rows, a->n, sizeof(*a->rows), cmp_row_cost, &a->names);
}
