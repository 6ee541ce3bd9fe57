/* Demo tool calls: tool_use inputs and the tool_result lines they get. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "demo/internal.h"
#include "util/banned.h"

static const char *const names[T_N] = {
    "Bash",      "Read",
    "Edit",      "Write",
    "Grep",      "Glob",
    "TodoWrite", "WebSearch",
    "Task",      "mcp__github__create_pull_request",
    "Read",
};

static const char *const exts[LANG_N] = {"c", "ts", "py", "go"};

const char *demo_tool_name(int tool)
{
  return names[tool];
}

static void put_path(struct demo_conv *c, const struct demo_block *blk,
                     struct buf *b)
{
  size_t n;
  const char *s;

  demo_put_esc(b, c->cwd, strlen(c->cwd));
  buf_addch(b, '/');
  if (blk->tool == T_IMAGE) {
    DEMO_LIT(b, "docs/screenshot-");
    demo_put_u64(b, blk->arg % 100);
    DEMO_LIT(b, ".png");
    return;
  }
  s = demo_text_get(&c->g->text, POOL_FILE_C + c->lang, blk->arg, &n);
  buf_add(b, s, n);
}

/* Appends pool element i as a JSON string (quotes included). */
static void put_item(struct demo_conv *c, struct buf *b, int pool, uint32_t i)
{
  size_t n;
  const char *s = demo_text_get(&c->g->text, pool, i, &n);

  buf_addch(b, '"');
  buf_add(b, s, n);
  buf_addch(b, '"');
}

static void code_into(struct demo_conv *c, struct buf *b, size_t n,
                      int remember)
{
  size_t at = b->len;

  demo_text_code(&c->g->text, &c->rng, b, NULL, c->lang, n, 1);
  if (remember) {
    buf_reset(&c->written);
    buf_add(&c->written, b->data + at, b->len - at);
  }
}

static void todos(struct demo_conv *c, struct buf *b, int n)
{
  static const char *const st[] = {"completed", "in_progress", "pending"};
  int i;

  buf_addch(b, '[');
  for (i = 0; i < n; i++) {
    if (i)
      buf_addch(b, ',');
    DEMO_LIT(b, "{\"content\":");
    put_item(c, b, POOL_TITLE, demo_rng_below(&c->rng, 64));
    DEMO_LIT(b, ",\"status\":\"");
    buf_adds(b, st[i == 0 ? 0 : i == 1 ? 1 : 2]);
    DEMO_LIT(b, "\",\"activeForm\":");
    put_item(c, b, POOL_TITLE, demo_rng_below(&c->rng, 64));
    buf_addch(b, '}');
  }
  buf_addch(b, ']');
}

void demo_tool_input(struct demo_conv *c, const struct demo_block *blk,
                     struct buf *b)
{
  struct demo_rng *r = &c->rng;

