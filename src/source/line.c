/* The hot path: one-pass validating JSON walk that keeps only usage fields. */
/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "core/civil.h"
#include "source/line.h"
#include "util/banned.h"

/* jansson's JSON_PARSER_DEFAULT_DEPTH: deeper nesting is an error there. */
#define MAX_DEPTH 2048

enum jkind {
  JK_ABSENT = 0,
  JK_NULL,
  JK_FALSE,
  JK_TRUE,
  JK_STR,
  JK_INT,
  JK_REAL,
  JK_OBJ,
  JK_ARR
};

struct jval {
  unsigned char kind;
  struct span s; /* JK_STR: decoded bytes */
  long long i;   /* JK_INT */
  double d;      /* JK_REAL */
};

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

struct ctx {
  const char *p, *end;
  int depth;
  int bad_utf8;  /* the failure was invalid UTF-8 */
  char *scratch; /* decoded strings; sized to the line, never moves */
  size_t used;
  struct rec_fields top, nested;
  int has_nested; /* data.message is an object */
};

/* ---- byte searches ---------------------------------------------------- */

/* First occurrence of nd[0..m) (m >= 2) in s[0..n): SIMD test of its first
 * and last bytes, then a memcmp of the middle. */
static size_t find_str(const char *s, size_t n, const char *nd, size_t m)
{
  size_t i = 0;

  if (n < m)
    return n;
#ifdef __SSE2__
  {
    const __m128i f = _mm_set1_epi8(nd[0]);
    const __m128i l = _mm_set1_epi8(nd[m - 1]);

    for (; i + m - 1 + 16 <= n; i += 16) {
      __m128i a = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
      __m128i b =
          _mm_loadu_si128((const __m128i *)(const void *)(s + i + m - 1));
      unsigned mask = (unsigned)_mm_movemask_epi8(
          _mm_and_si128(_mm_cmpeq_epi8(a, f), _mm_cmpeq_epi8(b, l)));

      while (mask) {
        unsigned k = (unsigned)__builtin_ctz(mask);

        if (!memcmp(s + i + k + 1, nd + 1, m - 2))
          return i + k;
        mask &= mask - 1;
      }
    }
  }
#endif
  for (; i + m <= n; i++)
    if (s[i] == nd[0] && !memcmp(s + i, nd, m))
      return i;
  return n;
}

