/* Running the built tokmeter binary from a test and reading its JSON. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "runbin.h"
#include "util/buf.h"

json_t *runbin_json(const char *fmt, ...)
{
  struct buf cmd = BUF_INIT, out = BUF_INIT;
  char tmp[65536];
  json_error_t je;
  va_list ap;
  json_t *j;
  FILE *p;
  size_t n;

  buf_addf(&cmd, "'%s' ", getenv("TOKMETER_BIN"));
  va_start(ap, fmt);
  buf_vaddf(&cmd, fmt, ap);
  va_end(ap);
  buf_adds(&cmd, " 2>/dev/null");
  p = popen(cmd.data, "r");
  assert_non_null(p);
  while ((n = fread(tmp, 1, sizeof(tmp), p)) > 0)
    buf_add(&out, tmp, n);
  if (pclose(p) != 0)
    fail_msg("'%s' failed", cmd.data);
  j = json_loadb(out.data, out.len, 0, &je);
  if (!j)
    fail_msg("'%s': bad JSON: %s", cmd.data, je.text);
  buf_release(&cmd);
  buf_release(&out);
  return j;
}

void runbin_sh(const char *fmt, ...)
{
  struct buf cmd = BUF_INIT;
  va_list ap;

  va_start(ap, fmt);
  buf_vaddf(&cmd, fmt, ap);
  va_end(ap);
  if (system(cmd.data) != 0)
    fail_msg("'%s' failed", cmd.data);
  buf_release(&cmd);
}

long long runbin_int(json_t *o, const char *k)
{
  json_t *v = json_object_get(o, k);

  if (!json_is_integer(v))
    fail_msg("field '%s' missing or not an integer", k);
  return json_integer_value(v);
}

double runbin_num(json_t *o, const char *k)
{
  json_t *v = json_object_get(o, k);

  if (!json_is_number(v))
    fail_msg("field '%s' missing or not a number", k);
  return json_number_value(v);
}
