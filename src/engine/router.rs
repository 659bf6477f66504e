//! The engine router: which engine runs a query, and why.
//!
//! Rules, per request (the decision and its reason go to the execute stage's metadata as
//! `engine` and `route: {chosen, engine, reason}`, and to its progress):
//! 1. every table the query reads is in the page → `local` (Polars in the page);
//! 2. every remote table it reads may be pulled down — the host allowed it (`pullDown: true`)
//!    and it has at most `pullDownMaxRows` rows, by `rowCountHint` or by a `COUNT(*)` asked once
//!    and remembered — or was pulled earlier → `pull-down`: each is fetched once into the local
//!    engine and the query runs in the page (privately; later queries need no round trip);
//! 3. otherwise, when all tables are remote on one connection (same engine, URL, credentials)
//!    → `remote`: the query is pushed to that engine, with the registered names replaced by the
//!    remote table names;
//! 4. otherwise (a page table joined with a remote table that may not come down) → refused with
//!    SQL_UNSUPPORTED, saying which table and why.
//!
//! Cube sources are always `remote` and need a question (their measures are computed by Cube).
//! A pull-down that finds more rows than announced, or does not fit the memory budget, falls
//! back to `remote` when rule 3 allows it. Remote registrations live here too ([`Remotes`]);
//! names are shared with page tables (registering one replaces the other).

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;

use serde::Serialize;
use serde_json::json;
use sqlparser::ast::{Ident, ObjectName, Statement};
use web_time::Instant;

use super::local::{Executed, TableSchema};
use super::remote::cube::{self, CubeMeta};
use super::remote::transport::HttpClient;
use super::remote::{self, Call, EngineKind, Observer, Quiet, RemoteOptions, Source};
use crate::error::{Error, ErrorCode, Result};
use crate::question::Intent;
use crate::runtime::Runtime;
use crate::sql::{CheckedQuery, Transformation};

/// A registered remote source and what is remembered about it.
pub struct RemoteEntry {
    pub source: Source,
    /// Cache key part; bumped on (re-)registration and invalidation.
    pub version: Cell<u64>,
    /// Rows counted on the server (asked once, for routing).
    pub counted: Cell<Option<u64>>,
    /// Whether the whole table sits in the local engine (pulled down).
    pub pulled: Cell<bool>,
    /// Last schema read from the engine (the schema cache decides freshness).
    pub schema: RefCell<Option<Rc<TableSchema>>>,
    pub cube_meta: RefCell<Option<Rc<CubeMeta>>>,
}

impl RemoteEntry {
    fn engine(&self) -> &'static str {
        self.source.kind.name()
    }

    fn known_rows(&self) -> Option<u64> {
        self.source.opts.row_count_hint.or(self.counted.get())
    }
}

/// Remote registrations of a runtime, and the HTTP client they use.
pub struct Remotes {
    entries: RefCell<BTreeMap<String, Rc<RemoteEntry>>>,
    next_version: Cell<u64>,
    client: RefCell<Rc<dyn HttpClient>>,
}

impl Default for Remotes {
    fn default() -> Self {
        // Far from the local engine's counter, so a name moving between the two never reuses a key.
        Remotes { entries: RefCell::new(BTreeMap::new()), next_version: Cell::new(1 << 40), client: RefCell::new(remote::default_client()) }
    }
}

impl Remotes {
    /// The entry `name` resolves to: exact, else a unique case-insensitive match.
    pub fn get(&self, name: &str) -> Option<Rc<RemoteEntry>> {
        let map = self.entries.borrow();
        if let Some(e) = map.get(name) {
            return Some(e.clone());
        }
        let mut m = map.iter().filter(|(k, _)| k.eq_ignore_ascii_case(name));
        match (m.next(), m.next()) {
            (Some((_, e)), None) => Some(e.clone()),
            _ => None,
        }
    }

    pub fn names(&self) -> Vec<String> {
        self.entries.borrow().keys().cloned().collect()
    }

    fn bump(&self) -> u64 {
        let v = self.next_version.get() + 1;
        self.next_version.set(v);
        v
    }

    fn remove(&self, name: &str) -> Option<Rc<RemoteEntry>> {
        self.entries.borrow_mut().remove(name)
    }

