/* table: terminal tables (box-drawn, width-fitted) and CSV from one model. */
/* SPDX-License-Identifier: MIT */
#include <assert.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/fmt.h"
#include "report/table.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/jsonw.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define SUB_PREFIX_WIDTH 4
#define SGR_HEADER "\x1b[36m"
#define SGR_TOTAL "\x1b[1;33m"
#define SGR_SUB "\x1b[90m"
#define SGR_TITLE "\x1b[1m"
#define SGR_RESET "\x1b[0m"

/* ---- text: cleaning and measuring ------------------------------------- */

/* Length of the CSI sequence at s (ESC [ params inter final), else 0. */
static size_t csi_len(const char *s, size_t len, bool sgr_only)
{
  size_t i = 2;

  if (len < 3 || s[0] != '\x1b' || s[1] != '[')
    return 0;
  while (i < len && s[i] >= 0x30 && s[i] <= 0x3f)
    i++;
  while (i < len && s[i] >= 0x20 && s[i] <= 0x2f)
    i++;
  if (i >= len || s[i] < 0x40 || s[i] > 0x7e)
    return 0;
  if (sgr_only && (s[i] != 'm' || strspn(s + 2, "0123456789;:") < i - 2))
    return 0;
  return i + 1;
}

struct range {
  uint32_t lo, hi;
};

static const struct range zero_width[] = {
    {0x0300, 0x036f}, {0x0483, 0x0489}, {0x0591, 0x05bd},   {0x0610, 0x061a},
    {0x064b, 0x065f}, {0x1ab0, 0x1aff}, {0x1dc0, 0x1dff},   {0x200b, 0x200f},
    {0x202a, 0x202e}, {0x2060, 0x2064}, {0x20d0, 0x20ff},   {0xfe00, 0xfe0f},
    {0xfe20, 0xfe2f}, {0xfeff, 0xfeff}, {0xe0000, 0xe01ef},
};

/* East Asian Wide and Fullwidth blocks, plus the emoji that are wide. */
static const struct range wide[] = {
    {0x1100, 0x115f},   {0x231a, 0x231b},   {0x2329, 0x232a},
    {0x23e9, 0x23ec},   {0x23f0, 0x23f0},   {0x23f3, 0x23f3},
    {0x25fd, 0x25fe},   {0x2614, 0x2615},   {0x2648, 0x2653},
    {0x267f, 0x267f},   {0x2693, 0x2693},   {0x26a1, 0x26a1},
    {0x26aa, 0x26ab},   {0x26bd, 0x26be},   {0x26c4, 0x26c5},
    {0x26ce, 0x26ce},   {0x26d4, 0x26d4},   {0x26ea, 0x26ea},
    {0x26f2, 0x26f3},   {0x26f5, 0x26f5},   {0x26fa, 0x26fa},
    {0x26fd, 0x26fd},   {0x2705, 0x2705},   {0x270a, 0x270b},
    {0x2728, 0x2728},   {0x274c, 0x274c},   {0x274e, 0x274e},
    {0x2753, 0x2755},   {0x2757, 0x2757},   {0x2795, 0x2797},
    {0x27b0, 0x27b0},   {0x27bf, 0x27bf},   {0x2b1b, 0x2b1c},
    {0x2b50, 0x2b50},   {0x2b55, 0x2b55},   {0x2e80, 0x303e},
    {0x3041, 0x33ff},   {0x3400, 0x4dbf},   {0x4e00, 0x9fff},
    {0xa000, 0xa4cf},   {0xa960, 0xa97f},   {0xac00, 0xd7a3},
    {0xf900, 0xfaff},   {0xfe10, 0xfe19},   {0xfe30, 0xfe6f},
    {0xff00, 0xff60},   {0xffe0, 0xffe6},   {0x16fe0, 0x18aff},
    {0x1b000, 0x1b2ff}, {0x1f004, 0x1f004}, {0x1f0cf, 0x1f0cf},
    {0x1f18e, 0x1f18e}, {0x1f191, 0x1f19a}, {0x1f200, 0x1f251},
    {0x1f300, 0x1f64f}, {0x1f680, 0x1f6ff}, {0x1f7e0, 0x1f7eb},
    {0x1f90c, 0x1f9ff}, {0x1fa70, 0x1faff}, {0x20000, 0x2fffd},
    {0x30000, 0x3fffd},
};

