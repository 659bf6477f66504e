//! The question evaluation: plain-language questions over six vega-datasets tables, answered
//! through `analyze`, compared with answers computed independently by DuckDB
//! (scripts/question_expected.py → tests/questions/expected.json).
//!
//! Run: `cargo test --test questions -- --nocapture` (prints accuracy per category on the dev
//! and held-out parts; failures are listed for the dev part only, or for both with
//! `QUESTIONS_SHOW_HELDOUT=1`). The test fails below the floors set from measured figures, or
//! when a question that needs a clarification gets an answer.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use futures_executor::block_on;
use insightflow::pipeline::NoHooks;
use insightflow::{AnalyzeRequest, RegisterOptions, Runtime};
use serde_json::{json, Value};

/// Floors (execution match, percent), set under the measured figures (dev 100.0, held-out
/// 94.6 when set) to leave room for engine and data updates.
const FLOOR_DEV: f64 = 95.0;
const FLOOR_HELDOUT: f64 = 90.0;

const TABLES: [(&str, &str); 6] = [
    ("cars", "cars.json"),
    ("weather", "seattle-weather.csv"),
    ("stocks", "stocks.csv"),
    ("movies", "movies.json"),
    ("flights", "flights-2k.json"),
    ("penguins", "penguins.json"),
];

fn runtime() -> Option<Runtime> {
    let base = concat!(env!("CARGO_MANIFEST_DIR"), "/node_modules/vega-datasets/data/");
    let rt = Runtime::default();
    for (name, file) in TABLES {
        let bytes = std::fs::read(format!("{base}{file}")).ok()?;
        rt.register_bytes(name, &bytes, &RegisterOptions::default()).ok()?;
    }
    Some(rt)
}

fn num(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn text(v: &Value) -> Option<String> {
    let s = v.as_str()?;
    let s = s.replace(' ', "T");
    let s = s.strip_suffix(".000").unwrap_or(&s).to_string();
    Some(s.strip_suffix("T00:00:00").unwrap_or(&s).to_string())
}

fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Null, _) | (_, Value::Null) => false,
        _ => match (num(a), num(b)) {
            (Some(x), Some(y)) if a.is_number() || b.is_number() => (x - y).abs() <= 1e-6 * x.abs().max(y.abs()).max(1.0),
            _ => match (text(a), text(b)) {
                (Some(x), Some(y)) => x == y,
                _ => a == b,
            },
        },
    }
}

fn key(v: &Value) -> String {
    match v {
        Value::Null => "~null".into(),
        Value::Number(_) => format!("{:.6e}", num(v).unwrap_or(0.0)),
        Value::String(_) => match v.as_str().and_then(|s| s.parse::<f64>().ok()) {
            Some(n) => format!("{n:.6e}"),
            None => text(v).unwrap_or_default(),
        },
        other => other.to_string(),
    }
}

/// Same rows as multisets; for rankings also the ranked values (the expected table's last
/// column) in the same order, so rows tied on the value may come in any order.
fn rows_equal(a: &[Vec<Value>], b: &[Vec<Value>], ordered: bool) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let sort = |rows: &[Vec<Value>]| {
        let mut r: Vec<Vec<Value>> = rows.to_vec();
        r.sort_by_key(|row| row.iter().map(key).collect::<Vec<_>>().join("|"));
        r
    };
    let (sa, sb) = (sort(a), sort(b));
    let same_rows = sa.iter().zip(&sb).all(|(x, y)| x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q)));
    let same_order = !ordered || a.iter().zip(b).all(|(x, y)| match (x.last(), y.last()) {
        (Some(p), Some(q)) => same(p, q),
        _ => true,
    });
    same_rows && same_order
}

