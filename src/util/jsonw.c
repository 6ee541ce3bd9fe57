/* jsonw: JSON writer with serde_json-compatible layout and doubles. */
/* SPDX-License-Identifier: MIT */
#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/jsonw.h"
#include "util/banned.h"

void jsonw_init(struct jsonw *w, struct buf *out, int indent)
{
  memset(w, 0, sizeof(*w));
  w->out = out;
  w->indent = indent > 0 ? indent : 0;
}

int jsonw_finish(const struct jsonw *w)
{
  if (w->err)
    return w->err;
  return w->done && !w->depth ? 0 : ERR_INTERNAL;
}

static int misuse(struct jsonw *w)
{
  assert(!"jsonw: call out of order");
  w->err = ERR_INTERNAL;
  return w->err;
}

static void put(struct jsonw *w, const char *s, size_t n)
{
  if (!w->err && buf_add(w->out, s, n))
    w->err = ERR_RANGE;
}

static void newline(struct jsonw *w)
{
  put(w, "\n", 1);
  if (!w->err && buf_addrep(w->out, ' ', (size_t)w->indent * w->depth))
    w->err = ERR_RANGE;
}

/* Emits what precedes a value (comma, newline, indent); checks order. */
static int value_prefix(struct jsonw *w)
{
  int d = w->depth - 1;

  if (w->err)
    return w->err;
  if (d < 0) {
    if (w->done)
      return misuse(w);
    return 0;
  }
  if (w->is_obj[d]) {
    if (!w->key_pending)
      return misuse(w);
    w->key_pending = false;
    return 0;
  }
  if (w->has_items[d])
    put(w, ",", 1);
  w->has_items[d] = true;
  if (w->indent)
    newline(w);
  return w->err;
}

static void value_done(struct jsonw *w)
{
  if (!w->depth)
    w->done = true;
}

static int scalar(struct jsonw *w, const char *s, size_t n)
{
  if (value_prefix(w))
    return w->err;
  put(w, s, n);
  value_done(w);
  return w->err;
}

static int begin(struct jsonw *w, bool obj)
{
  if (value_prefix(w))
    return w->err;
  if (w->depth >= JSONW_MAX_DEPTH)
    return misuse(w);
  put(w, obj ? "{" : "[", 1);
  w->is_obj[w->depth] = obj;
  w->has_items[w->depth] = false;
  w->depth++;
  return w->err;
}

static int end(struct jsonw *w, bool obj)
{
  int d = w->depth - 1;

  if (w->err)
    return w->err;
  if (d < 0 || w->is_obj[d] != obj || w->key_pending)
    return misuse(w);
  w->depth--;
  if (w->has_items[d] && w->indent)
    newline(w);
  put(w, obj ? "}" : "]", 1);
  value_done(w);
  return w->err;
}

int jsonw_obj_begin(struct jsonw *w)
{
  return begin(w, true);
}

int jsonw_obj_end(struct jsonw *w)
{
  return end(w, true);
}

int jsonw_arr_begin(struct jsonw *w)
{
  return begin(w, false);
}

int jsonw_arr_end(struct jsonw *w)
{
  return end(w, false);
}

int jsonw_keyn(struct jsonw *w, const char *key, size_t len)
{
  int d = w->depth - 1;

  if (w->err)
    return w->err;
  if (d < 0 || !w->is_obj[d] || w->key_pending)
    return misuse(w);
  if (w->has_items[d])
    put(w, ",", 1);
  w->has_items[d] = true;
  if (w->indent)
    newline(w);
  if (!w->err && jsonw_quote(w->out, key, len))
    w->err = ERR_RANGE;
  if (w->indent)
    put(w, ": ", 2);
  else
    put(w, ":", 1);
  w->key_pending = true;
  return w->err;
}

int jsonw_key(struct jsonw *w, const char *key)
{
  return jsonw_keyn(w, key, strlen(key));
}

int jsonw_str(struct jsonw *w, const char *s, size_t len)
{
  if (value_prefix(w))
    return w->err;
  if (jsonw_quote(w->out, s, len))
    w->err = ERR_RANGE;
  value_done(w);
  return w->err;
}

int jsonw_strz(struct jsonw *w, const char *s)
{
  if (!s)
    return jsonw_null(w);
  return jsonw_str(w, s, strlen(s));
}

int jsonw_uint(struct jsonw *w, uint64_t v)
{
  char tmp[24];
  int n = snprintf(tmp, sizeof(tmp), "%" PRIu64, v);

  return scalar(w, tmp, (size_t)n);
}

int jsonw_int(struct jsonw *w, int64_t v)
{
  char tmp[24];
  int n = snprintf(tmp, sizeof(tmp), "%" PRId64, v);

  return scalar(w, tmp, (size_t)n);
}

