//! Chart choice and the ECharts 6 option, from the result's shape and column types (and the
//! question's intent when there is one). Owns: which chart, the option (`dataset.source` +
//! `series[].encode`), the neutral `chartSpec`, and the reductions that keep big results
//! drawable. Never panics on user data and never fails on a result it cannot chart: that is
//! `chart: null` with a reason. Same table in, same option out.
//!
//! # Rules adopted (first match wins)
//!
//! Columns are first given roles ([`fields`]): *temporal* (date/datetime, ISO text, integer
//! `year`), *cyclic* (month of year, day of week, hour of day: from the intent's `timeUnit`, the
//! column name with values in range, or month/day names), *category* (text, booleans, ids),
//! *ordinal* (times of day; a leading integer key of distinct values), *bin*, *measure*.
//!
//! 0. **The user asked** (`intent.chart`): honoured when the data fits the chart (line/area need a
//!    time or ordered column, pie a category and non-negative values, scatter two measures,
//!    histogram a bin or one raw measure, table always); otherwise the automatic choice is made
//!    and a `CHART_HINT_IGNORED` warning says why. (Vanna and every NL-to-chart tool put the
//!    explicit request first.)
//! 1. **One row with measures → KPI** (no axis chart): Metabase's `scalar` (1 aggregation, no
//!    breakout) and AVA's `aggregation-single-row`.
//! 2. **No measure → table**, `chart: null` with the reason (Metabase: no aggregation → table).
//! 3. **Time + measures → line** on a `time` axis; several measures → several lines; time +
//!    category + measure → one line per category (at most 10: Draco's
//!    `high_cardinality_nominal_color` > 10). Metabase: date breakout → line; CompassQL ranks
//!    line first for temporal × quantitative; AVA `line-field-time-ordinal`.
//!    **Except a ranking** (the intent sorts by a measure and keeps the first N: "top 5 months
//!    by total precipitation") **→ bars in the order returned** (the rank), with the periods as
//!    labels at the precision of their time unit ("Dec 2015"), never a line: a line through the
//!    five wettest months in date order would draw a trend that is not there. Bars of cycles
//!    and ordinal keys in a ranking keep the rank order too.
//! 4. **Cyclic extraction (day of week, month of year, hour) + measure → vertical bars in the
//!    cycle's order** (Metabase: `isTemporalExtraction` → bar). Ordinal keys also keep their
//!    order.
//! 5. **Bin + measure → histogram** (Metabase: binned breakout → bar); **one measure alone over
//!    many rows → histogram** of its values (Sturges' bin count, recorded as a transformation).
//! 6. **Category + one measure → bar**, sorted by value, largest first (unless the question asked
//!    for an order), **horizontal when more than 12 bars or a label is longer than 12
//!    characters** (Draco `high_cardinality_nominal` > 12; AVA `landscape-or-portrait`). **Pie
//!    (donut) only for a share of a whole** (the measure is a share/percent, or `calc: share`)
//!    **with 2–6 slices** (AVA `series-qty-limit` for pies is 6; Metabase never defaults to pie).
//!    Value axes of bars start at zero (Draco hard rule `bar_area_without_zero`, AVA
//!    `bar-without-axis-min`).
//! 7. **Category + two or more measures**: when the category repeats (raw rows) or there are
//!    more than 30 rows → **scatter** of the first two measures, coloured by the category when it
//!    has ≤ 10 values; else **grouped bars**, one per measure (Vanna: ≥ 2 numeric columns →
//!    scatter; Metabase: several aggregations + one breakout → bar).
//! 8. **Two dimensions + measure**: with a time → lines per category (rule 3). Otherwise the
//!    dimension with more values is the x axis; **the other as series when it has ≤ 6 values:
//!    stacked bars when the measure adds up (sum/count), grouped bars otherwise; more than 6 →
//!    heatmap** (AVA `limit-series`: heatmap when the second field has > 6 values).
//! 9. **Two or more measures, no dimension → scatter** of the first two (Vanna's fallback;
//!    CompassQL ranks point first for Q × Q).
//! 10. **Three or more dimensions → table** with the reason.
//!
//! # Large results (each recorded as a transformation and a `CHART_DATA_REDUCED` warning)
//! Lines over more than 2,000 points are downsampled with LTTB to 2,000 ([`reduce::lttb`]);
//! more than 30 categories become the top 29 + "Other" (the rest summed when the measure adds
//! up; otherwise the top 30 are shown and the rest left out; Draco `high_cardinality_ordinal` >
//! 30); scatters over 5,000 points are sampled to 5,000 (deterministic, extremes kept);
//! duplicate x values in raw rows are summed (or averaged when the measure does not add up).
//!
//! # The option
//! `dataset.source` (header row first) + `series[].encode` by dimension name; axis types
//! `category`/`time`/`value`; title from the question (else from the columns); axis names
//! with units (%, currency symbols the column names); axis label templates for percentages and
//! currency (ECharts adds thousands separators itself); tooltip `axis` for bar/line, `item`
//! for scatter/pie/heatmap; legend when there are several series; `grid` margins (ECharts 6
//! keeps labels inside the container, so no deprecated `containLabel`); `dataZoom` when a
//! line has more than 100 points or an ordered bar axis more than 30. Several measures share a
//! value axis only when they are shown in the same kind of unit (plain, percent, one currency)
//! and their largest values are within 10× of each other: two groups get a second value axis
//! (right; top for horizontal bars), three or more one panel (grid) each over the shared
//! category/time axis; `chartSpec.measures[].axis` says which (a transformation records it).

