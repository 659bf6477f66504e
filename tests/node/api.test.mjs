// Node tests of the built package (pkg/): real files in, exact answers out.
//
//   npm run test:node        (needs pkg/ built and `npm install` done)
//
// Fixtures: tests/fixtures/, written by scripts/make_fixtures.py from vega-datasets data with
// pyarrow; tests/fixtures/expected.json holds row counts (pyarrow metadata, Python csv/json
// modules) and aggregates (pandas) computed independently of insightflow.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { tableFromIPC, Type } from 'apache-arrow';

const PKG = new URL('../../pkg/', import.meta.url);
const FIXTURES = new URL('../fixtures/', import.meta.url);
const VEGA = new URL('../../node_modules/vega-datasets/data/', import.meta.url);

const bytesOf = (url) => new Uint8Array(readFileSync(url));
const fixture = (name) => bytesOf(new URL(name, FIXTURES));
const vega = (name) => bytesOf(new URL(name, VEGA));
const expected = JSON.parse(readFileSync(new URL('expected.json', FIXTURES), 'utf8'));

// The main instance, loaded exactly as the README says.
const lib = await import(new URL('insightflow.js', PKG).href);
lib.initSync({ module: readFileSync(new URL('insightflow_bg.wasm', PKG)) });

// Fresh, separate copies of the glue + wasm instance for tests that could trap: a Rust panic
// aborts its wasm instance, and must not turn every later test into a false failure.
let wasmModule;
let copies = 0;
async function isolatedLib() {
  wasmModule ??= new WebAssembly.Module(readFileSync(new URL('insightflow_bg.wasm', PKG)));
  const copy = await import(new URL(`insightflow.js?copy=${++copies}`, PKG).href);
  copy.initSync({ module: wasmModule });
  return copy;
}

/** Floats: equal, or within 1e-9 relative. */
function approx(actual, want, what) {
  assert.equal(typeof actual, 'number', `${what}: expected a number, got ${JSON.stringify(actual)}`);
  if (actual === want) return;
  const tol = 1e-9 * Math.max(Math.abs(actual), Math.abs(want));
  assert.ok(Math.abs(actual - want) <= tol, `${what}: got ${actual}, expected ${want} (±1e-9 relative)`);
}

/** Runs fn (sync or async) and returns the InsightflowError it throws; fails otherwise. */
async function errorOf(fn, code, what) {
  let err;
  try {
    await fn();
  } catch (e) {
    err = e;
  }
  assert.ok(err !== undefined, `${what}: expected ${code}, but it succeeded`);
  assert.ok(err instanceof Error, `${what}: expected a JS Error, got ${String(err)}`);
  assert.equal(err.name, 'InsightflowError', `${what}: name (message: ${err.message})`);
  assert.equal(err.code, code, `${what}: code (message: ${err.message}; hint: ${err.hint})`);
  assert.equal(typeof err.message, 'string');
  assert.ok(err.message.length > 0, `${what}: empty message`);
  assert.equal(typeof err.hint, 'string', `${what}: hint is not a string`);
  assert.ok(err.hint.trim().length > 0, `${what}: empty hint`);
  return err;
}

/** The first name a "Did you mean ..." hint suggests. */
function firstSuggestion(hint) {
  const m = /Did you mean (?:one of )?'([^']+)'/.exec(hint);
  return m ? m[1] : undefined;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const WEATHER_FILES = [
  'weather-snappy.parquet',
  'weather-zstd.parquet',
  'weather-gzip.parquet',
  'weather-none.parquet',
  'weather.arrow',
  'weather.arrows',
];
const tableName = (file) => file.replace(/[^A-Za-z0-9]+/g, '_');

const rt = new lib.Runtime();

test('version() matches pkg/package.json', () => {
  const pkg = JSON.parse(readFileSync(new URL('package.json', PKG), 'utf8'));
  assert.equal(lib.version(), pkg.version);
});

describe('good fixtures register with the right row counts and columns', () => {
  for (const [file, want] of Object.entries(expected.files)) {
    test(file, async () => {
      const name = tableName(file);
      const schema = await rt.registerTable(name, fixture(file));
      assert.equal(schema.name, name);
      assert.equal(schema.rowCount, want.rowCount, `${file}: rowCount`);
      assert.deepEqual(schema.columns.map((c) => c.name), want.columns, `${file}: column names`);
      for (const c of schema.columns) {
        assert.match(c.type, /^(integer|number|decimal|string|boolean|date|datetime|time|duration|binary|list|struct|null)$/);
        assert.equal(typeof c.nullable, 'boolean');
      }
      assert.deepEqual(rt.schema(name), schema, `${file}: schema() agrees with registerTable()`);
      assert.ok(rt.tables().includes(name));
      const { rows } = await rt.query(`SELECT COUNT(*) AS n FROM ${name}`);
      assert.deepEqual(rows, [{ n: want.rowCount }]);
    });
  }

  test('vega-datasets seattle-weather.csv (raw CSV, date column inferred)', async () => {
    const schema = await rt.registerTable('weather_csv', vega('seattle-weather.csv'));
    assert.equal(schema.rowCount, expected.weather.sourceRowCount);
    assert.deepEqual(
      schema.columns.map((c) => [c.name, c.type]),
      [['date', 'date'], ['precipitation', 'number'], ['temp_max', 'number'], ['temp_min', 'number'], ['wind', 'number'], ['weather', 'string']],
    );
  });

  test('tables() is sorted and holds every registered name once', () => {
    const names = rt.tables();
    assert.deepEqual(names, [...names].sort());
    assert.equal(new Set(names).size, names.length);
    for (const file of Object.keys(expected.files)) assert.ok(names.includes(tableName(file)), file);
  });
});

