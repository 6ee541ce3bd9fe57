/* Plan-quota readings: what Claude Code's statusline input measured. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_INDEX_QUOTA_H
#define TOKMETER_INDEX_QUOTA_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/*
 * One reading of rate_limits from the statusline JSON (pricing-and-limits.md
 * §7). Subscription users get one with every statusline call; the log lets
 * `live`, the dashboard and the team server use measured quota instead of
 * plan estimates.
 */
struct quota_reading {
  int64_t at_ms;      /* when it was read, UTC ms */
  int has_five;       /* five_hour present */
  int has_week;       /* seven_day present */
  double five_pct;    /* five_hour.used_percentage, 0..100 */
  int64_t five_reset; /* five_hour.resets_at, unix seconds (0: unknown) */
  double week_pct;    /* seven_day.used_percentage */
  int64_t week_reset; /* seven_day.resets_at */
};

/* The log's file name inside the cache directory (index/dir.h). */
#define QUOTA_FILE "quota.jsonl"

/*
 * Appends r to <dir>/quota.jsonl (one JSON object per line), creating dir
 * and file (0600). A reading equal to the last one and less than a minute
 * newer is not written again, so frequent statusline calls stay small.
 * Safe when processes append at once (flock).
 */
int quota_append(const char *dir, const struct quota_reading *r, struct err *e);

/*
 * The newest reading with a five-hour or seven-day figure. Returns 0 and
 * fills r, ERR_NOTFOUND when there is none (no file, or no valid line), or
 * ERR_IO. Malformed lines are skipped.
 */
int quota_last(const char *dir, struct quota_reading *r, struct err *e);

/*
 * Every valid reading, oldest first, into a malloc'd array the caller
 * frees. *n is 0 when there is no log.
 */
int quota_read_all(const char *dir, struct quota_reading **out, size_t *n,
                   struct err *e);

#endif
