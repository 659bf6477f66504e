// The insightflow demo page: plain ES module, no build step, no framework, works offline once
// loaded. The engine runs in a Web Worker (createWorkerRuntime), so the page never freezes.
// Every piece of data reaches the DOM through textContent, never innerHTML: cell values,
// column names, file names, questions, insights, narration and error messages are user data.

const CLIENT_URL = '/pkg/client.js';
const ECHARTS_URL = '/vendor/echarts/echarts.esm.min.js';
const SAMPLE_URL = 'data/seattle-weather.csv';
const SAMPLE_FILE = 'seattle-weather.csv';
const SAMPLE_TABLE = 'weather';
const PAGE_SIZE = 100;
const NUMERIC_TYPES = new Set(['integer', 'number', 'decimal', 'duration']);
const TIME_TYPES = new Set(['date', 'datetime']);
// The request field that carries the options picked in clarifications (issue 4: "a follow-up
// may pass the chosen option back"): `answer`, one option or the list of successive choices.
const FOLLOW_UP_FIELD = 'answer';

const STAGES = [
  ['validate', 'Validate'],
  ['schema', 'Schema'],
  ['sql', 'SQL'],
  ['execute', 'Execute'],
  ['data', 'Data'],
  ['chart', 'Chart'],
  ['insights', 'Insights'],
  ['narration', 'Narration'],
  ['combine', 'Combine'],
  ['complete', 'Complete'],
];
const STAGE_LABEL = new Map(STAGES);

const DEFAULT_SQL = `-- Seattle weather 2012–2015: days, temperature and rain per kind of weather
SELECT weather,
       COUNT(*) AS days,
       ROUND(AVG(temp_max), 1) AS avg_temp_max,
       ROUND(AVG(temp_min), 1) AS avg_temp_min,
       ROUND(SUM(precipitation), 1) AS total_precipitation
FROM weather
GROUP BY weather
ORDER BY days DESC`;

// SQL examples for the bundled sample (the editor's chips).
const EXAMPLES = [
  { label: 'Per weather', sql: DEFAULT_SQL },
  {
    label: 'Per year',
    // A CTE: this engine cannot GROUP BY an alias or a date-part expression directly.
    sql: `WITH days AS (
  SELECT EXTRACT(YEAR FROM date) AS year, precipitation, temp_max, temp_min
  FROM weather
)
SELECT year,
       ROUND(SUM(precipitation), 1) AS precipitation,
       ROUND(AVG(temp_max), 1) AS avg_temp_max,
       MAX(temp_max) AS hottest,
       MIN(temp_min) AS coldest
FROM days
GROUP BY year
ORDER BY year`,
  },
  {
    label: 'Hottest days',
    sql: `SELECT date, temp_max, temp_min, weather
FROM weather
ORDER BY temp_max DESC, date
LIMIT 10`,
  },
  { label: 'All rows', sql: 'SELECT * FROM weather' },
];

// Words that would make `SELECT * FROM <name>` fail if a file were named after them.
const RESERVED = new Set(
  ('all and any array as asc between by case cast create delete desc distinct drop else end except exists ' +
    'false fetch filter for from full group having in inner insert intersect interval is join lateral left like ' +
    'limit natural not null offset on or order outer over right select set table then true union update using ' +
    'values when where window with date time timestamp').split(' '),
);

// A friendly headline per error code; the library's message and hint follow it.
const ERROR_TITLES = {
  SQL_SYNTAX: 'The SQL could not be read',
  SQL_FORBIDDEN: 'Only read-only queries run here',
  SQL_UNSUPPORTED: 'The in-page engine cannot run this SQL yet',
  UNKNOWN_TABLE: 'There is no table of that name',
  UNKNOWN_COLUMN: 'There is no column of that name',
  BAD_FILE: 'The file could not be read',
  UNSUPPORTED_FORMAT: 'This kind of file is not supported',
  EMPTY_INPUT: 'The file is empty',
  TOO_LARGE: 'That is too large for this page',
  QUERY_FAILED: 'The query failed',
  INVALID_ARGUMENT: 'Something is missing from the request',
  ACCESS_DENIED: 'You may not use this table',
  ABORTED: 'Stopped',
  TIMEOUT: 'That took too long',
  QUESTION_UNSUPPORTED: 'Ask in SQL for now',
  INTERNAL: 'Something went wrong inside insightflow',
  ENGINE_NOT_LOADED: 'The analytics engine could not start',
};

const $ = (sel) => document.querySelector(sel);
const el = {
  askForm: $('#ask-form'),
  source: $('#source'),
  question: $('#question'),
  ask: $('#ask'),
  suggestions: $('#suggestions'),
  sql: $('#sql'),
  sqlOrigin: $('#sql-origin'),
  run: $('#run'),
  cancel: $('#cancel'),
  form: $('#query-form'),
  examples: $('#examples'),
  progressCard: $('#progress-card'),
  progress: $('#progress'),
  progressFill: $('#progress .progress-fill'),
  progressLabel: $('#progress-label'),
  progressPercent: $('#progress-percent'),
  stages: $('#stages'),
  answer: $('#answer'),
  answerMeta: $('#answer-meta'),
  narration: $('#narration'),
  chart: $('#chart'),
  chartCanvas: $('#chart-canvas'),
  kpi: $('#kpi'),
  kpiValue: $('#kpi .kpi-value'),
  kpiLabel: $('#kpi .kpi-label'),
  chartNote: $('#chart-note'),
  insights: $('#insights'),
  insightsWrap: $('#answer .insights-wrap'),
  warnings: $('#warnings'),
  clarification: $('#clarification'),
  clarifyQuestion: $('#clarify-question'),
  clarifyOptions: $('#clarification .clarify-options'),
  details: $('#details'),
  detailsSummary: $('#details-summary'),
  detailsBody: $('#details-body'),
  result: $('#result'),
  thead: $('#result thead'),
  tbody: $('#result tbody'),
  resultEmpty: $('#result-empty'),
  status: $('#status'),
  error: $('#error'),
  errorTitle: $('#error .error-title'),
  errorMessage: $('#error .error-message'),
  errorHint: $('#error .error-hint'),
  errorCode: $('#error .error-code code'),
  schema: $('#schema'),
  notice: $('#notice'),
  noticeText: $('#notice .notice-text'),
  noticeClose: $('#notice-close'),
  tables: $('#tables'),
  tablesEmpty: $('#tables-empty'),
  file: $('#file'),
  dropzone: $('#dropzone'),
  pager: $('#pager'),
  prev: $('#prev'),
  next: $('#next'),
  pageInfo: $('#page-info'),
  version: $('#version'),
  modKey: $('#mod-key'),
};

const state = {
  rt: null,
  echarts: null, // the ECharts module, once loaded
  chart: null, // the ECharts instance
  tableNames: [],
  schemas: new Map(), // table name -> schema
  selected: null, // table the question is about and whose schema is shown
  result: null, // {columns, rows, rowCount, truncated} shown in the table
  page: 0,
  started: false,
  questions: 'unknown', // 'unknown' | 'yes' | 'no': whether this build answers questions
  controller: null, // AbortController of the running analysis
  runs: 0,
};

