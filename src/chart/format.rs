//! Numbers and names for people: thousands separators, K/M/B, percentages, currency symbols,
//! and column names as words. Used by the chart labels, the insight texts and the narration.

use super::fields::NumFormat;

/// Thousands separators, at most two decimals, and K/M/B for large magnitudes
/// (1234 → "1,234"; 12345 → "12.3K"; 1.2e6 → "1.2M"; 3.14159 → "3.14").
pub fn fmt_num(v: f64) -> String {
    if !v.is_finite() {
        return if v.is_nan() { "n/a".into() } else if v > 0.0 { "∞".into() } else { "-∞".into() };
    }
    let a = v.abs();
    // thresholds just under 1000 of the next unit, so 999,999 reads "1M", not "1,000K"
    let (scaled, suffix) = if a >= 999.5e9 {
        (v / 1e12, "T")
    } else if a >= 999.5e6 {
        (v / 1e9, "B")
    } else if a >= 999.5e3 {
        (v / 1e6, "M")
    } else if a >= 1e4 {
        (v / 1e3, "K")
    } else {
        (v, "")
    };
    let decimals = if suffix.is_empty() && scaled.fract().abs() < 1e-9 {
        0
    } else if scaled.abs() >= 100.0 {
        0
    } else if scaled.abs() >= 10.0 {
        1
    } else if scaled.abs() >= 0.01 || scaled == 0.0 {
        2
    } else {
        // small values keep two significant digits
        let mag = (-scaled.abs().log10()).ceil() as usize;
        (mag + 1).min(12)
    };
    let s = format!("{scaled:.decimals$}");
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s };
    let s = if s == "-0" { "0".to_string() } else { s };
    let (sign, digits) = s.strip_prefix('-').map_or(("", s.as_str()), |d| ("-", d));
    let (int, frac) = digits.split_once('.').map_or((digits, None), |(i, f)| (i, Some(f)));
    let mut grouped = String::new();
    let len = int.chars().count();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (len - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}{suffix}"),
        None => format!("{sign}{grouped}{suffix}"),
    }
}

/// Whole numbers in full with separators ("10,000", "1,461"), anything else as [`fmt_num`].
/// For counts and single values, where "10K" would hide the exact answer.
pub fn fmt_exact(v: f64) -> String {
    if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e15 {
        let digits = format!("{}", v.abs() as u64);
        let len = digits.len();
        let mut out = String::with_capacity(len + len / 3 + 1);
        if v < 0.0 {
            out.push('-');
        }
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (len - i) % 3 == 0 {
                out.push(',');
            }
            out.push(ch);
        }
        out
    } else {
        fmt_num(v)
    }
}

/// A value in its column's format ("$1.2M", "45.2%", "1,234").
pub fn fmt_value(v: f64, f: &NumFormat) -> String {
    match f {
        NumFormat::Plain | NumFormat::Currency { symbol: None } => fmt_num(v),
        NumFormat::Percent { fraction } => fmt_pct_points(if *fraction { v * 100.0 } else { v }),
        NumFormat::Currency { symbol: Some(sym) } => {
            let s = fmt_num(v);
            match s.strip_prefix('-') {
                Some(rest) => format!("-{sym}{rest}"),
                None => format!("{sym}{s}"),
            }
        }
    }
}

/// Percentage points with one decimal, trailing ".0" dropped ("45.2%", "50%").
pub fn fmt_pct_points(p: f64) -> String {
    if !p.is_finite() {
        return fmt_num(p);
    }
    let s = if p.abs() >= 1000.0 { fmt_num(p.round()) } else { format!("{p:.1}") };
    let s = s.strip_suffix(".0").map(str::to_string).unwrap_or(s);
    let s = if s == "-0" { "0".to_string() } else { s };
    format!("{s}%")
}

/// A relative change as signed percent ("+66.7%", "-12%").
pub fn fmt_change(rel: f64) -> String {
    let s = fmt_pct_points(rel * 100.0);
    if rel > 0.0 {
        format!("+{s}")
    } else {
        s
    }
}

/// ECharts axis-label template for a format (no JS functions cross the boundary).
pub fn axis_template(f: &NumFormat) -> Option<String> {
    match f {
        NumFormat::Percent { .. } => Some("{value}%".into()),
        NumFormat::Currency { symbol: Some(sym) } => Some(format!("{sym}{{value}}")),
        _ => None,
    }
}

/// The unit an axis name should carry, when the name does not already say it.
pub fn unit_suffix(name: &str, f: &NumFormat) -> Option<&'static str> {
    match f {
        NumFormat::Percent { .. } if !name.contains('%') => Some("%"),
        NumFormat::Currency { symbol: Some(sym) } if !name.contains(sym) => Some(sym),
        _ => None,
    }
}

/// A column name as words: "total_spend" → "total spend", "Miles_per_Gallon" →
/// "Miles per Gallon". Names with spaces are kept.
pub fn humanize(name: &str) -> String {
    let s: String = name.chars().map(|c| if c == '_' { ' ' } else { c }).collect();
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.is_empty() {
        name.to_string()
    } else {
        s
    }
}

/// First letter upper-case (for the start of a sentence).
pub fn capitalize(s: &str) -> String {
    let mut cs = s.chars();
    match cs.next() {
        Some(f) => f.to_uppercase().chain(cs).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(fmt_num(0.00123), "0.0012");
        assert_eq!(fmt_num(-0.0001), "-0.0001");
        assert_eq!(fmt_num(999_999.0), "1M");
        assert_eq!(fmt_num(999_400.0), "999K");
        assert_eq!(fmt_num(f64::NAN), "n/a");
        assert_eq!(fmt_num(f64::INFINITY), "∞");
        assert_eq!(fmt_exact(10_000.0), "10,000");
        assert_eq!(fmt_exact(-1_234_567.0), "-1,234,567");
        assert_eq!(fmt_exact(2.5), "2.5");
    }

    #[test]
    fn formats() {
        assert_eq!(fmt_value(1_200_000.0, &NumFormat::Currency { symbol: Some("$") }), "$1.2M");
        assert_eq!(fmt_value(-5.0, &NumFormat::Currency { symbol: Some("$") }), "-$5");
        assert_eq!(fmt_value(0.452, &NumFormat::Percent { fraction: true }), "45.2%");
        assert_eq!(fmt_value(50.0, &NumFormat::Percent { fraction: false }), "50%");
        assert_eq!(fmt_change(0.6667), "+66.7%");
        assert_eq!(fmt_change(-0.12), "-12%");
        assert_eq!(fmt_change(0.0), "0%");
        assert_eq!(humanize("Miles_per_Gallon"), "Miles per Gallon");
        assert_eq!(capitalize("total spend"), "Total spend");
        assert_eq!(axis_template(&NumFormat::Percent { fraction: true }).as_deref(), Some("{value}%"));
    }
}
