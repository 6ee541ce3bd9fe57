/* Tests for src/util/jsonw.c. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/jsonw.h"

static void test_compact_nesting(void **state)
{
  struct buf b = BUF_INIT;
  struct jsonw w;

  (void)state;
  jsonw_init(&w, &b, 0);
  jsonw_obj_begin(&w);
  jsonw_key(&w, "a");
  jsonw_uint(&w, 1);
  jsonw_key(&w, "b");
  jsonw_arr_begin(&w);
  jsonw_int(&w, -2);
  jsonw_bool(&w, true);
  jsonw_null(&w);
  jsonw_arr_begin(&w);
  jsonw_arr_end(&w);
  jsonw_obj_begin(&w);
  jsonw_obj_end(&w);
  jsonw_arr_end(&w);
  jsonw_key(&w, "c");
  jsonw_strz(&w, "x");
  jsonw_obj_end(&w);
  assert_int_equal(jsonw_finish(&w), 0);
  assert_string_equal(b.data,
                      "{\"a\":1,\"b\":[-2,true,null,[],{}],\"c\":\"x\"}");
  buf_release(&b);
}

static void test_pretty_like_serde(void **state)
{
  struct buf b = BUF_INIT;
  struct jsonw w;

  (void)state;
  jsonw_init(&w, &b, 2);
  jsonw_obj_begin(&w);
  jsonw_key(&w, "a");
  jsonw_uint(&w, 1);
  jsonw_key(&w, "b");
  jsonw_arr_begin(&w);
  jsonw_uint(&w, 1);
  jsonw_arr_end(&w);
  jsonw_obj_end(&w);
  assert_int_equal(jsonw_finish(&w), 0);
  assert_string_equal(b.data, "{\n  \"a\": 1,\n  \"b\": [\n    1\n  ]\n}");

  buf_reset(&b);
  jsonw_init(&w, &b, 2);
  jsonw_obj_begin(&w);
  jsonw_key(&w, "daily");
  jsonw_arr_begin(&w);
  jsonw_obj_begin(&w);
  jsonw_key(&w, "cost");
  jsonw_double(&w, 0.0412);
  jsonw_key(&w, "models");
  jsonw_arr_begin(&w);
  jsonw_strz(&w, "m1");
  jsonw_strz(&w, "m2");
  jsonw_arr_end(&w);
  jsonw_obj_end(&w);
  jsonw_arr_end(&w);
  jsonw_key(&w, "empty");
  jsonw_obj_begin(&w);
  jsonw_obj_end(&w);
  jsonw_key(&w, "none");
  jsonw_arr_begin(&w);
  jsonw_arr_end(&w);
  jsonw_obj_end(&w);
  assert_int_equal(jsonw_finish(&w), 0);
  assert_string_equal(b.data, "{\n"
                              "  \"daily\": [\n"
                              "    {\n"
                              "      \"cost\": 0.0412,\n"
                              "      \"models\": [\n"
                              "        \"m1\",\n"
                              "        \"m2\"\n"
                              "      ]\n"
                              "    }\n"
                              "  ],\n"
                              "  \"empty\": {},\n"
                              "  \"none\": []\n"
                              "}");
  buf_release(&b);
}

static void test_empty_top_level_and_scalars(void **state)
{
  struct buf b = BUF_INIT;
  struct jsonw w;

  (void)state;
  jsonw_init(&w, &b, 2);
  jsonw_arr_begin(&w);
  jsonw_arr_end(&w);
  assert_int_equal(jsonw_finish(&w), 0);
  assert_string_equal(b.data, "[]");

  buf_reset(&b);
  jsonw_init(&w, &b, 0);
  jsonw_uint(&w, UINT64_MAX);
  assert_int_equal(jsonw_finish(&w), 0);
  assert_string_equal(b.data, "18446744073709551615");

  buf_reset(&b);
  jsonw_init(&w, &b, 0);
  jsonw_arr_begin(&w);
  jsonw_int(&w, INT64_MIN);
  jsonw_int(&w, 0);
  jsonw_bool(&w, false);
  jsonw_strz(&w, NULL);
  jsonw_str(&w, "abc", 2);
  jsonw_arr_end(&w);
  assert_int_equal(jsonw_finish(&w), 0);
  assert_string_equal(b.data, "[-9223372036854775808,0,false,null,\"ab\"]");
  buf_release(&b);
}

static void test_indent_four(void **state)
{
  struct buf b = BUF_INIT;
  struct jsonw w;

  (void)state;
  jsonw_init(&w, &b, 4);
  jsonw_arr_begin(&w);
  jsonw_obj_begin(&w);
  jsonw_key(&w, "k");
  jsonw_null(&w);
  jsonw_obj_end(&w);
  jsonw_arr_end(&w);
  assert_int_equal(jsonw_finish(&w), 0);
  assert_string_equal(b.data, "[\n    {\n        \"k\": null\n    }\n]");
  buf_release(&b);
}

static void check_quote(const char *in, size_t len, const char *want)
{
  struct buf b = BUF_INIT;

  assert_int_equal(jsonw_quote(&b, in, len), 0);
  assert_string_equal(b.data, want);
  assert_int_equal(b.len, strlen(want));
  buf_release(&b);
}

#define QUOTE(lit, want) check_quote(lit, sizeof(lit) - 1, want)

static void test_escaping(void **state)
{
  (void)state;
  QUOTE("", "\"\"");
  QUOTE("plain /text/", "\"plain /text/\"");
  QUOTE("say \"hi\" \\ bye", "\"say \\\"hi\\\" \\\\ bye\"");
  QUOTE("\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"");
  QUOTE("\x01\x1f", "\"\\u0001\\u001f\"");
  QUOTE("a\0b", "\"a\\u0000b\"");
  QUOTE("del\x7f", "\"del\x7f\"");
  QUOTE("\x1b[0m", "\"\\u001b[0m\"");
  /* valid UTF-8 passes through: 2, 3 and 4 byte forms */
  QUOTE("caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80",
        "\"caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80\"");
  QUOTE("\xef\xbf\xbd", "\"\xef\xbf\xbd\"");
}

