/* Reading transcript files into the set of distinct API calls. */
/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/event.h"
#include "source/jsonscan.h"
#include "source/line.h"
#include "source/scan.h"
#include "util/hash.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define CHECK_BYTES                                                            \
  4096 /* bytes before the end that scan_tail_check hashes                     \
        */
#define UNIT_BYTES (32u << 20) /* files above this are split */
#define BLOCK_BYTES (1u << 20) /* read size and initial buffer */
#define LONG_LINE (64u << 20)  /* longer lines are read through, not kept */
#define MAX_THREADS 8

struct unit {
  uint32_t file;
  uint32_t index;       /* position among the file's units */
  uint64_t a, b;        /* owns the lines starting in [a, b) */
  uint64_t nlines;      /* lines owned, filled by the worker */
  uint64_t tail_at;     /* offset of an unterminated last line, or ~0 */
  int tail_rec;         /* that line was a usage record */
  uint64_t check;       /* tail check at check_end (the last unit) */
  uint64_t check_end;   /* where this unit thought the lines end */
  int unreadable;       /* errno of a failed open or read, else 0 */
  struct scan_stats st; /* what this unit's lines held */
};

struct worker;

struct shared {
  const struct discover *d;
  struct unit *units;
  size_t nunits;
  atomic_size_t next;
  atomic_ullong done_bytes;
  int collect;
  size_t long_line;
  const uint64_t *start_line; /* per file, or NULL */
  int by_file;                /* for the index: tail checks too */
  pthread_mutex_t lock; /* guards running, signals `idle` when it hits 0 */
  pthread_cond_t idle;
  int running;
};

struct worker {
  struct shared *sh;
  pthread_t tid;
  int started;
  struct dedup set;
  struct line_parser lp;
  struct scan_stats *st;     /* the current unit's */
  struct scan_issue *issues; /* line numbers local to the unit for now */
  uint32_t *issue_unit;
  size_t nissues, cap;
  char *buf;
  size_t bufcap;
  uint32_t *file_ids; /* per file: ids of path and stem in set.strs */
  struct buf stem;
};

void scan_result_init(struct scan_result *r)
{
  memset(r, 0, sizeof(*r));
  dedup_init(&r->set);
  buf_init(&r->warnings, 0);
}

void scan_result_release(struct scan_result *r)
{
  dedup_release(&r->set);
  if (r->map)
    munmap(r->map, r->map_len);
  free(r->files);
  free(r->issues);
  buf_release(&r->warnings);
  memset(r, 0, sizeof(*r));
}

void scan_path_stem(const char *path, struct buf *out)
{
  const char *slash = strrchr(path, '/');
  const char *name = slash ? slash + 1 : path;
  size_t n = strlen(name);

  buf_reset(out);
  if (n > 6 && !strcmp(name + n - 6, ".jsonl"))
    n -= 6;
  /* <session>/subagents/<agent>.jsonl belongs to the parent session. */
  if (slash && slash - path >= 10 && !memcmp(slash - 10, "/subagents", 10)) {
    const char *end = slash - 10, *s = end;

    while (s > path && s[-1] != '/')
      s--;
    buf_add(out, s, (size_t)(end - s));
    return;
  }
  buf_add(out, name, n);
}

static void add_issue(struct worker *w, const struct unit *u, uint64_t line,
                      int kind)
{
  if (!w->sh->collect)
    return;
  w->issues = xgrow(w->issues, &w->cap, w->nissues + 1, sizeof(*w->issues));
  w->issue_unit = xrealloc(w->issue_unit, w->cap * sizeof(*w->issue_unit));
  w->issues[w->nissues].file = u->file;
  w->issues[w->nissues].line = line;
  w->issues[w->nissues].kind = (uint8_t)kind;
  w->issue_unit[w->nissues] = (uint32_t)(u - w->sh->units);
  w->nissues++;
}

static int is_ws(char c)
{
  return c == ' ' || c == '\t' || c == '\r';
}

/* Lines we do not parse are only checked for the shape of a JSON object. */
static int object_shaped(const char *p, size_t n)
{
  size_t i = 0;

  while (i < n && is_ws(p[i]))
    i++;
  while (n > i && is_ws(p[n - 1]))
    n--;
  return n - i >= 2 && p[i] == '{' && p[n - 1] == '}';
}

