/* Tests for src/source/tzfile.c: zone lookup, $TZ, and agreement with glibc. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/civil.h"
#include "core/tz.h"
#include "source/tzfile.h"
#include "testutil.h"
#include "util/buf.h"
#include "util/err.h"

#define ZONEINFO "/usr/share/zoneinfo"

static int64_t ts(const char *iso)
{
  int64_t ms = 0;

  assert_int_equal(civil_parse_ts(iso, strlen(iso), &ms), 0);
  return ms / 1000;
}

static void set_tz(const char *value)
{
  if (value)
    assert_int_equal(setenv("TZ", value, 1), 0);
  else
    assert_int_equal(unsetenv("TZ"), 0);
  tzset();
}

static int teardown_env(void **state)
{
  (void)state;
  unsetenv("TZ");
  setenv("TZDIR", ZONEINFO, 1);
  tzset();
  return 0;
}

static void test_load_by_name(void **state)
{
  struct err e = ERR_INIT;
  struct tz tz;

  (void)state;
  assert_int_equal(tz_load(&tz, "Europe/Paris", &e), 0);
  assert_string_equal(tz.name, "Europe/Paris");
  assert_int_equal(tz_offset(&tz, ts("2026-03-29T00:59:59Z")), 3600);
  assert_int_equal(tz_offset(&tz, ts("2026-03-29T01:00:00Z")), 7200);
  tz_release(&tz);

  assert_int_equal(tz_load(&tz, "Asia/Tokyo", &e), 0);
  assert_int_equal(tz_local_day(&tz, ts("2026-03-10T23:30:00Z") * 1000),
                   civil_days_from_ymd(2026, 3, 11));
  tz_release(&tz);

  /* A link name keeps the name asked for. */
  assert_int_equal(tz_load(&tz, "US/Eastern", &e), 0);
  assert_string_equal(tz.name, "US/Eastern");
  assert_int_equal(tz_offset(&tz, ts("2026-03-08T07:00:00Z")), -4 * 3600);
  tz_release(&tz);

  /* A given name must be a zone, not a POSIX string, whose sign is the
   * reverse of what "UTC+3" seems to say. */
  assert_int_equal(tz_load(&tz, "JST-9", &e), ERR_NOTFOUND);
  assert_string_equal(e.msg, "unknown time zone 'JST-9'");
  assert_int_equal(tz_load(&tz, "UTC+3", &e), ERR_NOTFOUND);
  tz_release(&tz);
}

static void test_load_errors(void **state)
{
  struct err e = ERR_INIT;
  struct tz tz;

  (void)state;
  assert_int_equal(tz_load(&tz, "Mars/Olympus", &e), ERR_NOTFOUND);
  assert_string_equal(e.msg, "unknown time zone 'Mars/Olympus'");
  assert_string_equal(tz.name, "UTC");
  assert_int_equal(tz_offset(&tz, 0), 0);
  tz_release(&tz);

  assert_int_equal(tz_load(&tz, "../etc/passwd", &e), ERR_USAGE);
  assert_string_equal(e.msg, "time zone '../etc/passwd' must not contain '..'");
  assert_int_equal(tz_load(&tz, "Europe/../../etc/passwd", &e), ERR_USAGE);
  assert_int_equal(tz_load(&tz, "/etc/passwd", &e), ERR_USAGE);
  assert_string_equal(e.msg, "time zone '/etc/passwd' must be a name, not an "
                             "absolute path");
  assert_int_equal(tz_load(&tz, "", &e), ERR_USAGE);
  assert_string_equal(e.msg, "empty time zone name");

  /* A directory is no zone; neither is a text file in the tree. */
  assert_int_equal(tz_load(&tz, "America", &e), ERR_NOTFOUND);
  assert_string_equal(e.msg, "unknown time zone 'America'");
  assert_int_equal(tz_load(&tz, "zone.tab", &e), ERR_PARSE);
  assert_string_equal(e.msg,
                      "cannot parse time zone 'zone.tab': not a TZif file");
  assert_string_equal(tz.name, "UTC");
  tz_release(&tz);

  assert_int_equal(tz_load_file(&tz, "/nonexistent/zone", NULL, &e),
                   ERR_NOTFOUND);
  assert_non_null(strstr(e.msg, "cannot open '/nonexistent/zone'"));
}

