//! Questions through `analyze`: the SQL stage's mapping detail, clarifications (no chart, no
//! data, later stages skipped), follow-up answers, and the host SQL generator (checked like
//! user SQL, falling back to the built-in parser).
#![cfg(not(target_arch = "wasm32"))]

use std::cell::RefCell;
use std::rc::Rc;

use futures_executor::block_on;
use futures_util::future::LocalBoxFuture;
use insightflow::error::{Error, ErrorCode};
use insightflow::question::{GeneratorMode, SqlGenerator};
use insightflow::{AnalyzeRequest, Hooks, ProgressEvent, Runtime, RuntimeOptions};
use serde_json::{json, Value};

const ROWS: &str = r#"[
 {"origin":"SAN","destination":"LAX","delay":5,"distance":100,"day":"2021-01-01"},
 {"origin":"LAX","destination":"SAN","delay":15,"distance":100,"day":"2021-01-02"},
 {"origin":"SEA","destination":"SAN","delay":-3,"distance":900,"day":"2021-02-01"},
 {"origin":"SAN","destination":"SEA","delay":20,"distance":900,"day":"2021-03-01"}
]"#;

fn runtime(options: RuntimeOptions) -> Runtime {
    let rt = Runtime::new(options);
    rt.register_rows_json("trips", ROWS.as_bytes(), None).unwrap();
    rt
}

#[derive(Default)]
struct Rec(Vec<ProgressEvent>);
impl Hooks for Rec {
    fn progress(&mut self, e: &ProgressEvent) {
        self.0.push(e.clone());
    }
}

fn ask(rt: &Runtime, q: &str, answer: Option<Value>) -> (insightflow::AnalyzeResult, Vec<ProgressEvent>) {
    let mut rec = Rec::default();
    let req = AnalyzeRequest { source: "trips".into(), question: Some(q.into()), answer, ..Default::default() };
    let r = block_on(rt.analyze(req, &mut rec)).unwrap_or_else(|e| panic!("{q}: {e}"));
    (r, rec.0)
}

#[test]
fn answer_with_mapping_and_intent() {
    let rt = runtime(RuntimeOptions::default());
    let (r, events) = ask(&rt, "average delay from SAN", None);
    assert!(r.clarification.is_none());
    assert_eq!(r.data.row_count, 1);
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(v["rows"], Value::Null);
    assert_eq!(v["data"]["rows"][0]["avg_delay"], json!(12.5));
    assert_eq!(v["intent"]["measures"][0], json!({"field": "delay", "aggregate": "avg", "as": "avg_delay"}));
    assert_eq!(v["intent"]["filters"][0], json!({"field": "origin", "op": "eq", "values": ["SAN"]}));
    let sql_done = events.iter().find(|e| e.stage == "sql" && e.status == "done").unwrap();
    let mapping = sql_done.detail["mapping"]["mapping"].as_array().unwrap();
    assert!(mapping.iter().any(|m| m["words"] == "SAN" && m["kind"] == "value"), "{mapping:?}");
}

#[test]
fn clarification_then_follow_up() {
    let rt = runtime(RuntimeOptions::default());
    let (r, events) = ask(&rt, "average delay at SAN", None);
    let c = r.clarification.clone().expect("a clarification");
    assert!(c.question.contains("SAN"), "{}", c.question);
    assert_eq!(c.options.len(), 2);
    assert!(r.chart.is_none() && r.chart_spec.is_none() && r.narration.is_none());
    assert_eq!(r.data.row_count, 0);
    assert_eq!(r.sql, "");
    for stage in ["execute", "data", "chart", "insights", "narration"] {
        assert!(events.iter().any(|e| e.stage == stage && e.status == "skipped"), "{stage} not skipped");
    }
    assert_eq!(events.last().unwrap().percent, 100.0);
    assert_eq!(rt.executions(), 0);
    // the chosen option comes back
    let (r, _) = ask(&rt, "average delay at SAN", Some(c.options[1].clone()));
    assert!(r.clarification.is_none());
    assert_eq!(r.data.row_count, 1);
    // or its label, as typed by a user
    let label = c.options[0]["label"].as_str().unwrap().to_string();
    let (r, _) = ask(&rt, "average delay at SAN", Some(json!(label)));
    assert!(r.clarification.is_none(), "{label}");
}

