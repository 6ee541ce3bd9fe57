/* IP addresses and CIDR ranges (netaddr.h). */
/* SPDX-License-Identifier: MIT */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/netaddr.h"
#include "util/banned.h"

/* An address as 16 bytes (IPv4 as ::ffff:a.b.c.d) and the prefix length
 * it is written with (128, or 96 + n for IPv4 /n). */
static int parse(const char *s, size_t n, unsigned char out[16], int *bits)
{
  char txt[64], *slash;
  struct in_addr v4;
  long b = -1;
  int is4;

  if (!n || n >= sizeof(txt))
    return -1;
  memcpy(txt, s, n);
  txt[n] = '\0';
  if ((slash = strchr(txt, '/')) != NULL) {
    char *end;

    *slash = '\0';
    b = strtol(slash + 1, &end, 10);
    if (*end || end == slash + 1)
      return -1;
  }
  is4 = inet_pton(AF_INET, txt, &v4) == 1;
  if (is4) {
    memset(out, 0, 10);
    out[10] = out[11] = 0xff;
    memcpy(out + 12, &v4, 4);
    if (b > 32)
      return -1;
    *bits = b < 0 ? 128 : 96 + (int)b;
    return 0;
  }
  if (inet_pton(AF_INET6, txt, out) != 1 || b > 128)
    return -1;
  *bits = b < 0 ? 128 : (int)b;
  return 0;
}

int netaddr_cidr_check(const char *cidr, struct err *e)
{
  unsigned char a[16];
  int bits;

  return parse(cidr, strlen(cidr), a, &bits)
             ? err_set(e, ERR_USAGE,
                       "invalid address range '%s' (expected 10.0.0.0/8, "
                       "::1/128 or an address)",
                       cidr)
             : 0;
}

static int within(const unsigned char ip[16], const unsigned char net[16],
                  int bits)
{
  int full = bits / 8, rest = bits % 8;

  if (memcmp(ip, net, (size_t)full) != 0)
    return 0;
  return !rest || ((ip[full] ^ net[full]) & (0xff << (8 - rest))) == 0;
}

int netaddr_in(const char *ip, const char *cidrs)
{
  unsigned char a[16], net[16];
  const char *p = cidrs;
  int bits;

  if (!ip || !cidrs || parse(ip, strlen(ip), a, &bits))
    return 0;
  while (*p) {
    size_t n = strcspn(p, ",");
    const char *q = p;
    size_t m = n;

    while (m && *q == ' ')
      q++, m--;
    while (m && q[m - 1] == ' ')
      m--;
    if (!parse(q, m, net, &bits) && within(a, net, bits))
      return 1;
    p += n + (p[n] == ',');
  }
  return 0;
}

void netaddr_client(const char *peer, const char *xff, const char *trusted,
                    char *out, size_t n)
{
  const char *end;

  snprintf(out, n, "%s", peer ? peer : "");
  if (!xff || !trusted || !netaddr_in(peer, trusted))
    return;
  /* From the right: the proxies we trust append; the first address
   * that is not one of them is the client. */
  end = xff + strlen(xff);
  while (end > xff) {
    const char *start = end;
    char ip[64];
    size_t k;

    while (start > xff && start[-1] != ',')
      start--;
    while (start < end && *start == ' ')
      start++;
    k = (size_t)(end - start);
    while (k && start[k - 1] == ' ')
      k--;
    if (k && k < sizeof(ip)) {
      memcpy(ip, start, k);
      ip[k] = '\0';
      if (!netaddr_in(ip, trusted)) {
        snprintf(out, n, "%s", ip);
        return;
      }
    }
    end = start > xff ? start - 1 : xff;
  }
}
