//! Functions the SQL rewrite layer calls that Polars SQL 0.51 lacks, registered in every
//! query's `SQLContext`: window functions with SQL semantics (`__if_win_*`: ranking,
//! offsets, frames, running aggregates), `__if_date_trunc`, `__if_date_diff`, `__if_round` and
//! `__if_strpos`.
//!
//! The window functions take `(spec, anchor, values..., partition keys..., order keys...)`:
//! `spec` is a text literal written by the rewriter (`f=rank;np=1;no=1;...`), `anchor` any
//! column of the input (it gives the frame's height). Never panics: bad input is an error.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use polars::prelude::*;
use polars::sql::{FunctionOptions, FunctionRegistry};

/// Parts DATE_TRUNC accepts.
pub(crate) const TRUNC_PARTS: [&str; 8] = ["year", "quarter", "month", "week", "day", "hour", "minute", "second"];
/// Parts DATE_DIFF accepts.
pub(crate) const DIFF_PARTS: [&str; 7] = ["year", "quarter", "month", "day", "hour", "minute", "second"];

/// The registry handed to each `SQLContext`.
pub(crate) struct Registry {
    fns: HashMap<String, UserDefinedFunction>,
}

impl FunctionRegistry for Registry {
    fn register(&mut self, name: &str, fun: UserDefinedFunction) -> PolarsResult<()> {
        self.fns.insert(name.to_string(), fun);
        Ok(())
    }
    fn get_udf(&self, name: &str) -> PolarsResult<Option<UserDefinedFunction>> {
        Ok(self.fns.get(name).cloned())
    }
    fn contains(&self, name: &str) -> bool {
        self.fns.contains_key(name)
    }
}

type ColFn = fn(&mut [Column]) -> PolarsResult<Column>;
type FieldFn = fn(&[Field]) -> PolarsResult<Field>;

fn udf(name: &str, f: ColFn, out: FieldFn, options: FunctionOptions) -> UserDefinedFunction {
    let mut u = UserDefinedFunction::new(
        PlSmallStr::from_str(name),
        BaseColumnUdf::new(move |s: &mut [Column]| f(s), move |_: &Schema, fields: &[Field]| out(fields)),
    );
    u.options = options;
    u
}

pub(crate) fn registry() -> Arc<dyn FunctionRegistry> {
    let mut fns = HashMap::new();
    let window = FunctionOptions::length_preserving();
    for (name, f, out) in [
        ("__if_win_int", win_int as ColFn, field_int as FieldFn),
        ("__if_win_float", win_float, field_float),
        ("__if_win_value", win_value, field_value),
        ("__if_win_sum", win_sum, field_sum),
    ] {
        fns.insert(name.to_string(), udf(name, f, out, window));
    }
    fns.insert("__if_date_trunc".into(), udf("__if_date_trunc", date_trunc, field_second, FunctionOptions::elementwise()));
    fns.insert("__if_round".into(), udf("__if_round", round_half_away, field_round, FunctionOptions::elementwise()));
    fns.insert("__if_date_diff".into(), udf("__if_date_diff", date_diff, field_int, FunctionOptions::elementwise()));
    fns.insert("__if_strpos".into(), udf("__if_strpos", strpos, field_int, FunctionOptions::elementwise()));
    Arc::new(Registry { fns })
}

fn name_of(fields: &[Field]) -> PlSmallStr {
    fields.first().map(|f| f.name.clone()).unwrap_or_else(|| PlSmallStr::from_static("window"))
}

fn field_int(fields: &[Field]) -> PolarsResult<Field> {
    Ok(Field::new(name_of(fields), DataType::Int64))
}
fn field_float(fields: &[Field]) -> PolarsResult<Field> {
    Ok(Field::new(name_of(fields), DataType::Float64))
}
fn field_value(fields: &[Field]) -> PolarsResult<Field> {
    let dt = fields.get(2).map(|f| f.dtype.clone()).unwrap_or(DataType::Null);
    Ok(Field::new(name_of(fields), dt))
}
fn field_sum(fields: &[Field]) -> PolarsResult<Field> {
    let dt = match fields.get(2).map(|f| &f.dtype) {
        Some(d) if d.is_integer() || d.is_bool() => DataType::Int64,
        _ => DataType::Float64,
    };
    Ok(Field::new(name_of(fields), dt))
}
fn field_round(fields: &[Field]) -> PolarsResult<Field> {
    let f = fields.first().cloned().ok_or_else(|| polars_err!(ComputeError: "round needs a value"))?;
    let dt = if f.dtype.is_integer() { f.dtype.clone() } else { DataType::Float64 };
    Ok(Field::new(f.name.clone(), dt))
}

