/* Tests for src/source/watch.c: inotify on transcript directories. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "source/watch.h"
#include "tmptree.h"

/* What watch_drain says once the fd is readable (or after 200 ms). */
static int drained(struct watch *w)
{
  struct pollfd p = {watch_fd(w), POLLIN, 0};

  poll(&p, 1, 200);
  return watch_drain(w);
}

static void append(const struct tmptree *t, const char *rel, const char *s)
{
  char path[4096];
  int fd = open(tmptree_path(t, rel, path, sizeof(path)),
                O_WRONLY | O_APPEND | O_CREAT, 0644);

  assert_true(fd >= 0);
  assert_int_equal(write(fd, s, strlen(s)), (ssize_t)strlen(s));
  close(fd);
}

static void open_on(struct watch *w, const struct tmptree *t, const char *rel)
{
  char root[4096];
  const char *roots[1];
  struct err e = ERR_INIT;

  roots[0] = tmptree_path(t, rel, root, sizeof(root));
  assert_int_equal(watch_open(w, roots, 1, &e), 0);
  assert_true(watch_fd(w) >= 0);
  assert_int_equal(w->partial, 0);
}

static void test_appends_and_new_files(void **state)
{
  struct tmptree *t = *state;
  struct watch w;

  assert_int_equal(tmptree_puts(t, "projects/p1/s1.jsonl", "{}\n"), 0);
  assert_int_equal(tmptree_puts(t, "projects/p1/s1/subagents/a.jsonl", ""), 0);
  open_on(&w, t, "projects");
  /* projects, p1, s1, subagents */
  assert_int_equal(w.n, 4);
  assert_int_equal(watch_drain(&w), 0);
  append(t, "projects/p1/s1.jsonl", "{\"a\":1}\n");
  assert_int_equal(drained(&w), 1);
  assert_int_equal(watch_drain(&w), 0); /* nothing left */
  append(t, "projects/p1/s1/subagents/a.jsonl", "{}\n");
  assert_int_equal(drained(&w), 1);
  append(t, "projects/p1/new.jsonl", "{}\n");
  assert_int_equal(drained(&w), 1);
  watch_release(&w);
  assert_int_equal(watch_fd(&w), -1);
}

static void test_other_files_are_ignored(void **state)
{
  struct tmptree *t = *state;
  struct watch w;

  assert_int_equal(tmptree_mkdirs(t, "projects/p1"), 0);
  open_on(&w, t, "projects");
  append(t, "projects/p1/notes.txt", "x\n");
  append(t, "projects/p1/a.jsonl.tmp", "x\n");
  append(t, "projects/jsonl", "x\n");
  assert_int_equal(drained(&w), 0);
  watch_release(&w);
}

static void test_new_directories_are_watched(void **state)
{
  struct tmptree *t = *state;
  struct watch w;
  char path[4096];

  assert_int_equal(tmptree_mkdirs(t, "projects"), 0);
  open_on(&w, t, "projects");
  assert_int_equal(w.n, 1);
  assert_int_equal(
      mkdir(tmptree_path(t, "projects/p2", path, sizeof(path)), 0755), 0);
  assert_int_equal(drained(&w), 1);
  assert_int_equal(w.n, 2);
  /* A file in the new directory is seen. */
  append(t, "projects/p2/s.jsonl", "{}\n");
  assert_int_equal(drained(&w), 1);
  /* A tree moved in is watched to its bottom. */
  assert_int_equal(tmptree_mkdirs(t, "elsewhere/p3/s/subagents"), 0);
  {
    char from[4096], to[4096];

    assert_int_equal(rename(tmptree_path(t, "elsewhere/p3", from, sizeof(from)),
                            tmptree_path(t, "projects/p3", to, sizeof(to))),
                     0);
  }
  assert_int_equal(drained(&w), 1);
  assert_int_equal(w.n, 5);
  append(t, "projects/p3/s/subagents/b.jsonl", "{}\n");
  assert_int_equal(drained(&w), 1);
  watch_release(&w);
}

static void test_deletions(void **state)
{
  struct tmptree *t = *state;
  struct watch w;
  char path[4096];

  assert_int_equal(tmptree_puts(t, "projects/p1/s1.jsonl", "{}\n"), 0);
  open_on(&w, t, "projects");
  assert_int_equal(w.n, 2);
  assert_int_equal(
      unlink(tmptree_path(t, "projects/p1/s1.jsonl", path, sizeof(path))), 0);
  assert_int_equal(drained(&w), 1);
  assert_int_equal(rmdir(tmptree_path(t, "projects/p1", path, sizeof(path))),
                   0);
  assert_int_equal(drained(&w), 1);
  /* The removed directory's watch is forgotten. */
  assert_int_equal(w.n, 1);
  watch_release(&w);
}

