/* The HTTP API's answers (docs/api.md), built from a finished set. */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "report/api.h"
#include "report/prompts.h"
#include "report/tools.h"
#include "util/jsonw.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define DAY_MS 86400000LL
#define HEATMAP_DAYS 28

/* Sums the way the Usage object reports them. */
struct usage {
  struct tokens tok;
  double cost;
  uint64_t calls, unpriced;
};

static void usage_add(struct usage *u, const struct event *ev, double cost,
                      int priced)
{
  tokens_add(&u->tok, &ev->tok);
  u->calls++;
  if (priced)
    u->cost += cost;
  else
    u->unpriced += tokens_total(&ev->tok);
}

void api_usage_json(struct jsonw *w, const char *key, uint64_t calls,
                    const struct tokens *t, double cost, uint64_t unpriced)
{
  if (key)
    jsonw_key(w, key);
  jsonw_obj_begin(w);
  jsonw_key(w, "calls");
  jsonw_uint(w, calls);
  jsonw_key(w, "inputTokens");
  jsonw_uint(w, t->input);
  jsonw_key(w, "outputTokens");
  jsonw_uint(w, t->output);
  jsonw_key(w, "cacheCreationTokens");
  jsonw_uint(w, tokens_cache_write(t));
  jsonw_key(w, "cacheReadTokens");
  jsonw_uint(w, t->cache_read);
  jsonw_key(w, "totalTokens");
  jsonw_uint(w, tokens_total(t));
  jsonw_key(w, "cost");
  jsonw_double(w, cost);
  jsonw_key(w, "unpricedTokens");
  jsonw_uint(w, unpriced);
  jsonw_obj_end(w);
}

static void usage_of(struct jsonw *w, const char *key, const struct usage *u)
{
  api_usage_json(w, key, u->calls, &u->tok, u->cost, u->unpriced);
}

static void row_usage(struct jsonw *w, const char *key, const struct agg_row *r)
{
  api_usage_json(w, key, r->calls, &r->tok, r->cost, r->unpriced_tokens);
}

static void time_json(struct jsonw *w, const char *key, int64_t ms)
{
  char iso[32];

  jsonw_key(w, key);
  civil_fmt_iso_ms(ms, iso);
  jsonw_strz(w, iso);
}

static void day_json(struct jsonw *w, const char *key, int64_t day)
{
  char d[16];

  jsonw_key(w, key);
  civil_fmt_date(day, d);
  jsonw_strz(w, d);
}

void api_filter(const struct api_ctx *c, struct agg_filter *f)
{
  memset(f, 0, sizeof(*f));
  f->tz = c->tz;
  f->since_day = c->since_day;
  f->until_day = c->until_day;
  f->project = c->project;
  f->user = c->user;
  f->machine = c->machine;
  f->pricer = c->pricer;
  if (c->model)
    agg_filter_model(f, &c->set->strs, c->model);
}

static void build(struct agg *a, const struct api_ctx *c, enum agg_by by)
{
  struct agg_filter f;

  api_filter(c, &f);
  agg_init(a);
  agg_build(a, c->set, c->pm, &f, by, 1);
}

/* Sums the calls on local days [from, to] (and the project filter). */
static void period(const struct api_ctx *c, int64_t from, int64_t to,
                   struct usage *u)
{
  struct agg_filter f;
  size_t i;

  api_filter(c, &f);
  f.since_day = from;
  f.until_day = to;
  memset(u, 0, sizeof(*u));
  for (i = 0; i < c->set->n; i++) {
    const struct event *ev = &c->set->ev[i];
    int priced;
    double cost;

    if (!agg_keep(&f, c->pm, ev))
      continue;
    cost = pricer_cost(c->pricer, ev, &priced);
    usage_add(u, ev, cost, priced);
  }
}