  switch (blk->tool) {
  case T_BASH:
    DEMO_LIT(b, "{\"command\":");
    put_item(c, b, POOL_CMD, blk->arg);
    DEMO_LIT(b, ",\"description\":");
    put_item(c, b, POOL_TITLE, blk->arg >> 4);
    if (blk->arg % 7 == 0)
      DEMO_LIT(b, ",\"timeout\":300000");
    break;
  case T_READ:
  case T_IMAGE:
    DEMO_LIT(b, "{\"file_path\":\"");
    put_path(c, blk, b);
    buf_addch(b, '"');
    if (blk->tool == T_READ && blk->arg % 4 == 0)
      DEMO_LIT(b, ",\"offset\":120,\"limit\":200");
    break;
  case T_EDIT:
  case T_WRITE:
    DEMO_LIT(b, "{\"file_path\":\"");
    put_path(c, blk, b);
    if (blk->tool == T_EDIT) {
      DEMO_LIT(b, "\",\"old_string\":\"");
      code_into(c, b, 60 + demo_rng_below(r, 500), 0);
      DEMO_LIT(b, "\",\"new_string\":\"");
      code_into(c, b, 80 + demo_rng_below(r, 1200), 1);
    } else {
      DEMO_LIT(b, "\",\"content\":\"");
      code_into(c, b, blk->tokens * 3, 1);
    }
    buf_addch(b, '"');
    break;
  case T_GREP:
    DEMO_LIT(b, "{\"pattern\":");
    put_item(c, b, POOL_WORD, blk->arg);
    DEMO_LIT(b, ",\"path\":\"");
    demo_put_esc(b, c->cwd, strlen(c->cwd));
    DEMO_LIT(b, "\",\"output_mode\":\"content\",\"-n\":true");
    break;
  case T_GLOB:
    DEMO_LIT(b, "{\"pattern\":\"**/*.");
    buf_adds(b, exts[c->lang]);
    buf_addch(b, '"');
    break;
  case T_TODO:
    DEMO_LIT(b, "{\"todos\":");
    todos(c, b, 2 + (int)(blk->arg % 4));
    break;
  case T_WEB:
    DEMO_LIT(b, "{\"query\":");
    put_item(c, b, POOL_QUERY, blk->arg);
    break;
  case T_TASK:
    DEMO_LIT(b, "{\"subagent_type\":\"Explore\",\"description\":");
    put_item(c, b, POOL_TITLE, blk->arg);
    DEMO_LIT(b, ",\"prompt\":");
    put_item(c, b, POOL_SUBPROMPT, blk->arg);
    break;
  default:
    DEMO_LIT(b, "{\"owner\":\"acme\",\"repo\":\"api\",\"title\":");
    put_item(c, b, POOL_TITLE, blk->arg);
    DEMO_LIT(b, ",\"body\":\"");
    demo_text_prose(&c->g->text, r, b, POOL_PROSE, 300);
    DEMO_LIT(b, "\",\"head\":\"");
    demo_put_esc(b, c->branch, strlen(c->branch));
    DEMO_LIT(b, "\",\"base\":\"main\"");
  }
  buf_addch(b, '}');
}

/* Output size of a tool, heavy-tailed; subagents read less. */
static size_t out_size(struct demo_conv *c, size_t lo, size_t hi)
{
  size_t n = demo_rng_heavy(&c->rng, lo, hi);

  if (!c->sidechain && demo_rng_below(&c->rng, 1000) < 12)
    n = demo_rng_range(&c->rng, 50000, 400000);
  if (c->sidechain && n > 30000)
    n = 30000;
  /* Small --size-mb targets: no single result may blow the budget. */
  if (c->plan->budget && n > c->plan->budget / 16)
    n = (size_t)(c->plan->budget / 16);
  return n;
}

static void bash_progress(struct demo_conv *c, const struct demo_block *blk)
{
  int i, n = (int)demo_rng_below(&c->rng, 3);

  for (i = 0; i < n; i++) {
    struct buf *b = &c->out->b;
    char uuid[DEMO_UUID_SZ];

    demo_id_uuid(&c->rng, uuid);
    c->now += demo_rng_range(&c->rng, 900, 3000);
    demo_out_line_begin(c->out, DK_PROGRESS);
    demo_rec_env(c, b, c->last_uuid);
    DEMO_LIT(b, "\"type\":\"progress\",\"data\":{\"type\":\"bash_progress\","
                "\"output\":\"");
    demo_text_pick(&c->g->text, &c->rng, b, POOL_SHELL);
    DEMO_LIT(b, "\",\"fullOutput\":\"");
    demo_text_shell(&c->g->text, &c->rng, b, 200);
    buf_addch(b, '"');
    demo_put_kn(b, "elapsedTimeSeconds", (uint64_t)i + 2);
    DEMO_LIT(b, ",\"totalLines\":3,\"timeoutMs\":120000},\"toolUseID\":"
                "\"bash-progress-");
    demo_put_u64(b, (uint64_t)i);
    DEMO_LIT(b, "\",\"parentToolUseID\":\"");
    buf_adds(b, blk->id);
    DEMO_LIT(b, "\",\"uuid\":\"");
    buf_adds(b, uuid);
    DEMO_LIT(b, "\",\"timestamp\":\"");
    demo_put_ts(b, c->now);
    DEMO_LIT(b, "\"}");
    demo_out_line_end(c->out, 1);
    memcpy(c->last_uuid, uuid, DEMO_UUID_SZ);
  }
}

