/* The set of distinct API calls. */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "core/dedup.h"
#include "util/xalloc.h"
#include "util/banned.h"

void dedup_init(struct dedup *d)
{
  memset(d, 0, sizeof(*d));
  strtab_init(&d->strs);
  d->nslots = 1024;
  d->slots = xcalloc(d->nslots, sizeof(*d->slots));
}

void dedup_release(struct dedup *d)
{
  strtab_release(&d->strs);
  free(d->ev);
  free(d->slots);
  memset(d, 0, sizeof(*d));
}

static size_t slot_index(const struct event *e, size_t mask)
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

static void rehash(struct dedup *d)
{
  size_t i, mask;

  free(d->slots);
  d->nslots *= 2;
  d->slots = xcalloc(d->nslots, sizeof(*d->slots));
  mask = d->nslots - 1;
  for (i = 0; i < d->n; i++) {
    size_t s;

    if (d->ev[i].key_kind == EVENT_KEY_NONE)
      continue;
    for (s = slot_index(&d->ev[i], mask); d->slots[s]; s = (s + 1) & mask)
      ;
    d->slots[s] = (uint32_t)(i + 1);
  }
}

static void append(struct dedup *d, const struct event *e)
{
  d->ev = xgrow(d->ev, &d->cap, d->n + 1, sizeof(*d->ev));
  d->ev[d->n++] = *e;
}

void dedup_add(struct dedup *d, const struct event *e)
{
  size_t mask = d->nslots - 1, s;

  d->copies++;
  if (e->key_kind == EVENT_KEY_NONE) {
    append(d, e);
    return;
  }
  for (s = slot_index(e, mask); d->slots[s]; s = (s + 1) & mask) {
    struct event *old = &d->ev[d->slots[s] - 1];

    if (same_key(old, e)) {
      if (event_better(e, old, &d->strs))
        *old = *e;
      return;
    }
  }
  append(d, e);
  d->slots[s] = (uint32_t)d->n;
  if (d->n * 2 > d->nslots)
    rehash(d);
}

static uint32_t remap(uint32_t *map, const struct strtab *from,
                      struct strtab *to, uint32_t id)
{
  if (!id)
    return 0;
  if (!map[id])
    map[id] = strtab_intern(to, strtab_get(from, id), strtab_len(from, id));
  return map[id];
}

void dedup_merge(struct dedup *into, struct dedup *from)
{
  uint32_t *map = xcalloc(from->strs.n + 1, sizeof(*map));
  size_t i, copies = from->copies;

  for (i = 0; i < from->n; i++) {
    struct event e = from->ev[i];

    e.session = remap(map, &from->strs, &into->strs, e.session);
    e.model = remap(map, &from->strs, &into->strs, e.model);
    e.cwd = remap(map, &from->strs, &into->strs, e.cwd);
    e.file = remap(map, &from->strs, &into->strs, e.file);
    e.uuid_str = remap(map, &from->strs, &into->strs, e.uuid_str);
    dedup_add(into, &e);
  }
  /* Copies already folded away in `from` still count as offered. */
  into->copies += copies - from->n;
  free(map);
  dedup_release(from);
  dedup_init(from);
}

static int cmp_u64(const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

  return x < y ? -1 : x > y;
}

/* Time, then key, then the winner order: a total order, so the result
 * does not depend on the order events were added in. */
static int cmp_time(const void *pa, const void *pb, void *strs)
{
  const struct event *a = pa, *b = pb;

  if (a->ts_ms != b->ts_ms)
    return a->ts_ms < b->ts_ms ? -1 : 1;
  if (a->key_kind != b->key_kind)
    return a->key_kind < b->key_kind ? -1 : 1;
  if (a->key[0] != b->key[0])
    return a->key[0] < b->key[0] ? -1 : 1;
  if (a->key[1] != b->key[1])
    return a->key[1] < b->key[1] ? -1 : 1;
  if (event_better(a, b, strs))
    return -1;
  return event_better(b, a, strs);
}

static int is_msg(const struct event *e)
{
  return e->key_kind == EVENT_KEY_MSG_REQ || e->key_kind == EVENT_KEY_MSG_NOREQ;
}

void dedup_finish(struct dedup *d)
{
  uint64_t *ids = xmalloc((d->n + 1) * sizeof(*ids));
  size_t i, nids = 0, out = 0;

  for (i = 0; i < d->n; i++)
    if (is_msg(&d->ev[i]) && !(d->ev[i].flags & EVENT_SIDECHAIN))
      ids[nids++] = d->ev[i].key[0];
  qsort(ids, nids, sizeof(*ids), cmp_u64);
  for (i = 0; i < d->n; i++) {
    const struct event *e = &d->ev[i];

    if (is_msg(e) && (e->flags & EVENT_SIDECHAIN) &&
        bsearch(&e->key[0], ids, nids, sizeof(*ids), cmp_u64)) {
      d->dropped_sidechain++;
      continue;
    }
    d->ev[out++] = *e;
  }
  d->n = out;
  free(ids);
  if (d->n > 1) /* ev is NULL when empty: qsort_r wants non-NULL */
    qsort_r(d->ev, d->n, sizeof(*d->ev), cmp_time, &d->strs);
  /* Slots index the old positions; the set is read-only from here on. */
  free(d->slots);
  d->slots = NULL;
  d->nslots = 0;
  d->finished = 1;
}
