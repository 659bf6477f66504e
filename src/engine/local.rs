//! The in-memory engine: registered Polars frames queried with polars-sql.
//!
//! Owns the table registry (names, versions) and the mapping of Polars query errors to
//! user-facing errors (unknown table/column with the closest names, unsupported SQL).

use std::collections::BTreeMap;

use polars::prelude::*;
use polars::sql::SQLContext;
use serde::Serialize;

use crate::error::{short_detail, suggestion_hint, Error, ErrorCode, Result};
use sqlparser::ast::Query;

use super::budget;
use crate::sql::rewrite::{self, Catalog, Kind, Literal};
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

    /// A fresh SQL context with `tables` registered under the names as written, and the
    /// functions the rewrite layer calls.
    fn context(&self, tables: &[String]) -> Result<SQLContext> {
        let mut ctx = SQLContext::new().with_function_registry(super::udf::registry());
        for name in tables {
            let (_, t) = self.resolve(name)?;
            ctx.register(name, t.df.clone().lazy());
        }
        Ok(ctx)
    }

    /// Runs a checked query over the registered tables. The SQL first goes through the
    /// rewrite layer (`sql::rewrite`), which records what it changed.
    ///
    /// `memory_left` is what the runtime's memory budget still allows: a plan whose cross
    /// join would materialise more is refused with TOO_LARGE before it runs.
    pub fn query(&self, q: &CheckedQuery, memory_left: usize) -> Result<Executed> {
        let mut columns: Vec<String> = Vec::new();
        for name in &q.tables {
            let (_, t) = self.resolve(name)?;
            columns.extend(t.df.get_column_names().iter().map(|c| c.to_string()));
        }
        columns.sort();
        columns.dedup();
        let catalog = EngineCatalog { engine: self, tables: &q.tables, columns: &columns, memory_left };
        let (statement, transformations) = match rewrite::rewrite(&q.statement, &catalog) {
            Ok(r) => (r.statement, r.transformations),
            // a bug in the rewriter: run the query as written rather than fail
            Err(e) if e.code == ErrorCode::Internal => {
                (q.statement.clone(), Vec::new())
            }
            Err(e) => return Err(e),
        };
        let sql = statement.to_string();
        let lf = self.context(&q.tables)?.execute(&sql).map_err(|e| map_polars_error(&e, &columns, &self.table_names()))?;
        let frame = collect_within(lf, memory_left).map_err(|e| e.unwrap_or_else(|e| map_polars_error(&e, &columns, &self.table_names())))?;
        Ok(Executed { frame, transformations })
    }
}

/// Runs `lf`, unless its optimised plan holds a cross join that would materialise more than
/// `memory_left` bytes (`Err(Ok(TOO_LARGE))`, before anything is allocated) or arithmetic the
/// engine would panic on (`Err(Ok(SQL_UNSUPPORTED))`, see `plan_check`). Polars errors come
/// back as `Err(Err(_))` for the caller to explain.
fn collect_within(lf: LazyFrame, memory_left: usize) -> std::result::Result<DataFrame, std::result::Result<Error, PolarsError>> {
    let mut refused = None;
    let out = lf._collect_post_opt(|top, lp, exprs, _| {
        if let Some(op) = super::plan_check::list_arithmetic(top, lp, exprs) {
            refused = Some(crate::sql::rewrite::unsupported(
                format!("arithmetic on a list of values ({op})"),
                "Compute on the values inside: UNNEST(list) gives a row per value, and ARRAY_SUM(list), ARRAY_LENGTH(list) summarise a list.",
            ));
        } else if let Some(p) = budget::largest_cross_join(top, lp, exprs).filter(|p| p.bytes > memory_left as u128) {
            refused = Some(product_too_large(p, memory_left));
        }
        match refused {
            Some(_) => Err(polars_err!(ComputeError: "refused before it ran")),
            None => Ok(()),
        }
    });
    match (out, refused) {
        (_, Some(e)) => Err(Ok(e)),
        (Ok(df), None) => Ok(df),
        (Err(e), None) => Err(Err(e)),
    }
}

fn product_too_large(p: budget::Product, memory_left: usize) -> Error {
    Error::new(
        ErrorCode::TooLarge,
        format!(
            "This query pairs every row of one table with every row of another (a cross join): up to {} rows, about {} of memory, more than the {:.0} MB this page has left.",
            people_count(p.rows),
            people_bytes(p.bytes),
            memory_left as f64 / 1e6
        ),
        "Link the tables with a join condition (JOIN ... ON a.id = b.id, or WHERE a.id = b.id), or filter them to fewer rows first.",
    )
}

