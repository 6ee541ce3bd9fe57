/* Tests for src/source/rcache.c: records kept per file between reads. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "source/rcache.h"
#include "tmptree.h"

#define LINE(ts)                                                               \
  "{\"type\":\"user\",\"timestamp\":\"2026-03-10T06:00:" ts "Z\","             \
  "\"message\":{\"role\":\"user\",\"content\":\"hi\"}}\n"

/* A listed file: path under t, with the identity the test chooses. */
static void file_at(const struct tmptree *t, const char *rel, uint64_t ino,
                    uint64_t size, struct source_file *f, char *path, size_t n)
{
  memset(f, 0, sizeof(*f));
  f->path = tmptree_path(t, rel, path, n);
  f->dev = 7;
  f->ino = ino;
  f->size = size;
  f->mtime_ns = 1000;
}

static void test_reuse_reread_drop(void **state)
{
  struct tmptree *t = *state;
  struct source_file f[3];
  char pa[512], pb[512], pc[512];
  struct rcache c;

  assert_int_equal(tmptree_puts(t, "a.jsonl", LINE("01") LINE("02")), 0);
  assert_int_equal(tmptree_puts(t, "b.jsonl", LINE("03")), 0);
  file_at(t, "a.jsonl", 1, 10, &f[0], pa, sizeof(pa));
  file_at(t, "b.jsonl", 2, 20, &f[1], pb, sizeof(pb));
  file_at(t, "c.jsonl", 3, 30, &f[2], pc, sizeof(pc)); /* not on disk */
  rcache_init(&c);
  rcache_sync(&c, f, 3);
  assert_int_equal(c.reads, 3);
  assert_int_equal(c.n, 2);
  assert_string_equal(c.v[0].path, pa);
  assert_int_equal(c.v[0].r.n, 2);
  assert_string_equal(c.v[1].path, pb);
  assert_int_equal(c.v[1].r.n, 1);

  /* Unchanged: nothing read but the file that failed. */
  rcache_sync(&c, f, 3);
  assert_int_equal(c.reads, 4);
  assert_int_equal(c.n, 2);

  /* b grows: only b is read again. */
  assert_int_equal(tmptree_puts(t, "b.jsonl", LINE("03") LINE("04")), 0);
  f[1].size = 21;
  rcache_sync(&c, f, 2);
  assert_int_equal(c.reads, 5);
  assert_int_equal(c.v[0].r.n, 2);
  assert_int_equal(c.v[1].r.n, 2);
  assert_int_equal(c.v[1].size, 21);

  /* A new inode at the same path is read again too. */
  f[0].ino = 9;
  rcache_sync(&c, f, 2);
  assert_int_equal(c.reads, 6);
  assert_int_equal(c.v[0].ino, 9);

  /* a is no longer listed: its entry goes. */
  rcache_sync(&c, &f[1], 1);
  assert_int_equal(c.reads, 6);
  assert_int_equal(c.n, 1);
  assert_string_equal(c.v[0].path, pb);

  rcache_sync(&c, NULL, 0);
  assert_int_equal(c.n, 0);
  rcache_release(&c);
  assert_null(c.v);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_reuse_reread_drop, tmptree_setup,
                                      tmptree_teardown),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
