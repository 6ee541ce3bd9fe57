/* Tests for src/store/: edge cases (keyless calls, -0, huge totals, NULs,
 * a full disk, foreign files) and randomized sync and merge runs. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "store/schema.h"
#include "store/store.h"
#include "store/sync.h"
#include "store/view.h"
#include "storetest.h"
#include "tmptree.h"
#include "util/xalloc.h"

static void base(struct event *a, struct strtab *st)
{
  memset(a, 0, sizeof(*a));
  a->key[0] = 77;
  a->key[1] = 88;
  a->key_kind = EVENT_KEY_MSG_REQ;
  a->ts_ms = 1000;
  a->session = strtab_intern(st, "sess", 4);
  a->file = strtab_intern(st, "/f.jsonl", 8);
}

static const struct event *only_row(struct store *s, struct store_rows *r,
                                    struct strtab *out)
{
  struct err e = ERR_INIT;

  store_rows_init(r, out);
  assert_int_equal(store_since(s, 0, r, &e), 0);
  assert_int_equal(r->n, 1);
  return &r->ev[0];
}

/* MERGE: a copy whose total exceeds INT64_MAX must win (event_better). */
static void test_merge_total_over_int64(void **state)
{
  struct strtab st, out;
  struct event big, small;
  struct store *s = storetest_open(state);
  struct store_rows r;
  struct err e = ERR_INIT;

  strtab_init(&st);
  strtab_init(&out);
  base(&big, &st);
  big.tok.input = 5000000000000000000ULL;
  big.tok.output = 5000000000000000000ULL;
  base(&small, &st);
  small.tok.input = 1;
  assert_int_equal(store_put(s, &big, 1, &st, NULL, STORE_MERGE, NULL, &e), 0);
  assert_int_equal(store_put(s, &small, 1, &st, NULL, STORE_MERGE, NULL, &e),
                   0);
  (void)only_row(s, &r, &out);
  assert_int_equal(r.ev[0].tok.input, big.tok.input);
  assert_true(event_better(&big, &small, &st));
  store_rows_release(&r);
  store_close(s);
  strtab_release(&out);
  strtab_release(&st);
}

/* MERGE: strings with a NUL byte (JSON \u0000): C compares with strcmp. */
static void test_merge_nul_session(void **state)
{
  struct strtab st, out;
  struct event a, b;
  struct store *s = storetest_open(state);
  struct store_rows r;
  struct err e = ERR_INIT;

  strtab_init(&st);
  strtab_init(&out);
  base(&a, &st);
  a.session = strtab_intern(&st, "s\0b", 3);
  a.model = strtab_intern(&st, "a", 1);
  base(&b, &st);
  b.session = strtab_intern(&st, "s\0a", 3);
  b.model = strtab_intern(&st, "b", 1);
  assert_int_equal(store_put(s, &a, 1, &st, NULL, STORE_MERGE, NULL, &e), 0);
  assert_int_equal(store_put(s, &b, 1, &st, NULL, STORE_MERGE, NULL, &e), 0);
  (void)only_row(s, &r, &out);
  /* "s\0a" < "s\0b" byte by byte: b wins, in C and in SQL */
  assert_true(event_better(&b, &a, &st));
  assert_false(event_better(&a, &b, &st));
  assert_string_equal(strtab_get(&out, r.ev[0].model), "b");
  store_rows_release(&r);
  store_close(s);
  strtab_release(&out);
  strtab_release(&st);
}

/* MERGE: strings compare byte by byte, whatever the database's own
 * collation ("B" < "a", where a language puts "a" first). */
