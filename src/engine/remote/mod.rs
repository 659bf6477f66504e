//! Remote engines: the data stays where it lives and the query goes there over HTTP.
//!
//! One file per protocol — [`trino`] (Trino/Presto client protocol), [`clickhouse`] (ClickHouse
//! HTTP interface), [`cube`] (Cube REST API, fed by a question's intent), [`http`] (the
//! documented generic `POST {sql}` → `{columns, rows}`) — over one async seam,
//! [`transport::HttpClient`] (`fetch` in wasm, a std client natively). Every answer becomes a
//! Polars frame ([`convert`]), so the pipeline after the execute stage never knows where it
//! came from. Routing between the page and these engines lives in [`crate::engine::router`].
//!
//! Secrets (headers, passwords) live only in a [`Source`]: they are sent, never formatted.
//! Errors name a server by origin only and pass through [`Source::scrub`], which removes any
//! secret a server echoed back.

pub mod clickhouse;
pub mod convert;
pub mod cube;
pub mod http;
pub mod transport;
pub mod trino;

#[cfg(target_arch = "wasm32")]
pub mod fetch;
#[cfg(not(target_arch = "wasm32"))]
pub mod native;

use std::collections::BTreeMap;
use std::fmt;
use std::rc::Rc;

use polars::prelude::DataFrame;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use web_time::Instant;

use crate::error::{Error, ErrorCode, Result};
use crate::runtime::AccessList;
use convert::RemoteColumn;
use transport::{HttpClient, HttpRequest, HttpResponse, Method, Peer, RetryPolicy};

/// `engine` of a remote registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EngineKind {
    Trino,
    Clickhouse,
    Cube,
    Http,
}

impl EngineKind {
    /// As in metadata (`engine`).
    pub fn name(self) -> &'static str {
        match self {
            EngineKind::Trino => "trino",
            EngineKind::Clickhouse => "clickhouse",
            EngineKind::Cube => "cube",
            EngineKind::Http => "http",
        }
    }

    /// As in messages.
    pub fn title(self) -> &'static str {
        match self {
            EngineKind::Trino => "Trino",
            EngineKind::Clickhouse => "ClickHouse",
            EngineKind::Cube => "Cube",
            EngineKind::Http => "HTTP",
        }
    }
}

/// `registerRemote(name, options)`. `headers` and `password` are secrets: they are sent to
/// the server and nowhere else (`Debug` redacts them).
#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct RemoteOptions {
    pub engine: Option<EngineKind>,
    /// Base URL: Trino `http://host:8080`, ClickHouse `http://host:8123`, Cube
    /// `http://host:4000` (or `.../cubejs-api/v1`), generic: the endpoint itself.
    pub url: String,
    /// The remote table (`db.table`, `catalog.schema.table`) or, for Cube, the cube.
    pub table: String,
    /// Sent with every request (e.g. `Authorization`). Secret.
    pub headers: BTreeMap<String, String>,
    /// Trino session catalog / schema.
    pub catalog: Option<String>,
    pub schema: Option<String>,
    /// ClickHouse database.
    pub database: Option<String>,
    /// Trino `X-Trino-User` (default "insightflow"); ClickHouse user.
    pub user: Option<String>,
    /// ClickHouse password (sent as `X-ClickHouse-Key`). Secret.
    pub password: Option<String>,
    /// Rows in the remote table, if the host knows (saves a COUNT).
    pub row_count_hint: Option<u64>,
    /// The host allows fetching the whole table into the page when it is small enough.
    pub pull_down: bool,
    /// Largest table fetched into the page (default 100,000 rows).
    pub pull_down_max_rows: u64,
    /// Largest result accepted from the engine (default 1,000,000 rows); more is TOO_LARGE.
    pub max_rows: u64,
    /// Largest answer body accepted (default 256 MB).
    pub max_response_bytes: u64,
    /// Time limit of one remote query, all round trips included (default 30 s).
    pub timeout_ms: f64,
    /// Extra attempts for reads that failed on the way (default 2), with backoff from
    /// `retryBackoffMs` (default 200 ms, doubled each time).
    pub retries: u32,
    pub retry_backoff_ms: f64,
    /// Who may use this source.
    pub allow: Option<AccessList>,
}

