/* Tests for src/source/jsonscan.c: the search, the UTF-8 check, the walk. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <jansson.h>
#include <string.h>
#include <cmocka.h>

#include "source/jsonscan.h"
#include "testutil.h"

/* jansson's verdict on raw bytes inside a JSON string. */
static int jansson_utf8_ok(const unsigned char *b, size_t n)
{
  unsigned char line[64];
  json_t *j;
  size_t i;

  for (i = 0; i < n; i++)
    if (b[i] < 0x20 || b[i] == '"' || b[i] == '\\')
      return -1; /* not a UTF-8 question */
  line[0] = '[';
  line[1] = '"';
  memcpy(line + 2, b, n);
  line[n + 2] = '"';
  line[n + 3] = ']';
  j = json_loadb((const char *)line, n + 4, 0, NULL);
  json_decref(j);
  return j != NULL;
}

static void test_utf8_against_jansson(void **state)
{
  static const char *const good[] = {"plain",        "caf\xc3\xa9",
                                     "\xe2\x94\x80", "\xf0\x9f\x98\x80",
                                     "\xef\xbf\xbf", "\xf4\x8f\xbf\xbf"};
  static const char *const bad[] = {
      "\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80",    "\xe2\x82",
      "\xff",     "\x80",         "\xf8\x88\x80\x80\x80"};
  unsigned long long rs = 11;
  unsigned char b[40];
  size_t i, k, checked = 0;

  (void)state;
  for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
    assert_true(jscan_utf8_valid(good[i], strlen(good[i])));
  for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    assert_false(jscan_utf8_valid(bad[i], strlen(bad[i])));
  /* Random short byte strings, biased to high bytes, at every alignment
   * of the 16-byte fast path. */
  for (i = 0; i < 200000; i++) {
    size_t n = 1 + (size_t)(testutil_rand(&rs) % 36);
    int want;

    for (k = 0; k < n; k++) {
      unsigned long long r = testutil_rand(&rs);

      b[k] = (unsigned char)(r % 3 ? 0x80 + (r >> 8) % 0x80 : 'a' + r % 26);
    }
    want = jansson_utf8_ok(b, n);
    if (want < 0)
      continue;
    checked++;
    if (jscan_utf8_valid((const char *)b, n) != want)
      fail_msg("bytes %zu long: jansson says %d", n, want);
  }
  assert_true(checked > 100000);
}

static void test_find_flag(void **state)
{
  static const char hay[] = "0123456789abcdef0123\xc3\xa9 \"usage\":{ tail";
  int high = -1;
  size_t at;

  (void)state;
  at = jscan_find_flag(hay, strlen(hay), "\"usage\":{", 9, &high);
  assert_int_equal(at, 23);
  assert_int_equal(high, 1);
  at = jscan_find_flag("only ascii here, quite long to cross 16 bytes", 45,
                       "\"usage\":{", 9, &high);
  assert_int_equal(at, 45);
  assert_int_equal(high, 0);
  /* A high byte in the last bytes, which the SIMD loop does not load. */
  at = jscan_find_flag("ascii ascii ascii ascii \xc3\xa9", 26, "\"usage\":{", 9,
                       &high);
  assert_int_equal(at, 26);
  assert_int_equal(high, 1);
  assert_int_equal(jscan_find("ab", 2, "abc", 3), 2);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_utf8_against_jansson),
      cmocka_unit_test(test_find_flag),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
