/* POST /api/ingest/messages: a batch of usage events, decoded (ingest.h). */
/* SPDX-License-Identifier: MIT */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "http/ingest.h"
#include "util/jsonw.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define MIN_TS 1577836800000LL /* 2020-01-01: before any Claude Code */
#define DAY_MS 86400000LL
#define MAX_COUNT 9007199254740991LL /* 2^53 - 1: exact in every client */
#define MAX_STR 256

void ingest_batch_init(struct ingest_batch *b)
{
  memset(b, 0, sizeof(*b));
  strtab_init(&b->strs);
}

void ingest_batch_release(struct ingest_batch *b)
{
  strtab_release(&b->strs);
  free(b->ev);
  free(b->project);
  free(b->machine);
  free(b->rejected);
  free(b->user_id);
  free(b->machine_name);
  free(b->quota);
  memset(b, 0, sizeof(*b));
}

/* Lists event i as rejected: "field: what" (or "what"). */
static void reject(struct ingest_batch *b, size_t i, const char *field,
                   const char *what)
{
  struct ingest_reject *r;

  b->rejected =
      xgrow(b->rejected, &b->caprej, b->nrejected + 1, sizeof(*b->rejected));
  r = &b->rejected[b->nrejected++];
  r->index = i;
  if (field)
    snprintf(r->reason, sizeof(r->reason), "%s: %s", field, what);
  else
    snprintf(r->reason, sizeof(r->reason), "%s", what);
}

/* A name: 1 to 128 printable ASCII characters. */
static int good_name(const char *s)
{
  size_t n = strlen(s), i;

  if (!n || n > 128)
    return 0;
  for (i = 0; i < n; i++)
    if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] == 0x7f)
      return 0;
  return 1;
}

/* An optional string field: 0 when absent (*out NULL), 1 when a string of
 * 1..MAX_STR bytes without NUL, -1 otherwise. */
static int opt_str(json_t *o, const char *key, const char **out, size_t *n)
{
  json_t *v = json_object_get(o, key);

  *out = NULL;
  *n = 0;
  if (!v || json_is_null(v))
    return 0;
  if (!json_is_string(v))
    return -1;
  *n = json_string_length(v);
  *out = json_string_value(v);
  return *n && *n <= MAX_STR && !memchr(*out, '\0', *n) ? 1 : -1;
}

/* An optional count: 0 when absent, 1 for an integer in [0, 2^53), -1. */
static int opt_count(json_t *o, const char *key, uint64_t *out)
{
  json_t *v = json_object_get(o, key);

  *out = 0;
  if (!v)
    return 0;
  if (!json_is_integer(v) || json_integer_value(v) < 0 ||
      json_integer_value(v) > MAX_COUNT)
    return -1;
  *out = (uint64_t)json_integer_value(v);
  return 1;
}

static int opt_bool(json_t *o, const char *key, int *out)
{
  json_t *v = json_object_get(o, key);

  *out = 0;
  if (!v)
    return 0;
  if (!json_is_boolean(v))
    return -1;
  *out = json_is_true(v);
  return 1;
}

static uint32_t intern(struct ingest_batch *b, const char *s, size_t n)
{
  return s ? strtab_intern(&b->strs, s, n) : 0;
}

/* The token counts of o into ev; the name of a bad one, or NULL. */
static const char *counts(json_t *o, struct event *ev)
{
  static const char *const names[] = {
      "inputTokens",           "outputTokens",    "cacheCreation5mTokens",
      "cacheCreation1hTokens", "cacheReadTokens", "webSearchRequests"};
  uint64_t *dst[6];
  size_t i;

  dst[0] = &ev->tok.input;
  dst[1] = &ev->tok.output;
  dst[2] = &ev->tok.cache_write_5m;
  dst[3] = &ev->tok.cache_write_1h;
  dst[4] = &ev->tok.cache_read;
  dst[5] = &ev->web_search;
  for (i = 0; i < 6; i++) {
    int r = opt_count(o, names[i], dst[i]);

    if (r < 0 || (r == 0 && i < 2)) /* input and output are required */
      return names[i];
  }
  return NULL;
}

/* Decodes event i; 0, or -1 after rejecting it. */
static int one(struct ingest_batch *b, size_t i, json_t *o, int64_t now_ms,
               struct event *ev, uint32_t *project)
{
  const char *msg, *req, *uuid, *session, *ts, *model, *proj, *bad;
  size_t nmsg, nreq, nuuid, nsession, nts, nmodel, nproj;
  json_t *cost;
  int side, fast;

