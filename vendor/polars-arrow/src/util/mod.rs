//! Misc utilities used in different places in the crate.
pub mod macros;
