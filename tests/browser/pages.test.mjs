// The dashboard's pages on a generated corpus with a pinned clock: the
// overview's figures equal the CLI's, every page loads without console
// errors, the session page draws its chart and lists its prompts as the
// API previews them, the activity page charts
// active time and the prompts page lists the API's costliest prompts,
// the theme toggle works and is remembered, a narrow window does not
// scroll sideways, and --demo shows its banner. Screenshots of every page land under build/.
// SPDX-License-Identifier: MIT
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { assertNoConsoleErrors, launch, newPage, screenshot, screenshotDir, startServer } from './lib.mjs';

const bin = process.env.TOKMETER;
const skip = !bin && 'TOKMETER not set';
const work = mkdtempSync(join(tmpdir(), 'tokmeter-pages-'));
const corpus = join(work, 'c');
const END = '2026-03-20'; // the corpus's last day
const env = { XDG_CACHE_HOME: join(work, 'cache'), TZ: 'UTC' };
let lastDay; // the last day with calls: the server's "today"
const pageOpts = { viewport: { width: 1200, height: 800 }, locale: 'en-US',
                   timezoneId: 'UTC', colorScheme: 'light' };
let browser;
let srv;

before(async () => {
  if (!bin) return;
  execFileSync(bin, ['demo', '--out', corpus, '--size-mb', '3', '--seed', '7', '--parity',
    '--end', END], { stdio: 'ignore' });
  lastDay = cli(['daily']).daily.at(-1).date;
  // "now" late on that day: every call is in the past.
  env.TOKMETER_NOW = `${lastDay}T23:30:00Z`;
  browser = await launch();
  srv = await startServer(bin, ['dashboard', '--no-open', '--port', '0', '--claude-dir', corpus], env);
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
  rmSync(work, { recursive: true, force: true });
});

