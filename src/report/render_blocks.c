/* Rendering 5-hour blocks as JSON (ccusage's shape), a table and CSV. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "core/civil.h"
#include "report/fmt.h"
#include "report/render.h"
#include "report/table.h"
#include "util/jsonw.h"
#include "util/banned.h"

static void json_ts(struct jsonw *w, int64_t ms)
{
  char ts[32];

  civil_fmt_iso_ms(ms, ts);
  jsonw_strz(w, ts);
}

static const char *limit_status(uint64_t projected, uint64_t limit)
{
  if (projected > limit)
    return "exceeds";
  if ((double)projected > 0.8 * (double)limit)
    return "warning";
  return "ok";
}

static void json_block(struct jsonw *w, const struct blocks_view *v,
                       const struct block *b)
{
  struct burn_rate br;
  struct projection pj;
  char id[48];
  size_t i;

  block_burn_rate(b, &br);
  block_projection(b, v->now_ms, &pj);
  jsonw_obj_begin(w);
  jsonw_key(w, "actualEndTime");
  if (b->is_gap)
    jsonw_null(w);
  else
    json_ts(w, b->last_ms);
  jsonw_key(w, "burnRate");
  if (b->is_active && br.valid) {
    jsonw_obj_begin(w);
    jsonw_key(w, "costPerHour");
    jsonw_double(w, br.cost_per_hour);
    jsonw_key(w, "tokensPerMinute");
    jsonw_double(w, br.tokens_per_minute);
    jsonw_key(w, "tokensPerMinuteForIndicator");
    jsonw_double(w, br.tokens_per_minute_indicator);
    jsonw_obj_end(w);
  } else {
    jsonw_null(w);
  }
  jsonw_key(w, "costUSD");
  jsonw_double_compact(w, b->cost);
  jsonw_key(w, "endTime");
  json_ts(w, b->end_ms);
  jsonw_key(w, "entries");
  jsonw_uint(w, b->entries);
  jsonw_key(w, "id");
  civil_fmt_iso_ms(b->start_ms, id);
  if (b->is_gap) {
    char gap[56];

    snprintf(gap, sizeof(gap), "gap-%s", id);
    jsonw_strz(w, gap);
  } else {
    jsonw_strz(w, id);
  }
  jsonw_key(w, "isActive");
  jsonw_bool(w, b->is_active);
  jsonw_key(w, "isGap");
  jsonw_bool(w, b->is_gap);
  jsonw_key(w, "models");
  jsonw_arr_begin(w);
  for (i = 0; i < b->nmodels; i++)
    jsonw_strz(w, strtab_get(&v->bl->names, b->models[i]));
  jsonw_arr_end(w);
  jsonw_key(w, "projection");
  if (pj.valid) {
    jsonw_obj_begin(w);
    jsonw_key(w, "remainingMinutes");
    jsonw_int(w, pj.remaining_minutes);
    jsonw_key(w, "totalCost");
    jsonw_double(w, pj.total_cost);
    jsonw_key(w, "totalTokens");
    jsonw_uint(w, pj.total_tokens);
    jsonw_obj_end(w);
  } else {
    jsonw_null(w);
  }
  jsonw_key(w, "startTime");
  json_ts(w, b->start_ms);
  jsonw_key(w, "tokenCounts");
  jsonw_obj_begin(w);
  jsonw_key(w, "cacheCreationInputTokens");
  jsonw_uint(w, tokens_cache_write(&b->tok));
  jsonw_key(w, "cacheReadInputTokens");
  jsonw_uint(w, b->tok.cache_read);
  jsonw_key(w, "inputTokens");
  jsonw_uint(w, b->tok.input);
  jsonw_key(w, "outputTokens");
  jsonw_uint(w, b->tok.output);
  jsonw_obj_end(w);
  if (v->token_limit && pj.valid) {
    jsonw_key(w, "tokenLimitStatus");
    jsonw_obj_begin(w);
    jsonw_key(w, "limit");
    jsonw_uint(w, v->token_limit);
    jsonw_key(w, "percentUsed");
    jsonw_double(w, (double)pj.total_tokens / (double)v->token_limit * 100.0);
    jsonw_key(w, "projectedUsage");
    jsonw_uint(w, pj.total_tokens);
    jsonw_key(w, "status");
    jsonw_strz(w, limit_status(pj.total_tokens, v->token_limit));
    jsonw_obj_end(w);
  }
  jsonw_key(w, "totalTokens");
  jsonw_uint(w, tokens_total(&b->tok));
  jsonw_key(w, "unpricedTokens");
  jsonw_uint(w, b->unpriced_tokens);
  if (b->limit_reset) {
    jsonw_key(w, "usageLimitResetTime");
    json_ts(w, b->limit_reset * 1000);
  }
  jsonw_obj_end(w);
}

int render_blocks_json(const struct blocks_view *v, struct buf *out)
{
  struct jsonw w;
  size_t i;

  jsonw_init(&w, out, 2);
  jsonw_obj_begin(&w);
  jsonw_key(&w, "blocks");
  jsonw_arr_begin(&w);
  for (i = 0; i < v->bl->n; i++)
    if (v->shown[i])
      json_block(&w, v, &v->bl->v[i]);
  jsonw_arr_end(&w);
  jsonw_obj_end(&w);
  buf_addch(out, '\n');
  return jsonw_finish(&w);
}

/* "2026-03-10 10:00" in the report's zone. */
static void local_minute(const struct tz *tz, int64_t ms, char *out)
{
  int64_t local = ms + (int64_t)tz_offset(tz, civil_floor_div(ms, 1000)) * 1000;

  civil_fmt_iso_ms(local, out);
  out[10] = ' ';
  out[16] = '\0';
}

