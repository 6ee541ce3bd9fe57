/* A validating JSON walker that keeps only what its caller asks for. */
/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "source/jsonscan.h"
#include "util/banned.h"

/* jansson's JSON_PARSER_DEFAULT_DEPTH: deeper nesting is an error there. */
#define MAX_DEPTH 2048

size_t jscan_find_flag(const char *s, size_t n, const char *nd, size_t m,
                       int *nonascii)
{
  size_t i = 0, at = n;
  unsigned high = 0; /* sign bits of the bytes looked at */

  if (n >= m) {
#ifdef __SSE2__
    const __m128i f = _mm_set1_epi8(nd[0]);
    const __m128i l = _mm_set1_epi8(nd[m - 1]);

    for (; i + m - 1 + 16 <= n; i += 16) {
      __m128i a = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
      __m128i b =
          _mm_loadu_si128((const __m128i *)(const void *)(s + i + m - 1));
      unsigned mask = (unsigned)_mm_movemask_epi8(
          _mm_and_si128(_mm_cmpeq_epi8(a, f), _mm_cmpeq_epi8(b, l)));

      high |= (unsigned)_mm_movemask_epi8(a);
      while (mask) {
        unsigned k = (unsigned)__builtin_ctz(mask);

        if (!memcmp(s + i + k + 1, nd + 1, m - 2)) {
          at = i + k;
          goto done;
        }
        mask &= mask - 1;
      }
    }
#endif
    for (; i + m <= n; i++) {
      high |= (unsigned char)s[i] & 0x80u;
      if (s[i] == nd[0] && !memcmp(s + i, nd, m)) {
        at = i;
        goto done;
      }
    }
  }
  for (; i < n; i++)
    high |= (unsigned char)s[i] & 0x80u;
done:
  if (nonascii)
    *nonascii = high != 0;
  return at;
}

size_t jscan_find(const char *s, size_t n, const char *nd, size_t m)
{
  return jscan_find_flag(s, n, nd, m, NULL);
}

void jscan_init(struct jscan *c, const char *p, size_t n, char *scratch)
{
  memset(c, 0, sizeof(*c));
  c->p = p;
  c->end = p + n;
  c->scratch = scratch;
}

void jscan_ws(struct jscan *c)
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

/* Length of the well-formed sequence at p (Unicode table 3-7), 0 if none;
 * p[0] >= 0x80. Inline: it runs once per non-ASCII character of a line. */
static inline size_t seq_len(const unsigned char *p, const unsigned char *end)
{
  unsigned c = p[0];

  if (c >= 0xC2 && c <= 0xDF)
    return end - p >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF)
    return end - p >= 3 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80 &&
                   !(c == 0xE0 && p[1] < 0xA0) && !(c == 0xED && p[1] > 0x9F)
               ? 3
               : 0;
  if (c >= 0xF0 && c <= 0xF4)
    return end - p >= 4 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80 &&
                   (p[3] & 0xC0) == 0x80 && !(c == 0xF0 && p[1] < 0x90) &&
                   !(c == 0xF4 && p[1] > 0x8F)
               ? 4
               : 0;
  return 0;
}

int jscan_utf8_valid(const char *s, size_t n)
{
  const unsigned char *p = (const unsigned char *)s, *end = p + n;

  while (p < end) {
#ifdef __SSE2__
    if (end - p >= 16) {
      unsigned m = (unsigned)_mm_movemask_epi8(
          _mm_loadu_si128((const __m128i *)(const void *)p));

      if (!m) {
        p += 16;
        continue;
      }
      p += __builtin_ctz(m);
    }
#endif
    if (*p < 0x80) {
      p++;
      continue;
    }
    /* A run of non-ASCII characters stays here, off the SIMD path. */
    while (p < end && *p >= 0x80) {
      size_t k = seq_len(p, end);

      if (!k)
        return 0;
      p += k;
    }
  }
  return 1;
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
static int parse_string(struct jscan *c, struct span *out, int key)
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
      case 'u': {
        long cp;

        p++;
        cp = read_uescape(&p, c->end);
        /* \u0000 is fine in a value (as serde and jansson's
         * JSON_ALLOW_NUL read it), never in a key (jansson refuses). */
        if (cp < 0 || (cp == 0 && key))
          return -1;
        break;
      }
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
static int parse_number(struct jscan *c, struct jval *v)
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

static int literal(struct jscan *c, const char *w, size_t n, unsigned char kind,
                   struct jval *v)
{
  if ((size_t)(c->end - c->p) < n || memcmp(c->p, w, n) != 0)
    return -1;
  c->p += n;
  if (v)
    v->kind = kind;
  return 0;
}

/* After a member or element: 0 at the container's end (consumed), 1 after
 * a ',' (another item follows), -1 on anything else. */
static int next_item(struct jscan *c, char close)
{
  jscan_ws(c);
  if (c->p >= c->end)
    return -1;
  if (*c->p == close) {
    c->p++;
    c->depth--;
    return 0;
  }
  if (*c->p != ',')
    return -1;
  c->p++;
  jscan_ws(c);
  return 1;
}

int jscan_object(struct jscan *c, jscan_member_cb member, void *arg)
{
  if (++c->depth > MAX_DEPTH)
    return -1;
  c->p++;
  jscan_ws(c);
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
    if (parse_string(c, &key, 1))
      return -1;
    jscan_ws(c);
    if (c->p >= c->end || *c->p != ':')
      return -1;
    c->p++;
    jscan_ws(c);
    r = member ? member(c, &key, arg) : jscan_value(c, NULL);
    if (r || (r = next_item(c, '}')) != 1)
      return r;
  }
}

int jscan_array(struct jscan *c)
{
  if (++c->depth > MAX_DEPTH)
    return -1;
  c->p++;
  jscan_ws(c);
  if (c->p < c->end && *c->p == ']') {
    c->p++;
    c->depth--;
    return 0;
  }
  for (;;) {
    int r = jscan_value(c, NULL);

    if (r || (r = next_item(c, ']')) != 1)
      return r;
  }
}

/* Parses any value; records its kind (and scalar value) in v if given. */
int jscan_value(struct jscan *c, struct jval *v)
{
  if (c->p >= c->end)
    return -1;
  switch (*c->p) {
  case '"':
    if (v)
      v->kind = JK_STR;
    return parse_string(c, v ? &v->s : NULL, 0);
  case '{':
    if (v)
      v->kind = JK_OBJ;
    return jscan_object(c, NULL, NULL);
  case '[':
    if (v)
      v->kind = JK_ARR;
    return jscan_array(c);
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

int jscan_sub(struct jscan *c, struct jval *kind, jscan_member_cb member,
              void *arg)
{
  if (c->p < c->end && *c->p == '{') {
    kind->kind = JK_OBJ;
    return jscan_object(c, member, arg);
  }
  return jscan_value(c, kind);
}
