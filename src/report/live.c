/* The live monitor's screen: text lines laid out for the terminal. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/civil.h"
#include "report/fmt.h"
#include "report/live.h"
#include "report/render.h"
#include "util/banned.h"

#define SGR_TITLE "\x1b[1m"
#define SGR_HEADER "\x1b[36m"
#define SGR_DIM "\x1b[90m"
#define SGR_OK "\x1b[32m"
#define SGR_WARN "\x1b[33m"
#define SGR_OVER "\x1b[31m"
#define SGR_RESET "\x1b[0m"

#define MAX_COLS 80   /* content is laid out for at most this width */
#define LABEL_COLS 11 /* "Burn rate  " */
#define PCT_COLS 8    /* " 100.0%" after the bar */
#define NUM_COLS 13   /* the Tokens and Cost columns of the model list */
#define NAME_COLS 30  /* at most, for its model names */

/* Lines of one part of the screen. */
struct part {
  struct buf text;
  unsigned n;
};

/* The line being written: its columns so far, cut at width. */
struct line {
  struct part *p;
  unsigned col, width;
  int color;
};

/* Scratch texts: a value in its wide and its narrow wording. */
struct words {
  struct buf wide, narrow;
};

static unsigned content_cols(const struct live_view *v)
{
  return v->width && v->width < MAX_COLS ? v->width : MAX_COLS;
}

static void line_begin(struct line *l, struct part *p,
                       const struct live_view *v)
{
  l->p = p;
  l->col = 0;
  l->width = content_cols(v);
  l->color = v->color;
}

static void line_end(struct line *l)
{
  buf_addch(&l->p->text, '\n');
  l->p->n++;
}

/* Columns of s: UTF-8 continuation bytes take none. */
static unsigned cols(const char *s)
{
  unsigned c = 0;

  for (; *s; s++)
    c += ((unsigned char)*s & 0xC0) != 0x80;
  return c;
}

/* Appends what fits of s[0..n), in sgr when colours are on. */
static void put(struct line *l, const char *s, size_t n, const char *sgr)
{
  size_t i, end = 0;
  unsigned col = l->col;

  for (i = 0; i < n; i++) {
    if (((unsigned char)s[i] & 0xC0) != 0x80) {
      if (col == l->width)
        break;
      col++;
    }
    end = i + 1;
  }
  if (!end)
    return;
  if (l->color && sgr)
    buf_adds(&l->p->text, sgr);
  buf_add(&l->p->text, s, end);
  if (l->color && sgr)
    buf_adds(&l->p->text, SGR_RESET);
  l->col = col;
}

static void puts_(struct line *l, const char *s, const char *sgr)
{
  put(l, s, strlen(s), sgr);
}

static int fits(const struct line *l, const char *s)
{
  return l->col + cols(s) <= l->width;
}

/* The wide wording if it fits on the line, else the narrow one. */
static void put_words(struct line *l, const struct words *w, const char *sgr)
{
  puts_(l, fits(l, w->wide.data) ? w->wide.data : w->narrow.data, sgr);
}

static void words_reset(struct words *w)
{
  buf_reset(&w->wide);
  buf_reset(&w->narrow);
}

/* Spaces up to column c. */
static void pad_to(struct line *l, unsigned c)
{
  while (l->col < c && l->col < l->width) {
    buf_addch(&l->p->text, ' ');
    l->col++;
  }
}

/* s ending at column c, with at least one space before it. */
static void put_right(struct line *l, const char *s, unsigned c,
                      const char *sgr)
{
  unsigned w = cols(s);

  if (w < c && l->col + (l->col > 0) <= c - w)
    pad_to(l, c - w);
  else if (l->col)
    pad_to(l, l->col + 1);
  puts_(l, s, sgr);
}

/* Starts a line with a label in the label column. */
static void labelled(struct line *l, struct part *p, const struct live_view *v,
                     const char *label)
{
  line_begin(l, p, v);
  puts_(l, label, NULL);
  pad_to(l, LABEL_COLS);
}

static void blank_line(struct part *p, const struct live_view *v)
{
  struct line l;

  line_begin(&l, p, v);
  line_end(&l);
}

