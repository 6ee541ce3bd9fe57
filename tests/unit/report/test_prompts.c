/* Tests for src/report/prompts.c: costliest prompts and redaction. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/civil.h"
#include "report/prompts.h"
#include "util/xalloc.h"

#define FILE_A "/p/-home-u-app/s1.jsonl"
#define FILE_B "/p/-home-u-app/s2.jsonl"

static void redact_is(const char *in, const char *want)
{
  struct buf out = BUF_INIT;

  prompts_redact(in, strlen(in), &out);
  assert_string_equal(out.data, want);
  buf_release(&out);
}

static void test_redact_tokens(void **state)
{
  (void)state;
  redact_is("use sk-ant-api03-AbCdEf0123456789xyzXYZ now",
            "use [redacted] now");
  redact_is("ghp_0123456789abcdefABCDEF0123 and "
            "github_pat_11ABCDEFG0123456789_abcdefghij",
            "[redacted] and [redacted]");
  redact_is("slack xoxb-1234567890-abcdefghij!", "slack [redacted]!");
  redact_is("id AKIAIOSFODNN7EXAMPLE,", "id [redacted],");
  /* not secrets: a word ending in sk-, prose, a too short AKIA */
  redact_is("task-0123456789012345678901 sk-learn-tutorial-for-beginners",
            "task-0123456789012345678901 sk-learn-tutorial-for-beginners");
  redact_is("AKIA0123 AKIAIOSFODNN7EXAMPLEX", "AKIA0123 AKIAIOSFODNN7EXAMPLEX");
}

static void test_redact_named_and_pem(void **state)
{
  (void)state;
  redact_is("export API_KEY=0123456789abcdef0123456789abcdef; ls",
            "export API_KEY=[redacted]; ls");
  redact_is("{\"password\": \"aGVsbG8gd29ybGQgaGVsbG8gd29ybGQgaGVsbG8=\"}",
            "{\"password\": \"[redacted]\"}");
  redact_is("token: short-value", "token: short-value");
  redact_is("a\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nabc\n"
            "-----END RSA PRIVATE KEY-----\nb",
            "a\n[redacted]\nb");
  redact_is("x -----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNz", "x [redacted]");
  redact_is("-----BEGIN CERTIFICATE-----\nMIIB",
            "-----BEGIN CERTIFICATE-----\nMIIB");
}

static void test_preview_cut(void **state)
{
  struct buf out = BUF_INIT;
  char in[400];

  (void)state;
  memset(in, 'a', 300);
  memcpy(in + 270, "\xc3\xa9\xc3\xa9", 4); /* two 2-byte characters */
  in[300] = '\0';
  prompts_preview(in, 300, 272, &out);
  assert_int_equal(out.len, 274);
  assert_memory_equal(out.data + 270, "\xc3\xa9\xc3\xa9", 4);
  buf_reset(&out);
  prompts_preview("key=0123456789abcdef0123456789abcdef0123", 40, 8, &out);
  assert_string_equal(out.data, "key=[red");
  buf_release(&out);
}

static void line_is(const char *in, size_t max, const char *want)
{
  struct buf out = BUF_INIT;

  prompts_preview_line(in, strlen(in), max, &out);
  assert_string_equal(out.data, want);
  buf_release(&out);
}

static void test_preview_line(void **state)
{
  (void)state;
  line_is("  fix\tthe\r\n\n bug \n", 200, "fix the bug");
  line_is(" \n\t ", 200, "");
  /* redacted before the lines are joined: the PEM block is found whole */
  line_is("key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n"
          "-----END RSA PRIVATE KEY-----\n  done",
          200, "key: [redacted] done");
  /* the cut counts characters after joining */
  line_is("a  b\n\nc d", 5, "a b c");
  line_is("\xc3\xa9  \xc3\xa9 x", 3, "\xc3\xa9 \xc3\xa9");
}

/* Calls m1..m5: cost 1.0, 3.0, 0.5 (file A), 10.0 (file B), none (A). */
static void make_set(struct dedup *d)
{
  static const double cost[] = {1.0, 3.0, 0.5, 10.0, -1};
  size_t i;

  dedup_init(d);
  for (i = 0; i < 5; i++) {
    struct usage_rec r;
    struct event ev;
    char id[8];
    const char *path = i == 3 ? FILE_B : FILE_A;

    memset(&r, 0, sizeof(r));
    snprintf(id, sizeof(id), "m%zu", i + 1);
    r.msg_id = (struct span){id, strlen(id)};
    r.req_id = (struct span){"r", 1};
    r.session_id = (struct span){"s1", 2};
    r.model = (struct span){"claude-x", 8};
    r.ts_ms = 1773136800000LL + (int64_t)i * 1000;
    r.tok.input = 100 * (i + 1);
    r.tok.output = 10;
    if (cost[i] >= 0) {
      r.flags |= USAGE_HAS_COST;
      r.cost_usd = cost[i];
    }
    event_from_rec(&ev, &r, &d->strs,
                   strtab_intern(&d->strs, path, strlen(path)), 0);
    dedup_add(d, &ev);
  }
  dedup_finish(d);
}

