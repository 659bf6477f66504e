//! Expression-level mapping to what the engine supports, with DuckDB's meaning:
//! identifier case, DuckDB function aliases (`year(d)`, `dayname(d)`, `count_if`, ...),
//! `DATE_TRUNC` / `DATE_DIFF` (engine functions), `CURRENT_DATE`, interval literals,
//! string literals compared with dates, `/` as exact division, float-to-integer casts that
//! round, `SUBSTRING(x FROM a FOR b)`; plus the kind (type class) of an expression.

use sqlparser::ast::{
    BinaryOperator, CastKind, DataType, DateTimeField, ExactNumberInfo, Expr, Function, FunctionArguments, Interval, JoinConstraint,
    JoinOperator, OrderBy, Select, SelectItem, UnaryOperator, Value,
};

use super::ast::{self, binop, call, fargs, fname, is_distinct_call, number, string, str_literal, unnest};
use super::scope::idents_of;
use super::{unsupported, Kind, Rw};
use crate::error::Result;

fn join_constraint_mut(op: &mut JoinOperator) -> Option<&mut JoinConstraint> {
    match op {
        JoinOperator::Inner(c)
        | JoinOperator::LeftOuter(c)
        | JoinOperator::RightOuter(c)
        | JoinOperator::FullOuter(c)
        | JoinOperator::Semi(c)
        | JoinOperator::LeftSemi(c)
        | JoinOperator::RightSemi(c)
        | JoinOperator::Anti(c)
        | JoinOperator::LeftAnti(c)
        | JoinOperator::RightAnti(c) => Some(c),
        _ => None,
    }
}

pub(crate) fn join_constraint(op: &JoinOperator) -> Option<&JoinConstraint> {
    match op {
        JoinOperator::Inner(c)
        | JoinOperator::LeftOuter(c)
        | JoinOperator::RightOuter(c)
        | JoinOperator::FullOuter(c)
        | JoinOperator::Semi(c)
        | JoinOperator::LeftSemi(c)
        | JoinOperator::RightSemi(c)
        | JoinOperator::Anti(c)
        | JoinOperator::LeftAnti(c)
        | JoinOperator::RightAnti(c) => Some(c),
        _ => None,
    }
}

/// ISO date `YYYY-MM-DD`.
fn is_iso_date(s: &str) -> bool {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok() && s.len() == 10
}

fn iso_datetime(s: &str) -> Option<String> {
    let t = s.replace('T', " ");
    for f in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"] {
        if let Ok(dt) = chrono::NaiveDateTime::parse_from_str(&t, f) {
            return Some(dt.format("%Y-%m-%d %H:%M:%S%.f").to_string());
        }
    }
    if is_iso_date(s) {
        return Some(format!("{s} 00:00:00"));
    }
    None
}

fn typed(dt: DataType, value: String) -> Expr {
    Expr::TypedString { data_type: dt, value }
}

/// A string literal turned into a DATE / TIMESTAMP literal for comparison with `kind`.
fn temporal_literal(e: &Expr, kind: Option<Kind>) -> Option<Expr> {
    let s = str_literal(e)?;
    match kind? {
        Kind::Date if is_iso_date(s) => Some(typed(DataType::Date, s.to_string())),
        Kind::Datetime => iso_datetime(s).map(|v| typed(DataType::Timestamp(None, sqlparser::ast::TimezoneInfo::None), v)),
        _ => None,
    }
}

/// STRPOS, INSTR, POSITION and CONTAINS all run as `__if_strpos` (see engine::udf).
const STRPOS_NOTE: &str = "STRPOS / POSITION / INSTR / CONTAINS look for the text as written and count characters, as DuckDB does.";

fn is_comparison(op: &BinaryOperator) -> bool {
    matches!(op, BinaryOperator::Eq | BinaryOperator::NotEq | BinaryOperator::Lt | BinaryOperator::LtEq | BinaryOperator::Gt | BinaryOperator::GtEq)
}

pub(crate) fn kind_of_type(t: &DataType) -> Option<Kind> {
    Some(match t {
        DataType::Int(_)
        | DataType::Integer(_)
        | DataType::BigInt(_)
        | DataType::SmallInt(_)
        | DataType::TinyInt(_)
        | DataType::Int2(_)
        | DataType::Int4(_)
        | DataType::Int8(_)
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::Int128
        | DataType::UnsignedInt(_)
        | DataType::UnsignedBigInt(_)
        | DataType::UnsignedInteger(_) => Kind::Int,
        DataType::Double | DataType::DoublePrecision | DataType::Float(_) | DataType::Float4 | DataType::Float8 | DataType::Real | DataType::Float32 | DataType::Float64 => Kind::Float,
        DataType::Decimal(_) | DataType::Numeric(_) | DataType::Dec(_) | DataType::BigDecimal(_) => Kind::Decimal,
        DataType::Varchar(_) | DataType::Text | DataType::String(_) | DataType::Char(_) | DataType::CharVarying(_) | DataType::Character(_) => Kind::Str,
        DataType::Boolean | DataType::Bool => Kind::Bool,
        DataType::Date => Kind::Date,
        DataType::Timestamp(_, _) | DataType::Datetime(_) => Kind::Datetime,
        DataType::Time(_, _) => Kind::Time,
        DataType::Interval => Kind::Duration,
        _ => return None,
    })
}

