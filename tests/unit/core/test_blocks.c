/* Tests for src/core/blocks.c: 5-hour windows, gaps, activity, projection. */
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
#include "evset.h"

#define H 3600000LL
#define M 60000LL
#define L (5 * H)

/* A finished set with one opus-4-5 call per timestamp. */
static void make_set(struct dedup *d, const char *const *ts, size_t n,
                     uint64_t tokens)
{
  struct call_spec s[8];
  size_t i;

  assert_true(n <= 8);
  for (i = 0; i < n; i++)
    s[i] = (struct call_spec){ts[i], "claude-opus-4-5", NULL, tokens, tokens, 0,
                              -1};
  evset_make(d, s, n);
}

static void build(struct block_list *bl, struct dedup *d,
                  struct price_table *pt, struct pricer *pr, int64_t now)
{
  struct agg_filter f;
  struct tz utc;

  tz_init_utc(&utc);
  price_table_init(pt);
  pricer_init(pr, COST_CALCULATE, pt, &d->strs);
  memset(&f, 0, sizeof(f));
  f.tz = &utc;
  f.since_day = INT64_MIN;
  f.until_day = INT64_MAX;
  f.pricer = pr;
  block_list_init(bl);
  blocks_build(bl, d, NULL, &f, L, now);
}

static void done(struct block_list *bl, struct dedup *d, struct price_table *pt,
                 struct pricer *pr)
{
  block_list_release(bl);
  pricer_release(pr);
  price_table_release(pt);
  dedup_release(d);
}

static void test_checklist_13(void **state)
{
  /* §8 item 13: 10:17, 14:59, 15:20, 21:00 -> 10:00-15:00 (2 entries),
   * 15:00-20:00 (1), gap 20:20-21:00, 21:00-02:00. */
  static const char *const ts[] = {
      "2026-03-10T10:17:00.000Z", "2026-03-10T14:59:00.000Z",
      "2026-03-10T15:20:00.000Z", "2026-03-10T21:00:00.000Z"};
  struct block_list bl;
  struct dedup d;
  struct price_table pt;
  struct pricer pr;

  (void)state;
  make_set(&d, ts, 4, 10);
  build(&bl, &d, &pt, &pr, evset_at("2026-03-20T00:00:00.000Z"));
  assert_int_equal(bl.n, 4);
  assert_int_equal(bl.v[0].start_ms, evset_at("2026-03-10T10:00:00.000Z"));
  assert_int_equal(bl.v[0].end_ms, evset_at("2026-03-10T15:00:00.000Z"));
  assert_int_equal(bl.v[0].entries, 2);
  assert_int_equal(bl.v[1].start_ms, evset_at("2026-03-10T15:00:00.000Z"));
  assert_int_equal(bl.v[1].entries, 1);
  assert_true(bl.v[2].is_gap);
  assert_int_equal(bl.v[2].start_ms, evset_at("2026-03-10T20:20:00.000Z"));
  assert_int_equal(bl.v[2].end_ms, evset_at("2026-03-10T21:00:00.000Z"));
  assert_int_equal(bl.v[2].entries, 0);
  assert_int_equal(bl.v[3].start_ms, evset_at("2026-03-10T21:00:00.000Z"));
  assert_int_equal(bl.v[3].end_ms, evset_at("2026-03-11T02:00:00.000Z"));
  assert_false(bl.v[3].is_active);
  /* Largest completed block: the first (2 calls x 20 tokens). */
  assert_int_equal(blocks_max_tokens(&bl), 40);
  done(&bl, &d, &pt, &pr);
}

static void test_exact_five_hours_is_same_block(void **state)
{
  /* Strictly more than 5 h starts a new block; exactly 5 h does not. */
  static const char *const ts[] = {"2026-03-10T10:00:00.000Z",
                                   "2026-03-10T15:00:00.000Z",
                                   "2026-03-10T15:00:00.001Z"};
  struct block_list bl;
  struct dedup d;
  struct price_table pt;
  struct pricer pr;

  (void)state;
  make_set(&d, ts, 3, 1);
  build(&bl, &d, &pt, &pr, evset_at("2026-03-20T00:00:00.000Z"));
  assert_int_equal(bl.n, 2);
  assert_int_equal(bl.v[0].entries, 2);
  assert_int_equal(bl.v[1].start_ms, evset_at("2026-03-10T15:00:00.000Z"));
  done(&bl, &d, &pt, &pr);
}

