/* Server-Sent Events: a hub that pushes events to every open stream. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_HTTP_SSE_H
#define TOKMETER_HTTP_SSE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/err.h"

/*
 * A hub lives in caller storage. A handler subscribes its connection by
 * setting res->stream = &hub (src/http/router.h); the server then answers
 * 200 text/event-stream and keeps the connection open. sse_publish() may
 * be called from any thread: it queues
 *
 *   event: NAME\n
 *   data: JSON\n
 *   \n
 *
 * on every open stream (one "data:" line per line of the data) and wakes
 * them. A stream starts with the comment ": ok\n\n", then what the handler
 * left in res->body for this client alone (events made by sse_event(): a
 * greeting), and, after heartbeat_ms without anything to send, gets the
 * comment ": heartbeat\n\n" so proxies and browsers keep it open and a
 * vanished peer is noticed.
 *
 * Each stream is served by its connection's own thread (the server runs
 * libmicrohttpd thread-per-connection), which blocks in the hub's condvar
 * between events. A stream ends when the client closes the connection
 * (noticed within a second), when its queue passes SSE_MAX_PENDING bytes
 * (a client that does not read), on sse_close(), or when the server stops.
 * Ended streams leave the hub as their connection is cleaned up.
 *
 * Lifetime: sse_release() only after every server that served the hub has
 * stopped (http_server_stop() ends its streams and waits for them).
 */

#define SSE_HEARTBEAT_MS 15000
#define SSE_MAX_PENDING (1024 * 1024)

struct sse_sub;

struct sse {
  pthread_mutex_t mu;
  pthread_cond_t cond; /* CLOCK_MONOTONIC; broadcast on every change */
  struct sse_sub *subs;
  size_t nsubs;
  int closed;
  int heartbeat_ms;
};

/* heartbeat_ms 0 means SSE_HEARTBEAT_MS. */
void sse_init(struct sse *h, int heartbeat_ms);
void sse_release(struct sse *h);

/*
 * Queues one event on every open stream. event: 1..64 bytes of letters,
 * digits, '_', '-' and '.'; data: any text without CR (newlines split it
 * into data lines). Returns 0 or ERR_USAGE for a bad event name or data.
 */
int sse_publish(struct sse *h, const char *event, const char *data);

/*
 * Appends to out the event sse_publish() would queue, for one stream only
 * (a handler's res->body). Same rules and errors; out is left as it was
 * on an error.
 */
int sse_event(struct buf *out, const char *event, const char *data);

/* As sse_publish() and sse_event(), with an "id: N" line first (N >= 0;
 * a negative id writes none): a client that reconnects sends the last
 * one it saw as Last-Event-ID. */
int sse_publish_id(struct sse *h, const char *event, int64_t id,
                   const char *data);
int sse_event_id(struct buf *out, const char *event, int64_t id,
                 const char *data);

/* Ends every stream now and every later one at once. */
void sse_close(struct sse *h);

/* Streams open now (subscribed and not yet cleaned up). */
size_t sse_count(struct sse *h);

/*
 * For src/http/server.c only. sse__response() subscribes the connection
 * and returns the libmicrohttpd response to queue (NULL when it cannot be
 * created); the stream sends first[0..len) after ": ok\n\n" (copied), and
 * ends once *cancel is non-zero. sse__wake() makes every stream of the hub
 * look at its state again.
 */
struct MHD_Connection;
struct MHD_Response;
struct MHD_Response *sse__response(struct sse *h, struct MHD_Connection *c,
                                   const atomic_int *cancel, const char *first,
                                   size_t len);
void sse__wake(struct sse *h);

#endif
