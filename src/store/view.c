/* A store's calls in memory (view.h). */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "store/view.h"
#include "util/hash.h"
#include "util/xalloc.h"
#include "util/banned.h"

void store_view_init(struct store_view *v)
{
  memset(v, 0, sizeof(*v));
  dedup_init(&v->set);
  strtab_init(&v->pm.names);
}

void store_view_release(struct store_view *v)
{
  dedup_release(&v->set);
  strtab_release(&v->pm.names);
  free(v->pm.by_id);
  free(v->dig);
  memset(v, 0, sizeof(*v));
}

static uint64_t hash_str(const struct strtab *st, uint32_t id, uint64_t h)
{
  const char *s = id ? strtab_get(st, id) : NULL;

  return hash64(s ? s : "", s ? strtab_len(st, id) : 0, h);
}

uint64_t store_view_fp(const struct event *ev, const struct strtab *st,
                       const char *project)
{
  struct {
    uint64_t key[2];
    int64_t ts, limit_reset;
    uint64_t tok[5], web_search;
    double cost;
    uint32_t kind, flags;
  } f;
  char uuid[40];
  uint64_t h;

  memset(&f, 0, sizeof(f)); /* padding hashes as zero */
  f.key[0] = ev->key[0];
  f.key[1] = ev->key[1];
  f.ts = ev->ts_ms;
  f.limit_reset = ev->limit_reset;
  f.tok[0] = ev->tok.input;
  f.tok[1] = ev->tok.output;
  f.tok[2] = ev->tok.cache_write_5m;
  f.tok[3] = ev->tok.cache_write_1h;
  f.tok[4] = ev->tok.cache_read;
  f.web_search = ev->web_search;
  f.cost = ev->cost_usd == 0 ? 0.0 : ev->cost_usd; /* SQLite keeps no -0 */
  f.kind = ev->key_kind;
  /* Binary or text is how a uuid is held, not what it is. */
  f.flags = ev->flags & ~EVENT_UUID_BIN;
  h = hash64(&f, sizeof(f), 0x5709e);
  event_uuid(ev, st, uuid);
  h = hash64(uuid, strlen(uuid), h);
  h = hash_str(st, ev->session, h);
  h = hash_str(st, ev->model, h);
  h = hash_str(st, ev->cwd, h);
  h = hash_str(st, ev->file, h);
  return hash64(project ? project : "", project ? strlen(project) : 0, h);
}

static size_t slot_of(const struct store_view *v, const uint64_t key[2])
{
  return (size_t)(key[0] ^ (key[1] * 0x9e3779b97f4a7c15ULL)) & (v->nslots - 1);
}

struct view_digest *store_view_find(const struct store_view *v,
                                    const uint64_t key[2])
{
  size_t i;

  if (!v->nslots)
    return NULL;
  for (i = slot_of(v, key); v->dig[i].used; i = (i + 1) & (v->nslots - 1))
    if (v->dig[i].key[0] == key[0] && v->dig[i].key[1] == key[1])
      return &v->dig[i];
  return NULL;
}

static void grow(struct store_view *v)
{
  struct view_digest *old = v->dig;
  size_t n = v->nslots, i;

  v->nslots = n ? n * 2 : 1024;
  v->dig = xcalloc(v->nslots, sizeof(*v->dig));
  for (i = 0; i < n; i++)
    if (old[i].used) {
      size_t j = slot_of(v, old[i].key);

      while (v->dig[j].used)
        j = (j + 1) & (v->nslots - 1);
      v->dig[j] = old[i];
    }
  free(old);
}

/* The slot for key, claimed if new. */
static struct view_digest *claim(struct store_view *v, const uint64_t key[2])
{
  struct view_digest *d = store_view_find(v, key);
  size_t i;

  if (d)
    return d;
  if ((v->ndig + 1) * 4 > v->nslots * 3)
    grow(v);
  for (i = slot_of(v, key); v->dig[i].used; i = (i + 1) & (v->nslots - 1))
    ;
  d = &v->dig[i];
  d->used = 1;
  d->key[0] = key[0];
  d->key[1] = key[1];
  d->gen = v->gen;
  v->ndig++;
  return d;
}

/* Takes in the rows' digests and projects. */
static void note_rows(struct store_view *v, const struct store_rows *r)
{
  size_t i;

  for (i = 0; i < r->n; i++) {
    const struct event *ev = &r->ev[i];
    uint32_t p = r->project[i];
    const char *name = p ? strtab_get(&v->set.strs, p) : NULL;
    struct view_digest *d = claim(v, ev->key);

    d->fp = store_view_fp(ev, &v->set.strs, name);
    d->total = tokens_total(&ev->tok);
    d->ts_ms = ev->ts_ms;
    d->side = !!(ev->flags & EVENT_SIDECHAIN);
    if (name)
      project_map_set(&v->pm, ev->cwd ? ev->cwd : ev->file ? ev->file : p,
                      name, strtab_len(&v->set.strs, p));
  }
}

/*
 * Rows as the set's calls: with their user and machine, and keyed per
 * user, since rows of different users are different calls even with one
 * key (the store keys rows by user too), so the dedup rules (sidechain
 * replays included) apply within each user. The local store's rows (''
 * user) keep their keys.
 */
static void rows_to_calls(struct store_rows *r, const struct strtab *st)
{
  size_t i;

  for (i = 0; i < r->n; i++) {
    r->ev[i].user = r->user[i];
    r->ev[i].machine = r->machine[i];
    /* A call sent over the wire has no cwd or file, only its project's
     * name: the name stands for the file, so that project_of() finds it
     * (note_rows() mapped it). */
    if (!r->ev[i].cwd && !r->ev[i].file)
      r->ev[i].file = r->project[i];
    if (r->user[i]) {
      const char *u = strtab_get(st, r->user[i]);
      size_t n = strtab_len(st, r->user[i]);

      r->ev[i].key[0] ^= hash64(u, n, 0x75736572);
      r->ev[i].key[1] ^= hash64(u, n, 0x6b657931);
    }
  }
}

int store_view_load(struct store_view *v, struct store *s, struct err *e)
{
  struct store_rows r;
  size_t i;
  int rc;

  store_view_release(v);
  store_view_init(v);
  store_rows_init(&r, &v->set.strs);
  if ((rc = store_since(s, 0, &r, e))) {
    store_rows_release(&r);
    return rc;
  }
  note_rows(v, &r);
  rows_to_calls(&r, &v->set.strs);
  for (i = 0; i < r.n; i++)
    dedup_add(&v->set, &r.ev[i]);
  dedup_finish(&v->set);
  v->seq = r.seq;
  store_rows_release(&r);
  return 0;
}

int store_view_update(struct store_view *v, struct store *s, size_t *changed,
                      struct err *e)
{
  struct store_rows r;
  int rc;

  store_rows_init(&r, &v->set.strs);
  r.seq = v->seq;
  if (!(rc = store_since(s, v->seq, &r, e))) {
    note_rows(v, &r);
    rows_to_calls(&r, &v->set.strs);
    if (r.n)
      dedup_overlay(&v->set, r.ev, r.n);
    v->seq = r.seq;
    if (changed)
      *changed = r.n;
  }
  store_rows_release(&r);
  return rc;
}
