/* Helpers for the time-zone tests. */
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
#include "testutil.h"
#include "tztest.h"
#include "util/buf.h"

int64_t ts(const char *iso)
{
  int64_t ms = 0;

  assert_int_equal(civil_parse_ts(iso, strlen(iso), &ms), 0);
  return ms / 1000;
}

void zone_bytes(const char *zone, struct buf *b)
{
  const char *dir = getenv("TZDIR");
  char path[512];

  snprintf(path, sizeof(path), "%s/%s", dir ? dir : "/usr/share/zoneinfo",
           zone);
  assert_int_equal(testutil_read_file(path, b), 0);
  assert_true(b->len > 44);
}
