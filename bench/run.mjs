#!/usr/bin/env node
// The benchmark driver: insightflow, DuckDB-WASM (worker and blocking) and Arquero side by side
// in one headless Chromium (Debian's /usr/bin/chromium through playwright-core), on the same
// bytes. `bash bench/run.sh` prepares the package and the data, then runs this.
//
//   node bench/run.mjs [--quick] [--runs N] [--sf 0.1,1] [--only sizes,startup,load,tpch,analyze]
//                      [--engines insightflow,duckdb,duckdbSync,arquero] [--out bench/results]
//                      [--pkg DIR]  (measure another build of the package; default pkg/)
//                      [--render]   (only rewrite latest.md from latest.json)
//
// Every figure is the median of N runs (default 5) after one warm-up, engines alternating
// (the order rotates every run). A time counts only when the engine's answer equals the
// reference answer (DuckDB's) for that run. Writes <out>/latest.json and <out>/latest.md.
import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { homedir, cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync, brotliCompressSync, constants as zc } from 'node:zlib';
import { CORE, JOIN_FORM, TABLES, tpchQueries } from './tpch-queries.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CACHE = join(homedir(), '.cache/insightflow');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-quic', '--no-first-run',
];
const ALL_ENGINES = ['insightflow', 'duckdb', 'duckdbSync', 'arquero'];
const LABEL = {
  insightflow: 'insightflow', duckdb: 'DuckDB-WASM (worker)', duckdbSync: 'DuckDB-WASM (sync)', arquero: 'Arquero',
};
const PEERS = ['duckdb', 'duckdbSync', 'arquero'];

// ------------------------------------------------------------------ options
function parseArgs(argv) {
  const o = { quick: false, runs: null, sf: null, only: null, engines: ALL_ENGINES, out: join(ROOT, 'bench/results'), render: false, pkg: join(ROOT, 'pkg') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => argv[++i];
    if (a === '--quick') o.quick = true;
    else if (a === '--runs') o.runs = Number(val());
    else if (a === '--sf') o.sf = val().split(',');
    else if (a === '--only') o.only = val().split(',');
    else if (a === '--engines') o.engines = val().split(',');
    else if (a === '--out') o.out = val();
    else if (a === '--render') o.render = true;
    else if (a === '--pkg') o.pkg = resolve(val());
    else if (a === '--no-build') { /* handled by run.sh */ } else throw new Error(`unknown argument ${a}`);
  }
  o.runs ??= o.quick ? 3 : 5;
  o.sf ??= o.quick ? ['0.1'] : ['0.1', '1'];
  return o;
}
const opts = parseArgs(process.argv.slice(2));
const phase = (p) => !opts.only || opts.only.includes(p);

// ------------------------------------------------------------------ small helpers
const log = (...a) => console.error(`[${((Date.now() - T0) / 1000).toFixed(0).padStart(4)}s]`, ...a);
const T0 = Date.now();
function median(xs) {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
const r1 = (x) => (x === null || x === undefined ? null : Math.round(x * 10) / 10);
const rotate = (xs, k) => xs.map((_, i) => xs[(i + k) % xs.length]);
function withTimeout(p, ms, what) {
  let t;
  return Promise.race([p, new Promise((_, rej) => { t = setTimeout(() => rej(new Error(`timeout after ${ms / 1000} s: ${what}`)), ms); })])
    .finally(() => clearTimeout(t));
}

/** null when equal (numbers within 1e-6 relative), else where they first differ. */
export function diffAnswers(ref, got) {
  if (!ref || !got) return 'no answer';
  if (ref.rows.length !== got.rows.length) return `row count ${got.rows.length} vs ${ref.rows.length}`;
  const num = (v) => (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v);
  for (let r = 0; r < ref.rows.length; r++) {
    const a = ref.rows[r], b = got.rows[r];
    if (a.length !== b.length) return `column count ${b.length} vs ${a.length}`;
    for (let c = 0; c < a.length; c++) {
      const x = num(a[c]), y = num(b[c]);
      if (typeof x === 'number' && typeof y === 'number') {
        if (Math.abs(x - y) <= 1e-6 * Math.max(1, Math.abs(x), Math.abs(y))) continue;
      } else if (typeof x === 'string' && typeof y === 'string') {
        if (x.trimEnd() === y.trimEnd()) continue;
      } else if (x === y) continue;
      return `row ${r} column ${c} (${got.columns[c] ?? ref.columns[c]}): ${JSON.stringify(b[c])} vs ${JSON.stringify(a[c])}`;
    }
  }
  return null;
}

// ------------------------------------------------------------------ sizes (Node side)
function sizeOf(path) {
  const bytes = readFileSync(path);
  const key = createHash('sha256').update(bytes).digest('hex').slice(0, 32);
  const cacheFile = join(CACHE, 'bench/sizes-cache.json');
  const cache = existsSync(cacheFile) ? JSON.parse(readFileSync(cacheFile, 'utf8')) : {};
  if (!cache[key]) {
    cache[key] = {
      raw: bytes.length,
      gzip: gzipSync(bytes, { level: 9 }).length,
      brotli: brotliCompressSync(bytes, {
        params: { [zc.BROTLI_PARAM_QUALITY]: 11, [zc.BROTLI_PARAM_SIZE_HINT]: bytes.length },
      }).length,
    };
    writeFileSync(cacheFile, JSON.stringify(cache));
  }
  return cache[key];
}

function sizes() {
  const dist = join(ROOT, 'node_modules/@duckdb/duckdb-wasm/dist');
  const bundles = join(CACHE, 'bench/bundles');
  const set = {
    insightflow: { wasm: [join(opts.pkg, 'insightflow_bg.wasm')], js: [join(opts.pkg, 'insightflow.js')] },
    duckdb: { wasm: [join(dist, 'duckdb-eh.wasm')], js: [join(bundles, 'duckdb-async.mjs'), join(dist, 'duckdb-browser-eh.worker.js')] },
    duckdbSync: { wasm: [join(dist, 'duckdb-eh.wasm')], js: [join(bundles, 'duckdb-sync.mjs')] },
    arquero: { wasm: [], js: [join(ROOT, 'node_modules/arquero/dist/arquero.min.js')] },
  };
  const out = {};
  for (const [engine, { wasm, js }] of Object.entries(set)) {
    const sum = (files) => files.map(sizeOf).reduce((a, b) => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip, brotli: a.brotli + b.brotli }), { raw: 0, gzip: 0, brotli: 0 });
    out[engine] = { wasm: wasm.length ? sum(wasm) : null, js: sum(js), files: [...wasm, ...js].map((f) => f.replace(ROOT, '').replace(CACHE, '~/.cache/insightflow')) };
    log(`size ${engine}: wasm ${JSON.stringify(out[engine].wasm)} js ${JSON.stringify(out[engine].js)}`);
  }
  return out;
}

