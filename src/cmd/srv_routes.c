/* server: the team server's HTTP handlers (docs/api.md, "Team server"). */
/* SPDX-License-Identifier: MIT */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cmd/apictx.h"
#include "cmd/srv.h"
#include "core/civil.h"
#include "http/ingest.h"
#include "http/netaddr.h"
#include "store/admin.h"
#include "report/api.h"
#include "util/jsonw.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define DAY_MS 86400000LL

int64_t srv_now(const struct srv *s)
{
  return cmd_now_ms(s->app, s->pinned);
}

/* Sums the view into s->sum, s->cost and s->unpriced; under s->mu. */
static void sum_totals(struct srv *s)
{
  size_t i;

  memset(&s->sum, 0, sizeof(s->sum));
  s->cost = 0;
  s->unpriced = 0;
  for (i = 0; i < s->view.set.n; i++) {
    const struct event *ev = &s->view.set.ev[i];
    int priced;

    tokens_add(&s->sum, &ev->tok);
    s->cost += pricer_cost(&s->pricer, ev, &priced);
    if (!priced)
      s->unpriced += tokens_total(&ev->tok);
  }
}

/* The team totals (GET /api/usage/totals, the `totals` event), from the
 * sums srv_refresh() keeps; under s->mu. */
static void totals_json(struct srv *s, struct buf *out)
{
  struct jsonw w;
  char iso[32];

  jsonw_init(&w, out, 0);
  jsonw_obj_begin(&w);
  jsonw_key(&w, "generatedAt");
  civil_fmt_iso_ms(srv_now(s), iso);
  jsonw_strz(&w, iso);
  jsonw_key(&w, "dataAsOf");
  if (s->view.set.n) {
    civil_fmt_iso_ms(s->view.set.ev[s->view.set.n - 1].ts_ms, iso);
    jsonw_strz(&w, iso);
  } else {
    jsonw_null(&w);
  }
  api_usage_json(&w, "usage", s->view.set.n, &s->sum, s->cost, s->unpriced);
  jsonw_key(&w, "seq");
  jsonw_int(&w, s->view.seq);
  jsonw_obj_end(&w);
}

int srv_refresh(struct srv *s, struct err *e)
{
  int64_t seq = s->view.seq;
  int dirty = s->view.dirty;
  int r = dirty ? store_view_load(&s->view, s->store, e)
                : store_view_update(&s->view, s->store, NULL, e);

  if (r)
    s->view.dirty = 1;
  pricer_release(&s->pricer);
  pricer_init(&s->pricer, COST_AUTO, &s->prices, &s->view.set.strs);
  pricer_warm(&s->pricer, s->view.set.ev, s->view.set.n);
  sum_totals(s);
  if (!r && (dirty || s->view.seq != seq)) {
    struct buf t = BUF_INIT;

    totals_json(s, &t);
    sse_publish_id(&s->hub, "totals", s->view.seq, t.data);
    buf_release(&t);
  }
  return r;
}

void *srv_follow_main(void *arg)
{
  struct srv *s = arg;
  int64_t last_full = cmd_mono_ms();

  while (!atomic_load(&s->stop)) {
    struct err e = ERR_INIT;
    int r = store_wait(s->store, 500, &e), full;
    size_t rows = 0;
    int64_t seq = 0;

    if (r < 0) {
      usleep(500000); /* a dropped connection: try again soon */
      continue;
    }
    full = cmd_mono_ms() - last_full >= 10000;
    if (!r && !full)
      continue;
    pthread_mutex_lock(&s->mu);
    if (full) {
      last_full = cmd_mono_ms();
      /* Erasures do not move seq: a count that fell means reading all. */
      if (!store_count(s->store, &rows, &seq, &e) && rows < s->view.ndig)
        s->view.dirty = 1;
    } else if (store_seq(s->store, &seq, &e)) {
      seq = s->view.seq;
    }
    if (s->view.dirty || seq != s->view.seq)
      srv_refresh(s, NULL);
    pthread_mutex_unlock(&s->mu);
  }
  return NULL;
}

/*
 * The request's token, checked for one of `scopes`: 0 and *t, or -1 with
 * res holding the 401 (none, unknown, revoked, expired) or 403 (scope).
 */
static int auth(struct srv *s, const struct http_request *req, int scopes,
                struct token *t, struct http_response *res)
{
  const char *h = http_request_header(req, "Authorization");
  struct err e = ERR_INIT;
  unsigned wait;
  int r;

