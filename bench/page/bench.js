// The page side of the benchmark: one engine per page (each page in its own browser context),
// adapters with the same small surface, and one-run workload functions that bench/run.mjs
// calls through page.evaluate(). Every function returns plain data: times in ms, the answer
// normalised to {columns, rows: [[...]]} so the driver can check engines agree, and errors
// as {code, message}. Nothing here loads an engine until asked, so startup is measured from a
// page that has only this file.
import { arqueroTpch } from '/arquero-tpch.js';

const DIST = '/nm/@duckdb/duckdb-wasm/dist';
const abs = (p) => new URL(p, location.href).href;
const state = { name: null, engine: null, data: new Map(), staged: null };

const DUCKDB_NO_PARQUET = "DuckDB-WASM 1.32 reads Parquet only through its 'parquet' extension, which it downloads at run time from extensions.duckdb.org; it is not in the npm package and this page serves only local files";

export const AGG_SQL =
  'SELECT category, year, SUM(amount) AS total, COUNT(*) AS n FROM t GROUP BY category, year ORDER BY total DESC LIMIT 10';

// ---------------------------------------------------------------- normalisation

const isoDate = (ms) => new Date(ms).toISOString().slice(0, 10);

function plain(v) {
  if (v === undefined || v === null) return null;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return v;
}

// Arrow decimal128 value (four little-endian 32-bit words, two's complement) -> number.
function decimalToNumber(v, scale) {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v) / 10 ** scale;
  const w = v instanceof Uint32Array ? v : new Uint32Array(v.buffer, v.byteOffset, 4);
  let x = 0n;
  for (let i = w.length - 1; i >= 0; i--) x = (x << 32n) | BigInt(w[i]);
  if (w[w.length - 1] & 0x80000000) x -= 1n << BigInt(32 * w.length);
  const div = 10n ** BigInt(scale);
  return Number(x / div) + Number(x % div) / 10 ** scale;
}

// An apache-arrow Table (what duckdb-wasm returns) -> {columns, rows}. Type ids are
// apache-arrow's Type enum: 2 Int, 7 Decimal, 8 Date, 10 Timestamp.
function fromArrowTable(t) {
  const fields = t.schema.fields;
  const vecs = fields.map((_, i) => t.getChildAt(i));
  const conv = fields.map((f) => {
    switch (f.type.typeId) {
      case 7: return (v) => decimalToNumber(v, f.type.scale);
      case 8: return (v) => (v === null ? null : typeof v === 'number' ? isoDate(v) : plain(v));
      case 10: return (v) => (v === null ? null : new Date(Number(v)).toISOString());
      default: return plain;
    }
  });
  const rows = [];
  for (let r = 0; r < t.numRows; r++) rows.push(vecs.map((vec, c) => conv[c](vec.get(r))));
  return { columns: fields.map((f) => f.name), rows };
}

function fromInsightflow(res) {
  const names = res.columns.map((c) => (typeof c === 'string' ? c : c.name));
  return { columns: names, rows: res.rows.map((row) => names.map((n) => plain(row[n]))) };
}

// An Arquero table -> {columns, rows}; `dates` names columns holding epoch-ms dates.
export function fromArquero(t, dates = []) {
  const names = t.columnNames();
  const cols = names.map((n) => t.array(n));
  const rows = [];
  for (let r = 0; r < t.numRows(); r++) {
    rows.push(names.map((n, c) => {
      const v = cols[c][r];
      return dates.includes(n) && typeof v === 'number' ? isoDate(v) : plain(v);
    }));
  }
  return { columns: names, rows };
}

function errorOf(e) {
  const out = { code: e?.code || e?.name || 'Error', message: String(e?.message || e).slice(0, 400) };
  if (e?.hint) out.hint = String(e.hint).slice(0, 600);
  return out;
}

async function loadScript(src) {
  await new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = src;
    s.onload = resolve;
    s.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.appendChild(s);
  });
}

// ---------------------------------------------------------------- engines
// Each factory goes from nothing to "ready to take a table": fetch + compile + instantiate
// (+ open a connection and run a trivial statement for DuckDB).

