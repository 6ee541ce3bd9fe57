/* Tests for src/core/tz.c: TZif versions, footers and corrupt files. */
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

/* A small TZif writer for synthetic files (charcnt 4: "XXX\0"). */
struct tzw {
  unsigned char d[4096];
  size_t n;
};

static void w_u32(struct tzw *w, uint32_t v)
{
  w->d[w->n++] = (unsigned char)(v >> 24);
  w->d[w->n++] = (unsigned char)(v >> 16);
  w->d[w->n++] = (unsigned char)(v >> 8);
  w->d[w->n++] = (unsigned char)v;
}

static void w_hdr(struct tzw *w, char version, uint32_t timecnt,
                  uint32_t typecnt)
{
  memcpy(w->d + w->n, "TZif", 4);
  w->n += 4;
  w->d[w->n++] = (unsigned char)version;
  memset(w->d + w->n, 0, 15);
  w->n += 15;
  w_u32(w, 0);       /* isutcnt */
  w_u32(w, 0);       /* isstdcnt */
  w_u32(w, 0);       /* leapcnt */
  w_u32(w, timecnt); /* timecnt */
  w_u32(w, typecnt); /* typecnt */
  w_u32(w, 4);       /* charcnt */
}

struct zdef {
  size_t ntimes;
  int64_t times[4];
  uint8_t idx[4];
  size_t ntypes;
  int32_t offs[4];
  uint8_t isdst[4];
};

static void w_body(struct tzw *w, const struct zdef *z, unsigned tsize)
{
  size_t i;

  for (i = 0; i < z->ntimes; i++) {
    if (tsize == 8)
      w_u32(w, (uint32_t)((uint64_t)z->times[i] >> 32));
    w_u32(w, (uint32_t)z->times[i]);
  }
  for (i = 0; i < z->ntimes; i++)
    w->d[w->n++] = z->idx[i];
  for (i = 0; i < z->ntypes; i++) {
    w_u32(w, (uint32_t)z->offs[i]);
    w->d[w->n++] = z->isdst[i];
    w->d[w->n++] = 0;
  }
  memcpy(w->d + w->n, "XXX", 4);
  w->n += 4;
}

/* version 0 writes a v1 file; footer NULL writes no footer at all. */
static void w_file(struct tzw *w, char version, const struct zdef *z,
                   const char *footer)
{
  w->n = 0;
  w_hdr(w, version, (uint32_t)z->ntimes, (uint32_t)z->ntypes);
  w_body(w, z, 4);
  if (version == 0)
    return;
  w_hdr(w, version, (uint32_t)z->ntimes, (uint32_t)z->ntypes);
  w_body(w, z, 8);
  if (footer) {
    w->d[w->n++] = '\n';
    memcpy(w->d + w->n, footer, strlen(footer));
    w->n += strlen(footer);
    w->d[w->n++] = '\n';
  }
}

static void test_synthetic_v1(void **state)
{
  /* Type 0 is DST, so "before" is the first standard type (glibc). */
  static const struct zdef z = {2, {1000, 2000},        {1, 0},
                                3, {7200, 3600, 10800}, {1, 0, 0}};
  struct err e = ERR_INIT;
  struct tzw w;
  struct tz tz;

  (void)state;
  w_file(&w, 0, &z, NULL);
  assert_int_equal(tz_from_tzif(&tz, w.d, w.n, NULL, &e), 0);
  assert_string_equal(tz.name, "TZif data");
  assert_false(tz.has_rule);
  assert_int_equal(tz.ntimes, 2);
  assert_int_equal(tz.ntypes, 3);
  assert_int_equal(tz.before_off, 3600);
  assert_int_equal(tz_offset(&tz, INT64_MIN), 3600);
  assert_int_equal(tz_offset(&tz, 999), 3600);
  assert_int_equal(tz_offset(&tz, 1000), 3600);
  assert_int_equal(tz_offset(&tz, 1999), 3600);
  assert_int_equal(tz_offset(&tz, 2000), 7200);
  assert_int_equal(tz_offset(&tz, INT64_MAX), 7200);
  tz_release(&tz);
}

