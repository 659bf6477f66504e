//! The `#[wasm_bindgen]` facade: converts JS values to core types and back, nothing else.
//! Every error crosses as a real JS `Error` carrying `code`, `message` and `hint`.

use std::rc::Rc;

use js_sys::{Function, Promise, Reflect, Uint8Array};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use web_sys::AbortSignal;

use crate::audit::AuditQuery;
use crate::error::{Error, ErrorCode};
use crate::pipeline::{AnalyzeRequest, Hooks, ProgressEvent};
use crate::runtime::{RegisterOptions, Runtime as CoreRuntime, RuntimeOptions};

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** Stable error codes carried by every error insightflow throws (`err.code`). */
export type ErrorCode =
  | "INVALID_ARGUMENT" | "SQL_SYNTAX" | "SQL_FORBIDDEN" | "SQL_UNSUPPORTED"
  | "UNKNOWN_TABLE" | "UNKNOWN_COLUMN" | "BAD_FILE" | "UNSUPPORTED_FORMAT"
  | "EMPTY_INPUT" | "TOO_LARGE" | "QUERY_FAILED" | "ACCESS_DENIED" | "ABORTED"
  | "TIMEOUT" | "QUESTION_UNSUPPORTED" | "INTERNAL"
  | "REMOTE_UNREACHABLE" | "REMOTE_ERROR" | "REMOTE_TIMEOUT" | "REMOTE_BAD_RESPONSE";

/** The errors insightflow throws: a real `Error` with a code and a hint. */
export interface InsightflowError extends Error {
  name: "InsightflowError";
  code: ErrorCode;
  /** What the user can do about it. */
  hint: string;
}

export type ColumnType =
  | "integer" | "number" | "decimal" | "string" | "boolean" | "date" | "datetime"
  | "time" | "duration" | "binary" | "list" | "struct" | "null";

export interface ColumnInfo { name: string; type: ColumnType; nullable: boolean; }

export interface TableSchema { name: string; columns: ColumnInfo[]; rowCount: number; }

/** A cell: numbers stay numbers; integers beyond 2^53 and all dates/times are strings (ISO 8601). */
export type CellValue = string | number | boolean | null | CellValue[] | { [field: string]: CellValue };

export interface QueryResult {
  columns: ColumnInfo[];
  rows: Array<Record<string, CellValue>>;
  rowCount: number;
  elapsedMs: number;
}

export type TableFormat = "csv" | "tsv" | "json" | "ndjson" | "parquet" | "arrow" | "arrow-stream";

export interface RegisterOptions {
  /** Detected from the bytes when absent. */
  format?: TableFormat;
  /** CSV delimiter; detected when absent. */
  delimiter?: string;
  /** Whether the first CSV line holds column names (default true). */
  header?: boolean;
  /** Text read as null in CSV (default: "", NA, N/A, null, NULL, None). */
  nullValues?: string[];
  /** CSV quote character (default '"'; "" for none). */
  quote?: string;
  /** Parse ISO date/datetime text into dates (default true). */
  parseDates?: boolean;
  /** Rows used to infer column types (default 10000). */
  inferRows?: number;
  /** Who may use this table (default: everyone using this runtime). */
  allow?: AccessList;
}

export interface Tenant { org?: string; project?: string; user?: string; roles?: string[]; }

export interface AccessList { users?: string[]; roles?: string[]; }

