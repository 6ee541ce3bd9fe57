/* The team server's state and handlers (cmd/ only). */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_CMD_SRV_H
#define TOKMETER_CMD_SRV_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "cmd/apictx.h"
#include "cmd/cmd.h"
#include "core/aggregate.h"
#include "core/pricing.h"
#include "core/tz.h"
#include "http/ratelimit.h"
#include "http/router.h"
#include "http/sse.h"
#include "report/metrics.h"
#include "store/store.h"
#include "store/tokens.h"
#include "store/view.h"

/* What answers without a token (--public). */
enum srv_public {
  SRV_PUBLIC_NONE,   /* only /health */
  SRV_PUBLIC_TOTALS, /* and the team-wide totals (the default) */
  SRV_PUBLIC_ALL     /* every read endpoint */
};

struct srv;

/* The dashboard's read endpoints (apictx.h) as the server's routes. */
struct srv_read_route {
  struct srv *s;
  enum apictx_read what;
};

/*
 * Handlers run on the server's connection threads; mu guards the store
 * (one connection) and the view of it that the read endpoints answer
 * from, which each write brings up to date by seq.
 */
struct srv {
  pthread_mutex_t mu;
  struct store *store;
  struct store_view view;
  struct price_table prices;
  struct pricer pricer; /* over view.set's models */
  struct tz tz;
  enum srv_public pub;
  int identity_email; /* --identity email: enroll clients send an e-mail */
  struct app *app;
  int pinned;          /* TOKMETER_NOW stops the clock (tests) */
  struct sse hub;      /* GET /api/usage/stream: `totals` events */
  struct ratelimit rl; /* per token */
  const char *trusted; /* --trusted-proxy: CIDR list, or NULL */
  struct srv_read_route reads[APICTX_NREADS];
  atomic_int stop; /* set by the main thread: the follower ends */
  /* The team totals, summed once per change of the view (srv_refresh):
   * GET /api/usage/totals only formats them. */
  struct tokens sum;
  double cost;
  uint64_t unpriced;
  struct metrics_local counted; /* this process's ingest counters */
};

/* Now in UTC ms (TOKMETER_NOW pins it). */
int64_t srv_now(const struct srv *s);

/*
 * Thread: follows writes made by other servers on the same database
 * (store_wait(): LISTEN/NOTIFY on PostgreSQL) and brings the view and
 * the streams up to date; every 10 s it also looks for erased calls.
 */
void *srv_follow_main(void *arg);

/* Adds the server's routes to r. */
int srv_add_routes(struct http_router *r, struct srv *s, struct err *e);

/* Brings the view up to date with the store and, when it moved, sends
 * the new totals to the streams; under s->mu. */
int srv_refresh(struct srv *s, struct err *e);

#endif
