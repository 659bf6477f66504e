//! Statistics over a result table, and the narration built from them.
//!
//! Each [`Insight`] is `{kind, title, text, score, fields, values, significance?}`, ranked by
//! score (impact × significance). Owns: which facts are worth saying and the words for them.
//! Must never claim what its test does not support, never panic on user data, and give the
//! same insights and text for the same table.
//!
//! # What is looked for
//! The table is read like the chart reads it ([`crate::chart::fields`]): the first measure
//! against the time dimension (a series), against the category dimension (a ranking), and
//! between measures (a relationship).
//!
//! * Over time (one value per time; duplicates summed when the measure adds up, else averaged):
//!   `change` first → last; `trend`: Mann–Kendall test (two-sided, ties-corrected, continuity
//!   correction) with Sen's slope and the least-squares slope and its t-test, reported when
//!   p < 0.05 and n ≥ 8; `period_change`: last vs previous period and, when the dates allow,
//!   the same period a year earlier (YoY); `change_point`: Pettitt's test (p < 0.05, n ≥ 10,
//!   at least 3 points each side), run on the residuals from the trend line when there is a
//!   significant trend so a steady rise is not mistaken for a jump; `series_outlier`: robust z
//!   (MAD) of the residuals from the median of each point's neighbours, |z| > 3.5, n ≥ 12.
//!   Long series are averaged into at most 1,000 consecutive buckets for the O(n²) tests.
//! * Across categories (one value per category, or sums when the measure adds up):
//!   `ranking` (top and runner-up), `top_contributor` / `majority` (share of the total, for
//!   non-negative measures that add up), `concentration` (how many of the largest make 80% of
//!   the total; reported when that is at most half of at least 5), `outliers` (Tukey's IQR
//!   fences, k = 1.5, n ≥ 8, at most a quarter of the values), `low_variance` (coefficient of
//!   variation < 5%, n ≥ 3), `extremes` (highest and lowest, where).
//! * A top or bottom N (the intent sorts by the measure and keeps N rows) is a ranking whatever
//!   its dimension: time periods are then labels ("Dec 2015"), not a series, and the answer
//!   names the first of the list (the lowest for a bottom N). A part of the answer (a top N
//!   that returned N rows, or rows cut by the row cap) gets shares "of the rows shown" and no
//!   concentration: the true total is not in the rows.
//! * Between measures: `correlation`, Pearson r with its t-test p-value and n, reported when
//!   n ≥ 10, p < 0.05 and |r| ≥ 0.3 (the strongest pair among the first four measures).
//!
//! Tiny samples: tests are not run below the sizes above; a 2–7 point series gets only the
//! first → last change, marked `smallSample`. `significance` is the test's p-value (absent for
//! descriptive facts). The score is impact × (0.5 + 0.5·w), w = min(1, log10(1/p) / 3), so
//! p = 0.001 counts fully and p = 0.05 a little less than half.

#![warn(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod stats;
mod narrate;

use std::borrow::Cow;

use crate::chart::hash::{fast_hasher, FastMap, FastSet};

use serde::Serialize;
use serde_json::{json, Value};

use crate::chart::fields::{self, Field, NumFormat, Period, Role};
use crate::chart::format::{capitalize, fmt_change, fmt_value, humanize};
use crate::error::Result;
use crate::question::Intent;
use crate::table::{Cell, RowTable};

pub use crate::chart::format::fmt_num;
pub use narrate::narrate;

/// Significance level of every test.
pub const ALPHA: f64 = 0.05;
/// Longest series the O(n²) tests (Mann–Kendall, Sen, Pettitt) see; longer ones are bucketed.
pub const MAX_TEST_POINTS: usize = 1_000;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Insight {
    pub kind: &'static str,
    pub title: String,
    pub text: String,
    /// Ranking score in [0, 1]: impact × significance.
    pub score: f64,
    pub fields: Vec<String>,
    pub values: Value,
    /// The p-value of the test behind the insight (None for descriptive facts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub significance: Option<f64>,
}

/// Weight of a p-value in the score: 1 at p ≤ 0.001, ~0.43 at p = 0.05.
pub fn p_weight(p: f64) -> f64 {
    if !(p > 0.0) {
        return 1.0;
    }
    ((1.0 / p).log10() / 3.0).clamp(0.0, 1.0)
}

fn tested(impact: f64, p: f64) -> f64 {
    (impact.clamp(0.0, 1.0) * (0.5 + 0.5 * p_weight(p))).clamp(0.0, 1.0)
}

/// JSON number (null when not finite).
fn jnum(v: f64) -> Value {
    serde_json::Number::from_f64(v).map(Value::Number).unwrap_or(Value::Null)
}

/// What the insights read: the measure, its name and format.
struct Ctx<'a> {
    m: &'a Field,
    mname: String,
    fmt: NumFormat,
}

impl Ctx<'_> {
    fn v(&self, x: f64) -> String {
        fmt_value(x, &self.fmt)
    }
}

/// How one value per time (or per category) was obtained.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Agg {
    /// Each time/category appears once.
    Direct,
    /// Several groups per time/category in an aggregated result: summed (the measure adds up).
    Summed,
    /// Raw rows: averaged per time.
    Averaged,
}

/// One value per time point, in time order.
struct Series {
    times: Vec<f64>,
    values: Vec<f64>,
    period: Option<Period>,
    agg: Agg,
}

impl Series {
    fn label(&self, i: usize) -> String {
        self.times.get(i).map(|t| fields::fmt_time(*t, self.period)).unwrap_or_default()
    }

    /// "in 2021" / "on Mar 5, 2021" / "at Mar 5, 2021 14:00".
    fn at(&self, i: usize) -> String {
        let prep = match self.period {
            Some(Period::Day | Period::Week) => "on",
            Some(Period::Hour | Period::Minute | Period::Second) => "at",
            _ => "in",
        };
        format!("{prep} {}", self.label(i))
    }
}

