/* The team server's audit log and data deletion, in the store. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_STORE_ADMIN_H
#define TOKMETER_STORE_ADMIN_H

#include <stddef.h>
#include <stdint.h>

#include "index/quota.h"
#include "store/store.h"
#include "util/buf.h"

/* One ingest or admin call. */
struct audit_entry {
  int64_t at; /* unix ms */
  char token_id[32];
  char ip[64];
  char method[8];
  char path[128];
  int status;
  uint64_t bytes, accepted, duplicates, rejected;
};

int store_audit_add(struct store *s, const struct audit_entry *a,
                    struct err *e);

/* The newest `limit` entries, newest first, as the JSON array of GET
 * /api/admin/audit appended to out. */
int store_audit_json(struct store *s, size_t limit, struct buf *out,
                     struct err *e);

/* Removes the calls of user (only those sent from machine, when not
 * NULL); *removed counts them. */
int store_delete_data(struct store *s, const char *user, const char *machine,
                      size_t *removed, struct err *e);

/* Stores a plan-quota reading of user's machine; *added is 0 when the
 * store had it already. */
int store_quota_add(struct store *s, const char *user, const char *machine,
                    const struct quota_reading *q, int *added, struct err *e);

/* Each user's newest reading, as the JSON of GET /api/quota, appended to
 * out. */
int store_quota_json(struct store *s, struct buf *out, struct err *e);

#endif
