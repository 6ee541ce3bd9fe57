/* The HTTP server: a libmicrohttpd daemon in front of a route table. */
/* SPDX-License-Identifier: MIT */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "util/xalloc.h"
#include "util/banned.h"

#define DEFAULT_MAX_BODY (1024 * 1024)
#define DEFAULT_MAX_CONNECTIONS 64
#define CONNECTION_TIMEOUT_S 60

/* Per-request state between libmicrohttpd's calls. */
struct conn_state {
  struct buf body;
  int too_large;
};

int http_is_loopback(const char *host)
{
  char tmp[INET6_ADDRSTRLEN + 2];
  struct in6_addr a6;
  struct in_addr a4;
  size_t n = strlen(host);

  if (strcasecmp(host, "localhost") == 0)
    return 1;
  if (inet_pton(AF_INET, host, &a4) == 1)
    return (ntohl(a4.s_addr) >> 24) == 127;
  if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
    if (n - 2 >= sizeof(tmp))
      return 0;
    memcpy(tmp, host + 1, n - 2);
    tmp[n - 2] = '\0';
    host = tmp;
  }
  if (inet_pton(AF_INET6, host, &a6) != 1)
    return 0;
  if (IN6_IS_ADDR_LOOPBACK(&a6))
    return 1;
  return IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127;
}

/* Compares the n bytes at name with the host s, ignoring case. */
static int name_is(const char *name, size_t n, const char *s)
{
  return strlen(s) == n && strncasecmp(name, s, n) == 0;
}

int http_server_host_ok(const struct http_server *s, const char *hosthdr)
{
  const char *port = NULL, *end;
  size_t n, i;
  char bracketed[260];

  if (s->any_host)
    return 1;
  if (!hosthdr || !hosthdr[0])
    return 0;
  if (hosthdr[0] == '[') {
    end = strchr(hosthdr, ']');
    if (!end)
      return 0;
    n = (size_t)(end - hosthdr) + 1;
    if (end[1] == ':')
      port = end + 2;
    else if (end[1])
      return 0;
  } else {
    end = strchr(hosthdr, ':');
    n = end ? (size_t)(end - hosthdr) : strlen(hosthdr);
    if (end)
      port = end + 1;
  }
  if (port) {
    unsigned long v = 0;
    const char *p;

    if (!*port || strlen(port) > 5)
      return 0;
    for (p = port; *p; p++) {
      if (*p < '0' || *p > '9')
        return 0;
      v = v * 10 + (unsigned long)(*p - '0');
    }
    if (v != s->port)
      return 0;
  }
  if (name_is(hosthdr, n, "localhost") || name_is(hosthdr, n, "127.0.0.1") ||
      name_is(hosthdr, n, "[::1]") || name_is(hosthdr, n, s->host))
    return 1;
  snprintf(bracketed, sizeof(bracketed), "[%s]", s->host);
  if (strchr(s->host, ':') && name_is(hosthdr, n, bracketed))
    return 1;
  for (i = 0; i < s->nallowed; i++)
    if (name_is(hosthdr, n, s->allowed[i]))
      return 1;
  return 0;
}

static enum MHD_Result add_query(void *cls, enum MHD_ValueKind kind,
                                 const char *key, const char *value)
{
  (void)kind;
  http_request_add_query(cls, key, value ? value : "");
  return MHD_YES;
}

static enum MHD_Result add_header(void *cls, enum MHD_ValueKind kind,
                                  const char *key, const char *value)
{
  (void)kind;
  http_request_add_header(cls, key, value ? value : "");
  return MHD_YES;
}

static void remember_hub(struct http_server *s, struct sse *hub)
{
  size_t i;

  pthread_mutex_lock(&s->mu);
  for (i = 0; i < s->nhubs && s->hubs[i] != hub; i++)
    ;
  if (i == s->nhubs) {
    s->hubs = xgrow(s->hubs, &s->cap_hubs, s->nhubs + 1, sizeof(struct sse *));
    s->hubs[s->nhubs++] = hub;
  }
  pthread_mutex_unlock(&s->mu);
}

static struct MHD_Response *make_response(struct http_server *s,
                                          struct MHD_Connection *c,
                                          const struct http_response *res)
{
  struct MHD_Response *r;
  size_t i;
  int has_cache = 0;

  if (res->stream) {
    remember_hub(s, res->stream);
    r = sse__response(res->stream, c, &s->stopping, res->body.data,
                      res->body.len);
  } else {
    r = MHD_create_response_from_buffer(res->body.len, res->body.data,
                                        MHD_RESPMEM_MUST_COPY);
    if (r)
      MHD_add_response_header(r, "Content-Type", res->content_type);
  }
  if (!r)
    return NULL;
  for (i = 0; i < res->nheaders; i++) {
    MHD_add_response_header(r, res->headers[i].name, res->headers[i].value);
    if (strcasecmp(res->headers[i].name, "Cache-Control") == 0)
      has_cache = 1;
  }
  /* The page loads nothing from elsewhere and runs no inline code. */
  MHD_add_response_header(r, "Content-Security-Policy", HTTP_CSP);
  MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
  if (!res->stream && !has_cache)
    MHD_add_response_header(r, "Cache-Control", "no-store");
  return r;
}

