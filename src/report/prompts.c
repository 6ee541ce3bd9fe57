/* Prompts and their turns (GET /api/prompts, turns[].prompt), redaction. */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "report/api.h"
#include "report/prompts.h"
#include "util/jsonw.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define REDACTED "[redacted]"

static size_t slot_of(const uint64_t key[2], int kind, size_t nslots)
{
  uint64_t h = key[0] ^ (key[1] * 0x9e3779b97f4a7c15ULL) ^ (uint64_t)kind;

  h ^= h >> 29;
  return (size_t)(h & (nslots - 1));
}

static int msg_key(const struct event *ev)
{
  return ev->key_kind == EVENT_KEY_MSG_REQ ||
         ev->key_kind == EVENT_KEY_MSG_NOREQ;
}

void prompts_init(struct prompts *p, const struct dedup *set,
                  const struct project_map *pm, const struct agg_filter *f)
{
  size_t i;

  memset(p, 0, sizeof(*p));
  p->set = set;
  p->pm = pm;
  p->f = f;
  p->preview_chars = PROMPTS_PREVIEW_CHARS;
  p->nslots = 16;
  while (p->nslots < 2 * set->n)
    p->nslots *= 2;
  p->slots = xcalloc(p->nslots, sizeof(*p->slots));
  p->mark = xcalloc(set->n + 1, sizeof(*p->mark));
  for (i = 0; i < set->n; i++) {
    const struct event *ev = &set->ev[i];
    size_t s;

    if (!msg_key(ev))
      continue;
    s = slot_of(ev->key, ev->key_kind, p->nslots);
    while (p->slots[s])
      s = (s + 1) & (p->nslots - 1);
    p->slots[s] = (uint32_t)(i + 1);
  }
}

void prompts_init_turns(struct prompts *p, const struct dedup *set,
                        const struct project_map *pm,
                        const struct agg_filter *f)
{
  prompts_init(p, set, pm, f);
  p->preview_chars = PROMPTS_TURN_CHARS;
  p->one_line = 1;
}

void prompts_release(struct prompts *p)
{
  size_t i;

  for (i = 0; i < p->n; i++)
    free(p->rows[i].preview);
  free(p->rows);
  free(p->slots);
  free(p->mark);
  memset(p, 0, sizeof(*p));
}

long prompts_find(const struct prompts *p, const uint64_t key[2], int key_kind)
{
  size_t s = slot_of(key, key_kind, p->nslots);

  while (p->slots[s]) {
    const struct event *ev = &p->set->ev[p->slots[s] - 1];

    if (ev->key[0] == key[0] && ev->key[1] == key[1] &&
        ev->key_kind == key_kind)
      return (long)p->slots[s] - 1;
    s = (s + 1) & (p->nslots - 1);
  }
  return -1;
}

/* Drops the last row when its turn had no kept call. */
static void close_turn(struct prompts *p)
{
  if (p->n && p->rows[p->n - 1].calls == 0) {
    free(p->rows[p->n - 1].preview);
    p->n--;
  }
}

static void add_call(struct prompts *p, struct prompt_row *row, size_t idx)
{
  const struct event *ev = &p->set->ev[idx];
  int priced = 0;
  double cost;

  if (p->f && !agg_keep(p->f, p->pm, ev))
    return;
  cost = p->f && p->f->pricer ? pricer_cost(p->f->pricer, ev, &priced) : 0;
  if (!row->calls) {
    row->first = idx;
    row->session = ev->session;
    row->project = p->pm ? project_of(p->pm, ev) : 0;
  }
  row->calls++;
  tokens_add(&row->tok, &ev->tok);
  if (priced)
    row->cost += cost;
  else
    row->unpriced += tokens_total(&ev->tok);
}

void prompts_add(struct prompts *p, const struct records *r, const char *path)
{
  uint32_t file = strtab_find(&p->set->strs, path, strlen(path));
  int open = 0;
  size_t i;

  if (!file)
    return;
  for (i = 0; i < r->n; i++) {
    const struct record *rec = &r->v[i];
    long idx;

    if (rec->kind == RECORD_USER_PROMPT) {
      struct prompt_row *row;
      struct buf pv = BUF_INIT;

      if (open)
        close_turn(p);
      p->rows = xgrow(p->rows, &p->cap, p->n + 1, sizeof(*p->rows));
      row = &p->rows[p->n++];
      memset(row, 0, sizeof(*row));
      row->at = rec->ts_ms;
      if (p->one_line)
        prompts_preview_line(r->text.data + rec->text_off, rec->text_len,
                             p->preview_chars, &pv);
      else
        prompts_preview(r->text.data + rec->text_off, rec->text_len,
                        p->preview_chars, &pv);
      row->preview = buf_detach(&pv, NULL);
      p->turn++;
      open = 1;
      continue;
    }
    if (!open || rec->kind != RECORD_ASSISTANT || !rec->key_kind)
      continue;
    idx = prompts_find(p, rec->key, rec->key_kind);
    if (idx < 0 || p->set->ev[idx].file != file || p->mark[idx] == p->turn)
      continue;
    p->mark[idx] = p->turn;
    add_call(p, &p->rows[p->n - 1], (size_t)idx);
  }
  if (open)
    close_turn(p);
}