  if (!h || strncasecmp(h, "Bearer ", 7) != 0) {
    http_response_header(res, "WWW-Authenticate", "Bearer");
    http_response_error(res, 401, "unauthorized", NULL,
                        "a token is required (Authorization: Bearer tm_...)");
    return -1;
  }
  pthread_mutex_lock(&s->mu);
  r = store_token_check(s->store, h + 7, srv_now(s), t, &e);
  pthread_mutex_unlock(&s->mu);
  if (r == ERR_NOTFOUND) {
    http_response_header(res, "WWW-Authenticate", "Bearer");
    http_response_error(res, 401, "unauthorized", NULL,
                        "unknown, revoked or expired token");
    return -1;
  }
  if (r) {
    http_response_error(res, 500, "internal", NULL, "%s", e.msg);
    return -1;
  }
  if (!token_allows(t, scopes)) {
    http_response_error(res, 403, "forbidden", NULL,
                        "a token of scope %s cannot do this",
                        token_scope_name(t->scope));
    return -1;
  }
  if ((wait = ratelimit_take(&s->rl, t->id, srv_now(s))) != 0) {
    char after[16];

    snprintf(after, sizeof(after), "%u", wait);
    http_response_header(res, "Retry-After", after);
    http_response_error(res, 429, "rate_limited", NULL,
                        "too many requests with this token; retry in %u s",
                        wait);
    return -1;
  }
  return 0;
}

/* Records an ingest or admin call (best effort: the answer stands). */
static void audit(struct srv *s, const struct http_request *req,
                  const struct http_response *res, const struct token *t,
                  size_t accepted, size_t duplicates, size_t rejected)
{
  struct audit_entry a;

  memset(&a, 0, sizeof(a));
  a.at = srv_now(s);
  snprintf(a.token_id, sizeof(a.token_id), "%s", t ? t->id : "");
  netaddr_client(req->peer, http_request_header(req, "X-Forwarded-For"),
                 s->trusted, a.ip, sizeof(a.ip));
  snprintf(a.method, sizeof(a.method), "%s", req->method);
  snprintf(a.path, sizeof(a.path), "%s", req->path);
  a.status = res->status;
  a.bytes = req->body_len;
  a.accepted = accepted;
  a.duplicates = duplicates;
  a.rejected = rejected;
  pthread_mutex_lock(&s->mu);
  (void)store_audit_add(s->store, &a, NULL);
  pthread_mutex_unlock(&s->mu);
}

/* A read endpoint open at `level` without a token, else needing `read`. */
static int may_read(struct srv *s, const struct http_request *req,
                    enum srv_public level, struct http_response *res)
{
  struct token t;

  if (s->pub >= level)
    return 0;
  return auth(s, req, TOKEN_READ, &t, res);
}

static void health(void *arg, const struct http_request *req,
                   struct http_response *res)
{
  struct jsonw w;

  (void)arg;
  (void)req;
  jsonw_init(&w, &res->body, 0);
  jsonw_obj_begin(&w);
  jsonw_key(&w, "status");
  jsonw_strz(&w, "ok");
  jsonw_key(&w, "version");
  jsonw_strz(&w, TOKMETER_VERSION);
  jsonw_obj_end(&w);
}

static void identity(void *arg, const struct http_request *req,
                     struct http_response *res)
{
  struct srv *s = arg;
  struct jsonw w;

  (void)req;
  jsonw_init(&w, &res->body, 0);
  jsonw_obj_begin(&w);
  jsonw_key(&w, "mode");
  jsonw_strz(&w, s->identity_email ? "email" : "id");
  jsonw_obj_end(&w);
}

/* GET /api/usage/totals: the whole team, no names. */
static void totals(void *arg, const struct http_request *req,
                   struct http_response *res)
{
  struct srv *s = arg;

  if (may_read(s, req, SRV_PUBLIC_TOTALS, res))
    return;
  pthread_mutex_lock(&s->mu);
  totals_json(s, &res->body);
  pthread_mutex_unlock(&s->mu);
}

/*
 * GET /api/usage/stream: a `totals` event (id: the store's seq) whenever
 * new tokens land. A new client, or one that reconnects with a
 * Last-Event-ID older than the totals, gets them at once.
 */
static void stream(void *arg, const struct http_request *req,
                   struct http_response *res)
{
  struct srv *s = arg;
  const char *last = http_request_header(req, "Last-Event-ID");
  struct buf t = BUF_INIT;
  long long seen = last ? strtoll(last, NULL, 10) : -1;

