/* Tool calls of one session, by name (GET /api/sessions/{id} tools). */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_REPORT_TOOLS_H
#define TOKMETER_REPORT_TOOLS_H

#include <stddef.h>
#include <stdint.h>

#include "source/records.h"
#include "util/strtab.h"

struct jsonw;

struct tool_use {
  uint32_t name; /* id in tools.names */
  uint64_t uses;
};

/* Owns names and v[]; tools_release() frees them. */
struct tools {
  struct strtab names;
  struct tool_use *v; /* v[id - 1] counts name id */
  size_t n, cap;
};

void tools_init(struct tools *t);
void tools_release(struct tools *t);

/*
 * 1 if the transcript at path belongs to session id: its file name
 * without ".jsonl" is id, or the path has a "/<id>/subagents/" part.
 */
int tools_in_session(const char *path, const char *id);

/* Counts the tool_use names of r's assistant records. */
void tools_add(struct tools *t, const struct records *r);

/*
 * Writes the array [{"name", "uses"}] of docs/api.md: by uses,
 * descending, then by name (strcmp).
 */
void tools_json(struct jsonw *w, const struct tools *t);

#endif
