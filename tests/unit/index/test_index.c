/* Tests for src/index/: results with the index equal a full read. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "index/format.h"
#include "index/index.h"
#include "testutil.h"
#include "transcript.h"
#include "util/xalloc.h"

#define NFILES 7

static const char *const names[NFILES] = {
    "projects/-home-u-a/s1.jsonl",
    "projects/-home-u-a/s2.jsonl",
    "projects/-home-u-a/s2/subagents/agent-1.jsonl",
    "projects/-home-u-b/s3.jsonl",
    "projects/-home-u-b/s4.jsonl",
    "projects/-home-u-b/s5.jsonl",
    "projects/-home-u-c/s6.jsonl",
};

/* The test's world: files on disk, what the index last saw of each. */
struct world {
  struct tmptree t;
  char cfg[512], cache[512];
  unsigned long long rs;
  struct buf seen[NFILES]; /* content at the last index run */
  int indexed[NFILES];     /* the index has seen the file */
  int gone[NFILES];        /* deleted after the index saw it */
  int threads;
  int entries_changed; /* files created, deleted or renamed since settled */
  long epoch;          /* settled directories' mtime: base + epoch */
  uint64_t unit;       /* scan unit size, 0: random */
  time_t base;
};

static const char *path_of(struct world *w, int f, char *out, size_t n)
{
  snprintf(out, n, "%s/%s", w->cfg, names[f]);
  return out;
}

static int exists(struct world *w, int f)
{
  char p[1024];
  struct stat st;

  return !stat(path_of(w, f, p, sizeof(p)), &st);
}

static unsigned rnd(struct world *w, unsigned n)
{
  return (unsigned)(testutil_rand(&w->rs) % n);
}

/* A random line: usage copies that collide across files, and junk. */
static void random_line(struct world *w, struct buf *b)
{
  static const char *const ids[] = {"msg_a", "msg_b", "msg_c", "msg_d",
                                    "msg_e", "msg_f", "msg_g", "msg_h"};
  static const char *const reqs[] = {"req_1", "req_2", NULL};
  static const char *const sess[] = {"sess-1", "sess-2", NULL};
  static const char *const uuids[] = {"00000000-0000-4000-8000-000000000001",
                                      "00000000-0000-4000-8000-000000000002",
                                      "00000000-0000-4000-8000-000000000003",
                                      NULL};
  struct transcript_rec r;
  unsigned k = rnd(w, 20);

  if (k == 0) {
    buf_adds(b, "{\"type\":\"user\",\"message\":{\"content\":\"hi\"}}\n");
    return;
  }
  if (k == 1) {
    buf_adds(b, "{\"type\":\"assistant\",\"message\":{\"usage\":\n");
    return;
  }
  if (k == 2) {
    buf_adds(b, "\n");
    return;
  }
  memset(&r, 0, sizeof(r));
  r.id = rnd(w, 10) ? ids[rnd(w, 8)] : NULL;
  r.req = reqs[rnd(w, 3)];
  r.session = sess[rnd(w, 3)];
  r.uuid = uuids[rnd(w, 4)];
  r.cwd = rnd(w, 2) ? "/home/u/a" : NULL;
  r.sec = (int)rnd(w, 4) * 600;
  r.in = rnd(w, 4);
  r.out = rnd(w, 4);
  r.cread = rnd(w, 3);
  r.side = !rnd(w, 4);
  transcript_add(b, &r);
  buf_addch(b, '\n');
}

static void file_write(struct world *w, int f, const struct buf *b,
                       const char *mode)
{
  char p[1024];
  FILE *fp;

  if (!exists(w, f))
    w->entries_changed = 1;
  tmptree_mkdirs(&w->t, "cfg/projects/-home-u-a/s2/subagents");
  tmptree_mkdirs(&w->t, "cfg/projects/-home-u-b");
  tmptree_mkdirs(&w->t, "cfg/projects/-home-u-c");
  fp = fopen(path_of(w, f, p, sizeof(p)), mode);
  assert_non_null(fp);
  if (b->len)
    assert_int_equal(fwrite(b->data, 1, b->len, fp), b->len);
  assert_int_equal(fclose(fp), 0);
}

