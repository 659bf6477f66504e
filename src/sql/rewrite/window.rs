//! Window functions as calls to the engine's window functions (`__if_win_*`, see
//! `engine::udf`), with SQL semantics: ROW_NUMBER, RANK, DENSE_RANK, NTILE, PERCENT_RANK,
//! CUME_DIST, LAG, LEAD, FIRST_VALUE, LAST_VALUE, NTH_VALUE and SUM / AVG / MIN / MAX /
//! COUNT over partitions, running and sliding frames (ROWS, and RANGE without offsets).
//! Also QUALIFY, as a filter over a derived table.

use sqlparser::ast::{
    Expr, Function, FunctionArguments, OrderBy, Select, SelectItem, WindowFrameBound, WindowFrameUnits, WindowType,
};

use super::ast::{self, call, fargs, fname, int_literal, is_distinct_call, is_star_call, string};
use super::{unsupported, Rw};
use crate::error::Result;

fn bound(b: &WindowFrameBound) -> Result<String> {
    let n = |e: &Option<Box<Expr>>| -> Result<Option<i64>> {
        match e {
            None => Ok(None),
            Some(x) => int_literal(x)
                .filter(|v| *v >= 0)
                .map(Some)
                .ok_or_else(|| unsupported(format!("the window frame bound {x}"), "Use a whole number of rows, e.g. ROWS BETWEEN 2 PRECEDING AND CURRENT ROW.")),
        }
    };
    Ok(match b {
        WindowFrameBound::CurrentRow => "cr".into(),
        WindowFrameBound::Preceding(e) => match n(e)? {
            None => "up".into(),
            Some(k) => format!("p:{k}"),
        },
        WindowFrameBound::Following(e) => match n(e)? {
            None => "uf".into(),
            Some(k) => format!("f:{k}"),
        },
    })
}