static void test_missing_roots_are_skipped(void **state)
{
  struct tmptree *t = *state;
  struct watch w;
  struct err e = ERR_INIT;
  char a[4096], b[4096];
  const char *roots[2];

  assert_int_equal(tmptree_mkdirs(t, "here/projects"), 0);
  roots[0] = tmptree_path(t, "gone/projects", a, sizeof(a));
  roots[1] = tmptree_path(t, "here/projects", b, sizeof(b));
  assert_int_equal(watch_open(&w, roots, 2, &e), 0);
  assert_int_equal(w.n, 1);
  assert_int_equal(w.nroots, 2);
  watch_release(&w);
  /* No roots at all: a descriptor with nothing on it. */
  assert_int_equal(watch_open(&w, NULL, 0, &e), 0);
  assert_int_equal(w.n, 0);
  assert_int_equal(watch_drain(&w), 0);
  watch_release(&w);
}

static void test_symlinks_not_followed(void **state)
{
  struct tmptree *t = *state;
  struct watch w;
  char target[4096], link[4096];

  assert_int_equal(tmptree_mkdirs(t, "projects/p1"), 0);
  assert_int_equal(tmptree_mkdirs(t, "outside/deep"), 0);
  assert_int_equal(
      symlink(tmptree_path(t, "outside", target, sizeof(target)),
              tmptree_path(t, "projects/p1/link", link, sizeof(link))),
      0);
  open_on(&w, t, "projects");
  assert_int_equal(w.n, 2); /* projects and p1 only */
  append(t, "outside/deep/x.jsonl", "{}\n");
  assert_int_equal(drained(&w), 0);
  watch_release(&w);
}

/* The kernel's inotify queue length, 0 when it cannot be read. */
static long queue_length(void)
{
  FILE *f = fopen("/proc/sys/fs/inotify/max_queued_events", "r");
  long max = 0;

  if (!f)
    return 0;
  if (fscanf(f, "%ld", &max) != 1 || max < 0)
    max = 0;
  fclose(f);
  return max;
}

static void test_overflow_rewalks(void **state)
{
  struct tmptree *t = *state;
  struct watch w;
  char path[4096];
  long max = queue_length(), i;
  int fd[2];

  if (max <= 0 || max > (1L << 20))
    skip();
  assert_int_equal(tmptree_mkdirs(t, "projects/p1"), 0);
  open_on(&w, t, "projects");
  fd[0] = open(tmptree_path(t, "projects/p1/a.jsonl", path, sizeof(path)),
               O_WRONLY | O_CREAT, 0644);
  fd[1] = open(tmptree_path(t, "projects/p1/b.jsonl", path, sizeof(path)),
               O_WRONLY | O_CREAT, 0644);
  assert_true(fd[0] >= 0 && fd[1] >= 0);
  /* Alternate files: the kernel merges repeats of the last event. */
  for (i = 0; i <= max; i++)
    assert_int_equal(write(fd[i & 1], "x", 1), 1);
  close(fd[0]);
  close(fd[1]);
  /* Made while the queue is full: only the rewalk can find it. */
  assert_int_equal(tmptree_mkdirs(t, "projects/p2"), 0);
  assert_int_equal(w.n, 2);
  assert_int_equal(drained(&w), 1);
  assert_int_equal(w.n, 3);
  append(t, "projects/p2/c.jsonl", "{}\n");
  assert_int_equal(drained(&w), 1);
  watch_release(&w);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_appends_and_new_files, tmptree_setup,
                                      tmptree_teardown),
      cmocka_unit_test_setup_teardown(test_other_files_are_ignored,
                                      tmptree_setup, tmptree_teardown),
      cmocka_unit_test_setup_teardown(test_new_directories_are_watched,
                                      tmptree_setup, tmptree_teardown),
      cmocka_unit_test_setup_teardown(test_deletions, tmptree_setup,
                                      tmptree_teardown),
      cmocka_unit_test_setup_teardown(test_missing_roots_are_skipped,
                                      tmptree_setup, tmptree_teardown),
      cmocka_unit_test_setup_teardown(test_symlinks_not_followed, tmptree_setup,
                                      tmptree_teardown),
      cmocka_unit_test_setup_teardown(test_overflow_rewalks, tmptree_setup,
                                      tmptree_teardown),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
