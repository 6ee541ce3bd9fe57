/* Demo corpus: projects, models, session plans and size targeting. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "core/civil.h"
#include "demo/internal.h"
#include "util/err.h"
#include "util/banned.h"

#define DAY_MS 86400000LL
#define HOUR_MS 3600000LL
#define MIN_MS 60000LL

const struct demo_model demo_models[M_N] = {
    {"claude-opus-4-7", 5, 6},
    {"claude-opus-4-6", 3, 4},
    {"claude-sonnet-4-5-20250929", 9, -1},
    {"claude-haiku-4-5-20251001", 2, -1},
    {"claude-sonnet-4-20250514", 8, -1},
    {"claude-opus-4-8", 7, -1},
    {"claude-experimental-9", 1, -1},
    {"<synthetic>", 0, -1},
};

static const struct demo_project projects[] = {
    {"/home/demo/src/tokmeter",
     {"main", "fix-truncated-tail", "json-output"},
     LANG_C},
    {"/home/demo/src/webshop",
     {"main", "feat/pagination", "fix/cart-discount"},
     LANG_TS},
    {"/home/demo/src/ml-notebooks", {"main", "exp/embeddings", ""}, LANG_PY},
    {"/home/demo/src/dotfiles", {"master", "", "master"}, LANG_PY},
    {"/home/demo/src/go_billing.v2", {"main", "release/2.1", "main"}, LANG_GO},
    {"/home/demo/work/acme/api",
     {"main", "feature/ACME-412-retries", "hotfix/login"},
     LANG_GO},
    {"/home/demo/work/acme/web-app",
     {"main", "feat/dark-mode", "main"},
     LANG_TS},
    {"/home/demo/work/acme/api/services/billing",
     {"main", "feature/ACME-431-invoices", "main"},
     LANG_GO},
};

/* What session i (modulo 24) exercises; -1 = a random model. */
static const struct {
  unsigned feat;
  int model;
} slots[24] = {
    {F_BAD | F_TRUNC | F_SUBAGENTS, M_OPUS47},
    {F_SUBAGENTS | F_1H, M_SONNET45},
    {F_RESUME, -1},
    {F_SYNTH | F_NONL | F_COMPACT, M_OPUS46},
    {F_HUGE | F_WEB, M_OPUS47},
    {F_ORPHAN | F_SUBAGENTS, M_OPUS46},
    {F_BTW | F_SUBAGENTS, M_OPUS47},
    {0, M_SONNET4},
    {F_LONGCTX, M_SONNET45},
    {F_NOREQ | F_NOID, M_HAIKU45},
    {F_FAST, M_OPUS46},
    {F_FAST | F_1H | F_SUBAGENTS, M_OPUS47},
    {F_UNPRICED | F_ZEROOBJ, M_OPUS48},
    {F_COMPACT | F_SUBAGENTS, M_OPUS48},
    {F_MIDNIGHT | F_CRLF, M_SONNET45},
    {F_SUBAGENTS | F_ORPHAN | F_WEB, M_HAIKU45},
    {0, -1},
    {0, -1},
    {0, -1},
    {0, -1},
    {0, -1},
    {0, -1},
    {0, -1},
    {0, -1},
};

void demo_opts_init(struct demo_opts *o)
{
  memset(o, 0, sizeof(*o));
  o->seed = 1;
  o->sessions = DEMO_DEFAULT_SESSIONS;
  o->days = DEMO_DEFAULT_DAYS;
  o->end_day = civil_days_from_ymd(2026, 11, 20);
}

static int random_model(struct demo_rng *r)
{
  static const int weights[M_N] = {30, 20, 25, 5, 10, 10, 0, 0};
  unsigned x = demo_rng_below(r, 100);
  int m;

  for (m = 0; m < M_N; m++) {
    if (x < (unsigned)weights[m])
      return m;
    x -= (unsigned)weights[m];
  }
  return M_OPUS47;
}

static void pick_version(struct demo_plan *p, struct demo_rng *r)
{
  static const char *const old[] = {"1.0.51", "1.0.88"};
  static const char *const v20[] = {"2.0.14", "2.0.76"};
  static const char *const v21[] = {"2.1.12", "2.1.39", "2.1.42", "2.1.50"};
  uint32_t i = demo_rng_below(r, 4);

  if (p->model == M_SONNET4) {
    p->build = B_OLD;
    p->version = old[i % 2];
  } else if (!(p->feat & F_FAST) && demo_rng_pct(r, 20)) {
    p->build = B_20;
    p->version = v20[i % 2];
  } else {
    p->build = B_21;
    p->version = v21[p->feat & F_FAST ? 2 + i % 2 : i];
  }
  p->speed_field = !strcmp(p->version, "2.1.50");
}

static void pick_time(struct demo_plan *p, struct demo_rng *r,
                      const struct demo_opts *o)
{
  int64_t first = o->end_day - (int64_t)o->days + 1;
  int64_t day = first + demo_rng_below(r, o->days);
  int64_t hour;

  if ((p->feat & F_MIDNIGHT) && o->days >= 2) {
    day = first + demo_rng_below(r, o->days - 1);
    p->start = day * DAY_MS + 23 * HOUR_MS + demo_rng_range(r, 20, 45) * MIN_MS;
  } else {
    hour = demo_rng_range(r, 7, day == o->end_day ? 15 : 19);
    p->start = day * DAY_MS + hour * HOUR_MS + demo_rng_below(r, 3600000);
  }
  p->deadline = (o->end_day + 1) * DAY_MS - 3 * HOUR_MS;
}

