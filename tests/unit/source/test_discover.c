/* Tests for src/source/discover.c: config roots and the transcript walk. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "source/discover.h"
#include "tmptree.h"
#include "util/banned.h"

/* "root/rel" in a static buffer, one of four rotating slots. */
static const char *P(const struct tmptree *t, const char *rel)
{
  static char slots[4][4096];
  static int next;

  next = (next + 1) % 4;
  return tmptree_path(t, rel, slots[next], sizeof(slots[next]));
}

static void mkdirs(const struct tmptree *t, const char *rel)
{
  assert_int_equal(tmptree_mkdirs(t, rel), 0);
}

static void touch(const struct tmptree *t, const char *rel)
{
  assert_int_equal(tmptree_puts(t, rel, "{}\n"), 0);
}

/* Resolves roots from explicit --claude-dir values; returns the result. */
static int roots_dirs(struct discover *d, const char *const *dirs, size_t n,
                      const char *home, struct err *e)
{
  struct discover_env env;

  memset(&env, 0, sizeof(env));
  env.dirs = dirs;
  env.ndirs = n;
  env.home = home;
  discover_init(d);
  return discover_roots(d, &env, e);
}

static int roots_env(struct discover *d, const char *config_dir,
                     const char *xdg, const char *home, struct err *e)
{
  struct discover_env env;

  memset(&env, 0, sizeof(env));
  env.config_dir = config_dir;
  env.xdg_config = xdg;
  env.home = home;
  discover_init(d);
  return discover_roots(d, &env, e);
}

static void test_claude_dir_config_and_projects(void **state)
{
  const struct tmptree *t = *state;
  struct discover d;
  struct err e = ERR_INIT;
  char cfg[4096], proj[4096], proj_slash[4200];
  const char *dirs[1];

  touch(t, "cfg/projects/p/a.jsonl");
  snprintf(cfg, sizeof(cfg), "%s", P(t, "cfg"));
  snprintf(proj, sizeof(proj), "%s", P(t, "cfg/projects"));
  snprintf(proj_slash, sizeof(proj_slash), "%s//", proj);

  /* A config dir: its projects/ is the root. */
  dirs[0] = cfg;
  assert_int_equal(roots_dirs(&d, dirs, 1, NULL, &e), 0);
  assert_int_equal(d.nroots, 1);
  assert_string_equal(d.roots[0], proj);
  assert_int_equal(discover_files(&d, &e), 0);
  assert_int_equal(d.nfiles, 1);
  assert_string_equal(d.files[0].path, P(t, "cfg/projects/p/a.jsonl"));
  assert_int_equal(d.files[0].root, 0);
  discover_release(&d);

  /* The projects dir itself, with or without trailing slashes. */
  dirs[0] = proj;
  assert_int_equal(roots_dirs(&d, dirs, 1, NULL, &e), 0);
  assert_int_equal(d.nroots, 1);
  assert_string_equal(d.roots[0], proj);
  discover_release(&d);
  dirs[0] = proj_slash;
  assert_int_equal(roots_dirs(&d, dirs, 1, NULL, &e), 0);
  assert_int_equal(d.nroots, 1);
  assert_string_equal(d.roots[0], proj);
  discover_release(&d);

  /* A leading ~ is the env's home. */
  dirs[0] = "~/cfg";
  assert_int_equal(roots_dirs(&d, dirs, 1, t->root, &e), 0);
  assert_int_equal(d.nroots, 1);
  assert_string_equal(d.roots[0], proj);
  discover_release(&d);
}

