// Quick figures in Node: compile + instantiate time, 1 M-row CSV load, one GROUP BY.
// Usage: node bench/quick-node.mjs [csv] ; prints medians of 5 runs after a warm-up.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { homedir } from 'node:os';
import { performance } from 'node:perf_hooks';

const csvPath = process.argv[2] || join(homedir(), '.cache/insightflow/bench/data-1m.csv');
const wasmUrl = new URL('../pkg/insightflow_bg.wasm', import.meta.url);
const wasmBytes = readFileSync(wasmUrl);
const { initSync, Runtime } = await import('../pkg/insightflow.js');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

let t = performance.now();
const module = new WebAssembly.Module(wasmBytes);
const compileMs = performance.now() - t;
t = performance.now();
initSync({ module });
const instantiateMs = performance.now() - t;

const csv = new Uint8Array(readFileSync(csvPath));
const SQL = 'SELECT category, year, SUM(amount) AS total, COUNT(*) AS n FROM t GROUP BY category, year ORDER BY total DESC LIMIT 10';
const load = [], query = [];
for (let i = 0; i < 6; i++) {
  const rt = new Runtime();
  let t0 = performance.now();
  await rt.registerTable('t', csv);
  const l = performance.now() - t0;
  t0 = performance.now();
  const res = await rt.query(SQL);
  const q = performance.now() - t0;
  if (res.rowCount !== 10) throw new Error('unexpected result');
  if (i > 0) { load.push(l); query.push(q); }
  rt.free();
}
const fig = {
  where: `node ${process.version}`,
  wasmBytes: statSync(wasmUrl).size,
  compileMs: +compileMs.toFixed(1),
  instantiateMs: +instantiateMs.toFixed(1),
  csvBytes: csv.length,
  loadMsP50: +median(load).toFixed(1),
  groupByMsP50: +median(query).toFixed(1),
  loadPlusGroupByMsP50: +(median(load) + median(query)).toFixed(1),
};
console.log(JSON.stringify(fig, null, 2));