// ------------------------------------------------------------------ bundles, server, browser
async function buildBundles() {
  const { build } = await import('esbuild');
  const dist = join(ROOT, 'node_modules/@duckdb/duckdb-wasm/dist');
  const outdir = join(CACHE, 'bench/bundles');
  mkdirSync(outdir, { recursive: true });
  // What an app bundler would ship: duckdb-wasm's browser API plus apache-arrow, one minified ES module.
  for (const [entry, out] of [['duckdb-browser.mjs', 'duckdb-async.mjs'], ['duckdb-browser-blocking.mjs', 'duckdb-sync.mjs']]) {
    await build({
      entryPoints: [join(dist, entry)], bundle: true, format: 'esm', platform: 'browser', minify: true,
      outfile: join(outdir, out), logLevel: 'error', legalComments: 'none',
    });
  }
}

function serve() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [
      'scripts/serve.mjs', '--port', '0', '--root', 'bench/page',
      '--mount', `/pkg=${opts.pkg}`, '--mount', '/nm=node_modules',
      '--mount', `/data/bench=${join(CACHE, 'bench')}`, '--mount', `/data/tpch=${join(CACHE, 'tpch')}`,
      '--mount', `/bundles=${join(CACHE, 'bench/bundles')}`, '--quiet',
    ], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 15000);
    const onData = (d) => {
      out += d;
      const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) { clearTimeout(timer); resolve({ url: m[1], stop: () => child.kill('SIGTERM') }); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}: ${out}`)); });
  });
}

let browser, server;

/** A fresh context + page with engine `name` started; returns {page, ctx, cdp, startup}. */
async function openEngine(name) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  page.on('pageerror', (e) => log(`${name} page error: ${e}`));
  page.on('console', (m) => { if (m.type() === 'error') log(`${name} console: ${m.text().slice(0, 300)}`); });
  await page.goto(`${server.url}index.html`);
  await page.waitForFunction(() => window.B && window.B.ready);
  const startup = await withTimeout(page.evaluate((n) => window.B.startup(n), name), 120000, `${name} startup`);
  const cdp = await ctx.newCDPSession(page);
  return { name, ctx, page, cdp, startup };
}

/** The page's JS heap in use plus ArrayBuffer backing stores (where Arrow data lives). */
/** openEngine, or {error} when the engine does not start (the other engines go on). */
async function tryOpen(name) {
  try {
    return await openEngine(name);
  } catch (err) {
    log(`${name} does not start: ${String(err.message || err).split('\n')[0]}`);
    return { name, error: { code: 'STARTUP_FAILED', message: String(err.message || err).split('\n')[0].slice(0, 300) } };
  }
}

async function jsHeap(h, gc = true) {
  if (gc) await h.cdp.send('HeapProfiler.collectGarbage');
  const { usedSize, backingStorageSize = 0 } = await h.cdp.send('Runtime.getHeapUsage');
  return usedSize + backingStorageSize;
}

/** Memory as each engine can report it, plus the page's JS heap (after a GC unless told). */
async function memory(h, gc = true) {
  const m = await h.page.evaluate(() => window.B.memory());
  const heap = await jsHeap(h, gc);
  if (h.name === 'arquero') return { measure: `JS heap used + ArrayBuffer backing stores (DevTools Runtime.getHeapUsage${gc ? ', after a forced GC' : ', no GC: includes garbage'})`, bytes: heap };
  return { ...m, jsHeapBytes: heap };
}

const ev = (h, fn, arg, ms = 300000) => withTimeout(h.page.evaluate(fn, arg), ms, `${h.name}`);

// ------------------------------------------------------------------ phases
async function startupPhase(engines) {
  const samples = Object.fromEntries(engines.map((e) => [e, []]));
  const wasm = {};
  const failed = {};
  for (let run = 0; run <= opts.runs; run++) {
    for (const e of rotate(engines, run)) {
      if (failed[e]) continue;
      const h = await tryOpen(e);
      if (h.error) { failed[e] = h.error; continue; }
      if (run > 0) samples[e].push(h.startup.ms);
      wasm[e] = h.startup.wasm;
      await h.ctx.close();
    }
  }
  const out = {};
  for (const e of engines) {
    out[e] = failed[e] ? { error: failed[e] } : { p50Ms: r1(median(samples[e])), runsMs: samples[e].map(r1), wasmFetched: wasm[e] };
    log(`startup ${e}: p50 ${out[e].p50Ms} ms`);
  }
  return out;
}

/** Reference answer: DuckDB (worker), else DuckDB (sync), else the first answer there is. */
function reference(answers) {
  return answers.duckdb || answers.duckdbSync || Object.values(answers).find(Boolean) || null;
}

async function loadAggPhase(engines, format) {
  const url = format === 'csv' ? '/data/bench/data-1m.csv' : '/data/bench/data-1m.parquet';
  const hs = {};
  const res = {};
  for (const e of engines) {
    hs[e] = await tryOpen(e);
    if (!hs[e].error) await ev(hs[e], ([k, u]) => window.B.fetch(k, u), [format, url]);
  }
  // Warm-up, also the memory run: load, measure, query, measure (no GC), drop.
  const answers = {};
  for (const e of engines) {
    const h = hs[e];
    if (h.error) { res[e] = { error: h.error }; continue; }
    const base = await memory(h);
    const l = await ev(h, (f) => window.B.loadAgg(f, 'load'), format);
    if (l.na || l.error) { res[e] = l.na ? { na: l.na } : { error: l.error }; continue; }
    const afterLoad = await memory(h);
    const q = await ev(h, (f) => window.B.loadAgg(f, 'query'), format);
    const afterQuery = await memory(h, false);
    await ev(h, (f) => window.B.loadAgg(f, 'drop'), format);
    answers[e] = q.answer;
    res[e] = { memory: { base, afterLoad, afterQuery } };
  }
  const ref = reference(answers);
  const samples = Object.fromEntries(engines.map((e) => [e, { total: [], load: [], query: [], mismatch: null }]));
  for (const e of engines) if (answers[e]) samples[e].mismatch = diffAnswers(ref, answers[e]);
  for (let run = 1; run <= opts.runs; run++) {
    for (const e of rotate(engines, run)) {
      if (res[e].na || res[e].error || samples[e].mismatch) continue;
      const r = await ev(hs[e], (f) => window.B.loadAgg(f), format);
      if (r.error) { res[e].error = r.error; continue; }
      const d = diffAnswers(ref, r.answer);
      if (d) { samples[e].mismatch = d; continue; }
      samples[e].total.push(r.totalMs); samples[e].load.push(r.loadMs); samples[e].query.push(r.queryMs);
    }
  }
  for (const e of engines) {
    const s = samples[e];
    if (!res[e].na && !res[e].error) {
      Object.assign(res[e], s.mismatch ? { mismatch: s.mismatch } : {
        p50Ms: r1(median(s.total)), loadP50Ms: r1(median(s.load)), queryP50Ms: r1(median(s.query)), runsMs: s.total.map(r1),
      });
    }
    log(`load+aggregate ${format} ${e}: ${JSON.stringify({ p50: res[e].p50Ms, load: res[e].loadP50Ms, query: res[e].queryP50Ms, na: res[e].na, error: res[e].error, mismatch: res[e].mismatch })}`);
    await hs[e].ctx?.close();
  }
  return { sql: 'SELECT category, year, SUM(amount) AS total, COUNT(*) AS n FROM t GROUP BY category, year ORDER BY total DESC LIMIT 10', answer: ref, engines: res };
}

async function tpchPhase(engines, sf, extraAtSf1) {
  const queries = tpchQueries(Number(sf));
  const hs = {};
  const load = {};
  const mem = {};
  for (const e of engines) {
    hs[e] = await tryOpen(e);
    if (hs[e].error) { load[e] = { error: hs[e].error }; continue; }
    mem[e] = { base: await memory(hs[e]) };
    const l = await ev(hs[e], ([s, t]) => window.B.tpchLoad(s, t), [sf, TABLES], 900000);
    load[e] = l.error ? { error: l.error } : { source: l.source, totalMs: r1(l.totalMs), tablesMs: Object.fromEntries(Object.entries(l.ms).map(([k, v]) => [k, r1(v)])) };
    mem[e].afterLoad = await memory(hs[e]);
    log(`tpch sf${sf} load ${e}: ${JSON.stringify(load[e])}`);
  }
  const ids = [];
  for (let q = 1; q <= 22; q++) {
    if (CORE.includes(q) || extraAtSf1 === null || extraAtSf1.includes(q)) ids.push({ key: `Q${q}`, id: q, sql: queries[q], core: CORE.includes(q) });
    if (JOIN_FORM[q]) ids.push({ key: `Q${q} (JOIN form)`, id: q, sql: JOIN_FORM[q], core: true, joinForm: true });
  }
  const results = {};
  const timeoutMs = sf === '1' ? 300000 : 120000;
  for (const { key, id, sql, core, joinForm } of ids) {
    const r = {};
    const answers = {};
    // Warm-up (and the check that insightflow runs it at all).
    const firstH = hs.insightflow && !hs.insightflow.error ? hs.insightflow : Object.values(hs).find((h) => !h.error);
    const first = hs.insightflow?.error ? { error: hs.insightflow.error }
      : await ev(firstH, ([i, s]) => window.B.tpchQuery(i, s), [id, sql], timeoutMs).catch((err) => ({ error: { code: 'TIMEOUT', message: String(err.message) } }));
    const order = engines.filter((e) => !(joinForm && e === 'arquero'));
    for (const e of order) {
      if (load[e].error) { r[e] = { error: { code: 'LOAD_FAILED', message: load[e].error.message } }; continue; }
      if (e !== 'insightflow' && !core && first.error) { r[e] = { skipped: 'insightflow cannot run it' }; continue; }
      const w = e === 'insightflow' ? first : await ev(hs[e], ([i, s]) => window.B.tpchQuery(i, s), [id, sql], timeoutMs).catch((err) => ({ error: { code: 'TIMEOUT', message: String(err.message) } }));
      if (w.na) r[e] = { na: w.na };
      else if (w.error) r[e] = { error: w.error };
      else { answers[e] = w.answer; r[e] = { samples: [], warmupMs: r1(w.ms) }; }
    }
    const ref = reference(answers);
    for (const e of Object.keys(answers)) {
      const d = diffAnswers(ref, answers[e]);
      if (d) r[e] = { mismatch: d, warmupMs: r[e].warmupMs };
    }
    const timed = Object.keys(r).filter((e) => r[e].samples);
    for (let run = 1; run <= opts.runs && timed.length; run++) {
      for (const e of rotate(timed, run)) {
        if (!r[e].samples) continue;
        const x = await ev(hs[e], ([i, s]) => window.B.tpchQuery(i, s), [id, sql], timeoutMs).catch((err) => ({ error: { code: 'TIMEOUT', message: String(err.message) } }));
        if (x.error) { r[e] = { error: x.error }; continue; }
        const d = diffAnswers(ref, x.answer);
        if (d) { r[e] = { mismatch: d }; continue; }
        r[e].samples.push(x.ms);
      }
    }
    for (const e of Object.keys(r)) {
      if (r[e].samples) { r[e] = { p50Ms: r1(median(r[e].samples)), runsMs: r[e].samples.map(r1) }; }
    }
    results[key] = { engines: r, rows: ref ? ref.rows.length : null };
    log(`tpch sf${sf} ${key}: ${Object.entries(r).map(([e, v]) => `${e}=${v.p50Ms ?? (v.error ? `ERR ${v.error.code}` : v.mismatch ? 'MISMATCH' : v.na ? 'n/a' : 'skip')}`).join(' ')}`);
    if (Object.values(r).some((v) => v.mismatch)) log(`  mismatch: ${JSON.stringify(Object.fromEntries(Object.entries(r).filter(([, v]) => v.mismatch).map(([e, v]) => [e, v.mismatch])))}`);
  }
  for (const e of engines) {
    if (hs[e].error) continue;
    mem[e].afterQueries = await memory(hs[e], false);
    await hs[e].ctx.close();
  }
  return { sf: Number(sf), load, memory: mem, queries: results };
}

async function analyzePhase() {
  const h = await openEngine('insightflow');
  await ev(h, ([k, u]) => window.B.fetch(k, u), ['csv', '/data/bench/data-1m.csv']);
  const a = await ev(h, (n) => window.B.analyze(n), opts.runs);
  await h.ctx.close();
  if (a.skipped) { log(`analyze: skipped (${a.skipped})`); return a; }
  const out = {
    bareQueryP50Ms: r1(median(a.bare)), analyzeColdP50Ms: r1(median(a.cold)),
    analyzeCacheHitP50Ms: Math.round(median(a.hit) * 1000) / 1000, questionColdP50Ms: r1(median(a.question)),
    questionText: a.questionText, questionError: a.questionError, cacheHitVerified: a.hitCheck, rowsEqualBareQuery: a.rowsCheck,
    coldOverBare: Math.round((median(a.cold) / median(a.bare)) * 1000) / 1000,
    runs: { bare: a.bare.map(r1), cold: a.cold.map(r1), hit: a.hit, question: a.question.map(r1) },
  };
  log(`analyze: ${JSON.stringify(out)}`);
  return out;
}

// ------------------------------------------------------------------ markdown
const fmtMs = (v) => (v === null || v === undefined ? '–' : v >= 100 ? v.toFixed(0) : v.toFixed(1));
const fmtMB = (b) => (b === null || b === undefined ? '–' : b < 1e6 ? `${(b / 1e3).toFixed(0)} kB` : `${(b / 1e6).toFixed(2)} MB`);
const fmtMiB = (b) => (b === null || b === undefined ? '–' : `${(b / 1048576).toFixed(0)} MiB`);
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}×` : '–');
function cell(v) {
  if (!v) return '–';
  if (v.p50Ms !== undefined) return fmtMs(v.p50Ms);
  if (v.error) return `fails: ${v.error.code}`;
  if (v.mismatch) return 'wrong answer';
  if (v.na) return 'n/a';
  if (v.skipped) return 'not run';
  return '–';
}

