/* Tests for src/store/pg.c and pgtext.c: what only PostgreSQL has. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "pgtest.h"
#include "storetest.h"
#include "store/pgtext.h"
#include "store/schema.h"
#include "store/store.h"
#include "store/view.h"
#include "testutil.h"
#include "util/buf.h"
#include "util/jsonw.h"
#include "util/xalloc.h"

/* ---- without a server ------------------------------------------------ */

static void assert_masked(const char *target, const char *want)
{
  struct buf b = BUF_INIT;

  pgtext_mask(target, &b);
  assert_string_equal(b.data, want);
  buf_release(&b);
}

static void test_mask(void **state)
{
  struct buf b = BUF_INIT;

  (void)state;
  assert_masked("postgres://alice:s3cret@db.example:5432/usage",
                "postgres://alice:***@db.example:5432/usage");
  assert_masked("postgresql://alice@db/usage", "postgresql://alice@db/usage");
  assert_masked("postgresql://alice:@db/usage", "postgresql://alice:@db/usage");
  assert_masked(
      "postgresql://db/usage?user=a&password=hunter22&sslmode=require",
      "postgresql://db/usage?user=a&password=***&sslmode=require");
  assert_masked("postgresql://u:p1@h/d?password=p2",
                "postgresql://u:***@h/d?password=***");
  /* libpq reads user info up to the first '@' before any '/' */
  assert_masked("postgres://u:a?b@h/d", "postgres://u:***@h/d");
  assert_masked("postgresql:///d?host=/tmp/x", "postgresql:///d?host=/tmp/x");

  buf_adds(&b, "invalid token \"hunter22\" in \"hunter22x\"");
  pgtext_scrub("postgres://db/?password=hunter22", &b);
  assert_string_equal(b.data, "invalid token \"***\" in \"***x\"");
  buf_reset(&b);
  pgtext_one_line("connection to server failed: refused\n\tIs the server "
                  "running?\n",
                  &b);
  assert_string_equal(b.data,
                      "connection to server failed: refused Is the server "
                      "running?");
  buf_release(&b);
}

/* A connection that fails: one line, the target named, no password. */
static void test_connect_error(void **state)
{
  static const char *const targets[] = {
      "postgresql://alice:s3cretpw@127.0.0.1:1/usage?connect_timeout=5",
      "postgres://127.0.0.1:1/usage?user=alice&password=s3cretpw",
      "postgresql://alice:s3cret%zzpw@127.0.0.1:1/usage",
      "postgresql://alice:s3cretpw@127.0.0.1:1/usage?bogus=1"};
  size_t i;

  (void)state;
  for (i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
    struct store *s = NULL;
    struct err e = ERR_INIT;

    assert_int_equal(store_open(&s, targets[i], &e), ERR_IO);
    assert_null(s);
    assert_null(strstr(e.msg, "s3cret"));
    assert_null(strchr(e.msg, '\n'));
    assert_non_null(strstr(e.msg, "cannot open store 'postgres"));
    assert_non_null(strstr(e.msg, "127.0.0.1:1/usage"));
    assert_non_null(strstr(e.msg, "***"));
  }
}

static void assert_round_trip(const char *s, size_t n, const char *stored,
                              size_t sn)
{
  struct buf t1 = BUF_INIT, t2 = BUF_INIT;
  const char *enc, *dec;
  size_t en, dn;

  enc = pgtext_encode(s, n, &t1, &en);
  assert_int_equal(en, sn);
  assert_memory_equal(enc, stored, sn);
  assert_null(memchr(enc, 0, en));
  dec = pgtext_decode(enc, en, &t2, &dn);
  assert_int_equal(dn, n);
  assert_memory_equal(dec, s, n);
  buf_release(&t1);
  buf_release(&t2);
}

