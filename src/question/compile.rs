//! [`Intent`] → SQL for the in-page engine (Polars SQL 0.51).
//!
//! Polars 0.51 cannot GROUP BY an expression it must also select, nor DATE_TRUNC, LAG or a
//! window over the whole result: time buckets and bins are computed in a `base` CTE and grouped
//! by name; shares divide by a one-row total CTE (CROSS JOIN); growth joins each period to the
//! previous one. Every value from the question is a literal made here: strings with quotes
//! doubled, numbers formatted from `f64`, dates re-formatted from parsed dates. Identifiers are
//! double-quoted; a column whose name holds a double quote cannot be used.

use chrono::NaiveDate;
use serde_json::Value;

use super::intent::{Aggregate, Calc, Dimension, Filter, FilterOp, Intent, Measure, TimeUnit};
use super::lexer::trim_float;
use super::parse::{dimension_alias, measure_alias};
use super::profile::{quote_ident, quote_str, ColumnProfile, Kind, Profile};
use crate::error::{Error, ErrorCode, Result};

fn unknown(field: &str, profile: &Profile) -> Error {
    let names: Vec<String> = profile.columns.iter().map(|c| c.name.clone()).collect();
    Error::new(ErrorCode::UnknownColumn, format!("There is no column named '{field}'."), crate::error::suggestion_hint("column", field, &names))
}

fn ident(name: &str) -> Result<String> {
    quote_ident(name).ok_or_else(|| {
        Error::new(
            ErrorCode::QuestionUnsupported,
            format!("The column '{name}' has a double quote in its name, which queries cannot refer to."),
            "Rename the column (register the data again with another header) to ask about it.",
        )
    })
}

struct Ctx<'a> {
    profile: &'a Profile,
    table: String,
}

