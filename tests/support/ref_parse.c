/* Reference line parser: jansson parse, then the record rules. */
/* SPDX-License-Identifier: MIT */
#include <jansson.h>
#include <string.h>

#include "core/civil.h"
#include "ref_parse.h"
#include "source/line.h"

/* Offsets into scratch, turned into spans once all strings are copied. */
struct pending {
  struct span *dst;
  size_t off, n;
};

struct refctx {
  struct buf *scratch;
  struct pending pend[16];
  int npend;
};

static void keep(struct refctx *c, struct span *dst, json_t *s)
{
  struct pending *p = &c->pend[c->npend++];

  p->dst = dst;
  p->off = c->scratch->len;
  p->n = json_string_length(s);
  buf_add(c->scratch, json_string_value(s), p->n);
  buf_addch(c->scratch, '\0');
}

/* 0 ok (absent or valid), -1 invalid. */
static int get_uint(json_t *o, const char *k, uint64_t *out)
{
  json_t *v = json_object_get(o, k);

  *out = 0;
  if (!v || json_is_null(v))
    return 0;
  if (!json_is_integer(v) || json_integer_value(v) < 0)
    return -1;
  *out = (uint64_t)json_integer_value(v);
  return 0;
}

static int get_str(struct refctx *c, json_t *o, const char *k, int nonempty,
                   struct span *out)
{
  json_t *v = json_object_get(o, k);

  out->p = NULL;
  out->n = 0;
  if (!v)
    return 0;
  if (!json_is_string(v) || (nonempty && json_string_length(v) == 0))
    return -1;
  keep(c, out, v);
  return 0;
}

static int is_usage_record(json_t *r)
{
  json_t *m = json_object_get(r, "message");

  return json_is_object(m) && json_is_object(json_object_get(m, "usage"));
}

static int rules(struct refctx *c, json_t *r, json_t *outer,
                 struct usage_rec *rec)
{
  json_t *m = json_object_get(r, "message");
  json_t *u = json_object_get(m, "usage");
  json_t *ts = json_object_get(r, "timestamp");
  json_t *in = json_object_get(u, "input_tokens");
  json_t *out = json_object_get(u, "output_tokens");
  json_t *cc = json_object_get(u, "cache_creation");
  json_t *sp = json_object_get(u, "speed");
  json_t *stu = json_object_get(u, "server_tool_use");
  json_t *cost = json_object_get(r, "costUSD");
  json_t *uuid = json_object_get(r, "uuid");
  json_t *ver = json_object_get(r, "version");
  uint64_t ccin;

  memset(rec, 0, sizeof(*rec));
  if (!json_is_string(ts) ||
      civil_parse_ts(json_string_value(ts), json_string_length(ts),
                     &rec->ts_ms))
    return -1;
  if (!json_is_integer(in) || json_integer_value(in) < 0 ||
      !json_is_integer(out) || json_integer_value(out) < 0)
    return -1;
  rec->tok.input = (uint64_t)json_integer_value(in);
  rec->tok.output = (uint64_t)json_integer_value(out);
  if (get_uint(u, "cache_read_input_tokens", &rec->tok.cache_read) ||
      get_uint(u, "cache_creation_input_tokens", &ccin))
    return -1;
  if (json_is_object(cc)) {
    if (get_uint(cc, "ephemeral_5m_input_tokens", &rec->tok.cache_write_5m) ||
        get_uint(cc, "ephemeral_1h_input_tokens", &rec->tok.cache_write_1h))
      return -1;
  } else if (!cc || json_is_null(cc)) {
    rec->tok.cache_write_5m = ccin;
  } else {
    return -1;
  }
  if (sp) {
    if (!json_is_string(sp))
      return -1;
    if (!strcmp(json_string_value(sp), "fast") && json_string_length(sp) == 4)
      rec->flags |= USAGE_FAST | USAGE_HAS_SPEED;
    else if (!strcmp(json_string_value(sp), "standard") &&
             json_string_length(sp) == 8)
      rec->flags |= USAGE_HAS_SPEED;
    else
      return -1;
  }
  if (json_is_object(stu)) {
    json_t *ws = json_object_get(stu, "web_search_requests");

    if (json_is_integer(ws) && json_integer_value(ws) > 0)
      rec->web_search = (uint64_t)json_integer_value(ws);
  }
  if (get_str(c, m, "id", 1, &rec->msg_id) ||
      get_str(c, m, "model", 1, &rec->model) ||
      get_str(c, r, "requestId", 1, &rec->req_id) ||
      get_str(c, r, "sessionId", 1, &rec->session_id))
    return -1;
  if (json_is_string(json_object_get(r, "cwd")))
    keep(c, &rec->cwd, json_object_get(r, "cwd"));
  if (ver &&
      (!json_is_string(ver) ||
       !line_version_ok(json_string_value(ver), json_string_length(ver))))
    return -1;
  if (json_is_string(uuid))
    keep(c, &rec->uuid, uuid);
  if (json_is_number(cost)) {
    rec->cost_usd = json_number_value(cost);
    rec->flags |= USAGE_HAS_COST;
  } else if (cost) {
    return -1;
  }
  if (json_is_true(json_object_get(r, "isSidechain")))
    rec->flags |= USAGE_SIDECHAIN;
  if (json_is_true(json_object_get(r, "isApiErrorMessage")))
    rec->flags |= USAGE_API_ERROR;
  if (outer) {
    rec->flags |= USAGE_NESTED;
    /* A bad outer value counts as absent; get_str leaves the span NULL. */
    if (!json_object_get(r, "sessionId"))
      (void)get_str(c, outer, "sessionId", 1, &rec->session_id);
    if (!json_is_string(json_object_get(r, "cwd")))
      (void)get_str(c, outer, "cwd", 0, &rec->cwd);
  }
  return 0;
}

