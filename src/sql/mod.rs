//! SQL text in, checked statement out: parsing with sqlparser (the same dialect and options
//! polars-sql uses, so what is checked is what runs), the read-only guard, and the tables a
//! query reads. Never executes anything and never panics on user text.

mod dialect;
mod fingerprint;
mod guard;
pub mod rewrite;

use serde::Serialize;

pub use dialect::QueryDialect;
pub use fingerprint::fingerprint;
pub use guard::{check, CheckedQuery};

/// One change made to a query before it ran (a rewrite for the engine's dialect, a limit
/// added by the pipeline, ...): recorded in the result's metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Transformation {
    /// Stable rule name, e.g. `group_by_alias`.
    pub rule: String,
    /// What was changed and why, in plain words.
    pub detail: String,
}
