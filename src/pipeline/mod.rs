//! The analyze pipeline: ten weighted stages from a request to a result a web app can show.
//!
//! | # | stage | weight | |
//! |---|---|---|---|
//! | 1 | validate | 5 | request shape, source known, caller allowed |
//! | 2 | schema | 10 | from the schema cache (24 h) or the engine |
//! | 3 | sql | 15 | the given SQL (or, later, SQL from the question): parsed, guarded, fingerprinted |
//! | 4 | execute | 20 | result cache first (30 min), identical in-flight requests share one run |
//! | 5 | data | 10 | row and byte limits, JSON-safe rows |
//! | 6 | chart | 15 | ECharts option (joined with 7: they run concurrently) |
//! | 7 | insights | 15 | statistics over the result |
//! | 8 | narration | 5 | plain-language summary |
//! | 9 | combine | 5 | one result with metadata for every stage |
//! | 10 | complete | — | 100% |
//!
//! Every stage reports `started` then `done` / `skipped` / `failed` through [`Hooks`], with a
//! percent that never decreases and ends at exactly 100, and records a [`StageMeta`]. Failures
//! before the data exists fail the call; failures in chart, insights or narration degrade to a
//! warning. Abort and timeout are checked between stages. Data flows one way; nothing here
//! reaches back into ingest.

pub mod flight;

use std::cell::RefCell;
use std::rc::Rc;

use polars::prelude::DataFrame;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use web_time::Instant;

use crate::chart::{self, ChartOutput};
use crate::error::{Error, ErrorCode, Result};
use crate::insight::{self, Insight};
use crate::question::Intent;
use crate::engine::remote::Observer;
use crate::engine::router::{Route, RouteObserver};
use crate::runtime::{ms_since, ResultKey, Runtime};
use crate::sql::{self, Transformation};
use crate::table::{ColumnInfo, RowTable, Rows};
use flight::yield_now;

/// A query's frame as cached and shared between identical requests.
#[derive(Debug, Clone)]
pub struct Computed {
    pub frame: DataFrame,
    pub transformations: Vec<Transformation>,
    /// The chart, insights and narration last made from this frame (see [`Answer`]).
    answer: RefCell<Option<Rc<Answer>>>,
}

impl Computed {
    pub fn new(frame: DataFrame, transformations: Vec<Transformation>) -> Self {
        Computed { frame, transformations, answer: RefCell::new(None) }
    }
}

/// What stages 6–8 made from a result, kept with the cached result so that a result-cache hit
/// asking for the same presentation (row cap, question, intent) reuses it: those stages are pure
/// functions of the rows and these inputs. Kept only for small results (the charts of
/// aggregates), so that the cache's memory stays what the frames take.
#[derive(Debug)]
struct Answer {
    key: AnswerKey,
    chart: ChartOutput,
    insights: Vec<Insight>,
    narration: String,
}

#[derive(Debug, PartialEq)]
struct AnswerKey {
    max_rows: usize,
    title: Option<String>,
    intent: Option<Intent>,
}

/// Largest result (rows × columns) whose answer is kept with it.
const ANSWER_MEMO_CELLS: usize = 5_000;

/// `cache` option of a request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CacheMode {
    /// Serve from the result cache when fresh, else run and store.
    #[default]
    Use,
    /// Run even when cached, then store.
    Refresh,
    /// Neither read nor write the result cache.
    Bypass,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AnalyzeOptions {
    pub max_rows: Option<usize>,
    pub timeout_ms: Option<f64>,
    pub cache: CacheMode,
}

/// `analyze(request)`: exactly one of `question` / `sql`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AnalyzeRequest {
    pub source: String,
    pub question: Option<String>,
    pub sql: Option<String>,
    /// Follow-up to a clarification: the chosen option (as given in `clarification.options`, or
    /// its label), or a list of choices for successive clarifications of the same question.
    pub answer: Option<Value>,
    pub options: AnalyzeOptions,
}

/// One progress report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProgressEvent {
    pub stage: &'static str,
    /// started | done | skipped | failed
    pub status: &'static str,
    pub percent: f64,
    pub message: String,
    pub elapsed_ms: f64,
    pub detail: Value,
}

