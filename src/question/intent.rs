//! The semantic query a question is parsed into (kept in the result as `intent`).
//!
//! Serialized shape (the contract with the chart stage and, later, remote engines):
//! `{measures: [{field, aggregate, as?, calc?, filter?}], dimensions: [{field, timeUnit?, bin?}],
//! filters: [{field, op, values, timeUnit?}], sort?, limit?, chart?, notes?}`. Optional parts are
//! left out when empty, so the minimal shape is the one issue 4 states.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregate {
    Sum,
    Avg,
    Median,
    Count,
    CountDistinct,
    Min,
    Max,
    /// The column as is (no aggregation), e.g. both axes of a scatter.
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeUnit {
    Year,
    Quarter,
    Month,
    Week,
    Day,
    Hour,
    /// Extractions (cyclic, ordinal): month of year (1-12), ISO day of week (1 = Monday), hour
    /// of day (0-23).
    MonthOfYear,
    DayOfWeek,
    HourOfDay,
}

impl TimeUnit {
    pub fn as_str(self) -> &'static str {
        match self {
            TimeUnit::Year => "year",
            TimeUnit::Quarter => "quarter",
            TimeUnit::Month => "month",
            TimeUnit::Week => "week",
            TimeUnit::Day => "day",
            TimeUnit::Hour => "hour",
            TimeUnit::MonthOfYear => "month_of_year",
            TimeUnit::DayOfWeek => "day_of_week",
            TimeUnit::HourOfDay => "hour_of_day",
        }
    }

    /// Truncating units give points in time; the others give positions in a cycle.
    pub fn is_truncation(self) -> bool {
        !matches!(self, TimeUnit::MonthOfYear | TimeUnit::DayOfWeek | TimeUnit::HourOfDay)
    }
}

/// A calculation on top of an aggregate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Calc {
    /// Percent of the total: of all groups (with dimensions), or of the rows matching the
    /// measure's `filter` among all rows (a conditional share).
    Share,
    /// Percent change from the previous calendar period of the time dimension.
    Change,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measure {
    /// Column name; `*` for COUNT(*).
    pub field: String,
    pub aggregate: Aggregate,
    /// Output column name in the SQL.
    #[serde(rename = "as", default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calc: Option<Calc>,
    /// For a conditional share: the rows counted in the numerator.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub filter: Vec<Filter>,
}

impl Measure {
    pub fn new(field: impl Into<String>, aggregate: Aggregate) -> Self {
        Measure { field: field.into(), aggregate, alias: None, calc: None, filter: Vec::new() }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Dimension {
    pub field: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_unit: Option<TimeUnit>,
    /// Bin width for a binned numeric dimension (distributions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bin: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilterOp {
    Eq,
    Ne,
    Gt,
    Gte,
    Lt,
    Lte,
    Between,
    In,
    NotIn,
    /// Text contains the value (case-insensitive).
    Contains,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Filter {
    pub field: String,
    pub op: FilterOp,
    /// Literal values (escaped when compiled, never spliced as SQL text). Dates are ISO text.
    /// `eq` / `ne` with a single `null` mean "has no value" / "has a value".
    pub values: Vec<serde_json::Value>,
    /// Compare this part of a date instead of the date (e.g. month_of_year = 3 for "in March").
    #[serde(rename = "timeUnit", default, skip_serializing_if = "Option::is_none")]
    pub time_unit: Option<TimeUnit>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sort {
    /// An output column (a measure alias or a dimension field).
    pub field: String,
    pub descending: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartHint {
    Bar,
    Line,
    Scatter,
    Pie,
    Area,
    Histogram,
    Table,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Intent {
    pub measures: Vec<Measure>,
    pub dimensions: Vec<Dimension>,
    pub filters: Vec<Filter>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort: Option<Sort>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chart: Option<ChartHint>,
    /// Assumptions stated in plain words (e.g. what "last 3 months" meant for this data), for
    /// the narration.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}
