/* live: a full-screen monitor of the active block that follows new usage. */
/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/load.h"
#include "core/blocks.h"
#include "core/plan.h"
#include "index/dir.h"
#include "index/quota.h"
#include "report/live.h"
#include "source/watch.h"
#include "util/buf.h"
#include "util/xalloc.h"
#include "util/banned.h"

enum { OPT_TOKEN_LIMIT = OPT_FIRST_COMMAND_OPT, OPT_INTERVAL, OPT_ONCE };

#define BLOCK_MS (5 * 3600000LL)
#define RESCAN_MS 10000   /* a full rescan at least this often */
#define UNWATCHED_MS 2000 /* and this often when inotify cannot help */
#define UNWATCHED_NOTE "rescanning every 2 s"
#define SETTLE_MS 100 /* a burst of writes is read once */
#define GAP_MS 1000   /* and changes are read at most once a second */

/* In: alternate screen, cursor hidden, no line wrap, cleared. Out: back. */
#define TERM_ENTER "\x1b[?1049h\x1b[?25l\x1b[?7l\x1b[2J"
#define TERM_LEAVE "\x1b[?7h\x1b[?25h\x1b[?1049l"

struct live_opts {
  const char *limit; /* N, max or a plan name; NULL: none */
  int64_t interval_ms;
  int once;
};

/* The last successful read and what is derived from it. */
struct live_data {
  struct loaded *l, *spare; /* spare: where the next read goes */
  struct block_list bl;
  int64_t today; /* the day the totals below are for */
  uint64_t today_tokens, today_calls;
  double today_cost;
  int64_t updated_ms; /* clock time of the read */
};

struct live {
  struct app *app;
  struct report_opts *ro;
  const struct live_opts *lo;
  struct live_data d;
  struct watch w;
  int watched;         /* every directory is watched */
  struct buf cache;    /* where the statusline keeps quota readings */
  char error[256];     /* the last failed read, shown until one works */
  int64_t mono0, now0; /* clocks at start: monotonic, and app->now_ms */
  int screen;          /* full-screen mode */
  int in_fd, sig_fd;   /* keys and signals (-1: none) */
  int quit_signal;     /* the signal that ended the monitor, 0: none */
  struct termios saved;
  int saved_ok;
  sigset_t oldmask;
  unsigned cols, rows;
};

static void usage(FILE *f)
{
  fprintf(f,
          "usage: tokmeter live [<options>]\n\n"
          "A full-screen monitor of the active 5-hour block: tokens, cost, "
          "burn rate,\nprojection, time to reset, models and today's totals, "
          "updated as Claude Code\nwrites. q quits. Into a pipe or file it "
          "prints a plain report every interval.\n\noptions:\n"
          "      --token-limit N|max|pro|max5|max20\n"
          "                         the bar's limit: N tokens, the largest "
          "previous block,\n"
          "                         or a plan's estimate (%s); a recent\n"
          "                         quota measured by the statusline wins\n"
          "      --interval S       redraw every S seconds (default 1)\n"
          "      --once             draw one frame and exit\n"
          "  -z, --timezone ZONE    IANA zone for times and today (default: "
          "local)\n"
          "  -p, --project NAME     only this project (git repository name)\n"
          "  -m, --mode MODE        auto (costUSD if recorded, else "
          "computed),\n"
          "                         calculate (always computed), display "
          "(recorded only)\n"
          "      --claude-dir DIR   read this Claude config or projects dir "
          "(repeatable)\n"
          "      --prices FILE      price overrides\n"
          "      --no-color         no colours (also NO_COLOR=1)\n"
          "      --threads N        reader threads\n"
          "  -h, --help             this help\n"
          "\nPlan limits are other monitors' guesses, shown as estimates; "
          "costs are API\nlist-price estimates.\n",
          plan_names);
}

