//! Ingest from arbitrary bytes: the first byte picks the declared format (or sniffing), the
//! rest is the file. Any outcome but a panic is fine; errors must carry a code and a hint.
#![no_main]
use insightflow::source::{read_bytes_within, read_rows_json, ReadOptions};
use libfuzzer_sys::fuzz_target;

include!("../formats.rs");

fuzz_target!(|data: &[u8]| {
    let Some((&sel, bytes)) = data.split_first() else { return };
    let format = FORMATS[usize::from(sel) % FORMATS.len()].map(str::to_string);
    let opts = ReadOptions { format, ..Default::default() };
    // as a page with 256 MB of its memory budget left (compressed files unpack within it)
    if let Err(e) = read_bytes_within(bytes, &opts, 256 << 20) {
        assert!(!e.message.is_empty() && !e.hint.is_empty());
    }
    if sel % 16 == 0 {
        let _ = read_rows_json(bytes);
    }
});
