/* Raw text the demo generator builds transcript content from. */
/* SPDX-License-Identifier: MIT */
#include <stddef.h>

#include "demo/internal.h"
#include "util/banned.h"

static const char *const prose[] = {
    "I'll start by looking at how the module is laid out.",
    "Let me check the existing tests before changing anything.",
    "The failure comes from an off-by-one in the loop bound.",
    "Now I understand the problem: the cache key ignores the request id.",
    "Good, the build is green again.",
    /* NOLINTNEXTLINE(bugprone-suspicious-missing-comma): one string */
    "I found the cause. The parser stops at the first blank line instead of "
    "skipping it.",
    "Let me run the full test suite to make sure nothing else broke.",
    "The change is small, so I'll keep it in one commit.",
    "Here's a summary of what changed:\n\n- the reader now keeps the offset "
    "of the last complete line\n- the tail is retried on the next run\n- "
    "two new tests cover truncated files",
    "All 142 tests pass.",
    "I'll update the README so the new flag is documented.",
    "That error means the migration ran twice; the second run needs a guard.",
    "The function is over a hundred lines, so I split the validation out.",
    "Let me search for other callers of this helper first.",
    "There are three call sites; only one passes a NULL context.",
    "I've added the missing `free()` on the error path.",
    "The benchmark improved from 2.4 s to 0.9 s on the 1 GB corpus.",
    "The flaky test depends on the local time zone; pinning `TZ=UTC` fixes "
    "it.",
    "I'll make the timeout configurable instead of hard-coding 30 seconds.",
    "Done. The endpoint now returns 404 for unknown ids instead of 500.",
    "Looking at the stack trace, the panic happens while the lock is held.",
    "The config loader silently ignored unknown keys; it now warns.",
    "I'll write a failing test first so we can see the bug reproduce.",
    "Next I'll wire the new option through the CLI parser.",
    "The query was doing a full table scan; an index on (user_id, day) fixes "
    "it.",
    "Committed as `fix: retry the tail of a truncated file`.",
    "The type checker complains about an implicit any in the reducer.",
    "I renamed the variable so it no longer shadows the outer one.",
    "Everything is in place; want me to open a pull request?",
    "This needs a decision from you: keep the old flag as an alias, or drop "
    "it?",
};

static const char *const think[] = {
    "The user wants the totals to match exactly, so the dedup rule matters "
    "more than speed here.",
    "If I change the signature, every caller in the cmd layer has to move "
    "too. Let me check how many there are.",
    "Wait, the test passes locally but the CI log shows a different "
    "ordering. Maybe the hash iteration order leaks into the output.",
    "The simplest fix is to sort before printing; that keeps the output "
    "stable across platforms.",
    "Hmm, the file could be appended to while we read it. Reading up to the "
    "last newline and remembering the offset handles that.",
    "I should not touch the generated file; the generator is the source of "
    "truth.",
    "Two options: patch the parser or pre-filter the lines. The pre-filter "
    "is cheaper and matches upstream behaviour.",
    "Let me reconsider: the error only appears with more than 200k tokens "
    "of context, so the pricing tier is involved.",
    "The user asked for minimal changes. I'll keep the public API as is and "
    "fix the internals.",
    "This looks like a race between the watcher and the writer. A rename "
    "into place would make the update atomic.",
    "Before editing I need the surrounding code, so I'll read the whole "
    "function.",
    "The numbers are off by exactly the size of one streaming copy, which "
    "means the copies are being summed instead of deduplicated.",
};

static const char *const prompt[] = {
    "fix the failing test in the parser module",
    "add a --json flag to the report command",
    "why is the build so slow? profile it and tell me what to change",
    "refactor the config loader so it can read TOML as well",
    "write unit tests for the date bucketing code, including DST",
    "the dashboard shows yesterday's totals twice, can you find out why?",
    "update the dependencies and make sure everything still compiles",
    "review this diff and point out anything risky",
    "implement pagination for /api/orders (cursor based, 50 per page)",
    "the CI job times out on the integration tests, investigate",
    "rename the `usage` table to `usage_events` everywhere, with a migration",
    "add retries with exponential backoff to the HTTP client",
    "explain how the cache invalidation works in this repo",
    "port the shell script in tools/ to Python",
    "there's a memory leak when the server reloads its config; find it",
    "make the CSV export handle commas and quotes in names",
    "add a health check endpoint and document it",
    "clean up the warnings from -Wall -Wextra",
    "write a migration guide for the v2 API in docs/",
    "can you make the error messages consistent across the CLI?",
    "set up a GitHub Actions workflow that runs lint and tests",
    "speed up the hot loop in the tokenizer, it is 40% of the profile",
    "the login form accepts empty passwords, fix and add a test",
    "summarize what changed since the last release tag",
};

