/* Tests for src/source/project.c: project names from cwds and git. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "core/aggregate.h"
#include "source/discover.h"
#include "source/project.h"
#include "source/scan.h"
#include "tmptree.h"
#include "transcript.h"
#include "util/buf.h"
#include "util/banned.h"

/* The last name looked up; released after each test. */
static struct buf name_buf = BUF_INIT;

static int teardown(void **state)
{
  buf_release(&name_buf);
  return tmptree_teardown(state);
}

static const char *P(const struct tmptree *t, const char *rel)
{
  static char slots[4][4096];
  static int next;

  next = (next + 1) % 4;
  return tmptree_path(t, rel, slots[next], sizeof(slots[next]));
}

/* The project name for root/rel. */
static const char *name_of(const struct tmptree *t, const char *rel)
{
  project_name_for_cwd(P(t, rel), &name_buf);
  return name_buf.data;
}

static const char *name_abs(const char *cwd)
{
  project_name_for_cwd(cwd, &name_buf);
  return name_buf.data;
}

static int have_git(void)
{
  return system("git --version >/dev/null 2>&1") == 0;
}

/*
 * Runs git in root/rel, isolated from the user's and system's config and
 * from a repository the tests may be run from (a hook exports GIT_DIR).
 */
static void git(const struct tmptree *t, const char *rel, const char *args)
{
  char cmd[8192];

  snprintf(cmd, sizeof(cmd),
           "cd '%s' && env -u GIT_DIR -u GIT_WORK_TREE -u GIT_INDEX_FILE "
           "-u GIT_COMMON_DIR -u GIT_OBJECT_DIRECTORY -u GIT_NAMESPACE "
           "-u GIT_ALTERNATE_OBJECT_DIRECTORIES -u GIT_CEILING_DIRECTORIES "
           "GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null git -c "
           "init.defaultBranch=main -c user.name=t -c user.email=t@t "
           "-c protocol.file.allow=always %s >/dev/null 2>&1",
           P(t, rel), args);
  if (system(cmd) != 0)
    fail_msg("git %s failed in %s", args, rel);
}

/* A hand-made repository: rel/.git/config with the given text. */
static void fake_repo(const struct tmptree *t, const char *rel,
                      const char *config)
{
  char path[512];

  snprintf(path, sizeof(path), "%s/.git/config", rel);
  assert_int_equal(tmptree_puts(t, path, config), 0);
}

static void test_no_repo(void **state)
{
  const struct tmptree *t = *state;
  struct stat st;

  /* Assumes no repository at / or /home, as on any build machine. */
  assert_int_not_equal(stat("/.git", &st), 0);
  assert_string_equal(name_abs("/home/u/my-app"), "my-app");
  assert_string_equal(name_abs("/home/u/my-app/"), "my-app");
  assert_string_equal(name_abs("/home/u/my-app///"), "my-app");
  assert_string_equal(name_abs("/my-app"), "my-app");
  assert_string_equal(name_abs("/"), "/");
  assert_string_equal(name_abs(""), "(unknown)");
  assert_string_equal(name_abs("relative/dir"), "dir");
  assert_string_equal(name_abs("my-app"), "my-app");
  assert_string_equal(name_abs("C:\\Users\\x\\proj"), "C:\\Users\\x\\proj");
  /* An existing directory outside any repository. */
  assert_int_equal(tmptree_mkdirs(t, "plain/dir"), 0);
  assert_string_equal(name_of(t, "plain/dir"), "dir");
}

static void test_git_origin_ssh(void **state)
{
  const struct tmptree *t = *state;

  if (!have_git())
    skip();
  assert_int_equal(tmptree_mkdirs(t, "checkout"), 0);
  git(t, "checkout", "init -q");
  git(t, "checkout", "remote add origin git@github.com:acme/widget.git");
  assert_string_equal(name_of(t, "checkout"), "widget");
  assert_string_equal(name_of(t, "checkout/"), "widget");
  /* Deep inside, existing or not. */
  assert_int_equal(tmptree_mkdirs(t, "checkout/src/lib/x"), 0);
  assert_string_equal(name_of(t, "checkout/src/lib/x"), "widget");
  assert_string_equal(name_of(t, "checkout/src/gone/y"), "widget");
}