function cli(args) {
  return JSON.parse(execFileSync(bin, [...args, '--json', '--claude-dir', corpus],
    { env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
}

const money = (n) => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD',
  minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(n);
const int = (n) => new Intl.NumberFormat('en-US').format(n);

// Opens hash route on a fresh page and waits until that page has rendered.
async function open(route, name, opts = pageOpts) {
  const page = await newPage(browser, opts);
  await page.goto(`${srv.url}#/${route}`);
  await page.waitForSelector(`main[data-ready] .page[data-page="${name}"]`);
  return page;
}

// The figures of one overview card: {cost, tokens, calls} as data values and text.
async function card(page, period) {
  return page.$eval(`[data-period="${period}"]`, (box) => {
    const get = (f) => box.querySelector(`[data-field="${f}"]`);
    return {
      cost: Number(get('cost').dataset.value), costText: get('cost').textContent,
      tokens: Number(get('tokens').dataset.value), tokensText: get('tokens').textContent,
      calls: Number(get('calls').dataset.value),
    };
  });
}

function assertCard(got, want, what) {
  assert.ok(Math.abs(got.cost - want.totalCost) < 1e-6, `${what} cost ${got.cost} != ${want.totalCost}`);
  assert.equal(got.costText, money(want.totalCost), `${what} cost text`);
  assert.equal(got.tokens, want.totalTokens, `${what} tokens`);
  assert.equal(got.tokensText, int(want.totalTokens), `${what} tokens text`);
  assert.equal(got.calls, want.calls, `${what} calls`);
}

test('the overview shows what the CLI reports', { skip }, async () => {
  const page = await open('overview', 'overview');
  const month = cli(['monthly']).monthly.find((m) => m.month === lastDay.slice(0, 7));
  const daily = cli(['daily']);
  const today = daily.daily.find((d) => d.date === lastDay);
  assert.ok(month && today, 'the corpus has calls in the pinned month and day');
  assertCard(await card(page, 'thisMonth'), month, 'this month');
  assertCard(await card(page, 'today'), today, 'today');
  assertCard(await card(page, 'range'), daily.totals, 'all time');
  // The stacked daily chart and the project chart are drawn.
  const charts = await page.$$eval('main canvas', (cs) => cs.map((c) =>
    ({ w: c.width, h: c.height, chart: !!Chart.getChart(c) })));
  assert.equal(charts.length, 2);
  for (const c of charts) assert.ok(c.w > 0 && c.h > 0 && c.chart, JSON.stringify(c));
  await screenshot(page, 'overview-light');
  assertNoConsoleErrors(page);
  await page.close();
});

test('a date range is passed to the API', { skip }, async () => {
  const page = await open('overview', 'overview');
  const days = cli(['daily']).daily.map((d) => d.date);
  const since = days[1];
  const until = days[days.length - 2];
  await page.fill('#range-since', since);
  await page.dispatchEvent('#range-since', 'change');
  await page.fill('#range-until', until);
  await page.dispatchEvent('#range-until', 'change');
  await page.waitForFunction((day) => {
    const r = document.querySelector('[data-period="range"] .card-range');
    return r && r.textContent.includes(day);
  }, until);
  await page.waitForSelector('main[data-ready] .page[data-page="overview"]');
  const want = cli(['daily', '--since', since, '--until', until]).totals;
  assertCard(await card(page, 'range'), want, 'range');
  assert.equal(await page.inputValue('#range-preset'), 'custom');
  assertNoConsoleErrors(page);
  await page.close();
});

test('the theme toggle switches to dark and is remembered', { skip }, async () => {
  const page = await open('overview', 'overview');
  const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const light = await bg();
  assert.equal(await page.getAttribute('html', 'data-theme'), null);
  await page.click('#theme-toggle');
  assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
  const dark = await bg();
  assert.notEqual(dark, light);
  await page.waitForSelector('main[data-ready] .page[data-page="overview"] canvas');
  await screenshot(page, 'overview-dark');
  await page.reload();
  await page.waitForSelector('main[data-ready] .page[data-page="overview"]');
  assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
  assert.equal(await bg(), dark);
  await page.click('#theme-toggle');
  assert.equal(await page.getAttribute('html', 'data-theme'), 'light');
  assert.equal(await bg(), light);
  assertNoConsoleErrors(page);
  await page.close();
});

test('the sessions table sorts and opens a session with its chart', { skip }, async () => {
  const page = await open('sessions', 'sessions');
  const sessions = cli(['session']);
  const rows = await page.$$eval('main tbody tr', (trs) => trs.length);
  assert.equal(rows, Math.min(100, sessions.sessions.length));
  // Costs come sorted, most first; a click on Cost turns the order round.
  const costs = async () => page.$$eval('main tbody tr td:last-child',
    (tds) => tds.map((td) => Number(td.textContent.replace(/[^0-9.]/g, ''))));
  const desc = await costs();
  assert.deepEqual(desc, [...desc].sort((a, b) => b - a));
  await screenshot(page, 'sessions');
  await page.click('button[data-sort="cost"]');
  await page.waitForSelector('th[aria-sort="ascending"] button[data-sort="cost"]');
  const asc = await costs();
  assert.deepEqual(asc, [...asc].sort((a, b) => a - b));
  // The text filter keeps matching rows only.
  const project = await page.textContent('main tbody tr td a');
  await page.fill('#session-filter', project);
  const shown = await page.$$eval('main tbody tr td:first-child', (tds) => tds.map((t) => t.textContent));
  assert.ok(shown.length >= 1 && shown.every((p) => p.includes(project)));

  await page.click('main tbody tr td a');
  await page.waitForSelector('main[data-ready] .page[data-page="session"] canvas');
  assert.match(page.url(), /#\/sessions\/.+/);
  const chart = await page.$eval('.chart-turns canvas', (c) => {
    const ch = Chart.getChart(c);
    return { w: c.clientWidth, h: c.clientHeight, bars: ch ? ch.data.labels.length : -1 };
  });
  assert.ok(chart.w > 0 && chart.h > 0, `canvas ${chart.w}x${chart.h}`);
  assert.ok(chart.bars > 0, 'a Chart instance with one bar per turn');
  // The tools it called, as the API counts them.
  const id = decodeURIComponent(page.url().split('#/sessions/')[1]);
  const api = await (await fetch(`${srv.url}api/sessions/${encodeURIComponent(id)}`)).json();
  const toolRows = await page.$$eval('table.tools tbody tr', (trs) => trs.length);
  assert.ok(api.tools.length > 0, 'the session called tools');
  assert.equal(toolRows, api.tools.length);
  await screenshot(page, 'session');
  assertNoConsoleErrors(page);
  await page.close();
});

// What turns[].prompt holds for a prompt /api/prompts previews: one line,
// the first 200 characters (code points).
const turnPreview = (text) => [...text.replace(/[ \t\n\r\f\v]+/g, ' ').trim()].slice(0, 200).join('');

// The prompt list of the session page: [{turn, text, tokens, cost}].
async function sessionPromptRows(page) {
  return page.$$eval('.turn-prompts li', (lis) => lis.map((li) => ({
    turn: Number(li.dataset.turn),
    text: li.querySelector('.tp-text').textContent,
    tokens: Number(li.querySelector('[data-field="tokens"]').dataset.value),
    cost: Number(li.querySelector('[data-field="cost"]').dataset.value),
  })));
}

// Hovers the mouse over bar i of the turns chart; returns the tooltip's
// prompt lines (empty when it shows none).
async function hoverTurn(page, i) {
  await page.$eval('.chart-turns canvas', (c) => c.scrollIntoView({ block: 'center' }));
  const at = await page.$eval('.chart-turns canvas', (c, k) => {
    const ch = Chart.getChart(c);
    const box = c.getBoundingClientRect();
    let best = null;
    ch.data.datasets.forEach((_, d) => {
      const bar = ch.getDatasetMeta(d).data[k];
      const h = Math.abs(bar.base - bar.y);
      if (!best || h > best.h) best = { h, x: bar.x, y: (bar.y + bar.base) / 2 };
    });
    return { x: box.left + best.x, y: box.top + best.y };
  }, i);
  await page.mouse.move(at.x, at.y);
  await page.waitForFunction((k) => {
    const t = Chart.getChart(document.querySelector('.chart-turns canvas')).tooltip;
    return t.opacity > 0 && t.dataPoints && t.dataPoints[0].dataIndex === k;
  }, i);
  return page.$eval('.chart-turns canvas', (c) => Chart.getChart(c).tooltip.beforeBody);
}

test('the session page shows its prompts as the API previews them', { skip }, async () => {
  // The session of the costliest prompt: the page sums its turn as /api/prompts does.
  const top = (await apiGet('api/prompts?limit=1&tz=UTC')).prompts[0];
  const id = top.sessionId;
  const api = await apiGet(`api/sessions/${encodeURIComponent(id)}?tz=UTC`);
  const withPrompt = api.turns.map((t, i) => [t, i]).filter(([t]) => 'prompt' in t);
  assert.ok(withPrompt.length > 1, 'the session has prompts');
  assert.ok(withPrompt.length < api.turns.length, 'and calls after them');
  for (const [t] of withPrompt) {
    assert.equal(typeof t.prompt, 'string');
    assert.ok([...t.prompt].length <= 200, t.prompt);
  }

  const page = await open(`sessions/${encodeURIComponent(id)}`, 'session');
  const rows = await sessionPromptRows(page);
  assert.deepEqual(rows.map((r) => r.turn), withPrompt.map(([, i]) => i));
  assert.deepEqual(rows.map((r) => r.text), withPrompt.map(([t]) => t.prompt));
  // The costliest prompt's row: its first call is the first call after it.
  const want = turnPreview(top.preview);
  const first = withPrompt.find(([t]) => t.prompt === want && t.at >= top.at);
  assert.ok(first, `a turn carries '${want}'`);
  const row = rows.find((r) => r.turn === first[1]);
  assert.equal(row.tokens, top.usage.totalTokens);
  assert.ok(Math.abs(row.cost - top.usage.cost) < 1e-9, `${row.cost} != ${top.usage.cost}`);
  assert.equal(await page.textContent(`.turn-prompts li[data-turn="${first[1]}"] [data-field="cost"]`),
    money(top.usage.cost));

  // The tooltip of a prompt's first call shows the prompt; the next call's does not.
  const [t0, i0] = withPrompt[0];
  if (!('prompt' in api.turns[i0 + 1])) assert.deepEqual(await hoverTurn(page, i0 + 1), []);
  assert.equal((await hoverTurn(page, i0)).join(' '), t0.prompt);
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, 'session-tooltip.png') });
  await page.mouse.move(0, 0);
  await screenshot(page, 'session-prompts');
  await page.click('#theme-toggle');
  await page.waitForSelector('main[data-ready] .page[data-page="session"] .turn-prompts');
  await screenshot(page, 'session-dark');
  assertNoConsoleErrors(page);
  await page.close();
});

test('a long session prompt is wrapped in the tooltip and shown as text', { skip }, async () => {
  const page = await newPage(browser, { ...pageOpts, viewport: { width: 400, height: 800 } });
  const long = `<b>not bold</b> ${'word '.repeat(37)}end`;
  await page.route(/\/api\/sessions\/[^?]+\?/, async (route) => {
    const res = await route.fetch();
    const body = await res.json();
    body.turns[0].prompt = long;
    await route.fulfill({ response: res, json: body });
  });
  const id = (await apiGet('api/prompts?limit=1&tz=UTC')).prompts[0].sessionId;
  await page.goto(`${srv.url}#/sessions/${encodeURIComponent(id)}`);
  await page.waitForSelector('main[data-ready] .page[data-page="session"] .turn-prompts');
  assert.equal(await page.textContent('.turn-prompts li[data-turn="0"] .tp-text'), long);
  assert.equal(await page.$$eval('main .turn-prompts b', (b) => b.length), 0);
  const lines = await hoverTurn(page, 0);
  assert.ok(lines.length > 3, `wrapped: ${JSON.stringify(lines)}`);
  assert.equal(lines.join(' '), long);
  const width = await page.$eval('.chart-turns canvas', (c) => c.clientWidth);
  const tip = await page.$eval('.chart-turns canvas', (c) => Chart.getChart(c).tooltip.width);
  assert.ok(tip <= width, `the tooltip (${tip} px) fits the chart (${width} px)`);
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, 'session-tooltip-400px.png') });
  assertNoConsoleErrors(page);
  await page.close();
});