static void file_read(struct world *w, int f, struct buf *out)
{
  char p[1024];

  buf_reset(out);
  assert_int_equal(testutil_read_file(path_of(w, f, p, sizeof(p)), out), 0);
}

/* One random change to the transcripts. */
static void mutate(struct world *w)
{
  int f = (int)rnd(w, NFILES), op = (int)rnd(w, 10), i, n;
  struct buf b = BUF_INIT, old = BUF_INIT;
  char p[1024], q[1040];

  path_of(w, f, p, sizeof(p));
  if (!exists(w, f))
    op = 0;
  switch (op) {
  case 0: /* a new file (or one put back where a deleted one was) */
  case 1:
  case 2: /* appended lines */
  case 3:
    for (i = 0, n = 1 + (int)rnd(w, 6); i < n; i++)
      random_line(w, &b);
    file_write(w, f, &b, "ab");
    break;
  case 4: /* a line being written: its first part only */
    random_line(w, &b);
    if (b.len > 1) {
      buf_setlen(&b, 1 + rnd(w, (unsigned)b.len - 1));
      file_write(w, f, &b, "ab");
    }
    break;
  case 5: /* truncated anywhere */
    file_read(w, f, &old);
    assert_int_equal(truncate(p, (off_t)rnd(w, (unsigned)old.len + 1)), 0);
    break;
  case 6: /* deleted */
    assert_int_equal(unlink(p), 0);
    w->entries_changed = 1;
    break;
  case 7: /* replaced by a new file (new inode) with part of the old */
    file_read(w, f, &old);
    buf_setlen(&old, rnd(w, (unsigned)old.len + 1));
    random_line(w, &old);
    snprintf(q, sizeof(q), "%s.new", p);
    {
      FILE *fp = fopen(q, "wb");

      assert_non_null(fp);
      fwrite(old.data, 1, old.len, fp);
      fclose(fp);
    }
    assert_int_equal(rename(q, p), 0);
    w->entries_changed = 1;
    break;
  case 8: /* the last line changed in place, same size */
    file_read(w, f, &old);
    if (old.len > 40) {
      char *d = memchr(old.data + old.len - 40, ':', 39);

      if (d && d[1] >= '0' && d[1] <= '8') {
        d[1]++;
        file_write(w, f, &old, "wb");
      }
    }
    break;
  default: /* touched only */
    file_read(w, f, &old);
    file_write(w, f, &old, "wb");
    break;
  }
  buf_release(&old);
  buf_release(&b);
}

/*
 * Gives every directory an old mtime, as settled history has, so the walk
 * trusts what the index recorded of them; a new one whenever entries
 * changed, as a real directory would get. Without this every directory
 * would be too recent to trust and the memo would go untested.
 */
static void settle(struct world *w)
{
  static const char *const dirs[] = {"cfg/projects",
                                     "cfg/projects/-home-u-a",
                                     "cfg/projects/-home-u-a/s2",
                                     "cfg/projects/-home-u-a/s2/subagents",
                                     "cfg/projects/-home-u-b",
                                     "cfg/projects/-home-u-c"};
  struct timespec ts[2];
  char p[1024];
  size_t i;

  if (w->entries_changed)
    w->epoch++;
  w->entries_changed = 0;
  ts[0].tv_sec = w->base + w->epoch;
  ts[0].tv_nsec = 0;
  ts[1] = ts[0];
  for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
    (void)utimensat(AT_FDCWD, tmptree_path(&w->t, dirs[i], p, sizeof(p)), ts,
                    0);
}

static void run_index(struct world *w, struct scan_result *r,
                      struct index_stats *is)
{
  const char *dirs[1] = {w->cfg};
  struct discover_env env;
  struct discover d;
  struct index_opts o;
  struct err e = ERR_INIT;

  discover_init(&d);
  memset(&env, 0, sizeof(env));
  env.dirs = dirs;
  env.ndirs = 1;
  /* Roots only: index_run walks them itself. */
  assert_int_equal(discover_roots(&d, &env, NULL), 0);
  memset(&o, 0, sizeof(o));
  o.dir = w->cache;
  o.scan.threads = w->threads;
  /* files cut into units too */
  o.scan.unit_bytes = w->unit ? w->unit : 1 + rnd(w, 4) * 700;
  o.now_ms = 1;
  scan_result_init(r);
  index_stats_init(is);
  if (index_run(&d, &o, r, is, &e))
    fail_msg("index_run: %s", e.msg);
  discover_release(&d);
}