/// ROUND(x, n) as DuckDB computes it for doubles: round(x * 10^n) / 10^n, halves away from zero.
fn round_half_away(s: &mut [Column]) -> PolarsResult<Column> {
    let x = s.first().ok_or_else(|| polars_err!(ComputeError: "round needs a value"))?.as_materialized_series().clone();
    if x.dtype().is_integer() {
        return Ok(x.into_column());
    }
    let n = match s.get(1) {
        Some(c) => c.as_materialized_series().cast(&DataType::Int64)?.i64()?.get(0).unwrap_or(0),
        None => 0,
    };
    let p = 10f64.powi(i32::try_from(n.clamp(-30, 30)).unwrap_or(0));
    let f = x.cast(&DataType::Float64)?;
    let out: Float64Chunked = f.f64()?.apply_values(|v| if n == 0 { v.round() } else { (v * p).round() / p });
    Ok(out.into_series().with_name(x.name().clone()).into_column())
}

fn field_second(fields: &[Field]) -> PolarsResult<Field> {
    let f = fields.get(1).cloned().ok_or_else(|| polars_err!(ComputeError: "date_trunc needs two arguments"))?;
    Ok(f)
}

// ---------------------------------------------------------------------------------------
// window functions

#[derive(Debug, Clone, Copy, PartialEq)]
enum Bound {
    UnboundedPreceding,
    Preceding(usize),
    CurrentRow,
    Following(usize),
    UnboundedFollowing,
}

#[derive(Debug)]
struct Spec {
    func: String,
    n_values: usize,
    n_parts: usize,
    n_orders: usize,
    desc: Vec<bool>,
    nulls_first: Vec<bool>,
    rows: bool,
    start: Bound,
    end: Bound,
    k: i64,
}

fn parse_bound(s: &str) -> PolarsResult<Bound> {
    Ok(match s {
        "up" => Bound::UnboundedPreceding,
        "uf" => Bound::UnboundedFollowing,
        "cr" => Bound::CurrentRow,
        _ => {
            let (kind, n) = s.split_once(':').ok_or_else(|| polars_err!(ComputeError: "bad window bound {s}"))?;
            let n: usize = n.parse().map_err(|_| polars_err!(ComputeError: "bad window bound {s}"))?;
            match kind {
                "p" => Bound::Preceding(n),
                "f" => Bound::Following(n),
                _ => polars_bail!(ComputeError: "bad window bound {s}"),
            }
        }
    })
}

fn parse_spec(s: &Column) -> PolarsResult<Spec> {
    let text = s.str()?.get(0).ok_or_else(|| polars_err!(ComputeError: "window spec missing"))?.to_string();
    let mut m: HashMap<&str, &str> = HashMap::new();
    for part in text.split(';') {
        if let Some((k, v)) = part.split_once('=') {
            m.insert(k, v);
        }
    }
    let get = |k: &str| m.get(k).copied().unwrap_or("");
    let num = |k: &str| get(k).parse::<usize>().unwrap_or(0);
    let bits = |k: &str| get(k).chars().map(|c| c == '1').collect::<Vec<bool>>();
    Ok(Spec {
        func: get("f").to_string(),
        n_values: num("nv"),
        n_parts: num("np"),
        n_orders: num("no"),
        desc: bits("d"),
        nulls_first: bits("nf"),
        rows: get("u") == "rows",
        start: parse_bound(get("s"))?,
        end: parse_bound(get("e"))?,
        k: get("k").parse::<i64>().unwrap_or(1),
    })
}

/// A column of length `n` (literals come in with length 1).
fn broadcast(c: &Column, n: usize) -> Series {
    let s = c.as_materialized_series().clone();
    if s.len() == n {
        s
    } else if s.is_empty() {
        Series::full_null(s.name().clone(), n, s.dtype())
    } else {
        s.new_from_index(0, n)
    }
}

