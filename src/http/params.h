/* Query parameter parsing and validation shared by the API endpoints. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_HTTP_PARAMS_H
#define TOKMETER_HTTP_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#include "core/tz.h"
#include "http/router.h"
#include "util/err.h"

/*
 * Each http_param_* reads one query parameter of req. Absent parameters
 * are not errors: the output keeps its default and *present (when not
 * NULL) says 0. A parameter given but bad (empty included) returns
 * ERR_USAGE with a message that does not repeat the parameter's name, for
 * http_param_fail() to turn into the 400 body:
 *
 *   {"error":{"code":"bad_parameter","parameter":"since",
 *             "message":"cannot parse '2025-13-01': expected YYYY-MM-DD
 *                        or YYYYMMDD"}}
 *
 * Outputs point into req (borrowed) except the zone, which the caller
 * releases with tz_release().
 */

/* Longest accepted project or model filter, in bytes. */
#define HTTP_PARAM_STR_MAX 256

/* A day: YYYY-MM-DD or YYYYMMDD, as days since 1970-01-01. */
int http_param_date(const struct http_request *req, const char *name,
                    int64_t *days, int *present, struct err *e);

/*
 * An IANA zone name ("Europe/Paris", "UTC"), loaded from $TZDIR or
 * /usr/share/zoneinfo. Only letters, digits and "/_+-" are accepted, no
 * "." segments, so a name can never leave the zoneinfo tree. *tz is
 * overwritten only when the parameter is present (it is UTC on failure).
 */
int http_param_tz(const struct http_request *req, const char *name,
                  struct tz *tz, int *present, struct err *e);

/* A filter string (project, model): 1..HTTP_PARAM_STR_MAX bytes, valid
 * UTF-8 is not checked but control characters are refused. */
int http_param_str(const struct http_request *req, const char *name,
                   const char **out, int *present, struct err *e);

/* A decimal integer in 1..max (no sign, no spaces). */
int http_param_limit(const struct http_request *req, const char *name, long max,
                     long *out, int *present, struct err *e);

/*
 * The common filter set. Zero-initialise, then http_params_parse() reads
 * since, until, tz, project, model and limit (limit in 1..limit_max; with
 * limit_max 0 a limit parameter is refused). until must not be before
 * since (the error names "until"). On failure it returns ERR_USAGE and
 * sets *bad to the offending parameter's name (a string literal).
 * http_params_release() frees the zone.
 */
struct http_params {
  int has_since, has_until, has_tz, has_project, has_model, has_limit;
  int has_user, has_machine; /* the team server's dimensions */
  int64_t since, until; /* days since 1970-01-01, inclusive */
  struct tz tz;         /* UTC unless has_tz */
  const char *project;  /* borrowed from the request */
  const char *model;
  const char *user, *machine;
  long limit;
};

void http_params_init(struct http_params *p);
int http_params_parse(const struct http_request *req, long limit_max,
                      struct http_params *p, const char **bad, struct err *e);
void http_params_release(struct http_params *p);

/* Fills res with 400 bad_parameter naming parameter and e's message. */
void http_param_fail(struct http_response *res, const char *parameter,
                     const struct err *e);

#endif
