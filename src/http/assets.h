/* Static web assets (web/ and Chart.js) embedded into the binary. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_HTTP_ASSETS_H
#define TOKMETER_HTTP_ASSETS_H

#include <stddef.h>

/*
 * One embedded file. Everything points into read-only static storage:
 * nothing to free, safe to share between threads.
 *   path  URL path, starting with '/' ("/index.html", "/vendor/chart.min.js")
 *   type  Content-Type value ("text/html; charset=utf-8")
 *   data  the file's bytes, len of them (not NUL-terminated)
 *   etag  strong ETag with its quotes, ready for the header: '"' then the
 *         16 lowercase hex digits of hash64(data, len, 0) then '"'
 */
struct asset {
  const char *path;
  const char *type;
  const unsigned char *data;
  size_t len;
  const char *etag;
};

/*
 * The table, generated at build time by tools/embed.c into
 * gen/assets_data.c: nassets entries sorted by path (strcmp order),
 * paths unique.
 */
extern const struct asset assets[];
extern const size_t nassets;

/*
 * asset_find() returns the asset served at path ("/" means "/index.html"),
 * or NULL when there is none. path is the URL path alone, without query
 * string or fragment, and must match exactly (case-sensitive).
 */
const struct asset *asset_find(const char *path);

#endif