describe('seattle-weather aggregates match pandas in every format', () => {
  const W = expected.weather;
  for (const file of [...WEATHER_FILES, 'seattle-weather.csv']) {
    const name = file === 'seattle-weather.csv' ? 'weather_csv' : tableName(file);
    test(file, async () => {
      const schema = rt.schema(name);
      assert.equal(schema.columns.find((c) => c.name === 'date').type, 'date', 'date32 column is a date');

      const g = await rt.query(
        `SELECT weather, COUNT(*) AS n, SUM(precipitation) AS p, MAX(temp_max) AS mx FROM ${name} GROUP BY weather ORDER BY weather`,
      );
      assert.deepEqual(g.rows.map((r) => r.weather), Object.keys(W.byWeather).sort());
      for (const r of g.rows) {
        const want = W.byWeather[r.weather];
        assert.equal(r.n, want.count, `${r.weather}: COUNT(*)`);
        approx(r.p, want.sumPrecipitation, `${r.weather}: SUM(precipitation)`);
        approx(r.mx, want.maxTempMax, `${r.weather}: MAX(temp_max)`);
      }

      const t = await rt.query(
        `SELECT MIN(date) AS lo, MAX(date) AS hi, COUNT(*) AS n, SUM(precipitation) AS p, AVG(temp_max) AS a FROM ${name}`,
      );
      assert.equal(t.rowCount, 1);
      const [row] = t.rows;
      assert.equal(row.lo, W.minDate);
      assert.equal(row.hi, W.maxDate);
      assert.equal(row.n, W.rowCount);
      approx(row.p, W.sumPrecipitation, 'SUM(precipitation)');
      approx(row.a, W.avgTempMax, 'AVG(temp_max)');
      assert.equal(t.columns.find((c) => c.name === 'lo').type, 'date');

      const first = await rt.query(`SELECT date, precipitation, temp_max, temp_min, weather FROM ${name} ORDER BY date LIMIT 1`);
      assert.deepEqual(first.rows, [W.firstRow]);

      const y = await rt.query(`SELECT COUNT(*) AS n FROM ${name} WHERE EXTRACT(YEAR FROM date) = 2015`);
      assert.deepEqual(y.rows, [{ n: W.rowsIn2015 }]);

      const some = await rt.query(`SELECT date FROM ${name} WHERE weather = 'snow' ORDER BY date`);
      assert.equal(some.rowCount, W.byWeather.snow.count);
      for (const r of some.rows) assert.match(r.date, ISO_DATE);
    });
  }

  test('query() result shape: {columns, rows, rowCount, elapsedMs}', async () => {
    const r = await rt.query('SELECT weather, temp_max FROM weather_snappy_parquet ORDER BY date LIMIT 3');
    assert.deepEqual(Object.keys(r).sort(), ['columns', 'elapsedMs', 'rowCount', 'rows']);
    assert.deepEqual(r.columns, [
      { name: 'weather', type: 'string', nullable: false },
      { name: 'temp_max', type: 'number', nullable: false },
    ]);
    assert.equal(r.rowCount, 3);
    assert.equal(r.rows.length, 3);
    assert.equal(typeof r.elapsedMs, 'number');
    assert.ok(r.elapsedMs >= 0);
  });
});

test('bigint.parquet: int64 beyond 2^53 comes back as exact strings', async () => {
  const name = tableName('bigint.parquet');
  assert.equal(rt.schema(name).columns.find((c) => c.name === 'id').type, 'integer');
  const { rows } = await rt.query(`SELECT id, label FROM ${name}`);
  const want = expected.bigint.rows.map((r) => ({ id: Math.abs(Number(r.id)) <= Number.MAX_SAFE_INTEGER ? Number(r.id) : r.id, label: r.label }));
  assert.deepEqual(rows, want);
  assert.equal(rows[1].id, String(2n ** 53n + 1n));
  assert.equal(rows[2].id, String(-(2n ** 53n) - 5n));

  const sorted = await rt.query(`SELECT id FROM ${name} ORDER BY id`);
  assert.deepEqual(sorted.rows.map((r) => r.id), ['-9007199254740997', 1, '9007199254740993']);

  const sum = await rt.query(`SELECT SUM(id) AS s FROM ${name}`);
  assert.deepEqual(sum.rows, [{ s: Number(expected.bigint.sumId) }]);

  const plus = await rt.query(`SELECT id + 1 AS j FROM ${name} WHERE label = 'two-pow-53-plus-1'`);
  assert.deepEqual(plus.rows, [{ j: '9007199254740994' }]);
});

test('quoting.csv: quotes, embedded commas/quotes/newlines, nulls, ISO dates', async () => {
  const Q = expected.quoting;
  const name = tableName('quoting.csv');
  const schema = rt.schema(name);
  assert.deepEqual(Object.fromEntries(schema.columns.map((c) => [c.name, c.type])), Q.columnTypes);
  const { rows } = await rt.query(`SELECT * FROM ${name} ORDER BY id`);
  assert.deepEqual(rows, Q.rows);
  const nulls = await rt.query(
    `SELECT COUNT(*) - COUNT(name) AS name, COUNT(*) - COUNT(comment) AS comment, COUNT(*) - COUNT(amount) AS amount, COUNT(*) - COUNT(day) AS day FROM ${name}`,
  );
  const { id: _id, ...wantNulls } = Q.nullCounts;
  assert.deepEqual(nulls.rows, [wantNulls]);
  const sum = await rt.query(`SELECT SUM(amount) AS s FROM ${name}`);
  approx(sum.rows[0].s, Q.sumAmount, 'SUM(amount)');
  for (const c of schema.columns) assert.equal(c.nullable, Q.nullCounts[c.name] > 0, `${c.name}: nullable`);
});

