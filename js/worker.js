// The Web Worker that hosts an insightflow Runtime (started by createWorkerRuntime in
// client.js). Messages in: {id, method, args}; out: {id, ok, value} | {id, ok: false, error}
// | {id, progress}. Byte results are transferred, not copied.
import init, { Runtime } from './insightflow.js';

// The engine is instantiated on the first 'init' call, from the compiled module the page hands
// over when it restarts a worker (no second download or compilation), else fetched and compiled
// here; the module goes back to the page for the next restart.
let ready = null;
let rt = null;

async function compile(module) {
  if (module instanceof WebAssembly.Module) return module;
  const url = new URL('./insightflow_bg.wasm', import.meta.url);
  const response = fetch(url);
  try {
    return await WebAssembly.compileStreaming(response);
  } catch {
    // served without `Content-Type: application/wasm`: compile from the bytes
    return WebAssembly.compile(await (await response).arrayBuffer());
  }
}

async function start(module) {
  const compiled = await compile(module);
  await init({ module_or_path: compiled });
  return compiled;
}

const METHODS = new Set([
  'registerTable', 'registerRows', 'tables', 'schema', 'query', 'queryArrow', 'analyze',
  'invalidate', 'cacheStats', 'auditLog', 'dropTable',
]);

function plainError(e) {
  return {
    name: e && e.name ? String(e.name) : 'Error',
    code: e && e.code ? String(e.code) : 'INTERNAL',
    message: e && e.message ? String(e.message) : String(e),
    hint: e && e.hint ? String(e.hint) : '',
  };
}

async function bytesOf(data) {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (typeof Blob !== 'undefined' && data instanceof Blob) return new Uint8Array(await data.arrayBuffer());
  throw Object.assign(new Error('The table data must be a File, Blob, ArrayBuffer or Uint8Array.'), {
    name: 'InsightflowError', code: 'INVALID_ARGUMENT', hint: 'Pass the file the user picked, or its bytes.',
  });
}

// The host's SQL generator is a function on the page: the worker asks it by message and the
// answer comes back outside the call queue (the question's analyze call is waiting for it).
const generations = new Map();
let nextGeneration = 1;
function askPage(question, schema, context) {
  return new Promise((resolve, reject) => {
    const callId = nextGeneration++;
    generations.set(callId, { resolve, reject });
    self.postMessage({ generate: { callId, question, schema, context } });
  });
}

// Calls run strictly in arrival order: a registration awaiting a Blob's bytes must not be
// overtaken by a query of the same table.
let queue = Promise.resolve();
self.onmessage = (event) => {
  const msg = event.data || {};
  if (msg.generated) {
    const g = generations.get(msg.generated.callId);
    generations.delete(msg.generated.callId);
    if (g && msg.generated.ok) g.resolve(msg.generated.value);
    else if (g) g.reject(new Error(msg.generated.error));
    return;
  }
  queue = queue.then(() => handle(msg));
};

async function handle({ id, method, args = [] }) {
  try {
    let value;
    let transfer = [];
    if (method === 'init') {
      // args: [runtime options, compiled module from a previous worker?, the page has a SQL generator?]
      ready ??= start(args[1]);
      const module = await ready;
      if (rt) rt.free();
      const options = { ...(args[0] ?? {}) };
      if (args[2]) options.sqlGenerator = askPage;
      rt = new Runtime(options);
      value = { module };
    } else if (!rt) {
      throw Object.assign(new Error('The analytics engine has not started.'), { name: 'InsightflowError', code: 'INTERNAL', hint: 'Wait for the runtime to be ready; if loading it failed, reload the page.' });
    } else if (!METHODS.has(method)) {
      throw Object.assign(new Error(`Unknown call '${method}'.`), { name: 'InsightflowError', code: 'INVALID_ARGUMENT', hint: 'Use the methods of the Runtime.' });
    } else if (method === 'registerTable') {
      value = await rt.registerTable(args[0], await bytesOf(args[1]), args[2] ?? undefined);
    } else if (method === 'analyze') {
      value = await rt.analyze(args[0], (progress) => self.postMessage({ id, progress }));
    } else if (method === 'queryArrow') {
      value = await rt.queryArrow(args[0]);
      transfer = [value.buffer];
    } else {
      value = await rt[method](...args);
    }
    self.postMessage({ id, ok: true, value }, transfer);
  } catch (e) {
    // A trap (memory exhausted, or a panic) leaves the wasm instance unusable: report it and
    // stop this worker; the page starts a new one and restores its tables.
    const fatal = e instanceof WebAssembly.RuntimeError;
    self.postMessage({ id, ok: false, fatal, error: plainError(e) });
    if (fatal) self.close();
  }
}