impl Default for RemoteOptions {
    fn default() -> Self {
        RemoteOptions {
            engine: None,
            url: String::new(),
            table: String::new(),
            headers: BTreeMap::new(),
            catalog: None,
            schema: None,
            database: None,
            user: None,
            password: None,
            row_count_hint: None,
            pull_down: false,
            pull_down_max_rows: 100_000,
            max_rows: 1_000_000,
            max_response_bytes: 256 * 1000 * 1000,
            timeout_ms: 30_000.0,
            retries: 2,
            retry_backoff_ms: 200.0,
            allow: None,
        }
    }
}

impl fmt::Debug for RemoteOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RemoteOptions")
            .field("engine", &self.engine)
            .field("origin", &transport::origin(&self.url))
            .field("table", &self.table)
            .field("headers", &self.headers.keys().map(|k| format!("{k}: [redacted]")).collect::<Vec<_>>())
            .field("password", &self.password.as_ref().map(|_| "[redacted]"))
            .field("row_count_hint", &self.row_count_hint)
            .field("pull_down", &self.pull_down)
            .finish_non_exhaustive()
    }
}

/// Checks a dotted identifier (`t`, `db.t`, `cat.schema.t`): letters, digits, `_`.
fn valid_remote_table(t: &str) -> bool {
    let parts: Vec<&str> = t.split('.').collect();
    !t.is_empty()
        && parts.len() <= 3
        && parts.iter().all(|p| {
            let mut c = p.chars();
            c.next().is_some_and(|f| f.is_ascii_alphabetic() || f == '_') && c.all(|ch| ch.is_ascii_alphanumeric() || ch == '_') && p.len() <= 128
        })
}

fn valid_header_name(n: &str) -> bool {
    !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// A registered remote source: validated options, the server's origin, and its secrets.
pub struct Source {
    pub name: String,
    pub kind: EngineKind,
    pub opts: RemoteOptions,
    pub peer: Peer,
    /// URL without a trailing slash.
    pub base: String,
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Source").field("name", &self.name).field("kind", &self.kind).field("opts", &self.opts).finish()
    }
}

impl Source {
    /// Validates `opts` for a source named `name` (the name is checked by the caller).
    pub fn new(name: &str, opts: RemoteOptions) -> Result<Source> {
        let Some(kind) = opts.engine else {
            return Err(Error::invalid("The remote source names no engine.", "Pass engine: 'trino', 'clickhouse', 'cube' or 'http'."));
        };
        let url = opts.url.trim().trim_end_matches('/').to_string();
        let scheme_ok = url.starts_with("http://") || url.starts_with("https://");
        let authority = url.split_once("://").map(|(_, r)| r.split(['/', '?', '#']).next().unwrap_or("")).unwrap_or("");
        if !scheme_ok || authority.is_empty() {
            return Err(Error::invalid("The remote source's URL is not an http(s) URL.", "Pass the server's address, e.g. url: 'https://analytics.example.com:8443'."));
        }
        if authority.contains('@') {
            return Err(Error::invalid(
                "The remote source's URL carries credentials.",
                "Remove 'user:password@' from the URL and pass them as headers (or user/password), which are never shown or logged.",
            ));
        }
        if url.chars().any(|c| c.is_control() || c == ' ') {
            return Err(Error::invalid("The remote source's URL contains spaces or control characters.", "Percent-encode them."));
        }
        if kind != EngineKind::Http && url.contains('?') {
            return Err(Error::invalid("The remote source's URL has a query string.", "Pass the server's base URL; options such as database, catalog and user are separate fields."));
        }
        if !valid_remote_table(opts.table.trim()) {
            return Err(Error::invalid(
                format!("'{}' is not a remote table name insightflow can use.", opts.table.chars().take(80).collect::<String>()),
                "Pass table: 'name', 'database.name' or 'catalog.schema.name' (letters, digits, underscores).",
            ));
        }
        for (k, v) in &opts.headers {
            if !valid_header_name(k) || v.contains(['\r', '\n', '\0']) {
                return Err(Error::invalid(
                    format!("The header '{}' cannot be sent.", k.chars().take(60).collect::<String>()),
                    "Header names are letters, digits and dashes; values are one line.",
                ));
            }
        }
        for (field, v) in [("catalog", &opts.catalog), ("schema", &opts.schema), ("database", &opts.database), ("user", &opts.user)] {
            if v.as_deref().is_some_and(|s| !valid_remote_table(s) || s.contains('.')) {
                return Err(Error::invalid(format!("The remote source's {field} is not a plain name."), "Use letters, digits and underscores."));
            }
        }
        if opts.password.as_deref().is_some_and(|p| p.contains(['\r', '\n', '\0'])) {
            return Err(Error::invalid("The remote source's password cannot be sent.", "Passwords are one line."));
        }
        if !(opts.timeout_ms.is_finite() && opts.timeout_ms > 0.0) || !(opts.retry_backoff_ms.is_finite() && opts.retry_backoff_ms >= 0.0) {
            return Err(Error::invalid("timeoutMs and retryBackoffMs must be positive numbers.", "For example timeoutMs: 30000."));
        }
        let mut opts = opts;
        opts.table = opts.table.trim().to_string();
        let peer = Peer { engine: kind.title(), origin: transport::origin(&url) };
        Ok(Source { name: name.to_string(), kind, opts, peer, base: url })
    }