impl Rw<'_> {
    pub(super) fn windows(&mut self, s: &mut Select, order_by: &mut Option<OrderBy>) -> Result<()> {
        let has = |e: &Expr| ast::any(e, &|x| matches!(x, Expr::Function(f) if f.over.is_some()));
        let in_proj = s.projection.iter().any(|i| ast::select_item_expr(i).is_some_and(|(e, _)| has(e)));
        let in_qualify = s.qualify.as_ref().is_some_and(has);
        let in_order = order_by.as_ref().is_some_and(|o| o.exprs.iter().any(|x| has(&x.expr)));
        if s.selection.as_ref().is_some_and(has) {
            return Err(unsupported("a window function in WHERE", "Compute it in a subquery (or use QUALIFY) and filter outside."));
        }
        if !in_proj && !in_qualify && !in_order {
            return Ok(());
        }
        let anchor = self.anchor()?;
        for item in &mut s.projection {
            if let SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } = item {
                ast::walk_mut(e, &mut |x| self.window_node(x, &anchor))?;
            }
        }
        if let Some(q) = &mut s.qualify {
            ast::walk_mut(q, &mut |x| self.window_node(x, &anchor))?;
        }
        if let Some(ob) = order_by {
            for o in &mut ob.exprs {
                ast::walk_mut(&mut o.expr, &mut |x| self.window_node(x, &anchor))?;
            }
        }
        Ok(())
    }

    /// A column of the current FROM, to give the window function its height.
    pub(super) fn anchor(&self) -> Result<Expr> {
        let scope = self.scope().ok_or_else(|| unsupported("a window function without FROM", "Select FROM a table."))?;
        for r in &scope.rels {
            if let Some(c) = r.cols.first() {
                return Ok(ast::col(&r.name, &c.actual));
            }
        }
        Err(unsupported("a window function without FROM", "Select FROM a table."))
    }

    fn window_node(&mut self, e: &mut Expr, anchor: &Expr) -> Result<()> {
        let Expr::Function(f) = e else { return Ok(()) };
        if f.over.is_none() {
            return Ok(());
        }
        let new = self.window_call(f, anchor)?;
        *e = new;
        Ok(())
    }

    fn window_call(&mut self, f: &Function, anchor: &Expr) -> Result<Expr> {
        let name = fname(f);
        let spec = match &f.over {
            Some(WindowType::WindowSpec(w)) => w.clone(),
            Some(WindowType::NamedWindow(n)) => {
                return Err(unsupported(format!("the named window {n}"), "Write the window specification inside OVER (...)."));
            }
            None => return Err(super::internal("window")),
        };
        if spec.window_name.is_some() {
            return Err(unsupported("a window that extends a named window", "Write the whole specification inside OVER (...)."));
        }
        if f.null_treatment.is_some() || matches!(&f.args, FunctionArguments::List(l) if !l.clauses.is_empty()) {
            return Err(unsupported(format!("IGNORE NULLS / RESPECT NULLS in {}()", name.to_uppercase()), "Filter the NULL rows in a subquery first."));
        }
        if is_distinct_call(f) {
            return Err(unsupported(format!("{}(DISTINCT ...) OVER (...)", name.to_uppercase()), "Count distinct values per group with GROUP BY and join the result."));
        }
        let mut args: Vec<Expr> = fargs(f).into_iter().cloned().collect();
        if let Some(cond) = f.filter.as_deref() {
            let value = if args.is_empty() { ast::number(1) } else { args.remove(0) };
            args.insert(0, Expr::Case { operand: None, conditions: vec![cond.clone()], results: vec![value], else_result: None });
        }
        let star = is_star_call(f) && args.is_empty();
        let lit_arg = |i: usize, default: i64| -> Result<i64> {
            match args.get(i) {
                None => Ok(default),
                Some(x) => int_literal(x).ok_or_else(|| unsupported(format!("{}() with a computed offset", name.to_uppercase()), "Write the offset as a number.")),
            }
        };
        // (udf, function, value args, k)
        let (udf, func, values, k): (&str, &str, Vec<Expr>, i64) = match name.as_str() {
            "row_number" => ("__if_win_int", "row_number", vec![], 1),
            "rank" => ("__if_win_int", "rank", vec![], 1),
            "dense_rank" => ("__if_win_int", "dense_rank", vec![], 1),
            "ntile" => {
                let k = lit_arg(0, 1)?;
                if k < 1 {
                    return Err(unsupported("NTILE with fewer than 1 bucket", "Use NTILE(n) with n >= 1."));
                }
                ("__if_win_int", "ntile", vec![], k)
            }
            "percent_rank" => ("__if_win_float", "percent_rank", vec![], 1),
            "cume_dist" => ("__if_win_float", "cume_dist", vec![], 1),
            "lag" | "lead" => {
                let v = args.first().cloned().ok_or_else(|| unsupported(format!("{}() without a value", name.to_uppercase()), "Write LAG(x)."))?;
                let k = lit_arg(1, 1)?;
                let mut vals = vec![v];
                if let Some(d) = args.get(2) {
                    vals.push(d.clone());
                }
                ("__if_win_value", if name == "lag" { "lag" } else { "lead" }, vals, k)
            }
            "first_value" | "last_value" | "any_value" | "first" | "last" => {
                let v = args.first().cloned().ok_or_else(|| unsupported(format!("{}() without a value", name.to_uppercase()), "Write FIRST_VALUE(x)."))?;
                let func = if name.starts_with("last") { "last_value" } else { "first_value" };
                ("__if_win_value", func, vec![v], 1)
            }
            "nth_value" => {
                let v = args.first().cloned().ok_or_else(|| unsupported("NTH_VALUE() without a value", "Write NTH_VALUE(x, n)."))?;
                ("__if_win_value", "nth_value", vec![v], lit_arg(1, 1)?.max(1))
            }
            "min" | "max" => {
                let v = args.first().cloned().ok_or_else(|| unsupported(format!("{}() without a value", name.to_uppercase()), "Pass a column."))?;
                ("__if_win_value", if name == "min" { "min" } else { "max" }, vec![v], 1)
            }
            "sum" => ("__if_win_sum", "sum", vec![args.first().cloned().ok_or_else(|| unsupported("SUM() without a value", "Pass a column."))?], 1),
            "avg" | "mean" => ("__if_win_float", "avg", vec![args.first().cloned().ok_or_else(|| unsupported("AVG() without a value", "Pass a column."))?], 1),
            "stddev" | "stddev_samp" | "stdev" | "stddev_pop" | "variance" | "var_samp" | "var" | "var_pop" => {
                let func = match name.as_str() {
                    "stddev_pop" => "stddev_pop",
                    "var_pop" => "var_pop",
                    n if n.starts_with("std") => "stddev",
                    _ => "variance",
                };
                ("__if_win_float", func, vec![args.first().cloned().ok_or_else(|| unsupported("STDDEV() without a value", "Pass a column."))?], 1)
            }
            "count" => {
                if star {
                    ("__if_win_int", "count", vec![], 1)
                } else {
                    ("__if_win_int", "count", vec![args.first().cloned().ok_or_else(|| unsupported("COUNT() without a value", "Pass a column."))?], 1)
                }
            }
            other => {
                return Err(unsupported(
                    format!("the window function {}()", other.to_uppercase()),
                    "Use ROW_NUMBER, RANK, DENSE_RANK, NTILE, PERCENT_RANK, CUME_DIST, LAG, LEAD, FIRST_VALUE, LAST_VALUE, NTH_VALUE, SUM, AVG, MIN, MAX, COUNT, STDDEV or VARIANCE.",
                ))
            }
        };
        let (rows, start, end) = match &spec.window_frame {
            None => {
                if spec.order_by.is_empty() {
                    (false, "up".to_string(), "uf".to_string())
                } else {
                    (false, "up".to_string(), "cr".to_string())
                }
            }
            Some(fr) => {
                let start = bound(&fr.start_bound)?;
                let end = match &fr.end_bound {
                    Some(b) => bound(b)?,
                    None => "cr".into(),
                };
                match fr.units {
                    WindowFrameUnits::Rows => (true, start, end),
                    WindowFrameUnits::Range => {
                        if start.contains(':') || end.contains(':') {
                            return Err(unsupported(
                                "RANGE frames with an offset",
                                "Use ROWS BETWEEN n PRECEDING AND CURRENT ROW, or RANGE with UNBOUNDED / CURRENT ROW.",
                            ));
                        }
                        (false, start, end)
                    }
                    WindowFrameUnits::Groups => return Err(unsupported("GROUPS frames", "Use ROWS or RANGE frames.")),
                }
            }
        };
        let desc: String = spec.order_by.iter().map(|o| if o.asc == Some(false) { '1' } else { '0' }).collect();
        let nulls_first: String = spec.order_by.iter().map(|o| if o.nulls_first == Some(true) { '1' } else { '0' }).collect();
        let text = format!(
            "f={func};nv={};np={};no={};d={desc};nf={nulls_first};u={};s={start};e={end};k={k}",
            values.len(),
            spec.partition_by.len(),
            spec.order_by.len(),
            if rows { "rows" } else { "range" }
        );
        let mut call_args = vec![string(&text), anchor.clone()];
        call_args.extend(values);
        call_args.extend(spec.partition_by.iter().cloned());
        call_args.extend(spec.order_by.iter().map(|o| o.expr.clone()));
        self.note("window_functions", format!("{}() OVER (...) runs as the engine's window function {udf}.", name.to_uppercase()));
        Ok(call(udf, call_args))
    }

    /// `SELECT ... QUALIFY c` -> `SELECT * EXCLUDE (__if_q) FROM (SELECT ..., c AS __if_q ...) WHERE __if_q`.
    pub(super) fn qualify(&mut self, s: &mut Select) -> Result<()> {
        let Some(mut cond) = s.qualify.take() else { return Ok(()) };
        // QUALIFY may name SELECT aliases
        let aliases: Vec<(String, Expr)> = s
            .projection
            .iter()
            .filter_map(|i| match i {
                SelectItem::ExprWithAlias { expr, alias } => Some((alias.value.to_ascii_lowercase(), expr.clone())),
                _ => None,
            })
            .collect();
        ast::walk_pre_mut(&mut cond, &mut |x| {
            if let Expr::Identifier(i) = x {
                let key = i.value.to_ascii_lowercase();
                if self.colref(x).is_none() {
                    if let Some((_, e)) = aliases.iter().find(|(a, _)| *a == key) {
                        *x = ast::nested(e.clone());
                        return Ok(true);
                    }
                }
            }
            Ok(false)
        })?;
        let mut inner = s.clone();
        inner.projection.push(SelectItem::ExprWithAlias { expr: cond, alias: ast::ident("__if_q") });
        let alias = self.fresh("qualify");
        let q = ast::parse_query(&format!("SELECT * EXCLUDE (__if_q) FROM ({inner}) AS {alias} WHERE __if_q"))?;
        let sqlparser::ast::SetExpr::Select(outer) = *q.body else { return Err(super::internal("qualify")) };
        *s = *outer;
        self.note("qualify", "QUALIFY filters a derived table that holds the window results.");
        Ok(())
    }
}
