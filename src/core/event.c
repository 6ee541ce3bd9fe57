/* Usage events: construction from parsed records and the winner rule. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "core/event.h"
#include "util/hash.h"
#include "util/banned.h"

#define SEED_ID 0x1d5eed01ULL
#define SEED_REQ 0x2e9eed02ULL
#define SEED_UUID 0x3f7eed03ULL
#define SEED_UUID2 0x4a1eed04ULL

static int hexval(char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

/* Canonical lowercase 8-4-4-4-12: lowercase hex keeps byte order. */
static int uuid_parse(const char *s, size_t n, uint8_t out[16])
{
  size_t i, o = 0;

  if (n != 36)
    return -1;
  for (i = 0; i < 36;) {
    int hi, lo;

    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i++] != '-')
        return -1;
      continue;
    }
    hi = hexval(s[i]);
    lo = hexval(s[i + 1]);
    if (hi < 0 || lo < 0)
      return -1;
    out[o++] = (uint8_t)(hi << 4 | lo);
    i += 2;
  }
  return 0;
}

int event_key_msg(uint64_t key[2], const char *msg, size_t msg_len,
                  const char *req, size_t req_len)
{
  key[0] = hash64(msg, msg_len, SEED_ID);
  if (!req) {
    key[1] = 0;
    return EVENT_KEY_MSG_NOREQ;
  }
  key[1] = hash64(req, req_len, SEED_REQ);
  return EVENT_KEY_MSG_REQ;
}

int event_key_uuid(uint64_t key[2], const char *uuid, size_t n)
{
  key[0] = hash64(uuid, n, SEED_UUID);
  key[1] = hash64(uuid, n, SEED_UUID2);
  return EVENT_KEY_UUID;
}

void event_set_uuid(struct event *ev, struct strtab *st, const char *s,
                    size_t n)
{
  ev->flags &= (uint8_t)~EVENT_UUID_BIN;
  ev->uuid_str = 0;
  memset(ev->uuid, 0, sizeof(ev->uuid));
  if (!uuid_parse(s, n, ev->uuid))
    ev->flags |= EVENT_UUID_BIN;
  else
    ev->uuid_str = strtab_intern(st, s, n);
}

void event_from_rec(struct event *ev, const struct usage_rec *r,
                    struct strtab *st, uint32_t file, uint32_t stem)
{
  memset(ev, 0, sizeof(*ev));
  ev->ts_ms = r->ts_ms;
  ev->tok = r->tok;
  ev->cost_usd = r->cost_usd;
  ev->limit_reset = r->limit_reset;
  ev->web_search = r->web_search;
  ev->file = file;
  ev->session = r->session_id.p
                    ? strtab_intern(st, r->session_id.p, r->session_id.n)
                    : stem;
  if (r->model.p)
    ev->model = strtab_intern(st, r->model.p, r->model.n);
  if (r->cwd.p && r->cwd.n) /* "" names no directory: as if absent */
    ev->cwd = strtab_intern(st, r->cwd.p, r->cwd.n);
  if (r->flags & USAGE_SIDECHAIN)
    ev->flags |= EVENT_SIDECHAIN;
  if (r->flags & USAGE_FAST)
    ev->flags |= EVENT_FAST;
  if (r->flags & USAGE_HAS_COST)
    ev->flags |= EVENT_HAS_COST;
  if (r->flags & USAGE_API_ERROR)
    ev->flags |= EVENT_API_ERROR;
  if (r->flags & USAGE_NESTED)
    ev->flags |= EVENT_NESTED;
  if (r->uuid.p)
    event_set_uuid(ev, st, r->uuid.p, r->uuid.n);
  if (r->msg_id.p) {
    ev->key_kind = (uint8_t)event_key_msg(ev->key, r->msg_id.p, r->msg_id.n,
                                          r->req_id.p, r->req_id.n);
  } else if (r->uuid.p) {
    ev->key_kind = (uint8_t)event_key_uuid(ev->key, r->uuid.p, r->uuid.n);
  }
}

uint32_t event_model_label(const struct event *ev, const struct strtab *st,
                           struct strtab *out, struct buf *tmp)
{
  const char *m = strtab_get(st, ev->model);

  if (!m || !strcmp(m, "<synthetic>"))
    return 0;
  buf_reset(tmp);
  buf_adds(tmp, m);
  if (ev->flags & EVENT_FAST)
    buf_adds(tmp, "-fast");
  return strtab_intern(out, tmp->data, tmp->len);
}

