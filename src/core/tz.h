/* Time zones: UTC offsets from TZif data and POSIX TZ rules, no libc state. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_CORE_TZ_H
#define TOKMETER_CORE_TZ_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/* A POSIX TZ rule such as "CET-1CEST,M3.5.0,M10.5.0/3". */
struct tz_rule {
  int32_t std_off; /* seconds east of UTC */
  int32_t dst_off;
  int has_dst;
  /* Transition dates: kind 'M' (month.week.day), 'J' (1..365, no Feb 29),
   * 'D' (0..365); for 'J' and 'D' the day number is in d. time is seconds
   * after local midnight (may be negative or above 24h): the start in
   * standard time, the end in daylight saving time. */
  struct {
    char kind;
    int m, w, d;
    int32_t time;
  } start, end;
};

/*
 * A loaded zone. Immutable after loading, so it may be shared between
 * threads. The struct owns times, idx and offs; tz_release() frees them and
 * leaves the zone as UTC (releasing twice is harmless).
 */
struct tz {
  char name[128]; /* IANA name, "UTC", or the POSIX string */
  int64_t *times; /* transition instants, UTC seconds, ascending */
  uint8_t *idx;   /* idx[i]: type in effect from times[i] */
  size_t ntimes;
  int32_t *offs; /* offs[type]: seconds east of UTC */
  size_t ntypes;
  int32_t before_off;  /* offset before the first transition */
  struct tz_rule rule; /* for instants after the last transition */
  int has_rule;
};

/* Sets *tz to UTC (owns nothing). */
void tz_init_utc(struct tz *tz);
void tz_release(struct tz *tz);

/*
 * The constructors below overwrite *tz without freeing what it held; on
 * failure (ERR_PARSE and a message naming the zone) *tz is left as UTC, so
 * tz_release() is always safe afterwards.
 */

/*
 * Parses TZif (v1, v2+) bytes, including the POSIX footer. The bytes are
 * untrusted: every count is checked against len and only the caller's
 * buffer is read (it is not kept). name (may be NULL) goes into tz->name.
 * Leap second records are skipped (instants are POSIX time).
 */
int tz_from_tzif(struct tz *tz, const void *data, size_t len, const char *name,
                 struct err *e);
/*
 * Parses a POSIX TZ string ("UTC0", "EST5EDT,M3.2.0,M11.1.0",
 * "<+0330>-3:30"), with the RFC 8536 extension of transition times from
 * -167 to 167 hours. A daylight name with no rule gets the US rule
 * M3.2.0,M11.1.0; a daylight offset defaults to one hour ahead.
 */
int tz_from_posix(struct tz *tz, const char *spec, struct err *e);

/*
 * Seconds east of UTC in effect at the UTC instant t (seconds). Before the
 * first transition this is before_off (the first standard type, as glibc);
 * from the last transition on (or always, with no transitions) the footer
 * rule if there is one. A rule whose DST ends exactly where the next
 * year's begins ("EST5EDT,0/0,J365/25") is DST all year (RFC 8536).
 */
int32_t tz_offset(const struct tz *tz, int64_t t);

/* The local calendar day (days since 1970-01-01) of a UTC instant in ms. */
int64_t tz_local_day(const struct tz *tz, int64_t utc_ms);

#endif
