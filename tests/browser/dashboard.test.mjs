// The dashboard server as a browser sees it: the API equals the CLI, the
// page loads without console errors, a line appended to a transcript
// reaches an open page over SSE within 2 s, and each new stream first
// hears `hello` with the time and where the data stands.
// SPDX-License-Identifier: MIT
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { assertNoConsoleErrors, launch, newPage, screenshot, startServer } from './lib.mjs';

const bin = process.env.TOKMETER;
const work = mkdtempSync(join(tmpdir(), 'tokmeter-dash-'));
const corpus = join(work, 'c');
const env = { XDG_CACHE_HOME: join(work, 'cache'), TZ: 'UTC' };
let browser;

before(async () => {
  execFileSync(bin, ['demo', '--out', corpus, '--size-mb', '2', '--seed', '4', '--parity'],
    { stdio: 'ignore' });
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  rmSync(work, { recursive: true, force: true });
});

function cli(args) {
  return JSON.parse(execFileSync(bin, [...args, '--json', '--claude-dir', corpus],
    { env: { ...process.env, ...env }, encoding: 'utf8' }));
}

async function dashboard(t) {
  return startServer(bin, ['dashboard', '--no-open', '--port', '0', '--claude-dir', corpus],
    env, { t });
}

test('the API answers as the CLI reports', { skip: !bin && 'TOKMETER not set' }, async (t) => {
  const srv = await dashboard(t);
  const daily = await (await fetch(srv.url + 'api/daily')).json();
  const want = cli(['daily']);
  assert.equal(daily.totals.totalTokens, want.totals.totalTokens);
  assert.ok(Math.abs(daily.totals.cost - want.totals.totalCost) < 1e-6);
  assert.equal(daily.days.length, want.daily.length);
  const models = await (await fetch(srv.url + 'api/models')).json();
  assert.equal(models.models.length, cli(['models']).models.length);
  // tools: the session's tool_use blocks, counted from its files.
  const top = (await (await fetch(srv.url + 'api/sessions?limit=1')).json()).sessions[0];
  const detail = await (await fetch(srv.url + 'api/sessions/' + encodeURIComponent(top.sessionId))).json();
  const uses = new Map();
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === top.sessionId + '.jsonl' || p.includes(`/${top.sessionId}/subagents/`)) {
        for (const l of readFileSync(p, 'utf8').split('\n')) {
          let r;
          try { r = JSON.parse(l); } catch { continue; }
          if (r.type !== 'assistant' || !Array.isArray(r.message?.content)) continue;
          for (const b of r.message.content) {
            if (b.type === 'tool_use') uses.set(b.name, (uses.get(b.name) || 0) + 1);
          }
        }
      }
    }
  };
  walk(join(corpus, 'projects'));
  assert.ok(uses.size > 0);
  assert.deepEqual(Object.fromEntries(detail.tools.map((x) => [x.name, x.uses])),
    Object.fromEntries(uses));
  for (let i = 1; i < detail.tools.length; i++) {
    const [a, b] = [detail.tools[i - 1], detail.tools[i]];
    assert.ok(a.uses > b.uses || (a.uses === b.uses && a.name < b.name));
  }
  const bad = await fetch(srv.url + 'api/daily?until=2026-99-01');
  assert.equal(bad.status, 400);
  assert.equal((await bad.json()).error.parameter, 'until');
  // fetch() may not set Host: node's http can, as a rebinding page's
  // request would arrive.
  const status = await new Promise((ok, fail) => {
    http.get({ host: '127.0.0.1', port: srv.port, path: '/health',
               headers: { Host: 'evil.example' } }, (res) => {
      res.resume();
      ok(res.statusCode);
    }).on('error', fail);
  });
  assert.equal(status, 403);
});

