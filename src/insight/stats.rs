//! The statistics behind the insights, as plain functions over `&[f64]`.
//!
//! Every function here is total: empty input, one value, all-equal values, NaN and ±inf give
//! `None` (or an empty answer), never a panic. Callers pass finite values (the table layer
//! already drops NaN/inf); functions that need a minimum sample size check it themselves.
//!
//! Each function names the reference it was checked against (scipy, numpy, pymannkendall;
//! see `scripts/insight_fixtures.py` and `tests/fixtures/insights/`).

/// Arithmetic mean (None when empty or not finite).
pub fn mean(xs: &[f64]) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    let m = xs.iter().sum::<f64>() / xs.len() as f64;
    m.is_finite().then_some(m)
}

/// Sample variance (ddof = 1), two-pass.
pub fn variance(xs: &[f64]) -> Option<f64> {
    if xs.len() < 2 {
        return None;
    }
    let m = mean(xs)?;
    let ss: f64 = xs.iter().map(|x| (x - m) * (x - m)).sum();
    let v = ss / (xs.len() - 1) as f64;
    v.is_finite().then_some(v)
}

/// Sample standard deviation (ddof = 1).
pub fn std_dev(xs: &[f64]) -> Option<f64> {
    variance(xs).map(f64::sqrt)
}

/// Coefficient of variation: sample sd / |mean| (scipy.stats.variation(ddof=1) for positive
/// data). None when the mean is 0 or n < 2.
pub fn coefficient_of_variation(xs: &[f64]) -> Option<f64> {
    let m = mean(xs)?;
    if m == 0.0 {
        return None;
    }
    let cv = std_dev(xs)? / m.abs();
    cv.is_finite().then_some(cv)
}

/// Sorted copy of the finite values.
pub fn sorted(xs: &[f64]) -> Vec<f64> {
    let mut v: Vec<f64> = xs.iter().copied().filter(|x| x.is_finite()).collect();
    v.sort_unstable_by(f64::total_cmp);
    v
}

/// Quantile `p` in [0, 1] of already sorted values, linear interpolation between closest ranks
/// (numpy.percentile's default, Hyndman–Fan type 7).
pub fn quantile_sorted(s: &[f64], p: f64) -> Option<f64> {
    if s.is_empty() || !(0.0..=1.0).contains(&p) {
        return None;
    }
    let h = (s.len() - 1) as f64 * p;
    let lo = h.floor();
    let i = lo as usize;
    let a = *s.get(i)?;
    let b = s.get(i + 1).copied().unwrap_or(a);
    Some(a + (h - lo) * (b - a))
}

/// Quantile `p` (numpy's linear rule, as [`quantile_sorted`]) by selection: O(n) instead of a
/// sort. `v` is reordered; its values are kept.
pub fn quantile_select(v: &mut [f64], p: f64) -> Option<f64> {
    if v.is_empty() || !(0.0..=1.0).contains(&p) || v.iter().any(|x| !x.is_finite()) {
        return None;
    }
    let h = (v.len() - 1) as f64 * p;
    let lo = h.floor();
    let i = lo as usize;
    let (_, a, right) = v.select_nth_unstable_by(i, f64::total_cmp);
    let a = *a;
    let b = right.iter().copied().min_by(f64::total_cmp).unwrap_or(a);
    Some(a + (h - lo) * (b - a))
}

/// Median of the finite values (O(n)).
pub fn median(xs: &[f64]) -> Option<f64> {
    let mut v: Vec<f64> = xs.iter().copied().filter(|x| x.is_finite()).collect();
    quantile_select(&mut v, 0.5)
}

/// Tukey's fences: values outside [Q1 − k·IQR, Q3 + k·IQR].
#[derive(Debug, Clone, PartialEq)]
pub struct IqrOutliers {
    pub q1: f64,
    pub q3: f64,
    pub iqr: f64,
    pub lower: f64,
    pub upper: f64,
    /// Indices into the input, in input order.
    pub outliers: Vec<usize>,
}