static void status_cell(const struct blocks_view *v, const struct block *b,
                        struct buf *cell)
{
  buf_reset(cell);
  if (b->is_gap) {
    buf_adds(cell, "gap ");
    fmt_duration(cell, (b->end_ms - b->start_ms) / 1000);
  } else if (b->is_active) {
    buf_adds(cell, "ACTIVE, ");
    fmt_duration(cell, (b->end_ms - v->now_ms) / 1000);
    buf_adds(cell, " left");
  } else {
    fmt_duration(cell, (b->last_ms - b->first_ms) / 1000);
  }
}

static void add_block_row(struct table *t, const struct blocks_view *v,
                          const struct block *b, const struct tz *tz,
                          struct buf *cell, struct buf *tmp)
{
  size_t row = table_add_row(t, TABLE_ROW_NORMAL);
  char when[32];

  local_minute(tz, b->start_ms, when);
  table_set(t, row, 0, when);
  status_cell(v, b, cell);
  table_set(t, row, 1, cell->data);
  render__models_cell(&v->bl->names, b->models, b->nmodels, cell, tmp);
  table_set(t, row, 2, cell->data);
  if (b->is_gap)
    return;
  buf_reset(cell);
  fmt_uint(cell, tokens_total(&b->tok));
  table_set(t, row, 3, cell->data);
  if (v->token_limit) {
    buf_reset(cell);
    fmt_percent(
        cell, (double)tokens_total(&b->tok) / (double)v->token_limit * 100, 1);
    table_set(t, row, 4, cell->data);
  }
  buf_reset(cell);
  fmt_usd(cell, b->cost);
  if (b->unpriced_tokens)
    buf_addch(cell, '*');
  table_set(t, row, v->token_limit ? 5 : 4, cell->data);
}

