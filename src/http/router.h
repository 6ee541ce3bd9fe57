/* HTTP requests, responses and the method + path route table. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_HTTP_ROUTER_H
#define TOKMETER_HTTP_ROUTER_H

#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

struct sse;

/*
 * Nothing here knows libmicrohttpd: src/http/server.c turns a connection
 * into a struct http_request, calls http_router_dispatch() and sends the
 * struct http_response, so routes and handlers are testable without a
 * socket.
 *
 * Every error body, from the router, the server and the handlers, has one
 * shape (docs/api.md):
 *
 *   {"error":{"code":"bad_parameter","parameter":"since",
 *             "message":"cannot parse 'x': expected YYYY-MM-DD"}}
 *
 * "parameter" is present only when one query or path parameter is at
 * fault. Codes: bad_parameter (400), bad_host (403), not_found (404),
 * method_not_allowed (405), payload_too_large (413), unavailable (503),
 * internal (500).
 */

#define HTTP_MAX_PATH_PARAMS 8
#define HTTP_MAX_RESPONSE_HEADERS 16

/* A name and a value, both owned by the struct that holds the pair. */
struct http_kv {
  char *name;
  char *value;
};

/*
 * One request as a handler sees it. method and path are borrowed (they
 * outlive the handler call); path is the decoded path without the query.
 * The request owns the copies in params, query and headers;
 * http_request_release() frees them. body (borrowed, NUL-terminated) is
 * the request body, "" when there is none.
 */
struct http_request {
  const char *method;
  const char *path;
  struct http_kv params[HTTP_MAX_PATH_PARAMS]; /* set by the router */
  size_t nparams;
  struct http_kv *query;
  size_t nquery, cap_query;
  struct http_kv *headers;
  size_t nheaders, cap_headers;
  const char *body;
  size_t body_len;
  char peer[64]; /* the client's address as the socket sees it, or "" */
};

void http_request_init(struct http_request *req, const char *method,
                       const char *path);
void http_request_release(struct http_request *req);
/* Copies name and value; repeated names are kept in order. */
void http_request_add_query(struct http_request *req, const char *name,
                            const char *value);
void http_request_add_header(struct http_request *req, const char *name,
                             const char *value);
/* A {name} segment of the matched route, or NULL. */
const char *http_request_param(const struct http_request *req,
                               const char *name);
/* The first value of a query parameter (may be ""), or NULL if absent. */
const char *http_request_query(const struct http_request *req,
                               const char *name);
/* A header value by case-insensitive name, or NULL. */
const char *http_request_header(const struct http_request *req,
                                const char *name);

/*
 * What a handler fills in. http_response_init() gives 200, JSON, an empty
 * body, no extra headers and no stream. content_type is borrowed (use a
 * string literal). Setting stream makes the server answer with a
 * Server-Sent Events stream subscribed to that hub (src/http/sse.h); body
 * is then sent first on that stream only (events made by sse_event(), or
 * nothing). The hub must outlive the server. The response owns body
 * and the header copies; http_response_release() frees them.
 */
struct http_response {
  int status;
  const char *content_type;
  struct buf body;
  struct http_kv headers[HTTP_MAX_RESPONSE_HEADERS];
  size_t nheaders;
  struct sse *stream;
};

void http_response_init(struct http_response *res);
void http_response_release(struct http_response *res);
/* Adds an extra header (copied). ERR_RANGE when the table is full or a
 * name or value holds CR or LF. */
int http_response_header(struct http_response *res, const char *name,
                         const char *value);
/*
 * Replaces the body with the error shape above and sets status and a JSON
 * content type. parameter may be NULL. Returns 0 or the writer's error.
 */
int http_response_error(struct http_response *res, int status, const char *code,
                        const char *parameter, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/*
 * A handler fills res from req; ctx is the pointer given with the route.
 * It runs on a connection thread of the server, possibly concurrently with
 * other handlers, so whatever ctx points at must be thread-safe.
 */
typedef void (*http_handler_cb)(void *ctx, const struct http_request *req,
                                struct http_response *res);

struct http_route {
  char *method;  /* "GET", "POST", ...; GET routes also answer HEAD */
  char *pattern; /* "/api/sessions/{id}" */
  http_handler_cb handler;
  void *ctx;
};

/* A route table; it owns the method and pattern copies. */
struct http_router {
  struct http_route *routes;
  size_t n, cap;
};

void http_router_init(struct http_router *r);
void http_router_release(struct http_router *r);

/*
 * Adds a route. pattern starts with '/' and holds literal segments and
 * whole-segment parameters "{name}" (name: letters, digits, '_'; at most
 * HTTP_MAX_PATH_PARAMS). A parameter matches one non-empty segment. Routes
 * are tried in the order added. Returns 0 or ERR_USAGE for a bad pattern.
 */
int http_router_add(struct http_router *r, const char *method,
                    const char *pattern, http_handler_cb handler, void *ctx,
                    struct err *e);

/*
 * Finds the route for req->method and req->path, stores its parameters in
 * req and calls its handler with res (already initialised by the caller).
 * When no pattern matches the path: 404 not_found. When patterns match
 * but none for this method: 405 method_not_allowed with an Allow header.
 * Returns 0 when a handler ran, 404 or 405 otherwise.
 */
int http_router_dispatch(const struct http_router *r, struct http_request *req,
                         struct http_response *res);

/*
 * Matches path against pattern, filling req->params on success (and
 * clearing them otherwise). Returns 1 on a match, 0 otherwise. Exposed for
 * tests.
 */
int http_route_match(const char *pattern, const char *path,
                     struct http_request *req);

#endif