static const char *const subprompt[] = {
    "Explore the codebase and find every place where transcript files are "
    "opened or read. For each, report the file path, the function, whether "
    "it handles partial last lines, and how errors are reported. Do not "
    "modify anything.",
    "Search the repository for the pricing table and everything that reads "
    "it. I need: the data file, the code that loads it, how model names are "
    "matched, and the tests that cover the matching. Return file:line "
    "references.",
    "Find out how the HTTP handlers validate their input. List each handler, "
    "the validation it does, and any handler that trusts the client. Be "
    "thorough; read the middleware too.",
    "Look at the last 30 commits and the open TODOs and write a short "
    "report of which areas change most often and which have no tests.",
    "Investigate why the integration tests are slow: find the slowest 10 "
    "tests, what they wait on, and whether they share fixtures that could be "
    "reused.",
    "Read the docs/ folder and the README and list every command-line "
    "option that is documented but not implemented, or implemented but not "
    "documented.",
};

static const char *const code_c[] = {
    "#include <stdio.h>",
    "#include <stdlib.h>",
    "#include <string.h>",
    "#include \"util/buf.h\"",
    "",
    "static int parse_line(const char *p, size_t n, struct rec *out)",
    "{",
    "  const char *end = p + n;",
    "  size_t i;",
    "}",
    "  if (n == 0 || p[0] != '{')",
    "    return -1;",
    "  for (i = 0; i < n; i++) {",
    "    if (p[i] == '\\n')",
    "      break;",
    "  }",
    "  memset(out, 0, sizeof(*out));",
    "  out->ts = parse_ts(p, end);",
    "  return 0;",
    "/* Keeps the offset of the last complete line. */",
    "struct reader {",
    "  int fd;",
    "  off_t offset;",
    "  struct buf tail;",
    "};",
    "int reader_open(struct reader *r, const char *path)",
    "  r->fd = open(path, O_RDONLY | O_CLOEXEC);",
    "  if (r->fd < 0)",
    "    return err_set(e, ERR_IO, \"cannot open '%s'\", path);",
    "  while ((n = read(r->fd, tmp, sizeof(tmp))) > 0) {",
    "    buf_add(&r->tail, tmp, (size_t)n);",
    "  free(items);",
    "  qsort(rows, nrows, sizeof(*rows), cmp_rows);",
    "  fprintf(out, \"%-12s %10llu\\n\", name, (unsigned long long)total);",
    "#define MAX_LINE (64u << 20)",
    "  uint64_t h = hash64(key, len, seed);",
    "  if (h % 2 == 0)",
    "  switch (kind) {",
    "  case KIND_USER:",
    "  default:",
    "    break;",
    "  return rc < 0 ? rc : 0;",
};

static const char *const code_ts[] = {
    "import { useEffect, useState } from \"react\";",
    "import type { Order, Page } from \"./types\";",
    "",
    /* NOLINTNEXTLINE(bugprone-suspicious-missing-comma): one string */
    "export async function fetchOrders(cursor?: string): Promise<Page<Order>> "
    "{",
    "  const res = await fetch(`/api/orders?cursor=${cursor ?? \"\"}`);",
    "  if (!res.ok) {",
    "    throw new Error(`HTTP ${res.status}`);",
    "  }",
    "  return (await res.json()) as Page<Order>;",
    "}",
    "export function OrderList({ userId }: { userId: string }) {",
    "  const [orders, setOrders] = useState<Order[]>([]);",
    "  const [loading, setLoading] = useState(false);",
    "  useEffect(() => {",
    "    setLoading(true);",
    "    fetchOrders().then((p) => setOrders(p.items)).finally(() => "
    "setLoading(false));",
    "  }, [userId]);",
    "  return (",
    "    <ul className=\"orders\">",
    "      {orders.map((o) => (",
    "        <li key={o.id}>{o.title} — {formatPrice(o.total)}</li>",
    "      ))}",
    "    </ul>",
    "  );",
    "const formatPrice = (cents: number) => `$${(cents / 100).toFixed(2)}`;",
    "describe(\"fetchOrders\", () => {",
    "  it(\"returns the first page\", async () => {",
    "    expect(page.items).toHaveLength(50);",
    "  });",
    "});",
    "export interface Order {",
    "  id: string;",
    "  title: string;",
    "  total: number;",
    "  createdAt: string;",
    "}",
    "router.get(\"/health\", (_req, res) => res.json({ ok: true }));",
};

