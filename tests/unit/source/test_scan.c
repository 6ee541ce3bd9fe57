/* Tests for src/source/scan.c: lines, issues, files and the merged set. */
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
#include "transcript.h"
#include "util/buf.h"
#include "util/banned.h"

#define TS0 TRANSCRIPT_T0_MS

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
  struct transcript_world *w = *state;
  struct buf a = BUF_INIT, b = BUF_INIT;
  const struct event *ev;

  /* Three streaming copies of one call (largest wins), two other calls. */
  transcript_line(&a, "msg_A", "req_A", 1, 10, 1, "\n");
  transcript_line(&a, "msg_A", "req_A", 2, 10, 7, "\n");
  transcript_line(&a, "msg_A", "req_A", 3, 10, 50, "\n");
  transcript_line(&a, "msg_B", "req_B", 10, 100, 20, "\n");
  buf_adds(&a, "{\"type\":\"user\",\"message\":{\"role\":\"user\","
               "\"content\":\"hello\"},\"timestamp\":"
               "\"2026-03-10T06:00:00.000Z\"}\n");
  transcript_line(&b, "msg_C", "req_C", 20, 1000, 300, "\n");
  transcript_put(w, "-home-u-proj/s1.jsonl", a.data, a.len);
  transcript_put(w, "-home-u-proj/s2.jsonl", b.data, b.len);
  transcript_world_scan(w);

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
  assert_string_equal(transcript_str(&w->r, ev->session), "s1");
  assert_string_equal(transcript_str(&w->r, ev->model),
                      "claude-sonnet-4-5-20250929");
  assert_string_equal(transcript_str(&w->r, ev->cwd), "/home/u/proj");
  assert_string_equal(transcript_str(&w->r, ev->file),
                      transcript_path(w, "cfg/projects/-home-u-proj/"
                                         "s1.jsonl"));
  ev = &w->r.set.ev[2];
  assert_int_equal(ev->tok.input, 1000);
  assert_int_equal(ev->tok.output, 300);
  assert_string_equal(transcript_str(&w->r, ev->file),
                      transcript_path(w, "cfg/projects/-home-u-proj/"
                                         "s2.jsonl"));
  buf_release(&a);
  buf_release(&b);
}

static void test_line_endings_and_issues(void **state)
{
  struct transcript_world *w = *state;
  struct buf b = BUF_INIT;
  struct transcript_rec r;

  transcript_line(&b, "msg_1", "req_1", 1, 1, 2, "\r\n"); /* 1: CRLF record */
  buf_adds(&b, "\n");                                     /* 2: empty */
  buf_adds(&b, "  \t \n");                                /* 3: spaces */
  buf_adds(&b, "\r\n");                                   /* 4: CRLF only */
  buf_adds(&b, "not json at all\n");                      /* 5: malformed */
  buf_adds(&b, "{\"type\":\"user\",\"x\":1}\r\n");        /* 6: no usage */
  memset(&r, 0, sizeof(r));                               /* 7: bad UTF-8 */
  r.id = "msg_2";
  r.req = "req_2";
  r.session = "s1";
  r.sec = 2;
  r.in = 5;
  r.out = 5;
  r.text = "caf\xc3\x28 \xff";
  transcript_add(&b, &r);
  buf_adds(&b, "\n");
  transcript_line(&b, "msg_3", "req_3", 3, 1, 1, ""); /* 8: cut short */
  buf_setlen(&b, b.len - 2);
  buf_adds(&b, "\n");
  buf_adds(&b, "{\"type\":\"summary\"}\n");           /* 9: valid, no usage */
  buf_adds(&b, "[1,2]\n");                            /* 10: malformed */
  transcript_line(&b, "msg_4", "req_4", 4, 3, 4, ""); /* 11: last, no '\n' */
  transcript_puts(w, "p/a.jsonl", b.data);
  transcript_world_scan(w);

  assert_int_equal(w->r.st.lines, 11);
  assert_int_equal(w->r.st.blank, 3);
  assert_int_equal(w->r.st.malformed, 3);
  assert_int_equal(w->r.st.bad_utf8, 1);
  assert_int_equal(w->r.st.truncated, 0);
  assert_int_equal(w->r.st.records, 2);
  assert_int_equal(w->r.set.n, 2);
  assert_non_null(transcript_find(&w->r, TS0 + 1000));
  assert_non_null(transcript_find(&w->r, TS0 + 4000));
  assert_int_equal(transcript_find(&w->r, TS0 + 4000)->tok.output, 4);

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
  struct transcript_world *w = *state;
  struct buf b = BUF_INIT, c = BUF_INIT, t = BUF_INIT;

  /* A file being appended: the unfinished last line waits for next run. */
  transcript_line(&b, "msg_1", "req_1", 1, 1, 2, "\n");
  transcript_line(&b, "msg_2", "req_2", 2, 1, 2, "");
  buf_setlen(&b, b.len - 30);
  transcript_puts(w, "p/a.jsonl", b.data);
  /* Cut before "usage": not even a candidate, still truncated. */
  transcript_line(&c, "msg_3", "req_3", 3, 1, 2, "\n");
  buf_adds(&c, "{\"type\":\"user\",\"message\":{\"content\":\"abc");
  transcript_puts(w, "p/b.jsonl", c.data);
  /* A whitespace tail is neither blank nor truncated yet. */
  transcript_line(&t, "msg_4", "req_4", 4, 1, 2, "\n");
  buf_adds(&t, "  ");
  transcript_puts(w, "p/c.jsonl", t.data);
  transcript_world_scan(w);

  assert_int_equal(w->r.st.lines, 6);
  assert_int_equal(w->r.st.records, 3);
  assert_int_equal(w->r.st.truncated, 2);
  assert_int_equal(w->r.st.malformed, 0);
  assert_int_equal(w->r.st.blank, 0);
  assert_int_equal(w->r.nissues, 0);
  assert_int_equal(w->r.set.n, 3);
  assert_null(transcript_find(&w->r, TS0 + 2000));
  buf_release(&b);
  buf_release(&c);
  buf_release(&t);
}