/// Everything a window function needs: the sort order and the partition / peer groups.
struct Layout {
    n: usize,
    /// sorted position -> original row
    perm: Vec<usize>,
    /// for each sorted position: start (inclusive) and end (exclusive) of its partition
    part: Vec<(usize, usize)>,
    /// for each sorted position: start and end of its peer group (equal order keys)
    peer: Vec<(usize, usize)>,
    /// for each sorted position: index of its peer group within the partition (0-based)
    peer_no: Vec<usize>,
}

fn differs(cols: &[Series], a: usize, b: usize) -> PolarsResult<bool> {
    for c in cols {
        if c.get(a)? != c.get(b)? {
            return Ok(true);
        }
    }
    Ok(false)
}

fn layout(spec: &Spec, n: usize, parts: &[Series], orders: &[Series]) -> PolarsResult<Layout> {
    let mut columns: Vec<Column> = Vec::new();
    let mut names: Vec<PlSmallStr> = Vec::new();
    let mut descending = Vec::new();
    let mut nulls_last = Vec::new();
    for (i, p) in parts.iter().enumerate() {
        let name = PlSmallStr::from_string(format!("p{i}"));
        columns.push(p.clone().with_name(name.clone()).into_column());
        names.push(name);
        descending.push(false);
        nulls_last.push(true);
    }
    for (i, o) in orders.iter().enumerate() {
        let name = PlSmallStr::from_string(format!("o{i}"));
        columns.push(o.clone().with_name(name.clone()).into_column());
        names.push(name);
        descending.push(spec.desc.get(i).copied().unwrap_or(false));
        nulls_last.push(!spec.nulls_first.get(i).copied().unwrap_or(false));
    }
    let idx: Vec<IdxSize> = (0..n as IdxSize).collect();
    columns.push(IdxCa::from_vec(PlSmallStr::from_static("__row"), idx).into_series().into_column());
    let df = DataFrame::new(columns)?;
    let sorted = if names.is_empty() {
        df
    } else {
        df.sort(
            names,
            SortMultipleOptions::default()
                .with_order_descending_multi(descending)
                .with_nulls_last_multi(nulls_last)
                .with_maintain_order(true)
                .with_multithreaded(false),
        )?
    };
    let rows = sorted.column("__row")?.idx()?.clone();
    let perm: Vec<usize> = rows.into_no_null_iter().map(|v| v as usize).collect();
    let sp: Vec<Series> = (0..parts.len()).map(|i| sorted.column(&format!("p{i}")).map(|c| c.as_materialized_series().rechunk())).collect::<PolarsResult<_>>()?;
    let so: Vec<Series> = (0..orders.len()).map(|i| sorted.column(&format!("o{i}")).map(|c| c.as_materialized_series().rechunk())).collect::<PolarsResult<_>>()?;

    let mut part = vec![(0usize, 0usize); n];
    let mut peer = vec![(0usize, 0usize); n];
    let mut peer_no = vec![0usize; n];
    let mut j = 0;
    while j < n {
        let ps = j;
        let mut pe = j + 1;
        while pe < n && !differs(&sp, pe - 1, pe)? {
            pe += 1;
        }
        let mut g = ps;
        let mut gno = 0;
        while g < pe {
            let mut ge = g + 1;
            while ge < pe && !differs(&so, ge - 1, ge)? {
                ge += 1;
            }
            for q in g..ge {
                peer[q] = (g, ge);
                peer_no[q] = gno;
                part[q] = (ps, pe);
            }
            gno += 1;
            g = ge;
        }
        j = pe;
    }
    Ok(Layout { n, perm, part, peer, peer_no })
}

/// The frame of sorted position `j`: inclusive start, exclusive end (may be empty).
fn frame(spec: &Spec, lay: &Layout, j: usize) -> (usize, usize) {
    let (ps, pe) = lay.part[j];
    let (gs, ge) = lay.peer[j];
    let start = match spec.start {
        Bound::UnboundedPreceding => ps,
        Bound::CurrentRow => {
            if spec.rows {
                j
            } else {
                gs
            }
        }
        Bound::Preceding(k) => j.saturating_sub(k).max(ps),
        Bound::Following(k) => (j + k).min(pe),
        Bound::UnboundedFollowing => pe,
    };
    let end = match spec.end {
        Bound::UnboundedFollowing => pe,
        Bound::CurrentRow => {
            if spec.rows {
                j + 1
            } else {
                ge
            }
        }
        Bound::Following(k) => (j + k + 1).min(pe),
        Bound::Preceding(k) => {
            if j < k {
                ps
            } else {
                (j + 1 - k).max(ps)
            }
        }
        Bound::UnboundedPreceding => ps,
    };
    (start, end.max(start))
}

