//! Remote engines against real servers on 127.0.0.1, started by `scripts/remote-servers.sh`
//! (which `scripts/test.sh` runs first): ClickHouse 18.16 (Debian), dask-sql (PyPI, the
//! Trino/Presto client protocol), and a fake server for the generic protocol (SQLite), a Cube
//! REST emulator and faults on purpose. Without the servers' environment (plain `cargo test`)
//! every test here is skipped with a message; with it, an unreachable server is a failure.
//!
//!     bash scripts/remote-servers.sh run cargo test --test remote
#![cfg(not(target_arch = "wasm32"))]

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;

use futures_executor::block_on;
use futures_util::future::LocalBoxFuture;
use insightflow::engine::remote::native::StdClient;
use insightflow::engine::remote::transport::{HttpClient, HttpRequest, HttpResponse, TransportError};
use insightflow::engine::remote::RemoteOptions;
use insightflow::error::Error;
use insightflow::pipeline::{AnalyzeOptions, CacheMode};
use insightflow::{AnalyzeRequest, AnalyzeResult, ErrorCode, Hooks, ProgressEvent, RegisterOptions, Runtime, RuntimeOptions};
use serde_json::{json, Value};

struct Env {
    data: String,
    clickhouse: String,
    ch_user: String,
    ch_password: String,
    trino: String,
    fake: String,
    refused: String,
    cube: String,
    cube_token: String,
}

fn env() -> Option<Env> {
    if std::env::var("INSIGHTFLOW_REMOTE").is_err() {
        eprintln!("SKIPPED: the remote test servers are not running (run `bash scripts/remote-servers.sh run cargo test --test remote`; scripts/test.sh does)");
        return None;
    }
    let v = |k: &str| std::env::var(k).unwrap_or_else(|_| panic!("{k} is missing from the remote servers' environment"));
    Some(Env {
        data: v("INSIGHTFLOW_REMOTE_DATA"),
        clickhouse: v("INSIGHTFLOW_CLICKHOUSE_URL"),
        ch_user: v("INSIGHTFLOW_CLICKHOUSE_USER"),
        ch_password: v("INSIGHTFLOW_CLICKHOUSE_PASSWORD"),
        trino: v("INSIGHTFLOW_TRINO_URL"),
        fake: v("INSIGHTFLOW_FAKE_URL"),
        refused: v("INSIGHTFLOW_REFUSED_URL"),
        cube: v("INSIGHTFLOW_CUBE_URL"),
        cube_token: v("INSIGHTFLOW_CUBE_TOKEN"),
    })
}

macro_rules! servers {
    () => {
        match env() {
            Some(e) => e,
            None => return,
        }
    };
}

#[derive(Default)]
struct Recorder {
    events: Vec<ProgressEvent>,
    /// Abort once an execute-stage progress event whose message contains this was seen.
    abort_on: Option<&'static str>,
}

impl Hooks for Recorder {
    fn progress(&mut self, e: &ProgressEvent) {
        self.events.push(e.clone());
    }
    fn aborted(&self) -> bool {
        self.abort_on.is_some_and(|m| self.events.iter().any(|e| e.stage == "execute" && e.message.contains(m)))
    }
}

fn opts(v: Value) -> RemoteOptions {
    serde_json::from_value(v).expect("remote options")
}

fn ch_opts(e: &Env, extra: Value) -> RemoteOptions {
    let mut base = json!({"engine": "clickhouse", "url": e.clickhouse, "table": "sales", "user": e.ch_user, "password": e.ch_password});
    merge(&mut base, extra);
    opts(base)
}

fn trino_opts(e: &Env, extra: Value) -> RemoteOptions {
    let mut base = json!({"engine": "trino", "url": e.trino, "table": "sales"});
    merge(&mut base, extra);
    opts(base)
}

fn http_opts(e: &Env, extra: Value) -> RemoteOptions {
    let mut base = json!({"engine": "http", "url": format!("{}/sql", e.fake), "table": "sales"});
    merge(&mut base, extra);
    opts(base)
}

/// The real Cube server (0.28.64, over the ClickHouse above).
fn real_cube_opts(e: &Env, extra: Value) -> RemoteOptions {
    let mut base = json!({"engine": "cube", "url": e.cube, "table": "orders", "headers": {"Authorization": e.cube_token}});
    merge(&mut base, extra);
    opts(base)
}

/// The Cube emulator of the fake server (same data and cube; answers "Continue wait" first).
fn cube_opts(e: &Env, extra: Value) -> RemoteOptions {
    let mut base = json!({"engine": "cube", "url": e.fake, "table": "orders", "headers": {"Authorization": "cube-token"}});
    merge(&mut base, extra);
    opts(base)
}

fn merge(base: &mut Value, extra: Value) {
    if let (Some(b), Value::Object(x)) = (base.as_object_mut(), extra) {
        for (k, v) in x {
            b.insert(k, v);
        }
    }
}

fn sql_req(source: &str, sql: &str) -> AnalyzeRequest {
    AnalyzeRequest { source: source.into(), sql: Some(sql.into()), ..Default::default() }
}

fn analyze(rt: &Runtime, req: AnalyzeRequest) -> (Result<AnalyzeResult, Error>, Recorder) {
    let mut rec = Recorder::default();
    let out = block_on(rt.analyze(req, &mut rec));
    (out, rec)
}

fn local_sales(e: &Env) -> Runtime {
    let rt = Runtime::new(RuntimeOptions::default());
    let csv = std::fs::read(format!("{}/sales.csv", e.data)).unwrap();
    rt.register_bytes("sales", &csv, &RegisterOptions::default()).unwrap();
    rt
}

