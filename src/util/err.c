/* Error reporting helpers. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/err.h"
#include "util/banned.h"

int err_set(struct err *e, int code, const char *fmt, ...)
{
  va_list ap;

  if (!e)
    return code;
  e->code = code;
  va_start(ap, fmt);
  vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
  va_end(ap);
  return code;
}

int err_prefix(struct err *e, const char *fmt, ...)
{
  char old[sizeof(e->msg)];
  size_t n, m;
  va_list ap;

  if (!e)
    return ERR_INTERNAL;
  memcpy(old, e->msg, sizeof(old));
  va_start(ap, fmt);
  vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
  va_end(ap);
  n = strlen(e->msg);
  m = strlen(old);
  /* "head: old", cut to fit. */
  if (n + 2 < sizeof(e->msg)) {
    memcpy(e->msg + n, ": ", 2);
    n += 2;
    if (m > sizeof(e->msg) - 1 - n)
      m = sizeof(e->msg) - 1 - n;
    memcpy(e->msg + n, old, m);
    e->msg[n + m] = '\0';
  }
  return e->code;
}
