/* Tests for src/source/prices_file.c. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/pricing.h"
#include "source/prices_file.h"
#include "util/buf.h"
#include "util/err.h"

static const char good[] =
    "{\"models\": {\"claude-opus-4-5\": {\"output\": 3e-05}}}\n";

struct fixture {
  char dir[64];
  struct buf paths[12]; /* files and directories to remove, in order */
  size_t n;
};

/* Returns dir/rel, removed in teardown (in reverse order). */
static const char *track(struct fixture *fx, const char *rel)
{
  struct buf *b;

  assert_true(fx->n < sizeof(fx->paths) / sizeof(fx->paths[0]));
  b = &fx->paths[fx->n++];
  buf_init(b, 0);
  buf_addf(b, "%s/%s", fx->dir, rel);
  return b->data;
}

static const char *make_dir(struct fixture *fx, const char *rel)
{
  const char *p = track(fx, rel);

  assert_int_equal(mkdir(p, 0700), 0);
  return p;
}

static const char *make_file(struct fixture *fx, const char *rel,
                             const char *text)
{
  const char *p = track(fx, rel);
  FILE *f = fopen(p, "w");

  assert_non_null(f);
  fputs(text, f);
  assert_int_equal(fclose(f), 0);
  return p;
}

static int setup(void **state)
{
  struct fixture *fx = calloc(1, sizeof(*fx));

  if (!fx)
    return -1;
  memcpy(fx->dir, "/tmp/tokmeter-prices-XXXXXX", 28);
  if (!mkdtemp(fx->dir)) {
    free(fx);
    return -1;
  }
  unsetenv("XDG_CONFIG_HOME");
  unsetenv("HOME");
  *state = fx;
  return 0;
}

static int teardown(void **state)
{
  struct fixture *fx = *state;

  while (fx->n > 0) {
    fx->n--;
    remove(fx->paths[fx->n].data);
    buf_release(&fx->paths[fx->n]);
  }
  rmdir(fx->dir);
  free(fx);
  return 0;
}

static double opus_output(const struct price_table *t)
{
  return price_table_find(t, "claude-opus-4-5")->output;
}

static void test_explicit_path(void **state)
{
  struct fixture *fx = *state;
  struct price_table t;
  struct err e = ERR_INIT;

  price_table_init(&t);
  assert_int_equal(prices_load_user(&t, make_file(fx, "p.json", good), &e), 0);
  assert_true(opus_output(&t) == 3e-05);
  price_table_release(&t);
}

static void test_missing_file_is_no_error(void **state)
{
  struct fixture *fx = *state;
  struct price_table t;
  struct err e = ERR_INIT;
  struct buf path = BUF_INIT;

  price_table_init(&t);
  buf_addf(&path, "%s/absent.json", fx->dir);
  /* A file the user named must exist. */
  assert_int_equal(prices_load_user(&t, path.data, &e), ERR_NOTFOUND);
  assert_non_null(strstr(e.msg, "absent.json"));
  assert_int_equal(t.n, price_builtin_n);
  assert_true(opus_output(&t) == 2.5e-05);
  /* No HOME and no XDG_CONFIG_HOME: nothing to read. */
  assert_int_equal(prices_load_user(&t, NULL, &e), 0);
  assert_true(opus_output(&t) == 2.5e-05);
  buf_release(&path);
  price_table_release(&t);
}

