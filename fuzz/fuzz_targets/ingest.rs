//! Ingest from arbitrary bytes: the first byte picks the declared format (or sniffing), the
//! rest is the file. Any outcome but a panic is fine; errors must carry a code and a hint.
#![no_main]
use insightflow::source::{read_bytes_within, read_rows_json, ReadOptions};
use libfuzzer_sys::fuzz_target;

include!("../formats.rs");

fuzz_target!(|data: &[u8]| {
    let Some((&sel, bytes)) = data.split_first() else { return };
    static TEXT_ONLY: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let text_only = *TEXT_ONLY.get_or_init(|| std::env::var_os("INSIGHTFLOW_FUZZ_TEXT_ONLY").is_some());
    let format = if text_only {
        Some(TEXT_FORMATS[usize::from(sel) % TEXT_FORMATS.len()].to_string())
    } else {
        FORMATS[usize::from(sel) % FORMATS.len()].map(str::to_string)
    };
    let opts = ReadOptions { format, ..Default::default() };
    // as a page with 256 MB of its memory budget left (compressed files unpack within it)
    if let Err(e) = read_bytes_within(bytes, &opts, 256 << 20) {
        assert!(!e.message.is_empty() && !e.hint.is_empty());
    }
    if sel % 16 == 0 {
        let _ = read_rows_json(bytes);
    }
});
