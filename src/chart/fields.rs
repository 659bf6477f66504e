//! What each result column is for a chart and for the insights: its role (time, cycle,
//! category, ordinal, bin, measure), its number format, whether its values add up, and the
//! time values parsed. Shared by `chart` and `insight` so both read a table the same way.
//!
//! Sources, strongest first: the question's intent (dimensions with `timeUnit`/`bin`, measures
//! with `aggregate`/`calc`), the column type, then the column name and values. The intent is read
//! through its serialized form, so this module follows the contract, not the Rust type.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use serde_json::Value;

use crate::question::Intent;
use crate::table::{Cell, RowTable};

/// Where a position in a cycle is counted (month of year, day of week, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cycle {
    MonthOfYear,
    DayOfWeek,
    HourOfDay,
    QuarterOfYear,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Points in time (date/datetime columns, ISO text, integer years).
    Temporal,
    /// Positions in a cycle (extractions): ordinal, shown as bars in their natural order.
    Cyclic(Cycle),
    /// Nominal values (text, booleans, ids).
    Category,
    /// Ordered values that are not measured quantities (small unique integer keys, times of day).
    Ordinal,
    /// A binned numeric dimension (histogram).
    Bin,
    /// A quantity to plot.
    Measure,
    /// Nothing to plot (lists, structs, binary, all-null).
    Other,
}

impl Role {
    pub fn is_dimension(self) -> bool {
        !matches!(self, Role::Measure | Role::Other)
    }
}

/// How a measure's numbers are written.
#[derive(Debug, Clone, PartialEq)]
pub enum NumFormat {
    Plain,
    /// Percentages; `fraction` when stored as 0..1 (shown ×100).
    Percent { fraction: bool },
    /// Money; the symbol only when the column names the currency.
    Currency { symbol: Option<&'static str> },
}

/// The granularity of a time column (median spacing of its distinct values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Year,
    Quarter,
    Month,
    Week,
    Day,
    Hour,
    Minute,
    Second,
}

