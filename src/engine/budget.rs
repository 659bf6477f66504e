//! What a query's plan would materialise, estimated before anything runs.
//!
//! In wasm an allocation that fails aborts the instance (the page loses every table), so a
//! query whose intermediate result cannot fit must be refused before it starts, not noticed
//! afterwards. The one operator that multiplies rows without bound is the cross join (every
//! row of one side with every row of the other: a join condition forgotten, `FROM a, b`
//! without a WHERE linking them). Its size is known from the plan: the product of its sides.
//!
//! Row counts come from the registered frames; filters, projections, aggregations and
//! DISTINCT never add rows (their input's count is an upper bound); slices cap; unions add.
//! An equi-join is counted as its larger side (the usual key to foreign-key join; its true
//! size needs key statistics). A cross join whose filter Polars fuses into it
//! (`CrossAndFilter`) materialises the product a partition pair at a time: a quarter of it
//! on one thread.

use polars::polars_utils::arena::{Arena, Node};
use polars::prelude::{DataType, JoinType, Schema};
use polars_plan::plans::{is_scalar_ae, AExpr, FunctionIR, IR};

/// The largest cross-join intermediate in a plan.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Product {
    pub rows: u128,
    pub bytes: u128,
}

/// The largest cross join under `top`, estimated in rows and bytes, or None when the plan has
/// none (or its sides' sizes cannot be known from the plan).
pub fn largest_cross_join(top: Node, lp: &Arena<IR>, exprs: &Arena<AExpr>) -> Option<Product> {
    let mut worst = None;
    rows(top, &Plan { lp, exprs }, &mut worst, 0);
    worst
}

struct Plan<'a> {
    lp: &'a Arena<IR>,
    exprs: &'a Arena<AExpr>,
}

/// Bytes of one row of `schema` once materialised (views for text, 8 for most numbers), plus
/// the two row indices the join gathers each side with (even when no column is kept).
fn row_width(schema: &Schema) -> u128 {
    let width: usize = schema
        .iter_values()
        .map(|dt| match dt {
            DataType::Boolean | DataType::Int8 | DataType::UInt8 => 1,
            DataType::Int16 | DataType::UInt16 => 2,
            DataType::Int32 | DataType::UInt32 | DataType::Float32 | DataType::Date => 4,
            DataType::String | DataType::Binary | DataType::Int128 | DataType::Decimal(_, _) => 16,
            DataType::Null => 0,
            _ => 8,
        })
        .sum();
    width as u128 + 2 * std::mem::size_of::<polars::prelude::IdxSize>() as u128
}

fn note(worst: &mut Option<Product>, p: Product) {
    if worst.map_or(true, |w| p.bytes > w.bytes) {
        *worst = Some(p);
    }
}

/// An upper estimate of the rows `node` produces; records cross joins into `worst`.
fn rows(node: Node, plan: &Plan, worst: &mut Option<Product>, depth: usize) -> Option<u128> {
    if depth > 1000 {
        return None;
    }
    let r = |n: Node, worst: &mut Option<Product>| rows(n, plan, worst, depth + 1);
    let capped = |n: Option<u128>, len: u128| Some(n.map_or(len, |n| n.min(len)));
    match plan.lp.get(node) {
        IR::DataFrameScan { df, .. } => Some(df.height() as u128),
        IR::Slice { input, len, .. } => capped(r(*input, worst), u128::from(*len)),
        IR::Sort { input, slice, .. } => {
            let n = r(*input, worst);
            match slice {
                Some((_, len)) => capped(n, *len as u128),
                None => n,
            }
        }
        // a global aggregate (`SELECT MAX(x) FROM t`, the usual side of a deliberate cross
        // join) is one row
        IR::Select { input, expr, .. } => {
            let n = r(*input, worst);
            if !expr.is_empty() && expr.iter().all(|e| is_scalar_ae(e.node(), plan.exprs)) {
                Some(1)
            } else {
                n
            }
        }
        IR::GroupBy { input, keys, .. } => {
            let n = r(*input, worst);
            if keys.is_empty() {
                Some(1)
            } else {
                n
            }
        }
        IR::Filter { input, .. }
        | IR::SimpleProjection { input, .. }
        | IR::HStack { input, .. }
        | IR::Cache { input, .. }
        | IR::Distinct { input, .. }
        | IR::Sink { input, .. } => r(*input, worst),
        IR::MapFunction { input, function } => {
            let n = r(*input, worst);
            // adds rows by an amount the plan does not say
            if matches!(function, FunctionIR::Explode { .. }) {
                None
            } else {
                n
            }
        }
        IR::ExtContext { input, contexts, .. } => {
            for c in contexts {
                r(*c, worst);
            }
            r(*input, worst)
        }
        IR::Union { inputs, .. } => {
            let counts: Vec<Option<u128>> = inputs.iter().map(|n| r(*n, worst)).collect();
            counts.into_iter().try_fold(0u128, |acc, n| n.map(|n| acc.saturating_add(n)))
        }
        IR::HConcat { inputs, .. } => {
            let counts: Vec<Option<u128>> = inputs.iter().map(|n| r(*n, worst)).collect();
            counts.into_iter().try_fold(0u128, |acc, n| n.map(|n| acc.max(n)))
        }
        IR::Join { input_left, input_right, schema, options, .. } => {
            let left = r(*input_left, worst);
            let right = r(*input_right, worst);
            let (left, right) = (left?, right?);
            // a LIMIT pushed into the join: only those rows are produced
            let cap = |n: u128| options.args.slice.map_or(n, |(_, len)| n.min(len as u128));
            if options.args.how == JoinType::Cross {
                let product = left.saturating_mul(right);
                let (materialised, out) = match options.options {
                    // fused with its filter: one partition pair at a time, output filtered
                    Some(_) => (product / 4, left.max(right)),
                    None => (cap(product), cap(product)),
                };
                note(worst, Product { rows: materialised, bytes: materialised.saturating_mul(row_width(schema)) });
                Some(out)
            } else {
                Some(cap(left.max(right)))
            }
        }
        _ => None,
    }
}
