// Helpers for the browser tests (node:test + playwright-core).
// SPDX-License-Identifier: MIT
//
// launch()                      Debian's chromium, headless; never a
//                               downloaded browser ($CHROMIUM overrides).
// newPage(browser)              a page that records console errors and
//                               uncaught page errors.
// consoleErrors(page)           what it recorded so far (strings).
// assertNoConsoleErrors(page)   throws an AssertionError listing them.
// screenshot(page, name)        a full-page PNG under
//                               $TOKMETER_BUILD/browser-screenshots/NAME.png
//                               (default build/ in the source tree);
//                               returns its path.
// startServer(cmd, args, env, opts)
//                               spawns a server, waits for it to print
//                               http://127.0.0.1:PORT/ on stdout; returns
//                               { url, port, proc, output(), stop() }.
//                               opts: { t, timeoutMs } — with a test
//                               context t, stop() runs after that test.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const srcDir = resolve(here, '..', '..');
export const buildDir = resolve(process.env.TOKMETER_BUILD || join(srcDir, 'build'));
export const screenshotDir = join(buildDir, 'browser-screenshots');

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless=new'],
  });
}

const recorded = new WeakMap();

// Starts recording on an existing page; newPage() calls it for you.
export function watchPage(page) {
  if (recorded.has(page)) return page;
  const errors = [];
  recorded.set(page, errors);
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const loc = msg.location();
    const where = loc && loc.url ? ` (${loc.url}:${loc.lineNumber})` : '';
    errors.push(`console.error: ${msg.text()}${where}`);
  });
  page.on('pageerror', (err) => {
    errors.push(`page error: ${err.message}`);
  });
  return page;
}

export async function newPage(browser, options = {}) {
  return watchPage(await browser.newPage(options));
}

export function consoleErrors(page) {
  const errors = recorded.get(page);
  assert.ok(errors, 'page not watched: open it with newPage()');
  return [...errors];
}

export function assertNoConsoleErrors(page) {
  const errors = consoleErrors(page);
  if (errors.length === 0) return;
  throw new assert.AssertionError({
    message: `${errors.length} console error(s):\n  ${errors.join('\n  ')}`,
    actual: errors,
    expected: [],
    operator: 'assertNoConsoleErrors',
  });
}

export async function screenshot(page, name) {
  assert.match(name, /^[\w.-]+$/, `bad screenshot name '${name}'`);
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

const URL_RE = /http:\/\/127\.0\.0\.1:(\d+)\//;

// Servers still running when the test process exits are killed with it.
const live = new Set();
process.once('exit', () => {
  for (const proc of live) proc.kill('SIGKILL');
});

export function startServer(cmd, args = [], env = {}, opts = {}) {
  const timeoutMs = opts.timeoutMs ?? 10000;
  const proc = spawn(cmd, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(proc);
  let out = '';
  let err = '';
  const output = () => `stdout:\n${out}\nstderr:\n${err}`;
  let startError = null;
  // 'exit' may not follow 'error' (a command that cannot start).
  const exited = new Promise((res) => {
    proc.once('exit', (code, sig) => res({ code, sig }));
    proc.once('error', (e) => {
      startError = e;
      res({ code: null, sig: null });
    });
  }).finally(() => live.delete(proc));
  const stop = async () => {
    if (!startError && proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
  };
  if (opts.t) opts.t.after(stop);

  return new Promise((resolveUrl, reject) => {
    let done = false;
    const finish = (fn, val) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      fn(val);
    };
    let failing = false; // the first reason wins over the exit it causes
    const fail = async (why) => {
      if (done || failing) return;
      failing = true;
      clearTimeout(timer);
      await stop();
      finish(reject, new Error(`${cmd}: ${why}\n${output()}`));
    };
    const timer = setTimeout(() => fail(`printed no URL within ${timeoutMs} ms`), timeoutMs);
    proc.stdout.setEncoding('utf8');
    proc.stderr.setEncoding('utf8');
    proc.stderr.on('data', (d) => { err += d; });
    proc.stdout.on('data', (d) => {
      out += d;
      const m = URL_RE.exec(out);
      if (m) {
        finish(resolveUrl, { url: m[0], port: Number(m[1]), proc, output, stop });
      }
    });
    exited.then(({ code, sig }) =>
      fail(startError ? `cannot start: ${startError.message}`
        : `exited (${sig || code}) before printing a URL`));
  });
}
