/* Plan-quota readings: an append-only JSON-lines log in the cache dir. */
/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "index/dir.h"
#include "index/quota.h"
#include "source/readfile.h"
#include "util/buf.h"
#include "util/jsonw.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define QUOTA_MAX_BYTES (64u << 20) /* read_all refuses larger logs */
#define TAIL_BYTES 4096             /* quota_last reads this much */
#define REPEAT_MS 60000 /* an unchanged reading is rewritten after */

static void path_of(struct buf *p, const char *dir)
{
  buf_reset(p);
  buf_adds(p, dir);
  buf_adds(p, "/" QUOTA_FILE);
}

static void limit_json(struct jsonw *w, const char *key, double pct,
                       int64_t reset)
{
  jsonw_key(w, key);
  jsonw_obj_begin(w);
  jsonw_key(w, "used_percentage");
  jsonw_double_compact(w, pct);
  jsonw_key(w, "resets_at");
  jsonw_int(w, reset);
  jsonw_obj_end(w);
}

static void reading_json(struct buf *out, const struct quota_reading *r)
{
  struct jsonw w;

  jsonw_init(&w, out, 0);
  jsonw_obj_begin(&w);
  jsonw_key(&w, "at_ms");
  jsonw_int(&w, r->at_ms);
  if (r->has_five)
    limit_json(&w, "five_hour", r->five_pct, r->five_reset);
  if (r->has_week)
    limit_json(&w, "seven_day", r->week_pct, r->week_reset);
  jsonw_obj_end(&w);
  buf_addch(out, '\n');
}

static int limit_parse(json_t *o, const char *key, double *pct, int64_t *reset)
{
  json_t *l = json_object_get(o, key), *p, *t;

  if (!json_is_object(l))
    return 0;
  p = json_object_get(l, "used_percentage");
  t = json_object_get(l, "resets_at");
  if (!json_is_number(p))
    return 0;
  *pct = json_number_value(p);
  *reset = json_is_integer(t) ? (int64_t)json_integer_value(t) : 0;
  return 1;
}

/* 1 when line holds a reading with at least one limit. */
static int reading_parse(const char *line, size_t n, struct quota_reading *r)
{
  json_t *o = json_loadb(line, n, 0, NULL), *at;
  int ok = 0;

  memset(r, 0, sizeof(*r));
  if (json_is_object(o)) {
    at = json_object_get(o, "at_ms");
    r->has_five = limit_parse(o, "five_hour", &r->five_pct, &r->five_reset);
    r->has_week = limit_parse(o, "seven_day", &r->week_pct, &r->week_reset);
    ok = json_is_integer(at) && (r->has_five || r->has_week);
    if (ok)
      r->at_ms = (int64_t)json_integer_value(at);
  }
  json_decref(o);
  return ok;
}

/* The last valid reading in text[0..n), scanning lines backwards. */
static int last_in(const char *text, size_t n, struct quota_reading *r)
{
  size_t end = n;

  while (end > 0) {
    size_t start = end - 1;

    while (start > 0 && text[start - 1] != '\n')
      start--;
    if (end - start > 1 && reading_parse(text + start, end - start, r))
      return 1;
    end = start;
  }
  return 0;
}

static int same_values(const struct quota_reading *a,
                       const struct quota_reading *b)
{
  return a->has_five == b->has_five && a->has_week == b->has_week &&
         a->five_pct == b->five_pct && a->five_reset == b->five_reset &&
         a->week_pct == b->week_pct && a->week_reset == b->week_reset;
}

/* Reads at most the last `max` bytes of fd into out. */
static int read_tail(int fd, size_t max, struct buf *out)
{
  struct stat st;
  off_t off;
  size_t want;
  ssize_t got;

  buf_reset(out);
  if (fstat(fd, &st))
    return -1;
  off = st.st_size > (off_t)max ? st.st_size - (off_t)max : 0;
  want = (size_t)(st.st_size - off);
  buf_grow(out, want + 1);
  got = pread(fd, out->data, want, off);
  if (got < 0)
    return -1;
  out->len = (size_t)got;
  out->data[out->len] = 0;
  /* A cut first line is not a reading; last_in() skips it as invalid. */
  return 0;
}

