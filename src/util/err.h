/* Error reporting for fallible functions: an int code plus a message. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_UTIL_ERR_H
#define TOKMETER_UTIL_ERR_H

/*
 * Fallible functions return 0 on success or a negative enum err_code, and
 * fill an optional caller-owned struct err (NULL is allowed: the message is
 * then dropped). Messages are lowercase, without a full stop, the failing
 * thing first, the subject in quotes: "cannot open '%s': %s".
 */

enum err_code {
  ERR_OK = 0,
  ERR_IO = -1,    /* file or system call failed */
  ERR_PARSE = -2, /* malformed input */
  ERR_USAGE = -3, /* bad option or argument from the user */
  ERR_NOTFOUND = -4,
  ERR_RANGE = -5, /* value out of range */
  ERR_NOMEM = -6,
  ERR_INTERNAL = -7
};

struct err {
  int code;
  char msg[256];
};

#define ERR_INIT                                                               \
  {                                                                            \
    0,                                                                         \
    {                                                                          \
      0                                                                        \
    }                                                                          \
  }

/* Sets e (if not NULL) and returns code, so `return err_set(e, ...)`. */
int err_set(struct err *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefixes the existing message: "ctx: old message". Returns e->code. */
int err_prefix(struct err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
