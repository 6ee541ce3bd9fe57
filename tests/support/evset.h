/* Building finished event sets for the core tests. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_TEST_EVSET_H
#define TOKMETER_TEST_EVSET_H

#include <stddef.h>
#include <stdint.h>

#include "core/dedup.h"

/* One API call: a distinct message id each, requestId "r". */
struct call_spec {
  const char *ts;      /* ISO timestamp */
  const char *model;   /* NULL: none */
  const char *session; /* NULL: "s1" */
  uint64_t in, out;
  int fast;
  double cost_usd; /* < 0: no costUSD recorded */
};

/* UTC milliseconds of an ISO timestamp (the test fails if it is bad). */
int64_t evset_at(const char *ts);
/* Fills d (initialised here) with the calls and finishes it. */
void evset_make(struct dedup *d, const struct call_spec *s, size_t n);

#endif