static int check_limit(const char *s, struct app *app)
{
  char *end;

  if (!strcmp(s, "max") || plan_find(s))
    return 0;
  errno = 0;
  if (s[0] >= '0' && s[0] <= '9' && strtoull(s, &end, 10) > 0 && !*end &&
      !errno)
    return 0;
  cmd_error(app, "invalid --token-limit '%s' (expected a number, max, %s)", s,
            plan_names);
  return -1;
}

/* Report options that mean nothing for a live view are refused. */
static int check_unused(const struct report_opts *ro, struct app *app)
{
  const char *opt = ro->format == OUT_JSON  ? "--json"
                    : ro->format == OUT_CSV ? "--csv"
                    : ro->since             ? "--since"
                    : ro->until             ? "--until"
                    : ro->breakdown         ? "--breakdown"
                    : ro->order_set         ? "--order"
                    : ro->compact           ? "--compact"
                                            : NULL;

  if (!opt)
    return 0;
  cmd_error(app, "option '%s' does not apply to live", opt);
  return -1;
}

static int live_opt(void *ctx, int c, const char *arg, struct app *app)
{
  struct live_opts *lo = ctx;
  char *end;
  double s;

  switch (c) {
  case 'l':
  case OPT_TOKEN_LIMIT:
    if (check_limit(arg, app))
      return -1;
    lo->limit = arg;
    return 0;
  case OPT_INTERVAL:
    s = strtod(arg, &end);
    if (*end || end == arg || !(s >= 0.1 && s <= 3600)) {
      cmd_error(app, "invalid --interval '%s' (seconds, 0.1 to 3600)", arg);
      return -1;
    }
    lo->interval_ms = (int64_t)llround(s * 1000);
    return 0;
  case OPT_ONCE:
    lo->once = 1;
    return 0;
  default:
    return 1;
  }
}

static int parse_opts(int argc, char **argv, struct report_opts *ro,
                      struct live_opts *lo, struct app *app)
{
  static const struct option longopts[] = {
      LOAD_LONG_OPTS,
      {"token-limit", required_argument, NULL, OPT_TOKEN_LIMIT},
      {"interval", required_argument, NULL, OPT_INTERVAL},
      {"once", no_argument, NULL, OPT_ONCE},
      {NULL, 0, NULL, 0}};
  int r = report_parse(argc, argv, LOAD_SHORT_OPTS "l:", longopts, ro, app,
                       live_opt, lo, usage);

  if (r)
    return r;
  if (check_unused(ro, app))
    return -1;
  return report_opts_finish(ro, app);
}

