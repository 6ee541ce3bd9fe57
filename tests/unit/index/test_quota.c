/* Tests for src/index/quota.c and src/index/dir.c. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "index/dir.h"
#include "index/quota.h"
#include "testutil.h"
#include "tmptree.h"
#include "util/buf.h"
#include "util/err.h"

#define T0 1773122400000LL /* 2026-03-10T06:00:00Z */

static struct quota_reading reading(int64_t at, double five, double week)
{
  struct quota_reading r;

  memset(&r, 0, sizeof(r));
  r.at_ms = at;
  if (five >= 0) {
    r.has_five = 1;
    r.five_pct = five;
    r.five_reset = 1773140400;
  }
  if (week >= 0) {
    r.has_week = 1;
    r.week_pct = week;
    r.week_reset = 1773500000;
  }
  return r;
}

/* The cache dir of the test's tree, "<root>/cache/tokmeter". */
static const char *cache_dir(void **state, char *out, size_t n)
{
  return tmptree_path(*state, "cache/tokmeter", out, n);
}

/* The log's bytes ("" when it is missing). */
static void read_log(void **state, struct buf *out)
{
  char path[4096];

  buf_reset(out);
  tmptree_path(*state, "cache/tokmeter/" QUOTA_FILE, path, sizeof(path));
  (void)testutil_read_file(path, out);
}

static void put_log(void **state, const char *text)
{
  assert_int_equal(tmptree_puts(*state, "cache/tokmeter/" QUOTA_FILE, text), 0);
}

static void test_dir_from_xdg_or_home(void **state)
{
  struct buf b = BUF_INIT;
  struct err e = ERR_INIT;

  (void)state;
  assert_int_equal(index_dir(&b, "/x/cache", "/home/u", &e), 0);
  assert_string_equal(b.data, "/x/cache/tokmeter");
  /* A relative XDG_CACHE_HOME is ignored, as the spec says. */
  assert_int_equal(index_dir(&b, "rel/cache", "/home/u", &e), 0);
  assert_string_equal(b.data, "/home/u/.cache/tokmeter");
  assert_int_equal(index_dir(&b, "", "/home/u", &e), 0);
  assert_string_equal(b.data, "/home/u/.cache/tokmeter");
  assert_int_equal(index_dir(&b, NULL, "/home/u", &e), 0);
  assert_string_equal(b.data, "/home/u/.cache/tokmeter");
  assert_int_equal(index_dir(&b, NULL, "", &e), ERR_NOTFOUND);
  assert_int_equal(index_dir(&b, "rel", NULL, &e), ERR_NOTFOUND);
  assert_string_equal(e.msg, "no cache directory: set XDG_CACHE_HOME or HOME");
  buf_release(&b);
}

static void test_dir_make(void **state)
{
  struct err e = ERR_INIT;
  char path[4096];
  struct stat st;

  tmptree_path(*state, "a/b/c", path, sizeof(path));
  assert_int_equal(index_dir_make(path, &e), 0);
  assert_int_equal(stat(path, &st), 0);
  assert_true(S_ISDIR(st.st_mode));
  assert_int_equal(st.st_mode & 0777, 0700);
  /* Again, and with a trailing slash: nothing to do. */
  assert_int_equal(index_dir_make(path, &e), 0);
  tmptree_path(*state, "a/b/c/", path, sizeof(path));
  assert_int_equal(index_dir_make(path, &e), 0);
  /* Below a regular file it cannot work. */
  assert_int_equal(tmptree_puts(*state, "f", "x"), 0);
  tmptree_path(*state, "f/sub", path, sizeof(path));
  assert_int_equal(index_dir_make(path, &e), ERR_IO);
  assert_non_null(strstr(e.msg, "cannot create '"));
  assert_non_null(strstr(e.msg, "/f/sub': "));
}