test('the page loads clean and hears a new call', { skip: !bin && 'TOKMETER not set' }, async (t) => {
  const srv = await dashboard(t);
  const page = await newPage(browser, { viewport: { width: 1100, height: 700 } });
  await page.goto(srv.url);
  assert.equal(await page.textContent('header h1'), 'tokmeter');
  await page.evaluate(() => {
    window.heard = [];
    const es = new EventSource('/api/usage/stream');
    es.addEventListener('usage', (e) => window.heard.push(JSON.parse(e.data)));
    return new Promise((ok) => es.addEventListener('open', ok));
  });
  // A new call, written as Claude Code appends it: a corpus line with a
  // fresh message id and the current time.
  const proj = join(corpus, 'projects', readdirSync(join(corpus, 'projects'))[0]);
  const file = join(proj, readdirSync(proj).find((f) => f.endsWith('.jsonl')));
  const line = readFileSync(file, 'utf8').split('\n').find((l) => l.includes('"usage"'));
  const fresh = line.replace(/"id":"msg_[^"]*"/, '"id":"msg_dashboard_test"')
    .replace(/"timestamp":"[^"]*"/, `"timestamp":"${new Date().toISOString()}"`);
  const t0 = Date.now();
  appendFileSync(file, fresh + '\n');
  await page.waitForFunction(() => window.heard.length > 0, null, { timeout: 2000 });
  const ev = (await page.evaluate(() => window.heard))[0];
  assert.ok(ev.newCalls >= 1);
  assert.ok(ev.summary && ev.summary.today.usage.calls >= 1);
  assert.ok(Date.now() - t0 <= 2000);
  await screenshot(page, 'dashboard-skeleton');
  assertNoConsoleErrors(page);
});

test('calls that vanish make the server ask pages to resync', { skip: !bin && 'TOKMETER not set' }, async (t) => {
  const srv = await dashboard(t);
  const ctl = new AbortController();
  const res = await fetch(srv.url + 'api/usage/stream', { signal: ctl.signal });
  const reader = res.body.getReader();
  const dec = new TextDecoder();
  // A transcript cut to its first line: its other calls are gone.
  const proj = join(corpus, 'projects', readdirSync(join(corpus, 'projects'))[1]);
  const file = join(proj, readdirSync(proj).find((f) => f.endsWith('.jsonl')));
  const first = readFileSync(file, 'utf8').split('\n')[0];
  writeFileSync(file, first + '\n');
  let text = '';
  const deadline = Date.now() + 3000;
  while (!text.includes('event: resync') && Date.now() < deadline) {
    const { value, done } = await Promise.race([reader.read(),
      new Promise((ok) => setTimeout(() => ok({ value: undefined, done: false }), 500))]);
    if (done) break;
    if (value) text += dec.decode(value);
  }
  ctl.abort();
  assert.match(text, /event: resync\ndata: \{"reason":"calls removed"\}/);
});

// Reads a stream's body onto text until it holds want (null: never) or ms
// pass; returns the text.
async function readUntil(reader, text, want, ms = 3000) {
  const dec = new TextDecoder();
  const deadline = Date.now() + ms;
  let pending = null;
  while (!(want !== null && text.includes(want)) && Date.now() < deadline) {
    pending = pending || reader.read();
    const r = await Promise.race([pending, new Promise((ok) => setTimeout(() => ok(null), 100))]);
    if (!r) continue; /* nothing yet: the same read stays pending */
    pending = null;
    const { value, done } = r;
    if (done) break;
    text += dec.decode(value, { stream: true });
  }
  return text;
}

test('a new stream first hears hello, and only it', { skip: !bin && 'TOKMETER not set' }, async (t) => {
  const now = '2026-03-21T08:15:00.000Z';
  const srv = await startServer(bin, ['dashboard', '--no-open', '--port', '0', '--claude-dir', corpus],
    { ...env, TOKMETER_NOW: now }, { t });
  const sum = await (await fetch(srv.url + 'api/summary')).json();
  assert.match(sum.dataAsOf, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  const open = async () => {
    const ctl = new AbortController();
    const res = await fetch(srv.url + 'api/usage/stream', { signal: ctl.signal });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/event-stream');
    return { ctl, reader: res.body.getReader(), text: '' };
  };
  const first = await open();
  first.text = await readUntil(first.reader, '', '}\n\n');
  // The bytes as sent: the opening comment, then the event, on one data line.
  const hello = `: ok\n\nevent: hello\ndata: {"generatedAt":"${now}","dataAsOf":"${sum.dataAsOf}"}\n\n`;
  assert.equal(first.text, hello);
  const second = await open();
  second.text = await readUntil(second.reader, '', '}\n\n');
  assert.equal(second.text, hello);
  // The first stream heard nothing of the second's hello.
  first.text = await readUntil(first.reader, first.text, null, 600);
  assert.equal(first.text, hello);
  first.ctl.abort();
  second.ctl.abort();

  // A page uses it for the live badge's "data as of" (the models page
  // fetches no summary: only the stream tells it).
  const page = await newPage(browser, { viewport: { width: 1100, height: 700 } });
  await page.goto(`${srv.url}#/models`);
  await page.waitForSelector(`#live[data-as-of="${sum.dataAsOf}"]`);
  assert.match(await page.getAttribute('#live', 'title'), /data as of/);
  assertNoConsoleErrors(page);
  await page.close();
});