/// What a stage did.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StageMeta {
    pub stage: &'static str,
    pub operation: String,
    pub engine: Option<&'static str>,
    /// [rows, columns] going in, when the stage reads a table.
    pub input_shape: Option<[usize; 2]>,
    pub output_shape: Option<[usize; 2]>,
    pub elapsed_ms: f64,
    pub cache_hit: Option<bool>,
    pub transformations: Vec<Transformation>,
    /// Execute stage: where the query ran and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route: Option<Route>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Warning {
    pub stage: &'static str,
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CacheReport {
    pub schema: &'static str,
    pub result: &'static str,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DataOut {
    pub columns: Vec<ColumnInfo>,
    #[serde(serialize_with = "serialize_rows")]
    pub rows: Rc<RowTable>,
    pub row_count: usize,
    pub truncated: bool,
}

fn serialize_rows<S: serde::Serializer>(t: &Rc<RowTable>, s: S) -> std::result::Result<S::Ok, S::Error> {
    let rows: Rows<'_> = t.rows();
    rows.serialize(s)
}

/// Asked instead of guessing when a question is ambiguous or names nothing in the schema.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Clarification {
    pub question: String,
    pub options: Vec<Value>,
}

/// The SQL stage's output: the SQL to run, and for questions the intent it came from (or a
/// clarification to ask instead).
#[derive(Debug, Clone, Default)]
pub struct SqlPlan {
    pub sql: String,
    pub intent: Option<Intent>,
    pub clarification: Option<Clarification>,
    /// Which words mapped to what, with scores (questions only).
    pub detail: Value,
    /// Notes for the result's warnings (e.g. the host generator's SQL was refused).
    pub warnings: Vec<String>,
}

/// Everything `analyze` returns.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AnalyzeResult {
    pub sql: String,
    /// The semantic query a question was parsed into (null for SQL requests).
    pub intent: Option<Intent>,
    /// Set instead of an answer when the question needs a choice from the user.
    pub clarification: Option<Clarification>,
    pub data: DataOut,
    pub chart: Option<Value>,
    pub chart_spec: Option<Value>,
    pub insights: Vec<Insight>,
    pub narration: Option<String>,
    pub warnings: Vec<Warning>,
    pub progress: Vec<ProgressEvent>,
    pub metadata: Vec<StageMeta>,
    pub cache: CacheReport,
    pub engine: &'static str,
    pub elapsed_ms: f64,
}

/// What the caller plugs in: a progress sink and an abort flag.
pub trait Hooks {
    fn progress(&mut self, event: &ProgressEvent);
    fn aborted(&self) -> bool {
        false
    }
    /// Fault injection for tests: an error to raise in place of running `stage`.
    fn fault(&self, _stage: Stage) -> Option<Error> {
        None
    }
}

/// Hooks that record nothing and never abort.
pub struct NoHooks;
impl Hooks for NoHooks {
    fn progress(&mut self, _: &ProgressEvent) {}
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Validate,
    Schema,
    Sql,
    Execute,
    Data,
    Chart,
    Insights,
    Narration,
    Combine,
    Complete,
}

impl Stage {
    pub const ALL: [Stage; 10] = [
        Stage::Validate, Stage::Schema, Stage::Sql, Stage::Execute, Stage::Data,
        Stage::Chart, Stage::Insights, Stage::Narration, Stage::Combine, Stage::Complete,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Stage::Validate => "validate",
            Stage::Schema => "schema",
            Stage::Sql => "sql",
            Stage::Execute => "execute",
            Stage::Data => "data",
            Stage::Chart => "chart",
            Stage::Insights => "insights",
            Stage::Narration => "narration",
            Stage::Combine => "combine",
            Stage::Complete => "complete",
        }
    }

    pub fn weight(self) -> f64 {
        match self {
            Stage::Validate | Stage::Narration | Stage::Combine => 5.0,
            Stage::Schema | Stage::Data => 10.0,
            Stage::Sql | Stage::Chart | Stage::Insights => 15.0,
            Stage::Execute => 20.0,
            Stage::Complete => 0.0,
        }
    }

    /// Percent reached when this stage is done.
    pub fn end_percent(self) -> f64 {
        let mut total = 0.0;
        for s in Stage::ALL {
            total += s.weight();
            if s == self {
                break;
            }
        }
        total
    }

    fn start_percent(self) -> f64 {
        self.end_percent() - self.weight()
    }
}

/// Progress bookkeeping for one call.
struct Run<'h> {
    start: Instant,
    percent: f64,
    events: Vec<ProgressEvent>,
    metadata: Vec<StageMeta>,
    warnings: Vec<Warning>,
    hooks: &'h mut dyn Hooks,
    timeout_ms: Option<f64>,
    /// Engine of the source (schema stage) and of the route taken (execute stage).
    engine: &'static str,
}

