//! Arbitrary SQL through the guard into the in-page engine over a small real table: the
//! engine must answer or return an error, never panic (a panic aborts a wasm instance).
#![no_main]
use insightflow::{RegisterOptions, Runtime};
use libfuzzer_sys::fuzz_target;

const CSV: &str = "id,region,day,amount,flag\n1,North,2021-01-03,10.5,true\n2,South,2021-02-10,,false\n3,North,2021-03-01,-4,true\n4,,2021-03-02,1e300,\n";

thread_local! {
    static RT: Runtime = {
        let rt = Runtime::default();
        let _ = rt.register_bytes("t", CSV.as_bytes(), &RegisterOptions::default());
        let _ = rt.register_bytes("u", b"region,target\nNorth,1\nSouth,2\n", &RegisterOptions::default());
        rt
    };
}

fuzz_target!(|data: &[u8]| {
    let sql = String::from_utf8_lossy(data);
    RT.with(|rt| {
        if let Err(e) = rt.query(&sql) {
            assert!(!e.message.is_empty() && !e.hint.is_empty());
        }
    });
});