static void res_bash(struct demo_conv *c, struct buf *m, struct buf *tur,
                     int *is_error)
{
  struct buf *body = &c->body;

  *is_error = demo_rng_pct(&c->rng, 8);
  if (*is_error)
    DEMO_LIT(body, "Error: Exit code 1\\n");
  demo_text_shell(&c->g->text, &c->rng, body, out_size(c, 120, 20000));
  buf_addch(m, '"');
  buf_add(m, body->data, body->len);
  buf_addch(m, '"');
  DEMO_LIT(tur, "{\"stdout\":\"");
  buf_add(tur, body->data, body->len);
  DEMO_LIT(tur, "\",\"stderr\":\"\",\"interrupted\":false,\"isImage\":false,"
                "\"noOutputExpected\":false}");
}

static void res_read(struct demo_conv *c, const struct demo_block *blk,
                     struct buf *m, struct buf *tur)
{
  uint32_t first = blk->arg % 4 == 0 ? 120 : 1, n;

  buf_addch(m, '"');
  n = demo_text_code(&c->g->text, &c->rng, &c->body, m, c->lang,
                     out_size(c, 800, 40000), first);
  buf_addch(m, '"');
  DEMO_LIT(tur, "{\"type\":\"text\",\"file\":{\"filePath\":\"");
  put_path(c, blk, tur);
  DEMO_LIT(tur, "\",\"content\":\"");
  buf_add(tur, c->body.data, c->body.len);
  buf_addch(tur, '"');
  demo_put_kn(tur, "numLines", n);
  demo_put_kn(tur, "startLine", first);
  demo_put_kn(tur, "totalLines", first + n + (blk->arg % 3) * 40);
  DEMO_LIT(tur, "}}");
}

static void res_edit(struct demo_conv *c, const struct demo_block *blk,
                     struct buf *m, struct buf *tur)
{
  struct demo_text *t = &c->g->text;
  uint32_t at = 10 + blk->arg % 200;

  DEMO_LIT(m, "\"The file ");
  put_path(c, blk, m);
  DEMO_LIT(m, " has been updated. Here's the result of running `cat -n` on "
              "a snippet of the edited file:\\n");
  demo_text_code(t, &c->rng, &c->body, m, c->lang,
                 300 + demo_rng_below(&c->rng, 1200), at);
  buf_addch(m, '"');
  DEMO_LIT(tur, "{\"filePath\":\"");
  put_path(c, blk, tur);
  DEMO_LIT(tur, "\",\"oldString\":\"");
  demo_text_code(t, &c->rng, tur, NULL, c->lang, 200, 1);
  DEMO_LIT(tur, "\",\"newString\":\"");
  buf_add(tur, c->written.data, c->written.len);
  DEMO_LIT(tur, "\",\"originalFile\":\"");
  demo_text_code(t, &c->rng, tur, NULL, c->lang, out_size(c, 1500, 50000), 1);
  DEMO_LIT(tur, "\",\"structuredPatch\":[{\"oldStart\":");
  demo_put_u64(tur, at);
  DEMO_LIT(tur, ",\"oldLines\":3,\"newStart\":");
  demo_put_u64(tur, at);
  DEMO_LIT(tur, ",\"newLines\":4,\"lines\":[\" \",\"-");
  demo_text_pick(t, &c->rng, tur, POOL_CODE_C + c->lang);
  DEMO_LIT(tur, "\",\"+");
  demo_text_pick(t, &c->rng, tur, POOL_CODE_C + c->lang);
  DEMO_LIT(tur, "\"]}],\"userModified\":false,\"replaceAll\":false}");
}

