/* Allocation that aborts on failure, so callers never check for NULL. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_UTIL_XALLOC_H
#define TOKMETER_UTIL_XALLOC_H

#include <stddef.h>

/* Every returned pointer belongs to the caller and is released with free(). */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Grows an array of elem-sized items to hold at least need; doubles. */
void *xgrow(void *p, size_t *cap, size_t need, size_t elem);

#endif