/* "YYYY-MM-DD HH:MM:SS" of a UTC instant in the view's zone. */
static void local_time(const struct live_view *v, int64_t ms, char *out)
{
  int64_t local =
      ms + (int64_t)tz_offset(v->tz, civil_floor_div(ms, 1000)) * 1000;

  civil_fmt_iso_ms(local, out);
  out[10] = ' ';
  out[19] = '\0';
}

/* "HH:MM" in the view's zone. */
static void clock_minute(const struct live_view *v, int64_t ms, char *out)
{
  char t[32];

  local_time(v, ms, t);
  memcpy(out, t + 11, 5);
  out[5] = '\0';
}

static void add_duration(struct buf *b, int64_t ms)
{
  fmt_duration(b, ms > 0 ? ms / 1000 : 0);
}

static const char *level_sgr(double pct)
{
  return pct >= 100 ? SGR_OVER : pct >= 80 ? SGR_WARN : SGR_OK;
}

static void title(struct part *p, const struct live_view *v)
{
  struct line l;
  char t[32];

  local_time(v, v->now_ms, t);
  line_begin(&l, p, v);
  puts_(&l, "tokmeter live", SGR_TITLE);
  put_right(&l, fits(&l, t) && l.width >= 14 + 19 ? t : t + 11, l.width, NULL);
  line_end(&l);
  blank_line(p, v);
}

/* "[####....]  45.3%" up to the content width. */
static void bar(struct line *l, double pct)
{
  char cells[MAX_COLS], num[16];
  unsigned w = l->width > LABEL_COLS + 2 + PCT_COLS + 4
                   ? l->width - LABEL_COLS - 2 - PCT_COLS
                   : 4;
  double f = pct > 0 ? pct / 100.0 : 0;
  unsigned fill = f >= 1 ? w : (unsigned)lround(f * w);
  struct buf b = BUF_INIT;

  fmt_percent(&b, pct, 1);
  snprintf(num, sizeof(num), "%s", b.data);
  buf_release(&b);
  puts_(l, "[", NULL);
  memset(cells, '#', fill);
  put(l, cells, fill, level_sgr(pct));
  memset(cells, '.', w - fill);
  put(l, cells, w - fill, SGR_DIM);
  puts_(l, "]", NULL);
  put_right(l, num, LABEL_COLS + 2 + w + PCT_COLS, level_sgr(pct));
}

static void measured_words(const struct live_view *v, struct words *w)
{
  buf_adds(&w->wide, "of the 5-hour quota, measured ");
  buf_adds(&w->narrow, "5h quota, measured ");
  if (v->now_ms - v->measured_ms < 60000) {
    buf_adds(&w->wide, "just now");
    buf_adds(&w->narrow, "just now");
    return;
  }
  add_duration(&w->wide, v->now_ms - v->measured_ms);
  buf_adds(&w->wide, " ago");
  add_duration(&w->narrow, v->now_ms - v->measured_ms);
  buf_adds(&w->narrow, " ago");
}

static void limit_lines(struct part *p, const struct live_view *v,
                        struct words *w)
{
  struct line l;
  double pct;

  if (v->limit == LIVE_LIMIT_NONE ||
      (v->limit != LIVE_LIMIT_MEASURED && (!v->active || !v->limit_tokens)))
    return;
  pct = v->limit == LIVE_LIMIT_MEASURED
            ? v->used_pct
            : (double)v->tokens / (double)v->limit_tokens * 100.0;
  labelled(&l, p, v, v->limit == LIVE_LIMIT_MEASURED ? "Quota" : "Limit");
  bar(&l, pct);
  line_end(&l);
  labelled(&l, p, v, "");
  words_reset(w);
  if (v->limit == LIVE_LIMIT_MEASURED) {
    measured_words(v, w);
    put_words(&l, w, NULL);
    line_end(&l);
    return;
  }
  buf_adds(&w->wide, "of ");
  fmt_uint(&w->wide, v->limit_tokens);
  buf_addf(&w->narrow, "%s", w->wide.data);
  buf_adds(&w->wide, " tokens");
  if (v->limit == LIVE_LIMIT_MAX) {
    buf_adds(&w->wide, " (largest previous block)");
    buf_adds(&w->narrow, " (largest block)");
  } else if (v->limit == LIVE_LIMIT_PLAN) {
    buf_addf(&w->wide, " (%s plan, ", v->plan ? v->plan : "");
    buf_addf(&w->narrow, " (%s, ", v->plan ? v->plan : "");
  } else {
    buf_adds(&w->narrow, " tokens");
  }
  if (v->limit != LIVE_LIMIT_PLAN) {
    put_words(&l, w, NULL);
  } else {
    /* The word "estimate" must survive: it decides the wording. */
    puts_(&l,
          l.col + cols(w->wide.data) + 9 <= l.width ? w->wide.data
                                                    : w->narrow.data,
          NULL);
    puts_(&l, "estimate", SGR_WARN);
    puts_(&l, ")", NULL);
  }
  line_end(&l);
}

