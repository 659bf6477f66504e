//! Rows of JSON cells, as remote engines send them, into Polars frames (and column types into
//! the public [`ColumnInfo`] vocabulary), so the rest of the pipeline never knows a result
//! came from elsewhere.
//!
//! Engines type their columns in their own words; each protocol maps them to a [`Kind`].
//! Numbers may come as JSON numbers or as text (ClickHouse quotes 64-bit integers, Trino
//! decimals, Cube every measure), non-finite floats as text (`"NaN"`, `"+Infinity"`, `"inf"`).
//! A value that does not fit its declared numeric kind makes the answer a bad response;
//! date/time text in a format not recognised keeps the column as text.

use chrono::{NaiveDate, NaiveDateTime};
use polars::prelude::*;
use serde_json::Value;

use crate::error::{Error, ErrorCode, Result};
use crate::table::ColumnInfo;

/// What a remote column holds, as far as the frame is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Int,
    Float,
    Bool,
    Date,
    Datetime,
    Text,
    /// Unknown: decided from the values (generic protocol without types).
    Infer,
}

impl Kind {
    /// The public type name (see [`crate::table::type_name`]).
    pub fn public(self) -> &'static str {
        match self {
            Kind::Int => "integer",
            Kind::Float => "number",
            Kind::Bool => "boolean",
            Kind::Date => "date",
            Kind::Datetime => "datetime",
            Kind::Text | Kind::Infer => "string",
        }
    }

    /// From the public vocabulary (generic protocol), leniently.
    pub fn from_public(t: &str) -> Kind {
        match t.trim().to_ascii_lowercase().as_str() {
            "integer" | "int" | "bigint" | "long" | "int64" | "int32" => Kind::Int,
            "number" | "float" | "double" | "decimal" | "float64" | "numeric" => Kind::Float,
            "boolean" | "bool" => Kind::Bool,
            "date" => Kind::Date,
            "datetime" | "timestamp" => Kind::Datetime,
            "" => Kind::Infer,
            _ => Kind::Text,
        }
    }
}

#[derive(Debug, Clone)]
pub struct RemoteColumn {
    pub name: String,
    pub kind: Kind,
    pub nullable: bool,
}

impl RemoteColumn {
    pub fn info(&self) -> ColumnInfo {
        ColumnInfo { name: self.name.clone(), kind: self.kind.public(), nullable: self.nullable }
    }
}

pub fn bad_response(engine: &str, what: impl Into<String>) -> Error {
    Error::new(
        ErrorCode::RemoteBadResponse,
        format!("The {engine} server's answer could not be read."),
        format!("{} Check that the URL points at a {engine} endpoint and that the server is healthy.", what.into()),
    )
}

/// Column-wise accumulation of row-major JSON cells.
pub struct FrameBuilder {
    engine: &'static str,
    columns: Vec<RemoteColumn>,
    cells: Vec<Vec<Value>>,
    rows: usize,
}

impl FrameBuilder {
    pub fn new(engine: &'static str, columns: Vec<RemoteColumn>) -> Self {
        let cells = columns.iter().map(|_| Vec::new()).collect();
        FrameBuilder { engine, columns, cells, rows: 0 }
    }