size_t line_find_usage(const char *s, size_t n)
{
  return find_str(s, n, "\"usage\":{", 9);
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
    size_t q = pos + find_str(s + pos, n - pos, "\":null", 6);
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

int line_prefilter(const char *line, size_t len)
{
  return line_find_usage(line, len) < len && !killed_by_null(line, len);
}

long long line_limit_reset(const char *line, size_t len)
{
  static const char pat[] = "usage limit reached|";
  size_t at = find_str(line, len, pat, sizeof(pat) - 1);
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

/* ---- JSON walk -------------------------------------------------------- */

static void skip_ws(struct ctx *c)
{
  while (c->p < c->end &&
         (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
    c->p++;
}

/* Length of the valid UTF-8 sequence at p, or 0 (jansson's rules: no
 * overlongs, no surrogates, nothing above U+10FFFF). */
static int utf8_len(const unsigned char *p, const unsigned char *end)
{
  unsigned c = p[0], v;
  int n, i;

  if (c < 0x80)
    return 1;
  if (c < 0xC2 || c > 0xF4)
    return 0;
  n = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  if (end - p < n)
    return 0;
  v = c & (0x7F >> n);
  for (i = 1; i < n; i++) {
    if ((p[i] & 0xC0) != 0x80)
      return 0;
    v = (v << 6) | (p[i] & 0x3F);
  }
  if ((n == 3 && v < 0x800) || (n == 4 && v < 0x10000) || v > 0x10FFFF ||
      (v >= 0xD800 && v <= 0xDFFF))
    return 0;
  return n;
}

static int hex4(const char *p, unsigned *out)
{
  unsigned v = 0;
  int i;

  for (i = 0; i < 4; i++) {
    char h = p[i];

    v <<= 4;
    if (h >= '0' && h <= '9')
      v |= (unsigned)(h - '0');
    else if (h >= 'a' && h <= 'f')
      v |= (unsigned)(h - 'a' + 10);
    else if (h >= 'A' && h <= 'F')
      v |= (unsigned)(h - 'A' + 10);
    else
      return -1;
  }
  *out = v;
  return 0;
}

/* Reads \uXXXX (and its pair) at p (after the backslash's 'u'); returns the
 * code point or -1. */
static long read_uescape(const char **pp, const char *end)
{
  const char *p = *pp;
  unsigned u, lo;

  if (end - p < 4 || hex4(p, &u))
    return -1;
  p += 4;
  if (u >= 0xDC00 && u <= 0xDFFF)
    return -1;
  if (u >= 0xD800 && u <= 0xDBFF) {
    if (end - p < 6 || p[0] != '\\' || p[1] != 'u' || hex4(p + 2, &lo) ||
        lo < 0xDC00 || lo > 0xDFFF)
      return -1;
    p += 6;
    u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
  }
  if (u == 0)
    return -1; /* jansson refuses \u0000 without JSON_ALLOW_NUL */
  *pp = p;
  return (long)u;
}

static char *put_utf8(char *o, unsigned long u)
{
  if (u < 0x80) {
    *o++ = (char)u;
  } else if (u < 0x800) {
    *o++ = (char)(0xC0 | (u >> 6));
    *o++ = (char)(0x80 | (u & 0x3F));
  } else if (u < 0x10000) {
    *o++ = (char)(0xE0 | (u >> 12));
    *o++ = (char)(0x80 | ((u >> 6) & 0x3F));
    *o++ = (char)(0x80 | (u & 0x3F));
  } else {
    *o++ = (char)(0xF0 | (u >> 18));
    *o++ = (char)(0x80 | ((u >> 12) & 0x3F));
    *o++ = (char)(0x80 | ((u >> 6) & 0x3F));
    *o++ = (char)(0x80 | (u & 0x3F));
  }
  return o;
}

/* Skips to the next byte that needs a look: '"', '\\', < 0x20 or >= 0x80. */
static const char *str_run(const char *p, const char *end)
{
#ifdef __SSE2__
  const __m128i q = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\');
  const __m128i sp = _mm_set1_epi8(0x20);

  while (end - p >= 16) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    /* signed compare: bytes >= 0x80 are negative, so "< 0x20" catches them */
    unsigned m = (unsigned)_mm_movemask_epi8(
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, q), _mm_cmpeq_epi8(v, bs)),
                     _mm_cmplt_epi8(v, sp)));

    if (m)
      return p + __builtin_ctz(m);
    p += 16;
  }
#endif
  while (p < end) {
    unsigned char ch = (unsigned char)*p;

    if (ch == '"' || ch == '\\' || ch < 0x20 || ch >= 0x80)
      return p;
    p++;
  }
  return p;
}

/*
 * Validates a string whose opening quote is at c->p. With `out`, the decoded
 * bytes are described there (pointing into the line when there are no
 * escapes, else into the scratch).
 */
static int parse_string(struct ctx *c, struct span *out)
{
  const char *p = c->p + 1, *start = p;
  int escaped = 0;

  for (;;) {
    unsigned char ch;

    p = str_run(p, c->end);
    if (p >= c->end)
      return -1;
    ch = (unsigned char)*p;
    if (ch == '"')
      break;
    if (ch == '\\') {
      escaped = 1;
      if (++p >= c->end)
        return -1;
      switch (*p) {
      case '"':
      case '\\':
      case '/':
      case 'b':
      case 'f':
      case 'n':
      case 'r':
      case 't':
        p++;
        break;
      case 'u':
        p++;
        if (read_uescape(&p, c->end) < 0)
          return -1;
        break;
      default:
        return -1;
      }
    } else if (ch < 0x20) {
      return -1;
    } else {
      int n = utf8_len((const unsigned char *)p, (const unsigned char *)c->end);

      if (!n) {
        c->bad_utf8 = 1;
        return -1;
      }
      p += n;
    }
  }
  c->p = p + 1;
  if (!out)
    return 0;
  if (!escaped) {
    out->p = start;
    out->n = (size_t)(p - start);
    return 0;
  }
  {
    char *o = c->scratch + c->used, *o0 = o;
    const char *q = start;

    while (q < p) {
      if (*q != '\\') {
        *o++ = *q++;
        continue;
      }
      q++;
      switch (*q++) {
      case 'b':
        *o++ = '\b';
        break;
      case 'f':
        *o++ = '\f';
        break;
      case 'n':
        *o++ = '\n';
        break;
      case 'r':
        *o++ = '\r';
        break;
      case 't':
        *o++ = '\t';
        break;
      case 'u':
        o = put_utf8(o, (unsigned long)read_uescape(&q, p));
        break;
      default:
        *o++ = q[-1];
        break;
      }
    }
    out->p = o0;
    out->n = (size_t)(o - o0);
    c->used += out->n;
  }
  return 0;
}