test('an unknown session says so', { skip }, async () => {
  const page = await newPage(browser, pageOpts);
  await page.goto(`${srv.url}#/sessions/no-such-session`);
  await page.waitForSelector('#error:not([hidden])');
  assert.match(await page.textContent('#error'), /no session 'no-such-session'/);
  await page.close();
});

for (const [route, name] of [['projects', 'projects'], ['models', 'models'], ['activity', 'activity']]) {
  test(`the ${name} page loads clean`, { skip }, async () => {
    const page = await open(route, name);
    if (name === 'projects') {
      const want = cli(['projects']).projects.length;
      assert.equal(await page.$$eval('main tbody tr', (t) => t.length), want);
    } else if (name === 'models') {
      const want = cli(['models']).models.length;
      assert.equal(await page.$$eval('main tbody tr', (t) => t.length), want);
    } else {
      assert.equal(await page.$$eval('.heatmap .hm-cell', (c) => c.length), 168);
      const lit = await page.$$eval('.heatmap .hm-cell:not([data-level="0"])', (c) => c.length);
      assert.ok(lit > 0, 'some hours had calls');
    }
    await screenshot(page, name);
    assertNoConsoleErrors(page);
    await page.close();
  });
}

// GET path on the test server, parsed.
async function apiGet(path) {
  const res = await fetch(`${srv.url}${path}`);
  assert.equal(res.status, 200, path);
  return res.json();
}

