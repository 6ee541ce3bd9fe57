/* The statusline: sums for the current session, day and block, and the
 * line built from them. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "core/civil.h"
#include "report/fmt.h"
#include "report/statusline.h"
#include "util/banned.h"

#define HOUR_MS 3600000LL
#define DAY_MS 86400000LL
#define MIN_MS 60000LL
#define TEXT_MAX 64 /* longest model or project name shown, in bytes */

#define SGR_MODEL "\x1b[36m"
#define SGR_DIM "\x1b[90m"
#define SGR_LOW "\x1b[32m"
#define SGR_MID "\x1b[33m"
#define SGR_HIGH "\x1b[31m"
#define SGR_RESET "\x1b[0m"

#define SEP " | "
#define DOT " \xc2\xb7 " /* U+00B7 MIDDLE DOT */

enum ph {
  PH_MODEL,
  PH_SESSION,
  PH_TODAY,
  PH_BLOCK,
  PH_BLOCK_LEFT,
  PH_BURN,
  PH_FIVE_HOUR,
  PH_FIVE_RESET,
  PH_SEVEN_DAY,
  PH_SEVEN_RESET,
  PH_CONTEXT,
  PH_PROJECT,
  PH_CC_COST
};

static const struct {
  const char *name;
  enum ph id;
} placeholders[] = {
    {"model", PH_MODEL},           {"session", PH_SESSION},
    {"today", PH_TODAY},           {"block", PH_BLOCK},
    {"block_left", PH_BLOCK_LEFT}, {"burn", PH_BURN},
    {"five_hour", PH_FIVE_HOUR},   {"five_reset", PH_FIVE_RESET},
    {"seven_day", PH_SEVEN_DAY},   {"seven_reset", PH_SEVEN_RESET},
    {"context", PH_CONTEXT},       {"project", PH_PROJECT},
    {"cc_cost", PH_CC_COST},
};

#define NPH (sizeof(placeholders) / sizeof(placeholders[0]))

const char statusline_placeholders_help[] =
    "  {model}        the model (Claude Code's name for it)\n"
    "  {session}      this session's cost\n"
    "  {today}        today's cost\n"
    "  {block}        the active 5-hour block's cost\n"
    "  {block_left}   time left in the 5-hour window\n"
    "  {burn}         cost per hour in the active block\n"
    "  {five_hour}    plan quota used in the 5-hour window\n"
    "  {five_reset}   time until the 5-hour quota resets\n"
    "  {seven_day}    plan quota used in the 7-day window\n"
    "  {seven_reset}  time until the 7-day quota resets\n"
    "  {context}      share of the context window in use\n"
    "  {project}      the project directory's name\n"
    "  {cc_cost}      Claude Code's own cost estimate for the session\n";

/* ---- collecting ------------------------------------------------------- */

static double cost_of(struct pricer *pr, const struct event *ev)
{
  int priced;

  return pricer_cost(pr, ev, &priced);
}

/*
 * The newest block, as blocks_build() cuts them: a silence longer than a
 * block always starts a new one, so the walk starts after the last such
 * silence instead of at the first call ever.
 */
static void newest_block(struct statusline_usage *u, const struct event *ev,
                         size_t n, struct pricer *pr, int64_t dur,
                         int64_t now_ms)
{
  size_t k, i, first;
  int64_t start, last;

  if (!n)
    return;
  for (k = n - 1; k > 0 && ev[k].ts_ms - ev[k - 1].ts_ms <= dur; k--)
    ;
  first = k;
  start = civil_floor_div(ev[k].ts_ms, HOUR_MS) * HOUR_MS;
  last = ev[k].ts_ms;
  for (i = k + 1; i < n; i++) {
    if (ev[i].ts_ms - start > dur || ev[i].ts_ms - last > dur) {
      first = i;
      start = civil_floor_div(ev[i].ts_ms, HOUR_MS) * HOUR_MS;
    }
    last = ev[i].ts_ms;
  }
  if (!(now_ms - last < dur && now_ms < start + dur))
    return;
  u->has_block = 1;
  u->block_start_ms = start;
  u->block_end_ms = start + dur;
  for (i = first; i < n; i++)
    u->block_cost += cost_of(pr, &ev[i]);
}

static const char *newest_model(const struct dedup *set)
{
  size_t i;

  /* Skip "<synthetic>" (local messages): it names no model. */
  for (i = set->n; i > 0; i--) {
    const char *m = strtab_get(&set->strs, set->ev[i - 1].model);

    if (m && strcmp(m, "<synthetic>") != 0)
      return m;
  }
  return NULL;
}

