//! Chart choice and the ECharts option, from the result's shape and column types.
//!
//! Rules adopted (in order; the first that fits wins):
//! 1. one row of measures only → KPI (no axis chart: a number is read, not plotted);
//! 2. a temporal column and measures → line over a time axis (trends read left to right);
//! 3. a category column and measures → bar, horizontal when there are more than 12 bars or
//!    labels longer than 12 characters (readable labels), sorted by the first measure
//!    (largest first) so ranking is visible;
//! 4. two or more measures and nothing else → scatter of the first two (relationship);
//! 5. anything else → no chart, with the reason.
//! These follow the common core of Metabase's `getDefaultDisplay` and CompassQL's mark
//! ranking (time → line, nominal → bar, quantitative pairs → point). The option uses
//! `dataset.source` + `series[].encode`, so the data is stated once. Never panics; a result
//! it cannot chart is not an error.

use serde_json::{json, Value};

use crate::error::Result;
use crate::question::Intent;
use crate::sql::Transformation;
use crate::table::{Cell, RowTable};

/// The chart stage's output: the ECharts option (None for KPI/table), a neutral spec, and
/// what was done to the data for the chart.
#[derive(Debug, Clone)]
pub struct ChartOutput {
    pub option: Option<Value>,
    pub spec: Value,
    pub transformations: Vec<Transformation>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Temporal,
    Measure,
    Category,
    Other,
}

pub fn role(kind: &str) -> Role {
    match kind {
        "date" | "datetime" => Role::Temporal,
        "integer" | "number" | "decimal" => Role::Measure,
        "string" | "boolean" => Role::Category,
        _ => Role::Other,
    }
}

fn cell_json(c: Option<&Cell>) -> Value {
    c.and_then(|c| serde_json::to_value(c).ok()).unwrap_or(Value::Null)
}

/// The dataset rows (header first) in `order`, for `cols`.
fn source(t: &RowTable, cols: &[usize], order: &[usize]) -> Value {
    let mut rows = Vec::with_capacity(order.len() + 1);
    rows.push(Value::Array(cols.iter().filter_map(|&c| t.columns.get(c)).map(|c| Value::String(c.name.clone())).collect()));
    for &r in order {
        rows.push(Value::Array(cols.iter().map(|&c| cell_json(t.cell(r, c))).collect()));
    }
    Value::Array(rows)
}

fn name(t: &RowTable, c: usize) -> String {
    t.columns.get(c).map(|c| c.name.clone()).unwrap_or_default()
}