    pub fn client(&self) -> Rc<dyn HttpClient> {
        self.client.borrow().clone()
    }
}

/// Where a query ran and why (metadata `route`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Route {
    /// `local`, `pull-down` or `remote`.
    pub chosen: &'static str,
    /// `local`, `trino`, `clickhouse`, `cube`, `http`.
    pub engine: &'static str,
    pub reason: String,
}

enum Target {
    Local,
    PullDown(Vec<Rc<RemoteEntry>>),
    Push(Rc<RemoteEntry>),
}

/// A routing decision before running.
pub(crate) struct RoutePlan {
    target: Target,
    pub route: Route,
    /// Where to go if a pull-down cannot happen after all.
    fallback: Option<Rc<RemoteEntry>>,
}

/// 1234567 -> "1,234,567".
pub(crate) fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The observer's remaining request time and the source's own limit, whichever is smaller.
fn limit_ms(source: &Source, obs: &dyn RouteObserver) -> f64 {
    match obs.remaining_ms() {
        Some(left) => source.opts.timeout_ms.min(left.max(1.0)),
        None => source.opts.timeout_ms,
    }
}

/// The pipeline's side of a routed execution: remote progress and abort, plus time left.
pub trait RouteObserver: Observer {
    /// Milliseconds left of the request's `timeoutMs`, if it has one.
    fn remaining_ms(&self) -> Option<f64> {
        None
    }
}

impl RouteObserver for Quiet {}

/// Another observer's abort and time left, without its progress.
struct Muted<'a>(&'a dyn RouteObserver);

impl Observer for Muted<'_> {
    fn aborted(&self) -> bool {
        self.0.aborted()
    }
    fn progress(&self, _: Option<f64>, _: String, _: serde_json::Value) {}
}

impl RouteObserver for Muted<'_> {
    fn remaining_ms(&self) -> Option<f64> {
        self.0.remaining_ms()
    }
}

/// Replaces registered names of remote tables by their remote names (CTE names are left alone),
/// and writes the query for the remote engine, which must read exactly the query checked.
///
/// sqlparser 0.53 writes quoted text back lossily: a quote after a backslash is not doubled
/// and two quotes in a row stay two. `'\\'' OR 1=1 --'`, one value to the guard, reached
/// ClickHouse (where a backslash escapes) and Trino (where it does not) as a value and an
/// `OR 1=1`. So the text is parsed again and must give the same query, and a ClickHouse
/// query carries no backslash at all.
fn remote_sql(checked: &CheckedQuery, entries: &[Rc<RemoteEntry>]) -> Result<(String, Vec<Transformation>)> {
    let mut statement = checked.statement.clone();
    let ctes: Vec<String> = match &statement {
        Statement::Query(q) => q.with.as_ref().map(|w| w.cte_tables.iter().map(|c| c.alias.name.value.to_lowercase()).collect()).unwrap_or_default(),
        _ => Vec::new(),
    };
    let mut notes = Vec::new();
    let _ = sqlparser::ast::visit_relations_mut(&mut statement, |name: &mut ObjectName| {
        if let [single] = name.0.as_slice() {
            let lower = single.value.to_lowercase();
            if !ctes.contains(&lower) {
                if let Some(e) = entries.iter().find(|e| e.source.name.eq_ignore_ascii_case(&single.value)) {
                    let parts: Vec<Ident> = e.source.opts.table.split('.').map(Ident::new).collect();
                    if !notes.iter().any(|n: &Transformation| n.detail.starts_with(&format!("'{}'", e.source.name))) {
                        notes.push(Transformation {
                            rule: "remote_table".into(),
                            detail: format!("'{}' is {} on the {} server.", e.source.name, e.source.opts.table, e.source.kind.title()),
                        });
                    }
                    *name = ObjectName(parts);
                }
            }
        }
        std::ops::ControlFlow::<()>::Continue(())
    });
    let text = statement.to_string();
    let unsafe_text = || {
        Error::new(
            ErrorCode::SqlUnsupported,
            "This query has quoted text that the remote engine would read differently from what was checked.",
            "Remove backslashes and doubled quotes ('') from the quoted values and names, or filter on a pattern without them.",
        )
    };
    let reread = sqlparser::parser::Parser::parse_sql(&crate::sql::QueryDialect::default(), &text).map_err(|_| unsafe_text())?;
    if reread.len() != 1 || reread.first() != Some(&statement) {
        return Err(unsafe_text());
    }
    if text.contains('\\') && entries.iter().any(|e| e.source.kind == EngineKind::Clickhouse) {
        return Err(unsafe_text());
    }
    Ok((text, notes))
}