/// Each row is one combination of the dimension values (an aggregated result, not raw rows).
/// Hashes cells in place, so it is cheap on big tables.
fn dims_unique(t: &RowTable, dims: &[&Field]) -> bool {
    use std::hash::{Hash, Hasher};
    if dims.is_empty() {
        return t.row_count <= 1;
    }
    let mut seen: FastSet<u64> = FastSet::default();
    seen.reserve(t.row_count);
    for r in 0..t.row_count {
        let mut h = fast_hasher();
        for d in dims {
            match t.cell(r, d.index) {
                Some(Cell::Str(s)) => s.hash(&mut h),
                Some(Cell::Int(i)) => i.hash(&mut h),
                Some(Cell::Float(f)) => f.to_bits().hash(&mut h),
                Some(Cell::Bool(b)) => b.hash(&mut h),
                Some(Cell::Null) | None => 0u8.hash(&mut h),
                Some(other) => serde_json::to_string(other).unwrap_or_default().hash(&mut h),
            }
        }
        if !seen.insert(h.finish()) {
            return false;
        }
    }
    true
}

fn time_series(t: &RowTable, time: &Field, m: &Field, aggregated: &dyn Fn() -> bool) -> Option<Series> {
    let times = fields::times(t, time.index);
    let vals = t.numbers(m.index);
    let mut map: FastMap<u64, usize> = FastMap::default();
    let mut keys: Vec<f64> = Vec::new();
    let mut sum: Vec<f64> = Vec::new();
    let mut cnt: Vec<usize> = Vec::new();
    for (tm, v) in times.iter().zip(&vals) {
        let (Some(tm), Some(v)) = (tm, v) else { continue };
        let g = *map.entry(tm.to_bits()).or_insert_with(|| {
            keys.push(*tm);
            sum.push(0.0);
            cnt.push(0);
            keys.len() - 1
        });
        if let (Some(s), Some(c)) = (sum.get_mut(g), cnt.get_mut(g)) {
            *s += v;
            *c += 1;
        }
    }
    let agg = if !cnt.iter().any(|c| *c > 1) {
        Agg::Direct
    } else {
        match (aggregated(), m.additive) {
            (true, true) => Agg::Summed,
            // averages of several groups at one time: no single series to test
            (true, false) => return None,
            (false, _) => Agg::Averaged,
        }
    };
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by(|a, b| keys.get(*a).copied().unwrap_or(0.0).total_cmp(&keys.get(*b).copied().unwrap_or(0.0)));
    let times: Vec<f64> = order.iter().filter_map(|i| keys.get(*i).copied()).collect();
    let values: Vec<f64> = order
        .iter()
        .filter_map(|i| {
            let (s, c) = (sum.get(*i)?, *cnt.get(*i)?);
            Some(if agg == Agg::Averaged { s / c.max(1) as f64 } else { *s })
        })
        .collect();
    let period = fields::detect_period(&times);
    Some(Series { times, values, period, agg })
}

/// One value per category label, in first-appearance order.
struct Cats<'a> {
    /// borrowed from the table when the category is text (no allocation per row)
    labels: Vec<Cow<'a, str>>,
    values: Vec<f64>,
}

fn categories<'a>(t: &'a RowTable, dim: &Field, m: &Field, aggregated: &dyn Fn() -> bool) -> Option<Cats<'a>> {
    let vals = t.numbers(m.index);
    let mut map: FastMap<Cow<'a, str>, usize> = FastMap::default();
    let mut labels: Vec<Cow<'a, str>> = Vec::new();
    let mut sums: Vec<f64> = Vec::new();
    let mut dup = false;
    let sz = dim.role == Role::Cyclic(fields::Cycle::DayOfWeek) && (0..t.row_count).any(|r| matches!(t.cell(r, dim.index), Some(Cell::Int(0))));
    // numeric keys read better with their name ("Cylinders 8"), bins as ranges ("75–100")
    let numeric_key = matches!(dim.role, Role::Ordinal | Role::Bin) && t.columns.get(dim.index).is_some_and(|c| matches!(c.kind, "integer" | "number" | "decimal"));
    let bin_width = if dim.role == Role::Bin {
        dim.bin.or_else(|| {
            let mut starts = stats::sorted(&t.numbers(dim.index).into_iter().flatten().collect::<Vec<_>>());
            starts.dedup();
            starts.windows(2).filter_map(|w| match w {
                [a, b] if b > a => Some(b - a),
                _ => None,
            })
            .min_by(f64::total_cmp)
        })
    } else {
        None
    };
    let dname = humanize(&dim.name);
    for (r, v) in vals.iter().enumerate() {
        let Some(v) = v else { continue };
        // time periods (in a ranking) at the precision of their unit: "Dec 2015"
        let period = fields::period_label(t, dim, r);
        let label: Cow<'a, str> = match (dim.role, t.cell(r, dim.index)) {
            (_, Some(Cell::Null) | None) => continue,
            _ if period.is_some() => Cow::Owned(period.unwrap_or_default()),
            (Role::Cyclic(cy), Some(Cell::Int(i))) => Cow::Owned(fields::cycle_label(cy, *i, sz).unwrap_or_else(|| i.to_string())),
            (Role::Bin, Some(c @ (Cell::Int(_) | Cell::Float(_)))) => {
                let x = match c {
                    Cell::Int(i) => *i as f64,
                    Cell::Float(f) => *f,
                    _ => 0.0,
                };
                Cow::Owned(match bin_width {
                    Some(w) => format!("{} {}–{}", dname, fmt_num(x), fmt_num(x + w)),
                    None => format!("{} {}", dname, fmt_num(x)),
                })
            }
            (_, Some(Cell::Int(i))) if numeric_key => Cow::Owned(format!("{dname} {i}")),
            (_, Some(Cell::Float(f))) if numeric_key => Cow::Owned(format!("{dname} {}", fmt_num(*f))),
            (_, Some(Cell::Str(s))) => Cow::Borrowed(s.as_str()),
            (_, Some(Cell::Int(i))) => Cow::Owned(i.to_string()),
            (_, Some(Cell::Float(f))) => Cow::Owned(fmt_num(*f)),
            (_, Some(Cell::Bool(b))) => Cow::Owned(format!("{dname} {b}")),
            (_, Some(other)) => Cow::Owned(serde_json::to_string(other).unwrap_or_default()),
        };
        match map.get(&label) {
            Some(&g) => {
                dup = true;
                if let Some(s) = sums.get_mut(g) {
                    *s += v;
                }
            }
            None => {
                labels.push(label.clone());
                map.insert(label, labels.len() - 1);
                sums.push(*v);
            }
        }
    }
    // several rows per category: only an aggregated result of a measure that adds up can be
    // summed (raw rows, or averages, would give a made-up total)
    if dup && !(m.additive && aggregated()) {
        return None;
    }
    Some(Cats { labels, values: sums })
}

