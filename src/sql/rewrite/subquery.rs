//! Subqueries in expressions.
//!
//! Uncorrelated ones: a scalar subquery or EXISTS runs first and its value is inlined as a
//! literal; IN (subquery) stays (the engine runs it in WHERE) or is inlined as a list.
//! Correlated scalar subqueries and [NOT] EXISTS whose correlation is a conjunction of
//! equalities (plus, for EXISTS, one comparison such as `inner.x <> outer.x`) become a LEFT
//! JOIN with a derived table grouped on the correlated columns. When the outer query keeps only
//! some rows of the relation a key comes from (`p_brand = 'Brand#23'`), the derived table
//! groups only those keys. Other shapes fail with `SQL_UNSUPPORTED`.

use sqlparser::ast::{
    BinaryOperator, DataType, Expr, GroupByExpr, Join, JoinConstraint, JoinOperator, OrderBy, Query, Select, SelectItem, SetExpr, TableAlias,
    TableFactor, TableWithJoins, Value,
};

use super::aggregate::contains_agg;
use super::ast::{self, and_all, binop, conjuncts, unnest};
use super::functions::{days_to_date, micros_to_datetime};
use super::scope::{idents_of, Scope};
use super::{rel, unsupported, Literal, Rw};
use crate::error::{Error, ErrorCode, Result};

struct Analysis {
    scope: Scope,
    correlated: bool,
}

/// The outer side of a correlation equality.
#[derive(Clone)]
enum OuterKey {
    /// a column (rel, col) of the current scope
    Col(usize, usize),
    /// an expression over one relation (rel) of the current scope
    Expr(usize, Expr),
}

/// What the rows of the SELECT holding a subquery come from.
struct Outer {
    from: Vec<TableWithJoins>,
    filters: Vec<Expr>,
}

struct Split {
    /// (inner expression, outer side)
    keys: Vec<(Expr, OuterKey)>,
    kept: Vec<Expr>,
    /// (inner expression, operator as `inner op outer`, outer expression)
    range: Option<(Expr, BinaryOperator, Expr)>,
}

fn short(q: &Query) -> String {
    let t = q.to_string();
    if t.chars().count() > 80 {
        format!("{}…", t.chars().take(80).collect::<String>())
    } else {
        t
    }
}

/// The name a FROM item is referred to by.
fn factor_name(f: &TableFactor) -> Option<String> {
    match f {
        TableFactor::Table { name, alias, .. } => Some(alias.as_ref().map(|a| a.name.value.clone()).unwrap_or_else(|| name.0.last().map(|i| i.value.clone()).unwrap_or_default())),
        TableFactor::Derived { alias: Some(a), .. } => Some(a.name.value.clone()),
        _ => None,
    }
}

/// A condition comparing a column to constants (`c = 'x'`, `c < DATE '1995-01-01'`,
/// `c IN (...)`, `c BETWEEN ...`, `c LIKE ...`): one worth filtering a join key by.
fn constant_test(e: &Expr) -> bool {
    let constant = |x: &Expr| !ast::any(x, &|y| idents_of(y).is_some()) && !ast::has_subquery(x);
    match unnest(e) {
        Expr::BinaryOp { left, op, right } => match op {
            BinaryOperator::And => constant_test(left) || constant_test(right),
            BinaryOperator::Eq | BinaryOperator::Lt | BinaryOperator::LtEq | BinaryOperator::Gt | BinaryOperator::GtEq => {
                constant(left) != constant(right)
            }
            _ => false,
        },
        Expr::InList { expr, list, negated: false } => !constant(expr) && list.iter().all(constant),
        Expr::Between { expr, low, high, negated: false } => !constant(expr) && constant(low) && constant(high),
        Expr::Like { expr, pattern, negated: false, .. } | Expr::ILike { expr, pattern, negated: false, .. } => !constant(expr) && constant(pattern),
        _ => false,
    }
}

/// The name of the one column of a key filter's subquery.
const KEY_FILTER: &str = "__if_key";

fn is_key_filter(q: &Query) -> bool {
    let SetExpr::Select(sel) = q.body.as_ref() else { return false };
    matches!(sel.projection.as_slice(), [SelectItem::ExprWithAlias { alias, .. }] if alias.value == KEY_FILTER)
}

