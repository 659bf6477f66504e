pub mod json;
pub mod ndjson;
