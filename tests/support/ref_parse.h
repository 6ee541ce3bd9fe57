/* Reference line parser on jansson, for the differential test and fuzzer. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_TEST_REF_PARSE_H
#define TOKMETER_TEST_REF_PARSE_H

#include <stddef.h>

#include "core/usage.h"
#include "util/buf.h"

/*
 * Applies the same rules as source/line.c, written independently on a full
 * jansson parse. The line must have passed line_prefilter(). Strings of *rec
 * point into `scratch`, valid until the next call with it.
 */
enum line_status ref_parse(const char *line, size_t len, struct buf *scratch,
                           struct usage_rec *rec);

/* Compares two records field by field; 0 if equal, else writes the first
 * difference into why. */
int ref_compare(const struct usage_rec *a, const struct usage_rec *b,
                struct buf *why);

#endif
