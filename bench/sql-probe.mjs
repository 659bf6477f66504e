// Which common analytics SQL features Polars SQL (in insightflow's wasm build) runs.
// Usage: node bench/sql-probe.mjs   (needs pkg/ built). Prints a Markdown table.
import { readFileSync } from 'node:fs';
const { initSync, Runtime } = await import('../pkg/insightflow.js');
initSync({ module: readFileSync(new URL('../pkg/insightflow_bg.wasm', import.meta.url)) });

const rt = new Runtime();
const rows = [];
for (let i = 0; i < 200; i++) {
  rows.push({ id: i, region: ['North', 'South', 'East', 'West'][i % 4], cat: `c${i % 7}`,
    amount: (i * 37) % 101 + 0.5, d: new Date(Date.UTC(2020, i % 12, 1 + (i % 28))).toISOString().slice(0, 10) });
}
await rt.registerRows('t', rows);
await rt.registerRows('r', [{ region: 'North', mgr: 'Ann' }, { region: 'South', mgr: 'Bo' }]);

const probes = [
  ['GROUP BY, several aggregates', 'SELECT region, SUM(amount), AVG(amount), MIN(amount), MAX(amount), COUNT(*) FROM t GROUP BY region'],
  ['GROUP BY three keys', 'SELECT region, cat, id % 2 AS odd, COUNT(*) FROM t GROUP BY region, cat, id % 2'],
  ['GROUP BY a SELECT alias', "SELECT CASE WHEN amount > 50 THEN 'hi' ELSE 'lo' END AS k, COUNT(*) AS n FROM t GROUP BY k"],
  ['GROUP BY ordinal', 'SELECT region, COUNT(*) FROM t GROUP BY 1'],
  ['HAVING on aliased aggregate', 'SELECT region, SUM(amount) AS s FROM t GROUP BY region HAVING s > 10'],
  ['HAVING on aggregate not in SELECT', 'SELECT region FROM t GROUP BY region HAVING SUM(amount) > 1000'],
  ['INNER JOIN', 'SELECT t.region, r.mgr, COUNT(*) FROM t JOIN r ON t.region = r.region GROUP BY t.region, r.mgr'],
  ['LEFT JOIN', 'SELECT t.id, r.mgr FROM t LEFT JOIN r ON t.region = r.region'],
  ['SUM() OVER (PARTITION BY)', 'SELECT id, SUM(amount) OVER (PARTITION BY region) FROM t'],
  ['ROW_NUMBER() OVER (ORDER BY)', 'SELECT id, ROW_NUMBER() OVER (ORDER BY amount) AS rn FROM t'],
  ['RANK() OVER', 'SELECT id, RANK() OVER (PARTITION BY region ORDER BY amount DESC) FROM t'],
  ['LAG() OVER', 'SELECT id, LAG(amount) OVER (ORDER BY id) FROM t'],
  ['running SUM (ORDER BY in OVER)', 'SELECT id, SUM(amount) OVER (ORDER BY id) FROM t'],
  ['DATE_TRUNC', "SELECT DATE_TRUNC('month', d) AS m, COUNT(*) FROM t GROUP BY 1"],
  ['STRFTIME', "SELECT STRFTIME(d, '%Y-%m') AS m, COUNT(*) FROM t GROUP BY STRFTIME(d, '%Y-%m')"],
  ['EXTRACT / DATE_PART', 'SELECT EXTRACT(year FROM d) AS y, DATE_PART(\'month\', d) AS m FROM t'],
  ['INTERVAL arithmetic', "SELECT d + INTERVAL '1 month' FROM t"],
  ['CURRENT_DATE', 'SELECT CURRENT_DATE'],
  ['CASE', "SELECT CASE WHEN amount > 50 THEN 'hi' ELSE 'lo' END FROM t"],
  ['ORDER BY + LIMIT + OFFSET', 'SELECT * FROM t ORDER BY amount DESC LIMIT 5 OFFSET 2'],
  ['CTE', 'WITH x AS (SELECT region, SUM(amount) s FROM t GROUP BY region) SELECT * FROM x WHERE s > 0'],
  ['IN (subquery)', "SELECT * FROM t WHERE region IN (SELECT region FROM r)"],
  ['scalar subquery in WHERE', 'SELECT * FROM t WHERE amount > (SELECT AVG(amount) FROM t)'],
  ['correlated subquery', 'SELECT * FROM t a WHERE amount > (SELECT AVG(amount) FROM t b WHERE b.region = a.region)'],
  ['EXISTS', 'SELECT * FROM r WHERE EXISTS (SELECT 1 FROM t WHERE t.region = r.region)'],
  ['UNION ALL', 'SELECT region FROM t UNION ALL SELECT region FROM r'],
  ['UNION (distinct)', 'SELECT region FROM t UNION SELECT region FROM r'],
  ['INTERSECT / EXCEPT', 'SELECT region FROM t EXCEPT SELECT region FROM r'],
  ['COUNT(DISTINCT)', 'SELECT COUNT(DISTINCT cat) FROM t'],
  ['MEDIAN / QUANTILE_CONT', 'SELECT MEDIAN(amount), QUANTILE_CONT(amount, 0.9) FROM t'],
  ['STDDEV / VARIANCE', 'SELECT STDDEV(amount), VARIANCE(amount) FROM t'],
  ['LIKE / ILIKE', "SELECT * FROM t WHERE region LIKE 'N%' OR region ILIKE 's%'"],
  ['string functions', "SELECT UPPER(region), LENGTH(cat), SUBSTR(region, 1, 2), CONCAT(region, '-', cat) FROM t"],
  ['COALESCE / NULLIF', 'SELECT COALESCE(NULL, amount), NULLIF(amount, 0) FROM t'],
  ['CAST', "SELECT CAST(amount AS INTEGER), CAST(id AS VARCHAR) FROM t"],
  ['SELECT DISTINCT', 'SELECT DISTINCT region FROM t'],
  ['FILTER clause', 'SELECT COUNT(*) FILTER (WHERE amount > 50) FROM t'],
];
console.log('| feature | works in wasm | engine said |\n|---|---|---|');
for (const [name, sql] of probes) {
  try {
    const res = await rt.query(sql);
    console.log(`| ${name} | yes (${res.rowCount} rows) | |`);
  } catch (e) {
    console.log(`| ${name} | no | ${e.code}: ${(e.hint || e.message).replace(/\|/g, '/').slice(0, 110)} |`);
  }
}