/// IQR outliers with fence factor `k` (1.5 is Tukey's). None when n < 4 or IQR = 0 (then
/// every value off the common one would be "outlying", which says nothing).
pub fn iqr_outliers(xs: &[f64], k: f64) -> Option<IqrOutliers> {
    if xs.len() < 4 || xs.iter().any(|x| !x.is_finite()) {
        return None;
    }
    let mut s = xs.to_vec();
    let q1 = quantile_select(&mut s, 0.25)?;
    let q3 = quantile_select(&mut s, 0.75)?;
    let iqr = q3 - q1;
    if iqr <= 0.0 || !iqr.is_finite() {
        return None;
    }
    let (lower, upper) = (q1 - k * iqr, q3 + k * iqr);
    let outliers = xs.iter().enumerate().filter(|(_, x)| **x < lower || **x > upper).map(|(i, _)| i).collect();
    Some(IqrOutliers { q1, q3, iqr, lower, upper, outliers })
}

/// 1 / Φ⁻¹(3/4): makes the MAD a consistent estimator of σ for normal data
/// (scipy.stats.median_abs_deviation(scale='normal')).
pub const MAD_SCALE: f64 = 1.482_602_218_505_602;
/// √(π/2): the same for the mean absolute deviation (fallback when the MAD is 0).
pub const MEANAD_SCALE: f64 = 1.253_314_137_315_500_3;

/// Robust z-scores: (x − median) / (1.4826·MAD). When the MAD is 0 (more than half the values
/// equal), the mean absolute deviation around the median × 1.2533 is used instead (the IBM
/// modified z-score convention); None when that is 0 too (all values equal).
pub fn robust_z(xs: &[f64]) -> Option<Vec<f64>> {
    if xs.len() < 3 {
        return None;
    }
    let med = median(xs)?;
    let dev: Vec<f64> = xs.iter().map(|x| (x - med).abs()).collect();
    let mad = median(&dev)?;
    // a spread that is only rounding noise of the values counts as none
    let noise = xs.iter().fold(0.0f64, |m, x| m.max(x.abs())) * 1e-12;
    let scale = if mad > noise {
        mad * MAD_SCALE
    } else {
        let mean_ad = mean(&dev)?;
        if mean_ad <= noise {
            return None;
        }
        mean_ad * MEANAD_SCALE
    };
    let z: Vec<f64> = xs.iter().map(|x| (x - med) / scale).collect();
    z.iter().all(|v| v.is_finite()).then_some(z)
}

/// For each point, what its neighbours say it should be: the median of the k nearest on each
/// side, k = min(`half`, points available on the shorter side), so the window stays symmetric
/// and a local slope does not bias it; the point itself is left out (a lone spike cannot hide
/// in its own window). The two end points, with no neighbour on one side, get the straight
/// line through their two nearest neighbours (2·y₁ − y₂).
pub fn neighbour_median(xs: &[f64], half: usize) -> Vec<f64> {
    let n = xs.len();
    let mut buf = Vec::with_capacity(2 * half);
    (0..n)
        .map(|i| {
            let k = half.min(i).min(n - 1 - i);
            if k == 0 {
                let (a, b) = if i == 0 { (xs.get(1), xs.get(2)) } else { (xs.get(n.wrapping_sub(2)), xs.get(n.wrapping_sub(3))) };
                return match (a, b) {
                    (Some(a), Some(b)) => 2.0 * a - b,
                    (Some(a), None) => *a,
                    _ => f64::NAN,
                };
            }
            buf.clear();
            buf.extend(xs.get(i - k..i).unwrap_or(&[]));
            buf.extend(xs.get(i + 1..i + k + 1).unwrap_or(&[]));
            // 2·k values (k ≤ `half`): sorted in place, no allocation per point
            buf.sort_unstable_by(f64::total_cmp);
            let m = buf.len();
            match (buf.get(m / 2), m % 2) {
                (Some(b), 1) => *b,
                (Some(b), _) => buf.get(m / 2 - 1).map_or(f64::NAN, |a| (a + b) / 2.0),
                _ => f64::NAN,
            }
        })
        .collect()
}

