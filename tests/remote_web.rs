//! Remote engines from the browser: the JS facade's `registerRemote` + `analyze` in headless
//! Chromium, through `fetch`, against the real servers of `scripts/remote-servers.sh` behind
//! CORS proxies (ClickHouse, dask-sql) and the fake server (faults; it sends CORS headers
//! itself). The servers' addresses are read when this file is compiled (`option_env!`):
//! `scripts/test.sh` starts the servers before building it. Without them every test here
//! logs that it was skipped.
#![cfg(target_arch = "wasm32")]

use insightflow::wasm::Runtime;
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

struct Servers {
    clickhouse: &'static str,
    /// ClickHouse itself, without the CORS proxy: the browser must refuse it.
    clickhouse_no_cors: &'static str,
    ch_user: &'static str,
    ch_password: &'static str,
    trino: &'static str,
    fake: &'static str,
    refused: &'static str,
    cube: &'static str,
    cube_token: &'static str,
}

fn servers() -> Option<Servers> {
    let s = Servers {
        clickhouse: option_env!("INSIGHTFLOW_CLICKHOUSE_CORS_URL")?,
        clickhouse_no_cors: option_env!("INSIGHTFLOW_CLICKHOUSE_URL")?,
        ch_user: option_env!("INSIGHTFLOW_CLICKHOUSE_USER")?,
        ch_password: option_env!("INSIGHTFLOW_CLICKHOUSE_PASSWORD")?,
        trino: option_env!("INSIGHTFLOW_TRINO_CORS_URL")?,
        fake: option_env!("INSIGHTFLOW_FAKE_URL")?,
        refused: option_env!("INSIGHTFLOW_REFUSED_URL")?,
        cube: option_env!("INSIGHTFLOW_CUBE_URL")?,
        cube_token: option_env!("INSIGHTFLOW_CUBE_TOKEN")?,
    };
    Some(s)
}

macro_rules! servers {
    () => {
        match servers() {
            Some(s) => s,
            None => {
                console_log!("SKIPPED: the remote test servers were not running when this test was built (scripts/test.sh starts them)");
                return;
            }
        }
    };
}

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

fn js(json: &str) -> JsValue {
    js_sys::JSON::parse(json).expect("valid JSON")
}

async fn ok(p: Promise) -> JsValue {
    match JsFuture::from(p).await {
        Ok(v) => v,
        Err(e) => panic!("rejected: {:?} {:?} {:?}", get(&e, "code"), get(&e, "message"), get(&e, "hint")),
    }
}

async fn code_of(p: Promise) -> String {
    match JsFuture::from(p).await {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => get(&e, "code").as_string().unwrap_or_default(),
    }
}

const BY_REGION: &str = "SELECT region, SUM(qty) AS total_qty, COUNT(*) AS n FROM sales GROUP BY region ORDER BY region";

fn request(source: &str, sql: &str) -> JsValue {
    js(&serde_json::json!({"source": source, "sql": sql}).to_string())
}

fn route_of(result: &JsValue) -> JsValue {
    let meta = js_sys::Array::from(&get(result, "metadata"));
    meta.iter().find(|m| get(m, "stage").as_string().as_deref() == Some("execute")).map(|m| get(&m, "route")).unwrap_or(JsValue::UNDEFINED)
}

#[wasm_bindgen_test]
async fn clickhouse_and_trino_through_fetch() {
    let s = servers!();
    let rt = Runtime::new(None).unwrap();
    let ch = serde_json::json!({"engine": "clickhouse", "url": s.clickhouse, "table": "sales", "user": s.ch_user, "password": s.ch_password});
    let schema = ok(rt.register_remote("sales".into(), js(&ch.to_string()))).await;
    assert_eq!(js_sys::Array::from(&get(&schema, "columns")).length(), 6);
    let events = js_sys::Array::new();
    let sink = events.clone();
    let cb = Closure::<dyn Fn(JsValue)>::new(move |e: JsValue| {
        sink.push(&e);
    });
    let f: &Function = cb.as_ref().unchecked_ref();
    let out = ok(rt.analyze(request("sales", BY_REGION), Some(f.clone()))).await;
    assert_eq!(get(&out, "engine").as_string().as_deref(), Some("clickhouse"));
    assert_eq!(get(&get(&out, "data"), "rowCount").as_f64(), Some(5.0));
    assert_eq!(get(&route_of(&out), "chosen").as_string().as_deref(), Some("remote"));
    let progress = events.iter().filter(|e| get(e, "status").as_string().as_deref() == Some("progress")).count();
    assert!(progress >= 2, "route and engine progress reach the JS callback");

    let trino = serde_json::json!({"engine": "trino", "url": s.trino, "table": "sales", "pullDown": true, "rowCountHint": 2000});
    ok(rt.register_remote("sales".into(), js(&trino.to_string()))).await;
    let out = ok(rt.analyze(request("sales", BY_REGION), None)).await;
    // small and allowed: fetched into the page once, then queried here
    assert_eq!(get(&route_of(&out), "chosen").as_string().as_deref(), Some("pull-down"));
    assert_eq!(get(&get(&out, "data"), "rowCount").as_f64(), Some(5.0));
    let q = ok(rt.query("SELECT COUNT(*) AS n FROM sales".into())).await;
    assert_eq!(get(&js_sys::Array::from(&get(&q, "rows")).get(0), "n").as_f64(), Some(2000.0));
}