static void test_synthetic_v2_footer(void **state)
{
  static const struct zdef z = {3, {-5000000000LL, 0, 100}, {0, 1, 0},
                                2, {-18000, -14400},        {0, 1}};
  static const struct zdef none = {0, {0}, {0}, 1, {20700}, {0}};
  struct tzw w;
  struct tz tz;

  (void)state;
  w_file(&w, '2', &z, "EST5EDT,M3.2.0,M11.1.0");
  assert_int_equal(tz_from_tzif(&tz, w.d, w.n, "Syn/V2", NULL), 0);
  assert_true(tz.has_rule);
  assert_int_equal(tz.times[0], -5000000000LL); /* 64-bit body used */
  assert_int_equal(tz_offset(&tz, -5000000001LL), -18000);
  assert_int_equal(tz_offset(&tz, 50), -14400);
  assert_int_equal(tz_offset(&tz, ts("2026-03-08T06:59:59Z")), -18000);
  assert_int_equal(tz_offset(&tz, ts("2026-03-08T07:00:00Z")), -14400);
  tz_release(&tz);

  /* Empty footer: the last type stays in effect. */
  w_file(&w, '3', &z, "");
  assert_int_equal(tz_from_tzif(&tz, w.d, w.n, "Syn/V3", NULL), 0);
  assert_false(tz.has_rule);
  assert_int_equal(tz_offset(&tz, ts("2026-07-08T07:00:00Z")), -18000);
  tz_release(&tz);

  /* No footer bytes at all is tolerated. */
  w_file(&w, '2', &z, NULL);
  assert_int_equal(tz_from_tzif(&tz, w.d, w.n, "Syn/V2", NULL), 0);
  assert_false(tz.has_rule);
  tz_release(&tz);

  /* No transitions: the footer applies at all times. */
  w_file(&w, '2', &none, "<+0545>-5:45");
  assert_int_equal(tz_from_tzif(&tz, w.d, w.n, "Syn/None", NULL), 0);
  assert_int_equal(tz_offset(&tz, 0), 20700);
  assert_int_equal(tz_offset(&tz, INT64_MIN), 20700);
  tz_release(&tz);

  /* A v3 footer with an extended time; v4 files read the same way. */
  w_file(&w, '4', &z, "IST-2IDT,M3.4.4/26,M10.5.0");
  assert_int_equal(tz_from_tzif(&tz, w.d, w.n, "Syn/V4", NULL), 0);
  assert_int_equal(tz_offset(&tz, ts("2026-03-27T00:00:00Z")), 10800);
  tz_release(&tz);
}

static void expect_bad(const void *d, size_t n, const char *why)
{
  struct err e = ERR_INIT;
  struct tz tz;

  assert_int_equal(tz_from_tzif(&tz, d, n, "Bad/Zone", &e), ERR_PARSE);
  assert_string_equal(tz.name, "UTC");
  assert_null(tz.times);
  assert_int_equal(e.code, ERR_PARSE);
  if (!strstr(e.msg, why))
    print_error("message '%s' lacks '%s'\n", e.msg, why);
  assert_non_null(strstr(e.msg, why));
  assert_non_null(strstr(e.msg, "'Bad/Zone'"));
  tz_release(&tz);
}

static void test_corrupt_synthetic(void **state)
{
  static const struct zdef z = {2, {1000, 2000}, {1, 0},
                                2, {3600, 7200}, {0, 1}};
  static const unsigned char zeros[64] = {0};
  struct tzw w;
  size_t v1_types;

  (void)state;
  expect_bad("", 0, "truncated TZif header");
  expect_bad(zeros, sizeof(zeros), "not a TZif file");
  expect_bad("TZif2", 5, "truncated TZif header");

  w_file(&w, '2', &z, "CET-1CEST");
  w.d[4] = '1';
  expect_bad(w.d, w.n, "unknown TZif version");

  /* v1 timecnt of 2^32-1: must not be believed. */
  w_file(&w, '2', &z, "CET-1CEST");
  memset(w.d + 32, 0xff, 4);
  expect_bad(w.d, w.n, "truncated TZif data");

  /* Huge counts in the v2 header. */
  w_file(&w, 0, &z, NULL);
  v1_types = w.n;
  w_file(&w, '2', &z, "CET-1CEST");
  memset(w.d + v1_types + 28, 0xff, 12);
  expect_bad(w.d, w.n, "truncated TZif data");

  /* No types at all. */
  w_file(&w, 0, &z, NULL);
  memset(w.d + 36, 0, 4);
  expect_bad(w.d, w.n, "bad local time type count");

  /* Transition index past the types. */
  w_file(&w, 0, &z, NULL);
  w.d[44 + 8] = 7;
  expect_bad(w.d, w.n, "transition to an unknown time type");

  /* Times out of order. */
  w_file(&w, 0, &z, NULL);
  w.d[44 + 6] = 0;
  w.d[44 + 7] = 0;
  expect_bad(w.d, w.n, "transition times not ascending");

  /* DST flag 2, designation index 9, offset -2^31. */
  w_file(&w, 0, &z, NULL);
  w.d[44 + 10 + 4] = 2;
  expect_bad(w.d, w.n, "bad DST flag");
  w_file(&w, 0, &z, NULL);
  w.d[44 + 10 + 5] = 9;
  expect_bad(w.d, w.n, "designation index out of range");
  w_file(&w, 0, &z, NULL);
  memcpy(w.d + 44 + 10, "\x80\0\0\0", 4);
  expect_bad(w.d, w.n, "UTC offset out of range");

  /* Footers. */
  w_file(&w, '2', &z, "CET-1CEST");
  w.n--; /* drop the closing newline */
  expect_bad(w.d, w.n, "unterminated footer");
  w_file(&w, '2', &z, "EST5EDT,M3.2.0");
  expect_bad(w.d, w.n, "footer 'EST5EDT,M3.2.0'");
  w_file(&w, '2', &z, "CET-1CEST");
  w.d[w.n - 11] = 'x';
  expect_bad(w.d, w.n, "footer does not start with a newline");
}

