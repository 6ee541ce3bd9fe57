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

int store_quota_add(struct store *s, const char *user, const char *machine,
                    const struct quota_reading *q, int *added, struct err *e)
{
  char at[24], hf[4], fp[40], fr[24], hw[4], wp[40], wr[24];
  const char *p[9];
  size_t n = 0;
  int r;

  snprintf(at, sizeof(at), "%lld", (long long)q->at_ms);
  snprintf(hf, sizeof(hf), "%d", q->has_five ? 1 : 0);
  snprintf(fp, sizeof(fp), "%.17g", q->five_pct);
  snprintf(fr, sizeof(fr), "%lld", (long long)q->five_reset);
  snprintf(hw, sizeof(hw), "%d", q->has_week ? 1 : 0);
  snprintf(wp, sizeof(wp), "%.17g", q->week_pct);
  snprintf(wr, sizeof(wr), "%lld", (long long)q->week_reset);
  p[0] = user;
  p[1] = machine;
  p[2] = at;
  p[3] = hf;
  p[4] = fp;
  p[5] = fr;
  p[6] = hw;
  p[7] = wp;
  p[8] = wr;
  r = store_exec(s, store_sql_quota_insert, p, 9, NULL, NULL, &n, e);
  *added = !r && n > 0;
  return r;
}

/* One window of a reading: {"usedPercent", "resetsAt"} or null. */
static void window(struct jsonw *w, const char *key, const char *has,
                   const char *pct, const char *reset)
{
  char iso[32];
  int64_t at = reset ? strtoll(reset, NULL, 10) : 0;

  jsonw_key(w, key);
  if (!has || strcmp(has, "1") != 0) {
    jsonw_null(w);
    return;
  }
  jsonw_obj_begin(w);
  jsonw_key(w, "usedPercent");
  jsonw_double(w, pct ? strtod(pct, NULL) : 0);
  jsonw_key(w, "resetsAt");
  if (at > 0) {
    civil_fmt_iso_ms(at * 1000, iso);
    jsonw_strz(w, iso);
  } else {
    jsonw_null(w);
  }
  jsonw_obj_end(w);
}

static int quota_row(void *ctx, size_t ncol, const char *const *c)
{
  struct jsonw *w = ctx;
  char iso[32];

  if (ncol < 9)
    return 1;
  jsonw_obj_begin(w);
  jsonw_key(w, "user");
  jsonw_strz(w, c[0] ? c[0] : "");
  jsonw_key(w, "machine");
  jsonw_strz(w, c[1] ? c[1] : "");
  jsonw_key(w, "at");
  civil_fmt_iso_ms((int64_t)num(c[2]), iso);
  jsonw_strz(w, iso);
  window(w, "fiveHour", c[3], c[4], c[5]);
  window(w, "sevenDay", c[6], c[7], c[8]);
  jsonw_obj_end(w);
  return 0;
}

int store_quota_json(struct store *s, struct buf *out, struct err *e)
{
  struct jsonw w;
  int r;

  jsonw_init(&w, out, 0);
  jsonw_obj_begin(&w);
  jsonw_key(&w, "quota");
  jsonw_arr_begin(&w);
  r = store_exec(s, store_sql_quota_latest, NULL, 0, quota_row, &w, NULL, e);
  jsonw_arr_end(&w);
  jsonw_obj_end(&w);
  return r;
}
