/* The incremental index: re-runs read only what the transcripts gained. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_INDEX_INDEX_H
#define TOKMETER_INDEX_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "source/discover.h"
#include "source/scan.h"
#include "util/buf.h"
#include "util/err.h"

/*
 * One index file per set of transcript roots, under <cache>/index/. It
 * holds, per transcript file, its identity (device, inode), size, mtime,
 * the offset after the last complete line read and counts of what its
 * lines held; every per-file copy of every API call; and the finished set
 * of calls built from them, in time order, so that a run with nothing new
 * only loads that set. New bytes are parsed and their copies overlaid on
 * the set (core/dedup.h), which gives exactly what a full read would.
 * A file that shrank, changed inode or changed before the offset is read
 * again from its start and the set rebuilt from all copies. A file that
 * disappeared keeps its copies: history outlives Claude Code's cleanup.
 * See docs/internals/index.md.
 */

enum index_rebuild {
  INDEX_REUSED = 0, /* the index was there and sound */
  INDEX_CREATED,    /* there was none */
  INDEX_STALE,      /* written by another version: rebuilt */
  INDEX_CORRUPT     /* damaged: rebuilt */
};

struct index_opts {
  const char *dir;       /* cache directory (index/dir.h) */
  struct scan_opts scan; /* threads and progress; the rest is set here */
  int64_t now_ms;
};

/* What a run found; owns everything it points to. */
struct index_stats {
  int rebuilt;         /* enum index_rebuild */
  int compacted;       /* the base was rewritten */
  size_t files_new;    /* seen for the first time */
  size_t files_grown;  /* read from where the last run stopped */
  size_t files_reread; /* rewritten in place: read again whole */
  size_t files_gone;   /* deleted transcripts whose calls are kept */
  size_t events_gone;  /* calls in the result from them */
  uint64_t bytes_read; /* transcript bytes parsed by this run */
  uint8_t *gone;       /* per string id of the result: deleted file */
  size_t ngone;        /* entries in gone[] */
  struct buf path;     /* the index file */
};

void index_stats_init(struct index_stats *is);
void index_stats_release(struct index_stats *is);

/*
 * Walks d (its roots resolved, its files not yet discovered: the index
 * knows which directories need no listing), then fills r as scan_run()
 * would (a finished set, statistics, issues of live files, warnings) plus
 * the calls of deleted files, reading only what changed, and brings the
 * index up to date. d's files are discovered even when it fails. Safe to run
 * from several processes at once (flock): readers share, one writer updates. A
 * damaged or foreign index is rebuilt (is->rebuilt says so). Errors are about
 * the cache directory; the caller may then fall back to scan_run().
 */
int index_run(struct discover *d, const struct index_opts *o,
              struct scan_result *r, struct index_stats *is, struct err *e);

/* One index file, for `tokmeter cache info`. */
struct index_info {
  char *path;  /* owned */
  char *roots; /* owned: the roots, one per line */
  uint64_t bytes;
  uint64_t store_bytes; /* the dashboard's store beside it (.db, -wal) */
  int64_t created_ms;
  int sound; /* 0: stale or damaged, rebuilt on next use */
  size_t files_live, files_gone, events, copies, journal_segments;
};

/* Every index under dir, sorted by path. *out is malloc'd; free with
 * index_info_free(). */
int index_list(const char *dir, struct index_info **out, size_t *n,
               struct err *e);
void index_info_free(struct index_info *v, size_t n);

/* Removes every index file (and the quota log when all is set); *removed
 * counts the files. */
int index_clear(const char *dir, int all, size_t *removed, struct err *e);

#endif
