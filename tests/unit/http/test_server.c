/* Tests for src/http/server.c and src/http/sse.c over real sockets. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "http/params.h"
#include "http/server.h"
#include "http/sse.h"
#include "util/buf.h"
#include "util/jsonw.h"

/* The server, its routes and its hub, shared by one test's handlers. */
struct fixture {
  struct http_router router;
  struct http_server srv;
  struct sse hub;
};

static void h_hello(void *ctx, const struct http_request *req,
                    struct http_response *res)
{
  (void)ctx;
  (void)req;
  res->content_type = "text/plain";
  buf_adds(&res->body, "hi");
}

static void h_item(void *ctx, const struct http_request *req,
                   struct http_response *res)
{
  struct jsonw w;

  (void)ctx;
  jsonw_init(&w, &res->body, 0);
  jsonw_obj_begin(&w);
  jsonw_key(&w, "id");
  jsonw_strz(&w, http_request_param(req, "id"));
  jsonw_key(&w, "q");
  jsonw_strz(&w, http_request_query(req, "q"));
  jsonw_obj_end(&w);
}

static void h_check(void *ctx, const struct http_request *req,
                    struct http_response *res)
{
  struct http_params p;
  struct err e = ERR_INIT;
  const char *bad = NULL;

  (void)ctx;
  http_params_init(&p);
  if (http_params_parse(req, 100, &p, &bad, &e))
    http_param_fail(res, bad, &e);
  else
    buf_adds(&res->body, "{}");
  http_params_release(&p);
}

static void h_echo(void *ctx, const struct http_request *req,
                   struct http_response *res)
{
  (void)ctx;
  res->content_type = "text/plain";
  buf_add(&res->body, req->body, req->body_len);
}

static void h_stream(void *ctx, const struct http_request *req,
                     struct http_response *res)
{
  (void)req;
  res->stream = ctx;
}

/* A stream whose new client first hears its own `hello`: {"n": visits}. */
static void h_greet(void *ctx, const struct http_request *req,
                    struct http_response *res)
{
  struct fixture *f = ctx;
  char data[32];

  (void)req;
  snprintf(data, sizeof(data), "{\"n\":%zu}", sse_count(&f->hub) + 1);
  assert_int_equal(sse_event(&res->body, "hello", data), 0);
  res->stream = &f->hub;
}

static void start(struct fixture *f, int heartbeat_ms, size_t max_body)
{
  struct http_config cfg = {0};
  struct err e = ERR_INIT;

  sse_init(&f->hub, heartbeat_ms);
  http_router_init(&f->router);
  assert_int_equal(
      http_router_add(&f->router, "GET", "/hello", h_hello, NULL, &e), 0);
  assert_int_equal(
      http_router_add(&f->router, "GET", "/api/items/{id}", h_item, NULL, &e),
      0);
  assert_int_equal(
      http_router_add(&f->router, "GET", "/api/check", h_check, NULL, &e), 0);
  assert_int_equal(
      http_router_add(&f->router, "POST", "/echo", h_echo, NULL, &e), 0);
  assert_int_equal(
      http_router_add(&f->router, "GET", "/api/stream", h_stream, &f->hub, &e),
      0);
  assert_int_equal(
      http_router_add(&f->router, "GET", "/api/greet", h_greet, f, &e), 0);
  cfg.host = "127.0.0.1";
  cfg.port = 0;
  cfg.router = &f->router;
  cfg.max_body = max_body;
  assert_int_equal(http_server_start(&f->srv, &cfg, &e), 0);
  assert_true(http_server_port(&f->srv) > 0);
}

static void stop(struct fixture *f)
{
  http_server_stop(&f->srv);
  assert_int_equal(sse_count(&f->hub), 0);
  sse_release(&f->hub);
  http_router_release(&f->router);
}

static int connect_to(unsigned port)
{
  struct sockaddr_in sa;
  int fd = socket(AF_INET, SOCK_STREAM, 0);

  assert_true(fd >= 0);
  memset(&sa, 0, sizeof(sa));
  sa.sin_family = AF_INET;
  sa.sin_port = htons((uint16_t)port);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
  return fd;
}

