//! The ECharts 6 option and the neutral spec for a chosen [`Plan`]: grouping, ordering and
//! reductions, then `dataset.source` + `series[].encode`.

use std::borrow::Cow;
use std::collections::HashMap;

use serde_json::{json, Map, Value};

use super::hash::FastMap;

use super::fields::{self, Cycle, Field, NumFormat, Role};
use super::format::{axis_template, capitalize, fmt_num, humanize, unit_suffix};
use super::reduce;
use super::{ChartOutput, ChartWarning, Plan, HEATMAP_MAX, LINE_MAX_POINTS, MAX_CATEGORIES, MAX_SERIES, SCATTER_MAX_POINTS};
use crate::sql::Transformation;
use crate::table::{Cell, RowTable};

/// Transformations and warnings collected while rendering.
#[derive(Default)]
struct Notes {
    transformations: Vec<Transformation>,
    warnings: Vec<ChartWarning>,
}

impl Notes {
    /// A change of the data that the reader should know about (also a warning).
    fn reduced(&mut self, rule: &str, detail: String) {
        self.warnings.push(ChartWarning { code: "CHART_DATA_REDUCED", message: detail.clone() });
        self.transformations.push(Transformation { rule: rule.into(), detail });
    }

    /// A presentational change (no warning).
    fn note(&mut self, rule: &str, detail: String) {
        self.transformations.push(Transformation { rule: rule.into(), detail });
    }
}

fn field(fs: &[Field], c: usize) -> Option<&Field> {
    fs.iter().find(|f| f.index == c)
}

fn name_of(fs: &[Field], c: usize) -> String {
    field(fs, c).map(|f| f.name.clone()).unwrap_or_default()
}

fn fmt_of(fs: &[Field], c: usize) -> NumFormat {
    field(fs, c).map(|f| f.format.clone()).unwrap_or(NumFormat::Plain)
}

fn additive(fs: &[Field], c: usize) -> bool {
    field(fs, c).is_some_and(|f| f.additive)
}

/// A number as JSON: integers without ".0", null for missing / non-finite.
pub fn num(v: Option<f64>) -> Value {
    match v {
        Some(v) if v.is_finite() => {
            if v.fract() == 0.0 && v.abs() < 9.007e15 {
                json!(v as i64)
            } else {
                serde_json::Number::from_f64(v).map(Value::Number).unwrap_or(Value::Null)
            }
        }
        _ => Value::Null,
    }
}

/// Display value for a measure: percentages stored as fractions are shown ×100.
fn shown(v: Option<f64>, f: &NumFormat) -> Option<f64> {
    match f {
        NumFormat::Percent { fraction: true } => v.map(|x| (x * 100.0 * 1e9).round() / 1e9),
        _ => v,
    }
}

/// Axis name with its unit ("Worldwide_Gross ($)", "share (%)").
fn axis_name(fs: &[Field], c: usize) -> String {
    let n = name_of(fs, c);
    match unit_suffix(&n, &fmt_of(fs, c)) {
        Some(u) => format!("{n} ({u})"),
        None => n,
    }
}

/// Header names made unique (ECharts dimensions are addressed by name).
fn unique_names(names: Vec<String>) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    names
        .into_iter()
        .map(|n| {
            let n = if n.is_empty() { "(empty)".to_string() } else { n };
            let k = seen.entry(n.clone()).or_insert(0);
            *k += 1;
            if *k == 1 {
                n
            } else {
                format!("{n} ({k})")
            }
        })
        .collect()
}

/// The neutral encoding of a column: `{field, type, aggregate?, timeUnit?, bin?, format?}`.
fn enc(fs: &[Field], c: usize) -> Value {
    let Some(f) = field(fs, c) else { return Value::Null };
    let kind = match f.role {
        Role::Temporal => "temporal",
        Role::Cyclic(_) | Role::Ordinal | Role::Bin => "ordinal",
        Role::Category | Role::Other => "nominal",
        Role::Measure => "quantitative",
    };
    let mut m = Map::new();
    m.insert("field".into(), json!(f.name));
    m.insert("type".into(), json!(kind));
    if let Some(a) = &f.aggregate {
        m.insert("aggregate".into(), json!(a));
    }
    if let Some(u) = &f.time_unit {
        m.insert("timeUnit".into(), json!(u));
    } else if let Role::Cyclic(cy) = f.role {
        let u = match cy {
            Cycle::MonthOfYear => "month_of_year",
            Cycle::DayOfWeek => "day_of_week",
            Cycle::HourOfDay => "hour_of_day",
            Cycle::QuarterOfYear => "quarter_of_year",
        };
        m.insert("timeUnit".into(), json!(u));
    }
    if let Some(b) = f.bin {
        m.insert("bin".into(), json!({"step": b}));
    } else if f.role == Role::Bin {
        m.insert("bin".into(), json!(true));
    }
    if f.role == Role::Measure {
        let fmt = match &f.format {
            NumFormat::Plain => json!({"type": "number"}),
            NumFormat::Percent { fraction } => json!({"type": "percent", "fraction": fraction}),
            NumFormat::Currency { symbol } => json!({"type": "currency", "symbol": symbol}),
        };
        m.insert("format".into(), fmt);
    }
    Value::Object(m)
}

fn title_json(text: &str) -> Value {
    json!({"text": text, "left": "center", "top": 4, "textStyle": {"fontSize": 14, "fontWeight": 600}})
}

fn grid(legend: bool, zoom: bool) -> Value {
    json!({"left": 24, "right": 40, "top": if legend { 80 } else { 60 }, "bottom": if zoom { 80 } else { 44 }})
}

fn value_axis(fs: &[Field], c: usize, zero: bool) -> Value {
    let mut a = json!({"type": "value", "name": axis_name(fs, c), "nameTextStyle": {"align": "left"}, "splitLine": {"show": true}});
    if zero {
        a["min"] = json!(0);
    } else {
        a["scale"] = json!(true);
    }
    if let Some(tpl) = axis_template(&fmt_of(fs, c)) {
        a["axisLabel"] = json!({"formatter": tpl});
    }
    a
}

fn zoom(axis: &str) -> Value {
    let key = if axis == "x" { "xAxisIndex" } else { "yAxisIndex" };
    json!([{"type": "inside", key: 0}, {"type": "slider", key: 0, "bottom": 8, "height": 18}])
}

/// The kind of unit a measure is shown in: measures of different kinds never share an axis.
fn unit_class(f: &NumFormat) -> String {
    match f {
        NumFormat::Plain => "plain".into(),
        NumFormat::Percent { .. } => "percent".into(),
        NumFormat::Currency { symbol } => format!("currency {}", symbol.as_deref().unwrap_or("")),
    }
}

/// The value axis of each measure (by position in `ys`): measures share an axis when they are
/// shown in the same kind of unit and their largest absolute values are within 10× of the
/// axis' first measure; otherwise one would be drawn flat against the other's scale.
fn axis_groups(fs: &[Field], ys: &[usize], values: &[Vec<Option<f64>>]) -> Vec<usize> {
    let mut groups: Vec<(String, f64)> = Vec::new();
    let mut out = Vec::with_capacity(ys.len());
    for (i, m) in ys.iter().enumerate() {
        let f = fmt_of(fs, *m);
        let a = values.get(i).map(|v| v.iter().flatten().map(|x| shown(Some(*x), &f).unwrap_or(0.0).abs()).filter(|x| x.is_finite()).fold(0.0f64, f64::max)).unwrap_or(0.0);
        let class = unit_class(&f);
        let near = |b: f64| a == 0.0 || b == 0.0 || a.max(b) / a.min(b) <= 10.0;
        match groups.iter().position(|(c, b)| *c == class && near(*b)) {
            Some(g) => out.push(g),
            None => {
                groups.push((class, a));
                out.push(groups.len() - 1);
            }
        }
    }
    out
}