/* A full read of the files on disk plus what the index last saw of the
 * deleted ones, put back for the moment. */
static void run_expected(struct world *w, struct scan_result *r)
{
  struct discover d;
  char p[1024];
  int f;

  for (f = 0; f < NFILES; f++)
    if (w->gone[f])
      file_write(w, f, &w->seen[f], "wb");
  discover_init(&d);
  assert_int_equal(transcript_discover(w->cfg, &d), 0);
  scan_result_init(r);
  assert_int_equal(transcript_scan(&d, r, 0, 1), 0);
  discover_release(&d);
  for (f = 0; f < NFILES; f++)
    if (w->gone[f])
      assert_int_equal(unlink(path_of(w, f, p, sizeof(p))), 0);
}

/* After an index run: what it has now seen of every file. */
static void remember(struct world *w)
{
  int f;

  for (f = 0; f < NFILES; f++) {
    if (exists(w, f)) {
      file_read(w, f, &w->seen[f]);
      w->indexed[f] = 1;
      w->gone[f] = 0;
    } else if (w->indexed[f]) {
      w->gone[f] = 1;
    }
  }
}

static void check_same(struct world *w, const char *when)
{
  struct scan_result got, want;
  struct index_stats is;
  char why[256];

  run_index(w, &got, &is);
  remember(w);
  run_expected(w, &want);
  if (transcript_diff_events(&got, &want, why, sizeof(why)))
    fail_msg("%s: index and full read differ: %s", when, why);
  index_stats_release(&is);
  scan_result_release(&got);
  scan_result_release(&want);
}

static void world_make(struct world *w, unsigned long long seed)
{
  int f;

  memset(w, 0, sizeof(*w));
  assert_int_equal(tmptree_make(&w->t), 0);
  tmptree_path(&w->t, "cfg", w->cfg, sizeof(w->cfg));
  tmptree_path(&w->t, "cache", w->cache, sizeof(w->cache));
  assert_int_equal(tmptree_mkdirs(&w->t, "cfg/projects"), 0);
  w->rs = seed;
  w->threads = 1 + (int)(seed % 2);
  w->base = time(NULL) - 100000;
  for (f = 0; f < NFILES; f++)
    buf_init(&w->seen[f], 0);
}

static void world_free(struct world *w)
{
  int f;

  for (f = 0; f < NFILES; f++)
    buf_release(&w->seen[f]);
  tmptree_remove(&w->t);
}

/* Any sequence of appends, truncations, deletions, rewrites and new
 * files: the index gives what a full read gives, plus deleted files. */
static void test_random_equivalence(void **state)
{
  unsigned long long seed;

  (void)state;
  for (seed = 1; seed <= 12; seed++) {
    struct world w;
    int step;

    world_make(&w, seed);
    for (step = 0; step < 120; step++) {
      char when[64];
      int k, n = 1 + (int)rnd(&w, 3);

      for (k = 0; k < n; k++)
        mutate(&w);
      if (seed % 3)
        settle(&w);
      snprintf(when, sizeof(when), "seed %llu step %d", seed, step);
      check_same(&w, when);
    }
    world_free(&w);
  }
}

/* The path of the one index file in the world's cache. */
static void index_file(struct world *w, char *out, size_t n)
{
  struct index_info *v;
  size_t k;

  assert_int_equal(index_list(w->cache, &v, &k, NULL), 0);
  assert_int_equal(k, 1);
  snprintf(out, n, "%s", v[0].path);
  index_info_free(v, 1);
}

/* Runs the index and a full read; returns how the index was found. */
static int rebuilt_and_same(struct world *w)
{
  struct scan_result got, want;
  struct index_stats is;
  char why[256];
  int rebuilt;

  run_index(w, &got, &is);
  run_expected(w, &want);
  if (transcript_diff_events(&got, &want, why, sizeof(why)))
    fail_msg("index and full read differ: %s", why);
  rebuilt = is.rebuilt;
  index_stats_release(&is);
  scan_result_release(&got);
  scan_result_release(&want);
  return rebuilt;
}

