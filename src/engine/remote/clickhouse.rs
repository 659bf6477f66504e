//! The ClickHouse HTTP interface (`engine: 'clickhouse'`).
//!
//! `POST {url}/?query_id=…&database=…&max_execution_time=…&max_result_rows=…` with the SQL
//! followed by `FORMAT JSONCompact` as the body, credentials in `X-ClickHouse-User` /
//! `X-ClickHouse-Key` (never in the URL). The time limit is what is left of the request's,
//! the row limit is the source's `maxRows` (overflow throws, so a result is never silently
//! cut). `meta` gives names and types, `data` the rows, `statistics.elapsed` the engine's own
//! time. On abort the connection is dropped and `KILL QUERY WHERE query_id = …` is sent.
//! Errors (`Code: N, e.displayText() = DB::Exception: …`) are mapped by code: 159 time limit →
//! REMOTE_TIMEOUT, 396 too many rows → TOO_LARGE, 192/193/516 → credentials, others
//! REMOTE_ERROR. Works with 18.16 (Debian) and later.

use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{json, Value};

use super::convert::{FrameBuilder, Kind, RemoteColumn};
use super::transport::{HttpResponse, Method};
use super::{Call, Fetched};
use crate::error::{Error, ErrorCode, Result};

const ENGINE: &str = "ClickHouse";

static QUERY_SEQ: AtomicU64 = AtomicU64::new(0);

