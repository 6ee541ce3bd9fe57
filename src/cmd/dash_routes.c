/* dashboard: the HTTP handlers of the JSON API (docs/api.md). */
/* SPDX-License-Identifier: MIT */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/syscall.h>
#endif

#include "cmd/apictx.h"
#include "cmd/dash.h"
#include "core/civil.h"
#include "http/assets.h"
#include "http/params.h"
#include "http/server.h"
#include "report/activity.h"
#include "report/api.h"
#include "report/prompts.h"
#include "report/tools.h"
#include "source/records.h"
#include "util/jsonw.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define NEW_CALLS_MAX 100 /* calls listed in one `usage` event */

/* Now: the real clock, unless TOKMETER_NOW pinned it (tests). */
static int64_t dash_now(const struct dash *d)
{
  return cmd_now_ms(d->app, d->pinned);
}

/* An api_ctx over the current data, with no parameters. */
static void ctx_base(struct dash *d, struct api_ctx *c)
{
  struct loaded *l = d->l;

  apictx_init(c, &d->view, &d->pricer, &l->tz, dash_now(d));
  c->deleted_files = l->cached ? l->index.files_gone : 0;
  c->deleted_calls = l->cached ? l->index.events_gone : 0;
}

/* The request's parameters as an api_ctx over the current data. On a
 * bad parameter, fills res with the 400 and returns -1. */
static int ctx_of(struct dash *d, const struct http_request *req,
                  struct http_params *p, struct api_ctx *c,
                  struct http_response *res)
{
  ctx_base(d, c);
  return apictx_parse(req, p, c, res);
}

/* The records cache, locked and brought in line with the current file
 * list; the caller unlocks d->rc_lock. */
static struct rcache *records_of(struct dash *d)
{
  const struct discover *disc = &d->l->disc;

  pthread_mutex_lock(&d->rc_lock);
  rcache_sync(&d->rc, disc->files, disc->nfiles);
  return &d->rc;
}

/*
 * Reads every transcript's records once, in the background, so that the
 * first visit to Activity or Prompts finds them (about 1 s per 100 MB).
 * Works on a copy of the file list: the data lock is not held meanwhile.
 */
void *dash_warm_main(void *arg)
{
  struct dash *d = arg;
  struct source_file *files;
  struct rcache fresh;
  size_t n, i;

#ifdef __linux__
  /* Linux nices threads one by one: the answers and the page come
   * first, the warm-up takes what is left. */
  (void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 19);
#endif
  pthread_rwlock_rdlock(&d->lock);
  n = d->l->disc.nfiles;
  files = xcalloc(n ? n : 1, sizeof(*files));
  for (i = 0; i < n; i++) {
    files[i] = d->l->disc.files[i];
    files[i].path = xstrdup(files[i].path);
  }
  pthread_rwlock_unlock(&d->lock);
  /* Into a cache of its own: a page waiting for rc_lock holds the data
   * lock, and the reader must not wait for the whole warm-up. */
  rcache_init(&fresh);
  fresh.cancel = &d->stop;
  rcache_sync(&fresh, files, n);
  pthread_mutex_lock(&d->rc_lock);
  if (!d->rc.reads) { /* no page filled it meanwhile */
    struct rcache t = d->rc;

    d->rc = fresh;
    fresh = t;
  }
  pthread_mutex_unlock(&d->rc_lock);
  rcache_release(&fresh);
  for (i = 0; i < n; i++)
    free(files[i].path);
  free(files);
  return NULL;
}

/* GET /api/activity: from every transcript's records (cached). */
static void activity(struct dash *d, const struct api_ctx *c,
                     struct http_response *res)
{
  struct rcache *rc = records_of(d);
  struct activity a;
  size_t i;

  activity_init(&a, c->tz);
  for (i = 0; i < rc->n; i++)
    activity_add(&a, &rc->v[i].r, activity_subagent_path(rc->v[i].path));
  pthread_mutex_unlock(&d->rc_lock);
  activity_json(&res->body, &a, c->tz_name, c->since_day, c->until_day);
  activity_release(&a);
}

