//! The read-only guard.
//!
//! Exactly one statement, and only a query (SELECT / WITH / set operations / VALUES).
//! Rejected with `SQL_FORBIDDEN`: DDL, DML, COPY, ATTACH, SET and every other statement;
//! `SELECT ... INTO`; table functions and any function that reads files or URLs.

use std::collections::BTreeSet;
use std::ops::ControlFlow;

use sqlparser::ast::{Expr, Query, SetExpr, Statement, TableFactor, Visit, Visitor};
use sqlparser::dialect::GenericDialect;
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError, ParserOptions};
use sqlparser::tokenizer::{Token, Tokenizer};

use crate::error::{Error, ErrorCode, Result};

/// A statement that passed the guard.
#[derive(Debug, Clone)]
pub struct CheckedQuery {
    /// The parsed statement (always `Statement::Query`).
    pub statement: Statement,
    /// Tables the query reads, as written (CTE names excluded), in first-seen order.
    pub tables: Vec<String>,
}

/// The deepest nesting of parentheses and CASE ... END in `sql` (0 if it does not tokenize).
fn nesting_depth(sql: &str) -> usize {
    let Ok(tokens) = Tokenizer::new(&GenericDialect, sql).tokenize() else { return 0 };
    let (mut depth, mut deepest) = (0usize, 0usize);
    for t in tokens {
        match t {
            Token::LParen => depth += 1,
            Token::Word(w) if w.quote_style.is_none() && w.keyword == Keyword::CASE => depth += 1,
            Token::RParen => depth = depth.saturating_sub(1),
            Token::Word(w) if w.quote_style.is_none() && w.keyword == Keyword::END => depth = depth.saturating_sub(1),
            _ => {}
        }
        deepest = deepest.max(depth);
    }
    deepest
}

fn too_tangled() -> Error {
    Error::new(
        ErrorCode::SqlSyntax,
        "The SQL is too tangled to read: it nests more unfinished expressions than can be checked in reasonable time.",
        "Check that every CASE has its END and every parenthesis is closed, or split the query into simpler parts (WITH ... AS).",
    )
}

/// Parses `sql` and applies the read-only guard.
pub fn check(sql: &str) -> Result<CheckedQuery> {
    if sql.trim().is_empty() {
        return Err(Error::new(
            ErrorCode::SqlSyntax,
            "The SQL is empty.",
            "Write a query such as: SELECT * FROM my_table LIMIT 10",
        ));
    }
    let dialect = super::dialect::QueryDialect::for_text(sql);
    let statements = Parser::new(&dialect)
        .with_options(ParserOptions { trailing_commas: true, ..Default::default() })
        .try_with_sql(sql)
        .and_then(|mut p| p.parse_statements())
        .map_err(|e| {
            if dialect.exhausted() {
                return too_tangled();
            }
            // sqlparser's depth limit (50) often surfaces as another error after backtracking
            if matches!(e, ParserError::RecursionLimitExceeded) || nesting_depth(sql) >= 40 {
                return Error::new(
                    ErrorCode::SqlSyntax,
                    "The SQL nests expressions too deeply to read (more than about 25 levels of CASE, parentheses or subqueries).",
                    "Flatten the query: name inner parts with WITH ... AS, or combine conditions with AND / OR instead of nesting them.",
                );
            }
            let detail = e.to_string();
            let detail = detail.strip_prefix("sql parser error: ").unwrap_or(&detail).to_string();
            Error::new(
                ErrorCode::SqlSyntax,
                "The SQL could not be understood.",
                format!("Check the spelling and punctuation near the spot named here: {detail}"),
            )
        })?;
    // a parse that ran out of fuel may have taken a path the engine's parser would not
    if dialect.exhausted() {
        return Err(too_tangled());
    }
    let statement = match statements.len() {
        0 => {
            return Err(Error::new(
                ErrorCode::SqlSyntax,
                "The SQL has no statement in it (only comments or semicolons).",
                "Write a query such as: SELECT * FROM my_table LIMIT 10",
            ))
        }
        1 => statements.into_iter().next(),
        n => {
            return Err(Error::new(
                ErrorCode::SqlForbidden,
                format!("Only one query can run at a time, but this text holds {n} statements."),
                "Remove the extra statements (look for ';') and run one query.",
            ))
        }
    };
    let Some(statement) = statement else {
        return Err(Error::new(ErrorCode::Internal, "No statement was parsed.", "Please report this."));
    };
    let Statement::Query(query) = &statement else {
        return Err(forbidden_statement(&statement));
    };
    let mut v = Guard::default();
    if let ControlFlow::Break(err) = query.visit(&mut v) {
        return Err(err);
    }
    let tables = v.tables.into_iter().filter(|t| !v.ctes.contains(&t.to_lowercase())).collect();
    Ok(CheckedQuery { statement, tables })
}

