//! Native tests of the analyze pipeline: stages and progress, caches (TTL with a manual
//! clock, LRU, size cap, invalidation, fingerprints), single-flight, tenancy and access,
//! audit redaction, limits, abort/timeout and degradation.
#![cfg(not(target_arch = "wasm32"))]

use std::rc::Rc;

use futures_executor::block_on;
use insightflow::cache::ManualClock;
use insightflow::error::Error;
use insightflow::pipeline::{AnalyzeOptions, CacheMode, Stage};
use insightflow::runtime::AccessList;
use insightflow::{AnalyzeRequest, AnalyzeResult, ErrorCode, Hooks, ProgressEvent, RegisterOptions, Runtime, RuntimeOptions, Tenant};
use serde_json::Value;

const SALES: &str = "region,day,amount\nNorth,2021-01-01,10\nNorth,2021-02-01,20\nSouth,2021-01-15,5\nWest,2021-03-01,40\n";
const BY_REGION: &str = "SELECT region, SUM(amount) AS total FROM sales GROUP BY region ORDER BY region";

#[derive(Default)]
struct Recorder {
    events: Vec<ProgressEvent>,
    abort_at: Option<&'static str>,
    fail: Option<Stage>,
}

impl Hooks for Recorder {
    fn progress(&mut self, e: &ProgressEvent) {
        self.events.push(e.clone());
    }
    fn aborted(&self) -> bool {
        self.abort_at.is_some_and(|s| self.events.iter().any(|e| e.stage == s && e.status == "done"))
    }
    fn fault(&self, stage: Stage) -> Option<Error> {
        (self.fail == Some(stage)).then(|| Error::new(ErrorCode::Internal, "injected fault", "test"))
    }
}

fn runtime(options: RuntimeOptions) -> Runtime {
    let rt = Runtime::new(options);
    rt.register_bytes("sales", SALES.as_bytes(), &RegisterOptions::default()).unwrap();
    rt
}

fn req(sql: &str) -> AnalyzeRequest {
    AnalyzeRequest { source: "sales".into(), sql: Some(sql.into()), ..Default::default() }
}

fn analyze(rt: &Runtime, r: AnalyzeRequest) -> (Result<AnalyzeResult, Error>, Recorder) {
    let mut rec = Recorder::default();
    let out = block_on(rt.analyze(r, &mut rec));
    (out, rec)
}

#[test]
fn stages_progress_and_result() {
    let rt = runtime(RuntimeOptions::default());
    let (out, rec) = analyze(&rt, req(BY_REGION));
    let out = out.unwrap();
    // every stage reported, in order, percent monotonic, ends at exactly 100
    let mut last = 0.0;
    for e in &rec.events {
        assert!(e.percent >= last, "percent went down at {e:?}");
        last = e.percent;
    }
    assert_eq!(rec.events.last().map(|e| (e.stage, e.percent)), Some(("complete", 100.0)));
    let done: Vec<&str> = rec.events.iter().filter(|e| e.status == "done").map(|e| e.stage).collect();
    assert_eq!(done, vec!["validate", "schema", "sql", "execute", "data", "chart", "insights", "narration", "combine", "complete"]);
    let pct = |s: &str| rec.events.iter().find(|e| e.stage == s && e.status == "done").map(|e| e.percent);
    assert_eq!((pct("validate"), pct("schema"), pct("sql"), pct("execute"), pct("data")), (Some(5.0), Some(15.0), Some(30.0), Some(50.0), Some(60.0)));
    assert_eq!(out.progress, rec.events);
    // the result
    let v = serde_json::to_value(&out).unwrap();
    assert_eq!(v["data"]["rows"], serde_json::json!([{"region": "North", "total": 30}, {"region": "South", "total": 5}, {"region": "West", "total": 40}]));
    assert_eq!(v["data"]["truncated"], false);
    assert_eq!(v["chartSpec"]["type"], "bar");
    assert_eq!(v["chart"]["series"][0]["type"], "bar");
    assert!(v["narration"].as_str().unwrap().contains("West has the largest total: 40"));
    assert_eq!(v["cache"], serde_json::json!({"schema": "miss", "result": "miss"}));
    assert_eq!(v["engine"], "local");
    let stages: Vec<&str> = out.metadata.iter().map(|m| m.stage).collect();
    assert_eq!(stages, vec!["validate", "schema", "sql", "execute", "data", "chart", "insights", "narration", "combine"]);
    let exec = out.metadata.iter().find(|m| m.stage == "execute").unwrap();
    assert_eq!((exec.engine, exec.output_shape, exec.cache_hit), (Some("local"), Some([3, 2]), Some(false)));
}