struct Inputs {
    spec: Spec,
    values: Vec<Series>,
    lay: Layout,
}

fn inputs(s: &mut [Column]) -> PolarsResult<Inputs> {
    let spec_col = s.first().ok_or_else(|| polars_err!(ComputeError: "window spec missing"))?;
    let spec = parse_spec(spec_col)?;
    let n = s.get(1).map(|c| c.len()).ok_or_else(|| polars_err!(ComputeError: "window anchor missing"))?;
    let need = 2 + spec.n_values + spec.n_parts + spec.n_orders;
    polars_ensure!(s.len() == need, ComputeError: "window function expects {} inputs, got {}", need, s.len());
    let all: Vec<Series> = s[2..].iter().map(|c| broadcast(c, n)).collect();
    let values = all[..spec.n_values].to_vec();
    let parts = &all[spec.n_values..spec.n_values + spec.n_parts];
    let orders = &all[spec.n_values + spec.n_parts..];
    let lay = layout(&spec, n, parts, orders)?;
    Ok(Inputs { spec, values, lay })
}

fn scatter<T: Clone>(lay: &Layout, sorted: Vec<Option<T>>) -> Vec<Option<T>> {
    let mut out: Vec<Option<T>> = vec![None; lay.n];
    for (j, v) in sorted.into_iter().enumerate() {
        if let Some(&orig) = lay.perm.get(j) {
            if let Some(slot) = out.get_mut(orig) {
                *slot = v;
            }
        }
    }
    out
}

fn out_name(s: &[Column]) -> PlSmallStr {
    s.first().map(|c| c.name().clone()).unwrap_or_else(|| PlSmallStr::from_static("window"))
}

/// Non-null flags of a value column, in sorted order.
fn valid_sorted(v: &Series, lay: &Layout) -> Vec<bool> {
    let nn = v.is_not_null();
    lay.perm.iter().map(|&r| nn.get(r).unwrap_or(false)).collect()
}

fn win_int(s: &mut [Column]) -> PolarsResult<Column> {
    let inp = inputs(s)?;
    let (spec, lay) = (&inp.spec, &inp.lay);
    let mut out: Vec<Option<i64>> = Vec::with_capacity(lay.n);
    let valid = inp.values.first().map(|v| valid_sorted(v, lay));
    for j in 0..lay.n {
        let (ps, pe) = lay.part[j];
        let v = match spec.func.as_str() {
            "row_number" => Some((j - ps + 1) as i64),
            "rank" => Some((lay.peer[j].0 - ps + 1) as i64),
            "dense_rank" => Some(lay.peer_no[j] as i64 + 1),
            "ntile" => {
                let m = (pe - ps) as i64;
                let k = spec.k.max(1);
                let i = (j - ps) as i64;
                let q = m / k;
                let r = m % k;
                Some(if q == 0 {
                    i + 1
                } else if i < r * (q + 1) {
                    i / (q + 1) + 1
                } else {
                    (i - r * (q + 1)) / q + r + 1
                })
            }
            "count" => {
                let (fs, fe) = frame(spec, lay, j);
                Some(match &valid {
                    Some(valid) => valid[fs..fe].iter().filter(|b| **b).count() as i64,
                    None => (fe - fs) as i64,
                })
            }
            other => polars_bail!(ComputeError: "unknown window function {other}"),
        };
        out.push(v);
    }
    let out = scatter(lay, out);
    Ok(Int64Chunked::from_iter_options(out_name(s), out.into_iter()).into_series().into_column())
}

/// f64 values of a numeric column (decimals and integers converted), in sorted order.
fn f64_sorted(v: &Series, lay: &Layout) -> PolarsResult<Vec<Option<f64>>> {
    let f = v.cast(&DataType::Float64)?;
    let ca = f.f64()?;
    Ok(lay.perm.iter().map(|&r| ca.get(r)).collect())
}