static void patch(const char *path, long off, const void *bytes, size_t n)
{
  int fd = open(path, O_WRONLY);

  assert_true(fd >= 0);
  assert_int_equal(pwrite(fd, bytes, n, off), (ssize_t)n);
  close(fd);
}

static long size_of(const char *path)
{
  struct stat st;

  assert_int_equal(stat(path, &st), 0);
  return (long)st.st_size;
}

/* Offset of the payload of the first segment of a kind in the file. */
static long seg_payload(const char *path, uint32_t kind)
{
  struct buf b = BUF_INIT;
  size_t pos = sizeof(struct idx_header);
  struct idx_seg_head h;
  const unsigned char *pl;
  long at = -1;

  assert_int_equal(testutil_read_file(path, &b), 0);
  while (at < 0 &&
         !idx_seg_next((const unsigned char *)b.data, b.len, &pos, &h, &pl, 0))
    if (h.kind == kind)
      at = (long)(pl - (const unsigned char *)b.data);
  buf_release(&b);
  assert_true(at > 0);
  return at;
}

/* A damaged, cut, foreign or torn index is noticed and never gives
 * wrong totals. */
static void test_damage(void **state)
{
  struct world w;
  char idx[1024], p[1024];
  struct buf b = BUF_INIT;
  uint32_t version = 999;
  int i;

  (void)state;
  world_make(&w, 99);
  for (i = 0; i < 30; i++)
    random_line(&w, &b);
  file_write(&w, 0, &b, "wb");
  file_write(&w, 3, &b, "wb");
  assert_int_equal(rebuilt_and_same(&w), INDEX_CREATED);
  assert_int_equal(rebuilt_and_same(&w), INDEX_REUSED);
  index_file(&w, idx, sizeof(idx));

  /* a flipped byte in the finished set */
  patch(idx, seg_payload(idx, SEG_WINNERS) + 20, "\xff\x00\xff", 3);
  assert_int_equal(rebuilt_and_same(&w), INDEX_CORRUPT);
  assert_int_equal(rebuilt_and_same(&w), INDEX_REUSED);

  /* in the copies, which only a rebuild reads: found when one is due */
  patch(idx, seg_payload(idx, SEG_COPIES) + 20, "\xff\x00\xff", 3);
  assert_int_equal(rebuilt_and_same(&w), INDEX_REUSED);
  assert_int_equal(truncate(path_of(&w, 0, p, sizeof(p)), 100), 0);
  assert_int_equal(rebuilt_and_same(&w), INDEX_CORRUPT);
  assert_int_equal(rebuilt_and_same(&w), INDEX_REUSED);

  /* cut short inside the base */
  assert_int_equal(truncate(idx, size_of(idx) / 3), 0);
  assert_int_equal(rebuilt_and_same(&w), INDEX_CORRUPT);

  /* written by another version */
  patch(idx, 8, &version, sizeof(version));
  assert_int_equal(rebuilt_and_same(&w), INDEX_STALE);

  /* a torn journal append is cut off, not a reason to rebuild */
  random_line(&w, &b);
  file_write(&w, 0, &b, "ab");
  assert_int_equal(rebuilt_and_same(&w), INDEX_REUSED);
  patch(idx, size_of(idx), "\x01\x00\x00\x00garbage", 11);
  file_write(&w, 3, &b, "ab");
  assert_int_equal(rebuilt_and_same(&w), INDEX_REUSED);
  assert_int_equal(rebuilt_and_same(&w), INDEX_REUSED);

  /* not an index at all */
  patch(idx, 0, "NOTINDEX", 8);
  assert_int_equal(rebuilt_and_same(&w), INDEX_CORRUPT);
  buf_release(&b);
  world_free(&w);
}

