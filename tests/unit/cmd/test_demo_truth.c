/* Golden end-to-end test on demo corpora: the binary's reports must equal
 * the truth the generator computed from the calls it wrote. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "runbin.h"

static char dir[] = "/tmp/tokmeter-demo-truth-XXXXXX";

static const char *const fields[] = {"inputTokens",         "outputTokens",
                                     "cacheCreationTokens", "cacheReadTokens",
                                     "totalTokens",         "calls"};

/* Writes a corpus and checks daily (UTC) against its truth, field by
 * field, day by day, and every other report against the daily totals. */
static void check_corpus(const char *demo_args)
{
  static const char *const cmds[] = {"weekly", "monthly", "session", "projects",
                                     "models"};
  static const char *const arrays[] = {"weekly", "monthly", "sessions",
                                       "projects", "models"};
  json_t *truth, *daily, *td, *od;
  size_t i, k;

  /* Each corpus replaces the last one in the same directory: a fresh
   * index, or the calls of the replaced files would be kept. */
  runbin_sh("rm -rf '%s/c' '%s/cache' && '%s' demo --out '%s/c' %s --truth "
            "'%s/truth.json' 2>/dev/null",
            dir, dir, getenv("TOKMETER_BIN"), dir, demo_args, dir);
  truth = runbin_json("--version >/dev/null; cat '%s/truth.json'", dir);
  daily = runbin_json("daily --json -z UTC --claude-dir '%s/c'", dir);
  td = json_object_get(truth, "daily");
  od = json_object_get(daily, "daily");
  assert_true(json_array_size(td) >= 5);
  assert_int_equal(json_array_size(od), json_array_size(td));
  for (i = 0; i < json_array_size(td); i++) {
    json_t *t = json_array_get(td, i), *o = json_array_get(od, i);

    assert_string_equal(json_string_value(json_object_get(o, "date")),
                        json_string_value(json_object_get(t, "date")));
    for (k = 0; k < sizeof(fields) / sizeof(fields[0]); k++)
      assert_int_equal(runbin_int(o, fields[k]), runbin_int(t, fields[k]));
  }
  for (k = 0; k < sizeof(fields) / sizeof(fields[0]); k++)
    assert_int_equal(runbin_int(json_object_get(daily, "totals"), fields[k]),
                     runbin_int(json_object_get(truth, "totals"), fields[k]));
  for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
    json_t *r =
        runbin_json("%s --json -z UTC --claude-dir '%s/c'", cmds[i], dir);
    json_t *rows = json_object_get(r, arrays[i]);
    long long tokens = 0;
    double cost = 0;

    for (k = 0; k < json_array_size(rows); k++) {
      tokens += runbin_int(json_array_get(rows, k), "totalTokens");
      cost += runbin_num(json_array_get(rows, k), "totalCost");
    }
    assert_int_equal(
        tokens, runbin_int(json_object_get(daily, "totals"), "totalTokens"));
    assert_true(fabs(cost - runbin_num(json_object_get(daily, "totals"),
                                       "totalCost")) < 1e-6);
    json_decref(r);
  }
  json_decref(truth);
  json_decref(daily);
}

static void test_default_corpus(void **state)
{
  (void)state;
  check_corpus("--seed 1");
}

static void test_other_seeds(void **state)
{
  (void)state;
  check_corpus("--seed 7 --sessions 30 --days 20");
  check_corpus("--seed 99 --sessions 16 --days 45 --end 2026-03-31");
}

static void test_parity_corpus(void **state)
{
  (void)state;
  check_corpus("--seed 3 --parity");
}

/* Reading with many small units and one thread gives the same answer. */
static void test_threads_and_zones(void **state)
{
  json_t *a, *b;

  (void)state;
  check_corpus("--seed 5");
  a = runbin_json("monthly --json -z Pacific/Kiritimati --claude-dir "
                  "'%s/c'",
                  dir);
  b = runbin_json("monthly --json -z Pacific/Kiritimati --threads 1 "
                  "--claude-dir '%s/c'",
                  dir);
  assert_int_equal(runbin_int(json_object_get(a, "totals"), "totalTokens"),
                   runbin_int(json_object_get(b, "totals"), "totalTokens"));
  assert_true(json_equal(a, b));
  json_decref(a);
  json_decref(b);
}

static int setup(void **state)
{
  char cache[64];

  (void)state;
  if (!mkdtemp(dir))
    return -1;
  snprintf(cache, sizeof(cache), "%s/cache", dir);
  return setenv("XDG_CACHE_HOME", cache, 1);
}

static int teardown(void **state)
{
  (void)state;
  runbin_sh("rm -rf '%s'", dir);
  return 0;
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_default_corpus),
      cmocka_unit_test(test_other_seeds),
      cmocka_unit_test(test_parity_corpus),
      cmocka_unit_test(test_threads_and_zones),
  };

  if (!getenv("TOKMETER_BIN"))
    return 77;
  return cmocka_run_group_tests(tests, setup, teardown);
}
