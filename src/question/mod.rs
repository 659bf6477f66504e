//! Questions in plain language → a small semantic query ([`Intent`]) → SQL.
//!
//! The intent is the contract between the question parser, the SQL compiler (one per engine
//! dialect), and the chart/insight stages (which read `intent.chart`, time units and bins).
//! Offline: only the source's schema and values are used; no network, no model.

pub mod intent;

pub use intent::{Aggregate, ChartHint, Dimension, Filter, FilterOp, Intent, Measure, Sort, TimeUnit};
