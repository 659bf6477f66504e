// The npm package as a web developer uses it: a plain <script type="module"> page, the
// worker host (progress, errors, transfer, abort + restart, a responsive main thread while a
// 1 M-row query runs), a Vite 7 app built without configuration, the Node entry, and the
// .d.ts checked with tsc --strict. Real Chromium (Debian's, via playwright-core).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync, lstatSync, readFileSync } from 'node:fs';
import { tmpdir, homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, serve, launch, openPage } from './harness.mjs';

const root = fileURLToPath(ROOT);
const benchCsv = join(homedir(), '.cache/insightflow/bench/data-1m.csv');
const EXPECTED_WEATHER = [
  { weather: 'drizzle', n: 53 }, { weather: 'fog', n: 101 }, { weather: 'rain', n: 641 },
  { weather: 'snow', n: 26 }, { weather: 'sun', n: 640 },
];

// `import 'insightflow'` resolves to pkg/ through node_modules, as after `npm install insightflow`.
const link = join(root, 'node_modules/insightflow');
if (!existsSync(link)) symlinkSync('../pkg', link, 'dir');
assert.ok(lstatSync(link).isSymbolicLink() || existsSync(join(link, 'package.json')));
if (!existsSync(benchCsv)) execFileSync(process.execPath, ['bench/gen-data.mjs'], { cwd: root });

let server, browser;
before(async () => {
  server = await serve([
    '--mount', '/t=tests/browser/pages',
    '--mount', '/data=node_modules/vega-datasets/data',
    '--mount', `/bench=${join(homedir(), '.cache/insightflow/bench')}`,
  ]);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  server?.stop();
});

