/* The team server's access tokens, kept in the store (hashed). */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_STORE_TOKENS_H
#define TOKMETER_STORE_TOKENS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/err.h"

/*
 * A token is "tm_" and 64 hex digits (256 random bits), shown once when
 * made and stored only as its SHA-256. Scopes: ingest (write one's own
 * usage), read (the dashboard and API), enroll (a team's shared ingest
 * token: the client names its user), admin (everything).
 */
#define TOKEN_SECRET_LEN 67
#define TOKEN_ID_LEN 20 /* "tok_" and 16 hex digits */

enum token_scope {
  TOKEN_INGEST = 1,
  TOKEN_READ = 2,
  TOKEN_ENROLL = 4,
  TOKEN_ADMIN = 8
};

struct token {
  char id[TOKEN_ID_LEN + 1];
  char user[129];
  char label[129];
  int scope;                                    /* enum token_scope */
  int64_t created, expires, revoked, last_used; /* unix ms; 0: never */
};

/* The scope named s ("ingest", "read", "enroll", "admin"), else 0. */
int token_scope_parse(const char *s);
const char *token_scope_name(int scope);

/* 1 when t may act in one of `scopes` (admin may do everything). */
int token_allows(const struct token *t, int scopes);

/*
 * Makes a token for user with one scope; expires_ms 0 for never. Writes
 * the secret into secret (TOKEN_SECRET_LEN + 1 bytes) and the record
 * into *t. user and label: 1 to 128 bytes of printable ASCII.
 */
int store_token_create(struct store *s, const char *user, int scope,
                       const char *label, int64_t now_ms, int64_t expires_ms,
                       char *secret, struct token *t, struct err *e);

/*
 * The token whose secret this is, if it is neither revoked nor expired
 * at now_ms: 0 and *t, else ERR_NOTFOUND (what was wrong is not told).
 */
int store_token_check(struct store *s, const char *secret, int64_t now_ms,
                      struct token *t, struct err *e);

/* Every token, oldest first; *v is malloc'd. */
int store_token_list(struct store *s, struct token **v, size_t *n,
                     struct err *e);

/* Revokes the token with this id: 0, or ERR_NOTFOUND (no such token, or
 * revoked already). */
int store_token_revoke(struct store *s, const char *id, int64_t now_ms,
                       struct err *e);

/* How many tokens there are, revoked ones included. */
int store_token_count(struct store *s, size_t *n, struct err *e);

#endif
