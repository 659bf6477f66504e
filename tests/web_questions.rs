//! Browser tests: questions in plain language through the JS facade's `analyze()` in headless
//! Chromium (wasm-bindgen-test), on vega-datasets files: an answer with its intent and chart,
//! a clarification with options (no chart, no data), and the follow-up with the chosen option.
#![cfg(target_arch = "wasm32")]

use insightflow::wasm::Runtime;
use js_sys::{Array, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const CARS: &[u8] = include_bytes!("../node_modules/vega-datasets/data/cars.json");
const WEATHER_CSV: &[u8] = include_bytes!("../node_modules/vega-datasets/data/seattle-weather.csv");

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

async fn ok(p: Promise) -> JsValue {
    match JsFuture::from(p).await {
        Ok(v) => v,
        Err(e) => panic!("rejected: {:?} {:?}", get(&e, "message"), get(&e, "hint")),
    }
}

fn request(source: &str, question: &str, answer: Option<JsValue>) -> JsValue {
    let r = Object::new();
    Reflect::set(&r, &"source".into(), &source.into()).unwrap();
    Reflect::set(&r, &"question".into(), &question.into()).unwrap();
    if let Some(a) = answer {
        Reflect::set(&r, &"answer".into(), &a).unwrap();
    }
    r.into()
}

#[wasm_bindgen_test]
async fn a_question_is_answered_with_its_intent() {
    let rt = Runtime::new(None).unwrap();
    ok(rt.register_table("cars".into(), CARS, None)).await;
    let res = ok(rt.analyze(request("cars", "average horsepower by origin", None), None)).await;
    assert!(get(&res, "clarification").is_null() || get(&res, "clarification").is_undefined());
    let data = get(&res, "data");
    assert_eq!(get(&data, "rowCount").as_f64(), Some(3.0));
    let intent = get(&res, "intent");
    let measures: Array = get(&intent, "measures").unchecked_into();
    assert_eq!(get(&measures.get(0), "aggregate").as_string().as_deref(), Some("avg"));
    assert_eq!(get(&measures.get(0), "field").as_string().as_deref(), Some("Horsepower"));
    let dims: Array = get(&intent, "dimensions").unchecked_into();
    assert_eq!(get(&dims.get(0), "field").as_string().as_deref(), Some("Origin"));
    assert!(get(&res, "sql").as_string().unwrap_or_default().contains("AVG(\"Horsepower\")"));
    assert!(!get(&res, "chartSpec").is_null());
}

#[wasm_bindgen_test]
async fn an_ambiguous_question_gets_a_clarification_then_an_answer() {
    let rt = Runtime::new(None).unwrap();
    ok(rt.register_table("weather".into(), WEATHER_CSV, None)).await;
    let res = ok(rt.analyze(request("weather", "average temperature by month", None), None)).await;
    let c = get(&res, "clarification");
    assert!(c.is_object(), "no clarification: {res:?}");
    let options: Array = get(&c, "options").unchecked_into();
    let columns: Vec<String> = options.iter().filter_map(|o| get(&o, "column").as_string()).collect();
    assert!(columns.contains(&"temp_max".to_string()) && columns.contains(&"temp_min".to_string()), "{columns:?}");
    assert!(get(&res, "chart").is_null() || get(&res, "chart").is_undefined());
    assert_eq!(get(&get(&res, "data"), "rowCount").as_f64(), Some(0.0));
    // the user picks an option: it is passed back as `answer`
    let chosen = options.iter().find(|o| get(o, "column").as_string().as_deref() == Some("temp_min")).unwrap();
    let res = ok(rt.analyze(request("weather", "average temperature by month", Some(chosen)), None)).await;
    assert!(get(&res, "clarification").is_null() || get(&res, "clarification").is_undefined());
    assert_eq!(get(&get(&res, "data"), "rowCount").as_f64(), Some(48.0));
}
