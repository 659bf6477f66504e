//! The chart gallery: real vega-datasets tables through the real analyze pipeline
//! (tests/fixtures/charts/gallery.json). Checks the chosen chart and expected warnings, that
//! the insights and narration are there, and writes every option to
//! `$CARGO_TARGET_DIR/insightflow-charts/gallery/` for the Node rendering test
//! (tests/node/charts.test.mjs), which draws each with the real echarts package.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::HashMap;
use std::path::PathBuf;

use futures_executor::block_on;
use insightflow::pipeline::{AnalyzeOptions, NoHooks};
use insightflow::{AnalyzeRequest, RegisterOptions, Runtime, RuntimeOptions};
use serde_json::{json, Value};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn dump_dir() -> PathBuf {
    let base = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(std::env::temp_dir);
    base.join("insightflow-charts").join("gallery")
}

#[test]
fn gallery_of_real_tables() {
    let gallery: Value = serde_json::from_slice(&std::fs::read(root().join("tests/fixtures/charts/gallery.json")).unwrap()).unwrap();
    let data = root().join("node_modules/vega-datasets/data");
    if !data.exists() {
        eprintln!("skipped: node_modules/vega-datasets missing (run npm install)");
        return;
    }
    let rt = Runtime::new(RuntimeOptions::default());
    let mut registered: HashMap<String, bool> = HashMap::new();
    let dir = dump_dir();
    // this test owns the folder: start it empty so no stale option is rendered
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::create_dir_all(&dir);
    let mut failures = Vec::new();
    for case in gallery["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let source = case["source"].as_str().unwrap();
        if !registered.contains_key(source) {
            let file = gallery["tables"][source].as_str().unwrap();
            let bytes = std::fs::read(data.join(file)).unwrap();
            rt.register_bytes(source, &bytes, &RegisterOptions::default()).unwrap_or_else(|e| panic!("{file}: {e:?}"));
            registered.insert(source.into(), true);
        }
        let req = AnalyzeRequest {
            source: source.into(),
            sql: Some(case["sql"].as_str().unwrap().into()),
            options: AnalyzeOptions { max_rows: Some(100_000), ..Default::default() },
            ..Default::default()
        };
        let out = match block_on(rt.analyze(req, &mut NoHooks)) {
            Ok(o) => o,
            Err(e) => {
                failures.push(format!("{name}: analyze failed: {e:?}"));
                continue;
            }
        };
        let spec = out.chart_spec.clone().unwrap_or(Value::Null);
        let got = spec["type"].as_str().unwrap_or("none");
        let want = case["chart"].as_str().unwrap();
        if got != want {
            failures.push(format!("{name}: chart {got}, expected {want} (spec {spec})"));
        }
        let codes: Vec<&str> = out.warnings.iter().filter(|w| w.stage == "chart").map(|w| w.code.as_str()).collect();
        match case["warning"].as_str() {
            Some(w) if !codes.contains(&w) => failures.push(format!("{name}: expected warning {w}, got {codes:?}")),
            None if !codes.is_empty() => failures.push(format!("{name}: unexpected chart warnings {:?}", out.warnings)),
            _ => {}
        }
        let chart_meta = out.metadata.iter().find(|m| m.stage == "chart");
        if case["warning"].is_string() && chart_meta.map_or(true, |m| m.transformations.is_empty()) {
            failures.push(format!("{name}: a reduction without a metadata transformation"));
        }
        let narration = out.narration.clone().unwrap_or_default();
        let sentences = narration.matches(". ").count() + 1;
        if !(2..=4).contains(&sentences) {
            failures.push(format!("{name}: narration has {sentences} sentences: {narration}"));
        }
        println!("{name}: {got} | {narration}");
        for i in &out.insights {
            println!("    [{:.2}] {} {}", i.score, i.kind, i.text);
        }
        if let Some(option) = &out.chart {
            let doc = json!({"name": name, "spec": spec, "option": option, "narration": narration});
            std::fs::write(dir.join(format!("{name}.json")), serde_json::to_vec(&doc).unwrap()).unwrap();
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