/// "the total sales", or "the total yield" when the name already says total.
fn the_total(mname: &str) -> String {
    if mname.to_lowercase().starts_with("total") {
        format!("the {mname}")
    } else {
        format!("the total {mname}")
    }
}

/// A name that reads as a plural noun ("days", "flights", "people").
fn looks_plural(name: &str) -> bool {
    let last = name.split(' ').next_back().unwrap_or("").to_lowercase();
    last == "people" || (last.len() > 3 && last.ends_with('s') && !last.ends_with("ss") && !last.ends_with("us") && !last.ends_with("is"))
}

/// Insights about `t`, best first. `intent` (when the result came from a question) tells which
/// columns are measures and whether they add up.
pub fn find(t: &RowTable, intent: Option<&Intent>) -> Result<Vec<Insight>> {
    find_in(t, intent, false)
}

/// [`find`] for a result that may be part of the answer: `truncated` when rows were cut (the
/// row cap). A top/bottom N that returned N rows is a part too. Shares and concentration are
/// then stated as of the rows shown, never as of a total the rows do not hold.
pub fn find_in(t: &RowTable, intent: Option<&Intent>, truncated: bool) -> Result<Vec<Insight>> {
    let fs = fields::analyze(t, intent);
    let measures: Vec<&Field> = fs.iter().filter(|f| f.role == Role::Measure).collect();
    let Some(&m) = measures.first() else { return Ok(Vec::new()) };
    let ctx = Ctx { m, mname: measure_words(m), fmt: m.format.clone() };
    let mut out: Vec<Insight> = Vec::new();
    let dims: Vec<&Field> = fs.iter().filter(|f| f.role.is_dimension()).collect();
    // a top/bottom N of one dimension is a ranking, even of time periods (no trend is read
    // into five months picked for their values)
    let rank = fields::ranking(intent, &fs).filter(|_| dims.len() == 1);
    let limit = fields::intent_json(intent).get("limit").and_then(Value::as_u64);
    let partial = truncated || limit.is_some_and(|l| t.row_count as u64 >= l);
    let time = dims.iter().find(|d| d.role == Role::Temporal && rank.is_none()).copied();
    let cat = dims.iter().find(|d| d.role != Role::Temporal || rank.is_some()).copied();

    if t.row_count == 1 {
        single_row(t, &measures, &dims, &mut out);
        return Ok(out);
    }
    // only asked when a time or category repeats (a full pass over the rows)
    let aggregated_cell = std::cell::OnceCell::new();
    let aggregated = || *aggregated_cell.get_or_init(|| dims_unique(t, &dims));
    let mut described = false;
    if let Some(time) = time {
        if let Some(s) = time_series(t, time, m, &aggregated) {
            let name = match s.agg {
                Agg::Summed if ctx.mname.starts_with("total ") => ctx.mname.clone(),
                Agg::Summed => format!("total {}", ctx.mname),
                Agg::Averaged => format!("average {}", ctx.mname),
                Agg::Direct => ctx.mname.clone(),
            };
            let sctx = Ctx { m, mname: name, fmt: m.format.clone() };
            time_insights(&sctx, time, &s, &mut out);
            described = true;
        }
    }
    if let Some(cat) = cat {
        if time.is_none() || (m.additive && aggregated()) {
            if let Some(c) = categories(t, cat, m, &aggregated) {
                category_insights(&ctx, cat, &c, time.is_some(), rank, partial, &mut out);
                described = true;
            }
        }
    }
    if !described {
        value_insights(&ctx, &t.numbers(m.index).into_iter().flatten().collect::<Vec<_>>(), &mut out);
    }
    if measures.len() >= 2 {
        correlation(t, &measures, &mut out);
    }
    // sentences start with a capital, even when they start with a data label or a column name
    for i in &mut out {
        i.text = capitalize(&i.text);
    }
    // best first; ties by kind then title, so the order never depends on anything else
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.kind.cmp(b.kind)).then_with(|| a.title.cmp(&b.title)));
    Ok(out)
}

fn single_row(t: &RowTable, measures: &[&Field], dims: &[&Field], out: &mut Vec<Insight>) {
    let parts: Vec<(&Field, f64)> = measures.iter().filter_map(|f| t.numbers(f.index).first().copied().flatten().map(|v| (*f, v))).collect();
    let Some((first, v0)) = parts.first() else { return };
    let say = |f: &Field, v: f64| {
        let words = measure_words(f);
        let plain = matches!(f.format, NumFormat::Plain);
        if plain && v.fract() == 0.0 && v >= 0.0 && looks_plural(&words) {
            format!("there are {} {words}", crate::chart::format::fmt_exact(v))
        } else if plain && v.fract() == 0.0 {
            format!("{words} is {}", crate::chart::format::fmt_exact(v))
        } else {
            format!("{words} is {}", fmt_value(v, &f.format))
        }
    };
    let text = parts.iter().map(|(f, v)| say(f, *v)).collect::<Vec<_>>().join("; ");
    let label = dims.iter().filter_map(|d| t.labels(d.index).into_iter().next()).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(", ");
    let text = if label.is_empty() { format!("{}.", capitalize(&text)) } else { format!("For {label}, {text}.") };
    out.push(Insight {
        kind: "value",
        title: capitalize(&humanize(&first.name)),
        text,
        score: 1.0,
        fields: parts.iter().map(|p| p.0.name.clone()).collect(),
        values: json!({"value": jnum(*v0), "formatted": fmt_value(*v0, &first.format), "values": parts.iter().map(|(f, v)| json!({"field": f.name, "value": jnum(*v)})).collect::<Vec<_>>()}),
        significance: None,
    });
}

