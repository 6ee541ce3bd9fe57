/* Tests for src/http/netaddr.c and src/http/ratelimit.c. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "http/netaddr.h"
#include "http/ratelimit.h"

static void test_cidr(void **state)
{
  struct err e = ERR_INIT;

  (void)state;
  assert_true(netaddr_in("10.1.2.3", "10.0.0.0/8"));
  assert_false(netaddr_in("11.1.2.3", "10.0.0.0/8"));
  assert_true(netaddr_in("192.168.1.77", "172.16.0.0/12, 192.168.1.64/26"));
  assert_false(netaddr_in("192.168.1.128", "192.168.1.64/26"));
  assert_true(netaddr_in("::1", "::1/128"));
  assert_true(netaddr_in("2001:db8::5", "2001:db8::/32"));
  assert_false(netaddr_in("2001:db9::5", "2001:db8::/32"));
  assert_true(netaddr_in("::ffff:127.0.0.1", "127.0.0.0/8"));
  assert_true(netaddr_in("127.0.0.1", "127.0.0.1"));
  assert_false(netaddr_in("127.0.0.2", "127.0.0.1"));
  assert_false(netaddr_in("nonsense", "0.0.0.0/0"));
  assert_true(netaddr_in("8.8.8.8", "0.0.0.0/0"));
  assert_int_equal(netaddr_cidr_check("10.0.0.0/8", &e), 0);
  assert_int_equal(netaddr_cidr_check("10.0.0.0/33", &e), ERR_USAGE);
  assert_int_equal(netaddr_cidr_check("example.com", &e), ERR_USAGE);
}

static void test_client(void **state)
{
  char ip[64];

  (void)state;
  /* untrusted peer: its own address, whatever the header says */
  netaddr_client("198.51.100.1", "203.0.113.9", "10.0.0.0/8", ip, sizeof(ip));
  assert_string_equal(ip, "198.51.100.1");
  /* trusted proxies: the last address that is not one of them */
  netaddr_client("10.0.0.2", "1.2.3.4, 203.0.113.9, 10.0.0.7", "10.0.0.0/8", ip,
                 sizeof(ip));
  assert_string_equal(ip, "203.0.113.9");
  /* no header, or nothing trusted configured */
  netaddr_client("10.0.0.2", NULL, "10.0.0.0/8", ip, sizeof(ip));
  assert_string_equal(ip, "10.0.0.2");
  netaddr_client("10.0.0.2", "203.0.113.9", NULL, ip, sizeof(ip));
  assert_string_equal(ip, "10.0.0.2");
}

static void test_ratelimit(void **state)
{
  struct ratelimit r;
  int i;

  (void)state;
  ratelimit_init(&r, 60, 5); /* one a second, five at once */
  for (i = 0; i < 5; i++)
    assert_int_equal(ratelimit_take(&r, "a", 1000), 0);
  assert_int_equal(ratelimit_take(&r, "a", 1000), 1);
  assert_int_equal(ratelimit_take(&r, "b", 1000), 0); /* its own bucket */
  assert_int_equal(ratelimit_take(&r, "a", 2000), 0); /* one more a second */
  assert_int_not_equal(ratelimit_take(&r, "a", 2000), 0);
  assert_int_equal(ratelimit_take(&r, "a", 200000), 0); /* full again */
  ratelimit_release(&r);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_cidr),
      cmocka_unit_test(test_client),
      cmocka_unit_test(test_ratelimit),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
