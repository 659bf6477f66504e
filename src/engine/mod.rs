//! Query engines. Today: the in-memory Polars engine ([`local::LocalEngine`]); remote
//! engines and the router join here. Engines take checked SQL and return frames; they never
//! parse user SQL themselves and never see credentials in error text.

pub mod local;

pub use local::{validate_table_name, Executed, LocalEngine, TableSchema};
