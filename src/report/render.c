/* Rendering aggregated reports as tables, JSON and CSV. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdbool.h>
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
  static const char *const n[] = {"date",      "week",    "month",
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

/*
 * The part of a row no model breakdown covers: calls without a model name
 * (or "<synthetic>"). Tables and CSV show it as "(no model)" so their lines
 * add up to the row; JSON leaves it out of modelBreakdowns, as ccusage.
 */
static int row_rest(const struct agg_row *r, struct agg_model *rest)
{
  size_t i;

  memset(rest, 0, sizeof(*rest));
  rest->tok = r->tok;
  rest->cost = r->cost;
  rest->calls = r->calls;
  rest->unpriced_tokens = r->unpriced_tokens;
  for (i = 0; i < r->nmodels; i++) {
    const struct agg_model *m = &r->models[i];

    tokens_sub(&rest->tok, &m->tok);
    rest->cost -= m->cost;
    rest->calls -= m->calls;
    rest->unpriced_tokens -= m->unpriced_tokens;
  }
  rest->unpriced = rest->unpriced_tokens > 0;
  /* Zero-token calls (API errors) would only add an empty line. */
  return rest->calls > 0 &&
         (tokens_total(&rest->tok) > 0 || fabs(rest->cost) > 1e-9);
}

/* ---- JSON ---------------------------------------------------------------
 * ccusage's JSON comes from serde maps: keys sorted. Rows are written as a
 * list of fields sorted by name, so added fields land in order too. */

enum ftype {
  F_UINT,
  F_DOUBLE,
  F_STR,
  F_BOOL,
  F_BREAKDOWN,
  F_USED,
  F_TS,
  F_UNPRICED /* the report's models without a price */
};

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
    if (m->unpriced) { /* ccusage's flag, present only when set */
      jsonw_key(w, "missingPricing");
      jsonw_bool(w, true);
    }
    jsonw_key(w, "modelName");
    jsonw_strz(w, strtab_get(&a->names, m->name));
    jsonw_key(w, "outputTokens");
    jsonw_uint(w, m->tok.output);
    jsonw_obj_end(w);
  }
  jsonw_arr_end(w);
}

static void json_fields(struct jsonw *w, const struct agg *a, struct field *f,
                        size_t n)
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
    case F_UNPRICED:
      jsonw_arr_begin(w);
      for (k = 0; k < a->nunpriced; k++)
        jsonw_strz(w, strtab_get(&a->names, a->unpriced[k]));
      jsonw_arr_end(w);
      break;
    }
  }
  jsonw_obj_end(w);
}

static size_t token_fields(struct field *f, const struct agg_row *r)
{
  size_t n = 0;

  f[n++] = (struct field){"cacheCreationTokens",
                          F_UINT,
                          tokens_cache_write(&r->tok),
                          0,
                          NULL,
                          NULL};
  f[n++] = (struct field){
      "cacheReadTokens", F_UINT, r->tok.cache_read, 0, NULL, NULL};
  f[n++] = (struct field){"calls", F_UINT, r->calls, 0, NULL, NULL};
  f[n++] = (struct field){"inputTokens", F_UINT, r->tok.input, 0, NULL, NULL};
  f[n++] = (struct field){"outputTokens", F_UINT, r->tok.output, 0, NULL, NULL};
  f[n++] = (struct field){"totalCost", F_DOUBLE, 0, r->cost, NULL, NULL};
  f[n++] = (struct field){"totalTokens", F_UINT, tokens_total(&r->tok), 0,
                          NULL,          NULL};
  f[n++] = (struct field){
      "unpricedTokens", F_UINT, r->unpriced_tokens, 0, NULL, NULL};
  return n;
}