test('semicolon.csv: the ; delimiter is detected (and can be given)', async () => {
  const S = expected.semicolon;
  for (const [name, opts] of [['semi_sniffed', undefined], ['semi_given', { delimiter: ';', format: 'csv' }]]) {
    const schema = await rt.registerTable(name, fixture('semicolon.csv'), opts);
    assert.equal(schema.rowCount, expected.files['semicolon.csv'].rowCount);
    assert.deepEqual(schema.columns.map((c) => c.name), expected.files['semicolon.csv'].columns);
    const { rows } = await rt.query(
      `SELECT SUM(Cylinders) AS cyl, COUNT(*) - COUNT(Horsepower) AS nohp, COUNT(*) - COUNT(Miles_per_Gallon) AS nompg, AVG(Weight_in_lbs) AS w FROM ${name}`,
    );
    assert.equal(rows[0].cyl, S.sumCylinders);
    assert.equal(rows[0].nohp, S.nullHorsepower);
    assert.equal(rows[0].nompg, S.nullMilesPerGallon);
    approx(rows[0].w, S.avgWeight, 'AVG(Weight_in_lbs)');
    const g = await rt.query(`SELECT Origin, COUNT(*) AS n FROM ${name} GROUP BY Origin ORDER BY Origin`);
    assert.deepEqual(Object.fromEntries(g.rows.map((r) => [r.Origin, r.n])), S.byOrigin);
  }
});

test('people.tsv: tab-separated, commas inside values do not confuse detection', async () => {
  const P = expected.people;
  const name = tableName('people.tsv');
  const { rows } = await rt.query(`SELECT SUM(age) AS a, AVG(height) AS h FROM ${name}`);
  assert.equal(rows[0].a, P.sumAge);
  approx(rows[0].h, P.avgHeight, 'AVG(height)');
  const oldest = await rt.query(`SELECT name FROM ${name} ORDER BY age DESC LIMIT 1`);
  assert.deepEqual(oldest.rows, [{ name: P.oldest }]);
  const comma = await rt.query(`SELECT COUNT(*) AS n FROM ${name} WHERE city = '${P.commaCity}'`);
  assert.deepEqual(comma.rows, [{ n: P.commaCityCount }]);
  assert.equal(rt.schema(name).columns.find((c) => c.name === 'joined').type, 'date');
});

test('rows.ndjson: one object per line, column names with spaces and parentheses', async () => {
  const N = expected.ndjson;
  const name = tableName('rows.ndjson');
  const g = await rt.query(`SELECT Species, COUNT(*) AS n FROM ${name} GROUP BY Species ORDER BY Species`);
  assert.deepEqual(Object.fromEntries(g.rows.map((r) => [r.Species, r.n])), N.bySpecies);
  const { rows } = await rt.query(
    `SELECT AVG("Body Mass (g)") AS m, COUNT(*) - COUNT("Body Mass (g)") AS nomass, COUNT(*) - COUNT(Sex) AS nosex FROM ${name}`,
  );
  approx(rows[0].m, N.avgBodyMass, 'AVG("Body Mass (g)")');
  assert.equal(rows[0].nomass, N.nullBodyMass);
  assert.equal(rows[0].nosex, N.nullSex);
});

test('rows.json: array of objects; ISO date strings become a date column', async () => {
  const J = expected.json;
  const name = tableName('rows.json');
  assert.equal(rt.schema(name).columns.find((c) => c.name === 'date').type, 'date');
  const { rows } = await rt.query(`SELECT MIN(date) AS lo, MAX(date) AS hi FROM ${name}`);
  assert.deepEqual(rows, [{ lo: J.minDate, hi: J.maxDate }]);
  const g = await rt.query(
    `SELECT symbol, COUNT(*) AS n, SUM(price) AS s, MIN(date) AS first FROM ${name} GROUP BY symbol ORDER BY symbol`,
  );
  assert.deepEqual(g.rows.map((r) => r.symbol), Object.keys(J.bySymbol).sort());
  for (const r of g.rows) {
    const want = J.bySymbol[r.symbol];
    assert.equal(r.n, want.count, `${r.symbol}: COUNT(*)`);
    approx(r.s, want.sumPrice, `${r.symbol}: SUM(price)`);
    assert.equal(r.first, want.firstDate, `${r.symbol}: MIN(date)`);
    assert.match(r.first, ISO_DATE);
  }
});

