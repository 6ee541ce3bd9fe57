/* Tests for src/source/records.c: one small record per transcript line. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/civil.h"
#include "core/event.h"
#include "source/records.h"
#include "tmptree.h"
#include "util/xalloc.h"

#define TS "\"timestamp\":\"2026-03-10T06:00:01.250Z\""

static int add(struct records *r, const char *line)
{
  return records_add_line(r, line, strlen(line));
}

static int64_t ms_of(const char *iso)
{
  int64_t ms = 0;

  assert_int_equal(civil_parse_ts(iso, strlen(iso), &ms), 0);
  return ms;
}

static void text_is(const struct records *r, const struct record *rec,
                    const char *want)
{
  assert_int_equal(rec->text_len, strlen(want));
  assert_memory_equal(r->text.data + rec->text_off, want, strlen(want));
}

static void test_string_prompt(void **state)
{
  struct records r;

  (void)state;
  records_init(&r);
  assert_int_equal(add(&r, "{\"type\":\"user\"," TS ",\"message\":{\"role\":"
                           "\"user\",\"content\":\"fix the \\u00e9 bug\"}}"),
                   1);
  assert_int_equal(r.n, 1);
  assert_int_equal(r.v[0].kind, RECORD_USER_PROMPT);
  assert_int_equal(r.v[0].ts_ms, ms_of("2026-03-10T06:00:01.250Z"));
  assert_int_equal(r.v[0].sidechain, 0);
  text_is(&r, &r.v[0], "fix the \xc3\xa9 bug");
  records_release(&r);
}

static void test_array_prompt_and_tool_result(void **state)
{
  struct records r;

  (void)state;
  records_init(&r);
  add(&r, "{\"type\":\"user\"," TS ",\"isSidechain\":true,\"message\":{"
          "\"content\":[{\"type\":\"text\",\"text\":\"one\"},{\"type\":"
          "\"image\"},{\"type\":\"text\",\"text\":\"two\"}]}}");
  add(&r, "{\"type\":\"user\"," TS ",\"message\":{\"content\":[{\"type\":"
          "\"tool_result\",\"tool_use_id\":\"t1\",\"content\":\"ok\"},"
          "{\"type\":\"text\",\"text\":\"not a prompt\"}]}}");
  add(&r, "{\"type\":\"user\"," TS ",\"isMeta\":true,\"message\":{"
          "\"content\":\"caveat\"}}");
  add(&r, "{\"type\":\"user\"," TS ",\"message\":{\"content\":[]}}");
  assert_int_equal(r.n, 4);
  assert_int_equal(r.v[0].kind, RECORD_USER_PROMPT);
  assert_int_equal(r.v[0].sidechain, 1);
  text_is(&r, &r.v[0], "one\ntwo");
  assert_int_equal(r.v[1].kind, RECORD_TOOL_RESULT);
  assert_int_equal(r.v[1].text_len, 0);
  assert_int_equal(r.v[2].kind, RECORD_OTHER);
  assert_int_equal(r.v[3].kind, RECORD_OTHER);
  assert_int_equal(r.text.len, 7);
  records_release(&r);
}

static void test_assistant_tools_and_key(void **state)
{
  struct records r;
  uint64_t key[2];

  (void)state;
  records_init(&r);
  add(&r, "{\"type\":\"assistant\"," TS ",\"requestId\":\"req_1\","
          "\"message\":{\"id\":\"msg_1\",\"content\":[{\"type\":\"tool_use\","
          "\"id\":\"t1\",\"name\":\"Bash\",\"input\":{}},{\"type\":"
          "\"tool_use\",\"name\":\"mcp__gh__list\"},{\"type\":\"text\","
          "\"text\":\"x\"}]}}");
  add(&r, "{\"type\":\"assistant\"," TS ",\"message\":{\"id\":\"msg_2\","
          "\"content\":[{\"type\":\"thinking\",\"thinking\":\"hm\"}]}}");
  add(&r, "{\"type\":\"assistant\"," TS ",\"message\":{\"content\":[]}}");
  assert_int_equal(r.n, 3);
  assert_int_equal(r.v[0].kind, RECORD_ASSISTANT);
  assert_int_equal(r.v[0].ntools, 2);
  assert_string_equal(records_tool(&r, &r.v[0], 0), "Bash");
  assert_string_equal(records_tool(&r, &r.v[0], 1), "mcp__gh__list");
  assert_int_equal(r.v[0].key_kind, EVENT_KEY_MSG_REQ);
  assert_int_equal(event_key_msg(key, "msg_1", 5, "req_1", 5),
                   EVENT_KEY_MSG_REQ);
  assert_true(r.v[0].key[0] == key[0] && r.v[0].key[1] == key[1]);
  assert_int_equal(r.v[1].ntools, 0);
  assert_int_equal(r.v[1].key_kind, EVENT_KEY_MSG_NOREQ);
  event_key_msg(key, "msg_2", 5, NULL, 0);
  assert_true(r.v[1].key[0] == key[0] && r.v[1].key[1] == 0);
  assert_int_equal(r.v[2].key_kind, 0);
  records_release(&r);
}

static void test_skipped(void **state)
{
  struct records r;

  (void)state;
  records_init(&r);
  assert_int_equal(add(&r, "{\"type\":\"user\"," TS ",\"message\":"), 0);
  assert_int_equal(add(&r, "{\"message\":{}," TS "}"), 0);
  assert_int_equal(add(&r, "{\"type\":\"user\",\"timestamp\":\"yesterday\"}"),
                   0);
  assert_int_equal(add(&r, "[1,2]"), 0);
  assert_int_equal(add(&r, "   \r"), 0);
  assert_int_equal(add(&r, "{\"type\":\"system\"," TS "}"), 1);
  assert_int_equal(r.n, 1);
  assert_int_equal(r.v[0].kind, RECORD_OTHER);
  assert_int_equal(r.skipped, 4);
  records_release(&r);
}

static void test_text_cut_utf8(void **state)
{
  struct records r;

  (void)state;
  records_init(&r);
  r.text_max = 4;
  /* "ab" then a 3-byte character: 5 bytes, cut back to 2 */
  add(&r, "{\"type\":\"user\"," TS ",\"message\":{\"content\":"
          "\"ab\\u20acd\"}}");
  text_is(&r, &r.v[0], "ab");
  r.text_max = 5;
  add(&r, "{\"type\":\"user\"," TS ",\"message\":{\"content\":"
          "\"ab\\u20acd\"}}");
  text_is(&r, &r.v[1], "ab\xe2\x82\xac");
  records_release(&r);
}

