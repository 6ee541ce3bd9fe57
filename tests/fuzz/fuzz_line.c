/* libFuzzer target for the line parser: never crashes, and always agrees
 * with the jansson reference (a differential fuzzer). */
/* SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ref_parse.h"
#include "source/line.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct line_parser lp;
  struct buf scratch = BUF_INIT, why = BUF_INIT;
  struct usage_rec a, b;
  const char *line = (const char *)data;
  enum line_status sa, sb;

  /* A line never holds '\n': the reader splits on it first. */
  if (memchr(data, '\n', size))
    return 0;
  (void)line_find_usage(line, size);
  if (!line_prefilter(line, size))
    return 0;
  line_parser_init(&lp);
  memset(&a, 0, sizeof(a));
  memset(&b, 0, sizeof(b));
  sa = line_parse(&lp, line, size, &a);
  sb = ref_parse(line, size, &scratch, &b);
  if (sa == LINE_BAD_UTF8)
    sa = LINE_MALFORMED;
  if (sb == LINE_BAD_UTF8)
    sb = LINE_MALFORMED;
  if (sa != sb) {
    fprintf(stderr, "status differs: fast %d, jansson %d\n", sa, sb);
    abort();
  }
  if (sa == LINE_EVENT && ref_compare(&a, &b, &why)) {
    fprintf(stderr, "records differ: %s\n", why.data);
    abort();
  }
  line_parser_release(&lp);
  buf_release(&scratch);
  buf_release(&why);
  return 0;
}
