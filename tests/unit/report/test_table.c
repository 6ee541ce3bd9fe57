/* Tests for src/report/table.c. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdbool.h>
#include <string.h>
#include <cmocka.h>

#include "report/table.h"
#include "util/buf.h"
#include "util/err.h"

#define ROW(...) ((const char *const[]){__VA_ARGS__})

/* Date | Model | Tokens | Cost, two days, a rule and a total. */
static void small_table(struct table *t)
{
  table_init(t);
  table_add_col(t, "Date", TABLE_LEFT, TABLE_KEEP);
  table_add_col(t, "Model", TABLE_LEFT, 2);
  table_add_col(t, "Tokens", TABLE_RIGHT, 1);
  table_add_col(t, "Cost", TABLE_RIGHT, TABLE_KEEP);
  table_add_cells(t, TABLE_ROW_NORMAL,
                  ROW("2026-03-10", "opus-4-7", "1,234", "$1.50"));
  table_add_cells(t, TABLE_ROW_NORMAL,
                  ROW("2026-03-11", "haiku-4-5", "56", "$0.02"));
  table_add_row(t, TABLE_ROW_SEP);
  table_add_cells(t, TABLE_ROW_TOTAL, ROW("Total", NULL, "1,290", "$1.52"));
}

static void check_render(const struct table *t, size_t width, unsigned flags,
                         const char *want)
{
  struct buf b = BUF_INIT;

  assert_int_equal(table_render(t, &b, width, flags), 0);
  assert_string_equal(b.data, want);
  buf_release(&b);
}

static void test_small_plain(void **state)
{
  struct table t;

  (void)state;
  small_table(&t);
  check_render(&t, 0, 0,
               "┌────────────┬───────────┬────────┬───────┐\n"
               "│ Date       │ Model     │ Tokens │  Cost │\n"
               "├────────────┼───────────┼────────┼───────┤\n"
               "│ 2026-03-10 │ opus-4-7  │  1,234 │ $1.50 │\n"
               "│ 2026-03-11 │ haiku-4-5 │     56 │ $0.02 │\n"
               "├────────────┼───────────┼────────┼───────┤\n"
               "│ Total      │           │  1,290 │ $1.52 │\n"
               "└────────────┴───────────┴────────┴───────┘\n");
  table_release(&t);
}

#define CY "\x1b[36m"
#define TY "\x1b[1;33m"
#define GR "\x1b[90m"
#define RS "\x1b[0m"

static void test_small_color(void **state)
{
  struct table t;

  (void)state;
  small_table(&t);
  table_set_title(&t, "Daily");
  check_render(&t, 0, TABLE_COLOR,
               "\x1b[1mDaily" RS "\n"
               "┌────────────┬───────────┬────────┬───────┐\n"
               "│ " CY "Date" RS "       │ " CY "Model" RS "     │ " CY
               "Tokens" RS " │  " CY "Cost" RS " │\n"
               "├────────────┼───────────┼────────┼───────┤\n"
               "│ 2026-03-10 │ opus-4-7  │  1,234 │ $1.50 │\n"
               "│ 2026-03-11 │ haiku-4-5 │     56 │ $0.02 │\n"
               "├────────────┼───────────┼────────┼───────┤\n"
               "│ " TY "Total" RS "      │           │  " TY "1,290" RS " │ " TY
               "$1.52" RS " │\n"
               "└────────────┴───────────┴────────┴───────┘\n");
  table_release(&t);
}

static void test_no_escape_without_color(void **state)
{
  struct table t;
  struct buf b = BUF_INIT;

  (void)state;
  small_table(&t);
  table_set_title(&t, "\x1b[31mDaily\x1b[0m");
  table_set(&t, 0, 1, "\x1b[1mopus\x1b[0m-4-7");
  assert_int_equal(table_render(&t, &b, 0, TABLE_GRID), 0);
  assert_null(strchr(b.data, '\x1b'));
  assert_non_null(strstr(b.data, "Daily\n┌"));
  assert_non_null(strstr(b.data, "│ opus-4-7  │"));
  buf_reset(&b);
  assert_int_equal(table_render(&t, &b, 0, TABLE_COLOR), 0);
  assert_non_null(strstr(b.data, "│ \x1b[1mopus\x1b[0m-4-7  │"));
  buf_release(&b);
  table_release(&t);
}

