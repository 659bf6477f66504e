//! Arbitrary questions through the built-in parser and compiler against a small real table
//! (text, numbers, dates, nulls), then through the read-only guard and the engine: planning
//! answers SQL, a clarification or an error, never a panic; the SQL a question compiles to is
//! always accepted by the guard (values from the question are literals, never SQL text).
//! Most mutations of a question compile to SQL already seen; each distinct SQL text runs on
//! the engine once (planning, the code under test here, runs for every input).
#![no_main]
use std::cell::RefCell;
use std::collections::HashSet;

use insightflow::question::plan;
use insightflow::{ErrorCode, RegisterOptions, Runtime};
use libfuzzer_sys::fuzz_target;

const CSV: &str = "region,product,day,amount,qty,price\nNorth,Widget,2021-01-03,10.5,3,2.5\nSouth,Gadget,2021-02-10,,1,10\nNorth,Gizmo,2021-03-01,-4,7,0.5\n,Widget,2022-03-02,1e300,,3\nEast,O'Brien,2023-12-31,0,2,100\n";

thread_local! {
    static RT: Runtime = {
        let rt = Runtime::default();
        let _ = rt.register_bytes("sales", CSV.as_bytes(), &RegisterOptions::default());
        rt
    };
    static RAN: RefCell<HashSet<String>> = RefCell::new(HashSet::new());
}

fuzz_target!(|data: &[u8]| {
    let question = String::from_utf8_lossy(data);
    RT.with(|rt| {
        let Ok(schema) = rt.schema("sales") else { return };
        let Ok(profile) = rt.profile_cached(&schema) else { return };
        match plan(&question, &profile, &[]) {
            Ok(p) => {
                if let Some(sql) = p.sql {
                    if let Err(e) = insightflow::sql::check(&sql) {
                        panic!("a question compiled to SQL the guard refuses: {sql:?}: {e}");
                    }
                    let fresh = RAN.with(|ran| {
                        let mut ran = ran.borrow_mut();
                        if ran.len() > 500_000 {
                            ran.clear();
                        }
                        ran.insert(sql.clone())
                    });
                    if !fresh {
                        return;
                    }
                    if let Err(e) = rt.query(&sql) {
                        assert!(!matches!(e.code, ErrorCode::SqlForbidden | ErrorCode::SqlSyntax), "{sql:?}: {e}");
                        assert!(!e.message.is_empty() && !e.hint.is_empty());
                    }
                }
            }
            Err(e) => assert!(!e.message.is_empty() && !e.hint.is_empty()),
        }
    });
});