#![warn(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod fields;
pub mod format;
pub mod hash;
pub mod reduce;
mod render;

use serde::Serialize;
use serde_json::{json, Value};

use crate::error::Result;
use crate::question::Intent;
use crate::sql::Transformation;
use crate::table::RowTable;
use fields::{Field, Role};

pub use fields::Role as FieldRole;

/// Lines with more points are downsampled (LTTB) to this many.
pub const LINE_MAX_POINTS: usize = 2_000;
/// Bar/pie category cap: above it, top (cap − 1) + "Other".
pub const MAX_CATEGORIES: usize = 30;
/// Scatters with more points are sampled to this many.
pub const SCATTER_MAX_POINTS: usize = 5_000;
/// Most colours (series) drawn for one categorical field.
pub const MAX_SERIES: usize = 10;
/// Most series in grouped/stacked bars before a heatmap is used.
pub const MAX_BAR_GROUPS: usize = 6;
/// Most slices in a pie chosen automatically.
pub const MAX_PIE_SLICES: usize = 6;
/// Heatmap axis cap (each axis).
pub const HEATMAP_MAX: usize = 50;

/// A note for the caller: a reduction of the data or an ignored request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChartWarning {
    /// `CHART_DATA_REDUCED` or `CHART_HINT_IGNORED`.
    pub code: &'static str,
    pub message: String,
}

/// The chart stage's output: the ECharts option (None for KPI/table), a neutral spec, what was
/// done to the data for the chart, and warnings worth showing.
#[derive(Debug, Clone)]
pub struct ChartOutput {
    pub option: Option<Value>,
    pub spec: Value,
    pub transformations: Vec<Transformation>,
    pub warnings: Vec<ChartWarning>,
}

/// Kept for callers that only need a column's coarse role from its type.
pub fn role(kind: &str) -> Role {
    match kind {
        "date" | "datetime" => Role::Temporal,
        "integer" | "number" | "decimal" => Role::Measure,
        "string" | "boolean" => Role::Category,
        _ => Role::Other,
    }
}

/// The chosen chart, by column index.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Plan {
    Kpi,
    Table(String),
    Line { x: usize, ys: Vec<usize>, by: Option<usize>, area: bool },
    Bar { x: usize, ys: Vec<usize> },
    Grouped { x: usize, by: usize, y: usize, stacked: bool },
    Heatmap { x: usize, y: usize, value: usize },
    Pie { x: usize, y: usize },
    Scatter { x: usize, y: usize, color: Option<usize>, label: Option<usize> },
    /// A binned dimension with its measure, or one raw measure binned here.
    Histogram { bin: Option<usize>, y: usize },
}

fn hint_of(intent: Option<&Intent>) -> Option<String> {
    fields::intent_json(intent).get("chart").and_then(Value::as_str).map(str::to_string)
}