impl Run<'_> {
    fn emit(&mut self, stage: Stage, status: &'static str, percent: f64, message: String, detail: Value) {
        self.percent = self.percent.max(percent).min(100.0);
        let e = ProgressEvent { stage: stage.name(), status, percent: self.percent, message, elapsed_ms: ms_since(self.start), detail };
        self.hooks.progress(&e);
        self.events.push(e);
    }

    fn started(&mut self, stage: Stage, message: &str) {
        self.emit(stage, "started", stage.start_percent(), message.to_string(), Value::Null);
    }

    fn done(&mut self, stage: Stage, message: String, detail: Value) {
        self.emit(stage, "done", stage.end_percent(), message, detail);
    }

    fn skipped(&mut self, stage: Stage, reason: &str) {
        self.emit(stage, "skipped", stage.end_percent(), reason.to_string(), Value::Null);
        self.meta(stage, format!("skipped: {reason}"), None, None, 0.0, None, Vec::new());
    }

    fn failed(&mut self, stage: Stage, err: &Error) {
        let detail = json!({"code": err.code.as_str()});
        self.emit(stage, "failed", stage.start_percent(), err.message.clone(), detail);
    }

    #[allow(clippy::too_many_arguments)]
    fn meta(&mut self, stage: Stage, operation: String, input: Option<[usize; 2]>, output: Option<[usize; 2]>, elapsed_ms: f64, cache_hit: Option<bool>, transformations: Vec<Transformation>) {
        let engine = matches!(stage, Stage::Schema | Stage::Execute).then_some(self.engine);
        self.metadata.push(StageMeta { stage: stage.name(), operation, engine, input_shape: input, output_shape: output, elapsed_ms, cache_hit, transformations, route: None });
    }

    /// Abort / timeout check between stages.
    fn checkpoint(&self) -> Result<()> {
        if self.hooks.aborted() {
            return Err(Error::new(ErrorCode::Aborted, "The request was cancelled.", "Start it again when you are ready."));
        }
        if let Some(limit) = self.timeout_ms {
            if ms_since(self.start) > limit {
                return Err(Error::new(
                    ErrorCode::Timeout,
                    format!("The request took longer than its {limit:.0} ms time limit."),
                    "Allow more time (timeoutMs), or ask for less data (a filter, a LIMIT, fewer columns).",
                ));
            }
        }
        Ok(())
    }
}

/// The execute stage's view of a run for remote work: abort, progress, time left.
struct ExecSink<'a, 'h>(std::cell::RefCell<&'a mut Run<'h>>);

impl Observer for ExecSink<'_, '_> {
    fn aborted(&self) -> bool {
        self.0.try_borrow().is_ok_and(|r| r.hooks.aborted())
    }
    fn progress(&self, fraction: Option<f64>, message: String, detail: Value) {
        if let Ok(mut r) = self.0.try_borrow_mut() {
            let within = fraction.unwrap_or(0.0).clamp(0.0, 0.95);
            let percent = Stage::Execute.start_percent() + Stage::Execute.weight() * within;
            r.emit(Stage::Execute, "progress", percent, message, detail);
        }
    }
}

impl RouteObserver for ExecSink<'_, '_> {
    fn remaining_ms(&self) -> Option<f64> {
        self.0.try_borrow().ok().and_then(|r| r.timeout_ms.map(|limit| limit - ms_since(r.start)))
    }
}

fn shape(t: &RowTable) -> [usize; 2] {
    [t.row_count, t.columns.len()]
}

/// `detail` of a stage's done event, marked when the stage was served from the cache.
fn with_hit(detail: Value, hit: bool) -> Value {
    match (hit, detail) {
        (false, d) => d,
        (true, Value::Object(mut m)) => {
            m.insert("cacheHit".into(), Value::Bool(true));
            Value::Object(m)
        }
        (true, _) => json!({"cacheHit": true}),
    }
}

/// Stage 6 done: its metadata, warnings and event (`hit`: the chart was kept from before).
fn chart_done(run: &mut Run<'_>, table: &RowTable, c: &ChartOutput, ms: f64, hit: bool) {
    let kind = c.spec.get("type").and_then(Value::as_str).unwrap_or("table").to_string();
    run.meta(Stage::Chart, format!("chart: {kind}"), Some(shape(table)), None, ms, hit.then_some(true), c.transformations.clone());
    for w in &c.warnings {
        run.warnings.push(Warning { stage: "chart", code: w.code.into(), message: w.message.clone() });
    }
    run.done(Stage::Chart, format!("Chart: {kind}"), with_hit(json!({"type": kind}), hit));
}

