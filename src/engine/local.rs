//! The in-memory engine: registered Polars frames queried with polars-sql.
//!
//! Owns the table registry (names, versions) and the mapping of Polars query errors to
//! user-facing errors (unknown table/column with the closest names, unsupported SQL).

use std::collections::BTreeMap;

use polars::prelude::*;
use polars::sql::SQLContext;
use serde::Serialize;

use crate::error::{short_detail, suggestion_hint, Error, ErrorCode, Result};
use crate::sql::{CheckedQuery, Transformation};
use crate::table::{columns_of, ColumnInfo};

/// A table's schema as callers see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TableSchema {
    pub name: String,
    pub columns: Vec<ColumnInfo>,
    pub row_count: usize,
}

/// A query's result frame and the rewrites applied to the SQL before it ran.
#[derive(Debug, Clone)]
pub struct Executed {
    pub frame: DataFrame,
    pub transformations: Vec<Transformation>,
}

struct Table {
    df: DataFrame,
    /// Bumped on every (re-)registration; caches key on it.
    version: u64,
}

/// Registered in-memory tables and the polars-sql executor over them.
#[derive(Default)]
pub struct LocalEngine {
    tables: BTreeMap<String, Table>,
    next_version: u64,
}

/// Table names are identifiers: a letter or `_`, then letters, digits or `_`; at most 64.
pub fn validate_table_name(name: &str) -> Result<()> {
    let mut chars = name.chars();
    let ok_first = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    let ok_rest = chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !ok_first || !ok_rest || name.len() > 64 {
        return Err(Error::invalid(
            format!("'{}' cannot be used as a table name.", name.chars().take(80).collect::<String>()),
            "Use letters, digits and underscores, starting with a letter (at most 64), e.g. 'sales_2024'.",
        ));
    }
    // Must be usable unquoted: not a core SQL keyword, and `SELECT * FROM name` has to parse
    // as a plain table reference.
    const RESERVED: [&str; 40] = [
        "ALL", "ALTER", "AND", "AS", "ASC", "BETWEEN", "BY", "CASE", "CREATE", "DELETE", "DESC",
        "DISTINCT", "DROP", "ELSE", "END", "EXCEPT", "FROM", "FULL", "GROUP", "HAVING", "IN",
        "INNER", "INSERT", "INTERSECT", "INTO", "IS", "JOIN", "LEFT", "LIMIT", "NOT", "NULL",
        "OFFSET", "ON", "OR", "ORDER", "SELECT", "TABLE", "UNION", "WHERE", "WITH",
    ];
    let reserved = RESERVED.iter().any(|k| k.eq_ignore_ascii_case(name));
    match crate::sql::check(&format!("SELECT * FROM {name}")) {
        Ok(q) if !reserved && q.tables == [name.to_string()] => Ok(()),
        _ => Err(Error::invalid(
            format!("'{name}' is an SQL keyword and cannot be used as a table name."),
            format!("Pick another name, e.g. '{name}_data'."),
        )),
    }
}

impl LocalEngine {
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers (or replaces) a table. Returns its schema.
    pub fn register(&mut self, name: &str, df: DataFrame) -> Result<TableSchema> {
        validate_table_name(name)?;
        self.next_version += 1;
        let mut df = df;
        df.as_single_chunk_par();
        self.tables.insert(name.to_string(), Table { df, version: self.next_version });
        self.schema(name)
    }

    /// Removes a table; returns whether it existed.
    pub fn drop_table(&mut self, name: &str) -> bool {
        self.tables.remove(name).is_some()
    }

    /// Estimated bytes held by registered tables, optionally leaving one out (being replaced).
    pub fn resident_bytes(&self, except: Option<&str>) -> usize {
        self.tables.iter().filter(|(k, _)| Some(k.as_str()) != except).map(|(_, t)| t.df.estimated_size()).sum()
    }

    /// Registered table names, sorted.
    pub fn table_names(&self) -> Vec<String> {
        self.tables.keys().cloned().collect()
    }

    fn resolve(&self, name: &str) -> Result<(&str, &Table)> {
        if let Some((k, t)) = self.tables.get_key_value(name) {
            return Ok((k.as_str(), t));
        }
        // Unquoted SQL identifiers are case-insensitive: accept a unique case-insensitive match.
        let mut matches = self.tables.iter().filter(|(k, _)| k.eq_ignore_ascii_case(name));
        match (matches.next(), matches.next()) {
            (Some((k, t)), None) => Ok((k.as_str(), t)),
            _ => Err(Error::new(
                ErrorCode::UnknownTable,
                format!("There is no table named '{name}'."),
                suggestion_hint("table", name, &self.table_names()),
            )),
        }
    }

