//! Statistics over a result table, and the narration built from them.
//!
//! Each [`Insight`] is `{kind, title, text, score, fields, values, significance?}`, ranked by
//! score. This first set is descriptive and exact (extremes and where they occur, the top
//! contributor's share, first-to-last change over time); no claim is made that the numbers do
//! not show. Deterministic: same table, same insights, same text. Never panics.

use serde::Serialize;
use serde_json::{json, Value};

use crate::chart::{role, Role};
use crate::error::Result;
use crate::table::RowTable;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Insight {
    pub kind: &'static str,
    pub title: String,
    pub text: String,
    /// Ranking score in [0, 1]: impact × significance.
    pub score: f64,
    pub fields: Vec<String>,
    pub values: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub significance: Option<f64>,
}

/// Formats a number for people: thousands separators, at most two decimals, and
/// K/M/B for large magnitudes.
pub fn fmt_num(v: f64) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    let a = v.abs();
    let (scaled, suffix) = if a >= 1e9 {
        (v / 1e9, "B")
    } else if a >= 1e6 {
        (v / 1e6, "M")
    } else if a >= 1e4 {
        (v / 1e3, "K")
    } else {
        (v, "")
    };
    let decimals = if suffix.is_empty() && scaled.fract().abs() < 1e-9 { 0 } else if scaled.abs() >= 100.0 { 0 } else if scaled.abs() >= 10.0 { 1 } else { 2 };
    let s = format!("{scaled:.decimals$}");
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s };
    let (sign, digits) = s.strip_prefix('-').map_or(("", s.as_str()), |d| ("-", d));
    let (int, frac) = digits.split_once('.').map_or((digits, None), |(i, f)| (i, Some(f)));
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}{suffix}"),
        None => format!("{sign}{grouped}{suffix}"),
    }
}

