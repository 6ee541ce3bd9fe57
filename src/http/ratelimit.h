/* Token-bucket rate limits, one bucket per key (a token id). */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_HTTP_RATELIMIT_H
#define TOKMETER_HTTP_RATELIMIT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Each key may make `per_min` requests a minute, and `burst` at once
 * after a quiet spell. Thread-safe. Buckets idle for a while are
 * dropped, so keys cost memory only while in use.
 */
struct ratelimit {
  pthread_mutex_t mu;
  double per_ms, burst;
  struct rl_bucket *v;
  size_t n, cap;
  int64_t last_sweep;
};

void ratelimit_init(struct ratelimit *r, unsigned per_min, unsigned burst);
void ratelimit_release(struct ratelimit *r);

/*
 * Takes one request for key at now_ms: 0 when allowed, else the whole
 * seconds until one will be (for Retry-After, at least 1).
 */
unsigned ratelimit_take(struct ratelimit *r, const char *key, int64_t now_ms);

#endif