#[test]
fn question_errors_are_plain() {
    let rt = runtime(RuntimeOptions::default());
    let req = AnalyzeRequest { source: "trips".into(), question: Some("delay ".repeat(300)), ..Default::default() };
    let e = block_on(rt.analyze(req, &mut Rec::default())).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidArgument);
}

/// A generator returning canned SQL and recording what it was given.
struct Fake {
    sql: std::result::Result<String, Error>,
    seen: Rc<RefCell<Vec<Value>>>,
}

impl SqlGenerator for Fake {
    fn generate(&self, question: &str, schema: Value, context: Value) -> LocalBoxFuture<'static, insightflow::Result<String>> {
        self.seen.borrow_mut().push(json!({"question": question, "schema": schema, "context": context}));
        let out = self.sql.clone();
        Box::pin(async move { out })
    }
}

fn with_generator(sql: std::result::Result<&str, Error>, mode: GeneratorMode, values: bool) -> (Runtime, Rc<RefCell<Vec<Value>>>) {
    let rt = runtime(RuntimeOptions { sql_generator_mode: mode, sql_generator_values: values, ..Default::default() });
    let seen = Rc::new(RefCell::new(Vec::new()));
    rt.set_sql_generator(Some(Rc::new(Fake { sql: sql.map(String::from), seen: seen.clone() })));
    (rt, seen)
}

#[test]
fn host_generator_first() {
    let (rt, seen) = with_generator(Ok("SELECT origin, COUNT(*) AS n FROM trips GROUP BY origin"), GeneratorMode::First, false);
    let (r, events) = ask(&rt, "flights per origin airport", None);
    assert_eq!(r.sql, "SELECT origin, COUNT(*) AS n FROM trips GROUP BY origin");
    assert!(r.intent.is_none());
    assert_eq!(r.data.row_count, 3);
    let done = events.iter().find(|e| e.stage == "sql" && e.status == "done").unwrap();
    assert_eq!(done.detail["mapping"]["parser"], "host");
    // the schema handed over: names and types only
    let s = &seen.borrow()[0];
    let cols = s["schema"]["columns"].as_array().unwrap();
    assert!(cols.contains(&json!({"name": "day", "type": "date"})), "{cols:?}");
    assert!(!s.to_string().contains("SEA"), "values leaked: {s}");
    assert_eq!(s["context"]["source"], "trips");
}

#[test]
fn host_generator_values_when_opted_in() {
    let (rt, seen) = with_generator(Ok("SELECT COUNT(*) AS n FROM trips"), GeneratorMode::First, true);
    ask(&rt, "how many trips", None);
    let s = seen.borrow()[0].to_string();
    assert!(s.contains("SEA"), "{s}");
}

#[test]
fn host_generator_sql_is_checked_and_falls_back() {
    for bad in ["DROP TABLE trips", "SELECT * FROM trips; DELETE FROM trips", "SELECT secret FROM trips", "SELECT * FROM other_table", "SELECT * FROM read_csv('x')", "not sql at all"] {
        let (rt, _) = with_generator(Ok(bad), GeneratorMode::First, false);
        let (r, _) = ask(&rt, "average delay from SAN", None);
        assert!(r.sql.contains("AVG(\"delay\")"), "{bad}: {}", r.sql);
        assert!(r.warnings.iter().any(|w| w.code == "SQL_GENERATOR"), "{bad}: {:?}", r.warnings);
    }
    // a generator that fails outright
    let (rt, _) = with_generator(Err(Error::new(ErrorCode::Internal, "model offline", "")), GeneratorMode::First, false);
    let (r, _) = ask(&rt, "average delay from SAN", None);
    assert_eq!(r.data.row_count, 1);
    assert!(r.warnings.iter().any(|w| w.message.contains("model offline")));
}