int quota_append(const char *dir, const struct quota_reading *r, struct err *e)
{
  struct buf path = BUF_INIT, line = BUF_INIT, tail = BUF_INIT;
  struct quota_reading last;
  int fd, rc = 0;

  if (!r->has_five && !r->has_week)
    return 0;
  if (index_dir_make(dir, e))
    return ERR_IO;
  path_of(&path, dir);
  fd = open(path.data, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
            0600);
  if (fd < 0) {
    rc = err_set(e, ERR_IO, "cannot open '%s': %s", path.data, strerror(errno));
    goto out;
  }
  while (flock(fd, LOCK_EX) && errno == EINTR)
    ;
  if (!read_tail(fd, TAIL_BYTES, &tail)) {
    if (last_in(tail.data, tail.len, &last) && same_values(&last, r) &&
        r->at_ms >= last.at_ms && r->at_ms - last.at_ms < REPEAT_MS)
      goto unlock;
    /* A writer that died mid-line: end its line, or ours joins it. */
    if (tail.len && tail.data[tail.len - 1] != '\n')
      buf_addch(&line, '\n');
  }
  reading_json(&line, r);
  /* One write() of one short line: appends never interleave. */
  errno = 0;
  if (write(fd, line.data, line.len) != (ssize_t)line.len)
    rc = err_set(e, ERR_IO, "cannot write '%s': %s", path.data,
                 strerror(errno ? errno : EIO));
unlock:
  flock(fd, LOCK_UN);
  close(fd);
out:
  buf_release(&tail);
  buf_release(&line);
  buf_release(&path);
  return rc;
}

static int open_log(const char *dir, struct buf *path, int *fd, struct err *e)
{
  path_of(path, dir);
  *fd = open(path->data, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (*fd >= 0)
    return 0;
  if (errno == ENOENT)
    return err_set(e, ERR_NOTFOUND, "no quota readings yet: '%s' is missing",
                   path->data);
  return err_set(e, ERR_IO, "cannot open '%s': %s", path->data,
                 strerror(errno));
}

/* The last reading in the file: in its tail, unless junk fills that. */
static int last_from(int fd, struct quota_reading *r)
{
  struct buf tail = BUF_INIT;
  int rc = 0;

  if (read_tail(fd, TAIL_BYTES, &tail))
    rc = ERR_IO;
  else if (!last_in(tail.data, tail.len, r)) {
    if (tail.len < TAIL_BYTES)
      rc = ERR_NOTFOUND;
    else if (read_tail(fd, QUOTA_MAX_BYTES, &tail))
      rc = ERR_IO;
    else if (!last_in(tail.data, tail.len, r))
      rc = ERR_NOTFOUND;
  }
  buf_release(&tail);
  return rc;
}

int quota_last(const char *dir, struct quota_reading *r, struct err *e)
{
  struct buf path = BUF_INIT;
  int fd, rc = open_log(dir, &path, &fd, e);

  if (rc == 0) {
    rc = last_from(fd, r);
    if (rc == ERR_IO)
      rc = err_set(e, ERR_IO, "cannot read '%s': %s", path.data,
                   strerror(errno));
    else if (rc)
      rc = err_set(e, ERR_NOTFOUND, "no quota reading in '%s'", path.data);
    close(fd);
  }
  buf_release(&path);
  return rc;
}

int quota_read_all(const char *dir, struct quota_reading **out, size_t *n,
                   struct err *e)
{
  struct buf path = BUF_INIT, text = BUF_INIT;
  size_t cap = 0, i = 0;
  int fd, rc = open_log(dir, &path, &fd, e);

  *out = NULL;
  *n = 0;
  if (rc == ERR_NOTFOUND)
    rc = 0;
  else if (rc == 0) {
    close(fd);
    rc = readfile(path.data, QUOTA_MAX_BYTES, &text, e);
  }
  while (rc == 0 && i < text.len) {
    const char *nl = memchr(text.data + i, '\n', text.len - i);
    size_t end = nl ? (size_t)(nl - text.data) : text.len;
    struct quota_reading q;

    if (end > i && reading_parse(text.data + i, end - i, &q)) {
      *out = xgrow(*out, &cap, *n + 1, sizeof(**out));
      (*out)[(*n)++] = q;
    }
    i = end + 1;
  }
  buf_release(&text);
  buf_release(&path);
  return rc;
}
