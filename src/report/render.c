/* Rendering aggregated reports as tables, JSON and CSV. */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "report/fmt.h"
#include "report/render.h"
#include "report/table.h"
#include "util/jsonw.h"
#include "util/banned.h"

static const char *key_title(enum agg_by by)
{
  static const char *const t[] = {"Date",    "Week",    "Month",
                                  "Session", "Project", "Model"};
  return t[by];
}

static const char *json_array_name(enum agg_by by)
{
  static const char *const n[] = {"daily",    "weekly",   "monthly",
                                  "sessions", "projects", "models"};
  return n[by];
}

static const char *json_key_name(enum agg_by by)
{
  static const char *const n[] = {"date",    "week",    "month",
                                  "sessionId", "project", "modelName"};
  return n[by];
}

void render_short_model(const char *model, struct buf *out)
{
  size_t n = strlen(model), i;

  buf_reset(out);
  if (!strncmp(model, "claude-", 7)) {
    model += 7;
    n -= 7;
  }
  /* drop a -YYYYMMDD date, keeping a "-fast" after it */
  for (i = 0; i + 9 <= n; i++) {
    size_t k;

    if (model[i] != '-')
      continue;
    for (k = 1; k <= 8 && model[i + k] >= '0' && model[i + k] <= '9'; k++)
      ;
    if (k == 9 && (i + 9 == n || model[i + 9] == '-')) {
      buf_add(out, model, i);
      buf_add(out, model + i + 9, n - i - 9);
      return;
    }
  }
  buf_add(out, model, n);
}

/* ---- JSON ---------------------------------------------------------------
 * ccusage's JSON comes from serde maps: keys sorted. Rows are written as a
 * list of fields sorted by name, so added fields land in order too. */

enum ftype { F_UINT, F_DOUBLE, F_STR, F_BOOL, F_BREAKDOWN, F_USED, F_TS };

struct field {
  const char *name;
  enum ftype type;
  uint64_t u;
  double d;
  const char *s;
  const struct agg_row *row;
};

static int cmp_field(const void *a, const void *b)
{
  return strcmp(((const struct field *)a)->name,
                ((const struct field *)b)->name);
}

static void json_breakdown(struct jsonw *w, const struct agg *a,
                           const struct agg_row *r)
{
  size_t i;

  jsonw_arr_begin(w);
  for (i = 0; i < r->nmodels; i++) {
    const struct agg_model *m = &r->models[i];

    jsonw_obj_begin(w);
    jsonw_key(w, "cacheCreationTokens");
    jsonw_uint(w, tokens_cache_write(&m->tok));
    jsonw_key(w, "cacheReadTokens");
    jsonw_uint(w, m->tok.cache_read);
    jsonw_key(w, "calls");
    jsonw_uint(w, m->calls);
    jsonw_key(w, "cost");
    jsonw_double(w, m->cost);
    jsonw_key(w, "inputTokens");
    jsonw_uint(w, m->tok.input);
    jsonw_key(w, "modelName");
    jsonw_strz(w, strtab_get(&a->names, m->name));
    jsonw_key(w, "outputTokens");
    jsonw_uint(w, m->tok.output);
    jsonw_key(w, "unpriced");
    jsonw_bool(w, m->unpriced);
    jsonw_obj_end(w);
  }
  jsonw_arr_end(w);
}

static void json_fields(struct jsonw *w, const struct agg *a,
                        struct field *f, size_t n)
{
  char ts[32];
  size_t i, k;

  qsort(f, n, sizeof(*f), cmp_field);
  jsonw_obj_begin(w);
  for (i = 0; i < n; i++) {
    jsonw_key(w, f[i].name);
    switch (f[i].type) {
    case F_UINT:
      jsonw_uint(w, f[i].u);
      break;
    case F_DOUBLE:
      jsonw_double(w, f[i].d);
      break;
    case F_STR:
      jsonw_strz(w, f[i].s);
      break;
    case F_BOOL:
      jsonw_bool(w, f[i].u != 0);
      break;
    case F_TS:
      civil_fmt_iso_ms((int64_t)f[i].u, ts);
      jsonw_strz(w, ts);
      break;
    case F_BREAKDOWN:
      json_breakdown(w, a, f[i].row);
      break;
    case F_USED:
      jsonw_arr_begin(w);
      for (k = 0; k < f[i].row->nused; k++)
        jsonw_strz(w, strtab_get(&a->names, f[i].row->used[k]));
      jsonw_arr_end(w);
      break;
    }
  }
  jsonw_obj_end(w);
}