fn json_of(r: &AnalyzeResult) -> Value {
    serde_json::to_value(r).unwrap()
}

fn execute_meta(r: &AnalyzeResult) -> Value {
    json_of(r)["metadata"].as_array().unwrap().iter().find(|m| m["stage"] == "execute").cloned().unwrap()
}

/// `key column → [numbers of the other columns]`, numbers as f64, for comparing engines.
fn numbers_by(r: &AnalyzeResult, key: &str) -> BTreeMap<String, Vec<f64>> {
    let v = json_of(r);
    let mut out = BTreeMap::new();
    for row in v["data"]["rows"].as_array().unwrap() {
        let o = row.as_object().unwrap();
        let k = o[key].as_str().map(str::to_string).unwrap_or_else(|| o[key].to_string());
        let mut nums: Vec<(String, f64)> = o
            .iter()
            .filter(|(c, _)| c.as_str() != key)
            .map(|(c, v)| (c.clone(), v.as_f64().or_else(|| v.as_str().and_then(|s| s.parse().ok())).unwrap_or(f64::NAN)))
            .collect();
        nums.sort_by(|a, b| a.0.cmp(&b.0));
        out.insert(k, nums.into_iter().map(|(_, n)| n).collect());
    }
    out
}

fn assert_same_numbers(a: &BTreeMap<String, Vec<f64>>, b: &BTreeMap<String, Vec<f64>>, what: &str) {
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>(), "{what}: groups differ");
    for (k, x) in a {
        let y = &b[k];
        assert_eq!(x.len(), y.len(), "{what}: {k}: {x:?} vs {y:?}");
        for (p, q) in x.iter().zip(y) {
            assert!((p - q).abs() <= 1e-6 * p.abs().max(1.0), "{what}: {k}: {x:?} vs {y:?}");
        }
    }
}

const BY_REGION: &str = "SELECT region, SUM(qty) AS total_qty, COUNT(*) AS n, SUM(amount) AS total_amount FROM sales GROUP BY region ORDER BY region";

// ------------------------------------------------------------------ each engine, end to end

#[test]
fn clickhouse_schema_query_progress_and_route() {
    let e = servers!();
    let rt = Runtime::new(RuntimeOptions::default());
    let schema = block_on(rt.register_remote("sales", ch_opts(&e, json!({})))).unwrap();
    let cols: Vec<(String, &str)> = schema.columns.iter().map(|c| (c.name.clone(), c.kind)).collect();
    assert_eq!(
        cols,
        vec![("id".into(), "integer"), ("region".into(), "string"), ("product".into(), "string"), ("day".into(), "date"), ("qty".into(), "integer"), ("amount".into(), "number")]
    );
    assert_eq!(rt.tables(), vec!["sales".to_string()]);
    let (out, rec) = analyze(&rt, sql_req("sales", BY_REGION));
    let out = out.unwrap();
    assert_eq!(out.engine, "clickhouse");
    assert_eq!(out.data.row_count, 5);
    let meta = execute_meta(&out);
    assert_eq!(meta["engine"], "clickhouse");
    assert_eq!(meta["route"]["chosen"], "remote");
    assert!(meta["route"]["reason"].as_str().unwrap().contains("pull-down is not allowed"), "{meta}");
    assert!(meta["transformations"].to_string().contains("ClickHouse reported"), "{meta}");
    // progress during the execute stage: the route, then the engine's own state
    let execute: Vec<&ProgressEvent> = rec.events.iter().filter(|p| p.stage == "execute" && p.status == "progress").collect();
    assert!(execute.iter().any(|p| p.detail["route"]["chosen"] == "remote"), "{execute:?}");
    assert!(execute.iter().any(|p| p.detail["state"] == "FINISHED" && p.detail["engine"] == "clickhouse"), "{execute:?}");
    assert!(execute.iter().all(|p| p.percent >= 30.0 && p.percent <= 50.0));
    // chart and insights ran on the remote result
    assert!(out.chart_spec.is_some());
    // the second identical request is a result-cache hit, with the route still reported
    let (again, _) = analyze(&rt, sql_req("sales", BY_REGION));
    let again = again.unwrap();
    assert_eq!(again.cache.result, "hit");
    assert_eq!(execute_meta(&again)["route"]["chosen"], "remote");
}

#[test]
fn trino_protocol_against_dask_sql() {
    let e = servers!();
    let rt = Runtime::new(RuntimeOptions::default());
    let schema = block_on(rt.register_remote("sales", trino_opts(&e, json!({})))).unwrap();
    let kinds: BTreeMap<String, &str> = schema.columns.iter().map(|c| (c.name.clone(), c.kind)).collect();
    assert_eq!(kinds["qty"], "integer");
    assert_eq!(kinds["amount"], "number");
    assert_eq!(kinds["region"], "string");
    let (out, rec) = analyze(&rt, sql_req("sales", BY_REGION));
    let out = out.unwrap();
    assert_eq!(out.engine, "trino");
    assert_eq!(out.data.row_count, 5);
    assert_eq!(execute_meta(&out)["route"]["chosen"], "remote");
    assert!(rec.events.iter().any(|p| p.stage == "execute" && p.status == "progress" && p.detail["engine"] == "trino"));
    // an engine error comes back as REMOTE_ERROR with the engine's words
    let (err, _) = analyze(&rt, sql_req("sales", "SELECT no_such_column FROM sales"));
    let err = err.unwrap_err();
    assert_eq!(err.code, ErrorCode::RemoteError, "{err}");
    assert!(err.hint.contains("no_such_column"), "{err}");
}