static void test_default_paths(void **state)
{
  struct fixture *fx = *state;
  struct price_table t;
  struct err e = ERR_INIT;
  struct buf want = BUF_INIT, got = BUF_INIT;
  const char *xdg, *home;

  assert_int_equal(prices_default_path(&got), ERR_NOTFOUND);
  xdg = make_dir(fx, "xdg");
  make_dir(fx, "xdg/tokmeter");
  make_file(fx, "xdg/tokmeter/prices.json", good);
  home = make_dir(fx, "home");
  make_dir(fx, "home/.config");
  make_dir(fx, "home/.config/tokmeter");
  make_file(fx, "home/.config/tokmeter/prices.json",
            "{\"models\": {\"claude-opus-4-5\": {\"output\": 4e-05}}}");
  setenv("HOME", home, 1);
  setenv("XDG_CONFIG_HOME", xdg, 1);
  buf_addf(&want, "%s/tokmeter/prices.json", xdg);
  assert_int_equal(prices_default_path(&got), 0);
  assert_string_equal(got.data, want.data);
  price_table_init(&t);
  assert_int_equal(prices_load_user(&t, NULL, &e), 0);
  assert_true(opus_output(&t) == 3e-05);
  price_table_release(&t);

  /* A relative XDG_CONFIG_HOME is ignored (XDG spec): HOME's file. */
  setenv("XDG_CONFIG_HOME", "relative/dir", 1);
  buf_reset(&want);
  buf_reset(&got);
  buf_addf(&want, "%s/.config/tokmeter/prices.json", home);
  assert_int_equal(prices_default_path(&got), 0);
  assert_string_equal(got.data, want.data);
  price_table_init(&t);
  assert_int_equal(prices_load_user(&t, NULL, &e), 0);
  assert_true(opus_output(&t) == 4e-05);
  price_table_release(&t);
  unsetenv("XDG_CONFIG_HOME");
  unsetenv("HOME");
  buf_release(&want);
  buf_release(&got);
}

static void test_malformed_names_file_and_line(void **state)
{
  struct fixture *fx = *state;
  struct price_table t;
  struct err e = ERR_INIT;
  const char *p;

  p = make_file(fx, "bad.json",
                "{\n  \"models\": {\n    \"x\": {\"input\": 1e-6,,}\n  }\n}\n");
  price_table_init(&t);
  assert_int_equal(prices_load_user(&t, p, &e), ERR_PARSE);
  assert_non_null(strstr(e.msg, p));
  assert_non_null(strstr(e.msg, "line 3"));
  assert_true(opus_output(&t) == 2.5e-05);
  price_table_release(&t);
}

static void test_invalid_names_file_model_field(void **state)
{
  struct fixture *fx = *state;
  struct price_table t;
  struct err e = ERR_INIT;
  const char *p;

  p = make_file(fx, "neg.json",
                "{\"models\": {\"claude-opus-4-5\": {\"output\": 3e-05},"
                " \"claude-haiku-4-5\": {\"input\": -1e-06}}}");
  price_table_init(&t);
  assert_int_equal(prices_load_user(&t, p, &e), ERR_PARSE);
  assert_non_null(strstr(e.msg, p));
  assert_non_null(strstr(e.msg, "model 'claude-haiku-4-5'"));
  assert_non_null(strstr(e.msg, "field 'input'"));
  assert_true(opus_output(&t) == 2.5e-05);
  price_table_release(&t);
}

static void test_unreadable_is_error(void **state)
{
  struct fixture *fx = *state;
  struct price_table t;
  struct err e = ERR_INIT;
  const char *p = make_dir(fx, "adir.json");

  price_table_init(&t);
  /* A directory (or a FIFO) is never opened for reading. */
  assert_int_equal(prices_load_user(&t, p, &e), ERR_NOTFOUND);
  assert_non_null(strstr(e.msg, "cannot read"));
  assert_non_null(strstr(e.msg, "not a regular file"));
  assert_non_null(strstr(e.msg, p));
  assert_int_equal(t.n, price_builtin_n);
  price_table_release(&t);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_explicit_path, setup, teardown),
      cmocka_unit_test_setup_teardown(test_missing_file_is_no_error, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_default_paths, setup, teardown),
      cmocka_unit_test_setup_teardown(test_malformed_names_file_and_line, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_invalid_names_file_model_field,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(test_unreadable_is_error, setup,
                                      teardown),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
