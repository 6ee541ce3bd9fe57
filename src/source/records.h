/* The shape of a transcript: one small record per line, for activity. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_SOURCE_RECORDS_H
#define TOKMETER_SOURCE_RECORDS_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/strtab.h"

/*
 * What the local-only parts of the API need from a transcript file: when
 * each record was written, what it was (a prompt, a tool result, an API
 * response), the tools it called, the usage event it belongs to and the
 * head of each prompt's text. Unlike src/source/line.c this reads every
 * line, not only the ones with usage, so it is for request-time reads of
 * a few files, not for the scan.
 */

enum record_kind {
  RECORD_OTHER = 0,   /* system, progress, metadata, isMeta user records */
  RECORD_USER_PROMPT, /* a user message with text and no tool result */
  RECORD_TOOL_RESULT, /* a user message carrying a tool_result */
  RECORD_ASSISTANT    /* one content block of an API response */
};

struct record {
  int64_t ts_ms;     /* UTC milliseconds */
  uint64_t key[2];   /* event_key_msg() of message.id/requestId */
  uint32_t text_off; /* prompts: the text's head, text.data[off..off+len) */
  uint32_t text_len;
  uint32_t tool_off; /* assistant: names ids tools[off..off+ntools) */
  uint32_t ntools;
  uint8_t kind;      /* enum record_kind */
  uint8_t sidechain; /* isSidechain: true */
  uint8_t key_kind;  /* enum event_key_kind; 0 without message.id */
};

/* Bytes kept of each prompt's text (cut at a UTF-8 boundary). */
#define RECORDS_TEXT_MAX 2048
/* Lines longer than this are not parsed as JSON but classified from
 * their first RECORDS_LINE_MAX and last RECORDS_TAIL bytes. */
#define RECORDS_LINE_MAX (4u << 20)
#define RECORDS_TAIL 65536

/*
 * Owns everything: v[], tools[], the tool names (ids in names) and the
 * prompt texts. records_release() frees it all. text_max and line_max
 * may be lowered after records_init() (tests do).
 */
struct records {
  struct record *v;
  size_t n, cap;
  uint32_t *tools; /* ids in names */
  size_t ntools, tools_cap;
  struct strtab names;
  struct buf text; /* prompt texts, back to back, not NUL-separated */
  size_t skipped;  /* lines without "type", a timestamp, or malformed */
  size_t text_max, line_max;
  /* reader scratch */
  struct buf line;
  char *tail;
  size_t tail_len;
  int over;
};

void records_init(struct records *r);
void records_release(struct records *r);

/*
 * Appends the records of the file at path to r (lines in file order).
 * Returns 0, or ERR_NOTFOUND / ERR_IO naming the file (r then holds the
 * records read so far).
 */
int records_read(const char *path, struct records *r, struct err *e);

/*
 * Appends the record of one line (no trailing '\n'); a line that is not
 * a JSON object with a string "type" and a valid "timestamp" is counted
 * in skipped. Returns 1 if a record was added, else 0.
 */
int records_add_line(struct records *r, const char *line, size_t len);

/* The tool names of an assistant record, as NUL-terminated strings. */
const char *records_tool(const struct records *r, const struct record *rec,
                         uint32_t i);

#endif