static int blank(const char *p, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (!is_ws(p[i]))
      return 0;
  return 1;
}

static uint32_t file_id(struct worker *w, uint32_t file, int stem)
{
  uint32_t *ids = &w->file_ids[2 * (size_t)file];

  if (!ids[0]) {
    const char *path = w->sh->d->files[file].path;

    ids[0] = strtab_intern(&w->set.strs, path, strlen(path));
    scan_path_stem(path, &w->stem);
    ids[1] = strtab_intern(&w->set.strs, w->stem.data, w->stem.len);
  }
  return ids[stem];
}

/* One complete line; `tail` is set for a last line with no '\n'. */
static void handle_line(struct worker *w, struct unit *u, const char *p,
                        size_t n, uint64_t lineno, int tail)
{
  struct usage_rec rec;
  enum line_status s;
  int nonascii;

  if (blank(p, n)) {
    if (!tail)
      w->st->blank++;
    return;
  }
  if (!line_prefilter_flag(p, n, &nonascii)) {
    /* No usage here: only its shape and its UTF-8 are checked. */
    int bad_utf8 = nonascii && !jscan_utf8_valid(p, n);

    if (!bad_utf8 && object_shaped(p, n))
      return;
    if (tail) {
      w->st->truncated++;
    } else if (bad_utf8) {
      w->st->bad_utf8++;
      add_issue(w, u, lineno, SCAN_BAD_UTF8);
    } else {
      w->st->malformed++;
      add_issue(w, u, lineno, SCAN_MALFORMED);
    }
    return;
  }
  s = line_parse(&w->lp, p, n, &rec);
  if (s == LINE_EVENT) {
    struct event ev;

    w->st->records++;
    if (tail)
      u->tail_rec = 1;
    event_from_rec(&ev, &rec, &w->set.strs, file_id(w, u->file, 0),
                   file_id(w, u->file, 1));
    dedup_add(&w->set, &ev);
  } else if (s != LINE_NO_USAGE) {
    if (tail) {
      w->st->truncated++;
    } else if (s == LINE_BAD_UTF8) {
      w->st->bad_utf8++;
      add_issue(w, u, lineno, SCAN_BAD_UTF8);
    } else {
      w->st->malformed++;
      add_issue(w, u, lineno, SCAN_MALFORMED);
    }
  }
}

/* Reads [off, off+want) as far as the file allows; 0 at end of file. */
static ssize_t read_at(int fd, char *dst, size_t want, uint64_t off)
{
  ssize_t r;

  do
    r = pread(fd, dst, want, (off_t)off);
  while (r < 0 && errno == EINTR);
  return r;
}

static void grow_buf(struct worker *w, size_t need)
{
  /* A line is never kept beyond the long-line limit, so neither is more
   * buffer than that. */
  size_t cap = w->bufcap, most = w->sh->long_line + 2 * BLOCK_BYTES;

  while (cap < need)
    cap *= 2;
  if (cap > most)
    cap = need > most ? need : most;
  if (cap != w->bufcap) {
    w->buf = xrealloc(w->buf, cap);
    w->bufcap = cap;
  }
}

/*
 * A line longer than the long-line limit is not kept whole: it is read through,
 * noting only its first and last non-blank bytes, whether it holds
 * "usage":{ and whether it holds non-ASCII bytes. One without usage is
 * then judged by its shape; one with usage is too long to parse and is
 * counted as such. Memory stays bounded whatever the input.
 */
struct long_line {
  int on;
  int first, last; /* non-blank bytes, -1 while none */
  int usage;       /* "usage":{ seen */
};

static void long_start(struct long_line *ll)
{
  ll->on = 1;
  ll->first = ll->last = -1;
  ll->usage = 0;
}

static void long_feed(struct long_line *ll, const char *p, size_t n)
{
  size_t i;

  if (ll->first < 0)
    for (i = 0; i < n; i++)
      if (!is_ws(p[i])) {
        ll->first = (unsigned char)p[i];
        break;
      }
  for (i = n; i > 0; i--)
    if (!is_ws(p[i - 1])) {
      ll->last = (unsigned char)p[i - 1];
      break;
    }
  if (!ll->usage)
    ll->usage = line_find_usage(p, n) < n;
}

