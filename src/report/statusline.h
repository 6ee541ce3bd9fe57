/* The statusline: one line for Claude Code from usage and plan quota. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_REPORT_STATUSLINE_H
#define TOKMETER_REPORT_STATUSLINE_H

#include <stddef.h>
#include <stdint.h>

#include "core/aggregate.h"
#include "core/dedup.h"
#include "core/tz.h"
#include "util/buf.h"
#include "util/err.h"

/*
 * Two steps, neither doing I/O: statusline_collect() sums what the line
 * needs from a finished event set, and statusline_render() turns a view
 * (those sums plus what Claude Code sent) into text, with the default
 * layout or a user's --format.
 */

/* What the transcripts say, as of now. */
struct statusline_usage {
  uint64_t calls;         /* calls in the set */
  uint64_t session_calls; /* calls of the session asked for */
  double session_cost;
  double today_cost; /* calls on now's local day */
  int has_block;     /* a 5-hour block is active at now */
  int64_t block_start_ms, block_end_ms;
  double block_cost;
  const char *newest_model; /* model of the newest call (borrowed from the
                               set's strings), NULL when none */
};

/*
 * Fills u from set. session_id (NULL: none) selects the session; today is
 * now's calendar day in tz; blocks are built as core/blocks.h builds them
 * with duration_ms, but only the newest is looked at, so the cost does not
 * grow with the length of the history. Borrows everything.
 */
void statusline_collect(struct statusline_usage *u, const struct dedup *set,
                        struct pricer *pr, const struct tz *tz,
                        const char *session_id, int64_t duration_ms,
                        int64_t now_ms);

/* A plan-quota window from Claude Code (rate_limits). */
struct statusline_quota {
  int has;
  double pct;    /* used percentage */
  int64_t reset; /* unix seconds, 0 when unknown */
};

/* Everything the line can show. Strings are borrowed and may hold any
 * bytes: the renderer makes them printable. */
struct statusline_view {
  int64_t now_ms;
  const char *model;   /* NULL: unknown */
  const char *project; /* NULL: unknown */
  int usage_loaded;    /* transcripts were read (u is meaningful) */
  int session_known;   /* Claude Code named the session */
  struct statusline_usage u;
  int has_cc_cost;
  double cc_cost; /* Claude Code's own estimate for the session */
  int has_context;
  double context_pct;
  struct statusline_quota five, week;
};

/*
 * Checks a --format string: text with {name} placeholders, where {{ and }}
 * write a brace. Returns 0, or ERR_USAGE with a message naming the first
 * unknown placeholder or an unclosed brace.
 */
int statusline_format_check(const char *fmt, struct err *e);

/*
 * Appends the line (no newline) to out: the default layout when fmt is
 * NULL, else fmt with its placeholders replaced (fmt must have passed
 * statusline_format_check; anything else is written as is). Values that
 * are not known print as "-". color adds ANSI colours.
 */
void statusline_render(struct buf *out, const char *fmt,
                       const struct statusline_view *v, int color);

/* The placeholders and what they show, for --help (one per line). */
extern const char statusline_placeholders_help[];

#endif
