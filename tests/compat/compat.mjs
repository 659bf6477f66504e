// The SQL compatibility corpus for JS tests of the built package (Node and Chromium): the same
// corpus files, DuckDB's expected results and comparison rules as tests/compat.rs (floats within
// 1e-9 relative, dates equal to the datetime at their midnight, rows compared as multisets
// unless the query is marked `-- ordered`).

export const VEGA_TABLES = [
  ['cars', 'cars.json'], ['weather', 'seattle-weather.csv'], ['stocks', 'stocks.csv'],
  ['movies', 'movies.json'], ['airports', 'airports.csv'], ['flights', 'flights-5k.json'],
  ['gapminder', 'gapminder.json'], ['penguins', 'penguins.json'], ['barley', 'barley.json'],
  ['population', 'population.json'], ['iowa', 'iowa-electricity.csv'], ['jobs', 'jobs.json'],
];
export const TPCH_TABLES = ['customer', 'lineitem', 'nation', 'orders', 'part', 'partsupp', 'region', 'supplier'];

/** `-- name: x` starts an entry; `-- ordered` marks a total ORDER BY; other lines are SQL. */
export function parseCorpus(text) {
  const out = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t.startsWith('-- name:')) out.push({ name: t.slice(8).trim(), sql: '', ordered: false });
    else if (t === '-- ordered') { if (out.length) out[out.length - 1].ordered = true; }
    else if (out.length) {
      const c = out[out.length - 1];
      if (!t.startsWith('--') || c.sql !== '') c.sql += line + '\n';
    }
  }
  for (const c of out) c.sql = c.sql.trim().replace(/;\s*$/, '').trim();
  return out;
}

/** `<name> <why>` lines; # comments. */
export function parseKnownFailures(text) {
  const m = new Map();
  for (const l of text.split('\n')) {
    const t = l.trim();
    if (!t || t.startsWith('#')) continue;
    const i = t.indexOf(' ');
    m.set(i < 0 ? t : t.slice(0, i), i < 0 ? '' : t.slice(i + 1).trim());
  }
  return m;
}

function asNumber(v) {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  return null;
}

function temporal(s) {
  if (!(s.length >= 10 && s[4] === '-' && s[7] === '-' && /^\d{4}$/.test(s.slice(0, 4)))) return null;
  let t = s.replace(' ', 'T');
  if (t.length === 10) t += 'T00:00:00';
  t = t.replace(/Z$/, '');
  const dot = t.indexOf('.');
  if (dot >= 0) {
    const frac = t.slice(dot + 1);
    t = /^0+$/.test(frac) ? t.slice(0, dot) : `${t.slice(0, dot)}.${frac.replace(/0+$/, '')}`;
  }
  return t;
}

function cellEq(a, b) {
  if (a === null || b === null) return a === b;
  if (typeof a === 'boolean' || typeof b === 'boolean') return a === b;
  if (typeof a === 'string' && typeof b === 'string') {
    if (a === b) return true;
    const p = temporal(a), q = temporal(b);
    if (p !== null && q !== null) return p === q;
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => cellEq(x, b[i]));
  const p = asNumber(a), q = asNumber(b);
  if (p === null || q === null) return false;
  if (p === q || (Number.isNaN(p) && Number.isNaN(q))) return true;
  return Math.abs(p - q) <= 1e-9 * Math.max(Math.abs(p), Math.abs(q)) || Math.abs(p - q) < 1e-12;
}

function sortKey(row) {
  return row.map((v) => {
    if (v === null) return '\u0000null';
    if (typeof v === 'number') return v.toExponential(6);
    if (typeof v === 'string') return temporal(v) ?? v;
    return JSON.stringify(v);
  }).join('\u0001');
}
const byKey = (a, b) => { const x = sortKey(a), y = sortKey(b); return x < y ? -1 : x > y ? 1 : 0; };

/**
 * Compares a package query result ({columns: [{name}], rows: [{...}]}) with DuckDB's expected
 * ({columns: [name], rows: [[...]]}). Returns null when they match, else what differs.
 */
export function compareResult(result, exp, ordered) {
  const cols = result.columns.map((c) => c.name);
  let got = result.rows.map((r) => cols.map((c) => (r[c] === undefined ? null : r[c])));
  let want = exp.rows.map((r) => r.slice());
  if (cols.length !== exp.columns.length) return `${cols.length} columns ${JSON.stringify(cols)}, DuckDB has ${JSON.stringify(exp.columns)}`;
  if (got.length !== want.length) return `${got.length} rows, DuckDB has ${want.length}`;
  if (!ordered) { got = got.sort(byKey); want = want.sort(byKey); }
  for (let i = 0; i < got.length; i++) {
    if (got[i].length !== want[i].length || !got[i].every((v, j) => cellEq(v, want[i][j]))) {
      return `row ${i}: got ${JSON.stringify(got[i])} expected ${JSON.stringify(want[i])}`;
    }
  }
  if (cols.some((c, i) => c !== exp.columns[i])) return `names ${JSON.stringify(cols)}, DuckDB ${JSON.stringify(exp.columns)}`;
  return null;
}
