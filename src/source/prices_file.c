/* The user's price overrides file (~/.config/tokmeter/prices.json). */
/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "source/prices_file.h"
#include "source/readfile.h"
#include "util/banned.h"

int prices_default_path(struct buf *out)
{
  const char *xdg = getenv("XDG_CONFIG_HOME");
  const char *home = getenv("HOME");

  /* The XDG spec says to ignore a relative XDG_CONFIG_HOME. */
  if (xdg && xdg[0] == '/')
    return buf_addf(out, "%s/tokmeter/prices.json", xdg);
  if (home && home[0])
    return buf_addf(out, "%s/.config/tokmeter/prices.json", home);
  return ERR_NOTFOUND;
}

int prices_load_user(struct price_table *t, const char *path, struct err *e)
{
  struct buf def = BUF_INIT, text;
  int rc, explicit = path != NULL;

  if (!path) {
    if (prices_default_path(&def))
      return 0;
    path = def.data;
  }
  buf_init(&text, 0);
  rc = readfile(path, PRICES_FILE_MAX, &text, e);
  if (rc == 0)
    rc = price_table_load_json(t, text.data, text.len, path, e);
  else if (rc == ERR_NOTFOUND && !explicit && access(path, F_OK) != 0)
    rc = 0; /* no user file is the usual case */
  buf_release(&text);
  buf_release(&def);
  return rc;
}