static void test_text_escapes(void **state)
{
  struct buf t = BUF_INIT;
  const char *plain = "claude-sonnet-4-5 \xc3\xa9 \xef\xbf\xbd";
  size_t n;

  (void)state;
  /* what PostgreSQL holds as it is comes back as the same pointer */
  assert_ptr_equal(pgtext_encode(plain, strlen(plain), &t, &n), plain);
  assert_int_equal(n, strlen(plain));
  assert_ptr_equal(pgtext_decode(plain, strlen(plain), &t, &n), plain);
  assert_round_trip("s\0a", 3, "s\1\1a", 4);
  assert_round_trip("\1", 1, "\1\2", 2);
  assert_round_trip("\0\1\2", 3, "\1\1\1\2\2", 5);
  assert_round_trip("/p/\xff.jsonl", 10, "/p/\1\xc7\xbf.jsonl", 12);
  assert_round_trip("a\xc3", 2, "a\1\xc7\x83", 4); /* cut short */
  assert_round_trip("\xed\xa0\x80", 3, "\1\xc7\xad\1\xc6\xa0\1\xc6\x80", 9);
  assert_round_trip("\xc3\xa9\0", 3, "\xc3\xa9\1\1", 4);
  /* text not written by the store decodes as it is */
  assert_string_equal(pgtext_decode("a\1b\1", 4, &t, &n), "a\1b\1");
  buf_release(&t);
}

/* Escaped strings keep the order of valid UTF-8 strings, byte by byte. */
static void test_text_order(void **state)
{
  static const struct {
    const char *s;
    size_t n;
  } units[] = {{"\0", 1},
               {"\1", 1},
               {"\2", 1},
               {"a", 1},
               {"B", 1},
               {"\xc3\xa9", 2},
               {"\xf0\x9f\x98\x80", 4},
               {"\x7f", 1}};
  unsigned long long rs = 42;
  int round;

  (void)state;
  for (round = 0; round < 20000; round++) {
    char a[32], b[32];
    size_t an = 0, bn = 0, i, k, n1, n2, u;
    struct buf t1 = BUF_INIT, t2 = BUF_INIT;
    const char *e1, *e2;
    int raw, enc;

    for (i = 0, k = testutil_rand(&rs) % 6; i < k; i++) {
      u = testutil_rand(&rs) % 8;
      memcpy(a + an, units[u].s, units[u].n);
      an += units[u].n;
      if (testutil_rand(&rs) % 3) { /* b shares a's start, mostly */
        memcpy(b + bn, units[u].s, units[u].n);
        bn += units[u].n;
      }
    }
    for (i = 0, k = testutil_rand(&rs) % 3; i < k; i++) {
      u = testutil_rand(&rs) % 8;
      memcpy(b + bn, units[u].s, units[u].n);
      bn += units[u].n;
    }
    raw = memcmp(a, b, an < bn ? an : bn);
    raw = raw ? raw : (an > bn) - (an < bn);
    e1 = pgtext_encode(a, an, &t1, &n1);
    e2 = pgtext_encode(b, bn, &t2, &n2);
    enc = memcmp(e1, e2, n1 < n2 ? n1 : n2);
    enc = enc ? enc : (n1 > n2) - (n1 < n2);
    assert_int_equal(raw < 0, enc < 0);
    assert_int_equal(raw == 0, enc == 0);
    buf_release(&t1);
    buf_release(&t2);
  }
}

/* ---- on a server ----------------------------------------------------- */

/* A new schema: its name in schema and a URL to it in url. */
static void fresh(void **state, char *schema, char *url)
{
  struct pgtest *p = *state;

  pgtest_schema(p, schema, 32);
  pgtest_url(p, schema, url, 512);
}

static void sql(void **state, const char *schema, const char *q,
                const char *want)
{
  char out[256];

  if (pgtest_sql(*state, schema, q, out, sizeof(out)))
    fail_msg("%s: %s", q, out);
  if (want)
    assert_string_equal(out, want);
}

static void one_event(struct event *a, struct strtab *st, uint64_t k)
{
  memset(a, 0, sizeof(*a));
  a->key[0] = k;
  a->key_kind = EVENT_KEY_MSG_REQ;
  a->ts_ms = 1000;
  a->tok.output = 10;
  a->session = strtab_intern(st, "sess", 4);
}

/* The version table: one row per migration; newer is refused, untouched. */
static void test_versions(void **state)
{
  char schema[32], url[512], want[64];
  struct store *s = NULL;
  struct err e = ERR_INIT;

  fresh(state, schema, url);
  assert_int_equal(store_open(&s, url, &e), 0);
  assert_int_equal(store_version(s), STORE_SCHEMA_VERSION);
  store_close(s);
  sql(state, schema,
      "SELECT string_agg(version::text, ',' ORDER BY version) "
      "FROM tokmeter_schema",
      "1,2,3,4");
  /* the same store again: nothing to do */
  assert_int_equal(store_open(&s, url, &e), 0);
  store_close(s);
  sql(state, schema, "SELECT count(*) FROM tokmeter_schema", "4");
  /* postgres:// is the same as postgresql:// */
  memmove(url + 8, url + 10, strlen(url + 10) + 1);
  assert_int_equal(strncmp(url, "postgres://", 11), 0);
  assert_int_equal(store_open(&s, url, &e), 0);
  store_close(s);

  sql(state, schema, "INSERT INTO tokmeter_schema (version) VALUES (99)", NULL);
  assert_int_equal(store_open(&s, url, &e), ERR_PARSE);
  assert_null(s);
  snprintf(want, sizeof(want),
           "has schema version 99; this tokmeter knows "
           "up to %d",
           STORE_SCHEMA_VERSION);
  assert_non_null(strstr(e.msg, want));
  assert_non_null(strstr(e.msg, schema));
  sql(state, schema, "SELECT count(*) FROM tokmeter_schema", "5");
}

