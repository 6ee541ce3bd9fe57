/* Reading small configuration and metadata files safely. */
/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source/readfile.h"
#include "util/banned.h"

int readfile(const char *path, size_t max, struct buf *out, struct err *e)
{
  char chunk[8192];
  struct stat st;
  int fd, rc = 0;
  size_t got = 0;

  fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0)
    return err_set(e,
                   errno == ENOENT || errno == ENOTDIR || errno == ENAMETOOLONG
                       ? ERR_NOTFOUND
                       : ERR_IO,
                   "cannot open '%s': %s", path, strerror(errno));
  if (fstat(fd, &st) != 0)
    rc = err_set(e, ERR_IO, "cannot stat '%s': %s", path, strerror(errno));
  else if (!S_ISREG(st.st_mode))
    rc = err_set(e, ERR_NOTFOUND, "cannot read '%s': not a regular file", path);
  while (rc == 0) {
    ssize_t n = read(fd, chunk, sizeof(chunk));

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      rc = err_set(e, ERR_IO, "cannot read '%s': %s", path, strerror(errno));
    else if (n == 0)
      break;
    else if ((got += (size_t)n) > max)
      rc = err_set(e, ERR_RANGE, "cannot read '%s': larger than %zu bytes",
                   path, max);
    else
      buf_add(out, chunk, (size_t)n);
  }
  close(fd);
  return rc;
}
