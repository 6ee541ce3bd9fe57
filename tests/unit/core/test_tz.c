/* Tests for src/core/tz.c: real zones, POSIX rules, offsets, local days
 * (TZif structure and corruption: test_tz_tzif.c). */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/civil.h"
#include "core/tz.h"
#include "testutil.h"
#include "tztest.h"
#include "util/buf.h"
#include "util/err.h"

static int64_t ts_ms(const char *iso)
{
  int64_t ms = 0;

  assert_int_equal(civil_parse_ts(iso, strlen(iso), &ms), 0);
  return ms;
}

static void zone_load(struct tz *tz, const char *zone)
{
  struct buf b = BUF_INIT;
  struct err e = ERR_INIT;

  zone_bytes(zone, &b);
  assert_int_equal(tz_from_tzif(tz, b.data, b.len, zone, &e), 0);
  assert_string_equal(tz->name, zone);
  buf_release(&b);
}

struct probe {
  const char *iso;
  int32_t off;
};

static void zone_probe(const char *zone, const struct probe *p, size_t n)
{
  struct tz tz;
  size_t i;

  zone_load(&tz, zone);
  for (i = 0; i < n; i++) {
    int32_t got = tz_offset(&tz, ts(p[i].iso));

    if (got != p[i].off)
      print_error("%s at %s: got %d want %d\n", zone, p[i].iso, (int)got,
                  (int)p[i].off);
    assert_int_equal(got, p[i].off);
  }
  tz_release(&tz);
}

static void posix_probe(const char *spec, const struct probe *p, size_t n)
{
  struct tz tz;
  struct err e = ERR_INIT;
  size_t i;

  assert_int_equal(tz_from_posix(&tz, spec, &e), 0);
  assert_string_equal(tz.name, spec);
  for (i = 0; i < n; i++) {
    int32_t got = tz_offset(&tz, ts(p[i].iso));

    if (got != p[i].off)
      print_error("'%s' at %s: got %d want %d\n", spec, p[i].iso, (int)got,
                  (int)p[i].off);
    assert_int_equal(got, p[i].off);
  }
  tz_release(&tz);
}

#define NPROBE(a) (sizeof(a) / sizeof((a)[0]))

static void test_utc(void **state)
{
  struct tz tz;

  (void)state;
  tz_init_utc(&tz);
  assert_string_equal(tz.name, "UTC");
  assert_int_equal(tz_offset(&tz, ts("2026-03-10T23:30:00Z")), 0);
  assert_int_equal(tz_offset(&tz, INT64_MIN), 0);
  assert_int_equal(tz_offset(&tz, INT64_MAX), 0);
  assert_int_equal(tz_local_day(&tz, ts_ms("1969-12-31T23:59:59.999Z")), -1);
  assert_int_equal(tz_local_day(&tz, 0), 0);
  tz_release(&tz);
  tz_release(&tz);
  assert_null(tz.times);

  zone_load(&tz, "UTC");
  assert_int_equal(tz.ntimes, 0);
  assert_true(tz.has_rule);
  assert_int_equal(tz_offset(&tz, ts("2026-07-01T00:00:00Z")), 0);
  assert_int_equal(tz_offset(&tz, ts("1800-07-01T00:00:00Z")), 0);
  tz_release(&tz);
}

static void test_tokyo_local_day(void **state)
{
  struct tz tz;

  (void)state;
  zone_load(&tz, "Asia/Tokyo");
  assert_int_equal(tz_offset(&tz, ts("2026-03-10T23:30:00Z")), 9 * 3600);
  assert_int_equal(tz_local_day(&tz, ts_ms("2026-03-10T23:30:00.000Z")),
                   civil_days_from_ymd(2026, 3, 11));
  tz_release(&tz);
}

