/* Helpers for the time-zone tests. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_TEST_TZTEST_H
#define TOKMETER_TEST_TZTEST_H

#include <stdint.h>

struct buf;

/* UTC seconds of an ISO timestamp with whole seconds (asserts it parses). */
int64_t ts(const char *iso);
/* Appends the TZif bytes of a zone from $TZDIR or /usr/share/zoneinfo. */
void zone_bytes(const char *zone, struct buf *b);

#endif