    pub fn columns(&self) -> &[RemoteColumn] {
        &self.columns
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Appends one row given as an array of cells.
    pub fn push_row(&mut self, row: Value) -> Result<()> {
        let Value::Array(cells) = row else {
            return Err(bad_response(self.engine, "A row is not a list of values."));
        };
        if cells.len() != self.columns.len() {
            return Err(bad_response(self.engine, format!("A row has {} values for {} columns.", cells.len(), self.columns.len())));
        }
        for (col, v) in self.cells.iter_mut().zip(cells) {
            col.push(v);
        }
        self.rows += 1;
        Ok(())
    }

    /// Appends one row given as an object keyed by column name (missing keys are null).
    pub fn push_object(&mut self, mut row: serde_json::Map<String, Value>) -> Result<()> {
        for (col, info) in self.cells.iter_mut().zip(&self.columns) {
            col.push(row.remove(&info.name).unwrap_or(Value::Null));
        }
        self.rows += 1;
        Ok(())
    }

    pub fn finish(self) -> Result<DataFrame> {
        let mut out = Vec::with_capacity(self.columns.len());
        let mut seen = std::collections::HashSet::new();
        for (info, values) in self.columns.iter().zip(self.cells) {
            let mut name = info.name.clone();
            // Engines allow duplicate output names; frames do not.
            let mut n = 1;
            while !seen.insert(name.clone()) {
                n += 1;
                name = format!("{}_{n}", info.name);
            }
            out.push(column(self.engine, &name, info.kind, values)?);
        }
        DataFrame::new(out).map_err(|e| bad_response(self.engine, crate::error::short_detail(&e.to_string())))
    }
}

fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

pub fn float_of(v: &Value) -> std::result::Result<Option<f64>, ()> {
    match v {
        Value::Null => Ok(None),
        Value::Number(n) => n.as_f64().map(Some).ok_or(()),
        Value::Bool(b) => Ok(Some(if *b { 1.0 } else { 0.0 })),
        Value::String(s) => {
            let t = s.trim();
            match t.to_ascii_lowercase().as_str() {
                "nan" | "-nan" | "+nan" => Ok(Some(f64::NAN)),
                "inf" | "+inf" | "infinity" | "+infinity" => Ok(Some(f64::INFINITY)),
                "-inf" | "-infinity" => Ok(Some(f64::NEG_INFINITY)),
                "" => Ok(None),
                _ => t.parse::<f64>().map(Some).map_err(|_| ()),
            }
        }
        _ => Err(()),
    }
}

/// Integers; values beyond i64 make the column text (exact digits, never rounded).
enum Ints {
    Fit(Vec<Option<i64>>),
    Text,
}

fn ints_of(values: &[Value]) -> std::result::Result<Ints, ()> {
    let mut out = Vec::with_capacity(values.len());
    for v in values {
        let i = match v {
            Value::Null => None,
            Value::Number(n) => match n.as_i64() {
                Some(i) => Some(i),
                None if n.as_u64().is_some() => return Ok(Ints::Text),
                None => return Err(()),
            },
            Value::Bool(b) => Some(i64::from(*b)),
            Value::String(s) if s.trim().is_empty() => None,
            Value::String(s) => match s.trim().parse::<i64>() {
                Ok(i) => Some(i),
                Err(_) if s.trim().parse::<i128>().is_ok() => return Ok(Ints::Text),
                Err(_) => return Err(()),
            },
            _ => return Err(()),
        };
        out.push(i);
    }
    Ok(Ints::Fit(out))
}

fn bool_of(v: &Value) -> std::result::Result<Option<bool>, ()> {
    match v {
        Value::Null => Ok(None),
        Value::Bool(b) => Ok(Some(*b)),
        Value::Number(n) => Ok(Some(n.as_f64().unwrap_or(0.0) != 0.0)),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "t" | "1" | "yes" => Ok(Some(true)),
            "false" | "f" | "0" | "no" => Ok(Some(false)),
            "" => Ok(None),
            _ => Err(()),
        },
        _ => Err(()),
    }
}

const EPOCH_DAYS_CE: i32 = 719_163;

pub fn parse_date(s: &str) -> Option<i32> {
    let s = s.trim();
    let d = NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d").ok()?;
    // a date column must not silently drop a time part
    if s.len() > 10 && !s.get(10..).unwrap_or("").trim_start_matches(['T', ' ']).trim_start_matches("00:00:00").trim_start_matches(['.', '0']).trim_start_matches('Z').is_empty() {
        return None;
    }
    Some(d.num_days_from_ce() - EPOCH_DAYS_CE)
}

use chrono::Datelike as _;