impl Runtime {
    /// Replaces the HTTP client of remote sources (tests inject fakes; the default is `fetch`
    /// in wasm and a std client natively).
    pub fn set_http_client(&self, client: Rc<dyn HttpClient>) {
        *self.remotes.client.borrow_mut() = client;
    }

    /// `registerRemote(name, options)`: declares a source whose data stays on a remote engine.
    /// Reads its schema from the engine (so a wrong URL, table or credential fails here), then
    /// registers it, replacing any table of that name. Secrets stay in the registration.
    pub async fn register_remote(&self, name: &str, opts: RemoteOptions) -> Result<TableSchema> {
        let start = Instant::now();
        let out = self.register_remote_inner(name, opts).await;
        self.audit("register", name, None, out.as_ref().map(|s| Some(s.row_count)).map_err(|e| e.code), start);
        out
    }

    async fn register_remote_inner(&self, name: &str, opts: RemoteOptions) -> Result<TableSchema> {
        super::validate_table_name(name)?;
        let allow = opts.allow.clone();
        let source = Source::new(name, opts)?;
        let entry = Rc::new(RemoteEntry {
            source,
            version: Cell::new(self.remotes.bump()),
            counted: Cell::new(None),
            pulled: Cell::new(false),
            schema: RefCell::new(None),
            cube_meta: RefCell::new(None),
        });
        let schema = self.read_remote_schema(&entry).await?;
        // Only now, with the server answering, does the name change hands.
        self.engine.borrow_mut().drop_table(name);
        if let Some(old) = self.remotes.remove(name) {
            self.drop_pulled(&old);
        }
        self.invalidate_caches(name);
        self.remotes.entries.borrow_mut().insert(name.to_string(), entry);
        {
            let mut access = self.access.borrow_mut();
            match allow {
                Some(list) => access.insert(name.to_string(), list),
                None => access.remove(name),
            };
        }
        let key = (self.options.tenant.clone(), name.to_string());
        self.schema_cache.borrow_mut().put(key, schema.clone(), 0, self.now_ms());
        Ok((*schema).clone())
    }

    /// Reads the schema from the engine (and, for Cube, remembers the cube's members).
    async fn read_remote_schema(&self, entry: &RemoteEntry) -> Result<Rc<TableSchema>> {
        let client = self.remotes.client();
        let call = Call::new(client.as_ref(), &entry.source, entry.source.opts.timeout_ms, &Quiet);
        let columns = if entry.source.kind == EngineKind::Cube {
            let meta = Rc::new(cube::fetch_meta(&call).await.map_err(|e| entry.source.scrub(e))?);
            let cols = meta.columns();
            *entry.cube_meta.borrow_mut() = Some(meta);
            cols
        } else {
            remote::describe(&call).await?
        };
        if columns.is_empty() {
            return Err(Error::new(
                ErrorCode::RemoteBadResponse,
                format!("The {} server listed no columns for '{}'.", entry.source.kind.title(), entry.source.opts.table),
                "Check the table name (and catalog/schema/database) of this remote source.",
            ));
        }
        let row_count = entry.known_rows().map_or(0, |n| usize::try_from(n).unwrap_or(usize::MAX));
        let schema = Rc::new(TableSchema { name: entry.source.name.clone(), columns: columns.iter().map(|c| c.info()).collect(), row_count });
        *entry.schema.borrow_mut() = Some(schema.clone());
        Ok(schema)
    }

    /// The registered name of a source, remote or in the page.
    pub(crate) fn source_name(&self, name: &str) -> Result<String> {
        if let Some(e) = self.remotes.get(name) {
            return Ok(e.source.name.clone());
        }
        self.engine.borrow().schema_name(name).map_err(|mut e| {
            if e.code == ErrorCode::UnknownTable {
                let mut all = self.engine.borrow().table_names();
                all.extend(self.remotes.names());
                all.sort();
                all.dedup();
                e.hint = crate::error::suggestion_hint("table", name, &all);
            }
            e
        })
    }