static bool in_ranges(uint32_t cp, const struct range *r, size_t n)
{
  size_t lo = 0, hi = n;

  while (lo < hi) {
    size_t mid = (lo + hi) / 2;

    if (cp > r[mid].hi)
      lo = mid + 1;
    else if (cp < r[mid].lo)
      hi = mid;
    else
      return true;
  }
  return false;
}

static size_t cp_width(uint32_t cp)
{
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
    return 0;
  if (cp < 0x300)
    return 1;
  if (in_ranges(cp, zero_width, sizeof(zero_width) / sizeof(zero_width[0])))
    return 0;
  if (in_ranges(cp, wide, sizeof(wide) / sizeof(wide[0])))
    return 2;
  return 1;
}

size_t table_text_width(const char *s, size_t len)
{
  size_t i = 0, w = 0;

  while (i < len) {
    uint32_t cp;
    size_t n = csi_len(s + i, len - i, false);

    if (n) {
      i += n;
      continue;
    }
    n = jsonw_utf8_next(s + i, len - i, &cp);
    w += cp_width(cp);
    i += n;
  }
  return w;
}

/* Copies text into a new string, cleaned as the header describes. */
static char *clean_text(const char *s, size_t len)
{
  struct buf b = BUF_INIT;
  size_t i = 0;

  while (i < len) {
    unsigned char c = (unsigned char)s[i];
    uint32_t cp;
    size_t n;

    if (c == '\n' || (c >= 0x20 && c < 0x7f)) {
      buf_addch(&b, (char)c);
      i++;
    } else if (c == '\t') {
      buf_addch(&b, ' ');
      i++;
    } else if ((n = csi_len(s + i, len - i, true)) != 0) {
      buf_add(&b, s + i, n);
      i += n;
    } else if (c < 0x80) {
      buf_addch(&b, '?');
      i++;
    } else {
      n = jsonw_utf8_next(s + i, len - i, &cp);
      if (cp == 0xfffd)
        buf_adds(&b, "\xef\xbf\xbd");
      else if (cp < 0xa0)
        buf_addch(&b, '?');
      else
        buf_add(&b, s + i, n);
      i += n;
    }
  }
  return buf_detach(&b, NULL);
}

/* ---- building --------------------------------------------------------- */

void table_init(struct table *t)
{
  memset(t, 0, sizeof(*t));
}

void table_release(struct table *t)
{
  size_t r, c;

  for (r = 0; r < t->nrows; r++) {
    for (c = 0; c < t->ncols; c++)
      free(t->rows[r].cells[c]);
    free(t->rows[r].cells);
  }
  for (c = 0; c < t->ncols; c++)
    free(t->cols[c].title);
  free(t->rows);
  free(t->cols);
  free(t->title);
  table_init(t);
}

void table_set_title(struct table *t, const char *title)
{
  free(t->title);
  t->title = title ? clean_text(title, strlen(title)) : NULL;
}

size_t table_add_col(struct table *t, const char *title, enum table_align align,
                     int priority)
{
  struct table_col *col;
  size_t r;

  t->cols = xgrow(t->cols, &t->cols_cap, t->ncols + 1, sizeof(*t->cols));
  col = &t->cols[t->ncols];
  col->title = clean_text(title ? title : "", title ? strlen(title) : 0);
  col->align = align;
  col->priority = priority;
  for (r = 0; r < t->nrows; r++) {
    struct table_row *row = &t->rows[r];

    row->cells = xrealloc(row->cells, (t->ncols + 1) * sizeof(char *));
    row->cells[t->ncols] = NULL;
  }
  return t->ncols++;
}

size_t table_add_row(struct table *t, enum table_row_kind kind)
{
  struct table_row *row;

  t->rows = xgrow(t->rows, &t->rows_cap, t->nrows + 1, sizeof(*t->rows));
  row = &t->rows[t->nrows];
  row->kind = kind;
  row->cells = xcalloc(t->ncols ? t->ncols : 1, sizeof(char *));
  return t->nrows++;
}