static void test_claude_dir_repeated(void **state)
{
  const struct tmptree *t = *state;
  struct discover d;
  struct err e = ERR_INIT;
  char a[4096], b[4096], a_proj[4096];
  const char *dirs[4];

  touch(t, "b/projects/q/2.jsonl");
  touch(t, "a/projects/p/1.jsonl");
  touch(t, "a/projects/p/3.jsonl");
  snprintf(a, sizeof(a), "%s", P(t, "a"));
  snprintf(b, sizeof(b), "%s", P(t, "b"));
  snprintf(a_proj, sizeof(a_proj), "%s", P(t, "a/projects"));
  /* Given order is kept; a root named twice (either form) counts once. */
  dirs[0] = b;
  dirs[1] = a;
  dirs[2] = a_proj;
  dirs[3] = b;
  assert_int_equal(roots_dirs(&d, dirs, 4, NULL, &e), 0);
  assert_int_equal(d.nroots, 2);
  assert_string_equal(d.roots[0], P(t, "b/projects"));
  assert_string_equal(d.roots[1], P(t, "a/projects"));
  assert_int_equal(discover_files(&d, &e), 0);
  assert_int_equal(d.nfiles, 3);
  assert_string_equal(d.files[0].path, P(t, "a/projects/p/1.jsonl"));
  assert_int_equal(d.files[0].root, 1);
  assert_string_equal(d.files[1].path, P(t, "a/projects/p/3.jsonl"));
  assert_int_equal(d.files[1].root, 1);
  assert_string_equal(d.files[2].path, P(t, "b/projects/q/2.jsonl"));
  assert_int_equal(d.files[2].root, 0);
  discover_release(&d);
}

static void test_claude_dir_without_projects(void **state)
{
  const struct tmptree *t = *state;
  struct discover d;
  struct err e = ERR_INIT;
  char good[4096], empty[4096], msg[4400];
  const char *dirs[2];

  touch(t, "good/projects/p/a.jsonl");
  mkdirs(t, "empty");
  touch(t, "file-projects/projects"); /* a file, not a directory */
  snprintf(good, sizeof(good), "%s", P(t, "good"));
  snprintf(empty, sizeof(empty), "%s", P(t, "empty"));

  dirs[0] = good;
  dirs[1] = empty;
  assert_int_equal(roots_dirs(&d, dirs, 2, NULL, &e), ERR_NOTFOUND);
  assert_int_equal(e.code, ERR_NOTFOUND);
  snprintf(msg, sizeof(msg), "no 'projects' directory in '%s'", empty);
  assert_string_equal(e.msg, msg);
  discover_release(&d);

  /* A missing directory is named as given, "~" unexpanded. */
  dirs[0] = "~/nowhere";
  assert_int_equal(roots_dirs(&d, dirs, 1, t->root, &e), ERR_NOTFOUND);
  assert_string_equal(e.msg, "no 'projects' directory in '~/nowhere'");
  assert_int_equal(d.nroots, 0);
  discover_release(&d);

  dirs[0] = P(t, "file-projects");
  assert_int_equal(roots_dirs(&d, dirs, 1, NULL, &e), ERR_NOTFOUND);
  assert_int_equal(d.nroots, 0);
  discover_release(&d);

  /* A --claude-dir wins over CLAUDE_CONFIG_DIR and the defaults. */
  {
    struct discover_env env;

    touch(t, "home/.claude/projects/x.jsonl");
    memset(&env, 0, sizeof(env));
    dirs[0] = good;
    env.dirs = dirs;
    env.ndirs = 1;
    env.config_dir = P(t, "home/.claude");
    env.home = P(t, "home");
    discover_init(&d);
    assert_int_equal(discover_roots(&d, &env, &e), 0);
    assert_int_equal(d.nroots, 1);
    assert_string_equal(d.roots[0], P(t, "good/projects"));
    discover_release(&d);
  }
}

static void test_config_dir_list(void **state)
{
  const struct tmptree *t = *state;
  struct discover d;
  struct err e = ERR_INIT;
  char list[8192];

  mkdirs(t, "a/projects");
  mkdirs(t, "b/projects");
  mkdirs(t, "c/projects");
  mkdirs(t, "noproj");
  mkdirs(t, "home/.claude/projects"); /* a default: must be ignored */
  /* Spaces and tabs trimmed, empty parts dropped, "~" expanded, a
   * projects dir normalised, invalid entries skipped, duplicates dropped. */
  snprintf(list, sizeof(list),
           " %s ,, \t,%s/projects/,%s,\t~/../c\t,%s/missing,%s/a/projects,"
           "%s/a,",
           P(t, "a"), P(t, "b"), P(t, "noproj"), t->root, t->root, t->root);
  assert_int_equal(roots_env(&d, list, NULL, P(t, "home"), &e), 0);
  assert_int_equal(d.nroots, 3);
  assert_string_equal(d.roots[0], P(t, "a/projects"));
  assert_string_equal(d.roots[1], P(t, "b/projects"));
  assert_string_equal(d.roots[2], P(t, "home/../c/projects"));
  discover_release(&d);

  /* A bare "~" is the home itself. */
  mkdirs(t, "h2/projects");
  assert_int_equal(roots_env(&d, "~", NULL, P(t, "h2"), &e), 0);
  assert_int_equal(d.nroots, 1);
  assert_string_equal(d.roots[0], P(t, "h2/projects"));
  discover_release(&d);
}

