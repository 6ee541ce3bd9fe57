/* Demo transcript lines: envelopes, assistant copies, progress, system. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "demo/internal.h"
#include "util/banned.h"

static void put_str(struct buf *b, const char *s)
{
  buf_addch(b, '"');
  demo_put_esc(b, s, strlen(s));
  buf_addch(b, '"');
}

static void put_bool(struct buf *b, int v)
{
  if (v)
    DEMO_LIT(b, "true");
  else
    DEMO_LIT(b, "false");
}

/* Appends "uuid":"..","timestamp":".." (the common record tail). */
static void put_tail(struct buf *b, const char *uuid, int64_t ts)
{
  DEMO_LIT(b, "\"uuid\":\"");
  buf_adds(b, uuid);
  DEMO_LIT(b, "\",\"timestamp\":\"");
  demo_put_ts(b, ts);
  buf_addch(b, '"');
}

/* The envelope after parentUuid: isSidechain ... slug, then a comma. */
static void env_rest(struct demo_conv *c, struct buf *b)
{
  DEMO_LIT(b, ",\"isSidechain\":");
  put_bool(b, c->sidechain);
  DEMO_LIT(b, ",\"userType\":\"external\"");
  demo_put_kv(b, "cwd", c->cwd);
  demo_put_kv(b, "sessionId", c->session_id);
  demo_put_kv(b, "version", c->version);
  demo_put_kv(b, "gitBranch", c->branch);
  if (c->agent_id[0])
    demo_put_kv(b, "agentId", c->agent_id);
  if (c->slug_on && c->build != B_OLD)
    demo_put_kv(b, "slug", c->plan->slug);
  buf_addch(b, ',');
}

void demo_rec_env(struct demo_conv *c, struct buf *b, const char *parent)
{
  DEMO_LIT(b, "{\"parentUuid\":");
  if (parent && *parent)
    put_str(b, parent);
  else
    DEMO_LIT(b, "null");
  env_rest(c, b);
}

static void line_end(struct demo_conv *c, struct demo_out *o)
{
  if (c->crlf_next) {
    buf_addch(&o->b, '\r');
    c->crlf_next = 0;
  }
  demo_out_line_end(o, 1);
}

void demo_rec_prompt(struct demo_conv *c, const char *text, size_t n, int flags,
                     const char *uuid)
{
  struct buf *b = &c->out->b;

  demo_out_line_begin(c->out, DK_USER);
  demo_rec_env(c, b, c->last_uuid);
  DEMO_LIT(b,
           "\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":\"");
  buf_add(b, text, n);
  DEMO_LIT(b, "\"},");
  if (flags & PROMPT_META)
    DEMO_LIT(b, "\"isMeta\":true,");
  if (flags & PROMPT_COMPACT)
    DEMO_LIT(b,
             "\"isVisibleInTranscriptOnly\":true,\"isCompactSummary\":true,");
  put_tail(b, uuid, c->now);
  if (!flags && !c->sidechain && c->build == B_21)
    DEMO_LIT(b, ",\"thinkingMetadata\":{\"maxThinkingTokens\":31999},"
                "\"todos\":[],\"permissionMode\":\"bypassPermissions\"");
  buf_addch(b, '}');
  line_end(c, c->out);
  memcpy(c->last_uuid, uuid, DEMO_UUID_SZ);
  if (c->mirror && !flags) {
    struct buf *nb = &c->nest;

    buf_reset(nb);
    DEMO_LIT(nb, "{\"type\":\"user\",\"message\":{\"role\":\"user\","
                 "\"content\":[{\"type\":\"text\",\"text\":\"");
    buf_add(nb, text, n);
    DEMO_LIT(nb, "\"}]},");
    put_tail(nb, uuid, c->now);
    buf_addch(nb, '}');
    demo_rec_mirror(c, nb->data, nb->len, c->now);
  }
}

