/* Building finished event sets for the core tests. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/civil.h"
#include "evset.h"

int64_t evset_at(const char *ts)
{
  int64_t ms;

  assert_int_equal(civil_parse_ts(ts, strlen(ts), &ms), 0);
  return ms;
}

void evset_make(struct dedup *d, const struct call_spec *s, size_t n)
{
  size_t i;

  dedup_init(d);
  for (i = 0; i < n; i++) {
    const char *session = s[i].session ? s[i].session : "s1";
    struct usage_rec r;
    struct event ev;
    char id[32];

    memset(&r, 0, sizeof(r));
    snprintf(id, sizeof(id), "m%zu", i);
    r.msg_id = (struct span){id, strlen(id)};
    r.req_id = (struct span){"r", 1};
    if (s[i].model)
      r.model = (struct span){s[i].model, strlen(s[i].model)};
    r.session_id = (struct span){session, strlen(session)};
    r.ts_ms = evset_at(s[i].ts);
    r.tok.input = s[i].in;
    r.tok.output = s[i].out;
    if (s[i].fast)
      r.flags |= USAGE_FAST;
    if (s[i].cost_usd >= 0) {
      r.flags |= USAGE_HAS_COST;
      r.cost_usd = s[i].cost_usd;
    }
    event_from_rec(&ev, &r, &d->strs, 0, 0);
    dedup_add(d, &ev);
  }
  dedup_finish(d);
}
