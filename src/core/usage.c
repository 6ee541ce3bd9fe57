/* Token count arithmetic. */
/* SPDX-License-Identifier: MIT */
#include "core/usage.h"
#include "util/banned.h"

uint64_t tokens_cache_write(const struct tokens *t)
{
  return t->cache_write_5m + t->cache_write_1h;
}

uint64_t tokens_context(const struct tokens *t)
{
  return t->input + tokens_cache_write(t) + t->cache_read;
}

uint64_t tokens_total(const struct tokens *t)
{
  return tokens_context(t) + t->output;
}

void tokens_sub(struct tokens *sum, const struct tokens *t)
{
  sum->input -= t->input;
  sum->output -= t->output;
  sum->cache_write_5m -= t->cache_write_5m;
  sum->cache_write_1h -= t->cache_write_1h;
  sum->cache_read -= t->cache_read;
}

void tokens_add(struct tokens *sum, const struct tokens *t)
{
  sum->input += t->input;
  sum->output += t->output;
  sum->cache_write_5m += t->cache_write_5m;
  sum->cache_write_1h += t->cache_write_1h;
  sum->cache_read += t->cache_read;
}