  if (may_read(s, req, SRV_PUBLIC_TOTALS, res))
    return;
  pthread_mutex_lock(&s->mu);
  if (seen < s->view.seq || !last) {
    totals_json(s, &t);
    sse_event_id(&res->body, "totals", s->view.seq, t.data);
  }
  pthread_mutex_unlock(&s->mu);
  buf_release(&t);
  res->stream = &s->hub;
}

/* An e-mail address, loosely: one '@' with text on both sides and a dot
 * after it. */
static int email_ok(const char *s)
{
  const char *at = strchr(s, '@');

  return at && at != s && !strchr(at + 1, '@') && strchr(at + 1, '.') &&
         at[1] != '.' && s[strlen(s) - 1] != '.';
}

/* Whose rows a batch writes: the token's user, or, through an enroll
 * token, the client's. NULL with res filled when that is not allowed. */
static const char *writer(const struct srv *s, const struct token *t,
                          const struct ingest_batch *b,
                          struct http_response *res)
{
  if (t->scope == TOKEN_ENROLL) {
    if (!b->user_id) {
      http_response_error(res, 400, "bad_request", NULL,
                          "\"userId\": required with an enroll token");
      return NULL;
    }
    if (s->identity_email && strcmp(b->user_id, "anonymous") != 0 &&
        !email_ok(b->user_id)) {
      http_response_error(res, 400, "bad_request", NULL,
                          "\"userId\": this server identifies users by "
                          "e-mail (or \"anonymous\")");
      return NULL;
    }
    return b->user_id;
  }
  if (b->user_id && t->scope != TOKEN_ADMIN &&
      strcmp(b->user_id, t->user) != 0) {
    http_response_error(res, 403, "forbidden", NULL,
                        "this token writes only as its own user");
    return NULL;
  }
  return b->user_id ? b->user_id : t->user;
}

/* POST /api/ingest/messages: answered once the batch is committed. */
static void ingest(void *arg, const struct http_request *req,
                   struct http_response *res)
{
  struct srv *s = arg;
  struct ingest_batch b;
  struct store_batch sb;
  struct token t;
  struct err e = ERR_INIT;
  size_t written = 0;
  const char *user;
  int r;

  if (auth(s, req, TOKEN_INGEST | TOKEN_ENROLL, &t, res)) {
    audit(s, req, res, NULL, 0, 0, 0);
    return;
  }
  ingest_batch_init(&b);
  if (ingest_parse(req->body ? req->body : "", req->body_len, srv_now(s), &b,
                   &e)) {
    http_response_error(res, 400, "bad_request", NULL, "%s", e.msg);
    audit(s, req, res, &t, 0, 0, 0);
    ingest_batch_release(&b);
    return;
  }
  if (!(user = writer(s, &t, &b, res))) {
    audit(s, req, res, &t, 0, 0, b.nrejected);
    ingest_batch_release(&b);
    return;
  }
  memset(&sb, 0, sizeof(sb));
  sb.ev = b.ev;
  sb.n = b.n;
  sb.st = &b.strs;
  sb.project = b.project;
  sb.machine = b.machine;
  sb.user = user;
  sb.token_id = t.id;
  pthread_mutex_lock(&s->mu);
  r = store_apply(s->store, &sb, STORE_MERGE, NULL, 0, &written, NULL, &e);
  if (!r && written)
    srv_refresh(s, NULL); /* the answer does not wait on the view */
  pthread_mutex_unlock(&s->mu);
  if (r)
    http_response_error(res, 500, "internal", NULL, "%s", e.msg);
  else
    ingest_answer(&res->body, written, b.n - written, &b);
  pthread_mutex_lock(&s->mu);
  s->counted.ingest_requests++;
  s->counted.accepted += r ? 0 : written;
  s->counted.duplicates += r ? 0 : b.n - written;
  s->counted.rejected += b.nrejected;
  pthread_mutex_unlock(&s->mu);
  audit(s, req, res, &t, r ? 0 : written, r ? 0 : b.n - written, b.nrejected);
  ingest_batch_release(&b);
}

/* POST /api/ingest/quota: plan-quota readings, as ingest takes usage. */
static void quota_post(void *arg, const struct http_request *req,
                       struct http_response *res)
{
  struct srv *s = arg;
  struct ingest_batch b;
  struct token t;
  struct err e = ERR_INIT;
  size_t added = 0, i;
  const char *user;
  int r = 0, one;

