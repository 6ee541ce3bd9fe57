/* Tests for src/source/line.c: record rules and the differential check. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "demo/demo.h"
#include "ref_parse.h"
#include "source/line.h"
#include "testutil.h"
#include "util/err.h"

#define BASE_HEAD                                                              \
  "{\"parentUuid\":\"p1\",\"isSidechain\":false,\"cwd\":\"/home/u/proj\","     \
  "\"sessionId\":\"s1\",\"version\":\"2.1.39\",\"message\":{\"model\":"        \
  "\"claude-sonnet-4-5-20250929\",\"id\":\"msg_A\",\"type\":\"message\","      \
  "\"content\":[{\"type\":\"text\",\"text\":\"hi\"}],\"stop_reason\":null,"    \
  "\"usage\":{"

struct parsed {
  enum line_status st;
  struct usage_rec rec;
};

static struct line_parser lp;

static enum line_status parse(const char *line, struct usage_rec *rec)
{
  size_t n = strlen(line);

  if (!line_prefilter(line, n))
    return LINE_NO_USAGE;
  return line_parse(&lp, line, n, rec);
}

static void test_basic_fields(void **state)
{
  struct usage_rec r;
  const char *l = BASE_HEAD
      "\"input_tokens\":10,\"cache_creation_input_tokens\":300,"
      "\"cache_read_input_tokens\":20,\"cache_creation\":{"
      "\"ephemeral_5m_input_tokens\":100,\"ephemeral_1h_input_tokens\":200},"
      "\"output_tokens\":159}},\"requestId\":\"req_1\",\"type\":\"assistant\","
      "\"uuid\":\"u-1\",\"timestamp\":\"2026-03-10T06:00:01.000Z\"}";

  (void)state;
  assert_int_equal(parse(l, &r), LINE_EVENT);
  assert_int_equal(r.tok.input, 10);
  assert_int_equal(r.tok.output, 159);
  /* The cache_creation object wins over cache_creation_input_tokens. */
  assert_int_equal(r.tok.cache_write_5m, 100);
  assert_int_equal(r.tok.cache_write_1h, 200);
  assert_int_equal(r.tok.cache_read, 20);
  assert_int_equal(r.ts_ms, 1773122401000LL);
  assert_int_equal(r.msg_id.n, 5);
  assert_memory_equal(r.msg_id.p, "msg_A", 5);
  assert_memory_equal(r.req_id.p, "req_1", 5);
  assert_memory_equal(r.session_id.p, "s1", 2);
  assert_memory_equal(r.model.p, "claude-sonnet-4-5-20250929", 26);
  assert_memory_equal(r.cwd.p, "/home/u/proj", 12);
  assert_int_equal(r.flags, 0);
}

static void test_null_kills_line(void **state)
{
  struct usage_rec r;

  (void)state;
  /* §8 item 7: "requestId":null anywhere, even nested, drops the line. */
  assert_int_equal(parse(BASE_HEAD "\"input_tokens\":1,\"output_tokens\":2}},"
                                   "\"requestId\":null,\"timestamp\":"
                                   "\"2026-03-10T06:00:01.000Z\"}",
                         &r),
                   LINE_NO_USAGE);
  assert_int_equal(
      parse("{\"x\":{\"id\":null},\"message\":{\"usage\":{\"input_tokens\":1,"
            "\"output_tokens\":2}},\"timestamp\":\"2026-03-10T06:00:01.000Z\"}",
            &r),
      LINE_NO_USAGE);
  /* "content":null is fine. */
  assert_int_equal(
      parse("{\"message\":{\"content\":null,\"usage\":{\"input_tokens\":1,"
            "\"output_tokens\":2}},\"timestamp\":\"2026-03-10T06:00:01.000Z\"}",
            &r),
      LINE_EVENT);
  /* Written with a space: the compact prefilter does not see it. */
  assert_int_equal(
      parse("{\"message\":{\"usage\": {\"input_tokens\":1,"
            "\"output_tokens\":2}},\"timestamp\":\"2026-03-10T06:00:01.000Z\"}",
            &r),
      LINE_NO_USAGE);
}