static void settle(struct refctx *c)
{
  int i;

  for (i = 0; i < c->npend; i++) {
    c->pend[i].dst->p = c->scratch->data + c->pend[i].off;
    c->pend[i].dst->n = c->pend[i].n;
  }
}

enum line_status ref_parse(const char *line, size_t len, struct buf *scratch,
                           struct usage_rec *rec)
{
  struct refctx c;
  json_error_t jerr;
  json_t *root, *rtype, *data, *nested;
  enum line_status st = LINE_NO_USAGE;

  memset(&c, 0, sizeof(c));
  c.scratch = scratch;
  buf_reset(scratch);
  /* jansson drops a raw NUL byte that follows a number or a literal (its
   * one-byte push-back uses NUL to mean "empty"); JSON never allows one,
   * so the reference refuses such lines before asking jansson. (\u0000,
   * the escape, is allowed in values: JSON_ALLOW_NUL.) */
  if (memchr(line, '\0', len))
    return LINE_MALFORMED;
  root = json_loadb(line, len, JSON_ALLOW_NUL, &jerr);
  if (!root)
    return strstr(jerr.text, "unable to decode byte") ? LINE_BAD_UTF8
                                                      : LINE_MALFORMED;
  if (!json_is_object(root))
    goto out;
  rtype = json_object_get(root, "type");
  data = json_object_get(root, "data");
  nested = json_is_object(data) ? json_object_get(data, "message") : NULL;
  if (is_usage_record(root)) {
    if (rules(&c, root, NULL, rec))
      goto out;
  } else if (json_is_string(rtype) &&
             !strcmp(json_string_value(rtype), "progress") &&
             json_string_length(rtype) == 8 && json_is_object(nested) &&
             is_usage_record(nested)) {
    if (rules(&c, nested, root, rec))
      goto out;
  } else {
    goto out;
  }
  settle(&c);
  if (rec->flags & USAGE_API_ERROR)
    rec->limit_reset = line_limit_reset(line, len);
  st = LINE_EVENT;
out:
  json_decref(root);
  return st;
}

static int span_eq(struct span a, struct span b)
{
  if (!a.p || !b.p)
    return !a.p && !b.p;
  return a.n == b.n && !memcmp(a.p, b.p, a.n);
}

int ref_compare(const struct usage_rec *a, const struct usage_rec *b,
                struct buf *why)
{
#define SPAN(f)                                                                \
  if (!span_eq(a->f, b->f))                                                    \
    return buf_addf(why, "%s: '%.*s' vs '%.*s'", #f, (int)a->f.n,              \
                    a->f.p ? a->f.p : "(absent)", (int)b->f.n,                 \
                    b->f.p ? b->f.p : "(absent)"),                             \
           -1;
#define NUM(f)                                                                 \
  if (a->f != b->f)                                                            \
    return buf_addf(why, "%s: %lld vs %lld", #f, (long long)a->f,              \
                    (long long)b->f),                                          \
           -1;
  SPAN(msg_id)
  SPAN(req_id)
  SPAN(uuid)
  SPAN(session_id)
  SPAN(model)
  SPAN(cwd)
  NUM(ts_ms)
  NUM(tok.input)
  NUM(tok.output)
  NUM(tok.cache_write_5m)
  NUM(tok.cache_write_1h)
  NUM(tok.cache_read)
  NUM(web_search)
  NUM(limit_reset)
  NUM(flags)
  if (memcmp(&a->cost_usd, &b->cost_usd, sizeof(double)))
    return buf_addf(why, "cost_usd: %.17g vs %.17g", a->cost_usd, b->cost_usd),
           -1;
#undef SPAN
#undef NUM
  return 0;
}