fn win_float(s: &mut [Column]) -> PolarsResult<Column> {
    let inp = inputs(s)?;
    let (spec, lay) = (&inp.spec, &inp.lay);
    let mut out: Vec<Option<f64>> = Vec::with_capacity(lay.n);
    match spec.func.as_str() {
        "percent_rank" | "cume_dist" => {
            for j in 0..lay.n {
                let (ps, pe) = lay.part[j];
                let m = (pe - ps) as f64;
                out.push(Some(if spec.func == "percent_rank" {
                    if pe - ps <= 1 {
                        0.0
                    } else {
                        (lay.peer[j].0 - ps) as f64 / (m - 1.0)
                    }
                } else {
                    (lay.peer[j].1 - ps) as f64 / m
                }));
            }
        }
        "avg" => {
            let v = inp.values.first().ok_or_else(|| polars_err!(ComputeError: "avg needs a value"))?;
            let vals = f64_sorted(v, lay)?;
            let (sum, cnt) = prefix_f64(&vals);
            for j in 0..lay.n {
                let (fs, fe) = frame(spec, lay, j);
                let c = cnt[fe] - cnt[fs];
                out.push(if c == 0 { None } else { Some((sum[fe] - sum[fs]) / c as f64) });
            }
        }
        "stddev" | "variance" | "stddev_pop" | "var_pop" => {
            let v = inp.values.first().ok_or_else(|| polars_err!(ComputeError: "{} needs a value", spec.func))?;
            let vals = f64_sorted(v, lay)?;
            let pop = spec.func.ends_with("_pop");
            let mut last: Option<((usize, usize), Option<f64>)> = None;
            for j in 0..lay.n {
                let fr = frame(spec, lay, j);
                let var = match last {
                    Some((f, v)) if f == fr => v,
                    _ => {
                        let xs: Vec<f64> = vals[fr.0..fr.1].iter().flatten().copied().collect();
                        let n = xs.len() as f64;
                        let v = if xs.is_empty() || (!pop && xs.len() < 2) {
                            None
                        } else {
                            let mean = xs.iter().sum::<f64>() / n;
                            let ss: f64 = xs.iter().map(|x| (x - mean) * (x - mean)).sum();
                            Some(ss / if pop { n } else { n - 1.0 })
                        };
                        last = Some((fr, v));
                        v
                    }
                };
                out.push(if spec.func.starts_with("std") { var.map(f64::sqrt) } else { var });
            }
        }
        other => polars_bail!(ComputeError: "unknown window function {other}"),
    }
    let out = scatter(lay, out);
    Ok(Float64Chunked::from_iter_options(out_name(s), out.into_iter()).into_series().into_column())
}

fn prefix_f64(vals: &[Option<f64>]) -> (Vec<f64>, Vec<usize>) {
    let mut sum = vec![0.0; vals.len() + 1];
    let mut cnt = vec![0usize; vals.len() + 1];
    for (i, v) in vals.iter().enumerate() {
        sum[i + 1] = sum[i] + v.unwrap_or(0.0);
        cnt[i + 1] = cnt[i] + usize::from(v.is_some());
    }
    (sum, cnt)
}

fn win_sum(s: &mut [Column]) -> PolarsResult<Column> {
    let inp = inputs(s)?;
    let (spec, lay) = (&inp.spec, &inp.lay);
    let v = inp.values.first().ok_or_else(|| polars_err!(ComputeError: "sum needs a value"))?;
    let integer = v.dtype().is_integer() || v.dtype().is_bool();
    if integer {
        let iv = v.cast(&DataType::Int64)?;
        let ca = iv.i64()?;
        let vals: Vec<Option<i64>> = lay.perm.iter().map(|&r| ca.get(r)).collect();
        let mut sum = vec![0i128; vals.len() + 1];
        let mut cnt = vec![0usize; vals.len() + 1];
        for (i, x) in vals.iter().enumerate() {
            sum[i + 1] = sum[i] + i128::from(x.unwrap_or(0));
            cnt[i + 1] = cnt[i] + usize::from(x.is_some());
        }
        let mut out: Vec<Option<i64>> = Vec::with_capacity(lay.n);
        for j in 0..lay.n {
            let (fs, fe) = frame(spec, lay, j);
            out.push(if cnt[fe] == cnt[fs] { None } else { i64::try_from(sum[fe] - sum[fs]).ok() });
        }
        let out = scatter(lay, out);
        return Ok(Int64Chunked::from_iter_options(out_name(s), out.into_iter()).into_series().into_column());
    }
    let vals = f64_sorted(v, lay)?;
    let mut out: Vec<Option<f64>> = Vec::with_capacity(lay.n);
    // sums over a frame: a direct loop when frames are short, prefix sums otherwise
    let (sum, cnt) = prefix_f64(&vals);
    for j in 0..lay.n {
        let (fs, fe) = frame(spec, lay, j);
        if cnt[fe] == cnt[fs] {
            out.push(None);
        } else if fe - fs <= 64 {
            out.push(Some(vals[fs..fe].iter().map(|x| x.unwrap_or(0.0)).sum()));
        } else {
            out.push(Some(sum[fe] - sum[fs]));
        }
    }
    let out = scatter(lay, out);
    Ok(Float64Chunked::from_iter_options(out_name(s), out.into_iter()).into_series().into_column())
}

