/* Deterministic synthetic Claude Code transcript corpus (tokmeter demo). */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_DEMO_DEMO_H
#define TOKMETER_DEMO_DEMO_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct err;

/*
 * The generator does no I/O: it hands every byte to a demo_write_cb.
 *
 * relpath is relative to the corpus root, '/'-separated, e.g.
 * "projects/-home-demo-src-webshop/<session>.jsonl". Files are produced one
 * at a time: the chunks of one file arrive in order (append them), then the
 * file ends with one call where data == NULL and len == 0; the next call, if
 * any, starts another file (a path is never produced twice). relpath and data
 * are borrowed for the duration of the call. A non-zero return stops the
 * generator, which returns that value.
 */
typedef int (*demo_write_cb)(void *ctx, const char *relpath, const char *data,
                             size_t len);

enum { DEMO_DEFAULT_SESSIONS = 24, DEMO_DEFAULT_DAYS = 30 };

struct demo_opts {
  uint64_t seed;
  unsigned sessions;   /* main sessions (at least this many with size_bytes) */
  int sessions_set;    /* sessions was given explicitly */
  uint64_t size_bytes; /* 0 = no size target; else stop once reached */
  unsigned days;       /* sessions start within the last `days` days */
  int64_t end_day;     /* last day, days since 1970-01-01 (UTC) */
  int parity;          /* only what ccusage 20.0.24 daily counts the same */
};

/* Defaults: seed 1, 24 sessions, 30 days ending 2026-11-20, no parity. */
void demo_opts_init(struct demo_opts *o);

/* Token sums of distinct API calls. */
struct demo_counts {
  uint64_t calls;
  uint64_t input;
  uint64_t output;
  uint64_t cache_creation; /* 5m + 1h, per the cache_creation object rule */
  uint64_t cache_read;
  /* Calls whose input + cache writes + cache reads exceed 200,000 tokens
   * (priced differently by ccusage), and a bitmask of their model keys. */
  uint64_t long_context;
  uint32_t long_models;
};

/* Model keys of the truth: raw message.model, "-fast" appended for fast. */
enum { DEMO_MODEL_KEYS = 10 };
extern const char *const demo_model_keys[DEMO_MODEL_KEYS];

/*
 * The oracle: every distinct API call counted once with the copy that
 * transcript-format.md section 3.5 makes the winner, bucketed by the UTC day
 * of the winner's timestamp and keyed by its model (models[i] is
 * demo_model_keys[i]). Computed from the generator's own calls, not by
 * reading its output. models[0] is "<synthetic>": those calls count in days
 * and totals, and demo_truth_json() lists no model for them (ccusage does
 * not either). Caller storage; demo_truth_release() frees the day array.
 */
struct demo_truth {
  int64_t first_day; /* day number of days[0] */
  size_t ndays;
  struct demo_counts *days; /* owned, ndays entries */
  struct demo_counts models[DEMO_MODEL_KEYS];
  struct demo_counts total;
};

void demo_truth_init(struct demo_truth *t);
void demo_truth_release(struct demo_truth *t);
uint64_t demo_counts_total(const struct demo_counts *c);

/*
 * Appends the truth as pretty-printed JSON (keys sorted): {"daily":[{date,
 * calls, inputTokens, outputTokens, cacheCreationTokens, cacheReadTokens,
 * totalTokens}...], "models":[{model, ...}], "totals":{...}}. Days and
 * models without calls are left out.
 */
void demo_truth_json(const struct demo_truth *t, struct buf *out);

struct demo_stats {
  uint64_t files;       /* files produced (.jsonl and .meta.json) */
  uint64_t bytes;       /* bytes produced */
  uint64_t lines;       /* .jsonl lines (blank ones and a last line
                           without '\n' included) */
  uint64_t usage_lines; /* lines containing "usage":{ */
  uint64_t usage_bytes; /* bytes of those lines, '\n' included */
  uint64_t sessions;    /* main session files */
};

/*
 * Generates the corpus described by o. truth and st may be NULL; truth must
 * be initialised (it is added to) and st is overwritten. Returns 0, the
 * callback's non-zero value, or ERR_USAGE for impossible options.
 */
int demo_generate(const struct demo_opts *o, demo_write_cb cb, void *ctx,
                  struct demo_truth *truth, struct demo_stats *st,
                  struct err *e);

#endif