static void long_finish(struct worker *w, const struct unit *u,
                        struct long_line *ll, uint64_t lineno, int tail)
{
  ll->on = 0;
  if (ll->first < 0) {
    if (!tail)
      w->st->blank++;
    return;
  }
  if (!ll->usage && ll->first == '{' && ll->last == '}')
    return;
  if (tail) {
    w->st->truncated++;
  } else if (ll->usage) {
    w->st->too_long++;
    add_issue(w, u, lineno, SCAN_TOO_LONG);
  } else {
    w->st->malformed++;
    add_issue(w, u, lineno, SCAN_MALFORMED);
  }
}

/* Hash of the bytes before `end`; ~0 when they cannot be read. */
static uint64_t tail_check_fd(int fd, uint64_t end)
{
  char b[CHECK_BYTES];
  uint64_t off = end > sizeof(b) ? end - sizeof(b) : 0;
  ssize_t r = read_at(fd, b, (size_t)(end - off), off);

  if (r != (ssize_t)(end - off))
    return UINT64_MAX;
  return hash64(b, (size_t)r, end);
}

/* Opens a transcript for reading: never blocks on a FIFO or follows a
 * link that replaced the file after discovery. Returns -1 with errno. */
static int open_regular(const char *path)
{
  struct stat st;
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW);

  if (fd < 0)
    return -1;
  if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
    close(fd);
    errno = EINVAL;
    return -1;
  }
  return fd;
}

static void run_unit(struct worker *w, struct unit *u)
{
  const struct source_file *f = &w->sh->d->files[u->file];
  uint64_t end = f->size; /* never read past the size seen at discovery */
  uint64_t boff = u->a ? u->a - 1 : 0, lineno = 0, lstart = u->a;
  size_t len = 0, ls = 0, sp = 0;
  struct long_line ll = {0, -1, -1, 0};
  int fd = open_regular(f->path), eof = 0, skipping = u->a > 0;

  w->st = &u->st;
  u->tail_at = UINT64_MAX;
  if (fd < 0) {
    u->unreadable = errno ? errno : EIO;
    return;
  }
  (void)posix_fadvise(fd, (off_t)boff, (off_t)(end - boff),
                      POSIX_FADV_SEQUENTIAL);
  for (;;) {
    const char *nl = len > sp ? memchr(w->buf + sp, '\n', len - sp) : NULL;

    if (nl) {
      size_t at = (size_t)(nl - w->buf);

      if (skipping) {
        skipping = 0; /* the previous unit owns that line */
      } else if (ll.on || at - ls > w->sh->long_line) {
        /* Judged the same whether or not it fit in one read. */
        if (!ll.on)
          long_start(&ll);
        long_feed(&ll, w->buf + ls, at - ls);
        long_finish(w, u, &ll, ++lineno, 0);
      } else {
        handle_line(w, u, w->buf + ls, at - ls, ++lineno, 0);
      }
      ls = sp = at + 1;
      lstart = boff + ls;
      if (boff + ls >= u->b)
        break;
      continue;
    }
    if (eof) {
      if (!skipping && (ls < len || ll.on)) {
        u->tail_at = lstart;
        lineno++;
        if (ll.on || len - ls > w->sh->long_line) {
          if (!ll.on)
            long_start(&ll);
          long_feed(&ll, w->buf + ls, len - ls);
          long_finish(w, u, &ll, lineno, 1);
        } else {
          handle_line(w, u, w->buf + ls, len - ls, lineno, 1);
        }
      }
      break;
    }
    if (skipping) {
      /* Another unit's line: nothing of it is needed. */
      boff += len;
      len = ls = 0;
    } else if (ll.on || len - ls > w->sh->long_line) {
      /* Keep 8 bytes so "usage":{ across two reads is still seen. */
      size_t keep = len - ls < 8 ? len - ls : 8;

      if (!ll.on)
        long_start(&ll);
      long_feed(&ll, w->buf + ls, len - ls);
      memmove(w->buf, w->buf + len - keep, keep);
      boff += len - keep;
      len = keep;
      ls = 0;
    } else if (ls) {
      /* Keep the unfinished line, then read more behind it. */
      memmove(w->buf, w->buf + ls, len - ls);
      boff += ls;
      len -= ls;
      ls = 0;
    }
    sp = len;
    if (w->bufcap - len < BLOCK_BYTES / 2)
      grow_buf(w, len + BLOCK_BYTES);
    {
      uint64_t avail = end > boff + len ? end - (boff + len) : 0;
      size_t want = w->bufcap - len;
      ssize_t r;

      if (want > avail)
        want = (size_t)avail;
      r = want ? read_at(fd, w->buf + len, want, boff + len) : 0;
      if (r < 0) {
        u->unreadable = errno ? errno : EIO;
        break;
      }
      if (r == 0)
        eof = 1;
      len += (size_t)r;
      atomic_fetch_add(&w->sh->done_bytes, (unsigned long long)r);
    }
  }
  if (w->sh->by_file && u->b == end && !u->unreadable) {
    uint64_t ce = u->tail_at == UINT64_MAX || u->tail_rec ? end : u->tail_at;
    uint64_t from = ce > CHECK_BYTES ? ce - CHECK_BYTES : 0;

    u->check_end = ce;
    /* The last read usually still holds those bytes. */
    if (from >= boff && ce <= boff + len)
      u->check = hash64(w->buf + (from - boff), (size_t)(ce - from), ce);
    else
      u->check = tail_check_fd(fd, ce);
  }
  close(fd);
  u->nlines = lineno;
  u->st.lines += lineno;
  /* A long line left a big buffer; give it back. */
  if (w->bufcap > 4 * BLOCK_BYTES) {
    w->bufcap = 2 * BLOCK_BYTES;
    w->buf = xrealloc(w->buf, w->bufcap);
  }
}

