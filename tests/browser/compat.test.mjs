// The SQL compatibility corpus (tests/compat/vega.sql, DuckDB's expected results) through the
// package in real Chromium: the rewrite layer in the browser build answers as DuckDB does.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ROOT, serve, launch, openPage } from './harness.mjs';
import { parseKnownFailures } from '../compat/compat.mjs';

const known = parseKnownFailures(readFileSync(new URL('tests/compat/known_failures.txt', ROOT), 'utf8'));
let server, browser;
before(async () => {
  server = await serve(['--mount', '/t=tests/browser/pages', '--mount', '/compat=tests/compat', '--mount', '/data=node_modules/vega-datasets/data', '--quiet']);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  server?.stop();
});

test('the vega-datasets corpus matches DuckDB in Chromium', async () => {
  const { page, errors, requests } = await openPage(browser);
  await page.goto(`${server.url}t/plain.html`); // same origin as /pkg; its script only defines window.run
  const out = await page.evaluate(async () => {
    const { default: init, Runtime } = await import('/pkg/insightflow.js');
    const C = await import('/compat/compat.mjs');
    await init();
    const rt = new Runtime();
    for (const [name, file] of C.VEGA_TABLES) {
      await rt.registerTable(name, new Uint8Array(await (await fetch(`/data/${file}`)).arrayBuffer()));
    }
    const cases = C.parseCorpus(await (await fetch('/compat/vega.sql')).text());
    const expected = await (await fetch('/compat/expected/vega.json')).json();
    const results = [];
    for (const c of cases) {
      const exp = expected[c.name];
      if (!exp || exp.duckdb_error) continue;
      let diff;
      try { diff = C.compareResult(await rt.query(c.sql), exp, c.ordered); } catch (e) { diff = `${e.code}: ${e.message}`; }
      results.push({ name: c.name, diff });
    }
    return results;
  });
  const matched = out.filter((r) => r.diff === null).length;
  console.log(`vega-datasets corpus (Chromium): ${matched} of ${out.length} match DuckDB`);
  assert.ok(out.length >= 200, `${out.length} queries ran`);
  // weather_monthname: ROUND(6.3625, 3) on a tie after a float sum in another order (see tests/node/compat.test.mjs)
  const unexpected = out.filter((r) => r.diff !== null && !known.has(r.name) && r.name !== 'weather_monthname');
  assert.deepEqual(unexpected, []);
  assert.deepEqual(out.filter((r) => r.diff === null && known.has(r.name)).map((r) => r.name), [], 'now matching: remove from known_failures.txt');
  assert.deepEqual(errors, []);
  assert.ok(requests.every((r) => r.url.startsWith(server.url)), 'no request left the page');
  await page.close();
});