    /// `local` or the remote engine's name.
    pub(crate) fn source_engine(&self, name: &str) -> &'static str {
        self.remotes.get(name).map_or("local", |e| e.engine())
    }

    /// Version of a source for result-cache keys.
    pub(crate) fn source_version(&self, name: &str) -> Result<u64> {
        match self.remotes.get(name) {
            Some(e) => Ok(e.version.get()),
            None => self.engine.borrow().version(name),
        }
    }

    /// A source's schema through the schema cache; remote schemas are read from the engine
    /// when the cache has none fresh. The bool says whether it was a cache hit.
    pub(crate) async fn source_schema(&self, name: &str) -> Result<(Rc<TableSchema>, bool)> {
        let Some(entry) = self.remotes.get(name) else { return self.schema_cached(name) };
        self.check_access(&entry.source.name)?;
        let key = (self.options.tenant.clone(), entry.source.name.clone());
        if let Some(hit) = self.schema_cache.borrow_mut().get(&key, self.now_ms()) {
            return Ok((hit, true));
        }
        let schema = self.read_remote_schema(&entry).await?;
        self.schema_cache.borrow_mut().put(key, schema.clone(), 0, self.now_ms());
        Ok((schema, false))
    }

    /// Last known schema of a remote source, without a round trip (sync `schema(name)`).
    pub(crate) fn remote_schema_sync(&self, name: &str) -> Option<Result<Rc<TableSchema>>> {
        let entry = self.remotes.get(name)?;
        if let Err(e) = self.check_access(&entry.source.name) {
            return Some(Err(e));
        }
        let known = entry.schema.borrow().clone();
        Some(known.ok_or_else(|| Error::new(ErrorCode::Internal, "The remote source's schema is not known yet.", "Run analyze on it once.")))
    }

    /// A page table of this name was registered: the remote registration of that name goes.
    pub(crate) fn forget_remote(&self, name: &str) {
        if let Some(old) = self.remotes.remove(name) {
            old.pulled.set(false);
        }
    }

    /// `dropTable` of a remote source: its registration and any pulled copy go. Returns
    /// whether it existed.
    pub(crate) fn drop_remote(&self, name: &str) -> Option<String> {
        let entry = self.remotes.get(name)?;
        let key = entry.source.name.clone();
        self.remotes.remove(&key);
        self.drop_pulled(&entry);
        Some(key)
    }

    fn drop_pulled(&self, entry: &RemoteEntry) {
        if entry.pulled.replace(false) {
            self.engine.borrow_mut().drop_table(&entry.source.name);
        }
    }

    /// `invalidate` of a remote source: forget its pulled copy and counted rows too, and
    /// give it a new version (cached results are not reused). Returns false when not remote.
    pub(crate) fn invalidate_remote(&self, name: &str) -> bool {
        let Some(entry) = self.remotes.get(name) else { return false };
        self.drop_pulled(&entry);
        entry.counted.set(None);
        entry.version.set(self.remotes.bump());
        true
    }

    /// Sync `query()` cannot reach a remote engine: say so instead of "unknown table".
    pub(crate) fn refuse_remote_in_sync(&self, checked: &CheckedQuery) -> Result<()> {
        for t in &checked.tables {
            if let Some(e) = self.remotes.get(t) {
                if !e.pulled.get() {
                    return Err(Error::new(
                        ErrorCode::InvalidArgument,
                        format!("'{}' is a remote source ({}); query() only reads tables in the page.", e.source.name, e.source.kind.title()),
                        "Use analyze({source, sql}), which routes the query to the remote engine.",
                    ));
                }
            }
        }
        Ok(())
    }

    /// Names of page tables and remote sources, sorted.
    pub(crate) fn all_source_names(&self) -> Vec<String> {
        let mut all = self.engine.borrow().table_names();
        all.extend(self.remotes.names());
        all.sort();
        all.dedup();
        all
    }

    /// Decides where `checked` runs (rule list in the module doc). May ask a remote engine
    /// for a row count once per source.
    pub(crate) async fn plan_route(&self, checked: &CheckedQuery, intent: Option<&Intent>, obs: &dyn RouteObserver) -> Result<RoutePlan> {
        let mut remotes: Vec<Rc<RemoteEntry>> = Vec::new();
        let mut locals: Vec<String> = Vec::new();
        for t in &checked.tables {
            match self.remotes.get(t) {
                Some(e) => {
                    self.check_access(&e.source.name)?;
                    if !remotes.iter().any(|r| Rc::ptr_eq(r, &e)) {
                        remotes.push(e);
                    }
                }
                None => locals.push(t.clone()),
            }
        }
        if remotes.is_empty() {
            let reason = "Every table the query reads is in the page.".to_string();
            return Ok(RoutePlan { target: Target::Local, route: Route { chosen: "local", engine: "local", reason }, fallback: None });
        }
        if let Some(c) = remotes.iter().find(|e| e.source.kind == EngineKind::Cube) {
            if remotes.len() > 1 || !locals.is_empty() {
                return Err(Error::new(
                    ErrorCode::SqlUnsupported,
                    format!("'{}' is a Cube source and cannot be combined with other tables in one query.", c.source.name),
                    "Ask about the cube on its own.",
                ));
            }
            if intent.is_none() {
                return Err(Error::new(
                    ErrorCode::SqlUnsupported,
                    format!("'{}' is a Cube source: it answers questions, not SQL.", c.source.name),
                    "Ask a question about it (analyze({source, question})); Cube computes its measures itself.",
                ));
            }
            let reason = format!("'{}' is a cube: Cube computes its measures where the data lives.", c.source.name);
            return Ok(RoutePlan { target: Target::Push(c.clone()), route: Route { chosen: "remote", engine: "cube", reason }, fallback: None });
        }
        let mut ok_reasons = Vec::new();
        let mut blockers = Vec::new();
        for e in &remotes {
            let o = &e.source.opts;
            let name = &e.source.name;
            if e.pulled.get() {
                ok_reasons.push(format!("'{name}' was fetched into the page earlier"));
                continue;
            }
            if !o.pull_down {
                blockers.push(format!("pull-down is not allowed for '{name}' (pullDown: false)"));
                continue;
            }
            let (rows, how) = match (o.row_count_hint, e.counted.get()) {
                (Some(n), _) => (n, "rowCountHint"),
                (None, Some(n)) => (n, "counted earlier"),
                (None, None) => {
                    obs.progress(None, format!("Counting the rows of '{name}' on {}", e.source.kind.title()), json!({"engine": e.engine(), "state": "COUNT"}));
                    let client = self.remotes.client();
                    let call = Call::new(client.as_ref(), &e.source, limit_ms(&e.source, obs), obs);
                    let n = remote::count(&call).await?;
                    e.counted.set(Some(n));
                    (n, "counted on the server")
                }
            };
            if rows <= o.pull_down_max_rows {
                ok_reasons.push(format!("'{name}' has {} rows ({how}), within pullDownMaxRows {}", thousands(rows), thousands(o.pull_down_max_rows)));
            } else {
                blockers.push(format!("'{name}' has {} rows ({how}), more than pullDownMaxRows {}", thousands(rows), thousands(o.pull_down_max_rows)));
            }
        }
        let first = remotes.first().cloned();
        let pushable = locals.is_empty() && first.as_ref().is_some_and(|f| remotes.iter().all(|e| e.source.same_connection(&f.source)));
        let push_target = first.filter(|_| pushable);
        if blockers.is_empty() {
            let reason = format!("{}: fetched once and queried in the page.", ok_reasons.join("; "));
            return Ok(RoutePlan { target: Target::PullDown(remotes), route: Route { chosen: "pull-down", engine: "local", reason }, fallback: push_target });
        }
        match push_target {
            Some(e) => {
                let reason = format!("{}: the query runs on {}.", blockers.join("; "), e.source.kind.title());
                let engine = e.engine();
                Ok(RoutePlan { target: Target::Push(e), route: Route { chosen: "remote", engine, reason }, fallback: None })
            }
            None => {
                let why = if locals.is_empty() {
                    "they are on different servers or use different credentials".to_string()
                } else {
                    format!("it also reads {} in the page", locals.iter().map(|l| format!("'{l}'")).collect::<Vec<_>>().join(", "))
                };
                Err(Error::new(
                    ErrorCode::SqlUnsupported,
                    format!("This query cannot run in one place: {} and {why}.", blockers.join("; ")),
                    "Allow pull-down for the remote tables (pullDown: true) if they are small, or query them separately.",
                ))
            }
        }
    }

    /// Runs a planned route. Returns the result and the route actually taken.
    pub(crate) async fn run_route(&self, plan: RoutePlan, checked: &CheckedQuery, intent: Option<&Intent>, obs: &dyn RouteObserver) -> Result<(Executed, Route)> {
        let RoutePlan { target, mut route, fallback } = plan;
        let target = match target {
            Target::PullDown(entries) => match self.pull_down(&entries, obs).await {
                Ok(()) => Target::Local,
                Err(why) => match (why, fallback) {
                    (Pulled::Refused(reason), Some(e)) => {
                        route = Route { chosen: "remote", engine: e.engine(), reason: format!("{reason}: the query runs on {}.", e.source.kind.title()) };
                        Target::Push(e)
                    }
                    (Pulled::Refused(reason), None) => {
                        return Err(Error::new(ErrorCode::TooLarge, format!("{reason}."), "Query the remote tables separately, or register a smaller extract."));
                    }
                    (Pulled::Failed(e), _) => return Err(e),
                },
            },
            other => other,
        };
        match target {
            Target::Local | Target::PullDown(_) => self.execute_checked(checked).map(|e| (e, route)),
            Target::Push(entry) => {
                let client = self.remotes.client();
                let call = Call::new(client.as_ref(), &entry.source, limit_ms(&entry.source, obs), obs);
                self.executions.set(self.executions.get() + 1);
                let (fetched, notes) = if entry.source.kind == EngineKind::Cube {
                    let Some(intent) = intent else {
                        return Err(Error::new(ErrorCode::SqlUnsupported, "A Cube source answers questions, not SQL.", "Ask a question about it."));
                    };
                    let meta = match entry.cube_meta.borrow().clone() {
                        Some(m) => m,
                        None => Rc::new(cube::fetch_meta(&call).await.map_err(|e| entry.source.scrub(e))?),
                    };
                    *entry.cube_meta.borrow_mut() = Some(meta.clone());
                    let f = cube::load(&call, &meta, intent).await.map_err(|e| entry.source.scrub(e))?;
                    let note = Transformation { rule: "cube_query".into(), detail: format!("The question was sent to Cube as {}", f.stats.get("query").map(|q| q.to_string()).unwrap_or_default()) };
                    (f, vec![note])
                } else {
                    let entries: Vec<Rc<RemoteEntry>> = checked.tables.iter().filter_map(|t| self.remotes.get(t)).collect();
                    let (sql, notes) = remote_sql(checked, &entries)?;
                    (remote::run_sql(&call, &sql).await?, notes)
                };
                self.check_remote_budget(fetched.frame.estimated_size(), "This result")?;
                let mut transformations = notes;
                if let Some(ms) = fetched.server_ms {
                    transformations.push(Transformation { rule: "remote_time".into(), detail: format!("{} reported {ms:.1} ms for the query.", entry.source.kind.title()) });
                }
                Ok((Executed { frame: fetched.frame, transformations }, route))
            }
        }
    }

    fn check_remote_budget(&self, needed: usize, what: &str) -> Result<()> {
        let resident = self.engine.borrow().resident_bytes(None);
        let budget = self.options.memory_budget_bytes;
        if resident.saturating_add(needed) > budget {
            return Err(Error::new(
                ErrorCode::TooLarge,
                format!("{what} would need about {:.0} MB of memory; {:.0} MB of the {:.0} MB this page may use are already taken.", needed as f64 / 1e6, resident as f64 / 1e6, budget as f64 / 1e6),
                "Aggregate or filter on the remote engine, or drop tables you no longer need.",
            ));
        }
        Ok(())
    }

    /// Fetches each not-yet-pulled entry into the local engine.
    async fn pull_down(&self, entries: &[Rc<RemoteEntry>], obs: &dyn RouteObserver) -> std::result::Result<(), Pulled> {
        for e in entries {
            if e.pulled.get() {
                continue;
            }
            let name = &e.source.name;
            let max = e.source.opts.pull_down_max_rows;
            obs.progress(None, format!("Fetching '{name}' from {} into the page", e.source.kind.title()), json!({"engine": e.engine(), "state": "PULL_DOWN", "table": name}));
            let client = self.remotes.client();
            let call = Call::new(client.as_ref(), &e.source, limit_ms(&e.source, obs), obs);
            let fetched = remote::fetch_all(&call, max).await.map_err(Pulled::Failed)?;
            let rows = fetched.frame.height() as u64;
            if rows > max {
                e.counted.set(Some(rows));
                return Err(Pulled::Refused(format!("'{name}' now has more than pullDownMaxRows {} rows", thousands(max))));
            }
            if self.check_remote_budget(fetched.frame.estimated_size(), "Fetching it").is_err() {
                return Err(Pulled::Refused(format!("'{name}' does not fit the page's memory budget")));
            }
            self.engine.borrow_mut().register(name, fetched.frame).map_err(Pulled::Failed)?;
            e.counted.set(Some(rows));
            e.pulled.set(true);
        }
        Ok(())
    }

    /// Questions need the source's values and ranges ([`crate::question::Profile`]), which the
    /// profile reads with a few SQL queries. For a remote source those run on its engine: the
    /// profile is built here, one remote query at a time as it asks for them, and put in the
    /// profile cache where the SQL stage finds it. Failures leave the profile thinner, never
    /// fail the request. Cube sources have no SQL: their questions use names only.
    pub(crate) async fn warm_remote_profile(&self, schema: &TableSchema, obs: &dyn RouteObserver) {
        let Some(entry) = self.remotes.get(&schema.name) else { return };
        if entry.pulled.get() {
            return;
        }
        let key = (self.options.tenant.clone(), entry.source.name.clone());
        if self.profile_cache.borrow_mut().get(&key, self.now_ms()).is_some() {
            return;
        }
        // abort and time limit apply; engine progress is not reported (this is the SQL stage)
        let obs = &Muted(obs);
        let client = self.remotes.client();
        if entry.source.kind == EngineKind::Cube {
            let call = Call::new(client.as_ref(), &entry.source, limit_ms(&entry.source, obs), obs);
            if let Some(profile) = self.cube_profile(&entry, schema, &call).await {
                self.profile_cache.borrow_mut().put(key, Rc::new(profile), 0, self.now_ms());
            }
            return;
        }
        let mut answers: std::collections::HashMap<String, Result<crate::table::RowTable>> = std::collections::HashMap::new();
        // Each round replays the profile with the answers so far and fetches the first query it
        // still needs (later queries depend on earlier answers).
        for _ in 0..64 {
            let missing: RefCell<Option<String>> = RefCell::new(None);
            let run = |sql: &str| -> Result<crate::table::RowTable> {
                match answers.get(sql) {
                    Some(r) => r.clone(),
                    None => {
                        missing.borrow_mut().get_or_insert_with(|| sql.to_string());
                        Err(Error::new(ErrorCode::Internal, "not fetched yet", ""))
                    }
                }
            };
            let built = crate::question::Profile::build(schema, &run);
            let Some(sql) = missing.into_inner() else {
                if let Ok(profile) = built {
                    self.profile_cache.borrow_mut().put(key, Rc::new(profile), 0, self.now_ms());
                }
                return;
            };
            if obs.aborted() {
                return;
            }
            let call = Call::new(client.as_ref(), &entry.source, limit_ms(&entry.source, obs), obs);
            let answer = match crate::sql::check(&sql) {
                Ok(checked) => match remote_sql(&checked, std::slice::from_ref(&entry)) {
                    Ok((remote_text, _)) => match remote::run_sql(&call, &remote_text).await {
                        Ok(f) => crate::table::RowTable::from_frame(&f.frame),
                        Err(e) => Err(e),
                    },
                    Err(e) => Err(e),
                },
                Err(e) => Err(e),
            };
            answers.insert(sql, answer);
        }
    }

    /// A cube's profile: the values of its string dimensions, from one `/load` each (the
    /// dimension and the cube's count measure).
    async fn cube_profile(&self, entry: &RemoteEntry, schema: &TableSchema, call: &Call<'_>) -> Option<crate::question::Profile> {
        use crate::question::profile::{ColumnProfile, Kind, MAX_VALUES_PER_COLUMN, MAX_VALUES_TOTAL};
        let meta = match entry.cube_meta.borrow().clone() {
            Some(m) => m,
            None => return None,
        };
        let no_sql = |_: &str| -> Result<crate::table::RowTable> { Err(Error::new(ErrorCode::SqlUnsupported, "Cube takes no SQL", "")) };
        let base = crate::question::Profile::build(schema, &no_sql).ok()?;
        let count = meta.measures.iter().find(|m| m.agg.as_deref() == Some("count"));
        let mut columns: Vec<ColumnProfile> = base.columns;
        let mut budget = MAX_VALUES_TOTAL;
        for col in columns.iter_mut().filter(|c| c.kind == Kind::Text) {
            let (Some(dim), Some(count)) = (meta.dimensions.iter().find(|d| d.short == col.name), count) else { continue };
            if call.aborted() {
                break;
            }
            let query = json!({"dimensions": [dim.name], "measures": [count.name], "limit": MAX_VALUES_PER_COLUMN + 1});
            let Ok((answer, _)) = cube::load_json(call, &query).await else { continue };
            let Some(rows) = cube::rows_of(&answer) else { continue };
            if rows.len() > MAX_VALUES_PER_COLUMN || rows.len() > budget {
                continue;
            }
            let mut values: Vec<(String, u64)> = rows
                .iter()
                .filter_map(|r| {
                    let v = r.get(&dim.name)?.as_str()?.to_string();
                    let n = r.get(&count.name).and_then(|n| n.as_u64().or_else(|| n.as_str().and_then(|s| s.parse().ok()))).unwrap_or(0);
                    Some((v, n))
                })
                .collect();
            values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            budget = budget.saturating_sub(values.len());
            col.distinct = Some(values.len());
            col.non_null = Some(values.iter().map(|(_, n)| usize::try_from(*n).unwrap_or(usize::MAX)).sum());
            col.values = values;
        }
        Some(crate::question::Profile::from_parts(&base.table, base.row_count, columns))
    }

    /// Result-cache keys as text (tests check that no secret ever reaches them).
    #[doc(hidden)]
    pub fn debug_cache_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self.result_cache.borrow().keys().iter().map(|k| format!("{k:?}")).collect();
        keys.extend(self.schema_cache.borrow().keys().iter().map(|k| format!("{k:?}")));
        keys
    }
}