fn forbidden_statement(statement: &Statement) -> Error {
    let text = statement.to_string();
    let keyword: String = text.split_whitespace().take(2).collect::<Vec<_>>().join(" ");
    let what = match statement {
        Statement::Insert(_) | Statement::Update { .. } | Statement::Delete(_) | Statement::Merge { .. } | Statement::Truncate { .. } => {
            "would change data"
        }
        Statement::Copy { .. } | Statement::CopyIntoSnowflake { .. } | Statement::Unload { .. } => "would read or write files",
        Statement::AttachDatabase { .. } | Statement::AttachDuckDBDatabase { .. } | Statement::DetachDuckDBDatabase { .. } | Statement::Install { .. } | Statement::Load { .. } => {
            "would attach databases or load extensions"
        }
        Statement::SetVariable { .. } | Statement::SetRole { .. } | Statement::SetTimeZone { .. } | Statement::SetNames { .. } | Statement::SetNamesDefault { .. } | Statement::SetTransaction { .. } => {
            "would change settings"
        }
        Statement::Explain { .. } | Statement::ExplainTable { .. } => "asks for a query plan, not data",
        _ if keyword.to_ascii_uppercase().starts_with("CREATE") || keyword.to_ascii_uppercase().starts_with("DROP") || keyword.to_ascii_uppercase().starts_with("ALTER") => {
            "would change tables"
        }
        _ => "is not a query",
    };
    let shown: String = keyword.chars().take(40).collect();
    Error::new(
        ErrorCode::SqlForbidden,
        format!("Only read-only queries are allowed: this statement ({shown}) {what}."),
        "Write a SELECT query (WITH, UNION and VALUES are fine). To load data, register a file or rows instead.",
    )
}

/// Function names that read files, URLs or other databases (checked in lower case).
fn is_io_function(name: &str) -> bool {
    const EXACT: [&str; 24] = [
        "glob", "parquet_scan", "parquet_metadata", "parquet_schema", "parquet_file_metadata",
        "csv_scan", "sniff_csv", "query", "query_table", "load", "install", "pg_read_file",
        "pg_read_binary_file", "pg_ls_dir", "lo_import", "lo_export", "dblink", "url", "file",
        "s3", "hdfs", "remote", "iceberg_scan", "delta_scan",
    ];
    name.starts_with("read_") || name.starts_with("scan_") || name.starts_with("sqlite_") || name.starts_with("postgres_") || name.starts_with("mysql_") || EXACT.contains(&name)
}

#[derive(Default)]
struct Guard {
    tables: Vec<String>,
    seen: BTreeSet<String>,
    ctes: BTreeSet<String>,
}

fn last_part(name: &sqlparser::ast::ObjectName) -> String {
    name.0.last().map(|i| i.value.clone()).unwrap_or_default()
}

fn select_into(body: &SetExpr) -> bool {
    match body {
        SetExpr::Select(s) => s.into.is_some(),
        SetExpr::SetOperation { left, right, .. } => select_into(left) || select_into(right),
        SetExpr::Query(q) => select_into(&q.body),
        _ => false,
    }
}

