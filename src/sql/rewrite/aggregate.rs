//! Aggregation in a form the engine runs correctly, with DuckDB's meaning.
//!
//! `SELECT f(keys, aggs) FROM F WHERE W GROUP BY keys HAVING H ORDER BY O` becomes
//!
//! ```sql
//! SELECT f(__if_k.., __if_a..) FROM (
//!   SELECT __if_k0, .., AGG(__if_v0) AS __if_a0, .. FROM (
//!     SELECT key0 AS __if_k0, .., arg0 AS __if_v0, .. FROM F WHERE W
//!   ) GROUP BY __if_k0, ..
//! ) WHERE H' ORDER BY O'
//! ```
//!
//! so GROUP BY may name SELECT aliases, ordinals and expressions (the engine would evaluate
//! expression keys twice), HAVING and ORDER BY may use any aggregate, `FILTER (WHERE ...)`
//! works, `SUM` of no values is NULL and `AVG` of decimals is a double.

use sqlparser::ast::{CastKind, DataType, Distinct, Expr, GroupByExpr, Ident, OrderBy, Select, SelectItem};

use super::ast::{self, fargs, fname, int_literal, is_distinct_call, is_star_call};
use super::scope::{Col, Rel, Scope};
use super::{names, unsupported, Kind, Rw};
use crate::error::{Error, ErrorCode, Result};

const AGGREGATES: [&str; 28] = [
    "string_agg", "listagg", "group_concat",
    "count", "sum", "avg", "mean", "min", "max", "median", "quantile_cont", "quantile_disc", "quantile", "stddev", "stddev_samp", "stdev",
    "stdev_samp", "variance", "var_samp", "var", "first", "last", "corr", "covar_pop", "covar_samp", "covar", "array_agg", "approx_count_distinct",
];

/// An aggregate function call (not a window function).
pub(crate) fn is_agg(e: &Expr) -> bool {
    matches!(e, Expr::Function(f) if f.over.is_none() && AGGREGATES.contains(&fname(f).as_str()))
}

pub(crate) fn contains_agg(e: &Expr) -> bool {
    ast::any(e, &is_agg)
}

fn placeholder(e: &Expr) -> bool {
    matches!(e, Expr::Identifier(i) if i.value.starts_with("__if_k") || i.value.starts_with("__if_a"))
}

fn ungrouped(name: &str) -> Error {
    Error::new(
        ErrorCode::SqlSyntax,
        format!("The column '{name}' is used in a query with GROUP BY or aggregates, but it is neither grouped nor aggregated."),
        format!("Add {name} to GROUP BY, or wrap it in an aggregate such as MAX({name}) or ANY_VALUE({name})."),
    )
}

