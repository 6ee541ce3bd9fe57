/* Reading an index file into memory. */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "index/internal.h"
#include "source/scan.h"
#include "util/xalloc.h"
#include "util/banned.h"

void ix_init(struct ix *x)
{
  memset(x, 0, sizeof(*x));
  x->fd = -1;
  strtab_init(&x->strs);
  buf_init(&x->roots, 0);
}

void ix_release(struct ix *x)
{
  if (x->map)
    munmap(x->map, x->len);
  if (x->fd >= 0)
    close(x->fd);
  strtab_release(&x->strs);
  buf_release(&x->roots);
  free(x->files);
  free(x->touched);
  free(x->file_at);
  free(x->jcopies);
  free(x->issues);
  free(x->dirs);
  memset(x, 0, sizeof(*x));
}

struct idx_file *ix_file(struct ix *x, uint32_t path)
{
  if (!path || path >= x->nfile_at || !x->file_at[path])
    return NULL;
  return &x->files[x->file_at[path] - 1];
}

void ix_put_file(struct ix *x, const struct idx_file *f)
{
  struct idx_file *old = ix_file(x, f->path);

  if (old) {
    *old = *f;
    x->touched[old - x->files] = 1;
    return;
  }
  if (f->path >= x->nfile_at) {
    size_t n = x->nfile_at, want = (size_t)f->path + 1;

    x->file_at = xgrow(x->file_at, &x->nfile_at, want, sizeof(*x->file_at));
    memset(x->file_at + n, 0, (x->nfile_at - n) * sizeof(*x->file_at));
  }
  x->files = xgrow(x->files, &x->fcap, x->nfiles + 1, sizeof(*x->files));
  x->touched = xrealloc(x->touched, x->fcap);
  x->touched[x->nfiles] = 1;
  x->files[x->nfiles++] = *f;
  x->file_at[f->path] = (uint32_t)x->nfiles;
}

int ix_events_valid(const struct ix *x, const struct event *ev, size_t n)
{
  uint32_t lim = x->strs.n;
  size_t i;

  for (i = 0; i < n; i++) {
    const struct event *e = &ev[i];

    if (e->session >= lim || e->model >= lim || e->cwd >= lim ||
        e->file >= lim || e->uuid_str >= lim || e->key_kind > EVENT_KEY_UUID)
      return -1;
  }
  return 0;
}

static int load_files(struct ix *x, const struct idx_seg_head *h,
                      const unsigned char *p)
{
  size_t i;

  if (h->len != (uint64_t)h->count * sizeof(struct idx_file))
    return -1;
  for (i = 0; i < h->count; i++) {
    struct idx_file f;

    memcpy(&f, p + i * sizeof(f), sizeof(f));
    if (!f.path || f.path >= x->strs.n ||
        (f.state != IDX_LIVE && f.state != IDX_GONE) || f.end > f.size)
      return -1;
    ix_put_file(x, &f);
  }
  return 0;
}

static int load_issues(struct ix *x, const struct idx_seg_head *h,
                       const unsigned char *p)
{
  if (h->len != (uint64_t)h->count * sizeof(struct idx_issue))
    return -1;
  x->issues =
      xgrow(x->issues, &x->icap, x->nissues + h->count + 1, sizeof(*x->issues));
  memcpy(x->issues + x->nissues, p, (size_t)h->len);
  x->nissues += h->count;
  return 0;
}

/* Entries a walk may follow: 'd' or 'f' and a plain name, no path. */
static int names_sound(const char *names, size_t len)
{
  size_t at = 0;

  while (at < len) {
    const char *e = names + at;
    size_t n = strnlen(e, len - at);

    if (n < 2 || n == len - at || (e[0] != 'd' && e[0] != 'f') ||
        memchr(e + 1, '/', n - 1) || !strcmp(e + 1, ".") ||
        !strcmp(e + 1, ".."))
      return 0;
    at += n + 1;
  }
  return 1;
}

static int load_dirs(struct ix *x, const struct idx_seg_head *h,
                     const unsigned char *p)
{
  size_t at = 0, len = (size_t)h->len;
  uint32_t i;

  for (i = 0; i < h->count; i++) {
    struct idx_dir_head d;
    struct discover_dir *r;
    const char *path;
    size_t rec;

    if (len - at < sizeof(d))
      return -1;
    memcpy(&d, p + at, sizeof(d));
    rec = sizeof(d) + (size_t)d.path_len + 1 + d.names_len;
    if (rec > len - at)
      return -1;
    path = (const char *)p + at + sizeof(d);
    if (path[d.path_len] != 0 ||
        (d.names_len && path[d.path_len + d.names_len] != 0))
      return -1;
    x->dirs = xgrow(x->dirs, &x->dcap, x->ndirs + 1, sizeof(*x->dirs));
    r = &x->dirs[x->ndirs++];
    memset(r, 0, sizeof(*r));
    r->path = path;
    r->names = path + d.path_len + 1;
    r->names_len = d.names_len;
    r->dev = d.dev;
    r->ino = d.ino;
    r->mtime_ns = d.mtime_ns;
    r->listed = (int)x->ndirs; /* arrival order, until ix_dirs_finish */
    if (!names_sound(r->names, r->names_len))
      return -1;
    at += rec + (IDX_ALIGN - rec % IDX_ALIGN) % IDX_ALIGN;
    if (at > len)
      return -1;
  }
  return 0;
}