enum Pulled {
    /// Not pulled for a reason routing can work around (grew, over budget).
    Refused(String),
    Failed(Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1234), "1,234");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }

    #[test]
    fn remote_names_replace_registered_names_but_not_ctes() {
        let src = Source::new("sales", serde_json::from_value(json!({"engine": "clickhouse", "url": "http://h:1", "table": "db.sales_raw"})).unwrap()).unwrap();
        let entry = Rc::new(RemoteEntry {
            source: src,
            version: Cell::new(1),
            counted: Cell::new(None),
            pulled: Cell::new(false),
            schema: RefCell::new(None),
            cube_meta: RefCell::new(None),
        });
        let q = crate::sql::check("WITH s AS (SELECT * FROM Sales WHERE amount > 1) SELECT region, SUM(amount) FROM s GROUP BY region").unwrap();
        let inj = crate::sql::check(r"SELECT COUNT(*) AS n FROM sales WHERE region = '\\'' OR 1=1 --'").unwrap();
        assert_eq!(remote_sql(&inj, &[entry.clone()]).unwrap_err().code, ErrorCode::SqlUnsupported);
        let (sql, notes) = remote_sql(&q, &[entry]).unwrap();
        assert!(sql.contains("FROM db.sales_raw WHERE"), "{sql}");
        assert!(sql.contains("FROM s GROUP BY"), "{sql}");
        assert_eq!(notes.len(), 1);
    }
}