/// Stage 7 done.
fn insights_done(run: &mut Run<'_>, table: &RowTable, insights: &[Insight], ms: f64, hit: bool) {
    run.meta(Stage::Insights, "statistics".into(), Some(shape(table)), None, ms, hit.then_some(true), Vec::new());
    run.done(Stage::Insights, format!("{} insights", insights.len()), with_hit(Value::Null, hit));
}

/// Stage 8 done.
fn narration_done(run: &mut Run<'_>, ms: f64, hit: bool) {
    run.meta(Stage::Narration, "summary".into(), None, None, ms, hit.then_some(true), Vec::new());
    run.done(Stage::Narration, "Summary written".into(), with_hit(Value::Null, hit));
}

/// Stage 8: the summary of `table` and its insights.
fn narrate_stage(run: &mut Run<'_>, table: &RowTable, insights: &[Insight], intent: Option<&Intent>) -> Option<String> {
    if table.row_count == 0 {
        run.skipped(Stage::Narration, "No rows to describe");
        return None;
    }
    let t = Instant::now();
    run.started(Stage::Narration, "Writing a summary");
    let narrated = match run.hooks.fault(Stage::Narration) {
        Some(e) => Err(e),
        None => insight::narrate(table, insights, intent),
    };
    match narrated {
        Ok(text) => {
            narration_done(run, ms_since(t), false);
            Some(text)
        }
        Err(e) => {
            run.failed(Stage::Narration, &e);
            run.warnings.push(Warning { stage: "narration", code: e.code.as_str().into(), message: e.message.clone() });
            None
        }
    }
}

/// Stages 6–8 on a result-cache hit whose answer was kept: the same events, metadata and
/// warnings as when they ran, each stage marked as served from the cache.
fn reuse_answer(run: &mut Run<'_>, table: &RowTable, a: &Answer) {
    let t = Instant::now();
    run.started(Stage::Chart, "Choosing a chart");
    run.started(Stage::Insights, "Looking for insights");
    chart_done(run, table, &a.chart, ms_since(t), true);
    let t = Instant::now();
    insights_done(run, table, &a.insights, ms_since(t), true);
    let t = Instant::now();
    run.started(Stage::Narration, "Writing a summary");
    narration_done(run, ms_since(t), true);
}

impl Runtime {
    /// Runs the ten stages for `req`, reporting progress through `hooks`.
    pub async fn analyze(&self, req: AnalyzeRequest, hooks: &mut dyn Hooks) -> Result<AnalyzeResult> {
        let start = Instant::now();
        let mut run = Run { start, percent: 0.0, events: Vec::new(), metadata: Vec::new(), warnings: Vec::new(), hooks, timeout_ms: req.options.timeout_ms, engine: "local" };
        let mut fingerprint = None;
        let out = self.analyze_stages(&req, &mut run, &mut fingerprint).await;
        self.audit("analyze", &req.source, fingerprint, out.as_ref().map(|r| Some(r.data.row_count)).map_err(|e| e.code), start);
        out
    }

