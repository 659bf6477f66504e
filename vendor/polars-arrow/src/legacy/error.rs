pub use polars_error::*;