/// A measure's encoding with its value axis (`axis`: 0, 1, …) when the measures do not share one.
fn with_axis(mut e: Value, axes: Option<&[usize]>, i: usize) -> Value {
    if let (Some(o), Some(g)) = (e.as_object_mut(), axes.and_then(|a| a.get(i))) {
        o.insert("axis".into(), json!(g));
    }
    e
}

/// Gives measures of different units or magnitudes their own value axis: two groups → a
/// second value axis (right, or top for horizontal bars); three or more → one grid per group,
/// sharing the category/time axis. Returns the axis of each measure for the spec (None when
/// all share one). `axis_groups` decides the groups.
fn split_value_axes(option: &mut Value, fs: &[Field], ys: &[usize], groups: &[usize], horizontal: bool, notes: &mut Notes) -> Option<Vec<usize>> {
    let n = groups.iter().copied().max().map_or(1, |g| g + 1);
    if n < 2 {
        return None;
    }
    let (vkey, ckey) = if horizontal { ("xAxis", "yAxis") } else { ("yAxis", "xAxis") };
    let base = option.get(vkey).cloned().unwrap_or(Value::Null);
    let axis_of = |g: usize| {
        let members: Vec<usize> = ys.iter().zip(groups).filter(|(_, gg)| **gg == g).map(|(m, _)| *m).collect();
        let mut a = base.clone();
        let Some(first) = members.first().copied() else { return a };
        if let Some(o) = a.as_object_mut() {
            o.insert("name".into(), json!(if members.len() == 1 { axis_name(fs, first) } else { String::new() }));
            match axis_template(&fmt_of(fs, first)) {
                Some(tpl) => {
                    o.insert("axisLabel".into(), json!({"formatter": tpl}));
                }
                None => {
                    o.remove("axisLabel");
                }
            }
        }
        a
    };
    let names: Vec<String> = ys.iter().map(|m| name_of(fs, *m)).collect();
    if n == 2 {
        let mut second = axis_of(1);
        if let Some(o) = second.as_object_mut() {
            o.insert("position".into(), json!(if horizontal { "top" } else { "right" }));
            o.insert("splitLine".into(), json!({"show": false}));
            o.insert("alignTicks".into(), json!(true));
            if !horizontal {
                o.insert("nameTextStyle".into(), json!({"align": "right"}));
            }
        }
        if let Some(series) = option.get_mut("series").and_then(Value::as_array_mut) {
            for (s, g) in series.iter_mut().zip(groups) {
                if let Some(o) = s.as_object_mut() {
                    o.insert(format!("{vkey}Index"), json!(g));
                }
            }
        }
        if let Some(o) = option.as_object_mut() {
            o.insert(vkey.into(), json!([axis_of(0), second]));
        }
        notes.note("second_value_axis", format!("{} {} on a second axis: its unit or size differs from {}.", names.iter().zip(groups).filter(|(_, g)| **g == 1).map(|(n, _)| n.clone()).collect::<Vec<_>>().join(", "), if groups.iter().filter(|g| **g == 1).count() == 1 { "is" } else { "are" }, names.first().cloned().unwrap_or_default()));
        return Some(groups.to_vec());
    }
    // one grid per group, stacked (side by side for horizontal bars), the category axis shared
    let cbase = option.get(ckey).cloned().unwrap_or(Value::Null);
    let zoomed = option.get("dataZoom").is_some();
    let legend = option.get("legend").is_some();
    let (start, end) = if horizontal { (4.0, 96.0) } else { (if legend { 16.0 } else { 12.0 }, if zoomed { 84.0 } else { 92.0 }) };
    let size = (end - start) / n as f64;
    let mut grids = Vec::with_capacity(n);
    let mut vaxes = Vec::with_capacity(n);
    let mut caxes = Vec::with_capacity(n);
    for g in 0..n {
        let from = start + size * g as f64;
        let pct = |x: f64| format!("{:.1}%", x);
        grids.push(if horizontal {
            json!({"left": pct(from), "width": pct(size - 4.0), "top": if legend { 80 } else { 60 }, "bottom": 44})
        } else {
            json!({"left": 24, "right": 40, "top": pct(from), "height": pct(size - 7.0)})
        });
        let mut v = axis_of(g);
        let mut c = cbase.clone();
        if let (Some(vo), Some(co)) = (v.as_object_mut(), c.as_object_mut()) {
            vo.insert("gridIndex".into(), json!(g));
            co.insert("gridIndex".into(), json!(g));
            // labels of the shared axis once: under the last grid, left of the first
            let labelled = if horizontal { g == 0 } else { g + 1 == n };
            if !labelled {
                co.insert("axisLabel".into(), json!({"show": false}));
                co.insert("name".into(), json!(""));
            }
        }
        vaxes.push(v);
        caxes.push(c);
    }
    if let Some(series) = option.get_mut("series").and_then(Value::as_array_mut) {
        for (s, g) in series.iter_mut().zip(groups) {
            if let Some(o) = s.as_object_mut() {
                o.insert("xAxisIndex".into(), json!(g));
                o.insert("yAxisIndex".into(), json!(g));
            }
        }
    }
    if let Some(o) = option.as_object_mut() {
        o.insert("grid".into(), Value::Array(grids));
        o.insert(vkey.into(), Value::Array(vaxes));
        o.insert(ckey.into(), Value::Array(caxes));
        if let Some(Value::Array(zs)) = o.get_mut("dataZoom") {
            let all: Vec<usize> = (0..n).collect();
            for z in zs.iter_mut().filter_map(Value::as_object_mut) {
                z.remove("yAxisIndex");
                z.insert("xAxisIndex".into(), json!(all));
            }
        }
    }
    notes.note("separate_grids", format!("The measures differ in unit or size, so they are drawn in {n} panels, each with its own value axis."));
    Some(groups.to_vec())
}

/// The text of a dimension cell: cycles by name, everything else as shown in the result.
fn dim_label(t: &RowTable, f: &Field, r: usize, sunday_zero: bool) -> String {
    let cell = t.cell(r, f.index);
    match (f.role, cell) {
        (_, Some(Cell::Null) | None) => "(empty)".into(),
        (Role::Cyclic(cy), Some(Cell::Int(v))) => fields::cycle_label(cy, *v, sunday_zero).unwrap_or_else(|| v.to_string()),
        (Role::Temporal, Some(c)) => fields::period_label(t, f, r).unwrap_or_else(|| match c {
            Cell::Str(s) => s.clone(),
            Cell::Int(v) => v.to_string(),
            other => serde_json::to_string(other).unwrap_or_default(),
        }),
        (_, Some(Cell::Str(s))) => s.clone(),
        (_, Some(Cell::Int(v))) => v.to_string(),
        (_, Some(Cell::Float(v))) => fmt_plain(*v),
        (_, Some(Cell::Bool(b))) => b.to_string(),
        (_, Some(other)) => serde_json::to_string(other).unwrap_or_default(),
    }
}