/// A measure's name as words, without the unit its values already carry ("total_spend_usd"
/// → "total spend" when shown as "$1.2M").
fn measure_words(m: &Field) -> String {
    let unit_words: &[&str] = match m.format {
        NumFormat::Currency { symbol: Some(_) } => &["usd", "eur", "gbp", "jpy", "dollars", "euros", "$", "€", "£", "in"],
        NumFormat::Percent { .. } => &["pct", "percent", "percentage", "%", "in"],
        _ => &[],
    };
    let human = humanize(&m.name);
    // the question parser's aggregate prefixes read as words: "sum_precipitation" → "total
    // precipitation", "avg_wind" → "average wind"
    let human = match (m.aggregate.as_deref(), human.split_once(' ')) {
        (Some("sum"), Some(("sum", rest))) => format!("total {rest}"),
        (Some("avg"), Some(("avg", rest))) => format!("average {rest}"),
        _ => human,
    };
    let words: Vec<&str> = human.split(' ').map(str::trim).filter(|w| !w.is_empty()).collect();
    let mut kept: Vec<&str> = words.clone();
    while kept.last().is_some_and(|w| unit_words.contains(&w.to_lowercase().trim_matches(|c| c == '(' || c == ')'))) {
        kept.pop();
    }
    if kept.is_empty() {
        words.join(" ")
    } else {
        kept.join(" ")
    }
}

/// "up 3.9%" / "down 12%" / "unchanged".
fn up_down(rel: f64) -> String {
    if rel > 0.0 {
        format!("up {}", crate::chart::format::fmt_pct_points(rel * 100.0))
    } else if rel < 0.0 {
        format!("down {}", crate::chart::format::fmt_pct_points(-rel * 100.0))
    } else {
        "unchanged".into()
    }
}

/// The unit to state a slope in: the series' own period, or a longer one when the series spans
/// at least three of it (a slope "per day" over four years reads better "per year").
fn slope_unit(s: &Series) -> Option<Period> {
    let p = s.period?;
    let span = s.times.last()? - s.times.first()?;
    [Period::Year, Period::Month, Period::Week, Period::Day, Period::Hour]
        .into_iter()
        .find(|u| u.approx_ms() >= p.approx_ms() && span >= 3.0 * u.approx_ms())
        .or(Some(p))
}

/// Series longer than this are summarised by their average instead of first → last.
const SHORT_SERIES: usize = 24;