static void test_config_dir_none_valid(void **state)
{
  const struct tmptree *t = *state;
  struct discover d;
  struct err e = ERR_INIT;
  char list[8192], msg[8400];

  mkdirs(t, "noproj");
  mkdirs(t, "home/.claude/projects");
  snprintf(list, sizeof(list), "%s, %s/missing", P(t, "noproj"), t->root);
  assert_int_equal(roots_env(&d, list, NULL, P(t, "home"), &e), ERR_NOTFOUND);
  snprintf(msg, sizeof(msg),
           "no 'projects' directory in CLAUDE_CONFIG_DIR '%s'", list);
  assert_string_equal(e.msg, msg);
  /* Set: the defaults are not consulted even though ~/.claude is valid. */
  assert_int_equal(d.nroots, 0);
  discover_release(&d);

  /* Only separators: set, with no entry at all. */
  assert_int_equal(roots_env(&d, " , ,", NULL, P(t, "home"), &e), ERR_NOTFOUND);
  assert_int_equal(d.nroots, 0);
  discover_release(&d);
}

static void test_config_dir_empty_is_unset(void **state)
{
  const struct tmptree *t = *state;
  struct discover d;
  struct err e = ERR_INIT;

  mkdirs(t, "home/.claude/projects");
  /* As in ccusage, an empty or blank variable counts as not set. */
  assert_int_equal(roots_env(&d, "", NULL, P(t, "home"), &e), 0);
  assert_int_equal(d.nroots, 1);
  assert_string_equal(d.roots[0], P(t, "home/.claude/projects"));
  discover_release(&d);
  assert_int_equal(roots_env(&d, " \t\n ", NULL, P(t, "home"), &e), 0);
  assert_int_equal(d.nroots, 1);
  assert_string_equal(d.roots[0], P(t, "home/.claude/projects"));
  discover_release(&d);
}

static void test_config_dir_trims_all_space(void **state)
{
  const struct tmptree *t = *state;
  struct discover d;
  struct err e = ERR_INIT;
  char list[8192];

  mkdirs(t, "a/projects");
  mkdirs(t, "b/projects");
  /* A list pasted over lines: newlines and CRs are whitespace too. */
  snprintf(list, sizeof(list), "%s,\r\n\t%s\n", P(t, "a"), P(t, "b"));
  assert_int_equal(roots_env(&d, list, NULL, NULL, &e), 0);
  assert_int_equal(d.nroots, 2);
  assert_string_equal(d.roots[0], P(t, "a/projects"));
  assert_string_equal(d.roots[1], P(t, "b/projects"));
  discover_release(&d);
}

