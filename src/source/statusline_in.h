/* The JSON Claude Code writes to a statusLine command's stdin. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_SOURCE_STATUSLINE_IN_H
#define TOKMETER_SOURCE_STATUSLINE_IN_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/err.h"

/*
 * The fields tokmeter uses from the statusline input (pricing-and-limits.md
 * §7). Every field is optional: strings are NULL and has_* flags 0 when the
 * input lacks them or gives another type. The struct owns its strings:
 * statusline_in_release() frees them. Strings are as sent (any bytes but
 * NUL): make them printable before showing them.
 */

/* Inputs larger than this are refused (real ones are a few KB). */
#define STATUSLINE_IN_MAX (1u << 20)

/* One rate_limits window (subscription plans only). */
struct statusline_limit {
  int has;           /* used_percentage present */
  double used_pct;   /* used_percentage, normally 0..100 */
  int64_t resets_at; /* unix seconds; 0 when absent */
};

struct statusline_in {
  char *session_id;
  char *transcript_path;
  char *cwd;         /* cwd, else workspace.current_dir */
  char *project_dir; /* workspace.project_dir */
  char *model_id;    /* model.id */
  char *model_name;  /* model.display_name */
  int has_cost;
  double cost_usd; /* cost.total_cost_usd: Claude Code's own estimate */
  int has_context;
  double context_pct; /* context_window.used_percentage, else computed
                         from current_usage and context_window_size */
  struct statusline_limit five_hour, seven_day;
};

void statusline_in_init(struct statusline_in *in);
void statusline_in_release(struct statusline_in *in);

/*
 * Fills in (which must be initialised; what it held is released first)
 * from data[0..len). Returns 0, or ERR_PARSE when the text is empty, not
 * JSON or not an object; in is then left empty.
 */
int statusline_in_parse(struct statusline_in *in, const char *data, size_t len,
                        struct err *e);

/*
 * Appends what fd delivers until end of file to out, waiting at most
 * timeout_ms in all (a writer that never closes the pipe cannot hang the
 * statusline). Returns 0 at end of file; ERR_RANGE after max bytes (out
 * then holds the first max, and the rest is left unread); ERR_IO on a read
 * error or when the time ran out (out holds what came until then).
 */
int statusline_in_read(int fd, size_t max, int timeout_ms, struct buf *out,
                       struct err *e);

#endif
