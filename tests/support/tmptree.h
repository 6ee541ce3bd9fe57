/* Temporary directory trees for tests that touch the file system. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_TEST_TMPTREE_H
#define TOKMETER_TEST_TMPTREE_H

#include <stddef.h>

/*
 * A tree lives in a fresh directory under /tmp; paths are built from its
 * root and a relative path. The caller owns the tree and removes it with
 * tmptree_remove().
 */
struct tmptree {
  char root[256];
};

/* Creates the root directory. Returns 0 or -1. */
int tmptree_make(struct tmptree *t);

/* Writes root/rel (creating its parent directories) with data[0..n). */
int tmptree_write(const struct tmptree *t, const char *rel, const void *data,
                  size_t n);
/* Like tmptree_write, with a NUL-terminated string. */
int tmptree_puts(const struct tmptree *t, const char *rel, const char *s);

/* Creates root/rel and its parents. Returns 0 or -1. */
int tmptree_mkdirs(const struct tmptree *t, const char *rel);

/* Writes "root/rel" into out (n bytes); returns out. */
char *tmptree_path(const struct tmptree *t, const char *rel, char *out,
                   size_t n);

/* Removes the whole tree (permissions restored first). */
void tmptree_remove(struct tmptree *t);

/* cmocka fixtures: a fresh tree in *state per test, removed after it. */
int tmptree_setup(void **state);
int tmptree_teardown(void **state);

#endif