static void test_defaults(void **state)
{
  const struct tmptree *t = *state;
  struct discover d;
  struct err e = ERR_INIT;
  char home[4096];

  snprintf(home, sizeof(home), "%s", P(t, "home"));
  mkdirs(t, "home");

  /* Nothing there: no roots, and no error. */
  assert_int_equal(roots_env(&d, NULL, P(t, "xdg"), home, &e), 0);
  assert_int_equal(d.nroots, 0);
  discover_release(&d);
  assert_int_equal(roots_env(&d, NULL, NULL, NULL, &e), 0);
  assert_int_equal(d.nroots, 0);
  discover_release(&d);

  /* A config dir without projects/ does not count. */
  mkdirs(t, "home/.claude");
  mkdirs(t, "xdg/claude");
  assert_int_equal(roots_env(&d, NULL, P(t, "xdg"), home, &e), 0);
  assert_int_equal(d.nroots, 0);
  discover_release(&d);

  /* ~/.claude alone. */
  mkdirs(t, "home/.claude/projects");
  assert_int_equal(roots_env(&d, NULL, P(t, "xdg"), home, &e), 0);
  assert_int_equal(d.nroots, 1);
  assert_string_equal(d.roots[0], P(t, "home/.claude/projects"));
  discover_release(&d);

  /* Both: XDG first, then ~/.claude. */
  mkdirs(t, "xdg/claude/projects");
  assert_int_equal(roots_env(&d, NULL, P(t, "xdg"), home, &e), 0);
  assert_int_equal(d.nroots, 2);
  assert_string_equal(d.roots[0], P(t, "xdg/claude/projects"));
  assert_string_equal(d.roots[1], P(t, "home/.claude/projects"));
  discover_release(&d);

  /* XDG unset or empty: ~/.config/claude; not there yet. */
  assert_int_equal(roots_env(&d, NULL, NULL, home, &e), 0);
  assert_int_equal(d.nroots, 1);
  assert_string_equal(d.roots[0], P(t, "home/.claude/projects"));
  discover_release(&d);
  mkdirs(t, "home/.config/claude/projects");
  assert_int_equal(roots_env(&d, NULL, NULL, home, &e), 0);
  assert_int_equal(d.nroots, 2);
  assert_string_equal(d.roots[0], P(t, "home/.config/claude/projects"));
  assert_string_equal(d.roots[1], P(t, "home/.claude/projects"));
  discover_release(&d);
  assert_int_equal(roots_env(&d, NULL, "", home, &e), 0);
  assert_int_equal(d.nroots, 2);
  assert_string_equal(d.roots[0], P(t, "home/.config/claude/projects"));
  discover_release(&d);

  /* No home: only XDG can be found. */
  assert_int_equal(roots_env(&d, NULL, P(t, "xdg"), NULL, &e), 0);
  assert_int_equal(d.nroots, 1);
  assert_string_equal(d.roots[0], P(t, "xdg/claude/projects"));
  discover_release(&d);
}

/* Walks one config dir "cfg" under the tree. */
static void walk_cfg(const struct tmptree *t, struct discover *d)
{
  struct err e = ERR_INIT;
  char cfg[4096];
  const char *dirs[1];

  snprintf(cfg, sizeof(cfg), "%s", P(t, "cfg"));
  dirs[0] = cfg;
  assert_int_equal(roots_dirs(d, dirs, 1, NULL, &e), 0);
  assert_int_equal(discover_files(d, &e), 0);
}

static void test_walk_layout(void **state)
{
  const struct tmptree *t = *state;
  struct discover d;
  static const char *const want[] = {
      "cfg/projects/-home-u-app/dir.jsonl/inner.jsonl",
      "cfg/projects/-home-u-app/s1.jsonl",
      "cfg/projects/-home-u-app/s1/subagents/agent-x.jsonl",
      "cfg/projects/-home-u-app/s1/subagents/workflows/wf/agent-y.jsonl",
      "cfg/projects/-home-u-app/s2.jsonl",
      "cfg/projects/-home-u-b/agent-old.jsonl",
      "cfg/projects/flat.jsonl",
  };
  size_t i;

  for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
    touch(t, want[i]);
  /* Not transcripts: other extensions, near misses, non-regular files. */
  touch(t, "cfg/projects/-home-u-app/s1.jsonl.bak");
  touch(t, "cfg/projects/-home-u-app/x.json");
  touch(t, "cfg/projects/-home-u-app/s1/subagents/agent-x.meta.json");
  touch(t, "cfg/projects/-home-u-app/upper.JSONL");
  touch(t, "cfg/projects/-home-u-app/.jsonl");
  touch(t, "cfg/projects/-home-u-app/jsonl");
  touch(t, "cfg/projects/-home-u-app/s1.jsonlx");
  touch(t, "cfg/projects/-home-u-app/s1.jsonl~");
  touch(t, "cfg/x.jsonl"); /* outside projects/ */
  assert_int_equal(mkfifo(P(t, "cfg/projects/fifo.jsonl"), 0644), 0);
  /* Symlinks are ignored, to files and to directories alike. */
  touch(t, "elsewhere/other.jsonl");
  assert_int_equal(symlink(P(t, "cfg/projects/-home-u-app/s1.jsonl"),
                           P(t, "cfg/projects/-home-u-app/link.jsonl")),
                   0);
  assert_int_equal(symlink(P(t, "elsewhere"), P(t, "cfg/projects/linkdir")), 0);
  assert_int_equal(symlink(P(t, "cfg/projects/-home-u-app"),
                           P(t, "cfg/projects/-home-u-app/s1/loop")),
                   0);
  assert_int_equal(symlink("/nonexistent", P(t, "cfg/projects/dangling.jsonl")),
                   0);

  walk_cfg(t, &d);
  assert_int_equal(d.nwarnings, 0);
  assert_string_equal(d.warnings.data, "");
  assert_int_equal(d.nfiles, sizeof(want) / sizeof(want[0]));
  for (i = 0; i < d.nfiles; i++) {
    assert_string_equal(d.files[i].path, P(t, want[i]));
    assert_int_equal(d.files[i].root, 0);
  }
  discover_release(&d);
}