/// A float as short text without grouping ("2.5", "10").
fn fmt_plain(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// Sort key for an ordered dimension value: cycle position, number, time, else text.
#[derive(Debug, Clone, PartialEq, PartialOrd)]
enum OrderKey {
    Num(f64),
    Text(String),
}

fn order_key(t: &RowTable, f: &Field, r: usize) -> OrderKey {
    let cell = t.cell(r, f.index);
    match (f.role, cell) {
        (Role::Cyclic(cy), Some(Cell::Str(s))) => fields::cycle_rank(cy, s).map(|i| OrderKey::Num(i as f64)).unwrap_or_else(|| OrderKey::Text(s.clone())),
        (Role::Temporal, c) => fields::cell_time_ms(c, true).map(OrderKey::Num).unwrap_or(OrderKey::Num(f64::INFINITY)),
        (_, Some(Cell::Int(v))) => OrderKey::Num(*v as f64),
        (_, Some(Cell::Float(v))) => OrderKey::Num(*v),
        (_, Some(Cell::Str(s))) => s.parse::<f64>().map(OrderKey::Num).unwrap_or_else(|_| OrderKey::Text(s.clone())),
        (_, Some(Cell::Null) | None) => OrderKey::Num(f64::INFINITY),
        (_, Some(other)) => OrderKey::Text(serde_json::to_string(other).unwrap_or_default()),
    }
}

fn cmp_keys(a: &OrderKey, b: &OrderKey) -> std::cmp::Ordering {
    match (a, b) {
        (OrderKey::Num(x), OrderKey::Num(y)) => x.total_cmp(y),
        (OrderKey::Num(_), OrderKey::Text(_)) => std::cmp::Ordering::Less,
        (OrderKey::Text(_), OrderKey::Num(_)) => std::cmp::Ordering::Greater,
        (OrderKey::Text(x), OrderKey::Text(y)) => x.cmp(y),
    }
}

/// Day-of-week numbering: 0 present and 7 absent means 0 = Sunday.
fn sunday_zero(t: &RowTable, f: &Field) -> bool {
    if f.role != Role::Cyclic(Cycle::DayOfWeek) {
        return false;
    }
    let vals: Vec<i64> = (0..t.row_count).filter_map(|r| match t.cell(r, f.index) {
        Some(Cell::Int(v)) => Some(*v),
        _ => None,
    })
    .collect();
    vals.contains(&0) && !vals.contains(&7)
}

/// Rows grouped by a key, in order of first appearance.
struct Groups {
    /// First row of each group.
    first: Vec<usize>,
    /// Group of each row (None: row left out).
    of_row: Vec<Option<usize>>,
}

fn group_by<K: std::hash::Hash + Eq>(keys: impl Iterator<Item = Option<K>>) -> Groups {
    let mut map: FastMap<K, usize> = FastMap::default();
    let mut first = Vec::new();
    let mut of_row = Vec::new();
    for (r, k) in keys.enumerate() {
        let g = k.map(|k| {
            *map.entry(k).or_insert_with(|| {
                first.push(r);
                first.len() - 1
            })
        });
        of_row.push(g);
    }
    Groups { first, of_row }
}

/// Per-group aggregate of a measure: sum when it adds up, else mean. Groups with no value: None.
fn aggregate(groups: &Groups, values: &[Option<f64>], sum: bool) -> Vec<Option<f64>> {
    let n = groups.first.len();
    let mut acc = vec![0.0f64; n];
    let mut cnt = vec![0usize; n];
    for (g, v) in groups.of_row.iter().zip(values) {
        if let (Some(g), Some(v)) = (g, v) {
            if let (Some(a), Some(c)) = (acc.get_mut(*g), cnt.get_mut(*g)) {
                *a += v;
                *c += 1;
            }
        }
    }
    acc.iter().zip(&cnt).map(|(a, c)| if *c == 0 { None } else if sum { Some(*a) } else { Some(a / *c as f64) }).collect()
}

/// The grouping key of every row: the text as shown, borrowed from the table when it is text.
fn label_key<'a>(t: &'a RowTable, f: &Field) -> Vec<Option<Cow<'a, str>>> {
    let sz = sunday_zero(t, f);
    (0..t.row_count)
        .map(|r| {
            Some(match (f.role, t.cell(r, f.index)) {
                (Role::Cyclic(_), _) => Cow::Owned(dim_label(t, f, r, sz)),
                (_, Some(Cell::Str(s))) => Cow::Borrowed(s.as_str()),
                _ => Cow::Owned(dim_label(t, f, r, sz)),
            })
        })
        .collect()
}

