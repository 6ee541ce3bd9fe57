/* Query parameter parsing and validation shared by the API endpoints. */
/* SPDX-License-Identifier: MIT */
#include "http/params.h"

#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "source/tzfile.h"
#include "util/banned.h"

/* Bad values are quoted in messages up to this many bytes. */
#define QUOTE_MAX 64

static const char *get(const struct http_request *req, const char *name,
                       int *present)
{
  const char *v = http_request_query(req, name);

  if (present)
    *present = v != NULL;
  return v;
}

static int bad(struct err *e, const char *v, const char *why)
{
  size_t n = strlen(v);

  if (!n)
    return err_set(e, ERR_USAGE, "empty value: %s", why);
  return err_set(e, ERR_USAGE, "cannot parse '%.*s%s': %s",
                 (int)(n > QUOTE_MAX ? QUOTE_MAX : n), v,
                 n > QUOTE_MAX ? "..." : "", why);
}

int http_param_date(const struct http_request *req, const char *name,
                    int64_t *days, int *present, struct err *e)
{
  const char *v = get(req, name, present);

  if (!v)
    return 0;
  if (civil_parse_date(v, days))
    return bad(e, v, "expected YYYY-MM-DD or YYYYMMDD");
  return 0;
}

static int zone_name_ok(const char *v)
{
  const char *p;

  if (!v[0] || strlen(v) >= sizeof(((struct tz *)0)->name))
    return 0;
  for (p = v; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
          (*p >= '0' && *p <= '9') || strchr("/_+-", *p)))
      return 0;
  return v[0] != '/' && !strstr(v, "//");
}

int http_param_tz(const struct http_request *req, const char *name,
                  struct tz *tz, int *present, struct err *e)
{
  const char *v = get(req, name, present);
  struct err le = ERR_INIT;

  if (!v)
    return 0;
  if (!zone_name_ok(v)) {
    tz_init_utc(tz);
    return bad(e, v, "expected an IANA time zone name");
  }
  if (tz_load(tz, v, &le))
    return bad(e, v, "unknown time zone");
  return 0;
}

int http_param_str(const struct http_request *req, const char *name,
                   const char **out, int *present, struct err *e)
{
  const char *v = get(req, name, present);
  const unsigned char *p;

  if (!v)
    return 0;
  if (!v[0])
    return bad(e, v, "expected a non-empty string");
  if (strlen(v) > HTTP_PARAM_STR_MAX)
    return err_set(e, ERR_USAGE, "value longer than %d bytes",
                   HTTP_PARAM_STR_MAX);
  for (p = (const unsigned char *)v; *p; p++)
    if (*p < 0x20 || *p == 0x7f)
      return err_set(e, ERR_USAGE, "value holds a control character");
  *out = v;
  return 0;
}

int http_param_limit(const struct http_request *req, const char *name, long max,
                     long *out, int *present, struct err *e)
{
  const char *v = get(req, name, present), *p;
  long n = 0;

  if (!v)
    return 0;
  if (!v[0])
    return bad(e, v, "expected a positive integer");
  for (p = v; *p; p++)
    if (*p < '0' || *p > '9')
      return bad(e, v, "expected a positive integer");
  for (p = v; *p; p++) {
    if (n > (max - (*p - '0')) / 10) {
      n = -1; /* would pass max: stop before it can overflow */
      break;
    }
    n = n * 10 + (*p - '0');
  }
  if (n < 1 || n > max)
    return err_set(e, ERR_USAGE, "'%.*s' is out of range 1..%ld", QUOTE_MAX, v,
                   max);
  *out = n;
  return 0;
}

void http_params_init(struct http_params *p)
{
  memset(p, 0, sizeof(*p));
  tz_init_utc(&p->tz);
}

void http_params_release(struct http_params *p)
{
  tz_release(&p->tz);
  http_params_init(p);
}

int http_params_parse(const struct http_request *req, long limit_max,
                      struct http_params *p, const char **bad_name,
                      struct err *e)
{
  int rc;

#define TRY(nm, call)                                                          \
  do {                                                                         \
    if ((rc = (call))) {                                                       \
      *bad_name = nm;                                                          \
      return rc;                                                               \
    }                                                                          \
  } while (0)

  TRY("since", http_param_date(req, "since", &p->since, &p->has_since, e));
  TRY("until", http_param_date(req, "until", &p->until, &p->has_until, e));
  if (p->has_since && p->has_until && p->until < p->since) {
    *bad_name = "until";
    return err_set(e, ERR_USAGE, "'%s' is before since '%s'",
                   http_request_query(req, "until"),
                   http_request_query(req, "since"));
  }
  TRY("tz", http_param_tz(req, "tz", &p->tz, &p->has_tz, e));
  TRY("project",
      http_param_str(req, "project", &p->project, &p->has_project, e));
  TRY("model", http_param_str(req, "model", &p->model, &p->has_model, e));
  TRY("user", http_param_str(req, "user", &p->user, &p->has_user, e));
  TRY("machine",
      http_param_str(req, "machine", &p->machine, &p->has_machine, e));
  if (limit_max <= 0 && http_request_query(req, "limit")) {
    *bad_name = "limit";
    return err_set(e, ERR_USAGE, "not accepted here");
  }
  if (limit_max > 0)
    TRY("limit",
        http_param_limit(req, "limit", limit_max, &p->limit, &p->has_limit, e));
#undef TRY
  return 0;
}

void http_param_fail(struct http_response *res, const char *parameter,
                     const struct err *e)
{
  http_response_error(res, 400, "bad_parameter", parameter, "%s",
                      e && e->msg[0] ? e->msg : "bad value");
}
