//! Caches: TTL + LRU maps with an injectable clock, an optional per-entry size cap, and
//! counters (entries, bytes, hits, misses, evictions).
//!
//! Owns expiry and eviction only; what is cached and under which key (tenant scope, source
//! version, SQL fingerprint) is decided by the pipeline. Never panics; a zero capacity means
//! "cache nothing".

use std::hash::Hash;
use std::num::NonZeroUsize;
use std::rc::Rc;

use lru::LruCache;
use serde::Serialize;

/// Milliseconds since the Unix epoch. Injectable so TTLs are testable.
pub trait Clock {
    fn now_ms(&self) -> f64;
}

/// The real clock (`web-time`: `Date.now()` in wasm, `SystemTime` natively).
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> f64 {
        web_time::SystemTime::now()
            .duration_since(web_time::UNIX_EPOCH)
            .map(|d| d.as_secs_f64() * 1000.0)
            .unwrap_or(0.0)
    }
}

/// A clock tests move by hand.
#[derive(Debug, Default)]
pub struct ManualClock(std::cell::Cell<f64>);

impl ManualClock {
    pub fn new(start_ms: f64) -> Self {
        ManualClock(std::cell::Cell::new(start_ms))
    }
    pub fn advance(&self, ms: f64) {
        self.0.set(self.0.get() + ms);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> f64 {
        self.0.get()
    }
}

impl<C: Clock + ?Sized> Clock for Rc<C> {
    fn now_ms(&self) -> f64 {
        (**self).now_ms()
    }
}

/// Counters reported by `cacheStats()`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CacheStats {
    pub entries: usize,
    pub bytes: usize,
    pub hits: u64,
    pub misses: u64,
    pub evictions: u64,
}

struct Entry<V> {
    value: V,
    bytes: usize,
    expires_at: f64,
}

/// A TTL + LRU cache.
pub struct TtlCache<K: Hash + Eq, V> {
    map: Option<LruCache<K, Entry<V>>>,
    ttl_ms: f64,
    max_entry_bytes: usize,
    stats: CacheStats,
}

impl<K: Hash + Eq + Clone, V: Clone> TtlCache<K, V> {
    /// `capacity` entries at most (0 disables the cache), each kept `ttl_ms`, and none larger
    /// than `max_entry_bytes`.
    pub fn new(capacity: usize, ttl_ms: f64, max_entry_bytes: usize) -> Self {
        TtlCache { map: NonZeroUsize::new(capacity).map(LruCache::new), ttl_ms, max_entry_bytes, stats: CacheStats::default() }
    }

    /// The live value for `key`, counted as a hit or a miss; expired entries are dropped.
    pub fn get(&mut self, key: &K, now_ms: f64) -> Option<V> {
        let found = match self.map.as_mut().and_then(|m| m.get(key).map(|e| (e.expires_at > now_ms, e.value.clone()))) {
            Some((true, v)) => Some(v),
            Some((false, _)) => {
                self.remove(key);
                None
            }
            None => None,
        };
        if found.is_some() {
            self.stats.hits += 1;
        } else {
            self.stats.misses += 1;
        }
        found
    }

    /// Stores `value`; returns false when it is over the size cap (then nothing is stored).
    pub fn put(&mut self, key: K, value: V, bytes: usize, now_ms: f64) -> bool {
        let Some(map) = self.map.as_mut() else { return false };
        if bytes > self.max_entry_bytes {
            return false;
        }
        let entry = Entry { value, bytes, expires_at: now_ms + self.ttl_ms };
        if let Some((old_key, old)) = map.push(key.clone(), entry) {
            self.stats.bytes = self.stats.bytes.saturating_sub(old.bytes);
            if old_key != key {
                self.stats.evictions += 1;
            }
        }
        self.stats.bytes += bytes;
        self.stats.entries = map.len();
        true
    }

    pub fn remove(&mut self, key: &K) {
        if let Some(old) = self.map.as_mut().and_then(|m| m.pop(key)) {
            self.stats.bytes = self.stats.bytes.saturating_sub(old.bytes);
        }
        self.stats.entries = self.map.as_ref().map_or(0, LruCache::len);
    }

    /// Removes every entry whose key matches `pred` (e.g. all results of one source).
    pub fn remove_where(&mut self, pred: impl Fn(&K) -> bool) {
        let keys: Vec<K> = self.map.as_ref().map(|m| m.iter().filter(|(k, _)| pred(k)).map(|(k, _)| k.clone()).collect()).unwrap_or_default();
        for k in keys {
            self.remove(&k);
        }
    }

    pub fn stats(&self) -> CacheStats {
        self.stats
    }

    /// Keys from most to least recently used (for tests and diagnostics).
    pub fn keys(&self) -> Vec<K> {
        self.map.as_ref().map(|m| m.iter().map(|(k, _)| k.clone()).collect()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttl_expiry_with_a_manual_clock() {
        let clock = ManualClock::new(1_000.0);
        let mut c: TtlCache<&str, i32> = TtlCache::new(10, 500.0, 100);
        assert!(c.put("a", 1, 10, clock.now_ms()));
        clock.advance(499.0);
        assert_eq!(c.get(&"a", clock.now_ms()), Some(1));
        clock.advance(1.0);
        assert_eq!(c.get(&"a", clock.now_ms()), None);
        let s = c.stats();
        assert_eq!((s.hits, s.misses, s.entries, s.bytes), (1, 1, 0, 0));
    }

    #[test]
    fn lru_evicts_the_least_recently_used() {
        let mut c: TtlCache<u32, u32> = TtlCache::new(3, 1e9, 100);
        for k in 1..=3 {
            c.put(k, k, 1, 0.0);
        }
        assert_eq!(c.get(&1, 0.0), Some(1)); // 1 is now the most recent
        c.put(4, 4, 1, 0.0); // evicts 2
        assert_eq!(c.keys(), vec![4, 1, 3]);
        assert_eq!(c.get(&2, 0.0), None);
        let s = c.stats();
        assert_eq!((s.evictions, s.entries, s.bytes), (1, 3, 3));
        // replacing a key is not an eviction
        c.put(4, 40, 5, 0.0);
        assert_eq!((c.stats().evictions, c.stats().bytes), (1, 7));
    }

    #[test]
    fn size_cap_and_disabled_cache() {
        let mut c: TtlCache<u8, u8> = TtlCache::new(3, 1e9, 10);
        assert!(!c.put(1, 1, 11, 0.0));
        assert!(c.put(1, 1, 10, 0.0));
        let mut off: TtlCache<u8, u8> = TtlCache::new(0, 1e9, 10);
        assert!(!off.put(1, 1, 1, 0.0));
        assert_eq!(off.get(&1, 0.0), None);
        c.put(2, 2, 1, 0.0);
        c.remove_where(|k| *k == 1);
        assert_eq!(c.keys(), vec![2]);
    }
}