static void res_write(struct demo_conv *c, const struct demo_block *blk,
                      struct buf *m, struct buf *tur)
{
  DEMO_LIT(m, "\"File created successfully at: ");
  put_path(c, blk, m);
  buf_addch(m, '"');
  DEMO_LIT(tur, "{\"type\":\"create\",\"filePath\":\"");
  put_path(c, blk, tur);
  DEMO_LIT(tur, "\",\"content\":\"");
  buf_add(tur, c->written.data, c->written.len);
  DEMO_LIT(tur, "\",\"structuredPatch\":[],\"originalFile\":null}");
}

static void res_search(struct demo_conv *c, const struct demo_block *blk,
                       struct buf *m, struct buf *tur)
{
  struct demo_text *t = &c->g->text;
  size_t want = out_size(c, 80, 6000), start = c->body.len;
  uint32_t n = 0;

  while (c->body.len - start < want) {
    if (n++)
      DEMO_LIT(&c->body, "\\n");
    demo_text_path(t, &c->rng, &c->body, c->lang);
    if (blk->tool == T_GREP) {
      buf_addch(&c->body, ':');
      demo_put_u64(&c->body, 1 + demo_rng_below(&c->rng, 900));
      buf_addch(&c->body, ':');
      demo_text_pick(t, &c->rng, &c->body, POOL_CODE_C + c->lang);
    }
  }
  buf_addch(m, '"');
  buf_add(m, c->body.data, c->body.len);
  buf_addch(m, '"');
  if (blk->tool == T_GREP) {
    DEMO_LIT(tur, "{\"mode\":\"content\",\"numFiles\":0,\"filenames\":[],"
                  "\"content\":\"");
    buf_add(tur, c->body.data, c->body.len);
    buf_addch(tur, '"');
    demo_put_kn(tur, "numLines", n);
  } else {
    DEMO_LIT(tur, "{\"filenames\":[\"");
    demo_text_path(t, &c->rng, tur, c->lang);
    DEMO_LIT(tur, "\"],\"durationMs\":");
    demo_put_u64(tur, 3 + demo_rng_below(&c->rng, 80));
    demo_put_kn(tur, "numFiles", n);
    DEMO_LIT(tur, ",\"truncated\":false");
  }
  buf_addch(tur, '}');
}

static void res_web(struct demo_conv *c, const struct demo_block *blk,
                    struct buf *m, struct buf *tur)
{
  struct demo_text *t = &c->g->text;
  size_t n;
  const char *q = demo_text_get(t, POOL_QUERY, blk->arg, &n);
  char id[DEMO_TOOLID_SZ];

  demo_id_tool(&c->rng, id);
  demo_text_prose(t, &c->rng, &c->body, POOL_PROSE,
                  1500 + demo_rng_below(&c->rng, 5000));
  DEMO_LIT(m, "\"Web search results for query: \\\"");
  buf_add(m, q, n);
  DEMO_LIT(m, "\\\"\\n\\nLinks: [{\\\"title\\\":\\\"Docs\\\",\\\"url\\\":"
              "\\\"https://docs.example.com/guide\\\"}]\\n\\n");
  buf_add(m, c->body.data, c->body.len);
  buf_addch(m, '"');
  DEMO_LIT(tur, "{\"query\":\"");
  buf_add(tur, q, n);
  DEMO_LIT(tur, "\",\"results\":[{\"tool_use_id\":\"srvtoolu_");
  buf_adds(tur, id + 8);
  DEMO_LIT(tur, "\",\"content\":[{\"title\":\"Docs\",\"url\":"
                "\"https://docs.example.com/guide\"}]},\"");
  buf_add(tur, c->body.data, c->body.len);
  DEMO_LIT(tur, "\"],\"durationSeconds\":3.217}");
}

static void res_task(struct demo_conv *c, const struct demo_block *blk,
                     struct buf *m, struct buf *tur)
{
  uint64_t t = c->sub_tokens;