#[test]
fn generic_http_protocol_against_sqlite_backend() {
    let e = servers!();
    let rt = Runtime::new(RuntimeOptions::default());
    let schema = block_on(rt.register_remote("sales", http_opts(&e, json!({})))).unwrap();
    assert_eq!(schema.columns.len(), 6);
    let (out, _) = analyze(&rt, sql_req("sales", BY_REGION));
    let out = out.unwrap();
    assert_eq!(out.engine, "http");
    assert_eq!(out.data.row_count, 5);
    let (err, _) = analyze(&rt, sql_req("sales", "SELECT nope FROM sales"));
    let err = err.unwrap_err();
    assert_eq!(err.code, ErrorCode::RemoteError, "{err}");
    assert!(err.hint.contains("no such column"), "{err}");
}

#[test]
fn cube_rest_api_against_the_emulator() {
    let e = servers!();
    let rt = Runtime::new(RuntimeOptions::default());
    let schema = block_on(rt.register_remote("orders", cube_opts(&e, json!({})))).unwrap();
    let names: Vec<&str> = schema.columns.iter().map(|c| c.name.as_str()).collect();
    assert!(names.contains(&"region") && names.contains(&"qty_sum"), "{names:?}");
    // SQL is not what Cube takes
    let (err, _) = analyze(&rt, sql_req("orders", "SELECT region FROM orders"));
    assert_eq!(err.unwrap_err().code, ErrorCode::SqlUnsupported);
    // wrong token: credentials refused
    let bad = block_on(rt.register_remote("orders2", cube_opts(&e, json!({"headers": {"Authorization": "nope"}})))).unwrap_err();
    assert_eq!(bad.code, ErrorCode::RemoteError);
    assert!(bad.message.contains("refused the credentials"), "{bad}");
}

#[test]
fn cube_rest_api_against_a_real_cube_server() {
    let e = servers!();
    let rt = Runtime::new(RuntimeOptions::default());
    let schema = block_on(rt.register_remote("orders", real_cube_opts(&e, json!({})))).unwrap();
    let kinds: BTreeMap<String, &str> = schema.columns.iter().map(|c| (c.name.clone(), c.kind)).collect();
    assert_eq!((kinds["region"], kinds["day"], kinds["amount_sum"]), ("string", "datetime", "number"), "{kinds:?}");
    let local = local_sales(&e);
    for question in ["total amount by region", "total qty for North by product", "number of rows by product", "average amount by region"] {
        let ask = |rt: &Runtime, source: &str| {
            let (out, _) = analyze(rt, AnalyzeRequest { source: source.into(), question: Some(question.into()), ..Default::default() });
            out.unwrap_or_else(|err| panic!("{question} on {source}: {err}"))
        };
        let base = ask(&local, "sales");
        let got = ask(&rt, "orders");
        assert_eq!(got.engine, "cube", "{question}: {:?} {:?}", got.clarification, got.sql);
        let key = if question.contains("product") { "product" } else { "region" };
        assert_same_numbers(&numbers_by(&base, key), &numbers_by(&got, key), question);
        let meta = execute_meta(&got);
        assert!(meta["transformations"].to_string().contains("cubejs") || meta["transformations"].to_string().contains("orders."), "{meta}");
    }
    // by month: Cube's time dimension with a granularity
    let (base, _) = analyze(&local, AnalyzeRequest { source: "sales".into(), question: Some("total qty by month".into()), ..Default::default() });
    let (got, _) = analyze(&rt, AnalyzeRequest { source: "orders".into(), question: Some("total qty by month".into()), ..Default::default() });
    let (base, got) = (base.unwrap(), got.unwrap());
    let by_month = |r: &AnalyzeResult| -> BTreeMap<String, Vec<f64>> {
        let key = r.data.columns.first().map(|c| c.name.clone()).unwrap();
        numbers_by(r, &key).into_iter().map(|(k, v)| (k.chars().take(7).collect(), v)).collect()
    };
    assert_eq!(by_month(&base).len(), 12);
    assert_same_numbers(&by_month(&base), &by_month(&got), "by month");
}

// ------------------------------------------------------------------ the same numbers everywhere