test('vega-datasets cars.json: 406 rows, GROUP BY Origin matches pandas', async () => {
  const C = expected.cars;
  const schema = await rt.registerTable('cars', vega('cars.json'));
  assert.equal(schema.rowCount, C.rowCount);
  assert.equal(schema.columns.find((c) => c.name === 'Year').type, 'date');
  const g = await rt.query('SELECT Origin, COUNT(*) AS n, AVG(Horsepower) AS hp FROM cars GROUP BY Origin ORDER BY n DESC');
  assert.deepEqual(g.rows.map((r) => r.Origin), Object.entries(C.byOrigin).sort((a, b) => b[1] - a[1]).map(([k]) => k));
  for (const r of g.rows) {
    assert.equal(r.n, C.byOrigin[r.Origin], `${r.Origin}: COUNT(*)`);
    approx(r.hp, C.avgHorsepowerByOrigin[r.Origin], `${r.Origin}: AVG(Horsepower)`);
  }
});

describe('registerRows', () => {
  test('plain objects incl. JS Date values', async () => {
    const rows = [
      { city: 'Oslo', sales: 10, at: new Date('2024-01-02T03:04:05.678Z'), ok: true },
      { city: 'Bergen', sales: 2.5, at: new Date('2024-06-30T00:00:00.000Z'), ok: false },
      { city: 'Tromsø', sales: 7, at: new Date('2023-12-31T23:59:59.000Z'), ok: true },
    ];
    const schema = await rt.registerRows('js_rows', rows);
    assert.equal(schema.name, 'js_rows');
    assert.equal(schema.rowCount, 3);
    const types = Object.fromEntries(schema.columns.map((c) => [c.name, c.type]));
    assert.deepEqual(types, { city: 'string', sales: 'number', at: 'datetime', ok: 'boolean' });
    const r = await rt.query('SELECT city, sales, at, ok FROM js_rows ORDER BY at');
    assert.deepEqual(r.rows, [
      { city: 'Tromsø', sales: 7, at: '2023-12-31T23:59:59', ok: true },
      { city: 'Oslo', sales: 10, at: '2024-01-02T03:04:05.678', ok: true },
      { city: 'Bergen', sales: 2.5, at: '2024-06-30T00:00:00', ok: false },
    ]);
    const s = await rt.query("SELECT SUM(sales) AS s FROM js_rows WHERE ok");
    assert.deepEqual(s.rows, [{ s: 17 }]);
  });

  test('an empty array is EMPTY_INPUT', async () => {
    await errorOf(() => rt.registerRows('no_rows', []), 'EMPTY_INPUT', 'registerRows([])');
    assert.ok(!rt.tables().includes('no_rows'));
  });
});

