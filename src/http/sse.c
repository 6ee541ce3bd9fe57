/* Server-Sent Events: a hub that pushes events to every open stream. */
/* SPDX-License-Identifier: MIT */
#include "http/sse.h"

#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

#include <microhttpd.h>

#include "util/buf.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* How often a waiting stream checks whether its peer went away. */
#define PEER_CHECK_MS 1000

struct sse_sub {
  struct sse *hub;
  struct sse_sub *prev, *next;
  struct buf out; /* queued bytes; out.data[off..len) not yet sent */
  size_t off;
  int fd; /* the connection's socket, -1 when unknown */
  const atomic_int *cancel;
  int ended;
  int64_t next_beat; /* monotonic ms */
};

static int64_t mono_ms(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void sse_init(struct sse *h, int heartbeat_ms)
{
  pthread_condattr_t ca;

  memset(h, 0, sizeof(*h));
  pthread_mutex_init(&h->mu, NULL);
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&h->cond, &ca);
  pthread_condattr_destroy(&ca);
  h->heartbeat_ms = heartbeat_ms > 0 ? heartbeat_ms : SSE_HEARTBEAT_MS;
}

void sse_release(struct sse *h)
{
  pthread_cond_destroy(&h->cond);
  pthread_mutex_destroy(&h->mu);
  h->subs = NULL;
  h->nsubs = 0;
}

static int event_ok(const char *ev)
{
  size_t n = strlen(ev), i;

  if (n == 0 || n > 64)
    return 0;
  for (i = 0; i < n; i++)
    if (!((ev[i] >= 'a' && ev[i] <= 'z') || (ev[i] >= 'A' && ev[i] <= 'Z') ||
          (ev[i] >= '0' && ev[i] <= '9') || strchr("_-.", ev[i])))
      return 0;
  return 1;
}

static void format_event(struct buf *f, const char *event, int64_t id,
                         const char *data)
{
  const char *p = data, *nl;

  if (id >= 0)
    buf_addf(f, "id: %lld\n", (long long)id);
  buf_addf(f, "event: %s\n", event);
  for (;;) {
    nl = strchr(p, '\n');
    buf_adds(f, "data: ");
    buf_add(f, p, nl ? (size_t)(nl - p) : strlen(p));
    buf_addch(f, '\n');
    if (!nl)
      break;
    p = nl + 1;
  }
  buf_addch(f, '\n');
}

int sse_event_id(struct buf *out, const char *event, int64_t id,
                 const char *data)
{
  if (!event_ok(event) || strchr(data, '\r'))
    return ERR_USAGE;
  format_event(out, event, id, data);
  return 0;
}

int sse_event(struct buf *out, const char *event, const char *data)
{
  return sse_event_id(out, event, -1, data);
}

int sse_publish(struct sse *h, const char *event, const char *data)
{
  return sse_publish_id(h, event, -1, data);
}

int sse_publish_id(struct sse *h, const char *event, int64_t id,
                   const char *data)
{
  struct buf frame = BUF_INIT;
  struct sse_sub *s;

  if (sse_event_id(&frame, event, id, data))
    return ERR_USAGE;
  pthread_mutex_lock(&h->mu);
  for (s = h->subs; s; s = s->next) {
    if (s->ended)
      continue;
    if (s->out.len - s->off + frame.len > SSE_MAX_PENDING)
      s->ended = 1;
    else
      buf_add(&s->out, frame.data, frame.len);
  }
  pthread_cond_broadcast(&h->cond);
  pthread_mutex_unlock(&h->mu);
  buf_release(&frame);
  return 0;
}

void sse_close(struct sse *h)
{
  pthread_mutex_lock(&h->mu);
  h->closed = 1;
  pthread_cond_broadcast(&h->cond);
  pthread_mutex_unlock(&h->mu);
}

void sse__wake(struct sse *h)
{
  pthread_mutex_lock(&h->mu);
  pthread_cond_broadcast(&h->cond);
  pthread_mutex_unlock(&h->mu);
}