    /// Secret values of this source (headers, password), for scrubbing.
    fn secrets(&self) -> Vec<&str> {
        let mut s: Vec<&str> = self.opts.headers.values().map(String::as_str).collect();
        // "Bearer xyz": the token alone may be echoed too
        s.extend(self.opts.headers.values().filter_map(|v| v.split_once(' ').map(|(_, t)| t.trim())));
        s.extend(self.opts.password.as_deref());
        s.retain(|v| v.len() >= 4);
        s.sort_by_key(|v| std::cmp::Reverse(v.len()));
        s
    }

    /// `text` with every secret of this source replaced.
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_string();
        for s in self.secrets() {
            if out.contains(s) {
                out = out.replace(s, "[redacted]");
            }
        }
        out
    }

    /// An error safe to show: secrets a server echoed back are removed.
    pub fn scrub(&self, mut e: Error) -> Error {
        e.message = self.redact(&e.message);
        e.hint = self.redact(&e.hint);
        e
    }

    /// Same server, same credentials: queries over both may be pushed down together.
    pub fn same_connection(&self, other: &Source) -> bool {
        self.kind == other.kind
            && self.base == other.base
            && self.opts.headers == other.opts.headers
            && self.opts.user == other.opts.user
            && self.opts.password == other.opts.password
            && self.opts.catalog == other.opts.catalog
            && self.opts.schema == other.opts.schema
            && self.opts.database == other.opts.database
    }

    fn policy(&self) -> RetryPolicy {
        RetryPolicy { retries: self.opts.retries.min(10), backoff_ms: self.opts.retry_backoff_ms }
    }

    fn max_body(&self) -> usize {
        usize::try_from(self.opts.max_response_bytes).unwrap_or(usize::MAX)
    }
}

/// What the remote call reports to, and is cancelled by (the pipeline's progress and abort).
pub trait Observer {
    fn aborted(&self) -> bool;
    /// A progress report during the execute stage; `fraction` (0..1) of the stage when known.
    fn progress(&self, fraction: Option<f64>, message: String, detail: Value);
}

/// Observes nothing and never cancels.
pub struct Quiet;
impl Observer for Quiet {
    fn aborted(&self) -> bool {
        false
    }
    fn progress(&self, _: Option<f64>, _: String, _: Value) {}
}

/// One remote operation in progress: the client, the source, the deadline, the observer.
pub struct Call<'a> {
    pub client: &'a dyn HttpClient,
    pub source: &'a Source,
    pub deadline: Instant,
    /// The limit the deadline stands for, for messages.
    pub limit_ms: f64,
    pub observer: &'a dyn Observer,
}

impl<'a> Call<'a> {
    pub fn new(client: &'a dyn HttpClient, source: &'a Source, limit_ms: f64, observer: &'a dyn Observer) -> Self {
        let limit_ms = limit_ms.max(1.0);
        let deadline = Instant::now() + std::time::Duration::from_secs_f64(limit_ms / 1000.0);
        Call { client, source, deadline, limit_ms, observer }
    }

    pub fn remaining_ms(&self) -> f64 {
        transport::remaining_ms(self.deadline)
    }