/// The same question over the same data: in the page, on ClickHouse, on dask-sql (Trino
/// protocol), on the generic backend (SQLite) and through the Cube emulator.
#[test]
fn same_question_same_numbers_locally_and_on_every_engine() {
    let e = servers!();
    let question = "total amount by region";
    let ask = |rt: &Runtime, engine: &str| {
        let (out, _) = analyze(rt, AnalyzeRequest { source: "sales".into(), question: Some(question.into()), ..Default::default() });
        out.unwrap_or_else(|err| panic!("{engine}: {err}"))
    };
    let local = local_sales(&e);
    let base = ask(&local, "local");
    assert_eq!(base.engine, "local");
    let expected = numbers_by(&base, "region");
    assert_eq!(expected.len(), 5, "{expected:?}");
    for (name, o) in [("clickhouse", ch_opts(&e, json!({}))), ("trino", trino_opts(&e, json!({}))), ("http", http_opts(&e, json!({})))] {
        let rt = Runtime::new(RuntimeOptions::default());
        block_on(rt.register_remote("sales", o)).unwrap();
        let got = ask(&rt, name);
        assert_eq!(got.engine, name);
        assert_same_numbers(&expected, &numbers_by(&got, "region"), name);
        // and the same SQL gives the same numbers as the page
        let (sql_local, _) = analyze(&local, sql_req("sales", BY_REGION));
        let (sql_remote, _) = analyze(&rt, sql_req("sales", BY_REGION));
        assert_same_numbers(&numbers_by(&sql_local.unwrap(), "region"), &numbers_by(&sql_remote.unwrap(), "region"), name);
    }
    // a question naming a value: the remote source's values are read from its engine
    let filtered = "total qty for North by product";
    let (base, _) = analyze(&local, AnalyzeRequest { source: "sales".into(), question: Some(filtered.into()), ..Default::default() });
    let base = base.unwrap();
    assert!(base.sql.contains("North"), "{}", base.sql);
    for (name, o) in [("clickhouse", ch_opts(&e, json!({}))), ("trino", trino_opts(&e, json!({}))), ("http", http_opts(&e, json!({})))] {
        let rt = Runtime::new(RuntimeOptions::default());
        block_on(rt.register_remote("sales", o)).unwrap();
        let (got, _) = analyze(&rt, AnalyzeRequest { source: "sales".into(), question: Some(filtered.into()), ..Default::default() });
        let got = got.unwrap_or_else(|err| panic!("{name}: {err}"));
        assert_eq!(got.sql, base.sql, "{name}");
        assert_same_numbers(&numbers_by(&base, "product"), &numbers_by(&got, "product"), name);
    }
    let rt = Runtime::new(RuntimeOptions::default());
    block_on(rt.register_remote("orders", real_cube_opts(&e, json!({})))).unwrap();
    let (cube, _) = analyze(&rt, AnalyzeRequest { source: "orders".into(), question: Some(question.into()), ..Default::default() });
    assert_same_numbers(&expected, &numbers_by(&cube.unwrap_or_else(|err| panic!("cube: {err}")), "region"), "cube (real)");
    let rt = Runtime::new(RuntimeOptions::default());
    block_on(rt.register_remote("orders", cube_opts(&e, json!({})))).unwrap();
    let (cube, rec) = analyze(&rt, AnalyzeRequest { source: "orders".into(), question: Some(question.into()), ..Default::default() });
    let cube = cube.unwrap_or_else(|err| panic!("cube: {err}"));
    assert_eq!(cube.engine, "cube");
    assert!(rec.events.iter().any(|p| p.detail["state"] == "CONTINUE_WAIT"), "the emulator answers 'Continue wait' first");
    let got = numbers_by(&cube, "region");
    assert_same_numbers(&expected, &got, "cube (emulator)");
}

// ------------------------------------------------------------------ routing

#[test]
fn small_remote_tables_are_pulled_down_once_when_allowed() {
    let e = servers!();
    let rt = Runtime::new(RuntimeOptions::default());
    // no hint: the router counts once on the server
    block_on(rt.register_remote("sales", ch_opts(&e, json!({"pullDown": true, "pullDownMaxRows": 5000})))).unwrap();
    let (first, rec) = analyze(&rt, sql_req("sales", BY_REGION));
    let first = first.unwrap();
    assert_eq!(first.engine, "local");
    let route = &execute_meta(&first)["route"];
    assert_eq!(route["chosen"], "pull-down");
    assert!(route["reason"].as_str().unwrap().contains("2,000 rows (counted on the server)"), "{route}");
    assert!(rec.events.iter().any(|p| p.message.starts_with("Counting the rows")));
    assert!(rec.events.iter().any(|p| p.message.starts_with("Fetching 'sales'")));
    // now in the page: another query runs locally with no round trip, and query() works too
    let (second, rec) = analyze(&rt, sql_req("sales", "SELECT product, MAX(qty) AS m FROM sales GROUP BY product"));
    let second = second.unwrap();
    assert_eq!(execute_meta(&second)["route"]["reason"], "'sales' was fetched into the page earlier: fetched once and queried in the page.");
    assert!(!rec.events.iter().any(|p| p.message.starts_with("Fetching")));
    assert_eq!(rt.query("SELECT COUNT(*) AS n FROM sales").unwrap().table.row_count, 1);
    // numbers equal the page's
    let (local, _) = analyze(&local_sales(&e), sql_req("sales", BY_REGION));
    assert_same_numbers(&numbers_by(&local.unwrap(), "region"), &numbers_by(&first, "region"), "pull-down");
    // invalidate forgets the pulled copy: fetched again next time
    rt.invalidate("sales").unwrap();
    let (third, rec) = analyze(&rt, sql_req("sales", BY_REGION));
    assert_eq!(third.unwrap().cache.result, "miss");
    assert!(rec.events.iter().any(|p| p.message.starts_with("Fetching 'sales'")));
}