#define FFFD "\xef\xbf\xbd"

static void test_invalid_utf8_replaced(void **state)
{
  (void)state;
  QUOTE("a\x80z", "\"a" FFFD "z\"");
  QUOTE("\xff\xfe", "\"" FFFD FFFD "\"");
  /* a truncated sequence is one maximal subpart: one replacement */
  QUOTE("x\xe2\x82", "\"x" FFFD "\"");
  QUOTE("\xe2\x82z", "\"" FFFD "z\"");
  QUOTE("\xf0\x9f\x98", "\"" FFFD "\"");
  /* overlong, surrogate and out-of-range forms: one per byte */
  QUOTE("\xc0\xaf", "\"" FFFD FFFD "\"");
  QUOTE("\xed\xa0\x80", "\"" FFFD FFFD FFFD "\"");
  QUOTE("\xf4\x90\x80\x80", "\"" FFFD FFFD FFFD FFFD "\"");
  QUOTE("\xe0\x80\x80", "\"" FFFD FFFD FFFD "\"");
  /* a bad byte after a good prefix does not swallow the next character */
  QUOTE("\xe2\x82\"", "\"" FFFD "\\\"\"");
}

static void test_utf8_next(void **state)
{
  uint32_t cp;

  (void)state;
  assert_int_equal(jsonw_utf8_next("A", 1, &cp), 1);
  assert_int_equal(cp, 0x41);
  assert_int_equal(jsonw_utf8_next("\xc3\xa9", 2, &cp), 2);
  assert_int_equal(cp, 0xe9);
  assert_int_equal(jsonw_utf8_next("\xe6\x97\xa5", 3, &cp), 3);
  assert_int_equal(cp, 0x65e5);
  assert_int_equal(jsonw_utf8_next("\xf0\x9f\x98\x80", 4, &cp), 4);
  assert_int_equal(cp, 0x1f600);
  /* the length limit is honoured even when more bytes would follow */
  assert_int_equal(jsonw_utf8_next("\xe6\x97\xa5", 2, &cp), 2);
  assert_int_equal(cp, 0xfffd);
  assert_int_equal(jsonw_utf8_next("\xed\x9f\xbf", 3, &cp), 3);
  assert_int_equal(cp, 0xd7ff);
  assert_int_equal(jsonw_utf8_next("\xed\xa0\x80", 3, &cp), 1);
  assert_int_equal(cp, 0xfffd);
}