static void test_builtin_utc_without_zoneinfo(void **state)
{
  static const char *names[] = {"UTC", "Etc/UTC", "Z"};
  struct err e = ERR_INIT;
  struct tz tz;
  size_t i;

  (void)state;
  assert_int_equal(setenv("TZDIR", "/nonexistent/zoneinfo", 1), 0);
  for (i = 0; i < 3; i++) {
    assert_int_equal(tz_load(&tz, names[i], &e), 0);
    assert_string_equal(tz.name, names[i]);
    assert_int_equal(tz_offset(&tz, ts("2026-07-01T00:00:00Z")), 0);
    tz_release(&tz);
  }
  assert_int_equal(tz_load(&tz, "Europe/Paris", &e), ERR_NOTFOUND);
  assert_string_equal(e.msg, "unknown time zone 'Europe/Paris'");
  assert_int_equal(setenv("TZDIR", ZONEINFO, 1), 0);
}

static void write_file(const char *path, const void *data, size_t n)
{
  FILE *f = fopen(path, "wb");

  assert_non_null(f);
  assert_int_equal(fwrite(data, 1, n, f), n);
  assert_int_equal(fclose(f), 0);
}

static void test_tzdir_files(void **state)
{
  char dir[] = "/tmp/tokmeter-tz-XXXXXX";
  char path[PATH_MAX];
  struct buf tokyo = BUF_INIT;
  struct err e = ERR_INIT;
  struct tz tz;
  int fd;

  (void)state;
  assert_non_null(mkdtemp(dir));
  assert_int_equal(testutil_read_file(ZONEINFO "/Asia/Tokyo", &tokyo), 0);
  snprintf(path, sizeof(path), "%s/My", dir);
  assert_int_equal(mkdir(path, 0700), 0);
  snprintf(path, sizeof(path), "%s/My/Zone", dir);
  write_file(path, tokyo.data, tokyo.len);
  snprintf(path, sizeof(path), "%s/My/Text", dir);
  write_file(path, "hello\n", 6);
  snprintf(path, sizeof(path), "%s/My/Short", dir);
  write_file(path, tokyo.data, 100);
  snprintf(path, sizeof(path), "%s/My/Big", dir);
  fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  assert_true(fd >= 0);
  assert_int_equal(ftruncate(fd, 2 * 1024 * 1024), 0);
  close(fd);
  snprintf(path, sizeof(path), "%s/My/Fifo", dir);
  assert_int_equal(mkfifo(path, 0600), 0);
  assert_int_equal(setenv("TZDIR", dir, 1), 0);

  assert_int_equal(tz_load(&tz, "My/Zone", &e), 0);
  assert_string_equal(tz.name, "My/Zone");
  assert_int_equal(tz_offset(&tz, ts("2026-07-01T00:00:00Z")), 9 * 3600);
  tz_release(&tz);
  assert_int_equal(tz_load(&tz, "My/Text", &e), ERR_PARSE);
  assert_string_equal(e.msg,
                      "cannot parse time zone 'My/Text': not a TZif file");
  assert_int_equal(tz_load(&tz, "My/Short", &e), ERR_PARSE);
  assert_string_equal(e.msg, "cannot parse time zone 'My/Short': truncated "
                             "TZif data");
  assert_int_equal(tz_load(&tz, "My/Big", &e), ERR_RANGE);
  assert_non_null(strstr(e.msg, "larger than 1048576 bytes"));
  /* A FIFO must neither hang nor be read. */
  assert_int_equal(tz_load(&tz, "My/Fifo", &e), ERR_NOTFOUND);
  assert_string_equal(e.msg, "unknown time zone 'My/Fifo'");
  assert_int_equal(tz_load(&tz, "My/Zone/x", &e), ERR_NOTFOUND);
  tz_release(&tz);

  assert_int_equal(setenv("TZDIR", ZONEINFO, 1), 0);
  snprintf(path, sizeof(path), "%s/My/Zone", dir);
  assert_int_equal(tz_load_file(&tz, path, NULL, &e), 0);
  assert_string_equal(tz.name, path);
  tz_release(&tz);
  for (fd = 0; fd < 5; fd++) {
    static const char *leaf[] = {"Zone", "Text", "Short", "Big", "Fifo"};

    snprintf(path, sizeof(path), "%s/My/%s", dir, leaf[fd]);
    assert_int_equal(unlink(path), 0);
  }
  snprintf(path, sizeof(path), "%s/My", dir);
  assert_int_equal(rmdir(path), 0);
  assert_int_equal(rmdir(dir), 0);
  buf_release(&tokyo);
}