fn time_insights(ctx: &Ctx, time: &Field, s: &Series, out: &mut Vec<Insight>) {
    let n = s.values.len();
    let fields = vec![time.name.clone(), ctx.m.name.clone()];
    let (Some(&first), Some(&last)) = (s.values.first(), s.values.last()) else { return };
    if n < 2 {
        return;
    }
    let mname = &ctx.mname;
    // the answer: first → last for short series, the average over the period for long ones
    let rel = (first > 0.0 && last >= 0.0).then(|| (last - first) / first);
    let verb = if last > first { "rose" } else if last < first { "fell" } else { "was unchanged" };
    let mean = stats::mean(&s.values).unwrap_or(0.0);
    let text = if n > SHORT_SERIES {
        format!("{} averaged {} over {} {}s, from {} to {}.", capitalize(mname), ctx.v(mean), crate::chart::format::fmt_exact(n as f64), s.period.map(Period::noun).unwrap_or("point"), s.label(0), s.label(n - 1))
    } else if last == first {
        format!("{} was {} both {} and {}.", capitalize(mname), ctx.v(first), s.at(0), s.at(n - 1))
    } else {
        match rel {
            Some(r) => format!("{} {verb} from {} {} to {} {}, {}.", capitalize(mname), ctx.v(first), s.at(0), ctx.v(last), s.at(n - 1), fmt_change(r)),
            None => format!("{} {verb} from {} {} to {} {}.", capitalize(mname), ctx.v(first), s.at(0), ctx.v(last), s.at(n - 1)),
        }
    };
    out.push(Insight {
        kind: "change",
        title: format!("{} from {} to {}", capitalize(mname), s.label(0), s.label(n - 1)),
        text,
        score: 0.35 + 0.3 * rel.map_or(0.0, |r| r.abs().min(1.0)),
        fields: fields.clone(),
        values: json!({
            "first": jnum(first), "last": jnum(last), "from": s.label(0), "to": s.label(n - 1), "change": rel.map(jnum),
            "mean": jnum(mean), "points": n, "smallSample": n < 8,
            "aggregation": match s.agg { Agg::Direct => "none", Agg::Summed => "sum", Agg::Averaged => "mean" },
        }),
        significance: None,
    });
    let unit = s.period.map(Period::noun).unwrap_or("step");
    // x in periods since the start (the index when the spacing is unknown)
    let xs: Vec<f64> = match (s.period.map(Period::approx_ms), s.times.first()) {
        (Some(p), Some(t0)) => s.times.iter().map(|t| (t - t0) / p).collect(),
        _ => (0..n).map(|i| i as f64).collect(),
    };
    if n >= 8 {
        let ys = stats::bucket_means(&s.values, MAX_TEST_POINTS);
        let bx = stats::bucket_means(&xs, MAX_TEST_POINTS);
        let plain = stats::mann_kendall(&ys);
        // serial correlation makes the plain test see trends in noise: the pre-whitened test decides
        if let (Some(mk), Some(w)) = (plain, stats::mann_kendall_tfpw(&ys)) {
            if w.p < ALPHA && mk.s != 0.0 && (w.s > 0.0) == (mk.s > 0.0) {
                let sen = stats::theil_sen_slope(&bx, &ys).unwrap_or(0.0);
                let ols = stats::linear_fit(&xs, &s.values);
                let span = xs.last().copied().unwrap_or(0.0) - xs.first().copied().unwrap_or(0.0);
                let scale = mean.abs();
                let impact = if scale > 0.0 { 0.4 + 0.6 * (sen * span).abs().min(scale) / scale } else { 0.7 };
                let up = mk.s > 0.0;
                let steady = if mk.tau.abs() >= 0.6 { "steadily " } else { "" };
                let shown_unit = slope_unit(s);
                let per = match (shown_unit, s.period) {
                    (Some(u), Some(p)) => sen * u.approx_ms() / p.approx_ms(),
                    _ => sen,
                };
                let per_name = shown_unit.map(Period::noun).unwrap_or(unit);
                let text = format!(
                    "{} {}{} over the period, by about {} per {per_name}.",
                    capitalize(mname),
                    steady,
                    if up { "trended upward" } else { "trended downward" },
                    fmt_value(per.abs(), &ctx.fmt)
                );
                out.push(Insight {
                    kind: "trend",
                    title: format!("{} trend in {}", if up { "Upward" } else { "Downward" }, mname),
                    text,
                    score: tested(impact, w.p),
                    fields: fields.clone(),
                    values: json!({
                        "direction": if up { "up" } else { "down" }, "test": "mann-kendall (trend-free pre-whitening)",
                        "s": jnum(mk.s), "z": jnum(mk.z), "p": jnum(mk.p), "tau": jnum(mk.tau), "pPrewhitened": jnum(w.p), "n": mk.n,
                        "senSlope": jnum(sen), "per": unit, "slopeShown": jnum(per), "shownPer": per_name,
                        "olsSlope": ols.map(|f| jnum(f.slope)), "olsP": ols.map(|f| jnum(f.p)), "olsR": ols.map(|f| jnum(f.r)),
                        "bucketed": n > MAX_TEST_POINTS, "alpha": ALPHA,
                    }),
                    significance: Some(w.p),
                });
            }
        }
    }
    // last vs previous, and vs a year earlier (calendar periods only: day-to-day moves are noise)
    if n >= 3 && matches!(s.period, Some(Period::Year | Period::Quarter | Period::Month | Period::Week)) {
        let prev = s.values.get(n - 2).copied().unwrap_or(0.0);
        let pop = (prev > 0.0 && last >= 0.0).then(|| (last - prev) / prev);
        let diffs: Vec<f64> = s.values.windows(2).filter_map(|w| match w {
            [a, b] => Some(b - a),
            _ => None,
        })
        .collect();
        let unusual = n >= 8 && stats::robust_z(&diffs).and_then(|z| z.last().copied()).is_some_and(|z| z.abs() > 3.5);
        let yoy = year_ago(s).and_then(|j| {
            let v = *s.values.get(j)?;
            (v > 0.0 && last >= 0.0).then(|| (j, v, (last - v) / v))
        });
        if let Some(p) = pop {
            let mut text = format!("{}, {mname} was {}, {} from {}", capitalize(&s.at(n - 1)), ctx.v(last), up_down(p), s.label(n - 2));
            if let Some((j, _, y)) = yoy {
                if s.period != Some(Period::Year) {
                    text.push_str(&format!(" and {} from {}", up_down(y), s.label(j)));
                }
            }
            text.push('.');
            if unusual {
                text.push_str(" That change is unusually large for this series.");
            }
            out.push(Insight {
                kind: "period_change",
                title: format!("Latest {unit} of {mname}"),
                text,
                score: 0.3 + 0.3 * p.abs().min(1.0) + if unusual { 0.15 } else { 0.0 },
                fields: fields.clone(),
                values: json!({
                    "last": jnum(last), "previous": jnum(prev), "change": jnum(p), "period": unit, "unusual": unusual,
                    "yearAgo": yoy.map(|(j, v, y)| json!({"label": s.label(j), "value": jnum(v), "change": jnum(y)})),
                }),
                significance: None,
            });
        }
    }
    // change point: Pettitt on the series, kept only when two flat segments fit it better than
    // the straight line (a steady rise is a trend, not a jump)
    if n >= 10 {
        let ys = stats::bucket_means(&s.values, MAX_TEST_POINTS);
        let bx = stats::bucket_means(&xs, MAX_TEST_POINTS);
        if let Some((pt, r1, p)) = stats::pettitt_ar1(&ys) {
            let m = ys.len();
            let rss_step: f64 = ys.iter().enumerate().map(|(i, y)| (y - if i < pt.at { pt.mean_before } else { pt.mean_after }).powi(2)).sum();
            let rss_line: f64 = match stats::linear_fit(&bx, &ys) {
                Some(f) => ys.iter().zip(&bx).map(|(y, x)| (y - (f.intercept + f.slope * x)).powi(2)).sum(),
                None => f64::INFINITY,
            };
            // the new level must hold: the last fifth of the series is nearer the level after the
            // change than the one before (a hump or a season is not a shift), and the first fifth
            // nearer the level before
            let fifth = (m / 5).max(1);
            let head = stats::mean(ys.get(..fifth).unwrap_or(&[])).unwrap_or(pt.mean_before);
            let tail = stats::mean(ys.get(m - fifth..).unwrap_or(&[])).unwrap_or(pt.mean_after);
            let holds = (tail - pt.mean_after).abs() < (tail - pt.mean_before).abs() && (head - pt.mean_before).abs() < (head - pt.mean_after).abs();
            if p < ALPHA && pt.at >= 3 && m - pt.at >= 3 && rss_step < rss_line && holds {
                let (before, after) = (pt.mean_before, pt.mean_after);
                // the first point after the change, in the original series
                let orig = (pt.at * n).div_ceil(m).min(n - 1);
                let spread = stats::std_dev(&ys).unwrap_or(0.0);
                let impact = if spread > 0.0 { 0.4 + 0.6 * ((after - before).abs() / (2.0 * spread)).min(1.0) } else { 0.5 };
                let dir = if after > before { "up" } else { "down" };
                out.push(Insight {
                    kind: "change_point",
                    title: format!("Shift in {mname} around {}", s.label(orig)),
                    text: format!("{} shifted {dir} around {}: from an average of {} before to {} after.", capitalize(mname), s.label(orig), ctx.v(before), ctx.v(after)),
                    score: tested(impact, p),
                    fields: fields.clone(),
                    values: json!({"test": "pettitt (AR(1)-corrected)", "at": s.label(orig), "index": orig, "k": jnum(pt.k), "p": jnum(p), "pUncorrected": jnum(pt.p), "lag1": jnum(r1), "meanBefore": jnum(before), "meanAfter": jnum(after), "n": m, "rssStep": jnum(rss_step), "rssLine": jnum(rss_line), "alpha": ALPHA}),
                    significance: Some(p),
                });
            }
        }
    }
    // points that stand out from their neighbours
    if n >= 12 {
        if let Some((resid, z, flagged)) = stats::series_outliers(&s.values, 3.5) {
            if !flagged.is_empty() && flagged.len() * 20 <= n {
                let mut top: Vec<usize> = flagged.clone();
                top.sort_by(|a, b| z.get(*b).copied().unwrap_or(0.0).abs().total_cmp(&z.get(*a).copied().unwrap_or(0.0).abs()));
                top.truncate(3);
                let parts: Vec<String> = top
                    .iter()
                    .filter_map(|i| {
                        let v = *s.values.get(*i)?;
                        let r = *resid.get(*i)?;
                        Some(format!("{} ({}, {} than the {}s around it)", s.label(*i), ctx.v(v), if r > 0.0 { "higher" } else { "lower" }, unit))
                    })
                    .collect();
                let text = if flagged.len() == 1 {
                    format!("One {unit} stands out: {}.", parts.join(""))
                } else if flagged.len() <= 3 {
                    format!("{} {unit}s stand out: {}.", flagged.len(), parts.join("; "))
                } else {
                    format!("{} {unit}s stand out, most of all {}.", flagged.len(), parts.join("; "))
                };
                out.push(Insight {
                    kind: "series_outlier",
                    title: format!("Unusual {unit}s of {mname}"),
                    text,
                    score: 0.5 + 0.1 * (z.iter().fold(0.0f64, |a, b| a.max(b.abs())) / 10.0).min(1.0),
                    fields: fields.clone(),
                    values: json!({"method": "robust z of residuals from the neighbour median", "threshold": 3.5, "points": flagged.iter().map(|i| json!({"label": s.label(*i), "value": s.values.get(*i).copied().map(jnum), "z": z.get(*i).copied().map(jnum)})).collect::<Vec<_>>()}),
                    significance: None,
                });
            }
        }
    }
    // peak and low
    let (imax, vmax) = argmax(&s.values);
    let (imin, vmin) = argmin(&s.values);
    if n >= 3 && vmax > vmin {
        out.push(Insight {
            kind: "extremes",
            title: format!("Peak and low of {mname}"),
            text: format!("{} peaked at {} {}; the low was {} {}.", capitalize(mname), ctx.v(vmax), s.at(imax), ctx.v(vmin), s.at(imin)),
            score: 0.3,
            fields,
            values: json!({"max": {"label": s.label(imax), "value": jnum(vmax)}, "min": {"label": s.label(imin), "value": jnum(vmin)}}),
            significance: None,
        });
    }
}

