/* Helpers shared by the unit tests. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>

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