// The active-time figures the activity page shows: the total and the chart's sums.
async function activeShown(page) {
  return page.evaluate(() => {
    const canvas = document.querySelector('.chart-active canvas');
    const ch = canvas && Chart.getChart(canvas);
    const sum = (i) => (ch ? ch.data.datasets[i].data.reduce((a, b) => a + b, 0) : -1);
    const total = document.querySelector('[data-field="activeMs"]');
    return {
      chart: !!ch, w: canvas ? canvas.clientWidth : 0, h: canvas ? canvas.clientHeight : 0,
      stacks: ch ? ch.data.datasets.length : 0,
      chartMin: ch ? sum(0) + sum(1) : -1,
      total: Number(total.dataset.value), totalText: total.textContent,
      small: !!Chart.getChart(document.querySelector('.chart-small canvas')),
    };
  });
}

function assertActive(got, days, what) {
  const want = days.reduce((n, d) => n + d.activeMs, 0);
  assert.ok(want > 0, `${what}: the corpus has active time`);
  assert.ok(got.chart && got.small && got.w > 0 && got.h > 0, `${what}: ${JSON.stringify(got)}`);
  assert.equal(got.stacks, 2, `${what}: model and tools`);
  assert.equal(got.total, want, `${what}: total`);
  assert.ok(Math.abs(got.chartMin * 60000 - want) < 1, `${what}: chart ${got.chartMin} min`);
  assert.match(got.totalText, /^\d+ (h \d{2} )?min$|^\d+ s$/, `${what}: ${got.totalText}`);
}

