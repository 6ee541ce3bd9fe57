/* Helpers shared by the unit tests. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_TESTUTIL_H
#define TOKMETER_TESTUTIL_H

struct buf;

/* Appends the file's bytes to out. Returns 0 or -1. */
int testutil_read_file(const char *path, struct buf *out);
/* The source tree (TOKMETER_SRC, set by ctest). */
const char *testutil_src_dir(void);

/* The shared fixtures directory (TOKMETER_SHARED, else <src>/../shared), or
 * NULL when absent. */
const char *testutil_shared_dir(void);

/* Deterministic PRNG for tests (splitmix64). */
unsigned long long testutil_rand(unsigned long long *state);

#endif