static void test_new_york_edges(void **state)
{
  static const struct probe p[] = {
      {"2026-03-08T06:59:59Z", -5 * 3600},
      {"2026-03-08T07:00:00Z", -4 * 3600},
      {"2026-11-01T05:59:59Z", -4 * 3600},
      {"2026-11-01T06:00:00Z", -5 * 3600},
      {"2026-01-15T12:00:00Z", -5 * 3600},
      {"2026-07-15T12:00:00Z", -4 * 3600},
      {"1850-01-01T00:00:00Z", -17762}, /* LMT -4:56:02 */
      {"1883-11-18T16:59:59Z", -17762},
      {"1883-11-18T17:00:00Z", -5 * 3600}, /* railway time */
      /* Beyond the file's last transition (2037): the footer rule. */
      {"2100-03-14T06:59:59Z", -5 * 3600},
      {"2100-03-14T07:00:00Z", -4 * 3600},
      {"2100-11-07T05:59:59Z", -4 * 3600},
      {"2100-11-07T06:00:00Z", -5 * 3600},
  };
  struct tz tz;

  (void)state;
  zone_probe("America/New_York", p, NPROBE(p));
  zone_load(&tz, "America/New_York");
  assert_true(tz.has_rule);
  assert_true(tz.ntimes > 200);
  assert_true(tz.times[tz.ntimes - 1] < ts("2100-01-01T00:00:00Z"));
  assert_int_equal(tz.before_off, -17762);
  tz_release(&tz);
}

static void test_europe_edges(void **state)
{
  static const struct probe paris[] = {
      {"2026-03-29T00:59:59Z", 3600}, {"2026-03-29T01:00:00Z", 7200},
      {"2026-10-25T00:59:59Z", 7200}, {"2026-10-25T01:00:00Z", 3600},
      {"1850-01-01T00:00:00Z", 561},  {"2100-03-28T00:59:59Z", 3600},
      {"2100-03-28T01:00:00Z", 7200}, {"2100-10-31T00:59:59Z", 7200},
      {"2100-10-31T01:00:00Z", 3600}, {"1942-06-01T00:00:00Z", 7200},
  };
  static const struct probe london[] = {
      {"2026-03-29T00:59:59Z", 0},    {"2026-03-29T01:00:00Z", 3600},
      {"2026-10-25T00:59:59Z", 3600}, {"2026-10-25T01:00:00Z", 0},
      {"1970-06-01T00:00:00Z", 3600}, /* British Standard Time 1968-71 */
      {"1970-12-01T00:00:00Z", 3600}, {"1847-01-01T00:00:00Z", -75},
  };

  (void)state;
  zone_probe("Europe/Paris", paris, NPROBE(paris));
  zone_probe("Europe/London", london, NPROBE(london));
}

static void test_southern_and_fractional(void **state)
{
  static const struct probe sydney[] = {
      {"2026-01-15T00:00:00Z", 11 * 3600}, {"2026-04-04T15:59:59Z", 11 * 3600},
      {"2026-04-04T16:00:00Z", 10 * 3600}, {"2026-10-03T15:59:59Z", 10 * 3600},
      {"2026-10-03T16:00:00Z", 11 * 3600}, {"2026-12-31T23:59:59Z", 11 * 3600},
      {"2100-01-01T00:00:00Z", 11 * 3600}, {"2100-04-03T15:59:59Z", 11 * 3600},
      {"2100-04-03T16:00:00Z", 10 * 3600}, {"2100-10-02T16:00:00Z", 11 * 3600},
  };
  static const struct probe kolkata[] = {
      {"2026-03-10T12:00:00Z", 19800},
      {"2100-03-10T12:00:00Z", 19800},
  };
  static const struct probe kathmandu[] = {
      {"2026-03-10T12:00:00Z", 20700},
      {"1980-03-10T12:00:00Z", 19800},
  };
  static const struct probe st_johns[] = {
      {"2026-01-10T12:00:00Z", -12600}, {"2026-03-08T05:29:59Z", -12600},
      {"2026-03-08T05:30:00Z", -9000},  {"2026-11-01T04:29:59Z", -9000},
      {"2026-11-01T04:30:00Z", -12600},
  };

  (void)state;
  zone_probe("Australia/Sydney", sydney, NPROBE(sydney));
  zone_probe("Asia/Kolkata", kolkata, NPROBE(kolkata));
  zone_probe("Asia/Kathmandu", kathmandu, NPROBE(kathmandu));
  zone_probe("America/St_Johns", st_johns, NPROBE(st_johns));
}