static int is_digit(const char *p, const char *end)
{
  return p < end && *p >= '0' && *p <= '9';
}

/* A number as jansson lexes it: integers through strtoll's range, reals
 * through strtod with overflow refused. */
static int parse_number(struct ctx *c, struct jval *v)
{
  const char *p = c->p, *start = p;
  int neg = 0;

  if (*p == '-') {
    neg = 1;
    p++;
  }
  if (p < c->end && *p == '0') {
    p++;
    if (is_digit(p, c->end))
      return -1;
  } else if (is_digit(p, c->end)) {
    while (is_digit(p, c->end))
      p++;
  } else {
    return -1;
  }
  if (p < c->end && (*p == '.' || *p == 'e' || *p == 'E')) {
    char tmp[64], *big = NULL, *s = tmp;
    size_t n;
    double d;

    if (*p == '.') {
      p++;
      if (!is_digit(p, c->end))
        return -1;
      while (is_digit(p, c->end))
        p++;
    }
    if (p < c->end && (*p == 'e' || *p == 'E')) {
      p++;
      if (p < c->end && (*p == '+' || *p == '-'))
        p++;
      if (!is_digit(p, c->end))
        return -1;
      while (is_digit(p, c->end))
        p++;
    }
    n = (size_t)(p - start);
    if (n >= sizeof(tmp))
      s = big = malloc(n + 1);
    if (!s)
      return -1;
    memcpy(s, start, n);
    s[n] = '\0';
    errno = 0;
    d = strtod(s, NULL);
    free(big);
    if ((d == HUGE_VAL || d == -HUGE_VAL) && errno == ERANGE)
      return -1;
    if (v) {
      v->kind = JK_REAL;
      v->d = d;
    }
  } else {
    unsigned long long acc = 0;
    const char *q = start + neg;
    unsigned long long lim =
        neg ? (unsigned long long)INT64_MAX + 1 : INT64_MAX;

    for (; q < p; q++) {
      unsigned dg = (unsigned)(*q - '0');

      if (acc > (lim - dg) / 10)
        return -1; /* jansson: "too big integer" */
      acc = acc * 10 + dg;
    }
    if (v) {
      v->kind = JK_INT;
      v->i = neg ? (acc == (unsigned long long)INT64_MAX + 1 ? INT64_MIN
                                                             : -(long long)acc)
                 : (long long)acc;
    }
  }
  c->p = p;
  return 0;
}

static int parse_value(struct ctx *c, struct jval *v);

static int literal(struct ctx *c, const char *w, size_t n, unsigned char kind,
                   struct jval *v)
{
  if ((size_t)(c->end - c->p) < n || memcmp(c->p, w, n))
    return -1;
  c->p += n;
  if (v)
    v->kind = kind;
  return 0;
}

/* Generic container walk; `member` is called for each key of an object. */
typedef int (*member_cb)(struct ctx *c, const struct span *key, void *arg);

static int parse_object(struct ctx *c, member_cb member, void *arg)
{
  if (++c->depth > MAX_DEPTH)
    return -1;
  c->p++;
  skip_ws(c);
  if (c->p < c->end && *c->p == '}') {
    c->p++;
    c->depth--;
    return 0;
  }
  for (;;) {
    struct span key;
    int r;

    if (c->p >= c->end || *c->p != '"')
      return -1;
    if (parse_string(c, &key))
      return -1;
    skip_ws(c);
    if (c->p >= c->end || *c->p != ':')
      return -1;
    c->p++;
    skip_ws(c);
    r = member ? member(c, &key, arg) : parse_value(c, NULL);
    if (r)
      return -1;
    skip_ws(c);
    if (c->p >= c->end)
      return -1;
    if (*c->p == '}') {
      c->p++;
      c->depth--;
      return 0;
    }
    if (*c->p != ',')
      return -1;
    c->p++;
    skip_ws(c);
  }
}

