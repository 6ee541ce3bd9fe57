/* Tests for src/demo: determinism, size, JSON lines and the oracle. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "demo/demo.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/xalloc.h"

/* ---- capture: an in-memory file tree fed by demo_write_cb ---- */

struct file {
  char *path;
  struct buf data;
};

struct tree {
  struct file *files;
  size_t n, cap;
  long open;     /* index of the file being written, -1 between files */
  int misuse;    /* contract violations seen by the callback */
  uint64_t ends; /* end-of-file calls */
};

static int capture(void *ctx, const char *relpath, const char *data, size_t len)
{
  struct tree *t = ctx;
  size_t i;

  if (t->open < 0) {
    for (i = 0; i < t->n; i++)
      if (!strcmp(t->files[i].path, relpath))
        t->misuse++; /* a path produced twice */
    t->files = xgrow(t->files, &t->cap, t->n + 1, sizeof(*t->files));
    t->files[t->n].path = xstrdup(relpath);
    buf_init(&t->files[t->n].data, 0);
    t->open = (long)t->n++;
  } else if (strcmp(t->files[t->open].path, relpath)) {
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

static void tree_release(struct tree *t)
{
  size_t i;

  for (i = 0; i < t->n; i++) {
    free(t->files[i].path);
    buf_release(&t->files[i].data);
  }
  free(t->files);
  memset(t, 0, sizeof(*t));
}

static void gen(const struct demo_opts *o, struct tree *t,
                struct demo_truth *truth, struct demo_stats *st)
{
  memset(t, 0, sizeof(*t));
  t->open = -1;
  assert_int_equal(demo_generate(o, capture, t, truth, st, NULL), 0);
  assert_int_equal(t->misuse, 0);
  assert_int_equal(t->open, -1);
  assert_int_equal(t->ends, t->n);
}

static int trees_equal(const struct tree *a, const struct tree *b)
{
  size_t i;

  if (a->n != b->n)
    return 0;
  for (i = 0; i < a->n; i++)
    if (strcmp(a->files[i].path, b->files[i].path) ||
        a->files[i].data.len != b->files[i].data.len ||
        memcmp(a->files[i].data.data, b->files[i].data.data,
               a->files[i].data.len))
      return 0;
  return 1;
}

static int is_jsonl(const struct file *f)
{
  size_t n = strlen(f->path);

  return n > 6 && !strcmp(f->path + n - 6, ".jsonl");
}

static int in_subagents(const struct file *f)
{
  return strstr(f->path, "/subagents/") != NULL;
}

/* Calls fn on every line (without '\n'; a last line without one too). */
static void each_line(const struct tree *t,
                      void (*fn)(void *, const struct file *, size_t,
                                 const char *, size_t, int),
                      void *ctx)
{
  size_t i;

  for (i = 0; i < t->n; i++) {
    const struct file *f = &t->files[i];
    const char *p = f->data.data, *end = p + f->data.len;

    if (!is_jsonl(f))
      continue;
    while (p < end) {
      const char *nl = memchr(p, '\n', (size_t)(end - p));
      size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

      fn(ctx, f, i, p, n, nl != NULL);
      p += n + (nl != NULL);
    }
  }
}

/* ---- reference: transcript-format.md 3.2 and 3.5 with jansson ---- */

struct cand {
  char *id, *req, *uuid, *sid, *model; /* NULL = absent */
  int64_t ts;
  uint64_t in, out, cc, cr;
  int side, fast, nested, dropped;
  size_t file;
};

struct census {
  struct cand *c;
  size_t n, cap;
  /* what the corpus contains */
  int blank, no_nl_ok, no_nl_cut, bad_json, bad_utf8, crlf, req_null;
  int spaced, nested, fast, one_hour, long_ctx, cost_usd, unpriced;
  int limit_msg, synthetic, zero_obj, no_req, no_id, tur_usage;
  uint64_t usage_lines, lines;
  size_t longest;
};

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

static void cand_free(struct cand *c)
{
  free(c->id);
  free(c->req);
  free(c->uuid);
  free(c->sid);
  free(c->model);
}

/* Fills c from the parsed line; returns 0 if it is a usage candidate. */
static int ref_record(json_t *root, struct cand *c, struct census *cs)
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
  if (v && (!json_is_string(v) || (strcmp(json_string_value(v), "fast") &&
                                   strcmp(json_string_value(v), "standard"))))
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

static void census_extra(struct census *cs, json_t *root, const struct cand *c)
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

static void ref_line(void *ctx, const struct file *f, size_t fi, const char *p,
                     size_t n, int nl)
{
  struct census *cs = ctx;
  struct cand c;
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
  (void)f;
}

static int str_cmp(const char *a, const char *b)
{
  if (!a || !b)
    return !a - !b; /* absent sorts last */
  return strcmp(a, b);
}

static int cmp_by_id(const void *a, const void *b)
{
  return str_cmp(((const struct cand *)a)->id, ((const struct cand *)b)->id);
}

struct keyed {
  char *key;
  const struct cand *c;
};

static int cmp_keyed(const void *a, const void *b)
{
  return strcmp(((const struct keyed *)a)->key, ((const struct keyed *)b)->key);
}

static uint64_t cand_total(const struct cand *c)
{
  return c->in + c->out + c->cc + c->cr;
}

/* Section 3.5 rule 4: largest total, earliest, smallest session, uuid. */
static int better(const struct cand *a, const struct cand *b)
{
  int r;

  if (cand_total(a) != cand_total(b))
    return cand_total(a) > cand_total(b);
  if (a->ts != b->ts)
    return a->ts < b->ts;
  r = str_cmp(a->sid, b->sid);
  if (r)
    return r < 0;
  return str_cmp(a->uuid, b->uuid) < 0;
}

static int model_key(const struct cand *c)
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

static void counts_add(struct demo_counts *s, const struct cand *c)
{
  s->calls++;
  s->input += c->in;
  s->output += c->out;
  s->cache_creation += c->cc;
  s->cache_read += c->cr;
}

static void winners_add(struct demo_truth *t, const struct cand **w, size_t n)
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

/* The reference oracle over the candidates (section 3.5). */
static void ref_count(struct census *cs, struct demo_truth *out)
{
  struct keyed *k = xcalloc(cs->n + 1, sizeof(*k));
  const struct cand **w = xcalloc(cs->n + 1, sizeof(*w));
  size_t i, j, nk = 0, nw = 0;

  if (cs->n)
    qsort(cs->c, cs->n, sizeof(*cs->c), cmp_by_id);
  for (i = 0; i < cs->n && cs->c[i].id; i = j) {
    int any_main = 0;

    for (j = i; j < cs->n && !str_cmp(cs->c[i].id, cs->c[j].id); j++)
      any_main |= !cs->c[j].side;
    for (; any_main && i < j; i++)
      cs->c[i].dropped = cs->c[i].side;
  }
  for (i = 0; i < cs->n; i++) {
    const struct cand *c = &cs->c[i];
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
    const struct cand *best = k[i].c;

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

static void census_release(struct census *cs)
{
  size_t i;

  for (i = 0; i < cs->n; i++)
    cand_free(&cs->c[i]);
  free(cs->c);
  memset(cs, 0, sizeof(*cs));
}

static void assert_counts_equal(const struct demo_counts *a,
                                const struct demo_counts *b)
{
  assert_int_equal(a->calls, b->calls);
  assert_int_equal(a->input, b->input);
  assert_int_equal(a->output, b->output);
  assert_int_equal(a->cache_creation, b->cache_creation);
  assert_int_equal(a->cache_read, b->cache_read);
}

static const struct demo_counts *day_of(const struct demo_truth *t, int64_t day)
{
  static const struct demo_counts zero;

  if (day < t->first_day || day >= t->first_day + (int64_t)t->ndays)
    return &zero;
  return &t->days[day - t->first_day];
}

static void assert_truth_equal(const struct demo_truth *a,
                               const struct demo_truth *b)
{
  int64_t lo = a->first_day < b->first_day ? a->first_day : b->first_day;
  int64_t hi = a->first_day + (int64_t)a->ndays, d;
  int i;

  if (b->first_day + (int64_t)b->ndays > hi)
    hi = b->first_day + (int64_t)b->ndays;
  assert_counts_equal(&a->total, &b->total);
  for (i = 0; i < DEMO_MODEL_KEYS; i++)
    assert_counts_equal(&a->models[i], &b->models[i]);
  for (d = lo; d < hi; d++)
    assert_counts_equal(day_of(a, d), day_of(b, d));
}

/* Generates, re-counts with the reference and compares with the truth. */
static void check_corpus(const struct demo_opts *o, struct census *cs,
                         struct tree *t, struct demo_stats *st)
{
  struct demo_truth truth, ref;

  demo_truth_init(&truth);
  gen(o, t, &truth, st);
  memset(cs, 0, sizeof(*cs));
  each_line(t, ref_line, cs);
  assert_int_equal(cs->usage_lines, st->usage_lines);
  assert_int_equal(cs->lines, st->lines);
  ref_count(cs, &ref);
  assert_true(truth.total.calls > 100);
  assert_truth_equal(&truth, &ref);
  demo_truth_release(&truth);
  demo_truth_release(&ref);
}

static size_t main_files(const struct tree *t)
{
  size_t i, n = 0;

  for (i = 0; i < t->n; i++)
    n += is_jsonl(&t->files[i]) && !in_subagents(&t->files[i]);
  return n;
}

static void test_same_seed_same_bytes(void **state)
{
  struct demo_opts o;
  struct tree a, b, c;
  struct demo_stats sa, sb, sc;
  uint64_t bytes = 0;
  size_t i;

  (void)state;
  demo_opts_init(&o);
  o.seed = 5;
  o.sessions = 12;
  gen(&o, &a, NULL, &sa);
  gen(&o, &b, NULL, &sb);
  assert_true(trees_equal(&a, &b));
  for (i = 0; i < a.n; i++)
    bytes += a.files[i].data.len;
  assert_int_equal(bytes, sa.bytes);
  assert_int_equal(a.n, sa.files);
  assert_int_equal(main_files(&a), 12);
  assert_int_equal(sa.sessions, 12);
  o.seed = 6;
  gen(&o, &c, NULL, &sc);
  assert_false(trees_equal(&a, &c));
  assert_int_equal(main_files(&c), 12);
  tree_release(&a);
  tree_release(&b);
  tree_release(&c);
}

static void test_size_target(void **state)
{
  const uint64_t mib = 1u << 20;
  struct demo_opts o;
  struct tree t;
  struct demo_stats st;

  (void)state;
  demo_opts_init(&o);
  o.size_bytes = 3 * mib;
  gen(&o, &t, NULL, &st);
  assert_true(st.bytes >= 3 * mib);
  assert_true(st.bytes <= 3 * mib + 3 * mib / 10);
  tree_release(&t);
  o.size_bytes = 6 * mib;
  o.sessions = 10;
  o.sessions_set = 1;
  gen(&o, &t, NULL, &st);
  assert_true(st.bytes >= 6 * mib);
  assert_true(st.bytes <= 6 * mib + 6 * mib / 10);
  assert_true(st.sessions >= 10);
  assert_int_equal(main_files(&t), st.sessions);
  tree_release(&t);
}

static void test_lines_are_json(void **state)
{
  struct demo_opts o;
  struct census cs;
  struct tree t;
  struct demo_stats st;
  size_t i;

  (void)state;
  demo_opts_init(&o);
  check_corpus(&o, &cs, &t, &st);
  /* Only the deliberate ones: bad UTF-8, one cut line, the cut last line. */
  assert_int_equal(cs.bad_json, 3);
  assert_int_equal(cs.bad_utf8, 1);
  assert_int_equal(cs.no_nl_cut, 1);
  assert_int_equal(cs.no_nl_ok, 1);
  for (i = 0; i < t.n; i++) {
    json_error_t jerr;
    json_t *j;

    if (is_jsonl(&t.files[i]))
      continue;
    j = json_loadb(t.files[i].data.data, t.files[i].data.len, 0, &jerr);
    assert_non_null(j);
    json_decref(j);
  }
  census_release(&cs);
  tree_release(&t);
}

static void test_truth_matches_reference(void **state)
{
  struct demo_opts o;
  struct census cs;
  struct tree t;
  struct demo_stats st;
  uint64_t seed;

  (void)state;
  demo_opts_init(&o);
  for (seed = 1; seed <= 3; seed++) {
    o.seed = seed;
    o.sessions = 20 + (unsigned)seed * 4;
    check_corpus(&o, &cs, &t, &st);
    assert_true(cs.no_req > 0);
    assert_true(cs.no_id > 0);
    census_release(&cs);
    tree_release(&t);
  }
}

/* Parity: every usage line has message.id and requestId, and copies of a
 * call with equal totals share the timestamp. */
static void assert_parity_shape(const struct census *cs)
{
  size_t i, j;

  for (i = 0; i < cs->n; i++) {
    const struct cand *a = &cs->c[i];

    assert_non_null(a->id);
    assert_non_null(a->req);
    for (j = i + 1; j < cs->n && !str_cmp(a->id, cs->c[j].id); j++) {
      const struct cand *b = &cs->c[j];

      if (!str_cmp(a->req, b->req) && cand_total(a) == cand_total(b))
        assert_int_equal(a->ts, b->ts);
    }
  }
}

static void test_parity_matches_reference(void **state)
{
  struct demo_opts o;
  struct census cs;
  struct tree t;
  struct demo_stats st;

  (void)state;
  demo_opts_init(&o);
  o.parity = 1;
  o.seed = 3;
  o.sessions = 30;
  check_corpus(&o, &cs, &t, &st);
  assert_int_equal(cs.no_req, 0);
  assert_int_equal(cs.no_id, 0);
  assert_parity_shape(&cs);
  assert_true(cs.nested > 0);
  /* Sessions 0 and 24 carry the deliberate bad lines. */
  assert_int_equal(cs.bad_json, 6);
  census_release(&cs);
  tree_release(&t);
}

struct shapes {
  int orphan, btw, resumed, ident, grow;
};

/* Looks at the copies of each message id (cs->c is sorted by id). */
static void find_shapes(const struct census *cs, const struct tree *t,
                        struct shapes *sh)
{
  size_t i, j, a, b;

  memset(sh, 0, sizeof(*sh));
  for (i = 0; i < cs->n && cs->c[i].id; i = j) {
    int in_sub = 0, nested = 0;

    for (j = i; j < cs->n && !str_cmp(cs->c[i].id, cs->c[j].id); j++) {
      in_sub |= in_subagents(&t->files[cs->c[j].file]) && !cs->c[j].nested;
      nested |= cs->c[j].nested;
    }
    sh->orphan += nested && !in_sub;
    for (a = i; a < j; a++)
      for (b = a + 1; b < j; b++) {
        const struct cand *x = &cs->c[a], *y = &cs->c[b];
        int same_req = !str_cmp(x->req, y->req);

        sh->btw += x->side != y->side && !same_req && !x->nested && !y->nested;
        sh->resumed += same_req && x->file != y->file && !x->side && !y->side &&
                       !x->nested && !y->nested;
        sh->ident +=
            same_req && x->file == y->file && cand_total(x) == cand_total(y);
        sh->grow +=
            same_req && x->file == y->file && cand_total(x) != cand_total(y);
      }
  }
}

static void test_edge_cases_present(void **state)
{
  struct demo_opts o;
  struct census cs;
  struct tree t;
  struct demo_stats st;
  struct shapes sh;
  size_t i, sub = 0, meta = 0, nested_proj = 0;

  (void)state;
  demo_opts_init(&o);
  check_corpus(&o, &cs, &t, &st);
  assert_true(cs.blank >= 2);
  assert_true(cs.crlf >= 1);
  assert_int_equal(cs.req_null, 1);
  assert_int_equal(cs.spaced, 1);
  assert_true(cs.nested > 0 && cs.fast > 0 && cs.one_hour > 0);
  assert_true(cs.long_ctx > 0 && cs.cost_usd > 0 && cs.unpriced > 0);
  assert_true(cs.synthetic >= 2);
  assert_int_equal(cs.limit_msg, 1);
  assert_true(cs.zero_obj > 0 && cs.tur_usage > 0);
  assert_true(cs.longest > (2u << 20)); /* the screenshot */
  find_shapes(&cs, &t, &sh);
  assert_true(sh.orphan > 0);
  assert_true(sh.btw > 0);
  assert_true(sh.resumed > 0);
  assert_true(sh.ident > 0 && sh.grow > 0);
  for (i = 0; i < t.n; i++) {
    sub += in_subagents(&t.files[i]) && is_jsonl(&t.files[i]);
    meta += strstr(t.files[i].path, ".meta.json") != NULL;
    nested_proj += strstr(t.files[i].path,
                          "-home-demo-work-acme-api-services-billing") != NULL;
  }
  assert_true(sub >= 5);
  assert_true(meta >= 3);
  assert_true(nested_proj >= 1);
  census_release(&cs);
  tree_release(&t);
}

static void test_truth_json(void **state)
{
  struct demo_opts o;
  struct demo_truth truth;
  struct tree t;
  struct demo_stats st;
  struct buf out = BUF_INIT;
  json_error_t jerr;
  json_t *root, *daily, *models;
  char *again;
  uint64_t calls = 0;
  size_t i;
  int m;

  (void)state;
  demo_opts_init(&o);
  o.sessions = 16;
  demo_truth_init(&truth);
  gen(&o, &t, &truth, &st);
  demo_truth_json(&truth, &out);
  root = json_loadb(out.data, out.len, 0, &jerr);
  assert_non_null(root);
  /* Pretty-printed with sorted keys: re-dumping changes nothing. */
  again = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS);
  assert_int_equal(strlen(again) + 1, out.len);
  assert_memory_equal(again, out.data, out.len - 1);
  free(again);
  daily = json_object_get(root, "daily");
  models = json_object_get(root, "models");
  for (i = 0; i < json_array_size(daily); i++) {
    json_t *d = json_array_get(daily, i);

    calls += (uint64_t)json_integer_value(json_object_get(d, "calls"));
    if (i)
      assert_true(strcmp(json_string_value(json_object_get(
                             json_array_get(daily, i - 1), "date")),
                         json_string_value(json_object_get(d, "date"))) < 0);
  }
  assert_int_equal(calls, truth.total.calls);
  assert_int_equal(json_integer_value(json_object_get(
                       json_object_get(root, "totals"), "totalTokens")),
                   demo_counts_total(&truth.total));
  for (m = 1, i = 0; m < DEMO_MODEL_KEYS; m++)
    i += truth.models[m].calls > 0;
  assert_int_equal(json_array_size(models), i);
  assert_true(i >= 7);
  json_decref(root);
  buf_release(&out);
  demo_truth_release(&truth);
  tree_release(&t);
}

static void test_bad_options(void **state)
{
  struct demo_opts o;
  struct err e = ERR_INIT;

  (void)state;
  demo_opts_init(&o);
  o.days = 0;
  assert_int_equal(demo_generate(&o, capture, NULL, NULL, NULL, &e), ERR_USAGE);
  assert_non_null(strstr(e.msg, "days"));
  demo_opts_init(&o);
  o.sessions = 0;
  assert_int_equal(demo_generate(&o, capture, NULL, NULL, NULL, &e), ERR_USAGE);
}

static int stop_after_first(void *ctx, const char *relpath, const char *data,
                            size_t len)
{
  int *calls = ctx;

  (void)relpath;
  (void)data;
  (void)len;
  return ++*calls == 3 ? 42 : 0;
}

static void test_callback_error_stops(void **state)
{
  struct demo_opts o;
  int calls = 0;

  (void)state;
  demo_opts_init(&o);
  assert_int_equal(
      demo_generate(&o, stop_after_first, &calls, NULL, NULL, NULL), 42);
  assert_int_equal(calls, 3);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_same_seed_same_bytes),
      cmocka_unit_test(test_size_target),
      cmocka_unit_test(test_lines_are_json),
      cmocka_unit_test(test_truth_matches_reference),
      cmocka_unit_test(test_parity_matches_reference),
      cmocka_unit_test(test_edge_cases_present),
      cmocka_unit_test(test_truth_json),
      cmocka_unit_test(test_bad_options),
      cmocka_unit_test(test_callback_error_stops),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
