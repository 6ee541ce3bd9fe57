/* tokmeter dashboard: the pages (overview, sessions, projects, models, activity, prompts). */
'use strict';

(() => {
  const { api, el, fmt, getJSON, page } = tokmeter;
  const charts = tokmeter.charts;

  /* ---- building blocks ---- */

  function section(title, ...children) {
    return el('section', { class: 'panel' }, el('h2', { text: title }), ...children);
  }

  /* A figure card; attrs go on the value (data-* for tests and updates). */
  function card(title, value, sub, attrs = {}) {
    return el('div', { class: 'card' },
      el('div', { class: 'card-title', text: title }),
      el('div', { class: 'card-value', ...attrs, text: value }),
      sub ? el('div', { class: 'card-sub', text: sub }) : null);
  }

  /*
   * A table: cols = [{title, num?, sort?}], rows = arrays of cells (string or
   * node). onSort(key) makes the columns with a sort key clickable.
   */
  function table(cols, rows, sorted = {}, onSort = null, cls = null) {
    const head = el('tr', {}, cols.map((c) => {
      const th = el('th', { class: c.num ? 'num' : null, scope: 'col' });

      if (c.sort && onSort) {
        const on = sorted.sort === c.sort;
        const arrow = on ? (sorted.order === 'asc' ? ' ▲' : ' ▼') : '';

        th.setAttribute('aria-sort', on ? (sorted.order === 'asc' ? 'ascending' : 'descending') : 'none');
        th.append(el('button', {
          type: 'button', class: 'sort', 'data-sort': c.sort,
          onclick: () => onSort(c.sort), text: c.title + arrow,
        }));
      } else {
        th.textContent = c.title;
      }
      return th;
    }));
    const body = rows.map((r) => el('tr', {}, r.map((cell, i) =>
      el('td', { class: cols[i].num ? 'num' : null }, cell))));

    return el('div', { class: 'table-wrap' },
      el('table', { class: cls }, el('thead', {}, head), el('tbody', {}, body)));
  }

  function chips(models) {
    return el('span', { class: 'chips' }, models.map((m) => el('span', { class: 'chip', title: m },
      el('i', { class: 'swatch', 'data-model': m }), fmt.model(m))));
  }

  /* Colours the swatches after building (style attributes stay out of markup). */
  function paintSwatches(root) {
    for (const s of root.querySelectorAll('.swatch[data-model]'))
      s.style.background = charts.modelColor(s.dataset.model);
  }

  function rangeText(since, until) {
    if (!since && !until) return 'all time';
    if (since === until) return since;
    return `${since || '…'} – ${until || '…'}`;
  }

  /* rangeText() as nodes: a narrow card breaks the line between the two
   * dates, never inside one. */
  function rangeParts(since, until) {
    if (!since || !until || since === until) return [rangeText(since, until)];
    return [el('span', { class: 'nowrap', text: since }), ' – ',
      el('span', { class: 'nowrap', text: until })];
  }

  const state = tokmeter.state;

  /* ---- overview ---- */

  const PERIODS = [['today', 'Today'], ['thisWeek', 'This week'], ['thisMonth', 'This month']];

  function periodCard(key, title, period) {
    const u = period.usage;

    return el('div', { class: 'card', 'data-period': key },
      el('div', { class: 'card-title', text: title }),
      el('div', { class: 'card-value', 'data-field': 'cost', 'data-value': u.cost,
        text: fmt.moneyWhole(u.cost) }),
      el('div', { class: 'card-sub' },
        el('span', { 'data-field': 'tokens', 'data-value': u.totalTokens,
          text: fmt.int(u.totalTokens) }),
        ' tokens · ',
        el('span', { 'data-field': 'calls', 'data-value': u.calls, text: fmt.int(u.calls) }),
        u.calls === 1 ? ' call' : ' calls'),
      el('div', { class: 'card-range' }, ...rangeParts(period.since, period.until)));
  }

  /* Updates the period cards in place from a live summary. */
  tokmeter.onSummary((s) => {
    if (s.timezone !== state.tz) return;
    for (const [key] of PERIODS) {
      const box = document.querySelector(`[data-period="${key}"]`);

      if (!box || !s[key]) continue;
      box.replaceWith(periodCard(key, PERIODS.find((p) => p[0] === key)[1], s[key]));
    }
  });

  page('overview', async (ctx) => {
    const [sum, daily, projects] = await Promise.all([
      getJSON(api('/api/summary')),
      getJSON(api('/api/daily')),
      getJSON(api('/api/projects')),
    ]);
    if (ctx.stale()) return;
    tokmeter.noteSummary(sum);
    const cards = el('div', { class: 'cards cards-6' },
      PERIODS.map(([k, t]) => periodCard(k, t, sum[k])),
      periodCard('range', state.since || state.until ? 'Selected range' : 'All time', sum.range),
      card('Cache hit rate', fmt.pct(sum.cacheHitRate),
        'cache reads / all input', { 'data-field': 'cacheHitRate', 'data-value': sum.cacheHitRate }),
      card('Caching saved', fmt.moneyWhole(sum.cacheSavings),
        'vs paying cache reads as input', { 'data-field': 'cacheSavings', 'data-value': sum.cacheSavings }));

    ctx.root.append(cards);
    if (sum.deletedTranscripts && sum.deletedTranscripts.calls > 0) {
      ctx.root.append(el('p', { class: 'note', text:
        `${fmt.int(sum.deletedTranscripts.calls)} calls are kept from ` +
        `${fmt.int(sum.deletedTranscripts.files)} transcripts no longer on disk.` }));
    }

    const models = [];
    for (const d of daily.days)
      for (const m of d.models) if (!models.includes(m.model)) models.push(m.model);
    const labels = daily.days.map((d) => d.date);
    const datasets = models.map((m) => ({
      label: fmt.model(m),
      backgroundColor: charts.modelColor(m),
      data: daily.days.map((d) => {
        const hit = d.models.find((x) => x.model === m);

        return hit ? hit.usage.cost : 0;
      }),
    }));
    ctx.root.append(section('Cost per day, by model',
      daily.days.length ? ctx.chart(charts.stackedBar(labels, datasets,
        { money: true, label: 'cost per day by model' }))
        : el('p', { class: 'muted', text: 'No usage in this range.' })));

    const top = projects.projects.slice(0, 12);
    ctx.root.append(section('Cost per project',
      top.length ? ctx.chart(charts.costBars(top.map((p) => p.project),
        top.map((p) => p.usage.cost), top.map((_, i) => charts.color(i)),
        'cost per project'), 'chart chart-bars')
        : el('p', { class: 'muted', text: 'No projects in this range.' })));
  });

  /* ---- sessions ---- */

  const sess = { sort: 'cost', order: 'desc', offset: 0, project: '', model: '', q: '' };
  const PAGE = 100;

  function sessionRow(s) {
    const link = el('a', { href: `#/sessions/${encodeURIComponent(s.sessionId)}`,
      text: s.project, title: s.sessionId });

    return [link, fmt.time(s.start), fmt.duration(s.durationMs), chips(s.models),
      fmt.int(s.usage.totalTokens), fmt.cost(s.usage)];
  }

  function select(id, label, values, current, names = (v) => v) {
    return el('label', {}, label, el('select', { id },
      el('option', { value: '', text: 'all' }),
      values.map((v) => el('option', { value: v, text: names(v), selected: v === current }))));
  }

  page('sessions', async (ctx) => {
    const [list, projects, models] = await Promise.all([
      getJSON(api('/api/sessions', {
        sort: sess.sort, order: sess.order, limit: PAGE, offset: sess.offset,
        project: sess.project, model: sess.model,
      })),
      getJSON(api('/api/projects')),
      getJSON(api('/api/models')),
    ]);
    if (ctx.stale()) return;
    const rerender = () => tokmeter.render();
    const filter = el('input', { type: 'search', id: 'session-filter', value: sess.q,
      placeholder: 'filter: project, model, id', 'aria-label': 'filter sessions' });
    const controls = el('div', { class: 'controls' },
      select('session-project', 'Project ', projects.projects.map((p) => p.project), sess.project),
      select('session-model', 'Model ', models.models.map((m) => m.model), sess.model, fmt.model),
      filter);
    controls.addEventListener('change', (e) => {
      if (e.target.id === 'session-project') sess.project = e.target.value;
      else if (e.target.id === 'session-model') sess.model = e.target.value;
      else return;
      sess.offset = 0;
      rerender();
    });

    const cols = [
      { title: 'Project' }, { title: 'Start', sort: 'start' },
      { title: 'Duration', sort: 'duration' }, { title: 'Models' },
      { title: 'Tokens', num: true, sort: 'tokens' }, { title: 'Cost', num: true, sort: 'cost' },
    ];
    const onSort = (key) => {
      if (sess.sort === key) sess.order = sess.order === 'desc' ? 'asc' : 'desc';
      else { sess.sort = key; sess.order = 'desc'; }
      sess.offset = 0;
      rerender();
    };
    const tableBox = el('div');
    const count = el('p', { class: 'muted' });
    const paint = () => {
      const q = sess.q.toLowerCase();
      const shown = list.sessions.filter((s) => !q ||
        [s.project, s.projectPath, s.sessionId, ...s.models].some((v) => v.toLowerCase().includes(q)));
      tableBox.replaceChildren(table(cols, shown.map(sessionRow), sess, onSort));
      paintSwatches(tableBox);
      const first = list.total ? sess.offset + 1 : 0;
      count.textContent = `${fmt.int(first)}–${fmt.int(sess.offset + list.sessions.length)} of ` +
        `${fmt.int(list.total)} sessions` + (q ? `, ${fmt.int(shown.length)} match` : '');
    };
    filter.addEventListener('input', () => { sess.q = filter.value; paint(); });
    paint();

    const pager = el('div', { class: 'pager' },
      el('button', { type: 'button', disabled: sess.offset === 0, text: '← Previous',
        onclick: () => { sess.offset = Math.max(0, sess.offset - PAGE); rerender(); } }),
      el('button', { type: 'button', disabled: sess.offset + PAGE >= list.total, text: 'Next →',
        onclick: () => { sess.offset += PAGE; rerender(); } }));
    ctx.root.append(section('Sessions', controls, count, tableBox, pager));
  });

  /* ---- one session ---- */

  function usageCells(u) {
    return [fmt.int(u.inputTokens), fmt.int(u.outputTokens), fmt.int(u.cacheCreationTokens),
      fmt.int(u.cacheReadTokens), fmt.int(u.totalTokens), fmt.cost(u)];
  }

  const USAGE_COLS = [
    { title: 'Input', num: true }, { title: 'Output', num: true },
    { title: 'Cache write', num: true }, { title: 'Cache read', num: true },
    { title: 'Total', num: true }, { title: 'Cost', num: true },
  ];

  /*
   * The prompts of a session's turns (turns[].prompt), each with the sum of
   * its turn as the server counted it (promptUsage: its calls until the
   * next prompt in the same file, as /api/prompts counts).
   */
  function sessionPrompts(turns) {
    const out = [];

    turns.forEach((t, i) => {
      if (typeof t.prompt === 'string')
        out.push({ turn: i, at: t.at, text: t.prompt, subagent: t.subagent, usage: t.promptUsage });
    });
    return out;
  }

  function promptList(prompts) {
    return el('ol', { class: 'turn-prompts' }, prompts.map((p) => el('li', { 'data-turn': p.turn },
      el('div', { class: 'tp-meta' },
        el('span', { class: 'tp-turn', text: `#${p.turn + 1}` }),
        el('span', { text: fmt.time(p.at) }),
        p.subagent ? el('span', { class: 'chip', text: 'subagent' }) : null,
        el('span', { class: 'tp-figs' },
          el('span', { 'data-field': 'tokens', 'data-value': p.usage.totalTokens,
            text: fmt.int(p.usage.totalTokens) }),
          ' tokens · ',
          el('span', { 'data-field': 'cost', 'data-value': p.usage.cost, text: fmt.cost(p.usage) }))),
      el('div', { class: 'tp-text', text: p.text }))));
  }

  page('session', async (ctx) => {
    const d = await getJSON(api(`/api/sessions/${encodeURIComponent(ctx.arg)}`, {}, false));
    if (ctx.stale()) return;
    const s = d.session;

    ctx.root.append(el('p', { class: 'crumbs' }, el('a', { href: '#/sessions', text: '← Sessions' })),
      el('h2', { class: 'title', text: s.project }),
      el('p', { class: 'muted mono', text: `${s.sessionId} · ${s.projectPath}` }),
      el('div', { class: 'cards' },
        card('Cost', fmt.money(s.usage.cost), `${fmt.int(s.usage.calls)} calls`,
          { 'data-field': 'cost', 'data-value': s.usage.cost }),
        card('Tokens', fmt.int(s.usage.totalTokens), null),
        card('Duration', fmt.duration(s.durationMs), fmt.timeRange(s.start, s.end)),
        card('Subagent share', fmt.pct(s.subagentShare), 'of the cost')));

    ctx.root.append(section('By model', table([{ title: 'Model' }, ...USAGE_COLS],
      d.byModel.map((m) => [chips([m.model]), ...usageCells(m.usage)]))));
    ctx.root.append(section('Main thread and subagents', table([{ title: 'Thread' }, ...USAGE_COLS],
      [['main', ...usageCells(d.main)], ['subagents', ...usageCells(d.subagents)]])));

    const labels = d.turns.map((t, i) => `${i + 1}`);
    const datasets = charts.KINDS.map(([key, label, colour]) => ({
      label, backgroundColor: colour, data: d.turns.map((t) => t.usage[key]),
    }));
    const prompts = sessionPrompts(d.turns);
    const notes = d.turns.map((t) => (typeof t.prompt === 'string' ? t.prompt : undefined));
    ctx.root.append(section('Tokens per turn',
      el('p', { class: 'muted', text: 'One bar per API call, in time order; ' +
        'the first call of each prompt shows the prompt.' }),
      ctx.chart(charts.stackedBar(labels, datasets, { label: 'tokens per turn', notes }),
        'chart chart-turns'),
      el('h3', { class: 'tp-title', text: 'Prompts in this session' }),
      prompts.length
        ? [el('p', { class: 'muted', text: 'Each with its turn: the calls until the next ' +
            'prompt of its thread. Secrets in the text are redacted.' }), promptList(prompts)]
        : el('p', { class: 'muted', text: 'No prompts found in this session\'s transcripts.' })));
    const tools = d.tools || [];
    ctx.root.append(section('Tools used', tools.length
      ? table([{ title: 'Tool' }, { title: 'Uses', num: true }],
          tools.map((t) => [t.name, fmt.int(t.uses)]), {}, null, 'tools')
      : el('p', { class: 'muted', text: 'No tool calls in this session.' })));
    paintSwatches(ctx.root);
  });

  /* ---- projects ---- */

  page('projects', async (ctx) => {
    const d = await getJSON(api('/api/projects'));
    if (ctx.stale()) return;
    const top = d.projects.slice(0, 15);
    const openSessions = (p) => (e) => {
      e.preventDefault();
      sess.project = p;
      sess.offset = 0;
      location.hash = '#/sessions';
    };

    ctx.root.append(section('Cost per project',
      top.length ? ctx.chart(charts.costBars(top.map((p) => p.project), top.map((p) => p.usage.cost),
        top.map((_, i) => charts.color(i)), 'cost per project'), 'chart chart-bars')
        : el('p', { class: 'muted', text: 'No projects in this range.' })));
    ctx.root.append(section('Projects', table([
      { title: 'Project' }, { title: 'Sessions', num: true }, { title: 'Calls', num: true },
      { title: 'Tokens', num: true }, { title: 'Cost', num: true }, { title: 'Last activity' },
      { title: 'Models' }],
    d.projects.map((p) => [
      el('a', { href: '#/sessions', title: p.projectPath, text: p.project, onclick: openSessions(p.project) }),
      fmt.int(p.sessions), fmt.int(p.usage.calls), fmt.int(p.usage.totalTokens),
      fmt.cost(p.usage), fmt.time(p.lastActivity), chips(p.models)]))));
    paintSwatches(ctx.root);
  });

  /* ---- models ---- */

  page('models', async (ctx) => {
    const d = await getJSON(api('/api/models'));
    if (ctx.stale()) return;

    ctx.root.append(section('Share of cost',
      d.models.length ? ctx.chart(charts.doughnut(d.models.map((m) => fmt.model(m.model)),
        d.models.map((m) => m.usage.cost), d.models.map((m) => charts.modelColor(m.model)),
        'share of cost by model'), 'chart chart-doughnut')
        : el('p', { class: 'muted', text: 'No usage in this range.' })));
    ctx.root.append(section('Models', table([{ title: 'Model' }, { title: 'Calls', num: true },
      ...USAGE_COLS, { title: 'Share', num: true }],
    d.models.map((m) => [chips([m.model]), fmt.int(m.usage.calls), ...usageCells(m.usage),
      fmt.pct(m.share)]))));
    paintSwatches(ctx.root);
  });

  /* ---- activity ---- */

  const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  let metric = 'calls';
  const METRICS = { calls: ['Calls', fmt.int], totalTokens: ['Tokens', fmt.int], cost: ['Cost', fmt.money] };

  function heatmap(cells) {
    const max = Math.max(0, ...cells.map((c) => c[metric]));
    const grid = el('div', { class: 'heatmap', role: 'table', 'aria-label': 'activity by weekday and hour' });

    grid.append(el('span', { class: 'hm-corner' }));
    for (let h = 0; h < 24; h++)
      grid.append(el('span', { class: 'hm-hour', text: h % 3 === 0 ? String(h) : '' }));
    for (let wd = 0; wd < 7; wd++) {
      grid.append(el('span', { class: 'hm-day', text: DAYS[wd] }));
      for (let h = 0; h < 24; h++) {
        const c = cells.find((x) => x.weekday === wd && x.hour === h) ||
          { calls: 0, totalTokens: 0, cost: 0 };
        const v = c[metric];
        const cell = el('span', { class: 'hm-cell', 'data-level': '0',
          title: `${DAYS[wd]} ${String(h).padStart(2, '0')}:00 · ${fmt.int(c.calls)} calls · ` +
            `${fmt.int(c.totalTokens)} tokens · ${fmt.money(c.cost)}` });

        cell.dataset.level = v > 0 && max > 0 ? String(Math.max(1, Math.ceil((v / max) * 5))) : '0';
        grid.append(cell);
      }
    }
    return grid;
  }

  /* Every day from the first to the last of days, the missing ones as zeros. */
  function allDays(days) {
    if (!days.length) return [];
    const byDate = new Map(days.map((d) => [d.date, d]));
    const out = [];
    const end = new Date(`${days[days.length - 1].date}T00:00:00Z`);

    for (let t = new Date(`${days[0].date}T00:00:00Z`); t <= end; t.setUTCDate(t.getUTCDate() + 1)) {
      const date = t.toISOString().slice(0, 10);

      out.push(byDate.get(date) ||
        { date, activeMs: 0, modelMs: 0, toolMs: 0, mainMs: 0, subagentMs: 0 });
    }
    return out;
  }

  const TIME_PARTS = [
    ['modelMs', 'model', '#4e79a7'], ['toolMs', 'tools', '#f28e2b'],
    ['mainMs', 'main thread', '#59a14f'], ['subagentMs', 'subagents', '#b07aa1'],
  ];

  /* Active time: model vs tools per day, main vs subagents beside it. */
  function activeTime(ctx, d) {
    const days = allDays(d.days);
    const sum = (key) => d.days.reduce((n, x) => n + (x[key] || 0), 0);
    const total = sum('activeMs');
    const labels = days.map((x) => x.date);
    const sets = (parts) => parts.map(([key, label, colour]) => ({
      label, backgroundColor: colour, data: days.map((x) => x[key] / 60000),
    }));

    if (!days.length)
      return section('Active time', el('p', { class: 'muted', text: 'No activity in this range.' }));
    const totals = table([{ title: '' }, { title: 'Time', num: true }, { title: 'Share', num: true }],
      [...TIME_PARTS.map(([key, label, colour]) => [
        el('span', { class: 'legend-key' }, el('i', { class: 'swatch', 'data-colour': colour }), label),
        el('span', { 'data-field': key, 'data-value': sum(key), text: fmt.duration(sum(key)) }),
        fmt.pct(total ? sum(key) / total : 0)]),
      [el('strong', { text: 'active' }),
        el('strong', { 'data-field': 'activeMs', 'data-value': total, text: fmt.duration(total) }),
        fmt.pct(total ? 1 : 0)]]);

    return section('Active time',
      el('p', { class: 'muted' }, `${rangeText(state.since, state.until)} in ${d.timezone} · `,
        el('span', { class: 'active-total', 'data-value': total, text: fmt.duration(total) }),
        ` active on ${fmt.int(d.days.length)} days. Gaps of up to 5 minutes between records count.`),
      el('div', { class: 'active-time' },
        el('div', { class: 'active-main' },
          el('h3', { text: 'Model and tools per day' }),
          ctx.chart(charts.durationBar(labels, sets(TIME_PARTS.slice(0, 2)),
            { label: 'active time per day: model and tools' }), 'chart chart-active')),
        el('div', { class: 'active-side' },
          el('h3', { text: 'Main thread and subagents' }),
          ctx.chart(charts.durationBar(labels, sets(TIME_PARTS.slice(2)),
            { label: 'active time per day: main thread and subagents', short: true }),
          'chart chart-small'),
          totals)));
  }

  page('activity', async (ctx) => {
    const [d, act] = await Promise.all([getJSON(api('/api/heatmap')), getJSON(api('/api/activity'))]);
    if (ctx.stale()) return;
    const box = el('div', {}, heatmap(d.cells));
    const pick = el('select', { id: 'heatmap-metric', 'aria-label': 'measure' },
      Object.entries(METRICS).map(([k, [t]]) => el('option', { value: k, text: t, selected: k === metric })));

    pick.addEventListener('change', () => {
      metric = pick.value;
      box.replaceChildren(heatmap(d.cells));
    });
    const legend = el('div', { class: 'hm-legend' }, 'less',
      [0, 1, 2, 3, 4, 5].map((l) => el('span', { class: 'hm-cell', 'data-level': String(l) })), 'more');
    ctx.root.append(section('Weekday × hour',
      el('p', { class: 'muted' },
        `${rangeText(d.since, d.until)} in ${d.timezone} · by `, pick),
      box, legend));
    ctx.root.append(activeTime(ctx, act));
    for (const s of ctx.root.querySelectorAll('.swatch[data-colour]'))
      s.style.background = s.dataset.colour;
  });

  /* ---- prompts ---- */

  const pr = { project: '', model: '' };
  const PROMPT_LIMIT = 50;

  /* The preview, 3 lines at most until "more" opens it. */
  function preview(text) {
    const body = el('div', { class: 'prompt-text', text });
    const more = el('button', { type: 'button', class: 'link-button', hidden: true,
      'aria-expanded': 'false', text: 'more' });

    more.addEventListener('click', () => {
      const open = body.classList.toggle('open');

      more.textContent = open ? 'less' : 'more';
      more.setAttribute('aria-expanded', String(open));
    });
    /* Only a clamped text gets the toggle: known once it is laid out. */
    new ResizeObserver(() => {
      if (!body.classList.contains('open'))
        more.hidden = body.scrollHeight <= body.clientHeight + 1;
    }).observe(body);
    return el('div', { class: 'prompt' }, body, more);
  }

  page('prompts', async (ctx) => {
    const [d, projects, models] = await Promise.all([
      getJSON(api('/api/prompts', { limit: PROMPT_LIMIT, project: pr.project, model: pr.model })),
      getJSON(api('/api/projects')),
      getJSON(api('/api/models')),
    ]);
    if (ctx.stale()) return;
    const controls = el('div', { class: 'controls' },
      select('prompt-project', 'Project ', projects.projects.map((p) => p.project), pr.project),
      select('prompt-model', 'Model ', models.models.map((m) => m.model), pr.model, fmt.model));

    controls.addEventListener('change', (e) => {
      if (e.target.id === 'prompt-project') pr.project = e.target.value;
      else if (e.target.id === 'prompt-model') pr.model = e.target.value;
      else return;
      tokmeter.render();
    });
    const rows = d.prompts.map((p) => [
      fmt.time(p.at),
      el('a', { href: `#/sessions/${encodeURIComponent(p.sessionId)}`, text: p.project,
        title: p.sessionId }),
      el('span', { 'data-field': 'cost', 'data-value': p.usage.cost, text: fmt.cost(p.usage) }),
      fmt.int(p.usage.totalTokens), fmt.int(p.usage.calls), preview(p.preview)]);
    const cols = [{ title: 'Time' }, { title: 'Project' }, { title: 'Cost', num: true },
      { title: 'Tokens', num: true }, { title: 'Calls', num: true }, { title: 'Prompt' }];

    ctx.root.append(section('Costliest prompts', controls,
      el('p', { class: 'muted', text: `${rangeText(state.since, state.until)} · the ` +
        `${fmt.int(d.prompts.length)} prompts whose turns cost most (a turn: every call ` +
        'until the next prompt). Secrets in the text are redacted.' }),
      d.prompts.length ? table(cols, rows, {}, null, 'prompts')
        : el('p', { class: 'muted', text: 'No prompts in this range.' })));
  });
})();