  if (auth(s, req, TOKEN_INGEST | TOKEN_ENROLL, &t, res)) {
    audit(s, req, res, NULL, 0, 0, 0);
    return;
  }
  ingest_batch_init(&b);
  if (ingest_parse_quota(req->body ? req->body : "", req->body_len, srv_now(s),
                         &b, &e)) {
    http_response_error(res, 400, "bad_request", NULL, "%s", e.msg);
  } else if ((user = writer(s, &t, &b, res)) != NULL) {
    pthread_mutex_lock(&s->mu);
    for (i = 0; i < b.nquota && !r; i++) {
      r = store_quota_add(s->store, user, b.machine_name, &b.quota[i], &one,
                          &e);
      added += (size_t)one;
    }
    pthread_mutex_unlock(&s->mu);
    if (r)
      http_response_error(res, 500, "internal", NULL, "%s", e.msg);
    else
      ingest_answer(&res->body, added, b.nquota - added, &b);
  }
  audit(s, req, res, &t, added, b.nquota - added, b.nrejected);
  ingest_batch_release(&b);
}

/* GET /api/quota: each user's newest plan-quota reading. */
static void quota_get(void *arg, const struct http_request *req,
                      struct http_response *res)
{
  struct srv *s = arg;
  struct err e = ERR_INIT;
  int r;

  if (may_read(s, req, SRV_PUBLIC_ALL, res))
    return;
  pthread_mutex_lock(&s->mu);
  r = store_quota_json(s->store, &res->body, &e);
  pthread_mutex_unlock(&s->mu);
  if (r)
    http_response_error(res, 500, "internal", NULL, "%s", e.msg);
}

static void token_json(struct jsonw *w, const struct token *t)
{
  char iso[32];

  jsonw_obj_begin(w);
  jsonw_key(w, "id");
  jsonw_strz(w, t->id);
  jsonw_key(w, "user");
  jsonw_strz(w, t->user);
  jsonw_key(w, "scope");
  jsonw_strz(w, token_scope_name(t->scope));
  jsonw_key(w, "label");
  jsonw_strz(w, t->label);
  jsonw_key(w, "created");
  civil_fmt_iso_ms(t->created, iso);
  jsonw_strz(w, iso);
  jsonw_key(w, "expires");
  if (t->expires) {
    civil_fmt_iso_ms(t->expires, iso);
    jsonw_strz(w, iso);
  } else {
    jsonw_null(w);
  }
  jsonw_key(w, "revoked");
  if (t->revoked) {
    civil_fmt_iso_ms(t->revoked, iso);
    jsonw_strz(w, iso);
  } else {
    jsonw_null(w);
  }
  jsonw_obj_end(w);
}

static void tokens_get(void *arg, const struct http_request *req,
                       struct http_response *res)
{
  struct srv *s = arg;
  struct token t, *v = NULL;
  struct err e = ERR_INIT;
  struct jsonw w;
  size_t n = 0, i;
  int r;

  if (auth(s, req, TOKEN_ADMIN, &t, res))
    return;
  pthread_mutex_lock(&s->mu);
  r = store_token_list(s->store, &v, &n, &e);
  pthread_mutex_unlock(&s->mu);
  if (r) {
    http_response_error(res, 500, "internal", NULL, "%s", e.msg);
    return;
  }
  jsonw_init(&w, &res->body, 0);
  jsonw_obj_begin(&w);
  jsonw_key(&w, "tokens");
  jsonw_arr_begin(&w);
  for (i = 0; i < n; i++)
    token_json(&w, &v[i]);
  jsonw_arr_end(&w);
  jsonw_obj_end(&w);
  free(v);
}

/* POST /api/admin/tokens {"user", "scope", "label", "expiresDays"}. */
static void tokens_post(void *arg, const struct http_request *req,
                        struct http_response *res)
{
  struct srv *s = arg;
  struct token t, made;
  struct err e = ERR_INIT;
  char secret[TOKEN_SECRET_LEN + 1];
  const char *sname, *label;
  json_t *j, *days;
  struct jsonw w;
  int64_t now = srv_now(s), expires = 0;
  int scope, r;

