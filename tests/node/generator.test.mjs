// The host's own SQL generator (`new Runtime({sqlGenerator})`, e.g. its LLM) through the built
// package: its SQL is checked like any SQL; what fails the checks, or a generator that throws,
// falls back to the built-in parser with a warning; it never sees row values unless opted in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const PKG = new URL('../../pkg/', import.meta.url);
const lib = await import(new URL('insightflow.js', PKG).href);
lib.initSync({ module: readFileSync(new URL('insightflow_bg.wasm', PKG)) });
const WEATHER = new Uint8Array(readFileSync(new URL('../../node_modules/vega-datasets/data/seattle-weather.csv', import.meta.url)));

async function runtimeWith(generator, extra = {}) {
  const calls = [];
  const rt = new lib.Runtime({
    ...extra,
    sqlGenerator: async (question, schema, context) => {
      calls.push({ question, schema, context });
      return generator(question, schema, context);
    },
  });
  await rt.registerTable('weather', WEATHER);
  return { rt, calls };
}

const sqlDone = (r) => r.progress.find((e) => e.stage === 'sql' && e.status === 'done');

test("the generator's SQL answers, and it sees names and types only", async () => {
  const sql = "SELECT weather, COUNT(*) AS days FROM weather GROUP BY weather ORDER BY days DESC";
  const { rt, calls } = await runtimeWith(async () => sql);
  const r = await rt.analyze({ source: 'weather', question: 'how many days of each kind of weather' });
  assert.equal(r.sql, sql);
  assert.deepEqual(r.data.rows.map((x) => x.weather), ['rain', 'sun', 'fog', 'drizzle', 'snow']);
  assert.equal(sqlDone(r).detail.mapping.parser, 'host');
  assert.equal(calls.length, 1);
  assert.equal(calls[0].question, 'how many days of each kind of weather');
  assert.equal(calls[0].context.source, 'weather');
  assert.equal(calls[0].schema.rowCount, 1461);
  assert.deepEqual(calls[0].schema.columns.find((c) => c.name === 'weather'), { name: 'weather', type: 'string' });
  assert.ok(!JSON.stringify(calls[0]).includes('drizzle'), 'no row values without opting in');
});

test('values reach the generator only when the host opts in', async () => {
  const { rt, calls } = await runtimeWith(async () => 'SELECT COUNT(*) AS n FROM weather', { sqlGeneratorValues: true });
  await rt.analyze({ source: 'weather', question: 'how many days' });
  assert.ok(calls[0].schema.columns.find((c) => c.name === 'weather').values.includes('drizzle'));
});

test('SQL the guard refuses, a throwing generator, and a non-string all fall back to the built-in parser', async () => {
  for (const [what, gen] of [
    ['forbidden SQL', async () => 'DROP TABLE weather'],
    ['unknown column', async () => 'SELECT no_such_column FROM weather'],
    ['throws', async () => { throw new Error('model offline'); }],
    ['no text', async () => 42],
  ]) {
    const { rt } = await runtimeWith(gen);
    const r = await rt.analyze({ source: 'weather', question: 'number of days by weather' });
    assert.equal(sqlDone(r).detail.mapping.parser, 'built-in', what);
    assert.equal(r.data.rowCount, 5, what);
    assert.ok(r.warnings.some((w) => w.code === 'SQL_GENERATOR'), `${what}: ${JSON.stringify(r.warnings)}`);
    assert.deepEqual(await rt.tables(), ['weather'], `${what}: the table is still there`);
  }
});

test("'fallback' mode asks the generator only when the built-in parser cannot answer", async () => {
  const { rt, calls } = await runtimeWith(async () => 'SELECT MAX(wind) AS w FROM weather', { sqlGeneratorMode: 'fallback' });
  const r = await rt.analyze({ source: 'weather', question: 'number of days by weather' });
  assert.equal(sqlDone(r).detail.mapping.parser, 'built-in');
  assert.equal(calls.length, 0);
  const r2 = await rt.analyze({ source: 'weather', question: 'zxqv blorp' });
  assert.equal(calls.length, 1);
  assert.equal(r2.sql, 'SELECT MAX(wind) AS w FROM weather');
});

test('a sqlGenerator that is not a function is a clear error', () => {
  let err;
  try { new lib.Runtime({ sqlGenerator: 'gpt' }); } catch (e) { err = e; }
  assert.equal(err?.code, 'INVALID_ARGUMENT');
  assert.match(err.hint, /function/);
});
