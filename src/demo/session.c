/* Demo sessions: turns, subagents, compaction, /btw and the edge cases. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "demo/internal.h"
#include "util/banned.h"

#define MIN_MS 60000LL
#define HOUR_MS 3600000LL

static const char compact_prompt[] =
    "Your task is to create a detailed summary of the conversation so far, "
    "paying close attention to the user's explicit requests and your "
    "previous actions.\\nThis summary should be thorough in capturing "
    "technical details, code patterns, and architectural decisions that "
    "would be essential for continuing development work without losing "
    "context.";

static const char compact_intro[] =
    "This session is being continued from a previous conversation that ran "
    "out of context. The conversation is summarized below:\\n";

void demo_conv_init(struct demo_conv *c, struct demo_gen *g,
                    const struct demo_plan *p, uint64_t seed)
{
  const struct demo_project *pr = &g->projects[p->proj];

  memset(c, 0, sizeof(*c));
  c->g = g;
  c->plan = p;
  demo_rng_seed(&c->rng, seed);
  buf_init(&c->prompt, 0);
  buf_init(&c->report, 0);
  buf_init(&c->written, 0);
  buf_init(&c->scratch, 0);
  buf_init(&c->nest, 0);
  buf_init(&c->body, 0);
  buf_init(&c->tur, 0);
  c->session_id = p->sid;
  c->cwd = pr->cwd;
  c->version = p->version;
  c->branch = p->branch;
  c->build = p->build;
  c->lang = pr->lang;
  c->reg = 1;
  c->model = p->model;
  c->last_model = p->model;
  c->last_call = INT64_MIN;
  c->feat = p->feat;
  c->ttl_1h = (p->feat & F_1H) != 0;
  c->now = p->start;
  /* System prompt, tool definitions and CLAUDE.md come first. */
  c->pending = 14000 + demo_rng_below(&c->rng, 9000);
  if (p->feat & F_LONGCTX)
    c->pending += 195000; /* a huge log pasted into a 1M-context model */
}

void demo_conv_release(struct demo_conv *c)
{
  buf_release(&c->prompt);
  buf_release(&c->report);
  buf_release(&c->written);
  buf_release(&c->scratch);
  buf_release(&c->nest);
  buf_release(&c->body);
  buf_release(&c->tur);
}

/* Claude Code's project directory name: non-alphanumerics become '-'. */
static char encoded(char ch)
{
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                 (ch >= '0' && ch <= '9')
             ? ch
             : '-';
}

static void put_path(const struct demo_conv *c, struct buf *b,
                     const char *agent, const char *ext)
{
  const char *p;

  DEMO_LIT(b, "projects/");
  for (p = c->cwd; *p; p++)
    buf_addch(b, encoded(*p));
  buf_addch(b, '/');
  buf_adds(b, c->session_id);
  if (agent) {
    DEMO_LIT(b, "/subagents/agent-");
    buf_adds(b, agent);
  }
  buf_adds(b, ext);
}

/*
 * Opens an agent file held until the main file is complete, or a null sink
 * when nothing may be written (a replay, an orphan, a full table).
 */
static struct demo_out *agent_out(struct demo_conv *c, const char *agent,
                                  const char *ext, int drop,
                                  struct demo_out *null_out)
{
  struct buf path = BUF_INIT;
  struct demo_out *o = null_out;

  put_path(c, &path, agent, ext);
  if (!drop && !c->replay && c->held->n < DEMO_MAX_HELD) {
    o = &c->held->outs[c->held->n++];
    demo_out_open(o, &c->g->sink, DOUT_HOLD, path.data);
  } else {
    demo_out_open(o, &c->g->sink, DOUT_NULL, path.data);
  }
  buf_release(&path);
  return o;
}

