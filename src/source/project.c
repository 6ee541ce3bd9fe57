/* Project names from cwds and git metadata. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "source/project.h"
#include "source/readfile.h"
#include "util/xalloc.h"
#include "util/banned.h"

static void last_component(const char *p, size_t n, struct buf *out)
{
  size_t e = n, s;

  while (e > 1 && p[e - 1] == '/')
    e--;
  s = e;
  while (s > 0 && p[s - 1] != '/')
    s--;
  buf_reset(out);
  if (e > s)
    buf_add(out, p + s, e - s);
  else
    buf_add(out, p, n ? n : 0);
}

/* Reads at most 64 KB of a small metadata file (never a FIFO). */
static int read_small(const char *path, struct buf *out)
{
  buf_reset(out);
  return readfile(path, 65536, out, NULL) ? -1 : 0;
}

/* The name of the origin remote's repository, from a git config file. */
static int origin_name(const char *gitdir, struct buf *out)
{
  struct buf path = BUF_INIT, cfg = BUF_INIT;
  const char *p, *url = NULL;
  size_t n = 0;
  int in_origin = 0, r = -1;

  buf_addf(&path, "%s/config", gitdir);
  if (read_small(path.data, &cfg))
    goto out;
  for (p = cfg.data; *p;) {
    const char *eol = strchr(p, '\n'), *s = p;
    size_t len = eol ? (size_t)(eol - p) : strlen(p);

    while (len && (*s == ' ' || *s == '\t'))
      s++, len--;
    if (len && *s == '[') {
      in_origin = len >= 17 && !memcmp(s, "[remote \"origin\"]", 17);
    } else if (in_origin && len > 3 && !memcmp(s, "url", 3)) {
      const char *v = memchr(s, '=', len);

      if (v) {
        v++;
        while (*v == ' ' || *v == '\t')
          v++;
        url = v;
        n = len - (size_t)(v - s);
        while (n && (url[n - 1] == ' ' || url[n - 1] == '\r'))
          n--;
        break;
      }
    }
    if (!eol)
      break;
    p = eol + 1;
  }
  if (url && n) {
    /* host:owner/repo.git, https://host/owner/repo(.git)(/), and a local
     * /path/repo/.git */
    while (n && url[n - 1] == '/')
      n--;
    if (n > 4 && !memcmp(url + n - 4, ".git", 4))
      n -= 4;
    while (n && url[n - 1] == '/')
      n--;
    {
      size_t s = n;

      while (s > 0 && url[s - 1] != '/' && url[s - 1] != ':')
        s--;
      if (n > s) {
        buf_reset(out);
        buf_add(out, url + s, n - s);
        r = 0;
      }
    }
  }
out:
  buf_release(&path);
  buf_release(&cfg);
  return r;
}

/* Collapses "." and ".." components of an absolute path, in place. */
static void collapse_path(struct buf *p)
{
  char *s = p->data;
  size_t i = 0, o = 0, n = p->len;

  while (i < n) {
    size_t j;

    while (i < n && s[i] == '/')
      i++;
    for (j = i; j < n && s[j] != '/'; j++)
      ;
    if (j - i == 2 && s[i] == '.' && s[i + 1] == '.') {
      while (o > 0 && s[o - 1] != '/')
        o--;
      if (o > 0)
        o--;
    } else if (j > i && !(j - i == 1 && s[i] == '.')) {
      s[o++] = '/';
      memmove(s + o, s + i, j - i);
      o += j - i;
    }
    i = j;
  }
  if (!o)
    s[o++] = '/';
  buf_setlen(p, o);
}

/*
 * A linked worktree's git dir names the repository's own one in its
 * "commondir" file (relative to it, usually "../.."). Replaces gitdir
 * with that directory; -1 if there is no such file.
 */
static int common_dir(struct buf *gitdir)
{
  struct buf path = BUF_INIT, txt = BUF_INIT;
  int r = -1;

  buf_addf(&path, "%s/commondir", gitdir->data);
  if (!read_small(path.data, &txt) && txt.len) {
    size_t n = strcspn(txt.data, "\r\n");

    buf_reset(&path);
    if (txt.data[0] != '/')
      buf_addf(&path, "%s/", gitdir->data);
    buf_add(&path, txt.data, n);
    collapse_path(&path);
    buf_reset(gitdir);
    buf_add(gitdir, path.data, path.len);
    r = 0;
  }
  buf_release(&path);
  buf_release(&txt);
  return r;
}

/* For a `.git` file: the repository's own git dir (main one for worktrees). */
static int gitdir_from_file(const char *dotgit, const char *top,
                            struct buf *gitdir, struct buf *maintop)
{
  struct buf txt = BUF_INIT;
  const char *v;
  char *wt;
  size_t n;