/// Time-series outliers (values in time order). When the least-squares line over the index is
/// significant (p < 0.05) it is removed first; each point's residual is its distance from the
/// median of its neighbours ([`neighbour_median`], 2 on each side when n ≥ 12, else 1); the
/// residuals' robust z ([`robust_z`]) flags a point when |z| > `threshold` (3.5,
/// Iglewicz–Hoaglin) and its residual is at least a quarter of the values' interquartile
/// range (so the small regular wiggles of a smooth series are not called outliers).
/// Returns (residuals, z, flagged indices). O(n).
pub fn series_outliers(ys: &[f64], threshold: f64) -> Option<(Vec<f64>, Vec<f64>, Vec<usize>)> {
    if ys.len() < 5 || ys.iter().any(|y| !y.is_finite()) {
        return None;
    }
    let idx: Vec<f64> = (0..ys.len()).map(|i| i as f64).collect();
    let detrended: Vec<f64> = match linear_fit(&idx, ys) {
        Some(fit) if fit.p < 0.05 => ys.iter().zip(&idx).map(|(y, x)| y - (fit.intercept + fit.slope * x)).collect(),
        _ => ys.to_vec(),
    };
    let half = if ys.len() >= 12 { 2 } else { 1 };
    let smooth = neighbour_median(&detrended, half);
    let resid: Vec<f64> = detrended.iter().zip(&smooth).map(|(y, s)| y - s).collect();
    let z = robust_z(&resid)?;
    let mut s = ys.to_vec();
    let iqr = quantile_select(&mut s, 0.75)? - quantile_select(&mut s, 0.25)?;
    let flagged = z
        .iter()
        .zip(&resid)
        .enumerate()
        .filter(|(_, (v, r))| v.abs() > threshold && r.abs() >= 0.25 * iqr)
        .map(|(i, _)| i)
        .collect();
    Some((resid, z, flagged))
}

/// Lag-1 autocorrelation, (1/n)Σ(x_t − x̄)(x_{t+1} − x̄) / ((1/n)Σ(x_t − x̄)²) (the biased
/// estimator of statsmodels / pymannkendall). None when n < 3 or constant.
pub fn acf1(xs: &[f64]) -> Option<f64> {
    if xs.len() < 3 {
        return None;
    }
    let m = mean(xs)?;
    let c0: f64 = xs.iter().map(|x| (x - m) * (x - m)).sum();
    if !(c0 > 0.0) {
        return None;
    }
    let c1: f64 = xs.windows(2).map(|w| match w {
        [a, b] => (a - m) * (b - m),
        _ => 0.0,
    })
    .sum();
    let r = c1 / c0;
    r.is_finite().then_some(r)
}

// ---------------------------------------------------------------- special functions

/// ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; ~1e-15 relative).
pub fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // reflection
        let s = (std::f64::consts::PI * x).sin();
        return std::f64::consts::PI.ln() - s.abs().ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + G + 0.5;
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// Regularized upper incomplete gamma Q(a, x) (series / Lentz continued fraction).
pub fn gamma_q(a: f64, x: f64) -> f64 {
    if !(a > 0.0) || x.is_nan() {
        return f64::NAN;
    }
    if x <= 0.0 {
        return 1.0;
    }
    if x.is_infinite() {
        return 0.0;
    }
    let lng = ln_gamma(a);
    if x < a + 1.0 {
        // P by series, Q = 1 − P
        let mut ap = a;
        let mut sum = 1.0 / a;
        let mut del = sum;
        for _ in 0..1000 {
            ap += 1.0;
            del *= x / ap;
            sum += del;
            if del.abs() < sum.abs() * 1e-16 {
                break;
            }
        }
        1.0 - sum * (-x + a * x.ln() - lng).exp()
    } else {
        let tiny = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / tiny;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..1000 {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < tiny {
                d = tiny;
            }
            c = b + an / c;
            if c.abs() < tiny {
                c = tiny;
            }
            d = 1.0 / d;
            let del = d * c;
            h *= del;
            if (del - 1.0).abs() < 1e-16 {
                break;
            }
        }
        (-x + a * x.ln() - lng).exp() * h
    }
}

