/* From a request to the API's answers (apictx.h). */
/* SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/apictx.h"
#include "util/banned.h"

/* A string's id in st, or UINT32_MAX (matches nothing) when no call has
 * it. */
static uint32_t id_or_none(const struct strtab *st, const char *s)
{
  uint32_t id = strtab_find(st, s, strlen(s));

  return id ? id : UINT32_MAX;
}

void apictx_init(struct api_ctx *c, struct store_view *view,
                 struct pricer *pricer, const struct tz *tz, int64_t now_ms)
{
  memset(c, 0, sizeof(*c));
  c->set = &view->set;
  c->pm = &view->pm;
  c->pricer = pricer;
  c->tz = tz;
  c->tz_name = tz->name;
  c->since_day = INT64_MIN;
  c->until_day = INT64_MAX;
  c->now_ms = now_ms;
}

int apictx_parse(const struct http_request *req, struct http_params *p,
                 struct api_ctx *c, struct http_response *res)
{
  const char *bad = NULL;
  struct err e = ERR_INIT;

  http_params_init(p);
  if (http_params_parse(req, APICTX_LIMIT_MAX, p, &bad, &e)) {
    http_param_fail(res, bad ? bad : "?", &e);
    return -1;
  }
  if (p->has_tz) {
    c->tz = &p->tz;
    c->tz_name = http_request_query(req, "tz");
  }
  if (p->has_since)
    c->since_day = p->since;
  if (p->has_until)
    c->until_day = p->until;
  if (p->has_project)
    c->project = id_or_none(&c->pm->names, p->project);
  c->model = p->has_model ? p->model : NULL;
  if (p->has_user)
    c->user = id_or_none(&c->set->strs, p->user);
  if (p->has_machine)
    c->machine = id_or_none(&c->set->strs, p->machine);
  return 0;
}

static int sort_of(const char *s, enum api_sort *out)
{
  static const char *const names[] = {"cost", "start", "end", "tokens",
                                      "duration"};
  size_t i;

  for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
    if (!strcmp(s, names[i])) {
      *out = (enum api_sort)i;
      return 0;
    }
  return -1;
}

void apictx_sessions(const struct http_request *req,
                     const struct http_params *p, const struct api_ctx *c,
                     struct http_response *res)
{
  const char *sort = http_request_query(req, "sort");
  const char *order = http_request_query(req, "order");
  const char *off = http_request_query(req, "offset");
  enum api_sort by = API_SORT_COST;
  long offset = 0;
  char *end = NULL;

  if (sort && sort_of(sort, &by)) {
    http_response_error(res, 400, "bad_parameter", "sort",
                        "invalid sort '%s' (expected cost, start, end, "
                        "tokens or duration)",
                        sort);
    return;
  }
  if (order && strcmp(order, "asc") != 0 && strcmp(order, "desc") != 0) {
    http_response_error(res, 400, "bad_parameter", "order",
                        "invalid order '%s' (expected asc or desc)", order);
    return;
  }
  if (off) {
    offset = strtol(off, &end, 10);
    if (!*off || *end || offset < 0) {
      http_response_error(res, 400, "bad_parameter", "offset",
                          "invalid offset '%s' (expected 0 or more)", off);
      return;
    }
  }
  api_sessions(&res->body, c, by, !order || !strcmp(order, "desc"),
               p->has_limit ? (size_t)p->limit : 100, (size_t)offset);
}

const char *const apictx_read_paths[APICTX_NREADS] = {
    "/api/summary",  "/api/daily",  "/api/sessions",
    "/api/projects", "/api/models", "/api/heatmap"};

void apictx_answer(enum apictx_read what, const struct http_request *req,
                   const struct http_params *p, const struct api_ctx *c,
                   struct http_response *res)
{
  switch (what) {
  case APICTX_SUMMARY:
    api_summary(&res->body, c);
    break;
  case APICTX_DAILY:
    api_daily(&res->body, c);
    break;
  case APICTX_SESSIONS:
    apictx_sessions(req, p, c, res);
    break;
  case APICTX_PROJECTS:
    api_projects(&res->body, c);
    break;
  case APICTX_MODELS:
    api_models(&res->body, c);
    break;
  case APICTX_HEATMAP:
    api_heatmap(&res->body, c);
    break;
  case APICTX_NREADS:
    break;
  }
}
