/* The demo corpus oracle: distinct API calls summed per day and model. */
/* SPDX-License-Identifier: MIT */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "demo/internal.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define DAY_MS 86400000LL

const char *const demo_model_keys[DEMO_MODEL_KEYS] = {
    "<synthetic>",
    "claude-experimental-9",
    "claude-haiku-4-5-20251001",
    "claude-opus-4-6",
    "claude-opus-4-6-fast",
    "claude-opus-4-7",
    "claude-opus-4-7-fast",
    "claude-opus-4-8",
    "claude-sonnet-4-20250514",
    "claude-sonnet-4-5-20250929",
};

void demo_truth_init(struct demo_truth *t)
{
  memset(t, 0, sizeof(*t));
}

void demo_truth_release(struct demo_truth *t)
{
  free(t->days);
  demo_truth_init(t);
}

uint64_t demo_counts_total(const struct demo_counts *c)
{
  return c->input + c->output + c->cache_creation + c->cache_read;
}

static void counts_add(struct demo_counts *sum, const struct demo_counts *c)
{
  sum->calls += c->calls;
  sum->input += c->input;
  sum->output += c->output;
  sum->cache_creation += c->cache_creation;
  sum->cache_read += c->cache_read;
  sum->long_context += c->long_context;
  sum->long_models |= c->long_models;
}

/* Makes days[] cover `day` and returns its slot. */
static struct demo_counts *day_slot(struct demo_truth *t, int64_t day)
{
  struct demo_counts *d;
  size_t shift, n;

  if (!t->ndays) {
    t->days = xcalloc(1, sizeof(*t->days));
    t->first_day = day;
    t->ndays = 1;
  } else if (day < t->first_day) {
    shift = (size_t)(t->first_day - day);
    n = t->ndays + shift;
    d = xcalloc(n, sizeof(*d));
    memcpy(d + shift, t->days, t->ndays * sizeof(*d));
    free(t->days);
    t->days = d;
    t->ndays = n;
    t->first_day = day;
  } else if ((size_t)(day - t->first_day) >= t->ndays) {
    n = (size_t)(day - t->first_day) + 1;
    t->days = xrealloc(t->days, n * sizeof(*t->days));
    memset(t->days + t->ndays, 0, (n - t->ndays) * sizeof(*t->days));
    t->ndays = n;
  }
  return &t->days[day - t->first_day];
}

void demo_truth_add(struct demo_truth *t, int64_t ts_ms, int model_key,
                    const struct demo_counts *c)
{
  int64_t day = civil_floor_div(ts_ms, DAY_MS);
  struct demo_counts one = *c;

  one.long_context = 0;
  one.long_models = 0;
  if (c->calls == 1 && c->input + c->cache_creation + c->cache_read > 200000 &&
      model_key >= 0 && model_key < DEMO_MODEL_KEYS) {
    one.long_context = 1;
    one.long_models = 1u << model_key;
  }
  c = &one;
  counts_add(day_slot(t, day), c);
  if (model_key >= 0 && model_key < DEMO_MODEL_KEYS)
    counts_add(&t->models[model_key], c);
  counts_add(&t->total, c);
}

static json_t *counts_json(const struct demo_counts *c)
{
  json_t *o = json_object();

  json_object_set_new(o, "calls", json_integer((json_int_t)c->calls));
  json_object_set_new(o, "inputTokens", json_integer((json_int_t)c->input));
  json_object_set_new(o, "outputTokens", json_integer((json_int_t)c->output));
  json_object_set_new(o, "cacheCreationTokens",
                      json_integer((json_int_t)c->cache_creation));
  json_object_set_new(o, "cacheReadTokens",
                      json_integer((json_int_t)c->cache_read));
  json_object_set_new(o, "totalTokens",
                      json_integer((json_int_t)demo_counts_total(c)));
  return o;
}

static void long_context_json(json_t *o, const struct demo_counts *c)
{
  json_t *models = json_array();
  int k;

  json_object_set_new(o, "longContextCalls",
                      json_integer((json_int_t)c->long_context));
  for (k = 0; k < DEMO_MODEL_KEYS; k++)
    if (c->long_models & (1u << k))
      json_array_append_new(models, json_string(demo_model_keys[k]));
  json_object_set_new(o, "longContextModels", models);
}

void demo_truth_json(const struct demo_truth *t, struct buf *out)
{
  json_t *root = json_object(), *days = json_array(), *models = json_array();
  char date[16];
  size_t i;
  char *s;

  for (i = 0; i < t->ndays; i++) {
    json_t *o;

    if (!t->days[i].calls)
      continue;
    o = counts_json(&t->days[i]);
    civil_fmt_date(t->first_day + (int64_t)i, date);
    json_object_set_new(o, "date", json_string(date));
    long_context_json(o, &t->days[i]);
    json_array_append_new(days, o);
  }
  /* Key 0 is "<synthetic>", which ccusage lists under no model. */
  for (i = 1; i < DEMO_MODEL_KEYS; i++) {
    json_t *o;

    if (!t->models[i].calls)
      continue;
    o = counts_json(&t->models[i]);
    json_object_set_new(o, "model", json_string(demo_model_keys[i]));
    json_array_append_new(models, o);
  }
  json_object_set_new(root, "daily", days);
  json_object_set_new(root, "models", models);
  json_object_set_new(root, "totals", counts_json(&t->total));
  s = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS);
  buf_adds(out, s);
  buf_addch(out, '\n');
  free(s);
  json_decref(root);
}