/// Every expected column equals a distinct actual column; same rows.
fn result_matches(actual: &[Vec<Value>], n_actual_cols: usize, expected: &[Vec<Value>], n_expected_cols: usize, ordered: bool) -> bool {
    if actual.len() != expected.len() || n_actual_cols < n_expected_cols {
        return false;
    }
    // Candidate actual columns per expected column (same multiset of values).
    let column = |rows: &[Vec<Value>], c: usize| rows.iter().map(|r| r.get(c).cloned().unwrap_or(Value::Null)).collect::<Vec<_>>();
    let col_eq = |a: &[Value], b: &[Value]| {
        let mut x: Vec<&Value> = a.iter().collect();
        let mut y: Vec<&Value> = b.iter().collect();
        x.sort_by_key(|v| key(v));
        y.sort_by_key(|v| key(v));
        x.iter().zip(&y).all(|(p, q)| same(p, q))
    };
    let cands: Vec<Vec<usize>> = (0..n_expected_cols)
        .map(|e| {
            let ec = column(expected, e);
            (0..n_actual_cols).filter(|&a| col_eq(&column(actual, a), &ec)).collect()
        })
        .collect();
    fn assign(e: usize, cands: &[Vec<usize>], used: &mut Vec<usize>, check: &dyn Fn(&[usize]) -> bool) -> bool {
        if e == cands.len() {
            return check(used);
        }
        for &a in &cands[e] {
            if used.contains(&a) {
                continue;
            }
            used.push(a);
            if assign(e + 1, cands, used, check) {
                return true;
            }
            used.pop();
        }
        false
    }
    let check = |map: &[usize]| {
        let projected: Vec<Vec<Value>> = actual.iter().map(|r| map.iter().map(|&c| r.get(c).cloned().unwrap_or(Value::Null)).collect()).collect();
        rows_equal(&projected, expected, ordered)
    };
    assign(0, &cands, &mut Vec::new(), &check)
}

fn norm_values(v: &Value) -> Vec<String> {
    let list = match v {
        Value::Array(a) => a.clone(),
        other => vec![other.clone()],
    };
    let mut out: Vec<String> = list.iter().map(key).collect();
    out.sort();
    out
}

fn filter_key(f: &Value) -> String {
    // expected: [field, op, value(s)]; actual: {field, op, values, timeUnit?}
    if let Some(a) = f.as_array() {
        let field = a.first().and_then(Value::as_str).unwrap_or("");
        let op = a.get(1).and_then(Value::as_str).unwrap_or("");
        let (op, unit) = match op {
            "month_of_year" | "day_of_week" | "hour_of_day" => ("eq", op),
            o => (o, ""),
        };
        return format!("{field}|{op}|{unit}|{:?}", norm_values(a.get(2).unwrap_or(&Value::Null)));
    }
    let field = f["field"].as_str().unwrap_or("");
    let op = f["op"].as_str().unwrap_or("");
    let unit = f["timeUnit"].as_str().unwrap_or("");
    format!("{field}|{op}|{unit}|{:?}", norm_values(&f["values"]))
}

fn intent_matches(actual: &Value, expected: &Value) -> bool {
    let mut ok = true;
    let measure_key_exp = |m: &Value| {
        let a = m.as_array().cloned().unwrap_or_default();
        let s = |i: usize| a.get(i).and_then(Value::as_str).unwrap_or("").to_string();
        let mut filters: Vec<String> = a.get(3).and_then(Value::as_array).map(|fs| fs.iter().map(filter_key).collect()).unwrap_or_default();
        filters.sort();
        format!("{}|{}|{}|{:?}", s(0), s(1), s(2), filters)
    };
    let measure_key_act = |m: &Value| {
        let mut filters: Vec<String> = m["filter"].as_array().map(|fs| fs.iter().map(filter_key).collect()).unwrap_or_default();
        filters.sort();
        format!("{}|{}|{}|{:?}", m["aggregate"].as_str().unwrap_or(""), m["field"].as_str().unwrap_or(""), m["calc"].as_str().unwrap_or(""), filters)
    };
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    let em = sorted(expected["m"].as_array().map(|a| a.iter().map(measure_key_exp).collect()).unwrap_or_default());
    let am = sorted(actual["measures"].as_array().map(|a| a.iter().map(measure_key_act).collect()).unwrap_or_default());
    ok &= em == am;
    let dim_exp = |d: &Value| {
        let a = d.as_array().cloned().unwrap_or_default();
        format!("{}|{}|{}", a.first().and_then(Value::as_str).unwrap_or(""), a.get(1).and_then(Value::as_str).unwrap_or(""), a.get(2).map(key).unwrap_or_default())
    };
    let dim_act = |d: &Value| format!("{}|{}|{}", d["field"].as_str().unwrap_or(""), d["timeUnit"].as_str().unwrap_or(""), d.get("bin").map(key).unwrap_or_default());
    let ed = sorted(expected["d"].as_array().map(|a| a.iter().map(dim_exp).collect()).unwrap_or_default());
    let ad = sorted(actual["dimensions"].as_array().map(|a| a.iter().map(dim_act).collect()).unwrap_or_default());
    ok &= ed == ad;
    let ef = sorted(expected["f"].as_array().map(|a| a.iter().map(filter_key).collect()).unwrap_or_default());
    let af = sorted(actual["filters"].as_array().map(|a| a.iter().map(filter_key).collect()).unwrap_or_default());
    ok &= ef == af;
    if let Some(l) = expected.get("limit") {
        ok &= actual.get("limit") == Some(l);
    }
    if let Some(d) = expected.get("desc") {
        ok &= actual["sort"]["descending"] == *d;
    }
    if let Some(c) = expected.get("chart") {
        ok &= actual.get("chart") == Some(c);
    }
    ok
}