/* A schema with tables of someone else's is refused and left alone. */
static void test_foreign(void **state)
{
  char schema[32], url[512];
  struct store *s = NULL;
  struct err e = ERR_INIT;

  fresh(state, schema, url);
  sql(state, schema, "CREATE TABLE events (x INTEGER)", NULL);
  assert_int_equal(store_open(&s, url, &e), ERR_PARSE);
  assert_non_null(strstr(e.msg, "is not a tokmeter store"));
  sql(state, schema,
      "SELECT string_agg(tablename, ',') FROM pg_tables WHERE schemaname = "
      "current_schema()",
      "events");
}

/* A database in an encoding that cannot hold every string is refused. */
static void test_encoding(void **state)
{
  struct pgtest *p = *state;
  char url[512];
  struct store *s = NULL;
  struct err e = ERR_INIT;

  sql(state, NULL,
      "CREATE DATABASE latin ENCODING 'LATIN1' LOCALE_PROVIDER libc LOCALE "
      "'C' TEMPLATE template0",
      NULL);
  snprintf(url, sizeof(url),
           "postgresql:///latin?host=%s&port=%d&user=postgres", p->dir,
           p->port);
  assert_int_equal(store_open(&s, url, &e), ERR_USAGE);
  assert_non_null(strstr(e.msg, "encoding is LATIN1; tokmeter needs UTF8"));
}

struct racer {
  const char *url;
  pthread_barrier_t *go;
  int r;
  char msg[256];
  uint64_t key;
};

static void *race(void *arg)
{
  struct racer *x = arg;
  struct store *s = NULL;
  struct err e = ERR_INIT;
  struct strtab st;
  struct event a;

  strtab_init(&st);
  one_event(&a, &st, x->key);
  pthread_barrier_wait(x->go);
  x->r = store_open(&s, x->url, &e);
  if (!x->r)
    x->r = store_put(s, &a, 1, &st, NULL, STORE_MERGE, NULL, &e);
  memcpy(x->msg, e.msg, sizeof(x->msg));
  store_close(s);
  strtab_release(&st);
  return NULL;
}

/* Replicas starting at once: one migrates, all open, each write its own
 * seq. */
static void test_concurrent_start(void **state)
{
  enum { N = 8 };
  char schema[32], url[512], want[16];
  pthread_barrier_t go;
  pthread_t th[N];
  struct racer x[N];
  int i;

  fresh(state, schema, url);
  pthread_barrier_init(&go, NULL, N);
  for (i = 0; i < N; i++) {
    memset(&x[i], 0, sizeof(x[i]));
    x[i].url = url;
    x[i].go = &go;
    x[i].key = (uint64_t)i + 1;
    assert_int_equal(pthread_create(&th[i], NULL, race, &x[i]), 0);
  }
  for (i = 0; i < N; i++) {
    pthread_join(th[i], NULL);
    if (x[i].r)
      fail_msg("replica %d: %s", i, x[i].msg);
  }
  pthread_barrier_destroy(&go);
  snprintf(want, sizeof(want), "%d", STORE_SCHEMA_VERSION);
  sql(state, schema, "SELECT count(*) FROM tokmeter_schema", want);
  sql(state, schema,
      "SELECT count(*) || ' ' || count(DISTINCT seq) || ' ' || max(seq) "
      "FROM events",
      "8 8 8");
  sql(state, schema, "SELECT v FROM meta WHERE k = 'seq'", "8");
}

