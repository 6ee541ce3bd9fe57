/* Lookup in the embedded asset table. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "http/assets.h"
#include "util/banned.h"

const struct asset *asset_find(const char *path)
{
  size_t lo = 0, hi = nassets, mid;
  int c;

  if (!path)
    return NULL;
  if (!strcmp(path, "/"))
    path = "/index.html";
  while (lo < hi) {
    mid = lo + (hi - lo) / 2;
    c = strcmp(path, assets[mid].path);
    if (!c)
      return &assets[mid];
    if (c < 0)
      hi = mid;
    else
      lo = mid + 1;
  }
  return NULL;
}