#[test]
fn host_generator_as_fallback() {
    let (rt, seen) = with_generator(Ok("SELECT AVG(delay) AS d FROM trips WHERE origin = 'SAN' OR destination = 'SAN'"), GeneratorMode::Fallback, false);
    // answered by the built-in parser: the generator is not asked
    let (r, _) = ask(&rt, "average delay from SAN", None);
    assert!(r.sql.contains("AVG(\"delay\")"));
    assert!(seen.borrow().is_empty());
    // the built-in parser would ask: the host's SQL answers
    let (r, _) = ask(&rt, "average delay at SAN", None);
    assert!(r.clarification.is_none());
    assert!(r.sql.starts_with("SELECT AVG(delay)"));
    assert_eq!(seen.borrow().len(), 1);
    // a refused fallback keeps the built-in clarification
    let (rt, _) = with_generator(Ok("DELETE FROM trips"), GeneratorMode::Fallback, false);
    let (r, _) = ask(&rt, "average delay at SAN", None);
    assert!(r.clarification.is_some());
}

/// A top-N over time periods ("top 5 months by total precipitation") is a ranking: bars in the
/// order of the values with the periods as labels, and a ranking sentence, not a trend.
#[test]
fn top_n_over_time_is_a_ranking() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/node_modules/vega-datasets/data/seattle-weather.csv");
    let Ok(bytes) = std::fs::read(path) else { return eprintln!("skipped: {path} is missing (npm ci)") };
    let rt = Runtime::default();
    rt.register_bytes("weather", &bytes, &insightflow::RegisterOptions::default()).unwrap();
    let req = AnalyzeRequest { source: "weather".into(), question: Some("top 5 months by total precipitation".into()), ..Default::default() };
    let r = block_on(rt.analyze(req, &mut insightflow::pipeline::NoHooks)).unwrap();
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(v["intent"]["limit"], json!(5));
    // bars in rank order, the months as labels
    assert_eq!(v["chartSpec"]["type"], json!("bar"), "{}", v["chartSpec"]);
    assert_eq!(v["chartSpec"]["sort"], json!("as-returned"));
    assert_eq!(v["chart"]["series"][0]["type"], json!("bar"));
    let source = v["chart"]["dataset"]["source"].as_array().unwrap();
    let labels: Vec<&str> = source.iter().skip(1).map(|r| r[0].as_str().unwrap()).collect();
    assert_eq!(labels, ["Dec 2015", "Mar 2014", "Nov 2015", "Nov 2012", "Mar 2012"]);
    let values: Vec<f64> = source.iter().skip(1).map(|r| r[1].as_f64().unwrap()).collect();
    assert!(values.windows(2).all(|w| w[0] >= w[1]), "{values:?}");
    // a ranking, not a trend
    assert!(r.insights.iter().all(|i| !matches!(i.kind, "change" | "trend" | "period_change" | "change_point")), "{:?}", r.insights);
    let text = r.narration.clone().unwrap_or_default();
    assert!(text.starts_with("The month with the highest total precipitation was Dec 2015 (285), followed by Mar 2014 (240)."), "{text}");
    assert!(!text.contains("rose") && !text.contains("fell") && !text.contains(" from 20"), "{text}");
    // a top 5 is a part: a share is of the rows shown, and concentration is not claimed
    for i in &r.insights {
        assert!(i.kind != "concentration", "{i:?}");
        if matches!(i.kind, "top_contributor" | "majority") {
            assert!(i.text.contains("of the 5 rows shown"), "{}", i.text);
        }
    }
    // the bottom of the list reads from the lowest
    let req = AnalyzeRequest { source: "weather".into(), question: Some("bottom 3 months by total precipitation".into()), ..Default::default() };
    let r = block_on(rt.analyze(req, &mut insightflow::pipeline::NoHooks)).unwrap();
    assert_eq!(r.chart_spec.as_ref().map(|s| s["type"].clone()), Some(json!("bar")));
    let text = r.narration.clone().unwrap_or_default();
    assert!(text.contains("the lowest total precipitation"), "{text}");
    assert!(!r.insights.iter().any(|i| matches!(i.kind, "top_contributor" | "majority")), "{:?}", r.insights);
}
