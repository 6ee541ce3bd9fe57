/* The SQLite probe's synthetic events, and its flat-file side. */
/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sqlite-probe.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define T0_MS 1792627200000LL /* 2026-10-22 00:00 UTC */
#define PROJ "/home/demo/.claude/projects/-home-demo-src-"

_Static_assert(sizeof(struct event) == 128, "struct event is 128 bytes");

static const char *const models[N_MODELS] = {
    "claude-opus-4-7",           "claude-opus-4-6",
    "claude-opus-4-8",           "claude-sonnet-4-5-20250929",
    "claude-sonnet-4-20250514",  "claude-haiku-4-5-20251001",
    "claude-experimental-9",     "claude-opus-4-1-20250805",
    "claude-3-5-haiku-20241022", "<synthetic>"};

static const char *const projects[N_CWDS] = {
    "tokmeter", "ml-notebooks", "web-shop",      "infra",
    "dotfiles", "api-gateway",  "data-pipeline", "mobile-app"};

void probe_die(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  fputs("sqlite-probe: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(1);
}

double probe_now_ms(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static uint64_t rng_next(uint64_t *s)
{
  uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static uint64_t rng_below(uint64_t *s, uint64_t n)
{
  return rng_next(s) % n;
}

static char *str_fmt(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static char *str_fmt(const char *fmt, ...)
{
  char tmp[PATH_LEN];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  return xstrdup(tmp);
}

uint64_t probe_total(const struct event *e)
{
  return e->tok.input + e->tok.output + e->tok.cache_write_5m +
         e->tok.cache_write_1h + e->tok.cache_read;
}

int probe_better(const struct event *a, const struct event *b)
{
  int sa = a->flags & EVENT_SIDECHAIN, sb = b->flags & EVENT_SIDECHAIN;
  uint64_t ta = probe_total(a), tb = probe_total(b);
  if (sa != sb)
    return sb != 0;
  if (ta != tb)
    return ta > tb;
  if (a->ts_ms != b->ts_ms)
    return a->ts_ms < b->ts_ms;
  if (a->session != b->session)
    return a->session < b->session;
  return memcmp(a->uuid, b->uuid, 16) < 0;
}

/* Strings and files; fsess[i] is the session string id of file i + 1. */
static void gen_strings(struct probe *p, uint64_t *rng, uint32_t *fsess)
{
  uint32_t i, sid = N_FILES, mid = sid + N_SESSIONS;
  p->nstr = mid + N_MODELS + N_CWDS;
  p->str = xcalloc(p->nstr + 1, sizeof *p->str);
  p->files = xcalloc(N_FILES, sizeof *p->files);
  for (i = 1; i <= N_SESSIONS; i++)
    p->str[sid + i] = str_fmt(
        "%08x-%04x-4%03x-a%03x-%012llx", (unsigned)rng_next(rng),
        (unsigned)rng_below(rng, 1 << 16), (unsigned)rng_below(rng, 1 << 12),
        (unsigned)rng_below(rng, 1 << 12),
        (unsigned long long)rng_below(rng, 1ULL << 48));
  for (i = 0; i < N_MODELS; i++)
    p->str[mid + 1 + i] = xstrdup(models[i]);
  for (i = 0; i < N_CWDS; i++)
    p->str[mid + N_MODELS + 1 + i] = str_fmt("/home/demo/src/%s", projects[i]);
  for (i = 0; i < N_FILES; i++) {
    uint32_t s = i < N_SESSIONS ? i : (uint32_t)rng_below(rng, N_SESSIONS);
    const char *proj = projects[s % N_CWDS], *sess = p->str[sid + 1 + s];
    struct pfile *f = &p->files[i];
    p->str[i + 1] =
        i < N_SESSIONS ? str_fmt(PROJ "%s/%s.jsonl", proj, sess)
                       : str_fmt(PROJ "%s/%s/subagents/agent-a%06x.jsonl", proj,
                                 sess, (unsigned)rng_below(rng, 1 << 24));
    fsess[i] = sid + 1 + s;
    f->dev = 2049;
    f->ino = 1000000 + rng_below(rng, 9000000);
    f->size = f->offset = 150000 + (int64_t)rng_below(rng, 200000);
    f->mtime_ns = (T0_MS + (int64_t)rng_below(rng, 30 * DAY_MS)) * 1000000;
    f->path = i + 1;
  }
}

static void gen_call(struct event *ev, uint64_t *rng, const uint32_t *fsess,
                     uint32_t file)
{
  uint32_t mid = N_FILES + N_SESSIONS;
  uint32_t sess = fsess[(file - 1) % N_FILES];
  memset(ev, 0, sizeof *ev);
  ev->key[0] = rng_next(rng);
  ev->key[1] = rng_next(rng);
  ev->ts_ms = T0_MS + (int64_t)rng_below(rng, 30 * DAY_MS);
  ev->tok.input = 1 + rng_below(rng, 60);
  ev->tok.output = 20 + rng_below(rng, 1 + rng_below(rng, 2000));
  ev->tok.cache_write_5m = rng_below(rng, 4000);
  ev->tok.cache_write_1h = rng_below(rng, 4) ? 0 : rng_below(rng, 8000);
  ev->tok.cache_read = rng_below(rng, 80000);
  if (rng_below(rng, 4) == 0) {
    ev->cost_usd = (double)rng_below(rng, 100000) / 1e5;
    ev->flags |= EVENT_HAS_COST;
  }
  ev->web_search = rng_below(rng, 50) == 0;
  ev->session = sess;
  ev->model = mid + 1 + (uint32_t)rng_below(rng, N_MODELS);
  ev->cwd = mid + N_MODELS + 1 + (sess - N_FILES - 1) % N_CWDS;
  ev->file = file;
  for (int i = 0; i < 16; i++)
    ev->uuid[i] = (uint8_t)rng_next(rng);
  ev->key_kind = EVENT_KEY_MSG_REQ;
  ev->flags |= EVENT_UUID_BIN | WIN_BIT;
}

static int cmp_file_ts(const void *a, const void *b)
{
  const struct event *x = a, *y = b;
  if (x->file != y->file)
    return x->file < y->file ? -1 : 1;
  return (x->ts_ms > y->ts_ms) - (x->ts_ms < y->ts_ms);
}

static int cmp_key_file(const void *a, const void *b)
{
  const struct event *x = a, *y = b;
  if (x->key[0] != y->key[0])
    return x->key[0] < y->key[0] ? -1 : 1;
  if (x->key[1] != y->key[1])
    return x->key[1] < y->key[1] ? -1 : 1;
  return (x->file > y->file) - (x->file < y->file);
}

/* Streaming snapshots in the call's file, and a few sidechain mirrors. */
static void gen_copies(struct probe *p, uint64_t *rng)
{
  size_t i, n = N_CALLS;
  p->copies = xmalloc(sizeof *p->copies * N_COPIES);
  memcpy(p->copies, p->calls, sizeof *p->calls * N_CALLS);
  for (i = 0; n < N_COPIES; i++, n++) {
    struct event *c = &p->copies[n];
    *c = p->calls[i % N_CALLS];
    c->flags &= (uint8_t)~WIN_BIT;
    if (i < N_CROSS) {
      c->file = 1 + (c->file + (uint32_t)rng_below(rng, N_FILES - 1)) % N_FILES;
      c->flags |= EVENT_SIDECHAIN;
    } else {
      c->tok.output /= 4;
      c->ts_ms -= 1 + (int64_t)rng_below(rng, 3000);
    }
  }
  qsort(p->copies, N_COPIES, sizeof *p->copies, cmp_file_ts);
  p->rows = xmalloc(sizeof *p->rows * N_COPIES);
  memcpy(p->rows, p->copies, sizeof *p->rows * N_COPIES);
  qsort(p->rows, N_COPIES, sizeof *p->rows, cmp_key_file);
  for (i = 1, n = 1; i < N_COPIES; i++) {
    if (cmp_key_file(&p->rows[n - 1], &p->rows[i]) != 0)
      p->rows[n++] = p->rows[i];
    else if (probe_better(&p->rows[i], &p->rows[n - 1]))
      p->rows[n - 1] = p->rows[i];
  }
  p->nrows = n;
}

struct probe *probe_new(const char *dir)
{
  struct probe *p = xcalloc(1, sizeof *p);
  uint32_t *fsess = xmalloc(sizeof *fsess * N_FILES);
  uint64_t rng = 1;
  size_t i;
  p->dir = dir;
  gen_strings(p, &rng, fsess);
  p->calls = xmalloc(sizeof *p->calls * N_CALLS);
  for (i = 0; i < N_CALLS; i++) {
    gen_call(&p->calls[i], &rng, fsess, 1 + (uint32_t)rng_below(&rng, N_FILES));
    p->sum_total += probe_total(&p->calls[i]);
  }
  gen_copies(p, &rng);
  for (i = 0; i < N_APPEND; i++) {
    struct event *x = &p->extra[i];
    if (i < N_APPEND_NEW) {
      gen_call(x, &rng, fsess, N_FILES + 1);
      continue;
    }
    *x = p->calls[i * 83 % N_CALLS];
    if (i < N_APPEND_NEW + N_APPEND_LATER) {
      x->tok.output += 100;
    } else {
      x->file = N_FILES + 1;
      x->flags = (uint8_t)((x->flags | EVENT_SIDECHAIN) & ~WIN_BIT);
    }
  }
  free(fsess);
  return p;
}

void probe_free(struct probe *p)
{
  for (uint32_t i = 1; i <= p->nstr; i++)
    free(p->str[i]);
  free(p->str);
  free(p->files);
  free(p->calls);
  free(p->copies);
  free(p->rows);
  free(p);
}

void probe_path(char *out, const struct run *r, const char *tag,
                const char *kind, const char *ext)
{
  if (snprintf(out, PATH_LEN, "%s/idx-%s-%s.%s", r->p->dir, tag, kind, ext) >=
      PATH_LEN)
    probe_die("path too long in '%s'", r->p->dir);
}

void probe_copy(const char *from, const char *to)
{
  char buf[1 << 16];
  ssize_t n;
  int in = open(from, O_RDONLY), out;
  if (in < 0)
    probe_die("cannot open '%s': %s", from, strerror(errno));
  out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (out < 0)
    probe_die("cannot create '%s': %s", to, strerror(errno));
  while ((n = read(in, buf, sizeof buf)) > 0)
    if (write(out, buf, (size_t)n) != n)
      probe_die("cannot write '%s'", to);
  close(in);
  close(out);
}

double probe_file_mb(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0 ? (double)st.st_size / 1048576.0 : 0.0;
}

void probe_check(const char *who, const struct event *ev, size_t n,
                 uint64_t want_total)
{
  uint64_t total = 0;
  for (size_t i = 0; i < n; i++)
    total += probe_total(&ev[i]);
  if (n != N_CALLS || total != want_total)
    probe_die("%s: read %zu winners with %llu tokens, want %d with %llu", who,
              n, (unsigned long long)total, N_CALLS,
              (unsigned long long)want_total);
}

struct agg {
  int64_t day; /* 0: empty slot (no event is on the epoch's first day) */
  uint32_t model;
  uint64_t calls;
  struct tokens tok;
};

uint64_t probe_aggregate(const struct event *ev, size_t n)
{
  struct agg *tab = xcalloc(1024, sizeof *tab);
  uint64_t calls = 0;
  size_t i, k;
  for (i = 0; i < n; i++) {
    int64_t d = ev[i].ts_ms / DAY_MS;
    k = ((size_t)d * 31 + ev[i].model) & 1023;
    while (tab[k].day && (tab[k].day != d || tab[k].model != ev[i].model))
      k = (k + 1) & 1023;
    tab[k].day = d;
    tab[k].model = ev[i].model;
    tab[k].calls++;
    tokens_add(&tab[k].tok, &ev[i].tok);
  }
  for (k = 0; k < 1024; k++)
    calls += tab[k].calls;
  free(tab);
  return calls;
}

/* ---- flat file: header, string offsets, strings, files, records ---- */

struct fhdr {
  char magic[8];
  uint32_t nstr;   /* strings, ids 1..nstr */
  uint32_t nfiles; /* files, ids 1..nfiles */
  uint64_t str_bytes;
  uint64_t nwin;  /* winning copies, one per call, first */
  uint64_t nlose; /* the other copies kept */
  uint64_t nlog;  /* copies appended since the file was written */
  uint64_t reserved[2];
};
_Static_assert(sizeof(struct fhdr) == 64, "flat header is 64 bytes");
_Static_assert(sizeof(struct pfile) == 48, "file record is 48 bytes");

struct foffs {
  size_t offs, blob, files, win, lose, log, end;
};

static void flat_offsets(const struct fhdr *h, struct foffs *o)
{
  o->offs = sizeof *h;
  o->blob = o->offs + (size_t)h->nstr * 4;
  o->files = (o->blob + h->str_bytes + 7) & ~(size_t)7;
  o->win = o->files + (size_t)h->nfiles * sizeof(struct pfile);
  o->lose = o->win + h->nwin * sizeof(struct event);
  o->log = o->lose + h->nlose * sizeof(struct event);
  o->end = o->log + h->nlog * sizeof(struct event);
}

static void pread_all(int fd, void *buf, size_t n, size_t off)
{
  while (n > 0) {
    ssize_t k = pread(fd, buf, n, (off_t)off);
    if (k <= 0)
      probe_die("flat: short read at %zu", off);
    buf = (char *)buf + k;
    n -= (size_t)k;
    off += (size_t)k;
  }
}

static void pwrite_all(int fd, const void *buf, size_t n, size_t off)
{
  while (n > 0) {
    ssize_t k = pwrite(fd, buf, n, (off_t)off);
    if (k <= 0)
      probe_die("flat: short write at %zu", off);
    buf = (const char *)buf + k;
    n -= (size_t)k;
    off += (size_t)k;
  }
}

/* The whole file image, winners first; the caller frees *out. */
static size_t flat_image(const struct probe *p, const struct event *ev,
                         size_t n, char **out)
{
  struct fhdr h = {.nstr = p->nstr, .nfiles = N_FILES};
  struct foffs o;
  size_t i, w, l, pos;
  char *b;
  memcpy(h.magic, "TMIDX01\n", 8);
  for (i = 1; i <= p->nstr; i++)
    h.str_bytes += strlen(p->str[i]) + 1;
  for (i = 0; i < n; i++)
    h.nwin += (ev[i].flags & WIN_BIT) != 0;
  h.nlose = n - h.nwin;
  flat_offsets(&h, &o);
  b = xcalloc(1, o.end);
  memcpy(b, &h, sizeof h);
  for (i = 1, pos = o.blob; i <= p->nstr; i++) {
    size_t len = strlen(p->str[i]) + 1;
    uint32_t off = (uint32_t)(pos - o.blob);
    memcpy(b + o.offs + (i - 1) * 4, &off, 4);
    memcpy(b + pos, p->str[i], len);
    pos += len;
  }
  memcpy(b + o.files, p->files, sizeof *p->files * N_FILES);
  for (i = 0, w = o.win, l = o.lose; i < n; i++) {
    size_t *at = (ev[i].flags & WIN_BIT) ? &w : &l;
    memcpy(b + *at, &ev[i], sizeof *ev);
    *at += sizeof *ev;
  }
  *out = b;
  return o.end;
}

/* Cold write: the image into a temporary file, fsync, rename. */
double probe_flat_write(const struct run *r)
{
  const struct probe *p = r->p;
  int rows = r->variant & V_ROWS;
  char path[PATH_LEN], tmp[PATH_LEN + 8], *img;
  probe_path(path, r, "flat", rows ? "rows" : "copies", "bin");
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  double t0 = probe_now_ms();
  size_t n = flat_image(p, rows ? p->rows : p->copies,
                        rows ? p->nrows : N_COPIES, &img);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0)
    probe_die("cannot create '%s': %s", tmp, strerror(errno));
  pwrite_all(fd, img, n, 0);
  if (!(r->variant & V_NOSYNC) && fsync(fd) != 0)
    probe_die("cannot fsync '%s': %s", tmp, strerror(errno));
  close(fd);
  if (rename(tmp, path) != 0)
    probe_die("cannot rename '%s': %s", tmp, strerror(errno));
  free(img);
  return probe_now_ms() - t0;
}

/* Open addressing on key[0]; slot = index + 1, 0 empty. */
static uint32_t *key_slot(uint32_t *tab, size_t mask, const struct event *ev,
                          const uint64_t *key)
{
  size_t i = (size_t)key[0] & mask;
  while (tab[i] &&
         (ev[tab[i] - 1].key[0] != key[0] || ev[tab[i] - 1].key[1] != key[1]))
    i = (i + 1) & mask;
  return &tab[i];
}

/* Merges copies into the winners in ev (room for nadd more); new count. */
static size_t flat_merge(struct event *ev, size_t n, const struct event *add,
                         size_t nadd)
{
  size_t cap = 1, i;
  uint32_t *tab, *s;
  while (cap < 2 * (n + nadd))
    cap <<= 1;
  tab = xcalloc(cap, sizeof *tab);
  for (i = 0; i < n; i++)
    *key_slot(tab, cap - 1, ev, ev[i].key) = (uint32_t)(i + 1);
  for (i = 0; i < nadd; i++) {
    s = key_slot(tab, cap - 1, ev, add[i].key);
    if (*s == 0) {
      ev[n] = add[i];
      *s = (uint32_t)++n;
    } else if (probe_better(&add[i], &ev[*s - 1])) {
      ev[*s - 1] = add[i];
    }
  }
  free(tab);
  return n;
}

static int flat_open(const char *path, struct fhdr *h, int flags)
{
  int fd = open(path, flags);
  if (fd < 0)
    probe_die("cannot open '%s': %s", path, strerror(errno));
  pread_all(fd, h, sizeof *h, 0);
  if (memcmp(h->magic, "TMIDX01\n", 8) != 0)
    probe_die("'%s' is not a flat index", path);
  return fd;
}

/* The winners, with the appended log merged in; the caller frees *out. */
static size_t flat_events(int fd, const struct fhdr *h, struct event **out)
{
  struct foffs o;
  size_t n = h->nwin;
  struct event *ev = xmalloc(sizeof *ev * (h->nwin + h->nlog + N_APPEND));
  flat_offsets(h, &o);
  pread_all(fd, ev, sizeof *ev * h->nwin, o.win);
  if (h->nlog) {
    struct event *log = xmalloc(sizeof *log * h->nlog);
    pread_all(fd, log, sizeof *log * h->nlog, o.log);
    n = flat_merge(ev, n, log, h->nlog);
    free(log);
  }
  *out = ev;
  return n;
}

/* Warm read of every winner (then, for V_AGG, tokens per day and model). */
double probe_flat_read(const struct run *r)
{
  char path[PATH_LEN];
  struct fhdr h;
  struct event *ev;
  uint64_t calls = N_CALLS;
  probe_path(path, r, "flat", "rows", "bin");
  double t0 = probe_now_ms();
  int fd = flat_open(path, &h, O_RDONLY);
  size_t n = flat_events(fd, &h, &ev);
  close(fd);
  if (r->variant & V_AGG)
    calls = probe_aggregate(ev, n);
  double t = probe_now_ms() - t0;
  probe_check("flat read", ev, n, r->p->sum_total);
  if (calls != N_CALLS)
    probe_die("flat read: %llu calls aggregated", (unsigned long long)calls);
  free(ev);
  return t;
}

/* Read the winners, merge the new copies, append them as a log, fsync. */
double probe_flat_append(const struct run *r)
{
  char base[PATH_LEN], path[PATH_LEN];
  struct fhdr h;
  struct foffs o;
  struct event *ev;
  probe_path(base, r, "flat", "rows", "bin");
  probe_path(path, r, "flat", "append", "bin");
  probe_copy(base, path);
  double t0 = probe_now_ms();
  int fd = flat_open(path, &h, O_RDWR);
  size_t n = flat_events(fd, &h, &ev);
  n = flat_merge(ev, n, r->p->extra, N_APPEND);
  flat_offsets(&h, &o);
  pwrite_all(fd, r->p->extra, sizeof r->p->extra, o.end);
  h.nlog += N_APPEND;
  pwrite_all(fd, &h, sizeof h, 0);
  if (fsync(fd) != 0)
    probe_die("cannot fsync '%s': %s", path, strerror(errno));
  close(fd);
  double t = probe_now_ms() - t0;
  free(ev);
  if (n != N_CALLS + N_APPEND_NEW)
    probe_die("flat append: %zu winners", n);
  return t;
}

double probe_flat_status(const struct run *r)
{
  char path[PATH_LEN];
  struct fhdr h;
  probe_path(path, r, "flat", "rows", "bin");
  double t0 = probe_now_ms();
  close(flat_open(path, &h, O_RDONLY));
  return probe_now_ms() - t0;
}
