//! The core runtime: the object behind JS `Runtime`, in plain Rust.
//!
//! Ties ingest ([`crate::source`]), the guard ([`crate::sql`]), the engine, the caches, the
//! audit log and tenancy together, and enforces limits at the boundary. All methods take
//! `&self` (state sits in `RefCell`s borrowed briefly, never across an `.await`), so several
//! `analyze` calls may interleave in one page. The wasm facade wraps exactly this; native
//! tests drive it directly.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use polars::prelude::DataFrame;
use serde::{Deserialize, Serialize};
use web_time::Instant;

use crate::audit::{AuditEntry, AuditLog, AuditQuery};
use crate::cache::{CacheStats, Clock, SystemClock, TtlCache};
use crate::engine::{Executed, LocalEngine, TableSchema};
use crate::error::{Error, ErrorCode, Result};
use crate::pipeline::flight::Flights;
use crate::pipeline::Computed;
use crate::source::{self, ReadOptions};
use crate::table::{self, RowTable};

/// Who is using this runtime. Every cache key is scoped by it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Tenant {
    pub org: Option<String>,
    pub project: Option<String>,
    pub user: Option<String>,
    /// Roles of the user, matched against a source's `allow.roles`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
}

/// Who may use a source (`registerTable(..., {allow: {users, roles}})`). Empty lists allow all.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AccessList {
    pub users: Vec<String>,
    pub roles: Vec<String>,
}

impl AccessList {
    fn allows(&self, tenant: &Tenant) -> bool {
        if self.users.is_empty() && self.roles.is_empty() {
            return true;
        }
        let by_user = tenant.user.as_ref().is_some_and(|u| self.users.contains(u));
        let by_role = tenant.roles.iter().any(|r| self.roles.contains(r));
        by_user || by_role
    }
}

/// Options for registering a table: reader options plus an optional access list.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RegisterOptions {
    #[serde(flatten)]
    pub read: ReadOptions,
    pub allow: Option<AccessList>,
}

/// Options for a runtime (JS: `new Runtime(options)`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RuntimeOptions {
    pub tenant: Tenant,
    /// Largest input (file bytes or rows JSON) accepted by one registration.
    pub max_input_bytes: usize,
    /// Schema cache time-to-live (default 24 h).
    pub schema_ttl_ms: f64,
    /// Result cache time-to-live (default 30 min).
    pub result_ttl_ms: f64,
    /// Result cache size in entries (default 1000; 0 disables it).
    pub result_cache_entries: usize,
    /// Results larger than this are not cached (default 10 MB).
    pub result_cache_max_bytes: usize,
    /// Rows an analyze result carries at most unless the request says otherwise (default 10,000).
    pub max_rows: usize,
    /// Largest result an analyze call hands back, estimated in bytes (default 64 MB).
    pub max_result_bytes: usize,
    /// Audit ring size (default 1000).
    pub audit_capacity: usize,
    /// Memory budget for registered tables plus a query's result, in bytes (default 1.5 GB,
    /// well under wasm32's 4 GiB ceiling). Checked with an estimate before allocating.
    pub memory_budget_bytes: usize,
    /// When the host's SQL generator (if one is set) is asked: "first" (default) or "fallback".
    pub sql_generator_mode: crate::question::GeneratorMode,
    /// Whether the host's SQL generator also receives distinct values of text columns.
    pub sql_generator_values: bool,
}

