/* Finding transcript files: config directories and the *.jsonl under them. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_SOURCE_DISCOVER_H
#define TOKMETER_SOURCE_DISCOVER_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/err.h"

/* One transcript file as found on disk. */
struct source_file {
  char *path;  /* owned */
  size_t root; /* index into discover.roots */
  uint64_t size;
  int64_t mtime_ns;
  uint64_t dev, ino;
};

/*
 * Where to look, following transcript-format.md §1: explicit directories
 * (--claude-dir) win; else CLAUDE_CONFIG_DIR (comma list) if set and not
 * blank; else $XDG_CONFIG_HOME/claude (or ~/.config/claude) and ~/.claude.
 * Each root is a "projects" directory. Everything here is owned by the
 * struct.
 */
/*
 * A directory as a walk read it: identity, mtime, and the entries that
 * matter (subdirectories and regular *.jsonl files) as names, each
 * prefixed by 'd' or 'f' and ended by a NUL. A later walk given it as a
 * memo trusts the list instead of reading a directory whose device, inode
 * and mtime are unchanged: adding, removing or renaming an entry changes
 * its directory's mtime. The mtime is taken before the entries are read;
 * a directory changed in the last seconds is recorded as DISCOVER_RACY,
 * as its next change may fall in the same clock tick.
 */
#define DISCOVER_RACY INT64_MIN /* mtime_ns of a listing not to trust */

struct discover_dir {
  const char *path;
  const char *names;
  size_t names_len;
  uint64_t dev, ino;
  int64_t mtime_ns;
  int listed; /* read this walk (not taken from the memo) */
};

struct discover {
  char **roots; /* absolute-or-given paths of projects/ directories */
  size_t nroots;
  struct source_file *files; /* sorted by path */
  size_t nfiles, cap;
  struct buf warnings; /* one line each: unreadable directories */
  size_t nwarnings;
  /* Set before discover_files(), borrowed, sorted by path (strcmp). */
  const struct discover_dir *memo;
  size_t nmemo;
  /* What this walk saw, sorted by path; path and names malloc'd. */
  struct discover_dir *dirs;
  size_t ndirs, dcap;
  size_t listed; /* directories read, not taken from the memo */
};

struct discover_env {
  const char *const *dirs; /* --claude-dir values, may be NULL */
  size_t ndirs;
  const char *config_dir; /* $CLAUDE_CONFIG_DIR or NULL */
  const char *xdg_config; /* $XDG_CONFIG_HOME or NULL */
  const char *home;       /* $HOME or NULL */
};

void discover_init(struct discover *d);
void discover_release(struct discover *d);

/*
 * Resolves the roots. An explicit --claude-dir without a projects/
 * directory is an error naming it; so is a CLAUDE_CONFIG_DIR with no valid
 * entry. Finding no default directory is not an error (no roots).
 */
int discover_roots(struct discover *d, const struct discover_env *env,
                   struct err *e);

/* The record of path in v[0..n), sorted by path (strcmp), or NULL. */
const struct discover_dir *discover_dir_find(const struct discover_dir *v,
                                             size_t n, const char *path);

/* Forgets what discover_files() found (files, directories, warnings),
 * keeping the roots, so that it can walk again. */
void discover_forget(struct discover *d);

/* Walks every root for regular *.jsonl files, symlinks ignored; lists
 * only the directories the memo (if any) does not vouch for. */
int discover_files(struct discover *d, struct err *e);

#endif
