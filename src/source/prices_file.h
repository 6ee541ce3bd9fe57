/* The user's price overrides file (~/.config/tokmeter/prices.json). */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_SOURCE_PRICES_FILE_H
#define TOKMETER_SOURCE_PRICES_FILE_H

#include "core/pricing.h"
#include "util/buf.h"
#include "util/err.h"

/* Largest prices file we read. */
#define PRICES_FILE_MAX (16u << 20)

/*
 * Appends the default path of the user's prices file to out:
 * $XDG_CONFIG_HOME/tokmeter/prices.json when XDG_CONFIG_HOME is an absolute
 * path, else $HOME/.config/tokmeter/prices.json. Returns 0, or ERR_NOTFOUND
 * (out unchanged) when neither variable is usable.
 */
int prices_default_path(struct buf *out);

/*
 * Applies the prices file at `path` (NULL: prices_default_path()) to t with
 * price_table_load_json(). A missing default file, or no usable default
 * path, is not an error: returns 0 and t is unchanged; a missing file the
 * caller named is ERR_NOTFOUND. An unreadable file, one over
 * PRICES_FILE_MAX or an invalid one is an error naming the file (and the
 * line and column of a JSON syntax error); t is then unchanged.
 */
int prices_load_user(struct price_table *t, const char *path, struct err *e);

#endif
