/* Secrets: random bytes, SHA-256 and constant-time comparison. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_UTIL_SECRET_H
#define TOKMETER_UTIL_SECRET_H

#include <stddef.h>

/* Fills buf with n bytes from the system's CSPRNG. 0, or -1 (none). */
int secret_random(void *buf, size_t n);

/* The lowercase hex SHA-256 of data[0..n), into out (65 bytes). */
void secret_sha256_hex(const void *data, size_t n, char out[65]);

/* 1 when a[0..n) equals b[0..n); the time taken does not depend on where
 * they differ. */
int secret_equal(const void *a, const void *b, size_t n);

/* Lowercase hex of data[0..n) into out (2n + 1 bytes). */
void secret_hex(const void *data, size_t n, char *out);

#endif