static void week_line(struct part *p, const struct live_view *v,
                      struct words *w)
{
  struct line l;
  char pct[16];
  struct buf b = BUF_INIT;

  if (!v->week)
    return;
  fmt_percent(&b, v->week_pct, 1);
  snprintf(pct, sizeof(pct), "%s", b.data);
  buf_release(&b);
  labelled(&l, p, v, "Week");
  puts_(&l, pct, level_sgr(v->week_pct));
  words_reset(w);
  buf_adds(&w->wide, " of the 7-day quota");
  if (v->week_reset_ms > v->now_ms) {
    buf_adds(&w->wide, ", resets in ");
    add_duration(&w->wide, v->week_reset_ms - v->now_ms);
    buf_adds(&w->narrow, ", resets in ");
    add_duration(&w->narrow, v->week_reset_ms - v->now_ms);
  }
  put_words(&l, w, NULL);
  line_end(&l);
}

static void cost_line(struct part *p, const struct live_view *v,
                      struct words *w)
{
  struct line l;

  words_reset(w);
  fmt_usd(&w->wide, v->cost);
  if (v->limit == LIVE_LIMIT_PLAN && v->limit_cost > 0) {
    buf_adds(&w->wide, " of ");
    fmt_usd(&w->wide, v->limit_cost);
    buf_addf(&w->narrow, "%s", w->wide.data);
    buf_adds(&w->wide, " (");
    fmt_percent(&w->wide, v->cost / v->limit_cost * 100.0, 1);
    buf_adds(&w->wide, ")");
  } else {
    buf_addf(&w->narrow, "%s", w->wide.data);
  }
  if (v->unpriced) {
    buf_adds(&w->wide, " and unpriced calls");
    buf_adds(&w->narrow, " + unpriced");
  }
  labelled(&l, p, v, "Cost");
  put_words(&l, w, NULL);
  line_end(&l);
}

static void rate_lines(struct part *p, const struct live_view *v,
                       struct words *w)
{
  const char *over = NULL;
  struct line l;

  words_reset(w);
  if (v->burn.valid) {
    fmt_uint(&w->wide, (uint64_t)llround(v->burn.tokens_per_minute));
    buf_addf(&w->narrow, "%s tok/min, ", w->wide.data);
    buf_adds(&w->wide, " tokens/min, ");
    fmt_usd(&w->wide, v->burn.cost_per_hour);
    fmt_usd(&w->narrow, v->burn.cost_per_hour);
    buf_adds(&w->wide, "/hour");
    buf_adds(&w->narrow, "/h");
  } else {
    buf_adds(&w->wide, "-");
    buf_adds(&w->narrow, "-");
  }
  labelled(&l, p, v, "Burn rate");
  put_words(&l, w, NULL);
  line_end(&l);
  words_reset(w);
  if (v->proj.valid) {
    fmt_uint(&w->wide, v->proj.total_tokens);
    buf_addf(&w->narrow, "%s tok, ", w->wide.data);
    buf_adds(&w->wide, " tokens, ");
    fmt_usd(&w->wide, v->proj.total_cost);
    fmt_usd(&w->narrow, v->proj.total_cost);
    buf_adds(&w->wide, " at block end");
    if (v->limit != LIVE_LIMIT_NONE && v->limit != LIVE_LIMIT_MEASURED &&
        v->limit_tokens && v->proj.total_tokens > v->limit_tokens)
      over = " (over the limit)";
  } else {
    buf_adds(&w->wide, "-");
    buf_adds(&w->narrow, "-");
  }
  labelled(&l, p, v, "Projected");
  if (!over) {
    put_words(&l, w, NULL);
  } else if (l.col + cols(w->wide.data) + cols(over) <= l.width) {
    puts_(&l, w->wide.data, NULL);
    puts_(&l, over, SGR_OVER);
  } else {
    puts_(&l, w->narrow.data, NULL);
    puts_(&l, " (over)", SGR_OVER);
  }
  line_end(&l);
}

