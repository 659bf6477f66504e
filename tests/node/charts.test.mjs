// Every chart insightflow produces, drawn by the real echarts package (server-side SVG).
//
//   npm run test:node        (needs pkg/ built; the second part also reads what
//                             `cargo test` wrote under $CARGO_TARGET_DIR/insightflow-charts/)
//
// 1. The gallery (tests/fixtures/charts/gallery.json): real vega-datasets 2.11.0 tables through
//    the built package's analyze(); the chosen chart, its warnings, insights and narration are
//    checked, then the option is rendered.
// 2. Every option the native test suite built (src/chart/tests.rs and tests/chart_gallery.rs
//    write them as JSON), rendered the same way.
//
// Rendering: echarts.init(null, null, {renderer: 'svg', ssr: true, width: 800, height: 500}),
// setOption, renderToSVGString, with console.warn / console.error trapped (echarts drops an
// unknown series type or a bad option with only a console message). Marks are checked on the
// rendered elements and in the SVG: a rect per bar / heatmap cell, a sector per pie slice, a
// symbol per scatter point, a polyline per line.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { homedir, tmpdir } from 'node:os';
import * as echarts from 'echarts';

const PKG = new URL('../../pkg/', import.meta.url);
const VEGA = new URL('../../node_modules/vega-datasets/data/', import.meta.url);
const gallery = JSON.parse(readFileSync(new URL('../fixtures/charts/gallery.json', import.meta.url), 'utf8'));

// echarts only warns in development mode (process.env.NODE_ENV !== 'production').
assert.notEqual(process.env.NODE_ENV, 'production', 'echarts warnings are silent in production mode');

/** The marks a chart of this spec type must draw, as zrender element types. */
const MARKS = { bar: 'rect', histogram: 'rect', heatmap: 'rect', pie: 'sector', scatter: 'symbol', line: 'polyline', area: 'polyline' };

/**
 * Renders `option`, trapping console output; returns {svg, series: [{type, name, count, valid,
 * drawn, kinds, polylines}], messages}.
 */
function render(option) {
  const messages = [];
  const saved = { warn: console.warn, error: console.error, log: console.log };
  console.warn = (...a) => messages.push(`warn: ${a.join(' ')}`);
  console.error = (...a) => messages.push(`error: ${a.join(' ')}`);
  console.log = (...a) => messages.push(`log: ${a.join(' ')}`);
  let chart;
  try {
    chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 800, height: 500 });
    chart.setOption({ ...option, animation: false });
    const svg = chart.renderToSVGString();
    const series = [];
    chart.getModel().eachSeries((model) => {
      const data = model.getData();
      const count = data.count();
      let valid = 0;
      let drawn = 0;
      const kinds = new Set();
      // the dimensions that place a mark (stacked series also carry helper dimensions)
      const dims = ['x', 'y', 'value'].flatMap((d) => data.mapDimensionsAll(d));
      for (let i = 0; i < count; i++) {
        if (!dims.some((d) => Number.isNaN(Number(data.get(d, i))))) valid++;
        const el = data.getItemGraphicEl(i);
        if (el) {
          drawn++;
          kinds.add(el.type === 'group' || el.type === 'symbol' ? 'symbol' : el.type);
        }
      }
      let polylines = 0;
      chart.getViewOfSeriesModel(model).group.traverse((el) => {
        if (el.type === 'ec-polyline') polylines++;
      });
      series.push({ type: model.subType, name: model.name, count, valid, drawn, kinds: [...kinds], polylines });
    });
    return { svg, series, messages };
  } finally {
    chart?.dispose();
    Object.assign(console, saved);
  }
}

/** Asserts the rendered chart shows the marks its spec promises. */
function checkMarks(what, option, spec) {
  const { svg, series, messages } = render(option);
  assert.deepEqual(messages, [], `${what}: echarts said something`);
  assert.ok(svg.startsWith('<svg') && svg.endsWith('</svg>'), `${what}: not an SVG document`);
  const mark = MARKS[spec.type];
  assert.ok(mark, `${what}: unknown spec type ${spec.type}`);
  assert.ok(series.length > 0, `${what}: no series`);
  let marks = 0;
  for (const s of series) {
    const label = `${what} / ${s.type} series '${s.name}'`;
    if (mark === 'polyline') {
      assert.equal(s.type, 'line', label);
      if (s.valid >= 2) assert.ok(s.polylines >= 1, `${label}: no line drawn (${JSON.stringify(s)})`);
      marks += s.polylines;
    } else {
      assert.equal(s.drawn, s.valid, `${label}: ${s.valid} values but ${s.drawn} marks`);
      assert.ok(s.kinds.every((k) => k === mark), `${label}: marks ${s.kinds} instead of ${mark}`);
      marks += s.drawn;
    }
  }
  assert.ok(marks > 0, `${what}: nothing drawn`);
  // the marks are in the SVG as paths (zrender draws rects, sectors, symbols and lines as paths)
  const paths = (svg.match(/<path /g) || []).length;
  assert.ok(paths >= marks, `${what}: ${marks} marks but ${paths} paths in the SVG`);
  return { marks, paths };
}