static void test_append_writes_one_line(void **state)
{
  struct quota_reading r = reading(T0, 23.5, 41.2);
  struct err e = ERR_INIT;
  struct buf log = BUF_INIT;
  char dir[4096], path[4096];
  struct stat st;

  assert_int_equal(quota_append(cache_dir(state, dir, sizeof(dir)), &r, &e), 0);
  read_log(state, &log);
  assert_string_equal(log.data,
                      "{\"at_ms\":1773122400000,\"five_hour\":{\"used_"
                      "percentage\":23.5,\"resets_at\":1773140400},\"seven_"
                      "day\":{\"used_percentage\":41.2,\"resets_at\":"
                      "1773500000}}\n");
  tmptree_path(*state, "cache/tokmeter/" QUOTA_FILE, path, sizeof(path));
  assert_int_equal(stat(path, &st), 0);
  assert_int_equal(st.st_mode & 0077, 0);
  assert_int_equal(stat(dir, &st), 0);
  assert_int_equal(st.st_mode & 0077, 0);
  buf_release(&log);
}

static void test_append_one_limit_or_none(void **state)
{
  struct quota_reading r = reading(T0, 50, -1), none = reading(T0, -1, -1);
  struct err e = ERR_INIT;
  struct buf log = BUF_INIT;
  char dir[4096];
  struct stat st;

  cache_dir(state, dir, sizeof(dir));
  /* Nothing to record: no file, not even the directory. */
  assert_int_equal(quota_append(dir, &none, &e), 0);
  assert_int_not_equal(stat(dir, &st), 0);
  assert_int_equal(quota_append(dir, &r, &e), 0);
  read_log(state, &log);
  assert_string_equal(log.data, "{\"at_ms\":1773122400000,\"five_hour\":{"
                                "\"used_percentage\":50,\"resets_at\":"
                                "1773140400}}\n");
  buf_release(&log);
}

static size_t count_lines(const struct buf *b)
{
  size_t i, n = 0;

  for (i = 0; i < b->len; i++)
    n += b->data[i] == '\n';
  return n;
}

static void test_append_folds_repeats(void **state)
{
  struct err e = ERR_INIT;
  struct buf log = BUF_INIT;
  struct quota_reading r;
  char dir[4096];

  cache_dir(state, dir, sizeof(dir));
  r = reading(T0, 23.5, 41.2);
  assert_int_equal(quota_append(dir, &r, &e), 0);
  /* Same values within a minute: folded, also for integral values. */
  r.at_ms = T0 + 59999;
  assert_int_equal(quota_append(dir, &r, &e), 0);
  read_log(state, &log);
  assert_int_equal(count_lines(&log), 1);
  /* A minute later it is written again. */
  r.at_ms = T0 + 60000;
  assert_int_equal(quota_append(dir, &r, &e), 0);
  read_log(state, &log);
  assert_int_equal(count_lines(&log), 2);
  /* A changed value is written at once. */
  r.at_ms = T0 + 60001;
  r.five_pct = 24;
  assert_int_equal(quota_append(dir, &r, &e), 0);
  r.at_ms = T0 + 60002;
  assert_int_equal(quota_append(dir, &r, &e), 0);
  read_log(state, &log);
  assert_int_equal(count_lines(&log), 3);
  /* A new reset time is a change too. */
  r.at_ms = T0 + 60003;
  r.week_reset++;
  assert_int_equal(quota_append(dir, &r, &e), 0);
  /* A clock that went back is not folded. */
  r.at_ms = T0;
  assert_int_equal(quota_append(dir, &r, &e), 0);
  /* Losing a limit is a change. */
  r.at_ms = T0 + 1;
  r.has_week = 0;
  assert_int_equal(quota_append(dir, &r, &e), 0);
  read_log(state, &log);
  assert_int_equal(count_lines(&log), 6);
  buf_release(&log);
}

static void test_last_reading(void **state)
{
  struct err e = ERR_INIT;
  struct quota_reading r, got;
  char dir[4096];

  cache_dir(state, dir, sizeof(dir));
  assert_int_equal(quota_last(dir, &got, &e), ERR_NOTFOUND);
  r = reading(T0, 10, 20);
  assert_int_equal(quota_append(dir, &r, &e), 0);
  r = reading(T0 + 120000, 11.25, -1);
  assert_int_equal(quota_append(dir, &r, &e), 0);
  memset(&got, 0xff, sizeof(got));
  assert_int_equal(quota_last(dir, &got, &e), 0);
  assert_int_equal(got.at_ms, T0 + 120000);
  assert_int_equal(got.has_five, 1);
  assert_int_equal(got.has_week, 0);
  assert_true(got.five_pct == 11.25);
  assert_int_equal(got.five_reset, 1773140400);
  assert_int_equal(got.week_reset, 0);
}

