/* Tests for src/store/tokens.c and src/util/secret.c. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "store/store.h"
#include "store/tokens.h"
#include "testutil.h"
#include "tmptree.h"
#include "util/buf.h"
#include "util/secret.h"

#define NOW 1763600000000LL

static void test_sha256(void **state)
{
  char h[65];

  (void)state;
  secret_sha256_hex("abc", 3, h);
  assert_string_equal(
      h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  assert_true(secret_equal("abcd", "abcd", 4));
  assert_false(secret_equal("abcd", "abce", 4));
}

/* Made, checked, listed, revoked; expired and unknown secrets fail; the
 * secret is nowhere in the file, only its hash. */
static void test_lifecycle(void **state)
{
  struct tmptree *t = *state;
  char path[1024], secret[TOKEN_SECRET_LEN + 1], other[TOKEN_SECRET_LEN + 1];
  char hash[65];
  struct store *s = NULL;
  struct token tok, got, *v = NULL;
  struct err e = ERR_INIT;
  struct buf file = BUF_INIT;
  size_t n = 9;

  tmptree_path(t, "server.db", path, sizeof(path));
  assert_int_equal(store_open(&s, path, &e), 0);
  assert_int_equal(store_token_count(s, &n, &e), 0);
  assert_int_equal(n, 0);
  assert_int_equal(store_token_create(s, "alice", TOKEN_INGEST, "laptop", NOW,
                                      0, secret, &tok, &e),
                   0);
  assert_int_equal(strlen(secret), TOKEN_SECRET_LEN);
  assert_memory_equal(secret, "tm_", 3);
  assert_int_equal(strlen(tok.id), TOKEN_ID_LEN);
  assert_int_equal(store_token_check(s, secret, NOW + 1, &got, &e), 0);
  assert_string_equal(got.id, tok.id);
  assert_string_equal(got.user, "alice");
  assert_int_equal(got.scope, TOKEN_INGEST);
  assert_true(token_allows(&got, TOKEN_INGEST));
  assert_false(token_allows(&got, TOKEN_READ));

  /* one character off, too short, another prefix */
  memcpy(other, secret, sizeof(other));
  other[10] = other[10] == 'a' ? 'b' : 'a';
  assert_int_equal(store_token_check(s, other, NOW, &got, &e), ERR_NOTFOUND);
  assert_int_equal(store_token_check(s, "tm_abc", NOW, &got, &e), ERR_NOTFOUND);
  other[0] = 'x';
  assert_int_equal(store_token_check(s, other, NOW, &got, &e), ERR_NOTFOUND);

  /* expiry */
  assert_int_equal(store_token_create(s, "bob", TOKEN_READ, "ci", NOW + 1,
                                      NOW + 1000, other, &tok, &e),
                   0);
  assert_int_equal(store_token_check(s, other, NOW + 999, &got, &e), 0);
  assert_int_equal(store_token_check(s, other, NOW + 1000, &got, &e),
                   ERR_NOTFOUND);

  assert_int_equal(store_token_list(s, &v, &n, &e), 0);
  assert_int_equal(n, 2);
  assert_string_equal(v[0].user, "alice");
  assert_string_equal(v[1].label, "ci");
  assert_int_equal(v[1].expires, NOW + 1000);

  /* revoke: once */
  assert_int_equal(store_token_revoke(s, v[0].id, NOW + 5, &e), 0);
  assert_int_equal(store_token_check(s, secret, NOW + 6, &got, &e),
                   ERR_NOTFOUND);
  assert_int_equal(store_token_revoke(s, v[0].id, NOW + 7, &e), ERR_NOTFOUND);
  assert_int_equal(store_token_revoke(s, "tok_nope", NOW, &e), ERR_NOTFOUND);
  free(v);

  /* bad input */
  assert_int_equal(
      store_token_create(s, "", TOKEN_READ, "x", NOW, 0, other, &tok, &e),
      ERR_USAGE);
  assert_int_equal(
      store_token_create(s, "a\nb", TOKEN_READ, "x", NOW, 0, other, &tok, &e),
      ERR_USAGE);
  store_close(s);

  assert_int_equal(testutil_read_file(path, &file), 0);
  assert_null(memmem(file.data, file.len, secret + 3, 64));
  secret_sha256_hex(secret, TOKEN_SECRET_LEN, hash);
  assert_non_null(memmem(file.data, file.len, hash, 64));
  buf_release(&file);
}

static void test_scopes(void **state)
{
  struct token t;

  (void)state;
  memset(&t, 0, sizeof(t));
  assert_int_equal(token_scope_parse("enroll"), TOKEN_ENROLL);
  assert_int_equal(token_scope_parse("root"), 0);
  assert_string_equal(token_scope_name(TOKEN_ADMIN), "admin");
  t.scope = TOKEN_ADMIN;
  assert_true(token_allows(&t, TOKEN_READ));
  assert_true(token_allows(&t, TOKEN_INGEST));
  t.scope = TOKEN_ENROLL;
  assert_false(token_allows(&t, TOKEN_INGEST));
  assert_true(token_allows(&t, TOKEN_ENROLL));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sha256),
      cmocka_unit_test_setup_teardown(test_lifecycle, tmptree_setup,
                                      tmptree_teardown),
      cmocka_unit_test(test_scopes),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