describe('gallery through the built package', () => {
  let lib;
  let rt;
  const registered = new Set();
  before(async () => {
    lib = await import(new URL('insightflow.js', PKG).href);
    lib.initSync({ module: readFileSync(new URL('insightflow_bg.wasm', PKG)) });
    rt = new lib.Runtime();
  });

  for (const c of gallery.cases) {
    test(`${c.name}: ${c.chart}`, async () => {
      if (!registered.has(c.source)) {
        const file = gallery.tables[c.source];
        await rt.registerTable(c.source, new Uint8Array(readFileSync(new URL(file, VEGA))));
        registered.add(c.source);
      }
      const res = await rt.analyze({ source: c.source, sql: c.sql, options: { maxRows: 100_000 } });
      assert.equal(res.chartSpec?.type, c.chart, `chartSpec ${JSON.stringify(res.chartSpec)}`);
      // a result-cache hit gives the same answer; a small result's chart, insights and narration
      // are reused rather than made again, and the metadata says so
      const again = await rt.analyze({ source: c.source, sql: c.sql, options: { maxRows: 100_000 } });
      assert.equal(again.cache.result, 'hit');
      for (const k of ['chart', 'chartSpec', 'insights', 'narration', 'warnings']) assert.deepEqual(again[k], res[k], `cache hit: ${k}`);
      const small = res.data.rowCount * res.data.columns.length <= 5000;
      const reused = again.metadata.filter((m) => ['chart', 'insights', 'narration'].includes(m.stage)).map((m) => m.cacheHit);
      assert.deepEqual(reused, small ? [true, true, true] : [null, null, null], `${res.data.rowCount} rows`);
      const chartWarnings = res.warnings.filter((w) => w.stage === 'chart').map((w) => w.code);
      if (c.warning) {
        assert.ok(chartWarnings.includes(c.warning), `expected ${c.warning}, got ${JSON.stringify(res.warnings)}`);
        const meta = res.metadata.find((m) => m.stage === 'chart');
        assert.ok(meta.transformations.length > 0, 'a reduction must be recorded in the metadata');
      } else {
        assert.deepEqual(chartWarnings, [], JSON.stringify(res.warnings));
      }
      assert.equal(typeof res.narration, 'string');
      const sentences = res.narration.split('. ').length;
      assert.ok(sentences >= 2 && sentences <= 4, `narration: ${res.narration}`);
      for (const i of res.insights) {
        assert.ok(i.score >= 0 && i.score <= 1, `score ${i.score}`);
        if (i.significance !== undefined) assert.ok(i.significance < 0.05, `${i.kind} reported with p = ${i.significance}`);
      }
      if (c.chart === 'kpi' || c.chart === 'table') {
        assert.equal(res.chart, null);
        if (c.chart === 'table') assert.ok(res.chartSpec.reason.length > 0);
        return;
      }
      const { marks } = checkMarks(c.name, res.chart, res.chartSpec);
      assert.ok(marks > 0);
    });
  }

  after(() => {
    rt?.free?.();
  });
});

/** Where `cargo test` wrote its options (see src/chart/tests.rs, tests/chart_gallery.rs). */
function dumpRoots() {
  const targets = [process.env.CARGO_TARGET_DIR, join(homedir(), '.cache/insightflow/target'), tmpdir()].filter(Boolean);
  return targets.map((t) => join(t, 'insightflow-charts')).filter((d) => existsSync(d));
}

describe('every chart built by the native test suite', () => {
  const roots = dumpRoots();
  const files = [];
  for (const root of roots.slice(0, 1)) {
    for (const kind of ['unit', 'gallery']) {
      const dir = join(root, kind);
      if (existsSync(dir)) for (const f of readdirSync(dir).sort()) if (f.endsWith('.json')) files.push(join(dir, f));
    }
  }
  if (files.length === 0) {
    test('native chart dumps', { skip: 'run `cargo test` first: no options under $CARGO_TARGET_DIR/insightflow-charts/' }, () => {});
  }
  for (const file of files) {
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    test(`${file.split('/').slice(-2).join('/')}: ${doc.spec.type}`, () => {
      checkMarks(doc.name, doc.option, doc.spec);
    });
  }
});