static void send_all(int fd, const char *s, size_t n)
{
  while (n) {
    ssize_t w = send(fd, s, n, MSG_NOSIGNAL);

    assert_true(w > 0);
    s += w;
    n -= (size_t)w;
  }
}

/* Reads what arrives within timeout_ms. Returns bytes read, 0 at EOF. */
static ssize_t read_some(int fd, struct buf *out, int timeout_ms)
{
  struct pollfd p = {.fd = fd, .events = POLLIN};
  char tmp[4096];
  ssize_t n;

  if (poll(&p, 1, timeout_ms) <= 0)
    return -1;
  n = recv(fd, tmp, sizeof(tmp), 0);
  if (n > 0)
    buf_add(out, tmp, (size_t)n);
  return n;
}

/*
 * Sends one request with "Connection: close" and the given Host header
 * (NULL: none) and reads the whole response. Returns the status code;
 * *body gets the body (NULL to skip), *head the status line and headers.
 */
static int request(unsigned port, const char *method, const char *target,
                   const char *host, const char *body, struct buf *head,
                   struct buf *out)
{
  struct buf req = BUF_INIT, resp = BUF_INIT;
  int fd = connect_to(port), status = 0;
  const char *sep;

  buf_addf(&req, "%s %s HTTP/1.1\r\n", method, target);
  if (host)
    buf_addf(&req, "Host: %s\r\n", host);
  if (body)
    buf_addf(&req, "Content-Length: %zu\r\n", strlen(body));
  buf_addf(&req, "Connection: close\r\n\r\n%s", body ? body : "");
  send_all(fd, req.data, req.len);
  while (read_some(fd, &resp, 5000) > 0)
    ;
  close(fd);
  sep = strstr(resp.data, "\r\n\r\n");
  assert_non_null(sep);
  assert_int_equal(sscanf(resp.data, "HTTP/1.1 %d", &status), 1);
  if (head)
    buf_add(head, resp.data, (size_t)(sep - resp.data) + 2);
  if (out)
    buf_adds(out, sep + 4);
  buf_release(&req);
  buf_release(&resp);
  return status;
}