int jsonw_double(struct jsonw *w, double v)
{
  char tmp[JSONW_DTOA_MAX];
  size_t n = jsonw_dtoa(v, 0, tmp);

  return scalar(w, tmp, n);
}

int jsonw_double_compact(struct jsonw *w, double v)
{
  char tmp[JSONW_DTOA_MAX];
  size_t n = jsonw_dtoa(v, JSONW_INTEGRAL, tmp);

  return scalar(w, tmp, n);
}

int jsonw_bool(struct jsonw *w, bool v)
{
  return v ? scalar(w, "true", 4) : scalar(w, "false", 5);
}

int jsonw_null(struct jsonw *w)
{
  return scalar(w, "null", 4);
}

/* ---- doubles ---------------------------------------------------------- */

/*
 * Shortest round-trip digits without a Ryu table: printf's %.*e is
 * correctly rounded and strtod is exact, so the p-digit rounding of v
 * "round-trips" iff it lies inside v's rounding interval. When the
 * interval is symmetric (every double except exact powers of two), the
 * nearest p-digit decimal is in it whenever any p-digit decimal is, and
 * the (p+1)-digit rounding is at least as near, so success is monotone in
 * p and a binary search finds the shortest. At a power of two the
 * interval is twice as wide above v as below it, so the p-digit decimal
 * just above v may fit although the nearest one (below) does not: those
 * are searched linearly, trying both.
 */

struct digits {
  char d[24]; /* significant digits, no leading or trailing zeros */
  int n;
  int kk; /* v = 0.d[0]d[1]... * 10^kk */
};

/* The p-digit rounding of v > 0; returns true when it reads back as v. */
static bool round_digits(double v, int p, struct digits *out)
{
  char tmp[40];
  char *e;
  int i;

  snprintf(tmp, sizeof(tmp), "%.*e", p - 1, v);
  e = strchr(tmp, 'e');
  memset(out->d, '0', sizeof(out->d));
  out->n = 0;
  out->kk = 1;
  if (!e) /* not reached for finite v */
    return false;
  for (i = 0; tmp + i < e && out->n < 17; i++)
    if (tmp[i] != '.')
      out->d[out->n++] = tmp[i];
  if (!out->n)
    out->n = 1;
  out->kk = atoi(e + 1) + 1;
  return strtod(tmp, NULL) == v;
}

static bool digits_value_is(const struct digits *dg, double v, double *got)
{
  char tmp[48];

  snprintf(tmp, sizeof(tmp), "0.%.*se%d", dg->n, dg->d, dg->kk);
  *got = strtod(tmp, NULL);
  return *got == v;
}

/* Adds one unit in the last place to the digit string. */
static void digits_bump(struct digits *dg)
{
  int i = dg->n - 1;

  while (i >= 0 && dg->d[i] == '9')
    dg->d[i--] = '0';
  if (i >= 0) {
    dg->d[i]++;
    return;
  }
  dg->d[0] = '1';
  dg->n = 1;
  dg->kk++;
}

static void digits_trim(struct digits *dg)
{
  while (dg->n > 1 && dg->d[dg->n - 1] == '0')
    dg->n--;
}

static void shortest_pow2(double v, struct digits *dg)
{
  struct digits up;
  double got;
  int p;

  for (p = 1; p < 17; p++) {
    if (round_digits(v, p, dg))
      return;
    digits_value_is(dg, v, &got);
    if (got < v) {
      up = *dg;
      digits_bump(&up);
      if (digits_value_is(&up, v, &got)) {
        *dg = up;
        return;
      }
    }
  }
  round_digits(v, 17, dg);
}

static void shortest(double v, struct digits *dg)
{
  uint64_t bits;
  int lo = 1, hi = 17;

  memcpy(&bits, &v, sizeof(bits));
  if (v < 9007199254740992.0 && v == floor(v)) {
    dg->n = snprintf(dg->d, sizeof(dg->d), "%.0f", v);
    dg->kk = dg->n;
    digits_trim(dg);
    return;
  }
  if (!(bits & ((UINT64_C(1) << 52) - 1)) && (bits >> 52) > 1) {
    shortest_pow2(v, dg);
    digits_trim(dg);
    return;
  }
  while (lo < hi) {
    int mid = (lo + hi) / 2;

    if (round_digits(v, mid, dg))
      hi = mid;
    else
      lo = mid + 1;
  }
  round_digits(v, lo, dg);
  digits_trim(dg);
}