    pub fn request(&self, method: Method, url: String, headers: Vec<(String, String)>, body: Vec<u8>) -> HttpRequest {
        let mut all: Vec<(String, String)> = headers;
        for (k, v) in &self.source.opts.headers {
            all.retain(|(h, _)| !h.eq_ignore_ascii_case(k));
            all.push((k.clone(), v.clone()));
        }
        HttpRequest { method, url, headers: all, body, timeout_ms: self.limit_ms, max_body_bytes: self.source.max_body() }
    }

    /// Sends with the source's retry policy (`idempotent` reads only) within the deadline.
    pub async fn send(&self, req: HttpRequest, idempotent: bool) -> Result<HttpResponse> {
        let observer = self.observer;
        let cancel = move || observer.aborted();
        let limit = self.limit_ms;
        let mut req = req;
        req.timeout_ms = limit;
        transport::send(self.client, &self.source.peer, req, idempotent, self.source.policy(), self.deadline, &cancel).await
    }

    /// Best-effort request that is never retried (cancellation, KILL QUERY): a short timeout,
    /// no cancellation, errors ignored.
    pub async fn fire_and_forget(&self, method: Method, url: String, headers: Vec<(String, String)>, body: Vec<u8>) {
        let mut req = self.request(method, url, headers, body);
        req.timeout_ms = 2_000.0;
        req.max_body_bytes = 64 * 1024;
        let never = || false;
        let _ = self.client.send(req, &never).await;
    }

    pub fn aborted(&self) -> bool {
        self.observer.aborted()
    }

    pub fn timeout_error(&self) -> Error {
        transport::timeout(&self.source.peer, self.limit_ms)
    }

    /// A non-2xx answer as REMOTE_ERROR, with the server's own words (scrubbed, one line).
    pub fn status_error(&self, status: u16, server_says: &str) -> Error {
        let detail = crate::error::short_detail(&self.source.redact(server_says));
        let (message, hint) = match status {
            401 | 403 => (
                format!("The {} server at {} refused the credentials (HTTP {status}).", self.source.peer.engine, self.source.peer.origin),
                "Check the headers (token) or user and password of this remote source.".to_string(),
            ),
            404 => (
                format!("The {} server at {} has no such endpoint or table (HTTP 404).", self.source.peer.engine, self.source.peer.origin),
                "Check the URL and the remote table name.".to_string(),
            ),
            _ => (
                format!("The {} server at {} answered with an error (HTTP {status}).", self.source.peer.engine, self.source.peer.origin),
                "Try again later; if it persists, check the query and the server's logs.".to_string(),
            ),
        };
        let hint = if detail.is_empty() { hint } else { format!("{hint} Server said: {detail}") };
        Error::new(ErrorCode::RemoteError, message, hint)
    }

    /// The engine reported that the query failed.
    pub fn query_error(&self, server_says: &str) -> Error {
        let detail = crate::error::short_detail(&self.source.redact(server_says));
        Error::new(
            ErrorCode::RemoteError,
            format!("The {} server could not run the query.", self.source.peer.engine),
            format!("Check the SQL for this engine's dialect. Server said: {detail}"),
        )
    }

    pub fn bad(&self, what: impl Into<String>) -> Error {
        convert::bad_response(self.source.peer.engine, what)
    }

    /// Parses a JSON body, checking the content type loosely (JSON or text that parses).
    pub fn json(&self, resp: &HttpResponse) -> Result<Value> {
        let ct = resp.content_type();
        let plausible = ct.is_empty() || ct.contains("json") || ct.starts_with("text/plain");
        if !plausible {
            return Err(self.bad(format!("It came as '{}' instead of JSON.", ct.chars().take(60).collect::<String>())));
        }
        serde_json::from_slice(&resp.body).map_err(|e| {
            let what = if e.is_eof() { "It stops in the middle (truncated)." } else { "It is not valid JSON." };
            self.bad(what)
        })
    }
}

/// A remote result: the frame, what the engine said about its own work, and the SQL sent.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub frame: DataFrame,
    /// The engine's own time for the query, when it reports one.
    pub server_ms: Option<f64>,
    /// Engine statistics (rows read, bytes, state) for metadata.
    pub stats: Value,
}

