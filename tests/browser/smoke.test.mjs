// The harness itself, on pages served from inside the test: chromium
// runs scripts and takes clicks, the console-error guard catches errors,
// screenshots land under the build dir, startServer finds a printed URL.
// SPDX-License-Identifier: MIT

import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import {
  assertNoConsoleErrors, consoleErrors, launch, newPage, screenshot,
  screenshotDir, startServer,
} from './lib.mjs';

const PAGES = {
  '/': `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<link rel="icon" href="data:,">
<title>smoke</title>
<style>
  body { font: 16px sans-serif; margin: 2em; }
  [data-theme=dark] { background: #222; color: #eee; }
</style></head>
<body data-theme="light">
<h1 id="status">loading</h1>
<button id="theme" data-theme="light">toggle theme</button>
<script>
  document.getElementById('status').textContent = 'ready: ' + (6 * 7);
  const button = document.getElementById('theme');
  button.addEventListener('click', () => {
    const next = button.dataset.theme === 'light' ? 'dark' : 'light';
    button.dataset.theme = next;
    document.body.dataset.theme = next;
  });
</script></body></html>`,
  '/broken': `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<link rel="icon" href="data:,"><title>broken</title></head>
<body><p>fine so far</p>
<script>console.error('boom from the page');</script>
<script>setTimeout(() => { undefinedFunction(); }, 0);</script>
</body></html>`,
};

let server;
let base;
let browser;

before(async () => {
  server = createServer((req, res) => {
    const body = PAGES[req.url];
    if (body === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(body);
  });
  await new Promise((res) => server.listen(0, '127.0.0.1', res));
  base = `http://127.0.0.1:${server.address().port}`;
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await new Promise((res) => server.close(res));
});

test('a page runs its script and takes a click', async () => {
  const page = await newPage(browser, { viewport: { width: 640, height: 360 } });
  const res = await page.goto(`${base}/`);
  assert.equal(res.status(), 200);
  assert.equal(await page.title(), 'smoke');
  assert.equal(await page.textContent('#status'), 'ready: 42');
  assert.equal(await page.getAttribute('#theme', 'data-theme'), 'light');

  await page.click('#theme');
  assert.equal(await page.getAttribute('#theme', 'data-theme'), 'dark');
  assert.equal(await page.getAttribute('body', 'data-theme'), 'dark');
  await page.click('#theme');
  assert.equal(await page.getAttribute('#theme', 'data-theme'), 'light');
  await page.click('#theme');

  const file = await screenshot(page, 'smoke');
  assert.equal(file, `${screenshotDir}/smoke.png`);
  const size = statSync(file).size;
  assert.ok(size > 1000, `screenshot ${file} is ${size} bytes`);
  // A PNG of the viewport: signature, then IHDR's width and height.
  const png = readFileSync(file);
  assert.equal(png.subarray(0, 8).toString('hex'), '89504e470d0a1a0a');
  assert.equal(png.readUInt32BE(16), 640);
  assert.equal(png.readUInt32BE(20), 360);
  assertNoConsoleErrors(page);
  await page.close();
});

test('the console-error guard catches console.error and page errors', async () => {
  const page = await newPage(browser);
  await page.goto(`${base}/broken`);
  await page.waitForFunction(() => document.readyState === 'complete');
  // The uncaught error comes from a timer: wait until it is recorded.
  for (let i = 0; i < 50 && consoleErrors(page).length < 2; i++) {
    await page.waitForTimeout(20);
  }
  const errors = consoleErrors(page);
  assert.equal(errors.length, 2, errors.join('\n'));
  assert.match(errors[0], /^console\.error: boom from the page/);
  assert.match(errors[1], /^page error: .*undefinedFunction/);
  assert.throws(() => assertNoConsoleErrors(page), (err) => {
    assert.equal(err.name, 'AssertionError');
    assert.match(err.message, /^2 console error\(s\):/);
    assert.match(err.message, /boom from the page/);
    return true;
  });
  await page.close();
});

test('a failed resource load counts as a console error', async () => {
  const page = await newPage(browser);
  await page.goto(`${base}/`);
  await page.evaluate(async () => {
    const img = document.createElement('img');
    img.src = '/missing.png';
    document.body.append(img);
    await new Promise((res) => { img.onerror = res; });
  });
  await page.waitForTimeout(50);
  assert.throws(() => assertNoConsoleErrors(page), /404/);
  await page.close();
});

// A stand-in for `tokmeter dashboard`: a child process that prints its URL.
const CHILD_SERVER = `
const http = require('node:http');
const s = http.createServer((req, res) => res.end('child ' + process.env.GREETING));
s.listen(0, '127.0.0.1', () => {
  console.log('serving on http://127.0.0.1:' + s.address().port + '/ (Ctrl-C stops)');
});`;

test('startServer waits for the printed URL and stops the process', async (t) => {
  const srv = await startServer(process.execPath, ['-e', CHILD_SERVER],
    { GREETING: 'hello' }, { t });
  assert.match(srv.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  assert.ok(srv.port > 0);
  const body = await (await fetch(srv.url)).text();
  assert.equal(body, 'child hello');

  const page = await newPage(browser);
  await page.goto(srv.url);
  assert.equal(await page.textContent('body'), 'child hello');
  assertNoConsoleErrors(page);
  await page.close();

  await srv.stop();
  assert.equal(srv.proc.signalCode, 'SIGTERM');
  await assert.rejects(fetch(srv.url));
});

test('startServer fails when no URL comes', async () => {
  const silent = startServer(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'],
    {}, { timeoutMs: 300 });
  await assert.rejects(silent, /printed no URL within 300 ms/);
  const early = startServer(process.execPath, ['-e', 'console.log("no"); process.exit(3)']);
  await assert.rejects(early, /exited \(3\) before printing a URL[\s\S]*stdout:\nno\n/);
  const missing = startServer('/nonexistent/tokmeter');
  await assert.rejects(missing, /cannot start: .*ENOENT/);
});