void demo_rec_mirror(struct demo_conv *c, const char *nested, size_t n,
                     int64_t ts)
{
  struct demo_conv *p = c->mirror;
  struct demo_out *o = p->out;
  struct buf *b = &o->b;
  char uuid[DEMO_UUID_SZ];
  int64_t outer_ts = ts + (int64_t)demo_rng_below(&c->rng, 2);

  demo_id_uuid(&c->rng, uuid);
  demo_out_line_begin(o, DK_PROGRESS);
  o->line_usage = memmem(nested, n, "\"usage\":{", 9) != NULL;
  demo_rec_env(p, b, p->last_uuid);
  DEMO_LIT(b, "\"type\":\"progress\",\"data\":{\"message\":");
  buf_add(b, nested, n);
  DEMO_LIT(b, ",\"normalizedMessages\":[],\"type\":\"agent_progress\","
              "\"prompt\":\"");
  buf_add(b, c->prompt.data, c->prompt.len);
  DEMO_LIT(b, "\",\"agentId\":\"");
  buf_adds(b, c->agent_id);
  DEMO_LIT(b, "\"},\"toolUseID\":\"agent_msg_");
  buf_adds(b, c->task_msg_id + 4);
  DEMO_LIT(b, "\",\"parentToolUseID\":\"");
  buf_adds(b, c->task_tool_id);
  DEMO_LIT(b, "\",");
  put_tail(b, uuid, outer_ts);
  buf_addch(b, '}');
  line_end(p, o);
  memcpy(p->last_uuid, uuid, DEMO_UUID_SZ);
}

static void put_usage(struct demo_conv *c, const struct demo_call *k,
                      uint64_t out, struct buf *b)
{
  uint64_t cw = k->cw5 + k->cw1h;

  DEMO_LIT(b, "\"usage\":{\"input_tokens\":");
  demo_put_u64(b, k->in);
  demo_put_kn(b, "cache_creation_input_tokens", cw);
  demo_put_kn(b, "cache_read_input_tokens", k->cr);
  if (c->build != B_OLD) {
    DEMO_LIT(b, ",\"cache_creation\":{\"ephemeral_5m_input_tokens\":");
    demo_put_u64(b, k->zero_obj ? 0 : k->cw5);
    demo_put_kn(b, "ephemeral_1h_input_tokens", k->zero_obj ? 0 : k->cw1h);
    buf_addch(b, '}');
  }
  demo_put_kn(b, "output_tokens", out);
  DEMO_LIT(b, ",\"service_tier\":\"standard\"");
  if (k->web) {
    DEMO_LIT(b, ",\"server_tool_use\":{\"web_search_requests\":");
    demo_put_u64(b, k->web);
    DEMO_LIT(b, ",\"web_fetch_requests\":0}");
  }
  if (c->build == B_21)
    DEMO_LIT(b, ",\"inference_geo\":\"global\"");
  if (k->fast)
    DEMO_LIT(b, ",\"speed\":\"fast\"");
  else if (c->plan->speed_field)
    DEMO_LIT(b, ",\"speed\":\"standard\"");
  buf_addch(b, '}');
}

/* costUSD as early builds wrote it: Sonnet 4 list prices, 6 decimals. */
static void put_cost(const struct demo_call *k, uint64_t out, struct buf *b)
{
  uint64_t centi =
      k->in * 300 + out * 1500 + (k->cw5 + k->cw1h) * 375 + k->cr * 30;
  uint64_t micro = centi / 100;
  char frac[8];
  int i;

  demo_put_u64(b, micro / 1000000);
  for (i = 5, micro %= 1000000; i >= 0; i--, micro /= 10)
    frac[i] = (char)('0' + micro % 10);
  buf_addch(b, '.');
  buf_add(b, frac, 6);
}

static void put_block(struct demo_conv *c, const struct demo_call *k,
                      const struct demo_block *blk, struct buf *b)
{
  struct demo_text *t = &c->g->text;
  size_t at;

  switch (blk->kind) {
  case BLK_THINK:
    DEMO_LIT(b, "{\"type\":\"thinking\",\"thinking\":\"");
    demo_text_prose(t, &c->rng, b, POOL_THINK,
                    blk->tokens * 3 > 9000 ? 9000 : blk->tokens * 3);
    DEMO_LIT(b, "\",\"signature\":\"");
    demo_text_base64(&c->rng, b, 400 + demo_rng_below(&c->rng, 1400));
    DEMO_LIT(b, "\"}");
    break;
  case BLK_TEXT:
    DEMO_LIT(b, "{\"type\":\"text\",\"text\":\"");
    at = b->len;
    demo_text_prose(t, &c->rng, b, POOL_PROSE,
                    blk->tokens * 4 > 12000 ? 12000 : blk->tokens * 4);
    if (k->final && c->sidechain) {
      buf_reset(&c->report);
      buf_add(&c->report, b->data + at, b->len - at);
    }
    DEMO_LIT(b, "\"}");
    break;
  default:
    DEMO_LIT(b, "{\"type\":\"tool_use\",\"id\":\"");
    buf_adds(b, blk->id);
    DEMO_LIT(b, "\",\"name\":");
    put_str(b, demo_tool_name(blk->tool));
    DEMO_LIT(b, ",\"input\":");
    demo_tool_input(c, blk, b);
    if (c->build == B_21)
      DEMO_LIT(b, ",\"caller\":{\"type\":\"direct\"}");
    buf_addch(b, '}');
  }
}