static void pick_slug(struct demo_plan *p, struct demo_rng *r,
                      const struct demo_text *t)
{
  size_t at = 0, n;
  int i;

  for (i = 0; i < 3; i++) {
    const char *w = demo_text_get(t, POOL_WORD, demo_rng_below(r, 64), &n);

    if (i)
      p->slug[at++] = '-';
    memcpy(p->slug + at, w, n);
    at += n;
  }
  p->slug[at] = '\0';
}

static unsigned random_feat(struct demo_rng *r, int model)
{
  unsigned f = 0;

  if (demo_rng_pct(r, 45))
    f |= F_SUBAGENTS;
  if (demo_rng_pct(r, 25))
    f |= F_1H;
  if ((model == M_OPUS46 || model == M_OPUS47) && demo_rng_pct(r, 20))
    f |= F_FAST;
  if (demo_rng_pct(r, 10))
    f |= F_WEB;
  return f;
}

static void plan_make(struct demo_gen *g, unsigned s, struct demo_plan *p,
                      const struct demo_plan *prev)
{
  const struct demo_opts *o = g->opts;
  struct demo_rng r;
  uint64_t done = g->sink.st.bytes, left;
  unsigned slot = s % 24;

  memset(p, 0, sizeof(*p));
  p->index = s;
  p->seed = demo_mix(o->seed, s);
  demo_rng_seed(&r, p->seed ^ 0x5bd1e995u);
  p->model = slots[slot].model >= 0 ? slots[slot].model : random_model(&r);
  p->feat = slots[slot].feat;
  if (slots[slot].model < 0)
    p->feat |= random_feat(&r, p->model);
  if (o->parity)
    p->feat &= ~(unsigned)(F_NOREQ | F_NOID);
  /* Megabyte lines are rare: one in the first cycle, then every 96. */
  if (s % 96 != 4)
    p->feat &= ~(unsigned)F_HUGE;
  p->proj = (int)demo_rng_below(&r, sizeof(projects) / sizeof(projects[0]));
  p->branch = projects[p->proj].branches[demo_rng_below(&r, 3)];
  pick_version(p, &r);
  pick_time(p, &r, o);
  pick_slug(p, &r, &g->text);
  demo_id_uuid(&r, p->sid);
  p->turns = 3 + demo_rng_below(&r, 7);
  if ((p->feat & F_RESUME) && prev) {
    p->proj = prev->proj;
    p->model = prev->model;
    p->version = prev->version;
    p->build = prev->build;
    p->speed_field = prev->speed_field;
    p->start = prev->start;
  }
  if (o->size_bytes) {
    left = o->size_bytes > done ? o->size_bytes - done : 1;
    if (o->sessions_set && s < o->sessions)
      left /= o->sessions - s;
    p->budget = left ? left : 1;
    /* A few megabytes of base64 would overshoot a small target. */
    if (o->size_bytes - (done < o->size_bytes ? done : o->size_bytes) <
        (8u << 20))
      p->feat &= ~(unsigned)F_HUGE;
  }
}

static int sink_discard(void *ctx, const char *relpath, const char *data,
                        size_t len)
{
  (void)ctx;
  (void)relpath;
  (void)data;
  (void)len;
  return 0;
}

int demo_generate(const struct demo_opts *o, demo_write_cb cb, void *ctx,
                  struct demo_truth *truth, struct demo_stats *st,
                  struct err *e)
{
  struct demo_gen g;
  struct demo_truth local;
  struct demo_plan plan, prev;
  unsigned s, done = 0;
  int have_prev = 0;

  if (o->days < 1 || o->days > 36500)
    return err_set(e, ERR_USAGE, "days must be between 1 and 36500");
  if (!o->sessions && !o->size_bytes)
    return err_set(e, ERR_USAGE, "nothing to generate: 0 sessions");
  memset(&g, 0, sizeof(g));
  demo_truth_init(&local);
  g.opts = o;
  g.truth = truth ? truth : &local;
  g.projects = projects;
  g.sink.cb = cb ? cb : sink_discard;
  g.sink.ctx = ctx;
  demo_text_init(&g.text);
  for (s = 0; !g.sink.rc; s++) {
    const struct demo_plan *from = NULL;

    if (o->size_bytes ? g.sink.st.bytes >= o->size_bytes &&
                            (!o->sessions_set || s >= o->sessions)
                      : s >= o->sessions)
      break;
    plan_make(&g, s, &plan, have_prev ? &prev : NULL);
    if ((plan.feat & F_RESUME) && have_prev && done)
      from = &prev;
    done = demo_session_run(&g, &plan, from, from ? (done < 2 ? done : 2) : 0);
    prev = plan;
    have_prev = 1;
  }
  demo_text_release(&g.text);
  demo_truth_release(&local);
  if (st)
    *st = g.sink.st;
  return g.sink.rc;
}
