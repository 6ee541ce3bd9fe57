/* Tests for src/report/live.c: the live monitor's screen. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/civil.h"
#include "report/live.h"
#include "util/buf.h"

#define MIN_MS 60000LL
#define HOUR_MS 3600000LL

static const struct live_model three[] = {
    {"claude-sonnet-4-5-20250929", 1000000, 10.0},
    {"claude-opus-4-1", 234567, 2.345},
    {"claude-haiku-4-5", 100, 0.01},
};

static int64_t at(const char *ts)
{
  int64_t ms;

  assert_int_equal(civil_parse_ts(ts, strlen(ts), &ms), 0);
  return ms;
}

/* A block 10:00-15:00 seen at 12:34:56, with three models and no limit. */
static void base(struct live_view *v, struct tz *z)
{
  memset(v, 0, sizeof(*v));
  tz_init_utc(z);
  v->tz = z;
  v->now_ms = at("2026-03-10T12:34:56Z");
  v->updated_ms = at("2026-03-10T12:34:55Z");
  v->active = 1;
  v->start_ms = at("2026-03-10T10:00:00Z");
  v->end_ms = at("2026-03-10T15:00:00Z");
  v->tokens = 1234567;
  v->cost = 12.345;
  v->burn.valid = 1;
  v->burn.tokens_per_minute = 12345.4;
  v->burn.cost_per_hour = 4.56;
  v->proj.valid = 1;
  v->proj.total_tokens = 2345678;
  v->proj.total_cost = 23.45;
  v->models = three;
  v->nmodels = 3;
  v->today_tokens = 3456789;
  v->today_cost = 34.56;
  v->today_calls = 123;
  v->note = "inotify";
  v->interactive = 1;
  v->width = 80;
}

static void check(const struct live_view *v, const char *want)
{
  struct buf b = BUF_INIT;

  assert_int_equal(live_render(v, &b), 0);
  assert_string_equal(b.data, want);
  buf_release(&b);
}

/* Line i (0-based) of the frame, into out. */
static void line_of(const struct live_view *v, unsigned i, char *out, size_t n)
{
  struct buf b = BUF_INIT;
  const char *p;
  size_t len;

  assert_int_equal(live_render(v, &b), 0);
  for (p = b.data; i > 0; i--) {
    const char *nl = strchr(p, '\n');

    assert_true(nl && nl[1]); /* the frame has line i */
    p = nl ? nl + 1 : p + strlen(p);
  }
  len = strcspn(p, "\n");
  assert_true(len < n);
  memcpy(out, p, len);
  out[len] = '\0';
  buf_release(&b);
}

static void test_full_width_no_limit(void **state)
{
  struct live_view v;
  struct tz z;

  (void)state;
  base(&v, &z);
  check(&v, "tokmeter live                                                "
            "2026-03-10 12:34:56\n"
            "\n"
            "Block      10:00 - 15:00\n"
            "Resets     in 2h 25m, at 15:00\n"
            "Tokens     1,234,567\n"
            "Cost       $12.35\n"
            "Burn rate  12,345 tokens/min, $4.56/hour\n"
            "Projected  2,345,678 tokens, $23.45 at block end\n"
            "\n"
            "Today      3,456,789 tokens, $34.56, 123 calls\n"
            "\n"
            "Model                                Tokens         Cost\n"
            "sonnet-4-5                        1,000,000       $10.00\n"
            "opus-4-1                            234,567        $2.35\n"
            "haiku-4-5                               100        $0.01\n"
            "\n"
            "Updated 12:34:55, inotify                                         "
            "       q quits\n");
}