describe('bad files give the right error code and a hint; the runtime keeps working', () => {
  for (const [file, want] of Object.entries(expected.bad)) {
    test(`${file}${want.options ? ' ' + JSON.stringify(want.options) : ''} -> ${want.code}`, async () => {
      const name = `bad_${tableName(file)}`;
      await errorOf(() => rt.registerTable(name, fixture(file), want.options), want.code, file);
      assert.ok(!rt.tables().includes(name), `${file}: a failed registration must not create a table`);
      const { rows } = await rt.query('SELECT COUNT(*) AS n FROM weather_snappy_parquet');
      assert.deepEqual(rows, [{ n: expected.weather.rowCount }]);
    });
  }

  test('mislabelled.parquet without a format is read as the CSV it is', async () => {
    const schema = await rt.registerTable('mislabelled_csv', fixture('mislabelled.parquet'));
    assert.equal(schema.rowCount, expected.bad['mislabelled.parquet'].asCsvRowCount);
    assert.deepEqual(schema.columns.map((c) => c.name), ['city', 'sales']);
  });

  test('an Arrow file with two columns of one name is BAD_FILE and the instance keeps serving', async () => {
    // pyarrow writes such files; polars-arrow asserted on them, which aborted the instance
    for (const name of ['duplicate-names.arrow', 'duplicate-names.arrows']) {
      const err = await errorOf(() => rt.registerTable('dup', fixture(name)), 'BAD_FILE', name);
      assert.match(err.message, /two columns named "a"/);
    }
    const schema = await rt.registerTable('after_dup', fixture('quoting.csv'));
    assert.equal(schema.rowCount, expected.files['quoting.csv'].rowCount);
  });

  test('compressed Arrow and Parquet are held to the memory budget as they unpack; they read under the default', async () => {
    // ~1 kB of zstd that unpacks to megabytes (the estimate from the file size passes)
    for (const [file, rows] of [['zeros-zstd.arrow', 100_000], ['zeros-zstd.parquet', 1_000_000]]) {
      const small = new lib.Runtime({ memoryBudgetBytes: 1_000_000 });
      try {
        const err = await errorOf(() => small.registerTable('z', fixture(file)), 'TOO_LARGE', `${file} in 1 MB`);
        assert.match(err.message, /unpacks to more than the 1 MB/);
        const ok = await small.registerTable('q', fixture('quoting.csv'));
        assert.equal(ok.rowCount, expected.files['quoting.csv'].rowCount);
      } finally {
        small.free();
      }
      const name = tableName(file);
      const schema = await rt.registerTable(name, fixture(file));
      assert.equal(schema.rowCount, rows, file);
      const out = await rt.query(`SELECT COUNT(*) AS rows, SUM(n) AS n FROM ${name}`);
      assert.deepEqual(out.rows, [{ rows, n: 0 }], file);
    }
    const out = await rt.query('SELECT COUNT(s) AS strings, MAX(LENGTH(s)) AS longest FROM zeros_zstd_arrow');
    assert.deepEqual(out.rows, [{ strings: 10, longest: 100_000 }]);
  });

  test('an uncompressed Parquet page declaring 1,000,000 nulls in 421 bytes is held to the budget too', async () => {
    const small = new lib.Runtime({ memoryBudgetBytes: 1_000_000 });
    try {
      const err = await errorOf(() => small.registerTable('n', fixture('nulls-1m.parquet')), 'TOO_LARGE', 'nulls-1m.parquet in 1 MB');
      assert.match(err.message, /This Parquet file unpacks to more than the 1 MB/);
      const ok = await small.registerTable('q', fixture('quoting.csv'));
      assert.equal(ok.rowCount, expected.files['quoting.csv'].rowCount);
    } finally {
      small.free();
    }
    await rt.registerTable('nulls_1m', fixture('nulls-1m.parquet'));
    const out = await rt.query('SELECT COUNT(*) AS rows, COUNT(missing) AS n FROM nulls_1m');
    assert.deepEqual(out.rows, [{ rows: 1_000_000, n: 0 }]);
  });

  test('an Arrow null column (no buffers) is held to the budget by the bitmap it needs; 10^12 declared nulls are refused and the instance lives on', async () => {
    const small = new lib.Runtime({ memoryBudgetBytes: 1_000_000 });
    try {
      const err = await errorOf(() => small.registerTable('n', fixture('nulls-10m.arrow')), 'TOO_LARGE', 'nulls-10m.arrow in 1 MB');
      assert.match(err.message, /This Arrow IPC file unpacks to more than the 1 MB/);
    } finally {
      small.free();
    }
    // 394 bytes declaring 10^12 rows (natively TOO_LARGE: a 125 GB bitmap): on wasm32 the
    // length does not fit a usize, so the reader refuses it as out of spec before any bitmap
    await errorOf(() => rt.registerTable('n', fixture('nulls-trillion.arrow')), 'BAD_FILE', 'nulls-trillion.arrow');
    await rt.registerTable('nulls_10m', fixture('nulls-10m.arrow'));
    const out = await rt.query('SELECT COUNT(*) AS rows, COUNT(missing) AS n FROM nulls_10m');
    assert.deepEqual(out.rows, [{ rows: 10_000_000, n: 0 }]);
  });

  test('a CSV ending in a lone opening quote under a number or boolean column is BAD_FILE (it aborted the instance)', async () => {
    const enc = (s) => new TextEncoder().encode(s);
    for (const [csv, nullValues] of [['a,b\n9",3\n,"', undefined], ['a,b\n9",true\n,"', undefined], ['a,b\n9",3\n,"', ['NA']]]) {
      await errorOf(() => rt.registerTable('lone', enc(csv), { format: 'csv', nullValues }), 'BAD_FILE', JSON.stringify(csv));
    }
    const schema = await rt.registerTable('closed', enc('a,b\n9,3\n,"4"\n'), { format: 'csv' });
    assert.equal(schema.rowCount, 2);
    const { rows } = await rt.query('SELECT SUM(b) AS s FROM closed');
    assert.deepEqual(rows, [{ s: 7 }]);
  });

  test('a Parquet list column whose dictionary page is short of its values is BAD_FILE (a panic in the list builder aborted the instance)', async () => {
    // fuzz regression input: its first byte picks the format for the fuzz target; the rest is the file
    const file = fixture('fuzz/parquet-list-offsets-decreasing.bin').subarray(1);
    await errorOf(() => rt.registerTable('short_dict', file, { format: 'parquet' }), 'BAD_FILE', 'parquet-list-offsets-decreasing.bin');
    await rt.registerTable('after_short_dict', new TextEncoder().encode('x\n2\n5\n'), { format: 'csv' });
    const { rows } = await rt.query('SELECT SUM(x) AS s FROM after_short_dict');
    assert.deepEqual(rows, [{ s: 7 }]);
  });

  test('JSON nested past 64 levels is BAD_FILE before the reader recurses (200,000 levels overflowed the stack)', async () => {
    const nested = (depth) => `[{"id": 1, "a": ${'['.repeat(depth - 2)}${']'.repeat(depth - 2)}}]`;
    const enc = (s) => new TextEncoder().encode(s);
    const schema = await rt.registerTable('deep64', enc(nested(64)));
    assert.equal(schema.rowCount, 1);
    const { rows } = await rt.query('SELECT id FROM deep64');
    assert.deepEqual(rows, [{ id: 1 }]);
    for (const depth of [65, 200_000]) {
      const err = await errorOf(() => rt.registerTable('deep', enc(nested(depth))), 'BAD_FILE', `JSON ${depth} deep`);
      assert.match(err.message, /more than 64 levels deep/);
    }
    await errorOf(() => rt.registerRows('deep_rows', JSON.parse(nested(1000))), 'BAD_FILE', 'rows 1000 deep');
    const after = await rt.query('SELECT COUNT(*) AS n FROM deep64');
    assert.deepEqual(after.rows, [{ n: 1 }]);
  });

  test('Parquet with lists nested past the limits is BAD_FILE; 60 levels read (within the wasm stack)', async () => {
    for (const file of ['deep-lists.parquet', 'deep-lists-no-arrow-schema.parquet']) {
      const err = await errorOf(() => rt.registerTable('deep_pq', fixture(file)), 'BAD_FILE', file);
      assert.match(err.message, /nests lists or structs too deeply/);
    }
    const schema = await rt.registerTable('lists60', fixture('lists-60-deep.parquet'));
    assert.equal(schema.rowCount, 2);
    const { rows } = await rt.query('SELECT SUM(id) AS s FROM lists60');
    assert.deepEqual(rows, [{ s: 3 }]);
  });

  test('Arrow columns of types Polars cannot hold (a 50-digit decimal, a union, an interval, zero-width binary, a list of decimals with scale > precision) are BAD_FILE by name', async () => {
    // each aborted the instance: a panic in polars-arrow's reader / an unwrap in polars-core
    for (const [file, column] of [['decimal-50-digits.arrow', 'big'], ['union.arrows', 'u'], ['interval.arrow', 'gap'], ['zero-width.arrows', 'z'], ['list-decimal-scale.arrow', 'rates']]) {
      const err = await errorOf(() => rt.registerTable('odd', fixture(file)), 'BAD_FILE', file);
      assert.ok(err.message.includes(`a column insightflow cannot hold: "${column}"`), err.message);
    }
    // run-end encoded and list-view layouts were todo!() panics in polars-arrow's schema reader
    for (const [file, kind] of [['run-end.arrow', 'run-end encoded'], ['list-view.arrows', 'list-view']]) {
      const err = await errorOf(() => rt.registerTable('odd', fixture(file)), 'BAD_FILE', file);
      assert.ok(err.message.includes(`has ${kind} columns`), err.message);
    }
    const schema = await rt.registerTable('after_odd', fixture('quoting.csv'));
    assert.equal(schema.rowCount, expected.files['quoting.csv'].rowCount);
  });

  test('an unknown format name is UNSUPPORTED_FORMAT', async () => {
    await errorOf(() => rt.registerTable('xl', fixture('people.tsv'), { format: 'xlsx' }), 'UNSUPPORTED_FORMAT', "format 'xlsx'");
  });

  test('input over maxInputBytes is TOO_LARGE', async () => {
    const small = new lib.Runtime({ maxInputBytes: 1000 });
    try {
      await errorOf(() => small.registerTable('w', fixture('weather.arrow')), 'TOO_LARGE', 'weather.arrow over 1000 bytes');
      const ok = await small.registerTable('q', fixture('quoting.csv'));
      assert.equal(ok.rowCount, expected.files['quoting.csv'].rowCount);
    } finally {
      small.free();
    }
  });

  test('a cross join too large for memory is TOO_LARGE before it runs; the instance keeps serving', async () => {
    const mem = new lib.Runtime(); // the default memory budget (1.5 GB)
    try {
      await mem.registerRows('t', Array.from({ length: 30000 }, (_, i) => ({ id: i, label: `item ${i}` })));
      // 900 million pairs: the row indices alone would take more than a wasm instance can address
      const err = await errorOf(() => mem.query('SELECT COUNT(*) AS n FROM t a CROSS JOIN t b'), 'TOO_LARGE', '30,000 x 30,000 cross join');
      assert.match(err.message, /cross join\): up to 900\.0 million rows/);
      await errorOf(() => mem.query('SELECT a.label AS l1, b.label AS l2 FROM t a, t b ORDER BY l1 LIMIT 5'), 'TOO_LARGE', 'comma join without a condition');
      const { rows } = await mem.query('SELECT COUNT(*) AS n FROM t a JOIN t b ON a.id = b.id');
      assert.equal(rows[0].n, 30000);
      const small = await mem.query('SELECT COUNT(*) AS n FROM t a CROSS JOIN (SELECT * FROM t LIMIT 100) b');
      assert.equal(small.rows[0].n, 3000000);
    } finally {
      mem.free();
    }
  });
});