impl Period {
    pub fn noun(self) -> &'static str {
        match self {
            Period::Year => "year",
            Period::Quarter => "quarter",
            Period::Month => "month",
            Period::Week => "week",
            Period::Day => "day",
            Period::Hour => "hour",
            Period::Minute => "minute",
            Period::Second => "second",
        }
    }

    pub fn approx_ms(self) -> f64 {
        const DAY: f64 = 86_400_000.0;
        match self {
            Period::Year => 365.2425 * DAY,
            Period::Quarter => 91.310_625 * DAY,
            Period::Month => 30.436_875 * DAY,
            Period::Week => 7.0 * DAY,
            Period::Day => DAY,
            Period::Hour => 3_600_000.0,
            Period::Minute => 60_000.0,
            Period::Second => 1_000.0,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Field {
    pub index: usize,
    pub name: String,
    pub role: Role,
    /// The intent's aggregate for a measure (`sum`, `avg`, ...), when known.
    pub aggregate: Option<String>,
    /// The intent's time unit for a dimension (`month`, `day_of_week`, ...), when known.
    pub time_unit: Option<String>,
    /// The intent's bin width for a dimension, when known.
    pub bin: Option<f64>,
    pub format: NumFormat,
    /// Values of this measure add up to a meaningful total (sums and counts, not averages).
    pub additive: bool,
    /// Distinct non-null values of a dimension (counting stops at 100,000); not counted (0) for
    /// measures, except a leading column of a result of at most 30 rows (a possible key).
    pub distinct: usize,
}

/// Name split into lowercase words ("Worldwide_Gross" → ["worldwide", "gross"];
/// "avgPrice" → ["avg", "price"]).
pub fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for ch in name.chars() {
        if ch.is_alphanumeric() {
            if ch.is_uppercase() && prev_lower && !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = ch.is_lowercase() || ch.is_ascii_digit();
            cur.extend(ch.to_lowercase());
        } else {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            if matches!(ch, '%' | '$' | '€' | '£') {
                out.push(ch.to_string());
            }
            prev_lower = false;
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn has_word(ws: &[String], any: &[&str]) -> bool {
    ws.iter().any(|w| any.contains(&w.as_str()))
}

const NON_ADDITIVE: &[&str] = &[
    "avg", "average", "mean", "median", "min", "max", "minimum", "maximum", "rate", "ratio", "pct", "percent",
    "percentage", "std", "stddev", "var", "variance", "per", "index", "score", "temp", "temperature", "price",
    "lat", "latitude", "lon", "lng", "longitude", "rating", "age",
];
const MONEY: &[&str] = &[
    "usd", "eur", "gbp", "jpy", "dollar", "dollars", "euro", "euros", "$", "€", "£", "price", "cost", "costs",
    "revenue", "revenues", "spend", "spending", "salary", "salaries", "income", "budget", "profit", "profits", "fee",
    "fees", "fare", "fares", "gross", "wage", "wages", "payment", "payments",
];

fn currency_symbol(ws: &[String]) -> Option<&'static str> {
    if has_word(ws, &["usd", "dollar", "dollars", "$"]) {
        Some("$")
    } else if has_word(ws, &["eur", "euro", "euros", "€"]) {
        Some("€")
    } else if has_word(ws, &["gbp", "£"]) {
        Some("£")
    } else if has_word(ws, &["jpy", "yen"]) {
        Some("¥")
    } else {
        None
    }
}

/// The common shapes of [`parse_time_ms`] read by hand (a million timestamps are parsed per
/// chart): `YYYY-MM-DD` and `YYYY-MM-DD[T ]HH:MM[:SS[.fff…]]` with no zone. None for anything
/// else (other shapes, zones, invalid dates), which then takes the general path.
fn naive_iso_ms(b: &[u8]) -> Option<f64> {
    let num = |r: std::ops::Range<usize>| -> Option<u32> { b.get(r)?.iter().try_fold(0u32, |a, c| c.is_ascii_digit().then(|| a * 10 + u32::from(c - b'0'))) };
    let sep = |i: usize, c: u8| b.get(i) == Some(&c);
    if b.len() < 10 || !sep(4, b'-') || !sep(7, b'-') {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(i32::try_from(num(0..4)?).ok()?, num(5..7)?, num(8..10)?)?;
    let day_ms = date.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis() as f64;
    if b.len() == 10 {
        return Some(day_ms);
    }
    if !matches!(b.get(10), Some(b'T' | b' ')) || !sep(13, b':') {
        return None;
    }
    let (h, mi) = (num(11..13)?, num(14..16)?);
    let (sec, frac_ms) = match b.len() {
        16 => (0, 0.0),
        n if n >= 19 && sep(16, b':') => {
            let sec = num(17..19)?;
            let frac = match n {
                19 => 0.0,
                _ if sep(19, b'.') && n > 20 => {
                    let digits = b.get(20..)?;
                    if !digits.iter().all(u8::is_ascii_digit) {
                        return None;
                    }
                    // milliseconds, truncated as chrono's timestamp_millis does
                    let ms3: u32 = (0..3).map(|k| digits.get(k).map_or(0, |c| u32::from(c - b'0'))).fold(0, |a, d| a * 10 + d);
                    f64::from(ms3)
                }
                _ => return None,
            };
            (sec, frac)
        }
        _ => return None,
    };
    if h > 23 || mi > 59 || sec > 59 {
        return None;
    }
    Some(day_ms + f64::from((h * 60 + mi) * 60 + sec) * 1000.0 + frac_ms)
}

/// Parses ISO 8601 text (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS[.f]][Z|±HH:MM]`)
/// into milliseconds since the epoch (UTC; naive values are read as UTC).
pub fn parse_time_ms(s: &str) -> Option<f64> {
    let s = s.trim();
    if let Some(ms) = naive_iso_ms(s.as_bytes()) {
        return Some(ms);
    }
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    if !digits(0..4) {
        return None;
    }
    let ms_of = |d: NaiveDateTime| d.and_utc().timestamp_millis() as f64;
    match b.len() {
        4 => {
            let y: i32 = s.parse().ok()?;
            NaiveDate::from_ymd_opt(y, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0)).map(ms_of)
        }
        7 if b.get(4) == Some(&b'-') && digits(5..7) => {
            let y: i32 = s.get(0..4)?.parse().ok()?;
            let m: u32 = s.get(5..7)?.parse().ok()?;
            NaiveDate::from_ymd_opt(y, m, 1).and_then(|d| d.and_hms_opt(0, 0, 0)).map(ms_of)
        }
        10 => NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0)).map(ms_of),
        n if n > 10 && matches!(b.get(10), Some(b'T' | b' ')) => {
            if let Ok(d) = chrono::DateTime::parse_from_rfc3339(&s.replacen(' ', "T", 1)) {
                return Some(d.timestamp_millis() as f64);
            }
            let body = s.trim_end_matches('Z');
            for f in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d %H:%M"] {
                if let Ok(d) = NaiveDateTime::parse_from_str(body, f) {
                    return Some(ms_of(d));
                }
            }
            None
        }
        _ => None,
    }
}

