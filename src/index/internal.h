/* What the index modules share: an index file as read into memory. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_INDEX_INTERNAL_H
#define TOKMETER_INDEX_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/event.h"
#include "index/format.h"
#include "source/discover.h"
#include "util/buf.h"
#include "util/strtab.h"

enum ix_status { IX_OK = 0, IX_MISSING, IX_STALE, IX_CORRUPT };

/*
 * An index file mapped read-only. win and bcopies point into the mapping;
 * everything else is owned. Valid until ix_release().
 */
struct ix {
  unsigned char *map;
  size_t len;
  int fd;           /* the index file, open while the struct lives */
  size_t win_off;   /* file offset of the set's payload (page-aligned) */
  size_t valid_end; /* after the last whole append: appends go here */
  size_t base_end;  /* after the base */
  uint64_t ino;     /* the file's inode: a new one means a new base */
  int64_t created_ms;
  struct strtab strs;
  uint32_t nstr_saved; /* strings the file holds (ids below this) */
  struct buf roots;    /* one per line */
  struct idx_file *files;
  uint8_t *touched; /* per files entry: changed since read */
  size_t nfiles, fcap;
  uint32_t *file_at; /* per string id: files index + 1, or 0 */
  size_t nfile_at;
  const struct event *win; /* finished set of the base */
  size_t nwin;
  const struct event *bcopies; /* the base's copies (checked on use) */
  size_t nbcopies;
  struct idx_seg_head bcopies_head;
  struct event *jcopies; /* copies appended since the base */
  size_t njcopies, jcap;
  struct idx_issue *issues;
  size_t nissues, icap;
  size_t journal_segments;
  struct idx_meta meta;
  struct discover_dir *dirs; /* views into the mapping, sorted by path */
  size_t ndirs, dcap;
};

void ix_init(struct ix *x);
void ix_release(struct ix *x);

/* Maps and parses the file open at fd, which x takes over. A torn
 * journal tail is left out (valid_end stops before it); anything else
 * unsound is IX_CORRUPT. */
enum ix_status ix_read(struct ix *x, int fd);

/* The record of the file whose path has string id `path`, or NULL. */
struct idx_file *ix_file(struct ix *x, uint32_t path);

/* Adds f, or replaces the record of the same path. */
void ix_put_file(struct ix *x, const struct idx_file *f);

/* Sorts x->dirs by path, keeping the newest record of each. */
void ix_dirs_finish(struct ix *x);

/* 0 when every string id of ev[0..n) exists in x->strs. */
int ix_events_valid(const struct ix *x, const struct event *ev, size_t n);

#endif