static void test_walk_sorted_by_path(void **state)
{
  const struct tmptree *t = *state;
  struct discover d;
  /* Byte order: 'B' < 'a'; '-' (0x2d) < '.' (0x2e) < '/' (0x2f). */
  static const char *const want[] = {
      "cfg/projects/p/B.jsonl", "cfg/projects/p/a-b.jsonl",
      "cfg/projects/p/a.jsonl", "cfg/projects/p/a/b.jsonl",
      "cfg/projects/p/b.jsonl", "cfg/projects/q/a.jsonl",
  };
  size_t i;

  /* Created out of order. */
  for (i = sizeof(want) / sizeof(want[0]); i-- > 0;)
    touch(t, want[i]);
  walk_cfg(t, &d);
  assert_int_equal(d.nfiles, sizeof(want) / sizeof(want[0]));
  for (i = 0; i < d.nfiles; i++)
    assert_string_equal(d.files[i].path, P(t, want[i]));
  discover_release(&d);
}

static void test_walk_stat_fields(void **state)
{
  const struct tmptree *t = *state;
  struct discover d;
  struct timespec ts[2];
  struct stat st;
  char data[1234];

  memset(data, 'x', sizeof(data));
  assert_int_equal(
      tmptree_write(t, "cfg/projects/p/a.jsonl", data, sizeof(data)), 0);
  touch(t, "cfg/projects/p/empty.jsonl");
  assert_int_equal(truncate(P(t, "cfg/projects/p/empty.jsonl"), 0), 0);
  ts[0].tv_sec = ts[1].tv_sec = 1700000000;
  ts[0].tv_nsec = ts[1].tv_nsec = 123456789;
  assert_int_equal(utimensat(AT_FDCWD, P(t, "cfg/projects/p/a.jsonl"), ts, 0),
                   0);
  assert_int_equal(stat(P(t, "cfg/projects/p/a.jsonl"), &st), 0);

  walk_cfg(t, &d);
  assert_int_equal(d.nfiles, 2);
  assert_int_equal(d.files[0].size, 1234);
  assert_int_equal(d.files[0].mtime_ns, 1700000000123456789LL);
  assert_int_equal(d.files[0].dev, (uint64_t)st.st_dev);
  assert_int_equal(d.files[0].ino, (uint64_t)st.st_ino);
  assert_int_equal(d.files[1].size, 0);
  assert_true(d.files[1].ino != d.files[0].ino);
  discover_release(&d);
}

static void test_walk_root_twice(void **state)
{
  const struct tmptree *t = *state;
  struct discover d;
  struct err e = ERR_INIT;
  char a[4096], a_slash[4200], nested[4096];
  const char *dirs[3];

  touch(t, "a/projects/p/1.jsonl");
  touch(t, "a/projects/p/projects/q/2.jsonl");
  snprintf(a, sizeof(a), "%s", P(t, "a"));
  snprintf(a_slash, sizeof(a_slash), "%s/", a);
  snprintf(nested, sizeof(nested), "%s", P(t, "a/projects/p"));

  dirs[0] = a;
  dirs[1] = a_slash;
  assert_int_equal(roots_dirs(&d, dirs, 2, NULL, &e), 0);
  assert_int_equal(d.nroots, 1);
  assert_int_equal(discover_files(&d, &e), 0);
  assert_int_equal(d.nfiles, 2);
  discover_release(&d);

  /* A root inside another: its files are listed once, under the first
   * root that reaches them, whatever order the roots were given in. */
  dirs[0] = nested;
  dirs[1] = a;
  assert_int_equal(roots_dirs(&d, dirs, 2, NULL, &e), 0);
  assert_int_equal(d.nroots, 2);
  assert_string_equal(d.roots[0], P(t, "a/projects/p/projects"));
  assert_int_equal(discover_files(&d, &e), 0);
  assert_int_equal(d.nfiles, 2);
  assert_string_equal(d.files[0].path, P(t, "a/projects/p/1.jsonl"));
  assert_int_equal(d.files[0].root, 1);
  assert_string_equal(d.files[1].path, P(t, "a/projects/p/projects/q/2.jsonl"));
  assert_int_equal(d.files[1].root, 0);
  discover_release(&d);
}

