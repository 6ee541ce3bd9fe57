/* struct buf: growable byte strings. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/xalloc.h"
#include "util/banned.h"

char buf_empty_[1];

void buf_init(struct buf *b, size_t max)
{
  b->data = buf_empty_;
  b->len = 0;
  b->cap = 0;
  b->max = max;
}

void buf_release(struct buf *b)
{
  size_t max = b->max;

  if (b->cap)
    free(b->data);
  buf_init(b, max);
}

char *buf_detach(struct buf *b, size_t *len)
{
  char *p;

  if (len)
    *len = b->len;
  p = b->cap ? b->data : xstrdup("");
  buf_init(b, b->max);
  return p;
}

int buf_grow(struct buf *b, size_t n)
{
  size_t need = b->len + n + 1, cap;

  if (n > ((size_t)-1) / 2 - b->len)
    return ERR_RANGE;
  if (b->max && b->len + n > b->max)
    return ERR_RANGE;
  if (need <= b->cap)
    return 0;
  cap = b->cap ? b->cap : 16;
  while (cap < need)
    cap *= 2;
  if (b->cap) {
    b->data = xrealloc(b->data, cap);
  } else {
    b->data = xmalloc(cap);
    b->data[0] = '\0';
  }
  b->cap = cap;
  return 0;
}

int buf_add(struct buf *b, const void *p, size_t n)
{
  if (buf_grow(b, n))
    return ERR_RANGE;
  if (n)
    memcpy(b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = '\0';
  return 0;
}

int buf_adds(struct buf *b, const char *s)
{
  return buf_add(b, s, strlen(s));
}

int buf_addch(struct buf *b, char c)
{
  return buf_add(b, &c, 1);
}

int buf_addrep(struct buf *b, char c, size_t n)
{
  if (buf_grow(b, n))
    return ERR_RANGE;
  memset(b->data + b->len, c, n);
  b->len += n;
  b->data[b->len] = '\0';
  return 0;
}

int buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
  va_list cp;
  int n;

  va_copy(cp, ap);
  n = vsnprintf(NULL, 0, fmt, cp);
  va_end(cp);
  if (n < 0)
    return ERR_INTERNAL;
  if (buf_grow(b, (size_t)n))
    return ERR_RANGE;
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  b->len += (size_t)n;
  return 0;
}

int buf_addf(struct buf *b, const char *fmt, ...)
{
  va_list ap;
  int r;

  va_start(ap, fmt);
  r = buf_vaddf(b, fmt, ap);
  va_end(ap);
  return r;
}

void buf_setlen(struct buf *b, size_t len)
{
  if (!b->cap)
    return;
  if (len > b->len)
    len = b->len;
  b->len = len;
  b->data[len] = '\0';
}

void buf_reset(struct buf *b)
{
  buf_setlen(b, 0);
}
