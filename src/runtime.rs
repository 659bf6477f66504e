//! The core runtime: the object behind JS `Runtime`, in plain Rust.
//!
//! Ties ingest ([`crate::source`]), the guard ([`crate::sql`]) and the engine together and
//! enforces limits at the boundary. The wasm facade wraps exactly this; native tests drive it
//! directly.

use polars::prelude::DataFrame;
use serde::{Deserialize, Serialize};
use web_time::Instant;

use crate::engine::{Executed, LocalEngine, TableSchema};
use crate::error::{Error, ErrorCode, Result};
use crate::source::{self, ReadOptions};
use crate::table::{self, RowTable};

/// Options for a runtime (JS: `new Runtime(options)`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RuntimeOptions {
    /// Largest input (file bytes or rows JSON) accepted by one registration.
    pub max_input_bytes: usize,
}

impl Default for RuntimeOptions {
    fn default() -> Self {
        RuntimeOptions { max_input_bytes: 1 << 30 }
    }
}

/// The answer to `query(sql)`: `{columns, rows, rowCount, elapsedMs}`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryOutput {
    #[serde(flatten)]
    pub table: RowTable,
    pub elapsed_ms: f64,
}

/// Tables, options and the engine of one page's (or worker's) insightflow instance.
#[derive(Default)]
pub struct Runtime {
    engine: LocalEngine,
    options: RuntimeOptions,
}

fn ms_since(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1000.0
}

impl Runtime {
    pub fn new(options: RuntimeOptions) -> Self {
        Runtime { engine: LocalEngine::new(), options }
    }

    fn check_size(&self, len: usize) -> Result<()> {
        if len > self.options.max_input_bytes {
            return Err(Error::new(
                ErrorCode::TooLarge,
                format!(
                    "This input is {:.1} MB, more than the {:.1} MB this page accepts.",
                    len as f64 / 1e6,
                    self.options.max_input_bytes as f64 / 1e6
                ),
                "Use a smaller extract of the data, or query it where it lives with a remote engine.",
            ));
        }
        Ok(())
    }

    /// Reads `bytes` (format from options or sniffed) and registers the table as `name`.
    pub fn register_bytes(&mut self, name: &str, bytes: &[u8], opts: &ReadOptions) -> Result<TableSchema> {
        crate::engine::validate_table_name(name)?;
        self.check_size(bytes.len())?;
        let (df, _format) = source::read_bytes(bytes, opts)?;
        self.engine.register(name, df)
    }

    /// Registers rows given as a JSON array of objects.
    pub fn register_rows_json(&mut self, name: &str, json: &[u8]) -> Result<TableSchema> {
        crate::engine::validate_table_name(name)?;
        self.check_size(json.len())?;
        let df = source::read_rows_json(json)?;
        self.engine.register(name, df)
    }

    /// Registers an already-built frame (native callers, tests, later pull-down of remote data).
    pub fn register_frame(&mut self, name: &str, df: DataFrame) -> Result<TableSchema> {
        self.engine.register(name, df)
    }

    pub fn tables(&self) -> Vec<String> {
        self.engine.table_names()
    }

    pub fn schema(&self, name: &str) -> Result<TableSchema> {
        self.engine.schema(name)
    }

    pub fn drop_table(&mut self, name: &str) -> bool {
        self.engine.drop_table(name)
    }

    /// Guards and runs `sql`, returning the result frame.
    pub fn query_frame(&self, sql: &str) -> Result<DataFrame> {
        self.execute(sql).map(|e| e.frame)
    }

    /// Guards and runs `sql`, returning the frame and the rewrites applied.
    pub fn execute(&self, sql: &str) -> Result<Executed> {
        let checked = crate::sql::check(sql)?;
        self.engine.query(&checked)
    }

    /// Guards and runs `sql`, returning rows for JS.
    pub fn query(&self, sql: &str) -> Result<QueryOutput> {
        let start = Instant::now();
        let df = self.query_frame(sql)?;
        let table = RowTable::from_frame(&df)?;
        Ok(QueryOutput { table, elapsed_ms: ms_since(start) })
    }

    /// Guards and runs `sql`, returning the result as Arrow IPC stream bytes.
    pub fn query_arrow(&self, sql: &str) -> Result<Vec<u8>> {
        let mut df = self.query_frame(sql)?;
        table::to_arrow_ipc(&mut df)
    }
}
