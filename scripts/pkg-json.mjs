// Writes pkg/package.json (and pkg/README.md) for the npm package from Cargo.toml.
import { readFileSync, writeFileSync, existsSync, copyFileSync } from 'node:fs';

const cargo = readFileSync(new URL('../Cargo.toml', import.meta.url), 'utf8');
const field = (k) => (cargo.match(new RegExp(`^${k} = "(.*)"`, 'm')) || [])[1];
const pkg = {
  name: 'insightflow',
  version: field('version'),
  description: field('description'),
  license: field('license'),
  type: 'module',
  main: './insightflow.js',
  module: './insightflow.js',
  types: './insightflow.d.ts',
  exports: {
    '.': { types: './insightflow.d.ts', default: './insightflow.js' },
    './insightflow_bg.wasm': './insightflow_bg.wasm',
    './package.json': './package.json',
  },
  files: ['insightflow.js', 'insightflow.d.ts', 'insightflow_bg.wasm', 'insightflow_bg.wasm.d.ts', 'README.md'],
  sideEffects: false,
  keywords: ['analytics', 'sql', 'wasm', 'polars', 'csv', 'parquet', 'arrow'],
};
const out = new URL('../pkg/', import.meta.url);
writeFileSync(new URL('package.json', out), JSON.stringify(pkg, null, 2) + '\n');
const readme = new URL('../README.md', import.meta.url);
if (existsSync(readme)) copyFileSync(readme, new URL('README.md', out));
