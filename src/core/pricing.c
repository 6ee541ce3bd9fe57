/* Price table, model-name matching and the cost of one API call. */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "core/pricing.h"
#include "core/pricing_json.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* Longest model name that gets more than an exact lookup. */
#define NAME_BUF 256
#define LONG_CONTEXT 200000

static int is_digit(char c)
{
  return c >= '0' && c <= '9';
}

static int is_alnum(char c)
{
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int price_cmp(const void *a, const void *b)
{
  return strcmp(((const struct price *)a)->model,
                ((const struct price *)b)->model);
}

static int key_cmp(const void *key, const void *elem)
{
  return strcmp(key, ((const struct price *)elem)->model);
}

void price_table_init(struct price_table *t)
{
  size_t i;

  t->n = price_builtin_n;
  t->cap = price_builtin_n ? price_builtin_n : 1;
  t->v = xcalloc(t->cap, sizeof(*t->v));
  for (i = 0; i < t->n; i++) {
    t->v[i] = price_builtin[i];
    t->v[i].model = xstrdup(price_builtin[i].model);
  }
}

void price_table_release(struct price_table *t)
{
  size_t i;

  for (i = 0; i < t->n; i++)
    free((char *)t->v[i].model);
  free(t->v);
  memset(t, 0, sizeof(*t));
}

const struct price *price_table_find(const struct price_table *t,
                                     const char *model)
{
  if (!t->n)
    return NULL;
  return bsearch(model, t->v, t->n, sizeof(*t->v), key_cmp);
}

/* One entry of a document, checked but not yet applied. */
struct staged {
  const char *model; /* borrowed from the document */
  struct price p;
  size_t at; /* index in the table, or (size_t)-1 for a new model */
};

static void table_apply(struct price_table *t, const struct staged *s, size_t n)
{
  const char *keep;
  size_t i;
  int added = 0;

  for (i = 0; i < n; i++) {
    if (s[i].at != (size_t)-1) {
      keep = t->v[s[i].at].model;
      t->v[s[i].at] = s[i].p;
      t->v[s[i].at].model = keep;
      continue;
    }
    t->v = xgrow(t->v, &t->cap, t->n + 1, sizeof(*t->v));
    t->v[t->n] = s[i].p;
    t->v[t->n].model = xstrdup(s[i].model);
    t->n++;
    added = 1;
  }
  if (added)
    qsort(t->v, t->n, sizeof(*t->v), price_cmp);
}

int price_table_load_json(struct price_table *t, const char *text, size_t len,
                          const char *origin, struct err *e)
{
  struct price_doc d;
  struct staged *s;
  const struct price *base;
  const char *key;
  json_t *v;
  size_t n = 0;
  int rc;

  if ((rc = price_doc_parse(&d, text, len, origin, e)))
    return rc;
  s = xcalloc(json_object_size(d.models) + 1, sizeof(*s));
  json_object_foreach(d.models, key, v)
  {
    if ((rc = price_name_check(origin, key, e)))
      goto out;
    base = price_table_find(t, key);
    if ((rc = price_entry_parse(origin, key, v, base, &s[n].p, e)))
      goto out;
    s[n].model = key;
    s[n].at = base ? (size_t)(base - t->v) : (size_t)-1;
    n++;
  }
  table_apply(t, s, n);
out:
  free(s);
  price_doc_release(&d);
  return rc;
}

/*
 * Name normalisation. Every step edits the NUL-terminated name in place
 * (it only shrinks) and returns whether it changed anything.
 */

static int ends_with(const char *s, size_t n, const char *suffix)
{
  size_t k = strlen(suffix);

  return n >= k && !memcmp(s + n - k, suffix, k);
}

static void cut(char *s, size_t *n, size_t at)
{
  s[at] = '\0';
  *n = at;
}

static void drop_head(char *s, size_t *n, size_t k)
{
  memmove(s, s + k, *n - k + 1);
  *n -= k;
}

/* "claude-opus-4-6[1m]" -> "claude-opus-4-6" (any "[...]" suffix). */
static int strip_bracket(char *s, size_t *n)
{
  char *open;

  if (!*n || s[*n - 1] != ']' || !(open = strrchr(s, '[')) || open == s)
    return 0;
  cut(s, n, (size_t)(open - s));
  return 1;
}

static int strip_fast(char *s, size_t *n)
{
  if (!ends_with(s, *n, "-fast") || *n == 5)
    return 0;
  cut(s, n, *n - 5);
  return 1;
}

/* Length of the provider prefixes heading s, short of the whole of s. */
static size_t provider_head(const char *s)
{
  static const char *const prefixes[] = {"openrouter/anthropic/", "anthropic/",
                                         "bedrock/", "vertex_ai/"};
  size_t i, k, at = 0;
  int again = 1;

  while (again) {
    again = 0;
    for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
      k = strlen(prefixes[i]);
      if (!strncmp(s + at, prefixes[i], k) && s[at + k]) {
        at += k;
        again = 1;
      }
    }
  }
  return at;
}

