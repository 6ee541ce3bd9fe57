/* Writing the index: a whole new base, or a journal append. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_INDEX_WRITE_H
#define TOKMETER_INDEX_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "core/event.h"
#include "index/format.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/strtab.h"

/* Everything a base holds; borrowed. */
struct ixw_base_in {
  const char *roots; /* one per line */
  const struct strtab *strs;
  const struct idx_file *files;
  size_t nfiles;
  const struct event *win; /* finished set, time order */
  size_t nwin;
  const struct event *copies; /* the copies that are not in win */
  size_t ncopies;
  const struct idx_issue *issues;
  size_t nissues;
  const struct discover_dir *dirs; /* as this run's walk saw them */
  size_t ndirs;
  struct idx_meta meta;
  int64_t now_ms;
  int sync; /* fsync before the rename: it holds what disk no longer does */
};

/* Writes a new base into a temporary file (synced when in->sync) and
 * renames it over path: readers see the old index or the new one. */
int ixw_base(const char *path, const struct ixw_base_in *in, struct err *e);

/* Appends segs at offset `at` (cutting anything after it) and syncs. */
int ixw_journal(const char *path, size_t at, const struct buf *segs,
                struct err *e);

#endif
