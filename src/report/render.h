/* Rendering aggregated reports as tables, JSON (ccusage's shapes) and CSV. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_REPORT_RENDER_H
#define TOKMETER_REPORT_RENDER_H

#include <stdint.h>

#include "core/aggregate.h"
#include "core/blocks.h"
#include "util/buf.h"

struct render_opts {
  enum agg_by by;
  int breakdown;       /* per-model sub rows (tables, CSV) */
  int color;           /* ANSI colours in tables */
  int ascii;           /* ASCII borders */
  unsigned width;      /* terminal width, 0 = unlimited */
  int compact;         /* compact token counts */
  const char *title;   /* table title, may be NULL */
  enum cost_mode mode; /* how costs were found (for the footer) */
};

/* Each appends to out; the caller prints. Return 0 or ERR_RANGE. */
int render_json(const struct agg *a, const struct render_opts *o,
                struct buf *out);
int render_table(const struct agg *a, const struct render_opts *o,
                 struct buf *out);
int render_csv(const struct agg *a, const struct render_opts *o,
               struct buf *out);

/* Lines under a table: unpriced models and what the costs mean. */
void render_footer(const struct agg *a, const struct render_opts *o,
                   struct buf *out);

/* "claude-sonnet-4-5-20250929" -> "sonnet-4-5", for narrow columns. */
void render_short_model(const char *model, struct buf *out);

/* For render_blocks.c: a Models cell, "- name" per line, short names,
 * each once. */
void render__models_cell(const struct strtab *names, const uint32_t *ids,
                         size_t n, struct buf *cell, struct buf *tmp);

/* Blocks (5-hour windows). */
struct blocks_view {
  const struct block_list *bl;
  const struct tz *tz;  /* zone for the table's times */
  const uint8_t *shown; /* per block: 1 if it passes --active/--recent/dates */
  int64_t now_ms;
  uint64_t token_limit; /* 0 = none */
  int limit_is_max;     /* the limit came from --token-limit max */
};

int render_blocks_json(const struct blocks_view *v, struct buf *out);
int render_blocks_table(const struct blocks_view *v,
                        const struct render_opts *o, struct buf *out);
int render_blocks_csv(const struct blocks_view *v, struct buf *out);

#endif