describe('plain <script type="module"> page', () => {
  test('loads the wasm with no configuration, queries and analyzes', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${server.url}t/plain.html`);
    const out = await page.evaluate(() => window.run());
    assert.deepEqual(out.rows, EXPECTED_WEATHER);
    assert.equal(out.chart, 'bar');
    assert.equal(out.percent, 100);
    assert.deepEqual(errors, []);
    await page.close();
  });
});

describe('worker runtime (createWorkerRuntime)', () => {
  let page, errors, requests;
  before(async () => {
    ({ page, errors, requests } = await openPage(browser));
    await page.goto(`${server.url}t/worker.html`);
    await page.evaluate(() => window.rt.ready);
  });
  after(() => page.close());

  test('Files cross without copying, progress crosses, errors keep code and hint', async () => {
    const out = await page.evaluate(async () => {
      const blob = await (await fetch('/data/seattle-weather.csv')).blob();
      const schema = await rt.registerTable('weather', new File([blob], 'seattle-weather.csv'));
      const events = [];
      const res = await rt.analyze({ source: 'weather', sql: 'SELECT weather, COUNT(*) AS n FROM weather GROUP BY weather ORDER BY weather' }, (e) => events.push(e));
      let err;
      try { await rt.query('SELECT nope FROM weather'); } catch (e) { err = { name: e.name, code: e.code, message: e.message, hint: e.hint, isError: e instanceof Error }; }
      const bytes = new Uint8Array(await blob.arrayBuffer());
      await rt.registerTable('copy', bytes);
      const arrow = await rt.queryArrow('SELECT * FROM copy');
      return { rows: schema.rowCount, data: res.data.rows, events: events.map((e) => [e.stage, e.status, e.percent]), err, detached: bytes.byteLength, arrowIsBytes: arrow instanceof Uint8Array && arrow.byteLength > 1000, tables: await rt.tables() };
    });
    assert.equal(out.rows, 1461);
    assert.deepEqual(out.data, EXPECTED_WEATHER);
    assert.deepEqual(out.events.at(-1), ['complete', 'done', 100]);
    assert.ok(out.events.length >= 19, `only ${out.events.length} progress events`);
    assert.deepEqual(out.err && [out.err.name, out.err.code, out.err.isError], ['InsightflowError', 'UNKNOWN_COLUMN', true]);
    assert.match(out.err.hint, /Available columns: 'date'/);
    assert.equal(out.detached, 0, 'a whole-buffer Uint8Array is transferred, not copied');
    assert.ok(out.arrowIsBytes);
    assert.deepEqual(out.tables, ['copy', 'weather']);
    assert.deepEqual(errors, []);
  });

  test('the main thread keeps animating while a 1 M-row query runs in the worker', async () => {
    const out = await page.evaluate(async () => {
      const blob = await (await fetch('/bench/data-1m.csv')).blob();
      window.resetProbe();
      const t0 = performance.now();
      await rt.registerTable('big', blob);
      const res = await rt.analyze({ source: 'big', sql: 'SELECT category, year, SUM(amount) AS total, COUNT(*) AS n FROM big GROUP BY category, year ORDER BY total DESC LIMIT 10', options: { cache: 'bypass' } });
      const ms = performance.now() - t0;
      return { ms, rows: res.data.rowCount, ticks: window.probe.ticks, longestFrameGap: window.probe.longest, longTasks: window.probe.longTasks };
    });
    console.log(`1M rows in the worker: ${out.ms.toFixed(0)} ms load+query, ${out.ticks} animation frames, longest frame gap ${out.longestFrameGap.toFixed(1)} ms, main-thread long tasks: ${JSON.stringify(out.longTasks.map((d) => Math.round(d)))}`);
    assert.equal(out.rows, 10);
    // ~60 frames a second: at least half of them must have been drawn during the work
    assert.ok(out.ticks >= (out.ms / 16.7) * 0.5, `only ${out.ticks} frames in ${out.ms} ms`);
    assert.ok(out.longTasks.every((d) => d < 50), `main-thread long tasks: ${out.longTasks}`);
  });

  test('abort restarts the worker, says so, and restores tables registered from Files', async () => {
    const wasmFetches = () => requests.filter((r) => r.url.endsWith('.wasm')).length;
    const fetchedBefore = wasmFetches();
    const out = await page.evaluate(async () => {
      const controller = new AbortController();
      const slow = rt.analyze({ source: 'big', sql: 'SELECT a.category, COUNT(*) AS n FROM big a JOIN big b ON a.id = b.id GROUP BY a.category', options: { signal: controller.signal, cache: 'bypass' } });
      setTimeout(() => controller.abort(), 50);
      let err;
      try { await slow; } catch (e) { err = { code: e.code, message: e.message, hint: e.hint }; }
      await rt.ready;
      const tables = await rt.tables();
      const n = (await rt.query('SELECT COUNT(*) AS n FROM big')).rows[0].n;
      return { err, tables, n };
    });
    assert.equal(out.err?.code, 'ABORTED');
    assert.match(out.err.message, /restarted/);
    assert.match(out.err.hint, /copy/, 'the table registered from raw bytes is named as lost');
    assert.deepEqual(out.tables, ['big', 'weather']);
    assert.equal(out.n, 1_000_000);
    assert.equal(fetchedBefore, 1, 'the first worker fetched the wasm once');
    assert.equal(wasmFetches(), fetchedBefore, 'the restarted worker reused the compiled module: no second download');
  });

  test('a worker whose engine dies mid-query is reported and replaced; tables from Files come back', async () => {
    const out = await page.evaluate(async () => {
      let err;
      try {
        // each of the 1 M rows with the ~20,000 rows of its category: 2e10 pairs, far past the
        // 4 GiB a wasm instance can address (an equi-join: not estimated before it runs)
        await rt.query('SELECT COUNT(*) AS n FROM big a JOIN big b ON a.category = b.category');
      } catch (e) { err = { code: e.code, message: e.message, hint: e.hint }; }
      await rt.ready;
      const tables = await rt.tables();
      const n = (await rt.query('SELECT COUNT(*) AS n FROM big')).rows[0].n;
      return { err, tables, n };
    });
    assert.equal(out.err?.code, 'INTERNAL', JSON.stringify(out.err));
    assert.match(out.err.message, /stopped while running this request .* was restarted/);
    assert.match(out.err.hint, /copy|restored/);
    assert.deepEqual(out.tables, ['big', 'weather']);
    assert.equal(out.n, 1_000_000);
  });

  test("a SQL generator on the page answers questions asked of the worker", async () => {
    const out = await page.evaluate(async () => {
      const { createWorkerRuntime } = await import('/pkg/client.js');
      const seen = [];
      const g = createWorkerRuntime({
        sqlGenerator: async (question, schema, context) => {
          seen.push({ question, source: context.source, columns: schema.columns.map((c) => c.name) });
          return `SELECT weather, COUNT(*) AS n FROM ${context.source} GROUP BY weather ORDER BY n DESC LIMIT 2`;
        },
      });
      try {
        await g.ready;
        await g.registerTable('w', new Uint8Array(await (await fetch('/data/seattle-weather.csv')).arrayBuffer()));
        const r = await g.analyze({ source: 'w', question: 'the two most common kinds of weather' });
        return { seen, sql: r.sql, rows: r.data.rows, parser: r.progress.find((e) => e.stage === 'sql' && e.status === 'done').detail.mapping.parser };
      } finally {
        g.terminate();
      }
    });
    assert.deepEqual(out.seen, [{ question: 'the two most common kinds of weather', source: 'w', columns: ['date', 'precipitation', 'temp_max', 'temp_min', 'wind', 'weather'] }]);
    assert.equal(out.parser, 'host');
    assert.deepEqual(out.rows, [{ weather: 'rain', n: 641 }, { weather: 'sun', n: 640 }]);
  });
});

describe('Vite 7 app (no configuration)', () => {
  test('builds and runs the package directly and in its worker', async () => {
    const out = mkdtempSync(join(tmpdir(), 'insightflow-vite-'));
    try {
      execFileSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', 'tests/vite-app', '--outDir', out, '--emptyOutDir', '--logLevel', 'warn'], { cwd: root, stdio: 'pipe' });
      const app = await serve(['--root', out]);
      try {
        const { page, errors } = await openPage(browser);
        await page.goto(app.url);
        await page.waitForFunction(() => document.body.dataset.result, null, { timeout: 30000 });
        const result = JSON.parse(await page.evaluate(() => document.body.dataset.result));
        const want = [{ city: 'Oslo', total: 15 }, { city: 'Rome', total: 25 }];
        assert.deepEqual(result, { direct: want, inWorker: want });
        assert.deepEqual(errors, []);
        await page.close();
      } finally {
        app.stop();
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe('Node entry and types', () => {
  test("import 'insightflow' in Node works without init", async () => {
    const { Runtime } = await import('insightflow');
    const rt = new Runtime();
    await rt.registerRows('t', [{ a: 1 }, { a: 2 }]);
    assert.deepEqual((await rt.query('SELECT SUM(a) AS s FROM t')).rows, [{ s: 3 }]);
    const pkg = JSON.parse(readFileSync(join(root, 'pkg/package.json'), 'utf8'));
    assert.equal(pkg.type, 'module');
    for (const f of pkg.files) assert.ok(existsSync(join(root, 'pkg', f)), `missing ${f}`);
  });

  test('tsc --noEmit --strict on a consumer of every method', () => {
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tests/types'], { cwd: root, stdio: 'pipe' });
    for (const f of ['insightflow.d.ts', 'client.d.ts', 'node.d.ts']) {
      const text = readFileSync(join(root, 'pkg', f), 'utf8');
      const publicPart = text.split('export type InitInput')[0];
      assert.doesNotMatch(publicPart, /:\s*any\b|<any>|any\[\]/, `${f} exposes 'any'`);
    }
  });
});