/// A key's text (owned), for labels and names.
fn key_text(labels: &[Option<Cow<'_, str>>], r: usize) -> String {
    labels.get(r).and_then(|l| l.as_deref()).unwrap_or_default().to_string()
}

/// `keep_order`: the question asked for an order (rows keep it on a nominal axis); `ranked`:
/// the rows are a top/bottom N, so bars keep the returned (rank) order on any axis.
pub(crate) fn render(t: &RowTable, fs: &[Field], plan: &Plan, title: Option<&str>, keep_order: bool, ranked: bool) -> ChartOutput {
    let mut notes = Notes::default();
    let (option, spec) = match plan {
        Plan::Kpi => (None, kpi(t, fs)),
        Plan::Table(reason) => (None, json!({"type": "table", "reason": reason})),
        Plan::Line { x, ys, by, area } => line(t, fs, *x, ys, *by, *area, title, &mut notes),
        Plan::Bar { x, ys } => bar(t, fs, *x, ys, title, keep_order, ranked, &mut notes),
        Plan::Grouped { x, by, y, stacked } => grouped(t, fs, *x, *by, *y, *stacked, title, keep_order, &mut notes),
        Plan::Heatmap { x, y, value } => heatmap(t, fs, *x, *y, *value, title, &mut notes),
        Plan::Pie { x, y } => pie(t, fs, *x, *y, title, &mut notes),
        Plan::Scatter { x, y, color, label } => scatter(t, fs, *x, *y, *color, *label, title, &mut notes),
        Plan::Histogram { bin, y } => histogram(t, fs, *bin, *y, title, &mut notes),
    };
    ChartOutput { option, spec, transformations: notes.transformations, warnings: notes.warnings }
}

fn kpi(t: &RowTable, fs: &[Field]) -> Value {
    let values: Vec<Value> = fs
        .iter()
        .filter(|f| f.role == Role::Measure)
        .map(|f| {
            let v = t.numbers(f.index).first().copied().flatten();
            json!({"field": f.name, "value": num(v), "text": v.map(|v| super::format::fmt_value(v, &f.format)), "format": enc(fs, f.index).get("format").cloned()})
        })
        .collect();
    let labels: Vec<Value> = fs.iter().filter(|f| f.role.is_dimension()).map(|f| json!({"field": f.name, "value": dim_label(t, f, 0, sunday_zero(t, f))})).collect();
    let first = fs.iter().find(|f| f.role == Role::Measure).map(|f| enc(fs, f.index)).unwrap_or(Value::Null);
    let mut spec = json!({"type": "kpi", "y": first, "values": values});
    if !labels.is_empty() {
        spec["labels"] = Value::Array(labels);
    }
    if let Some(v) = spec.pointer("/values/0/value").cloned() {
        spec["value"] = v;
    }
    spec
}

#[allow(clippy::too_many_arguments)]
fn line(t: &RowTable, fs: &[Field], x: usize, ys: &[usize], by: Option<usize>, area: bool, title: Option<&str>, notes: &mut Notes) -> (Option<Value>, Value) {
    let Some(xf) = field(fs, x) else { return (None, json!({"type": "table", "reason": "No x column."})) };
    let temporal = xf.role == Role::Temporal;
    let int_years = t.columns.get(x).is_some_and(|c| c.kind == "integer");
    // x keys: time in ms (temporal) or label text (ordered)
    let times: Vec<Option<f64>> = if temporal { (0..t.row_count).map(|r| fields::cell_time_ms(t.cell(r, x), int_years)).collect() } else { Vec::new() };
    let groups = if temporal {
        group_by(times.iter().map(|v| v.map(f64::to_bits)))
    } else {
        group_by(label_key(t, xf).into_iter())
    };
    let dropped = groups.of_row.iter().filter(|g| g.is_none()).count();
    if dropped > 0 {
        notes.reduced("drop_missing_x", format!("Left out {dropped} rows with no {} value.", xf.name));
    }
    let ngroups = groups.first.len();
    // series: (name, values per group)
    let mut series: Vec<(String, Vec<Option<f64>>, usize)> = Vec::new();
    if let Some(by) = by.and_then(|b| field(fs, b)) {
        let m = ys.first().copied().unwrap_or(0);
        let sum = additive(fs, m);
        let vals = t.numbers(m);
        let labels = label_key(t, by);
        let sgroups = group_by(labels.iter().map(|l| l.as_deref()));
        let mut totals = vec![0.0f64; sgroups.first.len()];
        for (g, v) in sgroups.of_row.iter().zip(&vals) {
            if let (Some(g), Some(v)) = (g, v) {
                if let Some(tot) = totals.get_mut(*g) {
                    *tot += v.abs();
                }
            }
        }
        let (mut keep, rest) = reduce::top_n(&totals, MAX_SERIES);
        if !rest.is_empty() {
            notes.reduced("top_series", format!("Showing the {MAX_SERIES} {} values with the largest totals as lines; {} more are left out.", by.name, rest.len()));
        }
        // keep series in label order for a stable legend
        keep.sort_by(|a, b| {
            let la = sgroups.first.get(*a).map(|r| key_text(&labels, *r)).unwrap_or_default();
            let lb = sgroups.first.get(*b).map(|r| key_text(&labels, *r)).unwrap_or_default();
            la.cmp(&lb)
        });
        for s in keep {
            let members: Vec<Option<f64>> = sgroups.of_row.iter().zip(&vals).map(|(g, v)| if *g == Some(s) { *v } else { None }).collect();
            let agg = aggregate(&groups, &members, sum);
            let name = sgroups.first.get(s).map(|r| key_text(&labels, *r)).unwrap_or_default();
            series.push((name, agg, m));
        }
    } else {
        let dup = ngroups < t.row_count - dropped;
        for &m in ys {
            let sum = additive(fs, m);
            let agg = aggregate(&groups, &t.numbers(m), sum);
            series.push((name_of(fs, m), agg, m));
        }
        if dup {
            let how = if ys.iter().all(|m| additive(fs, *m)) { "summed" } else { "summed or averaged" };
            notes.reduced("aggregate_duplicates", format!("Several rows share the same {} value; they were {how} into one point each ({ngroups} points).", xf.name));
        }
    }
    // order of groups along x
    let mut order: Vec<usize> = (0..ngroups).collect();
    if temporal {
        order.sort_by(|a, b| {
            let ta = groups.first.get(*a).and_then(|r| times.get(*r).copied().flatten()).unwrap_or(f64::INFINITY);
            let tb = groups.first.get(*b).and_then(|r| times.get(*r).copied().flatten()).unwrap_or(f64::INFINITY);
            ta.total_cmp(&tb)
        });
    } else {
        let keys: Vec<OrderKey> = groups.first.iter().map(|r| order_key(t, xf, *r)).collect();
        order.sort_by(|a, b| match (keys.get(*a), keys.get(*b)) {
            (Some(x), Some(y)) => cmp_keys(x, y),
            _ => std::cmp::Ordering::Equal,
        });
    }
    // LTTB over long lines: union of the points each series keeps
    if order.len() > LINE_MAX_POINTS {
        let before = order.len();
        let xs: Vec<f64> = order.iter().enumerate().map(|(i, g)| if temporal { groups.first.get(*g).and_then(|r| times.get(*r).copied().flatten()).unwrap_or(i as f64) } else { i as f64 }).collect();
        let per = (LINE_MAX_POINTS / series.len().max(1)).max(3);
        let mut keep = std::collections::BTreeSet::new();
        for (_, vals, _) in &series {
            let pts: Vec<(usize, f64, f64)> = order.iter().enumerate().filter_map(|(i, g)| vals.get(*g).copied().flatten().and_then(|v| xs.get(i).map(|x| (i, *x, v)))).collect();
            let px: Vec<f64> = pts.iter().map(|p| p.1).collect();
            let py: Vec<f64> = pts.iter().map(|p| p.2).collect();
            for k in reduce::lttb(&px, &py, per) {
                if let Some(p) = pts.get(k) {
                    keep.insert(p.0);
                }
            }
        }
        order = keep.into_iter().filter_map(|i| order.get(i).copied()).collect();
        notes.reduced("lttb", format!("The line had {before} points; it was downsampled to {} with LTTB (largest-triangle-three-buckets), which keeps peaks and dips.", order.len()));
    }
    let xname = name_of(fs, x);
    let header = unique_names(std::iter::once(xname.clone()).chain(series.iter().map(|s| s.0.clone())).collect());
    let mut rows = Vec::with_capacity(order.len() + 1);
    rows.push(json!(header));
    for g in &order {
        let Some(&r) = groups.first.get(*g) else { continue };
        let xv = if temporal {
            match t.cell(r, x) {
                Some(Cell::Int(y)) => json!(format!("{y:04}")),
                Some(Cell::Str(s)) => json!(s),
                _ => Value::Null,
            }
        } else {
            json!(dim_label(t, xf, r, sunday_zero(t, xf)))
        };
        let mut row = vec![xv];
        for (_, vals, m) in &series {
            row.push(num(shown(vals.get(*g).copied().flatten(), &fmt_of(fs, *m))));
        }
        rows.push(Value::Array(row));
    }
    let n = order.len();
    let many = series.len() > 1;
    let y0 = ys.first().copied().unwrap_or(0);
    let series_json: Vec<Value> = series
        .iter()
        .zip(header.iter().skip(1))
        .map(|((name, _, _), dim)| {
            let mut s = json!({"type": "line", "name": name, "encode": {"x": header.first(), "y": dim}, "showSymbol": n <= 60, "connectNulls": false});
            if area {
                s["areaStyle"] = json!({"opacity": 0.25});
            }
            s
        })
        .collect();
    let mut yaxis = value_axis(fs, y0, false);
    if by.is_none() && ys.len() > 1 {
        yaxis["name"] = json!("");
    }
    let zoomed = n > 100;
    let text = title.map(str::to_string).unwrap_or_else(|| match by {
        Some(b) => format!("{} over {} by {}", capitalize(&humanize(&name_of(fs, y0))), humanize(&xname), humanize(&name_of(fs, b))),
        None => format!("{} over {}", capitalize(&humanize(&name_of(fs, y0))), humanize(&xname)),
    });
    let mut option = json!({
        "title": title_json(&text),
        "tooltip": {"trigger": "axis"},
        "dataset": {"source": rows},
        "xAxis": {"type": if temporal { "time" } else { "category" }, "name": xname, "nameLocation": "middle", "nameGap": 28},
        "yAxis": yaxis,
        "grid": grid(many, zoomed),
        "series": series_json,
    });
    if many {
        option["legend"] = json!({"type": "scroll", "top": 28});
    }
    if zoomed {
        option["dataZoom"] = zoom("x");
    }
    let mut spec = json!({"type": if area { "area" } else { "line" }, "x": enc(fs, x), "y": enc(fs, y0)});
    if let Some(b) = by {
        spec["series"] = enc(fs, b);
    } else if ys.len() > 1 {
        let drawn: Vec<Vec<Option<f64>>> = series.iter().map(|(_, v, _)| order.iter().map(|g| v.get(*g).copied().flatten()).collect()).collect();
        let axes = split_value_axes(&mut option, fs, ys, &axis_groups(fs, ys, &drawn), false, notes);
        spec["measures"] = Value::Array(ys.iter().enumerate().map(|(i, m)| with_axis(enc(fs, *m), axes.as_deref(), i)).collect());
    }
    (Some(option), spec)
}

/// Groups of an x dimension with aggregated measures, ordered for a bar axis.
struct Bars {
    labels: Vec<String>,
    /// values[measure][bar]
    values: Vec<Vec<Option<f64>>>,
}

#[allow(clippy::too_many_arguments)]
fn bar_groups(t: &RowTable, fs: &[Field], xf: &Field, ys: &[usize], keep_order: bool, ranked: bool, cap: usize, notes: &mut Notes) -> Bars {
    let sz = sunday_zero(t, xf);
    let labels_all = label_key(t, xf);
    let groups = group_by(labels_all.iter().map(|l| l.as_deref()));
    let ng = groups.first.len();
    let mut values: Vec<Vec<Option<f64>>> = ys.iter().map(|&m| aggregate(&groups, &t.numbers(m), additive(fs, m))).collect();
    if ng < t.row_count {
        let how = if ys.iter().all(|m| additive(fs, *m)) { "summed" } else { "summed or averaged" };
        notes.reduced("aggregate_duplicates", format!("Several rows share the same {} value; they were {how} into one bar each ({ng} bars).", xf.name));
    }
    let label_of = |g: usize| groups.first.get(g).map(|r| dim_label(t, xf, *r, sz)).unwrap_or_default();
    // ordered axes keep their natural order, except in a ranking (rank order, as returned)
    let ordered = xf.role != Role::Category && !ranked;
    let keep_order = keep_order || ranked;
    let first: Vec<Option<f64>> = values.first().cloned().unwrap_or_default();
    let by_value = |a: &usize, b: &usize| {
        let va = first.get(*a).copied().flatten().unwrap_or(f64::NEG_INFINITY);
        let vb = first.get(*b).copied().flatten().unwrap_or(f64::NEG_INFINITY);
        vb.total_cmp(&va)
    };
    // which groups are drawn, in drawing order (labels are made only for those)
    let mut order: Vec<usize> = (0..ng).collect();
    let mut other: Option<(usize, Vec<usize>)> = None;
    if ordered {
        let keys: Vec<OrderKey> = groups.first.iter().map(|r| order_key(t, xf, *r)).collect();
        order.sort_by(|a, b| match (keys.get(*a), keys.get(*b)) {
            (Some(x), Some(y)) => cmp_keys(x, y),
            _ => std::cmp::Ordering::Equal,
        });
    } else if ng > cap {
        // top (cap − 1) + Other for nominal axes: a partial selection, not a full sort
        let all_add = ys.iter().all(|m| additive(fs, *m));
        let keep_n = if all_add { cap - 1 } else { cap };
        let totals: Vec<f64> = first.iter().map(|v| v.unwrap_or(f64::NEG_INFINITY)).collect();
        let (mut keep, rest) = reduce::top_n(&totals, keep_n);
        if keep_order {
            keep.sort_unstable();
        }
        if all_add {
            notes.reduced("top_n_other", format!("{} has {ng} values; the top {keep_n} are shown and the other {} are summed into \"Other\".", xf.name, rest.len()));
            other = Some((rest.len(), rest));
        } else {
            notes.reduced("top_n", format!("{} has {ng} values; the top {keep_n} are shown and the other {} are left out (an average cannot be summed into \"Other\").", xf.name, rest.len()));
        }
        order = keep;
    } else if !keep_order {
        order.sort_by(by_value);
    }
    let mut labels: Vec<String> = order.iter().map(|g| label_of(*g)).collect();
    let mut new_values: Vec<Vec<Option<f64>>> = values.iter().map(|v| order.iter().map(|i| v.get(*i).copied().flatten()).collect()).collect();
    if let Some((count, rest)) = other {
        for (v, nv) in values.iter().zip(new_values.iter_mut()) {
            let s: f64 = rest.iter().filter_map(|i| v.get(*i).copied().flatten()).sum();
            nv.push(Some(s));
        }
        labels.push(format!("Other ({count} more)"));
    }
    values = new_values;
    Bars { labels, values }
}

#[allow(clippy::too_many_arguments)]
fn bar(t: &RowTable, fs: &[Field], x: usize, ys: &[usize], title: Option<&str>, keep_order: bool, ranked: bool, notes: &mut Notes) -> (Option<Value>, Value) {
    let Some(xf) = field(fs, x) else { return (None, json!({"type": "table", "reason": "No x column."})) };
    let bars = bar_groups(t, fs, xf, ys, keep_order, ranked, MAX_CATEGORIES, notes);
    let n = bars.labels.len();
    let nominal = xf.role == Role::Category || xf.role == Role::Temporal;
    let horizontal = (xf.role == Role::Category || ranked) && (n > 12 || bars.labels.iter().any(|l| l.chars().count() > 12));
    let xname = name_of(fs, x);
    let header = unique_names(std::iter::once(xname.clone()).chain(ys.iter().map(|m| name_of(fs, *m))).collect());
    let mut rows = Vec::with_capacity(n + 1);
    rows.push(json!(header));
    for (i, l) in bars.labels.iter().enumerate() {
        let mut row = vec![json!(l)];
        for (v, m) in bars.values.iter().zip(ys) {
            row.push(num(shown(v.get(i).copied().flatten(), &fmt_of(fs, *m))));
        }
        rows.push(Value::Array(row));
    }
    let y0 = ys.first().copied().unwrap_or(0);
    let zero = bars.values.iter().flatten().flatten().all(|v| *v >= 0.0);
    let mut vaxis = value_axis(fs, y0, zero);
    if !zero {
        // negative values: ECharts still includes 0 on bar value axes without `scale`
        if let Some(o) = vaxis.as_object_mut() {
            o.remove("scale");
        }
    }
    if ys.len() > 1 {
        vaxis["name"] = json!("");
    }
    let mut caxis = json!({"type": "category", "name": xname});
    if horizontal {
        caxis["inverse"] = json!(true);
        caxis["axisLabel"] = json!({"width": 160, "overflow": "truncate"});
        caxis["nameLocation"] = json!("end");
    } else {
        caxis["nameLocation"] = json!("middle");
        caxis["nameGap"] = json!(28);
        if n > 8 {
            caxis["axisLabel"] = json!({"interval": "auto", "rotate": if bars.labels.iter().any(|l| l.chars().count() > 6) { 30 } else { 0 }});
        }
    }
    let series: Vec<Value> = ys
        .iter()
        .zip(header.iter().skip(1))
        .map(|(m, dim)| {
            let encode = if horizontal { json!({"y": header.first(), "x": dim}) } else { json!({"x": header.first(), "y": dim}) };
            json!({"type": "bar", "name": name_of(fs, *m), "encode": encode, "barMaxWidth": 48})
        })
        .collect();
    let many = ys.len() > 1;
    let zoomed = !horizontal && n > MAX_CATEGORIES;
    let text = title.map(str::to_string).unwrap_or_else(|| format!("{} by {}", capitalize(&humanize(&name_of(fs, y0))), humanize(&xname)));
    let mut option = json!({
        "title": title_json(&text),
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "dataset": {"source": rows},
        "xAxis": if horizontal { vaxis.clone() } else { caxis.clone() },
        "yAxis": if horizontal { caxis } else { vaxis },
        "grid": grid(many, zoomed),
        "series": series,
    });
    if many {
        option["legend"] = json!({"type": "scroll", "top": 28});
    }
    if zoomed {
        option["dataZoom"] = zoom("x");
    }
    let _ = nominal;
    let mut spec = json!({"type": "bar", "orientation": if horizontal { "horizontal" } else { "vertical" }, "x": enc(fs, x), "y": enc(fs, y0)});
    if many {
        let axes = split_value_axes(&mut option, fs, ys, &axis_groups(fs, ys, &bars.values), horizontal, notes);
        spec["measures"] = Value::Array(ys.iter().enumerate().map(|(i, m)| with_axis(enc(fs, *m), axes.as_deref(), i)).collect());
    }
    spec["sort"] = json!(if ranked {
        "as-returned"
    } else if xf.role == Role::Category && !keep_order { "value-descending" } else if xf.role == Role::Category { "as-returned" } else { "natural" });
    (Some(option), spec)
}

/// A pivot: x groups (ordered), series values, cells aggregated.
#[allow(clippy::too_many_arguments)]
fn pivot(t: &RowTable, fs: &[Field], xf: &Field, sf: &Field, m: usize, x_cap: usize, s_cap: usize, keep_order: bool, notes: &mut Notes) -> (Vec<String>, Vec<String>, Vec<Vec<Option<f64>>>) {
    let sum = additive(fs, m);
    let vals = t.numbers(m);
    let xl = label_key(t, xf);
    let sl = label_key(t, sf);
    let xg = group_by(xl.iter().map(|l| l.as_deref()));
    let sg = group_by(sl.iter().map(|l| l.as_deref()));
    let (nx, ns) = (xg.first.len(), sg.first.len());
    let mut acc = vec![vec![0.0f64; ns]; nx];
    let mut cnt = vec![vec![0usize; ns]; nx];
    let mut xtot = vec![0.0f64; nx];
    let mut stot = vec![0.0f64; ns];
    let mut cells = 0usize;
    for ((gx, gs), v) in xg.of_row.iter().zip(&sg.of_row).zip(&vals) {
        if let (Some(gx), Some(gs), Some(v)) = (gx, gs, v) {
            if let (Some(a), Some(c)) = (acc.get_mut(*gx).and_then(|r| r.get_mut(*gs)), cnt.get_mut(*gx).and_then(|r| r.get_mut(*gs))) {
                *a += v;
                *c += 1;
                cells += 1;
            }
            if let Some(x) = xtot.get_mut(*gx) {
                *x += v.abs();
            }
            if let Some(s) = stot.get_mut(*gs) {
                *s += v.abs();
            }
        }
    }
    let distinct_cells = cnt.iter().flatten().filter(|c| **c > 0).count();
    if distinct_cells < cells {
        notes.reduced("aggregate_duplicates", format!("Several rows share the same {} and {}; they were {} into one cell each.", xf.name, sf.name, if sum { "summed" } else { "averaged" }));
    }
    // x: ordered dims keep their order, nominal ones go by total
    let mut xs: Vec<usize> = (0..nx).collect();
    if xf.role != Role::Category {
        let keys: Vec<OrderKey> = xg.first.iter().map(|r| order_key(t, xf, *r)).collect();
        xs.sort_by(|a, b| match (keys.get(*a), keys.get(*b)) {
            (Some(x), Some(y)) => cmp_keys(x, y),
            _ => std::cmp::Ordering::Equal,
        });
    } else if !keep_order {
        xs = reduce::top_n(&xtot, nx).0;
    }
    if xs.len() > x_cap {
        let before = xs.len();
        let keep: std::collections::HashSet<usize> = reduce::top_n(&xtot, x_cap).0.into_iter().collect();
        xs.retain(|i| keep.contains(i));
        notes.reduced("top_n", format!("{} has {before} values; the {x_cap} with the largest totals are shown.", xf.name));
    }
    let mut ss: Vec<usize> = (0..ns).collect();
    if sf.role != Role::Category {
        let keys: Vec<OrderKey> = sg.first.iter().map(|r| order_key(t, sf, *r)).collect();
        ss.sort_by(|a, b| match (keys.get(*a), keys.get(*b)) {
            (Some(x), Some(y)) => cmp_keys(x, y),
            _ => std::cmp::Ordering::Equal,
        });
    } else {
        ss = reduce::top_n(&stot, ns).0;
    }
    if ss.len() > s_cap {
        let before = ss.len();
        let keep: std::collections::HashSet<usize> = reduce::top_n(&stot, s_cap).0.into_iter().collect();
        ss.retain(|i| keep.contains(i));
        notes.reduced("top_series", format!("{} has {before} values; the {s_cap} with the largest totals are shown.", sf.name));
    }
    let xlabels: Vec<String> = xs.iter().filter_map(|g| xg.first.get(*g).map(|r| dim_label(t, xf, *r, sunday_zero(t, xf)))).collect();
    let slabels: Vec<String> = ss.iter().filter_map(|g| sg.first.get(*g).map(|r| dim_label(t, sf, *r, sunday_zero(t, sf)))).collect();
    let grid: Vec<Vec<Option<f64>>> = xs
        .iter()
        .map(|gx| {
            ss.iter()
                .map(|gs| {
                    let a = acc.get(*gx).and_then(|r| r.get(*gs)).copied().unwrap_or(0.0);
                    let c = cnt.get(*gx).and_then(|r| r.get(*gs)).copied().unwrap_or(0);
                    if c == 0 {
                        None
                    } else if sum {
                        Some(a)
                    } else {
                        Some(a / c as f64)
                    }
                })
                .collect()
        })
        .collect();
    (xlabels, slabels, grid)
}

#[allow(clippy::too_many_arguments)]
fn grouped(t: &RowTable, fs: &[Field], x: usize, by: usize, y: usize, stacked: bool, title: Option<&str>, keep_order: bool, notes: &mut Notes) -> (Option<Value>, Value) {
    let (Some(xf), Some(sf)) = (field(fs, x), field(fs, by)) else { return (None, json!({"type": "table", "reason": "No x column."})) };
    let (xl, sl, cells) = pivot(t, fs, xf, sf, y, MAX_CATEGORIES, MAX_SERIES, keep_order, notes);
    let xname = name_of(fs, x);
    let header = unique_names(std::iter::once(xname.clone()).chain(sl.iter().cloned()).collect());
    let f = fmt_of(fs, y);
    let mut rows = vec![json!(header)];
    for (l, row) in xl.iter().zip(&cells) {
        rows.push(Value::Array(std::iter::once(json!(l)).chain(row.iter().map(|v| num(shown(*v, &f)))).collect()));
    }
    let horizontal = xf.role == Role::Category && (xl.len() > 12 || xl.iter().any(|l| l.chars().count() > 12));
    let zero = cells.iter().flatten().flatten().all(|v| *v >= 0.0);
    let vaxis = value_axis(fs, y, zero);
    let mut caxis = json!({"type": "category", "name": xname});
    if horizontal {
        caxis["inverse"] = json!(true);
        caxis["axisLabel"] = json!({"width": 160, "overflow": "truncate"});
    } else {
        caxis["nameLocation"] = json!("middle");
        caxis["nameGap"] = json!(28);
    }
    let series: Vec<Value> = header
        .iter()
        .skip(1)
        .map(|dim| {
            let encode = if horizontal { json!({"y": header.first(), "x": dim}) } else { json!({"x": header.first(), "y": dim}) };
            let mut s = json!({"type": "bar", "name": dim, "encode": encode, "barMaxWidth": 48});
            if stacked {
                s["stack"] = json!("total");
            }
            s
        })
        .collect();
    let text = title.map(str::to_string).unwrap_or_else(|| format!("{} by {} and {}", capitalize(&humanize(&name_of(fs, y))), humanize(&xname), humanize(&sf.name)));
    let option = json!({
        "title": title_json(&text),
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"type": "scroll", "top": 28},
        "dataset": {"source": rows},
        "xAxis": if horizontal { vaxis.clone() } else { caxis.clone() },
        "yAxis": if horizontal { caxis } else { vaxis },
        "grid": grid(true, false),
        "series": series,
    });
    let spec = json!({"type": "bar", "orientation": if horizontal { "horizontal" } else { "vertical" }, "stack": if stacked { "stacked" } else { "grouped" }, "x": enc(fs, x), "y": enc(fs, y), "series": enc(fs, by)});
    (Some(option), spec)
}

