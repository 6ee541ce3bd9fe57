/* The incremental index: what changed is read, the rest is loaded. */
/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/dedup.h"
#include "index/dir.h"
#include "index/index.h"
#include "index/internal.h"
#include "index/rebuild.h"
#include "index/write.h"
#include "util/hash.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* Journal copies beyond this plus an eighth of the base's copies mean a
 * rewrite: each run overlays the whole journal. */
#define JOURNAL_MIN 4096
#define JOURNAL_BYTES (4u << 20)
#define JOURNAL_APPENDS 512 /* each run reads them all */

void index_stats_init(struct index_stats *is)
{
  memset(is, 0, sizeof(*is));
  buf_init(&is->path, 0);
}

void index_stats_release(struct index_stats *is)
{
  free(is->gone);
  buf_release(&is->path);
  memset(is, 0, sizeof(*is));
}

/* What this run must do, per discovered file. */
struct plan {
  size_t ndirs_new;     /* directories listed that the index lacks */
  uint64_t *start;      /* UINT64_MAX: nothing to read */
  uint64_t *start_line; /* lines before start */
  uint8_t *reread;      /* read from the start: old copies void */
  size_t nscan, nnew, ngrown, nreread, ntouched, ngone_now;
  int dirty; /* the index must be written */
};

static void plan_init(struct plan *p, size_t nfiles)
{
  memset(p, 0, sizeof(*p));
  p->start = xmalloc((nfiles + 1) * sizeof(*p->start));
  p->start_line = xcalloc(nfiles + 1, sizeof(*p->start_line));
  p->reread = xcalloc(nfiles + 1, 1);
}

static void plan_release(struct plan *p)
{
  free(p->start);
  free(p->start_line);
  free(p->reread);
  memset(p, 0, sizeof(*p));
}

/* 1 when the bytes the index read are still there, unchanged. */
static int grew_only(const struct source_file *f, const struct idx_file *rec)
{
  uint64_t c;

  if (rec->open_tail || f->size < rec->size)
    return 0;
  return !scan_tail_check(f->path, rec->end, &c) && c == rec->check;
}

/*
 * Compares what is on disk with the index. Files that vanished are
 * marked gone in x (their copies stay); p says what to read.
 */
static void plan_make(struct ix *x, const struct discover *d, struct plan *p)
{
  uint8_t *seen = xcalloc(x->nfiles + 1, 1);
  size_t i;

  plan_init(p, d->nfiles);
  for (i = 0; i < d->nfiles; i++) {
    const struct source_file *f = &d->files[i];
    uint32_t id = strtab_find(&x->strs, f->path, strlen(f->path));
    struct idx_file *rec = ix_file(x, id);

    p->start[i] = UINT64_MAX;
    if (!rec) {
      p->start[i] = 0;
      p->nnew++;
    } else {
      seen[rec - x->files] = 1;
      if (rec->state == IDX_LIVE && rec->dev == f->dev && rec->ino == f->ino &&
          rec->size == f->size && rec->mtime_ns == f->mtime_ns)
        continue;
      if (rec->state == IDX_LIVE && rec->dev == f->dev && rec->ino == f->ino &&
          grew_only(f, rec)) {
        p->start[i] = rec->end;
        p->start_line[i] = rec->lines;
        p->ngrown++;
      } else {
        p->start[i] = 0;
        p->reread[i] = 1;
        p->nreread++;
      }
    }
    p->nscan++;
    p->dirty = 1;
  }
  /* Directories this walk had to read and the index does not have as
   * they are now: recording them spares the next run reading them. */
  for (i = 0; i < d->ndirs; i++) {
    const struct discover_dir *w = &d->dirs[i], *m;

    if (!w->listed)
      continue;
    m = discover_dir_find(x->dirs, x->ndirs, w->path);
    if (!m || m->dev != w->dev || m->ino != w->ino ||
        m->mtime_ns != w->mtime_ns || m->names_len != w->names_len ||
        memcmp(m->names, w->names, w->names_len) != 0) {
      p->ndirs_new++;
      p->dirty = 1;
    }
  }
  for (i = 0; i < x->nfiles; i++)
    if (!seen[i] && x->files[i].state == IDX_LIVE) {
      x->files[i].state = IDX_GONE;
      x->touched[i] = 1;
      p->ngone_now++;
      p->dirty = 1;
    }
  free(seen);
}

