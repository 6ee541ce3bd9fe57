/* Internals of the demo corpus generator, shared by src/demo only. */
/* SPDX-License-Identifier: MIT */
#ifndef TOKMETER_DEMO_INTERNAL_H
#define TOKMETER_DEMO_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "demo/demo.h"
#include "util/buf.h"

/* ---- rng.c: xoshiro256** seeded by splitmix64, and id formatting ---- */

struct demo_rng {
  uint64_t s[4];
};

void demo_rng_seed(struct demo_rng *r, uint64_t seed);
uint64_t demo_rng_next(struct demo_rng *r);
/* Uniform in [0, n) (n > 0). */
uint32_t demo_rng_below(struct demo_rng *r, uint32_t n);
/* Uniform in [lo, hi]. */
int64_t demo_rng_range(struct demo_rng *r, int64_t lo, int64_t hi);
/* True with probability pct/100. */
int demo_rng_pct(struct demo_rng *r, unsigned pct);
/* Heavy-tailed in [lo, hi]: mostly near lo, sometimes up to hi. */
uint64_t demo_rng_heavy(struct demo_rng *r, uint64_t lo, uint64_t hi);
/* A well-mixed seed derived from a and b. */
uint64_t demo_mix(uint64_t a, uint64_t b);

/* NUL-terminated ids written into out (sizes include the NUL). */
enum {
  DEMO_UUID_SZ = 37,  /* 8-4-4-4-12 hex, version 4 */
  DEMO_MSGID_SZ = 29, /* msg_01 + 22 base58 */
  DEMO_REQID_SZ = 29, /* req_011C + 20 base58 */
  DEMO_TOOLID_SZ = 31 /* toolu_01 + 22 base58 */
};
void demo_id_uuid(struct demo_rng *r, char *out);
void demo_id_msg(struct demo_rng *r, char *out);
void demo_id_req(struct demo_rng *r, char *out);
void demo_id_tool(struct demo_rng *r, char *out);
/* n lowercase hex digits. */
void demo_id_hex(struct demo_rng *r, char *out, size_t n);

/* ---- out.c: line sinks ---- */

/* Record kinds, used to filter a replayed history. */
enum demo_kind {
  DK_USER = 1 << 0,
  DK_ASSISTANT = 1 << 1,
  DK_PROGRESS = 1 << 2,
  DK_OTHER = 1 << 3,
  DK_ALL = 0xf
};

enum demo_out_mode {
  DOUT_STREAM, /* flushes to the callback as it goes */
  DOUT_HOLD,   /* keeps the whole file until demo_out_flush_file() */
  DOUT_NULL    /* renders and drops (keeps random draws in step) */
};

/*
 * One output file being written. Records are appended to `b` between
 * demo_out_line_begin() and demo_out_line_end(); a line whose kind is not
 * in keep_mask is rolled back at its end.
 */
struct demo_out {
  int mode;
  struct buf b;
  char path[256];
  size_t line_start;
  unsigned kind;      /* kind of the current line */
  unsigned keep_mask; /* DK_ALL normally */
  int line_usage;     /* the current line carries "usage":{ */
  uint64_t bytes;     /* bytes of kept lines, this file */
  int jsonl;          /* a transcript (counts in demo_stats.lines) */
  struct demo_sink *sink;
};

/* Where finished bytes go, and the counters. */
struct demo_sink {
  demo_write_cb cb;
  void *ctx;
  int rc; /* first non-zero callback result */
  struct demo_stats st;
};

void demo_out_open(struct demo_out *o, struct demo_sink *s, int mode,
                   const char *relpath);
void demo_out_line_begin(struct demo_out *o, unsigned kind);
/* Ends the line; nl = 0 leaves it without '\n' (a file's last line). */
void demo_out_line_end(struct demo_out *o, int nl);
/* Sends what is held and ends the file (no-op for DOUT_NULL); frees b. */
void demo_out_close(struct demo_out *o);

/* JSON building blocks; all append to b. */
/* s must be a string literal (sizeof is taken). */
#define DEMO_LIT(b, s) buf_add((b), "" s, sizeof(s) - 1)
void demo_put_u64(struct buf *b, uint64_t v);
/* "YYYY-MM-DDTHH:MM:SS.mmmZ" without quotes. */
void demo_put_ts(struct buf *b, int64_t ms);
/* JSON string body (no quotes) with escaping. */
void demo_put_esc(struct buf *b, const char *s, size_t n);
/* "key":"value" pieces: ,"k":"v" and ,"k":n. */
void demo_put_kv(struct buf *b, const char *k, const char *v);
void demo_put_kn(struct buf *b, const char *k, uint64_t v);

/* ---- text.c: content pools (escaped once) and content builders ---- */

