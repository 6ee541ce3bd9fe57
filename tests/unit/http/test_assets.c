/* Tests for src/http/assets.c and the table tools/embed.c generates. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "http/assets.h"
#include "util/hash.h"

#define CHARTJS "/usr/share/javascript/chart.js/chart.min.js"

/* Reads a whole file (caller frees); fails the test when it cannot. */
static unsigned char *slurp(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  unsigned char *p;
  long n;

  assert_non_null(f);
  assert_int_equal(fseek(f, 0, SEEK_END), 0);
  n = ftell(f);
  assert_true(n >= 0);
  rewind(f);
  p = malloc((size_t)n + 1);
  assert_non_null(p);
  assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
  fclose(f);
  *len = (size_t)n;
  return p;
}

/* Asserts that the asset at url holds exactly the bytes of file. */
static void assert_same_bytes(const char *url, const char *file)
{
  const struct asset *a = asset_find(url);
  unsigned char *want;
  size_t len;

  assert_non_null(a);
  want = slurp(file, &len);
  assert_int_equal(a->len, len);
  assert_memory_equal(a->data, want, len);
  free(want);
}

static void assert_source_file(const char *url, const char *rel)
{
  const char *src = getenv("TOKMETER_SRC");
  char path[4096];

  assert_non_null(src);
  assert_true((size_t)snprintf(path, sizeof(path), "%s/%s", src, rel) <
              sizeof(path));
  assert_same_bytes(url, path);
}

static void test_root_is_index(void **state)
{
  const struct asset *root = asset_find("/");
  const struct asset *index = asset_find("/index.html");

  (void)state;
  assert_non_null(index);
  assert_ptr_equal(root, index);
  assert_string_equal(index->path, "/index.html");
  assert_string_equal(index->type, "text/html; charset=utf-8");
}

static void test_types_by_extension(void **state)
{
  (void)state;
  assert_string_equal(asset_find("/app.css")->type, "text/css; charset=utf-8");
  assert_string_equal(asset_find("/app.js")->type,
                      "application/javascript; charset=utf-8");
  assert_string_equal(asset_find("/vendor/chart.min.js")->type,
                      "application/javascript; charset=utf-8");
}

static void test_chartjs_embedded_whole(void **state)
{
  const struct asset *a = asset_find("/vendor/chart.min.js");

  (void)state;
  assert_non_null(a);
  assert_true(a->len > 100000);
  assert_memory_equal(a->data, "/*!\n * Chart.js v3.", 18);
  assert_same_bytes("/vendor/chart.min.js", CHARTJS);
}

static void test_web_files_match_source(void **state)
{
  const struct asset *a = asset_find("/index.html");

  (void)state;
  assert_source_file("/index.html", "web/index.html");
  assert_source_file("/app.css", "web/app.css");
  assert_source_file("/app.js", "web/app.js");
  assert_non_null(a);
  assert_memory_equal(a->data, "<!doctype html>", 15);
}

/* The ETag is the documented function of the bytes, so it is stable. */
static void test_etags_stable_and_distinct(void **state)
{
  char want[32];
  size_t i, j;

  (void)state;
  assert_true(nassets >= 4);
  for (i = 0; i < nassets; i++) {
    const struct asset *a = &assets[i];

    snprintf(want, sizeof(want), "\"%016" PRIx64 "\"",
             hash64(a->data, a->len, 0));
    assert_string_equal(a->etag, want);
    assert_int_equal(strlen(a->etag), 18);
    assert_ptr_equal(asset_find(a->path), a);
    for (j = 0; j < i; j++)
      assert_string_not_equal(a->etag, assets[j].etag);
  }
}

static void test_table_sorted_unique(void **state)
{
  size_t i;

  (void)state;
  for (i = 1; i < nassets; i++)
    assert_true(strcmp(assets[i - 1].path, assets[i].path) < 0);
  for (i = 0; i < nassets; i++)
    assert_int_equal(assets[i].path[0], '/');
}

static void test_unknown_is_null(void **state)
{
  (void)state;
  assert_null(asset_find("/nope.html"));
  assert_null(asset_find(""));
  assert_null(asset_find("index.html"));
  assert_null(asset_find("/INDEX.HTML"));
  assert_null(asset_find("/index.html?x=1"));
  assert_null(asset_find("/vendor/"));
  assert_null(asset_find("/vendor"));
  assert_null(asset_find("//"));
  assert_null(asset_find("/a"));
  assert_null(asset_find("/zzz"));
  assert_null(asset_find(NULL));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_root_is_index),
      cmocka_unit_test(test_types_by_extension),
      cmocka_unit_test(test_chartjs_embedded_whole),
      cmocka_unit_test(test_web_files_match_source),
      cmocka_unit_test(test_etags_stable_and_distinct),
      cmocka_unit_test(test_table_sorted_unique),
      cmocka_unit_test(test_unknown_is_null),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
