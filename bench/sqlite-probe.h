/* Shared parts of the SQLite probe: synthetic events, helpers, flat file. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_BENCH_SQLITE_PROBE_H
#define TOKMETER_BENCH_SQLITE_PROBE_H

/*
 * A standalone benchmark, not part of tokmeter (bench/sqlite-probe.sh builds
 * and runs it): sqlite-probe.c times SQLite as the index store,
 * sqlite-probe-flat.c makes the synthetic events and times the same steps
 * on a flat file of 128-byte records. Every function dies on failure.
 */
#include <stddef.h>
#include <stdint.h>

#include "core/event.h"

enum {
  N_COPIES = 172347,    /* usage records in the 1 GB demo corpus */
  N_CALLS = 86064,      /* distinct calls after dedup */
  N_FILES = 4521,       /* transcript files */
  N_SESSIONS = 2754,    /* sessions; the other files are subagents' */
  N_MODELS = 10,        /* model names */
  N_CWDS = 8,           /* projects */
  N_CROSS = 1028,       /* copies in another file than the winner's */
  N_APPEND = 1000,      /* copies added by the append step: */
  N_APPEND_NEW = 600,   /* new calls in a new file, */
  N_APPEND_LATER = 200, /* better copies in the call's file, the rest */
                        /* sidechain mirrors in the new file */
  PATH_LEN = 512
};
#define DAY_MS 86400000LL
#define WIN_BIT 0x80 /* in memory only: the call's winning copy */

/* One row of the files table (48 bytes in the flat file). */
struct pfile {
  uint64_t dev;
  uint64_t ino;
  int64_t size;
  int64_t mtime_ns;
  int64_t offset; /* bytes parsed */
  uint32_t path;  /* string id */
  uint32_t pad;
};

/* The synthetic data set; owns every array. */
struct probe {
  const char *dir;
  char **str; /* str[1..nstr]: paths, sessions, models, cwds */
  uint32_t nstr;
  struct pfile *files;  /* files[id - 1] */
  struct event *calls;  /* N_CALLS winners */
  struct event *copies; /* N_COPIES copies, in file then time order */
  struct event *rows;   /* the best copy per (key, file), in key order */
  size_t nrows;
  struct event extra[N_APPEND];
  uint64_t sum_total; /* token total of the winners, for checks */
};

/* What one timed run works on. */
struct run {
  struct probe *p;
  int cfg;     /* which SQLite set-up (sqlite-probe.c) */
  int variant; /* V_ flags */
};

enum { V_ROWS = 1, V_NOSYNC = 2, V_AGG = 4 };

/* Makes the data set (same every run); files go under dir (borrowed). */
struct probe *probe_new(const char *dir);
void probe_free(struct probe *p);

void probe_die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
double probe_now_ms(void);
uint64_t probe_total(const struct event *e);
/* event_better's order, without the string and last-resort steps. */
int probe_better(const struct event *a, const struct event *b);
/* Writes DIR/idx-TAG-KIND.EXT into out (PATH_LEN bytes). */
void probe_path(char *out, const struct run *r, const char *tag,
                const char *kind, const char *ext);
void probe_copy(const char *from, const char *to);
double probe_file_mb(const char *path);
/* Dies unless ev holds N_CALLS events with want_total tokens. */
void probe_check(const char *who, const struct event *ev, size_t n,
                 uint64_t want_total);
/* Sums tokens per (UTC day, model); returns the calls counted. */
uint64_t probe_aggregate(const struct event *ev, size_t n);

/* The flat-file steps; each returns its wall time in ms. */
double probe_flat_write(const struct run *r); /* V_ROWS, V_NOSYNC */
double probe_flat_read(const struct run *r);  /* V_AGG */
double probe_flat_append(const struct run *r);
double probe_flat_status(const struct run *r);

#endif
