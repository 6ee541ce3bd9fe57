/* Reference re-count of a demo corpus, independent of src/core and source. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_TEST_DEMO_REF_H
#define TOKMETER_TEST_DEMO_REF_H

#include <stddef.h>
#include <stdint.h>

#include "demo/demo.h"
#include "util/buf.h"

/* One file of a captured tree: its relative path and its bytes. */
struct demoref_file {
  char *path;
  struct buf data;
};

/*
 * An in-memory file tree fed by demoref_capture (a demo_write_cb). The
 * caller owns it: demoref_tree_init, then demoref_tree_release frees the
 * files, their paths and their data.
 */
struct demoref_tree {
  struct demoref_file *files;
  size_t n, cap;
  long open;     /* index of the file being written, -1 between files */
  int misuse;    /* contract violations seen by the callback */
  uint64_t ends; /* end-of-file calls */
};

/* An empty tree with no file open. */
void demoref_tree_init(struct demoref_tree *t);

/*
 * demo_write_cb with ctx a struct demoref_tree: appends data to relpath's
 * file; data NULL ends the file. Counts in misuse a path written twice,
 * interleaved files and an end with len != 0. Returns 0.
 */
int demoref_capture(void *ctx, const char *relpath, const char *data,
                    size_t len);

/* Frees every file; the tree is left zeroed. */
void demoref_tree_release(struct demoref_tree *t);

/* Whether the file is a transcript (*.jsonl). */
int demoref_is_jsonl(const struct demoref_file *f);
/* Whether the file lies below a subagents/ directory. */
int demoref_in_subagents(const struct demoref_file *f);

/* One usage candidate as the reference reads it; strings NULL when absent. */
struct demoref_cand {
  char *id, *req, *uuid, *sid, *model;
  int64_t ts;
  uint64_t in, out, cc, cr;
  int side, fast, nested, dropped;
  size_t file; /* index into the tree's files */
};

/*
 * The candidates of a corpus and counts of what it contains. Owns c and
 * its strings; free with demoref_census_release.
 */
struct demoref_census {
  struct demoref_cand *c;
  size_t n, cap;
  /* what the corpus contains */
  int blank, no_nl_ok, no_nl_cut, bad_json, bad_utf8, crlf, req_null;
  int spaced, nested, fast, one_hour, long_ctx, cost_usd, unpriced;
  int limit_msg, synthetic, zero_obj, no_req, no_id, tur_usage;
  uint64_t usage_lines, lines;
  size_t longest;
};

/*
 * Reads every line of the tree's .jsonl files with jansson into cs (set
 * up here; any old content is not freed): the usage candidates (section
 * 3.2) and the census counts.
 */
void demoref_census_scan(struct demoref_census *cs,
                         const struct demoref_tree *t);

/*
 * The reference oracle (section 3.5): sorts cs->c by message id, marks
 * dropped sidechain copies, picks one winner per key and initialises and
 * fills out (the caller frees it with demo_truth_release). A model not in
 * demo_model_keys fails the running cmocka test.
 */
void demoref_count(struct demoref_census *cs, struct demo_truth *out);

/* Frees the candidates; cs is left zeroed. */
void demoref_census_release(struct demoref_census *cs);

/* strcmp where NULL (absent) sorts after every string. */
int demoref_str_cmp(const char *a, const char *b);

/* input + output + cache creation + cache read tokens. */
uint64_t demoref_cand_total(const struct demoref_cand *c);

#endif