static void period_json(struct jsonw *w, const char *key,
                        const struct api_ctx *c, int64_t from, int64_t to)
{
  struct usage u;

  period(c, from, to, &u);
  jsonw_key(w, key);
  jsonw_obj_begin(w);
  if (from != INT64_MIN)
    day_json(w, "since", from);
  else {
    jsonw_key(w, "since");
    jsonw_null(w);
  }
  if (to != INT64_MAX)
    day_json(w, "until", to);
  else {
    jsonw_key(w, "until");
    jsonw_null(w);
  }
  usage_of(w, "usage", &u);
  jsonw_obj_end(w);
}

/* What cache reads saved against paying them as input, in the range. */
static double cache_savings(const struct api_ctx *c)
{
  struct agg_filter f;
  double saved = 0;
  size_t i;

  api_filter(c, &f);
  for (i = 0; i < c->set->n; i++) {
    const struct event *ev = &c->set->ev[i];
    const struct price *p;
    int priced;

    if (!ev->tok.cache_read || !agg_keep(&f, c->pm, ev))
      continue;
    (void)pricer_cost(c->pricer, ev, &priced);
    p = ev->model < c->pricer->n ? c->pricer->cache[ev->model] : NULL;
    if (priced && p)
      saved += (double)ev->tok.cache_read * (p->input - p->cache_read);
  }
  return saved;
}

/* generatedAt and dataAsOf (the newest call's time, or null). */
static void times_json(struct jsonw *w, const struct api_ctx *c)
{
  time_json(w, "generatedAt", c->now_ms);
  if (c->set->n)
    time_json(w, "dataAsOf", c->set->ev[c->set->n - 1].ts_ms);
  else {
    jsonw_key(w, "dataAsOf");
    jsonw_null(w);
  }
}

void api_hello(struct buf *out, const struct api_ctx *c)
{
  struct jsonw w;

  jsonw_init(&w, out, 0);
  jsonw_obj_begin(&w);
  times_json(&w, c);
  jsonw_obj_end(&w);
}

void api_summary_value(struct jsonw *w, const struct api_ctx *c)
{
  int64_t today = tz_local_day(c->tz, c->now_ms), y;
  unsigned m, d, wd = civil_weekday(today);
  struct usage r;
  uint64_t ctx;

  civil_ymd_from_days(today, &y, &m, &d);
  jsonw_obj_begin(w);
  jsonw_key(w, "timezone");
  jsonw_strz(w, c->tz_name ? c->tz_name : "UTC");
  times_json(w, c);
  period_json(w, "today", c, today, today);
  /* Weeks start on Monday here: civil_weekday() counts from Sunday. */
  period_json(w, "thisWeek", c, today - (wd + 6) % 7, today);
  period_json(w, "thisMonth", c, civil_days_from_ymd(y, m, 1), today);
  period_json(w, "range", c, c->since_day, c->until_day);
  period(c, c->since_day, c->until_day, &r);
  ctx = r.tok.input + tokens_cache_write(&r.tok) + r.tok.cache_read;
  jsonw_key(w, "cacheHitRate");
  jsonw_double(w, ctx ? (double)r.tok.cache_read / (double)ctx : 0);
  jsonw_key(w, "cacheSavings");
  jsonw_double(w, cache_savings(c));
  jsonw_key(w, "deletedTranscripts");
  jsonw_obj_begin(w);
  jsonw_key(w, "files");
  jsonw_uint(w, c->deleted_files);
  jsonw_key(w, "calls");
  jsonw_uint(w, c->deleted_calls);
  jsonw_obj_end(w);
  jsonw_obj_end(w);
}

void api_summary(struct buf *out, const struct api_ctx *c)
{
  struct jsonw w;

  jsonw_init(&w, out, 2);
  api_summary_value(&w, c);
  buf_addch(out, '\n');
}

static void models_json(struct jsonw *w, const struct agg *a,
                        const struct agg_row *r)
{
  size_t k;

  jsonw_key(w, "models");
  jsonw_arr_begin(w);
  for (k = 0; k < r->nmodels; k++) {
    const struct agg_model *m = &r->models[k];

    jsonw_obj_begin(w);
    jsonw_key(w, "model");
    jsonw_strz(w, strtab_get(&a->names, m->name));
    api_usage_json(w, "usage", m->calls, &m->tok, m->cost, m->unpriced_tokens);
    jsonw_obj_end(w);
  }
  jsonw_arr_end(w);
}

