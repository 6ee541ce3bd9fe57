/* JSON prices documents -> struct price, shared with tools/gen_prices.c. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_CORE_PRICING_JSON_H
#define TOKMETER_CORE_PRICING_JSON_H

#include <stddef.h>

#include <jansson.h>

/* tools/gen_prices.c is built with this file too, so the build-time table
 * and the runtime override loader parse and validate with the same code. */
#include "core/pricing.h"
#include "util/err.h"

/* Limits on a model key: printable ASCII without spaces, 1 to this long. */
#define PRICE_NAME_MAX 200
/* A per-token price above this is rejected (someone wrote USD per MTok). */
#define PRICE_MAX_PER_TOKEN 0.01

/*
 * A parsed prices document (the schema is in docs/internals/pricing.md).
 * root is owned (price_doc_release() drops it); the other members borrow
 * from it and are NULL when the document lacks them.
 */
struct price_doc {
  json_t *root;
  json_t *models;        /* the "models" object (always set on success) */
  const char *source;    /* "source" string */
  const char *retrieved; /* "retrieved" string, checked to be YYYY-MM-DD */
};

/*
 * Parses text and checks the top level: an object with a "models" object
 * and only the keys schema, source, retrieved, note and models. Duplicate
 * keys anywhere are rejected. Syntax errors name origin, line and column.
 */
int price_doc_parse(struct price_doc *d, const char *text, size_t len,
                    const char *origin, struct err *e);
void price_doc_release(struct price_doc *d);

/* Checks a model key against the PRICE_NAME_MAX rule. */
int price_name_check(const char *origin, const char *model, struct err *e);

/*
 * Fills *out from the entry `obj` of model `model`. With base == NULL this
 * is a new model: input and output are required and missing cache prices
 * take their defaults. Otherwise *out starts as *base and only the given
 * fields change. Every price must be a finite number in [0, 0.01]; a
 * long-context tier needs input_above_200k and output_above_200k. out->model
 * is base->model or NULL. Errors name origin, model and field.
 */
int price_entry_parse(const char *origin, const char *model, json_t *obj,
                      const struct price *base, struct price *out,
                      struct err *e);

#endif