export interface RuntimeOptions {
  /** Who uses this runtime; every cache is scoped by it. */
  tenant?: Tenant;
  /** Largest file or rows payload one registration accepts, in bytes (default 1 GiB). */
  maxInputBytes?: number;
  /** Schema cache time-to-live in ms (default 24 h). */
  schemaTtlMs?: number;
  /** Result cache time-to-live in ms (default 30 min). */
  resultTtlMs?: number;
  /** Result cache capacity in entries (default 1000; 0 disables it). */
  resultCacheEntries?: number;
  /** Results larger than this many bytes are not cached (default 10 MB). */
  resultCacheMaxBytes?: number;
  /** Rows an analyze result carries at most (default 10000). */
  maxRows?: number;
  /** Largest analyze result in bytes (default 64 MB); larger results are cut with a warning. */
  maxResultBytes?: number;
  /** Audit ring capacity (default 1000). */
  auditCapacity?: number;
  /** Memory budget for tables plus a result, in bytes (default 1.5 GB); over it: TOO_LARGE. */
  memoryBudgetBytes?: number;
  /**
   * The host's own SQL generator for questions (e.g. its LLM). Its SQL goes through the same
   * parse, read-only guard and schema checks as any SQL; when it fails them (or throws) the
   * built-in parser answers, else the error is clear. In a worker runtime it runs on the page.
   */
  sqlGenerator?: SqlGenerator;
  /** "first" (default): every question goes to the generator first; "fallback": only questions the built-in parser cannot answer. */
  sqlGeneratorMode?: "first" | "fallback";
  /** Also give the generator up to 50 distinct values per text column (default false: names and types only). */
  sqlGeneratorValues?: boolean;
}

/** What a host SQL generator is told about the source: never row values unless opted in. */
export interface GeneratorSchema {
  name: string;
  columns: { name: string; type: ColumnType; values?: string[] }[];
  rowCount: number;
}

export interface GeneratorContext {
  source: string;
  /** The SQL dialect to write: "polars" for sources in the page. */
  dialect: string;
  /** Choices made for earlier clarifications of this question. */
  answers: unknown[];
}

/** Resolves to one read-only SQL query answering the question about `context.source`. */
export type SqlGenerator = (question: string, schema: GeneratorSchema, context: GeneratorContext) => string | Promise<string>;

export type StageName = "validate" | "schema" | "sql" | "execute" | "data" | "chart"
  | "insights" | "narration" | "combine" | "complete";

export interface ProgressEvent {
  stage: StageName;
  /** "progress": remote work inside the execute stage (route, engine state, rows). */
  status: "started" | "done" | "skipped" | "failed" | "progress";
  /** 0..100, never decreasing; the last event is exactly 100. */
  percent: number;
  message: string;
  elapsedMs: number;
  detail: unknown;
}

export interface AnalyzeOptions {
  signal?: AbortSignal;
  maxRows?: number;
  timeoutMs?: number;
  cache?: "use" | "refresh" | "bypass";
}

export interface AnalyzeRequest {
  source: string;
  question?: string;
  sql?: string;
  /** Follow-up to a clarification: the chosen option (or its label), or the list of choices so far. */
  answer?: unknown;
  options?: AnalyzeOptions;
}

export interface Transformation { rule: string; detail: string; }

export interface StageMeta {
  stage: StageName;
  operation: string;
  engine: string | null;
  inputShape: [number, number] | null;
  outputShape: [number, number] | null;
  elapsedMs: number;
  cacheHit: boolean | null;
  transformations: Transformation[];
  /** Execute stage only. */
  route?: Route;
}

export interface Insight {
  kind: string;
  title: string;
  text: string;
  score: number;
  fields: string[];
  values: unknown;
  significance?: number;
}

export interface ChartSpec {
  type: "line" | "bar" | "scatter" | "pie" | "heatmap" | "histogram" | "kpi" | "table";
  x?: { field: string; aggregate?: string; timeUnit?: string; bin?: boolean };
  y?: { field: string; aggregate?: string };
  series?: { field: string };
  [extra: string]: unknown;
}

export type Aggregate = "sum" | "avg" | "median" | "count" | "count_distinct" | "min" | "max" | "none";
export type TimeUnit = "year" | "quarter" | "month" | "week" | "day" | "hour" | "month_of_year" | "day_of_week";

/** The semantic query a question was parsed into. */
export interface Intent {
  measures: Array<{ field: string; aggregate: Aggregate; as?: string }>;
  dimensions: Array<{ field: string; timeUnit?: TimeUnit; bin?: number }>;
  filters: Array<{ field: string; op: string; values: unknown[] }>;
  sort?: { field: string; descending: boolean };
  limit?: number;
  chart?: "bar" | "line" | "scatter" | "pie" | "area" | "histogram" | "table";
  [extra: string]: unknown;
}

