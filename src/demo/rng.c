/* Demo generator randomness: xoshiro256**, seed mixing and id formats. */
/* SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <string.h>

#include "demo/internal.h"
#include "util/banned.h"

static const char base58[] =
    "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
static const char hexd[] = "0123456789abcdef";

static uint64_t splitmix64(uint64_t *x)
{
  uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
  return (x << k) | (x >> (64 - k));
}

void demo_rng_seed(struct demo_rng *r, uint64_t seed)
{
  uint64_t x = seed;
  int i;

  for (i = 0; i < 4; i++)
    r->s[i] = splitmix64(&x);
}

uint64_t demo_rng_next(struct demo_rng *r)
{
  uint64_t *s = r->s;
  uint64_t res = rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;

  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return res;
}

uint32_t demo_rng_below(struct demo_rng *r, uint32_t n)
{
  return (uint32_t)(((demo_rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

int64_t demo_rng_range(struct demo_rng *r, int64_t lo, int64_t hi)
{
  uint64_t span = (uint64_t)(hi - lo) + 1;

  if (hi <= lo)
    return lo;
  return lo + (int64_t)(demo_rng_next(r) % span);
}

int demo_rng_pct(struct demo_rng *r, unsigned pct)
{
  return demo_rng_below(r, 100) < pct;
}

uint64_t demo_rng_heavy(struct demo_rng *r, uint64_t lo, uint64_t hi)
{
  uint64_t top = lo, bottom;

  if (hi <= lo)
    return lo;
  /* Each doubling has a 55% chance: many small values, a long tail. */
  while (top < hi && demo_rng_pct(r, 55))
    top = top > hi / 2 ? hi : top * 2;
  bottom = top / 2 > lo ? top / 2 : lo;
  return (uint64_t)demo_rng_range(r, (int64_t)bottom, (int64_t)top);
}

uint64_t demo_mix(uint64_t a, uint64_t b)
{
  uint64_t x = a ^ 0x6a09e667f3bcc909ULL;
  uint64_t y = splitmix64(&x) ^ b;

  return splitmix64(&y);
}

static void put_base58(struct demo_rng *r, char *out, size_t n)
{
  size_t i = 0;

  while (i < n) {
    uint64_t x = demo_rng_next(r);
    int k;

    for (k = 0; k < 10 && i < n; k++, i++) {
      out[i] = base58[x % 58];
      x /= 58;
    }
  }
}

void demo_id_hex(struct demo_rng *r, char *out, size_t n)
{
  size_t i = 0;

  while (i < n) {
    uint64_t x = demo_rng_next(r);
    int k;

    for (k = 0; k < 16 && i < n; k++, i++) {
      out[i] = hexd[x & 15];
      x >>= 4;
    }
  }
  out[n] = '\0';
}

void demo_id_uuid(struct demo_rng *r, char *out)
{
  char h[33];

  demo_id_hex(r, h, 32);
  h[12] = '4';
  h[16] = hexd[8 + (demo_rng_next(r) & 3)];
  memcpy(out, h, 8);
  out[8] = '-';
  memcpy(out + 9, h + 8, 4);
  out[13] = '-';
  memcpy(out + 14, h + 12, 4);
  out[18] = '-';
  memcpy(out + 19, h + 16, 4);
  out[23] = '-';
  memcpy(out + 24, h + 20, 12);
  out[36] = '\0';
}

static void prefixed(struct demo_rng *r, char *out, const char *pre,
                     size_t tail)
{
  size_t n = strlen(pre);

  memcpy(out, pre, n);
  put_base58(r, out + n, tail);
  out[n + tail] = '\0';
}

void demo_id_msg(struct demo_rng *r, char *out)
{
  prefixed(r, out, "msg_01", 22);
}

void demo_id_req(struct demo_rng *r, char *out)
{
  prefixed(r, out, "req_011C", 20);
}

void demo_id_tool(struct demo_rng *r, char *out)
{
  prefixed(r, out, "toolu_01", 22);
}