static void test_routes_over_http(void **state)
{
  struct fixture f;
  struct buf head = BUF_INIT, body = BUF_INIT;
  char host[64];

  (void)state;
  start(&f, 0, 0);
  snprintf(host, sizeof(host), "127.0.0.1:%u", http_server_port(&f.srv));

  assert_int_equal(
      request(f.srv.port, "GET", "/hello", host, NULL, &head, &body), 200);
  assert_string_equal(body.data, "hi");
  assert_non_null(strstr(head.data, "\r\nContent-Type: text/plain\r\n"));
  assert_non_null(strstr(head.data, "\r\nCache-Control: no-store\r\n"));
  assert_non_null(strstr(head.data, "\r\nContent-Security-Policy: "
                                    "default-src 'self'; script-src 'self'; "
                                    "style-src 'self'; img-src 'self' data:; "
                                    "connect-src 'self'\r\n"));
  assert_non_null(strstr(head.data, "\r\nX-Content-Type-Options: nosniff\r\n"));
  assert_non_null(strstr(head.data, "\r\nReferrer-Policy: no-referrer\r\n"));
  buf_reset(&head);
  buf_reset(&body);

  assert_int_equal(request(f.srv.port, "GET", "/api/items/42?q=a%20b+c", host,
                           NULL, NULL, &body),
                   200);
  assert_string_equal(body.data, "{\"id\":\"42\",\"q\":\"a b c\"}");
  buf_reset(&body);

  assert_int_equal(
      request(f.srv.port, "GET", "/missing", host, NULL, &head, &body), 404);
  assert_string_equal(body.data, "{\"error\":{\"code\":\"not_found\","
                                 "\"message\":\"no route for '/missing'\"}}");
  assert_non_null(strstr(head.data, "\r\nContent-Type: application/json\r\n"));
  assert_non_null(strstr(head.data, "\r\nContent-Security-Policy: "));
  assert_non_null(strstr(head.data, "\r\nReferrer-Policy: no-referrer\r\n"));
  buf_reset(&head);
  buf_reset(&body);

  assert_int_equal(
      request(f.srv.port, "DELETE", "/hello", host, NULL, &head, &body), 405);
  assert_string_equal(body.data, "{\"error\":{\"code\":\"method_not_allowed\","
                                 "\"message\":\"method 'DELETE' not allowed on "
                                 "'/hello'\"}}");
  assert_non_null(strstr(head.data, "\r\nAllow: GET, HEAD\r\n"));
  buf_reset(&head);
  buf_reset(&body);

  assert_int_equal(request(f.srv.port, "GET", "/api/check?since=2025-13-01",
                           host, NULL, NULL, &body),
                   400);
  assert_string_equal(body.data,
                      "{\"error\":{\"code\":\"bad_parameter\",\"parameter\":"
                      "\"since\",\"message\":\"cannot parse '2025-13-01': "
                      "expected YYYY-MM-DD or YYYYMMDD\"}}");
  buf_reset(&body);
  assert_int_equal(
      request(f.srv.port, "GET", "/api/check?limit=0", host, NULL, NULL, &body),
      400);
  assert_string_equal(body.data,
                      "{\"error\":{\"code\":\"bad_parameter\",\"parameter\":"
                      "\"limit\",\"message\":\"'0' is out of range "
                      "1..100\"}}");
  buf_reset(&body);

  assert_int_equal(
      request(f.srv.port, "POST", "/echo", host, "ping", NULL, &body), 200);
  assert_string_equal(body.data, "ping");
  buf_release(&head);
  buf_release(&body);
  stop(&f);
}

static void test_host_guard(void **state)
{
  struct fixture f;
  struct buf body = BUF_INIT;
  char host[64];
  unsigned port;

  (void)state;
  start(&f, 0, 0);
  port = http_server_port(&f.srv);

  assert_int_equal(
      request(port, "GET", "/hello", "evil.example", NULL, NULL, &body), 403);
  assert_string_equal(body.data, "{\"error\":{\"code\":\"bad_host\","
                                 "\"message\":\"host 'evil.example' is not "
                                 "allowed\"}}");
  buf_reset(&body);
  snprintf(host, sizeof(host), "evil.example:%u", port);
  assert_int_equal(request(port, "GET", "/hello", host, NULL, NULL, NULL), 403);
  snprintf(host, sizeof(host), "localhost:%u", port);
  assert_int_equal(request(port, "GET", "/hello", host, NULL, NULL, &body),
                   200);
  assert_string_equal(body.data, "hi");
  snprintf(host, sizeof(host), "localhost:%u", port + 1);
  assert_int_equal(request(port, "GET", "/hello", host, NULL, NULL, NULL), 403);
  snprintf(host, sizeof(host), "[::1]:%u", port);
  assert_int_equal(request(port, "GET", "/hello", host, NULL, NULL, NULL), 200);
  assert_int_equal(
      request(port, "GET", "/hello", "LOCALHOST", NULL, NULL, NULL), 200);
  /* the guard runs before routing: no 404 leaks to a foreign page */
  assert_int_equal(
      request(port, "GET", "/missing", "evil.example", NULL, NULL, NULL), 403);
  buf_release(&body);
  stop(&f);
}

