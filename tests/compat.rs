//! SQL compatibility suite: DuckDB/PostgreSQL-style analytics queries over real public data
//! (npm `vega-datasets` 2.x, TPC-H SF 0.01 from `tpchgen-cli`), run through insightflow and
//! compared with the results DuckDB gives (committed in `tests/compat/expected/*.json`,
//! written by `scripts/compat_expected.py`; DuckDB is not needed to run this test).
//!
//! Floats match within 1e-9 relative; rows compare as multisets unless the query is marked
//! `-- ordered` (its ORDER BY is total). A query listed in `tests/compat/known_failures.txt`
//! may fail; any other failure fails the test, and so does a listed query that now passes
//! (so the list stays honest). `cargo test --test compat -- --nocapture` prints every result.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use insightflow::{RegisterOptions, Runtime};
use serde_json::Value;

const VEGA: &[(&str, &str)] = &[
    ("cars", "cars.json"),
    ("weather", "seattle-weather.csv"),
    ("stocks", "stocks.csv"),
    ("movies", "movies.json"),
    ("airports", "airports.csv"),
    ("flights", "flights-5k.json"),
    ("gapminder", "gapminder.json"),
    ("penguins", "penguins.json"),
    ("barley", "barley.json"),
    ("population", "population.json"),
    ("iowa", "iowa-electricity.csv"),
    ("jobs", "jobs.json"),
];

const TPCH: [&str; 8] = ["customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn vega_dir() -> PathBuf {
    root().join("node_modules/vega-datasets/data")
}

fn tpch_dir() -> PathBuf {
    match std::env::var("INSIGHTFLOW_TPCH_DIR") {
        Ok(d) => PathBuf::from(d),
        Err(_) => PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cache/insightflow/tpch/sf0.01"),
    }
}

fn load(rt: &Runtime, name: &str, path: &Path) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| {
        panic!("{}: {e}. The data comes from `npm ci` (vega-datasets) and scripts/tpch_data.sh (TPC-H); scripts/setup.sh runs both.", path.display())
    });
    rt.register_bytes(name, &bytes, &RegisterOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
}

fn vega_runtime() -> Runtime {
    let rt = Runtime::default();
    for (name, file) in VEGA {
        load(&rt, name, &vega_dir().join(file));
    }
    rt
}

fn tpch_runtime() -> Runtime {
    let rt = Runtime::default();
    for t in TPCH {
        load(&rt, t, &tpch_dir().join(format!("{t}.parquet")));
    }
    rt
}

/// One corpus entry.
struct Case {
    name: String,
    sql: String,
    ordered: bool,
}

/// `-- name: x` starts an entry; `-- ordered` marks a total ORDER BY; other lines are SQL.
fn corpus(file: &str) -> Vec<Case> {
    let text = std::fs::read_to_string(root().join("tests/compat").join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    let mut out: Vec<Case> = Vec::new();
    for line in text.lines() {
        let t = line.trim();
        if let Some(name) = t.strip_prefix("-- name:") {
            out.push(Case { name: name.trim().to_string(), sql: String::new(), ordered: false });
        } else if t == "-- ordered" {
            if let Some(c) = out.last_mut() {
                c.ordered = true;
            }
        } else if let Some(c) = out.last_mut() {
            if !t.starts_with("--") || !c.sql.is_empty() {
                c.sql.push_str(line);
                c.sql.push('\n');
            }
        }
    }
    for c in &mut out {
        c.sql = c.sql.trim().trim_end_matches(';').trim().to_string();
    }
    out
}

fn expected(file: &str) -> BTreeMap<String, Value> {
    let path = root().join("tests/compat/expected").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e} (run scripts/compat_expected.py)", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn known_failures() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(root().join("tests/compat/known_failures.txt")).unwrap_or_default();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|l| match l.split_once(' ') {
            Some((n, why)) => (n.trim().to_string(), why.trim().to_string()),
            None => (l.trim().to_string(), String::new()),
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// comparison

fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse::<i128>().ok().map(|i| i as f64),
        _ => None,
    }
}