#[test]
fn routing_rules_hint_threshold_and_mixed_sources() {
    let e = servers!();
    let rt = Runtime::new(RuntimeOptions::default());
    // too large by its hint: pushed down, without counting
    block_on(rt.register_remote("big", ch_opts(&e, json!({"table": "big", "pullDown": true, "rowCountHint": 100000, "pullDownMaxRows": 1000})))).unwrap();
    let (out, rec) = analyze(&rt, sql_req("big", "SELECT region, COUNT(*) AS n FROM big GROUP BY region ORDER BY region"));
    let out = out.unwrap();
    let route = &execute_meta(&out)["route"];
    assert_eq!(route["chosen"], "remote");
    assert!(route["reason"].as_str().unwrap().contains("100,000 rows (rowCountHint), more than pullDownMaxRows 1,000"), "{route}");
    assert!(!rec.events.iter().any(|p| p.message.starts_with("Counting")));
    // a page table joined with a remote table that may not come down: refused, saying why
    let csv = b"region,manager\nNorth,Ann\nSouth,Bo\nEast,Cy\nWest,Di\nCentral,Ed\n";
    rt.register_bytes("managers", csv, &RegisterOptions::default()).unwrap();
    let join = "SELECT manager, COUNT(*) AS n FROM big JOIN managers USING (region) GROUP BY manager";
    let (err, _) = analyze(&rt, sql_req("big", join));
    let err = err.unwrap_err();
    assert_eq!(err.code, ErrorCode::SqlUnsupported, "{err}");
    assert!(err.message.contains("'managers'"), "{err}");
    // ... but a small one that may come down joins in the page
    block_on(rt.register_remote("sales", trino_opts(&e, json!({"pullDown": true, "rowCountHint": 2000})))).unwrap();
    let join = "SELECT manager, SUM(qty) AS q FROM sales JOIN managers USING (region) GROUP BY manager ORDER BY manager";
    let (out, _) = analyze(&rt, sql_req("sales", join));
    let out = out.unwrap();
    assert_eq!(execute_meta(&out)["route"]["chosen"], "pull-down");
    assert_eq!(out.data.row_count, 5);
    // local tables stay local
    let (out, _) = analyze(&rt, sql_req("managers", "SELECT * FROM managers"));
    assert_eq!(execute_meta(&out.unwrap())["route"], json!({"chosen": "local", "engine": "local", "reason": "Every table the query reads is in the page."}));
    // a page table registered under a remote name replaces it (and vice versa)
    rt.register_bytes("big", b"a\n1\n", &RegisterOptions::default()).unwrap();
    let (out, _) = analyze(&rt, sql_req("big", "SELECT * FROM big"));
    assert_eq!(out.unwrap().engine, "local");
    assert!(rt.drop_table("sales"));
    assert!(!rt.tables().contains(&"sales".to_string()));
}

#[test]
fn pull_down_falls_back_to_the_engine_when_the_table_grew() {
    let e = servers!();
    let rt = Runtime::new(RuntimeOptions::default());
    // the hint says small, the table is not: the fetch finds out and the query is pushed
    block_on(rt.register_remote("big", http_opts(&e, json!({"table": "big", "pullDown": true, "rowCountHint": 10, "pullDownMaxRows": 500})))).unwrap();
    let (out, _) = analyze(&rt, sql_req("big", "SELECT COUNT(*) AS n FROM big"));
    let out = out.unwrap();
    let route = &execute_meta(&out)["route"];
    assert_eq!(route["chosen"], "remote", "{route}");
    assert!(route["reason"].as_str().unwrap().contains("more than pullDownMaxRows"), "{route}");
    assert_eq!(json_of(&out)["data"]["rows"][0]["n"], 100000);
}

#[test]
fn a_100k_row_result_comes_through_the_pipeline() {
    let e = servers!();
    let rt = Runtime::new(RuntimeOptions::default());
    block_on(rt.register_remote("big", ch_opts(&e, json!({"table": "big"})))).unwrap();
    let req = AnalyzeRequest { source: "big".into(), sql: Some("SELECT * FROM big".into()), options: AnalyzeOptions { max_rows: Some(1000), ..Default::default() }, ..Default::default() };
    let (out, _) = analyze(&rt, req);
    let out = out.unwrap();
    assert_eq!(execute_meta(&out)["outputShape"], json!([100000, 6]));
    assert!(out.data.truncated);
    assert_eq!(out.data.row_count, 1000);
}

// ------------------------------------------------------------------ engine-specific protocol behaviour

#[test]
fn trino_progress_stats_error_foreign_next_uri_and_cancel() {
    let e = servers!();
    let rt = Runtime::new(RuntimeOptions::default());
    // The fake server speaks the Trino protocol; X-Trino-User picks its behaviour.
    let pid = std::process::id();
    let fake_trino = |name: &str, kind: &str| {
        let o = trino_opts(&e, json!({"url": e.fake, "user": format!("{kind}_{name}{pid}")}));
        block_on(rt.register_remote(name, o)).unwrap();
    };
    fake_trino("progress", "progress");
    fake_trino("failing", "error");
    fake_trino("elsewhere", "elsewhere");
    fake_trino("hang", "hang");
    // an answer in pages with stats: progress events carry them, percent moves within execute
    let (out, rec) = analyze(&rt, sql_req("progress", "SELECT region, COUNT(*) AS n FROM progress GROUP BY region"));
    let out = out.unwrap();
    assert_eq!(out.data.row_count, 3);
    let stats: Vec<(String, f64)> = rec
        .events
        .iter()
        .filter(|p| p.stage == "execute" && p.status == "progress" && p.detail["engine"] == "trino")
        .map(|p| (p.detail["state"].as_str().unwrap_or("").to_string(), p.percent))
        .collect();
    let states: Vec<&str> = stats.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(states, vec!["QUEUED", "RUNNING", "RUNNING", "FINISHED"], "{stats:?}");
    assert!((stats[1].1 - 38.0).abs() < 1e-9, "{stats:?}"); // 30 + 20 × 40 %
    assert!(stats.windows(2).all(|w| w[0].1 <= w[1].1));
    // an error object
    let (err, _) = analyze(&rt, sql_req("failing", "SELECT n FROM failing"));
    let err = err.unwrap_err();
    assert_eq!(err.code, ErrorCode::RemoteError);
    assert!(err.hint.contains("cannot be resolved"), "{err}");
    // nextUri on another origin is not followed (credentials stay home)
    let (err, _) = analyze(&rt, sql_req("elsewhere", "SELECT n FROM elsewhere"));
    assert_eq!(err.unwrap_err().code, ErrorCode::RemoteBadResponse);
    // abort while running: DELETE on nextUri and on partialCancelUri, each once (never retried)
    let mut rec = Recorder { abort_on: Some("RUNNING"), ..Default::default() };
    let err = block_on(rt.analyze(sql_req("hang", "SELECT n FROM hang"), &mut rec)).unwrap_err();
    assert_eq!(err.code, ErrorCode::Aborted);
    let key = format!("hang{pid}");
    let log = fake_log(&e, &key);
    let deletes: Vec<String> = log.iter().filter(|r| r["method"] == "DELETE").map(|r| r["path"].as_str().unwrap().to_string()).collect();
    assert_eq!(deletes, vec![format!("/trino/hang/{key}"), format!("/trino/hang/{key}/cancel")], "{log:?}");
    // the runtime stays usable
    block_on(rt.register_remote("sales", trino_opts(&e, json!({})))).unwrap();
    let (ok, _) = analyze(&rt, sql_req("sales", BY_REGION));
    assert_eq!(ok.unwrap().data.row_count, 5);
}

