/* Tests for src/http/router.c. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "http/router.h"
#include "util/jsonw.h"

/* Records which handler ran and writes {"route":NAME,"id":ID}. */
static void handle(void *ctx, const struct http_request *req,
                   struct http_response *res)
{
  struct jsonw w;
  const char *id = http_request_param(req, "id");

  jsonw_init(&w, &res->body, 0);
  jsonw_obj_begin(&w);
  jsonw_key(&w, "route");
  jsonw_strz(&w, ctx);
  jsonw_key(&w, "id");
  jsonw_strz(&w, id);
  jsonw_obj_end(&w);
}

static void test_match(void **state)
{
  struct http_request req;

  (void)state;
  http_request_init(&req, "GET", "/");
  assert_int_equal(
      http_route_match("/api/sessions/{id}", "/api/sessions/abc-1", &req), 1);
  assert_int_equal(req.nparams, 1);
  assert_string_equal(http_request_param(&req, "id"), "abc-1");
  assert_null(http_request_param(&req, "other"));

  assert_int_equal(http_route_match("/a/{x}/b/{y}", "/a/1/b/2", &req), 1);
  assert_string_equal(http_request_param(&req, "x"), "1");
  assert_string_equal(http_request_param(&req, "y"), "2");

  /* a parameter needs a non-empty segment; extra or missing segments and
   * trailing slashes do not match, and a failed match clears params */
  assert_int_equal(
      http_route_match("/api/sessions/{id}", "/api/sessions/", &req), 0);
  assert_int_equal(req.nparams, 0);
  assert_int_equal(
      http_route_match("/api/sessions/{id}", "/api/sessions/a/b", &req), 0);
  assert_int_equal(
      http_route_match("/api/sessions/{id}", "/api/sessions", &req), 0);
  assert_int_equal(http_route_match("/api/usage", "/api/usage/", &req), 0);
  assert_int_equal(http_route_match("/api/usage", "/api/usagex", &req), 0);
  assert_int_equal(http_route_match("/", "/", &req), 1);
  assert_int_equal(http_route_match("/api/usage", "/api/usage", &req), 1);
  http_request_release(&req);
}

static void test_add_rejects_bad_patterns(void **state)
{
  struct http_router r;
  struct err e = ERR_INIT;

  (void)state;
  http_router_init(&r);
  assert_int_equal(http_router_add(&r, "GET", "api", handle, "x", &e),
                   ERR_USAGE);
  assert_string_equal(e.msg, "bad route 'api': must start with '/'");
  assert_int_equal(http_router_add(&r, "GET", "/a/x{id}", handle, "x", &e),
                   ERR_USAGE);
  assert_string_equal(e.msg,
                      "bad route '/a/x{id}': '{name}' must be a whole segment");
  assert_int_equal(http_router_add(&r, "GET", "/a/{}", handle, "x", &e),
                   ERR_USAGE);
  assert_int_equal(http_router_add(&r, "GET", "/a/{i-d}", handle, "x", &e),
                   ERR_USAGE);
  assert_int_equal(http_router_add(&r, "G T", "/a", handle, "x", &e),
                   ERR_USAGE);
  assert_int_equal(r.n, 0);
  assert_int_equal(http_router_add(&r, "GET",
                                   "/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}", handle,
                                   "x", &e),
                   0);
  assert_int_equal(http_router_add(&r, "GET",
                                   "/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}",
                                   handle, "x", &e),
                   ERR_USAGE);
  assert_int_equal(r.n, 1);
  http_router_release(&r);
}

static void setup_router(struct http_router *r)
{
  http_router_init(r);
  assert_int_equal(
      http_router_add(r, "GET", "/api/sessions", handle, "list", NULL), 0);
  assert_int_equal(
      http_router_add(r, "GET", "/api/sessions/{id}", handle, "get", NULL), 0);
  assert_int_equal(http_router_add(r, "DELETE", "/api/sessions/{id}", handle,
                                   "delete", NULL),
                   0);
}

static int dispatch(const struct http_router *r, const char *method,
                    const char *path, struct http_response *res)
{
  struct http_request req;
  int rc;

  http_request_init(&req, method, path);
  http_response_init(res);
  rc = http_router_dispatch(r, &req, res);
  http_request_release(&req);
  return rc;
}