impl Visitor for Guard {
    type Break = Error;

    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<Error> {
        if let Some(with) = &query.with {
            for cte in &with.cte_tables {
                self.ctes.insert(cte.alias.name.value.to_lowercase());
            }
        }
        if select_into(&query.body) {
            return ControlFlow::Break(Error::new(
                ErrorCode::SqlForbidden,
                "SELECT ... INTO would create a table; only read-only queries are allowed.",
                "Remove the INTO clause.",
            ));
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_table_factor(&mut self, factor: &TableFactor) -> ControlFlow<Error> {
        match factor {
            TableFactor::Table { name, args: None, .. } => {
                if name.0.len() > 1 {
                    return ControlFlow::Break(Error::new(
                        ErrorCode::UnknownTable,
                        format!("Tables are named with one word here, but the query uses '{name}'."),
                        format!("Use just the table's name, e.g. '{}'.", last_part(name)),
                    ));
                }
                let t = last_part(name);
                if self.seen.insert(t.clone()) {
                    self.tables.push(t);
                }
                ControlFlow::Continue(())
            }
            TableFactor::Table { name, args: Some(_), .. } | TableFactor::Function { name, .. } => {
                ControlFlow::Break(table_function_error(&name.to_string()))
            }
            TableFactor::TableFunction { expr, .. } => {
                let name = match expr {
                    Expr::Function(f) => f.name.to_string(),
                    other => other.to_string().chars().take(40).collect(),
                };
                ControlFlow::Break(table_function_error(&name))
            }
            _ => ControlFlow::Continue(()),
        }
    }

    fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<Error> {
        if let Expr::Function(f) = expr {
            let name = last_part(&f.name).to_lowercase();
            if is_io_function(&name) {
                return ControlFlow::Break(Error::new(
                    ErrorCode::SqlForbidden,
                    format!("The function {name}() reads files or other databases, which is not allowed."),
                    "Query only the tables you registered. To add data, register a file or rows first.",
                ));
            }
        }
        ControlFlow::Continue(())
    }
}

fn table_function_error(name: &str) -> Error {
    let shown: String = name.chars().take(60).collect();
    Error::new(
        ErrorCode::SqlForbidden,
        format!("Table functions such as {shown}(...) are not allowed: they can read files or URLs."),
        "Query a registered table by name instead. To add data, register a file or rows first.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(sql: &str) -> ErrorCode {
        match check(sql) {
            Ok(_) => panic!("accepted: {sql}"),
            Err(e) => {
                assert!(!e.message.is_empty() && !e.hint.is_empty(), "{sql}: {e}");
                e.code
            }
        }
    }

    #[test]
    fn queries_pass_and_name_their_tables() {
        let q = check("WITH t AS (SELECT * FROM sales) SELECT a.x, b.y FROM t JOIN Regions b ON t.r = b.r JOIN sales a ON 1=1").unwrap();
        assert_eq!(q.tables, vec!["sales".to_string(), "Regions".to_string()]);
        for sql in [
            "SELECT 1",
            "select a, count(*) from t group by a having count(*) > 1 order by 2 desc limit 5",
            "SELECT * FROM a UNION ALL SELECT * FROM b",
            "VALUES (1, 'x'), (2, 'y')",
            "SELECT x FROM t WHERE y IN (SELECT y FROM u)",
            "SELECT a, SUM(b) OVER (PARTITION BY a) FROM t",
            "SELECT * FROM t, -- comment\n u",
            "SELECT 1;",
        ] {
            check(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
    }

    #[test]
    fn writes_and_side_effects_are_forbidden() {
        for sql in [
            "DROP TABLE t",
            "drop table if exists t",
            "CREATE TABLE x AS SELECT 1",
            "CREATE VIEW v AS SELECT 1",
            "INSERT INTO t VALUES (1)",
            "UPDATE t SET a = 1",
            "DELETE FROM t",
            "TRUNCATE TABLE t",
            "ALTER TABLE t ADD COLUMN c INT",
            "COPY t TO '/tmp/x.csv'",
            "ATTACH DATABASE 'x.db' AS x",
            "SET threads = 4",
            "SELECT 1; SELECT 2",
            "SELECT 1; /* hidden */ DROP TABLE t",
            "SELECT * INTO newt FROM t",
            "SELECT * FROM read_csv('/etc/passwd')",
            "SELECT * FROM READ_PARQUET('https://x/y.parquet')",
            "SELECT * FROM read_json('x.json')",
            "SELECT * FROM read_ipc('x.arrow')",
            "WITH a AS (SELECT * FROM read_csv('x')) SELECT * FROM a",
            "SELECT * FROM t WHERE x IN (SELECT * FROM read_parquet('y'))",
            "SELECT read_csv('x')",
            "SELECT * FROM glob('*')",
            "EXPLAIN SELECT 1",
        ] {
            assert_eq!(code(sql), ErrorCode::SqlForbidden, "{sql}");
        }
    }

    #[test]
    fn syntax_errors() {
        assert_eq!(code(""), ErrorCode::SqlSyntax);
        assert_eq!(code("   "), ErrorCode::SqlSyntax);
        assert_eq!(code("-- only a comment"), ErrorCode::SqlSyntax);
        assert_eq!(code("SELEC 1"), ErrorCode::SqlSyntax);
        assert_eq!(code("SELECT FROM WHERE"), ErrorCode::SqlSyntax);
        assert_eq!(code("SELECT 'unterminated"), ErrorCode::SqlSyntax);
        assert_eq!(code("SELECT * FROM db.schema.t"), ErrorCode::UnknownTable);
    }
}