    async fn analyze_stages(&self, req: &AnalyzeRequest, run: &mut Run<'_>, fingerprint: &mut Option<String>) -> Result<AnalyzeResult> {
        // 1. validate
        let t = Instant::now();
        run.started(Stage::Validate, "Checking the request");
        let validated = self.validate(req);
        let source = match validated {
            Ok(v) => v,
            Err(e) => {
                run.failed(Stage::Validate, &e);
                return Err(e);
            }
        };
        run.engine = self.source_engine(&source);
        run.meta(Stage::Validate, "validate request".into(), None, None, ms_since(t), None, Vec::new());
        run.done(Stage::Validate, format!("Request for '{source}' is valid"), Value::Null);
        run.checkpoint()?;
        yield_now().await;

        // 2. schema
        let t = Instant::now();
        run.started(Stage::Schema, "Reading the table's columns");
        let (schema, schema_hit) = self.source_schema(&source).await.inspect_err(|e| run.failed(Stage::Schema, e))?;
        run.meta(Stage::Schema, "schema lookup".into(), None, Some([schema.row_count, schema.columns.len()]), ms_since(t), Some(schema_hit), Vec::new());
        run.done(Stage::Schema, format!("{} columns, {} rows", schema.columns.len(), schema.row_count), json!({"cacheHit": schema_hit}));
        run.checkpoint()?;

        // 3. sql
        let t = Instant::now();
        run.started(Stage::Sql, if req.question.is_some() { "Turning the question into SQL" } else { "Checking the SQL" });
        if req.question.is_some() {
            // a remote source's values for the question parser come from its engine
            self.warm_remote_profile(&schema, &ExecSink(std::cell::RefCell::new(&mut *run))).await;
        }
        let plan = self.plan_sql(req, &schema).await.inspect_err(|e| run.failed(Stage::Sql, e))?;
        for w in &plan.warnings {
            run.warnings.push(Warning { stage: "sql", code: "SQL_GENERATOR".into(), message: w.clone() });
        }
        if let Some(c) = plan.clarification.clone() {
            return self.clarification_result(run, &plan, c, schema_hit, t);
        }
        let sql_text = plan.sql.clone();
        let (sql_checked, remembered) = self.checked_sql(&sql_text).inspect_err(|e| run.failed(Stage::Sql, e))?;
        let (checked, fp) = (&sql_checked.query, sql_checked.fingerprint.clone());
        *fingerprint = Some(fp.clone());
        run.meta(Stage::Sql, "parse + read-only guard + fingerprint".into(), None, None, ms_since(t), Some(remembered), Vec::new());
        run.done(Stage::Sql, "The SQL is a read-only query".into(), json!({"fingerprint": fp, "tables": checked.tables, "mapping": plan.detail}));
        run.checkpoint()?;

        // 4. execute
        let t = Instant::now();
        run.started(Stage::Execute, "Running the query");
        let executed = {
            let sink = ExecSink(std::cell::RefCell::new(&mut *run));
            self.execute_shared(checked, plan.intent.as_ref(), fp, req.options.cache, &sink).await
        };
        let (computed, result_cache, route) = executed.inspect_err(|e| run.failed(Stage::Execute, e))?;
        let out_shape = [computed.frame.height(), computed.frame.width()];
        run.engine = route.engine;
        let operation = if route.engine == "local" { "polars-sql".to_string() } else { format!("{} (remote)", route.engine) };
        run.meta(Stage::Execute, operation, None, Some(out_shape), ms_since(t), Some(result_cache == "hit"), computed.transformations.clone());
        if let Some(m) = run.metadata.last_mut() {
            m.route = Some(route.clone());
        }
        run.done(Stage::Execute, format!("{} rows", out_shape[0]), json!({"cache": result_cache, "engine": route.engine, "route": route}));
        run.checkpoint()?;

        // 5. data
        let t = Instant::now();
        run.started(Stage::Data, "Checking the result");
        let max_rows = req.options.max_rows.unwrap_or(self.options.max_rows);
        let (table, truncated, notes) = self.limit_result(&computed.frame, max_rows).inspect_err(|e| run.failed(Stage::Data, e))?;
        for note in &notes {
            run.warnings.push(Warning { stage: "data", code: "TRUNCATED".into(), message: note.detail.clone() });
        }
        if table.row_count == 0 {
            run.warnings.push(Warning { stage: "data", code: "EMPTY_RESULT".into(), message: "The query returned no rows.".into() });
        }
        let table = Rc::new(table);
        run.meta(Stage::Data, "limits + JSON-safe rows".into(), Some(out_shape), Some(shape(&table)), ms_since(t), None, notes);
        run.done(Stage::Data, format!("{} rows ready", table.row_count), json!({"truncated": truncated}));
        run.checkpoint()?;

        // 6 ∥ 7. chart and insights
        let title = req.question.clone();
        let answer_key = AnswerKey { max_rows, title: title.clone(), intent: plan.intent.clone() };
        let faults = [Stage::Chart, Stage::Insights, Stage::Narration].iter().any(|s| run.hooks.fault(*s).is_some());
        let memo = if faults || table.row_count == 0 { None } else { computed.answer.borrow().clone().filter(|a| a.key == answer_key) };
        let (chart_out, insights, narration) = if let Some(a) = memo {
            reuse_answer(run, &table, &a);
            (Some(a.chart.clone()), a.insights.clone(), Some(a.narration.clone()))
        } else {
            let (chart_out, insights) = self.chart_and_insights(run, &table, title.as_deref(), plan.intent.as_ref(), truncated).await;
            run.checkpoint()?;
            let narration = narrate_stage(run, &table, &insights, plan.intent.as_ref());
            // kept only when every stage succeeded (a failure's warning is not replayed)
            let insights_failed = run.warnings.iter().any(|w| w.stage == "insights");
            let memorable = !faults && !insights_failed && table.row_count.saturating_mul(table.columns.len()) <= ANSWER_MEMO_CELLS;
            if let (Some(chart), Some(narration), true) = (&chart_out, &narration, memorable) {
                let answer = Answer { key: answer_key, chart: chart.clone(), insights: insights.clone(), narration: narration.clone() };
                *computed.answer.borrow_mut() = Some(Rc::new(answer));
            }
            (chart_out, insights, narration)
        };

        // 9. combine, 10. complete
        let t = Instant::now();
        run.started(Stage::Combine, "Putting the answer together");
        let (chart, chart_spec) = match chart_out {
            Some(c) => (c.option, Some(c.spec)),
            None => (None, None),
        };
        let data = DataOut { columns: table.columns.clone(), row_count: table.row_count, rows: table, truncated };
        run.meta(Stage::Combine, "combine".into(), None, None, ms_since(t), None, Vec::new());
        run.done(Stage::Combine, "Answer ready".into(), Value::Null);
        run.emit(Stage::Complete, "done", 100.0, "Complete".into(), Value::Null);
        let elapsed_ms = ms_since(run.start);
        Ok(AnalyzeResult {
            sql: sql_text,
            intent: plan.intent.clone(),
            clarification: None,
            data,
            chart,
            chart_spec,
            insights,
            narration,
            warnings: std::mem::take(&mut run.warnings),
            progress: std::mem::take(&mut run.events),
            metadata: std::mem::take(&mut run.metadata),
            cache: CacheReport { schema: if schema_hit { "hit" } else { "miss" }, result: result_cache },
            engine: run.engine,
            elapsed_ms,
        })
    }

