//! The generic protocol (`engine: 'http'`), for teams that put their own backend behind it.
//!
//! Request: `POST {url}` with `Content-Type: application/json` and the source's headers, body
//! `{"sql": "SELECT …", "maxRows": 1000000}`. The SQL is read-only (checked by insightflow) and
//! names the source's remote `table`.
//!
//! Answer (2xx), either
//! - `application/json`: `{"columns": [{"name": "region", "type": "string"}, …], "rows": [["North", 10], …]}`;
//!   `columns` may also be plain names, `rows` objects keyed by column, `type` one of integer,
//!   number, boolean, date, datetime, string (absent: inferred); optional `elapsedMs` (the
//!   backend's own time);
//! - or `application/vnd.apache.arrow.stream`: an Arrow IPC stream.
//!
//! Errors: any non-2xx status, with `{"error": "message"}` (or `{"error": {"message"}}`, or
//! text). 429/502/503/504 are retried. Schema is read with `SELECT * FROM table LIMIT 0`.

use serde_json::{json, Value};

use super::convert::{FrameBuilder, Kind, RemoteColumn};
use super::transport::{HttpResponse, Method};
use super::{Call, Fetched};
use crate::error::{Error, ErrorCode, Result};

const ENGINE: &str = "HTTP";
pub const ARROW_STREAM: &str = "application/vnd.apache.arrow.stream";

fn error_text(resp: &HttpResponse) -> String {
    let text = String::from_utf8_lossy(&resp.body).to_string();
    match serde_json::from_str::<Value>(&text) {
        Ok(v) => v
            .get("error")
            .and_then(|e| e.as_str().map(str::to_string).or_else(|| e.get("message").and_then(Value::as_str).map(str::to_string)))
            .or_else(|| v.get("message").and_then(Value::as_str).map(str::to_string))
            .unwrap_or(text),
        Err(_) => text,
    }
}

fn parse_columns(call: &Call<'_>, v: Option<&Value>) -> Result<Vec<RemoteColumn>> {
    let Some(Value::Array(cols)) = v else { return Err(call.bad("It has no 'columns' list.")) };
    cols.iter()
        .map(|c| match c {
            Value::String(name) => Ok(RemoteColumn { name: name.clone(), kind: Kind::Infer, nullable: true }),
            Value::Object(o) => {
                let name = o.get("name").and_then(Value::as_str).ok_or_else(|| call.bad("A column has no name."))?;
                let kind = o.get("type").and_then(Value::as_str).map_or(Kind::Infer, Kind::from_public);
                let nullable = o.get("nullable").and_then(Value::as_bool).unwrap_or(true);
                Ok(RemoteColumn { name: name.to_string(), kind, nullable })
            }
            _ => Err(call.bad("A column is neither a name nor {name, type}.")),
        })
        .collect()
}

fn arrow_frame(call: &Call<'_>, body: &[u8]) -> Result<polars::prelude::DataFrame> {
    use polars_io::SerReader;
    polars_io::ipc::IpcStreamReader::new(std::io::Cursor::new(body))
        .finish()
        .map_err(|e| call.bad(format!("The Arrow stream could not be read ({}).", crate::error::short_detail(&e.to_string()))))
}

/// Runs `sql` on the backend.
pub async fn query(call: &Call<'_>, sql: &str) -> Result<Fetched> {
    let body = serde_json::to_vec(&json!({"sql": sql, "maxRows": call.source.opts.max_rows})).unwrap_or_default();
    let headers = vec![
        ("Content-Type".to_string(), "application/json".to_string()),
        ("Accept".to_string(), format!("application/json, {ARROW_STREAM}")),
    ];
    let resp = call.send(call.request(Method::Post, call.source.base.clone(), headers, body), true).await?;
    if !resp.ok() {
        return Err(call.status_error(resp.status, &error_text(&resp)));
    }
    let max_rows = usize::try_from(call.source.opts.max_rows).unwrap_or(usize::MAX);
    let too_many = || {
        Error::new(
            ErrorCode::TooLarge,
            format!("The backend's answer has more than {max_rows} rows, the most this source accepts."),
            "Aggregate, filter or add a LIMIT (or raise the source's maxRows).",
        )
    };
    if resp.content_type() == ARROW_STREAM {
        let frame = arrow_frame(call, &resp.body)?;
        if frame.height() > max_rows {
            return Err(too_many());
        }
        return Ok(Fetched { frame, server_ms: None, stats: json!({"format": "arrow"}) });
    }
    let mut v = call.json(&resp)?;
    if !v.is_object() {
        return Err(call.bad("It is not an object with 'columns' and 'rows'."));
    }
    if let Some(err) = v.get("error").filter(|e| !e.is_null()) {
        let said = err.as_str().map(str::to_string).or_else(|| err.get("message").and_then(Value::as_str).map(str::to_string)).unwrap_or_else(|| err.to_string());
        return Err(call.query_error(&said));
    }
    let columns = parse_columns(call, v.get("columns"))?;
    let mut b = FrameBuilder::new(ENGINE, columns);
    match v.get_mut("rows").map(Value::take) {
        Some(Value::Array(rows)) => {
            if rows.len() > max_rows {
                return Err(too_many());
            }
            for row in rows {
                match row {
                    Value::Object(o) => b.push_object(o)?,
                    other => b.push_row(other)?,
                }
            }
        }
        _ => return Err(call.bad("It has no 'rows' list.")),
    }
    let server_ms = v.get("elapsedMs").and_then(Value::as_f64);
    Ok(Fetched { frame: b.finish()?, server_ms, stats: json!({"format": "json", "elapsedMs": server_ms}) })
}

/// Columns of the source's table, from `SELECT * FROM table LIMIT 0`.
pub async fn describe(call: &Call<'_>) -> Result<Vec<RemoteColumn>> {
    let fetched = query(call, &format!("SELECT * FROM {} LIMIT 0", call.source.opts.table)).await?;
    Ok(fetched
        .frame
        .get_columns()
        .iter()
        .map(|c| {
            let public = crate::table::type_name(c.dtype());
            RemoteColumn { name: c.name().to_string(), kind: Kind::from_public(public), nullable: true }
        })
        .collect())
}
