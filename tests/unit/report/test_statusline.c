/* Tests for src/report/statusline.c: the sums and the line. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/blocks.h"
#include "core/civil.h"
#include "core/tz.h"
#include "evset.h"
#include "report/statusline.h"
#include "source/tzfile.h"
#include "testutil.h"
#include "util/buf.h"

#define H 3600000LL
#define M 60000LL
#define L (5 * H)

/* ---- collecting ------------------------------------------------------- */

struct world {
  struct dedup d;
  struct price_table pt;
  struct pricer pr;
  struct tz tz;
};

/* Calls priced by their recorded cost (display mode), days in zone. */
static void world_make(struct world *w, const struct call_spec *s, size_t n,
                       const char *zone)
{
  struct err e = ERR_INIT;

  evset_make(&w->d, s, n);
  price_table_init(&w->pt);
  pricer_init(&w->pr, COST_DISPLAY, &w->pt, &w->d.strs);
  tz_init_utc(&w->tz);
  if (zone)
    assert_int_equal(tz_load(&w->tz, zone, &e), 0);
}

static void world_release(struct world *w)
{
  tz_release(&w->tz);
  pricer_release(&w->pr);
  price_table_release(&w->pt);
  dedup_release(&w->d);
}

#define CALL(ts, model, session, cost)                                         \
  {                                                                            \
    ts, model, session, 10, 10, 0, cost                                        \
  }

static void test_collect_session_today_block(void **state)
{
  static const struct call_spec s[] = {
      CALL("2026-03-09T10:00:00.000Z", "claude-opus-4-1", "s1", 1.0),
      CALL("2026-03-10T08:10:00.000Z", "claude-opus-4-1", "s2", 0.5),
      CALL("2026-03-10T09:30:00.000Z", "claude-opus-4-1", "s1", 0.25),
      CALL("2026-03-10T10:05:00.000Z", "claude-sonnet-4-5", "s1", 0.125),
      CALL("2026-03-10T10:20:00.000Z", "<synthetic>", "s1", 0.0625),
  };
  int64_t now = evset_at("2026-03-10T11:15:00.000Z");
  struct statusline_usage u;
  struct world w;

  (void)state;
  world_make(&w, s, 5, NULL);
  statusline_collect(&u, &w.d, &w.pr, &w.tz, "s1", L, now);
  assert_int_equal(u.calls, 5);
  assert_int_equal(u.session_calls, 4);
  assert_true(u.session_cost == 1.4375);
  assert_true(u.today_cost == 0.9375);
  assert_int_equal(u.has_block, 1);
  /* 08:10 opens the block at 08:00; it runs to 13:00. */
  assert_int_equal(u.block_start_ms, evset_at("2026-03-10T08:00:00.000Z"));
  assert_int_equal(u.block_end_ms, evset_at("2026-03-10T13:00:00.000Z"));
  assert_true(u.block_cost == 0.9375);
  assert_string_equal(u.newest_model, "claude-sonnet-4-5");
  /* Another session, an unknown one and none. */
  statusline_collect(&u, &w.d, &w.pr, &w.tz, "s2", L, now);
  assert_int_equal(u.session_calls, 1);
  assert_true(u.session_cost == 0.5);
  statusline_collect(&u, &w.d, &w.pr, &w.tz, "nope", L, now);
  assert_int_equal(u.session_calls, 0);
  assert_true(u.session_cost == 0);
  statusline_collect(&u, &w.d, &w.pr, &w.tz, NULL, L, now);
  assert_int_equal(u.session_calls, 0);
  /* After the block's end nothing is active. */
  statusline_collect(&u, &w.d, &w.pr, &w.tz, NULL, L,
                     evset_at("2026-03-10T13:00:00.000Z"));
  assert_int_equal(u.has_block, 0);
  assert_true(u.block_cost == 0);
  world_release(&w);
}

static void test_collect_today_in_zone(void **state)
{
  static const struct call_spec s[] = {
      CALL("2026-03-09T22:30:00.000Z", "m", "s1", 1.0),
      CALL("2026-03-09T23:30:00.000Z", "m", "s1", 2.0),
      CALL("2026-03-10T22:59:00.000Z", "m", "s1", 4.0),
      CALL("2026-03-10T23:00:00.000Z", "m", "s1", 8.0),
  };
  struct statusline_usage u;
  struct world w;

  (void)state;
  /* Paris is UTC+1 in March (before the switch on the 29th). */
  world_make(&w, s, 4, "Europe/Paris");
  statusline_collect(&u, &w.d, &w.pr, &w.tz, NULL, L,
                     evset_at("2026-03-10T12:00:00.000Z"));
  assert_true(u.today_cost == 6.0);
  world_release(&w);
  world_make(&w, s, 4, NULL);
  statusline_collect(&u, &w.d, &w.pr, &w.tz, NULL, L,
                     evset_at("2026-03-10T12:00:00.000Z"));
  assert_true(u.today_cost == 12.0);
  world_release(&w);
}

