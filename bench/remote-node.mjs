// Remote engines in Node (the wasm package, `fetch`): the latency the runtime adds on top of
// the engine's own time, per engine, and rows/s for a 100k-row result.
//
//   bash scripts/remote-servers.sh run node bench/remote-node.mjs [runs]
//
// For each engine (ClickHouse 18.16, dask-sql over the Trino protocol, the generic protocol
// over SQLite) and two queries (a 5-row GROUP BY; SELECT * of the 100,000-row table) it times:
//   raw      the same HTTP exchange done by a minimal JS client (fetch + JSON.parse; Trino:
//            follow nextUri at once) — the engine's own time as a page would see it;
//   execute  insightflow's execute stage (request, wait, decode into a Polars frame);
//   analyze  the whole analyze call (cache bypassed; maxRows 100000, so every row reaches JS),
// and reports medians, the added latency (analyze − raw; execute − raw) and rows/s.
// Uses pkg/ if it is built from the current sources, else builds a private copy in
// ~/.cache/insightflow/bench/pkg-remote (cargo + wasm-bindgen; pkg/ is never touched).
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const runs = Number(process.argv[2] || 11);
const env = process.env;
if (!env.INSIGHTFLOW_REMOTE) {
  console.error('The remote servers are not running: bash scripts/remote-servers.sh run node bench/remote-node.mjs');
  process.exit(2);
}
const root = new URL('..', import.meta.url).pathname;
const out = join(homedir(), '.cache/insightflow/bench');
const pkgDir = env.INSIGHTFLOW_PKG || join(out, 'pkg-remote');
if (!env.INSIGHTFLOW_PKG) {
  mkdirSync(pkgDir, { recursive: true });
  const target = env.CARGO_TARGET_DIR || join(homedir(), '.cache/insightflow/target');
  console.error('building the release wasm (cargo) and bindings (wasm-bindgen) into', pkgDir);
  execSync('cargo build --release --target wasm32-unknown-unknown', { cwd: root, stdio: 'inherit', env: { ...env, CARGO_TARGET_DIR: target } });
  execSync(`wasm-bindgen --target web --out-dir ${pkgDir} ${join(target, 'wasm32-unknown-unknown/release/insightflow.wasm')}`, { stdio: 'inherit' });
}
const { initSync, Runtime } = await import(join(pkgDir, 'insightflow.js'));
initSync({ module: new WebAssembly.Module(readFileSync(join(pkgDir, 'insightflow_bg.wasm'))) });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const chHeaders = { 'X-ClickHouse-User': env.INSIGHTFLOW_CLICKHOUSE_USER, 'X-ClickHouse-Key': env.INSIGHTFLOW_CLICKHOUSE_PASSWORD };

// Minimal clients: what the same request costs without insightflow.
const raw = {
  async clickhouse(sql) {
    const r = await fetch(`${env.INSIGHTFLOW_CLICKHOUSE_URL}/`, { method: 'POST', headers: chHeaders, body: `${sql}\nFORMAT JSONCompact` });
    const j = JSON.parse(await r.text());
    return { rows: j.data.length, serverMs: j.statistics.elapsed * 1000 };
  },
  async trino(sql) {
    let r = await (await fetch(`${env.INSIGHTFLOW_TRINO_URL}/v1/statement`, { method: 'POST', headers: { 'X-Trino-User': 'bench' }, body: sql })).json();
    let rows = 0;
    for (;;) {
      rows += (r.data || []).length;
      if (!r.nextUri) break;
      r = await (await fetch(r.nextUri, { headers: { 'X-Trino-User': 'bench' } })).json();
    }
    return { rows };
  },
  async http(sql) {
    const r = await fetch(`${env.INSIGHTFLOW_FAKE_URL}/sql`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ sql, maxRows: 1000000 }) });
    const j = JSON.parse(await r.text());
    return { rows: j.rows.length };
  },
};