/* The scan's copies with their strings moved into x->strs. */
static struct event *take_copies(struct ix *x, struct scan_result *s, size_t *n)
{
  struct dedup *set = &s->set;
  struct event *ev = set->ev;
  uint32_t *map;
  size_t i;

  *n = set->n;
  set->ev = NULL;
  set->n = set->cap = 0;
  if (x->strs.n == 1) {
    /* A fresh index takes the scan's strings as they are. */
    strtab_release(&x->strs);
    x->strs = set->strs;
    strtab_init(&set->strs);
    return ev;
  }
  map = xcalloc(set->strs.n + 1, sizeof(*map));
  for (i = 0; i < *n; i++)
    event_remap(&ev[i], map, &set->strs, &x->strs);
  free(map);
  return ev;
}

static uint32_t path_id(struct ix *x, const char *path)
{
  return strtab_intern(&x->strs, path, strlen(path));
}

/* The new record of a file the scan read. */
static void file_update(struct ix *x, const struct source_file *f,
                        const struct scan_file *sf, int from_start)
{
  struct idx_file rec, *old;

  memset(&rec, 0, sizeof(rec));
  rec.path = path_id(x, f->path);
  old = ix_file(x, rec.path);
  if (old && !from_start)
    rec = *old;
  rec.state = IDX_LIVE;
  rec.dev = f->dev;
  rec.ino = f->ino;
  rec.size = f->size;
  rec.mtime_ns = f->mtime_ns;
  if (sf->scanned) {
    rec.end = sf->end;
    rec.check = sf->check;
    rec.lines += sf->lines;
    rec.blank += sf->st.blank;
    rec.malformed += sf->st.malformed;
    rec.bad_utf8 += sf->st.bad_utf8;
    rec.too_long += sf->st.too_long;
    rec.records += sf->st.records;
    rec.truncated = sf->st.truncated;
    rec.open_tail = (uint32_t)sf->open_tail;
  }
  ix_put_file(x, &rec);
}

/* Everything a writer gathered from the scan. */
struct update {
  struct event *copies; /* new copies, ids in x->strs */
  size_t ncopies;
  struct idx_issue *issues;
  size_t nissues;
  uint8_t *void_path; /* per string id: the file's old copies are void */
  size_t nvoid;
};

static void update_release(struct update *u)
{
  free(u->copies);
  free(u->issues);
  free(u->void_path);
  memset(u, 0, sizeof(*u));
}

static int scan_changes(struct ix *x, const struct discover *d,
                        const struct plan *p, const struct index_opts *o,
                        struct scan_result *r, struct update *u,
                        struct index_stats *is, struct err *e)
{
  struct scan_opts so = o->scan;
  struct scan_result s;
  size_t i, k = 0;
  uint32_t *ids;
  uint8_t *bad;

  scan_result_init(&s);
  so.start = p->start;
  so.start_line = p->start_line;
  so.by_file = 1;
  so.collect_issues = 1;
  if (scan_run(d, &so, &s, e)) {
    scan_result_release(&s);
    return ERR_IO;
  }
  buf_add(&r->warnings, s.warnings.data, s.warnings.len);
  r->st.unreadable = s.st.unreadable;
  is->bytes_read = s.st.bytes;
  u->copies = take_copies(x, &s, &u->ncopies);
  ids = xcalloc(d->nfiles + 1, sizeof(*ids));
  u->void_path = xcalloc(x->strs.n + d->nfiles + 1, 1);
  for (i = 0; i < d->nfiles; i++) {
    if (p->start[i] == UINT64_MAX || s.files[i].unreadable)
      continue;
    ids[i] = path_id(x, d->files[i].path);
    if (p->reread[i])
      u->void_path[ids[i]] = 1;
    file_update(x, &d->files[i], &s.files[i], p->start[i] == 0);
  }
  u->nvoid = x->strs.n;
  /* Copies from a file that failed half-way are read again next time. */
  bad = xcalloc(x->strs.n + 1, 1);
  for (i = 0; i < d->nfiles; i++)
    if (p->start[i] != UINT64_MAX && s.files[i].unreadable) {
      uint32_t id =
          strtab_find(&x->strs, d->files[i].path, strlen(d->files[i].path));

      bad[id] = 1;
    }
  for (i = 0; i < u->ncopies; i++)
    if (!bad[u->copies[i].file])
      u->copies[k++] = u->copies[i];
  u->ncopies = k;
  free(bad);
  u->issues = xmalloc((s.nissues + 1) * sizeof(*u->issues));
  for (i = 0; i < s.nissues; i++)
    if (ids[s.issues[i].file]) {
      struct idx_issue *is2 = &u->issues[u->nissues++];

      is2->path = ids[s.issues[i].file];
      is2->kind = s.issues[i].kind;
      is2->line = s.issues[i].line;
    }
  free(ids);
  scan_result_release(&s);
  return 0;
}