/** Asked instead of guessing when a question is ambiguous. */
export interface Clarification { question: string; options: unknown[]; }

export interface AnalyzeResult {
  sql: string;
  /** For questions: the semantic query behind the SQL. */
  intent: Intent | null;
  /** Set instead of an answer when the question needs a choice. */
  clarification: Clarification | null;
  data: { columns: ColumnInfo[]; rows: Array<Record<string, CellValue>>; rowCount: number; truncated: boolean };
  /** An ECharts option (`echarts.setOption(result.chart)`), or null for a KPI or a table. */
  chart: Record<string, unknown> | null;
  chartSpec: ChartSpec | null;
  insights: Insight[];
  narration: string | null;
  warnings: Array<{ stage: StageName; code: string; message: string }>;
  progress: ProgressEvent[];
  metadata: StageMeta[];
  cache: { schema: "hit" | "miss"; result: "hit" | "miss" | "bypass" };
  engine: string;
  elapsedMs: number;
}

export interface CacheStats { entries: number; bytes: number; hits: number; misses: number; evictions: number; }

/** `registerRemote(name, options)`: a source whose data stays on a remote engine. */
export interface RemoteOptions {
  engine: "trino" | "clickhouse" | "cube" | "http";
  /** Trino `http://host:8080`, ClickHouse `http://host:8123`, Cube `http://host:4000`, http: the endpoint. */
  url: string;
  /** The remote table (`db.t`, `catalog.schema.t`); for Cube, the cube's name. */
  table: string;
  /** Sent with every request (e.g. Authorization). Never shown, cached, logged or audited. */
  headers?: Record<string, string>;
  /** Trino session catalog and schema. */
  catalog?: string;
  schema?: string;
  /** ClickHouse database. */
  database?: string;
  /** Trino X-Trino-User (default "insightflow"); ClickHouse user. */
  user?: string;
  /** ClickHouse password (secret). */
  password?: string;
  /** Rows in the remote table, if known (saves a COUNT when pull-down is allowed). */
  rowCountHint?: number;
  /** Allow fetching the whole table into the page when it is small enough (default false). */
  pullDown?: boolean;
  /** Largest table fetched into the page (default 100000 rows). */
  pullDownMaxRows?: number;
  /** Largest result accepted from the engine (default 1000000 rows); more: TOO_LARGE. */
  maxRows?: number;
  /** Largest answer body (default 256 MB). */
  maxResponseBytes?: number;
  /** Time limit of one remote query (default 30000 ms). */
  timeoutMs?: number;
  /** Retries of failed reads (default 2), backoff from retryBackoffMs (default 200 ms, doubling). */
  retries?: number;
  retryBackoffMs?: number;
  allow?: AccessList;
}

/** Where a query ran (metadata of the execute stage). */
export interface Route {
  chosen: "local" | "pull-down" | "remote";
  engine: "local" | "trino" | "clickhouse" | "cube" | "http";
  reason: string;
}

export interface AuditEntry {
  time: number;
  tenant: Tenant;
  action: "register" | "query" | "analyze" | "drop" | "invalidate";
  source: string;
  sqlFingerprint: string | null;
  outcome: string;
  rows: number | null;
  elapsedMs: number;
}
"#;

#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

/// Turns a core error into a JS `Error` with `name`, `code` and `hint`.
fn js_error(e: Error) -> JsValue {
    let err = js_sys::Error::new(&e.message);
    err.set_name("InsightflowError");
    let obj: &JsValue = err.as_ref();
    // Reflect::set on a fresh Error object cannot fail.
    let _ = Reflect::set(obj, &"code".into(), &e.code.as_str().into());
    let _ = Reflect::set(obj, &"hint".into(), &e.hint.into());
    err.into()
}