static void active_summary(const struct blocks_view *v, const struct block *b,
                           const struct tz *tz, struct buf *out)
{
  struct burn_rate br;
  struct projection pj;
  char s[32], e[32];

  block_burn_rate(b, &br);
  block_projection(b, v->now_ms, &pj);
  local_minute(tz, b->start_ms, s);
  local_minute(tz, b->end_ms, e);
  buf_addf(out, "Active block %s to %s, ", s, e + 11);
  fmt_duration(out, (b->end_ms - v->now_ms) / 1000);
  buf_adds(out, " left\n");
  if (br.valid) {
    buf_adds(out, "  Burn rate:  ");
    fmt_uint(out, (uint64_t)(br.tokens_per_minute + 0.5));
    buf_adds(out, " tokens/min, ");
    fmt_usd(out, br.cost_per_hour);
    buf_adds(out, "/hour\n");
  }
  if (pj.valid) {
    buf_adds(out, "  Projected:  ");
    fmt_uint(out, pj.total_tokens);
    buf_adds(out, " tokens, ");
    fmt_usd(out, pj.total_cost);
    buf_adds(out, " at block end\n");
    if (v->token_limit) {
      buf_adds(out, "  Limit:      ");
      fmt_percent(out, (double)pj.total_tokens / (double)v->token_limit * 100,
                  1);
      buf_adds(out, " of ");
      fmt_uint(out, v->token_limit);
      buf_addf(out, " tokens%s, %s\n",
               v->limit_is_max ? " (largest previous block)" : "",
               limit_status(pj.total_tokens, v->token_limit));
    }
  }
}

int render_blocks_table(const struct blocks_view *v,
                        const struct render_opts *o, struct buf *out)
{
  static const char *const titles[] = {"Block Start", "Duration/Status",
                                       "Models",      "Tokens",
                                       "% of Limit",  "Cost (USD)"};
  static const int prio[] = {TABLE_KEEP, 60, 20, 90, 50, 100};
  const struct tz *tz = v->tz;
  struct buf cell = BUF_INIT, tmp = BUF_INIT;
  const struct block *active = NULL;
  struct table t;
  size_t i;
  int r;

  table_init(&t);
  for (i = 0; i < 6; i++)
    if (i != 4 || v->token_limit)
      table_add_col(&t, titles[i], i >= 3 ? TABLE_RIGHT : TABLE_LEFT, prio[i]);
  for (i = 0; i < v->bl->n; i++) {
    if (!v->shown[i])
      continue;
    add_block_row(&t, v, &v->bl->v[i], tz, &cell, &tmp);
    if (v->bl->v[i].is_active)
      active = &v->bl->v[i];
  }
  r = table_render(&t, out, o->width,
                   (o->color ? TABLE_COLOR : 0) | (o->ascii ? TABLE_ASCII : 0));
  if (active)
    active_summary(v, active, tz, out);
  table_release(&t);
  buf_release(&cell);
  buf_release(&tmp);
  return r;
}

int render_blocks_csv(const struct blocks_view *v, struct buf *out)
{
  char s[32], e[32], d[JSONW_DTOA_MAX];
  size_t i;

  buf_adds(out, "start,end,is_active,is_gap,entries,input_tokens,"
                "output_tokens,cache_creation_tokens,cache_read_tokens,"
                "total_tokens,cost_usd,models\n");
  for (i = 0; i < v->bl->n; i++) {
    const struct block *b = &v->bl->v[i];
    struct buf models = BUF_INIT;
    size_t k;

    if (!v->shown[i])
      continue;
    civil_fmt_iso_ms(b->start_ms, s);
    civil_fmt_iso_ms(b->end_ms, e);
    jsonw_dtoa(b->cost, 0, d);
    for (k = 0; k < b->nmodels; k++)
      buf_addf(&models, "%s%s", k ? ";" : "",
               strtab_get(&v->bl->names, b->models[k]));
    buf_addf(out, "%s,%s,%d,%d,%llu,%llu,%llu,%llu,%llu,%llu,%s,", s, e,
             b->is_active, b->is_gap, (unsigned long long)b->entries,
             (unsigned long long)b->tok.input,
             (unsigned long long)b->tok.output,
             (unsigned long long)tokens_cache_write(&b->tok),
             (unsigned long long)b->tok.cache_read,
             (unsigned long long)tokens_total(&b->tok), d);
    fmt_csv_field(out, models.data, models.len);
    buf_addch(out, '\n');
    buf_release(&models);
  }
  return 0;
}