static int strip_provider(char *s, size_t *n)
{
  size_t k = provider_head(s);

  if (!k)
    return 0;
  drop_head(s, n, k);
  return 1;
}

/* Length of a "(us|eu|apac|au|jp|global).anthropic." or "anthropic." head. */
static size_t bedrock_head(const char *s)
{
  static const char *const regions[] = {"us.", "eu.",     "apac.", "au.",
                                        "jp.", "global.", ""};
  size_t i, k;

  for (i = 0; i < sizeof(regions) / sizeof(regions[0]); i++) {
    k = strlen(regions[i]);
    if (!strncmp(s, regions[i], k) && !strncmp(s + k, "anthropic.", 10))
      return k + 10;
  }
  return 0;
}

/* Length of a trailing "-v<digits>" or "-v<digits>:<digits>", or 0. */
static size_t version_tail(const char *s, size_t n)
{
  size_t i = n;

  while (i > 0 && is_digit(s[i - 1]))
    i--;
  if (i == n)
    return 0;
  if (i > 0 && s[i - 1] == ':') {
    size_t j = --i;

    while (i > 0 && is_digit(s[i - 1]))
      i--;
    if (i == j)
      return 0;
  }
  if (i < 2 || s[i - 1] != 'v' || s[i - 2] != '-')
    return 0;
  return n - (i - 2);
}

static int strip_bedrock(char *s, size_t *n)
{
  size_t head = bedrock_head(s), tail;
  int changed = 0;

  if (head && head < *n) {
    drop_head(s, n, head);
    changed = 1;
  }
  tail = version_tail(s, *n);
  if (tail && tail < *n) {
    cut(s, n, *n - tail);
    changed = 1;
  }
  return changed;
}

static int all_digits(const char *s, size_t k)
{
  size_t i;

  for (i = 0; i < k; i++)
    if (!is_digit(s[i]))
      return 0;
  return 1;
}

/* Vertex "claude-sonnet-4-5@20250929" -> "claude-sonnet-4-5-20250929". */
static int vertex_date(char *s, size_t n)
{
  if (n < 10 || s[n - 9] != '@' || !all_digits(s + n - 8, 8))
    return 0;
  s[n - 9] = '-';
  return 1;
}

/* Copies src to dst with "." between digits and any "@" made "-". */
static int dots_to_dashes(char *dst, const char *src, size_t n)
{
  size_t i;
  int changed = 0;

  for (i = 0; i < n; i++) {
    dst[i] = src[i];
    if (src[i] == '@' || (src[i] == '.' && i > 0 && i + 1 < n &&
                          is_digit(src[i - 1]) && is_digit(src[i + 1]))) {
      dst[i] = '-';
      changed = 1;
    }
  }
  dst[n] = '\0';
  return changed;
}

