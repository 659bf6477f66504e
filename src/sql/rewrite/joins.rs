//! Joins the engine can run: comma-separated FROM lists become explicit joins on the
//! equalities found in WHERE (conditions common to every branch of an OR are factored out
//! first, so `(a.k = b.k AND ...) OR (a.k = b.k AND ...)` still joins on the key); join
//! conditions keep only column equalities (the rest moves to WHERE for inner joins, or into
//! the right-hand table for LEFT JOIN); keys name the engine's actual joined columns.

use std::collections::{BTreeMap, BTreeSet};

use sqlparser::ast::{BinaryOperator, Expr, Join, JoinConstraint, JoinOperator, Select, TableAlias, TableFactor, TableWithJoins};

use super::ast::{self, and_all, conjuncts, disjuncts, or_all, unnest};
use super::functions::join_constraint;
use super::scope::idents_of;
use super::{unsupported, Rw};
use crate::error::Result;

struct Item {
    factor: TableFactor,
    op: Option<JoinOperator>,
    rel: usize,
}

impl Rw<'_> {
    /// Rels (in the current scope) an expression's columns belong to; `None` when it refers
    /// to something outside the current scope (outer query, alias, unknown).
    pub(super) fn rels_of(&self, e: &Expr) -> Option<BTreeSet<usize>> {
        let scope = self.scope()?;
        let mut out = BTreeSet::new();
        let mut ok = true;
        ast::each(e, &mut |x| {
            if let Some(ids) = idents_of(x) {
                match scope.resolve(ids) {
                    Some((r, _)) => {
                        out.insert(r);
                    }
                    None => ok = false,
                }
            }
        });
        if ast::has_subquery(e) {
            ok = false;
        }
        ok.then_some(out)
    }

    /// `(rel, col)` of a plain column reference in the current scope.
    pub(super) fn colref(&self, e: &Expr) -> Option<(usize, usize)> {
        self.scope()?.resolve(idents_of(unnest(e))?)
    }

    /// The expression naming a column for the engine's join keys: `rel."actual"`.
    pub(super) fn key_expr(&self, rel: usize, col: usize) -> Option<Expr> {
        let scope = self.scope()?;
        let r = scope.rels.get(rel)?;
        let c = r.cols.get(col)?;
        Some(ast::col(&r.name, &c.actual))
    }

    pub(super) fn normalize_joins(&mut self, s: &mut Select) -> Result<()> {
        if s.from.is_empty() {
            return Ok(());
        }
        let many = self.scope().is_some_and(|sc| sc.rels.len() > 1);
        if many {
            if let Some(w) = s.selection.take() {
                let parts: Vec<Expr> = conjuncts(w).into_iter().flat_map(|c| self.factor_or(c)).collect();
                s.selection = and_all(parts);
            }
        }
        // flatten into units (one per comma-separated item), rel indices in scope order
        let mut units: Vec<Vec<Item>> = Vec::new();
        let mut next_rel = 0usize;
        for twj in std::mem::take(&mut s.from) {
            let mut unit = Vec::new();
            flatten(twj, None, &mut unit, &mut next_rel)?;
            units.push(unit);
        }
        let mut items: Vec<Item> = Vec::new();
        if units.len() > 1 {
            let mut where_conj: Vec<Expr> = s.selection.take().map(conjuncts).unwrap_or_default();
            let mut remaining: Vec<Vec<Item>> = units;
            let first = remaining.remove(0);
            let mut joined: BTreeSet<usize> = first.iter().map(|i| i.rel).collect();
            items.extend(first);
            while !remaining.is_empty() {
                // the first unit whose leading relation is linked to what is joined already
                let mut pick: Option<(usize, Vec<usize>)> = None;
                for (ui, unit) in remaining.iter().enumerate() {
                    let Some(lead) = unit.first().map(|i| i.rel) else { continue };
                    let edges: Vec<usize> = where_conj
                        .iter()
                        .enumerate()
                        .filter(|(_, c)| self.equi_sides(c).is_some_and(|(a, b)| (joined.contains(&a.0) && b.0 == lead) || (joined.contains(&b.0) && a.0 == lead)))
                        .map(|(i, _)| i)
                        .collect();
                    if !edges.is_empty() {
                        pick = Some((ui, edges));
                        break;
                    }
                }
                let (ui, edges) = pick.unwrap_or((0, vec![]));
                let mut unit = remaining.remove(ui);
                // take the key conditions out of WHERE (highest index first, so indices hold)
                let mut on: Vec<Expr> = Vec::new();
                for &i in edges.iter().rev() {
                    if i < where_conj.len() {
                        on.push(where_conj.remove(i));
                    }
                }
                on.reverse();
                if let Some(lead) = unit.first_mut() {
                    lead.op = Some(match and_all(on) {
                        Some(cond) => JoinOperator::Inner(JoinConstraint::On(cond)),
                        None => JoinOperator::CrossJoin,
                    });
                }
                joined.extend(unit.iter().map(|i| i.rel));
                items.extend(unit);
            }
            s.selection = and_all(where_conj);
            self.note("explicit_joins", "Tables listed with commas are joined explicitly on the equalities in WHERE.");
        } else if let Some(u) = units.pop() {
            items = u;
        }
        // explicit joins: keys the engine can use
        let mut extra_where: Vec<Expr> = Vec::new();
        let mut frame: Vec<String> = Vec::new();
        let mut in_frame: BTreeSet<usize> = BTreeSet::new();
        let mut out_joins: Vec<Join> = Vec::new();
        let mut relation: Option<TableFactor> = None;
        let mut order: Vec<usize> = Vec::new();
        for item in items {
            let Item { factor, op, rel } = item;
            order.push(rel);
            let Some(op) = op else {
                // leading relation
                self.set_actuals(rel, &mut frame, true);
                in_frame.insert(rel);
                relation = Some(factor);
                continue;
            };
            let (factor, op) = self.normalize_join(factor, op, rel, &in_frame, &mut extra_where)?;
            let adds = !matches!(
                op,
                JoinOperator::Semi(_) | JoinOperator::LeftSemi(_) | JoinOperator::Anti(_) | JoinOperator::LeftAnti(_)
            );
            self.set_actuals(rel, &mut frame, adds);
            in_frame.insert(rel);
            out_joins.push(Join { relation: factor, global: false, join_operator: op });
        }
        let Some(relation) = relation else { return Ok(()) };
        s.from = vec![TableWithJoins { relation, joins: out_joins }];
        if !extra_where.is_empty() {
            let mut all = extra_where;
            if let Some(w) = s.selection.take() {
                all.insert(0, w);
            }
            s.selection = and_all(all);
        }
        self.filter_before_joins(s, &order);
        Ok(())
    }

    /// In a chain of inner joins, WHERE conditions on one table's columns filter that table
    /// before the joins: `(SELECT * FROM t WHERE c) AS t`. The engine's own pushdown misses
    /// some of these once the query is nested (TPC-H Q8 joined all of lineitem and orders
    /// before filtering), and a join's cost is the rows that reach it.
    /// `order` holds the rel of the leading relation, then of each join, as in `s.from[0]`.
    fn filter_before_joins(&mut self, s: &mut Select, order: &[usize]) {
        if s.from.len() != 1 {
            return;
        }
        let Some(from) = s.from.first_mut() else { return };
        if from.joins.is_empty()
            || order.len() != from.joins.len() + 1
            || !from.joins.iter().all(|j| matches!(j.join_operator, JoinOperator::Inner(_) | JoinOperator::CrossJoin))
        {
            return;
        }
        let Some(w) = s.selection.take() else { return };
        let mut keep: Vec<Expr> = Vec::new();
        let mut per_rel: BTreeMap<usize, Vec<Expr>> = BTreeMap::new();
        for c in conjuncts(w) {
            match self.rels_of(&c).filter(|rs| rs.len() == 1).and_then(|rs| rs.first().copied()) {
                Some(r) => per_rel.entry(r).or_default().push(c),
                None => keep.push(c),
            }
        }
        let mut moved: Vec<String> = Vec::new();
        for (pos, rel) in order.iter().enumerate() {
            let Some(conds) = per_rel.remove(rel) else { continue };
            let factor = match pos.checked_sub(1) {
                None => Some(&mut from.relation),
                Some(j) => from.joins.get_mut(j).map(|j| &mut j.relation),
            };
            let Some(factor) = factor else {
                keep.extend(conds);
                continue;
            };
            let plain = matches!(factor, TableFactor::Table { args: None, .. } | TableFactor::Derived { alias: Some(_), .. });
            match plain.then(|| filtered(factor.clone(), conds.clone())) {
                Some(Ok(f)) => {
                    moved.extend(conds.iter().map(|c| c.to_string()));
                    *factor = f;
                }
                _ => keep.extend(conds),
            }
        }
        keep.extend(per_rel.into_values().flatten());
        s.selection = and_all(keep);
        if !moved.is_empty() {
            self.note("filter_before_join", format!("Conditions on one table filter it before the joins: {}.", moved.join(" AND ")));
        }
    }

    /// Records the engine's names for `rel`'s columns once joined into `frame`.
    fn set_actuals(&mut self, rel: usize, frame: &mut Vec<String>, adds: bool) {
        let Some(scope) = self.scopes.last_mut() else { return };
        let Some(r) = scope.rels.get_mut(rel) else { return };
        let rname = r.name.clone();
        for c in &mut r.cols {
            c.actual = if frame.contains(&c.name) { format!("{}:{rname}", c.name) } else { c.name.clone() };
        }
        if adds {
            frame.extend(r.cols.iter().map(|c| c.actual.clone()));
        }
    }

    /// `a = b` between two plain columns of different relations: ((rel, col), (rel, col)).
    fn equi_sides(&self, e: &Expr) -> Option<((usize, usize), (usize, usize))> {
        let Expr::BinaryOp { left, op: BinaryOperator::Eq, right } = unnest(e) else { return None };
        let a = self.colref(left)?;
        let b = self.colref(right)?;
        (a.0 != b.0).then_some((a, b))
    }

    fn normalize_join(
        &mut self,
        factor: TableFactor,
        op: JoinOperator,
        rel: usize,
        in_frame: &BTreeSet<usize>,
        extra_where: &mut Vec<Expr>,
    ) -> Result<(TableFactor, JoinOperator)> {
        let Some(JoinConstraint::On(cond)) = join_constraint(&op).cloned() else {
            return Ok((factor, op));
        };
        let mut keys: Vec<Expr> = Vec::new();
        let mut right_only: Vec<Expr> = Vec::new();
        let mut other: Vec<Expr> = Vec::new();
        for c in conjuncts(cond) {
            if let Some((a, b)) = self.equi_sides(&c) {
                let (l, r) = if in_frame.contains(&a.0) && b.0 == rel {
                    (a, b)
                } else if in_frame.contains(&b.0) && a.0 == rel {
                    (b, a)
                } else {
                    other.push(c);
                    continue;
                };
                let (Some(le), Some(re)) = (self.key_expr(l.0, l.1), self.right_key(r.0, r.1)) else {
                    other.push(c);
                    continue;
                };
                keys.push(ast::binop(le, BinaryOperator::Eq, re));
                continue;
            }
            match self.rels_of(&c) {
                Some(rs) if rs.iter().all(|r| *r == rel) => right_only.push(c),
                _ => other.push(c),
            }
        }
        let shown = |v: &[Expr]| v.iter().map(|e| e.to_string()).collect::<Vec<_>>().join(" AND ");
        match op {
            JoinOperator::Inner(_) => {
                if !right_only.is_empty() || !other.is_empty() {
                    let moved = [right_only, other].concat();
                    self.note("join_conditions", format!("Join conditions other than column equalities are applied in WHERE: {}.", shown(&moved)));
                    extra_where.extend(moved);
                }
                Ok((factor, and_all(keys).map(|k| JoinOperator::Inner(JoinConstraint::On(k))).unwrap_or(JoinOperator::CrossJoin)))
            }
            JoinOperator::LeftOuter(_) => {
                if !other.is_empty() {
                    return Err(unsupported(
                        format!("this LEFT JOIN condition ({})", shown(&other)),
                        "Keep only column equalities and conditions on the right-hand table in ON; put the rest in a CASE in the SELECT.",
                    ));
                }
                let Some(k) = and_all(keys) else {
                    return Err(unsupported("a LEFT JOIN without a column equality", "Join on matching key columns (ON a.id = b.id)."));
                };
                let factor = if right_only.is_empty() {
                    factor
                } else {
                    self.note("join_conditions", format!("LEFT JOIN conditions on the right-hand table filter that table first: {}.", shown(&right_only)));
                    filtered(factor, right_only)?
                };
                Ok((factor, JoinOperator::LeftOuter(JoinConstraint::On(k))))
            }
            op @ (JoinOperator::RightOuter(_) | JoinOperator::FullOuter(_) | JoinOperator::Semi(_) | JoinOperator::LeftSemi(_) | JoinOperator::Anti(_) | JoinOperator::LeftAnti(_)) => {
                if !right_only.is_empty() || !other.is_empty() {
                    return Err(unsupported(
                        "RIGHT / FULL / SEMI / ANTI joins on anything but column equalities",
                        "Join on key equalities only and filter the tables in subqueries first.",
                    ));
                }
                let Some(k) = and_all(keys) else {
                    return Err(unsupported("a join without a column equality", "Join on matching key columns (ON a.id = b.id)."));
                };
                let c = JoinConstraint::On(k);
                Ok((
                    factor,
                    match op {
                        JoinOperator::RightOuter(_) => JoinOperator::RightOuter(c),
                        JoinOperator::FullOuter(_) => JoinOperator::FullOuter(c),
                        JoinOperator::Semi(_) => JoinOperator::Semi(c),
                        JoinOperator::LeftSemi(_) => JoinOperator::LeftSemi(c),
                        JoinOperator::Anti(_) => JoinOperator::Anti(c),
                        _ => JoinOperator::LeftAnti(c),
                    },
                ))
            }
            other_op => Ok((factor, other_op)),
        }
    }

    /// The right-hand key of a join: its own (unrenamed) column name.
    fn right_key(&self, rel: usize, col: usize) -> Option<Expr> {
        let scope = self.scope()?;
        let r = scope.rels.get(rel)?;
        let c = r.cols.get(col)?;
        Some(ast::col(&r.name, &c.name))
    }

    /// `(A AND X) OR (A AND Y)` -> `A AND (X OR Y)`; returns conjuncts.
    fn factor_or(&mut self, e: Expr) -> Vec<Expr> {
        let ds = disjuncts(e.clone());
        if ds.len() < 2 {
            return vec![e];
        }
        let lists: Vec<Vec<Expr>> = ds.into_iter().map(conjuncts).collect();
        let Some(first) = lists.first() else { return vec![e] };
        let common: Vec<Expr> = first
            .iter()
            .filter(|c| lists.iter().all(|l| l.iter().any(|x| x.to_string() == c.to_string())))
            .cloned()
            .collect();
        if common.is_empty() {
            return vec![e];
        }
        let keys: BTreeSet<String> = common.iter().map(|c| c.to_string()).collect();
        let rests: Vec<Vec<Expr>> = lists.into_iter().map(|l| l.into_iter().filter(|x| !keys.contains(&x.to_string())).collect()).collect();
        let mut out = common;
        if rests.iter().all(|r| !r.is_empty()) {
            if let Some(or) = or_all(rests.into_iter().filter_map(and_all).collect()) {
                out.push(or);
            }
        }
        self.note("factor_or", "Conditions shared by every branch of an OR are applied once, so they can serve as join keys.");
        out
    }
}