#[test]
fn empty_results_skip_chart_insights_narration() {
    let rt = runtime(RuntimeOptions::default());
    let (out, rec) = analyze(&rt, req("SELECT * FROM sales WHERE amount > 1000"));
    let out = out.unwrap();
    let skipped: Vec<&str> = rec.events.iter().filter(|e| e.status == "skipped").map(|e| e.stage).collect();
    assert_eq!(skipped, vec!["chart", "insights", "narration"]);
    assert!(out.chart.is_none() && out.insights.is_empty() && out.narration.is_none());
    assert!(out.warnings.iter().any(|w| w.code == "EMPTY_RESULT"));
    assert_eq!(rec.events.last().unwrap().percent, 100.0);
}

#[test]
fn result_cache_hits_on_equivalent_sql_and_misses_on_changes() {
    let rt = runtime(RuntimeOptions::default());
    assert_eq!(analyze(&rt, req(BY_REGION)).0.unwrap().cache.result, "miss");
    let same = "select region, sum(amount) as total\n from sales -- again\n group by (region) order by region";
    let out = analyze(&rt, req(same)).0.unwrap();
    assert_eq!((out.cache.result, out.cache.schema), ("hit", "hit"));
    assert_eq!(rt.executions(), 1);
    let changed = "SELECT region, SUM(amount) AS total FROM sales WHERE amount > 5 GROUP BY region ORDER BY region";
    assert_eq!(analyze(&rt, req(changed)).0.unwrap().cache.result, "miss");
    // refresh runs again, bypass neither reads nor writes
    let mut r = req(BY_REGION);
    r.options.cache = CacheMode::Refresh;
    assert_eq!(analyze(&rt, r).0.unwrap().cache.result, "miss");
    let mut r = req("SELECT COUNT(*) AS n FROM sales");
    r.options.cache = CacheMode::Bypass;
    assert_eq!(analyze(&rt, r).0.unwrap().cache.result, "bypass");
    assert_eq!(analyze(&rt, req("SELECT COUNT(*) AS n FROM sales")).0.unwrap().cache.result, "miss");
    assert_eq!(rt.executions(), 5);
    let stats = rt.cache_stats();
    assert_eq!((stats.result.entries, stats.result.hits), (3, 1));
    // the schema entry has a size (its JSON form: names and types of the columns)
    assert_eq!(stats.schema.entries, 1);
    let schema_json = serde_json::to_vec(&rt.schema("sales").unwrap()).unwrap().len();
    assert_eq!(stats.schema.bytes, schema_json, "{:?}", stats.schema);
}