/* r->set becomes the finished set ev[0..n), with x's strings. */
static void result_set(struct scan_result *r, struct ix *x, struct event *ev,
                       size_t n)
{
  struct dedup *d = &r->set;

  dedup_release(d);
  memset(d, 0, sizeof(*d));
  d->strs = x->strs;
  strtab_init(&x->strs);
  d->ev = ev;
  d->n = d->cap = n;
  d->copies = n;
  d->finished = 1;
}

/*
 * Maps the base's set into a region with room for n more events after
 * it: the file's pages, private, then anonymous ones. The overlay can
 * then add new calls in place, without copying the set. NULL if the
 * mapping fails.
 */
static struct event *map_set(const struct ix *x, size_t n, size_t *len)
{
  size_t page = IDX_PAGE, set = x->nwin * sizeof(struct event);
  size_t filelen = (set + page - 1) / page * page;
  void *region;

  *len = (set + (n + 1) * sizeof(struct event) + page - 1) / page * page;
  region = mmap(NULL, *len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                -1, 0);
  if (region == MAP_FAILED)
    return NULL;
  if (filelen &&
      mmap(region, filelen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED,
           x->fd, (off_t)x->win_off) == MAP_FAILED) {
    munmap(region, *len);
    return NULL;
  }
  return region;
}

/* The base's set with every later copy overlaid. The set stays in the
 * file's pages, which r takes over: no copy of a large array. */
static void result_overlay(struct scan_result *r, struct ix *x,
                           const struct update *u)
{
  size_t more = x->njcopies + (u ? u->ncopies : 0), len;
  struct event *ev = map_set(x, more, &len);

  if (r->map)
    munmap(r->map, r->map_len);
  r->map = NULL;
  if (ev) {
    result_set(r, x, ev, x->nwin);
    r->set.cap = len / sizeof(*ev);
    r->map = ev;
    r->map_len = len;
  } else {
    /* No region: borrow the whole mapping; an overlay then copies. */
    result_set(r, x, (struct event *)x->win, x->nwin);
    r->map = x->map;
    r->map_len = x->len;
    x->map = NULL;
  }
  r->set.ev_borrowed = 1;
  r->set.dropped_sidechain = (size_t)x->meta.dropped_sidechain;
  dedup_overlay(&r->set, x->jcopies, x->njcopies);
  if (u)
    dedup_overlay(&r->set, u->copies, u->ncopies);
}

static int cmp_issue(const void *pa, const void *pb)
{
  const struct scan_issue *a = pa, *b = pb;

  if (a->file != b->file)
    return a->file < b->file ? -1 : 1;
  return a->line < b->line ? -1 : a->line > b->line;
}

/* Statistics and issues of the files on disk, and what deleted ones
 * still contribute, from the index's records. */