static const char *stop_reason(const struct demo_conv *c,
                               const struct demo_call *k, int i)
{
  if (i < k->nblk - 1 || (k->ident && c->build == B_21))
    return NULL;
  return k->blk[k->nblk - 1].kind == BLK_TOOL ? "tool_use" : "end_turn";
}

/* The message object of copy i, without its closing '}'. */
static void put_message(struct demo_conv *c, const struct demo_call *k, int i,
                        struct buf *b)
{
  const char *model = demo_models[k->model].name;
  const char *sr = stop_reason(c, k, i);

  if (c->build == B_OLD) {
    DEMO_LIT(b, "{");
    if (k->has_id) {
      DEMO_LIT(b, "\"id\":");
      put_str(b, k->msg_id);
      buf_addch(b, ',');
    }
    DEMO_LIT(b, "\"type\":\"message\",\"role\":\"assistant\"");
    demo_put_kv(b, "model", model);
  } else {
    DEMO_LIT(b, "{\"model\":");
    put_str(b, model);
    if (k->has_id)
      demo_put_kv(b, "id", k->msg_id);
    DEMO_LIT(b, ",\"type\":\"message\",\"role\":\"assistant\"");
  }
  DEMO_LIT(b, ",\"content\":[");
  put_block(c, k, &k->blk[i], b);
  DEMO_LIT(b, "],\"stop_reason\":");
  if (sr)
    put_str(b, sr);
  else
    DEMO_LIT(b, "null");
  DEMO_LIT(b, ",\"stop_sequence\":null,");
  put_usage(c, k, k->blk[i].out, b);
}

/* Rewrites line[at..] with a space after every ':' and ',' between tokens. */
static void respace(struct buf *b, size_t at, struct buf *tmp)
{
  int in_str = 0, esc = 0;
  size_t i;

  buf_reset(tmp);
  for (i = at; i < b->len; i++) {
    char ch = b->data[i];

    buf_addch(tmp, ch);
    if (in_str) {
      if (esc)
        esc = 0;
      else if (ch == '\\')
        esc = 1;
      else if (ch == '"')
        in_str = 0;
    } else if (ch == '"') {
      in_str = 1;
    } else if (ch == ':' || ch == ',') {
      buf_addch(tmp, ' ');
    }
  }
  buf_setlen(b, at);
  buf_add(b, tmp->data, tmp->len);
}

static void copy_mirror(struct demo_conv *c, const struct demo_call *k,
                        const struct demo_block *blk)
{
  struct buf *n = &c->nest;

  buf_reset(n);
  DEMO_LIT(n, "{\"type\":\"assistant\",\"timestamp\":\"");
  demo_put_ts(n, blk->ts);
  DEMO_LIT(n, "\",\"message\":");
  buf_add(n, c->scratch.data, c->scratch.len);
  DEMO_LIT(n, ",\"context_management\":null}");
  demo_put_kv(n, "requestId", k->req_id);
  buf_addch(n, ',');
  DEMO_LIT(n, "\"uuid\":\"");
  buf_adds(n, blk->uuid);
  DEMO_LIT(n, "\"}");
  demo_rec_mirror(c, n->data, n->len, blk->ts);
}

