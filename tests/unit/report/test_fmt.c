/* Tests for src/report/fmt.c. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "report/fmt.h"
#include "util/buf.h"
#include "util/err.h"

/* Each check formats into a fresh buf that already holds a prefix, so
 * appending (not overwriting) is checked too. */
#define CHECK(call, want)                                                      \
  do {                                                                         \
    struct buf b_ = BUF_INIT;                                                  \
    buf_adds(&b_, "<");                                                        \
    assert_int_equal(call, 0);                                                 \
    assert_string_equal(b_.data, "<" want);                                    \
    buf_release(&b_);                                                          \
  } while (0)

static void test_grouped_integers(void **state)
{
  (void)state;
  CHECK(fmt_uint(&b_, 0), "0");
  CHECK(fmt_uint(&b_, 999), "999");
  CHECK(fmt_uint(&b_, 1000), "1,000");
  CHECK(fmt_uint(&b_, 12345), "12,345");
  CHECK(fmt_uint(&b_, 1234567), "1,234,567");
  CHECK(fmt_uint(&b_, 100000000), "100,000,000");
  CHECK(fmt_uint(&b_, UINT64_MAX), "18,446,744,073,709,551,615");
  CHECK(fmt_int(&b_, -1234), "-1,234");
  CHECK(fmt_int(&b_, -999), "-999");
  CHECK(fmt_int(&b_, INT64_MIN), "-9,223,372,036,854,775,808");
  CHECK(fmt_int(&b_, INT64_MAX), "9,223,372,036,854,775,807");
}

static void test_usd(void **state)
{
  (void)state;
  CHECK(fmt_usd(&b_, 0), "$0.00");
  CHECK(fmt_usd(&b_, 1234.567), "$1,234.57");
  CHECK(fmt_usd(&b_, 12.85), "$12.85");
  CHECK(fmt_usd(&b_, 0.004), "$0.00");
  CHECK(fmt_usd(&b_, 0.005), "$0.01"); /* 0.005000000000000000104... */
  CHECK(fmt_usd(&b_, 1234567.891), "$1,234,567.89");
  CHECK(fmt_usd(&b_, 999.995), "$1,000.00"); /* 999.99500000000000455 */
  CHECK(fmt_usd(&b_, 0.0777972), "$0.08");
  /* exact binary ties round away from zero (JS toFixed) */
  CHECK(fmt_usd(&b_, 0.125), "$0.13");
  CHECK(fmt_usd(&b_, 0.375), "$0.38");
  CHECK(fmt_usd(&b_, 2.625), "$2.63");
  CHECK(fmt_usd(&b_, 1000.875), "$1,000.88");
  CHECK(fmt_usd(&b_, -0.125), "-$0.13");
  /* not ties: the double is below or above the half cent */
  CHECK(fmt_usd(&b_, 1.005), "$1.00"); /* 1.00499999999999989... */
  CHECK(fmt_usd(&b_, 1.015), "$1.01"); /* 1.01499999999999990... */
  CHECK(fmt_usd(&b_, 1.025), "$1.02"); /* 1.02499999999999991... */
  CHECK(fmt_usd(&b_, 0.045), "$0.04"); /* 0.04499999999999999833 */
  CHECK(fmt_usd(&b_, 0.055), "$0.06"); /* 0.05500000000000000028 */
  CHECK(fmt_usd(&b_, -1234.5), "-$1,234.50");
  CHECK(fmt_usd(&b_, -0.001), "$0.00");
  CHECK(fmt_usd(&b_, -0.0), "$0.00");
  CHECK(fmt_usd(&b_, 1e15), "$1,000,000,000,000,000.00");
  CHECK(fmt_usd(&b_, NAN), "n/a");
  CHECK(fmt_usd(&b_, -INFINITY), "n/a");
}

