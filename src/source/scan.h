/* Reading transcript files into the set of distinct API calls. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_SOURCE_SCAN_H
#define TOKMETER_SOURCE_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "core/dedup.h"
#include "source/discover.h"
#include "util/buf.h"
#include "util/err.h"

/*
 * Files are cut into units (a whole file, or a slice of a large one, owning
 * the lines that start inside it) that worker threads take largest first.
 * Each worker reads its unit in large blocks, hands only lines that can
 * carry usage to the parser, and keeps its own dedup set; the sets are
 * merged at the end, which the order-independent winner rule allows.
 */

/* Called on the calling thread about every 100 ms while a scan runs. */
typedef void (*scan_progress_cb)(void *ctx, uint64_t done, uint64_t total);

struct scan_opts {
  int threads;               /* 0: one per online CPU (at most 8) */
  int collect_issues;        /* keep file:line of every bad line */
  uint64_t unit_bytes;       /* split files larger than this; 0: 32 MiB */
  size_t long_line_bytes;    /* read longer lines through; 0: 64 MiB */
  scan_progress_cb progress; /* may be NULL */
  void *progress_ctx;
  /* Incremental reads (the index): per discovered file, where to start
   * (a line start; UINT64_MAX: skip the file) and the line number before
   * it. NULL: every file from its start. */
  const uint64_t *start;
  const uint64_t *start_line;
  int by_file; /* result: one copy per (file, call), not finished */
};

enum scan_issue_kind { SCAN_MALFORMED = 1, SCAN_BAD_UTF8, SCAN_TOO_LONG };

struct scan_issue {
  uint32_t file; /* index into the discover's files */
  uint64_t line; /* 1-based */
  uint8_t kind;  /* enum scan_issue_kind */
};

struct scan_stats {
  uint64_t files, bytes, lines;
  uint64_t blank;      /* empty or whitespace-only lines */
  uint64_t malformed;  /* not JSON (shape check or full parse) */
  uint64_t bad_utf8;   /* invalid UTF-8 inside a JSON string */
  uint64_t records;    /* usage records parsed (copies, before dedup) */
  uint64_t truncated;  /* unfinished last lines, not counted yet */
  uint64_t too_long;   /* usage lines over 64 MiB, not parsed */
  uint64_t unreadable; /* files that could not be read */
};

/* What a scan found in one file. */
struct scan_file {
  uint64_t end;   /* offset after the last line consumed */
  uint64_t lines; /* lines before end (from the start offset) */
  struct scan_stats st;
  uint64_t check; /* scan_tail_check(path, end) */
  int open_tail;  /* the last line has no newline but was a record */
  int unreadable; /* reading failed: nothing of it is valid */
  int scanned;    /* the file was read (not skipped) */
};

/* What a scan produced; owns everything it points to. */
struct scan_result {
  struct dedup set;        /* finished: sorted, sidechain rule applied (by_file:
                              per-file copies, not finished) */
  struct scan_file *files; /* per discovered file */
  struct scan_stats st;
  struct scan_issue *issues; /* sorted by file, line (collect_issues) */
  size_t nissues;
  struct buf warnings; /* one line each: files that could not be read */
  void *map;           /* a file mapping set.ev may point into (the index) */
  size_t map_len;
};

void scan_result_init(struct scan_result *r);
void scan_result_release(struct scan_result *r);

/* Scans every file of d. Unreadable files are warnings, not errors. */
int scan_run(const struct discover *d, const struct scan_opts *o,
             struct scan_result *r, struct err *e);

/*
 * A hash of the 4 KB before `end` (and of end itself): the index compares
 * it to tell a file that grew from one rewritten in place. -1 when the
 * file cannot be read that far.
 */
int scan_tail_check(const char *path, uint64_t end, uint64_t *out);

/* Session id and project dir implied by a transcript path (§1.4). */
void scan_path_stem(const char *path, struct buf *out);

#endif