/* GET /api/prompts (local only): prompt text never leaves this host. */
static void prompts(struct dash *d, const struct http_params *p,
                    const struct api_ctx *c, struct http_response *res)
{
  struct rcache *rc;
  struct agg_filter f;
  struct prompts pr;
  size_t i;

  memset(&f, 0, sizeof(f));
  f.tz = c->tz;
  f.since_day = c->since_day;
  f.until_day = c->until_day;
  f.project = c->project;
  f.pricer = c->pricer;
  if (c->model)
    agg_filter_model(&f, &c->set->strs, c->model);
  prompts_init(&pr, c->set, c->pm, &f);
  rc = records_of(d);
  for (i = 0; i < rc->n; i++)
    prompts_add(&pr, &rc->v[i].r, rc->v[i].path);
  pthread_mutex_unlock(&d->rc_lock);
  prompts_json(&res->body, &pr, p->has_limit ? (size_t)p->limit : 20);
  prompts_release(&pr);
}

static void api_route(void *arg, const struct http_request *req,
                      struct http_response *res)
{
  struct dash_route *rc = arg;
  struct dash *d = rc->d;
  struct http_params p;
  struct api_ctx c;

  pthread_rwlock_rdlock(&d->lock);
  if (!ctx_of(d, req, &p, &c, res)) {
    if (rc->ep == DASH_EP_ACTIVITY)
      activity(d, &c, res);
    else if (rc->ep == DASH_EP_PROMPTS)
      prompts(d, &p, &c, res);
    else
      apictx_answer((enum apictx_read)rc->ep, req, &p, &c, res);
  }
  pthread_rwlock_unlock(&d->lock);
  http_params_release(&p);
}

/* Reads the transcripts of session id (only those): its tool calls into
 * t, its prompts into pr, sorted for api_session(). */
static void session_files(struct dash *d, const char *id, struct tools *t,
                          struct prompts *pr)
{
  struct rcache *rc = records_of(d);
  size_t i;

  for (i = 0; i < rc->n; i++)
    if (tools_in_session(rc->v[i].path, id)) {
      tools_add(t, &rc->v[i].r);
      prompts_add(pr, &rc->v[i].r, rc->v[i].path);
    }
  pthread_mutex_unlock(&d->rc_lock);
  prompts_by_call(pr);
}

/* GET /api/sessions/{id}: tools and turns[].prompt are local only. */
static void session_route(void *arg, const struct http_request *req,
                          struct http_response *res)
{
  struct dash *d = arg;
  const char *id = http_request_param(req, "id");
  struct http_params p;
  struct api_ctx c;
  struct agg_filter f;
  struct prompts pr;
  struct tools t;

  tools_init(&t);
  pthread_rwlock_rdlock(&d->lock);
  if (!ctx_of(d, req, &p, &c, res)) {
    api_filter(&c, &f);
    prompts_init_turns(&pr, c.set, c.pm, &f);
    session_files(d, id, &t, &pr);
    if (api_session(&res->body, &c, id, &t, &pr))
      http_response_error(res, 404, "not_found", NULL, "no session '%s'", id);
    prompts_release(&pr);
  }
  pthread_rwlock_unlock(&d->lock);
  http_params_release(&p);
  tools_release(&t);
}

static void health_route(void *arg, const struct http_request *req,
                         struct http_response *res)
{
  struct dash *d = arg;
  struct jsonw w;

  (void)req;
  jsonw_init(&w, &res->body, 0);
  jsonw_obj_begin(&w);
  jsonw_key(&w, "status");
  jsonw_strz(&w, "ok");
  jsonw_key(&w, "version");
  jsonw_strz(&w, TOKMETER_VERSION);
  jsonw_key(&w, "demo");
  jsonw_bool(&w, d->demo);
  pthread_rwlock_rdlock(&d->lock);
  jsonw_key(&w, "store");
  jsonw_obj_begin(&w);
  jsonw_key(&w, "rows");
  jsonw_uint(&w, d->view.ndig);
  jsonw_key(&w, "seq");
  jsonw_int(&w, d->view.seq);
  jsonw_obj_end(&w);
  pthread_rwlock_unlock(&d->lock);
  jsonw_obj_end(&w);
}

