/* Feeding a store from a local set of calls (sync.h). */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "store/sync.h"
#include "util/hash.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* 1 if ev would replace the stored copy d under §3.5 as far as the
 * digest tells; ties beyond (side, total, time) count as not better. */
static int better_than(const struct event *ev, const struct view_digest *d)
{
  int side = !!(ev->flags & EVENT_SIDECHAIN);
  uint64_t total = tokens_total(&ev->tok);

  if (side != d->side)
    return !side;
  if (total != d->total)
    return total > d->total;
  return ev->ts_ms < d->ts_ms;
}

struct keyless {
  uint64_t h;
  size_t i;
};

static int cmp_keyless(const void *x, const void *y)
{
  const struct keyless *a = x, *b = y;

  if (a->h != b->h)
    return a->h < b->h ? -1 : 1;
  return (a->i > b->i) - (a->i < b->i);
}

static const char *project_name(const struct project_map *pm,
                                const struct event *ev)
{
  uint32_t p = project_of(pm, ev);

  return p ? strtab_get(&pm->names, p) : NULL;
}

/*
 * Calls with neither message.id nor uuid are each their own event (§3.5)
 * but come without a key, and a row needs one: each gets one made of its
 * content and its rank among calls with equal content, the same from one
 * pass to the next. NULL when the set has none; else keys[2 * i] for each
 * keyless set->ev[i].
 */
static uint64_t *keyless_keys(const struct dedup *set,
                              const struct project_map *pm)
{
  struct keyless *k = NULL;
  uint64_t *keys;
  size_t n = 0, cap = 0, i, rank = 0;

  for (i = 0; i < set->n; i++)
    if (set->ev[i].key_kind == EVENT_KEY_NONE) {
      k = xgrow(k, &cap, n + 1, sizeof(*k));
      k[n].h =
          store_view_fp(&set->ev[i], &set->strs, project_name(pm, &set->ev[i]));
      k[n++].i = i;
    }
  if (!n)
    return NULL;
  qsort(k, n, sizeof(*k), cmp_keyless);
  keys = xcalloc(2 * set->n, sizeof(*keys));
  for (i = 0; i < n; i++) {
    uint64_t in[2];

    rank = i && k[i].h == k[i - 1].h ? rank + 1 : 0;
    in[0] = k[i].h;
    in[1] = rank;
    keys[2 * k[i].i] = hash64(in, sizeof(in), 0x6b65796c);
    keys[2 * k[i].i + 1] = hash64(in, sizeof(in), 0x6573736b);
  }
  free(k);
  return keys;
}

int store_sync(struct store *s, struct store_view *v, const struct dedup *set,
               const struct project_map *pm, struct store_sync_stats *st,
               struct err *e)
{
  struct store_batch b;
  struct event *put = NULL;
  uint64_t *gone = NULL, *keyless;
  size_t nput = 0, capput = 0, capgone = 0, i;
  int r;

  memset(st, 0, sizeof(*st));
  v->gen++;
  keyless = keyless_keys(set, pm);
  for (i = 0; i < set->n; i++) {
    struct event copy = set->ev[i];
    const struct event *ev = &copy;
    const char *name = project_name(pm, ev);
    struct view_digest *d;

    if (keyless && copy.key_kind == EVENT_KEY_NONE) {
      copy.key[0] = keyless[2 * i];
      copy.key[1] = keyless[2 * i + 1];
    }
    d = store_view_find(v, ev->key);

    if (d) {
      d->gen = v->gen;
      if (d->fp == store_view_fp(ev, &set->strs, name))
        continue;
      if (better_than(ev, d))
        st->better++;
      else
        st->worse++;
    } else {
      st->added++;
    }
    put = xgrow(put, &capput, nput + 1, sizeof(*put));
    put[nput++] = *ev;
  }
  for (i = 0; i < v->nslots; i++)
    if (v->dig[i].used && v->dig[i].gen != v->gen) {
      gone = xgrow(gone, &capgone, 2 * (st->removed + 1), sizeof(*gone));
      gone[2 * st->removed] = v->dig[i].key[0];
      gone[2 * st->removed + 1] = v->dig[i].key[1];
      st->removed++;
    }
  memset(&b, 0, sizeof(b));
  b.ev = put;
  b.n = nput;
  b.st = &set->strs;
  b.pm = pm;
  r = store_apply(s, &b, STORE_REPLACE, gone, st->removed, NULL, NULL, e);
  free(put);
  free(gone);
  free(keyless);
  st->reload = st->worse || st->removed || v->dirty;
  return r;
}

int store_sync_view(struct store *s, struct store_view *v,
                    const struct store_sync_stats *st, struct err *e)
{
  int r;

  if (st->reload || v->dirty)
    r = store_view_load(v, s, e);
  else
    r = st->added || st->better ? store_view_update(v, s, NULL, e) : 0;
  if (r)
    v->dirty = 1; /* read it all next time */
  return r;
}