/// A value to JS as JSON text parsed by the engine's `JSON.parse`: one string crosses the
/// boundary instead of one binding call per value, which for a 100,000-row result is several
/// times faster than building the objects from Rust. Same shapes as JSON (`None` → null;
/// non-finite floats → null; integers beyond ±2^53 are already exact strings in the core).
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let passing = |detail: String| js_error(Error::new(ErrorCode::Internal, "A result could not be passed to JavaScript.", detail));
    let text = serde_json::to_string(value).map_err(|e| passing(e.to_string()))?;
    js_sys::JSON::parse(&text).map_err(|e| passing(format!("{e:?}")))
}

fn from_js<T: serde::de::DeserializeOwned + Default>(value: Option<JsValue>, what: &str) -> Result<T, JsValue> {
    let Some(value) = value.filter(|v| !v.is_undefined() && !v.is_null()) else {
        return Ok(T::default());
    };
    serde_wasm_bindgen::from_value(value).map_err(|e| {
        js_error(Error::invalid(format!("The {what} could not be read."), format!("Check the option names and types: {e}")))
    })
}

fn settle(r: Result<JsValue, JsValue>) -> Promise {
    match r {
        Ok(v) => Promise::resolve(&v),
        Err(e) => Promise::reject(&e),
    }
}

/// Splits the `sqlGenerator` function off the runtime options (the rest is plain data).
fn take_generator(options: Option<JsValue>) -> Result<(Option<JsValue>, Option<Function>), JsValue> {
    let Some(o) = options.filter(|o| o.is_object()) else { return Ok((None, None)) };
    let key: JsValue = "sqlGenerator".into();
    let f = Reflect::get(&o, &key).unwrap_or(JsValue::UNDEFINED);
    if f.is_undefined() || f.is_null() {
        return Ok((Some(o), None));
    }
    let f: Function = f.dyn_into().map_err(|_| {
        js_error(Error::invalid("The sqlGenerator option must be a function.", "Pass an async function (question, schema, context) => sql, or leave it out."))
    })?;
    let rest = js_sys::Object::assign(&js_sys::Object::new(), o.unchecked_ref());
    let _ = Reflect::delete_property(&rest, &key);
    Ok((Some(rest.into()), Some(f)))
}

/// The host's SQL generator: a JS function `(question, schema, context) => sql | Promise<sql>`.
struct JsSqlGenerator {
    f: Function,
}

impl crate::question::SqlGenerator for JsSqlGenerator {
    fn generate(&self, question: &str, schema: serde_json::Value, context: serde_json::Value) -> futures_util::future::LocalBoxFuture<'static, crate::error::Result<String>> {
        let f = self.f.clone();
        let question = JsValue::from_str(question);
        Box::pin(async move {
            let failed = |e: JsValue| {
                let detail = e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).or_else(|| e.as_string()).unwrap_or_else(|| "a value that is not an Error".into());
                Error::new(ErrorCode::Internal, "The host's SQL generator failed.", format!("It threw: {detail}"))
            };
            let as_js = |v: &serde_json::Value| js_sys::JSON::parse(&v.to_string()).map_err(failed);
            let (schema, context) = (as_js(&schema)?, as_js(&context)?);
            let mut out = f.call3(&JsValue::NULL, &question, &schema, &context).map_err(failed)?;
            if let Some(p) = out.dyn_ref::<Promise>() {
                out = wasm_bindgen_futures::JsFuture::from(p.clone()).await.map_err(failed)?;
            }
            out.as_string().ok_or_else(|| {
                Error::new(ErrorCode::Internal, "The host's SQL generator returned no SQL.", "It must return (or resolve to) one SQL query as a string.")
            })
        })
    }
}

/// Progress to a JS callback; abort from a JS AbortSignal.
struct JsHooks {
    on_progress: Option<Function>,
    signal: Option<AbortSignal>,
}

