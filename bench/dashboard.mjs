// Dashboard benchmark (issue 5's targets) on an indexed corpus:
//   node bench/dashboard.mjs CORPUS   (bench/dashboard.sh runs it)
// Start-up with an empty store (filled from the index) and with a filled
// one, the overview's API answers (best of 5), the first render of the
// overview in Debian's chromium (navigation to the charts drawn, best of
// 3), and a new transcript line to the open page (best of 3).
// SPDX-License-Identifier: MIT
import { appendFileSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { launch, newPage, startServer } from '../tests/browser/lib.mjs';

const corpus = process.argv[2];
const bin = process.env.TOKMETER;
const args = ['dashboard', '--no-open', '--port', '0', '--claude-dir', corpus];
const best = (xs) => Math.min(...xs).toFixed(1) + ' ms';
const rows = [];
// Peak resident memory of the server so far (Linux).
const peakMB = (pid) => {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmHWM:\s+(\d+) kB/);
  return m ? (Number(m[1]) / 1024).toFixed(0) + ' MB' : '?';
};

let t0 = performance.now();
let srv = await startServer(bin, args, {}, { timeoutMs: 60000 });
rows.push(['start, empty store filled from the index', (performance.now() - t0).toFixed(0) + ' ms', '']);
rows.push(['peak memory after that start', peakMB(srv.proc.pid), 'at most 64 MB (issue 4)']);
await srv.stop();
t0 = performance.now();
srv = await startServer(bin, args, {}, { timeoutMs: 60000 });
rows.push(['start, store already filled', (performance.now() - t0).toFixed(0) + ' ms', '']);

for (const p of ['api/summary', 'api/daily', 'api/projects']) {
  const times = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    await (await fetch(srv.url + p)).text();
    times.push(performance.now() - t0);
  }
  rows.push([`GET /${p}`, best(times), 'at most 50 ms']);
}

const browser = await launch();
const page = await newPage(browser, { viewport: { width: 1200, height: 900 } });
const renders = [];
for (let i = 0; i < 3; i++) {
  await page.goto('about:blank'); /* a real load each time, not a hash change */
  const t0 = performance.now();
  await page.goto(srv.url + '#/overview');
  await page.waitForFunction(() => document.querySelectorAll('canvas').length >= 2 &&
    document.querySelector('[data-period] .card-value'));
  renders.push(performance.now() - t0);
}
rows.push(['overview, first render', best(renders), 'at most 500 ms']);

// A new call, appended as Claude Code does, to the page's Today card.
const proj = join(corpus, 'projects', readdirSync(join(corpus, 'projects'))[0]);
const file = join(proj, readdirSync(proj).find((f) => f.endsWith('.jsonl')));
const line = readFileSync(file, 'utf8').split('\n').find((l) => l.includes('"usage"'));
const lat = [];
for (let i = 0; i < 3; i++) {
  await page.evaluate(() => {
    window.heard = 0;
    const es = new EventSource('/api/usage/stream');
    es.addEventListener('usage', () => { window.heard++; });
    return new Promise((ok) => es.addEventListener('open', ok));
  });
  const fresh = line.replace(/"id":"msg_[^"]*"/, `"id":"msg_bench_${Date.now()}_${i}"`)
    .replace(/"timestamp":"[^"]*"/, `"timestamp":"${new Date().toISOString()}"`);
  const t0 = performance.now();
  appendFileSync(file, fresh + '\n');
  await page.waitForFunction(() => window.heard > 0, null, { timeout: 5000 });
  lat.push(performance.now() - t0);
}
rows.push(['new line to the open page', best(lat), 'at most 1 s']);
rows.push(['peak memory at the end', peakMB(srv.proc.pid), '']);
await browser.close();
await srv.stop();
console.log('| step | best | target |\n|---|---:|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
