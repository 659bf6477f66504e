// createWorkerRuntime: the Runtime API on the main thread, executed in a Web Worker so the
// page never freezes. Files (Blobs) are handed over without copying their bytes, and other
// byte buffers are transferred. Progress callbacks cross the boundary. An AbortSignal
// cancels: a running local query cannot be interrupted, so the worker is terminated and
// re-created, the error says so, and tables registered from Files or rows are restored. A
// worker whose engine dies (a trap: memory exhausted) is replaced the same way.

function insightflowError(code, message, hint) {
  return Object.assign(new Error(message), { name: 'InsightflowError', code, hint });
}

function revive(e) {
  return Object.assign(new Error(e.message), { name: e.name, code: e.code, hint: e.hint });
}

class WorkerRuntime {
  constructor(options = {}) {
    const { workerUrl, sqlGenerator, ...runtimeOptions } = options;
    this._workerUrl = workerUrl;
    this._generator = typeof sqlGenerator === 'function' ? sqlGenerator : undefined;
    this._options = runtimeOptions;
    this._tables = new Map(); // name -> {kind: 'blob'|'rows'|'bytes', data, options}
    this._pending = new Map();
    this._nextId = 1;
    this._start();
  }

  _start() {
    this._worker = this._workerUrl
      ? new Worker(this._workerUrl, { type: 'module' })
      : new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    this._worker.onmessage = (event) => this._onMessage(event.data);
    this._worker.onerror = (event) => {
      event.preventDefault?.();
      this._restart(insightflowError('INTERNAL', 'The analytics engine stopped unexpectedly and was restarted.',
        `Try again. ${this._lostHint()}`));
    };
    // A restarted worker gets the module compiled by the first one: no second download.
    this.ready = this._send('init', [this._options, this._module, Boolean(this._generator)]).then((value) => {
      if (value && value.module) this._module = value.module;
    });
  }

  _onMessage(msg) {
    if (msg.generate) {
      this._generate(msg.generate);
      return;
    }
    const p = this._pending.get(msg.id);
    if (!p) return;
    if (msg.progress) {
      p.onProgress?.(msg.progress);
      return;
    }
    if (msg.fatal) {
      // The engine in the worker died running this call: replace the worker.
      this._restart(insightflowError('INTERNAL',
        'The analytics engine stopped while running this request (it ran out of memory or hit an internal fault) and was restarted.',
        `Try a query that combines fewer rows. ${this._lostHint()}`), msg.id);
      return;
    }
    this._pending.delete(msg.id);
    p.cleanup?.();
    if (msg.ok) p.resolve(msg.value);
    else p.reject(revive(msg.error));
  }

  /** The worker asks the page's SQL generator; the answer (or its failure) goes back. */
  async _generate({ callId, question, schema, context }) {
    const worker = this._worker;
    let reply;
    try {
      const sql = await this._generator(question, schema, context);
      reply = { callId, ok: true, value: sql };
    } catch (e) {
      reply = { callId, ok: false, error: e && e.message ? String(e.message) : String(e) };
    }
    if (worker === this._worker) worker.postMessage({ generated: reply });
  }

  _send(method, args, { transfer = [], onProgress, signal } = {}) {
    const id = this._nextId++;
    return new Promise((resolve, reject) => {
      const entry = { resolve, reject, onProgress };
      if (signal) {
        if (signal.aborted) {
          reject(insightflowError('ABORTED', 'The request was cancelled.', 'Start it again when you are ready.'));
          return;
        }
        const onAbort = () => this._abort(id);
        signal.addEventListener('abort', onAbort, { once: true });
        entry.cleanup = () => signal.removeEventListener('abort', onAbort);
      }
      this._pending.set(id, entry);
      this._worker.postMessage({ id, method, args }, transfer);
    });
  }

  _lostHint() {
    const lost = [...this._tables].filter(([, t]) => t.kind === 'bytes').map(([n]) => n);
    return lost.length
      ? `Tables registered from raw bytes must be registered again: ${lost.join(', ')}. (Tables from Files and rows were restored.)`
      : 'All tables were restored.';
  }

  _abort(id) {
    if (!this._pending.has(id)) return;
    // A local query runs to completion inside the worker: stop it by restarting the worker.
    const err = insightflowError('ABORTED',
      'The request was cancelled. The engine was restarted to stop the running query.',
      this._lostHint());
    this._restart(err, id);
  }

  _restart(error, abortedId) {
    this._worker.terminate();
    const pending = [...this._pending];
    this._pending.clear();
    for (const [id, p] of pending) {
      p.cleanup?.();
      p.reject(id === abortedId || abortedId === undefined ? error
        : insightflowError('ABORTED', 'The engine was restarted while this request waited.', 'Run it again.'));
    }
    for (const [name, t] of [...this._tables]) if (t.kind === 'bytes') this._tables.delete(name);
    this._start();
    for (const [name, t] of this._tables) {
      const method = t.kind === 'rows' ? 'registerRows' : 'registerTable';
      this._send(method, [name, t.data, t.options]).catch(() => this._tables.delete(name));
    }
  }

  async registerTable(name, data, options) {
    const opts = options ?? undefined;
    if (typeof Blob !== 'undefined' && data instanceof Blob) {
      const schema = await this._send('registerTable', [name, data, opts]);
      this._tables.set(schema.name, { kind: 'blob', data, options: opts });
      return schema;
    }
    let transfer = [];
    let payload = data;
    if (data instanceof ArrayBuffer) transfer = [data];
    else if (data instanceof Uint8Array) {
      // Transfer when the view owns its whole buffer; otherwise copy just the view.
      payload = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data : data.slice();
      transfer = [payload.buffer];
    }
    const schema = await this._send('registerTable', [name, payload, opts], { transfer });
    this._tables.set(schema.name, { kind: 'bytes', options: opts });
    return schema;
  }

  async registerRows(name, rows, options) {
    const schema = await this._send('registerRows', [name, rows, options ?? undefined]);
    this._tables.set(schema.name, { kind: 'rows', data: rows, options: options ?? undefined });
    return schema;
  }

  tables() { return this._send('tables', []); }
  schema(name) { return this._send('schema', [name]); }
  query(sql, options = {}) { return this._send('query', [sql], { signal: options.signal }); }
  queryArrow(sql, options = {}) { return this._send('queryArrow', [sql], { signal: options.signal }); }

  analyze(request, onProgress) {
    const { options = {}, ...rest } = request;
    const { signal, ...plainOptions } = options;
    return this._send('analyze', [{ ...rest, options: plainOptions }], { onProgress, signal });
  }

  invalidate(source) { return this._send('invalidate', [source]); }
  cacheStats() { return this._send('cacheStats', []); }
  auditLog(options) { return this._send('auditLog', [options ?? undefined]); }

  async dropTable(name) {
    const existed = await this._send('dropTable', [name]);
    this._tables.delete(name);
    return existed;
  }

  /** Stops the worker; pending calls are rejected. */
  terminate() {
    this._worker.terminate();
    for (const [, p] of this._pending) p.reject(insightflowError('ABORTED', 'The runtime was terminated.', 'Create a new one.'));
    this._pending.clear();
  }
}

/** A Runtime that runs in a Web Worker; same methods as `Runtime`, all async. */
export function createWorkerRuntime(options) {
  return new WorkerRuntime(options);
}