static void test_tokens_compact(void **state)
{
  (void)state;
  CHECK(fmt_tokens_compact(&b_, 0), "0");
  CHECK(fmt_tokens_compact(&b_, 999), "999");
  CHECK(fmt_tokens_compact(&b_, 1000), "1K");
  CHECK(fmt_tokens_compact(&b_, 1049), "1K");
  CHECK(fmt_tokens_compact(&b_, 1050), "1.1K");
  CHECK(fmt_tokens_compact(&b_, 1234), "1.2K");
  CHECK(fmt_tokens_compact(&b_, 99949), "99.9K");
  CHECK(fmt_tokens_compact(&b_, 99960), "100K");
  CHECK(fmt_tokens_compact(&b_, 456000), "456K");
  CHECK(fmt_tokens_compact(&b_, 999499), "999K");
  CHECK(fmt_tokens_compact(&b_, 999500), "1M");
  CHECK(fmt_tokens_compact(&b_, 12345678), "12.3M");
  CHECK(fmt_tokens_compact(&b_, 123456789), "123M");
  CHECK(fmt_tokens_compact(&b_, 1234567890), "1.2B");
  CHECK(fmt_tokens_compact(&b_, 2000000000000ULL), "2T");
  CHECK(fmt_tokens_compact(&b_, 999999999999999ULL), "1000T");
  CHECK(fmt_tokens_compact(&b_, UINT64_MAX), "18446744T");
}

static void test_duration(void **state)
{
  (void)state;
  CHECK(fmt_duration(&b_, 0), "0m");
  CHECK(fmt_duration(&b_, 59), "0m");
  CHECK(fmt_duration(&b_, 45 * 60 + 59), "45m");
  CHECK(fmt_duration(&b_, 3600), "1h 0m");
  CHECK(fmt_duration(&b_, 3 * 3600 + 12 * 60 + 30), "3h 12m");
  CHECK(fmt_duration(&b_, 49 * 3600 + 5 * 60), "49h 5m");
  CHECK(fmt_duration(&b_, -300), "-5m");
  CHECK(fmt_duration(&b_, -30), "0m");
  CHECK(fmt_duration(&b_, INT64_MIN), "-2562047788015215h 30m");
}

static void test_percent(void **state)
{
  (void)state;
  CHECK(fmt_percent(&b_, 45.25, 1), "45.2%"); /* exact tie: to even */
  CHECK(fmt_percent(&b_, 45.26, 1), "45.3%");
  CHECK(fmt_percent(&b_, 100, 0), "100%");
  CHECK(fmt_percent(&b_, 0.5, 2), "0.50%");
  CHECK(fmt_percent(&b_, 12.5, -3), "12%");
  CHECK(fmt_percent(&b_, 1.0 / 3.0, 9), "0.333333%");
  CHECK(fmt_percent(&b_, NAN, 1), "n/a");
}

static void check_csv(const char *in, const char *want)
{
  struct buf b = BUF_INIT;

  assert_int_equal(fmt_csv_field(&b, in, strlen(in)), 0);
  assert_string_equal(b.data, want);
  buf_release(&b);
}

static void test_csv_field(void **state)
{
  struct buf b = BUF_INIT;

  (void)state;
  check_csv("", "");
  check_csv("plain", "plain");
  check_csv("2026-03-10", "2026-03-10");
  check_csv("1,234", "\"1,234\"");
  check_csv("say \"hi\"", "\"say \"\"hi\"\"\"");
  check_csv("\"", "\"\"\"\"");
  check_csv("a\nb", "\"a\nb\"");
  check_csv("a\r\nb", "\"a\r\nb\"");
  check_csv(" lead", "\" lead\"");
  check_csv("trail\t", "\"trail\t\"");
  check_csv("mid space", "mid space");
  check_csv("caf\xc3\xa9", "caf\xc3\xa9");
  /* embedded NUL is data, not the end */
  assert_int_equal(fmt_csv_field(&b, "a\0,b", 4), 0);
  assert_int_equal(b.len, 6);
  assert_memory_equal(b.data, "\"a\0,b\"", 6);
  buf_release(&b);
}

static void test_capped_buf(void **state)
{
  struct buf b;

  (void)state;
  buf_init(&b, 4);
  assert_int_equal(fmt_uint(&b, 1234567), ERR_RANGE);
  buf_reset(&b);
  assert_int_equal(fmt_usd(&b, 12.5), ERR_RANGE);
  buf_reset(&b);
  assert_int_equal(fmt_csv_field(&b, "a,b,c", 5), ERR_RANGE);
  buf_reset(&b);
  assert_int_equal(fmt_tokens_compact(&b, 1234), 0);
  assert_string_equal(b.data, "1.2K");
  buf_release(&b);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_grouped_integers), cmocka_unit_test(test_usd),
      cmocka_unit_test(test_tokens_compact),   cmocka_unit_test(test_duration),
      cmocka_unit_test(test_percent),          cmocka_unit_test(test_csv_field),
      cmocka_unit_test(test_capped_buf),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