/** The issue's goals next to what this run measured. */
function goals(R) {
  const L = ['## Against the goals (issue 8)', '', '| goal | measured | met |', '|---|---|---|'];
  const yes = (ok) => (ok === null ? '–' : ok ? 'yes' : '**no**');
  const x = (a, b) => (a && b ? a / b : null);
  const fx = (v) => (v === null ? 'n/a' : `${v.toFixed(2)}×`);
  if (R.sizes?.insightflow) {
    const b = R.sizes.insightflow.wasm.brotli + R.sizes.insightflow.js.brotli;
    L.push(`| download ≤ 4 MB brotli | ${fmtMB(b)} (wasm + JS) | ${yes(b <= 4e6)} |`);
  }
  if (R.startup) {
    const a = x(R.startup.insightflow?.p50Ms, R.startup.duckdb?.p50Ms), b = x(R.startup.insightflow?.p50Ms, R.startup.duckdbSync?.p50Ms);
    L.push(`| startup ≤ 0.25× DuckDB | ${fx(a)} worker, ${fx(b)} sync | ${yes(a === null ? null : a <= 0.25)} |`);
  }
  for (const f of ['csv', 'parquet']) {
    const e = R.loadAggregate?.[f]?.engines;
    if (!e) continue;
    const a = x(e.insightflow?.p50Ms, e.duckdb?.p50Ms), b = x(e.insightflow?.p50Ms, e.duckdbSync?.p50Ms);
    L.push(`| load + aggregate (${f.toUpperCase()}) ≤ 0.5× DuckDB | ${a === null && b === null ? `n/a (${e.duckdb?.na ? 'DuckDB cannot read Parquet offline' : 'no figure'})` : `${fx(a)} worker, ${fx(b)} sync`} | ${yes(a === null ? null : a <= 0.5 && b <= 0.5)} |`);
  }
  for (const t of R.tpch || []) {
    const parts = [];
    let all = true;
    let arq = [];
    for (const q of CORE) {
      const std = t.queries[`Q${q}`]?.engines || {};
      const jf = t.queries[`Q${q} (JOIN form)`]?.engines;
      const i = std.insightflow?.p50Ms ?? jf?.insightflow?.p50Ms;
      const d = std.insightflow?.p50Ms !== undefined ? std.duckdb?.p50Ms : jf?.duckdb?.p50Ms;
      const r = x(i, d);
      if (r === null || r > 1) all = false;
      const why = std.insightflow?.error ? std.insightflow.error.code : std.insightflow?.mismatch ? 'wrong answer' : 'n/a';
      parts.push(`Q${q} ${r === null ? why : `${r.toFixed(2)}×${std.insightflow?.p50Ms === undefined ? ' (JOIN form)' : ''}`}`);
      const ra = x(std.insightflow?.p50Ms ?? jf?.insightflow?.p50Ms, std.arquero?.p50Ms);
      arq.push(`Q${q} ${ra === null ? '–' : `${ra.toFixed(2)}×`}`);
    }
    L.push(`| TPC-H SF ${t.sf} core queries ≤ 1.0× DuckDB (worker) | ${parts.join(', ')} | ${yes(all)} |`);
    L.push(`| TPC-H SF ${t.sf} core queries ≤ 0.2× Arquero | ${arq.join(', ')} | ${yes(arq.every((v) => /×$/.test(v) && parseFloat(v.split(' ')[1]) <= 0.2) && arq.length === CORE.length)} |`);
  }
  if (R.analyze && !R.analyze.skipped) {
    L.push(`| result-cache hit < 1 ms p50 | ${R.analyze.analyzeCacheHitP50Ms} ms | ${yes(R.analyze.analyzeCacheHitP50Ms < 1)} |`);
    L.push(`| analyze() cold ≤ 1.2× the bare query | ${R.analyze.coldOverBare}× | ${yes(R.analyze.coldOverBare <= 1.2)} |`);
  }
  const memPairs = [];
  const csvM = R.loadAggregate?.csv?.engines;
  if (csvM?.insightflow?.memory && csvM?.duckdbSync?.memory) memPairs.push(['1 M-row CSV', csvM.insightflow.memory.afterQuery.bytes, csvM.duckdbSync.memory.afterQuery.bytes]);
  for (const t of R.tpch || []) if (t.memory.insightflow?.afterQueries && t.memory.duckdbSync?.afterQueries) memPairs.push([`TPC-H SF ${t.sf}`, t.memory.insightflow.afterQueries.bytes, t.memory.duckdbSync.afterQueries.bytes]);
  if (memPairs.length) {
    L.push(`| peak memory ≤ DuckDB's (wasm memory, vs DuckDB sync) | ${memPairs.map(([n, a, b]) => `${n} ${(a / b).toFixed(2)}×`).join(', ')} | ${yes(memPairs.every(([, a, b]) => a <= b))} |`);
  }
  L.push('');
  return L;
}