#[allow(clippy::too_many_arguments)]
fn heatmap(t: &RowTable, fs: &[Field], x: usize, y: usize, value: usize, title: Option<&str>, notes: &mut Notes) -> (Option<Value>, Value) {
    let (Some(xf), Some(yf)) = (field(fs, x), field(fs, y)) else { return (None, json!({"type": "table", "reason": "No x column."})) };
    let (xl, yl, cells) = pivot(t, fs, xf, yf, value, HEATMAP_MAX, HEATMAP_MAX, false, notes);
    let f = fmt_of(fs, value);
    let header = unique_names(vec![name_of(fs, x), name_of(fs, y), name_of(fs, value)]);
    let mut rows = vec![json!(header)];
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for (xi, l) in xl.iter().enumerate() {
        for (yi, s) in yl.iter().enumerate() {
            if let Some(v) = shown(cells.get(xi).and_then(|r| r.get(yi)).copied().flatten(), &f) {
                lo = lo.min(v);
                hi = hi.max(v);
                rows.push(json!([l, s, num(Some(v))]));
            }
        }
    }
    if !lo.is_finite() {
        (lo, hi) = (0.0, 1.0);
    }
    let text = title.map(str::to_string).unwrap_or_else(|| format!("{} by {} and {}", capitalize(&humanize(&name_of(fs, value))), humanize(&xf.name), humanize(&yf.name)));
    let option = json!({
        "title": title_json(&text),
        "tooltip": {"trigger": "item"},
        "dataset": {"source": rows},
        "xAxis": {"type": "category", "name": xf.name, "data": xl, "nameLocation": "middle", "nameGap": 28, "splitArea": {"show": true}},
        "yAxis": {"type": "category", "name": yf.name, "data": yl, "splitArea": {"show": true}},
        "visualMap": {"type": "continuous", "min": num(Some(lo)), "max": num(Some(hi)), "dimension": 2, "calculable": true, "orient": "horizontal", "left": "center", "bottom": 4, "itemHeight": 120},
        "grid": {"left": 24, "right": 40, "top": 60, "bottom": 96},
        "series": [{"type": "heatmap", "name": name_of(fs, value), "encode": {"x": header.first(), "y": header.get(1), "value": header.get(2)}}],
    });
    let spec = json!({"type": "heatmap", "x": enc(fs, x), "y": enc(fs, y), "color": enc(fs, value)});
    (Some(option), spec)
}

