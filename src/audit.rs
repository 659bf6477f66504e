//! The audit log: a bounded ring of what was done, by whom, with what outcome.
//!
//! Entries carry the tenant, action, source, SQL fingerprint (never the SQL text, which may
//! hold literal values), outcome code, row count and time. Never row values, never secrets.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use crate::runtime::Tenant;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    /// Milliseconds since the Unix epoch.
    pub time: f64,
    pub tenant: Tenant,
    /// register | query | analyze | drop | invalidate
    pub action: &'static str,
    pub source: String,
    pub sql_fingerprint: Option<String>,
    /// `ok` or the error code.
    pub outcome: String,
    pub rows: Option<usize>,
    pub elapsed_ms: f64,
}

/// `auditLog({since?, limit?})` arguments.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AuditQuery {
    /// Only entries at or after this time (ms since epoch).
    pub since: Option<f64>,
    /// At most this many (the newest).
    pub limit: Option<usize>,
}

pub struct AuditLog {
    ring: VecDeque<AuditEntry>,
    capacity: usize,
}

impl AuditLog {
    pub fn new(capacity: usize) -> Self {
        AuditLog { ring: VecDeque::with_capacity(capacity.min(4096)), capacity }
    }

    pub fn push(&mut self, entry: AuditEntry) {
        if self.capacity == 0 {
            return;
        }
        while self.ring.len() >= self.capacity {
            self.ring.pop_front();
        }
        self.ring.push_back(entry);
    }

    /// Entries oldest first, filtered by `since`, keeping the newest `limit`.
    pub fn read(&self, q: &AuditQuery) -> Vec<AuditEntry> {
        let since = q.since.unwrap_or(f64::NEG_INFINITY);
        let matching: Vec<&AuditEntry> = self.ring.iter().filter(|e| e.time >= since).collect();
        let skip = q.limit.map_or(0, |l| matching.len().saturating_sub(l));
        matching.into_iter().skip(skip).cloned().collect()
    }

    pub fn len(&self) -> usize {
        self.ring.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ring.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(t: f64) -> AuditEntry {
        AuditEntry { time: t, tenant: Tenant::default(), action: "query", source: "s".into(), sql_fingerprint: None, outcome: "ok".into(), rows: Some(1), elapsed_ms: 0.0 }
    }

    #[test]
    fn ring_is_bounded_and_filterable() {
        let mut log = AuditLog::new(3);
        for t in 0..5 {
            log.push(entry(f64::from(t)));
        }
        assert_eq!(log.len(), 3);
        let times: Vec<f64> = log.read(&AuditQuery::default()).iter().map(|e| e.time).collect();
        assert_eq!(times, vec![2.0, 3.0, 4.0]);
        let times: Vec<f64> = log.read(&AuditQuery { since: Some(3.0), limit: None }).iter().map(|e| e.time).collect();
        assert_eq!(times, vec![3.0, 4.0]);
        let times: Vec<f64> = log.read(&AuditQuery { since: None, limit: Some(1) }).iter().map(|e| e.time).collect();
        assert_eq!(times, vec![4.0]);
        let mut off = AuditLog::new(0);
        off.push(entry(1.0));
        assert!(off.is_empty());
    }
}
