/* tokmeter dashboard: shared helpers, state, theme, router and live updates. */
'use strict';

const tokmeter = (() => {
  const errorBox = () => document.getElementById('error');

  /* Shows msg in the page's error banner. */
  function showError(msg) {
    const box = errorBox();

    if (!box) return;
    box.textContent = msg;
    box.hidden = false;
  }

  function clearError() {
    const box = errorBox();

    if (box) box.hidden = true;
  }

  /* The server's message from a JSON error body, else the status line. */
  async function failure(res) {
    try {
      const body = await res.json();

      if (body && typeof body.error === 'string') return body.error;
      if (body && body.error && typeof body.error.message === 'string')
        return body.error.message;
    } catch (_) {
      /* not JSON: fall back to the status */
    }
    return `${res.status} ${res.statusText}`.trim();
  }

  /*
   * Fetches url and resolves to its parsed JSON. On failure (network,
   * HTTP status, bad JSON) shows the error in the banner and rejects.
   * A page that renders in full clears the banner.
   */
  async function getJSON(url, options = {}) {
    let msg;

    try {
      const res = await fetch(url, {
        ...options,
        headers: { Accept: 'application/json', ...options.headers },
      });

      if (!res.ok) {
        msg = await failure(res);
      } else {
        return await res.json();
      }
    } catch (err) {
      msg = err instanceof SyntaxError ? 'the answer is not JSON' : err.message;
    }
    showError(`cannot load ${url}: ${msg}`);
    throw new Error(msg);
  }

  /* ---- state: date range and zone, kept for the tab's life ---- */

  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const state = { preset: 'all', since: '', until: '', tz: browserZone };

  function loadState() {
    try {
      const saved = JSON.parse(sessionStorage.getItem('tokmeter.range'));

      if (saved && typeof saved === 'object') Object.assign(state, saved);
    } catch (_) {
      /* nothing saved */
    }
  }

  function saveState() {
    try {
      sessionStorage.setItem('tokmeter.range', JSON.stringify(state));
    } catch (_) {
      /* storage disabled: the range lasts until reload */
    }
  }

  /* The query string for url with the range, the zone and extra params. */
  function api(path, extra = {}, withRange = true) {
    const q = new URLSearchParams();

    if (withRange && state.since) q.set('since', state.since);
    if (withRange && state.until) q.set('until', state.until);
    q.set('tz', state.tz);
    for (const [k, v] of Object.entries(extra))
      if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
    return `${path}?${q}`;
  }

  /* ---- formatting ---- */

  const nf = new Intl.NumberFormat(undefined);
  const compactNf = new Intl.NumberFormat(undefined, {
    notation: 'compact', maximumFractionDigits: 1,
  });
  const moneyNf = new Intl.NumberFormat(undefined, {
    style: 'currency', currency: 'USD',
    minimumFractionDigits: 2, maximumFractionDigits: 2,
  });
  const smallMoneyNf = new Intl.NumberFormat(undefined, {
    style: 'currency', currency: 'USD',
    minimumFractionDigits: 2, maximumFractionDigits: 4,
  });
  const pctNf = new Intl.NumberFormat(undefined, {
    style: 'percent', maximumFractionDigits: 1,
  });

  const fmt = {
    int: (n) => nf.format(n || 0),
    compact: (n) => compactNf.format(n || 0),
    /* Cents, except a cost under a cent that is not zero. */
    money: (n) => (n && Math.abs(n) < 0.01 ? smallMoneyNf : moneyNf)
      .format(n || 0),
    /* A Usage's cost, or "unpriced" when no call of it had a price. */
    cost: (u) => (!u.cost && u.unpricedTokens > 0 ? 'unpriced' : fmt.money(u.cost)),
    moneyWhole: (n) => moneyNf.format(n || 0),
    pct: (n) => pctNf.format(n || 0),
    time(iso) {
      if (!iso) return '—';
      return new Intl.DateTimeFormat(undefined, {
        timeZone: state.tz, dateStyle: 'medium', timeStyle: 'short',
      }).format(new Date(iso));
    },
    /* "Feb 28, 2026, 8:32 – 8:36 AM": the shared date said once. */
    timeRange(a, b) {
      if (!a || !b) return `${fmt.time(a)} – ${fmt.time(b)}`;
      const f = new Intl.DateTimeFormat(undefined, {
        timeZone: state.tz, dateStyle: 'medium', timeStyle: 'short',
      });
      return f.formatRange ? f.formatRange(new Date(a), new Date(b))
        : `${f.format(new Date(a))} – ${f.format(new Date(b))}`;
    },
    duration(ms) {
      const min = Math.round((ms || 0) / 60000);

      if (min < 1) return `${Math.round((ms || 0) / 1000)} s`;
      if (min < 60) return `${min} min`;
      return `${Math.floor(min / 60)} h ${String(min % 60).padStart(2, '0')} min`;
    },
    /* "claude-sonnet-4-5-20250929" -> "sonnet-4-5". */
    model(m) {
      return String(m).replace(/^claude-/, '').replace(/-\d{8}$/, '');
    },
  };

  /* ---- DOM ---- */

  /*
   * Makes an element: attrs are set as attributes (class, href, ...) except
   * "text" (textContent) and "on*" handlers; children are nodes or strings
   * (text nodes). Never parses HTML.
   */
  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);

    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'text') node.textContent = v;
      else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  /* ---- theme ---- */

  const darkQuery = window.matchMedia('(prefers-color-scheme: dark)');

  function currentTheme() {
    const t = document.documentElement.dataset.theme;

    if (t === 'light' || t === 'dark') return t;
    return darkQuery.matches ? 'dark' : 'light';
  }

  function paintToggle() {
    const b = document.getElementById('theme-toggle');
    const next = currentTheme() === 'dark' ? 'light' : 'dark';

    b.textContent = next === 'dark' ? 'Dark' : 'Light';
    b.setAttribute('aria-label', `switch to the ${next} theme`);
  }

  function toggleTheme() {
    const next = currentTheme() === 'dark' ? 'light' : 'dark';

    document.documentElement.dataset.theme = next;
    try {
      localStorage.setItem('tokmeter.theme', next);
    } catch (_) {
      /* not remembered */
    }
    paintToggle();
    render();
  }

  /* ---- router ---- */

  const pages = {};
  let renderSeq = 0;
  let lastSummary = null;

  /* pages.js registers name -> async (ctx) => void. */
  function page(name, fn) {
    pages[name] = fn;
  }

  function route() {
    const parts = location.hash.replace(/^#\/?/, '').split('/');
    const name = pages[parts[0]] ? parts[0] : 'overview';
    const arg = parts[1] ? decodeURIComponent(parts.slice(1).join('/')) : null;

    return { name: name === 'sessions' && arg ? 'session' : name, arg };
  }

  /*
   * Renders the current route into #main. quiet: a live refresh, which
   * keeps the old content until the new one is ready.
   */
  async function render(quiet = false) {
    const seq = ++renderSeq;
    const r = route();
    const main = document.getElementById('main');
    const box = el('div', { class: 'page', 'data-page': r.name });

    for (const a of document.querySelectorAll('#nav a')) {
      const on = a.dataset.route === (r.name === 'session' ? 'sessions' : r.name);

      if (on) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    if (!quiet) {
      tokmeter.charts.destroyAll();
      main.replaceChildren(el('p', { class: 'muted', text: 'Loading…' }));
    }
    const ctx = {
      arg: r.arg,
      root: box,
      charts: [],
      stale: () => seq !== renderSeq,
      /* A chart box now; the chart is drawn once the page is in place. */
      chart(config, cls = 'chart') {
        const canvas = el('canvas', { role: 'img', 'aria-label': config.label || 'chart' });
        const wrap = el('div', { class: cls }, canvas);

        ctx.charts.push({ canvas, config });
        return wrap;
      },
    };
    try {
      await pages[r.name](ctx);
      if (ctx.stale()) return;
      tokmeter.charts.destroyAll();
      main.replaceChildren(box);
      tokmeter.charts.drawAll(ctx.charts);
      clearError();
      main.dataset.ready = String(seq);
    } catch (err) {
      if (!ctx.stale() && !quiet) {
        main.replaceChildren(el('p', { class: 'muted', text: 'Nothing to show.' }));
        showError(err.message);
      }
    }
  }

  /* ---- range form ---- */

  /* YYYY-MM-DD of "today" in the zone, from the server's clock if known. */
  function today() {
    if (lastSummary && lastSummary.timezone === state.tz)
      return lastSummary.today.since;
    return new Intl.DateTimeFormat('en-CA', { timeZone: state.tz })
      .format(new Date());
  }

  function addDays(day, n) {
    const d = new Date(`${day}T00:00:00Z`);

    d.setUTCDate(d.getUTCDate() + n);
    return d.toISOString().slice(0, 10);
  }

  function applyPreset(p) {
    const t = today();

    state.preset = p;
    if (p === 'all') {
      state.since = '';
      state.until = '';
    } else if (p === 'month') {
      state.since = `${t.slice(0, 8)}01`;
      state.until = t;
    } else if (p !== 'custom') {
      state.since = addDays(t, -(Number(p) - 1));
      state.until = t;
    }
  }

  function paintRange() {
    document.getElementById('range-preset').value = state.preset;
    document.getElementById('range-since').value = state.since;
    document.getElementById('range-until').value = state.until;
    document.getElementById('range-tz').value = state.tz;
  }

  function validZone(z) {
    try {
      new Intl.DateTimeFormat(undefined, { timeZone: z });
      return true;
    } catch (_) {
      return false;
    }
  }

  function setupRange() {
    const form = document.getElementById('range');
    const list = document.getElementById('tz-list');
    const zones = Intl.supportedValuesOf ? Intl.supportedValuesOf('timeZone') : [];

    for (const z of zones) list.append(el('option', { value: z }));
    paintRange();
    form.addEventListener('submit', (e) => e.preventDefault());
    form.addEventListener('change', (e) => {
      const id = e.target.id;

      if (id === 'range-preset') {
        applyPreset(e.target.value);
      } else if (id === 'range-since' || id === 'range-until') {
        state.preset = 'custom';
        state.since = document.getElementById('range-since').value;
        state.until = document.getElementById('range-until').value;
      } else if (id === 'range-tz') {
        const z = e.target.value.trim();

        if (!validZone(z)) {
          showError(`unknown time zone '${z}'`);
          paintRange();
          return;
        }
        state.tz = z;
        lastSummary = null;
        connect();
      }
      paintRange();
      saveState();
      render();
    });
  }

  /* ---- live updates ---- */

  let source = null;
  let refreshTimer = null;
  const summaryListeners = new Set();

  function setLive(on) {
    const live = document.getElementById('live');

    live.textContent = on ? 'live' : 'offline';
    live.classList.toggle('on', on);
  }

  /* Re-fetches the current page at most every 1.5 s. */
  function scheduleRefresh() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => render(true), 1500);
  }

  function connect() {
    if (source) source.close();
    if (typeof EventSource === 'undefined') return;
    source = new EventSource(`/api/usage/stream?tz=${encodeURIComponent(state.tz)}`);
    let opened = false;
    source.addEventListener('open', () => {
      setLive(true);
      if (opened) scheduleRefresh(); /* a reconnect: the data may have moved */
      opened = true;
    });
    source.addEventListener('error', () => setLive(false));
    source.addEventListener('usage', (e) => {
      let data;

      try {
        data = JSON.parse(e.data);
      } catch (_) {
        return;
      }
      if (data.summary) noteSummary(data.summary);
      scheduleRefresh();
    });
    /* The server's data changed in a way a patch cannot follow. */
    source.addEventListener('resync', () => scheduleRefresh());
    /* Each new connection first hears where the data stands. */
    source.addEventListener('hello', (e) => {
      try {
        noteDataAsOf(JSON.parse(e.data).dataAsOf);
      } catch (_) {
        /* not JSON: the badge keeps what it said */
      }
    });
  }

  /* The live badge's tooltip tells how fresh the data is. */
  function noteDataAsOf(iso) {
    const live = document.getElementById('live');

    if (!live) return;
    live.dataset.asOf = iso || '';
    live.title = iso ? `live updates · data as of ${fmt.time(iso)}` : 'live updates · no calls yet';
  }

  /* Remembers the newest summary and tells the overview cards. */
  function noteSummary(s) {
    lastSummary = s;
    if ('dataAsOf' in s) noteDataAsOf(s.dataAsOf);
    for (const fn of summaryListeners) fn(s);
  }

  function onSummary(fn) {
    summaryListeners.add(fn);
  }

  async function start() {
    loadState();
    if (!validZone(state.tz)) state.tz = browserZone;
    paintToggle();
    document.getElementById('theme-toggle').addEventListener('click', toggleTheme);
    darkQuery.addEventListener('change', () => {
      paintToggle();
      render();
    });
    setupRange();
    window.addEventListener('hashchange', () => render());
    try {
      const health = await getJSON('/health');

      document.getElementById('demo-banner').hidden = !health.demo;
    } catch (_) {
      /* the banner shows the error */
    }
    connect();
    render();
    /* The server's "today" anchors the range presets. */
    fetch(api('/api/summary', {}, false))
      .then((res) => (res.ok ? res.json() : null))
      .then((s) => {
        if (s && !lastSummary) lastSummary = s;
      }, () => {});
  }

  document.addEventListener('DOMContentLoaded', start);

  return {
    getJSON, showError, clearError, api, fmt, el, page, state, noteSummary,
    onSummary, currentTheme, render,
  };
})();