#[test]
fn clickhouse_limits_timeout_cancel_and_credentials() {
    let e = servers!();
    let rt = Runtime::new(RuntimeOptions::default());
    block_on(rt.register_remote("big", ch_opts(&e, json!({"table": "big", "maxRows": 50})))).unwrap();
    // max_result_rows from the source's maxRows: never silently cut
    let (err, _) = analyze(&rt, sql_req("big", "SELECT id FROM big LIMIT 100"));
    assert_eq!(err.unwrap_err().code, ErrorCode::TooLarge);
    let (ok, _) = analyze(&rt, sql_req("big", "SELECT id FROM big LIMIT 50"));
    assert_eq!(ok.unwrap().data.row_count, 50);
    // a long query with a short time limit: REMOTE_TIMEOUT, and the query is killed on the server
    // ~30 s of work on the server (sleepEachRow over 10 × 100k rows)
    let branch = "SELECT id FROM big WHERE sleepEachRow(0.00003) = 0";
    let slow = format!("SELECT COUNT(*) AS n FROM ({})", vec![branch; 10].join(" UNION ALL "));
    let slow = slow.as_str();
    block_on(rt.register_remote("slow", ch_opts(&e, json!({"table": "big", "timeoutMs": 800.0})))).unwrap();
    let started = std::time::Instant::now();
    let (err, _) = analyze(&rt, sql_req("slow", &slow.replace("big", "slow")));
    let err = err.unwrap_err();
    assert_eq!(err.code, ErrorCode::RemoteTimeout, "{err}");
    assert!(started.elapsed().as_millis() < 5000);
    wait_no_queries(&e, "sleepEachRow");
    // abort while it runs: ABORTED, killed too
    let mut rec = Recorder { abort_on: Some("ClickHouse: running"), ..Default::default() };
    let err = block_on(rt.analyze(sql_req("big", slow), &mut rec)).unwrap_err();
    assert_eq!(err.code, ErrorCode::Aborted);
    wait_no_queries(&e, "sleepEachRow");
    // the request's own timeoutMs bounds the remote call as well
    let req = AnalyzeRequest { source: "big".into(), sql: Some(slow.into()), options: AnalyzeOptions { timeout_ms: Some(600.0), ..Default::default() }, ..Default::default() };
    let (err, _) = analyze(&rt, req);
    assert!(matches!(err.as_ref().unwrap_err().code, ErrorCode::RemoteTimeout | ErrorCode::Timeout), "{err:?}");
    wait_no_queries(&e, "sleepEachRow");
    // wrong password: refused, and the wrong password is nowhere in the error
    let err = block_on(rt.register_remote("x", ch_opts(&e, json!({"password": "CANARY-wrong-pw-1234"})))).unwrap_err();
    assert_eq!(err.code, ErrorCode::RemoteError);
    assert!(err.message.contains("refused the credentials"), "{err}");
    assert!(!format!("{err}").contains("CANARY"), "{err}");
}