/* A subagent-like conversation sharing the parent's envelope. */
static void side_init(struct demo_conv *s, struct demo_conv *c,
                      const char *prefix)
{
  static const char digits[] = "0123456789abcdef";
  char hex[8];
  size_t n;
  unsigned salt;

  demo_conv_init(s, c->g, c->plan, demo_rng_next(&c->rng));
  s->session_id = c->session_id;
  s->sidechain = 1;
  s->replay = c->replay;
  s->reg = c->reg;
  s->held = c->held;
  s->slug_on = c->slug_on;
  s->feat = 0;
  s->ttl_1h = 0;
  demo_id_hex(&c->rng, hex, prefix[0] ? 6 : 7);
  /* The last two digits count agents (offset by a per-session salt), so
   * no path is written twice. */
  n = strlen(hex);
  salt = (unsigned)(strchr(digits, c->session_id[0]) - digits) * 16 +
         (unsigned)(strchr(digits, c->session_id[1]) - digits);
  hex[n - 2] = digits[((c->nagents + salt) >> 4) & 15];
  hex[n - 1] = digits[(c->nagents + salt) & 15];
  c->nagents++;
  memcpy(s->agent_id, prefix, strlen(prefix));
  memcpy(s->agent_id + strlen(prefix), hex, strlen(hex) + 1);
  if (!prefix[0])
    s->agent_id[0] = 'a';
}

static void run_tools(struct demo_conv *c, const struct demo_call *k)
{
  int i;

  for (i = 0; i < k->nblk; i++)
    if (k->blk[i].kind == BLK_TOOL)
      demo_tool_run(c, k, &k->blk[i]);
}

static void sub_calls(struct demo_conv *s, unsigned ncalls)
{
  struct demo_call k;
  unsigned i;

  for (i = 0; i < ncalls; i++) {
    demo_call_plan(s, &k, i == ncalls - 1, 3, 0);
    demo_call_emit(s, &k);
    run_tools(s, &k);
  }
}

static void meta_file(struct demo_conv *c, const char *agent)
{
  struct demo_out nul, *o = agent_out(c, agent, ".meta.json", 0, &nul);

  demo_out_line_begin(o, DK_OTHER);
  DEMO_LIT(&o->b, "{\"agentType\":\"Explore\"}");
  demo_out_line_end(o, 0);
  if (o == &nul)
    demo_out_close(o);
}

void demo_sub_run(struct demo_conv *c, const struct demo_call *k,
                  const struct demo_block *blk)
{
  struct demo_conv s;
  struct demo_out nul;
  char uuid[DEMO_UUID_SZ];
  const char *pr;
  size_t n;
  uint32_t pick;

  side_init(&s, c, "");
  s.orphan = (c->feat & F_ORPHAN) && !c->orphan_done;
  c->orphan_done |= s.orphan;
  c->nsubs++;
  s.mirror = c->build == B_21 ? c : NULL;
  s.out = agent_out(c, s.agent_id, ".jsonl", s.orphan, &nul);
  pick = demo_rng_below(&s.rng, 10);
  s.model = pick < 5 ? M_HAIKU45 : pick < 8 ? M_SONNET45 : c->plan->model;
  s.now = c->now + demo_rng_range(&s.rng, 50, 400);
  s.pending = 8000 + demo_rng_below(&s.rng, 6000);
  pr = demo_text_get(&c->g->text, POOL_SUBPROMPT, blk->arg, &n);
  buf_add(&s.prompt, pr, n);
  memcpy(s.task_tool_id, blk->id, DEMO_TOOLID_SZ);
  memcpy(s.task_msg_id, k->msg_id, DEMO_MSGID_SZ);
  demo_id_uuid(&s.rng, uuid);
  demo_rec_prompt(&s, pr, n, 0, uuid);
  s.pending += n / 4;
  sub_calls(&s, 2 + demo_rng_below(&s.rng, 7));
  c->now = s.now + demo_rng_range(&c->rng, 100, 900);
  buf_reset(&c->report);
  buf_add(&c->report, s.report.data, s.report.len);
  c->sub_tokens = s.sub_tokens;
  c->sub_tools = s.sub_tools;
  memcpy(c->sub_agent_id, s.agent_id, sizeof(s.agent_id));
  if (s.out == &nul)
    demo_out_close(&nul);
  else
    meta_file(c, s.agent_id);
  demo_conv_release(&s);
}