/* A day with two models (multi-line cell) and their breakdown rows. */
static void breakdown_table(struct table *t)
{
  table_init(t);
  table_add_col(t, "Date", TABLE_LEFT, TABLE_KEEP);
  table_add_col(t, "Models", TABLE_LEFT, 5);
  table_add_col(t, "Input", TABLE_RIGHT, 3);
  table_add_col(t, "Cost\n(USD)", TABLE_RIGHT, TABLE_KEEP);
  table_add_cells(t, TABLE_ROW_NORMAL,
                  ROW("2026-03-10", "opus-4-7\nsonnet-4-5", "1,234", "$1.50"));
  table_add_cells(t, TABLE_ROW_SUB, ROW("opus-4-7", NULL, "1,000", "$1.20"));
  table_add_cells(t, TABLE_ROW_SUB, ROW("sonnet-4-5", NULL, "234", "$0.30"));
  table_add_cells(t, TABLE_ROW_NORMAL,
                  ROW("2026-03-11", "haiku-4-5", "5", "$0.01"));
  table_add_row(t, TABLE_ROW_SEP);
  table_add_cells(t, TABLE_ROW_TOTAL, ROW("Total", NULL, "1,239", "$1.51"));
}

static void test_multiline_sub_total(void **state)
{
  struct table t;

  (void)state;
  breakdown_table(&t);
  check_render(&t, 0, 0,
               "┌────────────────┬────────────┬───────┬───────┐\n"
               "│ Date           │ Models     │ Input │  Cost │\n"
               "│                │            │       │ (USD) │\n"
               "├────────────────┼────────────┼───────┼───────┤\n"
               "│ 2026-03-10     │ opus-4-7   │ 1,234 │ $1.50 │\n"
               "│                │ sonnet-4-5 │       │       │\n"
               "│   ├ opus-4-7   │            │ 1,000 │ $1.20 │\n"
               "│   └ sonnet-4-5 │            │   234 │ $0.30 │\n"
               "│ 2026-03-11     │ haiku-4-5  │     5 │ $0.01 │\n"
               "├────────────────┼────────────┼───────┼───────┤\n"
               "│ Total          │            │ 1,239 │ $1.51 │\n"
               "└────────────────┴────────────┴───────┴───────┘\n");
  table_release(&t);
}

static void test_grid_and_color_sub_rows(void **state)
{
  struct table t;

  (void)state;
  breakdown_table(&t);
  /* the explicit rule before Total merges with the grid rule */
  check_render(&t, 0, TABLE_GRID | TABLE_COLOR,
               "┌────────────────┬────────────┬───────┬───────┐\n"
               "│ " CY "Date" RS "           │ " CY "Models" RS "     │ " CY
               "Input" RS " │  " CY "Cost" RS " │\n"
               "│                │            │       │ " CY "(USD)" RS " │\n"
               "├────────────────┼────────────┼───────┼───────┤\n"
               "│ 2026-03-10     │ opus-4-7   │ 1,234 │ $1.50 │\n"
               "│                │ sonnet-4-5 │       │       │\n"
               "│ " GR "  ├ opus-4-7" RS "   │            │ " GR "1,000" RS
               " │ " GR "$1.20" RS " │\n"
               "│ " GR "  └ sonnet-4-5" RS " │            │   " GR "234" RS
               " │ " GR "$0.30" RS " │\n"
               "├────────────────┼────────────┼───────┼───────┤\n"
               "│ 2026-03-11     │ haiku-4-5  │     5 │ $0.01 │\n"
               "├────────────────┼────────────┼───────┼───────┤\n"
               "│ " TY "Total" RS "          │            │ " TY "1,239" RS
               " │ " TY "$1.51" RS " │\n"
               "└────────────────┴────────────┴───────┴───────┘\n");
  table_release(&t);
}

static void test_ascii_fallback(void **state)
{
  struct table t;

  (void)state;
  breakdown_table(&t);
  /* 47 columns wide: at 40 the lowest-priority column (Input) goes */
  check_render(&t, 40, TABLE_ASCII,
               "+----------------+------------+-------+\n"
               "| Date           | Models     |  Cost |\n"
               "|                |            | (USD) |\n"
               "+----------------+------------+-------+\n"
               "| 2026-03-10     | opus-4-7   | $1.50 |\n"
               "|                | sonnet-4-5 |       |\n"
               "|   - opus-4-7   |            | $1.20 |\n"
               "|   - sonnet-4-5 |            | $0.30 |\n"
               "| 2026-03-11     | haiku-4-5  | $0.01 |\n"
               "+----------------+------------+-------+\n"
               "| Total          |            | $1.51 |\n"
               "+----------------+------------+-------+\n");
  table_release(&t);
}

