//! The Trino/Presto client protocol (`engine: 'trino'`).
//!
//! `POST {url}/v1/statement` with the SQL as the body and `X-Trino-User` / `-Catalog` /
//! `-Schema` / `-Source` headers; then `GET nextUri` until the answer has none, collecting
//! `columns` once and `data` from every page. Each page's `stats` (state, progressPercentage,
//! processedRows) is reported as progress during the execute stage. On abort or timeout the
//! query is cancelled with `DELETE nextUri` (and `DELETE partialCancelUri`, which is what
//! dask-sql's server implements). An `error` object becomes REMOTE_ERROR with the engine's
//! message (REMOTE_TIMEOUT for its time-limit errors). `nextUri` must stay on the source's
//! origin: credentials are never sent to another server.

use serde_json::{json, Value};

use super::convert::{FrameBuilder, Kind, RemoteColumn};
use super::transport::{origin, Method};
use super::{Call, Fetched};
use crate::error::{Error, ErrorCode, Result};

const ENGINE: &str = "Trino";

fn session_headers(call: &Call<'_>) -> Vec<(String, String)> {
    let o = &call.source.opts;
    let mut h = vec![
        ("X-Trino-User".to_string(), o.user.clone().unwrap_or_else(|| "insightflow".into())),
        ("X-Trino-Source".to_string(), "insightflow".to_string()),
        ("Content-Type".to_string(), "text/plain; charset=utf-8".to_string()),
    ];
    if let Some(c) = &o.catalog {
        h.push(("X-Trino-Catalog".into(), c.clone()));
    }
    if let Some(s) = &o.schema {
        h.push(("X-Trino-Schema".into(), s.clone()));
    }
    h
}

/// A Trino type name as a column kind (`varchar(10)`, `decimal(10,2)`, `timestamp(3) with time zone`).
pub fn kind_of(t: &str) -> Kind {
    let lower = t.trim().to_ascii_lowercase();
    let base = lower.split(['(', ' ']).next().unwrap_or("");
    match base {
        "bigint" | "integer" | "int" | "smallint" | "tinyint" => Kind::Int,
        "double" | "real" | "decimal" | "float" => Kind::Float,
        "boolean" => Kind::Bool,
        "date" => Kind::Date,
        "timestamp" => Kind::Datetime,
        _ => Kind::Text,
    }
}

fn parse_columns(call: &Call<'_>, v: &Value) -> Result<Vec<RemoteColumn>> {
    let Value::Array(cols) = v else { return Err(call.bad("Its 'columns' is not a list.")) };
    cols.iter()
        .map(|c| {
            let name = c.get("name").and_then(Value::as_str).ok_or_else(|| call.bad("A column has no name."))?;
            let ty = c.get("type").and_then(Value::as_str).unwrap_or("varchar");
            Ok(RemoteColumn { name: name.to_string(), kind: kind_of(ty), nullable: true })
        })
        .collect()
}

fn map_error(call: &Call<'_>, err: &Value) -> Error {
    let message = err.get("message").and_then(Value::as_str).unwrap_or("unknown error");
    let name = err.get("errorName").and_then(Value::as_str).unwrap_or("");
    if name.starts_with("EXCEEDED_TIME_LIMIT") || name == "ABANDONED_QUERY" {
        let mut e = call.timeout_error();
        e.hint = format!("{} Server said: {}", e.hint, crate::error::short_detail(&call.source.redact(message)));
        return e;
    }
    if name == "USER_CANCELED" {
        return super::transport::aborted();
    }
    call.query_error(message)
}

fn report(call: &Call<'_>, stats: &Value, rows: usize) {
    let state = stats.get("state").and_then(Value::as_str).unwrap_or("");
    let pct = stats.get("progressPercentage").and_then(Value::as_f64).filter(|p| p.is_finite());
    let processed = stats.get("processedRows").and_then(Value::as_u64).unwrap_or(0);
    let message = match (state.is_empty(), pct) {
        (false, Some(p)) => format!("Trino: {state}, {p:.0}%, {processed} rows processed"),
        (false, None) => format!("Trino: {state}, {processed} rows processed"),
        (true, _) => format!("Trino: waiting, {rows} rows received"),
    };
    let detail = json!({
        "engine": "trino",
        "state": state,
        "progressPercentage": pct,
        "processedRows": processed,
        "processedBytes": stats.get("processedBytes").and_then(Value::as_u64),
        "rowsReceived": rows,
    });
    call.observer.progress(pct.map(|p| (p / 100.0).clamp(0.0, 1.0)), message, detail);
}

/// Cancels a running query: DELETE on nextUri (Trino) and on partialCancelUri (dask-sql).
async fn cancel(call: &Call<'_>, next: Option<&str>, partial: Option<&str>) {
    for uri in [next, partial].into_iter().flatten() {
        if origin(uri) == call.source.peer.origin {
            call.fire_and_forget(Method::Delete, uri.to_string(), session_headers(call), Vec::new()).await;
        }
    }
}

fn page_of(call: &Call<'_>, resp: &super::transport::HttpResponse) -> Result<Value> {
    if !resp.ok() {
        let text = String::from_utf8_lossy(&resp.body);
        // Trino sends plain-text or JSON errors with 4xx/5xx
        let said = serde_json::from_str::<Value>(&text)
            .ok()
            .and_then(|v| v.get("message").or_else(|| v.get("error").and_then(|e| e.get("message"))).and_then(Value::as_str).map(str::to_string))
            .unwrap_or_else(|| text.to_string());
        return Err(call.status_error(resp.status, &said));
    }
    let v = call.json(resp)?;
    if !v.is_object() {
        return Err(call.bad("It is not a Trino query result (an object was expected)."));
    }
    Ok(v)
}

