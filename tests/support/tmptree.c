/* Temporary directory trees for tests that touch the file system. */
/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tmptree.h"
#include "util/banned.h"

int tmptree_make(struct tmptree *t)
{
  snprintf(t->root, sizeof(t->root), "/tmp/tokmeter-test-XXXXXX");
  return mkdtemp(t->root) ? 0 : -1;
}

char *tmptree_path(const struct tmptree *t, const char *rel, char *out,
                   size_t n)
{
  if (rel && *rel)
    snprintf(out, n, "%s/%s", t->root, rel);
  else
    snprintf(out, n, "%s", t->root);
  return out;
}

int tmptree_mkdirs(const struct tmptree *t, const char *rel)
{
  char path[4096];
  size_t i, n;

  tmptree_path(t, rel, path, sizeof(path));
  n = strlen(path);
  for (i = strlen(t->root) + 1; i <= n; i++) {
    if (path[i] != '/' && path[i] != '\0')
      continue;
    path[i] = '\0';
    if (mkdir(path, 0755) && errno != EEXIST)
      return -1;
    if (i < n)
      path[i] = '/';
  }
  return 0;
}

int tmptree_write(const struct tmptree *t, const char *rel, const void *data,
                  size_t n)
{
  char path[4096], dir[4096];
  const char *slash = strrchr(rel, '/');
  FILE *f;
  int r = 0;

  if (slash) {
    snprintf(dir, sizeof(dir), "%.*s", (int)(slash - rel), rel);
    if (tmptree_mkdirs(t, dir))
      return -1;
  }
  f = fopen(tmptree_path(t, rel, path, sizeof(path)), "wb");
  if (!f)
    return -1;
  if (n && fwrite(data, 1, n, f) != n)
    r = -1;
  if (fclose(f))
    r = -1;
  return r;
}

int tmptree_puts(const struct tmptree *t, const char *rel, const char *s)
{
  return tmptree_write(t, rel, s, strlen(s));
}

void tmptree_remove(struct tmptree *t)
{
  char cmd[600];

  if (!t->root[0] || strncmp(t->root, "/tmp/tokmeter-test-", 19))
    return;
  /* chmod first: a test may have left a directory unreadable. */
  snprintf(cmd, sizeof(cmd), "chmod -R u+rwx '%s' 2>/dev/null; rm -rf '%s'",
           t->root, t->root);
  if (system(cmd) != 0)
    fprintf(stderr, "cannot remove '%s'\n", t->root);
  t->root[0] = '\0';
}

int tmptree_setup(void **state)
{
  struct tmptree *t = calloc(1, sizeof(*t));

  if (!t || tmptree_make(t)) {
    free(t);
    return -1;
  }
  *state = t;
  return 0;
}

int tmptree_teardown(void **state)
{
  tmptree_remove(*state);
  free(*state);
  return 0;
}
