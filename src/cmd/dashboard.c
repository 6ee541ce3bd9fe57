/* dashboard: the local web dashboard and its JSON API (docs/api.md). */
/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/dash.h"
#include "cmd/load.h"
#include "core/civil.h"
#include "http/assets.h"
#include "http/params.h"
#include "http/router.h"
#include "http/server.h"
#include "http/sse.h"
#include "report/activity.h"
#include "report/api.h"
#include "report/prompts.h"
#include "report/tools.h"
#include "source/rcache.h"
#include "source/records.h"
#include "source/tzfile.h"
#include "source/watch.h"
#include "store/store.h"
#include "store/sync.h"
#include "store/view.h"
#include "util/buf.h"
#include "util/jsonw.h"
#include "util/xalloc.h"
#include "util/banned.h"

enum { OPT_PORT = OPT_FIRST_COMMAND_OPT, OPT_HOST, OPT_NO_OPEN, OPT_DEMO };

#define DEFAULT_PORT 3456
#define RESCAN_MS 10000 /* read everything again this often anyway */
#define SETTLE_MS 200   /* a burst of writes is read once */

struct dash_opts {
  unsigned port;
  const char *host;
  int no_open, demo;
};

static void usage(FILE *f)
{
  fprintf(f,
          "usage: tokmeter dashboard [--port N] [--host H] [--no-open] "
          "[--demo] [<options>]\n\n"
          "Serves the dashboard and its JSON API (docs/api.md) on this "
          "machine, follows\nnew usage as Claude Code writes it and pushes "
          "it to open pages. Prints the\nURL, and opens it in a browser "
          "unless --no-open or there is no display.\n\noptions:\n"
          "      --port N           port (default %d; 0: any free port)\n"
          "      --host H           address to bind (default 127.0.0.1); "
          "anything but a\n"
          "                         loopback address makes it reachable "
          "from the network\n"
          "      --no-open          do not open a browser\n"
          "      --demo             show a generated demo corpus, with a "
          "banner\n"
          "  -z, --timezone ZONE    default zone of days and hours\n"
          "      --claude-dir DIR   read this Claude config or projects dir "
          "(repeatable)\n"
          "      --prices FILE      price overrides\n"
          "  -m, --mode MODE        auto, calculate or display\n"
          "      --no-cache         read every transcript on each update\n"
          "  -h, --help             this help\n",
          DEFAULT_PORT);
}

static int dash_opt(void *ctx, int c, const char *arg, struct app *app)
{
  struct dash_opts *o = ctx;
  char *end;
  long v;

  switch (c) {
  case OPT_PORT:
    v = strtol(arg, &end, 10);
    if (*end || end == arg || v < 0 || v > 65535) {
      cmd_error(app, "invalid --port '%s' (expected 0 to 65535)", arg);
      return -1;
    }
    o->port = (unsigned)v;
    return 0;
  case OPT_HOST:
    o->host = arg;
    return 0;
  case OPT_NO_OPEN:
    o->no_open = 1;
    return 0;
  case OPT_DEMO:
    o->demo = 1;
    return 0;
  default:
    return 1;
  }
}

static int parse_opts(int argc, char **argv, struct report_opts *ro,
                      struct dash_opts *o, struct app *app)
{
  static const struct option longopts[] = {
      LOAD_LONG_OPTS,
      {"port", required_argument, NULL, OPT_PORT},
      {"host", required_argument, NULL, OPT_HOST},
      {"no-open", no_argument, NULL, OPT_NO_OPEN},
      {"demo", no_argument, NULL, OPT_DEMO},
      {NULL, 0, NULL, 0}};
  int r = report_parse(argc, argv, LOAD_SHORT_OPTS, longopts, ro, app, dash_opt,
                       o, usage);

  return r ? r : (report_opts_finish(ro, app) ? -1 : 0);
}

static int64_t newest(const struct dedup *s)
{
  return s->n ? s->ev[s->n - 1].ts_ms : INT64_MIN;
}

/* Prices the view's calls with l's table; lookups done now, so that the
 * handlers only read the pricer. Under the write lock. */
