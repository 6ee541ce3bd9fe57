/* Active time per day from transcript timestamps (GET /api/activity). */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "report/activity.h"
#include "util/jsonw.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define DAY_MS 86400000LL

void activity_init(struct activity *a, const struct tz *tz)
{
  memset(a, 0, sizeof(*a));
  a->tz = tz;
}

void activity_release(struct activity *a)
{
  free(a->days);
  memset(a, 0, sizeof(*a));
}

int activity_subagent_path(const char *path)
{
  return strstr(path, "/subagents/") != NULL;
}

static struct activity_day *day_of(struct activity *a, int64_t day)
{
  size_t i;

  if (a->last < a->n && a->days[a->last].day == day)
    return &a->days[a->last];
  for (i = 0; i < a->n; i++)
    if (a->days[i].day == day)
      break;
  if (i == a->n) {
    a->days = xgrow(a->days, &a->cap, a->n + 1, sizeof(*a->days));
    memset(&a->days[a->n], 0, sizeof(*a->days));
    a->days[a->n++].day = day;
  }
  a->last = i;
  return &a->days[i];
}

static void credit(struct activity *a, int64_t ms, int64_t day, int tool,
                   int sub)
{
  struct activity_day *d = day_of(a, day);

  *(tool ? &d->tool_ms : &d->model_ms) += ms;
  *(sub ? &d->subagent_ms : &d->main_ms) += ms;
}

/* Splits [from, to) at local midnight (a gap is short: one at most). */
static void add_gap(struct activity *a, int64_t from, int64_t to, int tool,
                    int sub)
{
  int64_t d0 = tz_local_day(a->tz, from);
  int64_t d1 = tz_local_day(a->tz, to - 1);
  int64_t mid;

  if (d0 != d1) {
    int64_t off = tz_offset(a->tz, civil_floor_div(to, 1000));

    mid = d1 * DAY_MS - (int64_t)off * 1000;
    if (mid > from && mid < to && tz_local_day(a->tz, mid) == d1 &&
        tz_local_day(a->tz, mid - 1) == d0) {
      credit(a, mid - from, d0, tool, sub);
      credit(a, to - mid, d1, tool, sub);
      return;
    }
  }
  credit(a, to - from, d1, tool, sub);
}

void activity_add(struct activity *a, const struct records *r, int subagent)
{
  const struct record *prev = NULL;
  size_t i;

  for (i = 0; i < r->n; i++) {
    const struct record *rec = &r->v[i];
    int64_t gap;

    if (rec->kind == RECORD_OTHER)
      continue;
    gap = prev ? rec->ts_ms - prev->ts_ms : 0;
    prev = rec;
    if (gap <= 0 || gap > ACTIVITY_GAP_MAX_MS ||
        rec->kind == RECORD_USER_PROMPT)
      continue;
    add_gap(a, rec->ts_ms - gap, rec->ts_ms, rec->kind == RECORD_TOOL_RESULT,
            subagent || rec->sidechain);
  }
}

static int cmp_day(const void *x, const void *y)
{
  const struct activity_day *a = x, *b = y;

  return (a->day > b->day) - (a->day < b->day);
}

void activity_json(struct buf *out, struct activity *a, const char *tz_name,
                   int64_t since_day, int64_t until_day)
{
  struct jsonw w;
  size_t i;

  if (a->n > 1)
    qsort(a->days, a->n, sizeof(*a->days), cmp_day);
  a->last = 0;
  jsonw_init(&w, out, 0);
  jsonw_obj_begin(&w);
  jsonw_key(&w, "timezone");
  jsonw_strz(&w, tz_name);
  jsonw_key(&w, "days");
  jsonw_arr_begin(&w);
  for (i = 0; i < a->n; i++) {
    const struct activity_day *d = &a->days[i];
    char date[16];

    if (d->day < since_day || d->day > until_day ||
        d->model_ms + d->tool_ms == 0)
      continue;
    civil_fmt_date(d->day, date);
    jsonw_obj_begin(&w);
    jsonw_key(&w, "date");
    jsonw_strz(&w, date);
    jsonw_key(&w, "activeMs");
    jsonw_int(&w, d->model_ms + d->tool_ms);
    jsonw_key(&w, "modelMs");
    jsonw_int(&w, d->model_ms);
    jsonw_key(&w, "toolMs");
    jsonw_int(&w, d->tool_ms);
    jsonw_key(&w, "mainMs");
    jsonw_int(&w, d->main_ms);
    jsonw_key(&w, "subagentMs");
    jsonw_int(&w, d->subagent_ms);
    jsonw_obj_end(&w);
  }
  jsonw_arr_end(&w);
  jsonw_obj_end(&w);
}