impl Ctx<'_> {
    fn column(&self, field: &str) -> Result<&ColumnProfile> {
        self.profile.column(field).ok_or_else(|| unknown(field, self.profile))
    }

    /// The column as a value: text dates are parsed.
    fn value_expr(&self, field: &str) -> Result<String> {
        let c = self.column(field)?;
        let q = ident(&c.name)?;
        Ok(match &c.kind {
            Kind::Temporal { text_format: Some(f), has_time: false } => format!("DATE({q}, {})", quote_str(f)),
            Kind::Temporal { text_format: Some(f), has_time: true } => format!("STRPTIME({q}, {})", quote_str(f)),
            _ => q,
        })
    }

    fn time_expr(&self, field: &str, unit: TimeUnit) -> Result<String> {
        let c = self.column(field)?;
        if !c.is_temporal() {
            return Err(Error::new(ErrorCode::QuestionUnsupported, format!("'{field}' does not hold dates, so it cannot be grouped by {}.", unit.as_str().replace('_', " ")), "Group by a date column."));
        }
        let e = self.value_expr(field)?;
        if matches!(unit, TimeUnit::Hour | TimeUnit::HourOfDay) && !c.has_time() {
            return Err(Error::new(ErrorCode::QuestionUnsupported, format!("'{field}' holds dates without a time of day."), "Group it by day, week, month, quarter or year."));
        }
        Ok(match unit {
            TimeUnit::Year => format!("CAST(STRFTIME({e}, '%Y-01-01') AS DATE)"),
            TimeUnit::Quarter => format!(
                "CAST(STRFTIME({e}, '%Y-') || CASE WHEN EXTRACT(MONTH FROM {e}) <= 3 THEN '01' WHEN EXTRACT(MONTH FROM {e}) <= 6 THEN '04' WHEN EXTRACT(MONTH FROM {e}) <= 9 THEN '07' ELSE '10' END || '-01' AS DATE)"
            ),
            TimeUnit::Month => format!("CAST(STRFTIME({e}, '%Y-%m-01') AS DATE)"),
            TimeUnit::Week => format!("CAST({e} AS DATE) - (EXTRACT(ISODOW FROM {e}) - 1) * INTERVAL '1 day'"),
            TimeUnit::Day => format!("CAST({e} AS DATE)"),
            TimeUnit::Hour => format!("STRPTIME(STRFTIME({e}, '%Y-%m-%d %H:00:00'), '%Y-%m-%d %H:%M:%S')"),
            TimeUnit::MonthOfYear => format!("EXTRACT(MONTH FROM {e})"),
            TimeUnit::DayOfWeek => format!("EXTRACT(ISODOW FROM {e})"),
            TimeUnit::HourOfDay => format!("EXTRACT(HOUR FROM {e})"),
        })
    }

    fn dim_expr(&self, d: &Dimension) -> Result<String> {
        match (d.time_unit, d.bin) {
            (Some(u), _) => self.time_expr(&d.field, u),
            (None, Some(step)) => {
                let c = self.column(&d.field)?;
                if !c.is_numeric() || !(step > 0.0) || !step.is_finite() {
                    return Err(Error::new(ErrorCode::QuestionUnsupported, format!("'{}' cannot be put in bins.", d.field), "Bins need a number column and a positive width."));
                }
                let s = literal_number(step)?;
                let q = ident(&c.name)?;
                Ok(format!("FLOOR({q} / {s}) * {s}"))
            }
            (None, None) => self.value_expr(&d.field),
        }
    }

    /// Whether a dimension must be computed in the base CTE (not a plain column).
    fn derived(&self, d: &Dimension) -> bool {
        d.time_unit.is_some() || d.bin.is_some() || self.column(&d.field).is_ok_and(|c| matches!(c.kind, Kind::Temporal { text_format: Some(_), .. }))
    }

    fn filter_sql(&self, f: &Filter) -> Result<String> {
        let c = self.column(&f.field)?;
        let mut e = self.value_expr(&f.field)?;
        let temporal = c.is_temporal();
        if let Some(u) = f.time_unit {
            e = self.time_expr(&f.field, u)?;
        }
        let date_values = temporal && (f.time_unit.is_none() || f.time_unit.is_some_and(TimeUnit::is_truncation));
        let lit = |v: &Value| -> Result<String> {
            if date_values {
                let s = v.as_str().ok_or_else(|| bad_value(&f.field))?;
                let d = NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d").map_err(|_| bad_value(&f.field))?;
                return Ok(format!("DATE '{}'", d.format("%Y-%m-%d")));
            }
            literal(v, c)
        };
        let one = || -> Result<String> { f.values.first().ok_or_else(|| bad_value(&f.field)).and_then(lit) };
        let null = f.values.len() == 1 && f.values[0].is_null();
        Ok(match f.op {
            FilterOp::Eq if null => format!("{e} IS NULL"),
            FilterOp::Ne if null => format!("{e} IS NOT NULL"),
            FilterOp::Eq => format!("{e} = {}", one()?),
            FilterOp::Ne => format!("{e} <> {}", one()?),
            FilterOp::Gt => format!("{e} > {}", one()?),
            FilterOp::Gte => format!("{e} >= {}", one()?),
            FilterOp::Lt => format!("{e} < {}", one()?),
            FilterOp::Lte => format!("{e} <= {}", one()?),
            FilterOp::Between => {
                let (Some(a), Some(b)) = (f.values.first(), f.values.get(1)) else { return Err(bad_value(&f.field)) };
                format!("{e} BETWEEN {} AND {}", lit(a)?, lit(b)?)
            }
            FilterOp::In | FilterOp::NotIn => {
                if f.values.is_empty() {
                    return Err(bad_value(&f.field));
                }
                let list: Vec<String> = f.values.iter().map(lit).collect::<Result<_>>()?;
                let not = if f.op == FilterOp::NotIn { "NOT " } else { "" };
                format!("{e} {not}IN ({})", list.join(", "))
            }
            FilterOp::Contains => {
                let s = f.values.first().and_then(Value::as_str).ok_or_else(|| bad_value(&f.field))?;
                format!("STRPOS(LOWER({e}), {}) > 0", quote_str(&s.to_lowercase()))
            }
        })
    }

    fn measure_expr(&self, m: &Measure) -> Result<String> {
        let field = if m.field == "*" { None } else { Some(self.column(&m.field)?) };
        let x = match field {
            Some(c) => Some(ident(&c.name)?),
            None => None,
        };
        let need = |what: &str| -> Result<String> {
            x.clone().ok_or_else(|| Error::new(ErrorCode::QuestionUnsupported, format!("{what} needs a column."), "Name the column to compute it on."))
        };
        if let Some(c) = field {
            if matches!(m.aggregate, Aggregate::Sum | Aggregate::Avg | Aggregate::Median) && !c.is_numeric() {
                return Err(Error::new(
                    ErrorCode::QuestionUnsupported,
                    format!("'{}' is not a number column, so it has no {}.", c.name, match m.aggregate { Aggregate::Sum => "total", Aggregate::Avg => "average", _ => "median" }),
                    "Ask for a count, or for a number column.",
                ));
            }
        }
        if m.calc == Some(Calc::Share) && !m.filter.is_empty() {
            let cond: Vec<String> = m.filter.iter().map(|f| self.filter_sql(f)).collect::<Result<_>>()?;
            let cond = cond.join(" AND ");
            return Ok(match (m.aggregate, &x) {
                (Aggregate::Sum, Some(x)) => format!("100.0 * SUM(CASE WHEN {cond} THEN {x} ELSE 0 END) / SUM({x})"),
                _ => format!("100.0 * SUM(CASE WHEN {cond} THEN 1 ELSE 0 END) / COUNT(*)"),
            });
        }
        Ok(match m.aggregate {
            Aggregate::Count => match &x {
                Some(x) => format!("COUNT({x})"),
                None => "COUNT(*)".into(),
            },
            Aggregate::CountDistinct => format!("COUNT(DISTINCT {})", need("A distinct count")?),
            Aggregate::Sum => format!("SUM({})", need("A total")?),
            Aggregate::Avg => format!("AVG({})", need("An average")?),
            Aggregate::Median => format!("MEDIAN({})", need("A median")?),
            Aggregate::Min => format!("MIN({})", need("A minimum")?),
            Aggregate::Max => format!("MAX({})", need("A maximum")?),
            Aggregate::None => need("A column")?,
        })
    }
}