    /// The registered name `name` resolves to (exact, else a unique case-insensitive match).
    pub fn schema_name(&self, name: &str) -> Result<String> {
        self.resolve(name).map(|(k, _)| k.to_string())
    }

    pub fn schema(&self, name: &str) -> Result<TableSchema> {
        let (key, t) = self.resolve(name)?;
        Ok(TableSchema { name: key.to_string(), columns: columns_of(&t.df), row_count: t.df.height() })
    }

    /// The version of a table (changes on re-registration).
    pub fn version(&self, name: &str) -> Result<u64> {
        self.resolve(name).map(|(_, t)| t.version)
    }

    /// Runs a checked query over the registered tables.
    pub fn query(&self, q: &CheckedQuery) -> Result<Executed> {
        let mut ctx = SQLContext::new();
        let mut columns: Vec<String> = Vec::new();
        for name in &q.tables {
            let (_, t) = self.resolve(name)?;
            // Registered under the name as written, so case-insensitive matches resolve.
            ctx.register(name, t.df.clone().lazy());
            columns.extend(t.df.get_column_names().iter().map(|c| c.to_string()));
        }
        columns.sort();
        columns.dedup();
        let transformations = Vec::new();
        let sql = q.statement.to_string();
        let frame = ctx
            .execute(&sql)
            .and_then(LazyFrame::collect)
            .map_err(|e| map_polars_error(&e, &columns, &self.table_names()))?;
        Ok(Executed { frame, transformations })
    }
}

fn unwrap_context(e: &PolarsError) -> &PolarsError {
    match e {
        PolarsError::Context { error, .. } => unwrap_context(error),
        other => other,
    }
}

/// The first name inside quotes (`"x"` or `'x'`) of an engine message.
fn quoted_name(msg: &str) -> Option<String> {
    for q in ['"', '\''] {
        let mut parts = msg.splitn(3, q);
        if let (Some(_), Some(name), Some(_)) = (parts.next(), parts.next(), parts.next()) {
            if !name.is_empty() && name.len() <= 128 {
                return Some(name.to_string());
            }
        }
    }
    None
}

/// Maps a Polars error to a user-facing error. `columns` are those of the tables the
/// query reads, used for "did you mean" hints.
pub(crate) fn map_polars_error(err: &PolarsError, columns: &[String], tables: &[String]) -> Error {
    let inner = unwrap_context(err);
    let msg = inner.to_string();
    let detail = short_detail(&msg);
    match inner {
        PolarsError::ColumnNotFound(_) | PolarsError::SchemaFieldNotFound(_) | PolarsError::StructFieldNotFound(_) => {
            let name = quoted_name(&msg).unwrap_or_else(|| detail.clone());
            Error::new(
                ErrorCode::UnknownColumn,
                format!("There is no column named '{name}'."),
                suggestion_hint("column", &name, columns),
            )
        }
        PolarsError::SQLSyntax(_) => Error::new(
            ErrorCode::SqlSyntax,
            "The SQL could not be understood.",
            format!("Check the spelling and punctuation: {detail}"),
        ),
        PolarsError::SQLInterface(_) => {
            let lower = msg.to_lowercase();
            if lower.contains("relation") && lower.contains("not found") || lower.contains("no table named") {
                let name = quoted_name(&msg).unwrap_or_default();
                Error::new(
                    ErrorCode::UnknownTable,
                    format!("There is no table named '{name}'."),
                    suggestion_hint("table", &name, tables),
                )
            } else {
                Error::new(
                    ErrorCode::SqlUnsupported,
                    "This SQL uses something the in-page engine does not support yet.",
                    format!("Try a simpler form of the same query. Engine said: {detail}"),
                )
            }
        }
        PolarsError::Duplicate(_) => Error::new(
            ErrorCode::QueryFailed,
            "Two result columns have the same name.",
            format!("Give each selected column its own name with AS. ({detail})"),
        ),
        PolarsError::SchemaMismatch(_) | PolarsError::InvalidOperation(_) => Error::new(
            ErrorCode::QueryFailed,
            "The query mixes values of different kinds (for example text and numbers).",
            format!("Check the types of the columns you compare or combine; CAST can convert them. ({detail})"),
        ),
        _ => Error::new(
            ErrorCode::QueryFailed,
            "The query could not be run on this data.",
            format!("Engine said: {detail}"),
        ),
    }
}
