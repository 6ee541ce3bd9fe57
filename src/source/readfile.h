/* Reading small configuration and metadata files safely. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_SOURCE_READFILE_H
#define TOKMETER_SOURCE_READFILE_H

#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

/*
 * Appends the whole regular file at path (at most max bytes) to out. It
 * never blocks on a FIFO or device: the file is opened non-blocking and
 * must be a regular file. Returns 0, ERR_NOTFOUND (missing, or not a
 * regular file), ERR_RANGE (larger than max) or ERR_IO; e names the file.
 * On error out holds what was read so far.
 */
int readfile(const char *path, size_t max, struct buf *out, struct err *e);

#endif