/// A table filtered before the joins (`(SELECT * FROM t WHERE c) AS t`) on constants.
fn filtered_table(f: &TableFactor) -> bool {
    let TableFactor::Derived { subquery, .. } = f else { return false };
    let SetExpr::Select(sel) = subquery.body.as_ref() else { return false };
    subquery.with.is_none()
        && subquery.limit.is_none()
        && matches!(sel.projection.as_slice(), [SelectItem::Wildcard(_)])
        && matches!(sel.from.as_slice(), [t] if t.joins.is_empty() && matches!(t.relation, TableFactor::Table { .. }))
        && matches!(&sel.group_by, GroupByExpr::Expressions(v, _) if v.is_empty())
        && sel.selection.as_ref().is_some_and(|w| conjuncts(w.clone()).iter().any(constant_test))
}

fn flip(op: &BinaryOperator) -> BinaryOperator {
    match op {
        BinaryOperator::Lt => BinaryOperator::Gt,
        BinaryOperator::LtEq => BinaryOperator::GtEq,
        BinaryOperator::Gt => BinaryOperator::Lt,
        BinaryOperator::GtEq => BinaryOperator::LtEq,
        other => other.clone(),
    }
}

/// A literal expression for a value computed by a subquery.
pub(crate) fn literal_expr(v: &Literal) -> Result<Expr> {
    Ok(match v {
        Literal::Null => Expr::Value(Value::Null),
        Literal::Bool(b) => Expr::Value(Value::Boolean(*b)),
        Literal::Int(i) => ast::number(i),
        Literal::Float(f) => {
            if !f.is_finite() {
                return Err(unsupported("a subquery whose value is not a finite number", "Filter out the NaN / infinite values in the subquery."));
            }
            let mut s = format!("{f}");
            if !s.contains(['.', 'e', 'E']) {
                s.push_str(".0");
            }
            ast::number(s)
        }
        Literal::Decimal(v, scale) => {
            let neg = *v < 0;
            let digits = v.unsigned_abs().to_string();
            let scale = *scale;
            let text = if scale == 0 {
                digits
            } else {
                let padded = format!("{digits:0>width$}", width = scale + 1);
                let (int, frac) = padded.split_at(padded.len() - scale);
                format!("{int}.{frac}")
            };
            let text = if neg { format!("-{text}") } else { text };
            ast::parse_expr(&format!("CAST('{text}' AS DECIMAL(38, {scale}))"))?
        }
        Literal::Str(s) => ast::string(s),
        Literal::Date(d) => Expr::TypedString { data_type: DataType::Date, value: days_to_date(*d) },
        Literal::Datetime(us) => {
            Expr::TypedString { data_type: DataType::Timestamp(None, sqlparser::ast::TimezoneInfo::None), value: micros_to_datetime(*us) }
        }
        Literal::Sql(s) => ast::parse_expr(s)?,
    })
}