fn bad_value(field: &str) -> Error {
    Error::new(ErrorCode::QuestionUnsupported, format!("A filter on '{field}' has a value that does not fit the column."), "Rephrase the condition.")
}

fn literal_number(n: f64) -> Result<String> {
    if !n.is_finite() {
        return Err(Error::new(ErrorCode::QuestionUnsupported, "A number in the question is too large.", "Use a smaller number."));
    }
    let s = trim_float(n);
    Ok(if s.contains('e') { format!("{n:.12}") } else { s })
}

/// A JSON value as an SQL literal for column `c`.
fn literal(v: &Value, c: &ColumnProfile) -> Result<String> {
    match v {
        Value::Number(n) => literal_number(n.as_f64().unwrap_or(f64::NAN)),
        Value::Bool(b) => Ok(if *b { "TRUE".into() } else { "FALSE".into() }),
        Value::String(s) => {
            if c.is_numeric() {
                let n: f64 = s.trim().parse().map_err(|_| bad_value(&c.name))?;
                literal_number(n)
            } else if c.kind == Kind::Bool {
                match s.to_lowercase().as_str() {
                    "true" | "yes" => Ok("TRUE".into()),
                    "false" | "no" => Ok("FALSE".into()),
                    _ => Err(bad_value(&c.name)),
                }
            } else {
                Ok(quote_str(s))
            }
        }
        _ => Err(bad_value(&c.name)),
    }
}

fn interval(unit: TimeUnit) -> Option<&'static str> {
    match unit {
        TimeUnit::Year => Some("1 year"),
        TimeUnit::Quarter => Some("3 months"),
        TimeUnit::Month => Some("1 month"),
        TimeUnit::Week => Some("7 days"),
        TimeUnit::Day => Some("1 day"),
        TimeUnit::Hour => Some("1 hour"),
        _ => None,
    }
}

/// Makes output names unique (and distinct from the source's column names when derived).
fn unique(name: String, taken: &mut Vec<String>) -> String {
    let mut n = name.clone();
    let mut k = 2;
    while taken.iter().any(|t| t.eq_ignore_ascii_case(&n)) {
        n = format!("{name}_{k}");
        k += 1;
    }
    taken.push(n.clone());
    n
}

