//! Small helpers over the sqlparser AST: building identifiers and expressions, walking
//! expressions (never into subqueries), conjunct lists. Parsing text that the rewriter
//! itself produced goes through the same dialect as user SQL; failures are internal errors.

use std::ops::ControlFlow;

use sqlparser::ast::{
    visit_expressions, visit_expressions_mut, BinaryOperator, DollarQuotedString, DuplicateTreatment, Expr, Function, FunctionArg, FunctionArgExpr, FunctionArgumentClause, FunctionArguments, Ident,
    ObjectName, Query, SelectItem, Statement, UnaryOperator, Value, WindowType,
};
use sqlparser::parser::{Parser, ParserOptions};

use crate::error::{Error, ErrorCode, Result};

pub(crate) fn internal(what: impl std::fmt::Display) -> Error {
    Error::new(
        ErrorCode::Internal,
        "insightflow could not rewrite this query for the in-page engine.",
        format!("Please report this with the query. ({what})"),
    )
}

/// String literals holding a backslash or two quotes in a row become dollar-quoted
/// (`$s$a\'b$s$`). sqlparser 0.53 writes a string back without doubling a quote that follows a
/// backslash (a plain character in the dialect, as in DuckDB): `'a\''b'` (the text `a\'b`) came
/// back as `'a\'b'`, which the engine then read as an unterminated string (found by fuzzing the
/// question parser). It also writes two quotes in a row as two, not four: the text `''` came
/// back as `''''`, which reads as one quote, and the query got a wrong answer. Dollar-quoted
/// text is written and read as it is; the tag is one that neither the text nor its end holds.
/// (sqlparser's tokenizer still cannot read back a text ending in `$` and a prefix of the tag,
/// such as `\$` or `\$s`: those queries stop with SQL_UNSUPPORTED.)
pub(crate) fn raw_quoted_strings(q: &mut Query) {
    let _ = visit_expressions_mut(q, |e| {
        let raw = match e {
            Expr::Value(Value::SingleQuotedString(text)) if text.contains('\\') || text.contains("''") => {
                let mut tag = String::from("s");
                let mut n = 0;
                // `{text}$`: a text ending in `$s` would otherwise close early, at `$s$s$`
                let closed = format!("{text}$");
                while closed.contains(&format!("${tag}$")) {
                    n += 1;
                    tag = format!("s{n}");
                }
                Some(DollarQuotedString { value: text.clone(), tag: Some(tag) })
            }
            _ => None,
        };
        if let Some(raw) = raw {
            *e = Expr::Value(Value::DollarQuotedString(raw));
        }
        ControlFlow::<()>::Continue(())
    });
}

/// Field access (`s -> 'a'`, `s ->> 'a'`, `s #> '{a,b}'`, `s -> 0`) must name fields or
/// positions. The engine reads a key `*` or `^…$` as a pattern over a struct's fields and then
/// panics planning it (`SELECT ''->'*'`, found by fuzzing); a computed key it cannot read at all.
pub(crate) fn check_field_access(q: &Query) -> Result<()> {
    let found = visit_expressions(q, |e| {
        if let Expr::BinaryOp { op, right, .. } = e {
            if matches!(op, BinaryOperator::Arrow | BinaryOperator::LongArrow | BinaryOperator::HashArrow | BinaryOperator::HashLongArrow)
                && !plain_field_key(unnest(right))
            {
                return ControlFlow::Break(format!("the field access {e}"));
            }
        }
        ControlFlow::Continue(())
    });
    match found {
        ControlFlow::Break(construct) => Err(super::unsupported(
            construct,
            "Name the field (or give its position) as plain text, e.g. s -> 'city'; wildcards and patterns are not supported.",
        )),
        ControlFlow::Continue(()) => Ok(()),
    }
}