impl Rw<'_> {
    /// Adds `expr` as a column of relation `rel` (wrapping its FROM item in a derived table),
    /// so that a join can use it as a key. Returns the new column.
    fn materialize(&mut self, from: &mut [TableWithJoins], rel: usize, expr: &Expr) -> Result<(usize, usize)> {
        let mut e = expr.clone();
        self.fix_expr(&mut e)?;
        let name = self.scope().and_then(|s| s.rels.get(rel)).map(|r| r.name.clone()).ok_or_else(|| super::internal("outer relation"))?;
        let colname = self.fresh("ok");
        let twj = from.first_mut().ok_or_else(|| super::internal("from"))?;
        let factor = std::iter::once(&mut twj.relation)
            .chain(twj.joins.iter_mut().map(|j| &mut j.relation))
            .find(|f| factor_name(f).is_some_and(|n| n == name))
            .ok_or_else(|| unsupported("a correlated subquery on this kind of FROM item", "Correlate on plain columns."))?;
        let q = ast::parse_query(&format!("SELECT *, {e} AS {colname} FROM {factor}"))?;
        *factor = TableFactor::Derived { lateral: false, subquery: Box::new(q), alias: Some(TableAlias { name: ast::ident(&name), columns: vec![] }) };
        let scope = self.scopes.last_mut().ok_or_else(|| super::internal("scope"))?;
        let r = scope.rels.get_mut(rel).ok_or_else(|| super::internal("rel"))?;
        r.cols.push(super::scope::Col { name: colname.clone(), kind: super::Kind::Other, actual: colname });
        Ok((rel, r.cols.len() - 1))
    }

    pub(super) fn subqueries(&mut self, s: &mut Select, order_by: &mut Option<OrderBy>) -> Result<()> {
        let Select { from, selection, projection, having, .. } = s;
        let items = projection.iter().filter_map(|i| match i {
            SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => Some(e),
            _ => None,
        });
        let orders = order_by.iter().flat_map(|ob| ob.exprs.iter().map(|o| &o.expr));
        if !selection.iter().chain(items).chain(having.iter()).chain(orders).any(ast::has_subquery) {
            return Ok(());
        }
        // every row the SELECT keeps comes from this FROM and meets these conditions (the
        // top-level ones of WHERE without a subquery)
        let outer = Outer {
            from: from.clone(),
            filters: selection.clone().map(conjuncts).unwrap_or_default().into_iter().filter(|c| !ast::has_subquery(c)).collect(),
        };
        if let Some(e) = selection {
            self.subquery_expr(e, from, true, &outer)?;
        }
        for item in projection.iter_mut() {
            if let SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } = item {
                self.subquery_expr(e, from, false, &outer)?;
            }
        }
        if let Some(e) = having {
            self.subquery_expr(e, from, false, &outer)?;
        }
        if let Some(ob) = order_by {
            for o in &mut ob.exprs {
                self.subquery_expr(&mut o.expr, from, false, &outer)?;
            }
        }
        Ok(())
    }

    /// Sideways filtering of a decorrelated subquery: `inner_key IN (SELECT DISTINCT key ...)`
    /// with the keys the outer rows can hold, so that the grouped subquery computes only those
    /// (TPC-H Q17 grouped all 6 M lineitems by part to use the averages of 200 parts), when the
    /// outer query filters the key's relation on constants (in WHERE, or as a table filtered
    /// before the joins). Keys taken from the whole outer FROM instead (a filter on another
    /// relation, as in Q21) were measured too: the extra join cost what the smaller groups saved.
    fn key_filters(&self, keys: &[(Expr, OuterKey)], outer: &Outer) -> Vec<Expr> {
        let mut out = Vec::new();
        for (ie, k) in keys {
            let OuterKey::Col(r, c) = k else { continue };
            let Some((name, col)) = self.scope().and_then(|s| s.rels.get(*r)).and_then(|rel| Some((rel.name.clone(), rel.cols.get(*c)?.name.clone()))) else {
                continue;
            };
            let factor = outer
                .from
                .iter()
                .flat_map(|t| std::iter::once(&t.relation).chain(t.joins.iter().map(|j| &j.relation)))
                .find(|f| factor_name(f).is_some_and(|n| n == name));
            let Some(factor) = factor else { continue };
            let own: Vec<Expr> = outer.filters.iter().filter(|f| self.rels_of(f).is_some_and(|rs| rs.len() == 1 && rs.contains(r))).cloned().collect();
            if !own.iter().any(constant_test) && !filtered_table(factor) {
                continue;
            }
            let where_sql = and_all(own).map(|w| format!(" WHERE {w}")).unwrap_or_default();
            let sql = format!("{ie} IN (SELECT DISTINCT {} AS {KEY_FILTER} FROM {factor}{where_sql})", ast::col(&name, &col));
            if let Ok(e) = ast::parse_expr(&sql) {
                out.push(e);
            }
        }
        out
    }

    /// The grouped derived query, with its key filters; without them when that cannot be
    /// rewritten (the filters only save work).
    fn derived_query(&mut self, with: &str, without: &str) -> Result<Query> {
        if with != without {
            let log = self.log.len();
            let attempt = ast::parse_query(with).and_then(|mut dq| self.query_isolated(&mut dq).map(|()| dq));
            if let Ok(dq) = attempt {
                self.note("subquery_key_filter", "A correlated subquery is computed only for the keys the outer query keeps.");
                return Ok(dq);
            }
            self.log.truncate(log);
        }
        let mut dq = ast::parse_query(without)?;
        self.query_isolated(&mut dq)?;
        Ok(dq)
    }

    fn subquery_expr(&mut self, e: &mut Expr, from: &mut [TableWithJoins], in_where: bool, outer: &Outer) -> Result<()> {
        if !ast::has_subquery(e) {
            return Ok(());
        }
        ast::walk_pre_mut(e, &mut |x| {
            match x {
                Expr::Subquery(q) => {
                    let new = self.scalar_subquery(q, from, outer)?;
                    *x = new;
                    Ok(true)
                }
                Expr::Exists { subquery, negated } => {
                    let new = self.exists_subquery(subquery, *negated, from, outer)?;
                    *x = new;
                    Ok(true)
                }
                Expr::InSubquery { expr, subquery, negated } => {
                    self.subquery_expr(expr, from, in_where, outer)?;
                    let an = self.analyze(subquery)?;
                    if an.correlated {
                        return Err(unsupported(
                            "IN (subquery) that refers to the outer query",
                            "Use EXISTS (SELECT 1 FROM ... WHERE inner.col = outer.col AND ...) instead.",
                        ));
                    }
                    // a key filter (see key_filters) is inlined only when short: a long list
                    // costs more to write, parse and match than the engine's semi join
                    let max = if is_key_filter(subquery) { 1_000 } else { 50_000 };
                    self.query_isolated(subquery)?;
                    // run it first and inline the values (the engine's own IN (subquery) is
                    // fragile); keep the subquery in WHERE when it yields very many values
                    let rows = self.cat.rows(&self.with_ctes(subquery), max + 1)?;
                    if rows.first().is_some_and(|r| r.len() != 1) {
                        return Err(Error::new(ErrorCode::QueryFailed, "The subquery after IN returns more than one column.", "Select exactly one column in the subquery."));
                    }
                    if rows.len() > max {
                        if in_where {
                            return Ok(true);
                        }
                        return Err(unsupported("IN (subquery) with more than 50000 values outside WHERE", "Use a JOIN instead."));
                    }
                    let mut seen = std::collections::HashSet::new();
                    let mut has_null = false;
                    let mut list = Vec::new();
                    for r in &rows {
                        let v = r.first().cloned().unwrap_or(Literal::Null);
                        if v == Literal::Null {
                            has_null = true;
                            continue;
                        }
                        let e = literal_expr(&v)?;
                        if seen.insert(e.to_string()) {
                            list.push(e);
                        }
                    }
                    self.note("in_subquery", format!("The subquery ({}) ran first; IN uses its {} distinct values.", short(subquery), list.len()));
                    let test = if list.is_empty() {
                        Expr::Value(Value::Boolean(false))
                    } else {
                        Expr::InList { expr: expr.clone(), list, negated: false }
                    };
                    // SQL: x IN (..., NULL) is NULL when x is not found; NOT IN then never holds
                    *x = match (*negated, has_null) {
                        (false, false) => test,
                        (true, false) => ast::not(test),
                        (false, true) => Expr::Case { operand: None, conditions: vec![test], results: vec![Expr::Value(Value::Boolean(true))], else_result: None },
                        (true, true) => Expr::Case { operand: None, conditions: vec![test], results: vec![Expr::Value(Value::Boolean(false))], else_result: None },
                    };
                    Ok(true)
                }
                _ => Ok(false),
            }
        })
    }

    /// Rewrites a query that cannot see the enclosing SELECTs.
    pub(super) fn query_isolated(&mut self, q: &mut Query) -> Result<()> {
        let saved = std::mem::take(&mut self.scopes);
        let r = self.query(q);
        self.scopes = saved;
        r
    }

    fn analyze(&mut self, q: &Query) -> Result<Analysis> {
        let SetExpr::Select(sel) = q.body.as_ref() else {
            return Ok(Analysis { scope: Scope::default(), correlated: false });
        };
        let mut from = sel.from.clone();
        let saved = std::mem::take(&mut self.scopes);
        let sc = self.scope_of_from(&mut from);
        self.scopes = saved;
        let sc = sc?;
        let Some(outer) = self.scope() else {
            return Ok(Analysis { scope: sc, correlated: false });
        };
        let mut correlated = false;
        let mut check = |e: &Expr| {
            ast::each(e, &mut |x| {
                if let Some(ids) = idents_of(x) {
                    if sc.resolve(ids).is_none() && outer.resolve(ids).is_some() {
                        correlated = true;
                    }
                }
            })
        };
        for item in &sel.projection {
            if let Some((e, _)) = ast::select_item_expr(item) {
                check(e);
            }
        }
        if let Some(e) = &sel.selection {
            check(e);
        }
        if let Some(e) = &sel.having {
            check(e);
        }
        if let GroupByExpr::Expressions(es, _) = &sel.group_by {
            es.iter().for_each(&mut check);
        }
        for twj in &sel.from {
            for j in &twj.joins {
                if let Some(JoinConstraint::On(e)) = super::functions::join_constraint(&j.join_operator) {
                    check(e);
                }
            }
        }
        Ok(Analysis { scope: sc, correlated })
    }

    fn inner_only(&self, e: &Expr, inner: &Scope) -> bool {
        let mut ok = true;
        ast::each(e, &mut |x| {
            if let Some(ids) = idents_of(x) {
                if inner.resolve(ids).is_none() {
                    ok = false;
                }
            }
        });
        ok && !ast::has_subquery(e)
    }

    fn outer_only(&self, e: &Expr, inner: &Scope) -> bool {
        let Some(outer) = self.scope() else { return false };
        let mut ok = true;
        let mut any = false;
        ast::each(e, &mut |x| {
            if let Some(ids) = idents_of(x) {
                any = true;
                if inner.resolve(ids).is_some() || outer.resolve(ids).is_none() {
                    ok = false;
                }
            }
        });
        ok && any && !ast::has_subquery(e)
    }

    fn refers_outer(&self, e: &Expr, inner: &Scope) -> bool {
        let Some(outer) = self.scope() else { return false };
        ast::any(e, &|x| idents_of(x).is_some_and(|ids| inner.resolve(ids).is_none() && outer.resolve(ids).is_some()))
    }

    fn split_correlated(&self, sel: &Select, inner: &Scope, allow_range: bool) -> Result<Split> {
        let mut out = Split { keys: vec![], kept: vec![], range: None };
        let conj = sel.selection.clone().map(conjuncts).unwrap_or_default();
        for c in conj {
            if !self.refers_outer(&c, inner) {
                out.kept.push(c);
                continue;
            }
            let bad = || {
                unsupported(
                    format!("a correlated subquery with the condition {c}"),
                    "Correlate the subquery with equalities between its columns and the outer query's columns (inner.col = outer.col).",
                )
            };
            let Expr::BinaryOp { left, op, right } = unnest(&c) else { return Err(bad()) };
            let (li, lo) = (self.inner_only(left, inner), self.outer_only(left, inner));
            let (ri, ro) = (self.inner_only(right, inner), self.outer_only(right, inner));
            let oriented = if li && ro {
                Some(((**left).clone(), op.clone(), (**right).clone()))
            } else if ri && lo {
                Some(((**right).clone(), flip(op), (**left).clone()))
            } else {
                None
            };
            let Some((ie, op, oe)) = oriented else { return Err(bad()) };
            if op == BinaryOperator::Eq {
                if let Some(rc) = self.colref(&oe) {
                    out.keys.push((ie, OuterKey::Col(rc.0, rc.1)));
                    continue;
                }
                if let Some(rs) = self.rels_of(&oe) {
                    if let (1, Some(r)) = (rs.len(), rs.first()) {
                        out.keys.push((ie, OuterKey::Expr(*r, oe)));
                        continue;
                    }
                }
            }
            let comparison = matches!(op, BinaryOperator::NotEq | BinaryOperator::Lt | BinaryOperator::LtEq | BinaryOperator::Gt | BinaryOperator::GtEq);
            if allow_range && comparison && out.range.is_none() {
                out.range = Some((ie, op, oe));
                continue;
            }
            return Err(bad());
        }
        Ok(out)
    }

    fn simple_select<'q>(&self, q: &'q Query, what: &str) -> Result<&'q Select> {
        let shape = || {
            unsupported(
                format!("this correlated {what} (it needs a plain SELECT ... FROM ... WHERE without GROUP BY, LIMIT or ORDER BY)"),
                "Rewrite it as a JOIN with a grouped subquery: JOIN (SELECT key, AGG(x) FROM t GROUP BY key) s ON s.key = outer.key.",
            )
        };
        let SetExpr::Select(sel) = q.body.as_ref() else { return Err(shape()) };
        let grouped = matches!(&sel.group_by, GroupByExpr::Expressions(v, _) if !v.is_empty()) || matches!(&sel.group_by, GroupByExpr::All(_));
        if q.with.is_some() || q.limit.is_some() || q.offset.is_some() || q.order_by.is_some() || grouped || sel.having.is_some() || sel.from.is_empty() {
            return Err(shape());
        }
        Ok(sel)
    }

    fn scalar_subquery(&mut self, q: &mut Query, from: &mut [TableWithJoins], outer: &Outer) -> Result<Expr> {
        let an = self.analyze(q)?;
        if !an.correlated {
            self.query_isolated(q)?;
            let rows = self.cat.rows(&self.with_ctes(q), 2)?;
            if rows.len() > 1 {
                return Err(Error::new(
                    ErrorCode::QueryFailed,
                    "A subquery used as a single value returned more than one row.",
                    "Make it return one row, e.g. with an aggregate such as MAX(...) or with LIMIT 1.",
                ));
            }
            if rows.first().is_some_and(|r| r.len() != 1) {
                return Err(Error::new(
                    ErrorCode::QueryFailed,
                    "A subquery used as a single value returned more than one column.",
                    "Select exactly one column in the subquery.",
                ));
            }
            let v = rows.first().and_then(|r| r.first()).cloned().unwrap_or(Literal::Null);
            let lit = literal_expr(&v)?;
            self.note("scalar_subquery", format!("The subquery ({}) ran first; its value {lit} is used in its place.", short(q)));
            return Ok(lit);
        }
        let sel = self.simple_select(q, "subquery")?.clone();
        if sel.projection.len() != 1 {
            return Err(unsupported("a subquery value with more than one column", "Select exactly one column in the subquery."));
        }
        let Some((value, _)) = sel.projection.first().and_then(ast::select_item_expr) else {
            return Err(unsupported("SELECT * in a subquery used as a value", "Select exactly one column in the subquery."));
        };
        if self.refers_outer(value, &an.scope) {
            return Err(unsupported(
                "a correlated subquery whose result uses the outer query's columns",
                "Compute the expression outside: (SELECT SUM(x) ...) * outer.y.",
            ));
        }
        let split = self.split_correlated(&sel, &an.scope, false)?;
        if split.keys.is_empty() {
            return Err(unsupported("a correlated subquery without an equality to the outer query", "Correlate with inner.col = outer.col."));
        }
        let reduce = self.key_filters(&split.keys, outer);
        let is_count = matches!(unnest(value), Expr::Function(f) if ast::fname(f) == "count" && f.over.is_none());
        let value_sql = if contains_agg(value) { value.to_string() } else { format!("FIRST({value})") };
        let keys_sql: Vec<String> = split.keys.iter().enumerate().map(|(i, (ie, _))| format!("{ie} AS __if_ck{i}")).collect();
        let group: Vec<String> = split.keys.iter().map(|(ie, _)| ie.to_string()).collect();
        let from_sql: Vec<String> = sel.from.iter().map(|t| t.to_string()).collect();
        let sql = |kept: Vec<Expr>| {
            let where_sql = and_all(kept).map(|w| format!(" WHERE {w}")).unwrap_or_default();
            format!("SELECT {}, {value_sql} AS __if_sv FROM {}{where_sql} GROUP BY {}", keys_sql.join(", "), from_sql.join(", "), group.join(", "))
        };
        let dq = self.derived_query(&sql(split.kept.iter().cloned().chain(reduce).collect()), &sql(split.kept.clone()))?;
        let alias = self.fresh("sq");
        let outer_keys: Vec<OuterKey> = split.keys.iter().map(|(_, o)| o.clone()).collect();
        self.attach(from, dq, &alias, &outer_keys)?;
        self.note(
            "decorrelate_subquery",
            format!("The correlated subquery ({}) is computed once per key and joined (LEFT JOIN ... GROUP BY).", short(q)),
        );
        let out = ast::col(&alias, "__if_sv");
        Ok(if is_count { ast::call("coalesce", vec![out, ast::number(0)]) } else { out })
    }

    fn exists_subquery(&mut self, q: &mut Query, negated: bool, from: &mut [TableWithJoins], outer: &Outer) -> Result<Expr> {
        let an = self.analyze(q)?;
        if !an.correlated {
            self.query_isolated(q)?;
            let rows = self.cat.rows(&self.with_ctes(q), 1)?;
            let exists = !rows.is_empty();
            self.note("exists_subquery", format!("The subquery ({}) ran first: EXISTS is {}.", short(q), exists));
            return Ok(Expr::Value(Value::Boolean(exists != negated)));
        }
        let sel = self.simple_select(q, "EXISTS")?.clone();
        let split = self.split_correlated(&sel, &an.scope, true)?;
        let reduce = self.key_filters(&split.keys, outer);
        let mut items: Vec<String> = split.keys.iter().enumerate().map(|(i, (ie, _))| format!("{ie} AS __if_ck{i}")).collect();
        items.push("COUNT(*) AS __if_n".into());
        if let Some((ie, _, _)) = &split.range {
            items.push(format!("MIN({ie}) AS __if_mn"));
            items.push(format!("MAX({ie}) AS __if_mx"));
        }
        let group: Vec<String> = split.keys.iter().map(|(ie, _)| ie.to_string()).collect();
        let from_sql: Vec<String> = sel.from.iter().map(|t| t.to_string()).collect();
        let group_sql = if group.is_empty() { String::new() } else { format!(" GROUP BY {}", group.join(", ")) };
        let sql = |kept: Vec<Expr>| {
            let where_sql = and_all(kept).map(|w| format!(" WHERE {w}")).unwrap_or_default();
            format!("SELECT {} FROM {}{where_sql}{group_sql}", items.join(", "), from_sql.join(", "))
        };
        let dq = self.derived_query(&sql(split.kept.iter().cloned().chain(reduce).collect()), &sql(split.kept.clone()))?;
        let alias = self.fresh("sq");
        let outer_keys: Vec<OuterKey> = split.keys.iter().map(|(_, o)| o.clone()).collect();
        self.attach(from, dq, &alias, &outer_keys)?;
        let mut conds = vec![binop(ast::col(&alias, "__if_n"), BinaryOperator::Gt, ast::number(0))];
        if let Some((_, op, oe)) = split.range {
            let (mn, mx) = (ast::col(&alias, "__if_mn"), ast::col(&alias, "__if_mx"));
            let oe = ast::nested(oe);
            conds.push(match op {
                BinaryOperator::NotEq => ast::nested(binop(
                    binop(mn, BinaryOperator::NotEq, oe.clone()),
                    BinaryOperator::Or,
                    binop(mx, BinaryOperator::NotEq, oe),
                )),
                BinaryOperator::Lt | BinaryOperator::LtEq => binop(mn, op, oe),
                _ => binop(mx, op, oe),
            });
        }
        let cond = and_all(conds).unwrap_or(Expr::Value(Value::Boolean(true)));
        let exists = ast::call("coalesce", vec![cond, Expr::Value(Value::Boolean(false))]);
        self.note(
            "decorrelate_exists",
            format!("{}EXISTS ({}) is answered by joining the subquery grouped on its correlated columns.", if negated { "NOT " } else { "" }, short(q)),
        );
        Ok(if negated { ast::not(exists) } else { exists })
    }

    /// Adds `LEFT JOIN (dq) AS alias ON outer = alias.__if_ck<i>` (a CROSS JOIN without keys).
    fn attach(&mut self, from: &mut [TableWithJoins], dq: Query, alias: &str, outer_keys: &[OuterKey]) -> Result<()> {
        let cols = self.columns_of(&dq)?;
        let mut on = Vec::new();
        for (i, k) in outer_keys.iter().enumerate() {
            let (r, c) = match k {
                OuterKey::Col(r, c) => (*r, *c),
                OuterKey::Expr(r, e) => self.materialize(from, *r, e)?,
            };
            let left = self.key_expr(r, c).ok_or_else(|| super::internal("outer key"))?;
            on.push(binop(left, BinaryOperator::Eq, ast::col(alias, &format!("__if_ck{i}"))));
        }
        let op = match and_all(on) {
            Some(k) => JoinOperator::LeftOuter(JoinConstraint::On(k)),
            None => JoinOperator::CrossJoin,
        };
        let Some(twj) = from.first_mut() else {
            return Err(unsupported("a correlated subquery in a query without FROM", "Add the table the subquery refers to."));
        };
        twj.joins.push(Join {
            relation: TableFactor::Derived { lateral: false, subquery: Box::new(dq), alias: Some(TableAlias { name: ast::ident(alias), columns: vec![] }) },
            global: false,
            join_operator: op,
        });
        if let Some(scope) = self.scopes.last_mut() {
            scope.rels.push(rel(alias.to_string(), cols));
        }
        Ok(())
    }
}