static void push(struct records *r, enum record_kind kind, int64_t ts,
                 const char *text, const char *id)
{
  struct record rec;

  memset(&rec, 0, sizeof(rec));
  rec.kind = (uint8_t)kind;
  rec.ts_ms = ts;
  if (text) {
    rec.text_off = (uint32_t)r->text.len;
    rec.text_len = (uint32_t)strlen(text);
    buf_adds(&r->text, text);
  }
  if (id)
    rec.key_kind = (uint8_t)event_key_msg(rec.key, id, strlen(id), "r", 1);
  r->v = xgrow(r->v, &r->cap, r->n + 1, sizeof(*r->v));
  r->v[r->n++] = rec;
}

static void test_turns_top_n(void **state)
{
  struct dedup d;
  struct price_table pt;
  struct pricer pr;
  struct project_map pm;
  struct agg_filter f;
  struct tz utc;
  struct records r;
  struct prompts p;
  struct buf out = BUF_INIT;
  int64_t t = 1773136800000LL; /* 2026-03-10T10:00:00Z */

  (void)state;
  make_set(&d);
  price_table_init(&pt);
  pricer_init(&pr, COST_DISPLAY, &pt, &d.strs);
  memset(&pm, 0, sizeof(pm));
  strtab_init(&pm.names);
  tz_init_utc(&utc);
  memset(&f, 0, sizeof(f));
  f.tz = &utc;
  f.since_day = INT64_MIN;
  f.until_day = INT64_MAX;
  f.pricer = &pr;

  records_init(&r);
  push(&r, RECORD_ASSISTANT, t, NULL, "m3"); /* before any prompt */
  push(&r, RECORD_USER_PROMPT, t + 1, "first", NULL);
  push(&r, RECORD_ASSISTANT, t + 2, NULL, "m1");
  push(&r, RECORD_ASSISTANT, t + 3, NULL, "m1"); /* same call, 2nd block */
  push(&r, RECORD_TOOL_RESULT, t + 4, NULL, NULL);
  push(&r, RECORD_ASSISTANT, t + 5, NULL, "m2");
  push(&r, RECORD_USER_PROMPT, t + 6, "second sk-0123456789abcdefghijXYZ",
       NULL);
  push(&r, RECORD_ASSISTANT, t + 7, NULL, "m3");
  push(&r, RECORD_ASSISTANT, t + 8, NULL, "m4"); /* kept from file B */
  push(&r, RECORD_USER_PROMPT, t + 9, "no calls", NULL);
  push(&r, RECORD_USER_PROMPT, t + 10, "fourth", NULL);
  push(&r, RECORD_ASSISTANT, t + 11, NULL, "m5");
  push(&r, RECORD_ASSISTANT, t + 12, NULL, "m9"); /* not in the set */

  prompts_init(&p, &d, &pm, &f);
  assert_true(prompts_find(&p, r.v[2].key, r.v[2].key_kind) >= 0);
  assert_int_equal(prompts_find(&p, r.v[12].key, r.v[12].key_kind), -1);
  prompts_add(&p, &r, "/elsewhere.jsonl"); /* no calls of that file */
  assert_int_equal(p.n, 0);
  prompts_add(&p, &r, FILE_A);
  assert_int_equal(p.n, 3);
  prompts_json(&out, &p, 2);
  assert_string_equal(
      out.data,
      "{\"prompts\":["
      "{\"sessionId\":\"s1\",\"project\":null,"
      "\"at\":\"2026-03-10T10:00:00.001Z\",\"usage\":{\"calls\":2,"
      "\"inputTokens\":300,\"outputTokens\":20,\"cacheCreationTokens\":0,"
      "\"cacheReadTokens\":0,\"totalTokens\":320,\"cost\":4.0,"
      "\"unpricedTokens\":0},\"preview\":\"first\"},"
      "{\"sessionId\":\"s1\",\"project\":null,"
      "\"at\":\"2026-03-10T10:00:00.006Z\",\"usage\":{\"calls\":1,"
      "\"inputTokens\":300,\"outputTokens\":10,\"cacheCreationTokens\":0,"
      "\"cacheReadTokens\":0,\"totalTokens\":310,\"cost\":0.5,"
      "\"unpricedTokens\":0},\"preview\":\"second [redacted]\"}]}");
  assert_int_equal(p.rows[2].calls, 1);
  assert_int_equal(p.rows[2].unpriced, 510);
  assert_string_equal(p.rows[2].preview, "fourth");
  /* by call: each prompt on the first call of its turn (m1, m3, m5) */
  prompts_by_call(&p);
  assert_string_equal(prompts_turn(&p, 0)->preview, "first");
  assert_null(prompts_turn(&p, 1)); /* m2: the first prompt's second call */
  assert_string_equal(prompts_turn(&p, 2)->preview, "second [redacted]");
  assert_null(prompts_turn(&p, 3)); /* m4: kept from file B */
  assert_string_equal(prompts_turn(&p, 4)->preview, "fourth");

  /* a filter that keeps nothing leaves no prompt */
  prompts_release(&p);
  f.since_day = civil_days_from_ymd(2026, 3, 11);
  prompts_init(&p, &d, &pm, &f);
  prompts_add(&p, &r, FILE_A);
  assert_int_equal(p.n, 0);
  prompts_release(&p);

  records_release(&r);
  buf_release(&out);
  strtab_release(&pm.names);
  pricer_release(&pr);
  price_table_release(&pt);
  dedup_release(&d);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_redact_tokens),
      cmocka_unit_test(test_redact_named_and_pem),
      cmocka_unit_test(test_preview_cut),
      cmocka_unit_test(test_preview_line),
      cmocka_unit_test(test_turns_top_n),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