fn win_value(s: &mut [Column]) -> PolarsResult<Column> {
    let inp = inputs(s)?;
    let (spec, lay) = (&inp.spec, &inp.lay);
    let v = inp.values.first().ok_or_else(|| polars_err!(ComputeError: "{} needs a value", spec.func))?;
    // sorted position -> source original row (None = NULL); `fallback` marks rows that take the default
    let mut src: Vec<Option<usize>> = Vec::with_capacity(lay.n);
    let mut fallback: Vec<bool> = vec![false; lay.n];
    match spec.func.as_str() {
        "lag" | "lead" => {
            let k = spec.k;
            for j in 0..lay.n {
                let (ps, pe) = lay.part[j];
                let t = if spec.func == "lag" { j as i64 - k } else { j as i64 + k };
                if t >= ps as i64 && t < pe as i64 {
                    src.push(lay.perm.get(t as usize).copied());
                } else {
                    src.push(None);
                    fallback[j] = true;
                }
            }
        }
        "first_value" | "last_value" | "nth_value" => {
            for j in 0..lay.n {
                let (fs, fe) = frame(spec, lay, j);
                let t = match spec.func.as_str() {
                    "first_value" => (fs < fe).then_some(fs),
                    "last_value" => (fs < fe).then(|| fe - 1),
                    _ => {
                        let t = fs + (spec.k.max(1) as usize) - 1;
                        (t < fe).then_some(t)
                    }
                };
                src.push(t.and_then(|t| lay.perm.get(t).copied()));
            }
        }
        "min" | "max" => {
            // codes: rank of each original row's value (nulls excluded)
            let order = v.arg_sort(SortOptions::default().with_nulls_last(true));
            let mut code = vec![usize::MAX; lay.n];
            for (pos, r) in order.into_no_null_iter().enumerate() {
                if let Some(c) = code.get_mut(r as usize) {
                    *c = pos;
                }
            }
            let nn = v.is_not_null();
            let sorted_code: Vec<Option<usize>> =
                lay.perm.iter().map(|&r| if nn.get(r).unwrap_or(false) { code.get(r).copied() } else { None }).collect();
            let better = |a: usize, b: usize| if spec.func == "min" { a < b } else { a > b };
            for j in 0..lay.n {
                let (fs, fe) = frame(spec, lay, j);
                let mut best: Option<(usize, usize)> = None; // (code, sorted pos)
                for (t, c) in sorted_code.iter().enumerate().take(fe).skip(fs) {
                    if let Some(c) = c {
                        if best.map_or(true, |(bc, _)| better(*c, bc)) {
                            best = Some((*c, t));
                        }
                    }
                }
                src.push(best.and_then(|(_, t)| lay.perm.get(t).copied()));
            }
        }
        other => polars_bail!(ComputeError: "unknown window function {other}"),
    }
    let src = scatter(lay, src);
    let fallback = scatter(lay, fallback.into_iter().map(Some).collect());
    let idx: IdxCa = src.iter().map(|o| o.map(|v| v as IdxSize)).collect();
    let mut out = v.take(&idx)?;
    if let Some(default) = inp.values.get(1) {
        let default = default.cast(out.dtype())?;
        let keep: BooleanChunked = fallback.iter().map(|f| Some(!f.unwrap_or(false))).collect();
        out = out.zip_with(&keep, &default)?;
    }
    Ok(out.with_name(out_name(s)).into_column())
}