/* Deleted transcripts keep their calls, and the run says how many. */
static void test_deleted_kept(void **state)
{
  struct world w;
  struct buf b = BUF_INIT;
  struct scan_result r;
  struct index_stats is;
  char p[1024];
  size_t before;
  int i;

  (void)state;
  world_make(&w, 7);
  for (i = 0; i < 20; i++)
    random_line(&w, &b);
  file_write(&w, 1, &b, "wb");
  buf_reset(&b);
  transcript_add(&b, &(struct transcript_rec){"only_here", "r", "s9", NULL,
                                              NULL, 5, 1, 2, 3, 0, NULL});
  buf_addch(&b, '\n');
  file_write(&w, 5, &b, "wb");
  run_index(&w, &r, &is);
  before = r.set.n;
  assert_int_equal(is.files_gone, 0);
  index_stats_release(&is);
  scan_result_release(&r);

  assert_int_equal(unlink(path_of(&w, 5, p, sizeof(p))), 0);
  run_index(&w, &r, &is);
  assert_int_equal(r.set.n, before);
  assert_int_equal(is.files_gone, 1);
  assert_int_equal(is.events_gone, 1);
  assert_int_equal(r.st.files, 1);
  index_stats_release(&is);
  scan_result_release(&r);
  buf_release(&b);
  world_free(&w);
}

static void add_rec(struct buf *b, const char *id, int sec, unsigned in)
{
  transcript_add(b, &(struct transcript_rec){id, "r", "s9", NULL, NULL, sec, in,
                                             2, 3, 0, NULL});
  buf_addch(b, '\n');
}

/* Copies only a rebuild reads, damaged, when this run's new calls fill
 * the journal: never folded in; the next run starts afresh. */
static void test_damaged_copies_full_journal(void **state)
{
  struct world w;
  struct buf b = BUF_INIT;
  char idx[1024], id[32];
  uint32_t bad = 0x7fffffff;
  uint64_t big = 1000000000ULL;
  long at;
  int i;

  (void)state;
  world_make(&w, 5);
  w.unit = 64 << 10; /* tiny units over 2.5 MB would read it n^2 times */
  for (i = 0; i < 5; i++) {
    snprintf(id, sizeof(id), "dup_%d", i);
    add_rec(&b, id, i, 10);
  }
  /* the same calls in two files: one copy of each loses */
  file_write(&w, 0, &b, "wb");
  file_write(&w, 3, &b, "wb");
  assert_int_equal(rebuilt_and_same(&w), INDEX_CREATED);
  index_file(&w, idx, sizeof(idx));
  at = seg_payload(idx, SEG_COPIES);
  patch(idx, at + (long)offsetof(struct event, file), &bad, sizeof(bad));
  patch(idx, at + (long)offsetof(struct event, tok), &big, sizeof(big));
  buf_reset(&b);
  for (i = 0; i < 4200; i++) {
    snprintf(id, sizeof(id), "new_%d", i);
    add_rec(&b, id, 100 + i, 1);
  }
  file_write(&w, 1, &b, "wb");
  assert_int_equal(rebuilt_and_same(&w), INDEX_REUSED);
  /* the next write finds the journal full and the copies bad */
  buf_reset(&b);
  add_rec(&b, "later", 9000, 1);
  file_write(&w, 1, &b, "ab");
  assert_int_equal(rebuilt_and_same(&w), INDEX_CORRUPT);
  assert_int_equal(rebuilt_and_same(&w), INDEX_REUSED);
  buf_release(&b);
  world_free(&w);
}

/* An append cut inside its copies, after its file records: all of it is
 * left out, so its lines are read again. */
static void test_append_cut_short(void **state)
{
  struct world w;
  struct buf b = BUF_INIT, raw = BUF_INIT;
  struct idx_seg_head h;
  const unsigned char *pl;
  char idx[1024];
  long before, copies_at = -1;
  size_t pos;

  (void)state;
  world_make(&w, 6);
  add_rec(&b, "base_1", 1, 5);
  file_write(&w, 0, &b, "wb");
  assert_int_equal(rebuilt_and_same(&w), INDEX_CREATED);
  index_file(&w, idx, sizeof(idx));
  before = size_of(idx);
  buf_reset(&b);
  add_rec(&b, "grown_1", 50, 7);
  add_rec(&b, "grown_2", 60, 7);
  file_write(&w, 0, &b, "ab");
  assert_int_equal(rebuilt_and_same(&w), INDEX_REUSED);
  assert_int_equal(testutil_read_file(idx, &raw), 0);
  pos = (size_t)before;
  while (
      !idx_seg_next((const unsigned char *)raw.data, raw.len, &pos, &h, &pl, 0))
    if (h.kind == SEG_COPIES)
      copies_at = (long)(pl - (const unsigned char *)raw.data);
  assert_true(copies_at > before);
  assert_int_equal(truncate(idx, copies_at + 10), 0);
  assert_int_equal(rebuilt_and_same(&w), INDEX_REUSED);
  assert_int_equal(rebuilt_and_same(&w), INDEX_REUSED);
  buf_release(&raw);
  buf_release(&b);
  world_free(&w);
}

