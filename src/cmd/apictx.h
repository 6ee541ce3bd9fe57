/* From a request to the API's answers: what the dashboard and the team
 * server share (cmd/ only). */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_CMD_APICTX_H
#define TOKMETER_CMD_APICTX_H

#include "http/params.h"
#include "http/router.h"
#include "report/api.h"
#include "store/view.h"

#define APICTX_LIMIT_MAX 1000

/* The read endpoints the dashboard and the team server both answer. */
enum apictx_read {
  APICTX_SUMMARY,
  APICTX_DAILY,
  APICTX_SESSIONS,
  APICTX_PROJECTS,
  APICTX_MODELS,
  APICTX_HEATMAP,
  APICTX_NREADS
};

/* Their paths ("/api/summary", ...), by enum apictx_read. */
extern const char *const apictx_read_paths[APICTX_NREADS];

/* Answers one of them from c (after apictx_parse()). */
void apictx_answer(enum apictx_read what, const struct http_request *req,
                   const struct http_params *p, const struct api_ctx *c,
                   struct http_response *res);

/* An api_ctx over a store's view, priced by pricer, days in tz, with no
 * parameters yet (all days, projects, models, users, machines). */
void apictx_init(struct api_ctx *c, struct store_view *view,
                 struct pricer *pricer, const struct tz *tz, int64_t now_ms);

/*
 * Parses req's common parameters into p (initialised here; the caller
 * releases it) and applies them to c, whose set, pm, pricer and zone are
 * already set: days, zone, project, model, and the team server's user
 * and machine (a name no call has matches nothing). On a bad parameter,
 * fills res with the 400 and returns -1.
 */
int apictx_parse(const struct http_request *req, struct http_params *p,
                 struct api_ctx *c, struct http_response *res);

/* GET /api/sessions: its own parameters (sort, order, offset), then the
 * answer or the 400. */
void apictx_sessions(const struct http_request *req,
                     const struct http_params *p, const struct api_ctx *c,
                     struct http_response *res);

#endif