void api_daily(struct buf *out, const struct api_ctx *c)
{
  struct agg a;
  struct jsonw w;
  size_t i;

  build(&a, c, AGG_DAY);
  jsonw_init(&w, out, 2);
  jsonw_obj_begin(&w);
  jsonw_key(&w, "timezone");
  jsonw_strz(&w, c->tz_name ? c->tz_name : "UTC");
  jsonw_key(&w, "days");
  jsonw_arr_begin(&w);
  for (i = 0; i < a.n; i++) {
    const struct agg_row *r = &a.rows[i];

    if (!r->calls)
      continue; /* time reports keep empty buckets; the API lists days
                   with calls */
    jsonw_obj_begin(&w);
    jsonw_key(&w, "date");
    jsonw_strz(&w, strtab_get(&a.names, r->key));
    row_usage(&w, "usage", r);
    models_json(&w, &a, r);
    jsonw_obj_end(&w);
  }
  jsonw_arr_end(&w);
  row_usage(&w, "totals", &a.total);
  jsonw_obj_end(&w);
  buf_addch(out, '\n');
  agg_release(&a);
}

void api_models(struct buf *out, const struct api_ctx *c)
{
  struct agg a;
  struct jsonw w;
  size_t i;

  build(&a, c, AGG_MODEL);
  agg_sort_cost(&a);
  jsonw_init(&w, out, 2);
  jsonw_obj_begin(&w);
  jsonw_key(&w, "models");
  jsonw_arr_begin(&w);
  for (i = 0; i < a.n; i++) {
    const struct agg_row *r = &a.rows[i];

    jsonw_obj_begin(&w);
    jsonw_key(&w, "model");
    jsonw_strz(&w, strtab_get(&a.names, r->key));
    row_usage(&w, "usage", r);
    jsonw_key(&w, "share");
    jsonw_double(&w, a.total.cost > 0 ? r->cost / a.total.cost : 0);
    jsonw_obj_end(&w);
  }
  jsonw_arr_end(&w);
  jsonw_obj_end(&w);
  buf_addch(out, '\n');
  agg_release(&a);
}

/* Per session (or project) id: the newest call's cwd and time, and the
 * cost of subagent calls (sidechain, or in a subagents/ file). */
struct side {
  int64_t last_ms;
  uint32_t cwd;
  double sub_cost;
};

static int is_subagent(const struct event *ev, const struct strtab *st)
{
  const char *f = strtab_get(st, ev->file);

  return (ev->flags & EVENT_SIDECHAIN) || (f && strstr(f, "/subagents/"));
}

static struct side *sides(const struct api_ctx *c, int by_project)
{
  size_t n = by_project ? c->pm->names.n + 1 : c->set->strs.n + 1, i;
  struct side *s = xcalloc(n, sizeof(*s));
  struct agg_filter f;

  api_filter(c, &f);
  for (i = 0; i < c->set->n; i++) {
    const struct event *ev = &c->set->ev[i];
    uint32_t k = by_project ? project_of(c->pm, ev) : ev->session;
    int priced;
    double cost;

    if (k >= n || !agg_keep(&f, c->pm, ev))
      continue;
    cost = pricer_cost(c->pricer, ev, &priced);
    if (is_subagent(ev, &c->set->strs) && priced)
      s[k].sub_cost += cost;
    if (ev->ts_ms >= s[k].last_ms && ev->cwd) {
      s[k].last_ms = ev->ts_ms;
      s[k].cwd = ev->cwd;
    }
  }
  return s;
}

static void cwd_json(struct jsonw *w, const struct api_ctx *c,
                     const struct side *s)
{
  const char *p = s ? strtab_get(&c->set->strs, s->cwd) : NULL;

  jsonw_key(w, "projectPath");
  if (p)
    jsonw_strz(w, p);
  else
    jsonw_null(w);
}