/// Index of the point one year before the last (same month and day), when present.
fn year_ago(s: &Series) -> Option<usize> {
    use chrono::Datelike;
    let last = chrono::DateTime::from_timestamp_millis(*s.times.last()? as i64)?.naive_utc();
    let target = match s.period? {
        Period::Week => last - chrono::Duration::days(364),
        Period::Month | Period::Quarter | Period::Day => last.with_year(last.year() - 1)?,
        _ => return None,
    };
    let ms = target.and_utc().timestamp_millis() as f64;
    s.times.iter().position(|t| (*t - ms).abs() < 1.0)
}

fn argmax(v: &[f64]) -> (usize, f64) {
    v.iter().enumerate().fold((0, f64::NEG_INFINITY), |acc, (i, x)| if *x > acc.1 { (i, *x) } else { acc })
}

fn argmin(v: &[f64]) -> (usize, f64) {
    v.iter().enumerate().fold((0, f64::INFINITY), |acc, (i, x)| if *x < acc.1 { (i, *x) } else { acc })
}

/// `rank`: the rows are a top (Some(true)) or bottom (Some(false)) N; `partial`: they may not
/// be all the rows of the answer (shares are of the rows shown).
#[allow(clippy::too_many_arguments)]
fn category_insights(ctx: &Ctx, dim: &Field, c: &Cats, has_time: bool, rank: Option<bool>, partial: bool, out: &mut Vec<Insight>) {
    let n = c.values.len();
    if n < 2 {
        return;
    }
    let dname = humanize(&dim.name);
    let mname = &ctx.mname;
    let fields = vec![dim.name.clone(), ctx.m.name.clone()];
    // the five largest (ties in table order) by selection: a million categories need no sort
    let order: Vec<usize> = crate::chart::reduce::top_n(&c.values, 5).0;
    let lab = |i: usize| c.labels.get(i).map(|l| l.to_string()).unwrap_or_default();
    let val = |i: usize| c.values.get(i).copied().unwrap_or(0.0);
    let (Some(&top), Some(_)) = (order.first(), order.get(1)) else { return };
    let pct = |share: f64| crate::chart::format::fmt_pct_points(share * 100.0);
    let is_percent = matches!(ctx.fmt, NumFormat::Percent { .. });
    if !has_time {
        // a bottom N is read from its lowest value
        let lowest = rank == Some(false);
        let ranked: Vec<usize> = if lowest { crate::chart::reduce::top_n(&c.values.iter().map(|v| -v).collect::<Vec<_>>(), 5).0 } else { order.clone() };
        let (Some(&first), Some(&next)) = (ranked.first(), ranked.get(1)) else { return };
        let plural = looks_plural(mname) && !is_percent;
        let text = match dim.time_unit.as_deref().and_then(fields::unit_period).filter(|_| dim.role == Role::Temporal) {
            // time periods: "The month with the highest total precipitation was Dec 2015 (285)"
            Some(p) => {
                let most = if lowest { "lowest" } else { "highest" };
                if val(first) == val(next) {
                    format!("{} and {} had the {most} {mname}, {} each.", lab(first), lab(next), ctx.v(val(first)))
                } else {
                    format!("The {} with the {most} {mname} was {} ({}), followed by {} ({}).", p.noun(), lab(first), ctx.v(val(first)), lab(next), ctx.v(val(next)))
                }
            }
            None => {
                let most = match (lowest, plural) {
                    (false, true) => format!("the most {mname}"),
                    (false, false) => format!("the largest {mname}"),
                    (true, true) => format!("the fewest {mname}"),
                    (true, false) => format!("the smallest {mname}"),
                };
                if val(first) == val(next) {
                    format!("{} and {} have {most}, {} each.", lab(first), lab(next), ctx.v(val(first)))
                } else {
                    format!("{} has {most}: {}, followed by {} ({}).", lab(first), ctx.v(val(first)), lab(next), ctx.v(val(next)))
                }
            }
        };
        out.push(Insight {
            kind: "ranking",
            title: format!("{} {mname} by {dname}", if lowest { "Lowest" } else { "Highest" }),
            text,
            score: 0.45,
            fields: fields.clone(),
            values: json!({"top": ranked.iter().take(5).map(|i| json!({"label": lab(*i), "value": jnum(val(*i))})).collect::<Vec<_>>(), "count": n, "order": if lowest { "ascending" } else { "descending" }}),
            significance: None,
        });
    }
    let total: f64 = c.values.iter().sum();
    let all_pos = c.values.iter().all(|v| *v >= 0.0);
    // (the largest of a bottom N "leading" says nothing)
    if ctx.m.additive && all_pos && total > 0.0 && rank != Some(false) {
        let share = val(top) / total;
        let majority = share > 0.5;
        // a share's own value already says what part of the whole it is
        // of a part (a top N, cut rows) only a share of the rows shown can be said
        let whole = if partial { format!("{} of the {n} rows shown", the_total(mname)) } else { the_total(mname) };
        if !is_percent {
            out.push(Insight {
                kind: if majority { "majority" } else { "top_contributor" },
                title: format!("{} leads {mname}", lab(top)),
                text: if majority {
                    format!("{} alone accounts for more than half of {whole}: {} of {} ({}).", lab(top), ctx.v(val(top)), ctx.v(total), pct(share))
                } else {
                    format!("{} accounts for {} of {whole} ({} of {}).", lab(top), pct(share), ctx.v(val(top)), ctx.v(total))
                },
                score: if majority { 0.5 + 0.4 * share } else { 0.25 + 0.5 * share },
                fields: fields.clone(),
                values: json!({"label": lab(top), "value": jnum(val(top)), "share": jnum(share), "total": jnum(total), "categories": n, "ofRowsShown": partial}),
                significance: None,
            });
        }
        // how concentrated a whole is cannot be read from a part of it
        if n >= 5 && !partial {
            if let Some((k, covered)) = stats::concentration(&c.values, 0.8) {
                if k >= 2 && k * 2 <= n {
                    let names: Vec<String> = order.iter().take(k.min(5)).map(|i| lab(*i)).collect();
                    let listed = if k <= 5 { format!(" ({})", names.join(", ")) } else { String::new() };
                    let whole = if is_percent { "the whole".to_string() } else { the_total(mname) };
                    out.push(Insight {
                        kind: "concentration",
                        title: format!("{} is concentrated", capitalize(mname)),
                        text: format!("{k} of the {n} {dname} values{listed} together account for {} of {whole}.", pct((covered * 100.0).floor() / 100.0)),
                        score: 0.3 + 0.4 * (1.0 - k as f64 / n as f64),
                        fields: fields.clone(),
                        values: json!({"k": k, "n": n, "share": jnum(covered), "threshold": 0.8, "labels": names}),
                        significance: None,
                    });
                }
            }
        }
    }
    if n >= 8 {
        if let Some(iq) = stats::iqr_outliers(&c.values, 1.5) {
            if !iq.outliers.is_empty() && iq.outliers.len() * 4 <= n {
                let mid = (iq.q1 + iq.q3) / 2.0;
                let mut flagged = iq.outliers.clone();
                flagged.sort_by(|a, b| (val(*b) - mid).abs().total_cmp(&(val(*a) - mid).abs()));
                let parts: Vec<String> = flagged.iter().take(3).map(|i| format!("{} ({})", lab(*i), ctx.v(val(*i)))).collect();
                let high = flagged.iter().all(|i| val(*i) > iq.upper);
                let low = flagged.iter().all(|i| val(*i) < iq.lower);
                let how = if high { "unusually high" } else if low { "unusually low" } else { "far from the rest" };
                let subject = match flagged.len() {
                    1 => format!("{} is {how}", parts.join("")),
                    2 | 3 => format!("{} are {how}", parts.join(" and ")),
                    k => format!("{k} {dname} values are {how}, led by {}", parts.join(", ")),
                };
                let text = format!("{subject}; most {dname} values are between {} and {}.", ctx.v(iq.q1), ctx.v(iq.q3));
                out.push(Insight {
                    kind: "outliers",
                    title: format!("Outlying {dname} values"),
                    text,
                    score: 0.5,
                    fields: fields.clone(),
                    values: json!({"method": "iqr", "k": 1.5, "q1": jnum(iq.q1), "q3": jnum(iq.q3), "lower": jnum(iq.lower), "upper": jnum(iq.upper), "labels": flagged.iter().map(|i| lab(*i)).collect::<Vec<_>>()}),
                    significance: None,
                });
            }
        }
    }
    low_variance(ctx, &c.values, &format!("across the {n} {dname} values"), fields.clone(), out);
    let (imax, vmax) = argmax(&c.values);
    let (imin, vmin) = argmin(&c.values);
    if vmax > vmin && n >= 3 {
        out.push(Insight {
            kind: "extremes",
            title: format!("Range of {mname}"),
            text: format!("{} ranges from {} ({}) to {} ({}).", capitalize(mname), ctx.v(vmin), lab(imin), ctx.v(vmax), lab(imax)),
            score: 0.3,
            fields,
            values: json!({"max": {"label": lab(imax), "value": jnum(vmax)}, "min": {"label": lab(imin), "value": jnum(vmin)}}),
            significance: None,
        });
    }
}

