/* Demo content builders: escaped text pools assembled at memcpy speed. */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "demo/internal.h"
#include "util/xalloc.h"
#include "util/banned.h"

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void demo_text_init(struct demo_text *t)
{
  size_t npools, p, i, k = 0, total = 0;
  const struct demo_raw_pool *raw = demo_text_raw(&npools);
  size_t *off;

  buf_init(&t->arena, 0);
  for (p = 0; p < npools; p++)
    total += raw[p].count;
  off = xcalloc(total + 1, sizeof(*off));
  /* Escape everything first: the arena moves while it grows. */
  for (p = 0; p < npools; p++)
    for (i = 0; i < raw[p].count; i++) {
      off[k++] = t->arena.len;
      demo_put_esc(&t->arena, raw[p].s[i], strlen(raw[p].s[i]));
    }
  off[k] = t->arena.len;
  k = 0;
  for (p = 0; p < POOL_N; p++) {
    struct demo_pool *pl = &t->pools[p];

    pl->count = p < npools ? (uint32_t)raw[p].count : 0;
    pl->s = xcalloc(pl->count + 1, sizeof(*pl->s));
    pl->n = xcalloc(pl->count + 1, sizeof(*pl->n));
    for (i = 0; i < pl->count; i++, k++) {
      pl->s[i] = t->arena.data + off[k];
      pl->n[i] = (uint32_t)(off[k + 1] - off[k]);
    }
  }
  free(off);
}

void demo_text_release(struct demo_text *t)
{
  size_t p;

  for (p = 0; p < POOL_N; p++) {
    free(t->pools[p].s);
    free(t->pools[p].n);
  }
  buf_release(&t->arena);
}

size_t demo_text_pick(const struct demo_text *t, struct demo_rng *r,
                      struct buf *b, int p)
{
  const struct demo_pool *pl = &t->pools[p];
  uint32_t i = demo_rng_below(r, pl->count);

  buf_add(b, pl->s[i], pl->n[i]);
  return pl->n[i];
}

void demo_text_prose(const struct demo_text *t, struct demo_rng *r,
                     struct buf *b, int pool, size_t n)
{
  size_t got = 0;

  do {
    if (got && demo_rng_pct(r, 25)) {
      DEMO_LIT(b, "\\n\\n");
      got += 4;
    } else if (got) {
      buf_addch(b, ' ');
      got++;
    }
    got += demo_text_pick(t, r, b, pool);
  } while (got < n);
}

static void put_lineno(struct buf *b, uint32_t n)
{
  char tmp[16];
  int i = 0, w;

  do {
    tmp[i++] = (char)('0' + n % 10);
    n /= 10;
  } while (n);
  for (w = i; w < 6; w++)
    buf_addch(b, ' ');
  while (i)
    buf_addch(b, tmp[--i]);
  DEMO_LIT(b, "\xe2\x86\x92"); /* U+2192, as Read prints it */
}

uint32_t demo_text_code(const struct demo_text *t, struct demo_rng *r,
                        struct buf *raw, struct buf *num, int lang, size_t n,
                        uint32_t first_line)
{
  const struct demo_pool *pl = &t->pools[POOL_CODE_C + (lang % LANG_N)];
  size_t start = raw->len;
  uint32_t line = first_line;

  while (raw->len - start < n) {
    uint32_t i = demo_rng_below(r, pl->count);

    buf_add(raw, pl->s[i], pl->n[i]);
    DEMO_LIT(raw, "\\n");
    if (num) {
      put_lineno(num, line);
      buf_add(num, pl->s[i], pl->n[i]);
      DEMO_LIT(num, "\\n");
    }
    line++;
  }
  return line - first_line;
}

const char *demo_text_get(const struct demo_text *t, int p, uint32_t i,
                          size_t *n)
{
  const struct demo_pool *pl = &t->pools[p];

  i %= pl->count;
  *n = pl->n[i];
  return pl->s[i];
}

void demo_text_shell(const struct demo_text *t, struct demo_rng *r,
                     struct buf *b, size_t n)
{
  size_t start = b->len;

  while (b->len - start < n) {
    if (b->len > start)
      DEMO_LIT(b, "\\n");
    demo_text_pick(t, r, b, POOL_SHELL);
  }
}

void demo_text_base64(struct demo_rng *r, struct buf *b, size_t n)
{
  char tmp[4096];

  while (n) {
    size_t m = n < sizeof(tmp) ? n : sizeof(tmp), i = 0;

    while (i < m) {
      uint64_t x = demo_rng_next(r);
      int k;

      for (k = 0; k < 10 && i < m; k++, i++) {
        tmp[i] = b64[x & 63];
        x >>= 6;
      }
    }
    buf_add(b, tmp, m);
    n -= m;
  }
}

void demo_text_path(const struct demo_text *t, struct demo_rng *r,
                    struct buf *b, int lang)
{
  demo_text_pick(t, r, b, POOL_FILE_C + (lang % LANG_N));
}
