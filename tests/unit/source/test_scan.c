/* Tests for src/source/scan.c: lines, units, threads and the merged set. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/dedup.h"
#include "core/event.h"
#include "source/discover.h"
#include "source/scan.h"
#include "testutil.h"
#include "transcript.h"
#include "tmptree.h"
#include "util/buf.h"
#include "util/banned.h"

/* One test's world: a tree with cfg/projects/, its files and a scan. */
struct world {
  struct tmptree t;
  struct discover d;
  struct scan_result r;
};

static int setup(void **state)
{
  struct world *w = calloc(1, sizeof(*w));

  if (!w || tmptree_make(&w->t)) {
    free(w);
    return -1;
  }
  discover_init(&w->d);
  scan_result_init(&w->r);
  *state = w;
  return 0;
}

static int teardown(void **state)
{
  struct world *w = *state;

  scan_result_release(&w->r);
  discover_release(&w->d);
  tmptree_remove(&w->t);
  free(w);
  return 0;
}

static const char *P(const struct world *w, const char *rel)
{
  static char slots[4][4096];
  static int next;

  next = (next + 1) % 4;
  return tmptree_path(&w->t, rel, slots[next], sizeof(slots[next]));
}

/* Writes cfg/projects/<rel>. */
static void put(struct world *w, const char *rel, const char *data, size_t n)
{
  char path[512];

  snprintf(path, sizeof(path), "cfg/projects/%s", rel);
  assert_int_equal(tmptree_write(&w->t, path, data, n), 0);
}

static void puts_file(struct world *w, const char *rel, const char *s)
{
  put(w, rel, s, strlen(s));
}

static void discover_world(struct world *w)
{
  assert_int_equal(transcript_discover(P(w, "cfg"), &w->d), 0);
}

static void scan_into(const struct discover *d, struct scan_result *r,
                      uint64_t unit_bytes, int threads)
{
  assert_int_equal(transcript_scan(d, r, unit_bytes, threads), 0);
}

/* Discovers and scans the world with one unit per file, one thread. */
static void scan_world(struct world *w)
{
  discover_world(w);
  scan_into(&w->d, &w->r, 0, 1);
}

/* The common case: id, request, session s1, cwd /home/u/proj. */
static void rec_line(struct buf *b, const char *id, const char *req, int sec,
                     unsigned in, unsigned out, const char *eol)
{
  struct transcript_rec r;

  memset(&r, 0, sizeof(r));
  r.id = id;
  r.req = req;
  r.session = "s1";
  r.cwd = "/home/u/proj";
  r.sec = sec;
  r.in = in;
  r.out = out;
  transcript_add(b, &r);
  buf_adds(b, eol);
}

#define TS0 TRANSCRIPT_T0_MS

static const struct event *find_event(const struct scan_result *r,
                                      int64_t ts_ms)
{
  size_t i;

  for (i = 0; i < r->set.n; i++)
    if (r->set.ev[i].ts_ms == ts_ms)
      return &r->set.ev[i];
  return NULL;
}

static const char *str(const struct scan_result *r, uint32_t id)
{
  const char *s = strtab_get(&r->set.strs, id);

  return s ? s : "(none)";
}

static uint64_t total_tokens(const struct scan_result *r)
{
  uint64_t t = 0;
  size_t i;

  for (i = 0; i < r->set.n; i++)
    t += tokens_total(&r->set.ev[i].tok);
  return t;
}