static void *worker_main(void *arg)
{
  struct worker *w = arg;
  struct shared *sh = w->sh;

  for (;;) {
    size_t i = atomic_fetch_add(&sh->next, 1);

    if (i >= sh->nunits)
      break;
    run_unit(w, &sh->units[i]);
  }
  pthread_mutex_lock(&sh->lock);
  if (--sh->running == 0)
    pthread_cond_signal(&sh->idle);
  pthread_mutex_unlock(&sh->lock);
  return NULL;
}

static int cmp_unit_size(const void *pa, const void *pb)
{
  const struct unit *a = pa, *b = pb;
  uint64_t x = a->b - a->a, y = b->b - b->a;

  if (x != y)
    return x > y ? -1 : 1;
  if (a->file != b->file)
    return a->file < b->file ? -1 : 1;
  return a->index < b->index ? -1 : a->index > b->index;
}

static size_t make_units(const struct discover *d, const uint64_t *start,
                         uint64_t unit, struct unit **out, uint64_t *total)
{
  struct unit *u = NULL;
  size_t n = 0, cap = 0, i;

  *total = 0;
  for (i = 0; i < d->nfiles; i++) {
    uint64_t size = d->files[i].size, a = start ? start[i] : 0;
    uint32_t k = 0;

    if (a == UINT64_MAX || (a && a >= size))
      continue;
    *total += size - a;
    do {
      uint64_t b = size - a > unit ? a + unit : size;

      u = xgrow(u, &cap, n + 1, sizeof(*u));
      memset(&u[n], 0, sizeof(u[n]));
      u[n].file = (uint32_t)i;
      u[n].index = k++;
      u[n].a = a;
      u[n].b = b;
      n++;
      a = b;
    } while (a < size);
  }
  if (n > 1) /* u is NULL without files: qsort wants non-NULL */
    qsort(u, n, sizeof(*u), cmp_unit_size);
  *out = u;
  return n;
}

static int thread_count(const struct scan_opts *o, uint64_t total,
                        size_t nunits)
{
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  int t = o->threads > 0 ? o->threads : (int)(cpus > 0 ? cpus : 1);

  if (t > MAX_THREADS)
    t = MAX_THREADS;
  if (o->threads <= 0 && total < 4u << 20)
    t = 1; /* not worth a thread */
  if ((size_t)t > nunits)
    t = nunits ? (int)nunits : 1;
  return t;
}

/* Waits for the workers, reporting progress every 100 ms meanwhile. */
static void wait_workers(struct worker *ws, int nt, struct shared *sh,
                         const struct scan_opts *o, uint64_t total)
{
  int i;

  pthread_mutex_lock(&sh->lock);
  while (sh->running > 0) {
    struct timespec until;

    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += 100 * 1000 * 1000;
    if (until.tv_nsec >= 1000000000) {
      until.tv_sec++;
      until.tv_nsec -= 1000000000;
    }
    if (pthread_cond_timedwait(&sh->idle, &sh->lock, &until) && o->progress)
      o->progress(o->progress_ctx, atomic_load(&sh->done_bytes), total);
  }
  pthread_mutex_unlock(&sh->lock);
  for (i = 0; i < nt; i++)
    if (ws[i].started)
      pthread_join(ws[i].tid, NULL);
  if (o->progress)
    o->progress(o->progress_ctx, total, total);
}