fn pie(t: &RowTable, fs: &[Field], x: usize, y: usize, title: Option<&str>, notes: &mut Notes) -> (Option<Value>, Value) {
    let Some(xf) = field(fs, x) else { return (None, json!({"type": "table", "reason": "No x column."})) };
    // at most 10 slices: top 9 + Other
    let bars = bar_groups(t, fs, xf, &[y], false, false, MAX_SERIES, notes);
    let f = fmt_of(fs, y);
    let header = unique_names(vec![name_of(fs, x), name_of(fs, y)]);
    let mut rows = vec![json!(header)];
    let vals = bars.values.first().cloned().unwrap_or_default();
    for (l, v) in bars.labels.iter().zip(&vals) {
        rows.push(json!([l, num(shown(*v, &f))]));
    }
    let text = title.map(str::to_string).unwrap_or_else(|| format!("{} by {}", capitalize(&humanize(&name_of(fs, y))), humanize(&xf.name)));
    let option = json!({
        "title": title_json(&text),
        "tooltip": {"trigger": "item"},
        "legend": {"type": "scroll", "top": 28},
        "dataset": {"source": rows},
        "series": [{"type": "pie", "name": name_of(fs, y), "radius": ["40%", "68%"], "center": ["50%", "58%"], "encode": {"itemName": header.first(), "value": header.get(1)}, "label": {"formatter": "{b}: {d}%"}}],
    });
    let spec = json!({"type": "pie", "x": enc(fs, x), "y": enc(fs, y), "donut": true});
    (Some(option), spec)
}

