/* Tests for src/core/dedup.c and event.c: which copy of a call counts. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/dedup.h"
#include "core/event.h"
#include "testutil.h"

/* A copy as the parser would hand it over. */
struct copy {
  const char *id, *req, *uuid, *session;
  int64_t ts_ms;
  uint64_t in, out, cread;
  int side;
};

static void make_ev(struct dedup *d, const struct copy *c, struct event *ev)
{
  struct usage_rec r;

  memset(&r, 0, sizeof(r));
  if (c->id)
    r.msg_id = (struct span){c->id, strlen(c->id)};
  if (c->req)
    r.req_id = (struct span){c->req, strlen(c->req)};
  if (c->uuid)
    r.uuid = (struct span){c->uuid, strlen(c->uuid)};
  r.session_id = (struct span){c->session ? c->session : "s",
                               strlen(c->session ? c->session : "s")};
  r.ts_ms = c->ts_ms;
  r.tok.input = c->in;
  r.tok.output = c->out;
  r.tok.cache_read = c->cread;
  if (c->side)
    r.flags |= USAGE_SIDECHAIN;
  event_from_rec(ev, &r, &d->strs, 0, 0);
}

static void add(struct dedup *d, const struct copy *c)
{
  struct event ev;

  make_ev(d, c, &ev);
  dedup_add(d, &ev);
}

static uint64_t total_of(const struct dedup *d)
{
  uint64_t t = 0;
  size_t i;

  for (i = 0; i < d->n; i++)
    t += tokens_total(&d->ev[i].tok);
  return t;
}

/* Runs copies through one set, in the given order. */
static void run(const struct copy *c, size_t n, const size_t *order,
                struct dedup *d)
{
  size_t i;

  dedup_init(d);
  for (i = 0; i < n; i++)
    add(d, &c[order ? order[i] : i]);
  dedup_finish(d);
}

static void test_streaming_copies(void **state)
{
  /* §8 item 1: output 9 then 159 -> once, 159. */
  const struct copy c[] = {
      {"msg_A", "req_1", "u1", "s", 1000, 10, 9, 0, 0},
      {"msg_A", "req_1", "u2", "s", 1001, 10, 159, 0, 0},
  };
  size_t rev[] = {1, 0};
  struct dedup d;

  (void)state;
  run(c, 2, NULL, &d);
  assert_int_equal(d.n, 1);
  assert_int_equal(d.ev[0].tok.output, 159);
  assert_int_equal(d.ev[0].ts_ms, 1001);
  dedup_release(&d);
  run(c, 2, rev, &d);
  assert_int_equal(d.n, 1);
  assert_int_equal(d.ev[0].tok.output, 159);
  dedup_release(&d);
}

static void test_identical_copies(void **state)
{
  /* §8 item 2: identical usage on five lines -> once, earliest copy. */
  struct copy c[5];
  struct dedup d;
  size_t i;

  (void)state;
  for (i = 0; i < 5; i++)
    c[i] = (struct copy){"msg_B", "req_2", NULL, "s", 5000 - (int64_t)i,
                         3,       7,       100,  0};
  run(c, 5, NULL, &d);
  assert_int_equal(d.n, 1);
  assert_int_equal(total_of(&d), 110);
  assert_int_equal(d.ev[0].ts_ms, 4996);
  dedup_release(&d);
}

static void test_request_id_rules(void **state)
{
  /* §8 item 3: same id, no requestId on both -> once (larger total);
   * one with and one without -> twice. §8 item 4: no id -> every line. */
  const struct copy noreq[] = {
      {"msg_C", NULL, NULL, "s", 1, 10, 5, 0, 0},
      {"msg_C", NULL, NULL, "s", 2, 10, 50, 0, 0},
  };
  const struct copy mixed[] = {
      {"msg_D", "req_1", NULL, "s", 1, 10, 5, 0, 0},
      {"msg_D", NULL, NULL, "s", 2, 10, 50, 0, 0},
  };
  const struct copy noid[] = {
      {NULL, "req_1", NULL, "s", 1, 1, 1, 0, 0},
      {NULL, "req_1", NULL, "s", 1, 1, 1, 0, 0},
      {NULL, NULL, "uuid-x", "s", 1, 2, 2, 0, 0},
      {NULL, NULL, "uuid-x", "s", 3, 2, 3, 0, 0},
  };
  struct dedup d;

  (void)state;
  run(noreq, 2, NULL, &d);
  assert_int_equal(d.n, 1);
  assert_int_equal(total_of(&d), 60);
  dedup_release(&d);
  run(mixed, 2, NULL, &d);
  assert_int_equal(d.n, 2);
  assert_int_equal(total_of(&d), 75);
  dedup_release(&d);
  /* Without message.id the uuid is the key; with neither, each line. */
  run(noid, 4, NULL, &d);
  assert_int_equal(d.n, 3);
  assert_int_equal(total_of(&d), 2 + 2 + 5);
  dedup_release(&d);
}