static void test_token_limit_over(void **state)
{
  struct live_view v;
  struct tz z;

  (void)state;
  base(&v, &z);
  v.limit = LIVE_LIMIT_TOKENS;
  v.limit_tokens = 2000000;
  v.models = NULL;
  v.nmodels = 0;
  v.interactive = 0;
  v.note = NULL;
  check(&v,
        "tokmeter live                                                "
        "2026-03-10 12:34:56\n"
        "\n"
        "Block      10:00 - 15:00\n"
        "Resets     in 2h 25m, at 15:00\n"
        "Tokens     1,234,567\n"
        "Cost       $12.35\n"
        "Limit      [####################################..................."
        "....]   61.7%\n"
        "           of 2,000,000 tokens\n"
        "Burn rate  12,345 tokens/min, $4.56/hour\n"
        "Projected  2,345,678 tokens, $23.45 at block end (over the limit)\n"
        "\n"
        "Today      3,456,789 tokens, $34.56, 123 calls\n"
        "\n"
        "Updated 12:34:55\n");
}

static void test_max_limit_wording(void **state)
{
  struct live_view v;
  struct tz z;
  char line[128];

  (void)state;
  base(&v, &z);
  v.limit = LIVE_LIMIT_MAX;
  v.limit_tokens = 4938268; /* 25% */
  line_of(&v, 6, line, sizeof(line));
  assert_string_equal(line, "Limit      [###############......................"
                            "......................]   25.0%");
  line_of(&v, 7, line, sizeof(line));
  assert_string_equal(
      line, "           of 4,938,268 tokens (largest previous block)");
  line_of(&v, 9, line, sizeof(line));
  assert_string_equal(line, "Projected  2,345,678 tokens, $23.45 at block end");
  v.width = 40;
  line_of(&v, 7, line, sizeof(line));
  assert_string_equal(line, "           of 4,938,268 (largest block)");
}

static void test_plan_is_an_estimate(void **state)
{
  struct live_view v;
  struct tz z;

  (void)state;
  base(&v, &z);
  v.limit = LIVE_LIMIT_PLAN;
  v.plan = "max5";
  v.limit_tokens = 88000;
  v.limit_cost = 35;
  v.tokens = 44000;
  v.cost = 7;
  v.proj.total_tokens = 80000;
  v.width = 40;
  v.nmodels = 1;
  check(&v, "tokmeter live        2026-03-10 12:34:56\n"
            "\n"
            "Block      10:00 - 15:00\n"
            "Resets     in 2h 25m, at 15:00\n"
            "Tokens     44,000\n"
            "Cost       $7.00 of $35.00 (20.0%)\n"
            "Limit      [##########.........]   50.0%\n"
            "           of 88,000 (max5, estimate)\n"
            "Burn rate  12,345 tokens/min, $4.56/hour\n"
            "Projected  80,000 tok, $23.45\n"
            "\n"
            "Today      3,456,789 tok, $34.56\n"
            "\n"
            "Model                Tokens         Cost\n"
            "sonnet-4-5        1,000,000       $10.00\n"
            "\n"
            "Updated 12:34:55, inotify        q quits\n");
  /* Wide, the plan is named as such. */
  v.width = 80;
  {
    char line[128];

    line_of(&v, 7, line, sizeof(line));
    assert_string_equal(line,
                        "           of 88,000 tokens (max5 plan, estimate)");
  }
}

static void test_measured_quota(void **state)
{
  struct live_view v;
  struct tz z;

  (void)state;
  base(&v, &z);
  v.limit = LIVE_LIMIT_MEASURED;
  v.limit_tokens = 88000; /* ignored: the measurement wins */
  v.used_pct = 34.5;
  v.measured_ms = v.now_ms - 2 * MIN_MS - 5000;
  v.reset_ms = at("2026-03-10T14:10:00Z");
  v.week = 1;
  v.week_pct = 81.25;
  v.week_reset_ms = v.now_ms + 3 * 24 * HOUR_MS;
  v.height = 16;
  v.nmodels = 0;
  check(&v,
        "tokmeter live                                                "
        "2026-03-10 12:34:56\n"
        "\n"
        "Block      10:00 - 15:00\n"
        "Resets     in 1h 35m, at 14:10\n"
        "Tokens     1,234,567\n"
        "Cost       $12.35\n"
        "Quota      [####################....................................."
        "..]   34.5%\n"
        "           of the 5-hour quota, measured 2m ago\n"
        "Week       81.2% of the 7-day quota, resets in 72h 0m\n"
        "Burn rate  12,345 tokens/min, $4.56/hour\n"
        "Projected  2,345,678 tokens, $23.45 at block end\n"
        "\n"
        "Today      3,456,789 tokens, $34.56, 123 calls\n"
        "\n"
        "\n"
        "Updated 12:34:55, inotify                                             "
        "   q quits\n");
}