/* Drops a trailing "-YYYYMMDD" (or OpenAI's "-YYYY-MM-DD"). */
static int strip_date(char *s, size_t *n)
{
  if (*n > 9 && s[*n - 9] == '-' && all_digits(s + *n - 8, 8)) {
    cut(s, n, *n - 9);
    return 1;
  }
  if (*n > 11 && s[*n - 11] == '-' && all_digits(s + *n - 10, 4) &&
      s[*n - 6] == '-' && all_digits(s + *n - 5, 2) && s[*n - 3] == '-' &&
      all_digits(s + *n - 2, 2)) {
    cut(s, n, *n - 11);
    return 1;
  }
  return 0;
}

/* Length of a "-YYYYMMDD", "-YYYY-MM-DD", "-vN" or "-vN:M" at s, or 0. */
static size_t tail_part(const char *s)
{
  size_t i = 2;

  if (s[0] != '-')
    return 0;
  if (all_digits(s + 1, 8))
    return 9;
  if (all_digits(s + 1, 4) && s[5] == '-' && all_digits(s + 6, 2) &&
      s[8] == '-' && all_digits(s + 9, 2))
    return 11;
  if (s[1] != 'v' || !is_digit(s[2]))
    return 0;
  while (is_digit(s[i]))
    i++;
  if (s[i] != ':' || !is_digit(s[i + 1]))
    return i;
  i++;
  while (is_digit(s[i]))
    i++;
  return i;
}

/* Whether s is empty or only dates and versions ("-20250929-v1:0"). */
static int only_date_version(const char *s)
{
  size_t k;

  while (*s) {
    if (!(k = tail_part(s)))
      return 0;
    s += k;
  }
  return 1;
}

/*
 * Whether key k, without its provider and bedrock heads, is the name plus
 * only a date/version tail: "claude-opus-4" extends to
 * "claude-opus-4-20250514", but "opus" and "claude" extend to nothing.
 */
static int key_extends(const char *k, const char *name)
{
  size_t len = strlen(name);

  k += provider_head(k);
  k += bedrock_head(k);
  return !strncmp(k, name, len) && only_date_version(k + len);
}

/* A key of another provider: bedrock, vertex or a "provider/" path. */
static int key_is_foreign(const char *k)
{
  size_t n = strlen(k);

  return strchr(k, '/') || strchr(k, '@') || bedrock_head(k) ||
         version_tail(k, n);
}

/*
 * True when the text after a match does not continue the version: the end,
 * or a non-alphanumeric character not followed by digits, or "-" with an
 * 8-digit date ("claude-opus-4" must not match "claude-opus-4-7").
 */
static int clean_end(const char *rest)
{
  size_t d = 0;

  if (!*rest)
    return 1;
  if (is_alnum(*rest))
    return 0;
  if (*rest != '-' && *rest != '.')
    return 1;
  while (is_digit(rest[1 + d]))
    d++;
  return d == 0 || d == 8;
}

/* Whether needle occurs in hay at name boundaries (see clean_end). */
static int boundary_match(const char *hay, const char *needle)
{
  size_t k = strlen(needle);
  const char *at = hay;

  if (!k)
    return 0;
  while ((at = strstr(at, needle))) {
    if ((at == hay || !is_alnum(at[-1])) && clean_end(at + k))
      return 1;
    at++;
  }
  return 0;
}

/* The key whose "."/"@"-normalised form equals name, preferring exact. */
static const struct price *find_normalised(const struct price_table *t,
                                           const char *name)
{
  const struct price *p = price_table_find(t, name);
  char k[NAME_BUF];
  size_t i, n;

  for (i = 0; !p && i < t->n; i++) {
    n = strlen(t->v[i].model);
    if (n >= sizeof(k))
      continue;
    dots_to_dashes(k, t->v[i].model, n);
    if (!strcmp(k, name))
      p = &t->v[i];
  }
  return p;
}

/*
 * transcript-format.md section 4.3, narrowed: the longest key contained in
 * the name at name boundaries, or extending the name by a date/version tail
 * only (key_extends); first-party keys beat keys of other providers
 * whatever their length; ties go to the smaller key.
 */
