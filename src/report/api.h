/* The HTTP API's answers (docs/api.md), built from a finished set. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_REPORT_API_H
#define TOKMETER_REPORT_API_H

#include <stddef.h>
#include <stdint.h>

#include "core/aggregate.h"
#include "core/dedup.h"
#include "core/tz.h"
#include "util/buf.h"

/*
 * What every builder reads, all borrowed: the calls, how to price and
 * place them, and the request's common parameters. The builders do no
 * I/O: the dashboard and the team server give them the same set, so the
 * API is the same, and the tests check it against the CLI's reports.
 */
struct api_ctx {
  const struct dedup *set;      /* finished */
  const struct project_map *pm; /* names projects (may be empty) */
  struct pricer *pricer;
  const struct tz *tz;
  const char *tz_name;
  int64_t since_day, until_day; /* INT64_MIN / INT64_MAX when absent */
  uint32_t project;             /* id in pm->names; 0: all */
  const char *model;            /* as reports name it; NULL: all */
  uint32_t user, machine; /* team server: ids in set->strs, 0: all */
  int64_t now_ms;
  size_t deleted_files, deleted_calls; /* kept calls of deleted files */
};

/* Ordering of GET /api/sessions. */
enum api_sort {
  API_SORT_COST,
  API_SORT_START,
  API_SORT_END,
  API_SORT_TOKENS,
  API_SORT_DURATION
};

struct jsonw;

/* The filter of c's days, project and model, pricing with c's pricer. */
void api_filter(const struct api_ctx *c, struct agg_filter *f);

/* Writes a Usage object (docs/api.md) under key (NULL: as a value). */
void api_usage_json(struct jsonw *w, const char *key, uint64_t calls,
                    const struct tokens *t, double cost, uint64_t unpriced);

/* Each appends one JSON document (docs/api.md) to out. */
void api_summary(struct buf *out, const struct api_ctx *c);
/* The summary as a value inside a document being written (SSE events). */
void api_summary_value(struct jsonw *w, const struct api_ctx *c);
/* The SSE `hello` event's data, on one line: {generatedAt, dataAsOf} as
 * the summary gives them. */
void api_hello(struct buf *out, const struct api_ctx *c);
void api_daily(struct buf *out, const struct api_ctx *c);
void api_models(struct buf *out, const struct api_ctx *c);
void api_projects(struct buf *out, const struct api_ctx *c);
void api_sessions(struct buf *out, const struct api_ctx *c, enum api_sort sort,
                  int desc, size_t limit, size_t offset);
struct tools;
struct prompts;

/*
 * One session's anatomy. Of what only the local files hold, writes
 * `tools` when tools is not NULL, and turns[].prompt when prompts is not
 * NULL: a turn carries prompts_turn() of its call, when there is one.
 * The dashboard reads both from the session's files (prompts over c->set,
 * made by prompts_init_turns() with api_filter(c) and sorted by
 * prompts_by_call()); the team server passes NULL. Both borrowed. Returns
 * 0, or -1 when no call has that session id (404).
 */
int api_session(struct buf *out, const struct api_ctx *c, const char *id,
                const struct tools *tools, const struct prompts *prompts);

/* Without since/until: the 28 days up to today. */
void api_heatmap(struct buf *out, const struct api_ctx *c);

#endif