static void test_cross_file_winner(void **state)
{
  /* §8 item 5: 10:00 total 100 and 12:00 total 120 -> once, at 12:00;
   * equal totals -> the earlier timestamp, whatever the order. */
  const struct copy bigger[] = {
      {"msg_E", "req_5", NULL, "s1", 36000000, 50, 50, 0, 0},
      {"msg_E", "req_5", NULL, "s2", 43200000, 60, 60, 0, 0},
  };
  const struct copy tie[] = {
      {"msg_F", "req_6", NULL, "s2", 43200000, 50, 50, 0, 0},
      {"msg_F", "req_6", NULL, "s1", 36000000, 50, 50, 0, 0},
  };
  size_t rev[] = {1, 0};
  struct dedup d;

  (void)state;
  run(bigger, 2, NULL, &d);
  assert_int_equal(d.ev[0].ts_ms, 43200000);
  assert_int_equal(total_of(&d), 120);
  dedup_release(&d);
  run(tie, 2, NULL, &d);
  assert_int_equal(d.ev[0].ts_ms, 36000000);
  assert_string_equal(strtab_get(&d.strs, d.ev[0].session), "s1");
  dedup_release(&d);
  run(tie, 2, rev, &d);
  assert_int_equal(d.ev[0].ts_ms, 36000000);
  dedup_release(&d);
}

static void test_sidechain_replay(void **state)
{
  /* §8 item 6: parent (r1, read 20) + sidechain replay (same id, r2,
   * read 50,000) -> only the parent, in either order. */
  const struct copy c[] = {
      {"msg_G", "r1", NULL, "s", 100, 1, 1, 20, 0},
      {"msg_G", "r2", NULL, "s", 200, 1, 1, 50000, 1},
  };
  /* Two sidechain calls with no parent copy both count. */
  const struct copy alone[] = {
      {"msg_H", "r1", NULL, "s", 100, 1, 1, 20, 1},
      {"msg_H", "r2", NULL, "s", 200, 1, 1, 30, 1},
  };
  /* Same key on both sides: the non-sidechain copy wins though smaller. */
  const struct copy samekey[] = {
      {"msg_I", "r1", NULL, "s", 100, 1, 1, 5000, 1},
      {"msg_I", "r1", NULL, "s", 200, 1, 1, 10, 0},
  };
  size_t rev[] = {1, 0};
  struct dedup d;

  (void)state;
  run(c, 2, NULL, &d);
  assert_int_equal(d.n, 1);
  assert_int_equal(total_of(&d), 22);
  assert_int_equal(d.dropped_sidechain, 1);
  dedup_release(&d);
  run(c, 2, rev, &d);
  assert_int_equal(total_of(&d), 22);
  dedup_release(&d);
  run(alone, 2, NULL, &d);
  assert_int_equal(d.n, 2);
  dedup_release(&d);
  run(samekey, 2, NULL, &d);
  assert_int_equal(d.n, 1);
  assert_int_equal(total_of(&d), 12);
  dedup_release(&d);
}

/* Random copies of a few calls, added in random orders and through split
 * sets that are merged: the kept events must not change. */
/* Fails unless d and ref hold the same events in the same order. */
static void assert_same_set(const struct dedup *d, const struct dedup *ref)
{
  size_t i;

  /* dropped_sidechain may differ: an overlaid copy of a key dropped
   * earlier is counted again. Only the statistic is off. */
  assert_int_equal(d->n, ref->n);
  for (i = 0; i < d->n; i++) {
    char ua[40], ub[40];

    assert_int_equal(d->ev[i].ts_ms, ref->ev[i].ts_ms);
    assert_int_equal(d->ev[i].flags, ref->ev[i].flags);
    assert_memory_equal(&d->ev[i].tok, &ref->ev[i].tok, sizeof(d->ev[i].tok));
    assert_string_equal(strtab_get(&d->strs, d->ev[i].session),
                        strtab_get(&ref->strs, ref->ev[i].session));
    event_uuid(&d->ev[i], &d->strs, ua);
    event_uuid(&ref->ev[i], &ref->strs, ub);
    assert_string_equal(ua, ub);
  }
}

