/* Where tokmeter keeps its cache. */
/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "index/dir.h"
#include "util/banned.h"

int index_dir(struct buf *out, const char *xdg_cache, const char *home,
              struct err *e)
{
  buf_reset(out);
  /* The spec says a relative XDG path is invalid and must be ignored. */
  if (xdg_cache && xdg_cache[0] == '/') {
    buf_adds(out, xdg_cache);
  } else if (home && home[0]) {
    buf_adds(out, home);
    buf_adds(out, "/.cache");
  } else {
    return err_set(e, ERR_NOTFOUND,
                   "no cache directory: set XDG_CACHE_HOME or HOME");
  }
  buf_adds(out, "/tokmeter");
  return 0;
}

int index_dir_make(const char *path, struct err *e)
{
  struct buf p = BUF_INIT;
  size_t i;
  int r = 0;

  buf_adds(&p, path);
  for (i = 1; i <= p.len && !r; i++) {
    if (i < p.len && p.data[i] != '/')
      continue;
    p.data[i] = 0;
    if (mkdir(p.data, 0700) && errno != EEXIST)
      r = err_set(e, ERR_IO, "cannot create '%s': %s", p.data, strerror(errno));
    if (i < p.len)
      p.data[i] = '/';
  }
  buf_release(&p);
  return r;
}