void statusline_collect(struct statusline_usage *u, const struct dedup *set,
                        struct pricer *pr, const struct tz *tz,
                        const char *session_id, int64_t duration_ms,
                        int64_t now_ms)
{
  const struct event *ev = set->ev;
  uint32_t sid = 0;
  int64_t today = tz_local_day(tz, now_ms);
  size_t i;

  memset(u, 0, sizeof(*u));
  u->calls = set->n;
  if (session_id)
    sid = strtab_find(&set->strs, session_id, strlen(session_id));
  /* A session may be resumed days later: look at every call. */
  for (i = 0; sid && i < set->n; i++)
    if (ev[i].session == sid) {
      u->session_calls++;
      u->session_cost += cost_of(pr, &ev[i]);
    }
  /* Calls are sorted by time, and no local day reaches 3 days back. */
  for (i = set->n; i > 0 && ev[i - 1].ts_ms >= now_ms - 3 * DAY_MS; i--)
    if (tz_local_day(tz, ev[i - 1].ts_ms) == today)
      u->today_cost += cost_of(pr, &ev[i - 1]);
  newest_block(u, ev, set->n, pr, duration_ms, now_ms);
  u->newest_model = newest_model(set);
}

/* ---- derived values --------------------------------------------------- */

static int session_cost(const struct statusline_view *v, double *out)
{
  if (v->usage_loaded && v->u.session_calls) {
    *out = v->u.session_cost;
    return 1;
  }
  /* No call in the transcripts yet: Claude Code's figure, else nothing. */
  if (v->has_cc_cost) {
    *out = v->cc_cost;
    return 1;
  }
  *out = 0;
  return v->usage_loaded && v->session_known;
}

static int time_left(const struct statusline_view *v, int64_t reset_s,
                     int64_t *secs)
{
  int64_t ms = reset_s * 1000 - v->now_ms;

  if (reset_s <= 0 || ms <= 0)
    return 0;
  *secs = ms / 1000;
  return 1;
}

/* The 5-hour window's time left: the plan's own reset when Claude Code
 * sent one, else the end of the active block. */
static int block_left(const struct statusline_view *v, int64_t *secs)
{
  if (v->five.has && time_left(v, v->five.reset, secs))
    return 1;
  if (v->usage_loaded && v->u.has_block && v->u.block_end_ms > v->now_ms) {
    *secs = (v->u.block_end_ms - v->now_ms) / 1000;
    return 1;
  }
  return 0;
}

/* Cost per hour since the active block began (at least a minute). */
static int burn_rate(const struct statusline_view *v, double *per_hour)
{
  int64_t elapsed;

  if (!v->usage_loaded || !v->u.has_block)
    return 0;
  elapsed = v->now_ms - v->u.block_start_ms;
  if (elapsed < MIN_MS)
    elapsed = MIN_MS;
  *per_hour = v->u.block_cost * (double)HOUR_MS / (double)elapsed;
  return 1;
}

/* ---- writing ---------------------------------------------------------- */

struct line {
  struct buf *out;
  int color;
  int segments; /* segments of the default layout written so far */
};

static void styled(struct line *l, const char *sgr, const char *s)
{
  if (l->color)
    buf_adds(l->out, sgr);
  buf_adds(l->out, s);
  if (l->color)
    buf_adds(l->out, SGR_RESET);
}

/* Untrusted text s[0..n), made printable and cut to TEXT_MAX bytes. */
static void text(struct line *l, const char *s, size_t n, const char *sgr)
{
  int cut = n > TEXT_MAX;

  if (cut) {
    n = TEXT_MAX;
    while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
      n--; /* not inside a UTF-8 sequence */
  }
  if (l->color && sgr)
    buf_adds(l->out, sgr);
  fmt_printable(l->out, s, n);
  if (cut)
    buf_adds(l->out, "...");
  if (l->color && sgr)
    buf_adds(l->out, SGR_RESET);
}

static void percent(struct line *l, double pct)
{
  const char *sgr = pct >= 80 ? SGR_HIGH : pct >= 50 ? SGR_MID : SGR_LOW;

  if (l->color)
    buf_adds(l->out, sgr);
  fmt_percent(l->out, pct, 0);
  if (l->color)
    buf_adds(l->out, SGR_RESET);
}

static void per_hour(struct line *l, double rate)
{
  fmt_usd(l->out, rate);
  buf_adds(l->out, "/h");
}

/* The last component of a path, without trailing slashes. */
static void project(struct line *l, const char *path)
{
  size_t end = strlen(path), start;

  while (end > 1 && path[end - 1] == '/')
    end--;
  for (start = end; start > 0 && path[start - 1] != '/'; start--)
    ;
  if (start == end) /* "/" */
    start = 0;
  text(l, path + start, end - start, NULL);
}

