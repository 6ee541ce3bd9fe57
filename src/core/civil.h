/* Calendar arithmetic, strict timestamp parsing and date formatting. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_CORE_CIVIL_H
#define TOKMETER_CORE_CIVIL_H

#include <stddef.h>
#include <stdint.h>

/* Days are counted from 1970-01-01 (day 0), proleptic Gregorian. */
int64_t civil_days_from_ymd(int64_t y, unsigned m, unsigned d);
void civil_ymd_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);
/* 0 = Sunday ... 6 = Saturday. */
unsigned civil_weekday(int64_t days);
unsigned civil_days_in_month(int64_t y, unsigned m);

/*
 * Parses YYYY-MM-DDTHH:MM:SS[.mmm](Z|+HH:MM|-HH:MM) exactly (0 or 3
 * fractional digits) into UTC milliseconds. Returns 0, or -1 if s[0..n) is
 * not of that shape or a field is out of range.
 */
int civil_parse_ts(const char *s, size_t n, int64_t *utc_ms);

/* Parses YYYY-MM-DD or YYYYMMDD into a day number. Returns 0 or -1. */
int civil_parse_date(const char *s, int64_t *days);

/* "YYYY-MM-DD" (out needs 11 bytes). */
void civil_fmt_date(int64_t days, char *out);
/* "YYYY-MM-DDTHH:MM:SS.mmmZ" (out needs 25 bytes). */
void civil_fmt_iso_ms(int64_t utc_ms, char *out);

/* Floor division for negative times. */
int64_t civil_floor_div(int64_t a, int64_t b);

#endif