static void reprice(struct dash *d)
{
  pricer_release(&d->pricer);
  pricer_init(&d->pricer, d->ro->mode, &d->l->prices, &d->view.set.strs);
  pricer_warm(&d->pricer, d->view.set.ev, d->view.set.n);
}

/* Feeds l's calls into the store (outside the lock: only this thread
 * writes), then swaps l in and brings the view up to date under the
 * write lock; publishes what is new. -1 when the store failed. */
static int feed(struct dash *d, struct loaded *l, struct err *e)
{
  struct store_sync_stats st;
  struct buf ev = BUF_INIT;
  struct loaded *old;
  int64_t before;
  int r;

  if (store_sync(d->store, &d->view, &l->scan.set, &l->projects, &st, e))
    return -1;
  load_drop_calls(l); /* in the store now; the view is what is read */
  pthread_rwlock_wrlock(&d->lock);
  old = d->l;
  before = newest(&d->view.set);
  d->l = l;
  r = store_sync_view(d->store, &d->view, &st, e);
  reprice(d);
  if (st.reload || r)
    /* Calls changed or went away under the page: it cannot patch that. */
    sse_publish(&d->hub, "resync",
                st.removed ? "{\"reason\":\"calls removed\"}"
                           : "{\"reason\":\"calls rewritten\"}");
  else if (st.added || st.better) {
    dash_usage_event(d, before, &ev);
    sse_publish(&d->hub, "usage", ev.data);
  }
  pthread_rwlock_unlock(&d->lock);
  if (old && old != l) {
    load_release(old);
    free(old);
  }
  buf_release(&ev);
  return r ? -1 : 0;
}

/* Loads anew through the index and feeds it in. */
static void reload(struct dash *d)
{
  struct loaded *l = xcalloc(1, sizeof(*l));
  struct err e = ERR_INIT;

  if (load_all(l, d->ro, &d->quiet) != EXIT_OK) {
    load_release(l);
    free(l);
    return;
  }
  if (feed(d, l, &e) && d->l != l) {
    load_release(l);
    free(l);
  }
  if (e.code)
    cmd_warning(d->app, "%s", e.msg);
}

/* Follows the transcripts: inotify, and a full read every RESCAN_MS. */
static void *reader_main(void *arg)
{
  struct dash *d = arg;
  struct watch w;
  int64_t next = cmd_mono_ms() + RESCAN_MS;

  watch_open(&w, (const char *const *)d->l->disc.roots, d->l->disc.nroots,
             NULL);
  while (!atomic_load(&d->stop)) {
    struct pollfd pfd = {watch_fd(&w), POLLIN, 0};
    int64_t wait = next - cmd_mono_ms();
    int changed = 0;

    if (wait > 1000)
      wait = 1000; /* look at d->stop at least every second */
    if (wait < 0)
      wait = 0;
    if (poll(&pfd, pfd.fd >= 0 ? 1 : 0, (int)wait) > 0) {
      usleep(SETTLE_MS * 1000);
      changed = watch_drain(&w) != 0;
    }
    if (changed || cmd_mono_ms() >= next) {
      reload(d);
      next = cmd_mono_ms() + RESCAN_MS;
    }
  }
  watch_release(&w);
  return NULL;
}

/* Opens url in the desktop's browser, when there is a desktop. */
static void open_browser(const char *url)
{
#ifdef __APPLE__
  const char *opener = "open";
#else
  const char *opener = "xdg-open";
#endif
  pid_t pid;
#ifndef __APPLE__
  const char *x = getenv("DISPLAY"), *w = getenv("WAYLAND_DISPLAY");

  if ((!x || !*x) && (!w || !*w))
    return;
#endif
  pid = fork();
  if (pid == 0) {
    /* A grandchild, so that no zombie waits for the dashboard's exit. */
    if (fork() == 0) {
      FILE *n = freopen("/dev/null", "w", stdout);

      (void)n;
      n = freopen("/dev/null", "w", stderr);
      (void)n;
      execlp(opener, opener, url, (char *)NULL);
    }
    _exit(0);
  }
  if (pid > 0)
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
      ;
}

