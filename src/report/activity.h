/* Active time per day from transcript timestamps (GET /api/activity). */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_REPORT_ACTIVITY_H
#define TOKMETER_REPORT_ACTIVITY_H

#include <stddef.h>
#include <stdint.h>

#include "core/tz.h"
#include "source/records.h"
#include "util/buf.h"

/* A gap longer than this is idle time, not activity. */
#define ACTIVITY_GAP_MAX_MS (5 * 60 * 1000)

/*
 * The rule of docs/api.md: within one file, the gap between two
 * consecutive records (prompts, tool results and API responses; other
 * records are left out) counts when it is at most ACTIVITY_GAP_MAX_MS. It
 * is model time when it ends at an API response, tool time when it ends
 * at a tool result, and not counted when it ends at a prompt; subagent
 * time in subagent files (and at sidechain records), else main time. A gap
 * across local midnight is split between the two days. Gaps that go
 * backwards in time (a resumed file's copied history) count nothing.
 */
struct activity_day {
  int64_t day; /* local day number (days since 1970-01-01) */
  int64_t model_ms, tool_ms, main_ms, subagent_ms;
};

/* Owns days[]; borrows tz, which must outlive it. */
struct activity {
  const struct tz *tz;
  struct activity_day *days; /* in order of first use */
  size_t n, cap;
  size_t last; /* cache: index of the last day touched */
};

void activity_init(struct activity *a, const struct tz *tz);
void activity_release(struct activity *a);

/* 1 if path is a subagent transcript (a "/subagents/" component). */
int activity_subagent_path(const char *path);

/* Adds one file's records; subagent: the file is a subagent file. */
void activity_add(struct activity *a, const struct records *r, int subagent);

/*
 * Appends the JSON document of docs/api.md: the days in
 * since_day..until_day (INT64_MIN / INT64_MAX: unbounded) with any active
 * time, in date order. Sorts a->days.
 */
void activity_json(struct buf *out, struct activity *a, const char *tz_name,
                   int64_t since_day, int64_t until_day);

#endif