/// Compiles an intent over `profile`'s table to Polars SQL.
pub fn compile(intent: &Intent, profile: &Profile) -> Result<String> {
    let ctx = Ctx { profile, table: ident(&profile.table)? };
    let t = ctx.table.clone();
    let mut taken: Vec<String> = Vec::new();

    // WHERE on the source rows
    let mut conds: Vec<String> = intent.filters.iter().map(|f| ctx.filter_sql(f)).collect::<Result<_>>()?;
    let ranking = intent.limit.is_some() && intent.sort.is_some();
    let row_level = !intent.measures.is_empty() && intent.measures.iter().all(|m| m.aggregate == Aggregate::None);

    // Rows, not groups: listings, scatter pairs, rankings of rows.
    if intent.measures.is_empty() && intent.dimensions.is_empty() {
        let mut sql = format!("SELECT * FROM {t}{}", where_clause(&conds));
        if let Some(s) = &intent.sort {
            sql.push_str(&format!(" ORDER BY {} {} NULLS LAST", ctx.value_expr(&s.field)?, if s.descending { "DESC" } else { "ASC" }));
        }
        if let Some(n) = intent.limit {
            sql.push_str(&format!(" LIMIT {n}"));
        }
        return Ok(sql);
    }
    if row_level {
        let mut cols: Vec<String> = Vec::new();
        for d in &intent.dimensions {
            let e = ctx.dim_expr(d)?;
            let alias = unique(dimension_alias(d), &mut taken);
            cols.push(format!("{e} AS {}", ident(&alias)?));
        }
        // pairs to plot and values to rank need a value; plain listings keep every row
        let need_values = intent.chart == Some(super::intent::ChartHint::Scatter) || intent.sort.is_some();
        for m in &intent.measures {
            let c = ctx.column(&m.field)?;
            let e = ctx.value_expr(&m.field)?;
            if c.is_numeric() && need_values {
                conds.push(format!("{} IS NOT NULL", ident(&c.name)?));
            }
            let alias = unique(m.field.clone(), &mut taken);
            cols.push(format!("{e} AS {}", ident(&alias)?));
        }
        let mut sql = format!("SELECT {} FROM {t}{}", cols.join(", "), where_clause(&conds));
        if let Some(s) = &intent.sort {
            let dir = if s.descending { "DESC" } else { "ASC" };
            sql.push_str(&format!(" ORDER BY {} {dir} NULLS LAST", ident(&s.field)?));
        }
        if let Some(n) = intent.limit {
            sql.push_str(&format!(" LIMIT {n}"));
        }
        return Ok(sql);
    }

    // Groups.
    if intent.measures.iter().any(|m| m.aggregate == Aggregate::None) {
        return Err(Error::new(
            ErrorCode::QuestionUnsupported,
            "This question mixes listing values with totals or groups.",
            "Ask for the values, or for a total / average by a group, one at a time.",
        ));
    }
    if ranking {
        for d in &intent.dimensions {
            if d.time_unit.is_none() && d.bin.is_none() {
                conds.push(format!("{} IS NOT NULL", ident(&d.field)?));
            }
        }
    }
    if intent.dimensions.iter().any(|d| d.bin.is_some()) {
        for d in intent.dimensions.iter().filter(|d| d.bin.is_some()) {
            conds.push(format!("{} IS NOT NULL", ident(&d.field)?));
        }
    }
    let derived = intent.dimensions.iter().any(|d| ctx.derived(d));
    let dim_aliases: Vec<String> = intent.dimensions.iter().map(|d| unique(dimension_alias(d), &mut taken)).collect();
    let measure_aliases: Vec<String> = intent.measures.iter().map(|m| unique(m.alias.clone().unwrap_or_else(|| measure_alias(m)), &mut taken)).collect();

    // FROM + WHERE: the table, or a base CTE holding the computed dimensions.
    let mut ctes: Vec<String> = Vec::new();
    let from = if derived {
        let mut cols: Vec<String> = Vec::new();
        for (d, a) in intent.dimensions.iter().zip(&dim_aliases) {
            cols.push(format!("{} AS {}", ctx.dim_expr(d)?, ident(a)?));
        }
        let mut needed: Vec<String> = Vec::new();
        for m in &intent.measures {
            if m.field != "*" {
                needed.push(m.field.clone());
            }
            for f in &m.filter {
                needed.push(f.field.clone());
            }
        }
        for n in needed {
            let q = ident(&n)?;
            if !cols.contains(&q) && !dim_aliases.iter().any(|a| a == &n) {
                cols.push(q);
            }
        }
        ctes.push(format!("base AS (SELECT {} FROM {t}{})", cols.join(", "), where_clause(&conds)));
        conds.clear();
        "base".to_string()
    } else {
        t.clone()
    };
    let dim_refs: Vec<String> = if derived {
        dim_aliases.iter().map(|a| ident(a)).collect::<Result<_>>()?
    } else {
        intent.dimensions.iter().map(|d| ident(&d.field)).collect::<Result<_>>()?
    };
    let dim_select: Vec<String> = if derived {
        dim_refs.clone()
    } else {
        intent.dimensions.iter().zip(&dim_aliases).map(|(d, a)| if &d.field == a { ident(&d.field) } else { Ok(format!("{} AS {}", ident(&d.field)?, ident(a)?)) }).collect::<Result<_>>()?
    };
    let group_by = if dim_refs.is_empty() { String::new() } else { format!(" GROUP BY {}", dim_refs.join(", ")) };
    let time_first = intent.dimensions.iter().position(|d| d.time_unit.is_some() || d.bin.is_some());

    let share_total = intent.measures.iter().any(|m| m.calc == Some(Calc::Share) && m.filter.is_empty()) && !intent.dimensions.is_empty();
    let change = intent.measures.iter().any(|m| m.calc == Some(Calc::Change));

    if share_total || change {
        // g: the grouped values (shares and changes computed on top)
        let mut g_cols = dim_select.clone();
        let mut raw_aliases = Vec::new();
        for (m, a) in intent.measures.iter().zip(&measure_aliases) {
            let plain = Measure { calc: None, filter: Vec::new(), ..m.clone() };
            let raw = if m.calc.is_some() { unique(measure_alias(&plain), &mut taken) } else { a.clone() };
            g_cols.push(format!("{} AS {}", ctx.measure_expr(&plain)?, ident(&raw)?));
            raw_aliases.push(raw);
        }
        ctes.push(format!("g AS (SELECT {} FROM {from}{}{group_by})", g_cols.join(", "), where_clause(&conds)));
        let out_dims: Vec<String> = dim_aliases.iter().map(|a| Ok(format!("g.{}", ident(a)?))).collect::<Result<_>>()?;
        let mut select = out_dims.clone();
        if change {
            let Some(ti) = intent.dimensions.iter().position(|d| d.time_unit.is_some_and(TimeUnit::is_truncation)) else {
                return Err(Error::new(ErrorCode::QuestionUnsupported, "Growth needs a time grouping (by year, month, ...).", "Ask for growth by year, quarter, month, week or day."));
            };
            let unit = intent.dimensions[ti].time_unit.unwrap_or(TimeUnit::Year);
            let step = interval(unit).unwrap_or("1 year");
            // prev: each period's values moved one period later, joined back on the period
            // (USING, so the engine sees plain key columns).
            let p = ident(&dim_aliases[ti])?;
            let mut prev_cols = vec![format!("{p} + INTERVAL '{step}' AS {p}")];
            let mut keys = vec![p.clone()];
            for (i, a) in dim_aliases.iter().enumerate() {
                if i != ti {
                    prev_cols.push(ident(a)?);
                    keys.push(ident(a)?);
                }
            }
            let mut prev_names = Vec::new();
            for raw in &raw_aliases {
                let pn = unique(format!("previous_{raw}"), &mut taken);
                prev_cols.push(format!("{} AS {}", ident(raw)?, ident(&pn)?));
                prev_names.push(pn);
            }
            ctes.push(format!("prev AS (SELECT {} FROM g)", prev_cols.join(", ")));
            let mut select: Vec<String> = dim_aliases.iter().map(|a| ident(a)).collect::<Result<_>>()?;
            for ((m, a), (raw, pn)) in intent.measures.iter().zip(&measure_aliases).zip(raw_aliases.iter().zip(&prev_names)) {
                let r = ident(raw)?;
                select.push(r.clone());
                if m.calc == Some(Calc::Change) {
                    let pq = ident(pn)?;
                    select.push(format!("100.0 * ({r} - {pq}) / {pq} AS {}", ident(a)?));
                }
            }
            return Ok(format!("WITH {} SELECT {} FROM g LEFT JOIN prev USING ({}) ORDER BY {p}", ctes.join(", "), select.join(", "), keys.join(", ")));
        }
        // shares of the total
        let mut tot_cols = Vec::new();
        let mut total_names = Vec::new();
        for (m, raw) in intent.measures.iter().zip(&raw_aliases) {
            if m.calc == Some(Calc::Share) {
                let tn = unique(format!("total_{raw}"), &mut taken);
                tot_cols.push(format!("SUM({}) AS {}", ident(raw)?, ident(&tn)?));
                total_names.push(Some(tn));
            } else {
                total_names.push(None);
            }
        }
        ctes.push(format!("tot AS (SELECT {} FROM g)", tot_cols.join(", ")));
        let mut first_share = None;
        for ((raw, a), tn) in raw_aliases.iter().zip(&measure_aliases).zip(&total_names) {
            select.push(format!("g.{}", ident(raw)?));
            if let Some(tn) = tn {
                select.push(format!("100.0 * g.{} / tot.{} AS {}", ident(raw)?, ident(tn)?, ident(a)?));
                first_share.get_or_insert(a.clone());
            }
        }
        let mut sql = format!("WITH {} SELECT {} FROM g CROSS JOIN tot", ctes.join(", "), select.join(", "));
        match (&intent.sort, first_share) {
            (Some(s), _) => sql.push_str(&format!(" ORDER BY {} {} NULLS LAST", ident(&s.field)?, if s.descending { "DESC" } else { "ASC" })),
            (None, Some(a)) if time_first.is_none() => sql.push_str(&format!(" ORDER BY {} DESC", ident(&a)?)),
            _ => {
                if let Some(ti) = time_first {
                    sql.push_str(&format!(" ORDER BY g.{}", ident(&dim_aliases[ti])?));
                }
            }
        }
        if let Some(n) = intent.limit {
            sql.push_str(&format!(" LIMIT {n}"));
        }
        return Ok(sql);
    }

    let mut select = dim_select;
    for (m, a) in intent.measures.iter().zip(&measure_aliases) {
        select.push(format!("{} AS {}", ctx.measure_expr(m)?, ident(a)?));
    }
    let mut sql = String::new();
    if !ctes.is_empty() {
        sql.push_str(&format!("WITH {} ", ctes.join(", ")));
    }
    sql.push_str(&format!("SELECT {} FROM {from}{}{group_by}", select.join(", "), where_clause(&conds)));
    let mut order: Vec<String> = Vec::new();
    if let Some(s) = &intent.sort {
        order.push(format!("{} {} NULLS LAST", ident(&s.field)?, if s.descending { "DESC" } else { "ASC" }));
        for r in &dim_refs {
            order.push(format!("{r} ASC"));
        }
    } else if let Some(ti) = time_first {
        order.push(dim_refs[ti].clone());
        for (i, r) in dim_refs.iter().enumerate() {
            if i != ti {
                order.push(r.clone());
            }
        }
    } else if !dim_refs.is_empty() {
        if let Some(a) = measure_aliases.first() {
            order.push(format!("{} DESC NULLS LAST", ident(a)?));
        }
        order.extend(dim_refs.iter().cloned());
    }
    if !order.is_empty() {
        sql.push_str(&format!(" ORDER BY {}", order.join(", ")));
    }
    if let Some(n) = intent.limit {
        sql.push_str(&format!(" LIMIT {n}"));
    }
    Ok(sql)
}

fn where_clause(conds: &[String]) -> String {
    if conds.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conds.join(" AND "))
    }
}