void demo_rec_copy(struct demo_conv *c, const struct demo_call *k, int i)
{
  const struct demo_block *blk = &k->blk[i];
  struct demo_out *o = c->out;
  struct buf *m = &c->scratch, *b = &o->b;
  size_t start;

  buf_reset(m);
  put_message(c, k, i, m);
  demo_out_line_begin(o, DK_ASSISTANT);
  o->line_usage = blk->shape != SHAPE_SPACED;
  start = b->len;
  demo_rec_env(c, b, c->last_uuid);
  DEMO_LIT(b, "\"message\":");
  buf_add(b, m->data, m->len);
  buf_addch(b, '}');
  if (c->build == B_OLD) {
    DEMO_LIT(b, ",\"costUSD\":");
    put_cost(k, blk->out, b);
  }
  if (k->req == REQ_YES)
    demo_put_kv(b, "requestId", k->req_id);
  else if (k->req == REQ_NULL)
    DEMO_LIT(b, ",\"requestId\":null");
  DEMO_LIT(b, ",\"type\":\"assistant\",");
  put_tail(b, blk->uuid, blk->ts);
  buf_addch(b, '}');
  memcpy(c->last_uuid, blk->uuid, DEMO_UUID_SZ);
  switch (blk->shape) {
  case SHAPE_NONL:
    demo_out_line_end(o, 0);
    return;
  case SHAPE_CUT:
  case SHAPE_BROKEN:
    /* Just past "usage":{ so the cheap prefilter still matches. */
    buf_setlen(b, (size_t)((const char *)memmem(b->data + start, b->len - start,
                                                "\"usage\":{", 9) -
                           b->data) +
                      40);
    demo_out_line_end(o, blk->shape == SHAPE_BROKEN);
    return;
  case SHAPE_SPACED:
    respace(b, start, &c->nest);
    break;
  default:
    break;
  }
  line_end(c, o);
  if (c->mirror && blk->kind == BLK_TOOL)
    copy_mirror(c, k, blk);
}

void demo_rec_snapshot(struct demo_conv *c, const char *msg_uuid, int update)
{
  struct buf *b = &c->out->b;
  int i, n = update ? 1 + (int)demo_rng_below(&c->rng, 3) : 0;
  char hex[20];

  demo_out_line_begin(c->out, DK_OTHER);
  DEMO_LIT(b, "{\"type\":\"file-history-snapshot\",\"messageId\":\"");
  buf_adds(b, msg_uuid);
  DEMO_LIT(b, "\",\"snapshot\":{\"messageId\":\"");
  buf_adds(b, msg_uuid);
  DEMO_LIT(b, "\",\"trackedFileBackups\":{");
  for (i = 0; i < n; i++) {
    if (i)
      buf_addch(b, ',');
    buf_addch(b, '"');
    demo_text_path(&c->g->text, &c->rng, b, c->lang);
    DEMO_LIT(b, "\":{\"backupFileName\":\"");
    demo_id_hex(&c->rng, hex, 16);
    buf_add(b, hex, 16);
    DEMO_LIT(b, "@v2\",\"version\":2,\"backupTime\":\"");
    demo_put_ts(b, c->now);
    DEMO_LIT(b, "\"}");
  }
  DEMO_LIT(b, "},\"timestamp\":\"");
  demo_put_ts(b, c->now);
  DEMO_LIT(b, "\"},\"isSnapshotUpdate\":");
  put_bool(b, update);
  buf_addch(b, '}');
  line_end(c, c->out);
}

void demo_rec_hook(struct demo_conv *c, const char *event, const char *cmd)
{
  struct buf *b = &c->out->b;
  char uuid[DEMO_UUID_SZ], tool[DEMO_UUID_SZ];

  demo_id_uuid(&c->rng, uuid);
  demo_id_uuid(&c->rng, tool);
  demo_out_line_begin(c->out, DK_PROGRESS);
  demo_rec_env(c, b, c->last_uuid);
  DEMO_LIT(b, "\"type\":\"progress\",\"data\":{\"type\":\"hook_progress\"");
  demo_put_kv(b, "hookEvent", event);
  DEMO_LIT(b, ",\"hookName\":\"");
  buf_adds(b, event);
  buf_adds(b, event[0] == 'S' ? ":startup\"" : ":Bash\"");
  demo_put_kv(b, "command", cmd);
  DEMO_LIT(b, "},\"parentToolUseID\":\"");
  buf_adds(b, tool);
  DEMO_LIT(b, "\",\"toolUseID\":\"");
  buf_adds(b, tool);
  DEMO_LIT(b, "\",\"timestamp\":\"");
  demo_put_ts(b, c->now);
  DEMO_LIT(b, "\",\"uuid\":\"");
  buf_adds(b, uuid);
  DEMO_LIT(b, "\"}");
  line_end(c, c->out);
  memcpy(c->last_uuid, uuid, DEMO_UUID_SZ);
}

