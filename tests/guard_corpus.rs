//! The read-only guard under attack: a corpus of statements that must be refused (each with
//! its code) and of legitimate analytical queries that must pass. Statements are generated
//! from templates crossed with evasions (casing, quoting, comments, nesting, unicode), so the
//! corpus covers the variants people and generators actually produce.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeSet;

use insightflow::sql::check;
use insightflow::ErrorCode;

/// Write / side-effect statements, each a complete statement on its own.
const WRITES: &[&str] = &[
    "DROP TABLE sales", "DROP TABLE IF EXISTS sales", "DROP VIEW v", "DROP SCHEMA s CASCADE",
    "CREATE TABLE x (a INT)", "CREATE TABLE x AS SELECT * FROM sales", "CREATE VIEW v AS SELECT 1",
    "CREATE OR REPLACE VIEW v AS SELECT * FROM sales", "CREATE INDEX i ON sales (a)", "CREATE SCHEMA s",
    "CREATE TEMP TABLE t2 AS SELECT 1", "CREATE FUNCTION f() RETURNS INT AS 'select 1'",
    "CREATE SEQUENCE q", "CREATE DATABASE d",
    "INSERT INTO sales VALUES (1, 2)", "INSERT INTO sales SELECT * FROM sales", "INSERT INTO sales (a) VALUES (1) RETURNING *",
    "UPDATE sales SET amount = 0", "UPDATE sales SET amount = amount * 2 WHERE region = 'x'",
    "DELETE FROM sales", "DELETE FROM sales WHERE 1 = 1", "TRUNCATE sales", "TRUNCATE TABLE sales",
    "MERGE INTO sales USING t ON sales.id = t.id WHEN MATCHED THEN DELETE",
    "ALTER TABLE sales ADD COLUMN c INT", "ALTER TABLE sales RENAME TO s2", "ALTER TABLE sales DROP COLUMN amount",
    "COPY sales TO '/tmp/out.csv'", "COPY sales FROM '/etc/passwd'", "COPY (SELECT * FROM sales) TO 'x.parquet'",
    "ATTACH DATABASE 'x.db' AS x", "ATTACH 'https://evil/db.duckdb' AS e", "DETACH DATABASE x",
    "INSTALL httpfs", "LOAD httpfs",
    "SET threads = 1", "SET search_path = evil", "SET TIME ZONE 'UTC'", "SET ROLE admin", "RESET ALL",
    "GRANT SELECT ON sales TO bob", "REVOKE SELECT ON sales FROM bob",
    "BEGIN", "COMMIT", "ROLLBACK", "START TRANSACTION",
    "EXPLAIN SELECT 1", "EXPLAIN ANALYZE SELECT * FROM sales", "DESCRIBE sales", "SHOW TABLES", "SHOW COLUMNS FROM sales",
    "VACUUM", "ANALYZE sales", "PRAGMA table_info('sales')", "CALL f()", "EXECUTE p", "PREPARE p AS SELECT 1",
    "DECLARE c CURSOR FOR SELECT 1", "USE other", "KILL 1", "CACHE TABLE sales", "UNCACHE TABLE sales",
    "COMMENT ON TABLE sales IS 'x'", "DISCARD ALL", "LISTEN ch", "NOTIFY ch",
    "EXPORT DATABASE '/tmp/out'", "EXPORT DATABASE 's3://bucket/out' (FORMAT PARQUET)", "IMPORT DATABASE '/tmp/out'",
    "EXPORT DATA OPTIONS (uri = 'gs://bucket/x-*.csv', format = 'CSV') AS SELECT * FROM sales",
];

/// File-, URL- and database-reading functions, in FROM or as expressions.
const IO_FUNCTIONS: &[&str] = &[
    "read_csv('/etc/passwd')", "read_csv_auto('x.csv')", "read_parquet('s3://bucket/x.parquet')",
    "read_json('https://evil/x.json')", "read_json_auto('x')", "read_ndjson('x')", "read_ipc('x.arrow')",
    "read_text('/etc/hosts')", "read_blob('x')", "parquet_scan('x')", "glob('/*')", "sqlite_scan('x.db', 't')",
    "postgres_scan('dsn', 'public', 't')", "mysql_query('x', 'select 1')", "iceberg_scan('x')", "delta_scan('x')",
    "scan_csv('x')", "scan_parquet('x')", "query_table('sales')", "pg_read_file('/etc/passwd')",
];

/// Ways to hide a second, harmful statement after a harmless one.
const HIDDEN_SECOND: &[&str] = &[
    "SELECT 1; DROP TABLE sales",
    "SELECT 1;DROP TABLE sales",
    "SELECT 1; -- harmless\nDROP TABLE sales",
    "SELECT 1 /* ; */; DELETE FROM sales",
    "SELECT 1; /* multi\nline */ INSERT INTO sales VALUES (1)",
    "SELECT * FROM sales;\n\nTRUNCATE sales",
    "SELECT ';' AS s; DROP TABLE sales",
    "SELECT $$;$$; DROP TABLE sales",
    "SELECT 1; SELECT 2",
    "WITH a AS (SELECT 1) SELECT * FROM a; UPDATE sales SET a = 1",
];