/// Microseconds since the epoch; offsets are applied (UTC), zone names ignored.
pub fn parse_datetime(s: &str) -> Option<i64> {
    let s = s.trim();
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(s) {
        return Some(dt.timestamp_micros());
    }
    // "2021-01-01 00:00:00.000 UTC" (Trino with time zone): drop a trailing zone name
    let base = match s.rsplit_once(' ') {
        Some((head, zone)) if zone.chars().all(|c| c.is_ascii_alphabetic() || c == '/' || c == '_') && head.len() >= 19 => head,
        _ => s,
    };
    let base = base.strip_suffix('Z').unwrap_or(base);
    for fmt in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(base, fmt) {
            return Some(dt.and_utc().timestamp_micros());
        }
    }
    NaiveDate::parse_from_str(base, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0)).map(|dt| dt.and_utc().timestamp_micros())
}

fn infer(values: &[Value]) -> Kind {
    let mut kind: Option<Kind> = None;
    for v in values {
        let k = match v {
            Value::Null => continue,
            Value::Bool(_) => Kind::Bool,
            Value::Number(n) if n.is_i64() => Kind::Int,
            Value::Number(_) => Kind::Float,
            _ => return Kind::Text,
        };
        kind = Some(match (kind, k) {
            (None, k) => k,
            (Some(a), b) if a == b => a,
            (Some(Kind::Int), Kind::Float) | (Some(Kind::Float), Kind::Int) => Kind::Float,
            _ => return Kind::Text,
        });
    }
    kind.unwrap_or(Kind::Text)
}

fn text_column(name: &str, values: &[Value]) -> Column {
    let v: Vec<Option<String>> = values.iter().map(text_of).collect();
    Column::new(name.into(), v)
}

