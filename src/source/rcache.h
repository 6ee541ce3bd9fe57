/* A per-file cache of transcript records, refreshed from a file list. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_SOURCE_RCACHE_H
#define TOKMETER_SOURCE_RCACHE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "source/discover.h"
#include "source/records.h"

/*
 * The records of each transcript file, keyed by path with the device,
 * inode, size and mtime the file list gave. A file whose four are
 * unchanged is not read again. Not thread-safe: callers that share one
 * guard it with a lock of their own.
 */
struct rcache_entry {
  char *path; /* owned */
  uint64_t dev, ino, size;
  int64_t mtime_ns;
  struct records r; /* owned */
};

/* Owns v[] and every entry; rcache_release() frees them. */
struct rcache {
  struct rcache_entry *v; /* sorted by path (strcmp) */
  size_t n, cap;
  size_t reads; /* files read by rcache_sync() so far */
  /* When set and nonzero, rcache_sync() reads no more files (the others
   * are left out until a later sync); borrowed. */
  const atomic_int *cancel;
};

void rcache_init(struct rcache *c);
void rcache_release(struct rcache *c);

/*
 * Brings c in line with files[0..n) (sorted by path, as discover_files()
 * leaves them): keeps the entries of unchanged files, reads changed and
 * new ones, drops the entries of files not listed. A file that cannot be
 * read has no entry (it is tried again next time). Afterwards v[] holds
 * the readable listed files in path order.
 */
void rcache_sync(struct rcache *c, const struct source_file *files, size_t n);

#endif