/* The client's address into req->peer. */
static void peer_of(struct MHD_Connection *c, struct http_request *req)
{
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  const struct sockaddr *sa = ci ? ci->client_addr : NULL;

  req->peer[0] = '\0';
  if (sa && sa->sa_family == AF_INET)
    inet_ntop(AF_INET,
              &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
              req->peer, sizeof(req->peer));
  else if (sa && sa->sa_family == AF_INET6)
    inet_ntop(AF_INET6,
              &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
              req->peer, sizeof(req->peer));
}

static int origin_ok(const struct http_server *s, const char *origin)
{
  size_t i;

  for (i = 0; origin && i < s->norigins; i++)
    if (!strcmp(origin, s->origins[i]))
      return 1;
  return 0;
}

/* CORS (server.h): 1 when the preflight is answered in res. */
static int cors(const struct http_server *s, const struct http_request *req,
                struct http_response *res)
{
  const char *origin = http_request_header(req, "Origin");
  int ok = origin_ok(s, origin);

  if (ok) {
    http_response_header(res, "Access-Control-Allow-Origin", origin);
    http_response_header(res, "Vary", "Origin");
  }
  if (!origin || strcmp(req->method, "OPTIONS") != 0)
    return 0;
  if (!ok) {
    http_response_error(res, 403, "forbidden_origin", NULL,
                        "origin '%.100s' is not allowed", origin);
    return 1;
  }
  res->status = 204;
  http_response_header(res, "Access-Control-Allow-Methods",
                       "GET, POST, DELETE, OPTIONS");
  http_response_header(res, "Access-Control-Allow-Headers",
                       "Authorization, Content-Type, Last-Event-ID");
  http_response_header(res, "Access-Control-Max-Age", "600");
  return 1;
}

static enum MHD_Result respond(struct http_server *s, struct MHD_Connection *c,
                               const char *url, const char *method,
                               struct conn_state *st)
{
  struct http_request req;
  struct http_response res;
  struct MHD_Response *r;
  enum MHD_Result ok;
  const char *host;

  http_request_init(&req, method, url);
  http_response_init(&res);
  MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_query, &req);
  MHD_get_connection_values(c, MHD_HEADER_KIND, add_header, &req);
  host = http_request_header(&req, "Host");
  if (atomic_load(&s->stopping))
    http_response_error(&res, 503, "unavailable", NULL,
                        "server is shutting down");
  else if (!http_server_host_ok(s, host))
    http_response_error(&res, 403, "bad_host", NULL,
                        "host '%.100s' is not allowed", host ? host : "");
  else if (st->too_large)
    http_response_error(&res, 413, "payload_too_large", NULL,
                        "body larger than %zu bytes", s->max_body);
  else if (!cors(s, &req, &res)) {
    req.body = st->body.data;
    req.body_len = st->body.len;
    peer_of(c, &req);
    http_router_dispatch(s->router, &req, &res);
  }
  r = make_response(s, c, &res);
  ok = r ? MHD_queue_response(c, (unsigned)res.status, r) : MHD_NO;
  if (r)
    MHD_destroy_response(r);
  http_response_release(&res);
  http_request_release(&req);
  return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
                                  const char *url, const char *method,
                                  const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
  struct http_server *s = cls;
  struct conn_state *st = *con_cls;

  (void)version;
  if (!st) {
    st = xcalloc(1, sizeof(*st));
    buf_init(&st->body, s->max_body);
    *con_cls = st;
    return MHD_YES;
  }
  if (*upload_size) {
    if (!st->too_large && buf_add(&st->body, upload, *upload_size))
      st->too_large = 1;
    *upload_size = 0;
    return MHD_YES;
  }
  return respond(s, c, url, method, st);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
  struct conn_state *st = *con_cls;

  (void)cls;
  (void)c;
  (void)toe;
  if (st) {
    buf_release(&st->body);
    free(st);
    *con_cls = NULL;
  }
}

/* Creates, binds and listens on a socket for host:port. */
static int listen_on(const char *host, unsigned port, int *fd_out, int *family,
                     struct err *e)
{
  struct addrinfo hints, *res = NULL, *ai, *pick = NULL;
  char portstr[8];
  int fd, one = 1, rc;

  memset(&hints, 0, sizeof(hints));
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  snprintf(portstr, sizeof(portstr), "%u", port);
  if ((rc = getaddrinfo(host, portstr, &hints, &res)))
    return err_set(e, ERR_USAGE, "cannot resolve host '%s': %s", host,
                   gai_strerror(rc));
  for (ai = res; ai; ai = ai->ai_next)
    if (!pick || (ai->ai_family == AF_INET && pick->ai_family != AF_INET))
      pick = ai;
  if (!pick) {
    freeaddrinfo(res);
    return err_set(e, ERR_USAGE, "cannot resolve host '%s'", host);
  }
  fd = socket(pick->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    rc = errno;
    freeaddrinfo(res);
    return err_set(e, ERR_IO, "cannot create socket: %s", strerror(rc));
  }
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (bind(fd, pick->ai_addr, pick->ai_addrlen) || listen(fd, 64)) {
    rc = errno;
    close(fd);
    freeaddrinfo(res);
    return err_set(e, ERR_IO, "cannot listen on '%s:%u': %s", host, port,
                   strerror(rc));
  }
  *family = pick->ai_family;
  freeaddrinfo(res);
  *fd_out = fd;
  return 0;
}