#[derive(Default, Clone, Copy)]
struct Score {
    n: usize,
    exec: usize,
    intent: usize,
    clarified: usize,
    wrong: usize,
    errors: usize,
}

fn rows_of(data: &Value) -> (Vec<Vec<Value>>, usize) {
    let cols: Vec<String> = data["columns"].as_array().map(|c| c.iter().filter_map(|x| x["name"].as_str().map(String::from)).collect()).unwrap_or_default();
    let rows = data["rows"].as_array().map(|rs| rs.iter().map(|r| cols.iter().map(|c| r.get(c).cloned().unwrap_or(Value::Null)).collect()).collect()).unwrap_or_default();
    (rows, cols.len())
}

enum Outcome {
    Answer { rows: Vec<Vec<Value>>, ncols: usize, intent: Value, sql: String },
    Clarify { options: Vec<Value>, question: String },
    Error(String),
}

fn ask(rt: &Runtime, table: &str, q: &str, answer: Option<Value>) -> Outcome {
    let req = AnalyzeRequest { source: table.into(), question: Some(q.into()), answer, ..Default::default() };
    match block_on(rt.analyze(req, &mut NoHooks)) {
        Ok(r) => {
            let v = serde_json::to_value(&r).unwrap_or(Value::Null);
            if let Some(c) = r.clarification {
                return Outcome::Clarify { options: c.options, question: c.question };
            }
            let (rows, ncols) = rows_of(&v["data"]);
            Outcome::Answer { rows, ncols, intent: v["intent"].clone(), sql: r.sql }
        }
        Err(e) => Outcome::Error(e.to_string()),
    }
}