test('the activity page charts active time for the range', { skip }, async () => {
  const page = await open('activity', 'activity');
  const all = await apiGet('api/activity?tz=UTC');
  assertActive(await activeShown(page), all.days, 'all time');
  await screenshot(page, 'activity-time');

  const since = all.days[1].date;
  const until = all.days.at(-2).date;
  await page.fill('#range-since', since);
  await page.dispatchEvent('#range-since', 'change');
  await page.fill('#range-until', until);
  await page.dispatchEvent('#range-until', 'change');
  const part = await apiGet(`api/activity?tz=UTC&since=${since}&until=${until}`);
  const want = part.days.reduce((n, d) => n + d.activeMs, 0);
  await page.waitForFunction((n) => {
    const t = document.querySelector('main[data-ready] [data-field="activeMs"]');
    return t && Number(t.dataset.value) === n;
  }, want);
  assertActive(await activeShown(page), part.days, `${since}..${until}`);
  assertNoConsoleErrors(page);
  await page.close();
});

// The prompts table: [{cost, text}] per row.
async function promptRows(page) {
  return page.$$eval('main table.prompts tbody tr', (trs) => trs.map((tr) => ({
    cost: Number(tr.querySelector('[data-field="cost"]').dataset.value),
    href: tr.querySelector('a').getAttribute('href'),
    text: tr.querySelector('.prompt-text').textContent,
  })));
}

test('the prompts page lists the costliest prompts', { skip }, async () => {
  const page = await open('prompts', 'prompts');
  assert.equal(await page.getAttribute('#nav a[data-route="prompts"]', 'aria-current'), 'page');
  const want = (await apiGet('api/prompts?limit=50&tz=UTC')).prompts;
  let rows = await promptRows(page);
  assert.ok(want.length > 0 && want.length <= 50);
  assert.equal(rows.length, want.length);
  assert.ok(Math.abs(rows[0].cost - want[0].usage.cost) < 1e-9, `${rows[0].cost}`);
  assert.equal(await page.textContent('main table.prompts tbody tr [data-field="cost"]'),
    money(want[0].usage.cost));
  assert.equal(rows[0].text, want[0].preview);
  assert.equal(rows[0].href, `#/sessions/${encodeURIComponent(want[0].sessionId)}`);
  await screenshot(page, 'prompts');

  // The project filter goes to the API.
  const project = want.at(-1).project;
  await page.selectOption('#prompt-project', project);
  const byProject = (await apiGet(`api/prompts?limit=50&tz=UTC&project=${encodeURIComponent(project)}`)).prompts;
  await page.waitForFunction((n) => document.querySelectorAll(
    'main[data-ready] table.prompts tbody tr').length === n, byProject.length);
  rows = await promptRows(page);
  assert.ok(rows.length < want.length, 'fewer prompts for one project');
  assert.ok(Math.abs(rows[0].cost - byProject[0].usage.cost) < 1e-9);

  // The session link opens that session.
  await page.click('main table.prompts tbody tr a');
  await page.waitForSelector('main[data-ready] .page[data-page="session"]');
  assert.equal(await page.textContent('h2.title'), project);
  assertNoConsoleErrors(page);
  await page.close();
});