static void test_measured_just_now_narrow(void **state)
{
  struct live_view v;
  struct tz z;
  char line[128];

  (void)state;
  base(&v, &z);
  v.limit = LIVE_LIMIT_MEASURED;
  v.used_pct = 100;
  v.measured_ms = v.now_ms - 59999;
  v.week = 1;
  v.week_pct = 5;
  v.week_reset_ms = v.now_ms + 26 * HOUR_MS + 7 * MIN_MS;
  v.width = 40;
  line_of(&v, 6, line, sizeof(line));
  assert_string_equal(line, "Quota      [###################]  100.0%");
  line_of(&v, 7, line, sizeof(line));
  assert_string_equal(line, "           5h quota, measured just now");
  line_of(&v, 8, line, sizeof(line));
  assert_string_equal(line, "Week       5.0%, resets in 26h 7m");
}

static void test_no_active_block(void **state)
{
  struct live_view v;
  struct tz z;

  (void)state;
  base(&v, &z);
  v.active = 0;
  v.limit = LIVE_LIMIT_TOKENS; /* nothing to measure against */
  v.limit_tokens = 1000;
  v.today_tokens = 0;
  v.today_cost = 0;
  v.today_calls = 1;
  check(&v, "tokmeter live                                                "
            "2026-03-10 12:34:56\n"
            "\n"
            "Block      no active block\n"
            "\n"
            "Today      0 tokens, $0.00, 1 call\n"
            "\n"
            "Updated 12:34:55, inotify                                         "
            "       q quits\n");
}

static void test_no_block_but_measured(void **state)
{
  struct live_view v;
  struct tz z;
  char line[128];

  (void)state;
  base(&v, &z);
  v.active = 0;
  v.limit = LIVE_LIMIT_MEASURED;
  v.used_pct = 12;
  v.measured_ms = v.now_ms - HOUR_MS;
  v.reset_ms = v.now_ms + 30 * MIN_MS;
  line_of(&v, 2, line, sizeof(line));
  assert_string_equal(line, "Block      no active block");
  line_of(&v, 3, line, sizeof(line));
  assert_string_equal(line, "Resets     in 30m, at 13:04");
  line_of(&v, 4, line, sizeof(line));
  assert_string_equal(
      line,
      "Quota      "
      "[#######....................................................]   12.0%");
  line_of(&v, 5, line, sizeof(line));
  assert_string_equal(line,
                      "           of the 5-hour quota, measured 1h 0m ago");
}

static void test_height_shrinks_models(void **state)
{
  struct live_view v;
  struct tz z;

  (void)state;
  base(&v, &z);
  v.height = 15; /* head 10 lines, status 1: four for the list */
  check(&v, "tokmeter live                                                "
            "2026-03-10 12:34:56\n"
            "\n"
            "Block      10:00 - 15:00\n"
            "Resets     in 2h 25m, at 15:00\n"
            "Tokens     1,234,567\n"
            "Cost       $12.35\n"
            "Burn rate  12,345 tokens/min, $4.56/hour\n"
            "Projected  2,345,678 tokens, $23.45 at block end\n"
            "\n"
            "Today      3,456,789 tokens, $34.56, 123 calls\n"
            "\n"
            "Model                                Tokens         Cost\n"
            "sonnet-4-5                        1,000,000       $10.00\n"
            "+2 more\n"
            "Updated 12:34:55, inotify                                         "
            "       q quits\n");
  /* Too short for even the header: no list, the status line stays last. */
  v.height = 6;
  check(&v, "tokmeter live                                                "
            "2026-03-10 12:34:56\n"
            "\n"
            "Block      10:00 - 15:00\n"
            "Resets     in 2h 25m, at 15:00\n"
            "Tokens     1,234,567\n"
            "Updated 12:34:55, inotify                                         "
            "       q quits\n");
  v.height = 1;
  check(&v, "Updated 12:34:55, inotify                                         "
            "       q quits\n");
}