enum demo_lang { LANG_C, LANG_TS, LANG_PY, LANG_GO, LANG_N };

struct demo_pool {
  const char **s; /* escaped strings */
  uint32_t *n;
  uint32_t count;
};

enum demo_pool_id {
  POOL_PROSE,
  POOL_THINK,
  POOL_PROMPT,
  POOL_SUBPROMPT,
  POOL_CODE_C,
  POOL_CODE_TS,
  POOL_CODE_PY,
  POOL_CODE_GO,
  POOL_SHELL,
  POOL_CMD,
  POOL_FILE_C,
  POOL_FILE_TS,
  POOL_FILE_PY,
  POOL_FILE_GO,
  POOL_QUERY,
  POOL_TITLE,
  POOL_WORD,
  POOL_N
};

/* The raw (unescaped) pools, in enum demo_pool_id order (text_data.c). */
struct demo_raw_pool {
  const char *const *s;
  size_t count;
};
const struct demo_raw_pool *demo_text_raw(size_t *count);

struct demo_text {
  struct demo_pool pools[POOL_N];
  struct buf arena; /* the escaped bytes */
};

void demo_text_init(struct demo_text *t);
void demo_text_release(struct demo_text *t);
/* Appends a random element of pool p; returns its length. */
size_t demo_text_pick(const struct demo_text *t, struct demo_rng *r,
                      struct buf *b, int p);
/* Sentences of prose (escaped) about n bytes long. */
void demo_text_prose(const struct demo_text *t, struct demo_rng *r,
                     struct buf *b, int pool, size_t n);
/*
 * About n bytes of source lines appended to raw, and the same lines with
 * "    12→" prefixes to num (if not NULL). Returns the number of lines.
 */
uint32_t demo_text_code(const struct demo_text *t, struct demo_rng *r,
                        struct buf *raw, struct buf *num, int lang, size_t n,
                        uint32_t first_line);
/* Element i (modulo the pool size) of pool p, escaped. */
const char *demo_text_get(const struct demo_text *t, int p, uint32_t i,
                          size_t *n);
/* About n bytes of command output lines. */
void demo_text_shell(const struct demo_text *t, struct demo_rng *r,
                     struct buf *b, size_t n);
/* n base64 characters (an image or a signature). */
void demo_text_base64(struct demo_rng *r, struct buf *b, size_t n);
/* A relative file path of the language. */
void demo_text_path(const struct demo_text *t, struct demo_rng *r,
                    struct buf *b, int lang);

/* ---- truth.c ---- */

/* Adds one call to the oracle. */
void demo_truth_add(struct demo_truth *t, int64_t ts_ms, int model_key,
                    const struct demo_counts *c);

/* ---- corpus.c: fixed tables ---- */

enum demo_model_id {
  M_OPUS47,
  M_OPUS46,
  M_SONNET45,
  M_HAIKU45,
  M_SONNET4,
  M_OPUS48,
  M_EXP9,
  M_SYNTH,
  M_N
};

struct demo_model {
  const char *name;
  int key;      /* index in demo_model_keys */
  int fast_key; /* key with "-fast", or -1 */
};
extern const struct demo_model demo_models[M_N];

struct demo_project {
  const char *cwd;
  const char *branches[3];
  int lang;
};

/* Session features (see corpus.c for which session gets which). */
enum demo_feat {
  F_SUBAGENTS = 1u << 0, /* Task calls with subagent files and progress */
  F_ORPHAN = 1u << 1,    /* the first subagent's file is missing */
  F_BTW = 1u << 2,       /* a /btw sidechain replay file */
  F_SYNTH = 1u << 3,     /* <synthetic> API error records */
  F_HUGE = 1u << 4,      /* a tool result with megabytes of base64 */
  F_BAD = 1u << 5,       /* blank, malformed, bad UTF-8, ignored lines */
  F_TRUNC = 1u << 6,     /* last line cut mid-JSON, no newline */
  F_NONL = 1u << 7,      /* complete last line without newline */
  F_NOREQ = 1u << 8,     /* copies without requestId (not parity) */
  F_NOID = 1u << 9,      /* records without message.id (not parity) */
  F_LONGCTX = 1u << 10,  /* context above 200k tokens */
  F_FAST = 1u << 11,     /* speed "fast" */
  F_UNPRICED = 1u << 12, /* a few calls on an unpriced model */
  F_1H = 1u << 13,       /* 1-hour cache writes */
  F_COMPACT = 1u << 14,  /* a compaction with its acompact agent */
  F_ZEROOBJ = 1u << 15,  /* cache_creation object of zeros, field > 0 */
  F_CRLF = 1u << 16,     /* one line ending in \r\n */
  F_WEB = 1u << 17,      /* web searches */
  F_RESUME = 1u << 18,   /* starts with a copy of the previous session */
  F_MIDNIGHT = 1u << 19  /* starts just before midnight */
};