const ENGINES = {
  async insightflow() {
    const mod = await import('/pkg/insightflow.js');
    const wasm = await mod.default();
    const rt = new mod.Runtime();
    return {
      rt,
      mod,
      async load(name, bytes, format) { await rt.registerTable(name, bytes, { format }); },
      async query(sql) { return fromInsightflow(await rt.query(sql)); },
      async drop(name) { rt.dropTable(name); },
      async memory() {
        return { measure: 'wasm linear memory (init() exports .memory.buffer.byteLength)', bytes: wasm.memory.buffer.byteLength };
      },
    };
  },

  // DuckDB-WASM as its docs recommend: the async API, the eh bundle in its Web Worker.
  async duckdb() {
    const duckdb = await import('/bundles/duckdb-async.mjs');
    const worker = new Worker(abs(`${DIST}/duckdb-browser-eh.worker.js`));
    const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
    await db.instantiate(abs(`${DIST}/duckdb-eh.wasm`));
    const conn = await db.connect();
    await conn.query('SELECT 1');
    return {
      db,
      async load(name, bytes, format) {
        const file = `${name}.${format}`;
        await db.registerFileBuffer(file, bytes); // transfers the buffer to the worker
        await conn.query(`CREATE OR REPLACE TABLE ${name} AS SELECT * FROM read_${format}('${file}')`);
        await db.dropFile(file);
      },
      async loadArrow(name, bytes) { await conn.insertArrowFromIPCStream(bytes, { name, create: true }); },
      async query(sql) { return fromArrowTable(await conn.query(sql)); },
      async drop(name) { await conn.query(`DROP TABLE IF EXISTS ${name}`); },
      async memory() {
        const t = await conn.query('SELECT CAST(SUM(memory_usage_bytes) AS DOUBLE) AS m FROM duckdb_memory()');
        return { measure: "DuckDB's own report (SUM(memory_usage_bytes) FROM duckdb_memory()); its worker's wasm memory is not reachable from the page", bytes: Number(t.getChildAt(0).get(0)) };
      },
    };
  },

  // DuckDB-WASM's blocking (synchronous) API: the same eh build on the page's thread, like
  // insightflow, so no postMessage or structured clone in the way.
  async duckdbSync() {
    const duckdb = await import('/bundles/duckdb-sync.mjs');
    const bundles = {
      mvp: { mainModule: abs(`${DIST}/duckdb-mvp.wasm`), mainWorker: abs(`${DIST}/duckdb-browser-mvp.worker.js`) },
      eh: { mainModule: abs(`${DIST}/duckdb-eh.wasm`), mainWorker: abs(`${DIST}/duckdb-browser-eh.worker.js`) },
    };
    const db = await duckdb.createDuckDB(bundles, new duckdb.VoidLogger(), duckdb.BROWSER_RUNTIME);
    await db.instantiate(() => {});
    db.open({});
    const conn = db.connect();
    conn.query('SELECT 1');
    const heap = () => {
      const m = db.mod;
      const buf = m.wasmMemory?.buffer || m.HEAPU8?.buffer || m.HEAP8?.buffer;
      return buf ? buf.byteLength : null;
    };
    return {
      db,
      async load(name, bytes, format) {
        const file = `${name}.${format}`;
        db.registerFileBuffer(file, bytes);
        conn.query(`CREATE OR REPLACE TABLE ${name} AS SELECT * FROM read_${format}('${file}')`);
        db.dropFile(file);
      },
      async loadArrow(name, bytes) { conn.insertArrowFromIPCStream(bytes, { name, create: true }); },
      async query(sql) { return fromArrowTable(conn.query(sql)); },
      async drop(name) { conn.query(`DROP TABLE IF EXISTS ${name}`); },
      async memory() {
        const t = conn.query('SELECT CAST(SUM(memory_usage_bytes) AS DOUBLE) AS m FROM duckdb_memory()');
        return { measure: 'wasm linear memory (its Emscripten module heap byteLength)', bytes: heap(), reported: Number(t.getChildAt(0).get(0)) };
      },
    };
  },

  // Arquero: plain JavaScript, no wasm and no SQL; its npm browser bundle (UMD, global `aq`).
  async arquero() {
    await loadScript('/nm/arquero/dist/arquero.min.js');
    const aq = window.aq;
    aq.table({ a: [1, 2] }).rollup({ n: aq.op.count() });
    return {
      aq,
      tables: {},
      async memory() { return { measure: 'JS heap, measured by the driver through the DevTools protocol', bytes: null }; },
    };
  },
};