/* Runs that add only lines without usage do not grow the journal
 * forever: it is folded into a new base. */
static void test_journal_bounded(void **state)
{
  struct world w;
  struct buf b = BUF_INIT;
  struct index_info *v;
  size_t k;
  int i;

  (void)state;
  world_make(&w, 8);
  add_rec(&b, "base_1", 1, 5);
  file_write(&w, 0, &b, "wb");
  for (i = 0; i < 600; i++) {
    struct scan_result r;
    struct index_stats is;

    buf_reset(&b);
    buf_adds(&b, "{\"type\":\"user\",\"message\":{\"content\":\"hi\"}}\n");
    file_write(&w, 0, &b, "ab");
    run_index(&w, &r, &is);
    assert_int_equal(r.set.n, 1);
    index_stats_release(&is);
    scan_result_release(&r);
  }
  assert_int_equal(index_list(w.cache, &v, &k, NULL), 0);
  assert_int_equal(k, 1);
  assert_true(v[0].journal_segments < 512);
  index_info_free(v, k);
  buf_release(&b);
  world_free(&w);
}

/* A last line begun in an earlier scan unit and finished later is read
 * from where it began, not the whole file again. */
static void test_tail_across_units(void **state)
{
  struct world w;
  struct buf b = BUF_INIT;
  struct scan_result r;
  struct index_stats is;
  int i;

  (void)state;
  world_make(&w, 9);
  w.unit = 1000;
  add_rec(&b, "a", 0, 1);
  add_rec(&b, "b", 1, 1);
  buf_adds(&b, "{\"type\":\"user\",\"message\":{\"content\":\"");
  buf_addrep(&b, 'x', 3000);
  file_write(&w, 0, &b, "wb");
  assert_int_equal(rebuilt_and_same(&w), INDEX_CREATED);
  buf_reset(&b);
  buf_adds(&b, "\"}}\n");
  add_rec(&b, "d", 9, 1);
  file_write(&w, 0, &b, "ab");
  run_index(&w, &r, &is);
  assert_int_equal(is.files_grown, 1);
  assert_int_equal(is.files_reread, 0);
  assert_int_equal(r.set.n, 3);
  index_stats_release(&is);
  scan_result_release(&r);
  for (i = 0; i < 1; i++)
    assert_int_equal(rebuilt_and_same(&w), INDEX_REUSED);
  buf_release(&b);
  world_free(&w);
}

/* Lines appended to a file are read from where the last run stopped,
 * whatever the unit size: the recorded tail hash matches. */
static void test_append_is_grown(void **state)
{
  static const uint64_t units[] = {1u << 20, 700, 64, 1};
  size_t k;

  (void)state;
  for (k = 0; k < sizeof(units) / sizeof(units[0]); k++) {
    struct world w;
    struct buf b = BUF_INIT;
    struct scan_result r;
    struct index_stats is;
    int i;

    world_make(&w, 20 + k);
    w.unit = units[k];
    for (i = 0; i < 40; i++)
      random_line(&w, &b);
    file_write(&w, 2, &b, "wb");
    assert_int_equal(rebuilt_and_same(&w), INDEX_CREATED);
    for (i = 0; i < 3; i++) {
      buf_reset(&b);
      add_rec(&b, i == 0 ? "g0" : i == 1 ? "g1" : "g2", 100 + i, 4);
      file_write(&w, 2, &b, "ab");
      run_index(&w, &r, &is);
      assert_int_equal(is.files_grown, 1);
      assert_int_equal(is.files_reread, 0);
      index_stats_release(&is);
      scan_result_release(&r);
    }
    buf_release(&b);
    world_free(&w);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_append_is_grown),
      cmocka_unit_test(test_damaged_copies_full_journal),
      cmocka_unit_test(test_append_cut_short),
      cmocka_unit_test(test_journal_bounded),
      cmocka_unit_test(test_tail_across_units),
      cmocka_unit_test(test_random_equivalence),
      cmocka_unit_test(test_damage),
      cmocka_unit_test(test_deleted_kept),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
