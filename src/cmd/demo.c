/* tokmeter demo: writes the synthetic transcript corpus to a directory. */
/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "core/civil.h"
#include "demo/demo.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/banned.h"

#define MARKER ".tokmeter-demo"

struct writer {
  struct app *app;
  const char *root;
  struct buf path; /* root/relpath of the open file */
  struct buf dir;  /* last directory made */
  int fd;
};

static void usage(FILE *f)
{
  fprintf(f, "usage: tokmeter demo [--out DIR] [--sessions N] [--seed S] "
             "[--size-mb M]\n"
             "                     [--days D] [--end YYYY-MM-DD] [--parity] "
             "[--truth FILE] [--force]\n\n"
             "Writes a deterministic synthetic Claude Code transcript corpus:\n"
             "DIR/projects/<project>/<session>.jsonl and subagent files, so\n"
             "CLAUDE_CONFIG_DIR=DIR points tokmeter (or ccusage) at it.\n\n"
             "  -o, --out DIR       output directory (default tokmeter-demo)\n"
             "  -n, --sessions N    main sessions (default 24; a minimum with "
             "--size-mb)\n"
             "  -s, --seed S        random seed (default 1)\n"
             "  -m, --size-mb M     add sessions until the corpus is M MiB\n"
             "  -d, --days D        spread sessions over D days (default 30)\n"
             "  -e, --end DATE      last day, UTC (default 2026-11-20)\n"
             "  -p, --parity        only lines ccusage 20.0.24 daily counts "
             "the same way\n"
             "  -t, --truth FILE    write the expected totals as JSON ('-' = "
             "stdout)\n"
             "  -f, --force         write into a non-empty directory\n"
             "  -h, --help          show this help\n");
}

static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
  char *end;
  unsigned long long v;

  if (!*s || *s == '-')
    return -1;
  errno = 0;
  v = strtoull(s, &end, 10);
  if (errno || *end || v > max)
    return -1;
  *out = v;
  return 0;
}

static int parse_mb(const char *s, uint64_t *bytes)
{
  char *end;
  double v;

  errno = 0;
  v = strtod(s, &end);
  if (errno || *end || end == s || !(v > 0) || v > 1048576.0)
    return -1;
  *bytes = (uint64_t)(v * 1048576.0);
  return *bytes ? 0 : -1;
}

static int mkdirs(const char *path, size_t n)
{
  char tmp[4096];
  size_t i;

  if (n >= sizeof(tmp))
    return -1;
  memcpy(tmp, path, n);
  tmp[n] = '\0';
  for (i = 1; i <= n; i++) {
    if (i < n && tmp[i] != '/')
      continue;
    tmp[i] = '\0';
    if (mkdir(tmp, 0755) && errno != EEXIST)
      return -1;
    if (i < n)
      tmp[i] = '/';
  }
  return 0;
}