  memset(ev, 0, sizeof(*ev));
  if (!json_is_object(o))
    return reject(b, i, NULL, "not an object"), -1;
  if (opt_str(o, "messageId", &msg, &nmsg) < 0)
    return reject(b, i, "messageId", "expected a string"), -1;
  if (opt_str(o, "requestId", &req, &nreq) < 0)
    return reject(b, i, "requestId", "expected a string"), -1;
  if (opt_str(o, "uuid", &uuid, &nuuid) < 0)
    return reject(b, i, "uuid", "expected a string"), -1;
  if (!msg && !uuid)
    return reject(b, i, NULL, "messageId or uuid: one is required"), -1;
  if (opt_str(o, "sessionId", &session, &nsession) <= 0)
    return reject(b, i, "sessionId", "expected a string"), -1;
  if (opt_str(o, "timestamp", &ts, &nts) <= 0 ||
      civil_parse_ts(ts, nts, &ev->ts_ms))
    return reject(b, i, "timestamp", "expected an ISO 8601 time"), -1;
  if (ev->ts_ms < MIN_TS || ev->ts_ms > now_ms + DAY_MS)
    return reject(b, i, "timestamp", "out of range"), -1;
  if (opt_str(o, "model", &model, &nmodel) < 0)
    return reject(b, i, "model", "expected a string"), -1;
  if (opt_str(o, "project", &proj, &nproj) < 0)
    return reject(b, i, "project", "expected a string"), -1;
  if (opt_bool(o, "sidechain", &side) < 0)
    return reject(b, i, "sidechain", "expected true or false"), -1;
  if (opt_bool(o, "fast", &fast) < 0)
    return reject(b, i, "fast", "expected true or false"), -1;
  if ((bad = counts(o, ev)) != NULL)
    return reject(b, i, bad, "expected an integer >= 0"), -1;
  cost = json_object_get(o, "costUSD");
  if (cost && !json_is_null(cost)) {
    if (!json_is_number(cost) || !(json_number_value(cost) >= 0) ||
        !isfinite(json_number_value(cost)))
      return reject(b, i, "costUSD", "expected a number >= 0"), -1;
    ev->cost_usd = json_number_value(cost) + 0.0;
    ev->flags |= EVENT_HAS_COST;
  }
  if (msg)
    ev->key_kind = (uint8_t)event_key_msg(ev->key, msg, nmsg, req, nreq);
  else
    ev->key_kind = (uint8_t)event_key_uuid(ev->key, uuid, nuuid);
  if (uuid)
    event_set_uuid(ev, &b->strs, uuid, nuuid);
  ev->session = intern(b, session, nsession);
  ev->model = intern(b, model, nmodel);
  if (side)
    ev->flags |= EVENT_SIDECHAIN;
  if (fast)
    ev->flags |= EVENT_FAST;
  *project = intern(b, proj, nproj);
  return 0;
}

/* The request's own fields; 0 or ERR_PARSE. */
static int head(json_t *root, struct ingest_batch *b, struct err *e)
{
  json_t *m = json_object_get(root, "machine");
  json_t *u = json_object_get(root, "userId");

  if (!json_is_string(m) || !good_name(json_string_value(m)))
    return err_set(e, ERR_PARSE,
                   "\"machine\": expected a name of 1 to 128 characters");
  if (u && !(json_is_string(u) && good_name(json_string_value(u))))
    return err_set(e, ERR_PARSE,
                   "\"userId\": expected a name of 1 to 128 characters");
  b->machine_name = xstrdup(json_string_value(m));
  b->user_id = u ? xstrdup(json_string_value(u)) : NULL;
  return 0;
}

/* The envelope: root and its array `list`, checked; NULL after an error. */
static json_t *envelope(const char *body, size_t len, const char *list,
                        struct ingest_batch *b, json_t **arr, struct err *e)
{
  json_error_t je;
  json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
  size_t n;
  int r;

  if (!root) {
    err_set(e, ERR_PARSE, "not JSON: %s (line %d)", je.text, je.line);
    return NULL;
  }
  *arr = json_object_get(root, list);
  if (!json_is_object(root) || !json_is_array(*arr))
    r = err_set(e, ERR_PARSE, "expected {\"machine\": ..., \"%s\": [...]}",
                list);
  else if ((n = json_array_size(*arr)) > INGEST_MAX_EVENTS)
    r = err_set(e, ERR_PARSE, "%zu %s: at most %d per request", n, list,
                INGEST_MAX_EVENTS);
  else
    r = head(root, b, e);
  if (r) {
    json_decref(root);
    return NULL;
  }
  return root;
}

