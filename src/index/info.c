/* Listing and removing index files, for `tokmeter cache`. */
/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "index/index.h"
#include "index/internal.h"
#include "index/quota.h"
#include "util/xalloc.h"
#include "util/banned.h"

static int ends_with(const char *s, const char *suffix)
{
  size_t n = strlen(s), k = strlen(suffix);

  return n > k && !strcmp(s + n - k, suffix);
}

/* Opens and share-locks the index's lock file; -1 if there is none. */
static int lock_of(const char *idx)
{
  struct buf p = BUF_INIT;
  int fd;

  buf_add(&p, idx, strlen(idx) - 4); /* ".idx" -> ".lock" */
  buf_adds(&p, ".lock");
  fd = open(p.data, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  buf_release(&p);
  if (fd >= 0)
    while (flock(fd, LOCK_SH) && errno == EINTR)
      ;
  return fd;
}

/* Sizes of the dashboard's store kept beside an index ("x.idx" ->
 * "x.db" and its write-ahead log). */
static uint64_t store_bytes(const char *idx)
{
  static const char *const ext[] = {".db", ".db-wal"};
  struct buf p = BUF_INIT;
  struct stat st;
  uint64_t n = 0;
  size_t i;

  for (i = 0; i < 2; i++) {
    buf_reset(&p);
    buf_add(&p, idx, strlen(idx) - 4);
    buf_adds(&p, ext[i]);
    if (!stat(p.data, &st))
      n += (uint64_t)st.st_size;
  }
  buf_release(&p);
  return n;
}

static void info_of(const char *path, struct index_info *in)
{
  struct ix x;
  struct stat st;
  int lock, fd;
  size_t i;

  memset(in, 0, sizeof(*in));
  in->path = xstrdup(path);
  ix_init(&x);
  /* Shared, as readers do: a writer may cut a torn append meanwhile. */
  lock = lock_of(path);
  fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd >= 0 && !fstat(fd, &st))
    in->bytes = (uint64_t)st.st_size;
  /* x takes the descriptor over */
  if (fd >= 0 && ix_read(&x, fd) == IX_OK) {
    in->sound = 1;
    in->created_ms = x.created_ms;
    in->roots = xstrdup(x.roots.data);
    for (i = 0; i < x.nfiles; i++) {
      if (x.files[i].state == IDX_LIVE)
        in->files_live++;
      else
        in->files_gone++;
    }
    in->events = x.nwin;
    in->copies = x.nwin + x.nbcopies + x.njcopies;
    in->journal_segments = x.journal_segments;
  } else {
    in->roots = xstrdup("");
  }
  ix_release(&x);
  if (lock >= 0)
    close(lock);
}

static int cmp_info(const void *a, const void *b)
{
  return strcmp(((const struct index_info *)a)->path,
                ((const struct index_info *)b)->path);
}

int index_list(const char *dir, struct index_info **out, size_t *n,
               struct err *e)
{
  struct buf p = BUF_INIT;
  struct dirent *de;
  size_t cap = 0;
  DIR *dh;

  *out = NULL;
  *n = 0;
  buf_addf(&p, "%s/index", dir);
  dh = opendir(p.data);
  if (!dh) {
    int r = errno == ENOENT ? 0
                            : err_set(e, ERR_IO, "cannot read '%s': %s", p.data,
                                      strerror(errno));

    buf_release(&p);
    return r;
  }
  while ((de = readdir(dh))) {
    struct buf f = BUF_INIT;

    if (!ends_with(de->d_name, ".idx"))
      continue;
    buf_addf(&f, "%s/%s", p.data, de->d_name);
    *out = xgrow(*out, &cap, *n + 1, sizeof(**out));
    info_of(f.data, &(*out)[*n]);
    (*out)[(*n)++].store_bytes = store_bytes(f.data);
    buf_release(&f);
  }
  closedir(dh);
  if (*n > 1)
    qsort(*out, *n, sizeof(**out), cmp_info);
  buf_release(&p);
  return 0;
}

void index_info_free(struct index_info *v, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++) {
    free(v[i].path);
    free(v[i].roots);
  }
  free(v);
}

static int remove_file(const char *path, size_t *removed, struct err *e)
{
  if (!unlink(path)) {
    (*removed)++;
    return 0;
  }
  if (errno == ENOENT)
    return 0;
  return err_set(e, ERR_IO, "cannot remove '%s': %s", path, strerror(errno));
}

int index_clear(const char *dir, int all, size_t *removed, struct err *e)
{
  struct buf p = BUF_INIT, f = BUF_INIT;
  struct dirent *de;
  DIR *dh;
  int r = 0;

  *removed = 0;
  buf_addf(&p, "%s/index", dir);
  dh = opendir(p.data);
  if (!dh && errno != ENOENT)
    r = err_set(e, ERR_IO, "cannot read '%s': %s", p.data, strerror(errno));
  while (dh && !r && (de = readdir(dh))) {
    /* Lock files stay: a running tokmeter may hold one. */
    if (!ends_with(de->d_name, ".idx") && !strstr(de->d_name, ".idx.tmp-") &&
        !ends_with(de->d_name, ".db") && !ends_with(de->d_name, ".db-wal") &&
        !ends_with(de->d_name, ".db-shm"))
      continue;
    buf_reset(&f);
    buf_addf(&f, "%s/%s", p.data, de->d_name);
    r = remove_file(f.data, removed, e);
  }
  if (dh)
    closedir(dh);
  if (!r && all) {
    buf_reset(&f);
    buf_addf(&f, "%s/" QUOTA_FILE, dir);
    r = remove_file(f.data, removed, e);
  }
  buf_release(&f);
  buf_release(&p);
  return r;
}