static void test_malformed_lines_skipped(void **state)
{
  struct err e = ERR_INIT;
  struct quota_reading got, *all;
  char dir[4096];
  size_t n;

  cache_dir(state, dir, sizeof(dir));
  put_log(state, "{\"at_ms\":1,\"five_hour\":{\"used_percentage\":5}}\n"
                 "not json\n"
                 "\n"
                 "{\"at_ms\":2}\n"
                 "{\"at_ms\":2.5,\"five_hour\":{\"used_percentage\":6}}\n"
                 "{\"at_ms\":3,\"five_hour\":{\"used_percentage\":\"7\"}}\n"
                 "{\"at_ms\":4,\"seven_day\":{\"used_percentage\":8,"
                 "\"resets_at\":99}}\n"
                 "[1,2]\n"
                 "{\"at_ms\":5,\"five_hour\":{\"used_perc");
  assert_int_equal(quota_last(dir, &got, &e), 0);
  assert_int_equal(got.at_ms, 4);
  assert_int_equal(got.has_five, 0);
  assert_int_equal(got.has_week, 1);
  assert_true(got.week_pct == 8);
  assert_int_equal(got.week_reset, 99);
  assert_int_equal(quota_read_all(dir, &all, &n, &e), 0);
  assert_int_equal(n, 2);
  assert_int_equal(all[0].at_ms, 1);
  assert_true(all[0].five_pct == 5);
  assert_int_equal(all[0].five_reset, 0);
  assert_int_equal(all[1].at_ms, 4);
  free(all);
  /* Only bad lines: no reading. */
  put_log(state, "x\n{}\n");
  assert_int_equal(quota_last(dir, &got, &e), ERR_NOTFOUND);
}

static void test_append_after_cut_line(void **state)
{
  struct err e = ERR_INIT;
  struct quota_reading r = reading(T0, 1, -1), *all;
  struct buf log = BUF_INIT;
  char dir[4096];
  size_t n;

  /* A writer that died mid-line must not glue the next reading to it. */
  cache_dir(state, dir, sizeof(dir));
  put_log(state, "{\"at_ms\":5,\"five_hour\":{\"used_perc");
  assert_int_equal(quota_append(dir, &r, &e), 0);
  read_log(state, &log);
  assert_string_equal(log.data, "{\"at_ms\":5,\"five_hour\":{\"used_perc\n"
                                "{\"at_ms\":1773122400000,\"five_hour\":{"
                                "\"used_percentage\":1,\"resets_at\":"
                                "1773140400}}\n");
  assert_int_equal(quota_read_all(dir, &all, &n, &e), 0);
  assert_int_equal(n, 1);
  assert_int_equal(all[0].at_ms, T0);
  free(all);
  buf_release(&log);
}

static void test_last_behind_long_garbage(void **state)
{
  struct err e = ERR_INIT;
  struct quota_reading r = reading(T0, 33, 44), got;
  struct buf junk = BUF_INIT;
  char dir[4096], path[4096];
  FILE *f;

  /* The newest reading is found even behind a tail of junk longer than
   * the part of the file read first. */
  cache_dir(state, dir, sizeof(dir));
  assert_int_equal(quota_append(dir, &r, &e), 0);
  buf_addrep(&junk, 'x', 10000);
  buf_addch(&junk, '\n');
  tmptree_path(*state, "cache/tokmeter/" QUOTA_FILE, path, sizeof(path));
  f = fopen(path, "a");
  assert_non_null(f);
  assert_int_equal(fwrite(junk.data, 1, junk.len, f), junk.len);
  fclose(f);
  assert_int_equal(quota_last(dir, &got, &e), 0);
  assert_int_equal(got.at_ms, T0);
  assert_true(got.week_pct == 44);
  buf_release(&junk);
}

