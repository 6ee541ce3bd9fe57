/* HTTP requests, responses and the method + path route table. */
/* SPDX-License-Identifier: MIT */
#include "http/router.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/jsonw.h"
#include "util/xalloc.h"
#include "util/banned.h"

void http_request_init(struct http_request *req, const char *method,
                       const char *path)
{
  memset(req, 0, sizeof(*req));
  req->method = method;
  req->path = path;
  req->body = "";
}

static void kv_free(struct http_kv *kv, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++) {
    free(kv[i].name);
    free(kv[i].value);
  }
}

static void clear_params(struct http_request *req)
{
  kv_free(req->params, req->nparams);
  req->nparams = 0;
}

void http_request_release(struct http_request *req)
{
  clear_params(req);
  kv_free(req->query, req->nquery);
  free(req->query);
  kv_free(req->headers, req->nheaders);
  free(req->headers);
  http_request_init(req, req->method, req->path);
}

static void kv_push(struct http_kv **arr, size_t *n, size_t *cap,
                    const char *name, const char *value)
{
  *arr = xgrow(*arr, cap, *n + 1, sizeof(**arr));
  (*arr)[*n].name = xstrdup(name);
  (*arr)[*n].value = xstrdup(value);
  (*n)++;
}

void http_request_add_query(struct http_request *req, const char *name,
                            const char *value)
{
  kv_push(&req->query, &req->nquery, &req->cap_query, name, value);
}

void http_request_add_header(struct http_request *req, const char *name,
                             const char *value)
{
  kv_push(&req->headers, &req->nheaders, &req->cap_headers, name, value);
}

const char *http_request_param(const struct http_request *req, const char *name)
{
  size_t i;

  for (i = 0; i < req->nparams; i++)
    if (strcmp(req->params[i].name, name) == 0)
      return req->params[i].value;
  return NULL;
}

const char *http_request_query(const struct http_request *req, const char *name)
{
  size_t i;

  for (i = 0; i < req->nquery; i++)
    if (strcmp(req->query[i].name, name) == 0)
      return req->query[i].value;
  return NULL;
}

const char *http_request_header(const struct http_request *req,
                                const char *name)
{
  size_t i;

  for (i = 0; i < req->nheaders; i++)
    if (strcasecmp(req->headers[i].name, name) == 0)
      return req->headers[i].value;
  return NULL;
}

void http_response_init(struct http_response *res)
{
  memset(res, 0, sizeof(*res));
  res->status = 200;
  res->content_type = "application/json";
  buf_init(&res->body, 0);
}

void http_response_release(struct http_response *res)
{
  buf_release(&res->body);
  kv_free(res->headers, res->nheaders);
  res->nheaders = 0;
  res->stream = NULL;
}

int http_response_header(struct http_response *res, const char *name,
                         const char *value)
{
  if (res->nheaders == HTTP_MAX_RESPONSE_HEADERS || strpbrk(name, "\r\n:") ||
      strpbrk(value, "\r\n"))
    return ERR_RANGE;
  res->headers[res->nheaders].name = xstrdup(name);
  res->headers[res->nheaders].value = xstrdup(value);
  res->nheaders++;
  return 0;
}

int http_response_error(struct http_response *res, int status, const char *code,
                        const char *parameter, const char *fmt, ...)
{
  struct buf msg = BUF_INIT;
  struct jsonw w;
  va_list ap;

  va_start(ap, fmt);
  buf_vaddf(&msg, fmt, ap);
  va_end(ap);
  res->status = status;
  res->content_type = "application/json";
  buf_reset(&res->body);
  jsonw_init(&w, &res->body, 0);
  jsonw_obj_begin(&w);
  jsonw_key(&w, "error");
  jsonw_obj_begin(&w);
  jsonw_key(&w, "code");
  jsonw_strz(&w, code);
  if (parameter) {
    jsonw_key(&w, "parameter");
    jsonw_strz(&w, parameter);
  }
  jsonw_key(&w, "message");
  jsonw_str(&w, msg.data, msg.len);
  jsonw_obj_end(&w);
  jsonw_obj_end(&w);
  buf_release(&msg);
  return jsonw_finish(&w);
}

void http_router_init(struct http_router *r)
{
  memset(r, 0, sizeof(*r));
}

void http_router_release(struct http_router *r)
{
  size_t i;

  for (i = 0; i < r->n; i++) {
    free(r->routes[i].method);
    free(r->routes[i].pattern);
  }
  free(r->routes);
  http_router_init(r);
}