/* Claude Code build families: what a version writes. */
enum demo_build {
  B_OLD, /* 1.0.x: costUSD, no cache_creation object, no slug */
  B_20,  /* 2.0.x: streaming partials, no inference_geo */
  B_21   /* 2.1.x: slug, inference_geo, progress mirrors, hooks */
};

/* Everything that determines one main session; a pure value. */
struct demo_plan {
  unsigned index;
  uint64_t seed;
  int proj;
  int model;
  const char *version;
  int build;
  int speed_field; /* writes usage.speed */
  const char *branch;
  int64_t start;    /* UTC ms */
  int64_t deadline; /* no turn starts after this */
  unsigned turns;
  unsigned feat;
  uint64_t budget; /* bytes; wrap up once reached; 0 = none */
  char sid[DEMO_UUID_SZ];
  char slug[64];
};

/* ---- session.c ---- */

struct demo_gen {
  const struct demo_opts *opts;
  struct demo_sink sink;
  struct demo_truth *truth;
  struct demo_text text;
  const struct demo_project *projects;
};

enum { DEMO_MAX_HELD = 32 };

/* A session's subagent files, held until its main file is complete. */
struct demo_held {
  struct demo_out outs[DEMO_MAX_HELD];
  int n;
};

/*
 * One conversation being written: a main session, or a subagent whose
 * records go to its own file and (mirror) into the parent as progress.
 * Random draws never depend on where lines go, so a replay (or a dropped
 * orphan file) consumes the same numbers as the original.
 */
struct demo_conv {
  struct demo_gen *g;
  const struct demo_plan *plan;
  struct demo_rng rng;
  struct demo_out *out;     /* this conversation's file */
  struct demo_held *held;   /* where subagent files go */
  struct demo_conv *mirror; /* parent receiving progress records */
  const char *session_id;   /* the file's session (parent's for agents) */
  const char *cwd;
  const char *version;
  const char *branch;
  int build;
  int lang;
  int sidechain;
  int replay; /* re-writing history: register nothing */
  int reg;    /* register calls in the truth */
  int orphan; /* the file is missing: mirrors count */
  int slug_on;
  char agent_id[40];            /* "" for the main chain */
  char last_uuid[DEMO_UUID_SZ]; /* "" = parentUuid null */
  int64_t now;
  /* usage state */
  int model;
  uint64_t ctx;      /* tokens in the cached prefix */
  uint64_t pending;  /* tokens added since the last call */
  int64_t last_call; /* ms of the last call, INT64_MIN = none */
  int ttl_1h;
  unsigned feat;
  unsigned ncalls;
  unsigned nsubs;   /* Task subagents started */
  unsigned nagents; /* side conversations started (agent ids) */
  int orphan_done;  /* the orphan subagent was written */
  /* progress mirror data (subagents) */
  struct buf prompt; /* escaped Task prompt */
  char task_tool_id[DEMO_TOOLID_SZ];
  char task_msg_id[DEMO_MSGID_SZ];
  /* remembered for Task results, Write results and /btw */
  struct buf report;  /* escaped final text of a subagent */
  struct buf written; /* escaped content of the last Write */
  char last_msg_id[DEMO_MSGID_SZ];
  int last_model;
  uint64_t sub_tokens; /* tokens of the conversation, for Task */
  unsigned sub_tools;
  char sub_agent_id[40]; /* agentId of the last Task subagent */
  int crlf_next;         /* end the next line with \r\n */
  int cut;               /* a turn ended early for the size target */
  struct buf scratch;    /* message objects shared by file and mirror */
  struct buf nest;       /* nested records for progress mirrors */
  struct buf body;       /* tool output, shared by content and result */
  struct buf tur;        /* toolUseResult of a tool_result line */
};

/* ---- call.c: one API call ---- */

enum demo_blk_kind { BLK_THINK, BLK_TEXT, BLK_TOOL };

enum demo_tool {
  T_BASH,
  T_READ,
  T_EDIT,
  T_WRITE,
  T_GREP,
  T_GLOB,
  T_TODO,
  T_WEB,
  T_TASK,
  T_MCP,
  T_IMAGE, /* Read of a screenshot: megabytes of base64 */
  T_N
};

struct demo_block {
  int kind;
  int tool;
  uint64_t tokens; /* output tokens of this block */
  uint64_t out;    /* output_tokens written on this block's copy */
  int64_t ts;
  int shape; /* enum demo_shape */
  char uuid[DEMO_UUID_SZ];
  char id[DEMO_TOOLID_SZ]; /* tool_use id */
  uint32_t arg;            /* tool-specific choice (prompt index, ...) */
};

enum demo_req { REQ_YES, REQ_NONE, REQ_NULL };

