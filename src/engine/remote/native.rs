//! A minimal blocking HTTP/1.1 client over `std::net::TcpStream`, for native builds (tests,
//! benchmarks): plain `http://` only, `Connection: close`, Content-Length or chunked bodies.
//! Each `send` blocks the calling thread; reads wake every 20 ms to poll the cancellation
//! hook and the deadline. Never panics on what a server sends: anything odd is a
//! [`TransportError`].

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use futures_util::future::LocalBoxFuture;

use super::transport::{HttpClient, HttpRequest, HttpResponse, TransportError};

/// The native [`HttpClient`].
#[derive(Debug, Default, Clone, Copy)]
pub struct StdClient;

impl HttpClient for StdClient {
    fn send<'a>(&'a self, req: HttpRequest, cancel: &'a dyn Fn() -> bool) -> LocalBoxFuture<'a, Result<HttpResponse, TransportError>> {
        Box::pin(async move { exchange(&req, cancel) })
    }

    fn sleep(&self, ms: f64) -> LocalBoxFuture<'static, ()> {
        let d = Duration::from_secs_f64((ms.max(0.0)) / 1000.0);
        Box::pin(async move { std::thread::sleep(d) })
    }
}

struct Target {
    host: String,
    port: u16,
    path: String,
}

fn parse_url(url: &str) -> Result<Target, TransportError> {
    let rest = match url.split_once("://") {
        Some(("http", rest)) => rest,
        Some(("https", _)) => return Err(TransportError::Unreachable("https is not supported by the native client (tests only)".into())),
        _ => return Err(TransportError::Unreachable("the URL must start with http://".into())),
    };
    let (authority, path) = match rest.find(['/', '?']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let path = if path.starts_with('?') { format!("/{path}") } else { path.to_string() };
    let authority = authority.rsplit('@').next().unwrap_or("");
    let (host, port) = if let Some(stripped) = authority.strip_prefix('[') {
        // [v6]:port
        let (h, p) = stripped.split_once(']').unwrap_or((stripped, ""));
        (h.to_string(), p.strip_prefix(':').unwrap_or(""))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), p),
            None => (authority.to_string(), ""),
        }
    };
    let port = if port.is_empty() { 80 } else { port.parse::<u16>().map_err(|_| TransportError::Unreachable("the URL's port is not a number".into()))? };
    if host.is_empty() {
        return Err(TransportError::Unreachable("the URL has no host".into()));
    }
    Ok(Target { host, port, path })
}

