/* struct buf: the one growable byte string. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_UTIL_BUF_H
#define TOKMETER_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Contract (as git's strbuf): `data` is never NULL and always NUL-terminated
 * at data[len]; embedded NULs are allowed. Initialise with BUF_INIT or
 * buf_init(); buf_release() frees what the buf owns and re-initialises it;
 * buf_detach() hands the bytes to the caller (free() them) and resets the
 * buf. A non-zero `max` caps the size: appends beyond it fail with ERR_RANGE
 * and leave the buf unchanged (for bytes that come from the network).
 */
struct buf {
  char *data;
  size_t len;
  size_t cap; /* 0 while data points at the shared empty string */
  size_t max; /* 0 = no cap */
};

extern char buf_empty_[1];
#define BUF_INIT                                                               \
  {                                                                            \
    buf_empty_, 0, 0, 0                                                        \
  }

void buf_init(struct buf *b, size_t max);
void buf_release(struct buf *b);
char *buf_detach(struct buf *b, size_t *len);
/* Makes room for at least n more bytes. Returns 0 or ERR_RANGE. */
int buf_grow(struct buf *b, size_t n);
int buf_add(struct buf *b, const void *p, size_t n);
int buf_adds(struct buf *b, const char *s);
int buf_addch(struct buf *b, char c);
int buf_addf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int buf_vaddf(struct buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Appends n copies of c. */
int buf_addrep(struct buf *b, char c, size_t n);
void buf_setlen(struct buf *b, size_t len);
void buf_reset(struct buf *b);

#endif