static void test_origin_url_forms(void **state)
{
  const struct tmptree *t = *state;
  static const struct {
    const char *url, *want;
  } cases[] = {
      {"git@github.com:acme/widget.git", "widget"},
      {"https://github.com/acme/widget", "widget"},
      {"https://github.com/acme/widget/", "widget"},
      {"https://github.com/acme/widget.git/", "widget"},
      {"https://github.com/acme/widget.git", "widget"},
      {"ssh://git@example.com:2222/acme/widget.git", "widget"},
      {"git@github.com:widget.git", "widget"},
      {"/srv/git/widget.git", "widget"},
      {"/srv/git/widget/.git", "widget"},
      {"/srv/git/widget/.git/", "widget"},
      {"file:///srv/git/widget", "widget"},
      {"https://github.com/acme/my.app.git", "my.app"},
  };
  char cfg[512];
  size_t i;

  for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    snprintf(cfg, sizeof(cfg),
             "[core]\n\trepositoryformatversion = 0\n"
             "[remote \"origin\"]\n\turl = %s\n"
             "\tfetch = +refs/heads/*:refs/remotes/origin/*\n",
             cases[i].url);
    fake_repo(t, "dir-name", cfg);
    assert_string_equal(name_of(t, "dir-name"), cases[i].want);
  }

  /* Spaces around '=', CRLF, origin after another remote. */
  fake_repo(t, "dir-name",
            "[remote \"upstream\"]\r\n  url=https://github.com/up/other.git\r\n"
            "[branch \"main\"]\r\n\tremote = origin\r\n"
            "[remote \"origin\"]\r\n\turl   =  https://h/acme/widget.git  "
            "\r\n");
  assert_string_equal(name_of(t, "dir-name"), "widget");
  /* Only another remote, or a pushurl: the directory's name. */
  fake_repo(t, "dir-name",
            "[remote \"upstream\"]\n\turl = https://github.com/up/other.git\n"
            "[remote \"origin\"]\n\tpushurl = https://h/acme/push.git\n");
  assert_string_equal(name_of(t, "dir-name"), "dir-name");
  /* An empty url, or no config at all. */
  fake_repo(t, "dir-name", "[remote \"origin\"]\n\turl =\n");
  assert_string_equal(name_of(t, "dir-name"), "dir-name");
  assert_int_equal(tmptree_mkdirs(t, "bare-dotgit/.git"), 0);
  assert_string_equal(name_of(t, "bare-dotgit"), "bare-dotgit");
}

static void test_git_no_remote(void **state)
{
  const struct tmptree *t = *state;

  if (!have_git())
    skip();
  assert_int_equal(tmptree_mkdirs(t, "my-repo/a/b/c"), 0);
  git(t, "my-repo", "init -q");
  assert_string_equal(name_of(t, "my-repo"), "my-repo");
  assert_string_equal(name_of(t, "my-repo/a/b/c"), "my-repo");
  assert_string_equal(name_of(t, "my-repo/a/missing"), "my-repo");
  /* A nested repository is its own project. */
  assert_int_equal(tmptree_mkdirs(t, "my-repo/vendor/inner"), 0);
  git(t, "my-repo/vendor/inner", "init -q");
  assert_string_equal(name_of(t, "my-repo/vendor/inner"), "inner");
  assert_string_equal(name_of(t, "my-repo/vendor"), "my-repo");
}

static void test_git_worktree(void **state)
{
  const struct tmptree *t = *state;

  if (!have_git())
    skip();
  assert_int_equal(tmptree_mkdirs(t, "main-repo"), 0);
  git(t, "main-repo", "init -q");
  git(t, "main-repo", "commit -q --allow-empty -m first");
  git(t, "main-repo", "worktree add -q ../wt-feature");
  assert_int_equal(tmptree_mkdirs(t, "wt-feature/src"), 0);
  /* No remote: the main work tree's name, not the linked one's. */
  assert_string_equal(name_of(t, "wt-feature"), "main-repo");
  assert_string_equal(name_of(t, "wt-feature/src"), "main-repo");
  assert_string_equal(name_of(t, "main-repo"), "main-repo");
  /* The remote lives in the main repository's config. */
  git(t, "main-repo", "remote add origin https://github.com/acme/widget");
  assert_string_equal(name_of(t, "wt-feature/src"), "widget");
  assert_string_equal(name_of(t, "main-repo"), "widget");
}

static void test_git_bare_worktree(void **state)
{
  const struct tmptree *t = *state;

  if (!have_git())
    skip();
  /* The "bare clone + worktrees" layout: no .git/ directory anywhere. */
  assert_int_equal(tmptree_mkdirs(t, "src-repo"), 0);
  git(t, "src-repo", "init -q");
  git(t, "src-repo", "commit -q --allow-empty -m first");
  git(t, "", "clone -q --bare src-repo store.git");
  git(t, "store.git", "worktree add -q ../feature-x");
  git(t, "store.git", "worktree add -q -b other ../feature-y");
  /* The bare clone's origin is the source repository. */
  assert_string_equal(name_of(t, "feature-x"), "src-repo");
  assert_string_equal(name_of(t, "feature-y"), "src-repo");
  git(t, "store.git", "remote set-url origin git@github.com:acme/widget.git");
  assert_string_equal(name_of(t, "feature-x"), "widget");
  /* Without a remote, every worktree is named after the repository. */
  git(t, "store.git", "remote remove origin");
  assert_string_equal(name_of(t, "feature-x"), "store.git");
  assert_string_equal(name_of(t, "feature-y"), "store.git");
}

