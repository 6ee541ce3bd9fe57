/* Subscription plan presets (estimates, pricing-and-limits.md §5). */
/* SPDX-License-Identifier: MIT */
#include <stddef.h>
#include <string.h>

#include "core/plan.h"
#include "util/banned.h"

static const struct plan plans[] = {
    {"pro", 44000, 18.0},
    {"max5", 88000, 35.0},
    {"max20", 220000, 140.0},
};

const char plan_names[] = "pro, max5, max20";

const struct plan *plan_find(const char *name)
{
  size_t i;

  for (i = 0; i < sizeof(plans) / sizeof(plans[0]); i++)
    if (!strcmp(plans[i].name, name))
      return &plans[i];
  return NULL;
}