impl Default for RuntimeOptions {
    fn default() -> Self {
        RuntimeOptions {
            tenant: Tenant::default(),
            max_input_bytes: 1 << 30,
            schema_ttl_ms: 24.0 * 3600.0 * 1000.0,
            result_ttl_ms: 30.0 * 60.0 * 1000.0,
            result_cache_entries: 1000,
            result_cache_max_bytes: 10 * 1000 * 1000,
            max_rows: 10_000,
            max_result_bytes: 64 * 1000 * 1000,
            audit_capacity: 1000,
            memory_budget_bytes: 1_500_000_000,
            sql_generator_mode: Default::default(),
            sql_generator_values: false,
        }
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

/// Result-cache key: tenant scope, the versions of the tables read, the SQL fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct ResultKey {
    pub tenant: Tenant,
    /// (table, version) for every table the query reads, sorted.
    pub sources: Vec<(String, u64)>,
    pub fingerprint: String,
}

/// A statement that passed the guard, with its fingerprint.
#[derive(Debug)]
pub(crate) struct Checked {
    pub query: crate::sql::CheckedQuery,
    pub fingerprint: String,
}

/// SQL texts whose check is remembered, and the longest one remembered (bytes).
const SQL_MEMO_ENTRIES: usize = 256;
const SQL_MEMO_MAX_BYTES: usize = 16 * 1024;

/// `cacheStats()`.
#[derive(Debug, Clone, Serialize)]
pub struct AllCacheStats {
    pub schema: CacheStats,
    pub result: CacheStats,
}

/// Tables, caches, audit log and options of one page's (or worker's) insightflow instance.
pub struct Runtime {
    pub(crate) options: RuntimeOptions,
    pub(crate) clock: Rc<dyn Clock>,
    pub(crate) engine: RefCell<LocalEngine>,
    pub(crate) access: RefCell<HashMap<String, AccessList>>,
    pub(crate) schema_cache: RefCell<TtlCache<(Tenant, String), Rc<TableSchema>>>,
    /// Remote sources (`registerRemote`) and their HTTP client; see [`crate::engine::router`].
    pub(crate) remotes: crate::engine::router::Remotes,
    /// Column values and statistics for questions, keyed and invalidated like the schema.
    pub(crate) profile_cache: RefCell<TtlCache<(Tenant, String), Rc<crate::question::Profile>>>,
    /// The host's SQL generator for questions, if any.
    pub(crate) sql_generator: RefCell<Option<Rc<dyn crate::question::SqlGenerator>>>,
    pub(crate) result_cache: RefCell<TtlCache<ResultKey, Rc<Computed>>>,
    /// Recently checked SQL texts (see [`Runtime::checked_sql`]).
    sql_memo: RefCell<TtlCache<String, Rc<Checked>>>,
    pub(crate) flights: Flights,
    audit: RefCell<AuditLog>,
    /// How many times the engine actually ran a query (not served from a cache or a flight).
    pub(crate) executions: Cell<u64>,
}

impl Default for Runtime {
    fn default() -> Self {
        Runtime::new(RuntimeOptions::default())
    }
}

pub(crate) fn ms_since(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1000.0
}

impl Runtime {
    pub fn new(options: RuntimeOptions) -> Self {
        Self::with_clock(options, Rc::new(SystemClock))
    }

    /// A runtime whose caches and audit log read time from `clock` (tests move it by hand).
    pub fn with_clock(options: RuntimeOptions, clock: Rc<dyn Clock>) -> Self {
        Runtime {
            schema_cache: RefCell::new(TtlCache::new(4096, options.schema_ttl_ms, usize::MAX)),
            profile_cache: RefCell::new(TtlCache::new(256, options.schema_ttl_ms, usize::MAX)),
            sql_generator: RefCell::new(None),
            result_cache: RefCell::new(TtlCache::new(options.result_cache_entries, options.result_ttl_ms, options.result_cache_max_bytes)),
            sql_memo: RefCell::new(TtlCache::new(SQL_MEMO_ENTRIES, options.result_ttl_ms, SQL_MEMO_MAX_BYTES)),
            audit: RefCell::new(AuditLog::new(options.audit_capacity)),
            engine: RefCell::new(LocalEngine::new()),
            access: RefCell::new(HashMap::new()),
            remotes: Default::default(),
            flights: Flights::default(),
            executions: Cell::new(0),
            clock,
            options,
        }
    }

    pub fn tenant(&self) -> &Tenant {
        &self.options.tenant
    }

    pub(crate) fn now_ms(&self) -> f64 {
        self.clock.now_ms()
    }