static void test_host_ok_rules(void **state)
{
  struct http_server s;

  (void)state;
  memset(&s, 0, sizeof(s));
  memcpy(s.host, "192.168.1.5", 12);
  s.port = 3456;
  assert_int_equal(http_server_host_ok(&s, "192.168.1.5:3456"), 1);
  assert_int_equal(http_server_host_ok(&s, "192.168.1.5"), 1);
  assert_int_equal(http_server_host_ok(&s, "127.0.0.1:3456"), 1);
  assert_int_equal(http_server_host_ok(&s, "[::1]"), 1);
  assert_int_equal(http_server_host_ok(&s, "192.168.1.6:3456"), 0);
  assert_int_equal(http_server_host_ok(&s, "localhost:"), 0);
  assert_int_equal(http_server_host_ok(&s, "localhost:03456x"), 0);
  assert_int_equal(http_server_host_ok(&s, "localhost:999999"), 0);
  assert_int_equal(http_server_host_ok(&s, "[::1]x"), 0);
  assert_int_equal(http_server_host_ok(&s, "localhost.evil"), 0);
  assert_int_equal(http_server_host_ok(&s, ""), 0);
  assert_int_equal(http_server_host_ok(&s, NULL), 0);
  memcpy(s.host, "::1", 4);
  assert_int_equal(http_server_host_ok(&s, "[::1]:3456"), 1);
}

static void test_loopback(void **state)
{
  (void)state;
  assert_int_equal(http_is_loopback("localhost"), 1);
  assert_int_equal(http_is_loopback("127.0.0.1"), 1);
  assert_int_equal(http_is_loopback("127.1.2.3"), 1);
  assert_int_equal(http_is_loopback("::1"), 1);
  assert_int_equal(http_is_loopback("[::1]"), 1);
  assert_int_equal(http_is_loopback("::ffff:127.0.0.1"), 1);
  assert_int_equal(http_is_loopback("0.0.0.0"), 0);
  assert_int_equal(http_is_loopback("::"), 0);
  assert_int_equal(http_is_loopback("192.168.0.1"), 0);
  assert_int_equal(http_is_loopback("128.0.0.1"), 0);
  assert_int_equal(http_is_loopback("localhost.example.com"), 0);
  assert_int_equal(http_is_loopback(""), 0);
}

static void test_body_cap_and_port_in_use(void **state)
{
  struct fixture f;
  struct http_server other;
  struct http_config cfg = {0};
  struct err e = ERR_INIT;
  struct buf body = BUF_INIT;
  char host[64], msg[128];

  (void)state;
  start(&f, 0, 8);
  snprintf(host, sizeof(host), "localhost:%u", f.srv.port);
  assert_int_equal(
      request(f.srv.port, "POST", "/echo", host, "12345678", NULL, &body), 200);
  assert_string_equal(body.data, "12345678");
  buf_reset(&body);
  assert_int_equal(
      request(f.srv.port, "POST", "/echo", host, "123456789", NULL, &body),
      413);
  assert_string_equal(body.data, "{\"error\":{\"code\":\"payload_too_large\","
                                 "\"message\":\"body larger than 8 "
                                 "bytes\"}}");

  cfg.host = "127.0.0.1";
  cfg.port = f.srv.port;
  cfg.router = &f.router;
  assert_int_equal(http_server_start(&other, &cfg, &e), ERR_IO);
  snprintf(msg, sizeof(msg),
           "cannot listen on '127.0.0.1:%u': Address already in use",
           f.srv.port);
  assert_string_equal(e.msg, msg);
  http_server_stop(&other);
  buf_release(&body);
  stop(&f);
}

/* Decodes the complete chunks of a chunked body in raw[0..n). */
static void dechunk(const char *raw, size_t n, struct buf *out)
{
  const char *p = raw, *end = raw + n, *nl;
  unsigned long len;

  buf_reset(out);
  while (p < end && (nl = memchr(p, '\n', (size_t)(end - p)))) {
    len = strtoul(p, NULL, 16);
    if (len == 0 || (size_t)(end - (nl + 1)) < len + 2)
      return;
    buf_add(out, nl + 1, len);
    p = nl + 1 + len + 2;
  }
}

/* Reads the stream on fd until its decoded body contains want. */
static int stream_until(int fd, struct buf *raw, struct buf *body,
                        const char *want, int timeout_ms)
{
  const char *sep;
  int waited = 0;

  for (;;) {
    sep = strstr(raw->data, "\r\n\r\n");
    if (sep) {
      dechunk(sep + 4, raw->len - (size_t)(sep + 4 - raw->data), body);
      if (strstr(body->data, want))
        return 1;
    }
    if (waited >= timeout_ms || read_some(fd, raw, 100) == 0)
      return 0;
    waited += 100;
  }
}

