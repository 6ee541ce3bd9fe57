/* daily, weekly, monthly, session, projects and models reports. */
/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cmd/cmd.h"
#include "cmd/load.h"
#include "report/render.h"
#include "util/buf.h"
#include "util/banned.h"

enum { OPT_START_OF_WEEK = OPT_FIRST_COMMAND_OPT };

struct kind {
  const char *name;
  enum agg_by by;
  const char *what;
};

static const struct kind kinds[] = {
    {"daily", AGG_DAY, "Usage per day"},
    {"weekly", AGG_WEEK, "Usage per week"},
    {"monthly", AGG_MONTH, "Usage per month"},
    {"session", AGG_SESSION, "Usage per session"},
    {"projects", AGG_PROJECT, "Usage per project"},
    {"models", AGG_MODEL, "Usage per model"},
};

static const char *const weekdays[] = {"sunday",    "monday",   "tuesday",
                                       "wednesday", "thursday", "friday",
                                       "saturday"};

static void usage(FILE *f, const struct kind *k)
{
  fprintf(f,
          "usage: tokmeter %s [<options>]\n\n%s, from the Claude Code "
          "transcripts on this machine.\n\noptions:\n%s",
          k->name, k->what, load_options_help);
  if (k->by == AGG_WEEK)
    fprintf(f, "      --start-of-week DAY  sunday (default), monday, ...\n");
  fprintf(f, "\nCosts are API list-price estimates; subscription plans are "
             "not billed per token.\n");
}

static int parse_weekday(const char *s, unsigned *out)
{
  unsigned i;

  for (i = 0; i < 7; i++)
    if (!strcasecmp(s, weekdays[i]) ||
        (strlen(s) == 3 && !strncasecmp(s, weekdays[i], 3))) {
      *out = i;
      return 0;
    }
  return -1;
}

static int print_report(struct loaded *l, struct report_opts *ro,
                        const struct kind *k, unsigned week_start,
                        struct app *app)
{
  struct render_opts o;
  struct agg a;
  struct buf out = BUF_INIT;
  int desc, r;

  agg_init(&a);
  agg_build(&a, &l->scan.set, &l->projects, &l->filter, k->by, week_start);
  /* Time buckets read oldest first; the rest, costliest first. */
  if (k->by == AGG_DAY || k->by == AGG_WEEK || k->by == AGG_MONTH) {
    desc = ro->order_set && ro->order_desc;
  } else {
    agg_sort_cost(&a);
    desc = ro->order_set && !ro->order_desc;
  }
  if (desc)
    agg_reverse(&a);
  memset(&o, 0, sizeof(o));
  o.by = k->by;
  o.breakdown = ro->breakdown;
  o.color = app->color;
  o.width = load_term_width(app);
  o.compact = ro->compact;
  o.mode = ro->mode;
  if (ro->format == OUT_JSON) {
    render_json(&a, &o, &out);
  } else if (ro->format == OUT_CSV) {
    render_csv(&a, &o, &out);
  } else if (!a.n) {
    buf_adds(&out, "No usage found");
    if (!l->disc.nroots)
      buf_adds(&out, " (no Claude Code transcripts on this machine: "
                     "~/.claude/projects does not exist)");
    buf_adds(&out, ".\n");
  } else {
    render_table(&a, &o, &out);
    render_footer(&a, &o, &out);
  }
  r = cmd_write_out(app, out.data, out.len);
  buf_release(&out);
  agg_release(&a);
  return r;
}

int cmd_report(int argc, char **argv, struct app *app)
{
  static const struct option longopts[] = {
      LOAD_LONG_OPTS,
      {"start-of-week", required_argument, NULL, OPT_START_OF_WEEK},
      {NULL, 0, NULL, 0}};
  const struct kind *k = &kinds[0];
  struct report_opts ro;
  struct loaded l;
  unsigned week_start = 0;
  size_t i;
  int c, r;

  for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
    if (!strcmp(argv[0], kinds[i].name))
      k = &kinds[i];
  report_opts_init(&ro);
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, LOAD_SHORT_OPTS, longopts, NULL)) != -1) {
    r = report_opt(&ro, c, optarg, app);
    if (r < 0)
      goto usage_error;
    if (r > 0)
      continue;
    if (c == 'h') {
      usage(app->out, k);
      report_opts_release(&ro);
      return EXIT_OK;
    }
    if (c == OPT_START_OF_WEEK) {
      if (k->by != AGG_WEEK) {
        cmd_error(app, "option '--start-of-week' is for 'weekly' only");
        goto usage_error;
      }
      if (parse_weekday(optarg, &week_start)) {
        cmd_error(app, "invalid --start-of-week '%s' (expected a day name)",
                  optarg);
        goto usage_error;
      }
      continue;
    }
    if (c == '?' && optopt)
      cmd_error(app, "option '-%c' needs a value or is unknown", optopt);
    else
      cmd_error(app, "unknown option '%s'", argv[optind - 1]);
    goto usage_error;
  }
  if (optind < argc) {
    for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
      if (!strcmp(argv[optind], kinds[i].name))
        break;
    if (i < sizeof(kinds) / sizeof(kinds[0]))
      cmd_error(app,
                "unexpected argument '%s' (the command comes first: "
                "tokmeter %s [<options>])",
                argv[optind], argv[optind]);
    else
      cmd_error(app, "unexpected argument '%s'", argv[optind]);
    goto usage_error;
  }
  if (report_opts_finish(&ro, app))
    goto usage_error;
  ro.need_projects = k->by == AGG_SESSION || k->by == AGG_PROJECT;
  r = load_all(&l, &ro, app);
  if (r == EXIT_OK) {
    r = print_report(&l, &ro, k, week_start, app);
    load_print_notes(&l, &ro, app);
  }
  load_release(&l);
  report_opts_release(&ro);
  return r;

usage_error:
  fprintf(app->err, "Run 'tokmeter %s --help' for usage.\n", k->name);
  report_opts_release(&ro);
  return EXIT_USAGE;
}
