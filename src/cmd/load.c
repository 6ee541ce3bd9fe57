/* The load pipeline shared by the report commands. */
/* SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cmd/load.h"
#include "core/civil.h"
#include "index/dir.h"
#include "report/fmt.h"
#include "source/prices_file.h"
#include "source/project.h"
#include "source/tzfile.h"
#include "util/buf.h"
#include "util/xalloc.h"
#include "util/banned.h"

const char load_options_help[] =
    "  -s, --since DATE       from this day (YYYY-MM-DD or YYYYMMDD)\n"
    "  -u, --until DATE       up to and including this day\n"
    "  -z, --timezone ZONE    IANA zone for days (default: local)\n"
    "  -j, --json             JSON (same shape as ccusage's)\n"
    "      --csv              CSV\n"
    "  -b, --breakdown        per-model rows under each row\n"
    "  -p, --project NAME     only this project (git repository name)\n"
    "  -o, --order asc|desc   row order\n"
    "  -m, --mode MODE        auto (costUSD if recorded, else computed),\n"
    "                         calculate (always computed), display "
    "(recorded only)\n"
    "      --no-color         no colours (also NO_COLOR=1)\n"
    "      --claude-dir DIR   read this Claude config or projects dir "
    "(repeatable)\n"
    "      --prices FILE      price overrides (default:\n"
    "                         ~/.config/tokmeter/prices.json)\n"
    "      --compact          narrow table for small terminals\n"
    "      --threads N        reader threads (default: one per CPU)\n"
    "      --no-cache         read every transcript; neither use nor update\n"
    "                         the index (shows only files still on disk)\n"
    "  -v, --verbose          statistics and the file:line of bad lines\n"
    "  -h, --help             this help\n";

void report_opts_init(struct report_opts *ro)
{
  memset(ro, 0, sizeof(*ro));
  ro->since_day = INT64_MIN;
  ro->until_day = INT64_MAX;
  ro->mode = COST_AUTO;
}

void report_opts_release(struct report_opts *ro)
{
  free(ro->dirs);
  memset(ro, 0, sizeof(*ro));
}

static int parse_day(const char *s, int64_t *day, const char *what,
                     struct app *app)
{
  if (civil_parse_date(s, day)) {
    cmd_error(app, "invalid %s date '%s' (expected YYYY-MM-DD or YYYYMMDD)",
              what, s);
    return -1;
  }
  return 0;
}

int report_opt(struct report_opts *ro, int c, const char *arg, struct app *app)
{
  switch (c) {
  case 's':
    ro->since = arg;
    return parse_day(arg, &ro->since_day, "--since", app) ? -1 : 1;
  case 'u':
    ro->until = arg;
    return parse_day(arg, &ro->until_day, "--until", app) ? -1 : 1;
  case 'z':
    ro->tz_name = arg;
    return 1;
  case 'j':
    ro->format = OUT_JSON;
    return 1;
  case OPT_CSV:
    ro->format = OUT_CSV;
    return 1;
  case 'b':
    ro->breakdown = 1;
    return 1;
  case 'p':
    ro->project = arg;
    return 1;
  case 'o':
    if (strcmp(arg, "asc") != 0 && strcmp(arg, "desc") != 0) {
      cmd_error(app, "invalid --order '%s' (expected asc or desc)", arg);
      return -1;
    }
    ro->order_desc = !strcmp(arg, "desc");
    ro->order_set = 1;
    return 1;
  case 'm':
    if (!strcmp(arg, "auto"))
      ro->mode = COST_AUTO;
    else if (!strcmp(arg, "calculate"))
      ro->mode = COST_CALCULATE;
    else if (!strcmp(arg, "display"))
      ro->mode = COST_DISPLAY;
    else {
      cmd_error(app,
                "invalid --mode '%s' (expected auto, calculate or "
                "display)",
                arg);
      return -1;
    }
    return 1;
  case OPT_NO_COLOR:
    ro->no_color = 1;
    return 1;
  case OPT_CLAUDE_DIR:
    ro->dirs = xrealloc(ro->dirs, (ro->ndirs + 1) * sizeof(*ro->dirs));
    ro->dirs[ro->ndirs++] = arg;
    return 1;
  case OPT_THREADS: {
    char *end;
    long n = strtol(arg, &end, 10);

    if (*end || n < 1 || n > 64) {
      cmd_error(app, "invalid --threads '%s' (expected 1 to 64)", arg);
      return -1;
    }
    ro->threads = (int)n;
    return 1;
  }
  case OPT_COMPACT:
    ro->compact = 1;
    return 1;
  case OPT_PRICES:
    ro->prices_file = arg;
    return 1;
  case OPT_NO_CACHE:
    ro->no_cache = 1;
    return 1;
  case 'v':
    ro->verbose = 1;
    return 1;
  default:
    return 0;
  }
}

int report_parse(int argc, char **argv, const char *shortopts,
                 const struct option *longopts, struct report_opts *ro,
                 struct app *app, load_own_opt own, void *ctx,
                 void (*help)(FILE *))
{
  int c, r;

  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
    if (c == 'h') {
      help(app->out);
      return 1;
    }
    if ((r = report_opt(ro, c, optarg, app)) < 0)
      return -1;
    if (r > 0)
      continue;
    if ((r = own(ctx, c, optarg, app)) < 0)
      return -1;
    if (r > 0) {
      cmd_error(app, "unknown option '%s'", argv[optind - 1]);
      return -1;
    }
  }
  if (optind < argc) {
    cmd_error(app, "unexpected argument '%s'", argv[optind]);
    return -1;
  }
  return 0;
}

int report_opts_finish(struct report_opts *ro, struct app *app)
{
  if (ro->since_day != INT64_MIN && ro->until_day != INT64_MAX &&
      ro->since_day > ro->until_day) {
    cmd_error(app, "--since '%s' is after --until '%s'", ro->since, ro->until);
    return -1;
  }
  if (ro->no_color)
    app->color = 0;
  return 0;
}

static int64_t mono_us(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t mono_ms(void)
{
  return mono_us() / 1000;
}

struct progress {
  struct app *app;
  int64_t start;
  int shown;
};

/* A bar on stderr, only on a terminal and only once a scan runs over 1 s. */
static void progress_cb(void *ctx, uint64_t done, uint64_t total)
{
  struct progress *p = ctx;
  struct buf b = BUF_INIT;
  unsigned width = 30, fill;

  if (!p->app->err_tty || !total || mono_ms() - p->start < 1000)
    return;
  if (done > total)
    done = total; /* a line read by two units counts twice */
  if (done >= total && !p->shown)
    return;
  fill = (unsigned)(done * width / total);
  buf_adds(&b, "\r\033[Kreading transcripts [");
  buf_addrep(&b, '#', fill);
  buf_addrep(&b, '.', width - fill);
  buf_addf(&b, "] %3u%% ", (unsigned)(done * 100 / total));
  fmt_uint(&b, done >> 20);
  buf_adds(&b, " / ");
  fmt_uint(&b, total >> 20);
  buf_adds(&b, " MB");
  if (done >= total) {
    buf_reset(&b);
    buf_adds(&b, "\r\033[K");
  }
  fputs(b.data, p->app->err);
  fflush(p->app->err);
  p->shown = 1;
  buf_release(&b);
}