test('a long prompt is clamped to 3 lines and shown as text', { skip }, async () => {
  const page = await newPage(browser, pageOpts);
  const long = `<b>not bold</b> ${'word '.repeat(300)}\nlast line`;
  await page.route(/\/api\/prompts\?/, async (route) => {
    const res = await route.fetch();
    const body = await res.json();
    body.prompts[0].preview = long;
    await route.fulfill({ response: res, json: body });
  });
  await page.goto(`${srv.url}#/prompts`);
  await page.waitForSelector('main[data-ready] .page[data-page="prompts"]');
  const first = 'main table.prompts tbody tr:first-child';
  await page.waitForSelector(`${first} .link-button:not([hidden])`);
  assert.equal(await page.textContent(`${first} .prompt-text`), long);
  assert.equal(await page.$$eval('main table.prompts b', (b) => b.length), 0);
  const height = () => page.$eval(`${first} .prompt-text`, (e) => e.clientHeight);
  const lineHeight = await page.$eval(`${first} .prompt-text`,
    (e) => parseFloat(getComputedStyle(e).lineHeight));
  const closed = await height();
  assert.ok(closed <= 3 * lineHeight + 1, `clamped: ${closed} px`);
  await page.click(`${first} .link-button`);
  assert.equal(await page.textContent(`${first} .link-button`), 'less');
  assert.ok(await height() > closed, 'opened');
  // Short previews have no toggle.
  assert.equal(await page.$$eval('main table.prompts tbody tr:nth-child(2) .link-button:not([hidden])',
    (b) => b.length), 0);
  await screenshot(page, 'prompts-long');
  assertNoConsoleErrors(page);
  await page.close();
});

test('a 400-pixel window does not scroll sideways', { skip }, async () => {
  const narrow = { ...pageOpts, viewport: { width: 400, height: 800 } };
  for (const [route, name] of [['overview', 'overview'], ['sessions', 'sessions'],
    ['activity', 'activity'], ['prompts', 'prompts']]) {
    const page = await open(route, name, narrow);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 400, `${name}: ${width} px wide`);
    await screenshot(page, `${name}-400px`);
    assertNoConsoleErrors(page);
    await page.close();
  }
  const id = (await apiGet('api/prompts?limit=1&tz=UTC')).prompts[0].sessionId;
  const page = await open(`sessions/${encodeURIComponent(id)}`, 'session', narrow);
  assert.ok(await page.$$eval('.turn-prompts li', (l) => l.length) > 0);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 400, `session: ${width} px wide`);
  await screenshot(page, 'session-400px');
  assertNoConsoleErrors(page);
  await page.close();
});

test('--demo shows a banner', { skip }, async (t) => {
  const demo = await startServer(bin, ['dashboard', '--no-open', '--port', '0', '--demo'],
    { ...env, XDG_CACHE_HOME: join(work, 'cache-demo') }, { t, timeoutMs: 30000 });
  const page = await newPage(browser, pageOpts);
  await page.goto(demo.url);
  await page.waitForSelector('#demo-banner:not([hidden])');
  assert.match(await page.textContent('#demo-banner'), /generated/);
  // The demo corpus ends today: the Today card has calls.
  const sum = await (await fetch(demo.url + 'api/summary')).json();
  assert.ok(sum.today.usage.calls > 0, JSON.stringify(sum.today));
  await page.waitForSelector('main[data-ready]');
  await screenshot(page, 'demo');
  assertNoConsoleErrors(page);
  await page.close();
});