size_t table_add_cells(struct table *t, enum table_row_kind kind,
                       const char *const *cells)
{
  size_t r = table_add_row(t, kind), c;

  for (c = 0; cells && c < t->ncols; c++)
    if (cells[c])
      table_set(t, r, c, cells[c]);
  return r;
}

void table_setn(struct table *t, size_t row, size_t col, const char *text,
                size_t len)
{
  char **cell;

  if (row >= t->nrows || col >= t->ncols) {
    assert(!"table_setn: cell out of range");
    return;
  }
  cell = &t->rows[row].cells[col];
  free(*cell);
  *cell = clean_text(text, len);
}

void table_set(struct table *t, size_t row, size_t col, const char *text)
{
  table_setn(t, row, col, text ? text : "", text ? strlen(text) : 0);
}

void table_setf(struct table *t, size_t row, size_t col, const char *fmt, ...)
{
  struct buf b = BUF_INIT;
  va_list ap;

  va_start(ap, fmt);
  buf_vaddf(&b, fmt, ap);
  va_end(ap);
  table_setn(t, row, col, b.data, b.len);
  buf_release(&b);
}

/* ---- measuring and fitting -------------------------------------------- */

static const char *cell_text(const struct table *t, size_t r, size_t c)
{
  const char *s = t->rows[r].cells[c];

  return s ? s : "";
}

/* Widest line of s. */
static size_t block_width(const char *s)
{
  size_t w = 0;

  for (;;) {
    const char *nl = strchr(s, '\n');
    size_t len = nl ? (size_t)(nl - s) : strlen(s);
    size_t lw = table_text_width(s, len);

    if (lw > w)
      w = lw;
    if (!nl)
      return w;
    s = nl + 1;
  }
}

static void natural_widths(const struct table *t, size_t *w)
{
  size_t r, c;

  for (c = 0; c < t->ncols; c++)
    w[c] = block_width(t->cols[c].title);
  for (r = 0; r < t->nrows; r++) {
    const struct table_row *row = &t->rows[r];

    if (row->kind == TABLE_ROW_SEP)
      continue;
    for (c = 0; c < t->ncols; c++) {
      size_t cw = block_width(cell_text(t, r, c));

      if (c == 0 && row->kind == TABLE_ROW_SUB)
        cw += SUB_PREFIX_WIDTH;
      if (cw > w[c])
        w[c] = cw;
    }
  }
}

static size_t fit(const struct table *t, const size_t *w, size_t width,
                  bool *shown)
{
  size_t total = 1, c;

  for (c = 0; c < t->ncols; c++) {
    shown[c] = true;
    total += w[c] + 3;
  }
  while (width && total > width) {
    size_t pick = 0;

    for (c = 1; c < t->ncols; c++)
      if (shown[c] && t->cols[c].priority != TABLE_KEEP &&
          (!pick || t->cols[c].priority <= t->cols[pick].priority))
        pick = c;
    if (!pick)
      break;
    shown[pick] = false;
    total -= w[pick] + 3;
  }
  return total;
}

size_t table_fit(const struct table *t, size_t width, bool *shown)
{
  size_t *w = xcalloc(t->ncols ? t->ncols : 1, sizeof(*w));
  size_t total;

  natural_widths(t, w);
  total = fit(t, w, width, shown);
  free(w);
  return total;
}

/* ---- rendering -------------------------------------------------------- */

struct borders {
  const char *h, *v;
  const char *corner[3][3]; /* [top, mid, bottom][left, inner, right] */
  const char *sub_first, *sub_last, *sub_cont, *sub_cont_last;
};

static const struct borders box = {
    "─",    "│",    {{"┌", "┬", "┐"}, {"├", "┼", "┤"}, {"└", "┴", "┘"}},
    "  ├ ", "  └ ", "  │ ",
    "    ",
};

static const struct borders ascii = {
    "-",    "|",    {{"+", "+", "+"}, {"+", "+", "+"}, {"+", "+", "+"}},
    "  - ", "  - ", "    ",
    "    ",
};

struct render {
  const struct table *t;
  const struct borders *bd;
  struct buf *out;
  const size_t *w;
  const bool *shown;
  const char **cur; /* per column: the rest of the cell being drawn */
  bool color;
  int err;
};