/* A finished set of some copies, then the rest overlaid in chunks, is
 * the finished set of all of them. */
static void test_overlay(void **state)
{
  enum { N = 300 };
  static const char *const ids[] = {"m1", "m2", "m3", "m4", "m5"};
  static const char *const reqs[] = {"r1", "r2", NULL};
  static const char *const sess[] = {"a", "b"};
  static const char *const uuids[] = {"00000000-0000-4000-8000-000000000001",
                                      "00000000-0000-4000-8000-000000000002",
                                      NULL};
  struct copy c[N];
  struct event ev[N];
  unsigned long long rs = 11;
  size_t i, round;

  (void)state;
  for (round = 0; round < 200; round++) {
    size_t n = 1 + testutil_rand(&rs) % N, base, at;
    struct dedup ref, d;

    for (i = 0; i < n; i++) {
      unsigned long long r = testutil_rand(&rs);

      c[i] = (struct copy){r % 9 == 0 ? NULL : ids[r % 5],
                           reqs[(r >> 8) % 3],
                           uuids[(r >> 12) % 3],
                           sess[(r >> 16) % 2],
                           (int64_t)((r >> 20) % 5) * 1000,
                           (r >> 24) % 3,
                           (r >> 28) % 2,
                           (r >> 32) % 2,
                           (int)((r >> 40) % 3 == 0)};
    }
    run(c, n, NULL, &ref);
    base = testutil_rand(&rs) % (n + 1);
    run(c, base, NULL, &d);
    if (round % 2) {
      /* room after the set: the overlay merges in place */
      d.ev = realloc(d.ev, (d.n + N + 1) * sizeof(*d.ev));
      assert_non_null(d.ev);
      d.cap = d.n + N + 1;
    }
    for (at = base; at < n;) {
      size_t k = 1 + testutil_rand(&rs) % (n - at);

      for (i = 0; i < k; i++)
        make_ev(&d, &c[at + i], &ev[i]);
      dedup_overlay(&d, ev, k);
      at += k;
    }
    assert_int_equal(d.copies, n);
    assert_same_set(&d, &ref);
    dedup_release(&d);
    dedup_release(&ref);
  }
}

/* A by-file set keeps one copy per file. */
static void test_by_file(void **state)
{
  const struct copy c = {"m", "r", NULL, "s", 1, 5, 5, 0, 0};
  struct event e;
  struct dedup d;

  (void)state;
  dedup_init(&d);
  dedup_by_file(&d);
  make_ev(&d, &c, &e);
  e.file = strtab_intern(&d.strs, "a.jsonl", 7);
  dedup_add(&d, &e);
  dedup_add(&d, &e);
  e.file = strtab_intern(&d.strs, "b.jsonl", 7);
  dedup_add(&d, &e);
  assert_int_equal(d.n, 2);
  assert_int_equal(d.copies, 3);
  dedup_release(&d);
}