// ---------------------------------------------------------------------------------------------
// Small helpers

function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v == null || v === false) continue;
    if (k === 'text') node.textContent = v;
    else if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c != null) node.append(c);
  return node;
}

const fmtInt = (n) => Number(n).toLocaleString();
const plural = (n, one, many = one + 's') => `${fmtInt(n)} ${n === 1 ? one : many}`;

function fmtMs(ms) {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '';
  if (ms < 1) return '< 1 ms';
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

function fmtBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

function fmtNumber(v) {
  if (typeof v !== 'number') return v == null ? '—' : String(v);
  const abs = Math.abs(v);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return v.toLocaleString(undefined, { maximumFractionDigits: Number.isInteger(v) ? 0 : digits });
}

const fmtShape = (s) => (Array.isArray(s) ? `${fmtInt(s[0])} × ${fmtInt(s[1])}` : '—');

/** Quotes an identifier for SQL when it is not a plain lowercase-safe name. */
function ident(name) {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !RESERVED.has(name.toLowerCase())
    ? name
    : `"${name.replace(/"/g, '""')}"`;
}

/** A column alias made of safe characters. */
function alias(...parts) {
  return ident(parts.join('_').replace(/[^A-Za-z0-9_]+/g, '_').replace(/_+/g, '_').replace(/^_|_$/g, '').toLowerCase() || 'value');
}

/** Gives the browser a chance to paint (e.g. "Running…") before starting work. */
function nextPaint() {
  return new Promise((resolve) => {
    requestAnimationFrame(() => setTimeout(resolve, 0));
    setTimeout(resolve, 100); // rAF does not fire in background tabs
  });
}

// All engine calls run one at a time, in order.
let queue = Promise.resolve();
function serial(task) {
  const run = queue.then(task, task);
  queue = run.catch(() => {});
  return run;
}

let busyCount = 0;
function setBusy(on) {
  busyCount = Math.max(0, busyCount + (on ? 1 : -1));
  refreshControls();
}

/** Enables and disables the controls from the busy count, the engine and the tables. */
function refreshControls() {
  const busy = busyCount > 0;
  const off = busy || !state.rt;
  el.run.disabled = off;
  el.ask.disabled = off || !state.selected;
  el.source.disabled = off || state.tableNames.length === 0;
  el.run.textContent = busy && !state.controller ? 'Working…' : 'Run';
  el.cancel.hidden = !(busy && state.controller);
  for (const b of el.suggestions.querySelectorAll('button')) b.disabled = off;
  for (const b of el.clarifyOptions.querySelectorAll('button')) b.disabled = off;
  // 'loading' until start-up (engine, sample, first analysis) is done: tests wait for 'ready'.
  document.body.dataset.state = busy ? 'busy' : state.started ? 'ready' : 'loading';
  el.result.setAttribute('aria-busy', String(busy));
}

function setStatus(text, data = {}) {
  el.status.textContent = text;
  for (const key of ['rowCount', 'elapsedMs']) {
    if (key in data) el.status.dataset[key] = String(data[key]);
    else delete el.status.dataset[key];
  }
}

// ---------------------------------------------------------------------------------------------
// Errors, notices

function showError(err, context) {
  const e = err || {};
  const isOurs = typeof e.code === 'string' && e.code.length > 0;
  const message = (e && e.message) || String(err);
  let hint = isOurs ? e.hint || '' : '';
  const code = isOurs ? e.code : 'INTERNAL';
  if (code === 'QUESTION_UNSUPPORTED') {
    hint =
      'This build answers SQL only. Write SQL in the editor below, or pick one of the suggestions: ' +
      'it runs as the equivalent SQL.';
  } else if (!isOurs && e instanceof WebAssembly.RuntimeError) {
    hint = 'The engine crashed. This is a bug in insightflow; reload the page to start again.';
  } else if (!isOurs && !hint) {
    hint = 'Something unexpected went wrong; reloading the page may help.';
  }
  el.errorTitle.textContent = ERROR_TITLES[code] || 'That did not work';
  el.errorMessage.textContent = context ? `${context}: ${message}` : message;
  el.errorHint.textContent = hint;
  el.errorHint.hidden = !hint;
  el.errorCode.textContent = code;
  el.error.dataset.code = code;
  el.error.hidden = false;
  if (isOurs) console.info(context || 'insightflow', code, message);
  else console.error(context || 'insightflow', err);
}

function showNotice(text) {
  el.noticeText.textContent = text;
  el.notice.hidden = !text;
}

function clearError() {
  el.error.hidden = true;
  delete el.error.dataset.code;
}

// ---------------------------------------------------------------------------------------------
// Tables and schema

async function refreshTables() {
  state.tableNames = state.rt ? await state.rt.tables() : [];
  for (const name of [...state.schemas.keys()]) if (!state.tableNames.includes(name)) state.schemas.delete(name);
  if (state.selected && !state.tableNames.includes(state.selected)) state.selected = state.tableNames[0] ?? null;
  if (!state.selected && state.tableNames.length) state.selected = state.tableNames[0];
  await ensureSchema(state.selected);
  renderTables();
  renderSchema();
  renderSource();
  renderSuggestions();
}

async function ensureSchema(name) {
  if (!name || state.schemas.has(name) || !state.rt) return state.schemas.get(name) ?? null;
  try {
    const schema = await state.rt.schema(name);
    state.schemas.set(name, schema);
    return schema;
  } catch {
    return null;
  }
}

function renderTables() {
  const names = state.tableNames;
  el.tables.replaceChildren(
    ...names.map((name) => {
      const schema = state.schemas.get(name);
      const selected = name === state.selected;
      return h(
        'li',
        { class: selected ? 'selected' : null, 'data-table': name },
        h(
          'button',
          {
            type: 'button',
            class: 'table-name',
            'aria-pressed': String(selected),
            title: `Ask about ${name} and show its columns`,
            onclick: () => selectTable(name),
          },
          h('span', { class: 'name', text: name }),
          schema
            ? h('span', {
                class: 'meta',
                text: `${plural(schema.rowCount, 'row')} · ${plural(schema.columns.length, 'column')}`,
              })
            : null,
        ),
        h('button', {
          type: 'button',
          class: 'ghost small',
          title: `Show the first rows of ${name}`,
          'aria-label': `Preview table ${name}`,
          text: 'Preview',
          onclick: () => {
            selectTable(name);
            setSql(`SELECT * FROM ${ident(name)} LIMIT 100`);
            runSql();
          },
        }),
        h('button', {
          type: 'button',
          class: 'ghost small danger',
          'aria-label': `Drop table ${name}`,
          'data-testid': `drop-${name}`,
          text: 'Drop',
          onclick: () => dropTable(name),
        }),
      );
    }),
  );
  el.tablesEmpty.hidden = names.length > 0;
  const hasSample = names.includes(SAMPLE_TABLE);
  for (const b of el.examples.querySelectorAll('button')) b.disabled = !hasSample;
}

function renderSource() {
  el.source.replaceChildren(
    ...state.tableNames.map((name) => h('option', { value: name, text: name, selected: name === state.selected })),
  );
  if (!state.tableNames.length) el.source.append(h('option', { value: '', text: 'no table yet' }));
  refreshControls();
}

async function selectTable(name) {
  state.selected = name;
  await ensureSchema(name);
  renderSchema();
  renderTables();
  renderSource();
  renderSuggestions();
}

function renderSchema() {
  const name = state.selected;
  const schema = name ? state.schemas.get(name) : null;
  if (!schema) {
    el.schema.replaceChildren(h('p', { class: 'muted', text: 'Select a table to see its columns.' }));
    delete el.schema.dataset.table;
    return;
  }
  el.schema.dataset.table = schema.name;
  const list = h('ul', { class: 'columns', 'aria-label': `Columns of ${schema.name}` });
  for (const col of schema.columns) {
    list.append(
      h(
        'li',
        {},
        h('button', {
          type: 'button',
          class: 'column-name',
          title: `Insert ${col.name} into the query`,
          'aria-label': `Insert column ${col.name} into the query`,
          text: col.name,
          onclick: () => insertIntoSql(ident(col.name)),
        }),
        h('span', { class: `type type-${col.type}`, text: col.type }),
        col.nullable ? h('span', { class: 'nullable', title: 'May contain missing values (null)', text: 'nullable' }) : null,
      ),
    );
  }
  el.schema.replaceChildren(
    h(
      'div',
      { class: 'schema-head' },
      h('strong', { class: 'schema-name', text: schema.name }),
      h('span', {
        class: 'muted small',
        text: `${plural(schema.rowCount, 'row')} · ${plural(schema.columns.length, 'column')}`,
      }),
    ),
    list,
  );
}

async function dropTable(name) {
  await serial(async () => {
    try {
      await state.rt.dropTable(name);
    } catch (err) {
      showError(err, `Could not drop ${name}`);
      return;
    }
    state.schemas.delete(name);
    await refreshTables();
    setStatus(`Dropped table ${name}.`);
  });
}

// ---------------------------------------------------------------------------------------------
// Suggested questions (each with the equivalent SQL, used while questions are unsupported)

const SAMPLE_SUGGESTIONS = [
  {
    label: 'Temperature trend',
    question: 'average temp_max by month',
    sql: `WITH months AS (
  SELECT CAST(strftime(date, '%Y-%m-01') AS DATE) AS month, temp_max
  FROM weather
)
SELECT month, ROUND(AVG(temp_max), 1) AS avg_temp_max
FROM months
GROUP BY month
ORDER BY month`,
  },
  {
    label: 'Days per weather',
    question: 'number of days by weather',
    sql: `SELECT weather, COUNT(*) AS days
FROM weather
GROUP BY weather
ORDER BY days DESC`,
  },
  {
    label: 'Windiest weather',
    question: 'top 3 weather by average wind',
    sql: `SELECT weather, ROUND(AVG(wind), 2) AS avg_wind
FROM weather
GROUP BY weather
ORDER BY avg_wind DESC
LIMIT 3`,
  },
  {
    label: 'Average wind',
    question: 'average wind',
    sql: `SELECT ROUND(AVG(wind), 2) AS avg_wind FROM weather`,
  },
];

/** Up to four questions that fit a table's columns: a trend, a breakdown, a top-N, a KPI. */
function suggestionsFor(schema) {
  if (!schema) return [];
  if (schema.name === SAMPLE_TABLE && schema.columns.some((c) => c.name === 'temp_max')) return SAMPLE_SUGGESTIONS;
  const t = ident(schema.name);
  const cols = schema.columns;
  const time = cols.find((c) => TIME_TYPES.has(c.type));
  const nums = cols.filter((c) => NUMERIC_TYPES.has(c.type) && c.type !== 'duration' && !/(^|_)id$/i.test(c.name));
  const cats = cols.filter((c) => c.type === 'string' || c.type === 'boolean');
  // Prefer a category that is not a name or an identifier (those have a value per row).
  const cat = cats.find((c) => !/(^|_)(name|id|title|key|uuid|description)$/i.test(c.name)) || cats[0];
  const label = cats.find((c) => /(^|_)(name|title)$/i.test(c.name)) || cat;
  const num = nums[0];
  const out = [];
  if (time && num) {
    out.push({
      label: `${num.name} over time`,
      question: `average ${num.name} by month`,
      sql: `WITH months AS (
  SELECT CAST(strftime(${ident(time.name)}, '%Y-%m-01') AS DATE) AS month, ${ident(num.name)} AS value
  FROM ${t}
)
SELECT month, ROUND(AVG(value), 2) AS ${alias('avg', num.name)}
FROM months
GROUP BY month
ORDER BY month`,
    });
  }
  if (cat) {
    out.push({
      label: `Rows per ${cat.name}`,
      question: `count by ${cat.name}`,
      sql: `SELECT ${ident(cat.name)}, COUNT(*) AS records
FROM ${t}
GROUP BY ${ident(cat.name)}
ORDER BY records DESC
LIMIT 50`,
    });
  }
  if (label && num && label !== cat) {
    // A name per row (cars, movies): the rows with the largest values.
    out.push({
      label: `Top 10 ${label.name} by ${num.name}`,
      question: `top 10 ${label.name} by ${num.name}`,
      sql: `SELECT ${ident(label.name)}, ${ident(num.name)}
FROM ${t}
ORDER BY ${ident(num.name)} DESC NULLS LAST
LIMIT 10`,
    });
  } else if (cat && num) {
    // A category: the groups with the largest totals.
    out.push({
      label: `Top 5 ${cat.name} by ${num.name}`,
      question: `top 5 ${cat.name} by total ${num.name}`,
      sql: `SELECT ${ident(cat.name)}, SUM(${ident(num.name)}) AS ${alias('total', num.name)}
FROM ${t}
GROUP BY ${ident(cat.name)}
ORDER BY ${alias('total', num.name)} DESC NULLS LAST
LIMIT 5`,
    });
  }
  if (num) {
    out.push({
      label: `Average ${num.name}`,
      question: `average ${num.name}`,
      sql: `SELECT AVG(${ident(num.name)}) AS ${alias('avg', num.name)} FROM ${t}`,
    });
  }
  return out;
}

function renderSuggestions() {
  const list = suggestionsFor(state.selected ? state.schemas.get(state.selected) : null);
  el.suggestions.replaceChildren(
    h('span', { id: 'suggestions-label', class: 'muted small', text: list.length ? 'Try:' : '' }),
    ...list.map((s) =>
      h('button', {
        type: 'button',
        class: 'chip',
        text: s.label,
        title: `${s.question}`,
        disabled: busyCount > 0 || !state.rt,
        onclick: () => runSuggestion(s),
      }),
    ),
  );
  const first = list[0];
  el.question.placeholder = first ? `e.g. ${first.question}` : 'Add a table first';
}

async function runSuggestion(s) {
  el.question.value = s.question;
  if (state.questions === 'no') {
    await runSql(s.sql, { note: `Questions are not available in this version yet, so “${s.question}” ran as SQL.` });
    return;
  }
  const outcome = await ask(s.question);
  if (outcome === 'unsupported') {
    clearError();
    await runSql(s.sql, { note: `Questions are not available in this version yet, so “${s.question}” ran as SQL.` });
  } else if (outcome === 'failed' && !el.error.hidden && el.error.dataset.code !== 'ABORTED') {
    // A suggestion should always show something: its SQL, saying why.
    const code = el.error.dataset.code;
    clearError();
    await runSql(s.sql, { note: `“${s.question}” could not be answered as a question (${code}), so it ran as SQL.` });
  }
}

// ---------------------------------------------------------------------------------------------
// Registering files

/** A valid table name from a file name: letters, digits, underscores, starting with a letter. */
export function tableNameFor(fileName) {
  let base = String(fileName).replace(/^.*[\\/]/, '');
  base = base.replace(/\.(csv|tsv|tab|txt|json|ndjson|jsonl|parquet|arrow|arrows|feather|ipc)$/i, '');
  let name = base
    .replace(/ß/g, 'ss')
    .replace(/[æÆ]/g, 'ae')
    .replace(/[øØ]/g, 'o')
    .replace(/[œŒ]/g, 'oe')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // é -> e
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!name) name = 'table';
  if (!/^[a-z]/.test(name)) name = `t_${name}`;
  if (RESERVED.has(name)) name = `${name}_table`;
  return name.slice(0, 63).replace(/_+$/, '');
}

