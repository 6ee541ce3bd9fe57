/* Tests for src/core/plan.c: the plan presets. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/plan.h"

static void test_presets(void **state)
{
  const struct plan *p;

  (void)state;
  p = plan_find("pro");
  assert_non_null(p);
  assert_string_equal(p->name, "pro");
  assert_int_equal(p->tokens, 44000);
  assert_true(p->cost_usd == 18.0);
  p = plan_find("max5");
  assert_non_null(p);
  assert_int_equal(p->tokens, 88000);
  assert_true(p->cost_usd == 35.0);
  p = plan_find("max20");
  assert_non_null(p);
  assert_int_equal(p->tokens, 220000);
  assert_true(p->cost_usd == 140.0);
}

static void test_unknown_names(void **state)
{
  (void)state;
  assert_null(plan_find(""));
  assert_null(plan_find("max"));
  assert_null(plan_find("Pro"));
  assert_null(plan_find("max50"));
  assert_null(plan_find("pro "));
  assert_string_equal(plan_names, "pro, max5, max20");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_presets),
      cmocka_unit_test(test_unknown_names),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