static int cmp_dir_newest(const void *pa, const void *pb)
{
  const struct discover_dir *a = pa, *b = pb;
  int c = strcmp(a->path, b->path);

  if (c)
    return c;
  return a->listed > b->listed ? -1 : a->listed < b->listed;
}

void ix_dirs_finish(struct ix *x)
{
  size_t i, out = 0;

  if (x->ndirs > 1)
    qsort(x->dirs, x->ndirs, sizeof(*x->dirs), cmp_dir_newest);
  for (i = 0; i < x->ndirs; i++)
    if (!out || strcmp(x->dirs[out - 1].path, x->dirs[i].path) != 0) {
      x->dirs[out] = x->dirs[i];
      x->dirs[out++].listed = 0;
    }
  x->ndirs = out;
}

static int events_of(const struct idx_seg_head *h, const unsigned char *p,
                     const struct event **ev, size_t *n)
{
  if (h->len != (uint64_t)h->count * sizeof(struct event))
    return -1;
  *ev = (const void *)p;
  *n = h->count;
  return 0;
}

/* One segment; base says whether it is part of the base. */
static int load_seg(struct ix *x, const struct idx_seg_head *h,
                    const unsigned char *p, int base)
{
  const struct event *ev;
  size_t n;

  switch (h->kind) {
  case SEG_ROOTS:
    buf_add(&x->roots, p, (size_t)h->len);
    return base ? 0 : -1;
  case SEG_STRINGS:
    return idx_strings_load(&x->strs, h, p);
  case SEG_FILES:
    return load_files(x, h, p);
  case SEG_ISSUES:
    return load_issues(x, h, p);
  case SEG_DIRS:
    return load_dirs(x, h, p);
  case SEG_META:
    if (!base || h->len != sizeof(x->meta))
      return -1;
    memcpy(&x->meta, p, sizeof(x->meta));
    return 0;
  case SEG_PAD:
    return 0;
  case SEG_WINNERS:
    if (!base || events_of(h, p, &x->win, &x->nwin))
      return -1;
    x->win_off = (size_t)(p - x->map);
    if (x->win_off % IDX_PAGE)
      return -1;
    return ix_events_valid(x, x->win, x->nwin);
  case SEG_COPIES:
    if (events_of(h, p, &ev, &n))
      return -1;
    if (base) {
      x->bcopies = ev;
      x->nbcopies = n;
      x->bcopies_head = *h;
      return 0;
    }
    if (ix_events_valid(x, ev, n))
      return -1;
    x->jcopies =
        xgrow(x->jcopies, &x->jcap, x->njcopies + n + 1, sizeof(*x->jcopies));
    memcpy(x->jcopies + x->njcopies, ev, n * sizeof(*ev));
    x->njcopies += n;
    return 0;
  default:
    return -1;
  }
}

/*
 * The segments from pos on. The base's apply as they come; a journal
 * append's are held until its SEG_COMMIT, so an append cut short (a
 * signal, a crash, a bad block) counts for nothing, not for its file
 * records without its copies.
 */
static enum ix_status read_segments(struct ix *x, size_t pos)
{
  struct idx_seg_head held_h[64];
  const unsigned char *held_p[64];
  size_t nheld = 0, i, end = pos;
  int base = 1;

  for (;;) {
    struct idx_seg_head h;
    const unsigned char *p;

    if (idx_seg_next(x->map, x->len, &pos, &h, &p, 0))
      break;
    /* The base's copies are large and needed only to rebuild. */
    if (!(base && h.kind == SEG_COPIES) && idx_seg_verify(&h, p))
      break;
    if (h.kind == SEG_BASE_END) {
      if (!base)
        return IX_CORRUPT;
      base = 0;
      end = x->base_end = pos;
      x->nstr_saved = x->strs.n;
      continue;
    }
    if (base) {
      if (load_seg(x, &h, p, 1))
        return IX_CORRUPT;
      continue;
    }
    if (h.kind != SEG_COMMIT) {
      if (nheld == sizeof(held_h) / sizeof(held_h[0]))
        break; /* no append holds that many: not one of ours */
      held_h[nheld] = h;
      held_p[nheld++] = p;
      continue;
    }
    for (i = 0; i < nheld; i++)
      if (load_seg(x, &held_h[i], held_p[i], 0))
        return IX_CORRUPT;
    x->journal_segments++;
    nheld = 0;
    end = pos;
  }
  /* A damaged base is corrupt; a damaged journal tail is a torn append. */
  if (base)
    return IX_CORRUPT;
  x->valid_end = end;
  x->nstr_saved = x->strs.n;
  memset(x->touched, 0, x->nfiles);
  ix_dirs_finish(x);
  return IX_OK;
}

enum ix_status ix_read(struct ix *x, int fd)
{
  struct stat st;
  struct idx_header hd;

  x->fd = fd;
  if (fstat(fd, &st) || st.st_size == 0)
    return IX_MISSING;
  x->ino = (uint64_t)st.st_ino;
  if ((uint64_t)st.st_size < sizeof(hd))
    return IX_CORRUPT;
  x->len = (size_t)st.st_size;
  /* Writable but private: the result may compact its set in place. */
  x->map = mmap(NULL, x->len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  if (x->map == MAP_FAILED) {
    x->map = NULL;
    return IX_CORRUPT;
  }
  memcpy(&hd, x->map, sizeof(hd));
  if (idx_header_check(&hd))
    return memcmp(hd.magic, IDX_MAGIC, sizeof(hd.magic)) != 0 ? IX_CORRUPT
                                                              : IX_STALE;
  x->created_ms = hd.created_ms;
  return read_segments(x, sizeof(hd));
}
