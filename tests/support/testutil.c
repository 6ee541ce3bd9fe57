/* Helpers shared by the unit tests. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "testutil.h"
#include "util/buf.h"

int testutil_read_file(const char *path, struct buf *out)
{
  char tmp[65536];
  FILE *f = fopen(path, "rb");
  size_t n;

  if (!f)
    return -1;
  while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
    buf_add(out, tmp, n);
  fclose(f);
  return 0;
}

const char *testutil_src_dir(void)
{
  const char *s = getenv("TOKMETER_SRC");

  return s ? s : ".";
}

const char *testutil_shared_dir(void)
{
  static char path[4096];
  const char *s = getenv("TOKMETER_SHARED");
  struct stat st;

  if (s && !stat(s, &st))
    return s;
  snprintf(path, sizeof(path), "%s/../shared", testutil_src_dir());
  return !stat(path, &st) && S_ISDIR(st.st_mode) ? path : NULL;
}

unsigned long long testutil_rand(unsigned long long *state)
{
  unsigned long long z = (*state += 0x9e3779b97f4a7c15ULL);

  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