static unsigned bound_port(int fd)
{
  struct sockaddr_storage ss;
  socklen_t len = sizeof(ss);

  memset(&ss, 0, sizeof(ss));
  if (getsockname(fd, (struct sockaddr *)&ss, &len))
    return 0;
  if (ss.ss_family == AF_INET6)
    return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
  return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static void copy_host(struct http_server *s, const char *host)
{
  size_t n = strlen(host);

  if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
    host++;
    n -= 2;
  }
  if (n >= sizeof(s->host))
    n = sizeof(s->host) - 1;
  memcpy(s->host, host, n);
  s->host[n] = '\0';
}

int http_server_start(struct http_server *s, const struct http_config *cfg,
                      struct err *e)
{
  unsigned flags = MHD_USE_THREAD_PER_CONNECTION |
                   MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL;
  const char *const *a;
  int fd = -1, family = AF_INET, rc;

  memset(s, 0, sizeof(*s));
  copy_host(s, cfg->host ? cfg->host : "127.0.0.1");
  if ((rc = listen_on(s->host, cfg->port, &fd, &family, e)))
    return rc;
  s->port = bound_port(fd);
  s->router = cfg->router;
  s->max_body = cfg->max_body ? cfg->max_body : DEFAULT_MAX_BODY;
  for (a = cfg->allowed_origins; a && *a; a++) {
    s->origins = xrealloc(s->origins, (s->norigins + 1) * sizeof(char *));
    s->origins[s->norigins++] = xstrdup(*a);
  }
  for (a = cfg->allowed_hosts; a && *a; a++) {
    if (strcmp(*a, "*") == 0)
      s->any_host = 1;
    s->allowed = xrealloc(s->allowed, (s->nallowed + 1) * sizeof(char *));
    s->allowed[s->nallowed++] = xstrdup(*a);
  }
  pthread_mutex_init(&s->mu, NULL);
  if (family == AF_INET6)
    flags |= MHD_USE_IPv6;
  if (cfg->tls_cert_pem && cfg->tls_key_pem) {
    if (!MHD_is_feature_supported(MHD_FEATURE_TLS)) {
      close(fd);
      http_server_stop(s);
      pthread_mutex_destroy(&s->mu);
      return err_set(e, ERR_USAGE, "this libmicrohttpd has no TLS support");
    }
    s->daemon = MHD_start_daemon(
        flags | MHD_USE_TLS, (uint16_t)s->port, NULL, NULL, on_request, s,
        MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
        s, MHD_OPTION_CONNECTION_LIMIT,
        cfg->max_connections ? cfg->max_connections : DEFAULT_MAX_CONNECTIONS,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONNECTION_TIMEOUT_S,
        MHD_OPTION_HTTPS_MEM_CERT, cfg->tls_cert_pem, MHD_OPTION_HTTPS_MEM_KEY,
        cfg->tls_key_pem, MHD_OPTION_END);
  } else {
    s->daemon = MHD_start_daemon(
        flags, (uint16_t)s->port, NULL, NULL, on_request, s,
        MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
        s, MHD_OPTION_CONNECTION_LIMIT,
        cfg->max_connections ? cfg->max_connections : DEFAULT_MAX_CONNECTIONS,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONNECTION_TIMEOUT_S,
        MHD_OPTION_END);
  }
  if (!s->daemon) {
    rc = errno;
    /* libmicrohttpd may or may not have closed it already */
    if (fcntl(fd, F_GETFD) != -1)
      close(fd);
    http_server_stop(s);
    pthread_mutex_destroy(&s->mu);
    return err_set(e, ERR_IO, "cannot start server on '%s:%u': %s", s->host,
                   s->port, strerror(rc));
  }
  return 0;
}

unsigned http_server_port(const struct http_server *s)
{
  return s->port;
}

void http_server_stop(struct http_server *s)
{
  size_t i;

  if (s->daemon) {
    atomic_store(&s->stopping, 1);
    pthread_mutex_lock(&s->mu);
    for (i = 0; i < s->nhubs; i++)
      sse__wake(s->hubs[i]);
    pthread_mutex_unlock(&s->mu);
    MHD_stop_daemon(s->daemon);
    s->daemon = NULL;
    pthread_mutex_destroy(&s->mu);
  }
  for (i = 0; i < s->nallowed; i++)
    free(s->allowed[i]);
  free(s->allowed);
  for (i = 0; i < s->norigins; i++)
    free(s->origins[i]);
  free(s->origins);
  free(s->hubs);
  s->allowed = NULL;
  s->hubs = NULL;
  s->nallowed = s->nhubs = s->cap_hubs = 0;
}
