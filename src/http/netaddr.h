/* IP addresses and CIDR ranges (who may set X-Forwarded-For). */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_HTTP_NETADDR_H
#define TOKMETER_HTTP_NETADDR_H

#include "util/err.h"

/* 0 when cidr ("10.0.0.0/8", "::1/128", or a bare address) parses. */
int netaddr_cidr_check(const char *cidr, struct err *e);

/* 1 when ip (text) is inside one of the comma-separated CIDR ranges. An
 * IPv4 address given as IPv4-mapped IPv6 matches IPv4 ranges. */
int netaddr_in(const char *ip, const char *cidrs);

/*
 * The client's address for logs and rate limits: peer, unless peer is in
 * `trusted` (CIDR list, may be NULL) and the request names one in
 * X-Forwarded-For (xff, may be NULL), whose last entry not in `trusted`
 * is then the client. Writes at most n bytes into out.
 */
void netaddr_client(const char *peer, const char *xff, const char *trusted,
                    char *out, size_t n);

#endif
