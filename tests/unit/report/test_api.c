/* Tests for src/report/api.c: the HTTP API's answers from a known set. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "core/civil.h"
#include "evset.h"
#include "report/api.h"
#include "report/tools.h"
#include "source/tzfile.h"

static const struct call_spec calls[] = {
    {"2026-03-09T10:00:00.000Z", "claude-sonnet-4-5", "s1", 100, 50, 0, -1},
    {"2026-03-10T09:30:00.000Z", "claude-opus-4-5", "s2", 200, 100, 0, -1},
    {"2026-03-10T23:30:00.000Z", "claude-sonnet-4-5", "s1", 10, 10, 0, -1},
};

struct fx {
  struct dedup d;
  struct price_table pt;
  struct pricer pr;
  struct tz tz;
  struct project_map pm;
  struct api_ctx c;
};

static void fx_make(struct fx *f, const char *zone)
{
  struct err e = ERR_INIT;

  memset(f, 0, sizeof(*f));
  evset_make(&f->d, calls, sizeof(calls) / sizeof(calls[0]));
  price_table_init(&f->pt);
  pricer_init(&f->pr, COST_AUTO, &f->pt, &f->d.strs);
  tz_init_utc(&f->tz);
  assert_int_equal(tz_load(&f->tz, zone, &e), 0);
  strtab_init(&f->pm.names);
  f->c.set = &f->d;
  f->c.pm = &f->pm;
  f->c.pricer = &f->pr;
  f->c.tz = &f->tz;
  f->c.tz_name = zone;
  f->c.since_day = INT64_MIN;
  f->c.until_day = INT64_MAX;
  f->c.now_ms = evset_at("2026-03-11T12:00:00.000Z");
}

static void fx_free(struct fx *f)
{
  strtab_release(&f->pm.names);
  pricer_release(&f->pr);
  price_table_release(&f->pt);
  tz_release(&f->tz);
  dedup_release(&f->d);
}

static json_t *parse(const struct buf *b)
{
  json_error_t err;
  json_t *j = json_loadb(b->data, b->len, 0, &err);

  if (!j)
    fail_msg("not JSON: %s: %.*s", err.text, (int)b->len, b->data);
  return j;
}

static long long num(json_t *o, const char *path)
{
  json_t *v = json_object_get(o, path);

  assert_non_null(v);
  return (long long)json_integer_value(v);
}

static double dbl(json_t *o, const char *key)
{
  return json_number_value(json_object_get(o, key));
}

static void test_daily(void **state)
{
  struct fx f;
  struct buf b = BUF_INIT;
  json_t *j, *days;
  long long sum = 0;
  size_t i;

  (void)state;
  fx_make(&f, "UTC");
  api_daily(&b, &f.c);
  j = parse(&b);
  days = json_object_get(j, "days");
  assert_int_equal(json_array_size(days), 2);
  assert_string_equal(
      json_string_value(json_object_get(json_array_get(days, 0), "date")),
      "2026-03-09");
  for (i = 0; i < json_array_size(days); i++)
    sum +=
        num(json_object_get(json_array_get(days, i), "usage"), "totalTokens");
  assert_int_equal(sum, 470);
  assert_int_equal(num(json_object_get(j, "totals"), "calls"), 3);
  /* the second day has both models, costliest first */
  assert_string_equal(
      json_string_value(json_object_get(
          json_array_get(json_object_get(json_array_get(days, 1), "models"), 0),
          "model")),
      "claude-opus-4-5");
  json_decref(j);
  buf_release(&b);
  fx_free(&f);
}

