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

#include "demo/demo.h"
#include "demo_ref.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/banned.h"

static void gen(const struct demo_opts *o, struct demoref_tree *t,
                struct demo_truth *truth, struct demo_stats *st)
{
  demoref_tree_init(t);
  assert_int_equal(demo_generate(o, demoref_capture, t, truth, st, NULL), 0);
  assert_int_equal(t->misuse, 0);
  assert_int_equal(t->open, -1);
  assert_int_equal(t->ends, t->n);
}

static int trees_equal(const struct demoref_tree *a,
                       const struct demoref_tree *b)
{
  size_t i;

  if (a->n != b->n)
    return 0;
  for (i = 0; i < a->n; i++)
    if (strcmp(a->files[i].path, b->files[i].path) != 0 ||
        a->files[i].data.len != b->files[i].data.len ||
        memcmp(a->files[i].data.data, b->files[i].data.data,
               a->files[i].data.len) != 0)
      return 0;
  return 1;
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
static void check_corpus(const struct demo_opts *o, struct demoref_census *cs,
                         struct demoref_tree *t, struct demo_stats *st)
{
  struct demo_truth truth, ref;

  demo_truth_init(&truth);
  gen(o, t, &truth, st);
  demoref_census_scan(cs, t);
  assert_int_equal(cs->usage_lines, st->usage_lines);
  assert_int_equal(cs->lines, st->lines);
  demoref_count(cs, &ref);
  assert_true(truth.total.calls > 100);
  assert_truth_equal(&truth, &ref);
  demo_truth_release(&truth);
  demo_truth_release(&ref);
}

static size_t main_files(const struct demoref_tree *t)
{
  size_t i, n = 0;

  for (i = 0; i < t->n; i++)
    n += demoref_is_jsonl(&t->files[i]) && !demoref_in_subagents(&t->files[i]);
  return n;
}

static void test_same_seed_same_bytes(void **state)
{
  struct demo_opts o;
  struct demoref_tree a, b, c;
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
  demoref_tree_release(&a);
  demoref_tree_release(&b);
  demoref_tree_release(&c);
}

static void test_size_target(void **state)
{
  const uint64_t mib = 1u << 20;
  struct demo_opts o;
  struct demoref_tree t;
  struct demo_stats st;

  (void)state;
  demo_opts_init(&o);
  o.size_bytes = 3 * mib;
  gen(&o, &t, NULL, &st);
  assert_true(st.bytes >= 3 * mib);
  assert_true(st.bytes <= 3 * mib + 3 * mib / 10);
  demoref_tree_release(&t);
  o.size_bytes = 6 * mib;
  o.sessions = 10;
  o.sessions_set = 1;
  gen(&o, &t, NULL, &st);
  assert_true(st.bytes >= 6 * mib);
  assert_true(st.bytes <= 6 * mib + 6 * mib / 10);
  assert_true(st.sessions >= 10);
  assert_int_equal(main_files(&t), st.sessions);
  demoref_tree_release(&t);
}

static void test_lines_are_json(void **state)
{
  struct demo_opts o;
  struct demoref_census cs;
  struct demoref_tree t;
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

    if (demoref_is_jsonl(&t.files[i]))
      continue;
    j = json_loadb(t.files[i].data.data, t.files[i].data.len, 0, &jerr);
    assert_non_null(j);
    json_decref(j);
  }
  demoref_census_release(&cs);
  demoref_tree_release(&t);
}

static void test_truth_matches_reference(void **state)
{
  struct demo_opts o;
  struct demoref_census cs;
  struct demoref_tree t;
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
    demoref_census_release(&cs);
    demoref_tree_release(&t);
  }
}

/* Parity: every usage line has message.id and requestId, and copies of a
 * call with equal totals share the timestamp. */
static void assert_parity_shape(const struct demoref_census *cs)
{
  size_t i, j;

  for (i = 0; i < cs->n; i++) {
    const struct demoref_cand *a = &cs->c[i];

    assert_non_null(a->id);
    assert_non_null(a->req);
    for (j = i + 1; j < cs->n && !demoref_str_cmp(a->id, cs->c[j].id); j++) {
      const struct demoref_cand *b = &cs->c[j];

      if (!demoref_str_cmp(a->req, b->req) &&
          demoref_cand_total(a) == demoref_cand_total(b))
        assert_int_equal(a->ts, b->ts);
    }
  }
}

static void test_parity_matches_reference(void **state)
{
  struct demo_opts o;
  struct demoref_census cs;
  struct demoref_tree t;
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
  demoref_census_release(&cs);
  demoref_tree_release(&t);
}

struct shapes {
  int orphan, btw, resumed, ident, grow;
};

/* Looks at the copies of each message id (cs->c is sorted by id). */
static void find_shapes(const struct demoref_census *cs,
                        const struct demoref_tree *t, struct shapes *sh)
{
  size_t i, j, a, b;

  memset(sh, 0, sizeof(*sh));
  for (i = 0; i < cs->n && cs->c[i].id; i = j) {
    int in_sub = 0, nested = 0;

    for (j = i; j < cs->n && !demoref_str_cmp(cs->c[i].id, cs->c[j].id); j++) {
      in_sub |=
          demoref_in_subagents(&t->files[cs->c[j].file]) && !cs->c[j].nested;
      nested |= cs->c[j].nested;
    }
    sh->orphan += nested && !in_sub;
    for (a = i; a < j; a++)
      for (b = a + 1; b < j; b++) {
        const struct demoref_cand *x = &cs->c[a], *y = &cs->c[b];
        int same_req = !demoref_str_cmp(x->req, y->req);

        sh->btw += x->side != y->side && !same_req && !x->nested && !y->nested;
        sh->resumed += same_req && x->file != y->file && !x->side && !y->side &&
                       !x->nested && !y->nested;
        sh->ident += same_req && x->file == y->file &&
                     demoref_cand_total(x) == demoref_cand_total(y);
        sh->grow += same_req && x->file == y->file &&
                    demoref_cand_total(x) != demoref_cand_total(y);
      }
  }
}

static void test_edge_cases_present(void **state)
{
  struct demo_opts o;
  struct demoref_census cs;
  struct demoref_tree t;
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
    sub += demoref_in_subagents(&t.files[i]) && demoref_is_jsonl(&t.files[i]);
    meta += strstr(t.files[i].path, ".meta.json") != NULL;
    nested_proj += strstr(t.files[i].path,
                          "-home-demo-work-acme-api-services-billing") != NULL;
  }
  assert_true(sub >= 5);
  assert_true(meta >= 3);
  assert_true(nested_proj >= 1);
  demoref_census_release(&cs);
  demoref_tree_release(&t);
}

static void test_truth_json(void **state)
{
  struct demo_opts o;
  struct demo_truth truth;
  struct demoref_tree t;
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
  demoref_tree_release(&t);
}

static void test_bad_options(void **state)
{
  struct demo_opts o;
  struct err e = ERR_INIT;

  (void)state;
  demo_opts_init(&o);
  o.days = 0;
  assert_int_equal(demo_generate(&o, demoref_capture, NULL, NULL, NULL, &e),
                   ERR_USAGE);
  assert_non_null(strstr(e.msg, "days"));
  demo_opts_init(&o);
  o.sessions = 0;
  assert_int_equal(demo_generate(&o, demoref_capture, NULL, NULL, NULL, &e),
                   ERR_USAGE);
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
