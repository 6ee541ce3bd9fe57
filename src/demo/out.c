/* Demo generator output: per-file line sinks and JSON building blocks. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "core/civil.h"
#include "demo/internal.h"
#include "util/banned.h"

/* Streams are handed over in chunks of about this size. */
#define DEMO_CHUNK (1u << 20)

static void send(struct demo_out *o, const char *p, size_t n)
{
  struct demo_sink *s = o->sink;

  if (s->rc)
    return;
  s->rc = s->cb(s->ctx, o->path, p, n);
}

void demo_out_open(struct demo_out *o, struct demo_sink *s, int mode,
                   const char *relpath)
{
  size_t n = strlen(relpath);

  buf_init(&o->b, 0);
  o->mode = mode;
  o->sink = s;
  if (n >= sizeof(o->path))
    n = sizeof(o->path) - 1;
  memcpy(o->path, relpath, n);
  o->path[n] = '\0';
  o->line_start = 0;
  o->kind = DK_OTHER;
  o->keep_mask = DK_ALL;
  o->line_usage = 0;
  o->bytes = 0;
  o->jsonl = n > 6 && !strcmp(o->path + n - 6, ".jsonl");
}

void demo_out_line_begin(struct demo_out *o, unsigned kind)
{
  o->line_start = o->b.len;
  o->kind = kind;
  o->line_usage = 0;
}

void demo_out_line_end(struct demo_out *o, int nl)
{
  size_t len;

  if (!(o->kind & o->keep_mask)) {
    buf_setlen(&o->b, o->line_start);
    return;
  }
  if (nl)
    buf_addch(&o->b, '\n');
  len = o->b.len - o->line_start;
  if (o->mode == DOUT_NULL) {
    buf_reset(&o->b);
    return;
  }
  o->bytes += len;
  o->sink->st.lines += o->jsonl;
  o->sink->st.bytes += len;
  if (o->line_usage) {
    o->sink->st.usage_lines++;
    o->sink->st.usage_bytes += len;
  }
  if (o->mode == DOUT_STREAM && o->b.len >= DEMO_CHUNK) {
    send(o, o->b.data, o->b.len);
    buf_reset(&o->b);
  }
  o->line_start = o->b.len;
}

void demo_out_close(struct demo_out *o)
{
  if (o->mode != DOUT_NULL) {
    if (o->b.len)
      send(o, o->b.data, o->b.len);
    send(o, NULL, 0);
    o->sink->st.files++;
  }
  buf_release(&o->b);
}

void demo_put_u64(struct buf *b, uint64_t v)
{
  char tmp[24];
  char *p = tmp + sizeof(tmp);

  do {
    *--p = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  buf_add(b, p, (size_t)(tmp + sizeof(tmp) - p));
}

void demo_put_ts(struct buf *b, int64_t ms)
{
  char tmp[32];

  civil_fmt_iso_ms(ms, tmp);
  buf_add(b, tmp, 24);
}

void demo_put_esc(struct buf *b, const char *s, size_t n)
{
  static const char hex[] = "0123456789abcdef";
  size_t i = 0, run = 0;

  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    char e[6];

    if (c >= 0x20 && c != '"' && c != '\\')
      continue;
    buf_add(b, s + run, i - run);
    run = i + 1;
    e[0] = '\\';
    switch (c) {
    case '"':
    case '\\':
      e[1] = (char)c;
      buf_add(b, e, 2);
      break;
    case '\n':
      buf_add(b, "\\n", 2);
      break;
    case '\t':
      buf_add(b, "\\t", 2);
      break;
    case '\r':
      buf_add(b, "\\r", 2);
      break;
    default:
      e[1] = 'u';
      e[2] = '0';
      e[3] = '0';
      e[4] = hex[c >> 4];
      e[5] = hex[c & 15];
      buf_add(b, e, 6);
    }
  }
  buf_add(b, s + run, n - run);
}

void demo_put_kv(struct buf *b, const char *k, const char *v)
{
  DEMO_LIT(b, ",\"");
  buf_adds(b, k);
  DEMO_LIT(b, "\":\"");
  demo_put_esc(b, v, strlen(v));
  buf_addch(b, '"');
}

void demo_put_kn(struct buf *b, const char *k, uint64_t v)
{
  DEMO_LIT(b, ",\"");
  buf_adds(b, k);
  DEMO_LIT(b, "\":");
  demo_put_u64(b, v);
}