#[wasm_bindgen_test]
async fn faults_through_fetch_have_codes_and_the_runtime_survives() {
    let s = servers!();
    let rt = Runtime::new(None).unwrap();
    let cases: [(&str, String, &str, &str); 9] = [
        ("refused", s.refused.to_string(), "{}", "REMOTE_UNREACHABLE"),
        ("no CORS headers", s.clickhouse_no_cors.to_string(), r#"{"retries": 0}"#, "REMOTE_UNREACHABLE"),
        ("500", format!("{}/fault/status/500", s.fake), "{}", "REMOTE_ERROR"),
        ("slow", format!("{}/fault/slow/3000", s.fake), r#"{"timeoutMs": 300}"#, "REMOTE_TIMEOUT"),
        ("malformed", format!("{}/fault/malformed", s.fake), "{}", "REMOTE_BAD_RESPONSE"),
        ("html", format!("{}/fault/html", s.fake), "{}", "REMOTE_BAD_RESPONSE"),
        ("truncated", format!("{}/fault/truncated", s.fake), r#"{"retries": 0}"#, "REMOTE_BAD_RESPONSE"),
        ("cut", format!("{}/fault/cut", s.fake), r#"{"retries": 0}"#, "REMOTE_BAD_RESPONSE"),
        ("enormous", format!("{}/fault/enormous", s.fake), r#"{"maxResponseBytes": 1000000}"#, "TOO_LARGE"),
    ];
    for (name, url, extra, code) in cases {
        let mut o = serde_json::json!({"engine": "http", "url": url, "table": "sales", "headers": {"Authorization": "Bearer CANARY-web-4242"}});
        if let (Some(obj), Ok(serde_json::Value::Object(x))) = (o.as_object_mut(), serde_json::from_str::<serde_json::Value>(extra)) {
            obj.extend(x);
        }
        let p = rt.register_remote("broken".into(), js(&o.to_string()));
        let e = JsFuture::from(p).await.expect_err(name);
        assert_eq!(get(&e, "code").as_string().as_deref(), Some(code), "{name}: {:?}", get(&e, "message"));
        let text = format!("{:?} {:?}", get(&e, "message"), get(&e, "hint"));
        assert!(!text.contains("CANARY"), "{name}: {text}");
    }
    // still usable: a good remote source and a page table
    let good = serde_json::json!({"engine": "http", "url": format!("{}/sql", s.fake), "table": "sales"});
    ok(rt.register_remote("sales".into(), js(&good.to_string()))).await;
    let out = ok(rt.analyze(request("sales", BY_REGION), None)).await;
    assert_eq!(get(&out, "engine").as_string().as_deref(), Some("http"));
    ok(rt.register_table("t".into(), b"a\n1\n2\n", None)).await;
    let q = ok(rt.query("SELECT SUM(a) AS s FROM t".into())).await;
    assert_eq!(get(&q, "rowCount").as_f64(), Some(1.0));
    assert_eq!(code_of(rt.query("SELECT * FROM sales".into())).await, "INVALID_ARGUMENT");
}

#[wasm_bindgen_test]
async fn abort_signal_cancels_a_remote_trino_query() {
    let s = servers!();
    let rt = Runtime::new(None).unwrap();
    let key = format!("webhang{}", js_sys::Date::now() as u64);
    let o = serde_json::json!({"engine": "trino", "url": s.fake, "table": "sales", "user": format!("hang_{key}")});
    ok(rt.register_remote("hang".into(), js(&o.to_string()))).await;
    let controller = web_sys::AbortController::new().unwrap();
    let req = request("hang", "SELECT n FROM hang");
    let options = js_sys::Object::new();
    Reflect::set(&options, &"signal".into(), &controller.signal()).unwrap();
    Reflect::set(&req, &"options".into(), &options).unwrap();
    let c2 = controller.clone();
    let cb = Closure::<dyn Fn(JsValue)>::new(move |e: JsValue| {
        if get(&e, "message").as_string().is_some_and(|m| m.contains("RUNNING")) {
            c2.abort();
        }
    });
    let f: &Function = cb.as_ref().unchecked_ref();
    assert_eq!(code_of(rt.analyze(req, Some(f.clone()))).await, "ABORTED");
    // the server saw the cancellation (DELETE on nextUri and partialCancelUri)
    let log = gloo_net::http::Request::get(&format!("{}/log/{key}", s.fake)).send().await.unwrap().text().await.unwrap();
    assert_eq!(log.matches("DELETE").count(), 2, "{log}");
}

#[wasm_bindgen_test]
async fn a_question_on_a_real_cube_server() {
    let s = servers!();
    let rt = Runtime::new(None).unwrap();
    let o = serde_json::json!({"engine": "cube", "url": s.cube, "table": "orders", "headers": {"Authorization": s.cube_token}});
    ok(rt.register_remote("orders".into(), js(&o.to_string()))).await;
    let req = js(&serde_json::json!({"source": "orders", "question": "total qty for North by product"}).to_string());
    let out = ok(rt.analyze(req, None)).await;
    assert_eq!(get(&out, "engine").as_string().as_deref(), Some("cube"));
    assert_eq!(get(&get(&out, "data"), "rowCount").as_f64(), Some(8.0));
    assert!(!format!("{:?}", js_sys::JSON::stringify(&out).unwrap()).contains(s.cube_token));
}
