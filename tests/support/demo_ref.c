/* Reference re-count of a demo corpus: transcript-format.md 3.2, 3.5. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "demo_ref.h"
#include "util/xalloc.h"
#include "util/banned.h"

void demoref_tree_init(struct demoref_tree *t)
{
  memset(t, 0, sizeof(*t));
  t->open = -1;
}

int demoref_capture(void *ctx, const char *relpath, const char *data,
                    size_t len)
{
  struct demoref_tree *t = ctx;
  size_t i;

  if (t->open < 0) {
    for (i = 0; i < t->n; i++)
      if (!strcmp(t->files[i].path, relpath))
        t->misuse++; /* a path produced twice */
    t->files = xgrow(t->files, &t->cap, t->n + 1, sizeof(*t->files));
    t->files[t->n].path = xstrdup(relpath);
    buf_init(&t->files[t->n].data, 0);
    t->open = (long)t->n++;
  } else if (strcmp(t->files[t->open].path, relpath) != 0) {
    t->misuse++; /* files interleaved */
  }
  if (!data) {
    t->misuse += len != 0;
    t->ends++;
    t->open = -1;
    return 0;
  }
  buf_add(&t->files[t->open].data, data, len);
  return 0;
}

void demoref_tree_release(struct demoref_tree *t)
{
  size_t i;

  for (i = 0; i < t->n; i++) {
    free(t->files[i].path);
    buf_release(&t->files[i].data);
  }
  free(t->files);
  memset(t, 0, sizeof(*t));
}

int demoref_is_jsonl(const struct demoref_file *f)
{
  size_t n = strlen(f->path);

  return n > 6 && !strcmp(f->path + n - 6, ".jsonl");
}

int demoref_in_subagents(const struct demoref_file *f)
{
  return strstr(f->path, "/subagents/") != NULL;
}

/* Calls fn on every line (without '\n'; a last line without one too). */
static void each_line(const struct demoref_tree *t,
                      void (*fn)(void *, size_t, const char *, size_t, int),
                      void *ctx)
{
  size_t i;

  for (i = 0; i < t->n; i++) {
    const struct demoref_file *f = &t->files[i];
    const char *p = f->data.data, *end = p + f->data.len;

    if (!demoref_is_jsonl(f))
      continue;
    while (p < end) {
      const char *nl = memchr(p, '\n', (size_t)(end - p));
      size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

      fn(ctx, i, p, n, nl != NULL);
      p += n + (nl != NULL);
    }
  }
}

/* Keys whose "k":null anywhere on a line makes readers skip it. */
static const char null_keys[] =
    "id cwd model speed costUSD version sessionId requestId "
    "isApiErrorMessage cache_read_input_tokens cache_creation_input_tokens";

static char *opt_str(json_t *o, const char *k, int *bad)
{
  json_t *v = json_object_get(o, k);

  if (!v)
    return NULL;
  if (!json_is_string(v) || !json_string_length(v)) {
    *bad = 1;
    return NULL;
  }
  return xstrdup(json_string_value(v));
}

static int get_u64(json_t *o, const char *k, uint64_t *out, int required)
{
  json_t *v = json_object_get(o, k);

  *out = 0;
  if (!v)
    return required ? -1 : 0;
  if (!json_is_integer(v) || json_integer_value(v) < 0)
    return -1;
  *out = (uint64_t)json_integer_value(v);
  return 0;
}

static int version_ok(json_t *root)
{
  json_t *v = json_object_get(root, "version");
  const char *s;
  int i = 0;

  if (!v)
    return 1;
  if (!json_is_string(v))
    return 0;
  s = json_string_value(v);
  while (s[i] >= '0' && s[i] <= '9')
    i++;
  if (!i || s[i++] != '.' || s[i] < '0' || s[i] > '9')
    return 0;
  while (s[i] >= '0' && s[i] <= '9')
    i++;
  return s[i] == '.' && s[i + 1] >= '0' && s[i + 1] <= '9';
}

static void cand_free(struct demoref_cand *c)
{
  free(c->id);
  free(c->req);
  free(c->uuid);
  free(c->sid);
  free(c->model);
}

/* Fills c from the parsed line; returns 0 if it is a usage candidate. */
static int ref_record(json_t *root, struct demoref_cand *c,
                      struct demoref_census *cs)
{
  json_t *rec = root, *msg, *u, *cc, *v;
  const char *ts;
  int bad = 0;