static void test_wide_chars(void **state)
{
  struct table t;

  (void)state;
  table_init(&t);
  table_add_col(&t, "Project", TABLE_LEFT, TABLE_KEEP);
  table_add_col(&t, "Cost", TABLE_RIGHT, 1);
  table_add_cells(&t, TABLE_ROW_NORMAL, ROW("日本語", "$1.00"));
  table_add_cells(&t, TABLE_ROW_NORMAL, ROW("café", "$2.00"));
  table_add_cells(&t, TABLE_ROW_NORMAL, ROW("a😀b", "$3.00"));
  table_add_cells(&t, TABLE_ROW_NORMAL, ROW("プロジェクト名", "$4.00"));
  check_render(&t, 0, 0,
               "┌────────────────┬───────┐\n"
               "│ Project        │  Cost │\n"
               "├────────────────┼───────┤\n"
               "│ 日本語         │ $1.00 │\n"
               "│ café           │ $2.00 │\n"
               "│ a😀b           │ $3.00 │\n"
               "│ プロジェクト名 │ $4.00 │\n"
               "└────────────────┴───────┘\n");
  table_release(&t);
}

static void test_text_width(void **state)
{
  (void)state;
  assert_int_equal(table_text_width("", 0), 0);
  assert_int_equal(table_text_width("abc", 3), 3);
  assert_int_equal(table_text_width("abc", 2), 2);
  assert_int_equal(table_text_width("caf\xc3\xa9", 5), 4);
  assert_int_equal(table_text_width("e\xcc\x81", 3), 1); /* e + U+0301 */
  assert_int_equal(table_text_width("日本", 6), 4);
  assert_int_equal(table_text_width("ｱ", 3), 1);    /* halfwidth katakana */
  assert_int_equal(table_text_width("ＡＢ", 6), 4); /* fullwidth latin */
  assert_int_equal(table_text_width("한국", 6), 4);
  assert_int_equal(table_text_width("😀", 4), 2);
  assert_int_equal(table_text_width("└─│", 9), 3);
  assert_int_equal(table_text_width("\x1b[1;33mab\x1b[0m", 13), 2);
  assert_int_equal(table_text_width("\x1b[2Kx", 5), 1);
  assert_int_equal(table_text_width("a\xffz", 3), 3);
}

static void test_cells_are_cleaned(void **state)
{
  struct table t;
  struct buf b = BUF_INIT;

  (void)state;
  table_init(&t);
  table_add_col(&t, "A", TABLE_LEFT, 1);
  table_add_row(&t, TABLE_ROW_NORMAL);
  table_set(&t, 0, 0, "x\ty\rz\x07\x1b]0;title\x07\x1b[2J\xc2\x9b\xff!");
  /* split literals: "??" would start a trigraph */
  assert_string_equal(t.rows[0].cells[0], "x y?z?"
                                          "?]0;title?"
                                          "?[2J?\xef\xbf\xbd!");
  table_setn(&t, 0, 0, "ab\0cd", 5);
  assert_string_equal(t.rows[0].cells[0], "ab?cd");
  table_setf(&t, 0, 0, "%d%%", 42);
  assert_string_equal(t.rows[0].cells[0], "42%");
  assert_int_equal(table_render(&t, &b, 0, 0), 0);
  assert_string_equal(b.data, "┌─────┐\n"
                              "│ A   │\n"
                              "├─────┤\n"
                              "│ 42% │\n"
                              "└─────┘\n");
  buf_release(&b);
  table_release(&t);
}

/* A 9-column daily table as the daily report will build it. */
static void daily_table(struct table *t)
{
  static const char *const days[][9] = {
      {"2026-03-10", "claude-opus-4-7\nclaude-sonnet-4-5-20250929", "12,345",
       "987,654", "1,234,567", "12,345,678", "14,580,244", "$123.45", "12"},
      {"2026-03-11", "claude-sonnet-4-5-20250929", "57", "950", "1,200",
       "34,000", "36,207", "$0.04", "0"},
  };
  size_t i;

  table_init(t);
  table_add_col(t, "Date", TABLE_LEFT, TABLE_KEEP);
  table_add_col(t, "Models", TABLE_LEFT, 6);
  table_add_col(t, "Input", TABLE_RIGHT, 4);
  table_add_col(t, "Output", TABLE_RIGHT, 5);
  table_add_col(t, "Cache\nCreate", TABLE_RIGHT, 3);
  table_add_col(t, "Cache\nRead", TABLE_RIGHT, 2);
  table_add_col(t, "Total\nTokens", TABLE_RIGHT, 7);
  table_add_col(t, "Cost\n(USD)", TABLE_RIGHT, TABLE_KEEP);
  table_add_col(t, "Web\nSearch", TABLE_RIGHT, 1);
  for (i = 0; i < 2; i++)
    table_add_cells(t, TABLE_ROW_NORMAL, days[i]);
  table_add_row(t, TABLE_ROW_SEP);
  table_add_cells(t, TABLE_ROW_TOTAL,
                  ROW("Total", NULL, "12,402", "988,604", "1,235,767",
                      "12,379,678", "14,616,451", "$123.49", "12"));
}