static void test_merge_byte_order(void **state)
{
  static const char *const ses[][2] = {{"B", "a"},
                                       {"Z", "a"},
                                       {"a", "ab"},
                                       {"\xc3\xa9", "\xc3\xa9"
                                                    "a"},
                                       {"x-1", "x_1"},
                                       {"Ab", "aB"}};
  struct strtab st, out;
  struct store *s = storetest_open(state);
  struct err e = ERR_INIT;
  size_t i;

  strtab_init(&st);
  for (i = 0; i < sizeof(ses) / sizeof(ses[0]); i++) {
    struct event a, b;
    struct store_rows r;
    int order;

    strtab_init(&out);
    base(&a, &st);
    a.key[0] = 1000 + i;
    a.session = strtab_intern(&st, ses[i][0], strlen(ses[i][0]));
    a.model = strtab_intern(&st, "first", 5);
    b = a;
    b.session = strtab_intern(&st, ses[i][1], strlen(ses[i][1]));
    b.model = strtab_intern(&st, "second", 6);
    /* the smaller session wins, whichever came first */
    order = strcmp(ses[i][0], ses[i][1]) < 0;
    assert_true(order);
    assert_true(event_better(&a, &b, &st));
    assert_int_equal(
        store_put(s, i % 2 ? &a : &b, 1, &st, NULL, STORE_MERGE, NULL, &e), 0);
    assert_int_equal(
        store_put(s, i % 2 ? &b : &a, 1, &st, NULL, STORE_MERGE, NULL, &e), 0);
    store_rows_init(&r, &out);
    assert_int_equal(store_since(s, 0, &r, &e), 0);
    assert_int_equal(r.n, i + 1);
    assert_string_equal(strtab_get(&out, r.ev[r.n - 1].model), "first");
    assert_string_equal(strtab_get(&out, r.ev[r.n - 1].session), ses[i][0]);
    store_rows_release(&r);
    strtab_release(&out);
  }
  store_close(s);
  strtab_release(&st);
}

/* Writes far bigger than one round trip's worth (PostgreSQL pipelines
 * them in chunks): every row and every deletion counted, in one seq. */
static void test_big_apply(void **state)
{
  struct strtab st, out;
  struct event *ev;
  struct store *s = storetest_open(state);
  struct store_rows r;
  struct err e = ERR_INIT;
  uint64_t *keys;
  size_t i, n = 1300, nk = 700, w = 0, d = 0, rows;
  int64_t seq;

  strtab_init(&st);
  ev = xcalloc(n, sizeof(*ev));
  keys = xcalloc(2 * nk, sizeof(*keys));
  for (i = 0; i < n; i++) {
    base(&ev[i], &st);
    ev[i].key[0] = i + 1;
    ev[i].tok.input = i;
  }
  assert_int_equal(
      storetest_apply(s, ev, n, &st, STORE_REPLACE, NULL, 0, &w, &d, &e), 0);
  assert_int_equal(w, n);
  assert_int_equal(d, 0);
  for (i = 0; i < n; i++)
    ev[i].tok.output = 1; /* all changed: all written again */
  for (i = 0; i < nk; i++) {
    keys[2 * i] = 2 * i + 1; /* every other row, and 50 unknown keys */
    keys[2 * i + 1] = 88;
  }
  assert_int_equal(
      storetest_apply(s, ev, n, &st, STORE_REPLACE, keys, nk, &w, &d, &e), 0);
  assert_int_equal(w, n);
  assert_int_equal(d, n / 2);
  assert_int_equal(store_count(s, &rows, &seq, &e), 0);
  assert_int_equal(rows, n - n / 2);
  assert_int_equal(seq, 2);
  strtab_init(&out);
  store_rows_init(&r, &out);
  assert_int_equal(store_since(s, 1, &r, &e), 0);
  assert_int_equal(r.n, n - n / 2);
  assert_int_equal(r.seq, 2);
  for (i = 0; i < r.n; i++) {
    assert_int_equal(r.ev[i].key[0] % 2, 0);
    assert_int_equal(r.ev[i].tok.input, r.ev[i].key[0] - 1);
    assert_int_equal(r.ev[i].tok.output, 1);
  }
  store_rows_release(&r);
  store_close(s);
  free(keys);
  free(ev);
  strtab_release(&out);
  strtab_release(&st);
}