static void test_walk_unreadable_dir(void **state)
{
  const struct tmptree *t = *state;
  struct discover d;
  char want[4400];

  touch(t, "cfg/projects/p/a.jsonl");
  touch(t, "cfg/projects/p/locked/b.jsonl");
  touch(t, "cfg/projects/q/c.jsonl");
  assert_int_equal(chmod(P(t, "cfg/projects/p/locked"), 0), 0);
  walk_cfg(t, &d);
  if (geteuid() == 0) {
    /* Root reads a mode-000 directory anyway; test_walk_long_path covers
     * the warning for every user. */
    assert_int_equal(d.nfiles, 3);
    assert_int_equal(d.nwarnings, 0);
  } else {
    snprintf(want, sizeof(want),
             "cannot read directory '%s': Permission denied\n",
             P(t, "cfg/projects/p/locked"));
    assert_int_equal(d.nwarnings, 1);
    assert_string_equal(d.warnings.data, want);
    assert_int_equal(d.nfiles, 2);
    assert_string_equal(d.files[0].path, P(t, "cfg/projects/p/a.jsonl"));
    assert_string_equal(d.files[1].path, P(t, "cfg/projects/q/c.jsonl"));
  }
  discover_release(&d);
  assert_int_equal(chmod(P(t, "cfg/projects/p/locked"), 0755), 0);
}

/*
 * A directory whose path is longer than PATH_MAX cannot be opened by
 * anyone, root included: the walk warns about it, naming it, and goes on.
 */
static void test_walk_long_path(void **state)
{
  const struct tmptree *t = *state;
  struct discover d;
  char name[201], path[8192], want[8400];
  int fd, level;
  size_t plen;

  touch(t, "cfg/projects/p/a.jsonl");
  touch(t, "cfg/projects/z.jsonl");
  memset(name, 'd', 200);
  name[200] = '\0';
  fd = open(P(t, "cfg/projects/p"), O_RDONLY | O_DIRECTORY);
  assert_true(fd >= 0);
  snprintf(path, sizeof(path), "%s", P(t, "cfg/projects/p"));
  plen = strlen(path);
  for (level = 0; plen < 4096; level++) {
    int nfd;

    assert_int_equal(mkdirat(fd, name, 0755), 0);
    nfd = openat(fd, name, O_RDONLY | O_DIRECTORY);
    assert_true(nfd >= 0);
    close(fd);
    fd = nfd;
    path[plen] = '/';
    memcpy(path + plen + 1, name, 201);
    plen += 201;
    if (level == 1) {
      /* A file two levels down is still found. */
      int f = openat(fd, "deep.jsonl", O_WRONLY | O_CREAT, 0644);

      assert_true(f >= 0);
      close(f);
    }
  }
  close(fd);
  assert_true(plen >= 4096);

  walk_cfg(t, &d);
  assert_int_equal(d.nwarnings, 1);
  snprintf(want, sizeof(want), "cannot read directory '%s': %s\n", path,
           strerror(ENAMETOOLONG));
  assert_string_equal(d.warnings.data, want);
  assert_int_equal(d.nfiles, 3);
  assert_string_equal(d.files[0].path, P(t, "cfg/projects/p/a.jsonl"));
  assert_int_equal(strlen(d.files[1].path),
                   strlen(P(t, "cfg/projects/p")) + 2 * 201 + 11);
  assert_string_equal(d.files[2].path, P(t, "cfg/projects/z.jsonl"));
  discover_release(&d);
}

