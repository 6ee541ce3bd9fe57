// Compares tokmeter's and ccusage's daily JSON on a --parity demo corpus:
// per-day token totals must be equal; per-day per-model costs within 0.5%
// except for a model on a day when it had a long-context request (the
// truth file lists them). Exit 1 on a mismatch.
//   node bench/compare.js tokmeter.json ccusage.json truth.json
'use strict';
const fs = require('fs');
const [ours, theirs, truth] = process.argv.slice(2).map(
  (f) => JSON.parse(fs.readFileSync(f, 'utf8')));
// (day, model) pairs with a request above 200k tokens of context
const longCalls = new Set();
for (const d of truth.daily) {
  for (const m of d.longContextModels || []) longCalls.add(`${d.date} ${m}`);
}
const byDate = new Map(theirs.daily.map((d) => [d.date, d]));
const fields = ['inputTokens', 'outputTokens', 'cacheCreationTokens',
  'cacheReadTokens', 'totalTokens'];
let bad = 0, days = 0, compared = 0, skipped = 0, worst = 0;
for (const d of ours.daily) {
  const t = byDate.get(d.date);
  days++;
  if (!t) { console.log(`${d.date}: missing in ccusage`); bad++; continue; }
  byDate.delete(d.date);
  for (const f of fields) {
    if (d[f] !== t[f]) { console.log(`${d.date}: ${f} ${d[f]} vs ${t[f]}`); bad++; }
  }
  // Costs per model: equal within 0.5% unless the model had a
  // long-context request that day (whole-request vs per-type tiers).
  const theirModels = new Map(t.modelBreakdowns.map((m) => [m.modelName, m]));
  for (const m of d.modelBreakdowns) {
    const tm = theirModels.get(m.modelName);
    if (!tm) { console.log(`${d.date}: ${m.modelName} missing in ccusage`); bad++; continue; }
    if (longCalls.has(`${d.date} ${m.modelName}`)) { skipped++; continue; }
    const rel = Math.abs(m.cost - tm.cost) / Math.max(tm.cost, 1e-9);
    worst = Math.max(worst, rel);
    compared++;
    if (rel > 0.005) {
      console.log(`${d.date} ${m.modelName}: cost ${m.cost} vs ${tm.cost}`); bad++;
    }
  }
}
for (const date of byDate.keys()) { console.log(`${date}: missing in tokmeter`); bad++; }
console.log(`${days} days: token totals ${bad ? 'checked' : 'equal'}; ` +
  `costs compared on ${compared} (day, model) pairs, largest difference ` +
  `${(worst * 100).toFixed(6)}%; ${skipped} pairs with long-context ` +
  `requests priced differently on purpose`);
console.log(`totals: tokmeter ${ours.totals.totalTokens} tokens, ` +
  `ccusage ${theirs.totals.totalTokens}`);
console.log(bad ? `MISMATCH: ${bad} differences` : 'equal');
process.exit(bad ? 1 : 0);
