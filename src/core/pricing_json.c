/* JSON prices documents -> struct price, shared with tools/gen_prices.c. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/pricing_json.h"
#include "util/banned.h"

enum {
  F_INPUT,
  F_OUTPUT,
  F_CW5,
  F_CW1H,
  F_CR,
  F_IN200,
  F_OUT200,
  F_CW5_200,
  F_CW1H_200,
  F_CR200,
  F_FAST,
  F_COUNT
};

/* JSON keys, indexed by the enum above. */
static const char *const price_fields[F_COUNT] = {
    "input",
    "output",
    "cache_write_5m",
    "cache_write_1h",
    "cache_read",
    "input_above_200k",
    "output_above_200k",
    "cache_write_5m_above_200k",
    "cache_write_1h_above_200k",
    "cache_read_above_200k",
    "fast_multiplier",
};

#define BIT(f) (1u << (f))
#define TIER_BITS                                                              \
  (BIT(F_IN200) | BIT(F_OUT200) | BIT(F_CW5_200) | BIT(F_CW1H_200) |           \
   BIT(F_CR200))

static double *field_ptr(struct price *p, int f)
{
  switch (f) {
  case F_INPUT:
    return &p->input;
  case F_OUTPUT:
    return &p->output;
  case F_CW5:
    return &p->cache_write_5m;
  case F_CW1H:
    return &p->cache_write_1h;
  case F_CR:
    return &p->cache_read;
  case F_IN200:
    return &p->input_200k;
  case F_OUT200:
    return &p->output_200k;
  case F_CW5_200:
    return &p->cache_write_5m_200k;
  case F_CW1H_200:
    return &p->cache_write_1h_200k;
  case F_CR200:
    return &p->cache_read_200k;
  default:
    return &p->fast_multiplier;
  }
}

static int field_find(const char *key)
{
  int f;

  for (f = 0; f < F_COUNT; f++)
    if (!strcmp(price_fields[f], key))
      return f;
  return -1;
}

__attribute__((format(printf, 4, 5))) static int
entry_error(struct err *e, const char *origin, const char *model,
            const char *fmt, ...)
{
  char what[160];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(what, sizeof(what), fmt, ap);
  va_end(ap);
  return err_set(e, ERR_PARSE, "invalid prices in '%s': model '%s': %s", origin,
                 model, what);
}