static const struct price *fuzzy(const struct price_table *t, const char *name)
{
  const struct price *best = NULL;
  int best_foreign = 0, foreign;
  size_t best_len = 0, i, n;
  char k[NAME_BUF];

  for (i = 0; i < t->n; i++) {
    n = strlen(t->v[i].model);
    if (n >= sizeof(k))
      continue;
    dots_to_dashes(k, t->v[i].model, n);
    if (!boundary_match(name, k) && !key_extends(k, name))
      continue;
    foreign = key_is_foreign(t->v[i].model);
    if (best && (foreign > best_foreign ||
                 (foreign == best_foreign &&
                  (n < best_len ||
                   (n == best_len && strcmp(t->v[i].model, best->model) > 0)))))
      continue;
    best = &t->v[i];
    best_len = n;
    best_foreign = foreign;
  }
  return best;
}

/*
 * The key that is s without the ":M" of a "-vN:M" tail, or without the
 * whole "-vN[:M]" tail, or NULL: "us.anthropic.claude-opus-4-7-v1:0" keeps
 * its regional key "us.anthropic.claude-opus-4-7".
 */
static const struct price *find_unversioned(const struct price_table *t,
                                            const char *s, size_t n)
{
  const struct price *p = NULL;
  size_t tail = version_tail(s, n);
  char v[NAME_BUF];
  char *colon;

  if (!tail || tail >= n || n >= sizeof(v))
    return NULL;
  memcpy(v, s, n + 1);
  if ((colon = strchr(v + n - tail, ':'))) {
    *colon = '\0';
    p = price_table_find(t, v);
  }
  if (!p) {
    v[n - tail] = '\0';
    p = price_table_find(t, v);
  }
  return p;
}

/* Steps after the exact key; s is a writable copy of the name. */
static const struct price *lookup_steps(const struct price_table *t, char *s,
                                        size_t n)
{
  const struct price *p;
  char dashed[NAME_BUF], undated[NAME_BUF];
  size_t m;

  if (strip_bracket(s, &n) && (p = price_table_find(t, s)))
    return p;
  if (strip_fast(s, &n) && (p = price_table_find(t, s)))
    return p;
  if ((p = find_unversioned(t, s, n)))
    return p;
  if (strip_provider(s, &n) &&
      ((p = price_table_find(t, s)) || (p = find_unversioned(t, s, n))))
    return p;
  if (strip_bedrock(s, &n) && (p = price_table_find(t, s)))
    return p;
  if (vertex_date(s, n) && (p = price_table_find(t, s)))
    return p;
  dots_to_dashes(dashed, s, n);
  if ((p = find_normalised(t, dashed)))
    return p;
  memcpy(undated, dashed, n + 1);
  m = n;
  if (strip_date(undated, &m) && (p = find_normalised(t, undated)))
    return p;
  if ((p = fuzzy(t, dashed)))
    return p;
  return m < n ? fuzzy(t, undated) : NULL;
}

const struct price *price_lookup(const struct price_table *t, const char *model)
{
  const struct price *p;
  char s[NAME_BUF];
  size_t n;

  if (!model || !*model || !strcmp(model, "<synthetic>"))
    return NULL;
  if ((p = price_table_find(t, model)))
    return p;
  n = strlen(model);
  if (n >= sizeof(s))
    return NULL;
  memcpy(s, model, n + 1);
  return lookup_steps(t, s, n);
}

double price_cost(const struct price *p, const struct tokens *tk, int fast)
{
  double cost;

  if ((p->flags & PRICE_HAS_200K) && tokens_context(tk) > LONG_CONTEXT)
    cost = (double)tk->input * p->input_200k +
           (double)tk->output * p->output_200k +
           (double)tk->cache_write_5m * p->cache_write_5m_200k +
           (double)tk->cache_write_1h * p->cache_write_1h_200k +
           (double)tk->cache_read * p->cache_read_200k;
  else
    cost = (double)tk->input * p->input + (double)tk->output * p->output +
           (double)tk->cache_write_5m * p->cache_write_5m +
           (double)tk->cache_write_1h * p->cache_write_1h +
           (double)tk->cache_read * p->cache_read;
  return fast ? cost * p->fast_multiplier : cost;
}
