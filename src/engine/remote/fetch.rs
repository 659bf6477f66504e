//! The wasm [`HttpClient`]: the global `fetch` through gloo-net (so it works in a page, a Web
//! Worker and Node 18+), with an `AbortController` per request. The body is read as a stream
//! so a size cap holds without buffering an enormous answer, and a watcher wakes every 25 ms
//! (global `setTimeout`) to abort on the cancellation hook or the deadline.

use futures_util::future::{select, Either, LocalBoxFuture};
use js_sys::{Function, Promise, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_time::Instant;

use super::transport::{HttpClient, HttpRequest, HttpResponse, Method, TransportError};

/// The `fetch`-based client.
#[derive(Debug, Default, Clone, Copy)]
pub struct FetchClient;

/// Resolves after `ms` (global `setTimeout`; resolves at once if there is none).
fn sleep_ms(ms: f64) -> JsFuture {
    let promise = Promise::new(&mut |resolve: Function, _reject: Function| {
        let global = js_sys::global();
        let timer = Reflect::get(&global, &JsValue::from_str("setTimeout")).ok().and_then(|f| f.dyn_into::<Function>().ok());
        let scheduled = timer.map(|f| f.call2(&global, &resolve, &JsValue::from_f64(ms.max(0.0))).is_ok()).unwrap_or(false);
        if !scheduled {
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    JsFuture::from(promise)
}

enum Stop {
    Cancelled,
    Timeout,
}

/// Resolves when the request must stop (and aborts it).
async fn watch(cancel: &dyn Fn() -> bool, deadline: Instant, controller: &web_sys::AbortController) -> Stop {
    loop {
        let _ = sleep_ms(25.0).await;
        let stop = if cancel() {
            Some(Stop::Cancelled)
        } else if Instant::now() >= deadline {
            Some(Stop::Timeout)
        } else {
            None
        };
        if let Some(s) = stop {
            controller.abort();
            return s;
        }
    }
}

fn stop_error(s: Stop) -> TransportError {
    match s {
        Stop::Cancelled => TransportError::Cancelled,
        Stop::Timeout => TransportError::Timeout,
    }
}

fn js_text(e: &JsValue) -> String {
    Reflect::get(e, &JsValue::from_str("message")).ok().and_then(|m| m.as_string()).or_else(|| e.as_string()).unwrap_or_else(|| "fetch failed".into())
}

async fn exchange(req: HttpRequest, cancel: &dyn Fn() -> bool) -> Result<HttpResponse, TransportError> {
    let controller = web_sys::AbortController::new().map_err(|e| TransportError::Unreachable(js_text(&e)))?;
    let deadline = Instant::now() + std::time::Duration::from_secs_f64(req.timeout_ms.max(1.0) / 1000.0);
    let method = match req.method {
        Method::Get => gloo_net::http::Method::GET,
        Method::Post => gloo_net::http::Method::POST,
        Method::Delete => gloo_net::http::Method::DELETE,
    };
    let signal = controller.signal();
    let mut builder = gloo_net::http::RequestBuilder::new(&req.url).method(method).abort_signal(Some(&signal));
    for (k, v) in &req.headers {
        builder = builder.header(k, v);
    }
    let request = if req.body.is_empty() {
        builder.build()
    } else {
        builder.body(Uint8Array::from(req.body.as_slice()))
    }
    .map_err(|e| TransportError::Unreachable(format!("the request could not be built ({e})")))?;

    let sent = Box::pin(request.send());
    let watcher = Box::pin(watch(cancel, deadline, &controller));
    let (response, watcher) = match select(sent, watcher).await {
        Either::Left((Ok(r), w)) => (r, w),
        // TypeError: network failure, DNS, refused, CORS — the browser does not say which.
        Either::Left((Err(e), _)) => return Err(TransportError::Unreachable(format!("network error or blocked by CORS: {e}"))),
        Either::Right((s, _)) => return Err(stop_error(s)),
    };
    let status = response.status();
    let headers: Vec<(String, String)> = response.headers().entries().map(|(k, v)| (k.to_ascii_lowercase(), v)).collect();
    if let Some(n) = headers.iter().find(|(k, _)| k == "content-length").and_then(|(_, v)| v.trim().parse::<usize>().ok()) {
        if n > req.max_body_bytes {
            controller.abort();
            return Err(TransportError::TooLarge(n));
        }
    }
    let mut body = Vec::new();
    if let Some(stream) = response.body() {
        let reader: web_sys::ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
        let reading = Box::pin(async {
            loop {
                let chunk = JsFuture::from(reader.read()).await.map_err(|e| TransportError::Broken(format!("the answer stopped in the middle ({})", js_text(&e))))?;
                let done = Reflect::get(&chunk, &JsValue::from_str("done")).ok().and_then(|d| d.as_bool()).unwrap_or(true);
                if done {
                    return Ok(());
                }
                if let Ok(value) = Reflect::get(&chunk, &JsValue::from_str("value")) {
                    if let Some(bytes) = value.dyn_ref::<Uint8Array>() {
                        let len = bytes.length() as usize;
                        if body.len() + len > req.max_body_bytes {
                            controller.abort();
                            return Err(TransportError::TooLarge(body.len() + len));
                        }
                        let start = body.len();
                        body.resize(start + len, 0);
                        if let Some(dst) = body.get_mut(start..) {
                            bytes.copy_to(dst);
                        }
                    }
                }
            }
        });
        let outcome = match select(reading, watcher).await {
            Either::Left((r, _)) => r,
            Either::Right((s, _)) => Err(stop_error(s)),
        };
        outcome?;
    }
    Ok(HttpResponse { status, headers, body })
}

impl HttpClient for FetchClient {
    fn send<'a>(&'a self, req: HttpRequest, cancel: &'a dyn Fn() -> bool) -> LocalBoxFuture<'a, Result<HttpResponse, TransportError>> {
        Box::pin(exchange(req, cancel))
    }

    fn sleep(&self, ms: f64) -> LocalBoxFuture<'static, ()> {
        Box::pin(async move {
            let _ = sleep_ms(ms).await;
        })
    }
}