static void test_totals(void **state)
{
  struct world *w = *state;
  struct buf a = BUF_INIT, b = BUF_INIT;
  const struct event *ev;

  /* Three streaming copies of one call (largest wins), two other calls. */
  rec_line(&a, "msg_A", "req_A", 1, 10, 1, "\n");
  rec_line(&a, "msg_A", "req_A", 2, 10, 7, "\n");
  rec_line(&a, "msg_A", "req_A", 3, 10, 50, "\n");
  rec_line(&a, "msg_B", "req_B", 10, 100, 20, "\n");
  buf_adds(&a, "{\"type\":\"user\",\"message\":{\"role\":\"user\","
               "\"content\":\"hello\"},\"timestamp\":"
               "\"2026-03-10T06:00:00.000Z\"}\n");
  rec_line(&b, "msg_C", "req_C", 20, 1000, 300, "\n");
  put(w, "-home-u-proj/s1.jsonl", a.data, a.len);
  put(w, "-home-u-proj/s2.jsonl", b.data, b.len);
  scan_world(w);

  assert_int_equal(w->r.st.files, 2);
  assert_int_equal(w->r.st.bytes, a.len + b.len);
  assert_int_equal(w->r.st.lines, 6);
  assert_int_equal(w->r.st.records, 5);
  assert_int_equal(w->r.st.blank, 0);
  assert_int_equal(w->r.st.malformed, 0);
  assert_int_equal(w->r.st.bad_utf8, 0);
  assert_int_equal(w->r.st.truncated, 0);
  assert_int_equal(w->r.st.unreadable, 0);
  assert_int_equal(w->r.nissues, 0);
  assert_string_equal(w->r.warnings.data, "");
  assert_int_equal(w->r.set.finished, 1);
  assert_int_equal(w->r.set.copies, 5);
  assert_int_equal(w->r.set.n, 3);
  assert_int_equal(total_tokens(&w->r), 60 + 120 + 1300);

  /* Sorted by time; the winning copy of msg_A is the one at 06:00:03. */
  assert_int_equal(w->r.set.ev[0].ts_ms, TS0 + 3000);
  assert_int_equal(w->r.set.ev[1].ts_ms, TS0 + 10000);
  assert_int_equal(w->r.set.ev[2].ts_ms, TS0 + 20000);
  ev = &w->r.set.ev[0];
  assert_int_equal(ev->tok.input, 10);
  assert_int_equal(ev->tok.output, 50);
  assert_int_equal(ev->key_kind, EVENT_KEY_MSG_REQ);
  assert_string_equal(str(&w->r, ev->session), "s1");
  assert_string_equal(str(&w->r, ev->model), "claude-sonnet-4-5-20250929");
  assert_string_equal(str(&w->r, ev->cwd), "/home/u/proj");
  assert_string_equal(str(&w->r, ev->file), P(w, "cfg/projects/-home-u-proj/"
                                                 "s1.jsonl"));
  ev = &w->r.set.ev[2];
  assert_int_equal(ev->tok.input, 1000);
  assert_int_equal(ev->tok.output, 300);
  assert_string_equal(str(&w->r, ev->file), P(w, "cfg/projects/-home-u-proj/"
                                                 "s2.jsonl"));
  buf_release(&a);
  buf_release(&b);
}