    /// Stages 6 ∥ 7: the chart and the insights of `table`.
    async fn chart_and_insights(&self, run: &mut Run<'_>, table: &RowTable, title: Option<&str>, intent: Option<&Intent>, truncated: bool) -> (Option<ChartOutput>, Vec<Insight>) {
        if table.row_count == 0 {
            run.skipped(Stage::Chart, "No rows to chart");
            run.skipped(Stage::Insights, "No rows to analyse");
            (None, Vec::new())
        } else {
            run.started(Stage::Chart, "Choosing a chart");
            run.started(Stage::Insights, "Looking for insights");
            let (chart_fault, insight_fault) = (run.hooks.fault(Stage::Chart), run.hooks.fault(Stage::Insights));
            let chart_task = async {
                yield_now().await;
                let t = Instant::now();
                let res = match chart_fault {
                    Some(e) => Err(e),
                    None => chart::build(table, title, intent),
                };
                (res, ms_since(t))
            };
            let insight_task = async {
                yield_now().await;
                let t = Instant::now();
                let res = match insight_fault {
                    Some(e) => Err(e),
                    None => insight::find_in(table, intent, truncated),
                };
                (res, ms_since(t))
            };
            let ((chart_res, chart_ms), (insight_res, insight_ms)) = futures_util::future::join(chart_task, insight_task).await;
            let chart_out = self.finish_chart(run, table, chart_res, chart_ms);
            let insights = match insight_res {
                Ok(list) => {
                    insights_done(run, table, &list, insight_ms, false);
                    list
                }
                Err(e) => {
                    run.failed(Stage::Insights, &e);
                    run.warnings.push(Warning { stage: "insights", code: e.code.as_str().into(), message: e.message.clone() });
                    Vec::new()
                }
            };
            (chart_out, insights)
        }
    }

    fn finish_chart(&self, run: &mut Run<'_>, table: &RowTable, res: Result<ChartOutput>, ms: f64) -> Option<ChartOutput> {
        match res {
            Ok(c) => {
                chart_done(run, table, &c, ms, false);
                Some(c)
            }
            Err(e) => {
                run.failed(Stage::Chart, &e);
                run.warnings.push(Warning { stage: "chart", code: e.code.as_str().into(), message: e.message.clone() });
                None
            }
        }
    }

