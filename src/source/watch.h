/* Watching transcript directories for new usage (Linux inotify). */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_SOURCE_WATCH_H
#define TOKMETER_SOURCE_WATCH_H

#include <stddef.h>

#include "util/err.h"

/*
 * Every directory below each root (a projects/ directory) is watched, and
 * directories that appear later are added as their creation is read.
 * Symbolic links are not followed, as discovery does not follow them.
 *
 * A watch only makes a reader prompt: it can be absent (no inotify) or
 * partial (the per-user watch limit was reached), and files written into a
 * directory in the moment before its watch is added are only seen as the
 * directory's creation. Callers rescan periodically whatever happens.
 *
 * The struct lives in caller storage and owns its descriptor, the root
 * copies and the directory paths; watch_release() frees them.
 */
struct watch {
  int fd;       /* inotify descriptor (non-blocking), -1 when none */
  int partial;  /* some directory could not be watched */
  char **roots; /* copies of the roots, for rewalking after an overflow */
  size_t nroots;
  char **by_wd; /* by_wd[wd]: the watched directory's path, or NULL */
  size_t cap;   /* entries in by_wd */
  size_t n;     /* directories watched now */
};

/*
 * Initialises w and watches roots[0..n) and the directories below them;
 * roots that do not exist are skipped (a rescan finds them later). Returns
 * 0, or a negative enum err_code with a message when inotify is unavailable
 * (then watch_fd() is -1) or a directory could not be watched (the limit:
 * the others still are). In every case w is usable and must be released.
 */
int watch_open(struct watch *w, const char *const *roots, size_t n,
               struct err *e);

/* The descriptor to poll for reading, or -1 when nothing is watched. */
int watch_fd(const struct watch *w);

/*
 * Reads every pending event without blocking and watches new directories.
 * Returns 1 if a transcript (*.jsonl) was written, created, moved or
 * deleted, a directory appeared or went, or events were lost (queue
 * overflow, after which every root is walked again); 0 otherwise.
 */
int watch_drain(struct watch *w);

/* Closes the descriptor and frees what w owns. */
void watch_release(struct watch *w);

#endif