void event_uuid(const struct event *ev, const struct strtab *st, char *out)
{
  static const char hex[] = "0123456789abcdef";
  size_t i, o = 0;

  if (!(ev->flags & EVENT_UUID_BIN)) {
    const char *s = strtab_get(st, ev->uuid_str);
    size_t n = s ? strlen(s) : 0;

    if (n > 36)
      n = 36;
    memcpy(out, s ? s : "", n);
    out[n] = '\0';
    return;
  }
  for (i = 0; i < 16; i++) {
    if (i == 4 || i == 6 || i == 8 || i == 10)
      out[o++] = '-';
    out[o++] = hex[ev->uuid[i] >> 4];
    out[o++] = hex[ev->uuid[i] & 15];
  }
  out[o] = '\0';
}

/* Byte order over the whole string, NULs included (SQLite's BINARY
 * collation, which the store's merge rule uses). */
static int cmp_str(const struct strtab *st, uint32_t a, uint32_t b)
{
  size_t n, m;
  int c;

  if (a == b)
    return 0;
  n = a ? strtab_len(st, a) : 0;
  m = b ? strtab_len(st, b) : 0;
  c = memcmp(a ? strtab_get(st, a) : "", b ? strtab_get(st, b) : "",
             n < m ? n : m);
  return c ? c : (n > m) - (n < m);
}

static int cmp_uuid(const struct event *a, const struct event *b,
                    const struct strtab *st)
{
  char x[40], y[40];

  if ((a->flags & b->flags & EVENT_UUID_BIN))
    return memcmp(a->uuid, b->uuid, 16);
  event_uuid(a, st, x);
  event_uuid(b, st, y);
  return strcmp(x, y);
}

#define CMP(x, y)                                                              \
  do {                                                                         \
    if ((x) != (y))                                                            \
      return (x) < (y) ? -1 : 1;                                               \
  } while (0)

/* Total order on everything but the winner criteria, for exact ties. */
static int cmp_rest(const struct event *a, const struct event *b,
                    const struct strtab *st)
{
  int c;

  if ((c = cmp_str(st, a->model, b->model)) ||
      (c = cmp_str(st, a->cwd, b->cwd)))
    return c;
  CMP(a->tok.input, b->tok.input);
  CMP(a->tok.output, b->tok.output);
  CMP(a->tok.cache_write_5m, b->tok.cache_write_5m);
  CMP(a->tok.cache_write_1h, b->tok.cache_write_1h);
  CMP(a->flags, b->flags);
  CMP(a->cost_usd, b->cost_usd);
  CMP(a->web_search, b->web_search);
  CMP(a->limit_reset, b->limit_reset);
  return cmp_str(st, a->file, b->file);
}

int event_better(const struct event *a, const struct event *b,
                 const struct strtab *st)
{
  int sa = !!(a->flags & EVENT_SIDECHAIN), sb = !!(b->flags & EVENT_SIDECHAIN);
  uint64_t ta, tb;
  int c;

  if (sa != sb)
    return sb;
  ta = tokens_total(&a->tok);
  tb = tokens_total(&b->tok);
  if (ta != tb)
    return ta > tb;
  if (a->ts_ms != b->ts_ms)
    return a->ts_ms < b->ts_ms;
  if ((c = cmp_str(st, a->session, b->session)))
    return c < 0;
  if ((c = cmp_uuid(a, b, st)))
    return c < 0;
  return cmp_rest(a, b, st) < 0;
}

static uint32_t remap_id(uint32_t *map, const struct strtab *from,
                         struct strtab *to, uint32_t id)
{
  if (!id)
    return 0;
  if (!map[id])
    map[id] = strtab_intern(to, strtab_get(from, id), strtab_len(from, id));
  return map[id];
}

void event_remap(struct event *ev, uint32_t *map, const struct strtab *from,
                 struct strtab *to)
{
  ev->session = remap_id(map, from, to, ev->session);
  ev->model = remap_id(map, from, to, ev->model);
  ev->cwd = remap_id(map, from, to, ev->cwd);
  ev->file = remap_id(map, from, to, ev->file);
  ev->uuid_str = remap_id(map, from, to, ev->uuid_str);
  ev->user = remap_id(map, from, to, ev->user);
  ev->machine = remap_id(map, from, to, ev->machine);
}

int event_same(const struct event *a, const struct event *b)
{
  return a->key[0] == b->key[0] && a->key[1] == b->key[1] &&
         a->key_kind == b->key_kind && a->ts_ms == b->ts_ms &&
         a->tok.input == b->tok.input && a->tok.output == b->tok.output &&
         a->tok.cache_write_5m == b->tok.cache_write_5m &&
         a->tok.cache_write_1h == b->tok.cache_write_1h &&
         a->tok.cache_read == b->tok.cache_read && a->cost_usd == b->cost_usd &&
         a->limit_reset == b->limit_reset && a->web_search == b->web_search &&
         a->session == b->session && a->model == b->model && a->cwd == b->cwd &&
         a->file == b->file && a->uuid_str == b->uuid_str &&
         a->user == b->user && a->machine == b->machine &&
         a->flags == b->flags && !memcmp(a->uuid, b->uuid, sizeof(a->uuid));
}