static void test_release_twice_and_empty(void **state)
{
  struct discover d;
  struct err e = ERR_INIT;

  (void)state;
  discover_init(&d);
  assert_int_equal(discover_files(&d, &e), 0);
  assert_int_equal(d.nfiles, 0);
  assert_string_equal(d.warnings.data, "");
  discover_release(&d);
  discover_release(&d);
  assert_int_equal(d.nroots, 0);
  assert_null(d.files);
}

/* One directory or file under two names is read once. */
static void test_aliases_read_once(void **state)
{
  const struct tmptree *t = *state;
  struct discover d;
  struct err e = ERR_INIT;
  char a[4096], b[4096], f1[4096], f2[4096];
  const char *dirs[2];

  assert_int_equal(tmptree_puts(t, "a/projects/p/1.jsonl", "{}\n"), 0);
  tmptree_path(t, "a", a, sizeof(a));
  tmptree_path(t, "b", b, sizeof(b));
  assert_int_equal(symlink(a, b), 0);
  tmptree_path(t, "a/projects/p/1.jsonl", f1, sizeof(f1));
  tmptree_path(t, "a/projects/p/0-link.jsonl", f2, sizeof(f2));
  assert_int_equal(link(f1, f2), 0);
  dirs[0] = b;
  dirs[1] = a;
  assert_int_equal(roots_dirs(&d, dirs, 2, NULL, &e), 0);
  assert_int_equal(d.nroots, 1);
  assert_int_equal(discover_files(&d, &e), 0);
  /* The hard link's name sorts first, so it is the one read. */
  assert_int_equal(d.nfiles, 1);
  assert_non_null(strstr(d.files[0].path, "0-link.jsonl"));
  discover_release(&d);
}

/* Sets a directory's mtime an hour back, as settled history has. */
static void settle(const struct tmptree *t, const char *rel)
{
  struct timespec ts[2];

  clock_gettime(CLOCK_REALTIME, &ts[0]);
  ts[0].tv_sec -= 3600;
  ts[1] = ts[0];
  assert_int_equal(utimensat(AT_FDCWD, P(t, rel), ts, 0), 0);
}

static void settle_all(const struct tmptree *t)
{
  static const char *const dirs[] = {
      "cfg/projects", "cfg/projects/p", "cfg/projects/p/s",
      "cfg/projects/p/s/subagents", "cfg/projects/q"};
  size_t i;

  for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
    settle(t, dirs[i]);
}

/* Walks cfg with the directories of `memo` as the memo. */
static void walk_memo(const struct tmptree *t, const struct discover *memo,
                      struct discover *d)
{
  const char *dirs[1];
  char cfg[4096];

  snprintf(cfg, sizeof(cfg), "%s", P(t, "cfg"));
  dirs[0] = cfg;
  discover_init(d);
  assert_int_equal(roots_dirs(d, dirs, 1, NULL, NULL), 0);
  d->memo = memo ? memo->dirs : NULL;
  d->nmemo = memo ? memo->ndirs : 0;
  assert_int_equal(discover_files(d, NULL), 0);
}

