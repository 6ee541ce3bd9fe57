/* The hot path: recognise and parse one transcript line into a usage record. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_SOURCE_LINE_H
#define TOKMETER_SOURCE_LINE_H

#include <stddef.h>

#include "core/usage.h"
#include "util/buf.h"

/*
 * Most transcript bytes are prompt text and tool output that carry no usage.
 * line_prefilter() rejects such lines with a byte scan (transcript-format.md
 * §3.2 rules 1 and 2); line_parse() then validates the whole line as JSON
 * (accepting exactly what jansson accepts) in one pass, decoding only the
 * strings it keeps, and applies the record rules of docs/internals/parser.md.
 */

/* Parser state; owns the scratch that decoded strings live in. */
struct line_parser {
  struct buf scratch;
};

void line_parser_init(struct line_parser *lp);
void line_parser_release(struct line_parser *lp);

/* 1 if the line contains `"usage":{` and none of the killing `"k":null`. */
int line_prefilter(const char *line, size_t len);
/* The same; when it returns 0, *nonascii says whether the line holds a
 * byte >= 0x80 (so the caller knows to check its UTF-8). */
int line_prefilter_flag(const char *line, size_t len, int *nonascii);

/* Offset of the first `"usage":{` in s[0..n), or n if none. */
size_t line_find_usage(const char *s, size_t n);

/*
 * Parses a line that passed line_prefilter() (no trailing '\n'). On
 * LINE_EVENT fills *rec, whose strings stay valid until the next call with
 * the same parser. LINE_NO_USAGE: valid JSON without an acceptable record.
 */
enum line_status line_parse(struct line_parser *lp, const char *line,
                            size_t len, struct usage_rec *rec);

/*
 * Record rules shared by both parsers, on already-extracted values:
 * `usage limit reached|<digits>` in the raw line, or 0.
 */
long long line_limit_reset(const char *line, size_t len);
/* 1 if s[0..n) starts with digits '.' digits '.' digit. */
int line_version_ok(const char *s, size_t n);

#endif
