/* Time zones: TZif parsing, POSIX TZ rules and UTC offset lookup. */
/* SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "core/tz.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define DAY_SECS 86400
/* Weekdays and leap years repeat every 400 years (146097 days). */
#define CYCLE_SECS ((int64_t)146097 * DAY_SECS)
#define TZIF_HDR_LEN 44
#define TZIF_MAX_TYPES 256
/* RFC 8536 section 3.2: utoff SHOULD lie in [-89999, 93599]. */
#define UTOFF_MIN (-89999)
#define UTOFF_MAX 93599
#define OFFSET_MAX_HOURS 24
/* RFC 8536 section 3.3.1 allows transition times of -167..167 hours. */
#define RULE_TIME_MAX_HOURS 167
#define FOOTER_MAX 255

void tz_init_utc(struct tz *tz)
{
  memset(tz, 0, sizeof(*tz));
  memcpy(tz->name, "UTC", sizeof("UTC"));
}

void tz_release(struct tz *tz)
{
  free(tz->times);
  free(tz->idx);
  free(tz->offs);
  tz_init_utc(tz);
}

static void set_name(struct tz *tz, const char *name)
{
  size_t n = strlen(name);

  if (n >= sizeof(tz->name))
    n = sizeof(tz->name) - 1;
  memcpy(tz->name, name, n);
  tz->name[n] = '\0';
}

/* POSIX TZ strings */

struct tzp {
  const char *p;   /* cursor */
  const char *why; /* what was expected where parsing stopped */
};

static int is_digit(char c)
{
  return c >= '0' && c <= '9';
}