static void test_collect_empty_set(void **state)
{
  struct statusline_usage u;
  struct world w;

  (void)state;
  world_make(&w, NULL, 0, NULL);
  statusline_collect(&u, &w.d, &w.pr, &w.tz, "s1", L, 0);
  assert_int_equal(u.calls, 0);
  assert_int_equal(u.has_block, 0);
  assert_true(u.today_cost == 0);
  assert_null(u.newest_model);
  world_release(&w);
}

/* The newest block must be the one blocks_build() marks active. Returns
 * whether one is. */
static int check_against_blocks(struct world *w, int64_t now)
{
  struct statusline_usage u;
  struct block_list bl;
  struct agg_filter f;
  const struct block *active = NULL;
  size_t i;

  memset(&f, 0, sizeof(f));
  f.tz = &w->tz;
  f.since_day = INT64_MIN;
  f.until_day = INT64_MAX;
  f.pricer = &w->pr;
  block_list_init(&bl);
  blocks_build(&bl, &w->d, NULL, &f, L, now);
  for (i = 0; i < bl.n; i++)
    if (bl.v[i].is_active)
      active = &bl.v[i];
  statusline_collect(&u, &w->d, &w->pr, &w->tz, NULL, L, now);
  assert_int_equal(u.has_block, active != NULL);
  if (active) {
    assert_int_equal(u.block_start_ms, active->start_ms);
    assert_int_equal(u.block_end_ms, active->end_ms);
    assert_true(u.block_cost == active->cost);
  }
  block_list_release(&bl);
  return active != NULL;
}

/* A step between calls: mostly short, sometimes about a block's length
 * (the edge cases), sometimes longer. */
static int64_t step(unsigned long long *seed)
{
  unsigned long long r = testutil_rand(seed) % 100;

  if (r < 70)
    return (int64_t)(testutil_rand(seed) % 40) * M;
  if (r < 90)
    return L - 2 * M + (int64_t)(testutil_rand(seed) % 5) * M;
  return (int64_t)(testutil_rand(seed) % 12) * H;
}

static void test_block_matches_blocks_build(void **state)
{
  unsigned long long seed = 42;
  char ts[64][32];
  struct call_spec s[64];
  int round, active = 0, idle = 0;

  (void)state;
  for (round = 0; round < 200; round++) {
    int64_t t = evset_at("2026-03-01T00:00:00.000Z") +
                (int64_t)(testutil_rand(&seed) % 3600000);
    size_t n = 1 + testutil_rand(&seed) % 64, i;
    struct world w;

    for (i = 0; i < n; i++) {
      t += step(&seed);
      civil_fmt_iso_ms(t, ts[i]);
      s[i] = (struct call_spec)CALL(ts[i], "m", "s1",
                                    (double)(testutil_rand(&seed) % 100) / 8);
    }
    world_make(&w, s, n, NULL);
    {
      int64_t last = w.d.ev[w.d.n - 1].ts_ms;
      int64_t nows[] = {last,
                        last + 1,
                        last + L - 1,
                        last + L,
                        last + (int64_t)(testutil_rand(&seed) % 6) * H,
                        w.d.ev[0].ts_ms - 1};

      for (i = 0; i < sizeof(nows) / sizeof(nows[0]); i++) {
        if (check_against_blocks(&w, nows[i]))
          active++;
        else
          idle++;
      }
    }
    world_release(&w);
  }
  assert_true(active > 200);
  assert_true(idle > 200);
}

/* ---- rendering -------------------------------------------------------- */

#define NOW 1773144900000LL /* 2026-03-10T12:15:00Z */

/* A view with everything known. */
static struct statusline_view full_view(void)
{
  struct statusline_view v;

  memset(&v, 0, sizeof(v));
  v.now_ms = NOW;
  v.model = "Opus 4.1";
  v.project = "/home/u/proj";
  v.usage_loaded = 1;
  v.session_known = 1;
  v.u.calls = 9;
  v.u.session_calls = 3;
  v.u.session_cost = 0.23;
  v.u.today_cost = 1.234;
  v.u.has_block = 1;
  v.u.block_start_ms = NOW - 2 * H - 15 * M; /* 10:00 */
  v.u.block_end_ms = v.u.block_start_ms + L; /* 15:00 */
  v.u.block_cost = 0.45;
  v.has_cc_cost = 1;
  v.cc_cost = 0.31;
  v.has_context = 1;
  v.context_pct = 42.6;
  v.five.has = 1;
  v.five.pct = 23.4;
  v.five.reset = NOW / 1000 + 2 * 3600 + 45 * 60 + 30; /* 2h 45m 30s */
  v.week.has = 1;
  v.week.pct = 41.2;
  v.week.reset = NOW / 1000 + 3 * 86400;
  return v;
}

