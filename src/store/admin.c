/* The team server's audit log and data deletion (admin.h). */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "store/admin.h"
#include "store/schema.h"
#include "util/jsonw.h"
#include "util/banned.h"

int store_audit_add(struct store *s, const struct audit_entry *a, struct err *e)
{
  char num[6][24];
  const char *p[10];

  snprintf(num[0], sizeof(num[0]), "%lld", (long long)a->at);
  snprintf(num[1], sizeof(num[1]), "%d", a->status);
  snprintf(num[2], sizeof(num[2]), "%llu", (unsigned long long)a->bytes);
  snprintf(num[3], sizeof(num[3]), "%llu", (unsigned long long)a->accepted);
  snprintf(num[4], sizeof(num[4]), "%llu", (unsigned long long)a->duplicates);
  snprintf(num[5], sizeof(num[5]), "%llu", (unsigned long long)a->rejected);
  p[0] = num[0];
  p[1] = a->token_id;
  p[2] = a->ip;
  p[3] = a->method;
  p[4] = a->path;
  p[5] = num[1];
  p[6] = num[2];
  p[7] = num[3];
  p[8] = num[4];
  p[9] = num[5];
  return store_exec(s, store_sql_audit_insert, p, 10, NULL, NULL, NULL, e);
}

static uint64_t num(const char *s)
{
  return s ? strtoull(s, NULL, 10) : 0;
}

static int audit_row(void *ctx, size_t ncol, const char *const *c)
{
  struct jsonw *w = ctx;
  static const char *const counts[] = {"bytes", "accepted", "duplicates",
                                       "rejected"};
  char iso[32];
  size_t i;

  if (ncol < 10)
    return 1;
  jsonw_obj_begin(w);
  jsonw_key(w, "at");
  civil_fmt_iso_ms((int64_t)num(c[0]), iso);
  jsonw_strz(w, iso);
  jsonw_key(w, "tokenId");
  jsonw_strz(w, c[1] ? c[1] : "");
  jsonw_key(w, "ip");
  jsonw_strz(w, c[2] ? c[2] : "");
  jsonw_key(w, "method");
  jsonw_strz(w, c[3] ? c[3] : "");
  jsonw_key(w, "path");
  jsonw_strz(w, c[4] ? c[4] : "");
  jsonw_key(w, "status");
  jsonw_uint(w, num(c[5]));
  for (i = 0; i < 4; i++) {
    jsonw_key(w, counts[i]);
    jsonw_uint(w, num(c[6 + i]));
  }
  jsonw_obj_end(w);
  return 0;
}

int store_audit_json(struct store *s, size_t limit, struct buf *out,
                     struct err *e)
{
  char lim[24];
  const char *p[1];
  struct jsonw w;
  int r;

  snprintf(lim, sizeof(lim), "%zu", limit);
  p[0] = lim;
  jsonw_init(&w, out, 0);
  jsonw_arr_begin(&w);
  r = store_exec(s, store_sql_audit_list, p, 1, audit_row, &w, NULL, e);
  jsonw_arr_end(&w);
  return r;
}

int store_delete_data(struct store *s, const char *user, const char *machine,
                      size_t *removed, struct err *e)
{
  const char *p[2];

  p[0] = user;
  p[1] = machine;
  return store_exec(s,
                    machine ? store_sql_delete_machine : store_sql_delete_user,
                    p, machine ? 2 : 1, NULL, NULL, removed, e);
}