fn is_ordered(r: Role) -> bool {
    matches!(r, Role::Temporal | Role::Cyclic(_) | Role::Ordinal | Role::Bin)
}

fn non_negative(t: &RowTable, c: usize) -> bool {
    t.numbers(c).iter().flatten().all(|v| *v >= 0.0)
}

fn non_null_rows(t: &RowTable, c: usize) -> usize {
    (0..t.row_count).filter(|&r| !matches!(t.cell(r, c), Some(crate::table::Cell::Null) | None)).count()
}

/// The chart the rules pick (see the module doc), plus a warning when a request was not met.
pub(crate) fn choose(t: &RowTable, fs: &[Field], hint: Option<&str>) -> (Plan, Option<String>) {
    let dims: Vec<&Field> = fs.iter().filter(|f| f.role.is_dimension()).collect();
    let measures: Vec<&Field> = fs.iter().filter(|f| f.role == Role::Measure).collect();
    if t.row_count == 0 {
        return (Plan::Table("The result has no rows.".into()), None);
    }
    if hint == Some("table") {
        return (Plan::Table("You asked for a table.".into()), None);
    }
    if t.row_count == 1 && !measures.is_empty() {
        let warn = hint.map(|h| format!("A {h} chart needs more than one row; showing the single value instead."));
        return (Plan::Kpi, warn);
    }
    let mut warning = None;
    if let Some(h) = hint {
        match from_hint(t, h, &dims, &measures) {
            Ok(plan) => return (plan, None),
            Err(why) => warning = Some(why),
        }
    }
    (auto(t, &dims, &measures), warning)
}

fn from_hint(t: &RowTable, hint: &str, dims: &[&Field], measures: &[&Field]) -> std::result::Result<Plan, String> {
    let m0 = measures.first().map(|m| m.index);
    let ms: Vec<usize> = measures.iter().map(|m| m.index).collect();
    match hint {
        "line" | "area" => {
            let x = dims.iter().find(|d| d.role == Role::Temporal).or_else(|| dims.iter().find(|d| is_ordered(d.role)));
            match (x, m0) {
                (Some(x), Some(_)) => {
                    let by = dims.iter().find(|d| d.index != x.index).map(|d| d.index);
                    let ys = if by.is_some() { ms.into_iter().take(1).collect() } else { ms };
                    Ok(Plan::Line { x: x.index, ys, by, area: hint == "area" })
                }
                _ => Err(format!("A {hint} chart needs a date or an ordered column and a number; the result has none, so another chart was chosen.")),
            }
        }
        "bar" => match (dims, m0) {
            ([d], Some(_)) => Ok(Plan::Bar { x: d.index, ys: ms }),
            ([a, b, ..], Some(m)) => {
                let (x, by) = if b.distinct > a.distinct { (b, a) } else { (a, b) };
                Ok(Plan::Grouped { x: x.index, by: by.index, y: m, stacked: measures.first().is_some_and(|f| f.additive) && non_negative(t, m) })
            }
            _ => Err("A bar chart needs a column to group by and a number; the result has none, so another chart was chosen.".into()),
        },
        "pie" => {
            let d = dims.iter().find(|d| matches!(d.role, Role::Category | Role::Cyclic(_) | Role::Ordinal | Role::Bin));
            match (d, m0) {
                (Some(d), Some(m)) if non_negative(t, m) => Ok(Plan::Pie { x: d.index, y: m }),
                (Some(_), Some(_)) => Err("A pie chart needs values that are not negative; another chart was chosen.".into()),
                _ => Err("A pie chart needs a category and a number; the result has none, so another chart was chosen.".into()),
            }
        }
        "scatter" => match measures {
            [a, b, ..] => {
                let color = dims.iter().find(|d| d.role == Role::Category && d.distinct <= MAX_SERIES).map(|d| d.index);
                Ok(Plan::Scatter { x: a.index, y: b.index, color, label: None })
            }
            _ => Err("A scatter plot needs two numeric columns; another chart was chosen.".into()),
        },
        "histogram" => {
            if let (Some(b), Some(m)) = (dims.iter().find(|d| matches!(d.role, Role::Bin | Role::Ordinal)), m0) {
                Ok(Plan::Histogram { bin: Some(b.index), y: m })
            } else if let (true, Some(m)) = (dims.is_empty(), m0) {
                Ok(Plan::Histogram { bin: None, y: m })
            } else {
                Err("A histogram needs a binned column or a single numeric column; another chart was chosen.".into())
            }
        }
        other => Err(format!("The chart type '{other}' is not supported; another chart was chosen.")),
    }
}

