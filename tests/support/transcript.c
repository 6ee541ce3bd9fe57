/* Transcript lines and scan comparisons for the source-layer tests. */
/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "transcript.h"
#include "util/banned.h"

void transcript_add(struct buf *b, const struct transcript_rec *r)
{
  buf_adds(b, "{\"parentUuid\":\"p0\",\"isSidechain\":");
  buf_adds(b, r->side ? "true" : "false");
  if (r->cwd)
    buf_addf(b, ",\"cwd\":\"%s\"", r->cwd);
  if (r->session)
    buf_addf(b, ",\"sessionId\":\"%s\"", r->session);
  buf_adds(b, ",\"version\":\"2.1.39\",\"message\":{\"model\":"
              "\"claude-sonnet-4-5-20250929\"");
  if (r->id)
    buf_addf(b, ",\"id\":\"%s\"", r->id);
  buf_adds(b, ",\"type\":\"message\",\"role\":\"assistant\",\"content\":"
              "[{\"type\":\"text\",\"text\":\"");
  buf_adds(b, r->text ? r->text : "hi");
  buf_addf(b,
           "\"}],\"stop_reason\":null,\"usage\":{\"input_tokens\":%u,"
           "\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":%u,"
           "\"output_tokens\":%u}}",
           r->in, r->cread, r->out);
  if (r->req)
    buf_addf(b, ",\"requestId\":\"%s\"", r->req);
  buf_adds(b, ",\"type\":\"assistant\"");
  if (r->uuid)
    buf_addf(b, ",\"uuid\":\"%s\"", r->uuid);
  buf_addf(b, ",\"timestamp\":\"2026-03-10T%02d:%02d:%02d.000Z\"}",
           6 + r->sec / 3600, r->sec / 60 % 60, r->sec % 60);
}

int transcript_discover(const char *cfg, struct discover *d)
{
  struct discover_env env;
  const char *dirs[1];
  int r;

  discover_release(d);
  discover_init(d);
  dirs[0] = cfg;
  memset(&env, 0, sizeof(env));
  env.dirs = dirs;
  env.ndirs = 1;
  if ((r = discover_roots(d, &env, NULL)))
    return r;
  return discover_files(d, NULL);
}

int transcript_scan(const struct discover *d, struct scan_result *r,
                    uint64_t unit_bytes, int threads)
{
  struct scan_opts o;

  memset(&o, 0, sizeof(o));
  o.threads = threads;
  o.collect_issues = 1;
  o.unit_bytes = unit_bytes;
  scan_result_release(r);
  scan_result_init(r);
  return scan_run(d, &o, r, NULL);
}

static int str_eq(const struct scan_result *a, uint32_t x,
                  const struct scan_result *b, uint32_t y)
{
  const char *s = strtab_get(&a->set.strs, x), *t = strtab_get(&b->set.strs, y);

  if (!s || !t)
    return !s && !t;
  return !strcmp(s, t);
}

#define DIFF(cond, ...)                                                        \
  do {                                                                         \
    if (cond) {                                                                \
      snprintf(why, n, __VA_ARGS__);                                           \
      return 1;                                                                \
    }                                                                          \
  } while (0)

int transcript_diff(const struct scan_result *a, const struct scan_result *b,
                    char *why, size_t n)
{
  size_t i;

  DIFF(memcmp(&a->st, &b->st, sizeof(a->st)),
       "stats: lines %llu/%llu blank %llu/%llu malformed %llu/%llu "
       "records %llu/%llu truncated %llu/%llu",
       (unsigned long long)a->st.lines, (unsigned long long)b->st.lines,
       (unsigned long long)a->st.blank, (unsigned long long)b->st.blank,
       (unsigned long long)a->st.malformed, (unsigned long long)b->st.malformed,
       (unsigned long long)a->st.records, (unsigned long long)b->st.records,
       (unsigned long long)a->st.truncated,
       (unsigned long long)b->st.truncated);
  DIFF(a->nissues != b->nissues, "issues %zu/%zu", a->nissues, b->nissues);
  for (i = 0; i < a->nissues; i++)
    DIFF(a->issues[i].file != b->issues[i].file ||
             a->issues[i].line != b->issues[i].line ||
             a->issues[i].kind != b->issues[i].kind,
         "issue %zu: %u:%llu/%u:%llu", i, a->issues[i].file,
         (unsigned long long)a->issues[i].line, b->issues[i].file,
         (unsigned long long)b->issues[i].line);
  DIFF(a->set.copies != b->set.copies, "copies %zu/%zu", a->set.copies,
       b->set.copies);
  DIFF(a->set.dropped_sidechain != b->set.dropped_sidechain,
       "dropped sidechain %zu/%zu", a->set.dropped_sidechain,
       b->set.dropped_sidechain);
  return transcript_diff_events(a, b, why, n);
}

