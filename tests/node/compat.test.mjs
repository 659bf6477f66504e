// The SQL compatibility suite through the built package (the wasm module, in Node): every
// query of tests/compat/vega.sql and the 22 TPC-H queries as written (SF 0.01), compared with
// the results DuckDB gave (tests/compat/expected/, written by scripts/compat_expected.py).
// The same corpus runs natively in tests/compat.rs; this proves the wasm build answers alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { VEGA_TABLES, TPCH_TABLES, parseCorpus, parseKnownFailures, compareResult } from '../compat/compat.mjs';

const PKG = new URL('../../pkg/', import.meta.url);
const COMPAT = new URL('../compat/', import.meta.url);
const VEGA = new URL('../../node_modules/vega-datasets/data/', import.meta.url);
const TPCH = process.env.INSIGHTFLOW_TPCH_DIR || join(homedir(), '.cache/insightflow/tpch/sf0.01');

const lib = await import(new URL('insightflow.js', PKG).href);
lib.initSync({ module: readFileSync(new URL('insightflow_bg.wasm', PKG)) });
const known = parseKnownFailures(readFileSync(new URL('known_failures.txt', COMPAT), 'utf8'));
// Allowed to differ in wasm only, with the reason. April's mean temp_min is exactly 6.3625 (509/80):
// ROUND(.., 3) sits on a tie, and the float sum in another order (wasm runs single-threaded)
// lands a hair above it (6.363) where the native build and DuckDB land a hair below (6.362).
const WASM_TIES = new Map([['weather_monthname', /^row \d+: got \["April",6\.363\] expected \["April",6\.362\]$/]]);

async function runSuite(rt, corpusFile, expectedFile) {
  const cases = parseCorpus(readFileSync(new URL(corpusFile, COMPAT), 'utf8'));
  const expected = JSON.parse(readFileSync(new URL(`expected/${expectedFile}`, COMPAT), 'utf8'));
  let total = 0, matched = 0;
  const unexpected = [], fixed = [];
  for (const c of cases) {
    const exp = expected[c.name];
    assert.ok(exp, `${c.name}: no expected result`);
    if (exp.duckdb_error) continue;
    total++;
    let diff;
    try {
      diff = compareResult(await rt.query(c.sql), exp, c.ordered);
    } catch (e) {
      diff = `${e.code}: ${e.message}`;
    }
    if (diff === null) {
      matched++;
      if (known.has(c.name)) fixed.push(c.name);
    } else if (WASM_TIES.get(c.name)?.test(diff)) {
      matched++;
    } else if (!known.has(c.name)) {
      unexpected.push(`${c.name}: ${diff}`);
    }
  }
  return { total, matched, unexpected, fixed };
}

test('the vega-datasets compatibility corpus matches DuckDB in the wasm build', async () => {
  const rt = new lib.Runtime();
  for (const [name, file] of VEGA_TABLES) await rt.registerTable(name, new Uint8Array(readFileSync(new URL(file, VEGA))));
  const t = await runSuite(rt, 'vega.sql', 'vega.json');
  console.log(`vega-datasets corpus (wasm): ${t.matched} of ${t.total} match DuckDB`);
  assert.ok(t.total >= 200, `corpus has ${t.total} queries`);
  assert.deepEqual(t.unexpected, [], 'queries that differ from DuckDB (not in known_failures.txt)');
  assert.deepEqual(t.fixed, [], 'now matching: remove from known_failures.txt');
});

test('the 22 TPC-H queries as written match DuckDB in the wasm build (SF 0.01)', { skip: !existsSync(join(TPCH, 'lineitem.parquet')) && `no TPC-H data in ${TPCH} (scripts/tpch_data.sh)` }, async () => {
  const rt = new lib.Runtime();
  for (const t of TPCH_TABLES) await rt.registerTable(t, new Uint8Array(readFileSync(join(TPCH, `${t}.parquet`))));
  const t = await runSuite(rt, 'tpch.sql', 'tpch.json');
  console.log(`TPC-H SF 0.01 (wasm): ${t.matched} of ${t.total} match DuckDB`);
  assert.equal(t.total, 22);
  assert.deepEqual(t.unexpected, []);
  assert.equal(t.matched, 22);
});