struct env_case {
  const char *tz;   /* value of $TZ */
  const char *name; /* expected tz.name */
  const char *iso;  /* probe instant */
  int rc;           /* expected result */
  int32_t off;      /* expected offset there */
};

static void test_local_from_env(void **state)
{
  static const struct env_case cases[] = {
      {"", "UTC", "2026-07-01T00:00:00Z", 0, 0},
      {"Asia/Tokyo", "Asia/Tokyo", "2026-07-01T00:00:00Z", 0, 32400},
      {":Asia/Tokyo", "Asia/Tokyo", "2026-07-01T00:00:00Z", 0, 32400},
      {":" ZONEINFO "/Asia/Kolkata", "Asia/Kolkata", "2026-07-01T00:00:00Z", 0,
       19800},
      {"EST5EDT", "EST5EDT", "2026-03-08T07:00:00Z", 0, -4 * 3600},
      {"UTC0", "UTC0", "2026-07-01T00:00:00Z", 0, 0},
      {"UTC", "UTC", "2026-07-01T00:00:00Z", 0, 0},
      {"<+0330>-3:30", "<+0330>-3:30", "2026-07-01T00:00:00Z", 0, 12600},
      {"AEST-10AEDT,M10.1.0,M4.1.0/3", "AEST-10AEDT,M10.1.0,M4.1.0/3",
       "2026-01-01T00:00:00Z", 0, 11 * 3600},
      {"Nowhere/Zone", "UTC", "2026-07-01T00:00:00Z", ERR_NOTFOUND, 0},
      {"/nonexistent/zone", "UTC", "2026-07-01T00:00:00Z", ERR_NOTFOUND, 0},
      {"../etc/passwd", "UTC", "2026-07-01T00:00:00Z", ERR_USAGE, 0},
  };
  struct err e = ERR_INIT;
  struct tz tz;
  size_t i;

  (void)state;
  for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    const struct env_case *c = &cases[i];
    int rc;

    set_tz(c->tz);
    rc = tz_load(&tz, NULL, &e);
    if (rc != c->rc || strcmp(tz.name, c->name) != 0)
      print_error("TZ='%s': rc %d name '%s'\n", c->tz, rc, tz.name);
    assert_int_equal(rc, c->rc);
    assert_string_equal(tz.name, c->name);
    assert_int_equal(tz_offset(&tz, ts(c->iso)), c->off);
    tz_release(&tz);
  }
  set_tz("Nowhere/Zone");
  assert_int_equal(tz_load(&tz, NULL, &e), ERR_NOTFOUND);
  assert_string_equal(e.msg, "unknown time zone 'Nowhere/Zone'");
}