static int write_all(int fd, const char *p, size_t n)
{
  while (n) {
    ssize_t w = write(fd, p, n);

    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

/* demo_write_cb: opens files on their first chunk, closes on the end. */
static int writer_cb(void *ctx, const char *relpath, const char *data,
                     size_t len)
{
  struct writer *w = ctx;
  const char *slash;

  if (w->fd < 0) {
    buf_reset(&w->path);
    buf_addf(&w->path, "%s/%s", w->root, relpath);
    slash = strrchr(w->path.data, '/');
    if (slash && ((size_t)(slash - w->path.data) != w->dir.len ||
                  memcmp(w->dir.data, w->path.data, w->dir.len) != 0)) {
      buf_reset(&w->dir);
      buf_add(&w->dir, w->path.data, (size_t)(slash - w->path.data));
      if (mkdirs(w->dir.data, w->dir.len)) {
        cmd_error(w->app, "cannot create '%s': %s", w->dir.data,
                  strerror(errno));
        return ERR_IO;
      }
    }
    w->fd = open(w->path.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (w->fd < 0) {
      cmd_error(w->app, "cannot create '%s': %s", w->path.data,
                strerror(errno));
      return ERR_IO;
    }
  }
  if (data && write_all(w->fd, data, len)) {
    cmd_error(w->app, "cannot write '%s': %s", w->path.data, strerror(errno));
    return ERR_IO;
  }
  if (!data) {
    if (close(w->fd)) {
      w->fd = -1;
      cmd_error(w->app, "cannot write '%s': %s", w->path.data, strerror(errno));
      return ERR_IO;
    }
    w->fd = -1;
  }
  return 0;
}

/* 0: missing or empty, 1: a previous demo corpus, 2: something else. */
static int dir_state(const char *dir, int *state)
{
  DIR *d = opendir(dir);
  struct dirent *de;
  int any = 0, marker = 0;

  *state = 0;
  if (!d)
    return errno == ENOENT ? 0 : -1;
  while ((de = readdir(d))) {
    if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
      continue;
    any = 1;
    marker |= !strcmp(de->d_name, MARKER);
  }
  closedir(d);
  *state = !any ? 0 : marker ? 1 : 2;
  return 0;
}

/* Empties DIR/projects of a previous corpus so no stale file survives. */
static int clean_previous(struct app *app, const char *out)
{
  struct buf p = BUF_INIT;
  struct stat sb;
  int rc = 0;

  buf_addf(&p, "%s/projects", out);
  if (!lstat(p.data, &sb) && cmd_remove_tree(p.data)) {
    cmd_error(app, "cannot remove the previous corpus in '%s': %s", p.data,
              strerror(errno));
    rc = -1;
  }
  buf_release(&p);
  return rc;
}

static int write_file(struct app *app, const char *path, const char *data,
                      size_t len)
{
  int fd;

  if (!strcmp(path, "-"))
    return fwrite(data, 1, len, app->out) == len ? 0 : -1;
  fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd >= 0 && write_all(fd, data, len)) {
    int saved = errno;

    close(fd);
    errno = saved;
    fd = -1;
  } else if (fd >= 0 && close(fd)) {
    fd = -1;
  }
  if (fd < 0) {
    cmd_error(app, "cannot write '%s': %s", path, strerror(errno));
    return -1;
  }
  return 0;
}

/* The marker that says "a demo corpus lives here" (and with what). */
static int write_marker(struct app *app, const char *out,
                        const struct demo_opts *o)
{
  struct buf path = BUF_INIT, body = BUF_INIT;
  char end[16];
  int rc;

  civil_fmt_date(o->end_day, end);
  buf_addf(&path, "%s/" MARKER, out);
  buf_addf(&body,
           "tokmeter demo corpus: seed=%llu sessions=%u days=%u end=%s "
           "size-bytes=%llu parity=%d\n",
           (unsigned long long)o->seed, o->sessions, o->days, end,
           (unsigned long long)o->size_bytes, o->parity);
  rc = write_file(app, path.data, body.data, body.len);
  buf_release(&path);
  buf_release(&body);
  return rc;
}

static int prepare_out(struct app *app, const char *out, int force,
                       const struct demo_opts *o)
{
  int state;

  if (dir_state(out, &state)) {
    cmd_error(app, "cannot use '%s': %s", out, strerror(errno));
    return -1;
  }
  if (state == 2 && !force) {
    cmd_error(app,
              "refusing to write into '%s': not empty and not a demo "
              "corpus (use --force)",
              out);
    return -1;
  }
  if (state == 1 && clean_previous(app, out))
    return -1;
  if (mkdirs(out, strlen(out))) {
    cmd_error(app, "cannot create '%s': %s", out, strerror(errno));
    return -1;
  }
  /* A forced write into someone else's directory leaves no marker, so a
   * later run never treats (and empties) that directory as a corpus. */
  return state == 2 ? 0 : write_marker(app, out, o);
}

struct demo_args {
  struct demo_opts opts;
  const char *out;
  const char *truth;
  int force;
};

/* Returns -1 to exit 0 (--help), 0 to go on, or EXIT_USAGE. */
static int parse_args(int argc, char **argv, struct app *app,
                      struct demo_args *a)
{
  static const struct option longopts[] = {
      {"out", required_argument, NULL, 'o'},
      {"sessions", required_argument, NULL, 'n'},
      {"seed", required_argument, NULL, 's'},
      {"size-mb", required_argument, NULL, 'm'},
      {"days", required_argument, NULL, 'd'},
      {"end", required_argument, NULL, 'e'},
      {"parity", no_argument, NULL, 'p'},
      {"truth", required_argument, NULL, 't'},
      {"force", no_argument, NULL, 'f'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0},
  };
  uint64_t v;
  int ch;

  memset(a, 0, sizeof(*a));
  demo_opts_init(&a->opts);
  a->out = "tokmeter-demo";
  optind = 1;
  opterr = 0;
  while ((ch = getopt_long(argc, argv, ":o:n:s:m:d:e:pt:fh", longopts, NULL)) !=
         -1) {
    switch (ch) {
    case 'o':
      a->out = optarg;
      break;
    case 'n':
      if (parse_u64(optarg, 1000000, &v) || !v)
        goto bad;
      a->opts.sessions = (unsigned)v;
      a->opts.sessions_set = 1;
      break;
    case 's':
      if (parse_u64(optarg, UINT64_MAX, &a->opts.seed))
        goto bad;
      break;
    case 'm':
      if (parse_mb(optarg, &a->opts.size_bytes))
        goto bad;
      break;
    case 'd':
      if (parse_u64(optarg, 36500, &v) || !v)
        goto bad;
      a->opts.days = (unsigned)v;
      break;
    case 'e':
      if (civil_parse_date(optarg, &a->opts.end_day))
        goto bad;
      break;
    case 'p':
      a->opts.parity = 1;
      break;
    case 't':
      a->truth = optarg;
      break;
    case 'f':
      a->force = 1;
      break;
    case 'h':
      usage(app->out);
      return -1;
    case ':':
      cmd_error(app, "option '%s' needs a value", argv[optind - 1]);
      return EXIT_USAGE;
    default:
      cmd_error(app, "unknown option '%s'", argv[optind - 1]);
      return EXIT_USAGE;
    }
  }
  if (optind < argc) {
    cmd_error(app, "unexpected argument '%s'", argv[optind]);
    return EXIT_USAGE;
  }
  if (!*a->out) {
    cmd_error(app, "--out needs a directory");
    return EXIT_USAGE;
  }
  return 0;
bad:
  cmd_error(app, "invalid value '%s' for '%s'", optarg, argv[optind - 1]);
  return EXIT_USAGE;
}

int cmd_demo(int argc, char **argv, struct app *app)
{
  struct demo_args a;
  struct demo_truth truth;
  struct demo_stats st;
  struct writer w;
  struct err e = ERR_INIT;
  int rc = parse_args(argc, argv, app, &a);

  if (rc)
    return rc < 0 ? EXIT_OK : rc;
  if (prepare_out(app, a.out, a.force, &a.opts))
    return EXIT_ERROR;
  memset(&w, 0, sizeof(w));
  w.app = app;
  w.root = a.out;
  w.fd = -1;
  buf_init(&w.path, 0);
  buf_init(&w.dir, 0);
  demo_truth_init(&truth);
  rc = demo_generate(&a.opts, writer_cb, &w, &truth, &st, &e);
  if (w.fd >= 0)
    close(w.fd);
  if (rc == ERR_USAGE)
    cmd_error(app, "%s", e.msg);
  if (!rc && a.truth) {
    struct buf json = BUF_INIT;

    demo_truth_json(&truth, &json);
    rc = write_file(app, a.truth, json.data, json.len);
    buf_release(&json);
  }
  if (!rc)
    fprintf(app->err,
            "tokmeter: wrote %llu files, %llu bytes (%.1f MiB), %llu usage "
            "lines, %llu sessions to '%s'\n",
            (unsigned long long)st.files, (unsigned long long)st.bytes,
            (double)st.bytes / 1048576.0, (unsigned long long)st.usage_lines,
            (unsigned long long)st.sessions, a.out);
  demo_truth_release(&truth);
  buf_release(&w.path);
  buf_release(&w.dir);
  return rc == ERR_USAGE ? EXIT_USAGE : rc ? EXIT_ERROR : EXIT_OK;
}
