//! The rewrite layer: checked SQL in the DuckDB/PostgreSQL style people write, out as SQL
//! the in-page engine (Polars SQL 0.51) runs with the same meaning.
//!
//! Runs after the read-only guard and before execution, on the sqlparser AST. Every change
//! is recorded as a [`Transformation`]. What cannot be rewritten fails with
//! `SQL_UNSUPPORTED`, naming the construct and an equivalent the engine accepts.
//!
//! The passes, per SELECT (innermost first): default result-column names (DuckDB's), identifier
//! case, function and literal mapping (dates, intervals, division, DuckDB aliases), implicit
//! joins made explicit and join conditions the engine can use, subqueries (uncorrelated ones run
//! first and inlined as literals; correlated scalar / EXISTS ones turned into joins with grouped
//! derived tables), aggregation in a canonical three-level form (keys and arguments computed
//! first, then a plain GROUP BY, then HAVING / ORDER BY / expressions over the results), window
//! functions as calls to the engine's window functions, and DuckDB's NULLS LAST ordering.
//!
//! Needs a [`Catalog`] for table schemas, the columns of derived queries and running an
//! uncorrelated subquery. Never panics on user input.

mod aggregate;
mod ast;
mod functions;
mod joins;
mod names;
mod scope;
mod subquery;
mod window;

use sqlparser::ast::{
    Cte, Expr, Ident, OrderBy, Query, Select, SelectItem, SetExpr, Statement, TableAlias, TableFactor, TableWithJoins, With,
};

use crate::error::{Error, ErrorCode, Result};

use super::Transformation;
pub(crate) use ast::internal;

use scope::{Col, Rel, Scope};

pub use names_public::default_column_name;

mod names_public {
    /// DuckDB's name for the result column of an SQL expression (`avg(x)`, `count_star()`).
    pub fn default_column_name(expr: &sqlparser::ast::Expr) -> String {
        super::names::default_name(expr)
    }
}

/// The kind of a column's values, as far as the rewriter needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Int,
    Float,
    Decimal,
    Str,
    Bool,
    Date,
    Datetime,
    Time,
    Duration,
    Other,
}

impl Kind {
    pub fn is_numeric(self) -> bool {
        matches!(self, Kind::Int | Kind::Float | Kind::Decimal)
    }
    pub fn is_temporal(self) -> bool {
        matches!(self, Kind::Date | Kind::Datetime | Kind::Time | Kind::Duration)
    }
}

/// A value produced by running a subquery, to be inlined as a literal.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    /// `value / 10^scale`
    Decimal(i128, usize),
    Str(String),
    /// days since 1970-01-01
    Date(i32),
    /// microseconds since 1970-01-01T00:00:00
    Datetime(i64),
    /// anything else, already as SQL text
    Sql(String),
}

/// What the rewriter needs from the engine.
pub trait Catalog {
    /// Columns of a registered table (the name as written; resolved like the engine does).
    fn table(&self, name: &str) -> Option<Vec<(String, Kind)>>;
    /// Result columns of a query that is already in the engine's dialect.
    fn columns(&self, query: &Query) -> Result<Vec<(String, Kind)>>;
    /// Runs a query that is already in the engine's dialect; at most `limit` rows.
    fn rows(&self, query: &Query, limit: usize) -> Result<Vec<Vec<Literal>>>;
    /// The current time, microseconds since 1970-01-01 UTC; for CURRENT_DATE / NOW().
    fn now_micros(&self) -> i64;
}

/// A rewritten statement and what was changed.
#[derive(Debug, Clone)]
pub struct Rewritten {
    pub statement: Statement,
    pub transformations: Vec<Transformation>,
}

/// Rewrites a checked statement into the engine's dialect.
pub fn rewrite(statement: &Statement, catalog: &dyn Catalog) -> Result<Rewritten> {
    let Statement::Query(q) = statement else {
        return Ok(Rewritten { statement: statement.clone(), transformations: vec![] });
    };
    ast::check_field_access(q)?;
    let mut q = (**q).clone();
    ast::raw_quoted_strings(&mut q);
    let mut rw = Rw { cat: catalog, log: Vec::new(), fresh: 0, ctes: Vec::new(), scopes: Vec::new() };
    rw.query(&mut q)?;
    ast::parenthesize_field_access(&mut q);
    Ok(Rewritten { statement: Statement::Query(Box::new(q)), transformations: rw.log })
}