/* Lays the digits out as ryu's format64 does. */
static size_t layout(const struct digits *dg, char *out)
{
  int n = dg->n, kk = dg->kk, k = kk - n;
  size_t len = 0;

  if (k >= 0 && kk <= 16) {
    memcpy(out, dg->d, (size_t)n);
    memset(out + n, '0', (size_t)k);
    len = (size_t)kk;
    out[len++] = '.';
    out[len++] = '0';
  } else if (kk > 0 && kk <= 16) {
    memcpy(out, dg->d, (size_t)kk);
    out[kk] = '.';
    memcpy(out + kk + 1, dg->d + kk, (size_t)(n - kk));
    len = (size_t)n + 1;
  } else if (kk > -5 && kk <= 0) {
    out[0] = '0';
    out[1] = '.';
    memset(out + 2, '0', (size_t)-kk);
    memcpy(out + 2 - kk, dg->d, (size_t)n);
    len = (size_t)2 + (size_t)-kk + (size_t)n;
  } else {
    out[len++] = dg->d[0];
    if (n > 1) {
      out[len++] = '.';
      memcpy(out + len, dg->d + 1, (size_t)n - 1);
      len += (size_t)n - 1;
    }
    len += (size_t)snprintf(out + len, 8, "e%d", kk - 1);
  }
  out[len] = '\0';
  return len;
}

size_t jsonw_dtoa(double v, unsigned flags, char *out)
{
  struct digits dg;
  size_t len = 0;

  if (!isfinite(v)) {
    memcpy(out, "null", 5);
    return 4;
  }
  if ((flags & JSONW_INTEGRAL) && v == floor(v) &&
      fabs(v) < 9223372036854775808.0)
    return (size_t)snprintf(out, JSONW_DTOA_MAX, "%" PRId64, (int64_t)v);
  if (signbit(v)) {
    out[len++] = '-';
    v = -v;
  }
  if (v == 0) {
    memcpy(out + len, "0.0", 4);
    return len + 3;
  }
  shortest(v, &dg);
  return len + layout(&dg, out + len);
}

/* ---- strings ---------------------------------------------------------- */

size_t jsonw_utf8_next(const char *s, size_t len, uint32_t *cp)
{
  const unsigned char *u = (const unsigned char *)s;
  unsigned char lo = 0x80, hi = 0xbf;
  uint32_t c = u[0];
  size_t need, i;

  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  if (c >= 0xc2 && c <= 0xdf) {
    need = 1;
    c &= 0x1f;
  } else if (c >= 0xe0 && c <= 0xef) {
    need = 2;
    lo = c == 0xe0 ? 0xa0 : 0x80;
    hi = c == 0xed ? 0x9f : 0xbf;
    c &= 0x0f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    need = 3;
    lo = c == 0xf0 ? 0x90 : 0x80;
    hi = c == 0xf4 ? 0x8f : 0xbf;
    c &= 0x07;
  } else {
    *cp = 0xfffd;
    return 1;
  }
  for (i = 1; i <= need; i++) {
    if (i >= len || u[i] < lo || u[i] > hi) {
      *cp = 0xfffd;
      return i;
    }
    c = (c << 6) | (u[i] & 0x3f);
    lo = 0x80;
    hi = 0xbf;
  }
  *cp = c;
  return need + 1;
}

static const char *short_escape(unsigned char c)
{
  switch (c) {
  case '"':
    return "\\\"";
  case '\\':
    return "\\\\";
  case '\b':
    return "\\b";
  case '\f':
    return "\\f";
  case '\n':
    return "\\n";
  case '\r':
    return "\\r";
  case '\t':
    return "\\t";
  default:
    return NULL;
  }
}

int jsonw_quote(struct buf *out, const char *s, size_t len)
{
  static const char hex[] = "0123456789abcdef";
  size_t i = 0, run = 0;
  int r = buf_addch(out, '"');

  while (!r && i < len) {
    unsigned char c = (unsigned char)s[i];
    const char *esc;
    uint32_t cp;
    size_t n;

    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      i++;
      continue;
    }
    r = buf_add(out, s + run, i - run);
    if (c >= 0x80) {
      n = jsonw_utf8_next(s + i, len - i, &cp);
      /* a valid U+FFFD in the input is the same three bytes */
      if (!r)
        r = cp == 0xfffd ? buf_add(out, "\xef\xbf\xbd", 3)
                         : buf_add(out, s + i, n);
      i += n;
    } else if ((esc = short_escape(c)) != NULL) {
      r = r ? r : buf_adds(out, esc);
      i++;
    } else {
      char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};

      r = r ? r : buf_add(out, u, sizeof(u));
      i++;
    }
    run = i;
  }
  if (!r)
    r = buf_add(out, s + run, i - run);
  if (!r)
    r = buf_addch(out, '"');
  return r ? ERR_RANGE : 0;
}
