/* The dashboard's state and its HTTP handlers, shared by the files of
 * `tokmeter dashboard` (cmd/ only). */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_CMD_DASH_H
#define TOKMETER_CMD_DASH_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "cmd/apictx.h"
#include "cmd/cmd.h"
#include "cmd/load.h"
#include "http/router.h"
#include "http/sse.h"
#include "source/rcache.h"
#include "store/store.h"
#include "store/view.h"
#include "util/buf.h"
#include "util/err.h"

struct dash;

/* The shared reads first, numbered as apictx.h numbers them. */
enum dash_endpoint {
  DASH_EP_SUMMARY = APICTX_SUMMARY,
  DASH_EP_DAILY = APICTX_DAILY,
  DASH_EP_SESSIONS = APICTX_SESSIONS,
  DASH_EP_PROJECTS = APICTX_PROJECTS,
  DASH_EP_MODELS = APICTX_MODELS,
  DASH_EP_HEATMAP = APICTX_HEATMAP,
  DASH_EP_ACTIVITY = APICTX_NREADS,
  DASH_EP_PROMPTS,
  DASH_EP_COUNT
};

struct dash_route {
  struct dash *d;
  enum dash_endpoint ep;
};

/*
 * The data every handler reads. The reader thread loads the transcripts
 * through the index, writes what changed into the store, and brings the
 * view of the store that the API answers from up to date (store/sync.h).
 * Handlers run on the server's threads and hold the read lock while they
 * build an answer; the reader thread changes the view, the pricer and l
 * only under the write lock.
 */
struct dash {
  pthread_rwlock_t lock;
  struct loaded *l; /* current: files, zone, prices, index statistics */
  struct store *store;
  struct store_view view; /* the calls the API reads */
  struct pricer pricer;   /* over view.set's models and l's prices */
  struct report_opts *ro;
  struct app *app;
  struct app quiet; /* for reloads: warnings go nowhere */
  struct sse hub;
  /* Transcript records for the local-only endpoints, kept between
   * requests; rc_lock guards rc (taken inside the read lock). */
  pthread_mutex_t rc_lock;
  struct rcache rc;
  int demo;
  int pinned;      /* TOKMETER_NOW stops the clock (tests) */
  atomic_int stop; /* set by the main thread; the others end */
  struct dash_route routes[DASH_EP_COUNT];
};

/* Adds every route of docs/api.md and the page's assets to r. */
int dash_add_routes(struct http_router *r, struct dash *d, struct err *e);

/* The `usage` event: the calls newer than since_ms, and the summary the
 * page redraws its cards from. Under d->lock (read or write). */
void dash_usage_event(struct dash *d, int64_t since_ms, struct buf *out);

/* Thread: reads every transcript's records once, for the local-only
 * endpoints; stops early when d->stop is set. */
void *dash_warm_main(void *arg);

#endif
