// A consumer of every public method and type, checked with `tsc --noEmit --strict`.
import init, { Runtime, version } from 'insightflow';
import type {
  AnalyzeResult, AuditEntry, CacheStats, ChartSpec, ColumnInfo, ErrorCode, Insight,
  InsightflowError, ProgressEvent, QueryResult, StageMeta, TableSchema,
  SqlGenerator, GeneratorSchema, GeneratorContext,
} from 'insightflow';
import { createWorkerRuntime } from 'insightflow/worker';
import type { WorkerRuntime } from 'insightflow/worker';

function isInsightflowError(e: unknown): e is InsightflowError {
  return e instanceof Error && e.name === 'InsightflowError';
}

export async function direct(bytes: Uint8Array): Promise<string> {
  await init();
  const generator: SqlGenerator = async (question: string, schema: GeneratorSchema, context: GeneratorContext) =>
    `SELECT COUNT(*) AS n FROM ${context.source} -- ${question}, ${schema.columns.length} columns`;
  const rt = new Runtime({
    tenant: { org: 'acme', user: 'ann', roles: ['analyst'] }, maxRows: 500,
    sqlGenerator: generator, sqlGeneratorMode: 'fallback', sqlGeneratorValues: false,
  });
  const schema: TableSchema = await rt.registerTable('sales', bytes, { format: 'csv', delimiter: ',', allow: { roles: ['analyst'] } });
  const cols: ColumnInfo[] = schema.columns;
  await rt.registerRows('targets', [{ region: 'North', target: 10 }]);
  const names: string[] = rt.tables();
  const again: TableSchema = rt.schema('sales');
  const q: QueryResult = await rt.query('SELECT * FROM sales');
  const arrow: Uint8Array = await rt.queryArrow('SELECT * FROM sales');
  const controller = new AbortController();
  const events: ProgressEvent[] = [];
  const a: AnalyzeResult = await rt.analyze(
    { source: 'sales', sql: 'SELECT 1 AS x FROM sales', options: { signal: controller.signal, maxRows: 10, timeoutMs: 5000, cache: 'refresh' } },
    (e: ProgressEvent) => { events.push(e); },
  );
  const spec: ChartSpec | null = a.chartSpec;
  const insights: Insight[] = a.insights;
  const meta: StageMeta[] = a.metadata;
  const hit: 'hit' | 'miss' | 'bypass' = a.cache.result;
  rt.invalidate('sales');
  const stats: { schema: CacheStats; result: CacheStats } = rt.cacheStats();
  const log: AuditEntry[] = rt.auditLog({ since: 0, limit: 10 });
  const dropped: boolean = rt.dropTable('targets');
  try {
    await rt.query('DROP TABLE sales');
  } catch (e) {
    if (isInsightflowError(e)) {
      const code: ErrorCode = e.code;
      return `${code}: ${e.message} (${e.hint})`;
    }
  }
  rt.free();
  return [version(), cols.length, names.length, again.rowCount, q.rowCount, arrow.byteLength, spec?.type, insights.length, meta.length, hit, stats.result.hits, log.length, dropped, a.narration ?? ''].join();
}

export async function inWorker(file: File): Promise<number> {
  const rt: WorkerRuntime = createWorkerRuntime({
    tenant: { user: 'ann' }, workerUrl: '/pkg/worker.js',
    sqlGenerator: (question, schema) => `SELECT COUNT(*) AS n FROM ${schema.name}`,
  });
  await rt.ready;
  const s: TableSchema = await rt.registerTable('t', file);
  await rt.registerTable('u', new Uint8Array([1, 2]).buffer);
  await rt.registerRows('r', [{ a: 1 }]);
  const names: string[] = await rt.tables();
  const schema: TableSchema = await rt.schema('t');
  const q: QueryResult = await rt.query('SELECT * FROM t', { signal: new AbortController().signal });
  const bytes: Uint8Array = await rt.queryArrow('SELECT * FROM t');
  const a: AnalyzeResult = await rt.analyze({ source: 't', question: 'total by region' }, (p: ProgressEvent) => void p.percent);
  await rt.invalidate('t');
  const stats = await rt.cacheStats();
  const log: AuditEntry[] = await rt.auditLog();
  const existed: boolean = await rt.dropTable('r');
  rt.terminate();
  return s.rowCount + names.length + schema.columns.length + q.rowCount + bytes.length + a.data.rowCount + stats.schema.entries + log.length + Number(existed);
}
