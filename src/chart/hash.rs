//! Hash maps for grouping rows: foldhash's fixed-seed hasher (already compiled in through Polars)
//! instead of SipHash, the std default, which is several times slower on the million-row results
//! the chart and insight stages group. Output order never depends on hashing (groups keep
//! first-appearance order), and the seed is fixed, so results stay deterministic.

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasher;

pub use foldhash::fast::FixedState;

pub type FastMap<K, V> = HashMap<K, V, FixedState>;
pub type FastSet<K> = HashSet<K, FixedState>;

/// A hasher for hashing a row's cells into one value.
pub fn fast_hasher() -> foldhash::fast::FoldHasher {
    FixedState::default().build_hasher()
}