  if (auth(s, req, TOKEN_ADMIN, &t, res))
    return;
  j = json_loadb(req->body ? req->body : "", req->body_len, 0, NULL);
  sname = json_string_value(json_object_get(j, "scope"));
  scope = token_scope_parse(sname ? sname : "");
  days = json_object_get(j, "expiresDays");
  if (!json_is_object(j) || !json_is_string(json_object_get(j, "user")) ||
      !scope ||
      (days && !(json_is_integer(days) && json_integer_value(days) > 0 &&
                 json_integer_value(days) <= 36500))) {
    http_response_error(res, 400, "bad_request", NULL,
                        "expected {\"user\", \"scope\": ingest|read|enroll|"
                        "admin, \"label\", \"expiresDays\"}");
    json_decref(j);
    return;
  }
  if (days)
    expires = now + json_integer_value(days) * DAY_MS;
  pthread_mutex_lock(&s->mu);
  label = json_string_value(json_object_get(j, "label"));
  r = store_token_create(
      s->store, json_string_value(json_object_get(j, "user")), scope,
      label ? label : "api", now, expires, secret, &made, &e);
  pthread_mutex_unlock(&s->mu);
  json_decref(j);
  if (r) {
    http_response_error(res, r == ERR_USAGE ? 400 : 500,
                        r == ERR_USAGE ? "bad_request" : "internal", NULL, "%s",
                        e.msg);
    return;
  }
  res->status = 201;
  audit(s, req, res, &t, 0, 0, 0);
  jsonw_init(&w, &res->body, 0);
  jsonw_obj_begin(&w);
  jsonw_key(&w, "secret");
  jsonw_strz(&w, secret);
  jsonw_key(&w, "token");
  token_json(&w, &made);
  jsonw_obj_end(&w);
  memset(secret, 0, sizeof(secret));
}

static void tokens_delete(void *arg, const struct http_request *req,
                          struct http_response *res)
{
  struct srv *s = arg;
  const char *id = http_request_param(req, "id");
  struct token t;
  struct err e = ERR_INIT;
  struct jsonw w;
  int r;

  if (auth(s, req, TOKEN_ADMIN, &t, res))
    return;
  pthread_mutex_lock(&s->mu);
  r = store_token_revoke(s->store, id, srv_now(s), &e);
  pthread_mutex_unlock(&s->mu);
  if (r) {
    http_response_error(res, r == ERR_NOTFOUND ? 404 : 500,
                        r == ERR_NOTFOUND ? "not_found" : "internal", NULL,
                        "%s", e.msg);
    return;
  }
  jsonw_init(&w, &res->body, 0);
  jsonw_obj_begin(&w);
  jsonw_key(&w, "revoked");
  jsonw_strz(&w, id);
  jsonw_obj_end(&w);
  audit(s, req, res, &t, 0, 0, 0);
}

/* GET /api/admin/audit?limit=N (newest first; default 100). */
static void audit_get(void *arg, const struct http_request *req,
                      struct http_response *res)
{
  struct srv *s = arg;
  const char *lim = http_request_query(req, "limit");
  struct token t;
  struct err e = ERR_INIT;
  char *end = NULL;
  long n = 100;
  int r;

  if (auth(s, req, TOKEN_ADMIN, &t, res))
    return;
  if (lim) {
    n = strtol(lim, &end, 10);
    if (!*lim || *end || n < 1 || n > 10000) {
      http_response_error(res, 400, "bad_parameter", "limit",
                          "invalid limit '%s' (expected 1 to 10000)", lim);
      return;
    }
  }
  buf_adds(&res->body, "{\"entries\":");
  pthread_mutex_lock(&s->mu);
  r = store_audit_json(s->store, (size_t)n, &res->body, &e);
  pthread_mutex_unlock(&s->mu);
  buf_adds(&res->body, "}");
  if (r)
    http_response_error(res, 500, "internal", NULL, "%s", e.msg);
}

/* DELETE /api/admin/data?user=U[&machine=M]: says how many calls went. */
static void data_delete(void *arg, const struct http_request *req,
                        struct http_response *res)
{
  struct srv *s = arg;
  const char *user = http_request_query(req, "user");
  const char *machine = http_request_query(req, "machine");
  struct token t;
  struct err e = ERR_INIT;
  struct jsonw w;
  size_t n = 0;
  int r;

