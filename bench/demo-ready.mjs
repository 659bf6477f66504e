// The package's size (each file raw / gzip / brotli) and the demo page's time from navigation
// to ready (wasm fetched + compiled + instantiated in the worker, the bundled sample registered
// and its first answer drawn — chart, insights, narration: `document.body.dataset.state ===
// 'ready'`), in headless Chromium, each run in a fresh browser context (empty HTTP cache).
// Benchmark, not a test.
//
//   bash scripts/build.sh && node bench/demo-ready.mjs [runs]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { ROOT, serve, launch } from '../tests/browser/harness.mjs';

const runs = Number(process.argv[2] || 5);
const pkg = new URL('pkg/', ROOT);
const kb = (n) => (n / 1024).toFixed(1);
console.log('| file | raw KB | gzip -9 KB | brotli -11 KB |\n|---|--:|--:|--:|');
let total = [0, 0, 0];
for (const f of readdirSync(pkg).filter((f) => /\.(wasm|js)$/.test(f)).sort()) {
  const b = readFileSync(new URL(f, pkg));
  const sizes = [b.length, gzipSync(b, { level: 9 }).length, brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: b.length } }).length];
  sizes.forEach((s, i) => { total[i] += s; });
  console.log(`| ${f} | ${sizes.map(kb).join(' | ')} |`);
}
console.log(`| all .wasm + .js | ${total.map(kb).join(' | ')} |`);

const server = await serve(['--quiet']);
const browser = await launch();
const times = [];
for (let i = 0; i < runs + 1; i++) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(server.url);
  await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 60000 });
  const t = await page.evaluate(() => performance.now());
  if (i > 0) times.push(t); // the first run warms the OS file cache and the server
  await ctx.close();
}
await browser.close();
server.stop();
times.sort((a, b) => a - b);
console.log(`\npage load → ready (ms, ${runs} runs after a warm-up, fresh context each): median ${times[Math.floor(times.length / 2)].toFixed(0)}, min ${times[0].toFixed(0)}, max ${times.at(-1).toFixed(0)}`);
