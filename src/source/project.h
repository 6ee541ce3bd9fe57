/* Project names: the git repository a record's cwd is in, else its last
 * path component. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_SOURCE_PROJECT_H
#define TOKMETER_SOURCE_PROJECT_H

#include "core/aggregate.h"
#include "core/dedup.h"
#include "source/discover.h"
#include "util/buf.h"

/*
 * Fills pm for every cwd and file id the events of `set` use. A cwd inside
 * a git work tree on this machine is named after the repository: the last
 * component of the origin remote's URL (without ".git"), else the work
 * tree's top directory (the main one, for a linked worktree; the
 * repository's directory for a worktree of a bare repository). A linked
 * worktree reads the remote from the repository its "commondir" names.
 * Otherwise the cwd's last component. Events without a cwd get their
 * file's directory under projects/. Each distinct cwd is looked up once.
 */
void project_map_build(struct project_map *pm, const struct dedup *set,
                       const struct discover *d);
void project_map_release(struct project_map *pm);

/* The name for one cwd (exposed for tests). */
void project_name_for_cwd(const char *cwd, struct buf *out);

#endif
