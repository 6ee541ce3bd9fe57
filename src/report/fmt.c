/* fmt: number, money, duration and CSV field formatting for reports. */
/* SPDX-License-Identifier: MIT */
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "report/fmt.h"
#include "util/buf.h"
#include "util/jsonw.h"
#include "util/err.h"
#include "util/banned.h"

static int ret(int r)
{
  return r ? ERR_RANGE : 0;
}

/* Appends a run of decimal digits with a ',' every three from the right. */
static int add_grouped(struct buf *out, const char *digits, size_t n)
{
  size_t first = n % 3 ? n % 3 : 3, i;
  int r = buf_add(out, digits, first);

  for (i = first; !r && i < n; i += 3) {
    r = buf_addch(out, ',');
    if (!r)
      r = buf_add(out, digits + i, 3);
  }
  return ret(r);
}

static int add_uint_grouped(struct buf *out, uint64_t v)
{
  char tmp[24];
  int n = snprintf(tmp, sizeof(tmp), "%" PRIu64, v);

  return add_grouped(out, tmp, (size_t)n);
}

int fmt_uint(struct buf *out, uint64_t v)
{
  return add_uint_grouped(out, v);
}

int fmt_int(struct buf *out, int64_t v)
{
  uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

  if (v < 0 && buf_addch(out, '-'))
    return ERR_RANGE;
  return add_uint_grouped(out, mag);
}

/*
 * Cents of a >= 0 as a digit string. printf's %.2f rounds the exact binary
 * value correctly but sends exact ties to even; a tie at the cent means
 * a*100 ends in exactly .5, which for a binary fraction happens only when
 * a*8 is an odd integer (a = n/8). Those are rounded up by hand.
 */
static void usd_digits(double a, char *tmp, size_t size)
{
  double e = a * 8;

  if (a < 0x1p50 && e == floor(e) && fmod(e, 2.0) == 1.0) {
    uint64_t cents = ((uint64_t)e * 25 + 1) / 2;

    snprintf(tmp, size, "%" PRIu64 ".%02u", cents / 100,
             (unsigned)(cents % 100));
    return;
  }
  snprintf(tmp, size, "%.2f", a);
}

int fmt_usd(struct buf *out, double v)
{
  char tmp[400];
  const char *dot;
  bool zero;
  int r = 0;

  if (!isfinite(v))
    return ret(buf_adds(out, FMT_NA));
  usd_digits(fabs(v), tmp, sizeof(tmp));
  dot = strchr(tmp, '.');
  zero = strspn(tmp, "0.") == strlen(tmp);
  if (signbit(v) && !zero)
    r = buf_addch(out, '-');
  if (!r)
    r = buf_addch(out, '$');
  if (!r)
    r = add_grouped(out, tmp, (size_t)(dot - tmp));
  if (!r)
    r = buf_adds(out, dot);
  return ret(r);
}

/* v / d rounded half up, without overflow. */
static uint64_t div_round(uint64_t v, uint64_t d)
{
  uint64_t q = v / d, rem = v % d;

  return rem >= d - rem ? q + 1 : q;
}

int fmt_tokens_compact(struct buf *out, uint64_t v)
{
  static const char suffix[] = "KMBT";
  uint64_t unit = 1000;
  size_t i;

  if (v < 1000)
    return ret(buf_addf(out, "%" PRIu64, v));
  for (i = 0; i < sizeof(suffix) - 1; i++, unit *= 1000) {
    uint64_t tenths = div_round(v, unit / 10), whole;

    if (tenths < 1000) {
      if (tenths % 10)
        return ret(buf_addf(out, "%" PRIu64 ".%u%c", tenths / 10,
                            (unsigned)(tenths % 10), suffix[i]));
      return ret(buf_addf(out, "%" PRIu64 "%c", tenths / 10, suffix[i]));
    }
    whole = div_round(v, unit);
    if (whole < 1000 || i == sizeof(suffix) - 2)
      return ret(buf_addf(out, "%" PRIu64 "%c", whole, suffix[i]));
  }
  return ERR_INTERNAL; /* not reached: the last unit always returns */
}

int fmt_duration(struct buf *out, int64_t seconds)
{
  uint64_t mag, min;
  int r = 0;

  mag = seconds < 0 ? (uint64_t)0 - (uint64_t)seconds : (uint64_t)seconds;
  min = mag / 60;
  if (seconds < 0 && min)
    r = buf_addch(out, '-');
  if (r)
    return ERR_RANGE;
  if (min >= 60)
    return ret(
        buf_addf(out, "%" PRIu64 "h %um", min / 60, (unsigned)(min % 60)));
  return ret(buf_addf(out, "%um", (unsigned)min));
}

int fmt_percent(struct buf *out, double percent, int decimals)
{
  if (!isfinite(percent))
    return ret(buf_adds(out, FMT_NA));
  if (decimals < 0)
    decimals = 0;
  if (decimals > 6)
    decimals = 6;
  return ret(buf_addf(out, "%.*f%%", decimals, percent));
}

static bool csv_needs_quotes(const char *s, size_t len)
{
  size_t i;

  if (!len)
    return false;
  if (s[0] == ' ' || s[0] == '\t' || s[len - 1] == ' ' || s[len - 1] == '\t')
    return true;
  for (i = 0; i < len; i++)
    if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
      return true;
  return false;
}

int fmt_csv_field(struct buf *out, const char *s, size_t len)
{
  size_t i, run = 0;
  int r;

  if (!csv_needs_quotes(s, len))
    return ret(buf_add(out, s, len));
  r = buf_addch(out, '"');
  for (i = 0; !r && i < len; i++) {
    if (s[i] != '"')
      continue;
    r = buf_add(out, s + run, i + 1 - run);
    run = i; /* the quote is written again: "" */
  }
  if (!r)
    r = buf_add(out, s + run, len - run);
  if (!r)
    r = buf_addch(out, '"');
  return ret(r);
}

int fmt_printable(struct buf *out, const char *s, size_t len)
{
  size_t i = 0;
  int r = 0;

  while (i < len && !r) {
    uint32_t cp;
    size_t n = jsonw_utf8_next(s + i, len - i, &cp);

    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp == 0xFFFD)
      r = buf_addch(out, '?');
    else
      r = buf_add(out, s + i, n);
    i += n;
  }
  return r;
}
