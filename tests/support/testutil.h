/* Helpers shared by the unit tests. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_TESTUTIL_H
#define TOKMETER_TESTUTIL_H

struct buf;

/* Appends the file's bytes to out. Returns 0 or -1. */
int testutil_read_file(const char *path, struct buf *out);
/* The source tree (TOKMETER_SRC, set by ctest). */
const char *testutil_src_dir(void);

#endif