/// A cell as a time in ms (ISO text; integer years for year columns).
pub fn cell_time_ms(c: Option<&Cell>, int_years: bool) -> Option<f64> {
    match c? {
        Cell::Str(s) => parse_time_ms(s),
        Cell::Int(y) if int_years && (1..=9999).contains(y) => {
            NaiveDate::from_ymd_opt(i32::try_from(*y).ok()?, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0)).map(|d| d.and_utc().timestamp_millis() as f64)
        }
        _ => None,
    }
}

/// The granularity of sorted, distinct times (median spacing).
pub fn detect_period(sorted_ms: &[f64]) -> Option<Period> {
    let mut gaps: Vec<f64> = sorted_ms.windows(2).filter_map(|w| match w {
        [a, b] if b > a => Some(b - a),
        _ => None,
    })
    .collect();
    if gaps.is_empty() {
        return None;
    }
    gaps.sort_by(f64::total_cmp);
    let g = *gaps.get(gaps.len() / 2)?;
    const DAY: f64 = 86_400_000.0;
    Some(if g >= 300.0 * DAY {
        Period::Year
    } else if g >= 80.0 * DAY {
        Period::Quarter
    } else if g >= 26.0 * DAY {
        Period::Month
    } else if g >= 6.0 * DAY {
        Period::Week
    } else if g >= 0.9 * DAY {
        Period::Day
    } else if g >= 3_000_000.0 {
        Period::Hour
    } else if g >= 50_000.0 {
        Period::Minute
    } else {
        Period::Second
    })
}

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// A time for people, at the precision of `period` ("2021", "Q2 2021", "Mar 2021",
/// "Mar 5, 2021", "Mar 5, 2021 14:00").
pub fn fmt_time(ms: f64, period: Option<Period>) -> String {
    let Some(d) = chrono::DateTime::from_timestamp_millis(ms as i64).map(|d| d.naive_utc()) else {
        return String::new();
    };
    let mon = MONTHS.get(d.month0() as usize).copied().unwrap_or("");
    match period {
        Some(Period::Year) => format!("{}", d.year()),
        Some(Period::Quarter) => format!("Q{} {}", d.month0() / 3 + 1, d.year()),
        Some(Period::Month) => format!("{mon} {}", d.year()),
        Some(Period::Hour | Period::Minute) => format!("{mon} {}, {} {:02}:{:02}", d.day(), d.year(), d.hour(), d.minute()),
        Some(Period::Second) => format!("{mon} {}, {} {:02}:{:02}:{:02}", d.day(), d.year(), d.hour(), d.minute(), d.second()),
        _ => format!("{mon} {}, {}", d.day(), d.year()),
    }
}

/// A position in a cycle as a label ("Mar", "Tue", "14:00", "Q3"); `sunday_zero` for
/// day-of-week numbering 0 = Sunday.
pub fn cycle_label(cycle: Cycle, v: i64, sunday_zero: bool) -> Option<String> {
    match cycle {
        Cycle::MonthOfYear => MONTHS.get(usize::try_from(v.checked_sub(1)?).ok()?).map(|s| s.to_string()),
        Cycle::DayOfWeek => {
            let i = if sunday_zero { (v + 6).rem_euclid(7) } else { v.checked_sub(1)? };
            DAYS.get(usize::try_from(i).ok()?).map(|s| s.to_string())
        }
        Cycle::HourOfDay => (0..24).contains(&v).then(|| format!("{v:02}:00")),
        Cycle::QuarterOfYear => (1..=4).contains(&v).then(|| format!("Q{v}")),
    }
}

/// Sort key of a cycle label given as text (month/day names), or None.
pub fn cycle_rank(cycle: Cycle, s: &str) -> Option<usize> {
    let l = s.trim().to_lowercase();
    let key = l.get(0..3)?;
    match cycle {
        Cycle::MonthOfYear => MONTHS.iter().position(|m| m.to_lowercase() == key),
        Cycle::DayOfWeek => DAYS.iter().position(|d| d.to_lowercase() == key),
        _ => None,
    }
}

