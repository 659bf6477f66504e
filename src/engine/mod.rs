//! Query engines: the in-memory Polars engine ([`local::LocalEngine`]), remote engines over
//! HTTP ([`remote`]) and the router that picks one per request ([`router`]). Engines take
//! checked SQL and return frames; they never parse user SQL themselves and never see
//! credentials in error text.

pub mod budget;
pub mod plan_check;
pub mod local;
pub mod remote;
pub mod router;
pub(crate) mod udf;

pub use local::{validate_table_name, Executed, LocalEngine, TableSchema};
