/* Demo API calls: content blocks, usage, streaming copies, the oracle. */
/* SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <string.h>

#include "demo/internal.h"
#include "util/banned.h"

#define TTL_5M 300000LL
#define TTL_1H 3600000LL

static int pick_tool(struct demo_conv *c)
{
  /* Weights per tool, in enum demo_tool order (T_IMAGE is never drawn). */
  static const unsigned main_w[T_N] = {28, 28, 14, 5, 9, 5, 4, 4, 5, 2, 0};
  static const unsigned side_w[T_N] = {20, 45, 0, 0, 20, 15, 0, 0, 0, 0, 0};
  const unsigned *w = c->sidechain ? side_w : main_w;
  unsigned total = 0, x;
  int t;

  for (t = 0; t < T_N; t++)
    total += w[t];
  x = demo_rng_below(&c->rng, total);
  for (t = 0; t < T_N; t++) {
    if (x < w[t])
      break;
    x -= w[t];
  }
  if (t == T_WEB && !(c->feat & F_WEB))
    t = T_GREP;
  if (t == T_TASK && (!(c->feat & F_SUBAGENTS) || c->build == B_OLD ||
                      c->ncalls < 2 || c->nsubs >= 8))
    t = T_READ;
  return t;
}

static void add_block(struct demo_conv *c, struct demo_call *k, int kind,
                      uint64_t tokens)
{
  struct demo_block *b = &k->blk[k->nblk++];

  b->kind = kind;
  b->tokens = tokens ? tokens : 1;
  demo_id_uuid(&c->rng, b->uuid);
  if (kind != BLK_TOOL)
    return;
  b->tool = pick_tool(c);
  demo_id_tool(&c->rng, b->id);
  b->arg = demo_rng_below(&c->rng, 1u << 16);
  b->tokens += b->tool == T_WRITE ? demo_rng_heavy(&c->rng, 300, 4000)
                                  : demo_rng_heavy(&c->rng, 20, 400);
}

/* Copy times and output_tokens: partial snapshots or identical copies. */
static void plan_copies(struct demo_conv *c, struct demo_call *k, int64_t t0)
{
  int same_ts = k->ident && c->g->opts->parity;
  uint64_t partial = 0;
  int i;

  for (i = 0; i < k->nblk; i++) {
    struct demo_block *b = &k->blk[i];

    b->ts = i == 0 || same_ts
                ? t0
                : k->blk[i - 1].ts + demo_rng_range(&c->rng, 120, 1500);
    if (k->ident || i == k->nblk - 1) {
      b->out = k->out;
    } else {
      partial += 1 + demo_rng_below(&c->rng, 4);
      b->out = partial;
    }
  }
  if (!k->ident && k->out <= partial) {
    k->out = partial + 1 + demo_rng_below(&c->rng, 50);
    k->blk[k->nblk - 1].out = k->out;
  }
}

static void call_usage(struct demo_conv *c, struct demo_call *k)
{
  struct demo_rng *r = &c->rng;
  int64_t ttl = c->ttl_1h ? TTL_1H : TTL_5M;
  int64_t t0 = c->now + demo_rng_range(r, 700, 6000);
  uint64_t sys = 9000 + demo_rng_below(r, 9000), cw;
  int miss = c->last_call == INT64_MIN || t0 - c->last_call > ttl;

  if (miss) {
    uint64_t all = c->ctx + c->pending;

    k->cr = all < sys ? 0 : sys;
    cw = all - k->cr;
  } else {
    k->cr = c->ctx;
    cw = c->pending;
  }
  k->in = demo_rng_pct(r, 5) ? demo_rng_heavy(r, 100, 3000)
                             : 1 + demo_rng_below(r, 10);
  if (c->ttl_1h && demo_rng_pct(r, 85)) {
    k->cw1h = cw;
  } else if (c->ttl_1h) {
    k->cw1h = cw * 3 / 4;
    k->cw5 = cw - k->cw1h;
  } else {
    k->cw5 = cw;
  }
  plan_copies(c, k, t0);
}