static int is_date(const char *s)
{
  int i, month, day;

  if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
    return 0;
  for (i = 0; i < 10; i++)
    if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
      return 0;
  month = (s[5] - '0') * 10 + (s[6] - '0');
  day = (s[8] - '0') * 10 + (s[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/* Reads an optional top-level string member into *out. */
static int doc_string(json_t *root, const char *key, const char **out,
                      const char *origin, struct err *e)
{
  json_t *v = json_object_get(root, key);

  *out = NULL;
  if (!v)
    return 0;
  if (!json_is_string(v))
    return err_set(e, ERR_PARSE, "invalid prices in '%s': '%s' is not a string",
                   origin, key);
  *out = json_string_value(v);
  return 0;
}

static int doc_check(struct price_doc *d, const char *origin, struct err *e)
{
  static const char *const known[] = {"schema", "source", "retrieved", "note",
                                      "models"};
  const char *key;
  json_t *v;
  size_t i;
  int rc;

  if (!json_is_object(d->root))
    return err_set(e, ERR_PARSE,
                   "invalid prices in '%s': top level is not an object",
                   origin);
  json_object_foreach(d->root, key, v)
  {
    for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
      if (!strcmp(key, known[i]))
        break;
    if (i == sizeof(known) / sizeof(known[0]))
      return err_set(e, ERR_PARSE,
                     "invalid prices in '%s': unknown top-level field '%s'",
                     origin, key);
  }
  d->models = json_object_get(d->root, "models");
  if (!json_is_object(d->models))
    return err_set(e, ERR_PARSE,
                   "invalid prices in '%s': 'models' is missing or not an "
                   "object",
                   origin);
  if ((rc = doc_string(d->root, "source", &d->source, origin, e)) ||
      (rc = doc_string(d->root, "retrieved", &d->retrieved, origin, e)))
    return rc;
  if (d->retrieved && !is_date(d->retrieved))
    return err_set(e, ERR_PARSE,
                   "invalid prices in '%s': 'retrieved' is not a YYYY-MM-DD "
                   "date",
                   origin);
  return 0;
}

int price_doc_parse(struct price_doc *d, const char *text, size_t len,
                    const char *origin, struct err *e)
{
  json_error_t jerr;
  int rc;

  memset(d, 0, sizeof(*d));
  d->root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
  if (!d->root)
    return err_set(e, ERR_PARSE, "cannot parse '%s': line %d column %d: %s",
                   origin, jerr.line, jerr.column, jerr.text);
  rc = doc_check(d, origin, e);
  if (rc)
    price_doc_release(d);
  return rc;
}

void price_doc_release(struct price_doc *d)
{
  json_decref(d->root);
  memset(d, 0, sizeof(*d));
}

int price_name_check(const char *origin, const char *model, struct err *e)
{
  size_t i, n = strlen(model);

  for (i = 0; i < n; i++)
    if (model[i] <= ' ' || model[i] > '~')
      break;
  if (n == 0 || n > PRICE_NAME_MAX || i < n)
    return err_set(e, ERR_PARSE,
                   "invalid prices in '%s': a model name is empty, longer "
                   "than %d bytes or not printable ASCII without spaces",
                   origin, PRICE_NAME_MAX);
  return 0;
}

/* Stores one numeric member after checking its range. */
static int entry_number(const char *origin, const char *model, int f, json_t *v,
                        struct price *p, struct err *e)
{
  const char *name = price_fields[f];
  double x;

  if (!json_is_number(v))
    return entry_error(e, origin, model, "field '%s' is not a number", name);
  x = json_number_value(v);
  if (!isfinite(x))
    return entry_error(e, origin, model, "field '%s' is not finite", name);
  if (f == F_FAST && x <= 0)
    return entry_error(e, origin, model, "field '%s' must be above 0", name);
  if (x < 0)
    return entry_error(e, origin, model, "field '%s' is negative (%g)", name,
                       x);
  if (f != F_FAST && x > PRICE_MAX_PER_TOKEN)
    return entry_error(e, origin, model,
                       "field '%s' is %g, above %g USD per token (prices are "
                       "per token, not per million)",
                       name, x, PRICE_MAX_PER_TOKEN);
  *field_ptr(p, f) = x;
  return 0;
}

/* Fills the fields a new model or a new long-context tier left out. */
static void entry_defaults(struct price *p, unsigned seen, int new_model,
                           int new_tier)
{
  if (new_model) {
    if (!(seen & BIT(F_CW5)))
      p->cache_write_5m = 1.25 * p->input;
    if (!(seen & BIT(F_CW1H)))
      p->cache_write_1h = 2 * p->input;
    if (!(seen & BIT(F_CR)))
      p->cache_read = 0.1 * p->input;
    if (!(seen & BIT(F_FAST)))
      p->fast_multiplier = 1;
  }
  if (new_tier) {
    if (!(seen & BIT(F_CW5_200)))
      p->cache_write_5m_200k = 1.25 * p->input_200k;
    if (!(seen & BIT(F_CW1H_200)))
      p->cache_write_1h_200k = 2 * p->input_200k;
    if (!(seen & BIT(F_CR200)))
      p->cache_read_200k = 0.1 * p->input_200k;
    p->flags |= PRICE_HAS_200K;
  }
}

int price_entry_parse(const char *origin, const char *model, json_t *obj,
                      const struct price *base, struct price *out,
                      struct err *e)
{
  static const int required[] = {F_INPUT, F_OUTPUT, F_IN200, F_OUT200};
  struct price p;
  unsigned seen = 0, need = 0;
  const char *key;
  json_t *v;
  size_t i;
  int f, rc, new_tier;

  if (!json_is_object(obj))
    return entry_error(e, origin, model, "entry is not an object");
  if (base) {
    p = *base;
  } else {
    memset(&p, 0, sizeof(p));
  }
  json_object_foreach(obj, key, v)
  {
    if (!strcmp(key, "note") || !strcmp(key, "source")) {
      if (!json_is_string(v))
        return entry_error(e, origin, model, "field '%s' is not a string", key);
      continue;
    }
    f = field_find(key);
    if (f < 0)
      return entry_error(e, origin, model, "unknown field '%s'", key);
    if ((rc = entry_number(origin, model, f, v, &p, e)))
      return rc;
    seen |= BIT(f);
  }
  new_tier = !(p.flags & PRICE_HAS_200K) && (seen & TIER_BITS);
  if (!base)
    need |= BIT(F_INPUT) | BIT(F_OUTPUT);
  if (new_tier)
    need |= BIT(F_IN200) | BIT(F_OUT200);
  for (i = 0; i < sizeof(required) / sizeof(required[0]); i++)
    if ((need & BIT(required[i])) && !(seen & BIT(required[i])))
      return entry_error(e, origin, model, "missing field '%s'",
                         price_fields[required[i]]);
  entry_defaults(&p, seen, !base, new_tier);
  *out = p;
  return 0;
}