static void expect(const struct statusline_view *v, const char *fmt, int color,
                   const char *want)
{
  struct buf b = BUF_INIT;

  statusline_render(&b, fmt, v, color);
  assert_string_equal(b.data, want);
  buf_release(&b);
}

static void test_default_line(void **state)
{
  struct statusline_view v = full_view();

  (void)state;
  /* Burn: $0.45 over 2h 15m is $0.20 an hour. */
  expect(&v, NULL, 0,
         "Opus 4.1 | $0.23 session \xc2\xb7 $1.23 today \xc2\xb7 $0.45 block "
         "(2h 45m left) | $0.20/h | 5h 23% \xc2\xb7 7d 41%");
  /* Without the plan's reset the block's end gives the time left. */
  v.five.reset = 0;
  v.week.has = 0;
  expect(&v, NULL, 0,
         "Opus 4.1 | $0.23 session \xc2\xb7 $1.23 today \xc2\xb7 $0.45 block "
         "(2h 45m left) | $0.20/h | 5h 23%");
  /* A reset in the past is stale: the block's end again. */
  v.five.reset = NOW / 1000 - 1;
  v.u.block_end_ms = NOW + 30 * M + 59999;
  v.five.has = 0;
  v.week.has = 1;
  expect(&v, NULL, 0,
         "Opus 4.1 | $0.23 session \xc2\xb7 $1.23 today \xc2\xb7 $0.45 block "
         "(30m left) | $0.20/h | 7d 41%");
}

static void test_default_line_partial(void **state)
{
  struct statusline_view v = full_view();

  (void)state;
  /* No active block, no quota, no model: today alone. */
  v.u.has_block = 0;
  v.five.has = v.week.has = 0;
  v.model = NULL;
  expect(&v, NULL, 0, "$0.23 session \xc2\xb7 $1.23 today");
  /* No active block here but the plan's window is running. */
  v.five.has = 1;
  expect(&v, NULL, 0,
         "$0.23 session \xc2\xb7 $1.23 today \xc2\xb7 $0.00 block (2h 45m "
         "left) | 5h 23%");
  /* The session has no call in the transcripts yet: Claude Code's cost. */
  v.five.has = 0;
  v.u.session_calls = 0;
  expect(&v, NULL, 0, "$0.31 session \xc2\xb7 $1.23 today");
  v.has_cc_cost = 0;
  expect(&v, NULL, 0, "$0.00 session \xc2\xb7 $1.23 today");
  /* No session named (no input): no session figure at all. */
  v.session_known = 0;
  expect(&v, NULL, 0, "$1.23 today");
}

static void test_default_line_without_usage(void **state)
{
  struct statusline_view v;

  (void)state;
  memset(&v, 0, sizeof(v));
  v.now_ms = NOW;
  expect(&v, NULL, 0, "no usage yet");
  v.model = "Opus";
  expect(&v, NULL, 0, "Opus | no usage yet");
  v.has_cc_cost = 1;
  v.cc_cost = 0.012;
  v.five.has = 1;
  v.five.pct = 80;
  expect(&v, NULL, 0, "Opus | $0.01 session | 5h 80%");
  /* Transcripts read but empty: the same. */
  v.usage_loaded = 1;
  v.has_cc_cost = 0;
  v.session_known = 1;
  expect(&v, NULL, 0, "Opus | $0.00 session | 5h 80%");
  v.session_known = 0;
  expect(&v, NULL, 0, "Opus | no usage yet | 5h 80%");
}

static void test_burn_rate(void **state)
{
  struct statusline_view v = full_view();

  (void)state;
  /* Less than a minute in: counted as a minute, not a huge rate. */
  v.u.block_start_ms = NOW - 10000;
  v.u.block_cost = 0.05;
  expect(&v, "{burn}", 0, "$3.00/h");
  v.u.block_start_ms = NOW + H; /* a clock that went back */
  expect(&v, "{burn}", 0, "$3.00/h");
  v.u.block_start_ms = NOW - 4 * H;
  v.u.block_cost = 10;
  expect(&v, "{burn}", 0, "$2.50/h");
  v.u.has_block = 0;
  expect(&v, "{burn} {block}", 0, "- $0.00");
}