static void test_active_burn_and_projection(void **state)
{
  static const char *const ts[] = {"2026-03-10T10:30:00.000Z",
                                   "2026-03-10T11:30:00.000Z"};
  struct block_list bl;
  struct dedup d;
  struct price_table pt;
  struct pricer pr;
  struct burn_rate br;
  struct projection pj;
  int64_t now = evset_at("2026-03-10T12:00:00.000Z");

  (void)state;
  make_set(&d, ts, 2, 3000); /* 6,000 tokens per call */
  build(&bl, &d, &pt, &pr, now);
  assert_int_equal(bl.n, 1);
  assert_true(bl.v[0].is_active);
  block_burn_rate(&bl.v[0], &br);
  assert_true(br.valid);
  /* 12,000 tokens over 60 minutes. */
  assert_true(br.tokens_per_minute == 200.0);
  assert_true(br.tokens_per_minute_indicator == 200.0);
  block_projection(&bl.v[0], now, &pj);
  assert_true(pj.valid);
  assert_int_equal(pj.remaining_minutes, 180); /* block ends 15:00 */
  assert_int_equal(pj.total_tokens, 12000 + 200 * 180);
  /* opus-4-5: 3000 in x $5/M + 3000 out x $25/M = $0.09 per call. */
  assert_true(bl.v[0].cost > 0.1799 && bl.v[0].cost < 0.1801);
  assert_true(pj.total_cost == 0.72); /* 0.18 + 0.18/h x 3 h, rounded */
  done(&bl, &d, &pt, &pr);
  /* Five hours after the last call the block is over. */
  make_set(&d, ts, 2, 3000);
  build(&bl, &d, &pt, &pr, evset_at("2026-03-10T16:30:00.000Z"));
  assert_false(bl.v[0].is_active);
  done(&bl, &d, &pt, &pr);
}

static void test_hour_floor_is_utc(void **state)
{
  /* A block starts at the UTC hour, whatever the report zone. */
  static const char *const ts[] = {"2026-03-10T10:59:59.999+05:30"};
  struct block_list bl;
  struct dedup d;
  struct price_table pt;
  struct pricer pr;

  (void)state;
  make_set(&d, ts, 1, 1);
  build(&bl, &d, &pt, &pr, evset_at("2026-03-20T00:00:00.000Z"));
  assert_int_equal(bl.v[0].start_ms, evset_at("2026-03-10T05:00:00.000Z"));
  done(&bl, &d, &pt, &pr);
}

static void test_gap_after_earlier_block_start(void **state)
{
  /* 12:02:17 then 17:04:46: the gap starts at 17:02:17, the next block at
   * 17:00, so the block comes first (ccusage sorts by start). */
  static const char *const ts[] = {"2026-03-10T12:02:17.000Z",
                                   "2026-03-10T17:04:46.000Z"};
  struct block_list bl;
  struct dedup d;
  struct price_table pt;
  struct pricer pr;

  (void)state;
  make_set(&d, ts, 2, 1);
  build(&bl, &d, &pt, &pr, evset_at("2026-03-20T00:00:00.000Z"));
  assert_int_equal(bl.n, 3);
  assert_false(bl.v[0].is_gap);
  assert_int_equal(bl.v[1].start_ms, evset_at("2026-03-10T17:00:00.000Z"));
  assert_false(bl.v[1].is_gap);
  assert_int_equal(bl.v[1].entries, 1);
  assert_true(bl.v[2].is_gap);
  assert_int_equal(bl.v[2].start_ms, evset_at("2026-03-10T17:02:17.000Z"));
  done(&bl, &d, &pt, &pr);
}

static void test_per_model_sums(void **state)
{
  /* Three calls in one block, two models (one twice), one without a model:
   * each model gets its own tokens, cost and calls; the block keeps all. */
  static const struct call_spec s[] = {
      {"2026-03-10T10:00:00.000Z", "claude-opus-4-5", NULL, 1000, 1000, 0, -1},
      {"2026-03-10T10:10:00.000Z", "claude-sonnet-4-5", NULL, 100, 200, 0, -1},
      {"2026-03-10T10:20:00.000Z", "claude-opus-4-5", NULL, 10, 20, 0, -1},
      {"2026-03-10T10:30:00.000Z", NULL, NULL, 7, 0, 0, -1},
  };
  struct block_list bl;
  struct dedup d;
  struct price_table pt;
  struct pricer pr;
  const struct block *b;

  (void)state;
  evset_make(&d, s, 4);
  build(&bl, &d, &pt, &pr, evset_at("2026-03-20T00:00:00.000Z"));
  assert_int_equal(bl.n, 1);
  b = &bl.v[0];
  assert_int_equal(b->nmodels, 2);
  assert_string_equal(strtab_get(&bl.names, b->models[0]), "claude-opus-4-5");
  assert_string_equal(strtab_get(&bl.names, b->models[1]), "claude-sonnet-4-5");
  assert_int_equal(b->sums[0].calls, 2);
  assert_int_equal(b->sums[0].tok.input, 1010);
  assert_int_equal(b->sums[0].tok.output, 1020);
  assert_int_equal(b->sums[1].calls, 1);
  assert_int_equal(tokens_total(&b->sums[1].tok), 300);
  /* opus-4-5 $5/$25 per M: 1010 x 5e-6 + 1020 x 25e-6 = $0.03055. */
  assert_true(b->sums[0].cost > 0.030549 && b->sums[0].cost < 0.030551);
  /* sonnet-4-5 $3/$15 per M: 100 x 3e-6 + 200 x 15e-6 = $0.0033. */
  assert_true(b->sums[1].cost > 0.003299 && b->sums[1].cost < 0.003301);
  assert_int_equal(tokens_total(&b->tok), 2030 + 300 + 7);
  assert_int_equal(b->entries, 4);
  done(&bl, &d, &pt, &pr);
}