impl Hooks for JsHooks {
    fn progress(&mut self, event: &ProgressEvent) {
        if let (Some(cb), Ok(v)) = (&self.on_progress, to_js(event)) {
            // A throwing callback must not break the pipeline.
            let _ = cb.call1(&JsValue::NULL, &v);
        }
    }
    fn aborted(&self) -> bool {
        self.signal.as_ref().is_some_and(AbortSignal::aborted)
    }
}

/// An insightflow instance: registered tables, caches, audit log and the in-page engine.
#[wasm_bindgen]
pub struct Runtime {
    core: Rc<CoreRuntime>,
}

#[wasm_bindgen]
impl Runtime {
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_param_type = "RuntimeOptions")] options: Option<JsValue>) -> Result<Runtime, JsValue> {
        let (options, generator) = take_generator(options)?;
        let options: RuntimeOptions = from_js(options, "runtime options")?;
        let core = CoreRuntime::new(options);
        if let Some(f) = generator {
            core.set_sql_generator(Some(Rc::new(JsSqlGenerator { f })));
        }
        Ok(Runtime { core: Rc::new(core) })
    }

    /// Reads a file's bytes (CSV, TSV, JSON, NDJSON, Parquet, Arrow) and registers it as `name`,
    /// replacing any table of that name. Resolves to the table's schema.
    #[wasm_bindgen(js_name = registerTable, unchecked_return_type = "Promise<TableSchema>")]
    pub fn register_table(
        &self,
        name: String,
        bytes: &[u8],
        #[wasm_bindgen(unchecked_param_type = "RegisterOptions")] options: Option<JsValue>,
    ) -> Promise {
        let run = || {
            let opts: RegisterOptions = from_js(options, "register options")?;
            let schema = self.core.register_bytes(&name, bytes, &opts).map_err(js_error)?;
            to_js(&schema)
        };
        settle(run())
    }

    /// Registers an array of plain objects as table `name`. Dates become ISO strings.
    #[wasm_bindgen(js_name = registerRows, unchecked_return_type = "Promise<TableSchema>")]
    pub fn register_rows(
        &self,
        name: String,
        #[wasm_bindgen(unchecked_param_type = "Array<Record<string, unknown>>")] rows: JsValue,
        #[wasm_bindgen(unchecked_param_type = "{ allow?: AccessList }")] options: Option<JsValue>,
    ) -> Promise {
        let run = || {
            if !js_sys::Array::is_array(&rows) {
                return Err(js_error(Error::invalid("Rows must be an array of objects.", "Pass an array like [{city: 'Oslo', sales: 10}].")));
            }
            let opts: RegisterOptions = from_js(options, "register options")?;
            let json = js_sys::JSON::stringify(&rows).map_err(|_| {
                js_error(Error::invalid(
                    "The rows could not be converted to a table.",
                    "Rows must hold plain values (text, numbers, booleans, dates, null); BigInt values and cycles are not supported.",
                ))
            })?;
            let json: String = json.into();
            let schema = self.core.register_rows_json(&name, json.as_bytes(), opts.allow).map_err(js_error)?;
            to_js(&schema)
        };
        settle(run())
    }

    /// Names of the registered tables, sorted.
    pub fn tables(&self) -> Vec<String> {
        self.core.tables()
    }

    /// The schema of a registered table (from the schema cache when fresh).
    #[wasm_bindgen(unchecked_return_type = "TableSchema")]
    pub fn schema(&self, name: String) -> Result<JsValue, JsValue> {
        let schema = self.core.schema(&name).map_err(js_error)?;
        to_js(&schema)
    }

    /// Runs a read-only SQL query; resolves to `{columns, rows, rowCount, elapsedMs}`.
    #[wasm_bindgen(unchecked_return_type = "Promise<QueryResult>")]
    pub fn query(&self, sql: String) -> Promise {
        settle(self.core.query(&sql).map_err(js_error).and_then(|out| to_js(&out)))
    }

    /// Runs a read-only SQL query; resolves to Arrow IPC stream bytes (`tableFromIPC` reads them).
    #[wasm_bindgen(js_name = queryArrow, unchecked_return_type = "Promise<Uint8Array>")]
    pub fn query_arrow(&self, sql: String) -> Promise {
        settle(self.core.query_arrow(&sql).map_err(js_error).map(|bytes| Uint8Array::from(bytes.as_slice()).into()))
    }

    /// Runs the ten-stage pipeline: SQL (or a question), result, chart, insights, narration.
    /// `onProgress` receives every stage event.
    #[wasm_bindgen(unchecked_return_type = "Promise<AnalyzeResult>")]
    pub fn analyze(
        &self,
        #[wasm_bindgen(unchecked_param_type = "AnalyzeRequest")] request: JsValue,
        #[wasm_bindgen(js_name = onProgress, unchecked_param_type = "(event: ProgressEvent) => void")] on_progress: Option<Function>,
    ) -> Promise {
        // The signal is a JS object: take it out before the rest is deserialized.
        let options = Reflect::get(&request, &"options".into()).unwrap_or(JsValue::UNDEFINED);
        let signal = if options.is_object() {
            Reflect::get(&options, &"signal".into()).ok().and_then(|s| s.dyn_into::<AbortSignal>().ok())
        } else {
            None
        };
        // Unknown fields (the signal among them) are ignored by the deserializer.
        let req: Result<AnalyzeRequest, JsValue> = from_js(Some(request), "analyze request");
        let core = self.core.clone();
        wasm_bindgen_futures::future_to_promise(async move {
            let req = req?;
            let mut hooks = JsHooks { on_progress, signal };
            let result = core.analyze(req, &mut hooks).await.map_err(js_error)?;
            to_js(&result)
        })
    }

    /// Forgets cached schema and results of a table.
    pub fn invalidate(&self, source: String) -> Result<(), JsValue> {
        self.core.invalidate(&source).map_err(js_error)
    }

    /// Schema and result cache counters.
    #[wasm_bindgen(js_name = cacheStats, unchecked_return_type = "{ schema: CacheStats; result: CacheStats }")]
    pub fn cache_stats(&self) -> Result<JsValue, JsValue> {
        to_js(&self.core.cache_stats())
    }

    /// The audit log, oldest first: `{since?, limit?}`.
    #[wasm_bindgen(js_name = auditLog, unchecked_return_type = "AuditEntry[]")]
    pub fn audit_log(&self, #[wasm_bindgen(unchecked_param_type = "{ since?: number; limit?: number }")] options: Option<JsValue>) -> Result<JsValue, JsValue> {
        let q: AuditQuery = from_js(options, "audit log options")?;
        to_js(&self.core.audit_log(&q))
    }

    /// Removes a table; returns whether it existed.
    #[wasm_bindgen(js_name = dropTable)]
    pub fn drop_table(&self, name: String) -> bool {
        self.core.drop_table(&name)
    }
}

// ---- remote engines (issue 6): kept apart from the rest of the facade.

#[wasm_bindgen]
impl Runtime {
    /// Declares a source whose data stays on a remote engine (Trino, ClickHouse, Cube or the
    /// generic HTTP protocol), reached with `fetch`. Reads the schema from the engine and
    /// resolves to it; `analyze` then routes queries on it (see `Route`).
    #[wasm_bindgen(js_name = registerRemote, unchecked_return_type = "Promise<TableSchema>")]
    pub fn register_remote(&self, name: String, #[wasm_bindgen(unchecked_param_type = "RemoteOptions")] options: JsValue) -> Promise {
        let opts: Result<crate::engine::remote::RemoteOptions, JsValue> = serde_wasm_bindgen::from_value(options)
            .map_err(|e| js_error(Error::invalid("The remote source options could not be read.", format!("Check the option names and types: {e}"))));
        let core = self.core.clone();
        wasm_bindgen_futures::future_to_promise(async move {
            let schema = core.register_remote(&name, opts?).await.map_err(js_error)?;
            to_js(&schema)
        })
    }
}

/// The library's version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
