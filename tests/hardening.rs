//! Isolation and concurrency under load: many tenants doing random mixed operations on
//! overlapping table names with identical SQL, checked against an independent model; and
//! 1,000 concurrent analyze calls, half of them duplicates.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use futures_executor::block_on;
use insightflow::pipeline::{CacheMode, NoHooks};
use insightflow::{AnalyzeRequest, RegisterOptions, Runtime, RuntimeOptions, Tenant};
use serde_json::{json, Value};

/// xorshift64: deterministic, seedable.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn csv_of(values: &[i64]) -> String {
    let mut s = String::from("v\n");
    for v in values {
        s.push_str(&format!("{v}\n"));
    }
    s
}

#[test]
fn ten_tenants_ten_thousand_operations_never_cross() {
    const TENANTS: usize = 10;
    const OPS: usize = 10_000;
    const NAMES: [&str; 3] = ["sales", "orders", "events"];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let runtimes: Vec<Runtime> = (0..TENANTS)
        .map(|i| Runtime::new(RuntimeOptions { tenant: Tenant { org: Some(format!("org{i}")), user: Some("same-user".into()), ..Default::default() }, ..Default::default() }))
        .collect();
    // the reference model: tenant -> table -> values
    let mut model: Vec<BTreeMap<&str, Vec<i64>>> = vec![BTreeMap::new(); TENANTS];
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for _ in 0..OPS {
        let t = rng.below(TENANTS as u64) as usize;
        let name = NAMES[rng.below(NAMES.len() as u64) as usize];
        let rt = &runtimes[t];
        // identical SQL text across tenants, so only the tenant scope can keep answers apart
        let sql = format!("SELECT SUM(v) AS s, COUNT(*) AS n, MAX(v) AS m FROM {name}");
        match rng.below(10) {
            0 | 1 => {
                let values: Vec<i64> = (0..1 + rng.below(20)).map(|_| rng.below(1000) as i64 + (t as i64) * 1_000_000).collect();
                rt.register_bytes(name, csv_of(&values).as_bytes(), &RegisterOptions::default()).unwrap();
                model[t].insert(name, values);
                *counts.entry("register").or_default() += 1;
            }
            2 => {
                let existed = rt.drop_table(name);
                assert_eq!(existed, model[t].remove(name).is_some());
                *counts.entry("drop").or_default() += 1;
            }
            3 => {
                let r = rt.invalidate(name);
                assert_eq!(r.is_ok(), model[t].contains_key(name));
                *counts.entry("invalidate").or_default() += 1;
            }
            k => {
                let expected = model[t].get(name).map(|v| {
                    json!([{"s": v.iter().sum::<i64>(), "n": v.len(), "m": v.iter().max()}])
                });
                let got: Option<Value> = if k < 7 {
                    *counts.entry("query").or_default() += 1;
                    rt.query(&sql).ok().map(|o| serde_json::to_value(&o).unwrap()["rows"].clone())
                } else {
                    *counts.entry("analyze").or_default() += 1;
                    let req = AnalyzeRequest { source: name.into(), sql: Some(sql.clone()), ..Default::default() };
                    block_on(rt.analyze(req, &mut NoHooks)).ok().map(|r| serde_json::to_value(&r.data).unwrap()["rows"].clone())
                };
                assert_eq!(got, expected, "tenant {t}, table {name}");
            }
        }
    }
    // every value a tenant ever saw carried its own tenant's offset: checked by equality
    // with the model above; and no runtime's cache served another's key
    for (i, rt) in runtimes.iter().enumerate() {
        assert!(rt.audit_log(&Default::default()).iter().all(|e| e.tenant.org.as_deref() == Some(&*format!("org{i}"))));
    }
    println!("isolation: {TENANTS} tenants, {OPS} operations: {counts:?}");
}

#[test]
fn a_thousand_concurrent_analyze_calls_half_duplicates() {
    let rt = Runtime::new(RuntimeOptions::default());
    rt.register_bytes("t", csv_of(&(0..1000).collect::<Vec<_>>()).as_bytes(), &RegisterOptions::default()).unwrap();
    let distinct = 500;
    let calls = (0..1000).map(|i| {
        let k = i % distinct; // calls k and k + 500 are duplicates
        let req = AnalyzeRequest {
            source: "t".into(),
            sql: Some(format!("SELECT COUNT(*) AS n, SUM(v) AS s FROM t WHERE v >= {k}")),
            options: insightflow::pipeline::AnalyzeOptions { cache: CacheMode::Bypass, ..Default::default() },
            ..Default::default()
        };
        let rt = &rt;
        async move { (k, rt.analyze(req, &mut NoHooks).await) }
    });
    let results = block_on(futures_util::future::join_all(calls));
    for (k, r) in &results {
        let r = r.as_ref().unwrap();
        let n = 1000 - *k as i64;
        let s: i64 = (*k as i64..1000).sum();
        assert_eq!(serde_json::to_value(&r.data).unwrap()["rows"], json!([{"n": n, "s": s}]));
    }
    assert_eq!(rt.executions(), distinct as u64, "each distinct query ran once");
    let stats = rt.cache_stats();
    assert_eq!(stats.result.entries, 0, "bypass writes nothing");
    assert!(rt.audit_log(&Default::default()).len() <= 1000, "the audit ring is bounded");
    // afterwards: the same load with caching fills the cache up to its bound, not beyond
    let small = Runtime::new(RuntimeOptions { result_cache_entries: 100, ..Default::default() });
    small.register_bytes("t", b"v\n1\n2\n", &RegisterOptions::default()).unwrap();
    for i in 0..1000 {
        let req = AnalyzeRequest { source: "t".into(), sql: Some(format!("SELECT v + {i} AS x FROM t")), ..Default::default() };
        block_on(small.analyze(req, &mut NoHooks)).unwrap();
    }
    let s = small.cache_stats().result;
    assert_eq!((s.entries, s.evictions), (100, 900));
}