static void test_gitfile(void **state)
{
  const struct tmptree *t = *state;
  char txt[4200];

  /* Submodule style: a relative gitdir inside the superproject. */
  fake_repo(t, "super", "[core]\n\tbare = false\n");
  assert_int_equal(
      tmptree_puts(t, "super/.git/modules/sub/config",
                   "[remote \"origin\"]\n"
                   "\turl = https://example.com/org/subproj.git\n"),
      0);
  assert_int_equal(
      tmptree_puts(t, "super/sub/.git", "gitdir: ../.git/modules/sub\n"), 0);
  assert_int_equal(tmptree_mkdirs(t, "super/sub/deep"), 0);
  assert_string_equal(name_of(t, "super/sub"), "subproj");
  assert_string_equal(name_of(t, "super/sub/deep"), "subproj");
  assert_string_equal(name_of(t, "super"), "super");

  /* An absolute gitdir elsewhere, CRLF; no remote there: the directory
   * holding the .git file. */
  assert_int_equal(tmptree_mkdirs(t, "elsewhere/x.git"), 0);
  snprintf(txt, sizeof(txt), "gitdir: %s\r\n", P(t, "elsewhere/x.git"));
  assert_int_equal(tmptree_puts(t, "checkout/.git", txt), 0);
  assert_string_equal(name_of(t, "checkout"), "checkout");
  assert_int_equal(tmptree_puts(t, "elsewhere/x.git/config",
                                "[remote \"origin\"]\n\turl = a:b/other\n"),
                   0);
  assert_string_equal(name_of(t, "checkout"), "other");

  /* Worktree files written by hand: commondir absolute, relative with
   * "." and trailing slashes, or missing (the .git/worktrees/ shape). */
  assert_int_equal(tmptree_mkdirs(t, "main3/.git"), 0);
  snprintf(txt, sizeof(txt), "%s\n", P(t, "main3/.git"));
  assert_int_equal(tmptree_puts(t, "store/wt/w3/commondir", txt), 0);
  snprintf(txt, sizeof(txt), "gitdir: %s\n", P(t, "store/wt/w3"));
  assert_int_equal(tmptree_puts(t, "w3/.git", txt), 0);
  assert_string_equal(name_of(t, "w3"), "main3");
  assert_int_equal(
      tmptree_puts(t, "main4/.git/worktrees/w4/commondir", "./.././..//.\n"),
      0);
  snprintf(txt, sizeof(txt), "gitdir: %s\n", P(t, "main4/.git/worktrees/w4"));
  assert_int_equal(tmptree_puts(t, "w4/.git", txt), 0);
  assert_string_equal(name_of(t, "w4"), "main4");
  assert_int_equal(tmptree_mkdirs(t, "main5/.git/worktrees/w5"), 0);
  snprintf(txt, sizeof(txt), "gitdir: %s\n", P(t, "main5/.git/worktrees/w5"));
  assert_int_equal(tmptree_puts(t, "w5/.git", txt), 0);
  assert_string_equal(name_of(t, "w5"), "main5");
  assert_int_equal(tmptree_puts(t, "main5/.git/config",
                                "[remote \"origin\"]\n\turl = h:o/r5.git\n"),
                   0);
  assert_string_equal(name_of(t, "w5"), "r5");

  /* Not a gitdir file: ignored, the search goes on upwards. */
  fake_repo(t, "outer", "");
  assert_int_equal(tmptree_puts(t, "outer/inner/.git", "garbage\n"), 0);
  assert_string_equal(name_of(t, "outer/inner"), "outer");
}

static void test_git_submodule(void **state)
{
  const struct tmptree *t = *state;
  char args[4200];

  if (!have_git())
    skip();
  assert_int_equal(tmptree_mkdirs(t, "libsrc"), 0);
  git(t, "libsrc", "init -q");
  git(t, "libsrc", "commit -q --allow-empty -m first");
  assert_int_equal(tmptree_mkdirs(t, "app"), 0);
  git(t, "app", "init -q");
  git(t, "app", "remote add origin git@github.com:acme/app.git");
  snprintf(args, sizeof(args), "submodule add -q %s lib", P(t, "libsrc"));
  git(t, "app", args);
  assert_string_equal(name_of(t, "app"), "app");
  /* The submodule's origin is the path it was cloned from. */
  assert_string_equal(name_of(t, "app/lib"), "libsrc");
}