/* Writes a demo corpus into a new temporary directory, its last day
 * today in the dashboard's zone so that the Today card has calls. */
static int make_demo(struct app *app, char *dir, const char *tz_name)
{
  struct app quiet = *app;
  char end[16];
  char *argv[] = {"demo", "--out", dir, "--force", "--end", end, NULL};
  FILE *null;
  struct tz tz;
  int r;

  tz_init_utc(&tz);
  if (tz_load(&tz, tz_name, NULL)) {
    tz_release(&tz);
    tz_init_utc(&tz); /* load_all() reports the bad zone */
  }
  civil_fmt_date(tz_local_day(&tz, app->now_ms), end);
  tz_release(&tz);
  null = fopen("/dev/null", "w");
  if (!mkdtemp(dir) || !null) {
    if (null)
      fclose(null);
    cmd_error(app, "cannot create a directory for the demo: %s",
              strerror(errno));
    return EXIT_ERROR;
  }
  quiet.out = null;
  r = cmd_demo(6, argv, &quiet);
  fclose(null);
  return r;
}

/* Opens the store at path, reads it and feeds it what d->l holds. */
static int use_store(struct dash *d, const char *path, struct err *e)
{
  store_close(d->store);
  d->store = NULL;
  store_view_release(&d->view);
  store_view_init(&d->view);
  if (store_open(&d->store, path, e) || store_view_load(&d->view, d->store, e))
    return -1;
  return feed(d, d->l, e);
}

/*
 * Opens the store beside the index (same name, ".db"), or in memory when
 * there is no index (--no-cache, --demo) or the file cannot be used
 * (damaged, from a newer tokmeter, a full disk): it holds nothing the
 * index does not, so the dashboard still works, and the file is left as
 * it is. Then feeds it what load_all() read.
 */
static int open_store(struct dash *d, struct app *app)
{
  struct buf path = BUF_INIT;
  struct err e = ERR_INIT;
  const struct buf *ip = &d->l->index.path;
  int r = EXIT_OK;

  if (d->l->cached && ip->len > 4 && !d->demo) {
    buf_add(&path, ip->data, ip->len - 4);
    buf_adds(&path, ".db");
  } else {
    buf_adds(&path, ":memory:");
  }
  if (use_store(d, path.data, &e) && strcmp(path.data, ":memory:") != 0) {
    cmd_warning(app, "%s; keeping the dashboard's store in memory", e.msg);
    e.code = 0;
    /* The feed may have let go of the calls: read them again. */
    load_release(d->l);
    memset(d->l, 0, sizeof(*d->l));
    r = load_all(d->l, d->ro, app);
    if (r == EXIT_OK && use_store(d, ":memory:", &e))
      r = EXIT_ERROR;
  } else if (e.code) {
    r = EXIT_ERROR;
  }
  if (r == EXIT_ERROR && e.code)
    cmd_error(app, "%s", e.msg);
  buf_release(&path);
  return r;
}

static void dash_release(struct dash *d)
{
  store_close(d->store);
  store_view_release(&d->view);
  pricer_release(&d->pricer);
  if (d->l) {
    load_release(d->l);
    free(d->l);
  }
  if (d->quiet.err && d->quiet.err != d->app->err)
    fclose(d->quiet.err);
  sse_release(&d->hub);
  rcache_release(&d->rc);
  pthread_mutex_destroy(&d->rc_lock);
  pthread_rwlock_destroy(&d->lock);
}