fn low_variance(ctx: &Ctx, values: &[f64], across: &str, fields: Vec<String>, out: &mut Vec<Insight>) {
    if values.len() < 3 || !(values.iter().all(|v| *v > 0.0) || values.iter().all(|v| *v < 0.0)) {
        return;
    }
    let (Some(cv), Some(mean)) = (stats::coefficient_of_variation(values), stats::mean(values)) else { return };
    if cv < 0.05 {
        let spread = values.iter().map(|v| (v - mean).abs() / mean.abs()).fold(0.0f64, f64::max);
        let across = if across.is_empty() { String::new() } else { format!(" {across}") };
        out.push(Insight {
            kind: "low_variance",
            title: format!("{} barely varies", capitalize(&ctx.mname)),
            text: format!("{} varies little{across}: every value is within {} of the average, {}.", capitalize(&ctx.mname), crate::chart::format::fmt_pct_points((spread * 1000.0).ceil() / 10.0), ctx.v(mean)),
            score: 0.25,
            fields,
            values: json!({"cv": jnum(cv), "mean": jnum(mean), "maxRelativeDeviation": jnum(spread)}),
            significance: None,
        });
    }
}

fn value_insights(ctx: &Ctx, values: &[f64], out: &mut Vec<Insight>) {
    let n = values.len();
    let mname = &ctx.mname;
    let fields = vec![ctx.m.name.clone()];
    let count = |k: usize| crate::chart::format::fmt_exact(k as f64);
    if n >= 8 {
        if let Some(iq) = stats::iqr_outliers(values, 1.5) {
            let k = iq.outliers.len();
            if k > 0 && k * 10 <= n {
                let high = iq.outliers.iter().filter(|i| values.get(**i).is_some_and(|v| *v > iq.upper)).count();
                let low = k - high;
                let which = match (high, low) {
                    (_, 0) => format!("unusually high (above {})", ctx.v(iq.upper)),
                    (0, _) => format!("unusually low (below {})", ctx.v(iq.lower)),
                    _ => format!("unusual: {} above {} and {} below {}", count(high), ctx.v(iq.upper), count(low), ctx.v(iq.lower)),
                };
                out.push(Insight {
                    kind: "outliers",
                    title: format!("Unusual values of {mname}"),
                    text: format!("{} of the {} {mname} values {} {which}; the middle half lies between {} and {}.", count(k), count(n), if k == 1 { "is" } else { "are" }, ctx.v(iq.q1), ctx.v(iq.q3)),
                    score: 0.45,
                    fields: fields.clone(),
                    values: json!({"method": "iqr", "k": 1.5, "q1": jnum(iq.q1), "q3": jnum(iq.q3), "lower": jnum(iq.lower), "upper": jnum(iq.upper), "count": k, "high": high, "low": low, "n": n}),
                    significance: None,
                });
            }
        }
    }
    low_variance(ctx, values, "", fields.clone(), out);
    let (_, vmax) = argmax(values);
    let (_, vmin) = argmin(values);
    if n >= 2 && vmax > vmin {
        let med = stats::median(values).unwrap_or(0.0);
        out.push(Insight {
            kind: "extremes",
            title: format!("Range of {mname}"),
            text: format!("Across {} rows, {mname} ranges from {} to {}, with a median of {}.", count(n), ctx.v(vmin), ctx.v(vmax), ctx.v(med)),
            score: 0.35,
            fields,
            values: json!({"min": jnum(vmin), "max": jnum(vmax), "median": jnum(med), "n": n}),
            significance: None,
        });
    }
}

