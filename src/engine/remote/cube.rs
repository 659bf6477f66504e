//! The Cube REST API (`engine: 'cube'`): the semantic layer answers questions, not SQL.
//!
//! Schema: `GET {url}/cubejs-api/v1/meta`; the source's `table` names a cube whose dimensions
//! and measures become the columns (`orders.status` → `status`). A question's
//! [`Intent`] compiles to a `/cubejs-api/v1/load` query: measures (an intent measure maps to
//! the cube measure of that name, or to the one whose `aggType` matches and whose name holds
//! the field: sum of `amount` → `orders.amount_sum` / `orders.total_amount`), dimensions,
//! `timeDimensions` with a granularity for truncated time units, filters (equals, notEquals,
//! gt/gte/lt/lte, contains, inDateRange for a time range), order and limit. Cube's
//! `{"error": "Continue wait"}` is polled with backoff until the deadline. The answer's
//! `data` (objects keyed by member) and `annotation` (types) become a frame whose columns are
//! named as the intent names them. What Cube cannot express (shares, changes, bins, day of
//! week, raw rows) is refused with QUESTION_UNSUPPORTED rather than approximated.

use std::rc::Rc;

use serde_json::{json, Map, Value};

use super::convert::{FrameBuilder, Kind, RemoteColumn};
use super::transport::Method;
use super::{Call, Fetched};
use crate::error::{Error, ErrorCode, Result};
use crate::question::{Aggregate, FilterOp, Intent, TimeUnit};

const ENGINE: &str = "Cube";

/// One dimension or measure of a cube.
#[derive(Debug, Clone)]
pub struct Member {
    /// Full name, `orders.status`.
    pub name: String,
    /// Without the cube prefix, `status`: the column name callers see.
    pub short: String,
    pub kind: Kind,
    /// Measures: `count`, `sum`, `avg`, `min`, `max`, `countDistinct`, `number`, ...
    pub agg: Option<String>,
}

/// The cube a source names, from `/meta`.
#[derive(Debug, Clone)]
pub struct CubeMeta {
    pub cube: String,
    pub dimensions: Vec<Member>,
    pub measures: Vec<Member>,
}

impl CubeMeta {
    pub fn columns(&self) -> Vec<RemoteColumn> {
        self.dimensions.iter().chain(&self.measures).map(|m| RemoteColumn { name: m.short.clone(), kind: m.kind, nullable: true }).collect()
    }

    fn dimension(&self, field: &str) -> Option<&Member> {
        self.dimensions.iter().find(|m| m.short.eq_ignore_ascii_case(field) || m.name.eq_ignore_ascii_case(field))
    }

    fn member(&self, field: &str) -> Option<&Member> {
        self.dimension(field).or_else(|| self.measures.iter().find(|m| m.short.eq_ignore_ascii_case(field) || m.name.eq_ignore_ascii_case(field)))
    }

    /// The cube measure for `aggregate(field)`.
    fn measure(&self, field: &str, aggregate: Aggregate) -> Option<&Member> {
        if let Some(m) = self.measures.iter().find(|m| m.short.eq_ignore_ascii_case(field) || m.name.eq_ignore_ascii_case(field)) {
            return Some(m);
        }
        let wanted: &[&str] = match aggregate {
            Aggregate::Sum => &["sum"],
            Aggregate::Avg => &["avg"],
            Aggregate::Min => &["min"],
            Aggregate::Max => &["max"],
            Aggregate::Count => &["count"],
            Aggregate::CountDistinct => &["countDistinct", "countDistinctApprox"],
            Aggregate::Median | Aggregate::None => &[],
        };
        let agg_ok = |m: &&Member| m.agg.as_deref().is_some_and(|a| wanted.iter().any(|w| w.eq_ignore_ascii_case(a)));
        if aggregate == Aggregate::Count && (field == "*" || field.is_empty()) {
            return self.measures.iter().find(|m| agg_ok(m));
        }
        let f = field.to_ascii_lowercase();
        self.measures.iter().filter(agg_ok).find(|m| m.short.to_ascii_lowercase().split('_').any(|part| part == f) || m.short.to_ascii_lowercase().contains(&f))
    }
}

fn kind_of(t: &str) -> Kind {
    match t {
        "number" => Kind::Float,
        "time" => Kind::Datetime,
        "boolean" => Kind::Bool,
        _ => Kind::Text,
    }
}