/* One "tokmeter: warning: " line per line of b, made printable (they
 * hold file names, which may hold anything). */
static void warn_lines(struct app *app, const struct buf *b)
{
  const char *p = b->data, *end = b->data + b->len;
  struct buf line = BUF_INIT;

  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

    if (n) {
      buf_reset(&line);
      fmt_printable(&line, p, n);
      cmd_warning(app, "%s", line.data);
    }
    p += n + 1;
  }
  buf_release(&line);
}

static int load_prices(struct loaded *l, struct report_opts *ro,
                       struct app *app)
{
  struct err e = ERR_INIT;

  price_table_init(&l->prices);
  if (ro->mode == COST_DISPLAY)
    return EXIT_OK;
  if (prices_load_user(&l->prices, ro->prices_file, &e)) {
    cmd_error(app, "%s", e.msg);
    return EXIT_ERROR;
  }
  return EXIT_OK;
}

/* Resolves the roots; walks them too unless the index will (walk = 0). */
static int load_sources(struct loaded *l, struct report_opts *ro,
                        struct app *app, int walk)
{
  struct discover_env env;
  struct err e = ERR_INIT;

  memset(&env, 0, sizeof(env));
  env.dirs = ro->dirs;
  env.ndirs = ro->ndirs;
  env.config_dir = getenv("CLAUDE_CONFIG_DIR");
  env.xdg_config = getenv("XDG_CONFIG_HOME");
  env.home = app->home;
  if (discover_roots(&l->disc, &env, &e) ||
      (walk && discover_files(&l->disc, &e))) {
    cmd_error(app, "%s", e.msg);
    return EXIT_ERROR;
  }
  return EXIT_OK;
}

