/* table: terminal tables (box-drawn, width-fitted) and CSV from one model. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_REPORT_TABLE_H
#define TOKMETER_REPORT_TABLE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

struct buf;

/*
 * Contract: a struct table owns copies of every string given to it; the
 * caller keeps its own strings. table_init() before use, table_release()
 * frees everything. Build it by adding columns, then rows, then filling
 * cells (columns may also be added later: earlier rows get empty cells).
 * Out-of-range row or column indexes assert in debug builds and are
 * ignored in release builds.
 *
 * Cell text is UTF-8. '\n' splits a cell into lines (a models list with
 * one model per line); the row is as tall as its tallest cell and shorter
 * cells are top-aligned. Text is cleaned when stored: invalid UTF-8
 * becomes U+FFFD, tabs become spaces, ANSI SGR sequences (ESC [ ... m)
 * are kept (they take no width and are stripped when colour is off), and
 * every other control character (C0, DEL, C1, other escapes) becomes '?',
 * so a cell can never move the cursor or change terminal state.
 *
 * Rendering (table_render):
 *  - borders are Unicode box drawing (┌─┬┐│├┼┤└┴┘), or with TABLE_ASCII
 *    `+-|` for terminals without UTF-8; cells have one space of padding;
 *  - widths are display columns: code points, East Asian wide and
 *    fullwidth characters (CJK, Hangul, common emoji) count 2, combining
 *    marks and zero-width characters 0, SGR sequences 0;
 *  - header titles take their column's alignment and may contain '\n';
 *  - TABLE_ROW_SUB rows (per-model breakdowns) get a tree prefix on their
 *    first cell, "  ├ " and on the group's last one "  └ " ("  - " in
 *    ASCII), so pass just the name;
 *  - TABLE_ROW_SEP draws a rule; leading, trailing and repeated rules
 *    collapse into one. With TABLE_GRID a rule also goes before every
 *    normal and total row (sub rows stay with their parent), as ccusage;
 *  - with TABLE_COLOR: header cyan, total rows bold yellow, sub rows grey
 *    (SGR 36, 1;33, 90), the title bold; without it the output holds no
 *    escape sequence at all;
 *  - fitting: when the natural width exceeds `width` (0 = unlimited),
 *    whole columns are hidden, lowest priority first, the rightmost of
 *    equal priorities first; column 0 and TABLE_KEEP columns are never
 *    hidden. Nothing is truncated, so a table whose kept columns are
 *    still too wide renders wider than asked. There is no per-cell
 *    compact text: a caller wanting shorter cells for narrow terminals
 *    (fmt_tokens_compact) checks table_fit() and fills the table again.
 *
 * CSV (table_render_csv) writes the same model without decoration: a
 * header line of the titles ('\n' in a title becomes a space), then one
 * line per normal, sub and total row in table order (separators skipped),
 * every column, fields quoted per RFC 4180 (multi-line cells stay one
 * quoted field), SGR sequences removed, lines ended by "\n". Sub rows
 * carry their first cell exactly as the caller stored it (no tree
 * prefix). Callers wanting a tidy CSV (one model per line, the date
 * repeated) build it themselves with fmt_csv_field().
 */

enum table_align { TABLE_LEFT, TABLE_RIGHT };

enum table_row_kind {
  TABLE_ROW_NORMAL,
  TABLE_ROW_SUB,   /* breakdown row under the previous normal row */
  TABLE_ROW_SEP,   /* horizontal rule; has no cells */
  TABLE_ROW_TOTAL, /* totals, emphasised */
};

/* table_render() flags */
#define TABLE_COLOR 1u /* ANSI colours */
#define TABLE_ASCII 2u /* +-| borders instead of box drawing */
#define TABLE_GRID 4u  /* a rule between all top-level rows */

/* table_render_csv() flags */
#define TABLE_CSV_NO_SUB 1u   /* leave sub rows out */
#define TABLE_CSV_NO_TOTAL 2u /* leave total rows out */

/* Column priority that is never hidden. */
#define TABLE_KEEP INT_MAX

struct table_col {
  char *title;
  enum table_align align;
  int priority; /* higher is kept longer */
};

struct table_row {
  enum table_row_kind kind;
  char **cells; /* ncols entries; NULL is an empty cell */
};

struct table {
  char *title; /* optional line above the table */
  struct table_col *cols;
  size_t ncols, cols_cap;
  struct table_row *rows;
  size_t nrows, rows_cap;
};

void table_init(struct table *t);
void table_release(struct table *t);
/* NULL removes the title. */
void table_set_title(struct table *t, const char *title);

/* Returns the new column's index. */
size_t table_add_col(struct table *t, const char *title, enum table_align align,
                     int priority);
/* Returns the new row's index; its cells start empty. */
size_t table_add_row(struct table *t, enum table_row_kind kind);
/* Adds a row and fills it from cells[0..ncols) (NULL entries = empty). */
size_t table_add_cells(struct table *t, enum table_row_kind kind,
                       const char *const *cells);

void table_set(struct table *t, size_t row, size_t col, const char *text);
void table_setn(struct table *t, size_t row, size_t col, const char *text,
                size_t len);
void table_setf(struct table *t, size_t row, size_t col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * Decides which columns fit in width (0 = unlimited): sets shown[i] for
 * every column (shown has ncols entries) and returns the rendered width
 * of the table with those columns.
 */
size_t table_fit(const struct table *t, size_t width, bool *shown);

/* Appends the table (and its title) to out. Returns 0 or ERR_RANGE. */
int table_render(const struct table *t, struct buf *out, size_t width,
                 unsigned flags);
/* Appends the table as CSV to out. Returns 0 or ERR_RANGE. */
int table_render_csv(const struct table *t, struct buf *out, unsigned flags);

/* Display columns of UTF-8 text as a terminal shows it (see above);
 * ANSI CSI sequences count 0. Newlines count 0: measure one line. */
size_t table_text_width(const char *s, size_t len);

#endif
