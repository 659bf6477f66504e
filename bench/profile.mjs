#!/usr/bin/env node
// Where insightflow spends a workload's time: runs it in headless Chromium under the V8 CPU
// profiler (DevTools protocol) and prints the functions with the most self time, wasm frames
// named from the module's name section (keep it: profile a build that was not run through
// wasm-opt, e.g. `--pkg <dir with wasm-bindgen's output>`).
//
//   node bench/profile.mjs [--pkg DIR] [--runs 3] csv            # load + GROUP BY, 1 M-row CSV
//   node bench/profile.mjs [--pkg DIR] [--sf 0.1] tpch "<SQL>"    # one query over the TPC-H tables
//
// Needs the data bench/run.sh generates. Prints a Markdown table (top 30 by self time).
import { spawn } from 'node:child_process';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { TABLES } from './tpch-queries.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CACHE = join(homedir(), '.cache/insightflow');
const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); if (i < 0) return dflt; const v = args[i + 1]; args.splice(i, 2); return v; };
const pkg = resolve(opt('--pkg', join(ROOT, 'pkg')));
const runs = Number(opt('--runs', 3));
const sf = opt('--sf', '0.1');
const [what = 'csv', sql] = args;

const server = await new Promise((res, rej) => {
  const child = spawn(process.execPath, ['scripts/serve.mjs', '--port', '0', '--root', 'bench/page', '--mount', `/pkg=${pkg}`,
    '--mount', '/nm=node_modules', '--mount', `/data/bench=${join(CACHE, 'bench')}`, '--mount', `/data/tpch=${join(CACHE, 'tpch')}`,
    '--mount', `/bundles=${join(CACHE, 'bench/bundles')}`, '--quiet'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const on = (d) => { out += d; const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out); if (m) res({ url: m[1], stop: () => child.kill() }); };
  child.stdout.on('data', on); child.stderr.on('data', on);
  child.on('exit', (c) => rej(new Error(`server exited ${c}: ${out}`)));
});
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
});
try {
  const page = await browser.newPage();
  await page.goto(`${server.url}index.html`);
  await page.waitForFunction(() => window.B && window.B.ready);
  await page.evaluate(() => window.B.startup('insightflow'));
  if (what === 'csv') await page.evaluate(() => window.B.fetch('csv', '/data/bench/data-1m.csv'));
  else await page.evaluate(([s, t]) => window.B.tpchLoad(s, t), [sf, TABLES]);
  const run = () => (what === 'csv'
    ? page.evaluate(() => window.B.loadAgg('csv'))
    : page.evaluate((q) => window.B.tpchQuery(0, q), sql));
  const warm = await run(); // warm-up (and tier-up) outside the profile
  if (warm.error) throw new Error(`${warm.error.code}: ${warm.error.message} ${warm.error.hint || ''}`);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  for (let i = 0; i < runs; i++) await run();
  const { profile } = await cdp.send('Profiler.stop');
  // Self time per function: samples x interval, attributed to each sample's leaf node.
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const dt = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    dt.set(id, (dt.get(id) || 0) + (profile.timeDeltas[i + 1] ?? 0));
  }
  const self = new Map();
  let total = 0;
  for (const [id, us] of dt) {
    const f = byId.get(id).callFrame;
    const name = f.functionName || `(anonymous ${f.url.split('/').pop()})`;
    self.set(name, (self.get(name) || 0) + us);
    total += us;
  }
  const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 30);
  console.log(`\n${what === 'csv' ? 'load + GROUP BY, 1 M-row CSV' : `SF ${sf}: ${sql.replace(/\s+/g, ' ').slice(0, 80)}…`} · ${runs} runs · ${(total / 1000).toFixed(0)} ms sampled\n`);
  console.log('| self % | self ms | function |\n|--:|--:|---|');
  for (const [name, us] of top) {
    console.log(`| ${((100 * us) / total).toFixed(1)} | ${(us / 1000).toFixed(0)} | \`${name.replace(/\|/g, '/').slice(0, 110)}\` |`);
  }
} finally {
  await browser.close();
  server.stop();
}