// ---------------------------------------------------------------------------------------
// dates

fn part_arg(s: &[Column]) -> PolarsResult<String> {
    let c = s.first().ok_or_else(|| polars_err!(ComputeError: "missing part"))?;
    Ok(c.str()?.get(0).ok_or_else(|| polars_err!(ComputeError: "missing part"))?.to_ascii_lowercase())
}

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()
}

fn trunc_date(d: NaiveDate, part: &str) -> Option<NaiveDate> {
    match part {
        "year" => NaiveDate::from_ymd_opt(d.year(), 1, 1),
        "quarter" => NaiveDate::from_ymd_opt(d.year(), (d.month0() / 3) * 3 + 1, 1),
        "month" => NaiveDate::from_ymd_opt(d.year(), d.month(), 1),
        "week" => d.checked_sub_signed(chrono::Duration::days(i64::from(d.weekday().num_days_from_monday()))),
        _ => Some(d),
    }
}

fn trunc_datetime(t: NaiveDateTime, part: &str) -> Option<NaiveDateTime> {
    let d = trunc_date(t.date(), part)?;
    Some(match part {
        "year" | "quarter" | "month" | "week" | "day" => d.and_hms_opt(0, 0, 0)?,
        "hour" => d.and_hms_opt(t.hour(), 0, 0)?,
        "minute" => d.and_hms_opt(t.hour(), t.minute(), 0)?,
        _ => d.and_hms_opt(t.hour(), t.minute(), t.second())?,
    })
}

fn unit_per_sec(tu: TimeUnit) -> i64 {
    match tu {
        TimeUnit::Nanoseconds => 1_000_000_000,
        TimeUnit::Microseconds => 1_000_000,
        TimeUnit::Milliseconds => 1_000,
    }
}

fn to_naive(v: i64, tu: TimeUnit) -> Option<NaiveDateTime> {
    let per = unit_per_sec(tu);
    let secs = v.div_euclid(per);
    let sub = v.rem_euclid(per) * (1_000_000_000 / per);
    chrono::DateTime::from_timestamp(secs, u32::try_from(sub).ok()?).map(|d| d.naive_utc())
}

fn from_naive(t: NaiveDateTime, tu: TimeUnit) -> i64 {
    let u = t.and_utc();
    match tu {
        TimeUnit::Nanoseconds => u.timestamp_nanos_opt().unwrap_or(i64::MIN),
        TimeUnit::Microseconds => u.timestamp_micros(),
        TimeUnit::Milliseconds => u.timestamp_millis(),
    }
}

fn date_trunc(s: &mut [Column]) -> PolarsResult<Column> {
    let part = part_arg(s)?;
    polars_ensure!(TRUNC_PARTS.contains(&part.as_str()), ComputeError: "DATE_TRUNC does not know the part '{}'", part);
    let x = s.get(1).ok_or_else(|| polars_err!(ComputeError: "DATE_TRUNC needs a value"))?.as_materialized_series().clone();
    let name = x.name().clone();
    match x.dtype().clone() {
        DataType::Date => {
            let days = x.to_physical_repr().into_owned();
            let ca = days.i32()?;
            let out: Int32Chunked = ca
                .into_iter()
                .map(|o| {
                    o.and_then(|d| {
                        let date = epoch().checked_add_signed(chrono::Duration::days(i64::from(d)))?;
                        let t = trunc_date(date, &part)?;
                        i32::try_from((t - epoch()).num_days()).ok()
                    })
                })
                .collect();
            Ok(out.into_series().cast(&DataType::Date)?.with_name(name).into_column())
        }
        DataType::Datetime(tu, tz) => {
            let phys = x.to_physical_repr().into_owned();
            let ca = phys.i64()?;
            let out: Int64Chunked =
                ca.into_iter().map(|o| o.and_then(|v| to_naive(v, tu)).and_then(|t| trunc_datetime(t, &part)).map(|t| from_naive(t, tu))).collect();
            Ok(out.into_series().cast(&DataType::Datetime(tu, tz))?.with_name(name).into_column())
        }
        other => polars_bail!(InvalidOperation: "DATE_TRUNC needs a date or timestamp, not {}", other),
    }
}

