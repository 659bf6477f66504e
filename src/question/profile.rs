//! What the question parser knows about a source beyond its schema: the distinct values of
//! text columns (so "Japan" finds `Origin`), min/max of numbers and dates (bins, "last 3
//! months"), and the format of dates stored as text ("Jan 1 2000"). Built once per table
//! version with a few read-only queries and cached beside the schema (see
//! [`crate::runtime::Runtime`]). Never panics: a column whose statistics fail is simply
//! described less.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};

use super::lexer::norm_text;
use crate::engine::TableSchema;
use crate::error::Result;
use crate::table::{Cell, RowTable};

/// Distinct values kept per text column (more: the column is not searched for values).
pub const MAX_VALUES_PER_COLUMN: usize = 10_000;
/// Distinct values kept per table, all columns together.
pub const MAX_VALUES_TOTAL: usize = 200_000;

/// What a column holds, as far as questions are concerned.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Number { integer: bool },
    Text,
    /// A date or datetime column, or text holding dates in `text_format` (strftime).
    Temporal { text_format: Option<String>, has_time: bool },
    Bool,
    Other,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ColumnProfile {
    pub name: String,
    /// The schema's type name (integer, number, string, date, ...).
    pub type_name: &'static str,
    pub kind: Kind,
    /// Non-null distinct values (text columns), when known.
    pub distinct: Option<usize>,
    /// Distinct values with their row counts, most frequent first (text columns with at most
    /// [`MAX_VALUES_PER_COLUMN`] values).
    pub values: Vec<(String, u64)>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub min_time: Option<NaiveDateTime>,
    pub max_time: Option<NaiveDateTime>,
    /// Rows with a value (not null).
    pub non_null: Option<usize>,
}

impl ColumnProfile {
    pub fn is_numeric(&self) -> bool {
        matches!(self.kind, Kind::Number { .. })
    }
    pub fn is_temporal(&self) -> bool {
        matches!(self.kind, Kind::Temporal { .. })
    }
    pub fn is_text(&self) -> bool {
        matches!(self.kind, Kind::Text | Kind::Bool)
    }
    pub fn has_time(&self) -> bool {
        matches!(self.kind, Kind::Temporal { has_time: true, .. })
    }
    /// Integer column with few distinct values (cylinders, a year): usable as a category.
    pub fn is_integer(&self) -> bool {
        matches!(self.kind, Kind::Number { integer: true })
    }
}

/// The profile of one table.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub table: String,
    pub row_count: usize,
    pub columns: Vec<ColumnProfile>,
    /// Normalized value text ([`norm_text`]) → (column, value) positions.
    pub(crate) value_index: HashMap<String, Vec<(usize, usize)>>,
    /// Words of values (4+ letters) → (column, value) positions, for partial matches.
    pub(crate) word_index: HashMap<String, Vec<(usize, usize)>>,
}

/// Formats tried on text columns that look like dates (all values must parse with one).
const DATE_FORMATS: [(&str, bool); 16] = [
    ("%Y-%m-%d", false),
    ("%Y/%m/%d", false),
    ("%m/%d/%Y", false),
    ("%d.%m.%Y", false),
    ("%b %d %Y", false),
    ("%B %d %Y", false),
    ("%b %d, %Y", false),
    ("%B %d, %Y", false),
    ("%d %b %Y", false),
    ("%d %B %Y", false),
    ("%Y-%m-%d %H:%M:%S", true),
    ("%Y-%m-%dT%H:%M:%S", true),
    ("%Y-%m-%d %H:%M", true),
    ("%Y/%m/%d %H:%M:%S", true),
    ("%Y/%m/%d %H:%M", true),
    ("%m/%d/%Y %H:%M", true),
];

/// Parses `s` with a strftime format (date-only formats give midnight).
pub fn parse_with(s: &str, format: &str, has_time: bool) -> Option<NaiveDateTime> {
    let s = s.trim();
    if has_time {
        NaiveDateTime::parse_from_str(s, format).ok()
    } else {
        NaiveDate::parse_from_str(s, format).ok().and_then(|d| d.and_hms_opt(0, 0, 0))
    }
}

/// An ISO date or datetime as written in query results ("2012-01-01", "2012-01-01T10:00:00").
pub fn parse_iso(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    let head: String = s.chars().take(19).collect();
    NaiveDateTime::parse_from_str(&head.replace(' ', "T"), "%Y-%m-%dT%H:%M:%S")
        .ok()
        .or_else(|| NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0)))
}