static void test_unpriced_and_no_rates(void **state)
{
  struct live_view v;
  struct tz z;
  char line[128];

  (void)state;
  base(&v, &z);
  v.unpriced = 1;
  v.burn.valid = 0;
  v.proj.valid = 0;
  line_of(&v, 5, line, sizeof(line));
  assert_string_equal(line, "Cost       $12.35 and unpriced calls");
  line_of(&v, 6, line, sizeof(line));
  assert_string_equal(line, "Burn rate  -");
  line_of(&v, 7, line, sizeof(line));
  assert_string_equal(line, "Projected  -");
  v.width = 24;
  line_of(&v, 5, line, sizeof(line));
  assert_string_equal(line, "Cost       $12.35 + unpr");
}

static void test_model_names_are_cleaned_and_cut(void **state)
{
  static const struct live_model odd[] = {
      {"claude-\x1b[31mevil\x07", 1, 0.5},
      {"a-very-long-model-name-from-some-gateway-that-goes-on", 2, 0.25},
      {"mod\xc3\xa8le-\xc3\xa9t\xc3\xa9", 3, 0},
  };
  struct live_view v;
  struct tz z;
  char line[160];

  (void)state;
  base(&v, &z);
  v.models = odd;
  v.nmodels = 3;
  line_of(&v, 12, line, sizeof(line));
  assert_string_equal(line, "?[31mevil?                                1"
                            "        $0.50");
  line_of(&v, 13, line, sizeof(line));
  assert_string_equal(line, "a-very-long-model-name-from-s             2"
                            "        $0.25");
  /* UTF-8 letters take one column each. */
  line_of(&v, 14, line, sizeof(line));
  assert_string_equal(line, "mod\xc3\xa8le-\xc3\xa9t\xc3\xa9"
                            "                                3        $0.00");
}

/* Visible columns of one line: escape sequences and UTF-8 tails take none. */
static unsigned visible(const char *s, size_t n)
{
  unsigned c = 0;
  size_t i;

  for (i = 0; i < n; i++) {
    if (s[i] == '\x1b') {
      while (i < n && s[i] != 'm')
        i++;
      continue;
    }
    c += ((unsigned char)s[i] & 0xC0) != 0x80;
  }
  return c;
}

static void test_every_size_fits(void **state)
{
  struct live_view v;
  struct tz z;
  unsigned w, h;

  (void)state;
  base(&v, &z);
  v.limit = LIVE_LIMIT_PLAN;
  v.plan = "max20";
  v.limit_tokens = 220000;
  v.limit_cost = 140;
  v.week = 1;
  v.color = 1;
  for (w = 1; w <= 130; w++)
    for (h = 1; h <= 40; h += 3) {
      struct buf b = BUF_INIT;
      const char *p;
      unsigned lines = 0;

      v.width = w;
      v.height = h;
      assert_int_equal(live_render(&v, &b), 0);
      for (p = b.data; *p;) {
        size_t n = strcspn(p, "\n");

        assert_true(visible(p, n) <= (w < 80 ? w : 80));
        assert_int_equal(p[n], '\n');
        p += n + 1;
        lines++;
      }
      assert_int_equal(lines, h);
      buf_release(&b);
    }
}

