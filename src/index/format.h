/* The index file's layout: a header, then checksummed segments. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_INDEX_FORMAT_H
#define TOKMETER_INDEX_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/strtab.h"

/*
 * An index file is a header and a sequence of segments. The base (from
 * the header to SEG_BASE_END) is written whole into a temporary file and
 * renamed into place; later runs append journal segments after it. Every
 * segment carries a hash of its head and of its payload, so a torn append
 * is found and cut off, and any other damage means a rebuild. Records are
 * stored in the machine's own layout: the header names the sizes and the
 * byte order, and an index from another build is rebuilt, not converted.
 */

#define IDX_MAGIC "TOKMIDX\n"
#define IDX_VERSION 5u
#define IDX_ALIGN 8u
#define IDX_PAGE 4096u /* SEG_WINNERS' payload starts on such a boundary */

struct idx_header {
  char magic[8];
  uint32_t version;
  uint32_t endian; /* 0x01020304 as written */
  uint32_t event_size;
  uint32_t file_size;
  int64_t created_ms;
  uint8_t pad[32];
};

enum idx_seg_kind {
  SEG_ROOTS = 1, /* the projects/ directories, as strings */
  SEG_STRINGS,   /* strings, numbered on from those before */
  SEG_FILES,     /* struct idx_file: the newest record of a path wins */
  SEG_WINNERS,   /* struct event: the finished set of the base's copies */
  SEG_COPIES,    /* struct event: per-file copies (base: those not in
                    SEG_WINNERS, which are copies too) */
  SEG_ISSUES,    /* struct idx_issue: skipped lines, for --verbose */
  SEG_META,      /* struct idx_meta */
  SEG_PAD,       /* zeros: puts the next payload on a page boundary */
  SEG_COMMIT,    /* empty: ends a journal append, which counts only whole */
  SEG_DIRS,      /* directories as last listed: struct idx_dir_head, the
                    path, a NUL, the names (discover.h), padding to 8 */
  SEG_BASE_END   /* empty: the base is complete */
};

/* Figures about the base's set. */
struct idx_meta {
  uint64_t dropped_sidechain; /* replays the sidechain rule removed */
  uint64_t reserved[7];
};

struct idx_seg_head {
  uint32_t kind;
  uint32_t count; /* records (strings, files, events, issues) */
  uint64_t len;   /* payload bytes; padding to IDX_ALIGN follows */
  uint64_t check; /* hash of the payload */
  uint64_t self;  /* hash of the fields above */
};

enum idx_file_state { IDX_LIVE = 1, IDX_GONE = 2 };

/* What the index knows of one transcript file. */
struct idx_file {
  uint32_t path;  /* string id */
  uint32_t state; /* enum idx_file_state */
  uint64_t dev, ino, size;
  int64_t mtime_ns;
  uint64_t end;   /* bytes consumed: lines up to here are in the index */
  uint64_t lines; /* lines before end */
  uint64_t check; /* scan_tail_check() at end */
  uint64_t blank, malformed, bad_utf8, too_long, records, truncated;
  uint32_t open_tail; /* the last line has no newline but was counted */
  uint32_t pad;
};

/* Head of one directory record in SEG_DIRS. */
struct idx_dir_head {
  uint64_t dev, ino;
  int64_t mtime_ns;
  uint32_t path_len;  /* bytes of the path, without its NUL */
  uint32_t names_len; /* bytes of the names, NULs included */
};

/* A skipped line, by string id of its file. */
struct idx_issue {
  uint32_t path;
  uint32_t kind; /* enum scan_issue_kind */
  uint64_t line;
};

/* Writes a header for a new file into out. */
void idx_header_make(struct buf *out, int64_t now_ms);

/* 0 when h is a header this build writes; -1 for another version/build. */
int idx_header_check(const struct idx_header *h);

/* Appends one segment (head, payload, padding) to out. */
void idx_seg_add(struct buf *out, uint32_t kind, uint32_t count,
                 const void *payload, size_t len);

/* Writes one segment to fd at its offset; -1 with errno on failure. */
int idx_seg_write(int fd, uint32_t kind, uint32_t count, const void *payload,
                  size_t len);

/* Bytes a segment with a len-byte payload takes (head and padding). */
size_t idx_seg_size(size_t len);

/* At file offset off, writes the SEG_PAD after which the next segment's
 * payload starts on an IDX_PAGE boundary; returns its size, or 0 with
 * errno on failure. */
size_t idx_seg_write_pad(int fd, size_t off);

/* Appends strings ids [from, st->n) as one SEG_STRINGS segment. */
void idx_seg_strings(struct buf *out, const struct strtab *st, uint32_t from);

/*
 * Reads the segment at data[*pos..len): on success sets *head and
 * *payload, advances *pos and returns 0; -1 when there is no valid segment
 * there (end of data, torn or damaged). The payload's hash is checked only
 * when verify is set.
 */
int idx_seg_next(const unsigned char *data, size_t len, size_t *pos,
                 struct idx_seg_head *head, const unsigned char **payload,
                 int verify);

/* 0 when the payload's hash matches its head. */
int idx_seg_verify(const struct idx_seg_head *head,
                   const unsigned char *payload);

/* Appends the directories (those listed this walk, or all) as one
 * SEG_DIRS segment; nothing when none qualify. */
struct discover_dir;
void idx_seg_dirs(struct buf *out, const struct discover_dir *dirs, size_t n,
                  int listed_only);

/* Interns a SEG_STRINGS payload into st; -1 if malformed or if a string
 * is already there (ids would shift). */
int idx_strings_load(struct strtab *st, const struct idx_seg_head *head,
                     const unsigned char *payload);

#endif