/* Serves until SIGINT, SIGTERM or SIGHUP. */
static int serve(struct dash *d, const struct dash_opts *o, struct app *app)
{
  struct http_router router;
  struct http_server srv;
  struct http_config cfg;
  struct err e = ERR_INIT;
  pthread_t reader, warm;
  sigset_t sigs;
  int ipv6, warming;
  char url[300];

  http_router_init(&router);
  if (dash_add_routes(&router, d, &e)) {
    cmd_error(app, "%s", e.msg);
    http_router_release(&router);
    return EXIT_ERROR;
  }
  /* Blocked before any thread starts: all of them inherit it, and the
   * signals wait for sigwait() below. */
  cmd_signals_block(&sigs);
  memset(&srv, 0, sizeof(srv));
  memset(&cfg, 0, sizeof(cfg));
  cfg.host = o->host ? o->host : "127.0.0.1";
  cfg.port = o->port;
  cfg.router = &router;
  if (http_server_start(&srv, &cfg, &e)) {
    cmd_error(app, "cannot serve on %s port %u: %s", cfg.host, o->port, e.msg);
    http_router_release(&router);
    return EXIT_ERROR;
  }
  ipv6 = strchr(cfg.host, ':') != NULL;
  snprintf(url, sizeof(url), "http://%s%s%s:%u/", ipv6 ? "[" : "", cfg.host,
           ipv6 ? "]" : "", http_server_port(&srv));
  fprintf(app->out, "tokmeter dashboard%s: %s  (Ctrl-C stops it)\n",
          d->demo ? " (demo data)" : "", url);
  fflush(app->out);
  if (!http_is_loopback(cfg.host))
    cmd_warning(app, "listening on %s: reachable from other machines",
                cfg.host);
  if (!o->no_open)
    open_browser(url);
  if (pthread_create(&reader, NULL, reader_main, d)) {
    cmd_error(app, "cannot start the reader thread");
    http_server_stop(&srv);
    http_router_release(&router);
    return EXIT_ERROR;
  }
  warming = !pthread_create(&warm, NULL, dash_warm_main, d);
  cmd_signals_wait(&sigs);
  atomic_store(&d->stop, 1);
  if (warming)
    pthread_join(warm, NULL);
  pthread_join(reader, NULL);
  http_server_stop(&srv);
  http_router_release(&router);
  return EXIT_OK;
}

int cmd_dashboard(int argc, char **argv, struct app *app)
{
  struct report_opts ro;
  struct dash_opts o;
  struct dash d;
  char demo_dir[4096];
  const char *tmpdir = getenv("TMPDIR");
  int r;

  report_opts_init(&ro);
  memset(&o, 0, sizeof(o));
  o.port = DEFAULT_PORT;
  ro.need_projects = 1;
  if ((r = parse_opts(argc, argv, &ro, &o, app))) {
    report_opts_release(&ro);
    return r > 0 ? EXIT_OK : EXIT_USAGE;
  }
  if (o.demo) {
    snprintf(demo_dir, sizeof(demo_dir), "%s/tokmeter-demo-XXXXXX",
             tmpdir && *tmpdir == '/' ? tmpdir : "/tmp");
    if ((r = make_demo(app, demo_dir, ro.tz_name))) {
      report_opts_release(&ro);
      return r;
    }
    ro.dirs = xrealloc(ro.dirs, sizeof(*ro.dirs));
    ro.dirs[0] = demo_dir;
    ro.ndirs = 1;
    ro.no_cache = 1; /* the corpus goes away with the dashboard */
  }
  memset(&d, 0, sizeof(d));
  store_view_init(&d.view);
  pthread_rwlock_init(&d.lock, NULL);
  pthread_mutex_init(&d.rc_lock, NULL);
  rcache_init(&d.rc);
  d.rc.cancel = &d.stop;
  d.ro = &ro;
  d.app = app;
  d.demo = o.demo;
  d.pinned = getenv("TOKMETER_NOW") != NULL;
  d.quiet = *app;
  d.quiet.err = fopen("/dev/null", "w");
  d.quiet.err_tty = 0;
  if (!d.quiet.err)
    d.quiet.err = app->err;
  sse_init(&d.hub, 0);
  d.l = xcalloc(1, sizeof(*d.l));
  r = load_all(d.l, &ro, app);
  if (r == EXIT_OK)
    r = open_store(&d, app);
  if (r == EXIT_OK)
    r = serve(&d, &o, app);
  dash_release(&d);
  if (o.demo)
    cmd_remove_tree(demo_dir);
  report_opts_release(&ro);
  return r;
}
