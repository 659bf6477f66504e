// The demo page (www/) end to end in real Chromium (Debian's, via playwright-core): upload a
// real vega-datasets file through the file input, then ask three things of it (a time trend, a
// category breakdown, a top-N) as questions, and check what the user sees: progress to 100 through the ten stages, a
// drawn chart (SVG marks counted), insights, narration, details, no console errors, and no
// request carrying the data anywhere (the page goes offline before the upload). Screenshots
// go to test-output/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, launch } from './harness.mjs';

const root = fileURLToPath(ROOT);
const OUT = join(root, 'test-output');
const DATASET = join(root, 'node_modules/vega-datasets/data/seattle-weather.csv');
const TABLE = 'seattle_weather';
const STAGES = ['validate', 'schema', 'sql', 'execute', 'data', 'chart', 'insights', 'narration', 'combine', 'complete'];

// Each analysis as a question, with reference SQL of the same meaning (its row count must match
// the answer's) and what the answer must show.
const ANALYSES = [
  {
    name: 'trend',
    question: 'average temp_max by month',
    sql: `WITH months AS (
  SELECT CAST(strftime(date, '%Y-%m-01') AS DATE) AS month, temp_max FROM ${TABLE}
)
SELECT month, ROUND(AVG(temp_max), 1) AS avg_temp_max FROM months GROUP BY month ORDER BY month`,
    charts: ['line'],
    rows: 48,
  },
  {
    name: 'breakdown',
    question: 'number of days by weather',
    sql: `SELECT weather, COUNT(*) AS days FROM ${TABLE} GROUP BY weather ORDER BY days DESC`,
    charts: ['bar', 'pie'],
    rows: 5,
  },
  {
    name: 'top-n',
    question: 'top 3 weather by average wind',
    sql: `SELECT weather, ROUND(AVG(wind), 2) AS avg_wind FROM ${TABLE} GROUP BY weather ORDER BY avg_wind DESC LIMIT 3`,
    charts: ['bar', 'pie'],
    rows: 3,
  },
];

/** scripts/serve.mjs on a free port, keeping its request log (one "METHOD URL STATUS" per line). */
function serveLogged() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['scripts/serve.mjs', '--port', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const log = [];
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 15000);
    child.stdout.on('data', (d) => {
      out += d;
      const lines = out.split('\n');
      out = lines.pop();
      for (const line of lines) {
        const m = /^serving (http:\/\/127\.0\.0\.1:\d+\/)/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve({ url: m[1], log, stop: () => child.kill('SIGTERM') });
        } else if (/^[A-Z]+ \//.test(line)) log.push(line);
      }
    });
    child.stderr.on('data', (d) => { out += d; });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}: ${out}`)); });
  });
}

let server, browser, context, page;
const consoleErrors = [];
const requests = []; // every request any page or worker of the context made
let uploadMark = -1; // index in `requests` when the file was handed to the page
let serverMark = -1;
const used = {};

before(async () => {
  mkdirSync(OUT, { recursive: true });
  server = await serveLogged();
  browser = await launch();
  context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  context.on('request', (r) =>
    requests.push({ url: r.url(), method: r.method(), postData: r.postData(), type: r.resourceType(), at: Date.now() }),
  );
  // Anything not for the page's own origin is refused (and stays in `requests`, so it fails below).
  await context.route('**/*', (route) =>
    route.request().url().startsWith(server.url) ? route.continue() : route.abort('blockedbyclient'),
  );
  page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
});

after(async () => {
  await browser?.close();
  server?.stop();
});

async function settled() {
  await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 60000 });
}

/** Runs `action` and waits until the page has finished one more analysis. */
async function nextRun(action) {
  const before = Number(await page.getAttribute('#answer', 'data-run')) || 0;
  await action();
  await page.waitForFunction((n) => Number(document.querySelector('#answer').dataset.run || 0) > n && document.body.dataset.state === 'ready', before, { timeout: 60000 });
  return page.evaluate(() => ({
    state: document.querySelector('#answer').dataset.state,
    error: document.querySelector('#error').hidden ? null : document.querySelector('#error').dataset.code,
  }));
}

/** Asks the question (answering up to three clarifications). */
async function analyse(a) {
  await page.fill('#question', a.question);
  let out = await nextRun(() => page.click('#ask'));
  let clarifications = 0;
  while (out.state === 'clarify' && clarifications < 3) {
    clarifications++;
    const q = await page.textContent('#clarify-question');
    const option = await page.textContent('#clarification [data-option="0"]');
    console.log(`# ${a.name}: clarification "${q}" -> picked "${option}"`);
    out = await nextRun(() => page.click('#clarification [data-option="0"]'));
  }
  assert.notEqual(out.error, 'QUESTION_UNSUPPORTED', `${a.name}: the built-in parser answers "${a.question}"`);
  used[a.name] = `question "${a.question}"${clarifications ? ` after ${clarifications} clarification(s)` : ''}`;
  return { ...out, mode: 'question' };
}

