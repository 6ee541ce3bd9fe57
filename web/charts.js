/* tokmeter dashboard: Chart.js configs in the page's theme colours. */
'use strict';

tokmeter.charts = (() => {
  let active = [];

  const css = (name) =>
    getComputedStyle(document.documentElement).getPropertyValue(name).trim();

  function hash(s) {
    let h = 0;

    for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) >>> 0;
    return h;
  }

  /* One colour per model: the family picks the hue, the version the shade. */
  function modelColor(model) {
    const m = String(model);
    const h = hash(m);
    let hue = h % 360;

    if (m.includes('opus')) hue = 280;
    else if (m.includes('sonnet')) hue = 212;
    else if (m.includes('haiku')) hue = 145;
    else return `hsl(${hue} 55% 50%)`;
    /* Versions of a family: nearby hues, spread shades. */
    hue += ((h >>> 4) % 5 - 2) * 14;
    const light = 34 + (h % 5) * 8;

    return `hsl(${hue} 68% ${light}%)`;
  }

  const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f',
    '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
  const color = (i) => PALETTE[i % PALETTE.length];

  /* Token kinds, in the order charts stack them. */
  const KINDS = [
    ['inputTokens', 'input', '#4e79a7'],
    ['outputTokens', 'output', '#f28e2b'],
    ['cacheCreationTokens', 'cache write', '#e15759'],
    ['cacheReadTokens', 'cache read', '#76b7b2'],
  ];

  function moneyTick(v) {
    return tokmeter.fmt.moneyWhole(v);
  }

  function tooltipMoney(c) {
    return `${c.dataset.label}: ${tokmeter.fmt.money(c.parsed.y ?? c.parsed)}`;
  }

  /*
   * text in lines of at most about width characters, broken at spaces only
   * (a longer word keeps a line to itself): joined with one space each,
   * the lines give text back.
   */
  function wrap(text, width) {
    const lines = [];
    let line = null;

    for (const word of String(text).split(' ')) {
      if (line !== null && line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else {
        line = line === null ? word : `${line} ${word}`;
      }
    }
    if (line !== null) lines.push(line);
    return lines;
  }

  /*
   * Bars stacked by dataset; money: the values are USD. notes: a text per
   * bar (or undefined), shown wrapped above the tooltip's figures.
   */
  function stackedBar(labels, datasets, { money = false, label, notes = null } = {}) {
    const callbacks = money ? { label: tooltipMoney } : {
      label: (c) => `${c.dataset.label}: ${tokmeter.fmt.int(c.parsed.y)}`,
    };

    if (notes) {
      callbacks.beforeBody = (items) => {
        const note = items.length ? notes[items[0].dataIndex] : undefined;

        if (note === undefined) return [];
        /* About 7 px a character: the lines fit the chart, narrow or wide. */
        return wrap(note, Math.max(24, Math.min(72, Math.floor(items[0].chart.width / 7) - 4)));
      };
    }
    return {
      label,
      type: 'bar',
      data: { labels, datasets },
      options: {
        scales: {
          x: { stacked: true, grid: { display: false } },
          y: {
            stacked: true,
            ticks: { callback: money ? moneyTick : (v) => tokmeter.fmt.compact(v) },
          },
        },
        plugins: { tooltip: { callbacks } },
      },
    };
  }

  /* A tick step in minutes giving at most about 6 ticks up to max. */
  function minuteStep(max) {
    const steps = [1, 2, 5, 10, 15, 30, 60, 120, 180, 240, 360, 720];

    return steps.find((m) => max / m <= 6) || 1440;
  }

  /*
   * Bars stacked by dataset whose values are minutes; the axis and the
   * tooltips read as durations ("1 h 20 min"). short: "MM-DD" day labels.
   */
  function durationBar(labels, datasets, { label, short = false } = {}) {
    const dur = (min) => tokmeter.fmt.duration(min * 60000);
    const max = Math.max(0, ...labels.map((_, i) =>
      datasets.reduce((n, d) => n + (d.data[i] || 0), 0)));
    const x = { stacked: true, grid: { display: false } };

    if (short)
      x.ticks = { maxRotation: 0, autoSkipPadding: 8, callback: (v, i) => String(labels[i]).slice(5) };
    return {
      label,
      type: 'bar',
      data: { labels, datasets },
      options: {
        scales: {
          x,
          y: {
            stacked: true,
            beginAtZero: true,
            ticks: { stepSize: minuteStep(max), callback: (v) => (v ? dur(v) : '0') },
          },
        },
        plugins: {
          tooltip: {
            callbacks: { label: (c) => `${c.dataset.label}: ${dur(c.parsed.y)}` },
          },
        },
      },
    };
  }

  /* Horizontal bars of cost, one per label. */
  function costBars(labels, values, colors, label) {
    return {
      label,
      type: 'bar',
      data: {
        labels,
        datasets: [{ label: 'cost', data: values, backgroundColor: colors }],
      },
      options: {
        indexAxis: 'y',
        scales: { x: { ticks: { callback: moneyTick } }, y: { grid: { display: false } } },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: (c) => tokmeter.fmt.money(c.parsed.x) } },
        },
      },
    };
  }

  function doughnut(labels, values, colors, label) {
    return {
      label,
      type: 'doughnut',
      data: { labels, datasets: [{ data: values, backgroundColor: colors }] },
      options: {
        plugins: {
          /* Beside the ring on a wide card, under it on a narrow one. */
          legend: {
            position: window.matchMedia('(max-width: 600px)').matches ? 'bottom' : 'right',
            labels: { boxWidth: 12 },
          },
          tooltip: {
            callbacks: { label: (c) => `${c.label}: ${tokmeter.fmt.money(c.parsed)}` },
          },
        },
      },
    };
  }

  /* Draws each {canvas, config} once its canvas is in the document. */
  function drawAll(list) {
    if (typeof Chart === 'undefined') return;
    Chart.defaults.color = css('--muted');
    Chart.defaults.borderColor = css('--border');
    Chart.defaults.font.family = css('--font');
    for (const { canvas, config } of list) {
      const options = {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        ...config.options,
        plugins: {
          legend: { position: 'bottom', labels: { boxWidth: 12 } },
          ...(config.options && config.options.plugins),
        },
      };
      if (config.type === 'doughnut') options.borderColor = css('--bg');
      const chart = new Chart(canvas, { type: config.type, data: config.data, options });

      if (config.type === 'doughnut')
        chart.data.datasets.forEach((d) => { d.borderColor = css('--bg'); });
      chart.update();
      active.push(chart);
    }
  }

  function destroyAll() {
    for (const c of active) c.destroy();
    active = [];
  }

  return {
    modelColor, color, KINDS, stackedBar, durationBar, costBars, doughnut, drawAll,
    destroyAll, active: () => active, wrap,
  };
})();