/// Waits until ClickHouse runs no query containing `marker` (KILL QUERY is asynchronous).
fn wait_no_queries(e: &Env, marker: &str) {
    for _ in 0..40 {
        let sql = format!("SELECT count() FROM system.processes WHERE query LIKE '%{marker}%' AND query NOT LIKE '%system.processes%'");
        let resp = raw(&format!("{}/?user={}&password={}", e.clickhouse, e.ch_user, e.ch_password), sql.into_bytes());
        if String::from_utf8_lossy(&resp.body).trim() == "0" {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("the query was not cancelled on the server");
}

fn raw(url: &str, body: Vec<u8>) -> HttpResponse {
    let req = HttpRequest {
        method: if body.is_empty() { insightflow::engine::remote::transport::Method::Get } else { insightflow::engine::remote::transport::Method::Post },
        url: url.into(),
        headers: Vec::new(),
        body,
        timeout_ms: 10_000.0,
        max_body_bytes: 10_000_000,
    };
    let never = || false;
    block_on(StdClient.send(req, &never)).expect("raw request")
}

fn fake_log(e: &Env, key: &str) -> Vec<Value> {
    let resp = raw(&format!("{}/log/{key}", e.fake), Vec::new());
    serde_json::from_slice(&resp.body).unwrap()
}

// ------------------------------------------------------------------ faults

/// A client that sends every request to `target` instead (when `on`): faults after a
/// registration that succeeded. Counts requests.
struct Redirect {
    target: RefCell<String>,
    on: Cell<bool>,
    sent: Cell<usize>,
}

impl Redirect {
    fn new(target: &str) -> Self {
        Redirect { target: RefCell::new(target.into()), on: Cell::new(false), sent: Cell::new(0) }
    }
}

impl HttpClient for Redirect {
    fn send<'a>(&'a self, mut req: HttpRequest, cancel: &'a dyn Fn() -> bool) -> LocalBoxFuture<'a, Result<HttpResponse, TransportError>> {
        self.sent.set(self.sent.get() + 1);
        // Trino follows nextUri: only the first request of a query is redirected
        let is_next = req.url.contains("/trino/");
        if self.on.get() && !is_next {
            req.url = self.target.borrow().clone();
        }
        Box::pin(async move { StdClient.send(req, cancel).await })
    }
    fn sleep(&self, ms: f64) -> LocalBoxFuture<'static, ()> {
        StdClient.sleep(ms)
    }
}

/// Every fault at registration (schema read) and during analyze gives its code; afterwards
/// the runtime still answers local and remote queries.
#[test]
fn fault_matrix() {
    let e = servers!();
    let canary = "CANARY-token-31337";
    let flaky_key = format!("flaky{}", std::process::id());
    let cases: Vec<(&str, String, Value, ErrorCode)> = vec![
        ("refused", e.refused.clone(), json!({}), ErrorCode::RemoteUnreachable),
        ("dns", "http://no-such-host.invalid".into(), json!({}), ErrorCode::RemoteUnreachable),
        ("500", format!("{}/fault/status/500", e.fake), json!({}), ErrorCode::RemoteError),
        ("401", format!("{}/fault/status/401", e.fake), json!({}), ErrorCode::RemoteError),
        ("404", format!("{}/fault/status/404", e.fake), json!({}), ErrorCode::RemoteError),
        ("503 always", format!("{}/fault/status/503", e.fake), json!({"retries": 1, "retryBackoffMs": 10.0}), ErrorCode::RemoteError),
        ("slow", format!("{}/fault/slow/3000", e.fake), json!({"timeoutMs": 300.0}), ErrorCode::RemoteTimeout),
        ("malformed", format!("{}/fault/malformed", e.fake), json!({}), ErrorCode::RemoteBadResponse),
        ("html", format!("{}/fault/html", e.fake), json!({}), ErrorCode::RemoteBadResponse),
        ("truncated", format!("{}/fault/truncated", e.fake), json!({"retries": 0}), ErrorCode::RemoteBadResponse),
        ("cut mid-stream", format!("{}/fault/cut", e.fake), json!({"retries": 0}), ErrorCode::RemoteBadResponse),
        ("hang-up", format!("{}/fault/hangup", e.fake), json!({"retries": 0}), ErrorCode::RemoteBadResponse),
        ("enormous", format!("{}/fault/enormous", e.fake), json!({"maxResponseBytes": 1_000_000}), ErrorCode::TooLarge),
    ];
    let local = local_sales(&e);
    for (name, url, extra, code) in &cases {
        // 1. at registration (the schema read)
        let rt = Runtime::new(RuntimeOptions::default());
        let mut o = json!({"url": url, "headers": {"Authorization": format!("Bearer {canary}")}});
        merge(&mut o, extra.clone());
        let err = block_on(rt.register_remote("sales", http_opts(&e, o.clone()))).unwrap_err();
        assert_eq!(err.code, *code, "{name} (register): {err}");
        assert!(!format!("{err:?}").contains(canary), "{name}: {err:?}");
        assert!(rt.tables().is_empty(), "{name}: a failed registration leaves nothing behind");
        // 2. during analyze, after a good registration
        let client = Rc::new(Redirect::new(url));
        rt.set_http_client(client.clone());
        let mut good = json!({"headers": {"Authorization": format!("Bearer {canary}")}});
        merge(&mut good, extra.clone());
        block_on(rt.register_remote("sales", http_opts(&e, good))).unwrap();
        client.on.set(true);
        let started = std::time::Instant::now();
        let (err, rec) = analyze(&rt, sql_req("sales", BY_REGION));
        let err = err.unwrap_err();
        assert_eq!(err.code, *code, "{name} (analyze): {err}");
        assert!(started.elapsed().as_secs() < 10, "{name} took {:?}", started.elapsed());
        assert!(!format!("{err:?}").contains(canary), "{name}: {err:?}");
        assert!(!serde_json::to_string(&rec.events).unwrap().contains(canary));
        assert_eq!(rec.events.last().map(|p| (p.stage, p.status)), Some(("execute", "failed")), "{name}");
        // 3. still usable: the remote source once the fault is gone, and local tables
        client.on.set(false);
        let (ok, _) = analyze(&rt, sql_req("sales", BY_REGION));
        assert_eq!(ok.unwrap_or_else(|e| panic!("{name}: {e}")).data.row_count, 5, "{name}");
        let (ok, _) = analyze(&local, sql_req("sales", BY_REGION));
        assert_eq!(ok.unwrap().data.row_count, 5);
    }
    // retries with backoff: two 503s then the answer
    let rt = Runtime::new(RuntimeOptions::default());
    block_on(rt.register_remote("sales", http_opts(&e, json!({})))).unwrap();
    let client = Rc::new(Redirect::new(&format!("{}/fault/flaky/{flaky_key}/2", e.fake)));
    rt.set_http_client(client.clone());
    client.on.set(true);
    let (ok, _) = analyze(&rt, sql_req("sales", BY_REGION));
    assert_eq!(ok.unwrap().data.row_count, 5);
    assert_eq!(fake_log(&e, &flaky_key).len(), 3, "2 failures + 1 success");
}

/// The canary token (headers) and password never reach cache keys, metadata, progress,
/// errors or audit entries — even when a server echoes them back.
#[test]
fn secrets_never_leave_the_registration() {
    let e = servers!();
    let canary = "CANARY-secret-8675309";
    let rt = Runtime::new(RuntimeOptions::default());
    let mut everything = String::new();
    // ClickHouse with a password and an extra secret header
    block_on(rt.register_remote("sales", ch_opts(&e, json!({"headers": {"X-Api-Token": canary}})))).unwrap();
    for sql in [BY_REGION, "SELECT nope FROM sales"] {
        let (out, rec) = analyze(&rt, sql_req("sales", sql));
        match out {
            Ok(r) => everything.push_str(&serde_json::to_string(&r).unwrap()),
            Err(err) => everything.push_str(&format!("{err:?} {err}")),
        }
        everything.push_str(&serde_json::to_string(&rec.events).unwrap());
    }
    // Cube: the token is the secret
    block_on(rt.register_remote("orders", real_cube_opts(&e, json!({})))).unwrap();
    let (out, rec) = analyze(&rt, AnalyzeRequest { source: "orders".into(), question: Some("total amount by region".into()), ..Default::default() });
    everything.push_str(&serde_json::to_string(&out.unwrap()).unwrap());
    everything.push_str(&serde_json::to_string(&rec.events).unwrap());
    // a server that echoes the Authorization header in its error
    let echo = http_opts(&e, json!({"url": format!("{}/fault/status/400", e.fake), "headers": {"Authorization": format!("Bearer {canary}")}}));
    let err = block_on(rt.register_remote("echo", echo)).unwrap_err();
    assert!(err.hint.contains("[redacted]"), "the echoed token is scrubbed: {err}");
    everything.push_str(&format!("{err:?} {err}"));
    everything.push_str(&serde_json::to_string(&rt.audit_log(&Default::default())).unwrap());
    everything.push_str(&format!("{:?}", rt.debug_cache_keys()));
    everything.push_str(&serde_json::to_string(&rt.cache_stats()).unwrap());
    everything.push_str(&serde_json::to_string(&rt.schema("sales").unwrap()).unwrap());
    everything.push_str(&format!("{:?}", ch_opts(&e, json!({"headers": {"X-Api-Token": canary}}))));
    assert!(everything.len() > 1000);
    assert!(!everything.contains(canary), "the canary leaked");
    assert!(!everything.contains(&e.ch_password), "the password leaked");
    assert!(!everything.contains(&e.cube_token), "the Cube token leaked");
}

#[test]
fn sync_query_refuses_remote_sources_clearly() {
    let e = servers!();
    let rt = Runtime::new(RuntimeOptions::default());
    block_on(rt.register_remote("sales", http_opts(&e, json!({})))).unwrap();
    let err = rt.query("SELECT * FROM sales").unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidArgument);
    assert!(err.hint.contains("analyze"), "{err}");
    // schema() answers from what registration read
    assert_eq!(rt.schema("sales").unwrap().columns.len(), 6);
    // and the result cache keys on the remote source's version: invalidate gives a miss
    let (a, _) = analyze(&rt, sql_req("sales", BY_REGION));
    assert_eq!(a.unwrap().cache.result, "miss");
    let (b, _) = analyze(&rt, sql_req("sales", BY_REGION));
    assert_eq!(b.unwrap().cache.result, "hit");
    rt.invalidate("sales").unwrap();
    let req = AnalyzeRequest { options: AnalyzeOptions { cache: CacheMode::Use, ..Default::default() }, ..sql_req("sales", BY_REGION) };
    let (c, _) = analyze(&rt, req);
    let c = c.unwrap();
    assert_eq!((c.cache.result, c.cache.schema), ("miss", "miss"));
}