static void result_stats(struct scan_result *r, struct ix *x,
                         const struct discover *d, struct index_stats *is)
{
  const struct strtab *st = &r->set.strs;
  uint32_t *disc = xcalloc((size_t)st->n + 1, sizeof(*disc));
  size_t i;

  r->st.files = d->nfiles;
  for (i = 0; i < d->nfiles; i++) {
    const char *path = d->files[i].path;
    uint32_t id = strtab_find(st, path, strlen(path));
    const struct idx_file *rec = ix_file(x, id);

    r->st.bytes += d->files[i].size;
    if (!rec)
      continue;
    disc[id] = (uint32_t)i + 1;
    r->st.lines += rec->lines + (rec->end < rec->size);
    r->st.blank += rec->blank;
    r->st.malformed += rec->malformed;
    r->st.bad_utf8 += rec->bad_utf8;
    r->st.too_long += rec->too_long;
    r->st.records += rec->records;
    r->st.truncated += rec->truncated;
  }
  free(r->issues);
  r->issues = xmalloc((x->nissues + 1) * sizeof(*r->issues));
  r->nissues = 0;
  for (i = 0; i < x->nissues; i++) {
    const struct idx_issue *s = &x->issues[i];

    if (s->path < st->n && disc[s->path]) {
      r->issues[r->nissues].file = disc[s->path] - 1;
      r->issues[r->nissues].line = s->line;
      r->issues[r->nissues].kind = (uint8_t)s->kind;
      r->nissues++;
    }
  }
  if (r->nissues > 1)
    qsort(r->issues, r->nissues, sizeof(*r->issues), cmp_issue);
  is->ngone = st->n;
  is->gone = xcalloc(is->ngone + 1, 1);
  for (i = 0; i < x->nfiles; i++)
    if (x->files[i].state == IDX_GONE && x->files[i].path < is->ngone) {
      is->gone[x->files[i].path] = 1;
      is->files_gone++;
    }
  for (i = 0; i < r->set.n; i++)
    is->events_gone += is->gone[r->set.ev[i].file];
  free(disc);
}

static void add_issues(struct ix *x, const struct idx_issue *v, size_t n)
{
  x->issues =
      xgrow(x->issues, &x->icap, x->nissues + n + 1, sizeof(*x->issues));
  if (n)
    memcpy(x->issues + x->nissues, v, n * sizeof(*v));
  x->nissues += n;
}

static int is_void(const struct update *u, uint32_t path)
{
  return path < u->nvoid && u->void_path[path];
}

/* Rebuilds the set from every copy and writes a new base. */
static int compact(struct ix *x, struct update *u, const struct discover *d,
                   const char *path, const char *roots, int64_t now_ms,
                   struct scan_result *r, struct err *e)
{
  struct ixr_source src[4];
  struct ixw_base_in in;
  struct event *losers;
  size_t nlosers, i, ni = 0;
  struct dedup w;
  int rc;

  /* The base's set and the other copies it kept are all its copies. */
  src[0] = (struct ixr_source){x->win, x->nwin, 0};
  src[1] = (struct ixr_source){x->bcopies, x->nbcopies, 0};
  src[2] = (struct ixr_source){x->jcopies, x->njcopies, 0};
  src[3] = (struct ixr_source){u->copies, u->ncopies, 1};
  ixr_rebuild(&x->strs, src, 4, u->void_path, u->nvoid, &w, &losers, &nlosers);
  for (i = 0; i < x->nissues; i++)
    if (!is_void(u, x->issues[i].path))
      x->issues[ni++] = x->issues[i];
  x->nissues = ni;
  add_issues(x, u->issues, u->nissues);

  memset(&in, 0, sizeof(in));
  in.roots = roots;
  in.strs = &w.strs;
  in.files = x->files;
  in.nfiles = x->nfiles;
  in.win = w.ev;
  in.nwin = w.n;
  in.copies = losers;
  in.ncopies = nlosers;
  in.issues = x->issues;
  in.nissues = x->nissues;
  in.dirs = d->dirs;
  in.ndirs = d->ndirs;
  in.meta.dropped_sidechain = w.dropped_sidechain;
  in.now_ms = now_ms;
  /* Only calls of deleted transcripts cannot be read again: without
   * them a crash before the data reaches the disk costs a rebuild. */
  for (i = 0; i < x->nfiles && !in.sync; i++)
    in.sync = x->files[i].state == IDX_GONE;
  rc = ixw_base(path, &in, e);
  free(losers);
  dedup_release(&r->set);
  r->set = w;
  return rc;
}