static void test_token_types(void **state)
{
  static const char *bad[] = {"1.5", "-1",   "\"5\"", "1.0",
                              "1e2", "null", "true"};
  char line[512];
  struct usage_rec r;
  size_t i;

  (void)state;
  /* §8 item 8: output_tokens missing, fractional or negative drops it. */
  for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    snprintf(line, sizeof(line),
             "{\"message\":{\"usage\":{\"input_tokens\":1,\"output_tokens\":%s}"
             "},\"timestamp\":\"2026-03-10T06:00:01.000Z\"}",
             bad[i]);
    assert_int_not_equal(parse(line, &r), LINE_EVENT);
  }
  assert_int_equal(parse("{\"message\":{\"usage\":{\"input_tokens\":1}},"
                         "\"timestamp\":\"2026-03-10T06:00:01.000Z\"}",
                         &r),
                   LINE_NO_USAGE);
  /* cache fields missing => 0; -0 is an integer zero, as jansson reads it. */
  assert_int_equal(parse("{\"message\":{\"usage\":{\"input_tokens\":-0,"
                         "\"output_tokens\":7}},\"timestamp\":"
                         "\"2026-03-10T06:00:01.000Z\"}",
                         &r),
                   LINE_EVENT);
  assert_int_equal(r.tok.input, 0);
  assert_int_equal(r.tok.output, 7);
  assert_int_equal(r.tok.cache_read + r.tok.cache_write_5m, 0);
  /* No cache_creation object: cache_creation_input_tokens are 5m writes. */
  assert_int_equal(parse("{\"message\":{\"usage\":{\"input_tokens\":1,"
                         "\"output_tokens\":7,\"cache_creation_input_tokens\":"
                         "300}},\"timestamp\":\"2026-03-10T06:00:01.000Z\"}",
                         &r),
                   LINE_EVENT);
  assert_int_equal(r.tok.cache_write_5m, 300);
  assert_int_equal(r.tok.cache_write_1h, 0);
}

static void test_speed_and_flags(void **state)
{
  struct usage_rec r;

  (void)state;
  /* §8 item 11. */
  assert_int_equal(
      parse("{\"message\":{\"usage\":{\"input_tokens\":1,\"output_tokens\":2,"
            "\"speed\":\"fast\"}},\"isSidechain\":true,\"costUSD\":0.25,"
            "\"timestamp\":\"2026-03-10T06:00:01.000Z\"}",
            &r),
      LINE_EVENT);
  assert_int_equal(r.flags, USAGE_FAST | USAGE_HAS_SPEED | USAGE_SIDECHAIN |
                                USAGE_HAS_COST);
  assert_true(r.cost_usd == 0.25);
  assert_int_equal(
      parse("{\"message\":{\"usage\":{\"input_tokens\":1,\"output_tokens\":2,"
            "\"speed\":\"turbo\"}},\"timestamp\":\"2026-03-10T06:00:01.000Z\"}",
            &r),
      LINE_NO_USAGE);
}

static void test_timestamps(void **state)
{
  struct usage_rec r;
  char line[256];
  static const struct {
    const char *ts;
    long long ms; /* -1: rejected */
  } cases[] = {
      {"2026-03-10T23:30:00.000Z", 1773185400000LL},
      {"2026-03-10T23:30:00Z", 1773185400000LL},
      {"2026-03-11T08:30:00.000+09:00", 1773185400000LL},
      {"2026-03-10T18:00:00.250-05:30", 1773185400250LL},
      {"2026-03-10T23:30:00.123456Z", -1},
      {"2026-03-10T23:30:00.12Z", -1},
      {"2026-02-29T00:00:00.000Z", -1},
      {"2024-02-29T00:00:00.000Z", 1709164800000LL},
      {"2026-03-10 23:30:00.000Z", -1},
      {"2026-03-10T24:00:00.000Z", -1},
  };
  size_t i;

  (void)state;
  for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    snprintf(line, sizeof(line),
             "{\"message\":{\"usage\":{\"input_tokens\":1,\"output_tokens\":"
             "2}},\"timestamp\":\"%s\"}",
             cases[i].ts);
    if (cases[i].ms < 0) {
      assert_int_equal(parse(line, &r), LINE_NO_USAGE);
    } else {
      assert_int_equal(parse(line, &r), LINE_EVENT);
      assert_int_equal(r.ts_ms, cases[i].ms);
    }
  }
}

