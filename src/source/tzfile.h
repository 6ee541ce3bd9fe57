/* Loading time zones from zoneinfo files and the TZ environment variable. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_SOURCE_TZFILE_H
#define TOKMETER_SOURCE_TZFILE_H

#include "core/tz.h"
#include "util/err.h"

/*
 * Loads a zone into *tz (which it overwrites; tz_release() it afterwards).
 * Uses no libc time zone state (no setenv, tzset or localtime), only reads
 * the environment, so it may run alongside other threads that do not
 * modify it.
 *
 * name non-NULL: an IANA name ("Europe/Paris") read from $TZDIR, else
 * /usr/share/zoneinfo. "UTC", "Etc/UTC" and "Z" always work (built in).
 * POSIX TZ strings are not accepted here (only from $TZ, below).
 * Empty names, absolute paths and names containing ".." give ERR_USAGE; an
 * unknown zone gives ERR_NOTFOUND ("unknown time zone 'X'").
 *
 * name NULL: the local zone as glibc finds it: $TZ if set (":name",
 * "name", "/path" or a POSIX string; set but empty means UTC; ":" alone
 * means unset), else /etc/localtime, else UTC. tz->name is the IANA name
 * when known, "localtime" for an /etc/localtime that is not a symlink into
 * a zoneinfo tree, or the TZ string itself.
 *
 * On failure *tz is UTC and e says why, so a caller may warn and go on.
 */
int tz_load(struct tz *tz, const char *name, struct err *e);

/*
 * Loads the TZif file at path (at most 1 MB); name (may be NULL: path)
 * goes into tz->name. A missing or non-regular file gives ERR_NOTFOUND,
 * other read failures ERR_IO, bad contents ERR_PARSE.
 */
int tz_load_file(struct tz *tz, const char *path, const char *name,
                 struct err *e);

#endif
