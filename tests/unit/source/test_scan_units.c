/* Tests for src/source/scan.c: cut into units and threads, same result. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/event.h"
#include "source/discover.h"
#include "source/scan.h"
#include "testutil.h"
#include "transcript.h"
#include "util/buf.h"
#include "util/banned.h"

#define TS0 TRANSCRIPT_T0_MS

/* A user record carrying n bytes of base64-looking image data. */
static void big_user_line(struct buf *b, size_t n)
{
  size_t i;

  buf_adds(b, "{\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":"
              "[{\"type\":\"image\",\"source\":{\"type\":\"base64\","
              "\"media_type\":\"image/png\",\"data\":\"");
  buf_grow(b, n);
  for (i = 0; i < n; i++)
    b->data[b->len + i] = "ABCDEFGHabcdefgh0123456789+/"[i * 7 % 28];
  buf_setlen(b, b->len + n);
  buf_adds(b, "\"}}]},\"timestamp\":\"2026-03-10T06:00:00.000Z\"}\n");
}

/* An assistant tool_use record whose input (n bytes) comes before usage. */
static void big_usage_line(struct buf *b, size_t n)
{
  buf_adds(b, "{\"isSidechain\":false,\"sessionId\":\"s1\",\"message\":{"
              "\"model\":\"claude-opus-4-7\",\"id\":\"msg_big\",\"content\":"
              "[{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"Write\","
              "\"input\":{\"file_path\":\"/tmp/x\",\"content\":\"");
  buf_addrep(b, 'q', n);
  buf_adds(b, "\"}}],\"usage\":{\"input_tokens\":7,\"output_tokens\":"
              "123456}},\"requestId\":\"req_big\",\"type\":\"assistant\","
              "\"timestamp\":\"2026-03-10T06:00:30.000Z\"}\n");
}

static void test_huge_lines(void **state)
{
  struct transcript_world *w = *state;
  struct buf b = BUF_INIT;
  static const uint64_t units[] = {0, 1u << 20, 999999};
  size_t k;

  big_user_line(&b, 5u << 20);
  big_usage_line(&b, 3u << 20);
  transcript_line(&b, "msg_1", "req_1", 40, 1, 2, "\n");
  big_user_line(&b, 100);
  transcript_put(w, "p/big.jsonl", b.data, b.len);
  transcript_world_discover(w);
  for (k = 0; k < sizeof(units) / sizeof(units[0]); k++) {
    const struct event *ev;

    transcript_scan_ok(&w->d, &w->r, units[k], k ? 4 : 1);
    assert_int_equal(w->r.st.bytes, b.len);
    assert_int_equal(w->r.st.lines, 4);
    assert_int_equal(w->r.st.records, 2);
    assert_int_equal(w->r.st.malformed, 0);
    assert_int_equal(w->r.st.truncated, 0);
    assert_int_equal(w->r.set.n, 2);
    ev = transcript_find(&w->r, TS0 + 30000);
    assert_non_null(ev);
    assert_int_equal(ev->tok.input, 7);
    assert_int_equal(ev->tok.output, 123456);
    assert_string_equal(transcript_str(&w->r, ev->model), "claude-opus-4-7");
    assert_non_null(transcript_find(&w->r, TS0 + 40000));
  }
  buf_release(&b);
}

/* Appends one corpus line of kind k (0..15) and counts it in *want. */
static void corpus_line(struct buf *b, struct transcript_rec *r, unsigned k,
                        struct scan_stats *want)
{
  want->lines++;
  switch (k) {
  case 0:
    buf_adds(b, "\n");
    want->blank++;
    break;
  case 1:
    buf_adds(b, " \t \r\n");
    want->blank++;
    break;
  case 2:
    buf_adds(b, "garbage line {\n");
    want->malformed++;
    break;
  case 3:
    r->text = "bad \xc0\xaf utf8"; /* an overlong '/' */
    transcript_add(b, r);
    buf_adds(b, "\n");
    want->bad_utf8++;
    break;
  case 4:
    buf_adds(b, "{\"type\":\"progress\",\"data\":{}}\n");
    break;
  case 5:
    r->req = NULL; /* keyed by message.id alone */
    transcript_add(b, r);
    buf_adds(b, "\r\n");
    want->records++;
    break;
  case 6:
    r->id = NULL; /* keyed by uuid */
    transcript_add(b, r);
    buf_adds(b, "\n");
    want->records++;
    break;
  case 7:
    transcript_add(b, r);
    buf_setlen(b, b->len - 5); /* broken JSON with "usage" */
    buf_adds(b, "\n");
    want->malformed++;
    break;
  default:
    transcript_add(b, r);
    buf_adds(b, k == 8 ? "\r\n" : "\n");
    want->records++;
    break;
  }
}

/*
 * A corpus with every kind of line, written deterministically from a
 * seed: duplicates within and across files, CRLF, blanks, bad lines, a
 * sidechain replay, a complete and a truncated last line. *want gets the
 * counts a scan must report.
 */