static void test_empty_and_blank_files(void **state)
{
  struct transcript_world *w = *state;

  transcript_puts(w, "p/empty.jsonl", "");
  transcript_puts(w, "p/blank.jsonl", "\n\n  \n\t\r\n\r\n");
  transcript_world_scan(w);
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
    transcript_scan_ok(&none, &r, 0, 0);
    assert_int_equal(r.st.files, 0);
    assert_int_equal(r.st.lines, 0);
    assert_int_equal(r.set.n, 0);
    assert_int_equal(r.set.finished, 1);
    scan_result_release(&r);
    discover_release(&none);
  }
}

static void test_issues_off(void **state)
{
  struct transcript_world *w = *state;
  struct scan_opts o;
  struct err e = ERR_INIT;

  transcript_puts(w, "p/a.jsonl", "bad\nworse\n");
  transcript_world_discover(w);
  memset(&o, 0, sizeof(o));
  o.threads = 1;
  assert_int_equal(scan_run(&w->d, &o, &w->r, &e), 0);
  assert_int_equal(w->r.st.malformed, 2);
  assert_int_equal(w->r.nissues, 0);
}

static void test_unreadable_file(void **state)
{
  struct transcript_world *w = *state;
  struct buf b = BUF_INIT;
  char want[4400];
  static const uint64_t units[] = {0, 16};
  size_t u;

  transcript_line(&b, "msg_1", "req_1", 1, 1, 2, "\n");
  transcript_puts(w, "p/a.jsonl", b.data);
  transcript_puts(w, "p/gone.jsonl", b.data);
  transcript_world_discover(w);
  assert_int_equal(w->d.nfiles, 2);
  /* Found, then removed before it is read (works as root too). */
  assert_int_equal(unlink(transcript_path(w, "cfg/projects/p/gone.jsonl")), 0);
  snprintf(want, sizeof(want), "cannot read '%s': %s\n",
           transcript_path(w, "cfg/projects/p/gone.jsonl"), strerror(ENOENT));
  for (u = 0; u < 2; u++) {
    /* Split into many units, the file is still one unreadable file. */
    transcript_scan_ok(&w->d, &w->r, units[u], 2);
    assert_int_equal(w->r.st.unreadable, 1);
    assert_string_equal(w->r.warnings.data, want);
    assert_int_equal(w->r.st.files, 2);
    assert_int_equal(w->r.st.records, 1);
    assert_int_equal(w->r.set.n, 1);
    assert_string_equal(transcript_str(&w->r, w->r.set.ev[0].file),
                        transcript_path(w, "cfg/projects/p/a.jsonl"));
  }

  /* Several unreadable files: one warning each, in path order (not in
   * the largest-first order units are read in). */
  {
    struct buf big = BUF_INIT, two = BUF_INIT;

    buf_addrep(&big, '\n', 5000);
    transcript_put(w, "p/gone-b.jsonl", big.data, big.len);
    transcript_puts(w, "p/gone-a.jsonl", "\n");
    transcript_world_discover(w);
    assert_int_equal(unlink(transcript_path(w, "cfg/projects/p/gone-a.jsonl")),
                     0);
    assert_int_equal(unlink(transcript_path(w, "cfg/projects/p/gone-b.jsonl")),
                     0);
    buf_addf(&two, "cannot read '%s': %s\n",
             transcript_path(w, "cfg/projects/p/gone-a.jsonl"),
             strerror(ENOENT));
    buf_addf(&two, "cannot read '%s': %s\n",
             transcript_path(w, "cfg/projects/p/gone-b.jsonl"),
             strerror(ENOENT));
    transcript_scan_ok(&w->d, &w->r, 1000, 2);
    assert_int_equal(w->r.st.unreadable, 2);
    assert_string_equal(w->r.warnings.data, two.data);
    assert_int_equal(w->r.st.records, 1);
    buf_release(&big);
    buf_release(&two);
  }

  /* Mode 000 stops every user but root. */
  transcript_puts(w, "p/locked.jsonl", b.data);
  assert_int_equal(chmod(transcript_path(w, "cfg/projects/p/locked.jsonl"), 0),
                   0);
  transcript_world_discover(w);
  transcript_scan_ok(&w->d, &w->r, 0, 1);
  if (geteuid() == 0) {
    assert_int_equal(w->r.st.unreadable, 0);
    assert_int_equal(w->r.st.records, 2);
  } else {
    snprintf(want, sizeof(want), "cannot read '%s': %s\n",
             transcript_path(w, "cfg/projects/p/locked.jsonl"),
             strerror(EACCES));
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
  struct transcript_world *w = *state;
  struct buf s1 = BUF_INIT, s2 = BUF_INIT, sub = BUF_INIT;
  struct transcript_rec r;
  const struct event *ev;

  /* s2 resumes s1: its first lines repeat s1's history verbatim. */
  transcript_line(&s1, "msg_A", "req_A", 1, 10, 5, "\n");
  transcript_line(&s1, "msg_B", "req_B", 2, 20, 5, "\n");
  transcript_line(&s2, "msg_A", "req_A", 1, 10, 5, "\n");
  transcript_line(&s2, "msg_B", "req_B", 2, 20, 5, "\n");
  transcript_line(&s2, "msg_C", "req_C", 3, 30, 5, "\n");
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
  transcript_puts(w, "-home-u-proj/s1.jsonl", s1.data);
  transcript_puts(w, "-home-u-proj/s2.jsonl", s2.data);
  transcript_puts(w, "-home-u-proj/s1/subagents/agent-x.jsonl", sub.data);
  transcript_world_scan(w);

  assert_int_equal(w->r.st.records, 7);
  assert_int_equal(w->r.set.copies, 7);
  assert_int_equal(w->r.set.dropped_sidechain, 1);
  assert_int_equal(w->r.set.n, 4);
  assert_int_equal(total_tokens(&w->r), 15 + 25 + 35 + 45);
  ev = transcript_find(&w->r, TS0 + 1000);
  assert_non_null(ev);
  assert_int_equal(ev->tok.cache_read, 0);
  assert_int_equal(ev->flags & EVENT_SIDECHAIN, 0);
  /* Identical copies: the smaller path is the tie-break. */
  assert_string_equal(transcript_str(&w->r, ev->file),
                      transcript_path(w, "cfg/projects/-home-u-proj/s1.jsonl"));
  assert_null(transcript_find(&w->r, TS0 + 9000));
  ev = transcript_find(&w->r, TS0 + 4000);
  assert_non_null(ev);
  assert_int_equal(ev->flags & EVENT_SIDECHAIN, EVENT_SIDECHAIN);
  assert_string_equal(transcript_str(&w->r, ev->session), "s1");
  assert_string_equal(
      transcript_str(&w->r, ev->file),
      transcript_path(w,
                      "cfg/projects/-home-u-proj/s1/subagents/agent-x.jsonl"));

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
  transcript_puts(w, "-home-u-proj/6f1c/subagents/agent-y.jsonl", sub.data);
  transcript_world_scan(w);
  ev = transcript_find(&w->r, TS0 + 5000);
  assert_non_null(ev);
  assert_string_equal(transcript_str(&w->r, ev->session), "6f1c");
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
  struct transcript_world *w = *state;
  struct scan_opts o;
  struct err e = ERR_INIT;
  struct prog p;
  struct buf b = BUF_INIT;

  transcript_line(&b, "msg_1", "req_1", 1, 1, 2, "\n");
  transcript_puts(w, "p/a.jsonl", b.data);
  transcript_world_discover(w);
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
      TRANSCRIPT_WORLD_TEST(test_totals),
      TRANSCRIPT_WORLD_TEST(test_line_endings_and_issues),
      TRANSCRIPT_WORLD_TEST(test_truncated_tail),
      TRANSCRIPT_WORLD_TEST(test_empty_and_blank_files),
      TRANSCRIPT_WORLD_TEST(test_issues_off),
      TRANSCRIPT_WORLD_TEST(test_unreadable_file),
      cmocka_unit_test(test_path_stem),
      TRANSCRIPT_WORLD_TEST(test_cross_file_dedup),
      TRANSCRIPT_WORLD_TEST(test_progress),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
