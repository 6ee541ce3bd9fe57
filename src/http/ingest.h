/* POST /api/ingest/messages: a batch of usage events, decoded. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_HTTP_INGEST_H
#define TOKMETER_HTTP_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "core/event.h"
#include "index/quota.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/strtab.h"

#define INGEST_MAX_EVENTS 5000

/* One event left out, and why ("inputTokens: expected an integer >= 0"). */
struct ingest_reject {
  size_t index;
  char reason[128];
};

/*
 * A decoded batch (docs/api.md, "POST /api/ingest/messages"): the
 * request's machine and user id (NULL when absent) and the events that
 * passed, with each one's project (an id in strs, 0: none). Owns it all.
 */
struct ingest_batch {
  struct strtab strs;
  struct event *ev;
  uint32_t *project;
  uint32_t *machine;
  size_t n, cap;
  struct ingest_reject *rejected;
  size_t nrejected, caprej;
  char *user_id; /* "userId", or NULL */
  char *machine_name;
  struct quota_reading *quota; /* POST /api/ingest/quota's readings */
  size_t nquota, capquota;
};

void ingest_batch_init(struct ingest_batch *b);
void ingest_batch_release(struct ingest_batch *b);

/*
 * Decodes body[0..len) into b. A request-level problem (not JSON, not an
 * object, no "events" array, more than INGEST_MAX_EVENTS, a bad "machine"
 * or "userId") is ERR_PARSE with a message and b holds nothing; an event
 * with a missing or mistyped field, a negative count or a timestamp
 * outside [2020-01-01, now_ms + 1 day] is listed in b->rejected and the
 * others are kept.
 */
int ingest_parse(const char *body, size_t len, int64_t now_ms,
                 struct ingest_batch *b, struct err *e);

/*
 * As ingest_parse(), for POST /api/ingest/quota: {"machine", "userId",
 * "readings": [{"at", "fiveHour": {"usedPercent", "resetsAt"},
 * "sevenDay": {...}}]} into b->quota (at least one window each; percent
 * 0..100; times ISO 8601 or null).
 */
int ingest_parse_quota(const char *body, size_t len, int64_t now_ms,
                       struct ingest_batch *b, struct err *e);

/* {"accepted": n, "duplicates": d, "rejected": [{"index", "reason"}]} */
void ingest_answer(struct buf *out, size_t accepted, size_t duplicates,
                   const struct ingest_batch *b);

#endif