/* Offset and local day per glibc for the current $TZ. */
static int32_t glibc_off(int64_t t, int64_t *day)
{
  time_t tt = (time_t)t;
  struct tm tm;

  assert_non_null(localtime_r(&tt, &tm));
  *day = civil_days_from_ymd(tm.tm_year + 1900, (unsigned)tm.tm_mon + 1,
                             (unsigned)tm.tm_mday);
  return (int32_t)tm.tm_gmtoff;
}

/* Compares one instant; returns 1 on a mismatch (reporting a few). */
static int agree(const struct tz *tz, const char *what, int64_t t)
{
  static int reported;
  int64_t gday, day = tz_local_day(tz, t * 1000);
  int32_t goff = glibc_off(t, &gday), off = tz_offset(tz, t);

  if (off == goff && day == gday)
    return 0;
  if (reported++ < 10)
    print_error("%s at %lld: offset %d glibc %d, day %lld glibc %lld\n", what,
                (long long)t, (int)off, (int)goff, (long long)day,
                (long long)gday);
  return 1;
}

/* Checks n spread instants in [from, to) and both sides of every change of
 * offset found by a daily scan and bisection. */
static int agree_range(const struct tz *tz, const char *what, int64_t from,
                       int64_t to, int n)
{
  int64_t step = (to - from) / n, t, lo, hi, mid;
  uint32_t seed = 42;
  int bad = 0, i;

  for (i = 0; i < n; i++) {
    seed = seed * 1103515245u + 12345u;
    bad += agree(tz, what, from + i * step + (int64_t)(seed % (uint32_t)step));
  }
  for (t = from; t + 86400 <= to; t += 86400) {
    if (tz_offset(tz, t) == tz_offset(tz, t + 86400))
      continue;
    lo = t;
    hi = t + 86400;
    while (hi - lo > 1) {
      mid = lo + (hi - lo) / 2;
      if (tz_offset(tz, mid) == tz_offset(tz, lo))
        lo = mid;
      else
        hi = mid;
    }
    bad += agree(tz, what, hi - 1) + agree(tz, what, hi);
  }
  return bad;
}

static void test_agrees_with_glibc_zones(void **state)
{
  static const char *zones[] = {
      "UTC",
      "America/New_York",
      "America/Los_Angeles",
      "America/St_Johns",
      "America/Sao_Paulo",
      "America/Santiago",
      "America/Nuuk",
      "America/Havana",
      "Europe/Paris",
      "Europe/London",
      "Europe/Dublin",
      "Europe/Moscow",
      "Africa/Casablanca",
      "Africa/Cairo",
      "Asia/Tokyo",
      "Asia/Kolkata",
      "Asia/Kathmandu",
      "Asia/Tehran",
      "Asia/Jerusalem",
      "Asia/Gaza",
      "Australia/Sydney",
      "Australia/Lord_Howe",
      "Australia/Adelaide",
      "Pacific/Auckland",
      "Pacific/Chatham",
      "Pacific/Apia",
      "Pacific/Kiritimati",
      "Antarctica/Troll",
  };
  int64_t y1970 = 0, y2038 = ts("2038-01-01T00:00:00Z");
  int64_t y2101 = ts("2101-01-01T00:00:00Z");
  struct err e = ERR_INIT;
  struct tz tz;
  size_t i;
  int bad = 0;

  (void)state;
  for (i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
    set_tz(zones[i]);
    assert_int_equal(tz_load(&tz, zones[i], &e), 0);
    bad += agree_range(&tz, zones[i], y1970, y2038, 2000);
    /* Beyond the transitions in the file: the footer rule. */
    bad += agree_range(&tz, zones[i], y2038, y2101, 300);
    /* Before 1970, down to the first transition and before. */
    bad += agree_range(&tz, zones[i], ts("1900-01-01T00:00:00Z"), y1970, 300);
    /* Around the first transition and long before it (LMT). */
    if (tz.ntimes > 0)
      bad += agree(&tz, zones[i], tz.times[0] - 1) +
             agree(&tz, zones[i], tz.times[0]);
    bad += agree(&tz, zones[i], ts("1850-06-01T12:00:00Z"));
    tz_release(&tz);
  }
  assert_int_equal(bad, 0);
}