static void put(struct render *rd, const char *s, size_t n)
{
  if (!rd->err && buf_add(rd->out, s, n))
    rd->err = ERR_RANGE;
}

static void puts_(struct render *rd, const char *s)
{
  put(rd, s, strlen(s));
}

/* Text with its SGR sequences, or without any when colour is off. */
static void put_text(struct render *rd, const char *s, size_t len)
{
  size_t i = 0, run = 0, n;

  if (rd->color) {
    put(rd, s, len);
    return;
  }
  while (i < len) {
    if (s[i] == '\x1b' && (n = csi_len(s + i, len - i, false)) != 0) {
      put(rd, s + run, i - run);
      i += n;
      run = i;
    } else {
      i++;
    }
  }
  put(rd, s + run, i - run);
}

static void rule(struct render *rd, int pos)
{
  size_t c, i, last = 0;

  for (c = 0; c < rd->t->ncols; c++)
    if (rd->shown[c])
      last = c;
  puts_(rd, rd->bd->corner[pos][0]);
  for (c = 0; c < rd->t->ncols; c++) {
    if (!rd->shown[c])
      continue;
    for (i = 0; i < rd->w[c] + 2; i++)
      puts_(rd, rd->bd->h);
    puts_(rd, rd->bd->corner[pos][c == last ? 2 : 1]);
  }
  put(rd, "\n", 1);
}

/* One segment of a cell: prefix and text, styled, padded to width. */
static void put_cell_line(struct render *rd, size_t c, const char *prefix,
                          const char *s, size_t len, const char *sgr)
{
  size_t tw = table_text_width(s, len), pad;
  bool styled = rd->color && sgr && (len || prefix);

  if (prefix)
    tw += table_text_width(prefix, strlen(prefix));
  pad = rd->w[c] > tw ? rd->w[c] - tw : 0;
  put(rd, " ", 1);
  if (rd->t->cols[c].align == TABLE_RIGHT && !rd->err &&
      buf_addrep(rd->out, ' ', pad))
    rd->err = ERR_RANGE;
  if (styled)
    puts_(rd, sgr);
  if (prefix)
    puts_(rd, prefix);
  put_text(rd, s, len);
  if (styled)
    puts_(rd, SGR_RESET);
  if (rd->t->cols[c].align == TABLE_LEFT && !rd->err &&
      buf_addrep(rd->out, ' ', pad))
    rd->err = ERR_RANGE;
  put(rd, " ", 1);
  puts_(rd, rd->bd->v);
}

static size_t line_count(const char *s)
{
  size_t n = 1;

  while ((s = strchr(s, '\n')) != NULL) {
    n++;
    s++;
  }
  return n;
}

/*
 * Draws one logical row whose cells are texts[c] (column titles for the
 * header). sub: 0 = not a sub row, 1 = a sub row, 2 = the group's last.
 */
static void draw_row(struct render *rd, const char *const *texts, int sub,
                     const char *sgr)
{
  size_t c, line, height = 1;

  for (c = 0; c < rd->t->ncols; c++) {
    rd->cur[c] = texts[c];
    if (rd->shown[c] && line_count(texts[c]) > height)
      height = line_count(texts[c]);
  }
  for (line = 0; line < height; line++) {
    puts_(rd, rd->bd->v);
    for (c = 0; c < rd->t->ncols; c++) {
      const char *s = rd->cur[c], *nl, *prefix = NULL;
      size_t len = 0;

      if (!rd->shown[c])
        continue;
      if (s) {
        nl = strchr(s, '\n');
        len = nl ? (size_t)(nl - s) : strlen(s);
        rd->cur[c] = nl ? nl + 1 : NULL;
      }
      if (c == 0 && sub && !line)
        prefix = sub == 2 ? rd->bd->sub_last : rd->bd->sub_first;
      else if (c == 0 && sub)
        prefix = sub == 2 ? rd->bd->sub_cont_last : rd->bd->sub_cont;
      put_cell_line(rd, c, prefix, s ? s : "", len, sgr);
    }
    put(rd, "\n", 1);
  }
}

static const char *row_sgr(enum table_row_kind kind)
{
  if (kind == TABLE_ROW_TOTAL)
    return SGR_TOTAL;
  if (kind == TABLE_ROW_SUB)
    return SGR_SUB;
  return NULL;
}