/* GET /api/usage/stream: the new client alone first hears `hello`. */
static void stream_route(void *arg, const struct http_request *req,
                         struct http_response *res)
{
  struct dash *d = arg;
  struct buf data = BUF_INIT;
  struct api_ctx c;

  (void)req;
  pthread_rwlock_rdlock(&d->lock);
  ctx_base(d, &c);
  api_hello(&data, &c);
  pthread_rwlock_unlock(&d->lock);
  sse_event(&res->body, "hello", data.data);
  buf_release(&data);
  res->stream = &d->hub;
}

static void asset_route(void *arg, const struct http_request *req,
                        struct http_response *res)
{
  const struct asset *a = asset_find(req->path);
  const char *inm = http_request_header(req, "If-None-Match");

  (void)arg;
  if (!a) {
    http_response_error(res, 404, "not_found", NULL, "no such page '%s'",
                        req->path);
    return;
  }
  http_response_header(res, "ETag", a->etag);
  http_response_header(res, "Cache-Control", "no-cache");
  if (inm && !strcmp(inm, a->etag)) {
    res->status = 304;
    return;
  }
  res->content_type = a->type;
  buf_add(&res->body, a->data, a->len);
}

/* The `usage` event: the calls newer than `since_ms`, and the summary
 * the page redraws its cards from. */
void dash_usage_event(struct dash *d, int64_t since_ms, struct buf *out)
{
  const struct dedup *set = &d->view.set;
  struct api_ctx c;
  struct jsonw w;
  size_t i, first = set->n, k = 0;
  char iso[32];

  while (first > 0 && set->ev[first - 1].ts_ms > since_ms)
    first--;
  if (set->n - first > NEW_CALLS_MAX)
    first = set->n - NEW_CALLS_MAX;
  jsonw_init(&w, out, 0);
  jsonw_obj_begin(&w);
  jsonw_key(&w, "calls");
  jsonw_arr_begin(&w);
  for (i = first; i < set->n; i++, k++) {
    const struct event *ev = &set->ev[i];

    jsonw_obj_begin(&w);
    jsonw_key(&w, "at");
    civil_fmt_iso_ms(ev->ts_ms, iso);
    jsonw_strz(&w, iso);
    jsonw_key(&w, "sessionId");
    jsonw_strz(&w, strtab_get(&set->strs, ev->session));
    jsonw_key(&w, "totalTokens");
    jsonw_uint(&w, tokens_total(&ev->tok));
    jsonw_obj_end(&w);
  }
  jsonw_arr_end(&w);
  jsonw_key(&w, "newCalls");
  jsonw_uint(&w, k);
  ctx_base(d, &c);
  jsonw_key(&w, "summary");
  api_summary_value(&w, &c);
  jsonw_obj_end(&w);
}

int dash_add_routes(struct http_router *r, struct dash *d, struct err *e)
{
  static const struct {
    const char *path;
    enum dash_endpoint ep;
  } api[] = {
      {"/api/summary", DASH_EP_SUMMARY},   {"/api/daily", DASH_EP_DAILY},
      {"/api/sessions", DASH_EP_SESSIONS}, {"/api/projects", DASH_EP_PROJECTS},
      {"/api/models", DASH_EP_MODELS},     {"/api/heatmap", DASH_EP_HEATMAP},
      {"/api/activity", DASH_EP_ACTIVITY}, {"/api/prompts", DASH_EP_PROMPTS}};
  struct dash_route *rc = d->routes;
  size_t i;

  for (i = 0; i < sizeof(api) / sizeof(api[0]); i++) {
    rc[i].d = d;
    rc[i].ep = api[i].ep;
    if (http_router_add(r, "GET", api[i].path, api_route, &rc[i], e))
      return -1;
  }
  if (http_router_add(r, "GET", "/api/sessions/{id}", session_route, d, e) ||
      http_router_add(r, "GET", "/api/usage/stream", stream_route, d, e) ||
      http_router_add(r, "GET", "/health", health_route, d, e) ||
      http_router_add(r, "GET", "/", asset_route, d, e) ||
      http_router_add(r, "GET", "/{file}", asset_route, d, e) ||
      http_router_add(r, "GET", "/vendor/{file}", asset_route, d, e))
    return -1;
  return 0;
}
