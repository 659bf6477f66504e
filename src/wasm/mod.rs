//! The `#[wasm_bindgen]` facade: converts JS values to core types and back, nothing else.
//! Every error crosses as a real JS `Error` carrying `code`, `message` and `hint`.

use js_sys::{Promise, Reflect, Uint8Array};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::error::{Error, ErrorCode};
use crate::runtime::{Runtime as CoreRuntime, RuntimeOptions};
use crate::source::ReadOptions;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** Stable error codes carried by every error insightflow throws (`err.code`). */
export type ErrorCode =
  | "INVALID_ARGUMENT" | "SQL_SYNTAX" | "SQL_FORBIDDEN" | "SQL_UNSUPPORTED"
  | "UNKNOWN_TABLE" | "UNKNOWN_COLUMN" | "BAD_FILE" | "UNSUPPORTED_FORMAT"
  | "EMPTY_INPUT" | "TOO_LARGE" | "QUERY_FAILED" | "INTERNAL";

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
}

export interface RuntimeOptions {
  /** Largest file or rows payload one registration accepts, in bytes (default 1 GiB). */
  maxInputBytes?: number;
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

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| js_error(Error::new(ErrorCode::Internal, "A result could not be passed to JavaScript.", e.to_string())))
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

/// An insightflow instance: registered tables and the in-page engine.
#[wasm_bindgen]
pub struct Runtime {
    core: CoreRuntime,
}

#[wasm_bindgen]
impl Runtime {
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_param_type = "RuntimeOptions")] options: Option<JsValue>) -> Result<Runtime, JsValue> {
        let options: RuntimeOptions = from_js(options, "runtime options")?;
        Ok(Runtime { core: CoreRuntime::new(options) })
    }

    /// Reads a file's bytes (CSV, TSV, JSON, NDJSON, Parquet, Arrow) and registers it as `name`,
    /// replacing any table of that name. Resolves to the table's schema.
    #[wasm_bindgen(js_name = registerTable, unchecked_return_type = "Promise<TableSchema>")]
    pub fn register_table(
        &mut self,
        name: String,
        bytes: &[u8],
        #[wasm_bindgen(unchecked_param_type = "RegisterOptions")] options: Option<JsValue>,
    ) -> Promise {
        let run = || {
            let opts: ReadOptions = from_js(options, "register options")?;
            let schema = self.core.register_bytes(&name, bytes, &opts).map_err(js_error)?;
            to_js(&schema)
        };
        settle(run())
    }

    /// Registers an array of plain objects as table `name`. Dates become ISO strings.
    #[wasm_bindgen(js_name = registerRows, unchecked_return_type = "Promise<TableSchema>")]
    pub fn register_rows(
        &mut self,
        name: String,
        #[wasm_bindgen(unchecked_param_type = "Array<Record<string, unknown>>")] rows: JsValue,
    ) -> Promise {
        let mut run = || {
            if !js_sys::Array::is_array(&rows) {
                return Err(js_error(Error::invalid("Rows must be an array of objects.", "Pass an array like [{city: 'Oslo', sales: 10}].")));
            }
            let json = js_sys::JSON::stringify(&rows).map_err(|_| {
                js_error(Error::invalid(
                    "The rows could not be converted to a table.",
                    "Rows must hold plain values (text, numbers, booleans, dates, null); BigInt values and cycles are not supported.",
                ))
            })?;
            let json: String = json.into();
            let schema = self.core.register_rows_json(&name, json.as_bytes()).map_err(js_error)?;
            to_js(&schema)
        };
        settle(run())
    }

    /// Names of the registered tables, sorted.
    pub fn tables(&self) -> Vec<String> {
        self.core.tables()
    }

    /// The schema of a registered table.
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

    /// Removes a table; returns whether it existed.
    #[wasm_bindgen(js_name = dropTable)]
    pub fn drop_table(&mut self, name: String) -> bool {
        self.core.drop_table(&name)
    }
}

/// The library's version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