fn correlation(t: &RowTable, measures: &[&Field], out: &mut Vec<Insight>) {
    let cols: Vec<Vec<f64>> = measures.iter().take(4).map(|m| t.numbers(m.index).into_iter().map(|v| v.unwrap_or(f64::NAN)).collect()).collect();
    let mut best: Option<(usize, usize, stats::Pearson)> = None;
    for i in 0..cols.len() {
        for j in (i + 1)..cols.len() {
            let (Some(a), Some(b)) = (cols.get(i), cols.get(j)) else { continue };
            if let Some(p) = stats::pearson(a, b) {
                if p.n >= 10 && p.p < ALPHA && p.r.abs() >= 0.3 && best.as_ref().map_or(true, |(_, _, q)| p.r.abs() > q.r.abs()) {
                    best = Some((i, j, p));
                }
            }
        }
    }
    let Some((i, j, p)) = best else { return };
    let (Some(a), Some(b)) = (measures.get(i), measures.get(j)) else { return };
    let (an, bn) = (humanize(&a.name), humanize(&b.name));
    let strength = if p.r.abs() >= 0.7 { "strongly" } else if p.r.abs() >= 0.5 { "clearly" } else { "somewhat" };
    let text = if p.r > 0.0 {
        format!("{} and {bn} are {strength} related: rows with a higher {an} tend to have a higher {bn} (correlation {:.2}, {} rows).", capitalize(&an), p.r, crate::chart::format::fmt_exact(p.n as f64))
    } else {
        format!("{} and {bn} are {strength} related: rows with a higher {an} tend to have a lower {bn} (correlation {:.2}, {} rows).", capitalize(&an), p.r, crate::chart::format::fmt_exact(p.n as f64))
    };
    out.push(Insight {
        kind: "correlation",
        title: format!("{} and {bn}", capitalize(&an)),
        text,
        score: tested(p.r.abs(), p.p),
        fields: vec![a.name.clone(), b.name.clone()],
        values: json!({"test": "pearson", "r": jnum(p.r), "p": jnum(p.p), "n": p.n, "alpha": ALPHA}),
        significance: Some(p.p),
    });
}

#[cfg(test)]
mod fixture_tests;
#[cfg(test)]
mod tests;