static void test_dispatch(void **state)
{
  struct http_router r;
  struct http_response res;

  (void)state;
  setup_router(&r);
  assert_int_equal(dispatch(&r, "GET", "/api/sessions/s1", &res), 0);
  assert_int_equal(res.status, 200);
  assert_string_equal(res.body.data, "{\"route\":\"get\",\"id\":\"s1\"}");
  http_response_release(&res);

  assert_int_equal(dispatch(&r, "DELETE", "/api/sessions/s2", &res), 0);
  assert_string_equal(res.body.data, "{\"route\":\"delete\",\"id\":\"s2\"}");
  http_response_release(&res);

  assert_int_equal(dispatch(&r, "HEAD", "/api/sessions", &res), 0);
  assert_string_equal(res.body.data, "{\"route\":\"list\",\"id\":null}");
  http_response_release(&res);
  http_router_release(&r);
}

static void test_not_found_and_wrong_method(void **state)
{
  struct http_router r;
  struct http_response res;

  (void)state;
  setup_router(&r);
  assert_int_equal(dispatch(&r, "GET", "/api/nope", &res), 404);
  assert_int_equal(res.status, 404);
  assert_string_equal(res.content_type, "application/json");
  assert_string_equal(
      res.body.data,
      "{\"error\":{\"code\":\"not_found\",\"message\":\"no route for "
      "'/api/nope'\"}}");
  http_response_release(&res);

  assert_int_equal(dispatch(&r, "POST", "/api/sessions/s1", &res), 405);
  assert_int_equal(res.status, 405);
  assert_string_equal(res.body.data,
                      "{\"error\":{\"code\":\"method_not_allowed\","
                      "\"message\":\"method 'POST' not allowed on "
                      "'/api/sessions/s1'\"}}");
  assert_int_equal(res.nheaders, 1);
  assert_string_equal(res.headers[0].name, "Allow");
  assert_string_equal(res.headers[0].value, "GET, HEAD, DELETE");
  http_response_release(&res);
  http_router_release(&r);
}

static void test_request_accessors(void **state)
{
  struct http_request req;

  (void)state;
  http_request_init(&req, "GET", "/x");
  assert_null(http_request_query(&req, "since"));
  http_request_add_query(&req, "since", "2025-01-01");
  http_request_add_query(&req, "since", "2025-02-01");
  http_request_add_query(&req, "flag", "");
  http_request_add_header(&req, "Host", "localhost:1");
  assert_string_equal(http_request_query(&req, "since"), "2025-01-01");
  assert_string_equal(http_request_query(&req, "flag"), "");
  assert_null(http_request_query(&req, "Since"));
  assert_string_equal(http_request_header(&req, "host"), "localhost:1");
  assert_string_equal(req.body, "");
  http_request_release(&req);
  assert_int_equal(req.nquery, 0);
  assert_null(http_request_header(&req, "host"));
}

static void test_response_error_and_headers(void **state)
{
  struct http_response res;
  int i;

  (void)state;
  http_response_init(&res);
  buf_adds(&res.body, "old");
  assert_int_equal(http_response_error(&res, 400, "bad_parameter", "tz",
                                       "unknown zone '%s'", "X/\"Y\""),
                   0);
  assert_int_equal(res.status, 400);
  assert_string_equal(res.body.data,
                      "{\"error\":{\"code\":\"bad_parameter\",\"parameter\":"
                      "\"tz\",\"message\":\"unknown zone 'X/\\\"Y\\\"'\"}}");
  assert_int_equal(http_response_header(&res, "X-A", "1\r\nX-B: 2"), ERR_RANGE);
  assert_int_equal(http_response_header(&res, "X:A", "1"), ERR_RANGE);
  for (i = 0; i < HTTP_MAX_RESPONSE_HEADERS; i++)
    assert_int_equal(http_response_header(&res, "X-N", "v"), 0);
  assert_int_equal(http_response_header(&res, "X-N", "v"), ERR_RANGE);
  assert_int_equal(res.nheaders, HTTP_MAX_RESPONSE_HEADERS);
  http_response_release(&res);
  assert_int_equal(res.nheaders, 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_match),
      cmocka_unit_test(test_add_rejects_bad_patterns),
      cmocka_unit_test(test_dispatch),
      cmocka_unit_test(test_not_found_and_wrong_method),
      cmocka_unit_test(test_request_accessors),
      cmocka_unit_test(test_response_error_and_headers),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