describe('SQL errors', () => {
  const cases = [
    ['DROP TABLE weather_snappy_parquet', 'SQL_FORBIDDEN'],
    ['DROP TABLE x', 'SQL_FORBIDDEN'],
    ['SELECT 1; SELECT 2', 'SQL_FORBIDDEN'],
    ["SELECT * FROM read_csv('/etc/passwd')", 'SQL_FORBIDDEN'],
    ["INSERT INTO cars (Name) VALUES ('x')", 'SQL_FORBIDDEN'],
    ['SELEC 1', 'SQL_SYNTAX'],
  ];
  for (const [sql, code] of cases) {
    test(`${sql} -> ${code}`, async () => {
      await errorOf(() => rt.query(sql), code, sql);
      await errorOf(() => rt.queryArrow(sql), code, `queryArrow: ${sql}`);
      const { rows } = await rt.query('SELECT COUNT(*) AS n FROM weather_snappy_parquet');
      assert.deepEqual(rows, [{ n: expected.weather.rowCount }], 'the table is still there and answers');
    });
  }

  test('SQL that would make the parser backtrack for minutes, or nest past its depth, is refused at once', async () => {
    // found by fuzzing the guard (tests/fixtures/fuzz): each unclosed CASE doubled the parse time
    const tangled = readFileSync(new URL('fuzz/sql-guard-case-backtracking.txt', FIXTURES), 'utf8');
    const e1 = await errorOf(() => rt.query(tangled), 'SQL_SYNTAX', 'unclosed CASE levels');
    assert.match(e1.message, /too tangled/);
    let nested = 'temp_max';
    for (let i = 0; i < 40; i++) nested = `CASE WHEN temp_max > ${i} THEN (${nested}) ELSE ${i} END`;
    const e2 = await errorOf(() => rt.query(`SELECT ${nested} AS x FROM weather_snappy_parquet`), 'SQL_SYNTAX', '40 nested CASE');
    assert.match(e2.message, /too deeply/);
    const { rows } = await rt.query('SELECT COUNT(*) AS n FROM weather_snappy_parquet');
    assert.deepEqual(rows, [{ n: expected.weather.rowCount }], 'the instance is still serving');
  });

  test('JSON objects are queried with -> and ->>; a * or pattern key is SQL_UNSUPPORTED and the instance keeps serving', async () => {
    await rt.registerRows('places', [{ p: { city: 'Oslo', n: 1 } }, { p: { city: 'Lima', n: 2 } }]);
    const { rows } = await rt.query("SELECT p->'n' AS n FROM places WHERE p->>'city' = 'Lima'");
    assert.deepEqual(rows, [{ n: 2 }]);
    // found by fuzzing the engine (tests/fixtures/fuzz): Polars panicked planning a `*` key, which aborted the instance
    const found = readFileSync(new URL('fuzz/sql-field-wildcard.txt', FIXTURES), 'utf8');
    for (const sql of [found, "SELECT p->'^c.*$' FROM places"]) {
      const e = await errorOf(() => rt.query(sql), 'SQL_UNSUPPORTED', sql);
      assert.match(e.message, /field access/);
    }
    const again = await rt.query('SELECT COUNT(*) AS n FROM places');
    assert.deepEqual(again.rows, [{ n: 2 }], 'the instance is still serving');
  });

  test('arithmetic on a JSON array column is SQL_UNSUPPORTED (Polars would abort the instance); ARRAY_SUM works', async () => {
    await rt.registerRows('tagged', [{ id: 1, tags: [1, 2] }, { id: 2, tags: [5] }]);
    const found = readFileSync(new URL('fuzz/sql-list-arithmetic.txt', FIXTURES), 'utf8');
    for (const sql of [found, 'SELECT tags * 2 AS x FROM tagged']) {
      const e = await errorOf(() => rt.query(sql), 'SQL_UNSUPPORTED', sql);
      assert.match(e.message, /arithmetic on a list/);
      assert.match(e.hint, /ARRAY_SUM/);
    }
    const { rows } = await rt.query('SELECT id, ARRAY_SUM(tags) * 2 AS s FROM tagged ORDER BY id');
    assert.deepEqual(rows, [{ id: 1, s: 6 }, { id: 2, s: 10 }], 'the instance is still serving');
  });

  test('unknown table -> UNKNOWN_TABLE, hint names the closest table', async () => {
    await rt.registerTable('weather', fixture('weather-snappy.parquet'));
    const e = await errorOf(() => rt.query('SELECT * FROM weathr'), 'UNKNOWN_TABLE', 'weathr');
    assert.equal(firstSuggestion(e.hint), 'weather', `hint: ${e.hint}`);
    const e2 = await errorOf(() => rt.query('SELECT COUNT(*) FROM car'), 'UNKNOWN_TABLE', 'car');
    assert.equal(firstSuggestion(e2.hint), 'cars', `hint: ${e2.hint}`);
  });

  test('unknown column -> UNKNOWN_COLUMN, hint names the closest column', async () => {
    const e = await errorOf(() => rt.query('SELECT precipitaton FROM weather'), 'UNKNOWN_COLUMN', 'precipitaton');
    assert.equal(firstSuggestion(e.hint), 'precipitation', `hint: ${e.hint}`);
    const e2 = await errorOf(() => rt.query('SELECT Origin, AVG(horsepwer) FROM cars GROUP BY Origin'), 'UNKNOWN_COLUMN', 'horsepwer');
    assert.equal(firstSuggestion(e2.hint), 'Horsepower', `hint: ${e2.hint}`);
  });

  test('identifiers that differ only in case resolve, as in DuckDB and PostgreSQL', async () => {
    const exact = await rt.query('SELECT Origin, AVG(Horsepower) AS hp FROM cars GROUP BY Origin ORDER BY Origin');
    const lower = await rt.query('SELECT origin, AVG(horsepower) AS hp FROM cars GROUP BY origin ORDER BY origin');
    assert.equal(lower.rows.length, 3);
    assert.deepEqual(lower.rows.map((r) => Object.values(r)), exact.rows.map((r) => Object.values(r)));
  });

  test('the closest-table hint is not outranked by a one-letter table name', async () => {
    // A table named 't' is common; 'weathr' is one edit from 'weather' and far from 't'.
    const own = new lib.Runtime();
    try {
      await own.registerTable('weather', fixture('weather-snappy.parquet'));
      await own.registerTable('t', fixture('people.tsv'));
      const e = await errorOf(() => own.query('SELECT * FROM weathr'), 'UNKNOWN_TABLE', 'weathr');
      assert.equal(firstSuggestion(e.hint), 'weather', `hint: ${e.hint}`);
    } finally {
      own.free();
    }
  });

  test('schema() of an unknown table throws UNKNOWN_TABLE', async () => {
    const e = await errorOf(() => rt.schema('wether'), 'UNKNOWN_TABLE', "schema('wether')");
    assert.equal(firstSuggestion(e.hint), 'weather', `hint: ${e.hint}`);
  });
});