/// Date part names DuckDB accepts as functions (`year(d)`), with the DATE_PART part.
fn part_function(name: &str) -> Option<&'static str> {
    Some(match name {
        "year" => "year",
        "month" => "month",
        "day" | "dayofmonth" => "day",
        "hour" => "hour",
        "minute" => "minute",
        "second" => "second",
        "quarter" => "quarter",
        "week" | "weekofyear" => "week",
        "dayofweek" => "dow",
        "isodow" => "isodow",
        "dayofyear" => "doy",
        "epoch" => "epoch",
        "decade" => "decade",
        "century" => "century",
        "millennium" => "millennium",
        "isoyear" => "isoyear",
        _ => return None,
    })
}

impl Rw<'_> {
    /// Applies the expression fixes to every expression of a SELECT (not its subqueries).
    pub(super) fn fix_select(&mut self, s: &mut Select, order_by: &mut Option<OrderBy>) -> Result<()> {
        for item in &mut s.projection {
            match item {
                SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => self.fix_expr(e)?,
                _ => {}
            }
        }
        if let Some(e) = &mut s.selection {
            self.fix_expr(e)?;
        }
        if let sqlparser::ast::GroupByExpr::Expressions(es, _) = &mut s.group_by {
            for e in es {
                self.fix_expr(e)?;
            }
        }
        if let Some(e) = &mut s.having {
            self.fix_expr(e)?;
        }
        if let Some(e) = &mut s.qualify {
            self.fix_expr(e)?;
        }
        if let Some(ob) = order_by {
            for o in &mut ob.exprs {
                self.fix_expr(&mut o.expr)?;
            }
        }
        for twj in &mut s.from {
            for j in &mut twj.joins {
                if let Some(JoinConstraint::On(e)) = join_constraint_mut(&mut j.join_operator) {
                    self.fix_expr(e)?;
                }
            }
        }
        Ok(())
    }

    pub(super) fn fix_expr(&mut self, e: &mut Expr) -> Result<()> {
        ast::walk_mut(e, &mut |x| self.fix_node(x))
    }

    fn fix_node(&mut self, e: &mut Expr) -> Result<()> {
        match e {
            Expr::Identifier(_) | Expr::CompoundIdentifier(_) => self.fix_case(e),
            Expr::Function(_) => self.fix_function(e)?,
            Expr::Interval(iv) => {
                if let Some(new) = normalize_interval(iv)? {
                    *iv = new;
                }
            }
            Expr::BinaryOp { .. } => self.fix_binary(e)?,
            Expr::Position { expr, r#in } => {
                *e = call("__if_strpos", vec![(**r#in).clone(), (**expr).clone()]);
                self.note("function_names", STRPOS_NOTE);
            }
            Expr::Between { expr, low, high, .. } => {
                if self.kind_of(expr) == Some(Kind::Decimal) && (self.kind_of(low) == Some(Kind::Float) || self.kind_of(high) == Some(Kind::Float)) {
                    let exact = [&**low, &**high].map(|b| if self.kind_of(b) == Some(Kind::Float) { decimal_literal(b).map(Some) } else { Some(None) });
                    if let [Some(l), Some(h)] = exact {
                        if let Some(l) = l {
                            **low = l;
                        }
                        if let Some(h) = h {
                            **high = h;
                        }
                        self.note_decimal_literal();
                    } else {
                        to_double(expr);
                        self.note_decimal();
                    }
                }
                let k = self.kind_of(expr);
                let mut changed = false;
                for side in [low, high] {
                    if let Some(t) = temporal_literal(side, k) {
                        **side = t;
                        changed = true;
                    }
                }
                if changed {
                    self.note_dates();
                }
            }
            Expr::InList { expr, list, .. } => {
                if self.kind_of(expr) == Some(Kind::Decimal) && list.iter().any(|x| self.kind_of(x) == Some(Kind::Float)) {
                    to_double(expr);
                    self.note_decimal();
                }
                let k = self.kind_of(expr);
                let mut changed = false;
                for item in list.iter_mut() {
                    if let Some(t) = temporal_literal(item, k) {
                        *item = t;
                        changed = true;
                    }
                }
                if changed {
                    self.note_dates();
                }
                // the engine takes only plain values in IN lists: compare one by one
                if list.iter().any(|x| matches!(x, Expr::TypedString { .. })) {
                    let eqs: Vec<Expr> = list.iter().map(|x| binop((**expr).clone(), BinaryOperator::Eq, x.clone())).collect();
                    let negated = matches!(e, Expr::InList { negated: true, .. });
                    if let Some(any) = ast::or_all(eqs) {
                        let any = ast::nested(any);
                        *e = if negated { ast::not(any) } else { any };
                    }
                }
            }
            Expr::Substring { expr, substring_from, substring_for, .. } => {
                let mut args = vec![(**expr).clone(), substring_from.as_deref().cloned().unwrap_or_else(|| number(1))];
                if let Some(f) = substring_for {
                    args.push((**f).clone());
                }
                *e = call("substr", args);
            }
            Expr::Cast { kind: CastKind::Cast | CastKind::DoubleColon, expr, data_type, .. } => {
                if kind_of_type(data_type) == Some(Kind::Int) && matches!(self.kind_of(expr), Some(Kind::Float | Kind::Decimal)) {
                    let inner = (**expr).clone();
                    **expr = call("round", vec![inner]);
                    self.note("cast_rounds", "Casting a fractional number to an integer rounds it, as DuckDB does (the engine would truncate).");
                }
            }
            Expr::Extract { field, expr, .. } if is_epoch(field) && self.kind_of(expr) == Some(Kind::Date) => {
                *e = epoch_of_date((**expr).clone());
                self.note("date_functions", "EXTRACT(epoch FROM date) is the date's days times 86400.");
            }
            Expr::Cast { kind: CastKind::TryCast | CastKind::SafeCast, .. } => {
                return Err(unsupported("TRY_CAST", "Use CAST(x AS type); check the values first with a WHERE clause."));
            }
            Expr::TypedString { data_type, value } => {
                if matches!(data_type, DataType::Timestamp(_, _) | DataType::Datetime(_)) {
                    if let Some(v) = iso_datetime(value) {
                        *value = v;
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn note_decimal(&mut self) {
        self.note("decimal_double", "Decimal columns combined with fractional numbers are computed as doubles (the engine would round the number to the column's scale).");
    }

    /// A decimal operand meeting a fractional number: compared with a literal, the literal
    /// becomes an exact decimal; otherwise the decimal side computes as a double.
    fn decimal_meets_fraction(&mut self, decimal: &mut Box<Expr>, fraction: &mut Box<Expr>, compare: bool) {
        match decimal_literal(fraction).filter(|_| compare) {
            Some(d) => {
                **fraction = d;
                self.note_decimal_literal();
            }
            None => {
                to_double(decimal);
                self.note_decimal();
            }
        }
    }

    fn note_decimal_literal(&mut self) {
        self.note("decimal_literal", "Fractional numbers compared with a decimal column are exact decimals of their own scale (the engine would round them to the column's scale).");
    }

    fn note_dates(&mut self) {
        self.note("date_literals", "Text compared with a date or timestamp column is read as a date / timestamp literal.");
    }

    /// Identifiers get the exact case of the column or table they name.
    fn fix_case(&mut self, e: &mut Expr) {
        let Some(idents) = idents_of(e) else { return };
        let idents = idents.to_vec();
        for scope in self.scopes.iter().rev() {
            if let Some((ri, ci)) = scope.resolve(&idents) {
                let (Some(r), Some(c)) = (scope.rels.get(ri), scope.col(ri, ci)) else { return };
                let mut changed = false;
                let mut new = idents.clone();
                if let Some(last) = new.last_mut() {
                    if last.value != c.name {
                        *last = ast::ident(&c.name);
                        changed = true;
                    }
                }
                if new.len() == 2 {
                    if let Some(first) = new.first_mut() {
                        if first.value != r.name {
                            *first = ast::ident(&r.name);
                            changed = true;
                        }
                    }
                }
                if changed {
                    let shown = new.iter().map(|i| i.value.clone()).collect::<Vec<_>>().join(".");
                    *e = if new.len() == 1 { Expr::Identifier(new.remove(0)) } else { Expr::CompoundIdentifier(new) };
                    self.note("identifier_case", format!("Names match columns regardless of case (as in DuckDB): using {shown}."));
                }
                return;
            }
        }
    }

    fn fix_binary(&mut self, e: &mut Expr) -> Result<()> {
        // exact arithmetic on numeric literals, as DuckDB's decimal literals (.06 + 0.01 = 0.07)
        if let Expr::BinaryOp { left, op, right } = &*e {
            if let (Expr::Value(Value::Number(a, _)), Expr::Value(Value::Number(b, _))) = (unnest(left), unnest(right)) {
                if let Some(v) = fold_numbers(a, op, b) {
                    *e = number(v);
                    return Ok(());
                }
            }
        }
        let Expr::BinaryOp { left, op, right } = e else { return Ok(()) };
        // decimals meeting fractional numbers compute as doubles (the engine would round the
        // other side to the decimal's scale)
        if is_comparison(op) || matches!(op, BinaryOperator::Plus | BinaryOperator::Minus | BinaryOperator::Multiply) {
            let (kl, kr) = (self.kind_of(left), self.kind_of(right));
            let compare = is_comparison(op);
            if kl == Some(Kind::Decimal) && kr == Some(Kind::Float) {
                self.decimal_meets_fraction(left, right, compare);
            } else if kr == Some(Kind::Decimal) && kl == Some(Kind::Float) {
                self.decimal_meets_fraction(right, left, compare);
            }
        }
        // INTERVAL + x  ->  x + INTERVAL
        if matches!(op, BinaryOperator::Plus) && matches!(**left, Expr::Interval(_)) && !matches!(**right, Expr::Interval(_)) {
            std::mem::swap(left, right);
        }
        // x + INTERVAL '-1 day'  ->  x - INTERVAL '1 day'
        if matches!(op, BinaryOperator::Plus | BinaryOperator::Minus) {
            if let Expr::Interval(iv) = right.as_mut() {
                if let Some(s) = str_literal(&iv.value).map(str::to_string) {
                    if let Some(rest) = s.trim().strip_prefix('-') {
                        *iv.value = string(rest.trim());
                        *op = if matches!(op, BinaryOperator::Plus) { BinaryOperator::Minus } else { BinaryOperator::Plus };
                    }
                }
            }
        }
        if is_comparison(op) {
            let kl = self.kind_of(left);
            let kr = self.kind_of(right);
            if let Some(t) = temporal_literal(right, kl) {
                **right = t;
                self.note_dates();
            } else if let Some(t) = temporal_literal(left, kr) {
                **left = t;
                self.note_dates();
            }
        }
        // date - date is a number of days (the engine gives a duration)
        if matches!(op, BinaryOperator::Minus) && self.kind_of(left) == Some(Kind::Date) && self.kind_of(right) == Some(Kind::Date) {
            let (l, r) = ((**left).clone(), (**right).clone());
            *e = call("__if_date_diff", vec![string("day"), r, l]);
            self.note("date_functions", "Subtracting dates gives the number of days between them, as in DuckDB.");
            return Ok(());
        }
        if matches!(op, BinaryOperator::Divide) {
            let kl = self.kind_of(left);
            let kr = self.kind_of(right);
            let float = kl == Some(Kind::Float) || kr == Some(Kind::Float);
            let other = kl.is_some_and(|k| !k.is_numeric()) || kr.is_some_and(|k| !k.is_numeric());
            if !float && !other {
                let l = (**left).clone();
                **left = Expr::Cast { kind: CastKind::Cast, expr: Box::new(l), data_type: DataType::Double, format: None };
                self.note("division", "'/' divides exactly, as in DuckDB (7 / 2 = 3.5); use // for integer division.");
            }
        }
        Ok(())
    }

    fn fix_function(&mut self, e: &mut Expr) -> Result<()> {
        let Expr::Function(f) = e else { return Ok(()) };
        let name = fname(f);
        let args: Vec<Expr> = fargs(f).into_iter().cloned().collect();
        let windowed = f.over.is_some();
        let no_parens = matches!(f.args, FunctionArguments::None);
        let new: Option<(Expr, String)> = match (name.as_str(), args.len()) {
            ("current_date" | "today", 0) => {
                let d = days_to_date(self.cat.now_micros().div_euclid(86_400_000_000) as i32);
                Some((typed(DataType::Date, d), "CURRENT_DATE is today's date (UTC) as a literal.".into()))
            }
            ("now" | "current_timestamp" | "get_current_timestamp" | "localtimestamp", 0) => {
                let ts = micros_to_datetime(self.cat.now_micros());
                Some((
                    typed(DataType::Timestamp(None, sqlparser::ast::TimezoneInfo::None), ts),
                    "The current time (UTC) is inlined as a literal.".into(),
                ))
            }
            (n, 1) if !windowed && !no_parens && part_function(n).is_some() => {
                let part = part_function(n).unwrap_or("year");
                Some((call("date_part", vec![string(part), args[0].clone()]), format!("{n}(x) is DATE_PART('{part}', x).")))
            }
            ("date_part" | "datepart", 2)
                if str_literal(&args[0]).is_some_and(|p| p.eq_ignore_ascii_case("epoch")) && self.kind_of(&args[1]) == Some(Kind::Date) =>
            {
                Some((epoch_of_date(args[1].clone()), "DATE_PART('epoch', date) is the date's days times 86400.".into()))
            }
            ("dayname", 1) => Some((call("strftime", vec![args[0].clone(), string("%A")]), "dayname(x) is STRFTIME(x, '%A').".into())),
            ("monthname", 1) => Some((call("strftime", vec![args[0].clone(), string("%B")]), "monthname(x) is STRFTIME(x, '%B').".into())),
            ("date_trunc" | "datetrunc", 2) => {
                let part = str_literal(&args[0]).map(|s| s.to_ascii_lowercase()).ok_or_else(|| {
                    unsupported("DATE_TRUNC with a computed part", "Write the part as text, e.g. DATE_TRUNC('month', d).")
                })?;
                if !crate::engine::udf::TRUNC_PARTS.contains(&part.as_str()) {
                    return Err(unsupported(
                        format!("DATE_TRUNC to '{part}'"),
                        "Use one of: year, quarter, month, week, day, hour, minute, second.",
                    ));
                }
                Some((call("__if_date_trunc", vec![string(&part), args[1].clone()]), "DATE_TRUNC runs as the engine's date_trunc function.".into()))
            }
            ("date_diff" | "datediff", 3) => {
                let part = str_literal(&args[0]).map(|s| s.to_ascii_lowercase()).ok_or_else(|| {
                    unsupported("DATE_DIFF with a computed part", "Write the part as text, e.g. DATE_DIFF('day', a, b).")
                })?;
                if !crate::engine::udf::DIFF_PARTS.contains(&part.as_str()) {
                    return Err(unsupported(format!("DATE_DIFF in '{part}'"), "Use one of: year, quarter, month, week, day, hour, minute, second."));
                }
                Some((
                    call("__if_date_diff", vec![string(&part), args[1].clone(), args[2].clone()]),
                    "DATE_DIFF runs as the engine's date_diff function.".into(),
                ))
            }
            ("strftime", 2) if str_literal(&args[0]).is_some_and(|s| s.contains('%')) && str_literal(&args[1]).is_none() => {
                Some((call("strftime", vec![args[1].clone(), args[0].clone()]), "strftime(format, x) is STRFTIME(x, format).".into()))
            }
            ("round", 1 | 2) if !matches!(args.first().and_then(|a| self.kind_of(a)), Some(Kind::Int)) => {
                let mut a = args.clone();
                if a.len() == 1 {
                    a.push(number(0));
                }
                Some((call("__if_round", a), "ROUND rounds halves away from zero, as DuckDB does (the engine rounds to even).".into()))
            }
            ("len", 1) => Some((call("length", args.clone()), "len(x) is LENGTH(x).".into())),
            ("lcase", 1) => Some((call("lower", args.clone()), "lcase(x) is LOWER(x).".into())),
            ("ucase", 1) => Some((call("upper", args.clone()), "ucase(x) is UPPER(x).".into())),
            ("strpos" | "instr", 2) => Some((call("__if_strpos", args.clone()), STRPOS_NOTE.into())),
            ("substring", 2 | 3) => Some((call("substr", args.clone()), "substring(s, a, b) is SUBSTR(s, a, b).".into())),
            ("nvl", 2) => Some((call("coalesce", args.clone()), "nvl(a, b) is COALESCE(a, b).".into())),
            ("contains", 2) => Some((binop(call("__if_strpos", args.clone()), BinaryOperator::Gt, number(0)), STRPOS_NOTE.into())),
            ("prefix", 2) => Some((call("starts_with", args.clone()), "prefix(s, t) is STARTS_WITH(s, t).".into())),
            ("suffix", 2) => Some((call("ends_with", args.clone()), "suffix(s, t) is ENDS_WITH(s, t).".into())),
            ("regexp_matches", 2) => Some((call("regexp_like", args.clone()), "regexp_matches(s, p) is REGEXP_LIKE(s, p).".into())),
            ("log", 1) => Some((call("log10", args.clone()), "log(x) is the base-10 logarithm, as in DuckDB.".into())),
            ("trunc", 1) => {
                let x = args[0].clone();
                let cond = binop(x.clone(), BinaryOperator::Lt, number(0));
                Some((
                    Expr::Case {
                        operand: None,
                        conditions: vec![cond],
                        results: vec![call("ceil", vec![x.clone()])],
                        else_result: Some(Box::new(call("floor", vec![x]))),
                    },
                    "trunc(x) rounds toward zero (CEIL below zero, FLOOR above).".into(),
                ))
            }
            ("count_if" | "countif", 1) if !windowed => {
                let case = Expr::Case { operand: None, conditions: vec![args[0].clone()], results: vec![number(1)], else_result: None };
                Some((call("count", vec![case]), "count_if(c) is COUNT(CASE WHEN c THEN 1 END).".into()))
            }
            ("any_value" | "arbitrary", 1) => Some((call("first", args.clone()), "any_value(x) is FIRST(x).".into())),
            ("var_pop" | "variance_pop" | "stddev_pop" | "std_pop", 1) if !windowed => {
                let x = args[0].clone();
                let n = call("count", vec![x.clone()]);
                let var = ast::nested(binop(
                    binop(call("var_samp", vec![x]), BinaryOperator::Multiply, ast::nested(binop(n.clone(), BinaryOperator::Minus, number(1)))),
                    BinaryOperator::Divide,
                    n.clone(),
                ));
                let pop = Expr::Case {
                    operand: None,
                    conditions: vec![binop(n, BinaryOperator::Eq, number(1))],
                    results: vec![number("0.0")],
                    else_result: Some(Box::new(var)),
                };
                let out = if name.starts_with("std") { call("sqrt", vec![pop]) } else { pop };
                Some((out, format!("{name}(x) is computed from VAR_SAMP(x) and COUNT(x).")))
            }
            ("mode" | "product" | "arg_max" | "arg_min" | "max_by" | "min_by" | "bool_and" | "bool_or", _) => {
                return Err(unsupported(format!("the aggregate {}()", name.to_uppercase()), alternative(&name)));
            }
            ("lpad" | "rpad" | "repeat" | "regexp_replace" | "regexp_extract" | "md5" | "hash" | "initcap" | "make_date" | "to_timestamp" | "epoch_ms", _) => {
                return Err(unsupported(format!("the function {}()", name.to_uppercase()), alternative(&name)));
            }
            _ => None,
        };
        if let Some((mut expr, detail)) = new {
            // keep a FILTER / OVER clause on a renamed aggregate
            if let (Expr::Function(nf), Expr::Function(of)) = (&mut expr, &*e) {
                if nf.over.is_none() {
                    nf.over = of.over.clone();
                }
                if nf.filter.is_none() {
                    nf.filter = of.filter.clone();
                }
                if is_distinct_call(of) {
                    if let FunctionArguments::List(l) = &mut nf.args {
                        l.duplicate_treatment = Some(sqlparser::ast::DuplicateTreatment::Distinct);
                    }
                }
            }
            let rule = if detail.contains("DATE") || detail.contains("date") || detail.contains("CURRENT") || detail.contains("time") {
                "date_functions"
            } else {
                "function_names"
            };
            *e = expr;
            self.note(rule, detail);
        }
        Ok(())
    }

    /// The kind of values an expression yields, when it can be told.
    pub(super) fn kind_of(&self, e: &Expr) -> Option<Kind> {
        match e {
            Expr::Identifier(_) | Expr::CompoundIdentifier(_) => {
                let idents = idents_of(e)?;
                for scope in self.scopes.iter().rev() {
                    if let Some((ri, ci)) = scope.resolve(idents) {
                        return scope.col(ri, ci).map(|c| c.kind);
                    }
                }
                None
            }
            Expr::Value(v) => match v {
                Value::Number(n, _) => Some(if n.contains(['.', 'e', 'E']) { Kind::Float } else { Kind::Int }),
                Value::SingleQuotedString(_) => Some(Kind::Str),
                Value::Boolean(_) => Some(Kind::Bool),
                _ => None,
            },
            Expr::TypedString { data_type, .. } => kind_of_type(data_type),
            Expr::Cast { data_type, .. } => kind_of_type(data_type),
            Expr::Nested(x) => self.kind_of(x),
            Expr::UnaryOp { op: UnaryOperator::Not, .. } => Some(Kind::Bool),
            Expr::UnaryOp { expr, .. } => self.kind_of(expr),
            Expr::BinaryOp { left, op, right } => match op {
                BinaryOperator::Plus | BinaryOperator::Minus | BinaryOperator::Multiply | BinaryOperator::Modulo => {
                    let (l, r) = (self.kind_of(left), self.kind_of(right));
                    match (l, r) {
                        (Some(Kind::Date | Kind::Datetime), _) if matches!(**right, Expr::Interval(_)) => l,
                        (Some(Kind::Float), _) | (_, Some(Kind::Float)) => Some(Kind::Float),
                        (Some(Kind::Decimal), _) | (_, Some(Kind::Decimal)) => Some(Kind::Decimal),
                        (Some(Kind::Int), Some(Kind::Int)) => Some(Kind::Int),
                        _ => None,
                    }
                }
                BinaryOperator::Divide => Some(Kind::Float),
                BinaryOperator::DuckIntegerDivide => Some(Kind::Int),
                BinaryOperator::StringConcat => Some(Kind::Str),
                _ => Some(Kind::Bool),
            },
            Expr::IsNull(_)
            | Expr::IsNotNull(_)
            | Expr::IsTrue(_)
            | Expr::IsFalse(_)
            | Expr::IsNotTrue(_)
            | Expr::IsNotFalse(_)
            | Expr::IsDistinctFrom(..)
            | Expr::IsNotDistinctFrom(..)
            | Expr::InList { .. }
            | Expr::InSubquery { .. }
            | Expr::Between { .. }
            | Expr::Like { .. }
            | Expr::ILike { .. }
            | Expr::Exists { .. } => Some(Kind::Bool),
            Expr::Extract { .. } | Expr::Position { .. } => Some(Kind::Int),
            Expr::Substring { .. } | Expr::Trim { .. } => Some(Kind::Str),
            Expr::Interval(_) => Some(Kind::Duration),
            Expr::Case { results, else_result, .. } => {
                results.iter().chain(else_result.iter().map(|b| &**b)).find_map(|r| self.kind_of(r))
            }
            Expr::Ceil { .. } | Expr::Floor { .. } => Some(Kind::Float),
            Expr::Function(f) => self.kind_of_function(f),
            _ => None,
        }
    }

    fn kind_of_function(&self, f: &Function) -> Option<Kind> {
        let name = fname(f);
        let args = fargs(f);
        let first = || args.first().and_then(|a| self.kind_of(a));
        match name.as_str() {
            "count" | "count_if" | "row_number" | "rank" | "dense_rank" | "ntile" | "length" | "strpos" | "date_part" | "datepart"
            | "__if_date_diff" | "__if_strpos" | "octet_length" | "bit_length" | "sign" => Some(Kind::Int),
            "__if_round" | "avg" | "mean" | "median" | "stddev" | "stddev_samp" | "stdev" | "variance" | "var_samp" | "var" | "corr" | "covar_pop" | "covar_samp"
            | "percent_rank" | "cume_dist" | "quantile_cont" | "sqrt" | "ln" | "log" | "log10" | "log2" | "exp" | "pow" | "power" | "pi" | "sin"
            | "cos" | "tan" | "atan" | "atan2" | "degrees" | "radians" | "cbrt" => Some(Kind::Float),
            "sum" => match first() {
                Some(Kind::Float) => Some(Kind::Float),
                Some(Kind::Decimal) => Some(Kind::Decimal),
                Some(Kind::Int) | Some(Kind::Bool) => Some(Kind::Int),
                _ => None,
            },
            "min" | "max" | "first" | "last" | "any_value" | "lag" | "lead" | "first_value" | "last_value" | "nth_value" | "coalesce" | "nullif"
            | "ifnull" | "greatest" | "least" | "abs" | "round" | "ceil" | "ceiling" | "floor" | "quantile_disc" => {
                args.iter().find_map(|a| self.kind_of(a))
            }
            "upper" | "lower" | "substr" | "substring" | "concat" | "concat_ws" | "strftime" | "replace" | "trim" | "ltrim" | "rtrim" | "left"
            | "right" | "reverse" | "split_part" | "initcap" => Some(Kind::Str),
            "__if_date_trunc" => args.get(1).and_then(|a| self.kind_of(a)),
            "date" => Some(Kind::Date),
            "timestamp" | "datetime" | "strptime" => Some(Kind::Datetime),
            "starts_with" | "ends_with" | "regexp_like" => Some(Kind::Bool),
            _ => None,
        }
    }
}

/// Plain-language alternatives for functions the engine lacks.
fn alternative(name: &str) -> String {
    match name {
        "string_agg" | "listagg" | "group_concat" => "Group the rows and list the values as separate rows, or use ARRAY_AGG(x).".into(),
        "mode" => "Count each value with GROUP BY and keep the most frequent (ORDER BY COUNT(*) DESC LIMIT 1).".into(),
        "arg_max" | "arg_min" | "max_by" | "min_by" => "Use ROW_NUMBER() OVER (PARTITION BY ... ORDER BY ...) and keep row 1.".into(),
        "bool_and" | "bool_or" => "Use MIN(CASE WHEN c THEN 1 ELSE 0 END) = 1 (all) or MAX(...) = 1 (any).".into(),
        "lpad" | "rpad" => "Use CONCAT with a fixed prefix and RIGHT(...) / LEFT(...).".into(),
        "initcap" => "Use UPPER(LEFT(s, 1)) || LOWER(SUBSTR(s, 2)).".into(),
        "make_date" => "Use DATE(CONCAT(y, '-', m, '-', d)) or a DATE 'YYYY-MM-DD' literal.".into(),
        _ => "Compute it in a different way with the functions listed in the documentation.".into(),
    }
}

fn is_epoch(f: &DateTimeField) -> bool {
    match f {
        DateTimeField::Epoch => true,
        DateTimeField::Custom(i) => i.value.eq_ignore_ascii_case("epoch"),
        _ => false,
    }
}

/// Seconds since 1970-01-01 of a DATE value.
fn epoch_of_date(e: Expr) -> Expr {
    let days = Expr::Cast { kind: CastKind::Cast, expr: Box::new(e), data_type: DataType::BigInt(None), format: None };
    binop(days, BinaryOperator::Multiply, number(86400))
}

fn to_double(e: &mut Box<Expr>) {
    let inner = (**e).clone();
    **e = Expr::Cast { kind: CastKind::Cast, expr: Box::new(inner), data_type: DataType::Double, format: None };
}

/// A fractional number literal (or its negation) as an exact decimal of its own scale,
/// `CAST('0.05' AS DECIMAL(38, 2))`, for comparing with a decimal column: the engine's own
/// rule rounds the number to the column's scale, and casting the column to a double instead
/// converts every value (i128 to f64 in software in wasm: 60% of TPC-H Q6). `None` for
/// exponents and for more digits than the decimal can hold next to the column's.
fn decimal_literal(e: &Expr) -> Option<Expr> {
    let (neg, text) = match unnest(e) {
        Expr::Value(Value::Number(n, _)) => (false, n.as_str()),
        Expr::UnaryOp { op: UnaryOperator::Minus, expr } => match unnest(expr) {
            Expr::Value(Value::Number(n, _)) => (true, n.as_str()),
            _ => return None,
        },
        _ => return None,
    };
    let (digits, scale) = parse_decimal(text)?;
    if scale == 0 || scale > 18 || digits.unsigned_abs() >= 10u128.pow(20) {
        return None;
    }
    let v = if neg { -digits } else { digits };
    Some(Expr::Cast {
        kind: CastKind::Cast,
        expr: Box::new(string(&decimal_text(v, scale))),
        data_type: DataType::Decimal(ExactNumberInfo::PrecisionAndScale(38, u64::from(scale))),
        format: None,
    })
}

/// `text` as an exact decimal: (digits, scale).
fn parse_decimal(text: &str) -> Option<(i128, u32)> {
    if text.contains(['e', 'E']) {
        return None;
    }
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    let digits = format!("{int}{frac}");
    let v: i128 = if digits.is_empty() { 0 } else { digits.parse().ok()? };
    Some((v, u32::try_from(frac.len()).ok()?))
}

fn decimal_text(v: i128, scale: u32) -> String {
    if scale == 0 {
        return v.to_string();
    }
    let neg = v < 0;
    let digits = v.unsigned_abs().to_string();
    let width = scale as usize + 1;
    let padded = format!("{digits:0>width$}");
    let (int, frac) = padded.split_at(padded.len() - scale as usize);
    format!("{}{int}.{frac}", if neg { "-" } else { "" })
}

/// `a op b` for two number literals, exactly (only + - *).
fn fold_numbers(a: &str, op: &BinaryOperator, b: &str) -> Option<String> {
    let (x, sx) = parse_decimal(a)?;
    let (y, sy) = parse_decimal(b)?;
    let (v, scale) = match op {
        BinaryOperator::Plus | BinaryOperator::Minus => {
            let s = sx.max(sy);
            let x = x.checked_mul(10i128.checked_pow(s - sx)?)?;
            let y = y.checked_mul(10i128.checked_pow(s - sy)?)?;
            (if matches!(op, BinaryOperator::Plus) { x.checked_add(y)? } else { x.checked_sub(y)? }, s)
        }
        BinaryOperator::Multiply => (x.checked_mul(y)?, sx + sy),
        _ => return None,
    };
    if scale > 30 {
        return None;
    }
    Some(decimal_text(v, scale))
}

/// Days since 1970-01-01 as `YYYY-MM-DD`.
pub(crate) fn days_to_date(days: i32) -> String {
    chrono::NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|d| d.checked_add_signed(chrono::Duration::days(i64::from(days))))
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| "1970-01-01".into())
}

/// Microseconds since the epoch as `YYYY-MM-DD HH:MM:SS.ffffff`.
pub(crate) fn micros_to_datetime(us: i64) -> String {
    chrono::DateTime::from_timestamp_micros(us)
        .map(|d| d.naive_utc().format("%Y-%m-%d %H:%M:%S%.6f").to_string())
        .unwrap_or_else(|| "1970-01-01 00:00:00".into())
}

/// `INTERVAL '90' DAY (3)`, `INTERVAL 1 MONTH` -> `INTERVAL '90 days'`, `INTERVAL '1 month'`.
fn normalize_interval(iv: &Interval) -> Result<Option<Interval>> {
    let plain = iv.leading_field.is_none() && iv.last_field.is_none() && iv.leading_precision.is_none() && iv.fractional_seconds_precision.is_none();
    let value: String = match unnest(&iv.value) {
        Expr::Value(Value::SingleQuotedString(s)) => s.trim().to_string(),
        Expr::Value(Value::Number(n, _)) => n.clone(),
        Expr::UnaryOp { op: UnaryOperator::Minus, expr } => match unnest(expr) {
            Expr::Value(Value::Number(n, _)) => format!("-{n}"),
            _ => return Err(unsupported("an INTERVAL with a computed value", "Write the amount as a number, e.g. INTERVAL '3 days'.")),
        },
        _ => return Err(unsupported("an INTERVAL with a computed value", "Write the amount as a number, e.g. INTERVAL '3 days'.")),
    };
    if plain && matches!(unnest(&iv.value), Expr::Value(Value::SingleQuotedString(_))) {
        // '1 month', '2 days 3 hours': already what the engine reads (plural units too)
        return Ok(None);
    }
    if iv.last_field.is_some() {
        return Err(unsupported(format!("the interval {iv}"), "Write it as INTERVAL '<n> <unit>', e.g. INTERVAL '90 days'."));
    }
    let unit = match &iv.leading_field {
        None => {
            // INTERVAL 5 (no unit) or a number: days are not implied
            if value.chars().all(|c| c.is_ascii_digit() || c == '-' || c == '.') {
                return Err(unsupported(format!("the interval {iv} (no unit)"), "Add a unit, e.g. INTERVAL '5 days'."));
            }
            return Ok(Some(plain_interval(value)));
        }
        Some(f) => match f {
            DateTimeField::Year => "year",
            DateTimeField::Month => "month",
            DateTimeField::Week(_) => "week",
            DateTimeField::Day => "day",
            DateTimeField::Hour => "hour",
            DateTimeField::Minute => "minute",
            DateTimeField::Second => "second",
            DateTimeField::Quarter => "quarter",
            DateTimeField::Millisecond | DateTimeField::Milliseconds => "millisecond",
            DateTimeField::Microsecond | DateTimeField::Microseconds => "microsecond",
            DateTimeField::Custom(i) => match i.value.to_ascii_lowercase().trim_end_matches('s') {
                "year" => "year",
                "month" => "month",
                "week" => "week",
                "day" => "day",
                "hour" => "hour",
                "minute" => "minute",
                "second" => "second",
                "quarter" => "quarter",
                _ => return Err(unsupported(format!("the interval unit {}", i.value), "Use years, months, weeks, days, hours, minutes or seconds.")),
            },
            other => return Err(unsupported(format!("the interval unit {other}"), "Use years, months, weeks, days, hours, minutes or seconds.")),
        },
    };
    let amount: f64 = value.parse().map_err(|_| unsupported(format!("the interval {iv}"), "Write it as INTERVAL '<n> <unit>', e.g. INTERVAL '90 days'."))?;
    let text = if amount.fract() == 0.0 {
        format!("{} {unit}s", amount as i64)
    } else {
        return Err(unsupported(format!("a fractional interval ({iv})"), "Use a whole number of a smaller unit, e.g. INTERVAL '36 hours'."));
    };
    Ok(Some(plain_interval(text)))
}

fn plain_interval(text: String) -> Interval {
    Interval {
        value: Box::new(string(&text)),
        leading_field: None,
        leading_precision: None,
        last_field: None,
        fractional_seconds_precision: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_arithmetic_is_exact() {
        assert_eq!(fold_numbers(".06", &BinaryOperator::Minus, "0.01").as_deref(), Some("0.05"));
        assert_eq!(fold_numbers(".06", &BinaryOperator::Plus, "0.01").as_deref(), Some("0.07"));
        assert_eq!(fold_numbers("1", &BinaryOperator::Plus, "10").as_deref(), Some("11"));
        assert_eq!(fold_numbers("2.5", &BinaryOperator::Multiply, "-2").as_deref(), Some("-5.0"));
        assert_eq!(fold_numbers("0.001", &BinaryOperator::Minus, "1").as_deref(), Some("-0.999"));
        assert_eq!(fold_numbers("1e3", &BinaryOperator::Plus, "1"), None);
        assert_eq!(fold_numbers("1", &BinaryOperator::Divide, "3"), None);
    }

    #[test]
    fn intervals_become_engine_intervals() {
        let iv = |sql: &str| match super::super::ast::parse_expr(sql).unwrap() {
            Expr::Interval(i) => normalize_interval(&i).map(|o| o.map(|n| Expr::Interval(n).to_string())),
            other => panic!("{other}"),
        };
        assert_eq!(iv("INTERVAL '90' DAY (3)").unwrap().as_deref(), Some("INTERVAL '90 days'"));
        assert_eq!(iv("INTERVAL 1 MONTH").unwrap().as_deref(), Some("INTERVAL '1 months'"));
        assert_eq!(iv("INTERVAL '1' YEAR").unwrap().as_deref(), Some("INTERVAL '1 years'"));
        assert_eq!(iv("INTERVAL '2 weeks'").unwrap(), None);
        assert!(iv("INTERVAL '1.5' DAY").is_err());
        assert!(iv("INTERVAL 5").is_err());
    }
}