struct dcase {
  double v;
  const char *want;
};

/*
 * Expected strings are what serde_json (ryu) prints for each f64; they were
 * cross-checked against CPython's repr() digits laid out by ryu's rules.
 */
static const struct dcase doubles[] = {
    {0.1, "0.1"},
    {0.1 + 0.2, "0.30000000000000004"},
    {0.3, "0.3"},
    {1.0, "1.0"},
    {5.0, "5.0"},
    {0.0, "0.0"},
    {-0.0, "-0.0"},
    {-1.5, "-1.5"},
    {0.0777972, "0.0777972"},
    {2.2783322999999998, "2.2783322999999998"},
    {0.0017790000000000002, "0.0017790000000000002"},
    {0.0412, "0.0412"},
    {12.85, "12.85"},
    {1234.5678, "1234.5678"},
    {100.0, "100.0"},
    {0.5, "0.5"},
    {0.125, "0.125"},
    {3.0 * 1.1, "3.3000000000000003"},
    {1.0 / 3.0, "0.3333333333333333"},
    {2.0 / 3.0, "0.6666666666666666"},
    {1e-4, "0.0001"},
    {1e-5, "0.00001"},
    {0.000015, "0.000015"},
    {0.00001234, "0.00001234"},
    {9.999999999999999e-6, "9.999999999999999e-6"},
    {1e-6, "1e-6"},
    {1e-7, "1e-7"},
    {1.5e-7, "1.5e-7"},
    {-2.5e-10, "-2.5e-10"},
    {123.456e-20, "1.23456e-18"},
    {0x1p-20, "9.5367431640625e-7"},
    {5e-324, "5e-324"},
    {1.5e-323, "1.5e-323"},
    {2.2250738585072014e-308, "2.2250738585072014e-308"},
    {1.7976931348623157e308, "1.7976931348623157e308"},
    {1e15, "1000000000000000.0"},
    {1234567890123456.0, "1234567890123456.0"},
    {9007199254740993.0, "9007199254740992.0"},
    {9007199254740994.0, "9007199254740994.0"},
    {9999999999999998.0, "9999999999999998.0"},
    {1e16, "1e16"},
    {123456789012345680.0, "1.2345678901234568e17"},
    {0x1p60, "1.152921504606847e18"},
    {1e21, "1e21"},
    {1.5e21, "1.5e21"},
    {1e100, "1e100"},
    /* an exact tie between two 17-digit candidates rounds to even */
    {1059438285926254.25, "1059438285926254.2"},
    {26363981746409.3125, "26363981746409.312"},
};

static void test_doubles_match_serde(void **state)
{
  char out[JSONW_DTOA_MAX];
  size_t i;

  (void)state;
  for (i = 0; i < sizeof(doubles) / sizeof(doubles[0]); i++) {
    size_t n = jsonw_dtoa(doubles[i].v, 0, out);
    double back = strtod(out, NULL);

    assert_string_equal(out, doubles[i].want);
    assert_int_equal(n, strlen(doubles[i].want));
    assert_true(memcmp(&back, &doubles[i].v, sizeof(back)) == 0);
  }
}