static size_t token_fields(struct field *f, const struct agg_row *r)
{
  size_t n = 0;

  f[n++] = (struct field){"cacheCreationTokens", F_UINT,
                          tokens_cache_write(&r->tok), 0, NULL, NULL};
  f[n++] = (struct field){"cacheReadTokens", F_UINT, r->tok.cache_read, 0,
                          NULL, NULL};
  f[n++] = (struct field){"calls", F_UINT, r->calls, 0, NULL, NULL};
  f[n++] = (struct field){"inputTokens", F_UINT, r->tok.input, 0, NULL, NULL};
  f[n++] = (struct field){"outputTokens", F_UINT, r->tok.output, 0, NULL,
                          NULL};
  f[n++] = (struct field){"totalCost", F_DOUBLE, 0, r->cost, NULL, NULL};
  f[n++] = (struct field){"totalTokens", F_UINT, tokens_total(&r->tok), 0,
                          NULL, NULL};
  f[n++] = (struct field){"unpricedTokens", F_UINT, r->unpriced_tokens, 0,
                          NULL, NULL};
  return n;
}

static void json_row(struct jsonw *w, const struct agg *a,
                     const struct agg_row *r, enum agg_by by)
{
  struct field f[20];
  size_t n = token_fields(f, r);

  f[n++] = (struct field){json_key_name(by), F_STR, 0, 0,
                          strtab_get(&a->names, r->key), NULL};
  if (by == AGG_MODEL) {
    f[n++] = (struct field){"unpriced", F_BOOL, r->unpriced_tokens > 0, 0,
                            NULL, NULL};
  } else {
    f[n++] = (struct field){"modelBreakdowns", F_BREAKDOWN, 0, 0, NULL, r};
    f[n++] = (struct field){"modelsUsed", F_USED, 0, 0, NULL, r};
  }
  if (by == AGG_SESSION || by == AGG_PROJECT || by == AGG_MODEL) {
    f[n++] = (struct field){"firstActivity", F_TS, (uint64_t)r->first_ms, 0,
                            NULL, NULL};
    f[n++] = (struct field){"lastActivity", F_TS, (uint64_t)r->last_ms, 0,
                            NULL, NULL};
  }
  if (by == AGG_SESSION)
    f[n++] = (struct field){"projectPath", F_STR, 0, 0,
                            r->project ? strtab_get(&a->names, r->project)
                                       : "(unknown)",
                            NULL};
  json_fields(w, a, f, n);
}

int render_json(const struct agg *a, const struct render_opts *o,
                struct buf *out)
{
  struct jsonw w;
  struct field tot[12];
  size_t i, n;

  jsonw_init(&w, out, 2);
  jsonw_obj_begin(&w);
  /* "totals" and "unpricedModels" sort after every array name but
   * "weekly". */
  if (o->by == AGG_WEEK)
    goto totals;
rows:
  jsonw_key(&w, json_array_name(o->by));
  jsonw_arr_begin(&w);
  for (i = 0; i < a->n; i++)
    json_row(&w, a, &a->rows[i], o->by);
  jsonw_arr_end(&w);
  if (o->by == AGG_WEEK)
    goto end;
totals:
  jsonw_key(&w, "totals");
  n = token_fields(tot, &a->total);
  json_fields(&w, a, tot, n);
  jsonw_key(&w, "unpricedModels");
  jsonw_arr_begin(&w);
  for (i = 0; i < a->nunpriced; i++)
    jsonw_strz(&w, strtab_get(&a->names, a->unpriced[i]));
  jsonw_arr_end(&w);
  if (o->by == AGG_WEEK)
    goto rows;
end:
  jsonw_obj_end(&w);
  buf_addch(out, '\n');
  return jsonw_finish(&w);
}
