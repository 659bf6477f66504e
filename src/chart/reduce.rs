//! Making large results chartable: LTTB downsampling for lines, top-N + "Other" for
//! categories, deterministic sampling for scatters. Each returns row indices to keep (or the
//! grouping), so the caller states what was done as a transformation.

/// Largest-Triangle-Three-Buckets (Steinarsson 2013) over points sorted by x: keeps the first
/// and last points and, from each of `n_out − 2` buckets of the interior (split like
/// numpy.array_split: the first `m mod b` buckets one longer), the point forming the largest
/// triangle with the previous kept point and the mean of the next bucket. Matches the `lttb`
/// package on PyPI (0.3.x) index for index (tests/fixtures/insights/lttb.json).
/// Returns all indices when `n_out >= n` or `n_out < 3`.
pub fn lttb(xs: &[f64], ys: &[f64], n_out: usize) -> Vec<usize> {
    let n = xs.len().min(ys.len());
    if n_out >= n || n_out < 3 {
        return (0..n).collect();
    }
    let interior = n - 2;
    let buckets = n_out - 2;
    let (q, r) = (interior / buckets, interior % buckets);
    // bucket b covers [start(b), start(b + 1)) of the full index range
    let start = |b: usize| 1 + b * q + b.min(r);
    let pt = |i: usize| (xs.get(i).copied().unwrap_or(0.0), ys.get(i).copied().unwrap_or(0.0));
    let mut out = Vec::with_capacity(n_out);
    out.push(0);
    let mut a = pt(0);
    for b in 0..buckets {
        let (lo, hi) = (start(b), start(b + 1));
        let (nlo, nhi) = if b + 1 < buckets { (start(b + 1), start(b + 2)) } else { (n - 1, n) };
        let cnt = (nhi - nlo).max(1) as f64;
        let (mut cx, mut cy) = (0.0, 0.0);
        for j in nlo..nhi {
            let (x, y) = pt(j);
            cx += x;
            cy += y;
        }
        let (cx, cy) = (cx / cnt, cy / cnt);
        let mut best = lo;
        let mut best_area = f64::NEG_INFINITY;
        for j in lo..hi {
            let (bx, by) = pt(j);
            let area = 0.5 * ((a.0 - cx) * (by - a.1) - (a.0 - bx) * (cy - a.1)).abs();
            if area > best_area {
                best_area = area;
                best = j;
            }
        }
        out.push(best);
        a = pt(best);
    }
    out.push(n - 1);
    out
}

/// Indices of the `keep` largest values (descending; ties keep input order) and the rest (in
/// input order). A partial selection first, so a million categories cost O(n), not a sort.
pub fn top_n(values: &[f64], keep: usize) -> (Vec<usize>, Vec<usize>) {
    let key = |i: &usize| values.get(*i).copied().unwrap_or(f64::NEG_INFINITY);
    // descending by value, then by index: a total order, so the selection is deterministic
    let cmp = |a: &usize, b: &usize| key(b).total_cmp(&key(a)).then(a.cmp(b));
    let mut order: Vec<usize> = (0..values.len()).collect();
    let keep = keep.min(order.len());
    if keep < order.len() && keep > 0 {
        order.select_nth_unstable_by(keep - 1, cmp);
    }
    let mut rest = order.split_off(keep);
    order.sort_by(cmp);
    rest.sort_unstable();
    (order, rest)
}

/// SplitMix64: a fixed-seed hash so sampling is the same on every run.
fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A deterministic sample of `k` of `n` row indices, in input order, always including the rows
/// in `must` (e.g. the extremes, so the axes keep their range).
pub fn sample(n: usize, k: usize, must: &[usize]) -> Vec<usize> {
    if k >= n {
        return (0..n).collect();
    }
    let mut keyed: Vec<(u64, usize)> = (0..n).map(|i| (if must.contains(&i) { 0 } else { splitmix(i as u64 ^ 0x5EED).max(1) }, i)).collect();
    if k < keyed.len() {
        keyed.select_nth_unstable(k);
        keyed.truncate(k);
    }
    let mut idx: Vec<usize> = keyed.into_iter().map(|(_, i)| i).collect();
    idx.sort_unstable();
    idx
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn lttb_matches_the_reference_package() {
        let fx: Value = serde_json::from_str(include_str!("../../tests/fixtures/insights/lttb.json")).unwrap();
        for case in fx["cases"].as_array().unwrap() {
            let xs: Vec<f64> = case["x"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
            let ys: Vec<f64> = case["y"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
            let k = case["threshold"].as_u64().unwrap() as usize;
            let want: Vec<usize> = case["indices"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as usize).collect();
            assert_eq!(lttb(&xs, &ys, k), want, "case {}", case["name"]);
        }
    }

    #[test]
    fn lttb_edges() {
        assert_eq!(lttb(&[], &[], 10), Vec::<usize>::new());
        assert_eq!(lttb(&[1.0, 2.0], &[1.0, 2.0], 10), vec![0, 1]);
        assert_eq!(lttb(&[1.0, 2.0, 3.0, 4.0], &[1.0, 5.0, 2.0, 4.0], 2), vec![0, 1, 2, 3]);
        // a single spike survives heavy downsampling
        let xs: Vec<f64> = (0..1000).map(f64::from).collect();
        let mut ys = vec![0.0; 1000];
        ys[537] = 100.0;
        let kept = lttb(&xs, &ys, 20);
        assert_eq!(kept.len(), 20);
        assert!(kept.contains(&537));
        assert_eq!((kept[0], kept[19]), (0, 999));
    }

    #[test]
    fn top_n_and_sample() {
        let (top, rest) = top_n(&[3.0, 9.0, 1.0, 9.0, 5.0], 3);
        assert_eq!(top, vec![1, 3, 4]);
        assert_eq!(rest, vec![0, 2]);
        let s = sample(10_000, 500, &[9_999]);
        assert_eq!(s.len(), 500);
        assert!(s.contains(&9_999));
        assert!(s.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(s, sample(10_000, 500, &[9_999]), "deterministic");
        assert_eq!(sample(3, 5, &[]), vec![0, 1, 2]);
    }
}