/* Length of the segment at s (up to '/' or the end). */
static size_t seg_len(const char *s)
{
  return strcspn(s, "/");
}

static int is_param_seg(const char *s, size_t n)
{
  return n >= 2 && s[0] == '{' && s[n - 1] == '}';
}

static int check_pattern(const char *pattern, struct err *e)
{
  const char *p = pattern;
  size_t nparams = 0, n, i;

  if (p[0] != '/')
    return err_set(e, ERR_USAGE, "bad route '%s': must start with '/'",
                   pattern);
  while (*p == '/') {
    p++;
    n = seg_len(p);
    if (memchr(p, '{', n) || memchr(p, '}', n)) {
      if (!is_param_seg(p, n) || n == 2)
        return err_set(e, ERR_USAGE,
                       "bad route '%s': '{name}' must be a whole segment",
                       pattern);
      for (i = 1; i + 1 < n; i++)
        if (!(p[i] == '_' || (p[i] >= '0' && p[i] <= '9') ||
              (p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z')))
          return err_set(e, ERR_USAGE, "bad route '%s': bad parameter name",
                         pattern);
      if (++nparams > HTTP_MAX_PATH_PARAMS)
        return err_set(e, ERR_USAGE, "bad route '%s': too many parameters",
                       pattern);
    }
    p += n;
  }
  return 0;
}

int http_router_add(struct http_router *r, const char *method,
                    const char *pattern, http_handler_cb handler, void *ctx,
                    struct err *e)
{
  struct http_route *rt;
  int rc;

  if ((rc = check_pattern(pattern, e)))
    return rc;
  if (!method[0] || strpbrk(method, " \r\n"))
    return err_set(e, ERR_USAGE, "bad route method '%s'", method);
  r->routes = xgrow(r->routes, &r->cap, r->n + 1, sizeof(*r->routes));
  rt = &r->routes[r->n++];
  rt->method = xstrdup(method);
  rt->pattern = xstrdup(pattern);
  rt->handler = handler;
  rt->ctx = ctx;
  return 0;
}

int http_route_match(const char *pattern, const char *path,
                     struct http_request *req)
{
  const char *p = pattern, *s = path;
  size_t pn, sn;

  clear_params(req);
  while (*p == '/' && *s == '/') {
    p++;
    s++;
    pn = seg_len(p);
    sn = seg_len(s);
    if (is_param_seg(p, pn)) {
      if (sn == 0)
        goto fail;
      req->params[req->nparams].name = xstrndup(p + 1, pn - 2);
      req->params[req->nparams].value = xstrndup(s, sn);
      req->nparams++;
    } else if (pn != sn || memcmp(p, s, pn) != 0) {
      goto fail;
    }
    p += pn;
    s += sn;
  }
  if (*p == '\0' && *s == '\0')
    return 1;
fail:
  clear_params(req);
  return 0;
}

static int method_ok(const char *route, const char *req)
{
  return strcmp(route, req) == 0 ||
         (strcmp(route, "GET") == 0 && strcmp(req, "HEAD") == 0);
}

static void add_allowed(struct buf *allow, const char *method)
{
  const char *p = allow->data;
  size_t n = strlen(method);

  while ((p = strstr(p, method))) {
    if ((p == allow->data || p[-1] == ' ') && (p[n] == ',' || !p[n]))
      return;
    p += n;
  }
  if (allow->len)
    buf_adds(allow, ", ");
  buf_adds(allow, method);
}

int http_router_dispatch(const struct http_router *r, struct http_request *req,
                         struct http_response *res)
{
  struct buf allow = BUF_INIT;
  size_t i;

  for (i = 0; i < r->n; i++) {
    const struct http_route *rt = &r->routes[i];

    if (!http_route_match(rt->pattern, req->path, req))
      continue;
    if (method_ok(rt->method, req->method)) {
      buf_release(&allow);
      rt->handler(rt->ctx, req, res);
      return 0;
    }
    add_allowed(&allow, rt->method);
    if (strcmp(rt->method, "GET") == 0)
      add_allowed(&allow, "HEAD");
  }
  clear_params(req);
  if (allow.len) {
    http_response_error(res, 405, "method_not_allowed", NULL,
                        "method '%s' not allowed on '%s'", req->method,
                        req->path);
    http_response_header(res, "Allow", allow.data);
    buf_release(&allow);
    return 405;
  }
  http_response_error(res, 404, "not_found", NULL, "no route for '%s'",
                      req->path);
  return 404;
}