/// Complementary error function, erfc(x) = Q(1/2, x²) for x ≥ 0.
pub fn erfc(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    if x < 0.0 {
        2.0 - erfc(-x)
    } else {
        gamma_q(0.5, x * x)
    }
}

/// Standard normal upper tail P(Z > z).
pub fn normal_sf(z: f64) -> f64 {
    0.5 * erfc(z / std::f64::consts::SQRT_2)
}

/// Two-sided normal p-value.
pub fn normal_p_two_sided(z: f64) -> f64 {
    (2.0 * normal_sf(z.abs())).min(1.0)
}

/// Continued fraction for the incomplete beta (Numerical Recipes `betacf`, Lentz).
fn beta_cf(a: f64, b: f64, x: f64) -> f64 {
    let tiny = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < tiny {
        d = tiny;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..10_000 {
        let m = m as f64;
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < tiny {
            d = tiny;
        }
        c = 1.0 + aa / c;
        if c.abs() < tiny {
            c = tiny;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < tiny {
            d = tiny;
        }
        c = 1.0 + aa / c;
        if c.abs() < tiny {
            c = tiny;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < 1e-16 {
            break;
        }
    }
    h
}

/// Regularized incomplete beta I_x(a, b).
pub fn beta_inc(a: f64, b: f64, x: f64) -> f64 {
    if !(a > 0.0 && b > 0.0) || x.is_nan() {
        return f64::NAN;
    }
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    let front = ln_front.exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_cf(a, b, x) / a
    } else {
        1.0 - front * beta_cf(b, a, 1.0 - x) / b
    }
}

/// Two-sided p-value of Student's t with `df` degrees of freedom.
pub fn t_p_two_sided(t: f64, df: f64) -> f64 {
    if t.is_nan() || !(df > 0.0) {
        return f64::NAN;
    }
    if t.is_infinite() {
        return 0.0;
    }
    beta_inc(df / 2.0, 0.5, df / (df + t * t)).clamp(0.0, 1.0)
}

// ---------------------------------------------------------------- correlation, regression

/// Pearson correlation with its two-sided p-value (scipy.stats.pearsonr).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pearson {
    pub r: f64,
    pub p: f64,
    pub n: usize,
}

/// Pearson r over the pairs where both values are finite. None when n < 3 or either side is
/// constant.
pub fn pearson(xs: &[f64], ys: &[f64]) -> Option<Pearson> {
    let pairs: Vec<(f64, f64)> = xs.iter().zip(ys).filter(|(x, y)| x.is_finite() && y.is_finite()).map(|(x, y)| (*x, *y)).collect();
    let n = pairs.len();
    if n < 3 {
        return None;
    }
    let mx = pairs.iter().map(|p| p.0).sum::<f64>() / n as f64;
    let my = pairs.iter().map(|p| p.1).sum::<f64>() / n as f64;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in &pairs {
        let (dx, dy) = (x - mx, y - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if !(sxx > 0.0 && syy > 0.0) {
        return None;
    }
    let r = (sxy / (sxx.sqrt() * syy.sqrt())).clamp(-1.0, 1.0);
    if !r.is_finite() {
        return None;
    }
    let df = (n - 2) as f64;
    let p = if r.abs() >= 1.0 { 0.0 } else { t_p_two_sided(r * (df / (1.0 - r * r)).sqrt(), df) };
    Some(Pearson { r, p, n })
}

/// Ordinary least squares fit y = intercept + slope·x (scipy.stats.linregress).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinearFit {
    pub slope: f64,
    pub intercept: f64,
    pub r: f64,
    /// Two-sided p-value of the slope's t-test (H0: slope = 0).
    pub p: f64,
    pub stderr: f64,
    pub n: usize,
}

pub fn linear_fit(xs: &[f64], ys: &[f64]) -> Option<LinearFit> {
    let pairs: Vec<(f64, f64)> = xs.iter().zip(ys).filter(|(x, y)| x.is_finite() && y.is_finite()).map(|(x, y)| (*x, *y)).collect();
    let n = pairs.len();
    if n < 3 {
        return None;
    }
    let mx = pairs.iter().map(|p| p.0).sum::<f64>() / n as f64;
    let my = pairs.iter().map(|p| p.1).sum::<f64>() / n as f64;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in &pairs {
        let (dx, dy) = (x - mx, y - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if !(sxx > 0.0) {
        return None;
    }
    let slope = sxy / sxx;
    let intercept = my - slope * mx;
    let df = (n - 2) as f64;
    let (r, p, stderr) = if syy > 0.0 {
        let r = (sxy / (sxx.sqrt() * syy.sqrt())).clamp(-1.0, 1.0);
        let stderr = (((1.0 - r * r) * syy / sxx) / df).max(0.0).sqrt();
        let p = if r.abs() >= 1.0 { 0.0 } else { t_p_two_sided(r * (df / (1.0 - r * r)).sqrt(), df) };
        (r, p, stderr)
    } else {
        (0.0, 1.0, 0.0)
    };
    [slope, intercept, r, p, stderr].iter().all(|v| v.is_finite()).then_some(LinearFit { slope, intercept, r, p, stderr, n })
}

/// Theil–Sen slope: the median of the pairwise slopes (scipy.stats.theilslopes; with x = 0..n
/// it is Sen's slope of pymannkendall). O(n²): callers bound n.
pub fn theil_sen_slope(xs: &[f64], ys: &[f64]) -> Option<f64> {
    let n = xs.len().min(ys.len());
    let mut slopes = Vec::with_capacity(n.saturating_mul(n.saturating_sub(1)) / 2);
    for i in 0..n {
        for j in (i + 1)..n {
            let (Some(xi), Some(xj), Some(yi), Some(yj)) = (xs.get(i), xs.get(j), ys.get(i), ys.get(j)) else { continue };
            let dx = xj - xi;
            if dx != 0.0 {
                let s = (yj - yi) / dx;
                if s.is_finite() {
                    slopes.push(s);
                }
            }
        }
    }
    median(&slopes)
}

// ---------------------------------------------------------------- trend, change point

/// Mann–Kendall trend test (pymannkendall.original_test).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MannKendall {
    pub s: f64,
    /// Variance of S, corrected for ties.
    pub var_s: f64,
    /// With continuity correction.
    pub z: f64,
    /// Two-sided.
    pub p: f64,
    /// Kendall's tau, S / (n(n−1)/2).
    pub tau: f64,
    pub n: usize,
}

/// Mann–Kendall on values in time order. None when n < 3 or var(S) = 0 (all equal). O(n²).
pub fn mann_kendall(ys: &[f64]) -> Option<MannKendall> {
    let n = ys.len();
    if n < 3 || ys.iter().any(|y| !y.is_finite()) {
        return None;
    }
    let mut s = 0i64;
    for (i, a) in ys.iter().enumerate() {
        for b in ys.iter().skip(i + 1) {
            s += match b.total_cmp(a) {
                std::cmp::Ordering::Greater => 1,
                std::cmp::Ordering::Less => -1,
                std::cmp::Ordering::Equal => 0,
            };
        }
    }
    // tie groups
    let sv = sorted(ys);
    let mut ties = 0.0;
    let mut run = 1usize;
    for w in sv.windows(2) {
        if let [a, b] = w {
            if a == b {
                run += 1;
                continue;
            }
        }
        let t = run as f64;
        ties += t * (t - 1.0) * (2.0 * t + 5.0);
        run = 1;
    }
    let t = run as f64;
    ties += t * (t - 1.0) * (2.0 * t + 5.0);
    let nf = n as f64;
    let var_s = (nf * (nf - 1.0) * (2.0 * nf + 5.0) - ties) / 18.0;
    if !(var_s > 0.0) {
        return None;
    }
    let sf = s as f64;
    let z = if s > 0 {
        (sf - 1.0) / var_s.sqrt()
    } else if s < 0 {
        (sf + 1.0) / var_s.sqrt()
    } else {
        0.0
    };
    let p = normal_p_two_sided(z);
    let tau = sf / (0.5 * nf * (nf - 1.0));
    Some(MannKendall { s: sf, var_s, z, p, tau, n })
}

/// Mann–Kendall with trend-free pre-whitening (Yue & Wang 2002, as
/// pymannkendall.trend_free_pre_whitening_modification_test): remove Sen's slope, take out the
/// lag-1 autocorrelation (x′_t = d_t − r₁·d_{t−1}), put the slope back, test the n − 1 values.
/// Serial correlation (seasons, slow drifts) otherwise makes the plain test call noise a trend.
pub fn mann_kendall_tfpw(ys: &[f64]) -> Option<MannKendall> {
    let n = ys.len();
    if n < 4 {
        return None;
    }
    let idx: Vec<f64> = (0..n).map(|i| i as f64).collect();
    let slope = theil_sen_slope(&idx, ys)?;
    let detrended: Vec<f64> = ys.iter().enumerate().map(|(i, y)| y - (i + 1) as f64 * slope).collect();
    let r1 = acf1(&detrended).unwrap_or(0.0);
    let white: Vec<f64> = detrended
        .windows(2)
        .enumerate()
        .map(|(i, w)| match w {
            [a, b] => b - a * r1 + (i + 1) as f64 * slope,
            _ => 0.0,
        })
        .collect();
    mann_kendall(&white)
}

/// Pettitt's change-point test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pettitt {
    /// Number of values before the change (the first segment is `0..at`).
    pub at: usize,
    /// K = max |U_t|.
    pub k: f64,
    /// Approximate two-sided p-value 2·exp(−6K² / (n³ + n²)), capped at 1.
    pub p: f64,
    pub mean_before: f64,
    pub mean_after: f64,
    pub n: usize,
}

/// Pettitt (1979) on values in time order: U_t = Σ_{i<t} Σ_{j≥t} sgn(x_j − x_i) for the split
/// before index t; the change is where |U_t| is largest (the first such t). O(n²).
pub fn pettitt(ys: &[f64]) -> Option<Pettitt> {
    let n = ys.len();
    if n < 4 || ys.iter().any(|y| !y.is_finite()) {
        return None;
    }
    let sgn = |a: f64, b: f64| -> f64 {
        match b.total_cmp(&a) {
            std::cmp::Ordering::Greater => 1.0,
            std::cmp::Ordering::Less => -1.0,
            std::cmp::Ordering::Equal => 0.0,
        }
    };
    // U_t for t = 1..n-1 (first segment 0..t); U_t = U_{t-1} + Σ_j sgn(x_j − x_{t−1}).
    let mut u = 0.0f64;
    let mut best = (0usize, 0.0f64);
    for t in 1..n {
        let Some(&xi) = ys.get(t - 1) else { break };
        u += ys.iter().map(|&xj| sgn(xi, xj)).sum::<f64>();
        if u.abs() > best.1 {
            best = (t, u.abs());
        }
    }
    let (at, k) = best;
    if at == 0 {
        return None;
    }
    let nf = n as f64;
    let p = (2.0 * (-6.0 * k * k / (nf * nf * nf + nf * nf)).exp()).min(1.0);
    let mean_before = mean(ys.get(..at)?)?;
    let mean_after = mean(ys.get(at..)?)?;
    Some(Pettitt { at, k, p, mean_before, mean_after, n })
}

/// Pettitt's test with its p-value corrected for serial correlation: r₁ is the lag-1
/// autocorrelation of the residuals from the two segment means, and when it is positive the
/// variance of U is inflated by (1 + r₁)/(1 − r₁) (an AR(1) effective-sample-size correction):
/// p = 2·exp(−6K² / (f·(n³ + n²))). Returns the test, r₁ and the corrected p.
pub fn pettitt_ar1(ys: &[f64]) -> Option<(Pettitt, f64, f64)> {
    let pt = pettitt(ys)?;
    let resid: Vec<f64> = ys.iter().enumerate().map(|(i, y)| y - if i < pt.at { pt.mean_before } else { pt.mean_after }).collect();
    let r1 = acf1(&resid).unwrap_or(0.0);
    let f = if r1 > 0.0 { ((1.0 + r1) / (1.0 - r1).max(1e-9)).min(1e9) } else { 1.0 };
    let nf = pt.n as f64;
    let p = (2.0 * (-6.0 * pt.k * pt.k / (f * (nf * nf * nf + nf * nf))).exp()).min(1.0);
    Some((pt, r1, p))
}

/// Concentration: how many of the largest values make `share` (e.g. 0.8) of the total.
/// None when a value is negative or the total is not positive.
pub fn concentration(values: &[f64], share: f64) -> Option<(usize, f64)> {
    if values.is_empty() || values.iter().any(|v| !v.is_finite() || *v < 0.0) {
        return None;
    }
    let total: f64 = values.iter().sum();
    if !(total > 0.0) {
        return None;
    }
    let mut desc = values.to_vec();
    desc.sort_unstable_by(|a, b| b.total_cmp(a));
    let mut acc = 0.0;
    for (i, v) in desc.iter().enumerate() {
        acc += v;
        // a relative epsilon, so 80.0000000001% of rounding noise still counts as 80%
        if acc / total >= share - 1e-12 {
            return Some((i + 1, acc / total));
        }
    }
    Some((desc.len(), 1.0))
}

/// Means of consecutive buckets, so O(n²) tests stay bounded on long series. Returns the
/// input when it already fits.
pub fn bucket_means(ys: &[f64], max: usize) -> Vec<f64> {
    if ys.len() <= max || max == 0 {
        return ys.to_vec();
    }
    let n = ys.len();
    (0..max)
        .filter_map(|b| {
            let lo = b * n / max;
            let hi = ((b + 1) * n / max).max(lo + 1).min(n);
            ys.get(lo..hi).and_then(mean)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn degenerate_inputs_never_panic() {
        let empty: [f64; 0] = [];
        let one = [1.0];
        let same = [2.0; 10];
        for xs in [&empty[..], &one[..], &same[..], &[f64::NAN, 1.0, 2.0][..], &[f64::INFINITY, 1.0, 2.0, 3.0][..]] {
            let _ = mean(xs);
            let _ = variance(xs);
            let _ = coefficient_of_variation(xs);
            let _ = median(xs);
            let _ = iqr_outliers(xs, 1.5);
            let _ = robust_z(xs);
            let _ = series_outliers(xs, 3.5);
            let _ = mann_kendall(xs);
            let _ = pettitt(xs);
            let _ = pettitt_ar1(xs);
            let _ = mann_kendall_tfpw(xs);
            let _ = acf1(xs);
            let _ = pearson(xs, xs);
            let _ = linear_fit(xs, xs);
            let _ = theil_sen_slope(xs, xs);
            let _ = concentration(xs, 0.8);
            let _ = bucket_means(xs, 3);
        }
        assert!(mann_kendall(&same).is_none());
        assert!(pearson(&same, &same).is_none());
        assert!(iqr_outliers(&same, 1.5).is_none());
        assert!(robust_z(&same).is_none());
        assert!(coefficient_of_variation(&[0.0, 0.0]).is_none());
    }

    #[test]
    fn special_functions() {
        assert!((erfc(0.0) - 1.0).abs() < 1e-15);
        assert!((erfc(1.0) - 0.157_299_207_050_285_13).abs() < 1e-15);
        assert!((normal_p_two_sided(1.959_963_984_540_054) - 0.05).abs() < 1e-12);
        // t(10) two-sided p at t = 2.228138851986: 0.05
        assert!((t_p_two_sided(2.228_138_851_986_274, 10.0) - 0.05).abs() < 1e-10);
        assert!((ln_gamma(5.0) - 24f64.ln()).abs() < 1e-13);
    }

    #[test]
    fn concentration_counts() {
        assert_eq!(concentration(&[50.0, 30.0, 10.0, 5.0, 5.0], 0.8), Some((2, 0.8)));
        assert_eq!(concentration(&[1.0; 5], 0.8).map(|c| c.0), Some(4));
        assert_eq!(concentration(&[-1.0, 2.0], 0.8), None);
    }

    #[test]
    fn buckets() {
        assert_eq!(bucket_means(&[1.0, 2.0, 3.0, 4.0], 2), vec![1.5, 3.5]);
        assert_eq!(bucket_means(&[1.0, 2.0], 5), vec![1.0, 2.0]);
    }
}