    pub(crate) fn audit(&self, action: &'static str, source: &str, fingerprint: Option<String>, outcome: std::result::Result<Option<usize>, ErrorCode>, start: Instant) {
        let (outcome, rows) = match outcome {
            Ok(rows) => ("ok".to_string(), rows),
            Err(code) => (code.as_str().to_string(), None),
        };
        self.audit.borrow_mut().push(AuditEntry {
            time: self.now_ms(),
            tenant: self.options.tenant.clone(),
            action,
            source: source.to_string(),
            sql_fingerprint: fingerprint,
            outcome,
            rows,
            elapsed_ms: ms_since(start),
        });
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

    /// What the memory budget still allows beyond the registered tables, in bytes.
    pub(crate) fn memory_left(&self) -> usize {
        self.options.memory_budget_bytes.saturating_sub(self.engine.borrow().resident_bytes(None))
    }

    /// Refuses work whose estimated memory would take the runtime over its budget.
    fn check_budget(&self, needed: usize, replacing: Option<&str>, what: &str) -> Result<()> {
        let resident = self.engine.borrow().resident_bytes(replacing);
        let budget = self.options.memory_budget_bytes;
        if resident.saturating_add(needed) > budget {
            return Err(Error::new(
                ErrorCode::TooLarge,
                format!(
                    "{what} would need about {:.0} MB of memory; {:.0} MB of the {:.0} MB this page may use are already taken.",
                    needed as f64 / 1e6,
                    resident as f64 / 1e6,
                    budget as f64 / 1e6
                ),
                "Drop tables you no longer need, load a smaller extract, or query the data where it lives with a remote engine.",
            ));
        }
        Ok(())
    }

    /// Checks that this runtime's user may use `table` (the registered name).
    pub(crate) fn check_access(&self, table: &str) -> Result<()> {
        let access = self.access.borrow();
        match access.get(table) {
            Some(list) if !list.allows(&self.options.tenant) => Err(Error::new(
                ErrorCode::AccessDenied,
                format!("You do not have access to '{table}'."),
                "Ask the owner of this data to add you (or one of your roles) to its access list.",
            )),
            _ => Ok(()),
        }
    }

    fn registered(&self, name: &str, df: Result<DataFrame>, allow: Option<AccessList>, start: Instant) -> Result<TableSchema> {
        let result = df.and_then(|df| self.engine.borrow_mut().register(name, df));
        match &result {
            Ok(schema) => {
                let mut access = self.access.borrow_mut();
                match allow {
                    Some(list) => access.insert(schema.name.clone(), list),
                    None => access.remove(&schema.name),
                };
                drop(access);
                self.forget_remote(&schema.name);
                self.invalidate_caches(&schema.name);
            }
            Err(_) => {}
        }
        self.audit("register", name, None, result.as_ref().map(|s| Some(s.row_count)).map_err(|e| e.code), start);
        result
    }

    /// Reads `bytes` (format from options or sniffed) and registers the table as `name`.
    pub fn register_bytes(&self, name: &str, bytes: &[u8], opts: &RegisterOptions) -> Result<TableSchema> {
        let start = Instant::now();
        let df = crate::engine::validate_table_name(name)
            .and_then(|()| self.check_size(bytes.len()))
            .and_then(|()| self.check_budget(source::estimate_frame_bytes(bytes, &opts.read), Some(name), "This table"))
            .and_then(|()| {
                let memory_left = self.options.memory_budget_bytes.saturating_sub(self.engine.borrow().resident_bytes(Some(name)));
                source::read_bytes_within(bytes, &opts.read, memory_left).map(|(df, _)| df)
            });
        self.registered(name, df, opts.allow.clone(), start)
    }

    /// Registers rows given as a JSON array of objects.
    pub fn register_rows_json(&self, name: &str, json: &[u8], allow: Option<AccessList>) -> Result<TableSchema> {
        let start = Instant::now();
        let df = crate::engine::validate_table_name(name)
            .and_then(|()| self.check_size(json.len()))
            .and_then(|()| self.check_budget(json.len(), Some(name), "These rows"))
            .and_then(|()| source::read_rows_json(json));
        self.registered(name, df, allow, start)
    }

    /// Registers an already-built frame (native callers, tests, pull-down of remote data).
    pub fn register_frame(&self, name: &str, df: DataFrame) -> Result<TableSchema> {
        self.registered(name, Ok(df), None, Instant::now())
    }

    pub fn tables(&self) -> Vec<String> {
        self.all_source_names()
    }

    /// The schema of a table, from the schema cache when fresh. The bool says whether it was a hit.
    pub fn schema_cached(&self, name: &str) -> Result<(Rc<TableSchema>, bool)> {
        if let Some(remote) = self.remote_schema_sync(name) {
            return remote.map(|s| (s, true));
        }
        let resolved = self.engine.borrow().schema_name(name)?;
        self.check_access(&resolved)?;
        let key = (self.options.tenant.clone(), resolved.clone());
        let now = self.now_ms();
        if let Some(hit) = self.schema_cache.borrow_mut().get(&key, now) {
            return Ok((hit, true));
        }
        let schema = Rc::new(self.engine.borrow().schema(&resolved)?);
        // its size as the JSON a host receives (names, types, counts)
        let bytes = serde_json::to_vec(&*schema).map(|v| v.len()).unwrap_or(0);
        self.schema_cache.borrow_mut().put(key, schema.clone(), bytes, now);
        Ok((schema, false))
    }

    pub fn schema(&self, name: &str) -> Result<TableSchema> {
        self.schema_cached(name).map(|(s, _)| (*s).clone())
    }

    /// Drops cached schema and results of `table` (after re-registration, drop, invalidate).
    pub(crate) fn invalidate_caches(&self, table: &str) {
        self.schema_cache.borrow_mut().remove_where(|(_, t)| t == table);
        self.profile_cache.borrow_mut().remove_where(|(_, t)| t == table);
        self.result_cache.borrow_mut().remove_where(|k| k.sources.iter().any(|(t, _)| t == table));
    }

    /// `invalidate(source)`: forget cached schema and results of a table.
    pub fn invalidate(&self, name: &str) -> Result<()> {
        let start = Instant::now();
        let resolved = self.source_name(name);
        let outcome = resolved.map(|t| {
            self.invalidate_remote(&t);
            self.invalidate_caches(&t);
        });
        self.audit("invalidate", name, None, outcome.as_ref().map(|_| None).map_err(|e| e.code), start);
        outcome
    }

    pub fn drop_table(&self, name: &str) -> bool {
        let start = Instant::now();
        if let Some(t) = self.drop_remote(name) {
            self.access.borrow_mut().remove(&t);
            self.invalidate_caches(&t);
            self.audit("drop", name, None, Ok(None), start);
            return true;
        }
        let resolved = self.engine.borrow().schema_name(name).ok();
        let existed = match &resolved {
            Some(t) => self.engine.borrow_mut().drop_table(t),
            None => false,
        };
        if let Some(t) = resolved {
            self.access.borrow_mut().remove(&t);
            self.invalidate_caches(&t);
        }
        self.audit("drop", name, None, Ok(None), start);
        existed
    }

    pub fn cache_stats(&self) -> AllCacheStats {
        AllCacheStats { schema: self.schema_cache.borrow().stats(), result: self.result_cache.borrow().stats() }
    }

    pub fn audit_log(&self, q: &AuditQuery) -> Vec<AuditEntry> {
        self.audit.borrow().read(q)
    }

    /// How many queries the engine has actually executed (cache hits and shared flights excluded).
    pub fn executions(&self) -> u64 {
        self.executions.get()
    }

    /// Guards and runs `sql` (after access checks), returning the frame and the rewrites applied.
    pub fn execute(&self, sql: &str) -> Result<Executed> {
        let checked = crate::sql::check(sql)?;
        self.execute_checked(&checked)
    }

    pub(crate) fn execute_checked(&self, checked: &crate::sql::CheckedQuery) -> Result<Executed> {
        self.refuse_remote_in_sync(checked)?;
        for t in &checked.tables {
            if let Ok(resolved) = self.engine.borrow().schema_name(t) {
                self.check_access(&resolved)?;
            }
        }
        self.executions.set(self.executions.get() + 1);
        let executed = self.engine.borrow().query(checked, self.memory_left())?;
        // The result is dropped (not converted, cached or returned) when it breaks the budget.
        self.check_budget(executed.frame.estimated_size(), None, "This result")?;
        Ok(executed)
    }

    /// Guards and runs `sql`, returning the result frame.
    pub fn query_frame(&self, sql: &str) -> Result<DataFrame> {
        self.execute(sql).map(|e| e.frame)
    }

    /// [`crate::sql::check`] and [`crate::sql::fingerprint`] of `sql`, remembered for recent
    /// texts: both depend on the text alone, and a repeated request (a result-cache hit above
    /// all) should not parse it again. Refusals are not remembered. The flag is true when the
    /// check was remembered.
    pub(crate) fn checked_sql(&self, sql: &str) -> Result<(Rc<Checked>, bool)> {
        let key = sql.to_string();
        if let Some(c) = self.sql_memo.borrow_mut().get(&key, self.now_ms()) {
            return Ok((c, true));
        }
        let query = crate::sql::check(sql)?;
        let fingerprint = crate::sql::fingerprint(&query.statement);
        let checked = Rc::new(Checked { query, fingerprint });
        let bytes = key.len();
        self.sql_memo.borrow_mut().put(key, checked.clone(), bytes, self.now_ms());
        Ok((checked, false))
    }

    fn audited_query<T>(&self, sql: &str, run: impl FnOnce(DataFrame) -> Result<(T, usize)>) -> Result<T> {
        let start = Instant::now();
        let checked = self.checked_sql(sql).map(|(c, _)| c);
        let fp = checked.as_ref().ok().map(|c| c.fingerprint.clone());
        let source = checked.as_ref().ok().and_then(|c| c.query.tables.first().cloned()).unwrap_or_default();
        let out = checked.and_then(|c| self.execute_checked(&c.query)).and_then(|e| run(e.frame));
        self.audit("query", &source, fp, out.as_ref().map(|(_, n)| Some(*n)).map_err(|e| e.code), start);
        out.map(|(t, _)| t)
    }

    /// Guards and runs `sql`, returning rows for JS.
    pub fn query(&self, sql: &str) -> Result<QueryOutput> {
        let start = Instant::now();
        self.audited_query(sql, |df| {
            let table = RowTable::from_frame(&df)?;
            let n = table.row_count;
            Ok((QueryOutput { table, elapsed_ms: ms_since(start) }, n))
        })
    }

    /// Guards and runs `sql`, returning the result as Arrow IPC stream bytes.
    pub fn query_arrow(&self, sql: &str) -> Result<Vec<u8>> {
        self.audited_query(sql, |mut df| {
            let n = df.height();
            Ok((table::to_arrow_ipc(&mut df)?, n))
        })
    }
}