    /// Stage 3's first half: the SQL to run. Given SQL is used as is; a question is parsed
    /// against the schema and the source's values into an intent and compiled to SQL (or
    /// answered with a clarification). A host SQL generator, when set, is asked first or as a
    /// fallback (`sqlGeneratorMode`); its SQL must pass the same checks.
    async fn plan_sql(&self, req: &AnalyzeRequest, schema: &crate::engine::TableSchema) -> Result<SqlPlan> {
        use crate::question::{self, GeneratorMode};
        let question = match (&req.sql, &req.question) {
            (Some(sql), _) => return Ok(SqlPlan { sql: sql.trim().to_string(), ..Default::default() }),
            (None, Some(q)) => q.trim().to_string(),
            (None, None) => return Err(Error::invalid("The request has neither a question nor SQL.", "Pass {question: '...'} or {sql: 'SELECT ...'}.")),
        };
        let answers = question::answers_of(req.answer.as_ref());
        let profile = self.profile_cached(schema)?;
        let generator = self.sql_generator.borrow().clone();
        let mut warnings = Vec::new();
        let mode = self.options.sql_generator_mode;
        if let (Some(g), GeneratorMode::First) = (&generator, mode) {
            match self.generated_plan(g.as_ref(), &question, schema, &profile, &answers).await {
                Ok(plan) => return Ok(plan),
                Err(e) => warnings.push(format!("The host's SQL generator did not give usable SQL ({}: {}); the built-in parser answered instead.", e.code, e.message)),
            }
        }
        let built_in = question::plan(&question, &profile, &answers);
        let needs_fallback = match &built_in {
            Ok(p) => p.clarification.is_some(),
            Err(_) => true,
        };
        if let (Some(g), GeneratorMode::Fallback, true) = (&generator, mode, needs_fallback) {
            match self.generated_plan(g.as_ref(), &question, schema, &profile, &answers).await {
                Ok(plan) => return Ok(plan),
                Err(e) => warnings.push(format!("The host's SQL generator did not give usable SQL ({}: {}).", e.code, e.message)),
            }
        }
        let planned = built_in?;
        let clarification = planned.clarification.map(|c| Clarification { question: c.question, options: c.options });
        Ok(SqlPlan { sql: planned.sql.unwrap_or_default(), intent: planned.intent, clarification, detail: planned.detail, warnings })
    }

    /// Asks the host generator and checks its SQL (parse, read-only guard, source, columns).
    async fn generated_plan(&self, g: &dyn crate::question::SqlGenerator, question: &str, schema: &crate::engine::TableSchema, profile: &crate::question::Profile, answers: &[Value]) -> Result<SqlPlan> {
        let schema_json = crate::question::generator::generator_schema(schema, Some(profile), self.options.sql_generator_values);
        let context = json!({"source": schema.name, "dialect": "polars", "answers": answers});
        let sql = g.generate(question, schema_json, context).await?;
        let checked = sql::check(&sql)?;
        crate::question::generator::check_generated(&checked, schema)?;
        Ok(SqlPlan { sql: sql.trim().to_string(), detail: json!({"parser": "host"}), ..Default::default() })
    }

    /// A result that asks the user to choose instead of answering: no SQL run, no chart.
    fn clarification_result(&self, run: &mut Run<'_>, plan: &SqlPlan, c: Clarification, schema_hit: bool, t: Instant) -> Result<AnalyzeResult> {
        run.meta(Stage::Sql, "question: clarification needed".into(), None, None, ms_since(t), None, Vec::new());
        run.done(Stage::Sql, "The question needs a choice before it can be answered".into(), json!({"mapping": plan.detail, "clarification": c.question}));
        for stage in [Stage::Execute, Stage::Data, Stage::Chart, Stage::Insights, Stage::Narration] {
            run.skipped(stage, "Waiting for an answer to the clarification");
        }
        let t = Instant::now();
        run.started(Stage::Combine, "Putting the answer together");
        let table = Rc::new(RowTable::from_frame(&DataFrame::empty())?);
        let data = DataOut { columns: Vec::new(), row_count: 0, rows: table, truncated: false };
        run.meta(Stage::Combine, "combine".into(), None, None, ms_since(t), None, Vec::new());
        run.done(Stage::Combine, "Clarification ready".into(), Value::Null);
        run.emit(Stage::Complete, "done", 100.0, "Complete".into(), Value::Null);
        Ok(AnalyzeResult {
            sql: String::new(),
            intent: plan.intent.clone(),
            clarification: Some(c),
            data,
            chart: None,
            chart_spec: None,
            insights: Vec::new(),
            narration: None,
            warnings: std::mem::take(&mut run.warnings),
            progress: std::mem::take(&mut run.events),
            metadata: std::mem::take(&mut run.metadata),
            cache: CacheReport { schema: if schema_hit { "hit" } else { "miss" }, result: "skipped" },
            engine: "local",
            elapsed_ms: ms_since(run.start),
        })
    }