/// 12,345 / 3.4 million / 25 billion / 1.2e15.
fn people_count(n: u128) -> String {
    let f = n as f64;
    match n {
        0..=999_999 => super::router::thousands(n as u64),
        1_000_000..=999_999_999 => format!("{:.1} million", f / 1e6),
        1_000_000_000..=999_999_999_999 => format!("{:.1} billion", f / 1e9),
        _ => format!("{f:.1e}"),
    }
}

fn people_bytes(b: u128) -> String {
    let f = b as f64;
    if f >= 1e12 {
        format!("{:.1} TB", f / 1e12)
    } else if f >= 1e9 {
        format!("{:.1} GB", f / 1e9)
    } else {
        format!("{:.0} MB", (f / 1e6).max(1.0))
    }
}

/// What the rewrite layer asks of the engine: schemas, result columns of derived queries,
/// and running an uncorrelated subquery.
struct EngineCatalog<'a> {
    engine: &'a LocalEngine,
    tables: &'a [String],
    columns: &'a [String],
    memory_left: usize,
}

impl EngineCatalog<'_> {
    fn plan(&self, query: &Query) -> Result<LazyFrame> {
        self.engine
            .context(self.tables)?
            .execute(&query.to_string())
            .map_err(|e| map_polars_error(&e, self.columns, &self.engine.table_names()))
    }
}

fn kind_of_dtype(dt: &DataType) -> Kind {
    match dt {
        d if d.is_integer() => Kind::Int,
        d if d.is_float() => Kind::Float,
        DataType::Decimal(_, _) => Kind::Decimal,
        DataType::String | DataType::Categorical(_, _) | DataType::Enum(_, _) => Kind::Str,
        DataType::Boolean => Kind::Bool,
        DataType::Date => Kind::Date,
        DataType::Datetime(_, _) => Kind::Datetime,
        DataType::Time => Kind::Time,
        DataType::Duration(_) => Kind::Duration,
        _ => Kind::Other,
    }
}

fn literal_of(av: &AnyValue) -> Literal {
    match av {
        AnyValue::Null => Literal::Null,
        AnyValue::Boolean(b) => Literal::Bool(*b),
        AnyValue::Int8(v) => Literal::Int(i128::from(*v)),
        AnyValue::Int16(v) => Literal::Int(i128::from(*v)),
        AnyValue::Int32(v) => Literal::Int(i128::from(*v)),
        AnyValue::Int64(v) => Literal::Int(i128::from(*v)),
        AnyValue::Int128(v) => Literal::Int(*v),
        AnyValue::UInt8(v) => Literal::Int(i128::from(*v)),
        AnyValue::UInt16(v) => Literal::Int(i128::from(*v)),
        AnyValue::UInt32(v) => Literal::Int(i128::from(*v)),
        AnyValue::UInt64(v) => Literal::Int(i128::from(*v)),
        AnyValue::Float32(v) => Literal::Float(f64::from(*v)),
        AnyValue::Float64(v) => Literal::Float(*v),
        AnyValue::Decimal(v, scale) => Literal::Decimal(*v, *scale),
        AnyValue::String(s) => Literal::Str((*s).to_string()),
        AnyValue::StringOwned(s) => Literal::Str(s.to_string()),
        AnyValue::Date(d) => Literal::Date(*d),
        AnyValue::Datetime(v, unit, _) | AnyValue::DatetimeOwned(v, unit, _) => Literal::Datetime(match unit {
            TimeUnit::Nanoseconds => v.div_euclid(1000),
            TimeUnit::Microseconds => *v,
            TimeUnit::Milliseconds => v.saturating_mul(1000),
        }),
        other => Literal::Str(other.str_value().into_owned()),
    }
}