/* Lines with neither message.id nor uuid: each its own call. */
static void test_sync_keyless(void **state)
{
  struct strtab st;
  struct event ev[3];
  struct dedup set;
  struct project_map pm;
  struct store *s = storetest_open(state);
  struct store_view v;
  struct store_sync_stats ss;
  struct err e = ERR_INIT;
  size_t i, rows;
  int64_t seq;

  strtab_init(&st);
  for (i = 0; i < 3; i++) {
    base(&ev[i], &st);
    ev[i].key[0] = ev[i].key[1] = 0;
    ev[i].key_kind = EVENT_KEY_NONE;
    ev[i].ts_ms = 1000 + (int64_t)i;
    ev[i].tok.output = 10 * (i + 1);
  }
  storetest_set(&set, &pm, ev, 3, &st, NULL);
  store_view_init(&v);
  assert_int_equal(store_view_load(&v, s, &e), 0);
  assert_int_equal(store_sync(s, &v, &set, &pm, &ss, &e), 0);
  assert_int_equal(store_sync_view(s, &v, &ss, &e), 0);
  assert_int_equal(store_count(s, &rows, &seq, &e), 0);
  assert_int_equal(rows, 3);
  assert_int_equal(v.set.n, 3);
  for (i = 0; i < 3; i++) {
    int64_t seq2;

    assert_int_equal(store_sync(s, &v, &set, &pm, &ss, &e), 0);
    assert_int_equal(ss.added + ss.better + ss.worse + ss.removed, 0);
    assert_false(ss.reload);
    assert_int_equal(store_sync_view(s, &v, &ss, &e), 0);
    assert_int_equal(store_count(s, &rows, &seq2, &e), 0);
    assert_int_equal(seq2, seq);
  }
  /* Two keyless calls equal in every field are still two. */
  storetest_set_release(&set, &pm);
  ev[2] = ev[1];
  storetest_set(&set, &pm, ev, 3, &st, NULL);
  assert_int_equal(store_sync(s, &v, &set, &pm, &ss, &e), 0);
  assert_int_equal(store_sync_view(s, &v, &ss, &e), 0);
  assert_int_equal(store_count(s, &rows, &seq, &e), 0);
  assert_int_equal(rows, 3);
  assert_int_equal(v.set.n, 3);
  storetest_set_release(&set, &pm);
  store_view_release(&v);
  store_close(s);
  strtab_release(&st);
}

/* costUSD -0.0: the same set synced twice must write nothing. */
static void test_sync_negzero_cost(void **state)
{
  struct strtab st;
  struct event a;
  struct dedup set;
  struct project_map pm;
  struct store *s = storetest_open(state);
  struct store_view v;
  struct store_sync_stats ss;
  struct err e = ERR_INIT;
  int i;

  strtab_init(&st);
  base(&a, &st);
  a.flags |= EVENT_HAS_COST;
  a.cost_usd = -0.0;
  storetest_set(&set, &pm, &a, 1, &st, NULL);
  store_view_init(&v);
  assert_int_equal(store_view_load(&v, s, &e), 0);
  for (i = 0; i < 3; i++) {
    assert_int_equal(store_sync(s, &v, &set, &pm, &ss, &e), 0);
    assert_int_equal(ss.worse, 0);
    assert_false(ss.reload);
    assert_int_equal(ss.added, i == 0 ? 1 : 0);
    assert_int_equal(store_sync_view(s, &v, &ss, &e), 0);
  }
  storetest_set_release(&set, &pm);
  store_view_release(&v);
  store_close(s);
  strtab_release(&st);
}

