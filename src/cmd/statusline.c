/* statusline: one line of usage and plan quota for Claude Code's status bar. */
/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/load.h"
#include "index/dir.h"
#include "index/quota.h"
#include "report/fmt.h"
#include "report/statusline.h"
#include "source/statusline_in.h"
#include "util/buf.h"
#include "util/banned.h"

enum { OPT_COLOR = OPT_FIRST_COMMAND_OPT };

#define BLOCK_MS (5 * 3600000LL)
#define STDIN_TIMEOUT_MS 1000

struct statusline_opts {
  const char *format; /* NULL: the default layout */
  int color;          /* 1 on, 0 off, -1 not given */
};

static void usage(FILE *f)
{
  fprintf(
      f,
      "usage: tokmeter statusline [<options>]\n\n"
      "One line for Claude Code's status bar: the model, this session's "
      "cost, today's\ncost, the active 5-hour block's cost and time "
      "left, the burn rate, and the\nplan quota Claude Code reports. "
      "Reads Claude Code's statusline JSON on stdin\nand always prints "
      "a line and exits 0, whatever the input.\n\n"
      "Install it in ~/.claude/settings.json:\n"
      "  {\"statusLine\": {\"type\": \"command\", \"command\": "
      "\"tokmeter statusline\",\n                  \"padding\": 0}}\n\n"
      "options:\n"
      "  -f, --format FMT       the line, with the placeholders below\n"
      "      --color            ANSI colours even when NO_COLOR is set\n"
      "      --no-color         no colours (default: colours unless NO_COLOR "
      "is set;\n"
      "                         Claude Code shows them)\n"
      "  -z, --timezone ZONE    IANA zone for \"today\" (default: "
      "local)\n"
      "  -m, --mode MODE        auto, calculate or display, as in the "
      "reports\n"
      "      --claude-dir DIR   read this Claude config or projects dir "
      "(repeatable)\n"
      "      --prices FILE      price overrides (default:\n"
      "                         ~/.config/tokmeter/prices.json)\n"
      "      --threads N        reader threads (default: one per CPU)\n"
      "      --no-cache         read every transcript, not the index\n"
      "  -v, --verbose          say on stderr what could not be read\n"
      "  -h, --help             this help\n\n"
      "placeholders ({{ and }} write braces; a value that is not known "
      "prints as -):\n%s\n"
      "Example: tokmeter statusline --format '{model} {session} "
      "({five_hour} of 5h)'\n"
      "Costs are API list-price estimates; subscription plans are not "
      "billed per\ntoken.\n",
      statusline_placeholders_help);
}

/* 1 after --help, -1 after a usage error, else 0. */
static int parse_opts(int argc, char **argv, struct report_opts *ro,
                      struct statusline_opts *so, struct app *app)
{
  static const struct option longopts[] = {
      {"format", required_argument, NULL, 'f'},
      {"color", no_argument, NULL, OPT_COLOR},
      {"no-color", no_argument, NULL, OPT_NO_COLOR},
      {"timezone", required_argument, NULL, 'z'},
      {"mode", required_argument, NULL, 'm'},
      {"claude-dir", required_argument, NULL, OPT_CLAUDE_DIR},
      {"prices", required_argument, NULL, OPT_PRICES},
      {"threads", required_argument, NULL, OPT_THREADS},
      {"no-cache", no_argument, NULL, OPT_NO_CACHE},
      {"verbose", no_argument, NULL, 'v'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  struct err e = ERR_INIT;
  int c;

  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "f:z:m:vh", longopts, NULL)) != -1) {
    switch (c) {
    case 'h':
      usage(app->out);
      return 1;
    case 'f':
      if (statusline_format_check(optarg, &e)) {
        cmd_error(app, "%s", e.msg);
        return -1;
      }
      so->format = optarg;
      continue;
    case OPT_COLOR:
      so->color = 1;
      continue;
    case OPT_NO_COLOR:
      so->color = 0;
      continue;
    case '?':
      if (optopt)
        cmd_error(app, "option '-%c' needs a value or is unknown", optopt);
      else
        cmd_error(app, "unknown option '%s'", argv[optind - 1]);
      return -1;
    default:
      break;
    }
    /* Every other option is a shared one. */
    if (report_opt(ro, c, optarg, app) < 0)
      return -1;
  }
  if (optind < argc) {
    cmd_error(app, "unexpected argument '%s'", argv[optind]);
    return -1;
  }
  return 0;
}

/* A warning whose message may quote the input. */
static void warn_printable(struct app *app, const char *msg)
{
  struct buf b = BUF_INIT;

  fmt_printable(&b, msg, strlen(msg));
  cmd_warning(app, "%s", b.data);
  buf_release(&b);
}

/* Reads and parses stdin; a terminal is not read (someone trying the
 * command by hand). Failures leave in empty. */
