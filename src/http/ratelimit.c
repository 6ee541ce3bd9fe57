/* Token-bucket rate limits (ratelimit.h). */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "http/ratelimit.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define KEY_MAX 64
#define SWEEP_MS 60000

struct rl_bucket {
  char key[KEY_MAX];
  double tokens;
  int64_t at;
};

void ratelimit_init(struct ratelimit *r, unsigned per_min, unsigned burst)
{
  memset(r, 0, sizeof(*r));
  pthread_mutex_init(&r->mu, NULL);
  r->per_ms = per_min / 60000.0;
  r->burst = burst ? burst : 1;
}

void ratelimit_release(struct ratelimit *r)
{
  pthread_mutex_destroy(&r->mu);
  free(r->v);
  memset(r, 0, sizeof(*r));
}

/* Drops buckets that have refilled: they are as good as new ones. */
static void sweep(struct ratelimit *r, int64_t now)
{
  size_t i, out = 0;

  for (i = 0; i < r->n; i++)
    if (r->v[i].tokens + (double)(now - r->v[i].at) * r->per_ms < r->burst)
      r->v[out++] = r->v[i];
  r->n = out;
  r->last_sweep = now;
}

unsigned ratelimit_take(struct ratelimit *r, const char *key, int64_t now_ms)
{
  struct rl_bucket *b = NULL;
  unsigned wait = 0;
  size_t i;

  pthread_mutex_lock(&r->mu);
  if (now_ms - r->last_sweep > SWEEP_MS)
    sweep(r, now_ms);
  for (i = 0; i < r->n && !b; i++)
    if (!strncmp(r->v[i].key, key, KEY_MAX - 1))
      b = &r->v[i];
  if (!b) {
    r->v = xgrow(r->v, &r->cap, r->n + 1, sizeof(*r->v));
    b = &r->v[r->n++];
    memset(b, 0, sizeof(*b));
    memcpy(b->key, key, strnlen(key, KEY_MAX - 1)); /* NUL from memset */
    b->tokens = r->burst;
    b->at = now_ms;
  }
  b->tokens += (double)(now_ms - b->at) * r->per_ms;
  if (b->tokens > r->burst)
    b->tokens = r->burst;
  b->at = now_ms;
  if (b->tokens >= 1)
    b->tokens -= 1;
  else if (r->per_ms > 0) {
    double sec = (1 - b->tokens) / r->per_ms / 1000;

    wait = (unsigned)sec;
    if ((double)wait < sec || !wait) /* round up, at least 1 */
      wait++;
  } else
    wait = 60;
  pthread_mutex_unlock(&r->mu);
  return wait;
}