static void json_row(struct jsonw *w, const struct agg *a,
                     const struct agg_row *r, enum agg_by by)
{
  struct field f[20];
  size_t n = token_fields(f, r);

  f[n++] = (struct field){
      json_key_name(by), F_STR, 0, 0, strtab_get(&a->names, r->key), NULL};
  if (by == AGG_MODEL) {
    if (r->unpriced_tokens)
      f[n++] = (struct field){"missingPricing", F_BOOL, 1, 0, NULL, NULL};
  } else {
    f[n++] = (struct field){"modelBreakdowns", F_BREAKDOWN, 0, 0, NULL, r};
    f[n++] = (struct field){"modelsUsed", F_USED, 0, 0, NULL, r};
  }
  if (by == AGG_SESSION || by == AGG_PROJECT || by == AGG_MODEL) {
    f[n++] = (struct field){
        "firstActivity", F_TS, (uint64_t)r->first_ms, 0, NULL, NULL};
    f[n++] = (struct field){"lastActivity", F_TS, (uint64_t)r->last_ms, 0,
                            NULL,           NULL};
  }
  if (by == AGG_SESSION)
    f[n++] = (struct field){"projectPath",
                            F_STR,
                            0,
                            0,
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
  size_t i, n, k;

  jsonw_init(&w, out, 2);
  jsonw_obj_begin(&w);
  /* Sorted keys: the rows' array name sorts before "totals", except
   * "weekly". */
  for (k = 0; k < 2; k++) {
    if ((k == 0) == (o->by != AGG_WEEK)) {
      jsonw_key(&w, json_array_name(o->by));
      jsonw_arr_begin(&w);
      for (i = 0; i < a->n; i++)
        json_row(&w, a, &a->rows[i], o->by);
      jsonw_arr_end(&w);
    } else {
      jsonw_key(&w, "totals");
      n = token_fields(tot, &a->total);
      if (a->nunpriced) /* as ccusage: only when there are some */
        tot[n++] =
            (struct field){"unpricedModels", F_UNPRICED, 0, 0, NULL, NULL};
      json_fields(&w, a, tot, n);
    }
  }
  jsonw_obj_end(&w);
  buf_addch(out, '\n');
  return jsonw_finish(&w);
}

/* ---- tables ------------------------------------------------------------ */

enum col {
  C_KEY,
  C_PROJECT,
  C_MODELS,
  C_CALLS,
  C_INPUT,
  C_OUTPUT,
  C_CWRITE,
  C_CREAD,
  C_TOTAL,
  C_COST,
  C_LAST,
  C_N
};

struct colspec {
  const char *title;
  enum table_align align;
  int priority;
};

static const struct colspec colspecs[C_N] = {
    [C_KEY] = {NULL, TABLE_LEFT, TABLE_KEEP},
    [C_PROJECT] = {"Project", TABLE_LEFT, 75},
    [C_MODELS] = {"Models", TABLE_LEFT, 20},
    [C_CALLS] = {"Calls", TABLE_RIGHT, 25},
    [C_INPUT] = {"Input", TABLE_RIGHT, 50},
    [C_OUTPUT] = {"Output", TABLE_RIGHT, 60},
    [C_CWRITE] = {"Cache Create", TABLE_RIGHT, 30},
    [C_CREAD] = {"Cache Read", TABLE_RIGHT, 40},
    [C_TOTAL] = {"Total Tokens", TABLE_RIGHT, 90},
    [C_COST] = {"Cost (USD)", TABLE_RIGHT, 100},
    [C_LAST] = {"Last Activity", TABLE_RIGHT, 70},
};

static int col_used(enum agg_by by, enum col c)
{
  switch (c) {
  case C_PROJECT:
    return by == AGG_SESSION;
  case C_MODELS:
    return by != AGG_MODEL;
  case C_CALLS:
    return by == AGG_MODEL || by == AGG_PROJECT;
  case C_LAST:
    return by == AGG_SESSION || by == AGG_PROJECT;
  default:
    return 1;
  }
}

static void set_tokens(struct table *t, size_t row, size_t col, uint64_t v,
                       int compact, struct buf *tmp)
{
  buf_reset(tmp);
  if (compact)
    fmt_tokens_compact(tmp, v);
  else
    fmt_uint(tmp, v);
  table_set(t, row, col, tmp->data);
}

static void set_cost(struct table *t, size_t row, size_t col, double cost,
                     uint64_t unpriced, uint64_t total, struct buf *tmp)
{
  buf_reset(tmp);
  if (unpriced && unpriced >= total && cost == 0) {
    buf_adds(tmp, "unpriced");
  } else {
    fmt_usd(tmp, cost);
    if (unpriced)
      buf_addch(tmp, '*');
  }
  table_set(t, row, col, tmp->data);
}

/* Fills the token and cost columns of one row. */
static void fill_numbers(struct table *t, size_t row, const size_t *ix,
                         const struct tokens *tok, double cost,
                         uint64_t unpriced, uint64_t calls, int compact,
                         struct buf *tmp)
{
  if (ix[C_CALLS] != SIZE_MAX)
    set_tokens(t, row, ix[C_CALLS], calls, 0, tmp);
  set_tokens(t, row, ix[C_INPUT], tok->input, compact, tmp);
  set_tokens(t, row, ix[C_OUTPUT], tok->output, compact, tmp);
  set_tokens(t, row, ix[C_CWRITE], tokens_cache_write(tok), compact, tmp);
  set_tokens(t, row, ix[C_CREAD], tok->cache_read, compact, tmp);
  set_tokens(t, row, ix[C_TOTAL], tokens_total(tok), compact, tmp);
  set_cost(t, row, ix[C_COST], cost, unpriced, tokens_total(tok), tmp);
}

void render__models_cell(const struct strtab *names, const uint32_t *ids,
                         size_t n, struct buf *cell, struct buf *tmp)
{
  size_t i, start;

  buf_reset(cell);
  for (i = 0; i < n; i++) {
    render_short_model(strtab_get(names, ids[i]), tmp);
    /* Two models can share a short name (a dated and an undated id). */
    buf_addch(tmp, '\n');
    for (start = 0; start < cell->len;) {
      const char *nl = strchr(cell->data + start, '\n');
      size_t end = nl ? (size_t)(nl - cell->data) + 1 : cell->len;

      if (end - start == tmp->len + 2 &&
          !memcmp(cell->data + start + 2, tmp->data, tmp->len))
        break;
      start = end;
    }
    if (start < cell->len)
      continue;
    buf_addf(cell, "- %s", tmp->data);
  }
  buf_setlen(cell, cell->len ? cell->len - 1 : 0);
}

static void key_cell(const struct agg *a, const struct agg_row *r,
                     const struct render_opts *o, struct buf *cell)
{
  const char *k = strtab_get(&a->names, r->key);

  buf_reset(cell);
  /* On a narrow terminal a session's first UUID block is enough to tell
   * rows apart; JSON and CSV always carry the whole id. */
  if (o->by == AGG_SESSION && o->width && o->width < 160 && strlen(k) == 36 &&
      k[8] == '-')
    buf_add(cell, k, 8);
  else
    buf_adds(cell, k);
}

static void add_row(struct table *t, const struct agg *a,
                    const struct agg_row *r, const struct render_opts *o,
                    const size_t *ix, struct buf *cell, struct buf *tmp)
{
  size_t row = table_add_row(t, TABLE_ROW_NORMAL), i;

  key_cell(a, r, o, cell);
  table_set(t, row, ix[C_KEY], cell->data);
  if (ix[C_PROJECT] != SIZE_MAX && r->project)
    table_set(t, row, ix[C_PROJECT], strtab_get(&a->names, r->project));
  if (ix[C_MODELS] != SIZE_MAX) {
    render__models_cell(&a->names, r->used, r->nused, cell, tmp);
    table_set(t, row, ix[C_MODELS], cell->data);
  }
  if (ix[C_LAST] != SIZE_MAX) {
    char ts[32];

    civil_fmt_iso_ms(r->last_ms, ts);
    ts[16] = '\0';
    ts[10] = ' ';
    table_set(t, row, ix[C_LAST], ts);
  }
  fill_numbers(t, row, ix, &r->tok, r->cost, r->unpriced_tokens, r->calls,
               o->compact, tmp);
  if (!o->breakdown || o->by == AGG_MODEL)
    return;
  for (i = 0; i <= r->nmodels; i++) {
    struct agg_model rest;
    const struct agg_model *m = &r->models[i];
    size_t sub;

    if (i == r->nmodels) {
      if (!row_rest(r, &rest))
        break;
      m = &rest;
    }
    sub = table_add_row(t, TABLE_ROW_SUB);
    table_set(t, sub, ix[C_KEY],
              m == &rest ? "(no model)" : strtab_get(&a->names, m->name));
    fill_numbers(t, sub, ix, &m->tok, m->cost, m->unpriced_tokens, m->calls,
                 o->compact, tmp);
  }
}

int render_table(const struct agg *a, const struct render_opts *o,
                 struct buf *out)
{
  struct buf cell = BUF_INIT, tmp = BUF_INIT;
  struct table t;
  size_t ix[C_N], i, row;
  unsigned flags = (o->color ? TABLE_COLOR : 0) | (o->ascii ? TABLE_ASCII : 0);
  int r;

  table_init(&t);
  if (o->title)
    table_set_title(&t, o->title);
  for (i = 0; i < C_N; i++) {
    ix[i] = SIZE_MAX;
    if (col_used(o->by, (enum col)i))
      ix[i] =
          table_add_col(&t, i == C_KEY ? key_title(o->by) : colspecs[i].title,
                        colspecs[i].align, colspecs[i].priority);
  }
  for (i = 0; i < a->n; i++) {
    if (o->breakdown && i)
      table_add_row(&t, TABLE_ROW_SEP);
    add_row(&t, a, &a->rows[i], o, ix, &cell, &tmp);
  }
  table_add_row(&t, TABLE_ROW_SEP);
  row = table_add_row(&t, TABLE_ROW_TOTAL);
  table_set(&t, row, ix[C_KEY], "Total");
  fill_numbers(&t, row, ix, &a->total.tok, a->total.cost,
               a->total.unpriced_tokens, a->total.calls, o->compact, &tmp);
  r = table_render(&t, out, o->width, flags);
  table_release(&t);
  buf_release(&cell);
  buf_release(&tmp);
  return r;
}

void render_footer(const struct agg *a, const struct render_opts *o,
                   struct buf *out)
{
  struct agg_model rest;
  size_t i, n, col = 2;

  row_rest(&a->total, &rest);
  n = a->nunpriced + (rest.unpriced_tokens > 0);
  if (a->total.unpriced_tokens) {
    buf_adds(out, "* Costs exclude ");
    fmt_uint(out, a->total.unpriced_tokens);
    buf_adds(out, o->mode == COST_DISPLAY
                      ? " tokens with no recorded cost (--mode display):\n "
                      : " tokens of models with no known price:\n ");
    /* The list wraps before 78 columns. */
    for (i = 0; i < n; i++) {
      const char *m = i < a->nunpriced ? strtab_get(&a->names, a->unpriced[i])
                                       : "(calls without a model)";
      size_t len = strlen(m) + (i + 1 < n ? 1 : 0);

      if (col + 1 + len > 78 && col > 2) {
        buf_adds(out, "\n ");
        col = 2;
      }
      buf_addch(out, ' ');
      fmt_printable(out, m, strlen(m));
      if (i + 1 < n)
        buf_addch(out, ',');
      col += 1 + len;
    }
    if (o->mode != COST_DISPLAY && a->nunpriced)
      buf_adds(out, "\n  (add prices in ~/.config/tokmeter/prices.json)");
    buf_addch(out, '\n');
  }
  buf_adds(out, "Costs are API list-price estimates; subscription plans are "
                "not billed per token.\n");
}

/* ---- CSV ---------------------------------------------------------------- */

static void csv_numbers(struct buf *out, const struct tokens *tok, double cost,
                        uint64_t unpriced)
{
  char d[JSONW_DTOA_MAX];

  jsonw_dtoa(cost, 0, d);
  buf_addf(out, ",%llu,%llu,%llu,%llu,%llu,%s,%llu",
           (unsigned long long)tok->input, (unsigned long long)tok->output,
           (unsigned long long)tokens_cache_write(tok),
           (unsigned long long)tok->cache_read,
           (unsigned long long)tokens_total(tok), d,
           (unsigned long long)unpriced);
}

int render_csv(const struct agg *a, const struct render_opts *o,
               struct buf *out)
{
  struct buf models = BUF_INIT;
  char ts[32];
  size_t i, k;
  int extra = o->by == AGG_SESSION || o->by == AGG_PROJECT;

  buf_adds(out, json_key_name(o->by));
  if (o->by == AGG_SESSION)
    buf_adds(out, ",project");
  buf_adds(out, o->breakdown || o->by == AGG_MODEL ? "" : ",models");
  if (o->breakdown && o->by != AGG_MODEL)
    buf_adds(out, ",model");
  buf_adds(out, ",calls,input_tokens,output_tokens,cache_creation_tokens,"
                "cache_read_tokens,total_tokens,cost_usd,unpriced_tokens");
  buf_adds(out, extra ? ",first_activity,last_activity\n" : "\n");
  for (i = 0; i < a->n; i++) {
    const struct agg_row *r = &a->rows[i];
    const char *key = strtab_get(&a->names, r->key);
    struct agg_model rest;
    int has_rest = row_rest(r, &rest);
    size_t nlines =
        o->breakdown && o->by != AGG_MODEL ? r->nmodels + (size_t)has_rest : 1;

    for (k = 0; k < nlines; k++) {
      fmt_csv_field(out, key, strlen(key));
      if (o->by == AGG_SESSION) {
        const char *p = r->project ? strtab_get(&a->names, r->project) : "";

        buf_addch(out, ',');
        fmt_csv_field(out, p, strlen(p));
      }
      if (o->breakdown && o->by != AGG_MODEL) {
        const struct agg_model *m = k < r->nmodels ? &r->models[k] : &rest;
        const char *mn =
            m == &rest ? "(no model)" : strtab_get(&a->names, m->name);

        buf_addch(out, ',');
        fmt_csv_field(out, mn, strlen(mn));
        buf_addf(out, ",%llu", (unsigned long long)m->calls);
        csv_numbers(out, &m->tok, m->cost, m->unpriced_tokens);
      } else {
        if (o->by != AGG_MODEL) {
          size_t u;

          buf_reset(&models);
          for (u = 0; u < r->nused; u++)
            buf_addf(&models, "%s%s", u ? ";" : "",
                     strtab_get(&a->names, r->used[u]));
          buf_addch(out, ',');
          fmt_csv_field(out, models.data, models.len);
        }
        buf_addf(out, ",%llu", (unsigned long long)r->calls);
        csv_numbers(out, &r->tok, r->cost, r->unpriced_tokens);
      }
      if (extra) {
        civil_fmt_iso_ms(r->first_ms, ts);
        buf_addf(out, ",%s", ts);
        civil_fmt_iso_ms(r->last_ms, ts);
        buf_addf(out, ",%s", ts);
      }
      buf_addch(out, '\n');
    }
  }
  buf_release(&models);
  return 0;
}
