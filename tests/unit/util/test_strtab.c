/* Tests for src/util/strtab.c: interning, lookup and the arena's size. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "util/strtab.h"

static void test_intern_find(void **state)
{
  struct strtab t;
  char s[32];
  uint32_t ids[2000];
  int i;

  (void)state;
  strtab_init(&t);
  assert_int_equal(strtab_intern(&t, "a", 1), 1);
  assert_int_equal(strtab_intern(&t, "a", 1), 1);
  assert_int_equal(strtab_find(&t, "b", 1), 0);
  for (i = 0; i < 2000; i++) {
    snprintf(s, sizeof(s), "string-%d", i);
    ids[i] = strtab_intern(&t, s, strlen(s));
  }
  for (i = 0; i < 2000; i++) {
    snprintf(s, sizeof(s), "string-%d", i);
    assert_int_equal(strtab_find(&t, s, strlen(s)), ids[i]);
    assert_string_equal(strtab_get(&t, ids[i]), s);
    assert_int_equal(strtab_len(&t, ids[i]), strlen(s));
  }
  assert_int_equal(t.n, 2002);
  strtab_release(&t);
}

/* Tables with a few short strings (one per cached transcript) take
 * little room; large ones still get big blocks; a string longer than any
 * block gets its own. */
static void test_arena_grows(void **state)
{
  struct strtab t;
  char big[100000];
  char s[32];
  int i;

  (void)state;
  strtab_init(&t);
  strtab_intern(&t, "Read", 4);
  assert_true(t.arena_cap <= 1024);
  for (i = 0; i < 20000; i++) {
    snprintf(s, sizeof(s), "tool-%d", i);
    strtab_intern(&t, s, strlen(s));
  }
  assert_int_equal(t.arena_cap, 64 * 1024);
  memset(big, 'x', sizeof(big));
  i = (int)strtab_intern(&t, big, sizeof(big));
  assert_int_equal(strtab_len(&t, (uint32_t)i), sizeof(big));
  assert_int_equal(strtab_get(&t, (uint32_t)i)[sizeof(big)], '\0');
  assert_int_equal(strtab_find(&t, "Read", 4), 1);
  strtab_release(&t);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_intern_find),
      cmocka_unit_test(test_arena_grows),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
