/* The hot path: one-pass validating JSON walk that keeps only usage fields. */
/* SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <string.h>

#include "core/civil.h"
#include "source/jsonscan.h"
#include "source/line.h"
#include "util/banned.h"

struct usage_fields {
  struct jval usage; /* kind of message.usage */
  struct jval input, output, cc_input, cr_input, speed;
  struct jval cc; /* kind of usage.cache_creation */
  struct jval cc5m, cc1h;
  struct jval web_search;
};

struct rec_fields {
  struct jval type, timestamp, request_id, session_id, uuid, cwd, version;
  struct jval cost, sidechain, api_error;
  struct jval message; /* kind of message */
  struct jval msg_id, model;
  struct usage_fields u;
};

/* The walk's state: the scanner first, so callbacks can get back here. */
struct lctx {
  struct jscan js;
  struct rec_fields top, nested;
  int has_nested; /* data.message is an object */
};

size_t line_find_usage(const char *s, size_t n)
{
  return jscan_find(s, n, "\"usage\":{", 9);
}

/* Keys whose `"k":null` anywhere in a line makes ccusage drop the line. */
static const struct {
  const char *k;
  size_t n;
} null_keys[] = {
    {"id", 2},
    {"cwd", 3},
    {"model", 5},
    {"speed", 5},
    {"costUSD", 7},
    {"version", 7},
    {"sessionId", 9},
    {"requestId", 9},
    {"isApiErrorMessage", 17},
    {"cache_read_input_tokens", 23},
    {"cache_creation_input_tokens", 27},
};

static int killed_by_null(const char *s, size_t n)
{
  size_t pos = 0;

  for (;;) {
    size_t q = pos + jscan_find(s + pos, n - pos, "\":null", 6);
    size_t i;

    if (q >= n)
      return 0;
    for (i = 0; i < sizeof(null_keys) / sizeof(null_keys[0]); i++) {
      size_t kn = null_keys[i].n;

      if (q >= kn + 1 && s[q - kn - 1] == '"' &&
          !memcmp(s + q - kn, null_keys[i].k, kn))
        return 1;
    }
    pos = q + 1;
  }
}

int line_prefilter_flag(const char *line, size_t len, int *nonascii)
{
  int high = 0;
  size_t at = jscan_find_flag(line, len, "\"usage\":{", 9, &high);

  if (at < len && !killed_by_null(line, len))
    return 1;
  /* Stopped at a match: the rest is unknown, so the caller checks it. */
  *nonascii = at < len || high;
  return 0;
}

int line_prefilter(const char *line, size_t len)
{
  int nonascii;

  return line_prefilter_flag(line, len, &nonascii);
}

long long line_limit_reset(const char *line, size_t len)
{
  static const char pat[] = "usage limit reached|";
  size_t at = jscan_find(line, len, pat, sizeof(pat) - 1);
  long long v = 0;
  size_t i, nd = 0;

  if (at >= len)
    return 0;
  for (i = at + sizeof(pat) - 1; i < len && nd < 12; i++, nd++) {
    if (line[i] < '0' || line[i] > '9')
      break;
    v = v * 10 + (line[i] - '0');
  }
  return nd ? v : 0;
}

int line_version_ok(const char *s, size_t n)
{
  size_t i = 0, d;
  int part;

  for (part = 0; part < 3; part++) {
    for (d = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++, d++)
      if (part == 2)
        return 1; /* one digit of the third part is enough */
    if (!d || part == 2 || i >= n || s[i] != '.')
      return 0;
    i++;
  }
  return 0;
}

static int key_is(const struct span *k, const char *s, size_t n)
{
  return k->n == n && !memcmp(k->p, s, n);
}
#define KEY(k, lit) key_is((k), (lit), sizeof(lit) - 1)

/* Duplicate keys: like jansson, the last occurrence wins, so every member
 * resets what an earlier one of the same name recorded. */

static int cc_member(struct jscan *c, const struct span *k, void *arg)
{
  struct usage_fields *u = arg;

  if (KEY(k, "ephemeral_5m_input_tokens"))
    return jscan_value(c, &u->cc5m);
  if (KEY(k, "ephemeral_1h_input_tokens"))
    return jscan_value(c, &u->cc1h);
  return jscan_value(c, NULL);
}

static int stu_member(struct jscan *c, const struct span *k, void *arg)
{
  struct usage_fields *u = arg;

  if (KEY(k, "web_search_requests"))
    return jscan_value(c, &u->web_search);
  return jscan_value(c, NULL);
}

