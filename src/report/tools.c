/* Tool calls of one session, by name (GET /api/sessions/{id} tools). */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "report/tools.h"
#include "util/jsonw.h"
#include "util/xalloc.h"
#include "util/banned.h"

void tools_init(struct tools *t)
{
  memset(t, 0, sizeof(*t));
  strtab_init(&t->names);
}

void tools_release(struct tools *t)
{
  strtab_release(&t->names);
  free(t->v);
  memset(t, 0, sizeof(*t));
}

int tools_in_session(const char *path, const char *id)
{
  const char *base = strrchr(path, '/');
  size_t n = strlen(id), blen;
  const char *p;

  if (!n)
    return 0;
  base = base ? base + 1 : path;
  blen = strlen(base);
  if (blen == n + 6 && !memcmp(base, id, n) && !strcmp(base + n, ".jsonl"))
    return 1;
  for (p = strstr(path, id); p; p = strstr(p + 1, id))
    if (p > path && p[-1] == '/' && !strncmp(p + n, "/subagents/", 11))
      return 1;
  return 0;
}

void tools_add(struct tools *t, const struct records *r)
{
  size_t i;
  uint32_t k;

  for (i = 0; i < r->n; i++) {
    const struct record *rec = &r->v[i];

    if (rec->kind != RECORD_ASSISTANT)
      continue;
    for (k = 0; k < rec->ntools; k++) {
      const char *name = records_tool(r, rec, k);
      uint32_t id = strtab_intern(&t->names, name, strlen(name));

      if (id > t->n) {
        t->v = xgrow(t->v, &t->cap, id, sizeof(*t->v));
        memset(&t->v[t->n], 0, (id - t->n) * sizeof(*t->v));
        t->n = id;
      }
      t->v[id - 1].name = id;
      t->v[id - 1].uses++;
    }
  }
}

/* qsort has no context argument: sort on a copy holding the names. */
struct named {
  const char *name;
  uint64_t uses;
};

static int cmp_named(const void *x, const void *y)
{
  const struct named *a = x, *b = y;

  if (a->uses != b->uses)
    return a->uses < b->uses ? 1 : -1;
  return strcmp(a->name, b->name);
}

void tools_json(struct jsonw *w, const struct tools *t)
{
  struct named *s = t->n ? xcalloc(t->n, sizeof(*s)) : NULL;
  size_t i;

  for (i = 0; i < t->n; i++) {
    s[i].name = strtab_get(&t->names, t->v[i].name);
    s[i].uses = t->v[i].uses;
  }
  if (t->n > 1)
    qsort(s, t->n, sizeof(*s), cmp_named);
  jsonw_arr_begin(w);
  for (i = 0; i < t->n; i++) {
    jsonw_obj_begin(w);
    jsonw_key(w, "name");
    jsonw_strz(w, s[i].name);
    jsonw_key(w, "uses");
    jsonw_uint(w, s[i].uses);
    jsonw_obj_end(w);
  }
  jsonw_arr_end(w);
  free(s);
}