/// Dates and datetimes as comparable text: a date equals the datetime at its midnight.
fn temporal(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let date_like = s.len() >= 10 && b.get(4) == Some(&b'-') && b.get(7) == Some(&b'-') && s[..4].bytes().all(|c| c.is_ascii_digit());
    if !date_like {
        return None;
    }
    let mut t = s.replace(' ', "T");
    if t.len() == 10 {
        t.push_str("T00:00:00");
    }
    let t = t.trim_end_matches('Z').to_string();
    // drop zero fractions: 2021-01-01T00:00:00.000000 == 2021-01-01T00:00:00
    let t = match t.split_once('.') {
        Some((head, frac)) if frac.bytes().all(|c| c == b'0') => head.to_string(),
        Some((head, frac)) => format!("{head}.{}", frac.trim_end_matches('0')),
        None => t,
    };
    Some(t)
}

fn cell_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::String(x), Value::String(y)) if x == y => true,
        (Value::String(x), Value::String(y)) => match (temporal(x), temporal(y)) {
            (Some(p), Some(q)) => p == q,
            _ => match (as_f64(a), as_f64(b)) {
                (Some(p), Some(q)) => p == q,
                _ => false,
            },
        },
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| cell_eq(p, q)),
        _ => match (as_f64(a), as_f64(b)) {
            (Some(p), Some(q)) => {
                if p == q {
                    return true;
                }
                if p.is_nan() && q.is_nan() {
                    return true;
                }
                let scale = p.abs().max(q.abs());
                (p - q).abs() <= 1e-9 * scale || (p - q).abs() < 1e-12
            }
            _ => false,
        },
    }
}

/// A sort key for multiset comparison (floats rounded so tiny differences sort alike).
fn sort_key(row: &[Value]) -> String {
    let parts: Vec<String> = row
        .iter()
        .map(|v| match v {
            Value::Null => "\u{0}null".to_string(),
            Value::Number(_) => format!("{:.6e}", as_f64(v).unwrap_or(0.0)),
            Value::String(s) => temporal(s).unwrap_or_else(|| s.clone()),
            other => other.to_string(),
        })
        .collect();
    parts.join("\u{1}")
}

enum Outcome {
    Match,
    /// values match, column names differ
    Names(String),
    Mismatch(String),
    Error(String),
}

fn short(v: &impl std::fmt::Debug) -> String {
    let s = format!("{v:?}");
    if s.chars().count() > 300 {
        format!("{}…", s.chars().take(300).collect::<String>())
    } else {
        s
    }
}

fn compare(got_cols: &[String], got: Vec<Vec<Value>>, exp: &Value, ordered: bool) -> Outcome {
    let exp_cols: Vec<String> = exp["columns"].as_array().map(|a| a.iter().filter_map(|c| c.as_str().map(String::from)).collect()).unwrap_or_default();
    let mut exp_rows: Vec<Vec<Value>> = exp["rows"].as_array().map(|rows| rows.iter().map(|r| r.as_array().cloned().unwrap_or_default()).collect()).unwrap_or_default();
    if got_cols.len() != exp_cols.len() {
        return Outcome::Mismatch(format!("{} columns {:?}, DuckDB has {} {:?}", got_cols.len(), got_cols, exp_cols.len(), exp_cols));
    }
    if got.len() != exp_rows.len() {
        return Outcome::Mismatch(format!("{} rows, DuckDB has {}; first rows: got {} expected {}", got.len(), exp_rows.len(), short(&got.iter().take(3).collect::<Vec<_>>()), short(&exp_rows.iter().take(3).collect::<Vec<_>>())));
    }
    let mut got = got;
    if !ordered {
        got.sort_by_key(|r| sort_key(r));
        exp_rows.sort_by_key(|r| sort_key(r));
    }
    for (i, (g, e)) in got.iter().zip(exp_rows.iter()).enumerate() {
        if g.len() != e.len() || !g.iter().zip(e.iter()).all(|(a, b)| cell_eq(a, b)) {
            return Outcome::Mismatch(format!("row {i}: got {} expected {}", short(g), short(e)));
        }
    }
    if got_cols != exp_cols.as_slice() {
        return Outcome::Names(format!("names {:?}, DuckDB {:?}", got_cols, exp_cols));
    }
    Outcome::Match
}

fn run_case(rt: &Runtime, case: &Case, exp: &Value) -> Outcome {
    let out = match rt.query(&case.sql) {
        Ok(o) => o,
        Err(e) => return Outcome::Error(format!("{}: {} ({})", e.code, e.message, e.hint)),
    };
    let v = serde_json::to_value(&out).unwrap_or(Value::Null);
    let cols: Vec<String> = v["columns"].as_array().map(|a| a.iter().filter_map(|c| c["name"].as_str().map(String::from)).collect()).unwrap_or_default();
    let rows: Vec<Vec<Value>> = v["rows"]
        .as_array()
        .map(|rows| rows.iter().map(|r| cols.iter().map(|c| r.get(c).cloned().unwrap_or(Value::Null)).collect()).collect())
        .unwrap_or_default();
    compare(&cols, rows, exp, case.ordered)
}

