/* A validating JSON walker: accepts exactly what jansson accepts, keeps
 * only the values its caller asks for. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_SOURCE_JSONSCAN_H
#define TOKMETER_SOURCE_JSONSCAN_H

#include <stddef.h>

#include "core/usage.h"

/*
 * One pass over the bytes: strings are checked (escapes, control bytes,
 * UTF-8 as jansson checks them) at SIMD speed and decoded only when kept;
 * numbers are checked as jansson lexes them (integers within long long,
 * reals that do not overflow); nesting deeper than jansson's 2048 levels is
 * an error. Objects call a member callback per key, so a caller walks only
 * the members it wants and skips the rest at scanning speed.
 *
 * Decoded strings go into the caller's scratch, which must hold as many
 * bytes as the input (a decoded string is never longer than its source).
 */

enum jkind {
  JK_ABSENT = 0,
  JK_NULL,
  JK_FALSE,
  JK_TRUE,
  JK_STR,
  JK_INT,
  JK_REAL,
  JK_OBJ,
  JK_ARR
};

/* A value as the walker saw it. */
struct jval {
  unsigned char kind;
  struct span s; /* JK_STR: decoded bytes (into the input or the scratch) */
  long long i;   /* JK_INT */
  double d;      /* JK_REAL */
};

struct jscan {
  const char *p, *end;
  int depth;
  int bad_utf8; /* the failure was invalid UTF-8 */
  char *scratch;
  size_t used;
};

/* Called for each member of an object, at the member's value. */
typedef int (*jscan_member_cb)(struct jscan *c, const struct span *key,
                               void *arg);

void jscan_init(struct jscan *c, const char *p, size_t n, char *scratch);
void jscan_ws(struct jscan *c);
/* Any value; its kind (and scalar value) go to v when not NULL. 0 or -1. */
int jscan_value(struct jscan *c, struct jval *v);
/* The object at c->p ('{'), calling member for each key (NULL: skip). */
int jscan_object(struct jscan *c, jscan_member_cb member, void *arg);
int jscan_array(struct jscan *c);
/* An object walked with member, or any other value; kind gets the kind. */
int jscan_sub(struct jscan *c, struct jval *kind, jscan_member_cb member,
              void *arg);

/* First occurrence of nd[0..m) (m >= 2) in s[0..n), or n: a SIMD test of
 * its first and last bytes, then a memcmp of the middle. */
size_t jscan_find(const char *s, size_t n, const char *nd, size_t m);
/* The same, also telling whether the bytes it looked at (all of s when
 * there is no match) hold a byte >= 0x80. */
size_t jscan_find_flag(const char *s, size_t n, const char *nd, size_t m,
                       int *nonascii);
/* 1 if s[0..n) is valid UTF-8 by jansson's rules (no overlongs, no
 * surrogates, nothing above U+10FFFF). */
int jscan_utf8_valid(const char *s, size_t n);

#endif