/** The engine's own words when insightflow passes them on in the hint, else the message. */
function errorText(err) {
  const said = /Engine said: ([\s\S]*)/.exec(err.hint || '');
  const text = said ? said[1] : err.message;
  return text.replace(/\|/g, '/').replace(/\s+/g, ' ').replace(/, span: Span\([^)]*\)\)?/g, '').slice(0, 140);
}

export function renderMarkdown(R) {
  const L = [];
  const m = R.meta;
  L.push('# insightflow benchmark: latest run', '');
  L.push(`${m.date} · ${m.browser} · ${m.cpus} × ${m.cpuModel} · load average (1/5/15 min) at start ${m.loadavgStart.join(' / ')}, at end ${(m.loadavgEnd || []).join(' / ')}${m.quick ? ' · **--quick** (not a release figure)' : ''}`);
  L.push(`insightflow ${m.insightflowCommit} (${m.insightflowPkg || 'pkg'}, wasm sha256 ${m.insightflowWasmSha256}, built ${m.insightflowWasmModified || '?'}; the commit is the checkout's HEAD when the harness ran), DuckDB-WASM ${m.versions.duckdb}, Arquero ${m.versions.arquero}. Harness wall time ${m.wallSeconds} s.`);
  L.push('', `Rows "(JOIN form)" run the same query with \`JOIN ... ON\` instead of the comma-separated FROM list as written (which the SQL rewrite layer turns into joins): the two forms should time the same. Each time is the median (p50) of ${m.runs} runs after one warm-up, in ms, engines alternating; a time counts only when the answer equals DuckDB's. Ratios are insightflow / peer (below 1 means insightflow is faster or smaller). "DuckDB (worker)" is the async API with the eh bundle in its Web Worker, as its docs recommend; "DuckDB (sync)" is its blocking API with the same eh build on the page's thread, like insightflow.`, '');
  const head = '| workload | insightflow | DuckDB (worker) | DuckDB (sync) | Arquero | ÷ DuckDB (worker) | ÷ DuckDB (sync) | ÷ Arquero |';
  const sep = '|---|--:|--:|--:|--:|--:|--:|--:|';
  const row = (name, e) => {
    const i = e.insightflow?.p50Ms;
    return `| ${name} | ${cell(e.insightflow)} | ${cell(e.duckdb)} | ${cell(e.duckdbSync)} | ${cell(e.arquero)} | ${ratio(i, e.duckdb?.p50Ms)} | ${ratio(i, e.duckdbSync?.p50Ms)} | ${ratio(i, e.arquero?.p50Ms)} |`;
  };
  L.push(...goals(R));
  L.push('## Speed', '', head, sep);
  if (R.startup) L.push(row('startup: fetch + compile + instantiate to ready', R.startup));
  for (const f of ['csv', 'parquet']) {
    const w = R.loadAggregate?.[f];
    if (!w) continue;
    L.push(row(`load + aggregate, 1 M rows from ${f.toUpperCase()} bytes`, w.engines));
    const part = (k) => Object.fromEntries(Object.entries(w.engines).map(([e, v]) => [e, v[k] !== undefined ? { p50Ms: v[k] } : v]));
    L.push(row(`  of which load (${f})`, part('loadP50Ms')));
    L.push(row(`  of which GROUP BY (${f})`, part('queryP50Ms')));
  }
  for (const t of R.tpch || []) {
    for (const [k, q] of Object.entries(t.queries)) {
      const core = /^Q(1|3|5|6|10)\b/.test(k);
      if (!core && !Object.values(q.engines).some((v) => v.p50Ms !== undefined)) continue;
      L.push(row(`TPC-H SF ${t.sf} ${k}`, q.engines));
    }
  }
  if (R.analyze) {
    L.push('', '## analyze() (insightflow, 1 M-row table, GROUP BY category, year)', '');
    if (R.analyze.skipped) L.push(`Skipped: ${R.analyze.skipped}.`);
    else {
      const a = R.analyze;
      L.push('| bare query | analyze, cold (cache bypass) | analyze, result-cache hit | analyze from a question, cold | cold ÷ bare |', '|--:|--:|--:|--:|--:|');
      L.push(`| ${fmtMs(a.bareQueryP50Ms)} | ${fmtMs(a.analyzeColdP50Ms)} | ${a.analyzeCacheHitP50Ms} | ${a.questionError ? `fails: ${a.questionError.code}` : fmtMs(a.questionColdP50Ms)} | ${a.coldOverBare}× |`);
      L.push('', `Question: "${a.questionText}". Cache hit verified (\`cache.result === 'hit'\`): ${a.cacheHitVerified}; analyze rows equal the bare query's: ${a.rowsEqualBareQuery}.`);
    }
  }
  if (R.tpch?.length) {
    L.push('', '## TPC-H: loading the tables (ms, once per run of the harness; not comparable across engines)', '');
    L.push('insightflow reads the Parquet files tpchgen-cli wrote; DuckDB-WASM gets the same tables as Arrow IPC streams (`insertArrowFromIPCStream`), because its Parquet reader is an extension it downloads at run time from extensions.duckdb.org; Arquero gets Arrow files holding only the columns its pipelines read.', '');
    L.push('| SF | insightflow (Parquet) | DuckDB (worker, Arrow IPC) | DuckDB (sync, Arrow IPC) | Arquero (Arrow, 6 tables, projected) | insightflow lineitem alone |', '|--:|--:|--:|--:|--:|--:|');
    for (const t of R.tpch) {
      const c = (e) => (t.load[e]?.error ? `fails: ${t.load[e].error.code}` : fmtMs(t.load[e]?.totalMs));
      L.push(`| ${t.sf} | ${c('insightflow')} | ${c('duckdb')} | ${c('duckdbSync')} | ${c('arquero')} | ${fmtMs(t.load.insightflow?.tablesMs?.lineitem)} |`);
    }
    L.push('', '## TPC-H queries that do not run or disagree', '', '| SF | query | engine | what happened |', '|--:|---|---|---|');
    for (const t of R.tpch) {
      for (const [k, q] of Object.entries(t.queries)) {
        for (const [e, v] of Object.entries(q.engines)) {
          if (v.error) L.push(`| ${t.sf} | ${k} | ${LABEL[e]} | ${v.error.code}: ${errorText(v.error)} |`);
          else if (v.mismatch) L.push(`| ${t.sf} | ${k} | ${LABEL[e]} | wrong answer: ${v.mismatch.replace(/\|/g, '/').slice(0, 160)} |`);
          else if (v.na && e === 'arquero' && !/JOIN/.test(k) && /^Q(1|3|5|6|10)$/.test(k)) L.push(`| ${t.sf} | ${k} | ${LABEL[e]} | n/a: ${v.na} |`);
        }
      }
    }
  }
  if (R.sizes) {
    L.push('', '## Size (what a page downloads)', '', '| engine | wasm raw | wasm gzip | wasm brotli | JS brotli | total brotli | ÷ DuckDB total brotli |', '|---|--:|--:|--:|--:|--:|--:|');
    const tot = (e) => (R.sizes[e].wasm?.brotli || 0) + R.sizes[e].js.brotli;
    for (const e of ALL_ENGINES) {
      if (!R.sizes[e]) continue;
      const s = R.sizes[e];
      L.push(`| ${LABEL[e]} | ${fmtMB(s.wasm?.raw)} | ${fmtMB(s.wasm?.gzip)} | ${fmtMB(s.wasm?.brotli)} | ${fmtMB(s.js.brotli)} | ${fmtMB(tot(e))} | ${e === 'duckdb' ? '' : ratio(tot(e), tot('duckdb'))} |`);
    }
    L.push('', 'MB = 10^6 bytes; gzip level 9 and brotli quality 11 (Node zlib). JS: insightflow.js; DuckDB: its browser API + apache-arrow bundled and minified with esbuild (+ the eh worker script for the worker mode); Arquero: its minified browser bundle.');
  }
  const memRows = [];
  const mcell = (v, base) => (v ? fmtMiB(base ? v.bytes - base.bytes : v.bytes) : '–');
  const pair = (e, mm, after) => (mm ? `${mcell(mm.afterLoad, e === 'arquero' && mm.base)} / ${mcell(mm[after], e === 'arquero' && mm.base)}` : '–');
  for (const f of ['csv', 'parquet']) {
    const w = R.loadAggregate?.[f];
    if (!w) continue;
    memRows.push(`| 1 M rows from ${f.toUpperCase()} | ${ALL_ENGINES.map((e) => pair(e, w.engines[e]?.memory, 'afterQuery')).join(' | ')} |`);
  }
  for (const t of R.tpch || []) {
    memRows.push(`| TPC-H SF ${t.sf}, 8 tables, then the queries | ${ALL_ENGINES.map((e) => pair(e, t.memory[e], 'afterQueries')).join(' | ')} |`);
  }
  if (memRows.length) {
    L.push('', '## Memory: after load / peak during the queries', '', '| workload | insightflow | DuckDB (worker) | DuckDB (sync) | Arquero |', '|---|--:|--:|--:|--:|', ...memRows);
    L.push('', "Measures: insightflow and DuckDB (sync) — the wasm linear memory's byteLength, which only grows, so the figure after the queries is the peak; DuckDB (worker) — DuckDB's own report (`SUM(memory_usage_bytes) FROM duckdb_memory()`, its buffer manager, current not peak: the worker's wasm memory cannot be read from the page); Arquero — what the page's JS heap plus ArrayBuffer backing stores grew by over the page before the load (input bytes already fetched), from the DevTools protocol (\`Runtime.getHeapUsage\`; after a forced GC after load; without GC after the query, so it includes garbage). `performance.measureUserAgentSpecificMemory` is unavailable: the page is not cross-origin isolated.");
  }
  if (R.errors?.length) L.push('', '## Harness errors', '', ...R.errors.map((e) => `- ${e}`));
  return L.join('\n') + '\n';
}