static int parse_array(struct ctx *c)
{
  if (++c->depth > MAX_DEPTH)
    return -1;
  c->p++;
  skip_ws(c);
  if (c->p < c->end && *c->p == ']') {
    c->p++;
    c->depth--;
    return 0;
  }
  for (;;) {
    if (parse_value(c, NULL))
      return -1;
    skip_ws(c);
    if (c->p >= c->end)
      return -1;
    if (*c->p == ']') {
      c->p++;
      c->depth--;
      return 0;
    }
    if (*c->p != ',')
      return -1;
    c->p++;
    skip_ws(c);
  }
}

/* Parses any value; records its kind (and scalar value) in v if given. */
static int parse_value(struct ctx *c, struct jval *v)
{
  if (c->p >= c->end)
    return -1;
  switch (*c->p) {
  case '"':
    if (v)
      v->kind = JK_STR;
    return parse_string(c, v ? &v->s : NULL);
  case '{':
    if (v)
      v->kind = JK_OBJ;
    return parse_object(c, NULL, NULL);
  case '[':
    if (v)
      v->kind = JK_ARR;
    return parse_array(c);
  case 't':
    return literal(c, "true", 4, JK_TRUE, v);
  case 'f':
    return literal(c, "false", 5, JK_FALSE, v);
  case 'n':
    return literal(c, "null", 4, JK_NULL, v);
  default:
    if (*c->p == '-' || (*c->p >= '0' && *c->p <= '9'))
      return parse_number(c, v);
    return -1;
  }
}

static int key_is(const struct span *k, const char *s, size_t n)
{
  return k->n == n && !memcmp(k->p, s, n);
}
#define KEY(k, lit) key_is((k), (lit), sizeof(lit) - 1)

/* Duplicate keys: like jansson, the last occurrence wins, so every member
 * resets what an earlier one of the same name recorded. */

static int cc_member(struct ctx *c, const struct span *k, void *arg)
{
  struct usage_fields *u = arg;

  if (KEY(k, "ephemeral_5m_input_tokens"))
    return parse_value(c, &u->cc5m);
  if (KEY(k, "ephemeral_1h_input_tokens"))
    return parse_value(c, &u->cc1h);
  return parse_value(c, NULL);
}

static int stu_member(struct ctx *c, const struct span *k, void *arg)
{
  struct usage_fields *u = arg;

  if (KEY(k, "web_search_requests"))
    return parse_value(c, &u->web_search);
  return parse_value(c, NULL);
}

static int sub_object(struct ctx *c, struct jval *kind, member_cb cb, void *arg)
{
  if (c->p < c->end && *c->p == '{') {
    kind->kind = JK_OBJ;
    return parse_object(c, cb, arg);
  }
  return parse_value(c, kind);
}

static int usage_member(struct ctx *c, const struct span *k, void *arg)
{
  struct usage_fields *u = arg;

  switch (k->n) {
  case 5:
    if (KEY(k, "speed"))
      return parse_value(c, &u->speed);
    break;
  case 12:
    if (KEY(k, "input_tokens"))
      return parse_value(c, &u->input);
    break;
  case 13:
    if (KEY(k, "output_tokens"))
      return parse_value(c, &u->output);
    break;
  case 14:
    if (KEY(k, "cache_creation")) {
      memset(&u->cc5m, 0, sizeof(u->cc5m));
      memset(&u->cc1h, 0, sizeof(u->cc1h));
      return sub_object(c, &u->cc, cc_member, u);
    }
    break;
  case 15:
    if (KEY(k, "server_tool_use")) {
      struct jval kind = {0};

      memset(&u->web_search, 0, sizeof(u->web_search));
      return sub_object(c, &kind, stu_member, u);
    }
    break;
  case 23:
    if (KEY(k, "cache_read_input_tokens"))
      return parse_value(c, &u->cr_input);
    break;
  case 27:
    if (KEY(k, "cache_creation_input_tokens"))
      return parse_value(c, &u->cc_input);
    break;
  default:
    break;
  }
  return parse_value(c, NULL);
}