fn pct(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

struct Columns {
    dim: Option<usize>,
    temporal: bool,
    measure: Option<usize>,
}

fn pick(t: &RowTable) -> Columns {
    let roles: Vec<Role> = t.columns.iter().map(|c| role(c.kind)).collect();
    let temporal = roles.iter().position(|r| *r == Role::Temporal);
    let category = roles.iter().position(|r| *r == Role::Category);
    let measure = roles.iter().position(|r| *r == Role::Measure);
    Columns { dim: temporal.or(category), temporal: temporal.is_some(), measure }
}

/// Insights about `t`, best first.
pub fn find(t: &RowTable) -> Result<Vec<Insight>> {
    let cols = pick(t);
    let Some(m) = cols.measure else { return Ok(Vec::new()) };
    let mname = t.columns.get(m).map(|c| c.name.clone()).unwrap_or_default();
    let values = t.numbers(m);
    let present: Vec<(usize, f64)> = values.iter().enumerate().filter_map(|(i, v)| v.map(|v| (i, v))).collect();
    if present.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    let Some(d) = cols.dim else {
        if present.len() == 1 {
            let v = present[0].1;
            out.push(Insight { kind: "value", title: mname.clone(), text: format!("{mname} is {}.", fmt_num(v)), score: 1.0, fields: vec![mname], values: json!({"value": v}), significance: None });
        }
        return Ok(out);
    };
    let dname = t.columns.get(d).map(|c| c.name.clone()).unwrap_or_default();
    let labels = t.labels(d);
    let label = |i: usize| labels.get(i).cloned().unwrap_or_default();
    let n = present.len();

    if cols.temporal && n >= 2 {
        // first → last over time (the table may not be sorted)
        let mut by_time = present.clone();
        by_time.sort_by(|a, b| label(a.0).cmp(&label(b.0)));
        if let (Some(&(fi, fv)), Some(&(li, lv))) = (by_time.first(), by_time.last()) {
            let change = if fv != 0.0 { Some((lv - fv) / fv.abs()) } else { None };
            let dir = if lv > fv { "rose" } else if lv < fv { "fell" } else { "was unchanged" };
            let text = match change {
                Some(c) if lv != fv => format!("{mname} {dir} from {} ({}) to {} ({}), {}{}.", fmt_num(fv), label(fi), fmt_num(lv), label(li), if c > 0.0 { "+" } else { "" }, pct(c)),
                _ => format!("{mname} {dir} from {} ({}) to {} ({}).", fmt_num(fv), label(fi), fmt_num(lv), label(li)),
            };
            let score = change.map_or(0.5, |c| (0.5 + c.abs()).min(1.0));
            out.push(Insight { kind: "change", title: format!("{mname} over {dname}"), text, score, fields: vec![dname.clone(), mname.clone()], values: json!({"first": fv, "last": lv, "from": label(fi), "to": label(li), "change": change}), significance: None });
        }
    }
    if !cols.temporal && n >= 2 && present.iter().all(|(_, v)| *v >= 0.0) {
        let total: f64 = present.iter().map(|(_, v)| v).sum();
        if total > 0.0 {
            if let Some(&(ti, tv)) = present.iter().max_by(|a, b| a.1.total_cmp(&b.1)) {
                let share = tv / total;
                out.push(Insight {
                    kind: "top_contributor",
                    title: format!("Largest {dname}"),
                    text: format!("{} has the largest {mname}: {} ({} of the total {}).", label(ti), fmt_num(tv), pct(share), fmt_num(total)),
                    score: (0.4 + share).min(1.0),
                    fields: vec![dname.clone(), mname.clone()],
                    values: json!({"label": label(ti), "value": tv, "share": share, "total": total}),
                    significance: None,
                });
            }
        }
    }
    if n >= 2 {
        if let (Some(&(ai, av)), Some(&(bi, bv))) = (present.iter().max_by(|a, b| a.1.total_cmp(&b.1)), present.iter().min_by(|a, b| a.1.total_cmp(&b.1))) {
            if av != bv {
                out.push(Insight {
                    kind: "extremes",
                    title: format!("Range of {mname}"),
                    text: format!("{mname} is highest for {} ({}) and lowest for {} ({}).", label(ai), fmt_num(av), label(bi), fmt_num(bv)),
                    score: 0.3,
                    fields: vec![dname.clone(), mname.clone()],
                    values: json!({"max": {"label": label(ai), "value": av}, "min": {"label": label(bi), "value": bv}}),
                    significance: None,
                });
            }
        }
    }
    out.sort_by(|a, b| b.score.total_cmp(&a.score));
    Ok(out)
}

/// Two to four plain sentences: the answer first, then the strongest insights.
pub fn narrate(t: &RowTable, insights: &[Insight]) -> Result<String> {
    let mut sentences: Vec<String> = Vec::new();
    let rows = t.row_count;
    if insights.first().is_some_and(|i| i.kind == "value") {
        sentences.extend(insights.iter().take(1).map(|i| i.text.clone()));
    } else {
        sentences.push(format!("The result has {} row{}.", fmt_num(rows as f64), if rows == 1 { "" } else { "s" }));
        sentences.extend(insights.iter().take(3).map(|i| i.text.clone()));
    }
    Ok(sentences.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::*;

    fn table(df: DataFrame) -> RowTable {
        RowTable::from_frame(&df).unwrap()
    }

    #[test]
    fn numbers_for_people() {
        assert_eq!(fmt_num(1234.0), "1,234");
        assert_eq!(fmt_num(1234.567), "1,235");
        assert_eq!(fmt_num(3.14159), "3.14");
        assert_eq!(fmt_num(42.26), "42.3");
        assert_eq!(fmt_num(-0.5), "-0.5");
        assert_eq!(fmt_num(12_345.0), "12.3K");
        assert_eq!(fmt_num(1_200_000.0), "1.2M");
        assert_eq!(fmt_num(2_000_000_000.0), "2B");
        assert_eq!(fmt_num(0.0), "0");
    }

    #[test]
    fn top_contributor_and_extremes() {
        let t = table(df!("region" => ["N", "S", "W"], "sales" => [50.0, 30.0, 20.0]).unwrap());
        let ins = find(&t).unwrap();
        assert_eq!(ins[0].kind, "top_contributor");
        assert_eq!(ins[0].text, "N has the largest sales: 50 (50.0% of the total 100).");
        assert!(ins.iter().any(|i| i.kind == "extremes" && i.text.contains("lowest for W (20)")));
        let text = narrate(&t, &ins).unwrap();
        assert!(text.starts_with("The result has 3 rows. N has the largest sales"), "{text}");
    }

    #[test]
    fn change_over_time_and_single_value() {
        let d = df!("year" => ["2021-01-01", "2019-01-01"], "spend" => [2_000_000.0, 1_200_000.0]).unwrap();
        let d = d.lazy().with_column(col("year").str().to_date(StrptimeOptions::default())).collect().unwrap();
        let ins = find(&table(d)).unwrap();
        assert_eq!(ins[0].kind, "change");
        assert_eq!(ins[0].text, "spend rose from 1.2M (2019-01-01) to 2M (2021-01-01), +66.7%.");
        let one = table(df!("total" => [42]).unwrap());
        let ins = find(&one).unwrap();
        assert_eq!(narrate(&one, &ins).unwrap(), "total is 42.");
        assert!(find(&table(df!("a" => ["x"]).unwrap())).unwrap().is_empty());
    }
}
