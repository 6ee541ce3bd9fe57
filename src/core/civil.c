/* Calendar arithmetic (Howard Hinnant's days-from-civil algorithms). */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "core/civil.h"
#include "util/banned.h"

int64_t civil_floor_div(int64_t a, int64_t b)
{
  int64_t q = a / b;

  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

int64_t civil_days_from_ymd(int64_t y, unsigned m, unsigned d)
{
  int64_t era, yoe, doy, doe;

  y -= m <= 2;
  era = civil_floor_div(y, 400);
  yoe = y - era * 400;
  doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void civil_ymd_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
  int64_t era, doe, yoe, doy, mp;

  z += 719468;
  era = civil_floor_div(z, 146097);
  doe = z - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  *d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
  *m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

unsigned civil_weekday(int64_t days)
{
  int64_t w = (days + 4) % 7; /* 1970-01-01 was a Thursday */

  return (unsigned)(w < 0 ? w + 7 : w);
}

unsigned civil_days_in_month(int64_t y, unsigned m)
{
  static const unsigned char dim[12] = {31, 28, 31, 30, 31, 30,
                                        31, 31, 30, 31, 30, 31};
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

  if (m < 1 || m > 12)
    return 0;
  return dim[m - 1] + (m == 2 && leap);
}

static int digits(const char *s, int n, int *out)
{
  int v = 0, i;

  for (i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return -1;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return 0;
}

int civil_parse_ts(const char *s, size_t n, int64_t *utc_ms)
{
  int y, mo, d, h, mi, sec, ms = 0, oh = 0, om = 0, sign = 0;
  size_t p = 19;

  if (n < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
      s[16] != ':')
    return -1;
  if (digits(s, 4, &y) || digits(s + 5, 2, &mo) || digits(s + 8, 2, &d) ||
      digits(s + 11, 2, &h) || digits(s + 14, 2, &mi) ||
      digits(s + 17, 2, &sec))
    return -1;
  if (s[p] == '.') {
    if (n < p + 4 || digits(s + p + 1, 3, &ms))
      return -1;
    p += 4;
  }
  if (p + 1 == n && s[p] == 'Z') {
    sign = 0;
  } else if (p + 6 == n && (s[p] == '+' || s[p] == '-') && s[p + 3] == ':') {
    if (digits(s + p + 1, 2, &oh) || digits(s + p + 4, 2, &om))
      return -1;
    if (oh > 23 || om > 59)
      return -1;
    sign = s[p] == '+' ? 1 : -1;
  } else {
    return -1;
  }
  if (mo < 1 || mo > 12 || d < 1 || (unsigned)d > civil_days_in_month(y, mo) ||
      h > 23 || mi > 59 || sec > 59)
    return -1;
  *utc_ms = ((civil_days_from_ymd(y, (unsigned)mo, (unsigned)d) * 86400 +
              h * 3600 + mi * 60 + sec) -
             sign * (oh * 3600 + om * 60)) *
                1000 +
            ms;
  return 0;
}

int civil_parse_date(const char *s, int64_t *days)
{
  size_t n = strlen(s);
  int y, m, d;

  if (n == 10) {
    if (s[4] != '-' || s[7] != '-' || digits(s, 4, &y) ||
        digits(s + 5, 2, &m) || digits(s + 8, 2, &d))
      return -1;
  } else if (n == 8) {
    if (digits(s, 4, &y) || digits(s + 4, 2, &m) || digits(s + 6, 2, &d))
      return -1;
  } else {
    return -1;
  }
  if (m < 1 || m > 12 || d < 1 || (unsigned)d > civil_days_in_month(y, m))
    return -1;
  *days = civil_days_from_ymd(y, (unsigned)m, (unsigned)d);
  return 0;
}

static char *put_num(char *p, int64_t v, int width)
{
  int i;

  for (i = width - 1; i >= 0; i--) {
    p[i] = (char)('0' + v % 10);
    v /= 10;
  }
  return p + width;
}

void civil_fmt_date(int64_t days, char *out)
{
  int64_t y;
  unsigned m, d;

  civil_ymd_from_days(days, &y, &m, &d);
  if (y < 0 || y > 9999)
    y = y < 0 ? 0 : 9999; /* outside what ISO dates can show */
  out = put_num(out, y, 4);
  *out++ = '-';
  out = put_num(out, m, 2);
  *out++ = '-';
  out = put_num(out, d, 2);
  *out = '\0';
}

void civil_fmt_iso_ms(int64_t utc_ms, char *out)
{
  int64_t days = civil_floor_div(utc_ms, 86400000);
  int64_t rem = utc_ms - days * 86400000;
  char *p = out + 10;

  civil_fmt_date(days, out);
  *p++ = 'T';
  p = put_num(p, rem / 3600000, 2);
  *p++ = ':';
  p = put_num(p, rem / 60000 % 60, 2);
  *p++ = ':';
  p = put_num(p, rem / 1000 % 60, 2);
  *p++ = '.';
  p = put_num(p, rem % 1000, 3);
  *p++ = 'Z';
  *p = '\0';
}