  v = json_object_get(json_object_get(root, "data"), "message");
  if (json_is_object(v) && json_is_object(json_object_get(v, "message"))) {
    rec = v;
    c->nested = 1;
  }
  msg = json_object_get(rec, "message");
  u = json_object_get(msg, "usage");
  ts = json_string_value(json_object_get(rec, "timestamp"));
  if (!json_is_object(msg) || !json_is_object(u) || !ts ||
      civil_parse_ts(ts, strlen(ts), &c->ts) || !version_ok(root) ||
      get_u64(u, "input_tokens", &c->in, 1) ||
      get_u64(u, "output_tokens", &c->out, 1) ||
      get_u64(u, "cache_read_input_tokens", &c->cr, 0))
    return -1;
  cc = json_object_get(u, "cache_creation");
  if (json_is_object(cc)) {
    uint64_t a, b;

    if (get_u64(cc, "ephemeral_5m_input_tokens", &a, 0) ||
        get_u64(cc, "ephemeral_1h_input_tokens", &b, 0))
      return -1;
    c->cc = a + b;
    cs->one_hour += b > 0;
    get_u64(u, "cache_creation_input_tokens", &a, 0);
    cs->zero_obj += c->cc == 0 && a > 0;
  } else if (get_u64(u, "cache_creation_input_tokens", &c->cc, 0)) {
    return -1;
  }
  v = json_object_get(u, "speed");
  if (v &&
      (!json_is_string(v) || (strcmp(json_string_value(v), "fast") != 0 &&
                              strcmp(json_string_value(v), "standard") != 0)))
    return -1;
  c->fast = v && !strcmp(json_string_value(v), "fast");
  c->side = json_is_true(json_object_get(rec, "isSidechain"));
  c->id = opt_str(msg, "id", &bad);
  c->model = opt_str(msg, "model", &bad);
  c->req = opt_str(rec, "requestId", &bad);
  c->sid = opt_str(root, "sessionId", &bad);
  c->uuid = opt_str(rec, "uuid", &bad);
  return bad ? -1 : 0;
}

static void census_extra(struct demoref_census *cs, json_t *root,
                         const struct demoref_cand *c)
{
  json_t *msg = json_object_get(
      c->nested ? json_object_get(json_object_get(root, "data"), "message")
                : root,
      "message");
  json_t *content = json_array_get(json_object_get(msg, "content"), 0);
  const char *text = json_string_value(json_object_get(content, "text"));

  cs->nested += c->nested;
  cs->fast += c->fast;
  cs->long_ctx += c->in + c->cc + c->cr > 200000;
  cs->cost_usd += json_is_number(json_object_get(root, "costUSD"));
  cs->unpriced += c->model && !strcmp(c->model, "claude-experimental-9");
  cs->synthetic += c->model && !strcmp(c->model, "<synthetic>");
  cs->limit_msg += text && strstr(text, "usage limit reached|") != NULL;
  cs->no_req += c->id && !c->req;
  cs->no_id += !c->id;
}

static void ref_line(void *ctx, size_t fi, const char *p, size_t n, int nl)
{
  struct demoref_census *cs = ctx;
  struct demoref_cand c;
  json_error_t jerr;
  json_t *root;
  char pat[64];
  size_t i, k;

  cs->lines++;
  cs->longest = n > cs->longest ? n : cs->longest;
  cs->usage_lines += memmem(p, n, "\"usage\":{", 9) != NULL;
  for (i = 0; i < n && strchr(" \t\r", p[i]); i++)
    ;
  if (i == n) {
    cs->blank++;
    return;
  }
  cs->crlf += p[n - 1] == '\r';
  root = json_loadb(p, n, 0, &jerr);
  if (!root) {
    cs->bad_json++;
    cs->bad_utf8 += strstr(jerr.text, "unable to decode byte") != NULL;
    cs->no_nl_cut += !nl;
    return;
  }
  cs->no_nl_ok += !nl;
  cs->spaced += memmem(p, n, "\"usage\": {", 10) != NULL;
  cs->req_null += memmem(p, n, "\"requestId\":null", 16) != NULL;
  if (!memmem(p, n, "\"usage\":{", 9))
    goto out;
  for (k = 0; k < sizeof(null_keys) - 1; k += strcspn(null_keys + k, " ") + 1) {
    int m = snprintf(pat, sizeof(pat), "\"%.*s\":null",
                     (int)strcspn(null_keys + k, " "), null_keys + k);

    if (memmem(p, n, pat, (size_t)m))
      goto out;
  }
  memset(&c, 0, sizeof(c));
  c.file = fi;
  if (ref_record(root, &c, cs)) {
    cs->tur_usage += json_is_object(
        json_object_get(json_object_get(root, "toolUseResult"), "usage"));
    cand_free(&c);
    goto out;
  }
  census_extra(cs, root, &c);
  cs->c = xgrow(cs->c, &cs->cap, cs->n + 1, sizeof(*cs->c));
  cs->c[cs->n++] = c;
out:
  json_decref(root);
}

void demoref_census_scan(struct demoref_census *cs,
                         const struct demoref_tree *t)
{
  memset(cs, 0, sizeof(*cs));
  each_line(t, ref_line, cs);
}

