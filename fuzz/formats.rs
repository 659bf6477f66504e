// The ingest fuzz target's input layout, shared with the native test that replays the crashes
// it found (tests/native.rs): the first byte picks the declared format, index modulo 8
// (0 = sniff, 3 = json, 5 = parquet, ...), the rest is the file.
const FORMATS: [Option<&str>; 8] = [None, Some("csv"), Some("tsv"), Some("json"), Some("ndjson"), Some("parquet"), Some("arrow"), Some("arrow-stream")];
// With INSIGHTFLOW_FUZZ_TEXT_ONLY set (the test command's smoke), every input is declared one of
// the text formats, index modulo 4, so mutation stays in the CSV/TSV/JSON/NDJSON readers.
#[allow(dead_code)]
const TEXT_FORMATS: [&str; 4] = ["csv", "tsv", "json", "ndjson"];
