//! Result tables as callers see them: typed column descriptions and JSON-safe cells.
//!
//! Owns the value rules of the public contract: numbers stay numbers, 64-bit integers
//! beyond ±2^53 become decimal strings (never rounded), dates/datetimes/times become ISO
//! strings, categoricals become text, nested values become JSON arrays/objects. Also the
//! Arrow IPC stream output (LargeUtf8, which apache-arrow JS reads). Knows nothing of JS.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone as _};
use polars::prelude::*;
use polars_io::ipc::IpcStreamWriter;
use polars_io::SerWriter;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use crate::error::{short_detail, Error, ErrorCode, Result};

/// Largest integer a JS number holds exactly.
pub const MAX_SAFE_INT: i64 = 9_007_199_254_740_991;

/// A column as callers see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ColumnInfo {
    pub name: String,
    /// One of: integer, number, decimal, string, boolean, date, datetime, time, duration,
    /// binary, list, struct, null.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub nullable: bool,
}

/// One JSON-safe value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<Cell>),
    Object(Vec<(String, Cell)>),
}

impl Serialize for Cell {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Cell::Null => s.serialize_unit(),
            Cell::Bool(b) => s.serialize_bool(*b),
            // Only safe integers (|i| <= 2^53 - 1) are Ints, so JS serializers make a Number.
            Cell::Int(i) => s.serialize_i64(*i),
            Cell::Float(f) => s.serialize_f64(*f),
            Cell::Str(v) => s.serialize_str(v),
            Cell::List(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for it in items {
                    seq.serialize_element(it)?;
                }
                seq.end()
            }
            Cell::Object(fields) => {
                let mut map = s.serialize_map(Some(fields.len()))?;
                for (k, v) in fields {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

/// The public name of a Polars type.
pub fn type_name(dtype: &DataType) -> &'static str {
    match dtype {
        DataType::Boolean => "boolean",
        DataType::UInt8 | DataType::UInt16 | DataType::UInt32 | DataType::UInt64 => "integer",
        DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64 | DataType::Int128 => "integer",
        DataType::Float32 | DataType::Float64 => "number",
        DataType::Decimal(_, _) => "decimal",
        DataType::String | DataType::Categorical(_, _) | DataType::Enum(_, _) => "string",
        DataType::Date => "date",
        DataType::Datetime(_, _) => "datetime",
        DataType::Time => "time",
        DataType::Duration(_) => "duration",
        DataType::Binary | DataType::BinaryOffset => "binary",
        DataType::List(_) | DataType::Array(_, _) => "list",
        DataType::Struct(_) => "struct",
        DataType::Null => "null",
        _ => "string",
    }
}

pub fn columns_of(df: &DataFrame) -> Vec<ColumnInfo> {
    df.get_columns()
        .iter()
        .map(|c| ColumnInfo { name: c.name().to_string(), kind: type_name(c.dtype()), nullable: c.null_count() > 0 })
        .collect()
}

/// A result table in row-major, JSON-safe form. Serializes as
/// `{columns, rows: [{col: value}], rowCount}`.
#[derive(Debug, Clone, PartialEq)]
pub struct RowTable {
    pub columns: Vec<ColumnInfo>,
    /// Column-major cells: `cells[c][r]`.
    cells: Vec<Vec<Cell>>,
    pub row_count: usize,
}

impl RowTable {
    pub fn from_frame(df: &DataFrame) -> Result<RowTable> {
        let columns = columns_of(df);
        let mut cells = Vec::with_capacity(df.width());
        for c in df.get_columns() {
            cells.push(column_cells(c.as_materialized_series())?);
        }
        Ok(RowTable { columns, cells, row_count: df.height() })
    }

    /// The value at row `r` of column `c` (None when out of range).
    pub fn cell(&self, r: usize, c: usize) -> Option<&Cell> {
        self.cells.get(c).and_then(|col| col.get(r))
    }

    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// A column's values as numbers (None for nulls and non-numbers).
    pub fn numbers(&self, c: usize) -> Vec<Option<f64>> {
        self.cells
            .get(c)
            .map(|col| {
                col.iter()
                    .map(|v| match v {
                        Cell::Int(i) => Some(*i as f64),
                        Cell::Float(f) if f.is_finite() => Some(*f),
                        Cell::Str(s) => s.parse::<f64>().ok().filter(|f| f.is_finite()),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A column's values as display text ("" for null).
    pub fn labels(&self, c: usize) -> Vec<String> {
        self.cells
            .get(c)
            .map(|col| {
                col.iter()
                    .map(|v| match v {
                        Cell::Null => String::new(),
                        Cell::Str(s) => s.clone(),
                        Cell::Bool(b) => b.to_string(),
                        Cell::Int(i) => i.to_string(),
                        Cell::Float(f) => f.to_string(),
                        other => serde_json::to_string(other).unwrap_or_default(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Serializable view of the rows as objects keyed by column name.
    pub fn rows(&self) -> Rows<'_> {
        Rows(self)
    }
}

/// Rows as an array of objects (see [`RowTable::rows`]).
pub struct Rows<'a>(&'a RowTable);

impl Serialize for Rows<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let t = self.0;
        let mut seq = s.serialize_seq(Some(t.row_count))?;
        for r in 0..t.row_count {
            seq.serialize_element(&RowRef { t, r })?;
        }
        seq.end()
    }
}

struct RowRef<'a> {
    t: &'a RowTable,
    r: usize,
}

impl Serialize for RowRef<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.t.columns.len()))?;
        for (c, info) in self.t.columns.iter().enumerate() {
            map.serialize_entry(&info.name, self.t.cell(self.r, c).unwrap_or(&Cell::Null))?;
        }
        map.end()
    }
}

impl Serialize for RowTable {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(3))?;
        map.serialize_entry("columns", &self.columns)?;
        map.serialize_entry("rows", &self.rows())?;
        map.serialize_entry("rowCount", &self.row_count)?;
        map.end()
    }
}

fn column_cells(s: &Series) -> Result<Vec<Cell>> {
    // Text-like logical types are cast once, up front, instead of per value.
    let s = match s.dtype() {
        DataType::Categorical(_, _) | DataType::Enum(_, _) => cast(s, &DataType::String)?,
        DataType::Decimal(_, _) => cast(s, &DataType::Float64)?,
        _ => s.clone(),
    };
    // `Series::iter` asserts a single chunk (results of UNION ALL, joins, ... have several).
    let s = s.rechunk();
    Ok(s.iter().map(|av| any_to_cell(&av)).collect())
}

fn cast(s: &Series, to: &DataType) -> Result<Series> {
    s.cast(to).map_err(|e| {
        Error::new(ErrorCode::Internal, "A result column could not be converted.", short_detail(&e.to_string()))
    })
}

fn int_cell(v: i128) -> Cell {
    if v.unsigned_abs() <= MAX_SAFE_INT as u128 {
        Cell::Int(v as i64)
    } else {
        Cell::Str(v.to_string())
    }
}

fn unit_to_nanos(v: i64, unit: TimeUnit) -> i128 {
    let v = i128::from(v);
    match unit {
        TimeUnit::Nanoseconds => v,
        TimeUnit::Microseconds => v * 1_000,
        TimeUnit::Milliseconds => v * 1_000_000,
    }
}

/// ISO 8601 text for a datetime: naive ones without offset, zoned ones with their offset.
pub fn datetime_iso(v: i64, unit: TimeUnit, tz: Option<&str>) -> String {
    let nanos = unit_to_nanos(v, unit);
    let secs = nanos.div_euclid(1_000_000_000);
    let sub = nanos.rem_euclid(1_000_000_000) as u32;
    let Some(utc) = i64::try_from(secs).ok().and_then(|s| DateTime::from_timestamp(s, sub)) else {
        return v.to_string();
    };
    let frac = match unit {
        TimeUnit::Milliseconds => "%.3f",
        TimeUnit::Microseconds => "%.6f",
        TimeUnit::Nanoseconds => "%.9f",
    };
    let frac = if sub == 0 { "" } else { frac };
    match tz {
        None => utc.naive_utc().format(&format!("%Y-%m-%dT%H:%M:%S{frac}")).to_string(),
        Some(name) => match name.parse::<chrono::FixedOffset>() {
            Ok(off) => off.from_utc_datetime(&utc.naive_utc()).format(&format!("%Y-%m-%dT%H:%M:%S{frac}%:z")).to_string(),
            // Named zones are not bundled (size); give the exact instant in UTC.
            Err(_) => utc.format(&format!("%Y-%m-%dT%H:%M:%S{frac}Z")).to_string(),
        },
    }
}

pub fn date_iso(days: i32) -> String {
    NaiveDate::from_num_days_from_ce_opt(days.saturating_add(719_163))
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| days.to_string())
}

fn time_iso(nanos: i64) -> String {
    let secs = nanos.div_euclid(1_000_000_000);
    let sub = nanos.rem_euclid(1_000_000_000) as u32;
    u32::try_from(secs)
        .ok()
        .and_then(|s| NaiveTime::from_num_seconds_from_midnight_opt(s, sub))
        .map(|t| if sub == 0 { t.format("%H:%M:%S").to_string() } else { t.format("%H:%M:%S%.f").to_string() })
        .unwrap_or_else(|| nanos.to_string())
}

fn any_to_cell(av: &AnyValue) -> Cell {
    match av {
        AnyValue::Null => Cell::Null,
        AnyValue::Boolean(b) => Cell::Bool(*b),
        AnyValue::String(s) => Cell::Str((*s).to_string()),
        AnyValue::StringOwned(s) => Cell::Str(s.to_string()),
        AnyValue::UInt8(v) => Cell::Int(i64::from(*v)),
        AnyValue::UInt16(v) => Cell::Int(i64::from(*v)),
        AnyValue::UInt32(v) => Cell::Int(i64::from(*v)),
        AnyValue::UInt64(v) => int_cell(i128::from(*v)),
        AnyValue::Int8(v) => Cell::Int(i64::from(*v)),
        AnyValue::Int16(v) => Cell::Int(i64::from(*v)),
        AnyValue::Int32(v) => Cell::Int(i64::from(*v)),
        AnyValue::Int64(v) => int_cell(i128::from(*v)),
        AnyValue::Int128(v) => int_cell(*v),
        AnyValue::Float32(v) => Cell::Float(f64::from(*v)),
        AnyValue::Float64(v) => Cell::Float(*v),
        AnyValue::Date(d) => Cell::Str(date_iso(*d)),
        AnyValue::Datetime(v, unit, tz) => Cell::Str(datetime_iso(*v, *unit, tz.map(|t| t.as_str()))),
        AnyValue::DatetimeOwned(v, unit, tz) => Cell::Str(datetime_iso(*v, *unit, tz.as_deref().map(|t| t.as_str()))),
        AnyValue::Duration(v, unit) => {
            // milliseconds as a number: what JS Date arithmetic uses
            let ms = unit_to_nanos(*v, *unit) as f64 / 1e6;
            Cell::Float(ms)
        }
        AnyValue::Time(ns) => Cell::Str(time_iso(*ns)),
        AnyValue::Decimal(v, scale) => Cell::Float(*v as f64 / 10f64.powi(i32::try_from(*scale).unwrap_or(0))),
        AnyValue::List(s) | AnyValue::Array(s, _) => Cell::List(s.rechunk().iter().map(|v| any_to_cell(&v)).collect()),
        AnyValue::Struct(_, _, fields) => {
            let mut buf = Vec::new();
            av._materialize_struct_av(&mut buf);
            Cell::Object(fields.iter().zip(buf.iter()).map(|(f, v)| (f.name().to_string(), any_to_cell(v))).collect())
        }
        AnyValue::StructOwned(payload) => {
            let (vals, fields) = &**payload;
            Cell::Object(fields.iter().zip(vals.iter()).map(|(f, v)| (f.name().to_string(), any_to_cell(v))).collect())
        }
        AnyValue::Binary(b) => Cell::Str(hex(b)),
        AnyValue::BinaryOwned(b) => Cell::Str(hex(b)),
        other => Cell::Str(other.str_value().into_owned()),
    }
}

fn hex(b: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(b.len() * 2);
    for byte in b {
        s.push(char::from(DIGITS[usize::from(byte >> 4)]));
        s.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    s
}

/// Arrow IPC stream bytes of `df`, with strings as LargeUtf8 (readable by apache-arrow JS).
pub fn to_arrow_ipc(df: &mut DataFrame) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    IpcStreamWriter::new(&mut buf)
        .with_compat_level(CompatLevel::oldest())
        .finish(df)
        .map_err(|e| Error::new(ErrorCode::Internal, "The result could not be written as Arrow.", short_detail(&e.to_string())))?;
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_integers_become_strings() {
        assert_eq!(int_cell(MAX_SAFE_INT as i128), Cell::Int(MAX_SAFE_INT));
        assert_eq!(int_cell(MAX_SAFE_INT as i128 + 1), Cell::Str("9007199254740992".into()));
        assert_eq!(int_cell(-(MAX_SAFE_INT as i128) - 1), Cell::Str("-9007199254740992".into()));
    }

    #[test]
    fn temporal_iso() {
        assert_eq!(date_iso(0), "1970-01-01");
        assert_eq!(date_iso(18_628), "2021-01-01");
        assert_eq!(date_iso(-1), "1969-12-31");
        assert_eq!(datetime_iso(1_609_459_200_000, TimeUnit::Milliseconds, None), "2021-01-01T00:00:00");
        assert_eq!(datetime_iso(1_609_459_200_123, TimeUnit::Milliseconds, None), "2021-01-01T00:00:00.123");
        assert_eq!(datetime_iso(0, TimeUnit::Microseconds, Some("UTC")), "1970-01-01T00:00:00Z");
        assert_eq!(datetime_iso(0, TimeUnit::Microseconds, Some("+02:00")), "1970-01-01T02:00:00+02:00");
        assert_eq!(time_iso(3_723_000_000_000), "01:02:03");
    }
}
