// Quick figures in headless Chromium (main thread, no worker): fetch + compile + instantiate,
// 1 M-row CSV load, one GROUP BY; medians of 5 after a warm-up.
// Usage: node bench/gen-data.mjs && node bench/quick-browser.mjs
import { homedir } from 'node:os';
import { join } from 'node:path';
import { serve, launch } from '../tests/browser/harness.mjs';

const server = await serve(['--mount', `/bench=${join(homedir(), '.cache/insightflow/bench')}`]);
const browser = await launch();
try {
  const page = await browser.newPage();
  await page.goto(`${server.url}`);
  const fig = await page.evaluate(async () => {
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    let t0 = performance.now();
    const mod = await import('/pkg/insightflow.js?bench');
    await mod.default({ module_or_path: '/pkg/insightflow_bg.wasm?bench' });
    const startupMs = performance.now() - t0;
    const csv = new Uint8Array(await (await fetch('/bench/data-1m.csv')).arrayBuffer());
    const SQL = 'SELECT category, year, SUM(amount) AS total, COUNT(*) AS n FROM t GROUP BY category, year ORDER BY total DESC LIMIT 10';
    const load = [], query = [];
    for (let i = 0; i < 6; i++) {
      const rt = new mod.Runtime();
      t0 = performance.now();
      await rt.registerTable('t', csv);
      const l = performance.now() - t0;
      t0 = performance.now();
      await rt.query(SQL);
      const q = performance.now() - t0;
      if (i > 0) { load.push(l); query.push(q); }
      rt.free();
    }
    return { startupMs: +startupMs.toFixed(1), loadMsP50: +median(load).toFixed(1), groupByMsP50: +median(query).toFixed(1) };
  });
  console.log(JSON.stringify({ where: `chromium ${browser.version()} (headless)`, ...fig }, null, 2));
} finally {
  await browser.close();
  server.stop();
}