static void test_corrupt_real_file(void **state)
{
  static const char footer[] = "\nEST5EDT,M3.2.0,M11.1.0\n";
  struct buf b = BUF_INIT;
  struct tz tz;
  unsigned char *copy;
  uint32_t seed = 12345;
  size_t len, cut, ok = 0, bad = 0, i;
  int rc, k;

  (void)state;
  zone_bytes("America/New_York", &b);
  len = b.len;
  if (len < 100) {
    fail();
    return;
  }
  assert_memory_equal(b.data + len - strlen(footer), footer, strlen(footer));
  /* Every truncation fails, except exactly before the footer. */
  for (cut = 0; cut < len; cut++) {
    copy = malloc(cut ? cut : 1);
    assert_non_null(copy);
    memcpy(copy, b.data, cut);
    rc = tz_from_tzif(&tz, copy, cut, "America/New_York", NULL);
    if (cut == len - strlen(footer)) {
      assert_int_equal(rc, 0);
      assert_false(tz.has_rule);
    } else {
      assert_int_equal(rc, ERR_PARSE);
    }
    tz_release(&tz);
    free(copy);
  }
  /* Random byte damage: an error or a usable zone, never a crash. */
  copy = malloc(len + 1);
  assert_non_null(copy);
  for (i = 0; i < 20000; i++) {
    memcpy(copy, b.data, len);
    for (k = 0; k < 1 + (int)(i % 4); k++) {
      seed = seed * 1103515245u + 12345u;
      copy[(seed >> 8) % (i % 3 == 0 ? 100 : len)] ^=
          (unsigned char)(1u << (seed >> 28 & 7));
    }
    rc = tz_from_tzif(&tz, copy, len, "Fuzz", NULL);
    assert_true(rc == 0 || rc == ERR_PARSE);
    if (rc == 0) {
      ok++;
      (void)tz_offset(&tz, ts("2026-03-08T07:00:00Z"));
      (void)tz_offset(&tz, ts("2100-03-08T07:00:00Z"));
      (void)tz_local_day(&tz, INT64_MIN);
    } else {
      bad++;
    }
    tz_release(&tz);
  }
  assert_true(ok > 1000);
  assert_true(bad > 1000);
  free(copy);
  buf_release(&b);
}

/* Count fields nudged or replaced, in both headers of a real file. */
static void test_corrupt_counts(void **state)
{
  struct buf b = BUF_INIT;
  struct tz tz;
  unsigned char *copy;
  const unsigned char *hdr2;
  uint32_t seed = 777, v;
  size_t hdr[2], at, i, bad = 0;
  int rc;

  (void)state;
  zone_bytes("Australia/Sydney", &b);
  hdr2 = memmem(b.data + 44, b.len - 44, "TZif", 4);
  assert_non_null(hdr2);
  hdr[0] = 0;
  hdr[1] = (size_t)(hdr2 - (const unsigned char *)b.data);
  copy = malloc(b.len);
  assert_non_null(copy);
  for (i = 0; i < 20000; i++) {
    memcpy(copy, b.data, b.len);
    seed = seed * 1103515245u + 12345u;
    at = hdr[i & 1] + 20 + 4 * ((seed >> 4) % 6);
    v = (uint32_t)copy[at] << 24 | (uint32_t)copy[at + 1] << 16 |
        (uint32_t)copy[at + 2] << 8 | copy[at + 3];
    seed = seed * 1103515245u + 12345u;
    if (i % 4 == 0)
      v = seed;
    else
      v += (seed >> 16) % 7 - 3;
    copy[at] = (unsigned char)(v >> 24);
    copy[at + 1] = (unsigned char)(v >> 16);
    copy[at + 2] = (unsigned char)(v >> 8);
    copy[at + 3] = (unsigned char)v;
    rc = tz_from_tzif(&tz, copy, b.len, "Fuzz", NULL);
    assert_true(rc == 0 || rc == ERR_PARSE);
    if (rc == 0)
      (void)tz_offset(&tz, ts("2026-03-08T07:00:00Z"));
    bad += rc != 0;
    tz_release(&tz);
  }
  assert_true(bad > 15000);
  free(copy);
  buf_release(&b);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_synthetic_v1),
      cmocka_unit_test(test_synthetic_v2_footer),
      cmocka_unit_test(test_corrupt_synthetic),
      cmocka_unit_test(test_corrupt_real_file),
      cmocka_unit_test(test_corrupt_counts),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
