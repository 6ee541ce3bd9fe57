/* The live monitor's screen, drawn from a snapshot of the figures. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_REPORT_LIVE_H
#define TOKMETER_REPORT_LIVE_H

#include <stddef.h>
#include <stdint.h>

#include "core/blocks.h"
#include "core/tz.h"
#include "util/buf.h"

/* What the bar measures the active block against. */
enum live_limit {
  LIVE_LIMIT_NONE,     /* no bar, figures only */
  LIVE_LIMIT_MEASURED, /* the statusline's five-hour used percentage */
  LIVE_LIMIT_TOKENS,   /* --token-limit N */
  LIVE_LIMIT_MAX,      /* --token-limit max: the largest previous block */
  LIVE_LIMIT_PLAN      /* a plan preset (core/plan.h): an estimate */
};

/* One model's share of the active block. */
struct live_model {
  const char *name; /* as reported; shown shortened and made printable */
  uint64_t tokens;
  double cost;
};

/*
 * Everything one frame shows. The view borrows every pointer; the renderer
 * reads nothing else (no clock, no files), so a frame is a function of the
 * view.
 */
struct live_view {
  const struct tz *tz; /* zone of the clock times shown */
  int64_t now_ms;      /* the clock */
  int64_t updated_ms;  /* when the transcripts were last read (0: never) */

  /* The active block; when active is 0 the fields up to models are unused. */
  int active;
  int64_t start_ms, end_ms;
  uint64_t tokens;
  double cost;
  int unpriced; /* some calls have no price: the cost is a lower bound */
  struct burn_rate burn;
  struct projection proj;
  const struct live_model *models; /* in the order shown */
  size_t nmodels;

  /* The limit (see enum live_limit). */
  enum live_limit limit;
  uint64_t limit_tokens; /* TOKENS, MAX, PLAN */
  double limit_cost;     /* PLAN: cost per window, 0: none */
  const char *plan;      /* PLAN: the preset's name */
  double used_pct;       /* MEASURED: 0..100 */
  int64_t measured_ms;   /* MEASURED: when the reading was taken */
  int64_t reset_ms;      /* MEASURED: when the five-hour window resets */
  int week;              /* a current seven-day reading: */
  double week_pct;       /*   its used percentage */
  int64_t week_reset_ms; /*   and reset time */

  /* Today, a calendar day in tz. */
  uint64_t today_tokens;
  double today_cost;
  uint64_t today_calls;

  const char *note; /* one status text for the last line, may be NULL */
  int interactive;  /* keys work: the last line says how to quit */
  unsigned width;   /* columns; 0: 80. Lines never exceed it */
  unsigned height;  /* rows: exactly this many lines; 0: as many as needed */
  int color;        /* ANSI colours (SGR only) */
};

/*
 * Appends the frame as text lines, each ending in '\n'. Content is laid
 * out for min(width, 80) columns; every line is cut at width columns (a
 * UTF-8 character counts as one), so any width works and 40 or more shows
 * everything readably. With a height, the model list shrinks (ending in
 * "+N more") and then lines are dropped from the bottom so the status line
 * always shows on the last row. Returns 0 or ERR_RANGE (the buf's max).
 */
int live_render(const struct live_view *v, struct buf *out);

/*
 * Turns rendered lines into a full-screen redraw: each line is written at
 * its row (cursor position, then erase line), so the old frame never shows
 * through and the terminal never scrolls. Returns 0 or ERR_RANGE.
 */
int live_frame(const char *text, size_t len, struct buf *out);

#endif