/// A result-cache hit reuses the chart, insights and narration made from the same rows with
/// the same row cap and question, and reports so in each stage's metadata; the answer equals
/// one computed afresh (cache bypass); a different row cap or an injected fault computes again.
#[test]
fn cache_hits_reuse_the_answer_made_from_the_same_rows() {
    let rt = runtime(RuntimeOptions::default());
    let hits = |out: &AnalyzeResult| -> Vec<(&str, Option<bool>)> {
        out.metadata.iter().filter(|m| ["sql", "chart", "insights", "narration"].contains(&m.stage)).map(|m| (m.stage, m.cache_hit)).collect()
    };
    let answer = |out: &AnalyzeResult| serde_json::to_value((&out.chart, &out.chart_spec, &out.insights, &out.narration, &out.warnings)).unwrap();
    let steps = |out: &AnalyzeResult| -> Vec<(String, String, String)> {
        out.progress.iter().map(|e| (e.stage.to_string(), e.status.to_string(), e.message.clone())).collect()
    };
    let first = analyze(&rt, req(BY_REGION)).0.unwrap();
    assert_eq!(hits(&first), vec![("sql", Some(false)), ("chart", None), ("insights", None), ("narration", None)]);
    let hit = analyze(&rt, req(BY_REGION)).0.unwrap();
    assert_eq!(hit.cache.result, "hit");
    assert_eq!(hits(&hit), vec![("sql", Some(true)), ("chart", Some(true)), ("insights", Some(true)), ("narration", Some(true))]);
    assert_eq!(answer(&hit), answer(&first));
    assert!(!hit.insights.is_empty() && hit.chart.is_some() && hit.narration.is_some());
    assert_eq!(steps(&hit), steps(&first));
    let mut fresh = req(BY_REGION);
    fresh.options.cache = CacheMode::Bypass;
    assert_eq!(answer(&analyze(&rt, fresh).0.unwrap()), answer(&hit));

    // another row cap: made again from the rows it keeps
    let mut capped = req(BY_REGION);
    capped.options.max_rows = Some(2);
    let two = analyze(&rt, capped.clone()).0.unwrap();
    assert_eq!((two.cache.result, two.data.row_count), ("hit", 2));
    assert_eq!(hits(&two)[1..], [("chart", None), ("insights", None), ("narration", None)]);
    assert_ne!(answer(&two), answer(&hit));
    let again = analyze(&rt, capped).0.unwrap();
    assert_eq!(hits(&again)[1..], [("chart", Some(true)), ("insights", Some(true)), ("narration", Some(true))]);
    assert_eq!(answer(&again), answer(&two));
    assert!(again.warnings.iter().any(|w| w.code == "TRUNCATED"));

    // an injected fault runs the stages (and fails one of them); nothing faulty is kept
    let mut rec = Recorder { fail: Some(Stage::Insights), ..Default::default() };
    let faulty = block_on(rt.analyze(req(BY_REGION), &mut rec)).unwrap();
    assert!(faulty.insights.is_empty() && faulty.warnings.iter().any(|w| w.stage == "insights"));
    let after = analyze(&rt, req(BY_REGION)).0.unwrap();
    assert_eq!(answer(&after), answer(&first));
    assert_eq!(rt.executions(), 2, "the bypass ran the engine; every other request was a hit");
}

#[test]
fn ttls_follow_the_injected_clock() {
    let clock = Rc::new(ManualClock::new(1_000_000.0));
    let opts = RuntimeOptions { result_ttl_ms: 1_000.0, schema_ttl_ms: 5_000.0, ..Default::default() };
    let rt = Runtime::with_clock(opts, clock.clone());
    rt.register_bytes("sales", SALES.as_bytes(), &RegisterOptions::default()).unwrap();
    analyze(&rt, req(BY_REGION)).0.unwrap();
    clock.advance(999.0);
    assert_eq!(analyze(&rt, req(BY_REGION)).0.unwrap().cache.result, "hit");
    clock.advance(2.0);
    let out = analyze(&rt, req(BY_REGION)).0.unwrap();
    assert_eq!((out.cache.result, out.cache.schema), ("miss", "hit"));
    clock.advance(5_000.0);
    assert_eq!(analyze(&rt, req(BY_REGION)).0.unwrap().cache.schema, "miss");
}

#[test]
fn lru_cap_size_cap_and_invalidation() {
    let rt = runtime(RuntimeOptions { result_cache_entries: 2, ..Default::default() });
    for n in 1..=3 {
        analyze(&rt, req(&format!("SELECT * FROM sales LIMIT {n}"))).0.unwrap();
    }
    let s = rt.cache_stats().result;
    assert_eq!((s.entries, s.evictions), (2, 1));
    assert_eq!(analyze(&rt, req("SELECT * FROM sales LIMIT 1")).0.unwrap().cache.result, "miss"); // evicted first
    assert_eq!(analyze(&rt, req("SELECT * FROM sales LIMIT 3")).0.unwrap().cache.result, "hit");
    // re-registration invalidates schema and results of that source
    rt.register_bytes("sales", b"region,day,amount\nEast,2021-01-01,1\n", &RegisterOptions::default()).unwrap();
    assert_eq!(rt.cache_stats().result.entries, 0);
    let out = analyze(&rt, req("SELECT * FROM sales LIMIT 3")).0.unwrap();
    assert_eq!((out.cache.result, out.cache.schema, out.data.row_count), ("miss", "miss", 1));
    rt.invalidate("sales").unwrap();
    assert_eq!(analyze(&rt, req("SELECT * FROM sales LIMIT 3")).0.unwrap().cache.schema, "miss");
    // entries over the size cap are not cached
    let tiny = runtime(RuntimeOptions { result_cache_max_bytes: 1, ..Default::default() });
    analyze(&tiny, req(BY_REGION)).0.unwrap();
    assert_eq!(analyze(&tiny, req(BY_REGION)).0.unwrap().cache.result, "miss");
    assert_eq!(tiny.cache_stats().result.entries, 0);
}

