/* Token counts and the parsed form of one usage-bearing transcript line. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_CORE_USAGE_H
#define TOKMETER_CORE_USAGE_H

#include <stddef.h>
#include <stdint.h>

/* Token counts of one API call (or a sum of calls). */
struct tokens {
  uint64_t input;          /* uncached input */
  uint64_t output;         /* output, thinking included */
  uint64_t cache_write_5m; /* cache writes with the 5-minute TTL */
  uint64_t cache_write_1h; /* cache writes with the 1-hour TTL */
  uint64_t cache_read;
};

/* input + output + both cache writes + cache read (ccusage's "total"). */
uint64_t tokens_total(const struct tokens *t);
uint64_t tokens_cache_write(const struct tokens *t);
/* input + cache writes + cache read: the request's context size. */
uint64_t tokens_context(const struct tokens *t);
void tokens_add(struct tokens *sum, const struct tokens *t);
/* sum -= t, field by field (t must be part of sum). */
void tokens_sub(struct tokens *sum, const struct tokens *t);

/* A borrowed byte range; p == NULL means "absent". */
struct span {
  const char *p;
  size_t n;
};

enum usage_flag {
  USAGE_SIDECHAIN = 1 << 0, /* isSidechain is JSON true */
  USAGE_FAST = 1 << 1,      /* usage.speed == "fast" */
  USAGE_HAS_COST = 1 << 2,  /* costUSD present (number) */
  USAGE_API_ERROR = 1 << 3, /* isApiErrorMessage is JSON true */
  USAGE_NESTED = 1 << 4,    /* read from a progress record's data.message */
  USAGE_HAS_SPEED = 1 << 5  /* usage.speed present ("standard" or "fast") */
};

/*
 * One candidate usage record, as the line parsers produce it (the fast one
 * in source/line.c and the jansson reference used by the tests). Strings are
 * JSON-decoded; they point into the line or into the parser's scratch and
 * are valid until the next parse with the same parser. Field rules are in
 * docs/internals/parser.md.
 */
struct usage_rec {
  struct span msg_id;     /* message.id */
  struct span req_id;     /* requestId */
  struct span uuid;       /* uuid of the record */
  struct span session_id; /* sessionId (outer record's for nested usage) */
  struct span model;      /* message.model */
  struct span cwd;        /* cwd (outer record's for nested usage) */
  int64_t ts_ms;          /* timestamp, UTC milliseconds since the epoch */
  struct tokens tok;      /* cache writes split per the cache_creation rule */
  uint64_t web_search;    /* usage.server_tool_use.web_search_requests */
  double cost_usd;        /* costUSD when USAGE_HAS_COST */
  int64_t limit_reset;    /* unix seconds of "usage limit reached|N", or 0 */
  unsigned flags;         /* enum usage_flag */
};

/* Result of parsing one line. */
enum line_status {
  LINE_EVENT = 0,     /* a usage record was produced */
  LINE_NO_USAGE = 1,  /* well-formed JSON (or filtered out) with no usage */
  LINE_MALFORMED = 2, /* not valid JSON */
  LINE_BAD_UTF8 = 3   /* invalid UTF-8 inside a JSON string */
};

#endif
