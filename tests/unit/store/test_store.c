/* Tests for src/store/: the store on each backend, its merge rule and
 * its view. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "store/schema.h"
#include "store/store.h"
#include "store/sync.h"
#include "store/view.h"
#include "storetest.h"
#include "testutil.h"
#include "tmptree.h"
#include "util/buf.h"
#include "util/xalloc.h"

/* Copies of calls: the fields §3.5 decides on vary a little, so that
 * every criterion (and the exact ties behind them) gets exercised. */
static void random_copy(struct event *ev, struct strtab *st,
                        unsigned long long *rs, unsigned ncalls)
{
  static const char *const sessions[] = {"s-a", "s-b", "s-c"};
  static const char *const models[] = {"claude-sonnet-4-5", "claude-opus-4-1",
                                       "m"};
  static const char *const uuids[] = {"0f2c0a6e-5b1d-4c1e-9d1a-1b2c3d4e5f60",
                                      "8a2c0a6e-5b1d-4c1e-9d1a-1b2c3d4e5f60",
                                      "not-a-uuid", NULL};
  unsigned call = (unsigned)(testutil_rand(rs) % ncalls);
  const char *u = uuids[testutil_rand(rs) % 4];
  char cwd[32];

  memset(ev, 0, sizeof(*ev));
  /* One message id in four has a second request id: the sidechain rule
   * then groups two keys. */
  ev->key[0] = 1000 + call;
  ev->key[1] = call % 4 == 0 ? testutil_rand(rs) % 2 : 0;
  ev->key_kind = EVENT_KEY_MSG_REQ;
  ev->ts_ms = 1763600000000LL + (int64_t)(testutil_rand(rs) % 3) * 1000 +
              (int64_t)call * 60000;
  ev->tok.input = testutil_rand(rs) % 3;
  ev->tok.output = testutil_rand(rs) % 3;
  ev->tok.cache_read = testutil_rand(rs) % 2 ? 100 : 0;
  ev->tok.cache_write_5m = testutil_rand(rs) % 2;
  ev->session = strtab_intern(st, sessions[testutil_rand(rs) % 3], 3);
  ev->model = strtab_intern(st, models[call % 3], strlen(models[call % 3]));
  snprintf(cwd, sizeof(cwd), "/home/u/p%u", (unsigned)(call % 5));
  ev->cwd = strtab_intern(st, cwd, strlen(cwd));
  ev->file = strtab_intern(st, "/f.jsonl", 8);
  if (testutil_rand(rs) % 5 == 0)
    ev->flags |= EVENT_SIDECHAIN;
  if (testutil_rand(rs) % 3 == 0) {
    ev->flags |= EVENT_HAS_COST;
    ev->cost_usd = 0.25 * (double)(testutil_rand(rs) % 3);
  }
  if (u)
    event_set_uuid(ev, st, u, strlen(u));
}

/* 1 when both finished sets hold the same calls, field by field. */
static void assert_sets_equal(const struct dedup *a, const struct dedup *b)
{
  size_t i;

  assert_int_equal(a->n, b->n);
  for (i = 0; i < a->n; i++)
    assert_true(store_view_fp(&a->ev[i], &a->strs, NULL) ==
                store_view_fp(&b->ev[i], &b->strs, NULL));
}

/* Whatever the order and batching of the copies, the merged store is
 * what dedup makes of them (transcript-format.md §3.5). */