static void test_summary_periods(void **state)
{
  struct fx f;
  struct buf b = BUF_INIT;
  json_t *j;

  (void)state;
  fx_make(&f, "UTC");
  api_summary(&b, &f.c);
  j = parse(&b);
  assert_int_equal(
      num(json_object_get(json_object_get(j, "today"), "usage"), "calls"), 0);
  /* 2026-03-11 is a Wednesday: the week began on Monday the 9th */
  assert_string_equal(json_string_value(json_object_get(
                          json_object_get(j, "thisWeek"), "since")),
                      "2026-03-09");
  assert_int_equal(
      num(json_object_get(json_object_get(j, "thisWeek"), "usage"), "calls"),
      3);
  assert_string_equal(json_string_value(json_object_get(
                          json_object_get(j, "thisMonth"), "since")),
                      "2026-03-01");
  assert_string_equal(json_string_value(json_object_get(j, "dataAsOf")),
                      "2026-03-10T23:30:00.000Z");
  assert_true(
      json_is_null(json_object_get(json_object_get(j, "range"), "since")));
  assert_true(dbl(j, "cacheHitRate") == 0);
  json_decref(j);
  buf_release(&b);

  /* in Tokyo the last call is already on the 11th: today */
  fx_free(&f);
  fx_make(&f, "Asia/Tokyo");
  api_summary(&b, &f.c);
  j = parse(&b);
  assert_int_equal(
      num(json_object_get(json_object_get(j, "today"), "usage"), "calls"), 1);
  json_decref(j);
  buf_release(&b);
  fx_free(&f);
}

static void test_models_share(void **state)
{
  struct fx f;
  struct buf b = BUF_INIT;
  json_t *j, *m;
  double share = 0, prev = 1e18;
  size_t i;

  (void)state;
  fx_make(&f, "UTC");
  api_models(&b, &f.c);
  j = parse(&b);
  m = json_object_get(j, "models");
  assert_int_equal(json_array_size(m), 2);
  for (i = 0; i < json_array_size(m); i++) {
    json_t *u = json_object_get(json_array_get(m, i), "usage");

    share += dbl(json_array_get(m, i), "share");
    assert_true(dbl(u, "cost") <= prev);
    prev = dbl(u, "cost");
  }
  assert_true(share > 0.999999 && share < 1.000001);
  json_decref(j);
  buf_release(&b);
  fx_free(&f);
}

static void test_sessions_sort_page(void **state)
{
  struct fx f;
  struct buf b = BUF_INIT;
  json_t *j, *s;

  (void)state;
  fx_make(&f, "UTC");
  api_sessions(&b, &f.c, API_SORT_START, 0, 100, 0);
  j = parse(&b);
  assert_int_equal(num(j, "total"), 2);
  s = json_object_get(j, "sessions");
  assert_string_equal(
      json_string_value(json_object_get(json_array_get(s, 0), "sessionId")),
      "s1");
  /* s1: 2026-03-09T10:00 to 2026-03-10T23:30 */
  assert_int_equal(num(json_array_get(s, 0), "durationMs"),
                   (37 * 60 + 30) * 60000LL);
  json_decref(j);
  buf_release(&b);

  api_sessions(&b, &f.c, API_SORT_START, 0, 1, 1);
  j = parse(&b);
  s = json_object_get(j, "sessions");
  assert_int_equal(json_array_size(s), 1);
  assert_string_equal(
      json_string_value(json_object_get(json_array_get(s, 0), "sessionId")),
      "s2");
  json_decref(j);
  buf_release(&b);
  fx_free(&f);
}

static long long cell(json_t *j, int weekday, int hour)
{
  json_t *c = json_array_get(json_object_get(j, "cells"),
                             (size_t)(weekday * 24 + hour));

  assert_int_equal(num(c, "weekday"), weekday);
  assert_int_equal(num(c, "hour"), hour);
  return num(c, "calls");
}