/// The one format every value parses with, if any.
fn detect_date_format(values: &[(String, u64)]) -> Option<(String, bool)> {
    // Cheap pre-check: dates have digits and are short.
    let looks = values.iter().take(50).all(|(v, _)| v.len() <= 32 && v.chars().any(|c| c.is_ascii_digit()) && v.chars().filter(|c| c.is_ascii_digit()).count() >= 4);
    if values.is_empty() || !looks {
        return None;
    }
    DATE_FORMATS
        .iter()
        .find(|(f, t)| values.iter().all(|(v, _)| parse_with(v, f, *t).is_some()))
        .map(|(f, t)| (f.to_string(), *t))
}

/// Double-quoted SQL identifier. Names holding a double quote cannot be referenced (polars-sql
/// does not read `""` inside identifiers), so they give `None`.
pub fn quote_ident(name: &str) -> Option<String> {
    if name.contains('"') || name.contains('\0') {
        return None;
    }
    Some(format!("\"{name}\""))
}

/// Single-quoted SQL string literal, quotes doubled.
pub fn quote_str(s: &str) -> String {
    format!("'{}'", s.replace('\0', "").replace('\'', "''"))
}

fn cell_f64(c: Option<&Cell>) -> Option<f64> {
    match c? {
        Cell::Int(i) => Some(*i as f64),
        Cell::Float(f) if f.is_finite() => Some(*f),
        Cell::Str(s) => s.parse().ok(),
        _ => None,
    }
}

fn cell_time(c: Option<&Cell>) -> Option<NaiveDateTime> {
    match c? {
        Cell::Str(s) => parse_iso(s),
        _ => None,
    }
}

fn cell_usize(c: Option<&Cell>) -> Option<usize> {
    match c? {
        Cell::Int(i) if *i >= 0 => Some(*i as usize),
        _ => None,
    }
}

fn cell_text(c: Option<&Cell>) -> Option<String> {
    match c? {
        Cell::Str(s) => Some(s.clone()),
        Cell::Bool(b) => Some(b.to_string()),
        Cell::Int(i) => Some(i.to_string()),
        Cell::Float(f) => Some(f.to_string()),
        _ => None,
    }
}

impl Profile {
    /// Builds the profile of `schema`'s table, running read-only SQL through `run`.
    pub fn build(schema: &TableSchema, run: &dyn Fn(&str) -> Result<RowTable>) -> Result<Profile> {
        let table = quote_ident(&schema.name).unwrap_or_else(|| schema.name.clone());
        let mut columns: Vec<ColumnProfile> = schema
            .columns
            .iter()
            .map(|c| ColumnProfile {
                name: c.name.clone(),
                type_name: c.kind,
                kind: match c.kind {
                    "integer" => Kind::Number { integer: true },
                    "number" | "decimal" => Kind::Number { integer: false },
                    "string" => Kind::Text,
                    "boolean" => Kind::Bool,
                    "date" => Kind::Temporal { text_format: None, has_time: false },
                    "datetime" => Kind::Temporal { text_format: None, has_time: true },
                    _ => Kind::Other,
                },
                distinct: None,
                values: Vec::new(),
                min: None,
                max: None,
                min_time: None,
                max_time: None,
                non_null: None,
            })
            .collect();

        // One query for the statistics of every column; column by column if that fails.
        let mut parts: Vec<(usize, String)> = Vec::new();
        for (i, c) in columns.iter().enumerate() {
            let Some(q) = quote_ident(&c.name) else { continue };
            let stat = match c.kind {
                Kind::Number { .. } | Kind::Temporal { .. } => format!("MIN({q}) AS \"min_{i}\", MAX({q}) AS \"max_{i}\", COUNT({q}) AS \"nn_{i}\""),
                Kind::Text | Kind::Bool => format!("COUNT(DISTINCT {q}) AS \"nd_{i}\", COUNT({q}) AS \"nn_{i}\""),
                Kind::Other => continue,
            };
            parts.push((i, stat));
        }
        let apply = |columns: &mut Vec<ColumnProfile>, t: &RowTable| {
            for (ci, info) in t.columns.iter().enumerate() {
                let Some((what, idx)) = info.name.split_once('_') else { continue };
                let Ok(i) = idx.parse::<usize>() else { continue };
                let Some(col) = columns.get_mut(i) else { continue };
                let v = t.cell(0, ci);
                match (what, &col.kind) {
                    ("min", Kind::Number { .. }) => col.min = cell_f64(v),
                    ("max", Kind::Number { .. }) => col.max = cell_f64(v),
                    ("min", Kind::Temporal { .. }) => col.min_time = cell_time(v),
                    ("max", Kind::Temporal { .. }) => col.max_time = cell_time(v),
                    ("nd", _) => col.distinct = cell_usize(v),
                    ("nn", _) => col.non_null = cell_usize(v),
                    _ => {}
                }
            }
        };
        if !parts.is_empty() {
            let all = parts.iter().map(|(_, s)| s.as_str()).collect::<Vec<_>>().join(", ");
            match run(&format!("SELECT {all} FROM {table}")) {
                Ok(t) => apply(&mut columns, &t),
                Err(_) => {
                    for (_, s) in &parts {
                        if let Ok(t) = run(&format!("SELECT {s} FROM {table}")) {
                            apply(&mut columns, &t);
                        }
                    }
                }
            }
        }

        // Distinct values of text columns, within the budgets.
        let mut budget = MAX_VALUES_TOTAL;
        for col in columns.iter_mut() {
            if !matches!(col.kind, Kind::Text | Kind::Bool) {
                continue;
            }
            let Some(n) = col.distinct else { continue };
            if n == 0 || n > MAX_VALUES_PER_COLUMN || n > budget {
                continue;
            }
            let Some(q) = quote_ident(&col.name) else { continue };
            let Ok(t) = run(&format!("SELECT {q} AS \"v\", COUNT(*) AS \"n\" FROM {table} WHERE {q} IS NOT NULL GROUP BY {q}")) else { continue };
            let mut values: Vec<(String, u64)> = (0..t.row_count)
                .filter_map(|r| Some((cell_text(t.cell(r, 0))?, cell_usize(t.cell(r, 1)).unwrap_or(0) as u64)))
                .collect();
            values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            budget = budget.saturating_sub(values.len());
            col.values = values;
            if col.kind == Kind::Text {
                if let Some((format, has_time)) = detect_date_format(&col.values) {
                    let times: Vec<NaiveDateTime> = col.values.iter().filter_map(|(v, _)| parse_with(v, &format, has_time)).collect();
                    col.min_time = times.iter().min().copied();
                    col.max_time = times.iter().max().copied();
                    col.kind = Kind::Temporal { text_format: Some(format), has_time };
                }
            }
        }
        let mut profile = Profile { table: schema.name.clone(), row_count: schema.row_count, columns, value_index: HashMap::new(), word_index: HashMap::new() };
        profile.index_values();
        Ok(profile)
    }