static void test_double_special_and_compact(void **state)
{
  struct buf b = BUF_INIT;
  struct jsonw w;
  char out[JSONW_DTOA_MAX];

  (void)state;
  jsonw_dtoa(NAN, 0, out);
  assert_string_equal(out, "null");
  jsonw_dtoa(-INFINITY, JSONW_INTEGRAL, out);
  assert_string_equal(out, "null");
  jsonw_dtoa(12.0, JSONW_INTEGRAL, out);
  assert_string_equal(out, "12");
  jsonw_dtoa(-0.0, JSONW_INTEGRAL, out);
  assert_string_equal(out, "0");
  jsonw_dtoa(-3.0, JSONW_INTEGRAL, out);
  assert_string_equal(out, "-3");
  jsonw_dtoa(12.5, JSONW_INTEGRAL, out);
  assert_string_equal(out, "12.5");
  jsonw_dtoa(1e18, JSONW_INTEGRAL, out);
  assert_string_equal(out, "1000000000000000000");
  jsonw_dtoa(1e19, JSONW_INTEGRAL, out);
  assert_string_equal(out, "1e19");

  jsonw_init(&w, &b, 0);
  jsonw_arr_begin(&w);
  jsonw_double(&w, INFINITY);
  jsonw_double(&w, 2.0);
  jsonw_double_compact(&w, 2.0);
  jsonw_double_compact(&w, 0.30000000000000004);
  jsonw_arr_end(&w);
  assert_int_equal(jsonw_finish(&w), 0);
  assert_string_equal(b.data, "[null,2.0,2,0.30000000000000004]");
  buf_release(&b);
}

static void test_unfinished_and_capped(void **state)
{
  struct buf b;
  struct jsonw w;

  (void)state;
  buf_init(&b, 0);
  jsonw_init(&w, &b, 0);
  assert_int_equal(jsonw_finish(&w), ERR_INTERNAL);
  jsonw_obj_begin(&w);
  jsonw_key(&w, "a");
  assert_int_equal(jsonw_finish(&w), ERR_INTERNAL);
  buf_release(&b);

  buf_init(&b, 8);
  jsonw_init(&w, &b, 0);
  jsonw_arr_begin(&w);
  jsonw_strz(&w, "abcdef");
  assert_int_equal(jsonw_uint(&w, 1), ERR_RANGE);
  assert_int_equal(jsonw_arr_end(&w), ERR_RANGE);
  assert_int_equal(jsonw_finish(&w), ERR_RANGE);
  assert_true(b.len <= 8);
  buf_release(&b);
}

#ifdef NDEBUG
/* Misuse asserts in debug builds, so it is only exercised in release. */
static void test_misuse_is_sticky(void **state)
{
  struct buf b = BUF_INIT;
  struct jsonw w;
  int i;

  (void)state;
  jsonw_init(&w, &b, 0);
  jsonw_obj_begin(&w);
  assert_int_equal(jsonw_uint(&w, 1), ERR_INTERNAL);
  assert_int_equal(jsonw_obj_end(&w), ERR_INTERNAL);
  assert_string_equal(b.data, "{");
  assert_int_equal(jsonw_finish(&w), ERR_INTERNAL);

  buf_reset(&b);
  jsonw_init(&w, &b, 0);
  jsonw_arr_begin(&w);
  assert_int_equal(jsonw_key(&w, "k"), ERR_INTERNAL);
  buf_reset(&b);
  jsonw_init(&w, &b, 0);
  jsonw_arr_begin(&w);
  assert_int_equal(jsonw_obj_end(&w), ERR_INTERNAL);
  buf_reset(&b);
  jsonw_init(&w, &b, 0);
  jsonw_null(&w);
  assert_int_equal(jsonw_null(&w), ERR_INTERNAL);
  assert_string_equal(b.data, "null");

  buf_reset(&b);
  jsonw_init(&w, &b, 0);
  for (i = 0; i < JSONW_MAX_DEPTH; i++)
    assert_int_equal(jsonw_arr_begin(&w), 0);
  assert_int_equal(jsonw_arr_begin(&w), ERR_INTERNAL);
  assert_int_equal(b.len, JSONW_MAX_DEPTH);
  buf_release(&b);
}
#endif

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_compact_nesting),
      cmocka_unit_test(test_pretty_like_serde),
      cmocka_unit_test(test_empty_top_level_and_scalars),
      cmocka_unit_test(test_indent_four),
      cmocka_unit_test(test_escaping),
      cmocka_unit_test(test_invalid_utf8_replaced),
      cmocka_unit_test(test_utf8_next),
      cmocka_unit_test(test_doubles_match_serde),
      cmocka_unit_test(test_double_special_and_compact),
      cmocka_unit_test(test_unfinished_and_capped),
#ifdef NDEBUG
      cmocka_unit_test(test_misuse_is_sticky),
#endif
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
