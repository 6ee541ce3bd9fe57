/* Tests for src/report/activity.c: active time per day. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/civil.h"
#include "report/activity.h"
#include "source/tzfile.h"
#include "util/xalloc.h"

static void push(struct records *r, enum record_kind kind, const char *iso,
                 int sidechain)
{
  struct record rec;

  memset(&rec, 0, sizeof(rec));
  assert_int_equal(civil_parse_ts(iso, strlen(iso), &rec.ts_ms), 0);
  rec.kind = (uint8_t)kind;
  rec.sidechain = (uint8_t)sidechain;
  r->v = xgrow(r->v, &r->cap, r->n + 1, sizeof(*r->v));
  r->v[r->n++] = rec;
}

/* One session: 2.5 s model, 1.5 s tool, 6 s model, an ignored record,
 * an idle gap, a prompt, exactly 5 minutes of model, then 5 min + 1 ms. */
static void session(struct records *r, int sidechain)
{
  push(r, RECORD_USER_PROMPT, "2026-03-10T10:00:00.000Z", sidechain);
  push(r, RECORD_ASSISTANT, "2026-03-10T10:00:02.500Z", sidechain);
  push(r, RECORD_TOOL_RESULT, "2026-03-10T10:00:04.000Z", sidechain);
  push(r, RECORD_OTHER, "2026-03-10T10:00:05.000Z", sidechain);
  push(r, RECORD_ASSISTANT, "2026-03-10T10:00:10.000Z", sidechain);
  push(r, RECORD_USER_PROMPT, "2026-03-10T10:01:00.000Z", sidechain);
  push(r, RECORD_ASSISTANT, "2026-03-10T10:06:00.000Z", sidechain);
  push(r, RECORD_ASSISTANT, "2026-03-10T10:11:00.001Z", sidechain);
}

static void test_gaps_and_cap(void **state)
{
  struct records r;
  struct activity a;
  struct tz utc;

  (void)state;
  tz_init_utc(&utc);
  records_init(&r);
  session(&r, 0);
  activity_init(&a, &utc);
  activity_add(&a, &r, 0);
  assert_int_equal(a.n, 1);
  assert_int_equal(a.days[0].model_ms, 2500 + 6000 + 300000);
  assert_int_equal(a.days[0].tool_ms, 1500);
  assert_int_equal(a.days[0].main_ms, 2500 + 6000 + 300000 + 1500);
  assert_int_equal(a.days[0].subagent_ms, 0);
  activity_release(&a);
  records_release(&r);
}

static void test_subagent(void **state)
{
  struct records r;
  struct activity a;
  struct tz utc;

  (void)state;
  tz_init_utc(&utc);
  activity_init(&a, &utc);
  records_init(&r);
  session(&r, 0);
  activity_add(&a, &r, 1); /* a subagent file */
  records_release(&r);
  records_init(&r);
  session(&r, 1); /* sidechain records in a main file */
  activity_add(&a, &r, 0);
  records_release(&r);
  assert_int_equal(a.n, 1);
  assert_int_equal(a.days[0].main_ms, 0);
  assert_int_equal(a.days[0].subagent_ms, 2 * 310000);
  assert_int_equal(a.days[0].model_ms + a.days[0].tool_ms, 2 * 310000);
  activity_release(&a);
}

static void test_backwards_and_single(void **state)
{
  struct records r;
  struct activity a;
  struct tz utc;

  (void)state;
  tz_init_utc(&utc);
  records_init(&r);
  push(&r, RECORD_ASSISTANT, "2026-03-10T10:00:10.000Z", 0);
  push(&r, RECORD_ASSISTANT, "2026-03-10T10:00:05.000Z", 0);
  push(&r, RECORD_TOOL_RESULT, "2026-03-10T10:00:05.000Z", 0);
  push(&r, RECORD_ASSISTANT, "2026-03-10T10:00:05.004Z", 0);
  activity_init(&a, &utc);
  activity_add(&a, &r, 0);
  assert_int_equal(a.n, 1);
  assert_int_equal(a.days[0].model_ms, 4);
  assert_int_equal(a.days[0].tool_ms, 0);
  activity_release(&a);
  records_release(&r);
}

/* 2026-03-11 00:00 in Paris (CET, +1) is 2026-03-10T23:00:00Z. */
static void test_day_boundary(void **state)
{
  struct records r;
  struct activity a;
  struct tz paris;
  struct buf out = BUF_INIT;
  struct err e = ERR_INIT;

  (void)state;
  tz_init_utc(&paris);
  assert_int_equal(tz_load(&paris, "Europe/Paris", &e), 0);
  records_init(&r);
  push(&r, RECORD_ASSISTANT, "2026-03-10T22:58:00.000Z", 0);
  push(&r, RECORD_TOOL_RESULT, "2026-03-10T23:01:00.500Z", 0);
  push(&r, RECORD_ASSISTANT, "2026-03-10T23:01:02.000Z", 0);
  activity_init(&a, &paris);
  activity_add(&a, &r, 0);
  activity_json(&out, &a, "Europe/Paris", INT64_MIN, INT64_MAX);
  assert_string_equal(
      out.data, "{\"timezone\":\"Europe/Paris\",\"days\":["
                "{\"date\":\"2026-03-10\",\"activeMs\":120000,\"modelMs\":0,"
                "\"toolMs\":120000,\"mainMs\":120000,\"subagentMs\":0},"
                "{\"date\":\"2026-03-11\",\"activeMs\":62000,\"modelMs\":1500,"
                "\"toolMs\":60500,\"mainMs\":62000,\"subagentMs\":0}]}");
  buf_reset(&out);
  activity_json(&out, &a, "Europe/Paris", civil_days_from_ymd(2026, 3, 11),
                INT64_MAX);
  assert_non_null(strstr(out.data, "\"days\":[{\"date\":\"2026-03-11\""));
  assert_null(strstr(out.data, "2026-03-10"));
  activity_release(&a);

  /* the same records in UTC: one day */
  tz_release(&paris);
  activity_init(&a, &paris);
  activity_add(&a, &r, 0);
  assert_int_equal(a.n, 1);
  assert_int_equal(a.days[0].tool_ms, 180500);
  activity_release(&a);
  records_release(&r);
  buf_release(&out);
}

static void test_empty_json_and_path(void **state)
{
  struct activity a;
  struct tz utc;
  struct buf out = BUF_INIT;

  (void)state;
  tz_init_utc(&utc);
  activity_init(&a, &utc);
  activity_json(&out, &a, "UTC", INT64_MIN, INT64_MAX);
  assert_string_equal(out.data, "{\"timezone\":\"UTC\",\"days\":[]}");
  assert_int_equal(activity_subagent_path("/p/-x/s1/subagents/agent-a.jsonl"),
                   1);
  assert_int_equal(activity_subagent_path("/p/-x/subagents.jsonl"), 0);
  activity_release(&a);
  buf_release(&out);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_gaps_and_cap),
      cmocka_unit_test(test_subagent),
      cmocka_unit_test(test_backwards_and_single),
      cmocka_unit_test(test_day_boundary),
      cmocka_unit_test(test_empty_json_and_path),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
