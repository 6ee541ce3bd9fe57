/* Subscription plan presets: estimated limits per 5-hour window. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_CORE_PLAN_H
#define TOKMETER_CORE_PLAN_H

#include <stdint.h>

/*
 * Anthropic publishes no token numbers for its plans. These are the
 * figures other monitors use (pricing-and-limits.md §5), so whatever shows
 * them must call them estimates; a measured quota reading (index/quota.h)
 * is always better. The table is static and read-only.
 */
struct plan {
  const char *name; /* "pro", "max5", "max20" */
  uint64_t tokens;  /* tokens per 5-hour window */
  double cost_usd;  /* API list-price cost per 5-hour window */
};

/* The preset called name (exact, lowercase), or NULL. */
const struct plan *plan_find(const char *name);

/* The preset names for messages and help: "pro, max5, max20". */
extern const char plan_names[];

#endif