/* Strings PostgreSQL text cannot hold as they are: kept exactly. */
static void test_odd_strings(void **state)
{
  char schema[32], url[512];
  struct store *s = NULL;
  struct err e = ERR_INIT;
  struct strtab st, out;
  struct store_rows r;
  struct event a;

  fresh(state, schema, url);
  assert_int_equal(store_open(&s, url, &e), 0);
  strtab_init(&st);
  strtab_init(&out);
  one_event(&a, &st, 1);
  a.session = strtab_intern(&st, "s\0\1", 3);
  a.file = strtab_intern(&st, "/p/\xff\xfe.jsonl", 11);
  a.cwd = strtab_intern(&st, "/home/\xc3\xa9", 8);
  event_set_uuid(&a, &st, "not\0a-uuid", 10);
  assert_int_equal(store_put(s, &a, 1, &st, NULL, STORE_MERGE, NULL, &e), 0);
  sql(state, schema,
      "SELECT encode(convert_to(session || '|' || file || '|' || cwd, 'UTF8'), "
      "'hex') FROM events",
      "7301010102"
      "7c2f702f01c7bf01c7be2e6a736f6e6c"
      "7c2f686f6d652fc3a9");
  store_rows_init(&r, &out);
  assert_int_equal(store_since(s, 0, &r, &e), 0);
  assert_int_equal(r.n, 1);
  assert_int_equal(strtab_len(&out, r.ev[0].session), 3);
  assert_memory_equal(strtab_get(&out, r.ev[0].session), "s\0\1", 3);
  assert_int_equal(strtab_len(&out, r.ev[0].file), 11);
  assert_memory_equal(strtab_get(&out, r.ev[0].file), "/p/\xff\xfe.jsonl", 11);
  assert_string_equal(strtab_get(&out, r.ev[0].cwd), "/home/\xc3\xa9");
  assert_int_equal(store_view_fp(&r.ev[0], &out, NULL),
                   store_view_fp(&a, &st, NULL));
  /* the same copy again: equal, nothing written */
  {
    size_t w = 9;

    assert_int_equal(store_put(s, &a, 1, &st, NULL, STORE_REPLACE, &w, &e), 0);
    assert_int_equal(w, 0);
  }
  store_rows_release(&r);
  store_close(s);
  strtab_release(&out);
  strtab_release(&st);
}

/* A write that fails half-way leaves nothing; the store goes on. */
static void test_rollback(void **state)
{
  char schema[32], url[512];
  struct store *s = NULL;
  struct err e = ERR_INIT;
  struct strtab st;
  struct event *ev;
  uint64_t keys[2] = {1, 0};
  size_t i, n = 1500, rows, w = 7, d = 7;
  int64_t seq;

  fresh(state, schema, url);
  assert_int_equal(store_open(&s, url, &e), 0);
  strtab_init(&st);
  ev = xcalloc(n, sizeof(*ev));
  for (i = 0; i < n; i++)
    one_event(&ev[i], &st, i + 1);
  assert_int_equal(store_put(s, ev, 10, &st, NULL, STORE_MERGE, NULL, &e), 0);
  /* a row the server refuses, in the second round trip's chunk */
  sql(state, schema,
      "CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
      "IF NEW.k0 = 1000 THEN RAISE EXCEPTION 'no row 1000'; END IF; RETURN "
      "NEW; END $$; CREATE TRIGGER boom BEFORE INSERT ON events FOR EACH ROW "
      "EXECUTE FUNCTION boom()",
      NULL);
  assert_int_equal(
      storetest_apply(s, ev, n, &st, STORE_REPLACE, keys, 1, &w, &d, &e),
      ERR_IO);
  assert_int_equal(w, 0);
  assert_int_equal(d, 0);
  assert_non_null(strstr(e.msg, "cannot write: no row 1000"));
  assert_non_null(strstr(e.msg, schema));
  assert_int_equal(store_count(s, &rows, &seq, &e), 0);
  assert_int_equal(rows, 10);
  assert_int_equal(seq, 1);
  sql(state, schema, "DROP TRIGGER boom ON events", NULL);
  assert_int_equal(
      storetest_apply(s, ev, n, &st, STORE_MERGE, keys, 1, &w, &d, &e), 0);
  assert_int_equal(w, n - 10);
  assert_int_equal(d, 1);
  assert_int_equal(store_count(s, &rows, &seq, &e), 0);
  assert_int_equal(rows, n - 1);
  assert_int_equal(seq, 2);
  store_close(s);
  free(ev);
  strtab_release(&st);
}