/** For files named like a binary format, whether the bytes really start like one. */
function binaryMismatch(fileName, bytes) {
  const ext = (fileName.match(/\.([a-z0-9]+)$/i) || [])[1]?.toLowerCase();
  const starts = (magic) => magic.every((b, i) => bytes[i] === b);
  const ascii = (str) => [...str].map((c) => c.charCodeAt(0));
  if (ext === 'parquet') return starts(ascii('PAR1')) ? null : 'Parquet';
  if (['arrow', 'arrows', 'feather', 'ipc'].includes(ext)) {
    return starts(ascii('ARROW1')) || starts([0xff, 0xff, 0xff, 0xff]) ? null : 'Arrow';
  }
  return null;
}

/** Registers a File (handed to the worker without copying; restored if the worker restarts). */
async function registerFile(name, file, label) {
  setStatus(`Reading ${label}…`);
  await nextPaint();
  const schema = await state.rt.registerTable(name, file);
  const table = schema.name || name;
  state.schemas.set(table, schema);
  state.selected = table;
  await refreshTables();
  return schema;
}

// Resolves once start-up has tried to load the engine (files dropped early wait for it).
let engineSettled;
const engineReady = new Promise((resolve) => (engineSettled = resolve));

async function addFiles(files) {
  const list = [...files];
  if (!list.length) return;
  if (!state.rt) {
    setStatus('Waiting for the engine to load…');
    await engineReady;
    if (!state.rt) return; // the error box already says why
  }
  showNotice('');
  let last = null;
  let failed = false;
  for (const file of list) {
    const name = tableNameFor(file.name);
    const ok = await serial(async () => {
      setBusy(true);
      clearError();
      try {
        const replaced = state.schemas.has(name);
        const schema = await registerFile(name, file, `${file.name} (${fmtBytes(file.size)})`);
        // The engine detects the format from the content, not the name; say so when they disagree.
        const mismatch = binaryMismatch(file.name, new Uint8Array(await file.slice(0, 8).arrayBuffer()));
        if (mismatch) {
          showNotice(
            `${file.name} is named like a ${mismatch} file but holds text, so it was read as text ` +
              `(${plural(schema.rowCount, 'row')}, ${plural(schema.columns.length, 'column')}). ` +
              `If that looks wrong, the file may be damaged or mislabelled.`,
          );
        }
        setStatus(
          `${replaced ? 'Replaced' : 'Added'} table ${schema.name} from ${file.name}: ` +
            `${plural(schema.rowCount, 'row')}, ${plural(schema.columns.length, 'column')}.`,
        );
        return true;
      } catch (err) {
        showError(err, `Could not read ${file.name}`);
        setStatus(`Could not read ${file.name}.`);
        return false;
      } finally {
        setBusy(false);
      }
    });
    if (ok) last = name;
    else failed = true;
  }
  if (last) {
    await selectTable(last);
    setSql(`SELECT * FROM ${ident(last)} LIMIT 100`);
    // Running would clear the error box; leave a failure on screen instead.
    if (!failed) await preview(last);
  }
}

