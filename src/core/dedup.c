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
  if (!d->ev_borrowed)
    free(d->ev);
  free(d->slots);
  memset(d, 0, sizeof(*d));
}

void dedup_by_file(struct dedup *d)
{
  d->by_file = 1;
}

static size_t slot_index(const struct dedup *d, const struct event *e,
                         size_t mask)
{
  uint64_t h = e->key[0] ^ (e->key[1] * 0x9e3779b97f4a7c15ULL) ^ e->key_kind;

  if (d->by_file)
    h ^= (uint64_t)e->file * 0xc2b2ae3d27d4eb4fULL;
  return (size_t)(h & mask);
}

static int same_key(const struct dedup *d, const struct event *a,
                    const struct event *b)
{
  return a->key_kind == b->key_kind && a->key[0] == b->key[0] &&
         a->key[1] == b->key[1] && (!d->by_file || a->file == b->file);
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
    for (s = slot_index(d, &d->ev[i], mask); d->slots[s]; s = (s + 1) & mask)
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
  for (s = slot_index(d, e, mask); d->slots[s]; s = (s + 1) & mask) {
    struct event *old = &d->ev[d->slots[s] - 1];

    if (same_key(d, old, e)) {
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

void dedup_merge(struct dedup *into, struct dedup *from)
{
  uint32_t *map = xcalloc(from->strs.n + 1, sizeof(*map));
  size_t i, copies = from->copies;

  for (i = 0; i < from->n; i++) {
    struct event e = from->ev[i];

    event_remap(&e, map, &from->strs, &into->strs);
    /* By-file copies from different sets meet only when one file was
     * split between them; a repeated copy is harmless there. */
    if (into->by_file)
      append(into, &e);
    else
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

/* Key order, the winning copy of a key first. */
static int cmp_key(const void *pa, const void *pb, void *strs)
{
  const struct event *a = pa, *b = pb;

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

/* Time, then key, then the winner order: a total order, so the result
 * does not depend on the order events were added in. */
static int cmp_time(const void *pa, const void *pb, void *strs)
{
  const struct event *a = pa, *b = pb;

  if (a->ts_ms != b->ts_ms)
    return a->ts_ms < b->ts_ms ? -1 : 1;
  return cmp_key(a, b, strs);
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

/* Index of the event with b's key in x[0..n) (key order), or -1. */
static ptrdiff_t find_key(const struct event *x, size_t n,
                          const struct event *b)
{
  size_t lo = 0, hi = n;

  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    const struct event *m = &x[mid];
    int c = m->key_kind != b->key_kind ? (m->key_kind < b->key_kind ? -1 : 1)
            : m->key[0] != b->key[0]   ? (m->key[0] < b->key[0] ? -1 : 1)
            : m->key[1] != b->key[1]   ? (m->key[1] < b->key[1] ? -1 : 1)
                                       : 0;

    if (!c)
      return (ptrdiff_t)mid;
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return -1;
}

static ptrdiff_t find_u64(const uint64_t *v, size_t n, uint64_t k)
{
  const uint64_t *p = n ? bsearch(&k, v, n, sizeof(*v), cmp_u64) : NULL;

  return p ? p - v : -1;
}

/* The winning copy of each key of extra[0..n), in key order. */
static size_t fold_extra(struct event *x, size_t n, struct strtab *st)
{
  size_t i, out = 0;

  if (n > 1)
    qsort_r(x, n, sizeof(*x), cmp_key, st);
  for (i = 0; i < n; i++)
    if (!out || x[i].key_kind == EVENT_KEY_NONE ||
        find_key(&x[out - 1], 1, &x[i]) < 0)
      x[out++] = x[i];
  return out;
}

/* Message ids of the sidechain (side = 1) or other message copies. */
static size_t msg_ids(const struct event *x, size_t n, int side, uint64_t *ids)
{
  size_t i, k = 0;

  for (i = 0; i < n; i++)
    if (is_msg(&x[i]) && !!(x[i].flags & EVENT_SIDECHAIN) == side)
      ids[k++] = x[i].key[0];
  if (k > 1)
    qsort(ids, k, sizeof(*ids), cmp_u64);
  return k;
}

/*
 * A bit per hash of a key or a message id of the new copies: most events
 * of a large set share neither, and one bit test tells so, so the set is
 * only read, at memory speed.
 */
struct filter {
  uint64_t *bits;
  size_t mask; /* bits - 1 */
};

static uint64_t mix(uint64_t h)
{
  h ^= h >> 31;
  h *= 0x7fb5d329728ea185ULL;
  return h ^ (h >> 27);
}

static uint64_t key_hash(const struct event *e)
{
  return mix(e->key[0] ^ (e->key[1] * 0x9e3779b97f4a7c15ULL) ^ e->key_kind);
}

static void filter_init(struct filter *f, size_t n)
{
  size_t bits = 4096;

  while (bits < 32 * n)
    bits *= 2;
  f->bits = xcalloc(bits / 64, sizeof(*f->bits));
  f->mask = bits - 1;
}

static void filter_add(struct filter *f, uint64_t h)
{
  f->bits[(h & f->mask) >> 6] |= 1ULL << (h & 63);
}

static int filter_has(const struct filter *f, uint64_t h)
{
  return !!(f->bits[(h & f->mask) >> 6] & (1ULL << (h & 63)));
}

/* Index of the first event of a[0..n) after e in time order. */
static size_t after(const struct event *a, size_t n, const struct event *e,
                    struct strtab *st)
{
  size_t lo = 0, hi = n;

  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;

    if (cmp_time(&a[mid], e, st) <= 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* Appends base[from..to) to out at *k, leaving out the dropped ones
 * (drop[] ascending, *di the next to consider). */
static void copy_run(const struct event *base, size_t from, size_t to,
                     const uint32_t *drop, size_t ndrop, size_t *di,
                     struct event *out, size_t *k)
{
  while (from < to) {
    size_t end = to;

    while (*di < ndrop && drop[*di] < from)
      (*di)++;
    if (*di < ndrop && drop[*di] < to)
      end = drop[*di];
    memcpy(out + *k, base + from, (end - from) * sizeof(*out));
    *k += end - from;
    from = end < to ? end + 1 : to;
  }
}

/* Writes base[0..nb) less drop[] (ascending) and x[0..live), both in
 * time order, to out from *k: runs of base between x's places. */
static void merge_runs(const struct event *base, size_t nb,
                       const uint32_t *drop, size_t ndrop,
                       const struct event *x, size_t live, struct event *out,
                       size_t *k, struct strtab *st)
{
  size_t i, at = 0, di = 0;

  for (i = 0; i < live; i++) {
    size_t to = after(base, nb, &x[i], st);

    copy_run(base, at, to, drop, ndrop, &di, out, k);
    out[(*k)++] = x[i];
    at = to;
  }
  copy_run(base, at, nb, drop, ndrop, &di, out, k);
}

/*
 * The merge within d->ev's room: everything before the first dropped
 * event or new copy's place stays where it is; the rest is set aside and
 * merged back behind it. New calls are recent, so that rest is short.
 */
static void merge_in_place(struct dedup *d, const struct event *x, size_t live,
                           const uint32_t *drop, size_t ndrop)
{
  size_t p = d->n, i, k, ntail;
  struct event *tail;
  uint32_t *tdrop;

  if (ndrop && drop[0] < p)
    p = drop[0];
  if (live) {
    size_t first = after(d->ev, d->n, &x[0], &d->strs);

    if (first < p)
      p = first;
  }
  ntail = d->n - p;
  tail = xmalloc((ntail + 1) * sizeof(*tail));
  if (ntail)
    memcpy(tail, d->ev + p, ntail * sizeof(*tail));
  tdrop = xmalloc((ndrop + 1) * sizeof(*tdrop));
  for (i = 0; i < ndrop; i++)
    tdrop[i] = drop[i] - (uint32_t)p; /* drops are all at or after p */
  k = p;
  merge_runs(tail, ntail, tdrop, ndrop, x, live, d->ev, &k, &d->strs);
  d->n = k;
  free(tdrop);
  free(tail);
}

/* Which base events the new copies replace or drop (ascending), and
 * which new copies lose to a base event (dead[]). */
static size_t overlay_scan(struct dedup *d, const struct event *x, size_t nx,
                           const uint64_t *side, size_t nside,
                           const uint64_t *nonside, size_t nnon, uint8_t *dead,
                           uint8_t *side_hit, uint32_t **drop)
{
  struct filter fk, fid;
  size_t i, ndrop = 0, cap = 0;

  filter_init(&fk, nx);
  filter_init(&fid, nx);
  for (i = 0; i < nx; i++) {
    filter_add(&fk, key_hash(&x[i]));
    if (is_msg(&x[i]))
      filter_add(&fid, mix(x[i].key[0]));
  }
  *drop = NULL;
  for (i = 0; i < d->n; i++) {
    const struct event *b = &d->ev[i];
    ptrdiff_t j = -1;

    if (b->key_kind != EVENT_KEY_NONE && filter_has(&fk, key_hash(b)))
      j = find_key(x, nx, b);
    if (j >= 0) {
      if (event_better(&x[j], b, &d->strs))
        goto dropped; /* replaced by the new copy */
      dead[j] = 1;
    }
    if (!is_msg(b) || !filter_has(&fid, mix(b->key[0])))
      continue;
    if (!(b->flags & EVENT_SIDECHAIN)) {
      ptrdiff_t k = find_u64(side, nside, b->key[0]);

      /* Equal ids sit together: mark them all. */
      while (k > 0 && side[k - 1] == b->key[0])
        k--;
      while (k >= 0 && (size_t)k < nside && side[k] == b->key[0])
        side_hit[k++] = 1;
      continue;
    }
    if (find_u64(nonside, nnon, b->key[0]) < 0)
      continue;
    d->dropped_sidechain++;
  dropped:
    *drop = xgrow(*drop, &cap, ndrop + 1, sizeof(**drop));
    (*drop)[ndrop++] = (uint32_t)i;
  }
  free(fid.bits);
  free(fk.bits);
  return ndrop;
}

void dedup_overlay(struct dedup *d, const struct event *extra, size_t n)
{
  struct event *x, *merged;
  uint64_t *side, *nonside;
  uint8_t *dead, *side_hit;
  uint32_t *drop;
  size_t nx, nside, nnon, ndrop, i, live = 0, k = 0;

  if (!n)
    return;
  x = xmalloc(n * sizeof(*x));
  memcpy(x, extra, n * sizeof(*x));
  nx = fold_extra(x, n, &d->strs);
  side = xmalloc(nx * sizeof(*side));
  nonside = xmalloc(nx * sizeof(*nonside));
  nside = msg_ids(x, nx, 1, side);
  nnon = msg_ids(x, nx, 0, nonside);
  dead = xcalloc(nx, 1);
  side_hit = xcalloc(nside + 1, 1);
  ndrop =
      overlay_scan(d, x, nx, side, nside, nonside, nnon, dead, side_hit, &drop);
  for (i = 0; i < nx; i++) {
    const struct event *e = &x[i];

    if (dead[i])
      continue;
    if (is_msg(e) && (e->flags & EVENT_SIDECHAIN)) {
      ptrdiff_t s = find_u64(side, nside, e->key[0]);

      if (find_u64(nonside, nnon, e->key[0]) >= 0 || side_hit[s]) {
        d->dropped_sidechain++;
        continue;
      }
    }
    x[live++] = *e;
  }
  if (live > 1)
    qsort_r(x, live, sizeof(*x), cmp_time, &d->strs);
  if (d->n - ndrop + live <= d->cap) {
    merge_in_place(d, x, live, drop, ndrop);
  } else {
    /* One copy: runs of the set between the new copies' places. */
    merged = xmalloc((d->n - ndrop + live + 1) * sizeof(*merged));
    merge_runs(d->ev, d->n, drop, ndrop, x, live, merged, &k, &d->strs);
    if (!d->ev_borrowed)
      free(d->ev);
    d->ev_borrowed = 0;
    d->ev = merged;
    d->n = k;
    d->cap = d->n + 1;
  }
  d->copies += n;
  free(drop);
  free(side_hit);
  free(dead);
  free(nonside);
  free(side);
  free(x);
}