static void test_footer_rules_in_files(void **state)
{
  /* v3-style footers: >24h times (Jerusalem, Gaza), negative (Nuuk). */
  static const struct probe jerusalem[] = {
      {"2100-03-25T23:59:59Z", 7200},
      {"2100-03-26T00:00:00Z", 10800},
      {"2100-10-30T22:59:59Z", 10800},
      {"2100-10-30T23:00:00Z", 7200},
  };
  static const struct probe nuuk[] = {
      {"2100-03-28T00:59:59Z", -7200},
      {"2100-03-28T01:00:00Z", -3600},
      {"2100-10-31T00:59:59Z", -3600},
      {"2100-10-31T01:00:00Z", -7200},
  };
  static const struct probe dublin[] = {/* negative DST in the footer */
                                        {"2100-01-15T12:00:00Z", 0},
                                        {"2100-07-15T12:00:00Z", 3600}};

  (void)state;
  zone_probe("Asia/Jerusalem", jerusalem, NPROBE(jerusalem));
  zone_probe("America/Nuuk", nuuk, NPROBE(nuuk));
  zone_probe("Europe/Dublin", dublin, NPROBE(dublin));
}

static void test_extreme_instants(void **state)
{
  struct tz tz;
  int64_t t = ts("2026-07-01T00:00:00Z");
  int64_t cycle = (int64_t)146097 * 86400;

  (void)state;
  zone_load(&tz, "America/New_York");
  assert_int_equal(tz_offset(&tz, INT64_MIN), -17762);
  /* The footer rule repeats every 400 years. */
  assert_int_equal(tz_offset(&tz, t + 1000 * cycle), -4 * 3600);
  assert_int_equal(tz_offset(&tz, t + 1000 * cycle + 183 * 86400), -5 * 3600);
  assert_true(tz_offset(&tz, INT64_MAX) == -5 * 3600 ||
              tz_offset(&tz, INT64_MAX) == -4 * 3600);
  assert_true(tz_local_day(&tz, INT64_MAX) > 0);
  assert_true(tz_local_day(&tz, INT64_MIN) < 0);
  tz_release(&tz);
  assert_int_equal(tz_from_posix(&tz, "EST5EDT", NULL), 0);
  assert_true(tz_offset(&tz, INT64_MIN) <= -4 * 3600);
  assert_true(tz_offset(&tz, INT64_MAX) <= -4 * 3600);
  tz_release(&tz);
}

struct midnight {
  const char *zone;
  const char *iso; /* the UTC instant of local midnight */
  int y, m, d;     /* the local day that starts there */
};