function setupDropzone() {
  el.file.addEventListener('change', () => {
    const files = [...el.file.files];
    el.file.value = ''; // so picking the same file again fires change
    addFiles(files);
  });
  // The whole window accepts drops, so a near miss does not navigate away from the page.
  let depth = 0;
  const hasFiles = (e) => [...(e.dataTransfer?.types || [])].includes('Files');
  window.addEventListener('dragenter', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    depth++;
    el.dropzone.classList.add('dragover');
  });
  window.addEventListener('dragover', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  });
  window.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) el.dropzone.classList.remove('dragover');
  });
  window.addEventListener('drop', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    depth = 0;
    el.dropzone.classList.remove('dragover');
    addFiles(e.dataTransfer.files);
  });
}

// ---------------------------------------------------------------------------------------------
// The SQL editor

function setSql(sql, origin = '') {
  el.sql.value = sql;
  el.sqlOrigin.textContent = origin;
  el.sqlOrigin.hidden = !origin;
  fitSql();
}

/** Grows the SQL box with its content (between its CSS min-height and about 24 lines). */
function fitSql() {
  el.sql.style.height = 'auto';
  const max = parseFloat(getComputedStyle(el.sql).lineHeight) * 24 || 600;
  // offsetHeight - clientHeight: borders plus a horizontal scrollbar, if any.
  const chrome = el.sql.offsetHeight - el.sql.clientHeight;
  el.sql.style.height = `${Math.min(el.sql.scrollHeight + chrome, max)}px`;
}

function insertIntoSql(text) {
  const { selectionStart: s, selectionEnd: e, value } = el.sql;
  el.sql.focus();
  el.sql.setRangeText(text, s ?? value.length, e ?? value.length, 'end');
  el.sqlOrigin.hidden = true;
  fitSql();
}

/**
 * Lays out a one-line SQL query (as written from a question) on several lines: a clause per
 * line, CTE bodies indented. Only whitespace outside quotes changes, so the query and its
 * fingerprint (and so the result cache) stay the same. SQL with line breaks or comments is kept.
 */
