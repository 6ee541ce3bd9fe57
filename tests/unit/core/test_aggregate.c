/* Tests for src/core/aggregate.c: buckets, zones, pricing modes, filters. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/aggregate.h"
#include "core/civil.h"
#include "evset.h"
#include "source/tzfile.h"

struct fixture {
  struct dedup d;
  struct price_table pt;
  struct pricer pr;
  struct tz tz;
  struct agg_filter f;
};

static void setup_fx(struct fixture *fx, const struct call_spec *s, size_t n,
                     const char *zone, enum cost_mode mode)
{
  struct err e = ERR_INIT;

  evset_make(&fx->d, s, n);
  price_table_init(&fx->pt);
  pricer_init(&fx->pr, mode, &fx->pt, &fx->d.strs);
  tz_init_utc(&fx->tz);
  assert_int_equal(tz_load(&fx->tz, zone, &e), 0);
  memset(&fx->f, 0, sizeof(fx->f));
  fx->f.tz = &fx->tz;
  fx->f.since_day = INT64_MIN;
  fx->f.until_day = INT64_MAX;
  fx->f.pricer = &fx->pr;
}

static void release_fx(struct fixture *fx)
{
  pricer_release(&fx->pr);
  price_table_release(&fx->pt);
  tz_release(&fx->tz);
  dedup_release(&fx->d);
}

static const char *key(const struct agg *a, size_t i)
{
  return strtab_get(&a->names, a->rows[i].key);
}

static void test_zone_changes_the_day(void **state)
{
  /* §8 item 12. */
  static const struct call_spec s[] = {
      {"2026-03-10T23:30:00.000Z", "claude-opus-4-5", NULL, 10, 10, 0, -1}};
  struct fixture fx;
  struct agg a;

  (void)state;
  setup_fx(&fx, s, 1, "Asia/Tokyo", COST_AUTO);
  agg_init(&a);
  agg_build(&a, &fx.d, NULL, &fx.f, AGG_DAY, 0);
  assert_int_equal(a.n, 1);
  assert_string_equal(key(&a, 0), "2026-03-11");
  agg_release(&a);
  release_fx(&fx);
  setup_fx(&fx, s, 1, "UTC", COST_AUTO);
  agg_init(&a);
  agg_build(&a, &fx.d, NULL, &fx.f, AGG_DAY, 0);
  assert_string_equal(key(&a, 0), "2026-03-10");
  agg_release(&a);
  release_fx(&fx);
}

static void test_dst_midnight(void **state)
{
  /* New York springs forward on 2026-03-08 and falls back 2026-11-01. */
  static const struct call_spec s[] = {
      {"2026-03-08T04:59:59.999Z", "claude-opus-4-5", NULL, 1, 0, 0, -1},
      {"2026-03-08T05:00:00.000Z", "claude-opus-4-5", NULL, 2, 0, 0, -1},
      {"2026-03-09T03:59:59.999Z", "claude-opus-4-5", NULL, 4, 0, 0, -1},
      {"2026-03-09T04:00:00.000Z", "claude-opus-4-5", NULL, 8, 0, 0, -1},
      {"2026-11-02T04:59:59.999Z", "claude-opus-4-5", NULL, 16, 0, 0, -1},
      {"2026-11-02T05:00:00.000Z", "claude-opus-4-5", NULL, 32, 0, 0, -1},
  };
  static const char *const days[] = {"2026-03-07", "2026-03-08", "2026-03-09",
                                     "2026-11-01", "2026-11-02"};
  static const uint64_t inputs[] = {1, 2 + 4, 8, 16, 32};
  struct fixture fx;
  struct agg a;
  size_t i;

  (void)state;
  setup_fx(&fx, s, 6, "America/New_York", COST_AUTO);
  agg_init(&a);
  agg_build(&a, &fx.d, NULL, &fx.f, AGG_DAY, 0);
  assert_int_equal(a.n, 5);
  for (i = 0; i < 5; i++) {
    assert_string_equal(key(&a, i), days[i]);
    assert_int_equal(a.rows[i].tok.input, inputs[i]);
  }
  agg_release(&a);
  release_fx(&fx);
}

