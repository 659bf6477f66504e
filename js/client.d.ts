import type {
  AnalyzeRequest, AnalyzeResult, AuditEntry, CacheStats, ProgressEvent, QueryResult,
  RegisterOptions, RuntimeOptions, TableSchema, AccessList,
} from './insightflow.js';

export interface WorkerRuntimeOptions extends RuntimeOptions {
  /** Where the worker script is served from (default: worker.js beside this module). */
  workerUrl?: string | URL;
}

export interface CallOptions {
  /** Cancels the call; a running local query is stopped by restarting the worker. */
  signal?: AbortSignal;
}

/** The Runtime API, run in a Web Worker: every method is async. */
export interface WorkerRuntime {
  /** Resolves when the worker has loaded the wasm and created its Runtime. */
  readonly ready: Promise<void>;
  registerTable(name: string, data: Blob | ArrayBuffer | Uint8Array, options?: RegisterOptions): Promise<TableSchema>;
  registerRows(name: string, rows: Array<Record<string, unknown>>, options?: { allow?: AccessList }): Promise<TableSchema>;
  tables(): Promise<string[]>;
  schema(name: string): Promise<TableSchema>;
  query(sql: string, options?: CallOptions): Promise<QueryResult>;
  queryArrow(sql: string, options?: CallOptions): Promise<Uint8Array>;
  analyze(request: AnalyzeRequest, onProgress?: (event: ProgressEvent) => void): Promise<AnalyzeResult>;
  invalidate(source: string): Promise<void>;
  cacheStats(): Promise<{ schema: CacheStats; result: CacheStats }>;
  auditLog(options?: { since?: number; limit?: number }): Promise<AuditEntry[]>;
  dropTable(name: string): Promise<boolean>;
  /** Stops the worker; pending calls reject with ABORTED. */
  terminate(): void;
}

export function createWorkerRuntime(options?: WorkerRuntimeOptions): WorkerRuntime;