fn text_cycle(values: &[&str]) -> Option<Cycle> {
    if values.is_empty() {
        return None;
    }
    let full_or_short = |s: &str, names: &[&str], full: &[&str]| {
        let l = s.trim().to_lowercase();
        names.iter().any(|n| n.to_lowercase() == l) || full.contains(&l.as_str())
    };
    const MONTH_FULL: [&str; 12] = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];
    const DAY_FULL: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
    if values.iter().all(|v| full_or_short(v, &MONTHS, &MONTH_FULL)) {
        Some(Cycle::MonthOfYear)
    } else if values.iter().all(|v| full_or_short(v, &DAYS, &DAY_FULL)) {
        Some(Cycle::DayOfWeek)
    } else {
        None
    }
}

/// The intent as JSON (its serialized contract), or Null.
pub fn intent_json(intent: Option<&Intent>) -> Value {
    intent.and_then(|i| serde_json::to_value(i).ok()).unwrap_or(Value::Null)
}

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// The intent's dimension matching column `name` (same field name, or the field's name inside
/// the column's, e.g. `month_date` for `date` with a month unit).
fn intent_dimension<'a>(intent: &'a Value, name: &str) -> Option<&'a Value> {
    let dims = intent.get("dimensions")?.as_array()?;
    let lname = name.to_lowercase();
    dims.iter().find(|d| str_of(d, "field").is_some_and(|f| f.eq_ignore_ascii_case(name))).or_else(|| {
        dims.iter().find(|d| str_of(d, "field").is_some_and(|f| !f.is_empty() && lname.contains(&f.to_lowercase())))
    })
}

/// The intent's measure for output column `name`: by alias, then `{aggregate}_{field}`
/// spellings, then by position among the measure columns (`measure_pos`).
fn intent_measure<'a>(intent: &'a Value, name: &str, measure_pos: usize) -> Option<&'a Value> {
    let ms = intent.get("measures")?.as_array()?;
    let lname = name.to_lowercase();
    ms.iter()
        .find(|m| str_of(m, "as").is_some_and(|a| a.eq_ignore_ascii_case(name)))
        .or_else(|| {
            ms.iter().find(|m| {
                let (Some(f), Some(a)) = (str_of(m, "field"), str_of(m, "aggregate")) else { return false };
                let f = f.to_lowercase();
                lname == f || lname == format!("{a}_{f}") || lname == format!("{a}({f})") || (f == "*" && lname.contains("count"))
            })
        })
        .or_else(|| if str_of(ms.get(measure_pos)?, "as").is_none() { ms.get(measure_pos) } else { None })
}

fn time_unit_cycle(unit: &str) -> Option<Cycle> {
    match unit {
        "month_of_year" => Some(Cycle::MonthOfYear),
        "day_of_week" => Some(Cycle::DayOfWeek),
        "hour_of_day" => Some(Cycle::HourOfDay),
        "quarter_of_year" => Some(Cycle::QuarterOfYear),
        _ => None,
    }
}

/// Integer values all within `lo..=hi`.
fn ints_within(t: &RowTable, c: usize, lo: i64, hi: i64) -> bool {
    let mut any = false;
    for r in 0..t.row_count {
        match t.cell(r, c) {
            Some(Cell::Int(v)) if (lo..=hi).contains(v) => any = true,
            Some(Cell::Null) | None => {}
            _ => return false,
        }
    }
    any
}

fn name_cycle(ws: &[String]) -> Option<Cycle> {
    let joined = ws.join("_");
    if matches!(joined.as_str(), "month" | "month_of_year" | "mon" | "mo" | "month_num" | "month_number") {
        Some(Cycle::MonthOfYear)
    } else if matches!(joined.as_str(), "dow" | "day_of_week" | "weekday" | "isodow" | "week_day" | "wday") {
        Some(Cycle::DayOfWeek)
    } else if matches!(joined.as_str(), "hour" | "hour_of_day" | "hr") {
        Some(Cycle::HourOfDay)
    } else if matches!(joined.as_str(), "quarter" | "qtr" | "quarter_of_year") {
        Some(Cycle::QuarterOfYear)
    } else {
        None
    }
}