static void test_line_endings_and_issues(void **state)
{
  struct world *w = *state;
  struct buf b = BUF_INIT;
  struct transcript_rec r;

  rec_line(&b, "msg_1", "req_1", 1, 1, 2, "\r\n"); /* 1: CRLF record */
  buf_adds(&b, "\n");                              /* 2: empty */
  buf_adds(&b, "  \t \n");                         /* 3: spaces */
  buf_adds(&b, "\r\n");                            /* 4: CRLF only */
  buf_adds(&b, "not json at all\n");               /* 5: malformed */
  buf_adds(&b, "{\"type\":\"user\",\"x\":1}\r\n"); /* 6: no usage */
  memset(&r, 0, sizeof(r));                        /* 7: bad UTF-8 */
  r.id = "msg_2";
  r.req = "req_2";
  r.session = "s1";
  r.sec = 2;
  r.in = 5;
  r.out = 5;
  r.text = "caf\xc3\x28 \xff";
  transcript_add(&b, &r);
  buf_adds(&b, "\n");
  rec_line(&b, "msg_3", "req_3", 3, 1, 1, ""); /* 8: cut short */
  buf_setlen(&b, b.len - 2);
  buf_adds(&b, "\n");
  buf_adds(&b, "{\"type\":\"summary\"}\n");    /* 9: valid, no usage */
  buf_adds(&b, "[1,2]\n");                     /* 10: malformed */
  rec_line(&b, "msg_4", "req_4", 4, 3, 4, ""); /* 11: last, no '\n' */
  puts_file(w, "p/a.jsonl", b.data);
  scan_world(w);

  assert_int_equal(w->r.st.lines, 11);
  assert_int_equal(w->r.st.blank, 3);
  assert_int_equal(w->r.st.malformed, 3);
  assert_int_equal(w->r.st.bad_utf8, 1);
  assert_int_equal(w->r.st.truncated, 0);
  assert_int_equal(w->r.st.records, 2);
  assert_int_equal(w->r.set.n, 2);
  assert_non_null(find_event(&w->r, TS0 + 1000));
  assert_non_null(find_event(&w->r, TS0 + 4000));
  assert_int_equal(find_event(&w->r, TS0 + 4000)->tok.output, 4);

  assert_int_equal(w->r.nissues, 4);
  assert_int_equal(w->r.issues[0].file, 0);
  assert_int_equal(w->r.issues[0].line, 5);
  assert_int_equal(w->r.issues[0].kind, SCAN_MALFORMED);
  assert_int_equal(w->r.issues[1].line, 7);
  assert_int_equal(w->r.issues[1].kind, SCAN_BAD_UTF8);
  assert_int_equal(w->r.issues[2].line, 8);
  assert_int_equal(w->r.issues[2].kind, SCAN_MALFORMED);
  assert_int_equal(w->r.issues[3].line, 10);
  assert_int_equal(w->r.issues[3].kind, SCAN_MALFORMED);
  buf_release(&b);
}

static void test_truncated_tail(void **state)
{
  struct world *w = *state;
  struct buf b = BUF_INIT, c = BUF_INIT, t = BUF_INIT;

  /* A file being appended: the unfinished last line waits for next run. */
  rec_line(&b, "msg_1", "req_1", 1, 1, 2, "\n");
  rec_line(&b, "msg_2", "req_2", 2, 1, 2, "");
  buf_setlen(&b, b.len - 30);
  puts_file(w, "p/a.jsonl", b.data);
  /* Cut before "usage": not even a candidate, still truncated. */
  rec_line(&c, "msg_3", "req_3", 3, 1, 2, "\n");
  buf_adds(&c, "{\"type\":\"user\",\"message\":{\"content\":\"abc");
  puts_file(w, "p/b.jsonl", c.data);
  /* A whitespace tail is neither blank nor truncated yet. */
  rec_line(&t, "msg_4", "req_4", 4, 1, 2, "\n");
  buf_adds(&t, "  ");
  puts_file(w, "p/c.jsonl", t.data);
  scan_world(w);

  assert_int_equal(w->r.st.lines, 6);
  assert_int_equal(w->r.st.records, 3);
  assert_int_equal(w->r.st.truncated, 2);
  assert_int_equal(w->r.st.malformed, 0);
  assert_int_equal(w->r.st.blank, 0);
  assert_int_equal(w->r.nissues, 0);
  assert_int_equal(w->r.set.n, 3);
  assert_null(find_event(&w->r, TS0 + 2000));
  buf_release(&b);
  buf_release(&c);
  buf_release(&t);
}

