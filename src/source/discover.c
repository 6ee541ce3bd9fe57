/* Finding transcript files. */
/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "source/discover.h"
#include "util/xalloc.h"
#include "util/banned.h"

void discover_init(struct discover *d)
{
  memset(d, 0, sizeof(*d));
  buf_init(&d->warnings, 0);
}

void discover_forget(struct discover *d)
{
  size_t i;

  for (i = 0; i < d->nfiles; i++)
    free(d->files[i].path);
  free(d->files);
  for (i = 0; i < d->ndirs; i++) {
    free((char *)d->dirs[i].path);
    free((char *)d->dirs[i].names);
  }
  free(d->dirs);
  d->files = NULL;
  d->dirs = NULL;
  d->nfiles = d->cap = d->ndirs = d->dcap = d->listed = 0;
  buf_reset(&d->warnings);
  d->nwarnings = 0;
}

void discover_release(struct discover *d)
{
  size_t i;

  discover_forget(d);
  for (i = 0; i < d->nroots; i++)
    free(d->roots[i]);
  free(d->roots);
  buf_release(&d->warnings);
  memset(d, 0, sizeof(*d));
}

static int is_dir(const char *p)
{
  struct stat st;

  return !stat(p, &st) && S_ISDIR(st.st_mode);
}

/* Expands a leading "~" and drops trailing slashes. */
static void expand(struct buf *out, const char *s, size_t n, const char *home)
{
  buf_reset(out);
  if (n && s[0] == '~' && (n == 1 || s[1] == '/') && home) {
    buf_adds(out, home);
    s++;
    n--;
  }
  buf_add(out, s, n);
  while (out->len > 1 && out->data[out->len - 1] == '/')
    buf_setlen(out, out->len - 1);
}

/* Turns a config dir or a projects dir into the projects dir, if valid. */
static int projects_dir(struct buf *dir)
{
  size_t n = dir->len;

  if (n >= 8 && !strcmp(dir->data + n - 8, "projects") &&
      (n == 8 || dir->data[n - 9] == '/') && is_dir(dir->data))
    return 0;
  buf_adds(dir, "/projects");
  return is_dir(dir->data) ? 0 : -1;
}

static void add_root(struct discover *d, const char *path)
{
  struct stat st, other;
  size_t i;

  /* The same directory under two names (~/.config/claude linked to
   * ~/.claude) is one root. */
  if (stat(path, &st))
    return;
  for (i = 0; i < d->nroots; i++)
    if (!strcmp(d->roots[i], path) ||
        (!stat(d->roots[i], &other) && other.st_dev == st.st_dev &&
         other.st_ino == st.st_ino))
      return;
  d->roots = xrealloc(d->roots, (d->nroots + 1) * sizeof(*d->roots));
  d->roots[d->nroots++] = xstrdup(path);
}

/* JavaScript's String.trim() set, as far as ASCII goes. */
static int is_space(char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
         c == '\f';
}

static int all_space(const char *s)
{
  while (is_space(*s))
    s++;
  return !*s;
}

static int roots_from_list(struct discover *d, const char *list,
                           const char *home, struct err *e)
{
  struct buf dir = BUF_INIT;
  const char *p = list;
  size_t valid = 0;

  while (*p) {
    const char *c = strchr(p, ',');
    size_t n = c ? (size_t)(c - p) : strlen(p);
    const char *s = p;

    p += n + (c ? 1 : 0);
    while (n && is_space(*s))
      s++, n--;
    while (n && is_space(s[n - 1]))
      n--;
    if (!n)
      continue;
    expand(&dir, s, n, home);
    if (projects_dir(&dir))
      continue;
    add_root(d, dir.data);
    valid++;
  }
  buf_release(&dir);
  if (!valid)
    return err_set(e, ERR_NOTFOUND,
                   "no 'projects' directory in CLAUDE_CONFIG_DIR '%s'", list);
  return 0;
}

int discover_roots(struct discover *d, const struct discover_env *env,
                   struct err *e)
{
  struct buf dir = BUF_INIT;
  size_t i;
  int r = 0;