#[test]
fn question_evaluation() {
    let Some(rt) = runtime() else {
        eprintln!("vega-datasets not installed (npm install): evaluation skipped");
        return;
    };
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/questions/expected.json");
    let items: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(path).expect("expected.json")).expect("valid JSON");
    let show_heldout = std::env::var("QUESTIONS_SHOW_HELDOUT").is_ok();
    let only = std::env::var("QUESTIONS_ONLY").ok();
    let mut scores: BTreeMap<(String, String), Score> = BTreeMap::new();
    let mut wrong_on_clarify = Vec::new();
    for it in &items {
        let id = it["id"].as_str().unwrap_or("");
        if only.as_deref().is_some_and(|o| !o.split(',').any(|x| x == id)) {
            continue;
        }
        let split = it["split"].as_str().unwrap_or("").to_string();
        let cat = it["category"].as_str().unwrap_or("").to_string();
        let table = it["table"].as_str().unwrap_or("");
        let q = it["question"].as_str().unwrap_or("");
        let ordered = it["ordered"].as_bool().unwrap_or(false);
        let show = split == "dev" || show_heldout;
        let s = scores.entry((split.clone(), cat.clone())).or_default();
        s.n += 1;
        let mut note = String::new();
        let check_answer = |outcome: Outcome, s: &mut Score, note: &mut String| match outcome {
            Outcome::Answer { rows, ncols, intent, sql } => {
                let exp = &it["result"];
                let erows: Vec<Vec<Value>> = exp["rows"].as_array().map(|r| r.iter().map(|x| x.as_array().cloned().unwrap_or_default()).collect()).unwrap_or_default();
                let encols = exp["columns"].as_array().map(Vec::len).unwrap_or(0);
                let exec_ok = result_matches(&rows, ncols, &erows, encols, ordered);
                let intent_ok = it.get("intent").is_some_and(|e| intent_matches(&intent, e));
                s.exec += exec_ok as usize;
                s.intent += intent_ok as usize;
                if !exec_ok {
                    s.wrong += 1;
                    *note = format!("WRONG   sql: {sql}\n        got {} rows, first {:?}; expected {} rows, first {:?}", rows.len(), rows.first(), erows.len(), erows.first());
                } else if !intent_ok {
                    *note = format!("INTENT  {intent}");
                }
            }
            Outcome::Clarify { options, question } => {
                s.clarified += 1;
                *note = format!("ASKED   {question} {:?}", options.iter().map(|o| o["label"].clone()).collect::<Vec<_>>());
            }
            Outcome::Error(e) => {
                s.errors += 1;
                *note = format!("ERROR   {e}");
            }
        };
        if let Some(want) = it.get("clarify").and_then(Value::as_array) {
            match ask(&rt, table, q, None) {
                Outcome::Clarify { options, question } => {
                    let offered: Vec<String> = options.iter().filter_map(|o| o["column"].as_str().map(String::from)).collect();
                    let covers = want.iter().filter_map(Value::as_str).all(|w| offered.iter().any(|o| o == w));
                    if !covers {
                        note = format!("OPTIONS {question} {offered:?}");
                    }
                    match it.get("answer") {
                        Some(a) if covers => {
                            let mut sub = Score::default();
                            check_answer(ask(&rt, table, q, Some(a.clone())), &mut sub, &mut note);
                            s.exec += sub.exec;
                            s.intent += sub.intent;
                            s.wrong += sub.wrong;
                            s.errors += sub.errors;
                            if sub.clarified > 0 {
                                s.clarified += 1;
                            }
                        }
                        _ => {
                            s.exec += covers as usize;
                            s.intent += covers as usize;
                        }
                    }
                }
                Outcome::Answer { sql, .. } => {
                    s.wrong += 1;
                    wrong_on_clarify.push(format!("{id} {q}: {sql}"));
                    note = format!("ANSWERED instead of asking: {sql}");
                }
                Outcome::Error(e) => {
                    s.errors += 1;
                    note = format!("ERROR   {e}");
                }
            }
        } else {
            check_answer(ask(&rt, table, q, None), s, &mut note);
        }
        if show && !note.is_empty() {
            println!("{id} [{cat}] {q}\n        {note}");
        }
    }
    println!("\n{:<10} {:<13} {:>4} {:>7} {:>7} {:>6} {:>6} {:>6}", "part", "category", "n", "exec%", "intent%", "asked", "wrong", "error");
    let mut totals: BTreeMap<String, Score> = BTreeMap::new();
    for ((split, cat), s) in &scores {
        let t = totals.entry(split.clone()).or_default();
        t.n += s.n;
        t.exec += s.exec;
        t.intent += s.intent;
        t.clarified += s.clarified;
        t.wrong += s.wrong;
        t.errors += s.errors;
        println!("{split:<10} {cat:<13} {:>4} {:>7.1} {:>7.1} {:>6} {:>6} {:>6}", s.n, pct(s.exec, s.n), pct(s.intent, s.n), s.clarified, s.wrong, s.errors);
    }
    for (split, t) in &totals {
        println!("{split:<10} {:<13} {:>4} {:>7.1} {:>7.1} {:>6} {:>6} {:>6}", "ALL", t.n, pct(t.exec, t.n), pct(t.intent, t.n), t.clarified, t.wrong, t.errors);
    }
    println!("{}", json!({"wrongWhereClarificationWasPossible": wrong_on_clarify.len()}));
    assert!(wrong_on_clarify.is_empty(), "answered where a clarification was needed: {wrong_on_clarify:#?}");
    if only.is_none() {
        let dev = totals.get("dev").copied().unwrap_or_default();
        let held = totals.get("heldout").copied().unwrap_or_default();
        assert!(pct(dev.exec, dev.n) >= FLOOR_DEV, "dev execution accuracy under the floor");
        assert!(pct(held.exec, held.n) >= FLOOR_HELDOUT, "held-out execution accuracy under the floor");
    }
}

fn pct(a: usize, n: usize) -> f64 {
    if n == 0 {
        0.0
    } else {
        100.0 * a as f64 / n as f64
    }
}
