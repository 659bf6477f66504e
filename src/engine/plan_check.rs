//! Operations the engine would panic on, found in the optimised plan before it runs.
//!
//! Polars 0.51 built without its `list_arithmetic` / `array_arithmetic` features panics (in
//! wasm: aborts the instance, and the page loses every table) when it adds, subtracts,
//! multiplies or divides a list or array value: `SELECT +[[]]` (found by fuzzing the engine),
//! or `tags * 2` on a column read from JSON arrays. The features cost about 50 KB of brotli,
//! which the 4 MB download budget cannot spare, and DuckDB has no list arithmetic either: such
//! queries are refused before anything runs.

use polars::polars_utils::arena::{Arena, Node};
use polars::prelude::DataType;
use polars_plan::plans::{AExpr, ArenaExprIter, IR};

/// The first arithmetic on a list or array value under `top`: its operator and operand types.
pub fn list_arithmetic(top: Node, lp: &Arena<IR>, exprs: &Arena<AExpr>) -> Option<String> {
    let mut stack = vec![top];
    let mut visited = 0usize;
    while let Some(node) = stack.pop() {
        visited += 1;
        if visited > 100_000 {
            return None;
        }
        let ir = lp.get(node);
        stack.extend(ir.get_inputs().iter().copied());
        let Some(schema) = ir.input_schema(lp) else { continue };
        for e in ir.exprs() {
            for (_, ae) in exprs.iter(e.node()) {
                let AExpr::BinaryExpr { left, op, right } = ae else { continue };
                if !op.is_arithmetic() {
                    continue;
                }
                let dtype = |n: Node| exprs.get(n).to_dtype(&schema, exprs).ok();
                let (l, r) = (dtype(*left), dtype(*right));
                if l.as_ref().is_some_and(holds_list) || r.as_ref().is_some_and(holds_list) {
                    let name = |d: Option<DataType>| d.map_or_else(|| "a value".to_string(), |d| d.to_string());
                    return Some(format!("{} {op} {}", name(l), name(r)));
                }
            }
        }
    }
    None
}

fn holds_list(dt: &DataType) -> bool {
    match dt {
        DataType::List(_) | DataType::Array(..) => true,
        DataType::Struct(fields) => fields.iter().any(|f| holds_list(&f.dtype)),
        _ => false,
    }
}