/// Field access in parentheses: the engine parses with GenericDialect, where `->>` binds looser
/// than `=` (see [`crate::sql::QueryDialect`]).
pub(crate) fn parenthesize_field_access(q: &mut Query) {
    let _ = visit_expressions_mut(q, |e| {
        if matches!(e, Expr::BinaryOp { op: BinaryOperator::Arrow | BinaryOperator::LongArrow | BinaryOperator::HashArrow | BinaryOperator::HashLongArrow, .. }) {
            let inner = std::mem::replace(e, Expr::Value(Value::Null));
            *e = Expr::Nested(Box::new(inner));
        }
        ControlFlow::<()>::Continue(())
    });
}

fn plain_field_key(key: &Expr) -> bool {
    let text = match key {
        Expr::Value(Value::Number(n, _)) => return n.parse::<i64>().is_ok(),
        Expr::Value(Value::SingleQuotedString(t) | Value::DoubleQuotedString(t) | Value::EscapedStringLiteral(t)) => t.as_str(),
        Expr::Value(Value::DollarQuotedString(d)) => d.value.as_str(),
        _ => return false,
    };
    // the engine's reading: an optional `{…}`, then keys separated by commas
    let path = if text.starts_with('{') && text.ends_with('}') { text.trim_matches(|c| c == '{' || c == '}') } else { text };
    path.split(',').map(str::trim).all(|k| !k.is_empty() && k != "*" && !(k.starts_with('^') && k.ends_with('$')))
}

fn parser_options() -> ParserOptions {
    ParserOptions { trailing_commas: true, ..Default::default() }
}

/// Parses an expression the rewriter produced.
pub(crate) fn parse_expr(sql: &str) -> Result<Expr> {
    Parser::new(&crate::sql::QueryDialect::default())
        .with_options(parser_options())
        .try_with_sql(sql)
        .and_then(|mut p| p.parse_expr())
        .map_err(|e| internal(format!("{e} in `{sql}`")))
}

/// Parses a query the rewriter produced.
pub(crate) fn parse_query(sql: &str) -> Result<Query> {
    let stmts = Parser::new(&crate::sql::QueryDialect::default())
        .with_options(parser_options())
        .try_with_sql(sql)
        .and_then(|mut p| p.parse_statements())
        .map_err(|e| internal(format!("{e} in `{sql}`")))?;
    match stmts.into_iter().next() {
        Some(Statement::Query(q)) => Ok(*q),
        _ => Err(internal(format!("not a query: `{sql}`"))),
    }
}

/// An identifier, double-quoted unless it is a plain lower-case-safe word.
pub(crate) fn ident(name: &str) -> Ident {
    let plain = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !is_keyword(name);
    if plain {
        Ident::new(name)
    } else {
        Ident::with_quote('"', name)
    }
}

/// `name` as SQL text (quoted when needed).
pub(crate) fn quote(name: &str) -> String {
    ident(name).to_string()
}

fn is_keyword(name: &str) -> bool {
    const KW: [&str; 48] = [
        "all", "and", "as", "asc", "between", "by", "case", "cast", "cross", "current_date", "date", "desc", "distinct", "else", "end",
        "except", "exists", "false", "from", "full", "group", "having", "in", "inner", "interval", "intersect", "is", "join", "left",
        "like", "limit", "not", "null", "offset", "on", "or", "order", "outer", "right", "select", "table", "then", "true", "union",
        "using", "when", "where", "with",
    ];
    KW.contains(&name.to_ascii_lowercase().as_str())
}

pub(crate) fn col(rel: &str, name: &str) -> Expr {
    Expr::CompoundIdentifier(vec![ident(rel), ident(name)])
}

pub(crate) fn number(n: impl std::fmt::Display) -> Expr {
    Expr::Value(Value::Number(n.to_string(), false))
}

pub(crate) fn string(s: &str) -> Expr {
    Expr::Value(Value::SingleQuotedString(s.to_string()))
}