size_t sse_count(struct sse *h)
{
  size_t n;

  pthread_mutex_lock(&h->mu);
  n = h->nsubs;
  pthread_mutex_unlock(&h->mu);
  return n;
}

static int peer_gone(int fd)
{
  struct pollfd p = {.fd = fd, .events = POLLRDHUP};

  if (fd < 0)
    return 0;
  return poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR));
}

static void wait_until(struct sse *h, int64_t deadline_ms)
{
  struct timespec ts;

  ts.tv_sec = (time_t)(deadline_ms / 1000);
  ts.tv_nsec = (long)(deadline_ms % 1000) * 1000000;
  pthread_cond_timedwait(&h->cond, &h->mu, &ts);
}

/* Sends queued bytes; blocks (this connection's thread) until some exist. */
static ssize_t sse_read(void *cls, uint64_t pos, char *dst, size_t max)
{
  struct sse_sub *s = cls;
  struct sse *h = s->hub;
  ssize_t rc;
  int64_t now;
  size_t n;

  (void)pos;
  pthread_mutex_lock(&h->mu);
  for (;;) {
    if (s->off < s->out.len) {
      n = s->out.len - s->off < max ? s->out.len - s->off : max;
      memcpy(dst, s->out.data + s->off, n);
      s->off += n;
      if (s->off == s->out.len) {
        buf_reset(&s->out);
        s->off = 0;
      }
      s->next_beat = mono_ms() + h->heartbeat_ms;
      rc = (ssize_t)n;
      break;
    }
    if (s->ended || h->closed || (s->cancel && atomic_load(s->cancel))) {
      rc = MHD_CONTENT_READER_END_OF_STREAM;
      break;
    }
    now = mono_ms();
    if (now >= s->next_beat) {
      buf_adds(&s->out, ": heartbeat\n\n");
      continue;
    }
    wait_until(h, s->next_beat < now + PEER_CHECK_MS ? s->next_beat
                                                     : now + PEER_CHECK_MS);
    if (peer_gone(s->fd)) {
      rc = MHD_CONTENT_READER_END_WITH_ERROR;
      break;
    }
  }
  pthread_mutex_unlock(&h->mu);
  return rc;
}

static void sse_unsubscribe(void *cls)
{
  struct sse_sub *s = cls;
  struct sse *h = s->hub;

  pthread_mutex_lock(&h->mu);
  if (s->prev)
    s->prev->next = s->next;
  else
    h->subs = s->next;
  if (s->next)
    s->next->prev = s->prev;
  h->nsubs--;
  pthread_cond_broadcast(&h->cond);
  pthread_mutex_unlock(&h->mu);
  buf_release(&s->out);
  free(s);
}

struct MHD_Response *sse__response(struct sse *h, struct MHD_Connection *c,
                                   const atomic_int *cancel, const char *first,
                                   size_t len)
{
  const union MHD_ConnectionInfo *ci;
  struct MHD_Response *r;
  struct sse_sub *s = xcalloc(1, sizeof(*s));

  s->hub = h;
  s->cancel = cancel;
  s->fd = -1;
  ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
  if (ci)
    s->fd = ci->connect_fd;
  buf_adds(&s->out, ": ok\n\n");
  if (len)
    buf_add(&s->out, first, len);
  s->next_beat = mono_ms() + h->heartbeat_ms;
  r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, sse_read, s,
                                        sse_unsubscribe);
  if (!r) {
    buf_release(&s->out);
    free(s);
    return NULL;
  }
  MHD_add_response_header(r, "Content-Type", "text/event-stream");
  MHD_add_response_header(r, "Cache-Control", "no-cache");
  MHD_add_response_header(r, "X-Accel-Buffering", "no");
  pthread_mutex_lock(&h->mu);
  s->next = h->subs;
  if (h->subs)
    h->subs->prev = s;
  h->subs = s;
  h->nsubs++;
  pthread_mutex_unlock(&h->mu);
  return r;
}