/* /compact: the acompact agent summarises, the parent restarts from it. */
static void compact_run(struct demo_conv *c)
{
  struct demo_conv a;
  struct demo_out nul;
  struct demo_call k;
  char uuid[DEMO_UUID_SZ];
  struct buf text = BUF_INIT;

  side_init(&a, c, "acompact-");
  a.out = agent_out(c, a.agent_id, ".jsonl", 0, &nul);
  a.model = c->model;
  a.ctx = c->ctx;
  a.pending = c->pending;
  a.last_call = c->last_call;
  a.ttl_1h = c->ttl_1h;
  a.now = c->now + 500;
  memcpy(a.last_uuid, c->last_uuid, DEMO_UUID_SZ);
  demo_id_uuid(&a.rng, uuid);
  demo_rec_prompt(&a, compact_prompt, sizeof(compact_prompt) - 1, 0, uuid);
  demo_call_plan(&a, &k, 1, 0, 0);
  demo_call_emit(&a, &k);
  c->now = a.now + demo_rng_range(&c->rng, 300, 2000);
  demo_rec_system(c, "compact_boundary");
  buf_add(&text, compact_intro, sizeof(compact_intro) - 1);
  buf_add(&text, a.report.data, a.report.len);
  demo_id_uuid(&c->rng, uuid);
  demo_rec_prompt(c, text.data, text.len, PROMPT_COMPACT, uuid);
  c->ctx = 0;
  c->pending = 12000 + text.len / 4;
  c->last_call = INT64_MIN;
  if (a.out == &nul)
    demo_out_close(&nul);
  buf_release(&text);
  demo_conv_release(&a);
}

/*
 * /btw: a side question logged under subagents/ that replays the parent's
 * last message (same message.id, new requestId, big cache read), then
 * answers with a call of its own.
 */
static void btw_run(struct demo_conv *c)
{
  struct demo_conv b;
  struct demo_out nul;
  struct demo_call k;
  char uuid[DEMO_UUID_SZ];
  size_t n;
  const char *q;

  side_init(&b, c, "aside_question-");
  b.out = agent_out(c, b.agent_id, ".jsonl", 0, &nul);
  b.model = c->last_model;
  b.ctx = c->ctx;
  b.pending = c->pending;
  b.last_call = c->last_call;
  b.now = c->now + 1000;
  q = demo_text_get(&c->g->text, POOL_PROMPT, demo_rng_next(&b.rng) >> 40, &n);
  demo_id_uuid(&b.rng, uuid);
  demo_rec_prompt(&b, q, n, 0, uuid);
  demo_call_plan(&b, &k, 1, 0, CALL_ONE);
  memcpy(k.msg_id, c->last_msg_id, DEMO_MSGID_SZ);
  k.ignored = 1; /* the parent's copy is the call */
  demo_call_emit(&b, &k);
  demo_call_plan(&b, &k, 1, 0, 0);
  demo_call_emit(&b, &k);
  c->now += 500;
  if (b.out == &nul)
    demo_out_close(&nul);
  demo_conv_release(&b);
}

/* The session reached its share of a --size-mb target (never in a replay). */
static int over(const struct demo_conv *c)
{
  uint64_t bytes = c->out->bytes;
  int i;

  if (!c->plan->budget || c->replay)
    return 0;
  for (i = 0; i < c->held->n; i++)
    bytes += c->held->outs[i].bytes;
  return bytes >= c->plan->budget;
}

static uint64_t compact_limit(const struct demo_conv *c)
{
  return c->feat & F_LONGCTX ? 700000 : 160000;
}

/* Special calls of turn 1: each edge case a session carries. */
static unsigned turn_flags(struct demo_conv *c, unsigned t, unsigned i,
                           unsigned ncalls)
{
  unsigned f = 0;

  if (t != 1)
    return 0;
  if ((c->feat & F_NOREQ) && i < 2)
    f |= CALL_NOREQ | CALL_GROW | CALL_MULTI;
  if ((c->feat & F_NOID) && i == ncalls - 1)
    f |= CALL_NOID | CALL_MULTI;
  if ((c->feat & F_ZEROOBJ) && i == 0)
    f |= CALL_ZERO;
  return f;
}