/* How a copy's line is written; all but SHAPE_OK/SHAPE_NONL are unreadable. */
enum demo_shape {
  SHAPE_OK,
  SHAPE_NONL,   /* complete, no trailing newline (file's last line) */
  SHAPE_CUT,    /* cut mid-JSON, no newline (file's last line) */
  SHAPE_BROKEN, /* cut mid-JSON, newline, more lines follow */
  SHAPE_SPACED  /* spaces after ':' and ',' ("usage": {) */
};

enum { DEMO_MAX_BLOCKS = 6 };

struct demo_call {
  char msg_id[DEMO_UUID_SZ]; /* msg_01... (a uuid for <synthetic>) */
  char req_id[DEMO_REQID_SZ];
  int has_id;
  int req; /* enum demo_req */
  int model;
  int fast;
  int ident;    /* every copy has the final usage */
  int zero_obj; /* cache_creation object of zeros */
  int ignored;  /* deliberately unreadable: not in the truth */
  int final;    /* last call of a turn: text only, end_turn */
  uint64_t in, cw5, cw1h, cr, out, web;
  int nblk;
  struct demo_block blk[DEMO_MAX_BLOCKS];
};

enum demo_call_flag {
  CALL_GROW = 1,  /* streaming partials, never identical copies */
  CALL_MULTI = 2, /* at least two copies */
  CALL_ONE = 4,   /* a single text block */
  CALL_NOREQ = 8, /* no requestId */
  CALL_NOID = 16, /* no message.id */
  CALL_ZERO = 32  /* cache_creation object of zeros */
};
/* Plans a call of conversation c (blocks, usage, copy times). */
void demo_call_plan(struct demo_conv *c, struct demo_call *k, int final,
                    int ntools_max, unsigned flags);
/* Writes every copy, registers the call, advances the clock. */
void demo_call_emit(struct demo_conv *c, struct demo_call *k);
/* Adds the call to the truth per section 3.5 (if c->reg). */
void demo_call_register(struct demo_conv *c, const struct demo_call *k);

/* ---- record.c: lines ---- */

/* {"parentUuid":..,"isSidechain":.. ..."slug":"..", (a comma ends it). */
void demo_rec_env(struct demo_conv *c, struct buf *b, const char *parent);
enum demo_prompt_flag { PROMPT_META = 1, PROMPT_COMPACT = 2 };
/* A user line with string content (escaped text), chained as uuid. */
void demo_rec_prompt(struct demo_conv *c, const char *text, size_t n, int flags,
                     const char *uuid);
/* One content-block copy of a call (and its progress mirror). */
void demo_rec_copy(struct demo_conv *c, const struct demo_call *k, int i);
/*
 * Writes nested[0..n) (a record of subagent c) into c->mirror's file as an
 * agent_progress line; ts is the nested record's timestamp.
 */
void demo_rec_mirror(struct demo_conv *c, const char *nested, size_t n,
                     int64_t ts);
void demo_rec_snapshot(struct demo_conv *c, const char *msg_uuid, int update);
void demo_rec_hook(struct demo_conv *c, const char *event, const char *cmd);
void demo_rec_system(struct demo_conv *c, const char *subtype);
void demo_rec_synthetic(struct demo_conv *c, const char *text, int limit);
enum demo_misc {
  MISC_SUMMARY,
  MISC_ENQUEUE,
  MISC_REMOVE,
  MISC_TITLE,
  MISC_LASTPROMPT,
  MISC_PERMMODE,
  MISC_ATTACH
};
void demo_rec_misc(struct demo_conv *c, int which);

/* ---- tools.c: tool inputs and results ---- */

const char *demo_tool_name(int tool);
/* The input object of a tool_use block ({...}). */
void demo_tool_input(struct demo_conv *c, const struct demo_block *blk,
                     struct buf *b);
/* Runs the tool: progress lines, maybe a subagent, the tool_result line. */
void demo_tool_run(struct demo_conv *c, const struct demo_call *k,
                   const struct demo_block *blk);

/* ---- session.c ---- */

void demo_conv_init(struct demo_conv *c, struct demo_gen *g,
                    const struct demo_plan *p, uint64_t seed);
void demo_conv_release(struct demo_conv *c);
/*
 * Runs the subagent of a Task block of c: its file (held), its progress
 * mirror in c; leaves its report, tokens and id in c for the result.
 */
void demo_sub_run(struct demo_conv *c, const struct demo_call *k,
                  const struct demo_block *blk);
/*
 * Runs one main session (plan p), replaying the first from_turns turns of
 * `from` first if not NULL. Returns the number of complete turns written.
 */
unsigned demo_session_run(struct demo_gen *g, const struct demo_plan *p,
                          const struct demo_plan *from, unsigned from_turns);

#endif