static void test_empty_and_blank_files(void **state)
{
  struct world *w = *state;

  puts_file(w, "p/empty.jsonl", "");
  puts_file(w, "p/blank.jsonl", "\n\n  \n\t\r\n\r\n");
  scan_world(w);
  assert_int_equal(w->r.st.files, 2);
  assert_int_equal(w->r.st.bytes, 10);
  assert_int_equal(w->r.st.lines, 5);
  assert_int_equal(w->r.st.blank, 5);
  assert_int_equal(w->r.st.records, 0);
  assert_int_equal(w->r.st.malformed, 0);
  assert_int_equal(w->r.st.truncated, 0);
  assert_int_equal(w->r.set.n, 0);
  assert_int_equal(w->r.nissues, 0);

  /* Nothing to scan at all. */
  {
    struct discover none;
    struct scan_result r;

    discover_init(&none);
    scan_result_init(&r);
    scan_into(&none, &r, 0, 0);
    assert_int_equal(r.st.files, 0);
    assert_int_equal(r.st.lines, 0);
    assert_int_equal(r.set.n, 0);
    assert_int_equal(r.set.finished, 1);
    scan_result_release(&r);
    discover_release(&none);
  }
}

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
  struct world *w = *state;
  struct buf b = BUF_INIT;
  static const uint64_t units[] = {0, 1u << 20, 999999};
  size_t k;

  big_user_line(&b, 5u << 20);
  big_usage_line(&b, 3u << 20);
  rec_line(&b, "msg_1", "req_1", 40, 1, 2, "\n");
  big_user_line(&b, 100);
  put(w, "p/big.jsonl", b.data, b.len);
  discover_world(w);
  for (k = 0; k < sizeof(units) / sizeof(units[0]); k++) {
    const struct event *ev;

    scan_into(&w->d, &w->r, units[k], k ? 4 : 1);
    assert_int_equal(w->r.st.bytes, b.len);
    assert_int_equal(w->r.st.lines, 4);
    assert_int_equal(w->r.st.records, 2);
    assert_int_equal(w->r.st.malformed, 0);
    assert_int_equal(w->r.st.truncated, 0);
    assert_int_equal(w->r.set.n, 2);
    ev = find_event(&w->r, TS0 + 30000);
    assert_non_null(ev);
    assert_int_equal(ev->tok.input, 7);
    assert_int_equal(ev->tok.output, 123456);
    assert_string_equal(str(&w->r, ev->model), "claude-opus-4-7");
    assert_non_null(find_event(&w->r, TS0 + 40000));
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
static void make_corpus(struct world *w, struct scan_stats *want)
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
      rec_line(&b, "msg_tail", "req_tail", 500, 9, 9, "");
      want->lines++;
      want->records++;
    } else if (f == 2) {
      rec_line(&b, "msg_cut", "req_cut", 501, 9, 9, "");
      buf_setlen(&b, b.len - 10);
      want->lines++;
      want->truncated++;
    }
    put(w, files[f], b.data, b.len);
    want->bytes += b.len;
    buf_release(&b);
  }
  puts_file(w, "-home-u-b/empty.jsonl", "");
  want->files = 5;
}

static void test_units_and_threads_agree(void **state)
{
  struct world *w = *state;
  static const uint64_t units[] = {1, 2, 3, 7, 64, 100, 333, 1000, 4096};
  static const int threads[] = {1, 2, 4};
  struct scan_result ref;
  struct scan_stats want;
  size_t u, k;
  char why[256];

  make_corpus(w, &want);
  discover_world(w);
  assert_int_equal(w->d.nfiles, 5);
  scan_result_init(&ref);
  scan_into(&w->d, &ref, 0, 1);

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
  assert_non_null(find_event(&ref, TS0 + 500000));
  assert_null(find_event(&ref, TS0 + 501000));

  for (u = 0; u < sizeof(units) / sizeof(units[0]); u++)
    for (k = 0; k < sizeof(threads) / sizeof(threads[0]); k++) {
      scan_into(&w->d, &w->r, units[u], threads[k]);
      if (transcript_diff(&ref, &w->r, why, sizeof(why)))
        fail_msg("unit_bytes %llu, %d threads: %s",
                 (unsigned long long)units[u], threads[k], why);
    }
  /* Automatic thread count, too. */
  scan_into(&w->d, &w->r, 5, 0);
  assert_int_equal(transcript_diff(&ref, &w->r, why, sizeof(why)), 0);
  scan_result_release(&ref);
}