describe('re-registering and dropping', () => {
  test('re-registering a name replaces the table', async () => {
    const a = await rt.registerTable('swap', fixture('people.tsv'));
    assert.equal(a.rowCount, expected.files['people.tsv'].rowCount);
    const b = await rt.registerTable('swap', fixture('mislabelled.parquet'), { format: 'csv' });
    assert.equal(b.rowCount, expected.bad['mislabelled.parquet'].asCsvRowCount);
    assert.deepEqual(rt.schema('swap'), b);
    assert.equal(rt.tables().filter((t) => t === 'swap').length, 1);
    const { rows } = await rt.query('SELECT city, sales FROM swap ORDER BY sales');
    assert.deepEqual(rows, [
      { city: 'Oslo', sales: 10 },
      { city: 'Bergen', sales: 20 },
      { city: 'Tromsø', sales: 30 },
    ]);
    await errorOf(() => rt.query('SELECT age FROM swap'), 'UNKNOWN_COLUMN', 'old column after replace');
  });

  test('dropTable removes it', async () => {
    assert.equal(rt.dropTable('swap'), true);
    assert.equal(rt.dropTable('swap'), false);
    assert.ok(!rt.tables().includes('swap'));
    await errorOf(() => rt.query('SELECT * FROM swap'), 'UNKNOWN_TABLE', 'dropped table');
    await errorOf(() => rt.schema('swap'), 'UNKNOWN_TABLE', 'schema of dropped table');
    const { rows } = await rt.query('SELECT COUNT(*) AS n FROM weather');
    assert.deepEqual(rows, [{ n: expected.weather.rowCount }], 'other tables are untouched');
  });
});

