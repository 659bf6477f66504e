//! SQL text in, checked statement out: parsing with sqlparser (the same dialect and options
//! polars-sql uses, so what is checked is what runs), the read-only guard, and the tables a
//! query reads. Never executes anything and never panics on user text.

mod guard;

pub use guard::{check, CheckedQuery};