  DEMO_LIT(m, "[{\"type\":\"text\",\"text\":\"");
  buf_add(m, c->report.data, c->report.len);
  DEMO_LIT(m, "\"}]");
  DEMO_LIT(tur, "{\"status\":\"completed\",\"prompt\":");
  put_item(c, tur, POOL_SUBPROMPT, blk->arg);
  demo_put_kv(tur, "agentId", c->sub_agent_id);
  DEMO_LIT(tur, ",\"content\":[{\"type\":\"text\",\"text\":\"");
  buf_add(tur, c->report.data, c->report.len);
  DEMO_LIT(tur, "\"}]");
  demo_put_kn(tur, "totalDurationMs", 20000 + t % 200000);
  demo_put_kn(tur, "totalTokens", t);
  demo_put_kn(tur, "totalToolUseCount", c->sub_tools);
  DEMO_LIT(tur,
           ",\"usage\":{\"input_tokens\":0,\"cache_creation_input_tokens\":");
  demo_put_u64(tur, t / 40);
  demo_put_kn(tur, "cache_read_input_tokens", t / 2);
  demo_put_kn(tur, "output_tokens", t / 30);
  DEMO_LIT(tur, ",\"server_tool_use\":{\"web_search_requests\":0,"
                "\"web_fetch_requests\":0},\"service_tier\":\"standard\","
                "\"cache_creation\":{\"ephemeral_1h_input_tokens\":0,"
                "\"ephemeral_5m_input_tokens\":");
  demo_put_u64(tur, t / 40);
  DEMO_LIT(tur, "},\"inference_geo\":\"\",\"iterations\":[]}}");
}

static void res_misc(struct demo_conv *c, const struct demo_block *blk,
                     struct buf *m, struct buf *tur)
{
  if (blk->tool == T_TODO) {
    DEMO_LIT(m, "\"Todos have been modified successfully. Ensure that you "
                "continue to use the todo list to track your progress. "
                "Please proceed with the current tasks if applicable\"");
    DEMO_LIT(tur, "{\"oldTodos\":[],\"newTodos\":");
    todos(c, tur, 2 + (int)(blk->arg % 4));
    buf_addch(tur, '}');
    return;
  }
  buf_addch(tur, '[');
  DEMO_LIT(m, "[");
  DEMO_LIT(&c->body, "{\"type\":\"text\",\"text\":\"{\\\"number\\\":");
  demo_put_u64(&c->body, 100 + blk->arg % 900);
  DEMO_LIT(&c->body, ",\\\"state\\\":\\\"open\\\",\\\"url\\\":"
                     "\\\"https://github.com/acme/api/pull/");
  demo_put_u64(&c->body, 100 + blk->arg % 900);
  DEMO_LIT(&c->body, "\\\"}\"}");
  buf_add(m, c->body.data, c->body.len);
  buf_add(tur, c->body.data, c->body.len);
  buf_addch(m, ']');
  buf_addch(tur, ']');
}

static void res_image(struct demo_conv *c, struct buf *m, struct buf *tur)
{
  size_t n = 1200000 + demo_rng_below(&c->rng, 600000);

  demo_text_base64(&c->rng, &c->body, n);
  DEMO_LIT(m, "[{\"type\":\"image\",\"source\":{\"type\":\"base64\","
              "\"media_type\":\"image/png\",\"data\":\"");
  buf_add(m, c->body.data, c->body.len);
  DEMO_LIT(m, "\"}}]");
  DEMO_LIT(tur, "{\"type\":\"image\",\"file\":{\"base64\":\"");
  buf_add(tur, c->body.data, c->body.len);
  DEMO_LIT(tur, "\",\"type\":\"image/png\",\"originalSize\":");
  demo_put_u64(tur, n * 3 / 4);
  DEMO_LIT(tur, "}}");
}