static void make_corpus(struct transcript_world *w, struct scan_stats *want)
{
  unsigned long long seed = 42;
  static const char *const files[] = {
      "-home-u-a/s1.jsonl",
      "-home-u-a/s1/subagents/agent-x.jsonl",
      "-home-u-a/s2.jsonl",
      "-home-u-b/s3.jsonl",
  };
  size_t f;
  int line;

  memset(want, 0, sizeof(*want));
  for (f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
    struct buf b = BUF_INIT;
    int nlines = 25 + (int)(testutil_rand(&seed) % 20);

    for (line = 0; line < nlines; line++) {
      unsigned k = (unsigned)(testutil_rand(&seed) % 16);
      unsigned id = (unsigned)(testutil_rand(&seed) % 24);
      char mid[32], req[32], uuid[40];
      struct transcript_rec r;

      snprintf(mid, sizeof(mid), "msg_%u", id);
      snprintf(req, sizeof(req), "req_%u", id + (f == 1 ? 100 : 0));
      snprintf(uuid, sizeof(uuid), "u-%zu-%d", f, line);
      memset(&r, 0, sizeof(r));
      r.id = mid;
      r.req = req;
      r.uuid = uuid;
      r.session = f == 3 ? "s3" : "s1";
      r.cwd = f == 3 ? "/home/u/b" : "/home/u/a";
      r.sec = (int)id * 7 + (int)(testutil_rand(&seed) % 3);
      r.in = id + 1;
      r.out = (unsigned)(testutil_rand(&seed) % 1000);
      r.cread = id * 100;
      r.side = f == 1;
      corpus_line(&b, &r, k, want);
    }
    /* Last lines: complete without '\n', cut short, or a plain end. */
    if (f == 0) {
      transcript_line(&b, "msg_tail", "req_tail", 500, 9, 9, "");
      want->lines++;
      want->records++;
    } else if (f == 2) {
      transcript_line(&b, "msg_cut", "req_cut", 501, 9, 9, "");
      buf_setlen(&b, b.len - 10);
      want->lines++;
      want->truncated++;
    }
    transcript_put(w, files[f], b.data, b.len);
    want->bytes += b.len;
    buf_release(&b);
  }
  transcript_puts(w, "-home-u-b/empty.jsonl", "");
  want->files = 5;
}

static void test_units_and_threads_agree(void **state)
{
  struct transcript_world *w = *state;
  static const uint64_t units[] = {1, 2, 3, 7, 64, 100, 333, 1000, 4096};
  static const int threads[] = {1, 2, 4};
  struct scan_result ref;
  struct scan_stats want;
  size_t u, k;
  char why[256];

  make_corpus(w, &want);
  transcript_world_discover(w);
  assert_int_equal(w->d.nfiles, 5);
  scan_result_init(&ref);
  transcript_scan_ok(&w->d, &ref, 0, 1);

  /* The reference itself counts what the corpus holds. */
  assert_int_equal(ref.st.files, want.files);
  assert_int_equal(ref.st.bytes, want.bytes);
  assert_int_equal(ref.st.lines, want.lines);
  assert_int_equal(ref.st.blank, want.blank);
  assert_int_equal(ref.st.malformed, want.malformed);
  assert_int_equal(ref.st.bad_utf8, want.bad_utf8);
  assert_int_equal(ref.st.records, want.records);
  assert_int_equal(ref.st.truncated, 1);
  assert_int_equal(ref.st.unreadable, 0);
  assert_true(want.blank > 0 && want.malformed > 0 && want.bad_utf8 > 0);
  assert_int_equal(ref.set.copies, want.records);
  assert_true(ref.set.n > 20 && ref.set.n < ref.set.copies);
  assert_true(ref.set.dropped_sidechain > 0);
  assert_int_equal(ref.nissues, want.malformed + want.bad_utf8);
  assert_non_null(transcript_find(&ref, TS0 + 500000));
  assert_null(transcript_find(&ref, TS0 + 501000));

  for (u = 0; u < sizeof(units) / sizeof(units[0]); u++)
    for (k = 0; k < sizeof(threads) / sizeof(threads[0]); k++) {
      transcript_scan_ok(&w->d, &w->r, units[u], threads[k]);
      if (transcript_diff(&ref, &w->r, why, sizeof(why)))
        fail_msg("unit_bytes %llu, %d threads: %s",
                 (unsigned long long)units[u], threads[k], why);
    }
  /* Automatic thread count, too. */
  transcript_scan_ok(&w->d, &w->r, 5, 0);
  assert_int_equal(transcript_diff(&ref, &w->r, why, sizeof(why)), 0);
  scan_result_release(&ref);
}

/* Issue line numbers stay file line numbers when a file is cut up. */
static void test_split_line_numbers(void **state)
{
  struct transcript_world *w = *state;
  struct buf b = BUF_INIT;
  static const uint64_t units[] = {1, 5, 17, 64, 1000};
  size_t u;
  int i;

  for (i = 1; i <= 60; i++) {
    if (i % 7 == 0)
      buf_addf(&b, "bad line %d\n", i);
    else if (i % 11 == 0)
      buf_adds(&b, "\n");
    else
      buf_addf(&b, "{\"type\":\"user\",\"n\":%d}\n", i);
  }
  transcript_puts(w, "p/a.jsonl", b.data);
  transcript_puts(w, "p/b.jsonl", "x\n{}\ny\n");
  transcript_world_discover(w);
  for (u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
    size_t k;

    transcript_scan_ok(&w->d, &w->r, units[u], 3);
    assert_int_equal(w->r.st.lines, 63);
    assert_int_equal(w->r.st.blank, 5);
    assert_int_equal(w->r.st.malformed, 8 + 2);
    assert_int_equal(w->r.nissues, 10);
    for (k = 0; k < 8; k++) {
      assert_int_equal(w->r.issues[k].file, 0);
      assert_int_equal(w->r.issues[k].line, 7 * (k + 1));
    }
    assert_int_equal(w->r.issues[8].file, 1);
    assert_int_equal(w->r.issues[8].line, 1);
    assert_int_equal(w->r.issues[9].file, 1);
    assert_int_equal(w->r.issues[9].line, 3);
  }
  buf_release(&b);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      TRANSCRIPT_WORLD_TEST(test_huge_lines),
      TRANSCRIPT_WORLD_TEST(test_units_and_threads_agree),
      TRANSCRIPT_WORLD_TEST(test_split_line_numbers),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