/* Issue line numbers stay file line numbers when a file is cut up. */
static void test_split_line_numbers(void **state)
{
  struct world *w = *state;
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
  puts_file(w, "p/a.jsonl", b.data);
  puts_file(w, "p/b.jsonl", "x\n{}\ny\n");
  discover_world(w);
  for (u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
    size_t k;

    scan_into(&w->d, &w->r, units[u], 3);
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

static void test_issues_off(void **state)
{
  struct world *w = *state;
  struct scan_opts o;
  struct err e = ERR_INIT;

  puts_file(w, "p/a.jsonl", "bad\nworse\n");
  discover_world(w);
  memset(&o, 0, sizeof(o));
  o.threads = 1;
  assert_int_equal(scan_run(&w->d, &o, &w->r, &e), 0);
  assert_int_equal(w->r.st.malformed, 2);
  assert_int_equal(w->r.nissues, 0);
}

static void test_unreadable_file(void **state)
{
  struct world *w = *state;
  struct buf b = BUF_INIT;
  char want[4400];
  static const uint64_t units[] = {0, 16};
  size_t u;

  rec_line(&b, "msg_1", "req_1", 1, 1, 2, "\n");
  puts_file(w, "p/a.jsonl", b.data);
  puts_file(w, "p/gone.jsonl", b.data);
  discover_world(w);
  assert_int_equal(w->d.nfiles, 2);
  /* Found, then removed before it is read (works as root too). */
  assert_int_equal(unlink(P(w, "cfg/projects/p/gone.jsonl")), 0);
  snprintf(want, sizeof(want), "cannot read '%s': %s\n",
           P(w, "cfg/projects/p/gone.jsonl"), strerror(ENOENT));
  for (u = 0; u < 2; u++) {
    /* Split into many units, the file is still one unreadable file. */
    scan_into(&w->d, &w->r, units[u], 2);
    assert_int_equal(w->r.st.unreadable, 1);
    assert_string_equal(w->r.warnings.data, want);
    assert_int_equal(w->r.st.files, 2);
    assert_int_equal(w->r.st.records, 1);
    assert_int_equal(w->r.set.n, 1);
    assert_string_equal(str(&w->r, w->r.set.ev[0].file),
                        P(w, "cfg/projects/p/a.jsonl"));
  }

  /* Several unreadable files: one warning each, in path order (not in
   * the largest-first order units are read in). */
  {
    struct buf big = BUF_INIT, two = BUF_INIT;

    buf_addrep(&big, '\n', 5000);
    put(w, "p/gone-b.jsonl", big.data, big.len);
    puts_file(w, "p/gone-a.jsonl", "\n");
    discover_world(w);
    assert_int_equal(unlink(P(w, "cfg/projects/p/gone-a.jsonl")), 0);
    assert_int_equal(unlink(P(w, "cfg/projects/p/gone-b.jsonl")), 0);
    buf_addf(&two, "cannot read '%s': %s\n",
             P(w, "cfg/projects/p/gone-a.jsonl"), strerror(ENOENT));
    buf_addf(&two, "cannot read '%s': %s\n",
             P(w, "cfg/projects/p/gone-b.jsonl"), strerror(ENOENT));
    scan_into(&w->d, &w->r, 1000, 2);
    assert_int_equal(w->r.st.unreadable, 2);
    assert_string_equal(w->r.warnings.data, two.data);
    assert_int_equal(w->r.st.records, 1);
    buf_release(&big);
    buf_release(&two);
  }

  /* Mode 000 stops every user but root. */
  puts_file(w, "p/locked.jsonl", b.data);
  assert_int_equal(chmod(P(w, "cfg/projects/p/locked.jsonl"), 0), 0);
  discover_world(w);
  scan_into(&w->d, &w->r, 0, 1);
  if (geteuid() == 0) {
    assert_int_equal(w->r.st.unreadable, 0);
    assert_int_equal(w->r.st.records, 2);
  } else {
    snprintf(want, sizeof(want), "cannot read '%s': %s\n",
             P(w, "cfg/projects/p/locked.jsonl"), strerror(EACCES));
    assert_int_equal(w->r.st.unreadable, 1);
    assert_string_equal(w->r.warnings.data, want);
    assert_int_equal(w->r.st.records, 1);
  }
  buf_release(&b);
}

static void test_path_stem(void **state)
{
  struct buf out = BUF_INIT;

  (void)state;
  scan_path_stem("/h/.claude/projects/-home-u-app/6f1c.jsonl", &out);
  assert_string_equal(out.data, "6f1c");
  scan_path_stem("6f1c.jsonl", &out);
  assert_string_equal(out.data, "6f1c");
  scan_path_stem("/x/notes.txt", &out);
  assert_string_equal(out.data, "notes.txt");
  scan_path_stem("/x/.jsonl", &out);
  assert_string_equal(out.data, ".jsonl");
  /* A subagent file belongs to its parent session. */
  scan_path_stem("/h/.claude/projects/-home-u-app/6f1c/subagents/"
                 "agent-a1.jsonl",
                 &out);
  assert_string_equal(out.data, "6f1c");
  scan_path_stem("s/subagents/agent-a1.jsonl", &out);
  assert_string_equal(out.data, "s");
  /* Only a directory named exactly "subagents" counts. */
  scan_path_stem("/p/6f1c/oldsubagents/agent-a1.jsonl", &out);
  assert_string_equal(out.data, "agent-a1");
  /* Deeper workflow files are not the subagents/<file> shape: the file's
   * own stem (their records carry the parent sessionId anyway). */
  scan_path_stem("/p/-home-u-app/6f1c/subagents/workflows/wf1/agent-b.jsonl",
                 &out);
  assert_string_equal(out.data, "agent-b");
  buf_release(&out);
}

static void test_cross_file_dedup(void **state)
{
  struct world *w = *state;
  struct buf s1 = BUF_INIT, s2 = BUF_INIT, sub = BUF_INIT;
  struct transcript_rec r;
  const struct event *ev;

  /* s2 resumes s1: its first lines repeat s1's history verbatim. */
  rec_line(&s1, "msg_A", "req_A", 1, 10, 5, "\n");
  rec_line(&s1, "msg_B", "req_B", 2, 20, 5, "\n");
  rec_line(&s2, "msg_A", "req_A", 1, 10, 5, "\n");
  rec_line(&s2, "msg_B", "req_B", 2, 20, 5, "\n");
  rec_line(&s2, "msg_C", "req_C", 3, 30, 5, "\n");
  /* A /btw replay of msg_A: same id, new request, parent's cache read. */
  memset(&r, 0, sizeof(r));
  r.id = "msg_A";
  r.req = "req_side";
  r.session = "s1";
  r.cwd = "/home/u/proj";
  r.sec = 9;
  r.in = 10;
  r.out = 5;
  r.cread = 50000;
  r.side = 1;
  transcript_add(&sub, &r);
  buf_adds(&sub, "\n");
  /* A real subagent call, only in the subagent file: kept. */
  r.id = "msg_D";
  r.req = "req_D";
  r.sec = 4;
  r.cread = 0;
  r.in = 40;
  transcript_add(&sub, &r);
  buf_adds(&sub, "\n");
  puts_file(w, "-home-u-proj/s1.jsonl", s1.data);
  puts_file(w, "-home-u-proj/s2.jsonl", s2.data);
  puts_file(w, "-home-u-proj/s1/subagents/agent-x.jsonl", sub.data);
  scan_world(w);

  assert_int_equal(w->r.st.records, 7);
  assert_int_equal(w->r.set.copies, 7);
  assert_int_equal(w->r.set.dropped_sidechain, 1);
  assert_int_equal(w->r.set.n, 4);
  assert_int_equal(total_tokens(&w->r), 15 + 25 + 35 + 45);
  ev = find_event(&w->r, TS0 + 1000);
  assert_non_null(ev);
  assert_int_equal(ev->tok.cache_read, 0);
  assert_int_equal(ev->flags & EVENT_SIDECHAIN, 0);
  /* Identical copies: the smaller path is the tie-break. */
  assert_string_equal(str(&w->r, ev->file),
                      P(w, "cfg/projects/-home-u-proj/s1.jsonl"));
  assert_null(find_event(&w->r, TS0 + 9000));
  ev = find_event(&w->r, TS0 + 4000);
  assert_non_null(ev);
  assert_int_equal(ev->flags & EVENT_SIDECHAIN, EVENT_SIDECHAIN);
  assert_string_equal(str(&w->r, ev->session), "s1");
  assert_string_equal(
      str(&w->r, ev->file),
      P(w, "cfg/projects/-home-u-proj/s1/subagents/agent-x.jsonl"));

  /* Without sessionId the session is the path's stem: the parent. */
  memset(&r, 0, sizeof(r));
  r.id = "msg_E";
  r.req = "req_E";
  r.sec = 5;
  r.in = 1;
  r.out = 1;
  r.side = 1;
  buf_reset(&sub);
  transcript_add(&sub, &r);
  buf_adds(&sub, "\n");
  puts_file(w, "-home-u-proj/6f1c/subagents/agent-y.jsonl", sub.data);
  scan_world(w);
  ev = find_event(&w->r, TS0 + 5000);
  assert_non_null(ev);
  assert_string_equal(str(&w->r, ev->session), "6f1c");
  buf_release(&s1);
  buf_release(&s2);
  buf_release(&sub);
}

/* Progress callback: counts calls and remembers the last values. */
struct prog {
  int calls;
  uint64_t done, total;
};

static void on_progress(void *ctx, uint64_t done, uint64_t total)
{
  struct prog *p = ctx;

  p->calls++;
  p->done = done;
  p->total = total;
}

static void test_progress(void **state)
{
  struct world *w = *state;
  struct scan_opts o;
  struct err e = ERR_INIT;
  struct prog p;
  struct buf b = BUF_INIT;

  rec_line(&b, "msg_1", "req_1", 1, 1, 2, "\n");
  puts_file(w, "p/a.jsonl", b.data);
  discover_world(w);
  memset(&o, 0, sizeof(o));
  memset(&p, 0, sizeof(p));
  o.threads = 2;
  o.progress = on_progress;
  o.progress_ctx = &p;
  assert_int_equal(scan_run(&w->d, &o, &w->r, &e), 0);
  assert_true(p.calls >= 1);
  assert_int_equal(p.done, b.len);
  assert_int_equal(p.total, b.len);
  assert_int_equal(w->r.set.n, 1);
  buf_release(&b);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_totals, setup, teardown),
      cmocka_unit_test_setup_teardown(test_line_endings_and_issues, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_truncated_tail, setup, teardown),
      cmocka_unit_test_setup_teardown(test_empty_and_blank_files, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_huge_lines, setup, teardown),
      cmocka_unit_test_setup_teardown(test_units_and_threads_agree, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_split_line_numbers, setup, teardown),
      cmocka_unit_test_setup_teardown(test_issues_off, setup, teardown),
      cmocka_unit_test_setup_teardown(test_unreadable_file, setup, teardown),
      cmocka_unit_test(test_path_stem),
      cmocka_unit_test_setup_teardown(test_cross_file_dedup, setup, teardown),
      cmocka_unit_test_setup_teardown(test_progress, setup, teardown),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