fn api_base(call: &Call<'_>) -> String {
    let b = &call.source.base;
    if b.ends_with("/cubejs-api/v1") {
        b.clone()
    } else {
        format!("{b}/cubejs-api/v1")
    }
}

fn headers() -> Vec<(String, String)> {
    vec![("Content-Type".to_string(), "application/json".to_string())]
}

fn error_of(v: &Value) -> Option<String> {
    v.get("error").and_then(|e| e.as_str().map(str::to_string).or_else(|| e.get("message").and_then(Value::as_str).map(str::to_string)))
}

/// Reads the cube named by the source's `table` from `/meta`.
pub async fn fetch_meta(call: &Call<'_>) -> Result<CubeMeta> {
    let resp = call.send(call.request(Method::Get, format!("{}/meta", api_base(call)), headers(), Vec::new()), true).await?;
    if !resp.ok() {
        let said = serde_json::from_slice::<Value>(&resp.body).ok().and_then(|v| error_of(&v)).unwrap_or_else(|| String::from_utf8_lossy(&resp.body).to_string());
        return Err(call.status_error(resp.status, &said));
    }
    let v = call.json(&resp)?;
    parse_meta(call, &v)
}

fn parse_meta(call: &Call<'_>, v: &Value) -> Result<CubeMeta> {
    let Some(Value::Array(cubes)) = v.get("cubes") else { return Err(call.bad("It has no 'cubes' list; is this Cube's /meta?")) };
    let want = &call.source.opts.table;
    let names: Vec<String> = cubes.iter().filter_map(|c| c.get("name").and_then(Value::as_str).map(str::to_string)).collect();
    let Some(cube) = cubes.iter().find(|c| c.get("name").and_then(Value::as_str).is_some_and(|n| n.eq_ignore_ascii_case(want))) else {
        return Err(Error::new(
            ErrorCode::RemoteError,
            format!("The Cube server has no cube named '{want}'."),
            crate::error::suggestion_hint("cube", want, &names),
        ));
    };
    let cube_name = cube.get("name").and_then(Value::as_str).unwrap_or(want).to_string();
    let members = |key: &str, measure: bool| -> Vec<Member> {
        cube.get(key)
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(|m| {
                        let name = m.get("name").and_then(Value::as_str)?.to_string();
                        let short = name.split_once('.').map_or(name.as_str(), |(_, s)| s).to_string();
                        let t = m.get("type").and_then(Value::as_str).unwrap_or("string");
                        let kind = if measure { Kind::Float } else { kind_of(t) };
                        let agg = if measure { m.get("aggType").and_then(Value::as_str).map(str::to_string).or_else(|| Some(t.to_string())) } else { None };
                        Some(Member { name, short, kind, agg })
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    Ok(CubeMeta { cube: cube_name, dimensions: members("dimensions", false), measures: members("measures", true) })
}

pub async fn describe(call: &Call<'_>) -> Result<Vec<RemoteColumn>> {
    Ok(fetch_meta(call).await?.columns())
}

fn unsupported(what: String) -> Error {
    Error::new(
        ErrorCode::QuestionUnsupported,
        format!("The Cube source cannot answer this: {what}."),
        "Ask for the cube's measures by its dimensions (totals, counts, averages by a category or over time), or query the data with SQL on a SQL engine.",
    )
}

fn agg_word(a: Aggregate) -> &'static str {
    match a {
        Aggregate::Sum => "sum",
        Aggregate::Avg => "average",
        Aggregate::Median => "median",
        Aggregate::Count => "count",
        Aggregate::CountDistinct => "distinct count",
        Aggregate::Min => "minimum",
        Aggregate::Max => "maximum",
        Aggregate::None => "values",
    }
}

fn granularity(u: TimeUnit) -> Option<&'static str> {
    match u {
        TimeUnit::Year => Some("year"),
        TimeUnit::Quarter => Some("quarter"),
        TimeUnit::Month => Some("month"),
        TimeUnit::Week => Some("week"),
        TimeUnit::Day => Some("day"),
        TimeUnit::Hour => Some("hour"),
        _ => None,
    }
}

fn text_values(values: &[Value]) -> Vec<Value> {
    values
        .iter()
        .map(|v| match v {
            Value::String(s) => Value::String(s.clone()),
            Value::Null => Value::Null,
            other => Value::String(other.to_string()),
        })
        .collect()
}

/// An output column of the compiled query: the member key in Cube's answer and our name.
#[derive(Debug, Clone)]
pub struct Output {
    pub key: String,
    pub name: String,
    pub kind: Kind,
}

/// The `/load` query for `intent`, and the columns of its answer in order.
pub fn compile(meta: &CubeMeta, intent: &Intent) -> Result<(Value, Vec<Output>)> {
    let mut dimensions = Vec::new();
    let mut time_dimensions: Vec<Value> = Vec::new();
    let mut outputs = Vec::new();
    let unknown = |field: &str| {
        let names: Vec<String> = meta.dimensions.iter().chain(&meta.measures).map(|m| m.short.clone()).collect();
        Error::new(ErrorCode::UnknownColumn, format!("The cube '{}' has no member named '{field}'.", meta.cube), crate::error::suggestion_hint("member", field, &names))
    };
    for d in &intent.dimensions {
        if d.bin.is_some() {
            return Err(unsupported(format!("bins of '{}'", d.field)));
        }
        let m = meta.dimension(&d.field).ok_or_else(|| unknown(&d.field))?;
        match d.time_unit {
            Some(u) => {
                let g = granularity(u).ok_or_else(|| unsupported(format!("'{}' by {}", d.field, u.as_str().replace('_', " "))))?;
                time_dimensions.push(json!({"dimension": m.name, "granularity": g}));
                outputs.push(Output { key: format!("{}.{g}", m.name), name: d.field.clone(), kind: Kind::Datetime });
            }
            None => {
                dimensions.push(Value::String(m.name.clone()));
                outputs.push(Output { key: m.name.clone(), name: d.field.clone(), kind: m.kind });
            }
        }
    }
    let mut measures = Vec::new();
    for ms in &intent.measures {
        if ms.calc.is_some() || !ms.filter.is_empty() {
            return Err(unsupported(format!("a share or change of '{}'", ms.field)));
        }
        let m = meta.measure(&ms.field, ms.aggregate).ok_or_else(|| {
            let list: Vec<String> = meta.measures.iter().map(|m| format!("'{}'", m.short)).collect();
            Error::new(
                ErrorCode::QuestionUnsupported,
                format!("The cube '{}' has no measure for the {} of '{}'.", meta.cube, agg_word(ms.aggregate), ms.field),
                format!("Its measures: {}.", list.join(", ")),
            )
        })?;
        measures.push(Value::String(m.name.clone()));
        let name = ms.alias.clone().unwrap_or_else(|| m.short.clone());
        outputs.push(Output { key: m.name.clone(), name, kind: Kind::Float });
    }
    if measures.is_empty() && dimensions.is_empty() && time_dimensions.is_empty() {
        return Err(unsupported("the question names no measure or dimension".into()));
    }
    let mut filters = Vec::new();
    for f in &intent.filters {
        if f.time_unit.is_some() {
            return Err(unsupported(format!("a filter on part of the date '{}'", f.field)));
        }
        let m = meta.member(&f.field).ok_or_else(|| unknown(&f.field))?;
        let values = text_values(&f.values);
        let simple = |op: &str| json!({"member": m.name, "operator": op, "values": values});
        match f.op {
            FilterOp::Eq | FilterOp::In => filters.push(simple("equals")),
            FilterOp::Ne | FilterOp::NotIn => filters.push(simple("notEquals")),
            FilterOp::Gt => filters.push(simple(if m.kind == Kind::Datetime { "afterDate" } else { "gt" })),
            FilterOp::Gte => filters.push(simple(if m.kind == Kind::Datetime { "afterOrOnDate" } else { "gte" })),
            FilterOp::Lt => filters.push(simple(if m.kind == Kind::Datetime { "beforeDate" } else { "lt" })),
            FilterOp::Lte => filters.push(simple(if m.kind == Kind::Datetime { "beforeOrOnDate" } else { "lte" })),
            FilterOp::Contains => filters.push(simple("contains")),
            FilterOp::Between => {
                let (Some(a), Some(b)) = (values.first(), values.get(1)) else {
                    return Err(unsupported(format!("a range on '{}' without two ends", f.field)));
                };
                if m.kind == Kind::Datetime {
                    filters.push(json!({"member": m.name, "operator": "inDateRange", "values": [a, b]}));
                } else {
                    filters.push(json!({"member": m.name, "operator": "gte", "values": [a]}));
                    filters.push(json!({"member": m.name, "operator": "lte", "values": [b]}));
                }
            }
        }
    }
    let mut query = Map::new();
    query.insert("measures".into(), Value::Array(measures));
    query.insert("dimensions".into(), Value::Array(dimensions));
    if !time_dimensions.is_empty() {
        query.insert("timeDimensions".into(), Value::Array(time_dimensions));
    }
    if !filters.is_empty() {
        query.insert("filters".into(), Value::Array(filters));
    }
    if let Some(s) = &intent.sort {
        let member = outputs
            .iter()
            .find(|o| o.name.eq_ignore_ascii_case(&s.field))
            .map(|o| o.key.rsplit_once('.').filter(|_| o.kind == Kind::Datetime && meta.dimension(&o.name).is_some()).map_or(o.key.clone(), |(k, _)| k.to_string()))
            .or_else(|| meta.member(&s.field).map(|m| m.name.clone()))
            .ok_or_else(|| unknown(&s.field))?;
        query.insert("order".into(), json!([[member, if s.descending { "desc" } else { "asc" }]]));
    }
    if let Some(l) = intent.limit {
        query.insert("limit".into(), json!(l));
    }
    Ok((Value::Object(query), outputs))
}

/// Maps Cube's answer (`data` objects keyed by member) to a frame named as the intent names it.
pub fn frame_of(call: &Call<'_>, answer: &mut Value, outputs: &[Output]) -> Result<polars::prelude::DataFrame> {
    // /load may answer {results: [{data, annotation}]} (newer) or {data, annotation}.
    let mut body = match answer.get_mut("results").and_then(Value::as_array_mut).and_then(|r| r.first_mut()) {
        Some(first) => first.take(),
        None => answer.take(),
    };
    let Some(Value::Array(rows)) = body.get_mut("data").map(Value::take) else {
        return Err(call.bad("It has no 'data' list; is this Cube's /load?"));
    };
    let columns = outputs.iter().map(|o| RemoteColumn { name: o.name.clone(), kind: o.kind, nullable: true }).collect();
    let mut b = FrameBuilder::new(ENGINE, columns);
    let max_rows = usize::try_from(call.source.opts.max_rows).unwrap_or(usize::MAX);
    if rows.len() > max_rows {
        return Err(Error::new(ErrorCode::TooLarge, format!("The Cube answer has more than {max_rows} rows."), "Add a limit or filter to the question."));
    }
    for row in rows {
        let Value::Object(mut o) = row else { return Err(call.bad("A row is not an object.")) };
        let cells: Vec<Value> = outputs
            .iter()
            .map(|out| {
                // Time dimensions: `orders.created_at.month`, older servers also `orders.created_at`.
                o.remove(&out.key).or_else(|| out.key.rsplit_once('.').and_then(|(base, _)| o.remove(base))).unwrap_or(Value::Null)
            })
            .collect();
        b.push_row(Value::Array(cells))?;
    }
    b.finish()
}

/// Runs the intent on Cube, polling "Continue wait".
pub async fn load(call: &Call<'_>, meta: &Rc<CubeMeta>, intent: &Intent) -> Result<Fetched> {
    let (query, outputs) = compile(meta, intent)?;
    let (mut v, waits) = load_json(call, &query).await?;
    let frame = frame_of(call, &mut v, &outputs)?;
    Ok(Fetched { frame, server_ms: None, stats: json!({"query": query, "continueWaits": waits}) })
}

/// The rows of an answer: `data`, or `results[0].data`.
pub fn rows_of(answer: &Value) -> Option<&Vec<Value>> {
    answer.get("data").or_else(|| answer.get("results").and_then(|r| r.get(0)).and_then(|r| r.get("data"))).and_then(Value::as_array)
}

/// Posts a `/load` query and returns Cube's answer (and how many "Continue wait" it took).
pub async fn load_json(call: &Call<'_>, query: &Value) -> Result<(Value, u32)> {
    let body = serde_json::to_vec(&json!({"query": query})).unwrap_or_default();
    let url = format!("{}/load", api_base(call));
    let mut waits = 0u32;
    loop {
        let resp = call.send(call.request(Method::Post, url.clone(), headers(), body.clone()), true).await?;
        let v = if resp.ok() {
            call.json(&resp)?
        } else {
            let said = serde_json::from_slice::<Value>(&resp.body).ok().and_then(|v| error_of(&v)).unwrap_or_else(|| String::from_utf8_lossy(&resp.body).to_string());
            // Cube answers a query it cannot build with 400 and a message.
            if resp.status == 400 {
                return Err(call.query_error(&said));
            }
            return Err(call.status_error(resp.status, &said));
        };
        match error_of(&v) {
            Some(e) if e.eq_ignore_ascii_case("Continue wait") => {
                waits += 1;
                call.observer.progress(None, format!("Cube: still computing (check {waits})"), json!({"engine": "cube", "state": "CONTINUE_WAIT", "checks": waits}));
                if call.aborted() {
                    return Err(super::transport::aborted());
                }
                let wait = (100.0 * 2f64.powi(waits.min(4) as i32)).min(call.remaining_ms());
                if wait <= 1.0 {
                    return Err(call.timeout_error());
                }
                call.client.sleep(wait).await;
                continue;
            }
            Some(e) => return Err(call.query_error(&e)),
            None => return Ok((v, waits)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::question::{Dimension, Filter, Measure, Sort};

    pub(crate) fn meta() -> CubeMeta {
        let m = |name: &str, kind: Kind, agg: Option<&str>| Member {
            name: format!("orders.{name}"),
            short: name.to_string(),
            kind,
            agg: agg.map(str::to_string),
        };
        CubeMeta {
            cube: "orders".into(),
            dimensions: vec![m("region", Kind::Text, None), m("day", Kind::Datetime, None), m("amount", Kind::Float, None)],
            measures: vec![m("count", Kind::Float, Some("count")), m("amount_sum", Kind::Float, Some("sum")), m("amount_avg", Kind::Float, Some("avg"))],
        }
    }

    #[test]
    fn intent_compiles_to_a_load_query() {
        let intent = Intent {
            measures: vec![Measure::new("amount", Aggregate::Sum), Measure::new("*", Aggregate::Count)],
            dimensions: vec![Dimension { field: "region".into(), time_unit: None, bin: None }, Dimension { field: "day".into(), time_unit: Some(TimeUnit::Month), bin: None }],
            filters: vec![
                Filter { field: "region".into(), op: FilterOp::In, values: vec![json!("North"), json!("South")], time_unit: None },
                Filter { field: "amount".into(), op: FilterOp::Between, values: vec![json!(1), json!(100)], time_unit: None },
            ],
            sort: Some(Sort { field: "amount_sum".into(), descending: true }),
            limit: Some(5),
            ..Default::default()
        };
        let (q, outs) = compile(&meta(), &intent).unwrap();
        assert_eq!(
            q,
            json!({
                "measures": ["orders.amount_sum", "orders.count"],
                "dimensions": ["orders.region"],
                "timeDimensions": [{"dimension": "orders.day", "granularity": "month"}],
                "filters": [
                    {"member": "orders.region", "operator": "equals", "values": ["North", "South"]},
                    {"member": "orders.amount", "operator": "gte", "values": ["1"]},
                    {"member": "orders.amount", "operator": "lte", "values": ["100"]}
                ],
                "order": [["orders.amount_sum", "desc"]],
                "limit": 5
            })
        );
        let names: Vec<&str> = outs.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(names, vec!["region", "day", "amount_sum", "count"]);
        assert_eq!(outs[1].key, "orders.day.month");
    }

    #[test]
    fn what_cube_cannot_say_is_refused() {
        let mut share = Measure::new("amount", Aggregate::Sum);
        share.calc = Some(crate::question::intent::Calc::Share);
        for intent in [
            Intent { measures: vec![share], ..Default::default() },
            Intent { measures: vec![Measure::new("amount", Aggregate::Median)], ..Default::default() },
            Intent { dimensions: vec![Dimension { field: "day".into(), time_unit: Some(TimeUnit::DayOfWeek), bin: None }], ..Default::default() },
            Intent::default(),
        ] {
            assert_eq!(compile(&meta(), &intent).unwrap_err().code, ErrorCode::QuestionUnsupported);
        }
        let unknown = Intent { dimensions: vec![Dimension { field: "colour".into(), time_unit: None, bin: None }], ..Default::default() };
        assert_eq!(compile(&meta(), &unknown).unwrap_err().code, ErrorCode::UnknownColumn);
    }
}