  if (env->ndirs) {
    for (i = 0; i < env->ndirs; i++) {
      expand(&dir, env->dirs[i], strlen(env->dirs[i]), env->home);
      if (projects_dir(&dir)) {
        r = err_set(e, ERR_NOTFOUND, "no 'projects' directory in '%s'",
                    env->dirs[i]);
        break;
      }
      add_root(d, dir.data);
    }
  } else if (env->config_dir && !all_space(env->config_dir)) {
    /* Empty or blank counts as unset, as ccusage trims it first. */
    r = roots_from_list(d, env->config_dir, env->home, e);
  } else {
    if (env->xdg_config && *env->xdg_config)
      buf_addf(&dir, "%s/claude", env->xdg_config);
    else if (env->home)
      buf_addf(&dir, "%s/.config/claude", env->home);
    if (dir.len && !projects_dir(&dir))
      add_root(d, dir.data);
    buf_reset(&dir);
    if (env->home) {
      buf_addf(&dir, "%s/.claude", env->home);
      if (!projects_dir(&dir))
        add_root(d, dir.data);
    }
  }
  buf_release(&dir);
  return r;
}

static void add_file(struct discover *d, const char *path, size_t root,
                     const struct stat *st)
{
  struct source_file *f;

  d->files = xgrow(d->files, &d->cap, d->nfiles + 1, sizeof(*d->files));
  f = &d->files[d->nfiles++];
  f->path = xstrdup(path);
  f->root = root;
  f->size = (uint64_t)st->st_size;
  f->mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
  f->dev = (uint64_t)st->st_dev;
  f->ino = (uint64_t)st->st_ino;
}

static int has_jsonl_ext(const char *name)
{
  size_t n = strlen(name);

  return n > 6 && !strcmp(name + n - 6, ".jsonl");
}

/*
 * Directories are walked by a few threads sharing a stack of directories
 * still to list: listing is mostly system calls, and a history of
 * thousands of session directories would otherwise take most of a warm
 * run. Each thread keeps what it finds; discover_files() merges and sorts.
 */
#define WALK_THREADS 4
#define WALK_DEPTH 64 /* deeper than any real layout: bind-mount loops */

struct walk_task {
  char *path;
  size_t root;
  int depth;
};

struct walk_shared {
  const struct discover_dir *memo;
  size_t nmemo;
  pthread_mutex_t lock;
  pthread_cond_t more; /* a task was pushed, or the walk is over */
  struct walk_task *tasks;
  size_t ntasks, cap;
  int busy; /* threads listing a directory */
};

struct walker {
  struct walk_shared *sh;
  struct discover part; /* files and warnings found by this thread */
  pthread_t tid;
  int started;
};

static void push_task(struct walk_shared *sh, const char *path, size_t root,
                      int depth)
{
  sh->tasks = xgrow(sh->tasks, &sh->cap, sh->ntasks + 1, sizeof(*sh->tasks));
  sh->tasks[sh->ntasks].path = xstrdup(path);
  sh->tasks[sh->ntasks].root = root;
  sh->tasks[sh->ntasks].depth = depth;
  sh->ntasks++;
}

static void warn_dir(struct discover *d, const char *path)
{
  buf_addf(&d->warnings, "cannot read directory '%s': %s\n", path,
           strerror(errno));
  d->nwarnings++;
}

static void push_sub(struct walk_task **subs, size_t *nsubs, size_t *cap,
                     const char *path, const struct walk_task *t)
{
  *subs = xgrow(*subs, cap, *nsubs + 1, sizeof(**subs));
  (*subs)[*nsubs].path = xstrdup(path);
  (*subs)[*nsubs].root = t->root;
  (*subs)[*nsubs].depth = t->depth + 1;
  (*nsubs)++;
}

static void add_dir(struct discover *d, const char *path, const char *names,
                    size_t len, const struct stat *st, int listed)
{
  struct discover_dir *r;
  char *copy = xmalloc(len + 1);

  memcpy(copy, names, len);
  d->dirs = xgrow(d->dirs, &d->dcap, d->ndirs + 1, sizeof(*d->dirs));
  r = &d->dirs[d->ndirs++];
  r->path = xstrdup(path);
  r->names = copy;
  r->names_len = len;
  r->dev = (uint64_t)st->st_dev;
  r->ino = (uint64_t)st->st_ino;
  r->mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
  r->listed = listed;
  d->listed += (size_t)listed;
}