/* Ends the store's connection, and waits until the server has. */
static void gone(void **state)
{
  char out[32] = "";
  int i;

  sql(state, NULL,
      "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
      "WHERE application_name = 'tokmeter'",
      "1");
  for (i = 0; i < 500 && strcmp(out, "0") != 0; i++) {
    if (i)
      usleep(10000);
    pgtest_sql(*state, NULL,
               "SELECT count(*) FROM pg_stat_activity WHERE "
               "application_name = 'tokmeter'",
               out, sizeof(out));
  }
  assert_string_equal(out, "0");
}

/* The server drops the connection: that call fails, the next connects
 * again. */
static void test_reconnect(void **state)
{
  char schema[32], url[512];
  struct store *s = NULL;
  struct err e = ERR_INIT;
  struct strtab st;
  struct event a;
  size_t rows = 0;
  int64_t seq = 0;
  int round;

  fresh(state, schema, url);
  assert_int_equal(store_open(&s, url, &e), 0);
  strtab_init(&st);
  for (round = 0; round < 2; round++) {
    one_event(&a, &st, 1 + (uint64_t)round);
    gone(state);
    e.code = 0;
    if (round == 0)
      assert_int_equal(store_count(s, &rows, &seq, &e), ERR_IO);
    else
      assert_int_equal(store_put(s, &a, 1, &st, NULL, STORE_MERGE, NULL, &e),
                       ERR_IO);
    assert_non_null(strstr(e.msg, schema));
    assert_null(strchr(e.msg, '\n'));
    assert_int_equal(store_put(s, &a, 1, &st, NULL, STORE_MERGE, NULL, &e), 0);
  }
  assert_int_equal(store_count(s, &rows, &seq, &e), 0);
  assert_int_equal(rows, 2);
  assert_int_equal(seq, 2);
  store_close(s);
  strtab_release(&st);
}

/* Two writers on one store: each sees the other's rows, seqs in order. */
static void test_two_writers(void **state)
{
  char schema[32], url[512];
  struct store *s[2] = {NULL, NULL};
  struct err e = ERR_INIT;
  struct strtab st, out;
  struct store_rows r;
  struct event a;
  int i;

  fresh(state, schema, url);
  strtab_init(&st);
  strtab_init(&out);
  assert_int_equal(store_open(&s[0], url, &e), 0);
  assert_int_equal(store_open(&s[1], url, &e), 0);
  for (i = 0; i < 10; i++) {
    one_event(&a, &st, (uint64_t)i + 1);
    assert_int_equal(
        store_put(s[i % 2], &a, 1, &st, NULL, STORE_MERGE, NULL, &e), 0);
  }
  store_rows_init(&r, &out);
  assert_int_equal(store_since(s[0], 4, &r, &e), 0);
  assert_int_equal(r.n, 6);
  assert_int_equal(r.seq, 10);
  for (i = 0; i < 6; i++)
    assert_int_equal(r.ev[i].key[0], (uint64_t)i + 5);
  store_rows_release(&r);
  store_close(s[0]);
  store_close(s[1]);
  strtab_release(&out);
  strtab_release(&st);
}

int main(void)
{
  const struct CMUnitTest offline[] = {
      cmocka_unit_test(test_mask),
      cmocka_unit_test(test_connect_error),
      cmocka_unit_test(test_text_escapes),
      cmocka_unit_test(test_text_order),
  };
  struct pgtest server;
  const struct CMUnitTest online[] = {
      cmocka_unit_test_prestate(test_versions, &server),
      cmocka_unit_test_prestate(test_foreign, &server),
      cmocka_unit_test_prestate(test_encoding, &server),
      cmocka_unit_test_prestate(test_concurrent_start, &server),
      cmocka_unit_test_prestate(test_odd_strings, &server),
      cmocka_unit_test_prestate(test_rollback, &server),
      cmocka_unit_test_prestate(test_reconnect, &server),
      cmocka_unit_test_prestate(test_two_writers, &server),
  };
  char why[512];
  int failed =
      cmocka_run_group_tests_name("pg without a server", offline, NULL, NULL);
  int r = pgtest_start(&server, why, sizeof(why));

  if (r) {
    printf("[ %s ] postgres: %s\n", r == PGTEST_SKIP ? "SKIPPED " : " FAILED ",
           why);
    return failed ? failed : r == PGTEST_SKIP ? PGTEST_SKIP : 1;
  }
  failed += cmocka_run_group_tests_name("pg on a server", online, NULL, NULL);
  pgtest_stop(&server);
  return failed;
}
