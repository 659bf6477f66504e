// analyze() overhead in Node on the 1 M-row table: bare query vs cold analyze (cache bypass)
// vs warm analyze (result-cache hit), p50 of 20 runs each after a warm-up.
// Usage: node bench/gen-data.mjs && node bench/analyze-node.mjs [csv]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { homedir } from 'node:os';
import { performance } from 'node:perf_hooks';

const csvPath = process.argv[2] || join(homedir(), '.cache/insightflow/bench/data-1m.csv');
const { initSync, Runtime } = await import('../pkg/insightflow.js');
initSync({ module: readFileSync(new URL('../pkg/insightflow_bg.wasm', import.meta.url)) });
const rt = new Runtime();
await rt.registerTable('t', new Uint8Array(readFileSync(csvPath)));
const SQL = 'SELECT category, year, SUM(amount) AS total, COUNT(*) AS n FROM t GROUP BY category, year ORDER BY total DESC LIMIT 10';
const N = 20;
const p50 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function time(fn) {
  await fn();
  const xs = [];
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    await fn();
    xs.push(performance.now() - t0);
  }
  return p50(xs);
}
const bare = await time(() => rt.query(SQL));
const cold = await time(() => rt.analyze({ source: 't', sql: SQL, options: { cache: 'bypass' } }));
const warm = await time(() => rt.analyze({ source: 't', sql: SQL }));
const last = await rt.analyze({ source: 't', sql: SQL });
if (last.cache.result !== 'hit' || last.data.rowCount !== 10) throw new Error('unexpected analyze result');
console.log(JSON.stringify({
  where: `node ${process.version}`, runs: N,
  bareQueryMsP50: +bare.toFixed(2), analyzeColdMsP50: +cold.toFixed(2), analyzeCacheHitMsP50: +warm.toFixed(3),
  coldOverBare: +(cold / bare).toFixed(3), pipelineOverheadPct: +(((cold - bare) / bare) * 100).toFixed(1),
}, null, 2));