/* The walk and the scan through the index. -1 (after a warning) when
 * the cache cannot be used: the files are then discovered, and the
 * caller reads every one. */
static int load_indexed(struct loaded *l, const struct scan_opts *so,
                        struct app *app)
{
  struct index_opts io;
  struct buf dir = BUF_INIT;
  struct err e = ERR_INIT;
  int r;

  if (!l->disc.nroots ||
      index_dir(&dir, getenv("XDG_CACHE_HOME"), app->home, &e)) {
    /* No transcripts, or no place for a cache: not worth a warning. */
    discover_files(&l->disc, NULL);
    buf_release(&dir);
    return -1;
  }
  memset(&io, 0, sizeof(io));
  io.scan = *so;
  io.now_ms = app->now_ms;
  io.dir = dir.data;
  r = index_run(&l->disc, &io, &l->scan, &l->index, &e);
  buf_release(&dir);
  if (r) {
    cmd_warning(app, "%s; reading every transcript", e.msg);
    scan_result_release(&l->scan);
    scan_result_init(&l->scan);
    return -1;
  }
  if (l->index.rebuilt == INDEX_STALE)
    cmd_warning(app, "the index was written by another version of "
                     "tokmeter; rebuilt it");
  else if (l->index.rebuilt == INDEX_CORRUPT)
    cmd_warning(app,
                "the index '%s' was damaged; rebuilt it from the "
                "transcripts on disk",
                l->index.path.data);
  return 0;
}

int load_all(struct loaded *l, struct report_opts *ro, struct app *app)
{
  struct scan_opts so;
  struct progress prog;
  struct err e = ERR_INIT;
  int64_t t0 = mono_ms();
  int r;

  memset(l, 0, sizeof(*l));
  index_stats_init(&l->index);
  tz_init_utc(&l->tz);
  discover_init(&l->disc);
  scan_result_init(&l->scan);
  if (tz_load(&l->tz, ro->tz_name, &e)) {
    if (ro->tz_name) {
      cmd_error(app, "%s", e.msg);
      return EXIT_USAGE;
    }
    /* A bad TZ in the environment is not this run's fault: C's rule. */
    cmd_warning(app, "%s in TZ; using UTC", e.msg);
    tz_release(&l->tz);
    tz_init_utc(&l->tz);
  }
  if ((r = load_prices(l, ro, app)))
    return r;
  l->t_setup_us = mono_us() - t0 * 1000;
  /* With the index, the walk happens inside index_run(). */
  if ((r = load_sources(l, ro, app, ro->no_cache)))
    return r;
  l->t_discover_us = mono_us() - t0 * 1000;
  memset(&so, 0, sizeof(so));
  so.threads = ro->threads;
  so.collect_issues = ro->verbose;
  prog.app = app;
  prog.start = t0;
  prog.shown = 0;
  so.progress = progress_cb;
  so.progress_ctx = &prog;
  if (!ro->no_cache && !load_indexed(l, &so, app)) {
    l->cached = 1;
  } else if (scan_run(&l->disc, &so, &l->scan, &e)) {
    cmd_error(app, "%s", e.msg);
    return EXIT_ERROR;
  }
  if (l->disc.nwarnings)
    warn_lines(app, &l->disc.warnings);
  if (l->scan.warnings.len)
    warn_lines(app, &l->scan.warnings);
  l->t_scan_us = mono_us() - t0 * 1000;
  /* Naming projects looks at .git directories of every cwd: only when a
   * report shows projects or filters by one. */
  if (ro->need_projects || ro->project)
    project_map_build(&l->projects, &l->scan.set, &l->disc);
  else
    strtab_init(&l->projects.names);
  pricer_init(&l->pricer, ro->mode, &l->prices, &l->scan.set.strs);
  l->filter.tz = &l->tz;
  l->filter.since_day = ro->since_day;
  l->filter.until_day = ro->until_day;
  l->filter.pricer = &l->pricer;
  if (ro->project) {
    l->filter.project =
        strtab_find(&l->projects.names, ro->project, strlen(ro->project));
    if (!l->filter.project)
      l->filter.project = UINT32_MAX; /* matches nothing */
  }
  l->elapsed_ms = mono_ms() - t0;
  if (getenv("TOKMETER_TIMING"))
    fprintf(app->err,
            "tokmeter: timing: setup %lld us, roots%s %lld us, %s %lld us, "
            "projects and pricer %lld us\n",
            (long long)l->t_setup_us, l->cached ? "" : " and walk",
            (long long)(l->t_discover_us - l->t_setup_us),
            l->cached ? "walk and index" : "scan",
            (long long)(l->t_scan_us - l->t_discover_us),
            (long long)(mono_us() - t0 * 1000 - l->t_scan_us));
  return EXIT_OK;
}