pub(crate) fn binop(left: Expr, op: BinaryOperator, right: Expr) -> Expr {
    Expr::BinaryOp { left: Box::new(left), op, right: Box::new(right) }
}

pub(crate) fn nested(e: Expr) -> Expr {
    match e {
        Expr::Nested(_) | Expr::Identifier(_) | Expr::CompoundIdentifier(_) | Expr::Value(_) | Expr::Function(_) => e,
        other => Expr::Nested(Box::new(other)),
    }
}

pub(crate) fn not(e: Expr) -> Expr {
    Expr::UnaryOp { op: UnaryOperator::Not, expr: Box::new(nested(e)) }
}

/// A plain function call `name(args)`.
pub(crate) fn call(name: &str, args: Vec<Expr>) -> Expr {
    Expr::Function(Function {
        name: ObjectName(vec![Ident::new(name)]),
        uses_odbc_syntax: false,
        parameters: FunctionArguments::None,
        args: FunctionArguments::List(sqlparser::ast::FunctionArgumentList {
            duplicate_treatment: None,
            args: args.into_iter().map(|a| FunctionArg::Unnamed(FunctionArgExpr::Expr(a))).collect(),
            clauses: vec![],
        }),
        filter: None,
        null_treatment: None,
        over: None,
        within_group: vec![],
    })
}

/// Lower-case last part of a function's name.
pub(crate) fn fname(f: &Function) -> String {
    f.name.0.last().map(|i| i.value.to_ascii_lowercase()).unwrap_or_default()
}

/// The positional expression arguments of a call (`*` is reported by [`is_star_call`]).
pub(crate) fn fargs(f: &Function) -> Vec<&Expr> {
    match &f.args {
        FunctionArguments::List(l) => l
            .args
            .iter()
            .filter_map(|a| match a {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) | FunctionArg::Named { arg: FunctionArgExpr::Expr(e), .. } => Some(e),
                _ => None,
            })
            .collect(),
        _ => vec![],
    }
}

/// `count(*)` / `count()`.
pub(crate) fn is_star_call(f: &Function) -> bool {
    match &f.args {
        FunctionArguments::List(l) => {
            l.args.is_empty() || l.args.iter().any(|a| matches!(a, FunctionArg::Unnamed(FunctionArgExpr::Wildcard)))
        }
        FunctionArguments::None => true,
        FunctionArguments::Subquery(_) => false,
    }
}

pub(crate) fn is_distinct_call(f: &Function) -> bool {
    matches!(&f.args, FunctionArguments::List(l) if l.duplicate_treatment == Some(DuplicateTreatment::Distinct))
}

pub(crate) fn has_arg_clauses(f: &Function) -> bool {
    matches!(&f.args, FunctionArguments::List(l) if l.clauses.iter().any(|c| !matches!(c, FunctionArgumentClause::IgnoreOrRespectNulls(_))))
}

