/* Where tokmeter keeps its cache: the index and the quota readings. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_INDEX_DIR_H
#define TOKMETER_INDEX_DIR_H

#include "util/buf.h"
#include "util/err.h"

/*
 * Sets out to $XDG_CACHE_HOME/tokmeter when that is an absolute path, else
 * $HOME/.cache/tokmeter (XDG base directory rules). Creates nothing.
 * ERR_NOTFOUND when neither is usable.
 */
int index_dir(struct buf *out, const char *xdg_cache, const char *home,
              struct err *e);

/* Creates path and its missing parents, new ones mode 0700. */
int index_dir_make(const char *path, struct err *e);

#endif