static void test_order_independence(void **state)
{
  enum { N = 400 };
  static const char *const ids[] = {"m1", "m2", "m3", "m4", "m5", "m6"};
  static const char *const reqs[] = {"r1", "r2", NULL};
  static const char *const sess[] = {"a", "b", "c"};
  static const char *const uuids[] = {"00000000-0000-4000-8000-000000000001",
                                      "00000000-0000-4000-8000-000000000002",
                                      "Not-A-Uuid", NULL};
  struct copy c[N];
  size_t order[N], i, round;
  unsigned long long rs = 7;
  struct dedup ref, d, parts[3];

  (void)state;
  for (i = 0; i < N; i++) {
    unsigned long long r = testutil_rand(&rs);

    c[i] = (struct copy){r % 7 == 0 ? NULL : ids[r % 6],
                         reqs[(r >> 8) % 3],
                         uuids[(r >> 12) % 4],
                         sess[(r >> 16) % 3],
                         (int64_t)((r >> 20) % 4) * 1000,
                         (r >> 24) % 3,
                         (r >> 28) % 3,
                         (r >> 32) % 2,
                         (int)((r >> 40) % 4 == 0)};
    order[i] = i;
  }
  run(c, N, NULL, &ref);
  for (round = 0; round < 50; round++) {
    for (i = N - 1; i > 0; i--) {
      size_t j = (size_t)(testutil_rand(&rs) % (i + 1)), t = order[i];

      order[i] = order[j];
      order[j] = t;
    }
    for (i = 0; i < 3; i++)
      dedup_init(&parts[i]);
    for (i = 0; i < N; i++)
      add(&parts[testutil_rand(&rs) % 3], &c[order[i]]);
    dedup_init(&d);
    for (i = 0; i < 3; i++) {
      dedup_merge(&d, &parts[i]);
      dedup_release(&parts[i]);
    }
    dedup_finish(&d);
    assert_int_equal(d.n, ref.n);
    assert_int_equal(d.copies, N);
    for (i = 0; i < d.n; i++) {
      char ua[40], ub[40];

      assert_int_equal(d.ev[i].ts_ms, ref.ev[i].ts_ms);
      assert_memory_equal(&d.ev[i].tok, &ref.ev[i].tok, sizeof(d.ev[i].tok));
      assert_string_equal(strtab_get(&d.strs, d.ev[i].session),
                          strtab_get(&ref.strs, ref.ev[i].session));
      event_uuid(&d.ev[i], &d.strs, ua);
      event_uuid(&ref.ev[i], &ref.strs, ub);
      assert_string_equal(ua, ub);
    }
    dedup_release(&d);
  }
  dedup_release(&ref);
}

static void test_uuid_round_trip(void **state)
{
  struct dedup d;
  char out[40];
  const struct copy c[] = {
      {"m", "r", "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "s", 1, 1, 1, 0, 0},
      {"n", "r", "UPPER-case", "s", 1, 1, 1, 0, 0},
  };

  (void)state;
  run(c, 2, NULL, &d);
  event_uuid(&d.ev[0], &d.strs, out);
  assert_true(!strcmp(out, "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d") ||
              !strcmp(out, "UPPER-case"));
  event_uuid(&d.ev[1], &d.strs, out);
  assert_true(!strcmp(out, "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d") ||
              !strcmp(out, "UPPER-case"));
  dedup_release(&d);
}

/* A cwd of "" names no directory: the call has none, as without cwd. */
static void test_empty_cwd(void **state)
{
  struct usage_rec r;
  struct strtab st;
  struct event ev;

  (void)state;
  strtab_init(&st);
  memset(&r, 0, sizeof(r));
  r.cwd = (struct span){"", 0};
  event_from_rec(&ev, &r, &st, 0, 0);
  assert_int_equal(ev.cwd, 0);
  r.cwd = (struct span){"/w", 2};
  event_from_rec(&ev, &r, &st, 0, 0);
  assert_string_equal(strtab_get(&st, ev.cwd), "/w");
  strtab_release(&st);
}

/* Session ids that differ only after a NUL (JSON "\u0000") still
 * order: whole bytes compare, as the store's SQL does. */
static void test_nul_in_session(void **state)
{
  struct copy a = {"m", "r", NULL, NULL, 1000, 1, 1, 0, 0};
  struct dedup d;
  struct event x, y;

  (void)state;
  dedup_init(&d);
  make_ev(&d, &a, &x);
  make_ev(&d, &a, &y);
  x.session = strtab_intern(&d.strs, "s\0b", 3);
  y.session = strtab_intern(&d.strs, "s\0a", 3);
  assert_true(event_better(&y, &x, &d.strs));
  assert_false(event_better(&x, &y, &d.strs));
  y.session = strtab_intern(&d.strs, "s", 1); /* a prefix sorts first */
  assert_true(event_better(&y, &x, &d.strs));
  dedup_release(&d);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_streaming_copies),
      cmocka_unit_test(test_identical_copies),
      cmocka_unit_test(test_request_id_rules),
      cmocka_unit_test(test_cross_file_winner),
      cmocka_unit_test(test_sidechain_replay),
      cmocka_unit_test(test_order_independence),
      cmocka_unit_test(test_overlay),
      cmocka_unit_test(test_by_file),
      cmocka_unit_test(test_uuid_round_trip),
      cmocka_unit_test(test_empty_cwd),
      cmocka_unit_test(test_nul_in_session),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