static void draw_body(struct render *rd, unsigned flags, const char **texts)
{
  const struct table *t = rd->t;
  bool printed = false, pending = true; /* the rule under the header */
  size_t r, c;

  for (r = 0; r < t->nrows; r++) {
    enum table_row_kind kind = t->rows[r].kind;
    int sub = 0;

    if (kind == TABLE_ROW_SEP) {
      pending = true;
      continue;
    }
    if ((flags & TABLE_GRID) && printed && kind != TABLE_ROW_SUB)
      pending = true;
    if (pending)
      rule(rd, 1);
    pending = false;
    if (kind == TABLE_ROW_SUB)
      sub = r + 1 < t->nrows && t->rows[r + 1].kind == TABLE_ROW_SUB ? 1 : 2;
    for (c = 0; c < t->ncols; c++)
      texts[c] = cell_text(t, r, c);
    draw_row(rd, texts, sub, row_sgr(kind));
    printed = true;
  }
}

int table_render(const struct table *t, struct buf *out, size_t width,
                 unsigned flags)
{
  struct render rd;
  size_t n = t->ncols ? t->ncols : 1, c;
  size_t *w = xcalloc(n, sizeof(*w));
  bool *shown = xcalloc(n, sizeof(*shown));
  const char **texts = xcalloc(n, sizeof(*texts));

  memset(&rd, 0, sizeof(rd));
  rd.t = t;
  rd.bd = (flags & TABLE_ASCII) ? &ascii : &box;
  rd.out = out;
  rd.w = w;
  rd.shown = shown;
  rd.cur = xcalloc(n, sizeof(*rd.cur));
  rd.color = (flags & TABLE_COLOR) != 0;
  if (t->title) {
    if (rd.color)
      puts_(&rd, SGR_TITLE);
    put_text(&rd, t->title, strlen(t->title));
    if (rd.color)
      puts_(&rd, SGR_RESET);
    put(&rd, "\n", 1);
  }
  if (t->ncols) {
    natural_widths(t, w);
    fit(t, w, width, shown);
    for (c = 0; c < t->ncols; c++)
      texts[c] = t->cols[c].title;
    rule(&rd, 0);
    draw_row(&rd, texts, 0, SGR_HEADER);
    draw_body(&rd, flags, texts);
    rule(&rd, 2);
  }
  free(rd.cur);
  free(texts);
  free(shown);
  free(w);
  return rd.err;
}

/* ---- CSV -------------------------------------------------------------- */

static int csv_field(struct buf *out, const char *s, bool title)
{
  struct buf b = BUF_INIT;
  size_t i = 0, n;
  int r;

  while (s[i]) {
    if (s[i] == '\x1b' && (n = csi_len(s + i, strlen(s + i), false)) != 0) {
      i += n;
      continue;
    }
    buf_addch(&b, title && s[i] == '\n' ? ' ' : s[i]);
    i++;
  }
  r = fmt_csv_field(out, b.data, b.len);
  buf_release(&b);
  return r;
}

int table_render_csv(const struct table *t, struct buf *out, unsigned flags)
{
  size_t r, c;
  int err = 0;

  if (!t->ncols)
    return 0;
  for (c = 0; !err && c < t->ncols; c++) {
    if (c)
      err = buf_addch(out, ',');
    if (!err)
      err = csv_field(out, t->cols[c].title, true);
  }
  if (!err)
    err = buf_addch(out, '\n');
  for (r = 0; !err && r < t->nrows; r++) {
    enum table_row_kind kind = t->rows[r].kind;

    if (kind == TABLE_ROW_SEP ||
        (kind == TABLE_ROW_SUB && (flags & TABLE_CSV_NO_SUB)) ||
        (kind == TABLE_ROW_TOTAL && (flags & TABLE_CSV_NO_TOTAL)))
      continue;
    for (c = 0; !err && c < t->ncols; c++) {
      if (c)
        err = buf_addch(out, ',');
      if (!err)
        err = csv_field(out, cell_text(t, r, c), false);
    }
    if (!err)
      err = buf_addch(out, '\n');
  }
  return err ? ERR_RANGE : 0;
}