  if (auth(s, req, TOKEN_ADMIN, &t, res))
    return;
  if (!user || !*user) {
    http_response_error(res, 400, "bad_parameter", "user",
                        "a user is required (?user=U[&machine=M])");
    audit(s, req, res, &t, 0, 0, 0);
    return;
  }
  pthread_mutex_lock(&s->mu);
  r = store_delete_data(s->store, user, machine, &n, &e);
  if (!r && n) {
    s->view.dirty = 1; /* calls went: read it all again */
    srv_refresh(s, NULL);
  }
  pthread_mutex_unlock(&s->mu);
  if (r) {
    http_response_error(res, 500, "internal", NULL, "%s", e.msg);
  } else {
    jsonw_init(&w, &res->body, 0);
    jsonw_obj_begin(&w);
    jsonw_key(&w, "deleted");
    jsonw_uint(&w, n);
    jsonw_obj_end(&w);
  }
  audit(s, req, res, &t, 0, 0, 0);
}

/* The dashboard's read endpoints (docs/api.md), from the same builders,
 * with user and machine as filters; read scope unless --public all. */

/* An api_ctx over the view, with no parameters; under s->mu. */
static void ctx_base(struct srv *s, struct api_ctx *c)
{
  apictx_init(c, &s->view, &s->pricer, &s->tz, srv_now(s));
}

static void read_route(void *arg, const struct http_request *req,
                       struct http_response *res)
{
  const struct srv_read_route *rr = arg;
  struct srv *s = rr->s;
  struct http_params p;
  struct api_ctx c;

  if (may_read(s, req, SRV_PUBLIC_ALL, res))
    return;
  pthread_mutex_lock(&s->mu);
  ctx_base(s, &c);
  if (!apictx_parse(req, &p, &c, res))
    apictx_answer(rr->what, req, &p, &c, res);
  pthread_mutex_unlock(&s->mu);
  http_params_release(&p);
}

/* GET /api/sessions/{id}: without tools and prompts, which only the
 * transcripts hold. */
static void session_route(void *arg, const struct http_request *req,
                          struct http_response *res)
{
  struct srv *s = arg;
  const char *id = http_request_param(req, "id");
  struct http_params p;
  struct api_ctx c;

  if (may_read(s, req, SRV_PUBLIC_ALL, res))
    return;
  pthread_mutex_lock(&s->mu);
  ctx_base(s, &c);
  if (!apictx_parse(req, &p, &c, res) &&
      api_session(&res->body, &c, id, NULL, NULL))
    http_response_error(res, 404, "not_found", NULL, "no session '%s'", id);
  pthread_mutex_unlock(&s->mu);
  http_params_release(&p);
}

/* GET /metrics: Prometheus text format, from the store's calls; read
 * scope (it names users and machines) unless --public all. */
static void metrics(void *arg, const struct http_request *req,
                    struct http_response *res)
{
  struct srv *s = arg;

  if (may_read(s, req, SRV_PUBLIC_ALL, res))
    return;
  res->content_type = "text/plain; version=0.0.4; charset=utf-8";
  pthread_mutex_lock(&s->mu);
  metrics_write(&res->body, &s->view.set, &s->pricer, &s->counted,
                TOKMETER_VERSION);
  pthread_mutex_unlock(&s->mu);
}

int srv_add_routes(struct http_router *r, struct srv *s, struct err *e)
{
  size_t i;

  for (i = 0; i < APICTX_NREADS; i++) {
    s->reads[i].s = s;
    s->reads[i].what = (enum apictx_read)i;
    if (http_router_add(r, "GET", apictx_read_paths[i], read_route,
                        &s->reads[i], e))
      return -1;
  }
  if (http_router_add(r, "GET", "/api/sessions/{id}", session_route, s, e) ||
      http_router_add(r, "GET", "/metrics", metrics, s, e))
    return -1;
  if (http_router_add(r, "GET", "/health", health, s, e) ||
      http_router_add(r, "GET", "/api/identity", identity, s, e) ||
      http_router_add(r, "GET", "/api/usage/totals", totals, s, e) ||
      http_router_add(r, "GET", "/api/usage/stream", stream, s, e) ||
      http_router_add(r, "POST", "/api/ingest/messages", ingest, s, e) ||
      http_router_add(r, "POST", "/api/ingest/quota", quota_post, s, e) ||
      http_router_add(r, "GET", "/api/quota", quota_get, s, e) ||
      http_router_add(r, "GET", "/api/admin/tokens", tokens_get, s, e) ||
      http_router_add(r, "POST", "/api/admin/tokens", tokens_post, s, e) ||
      http_router_add(r, "DELETE", "/api/admin/tokens/{id}", tokens_delete, s,
                      e) ||
      http_router_add(r, "GET", "/api/admin/audit", audit_get, s, e) ||
      http_router_add(r, "DELETE", "/api/admin/data", data_delete, s, e))
    return -1;
  return 0;
}
