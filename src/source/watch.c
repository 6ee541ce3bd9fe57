/* Watching transcript directories with inotify. */
/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source/watch.h"
#include "util/buf.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define WATCH_MASK                                                             \
  (IN_MODIFY | IN_CLOSE_WRITE | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM |      \
   IN_DELETE | IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK)
#define MAX_DEPTH 32 /* projects/<dir>/<session>/subagents is 3 deep */

static void forget(struct watch *w, int wd)
{
  if (wd < 0 || (size_t)wd >= w->cap || !w->by_wd[wd])
    return;
  free(w->by_wd[wd]);
  w->by_wd[wd] = NULL;
  w->n--;
}

static void remember(struct watch *w, int wd, const char *path)
{
  size_t old = w->cap;

  if ((size_t)wd >= w->cap) {
    w->by_wd = xgrow(w->by_wd, &w->cap, (size_t)wd + 1, sizeof(*w->by_wd));
    memset(w->by_wd + old, 0, (w->cap - old) * sizeof(*w->by_wd));
  }
  /* The same directory added twice gets its old descriptor back. */
  forget(w, wd);
  w->by_wd[wd] = xstrdup(path);
  w->n++;
}

/* Watches path and the directories below it; keeps the first error. */
static void add_tree(struct watch *w, struct buf *path, int depth, int *rc,
                     struct err *e)
{
  size_t len = path->len;
  struct dirent *de;
  DIR *d;
  int wd;

  wd = inotify_add_watch(w->fd, path->data, WATCH_MASK);
  if (wd < 0) {
    if (errno == ENOENT || errno == ENOTDIR)
      return; /* gone already, or a file: nothing to watch */
    w->partial = 1;
    if (!*rc)
      *rc = errno == ENOSPC
                ? err_set(e, ERR_RANGE,
                          "cannot watch '%s': inotify watch limit reached "
                          "(fs.inotify.max_user_watches)",
                          path->data)
                : err_set(e, ERR_IO, "cannot watch '%s': %s", path->data,
                          strerror(errno));
    return;
  }
  remember(w, wd, path->data);
  if (depth >= MAX_DEPTH || !(d = opendir(path->data)))
    return;
  while ((de = readdir(d))) {
    struct stat st;
    int dir = de->d_type == DT_DIR;

    if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
      continue;
    buf_setlen(path, len);
    buf_addch(path, '/');
    buf_adds(path, de->d_name);
    if (de->d_type == DT_UNKNOWN)
      dir = !lstat(path->data, &st) && S_ISDIR(st.st_mode);
    if (dir)
      add_tree(w, path, depth + 1, rc, e);
  }
  closedir(d);
  buf_setlen(path, len);
}

static int add_roots(struct watch *w, struct err *e)
{
  struct buf path = BUF_INIT;
  size_t i;
  int rc = 0;

  for (i = 0; i < w->nroots; i++) {
    buf_reset(&path);
    buf_adds(&path, w->roots[i]);
    add_tree(w, &path, 0, &rc, e);
  }
  buf_release(&path);
  return rc;
}

int watch_open(struct watch *w, const char *const *roots, size_t n,
               struct err *e)
{
  size_t i;

  memset(w, 0, sizeof(*w));
  w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (w->fd < 0)
    return err_set(e, ERR_IO, "cannot watch transcripts: inotify: %s",
                   strerror(errno));
  w->roots = xcalloc(n ? n : 1, sizeof(*w->roots));
  for (i = 0; i < n; i++)
    w->roots[i] = xstrdup(roots[i]);
  w->nroots = n;
  return add_roots(w, e);
}

int watch_fd(const struct watch *w)
{
  return w->fd;
}

static int ends_with_jsonl(const char *name, size_t len)
{
  size_t n = strnlen(name, len);

  return n >= 6 && !memcmp(name + n - 6, ".jsonl", 6);
}

/* Handles one event; 1 if it is relevant to a reader. */
static int handle(struct watch *w, const struct inotify_event *ev,
                  struct buf *path)
{
  if (ev->mask & IN_Q_OVERFLOW) {
    add_roots(w, NULL); /* directories made meanwhile were missed */
    return 1;
  }
  if (ev->mask & IN_IGNORED) {
    forget(w, ev->wd);
    return 0;
  }
  if (!ev->len)
    return 0; /* about the watched directory itself */
  if (!(ev->mask & IN_ISDIR))
    return ends_with_jsonl(ev->name, ev->len);
  if ((ev->mask & (IN_CREATE | IN_MOVED_TO)) && ev->wd >= 0 &&
      (size_t)ev->wd < w->cap && w->by_wd[ev->wd]) {
    int rc = 0;

    buf_reset(path);
    buf_adds(path, w->by_wd[ev->wd]);
    buf_addch(path, '/');
    buf_add(path, ev->name, strnlen(ev->name, ev->len));
    add_tree(w, path, 1, &rc, NULL);
  }
  return 1;
}

int watch_drain(struct watch *w)
{
  char data[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
  struct buf path = BUF_INIT;
  int changed = 0;
  ssize_t got;

  if (w->fd < 0)
    return 0;
  while ((got = read(w->fd, data, sizeof(data))) > 0 ||
         (got < 0 && errno == EINTR)) {
    size_t off = 0;

    while (got > 0 && off + sizeof(struct inotify_event) <= (size_t)got) {
      const struct inotify_event *ev =
          (const struct inotify_event *)(data + off);

      changed |= handle(w, ev, &path);
      off += sizeof(*ev) + ev->len;
    }
  }
  buf_release(&path);
  return changed;
}

void watch_release(struct watch *w)
{
  size_t i;

  if (w->fd >= 0)
    close(w->fd);
  for (i = 0; i < w->nroots; i++)
    free(w->roots[i]);
  free(w->roots);
  for (i = 0; i < w->cap; i++)
    free(w->by_wd[i]);
  free(w->by_wd);
  memset(w, 0, sizeof(*w));
  w->fd = -1;
}
