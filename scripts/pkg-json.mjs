// Completes pkg/ as an npm package: copies the hand-written JS (Node entry, worker host and
// client, their types, the npm README) from js/ and writes package.json from Cargo.toml.
import { readFileSync, writeFileSync, copyFileSync, readdirSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const out = new URL('pkg/', root);
for (const f of readdirSync(new URL('js/', root))) copyFileSync(new URL(`js/${f}`, root), new URL(f, out));

// wasm-bindgen's `unchecked_param_type` makes trailing optional parameters required in the
// .d.ts: mark exactly these as optional (and fail loudly if a signature changes).
const dts = new URL('insightflow.d.ts', out);
let types = readFileSync(dts, 'utf8');
for (const [from, to] of [
  ['constructor(options: RuntimeOptions)', 'constructor(options?: RuntimeOptions)'],
  ['options: RegisterOptions)', 'options?: RegisterOptions)'],
  ['options: { allow?: AccessList })', 'options?: { allow?: AccessList })'],
  ['onProgress: (event: ProgressEvent) => void)', 'onProgress?: (event: ProgressEvent) => void)'],
  ['auditLog(options: { since?: number; limit?: number })', 'auditLog(options?: { since?: number; limit?: number })'],
]) {
  if (types.includes(to)) continue; // already marked (the script ran before on this build)
  if (!types.includes(from)) throw new Error(`pkg-json: signature not found in insightflow.d.ts: ${from}`);
  types = types.replace(from, to);
}
writeFileSync(dts, types);

const cargo = readFileSync(new URL('Cargo.toml', root), 'utf8');
const field = (k) => (cargo.match(new RegExp(`^${k} = "(.*)"`, 'm')) || [])[1];
const pkg = {
  name: 'insightflow',
  version: field('version'),
  description: field('description'),
  license: field('license'),
  type: 'module',
  main: './node.js',
  module: './insightflow.js',
  browser: './insightflow.js',
  types: './insightflow.d.ts',
  exports: {
    '.': {
      types: './insightflow.d.ts',
      node: { types: './node.d.ts', default: './node.js' },
      browser: './insightflow.js',
      default: './insightflow.js',
    },
    './worker': { types: './client.d.ts', default: './client.js' },
    './insightflow_bg.wasm': './insightflow_bg.wasm',
    './package.json': './package.json',
  },
  files: [
    'insightflow.js', 'insightflow.d.ts', 'insightflow_bg.wasm', 'insightflow_bg.wasm.d.ts',
    'node.js', 'node.d.ts', 'client.js', 'client.d.ts', 'worker.js', 'README.md',
  ],
  // node.js instantiates the wasm on import; the worker script runs on load.
  sideEffects: ['./node.js', './worker.js'],
  keywords: ['analytics', 'sql', 'wasm', 'webassembly', 'polars', 'csv', 'parquet', 'arrow', 'echarts'],
};
writeFileSync(new URL('package.json', out), JSON.stringify(pkg, null, 2) + '\n');