static void turn_calls(struct demo_conv *c, unsigned t, unsigned ncalls)
{
  struct demo_call k;
  unsigned i;

  for (i = 0; i < ncalls; i++) {
    int last = i == ncalls - 1;

    if (!last && i && over(c)) {
      last = 1; /* wrap the turn up: the size target is reached */
      c->cut = 1;
    }
    if (i && c->ctx + c->pending > compact_limit(c))
      compact_run(c); /* auto-compact before the window fills */
    demo_call_plan(c, &k, last, 3, turn_flags(c, t, i, ncalls));
    if ((c->feat & F_HUGE) && t == 1 && i == 0 &&
        k.blk[k.nblk - 1].kind == BLK_TOOL)
      k.blk[k.nblk - 1].tool = T_IMAGE;
    if ((c->feat & F_CRLF) && t == 0 && i == 0)
      c->crlf_next = 1;
    demo_call_emit(c, &k);
    run_tools(c, &k);
    if ((c->feat & F_SYNTH) && t == 1 && i == 0) {
      demo_rec_system(c, "api_error");
      c->now += 2000;
      demo_rec_synthetic(c,
                         "API Error: 529 {\"type\":\"error\",\"error\":"
                         "{\"type\":\"overloaded_error\",\"message\":"
                         "\"Overloaded\"}}",
                         0);
    }
    if (last)
      break;
  }
}

static void turn_run(struct demo_conv *c, unsigned t)
{
  struct buf *b = &c->body;
  char uuid[DEMO_UUID_SZ];
  unsigned ncalls;
  int model = c->model;

  if (c->ctx + c->pending > compact_limit(c) ||
      ((c->feat & F_COMPACT) && t == 2))
    compact_run(c);
  demo_id_uuid(&c->rng, uuid);
  if (c->build != B_OLD)
    demo_rec_snapshot(c, uuid, 0);
  buf_reset(b);
  demo_text_pick(&c->g->text, &c->rng, b, POOL_PROMPT);
  demo_rec_prompt(c, b->data, b->len, 0, uuid);
  c->pending += 40 + b->len / 4;
  if ((c->feat & F_UNPRICED) && t == 1) {
    demo_rec_system(c, "local_command");
    c->model = M_EXP9;
  }
  ncalls = 2 + (unsigned)demo_rng_heavy(&c->rng, 1, 16);
  turn_calls(c, t, ncalls);
  c->model = model;
  if (c->build == B_21) {
    c->now += demo_rng_range(&c->rng, 20, 900);
    if (demo_rng_pct(&c->rng, 60))
      demo_rec_system(c, "stop_hook_summary");
    demo_rec_system(c, "turn_duration");
  }
  if ((c->feat & F_BTW) && t == 1 && c->last_msg_id[0])
    btw_run(c);
  if (demo_rng_pct(&c->rng, 15)) {
    demo_rec_misc(c, MISC_ENQUEUE);
    demo_rec_misc(c, MISC_REMOVE);
  }
  c->slug_on = 1;
  c->now += (int64_t)demo_rng_heavy(&c->rng, 15000, 40 * MIN_MS);
}

static void prologue(struct demo_conv *c)
{
  int i, n;

  if (c->build != B_21) {
    if (demo_rng_pct(&c->rng, 40))
      demo_rec_misc(c, MISC_SUMMARY);
    return;
  }
  n = 1 + (int)demo_rng_below(&c->rng, 3);
  for (i = 0; i < n; i++)
    demo_rec_hook(c, "SessionStart",
                  i ? "bd prime" : "$HOME/.claude/hooks/notify.sh");
  if (demo_rng_pct(&c->rng, 30))
    demo_rec_misc(c, MISC_ATTACH);
  if (demo_rng_pct(&c->rng, 10))
    demo_rec_misc(c, MISC_PERMMODE);
}

