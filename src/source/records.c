/* The shape of a transcript: one small record per line, for activity. */
/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/civil.h"
#include "core/event.h"
#include "source/records.h"
#include "util/xalloc.h"
#include "util/banned.h"

void records_init(struct records *r)
{
  memset(r, 0, sizeof(*r));
  strtab_init(&r->names);
  buf_init(&r->text, 0);
  buf_init(&r->line, 0);
  r->text_max = RECORDS_TEXT_MAX;
  r->line_max = RECORDS_LINE_MAX;
}

void records_release(struct records *r)
{
  free(r->v);
  free(r->tools);
  strtab_release(&r->names);
  buf_release(&r->text);
  buf_release(&r->line);
  free(r->tail);
  memset(r, 0, sizeof(*r));
}

const char *records_tool(const struct records *r, const struct record *rec,
                         uint32_t i)
{
  return strtab_get(&r->names, r->tools[rec->tool_off + i]);
}

static void add_tool(struct records *r, struct record *rec, const char *s,
                     size_t n)
{
  if (rec->ntools == 0)
    rec->tool_off = (uint32_t)r->ntools;
  r->tools = xgrow(r->tools, &r->tools_cap, r->ntools + 1, sizeof(*r->tools));
  r->tools[r->ntools++] = strtab_intern(&r->names, s, n);
  rec->ntools++;
}

/* Appends up to the record's remaining text budget, cut before a UTF-8
 * continuation byte so the kept head stays valid. */
static void add_text(struct records *r, struct record *rec, const char *s,
                     size_t n)
{
  size_t room = r->text_max > rec->text_len ? r->text_max - rec->text_len : 0;

  if (n > room) {
    n = room;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
      n--;
  }
  buf_add(&r->text, s, n);
  rec->text_len += (uint32_t)n;
}

static const char *str_of(json_t *o, const char *key, size_t *n)
{
  json_t *v = json_object_get(o, key);

  if (!json_is_string(v))
    return NULL;
  *n = json_string_length(v);
  return json_string_value(v);
}

/* A user record: prompt (with its text), tool result, or other. */
static void classify_user(struct records *r, struct record *rec, json_t *root,
                          json_t *content)
{
  size_t i, n;
  json_t *item;
  int texts = 0;

  if (json_is_true(json_object_get(root, "isMeta")))
    return;
  if (json_is_string(content)) {
    rec->kind = RECORD_USER_PROMPT;
    rec->text_off = (uint32_t)r->text.len;
    add_text(r, rec, json_string_value(content), json_string_length(content));
    return;
  }
  json_array_foreach(content, i, item)
  {
    const char *t = str_of(item, "type", &n);

    if (t && !strcmp(t, "tool_result")) {
      rec->kind = RECORD_TOOL_RESULT;
      return;
    }
  }
  json_array_foreach(content, i, item)
  {
    const char *t = str_of(item, "type", &n);
    const char *s;

    if (!t || strcmp(t, "text") != 0 || !(s = str_of(item, "text", &n)))
      continue;
    if (!texts++)
      rec->text_off = (uint32_t)r->text.len;
    else
      add_text(r, rec, "\n", 1);
    add_text(r, rec, s, n);
  }
  if (texts)
    rec->kind = RECORD_USER_PROMPT;
}

static void classify_assistant(struct records *r, struct record *rec,
                               json_t *root, json_t *msg)
{
  size_t i, n, rn = 0;
  json_t *item;
  const char *id = str_of(msg, "id", &n);
  const char *req = str_of(root, "requestId", &rn);

  rec->kind = RECORD_ASSISTANT;
  if (id)
    rec->key_kind = (uint8_t)event_key_msg(rec->key, id, n, req, rn);
  json_array_foreach(json_object_get(msg, "content"), i, item)
  {
    const char *t = str_of(item, "type", &n);
    const char *name;

    if (!t || strcmp(t, "tool_use") != 0)
      continue;
    name = str_of(item, "name", &n);
    if (name)
      add_tool(r, rec, name, n);
  }
}

static int parse_json(struct records *r, struct record *rec, const char *line,
                      size_t len)
{
  json_error_t jerr;
  json_t *root = json_loadb(line, len, JSON_ALLOW_NUL, &jerr);
  const char *type, *ts;
  size_t tn, sn;
  json_t *msg;
  int ok = 0;

  if (!json_is_object(root))
    goto out;
  type = str_of(root, "type", &tn);
  ts = str_of(root, "timestamp", &sn);
  if (!type || !ts || civil_parse_ts(ts, sn, &rec->ts_ms))
    goto out;
  ok = 1;
  rec->sidechain = json_is_true(json_object_get(root, "isSidechain"));
  msg = json_object_get(root, "message");
  if (!json_is_object(msg))
    goto out;
  if (!strcmp(type, "user"))
    classify_user(r, rec, root, json_object_get(msg, "content"));
  else if (!strcmp(type, "assistant"))
    classify_assistant(r, rec, root, msg);
out:
  json_decref(root);
  return ok;
}

static const char *find(const char *s, size_t n, const char *pat)
{
  size_t m = strlen(pat);

  if (m > n)
    return NULL;
  return memmem(s, n, pat, m);
}

/* The last occurrence of pat in s[0..n). */
static const char *find_last(const char *s, size_t n, const char *pat)
{
  const char *hit = NULL, *p;

  while ((p = find(s, n, pat)) != NULL) {
    hit = p;
    n -= (size_t)(p + 1 - s);
    s = p + 1;
  }
  return hit;
}