void load_drop_calls(struct loaded *l)
{
  pricer_release(&l->pricer);
  project_map_release(&l->projects);
  scan_result_release(&l->scan);
  scan_result_init(&l->scan);
}

void load_release(struct loaded *l)
{
  pricer_release(&l->pricer);
  project_map_release(&l->projects);
  scan_result_release(&l->scan);
  index_stats_release(&l->index);
  discover_release(&l->disc);
  price_table_release(&l->prices);
  tz_release(&l->tz);
}

static void print_issues(const struct loaded *l, struct app *app)
{
  struct buf path = BUF_INIT;
  size_t i;

  for (i = 0; i < l->scan.nissues; i++) {
    const struct scan_issue *is = &l->scan.issues[i];
    const char *p = l->disc.files[is->file].path;

    buf_reset(&path);
    fmt_printable(&path, p, strlen(p));
    fprintf(app->err, "tokmeter: %s:%llu: %s\n", path.data,
            (unsigned long long)is->line,
            is->kind == SCAN_BAD_UTF8   ? "invalid UTF-8, line skipped"
            : is->kind == SCAN_TOO_LONG ? "usage line over 64 MiB, skipped"
                                        : "malformed line skipped");
  }
  buf_release(&path);
}

void load_print_notes(const struct loaded *l, const struct report_opts *ro,
                      struct app *app)
{
  const struct scan_stats *st = &l->scan.st;
  uint64_t bad = st->malformed + st->bad_utf8 + st->too_long;

  if (ro->verbose) {
    print_issues(l, app);
    fprintf(app->err,
            "tokmeter: read %llu files, %llu MB, %llu lines in %lld ms\n"
            "tokmeter: lines skipped: %llu blank, %llu malformed, %llu invalid "
            "UTF-8, %llu too long, %llu unfinished (counted once complete)\n"
            "tokmeter: %llu usage records, %zu API calls after dedup, %zu "
            "sidechain replays dropped; days in %s\n",
            (unsigned long long)st->files,
            (unsigned long long)(st->bytes >> 20),
            (unsigned long long)st->lines, (long long)l->elapsed_ms,
            (unsigned long long)st->blank, (unsigned long long)st->malformed,
            (unsigned long long)st->bad_utf8, (unsigned long long)st->too_long,
            (unsigned long long)st->truncated, (unsigned long long)st->records,
            l->scan.set.n, l->scan.set.dropped_sidechain, l->tz.name);
    if (l->cached) {
      const struct index_stats *is = &l->index;

      fprintf(app->err,
              "tokmeter: index %s: %zu new, %zu grown, %zu re-read files, "
              "%llu KB parsed%s\n",
              is->path.data, is->files_new, is->files_grown, is->files_reread,
              (unsigned long long)(is->bytes_read >> 10),
              is->compacted ? ", rewritten" : "");
    }
  } else if (bad) {
    fprintf(app->err,
            "tokmeter: skipped %llu malformed line%s (--verbose lists them)\n",
            (unsigned long long)bad, bad == 1 ? "" : "s");
  }
  if (l->cached && l->index.events_gone)
    fprintf(app->err,
            "tokmeter: includes %zu API call%s from %zu deleted transcript%s "
            "kept in the index (--no-cache: files on disk only)\n",
            l->index.events_gone, l->index.events_gone == 1 ? "" : "s",
            l->index.files_gone, l->index.files_gone == 1 ? "" : "s");
}

unsigned load_term_width(struct app *app)
{
  struct winsize ws;
  const char *cols = getenv("COLUMNS");

  if (app->out_tty && !ioctl(fileno(app->out), TIOCGWINSZ, &ws) && ws.ws_col)
    return ws.ws_col;
  if (cols && atoi(cols) > 0)
    return (unsigned)atoi(cols);
  return 0;
}