export function formatSql(sql) {
  if (sql.includes('\n') || sql.length < 60) return sql;
  const clause = /^(FROM|WHERE|GROUP BY|HAVING|ORDER BY|LIMIT|UNION ALL|UNION|SELECT)\b/i;
  const stack = []; // 'cte' | 'other' per open parenthesis
  const indent = () => '  '.repeat(stack.length);
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      let j = i + 1; // copy a quoted literal or identifier whole ('' and "" escape the quote)
      while (j < sql.length && !(sql[j] === c && sql[j + 1] !== c)) j += sql[j] === c ? 2 : 1;
      out += sql.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if ((c === '-' && sql[i + 1] === '-') || (c === '/' && sql[i + 1] === '*')) return sql;
    if (c === '(') {
      const cte = /\bAS\s*$/i.test(out) && /^\(\s*SELECT\b/i.test(sql.slice(i));
      stack.push(cte ? 'cte' : 'other');
      out += '(';
      i++;
      if (cte) {
        out += '\n' + indent();
        while (sql[i] === ' ') i++;
      }
      continue;
    }
    if (c === ')') {
      if (stack.pop() === 'cte') out = out.replace(/ +$/, '') + '\n' + indent();
      out += ')';
      i++;
      continue;
    }
    if (c === ' ' && stack.every((t) => t === 'cte')) {
      const m = clause.exec(sql.slice(i + 1));
      // SELECT starts a line only after a CTE's closing parenthesis.
      if (m && (m[1].toUpperCase() !== 'SELECT' || out.endsWith(')'))) {
        out = out.replace(/ +$/, '') + '\n' + indent();
        i++;
        continue;
      }
    }
    out += c;
    i++;
  }
  return stack.length ? sql : out;
}