/// Unicode and encoding tricks: these must not parse as something runnable.
const UNICODE_TRICKS: &[&str] = &[
    "ＤＲＯＰ TABLE sales",               // fullwidth letters
    "SΕLECT 1",                           // Greek capital epsilon
    "SELECT 1;\u{200B}DROP TABLE sales",  // zero-width space after the semicolon
    "\u{202E}DROP TABLE sales",           // right-to-left override in front
    "SELECT 1 \u{037E} DROP TABLE sales", // Greek question mark (looks like ';')
    "DROP\u{00A0}TABLE sales",            // no-break space
    "SELECT * FROM sales\u{FF1B} DROP TABLE sales", // fullwidth semicolon
    "\u{FEFF}DROP TABLE sales",           // BOM then a write
];

fn code_of(sql: &str) -> Option<ErrorCode> {
    check(sql).err().map(|e| {
        assert!(!e.message.is_empty() && !e.hint.is_empty(), "{sql}: {e}");
        e.code
    })
}

fn case_variants(s: &str) -> Vec<String> {
    let mut flip = String::new();
    for (i, ch) in s.chars().enumerate() {
        flip.push(if i % 2 == 0 { ch.to_ascii_uppercase() } else { ch.to_ascii_lowercase() });
    }
    vec![s.to_string(), s.to_lowercase(), flip]
}

#[test]
fn refused_statements() {
    let mut refused: BTreeSet<String> = BTreeSet::new();
    let mut expect = |sql: String, codes: &[ErrorCode]| {
        match code_of(&sql) {
            Some(c) => assert!(codes.contains(&c), "{sql:?}: refused with {c:?}, expected one of {codes:?}"),
            None => panic!("accepted, but must be refused: {sql:?}"),
        }
        refused.insert(sql);
    };
    const FORBID: &[ErrorCode] = &[ErrorCode::SqlForbidden];
    // statements that either do not parse or are refused: both keep them from running
    const FORBID_OR_SYNTAX: &[ErrorCode] = &[ErrorCode::SqlForbidden, ErrorCode::SqlSyntax];
    for w in WRITES {
        for v in case_variants(w) {
            expect(v, FORBID_OR_SYNTAX);
        }
        expect(format!("/* leading comment */ {w}"), FORBID_OR_SYNTAX);
        expect(format!("{w};"), FORBID_OR_SYNTAX);
    }
    for f in IO_FUNCTIONS {
        expect(format!("SELECT * FROM {f}"), FORBID);
        expect(format!("select * from {}", f.to_uppercase()), FORBID);
        expect(format!("SELECT {f} AS x"), FORBID);
        expect(format!("WITH a AS (SELECT * FROM {f}) SELECT * FROM a"), FORBID);
        expect(format!("SELECT * FROM sales WHERE region IN (SELECT * FROM {f})"), FORBID);
        expect(format!("SELECT * FROM sales JOIN {f} AS r ON true"), FORBID);
        expect(format!("SELECT * FROM (SELECT * FROM (SELECT * FROM {f}) AS a) AS b"), FORBID);
        expect(format!("SELECT 1 UNION ALL SELECT * FROM {f}"), FORBID);
    }
    for f in ["\"read_csv\"('x')", "`read_parquet`('x')", "main.read_csv('x')"] {
        expect(format!("SELECT * FROM {f}"), FORBID_OR_SYNTAX);
    }
    for s in HIDDEN_SECOND {
        expect(s.to_string(), FORBID_OR_SYNTAX);
    }
    for s in UNICODE_TRICKS {
        expect(s.to_string(), FORBID_OR_SYNTAX);
    }
    for s in ["SELECT * INTO newt FROM sales", "SELECT a INTO TEMP t2 FROM sales", "WITH x AS (SELECT 1) SELECT * INTO y FROM x"] {
        expect(s.to_string(), FORBID_OR_SYNTAX);
    }
    for s in ["", "   ", "--", "/* */", ";", ";;", "SELEC 1", "SELECT FROM", "SELECT * FROM sales WHERE", "SELECT 'x"] {
        expect(s.to_string(), &[ErrorCode::SqlSyntax]);
    }
    println!("refused corpus: {} distinct statements", refused.len());
    assert!(refused.len() >= 200, "only {} refused statements", refused.len());
}