void demo_call_plan(struct demo_conv *c, struct demo_call *k, int final,
                    int ntools_max, unsigned flags)
{
  struct demo_rng *r = &c->rng;
  int think = c->model != M_HAIKU45 && c->build != B_OLD;
  int i, ntools = 0;

  memset(k, 0, sizeof(*k));
  demo_id_msg(r, k->msg_id);
  demo_id_req(r, k->req_id);
  k->model = c->model;
  k->final = final;
  k->fast = (c->feat & F_FAST) &&
            (c->model == M_OPUS46 || c->model == M_OPUS47) &&
            demo_rng_pct(r, 70);
  k->ident = c->build == B_21 && demo_rng_pct(r, 70) && !(flags & CALL_GROW);
  k->has_id = !(flags & CALL_NOID);
  k->req = flags & CALL_NOREQ ? REQ_NONE : REQ_YES;
  k->zero_obj = (flags & CALL_ZERO) != 0;
  if (flags & CALL_ONE)
    think = 0;
  if (think && demo_rng_pct(r, final ? 30 : 45))
    add_block(c, k, BLK_THINK, demo_rng_heavy(r, 60, 4000));
  if ((flags & CALL_MULTI) && !k->nblk)
    add_block(c, k, BLK_TEXT, demo_rng_heavy(r, 10, 300));
  if (final || demo_rng_pct(r, 55))
    add_block(c, k, BLK_TEXT,
              final ? demo_rng_heavy(r, 40, 1500) : demo_rng_heavy(r, 10, 300));
  if (!final) {
    ntools = 1 + (demo_rng_pct(r, 20) ? (int)demo_rng_below(r, 3) : 0);
    if (ntools > ntools_max)
      ntools = ntools_max;
  }
  for (i = 0; i < ntools && k->nblk < DEMO_MAX_BLOCKS; i++)
    add_block(c, k, BLK_TOOL, 30);
  if (!k->nblk)
    add_block(c, k, BLK_TEXT, demo_rng_heavy(r, 10, 300));
  for (i = 0; i < k->nblk; i++) {
    k->out += k->blk[i].tokens;
    if (k->blk[i].kind == BLK_TOOL && k->blk[i].tool == T_WEB)
      k->web++;
  }
  call_usage(c, k);
}

static uint64_t copy_total(const struct demo_conv *c, const struct demo_call *k,
                           int i)
{
  uint64_t cw = k->zero_obj && c->build != B_OLD ? 0 : k->cw5 + k->cw1h;

  return k->in + k->blk[i].out + cw + k->cr;
}

static int readable(const struct demo_block *b)
{
  return b->shape == SHAPE_OK || b->shape == SHAPE_NONL;
}

static void add_copy(struct demo_conv *c, const struct demo_call *k, int i)
{
  const struct demo_model *m = &demo_models[k->model];
  struct demo_counts n = {0};

  n.calls = 1;
  n.input = k->in;
  n.output = k->blk[i].out;
  n.cache_creation = k->zero_obj && c->build != B_OLD ? 0 : k->cw5 + k->cw1h;
  n.cache_read = k->cr;
  demo_truth_add(c->g->truth, k->blk[i].ts,
                 k->fast && m->fast_key >= 0 ? m->fast_key : m->key, &n);
}

/*
 * transcript-format.md section 3.5: the non-sidechain copies (the main
 * chain, or a subagent's progress mirrors) win over sidechain ones; among
 * one side the largest total wins, then the earliest timestamp (copies are
 * in time order). Without message.id each line is its own call.
 */
void demo_call_register(struct demo_conv *c, const struct demo_call *k)
{
  int i, pass, best = -1;

  if (!c->reg || k->ignored)
    return;
  if (!k->has_id) {
    for (i = 0; i < k->nblk; i++)
      if (readable(&k->blk[i]))
        add_copy(c, k, i);
    return;
  }
  for (pass = 0; pass < 2 && best < 0; pass++) {
    for (i = 0; i < k->nblk; i++) {
      int nonside = !c->sidechain || (c->mirror && k->blk[i].kind == BLK_TOOL);

      if (!readable(&k->blk[i]))
        continue;
      if (pass == 0 ? !nonside : c->orphan)
        continue;
      if (best < 0 || copy_total(c, k, i) > copy_total(c, k, best))
        best = i;
    }
  }
  if (best >= 0)
    add_copy(c, k, best);
}

void demo_call_emit(struct demo_conv *c, struct demo_call *k)
{
  int i;

  for (i = 0; i < k->nblk; i++)
    demo_rec_copy(c, k, i);
  demo_call_register(c, k);
  c->last_call = k->blk[0].ts;
  c->ctx = k->cr + k->cw5 + k->cw1h;
  c->pending = k->out;
  c->now = k->blk[k->nblk - 1].ts;
  c->ncalls++;
  c->sub_tokens += copy_total(c, k, k->nblk - 1);
  for (i = 0; i < k->nblk; i++)
    c->sub_tools += k->blk[i].kind == BLK_TOOL;
  if (!c->sidechain && k->has_id && k->req == REQ_YES && !k->ignored) {
    memcpy(c->last_msg_id, k->msg_id, DEMO_MSGID_SZ);
    c->last_model = k->model;
  }
}