const sources = {
  clickhouse: (table) => ({ engine: 'clickhouse', url: env.INSIGHTFLOW_CLICKHOUSE_URL, table, user: env.INSIGHTFLOW_CLICKHOUSE_USER, password: env.INSIGHTFLOW_CLICKHOUSE_PASSWORD }),
  trino: (table) => ({ engine: 'trino', url: env.INSIGHTFLOW_TRINO_URL, table, user: 'bench' }),
  http: (table) => ({ engine: 'http', url: `${env.INSIGHTFLOW_FAKE_URL}/sql`, table }),
};
const queries = [
  { name: 'group-by (5 rows)', table: 'sales', sql: 'SELECT region, SUM(qty) AS total_qty, COUNT(*) AS n FROM sales GROUP BY region ORDER BY region' },
  { name: 'select * (100k rows)', table: 'big', sql: 'SELECT * FROM big' },
];

const results = [];
for (const engine of Object.keys(sources)) {
  const rt = new Runtime();
  for (const q of queries) {
    await rt.registerRemote(q.table, sources[engine](q.table));
    const rawMs = [], serverMs = [], executeMs = [], analyzeMs = [], stages = {};
    let rows = 0;
    for (let i = 0; i < runs + 1; i++) {
      let t = performance.now();
      const r = await raw[engine](q.sql);
      const rawT = performance.now() - t;
      t = performance.now();
      const res = await rt.analyze({ source: q.table, sql: q.sql, options: { cache: 'bypass', maxRows: 100000 } });
      const anT = performance.now() - t;
      if (i === 0) continue; // warm-up
      rows = res.data.rowCount;
      if (r.rows !== rows) throw new Error(`${engine}: raw ${r.rows} rows, insightflow ${rows}`);
      rawMs.push(rawT);
      analyzeMs.push(anT);
      if (r.serverMs !== undefined) serverMs.push(r.serverMs);
      for (const m of res.metadata) (stages[m.stage] ||= []).push(m.elapsedMs);
      executeMs.push(res.metadata.find((m) => m.stage === 'execute').elapsedMs);
    }
    const row = {
      engine, query: q.name, rows,
      serverMs: serverMs.length ? median(serverMs) : null,
      rawMs: median(rawMs), executeMs: median(executeMs), analyzeMs: median(analyzeMs),
      stagesMs: Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, +median(v).toFixed(2)])),
    };
    row.addedByExecuteMs = row.executeMs - row.rawMs;
    row.addedByAnalyzeMs = row.analyzeMs - row.rawMs;
    row.rowsPerSecRaw = rows / (row.rawMs / 1000);
    row.rowsPerSecExecute = rows / (row.executeMs / 1000);
    row.rowsPerSecAnalyze = rows / (row.analyzeMs / 1000);
    results.push(row);
    console.error(`${engine} / ${q.name}: raw ${row.rawMs.toFixed(1)} ms, execute ${row.executeMs.toFixed(1)} ms, analyze ${row.analyzeMs.toFixed(1)} ms`);
  }
}

const f = (x) => (x === null ? '—' : x.toFixed(1));
const k = (x) => `${(x / 1000).toFixed(0)}k`;
console.log(`\nmedians of ${runs} runs (after 1 warm-up), Node ${process.version}, ${new Date().toISOString()}\n`);
console.log('| engine | query | rows | engine-reported ms | raw fetch+parse ms | execute stage ms | analyze ms | added by execute ms | added by analyze ms | rows/s raw | rows/s execute | rows/s analyze |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
  console.log(`| ${r.engine} | ${r.query} | ${r.rows} | ${f(r.serverMs)} | ${f(r.rawMs)} | ${f(r.executeMs)} | ${f(r.analyzeMs)} | ${f(r.addedByExecuteMs)} | ${f(r.addedByAnalyzeMs)} | ${k(r.rowsPerSecRaw)} | ${k(r.rowsPerSecExecute)} | ${k(r.rowsPerSecAnalyze)} |`);
}
console.log('\nstage medians (ms):');
for (const r of results) console.log(`  ${r.engine} / ${r.query}: ${JSON.stringify(r.stagesMs)}`);
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'remote-results.json'), JSON.stringify({ node: process.version, runs, results }, null, 2));