static int cmp_first(const void *x, const void *y)
{
  const struct prompt_row *a = x, *b = y;

  return (a->first > b->first) - (a->first < b->first);
}

void prompts_by_call(struct prompts *p)
{
  if (p->n > 1)
    qsort(p->rows, p->n, sizeof(*p->rows), cmp_first);
}

const struct prompt_row *prompts_turn(const struct prompts *p, size_t ev)
{
  size_t lo = 0, hi = p->n;

  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;

    if (p->rows[mid].first < ev)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < p->n && p->rows[lo].first == ev ? &p->rows[lo] : NULL;
}

static int cmp_row(const void *x, const void *y)
{
  const struct prompt_row *a = x, *b = y;
  uint64_t ta = tokens_total(&a->tok), tb = tokens_total(&b->tok);

  if (a->cost != b->cost)
    return a->cost < b->cost ? 1 : -1;
  if (ta != tb)
    return ta < tb ? 1 : -1;
  return (a->at > b->at) - (a->at < b->at);
}

void prompts_json(struct buf *out, struct prompts *p, size_t limit)
{
  struct jsonw w;
  size_t i;

  if (p->n > 1)
    qsort(p->rows, p->n, sizeof(*p->rows), cmp_row);
  jsonw_init(&w, out, 0);
  jsonw_obj_begin(&w);
  jsonw_key(&w, "prompts");
  jsonw_arr_begin(&w);
  for (i = 0; i < p->n && i < limit; i++) {
    const struct prompt_row *r = &p->rows[i];
    char iso[32];

    jsonw_obj_begin(&w);
    jsonw_key(&w, "sessionId");
    jsonw_strz(&w, strtab_get(&p->set->strs, r->session));
    jsonw_key(&w, "project");
    jsonw_strz(&w, p->pm ? strtab_get(&p->pm->names, r->project) : NULL);
    jsonw_key(&w, "at");
    civil_fmt_iso_ms(r->at, iso);
    jsonw_strz(&w, iso);
    api_usage_json(&w, "usage", r->calls, &r->tok, r->cost, r->unpriced);
    jsonw_key(&w, "preview");
    jsonw_strz(&w, r->preview);
    jsonw_obj_end(&w);
  }
  jsonw_arr_end(&w);
  jsonw_obj_end(&w);
}

static int is_alnum(char c)
{
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
         (c >= 'A' && c <= 'Z');
}

static int is_word(char c)
{
  return is_alnum(c) || c == '_' || c == '-';
}

static int is_b64(char c)
{
  return is_alnum(c) || c == '+' || c == '/' || c == '=' || c == '_' ||
         c == '-' || c == '.';
}