fn column(engine: &'static str, name: &str, kind: Kind, values: Vec<Value>) -> Result<Column> {
    let wrong = |what: &str| bad_response(engine, format!("Column '{name}' was declared {what} but holds other values."));
    let kind = if kind == Kind::Infer { infer(&values) } else { kind };
    Ok(match kind {
        Kind::Int => match ints_of(&values).map_err(|()| wrong("integer"))? {
            Ints::Fit(v) => Column::new(name.into(), v),
            Ints::Text => text_column(name, &values),
        },
        Kind::Float => {
            let v = values.iter().map(float_of).collect::<std::result::Result<Vec<_>, ()>>().map_err(|()| wrong("a number"))?;
            Column::new(name.into(), v)
        }
        Kind::Bool => {
            let v = values.iter().map(bool_of).collect::<std::result::Result<Vec<_>, ()>>().map_err(|()| wrong("boolean"))?;
            Column::new(name.into(), v)
        }
        Kind::Date => {
            let parsed: Option<Vec<Option<i32>>> = values
                .iter()
                .map(|v| match v {
                    Value::Null => Some(None),
                    Value::String(s) => parse_date(s).map(Some),
                    _ => None,
                })
                .collect();
            match parsed {
                Some(days) => Column::new(name.into(), days).cast(&DataType::Date).map_err(|e| bad_response(engine, crate::error::short_detail(&e.to_string())))?,
                None => text_column(name, &values),
            }
        }
        Kind::Datetime => {
            let parsed: Option<Vec<Option<i64>>> = values
                .iter()
                .map(|v| match v {
                    Value::Null => Some(None),
                    Value::String(s) => parse_datetime(s).map(Some),
                    _ => None,
                })
                .collect();
            match parsed {
                Some(us) => Column::new(name.into(), us)
                    .cast(&DataType::Datetime(TimeUnit::Microseconds, None))
                    .map_err(|e| bad_response(engine, crate::error::short_detail(&e.to_string())))?,
                None => text_column(name, &values),
            }
        }
        Kind::Text | Kind::Infer => text_column(name, &values),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cols(spec: &[(&str, Kind)]) -> Vec<RemoteColumn> {
        spec.iter().map(|(n, k)| RemoteColumn { name: n.to_string(), kind: *k, nullable: true }).collect()
    }

    #[test]
    fn typed_rows_become_a_frame() {
        let mut b = FrameBuilder::new("Test", cols(&[("i", Kind::Int), ("f", Kind::Float), ("d", Kind::Date), ("t", Kind::Datetime), ("s", Kind::Text), ("b", Kind::Bool)]));
        b.push_row(json!(["1", 1.5, "2021-01-02", "2021-01-02 03:04:05.250", "x", true])).unwrap();
        b.push_row(json!([null, "NaN", null, "2021-01-02T03:04:05Z", ["a"], 0])).unwrap();
        b.push_row(json!([3, "+Infinity", "2021-01-03", null, null, "false"])).unwrap();
        let df = b.finish().unwrap();
        assert_eq!(df.shape(), (3, 6));
        assert_eq!(df.column("i").unwrap().dtype(), &DataType::Int64);
        assert_eq!(df.column("d").unwrap().dtype(), &DataType::Date);
        assert!(matches!(df.column("t").unwrap().dtype(), DataType::Datetime(_, None)));
        assert_eq!(df.column("s").unwrap().str().unwrap().get(1), Some("[\"a\"]"));
        let f = df.column("f").unwrap().f64().unwrap();
        assert!(f.get(1).unwrap().is_nan() && f.get(2).unwrap().is_infinite());
    }

    #[test]
    fn huge_integers_stay_exact_as_text() {
        let mut b = FrameBuilder::new("Test", cols(&[("u", Kind::Int)]));
        b.push_row(json!(["18446744073709551615"])).unwrap();
        let df = b.finish().unwrap();
        assert_eq!(df.column("u").unwrap().str().unwrap().get(0), Some("18446744073709551615"));
    }

    #[test]
    fn bad_values_and_shapes_are_bad_responses() {
        let mut b = FrameBuilder::new("Test", cols(&[("i", Kind::Int)]));
        assert_eq!(b.push_row(json!([1, 2])).unwrap_err().code, ErrorCode::RemoteBadResponse);
        assert_eq!(b.push_row(json!({"i": 1})).unwrap_err().code, ErrorCode::RemoteBadResponse);
        b.push_row(json!(["abc"])).unwrap();
        assert_eq!(b.finish().unwrap_err().code, ErrorCode::RemoteBadResponse);
        // unknown date formats keep the text
        let mut b = FrameBuilder::new("Test", cols(&[("d", Kind::Date)]));
        b.push_row(json!(["Jan 1 2021"])).unwrap();
        assert_eq!(b.finish().unwrap().column("d").unwrap().dtype(), &DataType::String);
    }

    #[test]
    fn inference_and_duplicate_names() {
        let mut b = FrameBuilder::new("Test", cols(&[("a", Kind::Infer), ("a", Kind::Infer)]));
        b.push_row(json!([1, 1.5])).unwrap();
        b.push_row(json!([2, 2])).unwrap();
        let df = b.finish().unwrap();
        assert_eq!(df.get_column_names_str(), vec!["a", "a_2"]);
        assert_eq!(df.column("a").unwrap().dtype(), &DataType::Int64);
        assert_eq!(df.column("a_2").unwrap().dtype(), &DataType::Float64);
    }

    #[test]
    fn dates_and_times() {
        assert_eq!(parse_date("1970-01-02"), Some(1));
        assert_eq!(parse_date("1970-01-02T00:00:00.000"), Some(1));
        assert_eq!(parse_date("1970-01-02 10:00:00"), None);
        assert_eq!(parse_datetime("1970-01-01 00:00:01.5"), Some(1_500_000));
        assert_eq!(parse_datetime("1970-01-01T01:00:00+01:00"), Some(0));
        assert_eq!(parse_datetime("1970-01-01 00:00:00.000 UTC"), Some(0));
        assert_eq!(parse_datetime("1970-01-01T00:00:00.000"), Some(0));
        assert_eq!(parse_datetime("nope"), None);
    }
}