static void test_local_day_flips_at_midnight(void **state)
{
  static const struct midnight cases[] = {
      {"UTC", "2026-03-11T00:00:00.000Z", 2026, 3, 11},
      {"Asia/Tokyo", "2026-03-10T15:00:00.000Z", 2026, 3, 11},
      {"Asia/Kolkata", "2026-03-10T18:30:00.000Z", 2026, 3, 11},
      {"Asia/Kathmandu", "2026-03-10T18:15:00.000Z", 2026, 3, 11},
      {"America/New_York", "2026-03-11T04:00:00.000Z", 2026, 3, 11},
      {"America/New_York", "2026-03-08T05:00:00.000Z", 2026, 3, 8},
      {"America/New_York", "1970-01-01T05:00:00.000Z", 1970, 1, 1},
      {"America/St_Johns", "2026-03-11T02:30:00.000Z", 2026, 3, 11},
      {"Australia/Sydney", "2026-03-10T13:00:00.000Z", 2026, 3, 11},
      {"Australia/Sydney", "2026-07-31T14:00:00.000Z", 2026, 8, 1},
      {"Europe/Paris", "2025-12-31T23:00:00.000Z", 2026, 1, 1},
      {"Pacific/Kiritimati", "2026-03-10T10:00:00.000Z", 2026, 3, 11},
  };
  size_t i;

  (void)state;
  for (i = 0; i < NPROBE(cases); i++) {
    const struct midnight *c = &cases[i];
    int64_t ms = ts_ms(c->iso);
    int64_t day = civil_days_from_ymd(c->y, (unsigned)c->m, (unsigned)c->d);
    struct tz tz;

    zone_load(&tz, c->zone);
    if (tz_local_day(&tz, ms) != day || tz_local_day(&tz, ms - 1) != day - 1)
      print_error("%s at %s\n", c->zone, c->iso);
    assert_int_equal(tz_local_day(&tz, ms), day);
    assert_int_equal(tz_local_day(&tz, ms - 1), day - 1);
    assert_int_equal(tz_local_day(&tz, ms + 86400000 - 3600000 - 1), day);
    tz_release(&tz);
  }
}

static void test_posix_basic(void **state)
{
  static const struct probe utc0[] = {{"2026-07-01T00:00:00Z", 0}};
  static const struct probe quoted[] = {{"2026-07-01T00:00:00Z", 12600}};
  static const struct probe minus3[] = {{"2026-07-01T00:00:00Z", -10800}};
  static const struct probe plus_sign[] = {{"2026-07-01T00:00:00Z", -8 * 3600}};
  static const struct probe hms[] = {
      {"2026-07-01T00:00:00Z", -(3600 + 2 * 60 + 3)}};
  /* DST with no rule: the US default M3.2.0,M11.1.0. */
  static const struct probe est5edt[] = {
      {"2026-03-08T06:59:59Z", -5 * 3600},
      {"2026-03-08T07:00:00Z", -4 * 3600},
      {"2026-11-01T05:59:59Z", -4 * 3600},
      {"2026-11-01T06:00:00Z", -5 * 3600},
  };
  /* Explicit DST offset (Lord Howe: 30 minute DST, southern). */
  static const struct probe lhst[] = {
      {"2026-04-04T14:59:59Z", 11 * 3600},
      {"2026-04-04T15:00:00Z", 10 * 3600 + 1800},
      {"2026-10-03T15:29:59Z", 10 * 3600 + 1800},
      {"2026-10-03T15:30:00Z", 11 * 3600},
  };

  (void)state;
  posix_probe("UTC0", utc0, NPROBE(utc0));
  posix_probe("<+0330>-3:30", quoted, NPROBE(quoted));
  posix_probe("<-03>3", minus3, NPROBE(minus3));
  posix_probe("PST+8", plus_sign, NPROBE(plus_sign));
  posix_probe("ABC1:02:03", hms, NPROBE(hms));
  posix_probe("EST5EDT", est5edt, NPROBE(est5edt));
  posix_probe("<+1030>-10:30<+11>-11,M10.1.0,M4.1.0", lhst, NPROBE(lhst));
}

static void test_posix_southern(void **state)
{
  static const struct probe p[] = {
      {"2025-12-31T23:59:59Z", 11 * 3600},
      {"2026-01-01T00:00:00Z", 11 * 3600},
      {"2026-04-04T15:59:59Z", 11 * 3600},
      {"2026-04-04T16:00:00Z", 10 * 3600},
      {"2026-07-01T00:00:00Z", 10 * 3600},
      {"2026-10-03T15:59:59Z", 10 * 3600},
      {"2026-10-03T16:00:00Z", 11 * 3600},
      {"2024-04-06T15:59:59Z", 11 * 3600}, /* leap year */
      {"2024-04-06T16:00:00Z", 10 * 3600},
  };
  /* Chatham: +12:45 with rule times 2:45 and 3:45. */
  static const struct probe chatham[] = {
      {"2026-04-04T13:59:59Z", 13 * 3600 + 2700},
      {"2026-04-04T14:00:00Z", 12 * 3600 + 2700},
      {"2026-09-26T13:59:59Z", 12 * 3600 + 2700},
      {"2026-09-26T14:00:00Z", 13 * 3600 + 2700},
  };

  (void)state;
  posix_probe("AEST-10AEDT,M10.1.0,M4.1.0/3", p, NPROBE(p));
  posix_probe("<+1245>-12:45<+1345>,M9.5.0/2:45,M4.1.0/3:45", chatham,
              NPROBE(chatham));
}

