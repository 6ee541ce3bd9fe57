/* Writing the index: a whole new base, or a journal append. */
/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "index/write.h"
#include "util/banned.h"

static int fail(struct err *e, const char *what, const char *path)
{
  return err_set(e, ERR_IO, "cannot %s '%s': %s", what, path,
                 strerror(errno ? errno : EIO));
}

/* fsync of the directory makes the rename itself durable. */
static void sync_dir(const char *path)
{
  char dir[4096];
  const char *slash = strrchr(path, '/');
  size_t n = slash ? (size_t)(slash - path) : 0;
  int fd;

  if (!n || n >= sizeof(dir))
    return;
  memcpy(dir, path, n);
  dir[n] = 0;
  fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    (void)fsync(fd);
    close(fd);
  }
}

int ixw_base(const char *path, const struct ixw_base_in *in, struct err *e)
{
  struct buf tmp = BUF_INIT, head = BUF_INIT;
  int fd, ok;

  buf_addf(&tmp, "%s.tmp-%ld", path, (long)getpid());
  fd = open(tmp.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
            0600);
  if (fd < 0) {
    int r = fail(e, "create", tmp.data);

    buf_release(&tmp);
    return r;
  }
  idx_header_make(&head, in->now_ms);
  idx_seg_add(&head, SEG_ROOTS, 1, in->roots, strlen(in->roots));
  idx_seg_strings(&head, in->strs, 1);
  idx_seg_dirs(&head, in->dirs, in->ndirs, 0);
  /* The set's payload on a page boundary: runs map it where they want. */
  ok = write(fd, head.data, head.len) == (ssize_t)head.len &&
       !idx_seg_write(fd, SEG_FILES, (uint32_t)in->nfiles, in->files,
                      in->nfiles * sizeof(*in->files)) &&
       idx_seg_write_pad(
           fd, head.len + idx_seg_size(in->nfiles * sizeof(*in->files))) &&
       !idx_seg_write(fd, SEG_WINNERS, (uint32_t)in->nwin, in->win,
                      in->nwin * sizeof(*in->win)) &&
       !idx_seg_write(fd, SEG_COPIES, (uint32_t)in->ncopies, in->copies,
                      in->ncopies * sizeof(*in->copies)) &&
       !idx_seg_write(fd, SEG_ISSUES, (uint32_t)in->nissues, in->issues,
                      in->nissues * sizeof(*in->issues)) &&
       !idx_seg_write(fd, SEG_META, 1, &in->meta, sizeof(in->meta)) &&
       !idx_seg_write(fd, SEG_BASE_END, 0, NULL, 0) &&
       (!in->sync || !fsync(fd));
  if (!ok) {
    int r = fail(e, "write", tmp.data);

    close(fd);
    unlink(tmp.data);
    buf_release(&head);
    buf_release(&tmp);
    return r;
  }
  close(fd);
  if (rename(tmp.data, path)) {
    int r = fail(e, "rename", tmp.data);

    unlink(tmp.data);
    buf_release(&head);
    buf_release(&tmp);
    return r;
  }
  if (in->sync)
    sync_dir(path);
  buf_release(&head);
  buf_release(&tmp);
  return 0;
}

int ixw_journal(const char *path, size_t at, const struct buf *segs,
                struct err *e)
{
  int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  ssize_t w;

  if (fd < 0)
    return fail(e, "open", path);
  /* Cut a torn append off first, then add ours behind the sound part. */
  if (ftruncate(fd, (off_t)at)) {
    int r = fail(e, "truncate", path);

    close(fd);
    return r;
  }
  w = pwrite(fd, segs->data, segs->len, (off_t)at);
  if (w != (ssize_t)segs->len || fdatasync(fd)) {
    int r = fail(e, "write", path);

    if (ftruncate(fd, (off_t)at))
      r = fail(e, "truncate", path);
    close(fd);
    return r;
  }
  close(fd);
  return 0;
}