/* Appends what the scan found to the journal. */
static int journal(struct ix *x, const struct update *u,
                   const struct discover *d, const char *path, struct err *e)
{
  struct buf segs = BUF_INIT;
  struct idx_file *files = xmalloc((x->nfiles + 1) * sizeof(*files));
  size_t i, nf = 0;
  int rc;

  if (x->strs.n > x->nstr_saved)
    idx_seg_strings(&segs, &x->strs, x->nstr_saved);
  for (i = 0; i < x->nfiles; i++)
    if (x->touched[i])
      files[nf++] = x->files[i];
  if (nf)
    idx_seg_add(&segs, SEG_FILES, (uint32_t)nf, files, nf * sizeof(*files));
  if (u->ncopies)
    idx_seg_add(&segs, SEG_COPIES, (uint32_t)u->ncopies, u->copies,
                u->ncopies * sizeof(*u->copies));
  if (u->nissues)
    idx_seg_add(&segs, SEG_ISSUES, (uint32_t)u->nissues, u->issues,
                u->nissues * sizeof(*u->issues));
  idx_seg_dirs(&segs, d->dirs, d->ndirs, 1);
  rc = 0;
  if (segs.len) { /* a file that could not be read changes nothing */
    idx_seg_add(&segs, SEG_COMMIT, 0, NULL, 0);
    rc = ixw_journal(path, x->valid_end, &segs, e);
  }
  add_issues(x, u->issues, u->nissues);
  free(files);
  buf_release(&segs);
  return rc;
}

static enum ix_status ix_open(const char *path, const struct buf *roots,
                              struct ix *x)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  enum ix_status st;

  ix_init(x);
  if (fd < 0)
    return errno == ENOENT ? IX_MISSING : IX_CORRUPT;
  st = ix_read(x, fd);
  if (st == IX_OK && (x->roots.len != roots->len ||
                      memcmp(x->roots.data, roots->data, roots->len) != 0))
    st = IX_CORRUPT;
  return st;
}

/* 0 when the base's copies can be used to rebuild. */
static int copies_sound(struct ix *x)
{
  return !x->nbcopies ||
                 (!idx_seg_verify(&x->bcopies_head, (const void *)x->bcopies) &&
                  !ix_events_valid(x, x->bcopies, x->nbcopies))
             ? 0
             : -1;
}

static void lock(int fd, int op)
{
  while (flock(fd, op) && errno == EINTR)
    ;
}

static int journal_full(const struct ix *x, size_t more)
{
  /* Appends of lines without usage add file records, not copies. */
  return x->njcopies + more > JOURNAL_MIN + (x->nwin + x->nbcopies) / 8 ||
         x->valid_end - x->base_end > JOURNAL_BYTES + x->base_end / 4 ||
         x->journal_segments >= JOURNAL_APPENDS;
}

/* What the shared phase saw of the index: if the writer finds it
 * changed, another process wrote it since, and the walk is redone. */
struct seen {
  int sound;
  uint64_t ino;
  size_t end;
};

static void rewalk(struct discover *d, const struct ix *x)
{
  discover_forget(d);
  d->memo = x->map ? x->dirs : NULL;
  d->nmemo = x->map ? x->ndirs : 0;
  discover_files(d, NULL);
  d->memo = NULL;
  d->nmemo = 0;
}

/* Under the write lock: reads what changed and updates the index. */
static int update(struct discover *d, const struct index_opts *o,
                  const struct buf *roots, const struct seen *sh,
                  struct scan_result *r, struct index_stats *is, struct err *e)
{
  struct ix x;
  struct plan p;
  struct update u;
  enum ix_status st = ix_open(is->path.data, roots, &x);
  struct err we = ERR_INIT;
  int rc = 0, whole, sound_copies = -1;