static void test_posix_edge_times(void **state)
{
  /* Negative start time: DST from Saturday 22:00 UTC. */
  static const struct probe neg[] = {
      {"2026-03-28T21:59:59Z", 0},
      {"2026-03-28T22:00:00Z", 7200},
      {"2026-10-24T22:59:59Z", 7200},
      {"2026-10-24T23:00:00Z", 0},
  };
  /* All-year DST: starts Jan 1 00:00 and ends Dec 31 25:00 (RFC 8536). */
  static const struct probe allyear[] = {
      {"2026-01-01T00:00:00Z", -4 * 3600}, {"2026-01-01T04:59:59Z", -4 * 3600},
      {"2026-01-01T05:00:00Z", -4 * 3600}, {"2026-06-01T00:00:00Z", -4 * 3600},
      {"2024-12-31T23:00:00Z", -4 * 3600}, {"2025-01-01T04:30:00Z", -4 * 3600},
      {"2100-12-31T12:00:00Z", -4 * 3600},
  };
  /* Israel: Thursday of the 4th week at 26:00, i.e. Friday 02:00. */
  static const struct probe israel[] = {
      {"2026-03-26T23:59:59Z", 7200},
      {"2026-03-27T00:00:00Z", 10800},
      {"2026-10-24T22:59:59Z", 10800},
      {"2026-10-24T23:00:00Z", 7200},
  };
  /* Gaza-style 50h and Santiago-style 24h times, southern, Saturday. */
  static const struct probe santiago[] = {
      {"2026-04-05T02:59:59Z", -3 * 3600},
      {"2026-04-05T03:00:00Z", -4 * 3600},
      {"2026-09-06T03:59:59Z", -4 * 3600},
      {"2026-09-06T04:00:00Z", -3 * 3600},
  };
  static const struct probe gaza[] = {
      {"2026-03-27T23:59:59Z", 7200},
      {"2026-03-28T00:00:00Z", 10800},
  };

  (void)state;
  posix_probe("<+00>0<+02>-2,M3.5.0/-2,M10.5.0/1", neg, NPROBE(neg));
  posix_probe("EST5EDT,0/0,J365/25", allyear, NPROBE(allyear));
  posix_probe("IST-2IDT,M3.4.4/26,M10.5.0", israel, NPROBE(israel));
  posix_probe("<-04>4<-03>,M9.1.6/24,M4.1.6/24", santiago, NPROBE(santiago));
  posix_probe("EET-2EEST,M3.4.4/50,M10.4.4/50", gaza, NPROBE(gaza));
}