/** The table a query is about: the first registered table it reads, else the selected one. */
function sourceFor(sql) {
  const names = new Map(state.tableNames.map((n) => [n.toLowerCase(), n]));
  const re = /\b(?:from|join)\s+("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_]*)/gi;
  for (const m of sql.replace(/--[^\n]*/g, ' ').matchAll(re)) {
    const raw = m[1].startsWith('"') ? m[1].slice(1, -1).replace(/""/g, '"') : m[1];
    const hit = names.get(raw.toLowerCase());
    if (hit) return hit;
  }
  return state.selected;
}

// ---------------------------------------------------------------------------------------------
// Progress

function resetProgress() {
  el.progressCard.hidden = false;
  el.progress.dataset.status = 'idle'; // no transition while the bar jumps back to 0
  setPercent(0);
  void el.progressFill.offsetWidth; // apply it now, before the transition is back on
  state.stageStart = new Map();
  el.stages.replaceChildren(
    ...STAGES.map(([stage, label], i) =>
      h(
        'li',
        { 'data-stage': stage, 'data-status': 'pending' },
        h('span', { class: 'stage-dot', 'aria-hidden': 'true', text: String(i + 1) }),
        h('span', { class: 'stage-name', text: label }),
        h('span', { class: 'stage-time' }),
      ),
    ),
  );
  setPercent(0);
  el.progress.dataset.status = 'running';
  el.progressLabel.textContent = 'Starting…';
}

function setPercent(p) {
  const pct = Math.max(0, Math.min(100, Number(p) || 0));
  el.progress.dataset.percent = String(pct);
  el.progress.setAttribute('aria-valuenow', String(Math.round(pct)));
  el.progressFill.style.width = `${pct}%`;
  el.progressPercent.textContent = `${Math.round(pct)}%`;
}

function onProgress(e) {
  if (!e || !e.stage) return;
  const li = el.stages.querySelector(`li[data-stage="${e.stage}"]`);
  if (li) {
    li.dataset.status = e.status;
    li.title = e.message || '';
    if (e.status === 'started') state.stageStart.set(e.stage, e.elapsedMs);
    else {
      const t0 = state.stageStart.get(e.stage);
      li.querySelector('.stage-time').textContent =
        e.status === 'skipped'
          ? 'skipped'
          : typeof t0 === 'number'
            ? fmtMs(e.elapsedMs - t0)
            : e.stage === 'complete'
              ? `total ${fmtMs(e.elapsedMs)}`
              : e.status;
    }
  }
  if (Number(e.percent) >= Number(el.progress.dataset.percent || 0)) setPercent(e.percent);
  el.progressLabel.textContent = `${STAGE_LABEL.get(e.stage) || e.stage}: ${e.message || e.status}`;
  if (e.stage === 'complete' && e.status === 'done') {
    el.progress.dataset.status = 'done';
    el.progressLabel.textContent = `Done in ${fmtMs(e.elapsedMs)}: all ten stages ran.`;
    const skipped = [...el.stages.querySelectorAll('li[data-status="skipped"]')].map((li) => STAGE_LABEL.get(li.dataset.stage));
    if (skipped.length) el.progressLabel.textContent = `Done in ${fmtMs(e.elapsedMs)} (skipped: ${skipped.join(', ')}).`;
  }
}

function failProgress(err) {
  for (const li of el.stages.querySelectorAll('li[data-status="started"]')) li.dataset.status = 'failed';
  el.progress.dataset.status = err && err.code === 'ABORTED' ? 'stopped' : 'failed';
  el.progressLabel.textContent =
    err && err.code === 'ABORTED' ? 'Stopped.' : `Stopped at an error${err && err.code ? ` (${err.code})` : ''}.`;
}

// ---------------------------------------------------------------------------------------------
// Running analyses

/** Asks a question about the selected table. Resolves to 'answered' | 'clarify' | 'unsupported' | 'failed'. */
function ask(question, extra = {}) {
  const q = (question ?? el.question.value).trim();
  if (!q) {
    el.question.focus();
    return Promise.resolve('failed');
  }
  if (!state.selected) {
    showError({ code: 'INVALID_ARGUMENT', message: 'There is no table to ask about yet.', hint: 'Add a file first.' });
    return Promise.resolve('failed');
  }
  return analyze({ source: state.selected, question: q, ...extra });
}

/** Runs the SQL in the editor (or the given SQL) through the analyze pipeline. */
async function runSql(sql, { note = '' } = {}) {
  if (typeof sql === 'string') setSql(sql);
  const text = el.sql.value;
  if (!text.trim()) {
    el.sql.focus();
    return 'failed';
  }
  const source = sourceFor(text);
  if (!source) {
    showError({ code: 'UNKNOWN_TABLE', message: 'There is no table to query yet.', hint: 'Add a file first.' });
    return 'failed';
  }
  const outcome = await analyze({ source, sql: text });
  if (note && outcome === 'answered') showNotice(note);
  return outcome;
}

function analyze(request) {
  return serial(async () => {
    state.controller = new AbortController();
    setBusy(true);
    clearError();
    showNotice('');
    hideClarification();
    resetProgress();
    el.answer.dataset.state = 'running';
    setStatus(request.question ? 'Answering…' : 'Running…');
    await nextPaint();
    const t0 = performance.now();
    try {
      const res = await state.rt.analyze(
        { ...request, options: { signal: state.controller.signal } },
        onProgress,
      );
      for (const e of res.progress || []) onProgress(e); // idempotent; makes sure the bar is final
      if (request.question) state.questions = 'yes';
      if (res.clarification) {
        showClarification(res, request);
        return 'clarify';
      }
      renderAnswer(res, request);
      return 'answered';
    } catch (err) {
      failProgress(err);
      if (err && err.code === 'QUESTION_UNSUPPORTED') state.questions = 'no';
      if (err && err.code === 'ABORTED') {
        showNotice(`${err.message} ${err.hint || ''}`.trim());
        await refreshTables().catch(() => {});
      } else {
        showError(err);
      }
      el.result.classList.toggle('stale', !!state.result);
      el.answer.dataset.state = 'error';
      if (el.answerMeta.textContent) el.answerMeta.textContent = 'The previous answer (the last run did not finish)';
      setStatus(
        err && err.code === 'ABORTED'
          ? `Stopped after ${fmtMs(performance.now() - t0)}.`
          : `${request.question ? 'No answer' : 'Query failed'}${err && err.code ? ` (${err.code})` : ''}.`,
      );
      return err && err.code === 'QUESTION_UNSUPPORTED' ? 'unsupported' : 'failed';
    } finally {
      state.controller = null;
      el.answer.dataset.run = String(++state.runs);
      setBusy(false);
    }
  });
}

/** A quick look at a new table: its first rows in the result table, no analysis. */
async function preview(name) {
  await serial(async () => {
    setBusy(true);
    try {
      const res = await state.rt.query(`SELECT * FROM ${ident(name)} LIMIT 100`);
      state.result = { columns: res.columns, rows: res.rows, rowCount: res.rowCount, truncated: false };
      state.page = 0;
      el.result.classList.remove('stale');
      renderResult();
      const schema = state.schemas.get(name);
      setStatus(
        `Preview of ${name}: first ${plural(res.rowCount, 'row')}` +
          (schema ? ` of ${fmtInt(schema.rowCount)}` : '') + ` · ${fmtMs(res.elapsedMs)}`,
        { rowCount: res.rowCount, elapsedMs: res.elapsedMs },
      );
      resetAnswer(`Ask a question about ${name}, pick a suggestion, or run SQL.`);
    } catch (err) {
      showError(err, `Could not preview ${name}`);
    } finally {
      setBusy(false);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Clarifications

const optionLabel = (o) =>
  typeof o === 'string' ? o : o && typeof o === 'object' ? String(o.label ?? o.text ?? o.column ?? o.value ?? JSON.stringify(o)) : String(o);

function showClarification(res, request) {
  const c = res.clarification;
  const previous = state.lastClarification;
  state.lastClarification = { key: JSON.stringify(c), request };
  el.clarifyQuestion.textContent = c.question || 'Which one do you mean?';
  const options = Array.isArray(c.options) ? c.options : [];
  el.clarifyOptions.replaceChildren(
    ...options.map((opt, i) =>
      h('button', {
        type: 'button',
        class: 'chip option',
        'data-option': String(i),
        text: optionLabel(opt),
        onclick: () => answerClarification(request, opt),
      }),
    ),
    h('button', {
      type: 'button',
      class: 'ghost small',
      text: 'None of these: rephrase',
      onclick: () => {
        hideClarification();
        el.question.focus();
        el.question.select();
      },
    }),
  );
  el.clarification.hidden = false;
  el.sqlOrigin.hidden = true; // the editor's SQL belongs to an earlier answer
  el.answer.dataset.state = 'clarify';
  el.result.classList.toggle('stale', !!state.result);
  el.progress.dataset.status = 'clarify';
  el.progressLabel.textContent = 'Waiting for your choice.';
  resetAnswer('Waiting for your choice above.');
  el.answerMeta.textContent = 'Needs a choice';
  setStatus('insightflow needs a choice before it answers.');
  renderDetails(res, request);
  // The same question came back after a choice: the choice was not taken into account.
  if (previous && previous.key === state.lastClarification.key && request[FOLLOW_UP_FIELD]) {
    showNotice('That choice could not be applied. Rephrase the question with the exact column or value name.');
  }
}

function hideClarification() {
  el.clarification.hidden = true;
  el.clarifyOptions.replaceChildren();
}

/** Re-asks the question with the chosen option; when it is not taken, rewrites the question. */
async function answerClarification(request, opt) {
  const previous = request[FOLLOW_UP_FIELD];
  const answers = [...(Array.isArray(previous) ? previous : previous == null ? [] : [previous]), opt];
  const before = state.lastClarification?.key;
  const outcome = await analyze({ source: request.source, question: request.question, [FOLLOW_UP_FIELD]: answers });
  if (outcome === 'clarify' && state.lastClarification?.key === before && opt && typeof opt === 'object' && opt.word) {
    // This build ignores the answers: say the choice in the question itself.
    const word = String(opt.word);
    const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const replacement = opt.ignore ? '' : String(opt.column ?? opt.value ?? opt.label ?? word);
    const rewritten = request.question.replace(new RegExp(escaped, 'i'), replacement).replace(/\s+/g, ' ').trim();
    if (rewritten && rewritten !== request.question) {
      el.question.value = rewritten;
      await analyze({ source: request.source, question: rewritten });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The answer: narration, chart, insights, warnings

function resetAnswer(text) {
  el.narration.textContent = text;
  el.narration.classList.add('placeholder');
  el.answerMeta.textContent = '';
  el.insights.replaceChildren();
  el.insightsWrap.hidden = true;
  el.warnings.replaceChildren();
  el.warnings.hidden = true;
  showChartPart(null);
  el.chart.dataset.type = 'none';
  if (state.chart) state.chart.clear();
}

function renderAnswer(res, request) {
  const data = res.data || { columns: [], rows: [], rowCount: 0, truncated: false };
  state.result = data;
  state.page = 0;
  el.result.classList.remove('stale');
  renderResult();
  if (request.question) setSql(formatSql(res.sql), '· written from your question; edit it and Run');
  else el.sqlOrigin.hidden = true;

  el.answer.dataset.state = 'done';
  const narration = res.narration || (data.rowCount === 0 ? 'The query returned no rows.' : '');
  el.narration.textContent = narration;
  el.narration.classList.toggle('placeholder', !res.narration);
  el.answerMeta.textContent = [
    request.question ? `“${request.question}”` : 'SQL',
    plural(data.rowCount, 'row'),
    fmtMs(res.elapsedMs),
    res.cache?.result === 'hit' ? 'from the result cache' : null,
  ]
    .filter(Boolean)
    .join(' · ');

  renderChart(res);
  renderInsights(res.insights || []);
  const warnings = [...(res.warnings || [])];
  if (data.truncated) {
    warnings.unshift({ stage: 'data', code: 'TRUNCATED', message: `Only the first ${fmtInt(data.rowCount)} rows are shown.` });
  }
  el.warnings.replaceChildren(
    ...warnings.map((w) => h('li', { 'data-code': w.code, text: `${STAGE_LABEL.get(w.stage) || w.stage}: ${w.message}` })),
  );
  el.warnings.hidden = warnings.length === 0;

  setStatus(`${plural(data.rowCount, 'row')}${data.truncated ? ' (truncated)' : ''} · ${fmtMs(res.elapsedMs)}`, {
    rowCount: data.rowCount,
    elapsedMs: res.elapsedMs,
  });
  renderDetails(res, request);
}

function showChartPart(part) {
  el.chartCanvas.hidden = part !== 'canvas';
  el.kpi.hidden = part !== 'kpi';
  el.chartNote.hidden = part !== 'note';
}

function chartNote(text) {
  el.chartNote.textContent = text;
  showChartPart('note');
}

function renderChart(res) {
  const spec = res.chartSpec || null;
  const rows = res.data?.rowCount ?? 0;
  el.chart.dataset.type = spec?.type || (res.chart ? 'chart' : 'none');
  if (spec?.type === 'kpi') {
    const field = spec.y?.field || res.data?.columns?.[0]?.name || '';
    const value = 'value' in spec ? spec.value : res.data?.rows?.[0]?.[field];
    el.kpiValue.textContent = fmtNumber(value);
    el.kpiValue.title = value == null ? '' : String(value);
    el.kpiLabel.textContent = field;
    showChartPart('kpi');
    if (state.chart) state.chart.clear();
    return;
  }
  if (res.chart && state.echarts) {
    showChartPart('canvas');
    drawChart(res.chart);
    return;
  }
  if (state.chart) state.chart.clear();
  if (res.chart) chartNote('The chart library could not be loaded, so there is no chart; the table below has the result.');
  else if (spec?.type === 'table') {
    const reason = spec.reason ? String(spec.reason).replace(/\.?$/, '.') : 'This result reads best as a table.';
    chartNote(`No chart for this one. ${reason} The table below has the full result.`);
  } else if (rows === 0) chartNote('No rows, so there is nothing to draw.');
  else chartNote('No chart for this result; the table below has it all.');
}

function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

function drawChart(option) {
  const echarts = state.echarts;
  const dark = matchMedia('(prefers-color-scheme: dark)').matches;
  if (!state.chart) {
    // SVG: crisp at any zoom, and the marks can be counted and inspected (tests do).
    state.chart = echarts.init(el.chartCanvas, dark ? 'dark' : null, { renderer: 'svg' });
    new ResizeObserver(() => state.chart && state.chart.resize()).observe(el.chartCanvas);
  } else {
    state.chart.resize();
  }
  const reduced = matchMedia('(prefers-reduced-motion: reduce)').matches;
  const text = cssVar('--text');
  const muted = cssVar('--muted');
  state.chart.setOption(option, { notMerge: true });
  // Page look on top of the library's option (merged, so series and axes stay as they are).
  const look = {};
  if (option.xAxis && !Array.isArray(option.xAxis) && option.xAxis.name) {
    // The x axis name goes under the axis, centred, instead of being clipped at the right edge.
    look.xAxis = { nameLocation: 'middle', nameGap: 30, nameTextStyle: { color: muted } };
    look.grid = { bottom: 36 };
  }
  if (option.yAxis && !Array.isArray(option.yAxis)) look.yAxis = { nameTextStyle: { color: muted, align: 'left' } };
  // Only restyle components the option has: merging one in would add it to the chart.
  if (option.legend && !Array.isArray(option.legend)) look.legend = { textStyle: { color: muted } };
  if (option.title && !Array.isArray(option.title)) look.title = { textStyle: { color: text } };
  state.chart.setOption({
    ...look,
    backgroundColor: 'transparent',
    animation: !reduced,
    animationDuration: 300,
    aria: { enabled: true },
    textStyle: { fontFamily: getComputedStyle(document.body).fontFamily, color: text },
  });
}

function renderInsights(insights) {
  const sorted = [...insights].sort((a, b) => (b.score ?? 0) - (a.score ?? 0));
  el.insights.replaceChildren(
    ...sorted.map((ins) =>
      h(
        'li',
        { 'data-kind': ins.kind || '' },
        h('strong', { class: 'insight-title', text: ins.title || ins.kind || 'Insight' }),
        h('span', { class: 'insight-text', text: ins.text || '' }),
      ),
    ),
  );
  el.insightsWrap.hidden = sorted.length === 0;
}

// ---------------------------------------------------------------------------------------------
// Details: metadata, per-stage timings, caches, engine

async function renderDetails(res, request) {
  const byStage = new Map((res.metadata || []).map((m) => [m.stage, m]));
  const lastStatus = new Map();
  let fingerprint = null;
  let mapping = null;
  for (const e of res.progress || []) {
    lastStatus.set(e.stage, e.status);
    if (e.stage === 'sql' && e.detail && typeof e.detail === 'object') {
      fingerprint = e.detail.fingerprint ?? fingerprint;
      mapping = e.detail.mapping ?? mapping;
    }
  }
  el.detailsSummary.textContent = [
    `engine ${res.engine || '—'}`,
    fmtMs(res.elapsedMs),
    res.cache ? `schema cache ${res.cache.schema} · result cache ${res.cache.result}` : null,
  ]
    .filter(Boolean)
    .join(' · ');

  const facts = [
    ['Asked', request.question ? `“${request.question}”` : 'SQL'],
    ['Engine', res.engine || '—'],
    ['Total time', fmtMs(res.elapsedMs)],
    ['Schema cache', res.cache?.schema ?? '—'],
    ['Result cache', res.cache?.result ?? '—'],
    ['Rows', res.data ? `${fmtInt(res.data.rowCount)}${res.data.truncated ? ' (truncated)' : ''}` : '—'],
    ['SQL fingerprint', fingerprint || '—'],
  ];
  const dl = h('dl', { class: 'facts' });
  for (const [k, v] of facts) dl.append(h('dt', { text: k }), h('dd', { text: String(v) }));

  const head = h(
    'tr',
    {},
    ...['Stage', 'Status', 'Operation', 'Engine', 'In', 'Out', 'Time', 'Cache hit', 'Notes'].map((t) =>
      h('th', { scope: 'col', text: t }),
    ),
  );
  const body = STAGES.map(([stage, label]) => {
    const m = byStage.get(stage);
    const notes = (m?.transformations || []).map((t) => `${t.rule}: ${t.detail}`).join('; ');
    return h(
      'tr',
      { 'data-stage': stage },
      h('th', { scope: 'row', text: label }),
      h('td', { text: lastStatus.get(stage) || '—', class: `st-${lastStatus.get(stage) || 'none'}` }),
      h('td', { text: m?.operation || '—' }),
      h('td', { text: m?.engine || '—' }),
      h('td', { class: 'num', text: fmtShape(m?.inputShape) }),
      h('td', { class: 'num', text: fmtShape(m?.outputShape) }),
      h('td', { class: 'num', text: m ? fmtMs(m.elapsedMs) : '—' }),
      h('td', { text: m?.cacheHit == null ? '—' : m.cacheHit ? 'yes' : 'no' }),
      h('td', { class: 'notes', text: notes || '' }),
    );
  });
  const table = h(
    'div',
    { class: 'stage-table-wrap' },
    h('table', { class: 'stage-table', 'aria-label': 'Stages' }, h('thead', {}, head), h('tbody', {}, ...body)),
  );

  const parts = [dl, h('h3', { class: 'subhead', text: 'Stages' }), table];
  if (Array.isArray(mapping) && mapping.length) {
    parts.push(
      h('h3', { class: 'subhead', text: 'How the question was read' }),
      h(
        'ul',
        { class: 'mapping' },
        ...mapping.map((m) =>
          h('li', {
            text: `“${m.words}” → ${m.kind} ${m.target}${typeof m.score === 'number' ? ` (${m.score.toFixed(2)})` : ''}`,
          }),
        ),
      ),
    );
  }
  if (res.intent) {
    parts.push(h('h3', { class: 'subhead', text: 'Intent' }), h('pre', { class: 'json', text: JSON.stringify(res.intent, null, 2) }));
  }
  const cacheLine = h('p', { class: 'muted small cache-stats', text: 'Cache totals: …' });
  parts.push(h('h3', { class: 'subhead', text: 'Caches (this page)' }), cacheLine);
  el.detailsBody.replaceChildren(...parts);
  try {
    const s = await state.rt.cacheStats();
    const line = (name, c) =>
      `${name}: ${plural(c.entries, 'entry', 'entries')}, ${fmtBytes(c.bytes)}, ${plural(c.hits, 'hit')}, ` +
      `${plural(c.misses, 'miss', 'misses')}, ${plural(c.evictions, 'eviction')}`;
    cacheLine.textContent = `${line('Result cache', s.result)}. ${line('Schema cache', s.schema)}.`;
  } catch {
    cacheLine.textContent = 'Cache totals are not available.';
  }
}

// ---------------------------------------------------------------------------------------------
// The result table (paged)

/** Display text for a cell, or null for a missing value. */
function formatCell(value) {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') {
    // Hide floating-point noise (1225.9999999999989 -> 1226); the exact value is in the title.
    return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(12)));
  }
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function renderResult() {
  const res = state.result;
  if (!res) {
    el.thead.replaceChildren();
    el.tbody.replaceChildren();
    el.pager.hidden = true;
    el.resultEmpty.hidden = true;
    return;
  }
  const cols = res.columns;
  const numeric = cols.map((c) => NUMERIC_TYPES.has(c.type));
  el.thead.replaceChildren(
    h(
      'tr',
      {},
      h('th', { scope: 'col', class: 'rownum', 'aria-label': 'Row number', text: '#' }),
      ...cols.map((c, i) =>
        h(
          'th',
          { scope: 'col', class: numeric[i] ? 'num' : null, 'data-type': c.type },
          h('span', { class: 'col-name', text: c.name }),
          h('span', { class: `col-type type-${c.type}`, text: c.type }),
        ),
      ),
    ),
  );

  const pages = Math.max(1, Math.ceil(res.rows.length / PAGE_SIZE));
  state.page = Math.min(Math.max(0, state.page), pages - 1);
  const start = state.page * PAGE_SIZE;
  const slice = res.rows.slice(start, start + PAGE_SIZE);
  const frag = document.createDocumentFragment();
  slice.forEach((row, r) => {
    const tr = document.createElement('tr');
    tr.append(h('th', { scope: 'row', class: 'rownum', text: String(start + r + 1) }));
    cols.forEach((c, i) => {
      const td = document.createElement('td');
      const text = formatCell(row[c.name]);
      if (text === null) {
        td.className = 'null';
        td.textContent = 'null';
      } else {
        if (numeric[i] || typeof row[c.name] === 'number') td.className = 'num';
        td.textContent = text;
        const exact = typeof row[c.name] === 'number' ? String(row[c.name]) : text;
        if (text.length > 60 || exact !== text) td.title = exact;
      }
      tr.append(td);
    });
    frag.append(tr);
  });
  el.tbody.replaceChildren(frag);
  el.resultEmpty.hidden = res.rows.length > 0;

  el.pager.hidden = pages <= 1;
  el.prev.disabled = state.page === 0;
  el.next.disabled = state.page >= pages - 1;
  el.pageInfo.textContent = res.rows.length
    ? `Rows ${fmtInt(start + 1)}–${fmtInt(start + slice.length)} of ${fmtInt(res.rows.length)} · page ${state.page + 1} of ${pages}`
    : '';
}

function goToPage(delta) {
  if (!state.result) return;
  state.page += delta;
  renderResult();
  el.result.closest('.table-wrap').scrollTop = 0;
}

// ---------------------------------------------------------------------------------------------
// Wiring

function setupControls() {
  const isMac = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
  el.modKey.textContent = isMac ? '⌘' : 'Ctrl';
  el.askForm.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!el.ask.disabled) ask();
  });
  el.source.addEventListener('change', () => selectTable(el.source.value));
  el.form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!el.run.disabled) runSql();
  });
  el.cancel.addEventListener('click', () => state.controller?.abort());
  el.sql.addEventListener('input', () => {
    el.sqlOrigin.hidden = true;
    fitSql();
  });
  el.sql.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      if (!el.run.disabled) runSql();
    }
  });
  window.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && state.controller) state.controller.abort();
  });
  el.noticeClose.addEventListener('click', () => showNotice(''));
  el.prev.addEventListener('click', () => goToPage(-1));
  el.next.addEventListener('click', () => goToPage(1));
  for (const ex of EXAMPLES) {
    el.examples.append(
      h('button', {
        type: 'button',
        class: 'chip',
        text: ex.label,
        disabled: true,
        onclick: () => {
          setSql(ex.sql);
          runSql();
        },
      }),
    );
  }
  setSql(DEFAULT_SQL);
}

