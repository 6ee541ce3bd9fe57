/* Tests for src/http/params.c. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/civil.h"
#include "http/params.h"

/* A request carrying one query parameter. */
static void req1(struct http_request *req, const char *name, const char *v)
{
  http_request_init(req, "GET", "/api/x");
  http_request_add_query(req, name, v);
}

static void test_dates(void **state)
{
  struct http_request req;
  struct err e = ERR_INIT;
  int64_t d = -1;
  int present = -1;

  (void)state;
  req1(&req, "since", "2025-03-09");
  assert_int_equal(http_param_date(&req, "since", &d, &present, &e), 0);
  assert_int_equal(present, 1);
  assert_int_equal(d, civil_days_from_ymd(2025, 3, 9));
  assert_int_equal(http_param_date(&req, "until", &d, &present, &e), 0);
  assert_int_equal(present, 0);
  assert_int_equal(d, civil_days_from_ymd(2025, 3, 9)); /* untouched */
  http_request_release(&req);

  req1(&req, "since", "20240229");
  assert_int_equal(http_param_date(&req, "since", &d, NULL, &e), 0);
  assert_int_equal(d, 19782);
  http_request_release(&req);

  req1(&req, "since", "2025-13-01");
  assert_int_equal(http_param_date(&req, "since", &d, &present, &e), ERR_USAGE);
  assert_string_equal(
      e.msg, "cannot parse '2025-13-01': expected YYYY-MM-DD or YYYYMMDD");
  http_request_release(&req);

  req1(&req, "since", "20230229");
  assert_int_equal(http_param_date(&req, "since", &d, NULL, &e), ERR_USAGE);
  http_request_release(&req);
  req1(&req, "since", "2025-1-01");
  assert_int_equal(http_param_date(&req, "since", &d, NULL, &e), ERR_USAGE);
  http_request_release(&req);
  req1(&req, "since", "");
  assert_int_equal(http_param_date(&req, "since", &d, NULL, &e), ERR_USAGE);
  assert_string_equal(e.msg, "empty value: expected YYYY-MM-DD or YYYYMMDD");
  http_request_release(&req);
}

static void test_zones(void **state)
{
  struct http_request req;
  struct err e = ERR_INIT;
  struct tz tz;
  int present = 0;

  (void)state;
  tz_init_utc(&tz);
  req1(&req, "tz", "Europe/Paris");
  assert_int_equal(http_param_tz(&req, "tz", &tz, &present, &e), 0);
  assert_int_equal(present, 1);
  assert_string_equal(tz.name, "Europe/Paris");
  /* 2025-07-01T00:00:00Z: CEST, two hours east */
  assert_int_equal(tz_offset(&tz, 1751328000), 7200);
  tz_release(&tz);
  http_request_release(&req);

  req1(&req, "tz", "../../etc/passwd");
  assert_int_equal(http_param_tz(&req, "tz", &tz, &present, &e), ERR_USAGE);
  assert_string_equal(
      e.msg, "cannot parse '../../etc/passwd': expected an IANA time zone "
             "name");
  assert_string_equal(tz.name, "UTC");
  http_request_release(&req);

  req1(&req, "tz", "/usr/share/zoneinfo/UTC");
  assert_int_equal(http_param_tz(&req, "tz", &tz, NULL, &e), ERR_USAGE);
  http_request_release(&req);

  req1(&req, "tz", "Mars/Olympus_Mons");
  assert_int_equal(http_param_tz(&req, "tz", &tz, NULL, &e), ERR_USAGE);
  assert_string_equal(e.msg,
                      "cannot parse 'Mars/Olympus_Mons': unknown time zone");
  assert_string_equal(tz.name, "UTC");
  http_request_release(&req);
  tz_release(&tz);
}

