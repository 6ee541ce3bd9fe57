/* Runs the fuzz target over files of lines without libFuzzer, so the seed
 * corpus is a regression test in every build. */
/* SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/buf.h"
#include "testutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
  size_t lines = 0;
  int i;

  for (i = 1; i < argc; i++) {
    struct buf b = BUF_INIT;
    const char *p, *end;

    if (testutil_read_file(argv[i], &b)) {
      fprintf(stderr, "cannot read '%s'\n", argv[i]);
      return 1;
    }
    for (p = b.data, end = b.data + b.len; p < end;) {
      const char *nl = memchr(p, '\n', (size_t)(end - p));
      size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

      LLVMFuzzerTestOneInput((const uint8_t *)p, n);
      lines++;
      p += n + 1;
    }
    buf_release(&b);
  }
  printf("replayed %zu lines\n", lines);
  return lines ? 0 : 1;
}