static void test_progress_nested(void **state)
{
  struct usage_rec r;
  const char *l =
      "{\"cwd\":\"/p\",\"sessionId\":\"parent\",\"type\":\"progress\","
      "\"data\":{\"message\":{\"type\":\"assistant\",\"timestamp\":"
      "\"2026-02-12T16:02:51.467Z\",\"message\":{\"model\":\"m\",\"id\":"
      "\"msg_N\",\"usage\":{\"input_tokens\":3,\"output_tokens\":4}},"
      "\"requestId\":\"req_N\",\"uuid\":\"nu\"}},\"uuid\":\"outer\","
      "\"timestamp\":\"2026-02-12T16:02:52.000Z\"}";

  (void)state;
  assert_int_equal(parse(l, &r), LINE_EVENT);
  assert_int_equal(r.flags, USAGE_NESTED);
  assert_int_equal(r.ts_ms, 1770912171467LL);
  assert_memory_equal(r.session_id.p, "parent", 6);
  assert_memory_equal(r.cwd.p, "/p", 2);
  assert_memory_equal(r.uuid.p, "nu", 2);
  assert_memory_equal(r.req_id.p, "req_N", 5);
}

static void test_malformed(void **state)
{
  struct usage_rec r;

  (void)state;
  /* §8 item 14: a truncated line is malformed, never a crash. */
  assert_int_equal(
      parse("{\"message\":{\"usage\":{\"input_tokens\":1,\"out", &r),
      LINE_MALFORMED);
  assert_int_equal(line_parse(&lp, "{\"usage\":{\"a\":\"\xff\"}}", 19, &r),
                   LINE_BAD_UTF8);
  assert_int_equal(line_parse(&lp, "", 0, &r), LINE_MALFORMED);
}

static void test_limit_reset(void **state)
{
  struct usage_rec r;

  (void)state;
  assert_int_equal(
      parse(
          "{\"isApiErrorMessage\":true,\"message\":{\"model\":\"<synthetic>\","
          "\"content\":[{\"type\":\"text\",\"text\":\"Claude AI usage limit "
          "reached|1773201600\"}],\"usage\":{\"input_tokens\":0,"
          "\"output_tokens\":0}},\"timestamp\":\"2026-03-10T06:00:01.000Z\"}",
          &r),
      LINE_EVENT);
  assert_int_equal(r.flags, USAGE_API_ERROR);
  assert_int_equal(r.limit_reset, 1773201600LL);
  assert_true(line_version_ok("2.1.39", 6));
  assert_true(line_version_ok("10.20.3-beta", 12));
  assert_false(line_version_ok("1.0", 3));
  assert_false(line_version_ok("1..2", 4));
}

/* ---- differential: fast path vs jansson -------------------------------- */

struct diff_stats {
  unsigned long lines, candidates, events, failures;
};

