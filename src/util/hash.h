/* Non-cryptographic 64-bit hashing for tables and dedup keys. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_UTIL_HASH_H
#define TOKMETER_UTIL_HASH_H

#include <stddef.h>
#include <stdint.h>

/*
 * hash64() mixes 8 bytes at a time with 128-bit multiplies; different seeds
 * give independent hashes, so two calls with two seeds make a 128-bit key.
 */
uint64_t hash64(const void *data, size_t len, uint64_t seed);

#endif