    /// A profile from plain data (tests, and callers that already know the values).
    pub fn from_parts(table: &str, row_count: usize, columns: Vec<ColumnProfile>) -> Profile {
        let mut p = Profile { table: table.to_string(), row_count, columns, value_index: HashMap::new(), word_index: HashMap::new() };
        p.index_values();
        p
    }

    fn index_values(&mut self) {
        for (ci, col) in self.columns.iter().enumerate() {
            if !matches!(col.kind, Kind::Text | Kind::Bool) {
                continue;
            }
            for (vi, (v, _)) in col.values.iter().enumerate() {
                let n = norm_text(v);
                if n.is_empty() || n.chars().all(|c| c.is_ascii_digit() || c == ' ') {
                    continue;
                }
                let words: Vec<&str> = n.split(' ').collect();
                if words.len() <= 8 {
                    for w in &words {
                        if w.chars().count() >= 4 {
                            self.word_index.entry(w.to_string()).or_default().push((ci, vi));
                        }
                    }
                }
                self.value_index.entry(n).or_default().push((ci, vi));
            }
        }
    }

    pub fn column(&self, name: &str) -> Option<&ColumnProfile> {
        self.columns.iter().find(|c| c.name == name)
    }

    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, Timelike};

    #[test]
    fn date_formats() {
        let v = |s: &[&str]| s.iter().map(|x| (x.to_string(), 1)).collect::<Vec<_>>();
        assert_eq!(detect_date_format(&v(&["Jan 1 2000", "Feb 12 2001"])), Some(("%b %d %Y".into(), false)));
        assert_eq!(detect_date_format(&v(&["2001/01/14 21:55", "2001/03/26 20:15"])), Some(("%Y/%m/%d %H:%M".into(), true)));
        assert_eq!(detect_date_format(&v(&["2001-01-14", "nope 1234"])), None);
        assert_eq!(detect_date_format(&v(&["USA", "Japan"])), None);
        assert_eq!(parse_iso("2012-01-01").map(|t| t.year()), Some(2012));
        assert_eq!(parse_iso("2001-01-14T21:55:00").map(|t| t.hour()), Some(21));
    }

    #[test]
    fn quoting() {
        assert_eq!(quote_str("it's"), "'it''s'");
        assert_eq!(quote_ident("Major Genre").as_deref(), Some("\"Major Genre\""));
        assert_eq!(quote_ident("a\"b"), None);
    }
}