static int is_alpha(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int tzp_fail(struct tzp *s, const char *why)
{
  s->why = why;
  return -1;
}

/* Consumes c if it is next. */
static int tzp_eat(struct tzp *s, char c)
{
  if (*s->p != c)
    return 0;
  s->p++;
  return 1;
}

/* A zone abbreviation: 3+ letters, or <3+ of [A-Za-z0-9+-]>. */
static int tzp_name(struct tzp *s)
{
  const char *p = s->p;
  size_t n = 0;

  if (*p == '<') {
    p++;
    while (is_alpha(p[n]) || is_digit(p[n]) || p[n] == '+' || p[n] == '-')
      n++;
    if (p[n] != '>')
      return tzp_fail(s, "expected '>' closing the quoted name");
    if (n < 3)
      return tzp_fail(s, "expected a name of at least 3 characters");
    s->p = p + n + 1;
    return 0;
  }
  while (is_alpha(p[n]))
    n++;
  if (n < 3)
    return tzp_fail(s, "expected a name of at least 3 letters");
  s->p = p + n;
  return 0;
}

/* 1..maxdig decimal digits, no more. */
static int tzp_uint(struct tzp *s, int maxdig, int *out)
{
  int v = 0, n = 0;

  while (n < maxdig && is_digit(s->p[n])) {
    v = v * 10 + (s->p[n] - '0');
    n++;
  }
  if (n == 0 || is_digit(s->p[n]))
    return -1;
  s->p += n;
  *out = v;
  return 0;
}

/* [+-]hh[:mm[:ss]] in seconds, hours at most max_h. */
static int tzp_hms(struct tzp *s, int max_h, int32_t *out)
{
  const char *start = s->p;
  int neg = 0, h, m = 0, sec = 0;

  if (tzp_eat(s, '-'))
    neg = 1;
  else
    (void)tzp_eat(s, '+');
  if (tzp_uint(s, 3, &h) || h > max_h) {
    s->p = start;
    return tzp_fail(s, max_h == OFFSET_MAX_HOURS
                           ? "expected an offset [+-]hh[:mm[:ss]], hh 0-24"
                           : "expected a time [+-]hh[:mm[:ss]], hh 0-167");
  }
  if (tzp_eat(s, ':')) {
    if (tzp_uint(s, 2, &m) || m > 59)
      return tzp_fail(s, "expected minutes 00-59");
    if (tzp_eat(s, ':')) {
      if (tzp_uint(s, 2, &sec) || sec > 59)
        return tzp_fail(s, "expected seconds 00-59");
    }
  }
  *out = (int32_t)(h * 3600 + m * 60 + sec);
  if (neg)
    *out = -*out;
  return 0;
}

/* Jn, n or Mm.w.d, then an optional /time. */
static int tzp_date(struct tzp *s, char *kind, int *m, int *w, int *d,
                    int32_t *time)
{
  *m = *w = *d = 0;
  if (tzp_eat(s, 'J')) {
    *kind = 'J';
    if (tzp_uint(s, 3, d) || *d < 1 || *d > 365)
      return tzp_fail(s, "expected Julian day 1-365");
  } else if (tzp_eat(s, 'M')) {
    *kind = 'M';
    if (tzp_uint(s, 2, m) || *m < 1 || *m > 12)
      return tzp_fail(s, "expected month 1-12");
    if (!tzp_eat(s, '.') || tzp_uint(s, 1, w) || *w < 1 || *w > 5)
      return tzp_fail(s, "expected '.' and week 1-5");
    if (!tzp_eat(s, '.') || tzp_uint(s, 1, d) || *d > 6)
      return tzp_fail(s, "expected '.' and weekday 0-6");
  } else {
    *kind = 'D';
    if (tzp_uint(s, 3, d) || *d > 365)
      return tzp_fail(s, "expected a date (Jn, n or Mm.w.d)");
  }
  *time = 7200;
  if (tzp_eat(s, '/'))
    return tzp_hms(s, RULE_TIME_MAX_HOURS, time);
  return 0;
}

static void us_default(struct tz_rule *r)
{
  r->start.kind = r->end.kind = 'M';
  r->start.m = 3;
  r->start.w = 2;
  r->end.m = 11;
  r->end.w = 1;
  r->start.d = r->end.d = 0;
  r->start.time = r->end.time = 7200;
}

static int posix_parse(struct tzp *s, struct tz_rule *r)
{
  int32_t off;

  memset(r, 0, sizeof(*r));
  if (tzp_name(s))
    return -1;
  if (tzp_hms(s, OFFSET_MAX_HOURS, &off))
    return -1;
  r->std_off = -off; /* POSIX offsets count west of UTC */
  if (*s->p == '\0')
    return 0;
  if (tzp_name(s))
    return -1;
  r->has_dst = 1;
  r->dst_off = r->std_off + 3600;
  if (*s->p != '\0' && *s->p != ',') {
    if (tzp_hms(s, OFFSET_MAX_HOURS, &off))
      return -1;
    r->dst_off = -off;
  }
  if (*s->p == '\0') {
    us_default(r);
    return 0;
  }
  if (!tzp_eat(s, ','))
    return tzp_fail(s, "expected ','");
  if (tzp_date(s, &r->start.kind, &r->start.m, &r->start.w, &r->start.d,
               &r->start.time))
    return -1;
  if (!tzp_eat(s, ','))
    return tzp_fail(s, "expected ',' before the end rule");
  if (tzp_date(s, &r->end.kind, &r->end.m, &r->end.w, &r->end.d, &r->end.time))
    return -1;
  if (*s->p != '\0')
    return tzp_fail(s, "unexpected trailing characters");
  return 0;
}

int tz_from_posix(struct tz *tz, const char *spec, struct err *e)
{
  struct tzp s = {spec, NULL};
  struct tz_rule r;

  tz_init_utc(tz);
  if (posix_parse(&s, &r))
    return err_set(e, ERR_PARSE,
                   "cannot parse time zone '%.100s': %s at byte %d", spec,
                   s.why, (int)(s.p - spec));
  set_name(tz, spec);
  tz->rule = r;
  tz->has_rule = 1;
  tz->before_off = r.std_off;
  return 0;
}

/* Rule evaluation */

/* Day number of a rule date in year y. */
static int64_t rule_day(char kind, int m, int w, int d, int64_t y)
{
  int64_t jan1 = civil_days_from_ymd(y, 1, 1), first;
  unsigned dim, wd;
  int day;

  if (kind == 'J')
    return jan1 + d - 1 + (d >= 60 && civil_days_in_month(y, 2) == 29);
  if (kind == 'D')
    return jan1 + d;
  first = civil_days_from_ymd(y, (unsigned)m, 1);
  wd = civil_weekday(first);
  dim = civil_days_in_month(y, (unsigned)m);
  day = (d - (int)wd + 7) % 7 + (w - 1) * 7;
  while (day >= (int)dim)
    day -= 7;
  return first + day;
}

static int32_t rule_offset(const struct tz_rule *r, int64_t t)
{
  int64_t y, best = INT64_MIN, when;
  unsigned m, d;
  int dst = 0, k;

  if (!r->has_dst)
    return r->std_off;
  /* Shift into 1970..2369: the rules repeat every 400 years. */
  t %= CYCLE_SECS;
  if (t < 0)
    t += CYCLE_SECS;
  civil_ymd_from_days(t / DAY_SECS, &y, &m, &d);
  /* The latest change at or before t wins; when the end of one year's DST
   * meets the start of the next (all-year DST), the start wins. */
  for (k = -2; k <= 1; k++) {
    when = rule_day(r->start.kind, r->start.m, r->start.w, r->start.d, y + k) *
               DAY_SECS +
           r->start.time - r->std_off;
    if (when <= t && when >= best) {
      best = when;
      dst = 1;
    }
    when =
        rule_day(r->end.kind, r->end.m, r->end.w, r->end.d, y + k) * DAY_SECS +
        r->end.time - r->dst_off;
    if (when <= t && when > best) {
      best = when;
      dst = 0;
    }
  }
  return dst ? r->dst_off : r->std_off;
}

int32_t tz_offset(const struct tz *tz, int64_t t)
{
  size_t lo = 0, hi = tz->ntimes, mid;

  if (tz->ntimes == 0)
    return tz->has_rule ? rule_offset(&tz->rule, t) : tz->before_off;
  if (t < tz->times[0])
    return tz->before_off;
  if (tz->has_rule && t >= tz->times[tz->ntimes - 1])
    return rule_offset(&tz->rule, t);
  /* times[lo] <= t < times[hi] */
  while (hi - lo > 1) {
    mid = lo + (hi - lo) / 2;
    if (tz->times[mid] <= t)
      lo = mid;
    else
      hi = mid;
  }
  return tz->offs[tz->idx[lo]];
}

int64_t tz_local_day(const struct tz *tz, int64_t utc_ms)
{
  int64_t sec = civil_floor_div(utc_ms, 1000);

  return civil_floor_div(sec + tz_offset(tz, sec), DAY_SECS);
}

/* TZif (RFC 8536) */

struct tzif_hdr {
  uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
  int version; /* 1, 2, 3, ... */
};

static uint32_t be32(const uint8_t *p)
{
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
         p[3];
}

static int32_t be32s(const uint8_t *p)
{
  uint32_t u = be32(p);

  return u <= INT32_MAX ? (int32_t)u : -(int32_t)(~u) - 1;
}

static int64_t be64s(const uint8_t *p)
{
  uint64_t u = (uint64_t)be32(p) << 32 | be32(p + 4);

  return u <= INT64_MAX ? (int64_t)u : -(int64_t)(~u) - 1;
}

static int tzif_bad(struct err *e, const char *name, const char *why)
{
  (void)err_set(e, ERR_PARSE, "cannot parse time zone '%s': %s", name, why);
  return ERR_PARSE;
}

static int hdr_read(const uint8_t *p, size_t len, struct tzif_hdr *h,
                    const char *name, struct err *e)
{
  if (len > 0 && memcmp(p, "TZif", len < 4 ? len : 4) != 0)
    return tzif_bad(e, name, "not a TZif file");
  if (len < TZIF_HDR_LEN)
    return tzif_bad(e, name, "truncated TZif header");
  if (p[4] == 0)
    h->version = 1;
  else if (p[4] >= '2' && p[4] <= '9')
    h->version = p[4] - '0';
  else
    return tzif_bad(e, name, "unknown TZif version");
  h->isutcnt = be32(p + 20);
  h->isstdcnt = be32(p + 24);
  h->leapcnt = be32(p + 28);
  h->timecnt = be32(p + 32);
  h->typecnt = be32(p + 36);
  h->charcnt = be32(p + 40);
  return 0;
}

/* Bytes of the data block after the header; cannot overflow 64 bits. */
static uint64_t body_len(const struct tzif_hdr *h, unsigned tsize)
{
  return (uint64_t)h->timecnt * (tsize + 1) + (uint64_t)h->typecnt * 6 +
         h->charcnt + (uint64_t)h->leapcnt * (tsize + 4) + h->isstdcnt +
         h->isutcnt;
}

static int counts_check(const struct tzif_hdr *h, const char *name,
                        struct err *e)
{
  if (h->typecnt == 0 || h->typecnt > TZIF_MAX_TYPES)
    return tzif_bad(e, name, "bad local time type count");
  if (h->charcnt == 0)
    return tzif_bad(e, name, "empty designation table");
  if ((h->isstdcnt != 0 && h->isstdcnt != h->typecnt) ||
      (h->isutcnt != 0 && h->isutcnt != h->typecnt))
    return tzif_bad(e, name, "bad standard/UT indicator count");
  return 0;
}

/* Parses one data block (already known to fit) into out. */
static int body_parse(struct tz *out, const uint8_t *p,
                      const struct tzif_hdr *h, unsigned tsize,
                      const char *name, struct err *e)
{
  const uint8_t *ip = p + (size_t)h->timecnt * tsize;
  const uint8_t *tp = ip + h->timecnt;
  uint32_t i;
  int rc;

  if ((rc = counts_check(h, name, e)) != 0)
    return rc;
  out->ntimes = h->timecnt;
  out->ntypes = h->typecnt;
  out->times = h->timecnt ? xmalloc(h->timecnt * sizeof(*out->times)) : NULL;
  out->idx = h->timecnt ? xmalloc(h->timecnt) : NULL;
  out->offs = xmalloc(h->typecnt * sizeof(*out->offs));
  for (i = 0; i < h->timecnt; i++) {
    out->times[i] =
        tsize == 8 ? be64s(p + (size_t)i * 8) : be32s(p + (size_t)i * 4);
    if (i > 0 && out->times[i] <= out->times[i - 1])
      return tzif_bad(e, name, "transition times not ascending");
    out->idx[i] = ip[i];
    if (ip[i] >= h->typecnt)
      return tzif_bad(e, name, "transition to an unknown time type");
  }
  for (i = 0; i < h->typecnt; i++) {
    const uint8_t *t = tp + (size_t)i * 6;

    out->offs[i] = be32s(t);
    if (out->offs[i] < UTOFF_MIN || out->offs[i] > UTOFF_MAX)
      return tzif_bad(e, name, "UTC offset out of range");
    if (t[4] > 1)
      return tzif_bad(e, name, "bad DST flag");
    if (t[5] >= h->charcnt)
      return tzif_bad(e, name, "designation index out of range");
  }
  /* Before the first transition: the first standard type, as glibc does. */
  for (i = 0; i < h->typecnt && tp[(size_t)i * 6 + 4]; i++)
    ;
  out->before_off = out->offs[i < h->typecnt ? i : 0];
  return 0;
}

static int footer_parse(struct tz *out, const uint8_t *p, size_t len,
                        const char *name, struct err *e)
{
  const uint8_t *nl;
  char spec[FOOTER_MAX + 1];
  struct tzp s;
  size_t n;

  if (len == 0)
    return 0; /* tolerated: no footer at all */
  if (p[0] != '\n')
    return tzif_bad(e, name, "footer does not start with a newline");
  nl = memchr(p + 1, '\n', len - 1);
  if (!nl)
    return tzif_bad(e, name, "unterminated footer");
  n = (size_t)(nl - (p + 1));
  if (n == 0)
    return 0;
  if (n > FOOTER_MAX || memchr(p + 1, '\0', n))
    return tzif_bad(e, name, "malformed footer");
  memcpy(spec, p + 1, n);
  spec[n] = '\0';
  s.p = spec;
  s.why = NULL;
  if (posix_parse(&s, &out->rule))
    return err_set(e, ERR_PARSE,
                   "cannot parse time zone '%s': footer '%s': %s at byte %d",
                   name, spec, s.why, (int)(s.p - spec));
  out->has_rule = 1;
  return 0;
}

int tz_from_tzif(struct tz *tz, const void *data, size_t len, const char *name,
                 struct err *e)
{
  const uint8_t *p = data;
  struct tzif_hdr h;
  struct tz out;
  size_t off = TZIF_HDR_LEN;
  unsigned tsize = 4;
  uint64_t blen;
  int rc;

  if (!name)
    name = "TZif data";
  tz_init_utc(tz);
  if ((rc = hdr_read(p, len, &h, name, e)) != 0)
    return rc;
  if (h.version >= 2) {
    /* Skip the 32-bit block; the 64-bit one follows with its own header. */
    blen = body_len(&h, 4);
    if (blen > len - off)
      return tzif_bad(e, name, "truncated TZif data");
    off += (size_t)blen;
    if ((rc = hdr_read(p + off, len - off, &h, name, e)) != 0)
      return rc;
    off += TZIF_HDR_LEN;
    tsize = 8;
  }
  blen = body_len(&h, tsize);
  if (blen > len - off)
    return tzif_bad(e, name, "truncated TZif data");
  tz_init_utc(&out);
  rc = body_parse(&out, p + off, &h, tsize, name, e);
  off += (size_t)blen;
  if (rc == 0 && tsize == 8)
    rc = footer_parse(&out, p + off, len - off, name, e);
  if (rc != 0) {
    tz_release(&out);
    return rc;
  }
  set_name(&out, name);
  *tz = out;
  return 0;
}