static void test_agrees_with_glibc_posix(void **state)
{
  /* (All-year DST is left out: glibc only honours it within a year.) */
  static const char *specs[] = {
      "UTC0",
      "EST5EDT",
      "CET-1CEST,M3.5.0,M10.5.0/3",
      "AEST-10AEDT,M10.1.0,M4.1.0/3",
      "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0",
      "<+1245>-12:45<+1345>,M9.5.0/2:45,M4.1.0/3:45",
      "IST-2IDT,M3.4.4/26,M10.5.0",
      "EET-2EEST,M3.4.4/50,M10.4.4/50",
      "<-04>4<-03>,M9.1.6/24,M4.1.6/24",
      "<-02>2<-01>,M3.5.0/-1,M10.5.0/0",
      "<+00>0<+02>-2,M3.5.0/-2,M10.5.0/1",
      "IST-1GMT0,M10.5.0,M3.5.0/1",
      "<-03>3<-02>,J60/-1,J300/-2",
      "<-03>3<-02>,59/-1,300/-2",
      "NZST-12NZDT,M9.5.0,M4.1.0/3",
  };
  struct err e = ERR_INIT;
  struct tz tz;
  size_t i;
  int bad = 0;

  (void)state;
  for (i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
    set_tz(specs[i]);
    assert_int_equal(tz_load(&tz, NULL, &e), 0);
    assert_string_equal(tz.name, specs[i]);
    bad += agree_range(&tz, specs[i], 0, ts("2101-01-01T00:00:00Z"), 2000);
    tz_release(&tz);
  }
  assert_int_equal(bad, 0);
}

static void test_local_default(void **state)
{
  char link[PATH_MAX], want[PATH_MAX];
  struct err e = ERR_INIT;
  struct stat st;
  struct tz tz;
  const char *p, *hit = NULL;
  ssize_t n;
  int bad = 0, pass;

  (void)state;
  /* TZ unset, and TZ=":" alike: /etc/localtime, else UTC. */
  for (pass = 0; pass < 2; pass++) {
    set_tz(pass ? ":" : NULL);
    assert_int_equal(tz_load(&tz, NULL, &e), 0);
    if (lstat("/etc/localtime", &st) != 0) {
      snprintf(want, sizeof(want), "UTC");
    } else {
      snprintf(want, sizeof(want), "localtime");
      n = readlink("/etc/localtime", link, sizeof(link) - 1);
      if (n > 0) {
        link[n] = '\0';
        for (p = link; (p = strstr(p, "zoneinfo/")) != NULL; p += 9)
          hit = p + 9;
        if (hit && *hit)
          snprintf(want, sizeof(want), "%s", hit);
      }
    }
    assert_string_equal(tz.name, want);
    if (!pass)
      bad += agree_range(&tz, "/etc/localtime", 0, ts("2040-01-01T00:00:00Z"),
                         500);
    tz_release(&tz);
  }
  assert_int_equal(bad, 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_teardown(test_load_by_name, teardown_env),
      cmocka_unit_test_teardown(test_load_errors, teardown_env),
      cmocka_unit_test_teardown(test_builtin_utc_without_zoneinfo,
                                teardown_env),
      cmocka_unit_test_teardown(test_tzdir_files, teardown_env),
      cmocka_unit_test_teardown(test_local_from_env, teardown_env),
      cmocka_unit_test_teardown(test_agrees_with_glibc_zones, teardown_env),
      cmocka_unit_test_teardown(test_agrees_with_glibc_posix, teardown_env),
      cmocka_unit_test_teardown(test_local_default, teardown_env),
  };

  setenv("TZDIR", ZONEINFO, 1);
  return cmocka_run_group_tests(tests, NULL, NULL);
}