/// Children of an expression, in order, not descending into subqueries.
pub(crate) fn children(e: &Expr) -> Vec<&Expr> {
    let mut out: Vec<&Expr> = Vec::new();
    match e {
        Expr::IsFalse(a)
        | Expr::IsNotFalse(a)
        | Expr::IsTrue(a)
        | Expr::IsNotTrue(a)
        | Expr::IsNull(a)
        | Expr::IsNotNull(a)
        | Expr::IsUnknown(a)
        | Expr::IsNotUnknown(a)
        | Expr::Nested(a)
        | Expr::UnaryOp { expr: a, .. }
        | Expr::Cast { expr: a, .. }
        | Expr::Extract { expr: a, .. }
        | Expr::Ceil { expr: a, .. }
        | Expr::Floor { expr: a, .. }
        | Expr::Collate { expr: a, .. } => out.push(a),
        Expr::IsDistinctFrom(a, b) | Expr::IsNotDistinctFrom(a, b) => {
            out.push(a);
            out.push(b);
        }
        Expr::InList { expr, list, .. } => {
            out.push(expr);
            out.extend(list.iter());
        }
        Expr::InSubquery { expr, .. } => out.push(expr),
        Expr::Between { expr, low, high, .. } => {
            out.push(expr);
            out.push(low);
            out.push(high);
        }
        Expr::BinaryOp { left, right, .. } => {
            out.push(left);
            out.push(right);
        }
        Expr::Like { expr, pattern, .. } | Expr::ILike { expr, pattern, .. } | Expr::SimilarTo { expr, pattern, .. } | Expr::RLike { expr, pattern, .. } => {
            out.push(expr);
            out.push(pattern);
        }
        Expr::AnyOp { left, right, .. } | Expr::AllOp { left, right, .. } => {
            out.push(left);
            out.push(right);
        }
        Expr::AtTimeZone { timestamp, time_zone } => {
            out.push(timestamp);
            out.push(time_zone);
        }
        Expr::Position { expr, r#in } => {
            out.push(expr);
            out.push(r#in);
        }
        Expr::Substring { expr, substring_from, substring_for, .. } => {
            out.push(expr);
            if let Some(x) = substring_from {
                out.push(x);
            }
            if let Some(x) = substring_for {
                out.push(x);
            }
        }
        Expr::Trim { expr, trim_what, trim_characters, .. } => {
            out.push(expr);
            if let Some(x) = trim_what {
                out.push(x);
            }
            if let Some(xs) = trim_characters {
                out.extend(xs.iter());
            }
        }
        Expr::Function(f) => {
            if let FunctionArguments::List(l) = &f.args {
                for a in &l.args {
                    match a {
                        FunctionArg::Unnamed(FunctionArgExpr::Expr(x)) | FunctionArg::Named { arg: FunctionArgExpr::Expr(x), .. } => out.push(x),
                        FunctionArg::ExprNamed { name, arg, .. } => {
                            out.push(name);
                            if let FunctionArgExpr::Expr(x) = arg {
                                out.push(x);
                            }
                        }
                        _ => {}
                    }
                }
                for c in &l.clauses {
                    if let FunctionArgumentClause::OrderBy(obs) = c {
                        out.extend(obs.iter().map(|o| &o.expr));
                    }
                }
            }
            if let Some(x) = &f.filter {
                out.push(x);
            }
            if let Some(WindowType::WindowSpec(w)) = &f.over {
                out.extend(w.partition_by.iter());
                out.extend(w.order_by.iter().map(|o| &o.expr));
            }
            out.extend(f.within_group.iter().map(|o| &o.expr));
        }
        Expr::Case { operand, conditions, results, else_result } => {
            if let Some(x) = operand {
                out.push(x);
            }
            for (c, r) in conditions.iter().zip(results.iter()) {
                out.push(c);
                out.push(r);
            }
            if let Some(x) = else_result {
                out.push(x);
            }
        }
        Expr::Tuple(xs) => out.extend(xs.iter()),
        Expr::Interval(i) => out.push(&i.value),
        _ => {}
    }
    out
}

/// Mutable children, same order and coverage as [`children`].
pub(crate) fn children_mut(e: &mut Expr) -> Vec<&mut Expr> {
    let mut out: Vec<&mut Expr> = Vec::new();
    match e {
        Expr::IsFalse(a)
        | Expr::IsNotFalse(a)
        | Expr::IsTrue(a)
        | Expr::IsNotTrue(a)
        | Expr::IsNull(a)
        | Expr::IsNotNull(a)
        | Expr::IsUnknown(a)
        | Expr::IsNotUnknown(a)
        | Expr::Nested(a)
        | Expr::UnaryOp { expr: a, .. }
        | Expr::Cast { expr: a, .. }
        | Expr::Extract { expr: a, .. }
        | Expr::Ceil { expr: a, .. }
        | Expr::Floor { expr: a, .. }
        | Expr::Collate { expr: a, .. } => out.push(a),
        Expr::IsDistinctFrom(a, b) | Expr::IsNotDistinctFrom(a, b) => {
            out.push(a);
            out.push(b);
        }
        Expr::InList { expr, list, .. } => {
            out.push(expr);
            out.extend(list.iter_mut());
        }
        Expr::InSubquery { expr, .. } => out.push(expr),
        Expr::Between { expr, low, high, .. } => {
            out.push(expr);
            out.push(low);
            out.push(high);
        }
        Expr::BinaryOp { left, right, .. } => {
            out.push(left);
            out.push(right);
        }
        Expr::Like { expr, pattern, .. } | Expr::ILike { expr, pattern, .. } | Expr::SimilarTo { expr, pattern, .. } | Expr::RLike { expr, pattern, .. } => {
            out.push(expr);
            out.push(pattern);
        }
        Expr::AnyOp { left, right, .. } | Expr::AllOp { left, right, .. } => {
            out.push(left);
            out.push(right);
        }
        Expr::AtTimeZone { timestamp, time_zone } => {
            out.push(timestamp);
            out.push(time_zone);
        }
        Expr::Position { expr, r#in } => {
            out.push(expr);
            out.push(r#in);
        }
        Expr::Substring { expr, substring_from, substring_for, .. } => {
            out.push(expr);
            if let Some(x) = substring_from {
                out.push(x);
            }
            if let Some(x) = substring_for {
                out.push(x);
            }
        }
        Expr::Trim { expr, trim_what, trim_characters, .. } => {
            out.push(expr);
            if let Some(x) = trim_what {
                out.push(x);
            }
            if let Some(xs) = trim_characters {
                out.extend(xs.iter_mut());
            }
        }
        Expr::Function(f) => {
            if let FunctionArguments::List(l) = &mut f.args {
                for a in &mut l.args {
                    match a {
                        FunctionArg::Unnamed(FunctionArgExpr::Expr(x)) | FunctionArg::Named { arg: FunctionArgExpr::Expr(x), .. } => out.push(x),
                        FunctionArg::ExprNamed { name, arg, .. } => {
                            out.push(name);
                            if let FunctionArgExpr::Expr(x) = arg {
                                out.push(x);
                            }
                        }
                        _ => {}
                    }
                }
                for c in &mut l.clauses {
                    if let FunctionArgumentClause::OrderBy(obs) = c {
                        out.extend(obs.iter_mut().map(|o| &mut o.expr));
                    }
                }
            }
            if let Some(x) = &mut f.filter {
                out.push(x);
            }
            if let Some(WindowType::WindowSpec(w)) = &mut f.over {
                out.extend(w.partition_by.iter_mut());
                out.extend(w.order_by.iter_mut().map(|o| &mut o.expr));
            }
            out.extend(f.within_group.iter_mut().map(|o| &mut o.expr));
        }
        Expr::Case { operand, conditions, results, else_result } => {
            if let Some(x) = operand {
                out.push(x);
            }
            for (c, r) in conditions.iter_mut().zip(results.iter_mut()) {
                out.push(c);
                out.push(r);
            }
            if let Some(x) = else_result {
                out.push(x);
            }
        }
        Expr::Tuple(xs) => out.extend(xs.iter_mut()),
        Expr::Interval(i) => out.push(&mut i.value),
        _ => {}
    }
    out
}

/// Post-order transformation (children first), not into subqueries.
pub(crate) fn walk_mut(e: &mut Expr, f: &mut dyn FnMut(&mut Expr) -> Result<()>) -> Result<()> {
    for c in children_mut(e) {
        walk_mut(c, f)?;
    }
    f(e)
}

/// Pre-order transformation: `f` returns true when it replaced the node and its children
/// must not be visited.
pub(crate) fn walk_pre_mut(e: &mut Expr, f: &mut dyn FnMut(&mut Expr) -> Result<bool>) -> Result<()> {
    if f(e)? {
        return Ok(());
    }
    for c in children_mut(e) {
        walk_pre_mut(c, f)?;
    }
    Ok(())
}

/// Whether any node (pre-order, not into subqueries) satisfies `pred`.
pub(crate) fn any(e: &Expr, pred: &dyn Fn(&Expr) -> bool) -> bool {
    pred(e) || children(e).into_iter().any(|c| any(c, pred))
}

/// Visits every node (pre-order, not into subqueries).
pub(crate) fn each<'a>(e: &'a Expr, f: &mut dyn FnMut(&'a Expr)) {
    f(e);
    for c in children(e) {
        each(c, f);
    }
}

/// Whether the expression contains a subquery (at any depth of expressions).
pub(crate) fn has_subquery(e: &Expr) -> bool {
    any(e, &|x| matches!(x, Expr::Subquery(_) | Expr::Exists { .. } | Expr::InSubquery { .. }))
}

/// `a AND b AND c` split into its conjuncts (parentheses removed).
pub(crate) fn conjuncts(e: Expr) -> Vec<Expr> {
    match e {
        Expr::BinaryOp { left, op: BinaryOperator::And, right } => {
            let mut v = conjuncts(*left);
            v.extend(conjuncts(*right));
            v
        }
        Expr::Nested(inner) if matches!(*inner, Expr::BinaryOp { op: BinaryOperator::And, .. }) => conjuncts(*inner),
        other => vec![other],
    }
}

pub(crate) fn disjuncts(e: Expr) -> Vec<Expr> {
    match e {
        Expr::BinaryOp { left, op: BinaryOperator::Or, right } => {
            let mut v = disjuncts(*left);
            v.extend(disjuncts(*right));
            v
        }
        Expr::Nested(inner) if matches!(*inner, Expr::BinaryOp { op: BinaryOperator::Or, .. }) => disjuncts(*inner),
        other => vec![other],
    }
}

pub(crate) fn and_all(v: Vec<Expr>) -> Option<Expr> {
    let mut it = v.into_iter();
    let first = it.next()?;
    let wrap = |e: Expr| if matches!(e, Expr::BinaryOp { op: BinaryOperator::Or, .. }) { Expr::Nested(Box::new(e)) } else { e };
    Some(it.fold(wrap(first), |acc, e| binop(acc, BinaryOperator::And, wrap(e))))
}

pub(crate) fn or_all(v: Vec<Expr>) -> Option<Expr> {
    let mut it = v.into_iter();
    let first = it.next()?;
    Some(it.fold(nested(first), |acc, e| binop(acc, BinaryOperator::Or, nested(e))))
}

/// Removes redundant outer parentheses.
pub(crate) fn unnest(e: &Expr) -> &Expr {
    match e {
        Expr::Nested(inner) => unnest(inner),
        other => other,
    }
}

pub(crate) fn select_item_expr(item: &SelectItem) -> Option<(&Expr, Option<&Ident>)> {
    match item {
        SelectItem::UnnamedExpr(e) => Some((e, None)),
        SelectItem::ExprWithAlias { expr, alias } => Some((expr, Some(alias))),
        _ => None,
    }
}

/// A literal integer value, if `e` is one (also `-3`).
pub(crate) fn int_literal(e: &Expr) -> Option<i64> {
    match unnest(e) {
        Expr::Value(Value::Number(n, _)) => n.parse().ok(),
        Expr::UnaryOp { op: UnaryOperator::Minus, expr } => int_literal(expr).map(|v| -v),
        _ => None,
    }
}

pub(crate) fn str_literal(e: &Expr) -> Option<&str> {
    match unnest(e) {
        Expr::Value(Value::SingleQuotedString(s)) | Expr::Value(Value::DoubleQuotedString(s)) => Some(s),
        _ => None,
    }
}