static void read_input(struct statusline_in *in, struct app *app, int verbose)
{
  struct buf text = BUF_INIT;
  struct err e = ERR_INIT;
  int r;

  if (isatty(STDIN_FILENO)) {
    if (verbose)
      cmd_warning(app, "stdin is a terminal: no statusline input read");
    return;
  }
  r = statusline_in_read(STDIN_FILENO, STATUSLINE_IN_MAX, STDIN_TIMEOUT_MS,
                         &text, &e);
  if (r && verbose)
    warn_printable(app, e.msg);
  /* A timed-out read may still hold the whole object: try it. */
  if (r != ERR_RANGE && statusline_in_parse(in, text.data, text.len, &e) &&
      verbose)
    warn_printable(app, e.msg);
  buf_release(&text);
}

/* Appends Claude Code's rate_limits to the quota log in the cache dir. */
static void store_quota(const struct statusline_in *in, struct app *app,
                        int verbose)
{
  struct quota_reading q;
  struct buf dir = BUF_INIT;
  struct err e = ERR_INIT;

  if (!in->five_hour.has && !in->seven_day.has)
    return;
  memset(&q, 0, sizeof(q));
  q.at_ms = app->now_ms;
  q.has_five = in->five_hour.has;
  q.five_pct = in->five_hour.used_pct;
  q.five_reset = in->five_hour.resets_at;
  q.has_week = in->seven_day.has;
  q.week_pct = in->seven_day.used_pct;
  q.week_reset = in->seven_day.resets_at;
  if ((index_dir(&dir, getenv("XDG_CACHE_HOME"), app->home, &e) ||
       quota_append(dir.data, &q, &e)) &&
      verbose)
    cmd_warning(app, "%s", e.msg);
  buf_release(&dir);
}

static void fill_view(struct statusline_view *v, const struct statusline_in *in,
                      struct app *app)
{
  memset(v, 0, sizeof(*v));
  v->now_ms = app->now_ms;
  v->model = in->model_name ? in->model_name : in->model_id;
  v->project = in->project_dir ? in->project_dir : in->cwd;
  v->session_known = in->session_id != NULL;
  v->has_cc_cost = in->has_cost;
  v->cc_cost = in->cost_usd;
  v->has_context = in->has_context;
  v->context_pct = in->context_pct;
  v->five.has = in->five_hour.has;
  v->five.pct = in->five_hour.used_pct;
  v->five.reset = in->five_hour.resets_at;
  v->week.has = in->seven_day.has;
  v->week.pct = in->seven_day.used_pct;
  v->week.reset = in->seven_day.resets_at;
}

/*
 * Runs the load pipeline with its messages caught, so nothing reaches
 * Claude Code's screen; --verbose passes them on, and so does a usage
 * error. Returns load_all's code, or -1 when it did not run (l is then
 * not to be released).
 */
static int load_quietly(struct loaded *l, struct report_opts *ro,
                        struct app *app)
{
  struct app quiet = *app;
  char *msgs = NULL;
  size_t n = 0;
  FILE *sink = open_memstream(&msgs, &n);
  int r;

  /* Without a sink: better no usage than noise on Claude Code's screen. */
  if (!sink)
    return -1;
  quiet.err = sink;
  quiet.err_tty = 0;
  r = load_all(l, ro, &quiet);
  fclose(sink);
  if ((ro->verbose || r == EXIT_USAGE) && n)
    fwrite(msgs, 1, n, app->err);
  free(msgs);
  return r;
}

int cmd_statusline(int argc, char **argv, struct app *app)
{
  struct statusline_opts so = {NULL, -1};
  struct statusline_in in;
  struct statusline_view v;
  struct report_opts ro;
  struct loaded l;
  struct buf out = BUF_INIT;
  const char *nc = getenv("NO_COLOR");
  int r;

  report_opts_init(&ro);
  r = parse_opts(argc, argv, &ro, &so, app);
  if (r) {
    report_opts_release(&ro);
    if (r > 0)
      return EXIT_OK;
    fprintf(app->err, "Run 'tokmeter statusline --help' for usage.\n");
    return EXIT_USAGE;
  }
  if (so.color < 0)
    so.color = !(nc && *nc);
  statusline_in_init(&in);
  read_input(&in, app, ro.verbose);
  store_quota(&in, app, ro.verbose);
  fill_view(&v, &in, app);
  r = load_quietly(&l, &ro, app);
  if (r == EXIT_USAGE) {
    fprintf(app->err, "Run 'tokmeter statusline --help' for usage.\n");
  } else {
    if (r == EXIT_OK) {
      v.usage_loaded = 1;
      statusline_collect(&v.u, &l.scan.set, &l.pricer, &l.tz, in.session_id,
                         BLOCK_MS, app->now_ms);
      if (!v.model)
        v.model = v.u.newest_model;
      if (ro.verbose)
        load_print_notes(&l, &ro, app);
    }
    statusline_render(&out, so.format, &v, so.color);
    buf_addch(&out, '\n');
    /* A failed write has nobody to tell: Claude Code stopped reading. */
    fwrite(out.data, 1, out.len, app->out);
    fflush(app->out);
  }
  buf_release(&out);
  if (r >= 0)
    load_release(&l);
  if (r != EXIT_USAGE)
    r = EXIT_OK;
  statusline_in_release(&in);
  report_opts_release(&ro);
  return r;
}