static void add_stats(struct scan_stats *s, const struct scan_stats *t)
{
  s->files += t->files;
  s->bytes += t->bytes;
  s->unreadable += t->unreadable;
  s->lines += t->lines;
  s->blank += t->blank;
  s->malformed += t->malformed;
  s->bad_utf8 += t->bad_utf8;
  s->records += t->records;
  s->truncated += t->truncated;
  s->too_long += t->too_long;
}

static int cmp_issue(const void *pa, const void *pb)
{
  const struct scan_issue *a = pa, *b = pb;

  if (a->file != b->file)
    return a->file < b->file ? -1 : 1;
  return a->line < b->line ? -1 : a->line > b->line;
}

static int cmp_unit_order(const void *pa, const void *pb, void *units)
{
  const struct unit *a = (const struct unit *)units + *(const size_t *)pa;
  const struct unit *b = (const struct unit *)units + *(const size_t *)pb;

  if (a->file != b->file)
    return a->file < b->file ? -1 : 1;
  return a->index < b->index ? -1 : a->index > b->index;
}

/* Turns unit-local line numbers into file line numbers. */
static void collect_issues(struct scan_result *r, struct worker *ws, int nt,
                           struct shared *sh)
{
  uint64_t *base = xcalloc(sh->nunits, sizeof(*base));
  uint64_t *acc = xcalloc(sh->d->nfiles + 1, sizeof(*acc));
  size_t *order = xmalloc(sh->nunits * sizeof(*order) + 1);
  size_t i, n = 0;
  int t;

  /* Units of one file in file order: their index within the file. */
  for (i = 0; i < sh->nunits; i++)
    order[i] = i;
  if (sh->nunits > 1)
    qsort_r(order, sh->nunits, sizeof(*order), cmp_unit_order, sh->units);
  for (i = 0; i < sh->nunits; i++) {
    const struct unit *u = &sh->units[order[i]];

    base[order[i]] = acc[u->file];
    acc[u->file] += u->nlines;
  }
  for (t = 0; t < nt; t++)
    n += ws[t].nissues;
  r->issues = xmalloc((n + 1) * sizeof(*r->issues));
  for (t = 0; t < nt; t++)
    for (i = 0; i < ws[t].nissues; i++) {
      struct scan_issue is = ws[t].issues[i];

      is.line += base[ws[t].issue_unit[i]];
      if (sh->start_line)
        is.line += sh->start_line[is.file];
      r->issues[r->nissues++] = is;
    }
  if (r->nissues)
    qsort(r->issues, r->nissues, sizeof(*r->issues), cmp_issue);
  free(order);
  free(acc);
  free(base);
}

/* Per-file results and the totals, from the units. */
static void file_results(struct scan_result *r, const struct shared *sh)
{
  const struct discover *d = sh->d;
  uint64_t *check_end = xcalloc(d->nfiles + 1, sizeof(*check_end));
  size_t i;

  r->files = xcalloc(d->nfiles + 1, sizeof(*r->files));
  for (i = 0; i < d->nfiles; i++)
    r->files[i].end = UINT64_MAX;
  for (i = 0; i < sh->nunits; i++) {
    const struct unit *u = &sh->units[i];
    struct scan_file *f = &r->files[u->file];

    f->scanned = 1;
    f->unreadable |= !!u->unreadable;
    if (u->b == sh->d->files[u->file].size) {
      f->check = u->check;
      check_end[u->file] = u->check_end;
    }
    add_stats(&f->st, &u->st);
    add_stats(&r->st, &u->st);
    if (u->tail_at == UINT64_MAX)
      continue;
    /* A record on a line without newline counts now; anything else
     * there is read again once the line is complete. */
    if (u->tail_rec)
      f->open_tail = 1;
    else
      f->end = u->tail_at;
  }
  for (i = 0; i < d->nfiles; i++) {
    struct scan_file *f = &r->files[i];

    f->lines = f->st.lines;
    if (f->end == UINT64_MAX)
      f->end = d->files[i].size;
    else if (f->lines)
      f->lines--;
    /* A last line begun in an earlier unit ends the file there, not where
     * the last unit hashed: hash again (rare, a line longer than a unit). */
    if (sh->by_file && f->scanned && !f->unreadable && f->end != check_end[i] &&
        scan_tail_check(d->files[i].path, f->end, &f->check))
      f->check = UINT64_MAX;
  }
  free(check_end);
}