/* Asserts that every line of s is at most max display columns wide. */
static void assert_lines_within(const char *s, size_t max)
{
  while (*s) {
    const char *nl = strchr(s, '\n');

    assert_non_null(nl);
    assert_true(table_text_width(s, (size_t)(nl - s)) <= max);
    s = nl + 1;
  }
}

static void test_daily_fits_80_and_120(void **state)
{
  struct table t;
  struct buf b = BUF_INIT;
  bool shown[9];
  const bool want80[9] = {true,  true, false, true, false,
                          false, true, true,  false};
  size_t c;

  (void)state;
  daily_table(&t);
  assert_int_equal(table_fit(&t, 0, shown), 119);
  for (c = 0; c < 9; c++)
    assert_true(shown[c]);
  assert_int_equal(table_fit(&t, 120, shown), 119);
  assert_int_equal(table_fit(&t, 80, shown), 76);
  for (c = 0; c < 9; c++)
    assert_int_equal(shown[c], want80[c]);

  assert_int_equal(table_render(&t, &b, 120, 0), 0);
  assert_lines_within(b.data, 120);
  assert_non_null(strstr(b.data, "│ Date       │ Models                     "
                                 "│  Input │  Output │     Cache │      Cache "
                                 "│      Total │    Cost │    Web │\n"));
  assert_non_null(strstr(b.data, "│            │ claude-sonnet-4-5-20250929 "
                                 "│        │         │           │            "
                                 "│            │         │        │\n"));
  buf_reset(&b);

  assert_int_equal(table_render(&t, &b, 80, 0), 0);
  assert_lines_within(b.data, 80);
  assert_string_equal(
      b.data,
      "┌────────────┬────────────────────────────┬─────────┬────────────┬"
      "─────────┐\n"
      "│ Date       │ Models                     │  Output │      Total │"
      "    Cost │\n"
      "│            │                            │         │     Tokens │"
      "   (USD) │\n"
      "├────────────┼────────────────────────────┼─────────┼────────────┼"
      "─────────┤\n"
      "│ 2026-03-10 │ claude-opus-4-7            │ 987,654 │ 14,580,244 │"
      " $123.45 │\n"
      "│            │ claude-sonnet-4-5-20250929 │         │            │"
      "         │\n"
      "│ 2026-03-11 │ claude-sonnet-4-5-20250929 │     950 │     36,207 │"
      "   $0.04 │\n"
      "├────────────┼────────────────────────────┼─────────┼────────────┼"
      "─────────┤\n"
      "│ Total      │                            │ 988,604 │ 14,616,451 │"
      " $123.49 │\n"
      "└────────────┴────────────────────────────┴─────────┴────────────┴"
      "─────────┘\n");
  buf_release(&b);
  table_release(&t);
}

static void test_keep_and_first_column_never_dropped(void **state)
{
  struct table t;
  bool shown[3];

  (void)state;
  table_init(&t);
  table_add_col(&t, "A very long first column title", TABLE_LEFT, 0);
  table_add_col(&t, "Kept", TABLE_RIGHT, TABLE_KEEP);
  table_add_col(&t, "Gone", TABLE_RIGHT, 9);
  /* nothing fits in 10 columns: only droppable columns go */
  assert_int_equal(table_fit(&t, 10, shown), 1 + 33 + 7);
  assert_true(shown[0]);
  assert_true(shown[1]);
  assert_false(shown[2]);
  table_release(&t);
}

static void test_equal_priority_drops_rightmost(void **state)
{
  struct table t;
  struct buf b = BUF_INIT;

  (void)state;
  table_init(&t);
  table_add_col(&t, "K", TABLE_LEFT, 0);
  table_add_col(&t, "A", TABLE_LEFT, 1);
  table_add_col(&t, "B", TABLE_LEFT, 1);
  table_add_cells(&t, TABLE_ROW_NORMAL, ROW("k", "a", "b"));
  assert_int_equal(table_render(&t, &b, 12, TABLE_ASCII), 0);
  assert_string_equal(b.data, "+---+---+\n"
                              "| K | A |\n"
                              "+---+---+\n"
                              "| k | a |\n"
                              "+---+---+\n");
  buf_release(&b);
  table_release(&t);
}