static void test_merge_any_order(void **state)
{
  unsigned long long seed;

  for (seed = 1; seed <= 12; seed++) {
    unsigned long long rs = seed;
    struct strtab st;
    struct event *ev;
    struct dedup ref;
    struct store *s = storetest_open(state);
    struct store_view v;
    struct err e = ERR_INIT;
    size_t n = 400, i, done = 0;

    strtab_init(&st);
    ev = xcalloc(n, sizeof(*ev));
    for (i = 0; i < n; i++)
      random_copy(&ev[i], &st, &rs, 60);
    dedup_init(&ref);
    for (i = 0; i < n; i++) {
      struct event x = ev[i];
      uint32_t map[64] = {0};

      assert_true(st.n + 1 <= 64);
      event_remap(&x, map, &st, &ref.strs);
      dedup_add(&ref, &x);
    }
    dedup_finish(&ref);
    /* Shuffle, then put in batches of random sizes. */
    for (i = n - 1; i > 0; i--) {
      size_t j = (size_t)(testutil_rand(&rs) % (i + 1));
      struct event t = ev[i];

      ev[i] = ev[j];
      ev[j] = t;
    }
    while (done < n) {
      size_t k = 1 + (size_t)(testutil_rand(&rs) % 50);

      if (k > n - done)
        k = n - done;
      assert_int_equal(
          store_put(s, ev + done, k, &st, NULL, STORE_MERGE, NULL, &e), 0);
      done += k;
    }
    store_view_init(&v);
    assert_int_equal(store_view_load(&v, s, &e), 0);
    assert_sets_equal(&v.set, &ref);
    /* Putting every copy again changes nothing. */
    {
      size_t written = 1, rows;
      int64_t seq0, seq1;

      assert_int_equal(store_count(s, &rows, &seq0, &e), 0);
      assert_int_equal(
          store_put(s, ev, n, &st, NULL, STORE_MERGE, &written, &e), 0);
      assert_int_equal(written, 0);
      assert_int_equal(store_count(s, &rows, &seq1, &e), 0);
      assert_int_equal(seq1, seq0 + 1);
    }
    store_view_release(&v);
    dedup_release(&ref);
    storetest_close(state, s);
    free(ev);
    strtab_release(&st);
  }
}

/* The view follows by seq: a better copy and a new call arrive through
 * store_view_update() as if the set had been loaded anew. */
static void test_view_update(void **state)
{
  unsigned long long rs = 7;
  struct strtab st;
  struct event ev[300];
  struct store *s = storetest_open(state);
  struct store_view v, fresh;
  struct err e = ERR_INIT;
  size_t changed = 0, i;

  strtab_init(&st);
  for (i = 0; i < 300; i++)
    random_copy(&ev[i], &st, &rs, 80);
  assert_int_equal(store_put(s, ev, 150, &st, NULL, STORE_MERGE, NULL, &e), 0);
  store_view_init(&v);
  assert_int_equal(store_view_load(&v, s, &e), 0);
  for (i = 150; i < 300; i += 30) {
    assert_int_equal(store_put(s, ev + i, 30, &st, NULL, STORE_MERGE, NULL, &e),
                     0);
    assert_int_equal(store_view_update(&v, s, &changed, &e), 0);
    store_view_init(&fresh);
    assert_int_equal(store_view_load(&fresh, s, &e), 0);
    assert_sets_equal(&v.set, &fresh.set);
    assert_int_equal(v.seq, fresh.seq);
    store_view_release(&fresh);
  }
  assert_int_equal(store_view_update(&v, s, &changed, &e), 0);
  assert_int_equal(changed, 0);
  store_view_release(&v);
  store_close(s);
  strtab_release(&st);
}

/* REPLACE takes any different copy, an equal one writes nothing; delete
 * removes; since() returns only later rows. */
static void test_replace_delete_since(void **state)
{
  struct strtab st;
  struct event a, b;
  struct store *s = storetest_open(state);
  struct store_rows r;
  struct err e = ERR_INIT;
  size_t w = 9, rows;
  int64_t seq;
  uint64_t key[2];

  strtab_init(&st);
  memset(&a, 0, sizeof(a));
  a.key[0] = 5;
  a.key[1] = 6;
  a.key_kind = EVENT_KEY_MSG_REQ;
  a.ts_ms = 1000;
  a.tok.output = 159;
  a.session = strtab_intern(&st, "sess", 4);
  b = a;
  b.tok.output = 9; /* worse under §3.5 */
  assert_int_equal(store_put(s, &a, 1, &st, NULL, STORE_MERGE, &w, &e), 0);
  assert_int_equal(w, 1);
  assert_int_equal(store_put(s, &b, 1, &st, NULL, STORE_MERGE, &w, &e), 0);
  assert_int_equal(w, 0);
  assert_int_equal(store_put(s, &b, 1, &st, NULL, STORE_REPLACE, &w, &e), 0);
  assert_int_equal(w, 1);
  assert_int_equal(store_put(s, &b, 1, &st, NULL, STORE_REPLACE, &w, &e), 0);
  assert_int_equal(w, 0);
  assert_int_equal(store_count(s, &rows, &seq, &e), 0);
  assert_int_equal(rows, 1);
  assert_int_equal(seq, 4);

  store_rows_init(&r, &st);
  assert_int_equal(store_since(s, 2, &r, &e), 0);
  assert_int_equal(r.n, 1);
  assert_int_equal(r.ev[0].tok.output, 9);
  assert_int_equal(r.seq, 3);
  assert_string_equal(strtab_get(&st, r.ev[0].session), "sess");
  store_rows_release(&r);
  store_rows_init(&r, &st);
  assert_int_equal(store_since(s, 3, &r, &e), 0);
  assert_int_equal(r.n, 0);
  store_rows_release(&r);

  key[0] = 5;
  key[1] = 6;
  assert_int_equal(store_delete(s, key, 1, &w, &e), 0);
  assert_int_equal(w, 1);
  assert_int_equal(store_count(s, &rows, &seq, &e), 0);
  assert_int_equal(rows, 0);
  store_close(s);
  strtab_release(&st);
}