/* Lines no reader may count: each is a call of its own, never registered. */
static void bad_lines(struct demo_conv *c)
{
  static const char bad[] = "ls \xff\xfe caf\xc3 (latin-1 name)";
  struct demo_out *o = c->out;
  struct demo_call k;
  char uuid[DEMO_UUID_SZ];

  demo_out_line_begin(o, DK_OTHER);
  demo_out_line_end(o, 1);
  demo_out_line_begin(o, DK_OTHER);
  DEMO_LIT(&o->b, "   \t ");
  demo_out_line_end(o, 1);
  demo_id_uuid(&c->rng, uuid);
  demo_rec_prompt(c, bad, sizeof(bad) - 1, PROMPT_META, uuid);
  demo_call_plan(c, &k, 1, 0, CALL_ONE);
  k.blk[0].shape = SHAPE_BROKEN;
  demo_call_emit(c, &k);
  demo_call_plan(c, &k, 1, 0, CALL_ONE);
  k.req = REQ_NULL;
  k.ignored = 1;
  demo_call_emit(c, &k);
  demo_call_plan(c, &k, 1, 0, CALL_ONE);
  k.blk[0].shape = SHAPE_SPACED;
  k.ignored = 1;
  demo_call_emit(c, &k);
}

static void epilogue(struct demo_conv *c)
{
  struct demo_call k;

  if (c->feat & F_BAD)
    bad_lines(c);
  if (c->feat & F_SYNTH) {
    char text[80];
    struct buf b = BUF_INIT;
    int64_t reset = (c->now / (5 * HOUR_MS) + 1) * 5 * HOUR_MS / 1000;

    buf_adds(&b, "Claude AI usage limit reached|");
    demo_put_u64(&b, (uint64_t)reset);
    memcpy(text, b.data, b.len + 1);
    buf_release(&b);
    c->now += 3000;
    demo_rec_synthetic(c, text, 1);
  }
  if (c->build == B_21 && demo_rng_pct(&c->rng, 50))
    demo_rec_misc(c, demo_rng_pct(&c->rng, 50) ? MISC_TITLE : MISC_LASTPROMPT);
  if (!(c->feat & (F_TRUNC | F_NONL)))
    return;
  /* The file's last line: cut mid-JSON, or complete without '\n'. */
  demo_call_plan(c, &k, 1, 0, CALL_MULTI);
  k.blk[k.nblk - 1].shape = c->feat & F_TRUNC ? SHAPE_CUT : SHAPE_NONL;
  demo_call_emit(c, &k);
}

/* Writes the first `turns` turns of plan `from` again, as session p. */
static void replay(struct demo_conv *c, struct demo_gen *g,
                   const struct demo_plan *from, unsigned turns)
{
  struct demo_conv r;
  unsigned t;

  demo_conv_init(&r, g, from, from->seed);
  r.session_id = c->session_id;
  r.replay = 1;
  r.reg = 0;
  r.out = c->out;
  r.held = c->held;
  c->out->keep_mask = DK_USER | DK_ASSISTANT;
  prologue(&r);
  for (t = 0; t < turns; t++)
    turn_run(&r, t);
  c->out->keep_mask = DK_ALL;
  c->ctx = r.ctx;
  c->pending = r.pending;
  c->last_call = r.last_call;
  c->slug_on = 1;
  memcpy(c->last_uuid, r.last_uuid, DEMO_UUID_SZ);
  if (c->now < r.now + 20 * MIN_MS)
    c->now = r.now + 20 * MIN_MS + demo_rng_range(&c->rng, 0, 6 * HOUR_MS);
  demo_conv_release(&r);
}

unsigned demo_session_run(struct demo_gen *g, const struct demo_plan *p,
                          const struct demo_plan *from, unsigned from_turns)
{
  struct demo_held held;
  struct demo_out main_out;
  struct demo_conv c;
  struct buf path = BUF_INIT;
  unsigned t;
  int i;

  memset(&held, 0, sizeof(held));
  demo_conv_init(&c, g, p, p->seed);
  put_path(&c, &path, NULL, ".jsonl");
  demo_out_open(&main_out, &g->sink, DOUT_STREAM, path.data);
  buf_release(&path);
  c.out = &main_out;
  c.held = &held;
  if (from)
    replay(&c, g, from, from_turns);
  prologue(&c);
  for (t = 0; t < p->turns; t++) {
    if (c.now > p->deadline || (t && over(&c)))
      break;
    turn_run(&c, t);
  }
  epilogue(&c);
  demo_out_close(&main_out);
  for (i = 0; i < held.n; i++)
    demo_out_close(&held.outs[i]);
  g->sink.st.sessions++;
  demo_conv_release(&c);
  return t - (unsigned)c.cut; /* a cut turn cannot be replayed */
}