pub(crate) fn unsupported(construct: impl std::fmt::Display, hint: impl Into<String>) -> Error {
    Error::new(ErrorCode::SqlUnsupported, format!("The in-page engine cannot run {construct}."), hint)
}

struct Rw<'a> {
    cat: &'a dyn Catalog,
    log: Vec<Transformation>,
    fresh: usize,
    /// CTEs visible at this point (already rewritten), innermost last.
    ctes: Vec<Cte>,
    /// Relations of the enclosing SELECTs, innermost last.
    scopes: Vec<Scope>,
}

impl Rw<'_> {
    fn note(&mut self, rule: &str, detail: impl Into<String>) {
        let t = Transformation { rule: rule.to_string(), detail: detail.into() };
        if !self.log.contains(&t) {
            self.log.push(t);
        }
    }

    fn fresh(&mut self, prefix: &str) -> String {
        self.fresh += 1;
        format!("__if_{prefix}{}", self.fresh)
    }

    /// `q` with the visible CTEs attached, so that it runs on its own.
    fn with_ctes(&self, q: &Query) -> Query {
        let mut q2 = q.clone();
        if self.ctes.is_empty() {
            return q2;
        }
        let mut tables: Vec<Cte> = self.ctes.clone();
        if let Some(w) = q2.with.take() {
            tables.extend(w.cte_tables);
        }
        q2.with = Some(With { with_token: sqlparser::ast::helpers::attached_token::AttachedToken::empty(), recursive: false, cte_tables: tables });
        q2
    }

    /// Result columns of an (already rewritten) query.
    fn columns_of(&self, q: &Query) -> Result<Vec<(String, Kind)>> {
        self.cat.columns(&self.with_ctes(q))
    }

    fn query(&mut self, q: &mut Query) -> Result<()> {
        let mark = self.ctes.len();
        let r = self.query_inner(q);
        self.ctes.truncate(mark);
        r
    }

    fn query_inner(&mut self, q: &mut Query) -> Result<()> {
        if let Some(with) = &mut q.with {
            if with.recursive {
                return Err(unsupported("WITH RECURSIVE", "Recursive queries are not available; write the levels out with UNION ALL."));
            }
            for cte in &mut with.cte_tables {
                let saved = std::mem::take(&mut self.scopes);
                let r = self.query(&mut cte.query);
                self.scopes = saved;
                r?;
                self.ctes.push(cte.clone());
            }
        }
        if q.fetch.is_some() {
            return Err(unsupported("FETCH FIRST", "Use LIMIT n instead."));
        }
        match q.body.as_mut() {
            SetExpr::Select(s) => self.select(s, &mut q.order_by)?,
            SetExpr::Query(inner) => self.query(inner)?,
            SetExpr::SetOperation { .. } => {
                self.set_expr(&mut q.body)?;
                self.align_set_names(&mut q.body)?;
                if q.order_by.is_some() {
                    // The engine ignores ORDER BY after UNION / EXCEPT / INTERSECT: sort a
                    // derived table of the set operation instead.
                    let alias = self.fresh("u");
                    let inner = query_of((*q.body).clone());
                    let wrapped = ast::parse_query(&format!("SELECT * FROM ({inner}) AS {alias}"))?;
                    q.body = wrapped.body;
                    self.note("set_operation_order_by", "ORDER BY after a set operation is applied to a derived table of its result (the engine would skip it).");
                }
                self.null_order(&mut q.order_by);
            }
            SetExpr::Values(_) => {}
            other => {
                let text: String = other.to_string().chars().take(40).collect();
                return Err(unsupported(format!("this kind of query ({text})"), "Write it as a SELECT."));
            }
        }
        Ok(())
    }

    /// Every branch of a set operation takes the first branch's column names (the engine
    /// requires equal names; SQL uses the first branch's).
    fn align_set_names(&mut self, body: &mut SetExpr) -> Result<()> {
        if let SetExpr::SetOperation { set_quantifier, .. } = body {
            use sqlparser::ast::SetQuantifier as Q;
            if matches!(set_quantifier, Q::ByName | Q::AllByName | Q::DistinctByName) {
                return Ok(());
            }
        }
        let first = first_branch(body).clone();
        let names: Vec<String> = self.columns_of(&query_of(first))?.into_iter().map(|(n, _)| n).collect();
        let mut changed = false;
        rename_branches(body, &names, true, &mut changed);
        if changed {
            self.note("set_operation_names", "Every branch of UNION / EXCEPT / INTERSECT takes the column names of the first branch.");
        }
        Ok(())
    }

    fn set_expr(&mut self, e: &mut SetExpr) -> Result<()> {
        match e {
            SetExpr::Select(s) => self.select(s, &mut None),
            SetExpr::Query(q) => self.query(q),
            SetExpr::SetOperation { left, right, .. } => {
                self.set_expr(left)?;
                self.set_expr(right)
            }
            _ => Ok(()),
        }
    }

    fn select(&mut self, s: &mut Select, order_by: &mut Option<OrderBy>) -> Result<()> {
        if !s.named_window.is_empty() {
            return Err(unsupported("named windows (WINDOW w AS ...)", "Write the window specification inside OVER (...) of each function."));
        }
        if s.top.is_some() {
            return Err(unsupported("SELECT TOP", "Use LIMIT n at the end of the query instead."));
        }
        let scope = self.scope_of_from(&mut s.from)?;
        self.scopes.push(scope);
        let r = self.select_in_scope(s, order_by);
        self.scopes.pop();
        r
    }

    fn select_in_scope(&mut self, s: &mut Select, order_by: &mut Option<OrderBy>) -> Result<()> {
        self.name_outputs(s);
        self.fix_select(s, order_by)?;
        self.normalize_joins(s)?;
        self.subqueries(s, order_by)?;
        self.aggregate(s, order_by)?;
        self.windows(s, order_by)?;
        self.qualify(s)?;
        self.null_order(order_by);
        Ok(())
    }

    /// Gives unaliased result expressions DuckDB's default names.
    fn name_outputs(&mut self, s: &mut Select) {
        let mut named: Vec<String> = Vec::new();
        for item in &mut s.projection {
            if let SelectItem::UnnamedExpr(e) = item {
                if matches!(e, Expr::Identifier(_) | Expr::CompoundIdentifier(_)) {
                    continue;
                }
                let name = names::default_name(e);
                named.push(name.clone());
                *item = SelectItem::ExprWithAlias { expr: e.clone(), alias: Ident::with_quote('"', name) };
            }
        }
        if !named.is_empty() {
            let shown: Vec<String> = named.iter().take(5).map(|n| format!("\"{n}\"")).collect();
            self.note("column_names", format!("Unnamed result columns get the names DuckDB gives them: {}.", shown.join(", ")));
        }
    }

    /// DuckDB sorts NULLs last in both directions; the engine defaults to first for DESC.
    fn null_order(&mut self, order_by: &mut Option<OrderBy>) {
        let Some(ob) = order_by else { return };
        let mut changed = false;
        for o in &mut ob.exprs {
            if o.asc == Some(false) && o.nulls_first.is_none() {
                o.nulls_first = Some(false);
                changed = true;
            }
        }
        if changed {
            self.note("nulls_last", "ORDER BY ... DESC puts NULLs last, as DuckDB does (write NULLS FIRST to change it).");
        }
    }

    /// The relations of a FROM clause; derived tables and CTE references resolved.
    fn scope_of_from(&mut self, from: &mut [TableWithJoins]) -> Result<Scope> {
        let mut rels = Vec::new();
        for twj in from.iter_mut() {
            self.factor_rels(&mut twj.relation, &mut rels)?;
            for j in &mut twj.joins {
                self.factor_rels(&mut j.relation, &mut rels)?;
            }
        }
        Ok(Scope::from_rels(rels))
    }

    fn factor_rels(&mut self, f: &mut TableFactor, rels: &mut Vec<Rel>) -> Result<()> {
        match f {
            TableFactor::Table { name, alias, args: None, .. } => {
                let tname = name.0.last().map(|i| i.value.clone()).unwrap_or_default();
                let cte = self.ctes.iter().rev().find(|c| c.alias.name.value.eq_ignore_ascii_case(&tname)).cloned();
                let cte_name = cte.as_ref().map(|c| c.alias.name.value.clone());
                let cols: Vec<(String, Kind)> = match cte {
                    Some(c) => {
                        let mut cols = self.columns_of(&c.query)?;
                        rename_cols(&mut cols, &c.alias);
                        cols
                    }
                    None => self.cat.table(&tname).ok_or_else(|| {
                        Error::new(ErrorCode::UnknownTable, format!("There is no table named '{tname}'."), "Register the table first, or check its name.")
                    })?,
                };
                let mut cols = cols;
                if let (Some(c), Some(a)) = (cte_name, alias.clone()) {
                    // the engine cannot resolve an alias of a CTE: select from it in a derived table
                    let q = ast::parse_query(&format!("SELECT * FROM {}", ast::quote(&c)))?;
                    let name = a.name.value.clone();
                    rename_cols(&mut cols, &a);
                    *f = TableFactor::Derived { lateral: false, subquery: Box::new(q), alias: Some(a) };
                    self.note("cte_alias", "A CTE used under another name is read through a derived table.");
                    rels.push(rel(name, cols));
                    return Ok(());
                }
                let rel_name = match alias {
                    Some(a) => {
                        rename_cols(&mut cols, a);
                        a.name.value.clone()
                    }
                    None => tname,
                };
                rels.push(rel(rel_name, cols));
                Ok(())
            }
            TableFactor::Derived { lateral, subquery, alias } => {
                if *lateral {
                    return Err(unsupported("LATERAL subqueries", "Join a grouped subquery on the outer key instead."));
                }
                let saved = std::mem::take(&mut self.scopes);
                let r = self.query(subquery);
                self.scopes = saved;
                r?;
                let mut cols = self.columns_of(subquery)?;
                if alias.is_none() {
                    let a = self.fresh("d");
                    *alias = Some(TableAlias { name: Ident::new(a), columns: vec![] });
                    self.note("derived_table_alias", "A subquery in FROM without a name gets one (the engine needs it).");
                }
                let Some(a) = alias.as_ref() else { return Err(internal("alias")) };
                rename_cols(&mut cols, a);
                rels.push(rel(a.name.value.clone(), cols));
                Ok(())
            }
            TableFactor::NestedJoin { table_with_joins, .. } => {
                self.factor_rels(&mut table_with_joins.relation, rels)?;
                for j in &mut table_with_joins.joins {
                    self.factor_rels(&mut j.relation, rels)?;
                }
                Ok(())
            }
            other => {
                let text: String = other.to_string().chars().take(40).collect();
                Err(unsupported(format!("this FROM item ({text})"), "Select from a registered table, a CTE or a subquery."))
            }
        }
    }

    /// The current (innermost) scope.
    fn scope(&self) -> Option<&Scope> {
        self.scopes.last()
    }
}