static const char *const code_py[] = {
    "import json",
    "import logging",
    "from dataclasses import dataclass",
    "from pathlib import Path",
    "",
    "log = logging.getLogger(__name__)",
    "@dataclass",
    "class Sample:",
    "    name: str",
    "    tokens: list[int]",
    "    label: float = 0.0",
    "def load_samples(path: Path) -> list[Sample]:",
    "    \"\"\"Reads one JSON object per line and skips bad lines.\"\"\"",
    "    out = []",
    "    with path.open(encoding=\"utf-8\") as f:",
    "        for n, line in enumerate(f, 1):",
    "            line = line.strip()",
    "            if not line:",
    "                continue",
    "            try:",
    "                obj = json.loads(line)",
    "            except json.JSONDecodeError:",
    "                log.warning(\"%s:%d: bad json\", path, n)",
    "            out.append(Sample(**obj))",
    "    return out",
    "def embed(batch, model, device=\"cuda\"):",
    "    with torch.no_grad():",
    "        return model(batch.to(device)).cpu().numpy()",
    "if __name__ == \"__main__\":",
    "    main()",
    "    parser.add_argument(\"--epochs\", type=int, default=10)",
    "    for epoch in range(args.epochs):",
    "        loss = train_one_epoch(model, loader, optimizer)",
    "        print(f\"epoch {epoch}: loss={loss:.4f}\")",
    "def test_load_skips_blank_lines(tmp_path):",
    "    assert len(load_samples(p)) == 2",
};

static const char *const code_go[] = {
    "package billing",
    "",
    "import (",
    "\t\"context\"",
    "\t\"fmt\"",
    "\t\"time\"",
    ")",
    "// Invoice is one monthly bill.",
    "type Invoice struct {",
    "\tID        string    `json:\"id\"`",
    "\tCustomer  string    `json:\"customer\"`",
    "\tAmount    int64     `json:\"amount_cents\"`",
    "\tIssuedAt  time.Time `json:\"issued_at\"`",
    "}",
    ("func (s *Service) Issue(ctx context.Context, c Customer) (*Invoice, "
     "error) {"),
    "\tif c.ID == \"\" {",
    "\t\treturn nil, fmt.Errorf(\"issue: empty customer id\")",
    "\t}",
    "\tinv := &Invoice{ID: newID(), Customer: c.ID, IssuedAt: s.now()}",
    "\tif err := s.store.Put(ctx, inv); err != nil {",
    "\t\treturn nil, fmt.Errorf(\"issue %s: %w\", c.ID, err)",
    "\t}",
    "\treturn inv, nil",
    "}",
    "func TestIssueRejectsEmptyID(t *testing.T) {",
    "\t_, err := svc.Issue(context.Background(), Customer{})",
    "\tif err == nil {",
    "\t\tt.Fatal(\"want error\")",
    "\tfor _, line := range lines {",
    "\t\ttotal += line.Amount",
    "\tmu.Lock()",
    "\tdefer mu.Unlock()",
};

static const char *const shell[] = {
    "$ make test",
    "cc -O2 -Wall -Wextra -c src/reader.c -o build/reader.o",
    "cc -O2 -Wall -Wextra -c src/report.c -o build/report.o",
    "ok   1 - parses a complete line",
    "ok   2 - skips a blank line",
    "ok   3 - keeps the tail of a truncated file",
    "not ok 4 - totals match the oracle",
    "#   Failed test 'totals match the oracle'",
    "#   got: 57342187",
    "#   expected: 57342022",
    "PASS  src/orders.test.ts (2.314 s)",
    "FAIL  src/cart.test.ts",
    "  ● Cart › applies the discount once",
    "    Expected: 1800",
    "    Received: 1600",
    "Tests:       1 failed, 41 passed, 42 total",
    /* NOLINTNEXTLINE(bugprone-suspicious-missing-comma): one string */
    "============================= test session starts "
    "==============================",
    "collected 87 items",
    "tests/test_loader.py ........................                  [ 27%]",
    "tests/test_train.py ..F.......                                 [ 39%]",
    "E       AssertionError: assert 3 == 2",
    "=========================== 1 failed, 86 passed in 4.21s "
    "===========================",
    "--- FAIL: TestIssueRejectsEmptyID (0.00s)",
    "ok  \tgithub.com/acme/api/billing\t0.412s",
    "On branch main",
    "Changes not staged for commit:",
    "\tmodified:   src/reader.c",
    "\tmodified:   tests/test_reader.c",
    "commit 3f9c2e1b7d4a5e6f8a9b0c1d2e3f4a5b6c7d8e9f",
    "Author: Demo User <demo@example.com>",
    "Date:   Tue Nov 17 14:03:22 2026 +0000",
    "    reader: retry the tail of a truncated file",
    "warning: unused variable 'n' [-Wunused-variable]",
    "error: implicit declaration of function 'parse_ts'",
    "npm warn deprecated inflight@1.0.6: This module is not supported",
    "added 412 packages, and audited 413 packages in 9s",
    "  ✓ builds the index (312 ms)",
    "real\t0m2.417s",
    "drwxr-xr-x  5 demo demo 4096 Nov 17 14:03 src",
    "-rw-r--r--  1 demo demo 18231 Nov 17 14:01 README.md",
};

