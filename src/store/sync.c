/* Feeding a store from a local set of calls (sync.h). */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "store/sync.h"
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

int store_sync(struct store *s, struct store_view *v, const struct dedup *set,
               const struct project_map *pm, struct store_sync_stats *st,
               struct err *e)
{
  struct event *put = NULL;
  uint64_t *gone = NULL;
  size_t nput = 0, capput = 0, capgone = 0, i;
  int r;

  memset(st, 0, sizeof(*st));
  v->gen++;
  for (i = 0; i < set->n; i++) {
    const struct event *ev = &set->ev[i];
    uint32_t p = project_of(pm, ev);
    const char *name = p ? strtab_get(&pm->names, p) : NULL;
    struct view_digest *d = store_view_find(v, ev->key);

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
  r = store_put(s, put, nput, &set->strs, pm, STORE_REPLACE, NULL, e);
  if (!r)
    r = store_delete(s, gone, st->removed, NULL, e);
  free(put);
  free(gone);
  st->reload = st->worse || st->removed;
  return r;
}

int store_sync_view(struct store *s, struct store_view *v,
                    const struct store_sync_stats *st, struct err *e)
{
  if (st->reload)
    return store_view_load(v, s, e);
  return st->added || st->better ? store_view_update(v, s, NULL, e) : 0;
}
