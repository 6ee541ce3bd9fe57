/* Finding transcript files. */
/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source/discover.h"
#include "util/xalloc.h"
#include "util/banned.h"

void discover_init(struct discover *d)
{
  memset(d, 0, sizeof(*d));
  buf_init(&d->warnings, 0);
}

void discover_release(struct discover *d)
{
  size_t i;

  for (i = 0; i < d->nroots; i++)
    free(d->roots[i]);
  free(d->roots);
  for (i = 0; i < d->nfiles; i++)
    free(d->files[i].path);
  free(d->files);
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

/* Walks the directory open at fd (taken over), whose path is path. Names
 * are looked up relative to the directory: no path walk per file. */
static void walk(struct discover *d, struct buf *path, int fd, size_t root,
                 int depth)
{
  DIR *dir = NULL;
  struct dirent *de;
  size_t base = path->len;

  /* The files' paths must still open: the same limit as a path walk. */
  if (path->len >= PATH_MAX)
    errno = ENAMETOOLONG;
  else if (fd >= 0)
    dir = fdopendir(fd);
  if (!dir) {
    buf_addf(&d->warnings, "cannot read directory '%s': %s\n", path->data,
             strerror(errno));
    d->nwarnings++;
    if (fd >= 0)
      close(fd);
    return;
  }
  while ((de = readdir(dir))) {
    struct stat st;
    int isdir = de->d_type == DT_DIR;

    if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
      continue;
    if (de->d_type == DT_LNK)
      continue;
    if (!isdir && !has_jsonl_ext(de->d_name) && de->d_type != DT_UNKNOWN)
      continue;
    buf_setlen(path, base);
    buf_addch(path, '/');
    buf_adds(path, de->d_name);
    if (!isdir) {
      if (fstatat(dirfd(dir), de->d_name, &st, AT_SYMLINK_NOFOLLOW))
        continue;
      isdir = S_ISDIR(st.st_mode);
      if (S_ISREG(st.st_mode) && has_jsonl_ext(de->d_name))
        add_file(d, path->data, root, &st);
    }
    /* deeper than any real layout: guards against bind-mount loops */
    if (isdir && depth < 64)
      walk(d, path,
           openat(dirfd(dir), de->d_name,
                  O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC),
           root, depth + 1);
  }
  buf_setlen(path, base);
  closedir(dir);
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
  struct buf path = BUF_INIT;
  size_t i, out = 0;

  (void)e;
  for (i = 0; i < d->nroots; i++) {
    buf_reset(&path);
    buf_adds(&path, d->roots[i]);
    walk(d, &path,
         open(path.data, O_RDONLY | O_DIRECTORY | O_CLOEXEC), i, 0);
  }
  buf_release(&path);
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