/// Runs `sql` and collects every page.
pub async fn query(call: &Call<'_>, sql: &str) -> Result<Fetched> {
    let url = format!("{}/v1/statement", call.source.base);
    let max_rows = usize::try_from(call.source.opts.max_rows).unwrap_or(usize::MAX);
    let resp = call.send(call.request(Method::Post, url, session_headers(call), sql.as_bytes().to_vec()), true).await?;
    let mut page = page_of(call, &resp)?;
    let mut builder: Option<FrameBuilder> = None;
    let mut stats = Value::Null;
    let mut idle = 0u32;
    loop {
        if let Some(err) = page.get("error").filter(|e| !e.is_null()) {
            return Err(map_error(call, err));
        }
        if builder.is_none() {
            if let Some(cols) = page.get("columns").filter(|c| !c.is_null()) {
                builder = Some(FrameBuilder::new(ENGINE, parse_columns(call, cols)?));
            }
        }
        let next = page.get("nextUri").and_then(Value::as_str).map(str::to_string);
        let partial = page.get("partialCancelUri").and_then(Value::as_str).map(str::to_string);
        let mut got = 0;
        if let Some(Value::Array(data)) = page.get_mut("data").map(Value::take) {
            let Some(b) = builder.as_mut() else { return Err(call.bad("It sent rows before saying what the columns are.")) };
            got = data.len();
            for row in data {
                b.push_row(row)?;
            }
            if b.rows() > max_rows {
                cancel(call, next.as_deref(), partial.as_deref()).await;
                return Err(Error::new(
                    ErrorCode::TooLarge,
                    format!("The Trino query returns more than {max_rows} rows, the most this source accepts."),
                    "Aggregate, filter or add a LIMIT (or raise the source's maxRows).",
                ));
            }
        }
        if let Some(s) = page.get("stats").filter(|s| s.is_object()) {
            stats = s.clone();
            report(call, s, builder.as_ref().map_or(0, FrameBuilder::rows));
        }
        let Some(next) = next else { break };
        if origin(&next) != call.source.peer.origin {
            return Err(call.bad("It points to another server for the rest of the answer (nextUri); insightflow only follows the source's own origin."));
        }
        if call.aborted() {
            cancel(call, Some(&next), partial.as_deref()).await;
            return Err(super::transport::aborted());
        }
        // Servers that answer "not yet" at once (dask-sql) would be polled in a busy loop.
        if got == 0 {
            // 2, 4, 8, … 128 ms: a quick query is picked up within a few ms, a slow one is not hammered
            let wait = (2.0 * 2f64.powi(idle.min(6) as i32)).min(call.remaining_ms());
            call.client.sleep(wait).await;
            idle += 1;
        } else {
            idle = 0;
        }
        let resp = match call.send(call.request(Method::Get, next.clone(), session_headers(call), Vec::new()), true).await {
            Ok(r) => r,
            Err(e) => {
                if matches!(e.code, ErrorCode::Aborted | ErrorCode::RemoteTimeout) {
                    cancel(call, Some(&next), partial.as_deref()).await;
                }
                return Err(e);
            }
        };
        page = page_of(call, &resp)?;
    }
    let frame = match builder {
        Some(b) => b.finish()?,
        None => polars::prelude::DataFrame::empty(),
    };
    let server_ms = stats.get("elapsedTimeMillis").and_then(Value::as_f64).filter(|ms| *ms > 0.0);
    let summary = json!({
        "state": stats.get("state").cloned().unwrap_or(Value::Null),
        "processedRows": stats.get("processedRows").cloned().unwrap_or(Value::Null),
        "processedBytes": stats.get("processedBytes").cloned().unwrap_or(Value::Null),
        "elapsedTimeMillis": server_ms,
    });
    Ok(Fetched { frame, server_ms, stats: summary })
}

/// Columns of the source's table, from `SHOW COLUMNS FROM` (Column, Type, Extra, Comment):
/// Trino's `DESCRIBE`, and the form dask-sql implements.
pub async fn describe(call: &Call<'_>) -> Result<Vec<RemoteColumn>> {
    let fetched = query(call, &format!("SHOW COLUMNS FROM {}", call.source.opts.table)).await?;
    let df = &fetched.frame;
    let (Some(names), Some(types)) = (df.get_columns().first(), df.get_columns().get(1)) else {
        return Err(call.bad("SHOW COLUMNS did not list columns and types."));
    };
    let (Ok(names), Ok(types)) = (names.str(), types.str()) else {
        return Err(call.bad("SHOW COLUMNS did not list columns and types as text."));
    };
    Ok(names
        .into_iter()
        .zip(types)
        .filter_map(|(n, t)| Some(RemoteColumn { name: n?.to_string(), kind: kind_of(t.unwrap_or("varchar")), nullable: true }))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types() {
        assert_eq!(kind_of("bigint"), Kind::Int);
        assert_eq!(kind_of("decimal(10,2)"), Kind::Float);
        assert_eq!(kind_of("varchar(10)"), Kind::Text);
        assert_eq!(kind_of("timestamp(3) with time zone"), Kind::Datetime);
        assert_eq!(kind_of("array(integer)"), Kind::Text);
        assert_eq!(kind_of("DATE"), Kind::Date);
    }
}