static void result_line(struct demo_conv *c, const struct demo_block *blk,
                        int usage_in_result)
{
  struct demo_out *o = c->out;
  struct buf *b = &o->b, *m = &c->scratch;
  char uuid[DEMO_UUID_SZ];

  demo_id_uuid(&c->rng, uuid);
  demo_out_line_begin(o, DK_USER);
  o->line_usage = usage_in_result;
  demo_rec_env(c, b, c->last_uuid);
  DEMO_LIT(b, "\"type\":\"user\",\"message\":");
  buf_add(b, m->data, m->len);
  DEMO_LIT(b, ",\"uuid\":\"");
  buf_adds(b, uuid);
  DEMO_LIT(b, "\",\"timestamp\":\"");
  demo_put_ts(b, c->now);
  DEMO_LIT(b, "\",\"toolUseResult\":");
  buf_add(b, c->tur.data, c->tur.len);
  if (c->build == B_21)
    demo_put_kv(b, "sourceToolAssistantUUID", blk->uuid);
  buf_addch(b, '}');
  demo_out_line_end(o, 1);
  memcpy(c->last_uuid, uuid, DEMO_UUID_SZ);
  if (c->mirror) {
    struct buf *n = &c->nest;

    buf_reset(n);
    DEMO_LIT(n, "{\"type\":\"user\",\"message\":");
    buf_add(n, m->data, m->len);
    DEMO_LIT(n, ",\"uuid\":\"");
    buf_adds(n, uuid);
    DEMO_LIT(n, "\",\"timestamp\":\"");
    demo_put_ts(n, c->now);
    DEMO_LIT(n, "\"}");
    demo_rec_mirror(c, n->data, n->len, c->now);
  }
}

static int64_t exec_ms(struct demo_conv *c, int tool)
{
  switch (tool) {
  case T_BASH:
    return (int64_t)demo_rng_heavy(&c->rng, 200, 90000);
  case T_WEB:
    return demo_rng_range(&c->rng, 2000, 9000);
  case T_MCP:
    return demo_rng_range(&c->rng, 800, 4000);
  default:
    return demo_rng_range(&c->rng, 15, 400);
  }
}

void demo_tool_run(struct demo_conv *c, const struct demo_call *k,
                   const struct demo_block *blk)
{
  struct buf *m = &c->scratch, *tur = &c->tur;
  int is_error = 0, usage = 0;
  size_t at;

  c->now += exec_ms(c, blk->tool);
  if (blk->tool == T_BASH && !c->sidechain && c->build == B_21)
    bash_progress(c, blk);
  if (blk->tool == T_TASK)
    demo_sub_run(c, k, blk);
  buf_reset(&c->body);
  buf_reset(m);
  buf_reset(tur);
  DEMO_LIT(m, "{\"role\":\"user\",\"content\":[{\"tool_use_id\":\"");
  buf_adds(m, blk->id);
  DEMO_LIT(m, "\",\"type\":\"tool_result\",\"content\":");
  at = m->len;
  switch (blk->tool) {
  case T_BASH:
    res_bash(c, m, tur, &is_error);
    break;
  case T_READ:
    res_read(c, blk, m, tur);
    break;
  case T_EDIT:
    res_edit(c, blk, m, tur);
    break;
  case T_WRITE:
    res_write(c, blk, m, tur);
    break;
  case T_GREP:
  case T_GLOB:
    res_search(c, blk, m, tur);
    break;
  case T_WEB:
    res_web(c, blk, m, tur);
    break;
  case T_TASK:
    res_task(c, blk, m, tur);
    usage = 1;
    break;
  case T_IMAGE:
    res_image(c, m, tur);
    break;
  default:
    res_misc(c, blk, m, tur);
  }
  /* A screenshot costs about 1,600 tokens, not its base64 length. */
  c->pending += blk->tool == T_IMAGE ? 1600 : (m->len - at) / 4;
  if (blk->tool == T_BASH)
    buf_adds(m, is_error ? ",\"is_error\":true" : ",\"is_error\":false");
  DEMO_LIT(m, "}]}");
  result_line(c, blk, usage);
}