#[test]
fn identical_concurrent_requests_execute_once() {
    let rt = runtime(RuntimeOptions::default());
    for mode in [CacheMode::Bypass, CacheMode::Use] {
        let before = rt.executions();
        let calls = (0..8).map(|_| {
            let mut r = req(BY_REGION);
            r.options.cache = mode;
            let rt = &rt;
            async move {
                let mut rec = Recorder::default();
                rt.analyze(r, &mut rec).await
            }
        });
        let results = block_on(futures_util::future::join_all(calls));
        assert_eq!(rt.executions() - before, 1, "{mode:?}");
        let first = serde_json::to_value(&results[0].as_ref().unwrap().data).unwrap();
        for r in &results {
            assert_eq!(serde_json::to_value(&r.as_ref().unwrap().data).unwrap(), first);
        }
    }
}

#[test]
fn access_lists_and_tenants() {
    let tenant = |user: &str, roles: &[&str]| Tenant { org: Some("acme".into()), project: Some("p".into()), user: Some(user.into()), roles: roles.iter().map(|r| r.to_string()).collect() };
    let allow = RegisterOptions { allow: Some(AccessList { users: vec!["ann".into()], roles: vec!["analyst".into()] }), ..Default::default() };
    let bob = Runtime::new(RuntimeOptions { tenant: tenant("bob", &[]), ..Default::default() });
    bob.register_bytes("sales", SALES.as_bytes(), &allow).unwrap();
    let (out, rec) = analyze(&bob, req(BY_REGION));
    assert_eq!(out.unwrap_err().code, ErrorCode::AccessDenied);
    assert_eq!(rec.events.last().map(|e| (e.stage, e.status)), Some(("validate", "failed")));
    assert_eq!(bob.executions(), 0);
    assert_eq!(bob.query(BY_REGION).unwrap_err().code, ErrorCode::AccessDenied);
    assert_eq!(bob.schema("sales").unwrap_err().code, ErrorCode::AccessDenied);
    for (user, roles) in [("ann", &[][..]), ("cy", &["analyst"][..])] {
        let rt = Runtime::new(RuntimeOptions { tenant: tenant(user, roles), ..Default::default() });
        rt.register_bytes("sales", SALES.as_bytes(), &allow).unwrap();
        analyze(&rt, req(BY_REGION)).0.unwrap();
    }
    let audit = bob.audit_log(&Default::default());
    assert!(audit.iter().any(|e| e.action == "analyze" && e.outcome == "ACCESS_DENIED"));
}

#[test]
fn audit_is_bounded_and_never_holds_values_or_sql_text() {
    let rt = runtime(RuntimeOptions { audit_capacity: 5, ..Default::default() });
    rt.register_bytes("secrets", b"k,v\nCANARY_VALUE_77,1\n", &RegisterOptions::default()).unwrap();
    analyze(&rt, AnalyzeRequest { source: "secrets".into(), sql: Some("SELECT * FROM secrets WHERE k = 'CANARY_LITERAL_42'".into()), ..Default::default() }).0.unwrap();
    let (out, _) = analyze(&rt, AnalyzeRequest { source: "secrets".into(), sql: Some("SELECT k FROM secrets".into()), ..Default::default() });
    let out = out.unwrap();
    rt.query("SELECT * FROM secrets").unwrap();
    for _ in 0..10 {
        rt.query("SELECT 1 AS x FROM secrets").unwrap();
    }
    let log = rt.audit_log(&Default::default());
    assert_eq!(log.len(), 5);
    let text = serde_json::to_string(&log).unwrap();
    assert!(!text.contains("CANARY"), "{text}");
    // progress and metadata do not carry row values or SQL text either
    let meta = serde_json::to_string(&(&out.progress, &out.metadata)).unwrap();
    assert!(!meta.contains("CANARY"), "{meta}");
    let e = &log[4];
    assert_eq!((e.action, e.outcome.as_str(), e.rows), ("query", "ok", Some(1)));
    assert_eq!(e.sql_fingerprint.as_ref().map(String::len), Some(32));
}