static void check_line(const char *l, size_t n, struct diff_stats *ds,
                       const char *origin)
{
  struct usage_rec a, b;
  struct buf scratch = BUF_INIT, why = BUF_INIT;
  enum line_status sa, sb;

  ds->lines++;
  if (!line_prefilter(l, n))
    return;
  ds->candidates++;
  memset(&a, 0, sizeof(a));
  memset(&b, 0, sizeof(b));
  sa = line_parse(&lp, l, n, &a);
  sb = ref_parse(l, n, &scratch, &b);
  /* Malformed and bad UTF-8 are both "not JSON"; which error jansson
   * names first is its own business. */
  if (sa == LINE_BAD_UTF8)
    sa = LINE_MALFORMED;
  if (sb == LINE_BAD_UTF8)
    sb = LINE_MALFORMED;
  if (sa != sb) {
    fprintf(stderr, "%s: status %d (fast) vs %d (jansson): %.300s\n", origin,
            sa, sb, l);
    ds->failures++;
  } else if (sa == LINE_EVENT) {
    ds->events++;
    if (ref_compare(&a, &b, &why)) {
      fprintf(stderr, "%s: %s\n  line: %.300s\n", origin, why.data, l);
      ds->failures++;
    }
  }
  buf_release(&scratch);
  buf_release(&why);
}

static void check_lines(const struct buf *b, struct diff_stats *ds,
                        const char *origin)
{
  const char *p = b->data, *end = b->data + b->len;

  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

    check_line(p, n, ds, origin);
    p += n + 1;
  }
}

static void walk_jsonl(const char *dir, struct buf *all)
{
  DIR *d = opendir(dir);
  struct dirent *de;
  char path[4096];

  if (!d)
    return;
  while ((de = readdir(d))) {
    struct stat st;

    if (de->d_name[0] == '.')
      continue;
    snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
    if (lstat(path, &st))
      continue;
    if (S_ISDIR(st.st_mode)) {
      walk_jsonl(path, all);
    } else if (strstr(de->d_name, ".jsonl")) {
      testutil_read_file(path, all);
      buf_addch(all, '\n');
    }
  }
  closedir(d);
}

/* Random edits that hit the parser's corners: structure, escapes, numbers,
 * UTF-8, truncation. */
static void mutate(struct buf *m, const char *l, size_t n,
                   unsigned long long *rs)
{
  static const char *const ins[] = {
      "\\",
      "\"",
      "\\u00e9",
      "\\ud83d",
      "\\ude00",
      "\xff",
      "\xc3",
      "\xe2\x82\xac",
      "{",
      "}",
      "[",
      "]",
      ",",
      ":",
      "null",
      "-0",
      "1e999",
      "01",
      "1.",
      " ",
      "\t",
      "\x01",
      "\\u0000",
      "\"id\":null",
      "\"usage\":{",
      "9223372036854775808",
      "\"x\":1",
      "true",
      "\xed\xa0\x80",
  };
  unsigned long long r = testutil_rand(rs);
  size_t at = n ? (size_t)(r % n) : 0;
  unsigned op = (unsigned)((r >> 32) % 4);

  buf_reset(m);
  if (op == 0) {
    buf_add(m, l, at); /* truncate */
  } else if (op == 1) {
    const char *s = ins[(r >> 40) % (sizeof(ins) / sizeof(ins[0]))];

    buf_add(m, l, at);
    buf_adds(m, s);
    buf_add(m, l + at, n - at);
  } else if (op == 2 && n) {
    buf_add(m, l, n);
    m->data[at] = (char)(r >> 48);
  } else {
    size_t len = (size_t)((r >> 40) % 16);

    buf_add(m, l, at);
    if (at + len < n)
      buf_add(m, l + at + len, n - at - len); /* delete */
  }
}