test('a new call updates the overview live', { skip }, async (t) => {
  // A corpus of its own: the other tests' figures stay put.
  const dir = join(work, 'live');
  execFileSync(bin, ['demo', '--out', dir, '--size-mb', '1', '--seed', '3', '--parity',
    '--end', END], { stdio: 'ignore' });
  const run = (args) => JSON.parse(execFileSync(bin, [...args, '--json', '--claude-dir', dir],
    { env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  const day = run(['daily']).daily.at(-1).date;
  const live = await startServer(bin, ['dashboard', '--no-open', '--port', '0', '--claude-dir', dir],
    { ...env, XDG_CACHE_HOME: join(work, 'cache-live'), TOKMETER_NOW: `${day}T23:30:00Z` }, { t });
  const page = await newPage(browser, pageOpts);
  await page.goto(`${live.url}#/overview`);
  await page.waitForSelector('main[data-ready] .page[data-page="overview"]');
  await page.waitForSelector('#live.on');
  const before = await card(page, 'today');

  const proj = join(dir, 'projects', readdirSync(join(dir, 'projects'))[0]);
  const file = join(proj, readdirSync(proj).find((f) => f.endsWith('.jsonl')));
  const line = readFileSync(file, 'utf8').split('\n').find((l) => l.includes('"usage"'));
  appendFileSync(file, line.replace(/"id":"msg_[^"]*"/, '"id":"msg_pages_live_test"')
    .replace(/"timestamp":"[^"]*"/, `"timestamp":"${day}T23:29:00.000Z"`) + '\n');
  await page.waitForFunction((n) => Number(document.querySelector(
    '[data-period="today"] [data-field="calls"]').dataset.value) > n, before.calls, { timeout: 3000 });
  const want = run(['daily']).daily.find((d) => d.date === day);
  assertCard(await card(page, 'today'), want, 'today after the new call');
  // The debounced refresh brings the rest of the page along.
  await page.waitForFunction((n) => Number(document.querySelector(
    '[data-period="range"] [data-field="calls"]').dataset.value) === n,
  run(['daily']).totals.calls, { timeout: 4000 });
  assertNoConsoleErrors(page);
  await page.close();
});

test('the pages run under a strict Content-Security-Policy', { skip }, async () => {
  const page = await newPage(browser, pageOpts);
  const csp = "default-src 'self'; script-src 'self'; style-src 'self'; " +
    "img-src 'self' data:; connect-src 'self'";
  // The server sends the policy with every answer.
  for (const path of ['', 'api/summary']) {
    const res = await fetch(srv.url + path);
    assert.equal(res.headers.get('content-security-policy'), csp);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
  }
  await page.goto(`${srv.url}#/overview`);
  for (const [route, name] of [['overview', 'overview'], ['sessions', 'sessions'],
    ['models', 'models'], ['activity', 'activity'], ['prompts', 'prompts']]) {
    await page.evaluate((r) => { location.hash = `#/${r}`; }, route);
    await page.waitForSelector(`main[data-ready] .page[data-page="${name}"]`);
  }
  const id = (await (await fetch(`${srv.url}api/sessions?limit=1`)).json()).sessions[0].sessionId;
  await page.evaluate((s) => { location.hash = `#/sessions/${encodeURIComponent(s)}`; }, id);
  await page.waitForSelector('main[data-ready] .page[data-page="session"] canvas');
  assertNoConsoleErrors(page);
  // The policy is in force: an inline style attribute is refused.
  const applied = await page.evaluate(() => {
    const p = document.createElement('p');
    p.setAttribute('style', 'width: 123px');
    document.body.append(p);
    return p.getBoundingClientRect().width === 123;
  });
  assert.equal(applied, false);
  await page.close();
});