impl Catalog for EngineCatalog<'_> {
    fn table(&self, name: &str) -> Option<Vec<(String, Kind)>> {
        let (_, t) = self.engine.resolve(name).ok()?;
        Some(t.df.get_columns().iter().map(|c| (c.name().to_string(), kind_of_dtype(c.dtype()))).collect())
    }

    fn columns(&self, query: &Query) -> Result<Vec<(String, Kind)>> {
        let mut lf = self.plan(query)?;
        let schema = lf.collect_schema().map_err(|e| map_polars_error(&e, self.columns, &self.engine.table_names()))?;
        Ok(schema.iter().map(|(n, dt)| (n.to_string(), kind_of_dtype(dt))).collect())
    }

    fn rows(&self, query: &Query, limit: usize) -> Result<Vec<Vec<Literal>>> {
        let limit = IdxSize::try_from(limit).unwrap_or(IdxSize::MAX);
        let df = collect_within(self.plan(query)?.limit(limit), self.memory_left)
            .map_err(|e| e.unwrap_or_else(|e| map_polars_error(&e, self.columns, &self.engine.table_names())))?;
        let cols: Vec<Series> = df.get_columns().iter().map(|c| c.as_materialized_series().rechunk()).collect();
        let mut out = Vec::with_capacity(df.height());
        for i in 0..df.height() {
            out.push(cols.iter().map(|s| s.get(i).map(|v| literal_of(&v)).unwrap_or(Literal::Null)).collect());
        }
        Ok(out)
    }

    fn now_micros(&self) -> i64 {
        web_time::SystemTime::now()
            .duration_since(web_time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
            .unwrap_or(0)
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
    let detail = engine_detail(&msg);
    // "(engine said: ...)" only when the engine's words are readable
    let said = |prefix: &str| detail.as_ref().map(|d| format!("{prefix}(engine said: {d})")).unwrap_or_default();
    match inner {
        PolarsError::ColumnNotFound(_) | PolarsError::SchemaFieldNotFound(_) | PolarsError::StructFieldNotFound(_) => {
            match quoted_name(&msg).filter(|n| !n.starts_with("__if_")) {
                Some(name) => Error::new(
                    ErrorCode::UnknownColumn,
                    format!("There is no column named '{name}'."),
                    suggestion_hint("column", &name, columns),
                ),
                None => Error::new(
                    ErrorCode::UnknownColumn,
                    "The query names a column that does not exist here.",
                    suggestion_hint("column", "", columns),
                ),
            }
        }
        PolarsError::SQLSyntax(_) => Error::new(
            ErrorCode::SqlSyntax,
            "The SQL could not be understood.",
            format!("Check the spelling and punctuation.{}", said(" ")),
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
            } else if let Some(f) = lower.strip_prefix("unsupported function ").and_then(quoted_name) {
                Error::new(
                    ErrorCode::SqlUnsupported,
                    format!("The in-page engine has no function {}().", f.to_uppercase()),
                    "Compute it with the functions it has (string, math, date and aggregate functions), or with CASE.",
                )
            } else if lower.contains("join constraint") || lower.contains("join type") {
                Error::new(
                    ErrorCode::SqlUnsupported,
                    "The in-page engine cannot run this kind of join condition.",
                    "Join on column equalities (ON a.id = b.id) and put other conditions in WHERE.",
                )
            } else if lower.contains("no table or struct column named") || lower.contains("no column named") {
                let name = quoted_name(&msg).unwrap_or_default();
                Error::new(
                    ErrorCode::UnknownColumn,
                    format!("'{name}' does not name a table or column of this query."),
                    suggestion_hint("column", &name, columns),
                )
            } else {
                Error::new(
                    ErrorCode::SqlUnsupported,
                    "This SQL uses something the in-page engine does not support yet.",
                    format!("Try a simpler form of the same query.{}", said(" ")),
                )
            }
        }
        PolarsError::Duplicate(_) => Error::new(
            ErrorCode::QueryFailed,
            "Two result columns have the same name.",
            format!("Give each selected column its own name with AS.{}", said(" ")),
        ),
        PolarsError::SchemaMismatch(_) | PolarsError::InvalidOperation(_) => Error::new(
            ErrorCode::QueryFailed,
            "The query mixes values of different kinds (for example text and numbers).",
            format!("Check the types of the columns you compare or combine; CAST can convert them.{}", said(" ")),
        ),
        _ => Error::new(
            ErrorCode::QueryFailed,
            "The query could not be run on this data.",
            match detail {
                Some(d) => format!("Check the values and types the query uses (engine said: {d})."),
                None => "Check the values and types the query uses.".to_string(),
            },
        ),
    }
}

/// The engine's message, when it is fit for a user: one short line, without query plans,
/// debug dumps of the SQL tree or the rewrite layer's internal names.
fn engine_detail(msg: &str) -> Option<String> {
    const INTERNAL: [&str; 12] =
        ["FAILED HERE", "RESOLVING", "Ident {", "Span(", "{ value:", "Location(", "DslPlan", "LogicalPlan", "__if_", "SELECT [", "DF [", "\n"];
    if INTERNAL.iter().any(|m| msg.contains(m)) {
        return None;
    }
    let d = short_detail(msg);
    (!d.is_empty()).then_some(d)
}