fn auto(t: &RowTable, dims: &[&Field], measures: &[&Field]) -> Plan {
    let ms: Vec<usize> = measures.iter().map(|m| m.index).collect();
    let (Some(m0), m1) = (measures.first(), measures.get(1)) else {
        return Plan::Table("The result has no numeric column to plot.".into());
    };
    match dims {
        [] => match m1 {
            Some(m1) => Plan::Scatter { x: m0.index, y: m1.index, color: None, label: None },
            None => Plan::Histogram { bin: None, y: m0.index },
        },
        [d] => match d.role {
            Role::Temporal => Plan::Line { x: d.index, ys: ms, by: None, area: false },
            Role::Bin if m1.is_none() => Plan::Histogram { bin: Some(d.index), y: m0.index },
            Role::Category => {
                let repeats = d.distinct < non_null_rows(t, d.index);
                match m1 {
                    Some(m1) if repeats || t.row_count > MAX_CATEGORIES => Plan::Scatter {
                        x: m0.index,
                        y: m1.index,
                        color: (repeats && d.distinct <= MAX_SERIES).then_some(d.index),
                        label: (!repeats).then_some(d.index),
                    },
                    None if is_share(m0) && !repeats && (2..=MAX_PIE_SLICES).contains(&d.distinct) && non_negative(t, m0.index) => Plan::Pie { x: d.index, y: m0.index },
                    _ => Plan::Bar { x: d.index, ys: ms },
                }
            }
            _ => Plan::Bar { x: d.index, ys: ms },
        },
        [a, b] => {
            let time = [a, b].into_iter().find(|d| d.role == Role::Temporal);
            if let Some(time) = time {
                let other = if time.index == a.index { b } else { a };
                return Plan::Line { x: time.index, ys: vec![m0.index], by: Some(other.index), area: false };
            }
            let (x, by) = match (is_ordered(a.role), is_ordered(b.role)) {
                (true, false) => (a, b),
                (false, true) => (b, a),
                _ if b.distinct > a.distinct => (b, a),
                _ => (a, b),
            };
            if by.distinct <= MAX_BAR_GROUPS {
                Plan::Grouped { x: x.index, by: by.index, y: m0.index, stacked: m0.additive && non_negative(t, m0.index) }
            } else {
                Plan::Heatmap { x: x.index, y: by.index, value: m0.index }
            }
        }
        _ => Plan::Table(format!(
            "The result groups by {} columns; a chart shows at most two. Ask for fewer groupings to get a chart.",
            dims.len()
        )),
    }
}

/// A measure that is a share of a whole (for pies).
fn is_share(m: &Field) -> bool {
    matches!(m.format, fields::NumFormat::Percent { .. }) && m.additive
}

/// The chart for `t`: option, spec, transformations, warnings. `title` is the question (or
/// None: a title is made from the columns).
pub fn build(t: &RowTable, title: Option<&str>, intent: Option<&Intent>) -> Result<ChartOutput> {
    let fs = fields::analyze(t, intent);
    let hint = hint_of(intent);
    let (mut plan, hint_warning) = choose(t, &fs, hint.as_deref());
    let keep_order = fields::intent_json(intent).get("sort").is_some_and(|s| !s.is_null());
    // a top-N over time periods is a ranking, not a trend (rule 3's exception)
    let ranked = fields::ranking(intent, &fs).is_some();
    if ranked && hint.is_none() {
        if let Plan::Line { x, ys, by: None, .. } = &plan {
            plan = Plan::Bar { x: *x, ys: ys.clone() };
        }
    }
    let mut out = render::render(t, &fs, &plan, title, keep_order, ranked);
    if let Some(w) = hint_warning {
        out.warnings.insert(0, ChartWarning { code: "CHART_HINT_IGNORED", message: w });
    }
    if let Some(obj) = out.spec.as_object_mut() {
        if let Some(h) = hint {
            obj.insert("requested".into(), json!(h));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