  if (st != IX_OK) {
    is->rebuilt = st == IX_MISSING ? INDEX_CREATED
                  : st == IX_STALE ? INDEX_STALE
                                   : INDEX_CORRUPT;
    ix_release(&x);
    ix_init(&x);
  }
  /* Files created or grown after our walk may be in it already. */
  if (sh->sound != (st == IX_OK) ||
      (st == IX_OK && (x.ino != sh->ino || x.valid_end != sh->end)))
    rewalk(d, &x);
  plan_make(&x, d, &p);
  whole = st != IX_OK || p.nreread || journal_full(&x, 0);
  if (whole && st == IX_OK && (sound_copies = !copies_sound(&x)) == 0) {
    /* Copies damaged where only a rebuild reads them: start afresh. */
    is->rebuilt = INDEX_CORRUPT;
    plan_release(&p);
    ix_release(&x);
    ix_init(&x);
    plan_make(&x, d, &p);
  }
  memset(&u, 0, sizeof(u));
  if (p.dirty && scan_changes(&x, d, &p, o, r, &u, is, e)) {
    rc = ERR_IO;
    goto out;
  }
  is->files_new = p.nnew;
  is->files_grown = p.ngrown;
  is->files_reread = p.nreread;
  /* A journal filled by this scan is folded in only over copies that
   * check out; else it waits for a run that can start afresh. */
  if (!whole && p.dirty && journal_full(&x, u.ncopies))
    whole = sound_copies >= 0 ? sound_copies : !copies_sound(&x);
  if (!p.dirty) {
    result_overlay(r, &x, NULL);
  } else if (whole) {
    is->compacted = 1;
    if (compact(&x, &u, d, is->path.data, roots->data, o->now_ms, r, &we))
      buf_addf(&r->warnings, "cannot update the index: %s\n", we.msg);
  } else {
    if (journal(&x, &u, d, is->path.data, &we))
      buf_addf(&r->warnings, "cannot update the index: %s\n", we.msg);
    result_overlay(r, &x, &u);
  }
  result_stats(r, &x, d, is);
out:
  update_release(&u);
  plan_release(&p);
  ix_release(&x);
  return rc;
}

int index_run(struct discover *d, const struct index_opts *o,
              struct scan_result *r, struct index_stats *is, struct err *e)
{
  struct buf roots = BUF_INIT, lockp = BUF_INIT;
  struct ix x;
  struct plan p;
  size_t i;
  int fd = -1, rc = 0, walked = 0, sound;
  struct seen seen;

  for (i = 0; i < d->nroots; i++) {
    /* Files are named as the root is spelled; for a relative root the
     * absolute path tells "--claude-dir x" run from two directories
     * apart. (Absolute roots keep their name through a re-pointed
     * symlink, and so keep their index and its deleted transcripts.) */
    char *abs = d->roots[i][0] != '/' ? realpath(d->roots[i], NULL) : NULL;

    buf_adds(&roots, d->roots[i]);
    if (abs && strcmp(abs, d->roots[i]) != 0) {
      buf_adds(&roots, " = ");
      buf_adds(&roots, abs);
    }
    buf_addch(&roots, '\n');
    free(abs);
  }
  buf_reset(&is->path);
  buf_addf(&is->path, "%s/index", o->dir);
  if (index_dir_make(is->path.data, e)) {
    rc = ERR_IO;
    goto out;
  }
  buf_addf(&is->path, "/%016llx",
           (unsigned long long)hash64(roots.data, roots.len, 0x1de5));
  buf_addf(&lockp, "%s.lock", is->path.data);
  buf_adds(&is->path, ".idx");
  fd = open(lockp.data, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    rc =
        err_set(e, ERR_IO, "cannot open '%s': %s", lockp.data, strerror(errno));
    goto out;
  }
  /* Most runs find nothing new: they only read, sharing the lock. The
   * walk lists only directories the index has not seen as they are. */
  lock(fd, LOCK_SH);
  sound = ix_open(is->path.data, &roots, &x) == IX_OK;
  seen.sound = sound;
  seen.ino = x.ino;
  seen.end = x.valid_end;
  if (sound) {
    d->memo = x.dirs;
    d->nmemo = x.ndirs;
  }
  discover_files(d, NULL);
  walked = 1;
  d->memo = NULL;
  d->nmemo = 0;
  if (sound) {
    plan_make(&x, d, &p);
    if (!p.dirty) {
      result_overlay(r, &x, NULL);
      result_stats(r, &x, d, is);
      plan_release(&p);
      ix_release(&x);
      goto unlock;
    }
    plan_release(&p);
  }
  ix_release(&x);
  lock(fd, LOCK_UN);
  lock(fd, LOCK_EX);
  rc = update(d, o, &roots, &seen, r, is, e);
unlock:
  lock(fd, LOCK_UN);
out:
  /* Whatever failed, the caller gets the files to read without us. */
  if (!walked)
    discover_files(d, NULL);
  if (fd >= 0)
    close(fd);
  buf_release(&lockp);
  buf_release(&roots);
  return rc;
}