/* One warning per file any unit of which failed, in file order. */
static void report_unreadable(struct scan_result *r, const struct shared *sh)
{
  const struct discover *d = sh->d;
  int *err = xcalloc(d->nfiles + 1, sizeof(*err));
  uint32_t *first = xcalloc(d->nfiles + 1, sizeof(*first));
  size_t i;

  for (i = 0; i < sh->nunits; i++) {
    const struct unit *u = &sh->units[i];

    if (u->unreadable && (!err[u->file] || u->index < first[u->file])) {
      err[u->file] = u->unreadable;
      first[u->file] = u->index;
    }
  }
  for (i = 0; i < d->nfiles; i++)
    if (err[i]) {
      r->st.unreadable++;
      buf_addf(&r->warnings, "cannot read '%s': %s\n", d->files[i].path,
               strerror(err[i]));
    }
  free(first);
  free(err);
}

int scan_run(const struct discover *d, const struct scan_opts *o,
             struct scan_result *r, struct err *e)
{
  struct shared sh;
  struct worker *ws;
  uint64_t total;
  int nt, t;

  (void)e;
  memset(&sh, 0, sizeof(sh));
  sh.d = d;
  sh.collect = o->collect_issues;
  sh.long_line = o->long_line_bytes ? o->long_line_bytes : LONG_LINE;
  sh.start_line = o->start ? o->start_line : NULL;
  sh.by_file = o->by_file;
  sh.nunits =
      make_units(d, o->start, o->unit_bytes ? o->unit_bytes : UNIT_BYTES,
                 &sh.units, &total);
  atomic_init(&sh.next, 0);
  atomic_init(&sh.done_bytes, 0);
  nt = thread_count(o, total, sh.nunits);
  pthread_mutex_init(&sh.lock, NULL);
  pthread_cond_init(&sh.idle, NULL);
  sh.running = nt;
  ws = xcalloc((size_t)nt, sizeof(*ws));
  for (t = 0; t < nt; t++) {
    ws[t].sh = &sh;
    dedup_init(&ws[t].set);
    if (o->by_file)
      dedup_by_file(&ws[t].set);
    line_parser_init(&ws[t].lp);
    buf_init(&ws[t].stem, 0);
    ws[t].bufcap = 2 * BLOCK_BYTES;
    ws[t].buf = xmalloc(ws[t].bufcap);
    ws[t].file_ids = xcalloc(2 * d->nfiles + 2, sizeof(*ws[t].file_ids));
    /* Without a thread, the work is done here, synchronously. */
    ws[t].started = !pthread_create(&ws[t].tid, NULL, worker_main, &ws[t]);
    if (!ws[t].started)
      worker_main(&ws[t]);
  }
  wait_workers(ws, nt, &sh, o, total);

  r->st.files = d->nfiles;
  r->st.bytes = total;
  report_unreadable(r, &sh);
  file_results(r, &sh);
  if (o->collect_issues)
    collect_issues(r, ws, nt, &sh);
  if (o->by_file)
    dedup_by_file(&r->set);
  for (t = 0; t < nt; t++) {
    dedup_merge(&r->set, &ws[t].set);
    dedup_release(&ws[t].set);
    line_parser_release(&ws[t].lp);
    buf_release(&ws[t].stem);
    free(ws[t].buf);
    free(ws[t].file_ids);
    free(ws[t].issues);
    free(ws[t].issue_unit);
  }
  if (!o->by_file)
    dedup_finish(&r->set);
  pthread_cond_destroy(&sh.idle);
  pthread_mutex_destroy(&sh.lock);
  free(ws);
  free(sh.units);
  return 0;
}

int scan_tail_check(const char *path, uint64_t end, uint64_t *out)
{
  int fd = open_regular(path);

  if (fd < 0)
    return -1;
  *out = tail_check_fd(fd, end);
  close(fd);
  return *out == UINT64_MAX ? -1 : 0;
}