static int usage_member(struct jscan *c, const struct span *k, void *arg)
{
  struct usage_fields *u = arg;

  switch (k->n) {
  case 5:
    if (KEY(k, "speed"))
      return jscan_value(c, &u->speed);
    break;
  case 12:
    if (KEY(k, "input_tokens"))
      return jscan_value(c, &u->input);
    break;
  case 13:
    if (KEY(k, "output_tokens"))
      return jscan_value(c, &u->output);
    break;
  case 14:
    if (KEY(k, "cache_creation")) {
      memset(&u->cc5m, 0, sizeof(u->cc5m));
      memset(&u->cc1h, 0, sizeof(u->cc1h));
      return jscan_sub(c, &u->cc, cc_member, u);
    }
    break;
  case 15:
    if (KEY(k, "server_tool_use")) {
      struct jval kind = {0};

      memset(&u->web_search, 0, sizeof(u->web_search));
      return jscan_sub(c, &kind, stu_member, u);
    }
    break;
  case 23:
    if (KEY(k, "cache_read_input_tokens"))
      return jscan_value(c, &u->cr_input);
    break;
  case 27:
    if (KEY(k, "cache_creation_input_tokens"))
      return jscan_value(c, &u->cc_input);
    break;
  default:
    break;
  }
  return jscan_value(c, NULL);
}

static int message_member(struct jscan *c, const struct span *k, void *arg)
{
  struct rec_fields *r = arg;

  if (KEY(k, "id"))
    return jscan_value(c, &r->msg_id);
  if (KEY(k, "model"))
    return jscan_value(c, &r->model);
  if (KEY(k, "usage")) {
    memset(&r->u, 0, sizeof(r->u));
    return jscan_sub(c, &r->u.usage, usage_member, &r->u);
  }
  return jscan_value(c, NULL);
}

static int record_member(struct jscan *c, const struct span *k, void *arg);

static int data_member(struct jscan *c, const struct span *k, void *arg)
{
  struct lctx *lc = arg;

  if (KEY(k, "message")) {
    memset(&lc->nested, 0, sizeof(lc->nested));
    lc->has_nested = c->p < c->end && *c->p == '{';
    if (lc->has_nested)
      return jscan_object(c, record_member, &lc->nested);
    return jscan_value(c, NULL);
  }
  return jscan_value(c, NULL);
}

static int record_member(struct jscan *c, const struct span *k, void *arg)
{
  struct rec_fields *r = arg;
  struct lctx *lc = (struct lctx *)c; /* js is its first member */

  switch (k->n) {
  case 3:
    if (KEY(k, "cwd"))
      return jscan_value(c, &r->cwd);
    break;
  case 4:
    if (KEY(k, "type"))
      return jscan_value(c, &r->type);
    if (KEY(k, "uuid"))
      return jscan_value(c, &r->uuid);
    if (KEY(k, "data") && r == &lc->top) {
      struct jval kind = {0};

      memset(&lc->nested, 0, sizeof(lc->nested));
      lc->has_nested = 0;
      return jscan_sub(c, &kind, data_member, lc);
    }
    break;
  case 7:
    if (KEY(k, "message")) {
      r->msg_id.kind = r->model.kind = JK_ABSENT;
      memset(&r->u, 0, sizeof(r->u));
      return jscan_sub(c, &r->message, message_member, r);
    }
    if (KEY(k, "version"))
      return jscan_value(c, &r->version);
    if (KEY(k, "costUSD"))
      return jscan_value(c, &r->cost);
    break;
  case 9:
    if (KEY(k, "timestamp"))
      return jscan_value(c, &r->timestamp);
    if (KEY(k, "requestId"))
      return jscan_value(c, &r->request_id);
    if (KEY(k, "sessionId"))
      return jscan_value(c, &r->session_id);
    break;
  case 11:
    if (KEY(k, "isSidechain"))
      return jscan_value(c, &r->sidechain);
    break;
  case 17:
    if (KEY(k, "isApiErrorMessage"))
      return jscan_value(c, &r->api_error);
    break;
  default:
    break;
  }
  return jscan_value(c, NULL);
}

/* ---- record rules (docs/internals/parser.md) --------------------------- */

static int uint_of(const struct jval *v, uint64_t *out)
{
  if (v->kind == JK_ABSENT || v->kind == JK_NULL) {
    *out = 0;
    return 0;
  }
  if (v->kind != JK_INT || v->i < 0)
    return -1;
  *out = (uint64_t)v->i;
  return 0;
}

/* Absent, or a string that is non-empty when `nonempty`. */
static int opt_str(const struct jval *v, int nonempty, struct span *out)
{
  out->p = NULL;
  out->n = 0;
  if (v->kind == JK_ABSENT)
    return 0;
  if (v->kind != JK_STR || (nonempty && v->s.n == 0))
    return -1;
  *out = v->s;
  if (!out->p)
    out->p = ""; /* present but empty */
  return 0;
}

static int is_usage_record(const struct rec_fields *r)
{
  return r->message.kind == JK_OBJ && r->u.usage.kind == JK_OBJ;
}