static int open_path(unsigned port, const char *path, struct buf *raw)
{
  char req[128];
  int fd = connect_to(port);

  snprintf(req, sizeof(req),
           "GET %s HTTP/1.1\r\nHost: localhost:%u\r\n"
           "Accept: text/event-stream\r\n\r\n",
           path, port);
  send_all(fd, req, strlen(req));
  buf_reset(raw);
  return fd;
}

static int open_stream(unsigned port, struct buf *raw)
{
  return open_path(port, "/api/stream", raw);
}

static int64_t now_ms(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void test_sse_events_in_order(void **state)
{
  struct fixture f;
  struct buf raw = BUF_INIT, body = BUF_INIT;
  int fd, i;

  (void)state;
  start(&f, 0, 0);
  fd = open_stream(f.srv.port, &raw);
  assert_int_equal(stream_until(fd, &raw, &body, ": ok\n\n", 3000), 1);
  assert_non_null(strstr(raw.data, "HTTP/1.1 200 OK\r\n"));
  assert_non_null(strstr(raw.data, "\r\nContent-Type: text/event-stream\r\n"));
  assert_non_null(strstr(raw.data, "\r\nContent-Security-Policy: "));
  assert_non_null(strstr(raw.data, "\r\nX-Content-Type-Options: nosniff\r\n"));
  assert_non_null(strstr(raw.data, "\r\nReferrer-Policy: no-referrer\r\n"));
  assert_int_equal(sse_count(&f.hub), 1);

  assert_int_equal(sse_publish(&f.hub, "usage", "{\"n\":1}"), 0);
  assert_int_equal(sse_publish(&f.hub, "usage", "{\"n\":2}"), 0);
  assert_int_equal(sse_publish(&f.hub, "bad name", "{}"), ERR_USAGE);
  assert_int_equal(sse_publish(&f.hub, "x", "a\rb"), ERR_USAGE);
  assert_int_equal(sse_publish(&f.hub, "quota", "line1\nline2"), 0);
  assert_int_equal(stream_until(fd, &raw, &body, "data: line2\n\n", 3000), 1);
  assert_string_equal(body.data, ": ok\n\n"
                                 "event: usage\ndata: {\"n\":1}\n\n"
                                 "event: usage\ndata: {\"n\":2}\n\n"
                                 "event: quota\ndata: line1\ndata: line2\n\n");

  /* the client goes away: the stream leaves the hub within a second or so */
  close(fd);
  for (i = 0; i < 50 && sse_count(&f.hub); i++)
    usleep(100 * 1000);
  assert_int_equal(sse_count(&f.hub), 0);
  buf_release(&raw);
  buf_release(&body);
  stop(&f);
}

static void test_sse_many_streams(void **state)
{
  struct fixture f;
  struct buf raw[3], body = BUF_INIT, want = BUF_INIT;
  char data[32];
  int fd[3], i;

  (void)state;
  start(&f, 0, 0);
  buf_adds(&want, ": ok\n\n");
  for (i = 0; i < 3; i++) {
    buf_init(&raw[i], 0);
    fd[i] = open_stream(f.srv.port, &raw[i]);
    assert_int_equal(stream_until(fd[i], &raw[i], &body, ": ok\n\n", 3000), 1);
  }
  assert_int_equal(sse_count(&f.hub), 3);
  for (i = 0; i < 300; i++) {
    snprintf(data, sizeof(data), "{\"n\":%d}", i);
    assert_int_equal(sse_publish(&f.hub, "usage", data), 0);
    buf_addf(&want, "event: usage\ndata: %s\n\n", data);
  }
  for (i = 0; i < 3; i++) {
    assert_int_equal(
        stream_until(fd[i], &raw[i], &body, "{\"n\":299}\n\n", 5000), 1);
    assert_string_equal(body.data, want.data);
    close(fd[i]);
    buf_release(&raw[i]);
  }
  buf_release(&body);
  buf_release(&want);
  stop(&f);
}

static void test_sse_first_event_per_client(void **state)
{
  struct fixture f;
  struct buf raw[2], body = BUF_INIT, ev = BUF_INIT;
  int fd[2], i;

  (void)state;
  start(&f, 0, 0);
  for (i = 0; i < 2; i++)
    buf_init(&raw[i], 0);
  fd[0] = open_path(f.srv.port, "/api/greet", &raw[0]);
  assert_int_equal(stream_until(fd[0], &raw[0], &body, "}\n\n", 3000), 1);
  assert_string_equal(body.data, ": ok\n\nevent: hello\ndata: {\"n\":1}\n\n");
  assert_non_null(
      strstr(raw[0].data, "\r\nContent-Type: text/event-stream\r\n"));
  /* the second client hears its own hello; the first hears nothing new */
  fd[1] = open_path(f.srv.port, "/api/greet", &raw[1]);
  assert_int_equal(stream_until(fd[1], &raw[1], &body, "}\n\n", 3000), 1);
  assert_string_equal(body.data, ": ok\n\nevent: hello\ndata: {\"n\":2}\n\n");
  assert_int_equal(sse_publish(&f.hub, "usage", "{}"), 0);
  for (i = 0; i < 2; i++) {
    assert_int_equal(
        stream_until(fd[i], &raw[i], &body, "event: usage\ndata: {}\n\n", 3000),
        1);
    assert_int_equal(strstr(body.data, "event: hello") - body.data, 6);
    assert_null(strstr(body.data + 7, "event: hello"));
    close(fd[i]);
    buf_release(&raw[i]);
  }
  /* a bad event leaves the body as it was */
  buf_adds(&ev, "x");
  assert_int_equal(sse_event(&ev, "bad name", "{}"), ERR_USAGE);
  assert_int_equal(sse_event(&ev, "hello", "a\rb"), ERR_USAGE);
  assert_string_equal(ev.data, "x");
  assert_int_equal(sse_event(&ev, "hello", "a\nb"), 0);
  assert_string_equal(ev.data, "xevent: hello\ndata: a\ndata: b\n\n");
  buf_release(&ev);
  buf_release(&body);
  stop(&f);
}

static void test_sse_heartbeat_and_stop(void **state)
{
  struct fixture f;
  struct buf raw = BUF_INIT, body = BUF_INIT;
  int64_t t0;
  int fd, fd2;

  (void)state;
  start(&f, 200, 0);
  fd = open_stream(f.srv.port, &raw);
  assert_int_equal(stream_until(fd, &raw, &body, ": heartbeat\n\n", 3000), 1);
  assert_string_equal(body.data, ": ok\n\n: heartbeat\n\n");

  /* stopping with a stream open ends it at once instead of hanging */
  fd2 = open_stream(f.srv.port, &raw);
  assert_int_equal(stream_until(fd2, &raw, &body, ": ok\n\n", 3000), 1);
  assert_int_equal(sse_count(&f.hub), 2);
  t0 = now_ms();
  http_server_stop(&f.srv);
  assert_true(now_ms() - t0 < 900);
  assert_int_equal(sse_count(&f.hub), 0);
  http_server_stop(&f.srv); /* twice is harmless */
  close(fd);
  close(fd2);
  buf_release(&raw);
  buf_release(&body);
  stop(&f);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_routes_over_http),
      cmocka_unit_test(test_host_guard),
      cmocka_unit_test(test_host_ok_rules),
      cmocka_unit_test(test_loopback),
      cmocka_unit_test(test_body_cap_and_port_in_use),
      cmocka_unit_test(test_sse_events_in_order),
      cmocka_unit_test(test_sse_many_streams),
      cmocka_unit_test(test_sse_first_event_per_client),
      cmocka_unit_test(test_sse_heartbeat_and_stop),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