static void block_lines(struct part *p, const struct live_view *v,
                        struct words *w)
{
  struct line l;
  char a[8], b[8];

  words_reset(w);
  labelled(&l, p, v, "Block");
  if (v->active) {
    clock_minute(v, v->start_ms, a);
    clock_minute(v, v->end_ms, b);
    buf_addf(&w->wide, "%s - %s", a, b);
    puts_(&l, w->wide.data, NULL);
  } else {
    puts_(&l, "no active block", SGR_DIM);
  }
  line_end(&l);
}

static void reset_line(struct part *p, const struct live_view *v,
                       struct words *w)
{
  /* A measured reset is Anthropic's own; the block's end is ours. */
  int64_t reset = v->limit == LIVE_LIMIT_MEASURED && v->reset_ms > v->now_ms
                      ? v->reset_ms
                  : v->active ? v->end_ms
                              : 0;
  struct line l;
  char at[8];

  if (!reset)
    return;
  words_reset(w);
  clock_minute(v, reset, at);
  buf_adds(&w->wide, "in ");
  add_duration(&w->wide, reset - v->now_ms);
  buf_addf(&w->wide, ", at %s", at);
  labelled(&l, p, v, "Resets");
  puts_(&l, w->wide.data, NULL);
  line_end(&l);
}

static void block_part(struct part *p, const struct live_view *v,
                       struct words *w)
{
  struct line l;

  block_lines(p, v, w);
  reset_line(p, v, w);
  if (v->active) {
    words_reset(w);
    fmt_uint(&w->wide, v->tokens);
    labelled(&l, p, v, "Tokens");
    puts_(&l, w->wide.data, NULL);
    line_end(&l);
    cost_line(p, v, w);
  }
  limit_lines(p, v, w);
  week_line(p, v, w);
  if (v->active)
    rate_lines(p, v, w);
}

static void today_part(struct part *p, const struct live_view *v,
                       struct words *w)
{
  struct line l;

  words_reset(w);
  fmt_uint(&w->wide, v->today_tokens);
  buf_addf(&w->narrow, "%s tok, ", w->wide.data);
  buf_adds(&w->wide, " tokens, ");
  fmt_usd(&w->wide, v->today_cost);
  fmt_usd(&w->narrow, v->today_cost);
  buf_adds(&w->wide, ", ");
  fmt_uint(&w->wide, v->today_calls);
  buf_adds(&w->wide, v->today_calls == 1 ? " call" : " calls");
  blank_line(p, v);
  labelled(&l, p, v, "Today");
  put_words(&l, w, NULL);
  line_end(&l);
}

/* Columns of the model names: what the two figures leave, up to NAME_COLS. */
static unsigned name_cols(const struct line *l)
{
  unsigned w = l->width > 2 * NUM_COLS + 8 ? l->width - 2 * NUM_COLS : 8;

  return w < NAME_COLS ? w : NAME_COLS;
}

static void model_row(struct part *p, const struct live_view *v,
                      const struct live_model *m, struct words *w)
{
  struct line l;
  unsigned namew, full;

  words_reset(w);
  render_short_model(m->name, &w->narrow);
  fmt_printable(&w->wide, w->narrow.data, w->narrow.len);
  line_begin(&l, p, v);
  namew = name_cols(&l);
  full = l.width;
  /* A long name is cut so that the figures keep their columns. */
  l.width = namew - 1 < full ? namew - 1 : full;
  puts_(&l, w->wide.data, NULL);
  l.width = full;
  words_reset(w);
  fmt_uint(&w->wide, m->tokens);
  fmt_usd(&w->narrow, m->cost);
  put_right(&l, w->wide.data, namew + NUM_COLS, NULL);
  put_right(&l, w->narrow.data, namew + 2 * NUM_COLS, NULL);
  line_end(&l);
}