fn query_id() -> String {
    let nanos = web_time::SystemTime::now().duration_since(web_time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("insightflow-{nanos:x}-{}", QUERY_SEQ.fetch_add(1, Ordering::Relaxed))
}

fn headers(call: &Call<'_>) -> Vec<(String, String)> {
    let o = &call.source.opts;
    let mut h = vec![("Content-Type".to_string(), "text/plain; charset=utf-8".to_string())];
    if let Some(u) = &o.user {
        h.push(("X-ClickHouse-User".into(), u.clone()));
    }
    if let Some(p) = &o.password {
        h.push(("X-ClickHouse-Key".into(), p.clone()));
    }
    h
}

/// A ClickHouse type as a column kind; `Nullable(...)` sets nullable.
pub fn kind_of(t: &str) -> (Kind, bool) {
    let mut t = t.trim();
    let mut nullable = false;
    loop {
        if let Some(inner) = t.strip_prefix("Nullable(").and_then(|r| r.strip_suffix(')')) {
            nullable = true;
            t = inner;
        } else if let Some(inner) = t.strip_prefix("LowCardinality(").and_then(|r| r.strip_suffix(')')) {
            t = inner;
        } else {
            break;
        }
    }
    let base = t.split('(').next().unwrap_or("");
    let kind = match base {
        "UInt8" | "UInt16" | "UInt32" | "UInt64" | "Int8" | "Int16" | "Int32" | "Int64" => Kind::Int,
        "Float32" | "Float64" | "Decimal" | "Decimal32" | "Decimal64" | "Decimal128" => Kind::Float,
        "Bool" => Kind::Bool,
        "Date" | "Date32" => Kind::Date,
        "DateTime" | "DateTime64" => Kind::Datetime,
        _ => Kind::Text,
    };
    (kind, nullable)
}

/// `Code: 60, e.displayText() = DB::Exception: Table default.x doesn't exist., ...`
fn error_code(text: &str) -> Option<u32> {
    let rest = text.trim_start().strip_prefix("Code:")?;
    rest.trim_start().split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
}

fn server_message(text: &str) -> String {
    let t = text.trim();
    let msg = t.split_once("DB::Exception:").map(|(_, m)| m).unwrap_or(t);
    let msg = msg.split(", e.what()").next().unwrap_or(msg);
    msg.split(" (version ").next().unwrap_or(msg).trim().to_string()
}

fn map_error(call: &Call<'_>, status: u16, text: &str) -> Error {
    let msg = server_message(text);
    match error_code(text) {
        Some(159) => {
            let mut e = call.timeout_error();
            e.hint = format!("{} Server said: {}", e.hint, crate::error::short_detail(&call.source.redact(&msg)));
            e
        }
        Some(396) => Error::new(
            ErrorCode::TooLarge,
            format!("The ClickHouse query returns more than {} rows, the most this source accepts.", call.source.opts.max_rows),
            "Aggregate, filter or add a LIMIT (or raise the source's maxRows).",
        ),
        Some(394) => super::transport::aborted(),
        Some(192 | 193 | 516) => call.status_error(401, &msg),
        Some(_) => call.query_error(&msg),
        None => call.status_error(status, text),
    }
}

fn parse_body(call: &Call<'_>, resp: &HttpResponse) -> Result<(FrameBuilder, Value)> {
    if !resp.ok() {
        let text = String::from_utf8_lossy(&resp.body);
        return Err(map_error(call, resp.status, &text));
    }
    let v = match call.json(resp) {
        Ok(v) => v,
        Err(e) => {
            // An error raised after the first rows were sent arrives inside a 200 body.
            let text = String::from_utf8_lossy(&resp.body);
            if let Some(at) = text.find("Code: ") {
                if text.contains("DB::Exception") {
                    return Err(map_error(call, 500, text.get(at..).unwrap_or("")));
                }
            }
            return Err(e);
        }
    };
    let Some(Value::Array(meta)) = v.get("meta") else { return Err(call.bad("It has no 'meta' (column list); is this a ClickHouse server?")) };
    let columns = meta
        .iter()
        .map(|c| {
            let name = c.get("name").and_then(Value::as_str).ok_or_else(|| call.bad("A column has no name."))?;
            let (kind, nullable) = kind_of(c.get("type").and_then(Value::as_str).unwrap_or("String"));
            Ok(RemoteColumn { name: name.to_string(), kind, nullable })
        })
        .collect::<Result<Vec<_>>>()?;
    let mut b = FrameBuilder::new(ENGINE, columns);
    let mut v = v;
    match v.get_mut("data").map(Value::take) {
        Some(Value::Array(rows)) => {
            for row in rows {
                b.push_row(row)?;
            }
        }
        _ => return Err(call.bad("It has no 'data' (rows).")),
    }
    let stats = v.get("statistics").cloned().unwrap_or(Value::Null);
    Ok((b, stats))
}

/// Runs `sql` with `FORMAT JSONCompact`.
pub async fn query(call: &Call<'_>, sql: &str) -> Result<Fetched> {
    let o = &call.source.opts;
    let id = query_id();
    let seconds = (call.remaining_ms() / 1000.0).ceil().max(1.0) as u64;
    let mut url = format!("{}/?query_id={id}&max_execution_time={seconds}&max_result_rows={}&result_overflow_mode=throw", call.source.base, o.max_rows);
    if let Some(db) = &o.database {
        url.push_str("&database=");
        url.push_str(db);
    }
    let body = format!("{sql}\nFORMAT JSONCompact").into_bytes();
    call.observer.progress(None, "ClickHouse: running".into(), json!({"engine": "clickhouse", "state": "RUNNING"}));
    let resp = match call.send(call.request(Method::Post, url, headers(call), body), true).await {
        Ok(r) => r,
        Err(e) => {
            if matches!(e.code, ErrorCode::Aborted | ErrorCode::RemoteTimeout) {
                kill(call, &id).await;
            }
            return Err(e);
        }
    };
    let (b, stats) = parse_body(call, &resp)?;
    let server_ms = stats.get("elapsed").and_then(Value::as_f64).map(|s| s * 1000.0);
    let rows_read = stats.get("rows_read").cloned().unwrap_or(Value::Null);
    let bytes_read = stats.get("bytes_read").cloned().unwrap_or(Value::Null);
    let frame = b.finish()?;
    call.observer.progress(
        Some(1.0),
        format!("ClickHouse: finished, {} rows", frame.height()),
        json!({"engine": "clickhouse", "state": "FINISHED", "processedRows": rows_read, "processedBytes": bytes_read}),
    );
    Ok(Fetched { frame, server_ms, stats: json!({"elapsedMs": server_ms, "rowsRead": rows_read, "bytesRead": bytes_read}) })
}

async fn kill(call: &Call<'_>, id: &str) {
    let url = format!("{}/", call.source.base);
    let sql = format!("KILL QUERY WHERE query_id = '{id}' ASYNC");
    call.fire_and_forget(Method::Post, url, headers(call), sql.into_bytes()).await;
}

/// Columns of the source's table, from `DESCRIBE TABLE`.
pub async fn describe(call: &Call<'_>) -> Result<Vec<RemoteColumn>> {
    let fetched = query(call, &format!("DESCRIBE TABLE {}", call.source.opts.table)).await?;
    let df = &fetched.frame;
    let (Some(names), Some(types)) = (df.column("name").ok(), df.column("type").ok()) else {
        return Err(call.bad("DESCRIBE TABLE did not list names and types."));
    };
    let (Ok(names), Ok(types)) = (names.str(), types.str()) else {
        return Err(call.bad("DESCRIBE TABLE did not list names and types as text."));
    };
    Ok(names
        .into_iter()
        .zip(types)
        .filter_map(|(n, t)| {
            let (kind, nullable) = kind_of(t.unwrap_or("String"));
            Some(RemoteColumn { name: n?.to_string(), kind, nullable })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_and_errors() {
        assert_eq!(kind_of("Nullable(Int64)"), (Kind::Int, true));
        assert_eq!(kind_of("LowCardinality(Nullable(String))"), (Kind::Text, true));
        assert_eq!(kind_of("DateTime('UTC')"), (Kind::Datetime, false));
        assert_eq!(kind_of("Decimal(10, 2)"), (Kind::Float, false));
        assert_eq!(kind_of("Array(UInt8)"), (Kind::Text, false));
        let t = "Code: 60, e.displayText() = DB::Exception: Table default.nope doesn't exist., e.what() = DB::Exception\n";
        assert_eq!(error_code(t), Some(60));
        assert_eq!(server_message(t), "Table default.nope doesn't exist.");
        assert_eq!(error_code("Code: 159. DB::Exception: Timeout exceeded"), Some(159));
        assert_eq!(error_code("nope"), None);
    }
}