/// Values of a date or datetime column as naive datetimes.
fn naive_values(c: &Column) -> PolarsResult<Vec<Option<NaiveDateTime>>> {
    let s = c.as_materialized_series();
    match s.dtype().clone() {
        DataType::Date => {
            let p = s.to_physical_repr().into_owned();
            Ok(p.i32()?
                .into_iter()
                .map(|o| o.and_then(|d| epoch().checked_add_signed(chrono::Duration::days(i64::from(d)))).and_then(|d| d.and_hms_opt(0, 0, 0)))
                .collect())
        }
        DataType::Datetime(tu, _) => {
            let p = s.to_physical_repr().into_owned();
            Ok(p.i64()?.into_iter().map(|o| o.and_then(|v| to_naive(v, tu))).collect())
        }
        other => polars_bail!(InvalidOperation: "DATE_DIFF needs dates or timestamps, not {}", other),
    }
}

/// `__if_strpos(s, t)`: the 1-based position, in characters, of the text `t` in `s`; 0 when it
/// is absent, NULL when either is NULL (DuckDB's STRPOS). The engine's own STRPOS and POSITION
/// read `t` as a regular expression (`STRPOS(s, '.')` found any character; `'+'` failed) and
/// counted bytes.
fn strpos(s: &mut [Column]) -> PolarsResult<Column> {
    let text = |i: usize| -> PolarsResult<StringChunked> {
        let c = s.get(i).ok_or_else(|| polars_err!(ComputeError: "STRPOS needs two values"))?;
        Ok(c.as_materialized_series().cast(&DataType::String)?.str()?.clone())
    };
    let (hay, needle) = (text(0)?, text(1)?);
    let pos = |h: Option<&str>, n: Option<&str>| -> Option<i64> {
        let (h, n) = (h?, n?);
        Some(h.find(n).and_then(|b| h.get(..b)).map_or(0, |before| before.chars().count() as i64 + 1))
    };
    let out: Int64Chunked = match (hay.len(), needle.len()) {
        (_, 1) => {
            let n = needle.get(0);
            hay.iter().map(|h| pos(h, n)).collect()
        }
        (1, _) => {
            let h = hay.get(0);
            needle.iter().map(|n| pos(h, n)).collect()
        }
        (a, b) if a == b => hay.iter().zip(needle.iter()).map(|(h, n)| pos(h, n)).collect(),
        (a, b) => polars_bail!(ComputeError: "STRPOS got {a} and {b} values"),
    };
    Ok(out.into_series().with_name(PlSmallStr::from_static("strpos")).into_column())
}

fn date_diff(s: &mut [Column]) -> PolarsResult<Column> {
    let part = part_arg(s)?;
    let a = naive_values(s.get(1).ok_or_else(|| polars_err!(ComputeError: "DATE_DIFF needs two values"))?)?;
    let b = naive_values(s.get(2).ok_or_else(|| polars_err!(ComputeError: "DATE_DIFF needs two values"))?)?;
    let n = a.len().max(b.len());
    let at = |v: &Vec<Option<NaiveDateTime>>, i: usize| if v.len() == 1 { v.first().copied().flatten() } else { v.get(i).copied().flatten() };
    let months = |t: NaiveDateTime| i64::from(t.year()) * 12 + i64::from(t.month0());
    let out: Int64Chunked = (0..n)
        .map(|i| {
            let (x, y) = (at(&a, i)?, at(&b, i)?);
            Some(match part.as_str() {
                "year" => i64::from(y.year() - x.year()),
                "quarter" => months(y).div_euclid(3) - months(x).div_euclid(3),
                "month" => months(y) - months(x),
                "day" => (y.date() - x.date()).num_days(),
                "hour" => y.and_utc().timestamp().div_euclid(3600) - x.and_utc().timestamp().div_euclid(3600),
                "minute" => y.and_utc().timestamp().div_euclid(60) - x.and_utc().timestamp().div_euclid(60),
                _ => y.and_utc().timestamp() - x.and_utc().timestamp(),
            })
        })
        .collect();
    Ok(out.into_series().with_name(PlSmallStr::from_static("date_diff")).into_column())
}
