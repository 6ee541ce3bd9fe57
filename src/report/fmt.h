/* fmt: number, money, duration and CSV field formatting for reports. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_REPORT_FMT_H
#define TOKMETER_REPORT_FMT_H

#include <stddef.h>
#include <stdint.h>

struct buf;

/*
 * Every function appends to a caller-owned buf and returns 0, or ERR_RANGE
 * when the buf's max was hit (the buf may then hold part of the text).
 * Output is ASCII, locale-independent (en-US style: `,` groups, `.`
 * decimals). Values that cannot be shown (NaN, infinities) print as
 * FMT_NA rather than a misleading number.
 */

#define FMT_NA "n/a"

/* 1234567 -> "1,234,567"; -1234 -> "-1,234". */
int fmt_uint(struct buf *out, uint64_t v);
int fmt_int(struct buf *out, int64_t v);

/*
 * US dollars with two decimals and thousands separators: "$1,234.57",
 * "-$0.50". Rounding is to the nearest cent of the double's exact binary
 * value, ties away from zero: 0.125 (exact) -> "$0.13", but 1.005 (really
 * 1.00499999999999989...) -> "$1.00". This is what JavaScript's toFixed(2)
 * (ccusage's tables) prints; no epsilon is added, because costs are sums
 * of products, not decimal literals, and nudging them would move other
 * values across a cent. A value that rounds to zero prints "$0.00" without
 * a sign. NaN/infinity -> "n/a".
 */
int fmt_usd(struct buf *out, double v);

/*
 * Token counts for narrow columns: below 1000 as is ("999"), then one
 * decimal below 100 of a unit and none from 100 ("1.2K", "12.3M", "456K",
 * "1.2B", "3T"); a trailing ".0" is dropped ("1K", "2M"). Rounds half up
 * and carries into the next unit (999,950 -> "1M", 99,960 -> "100K").
 * Units: K = 1e3, M = 1e6, B = 1e9, T = 1e12 (larger values stay in T).
 */
int fmt_tokens_compact(struct buf *out, uint64_t v);

/*
 * A duration in whole minutes, rounded down: "45m", "3h 12m", "3h 0m",
 * "0m" below a minute; hours are not folded into days ("49h 5m").
 * Negative durations get a leading '-' ("-5m").
 */
int fmt_duration(struct buf *out, int64_t seconds);

/*
 * A percentage given in percent (45.25 -> "45.3%" with decimals 1);
 * decimals is clamped to 0..6; rounding is printf's (nearest, exact ties
 * to even). NaN/infinity -> "n/a".
 */
int fmt_percent(struct buf *out, double percent, int decimals);

/*
 * One CSV field per RFC 4180: written as is unless it contains a comma,
 * a double quote, CR or LF, or starts or ends with a space or tab; then
 * it is wrapped in double quotes with inner quotes doubled. The caller
 * writes the separators and line ends.
 */
int fmt_csv_field(struct buf *out, const char *s, size_t len);

/*
 * Text from transcripts (model names, paths) for a terminal: control
 * characters (C0, DEL, C1) become '?', so nothing from a file can move the
 * cursor or change the terminal; invalid UTF-8 bytes become '?' too.
 */
int fmt_printable(struct buf *out, const char *s, size_t len);

#endif
