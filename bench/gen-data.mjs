// Writes the benchmark table: N rows (default 1,000,000) of id, category (50 values), year,
// amount, as CSV (~25 MB), deterministic (fixed-seed PRNG). Usage: node bench/gen-data.mjs [out.csv] [rows]
import { createWriteStream, mkdirSync, existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { homedir } from 'node:os';

export const DEFAULT_CSV = join(homedir(), '.cache/insightflow/bench/data-1m.csv');
const out = process.argv[2] || DEFAULT_CSV;
const rows = Number(process.argv[3] || 1_000_000);

let s = 0x2545f491;
const rand = () => {
  // xorshift32
  s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
  return s / 0x100000000;
};

if (existsSync(out) && statSync(out).size > rows * 15) {
  console.log(`${out} exists`);
} else {
  mkdirSync(dirname(out), { recursive: true });
  const w = createWriteStream(out);
  w.write('id,category,year,amount\n');
  let buf = [];
  for (let i = 0; i < rows; i++) {
    const cat = `cat_${String(Math.floor(rand() * 50)).padStart(2, '0')}`;
    const year = 2015 + Math.floor(rand() * 10);
    const amount = (rand() * 1000).toFixed(2);
    buf.push(`${i},${cat},${year},${amount}`);
    if (buf.length === 10000) { w.write(buf.join('\n') + '\n'); buf = []; }
  }
  if (buf.length) w.write(buf.join('\n') + '\n');
  await new Promise((r) => w.end(r));
  console.log(`wrote ${rows} rows to ${out} (${(statSync(out).size / 1e6).toFixed(1)} MB)`);
}