void api_projects(struct buf *out, const struct api_ctx *c)
{
  struct agg a, sess;
  struct side *s = sides(c, 1);
  struct jsonw w;
  size_t i, k;

  build(&a, c, AGG_PROJECT);
  build(&sess, c, AGG_SESSION);
  agg_sort_cost(&a);
  jsonw_init(&w, out, 2);
  jsonw_obj_begin(&w);
  jsonw_key(&w, "projects");
  jsonw_arr_begin(&w);
  for (i = 0; i < a.n; i++) {
    const struct agg_row *r = &a.rows[i];
    const char *name = strtab_get(&a.names, r->key);
    uint32_t pid = name ? strtab_find(&c->pm->names, name, strlen(name)) : 0;
    uint64_t nsess = 0;

    for (k = 0; k < sess.n; k++) {
      const char *p = strtab_get(&sess.names, sess.rows[k].project);

      nsess += p && name && !strcmp(p, name);
    }
    jsonw_obj_begin(&w);
    jsonw_key(&w, "project");
    if (name)
      jsonw_strz(&w, name);
    else
      jsonw_null(&w);
    cwd_json(&w, c, pid ? &s[pid] : NULL);
    row_usage(&w, "usage", r);
    jsonw_key(&w, "sessions");
    jsonw_uint(&w, nsess);
    time_json(&w, "lastActivity", r->last_ms);
    jsonw_key(&w, "models");
    jsonw_arr_begin(&w);
    for (k = 0; k < r->nmodels; k++)
      jsonw_strz(&w, strtab_get(&a.names, r->models[k].name));
    jsonw_arr_end(&w);
    jsonw_obj_end(&w);
  }
  jsonw_arr_end(&w);
  jsonw_obj_end(&w);
  buf_addch(out, '\n');
  free(s);
  agg_release(&sess);
  agg_release(&a);
}

static void session_json(struct jsonw *w, const struct api_ctx *c,
                         const struct agg *a, const struct agg_row *r,
                         const struct side *s);

struct sort_ctx {
  enum api_sort by;
  int desc;
};

static int cmp_rows(const void *pa, const void *pb, void *ctx)
{
  const struct agg_row *a = pa, *b = pb;
  const struct sort_ctx *s = ctx;
  double x = 0, y = 0;
  int c;

  switch (s->by) {
  case API_SORT_COST:
    x = a->cost, y = b->cost;
    break;
  case API_SORT_START:
    x = (double)a->first_ms, y = (double)b->first_ms;
    break;
  case API_SORT_END:
    x = (double)a->last_ms, y = (double)b->last_ms;
    break;
  case API_SORT_TOKENS:
    x = (double)tokens_total(&a->tok), y = (double)tokens_total(&b->tok);
    break;
  case API_SORT_DURATION:
    x = (double)(a->last_ms - a->first_ms);
    y = (double)(b->last_ms - b->first_ms);
    break;
  }
  c = x < y ? -1 : x > y;
  if (!c) /* stable whatever the sort: by start, then key */
    c = a->first_ms < b->first_ms ? -1 : a->first_ms > b->first_ms;
  if (!c)
    c = a->key < b->key ? -1 : a->key > b->key;
  return s->desc ? -c : c;
}

void api_sessions(struct buf *out, const struct api_ctx *c, enum api_sort sort,
                  int desc, size_t limit, size_t offset)
{
  struct sort_ctx sc = {sort, desc};
  struct side *s = sides(c, 0);
  struct agg a;
  struct jsonw w;
  size_t i;

  build(&a, c, AGG_SESSION);
  if (a.n > 1)
    qsort_r(a.rows, a.n, sizeof(*a.rows), cmp_rows, &sc);
  jsonw_init(&w, out, 2);
  jsonw_obj_begin(&w);
  jsonw_key(&w, "total");
  jsonw_uint(&w, a.n);
  jsonw_key(&w, "sessions");
  jsonw_arr_begin(&w);
  for (i = offset; i < a.n && i - offset < limit; i++) {
    const struct agg_row *r = &a.rows[i];
    const char *id = strtab_get(&a.names, r->key);
    uint32_t sid = id ? strtab_find(&c->set->strs, id, strlen(id)) : 0;

    session_json(&w, c, &a, r, sid ? &s[sid] : NULL);
  }
  jsonw_arr_end(&w);
  jsonw_obj_end(&w);
  buf_addch(out, '\n');
  free(s);
  agg_release(&a);
}

