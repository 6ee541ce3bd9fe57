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
#include "report/prompts.h"
#include "report/tools.h"
#include "source/line.h"
#include "source/records.h"
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
                             (size_t)weekday * 24 + (size_t)hour);

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
  assert_int_equal(api_session(&b, &f.c, "s1", NULL, NULL), 0);
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
  assert_int_equal(api_session(&b, &f.c, "s1", &t, NULL), 0);
  j = parse(&b);
  assert_true(json_is_array(json_object_get(j, "tools")));
  assert_int_equal(json_array_size(json_object_get(j, "tools")), 0);
  json_decref(j);
  tools_release(&t);
  buf_reset(&b);
  assert_int_equal(api_session(&b, &f.c, "nope", NULL, NULL), -1);
  assert_int_equal(b.len, 0);
  buf_release(&b);
  fx_free(&f);
}

/* A session's transcripts for turns[].prompt: the main file and one
 * subagent's, as Claude Code writes them. */
#define MAIN_FILE "/p/-home-u-app/s9.jsonl"
#define SUB_FILE "/p/-home-u-app/s9/subagents/agent-a1.jsonl"
#define PROMPT(ts, side, text)                                                 \
  "{\"type\":\"user\",\"timestamp\":\"2026-03-10T10:00:" ts "Z\","             \
  "\"sessionId\":\"s9\",\"isSidechain\":" side ",\"message\":{\"role\":"       \
  "\"user\",\"content\":\"" text "\"}}"
#define CALL(ts, side, id, model, in)                                          \
  "{\"type\":\"assistant\",\"timestamp\":\"2026-03-10T10:00:" ts "Z\","        \
  "\"sessionId\":\"s9\",\"isSidechain\":" side ",\"requestId\":\"r_" id        \
  "\",\"message\":{\"id\":\"" id "\",\"model\":\"" model "\",\"content\":"     \
  "[{\"type\":\"text\",\"text\":\"ok\"}],\"usage\":{\"input_tokens\":" in      \
  ",\"output_tokens\":5}}}"
#define HAIKU "claude-haiku-4-5"
#define SONNET "claude-sonnet-4-5"
/* 300 characters: 198 a, é (2 bytes) and 😀 (4 bytes) at 199 and 200. */
#define A10 "aaaaaaaaaa"
#define A198                                                                   \
  A10 A10 A10 A10 A10 A10 A10 A10 A10 A10 A10 A10 A10 A10 A10 A10 A10 A10 A10  \
      "aaaaaaaa"
#define B10 "bbbbbbbbbb"
#define LONG_TEXT                                                              \
  A198 "\\u00e9\\ud83d\\ude00" B10 B10 B10 B10 B10 B10 B10 B10 B10 B10
#define LONG_CUT A198 "\xc3\xa9\xf0\x9f\x98\x80"

static const char *const main_lines[] = {
    PROMPT(
        "00.000", "false",
        "deploy with\\n\\n  key sk-ant-api03-AbCdEf0123456789xyzXYZ please "),
    CALL("01.000", "false", "msg_1", HAIKU, "100"),
    CALL("01.000", "false", "msg_1", HAIKU, "100"), /* its second block */
    "{\"type\":\"user\",\"timestamp\":\"2026-03-10T10:00:02.000Z\","
    "\"sessionId\":\"s9\",\"message\":{\"content\":[{\"type\":\"tool_result\","
    "\"tool_use_id\":\"t1\",\"content\":\"done\"}]}}",
    CALL("03.000", "false", "msg_2", SONNET, "200"),
    PROMPT("09.000", "false", LONG_TEXT),
    CALL("10.000", "false", "msg_3", SONNET, "300"),
};

static const char *const sub_lines[] = {
    PROMPT("04.000", "true", "\\tExplore   the repo\\n"),
    CALL("05.000", "true", "msg_4", HAIKU, "40"),
    CALL("06.000", "true", "msg_5", HAIKU, "50"),
};

/* Adds a file's lines: its records to r, its calls to d. */
static void add_file(struct dedup *d, struct records *r, const char *path,
                     const char *const *lines, size_t n)
{
  uint32_t file = strtab_intern(&d->strs, path, strlen(path));
  struct line_parser lp;
  size_t i;

  line_parser_init(&lp);
  for (i = 0; i < n; i++) {
    size_t len = strlen(lines[i]);
    struct usage_rec rec;
    struct event ev;

    assert_int_equal(records_add_line(r, lines[i], len), 1);
    if (!line_prefilter(lines[i], len))
      continue;
    assert_int_equal(line_parse(&lp, lines[i], len, &rec), LINE_EVENT);
    event_from_rec(&ev, &rec, &d->strs, file, 0);
    dedup_add(d, &ev);
  }
  line_parser_release(&lp);
}

/* api_session() of s9 with the prompts of both files, parsed. */
static json_t *session_with_prompts(struct fx *f, const struct records *rm,
                                    const struct records *rs)
{
  struct agg_filter flt;
  struct prompts pr;
  struct buf b = BUF_INIT;
  json_t *j;

  api_filter(&f->c, &flt);
  prompts_init_turns(&pr, f->c.set, f->c.pm, &flt);
  prompts_add(&pr, rs, SUB_FILE); /* in any order */
  prompts_add(&pr, rm, MAIN_FILE);
  prompts_by_call(&pr);
  assert_int_equal(api_session(&b, &f->c, "s9", NULL, &pr), 0);
  prompts_release(&pr);
  assert_null(strstr(b.data, "sk-ant"));
  j = parse(&b);
  buf_release(&b);
  return j;
}

static const char *turn_str(json_t *turns, size_t i, const char *key)
{
  return json_string_value(json_object_get(json_array_get(turns, i), key));
}