/** What the chart area holds: type, SVG size, and marks drawn in the series' palette colours. */
function chartFacts() {
  return page.evaluate(() => {
    const chart = document.querySelector('#chart');
    const svg = chart.querySelector('#chart-canvas:not([hidden]) svg');
    const inst = window.insightflowDemo?.state?.chart;
    const palette = new Set(((inst && inst.getOption().color) || []).map((c) => String(c).toLowerCase()));
    const paths = svg ? [...svg.querySelectorAll('path')] : [];
    const marks = paths.filter((p) => palette.has((p.getAttribute('fill') || '').toLowerCase()) || palette.has((p.getAttribute('stroke') || '').toLowerCase()));
    const box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
    return {
      type: chart.dataset.type,
      width: box.width,
      height: box.height,
      paths: paths.length,
      filledMarks: marks.filter((p) => (p.getAttribute('fill') || 'none') !== 'none' && (p.getAttribute('fill') || '').toLowerCase() !== '#fff').length,
      longestLine: Math.max(0, ...marks.filter((p) => (p.getAttribute('fill') || 'none') === 'none').map((p) => (p.getAttribute('d') || '').length)),
      kpi: chart.querySelector('#kpi:not([hidden]) .kpi-value')?.textContent ?? null,
    };
  });
}

describe('demo page', () => {
  test('loads the engine in a worker, the sample and its first chart, with no error', async () => {
    await page.goto(server.url);
    await settled();
    assert.equal(await page.getAttribute('#progress', 'data-percent'), '100');
    assert.ok(await page.isVisible('#chart-canvas svg'), 'the start-up chart is drawn');
    assert.deepEqual(consoleErrors, []);
    // The engine runs in a Web Worker: the wasm is fetched by the worker, not the page.
    assert.equal(page.workers().length, 1, 'one worker hosts the engine');
    await page.waitForTimeout(600); // the chart's entry animation
    await page.screenshot({ path: join(OUT, 'demo-start.png'), fullPage: true });
  });

  test('a real dataset uploaded through the file input, offline, shows its schema', async () => {
    // Once loaded the page needs no network: go offline before the data arrives.
    await context.setOffline(true);
    uploadMark = requests.length;
    serverMark = server.log.length;
    await page.setInputFiles('#file', DATASET);
    await page.waitForSelector(`#tables li[data-table="${TABLE}"]`, { timeout: 60000 });
    await page.waitForFunction((t) => document.querySelector('#status').textContent.startsWith(`Preview of ${t}`), TABLE, { timeout: 60000 });
    await settled();
    assert.equal(await page.getAttribute('#schema', 'data-table'), TABLE);
    const columns = await page.$$eval('#schema .column-name', (els) => els.map((e) => e.textContent));
    assert.deepEqual(columns, ['date', 'precipitation', 'temp_max', 'temp_min', 'wind', 'weather']);
    assert.equal(await page.inputValue('#source'), TABLE, 'questions now go to the uploaded table');
    assert.equal(await page.getAttribute('#status', 'data-row-count'), '100', 'a preview of the first rows');
  });

  for (const a of ANALYSES) {
    test(`${a.name}: progress to 100, chart, insights, narration, details`, async () => {
      const out = await analyse(a);
      console.log(`# ${a.name}: ran as ${used[a.name]}`);
      assert.equal(out.error, null, `no error shown (got ${out.error})`);
      assert.equal(out.state, 'done');

      // Progress: 100 %, every one of the ten stages reported, by name.
      assert.equal(await page.getAttribute('#progress', 'data-percent'), '100');
      assert.equal(await page.getAttribute('#progress', 'aria-valuenow'), '100');
      assert.equal(await page.getAttribute('#progress', 'data-status'), 'done');
      const stages = await page.$$eval('#stages li', (els) => els.map((e) => [e.dataset.stage, e.dataset.status, e.querySelector('.stage-name').textContent]));
      assert.deepEqual(stages.map((s) => s[0]), STAGES);
      for (const [stage, status] of stages) assert.ok(['done', 'skipped'].includes(status), `${stage} is ${status}`);
      assert.equal(stages.at(-1)[1], 'done');

      // The chart: drawn as SVG, with marks in the series colours.
      await page.waitForTimeout(600); // the 300 ms entry animation
      const chart = await chartFacts();
      console.log(`# ${a.name}: chart ${JSON.stringify(chart)}`);
      const rows = Number(await page.getAttribute('#status', 'data-row-count'));
      assert.equal(rows, a.rows, 'the answer has the expected number of rows');
      const ref = await page.evaluate((sql) => window.insightflowDemo.runtime.query(sql).then((r) => r.rows.length), a.sql);
      assert.equal(rows, ref, 'the question and its reference SQL give the same number of rows');
      assert.ok(a.charts.includes(chart.type), `chart type ${chart.type}`);
      assert.ok(chart.width > 300 && chart.height > 200, 'a visible SVG');
      if (chart.type === 'line') assert.ok(chart.longestLine > 8 * rows, 'a line through every point');
      else if (chart.type === 'bar') assert.equal(chart.filledMarks, rows, 'one bar per row');
      else assert.ok(chart.filledMarks > 0, 'some marks');

      // Insights as a list, and the narration.
      const insights = await page.$$eval('#insights li', (els) => els.map((e) => e.textContent));
      assert.ok(insights.length >= 1, 'at least one insight');
      assert.ok(await page.isVisible('#insights'));
      const narration = (await page.textContent('#narration')).trim();
      assert.ok(narration.length > 20, `narration: ${narration}`);
      assert.ok(!(await page.getAttribute('#narration', 'class')).includes('placeholder'));

      // The SQL that ran is in the editor, and the details panel has every stage's timing.
      assert.ok((await page.inputValue('#sql')).toUpperCase().includes('SELECT'));
      if (!(await page.getAttribute('#details', 'open'))) await page.click('#details summary');
      const detail = await page.$$eval('#details .stage-table tbody tr', (trs) => trs.map((tr) => [tr.dataset.stage, tr.children[6].textContent]));
      assert.deepEqual(detail.map((d) => d[0]), STAGES);
      assert.ok(detail.slice(0, 9).every((d) => /ms|s$/.test(d[1])), `timings: ${JSON.stringify(detail)}`);
      assert.match(await page.textContent('#details .facts'), /Engine\s*local/);
      assert.match(await page.textContent('#details .cache-stats'), /Result cache: \d+ entr/);

      await page.screenshot({ path: join(OUT, `demo-${a.name}.png`), fullPage: true });
      await page.click('#details summary'); // closed again for the next screenshot
    });
  }

  test('the SQL in the editor runs again, from the result cache', async () => {
    // The editor holds the SQL of the last analysis (written from the question, if one was asked).
    await nextRun(() => page.click('#run'));
    assert.match(await page.textContent('#details-summary'), /result cache hit/);
    assert.match(await page.textContent('#answer-meta'), /from the result cache/);
  });

  test('a top-N over time periods is shown as a ranking, not a trend', async () => {
    await page.fill('#question', 'top 5 months by total precipitation');
    const out = await nextRun(() => page.click('#ask'));
    assert.equal(out.state, 'done');
    await page.waitForTimeout(600);
    await page.screenshot({ path: join(OUT, 'demo-top-months.png'), fullPage: true });
    assert.equal(await page.getAttribute('#chart', 'data-type'), 'bar');
    assert.doesNotMatch(await page.textContent('#narration'), /rose|fell|from \d{4}|up [\d.]+% from/);
    assert.match(await page.textContent('#narration'), /The month with the highest total precipitation was Dec 2015/);
  });

  test('errors are shown plainly, with a code and a hint', async () => {
    await page.fill('#sql', `DROP TABLE ${TABLE}`);
    let out = await nextRun(() => page.click('#run'));
    assert.equal(out.error, 'SQL_FORBIDDEN');
    assert.ok((await page.textContent('#error .error-hint')).length > 10);
    assert.equal(await page.getAttribute('#progress', 'data-status'), 'failed');
    await page.fill('#sql', `SELECT no_such_column FROM ${TABLE}`);
    out = await nextRun(() => page.click('#run'));
    assert.equal(out.error, 'UNKNOWN_COLUMN');
    assert.match(await page.textContent('#error .error-title'), /column/);
    await page.screenshot({ path: join(OUT, 'demo-error.png') });
  });

  test('an ambiguous question gets a clarification from the parser; the choice answers it', async (t) => {
    await page.fill('#question', 'average temp by weather');
    let out = await nextRun(() => page.click('#ask'));
    assert.equal(out.state, 'clarify');
    const options = await page.$$eval('#clarification [data-option]', (els) => els.map((e) => e.textContent));
    assert.ok(options.includes('temp_min') && options.includes('temp_max'), `options: ${options}`);
    await page.screenshot({ path: join(OUT, 'demo-clarification-parser.png') });
    const pick = options.indexOf('temp_min');
    out = await nextRun(() => page.click(`#clarification [data-option="${pick}"]`));
    assert.equal(out.state, 'done');
    assert.match(await page.inputValue('#sql'), /temp_min/);
    assert.equal(await page.getAttribute('#status', 'data-row-count'), '5');
  });

  test('a clarification is shown with its options as buttons, and a choice re-asks', async () => {
    // Stands in for the question parser: the first answer is a clarification, and the
    // follow-up (carrying the chosen option) gets a real answer from the engine.
    await page.evaluate((table) => {
      const rt = window.insightflowDemo.runtime;
      const real = rt.analyze.bind(rt);
      window.__requests = [];
      rt.analyze = async (req, onProgress) => {
        window.__requests.push(JSON.parse(JSON.stringify({ ...req, options: undefined })));
        if (!req.answer) {
          return {
            sql: '', intent: null, chart: null, chartSpec: null, insights: [], narration: null, warnings: [],
            data: { columns: [], rows: [], rowCount: 0, truncated: false }, progress: [], metadata: [],
            cache: { schema: 'hit', result: 'bypass' }, engine: 'local', elapsedMs: 1,
            clarification: {
              question: "Which column do you mean by 'temp': 'temp_max' or 'temp_min'?",
              options: [{ label: 'temp_max', column: 'temp_max', word: 'temp' }, { label: 'temp_min', column: 'temp_min', word: 'temp' }],
            },
          };
        }
        return real({ source: table, sql: `SELECT weather, AVG(${req.answer[0].column}) AS avg_temp FROM ${table} GROUP BY weather ORDER BY weather`, options: req.options }, onProgress);
      };
    }, TABLE);
    await page.fill('#question', 'average temp by weather');
    let out = await nextRun(() => page.click('#ask'));
    assert.equal(out.state, 'clarify');
    assert.match(await page.textContent('#clarify-question'), /Which column/);
    assert.deepEqual(await page.$$eval('#clarification [data-option]', (els) => els.map((e) => e.textContent)), ['temp_max', 'temp_min']);
    await page.screenshot({ path: join(OUT, 'demo-clarification.png') });
    out = await nextRun(() => page.click('#clarification [data-option="1"]'));
    assert.equal(out.state, 'done');
    assert.equal(await page.isHidden('#clarification'), true);
    const sent = await page.evaluate(() => window.__requests);
    assert.deepEqual(sent.at(-1).answer, [{ label: 'temp_min', column: 'temp_min', word: 'temp' }]);
    assert.equal(sent.at(-1).question, 'average temp by weather');
    await page.evaluate(() => { delete window.insightflowDemo.runtime.analyze; }); // back to the prototype's
  });

  test('no console errors, and nothing left the page for the local data', async () => {
    assert.deepEqual(consoleErrors, [], 'console errors');
    const origin = new URL(server.url).origin;
    const foreign = requests.filter((r) => !r.url.startsWith(origin + '/'));
    assert.deepEqual(foreign, [], 'requests to other origins');
    const notGet = requests.filter((r) => r.method !== 'GET' || r.postData);
    assert.deepEqual(notGet, [], 'only GETs without a body');
    // After the upload the page fetched nothing at all: the data, the analyses and the charts
    // stayed in the tab (and it was offline).
    const afterUpload = requests.slice(uploadMark);
    assert.deepEqual(afterUpload.map((r) => r.url), [], 'requests after the upload');
    assert.deepEqual(server.log.slice(serverMark), [], 'the server saw nothing after the upload');
    // Before it: only the page's own assets, each one a file the server has.
    const csv = readFileSync(DATASET, 'utf8');
    const probe = csv.split('\n')[1]; // a data row, e.g. "2012-01-01,0.0,12.8,5.0,4.7,drizzle"
    for (const r of requests) assert.ok(!decodeURIComponent(r.url).includes(probe), `data in ${r.url}`);
    for (const line of server.log) assert.match(line, /^GET \S+ (200|304)$/, line);
    console.log(`# requests: ${requests.length} before the upload (${[...new Set(requests.map((r) => new URL(r.url).pathname))].join(', ')}), ${afterUpload.length} after`);
    for (const [name, how] of Object.entries(used)) console.log(`# ${name}: ${how}`);
  });
});