fn is_year_name(ws: &[String]) -> bool {
    matches!(ws.last().map(String::as_str), Some("year" | "yr" | "years")) && ws.len() <= 2
}

/// Distinct non-null values of column `c` (stops counting at `cap`). Hashes the cells in
/// place (no per-value allocation), so it stays cheap on a million rows.
pub fn distinct_count(t: &RowTable, c: usize, cap: usize) -> usize {
    use super::hash::FastSet;
    let mut strs: FastSet<&str> = FastSet::default();
    let mut nums: FastSet<u64> = FastSet::default();
    let mut bools = [false; 2];
    let mut other: FastSet<String> = FastSet::default();
    for r in 0..t.row_count {
        match t.cell(r, c) {
            Some(Cell::Null) | None => continue,
            Some(Cell::Str(s)) => {
                strs.insert(s.as_str());
            }
            Some(Cell::Int(i)) => {
                nums.insert((*i as f64).to_bits());
            }
            Some(Cell::Float(f)) => {
                nums.insert(if *f == 0.0 { 0f64.to_bits() } else { f.to_bits() });
            }
            Some(Cell::Bool(b)) => {
                if let Some(x) = bools.get_mut(usize::from(*b)) {
                    *x = true;
                }
            }
            Some(v) => {
                other.insert(serde_json::to_string(v).unwrap_or_default());
            }
        }
        if strs.len() + nums.len() + other.len() >= cap {
            break;
        }
    }
    strs.len() + nums.len() + other.len() + bools.iter().filter(|b| **b).count()
}

/// The first `k` non-empty text values of column `c`.
fn text_sample(t: &RowTable, c: usize, k: usize) -> Vec<&str> {
    (0..t.row_count)
        .filter_map(|r| match t.cell(r, c) {
            Some(Cell::Str(s)) if !s.is_empty() => Some(s.as_str()),
            _ => None,
        })
        .take(k)
        .collect()
}