#[allow(clippy::too_many_arguments)]
fn scatter(t: &RowTable, fs: &[Field], x: usize, y: usize, color: Option<usize>, label: Option<usize>, title: Option<&str>, notes: &mut Notes) -> (Option<Value>, Value) {
    let (xs, ys) = (t.numbers(x), t.numbers(y));
    let rows_ok: Vec<usize> = (0..t.row_count).filter(|r| xs.get(*r).copied().flatten().is_some() && ys.get(*r).copied().flatten().is_some()).collect();
    let missing = t.row_count - rows_ok.len();
    if missing > 0 {
        notes.reduced("drop_missing", format!("Left out {missing} rows where {} or {} is empty.", name_of(fs, x), name_of(fs, y)));
    }
    let mut picked = rows_ok.clone();
    if rows_ok.len() > SCATTER_MAX_POINTS {
        // keep the extremes of both axes so the plotted range is the true one
        let ext = |v: &Vec<Option<f64>>, max: bool| {
            let it = rows_ok.iter().enumerate().filter_map(|(i, r)| v.get(*r).copied().flatten().map(|x| (i, x)));
            if max { it.max_by(|a, b| a.1.total_cmp(&b.1)).map(|p| p.0) } else { it.min_by(|a, b| a.1.total_cmp(&b.1)).map(|p| p.0) }
        };
        let must: Vec<usize> = [ext(&xs, false), ext(&xs, true), ext(&ys, false), ext(&ys, true)].into_iter().flatten().collect();
        picked = reduce::sample(rows_ok.len(), SCATTER_MAX_POINTS, &must).into_iter().filter_map(|i| rows_ok.get(i).copied()).collect();
        notes.reduced("sample", format!("The scatter had {} points; a fixed random sample of {SCATTER_MAX_POINTS} is drawn (the extremes included).", rows_ok.len()));
    }
    let (fx, fy) = (fmt_of(fs, x), fmt_of(fs, y));
    let lf = label.and_then(|l| field(fs, l));
    let mut header = vec![name_of(fs, x), name_of(fs, y)];
    if let Some(l) = lf {
        header.push(l.name.clone());
    }
    let header = unique_names(header);
    let row_json = |r: usize| {
        let mut row = vec![num(shown(xs.get(r).copied().flatten(), &fx)), num(shown(ys.get(r).copied().flatten(), &fy))];
        if let Some(l) = lf {
            row.push(json!(dim_label(t, l, r, false)));
        }
        Value::Array(row)
    };
    let n = picked.len();
    let size = if n <= 500 { 8 } else if n <= 2_000 { 5 } else { 3 };
    let mut encode = json!({"x": header.first(), "y": header.get(1)});
    if let Some(l) = header.get(2) {
        encode["tooltip"] = json!([l, header.first(), header.get(1)]);
        encode["itemName"] = json!(l);
    }
    let (datasets, series): (Vec<Value>, Vec<Value>) = match color.and_then(|c| field(fs, c)) {
        Some(cf) => {
            let labels = label_key(t, cf);
            let mut names: Vec<String> = picked.iter().map(|r| key_text(&labels, *r)).collect();
            names.sort();
            names.dedup();
            names
                .iter()
                .enumerate()
                .map(|(i, name)| {
                    let mut src = vec![json!(header)];
                    src.extend(picked.iter().filter(|r| labels.get(**r).and_then(|l| l.as_deref()) == Some(name.as_str())).map(|r| row_json(*r)));
                    (json!({"source": src}), json!({"type": "scatter", "name": name, "datasetIndex": i, "encode": encode, "symbolSize": size}))
                })
                .unzip()
        }
        None => {
            let mut src = vec![json!(header)];
            src.extend(picked.iter().map(|r| row_json(*r)));
            (vec![json!({"source": src})], vec![json!({"type": "scatter", "name": name_of(fs, y), "encode": encode, "symbolSize": size})])
        }
    };
    let many = series.len() > 1;
    let text = title.map(str::to_string).unwrap_or_else(|| format!("{} vs {}", capitalize(&humanize(&name_of(fs, y))), humanize(&name_of(fs, x))));
    let mut xaxis = value_axis(fs, x, false);
    xaxis["nameLocation"] = json!("middle");
    xaxis["nameGap"] = json!(28);
    let mut option = json!({
        "title": title_json(&text),
        "tooltip": {"trigger": "item"},
        "dataset": datasets,
        "xAxis": xaxis,
        "yAxis": value_axis(fs, y, false),
        "grid": grid(many, false),
        "series": series,
    });
    if many {
        option["legend"] = json!({"type": "scroll", "top": 28});
    }
    let mut spec = json!({"type": "scatter", "x": enc(fs, x), "y": enc(fs, y)});
    if let Some(c) = color {
        spec["color"] = enc(fs, c);
    }
    if let Some(l) = label {
        spec["label"] = enc(fs, l);
    }
    (Some(option), spec)
}