/// A query with just this body.
pub(crate) fn query_of(body: SetExpr) -> Query {
    Query {
        with: None,
        body: Box::new(body),
        order_by: None,
        limit: None,
        limit_by: vec![],
        offset: None,
        fetch: None,
        locks: vec![],
        for_clause: None,
        settings: None,
        format_clause: None,
    }
}

fn first_branch(body: &SetExpr) -> &SetExpr {
    match body {
        SetExpr::SetOperation { left, .. } => first_branch(left),
        SetExpr::Query(q) => first_branch(&q.body),
        other => other,
    }
}

fn rename_branches(body: &mut SetExpr, names: &[String], first: bool, changed: &mut bool) {
    match body {
        SetExpr::SetOperation { left, right, .. } => {
            rename_branches(left, names, first, changed);
            rename_branches(right, names, false, changed);
        }
        SetExpr::Query(q) => rename_branches(&mut q.body, names, first, changed),
        SetExpr::Select(s) if !first => {
            if s.projection.len() != names.len() || s.projection.iter().any(|i| ast::select_item_expr(i).is_none()) {
                return;
            }
            for (item, name) in s.projection.iter_mut().zip(names) {
                let (e, current) = match item {
                    SelectItem::UnnamedExpr(e) => (e.clone(), names::default_name(e)),
                    SelectItem::ExprWithAlias { expr, alias } => (expr.clone(), alias.value.clone()),
                    _ => continue,
                };
                if current != *name {
                    *item = SelectItem::ExprWithAlias { expr: e, alias: Ident::with_quote('"', name.clone()) };
                    *changed = true;
                }
            }
        }
        _ => {}
    }
}

fn rel(name: String, cols: Vec<(String, Kind)>) -> Rel {
    Rel { name, cols: cols.into_iter().map(|(n, k)| Col { actual: n.clone(), name: n, kind: k }).collect() }
}

fn rename_cols(cols: &mut [(String, Kind)], alias: &TableAlias) {
    for (c, a) in cols.iter_mut().zip(alias.columns.iter()) {
        c.0 = a.name.value.clone();
    }
}

