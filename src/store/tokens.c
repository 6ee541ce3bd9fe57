/* The team server's access tokens (tokens.h). */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/schema.h"
#include "store/tokens.h"
#include "util/secret.h"
#include "util/xalloc.h"
#include "util/banned.h"

static const char *const scope_names[] = {"ingest", "read", "enroll", "admin"};

int token_scope_parse(const char *s)
{
  size_t i;

  for (i = 0; i < 4; i++)
    if (!strcmp(s, scope_names[i]))
      return 1 << i;
  return 0;
}

const char *token_scope_name(int scope)
{
  size_t i;

  for (i = 0; i < 4; i++)
    if (scope == 1 << i)
      return scope_names[i];
  return "?";
}

int token_allows(const struct token *t, int scopes)
{
  return (t->scope & TOKEN_ADMIN) || (t->scope & scopes);
}

static int printable(const char *s)
{
  size_t n = strlen(s), i;

  if (!n || n > 128)
    return 0;
  for (i = 0; i < n; i++)
    if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
      return 0;
  return 1;
}

static void copy(char *dst, size_t cap, const char *src)
{
  size_t n = src ? strlen(src) : 0;

  if (n >= cap)
    n = cap - 1;
  memcpy(dst, src ? src : "", n);
  dst[n] = '\0';
}

/* A row of TOKEN_COLS (schema.c) into *t. */
static void from_row(struct token *t, const char *const *col)
{
  memset(t, 0, sizeof(*t));
  copy(t->id, sizeof(t->id), col[0]);
  copy(t->user, sizeof(t->user), col[1]);
  t->scope = token_scope_parse(col[2] ? col[2] : "");
  copy(t->label, sizeof(t->label), col[3]);
  t->created = col[4] ? strtoll(col[4], NULL, 10) : 0;
  t->expires = col[5] ? strtoll(col[5], NULL, 10) : 0;
  t->revoked = col[6] ? strtoll(col[6], NULL, 10) : 0;
  t->last_used = col[7] ? strtoll(col[7], NULL, 10) : 0;
}

int store_token_create(struct store *s, const char *user, int scope,
                       const char *label, int64_t now_ms, int64_t expires_ms,
                       char *secret, struct token *t, struct err *e)
{
  unsigned char raw[32], rid[8];
  char hash[65], created[24], expires[24];
  const char *params[7];

  if (!printable(user))
    return err_set(e, ERR_USAGE,
                   "invalid user '%s' (1 to 128 printable characters)", user);
  if (!printable(label))
    return err_set(e, ERR_USAGE,
                   "invalid label '%s' (1 to 128 printable characters)", label);
  if (!token_scope_parse(token_scope_name(scope)))
    return err_set(e, ERR_USAGE, "invalid scope");
  if (secret_random(raw, sizeof(raw)) || secret_random(rid, sizeof(rid)))
    return err_set(e, ERR_IO, "cannot get random bytes for a token");
  secret[0] = 't';
  secret[1] = 'm';
  secret[2] = '_';
  secret_hex(raw, sizeof(raw), secret + 3); /* NUL-terminated */
  memset(raw, 0, sizeof(raw));
  secret_sha256_hex(secret, TOKEN_SECRET_LEN, hash);
  memset(t, 0, sizeof(*t));
  memcpy(t->id, "tok_", 4);
  secret_hex(rid, sizeof(rid), t->id + 4);
  copy(t->user, sizeof(t->user), user);
  copy(t->label, sizeof(t->label), label);
  t->scope = scope;
  t->created = now_ms;
  t->expires = expires_ms;
  snprintf(created, sizeof(created), "%lld", (long long)now_ms);
  snprintf(expires, sizeof(expires), "%lld", (long long)expires_ms);
  params[0] = t->id;
  params[1] = user;
  params[2] = token_scope_name(scope);
  params[3] = label;
  params[4] = hash;
  params[5] = created;
  params[6] = expires;
  return store_exec(s, store_sql_token_insert, params, 7, NULL, NULL, NULL, e);
}

struct found {
  struct token t;
  char hash[65];
  int n;
};

static int found_row(void *ctx, size_t ncol, const char *const *col)
{
  struct found *f = ctx;

  if (ncol < 9)
    return 1;
  from_row(&f->t, col);
  copy(f->hash, sizeof(f->hash), col[8]);
  f->n++;
  return 1;
}

int store_token_check(struct store *s, const char *secret, int64_t now_ms,
                      struct token *t, struct err *e)
{
  struct found f;
  char hash[65];
  const char *params[1];
  int r;

  memset(&f, 0, sizeof(f));
  if (strlen(secret) != TOKEN_SECRET_LEN || strncmp(secret, "tm_", 3) != 0)
    return ERR_NOTFOUND;
  secret_sha256_hex(secret, TOKEN_SECRET_LEN, hash);
  params[0] = hash;
  if ((r = store_exec(s, store_sql_token_by_hash, params, 1, found_row, &f,
                      NULL, e)))
    return r;
  /* The lookup was by hash; the comparison that decides is constant-time. */
  if (!f.n || strlen(f.hash) != 64 || !secret_equal(f.hash, hash, 64) ||
      f.t.revoked || (f.t.expires && f.t.expires <= now_ms))
    return ERR_NOTFOUND;
  *t = f.t;
  return 0;
}

struct list {
  struct token *v;
  size_t n, cap;
};

static int list_row(void *ctx, size_t ncol, const char *const *col)
{
  struct list *l = ctx;

  if (ncol < 8)
    return 1;
  l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof(*l->v));
  from_row(&l->v[l->n++], col);
  return 0;
}

int store_token_list(struct store *s, struct token **v, size_t *n,
                     struct err *e)
{
  struct list l = {NULL, 0, 0};
  int r = store_exec(s, store_sql_token_list, NULL, 0, list_row, &l, NULL, e);

  if (r) {
    free(l.v);
    return r;
  }
  *v = l.v;
  *n = l.n;
  return 0;
}

int store_token_revoke(struct store *s, const char *id, int64_t now_ms,
                       struct err *e)
{
  char now[24];
  const char *params[2];
  size_t changed = 0;
  int r;

  snprintf(now, sizeof(now), "%lld", (long long)now_ms);
  params[0] = id;
  params[1] = now;
  if ((r = store_exec(s, store_sql_token_revoke, params, 2, NULL, NULL,
                      &changed, e)))
    return r;
  return changed ? 0 : err_set(e, ERR_NOTFOUND, "no token '%s' to revoke", id);
}

static int count_row(void *ctx, size_t ncol, const char *const *col)
{
  *(size_t *)ctx = ncol && col[0] ? (size_t)strtoull(col[0], NULL, 10) : 0;
  return 1;
}

int store_token_count(struct store *s, size_t *n, struct err *e)
{
  *n = 0;
  return store_exec(s, store_sql_token_count, NULL, 0, count_row, n, NULL, e);
}
