/* Loads time zones from zoneinfo files and the TZ environment variable. */
/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source/readfile.h"
#include "source/tzfile.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define TZFILE_MAX (1024 * 1024)
#define ZONEINFO_DIR "/usr/share/zoneinfo"
#define LOCALTIME_PATH "/etc/localtime"

int tz_load_file(struct tz *tz, const char *path, const char *name,
                 struct err *e)
{
  struct buf data = BUF_INIT;
  int rc;

  tz_init_utc(tz);
  rc = readfile(path, TZFILE_MAX, &data, e);
  if (rc == 0)
    rc = tz_from_tzif(tz, data.data, data.len, name ? name : path, e);
  buf_release(&data);
  return rc;
}

static int name_check(const char *name, struct err *e)
{
  if (*name == '\0')
    return err_set(e, ERR_USAGE, "empty time zone name");
  if (*name == '/')
    return err_set(e, ERR_USAGE,
                   "time zone '%s' must be a name, not an absolute path", name);
  if (strstr(name, ".."))
    return err_set(e, ERR_USAGE, "time zone '%s' must not contain '..'", name);
  return 0;
}

static int unknown_zone(struct tz *tz, const char *name, struct err *e)
{
  tz_init_utc(tz);
  return err_set(e, ERR_NOTFOUND, "unknown time zone '%s'", name);
}

/* A checked name: built-in UTC, a zoneinfo file, or (when `posix`) a POSIX
 * string. */
static int load_spec(struct tz *tz, const char *name, int posix, struct err *e)
{
  const char *dir = getenv("TZDIR");
  char path[PATH_MAX];
  int n, rc;

  tz_init_utc(tz);
  if (!strcmp(name, "UTC") || !strcmp(name, "Etc/UTC") || !strcmp(name, "Z")) {
    snprintf(tz->name, sizeof(tz->name), "%s", name);
    return 0;
  }
  if (!dir || !*dir)
    dir = ZONEINFO_DIR;
  n = snprintf(path, sizeof(path), "%s/%s", dir, name);
  rc = n < 0 || (size_t)n >= sizeof(path) ? ERR_NOTFOUND
                                          : tz_load_file(tz, path, name, e);
  if (rc != ERR_NOTFOUND)
    return rc;
  if (posix && tz_from_posix(tz, name, NULL) == 0)
    return 0;
  return unknown_zone(tz, name, e);
}

/* "Europe/Paris" from ".../zoneinfo/Europe/Paris", else NULL. */
static const char *zone_suffix(const char *path)
{
  const char *p = path, *hit = NULL;

  while ((p = strstr(p, "zoneinfo/")) != NULL) {
    p += strlen("zoneinfo/");
    hit = p;
  }
  return hit && *hit ? hit : NULL;
}

static int load_localtime(struct tz *tz, struct err *e)
{
  char link[PATH_MAX];
  const char *name = "localtime", *zone;
  ssize_t n;
  int rc;

  n = readlink(LOCALTIME_PATH, link, sizeof(link) - 1);
  if (n > 0) {
    link[n] = '\0';
    if ((zone = zone_suffix(link)) != NULL)
      name = zone;
  }
  rc = tz_load_file(tz, LOCALTIME_PATH, name, e);
  if (rc == ERR_NOTFOUND) {
    tz_init_utc(tz);
    return 0;
  }
  return rc;
}

static int load_local(struct tz *tz, struct err *e)
{
  const char *env = getenv("TZ"), *zone;
  int rc;

  tz_init_utc(tz);
  if (env && *env == '\0')
    return 0;
  if (env && *env == ':')
    env++;
  if (!env || *env == '\0')
    return load_localtime(tz, e);
  if (*env == '/') {
    zone = zone_suffix(env);
    rc = tz_load_file(tz, env, zone ? zone : env, e);
    return rc == ERR_NOTFOUND ? unknown_zone(tz, env, e) : rc;
  }
  if ((rc = name_check(env, e)) != 0)
    return rc;
  return load_spec(tz, env, 1, e);
}

int tz_load(struct tz *tz, const char *name, struct err *e)
{
  int rc;

  if (!name)
    return load_local(tz, e);
  tz_init_utc(tz);
  if ((rc = name_check(name, e)) != 0)
    return rc;
  /* A POSIX string here would flip the sign users expect ("UTC+3" is
   * three hours west), so a given zone must be a zoneinfo name. */
  return load_spec(tz, name, 0, e);
}