// queryArrow runs in its own wasm instances (see isolatedLib): a trap in one case is reported
// as that case's failure and cannot take down the rest.
describe('queryArrow: apache-arrow tableFromIPC reads the same rows', () => {
  const dayMs = 86_400_000;
  /** Arrow rows as plain JS values comparable with query() rows. */
  function arrowRows(table) {
    const dateCols = new Set(table.schema.fields.filter((f) => f.typeId === Type.Date).map((f) => f.name));
    return table.toArray().map((row) => {
      const o = row.toJSON();
      for (const k of Object.keys(o)) {
        if (dateCols.has(k) && o[k] !== null) {
          const ms = o[k] instanceof Date ? o[k].getTime() : Number(o[k]);
          assert.equal(ms % dayMs, 0);
          o[k] = new Date(ms).toISOString().slice(0, 10);
        }
      }
      return o;
    });
  }

  async function both(setup, sql) {
    const iso = await isolatedLib();
    const r = new iso.Runtime();
    for (const [name, file] of setup) await r.registerTable(name, fixture(file));
    const json = await r.query(sql);
    let bytes;
    try {
      bytes = await r.queryArrow(sql);
    } catch (e) {
      if (e?.name === 'InsightflowError') throw e;
      assert.fail(`queryArrow(${JSON.stringify(sql)}) trapped the wasm instance (Rust panic): ${e}`);
    }
    assert.ok(bytes instanceof Uint8Array, 'queryArrow resolves to a Uint8Array');
    assert.deepEqual([...bytes.subarray(0, 4)], [0xff, 0xff, 0xff, 0xff], 'Arrow IPC stream continuation marker');
    const table = tableFromIPC(bytes);
    return { json, table };
  }

  test('whole table: dates, floats and LargeUtf8 strings', async () => {
    const { json, table } = await both([['weather', 'weather-snappy.parquet']], 'SELECT * FROM weather');
    assert.equal(table.numRows, expected.weather.rowCount);
    assert.deepEqual(table.schema.fields.map((f) => f.name), json.columns.map((c) => c.name));
    assert.equal(table.schema.fields.find((f) => f.name === 'weather').typeId, Type.LargeUtf8, 'strings are LargeUtf8');
    assert.deepEqual(arrowRows(table), json.rows);
  });

  test('filtered and sorted rows with a string column', async () => {
    const sql = "SELECT date, weather, precipitation FROM weather WHERE weather IN ('snow', 'drizzle') ORDER BY date";
    const { json, table } = await both([['weather', 'weather-snappy.parquet']], sql);
    assert.equal(table.numRows, expected.weather.byWeather.snow.count + expected.weather.byWeather.drizzle.count);
    assert.equal(table.schema.fields.find((f) => f.name === 'weather').typeId, Type.LargeUtf8);
    assert.deepEqual(arrowRows(table), json.rows);
  });

  test('first rows (LIMIT) with strings: quoting.csv incl. nulls and newlines', async () => {
    const { json, table } = await both([['q', 'quoting.csv']], 'SELECT id, name, comment, day FROM q ORDER BY id LIMIT 4');
    assert.deepEqual(arrowRows(table), json.rows.map((r) => ({ ...r, id: BigInt(r.id) })));
  });

  test('GROUP BY result', async () => {
    const sql = 'SELECT weather, COUNT(*) AS n, SUM(precipitation) AS p FROM weather GROUP BY weather ORDER BY weather';
    const { table } = await both([['weather', 'weather.arrows']], sql);
    const got = arrowRows(table);
    assert.deepEqual(got.map((r) => r.weather), Object.keys(expected.weather.byWeather).sort());
    for (const r of got) {
      assert.equal(Number(r.n), expected.weather.byWeather[r.weather].count);
      approx(r.p, expected.weather.byWeather[r.weather].sumPrecipitation, `${r.weather}: SUM(precipitation)`);
    }
  });

  test('int64 beyond 2^53 arrive exact as BigInt', async () => {
    const { table } = await both([['big', 'bigint.parquet']], 'SELECT id, label FROM big');
    const got = Object.fromEntries(arrowRows(table).map((r) => [r.label, r.id]));
    const want = Object.fromEntries(expected.bigint.rows.map((r) => [r.label, BigInt(r.id)]));
    assert.deepEqual(got, want);
  });
});
