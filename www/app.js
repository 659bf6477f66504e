// The insightflow demo page: plain ES module, no build step, no framework, works offline.
// Every piece of data reaches the DOM through textContent, never innerHTML: cell values,
// column names, file names and error messages are all user data.

const PKG_URL = '/pkg/insightflow.js';
const SAMPLE_URL = 'data/seattle-weather.csv';
const SAMPLE_TABLE = 'weather';
const PAGE_SIZE = 100;
const NUMERIC_TYPES = new Set(['integer', 'number', 'decimal', 'duration']);

const DEFAULT_SQL = `-- Seattle weather 2012–2015: days, temperature and rain per kind of weather
SELECT weather,
       COUNT(*) AS days,
       ROUND(AVG(temp_max), 1) AS avg_temp_max,
       ROUND(AVG(temp_min), 1) AS avg_temp_min,
       ROUND(SUM(precipitation), 1) AS total_precipitation
FROM weather
GROUP BY weather
ORDER BY days DESC`;

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

const $ = (sel) => document.querySelector(sel);
const el = {
  sql: $('#sql'),
  run: $('#run'),
  form: $('#query-form'),
  examples: $('#examples'),
  result: $('#result'),
  thead: $('#result thead'),
  tbody: $('#result tbody'),
  resultEmpty: $('#result-empty'),
  status: $('#status'),
  error: $('#error'),
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
  schemas: new Map(), // table name -> schema
  selected: null, // table whose schema is shown
  result: null, // last query result
  page: 0,
  started: false,
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

/** Quotes an identifier for SQL when it is not a plain lowercase-safe name. */
function ident(name) {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !RESERVED.has(name.toLowerCase())
    ? name
    : `"${name.replace(/"/g, '""')}"`;
}

/** Gives the browser a chance to paint (e.g. "Running…") before a call that blocks the thread. */
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
  busyCount += on ? 1 : -1;
  const busy = busyCount > 0;
  el.run.disabled = busy || !state.rt;
  el.run.textContent = busy ? 'Running…' : 'Run';
  // 'loading' until start-up (engine, sample, first query) is done: tests wait for 'ready'.
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
// Errors

function showError(err, context) {
  const e = err || {};
  const isOurs = typeof e.code === 'string' && e.code.length > 0;
  let message = (e && e.message) || String(err);
  let hint = isOurs ? e.hint || '' : '';
  let code = isOurs ? e.code : 'INTERNAL';
  if (!isOurs && e instanceof WebAssembly.RuntimeError) {
    hint = 'The engine crashed. This is a bug in insightflow; reload the page to start again.';
  } else if (!isOurs && !hint) {
    hint = 'Something unexpected went wrong; reloading the page may help.';
  }
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

function renderTables() {
  const names = state.rt ? state.rt.tables() : [];
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
            title: `Show the columns of ${name}`,
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
          title: `Query ${name}`,
          'aria-label': `Query table ${name}`,
          text: 'Query',
          onclick: () => {
            setSql(`SELECT * FROM ${ident(name)} LIMIT 100`);
            runQuery();
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

function selectTable(name) {
  state.selected = name;
  renderSchema();
  renderTables();
}

function renderSchema() {
  const name = state.selected;
  let schema = name ? state.schemas.get(name) : null;
  if (name && !schema && state.rt) {
    try {
      schema = state.rt.schema(name);
      state.schemas.set(name, schema);
    } catch {
      schema = null;
    }
  }
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
      state.rt.dropTable(name);
    } catch (err) {
      showError(err, `Could not drop ${name}`);
      return;
    }
    state.schemas.delete(name);
    if (state.selected === name) state.selected = state.rt.tables()[0] ?? null;
    renderSchema();
    renderTables();
    setStatus(`Dropped table ${name}.`);
  });
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

async function registerBytes(name, bytes, label) {
  setStatus(`Reading ${label}…`);
  await nextPaint();
  const schema = await state.rt.registerTable(name, bytes);
  state.schemas.set(schema.name || name, schema);
  state.selected = schema.name || name;
  renderSchema();
  renderTables();
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
        const bytes = new Uint8Array(await file.arrayBuffer());
        const replaced = state.schemas.has(name);
        const schema = await registerBytes(name, bytes, `${file.name} (${fmtBytes(file.size)})`);
        // The engine detects the format from the content, not the name; say so when they disagree.
        const mismatch = binaryMismatch(file.name, bytes);
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
    setSql(`SELECT * FROM ${ident(last)} LIMIT 100`);
    // Running would clear the error box; leave a failure on screen instead.
    if (!failed) await runQuery();
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
// Queries and results

function setSql(sql) {
  el.sql.value = sql;
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
  fitSql();
}

async function runQuery() {
  if (!state.rt) return;
  const sql = el.sql.value;
  if (!sql.trim()) {
    el.sql.focus();
    return;
  }
  await serial(async () => {
    setBusy(true);
    clearError();
    setStatus('Running…');
    await nextPaint();
    try {
      const res = await state.rt.query(sql);
      state.result = res;
      state.page = 0;
      el.result.classList.remove('stale');
      renderResult();
      setStatus(`${plural(res.rowCount, 'row')} · ${fmtMs(res.elapsedMs)}`, {
        rowCount: res.rowCount,
        elapsedMs: res.elapsedMs,
      });
    } catch (err) {
      showError(err);
      el.result.classList.toggle('stale', !!state.result);
      setStatus(`Query failed${err && err.code ? ` (${err.code})` : ''}.`);
    } finally {
      setBusy(false);
    }
  });
}

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

function setupEditor() {
  const isMac = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
  el.modKey.textContent = isMac ? '⌘' : 'Ctrl';
  el.form.addEventListener('submit', (e) => {
    e.preventDefault();
    runQuery();
  });
  el.sql.addEventListener('input', fitSql);
  el.sql.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      if (!el.run.disabled) runQuery();
    }
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
          runQuery();
        },
      }),
    );
  }
  setSql(DEFAULT_SQL);
}