void api_heatmap(struct buf *out, const struct api_ctx *c)
{
  struct usage cell[7][24];
  struct agg_filter f;
  struct jsonw w;
  int64_t today = tz_local_day(c->tz, c->now_ms);
  size_t i;
  int d, h;

  api_filter(c, &f);
  if (f.since_day == INT64_MIN && f.until_day == INT64_MAX) {
    f.since_day = today - (HEATMAP_DAYS - 1);
    f.until_day = today;
  }
  memset(cell, 0, sizeof(cell));
  for (i = 0; i < c->set->n; i++) {
    const struct event *ev = &c->set->ev[i];
    int64_t local, day;
    int priced;
    double cost;

    if (!agg_keep(&f, c->pm, ev))
      continue;
    local = ev->ts_ms +
            (int64_t)tz_offset(c->tz, civil_floor_div(ev->ts_ms, 1000)) * 1000;
    day = civil_floor_div(local, DAY_MS);
    d = (int)((civil_weekday(day) + 6) % 7); /* Monday first */
    h = (int)((local - day * DAY_MS) / 3600000);
    cost = pricer_cost(c->pricer, ev, &priced);
    usage_add(&cell[d][h], ev, cost, priced);
  }
  jsonw_init(&w, out, 2);
  jsonw_obj_begin(&w);
  jsonw_key(&w, "timezone");
  jsonw_strz(&w, c->tz_name ? c->tz_name : "UTC");
  if (f.since_day != INT64_MIN)
    day_json(&w, "since", f.since_day);
  if (f.until_day != INT64_MAX)
    day_json(&w, "until", f.until_day);
  jsonw_key(&w, "cells");
  jsonw_arr_begin(&w);
  for (d = 0; d < 7; d++)
    for (h = 0; h < 24; h++) {
      jsonw_obj_begin(&w);
      jsonw_key(&w, "weekday");
      jsonw_int(&w, d);
      jsonw_key(&w, "hour");
      jsonw_int(&w, h);
      jsonw_key(&w, "calls");
      jsonw_uint(&w, cell[d][h].calls);
      jsonw_key(&w, "totalTokens");
      jsonw_uint(&w, tokens_total(&cell[d][h].tok));
      jsonw_key(&w, "cost");
      jsonw_double(&w, cell[d][h].cost);
      jsonw_obj_end(&w);
    }
  jsonw_arr_end(&w);
  jsonw_obj_end(&w);
  buf_addch(out, '\n');
}

/* The session row of `id` in a, or NULL. */
static const struct agg_row *session_row(const struct agg *a, const char *id)
{
  size_t i;

  for (i = 0; i < a->n; i++) {
    const char *k = strtab_get(&a->names, a->rows[i].key);

    if (k && !strcmp(k, id))
      return &a->rows[i];
  }
  return NULL;
}

static void session_json(struct jsonw *w, const struct api_ctx *c,
                         const struct agg *a, const struct agg_row *r,
                         const struct side *s)
{
  const char *proj = strtab_get(&a->names, r->project);
  size_t k;

  jsonw_obj_begin(w);
  jsonw_key(w, "sessionId");
  jsonw_strz(w, strtab_get(&a->names, r->key));
  jsonw_key(w, "project");
  if (proj)
    jsonw_strz(w, proj);
  else
    jsonw_null(w);
  cwd_json(w, c, s);
  time_json(w, "start", r->first_ms);
  time_json(w, "end", r->last_ms);
  jsonw_key(w, "durationMs");
  jsonw_int(w, r->last_ms - r->first_ms);
  jsonw_key(w, "models");
  jsonw_arr_begin(w);
  for (k = 0; k < r->nmodels; k++)
    jsonw_strz(w, strtab_get(&a->names, r->models[k].name));
  jsonw_arr_end(w);
  row_usage(w, "usage", r);
  jsonw_key(w, "subagentShare");
  jsonw_double(w, s && r->cost > 0 ? s->sub_cost / r->cost : 0);
  jsonw_obj_end(w);
}