static void test_separators_collapse_and_empty(void **state)
{
  struct table t;

  (void)state;
  table_init(&t);
  table_add_col(&t, "A", TABLE_LEFT, 1);
  check_render(&t, 0, TABLE_ASCII, "+---+\n| A |\n+---+\n");
  table_add_row(&t, TABLE_ROW_SEP);
  table_add_cells(&t, TABLE_ROW_NORMAL, ROW("x"));
  table_add_row(&t, TABLE_ROW_SEP);
  table_add_row(&t, TABLE_ROW_SEP);
  table_add_cells(&t, TABLE_ROW_NORMAL, ROW("y"));
  table_add_row(&t, TABLE_ROW_SEP);
  check_render(&t, 0, TABLE_ASCII,
               "+---+\n| A |\n+---+\n| x |\n+---+\n| y |\n+---+\n");
  table_release(&t);

  table_init(&t);
  check_render(&t, 80, 0, "");
  table_set_title(&t, "only a title");
  check_render(&t, 80, 0, "only a title\n");
  table_release(&t);
}

static void test_column_added_after_rows(void **state)
{
  struct table t;

  (void)state;
  table_init(&t);
  table_add_cells(&t, TABLE_ROW_NORMAL, NULL);
  table_add_col(&t, "A", TABLE_LEFT, 1);
  table_add_cells(&t, TABLE_ROW_NORMAL, ROW("x"));
  table_add_col(&t, "B", TABLE_RIGHT, 1);
  table_set(&t, 1, 1, "22");
  check_render(&t, 0, TABLE_ASCII,
               "+---+----+\n"
               "| A |  B |\n"
               "+---+----+\n"
               "|   |    |\n"
               "| x | 22 |\n"
               "+---+----+\n");
  table_release(&t);
}

static void test_csv(void **state)
{
  struct table t;
  struct buf b = BUF_INIT;

  (void)state;
  breakdown_table(&t);
  table_set(&t, 3, 1, "\x1b[31mhaiku\x1b[0m, \"4.5\"");
  assert_int_equal(table_render_csv(&t, &b, 0), 0);
  assert_string_equal(b.data, "Date,Models,Input,Cost (USD)\n"
                              "2026-03-10,\"opus-4-7\nsonnet-4-5\","
                              "\"1,234\",$1.50\n"
                              "opus-4-7,,\"1,000\",$1.20\n"
                              "sonnet-4-5,,234,$0.30\n"
                              "2026-03-11,\"haiku, \"\"4.5\"\"\",5,$0.01\n"
                              "Total,,\"1,239\",$1.51\n");
  buf_reset(&b);
  assert_int_equal(
      table_render_csv(&t, &b, TABLE_CSV_NO_SUB | TABLE_CSV_NO_TOTAL), 0);
  assert_string_equal(b.data, "Date,Models,Input,Cost (USD)\n"
                              "2026-03-10,\"opus-4-7\nsonnet-4-5\","
                              "\"1,234\",$1.50\n"
                              "2026-03-11,\"haiku, \"\"4.5\"\"\",5,$0.01\n");
  buf_release(&b);
  table_release(&t);
}

static void test_capped_buf(void **state)
{
  struct table t;
  struct buf b;

  (void)state;
  small_table(&t);
  buf_init(&b, 64);
  assert_int_equal(table_render(&t, &b, 0, 0), ERR_RANGE);
  assert_true(b.len <= 64);
  buf_reset(&b);
  assert_int_equal(table_render_csv(&t, &b, 0), ERR_RANGE);
  buf_release(&b);
  table_release(&t);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_small_plain),
      cmocka_unit_test(test_small_color),
      cmocka_unit_test(test_no_escape_without_color),
      cmocka_unit_test(test_multiline_sub_total),
      cmocka_unit_test(test_grid_and_color_sub_rows),
      cmocka_unit_test(test_ascii_fallback),
      cmocka_unit_test(test_wide_chars),
      cmocka_unit_test(test_text_width),
      cmocka_unit_test(test_cells_are_cleaned),
      cmocka_unit_test(test_daily_fits_80_and_120),
      cmocka_unit_test(test_keep_and_first_column_never_dropped),
      cmocka_unit_test(test_equal_priority_drops_rightmost),
      cmocka_unit_test(test_separators_collapse_and_empty),
      cmocka_unit_test(test_column_added_after_rows),
      cmocka_unit_test(test_csv),
      cmocka_unit_test(test_capped_buf),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
