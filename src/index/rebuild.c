/* Rebuilding the index's finished set from every copy it holds. */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "index/rebuild.h"
#include "util/xalloc.h"
#include "util/banned.h"

static int is_void(const uint8_t *v, size_t n, uint32_t path)
{
  return v && path < n && v[path];
}

static size_t key_slot(const struct event *e, size_t mask)
{
  return (
      size_t)((e->key[0] ^ (e->key[1] * 0x9e3779b97f4a7c15ULL) ^ e->key_kind) &
              mask);
}

static int same_key(const struct event *a, const struct event *b)
{
  return a->key_kind == b->key_kind && a->key[0] == b->key[0] &&
         a->key[1] == b->key[1];
}

/* Open addressing over the set's keyed events: slot -> index + 1. */
static uint32_t *key_table(const struct dedup *d, size_t *mask)
{
  size_t n = 16, i;
  uint32_t *t;

  while (n < 2 * d->n)
    n *= 2;
  t = xcalloc(n, sizeof(*t));
  *mask = n - 1;
  for (i = 0; i < d->n; i++) {
    size_t s;

    if (d->ev[i].key_kind == EVENT_KEY_NONE)
      continue;
    for (s = key_slot(&d->ev[i], *mask); t[s]; s = (s + 1) & *mask)
      ;
    t[s] = (uint32_t)i + 1;
  }
  return t;
}

/* 1 when c is the set's event for its key: the same copy, field by
 * field (one string table, so strings compare by id). */
static int in_set(const struct dedup *d, const uint32_t *t, size_t mask,
                  const struct event *c)
{
  size_t s;

  if (c->key_kind == EVENT_KEY_NONE)
    return 0;
  for (s = key_slot(c, mask); t[s]; s = (s + 1) & mask) {
    const struct event *w = &d->ev[t[s] - 1];

    if (same_key(w, c))
      return event_same(w, c);
  }
  return 0;
}

void ixr_rebuild(struct strtab *strs, const struct ixr_source *src, size_t nsrc,
                 const uint8_t *void_path, size_t nvoid, struct dedup *out,
                 struct event **losers, size_t *nlosers)
{
  size_t i, k, mask, cap = 0;
  uint32_t *t;

  dedup_init(out);
  strtab_release(&out->strs);
  out->strs = *strs;
  strtab_init(strs);
  for (k = 0; k < nsrc; k++)
    for (i = 0; i < src[k].n; i++)
      if (src[k].fresh || !is_void(void_path, nvoid, src[k].ev[i].file))
        dedup_add(out, &src[k].ev[i]);
  dedup_finish(out);
  /* Copies without a key are events of their own, so all in the set. */
  t = key_table(out, &mask);
  *losers = NULL;
  *nlosers = 0;
  for (k = 0; k < nsrc; k++)
    for (i = 0; i < src[k].n; i++) {
      const struct event *c = &src[k].ev[i];

      if ((!src[k].fresh && is_void(void_path, nvoid, c->file)) ||
          c->key_kind == EVENT_KEY_NONE || in_set(out, t, mask, c))
        continue;
      *losers = xgrow(*losers, &cap, *nlosers + 1, sizeof(**losers));
      (*losers)[(*nlosers)++] = *c;
    }
  free(t);
}
