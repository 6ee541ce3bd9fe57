/* The user's price overrides file (~/.config/tokmeter/prices.json). */
/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source/prices_file.h"
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

/* Reads the whole file into b; 1 when it does not exist. */
static int read_file(const char *path, struct buf *b, struct err *e)
{
  char chunk[65536];
  FILE *f = fopen(path, "rb");
  size_t n;
  int rc = 0;

  if (!f) {
    if (errno == ENOENT)
      return 1;
    return err_set(e, ERR_IO, "cannot open '%s': %s", path, strerror(errno));
  }
  while (!rc && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
    if (buf_add(b, chunk, n))
      rc = err_set(e, ERR_RANGE, "cannot read '%s': larger than %u bytes", path,
                   PRICES_FILE_MAX);
  if (!rc && ferror(f))
    rc = err_set(e, ERR_IO, "cannot read '%s': %s", path, strerror(errno));
  fclose(f);
  return rc;
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
  buf_init(&text, PRICES_FILE_MAX);
  rc = read_file(path, &text, e);
  if (rc == 0)
    rc = price_table_load_json(t, text.data, text.len, path, e);
  else if (rc == 1)
    rc = explicit
             ? err_set(e, ERR_NOTFOUND, "cannot open '%s': no such file", path)
             : 0; /* no user file is the usual case */
  buf_release(&text);
  buf_release(&def);
  return rc;
}
