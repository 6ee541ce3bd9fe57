/* Tests for src/report/tools.c: a session's tool calls by name. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "report/tools.h"
#include "util/buf.h"
#include "util/jsonw.h"

#define TS "\"timestamp\":\"2026-03-10T06:00:01.250Z\""
#define USE(id, name)                                                          \
  "{\"type\":\"tool_use\",\"id\":\"" id "\",\"name\":\"" name "\",\"input\":{" \
                                                              "}}"

static void add(struct records *r, const char *line)
{
  assert_int_equal(records_add_line(r, line, strlen(line)), 1);
}

static void test_in_session(void **state)
{
  (void)state;
  assert_int_equal(tools_in_session("/p/-home-x/abc.jsonl", "abc"), 1);
  assert_int_equal(tools_in_session("abc.jsonl", "abc"), 1);
  assert_int_equal(tools_in_session("/p/-home-x/abcd.jsonl", "abc"), 0);
  assert_int_equal(tools_in_session("/p/-home-x/xabc.jsonl", "abc"), 0);
  assert_int_equal(tools_in_session("/p/abc.jsonl.bak", "abc"), 0);
  assert_int_equal(
      tools_in_session("/p/-home-x/abc/subagents/agent-1.jsonl", "abc"), 1);
  assert_int_equal(
      tools_in_session("/p/-home-x/zabc/subagents/agent-1.jsonl", "abc"), 0);
  assert_int_equal(
      tools_in_session("/p/-home-x/abc/other/agent-1.jsonl", "abc"), 0);
  assert_int_equal(tools_in_session("/p/-home-x/.jsonl", ""), 0);
}

static void test_count_and_order(void **state)
{
  struct records r;
  struct tools t;
  struct buf b = BUF_INIT;
  struct jsonw w;

  (void)state;
  records_init(&r);
  add(&r, "{\"type\":\"assistant\"," TS ",\"message\":{\"id\":\"m1\","
          "\"role\":\"assistant\",\"content\":[" USE("t1", "Read") "," USE(
              "t2", "Bash") "," USE("t3", "Read") "]}}");
  add(&r, "{\"type\":\"assistant\"," TS ",\"message\":{\"id\":\"m2\","
          "\"role\":\"assistant\",\"content\":[" USE("t4", "Edit") "]}}");
  /* A prompt naming a tool is not a call. */
  add(&r, "{\"type\":\"user\"," TS ",\"message\":{\"role\":\"user\","
          "\"content\":\"use Grep please\"}}");
  tools_init(&t);
  tools_add(&t, &r);
  tools_add(&t, &r); /* a second file of the same session */
  assert_int_equal(t.n, 3);
  jsonw_init(&w, &b, 0);
  tools_json(&w, &t);
  assert_string_equal(b.data, "[{\"name\":\"Read\",\"uses\":4},"
                              "{\"name\":\"Bash\",\"uses\":2},"
                              "{\"name\":\"Edit\",\"uses\":2}]");
  buf_release(&b);
  tools_release(&t);
  records_release(&r);
}

static void test_empty(void **state)
{
  struct tools t;
  struct buf b = BUF_INIT;
  struct jsonw w;

  (void)state;
  tools_init(&t);
  jsonw_init(&w, &b, 0);
  tools_json(&w, &t);
  assert_string_equal(b.data, "[]");
  buf_release(&b);
  tools_release(&t);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_in_session),
      cmocka_unit_test(test_count_and_order),
      cmocka_unit_test(test_empty),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