static int message_member(struct ctx *c, const struct span *k, void *arg)
{
  struct rec_fields *r = arg;

  if (KEY(k, "id"))
    return parse_value(c, &r->msg_id);
  if (KEY(k, "model"))
    return parse_value(c, &r->model);
  if (KEY(k, "usage")) {
    memset(&r->u, 0, sizeof(r->u));
    return sub_object(c, &r->u.usage, usage_member, &r->u);
  }
  return parse_value(c, NULL);
}

static int record_member(struct ctx *c, const struct span *k, void *arg);

static int data_member(struct ctx *c, const struct span *k, void *arg)
{
  (void)arg;
  if (KEY(k, "message")) {
    memset(&c->nested, 0, sizeof(c->nested));
    c->has_nested = c->p < c->end && *c->p == '{';
    if (c->has_nested)
      return parse_object(c, record_member, &c->nested);
    return parse_value(c, NULL);
  }
  return parse_value(c, NULL);
}

static int record_member(struct ctx *c, const struct span *k, void *arg)
{
  struct rec_fields *r = arg;

  switch (k->n) {
  case 3:
    if (KEY(k, "cwd"))
      return parse_value(c, &r->cwd);
    break;
  case 4:
    if (KEY(k, "type"))
      return parse_value(c, &r->type);
    if (KEY(k, "uuid"))
      return parse_value(c, &r->uuid);
    if (KEY(k, "data") && r == &c->top) {
      struct jval kind = {0};

      memset(&c->nested, 0, sizeof(c->nested));
      c->has_nested = 0;
      return sub_object(c, &kind, data_member, NULL);
    }
    break;
  case 7:
    if (KEY(k, "message")) {
      r->msg_id.kind = r->model.kind = JK_ABSENT;
      memset(&r->u, 0, sizeof(r->u));
      return sub_object(c, &r->message, message_member, r);
    }
    if (KEY(k, "version"))
      return parse_value(c, &r->version);
    if (KEY(k, "costUSD"))
      return parse_value(c, &r->cost);
    break;
  case 9:
    if (KEY(k, "timestamp"))
      return parse_value(c, &r->timestamp);
    if (KEY(k, "requestId"))
      return parse_value(c, &r->request_id);
    if (KEY(k, "sessionId"))
      return parse_value(c, &r->session_id);
    break;
  case 11:
    if (KEY(k, "isSidechain"))
      return parse_value(c, &r->sidechain);
    break;
  case 17:
    if (KEY(k, "isApiErrorMessage"))
      return parse_value(c, &r->api_error);
    break;
  default:
    break;
  }
  return parse_value(c, NULL);
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

static int opt_bool(const struct jval *v, int *out)
{
  *out = v->kind == JK_TRUE;
  return v->kind == JK_ABSENT || v->kind == JK_TRUE || v->kind == JK_FALSE ? 0
                                                                           : -1;
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
  int side, api;
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
      opt_str(&r->cwd, 0, &rec->cwd) || opt_str(&r->version, 0, &ver))
    return -1;
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
  if (opt_bool(&r->sidechain, &side) || opt_bool(&r->api_error, &api))
    return -1;
  if (side)
    rec->flags |= USAGE_SIDECHAIN;
  if (api)
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
  struct ctx c;
  int r;

  memset(&c, 0, sizeof(c));
  /* Decoded strings never outgrow the line, so the scratch never moves. */
  buf_reset(&lp->scratch);
  if (buf_grow(&lp->scratch, len))
    return LINE_MALFORMED;
  c.scratch = lp->scratch.data;
  c.p = line;
  c.end = line + len;
  skip_ws(&c);
  if (c.p >= c.end)
    return LINE_MALFORMED;
  if (*c.p == '{')
    r = parse_object(&c, record_member, &c.top);
  else if (*c.p == '[')
    r = parse_array(&c);
  else
    r = -1;
  if (!r) {
    skip_ws(&c);
    if (c.p != c.end)
      r = -1;
  }
  if (r)
    return c.bad_utf8 ? LINE_BAD_UTF8 : LINE_MALFORMED;
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
