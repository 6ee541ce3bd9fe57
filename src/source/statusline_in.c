/* Reading and parsing the statusline input from Claude Code. */
/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <jansson.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/civil.h"
#include "source/statusline_in.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define READ_CHUNK 65536
/* resets_at values this large are milliseconds, not seconds (year 5138). */
#define MS_THRESHOLD 100000000000LL

void statusline_in_init(struct statusline_in *in)
{
  memset(in, 0, sizeof(*in));
}

void statusline_in_release(struct statusline_in *in)
{
  free(in->session_id);
  free(in->transcript_path);
  free(in->cwd);
  free(in->project_dir);
  free(in->model_id);
  free(in->model_name);
  statusline_in_init(in);
}

/* A copy of o[key] when it is a non-empty string, else NULL. */
static char *str_of(json_t *o, const char *key)
{
  json_t *v = json_object_get(o, key);

  if (!json_is_string(v) || !json_string_length(v))
    return NULL;
  /* jansson allows no NUL inside strings by default, so this is whole. */
  return xstrdup(json_string_value(v));
}

static int num_of(json_t *o, const char *key, double *out)
{
  json_t *v = json_object_get(o, key);

  if (!json_is_number(v))
    return 0;
  *out = json_number_value(v);
  return 1;
}

/* resets_at as unix seconds: a number (seconds, or milliseconds when
 * huge) or an ISO timestamp; 0 when absent or unusable. */
static int64_t reset_of(json_t *o)
{
  json_t *v = json_object_get(o, "resets_at");
  int64_t ms;
  double d;

  if (json_is_string(v)) {
    if (civil_parse_ts(json_string_value(v), json_string_length(v), &ms))
      return 0;
    return civil_floor_div(ms, 1000);
  }
  if (!json_is_number(v))
    return 0;
  d = json_number_value(v);
  if (!(d > 0 && d < 1e15))
    return 0;
  if (d >= (double)MS_THRESHOLD)
    d /= 1000;
  return (int64_t)d;
}

static void limit_of(json_t *limits, const char *key,
                     struct statusline_limit *out)
{
  json_t *l = json_object_get(limits, key);

  if (!json_is_object(l))
    return;
  out->has = num_of(l, "used_percentage", &out->used_pct);
  if (out->has)
    out->resets_at = reset_of(l);
}

/* used_percentage, else the share of the window the last call filled. */
static void context_of(json_t *cw, struct statusline_in *in)
{
  json_t *cu = json_object_get(cw, "current_usage");
  double size, n, sum = 0;
  static const char *const keys[] = {
      "input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"};
  size_t i;

  if (num_of(cw, "used_percentage", &in->context_pct)) {
    in->has_context = 1;
    return;
  }
  if (!json_is_object(cu) || !num_of(cw, "context_window_size", &size) ||
      !(size > 0))
    return;
  for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
    if (num_of(cu, keys[i], &n))
      sum += n;
  in->context_pct = sum / size * 100.0;
  in->has_context = 1;
}

int statusline_in_parse(struct statusline_in *in, const char *data, size_t len,
                        struct err *e)
{
  json_error_t je;
  json_t *root, *o, *ws;

  statusline_in_release(in);
  root = json_loadb(data, len, 0, &je);
  if (!root)
    return err_set(e, ERR_PARSE, "cannot parse the statusline input: %s",
                   len ? je.text : "it is empty");
  if (!json_is_object(root)) {
    json_decref(root);
    return err_set(e, ERR_PARSE,
                   "cannot parse the statusline input: not an object");
  }
  ws = json_object_get(root, "workspace");
  in->session_id = str_of(root, "session_id");
  in->transcript_path = str_of(root, "transcript_path");
  in->cwd = str_of(root, "cwd");
  if (!in->cwd)
    in->cwd = str_of(ws, "current_dir");
  in->project_dir = str_of(ws, "project_dir");
  o = json_object_get(root, "model");
  in->model_id = str_of(o, "id");
  in->model_name = str_of(o, "display_name");
  /* Older payloads give the model as a plain string. */
  if (!in->model_id && json_is_string(o) && json_string_length(o))
    in->model_id = xstrdup(json_string_value(o));
  o = json_object_get(root, "cost");
  in->has_cost = num_of(o, "total_cost_usd", &in->cost_usd);
  o = json_object_get(root, "context_window");
  if (json_is_object(o))
    context_of(o, in);
  o = json_object_get(root, "rate_limits");
  limit_of(o, "five_hour", &in->five_hour);
  limit_of(o, "seven_day", &in->seven_day);
  json_decref(root);
  return 0;
}

static int64_t mono_ms(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int statusline_in_read(int fd, size_t max, int timeout_ms, struct buf *out,
                       struct err *e)
{
  int64_t deadline = mono_ms() + timeout_ms;
  size_t start = out->len;

  /* poll() would wait out the timeout on a negative descriptor. */
  if (fd < 0)
    return err_set(e, ERR_IO, "cannot read the statusline input: no input");
  for (;;) {
    struct pollfd p;
    int64_t left = deadline - mono_ms();
    size_t want = READ_CHUNK;
    ssize_t n;
    int r;

    if (left <= 0)
      return err_set(e, ERR_IO, "statusline input: no end after %d ms",
                     timeout_ms);
    p.fd = fd;
    p.events = POLLIN;
    p.revents = 0;
    r = poll(&p, 1, (int)left);
    if (r < 0 && errno != EINTR)
      return err_set(e, ERR_IO, "cannot read the statusline input: %s",
                     strerror(errno));
    if (r <= 0)
      continue;
    /* Read one byte past max to know whether there is more. */
    if (want > max + 1 - (out->len - start))
      want = max + 1 - (out->len - start);
    if (buf_grow(out, want))
      return err_set(e, ERR_RANGE, "statusline input over %zu bytes", max);
    n = read(fd, out->data + out->len, want);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
      continue;
    if (n < 0)
      return err_set(e, ERR_IO, "cannot read the statusline input: %s",
                     strerror(errno));
    if (n == 0)
      return 0;
    out->len += (size_t)n;
    out->data[out->len] = '\0';
    if (out->len - start > max) {
      buf_setlen(out, start + max);
      return err_set(e, ERR_RANGE, "statusline input over %zu bytes", max);
    }
  }
}