/* A record line with an optional cwd. */
static void rec(struct buf *b, const char *id, const char *cwd, int sec)
{
  struct transcript_rec r;

  memset(&r, 0, sizeof(r));
  r.id = id;
  r.req = id;
  r.session = "s";
  r.cwd = cwd;
  r.sec = sec;
  r.in = 1;
  r.out = 2;
  transcript_add(b, &r);
  buf_adds(b, "\n");
}

static const char *project(const struct project_map *pm,
                           const struct scan_result *r, int sec)
{
  size_t i;

  for (i = 0; i < r->set.n; i++)
    if (r->set.ev[i].ts_ms == TRANSCRIPT_T0_MS + sec * 1000) {
      uint32_t id = project_of(pm, &r->set.ev[i]);

      return id ? strtab_get(&pm->names, id) : "(no project)";
    }
  return "(no event)";
}

static void test_map_build(void **state)
{
  const struct tmptree *t = *state;
  struct buf a = BUF_INIT, b = BUF_INIT, c = BUF_INIT, f = BUF_INIT;
  struct discover d;
  struct scan_result r;
  struct project_map pm;
  char repo[4096], deep[4200];

  fake_repo(t, "repo", "[remote \"origin\"]\n\turl = git@h:acme/widget.git\n");
  snprintf(repo, sizeof(repo), "%s", P(t, "repo"));
  snprintf(deep, sizeof(deep), "%s/src/x", repo);
  rec(&a, "m1", repo, 1);
  rec(&a, "m2", deep, 2);
  rec(&a, "m3", "/home/u/my-app", 3);
  rec(&a, "m4", repo, 4);
  rec(&b, "m5", NULL, 5);
  rec(&c, "m6", NULL, 6);
  rec(&c, "m7", "/home/u/other/", 7);
  rec(&f, "m8", NULL, 8);
  assert_int_equal(tmptree_puts(t, "cfg/projects/-tmp-repo/s1.jsonl", a.data),
                   0);
  assert_int_equal(
      tmptree_puts(t, "cfg/projects/-home-u-nocwd/s2.jsonl", b.data), 0);
  assert_int_equal(tmptree_puts(t,
                                "cfg/projects/-home-u-nocwd/s2/subagents/"
                                "agent-x.jsonl",
                                c.data),
                   0);
  assert_int_equal(tmptree_puts(t, "cfg/projects/flat.jsonl", f.data), 0);

  discover_init(&d);
  assert_int_equal(transcript_discover(P(t, "cfg"), &d), 0);
  assert_int_equal(d.nfiles, 4);
  scan_result_init(&r);
  assert_int_equal(transcript_scan(&d, &r, 0, 1), 0);
  assert_int_equal(r.set.n, 8);

  project_map_build(&pm, &r.set, &d);
  assert_string_equal(project(&pm, &r, 1), "widget");
  assert_string_equal(project(&pm, &r, 2), "widget");
  assert_string_equal(project(&pm, &r, 3), "my-app");
  assert_string_equal(project(&pm, &r, 4), "widget");
  assert_string_equal(project(&pm, &r, 5), "-home-u-nocwd");
  assert_string_equal(project(&pm, &r, 6), "-home-u-nocwd");
  assert_string_equal(project(&pm, &r, 7), "other");
  assert_string_equal(project(&pm, &r, 8), "(unknown)");
  /* One name per distinct project, whatever the number of cwds; every
   * file is named too ("-tmp-repo", unused: its events have a cwd). */
  assert_int_equal(pm.names.n, 1 + 6);
  assert_int_not_equal(strtab_find(&pm.names, "-tmp-repo", 9), 0);
  assert_int_equal(pm.n, r.set.strs.n);
  project_map_release(&pm);
  assert_null(pm.by_id);

  /* Without the discovery, events without a cwd have no project. */
  project_map_build(&pm, &r.set, NULL);
  assert_string_equal(project(&pm, &r, 1), "widget");
  assert_string_equal(project(&pm, &r, 5), "(no project)");
  assert_int_equal(pm.names.n, 1 + 3);
  project_map_release(&pm);

  scan_result_release(&r);
  discover_release(&d);
  buf_release(&a);
  buf_release(&b);
  buf_release(&c);
  buf_release(&f);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_no_repo, tmptree_setup, teardown),
      cmocka_unit_test_setup_teardown(test_git_origin_ssh, tmptree_setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_origin_url_forms, tmptree_setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_git_no_remote, tmptree_setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_git_worktree, tmptree_setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_git_bare_worktree, tmptree_setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_gitfile, tmptree_setup, teardown),
      cmocka_unit_test_setup_teardown(test_git_submodule, tmptree_setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_map_build, tmptree_setup, teardown),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