impl Rw<'_> {
    /// A text key that is equal for expressions that mean the same column expression.
    pub(super) fn norm_key(&self, e: &Expr) -> String {
        let mut c = e.clone();
        let _ = ast::walk_mut(&mut c, &mut |x| {
            if let Some((r, col)) = self.colref(x) {
                *x = Expr::Identifier(Ident::new(format!("#{r}.{col}")));
            }
            if let Expr::Function(f) = x {
                for i in &mut f.name.0 {
                    i.value = i.value.to_ascii_lowercase();
                }
            }
            if let Expr::Nested(inner) = x {
                *x = (**inner).clone();
            }
            Ok(())
        });
        c.to_string()
    }

    pub(super) fn aggregate(&mut self, s: &mut Select, order_by: &mut Option<OrderBy>) -> Result<()> {
        let (group_items, group_all) = match &s.group_by {
            GroupByExpr::Expressions(v, m) => {
                if !m.is_empty() || v.iter().any(|e| matches!(e, Expr::Rollup(_) | Expr::Cube(_) | Expr::GroupingSets(_))) {
                    return Err(unsupported("GROUP BY ROLLUP / CUBE / GROUPING SETS", "Run one GROUP BY per level and combine them with UNION ALL."));
                }
                (v.clone(), false)
            }
            GroupByExpr::All(m) => {
                if !m.is_empty() {
                    return Err(unsupported("GROUP BY ALL with modifiers", "Use plain GROUP BY ALL."));
                }
                (vec![], true)
            }
        };
        let items: Vec<(Expr, Option<Ident>)> = s
            .projection
            .iter()
            .filter_map(|i| ast::select_item_expr(i).map(|(e, a)| (e.clone(), a.cloned())))
            .collect();
        let has_group = !group_items.is_empty() || group_all;
        let any_agg = items.iter().any(|(e, _)| contains_agg(e))
            || s.having.as_ref().is_some_and(contains_agg)
            || s.qualify.as_ref().is_some_and(contains_agg)
            || order_by.as_ref().is_some_and(|o| o.exprs.iter().any(|x| contains_agg(&x.expr)));
        if !has_group && !any_agg && s.having.is_none() {
            return Ok(());
        }
        if items.len() != s.projection.len() {
            return Err(unsupported("SELECT * together with GROUP BY or aggregates", "List the grouped columns and the aggregates you need."));
        }
        if matches!(s.distinct, Some(Distinct::On(_))) {
            return Err(unsupported("DISTINCT ON together with GROUP BY", "Use ROW_NUMBER() OVER (PARTITION BY ...) and keep row 1."));
        }
        // output names: aliases, and the names of plain column items
        let alias_index = |name: &Ident| {
            items.iter().position(|(e, a)| match a {
                Some(a) => a.value.eq_ignore_ascii_case(&name.value),
                None => matches!(e, Expr::Identifier(_) | Expr::CompoundIdentifier(_)) && names::default_name(e).eq_ignore_ascii_case(&name.value),
            })
        };

        // keys
        let mut keys: Vec<Expr> = Vec::new();
        let mut key_norms: Vec<String> = Vec::new();
        let mut push_key = |rw: &Self, k: Expr| {
            let n = rw.norm_key(&k);
            if !key_norms.contains(&n) {
                key_norms.push(n);
                keys.push(k);
            }
        };
        if group_all {
            for (e, _) in &items {
                if !contains_agg(e) && !matches!(ast::unnest(e), Expr::Value(_)) && !ast::any(e, &|x| matches!(x, Expr::Function(f) if f.over.is_some())) {
                    push_key(self, e.clone());
                }
            }
        }
        for g in &group_items {
            let k = match (g, int_literal(g)) {
                (Expr::Value(_), Some(n)) => {
                    let idx = usize::try_from(n).ok().and_then(|n| n.checked_sub(1));
                    let Some((e, _)) = idx.and_then(|i| items.get(i)) else {
                        return Err(Error::new(
                            ErrorCode::SqlSyntax,
                            format!("GROUP BY {n} refers to no column of the SELECT list."),
                            format!("Use a number from 1 to {}, or name the column.", items.len()),
                        ));
                    };
                    e.clone()
                }
                (Expr::Identifier(i), _) if self.colref(g).is_none() => match alias_index(i) {
                    Some(idx) => items.get(idx).map(|x| x.0.clone()).unwrap_or_else(|| g.clone()),
                    None => g.clone(),
                },
                _ => g.clone(),
            };
            if contains_agg(&k) {
                return Err(Error::new(ErrorCode::SqlSyntax, "GROUP BY cannot contain an aggregate.", "Group by the columns, and aggregate in the SELECT list."));
            }
            push_key(self, k);
        }

        // HAVING and QUALIFY may name SELECT aliases
        let mut having = s.having.clone();
        let mut qualify = s.qualify.clone();
        for h in having.iter_mut().chain(qualify.iter_mut()) {
            ast::walk_pre_mut(h, &mut |x| {
                // an output alias wins over a column of the same name (as in DuckDB)
                if let Expr::Identifier(i) = x {
                    if let Some((e, a)) = alias_index(i).and_then(|idx| items.get(idx)) {
                        if a.is_some() {
                            *x = ast::nested(e.clone());
                            return Ok(true);
                        }
                    }
                }
                Ok(false)
            })?;
        }

        // aggregates -> placeholders
        let mut aggs: Vec<Expr> = Vec::new();
        let mut agg_norms: Vec<String> = Vec::new();
        let mut lift = |rw: &Self, e: &mut Expr| -> Result<()> {
            ast::walk_pre_mut(e, &mut |x| {
                if is_agg(x) {
                    if let Expr::Function(f) = x {
                        if fargs(f).iter().any(|a| contains_agg(a)) {
                            return Err(Error::new(ErrorCode::SqlSyntax, "Aggregates cannot be nested (such as SUM(MAX(x))).", "Compute the inner aggregate in a subquery first."));
                        }
                    }
                    let n = rw.norm_key(x);
                    let idx = match agg_norms.iter().position(|k| *k == n) {
                        Some(i) => i,
                        None => {
                            agg_norms.push(n);
                            aggs.push(x.clone());
                            aggs.len() - 1
                        }
                    };
                    *x = Expr::Identifier(Ident::new(format!("__if_a{idx}")));
                    return Ok(true);
                }
                Ok(false)
            })
        };
        let mut out_items: Vec<(Expr, Expr, Option<Ident>)> = Vec::new(); // (original, rewritten, alias)
        for (e, a) in &items {
            let mut r = e.clone();
            lift(self, &mut r)?;
            out_items.push((e.clone(), r, a.clone()));
        }
        for h in having.iter_mut().chain(qualify.iter_mut()) {
            lift(self, h)?;
        }
        let mut order = order_by.clone();
        if let Some(ob) = &mut order {
            for o in &mut ob.exprs {
                let alias_ref = matches!(&o.expr, Expr::Identifier(i) if alias_index(i).is_some());
                let ordinal = matches!(&o.expr, Expr::Value(_));
                if !alias_ref && !ordinal {
                    lift(self, &mut o.expr)?;
                }
            }
        }

        // keys -> placeholders; anything else left is ungrouped
        let replace_keys = |rw: &Self, e: &mut Expr| -> Result<()> {
            ast::walk_pre_mut(e, &mut |x| {
                if placeholder(x) {
                    return Ok(true);
                }
                let n = rw.norm_key(x);
                if let Some(i) = key_norms.iter().position(|k| *k == n) {
                    *x = Expr::Identifier(Ident::new(format!("__if_k{i}")));
                    return Ok(true);
                }
                if let Some(ids) = super::scope::idents_of(x) {
                    if rw.colref(x).is_some() {
                        let name = ids.iter().map(|i| i.value.clone()).collect::<Vec<_>>().join(".");
                        return Err(ungrouped(&name));
                    }
                }
                Ok(false)
            })
        };
        for (_, r, _) in &mut out_items {
            replace_keys(self, r)?;
        }
        for h in having.iter_mut().chain(qualify.iter_mut()) {
            replace_keys(self, h)?;
        }
        if let Some(ob) = &mut order {
            for o in &mut ob.exprs {
                let alias_ref = matches!(&o.expr, Expr::Identifier(i) if alias_index(i).is_some());
                if !alias_ref && !matches!(&o.expr, Expr::Value(_)) {
                    replace_keys(self, &mut o.expr)?;
                }
            }
        }

        // the three levels
        let mut pre: Vec<String> = Vec::new();
        let mut pre_norms: Vec<String> = Vec::new();
        let mut mid: Vec<String> = Vec::new();
        let mut cols: Vec<Col> = Vec::new();
        for (i, k) in keys.iter().enumerate() {
            pre.push(format!("{k} AS __if_k{i}"));
            mid.push(format!("__if_k{i}"));
            cols.push(Col { name: format!("__if_k{i}"), kind: self.kind_of(k).unwrap_or(Kind::Other), actual: format!("__if_k{i}") });
        }
        let mut agg_outer: Vec<Expr> = Vec::new();
        for (j, a) in aggs.iter().enumerate() {
            let Expr::Function(f) = a else { return Err(super::internal("aggregate")) };
            let name = fname(f);
            let distinct = is_distinct_call(f);
            let args: Vec<Expr> = fargs(f).into_iter().cloned().collect();
            let filter = f.filter.as_deref().cloned();
            let string_agg = matches!(name.as_str(), "string_agg" | "listagg" | "group_concat");
            if (ast::has_arg_clauses(f) && !string_agg) || !f.within_group.is_empty() {
                return Err(unsupported(format!("ORDER BY / WITHIN GROUP inside {}()", name.to_uppercase()), "Remove the ordering inside the aggregate."));
            }
            let mut arg = |rw: &Self, e: Expr, to_double: bool| -> String {
                let e = match &filter {
                    Some(c) => Expr::Case { operand: None, conditions: vec![c.clone()], results: vec![e], else_result: None },
                    None => e,
                };
                let e = if to_double { Expr::Cast { kind: CastKind::Cast, expr: Box::new(e), data_type: DataType::Double, format: None } } else { e };
                let n = rw.norm_key(&e);
                let idx = match pre_norms.iter().position(|k| *k == n) {
                    Some(i) => i,
                    None => {
                        pre_norms.push(n);
                        pre.push(format!("{e} AS __if_v{}", pre_norms.len() - 1));
                        pre_norms.len() - 1
                    }
                };
                format!("__if_v{idx}")
            };
            let first = args.first().cloned();
            let numeric_non_float = first.as_ref().and_then(|e| self.kind_of(e)).is_some_and(|k| matches!(k, Kind::Int | Kind::Decimal));
            let not_temporal = !first.as_ref().and_then(|e| self.kind_of(e)).is_some_and(|k| k.is_temporal() || k == Kind::Str);
            let need = |x: Option<Expr>| x.ok_or_else(|| unsupported(format!("{}() without an argument", name.to_uppercase()), "Pass the column to aggregate."));
            let no_distinct = |what: &str| -> Result<()> {
                if distinct {
                    Err(unsupported(format!("{what}(DISTINCT ...)"), "Use COUNT(DISTINCT ...), or aggregate over SELECT DISTINCT in a subquery."))
                } else {
                    Ok(())
                }
            };
            let mut outer = Expr::Identifier(Ident::new(format!("__if_a{j}")));
            let sql = match name.as_str() {
                "count" if is_star_call(f) && args.is_empty() => match filter {
                    None => "COUNT(*)".to_string(),
                    Some(_) => format!("COUNT({})", arg(self, ast::number(1), false)),
                },
                "count" | "approx_count_distinct" => {
                    let v = arg(self, need(first)?, false);
                    if distinct || name == "approx_count_distinct" {
                        format!("COUNT(DISTINCT {v})")
                    } else {
                        format!("COUNT({v})")
                    }
                }
                "sum" => {
                    no_distinct("SUM")?;
                    let v = arg(self, need(first)?, false);
                    mid.push(format!("COUNT({v}) AS __if_a{j}_n"));
                    outer = ast::parse_expr(&format!("CASE WHEN __if_a{j}_n = 0 THEN NULL ELSE __if_a{j} END"))?;
                    format!("SUM({v})")
                }
                "avg" | "mean" => {
                    no_distinct("AVG")?;
                    let v = arg(self, need(first)?, not_temporal);
                    format!("AVG({v})")
                }
                "min" | "max" | "first" | "last" | "array_agg" => {
                    if distinct && name == "array_agg" {
                        return Err(unsupported("ARRAY_AGG(DISTINCT ...)", "Aggregate over SELECT DISTINCT in a subquery."));
                    }
                    let v = arg(self, need(first)?, false);
                    format!("{}({v})", name.to_uppercase())
                }
                "median" | "stddev" | "stddev_samp" | "stdev" | "stdev_samp" | "variance" | "var_samp" | "var" => {
                    no_distinct(&name.to_uppercase())?;
                    let v = arg(self, need(first)?, numeric_non_float);
                    let pname = match name.as_str() {
                        "stdev" | "stdev_samp" | "stddev_samp" => "STDDEV".to_string(),
                        "var" | "var_samp" => "VARIANCE".to_string(),
                        other => other.to_uppercase(),
                    };
                    format!("{pname}({v})")
                }
                "quantile_cont" | "quantile_disc" | "quantile" => {
                    no_distinct("QUANTILE")?;
                    let q = args.get(1).cloned().ok_or_else(|| unsupported("QUANTILE without a fraction", "Write QUANTILE_CONT(x, 0.9)."))?;
                    let v = arg(self, need(first)?, numeric_non_float);
                    let pname = if name == "quantile_cont" { "QUANTILE_CONT" } else { "QUANTILE_DISC" };
                    format!("{pname}({v}, {q})")
                }
                "corr" | "covar_pop" | "covar_samp" | "covar" => {
                    let x = arg(self, need(first)?, true);
                    let y = arg(self, need(args.get(1).cloned())?, true);
                    format!("{}({x}, {y})", if name == "covar" { "COVAR_SAMP".to_string() } else { name.to_uppercase() })
                }
                "string_agg" | "listagg" | "group_concat" => {
                    // the values as a list (ordered as asked), then joined
                    let sep = match args.get(1) {
                        None => ",".to_string(),
                        Some(x) => ast::str_literal(x).map(str::to_string).ok_or_else(|| {
                            unsupported("STRING_AGG with a computed separator", "Write the separator as text, e.g. STRING_AGG(x, ', ').")
                        })?,
                    };
                    let x = need(first)?;
                    let v = arg(self, Expr::Cast { kind: CastKind::Cast, expr: Box::new(x), data_type: DataType::Varchar(None), format: None }, false);
                    let mut order: Vec<String> = Vec::new();
                    if let sqlparser::ast::FunctionArguments::List(l) = &f.args {
                        for c in &l.clauses {
                            if let sqlparser::ast::FunctionArgumentClause::OrderBy(obs) = c {
                                for o in obs {
                                    let w = arg(self, o.expr.clone(), false);
                                    let dir = if o.asc == Some(false) { " DESC" } else { "" };
                                    let nulls = match o.nulls_first {
                                        Some(true) => " NULLS FIRST",
                                        _ => " NULLS LAST",
                                    };
                                    order.push(format!("{w}{dir}{nulls}"));
                                }
                            }
                        }
                    }
                    if distinct && !order.is_empty() {
                        return Err(unsupported(
                            "STRING_AGG(DISTINCT ... ORDER BY ...)",
                            "Take the distinct values in a subquery first (SELECT DISTINCT ...), then STRING_AGG(x, ',' ORDER BY x).",
                        ));
                    }
                    let order_sql = if order.is_empty() { String::new() } else { format!(" ORDER BY {}", order.join(", ")) };
                    mid.push(format!("COUNT({v}) AS __if_a{j}_n"));
                    let sep_sql = ast::string(&sep);
                    outer = ast::parse_expr(&format!("CASE WHEN __if_a{j}_n = 0 THEN NULL ELSE ARRAY_TO_STRING(__if_a{j}, {sep_sql}) END"))?;
                    format!("ARRAY_AGG({}{v}{order_sql})", if distinct { "DISTINCT " } else { "" })
                }
                other => return Err(unsupported(format!("the aggregate {}()", other.to_uppercase()), "Use COUNT, SUM, AVG, MIN, MAX, MEDIAN, QUANTILE_CONT, STDDEV or VARIANCE.")),
            };
            mid.push(format!("{sql} AS __if_a{j}"));
            cols.push(Col { name: format!("__if_a{j}"), kind: self.kind_of(a).unwrap_or(Kind::Other), actual: format!("__if_a{j}") });
            agg_outer.push(outer);
        }
        // placeholders for SUM's NULL rule
        let finish = |e: &mut Expr| -> Result<()> {
            ast::walk_pre_mut(e, &mut |x| {
                if let Expr::Identifier(i) = x {
                    if let Some(j) = i.value.strip_prefix("__if_a").and_then(|n| n.parse::<usize>().ok()) {
                        if let Some(o) = agg_outer.get(j) {
                            *x = o.clone();
                        }
                        return Ok(true);
                    }
                }
                Ok(false)
            })
        };
        let mut projection: Vec<SelectItem> = Vec::new();
        for (orig, mut r, alias) in out_items {
            finish(&mut r)?;
            let alias = alias.unwrap_or_else(|| ast::ident(&names::default_name(&orig)));
            projection.push(SelectItem::ExprWithAlias { expr: r, alias });
        }
        for h in having.iter_mut().chain(qualify.iter_mut()) {
            finish(h)?;
        }
        if let Some(ob) = &mut order {
            for o in &mut ob.exprs {
                finish(&mut o.expr)?;
            }
        }
        if pre.is_empty() {
            // a real column: the engine mishandles projections of literals only
            match self.anchor() {
                Ok(a) => pre.push(format!("{a} AS __if_one")),
                Err(_) => pre.push("1 AS __if_one".into()),
            }
        }
        let from: Vec<String> = s.from.iter().map(|t| t.to_string()).collect();
        let from_sql = if from.is_empty() { String::new() } else { format!(" FROM {}", from.join(", ")) };
        let where_sql = s.selection.as_ref().map(|w| format!(" WHERE {w}")).unwrap_or_default();
        let pre_alias = self.fresh("pre");
        let agg_alias = self.fresh("agg");
        let group_sql = if keys.is_empty() { String::new() } else { format!(" GROUP BY {}", (0..keys.len()).map(|i| format!("__if_k{i}")).collect::<Vec<_>>().join(", ")) };
        if mid.is_empty() {
            mid.push("COUNT(*) AS __if_n".into());
        }
        let sql = format!(
            "SELECT 1 FROM (SELECT {} FROM (SELECT {}{from_sql}{where_sql}) AS {pre_alias}{group_sql}) AS {agg_alias}",
            mid.join(", "),
            pre.join(", ")
        );
        let parsed = ast::parse_query(&sql)?;
        let sqlparser::ast::SetExpr::Select(mut outer) = *parsed.body else { return Err(super::internal("aggregate form")) };
        outer.projection = projection;
        outer.selection = having;
        outer.distinct = s.distinct.clone();
        outer.qualify = qualify;
        *s = *outer;
        *order_by = order;
        if let Some(scope) = self.scopes.last_mut() {
            *scope = Scope::from_rels(vec![Rel { name: agg_alias, cols }]);
        }
        self.note(
            "aggregate_form",
            "Aggregation runs in three steps: keys and arguments are computed, then grouped, then HAVING, ORDER BY and expressions over aggregates are applied (so GROUP BY may use aliases, ordinals and expressions, and SUM of no values is NULL).",
        );
        Ok(())
    }
}
