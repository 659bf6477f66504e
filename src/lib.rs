//! insightflow: private, in-browser analytics over tables the page already holds.
//!
//! Data flows one way: [`source`] (bytes/rows in) → [`engine`] (checked SQL from [`sql`])
//! → [`table`] (JSON-safe rows, Arrow out). [`runtime::Runtime`] ties them together;
//! `wasm` is the thin `#[wasm_bindgen]` facade over it and the only module that knows JS.

pub mod audit;
pub mod cache;
pub mod chart;
pub mod engine;
pub mod error;
pub mod insight;
pub mod pipeline;
pub mod question;
pub mod runtime;
pub mod source;
pub mod sql;
pub mod table;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use error::{Error, ErrorCode, Result};
pub use pipeline::{AnalyzeRequest, AnalyzeResult, Hooks, ProgressEvent};
pub use runtime::{QueryOutput, RegisterOptions, Runtime, RuntimeOptions, Tenant};
pub use source::{Format, ReadOptions};