/* A file store: private, migrated once, kept across opens. */
static void test_file_store(void **state)
{
  struct tmptree *t = *state;
  char path[1024];
  struct strtab st;
  struct event a;
  struct store *s = NULL;
  struct err e = ERR_INIT;
  struct stat sb;
  size_t rows;
  int64_t seq;

  strtab_init(&st);
  memset(&a, 0, sizeof(a));
  a.key[0] = 1;
  a.key_kind = EVENT_KEY_MSG_REQ;
  a.tok.input = 10;
  tmptree_path(t, "s.db", path, sizeof(path));
  assert_int_equal(store_open(&s, path, &e), 0);
  assert_int_equal(store_version(s), STORE_SCHEMA_VERSION);
  assert_int_equal(store_put(s, &a, 1, &st, NULL, STORE_MERGE, NULL, &e), 0);
  store_close(s);
  assert_int_equal(stat(path, &sb), 0);
  assert_int_equal(sb.st_mode & 0777, 0600);
  assert_int_equal(store_open(&s, path, &e), 0);
  assert_int_equal(store_count(s, &rows, &seq, &e), 0);
  assert_int_equal(rows, 1);
  assert_int_equal(seq, 1);
  store_close(s);
  strtab_release(&st);
}

/* What is not a store of ours is refused with the file named, and left
 * as it was. */
static void test_refuses(void **state)
{
  struct tmptree *t = *state;
  char path[1024];
  struct store *s = NULL;
  struct err e = ERR_INIT;
  sqlite3 *db;

  tmptree_puts(t, "junk.db", "this is not a database at all, not at all...");
  tmptree_path(t, "junk.db", path, sizeof(path));
  assert_int_not_equal(store_open(&s, path, &e), 0);
  assert_null(s);
  assert_non_null(strstr(e.msg, path));

  tmptree_path(t, "other.db", path, sizeof(path));
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  assert_int_equal(
      sqlite3_exec(db, "CREATE TABLE x (y INTEGER)", NULL, NULL, NULL), 0);
  sqlite3_close(db);
  e.code = 0;
  assert_int_not_equal(store_open(&s, path, &e), 0);
  assert_non_null(strstr(e.msg, "not a tokmeter store"));

  tmptree_path(t, "new.db", path, sizeof(path));
  assert_int_equal(store_open(&s, path, &e), 0);
  store_close(s);
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  assert_int_equal(
      sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), 0);
  sqlite3_close(db);
  assert_int_not_equal(store_open(&s, path, &e), 0);
  assert_non_null(strstr(e.msg, "schema version 99"));
}