  if (read_small(dotgit, &txt) || strncmp(txt.data, "gitdir:", 7) != 0) {
    buf_release(&txt);
    return -1;
  }
  v = txt.data + 7;
  while (*v == ' ')
    v++;
  n = strcspn(v, "\r\n");
  buf_reset(gitdir);
  if (*v != '/')
    buf_addf(gitdir, "%s/", top);
  buf_add(gitdir, v, n);
  buf_reset(maintop);
  buf_adds(maintop, top);
  if (!common_dir(gitdir)) {
    /* <main>/.git, or a bare repository (no main work tree): itself. */
    n = gitdir->len;
    buf_reset(maintop);
    if (n > 5 && !memcmp(gitdir->data + n - 5, "/.git", 5))
      buf_add(maintop, gitdir->data, n - 5);
    else
      buf_add(maintop, gitdir->data, n);
    buf_release(&txt);
    return 0;
  }
  /* No commondir: <main>/.git/worktrees/<name> is <main>'s. */
  wt = strstr(gitdir->data, "/.git/worktrees/");
  if (wt) {
    buf_reset(maintop);
    buf_add(maintop, gitdir->data, (size_t)(wt - gitdir->data));
    buf_setlen(gitdir, (size_t)(wt - gitdir->data) + 5);
  }
  buf_release(&txt);
  return 0;
}

void project_name_for_cwd(const char *cwd, struct buf *out)
{
  struct buf dir = BUF_INIT, dotgit = BUF_INIT, gitdir = BUF_INIT,
             top = BUF_INIT;
  struct stat st;
  int depth;

  buf_adds(&dir, cwd);
  while (dir.len > 1 && dir.data[dir.len - 1] == '/')
    buf_setlen(&dir, dir.len - 1);
  for (depth = 0; dir.len && dir.data[0] == '/' && depth < 64; depth++) {
    buf_reset(&dotgit);
    buf_addf(&dotgit, "%s/.git", dir.len > 1 ? dir.data : "");
    if (!stat(dotgit.data, &st)) {
      int ok = 0;

      if (S_ISDIR(st.st_mode)) {
        buf_reset(&gitdir);
        buf_adds(&gitdir, dotgit.data);
        buf_reset(&top);
        buf_adds(&top, dir.data);
        ok = 1;
      } else if (S_ISREG(st.st_mode)) {
        ok = !gitdir_from_file(dotgit.data, dir.data, &gitdir, &top);
      }
      if (ok) {
        if (origin_name(gitdir.data, out))
          last_component(top.data, top.len, out);
        goto done;
      }
    }
    if (dir.len <= 1)
      break;
    {
      char *slash = strrchr(dir.data, '/');

      buf_setlen(&dir, slash == dir.data ? 1 : (size_t)(slash - dir.data));
    }
  }
  last_component(cwd, strlen(cwd), out);
  if (!out->len)
    buf_adds(out, "(unknown)");
done:
  buf_release(&dir);
  buf_release(&dotgit);
  buf_release(&gitdir);
  buf_release(&top);
}

void project_map_release(struct project_map *pm)
{
  strtab_release(&pm->names);
  free(pm->by_id);
  memset(pm, 0, sizeof(*pm));
}

static void name_file(struct project_map *pm, const struct discover *d,
                      size_t i, uint32_t id, struct buf *tmp)
{
  const char *path = d->files[i].path, *root = d->roots[d->files[i].root];
  size_t rn = strlen(root);
  const char *rel = path, *slash;

  if (!strncmp(path, root, rn) && path[rn] == '/')
    rel = path + rn + 1;
  slash = strchr(rel, '/');
  buf_reset(tmp);
  if (slash)
    buf_add(tmp, rel, (size_t)(slash - rel));
  else
    buf_adds(tmp, "(unknown)");
  pm->by_id[id] = strtab_intern(&pm->names, tmp->data, tmp->len);
}

void project_map_build(struct project_map *pm, const struct dedup *set,
                       const struct discover *d)
{
  struct buf name = BUF_INIT;
  size_t i;

  memset(pm, 0, sizeof(*pm));
  strtab_init(&pm->names);
  pm->n = set->strs.n;
  pm->by_id = xcalloc(pm->n + 1, sizeof(*pm->by_id));
  for (i = 0; i < set->n; i++) {
    uint32_t cwd = set->ev[i].cwd;

    if (cwd && !pm->by_id[cwd]) {
      project_name_for_cwd(strtab_get(&set->strs, cwd), &name);
      pm->by_id[cwd] = strtab_intern(&pm->names, name.data, name.len);
    }
  }
  if (d)
    for (i = 0; i < d->nfiles; i++) {
      uint32_t id =
          strtab_find(&set->strs, d->files[i].path, strlen(d->files[i].path));

      if (id && id < pm->n && !pm->by_id[id])
        name_file(pm, d, i, id, &name);
    }
  buf_release(&name);
}