static void test_many_models_grow_sums(void **state)
{
  /* More models than the first allocation: sums grow with the names. */
  static const char *const models[] = {"claude-opus-4-5",  "claude-sonnet-4-5",
                                       "claude-haiku-4-5", "claude-opus-4-1",
                                       "claude-sonnet-4",  "claude-3-5-haiku",
                                       "claude-opus-4",    "claude-3-7-sonnet"};
  struct call_spec s[8];
  struct block_list bl;
  struct dedup d;
  struct price_table pt;
  struct pricer pr;
  char ts[8][32];
  size_t i;

  (void)state;
  for (i = 0; i < 8; i++) {
    snprintf(ts[i], sizeof(ts[i]), "2026-03-10T10:%02zu:00.000Z", i);
    s[i] = (struct call_spec){ts[i], models[i], NULL, i + 1, 0, 0, -1};
  }
  evset_make(&d, s, 8);
  build(&bl, &d, &pt, &pr, evset_at("2026-03-20T00:00:00.000Z"));
  assert_int_equal(bl.v[0].nmodels, 8);
  for (i = 0; i < 8; i++) {
    assert_string_equal(strtab_get(&bl.names, bl.v[0].models[i]), models[i]);
    assert_int_equal(bl.v[0].sums[i].tok.input, i + 1);
    assert_int_equal(bl.v[0].sums[i].calls, 1);
  }
  done(&bl, &d, &pt, &pr);
}

static void test_set_now_moves_activity(void **state)
{
  /* The block 10:00-15:00 is active when built at 12:00; moving the clock
   * re-evaluates it: active up to its end, and again when moved back. */
  static const char *const ts[] = {"2026-03-10T10:30:00.000Z",
                                   "2026-03-10T11:30:00.000Z"};
  struct block_list bl;
  struct dedup d;
  struct price_table pt;
  struct pricer pr;

  (void)state;
  make_set(&d, ts, 2, 1);
  build(&bl, &d, &pt, &pr, evset_at("2026-03-10T12:00:00.000Z"));
  assert_true(bl.v[0].is_active);
  blocks_set_now(&bl, L, evset_at("2026-03-10T14:59:59.999Z"));
  assert_true(bl.v[0].is_active);
  blocks_set_now(&bl, L, evset_at("2026-03-10T15:00:00.000Z"));
  assert_false(bl.v[0].is_active);
  blocks_set_now(&bl, L, evset_at("2026-03-10T12:00:00.000Z"));
  assert_true(bl.v[0].is_active);
  done(&bl, &d, &pt, &pr);
}

static void test_set_now_skips_trailing_gap(void **state)
{
  /* The gap sorts after the open 17:00 block: that block is the one that
   * becomes active, never the gap nor the first block. */
  static const char *const ts[] = {"2026-03-10T12:02:17.000Z",
                                   "2026-03-10T17:04:46.000Z"};
  struct block_list bl;
  struct dedup d;
  struct price_table pt;
  struct pricer pr;

  (void)state;
  make_set(&d, ts, 2, 1);
  build(&bl, &d, &pt, &pr, evset_at("2026-03-10T18:00:00.000Z"));
  assert_int_equal(bl.n, 3);
  assert_true(bl.v[2].is_gap);
  assert_false(bl.v[0].is_active);
  assert_true(bl.v[1].is_active);
  assert_false(bl.v[2].is_active);
  blocks_set_now(&bl, L, evset_at("2026-03-10T23:00:00.000Z"));
  assert_false(bl.v[1].is_active);
  blocks_set_now(&bl, L, evset_at("2026-03-10T21:59:00.000Z"));
  assert_true(bl.v[1].is_active);
  assert_false(bl.v[2].is_active);
  done(&bl, &d, &pt, &pr);
}

static void test_set_now_empty_list(void **state)
{
  struct block_list bl;

  (void)state;
  block_list_init(&bl);
  blocks_set_now(&bl, L, 0);
  assert_int_equal(bl.n, 0);
  block_list_release(&bl);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_checklist_13),
      cmocka_unit_test(test_exact_five_hours_is_same_block),
      cmocka_unit_test(test_active_burn_and_projection),
      cmocka_unit_test(test_hour_floor_is_utc),
      cmocka_unit_test(test_gap_after_earlier_block_start),
      cmocka_unit_test(test_per_model_sums),
      cmocka_unit_test(test_many_models_grow_sums),
      cmocka_unit_test(test_set_now_moves_activity),
      cmocka_unit_test(test_set_now_skips_trailing_gap),
      cmocka_unit_test(test_set_now_empty_list),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