/// A "nice" step (1, 2, 2.5 or 5 × 10^k) of at least `raw`.
fn nice_step(raw: f64) -> f64 {
    if !(raw > 0.0) || !raw.is_finite() {
        return 1.0;
    }
    let mag = 10f64.powf(raw.log10().floor());
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if m * mag >= raw * (1.0 - 1e-9) {
            return m * mag;
        }
    }
    10.0 * mag
}

fn histogram(t: &RowTable, fs: &[Field], bin: Option<usize>, y: usize, title: Option<&str>, notes: &mut Notes) -> (Option<Value>, Value) {
    let (labels, counts, xname, yname) = match bin.and_then(|b| field(fs, b)) {
        Some(bf) => {
            let keys: Vec<Option<f64>> = t.numbers(bf.index);
            let groups = group_by(keys.iter().map(|v| v.map(f64::to_bits)));
            let agg = aggregate(&groups, &t.numbers(y), true);
            let mut order: Vec<usize> = (0..groups.first.len()).collect();
            let start = |g: usize| groups.first.get(g).and_then(|r| keys.get(*r).copied().flatten()).unwrap_or(f64::INFINITY);
            order.sort_by(|a, b| start(*a).total_cmp(&start(*b)));
            let starts: Vec<f64> = order.iter().map(|g| start(*g)).collect();
            let width = bf.bin.or_else(|| starts.windows(2).filter_map(|w| match w {
                [a, b] if b > a => Some(b - a),
                _ => None,
            })
            .min_by(f64::total_cmp));
            let labels: Vec<String> = starts.iter().map(|s| match width {
                Some(w) => format!("{}–{}", fmt_num(*s), fmt_num(s + w)),
                None => fmt_num(*s),
            })
            .collect();
            let counts: Vec<Option<f64>> = order.iter().map(|g| agg.get(*g).copied().flatten()).collect();
            (labels, counts, bf.name.clone(), name_of(fs, y))
        }
        None => {
            let vals: Vec<f64> = t.numbers(y).into_iter().flatten().collect();
            let n = vals.len();
            let (lo, hi) = vals.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| (l.min(*v), h.max(*v)));
            let k = ((n.max(1) as f64).log2().ceil() as usize + 1).clamp(5, 50);
            if n == 0 {
                return (None, json!({"type": "table", "reason": format!("{} has no numbers to count.", name_of(fs, y))}));
            }
            let (labels, counts) = if !(hi > lo) {
                (vec![fmt_num(lo)], vec![Some(n as f64)])
            } else {
                let w = nice_step((hi - lo) / k as f64);
                let start = (lo / w).floor() * w;
                let nb = (((hi - start) / w).floor() as usize + 1).min(200);
                let mut c = vec![0usize; nb];
                for v in &vals {
                    let i = (((v - start) / w).floor().max(0.0) as usize).min(nb - 1);
                    if let Some(slot) = c.get_mut(i) {
                        *slot += 1;
                    }
                }
                let labels = (0..nb).map(|i| format!("{}–{}", fmt_num(start + i as f64 * w), fmt_num(start + (i + 1) as f64 * w))).collect();
                (labels, c.into_iter().map(|x| Some(x as f64)).collect())
            };
            notes.note("bin", format!("The {n} values of {} were counted in {} bins of equal width.", name_of(fs, y), labels.len()));
            (labels, counts, name_of(fs, y), "count".to_string())
        }
    };
    let header = unique_names(vec![xname.clone(), yname.clone()]);
    let mut rows = vec![json!(header)];
    for (l, c) in labels.iter().zip(&counts) {
        rows.push(json!([l, num(*c)]));
    }
    let text = title.map(str::to_string).unwrap_or_else(|| format!("Distribution of {}", humanize(&xname)));
    let yaxis = if bin.is_some() { value_axis(fs, y, true) } else { json!({"type": "value", "name": "count", "min": 0}) };
    let option = json!({
        "title": title_json(&text),
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "dataset": {"source": rows},
        "xAxis": {"type": "category", "name": xname, "nameLocation": "middle", "nameGap": 28},
        "yAxis": yaxis,
        "grid": grid(false, false),
        "series": [{"type": "bar", "name": yname, "encode": {"x": header.first(), "y": header.get(1)}, "barCategoryGap": "4%"}],
    });
    let spec = match bin {
        Some(b) => json!({"type": "histogram", "x": enc(fs, b), "y": enc(fs, y)}),
        None => json!({"type": "histogram", "x": {"field": name_of(fs, y), "type": "quantitative", "bin": true}, "y": {"field": "count", "type": "quantitative", "aggregate": "count"}}),
    };
    (Some(option), spec)
}