    /// Stage 1: request shape, source, access. Returns the resolved source name.
    fn validate(&self, req: &AnalyzeRequest) -> Result<String> {
        if req.source.trim().is_empty() {
            return Err(Error::invalid("The request names no source.", "Pass {source: 'table_name', sql: '...'}."));
        }
        let source = self.source_name(&req.source)?;
        self.check_access(&source)?;
        match (&req.question, &req.sql) {
            (Some(_), Some(_)) => Err(Error::invalid("Pass either a question or SQL, not both.", "Remove one of `question` and `sql`.")),
            (None, None) => Err(Error::invalid("The request has neither a question nor SQL.", "Pass {question: '...'} or {sql: 'SELECT ...'}.")),
            (Some(q), None) if q.trim().is_empty() => Err(Error::invalid("The question is empty.", "Type a question about the data.")),
            (Some(_), None) => Ok(source),
            (None, Some(sql)) if sql.trim().is_empty() => Err(Error::invalid("The SQL is empty.", "Write a query such as: SELECT * FROM my_table LIMIT 10")),
            (None, Some(_)) => Ok(source),
        }
    }

    /// Stage 4: result cache, then single-flight, then the engine.
    async fn execute_shared(&self, checked: &sql::CheckedQuery, intent: Option<&Intent>, fingerprint: String, mode: CacheMode, obs: &dyn RouteObserver) -> Result<(Rc<Computed>, &'static str, Route)> {
        let plan = self.plan_route(checked, intent, obs).await?;
        let planned = plan.route.clone();
        let mut sources = Vec::with_capacity(checked.tables.len());
        for t in &checked.tables {
            let name = self.source_name(t)?;
            let version = self.source_version(&name)?;
            sources.push((name, version));
        }
        sources.sort();
        let key = ResultKey { tenant: self.options.tenant.clone(), sources, fingerprint };
        if mode == CacheMode::Use {
            if let Some(hit) = self.result_cache.borrow_mut().get(&key, self.now_ms()) {
                return Ok((hit, "hit", planned));
            }
        }
        let report = if mode == CacheMode::Bypass { "bypass" } else { "miss" };
        if let Some(wait) = self.flights.join(&key) {
            return wait.await.map(|c| (c, report, planned));
        }
        let lead = self.flights.lead(key.clone());
        // Let identical requests started in the same turn join this flight.
        yield_now().await;
        if planned.engine != "local" || planned.chosen != "local" {
            obs.progress(None, format!("Route: {} ({})", planned.chosen, planned.engine), json!({"route": planned}));
        }
        let (result, route) = match self.run_route(plan, checked, intent, obs).await {
            Ok((e, route)) => (Ok(Rc::new(Computed::new(e.frame, e.transformations))), route),
            Err(e) => (Err(e), planned),
        };
        if let (Ok(c), true) = (&result, mode != CacheMode::Bypass) {
            let bytes = c.frame.estimated_size();
            self.result_cache.borrow_mut().put(key, c.clone(), bytes, self.now_ms());
        }
        lead.finish(result.clone());
        result.map(|c| (c, report, route))
    }

    /// Stage 5: row cap, byte cap, JSON-safe rows.
    fn limit_result(&self, frame: &DataFrame, max_rows: usize) -> Result<(RowTable, bool, Vec<Transformation>)> {
        let mut notes = Vec::new();
        let mut rows = frame.height();
        if rows > max_rows {
            notes.push(Transformation { rule: "max_rows".into(), detail: format!("Kept the first {max_rows} of {rows} rows (maxRows).") });
            rows = max_rows;
        }
        let bytes = frame.estimated_size();
        if frame.height() > 0 && bytes > self.options.max_result_bytes {
            let per_row = (bytes / frame.height()).max(1);
            let fit = self.options.max_result_bytes / per_row;
            if fit < rows {
                notes.push(Transformation {
                    rule: "max_result_bytes".into(),
                    detail: format!("Kept the first {fit} rows: the whole result (~{:.1} MB) is over the {:.1} MB limit.", bytes as f64 / 1e6, self.options.max_result_bytes as f64 / 1e6),
                });
                rows = fit;
            }
        }
        let truncated = rows < frame.height();
        let limited = if truncated { frame.head(Some(rows)) } else { frame.clone() };
        Ok((RowTable::from_frame(&limited)?, truncated, notes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_add_to_100() {
        assert_eq!(Stage::Combine.end_percent(), 100.0);
        assert_eq!(Stage::Validate.end_percent(), 5.0);
        assert_eq!(Stage::Execute.end_percent(), 50.0);
        assert_eq!(Stage::Chart.start_percent(), 60.0);
        let total: f64 = Stage::ALL.iter().map(|s| s.weight()).sum();
        assert_eq!(total, 100.0);
    }
}
