//! The HTTP seam between the protocol code and the platform.
//!
//! [`HttpClient`] is the one async trait the remote engines use: `fetch` in wasm
//! ([`super::fetch::FetchClient`]), a small std-only HTTP/1.1 client natively (tests only,
//! [`super::native::StdClient`]). It owns transport failures ([`TransportError`]) and nothing
//! else: what an HTTP status or a body means is the protocol's business. Requests carry a
//! timeout, a body-size cap and are polled against a cancellation hook.
//!
//! [`send`] adds the retry policy (only for idempotent reads: connection failures, a cut body,
//! 429/502/503/504, with exponential backoff) and maps transport failures to user-facing
//! errors that name the server by origin only (`scheme://host:port`): never the path, query
//! string, headers or body, where credentials may live.

use futures_util::future::LocalBoxFuture;
use web_time::Instant;

use crate::error::{Error, ErrorCode, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }
}

/// One HTTP request. `headers` may hold secrets: never format a request into text.
pub struct HttpRequest {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Give up after this long (whole exchange: connect, send, read the body).
    pub timeout_ms: f64,
    /// Largest body accepted; a longer answer fails with [`TransportError::TooLarge`].
    pub max_body_bytes: usize,
}

/// The parts of a response the protocols read.
#[derive(Debug, Clone, Default)]
pub struct HttpResponse {
    pub status: u16,
    /// Lower-cased names.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The media type without parameters, lower case (`application/json`).
    pub fn content_type(&self) -> String {
        self.header("content-type").unwrap_or("").split(';').next().unwrap_or("").trim().to_ascii_lowercase()
    }

    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// Why an exchange failed below HTTP. Details are short and never contain request data.
#[derive(Debug, Clone, PartialEq)]
pub enum TransportError {
    /// No connection: refused, DNS, TLS, CORS, offline.
    Unreachable(String),
    Timeout,
    Cancelled,
    /// The body would exceed `max_body_bytes` (bytes seen or announced).
    TooLarge(usize),
    /// The exchange broke after it started: reset, truncated body, malformed HTTP.
    Broken(String),
}

/// An async HTTP client. Implementations poll `cancel` while waiting and stop promptly
/// (aborting the connection) when it returns true.
pub trait HttpClient {
    fn send<'a>(&'a self, req: HttpRequest, cancel: &'a dyn Fn() -> bool) -> LocalBoxFuture<'a, std::result::Result<HttpResponse, TransportError>>;
    /// Waits `ms` (backoff between retries, Cube's "Continue wait" polling).
    fn sleep(&self, ms: f64) -> LocalBoxFuture<'static, ()>;
}

/// `scheme://host[:port]` of a URL, without user info, path or query: what errors may show.
pub fn origin(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("http", url));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    format!("{scheme}://{host}")
}

/// Who is being called, for error messages.
#[derive(Debug, Clone)]
pub struct Peer {
    /// "Trino", "ClickHouse", "Cube", "HTTP".
    pub engine: &'static str,
    pub origin: String,
}

/// Retry policy of one source.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Extra attempts for idempotent reads.
    pub retries: u32,
    /// First backoff; doubled each time.
    pub backoff_ms: f64,
}

/// Sends `req`, retrying idempotent reads on connection failures, cut bodies and
/// 429/502/503/504 while time is left. Returns the last response (any status) or the mapped
/// transport error. `deadline` bounds everything, backoff included.
pub async fn send(
    client: &dyn HttpClient,
    peer: &Peer,
    req: HttpRequest,
    idempotent: bool,
    policy: RetryPolicy,
    deadline: Instant,
    cancel: &dyn Fn() -> bool,
) -> Result<HttpResponse> {
    let attempts = if idempotent { policy.retries + 1 } else { 1 };
    let mut backoff = policy.backoff_ms.max(1.0);
    let mut attempt = 0;
    loop {
        attempt += 1;
        let remaining = remaining_ms(deadline);
        if cancel() {
            return Err(aborted());
        }
        if remaining <= 0.0 {
            return Err(timeout(peer, req.timeout_ms));
        }
        let again = HttpRequest { method: req.method, url: req.url.clone(), headers: req.headers.clone(), body: req.body.clone(), timeout_ms: req.timeout_ms.min(remaining), max_body_bytes: req.max_body_bytes };
        let out = client.send(again, cancel).await;
        let retryable = match &out {
            Ok(r) => matches!(r.status, 429 | 502 | 503 | 504),
            Err(TransportError::Unreachable(_) | TransportError::Broken(_)) => true,
            Err(_) => false,
        };
        if !retryable || attempt >= attempts || remaining_ms(deadline) <= backoff {
            return out.map_err(|e| transport_error(peer, e, req.timeout_ms, req.max_body_bytes));
        }
        client.sleep(backoff).await;
        backoff *= 2.0;
    }
}

pub fn remaining_ms(deadline: Instant) -> f64 {
    let now = Instant::now();
    if now >= deadline {
        0.0
    } else {
        (deadline - now).as_secs_f64() * 1000.0
    }
}

pub fn aborted() -> Error {
    Error::new(ErrorCode::Aborted, "The request was cancelled.", "Start it again when you are ready.")
}

pub fn timeout(peer: &Peer, limit_ms: f64) -> Error {
    Error::new(
        ErrorCode::RemoteTimeout,
        format!("The {} server at {} did not answer within {:.0} ms.", peer.engine, peer.origin, limit_ms),
        "Try again later, allow more time (timeoutMs), or ask for less (a filter, a LIMIT, an aggregate).",
    )
}

/// A transport failure as a user-facing error.
pub fn transport_error(peer: &Peer, e: TransportError, timeout_ms: f64, max_bytes: usize) -> Error {
    match e {
        TransportError::Unreachable(why) => Error::new(
            ErrorCode::RemoteUnreachable,
            format!("The {} server at {} could not be reached.", peer.engine, peer.origin),
            format!(
                "Check that it is running and that the URL is right; a server on another origin must also allow this page (CORS). ({})",
                crate::error::short_detail(&why)
            ),
        ),
        TransportError::Timeout => timeout(peer, timeout_ms),
        TransportError::Cancelled => aborted(),
        TransportError::TooLarge(n) => Error::new(
            ErrorCode::TooLarge,
            format!("The {} server's answer is larger than the {:.1} MB this page accepts{}.", peer.engine, max_bytes as f64 / 1e6, if n > max_bytes { format!(" ({:.1} MB)", n as f64 / 1e6) } else { String::new() }),
            "Ask for less data: aggregate, filter, select fewer columns or add a LIMIT (or raise maxResponseBytes).",
        ),
        TransportError::Broken(why) => Error::new(
            ErrorCode::RemoteBadResponse,
            format!("The connection to the {} server at {} broke before its answer was complete.", peer.engine, peer.origin),
            format!("Try again; if it keeps happening, check the server's logs. ({})", crate::error::short_detail(&why)),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_drops_credentials_path_and_query() {
        assert_eq!(origin("https://u:p@example.com:8443/a/b?token=x"), "https://example.com:8443");
        assert_eq!(origin("http://127.0.0.1:8123/?query_id=1"), "http://127.0.0.1:8123");
        assert_eq!(origin("http://h"), "http://h");
    }
}