/* A string value right after pat (no escapes: ids and timestamps). */
static size_t value_after(const char *s, size_t n, const char *pat,
                          const char **v)
{
  const char *p = find(s, n, pat), *end, *q;

  if (!p)
    return 0;
  q = p + strlen(pat);
  end = memchr(q, '"', (size_t)(s + n - q));
  if (!end)
    return 0;
  *v = q;
  return (size_t)(end - q);
}

/* Over-long line (an image, a huge tool output): classified from its head
 * and tail bytes, where Claude Code writes the envelope fields. */
static int parse_raw(struct records *r, struct record *rec, const char *head,
                     size_t hn, const char *tail, size_t tn)
{
  const char *ts = NULL, *name = NULL, *p;
  size_t n = value_after(head, hn, "\"timestamp\":\"", &ts);

  if (!n && (p = find_last(tail, tn, "\"timestamp\":\"")) != NULL)
    n = value_after(p, (size_t)(tail + tn - p), "\"timestamp\":\"", &ts);
  if (!n || civil_parse_ts(ts, n, &rec->ts_ms))
    return 0;
  rec->sidechain = find(head, hn, "\"isSidechain\":true") != NULL;
  if (find(head, hn, "\"type\":\"user\"")) {
    if (find(head, hn, "\"type\":\"tool_result\""))
      rec->kind = RECORD_TOOL_RESULT;
  } else if (find(head, hn, "\"type\":\"assistant\"")) {
    rec->kind = RECORD_ASSISTANT;
    p = find(head, hn, "\"type\":\"tool_use\"");
    if (p &&
        (n = value_after(p, (size_t)(head + hn - p), "\"name\":\"", &name)) > 0)
      add_tool(r, rec, name, n);
  } else if (!find(head, hn, "\"type\":\"")) {
    return 0;
  }
  return 1;
}

static int add_record(struct records *r, const char *line, size_t len,
                      const char *tail, size_t tn, int over)
{
  struct record rec;
  size_t text0 = r->text.len, tools0 = r->ntools;
  int ok;

  memset(&rec, 0, sizeof(rec));
  if (over)
    ok = parse_raw(r, &rec, line, len, tail, tn);
  else
    ok = parse_json(r, &rec, line, len);
  if (!ok) {
    buf_setlen(&r->text, text0);
    r->ntools = tools0;
    r->skipped++;
    return 0;
  }
  r->v = xgrow(r->v, &r->cap, r->n + 1, sizeof(*r->v));
  r->v[r->n++] = rec;
  return 1;
}

int records_add_line(struct records *r, const char *line, size_t len)
{
  size_t i = 0;

  while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
    i++;
  if (i == len)
    return 0;
  if (len > r->line_max) {
    size_t tn =
        len - r->line_max < RECORDS_TAIL ? len - r->line_max : RECORDS_TAIL;
    return add_record(r, line, r->line_max, line + len - tn, tn, 1);
  }
  return add_record(r, line, len, NULL, 0, 0);
}

static void tail_add(struct records *r, const char *p, size_t n)
{
  size_t keep;

  if (!r->tail)
    r->tail = xmalloc(RECORDS_TAIL);
  if (n >= RECORDS_TAIL) {
    memcpy(r->tail, p + n - RECORDS_TAIL, RECORDS_TAIL);
    r->tail_len = RECORDS_TAIL;
    return;
  }
  keep = r->tail_len < RECORDS_TAIL - n ? r->tail_len : RECORDS_TAIL - n;
  memmove(r->tail, r->tail + r->tail_len - keep, keep);
  memcpy(r->tail + keep, p, n);
  r->tail_len = keep + n;
}

/* Adds bytes of the current line, keeping at most line_max of its head
 * and RECORDS_TAIL of its tail. */
static void line_add(struct records *r, const char *p, size_t n)
{
  if (!r->over) {
    size_t room = r->line_max - r->line.len;

    if (n <= room) {
      buf_add(&r->line, p, n);
      return;
    }
    buf_add(&r->line, p, room);
    p += room;
    n -= room;
    r->over = 1;
  }
  tail_add(r, p, n);
}

static void line_end(struct records *r)
{
  if (r->over) {
    if (r->line.len)
      add_record(r, r->line.data, r->line.len, r->tail, r->tail_len, 1);
  } else if (r->line.len) {
    records_add_line(r, r->line.data, r->line.len);
  }
  buf_reset(&r->line);
  r->tail_len = 0;
  r->over = 0;
}

int records_read(const char *path, struct records *r, struct err *e)
{
  char chunk[65536];
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  int rc = 0;

  if (fd < 0)
    return err_set(e, errno == ENOENT ? ERR_NOTFOUND : ERR_IO,
                   "cannot open '%s': %s", path, strerror(errno));
  for (;;) {
    ssize_t n = read(fd, chunk, sizeof(chunk));
    const char *p = chunk, *end;

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      rc = err_set(e, ERR_IO, "cannot read '%s': %s", path, strerror(errno));
      break;
    }
    if (n == 0)
      break;
    end = chunk + n;
    while (p < end) {
      const char *nl = memchr(p, '\n', (size_t)(end - p));

      line_add(r, p, (size_t)((nl ? nl : end) - p));
      if (!nl)
        break;
      line_end(r);
      p = nl + 1;
    }
  }
  if (!rc)
    line_end(r);
  /* Scratch sized by the file's longest line: a cache keeps thousands of
   * these structs, so none keeps its scratch. */
  buf_release(&r->line);
  free(r->tail);
  r->tail = NULL;
  r->tail_len = 0;
  r->over = 0;
  close(fd);
  return rc;
}