/* Writes one placeholder's value; 0 when it is not known. */
static int value(struct line *l, enum ph id, const struct statusline_view *v)
{
  double d;
  int64_t s;

  switch (id) {
  case PH_MODEL:
    if (!v->model)
      return 0;
    text(l, v->model, strlen(v->model), SGR_MODEL);
    return 1;
  case PH_SESSION:
    return session_cost(v, &d) && !fmt_usd(l->out, d);
  case PH_TODAY:
    return v->usage_loaded && !fmt_usd(l->out, v->u.today_cost);
  case PH_BLOCK:
    return v->usage_loaded &&
           !fmt_usd(l->out, v->u.has_block ? v->u.block_cost : 0);
  case PH_BLOCK_LEFT:
    return block_left(v, &s) && !fmt_duration(l->out, s);
  case PH_BURN:
    if (!burn_rate(v, &d))
      return 0;
    per_hour(l, d);
    return 1;
  case PH_FIVE_HOUR:
  case PH_SEVEN_DAY: {
    const struct statusline_quota *q = id == PH_FIVE_HOUR ? &v->five : &v->week;

    if (!q->has)
      return 0;
    percent(l, q->pct);
    return 1;
  }
  case PH_FIVE_RESET:
    return v->five.has && time_left(v, v->five.reset, &s) &&
           !fmt_duration(l->out, s);
  case PH_SEVEN_RESET:
    return v->week.has && time_left(v, v->week.reset, &s) &&
           !fmt_duration(l->out, s);
  case PH_CONTEXT:
    if (!v->has_context)
      return 0;
    percent(l, v->context_pct);
    return 1;
  case PH_PROJECT:
    if (!v->project || !*v->project)
      return 0;
    project(l, v->project);
    return 1;
  case PH_CC_COST:
    return v->has_cc_cost && !fmt_usd(l->out, v->cc_cost);
  }
  return 0;
}

/* The placeholder named s[0..n), or -1. */
static int find_ph(const char *s, size_t n)
{
  size_t i;

  for (i = 0; i < NPH; i++)
    if (strlen(placeholders[i].name) == n &&
        !memcmp(placeholders[i].name, s, n))
      return (int)placeholders[i].id;
  return -1;
}

int statusline_format_check(const char *fmt, struct err *e)
{
  const char *p = fmt;

  while (*p) {
    const char *close;

    if ((*p == '{' && p[1] == '{') || (*p == '}' && p[1] == '}')) {
      p += 2;
      continue;
    }
    if (*p != '{') {
      p++;
      continue;
    }
    close = strchr(p + 1, '}');
    if (!close)
      return err_set(e, ERR_USAGE, "unclosed '{' in --format '%s'", fmt);
    if (find_ph(p + 1, (size_t)(close - p - 1)) < 0)
      return err_set(e, ERR_USAGE,
                     "unknown placeholder '%.*s' in --format (see "
                     "'tokmeter statusline --help')",
                     (int)(close - p + 1 > 60 ? 60 : close - p + 1), p);
    p = close + 1;
  }
  return 0;
}

static void render_format(struct line *l, const char *fmt,
                          const struct statusline_view *v)
{
  const char *p = fmt;

  while (*p) {
    const char *close;
    int id;

    if ((*p == '{' && p[1] == '{') || (*p == '}' && p[1] == '}')) {
      buf_addch(l->out, *p);
      p += 2;
      continue;
    }
    close = *p == '{' ? strchr(p + 1, '}') : NULL;
    id = close ? find_ph(p + 1, (size_t)(close - p - 1)) : -1;
    if (id < 0) {
      buf_addch(l->out, *p++);
      continue;
    }
    if (!value(l, (enum ph)id, v))
      buf_addch(l->out, '-');
    p = close + 1;
  }
}

/* Starts a segment of the default layout. */
static void segment(struct line *l)
{
  if (l->segments++)
    styled(l, SGR_DIM, SEP);
}

static void costs(struct line *l, const struct statusline_view *v)
{
  int64_t left;
  double d;

  segment(l);
  if (!v->usage_loaded || !v->u.calls) {
    if (!session_cost(v, &d)) {
      buf_adds(l->out, "no usage yet");
      return;
    }
    fmt_usd(l->out, d);
    buf_adds(l->out, " session");
    return;
  }
  if (session_cost(v, &d)) {
    fmt_usd(l->out, d);
    buf_adds(l->out, " session");
    styled(l, SGR_DIM, DOT);
  }
  fmt_usd(l->out, v->u.today_cost);
  buf_adds(l->out, " today");
  if (!block_left(v, &left) && !v->u.has_block)
    return;
  styled(l, SGR_DIM, DOT);
  fmt_usd(l->out, v->u.has_block ? v->u.block_cost : 0);
  buf_adds(l->out, " block");
  if (block_left(v, &left)) {
    buf_adds(l->out, " (");
    fmt_duration(l->out, left);
    buf_adds(l->out, " left)");
  }
}

static void quota(struct line *l, const struct statusline_view *v)
{
  if (!v->five.has && !v->week.has)
    return;
  segment(l);
  if (v->five.has) {
    buf_adds(l->out, "5h ");
    percent(l, v->five.pct);
  }
  if (v->five.has && v->week.has)
    styled(l, SGR_DIM, DOT);
  if (v->week.has) {
    buf_adds(l->out, "7d ");
    percent(l, v->week.pct);
  }
}

static void render_default(struct line *l, const struct statusline_view *v)
{
  double d;

  if (v->model) {
    segment(l);
    text(l, v->model, strlen(v->model), SGR_MODEL);
  }
  costs(l, v);
  if (burn_rate(v, &d)) {
    segment(l);
    per_hour(l, d);
  }
  quota(l, v);
}

void statusline_render(struct buf *out, const char *fmt,
                       const struct statusline_view *v, int color)
{
  struct line l;

  l.out = out;
  l.color = color;
  l.segments = 0;
  if (fmt)
    render_format(&l, fmt, v);
  else
    render_default(&l, v);
}