/* One migration text for both dialects: SQLite's is the shipped text. */
static void test_migration_dialects(void **state)
{
  struct buf lite = BUF_INIT, pg = BUF_INIT;

  (void)state;
  assert_int_equal(STORE_SCHEMA_VERSION, 4);
  store_migration(0, STORE_SQLITE, &lite);
  store_migration(0, STORE_POSTGRES, &pg);
  assert_null(strchr(lite.data, '{'));
  assert_null(strchr(pg.data, '{'));
  assert_non_null(strstr(lite.data, "CREATE TABLE meta (k TEXT PRIMARY KEY,"));
  assert_non_null(strstr(lite.data, " session TEXT NOT NULL, model TEXT "));
  assert_non_null(
      strstr(pg.data, " session TEXT COLLATE \"C\" NOT NULL, model TEXT "));
  assert_null(strstr(lite.data, "COLLATE"));
  /* every string column, and nothing else, differs */
  assert_int_equal(pg.len - lite.len, 10 * strlen(" COLLATE \"C\""));
  buf_release(&lite);
  buf_release(&pg);
}

/* store_sync() makes the store (and the view) equal to the set, writing
 * only what changed, and says when readers must start over. */
static void test_sync(void **state)
{
  unsigned long long rs = 3;
  struct strtab st;
  struct event ev[200];
  struct dedup set;
  struct project_map pm;
  struct store *s = storetest_open(state);
  struct store_view v;
  struct store_sync_stats ss;
  struct err e = ERR_INIT;
  size_t i, rows;
  int64_t seq0, seq1;

  strtab_init(&st);
  for (i = 0; i < 200; i++)
    random_copy(&ev[i], &st, &rs, 200);
  store_view_init(&v);
  assert_int_equal(store_view_load(&v, s, &e), 0);

  storetest_set(&set, &pm, ev, 120, &st, "proj");
  assert_int_equal(store_sync(s, &v, &set, &pm, &ss, &e), 0);
  assert_int_equal(ss.added, set.n);
  assert_false(ss.reload);
  assert_int_equal(store_sync_view(s, &v, &ss, &e), 0);
  assert_sets_equal(&v.set, &set);
  assert_int_equal(v.pm.names.n, 2); /* "" slot and "proj" */

  /* The same set again: no write at all. */
  assert_int_equal(store_count(s, &rows, &seq0, &e), 0);
  assert_int_equal(store_sync(s, &v, &set, &pm, &ss, &e), 0);
  assert_int_equal(ss.added + ss.better + ss.worse + ss.removed, 0);
  assert_int_equal(store_count(s, &rows, &seq1, &e), 0);
  assert_int_equal(seq0, seq1);
  storetest_set_release(&set, &pm);

  /* Grown: every copy so far plus more, as an index gives it. */
  storetest_set(&set, &pm, ev, 200, &st, "proj");
  assert_int_equal(store_sync(s, &v, &set, &pm, &ss, &e), 0);
  assert_true(ss.added > 0);
  assert_int_equal(store_sync_view(s, &v, &ss, &e), 0);
  assert_sets_equal(&v.set, &set);
  storetest_set_release(&set, &pm);

  /* Shrunk (a transcript rewritten): rows go, readers start over. */
  storetest_set(&set, &pm, ev, 50, &st, "proj");
  assert_int_equal(store_sync(s, &v, &set, &pm, &ss, &e), 0);
  assert_true(ss.removed > 0);
  assert_true(ss.reload);
  assert_int_equal(store_sync_view(s, &v, &ss, &e), 0);
  assert_sets_equal(&v.set, &set);
  assert_int_equal(store_count(s, &rows, &seq1, &e), 0);
  assert_int_equal(rows, set.n);
  storetest_set_release(&set, &pm);

  store_view_release(&v);
  store_close(s);
  strtab_release(&st);
}

int main(void)
{
  /* On each backend: each test opens a new, empty store. */
  const struct CMUnitTest both[] = {
      cmocka_unit_test(test_merge_any_order),
      cmocka_unit_test(test_view_update),
      cmocka_unit_test(test_replace_delete_since),
      cmocka_unit_test(test_sync),
  };
  /* The schema's text, SQLite's files. */
  const struct CMUnitTest lite[] = {
      cmocka_unit_test(test_migration_dialects),
      cmocka_unit_test_setup_teardown(test_file_store, tmptree_setup,
                                      tmptree_teardown),
      cmocka_unit_test_setup_teardown(test_refuses, tmptree_setup,
                                      tmptree_teardown),
  };
  int failed =
      cmocka_run_group_tests_name("store on sqlite files", lite, NULL, NULL);
  int r = storetest_run("store", both, sizeof(both) / sizeof(both[0]));

  return failed ? failed : r;
}