struct Tally {
    total: usize,
    matched: usize,
    unexpected: Vec<String>,
    fixed: Vec<String>,
}

fn run_suite(label: &str, rt: &Runtime, corpus_file: &str, expected_file: &str) -> Tally {
    let cases = corpus(corpus_file);
    let exp = expected(expected_file);
    let known = known_failures();
    let mut t = Tally { total: 0, matched: 0, unexpected: vec![], fixed: vec![] };
    let mut lines = Vec::new();
    for case in &cases {
        let Some(e) = exp.get(&case.name) else {
            t.unexpected.push(format!("{}: no expected result (run scripts/compat_expected.py)", case.name));
            continue;
        };
        if let Some(err) = e.get("duckdb_error") {
            lines.push(format!("  skip   {} (DuckDB: {err})", case.name));
            continue;
        }
        t.total += 1;
        if std::env::var("COMPAT_TRACE").is_ok() {
            eprintln!("running {}", case.name);
        }
        let start = std::time::Instant::now();
        let outcome = run_case(rt, case, e);
        let ms = start.elapsed().as_millis();
        let (status, detail, ok) = match &outcome {
            Outcome::Match => ("match", String::new(), true),
            Outcome::Names(d) => ("names", d.clone(), false),
            Outcome::Mismatch(d) => ("DIFF", d.clone(), false),
            Outcome::Error(d) => ("ERROR", d.clone(), false),
        };
        if ok {
            t.matched += 1;
            if known.contains_key(&case.name) {
                t.fixed.push(case.name.clone());
            }
        } else if !known.contains_key(&case.name) {
            t.unexpected.push(format!("{} [{status}] {detail}", case.name));
        }
        lines.push(format!("  {status:<6} {} ({ms} ms){}", case.name, if detail.is_empty() { String::new() } else { format!(": {detail}") }));
    }
    println!("== {label}: {} of {} match DuckDB ({:.1}%)", t.matched, t.total, 100.0 * t.matched as f64 / t.total.max(1) as f64);
    for l in lines {
        println!("{l}");
    }
    t
}

fn check(t: Tally) {
    assert!(t.fixed.is_empty(), "now matching DuckDB, remove from tests/compat/known_failures.txt: {:?}", t.fixed);
    assert!(t.unexpected.is_empty(), "queries that do not match DuckDB (and are not in known_failures.txt):\n{}", t.unexpected.join("\n"));
}

#[test]
fn vega_corpus_matches_duckdb() {
    let rt = vega_runtime();
    let t = run_suite("vega-datasets corpus", &rt, "vega.sql", "vega.json");
    assert!(t.total >= 200, "the corpus should hold at least 200 queries, has {}", t.total);
    assert!(t.matched * 100 >= t.total * 95, "fewer than 95% match: {} of {}", t.matched, t.total);
    check(t);
}

#[test]
fn tpch_queries_match_duckdb() {
    let rt = tpch_runtime();
    let t = run_suite("TPC-H SF 0.01", &rt, "tpch.sql", "tpch.json");
    assert_eq!(t.total, 22);
    check(t);
}

/// Writes every table of the suite as an Arrow IPC stream into `$COMPAT_EXPORT_DIR`, so
/// that scripts/compat_expected.py gives DuckDB exactly the data (and types) insightflow has.
#[test]
#[ignore]
fn export_tables() {
    let dir = PathBuf::from(std::env::var("COMPAT_EXPORT_DIR").expect("set COMPAT_EXPORT_DIR"));
    std::fs::create_dir_all(&dir).unwrap();
    let vega = vega_runtime();
    for (name, _) in VEGA {
        let bytes = vega.query_arrow(&format!("SELECT * FROM {name}")).unwrap();
        std::fs::write(dir.join(format!("{name}.arrow")), bytes).unwrap();
    }
    let tpch = tpch_runtime();
    for t in TPCH {
        let bytes = tpch.query_arrow(&format!("SELECT * FROM {t}")).unwrap();
        std::fs::write(dir.join(format!("{t}.arrow")), bytes).unwrap();
    }
}
