/* String interning with an arena and an open-addressing index. */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "util/hash.h"
#include "util/strtab.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define STRTAB_SEED 0x5ca1ab1eULL
#define ARENA_FIRST 512 /* blocks double from here: many tables are tiny */
#define ARENA_BLOCK (64 * 1024)

void strtab_init(struct strtab *t)
{
  memset(t, 0, sizeof(*t));
  t->cap = 16;
  t->strs = xcalloc(t->cap, sizeof(*t->strs));
  t->lens = xcalloc(t->cap, sizeof(*t->lens));
  t->n = 1;
  t->nslots = 32;
  t->slots = xcalloc(t->nslots, sizeof(*t->slots));
}

void strtab_release(struct strtab *t)
{
  size_t i;

  for (i = 0; i < t->nblocks; i++)
    free(t->blocks[i]);
  free(t->blocks);
  free(t->strs);
  free(t->lens);
  free(t->slots);
  memset(t, 0, sizeof(*t));
}

static char *arena_copy(struct strtab *t, const char *s, size_t len)
{
  char *p;

  if (t->arena_used + len + 1 > t->arena_cap) {
    size_t sz = t->arena_cap ? t->arena_cap * 2 : ARENA_FIRST;

    if (sz > ARENA_BLOCK)
      sz = ARENA_BLOCK;
    if (sz < len + 1)
      sz = len + 1;

    t->arena = xmalloc(sz);
    t->arena_cap = sz;
    t->arena_used = 0;
    t->blocks =
        xgrow(t->blocks, &t->blocks_cap, t->nblocks + 1, sizeof(*t->blocks));
    t->blocks[t->nblocks++] = t->arena;
  }
  p = t->arena + t->arena_used;
  memcpy(p, s, len);
  p[len] = '\0';
  t->arena_used += len + 1;
  return p;
}

static uint32_t *slot_for(const struct strtab *t, const char *s, size_t len,
                          uint64_t h)
{
  uint32_t mask = t->nslots - 1, i = (uint32_t)h & mask;

  for (;; i = (i + 1) & mask) {
    uint32_t id = t->slots[i];

    if (!id)
      return &t->slots[i];
    if (t->lens[id] == len && !memcmp(t->strs[id], s, len))
      return &t->slots[i];
  }
}

static void rehash(struct strtab *t)
{
  uint32_t id;

  free(t->slots);
  t->nslots *= 2;
  t->slots = xcalloc(t->nslots, sizeof(*t->slots));
  for (id = 1; id < t->n; id++) {
    uint64_t h = hash64(t->strs[id], t->lens[id], STRTAB_SEED);

    *slot_for(t, t->strs[id], t->lens[id], h) = id;
  }
}

uint32_t strtab_find(const struct strtab *t, const char *s, size_t len)
{
  return *slot_for(t, s, len, hash64(s, len, STRTAB_SEED));
}

uint32_t strtab_intern(struct strtab *t, const char *s, size_t len)
{
  uint64_t h = hash64(s, len, STRTAB_SEED);
  uint32_t *slot = slot_for(t, s, len, h);
  uint32_t found = *slot;

  if (found)
    return found;
  if (t->n == t->cap) {
    t->cap *= 2;
    t->strs = xrealloc(t->strs, t->cap * sizeof(*t->strs));
    t->lens = xrealloc(t->lens, t->cap * sizeof(*t->lens));
  }
  t->strs[t->n] = arena_copy(t, s, len);
  t->lens[t->n] = (uint32_t)len;
  *slot = t->n;
  if ((t->n + 1) * 2 > t->nslots) {
    t->n++;
    rehash(t);
    return t->n - 1;
  }
  return t->n++;
}

const char *strtab_get(const struct strtab *t, uint32_t id)
{
  return id && id < t->n ? t->strs[id] : NULL;
}

uint32_t strtab_len(const struct strtab *t, uint32_t id)
{
  return id && id < t->n ? t->lens[id] : 0;
}