/* The model list in at most max lines (its blank line and header too). */
static void models_part(struct part *p, const struct live_view *v, unsigned max,
                        struct words *w)
{
  size_t i, rows = v->nmodels;
  struct line l;
  unsigned namew;

  if (!v->active || !v->nmodels || max < 3)
    return;
  if (rows > max - 2)
    rows = max - 3; /* leaving a line for "+N more" */
  if (!rows)
    return;
  blank_line(p, v);
  line_begin(&l, p, v);
  namew = name_cols(&l);
  puts_(&l, "Model", SGR_HEADER);
  put_right(&l, "Tokens", namew + NUM_COLS, SGR_HEADER);
  put_right(&l, "Cost", namew + 2 * NUM_COLS, SGR_HEADER);
  line_end(&l);
  for (i = 0; i < rows; i++)
    model_row(p, v, &v->models[i], w);
  if (rows < v->nmodels) {
    words_reset(w);
    buf_addf(&w->wide, "+%zu more", v->nmodels - rows);
    line_begin(&l, p, v);
    puts_(&l, w->wide.data, SGR_DIM);
    line_end(&l);
  }
}

/* "Updated HH:MM:SS, <note>" and "q quits" on the right. */
static void status_part(struct part *p, const struct live_view *v,
                        struct words *w)
{
  const char *keys = v->interactive ? "q quits" : NULL;
  unsigned right = keys ? (unsigned)strlen(keys) + 2 : 0;
  struct line l;
  char t[32];

  words_reset(w);
  if (v->updated_ms) {
    local_time(v, v->updated_ms, t);
    buf_addf(&w->wide, "Updated %s", t + 11);
  } else {
    buf_adds(&w->wide, "Reading transcripts");
  }
  if (v->note && *v->note)
    buf_addf(&w->wide, ", %s", v->note);
  line_begin(&l, p, v);
  /* The note is cut first, so the way out always shows. */
  if (l.width > right + 8)
    l.width -= right;
  puts_(&l, w->wide.data, SGR_DIM);
  l.width = content_cols(v);
  if (keys)
    put_right(&l, keys, l.width, SGR_DIM);
  line_end(&l);
}

/* Appends the first n lines of p. */
static int add_lines(struct buf *out, const struct part *p, unsigned n)
{
  size_t i, end = 0;

  for (i = 0; i < p->text.len && n; i++)
    if (p->text.data[i] == '\n') {
      end = i + 1;
      n--;
    }
  return buf_add(out, p->text.data, end);
}

int live_render(const struct live_view *v, struct buf *out)
{
  struct part head = {BUF_INIT, 0}, models = {BUF_INIT, 0},
              status = {BUF_INIT, 0};
  struct words w = {BUF_INIT, BUF_INIT};
  unsigned blank = 1;
  int r;

  title(&head, v);
  block_part(&head, v, &w);
  today_part(&head, v, &w);
  status_part(&status, v, &w);
  if (!v->height) {
    models_part(&models, v, (unsigned)v->nmodels + 2, &w);
  } else {
    unsigned room = v->height > head.n + 1 ? v->height - head.n - 1 : 0;

    models_part(&models, v, room, &w);
    blank = v->height > head.n + models.n + 1
                ? v->height - head.n - models.n - 1
                : 0;
  }
  /* Without room for everything, the status line replaces the bottom. */
  r = add_lines(out, &head,
                v->height && v->height <= head.n ? v->height - 1 : head.n);
  if (!r)
    r = add_lines(out, &models, models.n);
  if (!r)
    r = buf_addrep(out, '\n', blank);
  if (!r)
    r = add_lines(out, &status, 1);
  buf_release(&head.text);
  buf_release(&models.text);
  buf_release(&status.text);
  buf_release(&w.wide);
  buf_release(&w.narrow);
  return r;
}

int live_frame(const char *text, size_t len, struct buf *out)
{
  size_t i = 0;
  unsigned row = 1;
  int r = 0;

  while (i < len && !r) {
    const char *nl = memchr(text + i, '\n', len - i);
    size_t end = nl ? (size_t)(nl - text) : len;

    r = buf_addf(out, "\x1b[%u;1H\x1b[2K", row++);
    if (!r)
      r = buf_add(out, text + i, end - i);
    i = end + 1;
  }
  return r;
}