int ingest_parse(const char *body, size_t len, int64_t now_ms,
                 struct ingest_batch *b, struct err *e)
{
  json_t *evs, *root = envelope(body, len, "events", b, &evs, e);
  uint32_t machine;
  size_t i, n;

  if (!root)
    return ERR_PARSE;
  n = json_array_size(evs);
  machine = strtab_intern(&b->strs, b->machine_name, strlen(b->machine_name));
  for (i = 0; i < n; i++) {
    struct event ev;
    uint32_t project;

    if (one(b, i, json_array_get(evs, i), now_ms, &ev, &project))
      continue;
    if (b->n == b->cap) {
      b->cap = b->cap ? b->cap * 2 : 64;
      b->ev = xrealloc(b->ev, b->cap * sizeof(*b->ev));
      b->project = xrealloc(b->project, b->cap * sizeof(*b->project));
      b->machine = xrealloc(b->machine, b->cap * sizeof(*b->machine));
    }
    b->ev[b->n] = ev;
    b->project[b->n] = project;
    b->machine[b->n++] = machine;
  }
  json_decref(root);
  return 0;
}

/* A window {"usedPercent", "resetsAt"} of a reading: 1 when present,
 * 0 when absent or null, -1 when malformed. */
static int window(json_t *o, const char *key, double *pct, int64_t *reset)
{
  json_t *w = json_object_get(o, key), *p, *at;
  int64_t ms;

  *pct = 0;
  *reset = 0;
  if (!w || json_is_null(w))
    return 0;
  p = json_object_get(w, "usedPercent");
  at = json_object_get(w, "resetsAt");
  if (!json_is_object(w) || !json_is_number(p) || json_number_value(p) < 0 ||
      json_number_value(p) > 100)
    return -1;
  *pct = json_number_value(p);
  if (at && !json_is_null(at)) {
    if (!json_is_string(at) ||
        civil_parse_ts(json_string_value(at), json_string_length(at), &ms))
      return -1;
    *reset = ms / 1000;
  }
  return 1;
}

int ingest_parse_quota(const char *body, size_t len, int64_t now_ms,
                       struct ingest_batch *b, struct err *e)
{
  json_t *list, *root = envelope(body, len, "readings", b, &list, e);
  size_t i, n;

  if (!root)
    return ERR_PARSE;
  n = json_array_size(list);
  for (i = 0; i < n; i++) {
    json_t *o = json_array_get(list, i), *at = json_object_get(o, "at");
    struct quota_reading q;
    int f, w;

    memset(&q, 0, sizeof(q));
    if (!json_is_string(at) ||
        civil_parse_ts(json_string_value(at), json_string_length(at),
                       &q.at_ms) ||
        q.at_ms < MIN_TS || q.at_ms > now_ms + DAY_MS) {
      reject(b, i, "at", "expected an ISO 8601 time in range");
      continue;
    }
    f = window(o, "fiveHour", &q.five_pct, &q.five_reset);
    w = window(o, "sevenDay", &q.week_pct, &q.week_reset);
    if (f < 0 || w < 0 || (!f && !w)) {
      reject(b, i,
             f < 0   ? "fiveHour"
             : w < 0 ? "sevenDay"
                     : NULL,
             "expected {\"usedPercent\": 0..100, \"resetsAt\": time}");
      continue;
    }
    q.has_five = f;
    q.has_week = w;
    b->quota = xgrow(b->quota, &b->capquota, b->nquota + 1, sizeof(*b->quota));
    b->quota[b->nquota++] = q;
  }
  json_decref(root);
  return 0;
}

void ingest_answer(struct buf *out, size_t accepted, size_t duplicates,
                   const struct ingest_batch *b)
{
  struct jsonw w;
  size_t i;

  jsonw_init(&w, out, 0);
  jsonw_obj_begin(&w);
  jsonw_key(&w, "accepted");
  jsonw_uint(&w, accepted);
  jsonw_key(&w, "duplicates");
  jsonw_uint(&w, duplicates);
  jsonw_key(&w, "rejected");
  jsonw_arr_begin(&w);
  for (i = 0; i < b->nrejected; i++) {
    jsonw_obj_begin(&w);
    jsonw_key(&w, "index");
    jsonw_uint(&w, b->rejected[i].index);
    jsonw_key(&w, "reason");
    jsonw_strz(&w, b->rejected[i].reason);
    jsonw_obj_end(&w);
  }
  jsonw_arr_end(&w);
  jsonw_obj_end(&w);
}
