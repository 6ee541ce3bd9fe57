/* Model prices, model-name matching and the cost of one API call. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_CORE_PRICING_H
#define TOKMETER_CORE_PRICING_H

#include <stddef.h>

#include "core/usage.h"
#include "util/err.h"

/*
 * Prices are USD per token. The built-in table is generated at build time
 * from data/prices.json (tools/gen_prices.c) and embedded; a user file with
 * the same schema can add or change entries (price_table_load_json()). The
 * schema and the matching rules are in docs/internals/pricing.md.
 */

enum price_flag {
  PRICE_HAS_200K = 1 << 0 /* has long-context (>200k input) prices */
};

struct price {
  const char *model; /* table key, e.g. "claude-sonnet-4-5-20250929" */
  double input, output, cache_write_5m, cache_write_1h, cache_read;
  /*
   * Used for the whole request when its context exceeds 200,000 tokens.
   * All 0 when flags lacks PRICE_HAS_200K.
   */
  double input_200k, output_200k, cache_write_5m_200k, cache_write_1h_200k,
      cache_read_200k;
  double fast_multiplier; /* cost factor for usage.speed "fast"; 1 if none */
  unsigned flags;         /* enum price_flag */
};

/* The generated built-in table (gen/prices_data.c), sorted by model. */
extern const struct price price_builtin[];
extern const size_t price_builtin_n;
extern const char price_builtin_source[]; /* where the figures come from */
extern const char price_builtin_date[];   /* YYYY-MM-DD they were read */

/*
 * A table of prices sorted by model (strcmp order). A zeroed struct is a
 * valid empty table. The table owns v and every v[i].model string.
 */
struct price_table {
  struct price *v; /* owned; v[i].model strings owned too */
  size_t n, cap;
};

/* Fills t with a copy of the built-in table. */
void price_table_init(struct price_table *t);
/* Frees what t owns and leaves it an empty table. */
void price_table_release(struct price_table *t);

/*
 * Adds or replaces entries from a JSON document with data/prices.json's
 * schema. `origin` names the document in error messages ("prices.json").
 * A new model needs at least "input" and "output" (cache prices default to
 * 1.25x, 2x and 0.1x input); an entry for an existing model changes only
 * the fields it gives. On error t is unchanged and e names the model and
 * field. Pointers from price_lookup() are invalid after a successful call.
 */
int price_table_load_json(struct price_table *t, const char *text, size_t len,
                          const char *origin, struct err *e);

/* The entry whose key is exactly `model`, or NULL. Borrowed from t. */
const struct price *price_table_find(const struct price_table *t,
                                     const char *model);

/*
 * Finds the price for a model name as written in a transcript: exact key,
 * then normalised (version tails before region prefixes, provider
 * prefixes, bedrock/vertex ids, "[1m]", "-fast", date suffixes), then the
 * longest key found inside the name at name boundaries, or a key that is
 * the name plus only a date/version tail (so "opus" alone stays unpriced;
 * docs/internals/pricing.md has the rules).
 * Returns NULL when the model has no price (never a silent zero), for
 * "<synthetic>" and for "". The pointer is valid until t changes. Names
 * that need the fuzzy match cost a scan of the table: callers that price
 * many events should cache the result per model name.
 */
const struct price *price_lookup(const struct price_table *t,
                                 const char *model);

/*
 * Cost in USD of one API call: 5m and 1h cache writes at their own prices;
 * when tokens_context(tk) > 200,000 and the price has long-context rates,
 * every token of the call (output included) is priced at those rates;
 * `fast` multiplies by the model's fast multiplier.
 */
double price_cost(const struct price *p, const struct tokens *tk, int fast);

#endif