// ------------------------------------------------------------------ main
async function main() {
  mkdirSync(opts.out, { recursive: true });
  const jsonPath = join(opts.out, 'latest.json');
  if (opts.render) {
    writeFileSync(join(opts.out, 'latest.md'), renderMarkdown(JSON.parse(readFileSync(jsonPath, 'utf8'))));
    return;
  }
  const { chromium } = await import('playwright-core');
  const git = (...a) => { try { return execFileSync('git', a, { cwd: ROOT, encoding: 'utf8' }).trim(); } catch { return '?'; } };
  const pkgJson = (p) => JSON.parse(readFileSync(join(ROOT, 'node_modules', p, 'package.json'), 'utf8')).version;
  const R = {
    meta: {
      date: new Date().toISOString(), quick: opts.quick, runs: opts.runs, scaleFactors: opts.sf.map(Number),
      cpus: cpus().length, cpuModel: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), loadavgStart: loadavg().map((x) => x.toFixed(2)),
      insightflowCommit: `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--', 'src', 'Cargo.toml') ? '+uncommitted src' : ''}`,
      insightflowPkg: opts.pkg.replace(ROOT, ''),
      insightflowWasmBytes: statSync(join(opts.pkg, 'insightflow_bg.wasm')).size,
      insightflowWasmModified: statSync(join(opts.pkg, 'insightflow_bg.wasm')).mtime.toISOString(),
      insightflowWasmSha256: createHash('sha256').update(readFileSync(join(opts.pkg, 'insightflow_bg.wasm'))).digest('hex').slice(0, 16),
      versions: { duckdb: pkgJson('@duckdb/duckdb-wasm'), arquero: pkgJson('arquero'), flechette: pkgJson('@uwdata/flechette'), playwright: pkgJson('playwright-core') },
      node: process.version,
    },
    errors: [],
  };
  log('bundling duckdb-wasm JS with esbuild');
  await buildBundles();
  if (phase('sizes')) { log('sizes (brotli -11 of a 30 MB file takes a minute; cached by hash)'); R.sizes = sizes(); }

  server = await serve();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  R.meta.browser = `Chromium ${browser.version()} (headless)`;
  log(`${R.meta.browser}, serving ${server.url}`);
  const engines = ALL_ENGINES.filter((e) => opts.engines.includes(e));
  const save = () => {
    R.meta.wallSeconds = Math.round((Date.now() - T0) / 1000);
    R.meta.loadavgEnd = loadavg().map((x) => x.toFixed(2));
    writeFileSync(jsonPath, JSON.stringify(R, null, 1) + '\n');
    writeFileSync(join(opts.out, 'latest.md'), renderMarkdown(R));
  };
  const guard = async (name, f) => {
    try { await f(); } catch (err) { log(`${name} failed: ${err.stack || err}`); R.errors.push(`${name}: ${String(err.message || err).slice(0, 300)}`); }
    save();
  };
  try {
    if (phase('startup')) await guard('startup', async () => { R.startup = await startupPhase(engines); });
    if (phase('load')) {
      R.loadAggregate = {};
      for (const f of ['csv', 'parquet']) await guard(`load+aggregate ${f}`, async () => { R.loadAggregate[f] = await loadAggPhase(engines, f); });
    }
    if (phase('tpch')) {
      R.tpch = [];
      let ranAtSmall = null;
      for (const sf of opts.sf) {
        await guard(`tpch sf${sf}`, async () => {
          // At SF >= 1 only the core five plus the queries insightflow ran at the smaller SF.
          const t = await tpchPhase(engines, sf, Number(sf) >= 1 ? ranAtSmall : null);
          R.tpch.push(t);
          if (Number(sf) < 1) {
            ranAtSmall = Object.entries(t.queries)
              .filter(([k, q]) => !/JOIN/.test(k) && q.engines.insightflow && !q.engines.insightflow.error)
              .map(([k]) => Number(k.slice(1)));
          }
        });
      }
    }
    if (phase('analyze') && engines.includes('insightflow')) await guard('analyze', async () => { R.analyze = await analyzePhase(); });
  } finally {
    await browser.close();
    server.stop();
    save();
  }
  log(`wrote ${jsonPath} and latest.md`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err) => { console.error(err); process.exit(1); });
}