static void test_format_placeholders(void **state)
{
  struct statusline_view v = full_view(), none;

  (void)state;
  expect(&v,
         "{model}|{session}|{today}|{block}|{block_left}|{burn}|{five_hour}|"
         "{five_reset}|{seven_day}|{seven_reset}|{context}|{project}|"
         "{cc_cost}",
         0,
         "Opus 4.1|$0.23|$1.23|$0.45|2h 45m|$0.20/h|23%|2h 45m|41%|72h "
         "0m|43%|proj|$0.31");
  memset(&none, 0, sizeof(none));
  none.now_ms = NOW;
  expect(&none,
         "{model}|{session}|{today}|{block}|{block_left}|{burn}|{five_hour}|"
         "{five_reset}|{seven_day}|{seven_reset}|{context}|{project}|"
         "{cc_cost}",
         0, "-|-|-|-|-|-|-|-|-|-|-|-|-");
  /* Braces: doubled ones escape, lone ones are text. */
  expect(&v, "{{model}} }} } { {today}", 0, "{model} } } { $1.23");
  expect(&v, "", 0, "");
  expect(&v, "plain", 0, "plain");
}

static void test_format_check(void **state)
{
  struct err e = ERR_INIT;

  (void)state;
  assert_int_equal(statusline_format_check("{model} {burn} {{x}} }", &e), 0);
  assert_int_equal(statusline_format_check("", &e), 0);
  assert_int_equal(statusline_format_check("{modle}", &e), ERR_USAGE);
  assert_string_equal(e.msg, "unknown placeholder '{modle}' in --format (see "
                             "'tokmeter statusline --help')");
  assert_int_equal(statusline_format_check("a {} b", &e), ERR_USAGE);
  assert_string_equal(e.msg, "unknown placeholder '{}' in --format (see "
                             "'tokmeter statusline --help')");
  assert_int_equal(statusline_format_check("{model", &e), ERR_USAGE);
  assert_string_equal(e.msg, "unclosed '{' in --format '{model'");
  assert_int_equal(statusline_format_check("{{model}} {x", &e), ERR_USAGE);
  assert_int_equal(statusline_format_check("{Model}", &e), ERR_USAGE);
}

static void test_colours(void **state)
{
  struct statusline_view v;

  (void)state;
  memset(&v, 0, sizeof(v));
  v.now_ms = NOW;
  v.model = "Opus";
  v.five.has = 1;
  v.five.pct = 49.4;
  v.week.has = 1;
  v.week.pct = 50;
  expect(&v, NULL, 1,
         "\x1b[36mOpus\x1b[0m\x1b[90m | \x1b[0mno usage yet\x1b[90m | "
         "\x1b[0m5h \x1b[32m49%\x1b[0m\x1b[90m \xc2\xb7 \x1b[0m7d "
         "\x1b[33m50%\x1b[0m");
  v.has_context = 1;
  v.context_pct = 80;
  expect(&v, "{context} {model}", 1, "\x1b[31m80%\x1b[0m \x1b[36mOpus\x1b[0m");
}

static void test_untrusted_text(void **state)
{
  struct statusline_view v;
  char longname[200];

  (void)state;
  memset(&v, 0, sizeof(v));
  v.now_ms = NOW;
  v.model = "Op\x1b[31mus\n";
  expect(&v, "{model}", 0, "Op?[31mus?");
  /* Long names are cut at 64 bytes, never inside a UTF-8 character. */
  memset(longname, 'a', sizeof(longname));
  longname[sizeof(longname) - 1] = 0;
  v.model = longname;
  expect(&v, "{model}", 0,
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...");
  memcpy(longname + 63, "\xc3\xa9", 2); /* é across the cut */
  expect(&v, "{model}", 0,
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...");
  v.project = "/srv/repos/tok meter//";
  expect(&v, "[{project}]", 0, "[tok meter]");
  v.project = "/";
  expect(&v, "[{project}]", 0, "[/]");
  v.project = "rel";
  expect(&v, "[{project}]", 0, "[rel]");
  v.project = "";
  expect(&v, "[{project}]", 0, "[-]");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_collect_session_today_block),
      cmocka_unit_test(test_collect_today_in_zone),
      cmocka_unit_test(test_collect_empty_set),
      cmocka_unit_test(test_block_matches_blocks_build),
      cmocka_unit_test(test_default_line),
      cmocka_unit_test(test_default_line_partial),
      cmocka_unit_test(test_default_line_without_usage),
      cmocka_unit_test(test_burn_rate),
      cmocka_unit_test(test_format_placeholders),
      cmocka_unit_test(test_format_check),
      cmocka_unit_test(test_colours),
      cmocka_unit_test(test_untrusted_text),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