static void test_differential(void **state)
{
  struct diff_stats ds = {0};
  struct buf all = BUF_INIT, path = BUF_INIT, m = BUF_INIT;
  const char *shared = testutil_shared_dir();
  const char *p, *end;
  unsigned long long rs = 42;
  unsigned long edge_lines;

  (void)state;
  buf_addf(&path, "%s/tests/data/edge-lines.jsonl", testutil_src_dir());
  assert_int_equal(testutil_read_file(path.data, &all), 0);
  buf_reset(&path);
  buf_addf(&path, "%s/tests/data/edge-lines-binary.jsonl", testutil_src_dir());
  assert_int_equal(testutil_read_file(path.data, &all), 0);
  check_lines(&all, &ds, "edge");
  edge_lines = ds.lines;
  assert_true(edge_lines >= 80);
  if (shared) {
    buf_reset(&path);
    buf_addf(&path, "%s/fixtures/real/projects", shared);
    walk_jsonl(path.data, &all);
  }
  check_lines(&all, &ds, "corpus");

  /* Mutations of every candidate line, several rounds. */
  p = all.data;
  end = all.data + all.len;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
    int k;

    if (line_find_usage(p, n) < n) {
      for (k = 0; k < 12; k++) {
        mutate(&m, p, n, &rs);
        check_line(m.data, m.len, &ds, "mutation");
      }
    }
    p += n + 1;
  }
  fprintf(stderr,
          "differential: %lu lines, %lu candidates, %lu events, %lu "
          "failures\n",
          ds.lines, ds.candidates, ds.events, ds.failures);
  assert_int_equal(ds.failures, 0);
  assert_true(ds.events > 40);
  buf_release(&all);
  buf_release(&path);
  buf_release(&m);
}

/* Collects a generated corpus: every file's bytes, one after another. */
static int collect(void *ctx, const char *relpath, const char *data, size_t len)
{
  struct buf *all = ctx;
  size_t n = strlen(relpath);

  if (n > 6 && !strcmp(relpath + n - 6, ".jsonl")) {
    if (data)
      buf_add(all, data, len);
    else
      buf_addch(all, '\n'); /* end of file: its last line ends here */
  }
  return 0;
}

/* The demo generator's corpora, which hold every record type and edge case
 * of the format doc, through both parsers. */
static void test_differential_generated(void **state)
{
  struct diff_stats ds = {0};
  struct demo_opts o;
  struct err e = ERR_INIT;
  int parity;

  (void)state;
  for (parity = 0; parity < 2; parity++) {
    struct buf all = BUF_INIT;

    demo_opts_init(&o);
    o.seed = 1 + (uint64_t)parity;
    o.parity = parity;
    assert_int_equal(demo_generate(&o, collect, &all, NULL, NULL, &e), 0);
    check_lines(&all, &ds, parity ? "demo --parity" : "demo");
    buf_release(&all);
  }
  fprintf(stderr, "generated: %lu lines, %lu candidates, %lu events\n",
          ds.lines, ds.candidates, ds.events);
  assert_int_equal(ds.failures, 0);
  assert_true(ds.events > 1000);
}

static void test_deep_nesting(void **state)
{
  struct buf b = BUF_INIT;
  struct usage_rec r;
  int depth;

  (void)state;
  /* jansson's limit: 2048 levels parse, 2049 do not. */
  for (depth = 2046; depth <= 2049; depth++) {
    buf_reset(&b);
    buf_adds(&b, "{\"usage\":{},\"x\":");
    buf_addrep(&b, '[', (size_t)depth - 1);
    buf_addrep(&b, ']', (size_t)depth - 1);
    buf_adds(&b, "}");
    assert_int_equal(line_parse(&lp, b.data, b.len, &r),
                     depth <= 2048 ? LINE_NO_USAGE : LINE_MALFORMED);
  }
  buf_release(&b);
}

static int setup(void **state)
{
  (void)state;
  line_parser_init(&lp);
  return 0;
}

static int teardown(void **state)
{
  (void)state;
  line_parser_release(&lp);
  return 0;
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_basic_fields),
      cmocka_unit_test(test_null_kills_line),
      cmocka_unit_test(test_token_types),
      cmocka_unit_test(test_speed_and_flags),
      cmocka_unit_test(test_timestamps),
      cmocka_unit_test(test_progress_nested),
      cmocka_unit_test(test_malformed),
      cmocka_unit_test(test_limit_reset),
      cmocka_unit_test(test_deep_nesting),
      cmocka_unit_test(test_differential),
      cmocka_unit_test(test_differential_generated),
  };

  return cmocka_run_group_tests(tests, setup, teardown);
}
