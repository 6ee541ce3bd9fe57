/* Transcript lines and scan comparisons for the source-layer tests. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_TEST_TRANSCRIPT_H
#define TOKMETER_TEST_TRANSCRIPT_H

#include <stddef.h>
#include <stdint.h>

#include "core/event.h"
#include "source/discover.h"
#include "source/scan.h"
#include "tmptree.h"
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

/* The same for the finished sets only (events and their fields). */
int transcript_diff_events(const struct scan_result *a,
                           const struct scan_result *b, char *why, size_t n);

/*
 * One test's world: a temporary tree whose config dir is cfg/ (the files
 * go below cfg/projects/), what was discovered there and a scan result.
 * transcript_world_setup allocates it, transcript_world_teardown removes
 * the tree and frees it with everything it holds.
 */
struct transcript_world {
  struct tmptree t;
  struct discover d;
  struct scan_result r;
  char paths[4][4096]; /* transcript_path's results, reused in turn */
  int next;
};

/* cmocka setup and teardown: *state is the world. Return 0 or -1. */
int transcript_world_setup(void **state);
int transcript_world_teardown(void **state);

/* A cmocka test entry that runs f in a fresh world. */
#define TRANSCRIPT_WORLD_TEST(f)                                               \
  cmocka_unit_test_setup_teardown(f, transcript_world_setup,                   \
                                  transcript_world_teardown)

/* The absolute path of rel in the world; valid for the next 3 calls. */
const char *transcript_path(struct transcript_world *w, const char *rel);

/* Writes cfg/projects/<rel> with data[0..n) or the string s; the running
 * cmocka test fails if it cannot. */
void transcript_put(struct transcript_world *w, const char *rel,
                    const char *data, size_t n);
void transcript_puts(struct transcript_world *w, const char *rel,
                     const char *s);

/* transcript_discover of the world's cfg into w->d; fails the test on an
 * error. */
void transcript_world_discover(struct transcript_world *w);

/* transcript_scan that fails the test on an error. */
void transcript_scan_ok(const struct discover *d, struct scan_result *r,
                        uint64_t unit_bytes, int threads);

/* Discovers and scans the world with one unit per file, one thread. */
void transcript_world_scan(struct transcript_world *w);

/* Appends the common record (session s1, cwd /home/u/proj) and eol. */
void transcript_line(struct buf *b, const char *id, const char *req, int sec,
                     unsigned in, unsigned out, const char *eol);

/* The first event of r's set at ts_ms, or NULL. */
const struct event *transcript_find(const struct scan_result *r, int64_t ts_ms);

/* The string id of r's table, or "(none)". Owned by r. */
const char *transcript_str(const struct scan_result *r, uint32_t id);

#endif