static const char *const cmd[] = {
    "make test",
    "git status",
    "git diff --stat",
    "git log --oneline -20",
    "npm test -- --runInBand",
    "pytest -q tests/",
    "go test ./...",
    "ls -la src",
    "rg -n \"parse_ts\" src",
    "cargo build --release",
    "make -j8 2>&1 | tail -40",
    "python -m pip install -e .",
    "docker compose up -d db",
    "git add -A && git commit -m \"wip\"",
    "npx tsc --noEmit",
    "./build/tokmeter daily --json | head -50",
};

static const char *const file_c[] = {
    "src/reader.c",       "src/reader.h",        "src/report.c",
    "src/main.c",         "src/util/buf.c",      "src/util/hash.c",
    "src/core/pricing.c", "tests/test_reader.c", "Makefile",
    "CMakeLists.txt",     "README.md",
};

static const char *const file_ts[] = {
    "src/api/orders.ts",
    "src/components/OrderList.tsx",
    "src/cart.ts",
    "src/cart.test.ts",
    "src/server.ts",
    "src/types.ts",
    "package.json",
    "tsconfig.json",
    "src/hooks/useOrders.ts",
    "README.md",
};

static const char *const file_py[] = {
    "train.py",
    "data/loader.py",
    "models/embed.py",
    "tests/test_loader.py",
    "tests/test_train.py",
    "notebooks/explore.ipynb",
    "pyproject.toml",
    "README.md",
    "scripts/export.py",
};

static const char *const file_go[] = {
    "billing/invoice.go", "billing/invoice_test.go",    "billing/service.go",
    "cmd/server/main.go", "internal/store/postgres.go", "go.mod",
    "api/handlers.go",    "api/middleware.go",          "README.md",
};

static const char *const query[] = {
    "jansson json_loadb flags reject duplicates",
    "postgres ON CONFLICT DO NOTHING returning",
    "react useEffect cleanup abort fetch",
    "pytest tmp_path fixture scope",
    "go context cancellation best practices 2026",
    "anthropic prompt caching 1h ttl pricing",
};

static const char *const title[] = {
    "Fix truncated line handling in reader",
    "Add JSON output to reports",
    "Investigate slow CI",
    "Refactor config loader",
    "Paginate the orders API",
    "Memory leak on config reload",
    "Dependency update",
    "Tokenizer hot loop speedup",
};

static const char *const word[] = {
    "lexical",   "painting",   "whisper", "radiant",    "floating", "music",
    "delegated", "marinating", "toast",   "expressive", "chasing",  "pie",
    "quiet",     "copper",     "harbor",  "velvet",     "orbit",    "maple",
    "nimble",    "glacier",    "sparrow", "tidal",      "ember",    "lantern",
};

#define POOL(a)                                                                \
  {                                                                            \
    a, sizeof(a) / sizeof(a[0])                                                \
  }

static const struct demo_raw_pool raw[] = {
    POOL(prose),   POOL(think),   POOL(prompt),  POOL(subprompt), POOL(code_c),
    POOL(code_ts), POOL(code_py), POOL(code_go), POOL(shell),     POOL(cmd),
    POOL(file_c),  POOL(file_ts), POOL(file_py), POOL(file_go),   POOL(query),
    POOL(title),   POOL(word),
};

const struct demo_raw_pool *demo_text_raw(size_t *count)
{
  *count = sizeof(raw) / sizeof(raw[0]);
  return raw;
}