static char lower(char c)
{
  return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static int starts(const char *s, size_t n, const char *pre)
{
  size_t m = strlen(pre);

  return n >= m && !memcmp(s, pre, m);
}

static int starts_ci(const char *s, size_t n, const char *pre)
{
  size_t i, m = strlen(pre);

  if (n < m)
    return 0;
  for (i = 0; i < m; i++)
    if (lower(s[i]) != pre[i])
      return 0;
  return 1;
}

/* Length of a token body of word characters with at least `min` of
 * them and a digit (real keys have digits; prose like sk-learn has not). */
static size_t token_body(const char *s, size_t n, size_t min)
{
  size_t i = 0;
  int digit = 0;

  while (i < n && is_word(s[i])) {
    digit |= s[i] >= '0' && s[i] <= '9';
    i++;
  }
  return i >= min && digit ? i : 0;
}

/* A prefixed token at s: its length, or 0. */
static size_t prefixed_token(const char *s, size_t n)
{
  static const char *const pre[] = {"sk-",  "ghp_", "gho_",       "ghu_",
                                    "ghs_", "ghr_", "github_pat_"};
  size_t i, b;

  for (i = 0; i < sizeof(pre) / sizeof(pre[0]); i++) {
    size_t m = strlen(pre[i]);

    if (starts(s, n, pre[i]) && (b = token_body(s + m, n - m, 20)) > 0)
      return m + b;
  }
  if (n > 5 && starts(s, n, "xox") && strchr("abprs", s[3]) && s[4] == '-' &&
      (b = token_body(s + 5, n - 5, 10)) > 0)
    return 5 + b;
  if (starts(s, n, "AKIA") && n >= 20) {
    for (i = 4; i < 20; i++)
      if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z')))
        return 0;
    return n > 20 && is_alnum(s[20]) ? 0 : 20;
  }
  return 0;
}

/* A PEM private key block at s: its length (to the end of the text when
 * the END line is cut off), or 0. */
static size_t pem_block(const char *s, size_t n)
{
  const char *eol, *end;

  if (!starts(s, n, "-----BEGIN "))
    return 0;
  eol = memchr(s, '\n', n);
  if (!memmem(s, eol ? (size_t)(eol - s) : n, "PRIVATE KEY-----", 16))
    return 0;
  end = memmem(s + 11, n - 11, "-----END ", 9);
  if (!end)
    return n;
  end = memmem(end + 9, (size_t)(s + n - end - 9), "-----", 5);
  return end ? (size_t)(end + 5 - s) : n;
}

/* After a secret's name at s[0..k): the value's offset and length. */
static size_t named_value(const char *s, size_t n, size_t k, size_t *off)
{
  size_t i = k, v;

  while (i < n && (is_word(s[i]) || s[i] == '"' || s[i] == '\''))
    i++;
  while (i < n && s[i] == ' ')
    i++;
  if (i >= n || (s[i] != '=' && s[i] != ':'))
    return 0;
  i++;
  while (i < n && (s[i] == ' ' || s[i] == '"' || s[i] == '\''))
    i++;
  for (v = i; v < n && is_b64(s[v]); v++)
    ;
  if (v - i < 32)
    return 0;
  *off = i;
  return v - i;
}

static size_t secret_name(const char *s, size_t n)
{
  static const char *const names[] = {"key", "token", "secret", "password"};
  size_t i;

  for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
    if (starts_ci(s, n, names[i]))
      return strlen(names[i]);
  return 0;
}

void prompts_redact(const char *s, size_t n, struct buf *out)
{
  size_t i = 0, done = 0;

  while (i < n) {
    int boundary = i == 0 || !is_word(s[i - 1]);
    size_t len = 0, k, off = 0, vlen;

    if (boundary && (len = prefixed_token(s + i, n - i)) == 0)
      len = pem_block(s + i, n - i);
    if (len) {
      buf_add(out, s + done, i - done);
      buf_adds(out, REDACTED);
      i += len;
      done = i;
      continue;
    }
    k = secret_name(s + i, n - i);
    if (k && (vlen = named_value(s + i, n - i, k, &off)) > 0) {
      buf_add(out, s + done, i + off - done);
      buf_adds(out, REDACTED);
      i += off + vlen;
      done = i;
      continue;
    }
    i++;
  }
  buf_add(out, s + done, n - done);
}

/* Appends s's first max_chars characters (UTF-8) to out. */
static void cut(const struct buf *s, size_t max_chars, struct buf *out)
{
  size_t i = 0, chars = 0;

  while (i < s->len && chars < max_chars) {
    uint32_t cp;

    i += jsonw_utf8_next(s->data + i, s->len - i, &cp);
    chars++;
  }
  buf_add(out, s->data, i);
}

void prompts_preview(const char *s, size_t n, size_t max_chars, struct buf *out)
{
  struct buf red = BUF_INIT;

  prompts_redact(s, n, &red);
  cut(&red, max_chars, out);
  buf_release(&red);
}

static int is_space(char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}

void prompts_preview_line(const char *s, size_t n, size_t max_chars,
                          struct buf *out)
{
  struct buf red = BUF_INIT, line = BUF_INIT;
  size_t i, start = 0;

  prompts_redact(s, n, &red);
  for (i = 0; i <= red.len; i++) {
    if (i < red.len && !is_space(red.data[i]))
      continue;
    if (i > start) {
      if (line.len)
        buf_addch(&line, ' ');
      buf_add(&line, red.data + start, i - start);
    }
    start = i + 1;
  }
  cut(&line, max_chars, out);
  buf_release(&line);
  buf_release(&red);
}
