/* 64-bit hashing: multiply-fold mixing over 8-byte words. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "util/hash.h"
#include "util/banned.h"

#define K0 0xa0761d6478bd642fULL
#define K1 0xe7037ed1a0b428dbULL
#define K2 0x8ebc6af09c88c6e3ULL
#define K3 0x589965cc75374cc3ULL

static uint64_t mix(uint64_t a, uint64_t b)
{
  __uint128_t r = (__uint128_t)a * b;

  return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static uint64_t load64(const unsigned char *p)
{
  uint64_t v;

  memcpy(&v, p, 8);
  return v;
}

static uint64_t load_tail(const unsigned char *p, size_t n)
{
  uint64_t v = 0;

  memcpy(&v, p, n);
  return v;
}

uint64_t hash64(const void *data, size_t len, uint64_t seed)
{
  const unsigned char *p = data;
  uint64_t h = seed ^ mix(seed ^ K0, K1) ^ (uint64_t)len;
  size_t i = 0;

  for (; i + 16 <= len; i += 16)
    h = mix(load64(p + i) ^ K1 ^ h, load64(p + i + 8) ^ K2);
  if (i + 8 <= len) {
    h = mix(load64(p + i) ^ K1 ^ h, K3);
    i += 8;
  }
  if (i < len)
    h = mix(load_tail(p + i, len - i) ^ K2 ^ h, K3);
  return mix(h ^ K0, (uint64_t)len ^ K1);
}
