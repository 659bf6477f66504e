// Chart + insights + narration time against the query time, on 10,000-row and 1 M-row results
// (benchmark, not a test; goal: under 10% of the query time).
//
//   node bench/gen-data.mjs                  # the 1 M-row table (id, category, year, amount)
//   bash scripts/build.sh                    # pkg/
//   node bench/chart-insight-node.mjs [csv] [runs]
//
// Each result shape runs through rt.analyze() with the result cache bypassed and maxRows set
// to the result size (analyze caps rows at maxRows before the chart stage). The stage times
// come from the result's metadata (elapsedMs per stage): execute (the query), data (rows made
// JSON-safe), chart, insights, narration. Reported: medians over `runs` runs after a warm-up.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { homedir } from 'node:os';

const csvPath = process.argv[2] || join(homedir(), '.cache/insightflow/bench/data-1m.csv');
const runs = Number(process.argv[3] || 5);
if (!existsSync(csvPath)) {
  console.error(`${csvPath} is missing: run node bench/gen-data.mjs first`);
  process.exit(1);
}
const { initSync, Runtime } = await import('../pkg/insightflow.js');
initSync({ module: readFileSync(new URL('../pkg/insightflow_bg.wasm', import.meta.url)) });
const rt = new Runtime();
await rt.registerTable('t', new Uint8Array(readFileSync(csvPath)));

// Result shapes that exercise each chart path at full size.
const SHAPES = [
  { name: 'category + measure, raw rows (bar: summed per category, top 29 + Other)', sql: 'SELECT category, amount FROM t' },
  { name: 'unique key + measure (bar: top 29 + Other of every row)', sql: 'SELECT CAST(id AS VARCHAR) AS label, amount FROM t' },
  { name: 'year + measure, raw rows (line: averaged per year)', sql: 'SELECT year, amount FROM t' },
  { name: 'hourly time series, one point per row (line: LTTB to 2,000)', sql: 'SELECT CAST(CAST(id AS BIGINT) * 3600000000 AS TIMESTAMP) AS hour, amount FROM t' },
  { name: 'two measures (scatter: sampled to 5,000; Pearson)', sql: 'SELECT amount, (id % 997) * 1.0 AS score FROM t' },
  { name: 'one measure (histogram; IQR outliers)', sql: 'SELECT amount FROM t' },
];
const SIZES = [10_000, 1_000_000];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const stageMs = (res, stage) => res.metadata.filter((m) => m.stage === stage).reduce((a, m) => a + m.elapsedMs, 0);

const rows = [];
for (const size of SIZES) {
  for (const shape of SHAPES) {
    const sql = `${shape.sql} LIMIT ${size}`;
    const request = { source: 't', sql, options: { cache: 'bypass', maxRows: size } };
    let res;
    try {
      res = await rt.analyze(request); // warm-up
    } catch (e) {
      rows.push({ size, shape: shape.name, error: `${e.code}: ${e.message}` });
      continue;
    }
    const t = { execute: [], data: [], chart: [], insights: [], narration: [], total: [] };
    for (let i = 0; i < runs; i++) {
      res = await rt.analyze(request);
      for (const s of ['execute', 'data', 'chart', 'insights', 'narration']) t[s].push(stageMs(res, s));
      t.total.push(res.elapsedMs);
    }
    const q = median(t.execute);
    const cin = median(t.chart) + median(t.insights) + median(t.narration);
    rows.push({
      size,
      shape: shape.name,
      rows: res.data.rowCount,
      chart: res.chartSpec?.type,
      queryMs: +q.toFixed(1),
      dataMs: +median(t.data).toFixed(1),
      chartMs: +median(t.chart).toFixed(1),
      insightsMs: +median(t.insights).toFixed(1),
      narrationMs: +median(t.narration).toFixed(2),
      chartInsightNarrationMs: +cin.toFixed(1),
      pctOfQuery: +((cin / q) * 100).toFixed(1),
      pctOfAnalyze: +((cin / median(t.total)) * 100).toFixed(1),
      insights: res.insights.length,
    });
  }
}
console.log(JSON.stringify({ where: `node ${process.version}`, csv: csvPath, runs, results: rows }, null, 2));