// ---------------------------------------------------------------------------------------------
// Start-up

async function loadSample() {
  let bytes;
  try {
    const resp = await fetch(SAMPLE_URL);
    if (!resp.ok) throw new Error(`HTTP ${resp.status}`);
    bytes = new Uint8Array(await resp.arrayBuffer());
  } catch (err) {
    console.warn('sample dataset not available', err);
    setStatus('The sample dataset is missing; drop a file to get started.');
    return false;
  }
  return serial(async () => {
    setBusy(true);
    try {
      await registerBytes(SAMPLE_TABLE, bytes, 'the sample dataset');
      return true;
    } catch (err) {
      showError(err, 'Could not load the sample dataset');
      return false;
    } finally {
      setBusy(false);
    }
  });
}

async function main() {
  setupEditor();
  setupDropzone();
  let mod;
  try {
    mod = await import(PKG_URL);
    await mod.default();
    state.rt = new mod.Runtime();
  } catch (err) {
    document.body.dataset.state = 'error';
    showError(
      {
        code: 'ENGINE_NOT_LOADED',
        message: `The analytics engine could not be loaded (${err && err.message ? err.message : err}).`,
        hint: 'Build the package first (bash scripts/build.sh) and serve the page with node scripts/serve.mjs. The browser must support WebAssembly.',
      },
      null,
    );
    setStatus('The engine is not available.');
    console.error(err);
    engineSettled();
    return;
  }
  try {
    el.version.textContent = `insightflow ${mod.version()}`;
  } catch {
    /* version is cosmetic */
  }
  el.run.disabled = false;
  setStatus('Engine ready.');
  renderTables();
  engineSettled();

  if (await loadSample()) {
    await runQuery();
  }
  state.started = true;
  document.body.dataset.state = 'ready';
  // For browser tests and the console: the page's runtime and a few actions.
  window.insightflowDemo = { runtime: state.rt, runQuery, addFiles, tableNameFor, setSql };
}

main();