/* A line of `pad` filler bytes inside a tool result, parsed by the
 * reader with a small line_max, so it takes the head/tail path. */
static void test_huge_lines(void **state)
{
  struct tmptree *t = *state;
  struct records r;
  char path[512];
  size_t pad = 300000, n;
  char *big = xmalloc(2 * pad + 1024), *p = big;
  struct err e = ERR_INIT;

  p += snprintf(p, 200,
                "{\"type\":\"user\",\"isSidechain\":true,"
                "\"message\":{\"content\":[{\"type\":"
                "\"tool_result\",\"content\":\"");
  memset(p, 'A', pad);
  p += pad;
  p += snprintf(p, 200,
                "\"}]}," TS "}\n{\"type\":\"assistant\",\"message\":"
                "{\"content\":[{\"type\":\"tool_use\",\"name\":"
                "\"Read\",\"input\":\"");
  memset(p, 'B', pad);
  p += pad;
  p += snprintf(p, 200,
                "\"}]},\"timestamp\":\"2026-03-10T06:00:09.000Z\"}\n"
                "{\"type\":\"user\"," TS ",\"message\":{\"content\":"
                "\"hi\"}}");
  n = (size_t)(p - big);
  assert_int_equal(tmptree_write(t, "a.jsonl", big, n), 0);
  records_init(&r);
  r.line_max = 1000;
  assert_int_equal(
      records_read(tmptree_path(t, "a.jsonl", path, sizeof(path)), &r, &e), 0);
  assert_int_equal(r.n, 3);
  assert_int_equal(r.v[0].kind, RECORD_TOOL_RESULT);
  assert_int_equal(r.v[0].sidechain, 1);
  assert_int_equal(r.v[0].ts_ms, ms_of("2026-03-10T06:00:01.250Z"));
  assert_int_equal(r.v[1].kind, RECORD_ASSISTANT);
  assert_int_equal(r.v[1].ntools, 1);
  assert_string_equal(records_tool(&r, &r.v[1], 0), "Read");
  assert_int_equal(r.v[1].ts_ms, ms_of("2026-03-10T06:00:09.000Z"));
  assert_int_equal(r.v[2].kind, RECORD_USER_PROMPT);
  text_is(&r, &r.v[2], "hi");
  assert_true(r.line.cap <= 4096);
  records_release(&r);

  /* the same file with the default limit parses every line as JSON */
  records_init(&r);
  assert_int_equal(records_read(path, &r, &e), 0);
  assert_int_equal(r.n, 3);
  assert_int_equal(r.v[0].kind, RECORD_TOOL_RESULT);
  assert_string_equal(records_tool(&r, &r.v[1], 0), "Read");
  records_release(&r);
  free(big);
}

static void test_missing_file(void **state)
{
  struct records r;
  struct err e = ERR_INIT;

  (void)state;
  records_init(&r);
  assert_int_equal(records_read("/nonexistent/x.jsonl", &r, &e), ERR_NOTFOUND);
  assert_non_null(strstr(e.msg, "'/nonexistent/x.jsonl'"));
  assert_int_equal(r.n, 0);
  records_release(&r);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_string_prompt),
      cmocka_unit_test(test_array_prompt_and_tool_result),
      cmocka_unit_test(test_assistant_tools_and_key),
      cmocka_unit_test(test_skipped),
      cmocka_unit_test(test_text_cut_utf8),
      cmocka_unit_test_setup_teardown(test_huge_lines, tmptree_setup,
                                      tmptree_teardown),
      cmocka_unit_test(test_missing_file),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
