/* blocks: usage in 5-hour billing windows, with burn rate and projection. */
/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/load.h"
#include "core/blocks.h"
#include "core/civil.h"
#include "report/render.h"
#include "util/buf.h"
#include "util/xalloc.h"
#include "util/banned.h"

enum {
  OPT_ACTIVE = OPT_FIRST_COMMAND_OPT,
  OPT_RECENT,
  OPT_TOKEN_LIMIT,
  OPT_SESSION_LENGTH
};

#define RECENT_DAYS 3

struct blocks_opts {
  int active, recent;
  const char *limit; /* N or "max" */
  double hours;
};

static void usage(FILE *f)
{
  fprintf(f,
          "usage: tokmeter blocks [<options>]\n\n"
          "Usage in 5-hour billing windows (as Claude plans count them): "
          "each block\nstarts at the hour of its first call; the active one "
          "shows burn rate and\nprojection.\n\noptions:\n%s"
          "      --active             only the active block\n"
          "      --recent             blocks of the last %d days, and the "
          "active one\n"
          "      --token-limit N|max  compare against N tokens, or the largest "
          "previous block\n"
          "      --session-length H   block length in hours (default 5)\n",
          load_options_help, RECENT_DAYS);
}

static int blocks_opt(void *ctx, int c, const char *arg, struct app *app)
{
  struct blocks_opts *bo = ctx;
  char *end;

  switch (c) {
  case OPT_ACTIVE:
    bo->active = 1;
    return 0;
  case OPT_RECENT:
    bo->recent = 1;
    return 0;
  case 'l':
  case OPT_TOKEN_LIMIT:
    if (strcmp(arg, "max") != 0 && (strtoull(arg, &end, 10) == 0 || *end)) {
      cmd_error(app,
                "invalid --token-limit '%s' (expected a number or "
                "'max')",
                arg);
      return -1;
    }
    bo->limit = arg;
    return 0;
  case OPT_SESSION_LENGTH:
    bo->hours = strtod(arg, &end);
    if (*end || !(bo->hours > 0 && bo->hours <= 24 * 7)) {
      cmd_error(app, "invalid --session-length '%s' (hours, up to 168)", arg);
      return -1;
    }
    return 0;
  default:
    return 1;
  }
}

static int parse_opts(int argc, char **argv, struct report_opts *ro,
                      struct blocks_opts *bo, struct app *app)
{
  static const struct option longopts[] = {
      LOAD_LONG_OPTS,
      {"active", no_argument, NULL, OPT_ACTIVE},
      {"recent", no_argument, NULL, OPT_RECENT},
      {"token-limit", required_argument, NULL, OPT_TOKEN_LIMIT},
      {"session-length", required_argument, NULL, OPT_SESSION_LENGTH},
      {NULL, 0, NULL, 0}};
  int r = report_parse(argc, argv, LOAD_SHORT_OPTS "l:", longopts, ro, app,
                       blocks_opt, bo, usage);

  return r ? r : report_opts_finish(ro, app);
}

static void choose(const struct block_list *bl, const struct blocks_opts *bo,
                   const struct loaded *l, int64_t now_ms, uint8_t *shown)
{
  size_t i;

  for (i = 0; i < bl->n; i++) {
    const struct block *b = &bl->v[i];
    int64_t day = tz_local_day(&l->tz, b->start_ms);
    int keep = day >= l->filter.since_day && day <= l->filter.until_day;

    if (bo->active && !b->is_active)
      keep = 0;
    if (bo->recent && !b->is_active &&
        b->start_ms < now_ms - (int64_t)RECENT_DAYS * 86400000)
      keep = 0;
    shown[i] = (uint8_t)keep;
  }
}

static int run(struct loaded *l, struct report_opts *ro,
               const struct blocks_opts *bo, struct app *app)
{
  struct block_list bl;
  struct blocks_view v;
  struct render_opts o;
  struct buf out = BUF_INIT;
  size_t i, nshown = 0;
  int r;

  block_list_init(&bl);
  blocks_build(&bl, &l->scan.set, &l->projects, &l->filter,
               (int64_t)(bo->hours * 3600000.0), app->now_ms);
  memset(&v, 0, sizeof(v));
  v.bl = &bl;
  v.tz = &l->tz;
  v.now_ms = app->now_ms;
  v.shown = xcalloc(bl.n + 1, 1);
  if (bo->limit) {
    v.limit_is_max = !strcmp(bo->limit, "max");
    v.token_limit =
        v.limit_is_max ? blocks_max_tokens(&bl) : strtoull(bo->limit, NULL, 10);
  }
  choose(&bl, bo, l, app->now_ms, (uint8_t *)v.shown);
  for (i = 0; i < bl.n; i++)
    nshown += v.shown[i];
  if (ro->order_set && ro->order_desc)
    for (i = 0; i < bl.n / 2; i++) {
      struct block t = bl.v[i];
      uint8_t s = v.shown[i];

      bl.v[i] = bl.v[bl.n - 1 - i];
      bl.v[bl.n - 1 - i] = t;
      ((uint8_t *)v.shown)[i] = v.shown[bl.n - 1 - i];
      ((uint8_t *)v.shown)[bl.n - 1 - i] = s;
    }
  memset(&o, 0, sizeof(o));
  o.color = app->color;
  o.width = load_term_width(app);
  if (ro->format == OUT_JSON)
    render_blocks_json(&v, &out);
  else if (ro->format == OUT_CSV)
    render_blocks_csv(&v, &out);
  else if (!nshown)
    buf_adds(&out, bo->active ? "No active block.\n" : "No usage found.\n");
  else
    render_blocks_table(&v, &o, &out);
  r = cmd_write_out(app, out.data, out.len);
  buf_release(&out);
  free((void *)v.shown);
  block_list_release(&bl);
  return r;
}

int cmd_blocks(int argc, char **argv, struct app *app)
{
  struct report_opts ro;
  struct blocks_opts bo;
  struct loaded l;
  int r;

  report_opts_init(&ro);
  memset(&bo, 0, sizeof(bo));
  bo.hours = 5;
  r = parse_opts(argc, argv, &ro, &bo, app);
  if (r) {
    report_opts_release(&ro);
    if (r > 0)
      return EXIT_OK;
    fprintf(app->err, "Run 'tokmeter blocks --help' for usage.\n");
    return EXIT_USAGE;
  }
  r = load_all(&l, &ro, app);
  if (r == EXIT_OK) {
    r = run(&l, &ro, &bo, app);
    load_print_notes(&l, &ro, app);
  }
  load_release(&l);
  report_opts_release(&ro);
  return r;
}