#[test]
fn quoted_text_reaches_every_engine_as_checked_or_not_at_all() {
    // One value to the guard (`\\' OR 1=1 --`); written back by sqlparser as `'\\' OR 1=1 --'`,
    // which ClickHouse, Trino and SQLite read as a value, an OR 1=1 and a comment: all 2,000 rows.
    let e = servers!();
    let injection = r"SELECT COUNT(*) AS n FROM sales WHERE region = '\\'' OR 1=1 --'";
    for (kind, o) in [("clickhouse", ch_opts(&e, json!({}))), ("trino", trino_opts(&e, json!({}))), ("http", http_opts(&e, json!({})))] {
        let rt = Runtime::new(RuntimeOptions::default());
        block_on(rt.register_remote("sales", o)).unwrap();
        for sql in [injection, "SELECT COUNT(*) AS n FROM sales WHERE region <> ''''''"] {
            let (err, _) = analyze(&rt, sql_req("sales", sql));
            let err = err.expect_err(&format!("{kind}: {sql}"));
            assert_eq!(err.code, ErrorCode::SqlUnsupported, "{kind}: {err}");
            assert!(err.message.contains("read differently"), "{kind}: {err}");
        }
        // a quote inside a value still goes through, and the instance keeps serving
        let (out, _) = analyze(&rt, sql_req("sales", "SELECT COUNT(*) AS n FROM sales WHERE region <> 'O''Brien'"));
        let out = out.unwrap_or_else(|err| panic!("{kind}: {err}"));
        assert_eq!(json_of(&out)["data"]["rows"][0]["n"].as_f64(), Some(2000.0), "{kind}");
        // a backslash is plain text to Trino and SQLite, an escape to ClickHouse: refused there
        let (out, _) = analyze(&rt, sql_req("sales", r"SELECT COUNT(*) AS n FROM sales WHERE region <> 'a\b'"));
        match kind {
            "clickhouse" => assert_eq!(out.unwrap_err().code, ErrorCode::SqlUnsupported),
            _ => assert_eq!(json_of(&out.unwrap_or_else(|err| panic!("{kind}: {err}")))["data"]["rows"][0]["n"].as_f64(), Some(2000.0), "{kind}"),
        }
    }
}