static int apply_rules(const struct rec_fields *r,
                       const struct rec_fields *outer, struct usage_rec *rec)
{
  const struct usage_fields *u = &r->u;
  struct span ver;
  uint64_t cc_in;

  memset(rec, 0, sizeof(*rec));
  if (r->timestamp.kind != JK_STR ||
      civil_parse_ts(r->timestamp.s.p, r->timestamp.s.n, &rec->ts_ms))
    return -1;
  if (u->input.kind != JK_INT || u->input.i < 0 || u->output.kind != JK_INT ||
      u->output.i < 0)
    return -1;
  rec->tok.input = (uint64_t)u->input.i;
  rec->tok.output = (uint64_t)u->output.i;
  if (uint_of(&u->cr_input, &rec->tok.cache_read) ||
      uint_of(&u->cc_input, &cc_in))
    return -1;
  if (u->cc.kind == JK_OBJ) {
    if (uint_of(&u->cc5m, &rec->tok.cache_write_5m) ||
        uint_of(&u->cc1h, &rec->tok.cache_write_1h))
      return -1;
  } else if (u->cc.kind == JK_ABSENT || u->cc.kind == JK_NULL) {
    rec->tok.cache_write_5m = cc_in;
  } else {
    return -1;
  }
  if (u->speed.kind != JK_ABSENT) {
    if (u->speed.kind != JK_STR)
      return -1;
    if (key_is(&u->speed.s, "fast", 4))
      rec->flags |= USAGE_FAST | USAGE_HAS_SPEED;
    else if (key_is(&u->speed.s, "standard", 8))
      rec->flags |= USAGE_HAS_SPEED;
    else
      return -1;
  }
  if (u->web_search.kind == JK_INT && u->web_search.i > 0)
    rec->web_search = (uint64_t)u->web_search.i;
  if (opt_str(&r->msg_id, 1, &rec->msg_id) ||
      opt_str(&r->model, 1, &rec->model) ||
      opt_str(&r->request_id, 1, &rec->req_id) ||
      opt_str(&r->session_id, 1, &rec->session_id) ||
      opt_str(&r->version, 0, &ver))
    return -1;
  /* Fields that carry no usage are read leniently, as ccusage reads them:
   * a cwd that is not a string is absent, and only JSON true is true. */
  if (r->cwd.kind == JK_STR)
    rec->cwd = r->cwd.s.p ? r->cwd.s : (struct span){"", 0};
  if (ver.p && !line_version_ok(ver.p, ver.n))
    return -1;
  if (r->uuid.kind == JK_STR)
    rec->uuid = r->uuid.s.p ? r->uuid.s : (struct span){"", 0};
  if (r->cost.kind == JK_INT || r->cost.kind == JK_REAL) {
    rec->cost_usd = r->cost.kind == JK_INT ? (double)r->cost.i : r->cost.d;
    rec->flags |= USAGE_HAS_COST;
  } else if (r->cost.kind != JK_ABSENT) {
    return -1;
  }
  if (r->sidechain.kind == JK_TRUE)
    rec->flags |= USAGE_SIDECHAIN;
  if (r->api_error.kind == JK_TRUE)
    rec->flags |= USAGE_API_ERROR;
  if (outer) {
    struct span s;

    rec->flags |= USAGE_NESTED;
    if (!rec->session_id.p && !opt_str(&outer->session_id, 1, &s))
      rec->session_id = s;
    if (!rec->cwd.p && !opt_str(&outer->cwd, 0, &s))
      rec->cwd = s;
  }
  return 0;
}

/* ---- entry points ------------------------------------------------------ */

void line_parser_init(struct line_parser *lp)
{
  buf_init(&lp->scratch, 0);
}

void line_parser_release(struct line_parser *lp)
{
  buf_release(&lp->scratch);
}

enum line_status line_parse(struct line_parser *lp, const char *line,
                            size_t len, struct usage_rec *rec)
{
  struct lctx c;
  int r;

  memset(&c, 0, sizeof(c));
  /* Decoded strings never outgrow the line, so the scratch never moves. */
  buf_reset(&lp->scratch);
  if (buf_grow(&lp->scratch, len))
    return LINE_MALFORMED;
  jscan_init(&c.js, line, len, lp->scratch.data);
  jscan_ws(&c.js);
  if (c.js.p >= c.js.end)
    return LINE_MALFORMED;
  if (*c.js.p == '{')
    r = jscan_object(&c.js, record_member, &c.top);
  else if (*c.js.p == '[')
    r = jscan_array(&c.js);
  else
    r = -1;
  if (!r) {
    jscan_ws(&c.js);
    if (c.js.p != c.js.end)
      r = -1;
  }
  if (r)
    return c.js.bad_utf8 ? LINE_BAD_UTF8 : LINE_MALFORMED;
  if (is_usage_record(&c.top)) {
    if (apply_rules(&c.top, NULL, rec))
      return LINE_NO_USAGE;
  } else if (c.top.type.kind == JK_STR &&
             key_is(&c.top.type.s, "progress", 8) && c.has_nested &&
             is_usage_record(&c.nested)) {
    if (apply_rules(&c.nested, &c.top, rec))
      return LINE_NO_USAGE;
  } else {
    return LINE_NO_USAGE;
  }
  if (rec->flags & USAGE_API_ERROR)
    rec->limit_reset = line_limit_reset(line, len);
  return LINE_EVENT;
}
