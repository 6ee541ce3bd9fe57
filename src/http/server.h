/* The HTTP server: a libmicrohttpd daemon in front of a route table. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_HTTP_SERVER_H
#define TOKMETER_HTTP_SERVER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

#include "http/router.h"
#include "http/sse.h"
#include "util/err.h"

/*
 * Thread model: libmicrohttpd runs thread-per-connection (plus its own
 * listening thread). Each connection's requests run on that connection's
 * thread, so handlers may run concurrently, and a Server-Sent Events
 * stream simply blocks its thread in the hub's condition variable until
 * there is something to send (the polling modes would need
 * suspend/resume and busy callbacks instead). max_connections bounds the
 * number of threads.
 *
 * Every request passes, in order:
 *   1. the Host guard (DNS rebinding): the Host header must name the bound
 *      host, "localhost", "127.0.0.1" or "[::1]" (case-insensitive), with
 *      no port or the bound port; else 403 bad_host. allowed_hosts adds
 *      names; the name "*" turns the guard off (a team server behind a
 *      proxy that checks names itself);
 *   2. the body cap: a body over max_body gives 413 payload_too_large;
 *   3. CORS: a preflight (OPTIONS with an Origin) from an allowed origin
 *      gets 204 and the Access-Control-Allow-* headers, from any other
 *      origin 403 forbidden_origin; other requests from an allowed origin
 *      get Access-Control-Allow-Origin and "Vary: Origin";
 *   4. the router (404, 405 or the handler's response).
 * Every response, streams included, gets HTTP_CSP as its
 * Content-Security-Policy, "X-Content-Type-Options: nosniff" and
 * "Referrer-Policy: no-referrer"; all but streams get, unless the handler
 * set one, "Cache-Control: no-store". Nothing is printed: the library's
 * own error log is off.
 */
#define HTTP_CSP                                                               \
  "default-src 'self'; script-src 'self'; style-src 'self'; "                  \
  "img-src 'self' data:; connect-src 'self'"

struct http_config {
  const char *host; /* address or name to bind; NULL = "127.0.0.1" */
  unsigned port;    /* 0 = an ephemeral port (see http_server_port) */
  const struct http_router *router; /* borrowed; outlives the server */
  const char *const *allowed_hosts; /* NULL-terminated, or NULL */
  size_t max_body;                  /* 0 = 1 MiB */
  unsigned max_connections;         /* 0 = 64 */
  /* Origins (scheme://host[:port]) whose pages may call the API from a
   * browser (CORS), NULL-terminated; NULL or empty: none. */
  const char *const *allowed_origins;
  /* TLS (libmicrohttpd's GnuTLS): PEM certificate chain and key, both or
   * neither; borrowed until http_server_start() returns. */
  const char *tls_cert_pem, *tls_key_pem;
};

/*
 * Lives in caller storage. Zero-initialise it (or let a failed
 * http_server_start() leave it) and http_server_stop() is a no-op. It owns
 * the daemon, the copies of the host names and the list of SSE hubs it
 * served (the hubs themselves are the caller's).
 */
struct http_server {
  struct MHD_Daemon *daemon;
  const struct http_router *router;
  char host[256]; /* as bound, without IPv6 brackets */
  unsigned port;  /* the bound port */
  char **allowed;
  size_t nallowed;
  char **origins;
  size_t norigins;
  int any_host;
  size_t max_body;
  atomic_int stopping;
  pthread_mutex_t mu; /* guards hubs */
  struct sse **hubs;
  size_t nhubs, cap_hubs;
};

/*
 * Binds host:port (the first address of host, IPv4 preferred), listens and
 * starts serving. Returns 0, ERR_USAGE for a host that does not resolve,
 * or ERR_IO ("cannot listen on '127.0.0.1:3456': Address already in use").
 * Binding anything but loopback is the caller's decision: the command
 * requires an explicit --host for it (see http_is_loopback).
 */
int http_server_start(struct http_server *s, const struct http_config *cfg,
                      struct err *e);

/* The bound port (the real one when the config asked for 0). */
unsigned http_server_port(const struct http_server *s);

/*
 * Stops accepting, ends open SSE streams, waits for every connection
 * thread and frees what s owns. Safe on a stopped or never-started (zeroed)
 * server.
 */
void http_server_stop(struct http_server *s);

/*
 * 1 when host is a loopback name or address: "localhost", 127.0.0.0/8,
 * "::1" or "[::1]", "::ffff:127.x.y.z". Names are not resolved.
 */
int http_is_loopback(const char *host);

/*
 * The Host guard (rule 1 above) for one Host header value; NULL (no
 * header) is refused. 1 = allowed. Exposed for tests.
 */
int http_server_host_ok(const struct http_server *s, const char *hosthdr);

#endif
