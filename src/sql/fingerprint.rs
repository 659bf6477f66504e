//! SQL fingerprints for cache keys.
//!
//! Hashes the sqlparser AST, not the text: whitespace, comments and keyword case never reach
//! the AST, and sqlparser's `Hash` ignores source spans. Before hashing, redundant parentheses
//! (`Expr::Nested`, which the tree structure makes unnecessary) are dropped and function names
//! are lower-cased (SQL function names are case-insensitive). Everything else — literals,
//! identifiers (Polars resolves them case-sensitively), LIMIT — changes the fingerprint.

use std::hash::{Hash, Hasher};
use std::ops::ControlFlow;

use sqlparser::ast::{visit_expressions_mut, Expr, Statement};

/// FNV-1a, 64-bit: deterministic across runs (unlike `DefaultHasher`'s random keys).
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01B3);
        }
    }
}

/// The normalised form that is hashed (exposed for tests).
pub fn normalize(statement: &Statement) -> Statement {
    let mut s = statement.clone();
    let _ = visit_expressions_mut(&mut s, |e| {
        while let Expr::Nested(inner) = e {
            let inner = std::mem::replace(&mut **inner, Expr::Value(sqlparser::ast::Value::Null));
            *e = inner;
        }
        if let Expr::Function(f) = e {
            for part in &mut f.name.0 {
                part.value = part.value.to_lowercase();
            }
        }
        ControlFlow::<()>::Continue(())
    });
    s
}

/// A 128-bit fingerprint as 32 hex characters.
pub fn fingerprint(statement: &Statement) -> String {
    let norm = normalize(statement);
    let mut a = Fnv(0xcbf2_9ce4_8422_2325);
    let mut b = Fnv(0x6c62_272e_07bb_0142);
    norm.hash(&mut a);
    "insightflow".hash(&mut b);
    norm.hash(&mut b);
    format!("{:016x}{:016x}", a.finish(), b.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::check;

    fn fp(sql: &str) -> String {
        fingerprint(&check(sql).unwrap_or_else(|e| panic!("{sql}: {e}")).statement)
    }

    #[test]
    fn equivalent_texts_share_a_fingerprint() {
        let base = fp("SELECT region, SUM(amount) AS s FROM sales WHERE amount > 10 GROUP BY region LIMIT 5");
        for sql in [
            "select region, sum(amount) as s from sales where amount > 10 group by region limit 5",
            "SELECT  region ,\n\tSUM(amount) AS s\nFROM sales -- comment\nWHERE (amount > 10) GROUP BY region LIMIT 5",
            "SELECT region, SUM((amount)) AS s /* c */ FROM sales WHERE ((amount) > (10)) GROUP BY (region) LIMIT 5;",
        ] {
            assert_eq!(fp(sql), base, "{sql}");
        }
        assert_eq!(base.len(), 32);
    }

    #[test]
    fn meaningful_changes_change_it() {
        let base = fp("SELECT a FROM t WHERE b > 10 LIMIT 5");
        for sql in [
            "SELECT a FROM t WHERE b > 11 LIMIT 5",
            "SELECT a FROM t WHERE b > 10 LIMIT 6",
            "SELECT a FROM t WHERE b >= 10 LIMIT 5",
            "SELECT A FROM t WHERE b > 10 LIMIT 5",
            "SELECT a FROM u WHERE b > 10 LIMIT 5",
            "SELECT a FROM t WHERE c > 10 LIMIT 5",
            "SELECT a FROM t WHERE b > '10' LIMIT 5",
            "SELECT a FROM t WHERE b > 10",
        ] {
            assert_ne!(fp(sql), base, "{sql}");
        }
        // parentheses that change precedence change the tree, hence the fingerprint
        assert_ne!(fp("SELECT (a + b) * c FROM t"), fp("SELECT a + b * c FROM t"));
        assert_eq!(fp("SELECT (a + b) * c FROM t"), fp("SELECT ((a + b)) * (c) FROM t"));
    }
}