/// Column names and types of the source, from the engine.
pub async fn describe(call: &Call<'_>) -> Result<Vec<RemoteColumn>> {
    let out = match call.source.kind {
        EngineKind::Trino => trino::describe(call).await,
        EngineKind::Clickhouse => clickhouse::describe(call).await,
        EngineKind::Cube => cube::describe(call).await,
        EngineKind::Http => http::describe(call).await,
    };
    out.map_err(|e| call.source.scrub(e))
}

/// Runs SQL (already in the engine's terms: remote table names) and returns the frame.
pub async fn run_sql(call: &Call<'_>, sql: &str) -> Result<Fetched> {
    let out = match call.source.kind {
        EngineKind::Trino => trino::query(call, sql).await,
        EngineKind::Clickhouse => clickhouse::query(call, sql).await,
        EngineKind::Http => http::query(call, sql).await,
        EngineKind::Cube => Err(Error::new(
            ErrorCode::SqlUnsupported,
            "A Cube source answers questions, not SQL.",
            "Ask a question about it (analyze({source, question})); Cube computes its measures itself.",
        )),
    };
    out.map_err(|e| call.source.scrub(e))
}

/// Rows in the remote table (`SELECT COUNT(*)`).
pub async fn count(call: &Call<'_>) -> Result<u64> {
    let sql = format!("SELECT COUNT(*) AS n FROM {}", call.source.opts.table);
    let fetched = run_sql(call, &sql).await?;
    let col = fetched.frame.get_columns().first().cloned();
    let n = col
        .and_then(|c| c.cast(&polars::prelude::DataType::Float64).ok())
        .and_then(|c| c.f64().ok().and_then(|ca| ca.get(0)))
        .filter(|n| n.is_finite() && *n >= 0.0);
    n.map(|n| n as u64).ok_or_else(|| call.bad("The row count is not a number."))
}

/// The whole table, at most `max_rows + 1` rows (so callers can tell it grew).
pub async fn fetch_all(call: &Call<'_>, max_rows: u64) -> Result<Fetched> {
    let sql = format!("SELECT * FROM {} LIMIT {}", call.source.opts.table, max_rows.saturating_add(1));
    run_sql(call, &sql).await
}

/// The platform's client: `fetch` in wasm, the std client natively.
pub fn default_client() -> Rc<dyn HttpClient> {
    #[cfg(target_arch = "wasm32")]
    {
        Rc::new(fetch::FetchClient)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        Rc::new(native::StdClient)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(v: serde_json::Value) -> RemoteOptions {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn options_are_validated() {
        let ok = Source::new("t", opts(serde_json::json!({"engine": "clickhouse", "url": "http://127.0.0.1:8123/", "table": "default.t"}))).unwrap();
        assert_eq!(ok.base, "http://127.0.0.1:8123");
        for bad in [
            serde_json::json!({"url": "http://h", "table": "t"}),
            serde_json::json!({"engine": "trino", "url": "ftp://h", "table": "t"}),
            serde_json::json!({"engine": "trino", "url": "http://u:p@h", "table": "t"}),
            serde_json::json!({"engine": "trino", "url": "http://h", "table": "t; DROP TABLE x"}),
            serde_json::json!({"engine": "trino", "url": "http://h", "table": "a.b.c.d"}),
            serde_json::json!({"engine": "trino", "url": "http://h", "table": "t", "headers": {"X-A": "v\r\nX-B: 1"}}),
            serde_json::json!({"engine": "trino", "url": "http://h", "table": "t", "catalog": "a b"}),
        ] {
            assert_eq!(Source::new("t", opts(bad.clone())).unwrap_err().code, ErrorCode::InvalidArgument, "{bad}");
        }
        assert!(serde_json::from_value::<RemoteOptions>(serde_json::json!({"engine": "oracle"})).is_err());
    }

    #[test]
    fn secrets_are_redacted_and_never_debug_printed() {
        let s = Source::new(
            "t",
            opts(serde_json::json!({"engine": "http", "url": "http://h/q", "table": "t", "headers": {"Authorization": "Bearer CANARY-77"}, "password": "PW-CANARY"})),
        )
        .unwrap();
        assert_eq!(s.redact("echo Bearer CANARY-77 and CANARY-77 and PW-CANARY"), "echo [redacted] and [redacted] and [redacted]");
        let dbg = format!("{s:?}");
        assert!(!dbg.contains("CANARY"), "{dbg}");
    }
}