#[test]
fn accepted_analytical_queries() {
    let tables = ["sales", "orders", "\"Sales 2024\"", "s"];
    let shapes = [
        "SELECT * FROM {t} LIMIT 10",
        "SELECT region, SUM(amount) AS total FROM {t} GROUP BY region ORDER BY total DESC",
        "SELECT region, product, COUNT(*) AS n, AVG(amount) AS avg_amount FROM {t} GROUP BY region, product",
        "SELECT DATE_TRUNC('month', day) AS m, SUM(amount) FROM {t} GROUP BY 1 ORDER BY 1",
        "SELECT EXTRACT(YEAR FROM day) AS y, COUNT(DISTINCT customer) FROM {t} GROUP BY 1",
        "SELECT region FROM {t} GROUP BY region HAVING SUM(amount) > 1000",
        "SELECT *, RANK() OVER (PARTITION BY region ORDER BY amount DESC) AS r FROM {t}",
        "SELECT id, amount, SUM(amount) OVER (ORDER BY day ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) FROM {t}",
        "WITH m AS (SELECT region, MAX(amount) AS mx FROM {t} GROUP BY region) SELECT * FROM m WHERE mx > 10",
        "SELECT a.region, b.target FROM {t} a LEFT JOIN targets b ON a.region = b.region",
        "SELECT region FROM {t} UNION SELECT region FROM targets",
        "SELECT region FROM {t} INTERSECT SELECT region FROM targets",
        "SELECT CASE WHEN amount > 100 THEN 'big' ELSE 'small' END AS size, COUNT(*) FROM {t} GROUP BY 1",
        "SELECT * FROM {t} WHERE amount > (SELECT AVG(amount) FROM {t})",
        "SELECT * FROM {t} WHERE region IN (SELECT region FROM targets) AND amount BETWEEN 1 AND 10",
        "SELECT * FROM {t} WHERE name LIKE 'A%' OR name ILIKE '%drop table%'",
        "SELECT COALESCE(region, 'unknown') AS r, NULLIF(amount, 0) FROM {t}",
        "SELECT MEDIAN(amount), QUANTILE_CONT(amount, 0.9), STDDEV(amount) FROM {t}",
        "SELECT UPPER(region), LENGTH(name), SUBSTR(name, 1, 3), CONCAT(region, '-', name) FROM {t}",
        "SELECT CAST(amount AS INTEGER) AS a, CAST(day AS VARCHAR) AS d FROM {t}",
        "SELECT DISTINCT region FROM {t} ORDER BY region LIMIT 5 OFFSET 5",
        "SELECT 'DROP TABLE sales' AS harmless_text FROM {t}",
        "SELECT amount /* ; DROP TABLE x */ FROM {t}",
        "SELECT amount -- ; DELETE FROM x\nFROM {t}",
        "SELECT * FROM {t} WHERE EXISTS (SELECT 1 FROM targets WHERE targets.region = {t}.region)",
        "SELECT COUNT(*) FROM {t}, targets",
    ];
    let mut accepted = BTreeSet::new();
    for t in tables {
        for s in shapes {
            let sql = s.replace("{t}", t);
            if let Err(e) = check(&sql) {
                panic!("refused, but legitimate: {sql}: {e}");
            }
            accepted.insert(sql);
        }
    }
    for v in ["VALUES (1, 'a'), (2, 'b')", "SELECT 1", "SELECT 1 + 1 AS two", "(SELECT 1) UNION ALL (SELECT 2)"] {
        check(v).unwrap_or_else(|e| panic!("{v}: {e}"));
        accepted.insert(v.to_string());
    }
    println!("accepted corpus: {} distinct queries", accepted.len());
    assert!(accepted.len() >= 100, "only {}", accepted.len());
}

/// Text that makes sqlparser backtrack exponentially (each unclosed CASE or CAST level doubles
/// the work) is refused after a bounded amount of parsing; nesting past the parser's depth
/// limit is refused with its own message; ordinary nesting and long generated queries pass.
#[test]
fn backtracking_is_bounded_and_deep_nesting_is_refused_clearly() {
    // debug builds use far bigger stack frames than release and wasm builds (where the depth
    // limit comes first on a 1 MB stack: tests/node/api.test.mjs): give the parser room here
    let run = std::thread::Builder::new().stack_size(64 << 20).spawn(|| {
        // found by the sql_guard fuzz target: 436 bytes that took minutes to parse
        let found = String::from_utf8_lossy(include_bytes!("fixtures/fuzz/sql-guard-case-backtracking.txt")).into_owned();
        for sql in [found, format!("SELECT {} 1 FROM sales", "CASE +CASE WHEN ".repeat(40))] {
            let e = check(&sql).unwrap_err();
            assert_eq!(e.code, ErrorCode::SqlSyntax, "{e}");
            assert!(e.message.contains("too tangled"), "{e}");
        }
        let nest = |depth: usize| {
            let mut nested = String::from("amount");
            for i in 0..depth {
                nested = format!("CASE WHEN amount > {i} THEN ({nested}) ELSE CAST({i} AS DOUBLE) END");
            }
            format!("SELECT {nested} AS x FROM sales")
        };
        check(&nest(12)).unwrap_or_else(|e| panic!("12 nested CASE: {e}"));
        let e = check(&nest(40)).unwrap_err();
        assert_eq!(e.code, ErrorCode::SqlSyntax);
        assert!(e.message.contains("too deeply"), "{e}");
        let long: Vec<String> = (0..2000).map(|i| format!("CASE WHEN region = 'r{i}' THEN {i} ELSE 0 END")).collect();
        check(&format!("SELECT {} AS total FROM sales", long.join(" + "))).unwrap_or_else(|e| panic!("a long generated query: {e}"));
    });
    if let Err(panic) = run.and_then(|h| h.join().map_err(|p| std::io::Error::other(format!("{p:?}")))) {
        panic!("{panic}");
    }
}
