/* A per-file cache of transcript records, refreshed from a file list. */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "source/rcache.h"
#include "util/xalloc.h"
#include "util/banned.h"

void rcache_init(struct rcache *c)
{
  memset(c, 0, sizeof(*c));
}

static void entry_release(struct rcache_entry *en)
{
  free(en->path);
  records_release(&en->r);
}

void rcache_release(struct rcache *c)
{
  size_t i;

  for (i = 0; i < c->n; i++)
    entry_release(&c->v[i]);
  free(c->v);
  memset(c, 0, sizeof(*c));
}

static int same(const struct rcache_entry *en, const struct source_file *f)
{
  return en->dev == f->dev && en->ino == f->ino && en->size == f->size &&
         en->mtime_ns == f->mtime_ns;
}

/* Reads f into a new entry at *out; 0, or -1 when it cannot be read. */
static int entry_read(struct rcache *c, const struct source_file *f,
                      struct rcache_entry *out)
{
  memset(out, 0, sizeof(*out));
  records_init(&out->r);
  c->reads++;
  if (records_read(f->path, &out->r, NULL)) {
    records_release(&out->r);
    return -1;
  }
  /* The reader's scratch is only needed while reading. */
  buf_release(&out->r.line);
  free(out->r.tail);
  out->r.tail = NULL;
  out->path = xstrdup(f->path);
  out->dev = f->dev;
  out->ino = f->ino;
  out->size = f->size;
  out->mtime_ns = f->mtime_ns;
  return 0;
}

void rcache_sync(struct rcache *c, const struct source_file *files, size_t n)
{
  struct rcache_entry *v = n ? xcalloc(n, sizeof(*v)) : NULL;
  size_t i, j = 0, k = 0;

  for (i = 0; i < n; i++) {
    const struct source_file *f = &files[i];
    int cmp = 1;

    while (j < c->n && (cmp = strcmp(c->v[j].path, f->path)) < 0)
      entry_release(&c->v[j++]);
    if (j < c->n && cmp == 0 && same(&c->v[j], f)) {
      v[k++] = c->v[j++];
      continue;
    }
    if (j < c->n && cmp == 0)
      entry_release(&c->v[j++]);
    if (c->cancel && atomic_load(c->cancel))
      continue; /* read next time */
    if (!entry_read(c, f, &v[k]))
      k++;
  }
  while (j < c->n)
    entry_release(&c->v[j++]);
  free(c->v);
  c->v = v;
  c->n = k;
  c->cap = n;
}