/* Settled directories are not read again; what changes still shows. */
static void test_walk_memo(void **state)
{
  const struct tmptree *t = *state;
  struct discover d1, d2, d3;
  size_t i;

  mkdirs(t, "cfg/projects/p/s/subagents");
  mkdirs(t, "cfg/projects/q");
  touch(t, "cfg/projects/p/a.jsonl");
  touch(t, "cfg/projects/p/s/subagents/x.jsonl");
  touch(t, "cfg/projects/q/b.jsonl");
  touch(t, "cfg/projects/q/notes.txt");
  settle_all(t);
  walk_memo(t, NULL, &d1);
  assert_int_equal(d1.nfiles, 3);
  assert_int_equal(d1.ndirs, 5);
  assert_int_equal(d1.listed, 5);
  assert_string_equal(d1.dirs[1].path, P(t, "cfg/projects/p"));
  assert_int_equal(d1.dirs[1].names_len, sizeof("fa.jsonl\0ds"));
  assert_memory_equal(d1.dirs[1].names,
                      strcmp(d1.dirs[1].names, "fa.jsonl") ? "ds\0fa.jsonl"
                                                           : "fa.jsonl\0ds",
                      d1.dirs[1].names_len);

  /* nothing read again; the same files, an appended one's new size */
  assert_int_equal(tmptree_puts(t, "cfg/projects/q/b.jsonl", "{}\n{}\n"), 0);
  walk_memo(t, &d1, &d2);
  assert_int_equal(d2.listed, 0);
  assert_int_equal(d2.nfiles, 3);
  for (i = 0; i < 3; i++)
    assert_string_equal(d2.files[i].path, d1.files[i].path);
  assert_int_equal(d2.files[2].size, 6);
  discover_release(&d2);

  /* a new file changes its directory's mtime: read again, found */
  touch(t, "cfg/projects/p/c.jsonl");
  walk_memo(t, &d1, &d2);
  assert_int_equal(d2.listed, 1);
  assert_int_equal(d2.nfiles, 4);
  assert_int_equal(d2.dirs[1].mtime_ns, DISCOVER_RACY);
  /* a deleted one too */
  assert_int_equal(unlink(P(t, "cfg/projects/q/b.jsonl")), 0);
  walk_memo(t, &d2, &d3);
  assert_int_equal(d3.nfiles, 3);
  assert_int_equal(d3.listed, 2); /* p was racy, q changed */
  discover_release(&d3);
  discover_release(&d2);

  /* The memo is trusted: an entry added behind an unchanged mtime is
   * not seen (which is why recent directories are not trusted). */
  settle_all(t);
  walk_memo(t, NULL, &d2);
  touch(t, "cfg/projects/q/hidden.jsonl");
  settle(t, "cfg/projects/q");
  {
    struct stat a;

    assert_int_equal(stat(P(t, "cfg/projects/q"), &a), 0);
    for (i = 0; i < d2.ndirs; i++)
      if (!strcmp(d2.dirs[i].path, P(t, "cfg/projects/q")))
        ((struct discover_dir *)&d2.dirs[i])->mtime_ns =
            (int64_t)a.st_mtim.tv_sec * 1000000000 + a.st_mtim.tv_nsec;
  }
  walk_memo(t, &d2, &d3);
  assert_int_equal(d3.nfiles, 3);
  for (i = 0; i < d3.nfiles; i++)
    assert_null(strstr(d3.files[i].path, "hidden"));
  discover_release(&d3);
  discover_release(&d2);
  discover_release(&d1);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_walk_memo, tmptree_setup,
                                      tmptree_teardown),
      cmocka_unit_test_setup_teardown(test_aliases_read_once, tmptree_setup,
                                      tmptree_teardown),
      cmocka_unit_test_setup_teardown(test_claude_dir_config_and_projects,
                                      tmptree_setup, tmptree_teardown),
      cmocka_unit_test_setup_teardown(test_claude_dir_repeated, tmptree_setup,
                                      tmptree_teardown),
      cmocka_unit_test_setup_teardown(test_claude_dir_without_projects,
                                      tmptree_setup, tmptree_teardown),
      cmocka_unit_test_setup_teardown(test_config_dir_list, tmptree_setup,
                                      tmptree_teardown),
      cmocka_unit_test_setup_teardown(test_config_dir_none_valid, tmptree_setup,
                                      tmptree_teardown),
      cmocka_unit_test_setup_teardown(test_config_dir_empty_is_unset,
                                      tmptree_setup, tmptree_teardown),
      cmocka_unit_test_setup_teardown(test_config_dir_trims_all_space,
                                      tmptree_setup, tmptree_teardown),
      cmocka_unit_test_setup_teardown(test_defaults, tmptree_setup,
                                      tmptree_teardown),
      cmocka_unit_test_setup_teardown(test_walk_layout, tmptree_setup,
                                      tmptree_teardown),
      cmocka_unit_test_setup_teardown(test_walk_sorted_by_path, tmptree_setup,
                                      tmptree_teardown),
      cmocka_unit_test_setup_teardown(test_walk_stat_fields, tmptree_setup,
                                      tmptree_teardown),
      cmocka_unit_test_setup_teardown(test_walk_root_twice, tmptree_setup,
                                      tmptree_teardown),
      cmocka_unit_test_setup_teardown(test_walk_unreadable_dir, tmptree_setup,
                                      tmptree_teardown),
      cmocka_unit_test_setup_teardown(test_walk_long_path, tmptree_setup,
                                      tmptree_teardown),
      cmocka_unit_test(test_release_twice_and_empty),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