/*
 * A directory changed within the last seconds may change again within
 * the same clock tick of the file system (a few ms; seconds on some) and
 * keep its mtime: its listing is not trusted next time.
 */
static int racy(const struct stat *st)
{
  struct timespec now;

  clock_gettime(CLOCK_REALTIME, &now);
  return now.tv_sec - st->st_mtim.tv_sec < 3;
}

const struct discover_dir *discover_dir_find(const struct discover_dir *v,
                                             size_t n, const char *path)
{
  size_t lo = 0, hi = n;

  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(v[mid].path, path);

    if (!c)
      return &v[mid];
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

/* A directory the memo vouches for: its entries are stat'ed by path. */
static int from_memo(struct walker *w, const struct walk_task *t,
                     struct walk_task **subs, size_t *nsubs, size_t *cap)
{
  const struct discover_dir *m =
      discover_dir_find(w->sh->memo, w->sh->nmemo, t->path);
  struct buf path = BUF_INIT;
  struct stat st;
  size_t at;

  if (!m || stat(t->path, &st) || !S_ISDIR(st.st_mode) ||
      m->dev != (uint64_t)st.st_dev || m->ino != (uint64_t)st.st_ino ||
      m->mtime_ns !=
          (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec)
    return 0;
  add_dir(&w->part, t->path, m->names, m->names_len, &st, 0);
  for (at = 0; at < m->names_len;) {
    const char *e = m->names + at;
    size_t n = strnlen(e, m->names_len - at);
    struct stat fst;

    at += n + 1;
    if (n < 2)
      continue;
    buf_reset(&path);
    buf_addf(&path, "%s/%s", t->path, e + 1);
    if (e[0] == 'd' && t->depth < WALK_DEPTH)
      push_sub(subs, nsubs, cap, path.data, t);
    else if (e[0] == 'f' && !lstat(path.data, &fst) && S_ISREG(fst.st_mode))
      add_file(&w->part, path.data, t->root, &fst);
  }
  buf_release(&path);
  return 1;
}

/* Lists one directory: files into w->part, directories into subs. */
static void list_dir(struct walker *w, const struct walk_task *t,
                     struct walk_task **subs, size_t *nsubs, size_t *cap)
{
  struct buf path = BUF_INIT, names = BUF_INIT;
  DIR *dir = NULL;
  struct dirent *de;
  struct stat dst;
  int fd, incomplete = 0;

  /* The files' paths must still open: the same limit as a path walk. */
  if (strlen(t->path) >= PATH_MAX) {
    errno = ENAMETOOLONG;
    warn_dir(&w->part, t->path);
    return;
  }
  if (w->sh->memo && from_memo(w, t, subs, nsubs, cap))
    return;
  fd = open(t->path,
            O_RDONLY | O_DIRECTORY | O_CLOEXEC | (t->depth ? O_NOFOLLOW : 0));
  /* The mtime before the entries: a later change shows as a new mtime. */
  if (fd >= 0 && (fstat(fd, &dst) || !(dir = fdopendir(fd))))
    close(fd);
  if (!dir) {
    warn_dir(&w->part, t->path);
    return;
  }
  buf_adds(&path, t->path);
  for (;;) {
    struct stat st;
    int isdir;

    errno = 0;
    if (!(de = readdir(dir))) {
      if (errno) { /* the listing stopped short: not one to trust */
        warn_dir(&w->part, t->path);
        incomplete = 1;
      }
      break;
    }
    isdir = de->d_type == DT_DIR;

    if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
      continue;
    if (de->d_type == DT_LNK)
      continue;
    if (!isdir && !has_jsonl_ext(de->d_name) && de->d_type != DT_UNKNOWN)
      continue;
    buf_setlen(&path, strlen(t->path));
    buf_addch(&path, '/');
    buf_adds(&path, de->d_name);
    if (!isdir) {
      /* Relative to the directory: no path walk per file. */
      if (fstatat(dirfd(dir), de->d_name, &st, AT_SYMLINK_NOFOLLOW)) {
        incomplete = 1;
        continue;
      }
      isdir = S_ISDIR(st.st_mode);
      if (S_ISREG(st.st_mode) && has_jsonl_ext(de->d_name)) {
        add_file(&w->part, path.data, t->root, &st);
        buf_addf(&names, "f%s", de->d_name);
        buf_addch(&names, 0);
      }
    }
    if (isdir) {
      buf_addf(&names, "d%s", de->d_name);
      buf_addch(&names, 0);
      if (t->depth < WALK_DEPTH)
        push_sub(subs, nsubs, cap, path.data, t);
    }
  }
  closedir(dir);
  add_dir(&w->part, t->path, names.data, names.len, &dst, 1);
  if (incomplete || racy(&dst))
    w->part.dirs[w->part.ndirs - 1].mtime_ns = DISCOVER_RACY;
  buf_release(&names);
  buf_release(&path);
}

static void *walker_main(void *arg)
{
  struct walker *w = arg;
  struct walk_shared *sh = w->sh;
  struct walk_task *subs = NULL;
  size_t nsubs, cap = 0, i;

  pthread_mutex_lock(&sh->lock);
  for (;;) {
    struct walk_task t;

    while (!sh->ntasks && sh->busy)
      pthread_cond_wait(&sh->more, &sh->lock);
    if (!sh->ntasks)
      break; /* nothing queued and nobody listing: done */
    t = sh->tasks[--sh->ntasks];
    sh->busy++;
    pthread_mutex_unlock(&sh->lock);
    nsubs = 0;
    list_dir(w, &t, &subs, &nsubs, &cap);
    free(t.path);
    pthread_mutex_lock(&sh->lock);
    for (i = 0; i < nsubs; i++) {
      sh->tasks =
          xgrow(sh->tasks, &sh->cap, sh->ntasks + 1, sizeof(*sh->tasks));
      sh->tasks[sh->ntasks++] = subs[i];
    }
    sh->busy--;
    pthread_cond_broadcast(&sh->more);
  }
  pthread_cond_broadcast(&sh->more);
  pthread_mutex_unlock(&sh->lock);
  free(subs);
  return NULL;
}

static int cmp_line(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends the warning lines of every part to d, sorted (thread order is
 * not deterministic, the output must be). */
static void merge_warnings(struct discover *d, struct walker *ws, int n)
{
  char **lines = NULL;
  size_t nl = 0, cap = 0, i;
  int t;

  for (t = 0; t < n; t++) {
    char *p = ws[t].part.warnings.data, *nl_at;

    while (ws[t].part.warnings.len && (nl_at = strchr(p, '\n'))) {
      lines = xgrow(lines, &cap, nl + 1, sizeof(*lines));
      lines[nl++] = p;
      *nl_at = 0;
      p = nl_at + 1;
    }
  }
  if (nl > 1)
    qsort(lines, nl, sizeof(*lines), cmp_line);
  for (i = 0; i < nl; i++) {
    buf_adds(&d->warnings, lines[i]);
    buf_addch(&d->warnings, '\n');
  }
  d->nwarnings += nl;
  free(lines);
}

static void walk_all(struct discover *d)
{
  struct walk_shared sh;
  struct walker ws[WALK_THREADS];
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  int nt = cpus < 1 ? 1 : cpus > WALK_THREADS ? WALK_THREADS : (int)cpus, t;
  size_t i;

  memset(&sh, 0, sizeof(sh));
  sh.memo = d->memo;
  sh.nmemo = d->nmemo;
  pthread_mutex_init(&sh.lock, NULL);
  pthread_cond_init(&sh.more, NULL);
  for (i = 0; i < d->nroots; i++)
    push_task(&sh, d->roots[i], i, 0);
  memset(ws, 0, sizeof(ws));
  for (t = 0; t < nt; t++) {
    ws[t].sh = &sh;
    discover_init(&ws[t].part);
    ws[t].started = !pthread_create(&ws[t].tid, NULL, walker_main, &ws[t]);
  }
  for (t = 0; t < nt; t++)
    if (ws[t].started)
      pthread_join(ws[t].tid, NULL);
  if (sh.ntasks) /* no thread could start: walk here */
    walker_main(&ws[0]);
  for (t = 0; t < nt; t++) {
    struct discover *p = &ws[t].part;

    d->files =
        xgrow(d->files, &d->cap, d->nfiles + p->nfiles + 1, sizeof(*d->files));
    if (p->nfiles)
      memcpy(d->files + d->nfiles, p->files, p->nfiles * sizeof(*p->files));
    d->nfiles += p->nfiles;
    p->nfiles = 0; /* the paths now belong to d */
    d->dirs =
        xgrow(d->dirs, &d->dcap, d->ndirs + p->ndirs + 1, sizeof(*d->dirs));
    if (p->ndirs)
      memcpy(d->dirs + d->ndirs, p->dirs, p->ndirs * sizeof(*p->dirs));
    d->ndirs += p->ndirs;
    d->listed += p->listed;
    p->ndirs = 0;
  }
  merge_warnings(d, ws, nt);
  for (t = 0; t < nt; t++)
    discover_release(&ws[t].part);
  free(sh.tasks);
  pthread_cond_destroy(&sh.more);
  pthread_mutex_destroy(&sh.lock);
}

static int cmp_dir(const void *a, const void *b)
{
  return strcmp(((const struct discover_dir *)a)->path,
                ((const struct discover_dir *)b)->path);
}

/* Ties (one file under two nested roots) by root, as qsort is not stable. */
static int cmp_path(const void *pa, const void *pb)
{
  const struct source_file *a = pa, *b = pb;
  int c = strcmp(a->path, b->path);

  if (c)
    return c;
  return a->root < b->root ? -1 : a->root > b->root;
}

static int cmp_identity(const void *pa, const void *pb, void *files)
{
  const struct source_file *f = files;
  size_t a = *(const size_t *)pa, b = *(const size_t *)pb;

  if (f[a].dev != f[b].dev)
    return f[a].dev < f[b].dev ? -1 : 1;
  if (f[a].ino != f[b].ino)
    return f[a].ino < f[b].ino ? -1 : 1;
  return a < b ? -1 : a > b; /* path order: the first name is kept */
}

/* One file under two names (hard links, bind mounts, linked trees) is read
 * once, under the name that sorts first. */
static void drop_aliases(struct discover *d)
{
  size_t *ix, i, out = 0;
  uint8_t *drop;

  if (d->nfiles < 2)
    return;
  ix = xmalloc(d->nfiles * sizeof(*ix));
  drop = xcalloc(d->nfiles, 1);
  for (i = 0; i < d->nfiles; i++)
    ix[i] = i;
  qsort_r(ix, d->nfiles, sizeof(*ix), cmp_identity, d->files);
  for (i = 1; i < d->nfiles; i++)
    if (d->files[ix[i]].dev == d->files[ix[i - 1]].dev &&
        d->files[ix[i]].ino == d->files[ix[i - 1]].ino)
      drop[ix[i]] = 1;
  for (i = 0; i < d->nfiles; i++) {
    if (drop[i]) {
      free(d->files[i].path);
      continue;
    }
    d->files[out++] = d->files[i];
  }
  d->nfiles = out;
  free(drop);
  free(ix);
}

int discover_files(struct discover *d, struct err *e)
{
  size_t i, out = 0;

  (void)e;
  walk_all(d);
  if (d->ndirs > 1)
    qsort(d->dirs, d->ndirs, sizeof(*d->dirs), cmp_dir);
  if (d->nfiles > 1) /* files is NULL when empty: qsort wants non-NULL */
    qsort(d->files, d->nfiles, sizeof(*d->files), cmp_path);
  /* The same file reached through two roots is read once, first root's. */
  for (i = 0; i < d->nfiles; i++) {
    if (out && !strcmp(d->files[out - 1].path, d->files[i].path)) {
      free(d->files[i].path);
      continue;
    }
    d->files[out++] = d->files[i];
  }
  d->nfiles = out;
  drop_aliases(d);
  return 0;
}
