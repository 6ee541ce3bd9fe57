/* What the report commands share: common options and the load pipeline
 * (time zone, prices, discovery, scan, projects). */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_CMD_LOAD_H
#define TOKMETER_CMD_LOAD_H

#include <getopt.h>
#include <stdint.h>

#include "cmd/cmd.h"
#include "core/aggregate.h"
#include "core/pricing.h"
#include "core/tz.h"
#include "index/index.h"
#include "source/discover.h"
#include "source/scan.h"

enum out_format { OUT_TABLE, OUT_JSON, OUT_CSV };

/* Options every report command takes. */
struct report_opts {
  const char *since, *until; /* as given */
  int64_t since_day, until_day;
  const char *tz_name; /* NULL: local */
  enum out_format format;
  int breakdown;
  const char *project;
  int order_desc, order_set;
  enum cost_mode mode;
  int no_color;
  const char **dirs; /* --claude-dir, repeatable */
  size_t ndirs;
  int verbose;
  int threads;
  int compact;             /* --compact: narrow table */
  const char *prices_file; /* --prices FILE (default: user config) */
  int need_projects;       /* the report names projects (set by cmd) */
  int no_cache;            /* --no-cache: read every file, keep no index */
};

/* Everything loaded for a report; owns all of it. */
struct loaded {
  struct tz tz;
  struct price_table prices;
  struct discover disc;
  struct scan_result scan;
  struct project_map projects;
  struct pricer pricer;
  struct agg_filter filter;
  struct index_stats index; /* when the index was used (cached set) */
  int cached;
  int64_t elapsed_ms;
  int64_t t_setup_us, t_discover_us, t_scan_us; /* TOKMETER_TIMING phases */
};

/* Long options shared by the report commands, to splice into each table,
 * and the short options string they use. */
#define LOAD_SHORT_OPTS "s:u:z:jbp:o:m:hv"
enum {
  OPT_CSV = 1000,
  OPT_NO_COLOR,
  OPT_CLAUDE_DIR,
  OPT_THREADS,
  OPT_COMPACT,
  OPT_PRICES,
  OPT_NO_CACHE,
  OPT_FIRST_COMMAND_OPT /* commands number their own options from here */
};
#define LOAD_LONG_OPTS                                                         \
  {"since", required_argument, NULL, 's'},                                     \
      {"until", required_argument, NULL, 'u'},                                 \
      {"timezone", required_argument, NULL, 'z'},                              \
      {"json", no_argument, NULL, 'j'}, {"csv", no_argument, NULL, OPT_CSV},   \
      {"breakdown", no_argument, NULL, 'b'},                                   \
      {"project", required_argument, NULL, 'p'},                               \
      {"order", required_argument, NULL, 'o'},                                 \
      {"mode", required_argument, NULL, 'm'},                                  \
      {"no-color", no_argument, NULL, OPT_NO_COLOR},                           \
      {"claude-dir", required_argument, NULL, OPT_CLAUDE_DIR},                 \
      {"threads", required_argument, NULL, OPT_THREADS},                       \
      {"compact", no_argument, NULL, OPT_COMPACT},                             \
      {"prices", required_argument, NULL, OPT_PRICES},                         \
      {"no-cache", no_argument, NULL, OPT_NO_CACHE},                           \
      {"verbose", no_argument, NULL, 'v'},                                     \
  {                                                                            \
    "help", no_argument, NULL, 'h'                                             \
  }

/* Help text for the shared options. */
extern const char load_options_help[];

void report_opts_init(struct report_opts *ro);
void report_opts_release(struct report_opts *ro);

/*
 * Handles one shared option. Returns 1 if it was one (and valid), 0 if the
 * command must handle it, -1 after printing a usage error.
 */
int report_opt(struct report_opts *ro, int c, const char *arg, struct app *app);

/* Checks the dates and the zone after parsing; -1 after a usage error. */
int report_opts_finish(struct report_opts *ro, struct app *app);

/*
 * A command's own option: 0 when it took c, -1 after printing a usage
 * error, 1 when c is not one of its options.
 */
typedef int (*load_own_opt)(void *ctx, int c, const char *arg, struct app *app);

/*
 * The option loop of a command built on the shared options: shortopts and
 * longopts hold the shared ones (LOAD_SHORT_OPTS, LOAD_LONG_OPTS) and the
 * command's. report_opt() takes the shared options and own the others;
 * -h/--help prints help on stdout and returns 1; an unknown option or an
 * argument left over prints a usage error and returns -1; else 0, and
 * report_opts_finish() is left to the caller.
 */
int report_parse(int argc, char **argv, const char *shortopts,
                 const struct option *longopts, struct report_opts *ro,
                 struct app *app, load_own_opt own, void *ctx,
                 void (*help)(FILE *));

/*
 * Loads everything a report needs. Prints warnings (unreadable files,
 * skipped lines) on stderr and a progress bar on a terminal. Returns an
 * exit code: EXIT_OK, or EXIT_ERROR / EXIT_USAGE after printing why.
 */
int load_all(struct loaded *l, struct report_opts *ro, struct app *app);
void load_release(struct loaded *l);
/* Frees the calls and what refers to them (the set, the project map, the
 * pricer), keeping the files, zone, prices and index statistics: for a
 * caller that copied the calls elsewhere (the dashboard's store). */
void load_drop_calls(struct loaded *l);

/* Prints notes after a report (--verbose statistics, skipped lines). */
void load_print_notes(const struct loaded *l, const struct report_opts *ro,
                      struct app *app);

/* Terminal width of stdout, 0 when not a terminal and $COLUMNS unset. */
unsigned load_term_width(struct app *app);

#endif