// ---------------------------------------------------------------- workloads (one run each)

const B = {
  ready: true,

  /** Fetch + compile + instantiate to ready; the page keeps the engine for later calls. */
  async startup(name) {
    const t0 = performance.now();
    state.engine = await ENGINES[name]();
    const ms = performance.now() - t0;
    state.name = name;
    const wasm = performance.getEntriesByType('resource').filter((r) => r.name.endsWith('.wasm')).map((r) => r.name.replace(location.origin, ''));
    return { ms, wasm, arquero: name === 'arquero' ? state.engine.aq.version || null : undefined };
  },

  async fetch(key, url) {
    if (!state.data.has(key)) {
      const res = await fetch(url);
      if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
      state.data.set(key, new Uint8Array(await res.arrayBuffer()));
    }
    return state.data.get(key).length;
  },

  forget(key) { state.data.delete(key); },

  async memory() { return state.engine.memory(); },

  /** Load + aggregate from bytes. `step`: 'all' (timed run) or 'load' / 'query' (memory run). */
  async loadAgg(format, step = 'all') {
    const e = state.engine;
    if (state.name === 'arquero') return arqueroLoadAgg(e, format, step);
    if (format === 'parquet' && state.name.startsWith('duckdb')) return { na: DUCKDB_NO_PARQUET };
    if (step === 'query') {
      const t1 = performance.now();
      const answer = await e.query(AGG_SQL);
      return { queryMs: performance.now() - t1, answer };
    }
    if (step === 'drop') { await e.drop('t'); return {}; }
    const copy = state.data.get(format).slice(); // fresh bytes per run (the DuckDB worker takes ownership)
    try {
      const t0 = performance.now();
      await e.load('t', copy, format);
      const t1 = performance.now();
      if (step === 'load') return { loadMs: t1 - t0 };
      const answer = await e.query(AGG_SQL);
      const t2 = performance.now();
      await e.drop('t');
      return { loadMs: t1 - t0, queryMs: t2 - t1, totalMs: t2 - t0, answer };
    } catch (err) {
      return { error: errorOf(err) };
    }
  },

  /**
   * Loads the TPC-H tables once (timed per table; the fetch is not included). insightflow
   * reads the Parquet files; DuckDB-WASM the same tables as Arrow IPC streams (its Parquet
   * reader is an extension it would download from extensions.duckdb.org); Arquero the Arrow
   * files with the columns its pipelines read.
   */
  async tpchLoad(sf, tables) {
    const e = state.engine;
    const ms = {};
    const source = {};
    for (const t of tables) {
      const kind = state.name === 'arquero' ? 'arquero' : state.name.startsWith('duckdb') ? 'arrow' : 'parquet';
      if (kind === 'arquero' && !['lineitem', 'orders', 'customer', 'supplier', 'nation', 'region'].includes(t)) continue;
      const url = { arquero: `/data/tpch/sf${sf}/arquero/${t}.arrow`, arrow: `/data/tpch/sf${sf}/arrow/${t}.arrows`, parquet: `/data/tpch/sf${sf}/${t}.parquet` }[kind];
      let bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
      try {
        const t0 = performance.now();
        if (kind === 'arquero') e.tables[t] = e.aq.fromArrow(bytes);
        else if (kind === 'arrow') await e.loadArrow(t, bytes);
        else await e.load(t, bytes, 'parquet');
        ms[t] = performance.now() - t0;
        source[t] = kind;
      } catch (err) {
        return { error: { table: t, ...errorOf(err) }, ms };
      }
      bytes = null;
    }
    return { ms, totalMs: Object.values(ms).reduce((a, b) => a + b, 0), source: [...new Set(Object.values(source))].join(',') };
  },

  async tpchDrop(tables) {
    const e = state.engine;
    for (const t of tables) {
      if (state.name === 'arquero') delete e.tables[t];
      else await e.drop(t);
    }
  },

  /** One TPC-H query: SQL for SQL engines, the hand-written pipeline for Arquero. */
  async tpchQuery(id, sql) {
    const e = state.engine;
    try {
      if (state.name === 'arquero') {
        const q = arqueroTpch[id];
        if (!q) return { na: 'no hand-written Arquero pipeline for this query' };
        const t0 = performance.now();
        const out = q(e.aq, e.tables);
        const ms = performance.now() - t0;
        return { ms, answer: fromArquero(out.table, out.dates) };
      }
      const t0 = performance.now();
      const answer = await e.query(sql);
      return { ms: performance.now() - t0, answer };
    } catch (err) {
      return { error: errorOf(err) };
    }
  },

  /**
   * The analyze() pipeline on the 1 M-row table (insightflow only): bare query vs analyze
   * with the result cache bypassed (cold) vs a result-cache hit, alternating, `runs` each
   * after a warm-up. Skips with a message while `rt.analyze` is not in the build.
   */
  async analyze(runs) {
    const { rt } = state.engine;
    if (typeof rt?.analyze !== 'function') return { skipped: 'rt.analyze is undefined in this build of insightflow' };
    await rt.registerTable('t', state.data.get('csv'), { format: 'csv' });
    const bare = [], cold = [], hit = [], question = [];
    let questionError = null, hitCheck = true, rowsCheck = true;
    const Q = 'total amount by category and year';
    const time = async (f) => { const t0 = performance.now(); const r = await f(); return [performance.now() - t0, r]; };
    const base = fromInsightflow(await rt.query(AGG_SQL));
    for (let i = 0; i <= runs; i++) {
      const [b] = await time(() => rt.query(AGG_SQL));
      const [c, cr] = await time(() => rt.analyze({ source: 't', sql: AGG_SQL, options: { cache: 'bypass' } }));
      await rt.analyze({ source: 't', sql: AGG_SQL }); // makes sure the next one hits
      const [h, hr] = await time(() => rt.analyze({ source: 't', sql: AGG_SQL }));
      let qm = null;
      if (!questionError) {
        try { [qm] = await time(() => rt.analyze({ source: 't', question: Q, options: { cache: 'bypass' } })); } catch (err) { questionError = errorOf(err); }
      }
      if (hr?.cache?.result !== 'hit') hitCheck = false;
      if (JSON.stringify(fromInsightflow(cr.data).rows) !== JSON.stringify(base.rows)) rowsCheck = false;
      if (i > 0) { bare.push(b); cold.push(c); hit.push(h); if (qm !== null) question.push(qm); }
    }
    rt.dropTable('t');
    return { bare, cold, hit, question, questionText: Q, questionError, hitCheck, rowsCheck };
  },
};

// Arquero's load + aggregate: CSV text -> table -> the same GROUP BY in verbs.
function arqueroLoadAgg(e, format, step) {
  if (format !== 'csv') {
    return { na: 'Arquero has no Parquet reader (its docs convert Parquet to Arrow with another library first)' };
  }
  const { aq } = e;
  if (step === 'drop') { state.staged = null; return {}; }
  const agg = (t) => t.groupby('category', 'year')
    .rollup({ total: aq.op.sum('amount'), n: aq.op.count() })
    .orderby(aq.desc('total'))
    .slice(0, 10);
  if (step === 'query') {
    const t1 = performance.now();
    const out = agg(state.staged);
    return { queryMs: performance.now() - t1, answer: fromArquero(out) };
  }
  const bytes = state.data.get(format);
  const t0 = performance.now();
  const table = aq.fromCSV(new TextDecoder().decode(bytes));
  const t1 = performance.now();
  if (step === 'load') { state.staged = table; return { loadMs: t1 - t0 }; }
  const out = agg(table);
  const t2 = performance.now();
  return { loadMs: t1 - t0, queryMs: t2 - t1, totalMs: t2 - t0, answer: fromArquero(out) };
}

window.B = B;
window.__benchState = state; // for poking at an engine from the DevTools console