int transcript_diff_events(const struct scan_result *a,
                           const struct scan_result *b, char *why, size_t n)
{
  size_t i;

  DIFF(a->set.n != b->set.n, "events %zu/%zu", a->set.n, b->set.n);
  for (i = 0; i < a->set.n; i++) {
    const struct event *x = &a->set.ev[i], *y = &b->set.ev[i];

    DIFF(x->key[0] != y->key[0] || x->key[1] != y->key[1] ||
             x->key_kind != y->key_kind,
         "event %zu: key", i);
    DIFF(x->ts_ms != y->ts_ms, "event %zu: ts", i);
    DIFF(memcmp(&x->tok, &y->tok, sizeof(x->tok)), "event %zu: tokens", i);
    DIFF(x->cost_usd != y->cost_usd || x->limit_reset != y->limit_reset ||
             x->web_search != y->web_search,
         "event %zu: cost/limit/web", i);
    DIFF(x->flags != y->flags, "event %zu: flags", i);
    DIFF(memcmp(x->uuid, y->uuid, sizeof(x->uuid)), "event %zu: uuid", i);
    DIFF(!str_eq(a, x->session, b, y->session), "event %zu: session", i);
    DIFF(!str_eq(a, x->model, b, y->model), "event %zu: model", i);
    DIFF(!str_eq(a, x->cwd, b, y->cwd), "event %zu: cwd", i);
    DIFF(!str_eq(a, x->file, b, y->file), "event %zu: file", i);
    DIFF(!str_eq(a, x->uuid_str, b, y->uuid_str), "event %zu: uuid_str", i);
  }
#undef DIFF
  return 0;
}

int transcript_world_setup(void **state)
{
  struct transcript_world *w = calloc(1, sizeof(*w));

  if (!w || tmptree_make(&w->t)) {
    free(w);
    return -1;
  }
  discover_init(&w->d);
  scan_result_init(&w->r);
  *state = w;
  return 0;
}

int transcript_world_teardown(void **state)
{
  struct transcript_world *w = *state;

  scan_result_release(&w->r);
  discover_release(&w->d);
  tmptree_remove(&w->t);
  free(w);
  return 0;
}

const char *transcript_path(struct transcript_world *w, const char *rel)
{
  w->next = (w->next + 1) % 4;
  return tmptree_path(&w->t, rel, w->paths[w->next], sizeof(w->paths[0]));
}

void transcript_put(struct transcript_world *w, const char *rel,
                    const char *data, size_t n)
{
  char path[512];

  snprintf(path, sizeof(path), "cfg/projects/%s", rel);
  assert_int_equal(tmptree_write(&w->t, path, data, n), 0);
}

void transcript_puts(struct transcript_world *w, const char *rel, const char *s)
{
  transcript_put(w, rel, s, strlen(s));
}

void transcript_world_discover(struct transcript_world *w)
{
  assert_int_equal(transcript_discover(transcript_path(w, "cfg"), &w->d), 0);
}

void transcript_scan_ok(const struct discover *d, struct scan_result *r,
                        uint64_t unit_bytes, int threads)
{
  assert_int_equal(transcript_scan(d, r, unit_bytes, threads), 0);
}

void transcript_world_scan(struct transcript_world *w)
{
  transcript_world_discover(w);
  transcript_scan_ok(&w->d, &w->r, 0, 1);
}

void transcript_line(struct buf *b, const char *id, const char *req, int sec,
                     unsigned in, unsigned out, const char *eol)
{
  struct transcript_rec r;

  memset(&r, 0, sizeof(r));
  r.id = id;
  r.req = req;
  r.session = "s1";
  r.cwd = "/home/u/proj";
  r.sec = sec;
  r.in = in;
  r.out = out;
  transcript_add(b, &r);
  buf_adds(b, eol);
}

const struct event *transcript_find(const struct scan_result *r, int64_t ts_ms)
{
  size_t i;

  for (i = 0; i < r->set.n; i++)
    if (r->set.ev[i].ts_ms == ts_ms)
      return &r->set.ev[i];
  return NULL;
}

const char *transcript_str(const struct scan_result *r, uint32_t id)
{
  const char *s = strtab_get(&r->set.strs, id);

  return s ? s : "(none)";
}