/* A write that fails for want of space, then one that should succeed. */
static void test_disk_full(void **state)
{
  struct tmptree *t = *state;
  char path[1024], wal[1100];
  struct strtab st;
  struct event *ev;
  struct store *s = NULL;
  struct err e = ERR_INIT;
  struct rlimit old, lim;
  struct stat sb;
  size_t i, n = 3000;
  int r;

  strtab_init(&st);
  ev = xcalloc(n, sizeof(*ev));
  for (i = 0; i < n; i++) {
    base(&ev[i], &st);
    ev[i].key[0] = i + 1;
    ev[i].tok.input = i;
  }
  tmptree_path(t, "full.db", path, sizeof(path));
  snprintf(wal, sizeof(wal), "%s-wal", path);
  assert_int_equal(store_open(&s, path, &e), 0);
  assert_int_equal(store_put(s, ev, 1, &st, NULL, STORE_REPLACE, NULL, &e), 0);
  assert_int_equal(stat(wal, &sb), 0);
  assert_int_equal(sb.st_mode & 0777, 0600);
  signal(SIGXFSZ, SIG_IGN);
  getrlimit(RLIMIT_FSIZE, &old);
  lim = old;
  lim.rlim_cur = 64 * 1024;
  setrlimit(RLIMIT_FSIZE, &lim);
  r = store_put(s, ev, n, &st, NULL, STORE_REPLACE, NULL, &e);
  setrlimit(RLIMIT_FSIZE, &old);
  assert_int_not_equal(r, 0);
  assert_non_null(strstr(e.msg, path));
  e.code = 0;
  r = store_put(s, ev + 5, 1, &st, NULL, STORE_REPLACE, NULL, &e);
  assert_int_equal(r, 0);
  {
    size_t rows;
    int64_t seq;

    /* the failed write left nothing: the first row and the last one */
    assert_int_equal(store_count(s, &rows, &seq, &e), 0);
    assert_int_equal(rows, 2);
  }
  store_close(s);
  free(ev);
  strtab_release(&st);
}

/* Opening a foreign database must leave it as it was. */
static void test_foreign_untouched(void **state)
{
  struct tmptree *t = *state;
  char path[1024];
  struct store *s = NULL;
  struct err e = ERR_INIT;
  sqlite3 *db;
  sqlite3_stmt *q;

  tmptree_path(t, "other.db", path, sizeof(path));
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  assert_int_equal(
      sqlite3_exec(db, "CREATE TABLE x (y INTEGER)", NULL, NULL, NULL), 0);
  sqlite3_close(db);
  assert_int_not_equal(store_open(&s, path, &e), 0);
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &q, NULL);
  sqlite3_step(q);
  assert_string_equal((const char *)sqlite3_column_text(q, 0), "delete");
  sqlite3_finalize(q);
  sqlite3_close(db);
}

static unsigned long long rnd(unsigned long long *s)
{
  *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
  return *s >> 33;
}

static void rcopy(struct event *ev, struct strtab *st, unsigned long long *rs)
{
  static const char *const ses[] = {"s-a", "s-b"};
  unsigned call = (unsigned)(rnd(rs) % 12);

  memset(ev, 0, sizeof(*ev));
  ev->key[0] = 1000 + call;
  ev->key[1] = rnd(rs) % 3; /* up to three request ids per message */
  ev->key_kind = ev->key[1] ? EVENT_KEY_MSG_REQ : EVENT_KEY_MSG_NOREQ;
  ev->ts_ms = 1763600000000LL + (int64_t)(rnd(rs) % 3) * 1000;
  ev->tok.output = rnd(rs) % 3;
  ev->session = strtab_intern(st, ses[rnd(rs) % 2], 3);
  ev->file = strtab_intern(st, "/f.jsonl", 8);
  if (rnd(rs) % 2)
    ev->flags |= EVENT_SIDECHAIN;
}

static void test_sync_fuzz(void **state)
{
  unsigned long long seed;

  for (seed = 1; seed <= 300; seed++) {
    unsigned long long rs = seed;
    struct strtab st;
    struct event pool[40];
    struct store *s = storetest_open(state);
    struct store_view v, fresh;
    struct err e = ERR_INIT;
    int round;
    size_t i;

    strtab_init(&st);
    for (i = 0; i < 40; i++)
      rcopy(&pool[i], &st, &rs);
    store_view_init(&v);
    assert_int_equal(store_view_load(&v, s, &e), 0);
    for (round = 0; round < 12; round++) {
      struct event pick[40];
      size_t n = 0;
      struct dedup set;
      struct project_map pm;
      struct store_sync_stats ss;

      for (i = 0; i < 40; i++)
        if (rnd(&rs) % 3)
          pick[n++] = pool[i];
      storetest_set(&set, &pm, pick, n, &st, NULL);
      assert_int_equal(store_sync(s, &v, &set, &pm, &ss, &e), 0);
      assert_int_equal(store_sync_view(s, &v, &ss, &e), 0);
      store_view_init(&fresh);
      assert_int_equal(store_view_load(&fresh, s, &e), 0);
      if (v.set.n != set.n || fresh.set.n != set.n)
        assert_int_equal(v.set.n, set.n);
      assert_int_equal(fresh.set.n, set.n);
      for (i = 0; i < set.n; i++) {
        assert_true(store_view_fp(&v.set.ev[i], &v.set.strs, NULL) ==
                    store_view_fp(&set.ev[i], &set.strs, NULL));
        assert_true(store_view_fp(&fresh.set.ev[i], &fresh.set.strs, NULL) ==
                    store_view_fp(&set.ev[i], &set.strs, NULL));
      }
      store_view_release(&fresh);
      storetest_set_release(&set, &pm);
    }
    store_view_release(&v);
    storetest_close(state, s);
    strtab_release(&st);
  }
}