/* Every grouping sums to the same totals over the same events. */
static void test_reports_agree(void **state)
{
  static const struct call_spec s[] = {
      {"2026-02-27T10:00:00.000Z", "claude-opus-4-5", "a", 100, 10, 0, -1},
      {"2026-02-28T23:59:00.000Z", "claude-sonnet-4-5", "a", 200, 20, 0, -1},
      {"2026-03-01T00:01:00.000Z", "claude-haiku-4-5", "b", 300, 30, 0, -1},
      {"2026-03-02T12:00:00.000Z", "claude-opus-4-7", "b", 400, 40, 1, -1},
      {"2026-03-08T12:00:00.000Z", "<synthetic>", "c", 0, 0, 0, -1},
      {"2026-03-09T12:00:00.000Z", NULL, "c", 5, 5, 0, -1},
  };
  enum agg_by by[] = {AGG_DAY,     AGG_WEEK,    AGG_MONTH,
                      AGG_SESSION, AGG_PROJECT, AGG_MODEL};
  struct fixture fx;
  struct agg ref;
  size_t i, k;

  (void)state;
  setup_fx(&fx, s, 6, "UTC", COST_AUTO);
  agg_init(&ref);
  agg_build(&ref, &fx.d, NULL, &fx.f, AGG_DAY, 0);
  assert_int_equal(tokens_total(&ref.total.tok), 1110);
  for (i = 1; i < 6; i++) {
    struct agg a;
    double sum = 0;
    uint64_t toks = 0;

    agg_init(&a);
    agg_build(&a, &fx.d, NULL, &fx.f, by[i], 1);
    for (k = 0; k < a.n; k++) {
      sum += a.rows[k].cost;
      toks += tokens_total(&a.rows[k].tok);
    }
    assert_int_equal(toks, tokens_total(&ref.total.tok));
    assert_true(sum > ref.total.cost * (1 - 1e-12) &&
                sum < ref.total.cost * (1 + 1e-12));
    if (by[i] == AGG_MONTH) {
      assert_int_equal(a.n, 2);
      assert_string_equal(key(&a, 0), "2026-02");
      assert_string_equal(key(&a, 1), "2026-03");
    }
    if (by[i] == AGG_WEEK) {
      /* Weeks start on Monday here: 02-23, 03-02, 03-09. */
      assert_int_equal(a.n, 3);
      assert_string_equal(key(&a, 0), "2026-02-23");
      assert_string_equal(key(&a, 1), "2026-03-02");
      assert_string_equal(key(&a, 2), "2026-03-09");
    }
    if (by[i] == AGG_SESSION)
      assert_int_equal(a.n, 3);
    agg_release(&a);
  }
  /* Fast mode: the model is shown with -fast, priced x6 for opus-4-7. */
  assert_int_equal(ref.total.nused, 4);
  assert_string_equal(strtab_get(&ref.names, ref.total.used[3]),
                      "claude-opus-4-7-fast");
  for (i = 0; i < ref.total.nmodels; i++)
    if (!strcmp(strtab_get(&ref.names, ref.total.models[i].name),
                "claude-opus-4-7-fast")) {
      double want = (400 * 5e-6 + 40 * 25e-6) * 6;

      assert_true(ref.total.models[i].cost > want * (1 - 1e-12) &&
                  ref.total.models[i].cost < want * (1 + 1e-12));
    }
  /* The model-less call's tokens count but it is not priced. */
  assert_int_equal(ref.total.unpriced_tokens, 10);
  agg_release(&ref);
  release_fx(&fx);
}