static void test_heatmap(void **state)
{
  struct fx f;
  struct buf b = BUF_INIT;
  json_t *j;

  (void)state;
  fx_make(&f, "UTC");
  api_heatmap(&b, &f.c);
  j = parse(&b);
  assert_int_equal(json_array_size(json_object_get(j, "cells")), 168);
  assert_int_equal(cell(j, 0, 10), 1); /* Monday 10:00 */
  assert_int_equal(cell(j, 1, 9), 1);  /* Tuesday 09:30 */
  assert_int_equal(cell(j, 1, 23), 1);
  assert_int_equal(cell(j, 2, 8), 0);
  assert_string_equal(json_string_value(json_object_get(j, "since")),
                      "2026-02-12"); /* 28 days up to the 11th */
  json_decref(j);
  buf_release(&b);
  fx_free(&f);

  fx_make(&f, "Asia/Tokyo"); /* +9: Tuesday 23:30 is Wednesday 08:30 */
  api_heatmap(&b, &f.c);
  j = parse(&b);
  assert_int_equal(cell(j, 2, 8), 1);
  assert_int_equal(cell(j, 1, 23), 0);
  assert_int_equal(cell(j, 0, 19), 1); /* Monday 10:00 UTC */
  json_decref(j);
  buf_release(&b);
  fx_free(&f);
}

static void test_session_detail(void **state)
{
  struct fx f;
  struct buf b = BUF_INIT;
  json_t *j, *turns;
  struct tools t;

  (void)state;
  fx_make(&f, "UTC");
  assert_int_equal(api_session(&b, &f.c, "s1", NULL), 0);
  j = parse(&b);
  turns = json_object_get(j, "turns");
  assert_int_equal(json_array_size(turns), 2);
  assert_string_equal(
      json_string_value(json_object_get(json_array_get(turns, 0), "at")),
      "2026-03-09T10:00:00.000Z");
  assert_int_equal(num(json_object_get(j, "main"), "totalTokens"), 170);
  assert_int_equal(num(json_object_get(j, "subagents"), "calls"), 0);
  assert_int_equal(json_array_size(json_object_get(j, "byModel")), 1);
  assert_string_equal(json_string_value(json_object_get(
                          json_object_get(j, "session"), "sessionId")),
                      "s1");
  assert_null(json_object_get(j, "tools"));
  json_decref(j);
  buf_reset(&b);
  tools_init(&t);
  assert_int_equal(api_session(&b, &f.c, "s1", &t), 0);
  j = parse(&b);
  assert_true(json_is_array(json_object_get(j, "tools")));
  assert_int_equal(json_array_size(json_object_get(j, "tools")), 0);
  json_decref(j);
  tools_release(&t);
  buf_reset(&b);
  assert_int_equal(api_session(&b, &f.c, "nope", NULL), -1);
  assert_int_equal(b.len, 0);
  buf_release(&b);
  fx_free(&f);
}

static void test_model_filter(void **state)
{
  struct fx f;
  struct buf b = BUF_INIT;
  json_t *j;

  (void)state;
  fx_make(&f, "UTC");
  f.c.model = "claude-opus-4-5";
  api_daily(&b, &f.c);
  j = parse(&b);
  assert_int_equal(num(json_object_get(j, "totals"), "calls"), 1);
  assert_int_equal(num(json_object_get(j, "totals"), "totalTokens"), 300);
  json_decref(j);
  buf_reset(&b);
  f.c.model = "claude-opus-4-5-fast"; /* no fast-mode calls */
  api_daily(&b, &f.c);
  j = parse(&b);
  assert_int_equal(num(json_object_get(j, "totals"), "calls"), 0);
  json_decref(j);
  buf_reset(&b);
  f.c.model = "no-such-model";
  api_models(&b, &f.c);
  j = parse(&b);
  assert_int_equal(json_array_size(json_object_get(j, "models")), 0);
  json_decref(j);
  buf_release(&b);
  fx_free(&f);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_model_filter),
      cmocka_unit_test(test_session_detail),
      cmocka_unit_test(test_daily),
      cmocka_unit_test(test_summary_periods),
      cmocka_unit_test(test_models_share),
      cmocka_unit_test(test_sessions_sort_page),
      cmocka_unit_test(test_heatmap),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