static void system_body(struct demo_conv *c, const char *subtype, struct buf *b,
                        const char *uuid)
{
  char tool[DEMO_UUID_SZ];

  if (!strcmp(subtype, "stop_hook_summary")) {
    demo_id_uuid(&c->rng, tool);
    DEMO_LIT(b, ",\"hookCount\":1,\"hookInfos\":[{\"command\":"
                "\"${CLAUDE_PLUGIN_ROOT}/hooks/stop-hook.sh\"}],"
                "\"hookErrors\":[],\"preventedContinuation\":false,"
                "\"stopReason\":\"\",\"hasOutput\":false,"
                "\"level\":\"suggestion\",\"timestamp\":\"");
    demo_put_ts(b, c->now);
    DEMO_LIT(b, "\",\"uuid\":\"");
    buf_adds(b, uuid);
    DEMO_LIT(b, "\",\"toolUseID\":\"");
    buf_adds(b, tool);
    DEMO_LIT(b, "\"}");
    return;
  }
  if (!strcmp(subtype, "turn_duration")) {
    demo_put_kn(b, "durationMs", 2000 + demo_rng_below(&c->rng, 900000));
  } else if (!strcmp(subtype, "api_error")) {
    DEMO_LIT(b,
             ",\"level\":\"error\",\"cause\":{\"code\":\"overloaded_error\"},"
             "\"error\":{\"status\":529},\"retryInMs\":2000,"
             "\"retryAttempt\":1,\"maxRetries\":10");
  } else if (!strcmp(subtype, "local_command")) {
    DEMO_LIT(b, ",\"content\":\"<command-name>/model</command-name>\\n"
                "<command-message>model</command-message>\\n"
                "<command-args>claude-experimental-9</command-args>\","
                "\"level\":\"info\"");
  }
  DEMO_LIT(b, ",\"timestamp\":\"");
  demo_put_ts(b, c->now);
  DEMO_LIT(b, "\",\"uuid\":\"");
  buf_adds(b, uuid);
  DEMO_LIT(b, "\",\"isMeta\":false}");
}

void demo_rec_system(struct demo_conv *c, const char *subtype)
{
  struct buf *b = &c->out->b;
  char uuid[DEMO_UUID_SZ];

  demo_id_uuid(&c->rng, uuid);
  demo_out_line_begin(c->out, DK_OTHER);
  if (!strcmp(subtype, "compact_boundary")) {
    DEMO_LIT(b, "{\"parentUuid\":null,\"logicalParentUuid\":");
    put_str(b, c->last_uuid);
    env_rest(c, b);
    DEMO_LIT(b, "\"type\":\"system\",\"subtype\":\"compact_boundary\","
                "\"content\":\"Conversation compacted\",\"isMeta\":false,");
    put_tail(b, uuid, c->now);
    DEMO_LIT(b, ",\"level\":\"info\",\"compactMetadata\":{\"trigger\":"
                "\"auto\",\"preTokens\":");
    demo_put_u64(b, c->ctx + c->pending);
    DEMO_LIT(b, "}}");
  } else {
    demo_rec_env(c, b, c->last_uuid);
    DEMO_LIT(b, "\"type\":\"system\",\"subtype\":");
    put_str(b, subtype);
    system_body(c, subtype, b, uuid);
  }
  line_end(c, c->out);
  memcpy(c->last_uuid, uuid, DEMO_UUID_SZ);
}

void demo_rec_synthetic(struct demo_conv *c, const char *text, int limit)
{
  struct buf *b = &c->out->b;
  char uuid[DEMO_UUID_SZ], id[DEMO_UUID_SZ], req[DEMO_REQID_SZ];
  struct demo_counts zero = {1, 0, 0, 0, 0, 0, 0};

  demo_id_uuid(&c->rng, uuid);
  demo_id_uuid(&c->rng, id);
  demo_id_req(&c->rng, req);
  demo_out_line_begin(c->out, DK_ASSISTANT);
  c->out->line_usage = 1;
  demo_rec_env(c, b, c->last_uuid);
  DEMO_LIT(b, "\"type\":\"assistant\",");
  put_tail(b, uuid, c->now);
  DEMO_LIT(b, ",\"message\":{\"id\":\"");
  buf_adds(b, id);
  DEMO_LIT(b, "\",\"container\":null,\"model\":\"<synthetic>\",\"role\":"
              "\"assistant\",\"stop_reason\":\"stop_sequence\","
              "\"stop_sequence\":\"\",\"type\":\"message\",\"usage\":{"
              "\"input_tokens\":0,\"output_tokens\":0,"
              "\"cache_creation_input_tokens\":0,"
              "\"cache_read_input_tokens\":0,\"server_tool_use\":{"
              "\"web_search_requests\":0,\"web_fetch_requests\":0},"
              "\"service_tier\":null,\"cache_creation\":{"
              "\"ephemeral_1h_input_tokens\":0,"
              "\"ephemeral_5m_input_tokens\":0}},\"content\":[{\"type\":"
              "\"text\",\"text\":\"");
  demo_put_esc(b, text, strlen(text));
  DEMO_LIT(b, "\"}],\"context_management\":null}");
  /* Parity mode: every usage line has a requestId (real ones have none). */
  if (c->g->opts->parity)
    demo_put_kv(b, "requestId", req);
  DEMO_LIT(b, ",\"isApiErrorMessage\":true");
  if (limit)
    DEMO_LIT(b, ",\"error\":\"rate_limit\"");
  buf_addch(b, '}');
  line_end(c, c->out);
  memcpy(c->last_uuid, uuid, DEMO_UUID_SZ);
  if (c->reg)
    demo_truth_add(c->g->truth, c->now, demo_models[M_SYNTH].key, &zero);
}

