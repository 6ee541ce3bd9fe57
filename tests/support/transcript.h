/* Transcript lines and scan comparisons for the source-layer tests. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_TEST_TRANSCRIPT_H
#define TOKMETER_TEST_TRANSCRIPT_H

#include <stddef.h>
#include <stdint.h>

#include "source/discover.h"
#include "source/scan.h"
#include "util/buf.h"

/* One assistant record with usage; NULL strings are left out. */
struct transcript_rec {
  const char *id, *req, *session, *uuid, *cwd;
  int sec; /* seconds after 2026-03-10T06:00:00Z */
  unsigned in, out, cread;
  int side;         /* isSidechain */
  const char *text; /* content text, raw bytes; NULL: "hi" */
};

/* 2026-03-10T06:00:00Z in UTC milliseconds. */
#define TRANSCRIPT_T0_MS 1773122400000LL

/* Appends the record as Claude Code writes it (compact), without '\n'. */
void transcript_add(struct buf *b, const struct transcript_rec *r);

/*
 * Releases d, then discovers the transcripts of the config dir cfg (as one
 * --claude-dir) into it. Returns 0 or a negative enum err_code.
 */
int transcript_discover(const char *cfg, struct discover *d);

/* Releases r, then scans d into it, collecting issues. Returns scan_run's. */
int transcript_scan(const struct discover *d, struct scan_result *r,
                    uint64_t unit_bytes, int threads);

/*
 * Compares two scan results: stats, issues, and every event field by field
 * (strings by value, as each result has its own string table). 0 if equal,
 * else 1 with the first difference written into why.
 */
int transcript_diff(const struct scan_result *a, const struct scan_result *b,
                    char *why, size_t n);

#endif