/* An integer field of a turn's object `obj` (usage, promptUsage). */
static json_int_t turn_int(json_t *turns, size_t i, const char *obj,
                           const char *key)
{
  json_t *t = json_array_get(turns, i);

  return json_integer_value(json_object_get(json_object_get(t, obj), key));
}

static void test_session_prompts(void **state)
{
  struct fx f;
  struct records rm, rs;
  struct buf b = BUF_INIT;
  json_t *j, *turns;
  size_t i;

  (void)state;
  fx_make(&f, "UTC");
  dedup_release(&f.d); /* this test's own calls */
  dedup_init(&f.d);
  records_init(&rm);
  records_init(&rs);
  add_file(&f.d, &rm, MAIN_FILE, main_lines,
           sizeof(main_lines) / sizeof(main_lines[0]));
  add_file(&f.d, &rs, SUB_FILE, sub_lines,
           sizeof(sub_lines) / sizeof(sub_lines[0]));
  dedup_finish(&f.d);
  pricer_release(&f.pr);
  pricer_init(&f.pr, COST_AUTO, &f.pt, &f.d.strs);

  j = session_with_prompts(&f, &rm, &rs);
  turns = json_object_get(j, "turns");
  assert_int_equal(json_array_size(turns), 5);
  /* time order: msg_1, msg_2, the subagent's msg_4 and msg_5, msg_3 */
  assert_string_equal(turn_str(turns, 0, "at"), "2026-03-10T10:00:01.000Z");
  assert_string_equal(turn_str(turns, 0, "prompt"),
                      "deploy with key [redacted] please");
  assert_string_equal(turn_str(turns, 1, "at"), "2026-03-10T10:00:03.000Z");
  assert_null(json_object_get(json_array_get(turns, 1), "prompt"));
  assert_true(
      json_is_true(json_object_get(json_array_get(turns, 2), "subagent")));
  assert_string_equal(turn_str(turns, 2, "prompt"), "Explore the repo");
  assert_null(json_object_get(json_array_get(turns, 3), "prompt"));
  assert_string_equal(turn_str(turns, 4, "at"), "2026-03-10T10:00:10.000Z");
  /* 300 characters cut to 200, the multi-byte ones at the cut whole */
  assert_string_equal(turn_str(turns, 4, "prompt"), LONG_CUT);
  assert_int_equal(strlen(turn_str(turns, 4, "prompt")), 198 + 2 + 4);
  /* promptUsage: the prompt's turn in its own file, the main thread's
   * first prompt (msg_1, msg_2) apart from the subagent's calls between
   * them in time (msg_4, msg_5). */
  assert_int_equal(turn_int(turns, 0, "promptUsage", "calls"), 2);
  assert_int_equal(turn_int(turns, 0, "promptUsage", "totalTokens"),
                   turn_int(turns, 0, "usage", "totalTokens") +
                       turn_int(turns, 1, "usage", "totalTokens"));
  assert_int_equal(turn_int(turns, 2, "promptUsage", "calls"), 2);
  assert_int_equal(turn_int(turns, 2, "promptUsage", "totalTokens"),
                   turn_int(turns, 2, "usage", "totalTokens") +
                       turn_int(turns, 3, "usage", "totalTokens"));
  assert_int_equal(turn_int(turns, 4, "promptUsage", "calls"), 1);
  assert_null(json_object_get(json_array_get(turns, 1), "promptUsage"));
  json_decref(j);

  /* A filter that drops a prompt's first call moves it to the next one. */
  f.c.model = SONNET;
  j = session_with_prompts(&f, &rm, &rs);
  turns = json_object_get(j, "turns");
  assert_int_equal(json_array_size(turns), 2);
  assert_string_equal(turn_str(turns, 0, "at"), "2026-03-10T10:00:03.000Z");
  assert_string_equal(turn_str(turns, 0, "prompt"),
                      "deploy with key [redacted] please");
  assert_string_equal(turn_str(turns, 1, "prompt"), LONG_CUT);
  json_decref(j);
  f.c.model = NULL;

  /* The team server passes no prompts: no turn has the key. */
  assert_int_equal(api_session(&b, &f.c, "s9", NULL, NULL), 0);
  j = parse(&b);
  turns = json_object_get(j, "turns");
  assert_int_equal(json_array_size(turns), 5);
  for (i = 0; i < json_array_size(turns); i++)
    assert_null(json_object_get(json_array_get(turns, i), "prompt"));
  assert_null(strstr(b.data, "\"prompt\""));
  json_decref(j);
  buf_release(&b);
  records_release(&rm);
  records_release(&rs);
  fx_free(&f);
}

static void test_hello(void **state)
{
  struct fx f;
  struct buf b = BUF_INIT;
  struct dedup empty;

  (void)state;
  fx_make(&f, "UTC");
  api_hello(&b, &f.c);
  assert_string_equal(b.data, "{\"generatedAt\":\"2026-03-11T12:00:00.000Z\","
                              "\"dataAsOf\":\"2026-03-10T23:30:00.000Z\"}");
  buf_reset(&b);
  dedup_init(&empty);
  dedup_finish(&empty);
  f.c.set = &empty;
  api_hello(&b, &f.c);
  assert_string_equal(b.data, "{\"generatedAt\":\"2026-03-11T12:00:00.000Z\","
                              "\"dataAsOf\":null}");
  dedup_release(&empty);
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
      cmocka_unit_test(test_session_prompts),
      cmocka_unit_test(test_hello),
      cmocka_unit_test(test_daily),
      cmocka_unit_test(test_summary_periods),
      cmocka_unit_test(test_models_share),
      cmocka_unit_test(test_sessions_sort_page),
      cmocka_unit_test(test_heatmap),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