static void test_posix_j_and_n_forms(void **state)
{
  /* J60 is March 1 in every year; day 59 (zero-based) is Feb 29 in leap
   * years and March 1 otherwise. */
  static const struct probe j[] = {
      {"2024-03-01T01:59:59Z", -3 * 3600}, {"2024-03-01T02:00:00Z", -2 * 3600},
      {"2025-03-01T01:59:59Z", -3 * 3600}, {"2025-03-01T02:00:00Z", -2 * 3600},
      {"2024-10-26T23:59:59Z", -2 * 3600}, /* J300 = Oct 27 */
      {"2024-10-27T00:00:00Z", -3 * 3600}, {"2025-10-26T23:59:59Z", -2 * 3600},
      {"2025-10-27T00:00:00Z", -3 * 3600},
  };
  static const struct probe n[] = {
      {"2024-02-29T01:59:59Z", -3 * 3600},
      {"2024-02-29T02:00:00Z", -2 * 3600},
      {"2025-03-01T01:59:59Z", -3 * 3600},
      {"2025-03-01T02:00:00Z", -2 * 3600},
      {"2024-10-26T23:59:59Z", -2 * 3600}, /* day 300 = Oct 27 in 2024 */
      {"2024-10-27T00:00:00Z", -3 * 3600},
      {"2025-10-27T23:59:59Z", -2 * 3600}, /* and Oct 28 in 2025 */
      {"2025-10-28T00:00:00Z", -3 * 3600},
  };
  struct tz tz;

  (void)state;
  posix_probe("<-03>3<-02>,J60/-1,J300/-2", j, NPROBE(j));
  posix_probe("<-03>3<-02>,59/-1,300/-2", n, NPROBE(n));
  assert_int_equal(tz_from_posix(&tz, "<-03>3<-02>,J60/-1,J300/-2", NULL), 0);
  assert_int_equal(tz.rule.start.kind, 'J');
  assert_int_equal(tz.rule.start.d, 60);
  assert_int_equal(tz.rule.start.time, -3600);
  assert_int_equal(tz.rule.end.time, -7200);
  assert_int_equal(tz.rule.std_off, -3 * 3600);
  assert_int_equal(tz.rule.dst_off, -2 * 3600);
  tz_release(&tz);
}

static void test_posix_errors(void **state)
{
  static const char *bad[] = {
      "",
      "E",
      "EST",
      "5",
      "EST5EDT,",
      "EST5EDT,M3.2.0",
      "EST5EDT,M13.2.0,M11.1.0",
      "EST5EDT,M3.6.0,M11.1.0",
      "EST5EDT,M3.2.7,M11.1.0",
      "EST5EDT,J0,J365",
      "EST5EDT,366,J365",
      "EST5EDT,M3.2.0/168,M11.1.0",
      "EST5EDT,M3.2.0,M11.1.0x",
      "EST5EDT,M3.2.0,M11.1.0,",
      "EST25",
      "EST5:60",
      "EST5:00:60",
      "EST5ED",
      "<EST5",
      "<E>5",
      "<E$T>5",
      "EST5 ",
      "EST5EDT4x",
      "EST1234",
  };
  struct err e = ERR_INIT;
  struct tz tz;
  size_t i;

  (void)state;
  for (i = 0; i < NPROBE(bad); i++) {
    int rc = tz_from_posix(&tz, bad[i], &e);

    if (rc != ERR_PARSE)
      print_error("'%s' was accepted\n", bad[i]);
    assert_int_equal(rc, ERR_PARSE);
    assert_string_equal(tz.name, "UTC");
    assert_int_equal(tz_offset(&tz, 0), 0);
  }
  assert_int_equal(tz_from_posix(&tz, "EST", &e), ERR_PARSE);
  assert_string_equal(e.msg, "cannot parse time zone 'EST': expected "
                             "an offset [+-]hh[:mm[:ss]], hh 0-24 at byte 3");
  assert_int_equal(tz_from_posix(&tz, "EST5EDT,M3.2.0", &e), ERR_PARSE);
  assert_string_equal(e.msg, "cannot parse time zone 'EST5EDT,M3.2.0': "
                             "expected ',' before the end rule at byte 14");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_utc),
      cmocka_unit_test(test_tokyo_local_day),
      cmocka_unit_test(test_new_york_edges),
      cmocka_unit_test(test_europe_edges),
      cmocka_unit_test(test_southern_and_fractional),
      cmocka_unit_test(test_footer_rules_in_files),
      cmocka_unit_test(test_extreme_instants),
      cmocka_unit_test(test_local_day_flips_at_midnight),
      cmocka_unit_test(test_posix_basic),
      cmocka_unit_test(test_posix_southern),
      cmocka_unit_test(test_posix_edge_times),
      cmocka_unit_test(test_posix_j_and_n_forms),
      cmocka_unit_test(test_posix_errors),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