/// The roles and formats of every column of `t`.
pub fn analyze(t: &RowTable, intent: Option<&Intent>) -> Vec<Field> {
    let ij = intent_json(intent);
    let mut fields: Vec<Field> = Vec::with_capacity(t.columns.len());
    let mut measure_pos = 0usize;
    for (c, info) in t.columns.iter().enumerate() {
        let ws = words(&info.name);
        let dim = intent_dimension(&ij, &info.name);
        let time_unit = dim.and_then(|d| str_of(d, "timeUnit")).map(str::to_string);
        let bin = dim.and_then(|d| d.get("bin")).and_then(Value::as_f64);
        let numeric = matches!(info.kind, "integer" | "number" | "decimal" | "duration");
        let mut role = match info.kind {
            "date" | "datetime" => Role::Temporal,
            "time" => Role::Ordinal,
            "string" => {
                let sample = text_sample(t, c, 200);
                if !sample.is_empty() && sample.iter().all(|s| s.len() >= 7 && parse_time_ms(s).is_some()) {
                    Role::Temporal
                } else if let Some(cy) = text_cycle(&sample) {
                    Role::Cyclic(cy)
                } else {
                    Role::Category
                }
            }
            "boolean" => Role::Category,
            _ if numeric => Role::Measure,
            _ => Role::Other,
        };
        if numeric {
            if let Some(unit) = time_unit.as_deref() {
                role = match time_unit_cycle(unit) {
                    Some(cy) => Role::Cyclic(cy),
                    None if unit == "year" && ints_within(t, c, 1, 9999) => Role::Temporal,
                    None => Role::Ordinal,
                };
            } else if bin.is_some() {
                role = Role::Bin;
            } else if dim.is_some() {
                role = Role::Ordinal;
            } else if info.kind == "integer" {
                if is_year_name(&ws) && ints_within(t, c, 1000, 3000) {
                    role = Role::Temporal;
                } else if let Some(cy) = name_cycle(&ws) {
                    let ok = match cy {
                        Cycle::MonthOfYear => ints_within(t, c, 1, 12),
                        Cycle::DayOfWeek => ints_within(t, c, 0, 7),
                        Cycle::HourOfDay => ints_within(t, c, 0, 23),
                        Cycle::QuarterOfYear => ints_within(t, c, 1, 4),
                    };
                    if ok {
                        role = Role::Cyclic(cy);
                    }
                } else if ws.last().is_some_and(|w| w == "id") || ws.iter().any(|w| w == "code" || w == "zip") {
                    role = Role::Category;
                }
            }
            if role == Role::Measure && ws.iter().any(|w| w == "bin" || w == "bucket" || w == "bins" || w == "buckets") {
                role = Role::Bin;
            }
        }
        let measure = if role == Role::Measure {
            let m = intent_measure(&ij, &info.name, measure_pos);
            measure_pos += 1;
            m
        } else {
            None
        };
        let aggregate = measure.and_then(|m| str_of(m, "aggregate")).map(str::to_string);
        let calc = measure.and_then(|m| str_of(m, "calc"));
        let nums = if role == Role::Measure { t.numbers(c) } else { Vec::new() };
        let all_fraction = !nums.is_empty() && nums.iter().flatten().all(|v| v.abs() <= 1.0);
        let format = if role != Role::Measure {
            NumFormat::Plain
        } else if calc.is_some() || has_word(&ws, &["pct", "percent", "percentage", "share", "%"]) {
            NumFormat::Percent { fraction: all_fraction }
        } else if has_word(&ws, MONEY) {
            NumFormat::Currency { symbol: currency_symbol(&ws) }
        } else {
            NumFormat::Plain
        };
        let additive = match aggregate.as_deref() {
            Some("sum" | "count" | "count_distinct") => calc.is_none(),
            Some("none") | None => calc == Some("share") || (!has_word(&ws, NON_ADDITIVE) && !matches!(format, NumFormat::Percent { .. })) || has_word(&ws, &["share"]),
            Some(_) => false,
        };
        // distinct values matter for dimensions (and a small leading key); counting them on every
        // measure of a million rows would cost more than the rest of the stage
        let distinct = if role.is_dimension() || (c == 0 && t.row_count <= 30) { distinct_count(t, c, 100_000) } else { 0 };
        fields.push(Field { index: c, name: info.name.clone(), role, aggregate, time_unit, bin, format, additive, distinct });
    }
    // A first integer column of distinct values followed by measures is the key of a grouped
    // result (e.g. cylinders → average mpg), not a quantity: with no other dimension it becomes
    // ordinal (≤ 30 values).
    let dims = fields.iter().filter(|f| f.role.is_dimension()).count();
    let measures = fields.iter().filter(|f| f.role == Role::Measure).count();
    if let Some(first) = fields.first_mut() {
        let is_int = t.columns.first().is_some_and(|c| c.kind == "integer");
        if dims == 0 && measures >= 2 && is_int && first.role == Role::Measure && first.aggregate.is_none() && first.distinct == t.row_count && t.row_count <= 30 && t.row_count >= 2 {
            first.role = Role::Ordinal;
        }
    }
    fields
}

/// A top-N or bottom-N: the intent sorts by one of the result's measures and keeps the first
/// `limit` rows. `Some(descending)`; None otherwise (no limit, no sort, or a sort by a
/// dimension such as time). Such a result is a ranking whatever its dimension is: a top 5 of
/// months is five months in the order of their values, not a trend.
pub fn ranking(intent: Option<&Intent>, fs: &[Field]) -> Option<bool> {
    let ij = intent_json(intent);
    ij.get("limit").and_then(Value::as_u64)?;
    let sort = ij.get("sort")?;
    let field = str_of(sort, "field")?;
    fs.iter().any(|f| f.role == Role::Measure && f.name == field).then(|| sort.get("descending").and_then(Value::as_bool).unwrap_or(false))
}

/// The period a time unit names ("month" → [`Period::Month`]).
pub fn unit_period(unit: &str) -> Option<Period> {
    Some(match unit {
        "year" => Period::Year,
        "quarter" => Period::Quarter,
        "month" => Period::Month,
        "week" => Period::Week,
        "day" | "date" => Period::Day,
        "hour" => Period::Hour,
        "minute" => Period::Minute,
        "second" => Period::Second,
        _ => return None,
    })
}

/// The label of a time period cell at the precision of the field's time unit ("Dec 2015" for a
/// month), or None when the field is not temporal, has no unit, or the cell is not a time.
pub fn period_label(t: &RowTable, f: &Field, r: usize) -> Option<String> {
    if f.role != Role::Temporal {
        return None;
    }
    let period = unit_period(f.time_unit.as_deref()?)?;
    let int_years = t.columns.get(f.index).is_some_and(|c| c.kind == "integer");
    let ms = cell_time_ms(t.cell(r, f.index), int_years)?;
    let label = fmt_time(ms, Some(period));
    (!label.is_empty()).then_some(label)
}