// ---------------------------------------------------------------------------------------------
// Start-up

async function loadSample() {
  let file;
  try {
    const resp = await fetch(SAMPLE_URL);
    if (!resp.ok) throw new Error(`HTTP ${resp.status}`);
    // A File, not bytes: the worker runtime restores File tables if it has to restart.
    file = new File([await resp.blob()], SAMPLE_FILE, { type: 'text/csv' });
  } catch (err) {
    console.warn('sample dataset not available', err);
    setStatus('The sample dataset is missing; drop a file to get started.');
    return false;
  }
  return serial(async () => {
    setBusy(true);
    try {
      await registerFile(SAMPLE_TABLE, file, 'the sample dataset');
      return true;
    } catch (err) {
      showError(err, 'Could not load the sample dataset');
      return false;
    } finally {
      setBusy(false);
    }
  });
}

async function loadEcharts() {
  try {
    state.echarts = await import(ECHARTS_URL);
  } catch (err) {
    console.warn('charts are not available', err);
  }
}

async function main() {
  setupControls();
  setupDropzone();
  const charts = loadEcharts(); // in parallel with the engine; needed before the first answer
  try {
    const { createWorkerRuntime } = await import(CLIENT_URL);
    const rt = createWorkerRuntime();
    await rt.ready;
    state.rt = rt;
  } catch (err) {
    document.body.dataset.state = 'error';
    showError(
      {
        code: 'ENGINE_NOT_LOADED',
        message: `The analytics engine could not be loaded (${err && err.message ? err.message : err}).`,
        hint: 'Build the package first (bash scripts/build.sh) and serve the page with node scripts/serve.mjs. The browser must support WebAssembly and module workers.',
      },
      null,
    );
    setStatus('The engine is not available.');
    console.error(err);
    engineSettled();
    return;
  }
  refreshControls();
  setStatus('Engine ready.');
  await refreshTables();
  engineSettled();
  await charts;

  if (await loadSample()) {
    // The first thing a visitor sees: a trend over the sample, with its chart and insights.
    await runSql(SAMPLE_SUGGESTIONS[0].sql);
  }
  state.started = true;
  refreshControls();
  // For browser tests and the console: the page's runtime and a few actions.
  window.insightflowDemo = { runtime: state.rt, ask, runSql, addFiles, tableNameFor, setSql, state };
}

main();