static void test_limits(void **state)
{
  struct http_request req;
  struct err e = ERR_INIT;
  long n = 7;
  int present = 0;
  static const char *const bad[] = {
      "0",   "-1",   "+5",
      "1e3", "5 ",   "1001",
      "",    "0x10", "99999999999999999999999999"};
  size_t i;

  (void)state;
  req1(&req, "limit", "1000");
  assert_int_equal(http_param_limit(&req, "limit", 1000, &n, &present, &e), 0);
  assert_int_equal(n, 1000);
  assert_int_equal(present, 1);
  http_request_release(&req);
  req1(&req, "limit", "007");
  assert_int_equal(http_param_limit(&req, "limit", 1000, &n, NULL, &e), 0);
  assert_int_equal(n, 7);
  http_request_release(&req);

  for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    n = 42;
    req1(&req, "limit", bad[i]);
    assert_int_equal(http_param_limit(&req, "limit", 1000, &n, NULL, &e),
                     ERR_USAGE);
    assert_int_equal(n, 42);
    http_request_release(&req);
  }
  req1(&req, "limit", "1001");
  http_param_limit(&req, "limit", 1000, &n, NULL, &e);
  assert_string_equal(e.msg, "'1001' is out of range 1..1000");
  http_request_release(&req);
}

static void test_strings(void **state)
{
  struct http_request req;
  struct err e = ERR_INIT;
  const char *out = NULL;
  char big[HTTP_PARAM_STR_MAX + 2];

  (void)state;
  req1(&req, "project", "my-app/ü");
  assert_int_equal(http_param_str(&req, "project", &out, NULL, &e), 0);
  assert_string_equal(out, "my-app/ü");
  http_request_release(&req);

  req1(&req, "model", "claude\nsonnet");
  assert_int_equal(http_param_str(&req, "model", &out, NULL, &e), ERR_USAGE);
  assert_string_equal(e.msg, "value holds a control character");
  http_request_release(&req);

  memset(big, 'a', sizeof(big) - 1);
  big[sizeof(big) - 1] = '\0';
  req1(&req, "model", big);
  assert_int_equal(http_param_str(&req, "model", &out, NULL, &e), ERR_USAGE);
  assert_string_equal(e.msg, "value longer than 256 bytes");
  http_request_release(&req);
}

static void test_parse_set(void **state)
{
  struct http_request req;
  struct http_params p;
  struct err e = ERR_INIT;
  const char *badp = NULL;

  (void)state;
  http_request_init(&req, "GET", "/api/usage");
  http_request_add_query(&req, "since", "2025-01-01");
  http_request_add_query(&req, "until", "20250131");
  http_request_add_query(&req, "tz", "Asia/Tokyo");
  http_request_add_query(&req, "model", "claude-opus-4");
  http_request_add_query(&req, "limit", "50");
  http_params_init(&p);
  assert_int_equal(http_params_parse(&req, 100, &p, &badp, &e), 0);
  assert_int_equal(p.has_since && p.has_until && p.has_tz, 1);
  assert_int_equal(p.until - p.since, 30);
  assert_string_equal(p.tz.name, "Asia/Tokyo");
  assert_int_equal(p.has_project, 0);
  assert_null(p.project);
  assert_string_equal(p.model, "claude-opus-4");
  assert_int_equal(p.limit, 50);
  http_params_release(&p);
  /* without a limit allowed, a limit is refused */
  assert_int_equal(http_params_parse(&req, 0, &p, &badp, &e), ERR_USAGE);
  assert_string_equal(badp, "limit");
  http_params_release(&p);
  http_request_release(&req);

  http_request_init(&req, "GET", "/api/usage");
  http_request_add_query(&req, "since", "2025-02-01");
  http_request_add_query(&req, "until", "2025-01-31");
  assert_int_equal(http_params_parse(&req, 100, &p, &badp, &e), ERR_USAGE);
  assert_string_equal(badp, "until");
  assert_string_equal(e.msg, "'2025-01-31' is before since '2025-02-01'");
  http_params_release(&p);
  http_request_release(&req);
}

static void test_fail_body(void **state)
{
  struct http_response res;
  struct err e = ERR_INIT;

  (void)state;
  err_set(&e, ERR_USAGE, "cannot parse '%s': expected x", "q");
  http_response_init(&res);
  http_param_fail(&res, "since", &e);
  assert_int_equal(res.status, 400);
  assert_string_equal(res.body.data,
                      "{\"error\":{\"code\":\"bad_parameter\",\"parameter\":"
                      "\"since\",\"message\":\"cannot parse 'q': expected "
                      "x\"}}");
  http_response_release(&res);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_dates),     cmocka_unit_test(test_zones),
      cmocka_unit_test(test_limits),    cmocka_unit_test(test_strings),
      cmocka_unit_test(test_parse_set), cmocka_unit_test(test_fail_body),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