/// Times of column `c` in ms (None where a value does not parse).
pub fn times(t: &RowTable, c: usize) -> Vec<Option<f64>> {
    let int_years = t.columns.get(c).is_some_and(|i| i.kind == "integer");
    (0..t.row_count).map(|r| cell_time_ms(t.cell(r, c), int_years)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_words() {
        assert_eq!(words("Worldwide_Gross"), vec!["worldwide", "gross"]);
        assert_eq!(words("avgPrice"), vec!["avg", "price"]);
        assert_eq!(words("share (%)"), vec!["share", "%"]);
        assert_eq!(words("US_Gross"), vec!["us", "gross"]);
    }

    #[test]
    fn parses_iso_times() {
        assert_eq!(parse_time_ms("1970-01-02"), Some(86_400_000.0));
        assert_eq!(parse_time_ms("1970-02"), Some(31.0 * 86_400_000.0));
        assert_eq!(parse_time_ms("1971"), Some(365.0 * 86_400_000.0));
        assert_eq!(parse_time_ms("1970-01-01T00:00:01.500"), Some(1_500.0));
        assert_eq!(parse_time_ms("1970-01-01T02:00:00+02:00"), Some(0.0));
        assert_eq!(parse_time_ms("1970-01-01T00:00:00Z"), Some(0.0));
        assert_eq!(parse_time_ms("1970-01-01 00:01"), Some(60_000.0));
        assert_eq!(parse_time_ms("hello"), None);
        assert_eq!(parse_time_ms("2021-13-01"), None);
        assert_eq!(parse_time_ms(""), None);
        // the hand-read shapes agree with chrono's general path
        for s in ["2021-03-05", "2021-03-05T14:07", "2021-03-05 14:07:09", "1970-01-01T00:00:00.123456", "1969-12-31T23:59:59.999", "2020-02-29T00:00:00.5", "0001-01-01"] {
            let general = if s.len() == 10 {
                NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0))
            } else {
                ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d %H:%M"].iter().find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
            };
            assert_eq!(naive_iso_ms(s.as_bytes()), general.map(|d| d.and_utc().timestamp_millis() as f64), "{s}");
        }
        for s in ["2021-02-30", "2021-03-05T24:00", "2021-03-05T14:07Z", "2021-03-05T14:07:09+02:00", "2021-03-05T14:07:09.", "2021-3-05"] {
            assert_eq!(naive_iso_ms(s.as_bytes()), None, "{s}");
        }
        assert_eq!(parse_time_ms("2021-03-05T14:07:09+02:00"), Some(1_614_946_029_000.0));
    }

    #[test]
    fn periods_and_labels() {
        let day = 86_400_000.0;
        assert_eq!(detect_period(&[0.0, 31.0 * day, 59.0 * day]), Some(Period::Month));
        assert_eq!(detect_period(&[0.0, 365.0 * day, 730.0 * day]), Some(Period::Year));
        assert_eq!(detect_period(&[0.0, day]), Some(Period::Day));
        assert_eq!(detect_period(&[0.0]), None);
        let ms = parse_time_ms("2021-03-05").unwrap_or_default();
        assert_eq!(fmt_time(ms, Some(Period::Year)), "2021");
        assert_eq!(fmt_time(ms, Some(Period::Quarter)), "Q1 2021");
        assert_eq!(fmt_time(ms, Some(Period::Month)), "Mar 2021");
        assert_eq!(fmt_time(ms, Some(Period::Day)), "Mar 5, 2021");
        assert_eq!(cycle_label(Cycle::DayOfWeek, 1, false).as_deref(), Some("Mon"));
        assert_eq!(cycle_label(Cycle::DayOfWeek, 0, true).as_deref(), Some("Sun"));
        assert_eq!(cycle_label(Cycle::MonthOfYear, 12, false).as_deref(), Some("Dec"));
        assert_eq!(cycle_label(Cycle::MonthOfYear, 13, false), None);
        assert_eq!(cycle_rank(Cycle::MonthOfYear, "March"), Some(2));
    }
}
