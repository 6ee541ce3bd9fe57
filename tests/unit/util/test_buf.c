/* Tests for src/util/buf.c. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include <cmocka.h>

#include "util/buf.h"
#include "util/err.h"

static void test_append_and_format(void **state)
{
  struct buf b = BUF_INIT;

  (void)state;
  assert_string_equal(b.data, "");
  assert_int_equal(buf_adds(&b, "abc"), 0);
  assert_int_equal(buf_addf(&b, "-%d-", 42), 0);
  assert_int_equal(buf_addch(&b, 'z'), 0);
  assert_string_equal(b.data, "abc-42-z");
  assert_int_equal(b.len, 8);
  buf_setlen(&b, 3);
  assert_string_equal(b.data, "abc");
  buf_release(&b);
  assert_int_equal(b.len, 0);
  assert_string_equal(b.data, "");
}

static void test_cap_refuses_growth(void **state)
{
  struct buf b;

  (void)state;
  buf_init(&b, 4);
  assert_int_equal(buf_adds(&b, "abcd"), 0);
  assert_int_equal(buf_adds(&b, "e"), ERR_RANGE);
  assert_string_equal(b.data, "abcd");
  buf_release(&b);
}

static void test_detach_hands_over(void **state)
{
  struct buf b = BUF_INIT;
  size_t n;
  char *p;

  (void)state;
  buf_addrep(&b, 'x', 1000);
  p = buf_detach(&b, &n);
  assert_int_equal(n, 1000);
  assert_int_equal(strlen(p), 1000);
  assert_int_equal(b.len, 0);
  free(p);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_append_and_format),
      cmocka_unit_test(test_cap_refuses_growth),
      cmocka_unit_test(test_detach_hands_over),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