static void test_read_all_in_order(void **state)
{
  struct err e = ERR_INIT;
  struct quota_reading r, *all;
  char dir[4096];
  size_t n, i;

  cache_dir(state, dir, sizeof(dir));
  assert_int_equal(quota_read_all(dir, &all, &n, &e), 0);
  assert_int_equal(n, 0);
  assert_null(all);
  for (i = 0; i < 100; i++) {
    r = reading(T0 + (int64_t)i * 1000, (double)i / 4, 100 - (double)i);
    assert_int_equal(quota_append(dir, &r, &e), 0);
  }
  assert_int_equal(quota_read_all(dir, &all, &n, &e), 0);
  assert_int_equal(n, 100);
  for (i = 0; i < 100; i++) {
    assert_int_equal(all[i].at_ms, T0 + (int64_t)i * 1000);
    assert_true(all[i].five_pct == (double)i / 4);
    assert_true(all[i].week_pct == 100 - (double)i);
    assert_int_equal(all[i].has_five && all[i].has_week, 1);
  }
  free(all);
}

static void test_concurrent_appends(void **state)
{
  struct err e = ERR_INIT;
  struct quota_reading *all;
  char dir[4096];
  size_t n;
  int k, status;

  cache_dir(state, dir, sizeof(dir));
  for (k = 0; k < 4; k++) {
    pid_t pid = fork();

    assert_true(pid >= 0);
    if (pid == 0) {
      int i, bad = 0;

      for (i = 0; i < 50; i++) {
        struct quota_reading r = reading(T0 + i, k * 100 + i, -1);

        bad |= quota_append(dir, &r, NULL) != 0;
      }
      _exit(bad);
    }
  }
  for (k = 0; k < 4; k++) {
    assert_true(wait(&status) > 0);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  assert_int_equal(quota_read_all(dir, &all, &n, &e), 0);
  assert_int_equal(n, 200);
  free(all);
}

static void test_symlinked_log_refused(void **state)
{
  struct err e = ERR_INIT;
  struct quota_reading r = reading(T0, 1, 2), got;
  char dir[4096], path[4096], target[4096];

  cache_dir(state, dir, sizeof(dir));
  assert_int_equal(index_dir_make(dir, &e), 0);
  assert_int_equal(tmptree_puts(*state, "elsewhere", ""), 0);
  tmptree_path(*state, "elsewhere", target, sizeof(target));
  tmptree_path(*state, "cache/tokmeter/" QUOTA_FILE, path, sizeof(path));
  assert_int_equal(symlink(target, path), 0);
  assert_int_equal(quota_append(dir, &r, &e), ERR_IO);
  assert_non_null(strstr(e.msg, "cannot open '"));
  assert_int_equal(quota_last(dir, &got, &e), ERR_IO);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_dir_from_xdg_or_home),
      cmocka_unit_test_setup_teardown(test_dir_make, tmptree_setup,
                                      tmptree_teardown),
      cmocka_unit_test_setup_teardown(test_append_writes_one_line,
                                      tmptree_setup, tmptree_teardown),
      cmocka_unit_test_setup_teardown(test_append_one_limit_or_none,
                                      tmptree_setup, tmptree_teardown),
      cmocka_unit_test_setup_teardown(test_append_folds_repeats, tmptree_setup,
                                      tmptree_teardown),
      cmocka_unit_test_setup_teardown(test_last_reading, tmptree_setup,
                                      tmptree_teardown),
      cmocka_unit_test_setup_teardown(test_malformed_lines_skipped,
                                      tmptree_setup, tmptree_teardown),
      cmocka_unit_test_setup_teardown(test_append_after_cut_line, tmptree_setup,
                                      tmptree_teardown),
      cmocka_unit_test_setup_teardown(test_last_behind_long_garbage,
                                      tmptree_setup, tmptree_teardown),
      cmocka_unit_test_setup_teardown(test_read_all_in_order, tmptree_setup,
                                      tmptree_teardown),
      cmocka_unit_test_setup_teardown(test_concurrent_appends, tmptree_setup,
                                      tmptree_teardown),
      cmocka_unit_test_setup_teardown(test_symlinked_log_refused, tmptree_setup,
                                      tmptree_teardown),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