static void test_merge_view_fuzz(void **state)
{
  unsigned long long seed;

  for (seed = 1; seed <= 300; seed++) {
    unsigned long long rs = seed;
    struct strtab st;
    struct event pool[60];
    struct store *s = storetest_open(state);
    struct store_view v, fresh;
    struct dedup ref;
    struct project_map pm;
    struct err e = ERR_INIT;
    size_t i, done = 0;

    strtab_init(&st);
    for (i = 0; i < 60; i++)
      rcopy(&pool[i], &st, &rs);
    store_view_init(&v);
    assert_int_equal(store_view_load(&v, s, &e), 0);
    while (done < 60) {
      size_t k = 1 + (size_t)(rnd(&rs) % 7);

      if (k > 60 - done)
        k = 60 - done;
      assert_int_equal(
          store_put(s, pool + done, k, &st, NULL, STORE_MERGE, NULL, &e), 0);
      done += k;
      assert_int_equal(store_view_update(&v, s, NULL, &e), 0);
      store_view_init(&fresh);
      assert_int_equal(store_view_load(&fresh, s, &e), 0);
      storetest_set(&ref, &pm, pool, done, &st, NULL);
      if (v.set.n != fresh.set.n || ref.n != fresh.set.n)
        assert_int_equal(v.set.n, fresh.set.n);
      assert_int_equal(ref.n, fresh.set.n);
      for (i = 0; i < ref.n; i++) {
        assert_true(store_view_fp(&v.set.ev[i], &v.set.strs, NULL) ==
                    store_view_fp(&fresh.set.ev[i], &fresh.set.strs, NULL));
        assert_true(store_view_fp(&ref.ev[i], &ref.strs, NULL) ==
                    store_view_fp(&fresh.set.ev[i], &fresh.set.strs, NULL));
      }
      store_view_release(&fresh);
      storetest_set_release(&ref, &pm);
    }
    store_view_release(&v);
    storetest_close(state, s);
    strtab_release(&st);
  }
}

int main(void)
{
  /* On each backend: each test opens a new, empty store. */
  const struct CMUnitTest both[] = {
      cmocka_unit_test(test_sync_fuzz),
      cmocka_unit_test(test_merge_view_fuzz),
      cmocka_unit_test(test_merge_total_over_int64),
      cmocka_unit_test(test_merge_nul_session),
      cmocka_unit_test(test_merge_byte_order),
      cmocka_unit_test(test_big_apply),
      cmocka_unit_test(test_sync_keyless),
      cmocka_unit_test(test_sync_negzero_cost),
  };
  /* SQLite's files. */
  const struct CMUnitTest lite[] = {
      cmocka_unit_test_setup_teardown(test_disk_full, tmptree_setup,
                                      tmptree_teardown),
      cmocka_unit_test_setup_teardown(test_foreign_untouched, tmptree_setup,
                                      tmptree_teardown),
  };
  int failed = cmocka_run_group_tests_name("store edges on sqlite files", lite,
                                           NULL, NULL);
  int r = storetest_run("store edges", both, sizeof(both) / sizeof(both[0]));

  return failed ? failed : r;
}