static void test_colours(void **state)
{
  struct live_view v;
  struct tz z;
  char line[256];

  (void)state;
  base(&v, &z);
  v.limit = LIVE_LIMIT_PLAN;
  v.plan = "pro";
  v.limit_tokens = 1000000;
  v.limit_cost = 18;
  v.width = 40;
  v.nmodels = 0;
  v.color = 1;
  line_of(&v, 0, line, sizeof(line));
  assert_string_equal(line, "\x1b[1mtokmeter live\x1b[0m        "
                            "2026-03-10 12:34:56");
  /* 123.5% of the limit: the bar is red and full. */
  line_of(&v, 6, line, sizeof(line));
  assert_string_equal(line, "Limit      [\x1b[31m###################\x1b[0m]"
                            "  \x1b[31m123.5%\x1b[0m");
  line_of(&v, 7, line, sizeof(line));
  assert_string_equal(line, "           of 1,000,000 (pro, "
                            "\x1b[33mestimate\x1b[0m)");
  /* Without colours nothing but text. */
  v.color = 0;
  {
    struct buf b = BUF_INIT;

    assert_int_equal(live_render(&v, &b), 0);
    assert_null(memchr(b.data, '\x1b', b.len));
    buf_release(&b);
  }
  /* Below 80% green, from 80% yellow. */
  v.color = 1;
  v.limit_tokens = 1500000; /* 82.3% */
  line_of(&v, 6, line, sizeof(line));
  assert_string_equal(line, "Limit      [\x1b[33m################\x1b[0m"
                            "\x1b[90m...\x1b[0m]   \x1b[33m82.3%\x1b[0m");
  v.limit_tokens = 2469134; /* 50.0% */
  line_of(&v, 6, line, sizeof(line));
  assert_string_equal(line, "Limit      [\x1b[32m##########\x1b[0m"
                            "\x1b[90m.........\x1b[0m]   \x1b[32m50.0%\x1b[0m");
}

static void test_reading_before_first_update(void **state)
{
  struct live_view v;
  struct tz z;
  char line[128];

  (void)state;
  base(&v, &z);
  v.updated_ms = 0;
  v.note = NULL;
  v.interactive = 0;
  v.height = 0;
  line_of(&v, 16, line, sizeof(line));
  assert_string_equal(line, "Reading transcripts");
}

static void test_zone_shifts_clock_times(void **state)
{
  struct live_view v;
  struct tz z;
  struct tz fixed;
  char line[128];

  (void)state;
  base(&v, &z);
  assert_int_equal(tz_from_posix(&fixed, "IST-5:30", NULL), 0);
  v.tz = &fixed;
  line_of(&v, 0, line, sizeof(line));
  assert_string_equal(line, "tokmeter live                                  "
                            "              2026-03-10 18:04:56");
  line_of(&v, 2, line, sizeof(line));
  assert_string_equal(line, "Block      15:30 - 20:30");
  line_of(&v, 3, line, sizeof(line));
  assert_string_equal(line, "Resets     in 2h 25m, at 20:30");
  tz_release(&fixed);
}

static void test_frame(void **state)
{
  struct buf b = BUF_INIT;

  (void)state;
  buf_adds(&b, "<");
  assert_int_equal(live_frame("one\n\nthree\n", 11, &b), 0);
  assert_string_equal(b.data, "<\x1b[1;1H\x1b[2Kone"
                              "\x1b[2;1H\x1b[2K"
                              "\x1b[3;1H\x1b[2Kthree");
  buf_reset(&b);
  /* A last line without '\n' is a line too. */
  assert_int_equal(live_frame("a\nb", 3, &b), 0);
  assert_string_equal(b.data, "\x1b[1;1H\x1b[2Ka\x1b[2;1H\x1b[2Kb");
  buf_reset(&b);
  assert_int_equal(live_frame("", 0, &b), 0);
  assert_string_equal(b.data, "");
  buf_release(&b);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_full_width_no_limit),
      cmocka_unit_test(test_token_limit_over),
      cmocka_unit_test(test_max_limit_wording),
      cmocka_unit_test(test_plan_is_an_estimate),
      cmocka_unit_test(test_measured_quota),
      cmocka_unit_test(test_measured_just_now_narrow),
      cmocka_unit_test(test_no_active_block),
      cmocka_unit_test(test_no_block_but_measured),
      cmocka_unit_test(test_height_shrinks_models),
      cmocka_unit_test(test_unpriced_and_no_rates),
      cmocka_unit_test(test_model_names_are_cleaned_and_cut),
      cmocka_unit_test(test_every_size_fits),
      cmocka_unit_test(test_colours),
      cmocka_unit_test(test_reading_before_first_update),
      cmocka_unit_test(test_zone_shifts_clock_times),
      cmocka_unit_test(test_frame),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
