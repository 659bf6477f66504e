// A tiny app as a web developer writes it: the package by name, no Vite configuration.
import init, { Runtime } from 'insightflow';
import { createWorkerRuntime } from 'insightflow/worker';

const rows = [
  { city: 'Oslo', sales: 10 }, { city: 'Rome', sales: 25 }, { city: 'Oslo', sales: 5 },
];
const SQL = 'SELECT city, SUM(sales) AS total FROM s GROUP BY city ORDER BY city';

async function main() {
  await init();
  const rt = new Runtime();
  await rt.registerRows('s', rows);
  const direct = (await rt.query(SQL)).rows;
  const w = createWorkerRuntime();
  await w.ready;
  await w.registerRows('s', rows);
  const inWorker = (await w.query(SQL)).rows;
  document.body.dataset.result = JSON.stringify({ direct, inWorker });
}
main().catch((e) => { document.body.dataset.result = JSON.stringify({ error: String(e && e.message) }); });