fn exchange(req: &HttpRequest, cancel: &dyn Fn() -> bool) -> Result<HttpResponse, TransportError> {
    let start = Instant::now();
    let limit = Duration::from_secs_f64(req.timeout_ms.max(1.0) / 1000.0);
    let deadline = start + limit;
    let left = || deadline.checked_duration_since(Instant::now()).filter(|d| !d.is_zero());
    let target = parse_url(&req.url)?;
    let addrs: Vec<_> = (target.host.as_str(), target.port)
        .to_socket_addrs()
        .map_err(|e| TransportError::Unreachable(format!("the host name could not be resolved ({})", e.kind())))?
        .collect();
    let mut last = TransportError::Unreachable("the host name has no address".into());
    let mut stream = None;
    for addr in addrs {
        let Some(d) = left() else { return Err(TransportError::Timeout) };
        match TcpStream::connect_timeout(&addr, d) {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(e) if e.kind() == ErrorKind::TimedOut || e.kind() == ErrorKind::WouldBlock => last = TransportError::Timeout,
            Err(e) => last = TransportError::Unreachable(format!("connection failed: {}", e.kind())),
        }
    }
    let Some(mut stream) = stream else { return Err(last) };
    let _ = stream.set_nodelay(true);
    let mut head = format!("{} {} HTTP/1.1\r\nHost: {}:{}\r\nConnection: close\r\nAccept-Encoding: identity\r\n", req.method.as_str(), target.path, target.host, target.port);
    for (k, v) in &req.headers {
        // Header injection is refused at registration; a stray CR/LF here is dropped, not sent.
        if k.contains(['\r', '\n', ':']) || v.contains(['\r', '\n']) {
            continue;
        }
        head.push_str(k);
        head.push_str(": ");
        head.push_str(v);
        head.push_str("\r\n");
    }
    if !req.body.is_empty() || req.method != super::transport::Method::Get {
        head.push_str(&format!("Content-Length: {}\r\n", req.body.len()));
    }
    head.push_str("\r\n");
    let _ = stream.set_write_timeout(left());
    let write = stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(&req.body)).and_then(|()| stream.flush());
    if let Err(e) = write {
        return Err(match e.kind() {
            ErrorKind::TimedOut | ErrorKind::WouldBlock => TransportError::Timeout,
            k => TransportError::Unreachable(format!("the request could not be sent: {k}")),
        });
    }
    let _ = stream.set_read_timeout(Some(Duration::from_millis(20)));
    let mut buf: Vec<u8> = Vec::with_capacity(16 * 1024);
    let mut chunk = vec![0u8; 64 * 1024];
    let mut parsed: Option<Head> = None;
    loop {
        if cancel() {
            let _ = stream.shutdown(std::net::Shutdown::Both);
            return Err(TransportError::Cancelled);
        }
        if left().is_none() {
            let _ = stream.shutdown(std::net::Shutdown::Both);
            return Err(TransportError::Timeout);
        }
        match stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => buf.extend_from_slice(chunk.get(..n).unwrap_or(&[])),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted) => continue,
            Err(e) => {
                if buf.is_empty() {
                    return Err(TransportError::Broken(format!("the server closed the connection without answering ({})", e.kind())));
                }
                return Err(TransportError::Broken(format!("the connection broke while reading the answer ({})", e.kind())));
            }
        }
        if parsed.is_none() {
            parsed = parse_head(&buf)?;
        }
        if let Some(h) = &parsed {
            let body = buf.get(h.len..).unwrap_or(&[]);
            if let Some(n) = h.content_length {
                if n > req.max_body_bytes {
                    return Err(TransportError::TooLarge(n));
                }
            }
            if body.len() > req.max_body_bytes.saturating_add(64 * 1024) {
                return Err(TransportError::TooLarge(body.len()));
            }
            if body_complete(h, body) {
                break;
            }
        }
    }
    let Some(h) = parsed.or(parse_head(&buf)?) else {
        if buf.is_empty() {
            return Err(TransportError::Broken("the server closed the connection without answering".into()));
        }
        return Err(TransportError::Broken("the answer's HTTP header is incomplete".into()));
    };
    let raw = buf.get(h.len..).unwrap_or(&[]);
    let body = if h.chunked {
        dechunk(raw)?
    } else if let Some(n) = h.content_length {
        if raw.len() < n {
            return Err(TransportError::Broken(format!("the answer stopped after {} of {} bytes", raw.len(), n)));
        }
        raw.get(..n).unwrap_or(raw).to_vec()
    } else {
        raw.to_vec()
    };
    if body.len() > req.max_body_bytes {
        return Err(TransportError::TooLarge(body.len()));
    }
    Ok(HttpResponse { status: h.status, headers: h.headers, body })
}