#[test]
fn limits_abort_timeout_and_errors_before_data() {
    let rt = runtime(RuntimeOptions::default());
    let mut r = req("SELECT * FROM sales ORDER BY amount");
    r.options = AnalyzeOptions { max_rows: Some(2), ..Default::default() };
    let out = analyze(&rt, r).0.unwrap();
    assert_eq!((out.data.row_count, out.data.truncated), (2, true));
    assert!(out.warnings.iter().any(|w| w.code == "TRUNCATED"));
    assert!(out.metadata.iter().any(|m| m.transformations.iter().any(|t| t.rule == "max_rows")));
    let small = runtime(RuntimeOptions { max_result_bytes: 1, ..Default::default() });
    let out = analyze(&small, req("SELECT * FROM sales")).0.unwrap();
    assert!(out.data.truncated);

    let mut rec = Recorder { abort_at: Some("sql"), ..Default::default() };
    let err = block_on(rt.analyze(req("SELECT region FROM sales WHERE amount > 1"), &mut rec)).unwrap_err();
    assert_eq!(err.code, ErrorCode::Aborted);
    assert!(rec.events.iter().all(|e| e.stage != "execute"));
    let mut r = req(BY_REGION);
    r.options.timeout_ms = Some(0.0);
    assert_eq!(analyze(&rt, r).0.unwrap_err().code, ErrorCode::Timeout);
    // only the max_rows request reached the engine: abort and timeout stopped before it
    assert_eq!(rt.executions(), 1);

    for (r, code) in [
        (AnalyzeRequest { source: "sales".into(), ..Default::default() }, ErrorCode::InvalidArgument),
        (AnalyzeRequest { source: "nope".into(), sql: Some("SELECT 1".into()), ..Default::default() }, ErrorCode::UnknownTable),
        (AnalyzeRequest { source: "sales".into(), question: Some("average region".into()), ..Default::default() }, ErrorCode::QuestionUnsupported),
        (req("DROP TABLE sales"), ErrorCode::SqlForbidden),
        (req("SELECT nope FROM sales"), ErrorCode::UnknownColumn),
    ] {
        let (out, rec) = analyze(&rt, r);
        assert_eq!(out.unwrap_err().code, code);
        assert_eq!(rec.events.last().map(|e| e.status), Some("failed"));
    }
}

#[test]
fn chart_insight_and_narration_failures_degrade() {
    let rt = runtime(RuntimeOptions::default());
    for stage in [Stage::Chart, Stage::Insights, Stage::Narration] {
        let mut rec = Recorder { fail: Some(stage), ..Default::default() };
        let out = block_on(rt.analyze(req(BY_REGION), &mut rec)).unwrap();
        assert_eq!(out.data.row_count, 3);
        assert_eq!(out.warnings.len(), 1, "{stage:?}");
        assert_eq!((out.warnings[0].stage, out.warnings[0].code.as_str()), (stage.name(), "INTERNAL"));
        assert!(rec.events.iter().any(|e| e.stage == stage.name() && e.status == "failed"));
        assert_eq!(rec.events.last().unwrap().percent, 100.0);
        let v: Value = serde_json::to_value(&out).unwrap();
        assert_eq!(v["chart"].is_null(), stage == Stage::Chart);
        assert_eq!(v["narration"].is_null(), stage == Stage::Narration);
    }
}

#[test]
fn runtimes_of_different_tenants_share_nothing() {
    let t = |org: &str| RuntimeOptions { tenant: Tenant { org: Some(org.into()), user: Some("u".into()), ..Default::default() }, ..Default::default() };
    let a = runtime(t("a"));
    let b = Runtime::new(t("b"));
    b.register_bytes("sales", b"region,day,amount\nMoon,2021-01-01,1\n", &RegisterOptions::default()).unwrap();
    let ra = analyze(&a, req(BY_REGION)).0.unwrap();
    let rb = analyze(&b, req(BY_REGION)).0.unwrap();
    assert_eq!((ra.cache.result, rb.cache.result), ("miss", "miss"));
    assert_eq!((ra.data.row_count, rb.data.row_count), (3, 1));
    assert_eq!((a.executions(), b.executions()), (1, 1));
    assert!(a.audit_log(&Default::default()).iter().all(|e| e.tenant.org.as_deref() == Some("a")));
}