pub fn build(t: &RowTable, title: Option<&str>, _intent: Option<&Intent>) -> Result<ChartOutput> {
    let roles: Vec<Role> = t.columns.iter().map(|c| role(c.kind)).collect();
    let find = |want: Role| roles.iter().position(|r| *r == want);
    let measures: Vec<usize> = roles.iter().enumerate().filter(|(_, r)| **r == Role::Measure).map(|(i, _)| i).collect();
    let title = json!({"text": title.unwrap_or(""), "left": "center", "textStyle": {"fontSize": 14}});
    let all: Vec<usize> = (0..t.row_count).collect();

    if t.row_count == 1 && !measures.is_empty() && measures.len() == roles.len() {
        let c = measures[0];
        return Ok(ChartOutput { option: None, spec: json!({"type": "kpi", "y": {"field": name(t, c)}, "value": cell_json(t.cell(0, c))}), transformations: vec![] });
    }
    if let (Some(x), false) = (find(Role::Temporal), measures.is_empty()) {
        let mut order = all.clone();
        let keys = t.labels(x);
        order.sort_by(|a, b| keys.get(*a).cmp(&keys.get(*b)));
        let cols: Vec<usize> = std::iter::once(x).chain(measures.iter().copied()).collect();
        let series: Vec<Value> = measures.iter().map(|&m| json!({"type": "line", "name": name(t, m), "encode": {"x": name(t, x), "y": name(t, m)}, "showSymbol": t.row_count <= 60})).collect();
        let mut option = json!({
            "title": title, "tooltip": {"trigger": "axis"},
            "dataset": {"source": source(t, &cols, &order)},
            "xAxis": {"type": "time", "name": name(t, x)},
            "yAxis": {"type": "value", "name": if measures.len() == 1 { name(t, measures[0]) } else { String::new() }},
            "grid": {"containLabel": true, "left": 16, "right": 24, "bottom": 16, "top": 48},
            "series": series,
        });
        if measures.len() > 1 {
            option["legend"] = json!({"top": 24});
        }
        let spec = json!({"type": "line", "x": {"field": name(t, x)}, "y": {"field": name(t, measures[0])}});
        return Ok(ChartOutput { option: Some(option), spec, transformations: vec![] });
    }
    if let (Some(x), false) = (find(Role::Category), measures.is_empty()) {
        let m0 = measures[0];
        let values = t.numbers(m0);
        let mut order = all.clone();
        order.sort_by(|a, b| {
            let va = values.get(*a).copied().flatten().unwrap_or(f64::NEG_INFINITY);
            let vb = values.get(*b).copied().flatten().unwrap_or(f64::NEG_INFINITY);
            vb.total_cmp(&va)
        });
        let labels = t.labels(x);
        let horizontal = t.row_count > 12 || labels.iter().any(|l| l.chars().count() > 12);
        if horizontal {
            // largest at the top: category axes draw from the bottom
            order.reverse();
        }
        let cols: Vec<usize> = std::iter::once(x).chain(measures.iter().copied()).collect();
        let (cat_axis, val_axis) = (json!({"type": "category", "name": name(t, x)}), json!({"type": "value", "name": name(t, m0)}));
        let series: Vec<Value> = measures
            .iter()
            .map(|&m| {
                let enc = if horizontal { json!({"y": name(t, x), "x": name(t, m)}) } else { json!({"x": name(t, x), "y": name(t, m)}) };
                json!({"type": "bar", "name": name(t, m), "encode": enc})
            })
            .collect();
        let mut option = json!({
            "title": title, "tooltip": {"trigger": "axis"},
            "dataset": {"source": source(t, &cols, &order)},
            "xAxis": if horizontal { val_axis.clone() } else { cat_axis.clone() },
            "yAxis": if horizontal { cat_axis } else { val_axis },
            "grid": {"containLabel": true, "left": 16, "right": 24, "bottom": 16, "top": 48},
            "series": series,
        });
        if measures.len() > 1 {
            option["legend"] = json!({"top": 24});
        }
        let spec = json!({"type": "bar", "orientation": if horizontal { "horizontal" } else { "vertical" }, "x": {"field": name(t, x)}, "y": {"field": name(t, m0)}});
        return Ok(ChartOutput { option: Some(option), spec, transformations: vec![] });
    }
    if measures.len() >= 2 {
        let (a, b) = (measures[0], measures[1]);
        let option = json!({
            "title": title, "tooltip": {"trigger": "item"},
            "dataset": {"source": source(t, &[a, b], &all)},
            "xAxis": {"type": "value", "name": name(t, a), "scale": true},
            "yAxis": {"type": "value", "name": name(t, b), "scale": true},
            "grid": {"containLabel": true, "left": 16, "right": 24, "bottom": 16, "top": 48},
            "series": [{"type": "scatter", "encode": {"x": name(t, a), "y": name(t, b)}, "symbolSize": 6}],
        });
        let spec = json!({"type": "scatter", "x": {"field": name(t, a)}, "y": {"field": name(t, b)}});
        return Ok(ChartOutput { option: Some(option), spec, transformations: vec![] });
    }
    Ok(ChartOutput { option: None, spec: json!({"type": "table", "reason": "The result has no numeric column to plot against a category or a date."}), transformations: vec![] })
}

#[cfg(test)]
mod tests;