int demoref_str_cmp(const char *a, const char *b)
{
  if (!a || !b)
    return !a - !b; /* absent sorts last */
  return strcmp(a, b);
}

static int cmp_by_id(const void *a, const void *b)
{
  return demoref_str_cmp(((const struct demoref_cand *)a)->id,
                         ((const struct demoref_cand *)b)->id);
}

struct keyed {
  char *key;
  const struct demoref_cand *c;
};

static int cmp_keyed(const void *a, const void *b)
{
  return strcmp(((const struct keyed *)a)->key, ((const struct keyed *)b)->key);
}

uint64_t demoref_cand_total(const struct demoref_cand *c)
{
  return c->in + c->out + c->cc + c->cr;
}

/* Section 3.5 rule 4: largest total, earliest, smallest session, uuid. */
static int better(const struct demoref_cand *a, const struct demoref_cand *b)
{
  int r;

  if (demoref_cand_total(a) != demoref_cand_total(b))
    return demoref_cand_total(a) > demoref_cand_total(b);
  if (a->ts != b->ts)
    return a->ts < b->ts;
  r = demoref_str_cmp(a->sid, b->sid);
  if (r)
    return r < 0;
  return demoref_str_cmp(a->uuid, b->uuid) < 0;
}

static int model_key(const struct demoref_cand *c)
{
  char name[128];
  int i;

  if (!c->model)
    return -1;
  snprintf(name, sizeof(name), "%s%s", c->model, c->fast ? "-fast" : "");
  for (i = 0; i < DEMO_MODEL_KEYS; i++)
    if (!strcmp(name, demo_model_keys[i]))
      return i;
  fail_msg("unexpected model '%s'", name);
  return -1;
}

static void counts_add(struct demo_counts *s, const struct demoref_cand *c)
{
  s->calls++;
  s->input += c->in;
  s->output += c->out;
  s->cache_creation += c->cc;
  s->cache_read += c->cr;
}

static void winners_add(struct demo_truth *t, const struct demoref_cand **w,
                        size_t n)
{
  int64_t lo = INT64_MAX, hi = INT64_MIN, d;
  size_t i;
  int m;

  for (i = 0; i < n; i++) {
    d = civil_floor_div(w[i]->ts, 86400000);
    lo = d < lo ? d : lo;
    hi = d > hi ? d : hi;
  }
  if (!n)
    return;
  t->first_day = lo;
  t->ndays = (size_t)(hi - lo + 1);
  t->days = xcalloc(t->ndays, sizeof(*t->days));
  for (i = 0; i < n; i++) {
    counts_add(&t->days[civil_floor_div(w[i]->ts, 86400000) - lo], w[i]);
    counts_add(&t->total, w[i]);
    m = model_key(w[i]);
    if (m >= 0)
      counts_add(&t->models[m], w[i]);
  }
}

void demoref_count(struct demoref_census *cs, struct demo_truth *out)
{
  struct keyed *k = xcalloc(cs->n + 1, sizeof(*k));
  const struct demoref_cand **w =
      xcalloc(cs->n + 1, sizeof(const struct demoref_cand *));
  size_t i, j, nk = 0, nw = 0;

  if (cs->n)
    qsort(cs->c, cs->n, sizeof(*cs->c), cmp_by_id);
  for (i = 0; i < cs->n && cs->c[i].id; i = j) {
    int any_main = 0;

    for (j = i; j < cs->n && !demoref_str_cmp(cs->c[i].id, cs->c[j].id); j++)
      any_main |= !cs->c[j].side;
    for (; any_main && i < j; i++)
      cs->c[i].dropped = cs->c[i].side;
  }
  for (i = 0; i < cs->n; i++) {
    const struct demoref_cand *c = &cs->c[i];
    struct buf b = BUF_INIT;

    if (c->dropped)
      continue;
    if (c->id)
      buf_addf(&b, "I%s\x1f%s", c->id, c->req ? c->req : "\x1e");
    else if (c->uuid)
      buf_addf(&b, "U%s", c->uuid);
    else
      buf_addf(&b, "N%zu", i);
    k[nk].key = buf_detach(&b, NULL);
    k[nk++].c = c;
  }
  qsort(k, nk, sizeof(*k), cmp_keyed);
  for (i = 0; i < nk; i = j) {
    const struct demoref_cand *best = k[i].c;

    for (j = i + 1; j < nk && !strcmp(k[i].key, k[j].key); j++)
      if (better(k[j].c, best))
        best = k[j].c;
    w[nw++] = best;
  }
  demo_truth_init(out);
  winners_add(out, w, nw);
  for (i = 0; i < nk; i++)
    free(k[i].key);
  free(k);
  free(w);
}

void demoref_census_release(struct demoref_census *cs)
{
  size_t i;

  for (i = 0; i < cs->n; i++)
    cand_free(&cs->c[i]);
  free(cs->c);
  memset(cs, 0, sizeof(*cs));
}