static int64_t mono_ms(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * The clock: TOKMETER_NOW (or the real time) at start, advancing in whole
 * seconds, so that redraws a second apart show every second once and a
 * pinned start shows exactly.
 */
static int64_t live_now(const struct live *lv)
{
  /* One frame is of the start: however long the read took. */
  if (lv->lo->once)
    return lv->now0;
  return lv->now0 + (mono_ms() - lv->mono0) / 1000 * 1000;
}

/* Sums today's usage (in the report's zone) from the loaded events. */
static void count_today(struct live *lv, int64_t day)
{
  struct loaded *l = lv->d.l;
  struct agg_filter f = l->filter;
  struct agg a;

  f.since_day = day;
  f.until_day = day;
  agg_init(&a);
  agg_build(&a, &l->scan.set, &l->projects, &f, AGG_DAY, 0);
  lv->d.today = day;
  lv->d.today_tokens = tokens_total(&a.total.tok);
  lv->d.today_cost = a.total.cost;
  lv->d.today_calls = a.total.calls;
  agg_release(&a);
}

/* Builds what the screen needs from a fresh read. */
static void derive(struct live *lv)
{
  struct loaded *l = lv->d.l;
  int64_t now = live_now(lv);

  block_list_release(&lv->d.bl);
  block_list_init(&lv->d.bl);
  blocks_build(&lv->d.bl, &l->scan.set, &l->projects, &l->filter, BLOCK_MS,
               now);
  count_today(lv, tz_local_day(&l->tz, now));
  lv->d.updated_ms = now;
}

/* Keeps the last line of msg (without "tokmeter: ") as the error shown. */
static void keep_error(struct live *lv, const char *msg, size_t len)
{
  static const char prefix[] = "tokmeter: ";
  size_t end = len, start;

  while (end > 0 && msg[end - 1] == '\n')
    end--;
  start = end;
  while (start > 0 && msg[start - 1] != '\n')
    start--;
  if (end - start > strlen(prefix) &&
      !memcmp(msg + start, prefix, strlen(prefix)))
    start += strlen(prefix);
  if (start == end)
    snprintf(lv->error, sizeof(lv->error), "cannot read the transcripts");
  else
    snprintf(lv->error, sizeof(lv->error), "%.*s", (int)(end - start),
             msg + start);
}

/*
 * Reads the transcripts again into the spare and swaps it in. Messages go
 * to a string, not the screen: a failure is kept for the status line and
 * the last good figures stay.
 */
static void reload(struct live *lv)
{
  struct app quiet = *lv->app;
  struct loaded *next = lv->d.spare;
  char *msg = NULL;
  size_t len = 0;
  int r;

  quiet.err = open_memstream(&msg, &len);
  quiet.err_tty = 0;
  if (!quiet.err) {
    snprintf(lv->error, sizeof(lv->error), "cannot read again: %s",
             strerror(errno));
    return;
  }
  r = load_all(next, lv->ro, &quiet);
  fclose(quiet.err);
  if (r == EXIT_OK) {
    lv->d.spare = lv->d.l;
    lv->d.l = next;
    load_release(lv->d.spare);
    lv->error[0] = '\0';
    derive(lv);
  } else {
    load_release(next);
    keep_error(lv, msg, len);
  }
  free(msg);
}

static int by_cost(const void *pa, const void *pb)
{
  const struct live_model *a = pa, *b = pb;

  if (a->cost != b->cost)
    return a->cost < b->cost ? 1 : -1;
  if (a->tokens != b->tokens)
    return a->tokens < b->tokens ? 1 : -1;
  return strcmp(a->name, b->name);
}

/* The active block's figures, at now; models is the caller's to free. */
static void view_block(struct live *lv, struct live_view *v,
                       struct live_model **models)
{
  const struct block *b = NULL;
  size_t i;

  *models = NULL;
  blocks_set_now(&lv->d.bl, BLOCK_MS, v->now_ms);
  for (i = 0; i < lv->d.bl.n; i++)
    if (lv->d.bl.v[i].is_active)
      b = &lv->d.bl.v[i];
  if (!b)
    return;
  v->active = 1;
  v->start_ms = b->start_ms;
  v->end_ms = b->end_ms;
  v->tokens = tokens_total(&b->tok);
  v->cost = b->cost;
  v->unpriced = b->unpriced_tokens > 0;
  block_burn_rate(b, &v->burn);
  block_projection(b, v->now_ms, &v->proj);
  *models = xcalloc(b->nmodels + 1, sizeof(**models));
  for (i = 0; i < b->nmodels; i++) {
    (*models)[i].name = strtab_get(&lv->d.bl.names, b->models[i]);
    (*models)[i].tokens = tokens_total(&b->sums[i].tok);
    (*models)[i].cost = b->sums[i].cost;
  }
  qsort(*models, b->nmodels, sizeof(**models), by_cost);
  v->models = *models;
  v->nmodels = b->nmodels;
}

/* The bar's limit: a current measurement, else the option, else none. */
static void view_limit(struct live *lv, struct live_view *v)
{
  struct quota_reading q;
  const struct plan *p;
  const char *opt = lv->lo->limit;

  if (lv->cache.len && !quota_last(lv->cache.data, &q, NULL)) {
    if (q.has_five && q.five_reset * 1000 > v->now_ms) {
      v->limit = LIVE_LIMIT_MEASURED;
      v->used_pct = q.five_pct;
      v->measured_ms = q.at_ms;
      v->reset_ms = q.five_reset * 1000;
    }
    if (q.has_week && q.week_reset * 1000 > v->now_ms) {
      v->week = 1;
      v->week_pct = q.week_pct;
      v->week_reset_ms = q.week_reset * 1000;
    }
  }
  if (v->limit == LIVE_LIMIT_MEASURED || !opt)
    return;
  if (!strcmp(opt, "max")) {
    v->limit = LIVE_LIMIT_MAX;
    v->limit_tokens = blocks_max_tokens(&lv->d.bl);
  } else if ((p = plan_find(opt))) {
    v->limit = LIVE_LIMIT_PLAN;
    v->limit_tokens = p->tokens;
    v->limit_cost = p->cost_usd;
    v->plan = p->name;
  } else {
    v->limit = LIVE_LIMIT_TOKENS;
    v->limit_tokens = strtoull(opt, NULL, 10);
  }
}

static const char *view_note(const struct live *lv)
{
  if (lv->error[0])
    return lv->error;
  if (lv->screen && !lv->lo->once)
    return lv->watched ? "watching for changes" : UNWATCHED_NOTE;
  return NULL;
}

/* Renders one frame at the current time into out. */
static void render(struct live *lv, unsigned width, unsigned height,
                   struct buf *out)
{
  struct live_view v;
  struct live_model *models;
  int64_t day;

  memset(&v, 0, sizeof(v));
  v.now_ms = live_now(lv);
  v.tz = &lv->d.l->tz;
  day = tz_local_day(v.tz, v.now_ms);
  if (day != lv->d.today)
    count_today(lv, day);
  v.updated_ms = lv->d.updated_ms;
  view_block(lv, &v, &models);
  view_limit(lv, &v);
  v.today_tokens = lv->d.today_tokens;
  v.today_cost = lv->d.today_cost;
  v.today_calls = lv->d.today_calls;
  v.note = view_note(lv);
  v.interactive = lv->in_fd >= 0;
  v.width = width;
  v.height = height;
  v.color = lv->app->color;
  live_render(&v, out);
  free(models);
}

/* Writes all of data to fd; -1 when the terminal is gone. */
static int write_all(int fd, const char *data, size_t len)
{
  while (len) {
    ssize_t n = write(fd, data, len);

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return -1;
    data += n;
    len -= (size_t)n;
  }
  return 0;
}

static void term_size(struct live *lv)
{
  struct winsize ws;

  lv->cols = 80;
  lv->rows = 24;
  if (!ioctl(fileno(lv->app->out), TIOCGWINSZ, &ws) && ws.ws_col && ws.ws_row) {
    lv->cols = ws.ws_col;
    lv->rows = ws.ws_row;
  }
}

/* Keys without echo or line editing; Ctrl-C still sends SIGINT. */
static void term_enter(struct live *lv)
{
  struct termios raw;

  if (lv->in_fd >= 0 && !tcgetattr(lv->in_fd, &lv->saved)) {
    lv->saved_ok = 1;
    raw = lv->saved;
    raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
    raw.c_cc[VMIN] = 0;
    raw.c_cc[VTIME] = 0;
    tcsetattr(lv->in_fd, TCSANOW, &raw);
  }
  fflush(lv->app->out); /* frames bypass stdio */
  write_all(fileno(lv->app->out), TERM_ENTER, strlen(TERM_ENTER));
}

static void term_leave(struct live *lv)
{
  write_all(fileno(lv->app->out), TERM_LEAVE, strlen(TERM_LEAVE));
  if (lv->saved_ok)
    tcsetattr(lv->in_fd, TCSANOW, &lv->saved);
  lv->saved_ok = 0;
}

/* One frame: a redraw of the screen, or a plain report into a pipe. */
static int draw(struct live *lv, int first)
{
  struct buf text = BUF_INIT, out = BUF_INIT;
  int r;

  if (lv->screen) {
    render(lv, lv->cols, lv->rows, &text);
    live_frame(text.data, text.len, &out);
    r = write_all(fileno(lv->app->out), out.data, out.len) ? EXIT_ERROR
                                                           : EXIT_OK;
  } else {
    unsigned w = load_term_width(lv->app);

    if (!first)
      buf_addch(&out, '\n');
    render(lv, w ? w : 80, 0, &text);
    buf_add(&out, text.data, text.len);
    r = cmd_write_out(lv->app, out.data, out.len);
  }
  buf_release(&text);
  buf_release(&out);
  return r;
}

/* The signals the monitor handles itself, through a descriptor. */
static void signals_take(struct live *lv)
{
  sigset_t set;

  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  sigaddset(&set, SIGQUIT);
  sigaddset(&set, SIGWINCH);
  sigaddset(&set, SIGTSTP);
  /* Reader threads started later inherit the mask. */
  pthread_sigmask(SIG_BLOCK, &set, &lv->oldmask);
  lv->sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

/* Handles pending signals; sets quit_signal for those that end the run. */
static void on_signals(struct live *lv, int *redraw)
{
  struct signalfd_siginfo si;

  while (!lv->quit_signal && read(lv->sig_fd, &si, sizeof(si)) == sizeof(si))
    switch (si.ssi_signo) {
    case SIGWINCH:
      term_size(lv);
      write_all(fileno(lv->app->out), "\x1b[2J", 4);
      *redraw = 1;
      break;
    case SIGTSTP:
      /* Ctrl-Z: give the terminal back, stop, take it again on fg. */
      term_leave(lv);
      raise(SIGSTOP);
      term_enter(lv);
      term_size(lv);
      *redraw = 1;
      break;
    default:
      lv->quit_signal = (int)si.ssi_signo;
    }
}

/* Reads keys: 1 when q quits, and *due is set for r (read again). */
static int on_keys(struct live *lv, int64_t *due)
{
  char k[64];
  ssize_t n = read(lv->in_fd, k, sizeof(k)), i;

  for (i = 0; i < n; i++) {
    if (k[i] == 'q' || k[i] == 'Q')
      return 1;
    if (k[i] == 'r' || k[i] == 'R')
      *due = mono_ms();
  }
  return 0;
}

/* The earlier of a and b, where b == 0 means "not set". */
static int64_t earliest(int64_t a, int64_t b)
{
  return b && b < a ? b : a;
}

static int64_t later(int64_t a, int64_t b)
{
  return a > b ? a : b;
}

/* Draws, reads and waits until q, a signal, --once or a write error. */
static int run(struct live *lv)
{
  int64_t rescan = lv->watched ? RESCAN_MS : UNWATCHED_MS;
  int64_t t = mono_ms(), next_draw = t, next_scan = t + rescan, due = 0;
  int64_t last_read = t;
  int redraw = 1, first = 1;

  for (;;) {
    struct pollfd p[3];
    nfds_t n = 0;
    int64_t wait;

    t = mono_ms();
    if ((due && t >= due) || t >= next_scan) {
      reload(lv);
      due = 0;
      last_read = mono_ms();
      next_scan = t + rescan;
      redraw = 1;
    }
    if (redraw || t >= next_draw) {
      if (draw(lv, first))
        return EXIT_ERROR;
      if (lv->lo->once)
        return EXIT_OK;
      first = redraw = 0;
      next_draw = t + lv->lo->interval_ms;
    }
    wait = earliest(earliest(next_draw, next_scan), due) - mono_ms();
    if (lv->sig_fd >= 0)
      p[n++] = (struct pollfd){lv->sig_fd, POLLIN, 0};
    if (lv->in_fd >= 0)
      p[n++] = (struct pollfd){lv->in_fd, POLLIN, 0};
    if (watch_fd(&lv->w) >= 0)
      p[n++] = (struct pollfd){watch_fd(&lv->w), POLLIN, 0};
    if (poll(p, n, wait > 0 ? (int)wait : 0) < 0 && errno != EINTR)
      return EXIT_ERROR;
    for (; n > 0; n--) {
      const struct pollfd *q = &p[n - 1];

      if (q->fd == lv->sig_fd && q->revents)
        on_signals(lv, &redraw);
      else if (q->fd == lv->in_fd && (q->revents & (POLLHUP | POLLERR)))
        lv->in_fd = -1; /* no more keys; signals still work */
      else if (q->fd == lv->in_fd && q->revents && on_keys(lv, &due))
        return EXIT_OK;
      else if (q->fd == watch_fd(&lv->w) && q->revents && watch_drain(&lv->w) &&
               !due)
        due = later(mono_ms() + SETTLE_MS, last_read + GAP_MS);
    }
    if (lv->quit_signal)
      return EXIT_OK;
  }
}

/* Starts watching the roots of the first read (not needed for --once). */
static void watch_start(struct live *lv)
{
  const struct discover *d = &lv->d.l->disc;
  struct err e = ERR_INIT;

  if (lv->lo->once) {
    memset(&lv->w, 0, sizeof(lv->w));
    lv->w.fd = -1;
    return;
  }
  if (watch_open(&lv->w, (const char *const *)d->roots, d->nroots, &e))
    cmd_warning(lv->app, "%s; " UNWATCHED_NOTE, e.msg);
  else
    lv->watched = d->nroots > 0;
}

/* Runs the monitor on the first read; returns the exit code. */
static int monitor(struct live *lv)
{
  int r;

  if (index_dir(&lv->cache, getenv("XDG_CACHE_HOME"), lv->app->home, NULL))
    buf_reset(&lv->cache);
  watch_start(lv);
  lv->screen = lv->app->out_tty && !lv->lo->once;
  if (lv->screen) {
    lv->in_fd = isatty(STDIN_FILENO) ? STDIN_FILENO : -1;
    signals_take(lv);
    term_size(lv);
    term_enter(lv);
  }
  r = run(lv);
  if (lv->screen) {
    term_leave(lv);
    if (lv->sig_fd >= 0)
      close(lv->sig_fd);
  }
  watch_release(&lv->w);
  return r;
}

int cmd_live(int argc, char **argv, struct app *app)
{
  struct report_opts ro;
  struct live_opts lo = {NULL, 1000, 0};
  struct live lv;
  int r;

  report_opts_init(&ro);
  r = parse_opts(argc, argv, &ro, &lo, app);
  if (r) {
    report_opts_release(&ro);
    if (r > 0)
      return EXIT_OK;
    fprintf(app->err, "Run 'tokmeter live --help' for usage.\n");
    return EXIT_USAGE;
  }
  memset(&lv, 0, sizeof(lv));
  lv.app = app;
  lv.ro = &ro;
  lv.lo = &lo;
  lv.in_fd = lv.sig_fd = -1;
  lv.mono0 = mono_ms();
  lv.now0 = app->now_ms;
  lv.d.l = xcalloc(1, sizeof(*lv.d.l));
  lv.d.spare = xcalloc(1, sizeof(*lv.d.spare));
  lv.d.today = INT64_MIN;
  block_list_init(&lv.d.bl);
  buf_init(&lv.cache, 0);
  r = load_all(lv.d.l, &ro, app);
  if (r == EXIT_OK) {
    /* Notes on skipped lines would land on the screen: only in text. */
    if (!app->out_tty || lo.once)
      load_print_notes(lv.d.l, &ro, app);
    derive(&lv);
    r = monitor(&lv);
  }
  load_release(lv.d.l);
  free(lv.d.l);
  free(lv.d.spare);
  block_list_release(&lv.d.bl);
  buf_release(&lv.cache);
  report_opts_release(&ro);
  if (lv.quit_signal) {
    /* Die of the signal, as the shell expects, now the terminal is back. */
    signal(lv.quit_signal, SIG_DFL);
    pthread_sigmask(SIG_SETMASK, &lv.oldmask, NULL);
    raise(lv.quit_signal);
    return 128 + lv.quit_signal;
  }
  return r;
}
