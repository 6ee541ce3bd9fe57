// Compares tokmeter's and ccusage's daily JSON on a --parity demo corpus:
// per-day token totals must be equal; costs within 0.5% on days without
// long-context requests (the truth file lists them). Exit 1 on a mismatch.
//   node bench/compare.js tokmeter.json ccusage.json truth.json
'use strict';
const fs = require('fs');
const [ours, theirs, truth] = process.argv.slice(2).map(
  (f) => JSON.parse(fs.readFileSync(f, 'utf8')));
const longDays = new Set();
for (const d of truth.daily || truth.days || []) {
  if ((d.longContextCalls || 0) > 0) longDays.add(d.date);
}
const byDate = new Map(theirs.daily.map((d) => [d.date, d]));
const fields = ['inputTokens', 'outputTokens', 'cacheCreationTokens',
  'cacheReadTokens', 'totalTokens'];
let bad = 0, days = 0, costDays = 0, worst = 0;
for (const d of ours.daily) {
  const t = byDate.get(d.date);
  days++;
  if (!t) { console.log(`${d.date}: missing in ccusage`); bad++; continue; }
  byDate.delete(d.date);
  for (const f of fields) {
    if (d[f] !== t[f]) { console.log(`${d.date}: ${f} ${d[f]} vs ${t[f]}`); bad++; }
  }
  if (!longDays.has(d.date)) {
    const rel = Math.abs(d.totalCost - t.totalCost) / Math.max(t.totalCost, 1e-9);
    worst = Math.max(worst, rel);
    costDays++;
    if (rel > 0.005) {
      console.log(`${d.date}: cost ${d.totalCost} vs ${t.totalCost}`); bad++;
    }
  }
}
for (const date of byDate.keys()) { console.log(`${date}: missing in tokmeter`); bad++; }
console.log(`days: ${days}, token totals equal on ${days - bad >= 0 ? days : 0} ` +
  `checked; costs compared on ${costDays} days (largest difference ` +
  `${(worst * 100).toFixed(4)}%), ${longDays.size} long-context days skipped`);
console.log(`totals: tokmeter ${ours.totals.totalTokens} tokens, ` +
  `ccusage ${theirs.totals.totalTokens}`);
console.log(bad ? `MISMATCH: ${bad} differences` : 'equal');
process.exit(bad ? 1 : 0);
