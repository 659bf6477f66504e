//! Browser tests: the JS facade in headless Chromium (wasm-bindgen-test), on real files:
//! vega-datasets (npm), pyarrow-written Parquet/Arrow fixtures, and bad files.
#![cfg(target_arch = "wasm32")]

use insightflow::wasm::Runtime;
use js_sys::{Array, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const CARS: &[u8] = include_bytes!("../node_modules/vega-datasets/data/cars.json");
const WEATHER_CSV: &[u8] = include_bytes!("../node_modules/vega-datasets/data/seattle-weather.csv");
const WEATHER_PQ: [(&str, &[u8]); 4] = [
    ("snappy", include_bytes!("fixtures/weather-snappy.parquet")),
    ("zstd", include_bytes!("fixtures/weather-zstd.parquet")),
    ("gzip", include_bytes!("fixtures/weather-gzip.parquet")),
    ("none", include_bytes!("fixtures/weather-none.parquet")),
];
const WEATHER_ARROW: &[u8] = include_bytes!("fixtures/weather.arrow");
const WEATHER_ARROWS: &[u8] = include_bytes!("fixtures/weather.arrows");
const TRUNCATED: &[u8] = include_bytes!("fixtures/truncated.parquet");
const GARBAGE: &[u8] = include_bytes!("fixtures/garbage.bin");
const PNG: &[u8] = include_bytes!("fixtures/image.png");

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

async fn ok(p: Promise) -> JsValue {
    match JsFuture::from(p).await {
        Ok(v) => v,
        Err(e) => panic!("rejected: {:?} {:?}", get(&e, "message"), get(&e, "hint")),
    }
}

async fn err(p: Promise) -> (String, String) {
    match JsFuture::from(p).await {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => {
            assert!(e.is_instance_of::<js_sys::Error>(), "not a real Error: {e:?}");
            assert_eq!(get(&e, "name").as_string().as_deref(), Some("InsightflowError"));
            let hint = get(&e, "hint").as_string().unwrap_or_default();
            assert!(!hint.is_empty(), "error without a hint");
            (get(&e, "code").as_string().unwrap_or_default(), hint)
        }
    }
}

fn num(v: &JsValue) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

fn rows(result: &JsValue) -> Array {
    get(result, "rows").unchecked_into()
}

#[wasm_bindgen_test]
async fn vega_cars_json_group_by() {
    let rt = Runtime::new(None).unwrap();
    let schema = ok(rt.register_table("cars".into(), CARS, None)).await;
    assert_eq!(num(&get(&schema, "rowCount")), 406.0);
    let res = ok(rt.query("SELECT Origin, COUNT(*) AS n FROM cars GROUP BY Origin ORDER BY Origin".into())).await;
    let r = rows(&res);
    let got: Vec<(String, f64)> = r
        .iter()
        .map(|row| (get(&row, "Origin").as_string().unwrap_or_default(), num(&get(&row, "n"))))
        .collect();
    assert_eq!(got, vec![("Europe".into(), 73.0), ("Japan".into(), 79.0), ("USA".into(), 254.0)]);
    let cols: Array = get(&res, "columns").unchecked_into();
    assert_eq!(get(&cols.get(1), "type").as_string().as_deref(), Some("integer"));
}

#[wasm_bindgen_test]
async fn csv_parquet_and_arrow_agree() {
    let rt = Runtime::new(None).unwrap();
    let sql = |t: &str| format!("SELECT weather, COUNT(*) AS n, SUM(precipitation) AS p, MIN(date) AS first FROM {t} GROUP BY weather ORDER BY weather");
    ok(rt.register_table("w_csv".into(), WEATHER_CSV, None)).await;
    let reference = ok(rt.query(sql("w_csv"))).await;
    let reference = js_sys::JSON::stringify(&get(&reference, "rows")).unwrap();
    assert!(reference.as_string().unwrap().contains("\"first\":\"2012-01-01\""));
    let mut files: Vec<(String, &[u8])> = WEATHER_PQ.iter().map(|(n, b)| (format!("w_{n}"), *b)).collect();
    files.push(("w_arrow".into(), WEATHER_ARROW));
    files.push(("w_arrows".into(), WEATHER_ARROWS));
    for (name, bytes) in files {
        let schema = ok(rt.register_table(name.clone(), bytes, None)).await;
        assert_eq!(num(&get(&schema, "rowCount")), 1461.0, "{name}");
        let res = ok(rt.query(sql(&name))).await;
        let got = js_sys::JSON::stringify(&get(&res, "rows")).unwrap();
        assert_eq!(got, reference, "{name}");
    }
}

#[wasm_bindgen_test]
async fn rows_from_js_objects() {
    let rt = Runtime::new(None).unwrap();
    let rows = js_sys::eval("[{city: 'Oslo', sales: 10, at: new Date(Date.UTC(2021, 0, 2))}, {city: 'Rome', sales: 2.5, at: null}]").unwrap();
    let schema = ok(rt.register_rows("s".into(), rows, None)).await;
    assert_eq!(num(&get(&schema, "rowCount")), 2.0);
    let res = ok(rt.query("SELECT city, sales, at FROM s ORDER BY city".into())).await;
    let first = rows_of(&res, 0);
    assert_eq!(get(&first, "at").as_string().as_deref(), Some("2021-01-02T00:00:00"));
    assert_eq!(num(&get(&first, "sales")), 10.0);
    assert_eq!(rt.tables().len(), 1);
    assert!(rt.drop_table("s".into()));
    assert!(rt.tables().is_empty());
}

fn rows_of(res: &JsValue, i: u32) -> JsValue {
    rows(res).get(i)
}

#[wasm_bindgen_test]
async fn arrow_out_has_all_rows() {
    let rt = Runtime::new(None).unwrap();
    ok(rt.register_table("cars".into(), CARS, None)).await;
    let bytes = ok(rt.query_arrow("SELECT Name, Horsepower FROM cars".into())).await;
    let bytes: js_sys::Uint8Array = bytes.unchecked_into();
    // an Arrow IPC stream starts with the continuation marker
    assert!(bytes.length() > 1000);
    assert_eq!(bytes.slice(0, 4).to_vec(), vec![0xFF; 4]);
}

#[wasm_bindgen_test]
async fn arrow_out_of_filtered_strings() {
    // Regression: filtered/sorted/grouped string columns panicked in the LargeUtf8 cast on
    // wasm32 (polars-arrow stored u32::MAX as a known byte length; see vendor/README.md).
    let rt = Runtime::new(None).unwrap();
    ok(rt.register_table("w".into(), WEATHER_CSV, None)).await;
    for sql in [
        "SELECT date, weather FROM w WHERE weather IN ('snow', 'drizzle') ORDER BY date",
        "SELECT weather, COUNT(*) AS n FROM w GROUP BY weather ORDER BY weather",
        "SELECT weather FROM w LIMIT 3",
    ] {
        let bytes: js_sys::Uint8Array = ok(rt.query_arrow(sql.into())).await.unchecked_into();
        assert!(bytes.length() > 100, "{sql}");
    }
    let res = ok(rt.query("SELECT COUNT(*) AS n FROM w".into())).await;
    assert_eq!(num(&get(&rows_of(&res, 0), "n")), 1461.0);
}

#[wasm_bindgen_test]
async fn bad_files_and_sql_are_errors_and_the_instance_survives() {
    let rt = Runtime::new(None).unwrap();
    ok(rt.register_table("cars".into(), CARS, None)).await;
    assert_eq!(err(rt.register_table("t".into(), TRUNCATED, None)).await.0, "BAD_FILE");
    assert_eq!(err(rt.register_table("t".into(), GARBAGE, None)).await.0, "UNSUPPORTED_FORMAT");
    assert_eq!(err(rt.register_table("t".into(), PNG, None)).await.0, "UNSUPPORTED_FORMAT");
    assert_eq!(err(rt.register_table("t".into(), b"", None)).await.0, "EMPTY_INPUT");
    let opts = Object::new();
    Reflect::set(&opts, &"format".into(), &"parquet".into()).unwrap();
    assert_eq!(err(rt.register_table("t".into(), WEATHER_CSV, Some(opts.into()))).await.0, "BAD_FILE");
    assert_eq!(err(rt.register_table("bad name".into(), WEATHER_CSV, None)).await.0, "INVALID_ARGUMENT");
    assert_eq!(err(rt.query("DROP TABLE cars".into())).await.0, "SQL_FORBIDDEN");
    assert_eq!(err(rt.query("SELECT * FROM read_csv('/etc/passwd')".into())).await.0, "SQL_FORBIDDEN");
    assert_eq!(err(rt.query("SELECT 1; SELECT 2".into())).await.0, "SQL_FORBIDDEN");
    assert_eq!(err(rt.query("SELEC * FROM cars".into())).await.0, "SQL_SYNTAX");
    let (code, hint) = err(rt.query("SELECT * FROM car".into())).await;
    assert_eq!(code, "UNKNOWN_TABLE");
    assert!(hint.contains("'cars'"), "{hint}");
    let (code, hint) = err(rt.query("SELECT Horsepowr FROM cars".into())).await;
    assert_eq!(code, "UNKNOWN_COLUMN");
    assert!(hint.contains("'Horsepower'"), "{hint}");
    // still serving
    let res = ok(rt.query("SELECT COUNT(*) AS n FROM cars".into())).await;
    assert_eq!(num(&get(&rows_of(&res, 0), "n")), 406.0);
}

#[wasm_bindgen_test]
async fn analyze_reports_progress_to_a_js_callback() {
    use std::cell::RefCell;
    use std::rc::Rc;
    let rt = Runtime::new(None).unwrap();
    ok(rt.register_table("cars".into(), CARS, None)).await;
    let events: Rc<RefCell<Vec<JsValue>>> = Rc::default();
    let sink = events.clone();
    let cb = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| sink.borrow_mut().push(e));
    let request = js_sys::eval("({source: 'cars', sql: 'SELECT Origin, AVG(Horsepower) AS hp FROM cars GROUP BY Origin ORDER BY Origin', options: {maxRows: 100}})").unwrap();
    let result = ok(rt.analyze(request.clone(), Some(cb.as_ref().unchecked_ref::<js_sys::Function>().clone()))).await;
    let events = events.borrow();
    let mut last = 0.0;
    for e in events.iter() {
        let p = num(&get(e, "percent"));
        assert!(p >= last, "percent decreased");
        last = p;
    }
    assert_eq!(last, 100.0);
    let stages: Vec<String> = events.iter().filter(|e| get(e, "status").as_string().as_deref() == Some("done")).filter_map(|e| get(e, "stage").as_string()).collect();
    assert_eq!(stages, ["validate", "schema", "sql", "execute", "data", "chart", "insights", "narration", "combine", "complete"]);
    assert_eq!(num(&get(&get(&result, "data"), "rowCount")), 3.0);
    assert_eq!(get(&get(&result, "chartSpec"), "type").as_string().as_deref(), Some("bar"));
    let series: Array = get(&get(&result, "chart"), "series").unchecked_into();
    assert_eq!(get(&series.get(0), "type").as_string().as_deref(), Some("bar"));
    assert!(get(&result, "narration").as_string().unwrap_or_default().contains("USA"));
    // the same request again is a result-cache hit
    let again = ok(rt.analyze(request, None)).await;
    assert_eq!(get(&get(&again, "cache"), "result").as_string().as_deref(), Some("hit"));
    // an aborted signal rejects with ABORTED
    let aborted = js_sys::eval("(() => { const c = new AbortController(); c.abort(); return {source: 'cars', sql: 'SELECT 1 AS x FROM cars', options: {signal: c.signal}}; })()").unwrap();
    assert_eq!(err(rt.analyze(aborted, None)).await.0, "ABORTED");
}
