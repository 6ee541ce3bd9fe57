/* Tests for src/source/scan.c: lines longer than the long-line limit are
 * read through in bounded memory and judged without being kept. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "source/discover.h"
#include "source/scan.h"
#include "tmptree.h"
#include "util/buf.h"

#define LIMIT 4096

static const char usage_line[] =
    "{\"type\":\"assistant\",\"sessionId\":\"s\",\"message\":{\"id\":\"m%d\","
    "\"model\":\"claude-haiku-4-5\",\"content\":\"%s\",\"usage\":{"
    "\"input_tokens\":%d,\"output_tokens\":1}},\"requestId\":\"r%d\","
    "\"timestamp\":\"2026-03-10T10:00:00.000Z\"}";

static void add_usage(struct buf *b, int id, const char *pad, int in)
{
  buf_addf(b, usage_line, id, pad, in, id);
  buf_addch(b, '\n');
}

static void scan_tree(const struct tmptree *t, uint64_t unit, int threads,
                      struct discover *d, struct scan_result *r)
{
  struct discover_env env = {0};
  struct scan_opts o = {0};
  struct err e = ERR_INIT;
  char dir[4096];
  const char *dirs[1];

  dirs[0] = tmptree_path(t, "cfg", dir, sizeof(dir));
  env.dirs = dirs;
  env.ndirs = 1;
  discover_init(d);
  assert_int_equal(discover_roots(d, &env, &e), 0);
  assert_int_equal(discover_files(d, &e), 0);
  o.threads = threads;
  o.unit_bytes = unit;
  o.long_line_bytes = LIMIT;
  o.collect_issues = 1;
  scan_result_init(r);
  assert_int_equal(scan_run(d, &o, r, &e), 0);
}

static uint64_t input_sum(const struct scan_result *r)
{
  uint64_t t = 0;
  size_t i;

  for (i = 0; i < r->set.n; i++)
    t += r->set.ev[i].tok.input;
  return t;
}

static void test_long_lines(void **state)
{
  const struct tmptree *t = *state;
  struct buf f = BUF_INIT, pad = BUF_INIT;
  static const uint64_t units[] = {0, 1000, 4096, 10007};
  size_t k;

  buf_addrep(&pad, 'a', 100000);
  add_usage(&f, 1, "short", 1); /* line 1: counted */
  buf_addf(&f, "{\"type\":\"user\",\"x\":\"%s\"}\n", pad.data); /* 2: fine */
  add_usage(&f, 2, pad.data, 1000);                          /* 3: too long */
  buf_addf(&f, "{\"type\":\"user\",\"x\":\"%s\n", pad.data); /* 4: bad */
  buf_addf(&f, "   %s   \n", "");                            /* 5: blank */
  buf_addrep(&f, ' ', 3 * LIMIT);                            /* 6: long blank */
  buf_addch(&f, '\n');
  add_usage(&f, 3, "after", 10);                           /* 7: counted */
  buf_addf(&f, "{\"type\":\"user\",\"x\":\"%s", pad.data); /* 8: unfinished */
  assert_int_equal(tmptree_write(t, "cfg/projects/p/s.jsonl", f.data, f.len),
                   0);

  for (k = 0; k < sizeof(units) / sizeof(units[0]); k++) {
    int threads;

    for (threads = 1; threads <= 2; threads++) {
      struct discover d;
      struct scan_result r;

      scan_tree(t, units[k], threads, &d, &r);
      assert_int_equal(r.set.n, 2);
      assert_int_equal(input_sum(&r), 11);
      assert_int_equal(r.st.lines, 8);
      assert_int_equal(r.st.too_long, 1);
      assert_int_equal(r.st.malformed, 1);
      assert_int_equal(r.st.blank, 2);
      assert_int_equal(r.st.truncated, 1);
      assert_int_equal(r.nissues, 2);
      assert_int_equal(r.issues[0].line, 3);
      assert_int_equal(r.issues[0].kind, SCAN_TOO_LONG);
      assert_int_equal(r.issues[1].line, 4);
      assert_int_equal(r.issues[1].kind, SCAN_MALFORMED);
      scan_result_release(&r);
      discover_release(&d);
    }
  }
  buf_release(&f);
  buf_release(&pad);
}

/* A file with no newline at all: split units must not each hold the
 * rest of the file. */
static void test_no_newline(void **state)
{
  const struct tmptree *t = *state;
  struct buf f = BUF_INIT;
  struct discover d;
  struct scan_result r;

  buf_addrep(&f, 'x', 300000);
  assert_int_equal(tmptree_write(t, "cfg/projects/p/s.jsonl", f.data, f.len),
                   0);
  scan_tree(t, 1000, 2, &d, &r);
  assert_int_equal(r.set.n, 0);
  assert_int_equal(r.st.lines, 1);
  assert_int_equal(r.st.truncated, 1);
  scan_result_release(&r);
  discover_release(&d);
  buf_release(&f);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_long_lines, tmptree_setup,
                                      tmptree_teardown),
      cmocka_unit_test_setup_teardown(test_no_newline, tmptree_setup,
                                      tmptree_teardown),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