static void misc_sid(struct demo_conv *c, struct buf *b)
{
  demo_put_kv(b, "sessionId", c->session_id);
  buf_addch(b, '}');
}

static void misc_attachment(struct demo_conv *c, struct buf *b)
{
  char uuid[DEMO_UUID_SZ], tool[DEMO_UUID_SZ];

  demo_id_uuid(&c->rng, uuid);
  demo_id_uuid(&c->rng, tool);
  demo_rec_env(c, b, c->last_uuid);
  DEMO_LIT(b, "\"type\":\"attachment\",\"attachment\":{\"type\":"
              "\"hook_success\",\"hookName\":\"SessionStart:startup\","
              "\"toolUseID\":\"");
  buf_adds(b, tool);
  DEMO_LIT(b, "\",\"hookEvent\":\"SessionStart\",\"content\":\"\","
              "\"stdout\":\"");
  demo_text_shell(&c->g->text, &c->rng, b, 200);
  DEMO_LIT(b, "\",\"stderr\":\"\",\"exitCode\":0,\"command\":"
              "\"bd prime\",\"durationMs\":");
  demo_put_u64(b, 20 + demo_rng_below(&c->rng, 400));
  DEMO_LIT(b, "},");
  put_tail(b, uuid, c->now);
  buf_addch(b, '}');
  memcpy(c->last_uuid, uuid, DEMO_UUID_SZ);
}

void demo_rec_misc(struct demo_conv *c, int which)
{
  struct buf *b = &c->out->b;
  char uuid[DEMO_UUID_SZ];

  demo_out_line_begin(c->out, DK_OTHER);
  switch (which) {
  case MISC_SUMMARY:
    demo_id_uuid(&c->rng, uuid);
    DEMO_LIT(b, "{\"type\":\"summary\",\"summary\":\"");
    demo_text_pick(&c->g->text, &c->rng, b, POOL_TITLE);
    DEMO_LIT(b, "\",\"leafUuid\":\"");
    buf_adds(b, uuid);
    DEMO_LIT(b, "\"}");
    break;
  case MISC_ENQUEUE:
  case MISC_REMOVE:
    DEMO_LIT(b, "{\"type\":\"queue-operation\",\"operation\":");
    if (which == MISC_ENQUEUE)
      DEMO_LIT(b, "\"enqueue\"");
    else
      DEMO_LIT(b, "\"remove\"");
    DEMO_LIT(b, ",\"timestamp\":\"");
    demo_put_ts(b, c->now);
    buf_addch(b, '"');
    demo_put_kv(b, "sessionId", c->session_id);
    if (which == MISC_ENQUEUE) {
      DEMO_LIT(b, ",\"content\":\"");
      demo_text_pick(&c->g->text, &c->rng, b, POOL_PROMPT);
      buf_addch(b, '"');
    }
    buf_addch(b, '}');
    break;
  case MISC_TITLE:
    DEMO_LIT(b, "{\"type\":\"custom-title\",\"customTitle\":\"");
    demo_text_pick(&c->g->text, &c->rng, b, POOL_TITLE);
    buf_addch(b, '"');
    misc_sid(c, b);
    break;
  case MISC_LASTPROMPT:
    DEMO_LIT(b, "{\"type\":\"last-prompt\",\"lastPrompt\":\"");
    demo_text_pick(&c->g->text, &c->rng, b, POOL_PROMPT);
    buf_addch(b, '"');
    misc_sid(c, b);
    break;
  case MISC_PERMMODE:
    DEMO_LIT(b, "{\"type\":\"permission-mode\",\"permissionMode\":"
                "\"acceptEdits\"");
    misc_sid(c, b);
    break;
  default:
    misc_attachment(c, b);
  }
  line_end(c, c->out);
}
