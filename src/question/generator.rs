//! The host's own SQL generator (`new Runtime({sqlGenerator})` in JS: an async function
//! `(question, schema, context) => sql`, e.g. the host's LLM).
//!
//! The core only sees this trait; the wasm facade adapts a JS function to it. What the
//! generator returns is checked exactly like user SQL (parse, read-only guard) plus two
//! schema checks: it may read only the asked source, and only columns the source has (or
//! names the query itself defines). The schema handed over is column names and types only;
//! distinct values are added only when the host opts in (`sqlGeneratorValues: true`).

use std::collections::BTreeSet;
use std::ops::ControlFlow;

use futures_util::future::LocalBoxFuture;
use serde::Deserialize;
use serde_json::{json, Value};
use sqlparser::ast::{Expr, Query, SelectItem, TableFactor, Visit, Visitor};

use super::profile::Profile;
use crate::engine::TableSchema;
use crate::error::{suggestion_hint, Error, ErrorCode, Result};
use crate::sql::CheckedQuery;

/// An async SQL generator supplied by the host.
pub trait SqlGenerator {
    /// `schema`: `{name, columns: [{name, type}], rowCount}` (plus `values` per text column when
    /// the host opted in); `context`: `{source, dialect, answers}`. Resolves to SQL text.
    fn generate(&self, question: &str, schema: Value, context: Value) -> LocalBoxFuture<'static, Result<String>>;
}

/// When the host generator is asked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GeneratorMode {
    /// Every question goes to the generator first; the built-in parser answers when its SQL
    /// fails the checks (or the generator fails).
    #[default]
    First,
    /// The built-in parser first; the generator only when it cannot answer (an error or a
    /// clarification).
    Fallback,
}

/// What the generator is told about the source.
pub fn generator_schema(schema: &TableSchema, profile: Option<&Profile>, with_values: bool) -> Value {
    let columns: Vec<Value> = schema
        .columns
        .iter()
        .map(|c| {
            let mut o = json!({"name": c.name, "type": c.kind});
            if let (true, Some(p)) = (with_values, profile) {
                if let Some(cp) = p.column(&c.name) {
                    if !cp.values.is_empty() {
                        let vals: Vec<&str> = cp.values.iter().take(50).map(|(v, _)| v.as_str()).collect();
                        o["values"] = json!(vals);
                    }
                }
            }
            o
        })
        .collect();
    json!({"name": schema.name, "columns": columns, "rowCount": schema.row_count})
}

#[derive(Default)]
struct Names {
    idents: Vec<String>,
    defined: BTreeSet<String>,
}

impl Visitor for Names {
    type Break = ();

    fn pre_visit_query(&mut self, q: &Query) -> ControlFlow<()> {
        if let Some(with) = &q.with {
            for cte in &with.cte_tables {
                self.defined.insert(cte.alias.name.value.to_lowercase());
                for c in &cte.alias.columns {
                    self.defined.insert(c.name.value.to_lowercase());
                }
            }
        }
        if let sqlparser::ast::SetExpr::Select(s) = q.body.as_ref() {
            for item in &s.projection {
                if let SelectItem::ExprWithAlias { alias, .. } = item {
                    self.defined.insert(alias.value.to_lowercase());
                }
            }
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_table_factor(&mut self, t: &TableFactor) -> ControlFlow<()> {
        if let TableFactor::Table { alias: Some(a), .. } | TableFactor::Derived { alias: Some(a), .. } = t {
            self.defined.insert(a.name.value.to_lowercase());
            for c in &a.columns {
                self.defined.insert(c.name.value.to_lowercase());
            }
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, e: &Expr) -> ControlFlow<()> {
        match e {
            Expr::Identifier(i) => self.idents.push(i.value.clone()),
            Expr::CompoundIdentifier(parts) => {
                if let Some(last) = parts.last() {
                    self.idents.push(last.value.clone());
                }
            }
            _ => {}
        }
        ControlFlow::Continue(())
    }
}

/// Schema checks on a generated query that already passed [`crate::sql::check`].
pub fn check_generated(checked: &CheckedQuery, schema: &TableSchema) -> Result<()> {
    for t in &checked.tables {
        if !t.eq_ignore_ascii_case(&schema.name) {
            return Err(Error::new(
                ErrorCode::UnknownTable,
                format!("The generated SQL reads '{t}', but the question is about '{}'.", schema.name),
                format!("Only '{}' may be queried for this question.", schema.name),
            ));
        }
    }
    let mut names = Names::default();
    let _ = checked.statement.visit(&mut names);
    let columns: Vec<String> = schema.columns.iter().map(|c| c.name.clone()).collect();
    for id in &names.idents {
        let lower = id.to_lowercase();
        let known = columns.iter().any(|c| c.eq_ignore_ascii_case(id)) || names.defined.contains(&lower) || lower == schema.name.to_lowercase();
        if !known {
            return Err(Error::new(
                ErrorCode::UnknownColumn,
                format!("The generated SQL uses a column '{id}' that '{}' does not have.", schema.name),
                suggestion_hint("column", id, &columns),
            ));
        }
    }
    Ok(())
}
