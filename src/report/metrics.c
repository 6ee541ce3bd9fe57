/* GET /metrics: usage in the Prometheus text format (metrics.h). */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "report/metrics.h"
#include "util/xalloc.h"
#include "util/banned.h"

enum { K_INPUT, K_OUTPUT, K_CR, K_CW5M, K_CW1H, K_N };

static const char *const kind_names[K_N] = {"input", "output", "cache_read",
                                            "cache_write_5m", "cache_write_1h"};
/* Input-relative weights of the kinds (issue 6). */
static const double kind_weights[K_N] = {1, 5, 0.1, 1.25, 2};

/* One series group: a user, machine and model label. */
struct series {
  uint32_t user, machine, model; /* model: id in the labels table */
  uint64_t tok[K_N];
  double cost;
};

static int cmp_series(const void *a, const void *b)
{
  const struct series *x = a, *y = b;

  if (x->user != y->user)
    return x->user < y->user ? -1 : 1;
  if (x->machine != y->machine)
    return x->machine < y->machine ? -1 : 1;
  return (x->model > y->model) - (x->model < y->model);
}

static const char *family(const char *model)
{
  if (strstr(model, "opus"))
    return "opus";
  if (strstr(model, "sonnet"))
    return "sonnet";
  if (strstr(model, "haiku"))
    return "haiku";
  return "other";
}

/* A label value, escaped as the text format wants (\\, \", \n). */
static void label(struct buf *out, const char *name, const char *v)
{
  buf_addf(out, "%s=\"", name);
  for (; v && *v; v++) {
    if (*v == '\\' || *v == '"')
      buf_addch(out, '\\');
    if (*v == '\n') {
      buf_adds(out, "\\n");
      continue;
    }
    buf_addch(out, *v);
  }
  buf_addch(out, '"');
}

static void labels(struct buf *out, const struct series *s,
                   const struct strtab *st, const struct strtab *models)
{
  const char *m = s->model ? strtab_get(models, s->model) : "unknown";

  buf_addch(out, '{');
  label(out, "user", s->user ? strtab_get(st, s->user) : "");
  buf_addch(out, ',');
  label(out, "machine", s->machine ? strtab_get(st, s->machine) : "");
  buf_addch(out, ',');
  label(out, "model", m);
  buf_addch(out, ',');
  label(out, "model_family", family(m));
}

/* The set summed by series, sorted: a stable exposition. */
static struct series *sum(const struct dedup *set, struct pricer *pricer,
                          struct strtab *models, size_t *n)
{
  struct series *v = NULL;
  struct strtab keys; /* (user, machine, model) ids: id - 1 indexes v */
  struct buf tmp = BUF_INIT;
  size_t cap = 0, i;

  *n = 0;
  strtab_init(&keys);
  for (i = 0; i < set->n; i++) {
    const struct event *ev = &set->ev[i];
    uint32_t m = event_model_label(ev, &set->strs, models, &tmp);
    uint32_t key[3] = {ev->user, ev->machine, m}, id;
    struct series *s;
    int priced;

    id = strtab_intern(&keys, (const char *)key, sizeof(key));
    if (id > *n) {
      v = xgrow(v, &cap, *n + 1, sizeof(*v));
      s = &v[(*n)++];
      memset(s, 0, sizeof(*s));
      s->user = ev->user;
      s->machine = ev->machine;
      s->model = m;
    }
    if (!v || !id || id > *n) /* interning gives ids 1, 2, ... in order */
      continue;
    s = &v[id - 1];
    s->tok[K_INPUT] += ev->tok.input;
    s->tok[K_OUTPUT] += ev->tok.output;
    s->tok[K_CR] += ev->tok.cache_read;
    s->tok[K_CW5M] += ev->tok.cache_write_5m;
    s->tok[K_CW1H] += ev->tok.cache_write_1h;
    s->cost += pricer_cost(pricer, ev, &priced);
  }
  buf_release(&tmp);
  strtab_release(&keys);
  if (*n > 1)
    qsort(v, *n, sizeof(*v), cmp_series);
  return v;
}

void metrics_write(struct buf *out, const struct dedup *set,
                   struct pricer *pricer, const struct metrics_local *loc,
                   const char *version)
{
  struct strtab models;
  struct series *v;
  size_t n, i, k;

  strtab_init(&models);
  v = sum(set, pricer, &models, &n);
  buf_adds(out, "# HELP tokmeter_tokens_total Tokens of the API calls in the "
                "store, by user, machine, model and kind.\n"
                "# TYPE tokmeter_tokens_total counter\n");
  for (i = 0; i < n; i++)
    for (k = 0; k < K_N; k++) {
      buf_adds(out, "tokmeter_tokens_total");
      labels(out, &v[i], &set->strs, &models);
      buf_addch(out, ',');
      label(out, "kind", kind_names[k]);
      buf_addf(out, "} %llu\n", (unsigned long long)v[i].tok[k]);
    }
  buf_adds(out, "# HELP tokmeter_cost_usd_total Cost of the API calls in the "
                "store at list prices, in US dollars.\n"
                "# TYPE tokmeter_cost_usd_total counter\n");
  for (i = 0; i < n; i++) {
    buf_adds(out, "tokmeter_cost_usd_total");
    labels(out, &v[i], &set->strs, &models);
    buf_addf(out, "} %.6f\n", v[i].cost);
  }
  buf_adds(out, "# HELP tokmeter_tokens_weighted_total Tokens weighted by "
                "price relative to input (input 1, cache_write_5m 1.25, "
                "cache_write_1h 2, cache_read 0.1, output 5).\n"
                "# TYPE tokmeter_tokens_weighted_total counter\n");
  for (i = 0; i < n; i++) {
    double w = 0;

    for (k = 0; k < K_N; k++)
      w += (double)v[i].tok[k] * kind_weights[k];
    buf_adds(out, "tokmeter_tokens_weighted_total");
    labels(out, &v[i], &set->strs, &models);
    buf_addf(out, "} %.1f\n", w);
  }
  buf_addf(out,
           "# HELP tokmeter_ingest_requests_total Ingest requests this "
           "process answered.\n"
           "# TYPE tokmeter_ingest_requests_total counter\n"
           "tokmeter_ingest_requests_total %llu\n"
           "# HELP tokmeter_ingest_events_total Events this process took "
           "in, by result.\n"
           "# TYPE tokmeter_ingest_events_total counter\n"
           "tokmeter_ingest_events_total{result=\"accepted\"} %llu\n"
           "tokmeter_ingest_events_total{result=\"duplicate\"} %llu\n"
           "tokmeter_ingest_events_total{result=\"rejected\"} %llu\n"
           "# HELP tokmeter_build_info The running tokmeter.\n"
           "# TYPE tokmeter_build_info gauge\n",
           (unsigned long long)loc->ingest_requests,
           (unsigned long long)loc->accepted,
           (unsigned long long)loc->duplicates,
           (unsigned long long)loc->rejected);
  buf_adds(out, "tokmeter_build_info{");
  label(out, "version", version);
  buf_adds(out, "} 1\n");
  free(v);
  strtab_release(&models);
}