static void test_weeks_start_on_sunday_by_default(void **state)
{
  static const struct call_spec s[] = {
      {"2026-03-07T12:00:00.000Z", "claude-opus-4-5", NULL, 1, 0, 0, -1},
      {"2026-03-08T12:00:00.000Z", "claude-opus-4-5", NULL, 1, 0, 0, -1},
  };
  struct fixture fx;
  struct agg a;

  (void)state;
  setup_fx(&fx, s, 2, "UTC", COST_AUTO);
  agg_init(&a);
  agg_build(&a, &fx.d, NULL, &fx.f, AGG_WEEK, 0);
  assert_int_equal(a.n, 2);
  assert_string_equal(key(&a, 0), "2026-03-01");
  assert_string_equal(key(&a, 1), "2026-03-08");
  agg_release(&a);
  release_fx(&fx);
}

static void test_unpriced_and_modes(void **state)
{
  static const struct call_spec s[] = {
      {"2026-03-07T12:00:00.000Z", "claude-experimental-9", NULL, 1000, 0, 0,
       -1},
      {"2026-03-07T13:00:00.000Z", "claude-opus-4-5", NULL, 1000, 0, 0, 0.5},
      {"2026-03-07T14:00:00.000Z", "claude-opus-4-5", NULL, 1000, 0, 0, -1},
  };
  struct fixture fx;
  struct agg a;

  (void)state;
  setup_fx(&fx, s, 3, "UTC", COST_AUTO);
  agg_init(&a);
  agg_build(&a, &fx.d, NULL, &fx.f, AGG_DAY, 0);
  /* auto: recorded 0.5 + computed 1000 x $5/M; unknown model unpriced. */
  assert_true(a.total.cost > 0.505 - 1e-12 && a.total.cost < 0.505 + 1e-12);
  assert_int_equal(a.total.unpriced_tokens, 1000);
  assert_int_equal(a.nunpriced, 1);
  assert_string_equal(strtab_get(&a.names, a.unpriced[0]),
                      "claude-experimental-9");
  agg_release(&a);
  release_fx(&fx);

  setup_fx(&fx, s, 3, "UTC", COST_CALCULATE);
  agg_init(&a);
  agg_build(&a, &fx.d, NULL, &fx.f, AGG_DAY, 0);
  assert_true(a.total.cost > 0.01 - 1e-12 && a.total.cost < 0.01 + 1e-12);
  agg_release(&a);
  release_fx(&fx);

  setup_fx(&fx, s, 3, "UTC", COST_DISPLAY);
  agg_init(&a);
  agg_build(&a, &fx.d, NULL, &fx.f, AGG_DAY, 0);
  assert_true(a.total.cost == 0.5);
  assert_int_equal(a.total.unpriced_tokens, 2000);
  agg_release(&a);
  release_fx(&fx);
}

static void test_since_until(void **state)
{
  static const struct call_spec s[] = {
      {"2026-03-06T12:00:00.000Z", "claude-opus-4-5", NULL, 1, 0, 0, -1},
      {"2026-03-07T12:00:00.000Z", "claude-opus-4-5", NULL, 2, 0, 0, -1},
      {"2026-03-08T12:00:00.000Z", "claude-opus-4-5", NULL, 4, 0, 0, -1},
  };
  struct fixture fx;
  struct agg a;

  (void)state;
  setup_fx(&fx, s, 3, "UTC", COST_AUTO);
  assert_int_equal(civil_parse_date("20260307", &fx.f.since_day), 0);
  assert_int_equal(civil_parse_date("2026-03-07", &fx.f.until_day), 0);
  agg_init(&a);
  agg_build(&a, &fx.d, NULL, &fx.f, AGG_SESSION, 0);
  assert_int_equal(a.n, 1);
  assert_int_equal(a.total.tok.input, 2);
  agg_release(&a);
  release_fx(&fx);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_zone_changes_the_day),
      cmocka_unit_test(test_dst_midnight),
      cmocka_unit_test(test_reports_agree),
      cmocka_unit_test(test_weeks_start_on_sunday_by_default),
      cmocka_unit_test(test_unpriced_and_modes),
      cmocka_unit_test(test_since_until),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