struct Head {
    status: u16,
    headers: Vec<(String, String)>,
    /// Bytes of the status line and headers, blank line included.
    len: usize,
    content_length: Option<usize>,
    chunked: bool,
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The response head once it is complete (None: need more bytes).
fn parse_head(buf: &[u8]) -> Result<Option<Head>, TransportError> {
    let Some(end) = find(buf, b"\r\n\r\n") else {
        if buf.len() > 64 * 1024 {
            return Err(TransportError::Broken("the answer's HTTP header is too long".into()));
        }
        return Ok(None);
    };
    let text = String::from_utf8_lossy(buf.get(..end).unwrap_or(&[]));
    let mut lines = text.split("\r\n");
    let status_line = lines.next().unwrap_or("");
    let mut parts = status_line.split_whitespace();
    let proto = parts.next().unwrap_or("");
    let status = parts.next().and_then(|s| s.parse::<u16>().ok());
    let (true, Some(status)) = (proto.starts_with("HTTP/"), status) else {
        return Err(TransportError::Broken("the answer is not HTTP".into()));
    };
    let mut headers = Vec::new();
    let mut content_length = None;
    let mut chunked = false;
    for line in lines {
        let Some((k, v)) = line.split_once(':') else { continue };
        let k = k.trim().to_ascii_lowercase();
        let v = v.trim().to_string();
        if k == "content-length" {
            content_length = v.parse::<usize>().ok();
        }
        if k == "transfer-encoding" && v.to_ascii_lowercase().contains("chunked") {
            chunked = true;
        }
        headers.push((k, v));
    }
    if chunked {
        content_length = None;
    }
    Ok(Some(Head { status, headers, len: end + 4, content_length, chunked }))
}

fn body_complete(h: &Head, body: &[u8]) -> bool {
    if h.chunked {
        // The last chunk is "0\r\n" then optional trailers and "\r\n".
        return dechunk(body).is_ok();
    }
    match h.content_length {
        Some(n) => body.len() >= n,
        None => h.status == 204 || h.status == 304 || (100..200).contains(&h.status),
    }
}

fn dechunk(mut raw: &[u8]) -> Result<Vec<u8>, TransportError> {
    let mut out = Vec::with_capacity(raw.len());
    loop {
        let Some(eol) = find(raw, b"\r\n") else {
            return Err(TransportError::Broken("the answer stopped in the middle (chunked body without its end)".into()));
        };
        let size_text = String::from_utf8_lossy(raw.get(..eol).unwrap_or(&[]));
        let size_text = size_text.split(';').next().unwrap_or("").trim().to_string();
        let size = usize::from_str_radix(&size_text, 16).map_err(|_| TransportError::Broken("the chunked body is malformed".into()))?;
        raw = raw.get(eol + 2..).unwrap_or(&[]);
        if size == 0 {
            // trailers end with an empty line
            return if find(raw, b"\r\n").is_some() {
                Ok(out)
            } else {
                Err(TransportError::Broken("the answer stopped in the middle (chunked body without its end)".into()))
            };
        }
        let (Some(data), Some(rest)) = (raw.get(..size), raw.get(size..)) else {
            return Err(TransportError::Broken("the answer stopped in the middle of a chunk".into()));
        };
        out.extend_from_slice(data);
        raw = rest.strip_prefix(b"\r\n".as_slice()).ok_or_else(|| TransportError::Broken("the chunked body is malformed".into()))?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let t = parse_url("http://127.0.0.1:8123/?query_id=1").unwrap();
        assert_eq!((t.host.as_str(), t.port, t.path.as_str()), ("127.0.0.1", 8123, "/?query_id=1"));
        let t = parse_url("http://h?x=1").unwrap();
        assert_eq!((t.host.as_str(), t.port, t.path.as_str()), ("h", 80, "/?x=1"));
        assert!(parse_url("https://h/").is_err());
        assert!(parse_url("ftp://h/").is_err());
        assert!(parse_url("http://h:99999/").is_err());
    }

    #[test]
    fn chunked_bodies() {
        assert_eq!(dechunk(b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n").unwrap(), b"abcde");
        assert!(dechunk(b"3\r\nabc\r\n2\r\nd").is_err());
        assert!(dechunk(b"3\r\nabc\r\n").is_err());
        assert!(dechunk(b"zz\r\n").is_err());
    }

    #[test]
    fn heads() {
        assert!(parse_head(b"HTTP/1.1 200 OK\r\nContent-Le").unwrap().is_none());
        let h = parse_head(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc").unwrap().unwrap();
        assert_eq!((h.status, h.content_length, h.len), (200, Some(3), 38));
        assert!(parse_head(b"garbage\r\n\r\n").is_err());
    }
}