/// `rel` as `(SELECT * FROM rel WHERE conds) AS name`.
fn filtered(factor: TableFactor, conds: Vec<Expr>) -> Result<TableFactor> {
    let name = match &factor {
        TableFactor::Table { name, alias, .. } => match (alias, name.0.as_slice()) {
            (Some(a), _) => a.name.value.clone(),
            (None, [only]) => only.value.clone(),
            _ => return Err(unsupported("this LEFT JOIN condition", "Give the right-hand table an alias (JOIN schema.t AS t).")),
        },
        TableFactor::Derived { alias: Some(a), .. } => a.name.value.clone(),
        _ => return Err(unsupported("this LEFT JOIN condition", "Filter the right-hand table in a subquery first.")),
    };
    let Some(cond) = and_all(conds) else { return Ok(factor) };
    let q = ast::parse_query(&format!("SELECT * FROM {factor} WHERE {cond}"))?;
    Ok(TableFactor::Derived { lateral: false, subquery: Box::new(q), alias: Some(TableAlias { name: ast::ident(&name), columns: vec![] }) })
}

/// Flattens a FROM item into join items (parenthesised leading joins included).
fn flatten(twj: TableWithJoins, op: Option<JoinOperator>, out: &mut Vec<Item>, next_rel: &mut usize) -> Result<()> {
    match twj.relation {
        TableFactor::NestedJoin { table_with_joins, alias: None } => {
            if op.is_some() && !matches!(op, Some(JoinOperator::Inner(_)) | Some(JoinOperator::CrossJoin)) {
                return Err(unsupported("an outer join with a parenthesised join on its right", "Write the joins one after another."));
            }
            let inner = *table_with_joins;
            if op.is_some() {
                return Err(unsupported("a join with a parenthesised join on its right", "Write the joins one after another."));
            }
            flatten(inner, None, out, next_rel)?;
        }
        TableFactor::NestedJoin { .. } => {
            return Err(unsupported("a parenthesised join with an alias", "Write the joins one after another without parentheses."));
        }
        relation => {
            out.push(Item { factor: relation, op, rel: *next_rel });
            *next_rel += 1;
        }
    }
    for j in twj.joins {
        if let TableFactor::NestedJoin { .. } = j.relation {
            return Err(unsupported("a join with a parenthesised join on its right", "Write the joins one after another."));
        }
        out.push(Item { factor: j.relation, op: Some(j.join_operator), rel: *next_rel });
        *next_rel += 1;
    }
    Ok(())
}