/* main/subagent sums and one turn per call of session `sid`. */
static void session_calls(struct jsonw *w, const struct api_ctx *c,
                          uint32_t sid, struct agg *a,
                          const struct prompts *prompts)
{
  struct usage main_u, sub_u;
  struct agg_filter f;
  struct buf tmp = BUF_INIT;
  size_t i;

  memset(&main_u, 0, sizeof(main_u));
  memset(&sub_u, 0, sizeof(sub_u));
  api_filter(c, &f);
  jsonw_key(w, "turns");
  jsonw_arr_begin(w);
  for (i = 0; i < c->set->n; i++) {
    const struct event *ev = &c->set->ev[i];
    const struct prompt_row *row;
    int priced, sub;
    double cost;
    uint32_t model;

    if (ev->session != sid || !agg_keep(&f, c->pm, ev))
      continue;
    cost = pricer_cost(c->pricer, ev, &priced);
    sub = is_subagent(ev, &c->set->strs);
    usage_add(sub ? &sub_u : &main_u, ev, cost, priced);
    model = event_model_label(ev, &c->set->strs, &a->names, &tmp);
    jsonw_obj_begin(w);
    time_json(w, "at", ev->ts_ms);
    jsonw_key(w, "model");
    if (model)
      jsonw_strz(w, strtab_get(&a->names, model));
    else
      jsonw_null(w);
    api_usage_json(w, "usage", 1, &ev->tok, priced ? cost : 0,
                   priced ? 0 : tokens_total(&ev->tok));
    jsonw_key(w, "subagent");
    jsonw_bool(w, sub);
    if (prompts && (row = prompts_turn(prompts, i)) != NULL) {
      jsonw_key(w, "prompt");
      jsonw_strz(w, row->preview);
      /* Exact per file: the page cannot split parallel subagents. */
      api_usage_json(w, "promptUsage", row->calls, &row->tok, row->cost,
                     row->unpriced);
    }
    jsonw_obj_end(w);
  }
  jsonw_arr_end(w);
  usage_of(w, "main", &main_u);
  usage_of(w, "subagents", &sub_u);
  buf_release(&tmp);
}

int api_session(struct buf *out, const struct api_ctx *c, const char *id,
                const struct tools *tools, const struct prompts *prompts)
{
  struct agg a;
  const struct agg_row *r;
  struct side *s;
  struct jsonw w;
  uint32_t sid = strtab_find(&c->set->strs, id, strlen(id));
  size_t k;

  build(&a, c, AGG_SESSION);
  r = sid ? session_row(&a, id) : NULL;
  if (!r) {
    agg_release(&a);
    return -1;
  }
  s = sides(c, 0);
  jsonw_init(&w, out, 2);
  jsonw_obj_begin(&w);
  jsonw_key(&w, "session");
  session_json(&w, c, &a, r, &s[sid]);
  jsonw_key(&w, "byModel");
  jsonw_arr_begin(&w);
  for (k = 0; k < r->nmodels; k++) {
    const struct agg_model *m = &r->models[k];

    jsonw_obj_begin(&w);
    jsonw_key(&w, "model");
    jsonw_strz(&w, strtab_get(&a.names, m->name));
    api_usage_json(&w, "usage", m->calls, &m->tok, m->cost, m->unpriced_tokens);
    jsonw_obj_end(&w);
  }
  jsonw_arr_end(&w);
  session_calls(&w, c, sid, &a, prompts);
  if (tools) {
    jsonw_key(&w, "tools");
    tools_json(&w, tools);
  }
  jsonw_obj_end(&w);
  buf_addch(out, '\n');
  free(s);
  agg_release(&a);
  return 0;
}
